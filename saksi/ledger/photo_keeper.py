"""Photos of forms: who may upload one, where it waits, and when it is kept for good.

:class:`PhotoKeeper` is the service's side of ``POST /v1/photos`` and
``GET /v1/photos/{sha256}`` (docs/api.md, "Photos"; docs/service.md, "Photos"):

1. an upload carries a ``saksi/photo/v1`` signature (:mod:`saksi.election.photo_upload`)
   by a key the log knows, not revoked, of a role that signs statements citing photos;
2. it waits in the staging area (:mod:`saksi.ledger.photo_stage`), bounded per key
   and in total, for at most ``photo_stage_ttl`` seconds;
3. the keeper's thread reads each entry the log commits: the photos a statement cites
   move from the staging area into the store, where they stay forever (as entries
   do); a ``key-revoke`` drops the revoked key's uncited photos; photos whose time is
   up are deleted. How far the log was read is kept in ``DATA/photos/cited-through``,
   so a restart goes on from there (nothing cited is missed by a crash).

Only photos in the store are served: an uncited upload is never published. The
keeper never takes the writer's lock to stage a photo; only the move of a cited
photo writes to the store.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from saksi.election.authority import Authority
from saksi.election.photo_upload import PhotoSignature
from saksi.election.statements import KeyRevocation, cited_photos
from saksi.errors import HttpError, SaksiError
from saksi.ledger.config import ServiceConfig
from saksi.ledger.exposition import family
from saksi.ledger.photo_stage import PhotoStage
from saksi.ledger.views import LedgerView, parse_stored
from saksi.store.base import Store

log = logging.getLogger("saksi.service")

PASS_EVERY: Final = 1.0
"""Seconds between the keeper's passes while the log does not grow (for expiry)."""
PASS_GAP: Final = 0.1
"""Seconds between the keeper's looks at the log (a busy log is read in chunks of
about this long, not once per commit)."""
MARK_EVERY: Final = 10.0
"""Seconds at least between two writes of ``cited-through`` (a synced file: written on
every pass it would compete with the log's own fsyncs; a restart reads on from it)."""
_MAY_CITE: Final = (b'"foto":["', b'"evidence":["', b'"type":"key-revoke"')
"""Byte strings an entry holds when it cites a photo or revokes a key (canonical JSON:
inside a string every quote is escaped, so they cannot appear there)."""


def unsigned() -> HttpError:
    """401 ``photo.unsigned``: an upload without the uploader's key and signature."""
    return HttpError(
        code="photo.unsigned",
        en=(
            "a photo upload needs the uploader's key and signature (headers Saksi-Key and "
            "Saksi-Signature, saksi/photo/v1): photos come only from registered officers"
        ),
        id=(
            "unggahan foto memerlukan kunci dan tanda tangan pengunggah (header Saksi-Key dan "
            "Saksi-Signature, saksi/photo/v1): foto hanya dari petugas yang terdaftar"
        ),
    )


@dataclass(frozen=True, slots=True)
class Upload:
    """What became of an upload: ``stored`` (cited, kept for good) or ``staged``."""

    sha256: str
    size: int
    state: str
    expires_in: int | None  # seconds, while staged


class PhotoKeeper:
    """See the module docstring. Thread-safe; one per ledger."""

    def __init__(
        self,
        config: ServiceConfig,
        store: Store,
        view: LedgerView,
        authority: Authority,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store, self._view, self._authority = store, view, authority
        self._origin = authority.election
        folder = config.photo_dir
        self._mark = folder / "cited-through"
        self.stage = PhotoStage(
            folder / "staged",
            ttl=config.photo_stage_ttl,
            per_key=config.photo_quota_per_key,
            total=config.photo_quota_total,
            reserve=config.photo_disk_reserve,
            clock=clock,
        )
        self._marked_at = 0.0
        self._through = self._marked = self._read_mark()
        self._lock = threading.Lock()  # one pass at a time
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="saksi-photos", daemon=True)
        self._lock_counts = threading.Lock()
        self._counts: Counter[str] = Counter()  # uploads by outcome, moves by reason
        self._refused: Counter[str] = Counter()
        self._stored: list[int] | None = None  # count, bytes: known once counted

    # --- uploads ---

    def check_uploader(self, signature: PhotoSignature) -> None:
        """The check that needs no body: the key may upload photos at all."""
        self._authority.photo_uploader(signature.key)

    def upload(self, data: bytes, signature: PhotoSignature) -> Upload:
        """Check the signature over ``data`` and stage it (blocking: hashes the bytes)."""
        sha = hashlib.sha256(data).hexdigest()
        signature.verify(self._origin, sha)
        self._authority.photo_uploader(signature.key)
        if self._store.has_photo(sha):
            self._count("stored")
            return Upload(sha, len(data), "stored", None)
        staged = self.stage.put(sha, data, signature.key)
        self._count("staged")
        seconds = max(0, math.ceil(staged.expires - self.stage.clock()))
        return Upload(sha, len(data), "staged", seconds)

    def refused(self, code: str) -> None:
        with self._lock_counts:
            self._refused[code] += 1

    def photo(self, sha: str) -> bytes | None:
        """A photo kept for good (staged ones are never served)."""
        return self._store.photo(sha)

    # --- the keeper's pass ---

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """One last pass (the log is complete now), then stop."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        try:
            self.run_pass(final=True)
        except SaksiError as exc:  # the cited photos stay staged: the next start keeps them
            log.error("the photo keeper's last pass failed: %s", exc.diagnostics())

    def _run(self) -> None:
        try:
            self._count_stored()
        except SaksiError as exc:
            log.error("photos in the store not counted: %s", exc.diagnostics())
        last = 0.0
        while not self._stop.wait(PASS_GAP):
            if self._view.size <= self._through and time.monotonic() - last < PASS_EVERY:
                continue
            last = time.monotonic()
            try:
                self.run_pass()
            except Exception:  # the photos stay staged; the next pass tries again
                log.exception("the photo keeper's pass failed")

    def run_pass(self, *, final: bool = False) -> None:
        """Read the newly logged entries, move the cited photos to the store, drop
        revoked keys' photos and expired ones."""
        with self._lock:
            self._read_log()
            for sha in self.stage.cited():
                self._keep(sha)
            due = final or time.monotonic() - self._marked_at >= MARK_EVERY
            if due and self._through > self._marked and not self.stage.cited():
                self._write_mark(self._through)  # every photo cited so far is in the store
            for sha in self.stage.expired():
                if self.stage.remove(sha) is not None:
                    self._count("expired")

    def _read_log(self) -> None:
        """Mark the staged photos the newly logged entries cite; drop revoked keys'."""
        size = self._view.size
        if size <= self._through:
            return
        if self.stage.usage() == (0, 0):  # nothing waits (nor is being staged): no citation
            self._through = size  # a photo staged from now on is cited at ``size`` or later
            return
        for _, entry in self._store.entries(self._through, size):
            if not any(marker in entry for marker in _MAY_CITE):
                continue
            stmt = parse_stored(entry).stmt
            for sha in cited_photos(stmt):
                self.stage.cite(sha)
            if isinstance(stmt, KeyRevocation):
                for sha in self.stage.of_key(stmt.key):
                    if self.stage.remove(sha) is not None:
                        self._count("revoked")
        self._through = size

    def _keep(self, sha: str) -> None:
        """Move a cited photo into the store (a failure is retried next pass)."""
        data = self.stage.read(sha)
        if data is None or hashlib.sha256(data).hexdigest() != sha:
            log.error("photo %s: the staged file is missing or damaged; dropped", sha)
            self.stage.remove(sha)
            return
        try:
            known = self._store.has_photo(sha)
            self._store.put_photo(data)
        except SaksiError as exc:
            log.error("photo %s not stored yet: %s", sha, exc.diagnostics())
            return
        self.stage.remove(sha)
        self._count("kept")
        if not known:
            self._add_stored(len(data))

    # --- how far the log was read ---

    def _read_mark(self) -> int:
        """Where the last run stopped reading; a first run starts at the log's end
        (photos stored before were stored for good at upload)."""
        try:
            return int(self._mark.read_text(encoding="ascii"))
        except FileNotFoundError:
            self._write_mark(self._view.size)
            return self._view.size
        except (OSError, ValueError):
            log.warning("photos: %s unreadable; reading the log from the start", self._mark)
            return 0

    def _write_mark(self, size: int) -> None:
        temporary = self._mark.with_suffix(".tmp")
        with temporary.open("w", encoding="ascii") as fh:
            fh.write(str(size))
            fh.flush()
            os.fsync(fh.fileno())
        temporary.replace(self._mark)
        self._marked, self._marked_at = size, time.monotonic()

    # --- figures ---

    def _count(self, what: str) -> None:
        with self._lock_counts:
            self._counts[what] += 1

    def _count_stored(self) -> None:
        count, size = self._store.photo_usage()
        with self._lock_counts:
            extra = self._stored or [0, 0]
            self._stored = [count + extra[0], size + extra[1]]

    def _add_stored(self, size: int) -> None:
        with self._lock_counts:
            if self._stored is not None:
                self._stored[0] += 1
                self._stored[1] += size

    def metrics(self, data_dir: Path) -> list[str]:
        """The photo families of /metrics (docs/api.md)."""
        staged, staged_bytes = self.stage.usage()
        with self._lock_counts:
            counts, refused, stored = Counter(self._counts), Counter(self._refused), self._stored
        lines = [
            *family("saksi_photos_staged", "gauge", "Uncited photos waiting in the staging "
                    "area.", [({}, staged)]),
            *family("saksi_photos_staged_bytes", "gauge", "Bytes of the staged photos.",
                    [({}, staged_bytes)]),
            *family("saksi_photo_uploads_total", "counter", "Photo uploads taken, by what "
                    "became of them.", [({"outcome": o}, counts[o]) for o in ("staged", "stored")]),
            *family("saksi_photo_refusals_total", "counter", "Photo uploads refused, by error "
                    "code.", [({"code": c}, n) for c, n in sorted(refused.items())]),
            *family("saksi_photos_unstaged_total", "counter", "Photos that left the staging "
                    "area, by why: kept (cited; moved to the store), expired, revoked (their "
                    "key was revoked).", [({"reason": r}, counts[r]) for r in
                                          ("kept", "expired", "revoked")]),
        ]  # fmt: skip
        if stored is not None:
            lines += family("saksi_photos_stored", "gauge", "Photos in the store (kept for "
                            "good).", [({}, stored[0])])  # fmt: skip
            lines += family("saksi_photos_stored_bytes", "gauge", "Bytes of the photos in "
                            "the store.", [({}, stored[1])])  # fmt: skip
        free = _free_bytes(data_dir)
        if free is not None:
            lines += family("saksi_data_free_bytes", "gauge", "Free bytes on the disk of the "
                            "data directory.", [({}, free)])  # fmt: skip
        return lines


def _free_bytes(folder: Path) -> int | None:
    try:
        stat = os.statvfs(folder)
    except OSError:
        return None
    return stat.f_bavail * stat.f_frsize


__all__ = ["PhotoKeeper", "Upload", "unsigned"]
