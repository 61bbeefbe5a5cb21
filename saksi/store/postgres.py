"""The PostgreSQL store (psycopg 3): the same contract as SQLite, for a server.

- **Append-only in the database.** Triggers (``migrations/postgresql/0001_initial.sql``)
  refuse every UPDATE, DELETE and TRUNCATE of ``entries`` and ``photos``, and an entry
  at any index but the next, whoever is connected; the refusal (SQLSTATE ``SK001``)
  surfaces as :class:`~saksi.errors.AppendOnlyError`.
- **One writer at a time.** An append is one call of the schema's ``store_append``
  function (:data:`APPEND_SQL`), one statement and its own READ COMMITTED
  transaction: it takes a transaction-level advisory lock on the log
  (:data:`APPEND_LOCK_SQL`), then reads ``max(idx)`` and inserts, so two processes
  appending at once produce a gap-free log. An advisory lock, unlike ``LOCK TABLE``,
  never waits for autovacuum.
- **Durable before it returns.** A commit returns after its WAL is flushed
  (``synchronous_commit = on``; a session that the server configures ``off`` is set
  back to ``on``).
- **Connections.** A ``psycopg_pool.ConnectionPool`` (at most :data:`DEFAULT_POOL_SIZE`,
  one kept open), shared by every thread; each call borrows one connection for one
  statement or transaction and gives it back, so no transaction stays open between
  calls (``entries()`` pages are separate statements). A connection broken by a
  server restart goes back to the pool, which replaces it, and the pool checks its
  idle ones; a call that found one runs again, once, on a fresh connection, when that
  is safe: a read, an idempotent write (an append, a photo), or a transaction whose
  ``BEGIN`` failed (compare-and-swap).
- **Migrations** run on the store's own first connection (so a refusal of the
  address or login is reported as it comes, and the migration lock never reaches the
  pool), each file as written, in one transaction: PostgreSQL reads it.
- **Errors.** Every driver error becomes a :class:`~saksi.errors.StoreError`; the
  password and the address given are never part of a message or its details.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Self, TypeVar
from urllib.parse import quote

import psycopg
from psycopg import pq
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from saksi.errors import StoreError
from saksi.store.base import Store, append_only, corrupt, store_closed
from saksi.store.schema import Migration, check_applied, invalid_migrations, load_migrations

T = TypeVar("T")
Connection = psycopg.Connection[tuple[Any, ...]]

DEFAULT_POOL_SIZE = 4
"""Connections a store opens at most (each thread borrows one per call)."""

DEFAULT_BUSY_TIMEOUT = 10.0
"""Seconds a call waits for the append lock (``lock_timeout``) or a free connection."""

DEFAULT_CONNECT_TIMEOUT = 10
"""Seconds to wait for the server when connecting."""

LOCK_NAMESPACE = 0x53414B53
"""'SAKS': the high half of every advisory lock key Saksi takes."""

APPEND_SQL = "SELECT idx, new FROM store_append(%s, %s)"
"""An append: the schema's function takes the leaf hashes and the entries, and
returns (index, new) for each, in order, in its own transaction."""

APPEND_LOCK_SQL = (
    f"SELECT pg_advisory_xact_lock(({LOCK_NAMESPACE}::bigint << 32)"
    " | 'entries'::regclass::oid::bigint)"
)
"""The lock ``store_append`` takes to serialise appenders to one log (the key holds
the ``entries`` table's oid, so two Saksi schemas in one database do not wait for
each other). Whoever holds it holds up every append."""

MIGRATION_LOCK_SQL = f"SELECT pg_advisory_lock({LOCK_NAMESPACE}, 0)"
"""Serialises schema migrations in the database. A session lock, taken before each
migration's transaction begins: a transaction that begins after another committed
sees its catalog changes (a table created while it waited would not be seen by one
already running, whose cached "no such table" is stale)."""
MIGRATION_UNLOCK_SQL = f"SELECT pg_advisory_unlock({LOCK_NAMESPACE}, 0)"

APPEND_ONLY_SQLSTATE = "SK001"
CORRUPT_SQLSTATE = "SK002"

_SIZE_SQL = "SELECT coalesce(max(idx), -1) + 1 FROM entries"


def default_migrations() -> Traversable:
    """The PostgreSQL migrations shipped with Saksi (``migrations/postgresql``)."""
    return resources.files("saksi.store").joinpath("migrations", "postgresql")


# --- driver errors -> StoreError, with every secret removed ---

_BUSY_STATES = {"55P03", "40P01", "40001", "53300", "57014"}
"""lock_not_available, deadlock_detected, serialization_failure, too_many_connections,
query_canceled (a statement_timeout)."""
_IO_STATE_PREFIXES = ("08", "53", "57P", "58")
"""Connection exceptions, insufficient resources (disk full), server shut down or
restarting, system (I/O) errors."""
_CORRUPT_STATES = {"XX001", "XX002"}


class _Secrets:
    """Strings that must never appear in an error: the address and the password."""

    def __init__(self, conninfo: str, password: str | None) -> None:
        found = [conninfo]
        if password:
            found += [password, quote(password, safe=""), quote(password)]
        self._secrets = sorted({s for s in found if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def found_in(self, text: str) -> bool:
        return any(secret in text for secret in self._secrets)


def _io_error(text: str) -> StoreError:
    return StoreError(
        code="store.io-error",
        en="The PostgreSQL server cannot be reached, refused the login, or lost the connection.",
        id="Server PostgreSQL tidak dapat dihubungi, menolak masuk, atau koneksinya terputus.",
        backend="postgresql",
        error=text,
    )


def _busy(text: str) -> StoreError:
    return StoreError(
        code="store.busy",
        en="The database is busy or locked by another process; try again.",
        id="Basis data sedang sibuk atau dikunci proses lain; coba lagi.",
        backend="postgresql",
        error=text,
    )


def _translate(exc: psycopg.Error, secrets: _Secrets) -> StoreError:
    """Map a psycopg error to a stable code; the driver's (redacted) text is in details."""
    text = secrets.redact((exc.diag.message_primary or str(exc)).strip())
    state = exc.sqlstate or ""
    if state == APPEND_ONLY_SQLSTATE or "store.append-only" in text:
        return append_only(text)
    if state in _BUSY_STATES:
        return _busy(text)
    if state == CORRUPT_SQLSTATE:
        index = exc.diag.message_detail or ""
        return corrupt(
            "entri tersimpan tidak cocok dengan hash-nya",
            "a stored entry does not match its leaf hash",
            index=int(index) if index.isdigit() else None,
        )
    if state in _CORRUPT_STATES:
        return corrupt("basis data melaporkan kerusakan", "the database reports corruption")
    if state.startswith(_IO_STATE_PREFIXES) or (
        not state and isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)
    ):
        return _io_error(text)
    return StoreError(
        code="store.database-error",
        en="The database refused or failed to run a statement.",
        id="Basis data menolak atau gagal menjalankan perintah.",
        backend="postgresql",
        error=text,
    )


# --- applying migrations ---


def _applied(conn: Connection, *, create: bool) -> dict[int, str]:
    row = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if not (row and row[0]):
        if not create:
            return {}
        conn.execute(
            "CREATE TABLE schema_version ("
            " version integer NOT NULL PRIMARY KEY,"
            " name text NOT NULL,"
            " sha256 text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
    rows = conn.execute("SELECT version, sha256 FROM schema_version").fetchall()
    return {int(version): str(digest) for version, digest in rows}


def _apply(conn: Connection, migration: Migration, secrets: _Secrets) -> None:
    """Run the file as written (one simple query: PostgreSQL parses it, statements,
    quotes, comments and dollar-quoted bodies alike), inside the caller's transaction."""
    try:
        conn.execute(migration.sql)
    except psycopg.Error as exc:
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
            error=secrets.redact((exc.diag.message_primary or str(exc)).strip()),
        ) from exc
    if conn.info.transaction_status != pq.TransactionStatus.INTRANS:
        raise invalid_migrations(
            "migrasi tidak boleh mengakhiri transaksinya (COMMIT/ROLLBACK)",
            "a migration must not end its transaction (COMMIT/ROLLBACK)",
            version=migration.version,
        )
    conn.execute(
        "INSERT INTO schema_version (version, name, sha256) VALUES (%s, %s, %s)",
        (migration.version, migration.name, migration.sha256),
    )


def migrate(conn: Connection, migrations: Sequence[Migration], secrets: _Secrets) -> int:
    """Apply the missing migrations, each in its own transaction; returns the version.

    Under :data:`MIGRATION_LOCK_SQL`, each transaction re-reads ``schema_version``, so
    processes opening a fresh database at once apply each migration exactly once. A
    database that is up to date is only read (no lock, no DDL). ``conn`` is the
    caller's own connection (never a pooled one: it holds a session lock for a while).
    """
    if not migrations:
        raise invalid_migrations("tidak ada migrasi", "there are no migrations")
    applied = _applied(conn, create=False)
    check_applied(applied, migrations)
    if all(migration.version in applied for migration in migrations):
        return len(migrations)
    conn.execute(MIGRATION_LOCK_SQL)
    try:
        for migration in migrations:
            with conn.transaction():
                applied = _applied(conn, create=True)
                check_applied(applied, migrations)
                if migration.version not in applied:
                    _apply(conn, migration, secrets)
    finally:
        if not conn.broken:
            conn.execute(MIGRATION_UNLOCK_SQL)
    return len(migrations)


# --- connections ---


class _ConnectFailures:
    """Why the pool's last attempt to connect failed (redacted), or None after a success:
    a call that times out waiting for a connection says so, rather than "busy"."""

    def __init__(self) -> None:
        self.last: str | None = None


def _recording_connection(
    failures: _ConnectFailures, secrets: _Secrets
) -> type[psycopg.Connection[tuple[Any, ...]]]:
    """A connection class for the pool whose ``connect`` records each failure."""

    class RecordingConnection(psycopg.Connection[tuple[Any, ...]]):
        @classmethod
        def connect(cls, conninfo: str = "", **kwargs: Any) -> Self:
            try:
                conn = super().connect(conninfo, **kwargs)
            except psycopg.Error as exc:
                failures.last = secrets.redact((exc.diag.message_primary or str(exc)).strip())
                raise
            failures.last = None
            return conn

    return RecordingConnection


class _Stale(Exception):
    """A borrowed connection was found dead, and the work may run again on another."""


# --- the store ---


class PostgresStore(Store):
    """The PostgreSQL backend. ``conninfo`` is a libpq address: a ``postgresql://`` URI
    or ``key=value`` pairs. The schema is created (migrated) on first open; tables are
    found through the session's ``search_path`` (``?options=-csearch_path%3Dsaksi``
    selects a schema).
    """

    def __init__(
        self,
        conninfo: str,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        connect_timeout: int = DEFAULT_CONNECT_TIMEOUT,
        migrations: Traversable | None = None,
    ) -> None:
        try:
            params = conninfo_to_dict(conninfo)
        except psycopg.Error:
            params = None  # the driver's message quotes the address: raise outside of it
        if params is None:
            raise StoreError(
                code="store.invalid-argument",
                en="Invalid PostgreSQL address (not shown: it may contain a password).",
                id=(
                    "Alamat PostgreSQL tidak sah (alamat tidak ditampilkan karena dapat memuat "
                    "kata sandi)."
                ),
                argument="target",
            )
        password = params.get("password")
        self._secrets = _Secrets(conninfo, None if password is None else str(password))
        self._conninfo = conninfo
        self._connect_defaults: dict[str, Any] = {  # what the address says wins
            name: value
            for name, value in (("connect_timeout", connect_timeout), ("application_name", "saksi"))
            if name not in params
        }
        self._lock_timeout_ms = max(1, int(busy_timeout * 1000))
        self._closed = False
        self._pool_size = max(1, pool_size)
        self._failures = _ConnectFailures()
        self.address = "postgresql://"
        found = load_migrations(migrations if migrations is not None else default_migrations())
        # The first connection is the store's own: a refusal is reported as it comes, and
        # the session lock migrations take never reaches the pool.
        conn = self._connect()
        try:
            info = conn.info
            self.address = f"postgresql://{info.host}:{info.port}/{info.dbname}"
            with self._translated():
                self.schema_version = migrate(conn, found, self._secrets)
        finally:
            conn.close()
        self._pool: ConnectionPool[Connection] = ConnectionPool(
            conninfo,
            connection_class=_recording_connection(self._failures, self._secrets),
            kwargs={"autocommit": True, **self._connect_defaults},
            min_size=1,
            max_size=self._pool_size,
            open=False,
            configure=self._configure,
            timeout=busy_timeout,
            num_workers=1,
            name="saksi-store",
        )
        self._pool.open()

    def __repr__(self) -> str:
        return f"PostgresStore({self.address!r})"

    # --- connections ---

    def _connect(self) -> Connection:
        with self._translated():
            conn = psycopg.connect(self._conninfo, autocommit=True, **self._connect_defaults)
        try:
            with self._translated():
                self._configure(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _configure(self, conn: Connection) -> None:
        conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
        timeout = f"{self._lock_timeout_ms}ms"
        conn.execute("SELECT set_config('lock_timeout', %s, false)", (timeout,))
        row = conn.execute("SHOW synchronous_commit").fetchone()
        if row is not None and row[0] == "off":  # never acknowledge before the WAL is flushed
            conn.execute("SET synchronous_commit = on")

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """psycopg errors become StoreErrors, with the driver's error chained (tracebacks
        print it). A driver error whose text holds a secret is redacted in place first,
        since it stays reachable as the new error's context."""
        try:
            yield
        except psycopg.Error as exc:
            error = store_closed() if self._closed else _translate(exc, self._secrets)
            if self._secrets.found_in(str(exc)):
                exc.args = (self._secrets.redact(str(exc)),)
                raise error from None
            raise error from exc

    def _getconn(self) -> Connection:
        """A connection from the pool, waiting up to the busy timeout for one."""
        try:
            return self._pool.getconn()
        except PoolClosed:
            raise store_closed() from None
        except PoolTimeout:
            failure = self._failures.last
            if failure is not None:  # no connection could be opened
                raise _io_error(failure) from None
            raise _busy(f"all {self._pool_size} connections of the pool are in use") from None

    def _borrowed(self, work: Callable[[Connection], T], *, transaction: bool, retry: bool) -> T:
        if self._closed:
            raise store_closed()
        conn = self._getconn()
        began = False
        try:
            with self._translated():
                try:
                    if not transaction:
                        return work(conn)
                    with conn.transaction():
                        began = True
                        return work(conn)
                except psycopg.OperationalError:
                    if not conn.broken:
                        raise
                    self._pool.check()  # the server restarted: replace the dead idle ones
                    if retry and not began:
                        raise _Stale from None
                    raise
        finally:
            self._pool.putconn(conn)  # a broken one is replaced, one mid-transaction rolled back

    def _run(self, work: Callable[[Connection], T], *, transaction: bool = False) -> T:
        """``work`` on a borrowed connection, in a transaction if asked. When the
        connection turns out to be dead (a server restart), ``work`` is run once more on
        a fresh one, unless it was a transaction that had begun: ``work`` without a
        transaction is one statement, a read or an idempotent write."""
        try:
            return self._borrowed(work, transaction=transaction, retry=True)
        except _Stale:
            return self._borrowed(work, transaction=transaction, retry=False)

    def _read_one(self, sql: str, params: Sequence[object]) -> tuple[Any, ...] | None:
        def read(conn: Connection) -> tuple[Any, ...] | None:
            return conn.execute(sql, params, binary=True).fetchone()

        return self._run(read)

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Close the idle connections now; those in use are closed when given back."""
        self._closed = True
        self._pool.close()

    def settings(self) -> dict[str, str]:
        """A connection's effective settings (for diagnostics and tests)."""
        names = ("synchronous_commit", "lock_timeout", "server_version", "search_path")

        def show(conn: Connection) -> dict[str, str]:
            with conn.transaction():  # the isolation level applies to transactions
                values = {n: str(conn.execute(f"SHOW {n}").fetchone()[0]) for n in names}  # type: ignore[index]
                level = conn.execute("SHOW transaction_isolation").fetchone()
            values["transaction_isolation"] = str(level[0]) if level else ""
            return values

        self._require_open()
        return self._run(show)

    # --- the log ---

    def _backend_append(self, unique: Sequence[tuple[bytes, bytes]]) -> list[tuple[int, bool]]:
        """One call of the schema's ``store_append`` function: lock, look up, insert,
        commit, all in one statement (idempotent, so it may be retried)."""
        params = ([digest for _, digest in unique], [entry for entry, _ in unique])

        def append(conn: Connection) -> list[tuple[int, bool]]:
            rows = conn.execute(APPEND_SQL, params).fetchall()
            return [(int(index), bool(new)) for index, new in rows]

        return self._run(append)

    def _backend_size(self) -> int:
        row = self._read_one(_SIZE_SQL, ())
        return int(row[0]) if row else 0

    def _backend_entry(self, index: int) -> bytes | None:
        row = self._read_one("SELECT data FROM entries WHERE idx = %s", (index,))
        return None if row is None else bytes(row[0])

    def _backend_find(self, leaf_hash: bytes) -> int | None:
        row = self._read_one("SELECT idx FROM entries WHERE leaf_hash = %s", (leaf_hash,))
        return None if row is None else int(row[0])

    def _backend_find_many(self, leaf_hashes: list[bytes]) -> dict[bytes, int]:
        def find(conn: Connection) -> dict[bytes, int]:
            rows = conn.execute(
                "SELECT leaf_hash, idx FROM entries WHERE leaf_hash = ANY(%s)",
                (leaf_hashes,),
                binary=True,
            )
            return {bytes(h): int(i) for h, i in rows}

        return self._run(find)

    def _backend_page(self, start: int, stop: int, limit: int) -> list[tuple[int, bytes]]:
        def page(conn: Connection) -> list[tuple[int, bytes]]:
            rows = conn.execute(
                "SELECT idx, data FROM entries WHERE idx >= %s AND idx < %s ORDER BY idx LIMIT %s",
                (start, stop, limit),
                binary=True,
            )
            return [(int(index), bytes(data)) for index, data in rows]

        return self._run(page)

    # --- photos ---

    def _backend_put_photo(self, sha256_hex: str, data: bytes) -> None:
        def put(conn: Connection) -> None:
            conn.execute(
                "INSERT INTO photos (sha256, data) VALUES (%s, %s) ON CONFLICT (sha256) DO NOTHING",
                (sha256_hex, data),
            )

        self._run(put)  # idempotent: ON CONFLICT DO NOTHING

    def _backend_photo(self, sha256_hex: str) -> bytes | None:
        row = self._read_one("SELECT data FROM photos WHERE sha256 = %s", (sha256_hex,))
        return None if row is None else bytes(row[0])

    def _backend_has_photo(self, sha256_hex: str) -> bool:
        return self._read_one("SELECT 1 FROM photos WHERE sha256 = %s", (sha256_hex,)) is not None

    def _backend_photo_usage(self) -> tuple[int, int]:
        # octet_length of an out-of-line value reads its size from the TOAST pointer.
        row = self._read_one(
            "SELECT count(*), coalesce(sum(octet_length(data)), 0) FROM photos", ()
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    # --- meta ---

    def _backend_get_meta(self, key: str) -> bytes | None:
        row = self._read_one("SELECT value FROM meta WHERE key = %s", (key,))
        return None if row is None else bytes(row[0])

    def _backend_compare_and_swap(self, key: str, expected: bytes | None, new: bytes) -> bool:
        """One statement: an insert that does nothing if the key exists, or an update
        whose WHERE clause PostgreSQL re-checks on the newest row after waiting for a
        concurrent writer, so exactly one of racing swaps from the same value wins."""

        def swap(conn: Connection) -> bool:
            if expected is None:
                done = conn.execute(
                    "INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING",
                    (key, new),
                )
            else:
                done = conn.execute(
                    "UPDATE meta SET value = %s WHERE key = %s AND value = %s",
                    (new, key, expected),
                )
            return done.rowcount == 1

        return self._run(swap, transaction=True)  # not idempotent: never re-run once begun


__all__ = [
    "APPEND_LOCK_SQL",
    "APPEND_SQL",
    "DEFAULT_BUSY_TIMEOUT",
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_POOL_SIZE",
    "PostgresStore",
    "default_migrations",
    "migrate",
]
