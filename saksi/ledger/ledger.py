"""The service's ledger: statements in, durable receipts out, no HTTP.

:class:`Ledger` ties together what a statement goes through (docs/service.md):

- in the caller's thread, :func:`~saksi.election.envelope.parse_entry`: size,
  canonical bytes, schema, the Ed25519 signature, the election (stateless, so any
  number of HTTP workers run it at once); a refusal is raised right there;
- in the one writer thread (:mod:`saksi.ledger.sequencer`): duplicates, then the
  authorization and rules against the log so far, then one durable
  ``store.append_batch`` for every statement that arrived meanwhile (group commit);
- in the integrator thread: a new signed checkpoint every ``integrate_interval``
  seconds while the store is ahead of the last one; receipts then carry a proof.
  With witnesses configured, a checkpoint is published (and proofs use it) only
  once a quorum of them cosigned it (:mod:`saksi.ledger.witnessing`);
- in the photo keeper's thread (:mod:`saksi.ledger.photo_keeper`): photos the
  committed entries cite move from the staging area into the store.

Readers (:meth:`Ledger.receipt`, :meth:`Ledger.tps`, :meth:`Ledger.stats`, ...) may
be called from any thread while the writer runs.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from saksi.election.authority import Authority
from saksi.election.legislative import Contests
from saksi.election.regions import Hierarchy
from saksi.election.statements import Manifest
from saksi.errors import SaksiError, ServiceError
from saksi.ledger.config import ServiceConfig
from saksi.ledger.parsing import MIN_BATCH, Parsed, ParsePool, check_line
from saksi.ledger.photo_keeper import PhotoKeeper
from saksi.ledger.sequencer import Gate, Pending, Sequencer, Stats, Ticket, stopped_error
from saksi.ledger.startup import Opened, open_log
from saksi.ledger.views import Receipt, tps_view
from saksi.ledger.witnessing import Witnessing
from saksi.store.base import check_leaf_hash
from saksi.tlog.log import Log

log = logging.getLogger("saksi.service")


def _settle_future(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _timed_out(seconds: float) -> SaksiError:
    return ServiceError(
        code="service.timeout",
        en=(
            f"the statement was not logged within {seconds:g} s; send the same bytes again "
            "to learn its receipt (a statement is never logged twice)"
        ),
        id=(
            f"pernyataan belum tercatat dalam {seconds:g} detik; kirim ulang byte yang sama "
            "untuk mendapat tanda terimanya (pernyataan tidak pernah tercatat dua kali)"
        ),
        seconds=seconds,
    )


@dataclass(frozen=True)
class ContestsFile:
    """The contests file a format v2 log's manifest names, as the service publishes it:
    its canonical bytes (RFC 8785), whose SHA-256 is the manifest's ``contests_digest``."""

    digest: str
    data: bytes

    @classmethod
    def of(cls, contests: Contests) -> ContestsFile:
        return cls(contests.digest(), contests.canonical_bytes())

    @functools.cached_property
    def gzipped(self) -> bytes:
        """The same bytes gzipped (level 9, no time stamp: the same bytes every time),
        made at the first call."""
        return gzip.compress(self.data, compresslevel=9, mtime=0)


class Ledger:
    """One election's log as a service: see the module docstring."""

    def __init__(
        self, config: ServiceConfig, opened: Opened, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.config = config
        self._opened = opened
        self._log = opened.log
        self._store = opened.store
        self._view = opened.view
        self._intake = opened.intake
        self._stats = Stats()
        self._integrate_lock = threading.Lock()
        self._stop = threading.Event()
        self._closed = False
        self.on_fatal: Callable[[BaseException], None] | None = None
        """Called (from the writer thread) when the ledger stops after a failure."""
        self._pool: ParsePool | None = None
        self._pool_lock = threading.Lock()
        self._sequencer = Sequencer(
            self._intake, self._store, self._view, self._stats, on_fatal=self._fatal
        )
        self._integrator = threading.Thread(
            target=self._integrate_loop, name="saksi-integrator", daemon=True
        )
        self.photos = PhotoKeeper(
            config, self._store, self._view, self._intake.authority, clock=clock
        )
        """Photo uploads, the staging area, and the photos kept for good."""
        self.witnessing: Witnessing | None = None
        """The witnesses' side (None without witnesses: checkpoints are published at once)."""
        if config.witnesses:
            self.witnessing = Witnessing(
                self._log, config.witnesses, config.quorum, config.witness_timeout
            )

    @classmethod
    def open(cls, config: ServiceConfig, *, clock: Callable[[], float] = time.time) -> Ledger:
        """Create or open the log in ``config.data`` (or ``config.db``), check the
        manifest and regions, replay the log, and start the writer, the integrator and
        the photo keeper. ``clock`` (seconds, like :func:`time.time`) times the staged
        photos' expiry."""
        opened = open_log(config)
        ledger = cls(config, opened, clock=clock)
        ledger._sequencer.start()
        ledger._integrator.start()
        ledger.photos.start()
        log.info(
            "ledger open: %s, %d entries (replayed in %.2f s)",
            opened.log.origin,
            opened.view.size,
            opened.replay_seconds,
        )
        return ledger

    # --- what the ledger is ---

    @property
    def origin(self) -> str:
        """The log's origin: the election's name in the manifest."""
        return self._log.origin

    @property
    def vkey(self) -> str:
        """The log's verifier key (note format), for checkpoints and proofs."""
        return self._log.vkey

    @property
    def manifest(self) -> Manifest:
        return self._opened.manifest

    @property
    def hierarchy(self) -> Hierarchy:
        return self._opened.hierarchy

    @property
    def contests(self) -> Contests | None:
        """The contests file of a format v2 log (None for a v1 log)."""
        return self._opened.contests

    @functools.cached_property
    def contests_file(self) -> ContestsFile | None:
        """:attr:`contests` as published (GET /contests/<digest>.json); None for v1."""
        contests = self._opened.contests
        return None if contests is None else ContestsFile.of(contests)

    @property
    def log(self) -> Log:
        """The tlog Log (its ``layout.root`` is the publication directory)."""
        return self._log

    @property
    def ready(self) -> bool:
        """True while statements are accepted (open, and the writer has not stopped)."""
        return not self._closed and self._sequencer.alive

    @property
    def failure(self) -> SaksiError | None:
        """``service.stopped`` after a storage failure (then a restart is needed)."""
        return self._sequencer.failure

    @property
    def size(self) -> int:
        """Entries committed to the log."""
        return self._view.size

    @property
    def checkpoint_size(self) -> int:
        """Size of the latest published checkpoint (signed, and cosigned by the witness
        quorum when there are witnesses): the one receipts and proofs use."""
        return self._view.checkpoint_size

    # --- submitting ---

    def _parse_all(self, entries: Sequence[bytes]) -> list[Parsed | SaksiError]:
        """Each entry parsed (or its refusal): a batch in the worker processes."""
        if self.config.parse_workers and len(entries) >= MIN_BATCH:
            with self._pool_lock:
                if self._pool is None:
                    self._pool = ParsePool(self.config.parse_workers)
            return self._pool.parse(entries, self._intake.election, self.config.max_entry_bytes)
        election, limit = self._intake.election, self.config.max_entry_bytes
        return [check_line(entry, election, limit) for entry in entries]

    def submit(self, entry: bytes, *, timeout: float | None = None) -> Receipt:
        """Log ``entry`` (its exact bytes); returns once it is durable.

        Raises the refusal (a SaksiError with its code) if it is refused; the same
        bytes sent again return the first receipt with ``duplicate=True``.
        ``timeout`` (seconds): ``service.timeout`` if it is not logged by then.
        """
        result = self.submit_many([entry], timeout=timeout)[0]
        if isinstance(result, SaksiError):
            raise result
        return result

    def submit_many(
        self, entries: Sequence[bytes], *, timeout: float | None = None, gate: Gate | None = None
    ) -> list[Receipt | SaksiError]:
        """Log several entries, in order; each one's receipt or refusal, in order.

        The entries are sequenced contiguously, as if submitted one after another.
        ``gate`` is asked about each new entry before its authorization (see
        :data:`~saksi.ledger.sequencer.Gate`).
        """
        ticket = self._start(entries, gate=gate)
        if not ticket.done.wait(timeout):
            return [_timed_out(timeout or 0) if r is None else r for r in ticket.results]
        return [r if r is not None else stopped_error() for r in ticket.results]

    async def submit_async(
        self, entries: Sequence[bytes], *, timeout: float | None = None, gate: Gate | None = None
    ) -> list[Receipt | SaksiError]:
        """:meth:`submit_many` for an asyncio caller: the entries are parsed (and their
        signatures checked) in the calling thread, then the caller awaits the writer
        without holding a thread. Meant for a few entries (parsing blocks the loop)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            loop.call_soon_threadsafe(_settle_future, done)

        ticket = self._start(entries, wake, gate)
        try:
            await asyncio.wait_for(asyncio.shield(done), timeout)
        except TimeoutError:
            return [_timed_out(timeout or 0) if r is None else r for r in ticket.results]
        return [r if r is not None else stopped_error() for r in ticket.results]

    def _start(
        self,
        entries: Sequence[bytes],
        on_done: Callable[[], None] | None = None,
        gate: Gate | None = None,
    ) -> Ticket:
        """Parse each entry here, queue the parsed ones for the writer; the ticket."""
        ticket = Ticket(len(entries), on_done, gate)
        pendings: list[Pending] = []
        for position, parsed in enumerate(self._parse_all(entries)):
            if isinstance(parsed, SaksiError):
                self._stats.refusal(parsed.code)
                ticket.results[position] = parsed
                ticket.remaining -= 1
                continue
            envelope, violations = parsed
            pendings.append(Pending(envelope, ticket, position, violations=violations))
        if entries and ticket.remaining == 0:
            ticket.finish()
        if pendings:
            try:
                self._sequencer.enqueue(pendings)
            except SaksiError as exc:
                for pending in pendings:
                    ticket.results[pending.position] = exc
                ticket.remaining = 0
                ticket.finish()
        return ticket

    # --- reading ---

    def receipt(self, leaf_hash: bytes) -> Receipt | None:
        """The receipt of the logged entry with this leaf hash (32 bytes), or None."""
        check_leaf_hash(leaf_hash)
        index = self._store.find(leaf_hash)
        if index is None:
            return None
        return self._view.receipt(index, leaf_hash, duplicate=False)

    def proof(self, leaf_hash: bytes) -> str | None:
        """The entry's C2SP tlog-proof against the published checkpoint (with its
        cosignatures), or None while it is not yet covered by one (or not logged)."""
        check_leaf_hash(leaf_hash)
        index = self._store.find(leaf_hash)
        if index is None or index >= self._view.checkpoint_size:
            return None
        published = None if self.witnessing is None else self.witnessing.published
        return self._log.prove(index, checkpoint=published).to_text().decode("utf-8")

    @property
    def authority(self) -> Authority:
        """The authorization state as logged so far, read-only: records are only ever
        added by the sequencer, so reading one from another thread is safe."""
        return self._intake.authority

    def entry(self, index: int) -> bytes:
        """The entry's bytes; StoreError ``store.no-such-entry`` beyond the log."""
        return self._store.entry(index)

    def tps(self, tps: str, contest: str) -> dict[str, Any]:
        """The TPS view: form in force, status, history, witness copies (JSON-ready).

        RegionError for a TPS not in the hierarchy, ContestError for a contest not in
        the election.
        """
        return tps_view(
            self._view,
            self._store,
            self._intake.authority,
            self._opened.hierarchy,
            tps=tps,
            contest=contest,
        )

    def totals(self, contest: str = "ppwp") -> dict[str, int]:
        """Votes per pair over the forms in force that are countable (not inconsistent);
        for a legislative contest per party (B) or DPD candidate, in one dapil:
        ``contest`` is then ``dpr/<dapil>`` (:func:`~saksi.ledger.views.totals_key`)."""
        return self._view.totals(contest)

    def stats(self) -> dict[str, Any]:
        """Counters and gauges for /metrics and /health (see docs/service.md)."""
        size, covered = self._view.size, self._view.checkpoint_size
        out: dict[str, Any] = {
            "ready": self.ready,
            "origin": self.origin,
            "log_size": size,
            "checkpoint_size": covered,
            "backlog": max(0, size - covered),
            "queue": self._sequencer.waiting,
            "replay_seconds": self._opened.replay_seconds,
            "signed_size": covered,
            "published_size": covered,
        }
        if self.witnessing is not None:
            out |= self.witnessing.health()
        out |= self._stats.snapshot()
        out |= self._view.counts()
        return out

    # --- the integrator ---

    def integrate(self) -> None:
        """Sign a new checkpoint if the store is ahead of the last one (and, with
        witnesses, publish it once they cosigned it)."""
        with self._integrate_lock:
            if self._store.closed or self._store.size() <= self._view.checkpoint_size:
                return
            if self.witnessing is not None:
                signed, published = self.witnessing.integrate()
                if signed:
                    self._stats.integrated()
                self._view.set_checkpoint_size(published)
                return
            self._log.integrate()
            self._stats.integrated()
            checkpoint = self._log.signed_checkpoint()
            if checkpoint is not None:
                self._view.set_checkpoint_size(checkpoint.size)

    def _integrate_loop(self) -> None:
        while not self._stop.wait(self.config.integrate_interval):
            if self._view.size <= self._view.checkpoint_size:
                continue
            try:
                self.integrate()
            except SaksiError as exc:  # the entries are durable; retry next time
                self._stats.integrated(exc.code)
                log.error("integration failed: %s", exc.diagnostics())
            except Exception:
                self._stats.integrated("service.internal")
                log.exception("integration failed")

    # --- lifecycle ---

    def _fatal(self, exc: BaseException) -> None:
        self._stop.set()
        callback = self.on_fatal
        if callback is not None:
            callback(exc)

    def close(self) -> None:
        """Log what is queued, sign a last checkpoint, stop the threads, close the store."""
        if self._closed:
            return
        self._closed = True
        self._sequencer.close()
        self.photos.close()
        if self._pool is not None:
            self._pool.close()
        self._stop.set()
        if self._integrator.is_alive():
            self._integrator.join()
        if self._sequencer.failure is None:
            try:
                self.integrate()
            except SaksiError as exc:
                log.error("last integration failed: %s", exc.diagnostics())
        if self.witnessing is not None:
            self.witnessing.close()
        self._log.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def wait_for_checkpoint(self, size: int, timeout: float = 10.0) -> bool:
        """Wait until a published checkpoint covers ``size`` entries (for tests and tools)."""
        deadline = time.monotonic() + timeout
        while self._view.checkpoint_size < size:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True


__all__ = ["ContestsFile", "Ledger", "Receipt"]
