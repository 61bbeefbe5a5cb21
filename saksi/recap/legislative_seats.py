"""Seats from the fold: who a log elects, at its checkpoint, and whether that is final.

:func:`contest_seats` reads one legislative contest's tally
(:class:`~saksi.recap.legislative.LegislativeTally`) and allocates its seats with
:mod:`saksi.recap.seats`, the same code ``saksi seats`` runs on any CSV:

- party contests: each party's valid votes in a dapil are its B (``suara_sah_partai``)
  summed over the dapil's counted TPS; the threshold (the contests file's
  ``threshold_percent``: 4 for DPR, none for DPRD) is taken over the contest's national
  B, every dapil together; Sainte-Laguë per dapil; the open lists from each candidate's
  A.2 summed over the dapil (A.1, the party-only votes, elect no one);
- DPD: each candidate's votes summed over the province's counted TPS, the four most.

The numbers are those of the fold's checkpoint (its tree size, :attr:`ContestSeats.tree_size`),
and they are **provisional** wherever the count is not complete or a tie needs the
KPU: a dapil's seats while any TPS expected to vote in it is missing (no form) or held
(its form in force breaks an impossibility rule, kept out of the totals), or while a
tie touches its seats (or, never in a sound contests file, while no TPS of the region
file lies in it); for a contest with a threshold, every dapil's seats while any
expected TPS of the nation is missing or held (who passes may still change). Each
reason is named (:data:`REASONS`). Pure code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

from saksi.election.codes import NASIONAL
from saksi.recap.legislative import LegislativeTally
from saksi.recap.seats import DPD_SEATS, DapilVotes, SeatResult, allocate, allocate_dpd
from saksi.recap.state import Progress

if TYPE_CHECKING:
    from saksi.recap.fold import Recap

REASONS: Final = {
    "no-tps": (
        "no TPS of the region file lies in the dapil: its votes cannot be counted",
        "tidak ada TPS dalam berkas wilayah di dapil ini: suaranya tidak dapat dihitung",
    ),
    "missing": (
        "a TPS expected to vote in the dapil has no form yet",
        "ada TPS di dapil yang belum mengirim formulir",
    ),
    "held": (
        "a TPS's form in force breaks an impossibility rule and is held out of the totals",
        "formulir yang berlaku di suatu TPS melanggar aturan kemustahilan dan tidak dihitung",
    ),
    "threshold": (
        "the national count is not complete: which parties pass the threshold may change",
        "penghitungan nasional belum lengkap: partai yang lolos ambang batas dapat berubah",
    ),
    "tie": (
        "equal numbers straddle the last seat: the KPU decides",
        "angka yang sama memperebutkan kursi terakhir: KPU yang memutuskan",
    ),
}
"""Why a dapil's seats are provisional (English, Bahasa Indonesia), in this order."""


@dataclass(frozen=True, slots=True)
class DapilStatus:
    """How complete one dapil's count is, and why its seats are provisional (if they are)."""

    dapil: str
    seats: int
    progress: Progress
    reasons: tuple[str, ...]

    @property
    def held(self) -> int:
        """TPS whose form in force is held out (received, not counted)."""
        return self.progress.received - self.progress.counted

    @property
    def missing(self) -> int:
        """TPS expected, with no form yet."""
        return self.progress.expected - self.progress.received

    @property
    def provisional(self) -> bool:
        return bool(self.reasons)

    def to_json(self) -> dict[str, Any]:
        return {
            "seats": self.seats,
            "expected": self.progress.expected,
            "received": self.progress.received,
            "counted": self.progress.counted,
            "missing": self.missing,
            "held": self.held,
            "provisional": self.provisional,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class ContestSeats:
    """One legislative contest's seats at one checkpoint of the log."""

    contest: str
    tree_size: int  # the checkpoint: how many entries the fold has read
    result: SeatResult
    progress: Progress  # the nation's, for this contest
    threshold_provisional: bool  # a threshold applies and the nation is not complete
    dapil: Mapping[str, DapilStatus]

    @property
    def provisional(self) -> bool:
        """True while any dapil's seats (or who passes the threshold) may still change."""
        return self.threshold_provisional or any(d.provisional for d in self.dapil.values())

    @property
    def provisional_dapil(self) -> tuple[str, ...]:
        return tuple(code for code, d in self.dapil.items() if d.provisional)

    def to_json(self, checkpoint: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """``saksi seats --format json``'s object (:meth:`SeatResult.to_json`), with
        ``threshold.provisional``, ``checkpoint`` (``{"tree_size"}``, or ``checkpoint``
        as given, which must name the same tree size), ``provisional``, ``progress``
        and ``dapil_status`` (docs/recap.md, "Seats from the log")."""
        named = dict(checkpoint) if checkpoint is not None else {"tree_size": self.tree_size}
        if named.get("tree_size") != self.tree_size:
            raise ValueError(f"the seats are of tree size {self.tree_size}, not {named}")
        out = self.result.to_json()
        out["threshold"] = {**out["threshold"], "provisional": self.threshold_provisional}
        return {
            **out,
            "checkpoint": named,
            "provisional": self.provisional,
            "progress": self.progress.to_dict(),
            "dapil_status": {code: d.to_json() for code, d in self.dapil.items()},
        }

    def findings(self) -> list[dict[str, Any]]:
        """Every tie as a finding for the KPU (``type`` ``seat-tie``), with the contest
        and the checkpoint it comes from."""
        return [
            {"type": "seat-tie", "contest": self.contest, "tree_size": self.tree_size,
             **tie.to_json()}
            for tie in self.result.ties
        ]  # fmt: skip


def tally_seats(tally: LegislativeTally, tree_size: int) -> ContestSeats:
    """The seats of one legislative contest from its tally, at ``tree_size``."""
    definition = tally.definition
    if tally.layout.parties:
        dapils: list[DapilVotes] = []
        candidates: dict[str, dict[str, dict[int, int]]] = {}
        for code in tally.districts:
            totals = tally.dapil_totals(code)
            votes = {p: t.suara_sah_partai for p, t in totals.partai.items()}
            dapils.append(DapilVotes(code, tally.dapil(code).seats, votes))
            candidates[code] = {
                p: {0: t.suara_partai, **{int(n): v for n, v in t.suara_caleg.items()}}
                for p, t in totals.partai.items()
            }
        percent = definition.threshold_percent
        threshold = None if percent is None else Fraction(percent)
        result = allocate(tally.contest, dapils, threshold_percent=threshold, candidates=candidates)
    else:
        provinces = {
            code: {int(n): v for n, v in tally.dapil_totals(code).suara_calon.items()}
            for code in tally.districts
        }
        threshold = None
        result = allocate_dpd(provinces, DPD_SEATS)
    national = tally.progress(NASIONAL)
    threshold_provisional = threshold is not None and national.counted < national.expected
    tied = {t.dapil for t in result.ties}
    status = {}
    for code in tally.districts:
        progress = tally.dapil_progress(code)
        found = {
            "no-tps": not progress.expected,
            "missing": progress.received < progress.expected,
            "held": progress.counted < progress.received,
            "threshold": threshold_provisional,
            "tie": code in tied,
        }
        reasons = tuple(r for r in REASONS if found[r])
        status[code] = DapilStatus(code, tally.dapil(code).seats, progress, reasons)
    return ContestSeats(tally.contest, tree_size, result, national, threshold_provisional, status)


def contest_seats(recap: Recap, contest: str) -> ContestSeats:
    """The seats of one legislative contest of the log ``recap`` has folded
    (``recap.unknown-contest`` if it is not one), at the fold's tree size."""
    return tally_seats(recap.legislative(contest), recap.size)


__all__ = ["REASONS", "ContestSeats", "DapilStatus", "contest_seats", "tally_seats"]
