"""The staging area: uploaded photos that no logged statement cites yet.

A photo a permitted key uploads waits here, as a file in ``DATA/photos/staged/``
(``<sha256>``, and ``<sha256>.json`` naming its uploader, size and expiry), until
the log cites it (then :mod:`saksi.ledger.photo_keeper` moves it to the store for
good) or until it expires ``photo_stage_ttl`` after its last upload. The area is
bounded: per key (``photo_quota_per_key``: 429 ``photo.key-quota``), in total
(``photo_quota_total``: 507 ``photo.staging-full``), and it never takes the last
``photo_disk_reserve`` bytes of the disk (507 ``photo.staging-full``, ``limit:
disk``). Nothing here touches the store, so an upload never waits for the log's
writer nor makes it wait.

The index lives in memory (rebuilt from the files at start) behind one lock; file
writes happen outside it, against a reservation of their size.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from saksi.errors import HttpError, SaksiError
from saksi.ledger.config import PhotoQuota

log = logging.getLogger("saksi.service")

META: Final = ".json"


@dataclass(slots=True)
class Staged:
    """One photo waiting: who uploaded it, its size, until when it waits, and whether
    a logged statement cites it (then it waits only for its move to the store)."""

    sha: str
    key: str
    size: int
    expires: float  # the clock's seconds
    cited: bool = False


def _retry_after(seconds: float) -> int:
    return max(1, int(seconds + 0.999))


def key_quota_full(limit: str, most: int, used: int, retry_after: float) -> HttpError:
    """429 ``photo.key-quota``: the key has as many photos (or bytes) waiting as it may."""
    what_en = "photos" if limit == "count" else "bytes of photos"
    what_id = "foto" if limit == "count" else "bita foto"
    seconds = _retry_after(retry_after)
    return HttpError(
        code="photo.key-quota",
        en=(
            f"this key already has {used:,} {what_en} waiting for a statement that cites them "
            f"(at most {most:,}); send the statement, or retry after {seconds} s"
        ),
        id=(
            f"kunci ini sudah punya {used:,} {what_id} yang menunggu pernyataan yang merujuknya "
            f"(paling banyak {most:,}); kirim pernyataannya, atau coba lagi setelah {seconds} detik"
        ),
        limit=limit,
        max=most,
        used=used,
        retry_after=seconds,
    )


def staging_full(limit: str, most: int, retry_after: float) -> HttpError:
    """507 ``photo.staging-full``: the staging area (or the disk under it) is full."""
    seconds = _retry_after(retry_after)
    if limit == "disk":
        en = f"the disk keeps its last {most:,} bytes for the log"
        id_ = f"disk menyisakan {most:,} bita terakhirnya untuk log"
    else:
        en = f"the service holds {most:,} uncited {'photos' if limit == 'count' else 'bytes'}"
        id_ = f"layanan menampung {most:,} {'foto' if limit == 'count' else 'bita'} tanpa rujukan"
    return HttpError(
        code="photo.staging-full",
        en=f"no room for more photos now: {en}; retry after {seconds} s",
        id=f"tidak ada tempat untuk foto lagi saat ini: {id_}; coba lagi setelah {seconds} detik",
        limit=limit,
        max=most,
        retry_after=seconds,
    )


def _write(path: Path, data: bytes) -> None:
    """``data`` into a new file, synced to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class PhotoStage:
    """The staging area in ``folder`` (see the module docstring); thread-safe."""

    def __init__(
        self,
        folder: Path,
        *,
        ttl: float,
        per_key: PhotoQuota,
        total: PhotoQuota,
        reserve: int,
        clock: Callable[[], float],
    ) -> None:
        self.folder = folder
        self.ttl, self.per_key, self.total, self.reserve = ttl, per_key, total, reserve
        self.clock = clock
        self._lock = threading.Lock()
        self._photos: dict[str, Staged] = {}
        self._count: Counter[str] = Counter()  # per key, reservations included
        self._bytes: Counter[str] = Counter()
        self._held = [0, 0]  # count, bytes in all, reservations included
        self._tmp = folder / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._load()

    # --- start ---

    def _load(self) -> None:
        """The index from the files; leftovers of an interrupted upload are removed."""
        shutil.rmtree(self._tmp, ignore_errors=True)
        self._tmp.mkdir(parents=True, exist_ok=True)
        for meta in sorted(self.folder.glob(f"*{META}")):
            found = self._read_meta(meta)
            if found is None:
                meta.unlink(missing_ok=True)
                (self.folder / meta.stem).unlink(missing_ok=True)
                continue
            self._add(found)
        for data in self.folder.iterdir():
            if data.is_file() and not data.name.endswith(META) and data.name not in self._photos:
                data.unlink(missing_ok=True)  # uploaded, but never acknowledged

    def _read_meta(self, meta: Path) -> Staged | None:
        try:
            value = json.loads(meta.read_bytes())
            key, size, expires = str(value["key"]), int(value["size"]), float(value["expires"])
            staged = Staged(meta.stem, key, size, expires)
            if (self.folder / staged.sha).stat().st_size == staged.size:
                return staged
        except (OSError, ValueError, KeyError, TypeError):
            pass
        log.warning("photo staging: dropping %s (incomplete)", meta.name)
        return None

    # --- the index ---

    def _add(self, staged: Staged) -> None:
        self._photos[staged.sha] = staged
        self._hold(staged.key, 1, staged.size)

    def _hold(self, key: str, count: int, size: int) -> None:
        self._count[key] += count
        self._bytes[key] += size
        self._held[0] += count
        self._held[1] += size
        if self._count[key] <= 0:
            del self._count[key], self._bytes[key]

    def get(self, sha: str) -> Staged | None:
        with self._lock:
            return self._photos.get(sha)

    def usage(self) -> tuple[int, int]:
        """Photos and bytes staged now (uploads in progress included)."""
        with self._lock:
            return self._held[0], self._held[1]

    # --- quotas ---

    def _check_key(self, key: str, size: int) -> None:
        quota, count, held = self.per_key, self._count[key], self._bytes[key]
        if count + 1 > quota.count:
            raise key_quota_full("count", quota.count, count, self._wait(key))
        if held + size > quota.size:
            raise key_quota_full("bytes", quota.size, held, self._wait(key))

    def _check_total(self, size: int) -> None:
        count, held = self._held
        if count + 1 > self.total.count:
            raise staging_full("count", self.total.count, self._wait())
        if held + size > self.total.size:
            raise staging_full("bytes", self.total.size, self._wait())
        if shutil.disk_usage(self.folder).free - size < self.reserve:
            raise staging_full("disk", self.reserve, self._wait())

    def _wait(self, key: str | None = None) -> float:
        """Seconds until the first photo (of ``key``) that can expire does."""
        times = [p.expires for p in self._photos.values() if not p.cited and key in (None, p.key)]
        return min(times, default=self.clock() + self.ttl) - self.clock()

    # --- staging ---

    def put(self, sha: str, data: bytes, key: str) -> Staged:
        """Stage ``data`` (whose SHA-256 is ``sha``) for ``key``; the same bytes again
        only wait longer. Raises the quota refusals; nothing is kept on a refusal."""
        with self._lock:
            found = self._photos.get(sha)
            if found is not None:
                found.expires = max(found.expires, self.clock() + self.ttl)
                self._write_meta(found)
                return found
            self._check_key(key, len(data))
            self._check_total(len(data))
            self._hold(key, 1, len(data))  # a reservation while the file is written
        try:
            self._write_data(sha, data)
        except BaseException:
            with self._lock:
                self._hold(key, -1, -len(data))
            raise
        with self._lock:
            self._hold(key, -1, -len(data))
            found = self._photos.get(sha)  # staged meanwhile by another upload
            if found is None:
                found = Staged(sha, key, len(data), self.clock() + self.ttl)
                self._write_meta(found)
                self._add(found)
            return found

    def _write_data(self, sha: str, data: bytes) -> None:
        temporary = self._tmp / uuid.uuid4().hex
        try:
            _write(temporary, data)
            temporary.replace(self.folder / sha)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise _io_error(exc) from None

    def _write_meta(self, staged: Staged) -> None:
        meta = {"key": staged.key, "size": staged.size, "expires": staged.expires}
        temporary = self._tmp / uuid.uuid4().hex
        try:
            _write(temporary, json.dumps(meta).encode())
            temporary.replace(self.folder / f"{staged.sha}{META}")
            _sync_dir(self.folder)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise _io_error(exc) from None

    def read(self, sha: str) -> bytes | None:
        try:
            return (self.folder / sha).read_bytes()
        except OSError:
            return None

    def remove(self, sha: str) -> Staged | None:
        """Take a photo out of the area (moved to the store, expired or dropped)."""
        with self._lock:
            staged = self._photos.pop(sha, None)
            if staged is None:
                return None
            self._hold(staged.key, -1, -staged.size)
            (self.folder / f"{sha}{META}").unlink(missing_ok=True)
            (self.folder / sha).unlink(missing_ok=True)
        return staged

    # --- what the keeper asks ---

    def cite(self, sha: str) -> bool:
        """Mark a staged photo as cited by a logged statement (it no longer expires)."""
        with self._lock:
            staged = self._photos.get(sha)
            if staged is not None:
                staged.cited = True
            return staged is not None

    def cited(self) -> list[str]:
        with self._lock:
            return [sha for sha, p in self._photos.items() if p.cited]

    def expired(self) -> list[str]:
        now = self.clock()
        with self._lock:
            return [sha for sha, p in self._photos.items() if not p.cited and p.expires <= now]

    def of_key(self, key: str) -> list[str]:
        """The uncited photos ``key`` uploaded."""
        with self._lock:
            return [sha for sha, p in self._photos.items() if p.key == key and not p.cited]


def _io_error(exc: OSError) -> SaksiError:
    return HttpError(
        code="photo.io-error",
        en=f"the photo could not be written to the staging area: {exc.strerror or exc}",
        id=f"foto tidak dapat ditulis ke area tunggu: {exc.strerror or exc}",
        error=str(exc.strerror or exc),
    )


__all__ = ["PhotoStage", "Staged", "key_quota_full", "staging_full"]
