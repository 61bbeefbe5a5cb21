"""The import of KPU's real legislative contests: time and peak memory.

================  ===============================================  ==============
case              what one item is                                 limit
================  ===============================================  ==============
contests.raw      reading the source files bare: gunzip, ``csv``   (the limit)
                  rows and ``json.loads`` of dapil.json and
                  parties.json, nothing checked
contests.import   :func:`saksi.election.legislative_import.        contests.raw
                  import_contests`: every row read strictly,
                  the contests file's model checked, and every
                  TPS of the region file placed in its dapil
================  ===============================================  ==============

An item is one candidate (258,229 in 2024). Both cases run in a fresh interpreter
(``python -m bench.contests child``) holding the 2024 region file, loaded before the
rounds and not timed; its peak memory is that process's ``VmHWM`` after the rounds,
the region file included. The part needs ../shared/data (the region file and
legislative/); without it the part says so and measures nothing.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from .harness import Case, Measurement, Run
from .harness import loadavg as _loadavg

NAMES = frozenset({"contests.raw", "contests.import"})
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
LEGISLATIVE = SHARED / "legislative"
REGIONS = (SHARED / "regions" / "kpu2024-tps.json", SHARED / "regions" / "kpu2024-tps-ln.csv")
CANDIDATE_FILES = (
    "candidates-dpr.csv.gz",
    "candidates-dpd.csv.gz",
    "candidates-dprd-prov.csv.gz",
    "candidates-dprd-kabkota.csv.gz",
)


def available() -> bool:
    return LEGISLATIVE.is_dir() and all(p.exists() for p in REGIONS)


def cases() -> list[Case]:
    """This part's cases; they run in a child process (:func:`measure`)."""

    def elsewhere() -> Run:
        raise RuntimeError("this part's cases run in a child process: bench.contests.measure")

    return [
        Case("contests.raw", "the source files read bare (gunzip, csv, json.loads)", 0, elsewhere),
        Case(
            "contests.import",
            "saksi contests import: strict reading, the model, every TPS placed",
            0,
            elsewhere,
            limit="contests.raw",
        ),
    ]


def raw_read() -> int:
    """The limit: the bytes parsed and nothing checked; the number of candidates."""
    json.loads((LEGISLATIVE / "dapil.json").read_bytes())
    json.loads((LEGISLATIVE / "parties.json").read_bytes())
    rows = 0
    for name in CANDIDATE_FILES:
        text = gzip.decompress((LEGISLATIVE / name).read_bytes()).decode("utf-8")
        rows += sum(1 for _ in csv.DictReader(io.StringIO(text)))
    return rows


def _vm_hwm_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def child(names: Sequence[str], repeats: int, out: TextIO) -> None:
    from saksi.election.legislative_import import import_contests
    from saksi.election.regions import Hierarchy

    hierarchy = Hierarchy.from_kpu(*REGIONS)
    regions_mib = _vm_hwm_mib()
    rounds: dict[str, list[float]] = {name: [] for name in names}
    candidates = raw_read()
    for _ in range(repeats):
        for name in names:
            start = time.perf_counter()
            if name == "contests.raw":
                raw_read()
            else:
                imported = import_contests(LEGISLATIVE, hierarchy)
                del imported
            rounds[name].append(time.perf_counter() - start)
    result = {
        "rounds": rounds,
        "candidates": candidates,
        "peak_mib": round(_vm_hwm_mib(), 1),
        "regions_mib": round(regions_mib, 1),
    }
    out.write(json.dumps(result))


def measure(
    chosen: Sequence[Case], *, repeats: int, log: TextIO | None = None
) -> tuple[list[Measurement], dict[str, Any]]:
    mine = [case for case in chosen if case.name in NAMES]
    if not mine:
        return [], {}
    if not available():
        if log is not None:
            print("  contests: ../shared/data is not here; the import is not measured", file=log)
        return [], {"skipped": "../shared/data (regions, legislative) is not next to the checkout"}
    if log is not None:
        print(f"  contests: KPU's 2024 lists in a child process; load {_loadavg()}", file=log)
    command = [sys.executable, "-m", "bench.contests", "child", "--repeats", str(repeats)]
    done = subprocess.run(
        [*command, *(c.name for c in mine)],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    result = json.loads(done.stdout)
    items = result["candidates"]
    measurements = [
        Measurement(replace(case, items=items), tuple(result["rounds"][case.name])) for case in mine
    ]
    return measurements, {k: v for k, v in result.items() if k != "rounds"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.contests")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("child", help="time the cases named (internal)")
    run.add_argument("--repeats", type=int, default=1)
    run.add_argument("names", nargs="+")
    args = parser.parse_args(argv)
    child(args.names, args.repeats, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
