"""Issue 17's benchmark: a national five-contest log replayed to totals and seats, and verified.

=================  =================================================  ================
case               what one item is                                   limit
=================  =================================================  ================
json.sha256.five   ``json.loads`` + SHA-256 leaf hash of one entry    (the limit)
five.replay        one entry of ``Recap.replay`` of the whole log,    json.sha256.five
                   then the seats of every legislative contest
                   (:func:`saksi.recap.legislative_seats.contest_seats`)
five.apply         ``Recap.apply_entry`` of one legislative           json.sha256.five
                   correction on the recap of the whole log
five.verify        one entry of ``saksi verify`` of the log           json.sha256.five
                   published as a tile folder (its own totals and
                   seats of every contest)
=================  =================================================  ================

The log (:func:`ensure_log`, generated once, untimed, in worker processes, cached under
a key of its parameters like :func:`bench.recap.ensure_log`): the v2 manifest of
:class:`saksi.sim.election.Authorities` for ``synthetic_hierarchy(scale)`` and its
``synthetic_contests`` (PPWP and the four legislative contests), the key tree (KPU
Provinsi, Kab/Kota, PPK, one KPPS key per TPS), then, for every TPS but a few (the
recapitulation's share: 820,161 of 823,366 nationally), in a shuffled order of TPS, one
signed C.Hasil per contest the TPS votes in (:meth:`Contests.ballots`), each a
consistent form (``consistent_form``, ``consistent_legislative_form`` of its dapil's
ballot); a separate tail of legislative corrections (KPU Kab/Kota, citing the form in
force) for ``five.apply``. ``--five-scale S`` scales the hierarchy (1.0: national).

Each figure is measured in a fresh interpreter (``python -m bench.legislative_night
child``): the limit, the replay and seats and the corrections in one, with its peak
resident set (``VmHWM``) after the replay and seats; ``saksi verify`` in another, with
the peak of its process and of the processes under it (:class:`bench.verify.Peaks`).
Issue 17's targets, on the national log: replay and seats in under 5 minutes with peak
memory under 4 GiB; ``saksi verify`` in under 10 minutes.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import json
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, TextIO

from saksi.election.contests import ContestKind
from saksi.election.envelope import sign_statement
from saksi.election.legislative import Contests
from saksi.election.legislative_forms import Ballot
from saksi.election.regions import Hierarchy
from saksi.election.statements import CHasil, CHasilLegislatif, CorrectionLegislatif
from saksi.election.synthetic import synthetic_hierarchy
from saksi.election.synthetic_contests import synthetic_contests
from saksi.election.wire import parse_model
from saksi.sim.election import Authorities
from saksi.sim.legislative_tally import consistent_legislative_form
from saksi.sim.logbook import CORRECTION_AT
from saksi.sim.tally import consistent_form

from .harness import Case, Measurement, Run
from .harness import loadavg as _loadavg
from .recap import (
    NATIONAL_FORMS,
    SHARES,
    cache_dir,
    head_entries,
    key_chunk,
    read_frames,
    write_frames,
)

GENERATOR_VERSION = 1
"""Part of the cache key: bump it whenever the generated entries change."""
PUBLISH_VERSION = 1
NATIONAL_TPS = 823_366
"""TPS of ``synthetic_hierarchy(scale=1.0)``; 820,161 of them (NATIONAL_FORMS) vote."""
CHUNK = 800
"""TPS per task of a generating worker (about 4,000 forms)."""
ORIGIN_SUFFIX = "/log"
EXTRAPOLATE_FROM = 0.01
"""The smallest scale whose figures are extrapolated to the national log (below it the
first replay's fixed costs, about 2-4 s, dominate)."""
TARGET_REPLAY_SECONDS = 300
TARGET_REPLAY_MIB = 4096
TARGET_VERIFY_SECONDS = 600
LEGISLATIVE = (
    ContestKind.DPR,
    ContestKind.DPD,
    ContestKind.DPRD_PROV,
    ContestKind.DPRD_KABKOTA,
)

NAMES = frozenset({"json.sha256.five", "five.replay", "five.apply", "five.verify"})
"""This part's cases (``--only five`` picks them all)."""


@dataclass(frozen=True)
class FiveSizes:
    """The five-contest log and how it is measured."""

    scale: float = 1.0  # of the 2024 hierarchy: 823,366 TPS
    corrections: int = 2000  # the tail applied one entry at a time (five.apply)
    seed: int = 2024
    workers: int = 2  # processes signing the log (untimed)
    replay_workers: int = 1  # Recap.replay(workers=...): one reads the legislative forms
    verify_workers: int | None = None  # VerifyOptions.workers (None: every core)

    def cache_key(self) -> str:
        wanted = {
            "v": GENERATOR_VERSION,
            "scale": self.scale,
            "corrections": self.corrections,
            "seed": self.seed,
        }
        return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()[:16]

    def voting(self, tps: int) -> int:
        """How many of ``tps`` TPS send forms (the recapitulation's share)."""
        return max(1, round(tps * NATIONAL_FORMS / NATIONAL_TPS))

    @property
    def national(self) -> bool:
        return self.scale == 1.0


FIVE_QUICK = FiveSizes(scale=0.0005, corrections=30, workers=1)


def sizes_for(*, quick: bool, scale: float | None = None) -> FiveSizes:
    """The sizes ``--quick`` and ``--five-scale`` ask for."""
    sizes = FIVE_QUICK if quick else FiveSizes()
    if scale is not None:
        if not 0 < scale <= 1.0:
            raise SystemExit("--five-scale must be in (0, 1]")
        sizes = replace(sizes, scale=scale)
    return sizes


@cache
def world(scale: float, seed: int) -> tuple[Hierarchy, Contests]:
    """The synthetic hierarchy and its synthetic contests (once per process)."""
    hierarchy = synthetic_hierarchy(scale=scale, seed=seed)
    return hierarchy, synthetic_contests(hierarchy, seed)


# --- generating the log (untimed, in worker processes) ------------------------------


@dataclass(frozen=True)
class LogFiles:
    """A generated log in the cache: the log itself, the tail, and what they hold."""

    log: Path
    tail: Path
    meta: dict[str, Any]


def _tps_forms(
    keys: Authorities, contests: Contests, tps: str, index: int, corrected: bool
) -> tuple[list[bytes], list[bytes], list[str]]:
    """One TPS's C.Hasil (PPWP first, then its ballots in the contests file's order), the
    entry ``index`` onwards; with ``corrected``, a correction of one legislative form."""
    rng = random.Random(f"{keys.seed}/{tps}")
    minute = rng.randrange(7 * 60, 13 * 60)
    at = f"2024-02-14T{minute // 60:02d}:{minute % 60:02d}:{rng.randrange(60):02d}Z"
    photo = hashlib.sha256(f"{keys.seed}/{tps}/1".encode()).hexdigest()
    kpps = keys.kpps(tps)
    ppwp = CHasil(
        type="c-hasil", election=keys.origin, at=at, tps=tps, contest="ppwp",
        form=consistent_form(rng, shares=SHARES, photos=(photo,)),
    )  # fmt: skip
    forms = [sign_statement(ppwp, kpps).to_bytes()]
    contests_of = ["ppwp"]
    ballots = contests.ballots(tps)
    fix = rng.choice([k for k in LEGISLATIVE if k in ballots]) if corrected else None
    fixes: list[bytes] = []
    for kind, code in ballots.items():
        ballot = Ballot.of(contests.district_of(kind, tps))
        fields = {
            "type": "c-hasil", "election": keys.origin, "at": at, "tps": tps,
            "contest": kind.value, "district": code,
            "form": consistent_legislative_form(rng, ballot).model_dump(mode="json"),
        }  # fmt: skip
        env = sign_statement(parse_model(CHasilLegislatif, fields, "c-hasil"), kpps)
        forms.append(env.to_bytes())
        contests_of.append(kind.value)
        if kind is fix:
            fixed = {
                **fields, "type": "correction", "at": CORRECTION_AT, "reason": "salah hitung",
                "corrects": {"index": index + len(forms) - 1, "leaf_hash": env.leaf_hash_hex},
                "form": consistent_legislative_form(rng, ballot).model_dump(mode="json"),
            }  # fmt: skip
            stmt = parse_model(CorrectionLegislatif, fixed, "correction")
            fixes.append(sign_statement(stmt, keys.key(f"kpu-kab-{tps[:4]}")).to_bytes())
    return forms, fixes, contests_of


def form_chunk(
    scale: float, seed: int, items: Sequence[tuple[str, int, bool]]
) -> tuple[list[bytes], list[bytes], Counter[str]]:
    """(c-hasil entries, corrections, forms per contest) of ``items``: (tps, the index of
    its first form, corrected?)."""
    _, contests = world(scale, seed)
    keys = Authorities(seed)
    forms: list[bytes] = []
    fixes: list[bytes] = []
    counts: Counter[str] = Counter()
    for tps, index, corrected in items:
        assert index == items[0][1] + len(forms)
        mine, fixed, contests_of = _tps_forms(keys, contests, tps, index, corrected)
        forms += mine
        fixes += fixed
        counts.update(contests_of)
    return forms, fixes, counts


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def generate(sizes: FiveSizes, log: Path, tail: Path, progress: TextIO | None) -> dict[str, Any]:
    """Write the log and its tail of corrections; returns what they hold."""
    hierarchy, contests = world(sizes.scale, sizes.seed)
    tps_codes = list(hierarchy.iter_tps())
    rng = random.Random(sizes.seed)
    arrivals = list(tps_codes)
    rng.shuffle(arrivals)
    arrivals = arrivals[: sizes.voting(len(tps_codes))]
    corrected = set(rng.sample(arrivals, min(sizes.corrections, len(arrivals))))
    head = head_entries(Authorities(sizes.seed), hierarchy, contests)
    index = len(head) + len(tps_codes)  # the index of the first c-hasil
    items = []
    for tps in arrivals:
        items.append((tps, index, tps in corrected))
        index += 1 + len(contests.ballots(tps))
    started = time.perf_counter()
    counts: Counter[str] = Counter()

    def note(done: int, what: str) -> None:
        if progress is not None:
            elapsed = time.perf_counter() - started
            print(f"  generated {done:,} {what} ({elapsed:.0f} s)", file=progress, flush=True)

    with log.open("wb") as out, tail.open("wb") as tail_out:
        entries = write_frames(out, head)
        with ProcessPoolExecutor(max_workers=max(1, sizes.workers)) as pool:
            keyed = 0
            key_tasks = _chunks(tps_codes, 4000)
            for chunk in pool.map(key_chunk, [sizes.seed] * len(key_tasks), key_tasks):
                entries += write_frames(out, chunk)
                keyed += len(chunk)
            note(keyed, "key registrations")
            corrections = 0
            tasks = _chunks(items, CHUNK)
            seeds, scales = [sizes.seed] * len(tasks), [sizes.scale] * len(tasks)
            for number, (forms, fixes, counted) in enumerate(
                pool.map(form_chunk, scales, seeds, tasks), start=1
            ):
                entries += write_frames(out, forms)
                corrections += write_frames(tail_out, fixes)
                counts += counted
                if number % 50 == 0:
                    note(counts.total(), "c-hasil")
    if entries != index:
        raise RuntimeError(f"wrote {entries} entries, expected {index}")
    return {
        "scale": sizes.scale,
        "seed": sizes.seed,
        "tps": len(tps_codes),
        "tps_with_forms": len(items),
        "entries": entries,
        "key_entries": len(head) - 1 + len(tps_codes),
        "forms": counts.total(),
        "forms_by_contest": dict(counts),
        "dapil": {c.kind.value: len(c.districts) for c in contests.contests},
        "corrections": corrections,
        "log_bytes": log.stat().st_size - 4 * entries,
        "generated_seconds": round(time.perf_counter() - started, 1),
    }


def ensure_log(sizes: FiveSizes, cache: str | Path | None, progress: TextIO | None) -> LogFiles:
    """The cached log for ``sizes``, generated first if it is not there yet."""
    directory = cache_dir(cache)
    directory.mkdir(parents=True, exist_ok=True)
    stem = directory / f"five-{sizes.cache_key()}"
    log, tail, meta = (stem.with_suffix(s) for s in (".log", ".tail", ".json"))
    if meta.exists() and log.exists() and tail.exists():
        return LogFiles(log, tail, json.loads(meta.read_text(encoding="utf-8")))
    if progress is not None:
        print(
            f"  generating the five-contest log (scale {sizes.scale}) into {directory}: "
            "once, untimed; later runs reuse it",
            file=progress,
            flush=True,
        )
    part = f".part{os.getpid()}"  # two runs generating at once each write their own
    part_log, part_tail = stem.with_suffix(".log" + part), stem.with_suffix(".tail" + part)
    try:
        info = generate(sizes, part_log, part_tail, progress)
    except BaseException:
        part_log.unlink(missing_ok=True)
        part_tail.unlink(missing_ok=True)
        raise
    part_log.replace(log)
    part_tail.replace(tail)
    part_meta = stem.with_suffix(".json" + part)
    part_meta.write_text(json.dumps(info, indent=2), encoding="utf-8")
    part_meta.replace(meta)  # last: its presence says the log is complete
    return LogFiles(log, tail, info)


@dataclass(frozen=True)
class Published:
    """The log published as a bare tile folder (checkpoint, tile/...) and its vkey."""

    folder: Path
    meta: dict[str, Any]


def ensure_published(
    sizes: FiveSizes, cache: str | Path | None, progress: TextIO | None
) -> Published:
    """The cached tile folder of the log for ``sizes``, published first if not there."""
    from .verify import publish_tiles

    files = ensure_log(sizes, cache, progress)
    stem = cache_dir(cache) / f"five-{sizes.cache_key()}-p{PUBLISH_VERSION}"
    meta = stem.with_suffix(".json")
    if meta.exists() and stem.is_dir():
        return Published(stem, json.loads(meta.read_text(encoding="utf-8")))
    if progress is not None:
        print(
            f"  publishing the five-contest log ({files.meta['entries']:,} entries) as tiles: "
            "once, untimed",
            file=progress,
            flush=True,
        )
    started = time.perf_counter()
    part = stem.with_suffix(f".part{os.getpid()}")
    shutil.rmtree(part, ignore_errors=True)
    origin = Authorities(sizes.seed).origin + ORIGIN_SUFFIX
    vkey = publish_tiles(origin, files.log, part, progress)
    shutil.rmtree(stem, ignore_errors=True)
    part.replace(stem)
    info = {
        **files.meta,
        "vkey": vkey,
        "tile_mib": round(sum(p.stat().st_size for p in stem.rglob("*")) / 2**20, 1),
        "published_seconds": round(time.perf_counter() - started, 1),
    }
    part_meta = meta.with_suffix(f".json.part{os.getpid()}")
    part_meta.write_text(json.dumps(info), encoding="utf-8")
    part_meta.replace(meta)
    return Published(stem, info)


# --- the cases (timed in child processes: python -m bench.legislative_night child) ---


def _limit(log: Path) -> None:
    loads, sha256 = json.loads, hashlib.sha256
    for entry in read_frames(log):
        loads(entry)
        sha256(b"\x00" + entry).digest()


def replay_and_seats(sizes: FiveSizes, log: Path) -> tuple[Any, dict[str, Any], float]:
    """(the recap, the seats of every legislative contest, the seconds of the replay
    alone) of the whole log."""
    from saksi.recap.fold import Recap
    from saksi.recap.legislative_seats import contest_seats

    hierarchy, contests = world(sizes.scale, sizes.seed)
    started = time.perf_counter()
    recap = Recap.replay(
        hierarchy, read_frames(log), workers=sizes.replay_workers, contests=contests
    )
    replayed = time.perf_counter() - started
    seats = {c: contest_seats(recap, c) for c in recap.legislative_contests}
    return recap, seats, replayed


def _seats_facts(seats: dict[str, Any]) -> dict[str, Any]:
    return {
        contest: {
            "dapil": len(s.dapil),
            "seats": sum(d.seats for d in s.dapil.values()),
            "elected": len(s.result.elected),
            "provisional_dapil": len(s.provisional_dapil),
            "ties": len(s.result.ties),
        }
        for contest, s in seats.items()
    }


def child_replay(
    sizes: FiveSizes, cache: str | None, names: Sequence[str], repeats: int
) -> dict[str, Any]:
    """The limit and the replay with seats, rounds interleaved, then the corrections on
    the last replay's recap; this process's peak memory after the replay and seats."""
    from .recap import _apply_each
    from .tlog import peak_rss_kib, percentiles
    from .verify import Peaks

    files = ensure_log(sizes, cache, None)
    world(sizes.scale, sizes.seed)
    baseline = peak_rss_kib()
    replaying = {"five.replay", "five.apply"} & set(names)
    kept = ("json.sha256.five", "five.replay") if replaying else ("json.sha256.five",)
    rounds: dict[str, list[float]] = {n: [] for n in kept}
    split: list[dict[str, Any]] = []
    recap: Any = None
    seats: dict[str, Any] = {}
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        _limit(files.log)
        rounds["json.sha256.five"].append(time.perf_counter() - started)
        if not replaying:
            continue  # the limit alone (for five.verify)
        recap, seats = None, {}  # the previous round's recap goes before the next is built
        gc.collect()
        with Peaks() as workers:
            cpu, started = time.process_time(), time.perf_counter()
            recap, seats, replayed = replay_and_seats(sizes, files.log)
            seconds = time.perf_counter() - started
        rounds["five.replay"].append(seconds)
        split.append(
            {
                "replay_seconds": round(replayed, 3),
                "seats_seconds": round(seconds - replayed, 3),
                "cpu_seconds": round(time.process_time() - cpu, 2),
                "workers_cpu_seconds": sorted(
                    (round(c, 1) for c in workers.cpu.values()), reverse=True
                ),
                "workers_peak_mib": sorted(
                    (round(k / 1024, 1) for k in workers.peaks.values()), reverse=True
                ),
                "loadavg_after": _loadavg(),
            }
        )
    out: dict[str, Any] = {"rounds": rounds}
    if split:
        out |= {"split": split, "seats": _seats_facts(seats)}
    replay_peak = peak_rss_kib()
    if "five.apply" in names:  # the tail in ``repeats`` slices, one a round
        tail = list(read_frames(files.tail))
        per = max(1, len(tail) // repeats)
        each = [_apply_each(recap, tail[k * per : (k + 1) * per]) for k in range(repeats)]
        rounds["five.apply"] = [sum(part) for part in each]
        out["apply"] = percentiles([s for part in each for s in part])
    workers_peak = max((sum(r["workers_peak_mib"]) for r in split), default=0.0)
    out["memory"] = {
        "baseline_mib": round(baseline / 1024, 1),
        "process_peak_mib": round(replay_peak / 1024, 1),
        "workers_peak_mib": workers_peak,
        "peak_mib": round(replay_peak / 1024 + workers_peak, 1),
    }
    out["log"] = files.meta
    out["loadavg"] = _loadavg()
    return out


class _Every:
    """A verification's progress to stderr, at most once every ``seconds`` (a long
    national run that is stopped still says how far it got and how fast)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.last = time.perf_counter()

    def __call__(self, progress: Any) -> None:
        now = time.perf_counter()
        if now - self.last >= self.seconds:
            self.last = now
            print(
                f"  verify: {progress.done:,} of {progress.total:,} entries "
                f"({progress.rate:,.0f}/s); load {_loadavg()}",
                file=sys.stderr,
                flush=True,
            )


def child_verify(sizes: FiveSizes, cache: str | None, repeats: int) -> dict[str, Any]:
    """``saksi verify`` of the published log, ``repeats`` times, each from a fresh state;
    the peak memory of this process and of every process under it."""
    from saksi.verify import Policy, VerifyOptions, verify

    from .verify import Peaks

    published = ensure_published(sizes, cache, None)
    hierarchy, contests = world(sizes.scale, sizes.seed)
    times: list[float] = []
    rounds: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="saksi-bench-five-") as tmp:
        for number in range(repeats):
            options = VerifyOptions(
                policy=Policy.from_options(published.meta["vkey"], [], None),
                state_dir=Path(tmp) / f"state-{number}",
                regions=hierarchy.canonical_bytes(),
                contests=contests.canonical_bytes(),
                workers=sizes.verify_workers,
                progress=_Every(60.0),
            )
            load = _loadavg()
            gc.collect()
            with Peaks() as peaks:
                cpu, started = time.process_time(), time.perf_counter()
                report = verify(published.folder, options)
                seconds = time.perf_counter() - started
            entries = report.counts.get("entries")
            if report.exit_code != 0 or entries != published.meta["entries"]:
                found = [f"{f.code}: {f.message_en}" for f in report.findings.kept[:5]]
                raise RuntimeError(
                    f"the log did not verify (status {report.exit_code}, {entries} entries): "
                    f"{found}"
                )
            times.append(seconds)
            workers = sorted(peaks.peaks.values(), reverse=True)
            rounds.append(
                {
                    "seconds": round(seconds, 3),
                    "main_cpu_seconds": round(time.process_time() - cpu, 2),
                    "loadavg_before": load,
                    "loadavg_after": _loadavg(),
                    "main_peak_mib": round(peaks.main / 1024, 1),
                    "children_peak_mib": [round(k / 1024, 1) for k in workers],
                    "peak_mib": round((peaks.main + sum(workers)) / 1024, 1),
                    "seats_contests": sorted(report.seats),
                }
            )
            shutil.rmtree(options.state_dir, ignore_errors=True)
    return {"rounds": {"five.verify": times}, "verify_rounds": rounds}


def profile_replay(
    sizes: FiveSizes, cache: str | None, top: int, out: TextIO, *, verifier: bool = False
) -> None:
    """The replay with seats (or, with ``verifier``, ``saksi verify`` with no signature
    workers) once under cProfile; its top functions by own and by cumulative time."""
    files = ensure_log(sizes, cache, out)
    world(sizes.scale, sizes.seed)
    profiler = cProfile.Profile()
    if verifier:
        from saksi.verify import Policy, VerifyOptions, verify

        published = ensure_published(sizes, cache, out)
        hierarchy, contests = world(sizes.scale, sizes.seed)
        with tempfile.TemporaryDirectory(prefix="saksi-bench-five-") as tmp:
            options = VerifyOptions(
                policy=Policy.from_options(published.meta["vkey"], [], None),
                state_dir=Path(tmp) / "state",
                regions=hierarchy.canonical_bytes(),
                contests=contests.canonical_bytes(),
                workers=0,
            )
            report = profiler.runcall(verify, published.folder, options)
        print(f"verify: status {report.exit_code}, {report.counts}", file=out)
    else:
        profiler.runcall(replay_and_seats, replace(sizes, replay_workers=0), files.log)
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


# --- the parent's side --------------------------------------------------------------


def cases(sizes: FiveSizes) -> list[Case]:
    """This part's cases; they run in child processes (:func:`measure`)."""

    def elsewhere() -> Run:
        raise RuntimeError("this part's cases run in a child process: bench.legislative_night")

    scale = "national" if sizes.national else f"scale {sizes.scale}"
    return [
        Case(
            "json.sha256.five",
            "json.loads + SHA-256 leaf hash of each entry of the five-contest log",
            0,
            elsewhere,
        ),
        Case(
            "five.replay",
            f"Recap.replay of the five-contest log ({scale}), then every contest's seats",
            0,
            elsewhere,
            limit="json.sha256.five",
        ),
        Case(
            "five.apply",
            "Recap.apply_entry of one legislative correction on the replayed recap",
            0,
            elsewhere,
            limit="json.sha256.five",
        ),
        Case(
            "five.verify",
            "saksi verify of the five-contest log as tiles: its own totals and seats",
            0,
            elsewhere,
            limit="json.sha256.five",
        ),
    ]


def _child(args: list[str], cache: str | Path | None, sizes: FiveSizes) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "bench.legislative_night", *args,
        "--sizes", json.dumps(asdict(sizes)), "--cache", str(cache_dir(cache)),
    ]  # fmt: skip
    done = subprocess.run(
        command, stdout=subprocess.PIPE, text=True, check=True, cwd=Path(__file__).parent.parent
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure(
    chosen: Sequence[Case],
    sizes: FiveSizes,
    *,
    repeats: int,
    cache: str | Path | None = None,
    log: TextIO | None = None,
) -> tuple[list[Measurement], dict[str, Any]]:
    """Generate (or find) the log and its publication, then time this part's ``chosen``
    cases in two children: the replay's, then the verifier's."""
    mine = [case for case in chosen if case.name in NAMES]
    if not mine:
        return [], {}
    names = {case.name for case in mine}
    files = ensure_log(sizes, cache, log)
    if "five.verify" in names:
        ensure_published(sizes, cache, log)
    result: dict[str, Any] = {"rounds": {}}
    if names - {"five.verify"}:
        if log is not None:
            print(
                f"  five: replay of {files.meta['entries']:,} entries in a child, "
                f"{repeats} round(s); load {_loadavg()}",
                file=log,
                flush=True,
            )
        picked = sorted(names - {"five.verify"})
        result = _child(["child", "--repeats", str(repeats), *picked], cache, sizes)
    if "five.verify" in names:
        if log is not None:
            print(f"  five: saksi verify in a child; load {_loadavg()}", file=log, flush=True)
        verified = _child(["verify", "--repeats", str(repeats)], cache, sizes)
        result["rounds"] |= verified.pop("rounds")
        result |= verified
    entries = files.meta["entries"]
    items = {
        "json.sha256.five": entries,
        "five.replay": entries,
        "five.verify": entries,
        "five.apply": max(1, files.meta["corrections"] // repeats),  # one slice a round
    }
    measurements = [
        Measurement(replace(case, items=items[case.name]), tuple(result["rounds"][case.name]))
        for case in mine
        if result["rounds"].get(case.name)
    ]
    extra = {key: value for key, value in result.items() if key != "rounds"}
    extra["log"] = files.meta
    extra["sizes"] = asdict(sizes)
    return measurements, extra


def _verdict(ok: bool, national: bool) -> str:
    return ("met" if ok else "NOT met") if national else "national log only"


def print_extras(results: dict[str, Any], out: TextIO) -> None:
    """Each figure beside its limit and issue 17's target; below national scale, the
    linear extrapolation to the national log, labelled as such."""
    extra = results["five"]
    rows = {r["name"]: r for r in results["results"]}
    facts = extra["log"]
    national = facts["scale"] == 1.0
    factor = NATIONAL_TPS / facts["tps"] if not national else 1.0
    limit = rows.get("json.sha256.five")
    limit_text = f"; limit json.sha256.five {limit['best_seconds']:,.1f} s" if limit else ""
    print(
        f"five: {facts['entries']:,} entries ({facts['forms']:,} C.Hasil of "
        f"{facts['tps_with_forms']:,} TPS, scale {facts['scale']}){limit_text}",
        file=out,
    )

    def beyond(seconds: float) -> str:
        if national or facts["scale"] < EXTRAPOLATE_FROM:
            return ""
        return (
            f" [linear extrapolation to national, not a measurement: ≈ {seconds * factor:,.0f} s]"
        )

    replay = rows.get("five.replay")
    if replay is not None:
        best = min(extra["split"], key=lambda s: s["replay_seconds"] + s["seats_seconds"])
        memory = extra["memory"]
        peak = memory["peak_mib"]
        workers_cpu = " + ".join(f"{c:,.1f}" for c in best.get("workers_cpu_seconds", []))
        print(
            f"five.replay: replay {best['replay_seconds']:,.1f} s + seats of every contest "
            f"{best['seats_seconds']:,.2f} s = {replay['best_seconds']:,.1f} s (ratio "
            f"{replay['ratio']}; target < {TARGET_REPLAY_SECONDS} s: "
            f"{_verdict(replay['best_seconds'] < TARGET_REPLAY_SECONDS, national)})"
            f"{beyond(replay['best_seconds'])}; CPU {best['cpu_seconds']:,.1f} s folding"
            f"{f' + {workers_cpu} s reading' if workers_cpu else ''}; peak memory "
            f"{peak:,.0f} MiB, process and workers (target < {TARGET_REPLAY_MIB:,} MiB: "
            f"{_verdict(peak < TARGET_REPLAY_MIB, national)}; before the replay "
            f"{memory['baseline_mib']:,.0f} MiB)",
            file=out,
        )
    apply = extra.get("apply")
    if apply:
        print(
            f"five.apply (one more entry): p50 {apply['p50_us']:,.0f} µs, p99 "
            f"{apply['p99_us']:,.0f} µs, max {apply['max_us']:,.0f} µs ({apply['count']:,} "
            "legislative corrections)",
            file=out,
        )
    verified = rows.get("five.verify")
    if verified is not None and extra.get("verify_rounds"):
        peak = max(r["peak_mib"] for r in extra["verify_rounds"])
        seconds = verified["best_seconds"]
        print(
            f"five.verify: {seconds:,.1f} s (ratio {verified['ratio']}; target < "
            f"{TARGET_VERIFY_SECONDS} s: {_verdict(seconds < TARGET_VERIFY_SECONDS, national)})"
            f"{beyond(seconds)}; peak memory {peak:,.0f} MiB (process + workers)",
            file=out,
        )


# --- python -m bench.legislative_night child|verify|generate|profile ----------------


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.legislative_night", description=__doc__.splitlines()[0]
    )
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("child", help="the limit, the replay and seats, the corrections; JSON")
    c.add_argument("names", nargs="+")
    v = sub.add_parser("verify", help="saksi verify of the published log; JSON to stdout")
    g = sub.add_parser("generate", help="generate (or find) the log and its publication")
    f = sub.add_parser("profile", help="the replay and seats once under cProfile (stdout)")
    f.add_argument("--top", type=int, default=25)
    f.add_argument("--verify", action="store_true", help="saksi verify, in one process")
    for each in (c, v):
        each.add_argument("--repeats", type=int, default=1)
    for each in (c, v, g, f):
        each.add_argument("--sizes", default="{}", help="FiveSizes fields as JSON")
        each.add_argument("--scale", type=float, default=None)
        each.add_argument("--cache", default=None)
    args = p.parse_args(argv)
    sizes = FiveSizes(**json.loads(args.sizes))
    if args.scale is not None:
        sizes = replace(sizes, scale=args.scale)
    if args.command == "generate":
        published = ensure_published(sizes, args.cache, sys.stderr)
        print(json.dumps({"folder": str(published.folder), **published.meta}, indent=2))
        return 0
    if args.command == "profile":
        profile_replay(sizes, args.cache, args.top, sys.stdout, verifier=args.verify)
        return 0
    if args.command == "verify":
        result = child_verify(sizes, args.cache, args.repeats)
    else:
        result = child_replay(sizes, args.cache, args.names, args.repeats)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
