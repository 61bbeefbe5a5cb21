"""How many connections ``saksi serve`` holds, for how long, and the descriptors they use.

A client that opens connections and never finishes its request (slowloris: a header
line every 30 s) holds a file descriptor each; enough of them and the process cannot
open the files the log needs (``Too many open files`` on a checkpoint) while
statements are still acknowledged. Four bounds meet it (docs/service.md):

- ``header_timeout``: a request's headers must have arrived within it, counted from
  the connection's opening or the request's first byte;
- ``request_timeout``: its body must have arrived within it, counted from the end of
  the headers (a body the handler never reads included);
- ``max_connections`` in total and ``max_connections_per_address`` (0: no such cap)
  per client address: a connection over a cap gets a coded refusal and is closed;
- the descriptors: at start the soft ``RLIMIT_NOFILE`` is raised to the hard limit,
  and the connection cap is kept :data:`RESERVED_DESCRIPTORS` (plus the refusals in
  flight, :data:`FAREWELLS`) below it, so that the store, the tiles, the checkpoint
  and the worker pipes always find a descriptor.

:class:`ConnectionGuard` keeps the counts (the event loop's thread changes them; any
thread reads them for /health and /metrics). The protocol that applies them to each
connection is :mod:`saksi.service.http_protocol`.
"""

from __future__ import annotations

import logging
import os
import resource
import threading
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from saksi.errors import ConfigError
from saksi.service.metrics import family

if TYPE_CHECKING:
    from saksi.service.config import ServiceConfig

__all__ = [
    "FAREWELLS",
    "RESERVED_DESCRIPTORS",
    "ConnectionGuard",
    "ConnectionLimits",
    "Verdict",
    "connection_limits",
    "descriptor_limit",
    "open_descriptors",
    "raise_descriptor_limit",
]

log = logging.getLogger("saksi.service")

RESERVED_DESCRIPTORS: Final = 512
"""Descriptors kept for everything but client connections. Measured: an idle service
holds 23 (store, log, pipes to the parse workers and the publisher, the event loop);
each thread reading the SQLite store opens three more (the file, its WAL, its shared
memory), and up to 104 threads may read (64 for the ledger, 40 for the framework)."""
FAREWELLS: Final = 64
"""Refused or timed-out connections being answered at once (each for at most
:data:`saksi.service.http_protocol.LINGER_SECONDS`); past this, one is closed unanswered."""

Verdict = Literal["serve", "address", "total", "drop"]
"""What becomes of a new connection: served; refused for its address's cap or the
total cap (with an answer); or closed at once, unanswered (no room even for that)."""


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """The bounds applied to every connection (see the module docstring)."""

    header_timeout: float
    body_timeout: float
    max_connections: int
    max_per_address: int  # 0: no cap per address


def descriptor_limit() -> int:
    """The process's soft limit on open descriptors."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


def raise_descriptor_limit() -> int:
    """Raise the soft descriptor limit to the hard one (no privilege needed); the soft
    limit in force afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):  # above the kernel's nr_open: keep what we have
            log.warning("could not raise the descriptor limit from %d to %d", soft, wanted)
    return descriptor_limit()


def open_descriptors() -> int | None:
    """How many descriptors the process holds (None where /proc does not say)."""
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return None


def connection_limits(config: ServiceConfig, descriptors: int) -> ConnectionLimits:
    """The limits of ``config``, the total cap lowered (with a warning) to fit within
    ``descriptors`` with :data:`RESERVED_DESCRIPTORS` and :data:`FAREWELLS` to spare.

    ConfigError ``config.descriptor-limit`` when not even one connection fits."""
    room = descriptors - RESERVED_DESCRIPTORS - FAREWELLS
    if room < 1:
        needed = RESERVED_DESCRIPTORS + FAREWELLS + 1
        raise ConfigError(
            f"the limit on open files ({descriptors}) leaves no descriptor for connections: "
            f"at least {needed} are needed; raise it (ulimit -n, or LimitNOFILE= for systemd)",
            f"batas berkas terbuka ({descriptors}) tidak menyisakan deskriptor untuk "
            f"sambungan: setidaknya {needed} diperlukan; naikkan (ulimit -n, atau "
            "LimitNOFILE= untuk systemd)",
            code="config.descriptor-limit",
            details={"limit": descriptors, "needed": needed},
        )
    cap = config.max_connections
    if cap > room:
        log.warning(
            "max_connections lowered from %d to %d: the limit on open files is %d "
            "(raise it with ulimit -n or LimitNOFILE=)",
            cap,
            room,
            descriptors,
        )
        cap = room
    return ConnectionLimits(
        header_timeout=config.header_timeout,
        body_timeout=config.request_timeout,
        max_connections=cap,
        max_per_address=config.max_connections_per_address,
    )


class ConnectionGuard:
    """The connections held (served, and being refused), per address and in total."""

    def __init__(self, limits: ConnectionLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._per_address: Counter[str] = Counter()
        self._serving = 0
        self._farewells = 0
        self._accepted = 0
        self._refused: Counter[str] = Counter()
        self._timed_out: Counter[str] = Counter()

    def admit(self, address: str) -> Verdict:
        """A new connection from ``address``: served (counted until :meth:`release`),
        refused with an answer (counted until :meth:`farewell_done`), or dropped."""
        limits = self.limits
        with self._lock:
            self._accepted += 1
            if self._serving >= limits.max_connections:
                self._refused["total"] += 1
                return self._farewell_or_drop("total")
            if limits.max_per_address and self._per_address[address] >= limits.max_per_address:
                self._refused["address"] += 1
                return self._farewell_or_drop("address")
            self._serving += 1
            self._per_address[address] += 1
            return "serve"

    def _farewell_or_drop(self, verdict: Verdict) -> Verdict:
        if self._farewells >= FAREWELLS:
            return "drop"
        self._farewells += 1
        return verdict

    def release(self, address: str) -> None:
        """A served connection closed."""
        with self._lock:
            self._serving -= 1
            self._per_address[address] -= 1
            if self._per_address[address] <= 0:
                del self._per_address[address]

    def timed_out(self, address: str, phase: str, *, answer: bool) -> bool:
        """A served connection ran out of time (``idle``, ``headers`` or ``body``): it is
        released; with ``answer``, True if a farewell was free to answer it (else it is
        closed unanswered)."""
        self.release(address)
        with self._lock:
            self._timed_out[phase] += 1
            if not answer or self._farewells >= FAREWELLS:
                return False
            self._farewells += 1
            return True

    def farewell_done(self) -> None:
        with self._lock:
            self._farewells -= 1

    def health(self) -> dict[str, Any]:
        """What /health shows under ``connections``."""
        limits = self.limits
        with self._lock:
            return {
                "open": self._serving,
                "closing": self._farewells,
                "max": limits.max_connections,
                "max_per_address": limits.max_per_address,
                "addresses": len(self._per_address),
                "accepted": self._accepted,
                "refused": dict(sorted(self._refused.items())),
                "timed_out": dict(sorted(self._timed_out.items())),
                "header_timeout": limits.header_timeout,
                "body_timeout": limits.body_timeout,
                "descriptors": open_descriptors(),
                "descriptor_limit": descriptor_limit(),
            }

    def metrics(self) -> list[str]:
        """The connection families of /metrics (docs/api.md)."""
        health = self.health()
        lines = family(
            "saksi_connections_open",
            "gauge",
            "Client connections being served.",
            [({}, health["open"])],
        )
        lines += family(
            "saksi_connections_max",
            "gauge",
            "The cap on connections served at once (max_connections, as fitted to the "
            "descriptor limit).",
            [({}, health["max"])],
        )
        lines += family(
            "saksi_connections_accepted_total",
            "counter",
            "Client connections accepted.",
            [({}, health["accepted"])],
        )
        lines += family(
            "saksi_connections_refused_total",
            "counter",
            "Connections refused over a cap, by cap (address or total).",
            [({"limit": k}, v) for k, v in health["refused"].items()],
        )
        lines += family(
            "saksi_connections_timed_out_total",
            "counter",
            "Connections closed for being slow, by phase (idle, headers, body).",
            [({"phase": k}, v) for k, v in health["timed_out"].items()],
        )
        held: list[tuple[dict[str, str], float]] = []
        if health["descriptors"] is not None:
            held.append(({}, health["descriptors"]))
        lines += family(
            "saksi_open_descriptors", "gauge", "File descriptors the process holds.", held
        )
        lines += family(
            "saksi_descriptor_limit",
            "gauge",
            "The process's limit on open file descriptors (soft RLIMIT_NOFILE).",
            [({}, health["descriptor_limit"])],
        )
        return lines
