"""The devices' HTTP client: a retry resends the same bytes, and gives up in time."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from saksi.errors import SaksiError
from saksi.sim import devices
from saksi.sim.devices import Device, Stats
from saksi.sim.processes import free_port

ENTRY = b'{"key":"k","sig":"s","stmt":{},"v":1}'


class Service(BaseHTTPRequestHandler):
    """Answers 503 to the first ``busy`` requests, then a 201 receipt."""

    bodies: list[bytes]
    busy: int

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        type(self).bodies.append(body)
        if len(type(self).bodies) <= type(self).busy:
            self.send_response(503)
            self.send_header("retry-after", "0")
            self.send_header("content-length", "0")
            self.end_headers()
            return
        answer = json.dumps({"index": 7, "leaf_hash": "ab", "status": "accepted"}).encode()
        self.send_response(201)
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


def serve(port: int, busy: int) -> tuple[ThreadingHTTPServer, type[Service]]:
    handler = type("Handler", (Service,), {"bodies": [], "busy": busy})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler


def stop(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


@pytest.fixture
def port() -> Iterator[int]:
    yield free_port()


def test_a_503_is_retried_with_the_same_bytes(port: int) -> None:
    server, handler = serve(port, busy=2)
    device = Device("127.0.0.1", port, Stats())
    try:
        answer = device.submit(ENTRY)
    finally:
        device.close()
        stop(server)
    assert answer.status == 201 and answer.index == 7 and answer.tries == 3
    assert handler.bodies == [ENTRY, ENTRY, ENTRY]


def test_a_service_that_is_down_for_a_while_is_waited_for(
    port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connection refused (the service killed), then it is back on the same port."""
    started: list[ThreadingHTTPServer] = []
    stats = Stats()
    device = Device("127.0.0.1", port, stats)
    once = device._once

    def refused_then_back(*args: Any) -> tuple[int, bytes]:
        try:
            return once(*args)
        except ConnectionRefusedError:
            if not started:  # the service comes back once the device has been refused
                started.append(serve(port, busy=0)[0])
            raise

    monkeypatch.setattr(device, "_once", refused_then_back)
    try:
        answer = device.submit(ENTRY, "c-hasil")
    finally:
        device.close()
        for server in started:
            stop(server)
    assert answer.status == 201 and answer.tries > 1
    assert stats.retries["c-hasil"] == 1 and stats.requests["c-hasil"] == 1


def test_a_device_gives_up_with_a_coded_refusal(port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(devices, "GIVE_UP_AFTER", 0.3)
    began = time.monotonic()
    device = Device("127.0.0.1", port, Stats())
    with pytest.raises(SaksiError) as caught:
        device.submit(ENTRY)
    device.close()
    assert caught.value.code == "sim.unreachable"
    assert "tidak menerima" in caught.value.message_id
    assert time.monotonic() - began < 120  # it gave up (a generous bound, not a speed)


def test_a_free_port_for_a_child_lies_below_the_ephemeral_range(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from saksi.sim import processes

    low = processes._ephemeral_low()
    ports = {free_port() for _ in range(20)}
    assert all(processes.LOWEST_PORT <= p < low for p in ports)  # no connection's own port
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # free when picked
    squeezed = tmp_path / "range"
    squeezed.write_text(f"{processes.LOWEST_PORT}\t60999\n")
    monkeypatch.setattr(processes, "EPHEMERAL_RANGE", squeezed)
    assert free_port() >= processes.LOWEST_PORT  # no room below: the system's pick
