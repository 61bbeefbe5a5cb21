"""The night's real processes: ``saksi serve`` and ``saksi witness serve`` children.

Each is started with ``python -m saksi`` (the same interpreter), prints its lines on
standard output (read by a thread so the pipe never fills) and writes its log to a
file under the night's folder. :class:`Service` can be killed (SIGKILL) and started
again on the same data folder and port: a crash in the middle of the night.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from saksi.errors import SaksiError

START_TIMEOUT = 120.0


EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST_PORT = 10_000


def _ephemeral_low() -> int:
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768  # Linux's default range starts there


def free_port(rng: random.Random | None = None) -> int:
    """A TCP port free on the loopback interface now, for a child to listen on later.

    Drawn from below the system's ephemeral range: a port that ``bind(0)`` picked and
    released lies in the range every outgoing connection takes its local port from, so
    between the pick and the child's own bind any connection on the machine may take it
    (a witness of the demo, or of the tests, then fails ``witness.cannot-listen``). A
    port below that range is taken only by another explicit bind. ``bind(0)`` is the
    fallback when no such port is free.
    """
    rng = rng or random.SystemRandom()
    low = _ephemeral_low()
    for _ in range(64 if low > LOWEST_PORT else 0):
        port = rng.randrange(LOWEST_PORT, low)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(log: Path, lines: int = 6) -> str:
    """The log's last lines, without the witnessing noise of a service that stops."""
    if not log.exists():
        return ""
    text = log.read_text(encoding="utf-8", errors="replace").splitlines()
    kept = [line for line in text if "saksi.service.witnessing" not in line]
    return "\n".join(kept[-lines:])


def _failed(what: str, why: tuple[str, str], log: Path) -> SaksiError:
    return SaksiError(
        code="sim.process-failed",
        en=f"{what} did not start: {why[0]}",
        id=f"{what} tidak dapat dijalankan: {why[1]}",
        log=str(log),
        stderr=_tail(log),
    )


@dataclass
class Child:
    """One ``python -m saksi ...`` child; its stdout lines go to a queue."""

    name: str
    args: list[str]
    log: Path
    env: Mapping[str, str] | None = None
    proc: subprocess.Popen[str] | None = None
    lines: queue.Queue[str | None] = field(default_factory=queue.Queue)
    seen: list[str] = field(default_factory=list)

    def launch(self) -> None:
        self.lines, self.seen = queue.Queue(), []
        stderr: IO[str] = self.log.open("a", encoding="utf-8")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "saksi", *self.args],
                stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, text=True,
                env=dict(self.env) if self.env is not None else None,
                start_new_session=True,  # Ctrl-C in the terminal reaches the demo only
            )  # fmt: skip
        finally:
            stderr.close()
        pump = threading.Thread(target=_pump, args=(self.proc, self.lines), daemon=True)
        pump.start()

    def wait_line(self, last: str, timeout: float = START_TIMEOUT) -> list[str]:
        """Lines up to and including ``last``; refused if the child exits first."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                self.kill()
                why = (
                    f"no '{last}' within {timeout:.0f} s",
                    f"tidak ada '{last}' dalam {timeout:.0f} detik",
                )
                raise _failed(self.name, why, self.log) from None
            if line is None:
                raise _failed(self.name, ("it exited", "prosesnya berhenti"), self.log)
            self.seen.append(line)
            if line == last:
                return self.seen

    def value(self, prefix: str) -> str:
        for line in self.seen:
            if line.startswith(prefix):
                return line.removeprefix(prefix)
        why = (f"it printed no '{prefix}' line", f"tidak mencetak baris '{prefix}'")
        raise _failed(self.name, why, self.log)

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown at all."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        if self.proc is not None:
            self.proc.wait()

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM, then SIGKILL after ``timeout``; the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.wait()

    def peak_rss(self) -> int:
        """The child's peak resident memory in bytes (0 when unknown)."""
        if self.proc is None:
            return 0
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return 0
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return 0


def _pump(proc: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    """Read one process's stdout to its end into its own queue (so the pipe never
    fills; a restarted process gets a new queue, untouched by the old one's end)."""
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.put(line.rstrip("\n"))
    lines.put(None)
    proc.stdout.close()


def child_env(settings: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without its ``SAKSI_*`` settings, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAKSI_")}
    return env | dict(settings)


@dataclass
class Service:
    """``saksi serve`` on a data folder and a fixed port (kept across a restart)."""

    child: Child
    port: int
    vkey: str = ""
    starts: int = 0

    @classmethod
    def make(
        cls,
        data: Path,
        args: Sequence[str],
        settings: Mapping[str, str],
        log: Path,
        port: int = 0,
    ) -> Service:
        port = port or free_port()
        argv = ["serve", "--data", str(data), "--host", "127.0.0.1", "--port", str(port), *args]
        return cls(Child("saksi serve", argv, log, child_env(settings)), port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.child.launch()
        self.child.wait_line("ready")
        self.vkey = self.child.value("log-key: ")
        self.starts += 1


@dataclass
class Witness:
    """A ``saksi witness serve`` child with its own key and state folder."""

    child: Child
    folder: Path
    name: str
    vkey: str
    port: int

    @classmethod
    def create(cls, folder: Path, name: str) -> Witness:
        """``saksi witness new`` into ``folder`` (its last line is the vkey)."""
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / "stderr.log"
        made = subprocess.run(
            [sys.executable, "-m", "saksi", "witness", "new", "--name", name,
             "--out", str(folder / "signing.key")],
            capture_output=True, text=True, check=False, timeout=START_TIMEOUT,
            env=child_env({}),
        )  # fmt: skip
        if made.returncode != 0 or not made.stdout.strip():
            log.write_text(made.stderr, encoding="utf-8")
            why = (f"exit status {made.returncode}", f"status keluar {made.returncode}")
            raise _failed(f"saksi witness new ({name})", why, log)
        vkey = made.stdout.strip().splitlines()[-1]
        return cls(Child(f"saksi witness {name}", [], log), folder, name, vkey, free_port())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self, origin: str, log_vkey: str) -> None:
        self.child.args = [
            "witness", "serve", "--state", str(self.folder / "state"),
            "--key", str(self.folder / "signing.key"), "--log", f"{origin}={log_vkey}",
            "--host", "127.0.0.1", "--port", str(self.port), "--quiet",
        ]  # fmt: skip
        self.child.env = child_env({})
        self.child.launch()

    def ready(self) -> None:
        self.child.wait_line("ready")


__all__ = ["Child", "Service", "Witness", "child_env", "free_port"]
