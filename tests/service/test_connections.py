"""``saksi serve`` against hostile connections, as a real process over real sockets.

Slow headers and short bodies are closed once their bound has passed, connections
over the caps (per address, in total) are refused with a coded answer while honest
clients from other addresses are still served, the descriptors the log needs are
never exhausted, and a port in use is refused before anything is printed.

Clients take other loopback addresses (127.0.0.2, ...) to stand for other machines.
"""

from __future__ import annotations

import json
import re
import resource
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import httpx
import pytest

from saksi.errors import ConfigError
from saksi.ledger.config import ServiceConfig
from saksi.server_limits import FAREWELLS, RESERVED_DESCRIPTORS
from saksi.service.connections import connection_limits
from saksi.tlog.checkpoint import open_checkpoint
from saksi.tlog.note import NoteVerifier
from tests.ledger.factory import ServiceElection
from tests.service.conftest import JSON, ServeProcess, election_server
from tests.sockets import GENEROUS, Dialer, read_to_close, trickling
from tests.waiting import wait_for

# --- raw connections ------------------------------------------------------------------


@pytest.fixture
def dial() -> Iterator[Dialer]:
    with Dialer() as dialer:
        yield dialer


def answer(data: bytes) -> tuple[int, dict[str, str], dict[str, Any]]:
    """The status, headers and JSON body of one HTTP answer."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def metric(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} not in /metrics"
    return float(match.group(1))


def clean(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    assert "Too many open files" not in stderr, stderr
    assert "Exception in ASGI" not in stderr, stderr


# --- time bounds --------------------------------------------------------------------


def test_slow_headers_and_short_bodies_are_closed_once_their_time_is_up(
    serve_process: Callable[..., ServeProcess], dial: Dialer
) -> None:
    server = serve_process(
        keys=False, env={"SAKSI_HEADER_TIMEOUT": "1", "SAKSI_REQUEST_TIMEOUT": "2"}
    )
    opened = time.monotonic()
    idle = dial(server)  # sends nothing at all
    partial = dial(server)
    partial.sendall(b"POST /v1/statements HTTP/1.1\r\nHost: saksi\r\n")
    half_line = dial(server)
    half_line.sendall(b"POST /v1/stat")
    slow = dial(server)
    short_post = dial(server)
    short_post.sendall(
        b"POST /v1/statements HTTP/1.1\r\nHost: saksi\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{"
    )
    short_get = dial(server)  # answered at once, then its body trickles on
    get = b"GET /health HTTP/1.1\r\nHost: saksi\r\nContent-Length: 1000000\r\n\r\nx"
    with (
        trickling(slow, b"GET /health HTTP/1.1\r\n", b"X-Slow: 1\r\n"),
        trickling(short_get, get, b"x"),
    ):
        assert read_to_close(idle) == b""
        idle_closed = time.monotonic()
        for sock in (partial, half_line, slow):
            status, headers, body = answer(read_to_close(sock))
            assert status == 408 and headers["connection"] == "close"
            assert body["error"]["code"] == "http.request-timeout"
            assert body["error"]["details"] == {"seconds": 1, "part": "headers"}
            assert "tidak tiba dalam 1 detik" in body["error"]["message"]["id"]
        status, _, body = answer(read_to_close(short_post))
        assert status == 408 and body["error"]["details"] == {"seconds": 2, "part": "body"}
        first = read_to_close(short_get)
        assert first.startswith(b"HTTP/1.1 200 OK")
        body_closed = time.monotonic()
    # not before their bounds (asyncio runs a timer up to its clock's resolution early)
    early = 0.01
    assert idle_closed - opened >= 1 - early and body_closed - opened >= 2 - early
    with server.client() as http:
        health = http.get("/health").json()["connections"]
        assert health["timed_out"] == {"idle": 1, "headers": 3, "body": 2}
        assert health["header_timeout"] == 1 and health["body_timeout"] == 2
        text = http.get("/metrics").text
    assert metric(text, 'saksi_connections_timed_out_total{phase="headers"}') == 3
    assert metric(text, 'saksi_connections_timed_out_total{phase="body"}') == 2
    assert server.stop() == 0
    clean(server.stderr())


# --- caps -------------------------------------------------------------------------------


def _refusal(sock: socket.socket) -> tuple[int, dict[str, str], dict[str, Any]]:
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: saksi\r\n\r\n")
    return answer(read_to_close(sock))


def test_connections_over_a_cap_are_refused_while_other_clients_are_served(
    serve_process: Callable[..., ServeProcess], dial: Dialer
) -> None:
    settings = {"SAKSI_MAX_CONNECTIONS": "8", "SAKSI_MAX_CONNECTIONS_PER_ADDRESS": "3"}
    server = serve_process(keys=False, env={**settings, "SAKSI_HEADER_TIMEOUT": "120"})
    slow = [dial(server, "127.0.0.2") for _ in range(3)]
    for sock in slow:
        sock.sendall(b"GET /health HTTP/1.1\r\n")  # and nothing more
    status, headers, body = _refusal(dial(server, "127.0.0.2"))  # one too many from .2
    assert (status, headers["retry-after"], body["error"]["code"]) == (
        429,
        "1",
        "http.too-many-connections",
    )
    assert body["error"]["details"] == {"limit": "address", "retry_after": 1}
    assert "dari alamat klien ini" in body["error"]["message"]["id"]
    with server.client() as http:  # another address is served meanwhile
        assert http.get("/health").status_code == 200
    slow += [dial(server, address) for address in ("127.0.0.3",) * 3 + ("127.0.0.4",) * 2]
    status, _, body = _refusal(dial(server, "127.0.0.5"))  # the ninth connection
    assert status == 503 and body["error"]["details"] == {"limit": "total", "retry_after": 1}
    for sock in slow:
        sock.close()

    def served() -> dict[str, Any] | None:
        try:
            with httpx.Client(base_url=server.url, timeout=GENEROUS) as http:
                return http.get("/health").json() if http.get("/health").is_success else None
        except httpx.TransportError:
            return None

    connections = wait_for(served, GENEROUS)["connections"]
    assert connections["refused"] == {"address": 1, "total": 1}
    assert connections["max"] == 8 and connections["max_per_address"] == 3
    with server.client() as http:
        text = http.get("/metrics").text
    assert metric(text, 'saksi_connections_refused_total{limit="address"}') == 1
    assert metric(text, "saksi_connections_max") == 8
    assert server.stop() == 0
    clean(server.stderr())


# --- descriptors --------------------------------------------------------------------


def test_acknowledged_statements_reach_a_checkpoint_while_connections_flood_the_server(
    tmp_path: Path, dial: Dialer
) -> None:
    """1,200 slow connections from ten addresses against a server allowed 1,024 open
    files (started with a soft limit of 512, which it raises to the hard one): the
    connection cap keeps descriptors for the log, so every statement acknowledged
    during the flood is in a checkpoint before the flood ends."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 2000:
        pytest.skip(f"this test opens 1,200 sockets; the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2000), hard))
    election = ServiceElection()
    server = election_server(tmp_path, election, {"SAKSI_HEADER_TIMEOUT": "120"})
    server.descriptor_limit = (512, 1024)
    server.start()
    try:
        server.log_batch(election.key_entries())
        with httpx.Client(
            base_url=server.url,
            timeout=GENEROUS,
            transport=httpx.HTTPTransport(local_address="127.0.0.20"),
        ) as honest:
            assert honest.get("/health").status_code == 200  # its connection is open
            flood = [dial(server, f"127.0.0.{2 + n % 10}") for n in range(1200)]
            for sock in flood:
                with suppress(OSError):  # refused or dropped already
                    sock.sendall(b"POST /v1/statements HTTP/1.1\r\n")
            receipts = []
            for tps in election.tps:
                answer_ = honest.post("/v1/statements", content=election.c_hasil(tps), headers=JSON)
                assert answer_.status_code in (200, 201), answer_.text
                receipts.append(answer_.json())
            needed = max(r["index"] for r in receipts) + 1
            verifier = NoteVerifier.from_vkey(server.vkey)

            def covered() -> bool:
                note = honest.get("/log/checkpoint")
                return (
                    note.is_success
                    and open_checkpoint(note.content, verifier).checkpoint.size >= needed
                )

            wait_for(covered, GENEROUS)  # while the flood still holds its connections
            connections = honest.get("/health").json()["connections"]
        assert connections["max"] == 1024 - RESERVED_DESCRIPTORS - FAREWELLS
        assert connections["open"] <= connections["max"]
        assert connections["refused"]["total"] >= 1200 - connections["max"]
        assert connections["descriptors"] < connections["descriptor_limit"] == 1024
    finally:
        server.stop()
    clean(server.stderr())


def test_the_connection_cap_fits_the_descriptor_limit(tmp_path: Path) -> None:
    config = ServiceConfig(data=tmp_path, max_connections=4096)
    spare = RESERVED_DESCRIPTORS + FAREWELLS
    assert connection_limits(config, 100_000).max_connections == 4096
    assert connection_limits(config, 1024).max_connections == 1024 - spare
    assert connection_limits(config, spare + 1).max_connections == 1
    with pytest.raises(ConfigError) as refused:
        connection_limits(config, spare)
    assert refused.value.code == "config.descriptor-limit"
    assert refused.value.details == {"limit": spare, "needed": spare + 1}
    assert "ulimit -n" in refused.value.message_id
