"""``python -m bench``: time the foundation's cases, print a table and the JSON results.

Options: ``--quick`` (tiny sizes, seconds), ``--only NAME`` (repeatable; a case,
or a prefix such as ``store``; the limits the chosen cases need are run too),
``--repeats K`` (best of K), ``--profile`` (cProfile each case once, to stderr),
``--out PATH`` (write the JSON there instead of printing it after the table),
``--tlog-size N`` (entries in the transparency log's cases, default 1,000,000),
``--huge`` (the log's peak memory at 10,000,000 entries), ``--service-single N``,
``--service-batched N`` (statements per round of the service's cases, default 8,000
and 20,000), ``--service-db URL`` (the service on PostgreSQL instead of SQLite),
``--recap-forms N``, ``--recap-scale S``, ``--recap-workers N``, ``--publish-durable``
and ``--cache DIR`` (the recapitulation's log: see bench/recap.py), ``--verify-workers N``
(the verifier's signature workers: see bench/verify.py, which publishes the same log),
``--dashboard-requests N`` and ``--dashboard-clients N`` (the dashboard's pages served
from that publication's results: see bench/dashboard.py), ``--simulate-tps N`` (one
``saksi simulate --tps N`` night over HTTP, off by default: see bench/simulate.py),
``--five-scale S`` (issue 17's five-contest log, replayed to totals and seats and verified:
see bench/legislative_night.py; default 1.0, national). The import of KPU's real
legislative contests runs when ../shared/data is there (bench/contests.py).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from . import contests, dashboard, recap, seats, service, simulate, tlog, verify
from . import legislative_night as five
from .foundation import QUICK, Scratch, Sizes, build_workload, cases
from .harness import Case, Measurement, measure_all, print_table, report, write_json

IN_OTHER_PROCESSES = (
    service.NAMES | verify.NAMES | dashboard.NAMES | simulate.NAMES | contests.NAMES | five.NAMES
)
"""Cases timed in a child process (``--profile`` cannot reach them with cProfile)."""


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
    tlog_sizes: tlog.TlogSizes | None = None,
    tlog_repeats: int | None = None,
    service_sizes: service.ServiceSizes | None = None,
    service_repeats: int | None = None,
    recap_sizes: recap.RecapSizes | None = None,
    recap_repeats: int | None = None,
    verify_sizes: verify.VerifySizes | None = None,
    dashboard_sizes: dashboard.DashboardSizes | None = None,
    cache: str | None = None,
    simulate_sizes: simulate.SimulateSizes | None = None,
    five_sizes: five.FiveSizes | None = None,
) -> dict[str, Any]:
    """Build the workload, time the chosen cases and return the JSON results.

    The transparency log's cases run after the others, ``tlog_repeats`` rounds
    (default: ``repeats``), followed by its proof latencies and peak memory; then the
    service's, ``service_repeats`` rounds (default: ``repeats``) against a ``saksi
    serve`` child process, followed by its latencies and receipt-to-checkpoint times;
    then the recapitulation's, ``recap_repeats`` rounds in a child process over a log
    generated once into ``cache`` (default: the system's temporary directory); then the
    verifier's, ``recap_repeats`` rounds in a child process over that log published once
    as tiles into the same cache; then the dashboard's, ``recap_repeats`` rounds against a
    ``saksi serve`` child whose results and log are that publication's; then the five-contest
    log's replay and verification (bench/legislative_night.py), ``recap_repeats`` rounds,
    in child processes over a log generated once into ``cache``."""
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    tlog_sizes = tlog_sizes or tlog.TlogSizes()
    service_sizes = service_sizes or service.ServiceSizes()
    recap_sizes = recap_sizes or recap.RecapSizes()
    verify_sizes = verify_sizes or verify.VerifySizes()
    dashboard_sizes = dashboard_sizes or dashboard.DashboardSizes()
    five_sizes = five_sizes or five.FiveSizes()
    workload = build_workload(sizes)
    with ExitStack() as stack:
        scratch = Scratch(stack, tmp)
        tlog_scratch = tlog.TlogScratch(stack, tmp)
        service_scratch = service.ServiceScratch(stack, service_sizes, tmp)
        all_cases = [
            *cases(workload, sizes, scratch),
            *tlog.cases(tlog_sizes, tlog_scratch),
            *service.cases(service_sizes),
            *recap.cases(recap_sizes, cache),
            *verify.cases(verify_sizes, cache),
            *dashboard.cases(dashboard_sizes),
            *simulate.cases(simulate_sizes or simulate.SimulateSizes()),
            *contests.cases(),
            *seats.cases(1.0 if sizes != QUICK else 0.01),
            *five.cases(five_sizes),
        ]
        chosen = select(all_cases, only)
        parts = (tlog.NAMES | service.NAMES | recap.NAMES | verify.NAMES | dashboard.NAMES) | (
            simulate.NAMES | contests.NAMES | five.NAMES
        )
        foundation = [c for c in chosen if c.name not in parts]

        def progress(round_: int, of: int = repeats) -> None:
            if log is not None:
                print(f"  round {round_} of {of}", file=log, flush=True)

        measurements = measure_all(foundation, repeats, progress) if foundation else []
        rounds = tlog_repeats or repeats
        tlog_measurements, tlog_extras = tlog.measure(
            chosen,
            tlog_sizes,
            tlog_scratch,
            repeats=rounds,
            tmp=tmp,
            log=log,
            progress=lambda round_: progress(round_, rounds),
        )
        measurements += tlog_measurements
        service_rounds = service_repeats or repeats
        service_measurements, service_extras = service.measure(
            chosen,
            service_scratch,
            repeats=service_rounds,
            log=log,
            progress=lambda round_: progress(round_, service_rounds),
        )
        measurements += service_measurements
        recap_measurements, recap_extras = recap.measure(
            chosen, recap_sizes, repeats=recap_repeats or repeats, cache=cache, log=log
        )
        measurements += recap_measurements
        verify_measurements, verify_extras = verify.measure(
            chosen, verify_sizes, repeats=recap_repeats or repeats, cache=cache, log=log
        )
        measurements += verify_measurements
        dashboard_measurements, dashboard_extras = dashboard.measure(
            chosen, dashboard_sizes, repeats=recap_repeats or repeats, cache=cache, tmp=tmp, log=log
        )
        measurements += dashboard_measurements
        five_measurements, five_extras = five.measure(
            chosen, five_sizes, repeats=recap_repeats or repeats, cache=cache, log=log
        )
        measurements += five_measurements
        last, last_extras = _last_parts(chosen, repeats, log)
        measurements += last
        if profile:  # the service runs in another process: profile it with py-spy
            for case in chosen:
                if case.name not in IN_OTHER_PROCESSES:
                    profile_case(case, log or sys.stderr)
    forms = workload.forms
    config = {
        "scale": sizes.scale,
        "forms": len(forms),
        "single": sizes.single,
        "repeats": repeats,
        "key_entries": len(workload.key_entries),
        "entry_bytes_mean": round(sum(map(len, forms)) / len(forms)),
        "tlog": asdict(tlog_sizes),
        "service": asdict(service_sizes),
        "recap": asdict(recap_sizes),
        "verify": asdict(verify_sizes),
        "dashboard": asdict(dashboard_sizes),
        "five": asdict(five_sizes),
    }
    results = report(measurements, config=config, when=when)
    extras = {
        "tlog": tlog_extras,
        "service": service_extras,
        "recap": recap_extras,
        "verify": verify_extras,
        "dashboard": dashboard_extras,
        "five": five_extras,
    }
    results |= {name: part for name, part in extras.items() if part}
    results |= last_extras
    return results


def _last_parts(
    chosen: Sequence[Case], repeats: int, log: TextIO | None
) -> tuple[list[Measurement], dict[str, Any]]:
    """The simulated night (one round) and the real contests' import, with their extras."""
    simulated, simulate_extras = simulate.measure(chosen, repeats=1, log=log)
    imported, contests_extras = contests.measure(chosen, repeats=repeats, log=log)
    extras = {"simulate": simulate_extras} if simulate_extras else {}
    extras |= {"contests": contests_extras} if contests_extras else {}
    return [*simulated, *imported], extras


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
    p.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="best of K (default 5, the transparency log's 1; quick 1)",
    )
    p.add_argument("--scale", type=float, default=None, help="hierarchy scale (default 0.005)")
    p.add_argument("--out", type=Path, default=None, help="write the JSON results here")
    p.add_argument("--tmp", default=None, help="directory for the scratch databases")
    p.add_argument(
        "--tlog-size",
        type=int,
        default=None,
        metavar="N",
        help="entries in the transparency log's cases (default 1,000,000; quick 3,000)",
    )
    p.add_argument(
        "--huge",
        action="store_true",
        help="measure the log's peak memory at 10,000,000 entries (about 10 min, 2.5 GB disk)",
    )
    p.add_argument(
        "--service-single",
        type=int,
        default=None,
        metavar="N",
        help="single submissions per round of service.single (default 8,000; quick 300)",
    )
    p.add_argument(
        "--service-batched",
        type=int,
        default=None,
        metavar="N",
        help="statements per round of service.batch (default 20,000; quick 600)",
    )
    p.add_argument(
        "--service-db",
        default=None,
        metavar="URL",
        help="run the service on PostgreSQL (postgresql://...) instead of SQLite",
    )
    p.add_argument(
        "--recap-forms",
        type=int,
        default=None,
        metavar="N",
        help="c-hasil entries in the recap's log (default 820,161; quick 400)",
    )
    p.add_argument(
        "--recap-scale",
        type=float,
        default=None,
        metavar="S",
        help="the recap log's hierarchy scale (default 1.0: national; one c-hasil per TPS)",
    )
    p.add_argument(
        "--recap-workers",
        type=int,
        default=None,
        metavar="N",
        help="Recap.replay(workers=N) in recap.replay (default 2; recap.replay.one: 0)",
    )
    p.add_argument(
        "--publish-durable",
        action="store_true",
        help="publish the recap's snapshots with fsync (about 100,000 files nationally)",
    )
    p.add_argument(
        "--cache",
        default=None,
        metavar="DIR",
        help="where the recap's generated log is kept between runs (default: the temp dir)",
    )
    p.add_argument(
        "--verify-workers",
        type=int,
        default=None,
        metavar="N",
        help="signature workers of verify.log (default: every core; 0: in its process)",
    )
    p.add_argument(
        "--dashboard-requests",
        type=int,
        default=None,
        metavar="N",
        help="requests per page per round of the dashboard's cases (default 4,000; quick 60)",
    )
    p.add_argument(
        "--dashboard-clients",
        type=int,
        default=None,
        metavar="N",
        help="concurrent connections of the dashboard's load (default 8; quick 4)",
    )
    p.add_argument(
        "--simulate-tps",
        type=int,
        default=0,
        metavar="N",
        help="also run `saksi simulate --tps N` (bench/simulate.py; off by default)",
    )
    p.add_argument(
        "--five-scale",
        type=float,
        default=None,
        metavar="S",
        help="the five-contest log's hierarchy scale (default 1.0: national; quick 0.0005)",
    )
    p.add_argument(
        "--profile",
        action="store_true",
        help="run each in-process case once more under cProfile (top 15 to stderr)",
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
    tlog_sizes = tlog.sizes_for(quick=args.quick, entries=args.tlog_size, huge=args.huge)
    service_sizes = service.sizes_for(
        quick=args.quick,
        single=args.service_single,
        batched=args.service_batched,
        db=args.service_db,
    )
    recap_sizes = recap.sizes_for(
        quick=args.quick,
        forms=args.recap_forms,
        scale=args.recap_scale,
        workers=args.recap_workers,
        durable=args.publish_durable,
    )
    verify_sizes = verify.sizes_for(quick=args.quick, workers=args.verify_workers)
    dashboard_sizes = dashboard.sizes_for(
        quick=args.quick, requests=args.dashboard_requests, clients=args.dashboard_clients
    )
    five_sizes = five.sizes_for(quick=args.quick, scale=args.five_scale)
    print(f"building the workload (scale {sizes.scale}) ...", file=sys.stderr, flush=True)
    results = run(
        sizes,
        repeats=repeats,
        only=args.only,
        tmp=args.tmp,
        log=sys.stderr,
        profile=args.profile,
        tlog_sizes=tlog_sizes,
        tlog_repeats=args.repeats or 1,  # a round of 1 M entries is long; --repeats wins
        service_sizes=service_sizes,
        service_repeats=args.repeats or 1,  # each round needs fresh signed forms
        recap_sizes=recap_sizes,
        recap_repeats=args.repeats or 1,  # a national replay is a long round
        verify_sizes=verify_sizes,
        dashboard_sizes=dashboard_sizes,
        cache=args.cache,
        simulate_sizes=simulate.SimulateSizes(tps=max(0, args.simulate_tps)),
        five_sizes=five_sizes,
    )
    print_table(results, out)
    if "tlog" in results:
        tlog.print_extras(results["tlog"], out)
    if "service" in results:
        service.print_extras(results, out)
    if "recap" in results:
        recap.print_extras(results, out)
    if "verify" in results:
        verify.print_extras(results, out)
    if "dashboard" in results:
        dashboard.print_extras(results, out)
    if "five" in results:
        five.print_extras(results, out)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("w", encoding="utf-8") as f:
            write_json(results, f)
    else:
        write_json(results, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
