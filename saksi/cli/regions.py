"""``saksi regions import|show``: the region hierarchy, real or synthetic."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from saksi.election.codes import NASIONAL, Level, level_of
from saksi.election.regions import Hierarchy
from saksi.election.synthetic import synthetic_hierarchy

DEFAULT_SCALE = 1.0
DEFAULT_SEED = 2024
F = TypeVar("F", bound=Callable[..., Any])


def hierarchy_options(default_scale: float = DEFAULT_SCALE) -> Callable[[F], F]:
    """--regions FILE, or the synthetic election's --scale and --seed."""

    def apply(func: F) -> F:
        func = click.option(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            show_default=True,
            help="Seed of the synthetic hierarchy.",
        )(func)
        func = click.option(
            "--scale",
            type=click.FloatRange(min=0.0001, max=1.0),
            default=default_scale,
            show_default=True,
            help="Size of the synthetic hierarchy (1.0 = national: 823,366 TPS, overseas "
            "included).",
        )(func)
        return click.option(
            "--regions",
            "regions_file",
            default=None,
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A hierarchy saved by `saksi regions import` (default: synthetic).",
        )(func)

    return apply


def load_hierarchy(regions_file: Path | None, scale: float, seed: int) -> Hierarchy:
    if regions_file is not None:
        return Hierarchy.load(regions_file)
    return synthetic_hierarchy(scale=scale, seed=seed)


@click.group()
def regions() -> None:
    """The region hierarchy: import KPU's, or show one.

    Hierarki wilayah: impor data KPU, atau tampilkan.
    """


@regions.command("import")
@click.argument("tps_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--overseas",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="KPU's overseas units (kpu2024-tps-ln.csv).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to save the hierarchy (Saksi's format; .gz compresses).",
)
def import_(tps_json: Path, overseas: Path | None, out: Path) -> None:
    """Import KPU's hierarchy (kpu2024-tps.json) and save it in Saksi's format."""
    hierarchy = Hierarchy.from_kpu(tps_json, overseas)
    hierarchy.save(out)
    _print_counts(hierarchy)
    click.echo(f"digest: {hierarchy.digest()}")
    click.echo(f"saved: {out}")


def _print_counts(hierarchy: Hierarchy) -> None:
    for level, count in hierarchy.counts().items():
        click.echo(f"{level.label:>15}: {count:>9,}")


def _region_json(hierarchy: Hierarchy, code: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": hierarchy.name(code),
        "level": level_of(code).label,
        "path": [{"code": c, "name": hierarchy.name(c)} for c in hierarchy.path(code)],
        "tps": hierarchy.tps_count(code),
        "children": [
            {"code": c, "name": hierarchy.name(c), "tps": hierarchy.tps_count(c)}
            for c in hierarchy.children(code)
        ],
    }


@regions.command("show")
@click.argument("code", default=NASIONAL)
@hierarchy_options()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def show(code: str, regions_file: Path | None, scale: float, seed: int, fmt: str) -> None:
    """Show a region (default: the nation): its path, TPS count and children."""
    hierarchy = load_hierarchy(regions_file, scale, seed)
    hierarchy.require(code)
    info = _region_json(hierarchy, code)
    info["digest"] = hierarchy.digest()
    if fmt == "json":
        click.echo(json.dumps(info, ensure_ascii=False))
        return
    click.echo(" > ".join(p["name"] for p in info["path"]))
    click.echo(f"{info['level']} {code}: {info['tps']:,} TPS")
    if level_of(code) is Level.NASIONAL:
        _print_counts(hierarchy)
        click.echo(f"digest: {info['digest']}")
    for child in info["children"]:
        click.echo(f"  {child['code']:<13} {child['name']:<40} {child['tps']:>8,} TPS")
