"""The log: sequencer, integrator, proofs, fsck, and the Tessera log reproduced.

Most tests use the real SQLite store (``saksi.store.open_store``); a few use
:class:`MemoryStore`, a small in-memory :class:`EntryStore` whose faults a test can
choose (a lost compare-and-swap, entries lost, an entry changed).
"""

from __future__ import annotations

import itertools
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saksi.errors import LogError, NoteError, ProofError, SaksiError
from saksi.store import SqliteStore, open_store
from saksi.tlog import merkle
from saksi.tlog.checkpoint import Checkpoint, CosignatureVerifier, open_checkpoint
from saksi.tlog.hashes import MAX_ENTRY_SIZE, leaf_hash
from saksi.tlog.log import Log
from saksi.tlog.state import CHECKPOINT_META, EntryStore, LogLayout, Placed
from saksi.tlog.tiles import TileDir, TileReader, decode_bundle, tile_path
from tests.conftest import shared_path

TESSERA_ORIGIN = "example.com/log/testdata"
TESSERA_SKEY = (
    "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg"
)
TESSERA_VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"
ORIGIN = "saksi.test/log"


# --- an in-memory store with chosen faults --------------------------------------


@dataclass(frozen=True)
class _Placed:
    index: int


class MemoryStore:
    """An :class:`EntryStore` in memory: dedup like the real one, faults on demand."""

    def __init__(self) -> None:
        self.rows: list[bytes] = []
        self.meta: dict[str, bytes] = {}
        self.lose_cas = False
        self.closed = False

    def append_batch(self, entries: Sequence[bytes]) -> Sequence[Placed]:
        placed = []
        for entry in entries:
            if entry not in self.rows:
                self.rows.append(entry)
            placed.append(_Placed(self.rows.index(entry)))
        return placed

    def size(self) -> int:
        return len(self.rows)

    def entry(self, index: int) -> bytes:
        return self.rows[index]

    def entries(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, bytes]]:
        end = len(self.rows) if stop is None else min(stop, len(self.rows))
        return iter([(i, self.rows[i]) for i in range(start, end)])

    def get_meta(self, key: str) -> bytes | None:
        return self.meta.get(key)

    def compare_and_swap(self, key: str, expected: bytes | None, new: bytes) -> bool:
        if self.lose_cas or self.meta.get(key) != expected:
            return False
        self.meta[key] = new
        return True

    def close(self) -> None:
        self.closed = True


def memory_log(directory: Path) -> tuple[Log, MemoryStore]:
    store = MemoryStore()
    log, _ = Log.create(directory, ORIGIN, lambda _path: store, durable=False)
    return log, store


def new_log(directory: Path, **kwargs: Any) -> Log:
    log, _ = Log.create(directory, ORIGIN, open_store, durable=False, **kwargs)
    return log


def published(directory: Path) -> Checkpoint:
    return Checkpoint.parse((directory / "checkpoint").read_bytes().split(b"\n\n")[0] + b"\n")


def publication(directory: Path) -> dict[str, bytes]:
    """Every public file: relative path -> bytes (no private state)."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and ".state" not in p.parts
    }


# --- the store contract ------------------------------------------------------------


def test_the_sqlite_store_is_an_entry_store(tmp_path: Path) -> None:
    store: EntryStore = SqliteStore(tmp_path / "s.sqlite")  # mypy checks the protocol too
    try:
        assert isinstance(store, EntryStore)
    finally:
        store.close()
    assert isinstance(MemoryStore(), EntryStore)


# --- Tessera's log, reproduced byte for byte ---------------------------------------


@pytest.mark.shared
def test_the_tessera_log_is_reproduced_byte_for_byte(tmp_path: Path) -> None:
    vectors = shared_path("testvectors", "tessera-log")
    entries = decode_bundle((vectors / "tile" / "entries" / "000.p" / "15").read_bytes())
    assert len(entries) == 15 and entries[0] == b"one"
    directory = tmp_path / "log"
    log, vkey = Log.create(directory, TESSERA_ORIGIN, open_store, skey=TESSERA_SKEY)
    with log:
        assert vkey == TESSERA_VKEY
        assert (directory / "checkpoint").read_bytes() == (vectors / "checkpoint.0").read_bytes()
        for index, entry in enumerate(entries):
            assert log.append([entry]) == [index]
            note = log.integrate()
            expected = (vectors / f"checkpoint.{index + 1}").read_bytes()
            assert note == expected
            assert (directory / "checkpoint").read_bytes() == expected
    mine = {k: v for k, v in publication(directory).items() if k.startswith("tile/")}
    theirs = {k: v for k, v in publication(vectors).items() if k.startswith("tile/")}
    assert len(theirs) == 30  # tile/0/000.p/1..15 and tile/entries/000.p/1..15
    assert mine == theirs


# --- creating and opening ----------------------------------------------------------


def test_new_log_layout_key_and_empty_checkpoint(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    log, vkey = Log.create(directory, ORIGIN, open_store)
    with log:
        layout = LogLayout(directory)
        assert stat.S_IMODE(layout.key_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(layout.state.stat().st_mode) == 0o700
        assert layout.key_file.read_text().startswith(f"PRIVATE+KEY+{ORIGIN}+")
        assert vkey not in layout.key_file.read_text()
        assert layout.origin_file.read_text() == ORIGIN + "\n"
        assert vkey.startswith(ORIGIN + "+") and vkey == log.vkey
        signed = open_checkpoint((directory / "checkpoint").read_bytes(), log.verifier)
        assert signed.checkpoint == Checkpoint(ORIGIN, 0, merkle.EMPTY_ROOT)
        assert log.checkpoint() == (directory / "checkpoint").read_bytes()
    with Log.open(directory, open_store) as again:
        assert again.vkey == vkey and again.origin == ORIGIN


def test_new_refuses_an_existing_log_and_keeps_its_key(tmp_path: Path) -> None:
    new_log(tmp_path / "log").close()
    key = (tmp_path / "log" / ".state" / "log.key").read_bytes()
    with pytest.raises(LogError) as caught:
        new_log(tmp_path / "log")
    assert caught.value.code == "log.exists"
    assert (tmp_path / "log" / ".state" / "log.key").read_bytes() == key


@pytest.mark.parametrize("origin", ["", "has space", "a+b", "tab\there", "x" * 256])
def test_new_refuses_an_origin_that_cannot_name_a_key(tmp_path: Path, origin: str) -> None:
    with pytest.raises(LogError) as caught:
        Log.create(tmp_path / "log", origin, open_store)
    assert caught.value.code == "log.bad-origin"
    assert not (tmp_path / "log" / ".state").exists()


def test_new_with_a_key_of_another_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LogError) as caught:
        Log.create(tmp_path / "log", ORIGIN, open_store, skey=TESSERA_SKEY)
    assert caught.value.code == "log.key-origin-mismatch"
    assert not (tmp_path / "log").exists()


def test_new_with_a_malformed_key_is_refused_with_a_note_error(tmp_path: Path) -> None:
    with pytest.raises(NoteError) as caught:
        Log.create(tmp_path / "log", ORIGIN, open_store, skey="PRIVATE+KEY+nonsense")
    assert caught.value.code == "log.key-malformed"
    assert not (tmp_path / "log").exists()


def test_open_refuses_a_directory_that_is_not_a_log(tmp_path: Path) -> None:
    with pytest.raises(LogError) as caught:
        Log.open(tmp_path, open_store)
    assert caught.value.code == "log.not-a-log"


# --- the sequencer -----------------------------------------------------------------


def test_append_returns_contiguous_durable_indices(tmp_path: Path) -> None:
    with new_log(tmp_path / "log") as log:
        assert log.append([b"a", b"b"]) == [0, 1]
        assert log.append([b"c"]) == [2]
        assert log.append([]) == []
    with SqliteStore(LogLayout(tmp_path / "log").store_file) as store:
        assert [e for _, e in store.entries()] == [b"a", b"b", b"c"]


def test_append_deduplicates_identical_entries(tmp_path: Path) -> None:
    with new_log(tmp_path / "log") as log:
        assert log.append([b"x", b"y", b"x"]) == [0, 1, 0]
        assert log.append([b"y", b"z"]) == [1, 2]
        assert log.store.size() == 3


def test_append_refuses_an_entry_over_65535_bytes_and_stores_nothing(tmp_path: Path) -> None:
    with new_log(tmp_path / "log") as log:
        assert log.append([b"\0" * MAX_ENTRY_SIZE]) == [0]  # the largest entry is fine
        with pytest.raises(LogError) as caught:
            log.append([b"ok", b"\0" * (MAX_ENTRY_SIZE + 1)])
        assert caught.value.code == "log.entry-too-large"
        assert caught.value.details == {"position": 1, "size": 65536, "max": 65535}
        assert log.store.size() == 1


def test_append_refuses_what_is_not_bytes(tmp_path: Path) -> None:
    with new_log(tmp_path / "log") as log:
        with pytest.raises(LogError) as caught:
            log.append([b"ok", "text"])  # type: ignore[list-item]
        assert caught.value.code == "log.entry-not-bytes"
        assert log.store.size() == 0


# --- the integrator ----------------------------------------------------------------


def test_integrate_signs_the_root_of_every_stored_entry(tmp_path: Path) -> None:
    entries = [f"entry {i}".encode() for i in range(600)]
    with new_log(tmp_path / "log") as log:
        log.append(entries[:300])
        first = open_checkpoint(log.integrate(), log.verifier).checkpoint
        log.append(entries[300:])
        note = log.integrate()
        second = open_checkpoint(note, log.verifier).checkpoint
    tree = merkle.MemoryTree(leaf_hash(e) for e in entries)
    assert (first.size, first.root) == (300, tree.root(300))
    assert (second.size, second.root) == (600, tree.root())
    assert (tmp_path / "log" / "checkpoint").read_bytes() == note
    assert (tmp_path / "log" / tile_path(0, 2, 88)).is_file()  # 600 = 2*256 + 88
    assert (tmp_path / "log" / tile_path(1, 0, 2)).is_file()


def test_integrate_with_nothing_new_returns_the_same_checkpoint(tmp_path: Path) -> None:
    with new_log(tmp_path / "log") as log:
        log.append([b"a"])
        note = log.integrate()
        before = publication(tmp_path / "log")
        assert log.integrate() == note
        assert publication(tmp_path / "log") == before


def test_integrate_streams_the_backlog_and_writes_partial_tiles_of_the_final_size_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from saksi.tlog.tiles import TileUpdate, TileWriter

    given_lists: list[bool] = []
    original = TileWriter.grow

    def spy(
        self: TileWriter, old_size: int, new_entries: Iterable[bytes], **kw: bytes | None
    ) -> TileUpdate:
        given_lists.append(isinstance(new_entries, Sequence))
        return original(self, old_size, new_entries, **kw)

    monkeypatch.setattr(TileWriter, "grow", spy)
    entries = [i.to_bytes(2, "big") * (1 + i % 40) for i in range(700)]
    directory = tmp_path / "log"
    with new_log(directory) as log:
        log.append(entries[:10])
        log.integrate()
        log.append(entries[10:])
        note = log.integrate()
        root = open_checkpoint(note, log.verifier).checkpoint.root
    assert given_lists == [False, False, False]  # streamed, never a list of the backlog
    assert root == merkle.MemoryTree(leaf_hash(e) for e in entries).root()
    partial = sorted(path for path in publication(directory) if ".p/" in path)
    assert partial == [  # size 10, then size 700 = 2*256 + 188 (level 1: 2 hashes)
        "tile/0/000.p/10",
        "tile/0/002.p/188",
        "tile/1/000.p/2",
        "tile/entries/000.p/10",
        "tile/entries/002.p/188",
    ]


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=st.lists(st.tuples(st.integers(0, 300), st.booleans()), min_size=1, max_size=6))
def test_any_interleaving_gives_consistent_checkpoints_and_the_same_full_tiles(
    tmp_path_factory: pytest.TempPathFactory, batches: list[tuple[int, bool]]
) -> None:
    """Property: however appends and integrations interleave, every checkpoint extends
    the ones before, the last root is the root of all entries, and the full tiles and
    bundles are the same as those of a log integrated once."""
    directory = tmp_path_factory.mktemp("interleaved")
    entries: list[bytes] = []
    notes: list[Checkpoint] = []
    log, _ = memory_log(directory / "log")
    with log:
        for count, integrate in batches:
            fresh = [f"{len(entries) + i}".encode() for i in range(count)]
            assert log.append(fresh) == list(range(len(entries), len(entries) + count))
            entries += fresh
            if integrate:
                notes.append(open_checkpoint(log.integrate(), log.verifier).checkpoint)
        notes.append(open_checkpoint(log.integrate(), log.verifier).checkpoint)
    once, _ = memory_log(directory / "once")
    with once:
        once.append(entries)
        once.integrate()
    tree = merkle.MemoryTree(leaf_hash(e) for e in entries)
    assert notes[-1].root == tree.root()
    for earlier, later in itertools.pairwise(notes):
        if earlier.size:
            proof = tree.consistency_proof(earlier.size, later.size)
            merkle.verify_consistency(earlier.size, later.size, proof, earlier.root, later.root)
    full = {k: v for k, v in publication(directory / "log").items() if ".p" not in k}
    full_once = {k: v for k, v in publication(directory / "once").items() if ".p" not in k}
    full.pop("checkpoint")
    full_once.pop("checkpoint")
    assert full == full_once


# --- never sign an inconsistent tree -----------------------------------------------


def test_integrate_refuses_to_sign_over_tampered_tiles(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    with new_log(directory) as log:
        log.append([f"{i}".encode() for i in range(10)])
        note = log.integrate()
        tile = directory / tile_path(0, 0, 10)
        tile.write_bytes(bytes(32) + tile.read_bytes()[32:])  # the first leaf hash changed
        log.append([b"one more"])
        with pytest.raises(SaksiError) as caught:
            log.integrate()
        assert caught.value.code in {"log.inconsistent", "log.tile-mismatch"}
        assert log.checkpoint() == note
        assert (directory / "checkpoint").read_bytes() == note


def test_integrate_refuses_a_store_that_lost_entries(tmp_path: Path) -> None:
    log, store = memory_log(tmp_path / "log")
    with log:
        log.append([b"a", b"b", b"c"])
        note = log.integrate()
        del store.rows[2]
        with pytest.raises(LogError) as caught:
            log.integrate()
        assert caught.value.code == "log.store-behind"
        assert store.meta[CHECKPOINT_META] == note


def test_integrate_refuses_when_another_process_swapped_first(tmp_path: Path) -> None:
    log, store = memory_log(tmp_path / "log")
    with log:
        before = (tmp_path / "log" / "checkpoint").read_bytes()
        log.append([b"a"])
        store.lose_cas = True
        with pytest.raises(LogError) as caught:
            log.integrate()
        assert caught.value.code == "log.checkpoint-race"
        assert (tmp_path / "log" / "checkpoint").read_bytes() == before
        store.lose_cas = False
        assert open_checkpoint(log.integrate(), log.verifier).checkpoint.size == 1


def test_a_checkpoint_signed_by_another_key_in_the_store_is_refused(tmp_path: Path) -> None:
    log, store = memory_log(tmp_path / "log")
    with log:
        other, _ = memory_log(tmp_path / "other")
        store.meta[CHECKPOINT_META] = other.store.get_meta(CHECKPOINT_META) or b""
        log.append([b"a"])
        with pytest.raises(SaksiError) as caught:
            log.integrate()
        assert caught.value.code == "log.checkpoint-no-log-signature"


# --- recovery ----------------------------------------------------------------------


def test_open_republishes_the_swapped_checkpoint_after_a_crash(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    with new_log(directory) as log:
        empty = (directory / "checkpoint").read_bytes()
        log.append([b"a", b"b"])
        note = log.integrate()
    (directory / "checkpoint").write_bytes(empty)  # as if killed between CAS and publish
    with Log.open(directory, open_store, recover=False) as log:
        report = log.fsck()  # an earlier checkpoint of the same tree: lagging, not wrong
        assert report.ok, report.problems
        assert (report.published_size, report.checkpoint_size) == (0, 2)
    with Log.open(directory, open_store) as log:
        assert (directory / "checkpoint").read_bytes() == note
        assert log.fsck().ok


def test_open_removes_the_debris_of_a_killed_checkpoint_writer(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    new_log(directory).close()
    debris = directory / ".checkpoint.4242.0123456789ab.tmp"
    debris.write_bytes(b"half a checkpoint")
    Log.open(directory, open_store).close()
    assert not debris.exists()
    assert (directory / "checkpoint").is_file()


def test_integrate_after_half_written_tiles_rewrites_them_identically(tmp_path: Path) -> None:
    """Tiles written for a size that was never signed (a crash before the CAS) are
    harmless: the next integration writes the same bytes over them."""
    entries = [f"{i}".encode() for i in range(300)]
    reference, _ = memory_log(tmp_path / "reference")
    with reference:
        reference.append(entries)
        reference.integrate()
    directory = tmp_path / "log"
    with new_log(directory) as log:
        log.append(entries)
        from saksi.tlog.tiles import TileWriter

        TileWriter(TileDir(directory)).grow(0, entries[:280])  # then "killed"
        log.integrate()
    mine = publication(directory)
    theirs = publication(tmp_path / "reference")
    assert set(mine) - set(theirs) == {tile_path(0, 1, 24), "tile/entries/001.p/24"}
    for path, data in theirs.items():
        if path != "checkpoint":  # signed by another key
            assert mine[path] == data, path


# --- proofs ------------------------------------------------------------------------


def test_prove_gives_a_tlog_proof_that_verifies(tmp_path: Path) -> None:
    entries = [f"entry {i}".encode() for i in range(300)]
    with new_log(tmp_path / "log") as log:
        log.append(entries)
        note = log.integrate()
        checkpoint = open_checkpoint(note, log.verifier).checkpoint
        for index in (0, 1, 255, 256, 299):
            proof = log.prove(index)
            assert proof.index == index
            assert proof.checkpoint == note
            merkle.verify_inclusion(
                leaf_hash(entries[index]), index, 300, list(proof.hashes), checkpoint.root
            )


def test_prove_refuses_an_entry_not_yet_integrated(tmp_path: Path) -> None:
    with new_log(tmp_path / "log") as log:
        log.append([b"a"])
        log.integrate()
        log.append([b"b"])
        for index in (1, 5):
            with pytest.raises(ProofError) as caught:
                log.prove(index)
            assert caught.value.code == "log.not-in-checkpoint"


# --- fsck --------------------------------------------------------------------------


def test_fsck_accepts_a_cosigned_checkpoint_and_refuses_another_trees(tmp_path: Path) -> None:
    from saksi.tlog.checkpoint import CosignatureSigner, add_cosignature
    from saksi.tlog.note import generate_key

    directory = tmp_path / "log"
    log_key, _ = generate_key(ORIGIN)
    with new_log(directory, skey=log_key) as log:
        log.append([b"a", b"b"])
        note = log.integrate()
        skey, _ = generate_key("witness.example/w1")
        cosigned = add_cosignature(note, CosignatureSigner.from_skey(skey), 1_700_000_000)
        (directory / "checkpoint").write_bytes(cosigned)
        assert log.fsck().ok
        log.append([b"c"])
        log.integrate(publish=False)
        report = log.fsck()
        assert report.ok and (report.published_size, report.checkpoint_size) == (2, 3)
        with new_log(tmp_path / "other", skey=log_key) as other:
            other.append([b"x", b"y"])
            foreign = other.integrate()
        (directory / "checkpoint").write_bytes(foreign)  # same key, same size, another tree
        assert [p.code for p in log.fsck().problems] == ["log.fsck-published-differs"]


def test_fsck_is_clean_on_a_good_log_and_counts_pending_entries(tmp_path: Path) -> None:
    with new_log(tmp_path / "log") as log:
        log.append([f"{i}".encode() for i in range(513)])
        log.integrate()
        log.append([b"pending"])
        report = log.fsck()
    assert report.ok, report.problems
    assert (report.checkpoint_size, report.store_size, report.pending) == (513, 514, 1)
    assert report.checked_entries == 513
    assert report.to_dict()["ok"] is True


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        ("bundle", "log.bundle-mismatch"),
        ("tile", "log.tile-mismatch"),
        ("missing-tile", "log.tile-missing"),
        ("checkpoint", "log.fsck-published-missing"),
        ("store", "log.fsck-entry-differs"),
    ],
)
def test_fsck_names_what_is_wrong(tmp_path: Path, damage: str, code: str) -> None:
    directory = tmp_path / "log"
    log, store = memory_log(directory)
    with log:
        log.append([f"{i}".encode() for i in range(300)])
        log.integrate()
        if damage == "bundle":
            path = directory / "tile" / "entries" / "000"
            path.write_bytes(path.read_bytes()[:-1] + b"X")
        elif damage == "tile":
            path = directory / tile_path(0, 1, 44)
            path.write_bytes(bytes(32) + path.read_bytes()[32:])
        elif damage == "missing-tile":
            (directory / tile_path(0, 0)).unlink()
        elif damage == "checkpoint":
            (directory / "checkpoint").unlink()
        else:
            store.rows[7] = b"changed"
        report = log.fsck()
    assert not report.ok
    assert code in [p.code for p in report.problems], report.problems
    assert all(p.message_id and p.message_en for p in report.problems)


def test_fsck_reports_a_store_without_a_checkpoint(tmp_path: Path) -> None:
    log, store = memory_log(tmp_path / "log")
    with log:
        store.meta.clear()
        report = log.fsck()
    assert [p.code for p in report.problems] == ["log.fsck-no-checkpoint"]


def test_reading_tiles_of_the_published_tree_agrees_with_the_store(tmp_path: Path) -> None:
    entries = [f"{i}".encode() for i in range(257)]
    with new_log(tmp_path / "log") as log:
        log.append(entries)
        log.integrate()
    assert TileReader(TileDir(tmp_path / "log"), 257).entries(0, 257) == entries
    assert published(tmp_path / "log").size == 257


# --- sign and store, then publish (a log with witnesses) ----------------------------


def _cosigned(note: bytes, name: str = "saksi.test/w1") -> tuple[bytes, CosignatureVerifier]:
    from saksi.tlog.checkpoint import CosignatureSigner, add_cosignature
    from saksi.tlog.note import generate_key

    signer = CosignatureSigner.from_skey(generate_key(name)[0])
    return add_cosignature(note, signer, 1_700_000_000), signer.verifier()


def test_integrate_without_publishing_signs_and_stores_but_leaves_the_file(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "log"
    with new_log(directory) as log:
        empty = (directory / "checkpoint").read_bytes()
        log.append([b"a", b"b"])
        note = log.integrate(publish=False)
        assert log.checkpoint() == note
        assert (directory / "checkpoint").read_bytes() == empty
        assert log.integrate(publish=False) == note  # one checkpoint per size, never two
        assert (directory / "checkpoint").read_bytes() == empty
        assert log.published() == empty
        published_tree = log.published_checkpoint()
        assert published_tree is not None and published_tree.size == 0
        assert log.publish(note).size == 2
        assert (directory / "checkpoint").read_bytes() == note
        assert log.fsck().ok


def test_publish_writes_the_latest_checkpoint_with_cosignatures(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    with new_log(directory) as log:
        log.append([b"a"])
        note = log.integrate(publish=False)
        cosigned, witness = _cosigned(note)
        log.publish(cosigned)
        assert (directory / "checkpoint").read_bytes() == cosigned
        signed = open_checkpoint(cosigned, log.verifier, witnesses=[witness])
        assert len(signed.cosignatures) == 1
        # the proof carries the cosigned checkpoint it is given
        proof = log.prove(0, checkpoint=cosigned)
        assert proof.checkpoint == cosigned
    # opening again (recover) keeps the cosigned note: it is the latest checkpoint
    Log.open(directory, open_store).close()
    assert (directory / "checkpoint").read_bytes() == cosigned


def test_publish_refuses_what_is_not_the_latest_signed_checkpoint(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    with new_log(directory) as log:
        log.append([b"a"])
        old = log.integrate(publish=False)
        log.append([b"b"])
        log.integrate(publish=False)
        before = (directory / "checkpoint").read_bytes()
        with pytest.raises(LogError) as caught:
            log.publish(old)  # signed by the log, but an older size
        assert caught.value.code == "log.publish-not-latest"
        other = new_log(tmp_path / "other")  # same origin, another key
        other.append([b"a", b"b"])
        with pytest.raises(SaksiError) as forged:
            log.publish(other.integrate())
        other.close()
        assert forged.value.code == "log.checkpoint-no-log-signature"
        assert (directory / "checkpoint").read_bytes() == before


def test_open_without_publishing_leaves_an_older_published_checkpoint(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    with new_log(directory) as log:
        empty = (directory / "checkpoint").read_bytes()
        log.append([b"a"])
        log.integrate(publish=False)
    debris = directory / ".checkpoint.4242.0123456789ab.tmp"
    debris.write_bytes(b"half")
    Log.open(directory, open_store, publish=False).close()
    assert (directory / "checkpoint").read_bytes() == empty
    assert not debris.exists()
    Log.open(directory, open_store).close()  # the CLI's way: republish the latest
    assert published(directory).size == 1


def test_create_without_publishing_signs_the_empty_tree_only(tmp_path: Path) -> None:
    log, _ = Log.create(tmp_path / "log", ORIGIN, open_store, durable=False, publish=False)
    with log:
        assert not (tmp_path / "log" / "checkpoint").exists()
        assert log.published() is None and log.published_checkpoint() is None
        signed = log.signed_checkpoint()
        assert signed is not None and signed.size == 0


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sizes=st.lists(st.integers(1, 300), min_size=2, max_size=4))
def test_consistency_proofs_from_the_tiles_verify(tmp_path: Path, sizes: list[int]) -> None:
    directory = tmp_path / f"log{len(list(tmp_path.iterdir()))}"
    sizes = sorted(set(sizes))
    roots: dict[int, bytes] = {}
    with new_log(directory) as log:
        for size in sizes:
            log.append([f"e{i}".encode() for i in range(log.store.size(), size)])
            roots[size] = open_checkpoint(
                log.integrate(publish=False), log.verifier
            ).checkpoint.root
        for old, new in itertools.combinations(sizes, 2):
            proof = log.consistency_proof(old, new)
            merkle.verify_consistency(old, new, proof, roots[old], roots[new])
        top = sizes[-1]
        assert log.consistency_proof(0, top) == [] and log.consistency_proof(top, top) == []
        for bad in ((2, 1), (0, top + 1), (-1, 1)):
            with pytest.raises(ProofError) as caught:
                log.consistency_proof(*bad)
            assert caught.value.code == "log.proof-bad-size"
