"""``saksi publish SOURCE --out DIR``: the results of a published log as static files.

Folds the publication at ``SOURCE`` (as ``saksi recap`` does) and writes the
snapshots, the national summary and the exports of its checkpoint into ``DIR`` with
:class:`saksi.recap.publish.Publisher`. Run again at a later checkpoint, it writes
only what changed since the last publication in ``DIR``: it folds up to the earlier
tree size, notes what the newer entries touch, and publishes those regions.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from saksi.cli.recap import load_regions, log_verifier, region_options
from saksi.recap.fold import Recap
from saksi.recap.publish import Publisher
from saksi.tlog.remote import PublishedLog, open_published


def fold_since(
    published: PublishedLog, opts: dict[str, Any], previous: int | None
) -> tuple[Recap, set[str] | None]:
    """Fold every entry; return what the entries after ``previous`` touched (None: all)."""
    hierarchy = load_regions(opts["regions"], opts["scale"], opts["seed"])
    verify = bool(opts["verify_signatures"])
    entries = published.entries()
    first = next(entries, None)
    recap = Recap.replay(hierarchy, [] if first is None else [first], verify=verify)
    for entry in entries:
        if previous is not None and recap.size == previous:
            recap.take_touched()
        recap.apply_entry(entry, verify=verify)
    if previous is None or previous > recap.size:
        return recap, None
    if recap.size == previous:
        recap.take_touched()
    return recap, recap.take_touched()


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
def publish(source: str, out: Path, no_exports: bool, **opts: Any) -> None:
    """Write the results of a published log as static files (only what changed).

    Menulis hasil dari log yang dipublikasikan sebagai berkas statis (hanya yang berubah).
    """
    started = time.monotonic()
    published = open_published(source, verifier=log_verifier(opts["log_key"]))
    publisher = Publisher(out)
    recap, touched = fold_since(published, opts, publisher.previous_size)
    result = publisher.publish(
        recap,
        published.checkpoint,
        touched,
        checkpoint_note=published.note,
        exports=not no_exports,
    )
    elapsed = time.monotonic() - started
    click.echo(
        f"published tree size {result.tree_size:,} (root {result.root_hash}): "
        f"{len(result.files):,} files written to {out} in {elapsed:.1f} s"
    )


__all__ = ["fold_since", "publish"]
