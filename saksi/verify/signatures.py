"""Every entry's canonical form and Ed25519 signature, checked on every core.

:func:`check_chunk` is the stateless half of verifying entries ``first, first+1, ...``
(whole entry bundles at a time): each is read with
:func:`~saksi.election.envelope.parse_entry` (size, canonical RFC 8785 form, schema,
signature) and its form's rules are checked, in a worker process. An entry that
fails comes back as its error (code and bilingual message), never as an exception,
so one bad entry does not hide the next. :class:`EntryChecker` runs chunks in a pool
of worker processes (or in this process with ``workers=0``) and yields the results
in log order, a bounded number of chunks ahead.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from saksi.election.envelope import Envelope, parse_entry
from saksi.election.rules import Violation, check_values
from saksi.election.statements import CHasil, Correction, cited_photos
from saksi.errors import SaksiError
from saksi.recap.totals import Layout


@dataclass(frozen=True)
class Checked:
    """One entry after the worker: its envelope (None if it failed), its form's rules,
    the photo hashes it cites, and the error that refused it."""

    envelope: Envelope | None
    violations: tuple[Violation, ...] | None
    photos: tuple[str, ...]
    error: tuple[str, str, str] | None  # (code, message_en, message_id)


_LAYOUTS: dict[tuple[str, ...], Layout] = {}


def _violations(envelope: Envelope) -> tuple[Violation, ...] | None:
    stmt = envelope.stmt
    if not isinstance(stmt, CHasil | Correction):
        return None
    form = stmt.form
    pairs = form.pairs
    layout = _LAYOUTS.get(pairs)
    if layout is None:
        layout = _LAYOUTS[pairs] = Layout(pairs)
    return check_values(form, layout.values(form), pairs)


def check_entry(data: bytes) -> Checked:
    """One entry checked completely: canonical form, schema, signature, form rules."""
    try:
        envelope = parse_entry(data)
    except SaksiError as exc:
        return Checked(None, None, (), (exc.code, exc.message_en, exc.message_id))
    return Checked(envelope, _violations(envelope), cited_photos(envelope.stmt), None)


def check_chunk(chunk: Sequence[bytes]) -> list[Checked]:
    """Every entry of ``chunk`` checked; envelopes go back without their bytes (the
    caller has them: :func:`saksi.recap.entries.restore_bytes`) but with the leaf hash."""
    out: list[Checked] = []
    for data in chunk:
        checked = check_entry(data)
        envelope = checked.envelope
        if envelope is not None:
            _ = envelope.leaf_hash  # cached in __dict__, which is what travels
            envelope.__dict__.pop("stmt_bytes", None)
            envelope.__dict__.pop("entry_bytes", None)
        out.append(checked)
    return out


class EntryChecker:
    """Runs :func:`check_chunk` over chunks in ``workers`` processes (0: in this one)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(workers, mp_context=context)

    def map(
        self, chunks: Iterable[tuple[int, list[bytes]]]
    ) -> Iterator[tuple[int, list[bytes], list[Checked]]]:
        """``(first index, entries, checked)`` for each chunk, in order."""
        if self._pool is None:
            for first, chunk in chunks:
                yield first, chunk, check_chunk(chunk)
            return
        pending: deque[tuple[int, list[bytes], Future[list[Checked]]]] = deque()
        for first, chunk in chunks:
            pending.append((first, chunk, self._pool.submit(check_chunk, chunk)))
            if len(pending) > 2 * self.workers:
                first_, chunk_, future = pending.popleft()
                yield first_, chunk_, future.result()
        while pending:
            first_, chunk_, future = pending.popleft()
            yield first_, chunk_, future.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> EntryChecker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Checked", "EntryChecker", "check_chunk", "check_entry", "cited_photos"]
