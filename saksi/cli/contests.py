"""``saksi contests import|synthetic|show``: the legislative contests file."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import click

from saksi.cli.regions import hierarchy_options, load_hierarchy
from saksi.election.contests import ContestKind
from saksi.election.legislative import Contests, Placement, votes_in
from saksi.election.legislative_import import import_contests
from saksi.election.regions import Hierarchy
from saksi.election.synthetic_contests import synthetic_contests

EXIT_UNPLACED = 3
"""``saksi contests import`` when a TPS lies in no dapil (or two) and no --allow-unplaced."""
SHOWN_UNPLACED = 30


@click.group()
def contests() -> None:
    """The legislative contests: parties, dapil, candidates (the contests file).

    Pemilihan legislatif: partai, dapil, calon (berkas pemilihan).
    """


def _print_summary(built: Contests) -> None:
    click.echo(f"{built.name}")
    click.echo(f"{'contest':<14}{'dapil':>7}{'seats':>8}{'candidates':>12}")
    for kind, districts, seats, candidates in built.summary():
        click.echo(f"{kind:<14}{districts:>7,}{seats:>8,}{candidates:>12,}")
    click.echo(f"parties: {len(built.parties)}")


def _print_placement(placement: Placement, hierarchy: Hierarchy) -> None:
    for kind, count in placement.placed.items():
        click.echo(f"placed {kind:<14}{count:>9,} TPS")
    if placement.complete:
        click.echo("every TPS lies in exactly one dapil of each contest it votes in")
        return
    units = [u for u in placement.unplaced if u.what == "unit"]
    desa = [u for u in placement.unplaced if u.what == "desa"]
    if units:
        click.echo(
            f"{len(units)} dapil units are not in the region file "
            f"({len(units)} wilayah dapil tidak ada di berkas wilayah):"
        )
        for u in units[:SHOWN_UNPLACED]:
            click.echo(f"  {u.contest:<14} dapil {u.district:<8} unit {u.code}")
        if len(units) > SHOWN_UNPLACED:
            click.echo(f"  ... and {len(units) - SHOWN_UNPLACED} more (--json lists all)")
    if desa:
        tps = sum(u.tps for u in desa)
        click.echo(
            f"{tps:,} TPS in {len(desa)} desa lie in no dapil, or in two "
            f"({tps:,} TPS di {len(desa)} desa tidak berada di tepat satu dapil):"
        )
        by_kabkota = Counter((u.contest, u.code[:4], u.district) for u in desa)
        for (kind, kab, why), n in sorted(by_kabkota.items()):
            where = "no dapil" if why == "none" else f"dapil {why}"
            name = hierarchy.name(kab) if hierarchy.exists(kab) else "?"
            click.echo(f"  {kind:<14} {kab} {name:<32} {n:>4} desa: {where}")


def _placement_json(placement: Placement) -> dict[str, Any]:
    return {
        "placed": placement.placed,
        "complete": placement.complete,
        "unplaced": [
            {
                "contest": u.contest,
                "what": u.what,
                "code": u.code,
                "district": u.district,
                "tps": u.tps,
            }
            for u in placement.unplaced
        ],
    }


@contests.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--regions",
    "regions_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The region file the contests are placed in (saksi regions import).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to save the contests file (.gz compresses).",
)
@click.option(
    "--allow-unplaced",
    is_flag=True,
    help="Save even when some TPS lie in no dapil of a contest they vote in (listed).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the placement report as JSON.")
def import_(
    folder: Path, regions_file: Path, out: Path, allow_unplaced: bool, as_json: bool
) -> None:
    """Import KPU's legislative contests (dapil.json, parties.json, candidates-*.csv.gz).

    Every TPS of the region file is placed in the dapil of each contest it votes in;
    units the region file does not have and TPS in no dapil are listed, never guessed.
    Exit 3 (nothing saved) when some are, unless --allow-unplaced.
    """
    hierarchy = Hierarchy.load(regions_file)
    imported = import_contests(folder, hierarchy)
    placement = imported.placement
    if as_json:
        click.echo(json.dumps(_placement_json(placement), ensure_ascii=False))
    else:
        _print_summary(imported.contests)
        _print_placement(placement, hierarchy)
    if not placement.complete and not allow_unplaced:
        click.echo(
            "nothing saved: some TPS lie in no dapil; --allow-unplaced saves anyway "
            "(tidak disimpan: ada TPS tanpa dapil; --allow-unplaced tetap menyimpan)",
            err=True,
        )
        raise SystemExit(EXIT_UNPLACED)
    digest = imported.contests.save(out)
    if not as_json:
        click.echo(f"digest: {digest}")
        click.echo(f"saved: {out}")


@contests.command("synthetic")
@hierarchy_options()
@click.option(
    "--contests-seed", type=int, default=2024, show_default=True, help="Seed of the candidates."
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def synthetic(
    regions_file: Path | None, scale: float, seed: int, contests_seed: int, out: Path
) -> None:
    """Write the synthetic election's contests for a hierarchy (the embedded default)."""
    hierarchy = load_hierarchy(regions_file, scale, seed)
    built = synthetic_contests(hierarchy, contests_seed)
    _print_summary(built)
    click.echo(f"digest: {built.save(out)}")
    click.echo(f"saved: {out}")


def _ballots(built: Contests, tps: str) -> list[dict[str, Any]]:
    out = []
    for c in built.contests:
        if not votes_in(c.kind, tps):
            continue
        d = built.district_of(c.kind, tps)
        entry: dict[str, Any] = {
            "contest": c.kind.value,
            "dapil": d.code,
            "name": d.name,
            "seats": d.seats,
        }
        if c.kind is ContestKind.DPD:
            entry["candidates"] = [{"number": p.number, "name": p.name} for p in d.candidates]
        else:
            entry["parties"] = [
                {
                    "party": plist.party,
                    "name": built.party(plist.party).name,
                    "candidates": [{"number": p.number, "name": p.name} for p in plist.candidates],
                }
                for plist in d.lists
            ]
        out.append(entry)
    return out


@contests.command("show")
@click.option(
    "--contests",
    "contests_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A contests file (default: the synthetic election's, for the hierarchy).",
)
@hierarchy_options()
@click.option("--tps", default=None, help="A TPS code: its ballots, dapil and candidates.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def show(
    *,
    contests_file: Path | None,
    regions_file: Path | None,
    scale: float,
    seed: int,
    tps: str | None,
    fmt: str,
) -> None:
    """Show the contests (dapil, seats, candidates), or what one TPS votes for."""
    hierarchy = load_hierarchy(regions_file, scale, seed)
    built = Contests.load(contests_file) if contests_file else synthetic_contests(hierarchy)
    if tps is None:
        if fmt == "json":
            rows = [
                {"contest": k, "dapil": d, "seats": s, "candidates": c}
                for k, d, s, c in built.summary()
            ]
            click.echo(json.dumps({"name": built.name, "digest": built.digest(), "contests": rows}))
            return
        _print_summary(built)
        click.echo(f"digest: {built.digest()}")
        return
    hierarchy.require_tps(tps)
    ballots = _ballots(built, tps)
    if fmt == "json":
        click.echo(json.dumps({"tps": tps, "ballots": ballots}, ensure_ascii=False))
        return
    click.echo(f"TPS {tps}: PPWP and {len(ballots)} legislative ballots")
    for b in ballots:
        click.echo(f"  {b['contest']:<14} dapil {b['dapil']} {b['name']} ({b['seats']} seats)")
        for p in b.get("parties", []):
            names = ", ".join(f"{c['number']}. {c['name']}" for c in p["candidates"])
            click.echo(f"    {p['party']:>2} {p['name']}: {names}")
        for c in b.get("candidates", []):
            click.echo(f"    {c['number']:>3}. {c['name']}")
