"""``saksi demo``: a whole election night on this machine, real processes over HTTP.

The engine is :class:`saksi.sim.night.Night`; this module is the show: live
progress (bars on a terminal, a line every few seconds otherwise), the dashboard's
address, and the report at the end in Bahasa Indonesia with English beside it
(:mod:`saksi.sim.explain`; docs/demo.md). Ctrl-C (or SIGTERM) stops the night
cleanly: every child process is stopped, and one message says what happened.
"""

from __future__ import annotations

import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from saksi.cli.simulate import NATIONAL_TPS, night_config, night_options, prepare_out
from saksi.election.contests import PPWP_2024
from saksi.errors import SaksiError
from saksi.sim.explain import (
    HEADS,
    PHASES,
    SAID,
    TITLES,
    Words,
    both,
    fault_rows,
    statement_rows,
    verdict_lines,
)
from saksi.sim.night import Night
from saksi.sim.report import night_report

DEFAULT_TPS = 12_000
PROGRESS_EVERY = 5.0
"""Seconds between two progress lines when standard output is not a terminal."""
SIGNAL_NAMES = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM", signal.SIGHUP: "SIGHUP"}
"""The signals that stop a night cleanly (SIGHUP: its terminal was closed)."""


def _phase(name: str) -> str:
    return both(PHASES.get(name, (name, name)))


class Terminal:
    """The night's progress as rich progress bars (one per phase), with the counts."""

    def __init__(self, console: Console, bar: Progress, counts: Callable[[], str]) -> None:
        self.console, self.bar, self.counts = console, bar, counts
        self.task: Any = None
        self._shown = 0.0

    def phase(self, name: str, total: int | None = None) -> None:
        if self.task is not None:
            task = self.bar.tasks[-1]
            done = task.completed or 1
            self.bar.update(self.task, total=done, completed=done, counts=self.counts())
        self.task = None
        if name:
            self.task = self.bar.add_task(_phase(name), total=total, counts="")

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.bar.advance(self.task, n)
            now = time.monotonic()
            if now - self._shown > 0.25:
                self._shown = now
                self.bar.update(self.task, counts=self.counts())

    def line(self, text: str) -> None:
        self.console.print(text, highlight=False, soft_wrap=True)  # keys stay on one line


class Plain:
    """Not on a terminal: the key lines on standard output; on standard error each phase
    as it starts and ends, and every ``every`` seconds where it stands (a log or a pipe
    is never silent for long)."""

    def __init__(self, counts: Callable[[], str], every: float = PROGRESS_EVERY) -> None:
        self.counts, self.every = counts, every
        self.name, self.total, self.done, self.started = "", 0, 0, time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True)

    def start(self) -> None:
        self._ticker.start()

    def close(self) -> None:
        self._stop.set()
        self._ticker.join()

    def phase(self, name: str, total: int | None = None) -> None:
        with self._lock:
            if self.name:
                seconds = time.monotonic() - self.started
                count = f" {self.done:,}" if self.total else ""
                _err(f"... selesai / done: {_phase(self.name)}{count} ({seconds:.1f} s)")
            self.name, self.total, self.done = name, total or 0, 0
            self.started = time.monotonic()
        if name:
            size = f" ({total:,})" if total else ""
            _err(f"... {_phase(name)}{size}")

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n

    def line(self, text: str) -> None:
        click.echo(text)

    def progress(self) -> str:
        """Where the night stands: the phase, how far, for how long, the counts."""
        with self._lock:
            name, total, done, started = self.name, self.total, self.done, self.started
        seconds = time.monotonic() - started
        share = f" {done:,}/{total:,} ({100 * done / total:.0f}%)" if total else ""
        return f"... {_phase(name)}:{share} {seconds:.0f} s; {self.counts()}"

    def _tick(self) -> None:
        while not self._stop.wait(self.every):
            if self.name:
                _err(self.progress())


def _err(text: str) -> None:
    click.echo(text, err=True)
    sys.stderr.flush()


def stacked(words: Words) -> str:
    """A table cell: Bahasa Indonesia, the English under it (dimmed on a terminal)."""
    return f"{words[0]}\n[dim]{words[1]}[/]"


def _statements(report: dict[str, Any]) -> Table:
    """Bahasa Indonesia and English side by side, then the count."""
    (what_id, what_en), count = HEADS["statements"]
    table = Table(title=both(TITLES["statements"]))
    table.add_column(what_id)
    table.add_column(what_en, style="dim")
    table.add_column(both(count), justify="right")
    for (label_id, label_en), value in statement_rows(report):
        table.add_row(label_id, label_en, value)
    return table


TEXT_COLUMNS = {"faults": (0, 3), "totals": (0,)}
"""The columns of words (the others hold numbers, right-aligned)."""


def _table(name: str) -> Table:
    table = Table(title=both(TITLES[name]))
    for index, head in enumerate(HEADS[name]):
        words = index in TEXT_COLUMNS[name]
        table.add_column(stacked(head), justify="left" if words else "right")
    return table


def _faults(report: dict[str, Any]) -> Table:
    table = _table("faults")
    for name, injected, caught, check in fault_rows(report):
        style = "green" if injected == caught else "red"
        table.add_row(stacked(name), f"{injected:,}", f"[{style}]{caught:,}[/]", stacked(check))
    return table


def _totals(report: dict[str, Any]) -> Table:
    totals = report["totals"]
    table = _table("totals")
    for pair in PPWP_2024.pairs:
        n = pair.number
        kept = sum(part.get(n, 0) for part in totals["kept_out"].values())
        table.add_row(
            f"{n} {pair.president.split(',')[0]}",
            f"{totals['verified'].get(n, 0):,}",
            f"{totals['truth'].get(n, 0):,}",
            f"{kept:,}",
            f"{totals['expected'].get(n, 0):,}",
        )
    return table


def print_report(console: Console, report: dict[str, Any], out: Path | None) -> None:
    """The report: three tables, a sentence per count that differs, the verdict."""
    for table in (_statements(report), _faults(report), _totals(report)):
        console.print(table)
    if report["notes"]:
        console.print(both(TITLES["notes"]) + ":")
        for note in report["notes"]:
            console.print(f"- {note['id']}\n  ({note['en']})", soft_wrap=True)
    lines = verdict_lines(report)
    for words in lines[:-1]:
        console.print(both(words), soft_wrap=True)
    if out is not None:
        console.print(f"{both(SAID['left-in'])} {out}")
    style = "bold green" if report["ok"] else "bold red"
    console.print(f"[{style}]{both(lines[-1])}[/]")


@contextmanager
def _live(
    console: Console, night: Night, headless: bool, every: float
) -> Iterator[Terminal | Plain]:
    if headless or not console.is_terminal:  # no bars in a pipe or a log file
        plain = Plain(night.tally.brief, every)
        plain.start()
        try:
            yield plain
        finally:
            plain.close()
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(bar_width=20),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[counts]}"),
    )
    with Progress(*columns, console=console) as bar:
        yield Terminal(console, bar, night.tally.brief)


class Interrupt:
    """Ctrl-C (SIGINT), SIGTERM or SIGHUP: the first one stops the night (as
    KeyboardInterrupt), later ones are ignored while it stops cleanly."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._before: dict[int, Any] = {}
        self._deferred = False

    def __enter__(self) -> Interrupt:
        for signum in SIGNAL_NAMES:
            self._before[signum] = signal.signal(signum, self._on)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._before.items():
            signal.signal(signum, handler)

    def _on(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum
            if not self._deferred:
                raise KeyboardInterrupt

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """While the children are stopped: a signal is noted, then raised after."""
        self._deferred = True
        try:
            yield
        finally:
            self._deferred = False
        if self.signum is not None:
            raise KeyboardInterrupt

    @property
    def name(self) -> str:
        return SIGNAL_NAMES.get(signal.Signals(self.signum or signal.SIGINT), "signal")


def stopped_early(
    interrupt: Interrupt, night: Night | None, out: Path, temporary: bool
) -> SaksiError:
    """What a Ctrl-C (or SIGTERM) stopped, what it cleaned up and what it left."""
    how = interrupt.name
    if night is None:
        when: Words = ("sebelum proses apa pun dimulai", "before any process started")
    elif night.phase:
        done, total = night.stats.tps_done, len(night.plan.tps)
        phase = PHASES.get(night.phase, (night.phase, night.phase))
        when = (f"saat {phase[0]} ({done:,} dari {total:,} TPS sudah mengirim)",
                f"during {phase[1]} ({done:,} of {total:,} TPS had sent)")  # fmt: skip
    else:
        when = ("sebelum laporannya selesai", "before its report was done")
    stopped = _stopped(night)
    left: Words = (
        ("folder sementaranya dihapus", "its temporary folder was removed")
        if temporary
        else (f"yang sudah ditulis tetap ada di {out} (tanpa report.json)",
              f"what was written stays in {out} (no report.json)")
    )  # fmt: skip
    return SaksiError(
        code="sim.interrupted",
        en=f"the election night was stopped by the user ({how}) {when[1]}; {stopped[1]}; {left[1]}",
        id=f"malam pemilu dihentikan oleh pengguna ({how}) {when[0]}; {stopped[0]}; {left[0]}",
        signal=how,
        phase=night.phase if night is not None else "",
    )


def _stopped(night: Night | None) -> Words:
    """The child processes the night stopped, said briefly."""
    names = night.stopped if night is not None else []
    parts: list[Words] = []
    if any(name == "saksi serve" for name in names):
        parts.append(("saksi serve dengan penerbit hasilnya", "saksi serve with its publisher"))
    witnesses = sum(name.startswith("saksi witness") for name in names)
    if witnesses:
        parts.append((f"{witnesses} saksi witness serve", f"{witnesses} saksi witness serve"))
    if night is not None and night.phase == "verify":
        parts.append(("saksi verify", "saksi verify"))
    if not parts:
        return ("tidak ada proses yang tertinggal", "no process was left running")
    return (
        " dan ".join(p[0] for p in parts) + " dihentikan dengan rapi",
        " and ".join(p[1] for p in parts) + " stopped cleanly",
    )


def _wait_for_ctrl_c(console: Console, url: str, interrupt: Interrupt) -> None:
    console.print(f"\n{both(SAID['dashboard'])}: {url}/  ({both(SAID['ctrl-c'])})", soft_wrap=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:  # the way --keep-serving ends: not a stop before the end
        interrupt.signum = None
        console.print(both(SAID["stopping"]))


@click.command()
@night_options(default_tps=DEFAULT_TPS)
@click.option("--headless", is_flag=True, help="No live display and no waiting: for scripts.")
@click.option(
    "--keep-serving",
    is_flag=True,
    help="After the report, keep the service and dashboard running until Ctrl-C.",
)
@click.option(
    "--progress-every",
    type=click.FloatRange(min=0.1, max=3600),
    default=PROGRESS_EVERY,
    show_default=True,
    metavar="SECONDS",
    help="Without a terminal (--headless, a pipe, a log file): a progress line this often.",
)
def demo(headless: bool, keep_serving: bool, progress_every: float, **options: Any) -> None:
    """Run a whole election night with real processes, and report what was caught.

    Starts `saksi serve` and three `saksi witness serve` processes, registers the
    key hierarchy, has thousands of simulated devices send signed C.Hasil forms,
    photos and witness copies over HTTP with the faults of 2024 injected (misreads,
    double submissions, forged signatures, keys outside their TPS, revoked keys,
    disputing witness copies, an inflated D.Hasil, the service killed and
    restarted), then runs `saksi verify` over the publication and reports, for
    every fault, the check that caught it. Exit status 1 if a fault went uncaught,
    a clean TPS was flagged, verification failed or the totals differ from the truth;
    130 when stopped with Ctrl-C (143 with SIGTERM), every child process stopped.

    Menjalankan malam pemilu lengkap dan melaporkan setiap kesalahan yang tertangkap.
    """
    out, temporary = _out(options.pop("out"))
    console = Console(no_color=headless, highlight=False)
    night: Night | None = None
    error: SaksiError | None = None
    with Interrupt() as interrupt:
        try:
            config = night_config(out, options, default_scale=DEFAULT_TPS / NATIONAL_TPS)
            night = Night(config)
            try:
                report = _night(console, night, headless, progress_every, temporary)
                if keep_serving and not headless and night.service is not None:
                    _wait_for_ctrl_c(console, night.service.url, interrupt)
                elif not headless:
                    console.print(both(SAID["stopping-now"]))
            finally:
                with interrupt.deferred():
                    night.stop()
        except KeyboardInterrupt:
            error = stopped_early(interrupt, night, out, temporary)
        finally:
            if temporary:
                shutil.rmtree(out, ignore_errors=True)
    if error is not None:
        click.echo(error.diagnostics(), err=True)
        sys.exit(128 + (interrupt.signum or signal.SIGINT))
    if not report["ok"]:
        sys.exit(1)


def _night(
    console: Console, night: Night, headless: bool, every: float, temporary: bool
) -> dict[str, Any]:
    """The night with its progress, then its report; the report."""
    with _live(console, night, headless, every) as observer:
        night.observer = observer
        night.run()
        report = night_report(night)
    print_report(console, report, None if temporary else night.config.out)
    return report


def _out(given: Path | None) -> tuple[Path, bool]:
    if given is not None:
        return prepare_out(given), False
    return Path(tempfile.mkdtemp(prefix="saksi-demo-")), True


__all__ = ["Plain", "demo", "print_report", "stopped_early"]
