"""The independent verifier's benchmark: ``saksi verify`` of a national PPWP log.

==============  ==================================================  ============
case            what one item is                                    limit
==============  ==================================================  ============
pynacl.pool     ``VerifyKey.verify`` of one entry's signed message  (the limit)
                in a pool of one process per core
verify.log      one entry of ``saksi.verify.verify`` of the         pynacl.pool
                published log (a bare C2SP tlog-tiles folder)
verify.floor *  what no verifier of these checks avoids, in a pool  pynacl.pool
                of one process per core: ``json.loads`` of the
                entry, its leaf hash, ``VerifyKey.verify``, and the
                point check of a key a registration introduces
==============  ==================================================  ============

``verify.floor`` is context: the ratio a verifier could reach if reading the schema,
proving the canonical form, authorizing and folding cost nothing.

The log is the recapitulation's (:func:`bench.recap.ensure_log`: the manifest, 831,234
key registrations and 820,161 signed C.Hasil, 1,651,396 entries). It is published once,
untimed, with :class:`saksi.tlog.log.Log` (append, integrate: ``checkpoint`` and
``tile/...``) into the same cache, keyed by the log's parameters; the store is removed
afterwards (the verifier reads only the checkpoint and the tiles). The limit's signed
messages (public key, signature, ``saksi/statement/v1`` + JCS of the statement) are cut
from the entries once, untimed, into a file of their own.

``verify.log`` runs :func:`saksi.verify.verify` on that folder as ``saksi verify
DIR --log-key VKEY --regions ...`` would on a first run: the checkpoint's signature,
every tile and bundle against it (``verify_tiles``), every entry's canonical form and
signature on every core, the authorization replay and the fold, and the saved state.
A run that does not verify (exit status other than 0) fails the benchmark.

Both cases are timed in a fresh interpreter (``python -m bench.verify child``), rounds
interleaved. Its peak memory is ``VmHWM`` of that process (reset before each
verification through ``/proc/self/clear_refs``) plus the ``VmHWM`` of each process
under it while it verifies (the signature workers and the fork server), sampled a few
times a second: the sum bounds what the verification holds at once.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from .harness import Case, Measurement, Run
from .harness import loadavg as _loadavg
from .recap import RECAP_QUICK, RecapSizes, cache_dir, ensure_log, read_frames

PUBLISH_VERSION = 1
"""Part of the publication's cache key: bump it when the publication changes."""

NAMES = frozenset({"pynacl.pool", "verify.log", "verify.floor"})
"""This part's cases (``--only verify`` picks verify.log, its limit and the floor)."""

TARGET_RATIO = 0.7
"""Issue 6's target against the limit (out of reach: see docs/benchmarks.md)."""
TARGET_FLOOR_RATIO = 0.6
"""Issue 15's target: verify.log's rate over verify.floor's, measured in the same run."""
TARGET_MIB = 1024
CHUNK = 4096
"""Signed messages per task of the limit's pool."""
ORIGIN_SUFFIX = "/log"


@dataclass(frozen=True)
class VerifySizes:
    """The log to verify and how."""

    log: RecapSizes = field(default_factory=RecapSizes)
    workers: int | None = None  # VerifyOptions.workers (None: every core)

    def cache_key(self) -> str:
        return f"{self.log.cache_key()}-p{PUBLISH_VERSION}"


VERIFY_QUICK = VerifySizes(log=RECAP_QUICK)


def sizes_for(*, quick: bool, workers: int | None = None) -> VerifySizes:
    """The sizes ``--quick`` and ``--verify-workers`` ask for."""
    sizes = VERIFY_QUICK if quick else VerifySizes()
    if workers is not None:
        if workers < 0:
            raise SystemExit("--verify-workers must be 0 or more")
        sizes = replace(sizes, workers=workers)
    return sizes


# --- the publication and the limit's messages (untimed, cached) ---------------------


@dataclass(frozen=True)
class Published:
    """A published log in the cache, the limit's messages and what they hold."""

    folder: Path  # the bare log: checkpoint, tile/...
    messages: Path  # frames of key (32) + signature (64) + signed message
    meta: dict[str, Any]


_SUFFIX = b',"v":1}'
_LENGTH = struct.Struct(">I")


def signed_parts(entry: bytes) -> tuple[bytes, bytes, bytes]:
    """(public key, signature, signed message) of a canonical entry, cut from its bytes."""
    import base64

    from saksi.election.envelope import SIGNATURE_DOMAIN

    head = b'{"key":"'
    middle = entry.index(b'","sig":"', len(head))
    key = entry[len(head) : middle]
    stmt_at = entry.index(b'","stmt":', middle)
    sig = entry[middle + 9 : stmt_at]
    if not entry.endswith(_SUFFIX):
        raise ValueError("not a canonical entry")
    stmt = entry[stmt_at + 9 : -len(_SUFFIX)]
    return base64.b64decode(key), base64.b64decode(sig), SIGNATURE_DOMAIN + stmt


def _publish(sizes: VerifySizes, log_file: Path, part: Path, progress: TextIO | None) -> str:
    """Append every entry to a new :class:`Log` in ``part``, integrate; its vkey."""
    from saksi.sim.election import Authorities

    origin = Authorities(sizes.log.seed).origin + ORIGIN_SUFFIX
    return publish_tiles(origin, log_file, part, progress)


def publish_tiles(origin: str, log_file: Path, part: Path, progress: TextIO | None) -> str:
    """Every entry of the frame file ``log_file`` appended to a new :class:`Log` of
    ``origin`` in ``part`` and integrated (``checkpoint``, ``tile/...``); the store and
    the key removed; the log's vkey."""
    from saksi.store import open_store
    from saksi.tlog.log import Log

    log, vkey = Log.create(part, origin, open_store, durable=False)
    started = time.perf_counter()
    try:
        batch: list[bytes] = []
        done = 0
        for entry in read_frames(log_file):
            batch.append(entry)
            if len(batch) == 10_000:
                log.append(batch)
                done += len(batch)
                batch = []
                if progress is not None and done % 200_000 == 0:
                    elapsed = time.perf_counter() - started
                    print(f"  stored {done:,} entries ({elapsed:.0f} s)", file=progress, flush=True)
        log.append(batch)
        log.integrate()
    finally:
        log.close()
    shutil.rmtree(part / ".state")  # the store and the key: not part of a publication
    return vkey


def _messages(log_file: Path, out: Path) -> list[tuple[int, int]]:
    """Write the limit's messages; the (offset, count) of each task's slice."""
    tasks: list[tuple[int, int]] = []
    pack = _LENGTH.pack
    with out.open("wb") as f:
        start, count = 0, 0
        for entry in read_frames(log_file):
            key, sig, message = signed_parts(entry)
            f.write(pack(len(message)) + key + sig + message)
            count += 1
            if count == CHUNK:
                tasks.append((start, count))
                start, count = f.tell(), 0
        if count:
            tasks.append((start, count))
    return tasks


def ensure_published(
    sizes: VerifySizes, cache: str | Path | None, progress: TextIO | None
) -> Published:
    """The cached publication of the log for ``sizes``, built first if not there yet."""
    files = ensure_log(sizes.log, cache, progress)
    directory = cache_dir(cache)
    stem = directory / f"verify-{sizes.cache_key()}"
    folder, messages, meta = stem, stem.with_suffix(".messages"), stem.with_suffix(".json")
    if meta.exists() and folder.is_dir() and messages.exists():
        return Published(folder, messages, json.loads(meta.read_text(encoding="utf-8")))
    if progress is not None:
        print(
            f"  publishing the log ({files.meta['entries']:,} entries) as tiles into "
            f"{directory}: once, untimed; later runs reuse it",
            file=progress,
            flush=True,
        )
    started = time.perf_counter()
    tag = f".part{os.getpid()}"
    part, part_messages = stem.with_suffix(tag), stem.with_suffix(".messages" + tag)
    shutil.rmtree(part, ignore_errors=True)
    vkey = _publish(sizes, files.log, part, progress)
    tasks = _messages(files.log, part_messages)
    shutil.rmtree(folder, ignore_errors=True)
    part.replace(folder)
    part_messages.replace(messages)
    info = {
        **files.meta,
        "vkey": vkey,
        "tasks": tasks,
        "tile_mib": round(sum(p.stat().st_size for p in folder.rglob("*")) / 2**20, 1),
        "published_seconds": round(time.perf_counter() - started, 1),
    }
    part_meta = stem.with_suffix(".json" + tag)
    part_meta.write_text(json.dumps(info), encoding="utf-8")
    part_meta.replace(meta)  # last: its presence says the publication is complete
    return Published(folder, messages, info)


# --- the limit: raw PyNaCl verification on every core -------------------------------


def verify_slice(path: str, offset: int, count: int) -> int:
    """``VerifyKey.verify`` of ``count`` messages from ``offset``; how many verified."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    unpack = _LENGTH.unpack_from
    data = _read_at(path, offset, count * 2048)  # messages are under 2 KiB
    good, pos = 0, 0
    for _ in range(count):
        (size,) = unpack(data, pos)
        key, sig = data[pos + 4 : pos + 36], data[pos + 36 : pos + 100]
        message = data[pos + 100 : pos + 100 + size]
        pos += 100 + size
        try:
            VerifyKey(key).verify(message, sig)
            good += 1
        except BadSignatureError:
            pass
    return good


def floor_slice(path: str, offset: int, count: int, size: int) -> int:
    """The unavoidable work for the ``count`` entries in ``size`` bytes of the frame file
    from ``offset``: JSON parse, leaf hash, signature, and the new key's point check;
    how many passed."""
    import base64
    import hashlib

    from nacl.bindings import crypto_core_ed25519_is_valid_point
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    unpack, sha256, b64 = _LENGTH.unpack_from, hashlib.sha256, base64.b64decode
    data = _read_at(path, offset, size)
    good, pos = 0, 0
    for _ in range(count):
        (length,) = unpack(data, pos)
        entry = data[pos + 4 : pos + 4 + length]
        pos += 4 + length
        stmt = json.loads(entry)["stmt"]
        sha256(b"\x00" + entry).digest()
        key, sig, message = signed_parts(entry)
        try:
            VerifyKey(key).verify(message, sig)
        except BadSignatureError:
            continue
        if stmt["type"] != "key" or crypto_core_ed25519_is_valid_point(b64(stmt["key"])):
            good += 1
    return good


def frame_tasks(path: Path, per_task: int = CHUNK) -> list[tuple[int, int, int]]:
    """(offset, count, bytes) slices of a frame file, ``per_task`` entries each (untimed)."""
    tasks: list[tuple[int, int, int]] = []
    with path.open("rb") as f:
        start = offset = count = 0
        while header := f.read(4):
            (size,) = _LENGTH.unpack(header)
            offset += 4 + size
            f.seek(offset)
            count += 1
            if count == per_task:
                tasks.append((start, count, offset - start))
                start, count = offset, 0
    if count:
        tasks.append((start, count, offset - start))
    return tasks


def _read_at(path: str, offset: int, size: int) -> bytes:
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read(size)


def _ready(_: int) -> int:
    time.sleep(0.2)  # long enough that every worker takes one
    return os.getpid()


class Limit:
    """A pool of one process per core, started (and warmed) before it is timed."""

    def __init__(self, published: Published) -> None:
        import multiprocessing

        self.published = published
        cores = os.cpu_count() or 1
        self.pool = multiprocessing.get_context("forkserver").Pool(cores)
        # every worker started and imported; their pids are not the verifier's
        self.pids = frozenset(self.pool.map(_ready, range(cores), chunksize=1))

    def run(self) -> Run:
        path = str(self.published.messages)
        tasks = [(path, offset, count) for offset, count in self.published.meta["tasks"]]
        expected = self.published.meta["entries"]

        def run() -> None:
            good = sum(self.pool.starmap(verify_slice, tasks, chunksize=1))
            if good != expected:
                raise RuntimeError(f"{expected - good} signatures did not verify")

        return run

    def floor(self, log_file: Path) -> Run:
        """The floor's run over the recap's frame file (its slices found beforehand)."""
        tasks = [(str(log_file), *task) for task in frame_tasks(log_file)]
        expected = self.published.meta["entries"]

        def run() -> None:
            good = sum(self.pool.starmap(floor_slice, tasks, chunksize=1))
            if good != expected:
                raise RuntimeError(f"{expected - good} entries failed the floor's checks")

        return run

    def close(self) -> None:
        self.pool.close()
        self.pool.join()


# --- peak memory of a process and everything under it -------------------------------


def _status_kib(pid: int | str, field_name: str = "VmHWM:") -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field_name):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _children_of(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", encoding="ascii") as stat:
                    parents[int(name)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _cpu_seconds(pid: int) -> float:
    """The user and system CPU seconds of process ``pid`` so far (0.0 if gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


class Peaks:
    """Samples the ``VmHWM`` and the CPU seconds of every process under this one until
    stopped (the CPU of each as last seen: a process's last fraction of a second before
    it ends may be missed)."""

    def __init__(self, every: float = 0.2, exclude: frozenset[int] = frozenset()) -> None:
        self.every = every
        self.exclude = exclude
        self.peaks: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Peaks:
        try:  # reset this process's high-water mark to its current resident set
            with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
                clear.write("5")
        except OSError:
            pass
        self._thread.start()
        return self

    def _watch(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.every):
            for pid in _children_of(me) - self.exclude:
                kib = _status_kib(pid)
                if kib:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), kib)
                cpu = _cpu_seconds(pid)
                if cpu:
                    self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.main = _status_kib("self")


# --- the target: saksi verify of the published log ---------------------------------


def _verify(published: Published, hierarchy: Any, state: Path, workers: int | None) -> Run:
    from saksi.verify import Policy, VerifyOptions, verify

    options = VerifyOptions(
        policy=Policy.from_options(published.meta["vkey"], [], None),
        state_dir=state,
        regions=hierarchy.canonical_bytes(),
        workers=workers,
    )

    def run() -> None:
        report = verify(published.folder, options)
        if report.exit_code != 0 or report.counts.get("entries") != published.meta["entries"]:
            found = [f"{f.code}: {f.message_en}" for f in report.findings.kept[:5]]
            raise RuntimeError(f"the log did not verify (status {report.exit_code}): {found}")

    return run


def _timed(run: Run) -> tuple[float, float]:
    """(wall seconds, this process's CPU seconds) of ``run``."""
    import gc

    gc.collect()
    cpu = time.process_time()
    started = time.perf_counter()
    run()
    return time.perf_counter() - started, time.process_time() - cpu


def child(
    sizes: VerifySizes, cache: str | None, names: Sequence[str], repeats: int
) -> dict[str, Any]:
    """Every chosen case in this (fresh) process, rounds interleaved, with peak memory."""
    from saksi.election.synthetic import synthetic_hierarchy

    published = ensure_published(sizes, cache, None)
    hierarchy = synthetic_hierarchy(scale=sizes.log.scale, seed=sizes.log.seed)
    order = ("pynacl.pool", "verify.floor", "verify.log")
    rounds: dict[str, list[float]] = {n: [] for n in order if n in names}
    out: dict[str, Any] = {"loadavg_start": _loadavg(), "rounds": rounds, "verify_rounds": []}
    limit = Limit(published) if {"pynacl.pool", "verify.floor"} & set(rounds) else None
    floor = None
    if limit is not None and "verify.floor" in rounds:
        floor = limit.floor(ensure_log(sizes.log, cache, None).log)
    try:
        with tempfile.TemporaryDirectory(prefix="saksi-bench-verify-") as tmp:
            for number in range(repeats):
                for name, times in rounds.items():
                    if name == "pynacl.pool":
                        assert limit is not None
                        times.append(_timed(limit.run())[0])
                        continue
                    if name == "verify.floor":
                        assert floor is not None
                        times.append(_timed(floor)[0])
                        continue
                    state = Path(tmp) / f"state-{number}"
                    run = _verify(published, hierarchy, state, sizes.workers)
                    load = _loadavg()
                    with Peaks(exclude=limit.pids if limit is not None else frozenset()) as peaks:
                        seconds, cpu = _timed(run)
                    times.append(seconds)
                    workers = sorted(peaks.peaks.values(), reverse=True)
                    out["verify_rounds"].append(
                        {
                            "seconds": round(seconds, 3),
                            "main_cpu_seconds": round(cpu, 2),
                            "loadavg_before": load,
                            "loadavg_after": _loadavg(),
                            "main_peak_mib": round(peaks.main / 1024, 1),
                            "children_peak_mib": [round(k / 1024, 1) for k in workers],
                            "peak_mib": round((peaks.main + sum(workers)) / 1024, 1),
                        }
                    )
                    shutil.rmtree(state, ignore_errors=True)
    finally:
        if limit is not None:
            limit.close()
    out["loadavg_end"] = _loadavg()
    out["log"] = {k: v for k, v in published.meta.items() if k not in ("tasks", "vkey")}
    return out


# --- the parent's side --------------------------------------------------------------


def cases(sizes: VerifySizes, cache: str | Path | None = None) -> list[Case]:
    """This part's cases; they run in a child process (:func:`measure`)."""

    def elsewhere() -> Run:
        raise RuntimeError("this part's cases run in a child process: bench.verify.measure")

    workers = "every core" if sizes.workers is None else f"{sizes.workers} workers"
    return [
        Case(
            "pynacl.pool",
            "VerifyKey.verify of each entry's signed message, one process per core",
            0,
            elsewhere,
        ),
        Case(
            "verify.log",
            f"saksi verify of the published log: checkpoint, tiles, signatures ({workers}), "
            "authorization and the fold",
            0,
            elsewhere,
            limit="pynacl.pool",
        ),
        Case(
            "verify.floor",
            "what no verifier avoids (JSON parse, leaf hash, signature, new keys' point "
            "check), one process per core",
            0,
            elsewhere,
            limit="pynacl.pool",
            context=True,
        ),
    ]


def measure(
    chosen: Sequence[Case],
    sizes: VerifySizes,
    *,
    repeats: int,
    cache: str | Path | None = None,
    log: TextIO | None = None,
) -> tuple[list[Measurement], dict[str, Any]]:
    """Publish (or find) the log, then time this part's ``chosen`` cases in a child."""
    mine = [case for case in chosen if case.name in NAMES]
    if not mine:
        return [], {}
    published = ensure_published(sizes, cache, log)
    names = [case.name for case in mine]
    command = [
        sys.executable, "-m", "bench.verify", "child", "--sizes", _sizes_json(sizes),
        "--cache", str(cache_dir(cache)), "--repeats", str(repeats), *names,
    ]  # fmt: skip
    if log is not None:
        print(
            f"  verify: {published.meta['entries']:,} entries in a child process, "
            f"{repeats} round(s); load {_loadavg()}",
            file=log,
            flush=True,
        )
    done = subprocess.run(
        command, stdout=subprocess.PIPE, text=True, check=True, cwd=Path(__file__).parent.parent
    )
    result = json.loads(done.stdout)
    entries = published.meta["entries"]
    measurements = [
        Measurement(replace(case, items=entries), tuple(result["rounds"][case.name]))
        for case in mine
        if result["rounds"].get(case.name)
    ]
    extra = {key: result[key] for key in result if key != "rounds"}
    extra["sizes"] = json.loads(_sizes_json(sizes))
    return measurements, extra


def _sizes_json(sizes: VerifySizes) -> str:
    return json.dumps(asdict(sizes))


def _sizes_from_json(text: str) -> VerifySizes:
    raw = json.loads(text)
    return VerifySizes(log=RecapSizes(**raw.get("log", {})), workers=raw.get("workers"))


def floor_ratio(row: dict[str, Any], floor: dict[str, Any] | None) -> float | None:
    """verify.log's rate over verify.floor's (same run), or None without the floor."""
    if floor is None or not floor.get("rate_per_second") or not row.get("rate_per_second"):
        return None
    return float(row["rate_per_second"]) / float(floor["rate_per_second"])


def print_extras(results: dict[str, Any], out: TextIO) -> None:
    """The verification against its two targets, and its peak memory."""
    extra = results["verify"]
    rows = {r["name"]: r for r in results["results"]}
    row = rows.get("verify.log")
    if row is None or not extra.get("verify_rounds"):
        return
    national = extra["log"]["scale"] == 1.0 and extra["log"]["forms"] == 820_161
    best = min(extra["verify_rounds"], key=lambda r: r["seconds"])
    peak = max(r["peak_mib"] for r in extra["verify_rounds"])

    def verdict(ok: bool) -> str:
        return ("met" if ok else "NOT met") if national else "national log only"

    ratio = row["ratio"]
    ratio_text = "-" if ratio is None else f"{ratio:.3f}"
    floor = rows.get("verify.floor")
    of_floor = floor_ratio(row, floor)
    floor_text = (
        ""
        if of_floor is None
        else f"; to verify.floor {of_floor:.3f}, target >= {TARGET_FLOOR_RATIO}: "
        f"{verdict(of_floor >= TARGET_FLOOR_RATIO)}"
    )
    print(
        f"verify.log: {row['items']:,} entries in {row['best_seconds']:,.1f} s "
        f"({row['rate_per_second']:,.0f}/s; ratio to pynacl.pool {ratio_text}, target >= "
        f"{TARGET_RATIO}: {verdict(ratio is not None and ratio >= TARGET_RATIO)}{floor_text}); "
        f"peak memory {peak:,.0f} MiB (this process {best['main_peak_mib']:,.0f} MiB + "
        f"{len(best['children_peak_mib'])} processes under it "
        f"{sum(best['children_peak_mib']):,.0f} MiB; target < {TARGET_MIB:,} MiB: "
        f"{verdict(peak < TARGET_MIB)}); load {extra['loadavg_start']} at the start, "
        f"{extra['loadavg_end']} at the end",
        file=out,
    )


# --- python -m bench.verify child --sizes JSON [--cache DIR] [--repeats K] NAME... ---


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.verify", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("child", help="time the named cases in this process; JSON to stdout")
    c.add_argument("names", nargs="+")
    c.add_argument("--sizes", default="{}", help="VerifySizes fields as JSON")
    c.add_argument("--cache", default=None)
    c.add_argument("--repeats", type=int, default=1)
    g = sub.add_parser("publish", help="publish (or find) the cached log; print its facts")
    g.add_argument("--sizes", default="{}")
    g.add_argument("--cache", default=None)
    args = p.parse_args(argv)
    sizes = _sizes_from_json(args.sizes)
    if args.command == "publish":
        published = ensure_published(sizes, args.cache, sys.stderr)
        facts = {k: v for k, v in published.meta.items() if k != "tasks"}
        print(json.dumps({"folder": str(published.folder), **facts}, indent=2))
        return 0
    json.dump(child(sizes, args.cache, args.names, args.repeats), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
