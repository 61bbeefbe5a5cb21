"""An election night on one machine, with real processes talking HTTP.

:class:`Night` is the engine of ``saksi demo`` and ``saksi simulate``:

1. the synthetic (or imported) election and its whole key hierarchy
   (:class:`~saksi.sim.plan.NightPlan`); the manifest written to ``OUT/manifest.entry``;
2. ``saksi serve`` (data in ``OUT``: ``OUT/log``, ``OUT/results``) and three
   ``saksi witness serve`` processes (quorum 2), each a child process on its own port;
3. the KPU offices register the key tree in batches;
4. the devices (threads, one keep-alive connection each) send every TPS's photo (signed
   by its KPPS key, just before the C.Hasil that cites it), C.Hasil and witness copies,
   faults included, retrying after timeouts; in the middle of it the service is killed
   (SIGKILL) and started again;
5. KPU Kab/Kota corrects the forms held as inconsistent (most of them), the PPKs send
   their D.Hasil (one inflated);
6. the publication catches up (cosigned checkpoint, results), and ``saksi verify``
   checks it as any reader would; :mod:`saksi.sim.judge` says what was caught.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, TypeVar

from saksi.election.codes import Level
from saksi.election.regions import Hierarchy
from saksi.election.synthetic import synthetic_hierarchy
from saksi.errors import SaksiError
from saksi.sim.devices import Answer, Device, Stats, Tally, unreachable
from saksi.sim.faults import Fault
from saksi.sim.plan import DUPLICATE, LOGGED, NightPlan, Send
from saksi.sim.processes import Service, Witness
from saksi.tlog.tiledir import TILE_WIDTH, TileDir
from saksi.tlog.tiles import full_tiles, partial_width, read_tile

KEY_BATCH = 1000
CRASH_AT = 0.4
"""Share of the TPS done when the service is killed."""
PUBLISH_TIMEOUT = 600.0
STATEMENT_TYPES = ("key-revoke", "key", "c-hasil", "c-salinan", "correction", "d-hasil")
T = TypeVar("T")


class Observer(Protocol):
    """What the night tells whoever watches it (the terminal, or nobody)."""

    def phase(self, name: str, total: int | None = None) -> None: ...
    def advance(self, n: int = 1) -> None: ...
    def line(self, text: str) -> None: ...


class Silent:
    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def line(self, text: str) -> None:
        pass


@dataclass(frozen=True)
class NightConfig:
    """How big a night, where, and with what (``saksi demo``'s and ``simulate``'s options)."""

    out: Path  # the service's data folder, and the night's files (docs/demo.md)
    scale: float = 0.005
    seed: int = 2024
    regions: Path | None = None
    devices: int = 12
    crash: bool = True
    port: int = 0
    witnesses: int = 3
    quorum: int = 2
    parse_workers: int = 0
    verify: bool = True


LEAF_KEY_BYTES = 12
"""Logged entries are told apart by the first 12 bytes of their leaf hash (memory)."""
_STATUS_TYPES: dict[tuple[str, str], tuple[str, str]] = {}


def _status_type(answer: Answer) -> tuple[str, str]:
    """The receipt's (status, type), one shared tuple per distinct pair (memory)."""
    pair = (str(answer.body.get("status")), str(answer.body.get("type")))
    return _STATUS_TYPES.setdefault(pair, pair)


def statement_type(entry: bytes) -> str:
    for kind in STATEMENT_TYPES:
        if f'"type":"{kind}"'.encode() in entry:
            return kind
    return "other"


def published_leaves(log: Path, size: int) -> list[bytes]:
    """The leaf hashes of the first ``size`` entries of a tlog-tiles folder."""
    tiles = TileDir(log, durable=False)
    out: list[bytes] = []
    for index in range(full_tiles(size, 0)):
        out += read_tile(tiles, 0, index, TILE_WIDTH)
    width = partial_width(size, 0)
    if width:
        out += read_tile(tiles, 0, full_tiles(size, 0), width)
    return out


def load_hierarchy(config: NightConfig) -> Hierarchy:
    if config.regions is not None:
        return Hierarchy.load(config.regions)
    return synthetic_hierarchy(scale=config.scale, seed=config.seed)


def run_threads(
    items: Iterable[T],
    work: Callable[[Device, T], None],
    *,
    threads: int,
    port: int,
    stats: Stats,
    halt: threading.Event | None = None,
) -> None:
    """``work(device, item)`` for every item, on ``threads`` threads, each with its own
    :class:`Device` (connection) to the service on ``port``; the first error is raised.
    Once ``halt`` is set, no thread takes another item."""
    source: Iterator[T] = iter(items)
    lock = threading.Lock()
    errors: list[BaseException] = []
    halt = halt or threading.Event()

    def loop() -> None:
        device = Device("127.0.0.1", port, stats)
        try:
            while not errors and not halt.is_set():
                with lock:
                    item = next(source, None)
                if item is None:
                    return
                work(device, item)
        except BaseException as exc:  # handed to the main thread
            errors.append(exc)
        finally:
            device.close()

    pool = [threading.Thread(target=loop, daemon=True) for _ in range(max(1, threads))]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if errors:
        raise errors[0]


class Night:
    """One night; use as a context manager so every child process is stopped."""

    def __init__(self, config: NightConfig, observer: Observer | None = None) -> None:
        self.config = config
        self.observer = observer or Silent()
        self.hierarchy = load_hierarchy(config)
        self.plan = NightPlan(self.hierarchy, config.seed, crash=config.crash)
        self.stats = Stats()
        self.tally = Tally(keep_acks=config.crash)
        self.service: Service | None = None
        self.witnesses: list[Witness] = []
        self.timings: dict[str, float] = {}
        self.crash_report: dict[str, Any] = {}
        self.verify_report: dict[str, Any] = {}
        self.verify_exit: int | None = None
        self.peak_rss: dict[str, int] = {}
        self.published_size = 0
        self.halt = threading.Event()
        """Set when the night is stopped early: the devices take no more work."""
        self.stopped: list[str] = []
        """The child processes :meth:`stop` stopped, by name."""
        self._monitor: threading.Thread | None = None
        self._phase_started = time.perf_counter()
        self._phase = ""

    # -- context ---------------------------------------------------------------------

    def __enter__(self) -> Night:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the service cleanly (last checkpoint, last publication), then the witnesses;
        first the devices and the crash's restart, if the night is stopped early."""
        self.halt.set()
        if self._monitor is not None:
            self._monitor.join()  # a restart under way finishes, so that it is stopped below
        if self.service is not None and self.service.child.running():
            self.service.child.stop()
            self.stopped.append(self.service.child.name)
        for witness in self.witnesses:
            if witness.child.running():
                witness.child.stop()
                self.stopped.append(witness.child.name)

    @property
    def phase(self) -> str:
        """The phase under way ("" before the first and after the last)."""
        return self._phase

    def _enter(self, name: str, total: int | None = None) -> None:
        now = time.perf_counter()
        if self._phase:
            self.timings[self._phase] = round(now - self._phase_started, 3)
        self._phase, self._phase_started = name, now
        self.observer.phase(name, total)

    # -- the night -------------------------------------------------------------------

    def run(self) -> None:
        """Everything up to and including the verification (processes left running)."""
        started = time.perf_counter()
        self._start_processes()
        self._register_keys()
        self._election_night()
        self._corrections()
        self._recaps()
        self._wait_published()
        self._check_crash()
        if self.config.verify:
            self._verify()
        self._enter("")
        self.timings["total"] = round(time.perf_counter() - started, 3)
        assert self.service is not None
        self.peak_rss = {"service": self.service.child.peak_rss()}

    def _start_processes(self) -> None:
        self._enter("starting")
        out = self.config.out
        (out / "logs").mkdir(parents=True, exist_ok=True)
        manifest = out / "manifest.entry"
        manifest.write_bytes(self.plan.keys.manifest(self.hierarchy).to_bytes())
        self.witnesses = [
            Witness.create(out / "witnesses" / f"w{i}", f"w{i}.saksi.example/witness")
            for i in range(1, self.config.witnesses + 1)
        ]
        settings = {
            "SAKSI_RATE_PER_KEY": "0,0", "SAKSI_RATE_PER_ADDRESS": "0,0",
            "SAKSI_MAX_CONNECTIONS_PER_ADDRESS": "0",  # every device is on 127.0.0.1
            "SAKSI_RESULTS_INTERVAL": "1", "SAKSI_RESULTS_EXPORTS_EVERY": "20",
            "SAKSI_WITNESS_TIMEOUT": "5", "SAKSI_PARSE_WORKERS": str(self.config.parse_workers),
        }  # fmt: skip
        if self.witnesses:
            settings["SAKSI_WITNESSES"] = ", ".join(f"{w.url} {w.vkey}" for w in self.witnesses)
            settings["SAKSI_WITNESS_QUORUM"] = str(min(self.config.quorum, len(self.witnesses)))
        args = ["--manifest", str(manifest)]
        if self.config.regions is not None:
            args += ["--regions", str(self.config.regions)]
        else:
            args += ["--scale", repr(self.config.scale), "--seed", str(self.config.seed)]
        self.service = Service.make(
            out, args, settings, out / "logs" / "serve.log", self.config.port
        )
        self.service.start()
        self.observer.line(f"log-key: {self.service.vkey}")
        for witness in self.witnesses:
            witness.launch(self.plan.origin, self.service.vkey)
        for witness in self.witnesses:
            witness.ready()
            self.observer.line(f"witness-key: {witness.vkey}")
        self.observer.line(f"dashboard: {self.service.url}/")

    @property
    def port(self) -> int:
        assert self.service is not None
        return self.service.port

    def _register_keys(self) -> None:
        tree = self.plan.keys.key_tree(self.hierarchy, self.plan.witnessed)
        levels = (Level.PROVINSI, Level.KABKOTA, Level.KECAMATAN)
        total = sum(len(self.hierarchy.codes(level)) for level in levels)
        self._enter("keys", total + len(self.plan.tps) + 3 * len(self.plan.witnessed))
        device = Device("127.0.0.1", self.port, self.stats)
        try:
            batch: list[bytes] = []
            for env in tree:
                batch.append(env.to_bytes())
                if len(batch) == KEY_BATCH:
                    self._log_batch(device, batch)
                    batch = []
            if batch:
                self._log_batch(device, batch)
        finally:
            device.close()

    def _log_batch(self, device: Device, batch: list[bytes]) -> None:
        for entry, answer in zip(batch, device.batch(batch), strict=True):
            self._record(Send(entry, LOGGED), answer)
        self.observer.advance(len(batch))

    def _election_night(self) -> None:
        self._enter("tps", len(self.plan.tps))
        crash_at = int(CRASH_AT * len(self.plan.tps))
        stop = threading.Event()
        if self.config.crash:
            self._monitor = threading.Thread(
                target=self._crash_when, args=(crash_at, stop), daemon=True
            )
            self._monitor.start()
        try:
            self._run(self.plan.tps, self._tps)
        finally:
            stop.set()
            if self._monitor is not None:
                self._monitor.join()
        if self.crash_report.get("error"):
            raise self.crash_report["error"]

    def _run(self, items: Iterable[T], work: Callable[[Device, T], None]) -> None:
        run_threads(
            items, work, threads=self.config.devices, port=self.port, stats=self.stats,
            halt=self.halt,
        )  # fmt: skip

    def _tps(self, device: Device, tps: str) -> None:
        plan = self.plan.tps_plan(tps)
        keep = bool(plan.draw.faults & {Fault.MISREAD, Fault.RETRY})  # needed later
        signed = plan.photo_signature
        for send in plan.sends:
            if send.entry == plan.form and signed is not None:  # photos first, once
                device.photo(plan.photo, signed.headers())
                signed = None
            answer = device.submit(send.entry, statement_type(send.entry))
            self._record(send, answer)
            if send.entry == plan.form and send.expect == LOGGED and keep:
                with self.tally.lock:
                    self.tally.forms[tps] = answer
        with self.stats.lock:
            self.stats.tps_done += 1
        self.observer.advance()

    def _record(self, send: Send, answer: Answer) -> None:
        tally = self.tally
        with tally.lock:
            if send.fault is not None:
                tally.answers[send.fault] = answer
            if answer.logged:
                if tally.keep_acks:
                    tally.acks[answer.leaf_hash] = -1 if answer.index is None else answer.index
                key = bytes.fromhex(answer.leaf_hash)[:LEAF_KEY_BYTES]
                if key not in tally.logged:
                    tally.logged[key] = pair = _status_type(answer)
                    tally.by_status[pair[0]] += 1
                tally.duplicates += answer.duplicate
            else:
                tally.refusals[answer.code or f"http-{answer.status}"] += 1
            if send.expect == LOGGED:
                wanted = answer.logged  # a duplicate too: logged before a lost answer
            elif send.expect == DUPLICATE:
                wanted = answer.duplicate
            else:
                wanted = answer.code == send.expect
            if not wanted and send.fault is None:
                tally.unexpected.append(
                    {"expected": send.expect, "status": answer.status, "code": answer.code}
                )

    def _crash_when(self, at: int, stop: threading.Event) -> None:
        assert self.service is not None
        while self.stats.tps_done < at:  # once reached, the crash happens even if the
            if stop.is_set():  # devices have just finished: the night waits for it
                self.crash_report["skipped"] = True
                return
            time.sleep(0.02)
        if self.halt.is_set():  # stopped early: no crash to make
            return
        try:
            with self.tally.lock:
                acked, self.tally.acks = self.tally.acks, {}
                self.tally.keep_acks = False
            self.service.child.kill()
            killed = time.perf_counter()
            self.observer.line(
                "layanan dimatikan paksa (SIGKILL), dijalankan lagi / service killed (SIGKILL), "
                "restarting"
            )
            self.service.start()
            self.crash_report |= {
                "acked_before": acked,
                "tps_done_at_kill": self.stats.tps_done,
                "down_seconds": round(time.perf_counter() - killed, 3),
            }
            down = self.crash_report["down_seconds"]
            self.observer.line(
                f"layanan kembali setelah {down:.1f} detik / service back after {down:.1f} s"
            )
        except SaksiError as exc:
            self.crash_report["error"] = exc

    def _corrections(self) -> None:
        todo = []
        for record in self.plan.faults:
            if record.fault is not Fault.MISREAD or not self.plan.draws[record.where].corrected:
                continue
            answer = self.tally.forms.get(record.where)
            if answer is None or answer.body.get("status") != "inconsistent":
                continue
            assert answer.index is not None
            entry = self.plan.correction(
                record.where, answer.index, answer.leaf_hash, record.detail
            )
            todo.append(entry)
        self._enter("corrections", len(todo))
        self._send_all(todo)

    def _recaps(self) -> None:
        kecamatan = self.plan.complete_kecamatan()
        if self.plan.inflated not in kecamatan:
            kecamatan.append(self.plan.inflated)
        self._enter("d-hasil", len(kecamatan))
        self._send_all([self.plan.d_hasil(k) for k in kecamatan])

    def _send_all(self, entries: list[bytes]) -> None:
        fault = self.plan.fault_id(self.plan.inflated, Fault.INFLATED_RECAP)
        leaf = self.plan.faults[fault].leaf_hash

        def send(device: Device, entry: bytes) -> None:
            answer = device.submit(entry, statement_type(entry))
            is_inflated = leaf is not None and answer.leaf_hash == leaf
            self._record(Send(entry, LOGGED, fault if is_inflated else None), answer)
            self.observer.advance()

        self._run(entries, send)

    def _wait_published(self) -> None:
        self._enter("publishing")
        device = Device("127.0.0.1", self.port, self.stats)
        deadline = time.monotonic() + PUBLISH_TIMEOUT
        try:
            while time.monotonic() < deadline:
                _, health = device.get_json("/health")
                size = health.get("log_size")
                if size and health.get("checkpoint_size") == health.get("signed_size") == size:
                    status, latest = device.get_json("/results/latest.json")
                    if status == 200 and latest.get("tree_size") == size:
                        self.published_size = int(size)
                        return
                time.sleep(0.2)
        finally:
            device.close()
        raise unreachable(f"http://127.0.0.1:{self.port}", PUBLISH_TIMEOUT, "not published")

    def _check_crash(self) -> None:
        """Every receipt acknowledged before the kill: in the published log, at its index.

        Read from the published level-0 tiles (the leaf hashes, which ``saksi verify``
        then checks against the signed, cosigned checkpoint)."""
        acked: dict[str, int] = self.crash_report.pop("acked_before", {})
        if not acked:
            return
        self._enter("crash-check")
        leaves = published_leaves(self.config.out / "log", self.published_size)
        lost = sorted(
            leaf for leaf, index in acked.items()
            if not 0 <= index < len(leaves) or leaves[index] != bytes.fromhex(leaf)
        )  # fmt: skip
        self.crash_report |= {"acked_checked": len(acked), "lost": lost}

    def _verify(self) -> None:
        """``saksi verify`` over the running service's publication (a child process)."""
        self._enter("verify")
        assert self.service is not None
        args = [sys.executable, "-m", "saksi", "verify", self.service.url,
                "--log-key", self.service.vkey, "--state", str(self.config.out / "verify-state"),
                "--json", "--quiet"]  # fmt: skip
        for witness in self.witnesses:
            args += ["--witness", witness.vkey]
        if self.witnesses:
            args += ["--quorum", str(min(self.config.quorum, len(self.witnesses)))]
        done = subprocess.run(args, capture_output=True, text=True, check=False, timeout=3600)
        self.verify_exit = done.returncode
        try:
            self.verify_report = json.loads(done.stdout)
        except ValueError:
            self.verify_report = {"error": (done.stdout + done.stderr)[-2000:]}


__all__ = ["Night", "NightConfig", "Observer", "Silent", "load_hierarchy"]
