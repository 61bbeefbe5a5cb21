"""What a legislative contest adds up, and where each number sits in its vectors.

A legislative form (C.Hasil-DPR, -DPRD Provinsi, -DPRD Kab/Kota, -DPD) is read as its
values in :meth:`~saksi.election.legislative_forms.Ballot.fields` order: sections I-III,
then the votes (per party on the dapil's ballot: A.1 ``suara_partai_P``, A.2
``suara_caleg_P_N`` per candidate, B ``suara_sah_partai_P``; or per DPD candidate
``suara_calon_N``), then V.A, V.B, V.C. A counted form contributes two vectors:

- to its **dapil** (:class:`DapilLayout`): every vote box of the ballot, then the
  common numbers :data:`~saksi.recap.totals.TOTAL_FIELDS` (``suara_sah``,
  ``suara_tidak_sah``, ``suara_total``, ``pengguna_total_j``, ``pemilih_dpt_j``), then
  ``jumlah_tps`` (1), then the status counters
  (:data:`~saksi.recap.totals.STATUS_COUNTERS`);
- to every **region** above its TPS (:class:`ContestLayout`): per party of the
  contest (every party on any of its ballots, by ballot number) A.1 and B, then the
  same common numbers, ``jumlah_tps`` and counters. A candidate's votes are summed
  per dapil only: a candidate stands in one dapil, and a region may straddle several.

A TPS that is not counted (no form, or its form in force breaks an impossibility
rule) contributes zeros but for its status counters, as for PPWP. The region vector is
a projection of the dapil vector (:meth:`DapilLayout.region_vector`), so a change at
one TPS moves its dapil and each region above it by the projections of one difference.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from struct import Struct
from struct import error as struct_error
from sys import intern
from typing import Any, Final

from saksi.election.forms import SECTION_V, FormReading
from saksi.election.legislative import LegislativeContest
from saksi.election.legislative_forms import (
    Ballot,
    CHasilDPD,
    CHasilPartai,
    check_reading,
    values_pass,
)
from saksi.election.rules import Violation
from saksi.recap.totals import STATUS_COUNTERS, TOTAL_FIELDS

TAIL: Final = (*TOTAL_FIELDS, "jumlah_tps", *STATUS_COUNTERS)
"""The end of every legislative vector: the common numbers, ``jumlah_tps``, the counters."""

_HEAD_WIDTH: Final = len(Ballot().fields()) - len(SECTION_V)
"""Sections I-III: the boxes before the votes on every legislative form."""

LegislativeForm = CHasilPartai | CHasilDPD


def _getter(positions: Sequence[Any]) -> Callable[[Any], tuple[int, ...]]:
    """``itemgetter`` that always returns a tuple (even of one position; none: empty)."""
    if not positions:
        return lambda values: ()
    if len(positions) == 1:
        only = positions[0]
        return lambda values: (values[only],)
    take: Callable[[Any], tuple[int, ...]] = itemgetter(*positions)
    return take


class DapilLayout:
    """One dapil: its ballot, its form's boxes, and its dapil vector."""

    __slots__ = (
        "_calon",
        "_head",
        "_keys",
        "_narrow",
        "_region",
        "_sizes",
        "_tail",
        "_take",
        "_wide",
        "ballot",
        "code",
        "fields",
        "form_fields",
        "passes",
        "seats",
        "vote_fields",
    )

    def __init__(
        self, code: str, seats: int, ballot: Ballot, region_parties: tuple[str, ...] = ()
    ) -> None:
        self.code = code
        self.seats = seats
        self.ballot = ballot
        self.form_fields: tuple[str, ...] = self.ballot.fields()
        self.vote_fields: tuple[str, ...] = self.form_fields[_HEAD_WIDTH : -len(SECTION_V)]
        self.fields: tuple[str, ...] = (*self.vote_fields, *TAIL)
        """The name of every position of the dapil vector."""
        totals = [self.form_fields.index(f) for f in TOTAL_FIELDS]
        self._take = _getter([*range(_HEAD_WIDTH, _HEAD_WIDTH + len(self.vote_fields)), *totals])
        self.passes = values_pass(self.ballot)
        self._keys = tuple(
            (p, _getter(tuple(intern(str(n)) for n in numbers)))
            for p, numbers in self.ballot.parties
        )  # a party's candidates' votes read by one call each
        self._sizes = tuple(len(numbers) for _, numbers in self.ballot.parties)
        self._calon = tuple(map(str, self.ballot.candidates))
        self._head = itemgetter(*self.form_fields[:_HEAD_WIDTH])
        self._tail = itemgetter(*SECTION_V)
        sections, votes = _HEAD_WIDTH + len(SECTION_V), len(self.vote_fields)
        self._narrow = Struct(f"<{_HEAD_WIDTH}H{votes}B{len(SECTION_V)}H")
        self._wide = Struct(f"<{sections + votes}H")
        assert votes, "a dapil's ballot has a vote box"  # so the two sizes differ
        # the region vector from the dapil vector padded with one 0 (a party not on
        # this ballot reads that 0)
        index = {name: i for i, name in enumerate(self.fields)}
        pad = len(self.fields)
        wanted = [
            index.get(f"{box}_{party}", pad)
            for party in region_parties
            for box in ("suara_partai", "suara_sah_partai")
        ]
        self._region = _getter([*wanted, *range(len(self.vote_fields), pad)])

    @property
    def width(self) -> int:
        return len(self.fields)

    def read(
        self, form: LegislativeForm, violations: tuple[Violation, ...] | None = None
    ) -> tuple[tuple[int, ...], tuple[Violation, ...]]:
        """The form's values (:attr:`form_fields` order) and the rules it breaks
        (``violations`` if already known). The form carries exactly this dapil's ballot
        (the authorization checked it), so the rules are
        :func:`~saksi.election.legislative_forms.check_form`'s: a form that breaks none
        is answered by the compiled predicate, any other by the reference path."""
        values = self.values(form)
        return values, self.violations_of(values) if violations is None else violations

    def violations_of(self, values: tuple[int, ...]) -> tuple[Violation, ...]:
        """The rules a form of these values breaks (see :meth:`read`)."""
        return () if self.passes(values) else check_reading(self.reading(values), self.ballot)

    def values(self, form: LegislativeForm) -> tuple[int, ...]:
        """The form's values in :attr:`form_fields` order (that of its
        :meth:`~CHasilPartai.reading`), read box by box in this dapil's ballot order
        rather than sorted from the form: the form must carry this ballot."""
        fields = form.__dict__  # a frozen model keeps its fields there
        votes: list[int] = []
        if isinstance(form, CHasilPartai):
            partai = form.partai
            for party, candidates in self._keys:
                own = partai[party]
                votes.append(own.suara_partai)
                votes += candidates(own.suara_caleg)
                votes.append(own.suara_sah_partai)
        else:
            calon = form.suara_calon
            votes += [calon[n] for n in self._calon]
        return (*self._head(fields), *votes, *self._tail(fields))

    def carried_values(self, form: LegislativeForm) -> tuple[int, ...] | None:
        """:meth:`values` if the form carries exactly this dapil's ballot (its parties,
        each with its candidates, or its DPD candidates: none missing, none more), else
        None: what :func:`~saksi.election.legislative_forms.check_ballot` accepts, read
        in the same walk (every key of the ballot found, and as many keys as it has)."""
        try:
            if isinstance(form, CHasilPartai):
                partai = form.partai
                if len(partai) != len(self._keys):
                    return None
                for (party, _), size in zip(self._keys, self._sizes, strict=True):
                    if len(partai[party].suara_caleg) != size:
                        return None
            elif self._keys or len(form.suara_calon) != len(self._calon):
                return None
            return self.values(form)
        except KeyError:
            return None

    def pack(self, values: Sequence[int]) -> bytes:
        """``values`` as bytes: the boxes of sections I-III and V in two bytes each, the
        vote boxes in one each when they all fit (at a TPS they nearly always do), else
        every box in two; :meth:`unpack` tells them apart by their length."""
        try:
            return self._narrow.pack(*values)
        except struct_error:
            return self._wide.pack(*values)

    def unpack(self, data: bytes) -> tuple[int, ...]:
        """The values :meth:`pack` packed."""
        found: tuple[int, ...] = (
            self._narrow if len(data) == self._narrow.size else self._wide
        ).unpack(data)
        return found

    def reading(self, values: Sequence[int]) -> FormReading:
        """``values`` as a flat reading (box name -> number), as the rules read it."""
        return dict(zip(self.form_fields, values, strict=True))

    def vector(self, values: Sequence[int] | None, counters: Sequence[int]) -> list[int]:
        """A TPS's contribution to its dapil: its counted form's votes and totals (None:
        not counted), then ``jumlah_tps`` and the status counters."""
        if values is None:
            return [0] * (len(self.fields) - len(STATUS_COUNTERS)) + list(counters)
        return [*self._take(values), 1, *counters]

    def region_vector(self, dapil_vector: Sequence[int]) -> list[int]:
        """The projection of a dapil vector (or a difference of two) on the region vector."""
        return list(self.project(dapil_vector))

    def project(self, dapil_vector: Sequence[int]) -> tuple[int, ...]:
        """:meth:`region_vector` as a tuple (the fold adds it and keeps no list)."""
        projected: tuple[int, ...] = self._region((*dapil_vector, 0))
        return projected


class ContestLayout:
    """A legislative contest's region vector, and the layout of each of its dapil."""

    __slots__ = ("dapils", "fields", "kind", "parties")

    def __init__(self, contest: LegislativeContest) -> None:
        self.kind = contest.kind.value
        numbers = {p.party for d in contest.districts for p in d.lists}
        self.parties: tuple[str, ...] = tuple(sorted(numbers, key=int))
        """Every party on a ballot of the contest, by ballot number (none for DPD)."""
        self.fields: tuple[str, ...] = (
            *(f"{box}_{p}" for p in self.parties for box in ("suara_partai", "suara_sah_partai")),
            *TAIL,
        )
        """The name of every position of the region vector."""
        self.dapils = {
            d.code: DapilLayout(d.code, d.seats, Ballot.of(d), self.parties)
            for d in contest.districts
        }

    @property
    def width(self) -> int:
        return len(self.fields)

    def zero(self) -> list[int]:
        return [0] * len(self.fields)


# ---- what the vectors say -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Common:
    """The numbers every legislative form has, summed over the counted TPS."""

    suara_sah: int
    suara_tidak_sah: int
    suara_total: int
    pengguna_total_j: int
    pemilih_dpt_j: int
    jumlah_tps: int

    @classmethod
    def of(cls, tail: Sequence[int]) -> Common:
        return cls(*tail[: len(TOTAL_FIELDS) + 1])

    def to_dict(self) -> dict[str, int]:
        return {
            "suara_sah": self.suara_sah,
            "suara_tidak_sah": self.suara_tidak_sah,
            "suara_total": self.suara_total,
            "pengguna_total_j": self.pengguna_total_j,
            "pemilih_dpt_j": self.pemilih_dpt_j,
            "jumlah_tps": self.jumlah_tps,
        }


@dataclass(frozen=True, slots=True)
class PartySums:
    """A party's A.1 and B summed over a region."""

    suara_partai: int
    suara_sah_partai: int

    def to_dict(self) -> dict[str, int]:
        return {"suara_partai": self.suara_partai, "suara_sah_partai": self.suara_sah_partai}


@dataclass(frozen=True, slots=True)
class RegionTotals:
    """A legislative contest's totals over the counted TPS within a region: each party's
    A.1 and B (every party of the contest; none for DPD) and the common numbers."""

    partai: Mapping[str, PartySums]
    common: Common

    def to_dict(self) -> dict[str, Any]:
        """``{"partai": {P: {"suara_partai", "suara_sah_partai"}}, "suara_sah", ...,
        "jumlah_tps"}`` (``partai`` absent for DPD)."""
        out: dict[str, Any] = {}
        if self.partai:
            out["partai"] = {p: s.to_dict() for p, s in self.partai.items()}
        return {**out, **self.common.to_dict()}


def region_totals(layout: ContestLayout, vector: Sequence[int]) -> RegionTotals:
    n = len(layout.parties)
    partai = {p: PartySums(vector[2 * i], vector[2 * i + 1]) for i, p in enumerate(layout.parties)}
    return RegionTotals(partai, Common.of(vector[2 * n :]))


@dataclass(frozen=True, slots=True)
class PartyDapilTotals:
    """A party's votes in a dapil: A.1, A.2 per candidate (ballot number), B."""

    suara_partai: int
    suara_caleg: Mapping[str, int]
    suara_sah_partai: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "suara_partai": self.suara_partai,
            "suara_caleg": dict(self.suara_caleg),
            "suara_sah_partai": self.suara_sah_partai,
        }


@dataclass(frozen=True, slots=True)
class DapilTotals:
    """A dapil's totals over its counted TPS: per party on its ballot A.1, A.2 and B
    (party contests), or per candidate its votes (DPD), and the common numbers."""

    dapil: str
    partai: Mapping[str, PartyDapilTotals]
    suara_calon: Mapping[str, int]
    common: Common

    def to_dict(self) -> dict[str, Any]:
        """The shape of a legislative D.Hasil's ``totals`` (docs/format.md): ``partai``
        (party contests) or ``suara_calon`` (DPD), then the common numbers."""
        votes: dict[str, Any] = (
            {"partai": {p: t.to_dict() for p, t in self.partai.items()}}
            if self.partai
            else {"suara_calon": dict(self.suara_calon)}
        )
        return {**votes, **self.common.to_dict()}


def dapil_totals(layout: DapilLayout, vector: Sequence[int]) -> DapilTotals:
    n = len(layout.vote_fields)
    at = 0
    partai: dict[str, PartyDapilTotals] = {}
    for party, numbers in layout.ballot.parties:
        caleg = {str(k): vector[at + 1 + i] for i, k in enumerate(numbers)}
        partai[party] = PartyDapilTotals(vector[at], caleg, vector[at + 1 + len(numbers)])
        at += len(numbers) + 2
    calon = {str(k): vector[i] for i, k in enumerate(layout.ballot.candidates)}
    return DapilTotals(layout.code, partai, calon, Common.of(vector[n:]))


def counters_of(vector: Sequence[int]) -> dict[str, int]:
    """The status counters at the end of a legislative vector."""
    return dict(zip(STATUS_COUNTERS, vector[-len(STATUS_COUNTERS) :], strict=True))


__all__ = [
    "TAIL",
    "Common",
    "ContestLayout",
    "DapilLayout",
    "DapilTotals",
    "LegislativeForm",
    "PartyDapilTotals",
    "PartySums",
    "RegionTotals",
    "counters_of",
    "dapil_totals",
    "region_totals",
]
