"""The live publisher: the results of a log published at each new checkpoint.

``saksi publish --follow`` runs it, and ``saksi serve`` runs that beside itself
(:mod:`saksi.ledger.results`). :class:`Follower` folds only the entries that are new
since its last look and writes only what they changed (:class:`Publisher`);
:func:`follow` looks again every ``interval`` seconds until told to stop, writing the
costly exports at most once every ``exports_every`` seconds; :func:`only_follower`
keeps one follower per results folder.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from saksi.errors import SaksiError
from saksi.recap.driver import FoldOptions, fold_since
from saksi.recap.fold import Recap
from saksi.recap.publish import Published, Publisher
from saksi.tlog.remote import open_published

__all__ = ["Follower", "follow", "only_follower"]


class Follower:
    """Publishes the results of a log at each new checkpoint, folding only new entries."""

    def __init__(self, source: str, out: Path, options: FoldOptions) -> None:
        self.source = source
        self.options = options
        self.verifier = options.verifier()
        self.publisher = Publisher(out)
        self.recap: Recap | None = None

    def step(self, *, exports: bool) -> Published | None:
        """Publish the source's current checkpoint if it is new, or with ``exports`` its
        exports if it was published without them; None if there was nothing to write."""
        published = open_published(self.source, verifier=self.verifier)
        if self.recap is None:
            self.recap, touched = fold_since(published, self.options, self.publisher.previous_size)
        else:
            for entry in published.entries(self.recap.size):
                self.recap.apply_entry(entry, verify=self.options.verify_signatures)
            touched = self.recap.take_touched()
        size = published.size
        if self.publisher.previous_size == size and (
            not exports or self.publisher.exports_size == size
        ):
            return None
        return self.publisher.publish(
            self.recap, published.checkpoint, touched,
            checkpoint_note=published.note, exports=exports,
        )  # fmt: skip


def follow(
    follower: Follower,
    *,
    interval: float,
    exports_every: float | None,
    stop: threading.Event,
    parent: int | None = None,
    published: Callable[[Published | None, float], None] = lambda result, started: None,
    waiting: Callable[[SaksiError], None] = lambda error: None,
) -> None:
    """Publish every new checkpoint until ``stop`` is set (or until process ``parent``
    is gone), then once more with exports.

    The exports (whole-country files, costly nationally) are written at most once every
    ``exports_every`` seconds (None: never): a checkpoint published meanwhile has none,
    and gets them once the interval has passed even if no newer checkpoint comes (a
    quiet log's last checkpoint, the night's last corrections), or when stopping.

    After each look, ``published`` is told its result (None: nothing new) and when the
    look began (``time.monotonic``); a look that fails (the log may be mid-update: it is
    tried again) is told to ``waiting``, once until another error or a success."""
    last_exports = float("-inf")
    last_error: str | None = None
    while True:
        started = time.monotonic()
        final = stop.is_set()
        exports = exports_every is not None and (final or started - last_exports >= exports_every)
        try:
            result = follower.step(exports=exports)
        except SaksiError as exc:
            if exc.code != last_error:
                waiting(exc)
            last_error = exc.code
        else:
            last_error = None
            if result is not None and exports:
                last_exports = started
            published(result, started)
        if final:
            return
        stop.wait(interval)
        if parent is not None and os.getppid() != parent:
            return  # the server that started us is gone (even by SIGKILL): so are we


@contextmanager
def only_follower(out: Path) -> Iterator[None]:
    """One follower per results folder: a second one waits until the first has stopped
    (a restarted server's publisher waits for the one a killed server left running)."""
    lock_dir = out / ".state"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with (lock_dir / "follow.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
