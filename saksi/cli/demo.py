"""``saksi demo``: an election night on the embedded synthetic election."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from saksi.election.contests import PPWP_2024
from saksi.sim.faults import EXPECTED_CHECK
from saksi.sim.night import DemoConfig, DemoResult, Night, run_night

MARKER = "saksi-demo.json"
"""Written in the data directory; a directory holding it may be replaced by a new demo."""


def _prepare(data: Path | None) -> Path:
    if data is None:
        return Path(tempfile.mkdtemp(prefix="saksi-demo-"))
    if data.exists() and any(data.iterdir()):
        if not (data / MARKER).exists():
            raise click.UsageError(
                f"{data} is not empty and holds no earlier demo; choose an empty directory "
                f"/ {data} tidak kosong dan bukan hasil demo sebelumnya"
            )
        shutil.rmtree(data)
    data.mkdir(parents=True, exist_ok=True)
    return data


def _run(config: DemoConfig, console: Console, quiet: bool) -> DemoResult:
    if quiet:
        return run_night(config)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("malam pemungutan suara / election night", total=None)
        result = run_night(config, progress=lambda done: bar.update(task, completed=done))
    return result


def _summary(result: DemoResult) -> Table:
    counts, h = result.ledger.counts, result.hierarchy
    table = Table(title="Pernyataan / statements", show_header=False)
    rows = [
        ("TPS", f"{result.tps_reported:,} melapor / reported of {h.tps_count():,}"),
        ("entri di log / entries logged", f"{result.entries:,}"),
        ("registrasi kunci / key registrations", f"{counts['key']:,}"),
        ("C.Hasil", f"{counts['c-hasil']:,}"),
        ("C.Salinan (saksi)", f"{counts['c-salinan']:,}"),
        ("koreksi / corrections", f"{counts['correction']:,}"),
        ("tidak konsisten / held inconsistent", f"{counts['inconsistent']:,}"),
        ("ditandai / flagged", f"{counts['flagged']:,}"),
        ("kiriman ulang / retries (same receipt)", f"{counts['duplicate']:,}"),
        ("ditolak / refused", f"{counts['refused']:,}"),
    ]
    rows += [(f"  {code}", f"{n:,}") for code, n in sorted(result.ledger.refusals.items())]
    for label, value in rows:
        table.add_row(label, value)
    return table


def _faults(result: DemoResult) -> Table:
    table = Table(title="Kesalahan yang disuntikkan / injected faults")
    for col in ("fault", "injected", "caught", "expected check"):
        table.add_column(col)
    injected: Counter[str] = Counter(o.injected.fault.value for o in result.outcomes)
    caught: Counter[str] = Counter(o.injected.fault.value for o in result.outcomes if o.caught)
    for fault, check in EXPECTED_CHECK.items():
        n, c = injected[fault.value], caught[fault.value]
        style = "green" if n == c else "red"
        table.add_row(fault.value, str(n), f"[{style}]{c}[/]", check)
    return table


def _totals(result: DemoResult) -> Table:
    table = Table(title="Perolehan suara PPWP / PPWP totals")
    for col in ("paslon", "Saksi", "truth", "share"):
        table.add_column(col, justify="right")
    total = sum(result.totals.values()) or 1
    for pair in PPWP_2024.pairs:
        votes = result.totals.get(pair.number, 0)
        table.add_row(
            f"{pair.number} {pair.president.split(',')[0]}",
            f"{votes:,}",
            f"{result.truth.get(pair.number, 0):,}",
            f"{100 * votes / total:.2f}%",
        )
    return table


def _report(result: DemoResult) -> dict[str, Any]:
    return {
        "scale": result.config.scale, "seed": result.config.seed,
        "tps_expected": result.hierarchy.tps_count(), "tps_reported": result.tps_reported,
        "entries": result.entries, "counts": dict(result.ledger.counts),
        "refusals": dict(result.ledger.refusals), "totals": result.totals,
        "truth": result.truth, "excluded": result.excluded,
        "totals_match_truth": result.totals_match_truth, "seconds": round(result.seconds, 3),
        "faults": [{"fault": o.injected.fault.value, "tps": o.injected.tps,
                    "detail": o.injected.detail, "caught": o.caught, "by": o.by}
                   for o in result.outcomes],
    }  # fmt: skip


@click.command()
@click.option(
    "--scale",
    type=click.FloatRange(min=0.0001, max=1.0),
    default=0.005,
    show_default=True,
    help="Size of the synthetic election (1.0 = 820,161 TPS).",
)
@click.option(
    "--seed",
    type=int,
    default=2024,
    show_default=True,
    help="Seed: the same seed gives the same election, keys and log.",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory for the store and report (default: a new temporary one).",
)
@click.option("--quiet", is_flag=True, help="No progress bar or tables; print the report JSON.")
def demo(scale: float, seed: int, data: Path | None, quiet: bool) -> None:
    """Run an election night on the synthetic election and report what was caught.

    Builds a synthetic election, issues the whole key hierarchy, has every TPS sign
    and send its C.Hasil (and witnesses their copies), injects the faults of 2024
    (misread digits, forged signatures, keys used outside their TPS, revoked keys,
    retries, second forms, disputing witness copies), checks and stores everything,
    and reports. Exit status 1 if any injected fault went uncaught or the totals
    differ from the truth.

    Menjalankan simulasi malam pemilu dan melaporkan setiap kesalahan yang tertangkap.
    """
    console = Console(stderr=quiet)
    target = _prepare(data)
    config = DemoConfig(data=target, scale=scale, seed=seed)
    result = _run(config, console, quiet)
    report = _report(result)
    (target / MARKER).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    if quiet:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        for table in (_summary(result), _faults(result), _totals(result)):
            console.print(table)
        verdict = "[green]sama / equal[/]" if result.totals_match_truth else "[red]BEDA / DIFFER[/]"
        console.print(f"Saksi's totals vs the truth (minus forms held out): {verdict}")
        console.print(
            f"{result.entries:,} entries in {result.seconds:.1f} s; store and report in {target}"
        )
    if not result.totals_match_truth or not all(o.caught for o in result.outcomes):
        raise SystemExit(1)


__all__ = ["Night", "demo"]
