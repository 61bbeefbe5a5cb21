"""The embedded store: one SQLite file in WAL mode (stdlib ``sqlite3`` only).

- ``journal_mode=WAL``: readers never block the writer nor the writer readers.
- ``synchronous=FULL``: every commit is fsynced before ``append`` returns, so an
  acknowledged entry survives a power cut, not only a crash of the process.
- ONE writer connection per store, guarded by a lock (safe to call from many
  threads); each reading thread gets its own read-only (``query_only``) connection.
- Write transactions are ``BEGIN IMMEDIATE``: the index of a new entry is read
  and assigned while holding SQLite's write lock, so two stores (or processes) on
  the same file still produce a contiguous log.
- Append-only is enforced by triggers in the schema (``migrations/0001_initial.sql``);
  a refusal by the database surfaces as :class:`~saksi.errors.AppendOnlyError`.
- Schema migrations: numbered ``NNNN_name.sql`` files applied in order, each in
  its own transaction, recorded with their SHA-256 in ``schema_version``.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from saksi.errors import StoreError
from saksi.store.base import Store, append_only, corrupt, store_closed
from saksi.store.schema import Migration, check_applied, invalid_migrations, load_migrations

DEFAULT_BUSY_TIMEOUT = 10.0
"""Seconds a writer waits for another process's write lock before ``store.busy``."""

_TRANSACTION_CONTROL = re.compile(
    r"\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE
)


_IN_CHUNK = 500
"""Leaf hashes per ``IN (...)`` lookup (SQLite allows 32,766 parameters)."""


# --- sqlite3 errors -> StoreError ---


def _translate(exc: sqlite3.Error) -> StoreError:
    """Map a driver error to a stable code; the driver's text goes into details."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if "store.append-only" in text:
        return append_only(text)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError(
            code="store.busy",
            en="The database is locked by another process; try again.",
            id="Basis data sedang dikunci proses lain; coba lagi.",
            error=text,
        )
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return StoreError(
            code="store.not-a-database",
            en="This file is not a Saksi SQLite database, or it is corrupt.",
            id="Berkas ini bukan basis data SQLite Saksi, atau rusak.",
            error=text,
        )
    if name.startswith(("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY")):
        return StoreError(
            code="store.io-error",
            en="Reading or writing the database file failed.",
            id="Gagal membaca atau menulis berkas basis data.",
            error=text,
        )
    if isinstance(exc, sqlite3.ProgrammingError) and "closed" in text:
        return store_closed()
    return StoreError(
        code="store.database-error",
        en="The database refused or failed to run a statement.",
        id="Basis data menolak atau gagal menjalankan perintah.",
        error=text,
    )


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise _translate(exc) from exc


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    conn = sqlite3.connect(
        str(path), timeout=busy_timeout, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _enable_wal(conn: sqlite3.Connection, busy_timeout: float) -> str:
    """Switch to WAL, retrying: SQLite answers SQLITE_BUSY at once, without calling the
    busy handler, when another connection is switching the same fresh file."""
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            busy = (getattr(exc, "sqlite_errorname", "") or "").startswith("SQLITE_BUSY")
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _configure_writer(conn: sqlite3.Connection, busy_timeout: float = 10.0) -> None:
    mode = _enable_wal(conn, busy_timeout)
    if str(mode).lower() != "wal":
        raise StoreError(
            code="store.io-error",
            en=f"WAL mode could not be enabled (mode: {mode}).",
            id=f"Mode WAL tidak dapat diaktifkan (mode: {mode}).",
            journal_mode=mode,
        )
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA fullfsync = ON")  # macOS: flush the disk's cache too
    conn.execute("PRAGMA checkpoint_fullfsync = ON")


# --- schema migrations ---


def default_migrations() -> Traversable:
    """The migrations shipped with Saksi (``saksi/store/migrations``)."""
    return resources.files("saksi.store").joinpath("migrations")


def _statements(migration: Migration) -> list[str]:
    """Split a script into complete statements (trigger bodies stay whole)."""
    statements: list[str] = []
    buffer = ""
    for line in migration.sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    leftover = "\n".join(
        line for line in buffer.splitlines() if line.strip() and not line.strip().startswith("--")
    )
    if leftover:
        raise invalid_migrations(
            "pernyataan SQL terakhir tidak lengkap",
            "the last SQL statement is incomplete",
            version=migration.version,
        )
    for statement in statements:
        body = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
        if _TRANSACTION_CONTROL.match(body):
            raise invalid_migrations(
                "migrasi tidak boleh memuat BEGIN/COMMIT",
                "a migration must not contain BEGIN/COMMIT",
                version=migration.version,
            )
    return statements


def _applied(conn: sqlite3.Connection) -> dict[int, str]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER NOT NULL PRIMARY KEY,"
        " name TEXT NOT NULL,"
        " sha256 TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    rows = conn.execute("SELECT version, sha256 FROM schema_version").fetchall()
    return {int(version): str(digest) for version, digest in rows}


def _apply(conn: sqlite3.Connection, migration: Migration) -> None:
    statements = _statements(migration)
    try:
        for statement in statements:
            conn.execute(statement)
    except sqlite3.Error as exc:
        raise StoreError(
            code="store.migration-failed",
            en=(
                f"Schema migration {migration.version} "
                f"({migration.name}) failed; nothing was changed."
            ),
            id=(
                f"Migrasi skema {migration.version} "
                f"({migration.name}) gagal; tidak ada yang diubah."
            ),
            version=migration.version,
            error=str(exc),
        ) from exc
    conn.execute(
        "INSERT INTO schema_version (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)",
        (
            migration.version,
            migration.name,
            migration.sha256,
            datetime.now(UTC).isoformat(timespec="seconds"),
        ),
    )


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration]) -> int:
    """Apply the missing migrations, each in its own transaction; returns the version.

    Each transaction re-reads ``schema_version`` under the write lock, so two
    processes opening a fresh file at once apply every migration exactly once.
    """
    if not migrations:
        raise invalid_migrations("tidak ada migrasi", "there are no migrations")
    for migration in migrations:
        with _transaction(conn):
            applied = _applied(conn)
            check_applied(applied, migrations)
            if migration.version not in applied:
                _apply(conn, migration)
    return len(migrations)


# --- the store ---


class SqliteStore(Store):
    """The SQLite backend. ``path`` is the database file (created if missing)."""

    def __init__(
        self,
        path: str | Path,
        *,
        migrations: Traversable | None = None,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> None:
        self.path = Path(path)
        self._busy_timeout = busy_timeout
        self._lock = threading.Lock()
        self._readers_lock = threading.Lock()
        self._readers: list[sqlite3.Connection] = []
        self._local = threading.local()
        self._closed = False
        found = load_migrations(migrations if migrations is not None else default_migrations())
        with _translated():
            self._writer = _connect(self.path, busy_timeout)
            try:
                _configure_writer(self._writer, busy_timeout)
                self.schema_version = migrate(self._writer, found)
            except BaseException:
                self._writer.close()
                raise

    # --- connections ---

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """The writer connection inside BEGIN IMMEDIATE ... COMMIT, under the lock."""
        with self._lock:
            self._require_open()
            with _translated(), _transaction(self._writer) as conn:
                yield conn

    def _reader(self) -> sqlite3.Connection:
        """This thread's read-only connection (opened on first use)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        conn = _connect(self.path, self._busy_timeout)
        conn.execute("PRAGMA query_only = ON")
        with self._readers_lock:
            if self._closed:
                conn.close()
                raise store_closed()
            self._readers.append(conn)
        self._local.conn = conn
        return conn

    def _read_one(self, sql: str, params: Sequence[object]) -> tuple[Any, ...] | None:
        with _translated():
            row: tuple[Any, ...] | None = self._reader().execute(sql, params).fetchone()
            return row

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        with self._lock, self._readers_lock:
            if self._closed:
                return
            self._closed = True
            self._writer.close()
            for conn in self._readers:
                conn.close()
            self._readers.clear()

    def pragmas(self) -> dict[str, object]:
        """The writer's effective settings (for diagnostics and tests)."""
        names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "fullfsync")
        with self._lock:
            self._require_open()
            with _translated():
                return {n: self._writer.execute(f"PRAGMA {n}").fetchone()[0] for n in names}

    # --- the log ---

    def _next_index(self, conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT coalesce(max(idx), -1) + 1 FROM entries").fetchone()
        return int(row[0])

    def _backend_append(self, unique: Sequence[tuple[bytes, bytes]]) -> list[tuple[int, bool]]:
        placed: list[tuple[int, bool]] = []
        with self._write() as conn:
            next_index = self._next_index(conn)
            for entry, digest in unique:
                row = conn.execute(
                    "SELECT idx, data FROM entries WHERE leaf_hash = ?", (digest,)
                ).fetchone()
                if row is not None:
                    if bytes(row[1]) != entry:
                        raise corrupt(
                            "entri tersimpan tidak cocok dengan hash-nya",
                            "a stored entry does not match its leaf hash",
                            index=int(row[0]),
                        )
                    placed.append((int(row[0]), False))
                    continue
                conn.execute(
                    "INSERT INTO entries (idx, leaf_hash, data) VALUES (?, ?, ?)",
                    (next_index, digest, entry),
                )
                placed.append((next_index, True))
                next_index += 1
        return placed

    def _backend_size(self) -> int:
        row = self._read_one("SELECT coalesce(max(idx), -1) + 1 FROM entries", ())
        return int(row[0]) if row else 0

    def _backend_entry(self, index: int) -> bytes | None:
        row = self._read_one("SELECT data FROM entries WHERE idx = ?", (index,))
        return None if row is None else bytes(row[0])

    def _backend_find(self, leaf_hash: bytes) -> int | None:
        row = self._read_one("SELECT idx FROM entries WHERE leaf_hash = ?", (leaf_hash,))
        return None if row is None else int(row[0])

    def _backend_find_many(self, leaf_hashes: list[bytes]) -> dict[bytes, int]:
        found: dict[bytes, int] = {}
        with _translated():
            for at in range(0, len(leaf_hashes), _IN_CHUNK):
                chunk = leaf_hashes[at : at + _IN_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._reader().execute(
                    f"SELECT leaf_hash, idx FROM entries WHERE leaf_hash IN ({marks})", chunk
                )
                found.update((bytes(h), int(i)) for h, i in rows)
        return found

    def _backend_page(self, start: int, stop: int, limit: int) -> list[tuple[int, bytes]]:
        with _translated():
            rows = self._reader().execute(
                "SELECT idx, data FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx LIMIT ?",
                (start, stop, limit),
            )
            return [(int(index), bytes(data)) for index, data in rows]

    # --- photos ---

    def _photo_exists(self, conn: sqlite3.Connection, sha256_hex: str) -> bool:
        row = conn.execute("SELECT 1 FROM photos WHERE sha256 = ?", (sha256_hex,)).fetchone()
        return row is not None

    def _backend_put_photo(self, sha256_hex: str, data: bytes) -> None:
        with self._write() as conn:
            if not self._photo_exists(conn, sha256_hex):
                conn.execute("INSERT INTO photos (sha256, data) VALUES (?, ?)", (sha256_hex, data))

    def _backend_photo(self, sha256_hex: str) -> bytes | None:
        row = self._read_one("SELECT data FROM photos WHERE sha256 = ?", (sha256_hex,))
        return None if row is None else bytes(row[0])

    def _backend_has_photo(self, sha256_hex: str) -> bool:
        return self._read_one("SELECT 1 FROM photos WHERE sha256 = ?", (sha256_hex,)) is not None

    def _backend_photo_usage(self) -> tuple[int, int]:
        # length() of a blob reads its size from the record header, not the blob.
        row = self._read_one("SELECT count(*), coalesce(sum(length(data)), 0) FROM photos", ())
        return (int(row[0]), int(row[1])) if row else (0, 0)

    # --- meta ---

    def _backend_get_meta(self, key: str) -> bytes | None:
        row = self._read_one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else bytes(row[0])

    def _backend_compare_and_swap(self, key: str, expected: bytes | None, new: bytes) -> bool:
        with self._write() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            current = None if row is None else bytes(row[0])
            if current != expected:
                return False
            if row is None:
                conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, new))
            else:
                conn.execute("UPDATE meta SET value = ? WHERE key = ?", (new, key))
            return True


__all__ = ["DEFAULT_BUSY_TIMEOUT", "Migration", "SqliteStore", "load_migrations", "migrate"]
