"""Conformance: TileWriter reproduces a log written by Tessera, byte for byte.

../shared/testvectors/tessera-log is a 15-entry log ("one", "two", ...) written by
Tessera one entry per checkpoint: checkpoint.N holds the root of the first N entries
and tile/ every level-0 tile and entry bundle of sizes 1 to 15.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path

import pytest

from saksi.tlog.tiles import (
    EMPTY_ROOT,
    TileDir,
    TileReader,
    TileWriter,
    decode_bundle,
    entries_path,
    tile_path,
    verify_tiles,
)
from tests.conftest import shared_path

pytestmark = pytest.mark.shared

SIZE = 15


@pytest.fixture(scope="module")
def vectors() -> Path:
    return shared_path("testvectors", "tessera-log")


@pytest.fixture(scope="module")
def entries(vectors: Path) -> list[bytes]:
    found = decode_bundle((vectors / entries_path(0, SIZE)).read_bytes(), SIZE)
    assert found[:3] == [b"one", b"two", b"three"]
    return found


def checkpoint_root(vectors: Path, size: int) -> bytes:
    lines = (vectors / f"checkpoint.{size}").read_text(encoding="utf-8").splitlines()
    assert int(lines[1]) == size
    return base64.b64decode(lines[2], validate=True)


def tile_files(root: Path) -> dict[str, bytes]:
    """Every file under root/tile, by path relative to root (hidden files included)."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted((root / "tile").rglob("*"))
        if path.is_file()
    }


def grow_in_batches(folder: Path, entries: Sequence[bytes], batches: Sequence[int]) -> list[bytes]:
    writer = TileWriter(TileDir(folder))
    roots: list[bytes] = []
    size = 0
    for batch in batches:
        update = writer.grow(size, entries[size : size + batch])
        size = update.new_size
        roots.append(update.root)
    assert size == len(entries)
    return roots


def test_vectors_are_what_this_test_expects(vectors: Path) -> None:
    expected = {tile_path(0, 0, n) for n in range(1, SIZE + 1)}
    expected |= {entries_path(0, n) for n in range(1, SIZE + 1)}
    assert set(tile_files(vectors)) == expected
    assert checkpoint_root(vectors, 0) == EMPTY_ROOT


def test_one_entry_at_a_time_reproduces_every_file_and_root(
    vectors: Path, entries: list[bytes], tmp_path: Path
) -> None:
    roots = grow_in_batches(tmp_path, entries, [1] * SIZE)
    assert roots == [checkpoint_root(vectors, n) for n in range(1, SIZE + 1)]
    assert tile_files(tmp_path) == tile_files(vectors)


def test_empty_grow_keeps_the_empty_root(vectors: Path, tmp_path: Path) -> None:
    update = TileWriter(TileDir(tmp_path)).grow(0, [])
    assert update.root == checkpoint_root(vectors, 0)
    assert update.written == []


@pytest.mark.parametrize("batches", [[15], [7, 8], [1, 13, 1], [3, 0, 12]])
def test_other_batchings_give_the_same_final_files(
    vectors: Path, entries: list[bytes], tmp_path: Path, batches: list[int]
) -> None:
    roots = grow_in_batches(tmp_path, entries, batches)
    assert roots[-1] == checkpoint_root(vectors, SIZE)
    written = tile_files(tmp_path)
    final = [tile_path(0, 0, SIZE), entries_path(0, SIZE)]
    for path in final:
        assert written[path] == (vectors / path).read_bytes()
    reached = {sum(batches[: i + 1]) for i in range(len(batches))}
    # The partial tiles of the sizes it stopped at, and no others.
    expected = {tile_path(0, 0, n) for n in reached} | {entries_path(0, n) for n in reached}
    assert set(written) == expected
    for path in expected:
        assert written[path] == (vectors / path).read_bytes()


def test_reader_and_verifier_accept_the_tessera_log(vectors: Path, entries: list[bytes]) -> None:
    for size in range(1, SIZE + 1):
        root = checkpoint_root(vectors, size)
        reader = TileReader(TileDir(vectors), size)
        assert reader.root() == root
        assert reader.entries(0, size) == entries[:size]
        report = verify_tiles(TileDir(vectors), size, root)
        assert (report.size, report.root, report.tiles, report.bundles) == (size, root, 1, 1)
