"""``saksi publish SOURCE --out DIR``: the results of a published log as static files.

Folds the publication at ``SOURCE`` (as ``saksi recap`` does) and writes the
snapshots, the national summary and the exports of its checkpoint into ``DIR`` with
:class:`saksi.recap.publish.Publisher`. Run again at a later checkpoint, it writes
only what changed since the last publication in ``DIR``: it folds up to the earlier
tree size, notes what the newer entries touch, and publishes those regions.
"""

from __future__ import annotations

import fcntl
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from saksi.cli.recap import fold_published, load_regions, log_verifier, region_options
from saksi.errors import SaksiError
from saksi.recap.fold import Recap
from saksi.recap.publish import Published, Publisher
from saksi.tlog.remote import PublishedLog, open_published


def fold_since(
    published: PublishedLog, opts: dict[str, Any], previous: int | None
) -> tuple[Recap, set[str] | None]:
    """Fold every entry; return what the entries after ``previous`` touched (None: all)."""
    hierarchy = load_regions(opts["regions"], opts["scale"], opts["seed"])
    verify = bool(opts["verify_signatures"])
    if previous is None or previous > published.size:
        return fold_published(published, hierarchy, verify=verify, progress=False), None
    recap = fold_published(published, hierarchy, verify=verify, progress=False, stop=previous)
    recap.take_touched()
    for entry in published.entries(previous):
        recap.apply_entry(entry, verify=verify)
    return recap, recap.take_touched()


class Follower:
    """Publishes the results of a log at each new checkpoint, folding only new entries."""

    def __init__(self, source: str, out: Path, opts: dict[str, Any]) -> None:
        self.source = source
        self.opts = opts
        self.verifier = log_verifier(opts["log_key"])
        self.publisher = Publisher(out)
        self.recap: Recap | None = None

    def step(self, *, exports: bool) -> Published | None:
        """Publish the source's current checkpoint if it is new, or with ``exports`` its
        exports if it was published without them; None if there was nothing to write."""
        published = open_published(self.source, verifier=self.verifier)
        if self.recap is None:
            self.recap, touched = fold_since(published, self.opts, self.publisher.previous_size)
        else:
            verify = bool(self.opts["verify_signatures"])
            for entry in published.entries(self.recap.size):
                self.recap.apply_entry(entry, verify=verify)
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


def _say(result: Published | None, out: Path, started: float) -> None:
    if result is None:
        return
    elapsed = time.monotonic() - started
    click.echo(
        f"published tree size {result.tree_size:,} (root {result.root_hash}): "
        f"{len(result.files):,} files written to {out} in {elapsed:.1f} s"
    )


def follow(
    follower: Follower,
    out: Path,
    interval: float,
    exports_every: float | None,
    parent: int | None = None,
) -> None:
    """Publish every new checkpoint until SIGTERM or SIGINT (or until process ``parent``
    is gone), then once more with exports.

    The exports (whole-country files, costly nationally) are written at most once every
    ``exports_every`` seconds (None: never): a checkpoint published meanwhile has none,
    and gets them once the interval has passed even if no newer checkpoint comes (a
    quiet log's last checkpoint, the night's last corrections), or when stopping."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    last_exports = float("-inf")
    last_error: str | None = None
    while True:
        started = time.monotonic()
        final = stop.is_set()
        exports = exports_every is not None and (final or started - last_exports >= exports_every)
        try:
            result = follower.step(exports=exports)
        except SaksiError as exc:  # reported, then tried again: the log may be mid-update
            if exc.code != last_error:
                click.echo(_waiting(exc), err=True)
            last_error = exc.code
        else:
            last_error = None
            if result is not None and exports:
                last_exports = started
            _say(result, out, started)
        if final:
            return
        stop.wait(interval)
        if parent is not None and os.getppid() != parent:
            return  # the server that started us is gone (even by SIGKILL): so are we


def _waiting(exc: SaksiError) -> str:
    """What to say while following: a log without its first checkpoint yet is the usual
    start (the service integrates a moment later), not an error."""
    if exc.code == "log.source-no-checkpoint":
        source = exc.details.get("source", "the log")
        return (
            f"waiting for the first checkpoint of {source} / menunggu checkpoint pertama {source}"
        )
    return exc.diagnostics()


@contextmanager
def _only_follower(out: Path) -> Iterator[None]:
    """One follower per results folder: a second one waits until the first has stopped
    (a restarted server's publisher waits for the one a killed server left running)."""
    lock_dir = out / ".state"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with (lock_dir / "follow.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@click.command()
@click.argument("source")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder of the published results (created if needed).",
)
@region_options
@click.option("--no-exports", is_flag=True, help="Write the snapshots only (no NIST/CSV).")
@click.option(
    "--follow",
    "follow_mode",
    is_flag=True,
    help="Keep running: publish each new checkpoint (until SIGTERM/SIGINT).",
)
@click.option(
    "--interval", type=float, default=2.0, show_default=True,
    help="With --follow: seconds between looks at the checkpoint.",
)  # fmt: skip
@click.option(
    "--exports-every", type=float, default=60.0, show_default=True,
    help="With --follow: at most one export (NIST, CSV, anomalies) per this many seconds; "
    "a checkpoint published meanwhile gets its exports once they have passed.",
)  # fmt: skip
@click.option(
    "--parent", type=int, hidden=True, help="With --follow: stop when this process is gone."
)
@click.option(
    "--nice", "niceness", type=click.IntRange(0, 19), default=0, hidden=True,
    help="Lower this process's scheduling priority by this much (the server's publisher).",
)  # fmt: skip
def publish(source: str, out: Path, no_exports: bool, follow_mode: bool, **opts: Any) -> None:
    """Write the results of a published log as static files (only what changed).

    Menulis hasil dari log yang dipublikasikan sebagai berkas statis (hanya yang berubah).
    """
    interval, exports_every = opts.pop("interval"), opts.pop("exports_every")
    parent = opts.pop("parent")
    niceness = opts.pop("niceness")
    if niceness:
        os.nice(niceness)  # results may lag under load; submissions must not
    if follow_mode:
        every = None if no_exports else exports_every
        with _only_follower(out):
            follow(Follower(source, out, opts), out, interval, every, parent)
        return
    follower = Follower(source, out, opts)
    started = time.monotonic()
    result = follower.step(exports=not no_exports)
    if result is None:
        click.echo(f"up to date at tree size {follower.publisher.previous_size:,}")
    _say(result, out, started)


__all__ = ["Follower", "fold_since", "follow", "publish"]
