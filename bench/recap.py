"""The recapitulation's benchmarks: a national log folded to totals, and the cost of one more entry.

==================  ==================================================  =================
case                what one item is                                    limit
==================  ==================================================  =================
json.sha256.recap   ``json.loads`` + SHA-256 leaf hash of one entry     (the limit)
recap.replay        one entry of ``Recap.replay(workers=2)`` (the       json.sha256.recap
                    whole log; key registrations read in two workers)
recap.replay.one *  the same in one process (``workers=0``)             (context)
recap.apply         ``Recap.apply_entry`` of one correction on a recap  json.sha256.recap
                    that already holds the national log
==================  ==================================================  =================

The log is the issue's: a national PPWP election (``synthetic_hierarchy(scale=1.0)``,
823,366 TPS), its manifest, the key tree of :class:`saksi.sim.election.Authorities`
(the keys :class:`saksi.sim.logbook.Logbook` signs with) and 820,161 signed C.Hasil
(one per TPS for all but 3,205 TPS, in a shuffled arrival order), then a tail of
corrections for the incremental figure. Signing 1.65 M entries takes minutes: it is
done untimed, in worker processes, and cached in a file keyed by the parameters
(:func:`ensure_log`), so a second run starts at once.

``recap.apply`` splits the tail into as many slices as there are rounds, one slice a
round (a correction can be applied only once). Every figure is measured in a fresh
interpreter (``python -m bench.recap child``) that reads the log from the cache file as
it goes, so its peak resident set (``VmHWM``) is the fold's own: the hierarchy, the
recap and the Python runtime (the reading workers' memory is their own, not in it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from saksi.election.codes import Level
from saksi.election.envelope import sign_statement
from saksi.election.legislative import Contests
from saksi.election.regions import Hierarchy
from saksi.election.statements import CHasil, Correction, EntryRef
from saksi.election.synthetic import synthetic_hierarchy
from saksi.sim.election import Authorities
from saksi.sim.logbook import CORRECTION_AT
from saksi.sim.tally import consistent_form

from .harness import Case, Measurement, Run
from .harness import loadavg as _loadavg

GENERATOR_VERSION = 1
"""Part of the cache key: bump it whenever the generated entries change."""

SHARES = (0.25, 0.58, 0.17)
NATIONAL_FORMS = 820_161
"""The issue's count of c-hasil entries in a national PPWP log."""
CHUNK = 4000
"""TPS per task of a generating worker."""


@dataclass(frozen=True)
class RecapSizes:
    """The log the recapitulation's cases fold."""

    scale: float = 1.0  # of the 2024 hierarchy: 823,366 TPS
    forms: int | None = NATIONAL_FORMS  # c-hasil entries (None: one per TPS)
    corrections: int = 2000  # the tail applied one entry at a time (recap.apply)
    seed: int = 2024
    workers: int = 2  # processes signing the log (untimed)
    replay_workers: int = 2  # recap.replay's Recap.replay(workers=...) (recap.replay.one: 0)
    publish_durable: bool = False  # Publisher(durable=...): fsync each of ~100,000 files

    def cache_key(self) -> str:
        wanted = {
            "v": GENERATOR_VERSION,
            "scale": self.scale,
            "forms": self.forms,
            "corrections": self.corrections,
            "seed": self.seed,
        }
        return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()[:16]


RECAP_QUICK = RecapSizes(scale=0.0005, forms=400, corrections=50, workers=1, replay_workers=1)

NAMES = frozenset({"json.sha256.recap", "recap.replay", "recap.replay.one", "recap.apply"})
"""This part's cases (``--only recap`` picks recap.replay, recap.apply and their limit)."""


def sizes_for(
    *,
    quick: bool,
    forms: int | None = None,
    scale: float | None = None,
    workers: int | None = None,
    durable: bool = False,
) -> RecapSizes:
    """The sizes ``--quick``, ``--recap-forms``, ``--recap-scale``, ``--recap-workers``
    and ``--publish-durable`` ask for."""
    sizes = RECAP_QUICK if quick else RecapSizes()
    if workers is not None:
        if workers < 0:
            raise SystemExit("--recap-workers must be 0 or more")
        sizes = replace(sizes, replay_workers=workers)
    if durable:
        sizes = replace(sizes, publish_durable=True)
    if scale is not None:
        sizes = replace(sizes, scale=scale, forms=None)
    if forms is not None:
        if forms < 1:
            raise SystemExit("--recap-forms must be at least 1")
        sizes = replace(sizes, forms=forms)
    return sizes


# --- the log file: 4-byte big-endian length, then the entry ------------------------

_LENGTH = struct.Struct(">I")


def write_frames(out: BinaryIO, entries: Iterable[bytes]) -> int:
    count = 0
    pack = _LENGTH.pack
    for entry in entries:
        out.write(pack(len(entry)))
        out.write(entry)
        count += 1
    return count


def read_frames(path: Path, block: int = 1 << 22) -> Iterator[bytes]:
    """Every entry of a frame file, in order, read a few MiB at a time."""
    unpack = _LENGTH.unpack_from
    with path.open("rb") as f:
        rest = b""
        while more := f.read(block):
            buffer = rest + more if rest else more
            pos, end = 0, len(buffer)
            while pos + 4 <= end:
                (size,) = unpack(buffer, pos)
                stop = pos + 4 + size
                if stop > end:
                    break
                yield buffer[pos + 4 : stop]
                pos = stop
            rest = buffer[pos:]
        if rest:
            raise ValueError(f"{path}: a truncated entry at the end")


# --- generating the log (untimed, in worker processes) ------------------------------


@dataclass(frozen=True)
class LogFiles:
    """A generated log in the cache: the log itself, the tail, and what they hold."""

    log: Path
    tail: Path
    meta: dict[str, Any]


def cache_dir(cache: str | Path | None) -> Path:
    return Path(cache) if cache is not None else Path(tempfile.gettempdir()) / "saksi-bench-recap"


def key_chunk(seed: int, tps_codes: Sequence[str]) -> list[bytes]:
    """The KPPS key registrations of ``tps_codes`` (a task of a generating worker)."""
    keys = Authorities(seed)
    return [
        keys.register(
            f"kpu-kab-{tps[:4]}", keys.kpps(tps), "kpps", tps, label=f"HP KPPS {tps}"
        ).to_bytes()
        for tps in tps_codes
    ]


def _form_chunk(
    seed: int, items: Sequence[tuple[str, int, bool]]
) -> tuple[list[bytes], list[bytes]]:
    """(c-hasil entries, corrections): ``items`` are (tps, its index, corrected?)."""
    keys = Authorities(seed)
    forms: list[bytes] = []
    corrections: list[bytes] = []
    for tps, index, corrected in items:
        rng = random.Random(f"{seed}/{tps}")
        photo = hashlib.sha256(f"{seed}/{tps}/1".encode()).hexdigest()
        form = consistent_form(rng, shares=SHARES, photos=(photo,))
        minute = rng.randrange(7 * 60, 13 * 60)
        at = f"2024-02-14T{minute // 60:02d}:{minute % 60:02d}:{rng.randrange(60):02d}Z"
        stmt = CHasil(
            type="c-hasil", election=keys.origin, at=at, tps=tps, contest="ppwp", form=form
        )
        env = sign_statement(stmt, keys.kpps(tps))
        forms.append(env.to_bytes())
        if corrected:
            fixed = consistent_form(rng, shares=SHARES, photos=(photo,))
            correction = Correction(
                type="correction", election=keys.origin, at=CORRECTION_AT, tps=tps,
                contest="ppwp", corrects=EntryRef(index=index, leaf_hash=env.leaf_hash_hex),
                form=fixed, reason="salah hitung",
            )  # fmt: skip
            corrections.append(
                sign_statement(correction, keys.key(f"kpu-kab-{tps[:4]}")).to_bytes()
            )
    return forms, corrections


def _chunks(items: Sequence[Any], size: int = CHUNK) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def head_entries(
    keys: Authorities, hierarchy: Hierarchy, contests: Contests | None = None
) -> list[bytes]:
    """The manifest (format v2 with ``contests``) and the key tree above the KPPS
    (provinces, kab/kota, PPK)."""
    out = [keys.manifest(hierarchy, contests).to_bytes()]
    for env in keys.key_tree(hierarchy, set()):
        if env.stmt.type == "key" and getattr(env.stmt, "role", "") == "kpps":
            break
        out.append(env.to_bytes())
    above = {Level.PROVINSI, Level.KABKOTA, Level.KECAMATAN}
    assert len(out) == 1 + sum(len(list(hierarchy.codes(level))) for level in above)
    return out


def _head(sizes: RecapSizes) -> list[bytes]:
    hierarchy = synthetic_hierarchy(scale=sizes.scale, seed=sizes.seed)
    return head_entries(Authorities(sizes.seed), hierarchy)


def generate(sizes: RecapSizes, log: Path, tail: Path, progress: TextIO | None) -> dict[str, Any]:
    """Write the log and its tail of corrections; returns what they hold."""
    hierarchy = synthetic_hierarchy(scale=sizes.scale, seed=sizes.seed)
    tps_codes = list(hierarchy.iter_tps())
    rng = random.Random(sizes.seed)
    arrivals = list(tps_codes)
    rng.shuffle(arrivals)
    arrivals = arrivals[: sizes.forms] if sizes.forms is not None else arrivals
    corrected = set(rng.sample(arrivals, min(sizes.corrections, len(arrivals))))
    head = _head(sizes)
    base = len(head) + len(tps_codes)  # the index of the first c-hasil
    items = [(tps, base + i, tps in corrected) for i, tps in enumerate(arrivals)]
    started = time.perf_counter()
    done = 0

    def note(count: int, what: str) -> None:
        nonlocal done
        done += count
        if progress is not None and done % (CHUNK * 25) < count:
            print(
                f"  generated {done:,} {what} ({time.perf_counter() - started:.0f} s)",
                file=progress,
                flush=True,
            )

    with log.open("wb") as out, tail.open("wb") as tail_out:
        entries = write_frames(out, head)
        with ProcessPoolExecutor(max_workers=max(1, sizes.workers)) as pool:
            seeds = [sizes.seed] * len(tps_codes)
            for chunk in pool.map(key_chunk, seeds, _chunks(tps_codes)):
                entries += write_frames(out, chunk)
                note(len(chunk), "key registrations")
            done = 0
            corrections = 0
            for forms, fixes in pool.map(_form_chunk, seeds, _chunks(items)):
                entries += write_frames(out, forms)
                corrections += write_frames(tail_out, fixes)
                note(len(forms), "c-hasil")
    return {
        "scale": sizes.scale,
        "seed": sizes.seed,
        "tps": len(tps_codes),
        "entries": entries,
        "key_entries": len(head) - 1 + len(tps_codes),
        "forms": len(items),
        "corrections": corrections,
        "log_bytes": log.stat().st_size - 4 * entries,
        "generated_seconds": round(time.perf_counter() - started, 1),
    }


def ensure_log(sizes: RecapSizes, cache: str | Path | None, progress: TextIO | None) -> LogFiles:
    """The cached log for ``sizes``, generated first if it is not there yet."""
    directory = cache_dir(cache)
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"recap-{sizes.cache_key()}"
    log, tail, meta = (stem.with_suffix(s) for s in (".log", ".tail", ".json"))
    if meta.exists() and log.exists() and tail.exists():
        return LogFiles(log, tail, json.loads(meta.read_text(encoding="utf-8")))
    if progress is not None:
        print(
            f"  generating the recap log (scale {sizes.scale}) into {directory}: "
            "once, untimed; later runs reuse it",
            file=progress,
            flush=True,
        )
    part = f".part{os.getpid()}"  # two runs generating at once each write their own
    part_log, part_tail = stem.with_suffix(".log" + part), stem.with_suffix(".tail" + part)
    info = generate(sizes, part_log, part_tail, progress)
    part_log.replace(log)
    part_tail.replace(tail)
    part_meta = stem.with_suffix(".json" + part)
    part_meta.write_text(json.dumps(info, indent=2), encoding="utf-8")
    part_meta.replace(meta)  # last: its presence says the log is complete
    return LogFiles(log, tail, info)


# --- the cases (timed in a child process: python -m bench.recap child) --------------


def _limit(log: Path) -> Run:
    def run() -> None:
        loads, sha256 = json.loads, hashlib.sha256
        for entry in read_frames(log):
            loads(entry)
            sha256(b"\x00" + entry).digest()

    return run


class Folder:
    """The child's state: the hierarchy, and the recap the latest replay built."""

    def __init__(self, sizes: RecapSizes, files: LogFiles) -> None:
        self.sizes = sizes
        self.files = files
        self.hierarchy = synthetic_hierarchy(scale=sizes.scale, seed=sizes.seed)
        self.recap: Any = None

    def replay(self, workers: int | None = None) -> Run:
        from saksi.recap.fold import Recap

        self.recap = None  # the previous round's recap goes before the next is built
        chosen = self.sizes.replay_workers if workers is None else workers

        def run() -> None:
            self.recap = Recap.replay(self.hierarchy, read_frames(self.files.log), workers=chosen)

        return run


def cases(sizes: RecapSizes, cache: str | Path | None = None) -> list[Case]:
    """This part's cases; their ``items`` are filled in from the log once it exists."""

    def in_process(name: str) -> Callable[[], Run]:
        def prepare() -> Run:
            files = ensure_log(sizes, cache, sys.stderr)
            if name == "json.sha256.recap":
                return _limit(files.log)
            return Folder(sizes, files).replay(0 if name == "recap.replay.one" else None)

        return prepare

    workers = f", {sizes.replay_workers} reading workers" if sizes.replay_workers else ""
    return [
        Case(
            "json.sha256.recap",
            "json.loads + SHA-256 leaf hash of each entry of the log (read from its file)",
            0,
            in_process("json.sha256.recap"),
        ),
        Case(
            "recap.replay",
            f"Recap.replay of the whole national log to totals{workers}",
            0,
            in_process("recap.replay"),
            limit="json.sha256.recap",
        ),
        Case(
            "recap.replay.one",
            "the same replay in one process (workers=0)",
            0,
            in_process("recap.replay.one"),
            context=True,
        ),
        Case(
            "recap.apply",
            "Recap.apply_entry of one correction on a recap holding the national log",
            0,
            in_process("recap.apply"),
            limit="json.sha256.recap",
        ),
    ]


def _timed(run: Run) -> float:
    import gc

    gc.collect()
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _apply_each(recap: Any, entries: Sequence[bytes]) -> list[float]:
    import gc

    gc.collect()  # as before every timed call (the first pass walks the whole recap)
    clock = time.perf_counter
    seconds = []
    for entry in entries:
        started = clock()
        recap.apply_entry(entry)
        seconds.append(clock() - started)
    return seconds


def _publish(recap: Any, files: LogFiles, directory: Path, durable: bool) -> dict[str, Any]:
    """Time ``Publisher.publish`` of everything (``touched=None``) from a checkpoint of
    the log and the part of its tail the recap holds (the root computed untimed)."""
    import importlib.util

    if importlib.util.find_spec("saksi.recap.publish") is None:
        return {"skipped": "saksi/recap/publish.py does not exist"}
    from saksi.recap.publish import Publisher
    from saksi.tlog.checkpoint import Checkpoint
    from saksi.tlog.hashes import leaf_hash
    from saksi.tlog.merkle import root

    tail = list(read_frames(files.tail))[: recap.size - files.meta["entries"]]
    entries = (e for part in (read_frames(files.log), tail) for e in part)
    checkpoint = Checkpoint(recap.manifest.election, recap.size, root(map(leaf_hash, entries)))
    started = time.perf_counter()
    published = Publisher(directory, durable=durable).publish(recap, checkpoint, touched=None)
    seconds = time.perf_counter() - started
    regions = sum(1 for p in directory.rglob("*.json") if p.is_file())
    return {
        "seconds": round(seconds, 3),
        "durable": durable,
        "files_written": len(published.files),
        "json_files": regions,
        "disk_mib": round(
            sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 2**20, 1
        ),
    }


def child(
    sizes: RecapSizes, cache: str | None, names: Sequence[str], repeats: int
) -> dict[str, Any]:
    """Every chosen case in this (fresh) process, rounds interleaved; then the tail and
    the publication on the last replay's recap, and this process's peak memory."""
    from .tlog import peak_rss_kib, percentiles

    files = ensure_log(sizes, cache, None)
    folder = Folder(sizes, files)
    baseline = peak_rss_kib()
    makers: dict[str, Callable[[], Run]] = {
        "json.sha256.recap": lambda: _limit(files.log),
        "recap.replay": folder.replay,
        "recap.replay.one": lambda: folder.replay(0),
    }
    rounds: dict[str, list[float]] = {n: [] for n in names if n in makers}
    cpu: dict[str, list[float]] = {}  # the folding process's own CPU time
    for _ in range(repeats):
        for name, times in rounds.items():
            cpu_before = time.process_time()
            times.append(_timed(makers[name]()))
            if name.startswith("recap.replay"):
                cpu.setdefault(name, []).append(round(time.process_time() - cpu_before, 2))
    out: dict[str, Any] = {"rounds": rounds, "log": files.meta}
    replay_peak = peak_rss_kib()
    if "recap.apply" in names or "recap.publish" in names:
        if folder.recap is None:
            folder.replay()()
            replay_peak = peak_rss_kib()
        if "recap.apply" in names:  # the tail in ``repeats`` slices, one a round
            tail = list(read_frames(files.tail))
            per = max(1, len(tail) // repeats)
            each = [
                _apply_each(folder.recap, tail[k * per : (k + 1) * per]) for k in range(repeats)
            ]
            rounds["recap.apply"] = [sum(part) for part in each]
            out["apply"] = percentiles([s for part in each for s in part])
        if "recap.publish" in names:
            with tempfile.TemporaryDirectory() as tmp:
                out["publish"] = _publish(folder.recap, files, Path(tmp), sizes.publish_durable)
    out["memory"] = {
        "baseline_mib": round(baseline / 1024, 1),
        "peak_mib": round(replay_peak / 1024, 1),
    }
    out["cpu_seconds"] = cpu
    out["loadavg"] = _loadavg()
    return out


# --- the parent's side --------------------------------------------------------------


def measure(
    chosen: Sequence[Case],
    sizes: RecapSizes,
    *,
    repeats: int,
    cache: str | Path | None = None,
    log: TextIO | None = None,
) -> tuple[list[Measurement], dict[str, Any]]:
    """Generate (or find) the log, then time this part's ``chosen`` cases in a child."""
    mine = [case for case in chosen if case.name in NAMES]
    if not mine:
        return [], {}
    files = ensure_log(sizes, cache, log)
    names = [case.name for case in mine]
    if "recap.replay" in names or "recap.apply" in names:
        names.append("recap.publish")
    command = [
        sys.executable, "-m", "bench.recap", "child", "--sizes", json.dumps(asdict(sizes)),
        "--cache", str(cache_dir(cache)), "--repeats", str(repeats), *names,
    ]  # fmt: skip
    if log is not None:
        print(
            f"  recap: {files.meta['entries']:,} entries in a child process, {repeats} round(s)",
            file=log,
            flush=True,
        )
    done = subprocess.run(
        command, stdout=subprocess.PIPE, text=True, check=True, cwd=Path(__file__).parent.parent
    )
    result = json.loads(done.stdout)
    items = {
        "json.sha256.recap": files.meta["entries"],
        "recap.replay.one": files.meta["entries"],
        "recap.replay": files.meta["entries"],
        "recap.apply": max(1, files.meta["corrections"] // repeats),  # one slice a round
    }
    measurements = [
        Measurement(replace(case, items=items[case.name]), tuple(result["rounds"][case.name]))
        for case in mine
        if result["rounds"].get(case.name)
    ]
    extra = {key: result[key] for key in result if key != "rounds"}
    extra["sizes"] = asdict(sizes)
    return measurements, extra


def print_extras(results: dict[str, Any], out: TextIO) -> None:
    """The replay against its targets, the incremental cost, the publication, memory."""
    extra = results["recap"]
    rows = {r["name"]: r for r in results["results"]}
    replay = rows.get("recap.replay")
    memory = extra["memory"]
    if replay is not None:
        seconds, peak = replay["best_seconds"], memory["peak_mib"]
        national = extra["log"]["scale"] == 1.0 and extra["log"]["forms"] == NATIONAL_FORMS
        time_verdict = ("met" if seconds < 60 else "NOT met") if national else "national log only"
        memory_verdict = ("met" if peak < 2048 else "NOT met") if national else "national log only"
        print(
            f"recap.replay: {replay['items']:,} entries ({extra['log']['forms']:,} c-hasil) in "
            f"{seconds:,.1f} s (target < 60 s: {time_verdict}); peak memory {peak:,.0f} MiB "
            f"(target < 2,048 MiB: {memory_verdict}; the hierarchy alone "
            f"{memory['baseline_mib']:,.0f} MiB)",
            file=out,
        )
    apply = extra.get("apply")
    if apply:
        print(
            f"recap.apply on the recap of the whole log: p50 {apply['p50_us']:,.0f} µs, "
            f"p99 {apply['p99_us']:,.0f} µs, max {apply['max_us']:,.0f} µs "
            f"({apply['count']:,} corrections)",
            file=out,
        )
    publish = extra.get("publish")
    if publish:
        if "skipped" in publish:
            print(f"recap.publish: not measured ({publish['skipped']})", file=out)
        else:
            size = extra["log"]["entries"] + extra["log"]["corrections"]
            print(
                f"recap.publish (everything, from a checkpoint of {size:,}): "
                f"{publish['files_written']:,} files written in {publish['seconds']:,.1f} s "
                f"({publish['disk_mib']:,.0f} MiB{'' if publish['durable'] else ', no fsync'})",
                file=out,
            )


# --- python -m bench.recap child --sizes JSON [--cache DIR] [--repeats K] NAME... ---


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.recap", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("child", help="time the named cases in this process; JSON to stdout")
    c.add_argument("names", nargs="+")
    c.add_argument("--sizes", default="{}", help="RecapSizes fields as JSON")
    c.add_argument("--cache", default=None)
    c.add_argument("--repeats", type=int, default=1)
    g = sub.add_parser("generate", help="generate (or find) the cached log; print its facts")
    g.add_argument("--sizes", default="{}")
    g.add_argument("--cache", default=None)
    args = p.parse_args(argv)
    sizes = RecapSizes(**json.loads(args.sizes))
    if args.command == "generate":
        files = ensure_log(sizes, args.cache, sys.stderr)
        print(json.dumps({"log": str(files.log), **files.meta}, indent=2))
        return 0
    json.dump(child(sizes, args.cache, args.names, args.repeats), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
