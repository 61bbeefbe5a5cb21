"""``saksi publish SOURCE --out DIR``: the results of a published log as static files.

Folds the publication at ``SOURCE`` (as ``saksi recap`` does) and writes the
snapshots, the national summary and the exports of its checkpoint into ``DIR`` with
:class:`saksi.recap.follow.Follower`. Run again at a later checkpoint, it writes
only what changed since the last publication in ``DIR``: it folds up to the earlier
tree size, notes what the newer entries touch, and publishes those regions. With
``--follow`` it keeps doing so (:func:`saksi.recap.follow.follow`) until SIGTERM or
SIGINT; this module only reads the flags and prints.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import click

from saksi.cli.recap import fold_options, region_options
from saksi.errors import SaksiError
from saksi.recap.follow import Follower, follow, only_follower
from saksi.recap.publish import Published


def _say(result: Published | None, out: Path, started: float) -> None:
    if result is None:
        return
    elapsed = time.monotonic() - started
    click.echo(
        f"published tree size {result.tree_size:,} (root {result.root_hash}): "
        f"{len(result.files):,} files written to {out} in {elapsed:.1f} s"
    )


def _waiting(exc: SaksiError) -> str:
    """What to say while following: a log without its first checkpoint yet is the usual
    start (the service integrates a moment later), not an error."""
    if exc.code == "log.source-no-checkpoint":
        source = exc.details.get("source", "the log")
        return (
            f"waiting for the first checkpoint of {source} / menunggu checkpoint pertama {source}"
        )
    return exc.diagnostics()


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
def publish(
    source: str,
    *,
    out: Path,
    no_exports: bool,
    follow_mode: bool,
    interval: float,
    exports_every: float,
    parent: int | None,
    niceness: int,
    **flags: Any,
) -> None:
    """Write the results of a published log as static files (only what changed).

    Menulis hasil dari log yang dipublikasikan sebagai berkas statis (hanya yang berubah).
    """
    if niceness:
        os.nice(niceness)  # results may lag under load; submissions must not
    options = fold_options(source, **flags)
    if follow_mode:
        with only_follower(out):
            stop = threading.Event()
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
            follow(
                Follower(source, out, options),
                interval=interval,
                exports_every=None if no_exports else exports_every,
                stop=stop,
                parent=parent,
                published=lambda result, started: _say(result, out, started),
                waiting=lambda error: click.echo(_waiting(error), err=True),
            )
        return
    follower = Follower(source, out, options)
    started = time.monotonic()
    result = follower.step(exports=not no_exports)
    if result is None:
        click.echo(f"up to date at tree size {follower.publisher.previous_size:,}")
    _say(result, out, started)


__all__ = ["publish"]
