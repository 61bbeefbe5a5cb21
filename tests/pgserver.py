"""A real, throw-away PostgreSQL server for the tests (no mocks).

:func:`start_postgres` makes a cluster with ``initdb`` in a private temporary folder
and starts ``postgres`` on a free port bound to 127.0.0.1 only (its Unix socket in
the same folder), with a random password for the superuser ``saksi``; it returns the
server's address and a function that stops it and removes the folder.

- The binaries are looked up in ``$SAKSI_PG_BIN``, then on ``PATH``, then in Debian's
  ``/usr/lib/postgresql/<version>/bin`` (newest first), which is where
  ``apt-get install postgresql`` puts them (``.ci/run`` does that).
- ``initdb`` and ``postgres`` refuse to run as root. As root, both run as the
  ``postgres`` user that Debian's package creates; the cluster's folder is then made
  under the system temporary folder (``/tmp``), because pytest's own folders are
  private to root. A user is never created here: without one the server is
  unavailable, with the reason.
- :class:`PostgresUnavailable` says why a server could not be started; the fixtures
  turn it into a skip that carries the reason.

:func:`shared_server` starts one server per test process on first use (each pytest-xdist
worker gets its own) and stops it when the process exits; :meth:`PostgresServer.dsn`
with a fresh :meth:`PostgresServer.create_schema` isolates one test from another.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from saksi.sim.processes import free_port
from tests.waiting import wait_for

SUPERUSER = "saksi"
START_TIMEOUT = 30.0
_DEBIAN_ROOT = Path("/usr/lib/postgresql")
_PROGRAMS = ("initdb", "postgres")


class PostgresUnavailable(Exception):
    """No PostgreSQL server can be started here; the message says why."""


def find_bin_dir() -> Path:
    """The folder holding ``initdb`` and ``postgres``."""
    candidates: list[Path] = []
    if os.environ.get("SAKSI_PG_BIN"):
        candidates.append(Path(os.environ["SAKSI_PG_BIN"]))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    if _DEBIAN_ROOT.is_dir():
        versions = [p for p in _DEBIAN_ROOT.iterdir() if p.name.isdigit()]
        candidates += [p / "bin" for p in sorted(versions, key=lambda p: -int(p.name))]
    for folder in candidates:
        if all(os.access(folder / name, os.X_OK) for name in _PROGRAMS):
            return folder
    raise PostgresUnavailable(
        "PostgreSQL is not installed: no initdb/postgres in $SAKSI_PG_BIN, on PATH or in "
        "/usr/lib/postgresql/*/bin (on Debian: apt-get install postgresql)"
    )


def _server_user() -> pwd.struct_passwd | None:
    """The unprivileged user to run the server as (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable(
            "running as root, and initdb/postgres refuse root, but there is no 'postgres' "
            "user to run them as (Debian's postgresql package creates it)"
        ) from None


def _free_port() -> int:
    return free_port()  # below the ephemeral range: see saksi.sim.processes.free_port


def _stat(pid: int) -> tuple[str, int, str] | None:
    """(state, parent, start time) of a process, from ``/proc/PID/stat``; None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (command) "
    return fields[0], int(fields[1]), fields[19]


def _children(parent: int) -> list[tuple[int, str]]:
    """The processes whose parent is ``parent``, each with its start time."""
    found: list[tuple[int, str]] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) and stat[1] == parent:
            found.append((int(entry.name), stat[2]))
    return found


def _running(pid: int, started: str) -> bool:
    """The process is still there (the same one, not a zombie: a zombie holds nothing)."""
    stat = _stat(pid)
    return stat is not None and stat[2] == started and stat[0] != "Z"


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class PostgresServer:
    """One cluster in a private folder: initdb once, then start, kill, restart, stop."""

    def __init__(self, base: Path) -> None:
        self.bin_dir = find_bin_dir()
        self.user = _server_user()
        if self.user is not None:  # pytest's folders are root-only: use the system's /tmp
            base = Path(tempfile.gettempdir())
        self.root = Path(tempfile.mkdtemp(prefix="saksi-pg-", dir=base))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log = self.root / "postgres.log"
        self.password = secrets.token_urlsafe(18)
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._schemas = itertools.count()
        self._lock = threading.Lock()
        self.socket_dir.mkdir()
        if self.user is not None:
            for path in (self.root, self.socket_dir):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        self._initdb()

    def _ids(self) -> tuple[int | None, int | None, list[int] | None]:
        """(user, group, extra groups) for subprocess: the server user's, or unchanged."""
        if self.user is None:
            return None, None, None
        return self.user.pw_uid, self.user.pw_gid, []

    def _initdb(self) -> None:
        password_file = self.root / "password"
        password_file.write_text(self.password + "\n")
        if self.user is not None:
            os.chown(password_file, self.user.pw_uid, self.user.pw_gid)
        command = [
            str(self.bin_dir / "initdb"),
            f"--pgdata={self.data}",
            f"--username={SUPERUSER}",
            f"--pwfile={password_file}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",  # a test cluster; the server itself runs with fsync on
        ]
        uid, gid, groups = self._ids()
        done = subprocess.run(
            command,
            capture_output=True,
            cwd=self.root,
            check=False,
            user=uid,
            group=gid,
            extra_groups=groups,
        )
        password_file.unlink()
        if done.returncode != 0:
            self.remove()
            raise PostgresUnavailable(
                f"initdb failed ({done.returncode}): {done.stderr.decode(errors='replace')[-800:]}"
            )

    # --- running ---

    def start(self) -> str:
        """Start on a free port, or restart (after :meth:`kill`) on the same one, so that
        addresses given out before stay valid; returns :meth:`dsn`. A restart that
        cannot have its port fails: a server moved to another port would leave every
        address given out before pointing at nothing."""
        if self.port:
            if self._launch():
                return self.dsn()
            raise PostgresUnavailable(
                f"postgres did not restart on port {self.port}:\n{_tail(self.log)}"
            )
        for _ in range(3):  # a free port may be taken between probing and binding
            self.port = _free_port()
            if self._launch():
                return self.dsn()
        raise PostgresUnavailable(f"postgres did not start:\n{_tail(self.log)}")

    def _launch(self) -> bool:
        command = [
            str(self.bin_dir / "postgres"),
            "-D",
            str(self.data),
            "-p",
            str(self.port),
            "-k",
            str(self.socket_dir),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "shared_buffers=32MB",
            "-c",
            "max_connections=100",
            "-c",
            "fsync=on",
            "-c",
            "synchronous_commit=on",
        ]
        uid, gid, groups = self._ids()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                start_new_session=True,  # not in the test's group: a ^C goes to pytest only
                user=uid,
                group=gid,
                extra_groups=groups,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if self._accepts_connections():
                return True
            time.sleep(0.05)
        self.kill()
        return False

    def _accepts_connections(self) -> bool:
        import psycopg

        try:
            psycopg.connect(self.dsn(), connect_timeout=2).close()
        except psycopg.OperationalError:
            return False
        return True

    def dsn(self, schema: str | None = None, **settings: str) -> str:
        """A ``postgresql://`` URI for the superuser; with ``schema``, its ``search_path``;
        ``settings`` are other session settings (``synchronous_commit="off"``)."""
        uri = f"postgresql://{SUPERUSER}:{quote(self.password, safe='')}@127.0.0.1:{self.port}"
        uri += "/postgres"
        if schema is not None:
            settings = {"search_path": schema, **settings}
        if settings:
            options = " ".join(f"-c{name}={value}" for name, value in settings.items())
            uri += "?options=" + quote(options, safe="")
        return uri

    def create_schema(self, hint: str = "t") -> str:
        """A new empty schema (a name made from ``hint`` and a counter); returns its name."""
        import psycopg

        with self._lock:
            number = next(self._schemas)
        name = f"s{number}_{re.sub(r'[^a-z0-9_]', '_', hint.lower())}"[:63]
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        return name

    def kill(self) -> None:
        """Crash the server: SIGKILL to the postmaster and to every process it started,
        and return once all are gone.

        The postmaster's children are not in its process group (each calls ``setsid()``),
        so ``killpg`` reaches none of them: they are found by their parent (Linux's
        ``/proc``) while the postmaster is stopped, so that it starts no other. A backend
        left running keeps the old shared memory attached, and a new postmaster then
        refuses to start ("pre-existing shared memory block is still in use").
        """
        if self.process is None:
            return
        postmaster = self.process.pid
        children: list[tuple[int, str]] = []
        if self.process.poll() is None:
            os.kill(postmaster, signal.SIGSTOP)
            children = _children(postmaster)
            for pid, _ in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            os.kill(postmaster, signal.SIGKILL)
        self.process.wait()
        self.process = None
        wait_for(lambda: not any(_running(pid, started) for pid, started in children), 30)

    def stop(self) -> None:
        """Fast shutdown (SIGKILL after 20 s), then remove the folder. Idempotent."""
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGINT)  # the postmaster's "fast" shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None
        self.remove()

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres(tmpdir: Path) -> tuple[str, Callable[[], None]]:
    """Start a throw-away server under ``tmpdir``: ``(dsn, stop)``.

    Raises :class:`PostgresUnavailable` (with the reason) when it cannot.
    """
    server = PostgresServer(Path(tmpdir))
    try:
        dsn = server.start()
    except BaseException:
        server.stop()
        raise
    return dsn, server.stop


class _Shared:
    """The process's one server (or why there is none), guarded by a lock."""

    lock = threading.Lock()
    server: PostgresServer | None = None
    failure: str | None = None


def shared_server() -> PostgresServer:
    """This process's server, started on first use and stopped when the process exits.

    A failure is remembered, so every later caller gets the same reason at once.
    """
    with _Shared.lock:
        if _Shared.failure is not None:
            raise PostgresUnavailable(_Shared.failure)
        if _Shared.server is None:
            try:
                server = PostgresServer(Path(tempfile.gettempdir()))
            except PostgresUnavailable as exc:
                _Shared.failure = str(exc)
                raise
            try:
                server.start()
            except PostgresUnavailable as exc:
                server.stop()
                _Shared.failure = str(exc)
                raise
            atexit.register(server.stop)
            _Shared.server = server
        return _Shared.server


def stop_shared_server() -> None:
    """Stop this process's server, if it runs (a later :func:`shared_server` starts anew)."""
    with _Shared.lock:
        if _Shared.server is not None:
            _Shared.server.stop()
            _Shared.server = None


def shared_server_or_skip() -> PostgresServer:
    """:func:`shared_server`, or a pytest skip that says why there is none."""
    import pytest

    try:
        return shared_server()
    except PostgresUnavailable as exc:
        pytest.skip(f"no PostgreSQL server for the tests: {exc}")
