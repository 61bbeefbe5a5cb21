"""The SQLite backend: settings, migrations, triggers, opening, durability under SIGKILL."""

from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from saksi.errors import AppendOnlyError, StoreError
from saksi.store import SQLITE_FILENAME, SqliteStore, open_store, sqlite_path
from saksi.store.sqlite import default_migrations
from saksi.tlog.hashes import leaf_hash

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = Path(str(default_migrations()))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "saksi.sqlite"


@pytest.fixture
def store(db: Path) -> Iterator[SqliteStore]:
    with SqliteStore(db) as opened:
        yield opened


@contextmanager
def raw(db: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection (autocommit), as any other program would open the file."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


# --- settings ---


def test_wal_full_sync_foreign_keys_and_busy_timeout(store: SqliteStore) -> None:
    assert store.pragmas() == {
        "journal_mode": "wal",
        "synchronous": 2,  # FULL
        "foreign_keys": 1,
        "busy_timeout": 10_000,
        "fullfsync": 1,
    }


def test_a_reader_is_not_blocked_by_an_open_write_transaction(db: Path) -> None:
    with SqliteStore(db, busy_timeout=0) as store:  # a read that had to wait would fail
        store.append(b"committed")
        with raw(db) as other:
            other.execute("BEGIN IMMEDIATE")
            other.execute(
                "INSERT INTO entries (idx, leaf_hash, data) VALUES (1, ?, ?)",
                (leaf_hash(b"pending"), b"pending"),
            )
            assert store.size() == 1  # the uncommitted row is invisible, and we did not wait
            assert store.entry(0) == b"committed"
            other.execute("COMMIT")
        assert store.size() == 2
        assert store.append(b"pending").new is False


def test_a_locked_database_is_reported_as_busy(db: Path) -> None:
    with SqliteStore(db, busy_timeout=0.2) as store:
        with raw(db) as other:
            other.execute("BEGIN IMMEDIATE")
            with pytest.raises(StoreError) as caught:
                store.append(b"x")
            assert caught.value.code == "store.busy"
        assert store.append(b"x").index == 0


def test_reader_connections_are_read_only(store: SqliteStore) -> None:
    store.size()
    reader = store._reader()
    with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only|query_only"):
        reader.execute("INSERT INTO meta (key, value) VALUES ('k', x'00')")


def test_each_thread_reads_through_its_own_connection(store: SqliteStore) -> None:
    store.append(b"x")
    seen: list[int] = []

    def read() -> None:
        assert store.entry(0) == b"x"
        seen.append(id(store._reader()))

    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 3


# --- append-only, enforced by the database itself ---


@pytest.fixture
def filled(store: SqliteStore, db: Path) -> Path:
    store.append_batch([b"zero", b"one", b"two"])
    store.put_photo(b"a photo")
    return db


def _snapshot(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with raw(db) as conn:
        entries = conn.execute("SELECT idx, leaf_hash, data FROM entries ORDER BY idx").fetchall()
        photos = conn.execute("SELECT sha256, data FROM photos").fetchall()
    return entries, photos


PHOTO = hashlib.sha256(b"a photo").hexdigest()

TAMPERING = [
    "UPDATE entries SET data = x'00' WHERE idx = 1",
    "UPDATE entries SET idx = 7 WHERE idx = 2",
    "DELETE FROM entries WHERE idx = 2",
    "DELETE FROM entries",
    "INSERT OR REPLACE INTO entries (idx, leaf_hash, data) VALUES (1, randomblob(32), x'01')",
    "REPLACE INTO entries (idx, leaf_hash, data) "
    "SELECT 3, leaf_hash, x'ff' FROM entries WHERE idx = 0",
    "INSERT INTO entries (idx, leaf_hash, data) "
    "SELECT 0, leaf_hash, data FROM entries WHERE idx = 0 "
    "ON CONFLICT (idx) DO UPDATE SET data = x'00'",
    "INSERT INTO entries (idx, leaf_hash, data) VALUES (5, randomblob(32), x'01')",  # a gap
    "INSERT INTO entries (idx, leaf_hash, data) VALUES (NULL, randomblob(32), x'01')",
    f"UPDATE photos SET data = x'00' WHERE sha256 = '{PHOTO}'",
    "DELETE FROM photos",
    f"INSERT OR REPLACE INTO photos (sha256, data) VALUES ('{PHOTO}', x'00')",
]


@pytest.mark.parametrize("sql", TAMPERING)
def test_the_database_refuses_changes_from_any_program(filled: Path, sql: str) -> None:
    before = _snapshot(filled)
    with raw(filled) as conn, pytest.raises(sqlite3.IntegrityError) as caught:
        conn.execute(sql)
    assert str(caught.value).startswith("store.append-only: ")
    assert _snapshot(filled) == before


def test_the_database_accepts_a_correct_append_from_any_program(filled: Path) -> None:
    with raw(filled) as conn:
        conn.execute(
            "INSERT INTO entries (idx, leaf_hash, data) VALUES (3, ?, ?)",
            (leaf_hash(b"three"), b"three"),
        )
        conn.execute("INSERT INTO meta (key, value) VALUES ('k', x'01')")
        conn.execute("UPDATE meta SET value = x'02' WHERE key = 'k'")  # meta is mutable
    with SqliteStore(filled) as store:
        assert store.entry(3) == b"three"
        assert store.get_meta("k") == b"\x02"


def test_a_refusal_by_the_database_surfaces_as_append_only_error(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.append_batch([b"zero", b"one"])
    # Pretend the Python side is buggy and would overwrite index 0: the trigger refuses.
    monkeypatch.setattr(SqliteStore, "_next_index", lambda self, conn: 0)
    with pytest.raises(AppendOnlyError) as caught:
        store.append(b"intruder")
    assert caught.value.code == "store.append-only"
    assert caught.value.message_id != caught.value.message_en
    assert "next index" in caught.value.details["reason"]
    monkeypatch.undo()
    assert list(store.entries()) == [(0, b"zero"), (1, b"one")]


def test_a_photo_replaced_behind_the_stores_back_is_refused(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = store.put_photo(b"original")
    monkeypatch.setattr(SqliteStore, "_photo_exists", lambda self, conn, sha: False)
    with pytest.raises(AppendOnlyError):
        store.put_photo(b"original")
    monkeypatch.undo()
    assert store.photo(digest) == b"original"


def test_tampering_that_drops_the_triggers_is_detected_on_read(filled: Path) -> None:
    """Triggers stop mistakes, not the file's owner; hashes catch the owner."""
    with raw(filled) as conn:
        conn.execute("DROP TRIGGER photos_no_update")
        conn.execute("UPDATE photos SET data = x'00'")
        conn.execute("DROP TRIGGER entries_no_update")
        conn.execute("UPDATE entries SET data = x'00' WHERE idx = 1")
    with SqliteStore(filled) as store:
        with pytest.raises(StoreError) as caught:
            store.photo(PHOTO)
        assert caught.value.code == "store.corrupt"
        with pytest.raises(StoreError) as caught:
            store.append(b"one")  # a retry finds the leaf hash with other bytes
        assert caught.value.code == "store.corrupt"


def test_a_batch_that_fails_midway_leaves_nothing_behind(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.append(b"before")

    class Boom(Exception):
        pass

    def write_two_then_fail(self: SqliteStore, unique: list[tuple[bytes, bytes]]) -> None:
        with self._write() as conn:
            for i, (entry, digest) in enumerate(unique[:2]):
                conn.execute(
                    "INSERT INTO entries (idx, leaf_hash, data) VALUES (?, ?, ?)",
                    (1 + i, digest, entry),
                )
            assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 3
            raise Boom

    with monkeypatch.context() as patch:
        patch.setattr(SqliteStore, "_backend_append", write_two_then_fail)
        with pytest.raises(Boom):
            store.append_batch([b"a", b"b", b"c"])
    assert store.size() == 1
    assert store.find(leaf_hash(b"a")) is None
    assert [a.index for a in store.append_batch([b"a", b"b", b"c"])] == [1, 2, 3]


# --- schema migrations ---


def _migrations(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "migrations"
    folder.mkdir(exist_ok=True)
    for shipped in SHIPPED.glob("*.sql"):
        (folder / shipped.name).write_bytes(shipped.read_bytes())
    for name, sql in (extra or {}).items():
        (folder / name).write_text(sql)
    return folder


def _versions(db: Path) -> list[tuple[object, ...]]:
    with raw(db) as conn:
        rows = conn.execute(
            "SELECT version, name, sha256, applied_at FROM schema_version ORDER BY version"
        ).fetchall()
    return rows


def _tables(db: Path) -> set[str]:
    with raw(db) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {str(name) for (name,) in rows}


def test_a_fresh_database_gets_the_shipped_schema(store: SqliteStore, db: Path) -> None:
    assert store.schema_version == 1
    [(version, name, digest, _)] = _versions(db)
    shipped = (SHIPPED / "0001_initial.sql").read_bytes()
    assert (version, name, digest) == (1, "initial", hashlib.sha256(shipped).hexdigest())
    assert {"entries", "photos", "meta", "schema_version"} <= _tables(db)


def test_reopening_applies_nothing_again(db: Path) -> None:
    SqliteStore(db).close()
    before = _versions(db)
    # Re-running 0001 would fail outright (CREATE TABLE entries: already exists).
    with SqliteStore(db) as store:
        assert store.schema_version == 1
    assert _versions(db) == before


def test_upgrade_from_version_1_to_2(tmp_path: Path, db: Path) -> None:
    with SqliteStore(db, migrations=_migrations(tmp_path)) as store:
        store.append(b"kept")
    folder = _migrations(
        tmp_path, {"0002_entry_notes.sql": "CREATE TABLE entry_notes (idx INTEGER, note TEXT);"}
    )
    with SqliteStore(db, migrations=folder) as store:
        assert store.schema_version == 2
        assert store.entry(0) == b"kept"
    assert [row[:2] for row in _versions(db)] == [(1, "initial"), (2, "entry_notes")]
    assert "entry_notes" in _tables(db)


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path, db: Path) -> None:
    folder = _migrations(tmp_path, {"0002_later.sql": "CREATE TABLE later (x INTEGER);"})
    SqliteStore(db, migrations=folder).close()
    with pytest.raises(StoreError) as caught:
        SqliteStore(db)
    assert caught.value.code == "store.schema-too-new"
    assert caught.value.details == {"database_version": 2, "program_version": 1}
    assert "Perbarui Saksi" in caught.value.message_id


def test_a_failed_migration_changes_nothing(tmp_path: Path, db: Path) -> None:
    SqliteStore(db, migrations=_migrations(tmp_path)).close()
    folder = _migrations(
        tmp_path,
        {"0002_broken.sql": "CREATE TABLE half_done (x INTEGER);\nCREATE TABLE broken (;\n"},
    )
    with pytest.raises(StoreError) as caught:
        SqliteStore(db, migrations=folder)
    assert caught.value.code == "store.migration-failed"
    assert caught.value.details["version"] == 2
    assert "half_done" not in _tables(db)
    assert [row[0] for row in _versions(db)] == [1]


def test_an_edited_applied_migration_is_refused(tmp_path: Path, db: Path) -> None:
    folder = _migrations(tmp_path)
    SqliteStore(db, migrations=folder).close()
    with (folder / "0001_initial.sql").open("a") as sql:
        sql.write("\n-- edited afterwards\n")
    with pytest.raises(StoreError) as caught:
        SqliteStore(db, migrations=folder)
    assert caught.value.code == "store.migration-modified"


@pytest.mark.parametrize(
    "files",
    [
        {"0001_a.sql": "CREATE TABLE a (x);", "0003_c.sql": "CREATE TABLE c (x);"},
        {"0002_b.sql": "CREATE TABLE b (x);"},
        {"1_a.sql": "CREATE TABLE a (x);"},
        {"0001_A.sql": "CREATE TABLE a (x);"},
        {"0001_a.sql": "BEGIN;\nCREATE TABLE a (x);\nCOMMIT;"},
        {"0001_a.sql": "-- a comment\n  commit;"},
        {"0001_a.sql": "CREATE TABLE a (x)"},
        {},
    ],
)
def test_invalid_migration_folders_are_refused(
    tmp_path: Path, db: Path, files: dict[str, str]
) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    for name, sql in files.items():
        (folder / name).write_text(sql)
    with pytest.raises(StoreError) as caught:
        SqliteStore(db, migrations=folder)
    assert caught.value.code == "store.migrations-invalid"


def test_a_missing_migration_folder_is_refused(tmp_path: Path, db: Path) -> None:
    with pytest.raises(StoreError) as caught:
        SqliteStore(db, migrations=tmp_path / "nowhere")
    assert caught.value.code == "store.migrations-invalid"


def test_four_openers_racing_on_a_fresh_file_migrate_once(db: Path) -> None:
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_at_once() -> None:
        try:
            barrier.wait()
            SqliteStore(db).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_at_once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [row[0] for row in _versions(db)] == [1]


def test_two_stores_on_one_file_keep_the_log_contiguous(db: Path) -> None:
    first, second = SqliteStore(db), SqliteStore(db)

    def work(store: SqliteStore, tag: str) -> None:
        for i in range(60):
            store.append_batch([f"{tag} {i} a".encode(), f"{tag} {i} b".encode()])

    threads = [
        threading.Thread(target=work, args=(first, "one")),
        threading.Thread(target=work, args=(second, "two")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [index for index, _ in first.entries()] == list(range(240))
    first.close()
    second.close()


# --- opening ---


def test_open_store_with_a_directory(tmp_path: Path) -> None:
    target = tmp_path / "new" / "place"
    with open_store(target) as store:
        assert isinstance(store, SqliteStore)
        assert store.path == target / SQLITE_FILENAME
    with open_store(str(target)) as store:  # the same store again
        assert store.size() == 0


@pytest.mark.parametrize("name", ["log.sqlite", "log.sqlite3", "log.db"])
def test_open_store_with_a_file_path(tmp_path: Path, name: str) -> None:
    with open_store(tmp_path / "sub" / name) as store:
        assert isinstance(store, SqliteStore)
        assert store.path == tmp_path / "sub" / name
        store.append(b"x")
    assert (tmp_path / "sub" / name).is_file()
    assert sqlite_path(tmp_path / "sub" / name) == tmp_path / "sub" / name


def test_an_existing_file_is_opened_whatever_its_name(tmp_path: Path) -> None:
    SqliteStore(tmp_path / "election-night").close()
    assert sqlite_path(tmp_path / "election-night") == tmp_path / "election-night"


@pytest.mark.parametrize(
    ("target", "code"), [("mysql://x", "store.unknown-backend"), ("", "store.invalid-argument")]
)
def test_other_targets_are_refused(target: str, code: str) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(target)
    assert caught.value.code == code


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are not the droids you are looking for" * 100)
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert caught.value.code == "store.not-a-database"


def test_a_folder_that_cannot_hold_the_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError) as caught:
        SqliteStore(blocker / "saksi.sqlite")
    assert caught.value.code == "store.io-error"


# --- durability: SIGKILL at random moments ---

CHILD = r"""
import sys
from saksi.store.sqlite import SqliteStore

path, run, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with SqliteStore(path) as store:
    n = 0
    while True:
        if mode == "batch":
            batch = [f"run {run} batch {n} item {j}".encode() for j in range(5)]
        else:
            batch = [f"run {run} single {n}".encode()]
        answers = store.append_batch(batch) if mode == "batch" else [store.append(batch[0])]
        acknowledged = "".join(f"{a.index} {e.decode()}\n" for a, e in zip(answers, batch))
        sys.stdout.write(acknowledged)
        sys.stdout.flush()
        n += 1
"""

ENTRY_FORMAT = re.compile(r"run (\d+) (?:single \d+|batch (\d+) item [0-4])")


def _run_and_kill(db: Path, run: int, mode: str, lines: int, delay: float) -> dict[int, bytes]:
    """Run the child until it has acknowledged ``lines`` entries, then ``delay`` seconds
    more (anywhere in its next appends), then SIGKILL it; what it acknowledged."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(run), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None
    first = b"".join(child.stdout.readline() for _ in range(lines))  # a count, not a time
    assert first.endswith(b"\n"), child.stderr.read().decode() if child.stderr else "it died"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    rest, _ = child.communicate()
    assert child.returncode == -signal.SIGKILL
    acknowledged: dict[int, bytes] = {}
    for line in (first + rest).split(b"\n")[:-1]:  # a cut-off last line was not acknowledged
        index, entry = line.split(b" ", 1)
        acknowledged[int(index)] = entry
    return acknowledged


def _check_after_crash(db: Path, acknowledged: dict[int, bytes], context: str) -> None:
    with raw(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], context
    with SqliteStore(db) as store:
        stored = list(store.entries())
        assert [index for index, _ in stored] == list(range(store.size())), context
        by_index = dict(stored)
        for index, entry in acknowledged.items():
            assert by_index.get(index) == entry, f"{context}: acknowledged entry {index} lost"
        batches: dict[tuple[str, str], int] = {}
        for _, entry in stored:
            match = ENTRY_FORMAT.fullmatch(entry.decode())
            assert match, f"{context}: unexpected entry {entry!r}"
            if match.group(2) is not None:
                key = (match.group(1), match.group(2))
                batches[key] = batches.get(key, 0) + 1
        assert all(count == 5 for count in batches.values()), f"{context}: a torn batch"


@pytest.mark.slow
def test_acknowledged_entries_survive_sigkill(db: Path) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    SqliteStore(db).close()
    acknowledged: dict[int, bytes] = {}
    for run in range(10):
        mode = "batch" if run % 2 else "single"
        lines, delay = rng.randint(11, 100), rng.uniform(0.0, 0.05)
        context = f"seed {seed}, run {run} ({mode}, killed {delay:.3f} s after {lines} acks)"
        acknowledged |= _run_and_kill(db, run, mode, lines, delay)
        _check_after_crash(db, acknowledged, context)
    assert len(acknowledged) > 100  # the children did real work before dying
