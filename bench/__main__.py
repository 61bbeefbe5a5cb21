"""``python -m bench``: time the foundation's cases, print a table and the JSON results.

Options: ``--quick`` (tiny sizes, seconds), ``--only NAME`` (repeatable; a case,
or a prefix such as ``store``; the limits the chosen cases need are run too),
``--repeats K`` (best of K), ``--profile`` (cProfile each case once, to stderr),
``--out PATH`` (write the JSON there instead of printing it after the table).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from .foundation import QUICK, Scratch, Sizes, build_workload, cases
from .harness import Case, measure_all, print_table, report, write_json


def select(all_cases: Sequence[Case], only: Sequence[str]) -> list[Case]:
    """The cases named (exactly, or by the prefix before a dot), with their limits."""
    if not only:
        return list(all_cases)
    wanted = {
        c.name
        for c in all_cases
        for name in only
        if c.name == name or c.name.startswith(name + ".")
    }
    unknown = [
        n for n in only if not any(c.name == n or c.name.startswith(n + ".") for c in all_cases)
    ]
    if unknown:
        names = ", ".join(c.name for c in all_cases)
        raise SystemExit(f"unknown case {', '.join(unknown)}; the cases are: {names}")
    wanted |= {c.limit for c in all_cases if c.name in wanted and c.limit}
    return [c for c in all_cases if c.name in wanted]


def run(
    sizes: Sizes,
    *,
    repeats: int,
    only: Sequence[str] = (),
    tmp: str | None = None,
    log: TextIO | None = None,
    profile: bool = False,
) -> dict[str, Any]:
    """Build the workload, time the chosen cases and return the JSON results."""
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    workload = build_workload(sizes)
    with ExitStack() as stack:
        scratch = Scratch(stack, tmp)
        chosen = select(cases(workload, sizes, scratch), only)

        def progress(round_: int) -> None:
            if log is not None:
                print(f"  round {round_} of {repeats}", file=log, flush=True)

        measurements = measure_all(chosen, repeats, progress)
        if profile:
            for case in chosen:
                profile_case(case, log or sys.stderr)
    forms = workload.forms
    config = {
        "scale": sizes.scale,
        "forms": len(forms),
        "single": sizes.single,
        "repeats": repeats,
        "key_entries": len(workload.key_entries),
        "entry_bytes_mean": round(sum(map(len, forms)) / len(forms)),
    }
    return report(measurements, config=config, when=when)


def profile_case(case: Case, out: TextIO) -> None:
    """Run ``case`` once under cProfile and print where its time goes."""
    print(f"--- {case.name}: one run under cProfile", file=out)
    run_once = case.prepare()
    profiler = cProfile.Profile()
    profiler.runcall(run_once)
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes, one repeat (smoke test)")
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run this case (or prefix, e.g. store); repeatable",
    )
    p.add_argument("--repeats", type=int, default=None, help="best of K (default 5; quick 1)")
    p.add_argument("--scale", type=float, default=None, help="hierarchy scale (default 0.005)")
    p.add_argument("--out", type=Path, default=None, help="write the JSON results here")
    p.add_argument("--tmp", default=None, help="directory for the scratch databases")
    p.add_argument(
        "--profile",
        action="store_true",
        help="run each case once more under cProfile (top 15 to stderr)",
    )
    return p


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    args = parser().parse_args(argv)
    sizes = QUICK if args.quick else Sizes()
    if args.scale is not None:
        sizes = replace(sizes, scale=args.scale)
    repeats = args.repeats or (1 if args.quick else 5)
    if repeats < 1:
        raise SystemExit("--repeats must be at least 1")
    print(f"building the workload (scale {sizes.scale}) ...", file=sys.stderr, flush=True)
    results = run(
        sizes, repeats=repeats, only=args.only, tmp=args.tmp, log=sys.stderr, profile=args.profile
    )
    print_table(results, out)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", encoding="utf-8") as f:
            write_json(results, f)
    else:
        write_json(results, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
