"""tlog-tiles: paths, tile and bundle bytes, the atomic folder, growing, reading, verifying.

The oracle is :class:`Reference`, a plain in-memory computation that knows nothing of
tiles' right edges: it hashes every level of the tree and cuts tiles out of them, and
takes roots by RFC 6962's recursive split.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import stat
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.errors import TileError
from saksi.tlog.hashes import MAX_ENTRY_SIZE, leaf_hash, node_hash
from saksi.tlog.tiles import (
    EMPTY_ROOT,
    TileDir,
    TileReader,
    TileWriter,
    decode_bundle,
    decode_tile,
    encode_bundle,
    encode_tile,
    entries_path,
    parse_tile_path,
    tile_path,
    verify_tiles,
)

# --- the oracle and helpers ---


class Reference:
    """Every perfect-subtree hash of a list of entries, level by level."""

    def __init__(self, entries: Sequence[bytes]) -> None:
        self.entries = list(entries)
        self.levels = [[leaf_hash(entry) for entry in entries]]
        while len(self.levels[-1]) > 1:
            below = self.levels[-1]
            self.levels.append(
                [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
            )

    def node(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def root(self, size: int) -> bytes:
        return self._mth(0, size)

    def _mth(self, start: int, count: int) -> bytes:
        if count == 0:
            return EMPTY_ROOT
        if count & (count - 1) == 0:
            level = count.bit_length() - 1
            return self.levels[level][start >> level]
        split = 1 << (count.bit_length() - 1)
        return node_hash(self._mth(start, split), self._mth(start + split, count - split))

    def files(self, size: int) -> dict[str, bytes]:
        """Every tile and bundle of the tree of ``size`` entries."""
        found: dict[str, bytes] = {}
        level = 0
        while size >> (8 * level):
            nodes = self.levels[8 * level]
            count, width = size >> (8 * level + 8), (size >> (8 * level)) % 256
            for index in range(count + (width > 0)):
                chunk = nodes[index * 256 : min(index * 256 + 256, size >> (8 * level))]
                found[tile_path(level, index, len(chunk))] = b"".join(chunk)
            level += 1
        for index in range(0, size, 256):
            chunk = self.entries[index : min(index + 256, size)]
            encoded = b"".join(len(e).to_bytes(2, "big") + e for e in chunk)
            found[entries_path(index // 256, len(chunk))] = encoded
        return found

    def published(self, sizes: Sequence[int]) -> dict[str, bytes]:
        """The files of a log that published checkpoints at each of ``sizes``."""
        found: dict[str, bytes] = {}
        for size in sizes:
            found.update(self.files(size))
        return found


def make_entries(count: int, seed: int = 0) -> list[bytes]:
    """Entries of varied lengths (0 to 40 bytes), different for each index and seed."""
    return [
        hashlib.sha256(f"{seed}:{i}".encode()).digest()[: i % 41] + i.to_bytes(4, "big")
        for i in range(count)
    ]


class MemoryTiles:
    """A TileSink in a dictionary, recording what was read and written."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.reads: list[str] = []
        self.writes: list[str] = []

    def read(self, relpath: str) -> bytes | None:
        self.reads.append(relpath)
        return self.files.get(relpath)

    def write(self, relpath: str, data: bytes) -> None:
        self.writes.append(relpath)
        self.files[relpath] = data


class CrashingTiles(MemoryTiles):
    """Dies (like a killed process) after ``budget`` writes."""

    def __init__(self, files: dict[str, bytes], budget: int) -> None:
        super().__init__()
        self.files = files
        self.budget = budget

    def write(self, relpath: str, data: bytes) -> None:
        if self.budget == 0:
            raise KeyboardInterrupt("crash")
        self.budget -= 1
        super().write(relpath, data)


def folder_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def grow_all(writer: TileWriter, entries: Sequence[bytes], sizes: Sequence[int]) -> list[bytes]:
    """Grow from 0 through each size in ``sizes``; the roots reached."""
    roots = []
    size = 0
    for target in sizes:
        update = writer.grow(size, entries[size:target])
        assert (update.old_size, update.new_size) == (size, target)
        roots.append(update.root)
        size = target
    return roots


def edge_paths(size: int) -> set[str]:
    """The partial tiles and bundle of a tree: all that growing it may read."""
    paths = set()
    level = 0
    while size >> (8 * level):
        width = (size >> (8 * level)) % 256
        if width:
            paths.add(tile_path(level, size >> (8 * level + 8), width))
        level += 1
    if size % 256:
        paths.add(entries_path(size // 256, size % 256))
    return paths


def tile_error(excinfo: pytest.ExceptionInfo[TileError]) -> tuple[str, str | None]:
    return excinfo.value.code, excinfo.value.details.get("path")


# --- paths ---


@pytest.mark.parametrize(
    ("level", "index", "width", "path"),
    [
        (0, 0, 256, "tile/0/000"),
        (0, 1234067, 256, "tile/0/x001/x234/067"),
        (0, 1234, 5, "tile/0/x001/234.p/5"),
        (3, 999, 255, "tile/3/999.p/255"),
        (1, 1000, 256, "tile/1/x001/000"),
        (63, 1000000, 1, "tile/63/x001/x000/000.p/1"),
    ],
)
def test_tile_paths(level: int, index: int, width: int, path: str) -> None:
    assert tile_path(level, index, width) == path
    coordinates = parse_tile_path(path)
    assert (coordinates.level, coordinates.index, coordinates.width) == (level, index, width)


def test_entries_paths() -> None:
    assert entries_path(0, 15) == "tile/entries/000.p/15"
    assert entries_path(1000000) == "tile/entries/x001/x000/000"
    assert parse_tile_path("tile/entries/x001/002.p/3").level is None
    assert parse_tile_path("tile/entries/x001/002.p/3").index == 1002


@pytest.mark.parametrize(
    ("level", "index", "width"), [(-1, 0, 256), (64, 0, 256), (0, -1, 256), (0, 0, 0), (0, 0, 257)]
)
def test_impossible_coordinates_are_refused(level: int, index: int, width: int) -> None:
    with pytest.raises(TileError) as excinfo:
        tile_path(level, index, width)
    assert excinfo.value.code == "log.tile-bad-coordinates"


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/01",
        "tile/0/0000",
        "tile/00/000",
        "tile/64/000",
        "tile/0/x000/001",
        "tile/0/001/x002",
        "tile/0/000.p/256",
        "tile/0/000.p/0",
        "tile/0/000.p/05",
        "tile/0/000.p/",
        "tile/data/000",
        "/tile/0/000",
        "tile/0/000/",
        "",
    ],
)
def test_non_canonical_paths_are_refused(path: str) -> None:
    with pytest.raises(TileError) as excinfo:
        parse_tile_path(path)
    assert excinfo.value.code == "log.tile-bad-path"


@given(
    level=st.one_of(st.none(), st.integers(0, 63)),
    index=st.integers(0, 2**40),
    width=st.integers(1, 256),
)
def test_paths_round_trip(level: int | None, index: int, width: int) -> None:
    path = entries_path(index, width) if level is None else tile_path(level, index, width)
    coordinates = parse_tile_path(path)
    assert (coordinates.level, coordinates.index, coordinates.width) == (level, index, width)
    assert coordinates.path == path


# --- tile and bundle bytes ---


@given(st.lists(st.binary(max_size=300), min_size=1, max_size=256))
def test_bundles_round_trip(entries: list[bytes]) -> None:
    data = encode_bundle(entries)
    assert len(data) == sum(2 + len(e) for e in entries)
    assert decode_bundle(data) == entries
    assert decode_bundle(data, len(entries)) == entries


def test_bundle_takes_the_largest_entry_and_refuses_a_larger_one() -> None:
    largest = b"x" * MAX_ENTRY_SIZE
    assert decode_bundle(encode_bundle([largest, b""])) == [largest, b""]
    with pytest.raises(TileError) as excinfo:
        encode_bundle([b"", largest + b"x"])
    assert excinfo.value.code == "log.entry-too-large"
    assert excinfo.value.details["position"] == 1


@given(st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=256))
def test_tiles_round_trip(hashes: list[bytes]) -> None:
    assert decode_tile(encode_tile(hashes), len(hashes)) == hashes


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: encode_tile([]), "log.tile-bad-width"),
        (lambda: encode_tile([bytes(32)] * 257), "log.tile-bad-width"),
        (lambda: encode_tile([bytes(32), bytes(31)]), "log.tile-bad-hash"),
        (lambda: encode_bundle([]), "log.tile-bad-width"),
        (lambda: encode_bundle([b""] * 257), "log.tile-bad-width"),
        (lambda: decode_tile(b""), "log.tile-wrong-size"),
        (lambda: decode_tile(bytes(33)), "log.tile-wrong-size"),
        (lambda: decode_tile(bytes(32 * 257)), "log.tile-wrong-size"),
        (lambda: decode_tile(bytes(64), 3), "log.tile-wrong-size"),
        (lambda: decode_bundle(b""), "log.bundle-wrong-size"),
        (lambda: decode_bundle(b"\x00"), "log.bundle-malformed"),
        (lambda: decode_bundle(b"\x00\x05abc"), "log.bundle-malformed"),
        (lambda: decode_bundle(b"\x00\x01a\x00"), "log.bundle-malformed"),
        (lambda: decode_bundle(b"\x00\x00" * 257), "log.bundle-malformed"),
        (lambda: decode_bundle(b"\x00\x01a", 2), "log.bundle-wrong-size"),
    ],
)
def test_bad_tiles_and_bundles_are_refused_with_a_code(
    call: Callable[[], object], code: str
) -> None:
    with pytest.raises(TileError) as excinfo:
        call()
    assert excinfo.value.code == code
    assert excinfo.value.message_id != excinfo.value.message_en


@given(st.binary(max_size=600), st.one_of(st.none(), st.integers(0, 300)))
def test_decoders_raise_nothing_but_tile_errors(data: bytes, count: int | None) -> None:
    for decode in (decode_bundle, decode_tile):
        try:
            decode(data, count, path="tile/x")
        except TileError as exc:
            assert exc.code.startswith(("log.bundle-", "log.tile-"))
            assert exc.details["path"] == "tile/x"


# --- the folder ---


def test_folder_writes_reads_and_replaces(tmp_path: Path) -> None:
    tiles = TileDir(tmp_path / "pub")
    assert tiles.read("tile/0/000") is None
    assert not tiles.exists("tile/0/000")
    tiles.write("tile/0/x001/000.p/3", b"abc")
    tiles.write("tile/0/x001/000.p/3", b"abcd")
    assert tiles.read("tile/0/x001/000.p/3") == b"abcd"
    assert tiles.exists("tile/0/x001/000.p/3")
    assert folder_files(tmp_path) == {"pub/tile/0/x001/000.p/3": b"abcd"}  # no temp files
    umask = os.umask(0)
    os.umask(umask)
    mode = stat.S_IMODE((tmp_path / "pub/tile/0/x001/000.p/3").stat().st_mode)
    assert mode == 0o644 & ~umask


@pytest.mark.parametrize(
    "relpath", ["", "/etc/passwd", "../x", "tile/../../x", "tile//0", "tile/./0", "a\\b", "tile/"]
)
def test_folder_refuses_paths_outside_it(tmp_path: Path, relpath: str) -> None:
    tiles = TileDir(tmp_path)
    actions: list[Callable[[], object]] = [
        lambda: tiles.write(relpath, b"x"),
        lambda: tiles.read(relpath),
    ]
    for action in actions:
        with pytest.raises(TileError) as excinfo:
            action()
        assert excinfo.value.code == "log.tile-bad-path"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failed_write_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    tiles = TileDir(tmp_path)
    tiles.write("tile/0/000.p/1", b"old")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(TileError) as excinfo:
        tiles.write("tile/0/000.p/1", b"new")
    assert excinfo.value.code == "log.tile-io"
    assert excinfo.value.details["path"] == str(tmp_path / "tile/0/000.p/1")
    monkeypatch.undo()
    assert folder_files(tmp_path) == {"tile/0/000.p/1": b"old"}


def test_temp_files_left_by_a_crash_are_found_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiles = TileDir(tmp_path)
    assert tiles.temp_files() == []
    tiles.write("tile/0/000.p/1", b"x")
    (tmp_path / "tile/0/.hidden.tmp").write_bytes(b"not ours")

    def die(*args: object) -> None:
        raise KeyboardInterrupt("killed")

    real_replace = os.replace
    monkeypatch.setattr(os, "replace", die)
    with pytest.raises(KeyboardInterrupt):
        tiles.write("tile/0/000.p/2", b"xy")
    assert tiles.temp_files() == []  # an exception still removes it
    monkeypatch.setattr(os, "unlink", die)  # a kill between write and rename does not
    with pytest.raises(KeyboardInterrupt):
        tiles.write("tile/0/000.p/2", b"xy")
    monkeypatch.undo()
    assert os.replace is real_replace
    left = tiles.temp_files()
    assert len(left) == 1
    assert left[0].startswith("tile/0/000.p/.2.")
    assert tiles.read("tile/0/000.p/2") is None
    assert tiles.remove_temp_files() == left
    assert tiles.temp_files() == []
    assert (tmp_path / "tile/0/.hidden.tmp").exists()


def test_io_errors_become_tile_errors(tmp_path: Path) -> None:
    (tmp_path / "tile").write_bytes(b"a file where a folder should be")
    with pytest.raises(TileError) as excinfo:
        TileDir(tmp_path).write("tile/0/000", b"x")
    assert excinfo.value.code == "log.tile-io"
    assert TileDir(tmp_path).read("tile/0/000") is None
    (tmp_path / "dir").mkdir()
    with pytest.raises(TileError):
        TileDir(tmp_path).read("dir")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")
def test_write_fsyncs_file_then_renames_then_fsyncs_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append(("replace", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    TileDir(tmp_path).write("tile/0/000.p/1", b"x")
    monkeypatch.undo()
    target = tmp_path / "tile/0/000.p/1"
    kinds = [kind for kind, _ in events]
    assert kinds == ["fsync", "fsync", "fsync", "fsync", "replace", "fsync"]
    folders = [Path(path) for _, path in events[:3]]
    # Each new folder's parent is fsynced after the folder is made: tile, tile/0, tile/0/000.p.
    assert folders == [tmp_path, tmp_path / "tile", tmp_path / "tile/0"]
    assert Path(events[3][1]).parent == target.parent  # the temp file, before the rename
    assert Path(events[3][1]).name.startswith(".1.")
    assert events[4:] == [("replace", str(target)), ("fsync", str(target.parent))]

    events.clear()
    monkeypatch.setattr(os, "fsync", fsync)
    TileDir(tmp_path, durable=False).write("tile/1/000.p/1", b"x")
    assert events == []


# --- growing ---


def test_tree_of_256_is_a_full_tile_and_a_level_1_tile_of_width_1() -> None:
    entries = make_entries(256)
    tiles = MemoryTiles()
    update = TileWriter(tiles).grow(0, entries)
    assert update.written == ["tile/entries/000", "tile/0/000", "tile/1/000.p/1"]
    assert tiles.files == Reference(entries).files(256)
    assert update.root == Reference(entries).root(256)
    assert tiles.reads == []


def test_grow_by_nothing_reads_the_edge_and_writes_nothing() -> None:
    entries = make_entries(300)
    tiles = MemoryTiles()
    writer = TileWriter(tiles)
    first = writer.grow(0, entries)
    again = writer.grow(300, [])
    assert (again.new_size, again.root, again.written) == (300, first.root, [])
    assert set(tiles.reads) == edge_paths(300)


def test_grow_is_idempotent() -> None:
    entries = make_entries(700)
    tiles = MemoryTiles()
    writer = TileWriter(tiles)
    writer.grow(0, entries[:300])
    snapshot = dict(tiles.files)
    first = writer.grow(300, entries[300:])
    after_first = dict(tiles.files)
    second = writer.grow(300, entries[300:])
    assert first == second
    assert tiles.files == after_first
    assert set(after_first) - set(snapshot) == set(first.written)


@settings(max_examples=40, deadline=None)
@given(budget=st.integers(0, 12), split=st.integers(1, 699))
def test_grow_resumed_after_a_crash_writes_the_same_files(budget: int, split: int) -> None:
    entries = make_entries(700, seed=budget)
    tiles = MemoryTiles()
    writer = TileWriter(tiles)
    writer.grow(0, entries[:split])
    crashing = CrashingTiles(tiles.files, budget)
    with contextlib.suppress(KeyboardInterrupt):  # a budget past the last write never crashes
        TileWriter(crashing).grow(split, entries[split:])
    update = writer.grow(split, entries[split:])
    reference = Reference(entries)
    assert update.root == reference.root(700)
    assert tiles.files == reference.published([split, 700])


@settings(max_examples=60, deadline=None)
@given(
    batches=st.lists(st.integers(0, 300), min_size=1, max_size=8),
    seed=st.integers(0, 1000),
)
def test_random_growth_matches_the_reference(batches: list[int], seed: int) -> None:
    sizes = [sum(batches[: i + 1]) for i in range(len(batches))]
    entries = make_entries(sizes[-1], seed)
    reference = Reference(entries)
    tiles = MemoryTiles()
    writer = TileWriter(tiles)
    size = 0
    for target in sizes:
        tiles.reads.clear()
        update = writer.grow(size, entries[size:target])
        assert update.root == reference.root(target)
        assert set(tiles.reads) <= edge_paths(size)  # only the old right edge is read back
        size = target
    assert tiles.files == reference.published(sizes)
    rng = random.Random(seed)
    if size:
        reader = TileReader(tiles, size, cache_tiles=rng.choice([1, 64]))
        assert reader.root() == reference.root(size)
        for _ in range(20):
            level = rng.randrange(size.bit_length())
            index = rng.randrange(size >> level)
            assert reader.node(level, index) == reference.node(level, index)
        start = rng.randrange(size)
        stop = rng.randrange(start, size + 1)
        assert reader.entries(start, stop) == entries[start:stop]


def test_expected_old_root_guards_the_grow() -> None:
    entries = make_entries(20)
    tiles = MemoryTiles()
    writer = TileWriter(tiles)
    first = writer.grow(0, entries[:10])
    before = dict(tiles.files)
    with pytest.raises(TileError) as excinfo:
        writer.grow(10, entries[10:], expected_old_root=bytes(32))
    assert excinfo.value.code == "log.tile-mismatch"
    assert tiles.files == before
    update = writer.grow(10, entries[10:], expected_old_root=first.root)
    assert update.root == Reference(entries).root(20)


def test_grow_refuses_a_missing_or_inconsistent_edge() -> None:
    entries = make_entries(300)
    tiles = MemoryTiles()
    writer = TileWriter(tiles)
    writer.grow(0, entries)
    cases = {
        "tile/0/001.p/44": "log.tile-missing",
        "tile/1/000.p/1": "log.tile-missing",
        "tile/entries/001.p/44": "log.bundle-missing",
    }
    for path, code in cases.items():
        saved = tiles.files.pop(path)
        with pytest.raises(TileError) as excinfo:
            writer.grow(300, [b"more"])
        assert tile_error(excinfo) == (code, path)
        tiles.files[path] = saved
    tiles.files["tile/entries/001.p/44"] = encode_bundle([b"other"] * 44)
    with pytest.raises(TileError) as excinfo:
        writer.grow(300, [b"more"])
    assert tile_error(excinfo) == ("log.bundle-mismatch", "tile/entries/001.p/44")


def test_grow_streams_an_iterator_of_entries() -> None:
    entries = make_entries(5_000, seed=5)
    listed, streamed = MemoryTiles(), MemoryTiles()
    TileWriter(listed).grow(0, entries[:100])
    TileWriter(streamed).grow(0, entries[:100])
    update = TileWriter(listed).grow(100, entries[100:])
    assert TileWriter(streamed).grow(100, iter(entries[100:])) == update
    assert streamed.files == listed.files == Reference(entries).published([100, 5_000])
    bad = MemoryTiles()
    poisoned = (*entries[:1_000], b"x" * (MAX_ENTRY_SIZE + 1))
    with pytest.raises(TileError) as excinfo:
        TileWriter(bad).grow(0, iter(poisoned))
    assert excinfo.value.details["position"] == 1_000
    assert bad.files  # the full tiles before the bad entry, as a good run writes them
    assert all(".p/" not in path for path in bad.files)
    assert bad.files.items() <= listed.files.items()


def test_grow_checks_every_entry_before_writing() -> None:
    tiles = MemoryTiles()
    with pytest.raises(TileError) as excinfo:
        TileWriter(tiles).grow(0, [b"ok"] * 300 + [b"x" * (MAX_ENTRY_SIZE + 1)])
    assert excinfo.value.code == "log.entry-too-large"
    assert excinfo.value.details["position"] == 300
    assert tiles.files == {}
    with pytest.raises(TileError) as excinfo:
        TileWriter(tiles).grow(-1, [])
    assert excinfo.value.code == "log.tile-bad-size"


def test_grow_a_ten_million_entry_log_from_its_edge_alone() -> None:
    """Only the right edge is read and memory stays small, however large the log."""
    size = 10_000_123  # partial tiles of widths 251 (level 0), 150 (level 1), 152 (level 2)
    rng = random.Random(10)
    tiles = MemoryTiles()
    last = make_entries(size % 256, seed=10)
    tiles.files[entries_path(size // 256, size % 256)] = encode_bundle(last)
    tiles.files[tile_path(0, size // 256, size % 256)] = encode_tile([leaf_hash(e) for e in last])
    for level in (1, 2):
        width = (size >> (8 * level)) % 256
        hashes = [rng.randbytes(32) for _ in range(width)]
        tiles.files[tile_path(level, size >> (8 * level + 8), width)] = encode_tile(hashes)
    new = make_entries(5_000, seed=11)
    tracemalloc.start()
    update = TileWriter(tiles).grow(size, new)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert set(tiles.reads) == edge_paths(size)
    assert peak < 2_000_000  # the tree's 10 M leaf hashes alone would be 320 MB
    full = [tile_path(0, i) for i in range(size // 256, (size + 5_000) // 256)]
    assert full == [p for p in update.written if p.startswith("tile/0/") and ".p/" not in p]
    assert (size + 5_000) % 65_536 > 5_000  # no level-1 tile completes...
    assert tile_path(1, size >> 16, ((size + 5_000) >> 8) % 256) in update.written
    reader = TileReader(tiles, size + 5_000)
    assert reader.root() == update.root  # node-by-node root agrees with the writer's edge root
    assert reader.entries(size - 5, size + 5_000) == last[-5:] + new


def test_proofs_from_tiles_match_an_in_memory_tree() -> None:
    merkle = pytest.importorskip("saksi.tlog.merkle")
    entries = make_entries(1_000, seed=3)
    sizes = [1, 300, 513, 1_000]
    tiles = MemoryTiles()
    grow_all(TileWriter(tiles), entries, sizes)
    tree = merkle.MemoryTree(leaf_hash(e) for e in entries)
    rng = random.Random(3)
    for size in sizes:
        reader = TileReader(tiles, size)
        root = tree.root(size)
        assert reader.root() == root == merkle.root_at(size, reader.node)
        for index in rng.sample(range(size), min(size, 20)):
            proof = merkle.inclusion_proof(index, size, reader.node)
            assert proof == tree.inclusion_proof(index, size)
            merkle.verify_inclusion(leaf_hash(entries[index]), index, size, proof, root)
    for size1, size2 in [(1, 300), (300, 513), (1, 1_000), (513, 1_000)]:
        proof = merkle.consistency_proof(size1, size2, TileReader(tiles, size2).node)
        assert proof == tree.consistency_proof(size1, size2)
        merkle.verify_consistency(size1, size2, proof, tree.root(size1), tree.root(size2))


# --- reading ---


def test_reader_refuses_what_the_tree_does_not_have() -> None:
    entries = make_entries(300)
    tiles = MemoryTiles()
    TileWriter(tiles).grow(0, entries)
    reader = TileReader(tiles, 300)
    for call in (
        lambda: reader.node(0, 300),
        lambda: reader.node(-1, 0),
        lambda: reader.node(64, 0),
        lambda: reader.node(9, 0),
        lambda: reader.node(8, 1),
        lambda: reader.entries(5, 3),
        lambda: reader.entries(0, 301),
        lambda: reader.entry(300),
        lambda: reader.tile(0, 2),
        lambda: reader.tile(2, 0),
    ):
        with pytest.raises(TileError) as excinfo:
            call()
        assert excinfo.value.code == "log.tile-out-of-range"
    assert reader(8, 0) == reader.node(8, 0) == Reference(entries).node(8, 0)
    assert reader.entry(299) == entries[299]
    assert reader.entries(7, 7) == []
    assert TileReader(tiles, 0).root() == EMPTY_ROOT
    del tiles.files["tile/0/000"]
    with pytest.raises(TileError) as excinfo:
        TileReader(tiles, 300).node(3, 1)
    assert tile_error(excinfo) == ("log.tile-missing", "tile/0/000")


def test_reader_checks_entries_against_leaf_hashes() -> None:
    entries = make_entries(300)
    tiles = MemoryTiles()
    TileWriter(tiles).grow(0, entries)
    forged = [*entries[:256]]
    forged[5] = b"forged"
    tiles.files["tile/entries/000"] = encode_bundle(forged)
    reader = TileReader(tiles, 300)
    assert reader.entries(256, 260) == entries[256:260]
    with pytest.raises(TileError) as excinfo:
        reader.entries(250, 260)  # not entry 5, but its bundle is checked whole
    assert tile_error(excinfo) == ("log.bundle-mismatch", "tile/entries/000")
    assert excinfo.value.details["entry"] == 5
    assert reader.entries(0, 10, check=False)[5] == b"forged"


# --- verifying ---


def published(size: int, sizes: Sequence[int] = ()) -> tuple[MemoryTiles, bytes]:
    entries = make_entries(size)
    tiles = MemoryTiles()
    roots = grow_all(TileWriter(tiles), entries, [*sizes, size])
    return tiles, roots[-1]


def tampered(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


@pytest.mark.parametrize("size", [1, 255, 256, 257, 600])
def test_verify_accepts_a_good_publication(size: int) -> None:
    tiles, root = published(size)
    report = verify_tiles(tiles, size, root)
    assert (report.size, report.root) == (size, root)
    files = Reference(make_entries(size)).files(size)
    assert report.tiles == sum(1 for p in files if "entries" not in p)
    assert report.bundles == sum(1 for p in files if "entries" in p)
    assert verify_tiles(MemoryTiles(), 0, EMPTY_ROOT).tiles == 0


def test_verify_names_every_tampered_file() -> None:
    size = 600  # level 0: two full tiles and a partial; level 1: a partial of width 2
    tiles, root = published(size, [100, 256])
    for path in sorted(Reference(make_entries(size)).files(size)):
        original = tiles.files[path]
        for position in sorted({0, 1, 2, len(original) // 2, len(original) - 1}):
            tiles.files[path] = tampered(original, position)
            with pytest.raises(TileError) as excinfo:
                verify_tiles(tiles, size, root)
            assert excinfo.value.details["path"] == path, (path, position)
            assert excinfo.value.code in {
                "log.tile-mismatch",
                "log.bundle-mismatch",
                "log.bundle-malformed",
                "log.bundle-wrong-size",
            }
            assert (excinfo.value.code == "log.tile-mismatch") == ("entries" not in path)
        tiles.files[path] = original[:-1]
        with pytest.raises(TileError) as excinfo:
            verify_tiles(tiles, size, root)
        assert excinfo.value.details["path"] == path
        del tiles.files[path]
        with pytest.raises(TileError) as excinfo:
            verify_tiles(tiles, size, root)
        missing = "log.bundle-missing" if "entries" in path else "log.tile-missing"
        assert tile_error(excinfo) == (missing, path)
        tiles.files[path] = original
    verify_tiles(tiles, size, root)


def test_verify_tells_a_wrong_checkpoint_from_wrong_tiles() -> None:
    tiles, root = published(600)
    with pytest.raises(TileError) as excinfo:
        verify_tiles(tiles, 600, bytes(32))
    assert excinfo.value.code == "log.root-mismatch"
    with pytest.raises(TileError) as excinfo:
        verify_tiles(tiles, 601, root)
    assert tile_error(excinfo) == ("log.tile-missing", "tile/0/002.p/89")
    with pytest.raises(TileError) as excinfo:
        verify_tiles(tiles, 600, root[:31])
    assert excinfo.value.code == "log.tile-bad-root"


@settings(max_examples=30, deadline=None)
@given(size=st.integers(1, 1000), data=st.data())
def test_verify_finds_any_one_byte_change(size: int, data: st.DataObject) -> None:
    tiles, root = published(size)
    path = data.draw(st.sampled_from(sorted(tiles.files)))
    original = tiles.files[path]
    position = data.draw(st.integers(0, len(original) - 1))
    tiles.files[path] = tampered(original, position)
    with pytest.raises(TileError) as excinfo:
        verify_tiles(tiles, size, root)
    assert excinfo.value.details["path"] == path


# --- a large log, on disk ---

LARGE = 70_000  # past 256 * 256: three tile levels


@pytest.fixture(scope="module")
def large_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[int]]]:
    folder = tmp_path_factory.mktemp("large")
    entries = [i.to_bytes(8, "big") for i in range(LARGE)]
    reference = Reference(entries)
    rng = random.Random(70_000)
    sizes: list[int] = []
    size = 0
    writer = TileWriter(TileDir(folder))
    while size < LARGE:
        target = min(size + rng.choice([1, 255, 256, 1000, 4096, 9000]), LARGE)
        if size < 65_530 < target:
            target = 65_536  # stop right on the level-2 boundary once
        update = writer.grow(size, entries[size:target])
        assert update.root == reference.root(target)
        sizes.append(target)
        size = target
    yield folder, sizes


def test_large_log_matches_the_reference_file_for_file(large_log: tuple[Path, list[int]]) -> None:
    folder, sizes = large_log
    entries = [i.to_bytes(8, "big") for i in range(LARGE)]
    reference = Reference(entries)
    assert 65_536 in sizes
    assert folder_files(folder) == reference.published(sizes)
    final = reference.files(LARGE)
    # The shape tlog-tiles gives for 70,000: 273 full level-0 tiles and a partial of
    # width 112, a full level-1 tile and a partial of 17, a level-2 partial of width 1.
    assert sum(1 for p in final if p.startswith("tile/0/") and ".p/" not in p) == 273
    assert {p for p in final if ".p/" in p} == {
        "tile/0/273.p/112",
        "tile/entries/273.p/112",
        "tile/1/001.p/17",
        "tile/2/000.p/1",
    }
    assert "tile/1/000" in final
    reader = TileReader(TileDir(folder), LARGE)
    assert reader.root() == reference.root(LARGE)
    rng = random.Random(7)
    for _ in range(300):
        level = rng.randrange(LARGE.bit_length())
        index = rng.randrange(LARGE >> level)
        assert reader.node(level, index) == reference.node(level, index)
    assert reader.entries(65_500, 65_600) == entries[65_500:65_600]
    for size in rng.sample(sizes, 5):
        assert TileReader(TileDir(folder), size).root() == reference.root(size)


def test_large_log_tampering_is_named(large_log: tuple[Path, list[int]]) -> None:
    folder, _ = large_log
    tiles = TileDir(folder)
    root = Reference([i.to_bytes(8, "big") for i in range(LARGE)]).root(LARGE)
    report = verify_tiles(tiles, LARGE, root)
    assert (report.tiles, report.bundles) == (273 + 1 + 1 + 1 + 1, 274)
    for path in [
        "tile/0/000",
        "tile/0/272",
        "tile/0/273.p/112",
        "tile/1/000",
        "tile/1/001.p/17",
        "tile/2/000.p/1",
        "tile/entries/100",
        "tile/entries/273.p/112",
    ]:
        original = tiles.read(path)
        assert original is not None, path
        tiles.write(path, tampered(original, len(original) - 3))
        with pytest.raises(TileError) as excinfo:
            verify_tiles(tiles, LARGE, root)
        assert excinfo.value.details["path"] == path
        tiles.write(path, original)
    verify_tiles(tiles, LARGE, root)
