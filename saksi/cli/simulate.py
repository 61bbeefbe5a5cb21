"""``saksi simulate``: the demo's engine without the show, for benchmarks.

The same night as ``saksi demo`` (real ``saksi serve`` and witness processes, the
devices over HTTP, the faults), by default at national scale, printing one JSON
document: throughput, latencies per kind of request, peak memory, and what was
caught. The options shared with ``saksi demo`` are defined here.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from saksi.cli.files import empty_folder
from saksi.election.synthetic import MAX_SCALE
from saksi.errors import InputError
from saksi.sim.night import Night, NightConfig
from saksi.sim.report import night_report

NATIONAL_TPS = 820_161
"""TPS in Indonesia (2024, domestic): what scale 1.0 reproduces at home (823,366 with the
overseas units); ``--tps N`` is the scale N / NATIONAL_TPS."""
F = TypeVar("F", bound=Callable[..., Any])


def parse_scale(text: str) -> float:
    """``national`` (1.0) or a number in (0, 10]."""
    if text.strip().lower() == "national":
        return 1.0
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= MAX_SCALE:
        raise InputError(
            code="sim.bad-scale",
            en=f"--scale must be 'national' or a number in (0, {MAX_SCALE:g}], not {text!r}",
            id=f"--scale harus 'national' atau angka dalam (0, {MAX_SCALE:g}], bukan {text!r}",
            scale=text,
        )
    return value


def prepare_out(out: Path) -> Path:
    """``out`` created, or refused when it exists and is not an empty folder."""
    why = (
        "the night leaves its publication, truth.json and report.json there",
        "malam ini meninggalkan publikasi, truth.json dan report.json di sana",
    )
    return empty_folder(out, code="sim.out-not-empty", why=why)


def night_options(default_tps: int | None) -> Callable[[F], F]:
    """The options ``saksi demo`` and ``saksi simulate`` share."""
    what = f"(default {default_tps:,})" if default_tps else "(default: national, 823,366)"

    def apply(f: F) -> F:
        options = [
            click.option("--tps", type=click.IntRange(1, 10 * NATIONAL_TPS),
                         help=f"About how many TPS the synthetic election has {what}."),
            click.option("--scale", help="Synthetic election size instead of --tps: "
                         "'national' (823,366 TPS, overseas included) or a share of it "
                         "(0.01 = 1%)."),
            click.option("--regions", type=click.Path(path_type=Path),
                         help="A region file (`saksi regions import`): the real hierarchy, "
                         "every TPS of it, instead of a synthetic one."),
            click.option("--seed", type=int, default=2024, show_default=True,
                         help="The same seed gives the same election, faults and truth.json."),
            click.option("--out", type=click.Path(path_type=Path),
                         help="Empty folder to keep the publication (log/, results/), "
                         "truth.json and report.json (default: a temporary one, removed)."),
            click.option("--devices", type=click.IntRange(1, 256), default=12,
                         show_default=True, help="Devices sending at the same time (threads)."),
            click.option("--port", type=click.IntRange(0, 65535), default=0,
                         help="The service's port (default: a free one)."),
        ]  # fmt: skip
        for option in reversed(options):
            f = option(f)
        return f

    return apply


def night_config(
    out: Path, options: dict[str, Any], default_scale: float = 1.0, **extra: Any
) -> NightConfig:
    """The night's configuration from the shared options."""
    tps, scale, regions = options.pop("tps"), options.pop("scale"), options.pop("regions")
    if sum(x is not None for x in (tps, scale, regions)) > 1:
        raise InputError(
            code="sim.options-conflict",
            en="give at most one of --tps, --scale and --regions",
            id="berikan paling banyak satu dari --tps, --scale dan --regions",
        )
    if scale is not None:
        size = parse_scale(scale)
    elif tps is not None:
        size = min(MAX_SCALE, tps / NATIONAL_TPS)
    else:
        size = default_scale
    return NightConfig(
        out=out, scale=size, seed=options.pop("seed"), regions=regions,
        devices=options.pop("devices"), port=options.pop("port"), **extra,
    )  # fmt: skip


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    performance = report["performance"]
    return {
        "format": "saksi-simulate/1",
        "tps": report["tps"],
        "log_size": report["log_size"],
        "statements": report["statements"],
        "throughput": {
            "c_hasil_per_second": performance["tps_phase_statements_per_second"],
            "requests_per_second": performance["tps_phase_requests_per_second"],
        },
        "latency": performance["latency"],
        "peak_rss_bytes": performance["peak_rss_bytes"],
        "timings_seconds": performance["timings_seconds"],
        "faults_by_kind": report["faults_by_kind"],
        "false_alarms": len(report["false_alarms"]),
        "totals_match": report["totals"]["match"],
        "verify": report["verify"],
        "ok": report["ok"],
    }


@click.command()
@night_options(default_tps=None)
@click.option("--crash", is_flag=True, help="Kill (SIGKILL) and restart the service mid-night.")
@click.option("--verify", is_flag=True, help="Run `saksi verify` over the publication at the end.")
def simulate(crash: bool, verify: bool, **options: Any) -> None:
    """Simulate an election night over HTTP for benchmarks; print one JSON report.

    The engine of `saksi demo` without the live display: by default the national
    scale (823,366 TPS; about 2.7 million entries with the key tree and the witness
    copies, and 820,000 photos: half an hour or more on a small machine; use --tps
    for less). The
    JSON gives the C.Hasil per second, latencies per kind of request (p50, p95,
    p99), the service's and the simulator's peak memory, and what was caught.

    Simulasi malam pemilu lewat HTTP untuk tolok ukur; mencetak satu laporan JSON.
    """
    given = options.pop("out")
    out = prepare_out(given) if given is not None else Path(tempfile.mkdtemp(prefix="saksi-sim-"))
    try:
        config = night_config(out, options, crash=crash, verify=verify, parse_workers=2)
        with Night(config) as night:
            night.run()
            report = night_report(night)
    finally:
        if given is None:
            shutil.rmtree(out, ignore_errors=True)
    click.echo(json.dumps(_summary(report), indent=1))


__all__ = [
    "NATIONAL_TPS",
    "night_config",
    "night_options",
    "parse_scale",
    "prepare_out",
    "simulate",
]
