"""CSV exports: a header, one row per region or TPS, rows adding up to the level above."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saksi.election.codes import NASIONAL, Level
from saksi.recap.csvout import CSV_LEVELS, csv_name, level_csv
from saksi.recap.fold import Recap
from saksi.sim.logbook import Logbook
from tests.recap.factory import broken, tiny
from tests.recap.test_publish import checkpoint_of, scenario

CONTEST = "ppwp"
SUMMED = ("suara_paslon_01", "suara_paslon_02", "suara_paslon_03", "suara_sah",
          "suara_tidak_sah", "suara_total", "pengguna_total_j", "pemilih_dpt_j")  # fmt: skip


def rows(recap: Recap, book: Logbook, level: Level) -> list[dict[str, str]]:
    data = level_csv(recap, CONTEST, level, checkpoint_of(book))
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def grouped(found: list[dict[str, str]], fields: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Per parent code, the sum of each field over its rows."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(fields, 0))
    for row in found:
        for name in fields:
            out[row["parent"]][name] += int(row[name])
    return dict(out)


def assert_rows_add_up(recap: Recap, book: Logbook) -> None:
    fields = (*SUMMED, "jumlah_tps", "expected", "received", "counted")
    by_level = {level: rows(recap, book, level) for level in CSV_LEVELS}
    nation = recap.totals(NASIONAL, CONTEST).flat()
    progress = recap.progress(NASIONAL, CONTEST)
    top = grouped(by_level[Level.PROVINSI], fields)[NASIONAL]
    assert {k: top[k] for k in SUMMED} == {k: nation[k] for k in SUMMED}
    assert (top["expected"], top["received"], top["counted"]) == (
        progress.expected, progress.received, progress.counted,
    )  # fmt: skip
    for upper, lower in pairwise(CSV_LEVELS[:4]):
        sums = grouped(by_level[lower], fields)
        for row in by_level[upper]:
            assert sums[row["code"]] == {k: int(row[k]) for k in fields}, (upper, row["code"])
    counted = [r for r in by_level[Level.TPS] if r["counted"] == "1"]
    sums = grouped(counted, SUMMED)
    for row in by_level[Level.DESA]:
        expected = {k: int(row[k]) for k in SUMMED} if int(row["counted"]) else None
        assert sums.get(row["code"]) == expected
        assert int(row["counted"]) == len([r for r in counted if r["parent"] == row["code"]])


def test_every_level_has_a_header_and_one_row_per_region() -> None:
    book = scenario()
    recap = Recap.replay(book.hierarchy, book.entries)
    for level in CSV_LEVELS:
        found = rows(recap, book, level)
        codes = [r["code"] for r in found]
        expected = (
            list(book.hierarchy.iter_tps())
            if level is Level.TPS
            else list(book.hierarchy.codes(level))
        )
        assert codes == expected
        assert csv_name(CONTEST, level).startswith(f"{CONTEST}-")
    header = level_csv(recap, CONTEST, Level.KECAMATAN, checkpoint_of(book)).split(b"\n")[0]
    assert header.decode().split(",")[:7] == [
        "code", "name", "parent", "expected", "received", "counted", "suara_paslon_01",
    ]  # fmt: skip


def test_tps_rows_carry_status_witness_and_the_form_in_force() -> None:
    book = scenario()
    recap = Recap.replay(book.hierarchy, book.entries)
    found = {r["code"]: r for r in rows(recap, book, Level.TPS)}
    tps = list(book.iter_tps())
    assert found[tps[0]]["witness"] == "agree"
    assert found[tps[0]]["suara_sah"] == str(book.true_form(tps[0]).suara_sah)
    assert (found[tps[1]]["status"], found[tps[1]]["counted"]) == ("inconsistent", "0")
    assert found[tps[3]]["status"] == "corrected"
    missing = found[tps[7]]
    assert missing["status"] == "missing" and missing["suara_sah"] == ""


def test_rows_add_up_to_the_level_above_in_the_fixed_election() -> None:
    book = scenario()
    assert_rows_add_up(Recap.replay(book.hierarchy, book.entries), book)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=st.lists(st.sampled_from(["none", "true", "broken"]), min_size=12, max_size=12))
def test_rows_add_up_to_the_level_above_for_any_set_of_forms(plan: list[str]) -> None:
    book = tiny(tps_per_desa=3)
    for tps, what in zip(book.iter_tps(), plan, strict=True):
        if what == "true":
            book.c_hasil(tps)
        elif what == "broken":
            book.c_hasil(tps, broken(book.true_form(tps)))
    assert_rows_add_up(Recap.replay(book.hierarchy, book.entries), book)
