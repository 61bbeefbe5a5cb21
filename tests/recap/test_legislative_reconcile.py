"""Reconciliation and screening of the legislative contests.

On tiny()'s election (tests/recap/test_legislative_fold.py): DPRD Kab/Kota dapil
320101 is the two TPS A and B of kecamatan 320101 in kab/kota 3201; the votes of
KABKOTA_VOTES split between them (party 4: A.1 3 + 2, B 30 + 30).
"""

from __future__ import annotations

from typing import Any

from saksi.election.codes import NASIONAL
from saksi.recap.fold import Recap
from saksi.recap.legislative_reconcile import (
    anomalies,
    cross_form_findings,
    recap_differences,
    witness_disputes,
)
from saksi.recap.legislative_screening import LEGISLATIVE_FLAG_IDS, SHARE_JUMP_POINTS, screen
from saksi.recap.state import TpsStatus
from saksi.sim.logbook import Logbook
from tests.recap.test_legislative_fold import (
    DPD,
    DPR,
    KABKOTA,
    KABKOTA_VOTES,
    A,
    B,
    book_v2,
    fold,
    form_of,
    halves,
    kabkota_night,
)

K = 25  # the votes added on the way up


def inflated_totals(recap: Recap, party: str, k: int) -> dict[str, Any]:
    """The dapil's true totals with ``party``'s A.1 (so its B and the valid and total
    votes) raised by ``k``: the D.Hasil of 2024's complaints."""
    totals = recap.legislative("dprd-kabkota").dapil_totals("320101").to_dict()
    totals["partai"][party]["suara_partai"] += k
    totals["partai"][party]["suara_sah_partai"] += k
    totals["suara_sah"] += k
    totals["suara_total"] += k
    return totals


def witnessed_night(book: Logbook) -> tuple[Any, Any]:
    """Both TPS counted, and parties 1 and 3's witnesses' copies equal to the forms."""
    forms = kabkota_night(book)
    for tps, form in zip((A, B), forms, strict=True):
        for party in ("1", "3"):
            book.legislative_c_salinan(tps, KABKOTA, party, form)
    return forms


def test_a_dhasil_raising_one_party_at_a_kabkota_is_reported_as_exactly_that() -> None:
    book = book_v2()
    witnessed_night(book)
    honest = fold(book).legislative("dprd-kabkota").dapil_totals("320101").to_dict()
    book.legislative_d_hasil("320101", KABKOTA, "320101", honest)  # the PPK's: agrees
    book.legislative_d_hasil("3201", KABKOTA, "320101", inflated_totals(fold(book), "4", K))
    recap = fold(book)
    kabkota, kecamatan = recap_differences(recap, "dprd-kabkota")  # by region code
    assert kecamatan.record.region == "320101" and kecamatan.agrees and kecamatan.complete
    assert kabkota.record.region == "3201" and kabkota.complete
    assert [(d.field, d.theirs, d.ours) for d in kabkota.differences] == [
        ("suara_partai_4", 5 + K, 5),
        ("suara_sah_partai_4", 60 + K, 60),
        ("suara_sah", 216 + K, 216),
        ("suara_total", 219 + K, 219),
    ]
    (finding,) = [a for a in anomalies(recap, "dprd-kabkota") if a["type"] == "recap-difference"]
    assert finding["region"] == "3201" and finding["level"] == "kabkota"
    assert finding["dapil"] == "320101" and finding["complete"]
    assert finding["differences"][:2] == [
        {"field": "suara_partai_4", "recap": 30, "forms": 5, "party": "4"},
        {"field": "suara_sah_partai_4", "recap": 60 + K, "forms": 60, "party": "4"},
    ]
    # the witnesses' copies say what the forms say: no dispute anywhere
    assert witness_disputes(recap, "dprd-kabkota") == []
    assert anomalies(recap, "dprd-kabkota", "3202") == []  # another kab/kota: nothing


def test_a_dhasil_logged_early_differs_until_its_forms_arrive() -> None:
    book = book_v2()
    first, _ = halves(KABKOTA_VOTES)
    truth = book_v2()
    kabkota_night(truth)
    totals = fold(truth).legislative("dprd-kabkota").dapil_totals("320101").to_dict()
    book.legislative_c_hasil(A, KABKOTA, form_of(book, A, KABKOTA, first, invalid=3))
    book.legislative_d_hasil("320101", KABKOTA, "320101", totals)
    (check,) = recap_differences(fold(book), "dprd-kabkota")
    assert not check.complete and (check.expected, check.counted) == (2, 1)
    assert ("jumlah_tps", 2, 1) in [(d.field, d.theirs, d.ours) for d in check.differences]
    candidate = [d for d in check.to_dict()["differences"] if d["field"] == "suara_caleg_1_1"]
    assert candidate == [{"field": "suara_caleg_1_1", "recap": 20, "forms": 10, "party": "1",
                          "candidate": "1"}]  # fmt: skip
    _, second = halves(KABKOTA_VOTES)
    book.legislative_c_hasil(B, KABKOTA, form_of(book, B, KABKOTA, second))
    (check,) = recap_differences(fold(book), "dprd-kabkota")
    assert check.complete and check.agrees


def raised_by_correction(book: Logbook, k: int) -> Any:
    """A's first form with ``k`` votes moved from party 1's candidates 1 and 2 to party
    4's A.1 (the form stays consistent)."""
    first, _ = halves(KABKOTA_VOTES)
    moved = {p: dict(c) for p, c in first.items()}
    moved["4"][0] += k
    moved["1"][1] -= 10
    moved["1"][2] -= k - 10
    return form_of(book, A, KABKOTA, moved, invalid=3)


def test_a_correction_raising_one_party_above_the_first_form_and_the_copies() -> None:
    book = book_v2()
    witnessed_night(book)
    book.legislative_correction(A, KABKOTA, raised_by_correction(book, 15), reason="hitung ulang")
    recap = fold(book)
    tally = recap.legislative("dprd-kabkota")
    state = tally.tps(A)
    assert state.status is TpsStatus.CORRECTED and state.counted
    assert [f.flag for f in state.flags] == ["share-jump"]  # 15 of 112 valid: 13.4 points
    assert state.flags[0].message_en.endswith(
        "by more than 10 points: party 1 54.5% -> 41.1%, party 4 28.6% -> 42.0%"
    )
    assert "partai 4 28.6% -> 42.0%" in state.flags[0].message_id
    found = anomalies(recap, "dprd-kabkota")
    assert [a["type"] for a in found] == [
        "flag", "witness-dispute", "witness-dispute", "correction",
    ]  # fmt: skip
    (correction,) = [a for a in found if a["type"] == "correction"]
    raised = correction["changes"][-2]
    assert raised == {
        "field": "suara_partai_4", "before": 3, "after": 18, "party": "4",
        "copies": [{"index": raised["copies"][0]["index"], "party": "1", "copy": 3},
                   {"index": raised["copies"][1]["index"], "party": "3", "copy": 3}],
    }  # fmt: skip
    assert [c["field"] for c in correction["changes"]] == [
        "suara_caleg_1_1", "suara_caleg_1_2", "suara_sah_partai_1", "suara_partai_4",
        "suara_sah_partai_4",
    ]  # fmt: skip
    disputes = [a for a in found if a["type"] == "witness-dispute"]
    assert [d["party"] for d in disputes] == ["1", "3"]
    assert ("suara_partai_4", 3, 18) in [
        (d["field"], d["copy"], d["form"]) for d in disputes[0]["differences"]
    ]
    assert tally.counters(NASIONAL)["flagged"] == 1 and tally.counters(NASIONAL)["counted"] == 2


def test_a_small_correction_is_not_a_share_jump() -> None:
    book = book_v2()
    kabkota_night(book)
    book.legislative_correction(A, KABKOTA, raised_by_correction(book, 10))  # 8.9 points
    assert fold(book).legislative("dprd-kabkota").tps(A).flags == ()


def test_a_second_correction_is_measured_from_the_first_form() -> None:
    """Two corrections of 8 votes each: neither jumps from the one before (7.1 points),
    the second does from the first form (14.3)."""
    book = book_v2()
    kabkota_night(book)
    first, _ = halves(KABKOTA_VOTES)
    step = {p: dict(c) for p, c in first.items()}
    for candidate in (1, 2):
        step["4"][0] += 8
        step["1"][candidate] -= 8
        book.legislative_correction(A, KABKOTA, form_of(book, A, KABKOTA, step, invalid=3))
        flags = [f.flag for f in fold(book).legislative("dprd-kabkota").tps(A).flags]
        assert flags == ([] if step["4"][0] == 11 else ["share-jump"])


def test_the_screens_on_a_forms_values() -> None:
    book = book_v2()
    tally = fold(book).legislative("dprd-kabkota")
    layout = tally.dapil("320101")
    at = {name: i for i, name in enumerate(layout.form_fields)}
    # every valid vote for party 5 with 290 of 300 on the DPT voting: 96.7 %
    form = form_of(book, A, KABKOTA, {"5": {0: 200, 1: 90}})
    values = list(layout.values(form))
    (flag,) = screen(layout, values)
    assert flag.flag == "unanimous-high-turnout" and "partai 5" in flag.message_id
    assert "96.7%" in flag.message_en
    values[at["suara_caleg_5_1"]] = 291  # a misread: above the 290 voters
    values[at["suara_sah_partai_5"]] = 491
    assert [f.flag for f in screen(layout, values)] == [
        "party-above-voters", "candidate-above-voters",
    ]  # fmt: skip
    assert "caleg 5-1 memperoleh 291 suara" in screen(layout, values)[1].message_id
    lower = form_of(book, A, KABKOTA, {"5": {0: 200, 1: 70}, "1": {0: 20}})  # not 100 %
    assert screen(layout, list(layout.values(lower))) == ()
    assert LEGISLATIVE_FLAG_IDS[-1] == "share-jump" and SHARE_JUMP_POINTS == 10


def test_a_dpd_candidate_above_the_voters_and_at_100_percent() -> None:
    book = book_v2()
    tally = fold(book).legislative("dpd")
    layout = tally.dapil_of(A)
    number = layout.ballot.candidates[0]
    form = form_of(book, A, DPD, {"": {number: 290}})
    values = list(layout.values(form))
    assert [f.flag for f in screen(layout, values)] == ["unanimous-high-turnout"]
    values[layout.form_fields.index(f"suara_calon_{number}")] = 300
    assert "calon DPD" in screen(layout, values)[0].message_id


def test_the_forms_of_one_tps_that_disagree_are_a_finding_not_a_hold() -> None:
    book = book_v2()
    first, _ = halves(KABKOTA_VOTES)
    book.legislative_c_hasil(A, KABKOTA, form_of(book, A, KABKOTA, first, invalid=3))  # 115 voters
    book.legislative_c_hasil(A, DPR, form_of(book, A, DPR, {"1": {0: 100}}))  # 100 voters
    recap = fold(book)
    (finding,) = cross_form_findings(recap)
    assert finding.tps == A and not finding.impossible
    assert [v.rule for v in finding.violations] == ["pengguna-dpt-sama"]
    assert finding.violations[0].fields == ("dpr.pengguna_dpt_j", "dprd-kabkota.pengguna_dpt_j")
    # both forms stay counted: the rule cannot tell which one is wrong
    assert recap.legislative("dpr").tps(A).status is TpsStatus.RECEIVED
    assert recap.legislative("dprd-kabkota").tps(A).status is TpsStatus.RECEIVED
    book.c_hasil(A)  # PPWP's DPT is 183, the legislative forms' 300
    recap = fold(book)
    (finding,) = cross_form_findings(recap)
    assert finding.impossible and finding.to_dict()["severity"] == "impossible"
    assert finding.to_dict()["held"] is False
    assert list(finding.forms) == ["ppwp", "dpr", "dprd-kabkota"]
    rules = [v.rule for v in finding.violations]
    assert rules[:3] == ["dpt-sama-l", "dpt-sama-l", "dpt-sama-p"]  # PPWP against each
    assert recap.tps(A, "ppwp").counted and recap.legislative("dpr").tps(A).counted
    for contest in ("dpr", "dprd-kabkota"):
        (item,) = [a for a in anomalies(recap, contest) if a["type"] == "cross-form"]
        assert item["region"] == A and item["severity"] == "impossible"
    assert [a["type"] for a in anomalies(recap, "dpd")] == []  # no DPD form at A
    assert cross_form_findings(recap, B) == []


def test_dhasil_of_one_dapil_at_two_levels_count_the_same_tps() -> None:
    """A DPR dapil (3201) recapped by its kab/kota and by its province: the same TPS
    expected and counted (the province's part of the dapil is all of it)."""
    book = book_v2()
    book.legislative_c_hasil(A, DPR, form_of(book, A, DPR, {"1": {0: 100}}))
    tally = fold(book).legislative("dpr")
    code = tally.dapil_of(A).code
    totals = tally.dapil_totals(code).to_dict()
    book.legislative_d_hasil("32", DPR, code, totals)
    book.legislative_d_hasil(code, DPR, code, totals)
    recap = fold(book)
    checks = recap_differences(recap, "dpr")
    expected = recap.legislative("dpr").dapil_progress(code).expected
    assert [(c.record.region, c.expected, c.counted, c.agrees) for c in checks] == [
        ("32", expected, 1, True), (code, expected, 1, True),
    ]  # fmt: skip
    assert expected > 1 and not checks[0].complete
    assert recap_differences(recap, "dpr", "31") == []
