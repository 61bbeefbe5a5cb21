"""The verifier against what it checks: two implementations held to each other.

``saksi.verify`` re-derives from the docs what intake (``parse_entry``), ``Authority``
and ``Recap`` do. On random logs (forms, inconsistent forms, corrections, witness
copies, D.Hasil, revocations, and entries the service would have refused, written
into the log as they are) every entry's verdict (accepted, or the code that refuses
it) and every number the published files hold (each region's facts, each child's,
the summary's, each CSV cell and NIST number) must be the same from both.
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saksi.cli import cli
from saksi.election.envelope import parse_entry, sign_statement
from saksi.election.keys import SigningKey
from saksi.election.statements import CHasil
from saksi.errors import RecapError, SaksiError
from saksi.recap.csvout import CSV_LEVELS, level_csv
from saksi.recap.fold import Recap
from saksi.recap.snapshot import Tally, child_facts, contest_summary, region_facts
from saksi.sim.logbook import CORRECTION_AT, TALLY_AT, Logbook
from saksi.tlog.checkpoint import Checkpoint
from saksi.verify.entries import check_chunk
from saksi.verify.keys import Fold
from saksi.verify.regions import NATION, Regions
from saksi.verify.totals import _region_rows, _tps_rows
from tests.recap.factory import broken, grown, shifted, tiny
from tests.verify.factory import build, relog

CONTEST = "ppwp"

OPS = st.lists(
    st.tuples(
        st.sampled_from(
            (
                "hasil", "broken", "copy", "copy-differs", "correct", "correct-broken",
                "dhasil", "dup-hasil", "same-bytes", "stale", "wrong-kpps", "unknown-key",
                "revoke", "bad-signature", "other-election", "copy-again",
            )
        ),
        st.integers(0, 7),  # which TPS
        st.integers(1, 9),  # votes moved or added
        st.sampled_from(("1", "2", "3")),
    ),
    max_size=30,
)  # fmt: skip


def play(book: Logbook, ops: list[tuple[str, int, int, str]]) -> None:
    """Write the ops into the log, refused or not: the log holds what was written."""
    tps = list(book.iter_tps())
    first: dict[str, int] = {}
    for op, which, votes, party in ops:
        code = tps[which]
        true = book.true_form(code)
        has_form = code in book.in_force
        if op in ("hasil", "broken", "dup-hasil"):
            form = {"hasil": true, "broken": broken(true), "dup-hasil": shifted(true, votes)}[op]
            saved = book.in_force.get(code)
            at = book.c_hasil(code, form)
            first.setdefault(code, at)
            if saved is not None:  # a second c-hasil is refused: the form in force stays
                book.in_force[code] = saved
        elif op == "same-bytes" and code in first:
            book.entries.append(book.entries[first[code]])
        elif op.startswith("copy"):
            book.c_salinan(code, party, true if op != "copy-differs" else shifted(true, votes))
        elif op in ("correct", "correct-broken") and has_form:
            form = grown(true, votes)
            book.correction(code, form if op == "correct" else broken(form))
        elif op == "stale" and code in first and book.in_force[code][0] != first[code]:
            saved = book.in_force[code]
            book.in_force[code] = (first[code], parse_entry(book.entries[first[code]]))
            book.correction(code, grown(true, votes))
            book.in_force[code] = saved
        elif op == "dhasil":
            region = (code[:6], code[:4], code[:2], NATION)[votes % 4]
            totals = reference(book)[1].totals(region, CONTEST).to_dict()
            totals["suara_sah"] += votes % 3
            book.d_hasil(region, totals)
        elif op in ("wrong-kpps", "unknown-key", "other-election"):
            key = (
                book.keys.kpps(tps[(which + 1) % len(tps)]) if op == "wrong-kpps"
                else SigningKey.from_seed(bytes([votes]) * 32) if op == "unknown-key"
                else book.keys.kpps(code)
            )  # fmt: skip
            election = book.origin if op != "other-election" else "other.example/pemilu"
            stmt = CHasil(
                type="c-hasil", election=election, at=TALLY_AT, tps=code, contest="ppwp", form=true
            )
            book.entries.append(sign_statement(stmt, key).to_bytes())
        elif op == "revoke":
            registrar = f"kpu-kab-{code[:4]}"
            book.entries.append(
                book.keys.revoke(
                    registrar, book.keys.kpps(code), CORRECTION_AT, "hilang"
                ).to_bytes()
            )
        elif op == "bad-signature" and has_form:
            data = bytearray(book.entries[book.in_force[code][0]])
            at = data.index(b'"sig":"') + 10
            data[at] = ord("A") if data[at] != ord("A") else ord("B")
            book.entries.append(bytes(data))


def reference(book: Logbook) -> tuple[list[str | None], Recap]:
    """Intake's and the fold's verdict on every entry, and the fold."""
    verdicts: list[str | None] = []
    recap: Recap | None = None
    for index, data in enumerate(book.entries):
        try:
            envelope = parse_entry(data)
        except SaksiError as exc:
            verdicts.append(exc.code)
            assert recap is not None
            recap.skip(index)
            continue
        if recap is None:
            recap = Recap(book.hierarchy, envelope)
            verdicts.append(None)
            continue
        try:
            recap.apply(envelope)
            verdicts.append(None)
        except RecapError as exc:
            verdicts.append(exc.details["cause"])
            recap.skip(index)
    assert recap is not None
    return verdicts, recap


def verifier(book: Logbook, regions: Regions) -> tuple[list[str | None], Fold]:
    checked = check_chunk(book.entries)
    assert checked[0][0] is not None and Fold.first(checked[0], regions) is None
    fold = Fold(checked[0], regions)
    verdicts: list[str | None] = [None]
    for item in checked[1:]:
        if item[0] is None:
            verdicts.append(item[1])
            fold.skip()
            continue
        refused = fold.apply(item)
        verdicts.append(None if refused is None else refused[0])
    return verdicts, fold


def _csv_cells(data: bytes) -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    return {row["code"]: row for row in rows}


def assert_same_numbers(recap: Recap, fold: Fold) -> None:
    tally = Tally.full(recap, CONTEST)
    view = fold.tallies[CONTEST].view(fold.regions)
    h = recap.hierarchy
    regions = [NATION, *(c for level in (2, 4, 6, 10) for c in fold.regions.codes(level))]
    for code in regions:
        assert json.loads(
            json.dumps(region_facts(recap, CONTEST, code, tally))
        ) == view.region_facts(code), code
        for child in h.children(code):
            ours = view.child_facts(child)
            assert child_facts(recap, CONTEST, child, tally) == ours, child
    assert contest_summary(recap, CONTEST, tally)["anomalies"] == view.anomaly_counts(NATION)
    assert contest_summary(recap, CONTEST, tally)["totals"] == view.totals(NATION)
    checkpoint = Checkpoint("o", recap.size, bytes(32))
    stamp = (str(recap.size), bytes(32).hex())
    for level, digits in zip(CSV_LEVELS, (2, 4, 6, 10, 13), strict=True):
        theirs = _csv_cells(level_csv(recap, CONTEST, level, checkpoint))
        header, rows = (_tps_rows if digits == 13 else _region_rows)(fold, view, digits, stamp)
        ours = {code: dict(zip(header, cells, strict=True)) for code, cells in rows}
        assert theirs == ours, level


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_verdicts_and_every_published_number_agree_on_random_logs(
    ops: list[tuple[str, int, int, str]],
) -> None:
    book = tiny()
    play(book, ops)
    regions = Regions(book.hierarchy.canonical_bytes())
    theirs, recap = reference(book)
    ours, fold = verifier(book, regions)
    assert ours == theirs
    assert fold.size == recap.size == len(book.entries)
    assert_same_numbers(recap, fold)


def test_every_kind_of_refusal_is_played() -> None:
    """The generator above does make the refusals it is meant to (one fixed log)."""
    book = tiny()
    ops = [
        ("hasil", 0, 1, "1"), ("correct", 0, 2, "1"), ("stale", 0, 3, "1"),
        ("dup-hasil", 0, 1, "1"), ("same-bytes", 0, 1, "1"), ("wrong-kpps", 1, 1, "1"),
        ("unknown-key", 1, 1, "1"), ("revoke", 2, 1, "1"), ("hasil", 2, 1, "1"),
        ("bad-signature", 0, 1, "1"), ("other-election", 3, 1, "1"), ("copy", 3, 1, "1"),
        ("copy-again", 3, 1, "1"), ("dhasil", 4, 4, "1"), ("dhasil", 4, 4, "1"),
        ("broken", 5, 1, "1"), ("copy-differs", 5, 2, "2"), ("dhasil", 6, 5, "1"),
    ]  # fmt: skip
    play(book, ops)
    theirs, _ = reference(book)
    ours, _ = verifier(book, Regions(book.hierarchy.canonical_bytes()))
    assert ours == theirs
    assert {c for c in ours if c} >= {
        "auth.duplicate-form", "auth.duplicate-entry", "auth.correction-stale",
        "auth.out-of-scope", "auth.unknown-key", "auth.revoked", "statement.bad-signature",
        "statement.election-mismatch",
    }  # fmt: skip


def test_unauthorized_entries_written_into_the_store_are_named_by_saksi_verify(
    tmp_path: Path,
) -> None:
    """A log whose store holds entries intake refused (written by the operator, with
    the log's own key): ``saksi verify`` names each, with the cause the fold gives."""
    pub = build(tmp_path / "pub")
    book = pub.book
    play(
        book,
        [
            ("wrong-kpps", 6, 1, "1"),
            ("unknown-key", 7, 3, "1"),
            ("revoke", 0, 1, "1"),
            ("dup-hasil", 0, 2, "1"),
        ],
    )
    relog(pub, book.entries, drop_results=True)
    expected, _ = reference(book)
    args = [
        "verify",
        str(pub.root),
        "--state",
        str(tmp_path / "s"),
        "--json",
        "--log-key",
        pub.vkey,
    ]
    args += ["--regions", str(pub.regions)]
    result = CliRunner().invoke(cli, args)
    report = json.loads(result.stdout)
    found = {
        f["details"]["index"]: f["details"]["cause"]
        for f in report["findings"]
        if f["code"] == "verify.unauthorized"
    }
    assert found == {i: c for i, c in enumerate(expected) if c is not None}
    assert result.exit_code == 6


def test_a_vote_added_by_the_fold_at_one_tps_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug injected into the fold of ``saksi publish`` (one vote more for pair 02 at
    one TPS) is a totals finding naming the region, the field and both numbers."""
    pub = build(tmp_path / "pub")
    target = pub.tps[4]
    refresh = Recap._refresh

    def buggy(self: Recap, tps: str, contest: str, slot: Any, old: Any) -> None:
        if tps == target and slot.values is not None:
            at = self.layouts[contest].form_fields.index("suara_paslon_02")
            slot.values[at] += 1
        refresh(self, tps, contest, slot, old)

    monkeypatch.setattr(Recap, "_refresh", buggy)
    out = tmp_path / "results"
    published = CliRunner().invoke(
        cli, ["publish", str(pub.log_dir), "--out", str(out), "--regions", str(pub.regions)]
    )
    assert published.exit_code == 0, published.output
    monkeypatch.undo()
    (pub.results / "latest.json").unlink()
    for path in out.rglob("*"):
        if path.is_file():
            dest = pub.results / path.relative_to(out)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(path.read_bytes())
    args = [
        "verify",
        str(pub.root),
        "--state",
        str(tmp_path / "s"),
        "--json",
        "--log-key",
        pub.vkey,
    ]
    result = CliRunner().invoke(cli, args)
    report = json.loads(result.stdout)
    assert result.exit_code == 7, report
    differ = [f["details"] for f in report["findings"] if f["code"] == "verify.totals-differ"]
    nation = [d for d in differ if d["region"] == NATION and d["field"] == "totals.suara_paslon.02"]
    assert nation and nation[0]["published"] == nation[0]["recomputed"] + 1
    at_tps = [d for d in differ if d["region"] == target and d["field"] == "totals.suara_paslon.02"]
    assert at_tps and at_tps[0]["published"] == at_tps[0]["recomputed"] + 1
    assert {d["region"] for d in differ} >= {
        NATION,
        target[:2],
        target[:4],
        target[:6],
        target[:10],
        target,
    }
    assert random  # (the hypothesis test above draws its own)
