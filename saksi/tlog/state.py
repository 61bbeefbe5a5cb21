"""The layout of a log directory and its small private state.

A log directory ``DIR`` is a complete C2SP tlog-tiles publication plus a private
folder that a static host must not serve::

    DIR/checkpoint              the latest signed checkpoint (public)
    DIR/tile/<L>/<N>[.p/<W>]    hash tiles (public)
    DIR/tile/entries/<N>[.p/<W>]  entry bundles (public)
    DIR/.state/                 private, mode 0700
    DIR/.state/origin           the log's origin, one line
    DIR/.state/log.key          the log's signed-note private key, mode 0600
    DIR/.state/store.sqlite     the entry store (opened by the caller: see log.py)
    DIR/.state/lock             held (flock) while a process integrates

This module knows the names, reads and writes the origin and the key, and holds the
integration lock. It never opens the store: :mod:`saksi.tlog` imports no storage;
:class:`EntryStore` says what the log needs of one.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from saksi.errors import LogError

STATE_DIR = ".state"
ORIGIN_FILE = "origin"
KEY_FILE = "log.key"
STORE_FILE = "store.sqlite"
LOCK_FILE = "lock"
CHECKPOINT_FILE = "checkpoint"
MAX_ORIGIN_LENGTH = 255

CHECKPOINT_META = "checkpoint"
"""The store meta key holding the latest signed checkpoint (a signed note)."""


class Placed(Protocol):
    """Where the store put an entry (``saksi.store.Appended`` is one)."""

    @property
    def index(self) -> int: ...


@runtime_checkable
class EntryStore(Protocol):
    """The part of ``saksi.store.Store`` the log uses; ``SqliteStore`` satisfies it.

    ``append_batch`` is one durable transaction and deduplicates: the same bytes
    always get the same index. ``compare_and_swap`` is atomic.
    """

    def append_batch(self, entries: Sequence[bytes]) -> Sequence[Placed]: ...

    def size(self) -> int: ...

    def entry(self, index: int) -> bytes: ...

    def entries(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, bytes]]: ...

    def get_meta(self, key: str) -> bytes | None: ...

    def compare_and_swap(self, key: str, expected: bytes | None, new: bytes) -> bool: ...

    def close(self) -> None: ...


StoreOpener = Callable[[Path], EntryStore]
"""Opens (creating if needed) the store at the path it is given (``DIR/.state/...``)."""


@dataclass(frozen=True, slots=True)
class LogLayout:
    """Where each part of a log directory lives."""

    root: Path

    @property
    def state(self) -> Path:
        return self.root / STATE_DIR

    @property
    def origin_file(self) -> Path:
        return self.state / ORIGIN_FILE

    @property
    def key_file(self) -> Path:
        return self.state / KEY_FILE

    @property
    def store_file(self) -> Path:
        """The store's file; the caller opens it (for example with ``open_store``)."""
        return self.state / STORE_FILE

    @property
    def lock_file(self) -> Path:
        return self.state / LOCK_FILE

    @property
    def checkpoint_file(self) -> Path:
        return self.root / CHECKPOINT_FILE


def _io_error(what_id: str, what_en: str, path: Path, exc: OSError) -> LogError:
    reason = exc.strerror or exc.__class__.__name__
    return LogError(
        code="log.io-error",
        en=f"cannot {what_en} {path}: {reason}",
        id=f"tidak dapat {what_id} {path}: {reason}",
        path=str(path),
    )


def check_origin(origin: object) -> str:
    """The origin, or ``log.bad-origin``: it names the log key, so it is a note key name
    (printable ASCII or other non-space text, no ``+``, at most 255 bytes)."""
    if (
        not isinstance(origin, str)
        or not origin
        or len(origin.encode("utf-8", "surrogatepass")) > MAX_ORIGIN_LENGTH
        or "+" in origin
        or any(ch.isspace() or not ch.isprintable() for ch in origin)
    ):
        raise LogError(
            code="log.bad-origin",
            en=(
                "a log origin is 1..255 bytes of text without spaces, control characters "
                f"or '+' (it is the log key's name): {origin!r}"
            ),
            id=(
                "origin log berupa teks 1..255 bita tanpa spasi, karakter kendali atau '+' "
                f"(origin adalah nama kunci log): {origin!r}"
            ),
        )
    return origin


def fsync_dir(path: Path) -> None:
    """Make a directory's entries (created or renamed files) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_new(path: Path, text: str, mode: int) -> None:
    """Create ``path`` (never overwrite), write ``text``, fsync file and directory."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise already_a_log(path.parent.parent) from None
    except OSError as exc:
        raise _io_error("menulis", "write", path, exc) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        fsync_dir(path.parent)
    except OSError as exc:
        raise _io_error("menulis", "write", path, exc) from None


def already_a_log(root: Path) -> LogError:
    return LogError(
        code="log.exists",
        en=f"{root} already holds a log: refusing to overwrite its key or state",
        id=f"{root} sudah berisi log: kunci dan keadaannya tidak akan ditimpa",
        dir=str(root),
    )


def not_a_log(root: Path, missing: Path) -> LogError:
    return LogError(
        code="log.not-a-log",
        en=(
            f"{root} is not a log directory ({missing.name} is missing); "
            "create one with `saksi log new`"
        ),
        id=f"{root} bukan folder log ({missing.name} tidak ada); buat dengan `saksi log new`",
        dir=str(root),
        missing=str(missing),
    )


def init_state(layout: LogLayout, origin: str, skey: str) -> None:
    """Create ``DIR/.state`` with the origin and the private key (mode 0600).

    Refuses with ``log.exists`` when a key or an origin is already there.
    """
    check_origin(origin)
    for path in (layout.key_file, layout.origin_file):
        if path.exists():
            raise already_a_log(layout.root)
    try:
        layout.root.mkdir(parents=True, exist_ok=True)
        layout.state.mkdir(mode=0o700, exist_ok=True)
        fsync_dir(layout.root)
    except OSError as exc:
        raise _io_error("membuat", "create", layout.state, exc) from None
    _write_new(layout.key_file, skey + "\n", 0o600)
    _write_new(layout.origin_file, origin + "\n", 0o644)


def _read_text(root: Path, path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise not_a_log(root, path) from None
    except UnicodeDecodeError:
        raise LogError(
            code="log.bad-state",
            en=f"{path} is not UTF-8 text",
            id=f"{path} bukan teks UTF-8",
            path=str(path),
        ) from None
    except OSError as exc:
        raise _io_error("membaca", "read", path, exc) from None


def read_origin(layout: LogLayout) -> str:
    text = _read_text(layout.root, layout.origin_file)
    if not text.endswith("\n") or text.count("\n") != 1:
        raise LogError(
            code="log.bad-state",
            en=f"{layout.origin_file} must hold the origin on one line",
            id=f"{layout.origin_file} harus berisi origin dalam satu baris",
            path=str(layout.origin_file),
        )
    return check_origin(text[:-1])


def read_skey(layout: LogLayout) -> str:
    """The note-format private key (``PRIVATE+KEY+...``) of the log."""
    return _read_text(layout.root, layout.key_file).strip()


@contextmanager
def integration_lock(layout: LogLayout) -> Iterator[None]:
    """Hold ``DIR/.state/lock`` exclusively (blocking): one integrator at a time.

    The lock dies with its process, so a killed integrator never leaves it held.
    """
    try:
        fd = os.open(layout.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise _io_error("membuka", "open", layout.lock_file, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


__all__ = [
    "CHECKPOINT_FILE",
    "CHECKPOINT_META",
    "KEY_FILE",
    "LOCK_FILE",
    "ORIGIN_FILE",
    "STATE_DIR",
    "STORE_FILE",
    "EntryStore",
    "LogLayout",
    "Placed",
    "StoreOpener",
    "already_a_log",
    "check_origin",
    "fsync_dir",
    "init_state",
    "integration_lock",
    "not_a_log",
    "read_origin",
    "read_skey",
]
