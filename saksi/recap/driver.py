"""The fold driver: a publication (folder or URL) read and folded into a :class:`Recap`.

What ``saksi recap``, ``saksi publish`` and the live publisher beside ``saksi serve``
(:mod:`saksi.recap.follow`) share: the election's hierarchy (a region file, or the
synthetic one of a scale and seed), the contests file a format v2 manifest names,
the log's verifier key, and the fold of every entry of the publication up to a size.
The options are one typed value (:class:`FoldOptions`); the command line only turns
its flags into it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from saksi.election.legislative import Contests
from saksi.election.regions import Hierarchy
from saksi.election.statements import Manifest
from saksi.election.synthetic import synthetic_hierarchy
from saksi.errors import InputError, SaksiError
from saksi.recap.entries import read_entry
from saksi.recap.fold import Recap, contests_mismatch, contests_required
from saksi.tlog.note import NoteVerifier
from saksi.tlog.remote import PublishedLog, open_published

__all__ = [
    "DEFAULT_SCALE",
    "DEFAULT_SEED",
    "RECORDED_CONTESTS",
    "WORKERS_FROM",
    "FoldOptions",
    "Progress",
    "fold_published",
    "fold_since",
    "load_contests",
    "load_regions",
    "log_verifier",
    "open_and_fold",
    "reading_workers",
    "recorded_contests",
]

DEFAULT_SCALE: Final = 0.005
DEFAULT_SEED: Final = 2024
PROGRESS_EVERY: Final = 1.0
WORKERS_FROM: Final = 50_000
"""Fewer entries are folded faster in one process than a reading worker starts."""
RECORDED_CONTESTS: Final = "contests.json.gz"
"""The contests file a data folder keeps beside its log (``DATA/contests.json.gz``,
beside ``DATA/regions.json.gz``), found when the source is ``DATA/log``."""
"""Seconds between two progress reports of a fold."""

Progress = Callable[[int, int, float], None]
"""Told, at most once a second during a fold: entries folded, entries in the
publication, entries folded per second."""


def load_regions(regions: Path | None, scale: float | None, seed: int | None) -> Hierarchy:
    """The hierarchy of the region file ``regions``, or else the synthetic one of
    ``scale`` and ``seed`` (by default :data:`DEFAULT_SCALE`, :data:`DEFAULT_SEED`)."""
    if regions is not None:
        return Hierarchy.load(regions)
    return synthetic_hierarchy(
        scale=DEFAULT_SCALE if scale is None else scale,
        seed=DEFAULT_SEED if seed is None else seed,
    )


def load_contests(path: Path | None, manifest: Manifest) -> Contests | None:
    """The contests file ``manifest`` names, read from ``path`` and checked against its
    digest (None when the manifest names none: ``path`` is then not read).
    ``recap.contests-required`` without a path, ``recap.contests-mismatch`` for a file
    of other bytes."""
    digest = manifest.contests_digest
    if digest is None:
        return None
    if path is None:
        raise contests_required(digest)
    try:
        return Contests.load(path, digest=digest)
    except InputError as exc:
        if exc.code != "input.contests-digest":
            raise
        raise contests_mismatch(digest, str(exc.details.get("found", "")), str(path)) from None


def recorded_contests(source: str) -> Path | None:
    """``DATA/contests.json.gz`` when ``source`` is a data folder's log (``DATA/log``)
    and the folder holds one; None otherwise (a URL, or no such file)."""
    if source.startswith(("http://", "https://")):
        return None
    found = Path(source).parent / RECORDED_CONTESTS
    return found if found.is_file() else None


def log_verifier(vkey: str | None) -> NoteVerifier | None:
    """The log's note verifier of ``vkey`` (None: the checkpoint's signature is not
    checked); ``cli.bad-log-key`` if it is not one."""
    if vkey is None:
        return None
    try:
        return NoteVerifier.from_vkey(vkey)
    except SaksiError as exc:
        raise InputError(
            code="cli.bad-log-key",
            en=f"--log-key is not a note verifier key: {exc.message_en}",
            id=f"--log-key bukan kunci verifikasi catatan: {exc.message_id}",
        ) from None


@dataclass(frozen=True)
class FoldOptions:
    """How a publication is read and folded."""

    regions: Path | None = None
    """The election's region file; None: the synthetic hierarchy of ``scale``, ``seed``."""
    scale: float | None = None
    seed: int | None = None
    log_key: str | None = None
    """The log's verifier key: the checkpoint's signature is checked (None: it is not)."""
    verify_signatures: bool = False
    """Check every entry's Ed25519 signature too (slower; ``saksi verify`` checks all)."""
    contests: Path | None = None
    """The contests file a format v2 manifest names (read only for such a log)."""
    workers: int | None = None
    """Processes reading entries beside the fold (:meth:`Recap.extend`); None: one on
    a machine of two cores or more when at least :data:`WORKERS_FROM` entries are to be
    folded, else none."""

    def hierarchy(self) -> Hierarchy:
        return load_regions(self.regions, self.scale, self.seed)

    def with_recorded_contests(self, source: str) -> FoldOptions:
        """These options, with the contests file ``source``'s data folder keeps when
        none is given (:func:`recorded_contests`)."""
        if self.contests is not None:
            return self
        found = recorded_contests(source)
        return self if found is None else replace(self, contests=found)

    def verifier(self) -> NoteVerifier | None:
        return log_verifier(self.log_key)


def fold_published(
    published: PublishedLog,
    hierarchy: Hierarchy,
    *,
    verify: bool,
    progress: Progress | None = None,
    stop: int | None = None,
    contests: Path | None = None,
    workers: int | None = None,
) -> Recap:
    """The publication's entries (up to ``stop``, default all) folded; ``progress`` is
    told how far it is (entries read), at most once a second; ``contests``: the contests
    file, read if the manifest names one (:func:`load_contests`); ``workers``: see
    :attr:`FoldOptions.workers`."""
    entries = published.entries(0, stop)
    first = next(entries, None)
    if first is None:
        return Recap.replay(hierarchy, [], verify=verify)  # recap.empty-log
    manifest = read_entry(0, first, verify=verify)
    stmt = manifest.stmt
    recap = Recap(
        hierarchy, manifest, load_contests(contests, stmt) if isinstance(stmt, Manifest) else None
    )
    total = published.size if stop is None else min(stop, published.size)
    recap.extend(
        entries if progress is None else _told(entries, 1, total, progress),
        verify=verify,
        workers=reading_workers(total) if workers is None else workers,
    )
    return recap


def reading_workers(entries: int) -> int:
    """:attr:`FoldOptions.workers`' default for a fold of ``entries``."""
    return 1 if entries >= WORKERS_FROM and (os.cpu_count() or 1) >= 2 else 0


def _told(entries: Iterator[bytes], read: int, total: int, progress: Progress) -> Iterator[bytes]:
    started = last = time.monotonic()
    for entry in entries:
        yield entry
        read += 1
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY:
            last = now
            progress(read, total, read / (now - started))


def open_and_fold(
    source: str, options: FoldOptions, *, progress: Progress | None = None
) -> tuple[PublishedLog, Recap]:
    """The publication at ``source`` and its entries folded, as ``options`` say."""
    published = open_published(source, verifier=options.verifier())
    recap = fold_published(
        published, options.hierarchy(), verify=options.verify_signatures, progress=progress,
        contests=options.contests, workers=options.workers,
    )  # fmt: skip
    return published, recap


def fold_since(
    published: PublishedLog, options: FoldOptions, previous: int | None
) -> tuple[Recap, set[str] | None]:
    """Fold every entry; return what the entries after ``previous`` touched (None: all)."""
    hierarchy = options.hierarchy()
    verify = options.verify_signatures
    contests = options.contests
    workers = options.workers
    if previous is None or previous > published.size:
        folded = fold_published(
            published, hierarchy, verify=verify, contests=contests, workers=workers
        )
        return folded, None
    recap = fold_published(
        published, hierarchy, verify=verify, stop=previous, contests=contests, workers=workers
    )
    recap.take_touched()
    recap.take_legislative_touched()  # the Publisher takes what the entries after touch
    for entry in published.entries(previous):
        recap.apply_entry(entry, verify=verify)
    return recap, recap.take_touched()
