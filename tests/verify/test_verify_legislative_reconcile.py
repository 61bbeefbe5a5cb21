"""The verifier's own legislative reconciliation (saksi/verify/legislative_reconcile.py)
against the reference's (saksi/recap/legislative_reconcile.py), and in ``saksi verify``'s
report.

Two readings of docs/recap.md ("Reconciliation": "The legislative contests", "The forms
of one TPS") and docs/rules.md ("Across the forms of one TPS") held to each other: every
legislative D.Hasil's check (``complete``, every differing field with both numbers and
the party and candidate it names) and every TPS's cross-form finding (its rules and
fields; the messages are each implementation's wording). On tiny()'s election
(tests/recap/test_legislative_fold.py): DPRD Kab/Kota dapil 320101 is the TPS A and B
of kecamatan 320101 in kab/kota 3201.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saksi.cli import cli
from saksi.recap.fold import Recap
from saksi.recap.legislative_reconcile import cross_form_findings, recap_differences
from saksi.recap.publish import Publisher
from saksi.sim.logbook import Logbook
from saksi.store import open_store
from saksi.tlog.log import Log
from saksi.verify.contests import Contests
from saksi.verify.findings import KEEP
from saksi.verify.legislative_reconcile import (
    Crossing,
    cross_form,
    cross_form_counted,
    recap_checks,
    summary,
)
from saksi.verify.legislative_tally import ContestCount
from saksi.verify.regions import Regions
from tests.recap.test_legislative_fold import (
    CONTESTS,
    DPR,
    KABKOTA,
    KABKOTA_VOTES,
    A,
    B,
    book_v2,
    form_of,
    halves,
    kabkota_night,
    play,
)
from tests.recap.test_legislative_fold import OPS as BOOK_OPS
from tests.recap.test_legislative_reconcile import K, inflated_totals, witnessed_night
from tests.verify.test_legislative_tally import verifier_fold


def wordless(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cross-form findings without the rules' messages (each implementation words them)."""
    return [
        {**f, "rules": [{k: v for k, v in r.items() if k != "message"} for r in f["rules"]]}
        for f in found
    ]


def ours_and_theirs(book: Logbook) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every contest's D.Hasil checks and the cross-form findings, from the verifier and
    from the reference."""
    regions = Regions(book.hierarchy.canonical_bytes())
    assert book.contests is not None
    read = Contests(book.contests.canonical_bytes())
    fold = verifier_fold(book.entries, regions, read)
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    ours: dict[str, Any] = {"cross-form": wordless(cross_form(fold))}
    theirs: dict[str, Any] = {
        "cross-form": wordless([f.to_dict() for f in cross_form_findings(recap)])
    }
    for contest in recap.legislative_contests:
        count = ContestCount(contest, fold.chains[contest], read, regions)
        ours[contest] = recap_checks(count, regions)
        theirs[contest] = [c.to_dict() for c in recap_differences(recap, contest)]
    return ours, theirs


def test_a_dhasil_raising_one_party_at_a_kabkota_is_exactly_that() -> None:
    """The 2024 case: kab/kota 3201's D.Hasil of dapil 320101 raises party 4's A.1 by
    K; its kecamatan's agrees. The verifier names exactly that: the region, the dapil,
    party 4's A.1 and B, the valid and total votes, each the D.Hasil's and the forms'."""
    book = book_v2()
    witnessed_night(book)
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    honest = recap.legislative("dprd-kabkota").dapil_totals("320101").to_dict()
    book.legislative_d_hasil("320101", KABKOTA, "320101", honest)
    index = book.legislative_d_hasil("3201", KABKOTA, "320101", inflated_totals(recap, "4", K))
    ours, theirs = ours_and_theirs(book)
    assert ours == theirs
    kabkota, kecamatan = ours["dprd-kabkota"]
    assert kecamatan["region"] == "320101" and kecamatan["differences"] == []
    assert kecamatan["complete"]
    named = ("region", "level", "contest", "dapil", "index", "complete")
    assert {k: kabkota[k] for k in named} == {
        "region": "3201", "level": "kabkota", "contest": "dprd-kabkota", "dapil": "320101",
        "index": index, "complete": True,
    }  # fmt: skip
    assert kabkota["differences"] == [
        {"field": "suara_partai_4", "recap": 5 + K, "forms": 5, "party": "4"},
        {"field": "suara_sah_partai_4", "recap": 60 + K, "forms": 60, "party": "4"},
        {"field": "suara_sah", "recap": 216 + K, "forms": 216},
        {"field": "suara_total", "recap": 219 + K, "forms": 219},
    ]
    assert ours["cross-form"] == []


def test_a_dhasil_before_its_forms_names_candidates_and_jumlah_tps() -> None:
    """A D.Hasil logged with one of its two TPS counted: incomplete, each candidate's
    A.2 named by party and candidate, ``jumlah_tps`` 2 against 1."""
    truth = book_v2()
    kabkota_night(truth)
    recap = Recap.replay(truth.hierarchy, truth.entries, contests=truth.contests)
    totals = recap.legislative("dprd-kabkota").dapil_totals("320101").to_dict()
    book = book_v2()
    first, _ = halves(KABKOTA_VOTES)
    book.legislative_c_hasil(A, KABKOTA, form_of(book, A, KABKOTA, first, invalid=3))
    book.legislative_d_hasil("320101", KABKOTA, "320101", totals)
    ours, theirs = ours_and_theirs(book)
    assert ours == theirs
    (check,) = ours["dprd-kabkota"]
    assert not check["complete"]
    assert {"field": "jumlah_tps", "recap": 2, "forms": 1} in check["differences"]
    assert {"field": "suara_caleg_1_1", "recap": 20, "forms": 10, "party": "1",
            "candidate": "1"} in check["differences"]  # fmt: skip


def test_a_tps_whose_forms_disagree_on_the_dpt_is_the_same_finding() -> None:
    """PPWP's DPT (183) against the legislative forms' (300) at A: impossible, holding
    no form; two legislative forms of different voters: suspicious. Both sides find the
    same rules, fields and forms."""
    book = book_v2()
    first, _ = halves(KABKOTA_VOTES)
    book.legislative_c_hasil(A, KABKOTA, form_of(book, A, KABKOTA, first, invalid=3))
    book.legislative_c_hasil(A, DPR, form_of(book, A, DPR, {"1": {0: 100}}))
    ours, theirs = ours_and_theirs(book)
    assert ours["cross-form"] == theirs["cross-form"]
    (found,) = ours["cross-form"]
    assert found["severity"] == "suspicious"
    assert [r["rule"] for r in found["rules"]] == ["pengguna-dpt-sama"]
    book.c_hasil(A)
    ours, theirs = ours_and_theirs(book)
    assert ours["cross-form"] == theirs["cross-form"]
    (found,) = ours["cross-form"]
    assert found["region"] == A and found["severity"] == "impossible" and not found["held"]
    assert list(found["forms"]) == ["ppwp", "dpr", "dprd-kabkota"]
    assert [r["rule"] for r in found["rules"]][:3] == ["dpt-sama-l", "dpt-sama-l", "dpt-sama-p"]
    assert found["rules"][0]["fields"] == ["ppwp.pemilih_dpt_l", "dpr.pemilih_dpt_l"]


DHASIL = st.lists(
    st.tuples(
        st.integers(0, 7),  # which TPS
        st.integers(0, 3),  # which contest
        st.sampled_from((6, 4, 2, 0)),  # the region: its kecamatan, kab/kota, province, nation
        st.integers(0, 30),  # votes added to the first party's A.1 (DPD: first candidate)
    ),
    max_size=6,
)


def _d_hasil(book: Logbook, which: int, contest: int, digits: int, k: int) -> None:
    """A D.Hasil of the TPS's dapil for its region: the dapil's totals so far, one vote
    unit raised by ``k`` (skipped where the log would refuse it)."""
    assert book.contests is not None
    code, kind = list(book.iter_tps())[which], CONTESTS[contest]
    if kind not in book.contests.ballots(code):
        return
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    tally = recap.legislative(kind.value)
    dapil = tally.dapil_of(code).code
    region = code[:digits] or "0"
    if (region, dapil) in {(r.region, r.district) for r in tally.recap_records()}:
        return
    totals = tally.dapil_totals(dapil).to_dict()
    if "partai" in totals:
        totals["partai"][min(totals["partai"], key=int)]["suara_partai"] += k
    else:
        totals["suara_calon"][min(totals["suara_calon"], key=int)] += k
    book.legislative_d_hasil(region, kind, dapil, totals)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=BOOK_OPS, recaps=DHASIL, ppwp=st.lists(st.integers(0, 7), max_size=3))
def test_the_verifiers_reconciliation_is_the_references(
    ops: list[tuple[str, int, int, str]],
    recaps: list[tuple[int, int, int, int]],
    ppwp: list[int],
) -> None:
    """On random v2 logs (forms, held forms, copies, corrections, D.Hasil at every
    level, some raised, PPWP forms): the same D.Hasil checks and cross-form findings."""
    book = book_v2()
    for item in recaps[: len(recaps) // 2]:  # before the forms (of zeros, some raised)
        _d_hasil(book, *item)
    play(book, ops)
    for item in recaps[len(recaps) // 2 :]:
        _d_hasil(book, *item)
    tps = list(book.iter_tps())
    for which in dict.fromkeys(ppwp):
        book.c_hasil(tps[which])
    ours, theirs = ours_and_theirs(book)
    assert ours == theirs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=BOOK_OPS, ppwp=st.lists(st.integers(0, 7), max_size=4))
def test_the_cross_form_findings_counted_as_they_go_are_those_found(
    ops: list[tuple[str, int, int, str]], ppwp: list[int]
) -> None:
    """What the report says of the cross-form findings (counted as they are found, the
    first KEEP written in words) is what the full list of them says."""
    book = book_v2()
    play(book, ops)
    tps = list(book.iter_tps())
    for which in dict.fromkeys(ppwp):
        book.c_hasil(tps[which])
    regions = Regions(book.hierarchy.canonical_bytes())
    assert book.contests is not None
    fold = verifier_fold(book.entries, regions, Contests(book.contests.canonical_bytes()))
    found = cross_form(fold)
    assert cross_form_counted(fold) == Crossing.of(found)
    assert Crossing.of(found).tps == len(found)


def test_only_the_first_cross_form_findings_are_kept_in_words() -> None:
    found = [
        {"severity": "impossible" if i % 3 else "suspicious", "rules": [
            {"fields": ["ppwp.pemilih_dpt_l", f"{'dpr' if i % 2 else 'dpd'}.pemilih_dpt_l"]}
        ]}
        for i in range(KEEP + 7)
    ]  # fmt: skip
    counted = Crossing.of(found)
    assert (counted.tps, len(counted.findings)) == (KEEP + 7, KEEP)
    assert counted.impossible == sum(1 for i in range(KEEP + 7) if i % 3)
    assert counted.involving["ppwp"] == KEEP + 7
    assert counted.involving["dpr"] + counted.involving["dpd"] == KEEP + 7
    assert summary({}, counted)["cross_form"]["suspicious"] == sum(
        1 for i in range(KEEP + 7) if not i % 3
    )


# -- in saksi verify's report ------------------------------------------------------------


def _published_night(root: Path) -> tuple[Path, str, int, Logbook]:
    """The 2024 case published by Saksi's Publisher: the log, its region file and the
    results (each region snapshot with its D.Hasil checked); the raised D.Hasil's entry;
    the book."""
    book = book_v2()
    witnessed_night(book)
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    honest = recap.legislative("dprd-kabkota").dapil_totals("320101").to_dict()
    book.legislative_d_hasil("320101", KABKOTA, "320101", honest)
    index = book.legislative_d_hasil("3201", KABKOTA, "320101", inflated_totals(recap, "4", K))
    book.legislative_c_hasil(B, DPR, form_of(book, B, DPR, {"1": {0: 100}}))
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    dpr = recap.legislative("dpr").dapil_totals("3201").to_dict()
    book.legislative_d_hasil("320101", DPR, "3201", dpr)  # a kecamatan's part of dapil 3201
    book.c_hasil(B)  # PPWP's DPT against the legislative forms': a cross-form finding
    root.mkdir(parents=True)
    book.hierarchy.save(root / "regions.json")
    log, vkey = Log.create(root / "log", book.origin, open_store, durable=False)
    try:
        log.append(book.entries)
        log.integrate()
        checkpoint, note = log.signed_checkpoint(), log.checkpoint()
    finally:
        log.close()
    assert checkpoint is not None and note is not None
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    Publisher(root / "results", durable=False).publish(
        recap, checkpoint, None, checkpoint_note=note
    )
    return root, vkey, index, book


def test_saksi_verify_reports_the_raised_dhasil_and_the_honest_publication_verifies(
    tmp_path: Path,
) -> None:
    root, vkey, index, _ = _published_night(tmp_path / "pub")
    args = ["verify", str(root), "--log-key", vkey, "--regions", str(root / "regions.json")]
    result = CliRunner().invoke(cli, [*args, "--state", str(tmp_path / "s1"), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["findings"] == [] and report["verified"]
    found = report["legislative_reconciliation"]
    kabkota = found["recaps"]["dprd-kabkota"]
    assert (kabkota["checked"], kabkota["complete"], kabkota["differing"]) == (2, 2, 1)
    (check,) = kabkota["differences"]
    assert (check["region"], check["dapil"], check["index"]) == ("3201", "320101", index)
    assert check["differences"][:2] == [
        {"field": "suara_partai_4", "recap": 5 + K, "forms": 5, "party": "4"},
        {"field": "suara_sah_partai_4", "recap": 60 + K, "forms": 60, "party": "4"},
    ]
    assert found["recaps"]["dpr"] == {  # A's DPR form not in: agrees, incomplete
        "checked": 1, "complete": 0, "differing": 0, "differences": [], "cross_form": 1,
    }  # fmt: skip
    assert found["cross_form"]["tps"] == 1 and found["cross_form"]["impossible"] == 1
    assert found["cross_form"]["findings"][0]["region"] == B

    result = CliRunner().invoke(cli, [*args, "--state", str(tmp_path / "s2")])
    assert result.exit_code == 0, result.output
    assert (
        "  dprd-kabkota D.Hasil: 2 checked against their forms / dicocokkan dengan "
        "formulirnya, 1 differ / berbeda"
    ) in result.stdout
    assert (
        f"    kabkota 3201 dapil 320101 (entry / entri {index:,}): suara_partai_4 "
        f"{5 + K} vs / lawan 5; suara_sah_partai_4 {60 + K} vs / lawan 60; "
        f"suara_sah {216 + K} vs / lawan 216; suara_total {219 + K} vs / lawan 219"
    ) in result.stdout
    assert "1 TPS break a cross-form rule" in result.stdout


def _snapshot_path(results: Path, contest: str, code: str) -> str:
    """The path of a region's legislative snapshot, down the links from the nation's."""
    latest = json.loads((results / "latest.json").read_bytes())
    path = latest["legislative"][contest]["snapshot"]
    for digits in (2, 4, 6, 10)[: [2, 4, 6, 10].index(len(code)) + 1]:
        doc = json.loads((results / path).read_bytes())
        path = next(c["href"] for c in doc["children"] if c["code"] == code[:digits])
    return str(path)


def test_the_published_checks_are_the_references(tmp_path: Path) -> None:
    """The Publisher's checks (a D.Hasil of a whole dapil from the dapil's own numbers,
    of a part of one from its TPS) are saksi.recap's recap_differences, region by region."""
    root, _, _, book = _published_night(tmp_path / "pub")
    results = root / "results"
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    for contest, region in (("dprd-kabkota", "3201"), ("dprd-kabkota", "320101"),
                            ("dpr", "320101"), ("dpr", "3201")):  # fmt: skip
        doc = json.loads((results / _snapshot_path(results, contest, region)).read_bytes())
        reference = [c.to_dict() for c in recap_differences(recap, contest, region)]
        assert doc["recap_checks"] == [c for c in reference if c["region"] == region]
    doc = json.loads((results / _snapshot_path(results, "dpr", "320101")).read_bytes())
    (partial,) = doc["recap_checks"]
    assert partial["dapil"] == "3201" and not partial["complete"]
    assert partial["differences"] == []


def test_a_published_dhasil_check_changed_or_dropped_is_named(tmp_path: Path) -> None:
    """Kab/kota 3201's snapshot publishes its D.Hasil's check (recap.md): its raised
    party's number changed, then the check dropped, is each a verify.totals-differ
    naming the file, region, dapil, party, field and both numbers."""
    root, vkey, _, _ = _published_night(tmp_path / "pub")
    results = root / "results"
    path = _snapshot_path(results, "dprd-kabkota", "3201")
    doc = json.loads((results / path).read_bytes())
    (check,) = doc["recap_checks"]
    assert check["dapil"] == "320101" and check["differences"][0]["recap"] == 5 + K
    honest = json.dumps(doc)
    check["differences"][0]["recap"] = 5  # the D.Hasil's raise hidden
    (results / path).write_text(json.dumps(doc), encoding="utf-8")
    args = ["verify", str(root), "--log-key", vkey, "--regions", str(root / "regions.json")]
    result = CliRunner().invoke(cli, [*args, "--state", str(tmp_path / "s1"), "--json"])
    assert result.exit_code == 7, result.output
    found = [f["details"] for f in json.loads(result.stdout)["findings"]]
    assert found == [{
        "file": path, "region": "3201", "dapil": "320101", "contest": "dprd-kabkota",
        "party": "4", "candidate": None,
        "field": "recap_checks.320101.differences.suara_partai_4.recap",
        "published": 5, "recomputed": 5 + K,
    }]  # fmt: skip

    doc = json.loads(honest)
    doc["recap_checks"] = []
    (results / path).write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(cli, [*args, "--state", str(tmp_path / "s2"), "--json"])
    assert result.exit_code == 7, result.output
    found = [f["details"] for f in json.loads(result.stdout)["findings"]]
    assert found and {(f["region"], f["dapil"]) for f in found} == {("3201", "320101")}
    raised = [f for f in found if f["field"].endswith("suara_partai_4.recap")]
    assert raised == [{
        "file": path, "region": "3201", "dapil": "320101", "contest": "dprd-kabkota",
        "party": "4", "candidate": None,
        "field": "recap_checks.320101.differences.suara_partai_4.recap",
        "published": None, "recomputed": 5 + K,
    }]  # fmt: skip
