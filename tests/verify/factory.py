"""Real publications for the verifier's tests: a signed log, the Publisher's results, photos.

:func:`build` writes ``PUB/log`` (a :class:`~saksi.tlog.log.Log`), ``PUB/results``
(:class:`~saksi.recap.publish.Publisher`) and ``PUB/photos/<sha256>`` for a tiny
election whose forms cite photos. :func:`relog` rebuilds ``PUB/log`` from another
list of entries, signed with the same log key (what an operator who controls the
key could do), so the attacks are real files with valid log signatures.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from saksi.election.forms import CHasilPPWP
from saksi.recap.fold import Recap
from saksi.recap.publish import Publisher
from saksi.sim.logbook import Logbook
from saksi.store import open_store
from saksi.tlog.log import Log
from tests.recap.factory import shifted, tiny


def photo_bytes(tps: str, page: int) -> bytes:
    return f"JPEG of the C.Hasil of TPS {tps}, page {page}".encode()


def with_photos(form: CHasilPPWP, tps: str) -> CHasilPPWP:
    hashes = tuple(hashlib.sha256(photo_bytes(tps, p)).hexdigest() for p in (1, 2))
    return form.model_copy(update={"foto": hashes})


@dataclass
class Pub:
    """A publication folder and what a reader needs to check it."""

    root: Path
    book: Logbook
    vkey: str
    skey: str
    regions: Path
    tps: list[str] = field(default_factory=list)

    @property
    def log_dir(self) -> Path:
        return self.root / "log"

    @property
    def results(self) -> Path:
        return self.root / "results"

    @property
    def photos(self) -> Path:
        return self.root / "photos"

    def checkpoint(self) -> bytes:
        return (self.log_dir / "checkpoint").read_bytes()


def _write_log(directory: Path, book: Logbook, entries: list[bytes], skey: str | None) -> str:
    log, vkey = Log.create(directory, book.origin, open_store, skey=skey, durable=False)
    try:
        log.append(entries)
        log.integrate()
    finally:
        log.close()
    return vkey


def publish_results(pub: Pub, entries: list[bytes] | None = None) -> None:
    """The Publisher's files for the log as it is now (folded from ``entries``)."""
    log = Log.open(pub.log_dir, open_store, durable=False)
    try:
        checkpoint, note = log.signed_checkpoint(), log.checkpoint()
    finally:
        log.close()
    assert checkpoint is not None and note is not None
    recap = Recap.replay(pub.book.hierarchy, entries or pub.book.entries)
    Publisher(pub.results, durable=False).publish(recap, checkpoint, None, checkpoint_note=note)


def build(root: Path, *, photos: bool = True) -> Pub:
    """A clean publication: 6 of 8 TPS with forms (photos cited), a copy, a correction."""
    book = tiny()
    tps = list(book.iter_tps())
    for code in tps[:6]:
        book.c_hasil(code, with_photos(book.true_form(code), code))
    book.c_salinan(tps[1], "1")
    book.correction(tps[2], with_photos(shifted(book.true_form(tps[2]), 3), tps[2]))
    regions = root / "regions.json"
    root.mkdir(parents=True, exist_ok=True)
    book.hierarchy.save(regions)
    vkey = _write_log(root / "log", book, book.entries, None)
    skey = (root / "log" / ".state" / "log.key").read_text().strip()
    pub = Pub(root, book, vkey, skey, regions, tps)
    publish_results(pub)
    if photos:
        pub.photos.mkdir()
        for code in tps[:6]:
            for page in (1, 2):
                data = photo_bytes(code, page)
                (pub.photos / hashlib.sha256(data).hexdigest()).write_bytes(data)
    return pub


def relog(pub: Pub, entries: list[bytes], *, drop_results: bool = False) -> None:
    """Replace ``PUB/log`` with a log of ``entries`` signed by the same log key
    (``drop_results``: and remove the results, which were of the old log)."""
    fresh = pub.root / "relog"
    _write_log(fresh, pub.book, entries, pub.skey)
    shutil.rmtree(pub.log_dir)
    fresh.rename(pub.log_dir)
    if drop_results:
        shutil.rmtree(pub.results)


def grow(pub: Pub, entries: list[bytes]) -> None:
    """Append ``entries`` to the published log (a new checkpoint)."""
    log = Log.open(pub.log_dir, open_store, durable=False)
    try:
        log.append(entries)
        log.integrate()
    finally:
        log.close()


__all__ = ["Pub", "build", "grow", "photo_bytes", "publish_results", "relog", "with_photos"]
