"""Reconciliation: every official recap and witness copy set against the signed forms.

- :func:`recap_differences`: a level's D.Hasil against the sum of the counted forms
  below it, field by field (region, field, the recap says, the forms say).
- :func:`witness_disputes`: each party witness's copy (c-salinan) against the KPPS
  form in force at its TPS, field by field.
- :func:`corrections`: every correction, what it replaced, who signed it, why, when,
  and what changed (the original stays in the log and in the TPS history).
- :func:`anomalies`: all of the above with the inconsistent forms and the flagged
  TPS, the list behind the dashboard's "Anomali" page.

All of it is computed from the fold at the moment it is asked: a d-hasil logged
early is compared with the forms logged since, so a difference appears and
disappears as the forms arrive (until every TPS below it is counted).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from saksi.election.codes import NASIONAL
from saksi.recap.fold import Recap
from saksi.recap.state import (
    CorrectionRecord,
    FieldDifference,
    RecapRecord,
    TpsState,
    TpsStatus,
    Witness,
    WitnessCopy,
)
from saksi.recap.totals import Totals


@dataclass(frozen=True, slots=True)
class RecapCheck:
    """One D.Hasil and how it compares with the forms below its region."""

    record: RecapRecord
    differences: tuple[FieldDifference, ...]  # theirs = the recap, ours = the forms' sum
    complete: bool  # every TPS below the region is counted

    @property
    def agrees(self) -> bool:
        return not self.differences

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.record.region,
            "level": self.record.level,
            "contest": self.record.contest,
            "index": self.record.index,
            "key": self.record.key,
            "at": self.record.at,
            "complete": self.complete,
            "differences": [d.to_dict("recap", "forms") for d in self.differences],
        }


def check_recap(recap: Recap, record: RecapRecord) -> RecapCheck:
    """The D.Hasil ``record`` against the counted forms below its region."""
    forms = recap.totals(record.region, record.contest).flat()
    stated = Totals(**record.totals.model_dump()).flat()  # the same fields as Totals
    differences = tuple(
        FieldDifference(name, stated.get(name, 0), forms.get(name, 0))
        for name in _ordered(forms, stated)
        if stated.get(name, 0) != forms.get(name, 0)
    )
    progress = recap.progress(record.region, record.contest)
    return RecapCheck(record, differences, progress.counted == progress.expected)


def _ordered(forms: dict[str, int], stated: dict[str, int]) -> list[str]:
    names = list(forms)
    names += [n for n in stated if n not in forms]
    return names


def recap_differences(recap: Recap, contest: str, within: str = NASIONAL) -> list[RecapCheck]:
    """Every D.Hasil within ``within`` with its comparison (agreeing ones included)."""
    return [
        check_recap(recap, record)
        for record in recap.recaps(contest)
        if within == NASIONAL or record.region.startswith(within)
    ]


@dataclass(frozen=True, slots=True)
class WitnessDispute:
    """A witness copy that differs from the form in force at its TPS."""

    tps: str
    contest: str
    copy: WitnessCopy
    form_index: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "tps": self.tps,
            "contest": self.contest,
            "copy_index": self.copy.index,
            "party": self.copy.party,
            **({"candidate": self.copy.candidate} if self.copy.candidate else {}),
            "key": self.copy.key,
            "form_index": self.form_index,
            "differences": [d.to_dict("copy", "form") for d in self.copy.differences],
        }


def witness_disputes(recap: Recap, contest: str, within: str = NASIONAL) -> list[WitnessDispute]:
    """Every witness copy that differs from its TPS's form in force."""
    return [d for state in recap.logged_tps(contest, within) for d in disputes_of(state)]


def disputes_of(state: TpsState) -> Iterator[WitnessDispute]:
    """The witness copies of one TPS that differ from its form in force."""
    if state.witness is Witness.DISPUTE:
        for copy in state.copies:
            if copy.differences:
                yield WitnessDispute(state.tps, state.contest, copy, state.current)


def corrections(
    recap: Recap, contest: str, within: str = NASIONAL
) -> list[tuple[str, CorrectionRecord]]:
    """Every correction within ``within`` as (TPS, record), by TPS then log order."""
    return [
        (state.tps, record)
        for state in recap.logged_tps(contest, within)
        for record in state.corrections
    ]


def correction_dict(tps: str, record: CorrectionRecord) -> dict[str, Any]:
    return {
        "tps": tps,
        "index": record.index,
        "replaces": record.replaces,
        "key": record.key,
        "at": record.at,
        "reason": record.reason,
        "changes": [d.to_dict("before", "after") for d in record.changes],
    }


ANOMALY_TYPES: Final = ("inconsistent", "flag", "witness-dispute", "recap-difference", "correction")
"""The kinds of anomaly, in the order the list gives them."""


def tps_anomalies(state: TpsState) -> Iterator[dict[str, Any]]:
    """The anomalies of one TPS: its held form (``inconsistent``), its flags on a
    counted form (``flag``), each witness copy that differs from the form in force
    (``witness-dispute``) and each correction (``correction``). The list
    (:func:`anomalies`) and every count of it (:mod:`saksi.recap.snapshot`) are made of
    these, so a count and its list cannot disagree."""
    if state.status is TpsStatus.INCONSISTENT:
        yield {
            "type": "inconsistent",
            "region": state.tps,
            "index": state.current,
            "rules": [v.rule for v in state.violations if v.impossible],
        }
    if state.flagged:
        yield {
            "type": "flag",
            "region": state.tps,
            "index": state.current,
            "flags": [f.flag for f in state.flags],
            "rules": [v.rule for v in state.violations],
        }
    for dispute in disputes_of(state):
        yield {"type": "witness-dispute", **dispute.to_dict()}
    for record in state.corrections:
        yield {"type": "correction", **correction_dict(state.tps, record)}


def anomalies(recap: Recap, contest: str, within: str = NASIONAL) -> list[dict[str, Any]]:
    """Every anomaly within ``within`` (a region and everything in it): inconsistent
    forms and flags (TPS by TPS), witness disputes, D.Hasil that differ from the forms,
    corrections; each a dict with ``type``."""
    forms: list[dict[str, Any]] = []  # held forms and flags, TPS by TPS
    later: dict[str, list[dict[str, Any]]] = {"witness-dispute": [], "correction": []}
    for state in recap.logged_tps(contest, within):
        for item in tps_anomalies(state):
            later.get(item["type"], forms).append(item)
    differing = [
        {"type": "recap-difference", **c.to_dict()}
        for c in recap_differences(recap, contest, within)
        if not c.agrees
    ]
    return [*forms, *later["witness-dispute"], *differing, *later["correction"]]


__all__ = [
    "ANOMALY_TYPES",
    "RecapCheck",
    "WitnessDispute",
    "anomalies",
    "check_recap",
    "correction_dict",
    "corrections",
    "disputes_of",
    "recap_differences",
    "tps_anomalies",
    "witness_disputes",
]
