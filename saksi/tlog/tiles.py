"""The Merkle tree of the log as C2SP tlog-tiles: grow it, read it, verify it.

Tile height 8: a tile at level ``L`` holds up to 256 hashes of tree level ``8*L``;
the levels in between are rebuilt by hashing a tile's entries together. The rightmost
tile of every level is *partial* (``.p/<W>``) and is never hashed into the level
above. A tree of ``size`` entries therefore has, at each level ``L``,
``size >> 8*(L+1)`` full tiles and one partial tile of width ``(size >> 8*L) % 256``
when that is not zero. Those partial tiles are the tree's right edge: they alone
determine its root.

- :class:`TileWriter` grows the published tree, writing every bundle and tile that
  changes and reading back only the partial tiles of the old right edge.
- :class:`TileReader` is a NodeReader (``node(level, index)``) over published tiles,
  for proofs, and reads entries from bundles.
- :func:`verify_tiles` checks every tile and bundle a checkpoint relies on and names
  the first file that is missing or wrong.

Paths, byte formats and the atomic folder live in :mod:`saksi.tlog.tiledir` and are
re-exported here.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice

from saksi.errors import TileError
from saksi.tlog.hashes import HASH_SIZE, leaf_hash, node_hash
from saksi.tlog.tiledir import (
    ENTRIES,
    MAX_TILE_LEVEL,
    TILE_HEIGHT,
    TILE_WIDTH,
    TileCoordinates,
    TileDir,
    TileSink,
    TileSource,
    check_entry_size,
    decode_bundle,
    decode_tile,
    encode_bundle,
    encode_tile,
    entries_path,
    parse_tile_path,
    tile_error,
    tile_path,
)

EMPTY_ROOT = hashlib.sha256(b"").digest()
MAX_TREE_SIZE = 2**64 - 1
_MASK = TILE_WIDTH - 1


# --- tree arithmetic ---


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """The root of a perfect subtree given its 2**k hashes at its lowest level."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def full_tiles(size: int, level: int) -> int:
    """How many full tiles a tree of ``size`` entries has at tile level ``level``."""
    return size >> (TILE_HEIGHT * (level + 1))


def partial_width(size: int, level: int) -> int:
    """The width of the partial tile at ``level`` for ``size`` (0: there is none)."""
    return (size >> (TILE_HEIGHT * level)) & _MASK


def tile_levels(size: int) -> int:
    """How many tile levels a tree of ``size`` entries has (0 for the empty tree)."""
    levels = 0
    while size >> (TILE_HEIGHT * levels):
        levels += 1
    return levels


def _fold(subtrees: Sequence[bytes]) -> bytes:
    """RFC 6962 root from the perfect subtrees of the tree, largest (leftmost) first."""
    if not subtrees:
        return EMPTY_ROOT
    root = subtrees[-1]
    for left in reversed(subtrees[:-1]):
        root = node_hash(left, root)
    return root


def edge_root(edge: Sequence[Sequence[bytes]]) -> bytes:
    """The root of a tree from its right edge: ``edge[L]`` = hashes of its partial tile at L."""
    subtrees: list[bytes] = []
    for hashes in reversed(edge):
        start = 0
        for bit in range(TILE_HEIGHT - 1, -1, -1):
            span = 1 << bit
            if len(hashes) & span:
                subtrees.append(perfect_root(hashes[start : start + span]))
                start += span
    return _fold(subtrees)


def _check_size(size: int) -> None:
    if not 0 <= size <= MAX_TREE_SIZE:
        raise tile_error(
            f"A tree size runs from 0 to {MAX_TREE_SIZE}, not {size}.",
            f"Ukuran pohon berkisar 0 sampai {MAX_TREE_SIZE}, bukan {size}.",
            "log.tile-bad-size",
            size=size,
        )


# --- reading one tile or bundle ---


def _missing(path: str, *, bundle: bool) -> TileError:
    if bundle:
        return tile_error(
            f"Entry bundle {path} is missing.",
            f"Bundle entri {path} tidak ada.",
            "log.bundle-missing",
            path=path,
        )
    return tile_error(
        f"Tile {path} is missing.", f"Tile {path} tidak ada.", "log.tile-missing", path=path
    )


def read_tile(tiles: TileSource, level: int, index: int, width: int) -> list[bytes]:
    """The ``width`` hashes of tile (level, index); refuses a missing or wrong-size file."""
    path = tile_path(level, index, width)
    data = tiles.read(path)
    if data is None:
        raise _missing(path, bundle=False)
    return decode_tile(data, width, path=path)


def read_bundle(tiles: TileSource, index: int, width: int) -> tuple[list[bytes], bytes]:
    """The ``width`` entries of bundle ``index`` and its bytes; refuses a malformed one."""
    path = entries_path(index, width)
    data = tiles.read(path)
    if data is None:
        raise _missing(path, bundle=True)
    return decode_bundle(data, width, path=path), data


def _bundle_mismatch(index: int, width: int, position: int) -> TileError:
    path = entries_path(index, width)
    entry = index * TILE_WIDTH + position
    return tile_error(
        f"Entry {entry} in bundle {path} does not hash to the leaf in level-0 tile "
        f"{tile_path(0, index, width)}.",
        f"Entri {entry} dalam bundle {path} tidak cocok dengan hash daun di tile level 0 "
        f"{tile_path(0, index, width)}.",
        "log.bundle-mismatch",
        path=path,
        entry=entry,
    )


def _check_bundle(entries: Sequence[bytes], hashes: Sequence[bytes], index: int) -> None:
    for position, (entry, expected) in enumerate(zip(entries, hashes, strict=True)):
        if leaf_hash(entry) != expected:
            raise _bundle_mismatch(index, len(hashes), position)


# --- growing ---


@dataclass(frozen=True)
class TileUpdate:
    """What :meth:`TileWriter.grow` did: the new tree and the files it wrote, in order."""

    old_size: int
    new_size: int
    root: bytes
    written: list[str] = field(default_factory=list)


class _Growth:
    """The right edge of a growing tree: one partial tile per level and the last bundle."""

    def __init__(self, tiles: TileSink, size: int) -> None:
        self.tiles = tiles
        self.size = size
        self.edge: list[list[bytes]] = []
        self.bundle = b""
        self.written: list[str] = []
        for level in range(tile_levels(size)):
            width = partial_width(size, level)
            hashes = read_tile(tiles, level, full_tiles(size, level), width) if width else []
            self.edge.append(hashes)
        if width0 := partial_width(size, 0):
            entries, self.bundle = read_bundle(tiles, full_tiles(size, 0), width0)
            _check_bundle(entries, self.edge[0], full_tiles(size, 0))

    def append(self, entries: Sequence[bytes]) -> None:
        """Add entries that fit in the current level-0 tile."""
        if not self.edge:
            self.edge.append([])
        self.edge[0].extend(leaf_hash(entry) for entry in entries)
        self.bundle += encode_bundle(entries)
        self.size += len(entries)
        if len(self.edge[0]) == TILE_WIDTH:
            self._write(entries_path(full_tiles(self.size, 0) - 1), self.bundle)
            self.bundle = b""
            self._complete(0)

    def _complete(self, level: int) -> None:
        hashes = self.edge[level]
        self._write(tile_path(level, full_tiles(self.size, level) - 1), encode_tile(hashes))
        self.edge[level] = []
        if len(self.edge) == level + 1:
            self.edge.append([])
        self.edge[level + 1].append(perfect_root(hashes))
        if len(self.edge[level + 1]) == TILE_WIDTH:
            self._complete(level + 1)

    def finish(self, old_size: int) -> None:
        """Write the partial tiles and bundle of the new size that the old size lacked."""
        for level, hashes in enumerate(self.edge):
            index, width = full_tiles(self.size, level), len(hashes)
            old = (full_tiles(old_size, level), partial_width(old_size, level))
            if width and (index, width) != old:
                self._write(tile_path(level, index, width), encode_tile(hashes))
        index, width = full_tiles(self.size, 0), partial_width(self.size, 0)
        if width and (index, width) != (full_tiles(old_size, 0), partial_width(old_size, 0)):
            self._write(entries_path(index, width), self.bundle)

    def _write(self, path: str, data: bytes) -> None:
        self.tiles.write(path, data)
        self.written.append(path)


class TileWriter:
    """Grows a tiled tree in a :class:`TileSink` (normally a :class:`TileDir`).

    Memory stays bounded whatever the size of the tree: one partial tile per level,
    one bundle, and the entries being added (256 at a time from an iterator). Output
    is a function of the old size and the new entries alone, so re-running a grow
    that crashed half way writes the same bytes to the same paths.
    """

    def __init__(self, tiles: TileSink) -> None:
        self._tiles = tiles

    def grow(
        self,
        old_size: int,
        new_entries: Iterable[bytes],
        *,
        expected_old_root: bytes | None = None,
    ) -> TileUpdate:
        """Append ``new_entries`` to the tree of ``old_size`` published in the sink.

        Reads the old right edge (refusing it when it is missing, malformed, or, with
        ``expected_old_root``, does not hash to that root), then writes every full
        tile and bundle completed and the new partial ones. Returns the new root.

        ``new_entries`` may be any iterable, consumed 256 at a time: one call can
        stream a whole backlog from a store without holding it, and writes partial
        tiles for the final size only. A sequence is checked whole before anything
        is written; an iterator is checked as it goes (files written before a bad
        entry are the same ones a good run writes, so nothing wrong is published).
        """
        _check_size(old_size)
        if isinstance(new_entries, Sequence):
            _check_size(old_size + len(new_entries))
            for position, entry in enumerate(new_entries):
                check_entry_size(entry, position)
        growth = _Growth(self._tiles, old_size)
        if expected_old_root is not None and edge_root(growth.edge) != expected_old_root:
            raise tile_error(
                f"The published tiles of the tree of size {old_size} do not hash to the "
                "expected root; refusing to grow them.",
                f"Tile terbitan pohon berukuran {old_size} tidak cocok dengan root yang "
                "diharapkan; tidak akan ditumbuhkan.",
                "log.tile-mismatch",
                size=old_size,
            )
        entries = iter(new_entries)
        while chunk := list(islice(entries, TILE_WIDTH - (growth.size & _MASK))):
            for offset, entry in enumerate(chunk):
                check_entry_size(entry, growth.size - old_size + offset)
            _check_size(growth.size + len(chunk))
            growth.append(chunk)
        growth.finish(old_size)
        return TileUpdate(old_size, growth.size, edge_root(growth.edge), growth.written)


# --- reading ---


def _out_of_range(what_en: str, what_id: str, size: int, **details: int) -> TileError:
    return tile_error(
        f"{what_en} is not within the tree of size {size}.",
        f"{what_id} tidak berada dalam pohon berukuran {size}.",
        "log.tile-out-of-range",
        size=size,
        **details,
    )


class TileReader:
    """The tree of ``size`` entries as published in tiles: a NodeReader and a bundle reader.

    Tiles are read on demand and the most recent ``cache_tiles`` are kept decoded.
    Nothing here checks tiles against a checkpoint: proofs built from :meth:`node`
    verify against the checkpoint's root, and :func:`verify_tiles` checks all of them.
    """

    def __init__(self, tiles: TileSource, size: int, *, cache_tiles: int = 64) -> None:
        _check_size(size)
        self._tiles = tiles
        self._size = size
        self._cache: OrderedDict[tuple[int, int], list[bytes]] = OrderedDict()
        self._cache_tiles = max(cache_tiles, 1)

    @property
    def size(self) -> int:
        return self._size

    def tile_width(self, level: int, index: int) -> int:
        """The width of tile (level, index) in this tree; refuses a tile it does not have."""
        if level < 0 or index < 0:
            raise _out_of_range("Tile", "Tile", self._size, level=level, index=index)
        if index < full_tiles(self._size, level):
            return TILE_WIDTH
        width = partial_width(self._size, level)
        if index > full_tiles(self._size, level) or not width:
            raise _out_of_range(
                f"Tile {level}/{index}", f"Tile {level}/{index}", self._size, level=level
            )
        return width

    def tile(self, level: int, index: int) -> list[bytes]:
        """The hashes of tile (level, index) as this tree publishes it (full or partial)."""
        key = (level, index)
        hashes = self._cache.get(key)
        if hashes is None:
            hashes = read_tile(self._tiles, level, index, self.tile_width(level, index))
            self._cache[key] = hashes
            if len(self._cache) > self._cache_tiles:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return hashes

    def node(self, level: int, index: int) -> bytes:
        """The hash of the complete subtree of 2**level leaves starting at index * 2**level."""
        if not 0 <= level < 64 or index < 0 or (index + 1) << level > self._size:
            raise _out_of_range(
                f"Node ({level}, {index})",
                f"Simpul ({level}, {index})",
                self._size,
                level=level,
                index=index,
            )
        tile_level, height = divmod(level, TILE_HEIGHT)
        first = index << height
        hashes = self.tile(tile_level, first >> TILE_HEIGHT)
        offset = first & _MASK
        return perfect_root(hashes[offset : offset + (1 << height)])

    def __call__(self, level: int, index: int) -> bytes:
        return self.node(level, index)

    def root(self) -> bytes:
        """The root hash of the tree of ``size`` entries."""
        subtrees: list[bytes] = []
        offset = 0
        for level in range(self._size.bit_length() - 1, -1, -1):
            if self._size >> level & 1:
                subtrees.append(self.node(level, offset >> level))
                offset += 1 << level
        return _fold(subtrees)

    def entries(self, start: int, stop: int, *, check: bool = True) -> list[bytes]:
        """Entries ``start`` to ``stop`` (exclusive), read from bundles.

        With ``check`` every entry is compared with its leaf hash in the level-0 tile,
        so the entries are exactly as trustworthy as the tiles.
        """
        if not 0 <= start <= stop <= self._size:
            raise _out_of_range(
                f"Entries {start}..{stop}", f"Entri {start}..{stop}", self._size, start=start
            )
        found: list[bytes] = []
        for index in range(start >> TILE_HEIGHT, (stop + _MASK) >> TILE_HEIGHT):
            bundle, _ = read_bundle(self._tiles, index, self.tile_width(0, index))
            if check:
                _check_bundle(bundle, self.tile(0, index), index)
            base = index * TILE_WIDTH
            found.extend(bundle[max(start - base, 0) : stop - base])
        return found

    def entry(self, index: int) -> bytes:
        """Entry ``index``, checked against its leaf hash."""
        if not 0 <= index < self._size:
            raise _out_of_range(f"Entry {index}", f"Entri {index}", self._size, index=index)
        return self.entries(index, index + 1)[0]


# --- verifying ---


@dataclass(frozen=True)
class TileReport:
    """A publication that verified: its size and root, and how many files were checked."""

    size: int
    root: bytes
    tiles: int
    bundles: int


def _tile_mismatch(level: int, index: int, width: int, reason_en: str, reason_id: str) -> TileError:
    path = tile_path(level, index, width)
    return tile_error(
        f"Tile {path} is wrong: {reason_en}.",
        f"Tile {path} salah: {reason_id}.",
        "log.tile-mismatch",
        path=path,
        level=level,
        index=index,
    )


class _Verifier:
    def __init__(self, tiles: TileSource, size: int) -> None:
        self.tiles = tiles
        self.size = size
        self.tiles_read = 0
        self.bundles_read = 0

    def run(self, root: bytes) -> TileReport:
        edge: list[tuple[int, int, list[bytes]]] = []
        for level in range(tile_levels(self.size)):
            width = partial_width(self.size, level)
            hashes = self._tile(level, full_tiles(self.size, level), width) if width else []
            edge.append((level, full_tiles(self.size, level), hashes))
        edge.reverse()
        if edge_root([hashes for _, _, hashes in reversed(edge)]) != root:
            self._blame_edge(edge)
        for level, index, hashes in edge:
            if hashes:
                self._below(level, index, hashes)
        return TileReport(self.size, root, self.tiles_read, self.bundles_read)

    def _blame_edge(self, edge: Sequence[tuple[int, int, list[bytes]]]) -> None:
        """The right edge does not hash to the root: name the tile at fault, if one is."""
        for level, index, hashes in edge:
            if hashes and not self._matches_below(level, index, hashes):
                raise _tile_mismatch(
                    level,
                    index,
                    len(hashes),
                    "it does not match the tiles below it, and the tree does not hash to "
                    "the checkpoint's root",
                    "tidak cocok dengan tile di bawahnya, dan pohon tidak cocok dengan root "
                    "checkpoint",
                )
        raise tile_error(
            f"The tiles of the tree of size {self.size} agree with each other but do not "
            "hash to the checkpoint's root.",
            f"Tile pohon berukuran {self.size} saling cocok tetapi tidak cocok dengan root "
            "checkpoint.",
            "log.root-mismatch",
            size=self.size,
        )

    def _matches_below(self, level: int, index: int, hashes: Sequence[bytes]) -> bool:
        if level == 0:
            entries = self._bundle(index, len(hashes))
            return [leaf_hash(entry) for entry in entries] == list(hashes)
        first = index * TILE_WIDTH
        return all(
            perfect_root(self._tile(level - 1, first + i, TILE_WIDTH)) == expected
            for i, expected in enumerate(hashes)
        )

    def _below(self, level: int, index: int, hashes: Sequence[bytes]) -> None:
        """Check everything under a tile already known to be right."""
        if level == 0:
            _check_bundle(self._bundle(index, len(hashes)), hashes, index)
            return
        for position, expected in enumerate(hashes):
            child = index * TILE_WIDTH + position
            child_hashes = self._tile(level - 1, child, TILE_WIDTH)
            if perfect_root(child_hashes) != expected:
                raise _tile_mismatch(
                    level - 1,
                    child,
                    TILE_WIDTH,
                    f"it does not hash to entry {position} of the tile above it",
                    f"tidak cocok dengan entri ke-{position} tile di atasnya",
                )
            self._below(level - 1, child, child_hashes)

    def _tile(self, level: int, index: int, width: int) -> list[bytes]:
        self.tiles_read += 1
        return read_tile(self.tiles, level, index, width)

    def _bundle(self, index: int, width: int) -> list[bytes]:
        self.bundles_read += 1
        return read_bundle(self.tiles, index, width)[0]


def verify_tiles(tiles: TileSource, size: int, root: bytes) -> TileReport:
    """Check every tile and bundle of the tree a checkpoint (``size``, ``root``) commits to.

    The right edge (the partial tiles) must hash to ``root``; every full tile must hash
    to its entry in the tile above; every bundle entry must hash to its leaf. The first
    fault raises a :class:`TileError` naming the file: ``log.tile-missing``,
    ``log.tile-wrong-size``, ``log.tile-mismatch``, ``log.bundle-missing``,
    ``log.bundle-malformed``, ``log.bundle-wrong-size``, ``log.bundle-mismatch``, or
    ``log.root-mismatch`` when the tiles agree with each other but not with ``root``.
    Reads each file once; holds one tile per level.
    """
    _check_size(size)
    if len(root) != HASH_SIZE:
        raise tile_error(
            f"A root hash is {HASH_SIZE} bytes, not {len(root)}.",
            f"Hash root berukuran {HASH_SIZE} byte, bukan {len(root)}.",
            "log.tile-bad-root",
            size=len(root),
        )
    return _Verifier(tiles, size).run(root)


__all__ = [
    "EMPTY_ROOT",
    "ENTRIES",
    "MAX_TILE_LEVEL",
    "MAX_TREE_SIZE",
    "TILE_HEIGHT",
    "TILE_WIDTH",
    "TileCoordinates",
    "TileDir",
    "TileReader",
    "TileReport",
    "TileSink",
    "TileSource",
    "TileUpdate",
    "TileWriter",
    "decode_bundle",
    "decode_tile",
    "edge_root",
    "encode_bundle",
    "encode_tile",
    "entries_path",
    "full_tiles",
    "parse_tile_path",
    "partial_width",
    "perfect_root",
    "read_bundle",
    "read_tile",
    "tile_levels",
    "tile_path",
    "verify_tiles",
]
