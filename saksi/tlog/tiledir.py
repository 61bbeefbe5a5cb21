"""C2SP tlog-tiles resources: their paths, their bytes, and the folder that holds them.

A tiled log publishes its Merkle tree as *tiles*: ``tile/<L>/<N>[.p/<W>]`` lists
``W`` (256 when full) consecutive hashes of tree level ``8*L``, starting at node
``256*N``. Its entries are published as *entry bundles* ``tile/entries/<N>[.p/<W>]``:
the same 256 entries as level-0 tile ``N``, each with a big-endian uint16 length
prefix. ``<N>`` is written in zero-padded 3-digit path elements, all but the last
prefixed with ``x`` (1234067 -> ``x001/x234/067``). See https://c2sp.org/tlog-tiles.

:class:`TileDir` writes these files atomically under a publication folder; anything
with a ``read(relpath) -> bytes | None`` method (:class:`TileSource`) can serve them
to a :class:`~saksi.tlog.tiles.TileReader`, so a verifier can fetch over HTTP.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from saksi.errors import TileError
from saksi.tlog.hashes import HASH_SIZE, MAX_ENTRY_SIZE

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_TILE_LEVEL = 63
ENTRIES = "entries"


def tile_error(message_en: str, message_id: str, code: str, **details: Any) -> TileError:
    """A :class:`TileError` with a specific code and bilingual message."""
    return TileError(code=code, en=message_en, id=message_id, **details)


# --- paths ---


def _check_coordinates(index: int, width: int) -> None:
    if index < 0:
        raise tile_error(
            f"A tile index cannot be negative ({index}).",
            f"Indeks tile tidak boleh negatif ({index}).",
            "log.tile-bad-coordinates",
            index=index,
        )
    if not 1 <= width <= TILE_WIDTH:
        raise tile_error(
            f"A tile holds 1 to {TILE_WIDTH} hashes or entries, not {width}.",
            f"Sebuah tile memuat 1 sampai {TILE_WIDTH} hash atau entri, bukan {width}.",
            "log.tile-bad-coordinates",
            width=width,
        )


def _index_elements(index: int) -> str:
    text = f"{index % 1000:03d}"
    while index >= 1000:
        index //= 1000
        text = f"x{index % 1000:03d}/{text}"
    return text


def _suffix(width: int) -> str:
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """``tile/<level>/<index>[.p/<width>]``, e.g. ``tile/0/x001/234.p/5``."""
    if not 0 <= level <= MAX_TILE_LEVEL:
        raise tile_error(
            f"A tile level runs from 0 to {MAX_TILE_LEVEL}, not {level}.",
            f"Level tile berkisar 0 sampai {MAX_TILE_LEVEL}, bukan {level}.",
            "log.tile-bad-coordinates",
            level=level,
        )
    _check_coordinates(index, width)
    return f"tile/{level}/{_index_elements(index)}{_suffix(width)}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """``tile/entries/<index>[.p/<width>]``: the entry bundle beside level-0 tile ``index``."""
    _check_coordinates(index, width)
    return f"tile/{ENTRIES}/{_index_elements(index)}{_suffix(width)}"


@dataclass(frozen=True)
class TileCoordinates:
    """Where a tile path points: ``level`` is None for an entry bundle."""

    level: int | None
    index: int
    width: int

    @property
    def path(self) -> str:
        if self.level is None:
            return entries_path(self.index, self.width)
        return tile_path(self.level, self.index, self.width)


TILE_PATH_PATTERN = (
    r"(?P<level>entries|0|[1-9][0-9]?)/(?P<index>(?:x[0-9]{3}/)*[0-9]{3})"
    r"(?:\.p/(?P<width>[1-9][0-9]{0,2}))?"
)
"""A tile or bundle path after ``tile/`` (the canonical spelling is checked apart)."""
_PATH_RE = re.compile("tile/" + TILE_PATH_PATTERN)


def parse_tile_path(path: str) -> TileCoordinates:
    """The coordinates of a canonical tile or bundle path; refuses any other spelling."""
    match = _PATH_RE.fullmatch(path)
    coordinates = None
    if match is not None:
        level_text = match["level"]
        level = None if level_text == ENTRIES else int(level_text)
        index = int(match["index"].replace("x", "").replace("/", ""))
        width = int(match["width"]) if match["width"] else TILE_WIDTH
        with suppress(TileError):
            candidate = TileCoordinates(level, index, width)
            if candidate.path == path:
                coordinates = candidate
    if coordinates is None:
        raise tile_error(
            f"'{path}' is not a tlog-tiles path.",
            f"'{path}' bukan path tlog-tiles.",
            "log.tile-bad-path",
            path=path,
        )
    return coordinates


# --- tile and bundle bytes ---


def _check_width(count: int, what: str) -> None:
    if not 1 <= count <= TILE_WIDTH:
        raise tile_error(
            f"A {what} holds 1 to {TILE_WIDTH} items, not {count}.",
            f"Sebuah {what} memuat 1 sampai {TILE_WIDTH} butir, bukan {count}.",
            "log.tile-bad-width",
            count=count,
        )


def encode_tile(hashes: Sequence[bytes]) -> bytes:
    """The bytes of a tile: its 1 to 256 hashes concatenated."""
    _check_width(len(hashes), "tile")
    for position, value in enumerate(hashes):
        if len(value) != HASH_SIZE:
            raise tile_error(
                f"Hash {position} of a tile is {len(value)} bytes, not {HASH_SIZE}.",
                f"Hash ke-{position} sebuah tile berukuran {len(value)} byte, bukan {HASH_SIZE}.",
                "log.tile-bad-hash",
                position=position,
                size=len(value),
            )
    return b"".join(hashes)


def decode_tile(data: bytes, width: int | None = None, *, path: str | None = None) -> list[bytes]:
    """The hashes of a tile; ``width``, when given, is the number it must hold."""
    count, rest = divmod(len(data), HASH_SIZE)
    if rest or not 1 <= count <= TILE_WIDTH or (width is not None and count != width):
        expected = "1-256 hashes" if width is None else f"{width * HASH_SIZE} bytes"
        raise tile_error(
            f"Tile {path or ''} is {len(data)} bytes long; expected {expected}.",
            f"Tile {path or ''} berukuran {len(data)} byte; seharusnya {expected}.",
            "log.tile-wrong-size",
            path=path,
            size=len(data),
            width=width,
        )
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def check_entry_size(entry: bytes, position: int | None = None) -> None:
    """Refuse an entry too long for the uint16 length prefix of a bundle."""
    if len(entry) > MAX_ENTRY_SIZE:
        raise tile_error(
            f"A log entry is {len(entry)} bytes; entry bundles allow {MAX_ENTRY_SIZE}.",
            f"Entri log berukuran {len(entry)} byte; bundle entri mengizinkan {MAX_ENTRY_SIZE}.",
            "log.entry-too-large",
            size=len(entry),
            max=MAX_ENTRY_SIZE,
            position=position,
        )


def encode_bundle(entries: Sequence[bytes]) -> bytes:
    """The bytes of an entry bundle: each entry as uint16 big-endian length + bytes."""
    _check_width(len(entries), "entry bundle")
    return _encode_entries(entries)


def _encode_entries(entries: Sequence[bytes]) -> bytes:
    parts: list[bytes] = []
    for position, entry in enumerate(entries):
        check_entry_size(entry, position)
        parts.append(len(entry).to_bytes(2, "big"))
        parts.append(entry)
    return b"".join(parts)


def _bundle_malformed(path: str | None, offset: int, size: int) -> TileError:
    return tile_error(
        f"Entry bundle {path or ''} is cut short or malformed at byte {offset} of {size}.",
        f"Bundle entri {path or ''} terpotong atau rusak pada byte {offset} dari {size}.",
        "log.bundle-malformed",
        path=path,
        offset=offset,
    )


def decode_bundle(data: bytes, count: int | None = None, *, path: str | None = None) -> list[bytes]:
    """The entries of a bundle; ``count``, when given, is the number it must hold."""
    entries: list[bytes] = []
    offset = 0
    while offset < len(data):
        if offset + 2 > len(data) or len(entries) == TILE_WIDTH:
            raise _bundle_malformed(path, offset, len(data))
        end = offset + 2 + int.from_bytes(data[offset : offset + 2], "big")
        if end > len(data):
            raise _bundle_malformed(path, offset, len(data))
        entries.append(data[offset + 2 : end])
        offset = end
    if not entries or (count is not None and len(entries) != count):
        raise tile_error(
            f"Entry bundle {path or ''} holds {len(entries)} entries; expected "
            f"{count if count is not None else '1-256'}.",
            f"Bundle entri {path or ''} memuat {len(entries)} entri; seharusnya "
            f"{count if count is not None else '1-256'}.",
            "log.bundle-wrong-size",
            path=path,
            entries=len(entries),
            expected=count,
        )
    return entries


# --- the folder ---


class TileSource(Protocol):
    """Where tiles come from: a folder, a web server, a dictionary in a test."""

    def read(self, relpath: str) -> bytes | None:
        """The bytes at ``relpath``, or None when there is nothing there."""


class TileSink(TileSource, Protocol):
    """Where tiles go: a :class:`TileSource` that can also be written."""

    def write(self, relpath: str, data: bytes) -> None:
        """Replace whatever is at ``relpath`` with ``data``, all or nothing."""


def _io_error(action_en: str, action_id: str, path: Path, exc: OSError) -> TileError:
    return tile_error(
        f"Cannot {action_en} {path}: {exc.strerror or exc}.",
        f"Tidak dapat {action_id} {path}: {exc.strerror or exc}.",
        "log.tile-io",
        path=str(path),
        error=str(exc),
    )


_TEMP_RE = re.compile(r"\..+\.[0-9]+\.[0-9a-f]{12}\.tmp")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class TileDir:
    """A publication folder (``checkpoint``, ``tile/...``) written file by file, atomically.

    :meth:`write` puts the bytes in a temporary file in the same folder, flushes and
    fsyncs it, renames it over the final name and fsyncs the folder, so a crash leaves
    either the old file or the new one, never a piece. ``durable=False`` skips the
    fsyncs (tests and throwaway folders only; the rename stays atomic).
    """

    def __init__(self, root: Path | str, *, durable: bool = True) -> None:
        self._root = Path(root)
        self._durable = durable

    @property
    def root(self) -> Path:
        return self._root

    def __repr__(self) -> str:
        return f"TileDir({str(self._root)!r})"

    def path(self, relpath: str) -> Path:
        """The file behind ``relpath``; refuses absolute paths and ``..``."""
        parts = PurePosixPath(relpath).parts
        if (
            not parts
            or relpath.startswith("/")
            or "\\" in relpath
            or any(part in ("", ".", "..") for part in relpath.split("/"))
        ):
            raise tile_error(
                f"'{relpath}' is not a relative path inside the publication folder.",
                f"'{relpath}' bukan path relatif di dalam folder publikasi.",
                "log.tile-bad-path",
                path=relpath,
            )
        return self._root.joinpath(*parts)

    def read(self, relpath: str) -> bytes | None:
        target = self.path(relpath)
        try:
            return target.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise _io_error("read", "membaca", target, exc) from exc

    def exists(self, relpath: str) -> bool:
        return self.path(relpath).is_file()

    def write(self, relpath: str, data: bytes) -> None:
        target = self.path(relpath)
        try:
            self._make_dirs(target.parent)
            self._replace(target, data)
        except OSError as exc:
            raise _io_error("write", "menulis", target, exc) from exc

    def temp_files(self) -> list[str]:
        """Temporary files a crashed :meth:`write` left behind (never under a final name)."""
        if not self._root.is_dir():
            return []
        return sorted(
            path.relative_to(self._root).as_posix()
            for path in self._root.rglob(".*.tmp")
            if _TEMP_RE.fullmatch(path.name) and path.is_file()
        )

    def remove_temp_files(self) -> list[str]:
        """Delete :meth:`temp_files`; only while no writer is at work on this folder."""
        removed = self.temp_files()
        for relpath in removed:
            with suppress(FileNotFoundError):
                self.path(relpath).unlink()
        return removed

    def _make_dirs(self, folder: Path) -> None:
        missing: list[Path] = []
        while not folder.is_dir():
            missing.append(folder)
            folder = folder.parent
        for created in reversed(missing):
            with suppress(FileExistsError):
                os.mkdir(created)
            if self._durable:
                _fsync_dir(created.parent)

    def _replace(self, target: Path, data: bytes) -> None:
        temp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                if self._durable:
                    os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            with suppress(OSError):
                os.unlink(temp)
            raise
        if self._durable:
            _fsync_dir(target.parent)


__all__ = [
    "ENTRIES",
    "MAX_TILE_LEVEL",
    "TILE_HEIGHT",
    "TILE_PATH_PATTERN",
    "TILE_WIDTH",
    "TileCoordinates",
    "TileDir",
    "TileSink",
    "TileSource",
    "check_entry_size",
    "decode_bundle",
    "decode_tile",
    "encode_bundle",
    "encode_tile",
    "entries_path",
    "parse_tile_path",
    "tile_error",
]
