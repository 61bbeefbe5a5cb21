"""The PostgreSQL backend: triggers, settings, locking, migrations, errors, crashes.

Everything runs against a real server (tests/pgserver.py); the contract itself is in
test_store_contract.py. Raw SQL goes through a plain psycopg connection, as any other
program connected to the database would send it.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

import saksi.store.postgres
from saksi.errors import AppendOnlyError, SaksiError, StoreError
from saksi.store import Appended, open_store
from saksi.store.postgres import (
    APPEND_LOCK_SQL,
    APPEND_SQL,
    PostgresStore,
    default_migrations,
)
from saksi.tlog.hashes import leaf_hash
from tests.pgserver import PostgresServer, PostgresUnavailable
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = Path(str(default_migrations()))


@contextmanager
def raw(dsn: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A plain psycopg connection in autocommit mode, on the same schema."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        yield conn


def assert_refused(exc: SaksiError, code: str) -> None:
    assert isinstance(exc, StoreError)
    assert exc.code == code
    assert exc.message_id and exc.message_en and exc.message_id != exc.message_en


def assert_no_secret(exc: BaseException, secret: str) -> None:
    """The secret is in no message, detail, diagnostic or printed traceback."""
    assert isinstance(exc, SaksiError)
    shown = [
        str(exc),
        repr(exc),
        exc.diagnostics(),
        repr(exc.to_dict()),
        "".join(traceback.format_exception(exc)),
    ]
    chained: BaseException | None = exc
    while chained is not None:  # every error a logger could reach from this one
        shown.append(str(chained))
        chained = chained.__cause__ or chained.__context__
    for text in shown:
        assert secret not in text


@pytest.fixture
def store(postgres_dsn: str) -> Iterator[PostgresStore]:
    with PostgresStore(postgres_dsn) as opened:
        yield opened


def test_public_names_are_pinned() -> None:
    assert sorted(saksi.store.postgres.__all__) == sorted(
        [
            "APPEND_LOCK_SQL",
            "APPEND_SQL",
            "DEFAULT_BUSY_TIMEOUT",
            "DEFAULT_CONNECT_TIMEOUT",
            "DEFAULT_POOL_SIZE",
            "PostgresStore",
            "default_migrations",
            "migrate",
        ]
    )


# --- settings ---


def test_sessions_are_durable_and_read_committed_whatever_the_server_defaults(
    postgres_server: PostgresServer,
) -> None:
    dsn = postgres_server.dsn(
        postgres_server.create_schema("lax"),
        synchronous_commit="off",
        default_transaction_isolation="serializable",
    )
    with PostgresStore(dsn, busy_timeout=2.5) as store:
        assert store.settings() | {"server_version": ""} == {
            "synchronous_commit": "on",
            "transaction_isolation": "read committed",
            "lock_timeout": "2500ms",
            "server_version": "",
            "search_path": store.settings()["search_path"],
        }
        store.append(b"x")
        assert store.size() == 1


def test_a_stronger_synchronous_commit_is_kept(postgres_server: PostgresServer) -> None:
    dsn = postgres_server.dsn(
        postgres_server.create_schema("strict"), synchronous_commit="remote_apply"
    )
    with PostgresStore(dsn) as store:
        assert store.settings()["synchronous_commit"] == "remote_apply"


def test_repr_and_address_name_the_server_but_not_the_user_or_password(
    store: PostgresStore, postgres_server: PostgresServer
) -> None:
    assert store.address == f"postgresql://127.0.0.1:{postgres_server.port}/postgres"
    assert postgres_server.password not in repr(store)
    assert "saksi@" not in repr(store)


# --- append-only, enforced by the database ---


@pytest.fixture
def filled(store: PostgresStore, postgres_dsn: str) -> str:
    store.append_batch([b"a", b"b", b"c"])
    store.put_photo(b"photo")
    return postgres_dsn


def _snapshot(dsn: str) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with raw(dsn) as conn:
        entries = conn.execute("SELECT idx, leaf_hash, data FROM entries ORDER BY idx").fetchall()
        photos = conn.execute("SELECT sha256, data FROM photos ORDER BY sha256").fetchall()
    return entries, photos


_LEAF_A = "'\\x" + leaf_hash(b"a").hex() + "'::bytea"
FORBIDDEN = [
    ["UPDATE entries SET data = 'x'::bytea WHERE idx = 0"],
    ["UPDATE entries SET idx = idx WHERE false"],  # refused even when it touches nothing
    ["DELETE FROM entries WHERE idx = 2"],
    ["DELETE FROM entries"],
    ["TRUNCATE entries"],
    ["TRUNCATE photos"],
    ["INSERT INTO entries VALUES (5, sha256('x'::bytea), 'x'::bytea)"],  # a gap
    ["INSERT INTO entries VALUES (1, sha256('x'::bytea), 'x'::bytea)"],  # an old index
    ["INSERT INTO entries (idx, leaf_hash, data) VALUES (NULL, sha256('x'::bytea), 'x')"],
    [
        f"INSERT INTO entries VALUES (3, {_LEAF_A}, 'evil'::bytea)"
        " ON CONFLICT (leaf_hash) DO UPDATE SET data = excluded.data"
    ],
    ["MERGE INTO entries e USING (SELECT 0 AS i) s ON e.idx = s.i WHEN MATCHED THEN DELETE"],
    ["UPDATE photos SET data = 'x'::bytea"],
    ["DELETE FROM photos"],
    ["SET session_replication_role = replica", "DELETE FROM entries"],  # triggers are ALWAYS
]


@pytest.mark.parametrize("statements", FORBIDDEN, ids=lambda s: s[-1][:50])
def test_the_database_refuses_changes_from_any_program(filled: str, statements: list[str]) -> None:
    before = _snapshot(filled)
    with raw(filled) as conn:
        for statement in statements[:-1]:
            conn.execute(statement)
        with pytest.raises(psycopg.Error) as caught:
            conn.execute(statements[-1])
    assert caught.value.sqlstate == "SK001"
    assert (caught.value.diag.message_primary or "").startswith("store.append-only: ")
    assert _snapshot(filled) == before


def test_the_database_accepts_a_correct_append_from_any_program(
    filled: str, store: PostgresStore
) -> None:
    with raw(filled) as conn:
        conn.execute(
            "INSERT INTO entries VALUES (3, sha256('\\x00'::bytea || 'd'::bytea), 'd'::bytea)"
        )
        with pytest.raises(psycopg.errors.UniqueViolation):  # the same entry again
            conn.execute(f"INSERT INTO entries VALUES (4, {_LEAF_A}, 'a'::bytea)")
    assert store.find(leaf_hash(b"d")) == 3
    assert store.append(b"e").index == 4


def test_a_wrong_leaf_hash_is_refused_by_the_database(filled: str) -> None:
    with raw(filled) as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("INSERT INTO entries VALUES (3, sha256('d'::bytea), 'd'::bytea)")


def test_a_refusal_by_the_database_surfaces_as_append_only_error(
    store: PostgresStore, postgres_dsn: str
) -> None:
    store.append(b"a")
    with raw(postgres_dsn) as conn:  # a buggy program replaces the append function
        conn.execute(
            "CREATE OR REPLACE FUNCTION store_append(hashes bytea[], datas bytea[])"
            " RETURNS TABLE (idx bigint, new boolean) LANGUAGE sql AS"
            " $$ INSERT INTO entries VALUES (7, hashes[1], datas[1]) RETURNING idx, true $$"
        )
    with pytest.raises(AppendOnlyError) as caught:
        store.append(b"b")
    assert_refused(caught.value, "store.append-only")
    assert "next index, 1, not 7" in caught.value.details["reason"]
    assert _snapshot(postgres_dsn)[0] == [(0, leaf_hash(b"a"), b"a")]


def test_tampering_with_the_safeguards_removed_is_detected_on_read(
    filled: str, store: PostgresStore
) -> None:
    with raw(filled) as conn:
        conn.execute("ALTER TABLE entries DISABLE TRIGGER entries_no_update")
        conn.execute("ALTER TABLE entries DROP CONSTRAINT entries_leaf_hash_is_rfc6962")
        conn.execute("ALTER TABLE photos DISABLE TRIGGER photos_no_update")
        conn.execute("UPDATE entries SET data = 'evil'::bytea WHERE idx = 1")
        conn.execute("UPDATE photos SET data = 'evil'::bytea")
    with pytest.raises(StoreError) as caught:
        store.append(b"b")  # the leaf hash is found, but the bytes differ
    assert_refused(caught.value, "store.corrupt")
    assert caught.value.details["index"] == 1
    with pytest.raises(StoreError) as caught:
        store.photo(hashlib.sha256(b"photo").hexdigest())
    assert_refused(caught.value, "store.corrupt")


def test_a_batch_that_fails_midway_leaves_nothing_behind(
    store: PostgresStore, postgres_dsn: str
) -> None:
    store.append(b"before")
    with pytest.raises(StoreError) as caught:  # the second row breaks the leaf-hash check
        store._backend_append([(b"one", leaf_hash(b"one")), (b"two", leaf_hash(b"2"))])
    assert_refused(caught.value, "store.database-error")
    assert _snapshot(postgres_dsn)[0] == [(0, leaf_hash(b"before"), b"before")]
    assert store.append(b"one").index == 1  # the connection went back to the pool clean


def test_one_call_appends_in_one_statement(store: PostgresStore, postgres_dsn: str) -> None:
    with raw(postgres_dsn) as conn:
        rows = conn.execute(APPEND_SQL, ([leaf_hash(b"x"), leaf_hash(b"")], [b"x", b""]))
        assert rows.fetchall() == [(0, True), (1, True)]
    assert store.append_batch([b"", b"y"]) == [
        Appended(1, leaf_hash(b""), False),
        Appended(2, leaf_hash(b"y"), True),
    ]


# --- locking and connections ---


def test_an_appender_waits_for_the_lock_and_then_reports_busy(postgres_dsn: str) -> None:
    with PostgresStore(postgres_dsn, busy_timeout=0.3) as store, raw(postgres_dsn) as conn:
        store.append(b"a")
        with conn.transaction():
            conn.execute(APPEND_LOCK_SQL)  # another process is appending
            started = time.monotonic()
            with pytest.raises(StoreError) as caught:
                store.append(b"b")
            waited = time.monotonic() - started
            assert store.size() == 1  # readers do not wait for the writer
        assert_refused(caught.value, "store.busy")
        assert waited >= 0.25
        assert store.append(b"b").index == 1


def _wait_for_a_lock_waiter(dsn: str) -> None:
    with raw(dsn) as conn:

        def waiting() -> bool:
            row = conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            ).fetchone()
            return bool(row and row[0])

        wait_for(waiting)  # AssertionError if nobody waits for the append lock


def test_a_call_waits_for_a_free_connection(postgres_dsn: str) -> None:
    with (
        PostgresStore(postgres_dsn, pool_size=1, busy_timeout=60) as store,
        raw(postgres_dsn) as conn,
    ):
        answers: list[int] = []
        conn.execute("BEGIN")
        conn.execute(APPEND_LOCK_SQL)  # another process is appending
        appender = threading.Thread(target=lambda: answers.append(store.append(b"x").index))
        appender.start()  # it takes the only connection, and waits for the lock
        _wait_for_a_lock_waiter(postgres_dsn)
        started = time.monotonic()  # before the release, which comes 0.3 s later at the soonest
        threading.Timer(0.3, conn.execute, args=("COMMIT",)).start()  # released a moment later
        assert store.size() == 1  # waited for the connection, then saw the append
        assert time.monotonic() - started >= 0.25
        appender.join()
        assert answers == [0]


def test_a_pool_with_every_connection_taken_reports_busy(postgres_dsn: str) -> None:
    with PostgresStore(postgres_dsn, pool_size=1, busy_timeout=0.1) as store:
        taken = store._pool.getconn(timeout=60)  # another thread holds the only connection
        with pytest.raises(StoreError) as caught:
            store.size()
        assert_refused(caught.value, "store.busy")
        store._pool.putconn(taken)
        assert store.size() == 0


def test_a_server_gone_for_good_is_an_io_error_not_busy(own_server: PostgresServer) -> None:
    with PostgresStore(
        own_server.dsn(own_server.create_schema("gone")), busy_timeout=0.5, connect_timeout=1
    ) as store:
        store.append(b"a")
        own_server.kill()
        with pytest.raises(StoreError) as caught:
            store.size()  # the idle connection is dead, and no new one can be opened
        own_server.start()
    assert_refused(caught.value, "store.io-error")


def test_two_stores_appending_at_once_keep_the_log_contiguous(postgres_dsn: str) -> None:
    first, second = PostgresStore(postgres_dsn), PostgresStore(postgres_dsn)

    def work(store: PostgresStore, tag: str) -> None:
        for i in range(60):
            store.append_batch([f"{tag} {i}".encode(), f"shared {i}".encode()])

    with first, second:
        threads = [
            threading.Thread(target=work, args=(s, t)) for s, t in ((first, "1"), (second, "2"))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        stored = list(first.entries())
    assert [index for index, _ in stored] == list(range(180))
    assert len({entry for _, entry in stored}) == 180


# --- the production setup: an owner that migrates, a service role that only adds ---


def test_a_service_role_without_ownership_appends_but_cannot_switch_off_the_triggers(
    postgres_server: PostgresServer,
) -> None:
    schema = postgres_server.create_schema("roles")
    owner_dsn = postgres_server.dsn(schema)
    PostgresStore(owner_dsn).close()  # the owner (here the superuser) migrates
    role, password = f"service_{schema}", "service-pw"
    with raw(owner_dsn) as conn:
        for statement in [
            f"CREATE ROLE {role} LOGIN PASSWORD '{password}'",
            f"GRANT USAGE ON SCHEMA {schema} TO {role}",
            f"GRANT SELECT, INSERT ON entries, photos TO {role}",
            f"GRANT SELECT, INSERT, UPDATE ON meta TO {role}",
            f"GRANT SELECT ON schema_version TO {role}",
        ]:
            conn.execute(statement)
    service_dsn = owner_dsn.replace(f"saksi:{postgres_server.password}@", f"{role}:{password}@")
    with PostgresStore(service_dsn) as store:
        assert store.append_batch([b"a", b"b"])[1].index == 1
        store.put_photo(b"photo")
        assert store.compare_and_swap("checkpoint", None, b"cp1")
        assert store.compare_and_swap("checkpoint", b"cp1", b"cp2")
    with raw(service_dsn) as conn:
        for statement in [
            "ALTER TABLE entries DISABLE TRIGGER entries_no_update",
            "UPDATE entries SET data = 'x'::bytea",
            "DROP TABLE entries",
        ]:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
    with PostgresStore(owner_dsn) as store:
        assert list(store.entries()) == [(0, b"a"), (1, b"b")]


# --- opening, addresses and errors ---


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "PostgreSQL"])
def test_open_store_takes_a_postgresql_address(postgres_dsn: str, scheme: str) -> None:
    target = scheme + "://" + postgres_dsn.split("://", 1)[1]
    with open_store(target) as store:
        assert isinstance(store, PostgresStore)
        store.append(b"x")
        assert store.size() == 1


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unreachable_server_is_an_io_error_that_hides_the_password() -> None:
    target = f"postgresql://saksi:s3cret-pw@127.0.0.1:{_closed_port()}/saksi"
    with pytest.raises(StoreError) as caught:
        open_store(target)
    assert_refused(caught.value, "store.io-error")
    assert "Connection refused" in caught.value.details["error"]
    assert_no_secret(caught.value, "s3cret-pw")


def test_a_wrong_password_is_an_io_error(postgres_server: PostgresServer) -> None:
    target = postgres_server.dsn().replace(postgres_server.password, "wrong-s3cret", 1)
    with pytest.raises(StoreError) as caught:
        PostgresStore(target)
    assert_refused(caught.value, "store.io-error")
    assert "password authentication failed" in caught.value.details["error"]
    assert_no_secret(caught.value, "wrong-s3cret")


def test_a_server_message_quoting_the_password_is_redacted(
    postgres_server: PostgresServer,
) -> None:
    # The database's name is the password, so the server's refusal quotes it.
    password = postgres_server.password
    target = postgres_server.dsn().rsplit("/", 1)[0] + "/" + password
    with pytest.raises(StoreError) as caught:
        PostgresStore(target)
    assert_refused(caught.value, "store.io-error")
    assert "does not exist" in caught.value.details["error"]
    assert_no_secret(caught.value, password)


@pytest.mark.parametrize(
    "target",
    [
        "postgresql://saksi:s3cret pw@127.0.0.1/saksi",  # libpq quotes it when refusing it
        "postgresql://saksi:s3cret%zz@127.0.0.1/saksi",
        "postgresql://saksi:s3cret@127.0.0.1/saksi?no_such_option=1",
    ],
)
def test_a_malformed_address_is_refused_without_repeating_it(target: str) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(target)
    assert_refused(caught.value, "store.invalid-argument")
    assert_no_secret(caught.value, "s3cret")


# --- migrations ---


def _migrations(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "migrations"
    folder.mkdir()
    shutil.copy(SHIPPED / "0001_initial.sql", folder / "0001_initial.sql")
    for name, sql in (extra or {}).items():
        (folder / name).write_text(sql)
    return folder


def _versions(dsn: str) -> list[tuple[object, ...]]:
    with raw(dsn) as conn:
        return conn.execute(
            "SELECT version, name, sha256, applied_at FROM schema_version"
        ).fetchall()


def _tables(dsn: str) -> set[str]:
    with raw(dsn) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchall()
    return {str(name) for (name,) in rows}


def test_a_fresh_database_gets_the_shipped_schema(store: PostgresStore, postgres_dsn: str) -> None:
    assert store.schema_version == 1
    assert _tables(postgres_dsn) == {"entries", "photos", "meta", "schema_version"}
    digest = hashlib.sha256((SHIPPED / "0001_initial.sql").read_bytes()).hexdigest()
    assert [row[:3] for row in _versions(postgres_dsn)] == [(1, "initial", digest)]
    with raw(postgres_dsn) as conn:
        triggers = conn.execute(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal"
            " AND tgrelid IN ('entries'::regclass, 'photos'::regclass) ORDER BY tgname"
        ).fetchall()
    assert [name for name, _ in triggers] == [
        "entries_next_index",
        "entries_no_delete",
        "entries_no_truncate",
        "entries_no_update",
        "photos_no_delete",
        "photos_no_truncate",
        "photos_no_update",
    ]
    assert {enabled for _, enabled in triggers} == {"A"}  # ALWAYS


def test_reopening_applies_nothing_again(postgres_dsn: str) -> None:
    PostgresStore(postgres_dsn).close()
    before = _versions(postgres_dsn)
    with PostgresStore(postgres_dsn) as store:
        assert store.schema_version == 1
    assert _versions(postgres_dsn) == before


def test_upgrade_from_version_1_to_2(tmp_path: Path, postgres_dsn: str) -> None:
    with PostgresStore(postgres_dsn) as store:
        store.append(b"kept")
    folder = _migrations(tmp_path, {"0002_tps_index.sql": "CREATE TABLE tps (code text);\n"})
    with PostgresStore(postgres_dsn, migrations=folder) as store:
        assert store.schema_version == 2
        assert store.entry(0) == b"kept"
    assert "tps" in _tables(postgres_dsn)
    assert [row[:2] for row in _versions(postgres_dsn)] == [(1, "initial"), (2, "tps_index")]


def test_a_database_newer_than_the_code_is_refused(postgres_dsn: str) -> None:
    PostgresStore(postgres_dsn).close()
    with raw(postgres_dsn) as conn:
        conn.execute("INSERT INTO schema_version (version, name, sha256) VALUES (2, 'x', 'y')")
    with pytest.raises(StoreError) as caught:
        PostgresStore(postgres_dsn)
    assert_refused(caught.value, "store.schema-too-new")
    assert caught.value.details == {"database_version": 2, "program_version": 1}


def test_a_failed_migration_changes_nothing(tmp_path: Path, postgres_dsn: str) -> None:
    PostgresStore(postgres_dsn).close()
    folder = _migrations(
        tmp_path, {"0002_broken.sql": "CREATE TABLE half (a int);\nSELECT * FROM nowhere;\n"}
    )
    with pytest.raises(StoreError) as caught:
        PostgresStore(postgres_dsn, migrations=folder)
    assert_refused(caught.value, "store.migration-failed")
    assert caught.value.details["version"] == 2
    assert "half" not in _tables(postgres_dsn)  # PostgreSQL's DDL is transactional
    assert [row[0] for row in _versions(postgres_dsn)] == [1]


def test_an_edited_applied_migration_is_refused(tmp_path: Path, postgres_dsn: str) -> None:
    PostgresStore(postgres_dsn).close()
    folder = _migrations(tmp_path)
    edited = folder / "0001_initial.sql"
    edited.write_text(edited.read_text() + "\n-- a harmless-looking edit\n")
    with pytest.raises(StoreError) as caught:
        PostgresStore(postgres_dsn, migrations=folder)
    assert_refused(caught.value, "store.migration-modified")


@pytest.mark.parametrize(
    "extra",
    [
        {"0003_gap.sql": "SELECT 1;\n"},
        {"0002_Bad-Name.sql": "SELECT 1;\n"},
    ],
)
def test_invalid_migration_folders_are_refused_before_any_change(
    tmp_path: Path, postgres_dsn: str, extra: dict[str, str]
) -> None:
    with pytest.raises(StoreError) as caught:
        PostgresStore(postgres_dsn, migrations=_migrations(tmp_path, extra))
    assert_refused(caught.value, "store.migrations-invalid")
    assert _tables(postgres_dsn) == set()


def test_a_migration_runs_as_written_in_one_transaction(tmp_path: Path, postgres_dsn: str) -> None:
    """PostgreSQL reads the file: a ';' in a body, a string or a comment ends nothing, and
    the last statement needs no ';'."""
    script = (
        "CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $body$\n"
        "BEGIN\n  RETURN 'it''s; COMMIT'; -- ; COMMIT;\nEND;\n$body$;\n"
        '/* a comment; /* nested; */ COMMIT; */ CREATE TABLE "odd;name" (a text);\n'
        "INSERT INTO \"odd;name\" VALUES (f()), (E'\\'; 100%')"
    )
    folder = _migrations(tmp_path, {"0002_as_written.sql": script})
    with PostgresStore(postgres_dsn, migrations=folder) as store:
        assert store.schema_version == 2
    with raw(postgres_dsn) as conn:
        rows = conn.execute('SELECT a FROM "odd;name" ORDER BY a').fetchall()
    assert rows == [("'; 100%",), ("it's; COMMIT",)]


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE half (a int);\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; \n",
        "CREATE TABLE half (a int);\nSELECT 'never closed;\n",
        "CREATE TABLE half (a int);\nROLLBACK;\nCREATE TABLE half (a int);\nSELECT 1/0;\n",
    ],
)
def test_a_migration_postgresql_cannot_read_changes_nothing(
    tmp_path: Path, postgres_dsn: str, sql: str
) -> None:
    PostgresStore(postgres_dsn).close()
    with pytest.raises(StoreError) as caught:
        PostgresStore(postgres_dsn, migrations=_migrations(tmp_path, {"0002_x.sql": sql}))
    assert_refused(caught.value, "store.migration-failed")
    assert "half" not in _tables(postgres_dsn)
    assert [row[0] for row in _versions(postgres_dsn)] == [1]


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE x (a int);\n  -- done\n  commit ;\n",
        "CREATE TABLE x (a int);\nROLLBACK;\n",
    ],
)
def test_a_migration_that_ends_its_transaction_is_refused(
    tmp_path: Path, postgres_dsn: str, sql: str
) -> None:
    PostgresStore(postgres_dsn).close()
    with pytest.raises(StoreError) as caught:
        PostgresStore(postgres_dsn, migrations=_migrations(tmp_path, {"0002_x.sql": sql}))
    assert_refused(caught.value, "store.migrations-invalid")
    assert caught.value.details["version"] == 2
    assert [row[0] for row in _versions(postgres_dsn)] == [1]  # never recorded as applied


def test_four_openers_racing_on_a_fresh_schema_migrate_once(postgres_dsn: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def open_at_once() -> None:
        try:
            barrier.wait()
            PostgresStore(postgres_dsn).close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_at_once) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [row[0] for row in _versions(postgres_dsn)] == [1]


# --- a server that restarts, and crashes ---


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    """A server of this module's own, since these tests kill it."""
    try:
        server = PostgresServer(tmp_path_factory.mktemp("pg"))
        server.start()
    except PostgresUnavailable as exc:
        pytest.skip(f"no PostgreSQL server for the tests: {exc}")
    yield server
    server.stop()


def test_a_store_carries_on_after_the_server_restarts(own_server: PostgresServer) -> None:
    with PostgresStore(own_server.dsn(own_server.create_schema("restart"))) as store:
        store.append_batch([b"a", b"b"])
        assert store.size() == 2  # the pool now holds an idle connection
        own_server.kill()
        own_server.start()
        assert store.append(b"c").index == 2  # the dead connection is replaced, once
        assert store.size() == 3
        assert store.get_meta("k") is None


def test_a_crash_ends_every_server_process_so_the_server_restarts_on_its_port(
    own_server: PostgresServer,
) -> None:
    """A backend busy with a long statement notices the postmaster's death only at its
    end: had the crash spared it, the new postmaster would find the old shared memory in
    use and refuse to start, and the store's address would point at nothing."""
    schema = own_server.create_schema("busy_crash")
    with PostgresStore(own_server.dsn(schema)) as store, raw(own_server.dsn(schema)) as busy:
        store.append(b"a")
        failures: list[BaseException] = []

        busy.execute("SET statement_timeout = '120s'")  # a bound, should a backend survive

        def long_statement() -> None:
            try:
                busy.execute("SELECT count(*) FROM generate_series(1, 10000000000)")
            except psycopg.OperationalError as exc:
                failures.append(exc)

        worker = threading.Thread(target=long_statement)
        worker.start()
        with raw(own_server.dsn()) as watcher:
            wait_for(
                lambda: (
                    watcher.execute(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE state = 'active' AND query LIKE 'SELECT count(*) FROM generate%'"
                    ).fetchone()
                    == (1,)
                )
            )
        port = own_server.port
        own_server.kill()
        worker.join()
        assert len(failures) == 1
        assert busy.broken  # its backend died with the server (not cancelled on its own)
        own_server.start()
        assert own_server.port == port
        assert store.append(b"b").index == 1


CHILD = r"""
import sys, time
from saksi.errors import StoreError
from saksi.store.postgres import PostgresStore

dsn, run, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with PostgresStore(dsn, connect_timeout=1, busy_timeout=1) as store:
    n = 0
    while True:
        size = 5 if mode == "batch" else 1
        batch = [f"run {run} {mode} {n} item {j}".encode() for j in range(size)]
        try:
            answers = store.append_batch(batch)
        except StoreError:
            time.sleep(0.02)  # the server is gone: try again until killed
            continue
        sys.stdout.write("".join(f"{a.index} {e.decode()}\n" for a, e in zip(answers, batch)))
        sys.stdout.flush()
        n += 1
"""

ENTRY_FORMAT = re.compile(r"run (\d+) (single|batch) (\d+) item (\d)")


def _start_child(
    dsn: str, run: int, mode: str, lines: int
) -> tuple[subprocess.Popen[bytes], bytes]:
    """The appending child, once it has acknowledged ``lines`` entries (a count, not a
    time: the machine may be busy); with what it printed so far."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, dsn, str(run), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None
    first = b"".join(child.stdout.readline() for _ in range(lines))
    assert first.endswith(b"\n"), child.stderr.read().decode() if child.stderr else "it died"
    return child, first


def _kill_child(child: subprocess.Popen[bytes], first: bytes) -> dict[int, bytes]:
    child.send_signal(signal.SIGKILL)
    rest, _ = child.communicate()
    assert child.returncode == -signal.SIGKILL
    acknowledged: dict[int, bytes] = {}
    for line in (first + rest).split(b"\n")[:-1]:  # a cut-off last line was not acknowledged
        index, entry = line.split(b" ", 1)
        acknowledged[int(index)] = entry
    return acknowledged


def _check_after_crash(dsn: str, acknowledged: dict[int, bytes], context: str) -> None:
    with PostgresStore(dsn) as store:
        stored = list(store.entries())
    assert [index for index, _ in stored] == list(range(len(stored))), context
    by_index = dict(stored)
    for index, entry in acknowledged.items():
        assert by_index.get(index) == entry, f"{context}: acknowledged entry {index} lost"
    batches: dict[tuple[str, str], int] = {}
    for _, entry in stored:
        match = ENTRY_FORMAT.fullmatch(entry.decode())
        assert match, f"{context}: unexpected entry {entry!r}"
        if match.group(2) == "batch":
            key = (match.group(1), match.group(3))
            batches[key] = batches.get(key, 0) + 1
    assert all(count == 5 for count in batches.values()), f"{context}: a torn batch"


@pytest.mark.slow
def test_acknowledged_entries_survive_sigkill_of_the_appender(postgres_dsn: str) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    PostgresStore(postgres_dsn).close()
    acknowledged: dict[int, bytes] = {}
    for run in range(10):
        mode = "batch" if run % 2 else "single"
        lines, delay = rng.randint(11, 100), rng.uniform(0.0, 0.05)
        context = f"seed {seed}, run {run} ({mode}, killed {delay:.3f} s after {lines} acks)"
        child, first = _start_child(postgres_dsn, run, mode, lines)
        time.sleep(delay)  # anywhere in its next appends
        acknowledged |= _kill_child(child, first)
        _check_after_crash(postgres_dsn, acknowledged, context)
    assert len(acknowledged) > 100  # the children did real work before dying


@pytest.mark.slow
def test_acknowledged_entries_survive_sigkill_of_the_server(own_server: PostgresServer) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    dsn = own_server.dsn(own_server.create_schema("server_crash"))
    PostgresStore(dsn).close()
    acknowledged: dict[int, bytes] = {}
    for run in range(4):
        mode = "batch" if run % 2 else "single"
        lines, delay = rng.randint(6, 50), rng.uniform(0.0, 0.05)
        context = f"seed {seed}, run {run} ({mode}, server killed {delay:.3f} s after {lines})"
        child, first = _start_child(dsn, run, mode, lines)
        time.sleep(delay)  # anywhere in its next appends
        own_server.kill()  # every server process, mid-transaction: crash recovery follows
        time.sleep(0.1)
        acknowledged |= _kill_child(child, first)
        own_server.start()
        _check_after_crash(dsn, acknowledged, context)
    assert len(acknowledged) > 20
