"""The legislative fold: totals per dapil and at every level, TPS status, progress, seats.

The worked examples use tiny()'s election with its synthetic contests: DPRD Kab/Kota
has one dapil (320101, 12 seats) of two TPS; DPR three dapil over all eight TPS (4%
threshold); DPD two provinces. Forms are built with exact votes (:func:`form_of`) so
every number can be checked by hand.
"""

from __future__ import annotations

import pickle
import random
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saksi.election.codes import NASIONAL, Level
from saksi.election.contests import ContestKind
from saksi.election.legislative_forms import CHasilDPD, CHasilPartai, check_ballot, check_form
from saksi.errors import ContestError
from saksi.recap.fold import Recap
from saksi.recap.legislative import LegislativeTally
from saksi.recap.legislative_seats import contest_seats
from saksi.recap.state import TpsStatus, Witness
from saksi.sim.logbook import Logbook
from tests.recap.factory import broken_legislative, differing, tiny, tiny_contests

DPR, DPD, PROV, KABKOTA = (
    ContestKind.DPR,
    ContestKind.DPD,
    ContestKind.DPRD_PROV,
    ContestKind.DPRD_KABKOTA,
)
A, B = "3201012001001", "3201012001002"  # the two TPS of DPRD Kab/Kota dapil 320101
Votes = Mapping[str, Mapping[int, int]]  # party -> {0: A.1, candidate: A.2}


def book_v2() -> Logbook:
    return tiny(contests=tiny_contests())


def fold(book: Logbook) -> Recap:
    return Recap.replay(book.hierarchy, book.entries, contests=book.contests)


def _sections(total: int) -> dict[str, int]:
    """Sections I-II of a form with ``total`` voters, all on the DPT of 300."""
    half = total // 2
    return {
        "pemilih_dpt_l": 150, "pemilih_dpt_p": 150, "pemilih_dpt_j": 300,
        "pengguna_dpt_l": half, "pengguna_dpt_p": total - half, "pengguna_dpt_j": total,
        "pengguna_dptb_l": 0, "pengguna_dptb_p": 0, "pengguna_dptb_j": 0,
        "pengguna_non_dpt_l": 0, "pengguna_non_dpt_p": 0, "pengguna_non_dpt_j": 0,
        "pengguna_total_l": half, "pengguna_total_p": total - half, "pengguna_total_j": total,
        "surat_suara_diterima": 306, "surat_suara_digunakan": total,
        "surat_suara_dikembalikan": 0, "surat_suara_tidak_digunakan": 306 - total,
        "pemilih_disabilitas_l": 0, "pemilih_disabilitas_p": 0, "pemilih_disabilitas_j": 0,
    }  # fmt: skip


def form_of(book: Logbook, tps: str, kind: ContestKind, votes: Votes, invalid: int = 0) -> Any:
    """A consistent form of the TPS's ballot with exactly ``votes`` (every other vote
    box 0; for DPD, ``votes[""]`` is candidate -> votes), breaking no rule."""
    _, ballot = book.district(tps, kind)
    if ballot.candidates:
        calon = {str(n): votes.get("", {}).get(n, 0) for n in ballot.candidates}
        valid = sum(calon.values())
        total = valid + invalid
        form: Any = CHasilDPD.model_validate(
            {**_sections(total), "suara_calon": calon, "suara_sah": valid,
             "suara_tidak_sah": invalid, "suara_total": total}
        )  # fmt: skip
    else:
        partai: dict[str, dict[str, Any]] = {}
        for party, numbers in ballot.parties:
            given = votes.get(party, {})
            caleg = {str(n): given.get(n, 0) for n in numbers}
            a1 = given.get(0, 0)
            partai[party] = {
                "suara_partai": a1,
                "suara_caleg": caleg,
                "suara_sah_partai": a1 + sum(caleg.values()),
            }
        assert set(votes) <= set(partai), f"a party not on this ballot: {set(votes)}"
        valid = sum(p["suara_sah_partai"] for p in partai.values())
        total = valid + invalid
        form = CHasilPartai.model_validate(
            {**_sections(total), "partai": partai, "suara_sah": valid,
             "suara_tidak_sah": invalid, "suara_total": total}
        )  # fmt: skip
    assert check_form(form) == ()
    return form


def halves(votes: Votes) -> tuple[Votes, Votes]:
    """``votes`` split between two TPS (the first gets the odd vote)."""
    first = {p: {n: v - v // 2 for n, v in c.items()} for p, c in votes.items()}
    second = {p: {n: v // 2 for n, v in c.items()} for p, c in votes.items()}
    return first, second


# The dapil's votes: B 120 (party 1), 60 (party 4), 36 (party 5): 12 seats by Sainte-
# Laguë are 7, 3 and 2 (quotients 120 60 40 36 24 20 17.1 13.3 12 12 10.9 9.2 | 8.6).
KABKOTA_VOTES: Votes = {
    "1": {0: 10, 1: 20, 2: 18, 3: 16, 4: 14, 5: 12, 6: 10, 7: 8, 8: 6, 9: 3, 10: 2, 11: 1},
    "4": {0: 5, 1: 25, 2: 15, 3: 10, 4: 5},
    "5": {0: 6, 1: 3, 2: 12, 3: 15},
}


def kabkota_night(book: Logbook, votes: Votes = KABKOTA_VOTES) -> tuple[Any, Any]:
    first, second = halves(votes)
    forms = form_of(book, A, KABKOTA, first, invalid=3), form_of(book, B, KABKOTA, second)
    book.legislative_c_hasil(A, KABKOTA, forms[0])
    book.legislative_c_hasil(B, KABKOTA, forms[1])
    return forms


# --- the worked examples ------------------------------------------------------------


def test_a_dapils_party_and_candidate_votes_and_the_regions_party_sums() -> None:
    book = book_v2()
    kabkota_night(book)
    tally = fold(book).legislative("dprd-kabkota")
    dapil = tally.dapil_totals("320101").to_dict()
    assert dapil["partai"]["1"] == {
        "suara_partai": 10,
        "suara_caleg": {str(n): v for n, v in KABKOTA_VOTES["1"].items() if n} | {"12": 0},
        "suara_sah_partai": 120,
    }
    assert dapil["partai"]["4"]["suara_sah_partai"] == 60
    assert dapil["partai"]["5"]["suara_caleg"]["3"] == 15
    assert dapil["partai"]["2"] == {"suara_partai": 0, "suara_caleg": {"1": 0, "2": 0, "3": 0},
                                    "suara_sah_partai": 0}  # fmt: skip
    common = {k: dapil[k] for k in ("suara_sah", "suara_tidak_sah", "suara_total", "jumlah_tps")}
    assert common == {"suara_sah": 216, "suara_tidak_sah": 3, "suara_total": 219, "jumlah_tps": 2}
    assert dapil["pengguna_total_j"] == 219 and dapil["pemilih_dpt_j"] == 600
    for region in (NASIONAL, "32", "3201", "320101", "3201012001"):
        totals = tally.totals(region).to_dict()
        assert totals["partai"]["1"] == {"suara_partai": 10, "suara_sah_partai": 120}, region
        assert totals["partai"]["5"] == {"suara_partai": 6, "suara_sah_partai": 36}, region
        assert totals["suara_sah"] == 216 and totals["jumlah_tps"] == 2, region
        assert "suara_caleg" not in totals["partai"]["1"]  # candidates: per dapil only
    a = tally.totals(A).to_dict()
    assert a["partai"]["1"]["suara_sah_partai"] == 61 and a["suara_tidak_sah"] == 3  # odd halves
    assert tally.totals("31").to_dict()["suara_sah"] == 0  # Jakarta has no DPRD Kab/Kota


def test_progress_counts_only_the_tps_that_vote_in_the_contest() -> None:
    book = book_v2()
    book.legislative_c_hasil(A, KABKOTA)
    book.legislative_c_hasil(A, DPR)
    recap = fold(book)
    kabkota, dpr = recap.legislative("dprd-kabkota"), recap.legislative("dpr")
    assert kabkota.progress(NASIONAL).to_dict() == {
        "expected": 2, "received": 1, "counted": 1, "percent": 50.0,
    }  # fmt: skip
    assert kabkota.progress("31").expected == 0 and kabkota.expected("3171011001001") == 0
    assert kabkota.dapil_progress("320101").to_dict()["expected"] == 2
    assert dpr.progress(NASIONAL).expected == 8
    assert [dpr.dapil_progress(d).expected for d in dpr.districts] == [2, 4, 2]
    assert recap.legislative("dpd").progress("32").expected == 2
    assert dpr.progress(A).to_dict() == {"expected": 1, "received": 1, "counted": 1,
                                         "percent": 100.0}  # fmt: skip


def test_status_held_corrected_and_witness_copies_per_contest() -> None:
    book = book_v2()
    true = book.true_legislative_form(A, KABKOTA)
    book.legislative_c_hasil(A, KABKOTA, broken_legislative(true))
    book.legislative_c_salinan(A, KABKOTA, "2", true)
    book.legislative_c_hasil(B, KABKOTA)
    book.legislative_c_salinan(B, KABKOTA, "3", differing(book.true_legislative_form(B, KABKOTA)))
    recap = fold(book)
    tally = recap.legislative("dprd-kabkota")
    held = tally.tps(A)
    assert held.status is TpsStatus.INCONSISTENT and not held.counted
    assert {v.rule for v in held.violations} >= {"suara-sah-jumlah-partai"}
    assert held.witness is Witness.DISPUTE  # the copy is the true form, the held one is not
    disputed = tally.tps(B)
    assert disputed.status is TpsStatus.RECEIVED and disputed.witness is Witness.DISPUTE
    (copy,) = disputed.copies
    assert copy.party == "3" and {d.field for d in copy.differences} == {
        "suara_tidak_sah", "suara_total",
    }  # fmt: skip
    assert tally.counters(NASIONAL) == {
        "received": 2, "counted": 1, "inconsistent": 1, "corrected": 0,
        "witness_agree": 0, "witness_dispute": 2, "flagged": 0,
    }  # fmt: skip
    counted_b = book.true_legislative_form(B, KABKOTA)
    assert tally.totals(NASIONAL).common.suara_sah == counted_b.suara_sah

    book.legislative_correction(A, KABKOTA, true, reason="salah tulis V.A")
    tally = fold(book).legislative("dprd-kabkota")
    corrected = tally.tps(A)
    assert corrected.status is TpsStatus.CORRECTED and corrected.witness is Witness.AGREE
    (record,) = corrected.corrections
    assert record.reason == "salah tulis V.A" and record.replaces == corrected.original
    assert [(d.field, d.theirs, d.ours) for d in record.changes] == [
        ("suara_sah", true.suara_sah + 1, true.suara_sah)
    ]
    assert tally.counters(NASIONAL)["counted"] == 2
    assert tally.counters(NASIONAL)["corrected"] == 1
    # the PPWP numbers of the same TPS are untouched
    assert fold(book).tps(A, "ppwp").status is TpsStatus.MISSING


def test_a_dpd_candidates_witness_copy_and_the_provinces_candidate_votes() -> None:
    book = book_v2()
    district = tiny_contests().district_of(DPD, A)
    numbers = [c.number for c in district.candidates]
    votes = {"": {numbers[0]: 50, numbers[1]: 40, numbers[2]: 30, numbers[3]: 20, numbers[4]: 10}}
    first, second = halves(votes)
    form = form_of(book, A, DPD, first)
    book.legislative_c_hasil(A, DPD, form)
    book.legislative_c_hasil(B, DPD, form_of(book, B, DPD, second))
    candidate = str(numbers[0])
    book.log(book.keys.dpd_candidate("32", candidate))
    book.log(book.keys.dpd_witness(candidate, A))
    book.legislative_c_salinan(A, DPD, None, form, candidate=candidate)
    recap = fold(book)
    tally = recap.legislative("dpd")
    (copy,) = tally.tps(A).copies
    assert (copy.party, copy.candidate, copy.differences) == ("", candidate, ())
    assert tally.tps(A).witness is Witness.AGREE
    assert tally.dapil_totals(district.code).suara_calon[str(numbers[0])] == 50
    assert tally.totals("32").to_dict() == {
        "suara_sah": 150, "suara_tidak_sah": 0, "suara_total": 150, "pengguna_total_j": 150,
        "pemilih_dpt_j": 600, "jumlah_tps": 2,
    }  # fmt: skip
    seats = contest_seats(recap, "dpd")
    elected = [(e.dapil, e.number) for e in seats.result.elected if e.dapil == district.code]
    assert elected == [(district.code, n) for n in numbers[:4]]
    assert not seats.dapil[district.code].provisional
    assert seats.dapil["31"].reasons == ("missing", "tie")  # no votes: every candidate at 0


# --- seats ------------------------------------------------------------------------------


def test_seats_of_a_complete_dapil_are_final_and_a_correction_moves_one() -> None:
    book = book_v2()
    first, second = kabkota_night(book)
    seats = contest_seats(fold(book), "dprd-kabkota")
    assert seats.result.dapil["320101"] == {"1": 7, "4": 3, "5": 2} | {
        p: 0 for p in seats.result.dapil["320101"] if p not in ("1", "4", "5")
    }
    assert not seats.provisional and seats.dapil["320101"].reasons == ()
    elected = {(e.party, e.number) for e in seats.result.elected}
    assert elected == {("1", n) for n in range(1, 8)} | {("4", 1), ("4", 2), ("4", 3)} | {
        ("5", 3), ("5", 2),
    }  # fmt: skip
    assert seats.tree_size == len(book.entries) and seats.result.ties == ()
    document = seats.to_json()
    assert document["checkpoint"] == {"tree_size": len(book.entries)}
    assert document["provisional"] is False
    assert document["dapil"] == {"320101": {"1": 7, "4": 3, "5": 2}}
    assert document["dapil_status"]["320101"] == {
        "seats": 12, "expected": 2, "received": 2, "counted": 2, "missing": 0, "held": 0,
        "provisional": False, "reasons": [],
    }  # fmt: skip

    # KPU Kab/Kota corrects TPS B: 14 more votes for party 5's candidate 3 (B 36 -> 50):
    # quotients 120 60 50 40 24 20 17.1 16.7 13.3 12 10.9 10 | 9.2: a seat moves from 1 to 5
    more = {p: dict(c) for p, c in halves(KABKOTA_VOTES)[1].items()}
    more["5"][3] += 14
    book.legislative_correction(B, KABKOTA, form_of(book, B, KABKOTA, more))
    moved = contest_seats(fold(book), "dprd-kabkota")
    assert {p: n for p, n in moved.result.dapil["320101"].items() if n} == {"1": 6, "4": 3, "5": 3}
    after = {(e.party, e.number) for e in moved.result.elected}
    assert after - elected == {("5", 1)} and elected - after == {("1", 7)}
    assert not moved.provisional and moved.tree_size == seats.tree_size + 1
    assert moved.result.valid_votes == first.suara_sah + second.suara_sah + 14


def test_seats_are_provisional_while_a_tps_is_missing_or_held_and_say_why() -> None:
    book = book_v2()
    first, second = halves(KABKOTA_VOTES)
    book.legislative_c_hasil(A, KABKOTA, form_of(book, A, KABKOTA, first))
    missing = contest_seats(fold(book), "dprd-kabkota")
    assert missing.provisional and missing.provisional_dapil == ("320101",)
    assert missing.dapil["320101"].reasons == ("missing",) and missing.dapil["320101"].missing == 1
    book.legislative_c_hasil(B, KABKOTA, broken_legislative(form_of(book, B, KABKOTA, second)))
    held = contest_seats(fold(book), "dprd-kabkota")
    assert held.dapil["320101"].reasons == ("held",) and held.dapil["320101"].held == 1
    assert held.to_json()["dapil_status"]["320101"]["reasons"] == ["held"]
    book.legislative_correction(B, KABKOTA, form_of(book, B, KABKOTA, second))
    assert not contest_seats(fold(book), "dprd-kabkota").provisional


def test_the_dpr_threshold_is_provisional_until_the_nation_is_complete() -> None:
    book = book_v2()
    for tps in (A, B):  # DPR dapil 3201 complete, the other two empty
        book.legislative_c_hasil(tps, DPR)
    seats = contest_seats(fold(book), "dpr")
    assert seats.threshold_provisional and seats.provisional
    # (the random forms may tie two candidates at a party's last seat: "tie", beside)
    assert set(seats.dapil["3201"].reasons) - {"tie"} == {"threshold"}
    assert set(seats.dapil["3101"].reasons) - {"tie"} == {"missing", "threshold"}
    assert seats.to_json()["threshold"]["provisional"] is True
    assert seats.to_json()["threshold"]["percent"] == 4
    for tps in book.iter_tps():
        if tps not in (A, B):
            book.legislative_c_hasil(tps, DPR)
    final = contest_seats(fold(book), "dpr")
    assert not final.threshold_provisional
    assert all(set(d.reasons) <= {"tie"} for d in final.dapil.values())
    assert sum(n for seats_ in final.result.dapil.values() for n in seats_.values()) == 30


def test_a_tie_for_a_seat_is_a_finding_and_makes_its_dapil_provisional() -> None:
    book = book_v2()
    tied = {p: dict(c) for p, c in KABKOTA_VOTES.items()}
    tied["4"] = {0: 4, 1: 25, 2: 15, 3: 8, 4: 8}  # B still 60: candidates 3 and 4 tie
    kabkota_night(book, tied)
    seats = contest_seats(fold(book), "dprd-kabkota")
    (tie,) = seats.result.ties
    assert (tie.kind, tie.party, tie.contenders, tie.winners) == (
        "candidate", "4", ("4:3", "4:4"), ("4:3",),
    )  # fmt: skip
    assert seats.dapil["320101"].reasons == ("tie",) and seats.provisional
    (finding,) = seats.findings()
    assert finding["type"] == "seat-tie" and finding["contest"] == "dprd-kabkota"
    assert finding["tree_size"] == len(book.entries) and finding["winners"] == ["4:3"]
    assert finding["rule_en"] and finding["rule_id"]


# --- the property: any v2 log, any arrival order ---------------------------------------

CONTESTS = (DPR, DPD, PROV, KABKOTA)
OPS = st.lists(
    st.tuples(
        st.sampled_from(("hasil", "broken", "copy", "copy-differs", "correct", "correct-broken")),
        st.integers(0, 7),  # which TPS
        st.integers(0, 3),  # which contest
        st.sampled_from(("1", "2", "3")),
    ),
    max_size=30,
)


def grown_legislative(form: Any) -> Any:
    """One more vote for the first candidate of the first party (or DPD candidate), in
    every total that holds it (consistent when the form was and has room)."""
    data = form.model_dump()
    if isinstance(form, CHasilDPD):
        first = min(data["suara_calon"], key=int)
        data["suara_calon"][first] += 1
    else:
        party = min(data["partai"], key=int)
        votes = data["partai"][party]
        votes["suara_caleg"][min(votes["suara_caleg"], key=int)] += 1
        votes["suara_sah_partai"] += 1
    for box in ("suara_sah", "suara_total", "pengguna_dpt_l", "pengguna_dpt_j",
                "pengguna_total_l", "pengguna_total_j", "surat_suara_digunakan"):  # fmt: skip
        data[box] += 1
    data["surat_suara_tidak_digunakan"] -= 1
    return type(form).model_validate(data)


def play(book: Logbook, ops: list[tuple[str, int, int, str]]) -> None:
    """Write the ops into the log, skipping those the log would refuse."""
    assert book.contests is not None
    tps = list(book.iter_tps())
    copied: set[tuple[str, ContestKind, str]] = set()
    for op, which, contest, party in ops:
        code, kind = tps[which], CONTESTS[contest]
        if kind not in book.contests.ballots(code):
            continue
        true = book.true_legislative_form(code, kind)
        has_form = (code, kind.value) in book.legislative_in_force
        if op in ("hasil", "broken") and not has_form:
            form = true if op == "hasil" else broken_legislative(true)
            book.legislative_c_hasil(code, kind, form)
        elif op.startswith("copy") and (code, kind, party) not in copied:
            copied.add((code, kind, party))
            book.legislative_c_salinan(code, kind, party, true if op == "copy" else differing(true))
        elif op == "correct" and has_form:
            book.legislative_correction(code, kind, grown_legislative(true))
        elif op == "correct-broken" and has_form:
            book.legislative_correction(code, kind, broken_legislative(grown_legislative(true)))


def assert_levels_add_up(tally: LegislativeTally) -> None:
    """Every region's vector is the sum of its children's (TPS at the bottom)."""
    hierarchy = tally.hierarchy
    for level in (Level.NASIONAL, Level.PROVINSI, Level.KABKOTA, Level.KECAMATAN, Level.DESA):
        codes = (NASIONAL,) if level is Level.NASIONAL else hierarchy.codes(level)
        for code in codes:
            children = [tally.vector(c) for c in hierarchy.children(code)]
            assert tally.vector(code) == [sum(col) for col in zip(*children, strict=True)], code


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS, reads=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 99)), max_size=12))
def test_regions_rolled_up_when_read_now_and_then_are_the_regions_summed_afresh(
    ops: list[tuple[str, int, int, str]], reads: list[tuple[int, int]]
) -> None:
    """The levels above the desa are rolled up only when read (LegislativeTally.settle):
    read one region at a time at random steps (so that some regions are settled and
    others stale when the next entries come), each read equals the reference sum of
    every TPS afresh, and so does every region at the end."""
    book = book_v2()
    keys_end = len(book.entries)
    play(book, ops)
    recap = Recap.replay(book.hierarchy, book.entries[:keys_end], contests=book.contests)
    hierarchy = book.hierarchy
    codes = [NASIONAL, *(c for lv in (Level.PROVINSI, Level.KABKOTA, Level.KECAMATAN)
                         for c in hierarchy.codes(lv))]  # fmt: skip
    when: dict[int, list[int]] = {}
    for step, which in reads:
        when.setdefault(step, []).append(which)
    for step, entry in enumerate(book.entries[keys_end:]):
        recap.apply_entry(entry)
        for which in when.get(step, ()):
            tally = recap.legislative(recap.legislative_contests[which % 4])
            code = codes[which % len(codes)]
            reference = tally.recomputed()[0].get(code, tally.layout.zero())
            assert tally.vector(code) == reference, code
    for contest in recap.legislative_contests:
        tally = recap.legislative(contest)
        assert (tally.region_vectors(), tally.dapil_vectors()) == tally.recomputed()
        assert_levels_add_up(tally)


def expected_b(book: Logbook, kind: ContestKind) -> dict[str, int]:
    """Independent of the fold: each party's B over every form in force that breaks no
    impossibility rule, summed nationally."""
    out: dict[str, int] = {}
    for (_, contest), (_, env) in book.legislative_in_force.items():
        form = env.stmt.form  # type: ignore[union-attr]
        assert isinstance(form, CHasilPartai | CHasilDPD)
        if contest != kind.value or any(v.impossible for v in check_form(form)):
            continue
        assert isinstance(form, CHasilPartai)
        for party, votes in form.partai.items():
            out[party] = out.get(party, 0) + votes.suara_sah_partai
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS, seed=st.integers(0, 2**16))
def test_incremental_equals_recomputed_at_every_step_and_any_order(
    ops: list[tuple[str, int, int, str]], seed: int
) -> None:
    book = book_v2()
    keys_end = len(book.entries)
    play(book, ops)
    recap = Recap.replay(book.hierarchy, book.entries[:keys_end], contests=book.contests)
    for entry in book.entries[keys_end:]:
        recap.apply_entry(entry)
        for contest in recap.legislative_contests:
            tally = recap.legislative(contest)
            assert (tally.region_vectors(), tally.dapil_vectors()) == tally.recomputed()
    for kind in CONTESTS:
        tally = recap.legislative(kind.value)
        assert_levels_add_up(tally)
        if kind is not DPD:
            national = tally.totals(NASIONAL).partai
            found = {p: s.suara_sah_partai for p, s in national.items() if s.suara_sah_partai}
            assert found == {p: v for p, v in expected_b(book, kind).items() if v}
        for dapil in tally.districts:  # a dapil's parties' B add up to its party vector
            totals = tally.dapil_totals(dapil)
            assert totals.common.suara_sah == sum(
                t.suara_sah_partai for t in totals.partai.values()
            ) + sum(totals.suara_calon.values())

    # the same statements arriving in another order (each TPS's own in its order)
    shuffled = list(ops)
    random.Random(seed).shuffle(shuffled)
    by_slot: dict[tuple[int, int], list[tuple[str, int, int, str]]] = {}
    for op in ops:
        by_slot.setdefault((op[1], op[2]), []).append(op)
    other = book_v2()
    play(other, [by_slot[(op[1], op[2])].pop(0) for op in shuffled])
    again = fold(other)
    for contest in recap.legislative_contests:
        mine, theirs = recap.legislative(contest), again.legislative(contest)
        assert mine.region_vectors() == theirs.region_vectors()
        assert mine.dapil_vectors() == theirs.dapil_vectors()
        assert [(s.tps, s.status, s.witness, s.values) for s in mine.logged_tps()] == [
            (s.tps, s.status, s.witness, s.values) for s in theirs.logged_tps()
        ]
        assert contest_seats(recap, contest).result == contest_seats(again, contest).result
    restored: Recap = pickle.loads(pickle.dumps(recap))  # packed, then folding on the same
    for contest in recap.legislative_contests:
        mine, theirs = recap.legislative(contest), restored.legislative(contest)
        assert theirs.forms == mine.forms and theirs.dapil_vectors() == mine.dapil_vectors()
        assert list(theirs.logged_tps()) == list(mine.logged_tps())


def test_a_forms_values_are_its_ballots_boxes_and_its_rules_the_forms() -> None:
    book = book_v2()
    recap = fold(book)
    for kind in CONTESTS:
        tally = recap.legislative(kind.value)
        for tps in book.iter_tps():
            if kind not in tiny_contests().ballots(tps):
                continue
            layout = tally.dapil_of(tps)
            for form in (book.true_legislative_form(tps, kind),
                         broken_legislative(book.true_legislative_form(tps, kind))):  # fmt: skip
                values, violations = layout.read(form)
                assert tuple(form.reading()) == layout.form_fields
                assert values == tuple(form.reading().values())
                assert violations == check_form(form)


def _ballot_mutations(form: CHasilPartai | CHasilDPD) -> list[CHasilPartai | CHasilDPD]:
    """The form, and forms one party or candidate short or over its ballot."""
    out: list[CHasilPartai | CHasilDPD] = [form]
    if isinstance(form, CHasilDPD):
        calon = dict(form.suara_calon)
        first = next(iter(calon))
        out.append(
            form.model_copy(update={"suara_calon": {k: v for k, v in calon.items() if k != first}})
        )
        out.append(form.model_copy(update={"suara_calon": {**calon, "99": 0}}))
        return out
    partai = dict(form.partai)
    first, own = next(iter(partai.items()))
    out.append(form.model_copy(update={"partai": {k: v for k, v in partai.items() if k != first}}))
    out.append(form.model_copy(update={"partai": {**partai, "99": own}}))
    caleg = dict(own.suara_caleg)
    one = next(iter(caleg))
    for changed in ({k: v for k, v in caleg.items() if k != one}, {**caleg, "77": 0}):
        party = own.model_copy(update={"suara_caleg": changed})
        out.append(form.model_copy(update={"partai": {**partai, first: party}}))
    return out


def test_a_form_carries_its_dapils_ballot_when_read_as_the_authorization_says() -> None:
    """The reading worker's check of a form's ballot (in the walk that reads its
    values) accepts exactly the forms :func:`check_ballot` accepts."""
    book = book_v2()
    contests = tiny_contests()
    recap = fold(book)
    checked = {True: 0, False: 0}
    for kind in CONTESTS:
        tally = recap.legislative(kind.value)
        for tps in book.iter_tps():
            if kind not in contests.ballots(tps):
                continue
            layout, district = tally.dapil_of(tps), contests.district_of(kind, tps)
            for form in _ballot_mutations(book.true_legislative_form(tps, kind)):
                try:
                    check_ballot(form, district, kind)
                    accepted = True
                except ContestError:
                    accepted = False
                carried = layout.carried_values(form)
                assert (carried is not None) == accepted
                assert carried is None or carried == layout.values(form)
                checked[accepted] += 1
    assert checked[True] and checked[False] > checked[True]


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_forms_values_are_kept_packed_and_read_back_exactly(data: st.DataObject) -> None:
    """A dapil packs a form's values in one byte a vote box when they all fit, else two:
    either way they read back exactly (every box of the schema: 0..999)."""
    tally = fold(book_v2()).legislative(data.draw(st.sampled_from(CONTESTS)).value)
    layout = tally.dapil(data.draw(st.sampled_from(tally.districts)))
    values = tuple(
        data.draw(st.integers(0, data.draw(st.sampled_from((255, 999)))))
        for _ in layout.form_fields
    )
    packed = layout.pack(values)
    assert layout.unpack(packed) == values
    votes = values[22 : 22 + len(layout.vote_fields)]
    assert len(packed) == 2 * len(values) - (len(votes) if max(votes) < 256 else 0)
