"""The night's plan: a pure function of the seed and the hierarchy (no processes)."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.election.codes import Level
from saksi.election.envelope import parse_entry
from saksi.election.statements import DHasil
from saksi.election.synthetic import synthetic_hierarchy
from saksi.sim.faults import Fault
from saksi.sim.plan import DUPLICATE, INFLATION, LOGGED, NightPlan, TpsPlan
from saksi.tlog.hashes import leaf_hash

SCALE = 0.0003


def plans(seed: int, order: list[str] | None = None) -> tuple[NightPlan, dict[str, TpsPlan]]:
    plan = NightPlan(synthetic_hierarchy(scale=SCALE, seed=seed), seed)
    return plan, {tps: plan.tps_plan(tps) for tps in (order or plan.tps)}


def test_a_tps_plan_is_the_same_whatever_order_the_devices_take() -> None:
    first, built = plans(3)
    second, again = plans(3, list(reversed(first.tps)))
    assert {t: p.sends for t, p in built.items()} == {t: p.sends for t, p in again.items()}
    assert first.truth_document() == second.truth_document()


def test_another_seed_is_another_night() -> None:
    assert plans(3)[0].truth_document() != plans(4)[0].truth_document()


def test_every_fault_kind_occurs_even_in_a_tiny_election() -> None:
    plan = NightPlan(synthetic_hierarchy(scale=0.0001, seed=1), 1)
    assert {f.fault for f in plan.faults} == set(Fault)
    assert Counter(f.fault for f in plan.faults)[Fault.CRASH] == 1
    assert not any(f.fault is Fault.CRASH for f in NightPlan(plan.hierarchy, 1, crash=False).faults)


def test_a_clean_tps_sends_only_statements_meant_to_be_logged() -> None:
    plan, built = plans(3)
    for tps, tps_plan in built.items():
        draw = plan.draws[tps]
        if draw.missing:
            assert tps_plan.sends == ()
        elif not draw.faults and not draw.disputes:
            assert all(s.expect == LOGGED and s.fault is None for s in tps_plan.sends)
            assert len(tps_plan.sends) == 1 + 3 * draw.witnessed


def test_each_fault_is_carried_by_one_statement_that_expects_its_check() -> None:
    plan, built = plans(3)
    carried = {s.fault: s for p in built.values() for s in p.sends if s.fault is not None}
    for record in plan.faults:
        if record.fault in (Fault.INFLATED_RECAP, Fault.CRASH):
            continue
        send = carried[record.id]
        assert leaf_hash(send.entry).hex() == record.leaf_hash
        expect = {Fault.MISREAD: LOGGED, Fault.DISPUTE: LOGGED, Fault.RETRY: DUPLICATE}
        assert send.expect == expect.get(record.fault, record.expected_check)


def test_an_honest_d_hasil_is_its_forms_and_the_inflated_one_is_off_by_exactly_k() -> None:
    plan, built = plans(3)
    complete = plan.complete_kecamatan()
    assert plan.inflated in complete and len(complete) > 1
    for kec in complete:
        stmt = parse_entry(plan.d_hasil(kec)).stmt
        assert isinstance(stmt, DHasil)
        forms = [built[t].truth for t in plan.hierarchy.iter_tps(kec)]
        votes: Counter[str] = Counter()
        for form in forms:
            votes.update(form.suara_paslon)
        got = Counter(stmt.totals.suara_paslon)
        got.subtract(votes)
        extra = {p: n for p, n in got.items() if n}
        sah = stmt.totals.suara_sah - sum(f.suara_sah for f in forms)
        assert stmt.totals.jumlah_tps == len(forms)
        if kec == plan.inflated:
            assert list(extra.values()) == [INFLATION] and sah == INFLATION
        else:
            assert extra == {} and sah == 0
    assert all(k in plan.hierarchy.codes(Level.KECAMATAN) for k in complete)


@settings(max_examples=8, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_the_expected_totals_are_the_truth_minus_what_is_kept_out(seed: int) -> None:
    plan, built = plans(seed)
    truth = plan.truth_document()
    true: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for tps, tps_plan in built.items():
        true.update(tps_plan.truth.suara_paslon)
        if not plan.counted_at_end(tps):
            kept.update(tps_plan.truth.suara_paslon)
    assert truth["true_totals"] == dict(sorted(true.items()))
    assert truth["expected_totals"] == dict(sorted((true - kept).items()))
    tps_part = truth["tps"]
    assert isinstance(tps_part, dict)
    assert set(tps_part["held"]) | set(tps_part["missing"]) == {
        t for t in plan.tps if not plan.counted_at_end(t)
    }
