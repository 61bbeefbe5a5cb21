"""Fixtures for the service: the app in-process, and ``saksi serve`` as a real process.

In-process (unit level): :class:`AppClient` is a synchronous httpx client whose
transport calls the ASGI app directly (an anyio portal runs its event loop in a
thread), over a real :class:`~saksi.ledger.ledger.Ledger` on real SQLite::

    def test_x(make_client):
        client = make_client()                   # ServiceElection, key tree logged
        client.post("/v1/statements", content=client.election.c_hasil(tps), ...)

Real process: :class:`ServeProcess` runs ``python -m saksi serve`` on a free loopback
port (``--port 0``; the address is read from its "serving on" line), waits for
"ready" and /health, and stops it at the end (SIGTERM, then SIGKILL). Crash and load
tests use :meth:`ServeProcess.kill` and :meth:`ServeProcess.start` again on the same
data directory::

    def test_y(serve_process):
        server = serve_process()                 # started, key tree logged over HTTP
        with server.client() as http:
            http.get("/health")
"""

from __future__ import annotations

import os
import queue
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.from_thread
import httpx
import pytest
from fastapi import FastAPI

from saksi.ledger.config import ServiceConfig
from saksi.ledger.ledger import Ledger
from saksi.service.app import create_app
from tests.ledger.factory import ServiceElection

ROOT = Path(__file__).resolve().parents[2]
JSON = {"content-type": "application/json"}
NDJSON = {"content-type": "application/x-ndjson"}
NO_LIMITS = {"rate_per_key": "0,0", "rate_per_address": "0,0"}
"""Settings that switch both rate limits off (load tests)."""


class _AsyncChunks(httpx.AsyncByteStream):
    """A streamed (chunked) request body, handed to the app chunk by chunk."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


class AppClient(httpx.Client):
    """A synchronous client for an ASGI app, in this process (no sockets)."""

    def __init__(self, app: FastAPI, **kwargs: Any) -> None:
        self._portal_cm: AbstractContextManager[anyio.from_thread.BlockingPortal] = (
            anyio.from_thread.start_blocking_portal()
        )
        self._portal = self._portal_cm.__enter__()
        self._async = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://saksi.test"
        )
        super().__init__(base_url="http://saksi.test", **kwargs)
        self.app = app

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        if not isinstance(request.stream, httpx.AsyncByteStream):
            request.stream = _AsyncChunks(request.stream)

        async def go() -> httpx.Response:
            response = await self._async.send(request)
            await response.aread()
            return response

        return self._portal.call(go)

    def close(self) -> None:
        self._portal.call(self._async.aclose)
        self._portal_cm.__exit__(None, None, None)
        super().close()


@dataclass
class Harness:
    """An in-process service: election, ledger, app, client."""

    election: ServiceElection
    ledger: Ledger
    client: AppClient

    @property
    def config(self) -> ServiceConfig:
        return self.ledger.config

    def post_entry(self, entry: bytes, **kwargs: Any) -> httpx.Response:
        return self.client.post("/v1/statements", content=entry, headers=JSON, **kwargs)

    def post_batch(self, entries: list[bytes], **kwargs: Any) -> httpx.Response:
        body = b"".join(entry + b"\n" for entry in entries)
        return self.client.post("/v1/statements/batch", content=body, headers=NDJSON, **kwargs)


@pytest.fixture
def make_harness(tmp_path: Path) -> Iterator[Callable[..., Harness]]:
    """Build in-process services: ``make_harness(keys=True, **settings)``; closed at the end."""
    made: list[Harness] = []

    def make(
        *, keys: bool = True, election: ServiceElection | None = None, **settings: Any
    ) -> Harness:
        election = election or ServiceElection()
        settings = {**NO_LIMITS, **settings}
        ledger = election.open(tmp_path / f"s{len(made)}", keys=keys, **settings)
        harness = Harness(election, ledger, AppClient(create_app(ledger, ledger.config)))
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.client.close()
        harness.client.app.state.service.executor.shutdown()  # what the lifespan's end does
        harness.ledger.close()


@pytest.fixture
def harness(make_harness: Callable[..., Harness]) -> Harness:
    """One in-process service with the key tree logged and no rate limits."""
    return make_harness()


# --- the real process ------------------------------------------------------------


@dataclass
class ServeProcess:
    """``saksi serve`` in a child process on a free loopback port."""

    data: Path
    args: list[str]
    env: dict[str, str]
    log_file: Path
    proc: subprocess.Popen[str] | None = None
    url: str = ""
    vkey: str = ""
    lines: list[str] = field(default_factory=list)
    descriptor_limit: tuple[int, int] | None = None  # the child's RLIMIT_NOFILE (soft, hard)
    _pump: threading.Thread | None = None

    def start(self, timeout: float = 60.0) -> None:
        """Start it and wait for "ready" and a 200 from /health."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.url, self.lines = "", []
        with self.log_file.open("a", encoding="utf-8") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "saksi", "serve", *self.args],
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                env=self.env,
                cwd=ROOT,
                # only setrlimit runs between fork and exec (its module is imported already)
                preexec_fn=None if self.descriptor_limit is None else self._limit_descriptors,  # noqa: PLW1509
            )
        lines: queue.Queue[str | None] = queue.Queue()
        self._pump = threading.Thread(target=_pump, args=(self.proc, lines), daemon=True)
        self._pump.start()
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                self.kill()
                raise TimeoutError(f"saksi serve not ready in {timeout} s: {self.lines}") from None
            if line is None:
                self.kill()
                raise RuntimeError(f"saksi serve exited: {self.lines}\n{self.stderr()}")
            self.lines.append(line)
            if line.startswith("log-key: "):
                self.vkey = line.removeprefix("log-key: ")
            elif line.startswith("serving on "):
                self.url = line.removeprefix("serving on ")
            elif line == "ready":
                break
        with self.client() as http:
            assert http.get("/health").status_code == 200

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30.0, **kwargs)

    def _limit_descriptors(self) -> None:
        assert self.descriptor_limit is not None
        resource.setrlimit(resource.RLIMIT_NOFILE, self.descriptor_limit)

    def log_batch(self, entries: Iterable[bytes]) -> None:
        """Submit ``entries`` (a key tree, say) in one batch; every line must be logged."""
        with self.client() as http:
            body = b"".join(e + b"\n" for e in entries)
            answer = http.post("/v1/statements/batch", content=body, headers=NDJSON)
            assert answer.status_code == 200, answer.text
            assert all(item["ok"] for item in answer.json()["results"]), answer.text

    def stop(self, timeout: float = 120.0, signum: int = signal.SIGTERM) -> int:
        """Send ``signum`` (SIGTERM) and wait; the exit status (SIGKILL if it does not
        stop in time)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        status = self.proc.wait()
        self._reap()
        return status

    def kill(self) -> None:
        """SIGKILL: no shutdown at all (crash tests)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._reap()

    def _reap(self) -> None:
        if self._pump is not None:
            self._pump.join(5)
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()

    def stderr(self) -> str:
        return self.log_file.read_text(encoding="utf-8") if self.log_file.exists() else ""


def _pump(proc: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    """Read the child's stdout to the end (so the pipe never fills)."""
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def election_server(
    base: Path,
    election: ServiceElection,
    env: Mapping[str, str] | None = None,
    extra: Iterable[str] = (),
) -> ServeProcess:
    """``saksi serve`` for ``election`` (not started): its manifest and region file
    written to ``base/files``, data in ``base/data``, stderr to ``base/stderr.log``, a
    free loopback port, both rate limits off and an integration every 50 ms unless
    ``env`` (``SAKSI_*`` settings) says otherwise; ``extra`` command-line options."""
    manifest, regions = election.write_files(base / "files")
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("SAKSI_")}
    child_env |= {"SAKSI_RATE_PER_KEY": "0,0", "SAKSI_RATE_PER_ADDRESS": "0,0"}
    child_env |= {"SAKSI_INTEGRATE_INTERVAL": "0.05", **(env or {})}
    args = ["--data", str(base / "data"), "--manifest", str(manifest)]
    args += ["--regions", str(regions), "--host", "127.0.0.1", "--port", "0", *extra]
    return ServeProcess(base / "data", args, child_env, base / "stderr.log")


@pytest.fixture
def serve_process(tmp_path: Path) -> Iterator[Callable[..., ServeProcess]]:
    """Start ``saksi serve`` processes: ``serve_process(keys=True, env=..., extra=[...])``.

    The data directory is ``tmp_path / "serve<N>" / "data"``; settings go in ``env``
    (``SAKSI_*``; both rate limits are off unless set). With ``keys`` the election's
    key tree is submitted over HTTP before the server is returned. Every process
    still running at the end is stopped.
    """
    started: list[ServeProcess] = []

    def start(
        *,
        election: ServiceElection | None = None,
        keys: bool = True,
        env: Mapping[str, str] | None = None,
        extra: list[str] | None = None,
    ) -> ServeProcess:
        election = election or ServiceElection()
        base = tmp_path / f"serve{len(started)}"
        server = election_server(base, election, env or {}, extra or ())
        started.append(server)
        server.start()
        if keys:
            server.log_batch(election.key_entries())
        return server

    yield start
    for server in started:
        if server.proc is not None and server.proc.poll() is None:
            server.stop()
