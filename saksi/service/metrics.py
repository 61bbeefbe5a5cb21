"""The HTTP side's counters for /metrics, in the Prometheus text exposition format
(0.0.4, written by :mod:`saksi.ledger.exposition`).

Hand-written (no client library): a few counters, one latency histogram per route,
and gauges read from the ledger when /metrics is asked. Label values are a closed
set (statuses, error codes, route templates), never a raw path or anything a
client chooses, so the number of series stays small. docs/api.md lists them.
"""

from __future__ import annotations

import bisect
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from saksi.ledger.exposition import family, labels, number

__all__ = ["LATENCY_BUCKETS", "Metrics"]

LATENCY_BUCKETS: Final = (
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)  # fmt: skip

GAUGES: Final = {
    "saksi_log_size": "Entries in the log (durably stored).",
    "saksi_checkpoint_size": "Size of the latest published checkpoint (receipts' proofs).",
    "saksi_backlog": "Entries stored but not yet in a published checkpoint.",
    "saksi_signed_checkpoint_size": "Size of the latest checkpoint the log signed.",
    "saksi_published_checkpoint_size": "Size of the published checkpoint (cosigned by the "
    "witness quorum when witnesses are configured).",
}


class _Histogram:
    __slots__ = ("buckets", "count", "total")

    def __init__(self, size: int) -> None:
        self.buckets = [0] * size  # per bucket, not cumulative (made cumulative on render)
        self.count = 0
        self.total = 0.0


class Metrics:
    """The service's counters; every method is thread-safe."""

    def __init__(self, buckets: tuple[float, ...] = LATENCY_BUCKETS) -> None:
        self._bounds = buckets
        self._lock = threading.Lock()
        self.statements: Counter[str] = Counter()
        self.refusals: Counter[str] = Counter()
        self.rate_limited: Counter[str] = Counter()
        self.requests: Counter[tuple[str, int]] = Counter()
        self._latency: dict[str, _Histogram] = {}

    def statement(self, status: str, code: str | None = None) -> None:
        """One submitted statement: accepted, flagged, inconsistent, duplicate or refused
        (then ``code`` is the refusal's code)."""
        with self._lock:
            self.statements[status] += 1
            if code is not None:
                self.refusals[code] += 1

    def limited(self, scope: str) -> None:
        with self._lock:
            self.rate_limited[scope] += 1

    def request(self, route: str, status: int, seconds: float) -> None:
        """One HTTP request answered: its route template, status and duration."""
        with self._lock:
            self.requests[(route, status)] += 1
            histogram = self._latency.get(route)
            if histogram is None:
                histogram = self._latency[route] = _Histogram(len(self._bounds) + 1)
            histogram.buckets[bisect.bisect_left(self._bounds, seconds)] += 1
            histogram.count += 1
            histogram.total += seconds

    def render(self, gauges: Mapping[str, float], extra: Sequence[str] = ()) -> str:
        """The exposition text; ``gauges`` gives the values of :data:`GAUGES`, ``extra``
        more families' lines (the witnesses', see :func:`family`)."""
        with self._lock:
            lines = [
                *self._counter(
                    "saksi_statements_total",
                    "Statements submitted, by outcome.",
                    (({"status": s}, n) for s, n in sorted(self.statements.items())),
                ),
                *self._counter(
                    "saksi_refusals_total",
                    "Statements refused (not logged), by error code.",
                    (({"code": c}, n) for c, n in sorted(self.refusals.items())),
                ),
                *self._counter(
                    "saksi_rate_limited_total",
                    "Requests refused with 429, by limit (key or address).",
                    (({"limit": s}, n) for s, n in sorted(self.rate_limited.items())),
                ),
                *self._counter(
                    "saksi_http_requests_total",
                    "HTTP requests answered, by route template and status.",
                    (
                        ({"route": r, "status": str(s)}, n)
                        for (r, s), n in sorted(self.requests.items())
                    ),
                ),
                *self._histograms(),
            ]
        for name, help_text in GAUGES.items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
            lines.append(f"{name} {number(gauges.get(name, 0))}")
        return "\n".join([*lines, *extra]) + "\n"

    @staticmethod
    def _counter(
        name: str, help_text: str, samples: Iterable[tuple[dict[str, str], float]]
    ) -> list[str]:
        return family(name, "counter", help_text, samples)

    def _histograms(self) -> list[str]:
        name = "saksi_http_request_seconds"
        lines = [
            f"# HELP {name} Time from request to response, by route template.",
            f"# TYPE {name} histogram",
        ]
        for route, histogram in sorted(self._latency.items()):
            cumulative = 0
            for bound, count in zip(self._bounds, histogram.buckets, strict=False):
                cumulative += count
                le = labels({"route": route, "le": number(bound)})
                lines.append(f"{name}_bucket{le} {cumulative}")
            lines.append(f"{name}_bucket{labels({'route': route, 'le': '+Inf'})} {histogram.count}")
            lines.append(f"{name}_sum{labels({'route': route})} {histogram.total!r}")
            lines.append(f"{name}_count{labels({'route': route})} {histogram.count}")
        return lines
