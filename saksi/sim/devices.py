"""Simulated devices: a plain HTTP client that submits statements and photos, and
retries after timeouts, dropped connections, 429 and 503 (resending the same bytes,
which the service answers with the first receipt: a retry never counts twice).

One :class:`Device` per thread, with one keep-alive connection (``http.client``
from the standard library). Every request's time is recorded in :class:`Stats`.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from saksi.errors import SaksiError

REQUEST_TIMEOUT = 30.0
"""Seconds a device waits for an answer before it gives up on that try."""
GIVE_UP_AFTER = 300.0
"""Seconds a device keeps retrying one statement before the night is stopped."""
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 507})


@dataclass(frozen=True, slots=True)
class Answer:
    """The service's final answer to one statement (after any retries)."""

    status: int  # HTTP status
    body: dict[str, Any]
    tries: int

    @property
    def logged(self) -> bool:
        return self.status in (200, 201)

    @property
    def duplicate(self) -> bool:
        return self.status == 200 and bool(self.body.get("duplicate"))

    @property
    def code(self) -> str | None:
        error = self.body.get("error")
        return str(error["code"]) if isinstance(error, dict) else None

    @property
    def index(self) -> int | None:
        index = self.body.get("index")
        return index if isinstance(index, int) else None

    @property
    def leaf_hash(self) -> str:
        return str(self.body.get("leaf_hash", ""))


@dataclass
class Stats:
    """What every device saw, shared by the threads (under a lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    requests: Counter[str] = field(default_factory=Counter)
    retries: Counter[str] = field(default_factory=Counter)
    statements: int = 0
    photos: int = 0
    tps_done: int = 0

    def record(self, kind: str, seconds: float, retried: bool) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.requests[kind] += 1
            if retried:
                self.retries[kind] += 1

    def latency_summary(self) -> dict[str, dict[str, float]]:
        out = {}
        with self.lock:
            items = {k: sorted(v) for k, v in self.latencies.items()}
        for kind, values in sorted(items.items()):
            if values:
                out[kind] = {
                    "count": len(values),
                    "p50_ms": round(1000 * _quantile(values, 0.50), 2),
                    "p95_ms": round(1000 * _quantile(values, 0.95), 2),
                    "p99_ms": round(1000 * _quantile(values, 0.99), 2),
                    "max_ms": round(1000 * values[-1], 2),
                }
        return out


@dataclass
class Tally:
    """What the service answered, counted by the devices (under a lock)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    keep_acks: bool = True  # until the crash: the receipts to look for after it
    logged: dict[bytes, tuple[str, str]] = field(default_factory=dict)  # leaf -> status, type
    by_status: Counter[str] = field(default_factory=Counter)  # of the entries in `logged`
    refusals: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    answers: dict[int, Answer] = field(default_factory=dict)  # fault id -> answer
    forms: dict[str, Answer] = field(default_factory=dict)  # tps -> its c-hasil's answer
    acks: dict[str, int] = field(default_factory=dict)  # leaf hash -> index
    unexpected: list[dict[str, Any]] = field(default_factory=list)

    def brief(self) -> str:
        """A one-line count for a live display, in both languages ("log" is both; read
        without the lock: approximate)."""
        status = self.by_status
        return (
            f"log {len(self.logged):,} · ditahan/held {status['inconsistent']:,} · "
            f"ditolak/refused {sum(self.refusals.values()):,} · ulang/resent {self.duplicates:,}"
        )


def _quantile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))]


def unreachable(url: str, seconds: float, why: str) -> SaksiError:
    return SaksiError(
        code="sim.unreachable",
        en=f"the service at {url} did not take a statement for {seconds:.0f} s ({why})",
        id=f"layanan di {url} tidak menerima pernyataan selama {seconds:.0f} detik ({why})",
        url=url,
    )


class Device:
    """A client of one service (host and port), for one thread at a time."""

    def __init__(self, host: str, port: int, stats: Stats) -> None:
        self.host, self.port, self.stats = host, port, stats
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _once(
        self, method: str, path: str, body: bytes | None, ctype: str, extra: dict[str, str]
    ) -> tuple[int, bytes]:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
        headers = {"content-type": ctype, **extra} if body is not None else {}
        try:
            self._conn.request(method, path, body=body, headers=headers)
            response = self._conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.getheader("connection", "").lower() == "close":
            self.close()
        return response.status, data

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        body: bytes | None = None,
        ctype: str = "",
        *,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, int]:
        """Send until an answer that retrying will not change; (status, body, tries)."""
        started = time.monotonic()
        tries, pause = 0, 0.05
        why = ""
        while time.monotonic() - started < GIVE_UP_AFTER:
            tries += 1
            t0 = time.perf_counter()
            try:
                status, data = self._once(method, path, body, ctype, headers or {})
            except (OSError, http.client.HTTPException) as exc:
                why = type(exc).__name__
            else:
                if status not in RETRY_STATUSES:
                    self.stats.record(kind, time.perf_counter() - t0, tries > 1)
                    return status, data, tries
                why = f"HTTP {status}"
            time.sleep(pause)
            pause = min(1.0, pause * 2)
        raise unreachable(f"http://{self.host}:{self.port}", GIVE_UP_AFTER, why)

    def submit(self, entry: bytes, kind: str = "statement") -> Answer:
        status, data, tries = self.request(
            kind, "POST", "/v1/statements", entry, "application/json"
        )
        with self.stats.lock:
            self.stats.statements += 1
        return Answer(status, _json(data), tries)

    def batch(self, entries: list[bytes]) -> list[Answer]:
        body = b"".join(e + b"\n" for e in entries)
        status, data, tries = self.request(
            "batch", "POST", "/v1/statements/batch", body, "application/x-ndjson"
        )
        results = _json(data).get("results")
        if status != 200 or not isinstance(results, list):
            raise unreachable(f"http://{self.host}:{self.port}", 0, f"batch answered {status}")
        with self.stats.lock:
            self.stats.statements += len(entries)
        return [Answer(int(r["status"]), r.get("receipt") or r, tries) for r in results]

    def photo(self, data: bytes, signed: dict[str, str]) -> str:
        """Upload a photo with its uploader's key and signature (``signed``: the
        ``Saksi-Key`` and ``Saksi-Signature`` headers); its SHA-256."""
        status, body, _ = self.request(
            "photo", "POST", "/v1/photos", data, "image/png", headers=signed
        )
        if status != 201:
            raise unreachable(f"http://{self.host}:{self.port}", 0, f"photo answered {status}")
        with self.stats.lock:
            self.stats.photos += 1
        return str(_json(body)["sha256"])

    def get_json(self, path: str) -> tuple[int, dict[str, Any]]:
        status, body, _ = self.request("read", "GET", path)
        return status, _json(body)


def _json(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


__all__ = ["Answer", "Device", "Stats", "Tally", "unreachable"]
