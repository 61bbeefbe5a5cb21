"""A small published election for the dashboard: a signed log and the Publisher's files.

:func:`scenario` is tiny() (2 provinsi, 4 desa, 2 TPS each) with every case a page
must show (tests/recap/factory.py's night()): a counted form with photos and an
agreeing witness copy, an inconsistent form (a misread box: 48 read as 948), two
disputing witness copies (5 and 2 votes moved), a form corrected by KPU Kab/Kota with
a reason, a flagged (unanimous) form, two plain forms, one TPS missing, and a D.Hasil
inflated by 37 votes for pair 02 at kecamatan 317301. :func:`build` writes
``ROOT/log`` (C2SP tlog-tiles, signed) and ``ROOT/results`` (the Publisher's files
with exports), as ``saksi serve`` does under its data folder; ``build(root,
legislative=True)`` the same night as a format v2 log with legislative entries of every
kind between its PPWP statements (its five ballots: tests/dashboard/test_pages_legislative.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from saksi.election.contests import ContestKind
from saksi.election.forms import CHasilPPWP
from saksi.recap.fold import Recap
from saksi.recap.publish import Publisher
from saksi.sim.logbook import Logbook
from saksi.store import open_store
from saksi.tlog.log import Log
from tests.recap.factory import differing, legislative_night, night, tiny_contests

DPR = ContestKind.DPR

CONTEST = "ppwp"
REASON = "hitung ulang pleno <PPK>"
"""The correction's reason (with markup characters: the pages must escape it)."""


def photo_bytes(tps: str, page: int) -> bytes:
    return f"JPEG of the C.Hasil of TPS {tps}, page {page}".encode()


def with_photos(form: CHasilPPWP, tps: str) -> CHasilPPWP:
    hashes = tuple(hashlib.sha256(photo_bytes(tps, p)).hexdigest() for p in (1, 2))
    return form.model_copy(update={"foto": hashes})


@dataclass(frozen=True)
class Cases:
    """The TPS of each case, by what the pages must show of it."""

    agreeing: str
    inconsistent: str
    disputed: str
    corrected: str
    flagged: str
    missing: str


def scenario(*, legislative: bool = False) -> tuple[Logbook, Cases]:
    between: Callable[[Logbook, int], object] = legislative_night
    if legislative:
        book = night(reason=REASON, first=with_photos, contests=tiny_contests(), between=between)
    else:
        book = night(reason=REASON, first=with_photos)
    tps = list(book.iter_tps())
    return book, Cases(tps[0], tps[1], tps[2], tps[3], tps[4], tps[7])


@dataclass(frozen=True)
class Site:
    root: Path
    book: Logbook
    cases: Cases
    vkey: str

    @property
    def results(self) -> Path:
        return self.root / "results"

    @property
    def log(self) -> Path:
        return self.root / "log"


RAISED = 40
"""The votes :func:`dhasil_raised`'s D.Hasil adds to one party."""


def dhasil_raised(book: Logbook, cases: Cases) -> None:
    """After the legislative night: KPU Kab/Kota 3201's DPR D.Hasil for its dapil (all
    of it within the kab/kota), the dapil's true totals with its first party raised by
    :data:`RAISED` (so it differs from its forms by exactly that), and a DPR witness copy
    at the last TPS but one that differs from its form."""
    tps = list(book.iter_tps())[6]
    code, _ = book.district(tps, DPR)
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    totals = recap.legislative("dpr").dapil_totals(code).to_dict()
    party = sorted(totals["partai"], key=int)[0]
    totals["partai"][party]["suara_partai"] += RAISED
    totals["partai"][party]["suara_sah_partai"] += RAISED
    totals["suara_sah"] += RAISED
    totals["suara_total"] += RAISED
    book.legislative_d_hasil("3201", DPR, code, totals)
    book.legislative_c_salinan(tps, DPR, "2", differing(book.true_legislative_form(tps, DPR)))


def build(
    root: Path,
    *,
    legislative: bool = False,
    more: Callable[[Logbook, Cases], None] | None = None,
) -> Site:
    """The scenario's log and results under ``root`` (``more``: entries logged after
    the night's, e.g. :func:`dhasil_raised`)."""
    book, cases = scenario(legislative=legislative)
    if more is not None:
        more(book, cases)
    root.mkdir(parents=True, exist_ok=True)
    log, vkey = Log.create(root / "log", book.origin, open_store, durable=False)
    try:
        log.append(book.entries)
        log.integrate()
        checkpoint, note = log.signed_checkpoint(), log.checkpoint()
    finally:
        log.close()
    assert checkpoint is not None and note is not None
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    Publisher(root / "results", durable=False).publish(
        recap, checkpoint, None, checkpoint_note=note
    )
    return Site(root, book, cases, vkey)


__all__ = ["CONTEST", "RAISED", "REASON", "Cases", "Site", "build", "dhasil_raised", "photo_bytes",
           "scenario", "with_photos"]  # fmt: skip
