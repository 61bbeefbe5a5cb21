"""The faults an election night meets, injected at realistic rates.

Each fault names the check that must catch it. The demo's report says, for every
injected fault, whether that check (or another) caught it.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass

from saksi.election.forms import CHasilPPWP, form_fields
from saksi.sim.tally import misreads


class Fault(enum.StrEnum):
    MISREAD = "misread"  # one box misread (3->8, 2->7, a digit added or dropped)
    FORGED = "forged"  # a statement whose signature does not match
    WRONG_TPS = "wrong-tps"  # a KPPS key used for another TPS
    RETRY = "retry"  # the same statement sent twice after a timeout
    SECOND_FORM = "second-form"  # a different second c-hasil from the same KPPS key
    REVOKED = "revoked"  # a lost device's key, revoked by KPU Kab/Kota, used again
    DISPUTE = "dispute"  # a witness copy that disagrees with the KPPS form
    INFLATED_RECAP = "inflated-d-hasil"  # a PPK's D.Hasil with votes added at one kecamatan
    CRASH = "crash"  # the service killed (SIGKILL) and restarted mid-night


EXPECTED_CHECK = {
    Fault.MISREAD: "rules (impossible): held as inconsistent, out of the totals",
    Fault.FORGED: "statement.bad-signature",
    Fault.WRONG_TPS: "auth.out-of-scope",
    Fault.RETRY: "idempotent append (the first receipt again, stored once)",
    Fault.SECOND_FORM: "auth.duplicate-form",
    Fault.REVOKED: "auth.revoked",
    Fault.DISPUTE: "witness copy compared with the form in force (published: dispute)",
    Fault.INFLATED_RECAP: "D.Hasil reconciled with the forms below it (published recap_check)",
    Fault.CRASH: "durable receipts: every acknowledged entry still logged after the restart",
}

RATES = {
    Fault.MISREAD: 0.04,
    Fault.FORGED: 0.01,
    Fault.WRONG_TPS: 0.01,
    Fault.RETRY: 0.03,
    Fault.SECOND_FORM: 0.01,
    Fault.REVOKED: 0.005,
    Fault.DISPUTE: 0.03,  # of the witness copies
}
"""Per TPS (per witness copy for disputes); one D.Hasil is inflated and the service is
crashed once per night, whatever the size."""


@dataclass(frozen=True, slots=True)
class Injected:
    """One injected fault, where, and what the checks made of it."""

    fault: Fault
    tps: str
    detail: str


def misread_form(rng: random.Random, form: CHasilPPWP) -> tuple[CHasilPPWP, str]:
    """The form with one box misread; returns the form and a description."""
    reading = form.reading()
    boxes = [b for b in form_fields(form.pairs) if misreads(int(reading[b] or 0))]
    box = rng.choice(boxes)
    old = int(reading[box] or 0)
    choices = [m for m in misreads(old) if m.value <= 999]
    new = rng.choice(choices).value
    return _with_box(form, box, new), f"{box}: {old} -> {new}"


def shifted_votes(form: CHasilPPWP, moved: int) -> CHasilPPWP:
    """The form with ``moved`` votes taken from the last pair and given to the first."""
    pairs = form.pairs
    moved = min(moved, form.suara_paslon[pairs[-1]])
    votes = dict(form.suara_paslon)
    votes[pairs[0]] += moved
    votes[pairs[-1]] -= moved
    return form.model_copy(update={"suara_paslon": votes})


def _with_box(form: CHasilPPWP, box: str, value: int) -> CHasilPPWP:
    if box.startswith("suara_paslon_"):
        votes = dict(form.suara_paslon)
        votes[box.removeprefix("suara_paslon_")] = value
        return form.model_copy(update={"suara_paslon": votes})
    return form.model_copy(update={box: value})
