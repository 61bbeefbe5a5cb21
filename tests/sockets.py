"""Raw TCP clients for tests that play a hostile client against a real server process.

A client that trickles its headers, sends half a body or says nothing at all, from
another loopback address (127.0.0.2, ... stand for other machines), and waits, with
a generous upper bound, for the server to close the connection::

    with Dialer() as dial:
        sock = dial(server, "127.0.0.2")
        with trickling(sock, b"GET / HTTP/1.1\\r\\n", b"X-Slow: 1\\r\\n"):
            answer = read_to_close(sock)
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Protocol

GENEROUS = 60.0
"""Upper bound on anything waited for (the bounds under test are a second or two)."""


class HasUrl(Protocol):
    url: str


class Dialer:
    """``dial(server, source="127.0.0.1")``: a TCP connection to ``server.url`` from the
    loopback address ``source``; every one is closed when the dialer is."""

    def __init__(self) -> None:
        self._made: list[socket.socket] = []

    def __call__(self, server: HasUrl, source: str = "127.0.0.1") -> socket.socket:
        host, port = server.url.removeprefix("http://").rsplit(":", 1)
        sock = socket.socket()
        self._made.append(sock)
        sock.bind((source, 0))
        sock.connect((host, int(port)))
        return sock

    def __enter__(self) -> Dialer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for sock in self._made:
            sock.close()


def read_to_close(sock: socket.socket, timeout: float = GENEROUS) -> bytes:
    """All the server sends until it closes the connection (a FIN or a reset);
    AssertionError if it is still open after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    data = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"still open after {timeout:g} s; received {data[:300]!r}")
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


@contextmanager
def trickling(sock: socket.socket, first: bytes, more: bytes) -> Iterator[None]:
    """Send ``first``, then ``more`` every 0.2 s until the server stops taking it."""
    stop = threading.Event()

    def run() -> None:
        sock.sendall(first)
        while not stop.wait(0.2):
            try:
                sock.sendall(more)
            except OSError:
                return

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)
