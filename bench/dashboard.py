"""The public dashboard's benchmark: its pages at national scale, served by ``saksi serve``.

===================  =================================================  ================
case                 what one item is                                   limit
===================  =================================================  ================
dashboard.static     ``GET /results/<N>/summary.json``: a published,    (the limit)
                     immutable file, read and sent as it is
dashboard.nasional   ``GET /``: the Nasional page (HTML)                dashboard.static
dashboard.kecamatan  ``GET /wilayah/<kecamatan>``, a different          dashboard.static
                     kecamatan each request
dashboard.tps        ``GET /tps/<code>``, a different TPS each          dashboard.static
                     request (its desa's snapshot, its entries read
                     from the log's tiles and checked)
===================  =================================================  ================

**The publication** is the recapitulation's national log (:func:`bench.recap.ensure_log`:
820,161 C.Hasil over 823,366 TPS, 1,651,396 entries) as the verifier's benchmark
publishes it in tiles (:func:`bench.verify.ensure_published`), and its results written
once, untimed, by ``python -m saksi publish TILES --out RESULTS --log-key ...`` (the
command the service's own results publisher runs; it folds the log and writes every
snapshot with :class:`saksi.recap.publish.Publisher`), cached beside them, keyed by the
log's parameters (:func:`ensure_results`).

**The server** is a real ``python -m saksi serve`` child (bench/loadgen.py ``Server``)
over a fresh data folder, started with the national log's own manifest (its entry 0)
and hierarchy, the live results publisher off. Its ``DATA/results`` is the cached
results folder (a symbolic link); once it is ready its ``DATA/log`` gets the national
publication: ``checkpoint`` is replaced by the national one and ``tile/`` becomes a
link to the cached tiles. The service's own store then holds only the manifest (a
national store would have to replay 1.65 M entries through the intake at every
start), but the dashboard reads nothing else than these two folders (docs/dashboard.md):
its pages are the pages of the national log.

**A round** sends each case's requests (built beforehand) over ``clients`` keep-alive
connections (bench/loadgen.py ``load``, a closed loop), first write to last answer
read; every answer must be 200. Region and TPS codes are drawn (seeded) from the whole
hierarchy, ``distinct`` of each, more than the dashboard keeps parsed in memory
(:data:`saksi.dashboard.source.CACHE_FILES`), so most requests read their files again
(from the operating system's page cache). Beside the table: p50/p99 latency per case,
the server's CPU per request, the load average before and after, and the weight of the
Nasional page (its HTML, style sheet and script; as sent and gzip-compressed).
"""

from __future__ import annotations

import argparse
import gc
import gzip
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from .harness import Case, Measurement, Run
from .harness import loadavg as _loadavg
from .loadgen import LoadRun, Server, build_request, load, process_cpu, run_async
from .recap import RECAP_QUICK, RecapSizes, cache_dir, read_frames
from .verify import VerifySizes, ensure_published

RESULTS_VERSION = 1
"""Part of the results' cache key: bump it when the publication changes."""

LIMIT = "dashboard.static"
PAGES = ("dashboard.nasional", "dashboard.kecamatan", "dashboard.tps")
NAMES = frozenset({LIMIT, *PAGES})
"""This part's cases (``--only dashboard`` picks all four)."""
P99_TARGET_MS = 50.0
"""The issue's target: p99 latency of the region pages under load."""
WEIGHT_TARGET = 200_000
"""The issue's target: the Nasional page (HTML, CSS, JS) under 200 KB (bytes)."""


@dataclass(frozen=True)
class DashboardSizes:
    """The publication the pages are built from, and the load."""

    log: RecapSizes = field(default_factory=RecapSizes)
    requests: int = 4000  # requests per case per round
    distinct: int = 6000  # kecamatan and TPS codes drawn (at most what the hierarchy has)
    clients: int = 8  # concurrent keep-alive connections
    warmup: int = 200  # requests per case sent (untimed) before the first round
    seed: int = 2024

    def cache_key(self) -> str:
        return f"{VerifySizes(log=self.log).cache_key()}-r{RESULTS_VERSION}"


DASHBOARD_QUICK = DashboardSizes(log=RECAP_QUICK, requests=60, distinct=40, clients=4, warmup=10)


def sizes_for(
    *, quick: bool, requests: int | None = None, clients: int | None = None
) -> DashboardSizes:
    """The sizes ``--quick``, ``--dashboard-requests`` and ``--dashboard-clients`` ask for."""
    sizes = DASHBOARD_QUICK if quick else DashboardSizes()
    if requests is not None:
        if requests < 1:
            raise SystemExit("--dashboard-requests must be at least 1")
        sizes = replace(sizes, requests=requests)
    if clients is not None:
        if clients < 1:
            raise SystemExit("--dashboard-clients must be at least 1")
        sizes = replace(sizes, clients=clients)
    return sizes


# --- the publication (untimed, cached) ------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """The national log in tiles, its results folder, its manifest, and what they hold."""

    tiles: Path  # checkpoint, tile/...
    results: Path  # latest.json, <N>/...
    manifest: Path  # entry 0 of the log, as a file for saksi serve --manifest
    meta: dict[str, Any]


def ensure_results(
    sizes: DashboardSizes, cache: str | Path | None, progress: TextIO | None
) -> Publication:
    """The cached results of the published log for ``sizes``, published first if needed."""
    published = ensure_published(VerifySizes(log=sizes.log), cache, progress)
    directory = cache_dir(cache)
    stem = directory / f"dashboard-{sizes.cache_key()}"
    meta_file = stem.with_suffix(".json")
    results, manifest = stem / "results", stem / "manifest.json"
    if meta_file.exists() and (results / "latest.json").is_file() and manifest.is_file():
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        return Publication(published.folder, results, manifest, meta)
    _say(progress, f"  dashboard: publishing the results of the log into {stem}: once, untimed")
    part = stem.with_suffix(f".part{os.getpid()}")
    shutil.rmtree(part, ignore_errors=True)
    part.mkdir(parents=True)
    log_file = directory / f"recap-{sizes.log.cache_key()}.log"
    (part / "manifest.json").write_bytes(next(read_frames(log_file)))
    command = [
        sys.executable, "-m", "bench.dashboard", "publish-child", "--log", str(log_file),
        "--checkpoint", str(published.folder / "checkpoint"), "--out", str(part / "results"),
        "--scale", str(sizes.log.scale), "--seed", str(sizes.log.seed),
    ]  # fmt: skip
    started = time.perf_counter()
    try:
        subprocess.run(command, check=True, cwd=ROOT)
    except BaseException:
        shutil.rmtree(part, ignore_errors=True)
        raise
    seconds = time.perf_counter() - started
    shutil.rmtree(stem, ignore_errors=True)
    part.replace(stem)
    files = [p for p in results.rglob("*") if p.is_file()]
    meta = {
        **{k: v for k, v in published.meta.items() if k != "tasks"},
        "results_seconds": round(seconds, 1),
        "results_files": len(files),
        "results_mib": round(sum(p.stat().st_size for p in files) / 2**20, 1),
    }
    part_meta = stem.with_suffix(".json" + f".part{os.getpid()}")
    part_meta.write_text(json.dumps(meta), encoding="utf-8")
    part_meta.replace(meta_file)  # last: its presence says the results are complete
    return Publication(published.folder, results, manifest, meta)


ROOT = Path(__file__).resolve().parent.parent


# --- the server over the publication ----------------------------------------------------


def start_server(pub: Publication, sizes: DashboardSizes, root: Path) -> Server:
    """``saksi serve`` on a fresh data folder whose results and log are ``pub``'s."""
    data = root / "data"
    data.mkdir(parents=True)
    (data / "results").symlink_to(pub.results.resolve(), target_is_directory=True)
    args = ["--data", str(data), "--manifest", str(pub.manifest), "--port", "0"]
    args += ["--scale", str(sizes.log.scale), "--seed", str(sizes.log.seed)]
    env = {
        "SAKSI_RATE_PER_KEY": "0,0",
        "SAKSI_RATE_PER_ADDRESS": "0,0",
        "SAKSI_PUBLISH_RESULTS": "false",  # the results are the cached national ones
    }
    server = Server(args, env, root / "serve.log")
    server.start()
    try:
        log_dir = data / "log"  # the service's own publication (its manifest) gives way
        _wait_for_own_checkpoint(log_dir / "checkpoint")
        staged = log_dir / "checkpoint.national"
        shutil.copyfile(pub.tiles / "checkpoint", staged)
        staged.replace(log_dir / "checkpoint")
        (log_dir / "tile").rename(log_dir / "tile.own")
        (log_dir / "tile").symlink_to((pub.tiles / "tile").resolve(), target_is_directory=True)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_for_own_checkpoint(path: Path, timeout: float = 30.0) -> None:
    """Until the service has signed its checkpoint of the manifest (its last write to
    ``DATA/log`` while nothing is submitted), so that it cannot overwrite the swap."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if (
                int(path.read_bytes().split(b"\n", 2)[1]) >= 1
                and path.parent.joinpath("tile").is_dir()
            ):
                return
        except (OSError, IndexError, ValueError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"saksi serve did not publish its first checkpoint in {path}")


# --- the requests -----------------------------------------------------------------------


@dataclass(frozen=True)
class Paths:
    """The path each case asks for, in order (one per request)."""

    by_case: dict[str, list[str]]
    tree_size: int


def choose_paths(pub: Publication, sizes: DashboardSizes, count: int) -> Paths:
    """``count`` paths per case: codes drawn from the whole hierarchy, seeded."""
    from saksi.election.codes import Level
    from saksi.election.synthetic import synthetic_hierarchy

    latest = json.loads((pub.results / "latest.json").read_text(encoding="utf-8"))
    summary = str(latest["summary"])
    hierarchy = synthetic_hierarchy(scale=sizes.log.scale, seed=sizes.log.seed)
    rng = random.Random(sizes.seed)
    kecamatan = list(hierarchy.codes(Level.KECAMATAN))
    tps = _reported_tps(sizes, hierarchy)

    def spread(codes: list[str]) -> list[str]:
        chosen = rng.sample(codes, min(sizes.distinct, len(codes)))
        return [chosen[i % len(chosen)] for i in range(count)]

    return Paths(
        {
            LIMIT: [f"/results/{summary}"] * count,
            "dashboard.nasional": ["/"] * count,
            "dashboard.kecamatan": [f"/wilayah/{c}" for c in spread(kecamatan)],
            "dashboard.tps": [f"/tps/{c}" for c in spread(tps)],
        },
        int(latest["tree_size"]) if "tree_size" in latest else 0,
    )


def _reported_tps(sizes: DashboardSizes, hierarchy: Any) -> list[str]:
    """The TPS with a C.Hasil in the log: drawn as :func:`bench.recap.generate` drew them."""
    arrivals = list(hierarchy.iter_tps())
    random.Random(sizes.log.seed).shuffle(arrivals)
    return arrivals[: sizes.log.forms] if sizes.log.forms is not None else arrivals


# --- the rounds ---------------------------------------------------------------------------


@dataclass
class RoundRecord:
    """One case's round: its time, latencies and the server's CPU meanwhile."""

    case: str
    requests: int
    seconds: float
    latency_p50: float
    latency_p99: float
    server_cpu: float
    answer_bytes: int


def _check(run: LoadRun, case: str) -> None:
    bad = {status: n for status, n in run.statuses().items() if status != 200}
    if bad:
        sample = next(a.body for a in run.answers if a.status != 200)[:300]
        raise RuntimeError(f"{case}: answers other than 200: {bad}; e.g. {sample!r}")


def _round(server: Server, case: str, requests: Sequence[bytes], clients: int) -> RoundRecord:
    gc.collect()
    before = process_cpu(server.pid)
    run = run_async(load(server.host, server.port, requests, concurrency=clients))
    cpu = process_cpu(server.pid) - before
    _check(run, case)
    return RoundRecord(
        case,
        len(requests),
        run.seconds,
        run.latency(0.50),
        run.latency(0.99),
        cpu,
        sum(len(a.body) for a in run.answers),
    )


def page_weight(server: Server) -> dict[str, Any]:
    """The Nasional page's HTML and every /static/ file it names: bytes, and gzip -6."""

    def get(path: str) -> bytes:
        request = build_request("GET", path, server.host)
        run = run_async(load(server.host, server.port, [request], concurrency=1))
        _check(run, path)
        return run.answers[0].body

    html = get("/")
    parts = {"/": html}
    for path in sorted(set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', html))):
        parts[path.decode()] = get(path.decode())
    files = {
        path: {"bytes": len(body), "gzip_bytes": len(gzip.compress(body, 6, mtime=0))}
        for path, body in parts.items()
    }
    return {
        "files": files,
        "bytes": sum(f["bytes"] for f in files.values()),
        "gzip_bytes": sum(f["gzip_bytes"] for f in files.values()),
        "html_sha256": hashlib.sha256(html).hexdigest()[:16],
    }


def history_read(server: Server, path: str) -> None:
    """Check that a TPS page links its log entry: read from the national tiles, checked."""
    run = run_async(load(server.host, server.port, [build_request("GET", path, server.host)]))
    _check(run, path)
    if b"/v1/entries/" not in run.answers[0].body:
        raise RuntimeError(f"{path} shows no log entry: the tiles were not read")


def _timed_by_measure() -> Run:
    raise AssertionError("the dashboard's cases are timed by bench.dashboard.measure")


def cases(sizes: DashboardSizes) -> list[Case]:
    """This part's cases (timed by :func:`measure`, not by the harness)."""
    load_ = f"{sizes.clients} clients, loopback HTTP, load generator included"
    return [
        Case(LIMIT, f"GET /results/<N>/summary.json, a published file ({load_})",
             sizes.requests, _timed_by_measure),
        Case("dashboard.nasional", "GET / (the Nasional page, HTML)",
             sizes.requests, _timed_by_measure, limit=LIMIT),
        Case("dashboard.kecamatan", f"GET /wilayah/<kecamatan>, {sizes.distinct:,} different",
             sizes.requests, _timed_by_measure, limit=LIMIT),
        Case("dashboard.tps", f"GET /tps/<code>, {sizes.distinct:,} different TPS",
             sizes.requests, _timed_by_measure, limit=LIMIT),
    ]  # fmt: skip


def measure(
    chosen: Sequence[Case],
    sizes: DashboardSizes,
    *,
    repeats: int,
    cache: str | Path | None = None,
    tmp: str | None = None,
    log: TextIO | None = None,
) -> tuple[list[Measurement], dict[str, Any]]:
    """Publish (or find) the results, start the server, run the ``chosen`` cases
    ``repeats`` interleaved rounds, stop it; the measurements and the extras."""
    mine = [case for case in chosen if case.name in NAMES]
    if not mine:
        return [], {}
    pub = ensure_results(sizes, cache, log)
    records: list[RoundRecord] = []
    with ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=tmp)))
        started = time.perf_counter()
        paths = choose_paths(pub, sizes, sizes.requests)
        _say(
            log,
            f"  dashboard: saksi serve over the published log ({pub.meta['entries']:,} entries)",
        )
        server = start_server(pub, sizes, root)
        stack.callback(server.stop)
        served = time.perf_counter()
        requests = {
            case.name: [build_request("GET", p, server.host) for p in paths.by_case[case.name]]
            for case in mine
        }
        for case in mine:  # warm-up: imports, threads, the first files
            _round(server, case.name, requests[case.name][: sizes.warmup], sizes.clients)
        weight = page_weight(server)
        history_read(server, paths.by_case["dashboard.tps"][0])
        load_before = _loadavg()
        setup = {
            "choose": round(served - started, 2),
            "start": round(time.perf_counter() - served, 2),
        }
        for round_ in range(1, repeats + 1):
            _say(log, f"  round {round_} of {repeats}")
            for case in mine:
                records.append(_round(server, case.name, requests[case.name], sizes.clients))
        load_after = _loadavg()
        server.stop()
    measurements = [
        Measurement(case, tuple(r.seconds for r in records if r.case == case.name)) for case in mine
    ]
    extra = summarise(records, sizes, pub)
    extra |= {"page_weight": weight, "setup_seconds": setup}
    extra["loadavg"] = {"before": load_before, "after": load_after}
    return measurements, extra


def summarise(
    records: Sequence[RoundRecord], sizes: DashboardSizes, pub: Publication
) -> dict[str, Any]:
    """Per case (its best round): latencies, the server's CPU, bytes per answer."""
    out: dict[str, Any] = {"sizes": asdict(sizes), "publication": pub.meta}
    for case in sorted(NAMES):
        rounds = [r for r in records if r.case == case]
        if not rounds:
            continue
        best = min(rounds, key=lambda r: r.seconds)
        out[case] = {
            "rounds": len(rounds),
            "latency_p50_ms": round(best.latency_p50 * 1e3, 2),
            "latency_p99_ms": round(best.latency_p99 * 1e3, 2),
            "latency_p99_ms_worst_round": round(max(r.latency_p99 for r in rounds) * 1e3, 2),
            "server_cpu_us_per_request": round(best.server_cpu / best.requests * 1e6, 1),
            "server_cores_busy": round(best.server_cpu / best.seconds, 2),
            "bytes_per_answer": round(best.answer_bytes / best.requests),
        }
    return out


def print_extras(results: dict[str, Any], out: TextIO) -> None:
    """Latencies against the target, page weight against its target, the load."""
    extra = results["dashboard"]
    rows = {row["name"]: row for row in results.get("results", [])}
    national = extra["publication"]["forms"] == 820_161 and extra["publication"]["scale"] == 1.0
    for case in (LIMIT, *PAGES):
        figures, row = extra.get(case), rows.get(case)
        if not figures or not row:
            continue
        p99 = figures["latency_p99_ms"]
        verdict = ""
        if case != LIMIT:
            met = "met" if p99 < P99_TARGET_MS else "NOT met"
            verdict = (
                f" (target p99 < {P99_TARGET_MS:g} ms: {met if national else 'national only'})"
            )
        print(
            f"{case}: {row['rate_per_second']:,.0f} requests/s, p50 "
            f"{figures['latency_p50_ms']:,.1f} ms, p99 {p99:,.1f} ms{verdict}; server CPU "
            f"{figures['server_cpu_us_per_request']:,.0f} µs/request "
            f"({figures['server_cores_busy']:.2f} cores), {figures['bytes_per_answer']:,} B/answer",
            file=out,
        )
    weight = extra.get("page_weight")
    if weight:
        met = "met" if max(weight["bytes"], weight["gzip_bytes"]) < WEIGHT_TARGET else "NOT met"
        print(
            f"Nasional page weight (HTML + CSS + JS): {weight['bytes']:,} B as sent, "
            f"{weight['gzip_bytes']:,} B gzip (target < {WEIGHT_TARGET:,} B: {met}); "
            f"load average {extra['loadavg']['before']} before, {extra['loadavg']['after']} after",
            file=out,
        )


def _say(log: TextIO | None, line: str) -> None:
    if log is not None:
        print(line, file=log, flush=True)


def publish_child(log: Path, checkpoint: Path, out: Path, scale: float, seed: int) -> None:
    """Fold the log (one process) and publish everything with :class:`Publisher`, at the
    tiles' checkpoint (its size and root; the origin the election's, as the service's)."""
    from saksi.election.synthetic import synthetic_hierarchy
    from saksi.recap.fold import Recap
    from saksi.recap.publish import Publisher
    from saksi.tlog.checkpoint import Checkpoint
    from saksi.tlog.note import split_note

    text, _ = split_note(checkpoint.read_bytes())
    tiles = Checkpoint.parse(text)
    hierarchy = synthetic_hierarchy(scale=scale, seed=seed)
    recap = Recap.replay(hierarchy, read_frames(log), workers=0)
    if recap.size != tiles.size:
        raise SystemExit(f"the log holds {recap.size} entries, its checkpoint {tiles.size}")
    at = Checkpoint(recap.manifest.election, tiles.size, tiles.root)
    Publisher(out, durable=False).publish(recap, at, touched=None)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.dashboard publish [--quick] [--cache DIR]``: publish (or find)
    the cached results and print what they hold."""
    p = argparse.ArgumentParser(
        prog="python -m bench.dashboard", description=__doc__.split("\n")[0]
    )
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("publish", help="publish (or find) the cached results; print their facts")
    g.add_argument("--quick", action="store_true")
    g.add_argument("--cache", default=None)
    c = sub.add_parser("publish-child", help="fold LOG, publish its results into OUT")
    c.add_argument("--log", type=Path, required=True)
    c.add_argument("--checkpoint", type=Path, required=True)
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--scale", type=float, required=True)
    c.add_argument("--seed", type=int, required=True)
    args = p.parse_args(argv)
    if args.command == "publish-child":
        publish_child(args.log, args.checkpoint, args.out, args.scale, args.seed)
        return 0
    sizes = sizes_for(quick=args.quick)
    pub = ensure_results(sizes, args.cache, sys.stderr)
    print(json.dumps({"results": str(pub.results), **pub.meta}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
