"""The transparency log's benchmarks: appending and integrating, proofs, peak memory.

==================  ==============================================  =================
case                what one item is                                limit
==================  ==============================================  =================
sha256.tlog         ``hashlib.sha256`` of one entry                 (the limit)
tlog.append         ``Log.append`` (1,000 per call) + ``integrate``  sha256.tlog
tiles.grow *        ``TileWriter.grow`` alone (no store, no note)   (context)
==================  ==============================================  =================

``tlog.append`` is the issue's figure: entries appended (each batch one durable
store transaction) and integrated (tiles written with fsync, checkpoint signed and
published every ``integrate_every`` entries) per second, for 1 M entries, beside raw
SHA-256 of the same entries in the same run. Entries are ``entry_bytes`` long (about
a signed C.Hasil), made on the fly in both cases (a million of them would not fit in
memory otherwise), each distinct (the store gives identical bytes one index).

Two figures are not rates and sit beside the table (:func:`extras`):

- inclusion-proof generation: ``Log.prove(i)`` (a C2SP tlog-proof: tiles read,
  proof built, checked against the checkpoint) and ``merkle.inclusion_proof`` over a
  ``TileReader`` alone, each timed one call at a time at random indices of the log
  the last ``tlog.append`` round built: p50, p99, max;
- peak memory: a fresh process (``python -m bench.tlog memory``) builds a log of
  ``memory_entries`` entries (1 M; ``--huge``: 10 M) and reports its peak resident
  set (``VmHWM``) as it grows. The log keeps its tree in tiles on disk, so the
  peak must stay flat: the report gives the peak at 10 % and at 100 % and their ratio.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from saksi.store import open_store
from saksi.tlog import merkle
from saksi.tlog.log import Log
from saksi.tlog.tiles import TileDir, TileReader, TileWriter

from .harness import Case, Measurement, Run, measure_all

HUGE = 10_000_000
"""Entries in the ``--huge`` peak-memory run."""

ORIGIN = "bench.saksi.invalid/tlog"


@dataclass(frozen=True)
class TlogSizes:
    """How much work the transparency log's cases do."""

    entries: int = 1_000_000  # appended and integrated in tlog.append
    entry_bytes: int = 1000  # about a signed C.Hasil entry (the foundation's mean: 987)
    batch: int = 1000  # entries per Log.append call (one durable transaction)
    integrate_every: int = 10_000  # entries between two signed checkpoints
    proofs: int = 2000  # inclusion proofs timed one by one
    memory_entries: int = 1_000_000  # entries in the peak-memory run (--huge: 10 M)
    memory_entry_bytes: int = 64  # small: 10 M entries of 1 KB would be 20 GB of disk
    seed: int = 2024


TLOG_QUICK = TlogSizes(
    entries=3000, batch=500, integrate_every=1000, proofs=50, memory_entries=3000
)


NAMES = frozenset({"sha256.tlog", "tlog.append", "tiles.grow"})
"""The names of this part's cases (``python -m bench --only tlog`` picks tlog.append)."""


def sizes_for(*, quick: bool, entries: int | None = None, huge: bool = False) -> TlogSizes:
    """The sizes ``--quick``, ``--tlog-size N`` and ``--huge`` ask for."""
    sizes = TLOG_QUICK if quick else TlogSizes()
    if entries is not None:
        if entries < 1:
            raise SystemExit("--tlog-size must be at least 1")
        sizes = replace(sizes, entries=entries, memory_entries=entries)
    if huge:
        sizes = replace(sizes, memory_entries=HUGE)
    return sizes


# --- entries ----------------------------------------------------------------------


def _filler(size: int) -> bytes:
    return hashlib.shake_256(b"saksi bench tlog").digest(max(size, 1))


def entry_maker(entry_bytes: int) -> Callable[[int, int], list[bytes]]:
    """``make(start, stop)``: distinct entries ``start..stop`` of ``entry_bytes`` each."""
    if entry_bytes < 13:
        raise ValueError("entry_bytes must be at least 13 (a 12-digit index and a bar)")
    tail = _filler(entry_bytes - 13)[: entry_bytes - 13]

    def make(start: int, stop: int) -> list[bytes]:
        return [b"%012d|" % i + tail for i in range(start, stop)]

    return make


def batches(count: int, batch: int) -> Iterator[tuple[int, int]]:
    for start in range(0, count, batch):
        yield start, min(start + batch, count)


# --- the log under test -----------------------------------------------------------


def create_log(directory: Path) -> Log:
    """A new empty log (its empty checkpoint signed) in ``directory``, durable."""
    log, _vkey = Log.create(directory, ORIGIN, open_store)
    return log


def open_log(directory: Path) -> Log:
    return Log.open(directory, open_store)


def fill_log(
    log: Log,
    count: int,
    sizes: TlogSizes,
    make: Callable[[int, int], list[bytes]],
    on_integrate: Callable[[int], None] | None = None,
) -> None:
    """Append ``count`` entries in batches, integrating every ``integrate_every``."""
    pending = 0
    for start, stop in batches(count, sizes.batch):
        log.append(make(start, stop))
        pending += stop - start
        if pending >= sizes.integrate_every or stop == count:
            log.integrate()
            pending = 0
            if on_integrate is not None:
                on_integrate(stop)


class TlogScratch:
    """Directories for the rounds. Only the latest of each case is kept (a log of 1 M
    entries takes about 2 GB); the latest ``tlog.append`` log serves the proofs."""

    def __init__(self, stack: ExitStack, parent: str | None = None) -> None:
        self.root = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=parent)))
        self.count = 0
        self._dirs: dict[str, Path] = {}
        self._logs: dict[str, Log] = {}
        self.built: tuple[Path, int] | None = None  # the latest complete tlog.append log
        stack.callback(self.close_logs)

    def fresh(self, case: str) -> Path:
        """A new empty directory for ``case``; its previous one is closed and removed."""
        self._close(case)
        previous = self._dirs.pop(case, None)
        if previous is not None:
            if self.built is not None and self.built[0] == previous:
                self.built = None
            shutil.rmtree(previous, ignore_errors=True)
        self.count += 1
        path = self.root / f"{case}-{self.count}"
        path.mkdir()
        self._dirs[case] = path
        return path

    def keep(self, case: str, log: Log) -> Log:
        """Remember ``case``'s open log, to close it before its directory goes."""
        self._logs[case] = log
        return log

    def _close(self, case: str) -> None:
        log = self._logs.pop(case, None)
        if log is not None:
            log.close()

    def close_logs(self) -> None:
        for case in list(self._logs):
            self._close(case)


# --- the cases --------------------------------------------------------------------


def sha256_tlog(sizes: TlogSizes) -> Run:
    make = entry_maker(sizes.entry_bytes)
    count, batch = sizes.entries, sizes.batch

    def run() -> None:
        sha256 = hashlib.sha256
        for start, stop in batches(count, batch):
            for entry in make(start, stop):
                sha256(entry).digest()

    return run


def tlog_append(sizes: TlogSizes, scratch: TlogScratch) -> Run:
    directory = scratch.fresh("tlog.append")
    log = scratch.keep("tlog.append", create_log(directory))
    make = entry_maker(sizes.entry_bytes)

    def run() -> None:
        fill_log(log, sizes.entries, sizes, make)
        scratch.built = (directory, sizes.entries)

    return run


def tiles_grow(sizes: TlogSizes, scratch: TlogScratch) -> Run:
    directory = scratch.fresh("tiles.grow")
    writer = TileWriter(TileDir(directory))
    make = entry_maker(sizes.entry_bytes)

    def run() -> None:
        size = 0
        for start, stop in batches(sizes.entries, sizes.integrate_every):
            size = writer.grow(size, make(start, stop)).new_size

    return run


def cases(sizes: TlogSizes, scratch: TlogScratch) -> list[Case]:
    n = sizes.entries
    return [
        Case(
            "sha256.tlog",
            f"hashlib.sha256 of one {sizes.entry_bytes:,}-byte entry",
            n,
            lambda: sha256_tlog(sizes),
        ),
        Case(
            "tlog.append",
            f"Log.append ({sizes.batch:,} per call) + integrate every "
            f"{sizes.integrate_every:,} (tiles, fsync, signed checkpoint)",
            n,
            lambda: tlog_append(sizes, scratch),
            limit="sha256.tlog",
        ),
        Case(
            "tiles.grow",
            f"TileWriter.grow of {sizes.integrate_every:,} entries at a time (bundles, "
            "hash tiles, fsync)",
            n,
            lambda: tiles_grow(sizes, scratch),
            context=True,
        ),
    ]


# --- proofs -----------------------------------------------------------------------


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    """p50, p99, mean and max of ``seconds``, in microseconds."""
    ordered = sorted(seconds)
    cut = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else []
    p50 = cut[49] if cut else ordered[0]
    p99 = cut[98] if cut else ordered[0]
    return {
        "count": len(ordered),
        "p50_us": round(p50 * 1e6, 1),
        "p99_us": round(p99 * 1e6, 1),
        "mean_us": round(statistics.fmean(ordered) * 1e6, 1),
        "max_us": round(ordered[-1] * 1e6, 1),
    }


def time_each(call: Callable[[int], object], indices: Sequence[int]) -> list[float]:
    clock = time.perf_counter
    seconds = []
    for index in indices:
        started = clock()
        call(index)
        seconds.append(clock() - started)
    return seconds


def proof_latency(directory: Path, size: int, sizes: TlogSizes) -> dict[str, Any]:
    """Inclusion proofs at random indices of the log in ``directory``, one at a time."""
    rng = random.Random(sizes.seed)
    indices = [rng.randrange(size) for _ in range(sizes.proofs)]
    log = open_log(directory)
    try:
        log.prove(indices[0])  # warm: the first call opens files and fills caches
        receipts = time_each(log.prove, indices)
    finally:
        log.close()
    node = TileReader(TileDir(directory), size).node
    bare = time_each(lambda i: merkle.inclusion_proof(i, size, node), indices)
    return {
        "log_size": size,
        "log.prove": percentiles(receipts),
        "merkle.inclusion_proof": percentiles(bare),
    }


# --- peak memory ------------------------------------------------------------------


def peak_rss_kib() -> int:
    """This process's peak resident set so far, in KiB.

    Linux's ``VmHWM`` (``/proc/self/status``) belongs to this program image alone;
    ``ru_maxrss``, the fallback elsewhere, survives ``execve`` and so can report the
    peak of the parent that forked this process."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def disk_bytes(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


def memory_child(directory: Path, sizes: TlogSizes, samples: int, out: TextIO) -> None:
    """Build a log of ``memory_entries`` and print a JSON line at each sample point."""
    count = sizes.memory_entries
    make = entry_maker(sizes.memory_entry_bytes)
    marks = {max(1, count * k // samples) for k in range(1, samples + 1)}
    started = time.perf_counter()

    def sample(done: int) -> None:
        row = {"entries": done, "seconds": round(time.perf_counter() - started, 2)}
        row["peak_rss_kib"] = peak_rss_kib()
        print(json.dumps(row), file=out, flush=True)

    log = create_log(directory)
    try:
        sample(0)
        pending = sorted(marks)

        def on_integrate(done: int) -> None:
            if pending and pending[0] <= done:
                while pending and pending[0] <= done:
                    pending.pop(0)
                sample(done)

        fill_log(log, count, sizes, make, on_integrate)
    finally:
        log.close()
    print(json.dumps({"disk_bytes": disk_bytes(directory)}), file=out, flush=True)


def peak_memory(
    sizes: TlogSizes, parent: str | None = None, log: TextIO | None = None
) -> dict[str, Any]:
    """Run :func:`memory_child` in a fresh interpreter and summarise what it printed."""
    with tempfile.TemporaryDirectory(dir=parent) as tmp:
        command = [
            sys.executable,
            "-m",
            "bench.tlog",
            "memory",
            str(Path(tmp) / "log"),
            "--sizes",
            json.dumps(asdict(sizes)),
        ]
        rows: list[dict[str, Any]] = []
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent
        ) as child:
            assert child.stdout is not None
            for line in child.stdout:
                rows.append(json.loads(line))
                if log is not None and "entries" in rows[-1]:
                    r = rows[-1]
                    print(
                        f"  memory: {r['entries']:,} entries, peak {r['peak_rss_kib'] / 1024:.0f}"
                        f" MiB, {r['seconds']:.0f} s",
                        file=log,
                        flush=True,
                    )
        if child.returncode != 0:
            raise RuntimeError(f"the peak-memory run failed (exit {child.returncode})")
    return summarise_memory(rows, sizes)


def summarise_memory(rows: Sequence[dict[str, Any]], sizes: TlogSizes) -> dict[str, Any]:
    points = [r for r in rows if "entries" in r]
    empty, first, last = points[0], points[1], points[-1]
    return {
        "entries": sizes.memory_entries,
        "entry_bytes": sizes.memory_entry_bytes,
        "seconds": last["seconds"],
        "empty_log_peak_mib": round(empty["peak_rss_kib"] / 1024, 1),
        "first_sample_entries": first["entries"],
        "first_sample_peak_mib": round(first["peak_rss_kib"] / 1024, 1),
        "peak_mib": round(last["peak_rss_kib"] / 1024, 1),
        "growth": round(last["peak_rss_kib"] / first["peak_rss_kib"], 3),
        "disk_mib": round(next(r["disk_bytes"] for r in rows if "disk_bytes" in r) / 2**20, 1),
        "samples": [
            {"entries": r["entries"], "peak_mib": round(r["peak_rss_kib"] / 1024, 1)}
            for r in points
        ],
    }


# --- what the report carries beside the table --------------------------------------


def extras(
    sizes: TlogSizes,
    scratch: TlogScratch,
    *,
    memory: bool = True,
    tmp: str | None = None,
    log: TextIO | None = None,
) -> dict[str, Any]:
    """Proof latency on the last ``tlog.append`` log (if one ran) and peak memory."""
    result: dict[str, Any] = {"sizes": asdict(sizes)}
    scratch.close_logs()
    if scratch.built is not None:
        if log is not None:
            print(f"  proofs: {sizes.proofs:,} at random indices", file=log, flush=True)
        result["proofs"] = proof_latency(*scratch.built, sizes)
    if memory:
        result["memory"] = peak_memory(sizes, tmp, log)
    return result


def measure(
    chosen: Sequence[Case],
    sizes: TlogSizes,
    scratch: TlogScratch,
    *,
    repeats: int,
    tmp: str | None = None,
    log: TextIO | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Measurement], dict[str, Any]]:
    """Time this part's ``chosen`` cases (``repeats`` interleaved rounds); then, when
    ``tlog.append`` was among them, the proof latencies and the peak-memory run."""
    mine = [case for case in chosen if case.name in NAMES]
    if not mine:
        return [], {}
    measurements = measure_all(mine, repeats, progress)
    appended = any(case.name == "tlog.append" for case in mine)
    return measurements, extras(sizes, scratch, memory=appended, tmp=tmp, log=log)


def print_extras(extra: dict[str, Any], out: TextIO) -> None:
    """The proof latencies and the peak memory as plain lines under the table."""
    proofs = extra.get("proofs")
    if proofs:
        for name in ("log.prove", "merkle.inclusion_proof"):
            p = proofs[name]
            print(
                f"{name} on a log of {proofs['log_size']:,}: p50 {p['p50_us']:,.0f} µs, "
                f"p99 {p['p99_us']:,.0f} µs, max {p['max_us']:,.0f} µs ({p['count']:,} proofs)",
                file=out,
            )
    memory = extra.get("memory")
    if memory:
        print(
            f"peak memory building a log of {memory['entries']:,} entries "
            f"({memory['entry_bytes']} bytes each): {memory['peak_mib']:,.0f} MiB "
            f"(empty log {memory['empty_log_peak_mib']:,.0f} MiB; at "
            f"{memory['first_sample_entries']:,} entries {memory['first_sample_peak_mib']:,.0f} "
            f"MiB; growth x{memory['growth']:.2f}); {memory['disk_mib']:,.0f} MiB on disk; "
            f"{memory['seconds']:,.0f} s",
            file=out,
        )


# --- python -m bench.tlog memory DIR --sizes JSON ---------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.tlog", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    m = sub.add_parser("memory", help="build a log and print its peak memory as it grows")
    m.add_argument("directory", type=Path)
    m.add_argument("--sizes", default="{}", help="TlogSizes fields as JSON")
    m.add_argument("--samples", type=int, default=10)
    args = p.parse_args(argv)
    sizes = TlogSizes(**json.loads(args.sizes))
    memory_child(args.directory, sizes, args.samples, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
