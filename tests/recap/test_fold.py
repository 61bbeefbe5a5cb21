"""The fold: totals as a pure function of the log, incremental = recomputed, every level."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saksi.election.codes import NASIONAL, Level
from saksi.election.forms import CHasilPPWP
from saksi.election.regions import Hierarchy
from saksi.errors import RecapError, SaksiError
from saksi.recap.fold import Recap
from saksi.recap.state import TpsStatus, Witness
from saksi.sim.logbook import Logbook
from tests.recap.factory import broken, grown, shifted, tiny

CONTEST = "ppwp"


def fold(book: Logbook) -> Recap:
    return Recap.replay(book.hierarchy, book.entries)


def assert_levels_add_up(recap: Recap, hierarchy: Hierarchy) -> None:
    """Every region's vector is the sum of its children's (TPS at the bottom)."""
    for level in (Level.NASIONAL, Level.PROVINSI, Level.KABKOTA, Level.KECAMATAN, Level.DESA):
        codes = (NASIONAL,) if level is Level.NASIONAL else hierarchy.codes(level)
        for code in codes:
            children = [recap.vector(c, CONTEST) for c in hierarchy.children(code)]
            summed = [sum(col) for col in zip(*children, strict=True)]
            assert recap.vector(code, CONTEST) == summed, code


def test_every_true_form_counted_and_totals_are_their_sum() -> None:
    book = tiny()
    forms = {tps: book.true_form(tps) for tps in book.iter_tps()}
    for tps in forms:
        book.c_hasil(tps)
    recap = fold(book)
    totals = recap.totals(NASIONAL, CONTEST)
    assert totals.jumlah_tps == len(forms)
    assert totals.suara_sah == sum(f.suara_sah for f in forms.values())
    for pair in ("01", "02", "03"):
        assert totals.suara_paslon[pair] == sum(f.suara_paslon[pair] for f in forms.values())
    assert totals.pemilih_dpt_j == sum(f.pemilih_dpt_j for f in forms.values())
    progress = recap.progress(NASIONAL, CONTEST)
    assert (progress.expected, progress.received, progress.counted) == (8, 8, 8)
    assert_levels_add_up(recap, book.hierarchy)


def test_missing_tps_and_progress_per_region() -> None:
    book = tiny()
    tps = list(book.iter_tps())
    for code in tps[:3]:
        book.c_hasil(code)
    recap = fold(book)
    assert recap.tps(tps[5], CONTEST).status is TpsStatus.MISSING
    desa = tps[0][:10]
    assert recap.progress(desa, CONTEST).to_dict() == {
        "expected": 2, "received": 2, "counted": 2, "percent": 100.0,
    }  # fmt: skip
    assert recap.progress(NASIONAL, CONTEST).received == 3


def test_inconsistent_form_is_logged_but_kept_out_of_totals() -> None:
    book = tiny()
    tps = list(book.iter_tps())
    book.c_hasil(tps[0])
    book.c_hasil(tps[1], broken(book.true_form(tps[1])))
    recap = fold(book)
    state = recap.tps(tps[1], CONTEST)
    assert state.status is TpsStatus.INCONSISTENT and not state.counted
    assert {v.rule for v in state.violations if v.impossible}
    totals = recap.totals(NASIONAL, CONTEST)
    assert totals.suara_sah == book.true_form(tps[0]).suara_sah
    assert recap.counters(NASIONAL, CONTEST)["inconsistent"] == 1
    assert recap.progress(NASIONAL, CONTEST).received == 2
    assert recap.progress(NASIONAL, CONTEST).counted == 1


def test_correction_moves_totals_by_exactly_its_difference_and_keeps_the_original() -> None:
    book = tiny()
    tps = list(book.iter_tps())
    for code in tps:
        book.c_hasil(code)
    before = fold(book).totals(NASIONAL, CONTEST)
    original = book.in_force[tps[4]][0]
    book.correction(tps[4], grown(book.true_form(tps[4]), 7), reason="hitung ulang")
    recap = fold(book)
    after = recap.totals(NASIONAL, CONTEST)
    assert after.suara_paslon["01"] - before.suara_paslon["01"] == 7
    assert after.suara_sah - before.suara_sah == 7
    assert after.suara_paslon["02"] == before.suara_paslon["02"]
    assert after.jumlah_tps == before.jumlah_tps
    state = recap.tps(tps[4], CONTEST)
    assert state.status is TpsStatus.CORRECTED
    assert state.original == original and state.current == len(book.entries) - 1
    (record,) = state.corrections
    assert record.replaces == original and record.reason == "hitung ulang"
    changed = {d.field: (d.theirs, d.ours) for d in record.changes}
    first = book.true_form(tps[4]).suara_paslon["01"]
    assert changed["suara_paslon_01"] == (first, first + 7)


def test_correction_of_an_inconsistent_form_brings_it_into_the_totals() -> None:
    book = tiny()
    tps = next(book.iter_tps())
    book.c_hasil(tps, broken(book.true_form(tps)))
    assert fold(book).totals(NASIONAL, CONTEST).jumlah_tps == 0
    book.correction(tps, book.true_form(tps))
    recap = fold(book)
    assert recap.totals(NASIONAL, CONTEST).suara_sah == book.true_form(tps).suara_sah
    assert recap.counters(NASIONAL, CONTEST)["inconsistent"] == 0
    assert recap.counters(NASIONAL, CONTEST)["corrected"] == 1


def test_witness_copies_agree_or_dispute_with_the_form_in_force() -> None:
    book = tiny()
    a, b, c = list(book.iter_tps())[:3]
    for code in (a, b):
        book.c_hasil(code)
    book.c_salinan(a, "2")
    book.c_salinan(b, "2")
    book.c_salinan(b, "3", shifted(book.true_form(b), 4))
    book.c_salinan(c, "1")  # a copy before its TPS's form: nothing to compare yet
    recap = fold(book)
    assert recap.tps(a, CONTEST).witness is Witness.AGREE
    disputed = recap.tps(b, CONTEST)
    assert disputed.witness is Witness.DISPUTE
    differing = {d.field for copy in disputed.copies for d in copy.differences}
    assert differing == {"suara_paslon_01", "suara_paslon_03"}
    assert recap.tps(c, CONTEST).witness is Witness.NONE
    assert recap.tps(c, CONTEST).status is TpsStatus.MISSING
    counters = recap.counters(NASIONAL, CONTEST)
    assert (counters["witness_agree"], counters["witness_dispute"]) == (1, 1)
    book.c_hasil(c)  # the form arrives after the copy: they agree
    assert fold(book).tps(c, CONTEST).witness is Witness.AGREE


def test_d_hasil_is_kept_per_region() -> None:
    book = tiny()
    kec = "317301"
    for tps in book.hierarchy.iter_tps(kec):
        book.c_hasil(tps)
    recap = fold(book)
    totals = recap.totals(kec, CONTEST).to_dict()
    book.d_hasil(kec, totals)
    recap = fold(book)
    record = recap.recap(kec, CONTEST)
    assert record is not None and record.level == "kecamatan"
    assert record.totals.model_dump() == totals
    assert recap.recaps(CONTEST) == (record,)


def test_regions_of_another_election_are_refused() -> None:
    book = tiny()
    other = tiny(tps_per_desa=3)
    with pytest.raises(RecapError) as caught:
        Recap.replay(other.hierarchy, book.entries)
    assert caught.value.code == "recap.regions-mismatch"


def test_an_unreadable_entry_names_its_index() -> None:
    book = tiny()
    entries = [*book.entries, b'{"not": "an entry"}']
    with pytest.raises(RecapError) as caught:
        Recap.replay(book.hierarchy, entries)
    assert caught.value.code == "recap.bad-entry"
    assert caught.value.details["index"] == len(book.entries)


def test_an_entry_the_log_should_have_refused_stops_the_fold() -> None:
    book = tiny()
    tps = list(book.iter_tps())
    book.c_hasil(tps[0])
    entries = [*book.entries, book.entries[-1].replace(tps[0].encode(), tps[1].encode())]
    with pytest.raises(RecapError) as caught:  # kpps-tps0's key used for tps1
        Recap.replay(book.hierarchy, entries)
    assert caught.value.code == "recap.unauthorized-entry"


def test_empty_log_is_refused() -> None:
    with pytest.raises(RecapError) as caught:
        Recap.replay(tiny().hierarchy, [])
    assert caught.value.code == "recap.empty-log"


# --- the property: any log, any arrival order ---------------------------------------

OPS = st.lists(
    st.tuples(
        st.sampled_from(("hasil", "broken", "copy", "copy-differs", "correct", "correct-broken")),
        st.integers(0, 7),  # which TPS
        st.integers(1, 9),  # votes moved or added
        st.sampled_from(("1", "2", "3")),
    ),
    max_size=40,
)


def play(book: Logbook, ops: list[tuple[str, int, int, str]]) -> None:
    """Write the ops into the log, skipping those the log would refuse."""
    tps = list(book.iter_tps())
    copied: set[tuple[str, str]] = set()
    for op, which, votes, party in ops:
        code = tps[which]
        true = book.true_form(code)
        has_form = code in book.in_force
        if op in ("hasil", "broken") and not has_form:
            book.c_hasil(code, true if op == "hasil" else broken(true))
        elif op.startswith("copy") and (code, party) not in copied:
            copied.add((code, party))
            book.c_salinan(code, party, true if op == "copy" else shifted(true, votes))
        elif op == "correct" and has_form:
            book.correction(code, grown(true, votes))
        elif op == "correct-broken" and has_form:
            book.correction(code, broken(grown(true, votes)))


def expected_counted(book: Logbook, recap: Recap) -> int:
    """Independent of the fold: the suara sah of every TPS whose form in force is consistent."""
    total = 0
    for _, env in book.in_force.values():
        form = env.stmt.form  # type: ignore[union-attr]
        assert isinstance(form, CHasilPPWP)
        if form.suara_sah == sum(form.suara_paslon.values()):
            total += form.suara_sah
    return total


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS, seed=st.integers(0, 2**16))
def test_incremental_equals_recomputed_at_every_step_and_any_order(
    ops: list[tuple[str, int, int, str]], seed: int
) -> None:
    book = tiny()
    keys_end = len(book.entries)
    play(book, ops)
    recap = Recap.replay(book.hierarchy, book.entries[:keys_end])
    for entry in book.entries[keys_end:]:
        recap.apply_entry(entry)
        assert recap.region_vectors(CONTEST) == recap.recomputed(CONTEST)
    assert_levels_add_up(recap, book.hierarchy)
    assert recap.totals(NASIONAL, CONTEST).suara_sah == expected_counted(book, recap)

    # the same statements arriving in another order (each TPS's own in its order)
    shuffled_ops = list(ops)
    random.Random(seed).shuffle(shuffled_ops)
    by_tps: dict[int, list[tuple[str, int, int, str]]] = {}
    for op in ops:
        by_tps.setdefault(op[1], []).append(op)
    reordered = [by_tps[op[1]].pop(0) for op in shuffled_ops]
    other = tiny()
    play(other, reordered)
    again = fold(other)
    assert again.region_vectors(CONTEST) == recap.region_vectors(CONTEST)
    for tps in book.iter_tps():
        mine, theirs = recap.tps(tps, CONTEST), again.tps(tps, CONTEST)
        assert (mine.status, mine.witness, mine.values) == (
            theirs.status,
            theirs.witness,
            theirs.values,
        )


def test_the_fold_does_not_recheck_a_new_keys_point_but_parse_entry_does() -> None:
    """The point of a registered key is checked at intake and by saksi verify; reading a
    logged entry back for the totals skips it (it is a third of a national replay)."""
    from saksi.election.envelope import parse_entry, sign_statement
    from saksi.election.statements import KeyRegistration
    from saksi.recap.entries import read_entry

    book = tiny()
    identity = "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # not a usable Ed25519 key
    stmt = KeyRegistration.model_construct(
        type="key", election=book.origin, at="2024-02-10T00:00:00Z", key=identity,
        role="kpps", scope=next(book.iter_tps()), party=None,
        not_before="2024-02-01T00:00:00Z", not_after="2024-03-31T00:00:00Z", label=None,
    )  # fmt: skip
    entry = sign_statement(stmt, book.keys.key("kpu-kab-3173")).to_bytes()
    assert read_entry(5, entry).stmt.key == identity  # type: ignore[union-attr]
    with pytest.raises(RecapError) as caught:
        read_entry(5, entry, verify=True)
    assert caught.value.details["cause"] == "key.invalid-point"
    with pytest.raises(SaksiError):  # the strict intake refuses it
        parse_entry(entry)


def test_a_recap_pickles_and_goes_on_folding_the_same() -> None:
    import pickle

    book = tiny()
    tps = list(book.iter_tps())
    for code in tps[:4]:
        book.c_hasil(code)
    half = len(book.entries)
    for code in tps[4:]:
        book.c_hasil(code)
    recap = Recap.replay(book.hierarchy, book.entries[:half])
    restored = pickle.loads(pickle.dumps(recap))
    assert restored.hierarchy == book.hierarchy
    for entry in book.entries[half:]:
        restored.apply_entry(entry)
    whole = Recap.replay(book.hierarchy, book.entries)
    assert restored.region_vectors(CONTEST) == whole.region_vectors(CONTEST)


def test_skip_leaves_an_entry_out_and_only_the_next_one() -> None:
    book = tiny()
    tps = list(book.iter_tps())
    book.c_hasil(tps[0])
    book.c_hasil(tps[1])
    recap = Recap.replay(book.hierarchy, book.entries[:-2])
    recap.skip(recap.size)  # the first form is left out
    recap.apply_entry(book.entries[-1])
    assert recap.tps(tps[0], CONTEST).status is TpsStatus.MISSING
    assert recap.tps(tps[1], CONTEST).status is TpsStatus.RECEIVED
    with pytest.raises(RecapError) as caught:
        recap.skip(recap.size + 1)
    assert caught.value.code == "recap.skip-out-of-order"
