"""The stateless half of admission, in worker processes, for batches.

Parsing an entry (size, canonical JSON, strict schema, Ed25519 signature, election) needs
no state, and in CPython it holds the interpreter lock: in the service's one process
it competes with the sequencer for one core. Batches are therefore parsed in a small
pool of worker processes, on the machine's other cores; what comes back is the parsed
:class:`Envelope` (pickled, with its bytes and leaf hash: ~12 µs to unpickle against
~85 µs to parse) or the refusal, rebuilt here with its class, code and both messages.
Single statements are parsed in the request's thread: a round trip to a worker would
cost them more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
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

MIN_CHUNK = 32
"""A batch is split into one task per worker, of at least this many lines."""
MIN_BATCH = 32
"""Smaller batches are parsed in the calling thread."""

Refusal = tuple[str, str, str, str, dict[str, Any]]
"""A refusal as it crosses the process boundary: class name, code, en, id, details."""
Parsed = tuple[Envelope, tuple[Violation, ...]]
"""An entry that passed the stateless checks, with the rules its form breaks."""


def too_large(size: int, limit: int) -> InputError:
    return InputError(
        f"entry is {size:,} bytes; this service takes entries of at most {limit:,}",
        f"entri berukuran {size:,} byte; layanan ini menerima entri paling besar {limit:,} byte",
        code="entry.too-large",
        details={"size": size, "limit": limit},
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


def parse_chunk(
    entries: Sequence[bytes], election: str, max_entry_bytes: int
) -> list[Parsed | Refusal]:
    """In a worker: each entry parsed and checked, or its refusal in a picklable form."""
    out: list[Parsed | Refusal] = []
    for entry in entries:
        try:
            out.append(parse_checked(entry, election, max_entry_bytes))
        except SaksiError as exc:
            out.append((type(exc).__name__, exc.code, exc.message_en, exc.message_id,
                        exc.details))  # fmt: skip
    return out


def rebuild(refusal: Refusal) -> SaksiError:
    """The refusal a worker reported, as the SaksiError it was."""
    name, code, en, id_, details = refusal
    cls = getattr(saksi.errors, name, SaksiError)
    if not (isinstance(cls, type) and issubclass(cls, SaksiError)):
        cls = SaksiError
    return cls(en, id_, code=code, details=details)


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
        self._pool.submit(_warm_up).result()

    def parse(
        self, entries: Sequence[bytes], election: str, max_entry_bytes: int
    ) -> list[Parsed | SaksiError]:
        chunk = max(MIN_CHUNK, -(-len(entries) // self.workers))  # one task per worker
        futures: list[Future[list[Parsed | Refusal]]] = [
            self._pool.submit(parse_chunk, entries[at : at + chunk], election, max_entry_bytes)
            for at in range(0, len(entries), chunk)
        ]
        out: list[Parsed | SaksiError] = []
        for future in futures:
            out += [_parsed_or_refusal(r) for r in future.result()]
        return out

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _parsed_or_refusal(result: Parsed | Refusal) -> Parsed | SaksiError:
    if isinstance(result[0], Envelope):
        return result
    return rebuild(result)


def _worker_init(parent: int) -> None:
    """In each worker: let go of the server's standard input and output (a supervisor
    reading them must see them close when the server dies), and exit as soon as the
    server is gone, even if it was killed without a word (SIGKILL)."""
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
