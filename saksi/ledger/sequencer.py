"""One writer thread that gives statements their place in the log, many at a time.

Callers (HTTP workers) parse and signature-check an entry in their own thread
(:func:`saksi.election.envelope.parse_entry` is stateless), then hand it to the
:class:`Sequencer` and wait. The writer thread takes *everything* that is waiting at
once (group commit) and, for each entry in arrival order:

1. these exact bytes already logged (``store.find``, or earlier in this batch)?
   -> the receipt of the first, ``duplicate=True``, nothing appended;
2. the caller's gate, if its ticket has one (the service's per-key rate limit): so
   only new entries, whose signature verified, are ever counted against their key;
3. ``intake.admit_submission``: the intake policy on text, then the authorization
   and rules against the state so far,
   which includes the entries admitted earlier *in this batch* (so the second of two
   different c-hasil for one TPS in one batch is refused); a refusal goes back to its
   caller and changes nothing;
4. ``intake.record`` at its prospective index (the next free one).

Then ONE ``store.append_batch`` makes the batch durable in one transaction, the
view is updated, and only then are the callers answered. If the append fails, or
the store puts an entry anywhere but its prospective index, the in-memory state no
longer matches the log: the sequencer stops for good (fail-stop), every waiting
caller gets ``service.stopped``, and a restart rebuilds the state by replaying the
log. docs/service.md explains why this is enough.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from saksi.election.envelope import Envelope
from saksi.election.intake import Admission, Intake
from saksi.election.rules import Violation
from saksi.errors import SaksiError, ServiceError
from saksi.ledger.views import Committed, LedgerView, Receipt, receipt_of
from saksi.store.base import Store

log = logging.getLogger("saksi.service")

Gate = Callable[[Envelope], SaksiError | None]
"""A caller's last word on one of its new entries (parsed, signature verified, not a
duplicate), in log order, before authorization: a refusal, or None to go on."""

MAX_COMMIT_ENTRIES: Final = 4096
"""Most entries in one store transaction (a larger backlog takes several)."""
MAX_COMMIT_BYTES: Final = 32 * 1024 * 1024
MAX_QUEUE: Final = 100_000
"""Most entries waiting for the writer; beyond it submissions are refused (503)."""


def stopped_error(cause: str | None = None) -> SaksiError:
    """``service.stopped``: the ledger is closed, or stopped after a storage failure."""
    if cause is None:
        return ServiceError(
            code="service.stopped",
            en="the ledger is closed; nothing more is accepted",
            id="buku besar sudah ditutup; tidak ada lagi yang diterima",
        )
    return ServiceError(
        code="service.stopped",
        en=(
            "the ledger stopped after a storage failure; nothing more is accepted until the "
            "service restarts (it then rebuilds its state from the log)"
        ),
        id=(
            "buku besar berhenti setelah kegagalan penyimpanan; tidak ada yang diterima sampai "
            "layanan dijalankan ulang (lalu keadaannya dibangun ulang dari log)"
        ),
        cause=cause,
    )


def overloaded_error(waiting: int) -> SaksiError:
    return ServiceError(
        code="service.overloaded",
        en=f"the service has {waiting:,} statements waiting to be logged; try again shortly",
        id=(
            f"layanan sedang memproses {waiting:,} pernyataan yang menunggu dicatat; coba lagi "
            "sebentar lagi"
        ),
        waiting=waiting,
    )


def internal_error() -> SaksiError:
    return ServiceError(
        code="service.internal",
        en="the statement could not be checked because of an internal error",
        id="pernyataan tidak dapat diperiksa karena kesalahan internal",
    )


def _diverged(index: int, expected: int) -> SaksiError:
    return ServiceError(
        code="service.diverged",
        en=(
            f"the store is at index {index} where this ledger expected {expected}: another "
            "writer is using this log"
        ),
        id=(
            f"penyimpanan berada pada indeks {index}, padahal buku besar ini mengharapkan "
            f"{expected}: ada penulis lain yang memakai log ini"
        ),
        index=index,
        expected=expected,
    )


@dataclass
class Stats:
    """Counters since the process started (thread-safe)."""

    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    outcomes: Counter[str] = field(default_factory=Counter)  # new, duplicate, refused
    refused: Counter[str] = field(default_factory=Counter)  # by code
    integrate_errors: Counter[str] = field(default_factory=Counter)  # by code
    commits: int = 0
    committed_entries: int = 0
    largest_commit: int = 0
    integrations: int = 0

    def refusal(self, code: str) -> None:
        with self.lock:
            self.outcomes["refused"] += 1
            self.refused[code] += 1

    def outcome(self, what: str, n: int = 1) -> None:
        with self.lock:
            self.outcomes[what] += n

    def commit(self, entries: int) -> None:
        with self.lock:
            self.commits += 1
            self.committed_entries += entries
            self.largest_commit = max(self.largest_commit, entries)

    def integrated(self, error: str | None = None) -> None:
        with self.lock:
            if error is None:
                self.integrations += 1
            else:
                self.integrate_errors[error] += 1

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "integrations": self.integrations,
                "integrate_errors": dict(sorted(self.integrate_errors.items())),
                "submissions": {k: self.outcomes[k] for k in ("new", "duplicate", "refused")},
                "refused_by_code": dict(sorted(self.refused.items())),
                "commits": self.commits,
                "committed_entries": self.committed_entries,
                "largest_commit": self.largest_commit,
            }


class Ticket:
    """What one call waits on: its entries' results, all set before ``done`` is."""

    __slots__ = ("done", "gate", "on_done", "remaining", "results")

    def __init__(
        self, size: int, on_done: Callable[[], None] | None = None, gate: Gate | None = None
    ) -> None:
        self.results: list[Receipt | SaksiError | None] = [None] * size
        self.remaining = size
        self.done = threading.Event()
        self.on_done = on_done  # called once, from the thread that completes the ticket
        self.gate = gate  # called from the writer thread on each new entry
        if size == 0:
            self.finish()

    def finish(self) -> None:
        """Mark the ticket complete: wake a waiting thread, or call ``on_done``."""
        self.done.set()
        if self.on_done is not None:
            self.on_done()


@dataclass(slots=True, eq=False)
class Pending:
    """One parsed entry waiting for the writer."""

    envelope: Envelope
    ticket: Ticket
    position: int  # in the ticket's results
    index: int | None = None  # prospective index, once admitted
    same_as: Pending | None = None  # an earlier pending of the same bytes in this batch
    violations: tuple[Violation, ...] | None = None  # the form's, checked before queueing
    receipt: Receipt | None = None  # once committed
    entry: bytes = field(init=False)
    leaf_hash: bytes = field(init=False)

    def __post_init__(self) -> None:
        self.entry = self.envelope.entry_bytes
        self.leaf_hash = self.envelope.leaf_hash


class Sequencer:
    """The single writer: queue, group commit, fail-stop (see the module docstring)."""

    def __init__(
        self,
        intake: Intake,
        store: Store,
        view: LedgerView,
        stats: Stats,
        *,
        on_fatal: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._intake = intake
        self._store = store
        self._view = view
        self._stats = stats
        self._on_fatal = on_fatal
        self._queue: deque[Pending] = deque()
        self._cond = threading.Condition()
        self._closing = False
        self._failure: SaksiError | None = None
        self._resolve_lock = threading.Lock()
        self._current: list[Pending] = []  # the batch being committed
        self._thread = threading.Thread(target=self._run, name="saksi-sequencer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    @property
    def failure(self) -> SaksiError | None:
        """``service.stopped`` once the writer has stopped after a failure."""
        return self._failure

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and self._failure is None and not self._closing

    @property
    def waiting(self) -> int:
        return len(self._queue)

    # --- callers ---

    def enqueue(self, pendings: Sequence[Pending]) -> None:
        """Queue parsed entries, contiguously and in order (raises if not accepting)."""
        with self._cond:
            if self._failure is not None:
                raise self._failure
            if self._closing:
                raise stopped_error()
            if len(self._queue) + len(pendings) > MAX_QUEUE:
                raise overloaded_error(len(self._queue))
            self._queue.extend(pendings)
            self._cond.notify()

    def close(self, timeout: float | None = None) -> None:
        """Log what is queued, then stop the writer."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    # --- the writer thread ---

    def _run(self) -> None:
        try:
            while (batch := self._take()) is not None:
                self._current = batch
                self._commit(batch)
                self._current = []
        except BaseException as exc:
            self._fail(exc)

    def _take(self) -> list[Pending] | None:
        with self._cond:
            while not self._queue:
                if self._closing:
                    return None
                self._cond.wait()
            batch: list[Pending] = []
            size = 0
            while self._queue and len(batch) < MAX_COMMIT_ENTRIES and size < MAX_COMMIT_BYTES:
                pending = self._queue.popleft()
                size += len(pending.entry)
                batch.append(pending)
            return batch

    def _commit(self, batch: list[Pending]) -> None:
        admitted: list[tuple[Pending, Admission]] = []
        seen: dict[bytes, Pending] = {}
        next_index = self._view.size
        stored = self._store.find_many([pending.leaf_hash for pending in batch])
        for pending in batch:
            first = seen.get(pending.leaf_hash)
            if first is not None:
                pending.same_as = first
                continue
            known = stored.get(pending.leaf_hash)
            if known is not None:
                self._resolve(pending, self._duplicate(known, pending.leaf_hash))
                continue
            admission = self._admit(pending)
            if admission is None:
                continue
            self._intake.record(admission, next_index)  # from here a failure is fatal
            pending.index = next_index
            seen[pending.leaf_hash] = pending
            admitted.append((pending, admission))
            next_index += 1
        if admitted:
            self._append(admitted)
        self._answer(batch)

    def _admit(self, pending: Pending) -> Admission | None:
        try:
            gate = pending.ticket.gate
            refusal = None if gate is None else gate(pending.envelope)
            if refusal is not None:
                raise refusal
            return self._intake.admit_submission(
                pending.envelope, pending.entry, pending.violations
            )
        except SaksiError as exc:
            self._stats.refusal(exc.code)
            self._resolve(pending, exc)
        except Exception:  # a bug on one input: refuse it, keep the log going
            log.exception("admitting an entry failed unexpectedly")
            self._stats.refusal("service.internal")
            self._resolve(pending, internal_error())
        return None

    def _append(self, admitted: list[tuple[Pending, Admission]]) -> None:
        first = admitted[0][0].index or 0
        if (size := self._store.size()) != first:  # another writer: do not add to it
            raise _diverged(size, first)
        placed = self._store.append_batch([pending.entry for pending, _ in admitted])
        for (pending, _), where in zip(admitted, placed, strict=True):
            if where.index != pending.index or not where.new:
                raise _diverged(where.index, pending.index or 0)
        self._stats.commit(len(admitted))
        logged = self._view.commit(
            [Committed(pending.index or 0, admission) for pending, admission in admitted]
        )
        covered = self._view.checkpoint_size
        for (pending, _), known in zip(admitted, logged, strict=True):
            pending.receipt = receipt_of(known, pending.leaf_hash, duplicate=False, covered=covered)

    def _answer(self, batch: list[Pending]) -> None:
        new = 0
        for pending in batch:
            if pending.receipt is not None:
                new += 1
                self._resolve(pending, pending.receipt)
            elif pending.same_as is not None:
                first = pending.same_as
                if first.index is None:  # the first was refused: so is its copy
                    self._resolve(pending, first.ticket.results[first.position])
                else:
                    self._resolve(pending, self._duplicate(first.index, pending.leaf_hash))
        if new:
            self._stats.outcome("new", new)

    def _duplicate(self, index: int, leaf_hash: bytes) -> Receipt | SaksiError:
        self._stats.outcome("duplicate")
        found = self._view.receipt(index, leaf_hash, duplicate=True, wait=0)
        return found if found is not None else internal_error()

    def _resolve(self, pending: Pending, result: Receipt | SaksiError | None) -> None:
        ticket = pending.ticket
        with self._resolve_lock:
            if ticket.results[pending.position] is not None:
                return
            ticket.results[pending.position] = result if result is not None else internal_error()
            ticket.remaining -= 1
            if ticket.remaining == 0:
                ticket.finish()

    def _fail(self, exc: BaseException) -> None:
        """Fail-stop: answer everyone with ``service.stopped`` and accept nothing more."""
        cause = exc.code if isinstance(exc, SaksiError) else type(exc).__name__
        log.critical("the sequencer stops: %s", cause, exc_info=exc)
        error = stopped_error(cause)
        with self._cond:
            self._failure = error
            waiting = list(self._queue)
            self._queue.clear()
        for pending in waiting + self._current:
            self._resolve(pending, error)
        if self._on_fatal is not None:
            self._on_fatal(exc)


__all__ = [
    "MAX_COMMIT_BYTES",
    "MAX_COMMIT_ENTRIES",
    "MAX_QUEUE",
    "Gate",
    "Pending",
    "Sequencer",
    "Stats",
    "Ticket",
    "internal_error",
    "overloaded_error",
    "stopped_error",
]
