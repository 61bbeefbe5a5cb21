"""`saksi witness serve` against hostile connections, as a real process over real sockets.

Slow headers, short bodies and silent connections are closed once their time is up
(408 with a code when part of a request came), connections over the caps are refused
with a code while other clients are still cosigned, the threads stay bounded, and
clients that leave mid-request leave no traceback behind.
"""

from __future__ import annotations

import signal
import socket
import struct
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from saksi.errors import WitnessError
from tests.sockets import GENEROUS, Dialer, read_to_close, trickling
from tests.waiting import wait_for
from tests.witness.logs import ToyLog
from tests.witness.test_server import WitnessProcess

Start = Callable[..., WitnessProcess]


@pytest.fixture
def start_witness(tmp_path: Path) -> Iterator[Start]:
    """``start_witness(*options)``: a witness started with more options; killed at the end."""
    started: list[WitnessProcess] = []

    def start(*options: str) -> WitnessProcess:
        folder = tmp_path / f"w{len(started)}"
        folder.mkdir()
        witness = WitnessProcess(folder, ToyLog.new())
        witness.extra = list(options)
        started.append(witness)
        witness.start()
        return witness

    yield start
    for witness in started:
        if witness.proc is not None:
            witness.stop(signal.SIGKILL)


@pytest.fixture
def dial() -> Iterator[Dialer]:
    with Dialer() as dialer:
        yield dialer


def threads_of(witness: WitnessProcess) -> int:
    assert witness.proc is not None
    status = Path(f"/proc/{witness.proc.pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("Threads:")).split()[1])


def stderr_of(witness: WitnessProcess) -> str:
    return (witness.tmp / "stderr.txt").read_text()


def test_slow_headers_and_short_bodies_are_answered_and_closed(
    start_witness: Start, dial: Dialer
) -> None:
    witness = start_witness("--header-timeout", "1", "--body-timeout", "1")
    opened = time.monotonic()
    idle = dial(witness)
    partial = dial(witness)
    partial.sendall(b"POST /add-checkpoint HTTP/1.1\r\nHost: w\r\n")
    half_line = dial(witness)
    half_line.sendall(b"POST /add-chec")
    slow = dial(witness)
    short = dial(witness)
    short.sendall(b"POST /add-checkpoint HTTP/1.1\r\nContent-Length: 100\r\n\r\nold 0\n")
    with trickling(slow, b"POST /add-checkpoint HTTP/1.1\r\n", b"X-Slow: 1\r\n"):
        assert read_to_close(idle) == b""
        cases = ((partial, "headers"), (half_line, "headers"), (slow, "headers"), (short, "body"))
        for sock, part in cases:
            head, _, body = read_to_close(sock).partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 408 ") and b"Connection: close" in head
            text = body.decode()
            assert f"request {part} did not arrive within 1 s" in text
            assert "tidak tiba dalam 1 detik" in text
            assert text.startswith("witness.request-timeout: ")
    assert time.monotonic() - opened >= 1  # not before the bound
    assert witness.send(0, 5)  # and the witness still cosigns
    assert witness.stop() == 0
    assert stderr_of(witness) == ""


def test_connections_over_a_cap_are_refused_while_others_are_cosigned(
    start_witness: Start, dial: Dialer
) -> None:
    witness = start_witness(
        "--max-connections", "6", "--max-connections-per-address", "3", "--header-timeout", "120"
    )
    slow = [dial(witness, "127.0.0.2") for _ in range(3)]
    for sock in slow:
        sock.sendall(b"POST /add-checkpoint HTTP/1.1\r\n")
    over = dial(witness, "127.0.0.2")
    over.sendall(b"POST /add-checkpoint HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
    head, _, body = read_to_close(over).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 429 ") and b"Retry-After: 1" in head
    assert body.startswith(b"witness.too-many-connections: too many connections from this")
    assert "dari alamat klien ini" in body.decode()
    assert witness.send(0, 3)  # from 127.0.0.1, meanwhile
    slow += [dial(witness, "127.0.0.3") for _ in range(3)]
    for sock in slow[3:]:
        sock.sendall(b"POST /add-checkpoint HTTP/1.1\r\n")
    flood = [dial(witness, f"127.0.0.{4 + n % 10}") for n in range(100)]
    for sock in flood:
        with suppress(OSError):
            sock.sendall(b"POST /add-checkpoint HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
    answers = [read_to_close(sock) for sock in flood]  # each refused, then closed
    head, _, body = answers[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 503 ") and b"to this witness" in body
    assert {a[:13] for a in answers} <= {b"HTTP/1.1 503 ", b""}  # answered, or dropped
    assert threads_of(witness) <= 6 + 2  # the six served, the main thread, one spare
    for sock in slow:
        sock.close()

    def cosigns() -> bool:
        try:
            return bool(witness.send(3, 4))
        except WitnessError:  # 503 until the witness has seen the slow ones go
            return False

    wait_for(cosigns, GENEROUS)
    assert witness.stop() == 0
    assert stderr_of(witness) == ""


def test_clients_that_leave_mid_request_leave_no_traceback(
    start_witness: Start, dial: Dialer
) -> None:
    witness = start_witness()
    request = witness.toy.note(7)
    head = b"POST /add-checkpoint HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % (len(request) + 9)
    reset = struct.pack("ii", 1, 0)  # SO_LINGER on, 0 s: close() sends a reset
    for n in range(60):
        sock = dial(witness)
        if n % 3 == 0:
            sock.sendall(head[:20])  # mid-headers
        elif n % 3 == 1:
            sock.sendall(head + b"old 0\n")  # mid-body
        else:
            sock.sendall(head + b"old 0\n\n" + request)  # whole, then gone before the answer
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, reset)
        sock.close()
    assert witness.send(0, 9)  # still cosigning
    assert witness.stop() == 0
    assert stderr_of(witness) == ""
