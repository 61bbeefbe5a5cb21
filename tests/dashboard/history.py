"""The dashboard's small night published at several checkpoints (what changed, feeds,
citations): the log holds the whole night, the results are published incrementally, as
the service does, at three checkpoints.

- ``first``: the first three forms (the agreeing TPS with its copy, the inconsistent
  one, the disputed one without its copies yet);
- ``middle``: then the two disputing witness copies and the form of the TPS that is
  corrected later (its numbers before the correction);
- ``last``: the whole night (the correction, the flagged and plain forms, the D.Hasil).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from saksi.recap.fold import Recap
from saksi.recap.publish import Publisher
from saksi.store import open_store
from saksi.tlog.checkpoint import Checkpoint
from saksi.tlog.hashes import leaf_hash
from saksi.tlog.log import Log
from saksi.tlog.merkle import root
from tests.dashboard.factory import Site, scenario

NIGHT_STEPS = 12
"""The night's statements after its manifest and keys (tests/recap/factory.py)."""


@dataclass(frozen=True)
class History:
    site: Site
    first: int
    middle: int
    last: int


def checkpoint_of(entries: list[bytes], origin: str) -> Checkpoint:
    return Checkpoint(origin, len(entries), root(leaf_hash(e) for e in entries))


def build_history(root_: Path, *, legislative: bool = False) -> History:
    """The night's log under ``root_/log``, its results published at three checkpoints
    (with ``legislative``, the format v2 night, at a third and two thirds of its entries
    and at its end)."""
    book, cases = scenario(legislative=legislative)
    root_.mkdir(parents=True, exist_ok=True)
    log, vkey = Log.create(root_ / "log", book.origin, open_store, durable=False)
    try:
        log.append(book.entries)
        log.integrate()
    finally:
        log.close()
    base = len(book.entries) - NIGHT_STEPS
    first, middle, last = base + 3, base + 7, len(book.entries)
    if legislative:
        first, middle = len(book.entries) // 3, 2 * len(book.entries) // 3
    publisher = Publisher(root_ / "results", durable=False)
    recap = Recap.replay(book.hierarchy, book.entries[:first], contests=book.contests)
    publisher.publish(recap, checkpoint_of(book.entries[:first], book.origin), None)
    recap.take_touched()
    for size in (middle, last):
        for entry in book.entries[first if size == middle else middle : size]:
            recap.apply_entry(entry)
        publisher.publish(
            recap, checkpoint_of(book.entries[:size], book.origin), recap.take_touched()
        )
    return History(Site(root_, book, cases, vkey), first, middle, last)


__all__ = ["NIGHT_STEPS", "History", "build_history", "checkpoint_of"]
