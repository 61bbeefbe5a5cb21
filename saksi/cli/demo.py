"""``saksi demo``: a whole election night on this machine, real processes over HTTP.

The engine is :class:`saksi.sim.night.Night`; this module is the show: live
progress, the dashboard's address, and the report at the end (docs/demo.md).
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
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from saksi.cli.simulate import NATIONAL_TPS, night_config, night_options, prepare_out
from saksi.election.contests import PPWP_2024
from saksi.sim.night import Night
from saksi.sim.report import night_report

DEFAULT_TPS = 12_000
PHASES = {
    "starting": "mulai / starting",
    "keys": "kunci / keys",
    "tps": "TPS: C.Hasil",
    "corrections": "koreksi / corrections",
    "d-hasil": "D.Hasil kecamatan",
    "publishing": "publikasi / publishing",
    "crash-check": "tanda terima / receipts",
    "verify": "saksi verify",
}


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
            self.task = self.bar.add_task(PHASES.get(name, name), total=total, counts="")

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
    """Headless: the key lines on standard output, the phases on standard error."""

    def phase(self, name: str, total: int | None = None) -> None:
        if name:
            size = f" ({total:,})" if total else ""
            click.echo(f"... {PHASES.get(name, name)}{size}", err=True)

    def advance(self, n: int = 1) -> None:
        pass

    def line(self, text: str) -> None:
        click.echo(text)


def _statements(report: dict[str, Any]) -> Table:
    s, pub = report["statements"], report["published"]
    table = Table(title="Pernyataan / statements", show_header=False)
    rows = [
        ("TPS", f"{pub.get('received', 0):,} melapor / reported of {report['tps']:,}"),
        ("entri di log / entries logged", f"{report['log_size']:,}"),
        ("diterima / accepted", f"{s['by_status'].get('accepted', 0):,}"),
        ("ditandai / flagged (receipts)", f"{s['by_status'].get('flagged', 0):,}"),
        ("tidak konsisten / held as inconsistent", f"{s['by_status'].get('inconsistent', 0):,}"),
        ("  masih ditahan / still held", f"{pub.get('inconsistent', 0):,}"),
        ("dikoreksi / corrected (TPS)", f"{pub.get('corrected', 0):,}"),
        ("sengketa saksi / witness dispute", f"{pub.get('witness_dispute', 0):,}"),
        ("ditandai / flagged TPS (published)", f"{pub.get('flagged', 0):,}"),
        ("kirim ulang / resent (first receipt)", f"{s['duplicates']:,}"),
        ("ditolak / refused", f"{s['refused']:,}"),
    ]
    rows += [(f"  {code}", f"{n:,}") for code, n in s["refused_by_code"].items()]
    rows.append(("di log, per jenis / logged, by type", ""))
    rows += [(f"  {kind}", f"{n:,}") for kind, n in s["by_type"].items()]
    for label, value in rows:
        table.add_row(label, value)
    return table


def _faults(report: dict[str, Any]) -> Table:
    table = Table(title="Kesalahan yang disuntikkan / injected faults")
    for col in ("fault", "injected", "caught", "by the check"):
        table.add_column(col)
    for fault, row in report["faults_by_kind"].items():
        style = "green" if row["injected"] == row["caught"] else "red"
        caught = f"[{style}]{row['caught']}[/]"
        table.add_row(fault, str(row["injected"]), caught, row["check"])
    return table


def _totals(report: dict[str, Any]) -> Table:
    totals = report["totals"]
    table = Table(title="Perolehan suara PPWP / PPWP totals")
    for col in ("paslon", "verified", "truth", "kept out", "truth - kept out"):
        table.add_column(col, justify="right")
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
    for table in (_statements(report), _faults(report), _totals(report)):
        console.print(table)
    verify = report["verify"]
    console.print(f"saksi verify: {verify['headline']} (exit {verify['exit_code']})")
    match = "[green]sama / equal[/]" if report["totals"]["match"] else "[red]BEDA / DIFFER[/]"
    console.print(f"verified totals vs truth minus what was kept out: {match}")
    alarms = len(report["false_alarms"])
    console.print(f"alarm palsu / false alarms on clean TPS: {alarms}")
    seconds = report["performance"]["timings_seconds"].get("total", 0.0)
    console.print(f"{report['log_size']:,} entries in {seconds:.1f} s")
    if out is not None:
        console.print(f"publication, truth.json and report.json in {out}")
    verdict = (
        "[bold green]every injected fault caught / semua kesalahan tertangkap[/]"
        if report["ok"]
        else "[bold red]NOT every fault caught, or the totals differ[/]"
    )
    console.print(verdict)


@contextmanager
def _live(console: Console, night: Night, headless: bool) -> Iterator[Terminal | Plain]:
    if headless or not console.is_terminal:  # no bars in a pipe or a log file
        yield Plain()
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


def _wait_for_ctrl_c(console: Console, url: str) -> None:
    console.print(
        f"\ndashboard: {url}/  (Ctrl-C to stop / tekan Ctrl-C untuk berhenti)", soft_wrap=True
    )
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    stopped.wait()


@click.command()
@night_options(default_tps=DEFAULT_TPS)
@click.option("--headless", is_flag=True, help="No live display and no waiting: for scripts.")
@click.option(
    "--keep-serving",
    is_flag=True,
    help="After the report, keep the service and dashboard running until Ctrl-C.",
)
def demo(headless: bool, keep_serving: bool, **options: Any) -> None:
    """Run a whole election night with real processes, and report what was caught.

    Starts `saksi serve` and three `saksi witness serve` processes, registers the
    key hierarchy, has thousands of simulated devices send signed C.Hasil forms,
    photos and witness copies over HTTP with the faults of 2024 injected (misreads,
    double submissions, forged signatures, keys outside their TPS, revoked keys,
    disputing witness copies, an inflated D.Hasil, the service killed and
    restarted), then runs `saksi verify` over the publication and reports, for
    every fault, the check that caught it. Exit status 1 if a fault went uncaught,
    a clean TPS was flagged, verification failed or the totals differ from the truth.

    Menjalankan malam pemilu lengkap dan melaporkan setiap kesalahan yang tertangkap.
    """
    out, temporary = _out(options.pop("out"))
    console = Console(no_color=headless, highlight=False)
    try:
        config = night_config(out, options, default_scale=DEFAULT_TPS / NATIONAL_TPS)
        with Night(config) as night:
            with _live(console, night, headless) as observer:
                night.observer = observer
                night.run()
                report = night_report(night)
            print_report(console, report, None if temporary else out)
            if keep_serving and not headless and night.service is not None:
                _wait_for_ctrl_c(console, night.service.url)
            elif not headless:
                console.print(
                    "the service and its dashboard stop now; `saksi demo --keep-serving` keeps "
                    "them up after the report / layanan dan dasbor berhenti sekarang"
                )
    finally:
        if temporary:
            shutil.rmtree(out, ignore_errors=True)
    if not report["ok"]:
        sys.exit(1)


def _out(given: Path | None) -> tuple[Path, bool]:
    if given is not None:
        return prepare_out(given), False
    return Path(tempfile.mkdtemp(prefix="saksi-demo-")), True


__all__ = ["demo"]
