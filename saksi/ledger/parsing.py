"""The stateless half of admission, in worker processes, for batches.

Parsing an entry (size, canonical JSON, strict schema, Ed25519 signature, election) and
checking its form's arithmetic need no state, and in CPython they hold the interpreter
lock: in the service's one process they would compete with the sequencer for one core.
The lines of a batch are therefore checked in a small pool of worker processes, on the
machine's other cores. What comes back is tiny: for an entry that passed, its leaf hash
and the rules its form breaks (usually none); for a refused one, the refusal (class,
code, both messages, details), rebuilt here as the SaksiError it was. The server then
rebuilds each passed entry's :class:`Envelope` from its bytes with a schema-only
validation (:meth:`Envelope.from_logged`, ~10 µs against ~95 µs for the checks), which costs
the server less than unpickling a whole parsed envelope would, and the workers nothing.
Single statements are parsed in the request's thread: a round trip to a worker would
cost them more than it saves.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import saksi.errors
from saksi.election.envelope import Envelope, parse_entry
from saksi.election.intake import form_violations
from saksi.election.rules import Violation
from saksi.errors import InputError, SaksiError
from saksi.ledger.sequencer import internal_error

log = logging.getLogger("saksi.service")

MIN_CHUNK = 32
"""A batch is split into one task per worker, of at least this many lines."""
MIN_BATCH = 32
"""Smaller batches are parsed in the calling thread."""
WORKER_NICENESS = 10
"""How much lower the workers' scheduling priority is than the server's (``nice``)."""

Refusal = tuple[str, str, str, str, dict[str, Any]]
"""A refusal as it crosses the process boundary: class name, code, en, id, details."""
Checked = tuple[bytes, tuple[Violation, ...]]
"""An entry that passed, as it crosses the process boundary: leaf hash, broken rules."""
Parsed = tuple[Envelope, tuple[Violation, ...]]
"""An entry that passed the stateless checks, with the rules its form breaks."""


def too_large(size: int, limit: int) -> InputError:
    return InputError(
        code="entry.too-large",
        en=f"entry is {size:,} bytes; this service takes entries of at most {limit:,}",
        id=f"entri berukuran {size:,} byte; layanan ini menerima entri paling besar {limit:,} byte",
        size=size,
        limit=limit,
    )


def parse_one(entry: bytes, election: str, max_entry_bytes: int) -> Envelope:
    """What every submitted entry goes through before the sequencer sees it."""
    if isinstance(entry, bytes) and len(entry) > max_entry_bytes:
        raise too_large(len(entry), max_entry_bytes)
    return parse_entry(entry, election=election)


def parse_checked(entry: bytes, election: str, max_entry_bytes: int) -> Parsed:
    """:func:`parse_one`, and the arithmetic rules of the form it carries."""
    envelope = parse_one(entry, election, max_entry_bytes)
    return envelope, form_violations(envelope)


def check_line(entry: bytes, election: str, max_entry_bytes: int) -> Parsed | SaksiError:
    """:func:`parse_checked`, or the entry's refusal. A failure that is not a refusal (a
    bug met by one input) is logged and refused as ``service.internal`` for this entry
    alone: the other lines of its batch get what they would have got without it."""
    try:
        return parse_checked(entry, election, max_entry_bytes)
    except SaksiError as exc:
        return exc
    except Exception:
        log.exception("checking an entry failed unexpectedly")
        return internal_error()


def parse_chunk(
    entries: Sequence[bytes], election: str, max_entry_bytes: int
) -> list[Checked | Refusal]:
    """In a worker: for each entry, its leaf hash and broken rules, or its refusal."""
    out: list[Checked | Refusal] = []
    for entry in entries:
        checked = check_line(entry, election, max_entry_bytes)
        if isinstance(checked, SaksiError):
            out.append((type(checked).__name__, checked.code, checked.message_en,
                        checked.message_id, checked.details))  # fmt: skip
        else:
            envelope, violations = checked
            out.append((envelope.leaf_hash, violations))
    return out


def rebuild(refusal: Refusal) -> SaksiError:
    """The refusal a worker reported, as the SaksiError it was."""
    name, code, en, id_, details = refusal
    cls = getattr(saksi.errors, name, SaksiError)
    if not (isinstance(cls, type) and issubclass(cls, SaksiError)):
        cls = SaksiError
    return cls(code=code, en=en, id=id_, **details)


class ParsePool:
    """Worker processes that parse batch lines; started once, warmed up at start."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_worker_init,
            initargs=(os.getpid(),),
        )
        # Every worker is started now, each submission starting one, with Ctrl-C
        # (SIGINT) blocked in this thread: a worker is born with it blocked, ignores
        # it from its initializer on, and so never dies of a Ctrl-C meant for the
        # server (the terminal sends it to the whole process group).
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            warming = [self._pool.submit(_warm_up) for _ in range(workers)]
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        for future in warming:
            future.result()

    def parse(
        self, entries: Sequence[bytes], election: str, max_entry_bytes: int
    ) -> list[Parsed | SaksiError]:
        """Each entry parsed and checked (or its refusal), in order, as
        :func:`parse_checked` in this thread would answer."""
        chunk = max(MIN_CHUNK, -(-len(entries) // self.workers))  # one task per worker
        starts = range(0, len(entries), chunk)
        futures: list[Future[list[Checked | Refusal]]] = [
            self._pool.submit(parse_chunk, entries[at : at + chunk], election, max_entry_bytes)
            for at in starts
        ]
        out: list[Parsed | SaksiError] = []
        for at, future in zip(starts, futures, strict=True):
            for entry, result in zip(entries[at : at + chunk], future.result(), strict=True):
                out.append(_outcome(entry, result, election, max_entry_bytes))
        return out

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _outcome(
    entry: bytes, result: Checked | Refusal, election: str, max_entry_bytes: int
) -> Parsed | SaksiError:
    if len(result) != 2:
        return rebuild(result)
    leaf_hash, violations = result
    try:  # the worker checked these very bytes in full: the schema is enough here
        return Envelope.from_logged(entry, leaf_hash=leaf_hash), violations
    except Exception:  # cannot happen (the worker parsed these bytes): check them here
        return check_line(entry, election, max_entry_bytes)


def _worker_init(parent: int) -> None:
    """In each worker: yield the processor to the server, let go of the server's standard
    input and output (a supervisor reading them must see them close when the server
    dies), and exit as soon as the server is gone, even if it was killed without a word
    (SIGKILL).

    The server's process holds the serial part of the work (the one writer, the
    integrator that signs checkpoints, the HTTP answers); when the processors are all
    busy, the workers' lower priority lets it run as soon as it has work and leaves the
    workers the rest, instead of an equal share that stretches every group commit and
    every integration (measured on two cores: receipt-to-checkpoint p99 0.8 s instead of
    1.5 s, the same throughput).
    """
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's: it stops the pool
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # blocked since birth
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def _warm_up() -> None:
    """Import everything parsing needs in the worker before the first batch."""
