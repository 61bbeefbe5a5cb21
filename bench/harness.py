"""Timing, ratios and reporting for ``make bench``.

A :class:`Case` times one piece of work over ``items`` items, ``repeats`` times;
each repeat gets fresh state from ``prepare`` (not timed) and runs the callable it
returns (timed). The rate is items per second of the *best* repeat (the least
disturbed by the other work on a shared machine); the median is kept beside it.

A case may name a ``limit``: another case of the same run whose rate bounds it
(raw PyNaCl verification for the checks, raw SQLite inserts for the store). The
report gives ``ratio = rate / limit rate``, so a figure means the same on a slower
or faster machine.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import sqlite3
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

Run = Callable[[], object]
"""The timed work: one call processes all of a case's items."""


@dataclass(frozen=True)
class Case:
    """One benchmark: what it measures, over how many items, against which limit."""

    name: str
    description: str
    items: int
    prepare: Callable[[], Run]
    limit: str | None = None
    context: bool = False  # a figure for context, neither a target nor a limit


@dataclass(frozen=True)
class Measurement:
    """The timings of one case."""

    case: Case
    seconds: tuple[float, ...]

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rate(self) -> float:
        """Items per second in the best repeat."""
        return self.case.items / self.best if self.best > 0 else float("inf")

    @property
    def per_item_us(self) -> float:
        return self.best / self.case.items * 1e6 if self.case.items else 0.0


def time_once(case: Case) -> float:
    """Seconds of one run of ``case`` over fresh state (the preparation not counted)."""
    run = case.prepare()
    gc.collect()
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def measure(case: Case, repeats: int) -> Measurement:
    """Time ``case`` ``repeats`` times, each over fresh state."""
    return measure_all([case], repeats)[0]


def measure_all(
    cases: Sequence[Case], repeats: int, progress: Callable[[int], None] | None = None
) -> list[Measurement]:
    """Time every case ``repeats`` times, interleaved: round 1 of every case, then round 2...

    Interleaving puts a target and its limit under the same passing load of a shared
    machine, so their ratio is steadier than their rates. ``progress`` gets the round.
    """
    if repeats < 1:
        raise ValueError("repeats must be at least 1")
    seconds: list[list[float]] = [[] for _ in cases]
    for round_ in range(1, repeats + 1):
        if progress is not None:
            progress(round_)
        for case, times in zip(cases, seconds, strict=True):
            times.append(time_once(case))
    return [Measurement(case, tuple(times)) for case, times in zip(cases, seconds, strict=True)]


def ratio(measurement: Measurement, by_name: dict[str, Measurement]) -> float | None:
    """Rate over the rate of its limit (None without a limit or if it was not run)."""
    limit = measurement.case.limit
    if limit is None or limit not in by_name:
        return None
    return measurement.rate / by_name[limit].rate


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import nacl
    import pydantic

    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "pynacl": getattr(nacl, "__version__", "?"),
        "pydantic": pydantic.VERSION,
        "sqlite": sqlite3.sqlite_version,
    }


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages (``?`` where /proc is not there)."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def report(
    measurements: Sequence[Measurement], *, config: dict[str, Any], when: str
) -> dict[str, Any]:
    """The JSON results: machine, settings and one row per case."""
    by_name = {m.case.name: m for m in measurements}
    rows = []
    for m in measurements:
        r = ratio(m, by_name)
        rows.append(
            {
                "name": m.case.name,
                "description": m.case.description,
                "items": m.case.items,
                "repeats": len(m.seconds),
                "best_seconds": round(m.best, 6),
                "median_seconds": round(m.median, 6),
                "rate_per_second": round(m.rate, 1),
                "per_item_us": round(m.per_item_us, 2),
                "limit": m.case.limit,
                "ratio": None if r is None else round(r, 4),
                "context": m.case.context,
            }
        )
    return {"when": when, "machine": machine(), "config": config, "results": rows}


def print_table(results: dict[str, Any], out: TextIO) -> None:
    """The results as a plain text table."""
    head = ("case", "items", "best s", "median s", "per s", "µs/item", "limit", "ratio")
    rows = [
        (
            r["name"] + (" *" if r["context"] else ""),
            f"{r['items']:,}",
            f"{r['best_seconds']:.3f}",
            f"{r['median_seconds']:.3f}",
            f"{r['rate_per_second']:,.0f}",
            f"{r['per_item_us']:.1f}",
            r["limit"] or "",
            "" if r["ratio"] is None else f"{r['ratio']:.3f}",
        )
        for r in results["results"]
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
    m = results["machine"]
    print(
        f"saksi bench, {results['when']}: {m['cpu']}, {m['cores']} cores, "
        f"Python {m['python']}, PyNaCl {m['pynacl']}",
        file=out,
    )
    for row in (head, *rows):
        cells = [
            str(c).ljust(w) if i in (0, 6) else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip(), file=out)
    print("(* context, not a target; ratio = rate / rate of the limit, same run)", file=out)


def write_json(results: dict[str, Any], out: TextIO) -> None:
    json.dump(results, out, indent=2, ensure_ascii=False)
    out.write("\n")
