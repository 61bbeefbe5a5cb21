"""Bounds on the connections of Saksi's two servers, and the descriptors they use.

``saksi serve`` and ``saksi witness serve`` both meet clients that open connections
and never finish a request (slowloris: a header line every 30 s), or open thousands:
each holds a file descriptor (and, in the witness, a thread), and enough of them
leave none for the files the server must write. Both apply the same bounds
(:class:`ConnectionLimits`): a deadline for the headers, one for the body, and caps on
the connections served at once per client address and in total, counted by a
:class:`ConnectionGuard`. A connection over a cap, or out of time, is answered and
left: the answer, then the connection half-closed and what the client still sends
read and dropped until it closes or :data:`LINGER_SECONDS` pass (closing at once
makes the kernel reset a connection whose request is still arriving, and the client
loses the answer: measured, 12 of 300 answers lost that way, none with the
half-close).

At start each server raises its soft ``RLIMIT_NOFILE`` to the hard limit
(:func:`raise_descriptor_limit`) and keeps the total cap :data:`RESERVED_DESCRIPTORS`
(plus the answers in flight, :data:`FAREWELLS`) below it (:func:`fit_to_descriptors`).
"""

from __future__ import annotations

import logging
import os
import resource
import threading
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Final, Literal

from saksi.errors import SaksiError

__all__ = [
    "FAREWELLS",
    "LINGER_SECONDS",
    "RESERVED_DESCRIPTORS",
    "ConnectionGuard",
    "ConnectionLimits",
    "Verdict",
    "descriptor_limit",
    "fit_to_descriptors",
    "open_descriptors",
    "raise_descriptor_limit",
]

log = logging.getLogger("saksi")

RESERVED_DESCRIPTORS: Final = 512
"""Descriptors kept for everything but client connections. Measured: an idle service
holds 23 (store, log, pipes to the parse workers and the publisher, the event loop);
each thread reading the SQLite store opens three more (the file, its WAL, its shared
memory), and up to 104 threads may read (64 for the ledger, 40 for the framework)."""
FAREWELLS: Final = 64
"""Refused or timed-out connections being answered at once (each for at most
:data:`LINGER_SECONDS`); past this, one is closed unanswered."""
LINGER_SECONDS: Final = 1.0
"""How long a connection being left is read (and its bytes dropped) after its answer."""

Verdict = Literal["serve", "address", "total", "drop"]
"""What becomes of a new connection: served; refused for its address's cap or the
total cap (with an answer); or closed at once, unanswered (no room even for that)."""


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """The bounds applied to every connection (see the module docstring)."""

    header_timeout: float  # seconds for a request's headers
    body_timeout: float  # seconds for its body, from the end of the headers
    max_connections: int  # connections served at once
    max_per_address: int  # ... from one client address (0: no such cap)


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


def fit_to_descriptors(
    limits: ConnectionLimits,
    descriptors: int,
    *,
    setting: str,
    code: str,
    kind: type[SaksiError],
) -> ConnectionLimits:
    """``limits`` with the total cap lowered (with a warning naming ``setting``) to fit
    within ``descriptors`` with :data:`RESERVED_DESCRIPTORS` and :data:`FAREWELLS` to
    spare; ``kind`` with ``code`` when not even one connection fits."""
    room = descriptors - RESERVED_DESCRIPTORS - FAREWELLS
    if room < 1:
        needed = RESERVED_DESCRIPTORS + FAREWELLS + 1
        raise kind(
            code=code,
            en=(
                f"the limit on open files ({descriptors}) leaves no descriptor for connections: "
                f"at least {needed} are needed; raise it (ulimit -n, or LimitNOFILE= for systemd)"
            ),
            id=(
                f"batas berkas terbuka ({descriptors}) tidak menyisakan deskriptor untuk "
                f"sambungan: setidaknya {needed} diperlukan; naikkan (ulimit -n, atau "
                "LimitNOFILE= untuk systemd)"
            ),
            limit=descriptors,
            needed=needed,
        )
    if limits.max_connections <= room:
        return limits
    log.warning(
        "%s lowered from %d to %d: the limit on open files is %d "
        "(raise it with ulimit -n or LimitNOFILE=)",
        setting,
        limits.max_connections,
        room,
        descriptors,
    )
    return replace(limits, max_connections=room)


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

    def timed_out(self, phase: str) -> None:
        """A served connection ran out of time (``idle``, ``headers`` or ``body``)."""
        with self._lock:
            self._timed_out[phase] += 1

    def to_farewell(self, address: str) -> bool:
        """A served connection is being left: it is released, and True if a farewell
        was free to answer it (counted until :meth:`farewell_done`), else close it
        unanswered."""
        self.release(address)
        with self._lock:
            if self._farewells >= FAREWELLS:
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
