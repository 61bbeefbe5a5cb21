"""What the fold knows about one TPS and contest, and the read-only views of it.

:class:`TpsSlot` is the fold's own mutable record (compact: a form is kept as a tuple
of its numbers, in :func:`saksi.election.forms.form_fields` order). Everything handed
out (:class:`TpsState`, :class:`WitnessCopy`, :class:`CorrectionRecord`,
:class:`RecapRecord`, :class:`Progress`) is frozen.
"""

from __future__ import annotations

import enum
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from saksi.election.rules import Violation
from saksi.election.statements import RecapTotals
from saksi.recap.screening import Flag

FormValues = Sequence[int]
"""A form's numbers in ``form_fields(pairs)`` order (photos left out). The fold keeps
them packed (:func:`pack_values`); the views it hands out hold plain ints."""


def pack_values(values: Sequence[int]) -> array[int]:
    """``values`` as an array of 16-bit numbers (32 or 64 if one is larger): a national
    fold keeps 800,000 forms, 116 bytes each this way against about 380 as a tuple of
    ints (most counts above 256 are an int object each)."""
    for typecode in ("H", "L", "q"):
        try:
            return array(typecode, values)
        except OverflowError:
            continue
    raise ValueError("a form's numbers must fit in 64 bits")  # the schema allows 0..999


class TpsStatus(enum.StrEnum):
    """Where a TPS stands for one contest."""

    MISSING = "missing"  # no c-hasil yet
    RECEIVED = "received"  # its c-hasil is in force and counted
    INCONSISTENT = "inconsistent"  # its form in force breaks an impossibility: kept out
    CORRECTED = "corrected"  # a correction is in force and counted


class Witness(enum.StrEnum):
    """What the party witnesses' copies say about the form in force."""

    NONE = "none"  # no copy (or no form yet to compare with)
    AGREE = "agree"  # every copy equals the form in force
    DISPUTE = "dispute"  # at least one copy differs


@dataclass(frozen=True, slots=True)
class FieldDifference:
    """One box on which two documents disagree."""

    field: str
    theirs: int  # the copy's / the recap's number
    ours: int  # the form in force's / the forms' sum

    def to_dict(self, theirs: str = "copy", ours: str = "form") -> dict[str, Any]:
        return {"field": self.field, theirs: self.theirs, ours: self.ours}


@dataclass(frozen=True, slots=True)
class WitnessCopy:
    """A witness's copy (c-salinan), compared with the form in force: a party
    witness's (``party``), or a DPD candidate's witness's (``candidate``, ``party`` "")."""

    index: int
    key: str
    party: str
    at: str
    differences: tuple[FieldDifference, ...]  # against the form in force (empty: agrees)
    candidate: str = ""


@dataclass(frozen=True, slots=True)
class CorrectionRecord:
    """A correction: what it replaced, who signed it, why, and what changed."""

    index: int
    replaces: int
    key: str
    at: str
    reason: str
    changes: tuple[FieldDifference, ...]  # theirs = before, ours = after


@dataclass(frozen=True, slots=True)
class RecapRecord:
    """A level's D.Hasil, as logged."""

    index: int
    region: str
    level: str
    contest: str
    key: str
    at: str
    totals: RecapTotals


@dataclass(frozen=True, slots=True)
class Progress:
    """TPS reported out of expected, for one region and contest."""

    expected: int
    received: int
    counted: int

    @property
    def share(self) -> float:
        return self.received / self.expected if self.expected else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "received": self.received,
            "counted": self.counted,
            "percent": round(100 * self.share, 2),
        }


@dataclass(slots=True)
class CopySlot:
    index: int
    key: str
    party: str
    at: str
    values: FormValues
    candidate: str = ""  # a DPD candidate's witness's copy (party "")


@dataclass(slots=True)
class TpsSlot:
    """The fold's record of one TPS and contest (mutable; never handed out)."""

    original: int | None = None
    current: int | None = None
    values: FormValues | None = None
    violations: tuple[Violation, ...] = ()
    flags: tuple[Flag, ...] = ()
    # tuples, replaced when one is added (rare): an empty tuple is shared, a list is not
    corrections: Sequence[CorrectionRecord] = ()
    copies: Sequence[CopySlot] = ()

    @property
    def status(self) -> TpsStatus:
        if self.current is None:
            return TpsStatus.MISSING
        if any(v.impossible for v in self.violations):
            return TpsStatus.INCONSISTENT
        return TpsStatus.CORRECTED if self.corrections else TpsStatus.RECEIVED

    @property
    def counted(self) -> bool:
        return self.status in (TpsStatus.RECEIVED, TpsStatus.CORRECTED)

    @property
    def flagged(self) -> bool:
        """A screening flag or a suspicious rule on a *counted* form: a held form is out
        of the totals already, and its broken rules say why (docs/recap.md)."""
        return self.counted and (bool(self.flags) or bool(self.violations))

    def witness(self, fields: tuple[str, ...]) -> Witness:
        if self.values is None or not self.copies:
            return Witness.NONE
        if any(differences(fields, c.values, self.values) for c in self.copies):
            return Witness.DISPUTE
        return Witness.AGREE


def slot_counters(slot: TpsSlot, fields: tuple[str, ...]) -> tuple[bool, tuple[int, ...]]:
    """Whether a TPS with a form in force (``slot.current`` set) is counted, and its
    status counters in :data:`~saksi.recap.totals.STATUS_COUNTERS` order: what
    :attr:`TpsSlot.status`, :attr:`TpsSlot.flagged` and :meth:`TpsSlot.witness` say,
    each computed once (the fold asks for every TPS it changes, of every contest)."""
    violations = slot.violations
    counted = not violations or not any(v.impossible for v in violations)
    witness = slot.witness(fields) if slot.copies else Witness.NONE
    return counted, (
        1,  # received
        int(counted),
        int(not counted),
        int(bool(slot.corrections)),
        int(witness is Witness.AGREE),
        int(witness is Witness.DISPUTE),
        int(counted and (bool(slot.flags) or bool(violations))),  # TpsSlot.flagged
    )


def differences(
    fields: tuple[str, ...], theirs: FormValues, ours: FormValues
) -> tuple[FieldDifference, ...]:
    """Every box where ``theirs`` and ``ours`` differ, in form order."""
    if theirs == ours:
        return ()
    return tuple(
        FieldDifference(name, a, b)
        for name, a, b in zip(fields, theirs, ours, strict=True)
        if a != b
    )


@dataclass(frozen=True, slots=True)
class TpsState:
    """One TPS and contest as the log stands: the form in force and all around it."""

    tps: str
    contest: str
    status: TpsStatus
    counted: bool
    original: int | None  # the KPPS c-hasil's entry
    current: int | None  # the form in force (the c-hasil or its last correction)
    values: Mapping[str, int] | None  # the form in force's boxes
    violations: tuple[Violation, ...]
    flags: tuple[Flag, ...]  # screening flags of the counted form in force (none if held)
    witness: Witness
    copies: tuple[WitnessCopy, ...]
    corrections: tuple[CorrectionRecord, ...]

    @property
    def flagged(self) -> bool:
        return self.counted and (bool(self.flags) or bool(self.violations))


def tps_state(tps: str, contest: str, slot: TpsSlot | None, fields: tuple[str, ...]) -> TpsState:
    """The frozen view of ``slot`` (None: nothing logged for this TPS yet)."""
    if slot is None:
        slot = TpsSlot()
    values = dict(zip(fields, slot.values, strict=True)) if slot.values is not None else None
    copies = tuple(
        WitnessCopy(
            c.index,
            c.key,
            c.party,
            c.at,
            differences(fields, c.values, slot.values) if slot.values is not None else (),
            c.candidate,
        )
        for c in slot.copies
    )
    return TpsState(
        tps=tps,
        contest=contest,
        status=slot.status,
        counted=slot.counted,
        original=slot.original,
        current=slot.current,
        values=values,
        violations=slot.violations,
        flags=slot.flags if slot.counted else (),
        witness=slot.witness(fields),
        copies=copies,
        corrections=tuple(slot.corrections),
    )


__all__ = [
    "CopySlot",
    "CorrectionRecord",
    "FieldDifference",
    "FormValues",
    "Progress",
    "RecapRecord",
    "TpsSlot",
    "TpsState",
    "TpsStatus",
    "Witness",
    "WitnessCopy",
    "differences",
    "pack_values",
    "slot_counters",
    "tps_state",
]
