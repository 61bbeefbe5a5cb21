"""A cheap HTTP/1.1 load generator for the service benchmark (bench/service.py).

The server and its load share two cores, so the client must cost as little as it
can: no HTTP library, no parsing beyond what is needed. Requests are built as bytes
before the clock starts (:func:`build_request`); each of ``concurrency`` workers
keeps one keep-alive connection (``asyncio.open_connection``, on uvloop when it is
installed), writes a request, reads the status line and headers up to the blank
line and then exactly ``Content-Length`` bytes (or the chunks of a chunked answer),
and records when it wrote and when it had the whole answer::

    requests = [build_request("POST", "/v1/statements", host, body) for body in bodies]
    run = run_load("127.0.0.1", port, requests, concurrency=32)
    run.rate, run.latency(0.99), run.answers[0].status, run.answers[0].body

:class:`CheckpointWatcher` polls ``GET /log/checkpoint`` on its own connection while
a load runs and remembers when each new size was first seen: receipt-to-checkpoint
times are measured from it (:meth:`CheckpointWatcher.covered_at`).

:class:`Server` starts ``python -m saksi serve`` as a child process on a free
loopback port and waits for its "ready" line; :class:`FsyncProbe` times one small
``fsync`` every 50 ms beside a load, so that a run slowed by a busy disk (a shared
virtual machine) says so.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

__all__ = [
    "Answer",
    "CheckpointWatcher",
    "Connection",
    "FsyncProbe",
    "HttpError",
    "LoadRun",
    "Server",
    "build_request",
    "checkpoint_size",
    "children_cpu",
    "quantile",
    "run_async",
    "run_load",
]

T = TypeVar("T")
CLOCK = time.perf_counter


class HttpError(Exception):
    """The server's answer could not be read (closed connection, bad framing)."""


def build_request(
    method: str,
    path: str,
    host: str,
    body: bytes = b"",
    content_type: str | None = None,
) -> bytes:
    """One HTTP/1.1 request, keep-alive, as the bytes to write."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    head = "\r\n".join(lines).encode("ascii") + b"\r\n\r\n"
    return head + body


class Connection:
    """One keep-alive connection; :meth:`send` writes a request and reads its answer."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port, limit=2**24)
        return cls(reader, writer)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """Write ``request``; the answer's status and body."""
        self.writer.write(request)
        return await read_answer(self.reader)

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status and body of one HTTP/1.1 answer (Content-Length or chunked)."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
        raise HttpError(f"no answer: {exc!r}") from None
    status_line, _, header_block = head.partition(b"\r\n")
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise HttpError(f"not an HTTP/1.1 status line: {status_line[:80]!r}")
    length: int | None = None
    chunked = False
    for line in header_block.split(b"\r\n"):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        body = await _read_chunks(reader)
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        raise HttpError("an answer without Content-Length or chunks")
    return int(parts[1]), body


async def _read_chunks(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)


@dataclass(frozen=True, slots=True)
class Answer:
    """One request's outcome: status, body, when it was written and answered."""

    status: int
    body: bytes
    sent: float
    done: float

    @property
    def seconds(self) -> float:
        return self.done - self.sent


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank on the sorted values."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(q * len(ordered) + 0.999999)))
    return ordered[rank - 1]


@dataclass
class LoadRun:
    """Every answer of a load, in the order of the requests."""

    answers: list[Answer]
    started: float
    finished: float

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @property
    def rate(self) -> float:
        """Requests answered per second, first write to last answer."""
        return len(self.answers) / self.seconds if self.seconds > 0 else float("inf")

    def latency(self, q: float) -> float:
        return quantile([a.seconds for a in self.answers], q)

    def statuses(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for answer in self.answers:
            counts[answer.status] = counts.get(answer.status, 0) + 1
        return dict(sorted(counts.items()))


async def load(
    host: str, port: int, requests: Sequence[bytes], *, concurrency: int = 32
) -> LoadRun:
    """Send ``requests`` over ``concurrency`` keep-alive connections, each worker taking
    the next unsent request as soon as its previous one is answered."""
    connections = await asyncio.gather(
        *(Connection.open(host, port) for _ in range(min(concurrency, len(requests)) or 1))
    )
    answers: list[Answer | None] = [None] * len(requests)
    cursor = iter(range(len(requests)))

    async def worker(conn: Connection) -> None:
        for position in cursor:
            sent = CLOCK()
            status, body = await conn.send(requests[position])
            answers[position] = Answer(status, body, sent, CLOCK())

    started = CLOCK()
    try:
        await asyncio.gather(*(worker(conn) for conn in connections))
    finally:
        finished = CLOCK()
        await asyncio.gather(*(conn.close() for conn in connections))
    done = [a for a in answers if a is not None]
    if len(done) != len(requests):
        raise HttpError(f"{len(requests) - len(done)} requests were not answered")
    return LoadRun(done, started, finished)


def checkpoint_size(note: bytes) -> int:
    """The tree size in a C2SP checkpoint note (its second line)."""
    lines = note.split(b"\n", 2)
    if len(lines) < 3 or not lines[1].isdigit():
        raise HttpError(f"not a checkpoint: {note[:80]!r}")
    return int(lines[1])


@dataclass
class CheckpointWatcher:
    """Polls ``/log/checkpoint`` every ``interval`` seconds; records each new size."""

    host: str
    port: int
    interval: float = 0.01
    seen: list[tuple[float, int]] = field(default_factory=list)  # (first seen, size)
    polls: int = 0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        request = build_request("GET", "/log/checkpoint", self.host)
        conn = await Connection.open(self.host, self.port)
        try:
            while not self._stop.is_set():
                status, body = await conn.send(request)
                now = CLOCK()
                self.polls += 1
                if status == 200:
                    size = checkpoint_size(body)
                    if not self.seen or size > self.seen[-1][1]:
                        self.seen.append((now, size))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.interval)
        finally:
            await conn.close()

    def stop(self) -> None:
        self._stop.set()

    def covered_at(self, index: int) -> float | None:
        """When a checkpoint covering entry ``index`` (size > index) was first seen."""
        sizes = [size for _, size in self.seen]
        at = bisect.bisect_right(sizes, index)
        return self.seen[at][0] if at < len(self.seen) else None


async def watched(
    watcher: CheckpointWatcher, work: Awaitable[T], settle: Callable[[], bool], timeout: float
) -> T:
    """Run ``work`` while ``watcher`` polls; then keep polling until ``settle()`` is
    true (or ``timeout`` seconds pass) so the last receipts are seen covered."""
    polling = asyncio.ensure_future(watcher.run())
    try:
        result = await work
        deadline = CLOCK() + timeout
        while not settle() and CLOCK() < deadline:
            await asyncio.sleep(watcher.interval)
        return result
    finally:
        watcher.stop()
        await polling


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` on a fresh event loop (uvloop's when installed)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)


def run_load(host: str, port: int, requests: Sequence[bytes], *, concurrency: int = 32) -> LoadRun:
    """:func:`load` on a fresh event loop."""
    return run_async(load(host, port, requests, concurrency=concurrency))


# --- the server under load -------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    """``python -m saksi serve ARGS`` in a child process (``--port 0``: a free port).

    ``env`` is added to this process's environment without its ``SAKSI_*`` variables;
    standard error (the access log) goes to ``log_file``."""

    args: list[str]
    env: Mapping[str, str]
    log_file: Path
    host: str = "127.0.0.1"
    port: int = 0
    proc: subprocess.Popen[str] | None = None
    lines: list[str] = field(default_factory=list)

    def start(self, timeout: float = 120.0) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SAKSI_")}
        with self.log_file.open("a", encoding="utf-8") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "saksi", "serve", *self.args, "--host", self.host],
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                env=env | dict(self.env),
                cwd=ROOT,
            )
        if not self._ready(time.monotonic() + timeout):
            self.stop()
            tail = self.log_file.read_text(encoding="utf-8")[-2000:]
            raise RuntimeError(f"saksi serve did not start: {self.lines}\n{tail}")

    def _ready(self, deadline: float) -> bool:
        """Read its standard output (in a thread: a pipe read cannot time out) until
        "ready"; False if it exits or ``deadline`` passes first."""
        assert self.proc is not None and self.proc.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(self.proc.stdout, lines), daemon=True).start()
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = lines.get(timeout=left)
            except queue.Empty:
                return False
            if line is None:
                return False  # it exited
            self.lines.append(line)
            if line.startswith("serving on http://"):
                self.port = int(line.rsplit(":", 1)[1])
            elif line == "ready":
                return self.port > 0
        return False

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM (a clean stop), SIGKILL if it takes longer than ``timeout``."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _pump(stream: TextIO, lines: queue.Queue[str | None]) -> None:
    """Every line of ``stream`` into ``lines``, then None (the pipe never fills)."""
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) process ``pid`` has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # not Linux: no figure
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu(pid: int) -> float:
    """CPU seconds the living child processes of ``pid`` (a server's parse workers) have
    used so far (0.0 where ``/proc`` is not there)."""
    total = 0.0
    try:
        names = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return 0.0
    for name in names:
        try:
            fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


class FsyncProbe:
    """A thread that writes 4 KiB and ``fsync`` s it every ``interval`` seconds."""

    def __init__(self, directory: Path, interval: float = 0.05) -> None:
        self.path = directory / "fsync-probe"
        self.interval = interval
        self.seconds: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fsync-probe", daemon=True)

    def __enter__(self) -> FsyncProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.path.unlink(missing_ok=True)

    def _run(self) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            block = b"\0" * 4096
            while not self._stop.wait(self.interval):
                os.pwrite(fd, block, 0)
                started = CLOCK()
                os.fsync(fd)
                self.seconds.append(CLOCK() - started)
        finally:
            os.close(fd)
