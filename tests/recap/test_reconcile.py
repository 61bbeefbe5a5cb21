"""Reconciliation: D.Hasil against the forms, witness copies against the form in force."""

from __future__ import annotations

from saksi.election.codes import NASIONAL
from saksi.recap.fold import Recap
from saksi.recap.reconcile import (
    anomalies,
    check_recap,
    corrections,
    recap_differences,
    witness_disputes,
)
from saksi.sim.logbook import Logbook
from tests.recap.factory import broken, grown, shifted, tiny

CONTEST = "ppwp"
KECAMATAN = "317301"


def counted_book() -> Logbook:
    book = tiny()
    for tps in book.iter_tps():
        book.c_hasil(tps)
    return book


def test_a_d_hasil_inflated_by_k_at_one_kecamatan_is_reported_with_exactly_k() -> None:
    book = counted_book()
    true = Recap.replay(book.hierarchy, book.entries).totals(KECAMATAN, CONTEST).to_dict()
    inflated = dict(true, suara_paslon=dict(true["suara_paslon"]))
    inflated["suara_paslon"]["02"] += 37
    inflated["suara_sah"] += 37
    book.d_hasil(KECAMATAN, inflated)
    book.d_hasil(
        "3173", Recap.replay(book.hierarchy, book.entries).totals("3173", CONTEST).to_dict()
    )
    recap = Recap.replay(book.hierarchy, book.entries)
    checks = {c.record.region: c for c in recap_differences(recap, CONTEST)}
    assert checks["3173"].agrees and checks["3173"].complete
    bad = checks[KECAMATAN]
    assert not bad.agrees and bad.complete
    found = {(d.field, d.theirs - d.ours) for d in bad.differences}
    assert found == {("suara_paslon_02", 37), ("suara_sah", 37)}
    row = bad.to_dict()["differences"][0]
    assert row == {"field": "suara_paslon_02", "recap": true["suara_paslon"]["02"] + 37,
                   "forms": true["suara_paslon"]["02"]}  # fmt: skip
    kinds = [a["type"] for a in anomalies(recap, CONTEST)]
    assert kinds == ["recap-difference"]


def test_a_d_hasil_logged_before_the_forms_differs_until_they_arrive() -> None:
    book = tiny()
    expected = counted_book()
    totals = Recap.replay(expected.hierarchy, expected.entries).totals(KECAMATAN, CONTEST)
    book.d_hasil(KECAMATAN, totals.to_dict())
    recap = Recap.replay(book.hierarchy, book.entries)
    check = check_recap(recap, recap.recaps(CONTEST)[0])
    assert not check.agrees and not check.complete
    for tps in book.hierarchy.iter_tps(KECAMATAN):
        book.c_hasil(tps)
    recap = Recap.replay(book.hierarchy, book.entries)
    check = check_recap(recap, recap.recaps(CONTEST)[0])
    assert check.agrees and check.complete


def test_witness_dispute_lists_every_differing_field() -> None:
    book = counted_book()
    tps = next(book.hierarchy.iter_tps(KECAMATAN))
    book.c_salinan(tps, "1")
    book.c_salinan(tps, "3", shifted(book.true_form(tps), 5))
    recap = Recap.replay(book.hierarchy, book.entries)
    (dispute,) = witness_disputes(recap, CONTEST)
    assert dispute.copy.party == "3" and dispute.tps == tps
    true = book.true_form(tps).suara_paslon
    assert dispute.to_dict()["differences"] == [
        {"field": "suara_paslon_01", "copy": true["01"] + 5, "form": true["01"]},
        {"field": "suara_paslon_03", "copy": true["03"] - 5, "form": true["03"]},
    ]


def test_corrections_and_inconsistent_forms_are_listed_with_the_original_visible() -> None:
    book = tiny()
    tps = list(book.iter_tps())
    book.c_hasil(tps[0], broken(book.true_form(tps[0])))
    book.c_hasil(tps[1])
    first = book.in_force[tps[1]][0]
    book.correction(tps[1], grown(book.true_form(tps[1]), 3), reason="hitung ulang pleno")
    recap = Recap.replay(book.hierarchy, book.entries)
    ((where, record),) = corrections(recap, CONTEST, NASIONAL)
    assert where == tps[1] and record.replaces == first and record.reason == "hitung ulang pleno"
    found = anomalies(recap, CONTEST)
    assert [a["type"] for a in found] == ["inconsistent", "correction"]
    assert found[0]["region"] == tps[0] and "suara-sah" in found[0]["rules"]
