"""The fold: a log's entries -> totals at every level, TPS status, recaps.

:class:`Recap` reads entries in log order, one at a time (:meth:`Recap.apply_entry`),
and keeps, for every contest:

- per TPS, the form in force, its rules and flags, its witness copies and its
  corrections (:class:`~saksi.recap.state.TpsSlot`), and the *vector* that TPS
  contributes (:mod:`saksi.recap.totals`);
- per region (desa up to the nation), the sum of its TPS' vectors.

When an entry changes what a TPS contributes, the difference is added to each of
the five regions above it: the cost of an entry is proportional to the depth of
the hierarchy, never to the size of the log. :meth:`Recap.recomputed` sums every
TPS afresh; the property tests check that it always equals the incremental sums.

Authorization is replayed with the same :class:`~saksi.election.authority.Authority`
the service uses, so "which form is in force" means exactly what it meant at
intake; an entry the authority refuses stops the fold with ``recap.unauthorized-entry``
(a log that holds one has been tampered with: ``saksi verify`` says more).

A log of format v2 also records the legislative contests (DPR, DPD, DPRD Provinsi,
DPRD Kab/Kota), whose ballots are in the contests file the manifest names. Their
entries are authorized and replayed in log order like every other, then folded by one
:class:`~saksi.recap.legislative.LegislativeTally` per contest (:meth:`Recap.legislative`):
totals per party, candidate and dapil, and per party at every level; each TPS's status
with the same records (:class:`~saksi.recap.state.TpsSlot`) as PPWP. They move no PPWP
number; :attr:`Recap.contests` stays the contests totalled per pair (PPWP).
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from operator import add
from typing import Any, Final

from saksi.election.authority import Authority
from saksi.election.codes import NASIONAL, Level, ancestors, level_of
from saksi.election.envelope import Envelope
from saksi.election.forms import CHasilPPWP
from saksi.election.legislative import Contests
from saksi.election.regions import Hierarchy
from saksi.election.rules import Violation, check_values
from saksi.election.statements import (
    CHasil,
    Correction,
    CSalinan,
    CSalinanLegislatif,
    DHasil,
    DHasilLegislatif,
    LegislativeFormStatement,
    Manifest,
)
from saksi.errors import ContestError, RecapError, SaksiError
from saksi.recap import packing
from saksi.recap.entries import (
    Prepared,
    ReaderSetup,
    envelope_of,
    read_chunk,
    read_entry,
    set_up_reader,
)
from saksi.recap.legislative import LegislativeTally
from saksi.recap.screening import COUNTED_FIELDS, counts, raises_any, screen
from saksi.recap.state import (
    CopySlot,
    CorrectionRecord,
    Progress,
    RecapRecord,
    TpsSlot,
    TpsState,
    differences,
    pack_values,
    slot_counters,
    tps_state,
)
from saksi.recap.totals import NO_COUNTERS, Layout, Totals, above, add_into, difference

_CHUNK: Final = 1000  # entries per task of a reading worker
_AHEAD: Final = 6  # chunks a worker may be ahead of the fold (a shared machine stalls both in turn)


def _screen_filter(layout: Layout) -> Callable[[CHasilPPWP, tuple[int, ...]], bool]:
    """Whether :func:`screen` raises a flag on the form (whose ``values`` are in the
    layout's order): the screening table's own conditions, on counts read from
    ``values``; True sends the form to :func:`screen` for its messages."""
    voters, votes, dpt, dptb, dpk = (layout.form_fields.index(f) for f in COUNTED_FIELDS)

    def may_flag(form: CHasilPPWP, values: tuple[int, ...]) -> bool:
        found = counts(
            values[voters],
            values[votes],
            values[dpt],
            values[dptb],
            values[dpk],
            pair_votes=form.suara_paslon.values(),
        )
        return raises_any(found)

    return may_flag


def contests_required(digest: str) -> RecapError:
    """The manifest names a contests file and none was given to fold the log with."""
    return RecapError(
        code="recap.contests-required",
        en=(
            f"the log's manifest records legislative contests in the contests file {digest}: "
            "fold with that file (--contests FILE; saksi serve keeps it as "
            "DATA/contests.json.gz, and the results publish it as contests/<digest>.json)"
        ),
        id=(
            f"manifest log mencatat pemilihan legislatif dalam berkas pemilihan {digest}: "
            "gunakan berkas itu (--contests BERKAS; saksi serve menyimpannya sebagai "
            "DATA/contests.json.gz, dan hasil menerbitkannya sebagai contests/<digest>.json)"
        ),
        expected=digest,
    )


def contests_mismatch(expected: str, found: str, file: str | None = None) -> RecapError:
    """The contests file given is not the one the manifest names."""
    where_en = f" ({file})" if file else ""
    return RecapError(
        code="recap.contests-mismatch",
        en=(
            f"the contests file{where_en} has digest {found}, but the log's manifest names "
            f"{expected}: fold with the manifest's contests file"
        ),
        id=(
            f"berkas pemilihan{where_en} memiliki digest {found}, padahal manifest log "
            f"menyebut {expected}: gunakan berkas pemilihan manifest"
        ),
        expected=expected,
        found=found,
        **({"file": file} if file else {}),
    )


def _unauthorized(index: int, exc: SaksiError) -> RecapError:
    return RecapError(
        code="recap.unauthorized-entry",
        en=f"log entry {index} would not have been accepted: {exc.message_en}",
        id=f"entri log {index} seharusnya tidak diterima: {exc.message_id}",
        index=index,
        cause=exc.code,
    )


class Recap:
    """The totals, statuses and recaps of one election's log, kept up to date entry by entry."""

    def __init__(
        self, hierarchy: Hierarchy, manifest: Envelope, contests: Contests | None = None
    ) -> None:
        """``contests``: the contests file the manifest names (format v2; a manifest
        that names none ignores it): ``recap.contests-required`` without it,
        ``recap.contests-mismatch`` for another file."""
        named = manifest.stmt.contests_digest if isinstance(manifest.stmt, Manifest) else None
        if named is not None and contests is None:
            raise contests_required(named)
        try:
            self._authority = Authority.from_manifest(
                manifest, region_exists=hierarchy.exists, contests=contests
            )
        except ContestError as exc:
            if named is None or contests is None or exc.code != "contest.file-mismatch":
                raise _unauthorized(0, exc) from None
            raise contests_mismatch(named, str(exc.details.get("found", ""))) from None
        except SaksiError as exc:
            raise _unauthorized(0, exc) from None
        stmt = manifest.stmt
        assert isinstance(stmt, Manifest)  # from_manifest refuses anything else
        if stmt.regions_digest != hierarchy.digest():
            raise RecapError(
                code="recap.regions-mismatch",
                en=(
                    f"the region hierarchy has digest {hierarchy.digest()}, but the log's manifest "
                    f"names {stmt.regions_digest}: fold with the manifest's region file"
                ),
                id=(
                    f"hierarki wilayah memiliki digest {hierarchy.digest()}, padahal manifest log "
                    f"menyebut {stmt.regions_digest}: gunakan berkas wilayah manifest"
                ),
                expected=stmt.regions_digest,
                found=hierarchy.digest(),
            )
        self.hierarchy = hierarchy
        self.manifest = stmt
        self.manifest_entry = manifest
        # the contests totalled per pair (PPWP; a legislative contest's ballot is the
        # contests file's, and its tally is below)
        self.layouts = {
            c.kind.value: Layout(c.pair_numbers()) for c in stmt.contests if not c.legislative
        }
        self._regions: dict[str, dict[str, list[int]]] = {k: {} for k in self.layouts}
        self._slots: dict[str, dict[str, TpsSlot]] = {k: {} for k in self.layouts}
        self._recaps: dict[str, dict[str, RecapRecord]] = {k: {} for k in self.layouts}
        self._touched: set[str] = set()
        self._may_flag = {k: _screen_filter(layout) for k, layout in self.layouts.items()}
        # the legislative contests, totalled per party, candidate and dapil
        found = self._authority.contests_file
        self._legislative = (
            {
                k: LegislativeTally(k, hierarchy, found, self._authority)
                for k in stmt.legislative_contests
            }
            if found is not None
            else {}
        )

    # -- building ------------------------------------------------------------

    @classmethod
    def replay(
        cls,
        hierarchy: Hierarchy,
        entries: Iterable[bytes],
        *,
        verify: bool = False,
        workers: int = 0,
        contests: Contests | None = None,
    ) -> Recap:
        """Fold a whole log (entry 0 first: the manifest); ``contests``: the contests
        file a format v2 manifest names.

        ``workers`` > 0 reads the costly entries (key registrations, whose new key's
        point check dominates; with ``verify``, every entry) in that many worker
        processes (:func:`~saksi.recap.entries.read_chunk`), a chunk at a time, while
        this process authorizes and folds every entry in log order: the same result,
        the same errors, on more than one core. The cyclic garbage collector is paused while
        the log is folded (the fold makes no cycles; it would only walk the millions
        of objects the recap keeps, again and again) and restored after.
        """
        it = iter(entries)
        first = next(it, None)
        if first is None:
            raise RecapError(
                code="recap.empty-log",
                en="the log is empty: it has no manifest",
                id="log kosong: tidak ada manifest",
            )
        recap = cls(hierarchy, read_entry(0, first, verify=verify), contests)
        recap.extend(it, verify=verify, workers=workers)
        return recap

    def extend(self, entries: Iterable[bytes], *, verify: bool = False, workers: int = 0) -> None:
        """Fold the log's next entries, in order (:meth:`replay`'s ``verify`` and
        ``workers``), the cyclic garbage collector paused meanwhile."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            if workers > 0:
                self._fold_in_workers(iter(entries), verify, workers)
            else:
                for data in entries:
                    self.apply_entry(data, verify=verify)
        finally:
            if collecting:
                gc.enable()

    def _fold_in_workers(self, entries: Iterator[bytes], verify: bool, workers: int) -> None:
        """Entries read in ``workers`` processes, folded here in order (a few chunks ahead).

        In a log of format v1, every ``workers + 1``-th chunk stays here to be read as it
        is folded: this process has the authorization and the fold to do as well, and
        with two cores that share keeps both busy (a third of the key registrations
        here, two thirds there). In a log with legislative contests the workers also
        read the legislative forms (:func:`~saksi.recap.entries.read_chunk`), which
        leaves this process as much to do as one worker: every chunk goes there."""
        pending: deque[tuple[list[bytes], Future[list[Prepared]] | None]] = deque()
        # a log with legislative contests: the workers read its legislative forms too,
        # and this process keeps none of the reading (it has the fold)
        contests = self._authority.contests_file
        own = 0 if contests is not None else workers + 1
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=set_up_reader,
            initargs=(None if contests is None else ReaderSetup.of(contests),),
        )
        try:
            index = self.size
            number = 0
            while chunk := list(islice(entries, _CHUNK)):
                number += 1
                mine = own > 0 and number % own == 0
                task = None if mine else pool.submit(read_chunk, index, chunk, verify)
                pending.append((chunk, task))
                index += len(chunk)
                if len(pending) > _AHEAD * workers:
                    self._fold_chunk(*pending.popleft(), verify)
            while pending:
                self._fold_chunk(*pending.popleft(), verify)
        finally:
            pool.shutdown(cancel_futures=True)

    def _fold_chunk(
        self, chunk: list[bytes], prepared: Future[list[Prepared]] | None, verify: bool
    ) -> None:
        if prepared is None:
            for data in chunk:
                self.apply_entry(data, verify=verify)
            return
        for data, (envelope, violations, values) in zip(chunk, prepared.result(), strict=True):
            if envelope is None:  # not read there (or unreadable: the same error here)
                self.apply_entry(data, verify=verify)
            elif isinstance(envelope, tuple):  # a legislative form's, without the form
                self.apply(envelope_of(envelope, data), violations, values)
            else:
                self.apply(envelope.restore_bytes(data), violations, values)

    @property
    def size(self) -> int:
        """Entries folded, the manifest included (the index of the next one)."""
        return self._authority.size

    def __getstate__(self) -> dict[str, object]:
        """Picklable (a verifier keeps its fold between runs), packed
        (:mod:`saksi.recap.packing`; a large fold is better written with
        :func:`~saksi.recap.packing.write`, a column at a time). The screening filters
        are closures, rebuilt from the layouts on load."""
        return {"_parts": list(packing.parts(self))}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Only what :meth:`__getstate__` wrote (``KeyError`` for anything else: a state
        of another layout is not half-read)."""
        self._restore(packing.restore(*packing.collect(iter(state["_parts"]).__next__)))

    def _restore(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._may_flag = {k: _screen_filter(layout) for k, layout in self.layouts.items()}
        contests = self._authority.contests_file
        for tally in self._legislative.values():
            assert contests is not None  # a manifest with legislative contests names one
            tally.bind(self.hierarchy, contests, self._authority)

    @classmethod
    def from_packed(cls, head: dict[str, Any], columns: dict[str, Any]) -> Recap:
        """The fold :func:`saksi.recap.packing.read` read back."""
        recap = cls.__new__(cls)
        recap._restore(packing.restore(head, columns))
        return recap

    def skip(self, index: int) -> None:
        """Leave entry ``index`` (the next one) out of the fold, as the service would
        have refused it: nothing of it is recorded but that its index is taken."""
        if index != self.size:
            raise RecapError(
                code="recap.skip-out-of-order",
                en=f"entry {index} cannot be skipped: the next entry is {self.size}",
                id=f"entri {index} tidak dapat dilewati: entri berikutnya {self.size}",
                index=index,
                next=self.size,
            )
        self._authority.apply(self.manifest_entry, index)  # records only the index

    @property
    def authority(self) -> Authority:
        return self._authority

    def apply_entry(self, data: bytes, *, verify: bool = False) -> None:
        """Fold the log's next entry (its index is :attr:`size`)."""
        self.apply(read_entry(self.size, data, verify=verify))

    def apply(
        self,
        envelope: Envelope,
        violations: tuple[Violation, ...] | None = None,
        values: tuple[int, ...] | None = None,
    ) -> None:
        """Fold the next entry, already read; ``violations``: its form's rules, if known;
        ``values``: a legislative c-hasil's or correction's values as a reading worker
        read them (:data:`~saksi.recap.entries.Prepared`: its ballot checked there, the
        statement without its form)."""
        index = self.size
        try:
            self._authority.accept(envelope, index, ballot_checked=values is not None)
        except SaksiError as exc:
            raise _unauthorized(index, exc) from None
        stmt = envelope.stmt
        if isinstance(stmt, CHasil | Correction):
            self._on_form(stmt, envelope.key, index, violations)
        elif isinstance(stmt, CSalinan):
            self._on_copy(stmt, envelope.key, index)
        elif isinstance(stmt, DHasil):
            record = RecapRecord(
                index, stmt.region, stmt.level, stmt.contest, envelope.key, stmt.at, stmt.totals
            )
            self._recaps[stmt.contest][stmt.region] = record
            self._touched.add(stmt.region)
        elif isinstance(stmt, LegislativeFormStatement | DHasilLegislatif):
            self._on_legislative(stmt, envelope.key, index, violations, values)

    def _on_legislative(
        self,
        stmt: LegislativeFormStatement | DHasilLegislatif,
        key: str,
        index: int,
        violations: tuple[Violation, ...] | None,
        values: tuple[int, ...] | None,
    ) -> None:
        tally = self._legislative[stmt.contest]
        if isinstance(stmt, CSalinanLegislatif):
            tally.on_copy(stmt, key, index)
        elif isinstance(stmt, DHasilLegislatif):
            tally.on_recap(stmt, key, index)
        else:  # a c-hasil or correction: the form in force, under the authority's TPS code
            head = self._authority.current_form(stmt.tps, stmt.contest)
            tps = stmt.tps if head is None else head.region
            tally.on_form(stmt, tps, key, index, violations, values=values)

    def _on_form(
        self,
        stmt: CHasil | Correction,
        key: str,
        index: int,
        found: tuple[Violation, ...] | None,
    ) -> None:
        layout = self.layouts[stmt.contest]
        slots = self._slots[stmt.contest]
        tps = stmt.tps
        slot = slots.get(tps)
        old = None if slot is None else self._vector(layout, slot)
        if slot is None:
            # the TPS code the authority keeps (its signer's scope): one string, not two
            head = self._authority.current_form(tps, stmt.contest)
            tps = tps if head is None else head.region
            slot = slots[tps] = TpsSlot()
        form = stmt.form
        values = layout.values(form)
        if found is None:
            found = check_values(form, values, layout.pairs)
        if isinstance(stmt, Correction):
            before = slot.values if slot.values is not None else values
            record = CorrectionRecord(
                index, stmt.corrects.index, key, stmt.at, stmt.reason,
                differences(layout.form_fields, before, values),
            )  # fmt: skip
            slot.corrections = (*slot.corrections, record)
        else:
            slot.original = index
        slot.current = index
        slot.values = pack_values(values)
        slot.violations = found
        slot.flags = screen(form) if self._may_flag[stmt.contest](form, values) else ()
        self._refresh(tps, stmt.contest, slot, old)

    def _on_copy(self, stmt: CSalinan, key: str, index: int) -> None:
        layout = self.layouts[stmt.contest]
        slots = self._slots[stmt.contest]
        slot = slots.get(stmt.tps)
        old = None if slot is None else self._vector(layout, slot)
        if slot is None:
            slot = slots[stmt.tps] = TpsSlot()
        copy = CopySlot(index, key, stmt.party, stmt.at, pack_values(layout.values(stmt.form)))
        slot.copies = (*slot.copies, copy)
        self._refresh(stmt.tps, stmt.contest, slot, old)

    def _refresh(self, tps: str, contest: str, slot: TpsSlot, old: list[int] | None) -> None:
        """Move every region above ``tps`` by the change in what it contributes
        (``old``: what it contributed before, None for a TPS new to the fold). A slot's
        vector is a function of the slot, recomputed when needed rather than kept:
        nationally that is 800,000 lists fewer."""
        layout = self.layouts[contest]
        new = self._vector(layout, slot)
        delta = new if old is None else difference(new, old)
        self._touched.add(tps)
        if delta is None:
            return
        regions = self._regions[contest]
        for code in above(tps):
            vector = regions.get(code)
            if vector is None:
                regions[code] = list(delta)
            else:
                vector[:] = map(add, vector, delta)

    @staticmethod
    def _vector(layout: Layout, slot: TpsSlot) -> list[int]:
        if slot.current is None:
            return layout.vector(None, NO_COUNTERS)
        counted, counters = slot_counters(slot, layout.form_fields)
        return layout.vector(slot.values if counted else None, counters)

    # -- reading -------------------------------------------------------------

    @property
    def contests(self) -> tuple[str, ...]:
        """The contests totalled per pair (PPWP), in the manifest's order: the ones
        :meth:`totals`, :meth:`tps` and the rest of this class answer for."""
        return tuple(self.layouts)

    @property
    def legislative_contests(self) -> tuple[str, ...]:
        """The legislative contests of a format v2 log, in the manifest's order, each
        totalled per party, candidate and dapil by its :meth:`legislative` tally."""
        return tuple(self._legislative)

    def legislative(self, contest: str) -> LegislativeTally:
        """A legislative contest's fold (``recap.unknown-contest`` for any other)."""
        found = self._legislative.get(contest)
        if found is None:
            raise self._unknown_contest(contest, self.legislative_contests)
        return found

    @property
    def not_totalled(self) -> tuple[str, ...]:
        """The contests the log records but this fold does not total: none (every
        legislative contest of a format v2 log is totalled, :meth:`legislative`)."""
        totalled = {*self.layouts, *self._legislative}
        return tuple(c.kind.value for c in self.manifest.contests if c.kind.value not in totalled)

    def take_legislative_touched(self) -> dict[str, set[str]]:
        """Per legislative contest, :meth:`LegislativeTally.take_touched`."""
        return {k: tally.take_touched() for k, tally in self._legislative.items()}

    @property
    def contests_file(self) -> Contests | None:
        """The contests file the manifest names (format v2), or None."""
        return self._authority.contests_file

    def layout(self, contest: str) -> Layout:
        found = self.layouts.get(contest)
        if found is None and contest in self._legislative:
            raise RecapError(
                code="recap.contest-legislative",
                en=(
                    f"contest {contest} is legislative: its totals are per party, candidate "
                    f"and dapil (Recap.legislative({contest!r}); saksi recap --contest {contest})"
                ),
                id=(
                    f"pemilihan {contest} adalah pemilihan legislatif: totalnya per partai, "
                    f"calon dan dapil (Recap.legislative({contest!r}); saksi recap --contest "
                    f"{contest})"
                ),
                contest=contest,
            )
        if found is None:
            raise self._unknown_contest(contest, (*self.layouts, *self._legislative))
        return found

    @staticmethod
    def _unknown_contest(contest: str, known: tuple[str, ...]) -> RecapError:
        return RecapError(
            code="recap.unknown-contest",
            en=f"this election has no contest {contest!r} (it has {', '.join(known) or '-'})",
            id=(
                f"pemilu ini tidak memiliki pemilihan {contest!r} (yang ada: "
                f"{', '.join(known) or '-'})"
            ),
            contest=contest,
        )

    def vector(self, region: str, contest: str) -> list[int]:
        """The region's (or TPS's) summed vector: totals, then the status counters."""
        layout = self.layout(contest)
        self.hierarchy.require(region)
        if level_of(region) is Level.TPS:
            slot = self._slots[contest].get(region)
            found = self._vector(layout, slot) if slot is not None else None
        else:
            found = self._regions[contest].get(region)
        return list(found) if found is not None else layout.zero()

    def totals(self, region: str, contest: str) -> Totals:
        """The contest's totals over the counted TPS within ``region``."""
        return self.layout(contest).totals(self.vector(region, contest))

    def counters(self, region: str, contest: str) -> dict[str, int]:
        """How many TPS within ``region`` are received, counted, inconsistent, ..."""
        return self.layout(contest).counters(self.vector(region, contest))

    def progress(self, region: str, contest: str) -> Progress:
        counters = self.counters(region, contest)
        expected = self.hierarchy.tps_count(region)
        return Progress(expected, counters["received"], counters["counted"])

    def tps(self, tps: str, contest: str) -> TpsState:
        """Everything about one TPS (status ``missing`` if nothing is logged for it)."""
        layout = self.layout(contest)
        self.hierarchy.require_tps(tps)
        slot = self._slots[contest].get(tps)
        return tps_state(tps, contest, slot, layout.form_fields)

    def logged_tps(self, contest: str, within: str = NASIONAL) -> Iterator[TpsState]:
        """Every TPS within ``within`` that has anything logged, in code order."""
        layout = self.layout(contest)
        slots = self._slots[contest]
        for code in sorted(c for c in slots if within == NASIONAL or c.startswith(within)):
            yield tps_state(code, contest, slots[code], layout.form_fields)

    def recap(self, region: str, contest: str) -> RecapRecord | None:
        """The region's logged D.Hasil for ``contest``, if any."""
        self.layout(contest)
        return self._recaps[contest].get(region)

    def recaps(self, contest: str) -> tuple[RecapRecord, ...]:
        """Every logged D.Hasil of ``contest``, by region code."""
        self.layout(contest)
        found = self._recaps[contest]
        return tuple(found[code] for code in sorted(found))

    def take_touched(self) -> set[str]:
        """TPS and recap regions changed since the last call (for publishing what changed)."""
        touched, self._touched = self._touched, set()
        return touched

    def recomputed(self, contest: str) -> dict[str, list[int]]:
        """Every region's vector summed afresh from the TPS (the check of the incremental sums)."""
        layout = self.layout(contest)
        out: dict[str, list[int]] = {}
        for tps, slot in self._slots[contest].items():
            vector = self._vector(layout, slot)
            for code in ancestors(tps):
                add_into(out.setdefault(code, layout.zero()), vector)
        return {code: v for code, v in out.items() if any(v)}

    def region_vectors(self, contest: str) -> dict[str, list[int]]:
        """A copy of the incremental sums, region -> vector (regions with nothing left out)."""
        self.layout(contest)
        return {code: list(v) for code, v in self._regions[contest].items() if any(v)}


__all__ = ["Recap"]
