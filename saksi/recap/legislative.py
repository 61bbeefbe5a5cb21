"""The fold of a legislative contest: totals per dapil and at every level, TPS status.

A :class:`LegislativeTally` is one legislative contest (DPR, DPD, DPRD Provinsi, DPRD
Kab/Kota) of a format v2 log, kept up to date entry by entry by
:class:`~saksi.recap.fold.Recap`, which authorizes every entry first (so the form in
force, the corrections' targets and the duplicates are exactly as at intake). It keeps:

- per TPS, what the PPWP fold keeps (:class:`~saksi.recap.state.TpsSlot`), compactly:
  the form in force as its values (:meth:`~saksi.election.legislative_forms.Ballot.fields`
  order, packed), the legislative rules it breaks, its corrections, its witness copies
  (a party's, or a DPD candidate's witness's), and so its status (received,
  inconsistent and held out, corrected; witness copies agree or dispute; flagged);
- per dapil, the sum of its TPS' dapil vectors (every party's A.1, each candidate's
  A.2 and B, or each DPD candidate's votes; the common numbers; the counters);
- per region (desa up to the nation), the sum of its TPS' region vectors (each
  party's A.1 and B, the common numbers, the counters): :mod:`saksi.recap.legislative_layout`.

When an entry changes what a TPS contributes, the difference is added to its dapil and
to its desa; the regions above the desa (kecamatan, kab/kota, province, nation) are
*rolled up* from the desa when next read: the entry marks its kecamatan stale, and a
read sums each stale kecamatan's desa afresh, then each kab/kota of those from its
kecamatan, and so on up (:meth:`LegislativeTally.settle`). An entry thus adds two
vectors instead of six, and a replay sums each region once at the end rather than once
per TPS below it. :meth:`recomputed` sums every TPS afresh (the property tests check
both agree after every entry, read at every step or only now and then).

Progress counts the TPS *expected* to vote in the contest: those of the region file
that get its ballot (:func:`~saksi.election.legislative.votes_in`) and lie in one of its
dapil (the contests file), per region and per dapil.

Extension points (docs/recap.md): :func:`screen` (the legislative screening flags),
:attr:`LegislativeTally.recaps` (the legislative D.Hasil, kept for their
reconciliation with :meth:`LegislativeTally.dapil_totals` over a region),
:meth:`LegislativeTally.take_touched` (what a publisher must rewrite).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import add
from typing import Any, Final

from saksi.election.authority import Authority
from saksi.election.codes import NASIONAL, Level, ancestors, level_of
from saksi.election.contests import ContestKind
from saksi.election.legislative import Contests, votes_in
from saksi.election.regions import Hierarchy
from saksi.election.rules import Violation
from saksi.election.statements import (
    CorrectionLegislatif,
    CSalinanLegislatif,
    DHasilLegislatif,
    DPDRecapTotals,
    LegislativeFormStatement,
    PartyRecapTotals,
)
from saksi.recap import legislative_screening
from saksi.recap.legislative_layout import (
    ContestLayout,
    DapilLayout,
    DapilTotals,
    RegionTotals,
    counters_of,
    dapil_totals,
    region_totals,
)
from saksi.recap.screening import Flag
from saksi.recap.state import (
    CopySlot,
    CorrectionRecord,
    Progress,
    TpsSlot,
    TpsState,
    differences,
    pack_values,
    slot_counters,
    tps_state,
)
from saksi.recap.totals import NO_COUNTERS, difference


def screen(
    layout: DapilLayout, values: Sequence[int], first: Sequence[int] | None
) -> tuple[Flag, ...]:
    """The screening flags of a legislative form in force (``first``: for a correction,
    the values of the TPS's first form, the KPPS c-hasil): a party or candidate above
    its voters, one party (DPD: candidate) at 100 % with high turnout, a share jumping
    at a correction (:mod:`saksi.recap.legislative_screening`). The fold keeps them in
    the TPS's slot, and a counted TPS with one is ``flagged``, as for PPWP."""
    return legislative_screening.screen(layout, values, first)


def first_values(
    fields: tuple[str, ...], now: Sequence[int], corrections: Sequence[CorrectionRecord]
) -> list[int]:
    """The values of a TPS's first form, from the form in force (``now``) and every
    correction since (each records the boxes it changed, before and after): undone
    from the last to the first."""
    values = list(now)
    at = {name: i for i, name in enumerate(fields)}
    for record in reversed(corrections):
        for change in record.changes:
            values[at[change.field]] = change.theirs
    return values


@dataclass(frozen=True, slots=True)
class DistrictRecap:
    """A legislative D.Hasil as logged: a recap body's totals for the part of one dapil
    that lies in its region."""

    index: int
    region: str
    level: str
    contest: str
    district: str
    key: str
    at: str
    totals: PartyRecapTotals | DPDRecapTotals


_DESA_LENGTH: Final = 10
_UP: Final = (4, 2, 0)
"""The code length of a kecamatan's parent, a kab/kota's, a province's (0: the nation,
:data:`~saksi.election.codes.NASIONAL`)."""


def _parent(code: str, length: int) -> str:
    return code[:length] if length else NASIONAL


def _sum(vectors: Iterator[Sequence[int]]) -> list[int]:
    """The element-wise sum of vectors of one width (at least one)."""
    return list(map(sum, zip(*vectors, strict=True)))


class LegislativeTally:
    """One legislative contest's totals, statuses and recaps, kept up to date entry by entry.

    A TPS is kept compact: the values of its form in force packed (:attr:`forms`,
    :meth:`DapilLayout.pack`: about 1.2 bytes a box), and only when it has any its
    broken rules, flags, corrections and witness copies (:attr:`extra`); its entry
    indices are the authority's (the form in force, the c-hasil). :meth:`slot` rebuilds
    the PPWP fold's record (:class:`~saksi.recap.state.TpsSlot`) from them, so the
    status, witness and history are computed by the same code as PPWP's."""

    def __init__(
        self, contest: str, hierarchy: Hierarchy, contests: Contests, authority: Authority
    ) -> None:
        self.contest = contest
        self.forms: dict[str, bytes] = {}
        """TPS -> the values of its form in force, packed."""
        self.extra: dict[str, TpsSlot] = {}
        """TPS -> its violations, flags, corrections and copies (values and indices unset),
        for the TPS that have any."""
        self.regions: dict[str, list[int] | array[int]] = {}
        """Region -> its vector: the desa's (64-bit arrays, a third of a list's memory:
        the 84,000 desa) kept up to date entry by entry, the levels above (lists) as of
        the last :meth:`settle`."""
        self.dapils: dict[str, list[int]] = {}
        self.recaps: dict[tuple[str, str], DistrictRecap] = {}
        """(region, dapil) -> its D.Hasil (one each, as the authorization allows)."""
        self.touched: set[str] = set()
        self.bind(hierarchy, contests, authority)

    def bind(self, hierarchy: Hierarchy, contests: Contests, authority: Authority) -> None:
        """Attach what the tally reads but does not own (after unpacking, too)."""
        self.hierarchy = hierarchy
        self.contests = contests
        self.authority = authority
        self.kind = ContestKind(self.contest)
        self.definition = contests.contest(self.kind)
        self.layout = ContestLayout(self.definition)
        self._expected: tuple[dict[str, int], dict[str, int]] | None = None
        self._within: dict[str, list[str]] = {}
        """Region above the desa -> its regions one level down that have a vector."""
        self._stale: set[str] = set()
        """The kecamatan whose vector (and so their ancestors') is out of date."""
        self._index_regions()

    OWN = ("contest", "forms", "extra", "regions", "dapils", "recaps", "touched")
    """The attributes that are the fold's state (what packing keeps)."""

    def slot(self, tps: str, dapil: DapilLayout | None = None) -> TpsSlot | None:
        """The TPS's record as the PPWP fold keeps one (None: nothing logged for it);
        ``dapil``: its dapil, if known."""
        data = self.forms.get(tps)
        extra = self.extra.get(tps)
        if data is None:
            return None if extra is None else TpsSlot(copies=extra.copies)
        head = self.authority.current_form(tps, self.contest)
        first = self.authority.original_form(tps, self.contest)
        assert head is not None and first is not None  # the fold follows the authority
        values = (dapil or self.dapil_of(tps)).unpack(data)
        if extra is None:
            return TpsSlot(first.index, head.index, values)
        return TpsSlot(
            first.index, head.index, values, extra.violations, extra.flags, extra.corrections,
            extra.copies,
        )  # fmt: skip

    def _keep(self, tps: str, slot: TpsSlot) -> None:
        """Keep what ``slot`` has beyond its form's values and indices, if anything."""
        if slot.violations or slot.flags or slot.corrections or slot.copies:
            self.extra[tps] = TpsSlot(
                violations=slot.violations, flags=slot.flags, corrections=slot.corrections,
                copies=slot.copies,
            )  # fmt: skip
        else:
            self.extra.pop(tps, None)

    # -- folding ---------------------------------------------------------------

    def on_form(
        self,
        stmt: LegislativeFormStatement,
        tps: str,
        key: str,
        index: int,
        found: tuple[Violation, ...] | None = None,
        *,
        values: tuple[int, ...] | None = None,
    ) -> None:
        """A c-hasil or correction (authorized: the authority's form in force is it
        already) is the TPS's form in force from now on; ``tps``: the statement's TPS
        code (the authority's string, shared); ``found``: its rules, if already checked;
        ``values``: its values in the dapil's order, if already read (with ``found``:
        a reading worker's, the statement then comes without its form)."""
        dapil = self.layout.dapils[stmt.district]
        slot = self.slot(tps, dapil)
        old = None if slot is None else self._vector(dapil, slot)
        before = None if slot is None else slot.values
        if values is None or found is None:
            values, found = dapil.read(stmt.form, found)
        corrections = () if slot is None else slot.corrections
        first_form = None
        if isinstance(stmt, CorrectionLegislatif):
            record = CorrectionRecord(
                index, stmt.corrects.index, key, stmt.at, stmt.reason,
                differences(dapil.form_fields, before if before is not None else values, values),
            )  # fmt: skip
            if before is not None:
                first_form = first_values(dapil.form_fields, before, corrections)
            corrections = (*corrections, record)
        first = self.authority.original_form(tps, self.contest)
        new = TpsSlot(
            first.index if first is not None else index, index, values, found,
            screen(dapil, values, first_form), corrections,
            () if slot is None else slot.copies,
        )  # fmt: skip
        self.forms[tps] = dapil.pack(values)
        self._keep(tps, new)
        self._refresh(tps, dapil, new, old)

    def on_copy(self, stmt: CSalinanLegislatif, key: str, index: int) -> None:
        """A witness's copy (authorized): compared with the form in force, now and later."""
        dapil = self.layout.dapils[stmt.district]
        tps = stmt.tps
        slot = self.slot(tps, dapil)
        old = None if slot is None else self._vector(dapil, slot)
        if slot is None:
            slot = TpsSlot()
        copy = CopySlot(
            index, key, stmt.party or "", stmt.at, pack_values(dapil.values(stmt.form)),
            stmt.candidate or "",
        )  # fmt: skip
        slot.copies = (*slot.copies, copy)
        self._keep(tps, slot)
        self._refresh(tps, dapil, slot, old)

    def on_recap(self, stmt: DHasilLegislatif, key: str, index: int) -> None:
        """A D.Hasil (authorized), kept for its region and dapil."""
        self.recaps[(stmt.region, stmt.district)] = DistrictRecap(
            index, stmt.region, stmt.level, stmt.contest, stmt.district, key, stmt.at,
            stmt.totals,
        )  # fmt: skip
        self.touched.add(stmt.region)

    def _refresh(self, tps: str, dapil: DapilLayout, slot: TpsSlot, old: list[int] | None) -> None:
        """Move the TPS's dapil and its desa by the change in what it contributes
        (``old``: before, None for a TPS new to the fold); its kecamatan is stale."""
        new = self._vector(dapil, slot)
        delta = new if old is None else difference(new, old)
        desa = tps[:_DESA_LENGTH]
        self.touched.add(desa)  # the smallest region a publisher writes
        if delta is None:
            return
        found = self.dapils.get(dapil.code)
        self.dapils[dapil.code] = list(delta) if found is None else list(map(add, found, delta))
        projected = dapil.project(delta)
        vector = self.regions.get(desa)
        if vector is None:
            self.regions[desa] = array("q", projected)
            self._index(desa)
        else:
            self.regions[desa] = array("q", map(add, vector, projected))
        self._stale.add(desa[:6])

    def _index(self, desa: str) -> None:
        """Record a desa new to :attr:`regions` under its kecamatan, and each region
        above it that is new too under its own parent."""
        child = desa
        for length in (6, *_UP):
            parent = _parent(child, length)
            kids = self._within.get(parent)
            if kids is not None:
                kids.append(child)
                return
            self._within[parent] = [child]
            child = parent

    def _index_regions(self) -> None:
        """:attr:`_within` from the desa in :attr:`regions` (on binding, after
        unpacking too), every kecamatan stale: the levels above are summed afresh."""
        for code in sorted(c for c in self.regions if len(c) == _DESA_LENGTH):
            self._index(code)
            self._stale.add(code[:6])

    def settle(self) -> None:
        """Bring every region above the desa up to date: each stale kecamatan summed
        afresh from its desa, then each kab/kota above one from its kecamatan, each
        province from its kab/kota and the nation from the provinces."""
        if not self._stale:
            return
        regions, within = self.regions, self._within
        stale: set[str] = self._stale
        for up in _UP:
            parents = set()
            for code in stale:
                regions[code] = _sum(regions[c] for c in within[code])
                parents.add(_parent(code, up))
            stale = parents
        regions[NASIONAL] = _sum(regions[c] for c in within[NASIONAL])
        self._stale = set()

    def tps_vector(self, dapil: DapilLayout, slot: TpsSlot) -> list[int]:
        """A TPS's dapil vector from its slot (``dapil``: its dapil's layout)."""
        return self._vector(dapil, slot)

    @staticmethod
    def _vector(dapil: DapilLayout, slot: TpsSlot) -> list[int]:
        """A TPS's dapil vector (a function of its slot, recomputed rather than kept)."""
        if slot.current is None:
            return dapil.vector(None, NO_COUNTERS)
        counted, counters = slot_counters(slot, dapil.form_fields)
        return dapil.vector(slot.values if counted else None, counters)

    # -- reading ---------------------------------------------------------------

    @property
    def districts(self) -> tuple[str, ...]:
        """The contest's dapil codes, in the contests file's order."""
        return tuple(self.layout.dapils)

    def dapil(self, code: str) -> DapilLayout:
        """A dapil's layout (ContestError ``contest.unknown-district`` if none)."""
        found = self.layout.dapils.get(code)
        if found is None:
            self.definition.district(code)  # raises contest.unknown-district
            raise AssertionError(code)  # pragma: no cover
        return found

    def dapil_of(self, tps: str) -> DapilLayout:
        """The dapil a TPS votes in (ContestError ``contest.no-district`` if it does not
        vote in this contest)."""
        return self.layout.dapils[self.contests.district_of(self.kind, tps).code]

    def vector(self, region: str) -> list[int]:
        """A region's (or TPS's) region vector: party A.1 and B, common numbers, counters."""
        self.hierarchy.require(region)
        if level_of(region) is Level.TPS:
            if region not in self.forms and region not in self.extra:
                return self.layout.zero()
            dapil = self.dapil_of(region)
            slot = self.slot(region, dapil)
            assert slot is not None
            return dapil.region_vector(self._vector(dapil, slot))
        if len(region) < _DESA_LENGTH:
            self.settle()
        found = self.regions.get(region)
        return list(found) if found is not None else self.layout.zero()

    def totals(self, region: str) -> RegionTotals:
        """The contest's totals over the counted TPS within ``region`` (or of one TPS)."""
        return region_totals(self.layout, self.vector(region))

    def counters(self, region: str) -> dict[str, int]:
        """How many TPS within ``region`` are received, counted, inconsistent, ..."""
        return counters_of(self.vector(region))

    def progress(self, region: str) -> Progress:
        """TPS expected (voting in this contest), received and counted within ``region``."""
        counters = self.counters(region)
        return Progress(self.expected(region), counters["received"], counters["counted"])

    def dapil_vector(self, code: str) -> list[int]:
        layout = self.dapil(code)
        found = self.dapils.get(code)
        return list(found) if found is not None else [0] * layout.width

    def dapil_totals(self, code: str) -> DapilTotals:
        """The dapil's totals over its counted TPS: party and candidate votes, common numbers."""
        return dapil_totals(self.dapil(code), self.dapil_vector(code))

    def dapil_counters(self, code: str) -> dict[str, int]:
        return counters_of(self.dapil_vector(code))

    def dapil_progress(self, code: str) -> Progress:
        counters = self.dapil_counters(code)
        return Progress(self.dapil_expected(code), counters["received"], counters["counted"])

    def expected(self, region: str) -> int:
        """TPS within ``region`` that vote in this contest (a TPS: 1 or 0)."""
        self.hierarchy.require(region)
        if level_of(region) is Level.TPS:
            placed = len(self.contests.districts_of(self.kind, region)) == 1
            return int(placed and votes_in(self.kind, region))
        return self._expected_counts()[0].get(region, 0)

    def dapil_expected(self, code: str) -> int:
        self.dapil(code)
        return self._expected_counts()[1].get(code, 0)

    def _expected_counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Per region and per dapil, the TPS that vote in this contest: every desa's TPS
        share its dapil (a dapil's units are never finer than a desa), so one lookup a
        desa; counted once, when first asked."""
        if self._expected is None:
            regions: dict[str, int] = {}
            dapils: dict[str, int] = {}
            for desa in self.hierarchy.codes(Level.DESA):
                tps = f"{desa}000"
                found = self.contests.districts_of(self.kind, tps)
                count = self.hierarchy.tps_count(desa)
                if len(found) != 1 or not votes_in(self.kind, tps) or not count:
                    continue
                dapils[found[0]] = dapils.get(found[0], 0) + count
                for code in (*ancestors(desa), desa):
                    regions[code] = regions.get(code, 0) + count
            self._expected = (regions, dapils)
        return self._expected

    def tps(self, code: str) -> TpsState:
        """Everything about one TPS (status ``missing`` if nothing is logged for it);
        ContestError ``contest.no-district`` for a TPS that does not vote in the contest."""
        self.hierarchy.require_tps(code)
        dapil = self.dapil_of(code)
        return tps_state(code, self.contest, self.slot(code, dapil), dapil.form_fields)

    def logged_tps(self, within: str = NASIONAL) -> Iterator[TpsState]:
        """Every TPS within ``within`` that has anything logged, in code order."""
        for code in sorted(c for c in self.logged if within == NASIONAL or c.startswith(within)):
            dapil = self.dapil_of(code)
            yield tps_state(code, self.contest, self.slot(code, dapil), dapil.form_fields)

    @property
    def logged(self) -> set[str]:
        """Every TPS with anything logged for this contest (a form, or a copy)."""
        return self.forms.keys() | self.extra.keys()

    def recap_records(self) -> tuple[DistrictRecap, ...]:
        """Every logged D.Hasil of the contest, by region then dapil."""
        return tuple(self.recaps[k] for k in sorted(self.recaps))

    def take_touched(self) -> set[str]:
        """The desa of every TPS changed, and every region with a new D.Hasil, since the
        last call (what a publisher of this contest rewrites, with their ancestors)."""
        touched, self.touched = self.touched, set()
        return touched

    # -- checking ---------------------------------------------------------------

    def recomputed(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """Every region's and every dapil's vector summed afresh from the TPS (the check
        of the incremental sums)."""
        regions: dict[str, list[int]] = {}
        dapils: dict[str, list[int]] = {}
        for tps in self.logged:
            dapil = self.dapil_of(tps)
            slot = self.slot(tps, dapil)
            assert slot is not None
            vector = self._vector(dapil, slot)
            _sum_into(dapils, dapil.code, vector)
            projected = dapil.region_vector(vector)
            for code in ancestors(tps):
                _sum_into(regions, code, projected)
        return _nonzero(regions), _nonzero(dapils)

    def region_vectors(self) -> dict[str, list[int]]:
        """A copy of the incremental sums per region (regions with nothing left out)."""
        self.settle()
        return _nonzero(self.regions)

    def dapil_vectors(self) -> dict[str, list[int]]:
        """A copy of the incremental sums per dapil (dapil with nothing left out)."""
        return _nonzero(self.dapils)


def _sum_into(store: dict[str, list[int]], code: str, vector: Sequence[int]) -> None:
    found = store.get(code)
    store[code] = list(vector) if found is None else list(map(add, found, vector))


def _nonzero(store: dict[str, Any]) -> dict[str, list[int]]:
    return {code: list(v) for code, v in store.items() if any(v)}


__all__ = ["DistrictRecap", "LegislativeTally", "first_values", "screen"]
