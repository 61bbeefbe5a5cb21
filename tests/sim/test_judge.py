"""The judge is honest: it says caught only when the check meant for the fault caught
it, and names a clean TPS that the publication shows as anything but clean."""

from __future__ import annotations

from typing import Any

import pytest

from saksi.election.synthetic import synthetic_hierarchy
from saksi.sim.devices import Answer, Tally
from saksi.sim.faults import Fault
from saksi.sim.judge import Judge, Publication
from saksi.sim.plan import DUPLICATE, LOGGED, NightPlan


def clean_tps() -> dict[str, Any]:
    return {"status": "received", "counted": True, "witness": "none", "violations": [],
            "flags": [], "copies": []}  # fmt: skip


def answer_for(expect: str, fault: Fault | None, index: int) -> Answer:
    if expect == DUPLICATE:
        return Answer(200, {"index": index, "duplicate": True, "status": "accepted"}, 2)
    if expect != LOGGED:
        return Answer(403, {"error": {"code": expect}}, 1)
    status = "inconsistent" if fault is Fault.MISREAD else "accepted"
    violations = [{"rule": "suara-sah", "severity": "impossible"}] if status != "accepted" else []
    body = {"index": index, "leaf_hash": "00", "status": status, "violations": violations}
    return Answer(201, body, 1)


def a_night_judged_right() -> tuple[NightPlan, Tally, Publication, dict[str, Any]]:
    """Every fault met by its check: the answers and the publication say so."""
    plan = NightPlan(synthetic_hierarchy(scale=0.0001, seed=1), 1)
    tally, pub = Tally(), Publication(10, {"totals": {"suara_paslon": {}}})
    for index, tps in enumerate(plan.tps):
        tps_plan = plan.tps_plan(tps)
        pub.tps[tps] = clean_tps()
        for send in tps_plan.sends:
            fault = None if send.fault is None else plan.faults[send.fault].fault
            answer = answer_for(send.expect, fault, index)
            if send.entry == tps_plan.form and send.expect == LOGGED:
                tally.forms[tps] = answer
            if send.fault is not None:
                tally.answers[send.fault] = answer
    for record in plan.faults:
        if record.fault is Fault.MISREAD:
            pub.tps[record.where] |= {"status": "corrected"}
        elif record.fault is Fault.DISPUTE:
            pub.tps[record.where] |= {"witness": "dispute", "copies": [(record.party, False)]}
    differences = [{"field": "suara_paslon_02", "recap": 150, "forms": 100},
                   {"field": "suara_sah", "recap": 250, "forms": 200}]  # +INFLATION  # fmt: skip
    pub.recap_checks[plan.inflated] = {"complete": True, "differences": differences}
    return plan, tally, pub, {"acked_checked": 5, "lost": []}


def test_a_night_whose_checks_worked_is_judged_all_caught() -> None:
    judge = Judge(*a_night_judged_right())
    outcomes = judge.outcomes()
    assert {o.record.fault for o in outcomes} == set(Fault)
    assert all(o.caught for o in outcomes), [o for o in outcomes if not o.caught]
    assert judge.false_alarms() == []


@pytest.mark.parametrize("fault", [Fault.FORGED, Fault.WRONG_TPS, Fault.REVOKED, Fault.SECOND_FORM])
def test_a_refusal_fault_that_was_logged_or_refused_for_another_reason_is_not_caught(
    fault: Fault,
) -> None:
    plan, tally, pub, crash = a_night_judged_right()
    record = next(r for r in plan.faults if r.fault is fault)
    tally.answers[record.id] = Answer(201, {"index": 3, "status": "accepted"}, 1)
    assert not Judge(plan, tally, pub, crash).outcomes()[record.id].caught
    tally.answers[record.id] = Answer(403, {"error": {"code": "auth.expired"}}, 1)
    assert not Judge(plan, tally, pub, crash).outcomes()[record.id].caught


def test_a_misread_counted_as_accepted_a_retry_stored_twice_are_not_caught() -> None:
    plan, tally, pub, crash = a_night_judged_right()
    misread = next(r for r in plan.faults if r.fault is Fault.MISREAD)
    tally.answers[misread.id] = Answer(201, {"index": 1, "status": "accepted"}, 1)
    retry = next(r for r in plan.faults if r.fault is Fault.RETRY)
    tally.answers[retry.id] = Answer(201, {"index": 99, "status": "accepted"}, 1)
    outcomes = Judge(plan, tally, pub, crash).outcomes()
    assert not outcomes[misread.id].caught and not outcomes[retry.id].caught


def test_an_agreeing_copy_a_wrong_recap_difference_and_a_lost_receipt_are_not_caught() -> None:
    plan, tally, pub, crash = a_night_judged_right()
    dispute = next(r for r in plan.faults if r.fault is Fault.DISPUTE)
    pub.tps[dispute.where]["copies"] = [(dispute.party, True)]
    pub.recap_checks[plan.inflated]["differences"].pop(0)  # only suara_sah differs
    crash["lost"] = ["ab" * 32]
    outcomes = Judge(plan, tally, pub, crash).outcomes()
    for fault in (Fault.DISPUTE, Fault.INFLATED_RECAP, Fault.CRASH):
        record = next(r for r in plan.faults if r.fault is fault)
        assert not outcomes[record.id].caught, fault


def test_a_clean_tps_shown_flagged_or_disputed_is_a_false_alarm() -> None:
    plan, tally, pub, crash = a_night_judged_right()
    faulty = {r.where for r in plan.faults}
    clean = [t for t in plan.tps if t not in faulty and not plan.draws[t].missing]
    pub.tps[clean[0]]["flags"] = ["pair-above-voters"]
    pub.tps[clean[1]]["witness"] = "dispute"
    alarms = Judge(plan, tally, pub, crash).false_alarms()
    assert [a["tps"] for a in alarms] == clean[:2]
