"""What readers see of the ledger: committed entries only, safe from any thread.

The sequencer's writer thread is the only one that changes a :class:`LedgerView`,
and only with entries the store has made durable (:meth:`LedgerView.commit`).
Readers (receipts, TPS views, statistics) take the view's lock for a moment to copy
what they need; anything bigger (a form's bytes) is read from the store afterwards,
by index, which is safe because a committed index never changes.

Memory per entry: two bytes (type and status), plus the broken rules of the few
flagged or inconsistent forms; per TPS and contest with a form: one small slot (the
indices of its c-hasil, corrections and witness copies, and the votes it counts).
Every contest's forms take the same path: PPWP's (format v1) count votes per pair,
a legislative form's (format v2) per party (B) or, on C.Hasil-DPD, per candidate,
totalled per contest and dapil (``dpr/3201-1``: a candidate number means nothing
outside its dapil).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from saksi.election.authority import Authority
from saksi.election.envelope import Envelope
from saksi.election.forms import CHasilPPWP
from saksi.election.intake import Admission, Status
from saksi.election.legislative_forms import CHasilDPD, CHasilPartai
from saksi.election.regions import Hierarchy
from saksi.election.rules import Violation
from saksi.election.statements import (
    STATEMENT_TYPES,
    AnyFormStatement,
    Correction,
    CorrectionLegislatif,
    CSalinan,
    CSalinanLegislatif,
    FormStatement,
    LegislativeFormStatement,
)
from saksi.errors import SaksiError, StoreError
from saksi.store.base import Store

TYPES: Final = tuple(STATEMENT_TYPES)
STATUSES: Final = tuple(Status)
_TYPE_CODE: Final = {name: i for i, name in enumerate(TYPES)}
_STATUS_CODE: Final = {status: i for i, status in enumerate(STATUSES)}

MISSING: Final = "missing"
"""The status of a TPS view with no form yet."""


def parse_stored(entry: bytes) -> Envelope:
    """The envelope of an entry the log already holds (checked when it was admitted):
    :meth:`Envelope.from_logged`, schema only, no signature check (about 8 µs instead
    of 66); StoreError ``store.corrupt`` if it is not such an entry."""
    try:
        return Envelope.from_logged(entry)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise StoreError(
            code="store.corrupt",
            en="a logged entry no longer parses; the store is damaged",
            id="entri yang tercatat tidak dapat dibaca lagi; penyimpanan rusak",
            error=str(exc)[:200],
        ) from None


@dataclass(frozen=True, slots=True)
class Receipt:
    """The answer to a submission: where the entry is, and what the checks found.

    ``duplicate`` is True when these exact bytes were already logged (the receipt is
    the one the first submission got); ``checkpoint_size`` is the size of the latest
    signed checkpoint once it covers the entry (then a proof exists), else None.
    """

    index: int
    leaf_hash: str
    status: str
    duplicate: bool
    type: str
    violations: tuple[dict[str, Any], ...]
    checkpoint_size: int | None

    def to_dict(self) -> dict[str, Any]:
        """The receipt as JSON-ready data."""
        return {
            "index": self.index,
            "leaf_hash": self.leaf_hash,
            "status": self.status,
            "duplicate": self.duplicate,
            "type": self.type,
            "violations": list(self.violations),
            "checkpoint_size": self.checkpoint_size,
        }


@dataclass(frozen=True, slots=True)
class Logged:
    """One entry as the view keeps it: what a receipt says about it."""

    index: int
    type: str
    status: Status
    violations: tuple[Violation, ...]


def receipt_of(logged: Logged, leaf_hash: bytes, *, duplicate: bool, covered: int) -> Receipt:
    """The receipt of a committed entry, ``covered`` being the latest checkpoint's size."""
    return Receipt(
        index=logged.index,
        leaf_hash=leaf_hash.hex(),
        status=logged.status.value,
        duplicate=duplicate,
        type=logged.type,
        violations=tuple(v.to_dict() for v in logged.violations),
        checkpoint_size=covered if logged.index < covered else None,
    )


@dataclass(slots=True)
class TpsSlot:
    """One TPS and contest: its forms (c-hasil, then corrections) and witness copies."""

    history: list[int] = field(default_factory=list)
    copies: list[int] = field(default_factory=list)
    counted: Mapping[str, int] | None = None  # votes of the form in force, if countable


@dataclass(frozen=True, slots=True)
class Committed:
    """An admitted entry, logged at ``index``: what :meth:`LedgerView.commit` records."""

    index: int
    admission: Admission

    @property
    def logged(self) -> Logged:
        adm = self.admission
        return Logged(self.index, adm.envelope.stmt.type, adm.status, adm.violations)


class LedgerView:
    """The committed state, for readers; changed only by the sequencer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._grown = threading.Condition(self._lock)
        self._types = bytearray()
        self._statuses = bytearray()
        self._violations: dict[int, tuple[Violation, ...]] = {}
        self._slots: dict[tuple[str, str], TpsSlot] = {}
        self._totals: dict[str, Counter[str]] = {}
        self._by_type: Counter[str] = Counter()
        self._by_status: Counter[str] = Counter()
        self._checkpoint_size = 0

    # --- the writer's side ---

    def commit_manifest(self) -> None:
        """Entry 0, the manifest."""
        with self._grown:
            if self._types:
                return
            self._append(0, "manifest", Status.ACCEPTED, ())
            self._grown.notify_all()

    def commit(self, committed: Sequence[Committed]) -> list[Logged]:
        """Record entries the store holds durably, in index order, and wake readers;
        what is now known of each (for their receipts)."""
        out: list[Logged] = []
        with self._grown:
            for item in committed:
                if item.index != len(self._types):
                    raise RuntimeError(f"view: index {item.index} after {len(self._types)}")
                logged = item.logged
                self._append(item.index, logged.type, logged.status, logged.violations)
                self._place(item)
                out.append(logged)
            self._grown.notify_all()
        return out

    def _append(self, index: int, kind: str, status: Status, broken: tuple[Violation, ...]) -> None:
        self._types.append(_TYPE_CODE[kind])
        self._statuses.append(_STATUS_CODE[status])
        if broken:
            self._violations[index] = broken
        self._by_type[kind] += 1
        self._by_status[status.value] += 1

    def _place(self, item: Committed) -> None:
        stmt = item.admission.envelope.stmt
        if not isinstance(stmt, FormStatement | LegislativeFormStatement):
            return
        slot = self._slots.get((stmt.tps, stmt.contest))
        if slot is None:
            slot = self._slots[(stmt.tps, stmt.contest)] = TpsSlot()
        if isinstance(stmt, CSalinan | CSalinanLegislatif):
            slot.copies.append(item.index)
            return
        slot.history.append(item.index)
        totals = self._totals.setdefault(totals_key(stmt), Counter())
        if slot.counted is not None:
            totals.subtract(slot.counted)
        counts = item.admission.status is not Status.INCONSISTENT
        slot.counted = votes_of(stmt) if counts else None
        if slot.counted is not None:
            totals.update(slot.counted)

    def set_checkpoint_size(self, size: int) -> None:
        with self._lock:
            self._checkpoint_size = max(self._checkpoint_size, size)

    # --- the readers' side ---

    @property
    def size(self) -> int:
        """Committed entries (the next index)."""
        return len(self._types)

    @property
    def checkpoint_size(self) -> int:
        return self._checkpoint_size

    def logged(self, index: int, *, wait: float = 5.0) -> Logged | None:
        """What is known of entry ``index``; waits up to ``wait`` seconds for an entry
        the store holds but the writer has not yet recorded here (None after that)."""
        with self._grown:
            if index >= len(self._types):
                self._grown.wait_for(lambda: index < len(self._types), timeout=wait)
                if index >= len(self._types):
                    return None
            return Logged(
                index,
                TYPES[self._types[index]],
                STATUSES[self._statuses[index]],
                self._violations.get(index, ()),
            )

    def receipt(
        self, index: int, leaf_hash: bytes, *, duplicate: bool, wait: float = 5.0
    ) -> Receipt | None:
        """The receipt of the committed entry ``index`` (None if it is not committed
        within ``wait`` seconds)."""
        logged = self.logged(index, wait=wait)
        if logged is None:
            return None
        return receipt_of(logged, leaf_hash, duplicate=duplicate, covered=self._checkpoint_size)

    def slot(self, tps: str, contest: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The indices of (forms in log order, witness copies) of one TPS and contest."""
        with self._lock:
            slot = self._slots.get((tps, contest))
            if slot is None:
                return (), ()
            return tuple(slot.history), tuple(slot.copies)

    def totals(self, contest: str) -> dict[str, int]:
        """Votes per pair (per party, per DPD candidate) over the forms in force that
        are countable (not inconsistent); ``contest`` as :func:`totals_key` names it."""
        with self._lock:
            found = self._totals.get(contest, Counter())
            return {pair: n for pair, n in sorted(found.items()) if n}

    def counts(self) -> dict[str, Any]:
        """Entries by type and by status, TPS-contests with a form, with a witness copy."""
        with self._lock:
            forms = sum(1 for s in self._slots.values() if s.history)
            return {
                "entries_by_type": dict(sorted(self._by_type.items())),
                "entries_by_status": dict(sorted(self._by_status.items())),
                "tps_with_form": forms,
            }


def totals_key(stmt: AnyFormStatement) -> str:
    """What a form's votes are totalled under: its contest (``ppwp``), or for a
    legislative contest its contest and dapil (``dpr/3201-1``, ``dpd/32``)."""
    if isinstance(stmt, LegislativeFormStatement):
        return f"{stmt.contest}/{stmt.district}"
    return stmt.contest


def votes_of(stmt: AnyFormStatement) -> dict[str, int]:
    """The votes a form counts: per pair (PPWP), per party's B (a party form), per
    candidate (C.Hasil-DPD)."""
    form = stmt.form
    if isinstance(form, CHasilPartai):
        return {party: votes.suara_sah_partai for party, votes in form.partai.items()}
    if isinstance(form, CHasilDPD):
        return dict(form.suara_calon)
    return dict(form.suara_paslon)


# --- the TPS view --------------------------------------------------------------------


def _signer(authority: Authority, key: str) -> dict[str, Any]:
    # Key records are only ever added, and a dict read is atomic: safe off the writer.
    rec = authority.record(key)
    if rec is None:
        return {"key": key}
    out: dict[str, Any] = {"key": key, "role": rec.role, "scope": rec.scope}
    if rec.party is not None:
        out["party"] = rec.party
    if rec.label is not None:
        out["label"] = rec.label
    return out


def _form_item(view: LedgerView, authority: Authority, index: int, env: Envelope) -> dict[str, Any]:
    stmt = env.stmt
    assert isinstance(stmt, FormStatement | LegislativeFormStatement)
    logged = view.logged(index, wait=0)
    item: dict[str, Any] = {
        "index": index,
        "leaf_hash": env.leaf_hash_hex,
        "type": stmt.type,
        "at": stmt.at,
        "signer": _signer(authority, env.key),
        "status": logged.status.value if logged else Status.ACCEPTED.value,
        "violations": [v.to_dict() for v in (logged.violations if logged else ())],
        "form": stmt.form.model_dump(mode="json"),
    }
    if isinstance(stmt, LegislativeFormStatement):
        item["district"] = stmt.district
    if isinstance(stmt, Correction | CorrectionLegislatif):
        item["corrects"] = stmt.corrects.model_dump(mode="json")
        item["reason"] = stmt.reason
        item["evidence"] = list(stmt.evidence)
    if isinstance(stmt, CSalinan):
        item["party"] = stmt.party
    if isinstance(stmt, CSalinanLegislatif):
        item["party" if stmt.party is not None else "candidate"] = stmt.party or stmt.candidate
    return item


Form = CHasilPPWP | CHasilPartai | CHasilDPD
"""A form of any contest: each reads its boxes flat, by name (``reading()``)."""


def differing_fields(form: Form, other: Form) -> list[str]:
    """The boxes (flat reading names, paper order) where two forms differ."""
    mine, theirs = form.reading(), other.reading()
    names = list(mine) + [k for k in theirs if k not in mine]
    return [k for k in names if mine.get(k) != theirs.get(k)]


def _forms(store: Store, indices: Sequence[int]) -> list[tuple[int, Envelope, Form]]:
    out: list[tuple[int, Envelope, Form]] = []
    for index in indices:
        env = parse_stored(store.entry(index))
        assert isinstance(env.stmt, FormStatement | LegislativeFormStatement)
        out.append((index, env, env.stmt.form))
    return out


def tps_view(
    view: LedgerView,
    store: Store,
    authority: Authority,
    hierarchy: Hierarchy,
    *,
    tps: str,
    contest: str,
) -> dict[str, Any]:
    """One TPS's contest: the form in force, its status, history and witness copies.

    RegionError (``region.malformed-code``, ``region.unknown-tps``) for a TPS that is
    not in the hierarchy; ContestError ``contest.not-in-election``.
    """
    hierarchy.require_tps(tps)
    known = authority.contest(contest)
    history_at, copies_at = view.slot(tps, contest)
    forms = _forms(store, history_at)
    history = [_form_item(view, authority, i, env) for i, env, _ in forms]
    in_force = forms[-1][2] if forms else None
    copies = []
    for index, env, form in _forms(store, copies_at):
        item = _form_item(view, authority, index, env)
        item["differs"] = None if in_force is None else differing_fields(in_force, form)
        copies.append(item)
    current = history[-1] if history else None
    out: dict[str, Any] = {
        "tps": tps,
        "contest": contest,
        "name": _name(hierarchy, tps),
        "status": current["status"] if current else MISSING,
        "disputed": any(c["differs"] for c in copies),
        "current": current,
        "history": history,
        "copies": copies,
    }
    if known.legislative and authority.contests_file is not None:
        # the TPS's dapil of this contest (None where it gets no such ballot)
        out["district"] = authority.contests_file.ballots(tps).get(known.kind)
    return out


def _name(hierarchy: Hierarchy, tps: str) -> str:
    try:
        return hierarchy.name(tps)
    except SaksiError:
        return tps


__all__ = [
    "MISSING",
    "Committed",
    "LedgerView",
    "Logged",
    "Receipt",
    "TpsSlot",
    "differing_fields",
    "parse_stored",
    "receipt_of",
    "totals_key",
    "tps_view",
    "votes_of",
]
