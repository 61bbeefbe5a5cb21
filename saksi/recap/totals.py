"""What is added up: the totals of one contest over a set of TPS, and the TPS counts.

A counted form contributes one *vector* of integers to every region above its TPS:
the pairs' votes, then the fields of Model D.Hasil's totals, then ``jumlah_tps`` (1).
Beside the totals, every TPS contributes to the status counters of its regions
(received, counted, inconsistent, corrected, ...). A region's numbers are the sum of
its TPS' vectors, so a change at one TPS moves every region above it by exactly the
difference (:func:`difference`), which is what makes the fold incremental.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import add, itemgetter
from typing import Any, Final

from saksi.election.codes import NASIONAL, ancestors
from saksi.election.forms import CHasilPPWP, form_fields, vote_field

TOTAL_FIELDS: Final = (
    "suara_sah",
    "suara_tidak_sah",
    "suara_total",
    "pengguna_total_j",
    "pemilih_dpt_j",
)
"""The form's boxes added up beside the pairs' votes (those of Model D.Hasil)."""

STATUS_COUNTERS: Final = (
    "received",  # the TPS has a c-hasil for the contest
    "counted",  # its form in force is in the totals
    "inconsistent",  # its form in force breaks an impossibility rule: kept out
    "corrected",  # its form in force is a correction
    "witness_agree",  # every witness copy equals the form in force
    "witness_dispute",  # at least one witness copy differs from it
    "flagged",  # counted, with a screening flag or a suspicious rule
)
"""TPS counters kept for every region, beside the totals."""
NO_COUNTERS: Final = (0,) * len(STATUS_COUNTERS)
"""The counters of a TPS with no form in force (a witness copy may have come first)."""


def above(tps: str) -> tuple[str, ...]:
    """:func:`~saksi.election.codes.ancestors` of a TPS code (13 digits, as the schema
    has checked), by slicing: the five regions a TPS's vector is added to."""
    if len(tps) == 13:
        return (NASIONAL, tps[:2], tps[:4], tps[:6], tps[:10])
    return ancestors(tps)


class Layout:
    """Where each number sits in a contest's vectors, and how a form fills them."""

    __slots__ = ("_after", "_before", "_positions", "_take", "form_fields", "pairs")

    def __init__(self, pairs: tuple[str, ...]) -> None:
        self.pairs = pairs
        self.form_fields: tuple[str, ...] = form_fields(pairs)
        wanted = (*(vote_field(p) for p in pairs), *TOTAL_FIELDS)
        self._positions = tuple(self.form_fields.index(name) for name in wanted)
        self._take = itemgetter(*self._positions)
        votes = {vote_field(p) for p in pairs}
        first = min((self.form_fields.index(v) for v in votes), default=len(self.form_fields))
        self._before = _getter_of(self.form_fields[:first])
        self._after = _getter_of(self.form_fields[first + len(pairs) :])

    @property
    def width(self) -> int:
        return len(self.pairs) + len(TOTAL_FIELDS) + 1 + len(STATUS_COUNTERS)

    @property
    def fields(self) -> tuple[str, ...]:
        """The name of every position: ``suara_paslon_01``.., totals, ``jumlah_tps``, counters."""
        votes = tuple(vote_field(p) for p in self.pairs)
        return (*votes, *TOTAL_FIELDS, "jumlah_tps", *STATUS_COUNTERS)

    def zero(self) -> list[int]:
        return [0] * self.width

    def values(self, form: CHasilPPWP) -> tuple[int, ...]:
        """The form's numbers in :attr:`form_fields` order (photos left out)."""
        # the boxes before and after the pairs' votes, read from the model's fields at
        # once (a frozen pydantic model keeps them in __dict__), the votes in between
        fields = form.__dict__
        votes = form.suara_paslon
        return (
            *self._before(fields),
            *[votes.get(p, 0) for p in self.pairs],
            *self._after(fields),
        )

    def vector(self, values: Sequence[int] | None, counters: Sequence[int]) -> list[int]:
        """A TPS's contribution: its counted form's totals (None: not counted), then
        ``jumlah_tps`` and the status counters (0 or 1 each, STATUS_COUNTERS order)."""
        if values is None:
            return [0] * (len(self._positions) + 1) + list(counters)
        return [*self._take(values), 1, *counters]  # positions: pairs + 5 totals, never 1

    def counter(self, name: str) -> int:
        """The position of a status counter."""
        return len(self.pairs) + len(TOTAL_FIELDS) + 1 + STATUS_COUNTERS.index(name)

    def totals(self, vector: Sequence[int]) -> Totals:
        n = len(self.pairs)
        return Totals(
            suara_paslon=dict(zip(self.pairs, vector[:n], strict=True)),
            suara_sah=vector[n],
            suara_tidak_sah=vector[n + 1],
            suara_total=vector[n + 2],
            pengguna_total_j=vector[n + 3],
            pemilih_dpt_j=vector[n + 4],
            jumlah_tps=vector[n + 5],
        )

    def counters(self, vector: Sequence[int]) -> dict[str, int]:
        start = len(self.pairs) + len(TOTAL_FIELDS) + 1
        return dict(zip(STATUS_COUNTERS, vector[start:], strict=True))


def _getter_of(names: tuple[str, ...]) -> Callable[[Mapping[str, int]], tuple[int, ...]]:
    """``names``' values out of a model's field dict, as a tuple (possibly empty)."""
    if not names:
        return lambda _fields: ()
    if len(names) == 1:
        name = names[0]
        return lambda fields: (fields[name],)
    take: Callable[[Mapping[str, int]], tuple[int, ...]] = itemgetter(*names)
    return take


@dataclass(frozen=True, slots=True)
class Totals:
    """One contest's totals over a set of counted TPS (the fields of Model D.Hasil)."""

    suara_paslon: Mapping[str, int]
    suara_sah: int
    suara_tidak_sah: int
    suara_total: int
    pengguna_total_j: int
    pemilih_dpt_j: int
    jumlah_tps: int

    def flat(self) -> dict[str, int]:
        """Field name -> number, pairs as ``suara_paslon_01``, in D.Hasil order."""
        out = {f"suara_paslon_{p}": v for p, v in sorted(self.suara_paslon.items())}
        out.update(
            suara_sah=self.suara_sah,
            suara_tidak_sah=self.suara_tidak_sah,
            suara_total=self.suara_total,
            pengguna_total_j=self.pengguna_total_j,
            pemilih_dpt_j=self.pemilih_dpt_j,
            jumlah_tps=self.jumlah_tps,
        )
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (that of a ``d-hasil`` statement's ``totals``)."""
        return {
            "suara_paslon": dict(sorted(self.suara_paslon.items())),
            "suara_sah": self.suara_sah,
            "suara_tidak_sah": self.suara_tidak_sah,
            "suara_total": self.suara_total,
            "pengguna_total_j": self.pengguna_total_j,
            "pemilih_dpt_j": self.pemilih_dpt_j,
            "jumlah_tps": self.jumlah_tps,
        }

    def share(self, pair: str) -> float | None:
        """A pair's share of the valid votes (None while there are none)."""
        valid = sum(self.suara_paslon.values())
        return self.suara_paslon.get(pair, 0) / valid if valid else None


def difference(new: Sequence[int], old: Sequence[int]) -> list[int] | None:
    """``new - old`` position by position; None when they are equal (nothing to add)."""
    if new == old:
        return None
    return [a - b for a, b in zip(new, old, strict=True)]


def add_into(target: list[int], delta: Sequence[int]) -> None:
    """``target += delta``, position by position, in place."""
    target[:] = map(add, target, delta)


__all__ = [
    "NO_COUNTERS",
    "STATUS_COUNTERS",
    "TOTAL_FIELDS",
    "Layout",
    "Totals",
    "above",
    "add_into",
    "difference",
]
