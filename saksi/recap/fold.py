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
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

from saksi.election.authority import Authority
from saksi.election.codes import NASIONAL, Level, ancestors, level_of
from saksi.election.envelope import Envelope
from saksi.election.regions import Hierarchy
from saksi.election.rules import Violation, check_form
from saksi.election.statements import CHasil, Correction, CSalinan, DHasil, Manifest
from saksi.errors import RecapError, SaksiError
from saksi.recap.entries import read_entry
from saksi.recap.screening import screen
from saksi.recap.state import (
    CopySlot,
    CorrectionRecord,
    Progress,
    RecapRecord,
    TpsSlot,
    TpsState,
    TpsStatus,
    Witness,
    differences,
    tps_state,
)
from saksi.recap.totals import Layout, Totals, add_into, difference

_NO_COUNTERS: Final = (0, 0, 0, 0, 0, 0, 0)


def _unauthorized(index: int, exc: SaksiError) -> RecapError:
    return RecapError(
        f"log entry {index} would not have been accepted: {exc.message_en}",
        f"entri log {index} seharusnya tidak diterima: {exc.message_id}",
        code="recap.unauthorized-entry",
        details={"index": index, "cause": exc.code},
    )


class Recap:
    """The totals, statuses and recaps of one election's log, kept up to date entry by entry."""

    def __init__(self, hierarchy: Hierarchy, manifest: Envelope) -> None:
        try:
            self._authority = Authority.from_manifest(manifest, region_exists=hierarchy.exists)
        except SaksiError as exc:
            raise _unauthorized(0, exc) from None
        stmt = manifest.stmt
        assert isinstance(stmt, Manifest)  # from_manifest refuses anything else
        if stmt.regions_digest != hierarchy.digest():
            raise RecapError(
                f"the region hierarchy has digest {hierarchy.digest()}, but the log's manifest "
                f"names {stmt.regions_digest}: fold with the manifest's region file",
                f"hierarki wilayah memiliki digest {hierarchy.digest()}, padahal manifest log "
                f"menyebut {stmt.regions_digest}: gunakan berkas wilayah manifest",
                code="recap.regions-mismatch",
                details={"expected": stmt.regions_digest, "found": hierarchy.digest()},
            )
        self.hierarchy = hierarchy
        self.manifest = stmt
        self.manifest_entry = manifest
        self.layouts = {c.kind.value: Layout(c.pair_numbers()) for c in stmt.contests}
        self._regions: dict[str, dict[str, list[int]]] = {k: {} for k in self.layouts}
        self._slots: dict[str, dict[str, TpsSlot]] = {k: {} for k in self.layouts}
        self._recaps: dict[str, dict[str, RecapRecord]] = {k: {} for k in self.layouts}
        self._touched: set[str] = set()

    # -- building ------------------------------------------------------------

    @classmethod
    def replay(
        cls, hierarchy: Hierarchy, entries: Iterable[bytes], *, verify: bool = False
    ) -> Recap:
        """Fold a whole log (entry 0 first: the manifest)."""
        it = iter(entries)
        first = next(it, None)
        if first is None:
            raise RecapError(
                "the log is empty: it has no manifest", "log kosong: tidak ada manifest",
                code="recap.empty-log",
            )  # fmt: skip
        recap = cls(hierarchy, read_entry(0, first, verify=verify))
        for data in it:
            recap.apply_entry(data, verify=verify)
        return recap

    @property
    def size(self) -> int:
        """Entries folded, the manifest included (the index of the next one)."""
        return self._authority.size

    @property
    def authority(self) -> Authority:
        return self._authority

    def apply_entry(self, data: bytes, *, verify: bool = False) -> None:
        """Fold the log's next entry (its index is :attr:`size`)."""
        self.apply(read_entry(self.size, data, verify=verify))

    def apply(self, envelope: Envelope, violations: tuple[Violation, ...] | None = None) -> None:
        """Fold the next entry, already read; ``violations``: its form's rules, if known."""
        index = self.size
        try:
            self._authority.accept(envelope, index)
        except SaksiError as exc:
            raise _unauthorized(index, exc) from None
        stmt = envelope.stmt
        if isinstance(stmt, CHasil | Correction):
            found = check_form(stmt.form) if violations is None else violations
            self._on_form(stmt, envelope.key, index, found)
        elif isinstance(stmt, CSalinan):
            self._on_copy(stmt, envelope.key, index)
        elif isinstance(stmt, DHasil):
            record = RecapRecord(
                index, stmt.region, stmt.level, stmt.contest, envelope.key, stmt.at, stmt.totals
            )
            self._recaps[stmt.contest][stmt.region] = record
            self._touched.add(stmt.region)

    def _on_form(
        self, stmt: CHasil | Correction, key: str, index: int, found: tuple[Violation, ...]
    ) -> None:
        layout = self.layouts[stmt.contest]
        slot = self._slots[stmt.contest].setdefault(stmt.tps, TpsSlot())
        values = layout.values(stmt.form)
        if isinstance(stmt, Correction):
            before = slot.values if slot.values is not None else values
            slot.corrections.append(
                CorrectionRecord(
                    index, stmt.corrects.index, key, stmt.at, stmt.reason,
                    differences(layout.form_fields, before, values),
                )
            )  # fmt: skip
        else:
            slot.original = index
        slot.current = index
        slot.values = values
        slot.violations = found
        slot.flags = screen(stmt.form)
        self._refresh(stmt.tps, stmt.contest, slot)

    def _on_copy(self, stmt: CSalinan, key: str, index: int) -> None:
        layout = self.layouts[stmt.contest]
        slot = self._slots[stmt.contest].setdefault(stmt.tps, TpsSlot())
        slot.copies.append(CopySlot(index, key, stmt.party, stmt.at, layout.values(stmt.form)))
        self._refresh(stmt.tps, stmt.contest, slot)

    def _refresh(self, tps: str, contest: str, slot: TpsSlot) -> None:
        """Move every region above ``tps`` by the change in what it contributes."""
        layout = self.layouts[contest]
        new = self._vector(layout, slot)
        old = slot.vector
        delta = new if old is None else difference(new, old)
        slot.vector = new
        self._touched.add(tps)
        if delta is None:
            return
        regions = self._regions[contest]
        for code in ancestors(tps):
            vector = regions.get(code)
            if vector is None:
                vector = regions[code] = layout.zero()
            add_into(vector, delta)

    @staticmethod
    def _vector(layout: Layout, slot: TpsSlot) -> list[int]:
        status = slot.status
        if status is TpsStatus.MISSING:
            return layout.vector(None, _NO_COUNTERS)
        counted = status is not TpsStatus.INCONSISTENT
        witness = slot.witness(layout.form_fields)
        counters = (
            1,  # received
            int(counted),
            int(not counted),
            int(bool(slot.corrections)),
            int(witness is Witness.AGREE),
            int(witness is Witness.DISPUTE),
            int(slot.flagged),
        )
        return layout.vector(slot.values if counted else None, counters)

    # -- reading -------------------------------------------------------------

    @property
    def contests(self) -> tuple[str, ...]:
        return tuple(self.layouts)

    def layout(self, contest: str) -> Layout:
        found = self.layouts.get(contest)
        if found is None:
            raise RecapError(
                f"this election has no contest {contest!r} (it has {', '.join(self.layouts)})",
                f"pemilu ini tidak memiliki pemilihan {contest!r} (yang ada: "
                f"{', '.join(self.layouts)})",
                code="recap.unknown-contest",
                details={"contest": contest},
            )
        return found

    def vector(self, region: str, contest: str) -> list[int]:
        """The region's (or TPS's) summed vector: totals, then the status counters."""
        layout = self.layout(contest)
        self.hierarchy.require(region)
        if level_of(region) is Level.TPS:
            slot = self._slots[contest].get(region)
            found = slot.vector if slot is not None else None
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
