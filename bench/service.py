"""The submission service's benchmark: ``saksi serve`` under a load generator on loopback.

=================  ===================================================  ============
case               what one item is                                     limit
=================  ===================================================  ============
service.single     one ``POST /v1/statements`` of a signed C.Hasil,     intake.admit
                   32 clients at once, answered 201 once durable
service.batch      one C.Hasil in ``POST /v1/statements/batch``          intake.admit
                   (NDJSON, 500 a request, 4 requests at once)
=================  ===================================================  ============

The server is a real ``python -m saksi serve`` child process on the embedded SQLite
store (or ``--service-db postgresql://...``) with the service's default settings,
except that both rate limits are off (one client address sends everything); the live
results publisher runs, as shipped (``python -m bench.service --no-publish-results``
turns it off, to see what it costs); its standard error goes to a file. The load
generator (bench/loadgen.py: asyncio streams, request bytes built beforehand,
keep-alive) runs in this process on the same cores:
the figures include its cost, as the issue asks.

The limit is the foundation's ``intake.admit`` (the same checks, authorization and
rules, in-process, one thread, no store, no HTTP): the ratio says how close the
service comes to the work it cannot avoid. Beside the table (:func:`print_extras`):
the request latency p50/p99; the server's CPU per statement (all its threads, from
``/proc``), its parse workers' (its child processes) and the load generator's;
``fsync`` latency on the same disk during the rounds (a busy disk slows every durable
commit); and **receipt-to-checkpoint**: for
every receipt, from the moment its answer was read to the moment a poll of
``GET /log/checkpoint`` (every 10 ms) first showed a signed checkpoint covering it.

Untimed set-up: a synthetic hierarchy big enough for every form the rounds send
(scale 0.05 by default: 41,165 TPS), the manifest of
``saksi.sim.election.Authorities(2024)``, and for every TPS used a KPPS key
registration and one rule-abiding C.Hasil (``consistent_form``), signed beforehand
in two processes. The key tree goes in through the batch endpoint, then a warm-up;
every round sends forms never sent before (a TPS takes one C.Hasil). A round's time
is the load's own: first request written to last answer read.
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from saksi.election.codes import Level
from saksi.election.envelope import sign_statement
from saksi.election.regions import Hierarchy
from saksi.election.statements import CHasil
from saksi.election.synthetic import synthetic_hierarchy
from saksi.sim.election import Authorities
from saksi.sim.tally import consistent_form

from .harness import Case, Measurement, Run
from .loadgen import (
    CheckpointWatcher,
    FsyncProbe,
    LoadRun,
    Server,
    build_request,
    children_cpu,
    load,
    process_cpu,
    quantile,
    run_async,
    watched,
)

NAMES = frozenset({"service.single", "service.batch"})
"""The names of this part's cases (``python -m bench --only service`` picks both)."""
LIMIT = "intake.admit"
TARGETS = {"service.single": 2000.0, "service.batch": 8000.0}
"""The issue's targets on a 2-core machine, statements per second."""
CHECKPOINT_TARGET_S = 2.0
"""The issue's target for receipt-to-checkpoint, p99, seconds."""
TPS_PER_SCALE = 823_000
"""About how many TPS ``synthetic_hierarchy`` makes per unit of scale."""

SHARES = (0.25, 0.58, 0.17)
TALLY_AT = "2024-02-14T08:00:00Z"


@dataclass(frozen=True)
class ServiceSizes:
    """How much work the service's cases do (per round)."""

    scale: float = 0.05  # the smallest hierarchy scale; raised when more TPS are needed
    single: int = 8000  # single submissions per round
    batched: int = 20_000  # statements sent in batches per round
    batch: int = 500  # statements per batch request
    clients: int = 32  # concurrent connections for singles
    batch_clients: int = 4  # concurrent connections for batches
    warmup: int = 300  # singles sent (untimed) before the first round
    seed: int = 2024
    db: str | None = None  # postgresql://... instead of the embedded SQLite store
    publish_results: bool = True  # the server's live results publisher, as shipped


SERVICE_QUICK = ServiceSizes(scale=0.002, single=300, batched=600, batch=100, warmup=30)


def sizes_for(
    *,
    quick: bool,
    single: int | None = None,
    batched: int | None = None,
    db: str | None = None,
) -> ServiceSizes:
    """The sizes ``--quick``, ``--service-single``, ``--service-batched`` and
    ``--service-db`` ask for."""
    sizes = SERVICE_QUICK if quick else ServiceSizes()
    if single is not None:
        sizes = replace(sizes, single=_at_least_one("--service-single", single))
    if batched is not None:
        sizes = replace(sizes, batched=_at_least_one("--service-batched", batched))
    return replace(sizes, db=db) if db else sizes


def _at_least_one(option: str, value: int) -> int:
    if value < 1:
        raise SystemExit(f"{option} must be at least 1")
    return value


# --- the workload: signed beforehand ----------------------------------------------------


def _sign_keys(seed: int, tps_codes: Sequence[str]) -> list[bytes]:
    keys = Authorities(seed)
    return [
        keys.register(f"kpu-kab-{t[:4]}", keys.kpps(t), "kpps", t, label=f"HP KPPS {t}").to_bytes()
        for t in tps_codes
    ]


def _sign_forms(seed: int, tps_codes: Sequence[str]) -> list[bytes]:
    keys = Authorities(seed)
    out = []
    for tps in tps_codes:
        rng = random.Random(f"{seed}/{tps}")
        photo = hashlib.sha256(f"{seed}/{tps}/1".encode()).hexdigest()
        form = consistent_form(rng, shares=SHARES, photos=(photo,))
        stmt = CHasil(
            type="c-hasil", election=keys.origin, at=TALLY_AT, tps=tps, contest="ppwp", form=form
        )
        out.append(sign_statement(stmt, keys.kpps(tps)).to_bytes())
    return out


def _in_parallel(
    sign: Callable[[int, Sequence[str]], list[bytes]], seed: int, tps: Sequence[str]
) -> list[bytes]:
    """``sign`` over ``tps`` in chunks, in two fresh processes when it is worth it."""
    workers = min(2, os.cpu_count() or 1)
    if workers == 1 or len(tps) < 2000:
        return sign(seed, tps)
    step = -(-len(tps) // (workers * 4))
    chunks = [tps[i : i + step] for i in range(0, len(tps), step)]
    spawn = multiprocessing.get_context("spawn")  # no fork of a threaded process
    with ProcessPoolExecutor(workers, mp_context=spawn) as pool:
        return [e for part in pool.map(sign, [seed] * len(chunks), chunks) for e in part]


def hierarchy_for(sizes: ServiceSizes, forms: int) -> tuple[float, Hierarchy]:
    """The smallest scale (at least ``sizes.scale``) with ``forms`` TPS, and its hierarchy."""
    scale = sizes.scale
    while True:
        hierarchy = synthetic_hierarchy(scale=scale, seed=sizes.seed)
        count = sum(1 for _ in hierarchy.iter_tps())
        if count >= forms:
            return scale, hierarchy
        scale = math.ceil(max(scale * 1.1, forms / TPS_PER_SCALE * 1.1) * 1000) / 1000


@dataclass(frozen=True)
class ServiceWorkload:
    """The manifest, the key tree (KPU keys and the KPPS keys used) and one C.Hasil per TPS."""

    scale: float
    manifest: bytes
    key_entries: tuple[bytes, ...]
    forms: tuple[bytes, ...]


def build_workload(sizes: ServiceSizes, forms: int) -> ServiceWorkload:
    """Sign everything ``forms`` C.Hasil need (untimed)."""
    scale, hierarchy = hierarchy_for(sizes, forms)
    tps_codes = list(hierarchy.iter_tps())
    random.Random(sizes.seed).shuffle(tps_codes)
    used = tps_codes[:forms]
    keys = Authorities(sizes.seed)
    tree = [
        keys.register("kpu-ri", keys.key(f"kpu-prov-{p}"), "kpu-prov", p).to_bytes()
        for p in hierarchy.codes(Level.PROVINSI)
    ]
    tree += [
        keys.register(f"kpu-prov-{k[:2]}", keys.key(f"kpu-kab-{k}"), "kpu-kab", k).to_bytes()
        for k in hierarchy.codes(Level.KABKOTA)
    ]
    tree += _in_parallel(_sign_keys, sizes.seed, used)
    signed = _in_parallel(_sign_forms, sizes.seed, used)
    manifest = keys.manifest(hierarchy).to_bytes()
    return ServiceWorkload(scale, manifest, tuple(tree), tuple(signed))


# --- requests and receipts -----------------------------------------------------------


def single_requests(host: str, entries: Sequence[bytes]) -> list[bytes]:
    return [build_request("POST", "/v1/statements", host, e, "application/json") for e in entries]


def batch_requests(host: str, entries: Sequence[bytes], per_request: int) -> list[bytes]:
    out = []
    for start in range(0, len(entries), per_request):
        body = b"".join(e + b"\n" for e in entries[start : start + per_request])
        out.append(
            build_request("POST", "/v1/statements/batch", host, body, "application/x-ndjson")
        )
    return out


@dataclass(frozen=True)
class Receipted:
    """A receipt as the load generator saw it: its index and when its answer was read."""

    index: int
    answered: float


def single_receipts(run: LoadRun) -> list[Receipted]:
    """The receipts of single submissions; every answer must be 201 (logged now)."""
    bad = {status: n for status, n in run.statuses().items() if status != 201}
    if bad:
        sample = next(a.body for a in run.answers if a.status != 201)[:300]
        raise RuntimeError(f"single submissions not logged: {bad}; e.g. {sample!r}")
    return [Receipted(json.loads(a.body)["index"], a.done) for a in run.answers]


def batch_receipts(run: LoadRun) -> list[Receipted]:
    """The receipts of batched submissions; every item must be logged now (201)."""
    out = []
    for answer in run.answers:
        if answer.status != 200:
            raise RuntimeError(f"a batch was refused: {answer.status} {answer.body[:300]!r}")
        for item in json.loads(answer.body)["results"]:
            if item.get("status") != 201:
                raise RuntimeError(f"a batched statement was not logged: {item}")
            out.append(Receipted(item["receipt"]["index"], answer.done))
    return out


# --- the server and the rounds -----------------------------------------------------------


@dataclass
class RoundRecord:
    """What one round saw: its time, latencies, CPU, fsync and checkpoint times."""

    case: str
    requests: int
    statements: int
    seconds: float  # first request written to last answer read
    latency_p50: float
    latency_p99: float
    server_cpu: float  # CPU seconds the server process used meanwhile (all threads)
    children_cpu: float  # CPU seconds its child processes (parse workers, publisher) used
    client_cpu: float  # CPU seconds this process (the load generator) used meanwhile
    fsync: list[float]  # the probe's fsync times during the round
    checkpoint: list[float]  # receipt-to-checkpoint, seconds, one per receipt


class ServiceScratch:
    """The running server, the forms not sent yet, and what every round recorded."""

    def __init__(self, stack: ExitStack, sizes: ServiceSizes, parent: str | None = None) -> None:
        self.stack = stack
        self.sizes = sizes
        self.root = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=parent)))
        self.server: Server | None = None
        self.workload: ServiceWorkload | None = None
        self.next_form = 0
        self.records: list[RoundRecord] = []
        self.setup_seconds: dict[str, float] = {}

    def start(self, rounds: int, log: TextIO | None = None) -> Server:
        """Sign the workload for ``rounds`` rounds, start the server, log the key tree."""
        sizes = self.sizes
        needed = sizes.warmup + rounds * (sizes.single + sizes.batched)
        started = time.perf_counter()
        _say(log, f"  service: signing {needed:,} forms and their KPPS keys")
        self.workload = work = build_workload(sizes, needed)
        signed = time.perf_counter()
        manifest = self.root / "manifest.json"
        manifest.write_bytes(work.manifest)
        args = ["--data", str(self.root / "data"), "--manifest", str(manifest), "--port", "0"]
        args += ["--scale", str(work.scale), "--seed", str(sizes.seed)]
        args += ["--db", sizes.db] if sizes.db else []
        env = {"SAKSI_RATE_PER_KEY": "0,0", "SAKSI_RATE_PER_ADDRESS": "0,0"}
        # The results publisher (a `saksi publish --follow` child folding every new
        # checkpoint) is a job of its own, measured by the recapitulation's cases; on two
        # cores it takes the CPU the submissions are measured on. Off unless asked for.
        env["SAKSI_PUBLISH_RESULTS"] = "true" if sizes.publish_results else "false"
        self.server = server = Server(args, env, self.root / "serve.log")
        self.stack.callback(server.stop)
        server.start()
        served = time.perf_counter()
        _say(log, f"  service: logging {len(work.key_entries):,} keys, then a warm-up")
        self._register(server, work.key_entries)
        self._load(single_requests(server.host, self.take(sizes.warmup)), sizes.clients)
        self.setup_seconds = {
            "sign": round(signed - started, 2),
            "start": round(served - signed, 2),
            "keys_and_warm_up": round(time.perf_counter() - served, 2),
        }
        return server

    def _load(self, requests: Sequence[bytes], concurrency: int) -> LoadRun:
        assert self.server is not None
        server = self.server
        return run_async(load(server.host, server.port, requests, concurrency=concurrency))

    def _register(self, server: Server, entries: Sequence[bytes]) -> None:
        run = self._load(batch_requests(server.host, entries, 1000), 1)  # registrars first
        for answer in run.answers:
            for item in json.loads(answer.body)["results"]:
                if not item["ok"]:
                    raise RuntimeError(f"a key registration was refused: {item}")

    def take(self, count: int) -> list[bytes]:
        assert self.workload is not None
        forms = self.workload.forms[self.next_form : self.next_form + count]
        if len(forms) < count:
            raise RuntimeError("the service benchmark ran out of signed forms")
        self.next_form += count
        return list(forms)


def _covered(receipts: Sequence[Receipted], watcher: CheckpointWatcher) -> list[float]:
    out = []
    for receipt in receipts:
        at = watcher.covered_at(receipt.index)
        if at is None:
            raise RuntimeError(f"entry {receipt.index} was not in a checkpoint within the wait")
        out.append(max(0.0, at - receipt.answered))
    return out


def round_run(scratch: ServiceScratch, case: str) -> Callable[[], RoundRecord]:
    """Prepare one round of ``case`` (forms and requests built now, untimed)."""
    server, sizes = scratch.server, scratch.sizes
    assert server is not None
    if case == "service.single":
        requests = single_requests(server.host, scratch.take(sizes.single))
        clients, receipts_of = sizes.clients, single_receipts
    else:
        requests = batch_requests(server.host, scratch.take(sizes.batched), sizes.batch)
        clients, receipts_of = sizes.batch_clients, batch_receipts

    def run() -> RoundRecord:
        watcher = CheckpointWatcher(server.host, server.port)
        last, cpu = [-1], [0.0, 0.0, 0.0]

        def now() -> list[float]:
            return [process_cpu(server.pid), children_cpu(server.pid), time.process_time()]

        async def go() -> LoadRun:
            cpu[:] = now()
            done = await load(server.host, server.port, requests, concurrency=clients)
            cpu[:] = [after - before for after, before in zip(now(), cpu, strict=True)]
            last[0] = max(r.index for r in receipts_of(done))
            return done

        def settled() -> bool:
            return bool(watcher.seen) and watcher.seen[-1][1] > last[0]

        with FsyncProbe(scratch.root) as probe:
            done = run_async(watched(watcher, go(), settled, timeout=30.0))
        receipts = receipts_of(done)
        return RoundRecord(
            case,
            len(requests),
            len(receipts),
            done.seconds,
            done.latency(0.50),
            done.latency(0.99),
            cpu[0],
            cpu[1],
            cpu[2],
            probe.seconds,
            _covered(receipts, watcher),
        )

    return run


def _timed_by_measure() -> Run:
    raise AssertionError("the service's cases are timed by bench.service.measure")


def cases(sizes: ServiceSizes) -> list[Case]:
    """This part's cases (timed by :func:`measure`, not by the harness)."""
    return [
        Case(
            "service.single",
            f"POST /v1/statements of one signed C.Hasil, {sizes.clients} clients, 201 once "
            "durable (loopback HTTP, load generator included)",
            sizes.single,
            _timed_by_measure,
            limit=LIMIT,
        ),
        Case(
            "service.batch",
            f"one C.Hasil in POST /v1/statements/batch ({sizes.batch} a request, "
            f"{sizes.batch_clients} at once)",
            sizes.batched,
            _timed_by_measure,
            limit=LIMIT,
        ),
    ]


def measure(
    chosen: Sequence[Case],
    scratch: ServiceScratch,
    *,
    repeats: int,
    log: TextIO | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Measurement], dict[str, Any]]:
    """Start the server, run this part's ``chosen`` cases ``repeats`` interleaved rounds
    (each on forms never sent before), stop it; the measurements and the extras."""
    mine = [case for case in chosen if case.name in NAMES]
    if not mine:
        return [], {}
    names = {case.name for case in mine}
    scratch.sizes = replace(
        scratch.sizes,
        single=scratch.sizes.single if "service.single" in names else 0,
        batched=scratch.sizes.batched if "service.batch" in names else 0,
    )
    server = scratch.start(repeats, log)
    for round_ in range(1, repeats + 1):
        if progress is not None:
            progress(round_)
        for case in mine:
            run = round_run(scratch, case.name)
            gc.collect()
            scratch.records.append(run())
    server.stop()
    measurements = [
        Measurement(case, tuple(r.seconds for r in scratch.records if r.case == case.name))
        for case in mine
    ]
    return measurements, summarise(scratch)


# --- what the report carries beside the table ------------------------------------------


def _ms(seconds: float) -> float:
    return round(seconds * 1e3, 2)


def _spread(values: Sequence[float]) -> dict[str, Any]:
    return {
        "count": len(values),
        "p50_ms": _ms(quantile(values, 0.50)),
        "p99_ms": _ms(quantile(values, 0.99)),
        "max_ms": _ms(max(values)),
    }


def summarise(scratch: ServiceScratch) -> dict[str, Any]:
    """Per case (its best round): latencies, CPU, fsync; receipt-to-checkpoint overall."""
    assert scratch.workload is not None
    out: dict[str, Any] = {
        "sizes": asdict(scratch.sizes) | {"scale": scratch.workload.scale},
        "setup_seconds": scratch.setup_seconds,
    }
    waits: list[float] = []
    for case in sorted(NAMES):
        rounds = [r for r in scratch.records if r.case == case]
        if not rounds:
            continue
        best = min(rounds, key=lambda r: r.seconds)
        waits += [w for r in rounds for w in r.checkpoint]
        fsync = [s for r in rounds for s in r.fsync]
        out[case] = {
            "rounds": len(rounds),
            "requests_per_round": best.requests,
            "request_latency_p50_ms": _ms(best.latency_p50),
            "request_latency_p99_ms": _ms(best.latency_p99),
            "server_cpu_us_per_statement": round(best.server_cpu / best.statements * 1e6, 1),
            "server_cores_busy": round(best.server_cpu / best.seconds, 2),
            "children_cpu_us_per_statement": round(best.children_cpu / best.statements * 1e6, 1),
            "children_cores_busy": round(best.children_cpu / best.seconds, 2),
            "client_cpu_us_per_statement": round(best.client_cpu / best.statements * 1e6, 1),
            "fsync": _spread(fsync) if fsync else None,
            "receipt_to_checkpoint": _spread([w for r in rounds for w in r.checkpoint]),
        }
    if waits:
        out["receipt_to_checkpoint"] = _spread(waits)
    return out


def print_extras(results: dict[str, Any], out: TextIO) -> None:
    """Latencies, CPU, checkpoint times and the targets, as plain lines under the table."""
    extra = results.get("service") or {}
    rows = {row["name"]: row for row in results.get("results", [])}
    for case, unit in (("service.single", "request"), ("service.batch", "batch request")):
        figures, row = extra.get(case), rows.get(case)
        if not figures or not row:
            continue
        rate = row["rate_per_second"]
        fsync = figures["fsync"]
        disk = (
            f"; fsync p50 {fsync['p50_ms']:.2f} ms, p99 {fsync['p99_ms']:.2f} ms" if fsync else ""
        )
        print(
            f"{case}: {rate:,.0f} statements/s {_verdict(rate >= TARGETS[case], TARGETS[case])}"
            f"; {unit} p50 {figures['request_latency_p50_ms']:,.1f} ms, p99 "
            f"{figures['request_latency_p99_ms']:,.1f} ms; server CPU "
            f"{figures['server_cpu_us_per_statement']:,.0f} µs/statement "
            f"({figures['server_cores_busy']:.2f} cores){_children(figures, extra)}, load "
            f"generator {figures['client_cpu_us_per_statement']:,.0f} µs/statement{disk}",
            file=out,
        )
    whole = extra.get("receipt_to_checkpoint")
    if whole:
        met = whole["p99_ms"] / 1e3 < CHECKPOINT_TARGET_S
        print(
            f"receipt to signed checkpoint ({whole['count']:,} receipts): p50 "
            f"{whole['p50_ms']:,.0f} ms, p99 {whole['p99_ms']:,.0f} ms, max "
            f"{whole['max_ms']:,.0f} ms (target p99 under {CHECKPOINT_TARGET_S:g} s: "
            f"{'met' if met else 'NOT met'})",
            file=out,
        )


def _children(figures: dict[str, Any], extra: dict[str, Any]) -> str:
    used = figures.get("children_cpu_us_per_statement") or 0
    if not used:
        return ""
    publisher = (extra.get("sizes") or {}).get("publish_results")
    which = "parse workers and results publisher" if publisher else "parse workers"
    return f" + {which} {used:,.0f} µs/statement ({figures['children_cores_busy']:.2f} cores)"


def _verdict(met: bool, target: float) -> str:
    return f"(target {target:,.0f}/s: {'met' if met else 'NOT met'})"


def _say(log: TextIO | None, line: str) -> None:
    if log is not None:
        print(line, file=log, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.service``: the two cases alone (no limit: see ``python -m bench
    --only service`` for the ratios)."""
    import argparse

    p = argparse.ArgumentParser(prog="python -m bench.service", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--single", type=int, default=None)
    p.add_argument("--batched", type=int, default=None)
    p.add_argument("--db", default=None)
    p.add_argument(
        "--no-publish-results", action="store_true", help="the live results publisher off"
    )
    p.add_argument("--tmp", default=None)
    args = p.parse_args(argv)
    sizes = sizes_for(quick=args.quick, single=args.single, batched=args.batched, db=args.db)
    sizes = replace(sizes, publish_results=not args.no_publish_results)
    with ExitStack() as stack:
        scratch = ServiceScratch(stack, sizes, args.tmp)
        measurements, extra = measure(cases(sizes), scratch, repeats=1, log=sys.stderr)
    rows = [{"name": m.case.name, "rate_per_second": round(m.rate, 1)} for m in measurements]
    results = {"results": rows, "service": extra}
    print_extras(results, sys.stdout)
    json.dump(results, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
