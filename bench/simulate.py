"""The election night over HTTP: ``saksi simulate`` as a benchmark part (opt-in).

=================  ==========================================================  =======
case               what one item is                                            limit
=================  ==========================================================  =======
simulate.night     one TPS of ``saksi simulate --tps N``: its photo, C.Hasil,   (context)
                   the party witnesses' copies and its faults, sent over HTTP
                   by 12 device threads to a real ``saksi serve`` with three
                   witnesses
=================  ==========================================================  =======

Each round runs ``python -m saksi simulate --tps N`` in a child process (a new
service, witnesses and data folder each time) and times its TPS phase, as the
command reports it (the key tree before it and the publication after it are in the
extras, with the latencies and the peak memory of the simulator and the service).
The figure is context, not a target: it counts TPS, not statements, and the devices
share the machine's cores with the service.

The part runs only when asked: ``python -m bench --simulate-tps N`` (``N = 820161``
for the national night, which takes half an hour or more here; docs/demo.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from .harness import Case, Measurement, Run, loadavg

NAME = "simulate.night"
NAMES = frozenset({NAME})
"""This part's cases (``--only simulate`` picks it)."""


@dataclass(frozen=True)
class SimulateSizes:
    """TPS of the simulated night; 0: the part is not run."""

    tps: int = 0


def cases(sizes: SimulateSizes) -> list[Case]:
    """The part's case, when ``sizes.tps`` asks for it; it runs in a child process."""
    if sizes.tps <= 0:
        return []

    def elsewhere() -> Run:
        raise RuntimeError("this case runs `saksi simulate` in a child: bench.simulate.measure")

    description = (
        f"saksi simulate --tps {sizes.tps:,}: a TPS's photo, C.Hasil and witness copies "
        "over HTTP (TPS phase)"
    )
    return [Case(NAME, description, sizes.tps, elsewhere, context=True)]


def _round(tps: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="saksi-bench-simulate-") as tmp:
        done = subprocess.run(
            [sys.executable, "-m", "saksi", "simulate", "--tps", str(tps),
             "--out", str(Path(tmp) / "night")],
            stdout=subprocess.PIPE, text=True, check=True, cwd=Path(__file__).parent.parent,
        )  # fmt: skip
    report: dict[str, Any] = json.loads(done.stdout)
    if not report["ok"]:
        raise RuntimeError(f"saksi simulate found a problem: {report}")
    return report


def measure(
    chosen: Sequence[Case], *, repeats: int, log: TextIO | None = None
) -> tuple[list[Measurement], dict[str, Any]]:
    """Run ``saksi simulate`` ``repeats`` times; the TPS phase's seconds of each."""
    mine = [case for case in chosen if case.name in NAMES]
    if not mine:
        return [], {}
    case = mine[0]
    rounds: list[dict[str, Any]] = []
    for number in range(repeats):
        if log is not None:
            print(f"  simulate: round {number + 1} of {repeats}; load {loadavg()}", file=log)
        report = _round(case.items)
        rounds.append(
            {
                "tps": report["tps"],
                "log_size": report["log_size"],
                "throughput": report["throughput"],
                "latency": report["latency"],
                "peak_rss_bytes": report["peak_rss_bytes"],
                "timings_seconds": report["timings_seconds"],
                "loadavg_after": loadavg(),
            }
        )
    seconds = tuple(float(r["timings_seconds"]["tps"]) for r in rounds)
    measured = replace(case, items=int(rounds[0]["tps"]))
    return [Measurement(measured, seconds)], {"rounds": rounds}


__all__ = ["NAMES", "SimulateSizes", "cases", "measure"]
