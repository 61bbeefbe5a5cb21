"""A witness's memory: the latest checkpoint it cosigned for each log, kept on disk.

Layout of the state folder (``saksi witness serve --state DIR``)::

    DIR/lock                       flock held by the one process serving from DIR
    DIR/logs/<sha256(origin)>      the latest cosigned checkpoint of that origin: the
                                   signed note as the log sent it, with this witness's
                                   cosignature line added

One file per origin. A file changes only through :meth:`WitnessState.compare_and_swap`,
under that origin's lock: the current checkpoint is compared with the one the caller
checked the request against, and only if they are the same is the new note written to
a temporary file in the same folder, fsynced, renamed over the old one and the folder
fsynced. The caller answers (sends the cosignature) only after the swap returned True,
so a cosignature is never sent for a checkpoint that is not durably recorded, and two
requests racing on one origin cannot both win: the loser sees its expectation fail and
checks again against the winner's checkpoint.

As a last guard the swap itself refuses to record a smaller tree, or another tree of
the same size (``witness.state-regression``): that would be a bug in the caller.

A file that cannot be read back as a checkpoint of its origin stops the witness
(``witness.state-corrupt``): treating it as empty would let the witness cosign a
rollback. A lost state folder means the witness forgets what it cosigned; such a
witness must be retired with its key (see docs/witness.md).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import secrets
import threading
from pathlib import Path
from typing import Final

from saksi.errors import SaksiError, WitnessError
from saksi.tlog.checkpoint import Checkpoint
from saksi.tlog.note import split_note
from saksi.tlog.state import fsync_dir

LOCK_FILE: Final = "lock"
LOGS_DIR: Final = "logs"
_TEMP = re.compile(r"\.[0-9a-f]{64}\.[0-9]+\.[0-9a-f]{12}\.tmp")


def _io_error(verb_en: str, verb_id: str, path: Path, exc: OSError) -> WitnessError:
    reason = exc.strerror or exc.__class__.__name__
    return WitnessError(
        code="witness.state-io",
        en=f"cannot {verb_en} the witness state {path}: {reason}",
        id=f"keadaan pemantau {path} tidak dapat {verb_id}: {reason}",
        path=str(path),
    )


def origin_file_name(origin: str) -> str:
    """The file name of an origin's record: the hex SHA-256 of the origin."""
    return hashlib.sha256(origin.encode("utf-8")).hexdigest()


def parse_record(note: bytes) -> Checkpoint:
    """The checkpoint of a stored (or about to be stored) signed note."""
    text, _ = split_note(note)
    return Checkpoint.parse(text)


class WitnessState:
    """The latest cosigned checkpoint per origin, swapped atomically and durably.

    Open one per state folder and process (:meth:`open` takes ``DIR/lock``); it is safe
    to share between the threads of that process.
    """

    def __init__(self, root: Path, lock_fd: int) -> None:
        self._root = root
        self._logs = root / LOGS_DIR
        self._lock_fd: int | None = lock_fd
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._cache: dict[str, tuple[bytes, Checkpoint] | None] = {}

    @classmethod
    def open(cls, root: Path | str) -> WitnessState:
        """Open (creating if needed) the state folder; refuse if another process holds it."""
        root = Path(root)
        try:
            (root / LOGS_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise _io_error("open", "dibuka", root, exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise WitnessError(
                code="witness.state-locked",
                en=f"another witness process is serving from {root}",
                id=f"proses witness lain sedang memakai {root}",
                path=str(root),
            ) from None
        state = cls(root, fd)
        state._remove_temporaries()
        return state

    @property
    def root(self) -> Path:
        return self._root

    def close(self) -> None:
        """Release the folder (closing the descriptor drops the flock)."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> WitnessState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _remove_temporaries(self) -> None:
        for path in self._logs.iterdir():
            if _TEMP.fullmatch(path.name):
                path.unlink(missing_ok=True)

    def _origin_lock(self, origin: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(origin, threading.Lock())

    def path(self, origin: str) -> Path:
        return self._logs / origin_file_name(origin)

    def _load(self, origin: str) -> tuple[bytes, Checkpoint] | None:
        if origin in self._cache:
            return self._cache[origin]
        path = self.path(origin)
        try:
            note = path.read_bytes()
        except FileNotFoundError:
            record = None
        except OSError as exc:
            raise _io_error("read", "dibaca", path, exc) from None
        else:
            record = (note, self._check_record(path, origin, note))
        self._cache[origin] = record
        return record

    @staticmethod
    def _check_record(path: Path, origin: str, note: bytes) -> Checkpoint:
        try:
            checkpoint = parse_record(note)
        except SaksiError as exc:
            cause: str | None = exc.code
        else:
            if checkpoint.origin == origin:
                return checkpoint
            cause = "origin-mismatch"
        raise WitnessError(
            code="witness.state-corrupt",
            en=(
                f"{path} is not a checkpoint of {origin!r} ({cause}); the witness will not "
                "guess what it cosigned: restore the file from a backup"
            ),
            id=(
                f"{path} bukan checkpoint {origin!r} ({cause}); pemantau tidak akan menebak apa "
                "yang pernah ditandatanganinya: pulihkan berkas dari cadangan"
            ),
            path=str(path),
            cause=cause,
        )

    def latest(self, origin: str) -> Checkpoint | None:
        """The checkpoint last cosigned for ``origin``, or None if never."""
        with self._origin_lock(origin):
            record = self._load(origin)
        return None if record is None else record[1]

    def latest_note(self, origin: str) -> bytes | None:
        """The stored signed note (the log's signature and this witness's cosignature)."""
        with self._origin_lock(origin):
            record = self._load(origin)
        return None if record is None else record[0]

    def compare_and_swap(self, expected: Checkpoint | None, note: bytes) -> bool:
        """Record ``note`` for its origin if the current record is still ``expected``.

        Returns False (and writes nothing) when another request swapped first. Returns
        True once the note is durable on disk.
        """
        new = parse_record(note)
        with self._origin_lock(new.origin):
            record = self._load(new.origin)
            current = None if record is None else record[1]
            if current != expected:
                return False
            if current is not None:
                _check_progress(current, new)
            self._write(self.path(new.origin), note)
            self._cache[new.origin] = (note, new)
            return True

    def _write(self, path: Path, data: bytes) -> None:
        temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
            fsync_dir(path.parent)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise _io_error("write", "ditulis", path, exc) from None


def _check_progress(current: Checkpoint, new: Checkpoint) -> None:
    if new.size > current.size or (new.size == current.size and new.root == current.root):
        return
    raise WitnessError(
        code="witness.state-regression",
        en=(
            f"refusing to record size {new.size} of {new.origin!r} over size {current.size} "
            "(a smaller tree, or another tree of the same size)"
        ),
        id=(
            f"menolak mencatat ukuran {new.size} untuk {new.origin!r} di atas ukuran "
            f"{current.size} (pohon lebih kecil, atau pohon lain berukuran sama)"
        ),
        origin=new.origin,
        size=new.size,
        recorded_size=current.size,
    )


__all__ = ["LOCK_FILE", "LOGS_DIR", "WitnessState", "origin_file_name", "parse_record"]
