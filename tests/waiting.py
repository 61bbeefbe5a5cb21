"""Waiting, in tests that drive real processes, for something to become true."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import IO, Any


def wait_for(what: Callable[[], Any], timeout: float = 60.0, step: float = 0.05) -> Any:
    """``what()`` once it is truthy; AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = what()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(step)


class Output:
    """What a child process writes to one of its pipes, read by a thread as it comes (so
    the pipe never fills), for a test to wait on: ``wait_for(lambda: "x" in out.text())``."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._chunks: list[bytes] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        for line in self._stream:
            with self._lock:
                self._chunks.append(line)

    def text(self) -> str:
        """Everything read so far."""
        with self._lock:
            return b"".join(self._chunks).decode("utf-8", errors="replace")

    def close(self, timeout: float = 30.0) -> str:
        """Everything, once the child has closed the pipe (it has exited)."""
        self._thread.join(timeout)
        self._stream.close()
        return self.text()


def answers(http: Any, url: str, status: int = 200) -> Callable[[], bool]:
    """A condition for :func:`wait_for`: ``GET url`` on the client ``http`` (an
    ``httpx.Client``) answers ``status``."""
    return lambda: bool(http.get(url).status_code == status)
