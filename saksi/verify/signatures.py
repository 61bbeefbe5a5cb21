"""The entries checked on every core: :func:`saksi.verify.entries.check_run` (size,
canonical form, schema, signature, the form's rules, and the chunk's leaf hashes as a
few perfect subtrees) in a pool of worker processes, or in this process with
``workers=0``; results come back in log order, a bounded number of chunks ahead.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from saksi.verify.entries import Checked, Subtrees, check_run


class EntryChecker:
    """Runs :func:`check_run` over chunks in ``workers`` processes (0: in this one)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(workers, mp_context=context)

    def map(
        self, chunks: Iterable[tuple[int, list[bytes]]]
    ) -> Iterator[tuple[int, list[Checked], Subtrees]]:
        """``(first index, checked, leaf hashes as subtrees)`` for each chunk, in order."""
        if self._pool is None:
            for first, chunk in chunks:
                yield first, *check_run(first, chunk)
            return
        pending: deque[tuple[int, Future[tuple[list[Checked], Subtrees]]]] = deque()
        for first, chunk in chunks:
            pending.append((first, self._pool.submit(check_run, first, chunk)))
            if len(pending) > 2 * self.workers:
                first_, future = pending.popleft()
                yield first_, *future.result()
        while pending:
            first_, future = pending.popleft()
            yield first_, *future.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> EntryChecker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["EntryChecker"]
