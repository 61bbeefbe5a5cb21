"""``saksi recap SOURCE``: fold a published log into totals, from a folder or a URL.

It reads only the publication (``checkpoint``, ``tile/...``), checks that the tiles
hash to the checkpoint's root (and the checkpoint's signature with ``--log-key``),
folds every entry with :class:`saksi.recap.fold.Recap`, and prints one region's
totals, progress and children, with the reconciliation findings. ``--json`` prints
the same as one JSON document for scripts.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from saksi.election.codes import NASIONAL
from saksi.election.regions import Hierarchy
from saksi.election.synthetic import synthetic_hierarchy
from saksi.errors import InputError, SaksiError
from saksi.recap.fold import Recap
from saksi.recap.reconcile import anomalies, recap_differences
from saksi.tlog.note import NoteVerifier
from saksi.tlog.remote import PublishedLog, open_published

DEFAULT_SCALE = 0.005
DEFAULT_SEED = 2024


def load_regions(regions: Path | None, scale: float | None, seed: int | None) -> Hierarchy:
    """The hierarchy given by ``--regions``, or the synthetic one of ``--scale``/``--seed``."""
    if regions is not None:
        return Hierarchy.load(regions)
    return synthetic_hierarchy(
        scale=DEFAULT_SCALE if scale is None else scale,
        seed=DEFAULT_SEED if seed is None else seed,
    )


def log_verifier(vkey: str | None) -> NoteVerifier | None:
    if vkey is None:
        return None
    try:
        return NoteVerifier.from_vkey(vkey)
    except SaksiError as exc:
        raise InputError(
            code="cli.bad-log-key",
            en=f"--log-key is not a note verifier key: {exc.message_en}",
            id=f"--log-key bukan kunci verifikasi catatan: {exc.message_id}",
        ) from None


def fold_published(
    published: PublishedLog,
    hierarchy: Hierarchy,
    *,
    verify: bool,
    progress: bool,
    stop: int | None = None,
) -> Recap:
    """The publication's entries (up to ``stop``, default all) folded, with a progress
    line on standard error."""
    entries = published.entries(0, stop)
    first = next(entries, None)
    recap = Recap.replay(hierarchy, [] if first is None else [first], verify=verify)
    started = last = time.monotonic()
    for entry in entries:
        recap.apply_entry(entry, verify=verify)
        now = time.monotonic()
        if progress and now - last >= 1.0:
            last = now
            rate = recap.size / (now - started)
            click.echo(f"  {recap.size:,} / {published.size:,} entries ({rate:,.0f}/s)", err=True)
    return recap


def report(recap: Recap, published: PublishedLog, region: str, contest: str) -> dict[str, Any]:
    """What ``saksi recap --json`` prints."""
    hierarchy = recap.hierarchy
    hierarchy.require(region)
    checkpoint = published.checkpoint

    def summary(code: str) -> dict[str, Any]:
        return {
            "code": code,
            "name": hierarchy.name(code),
            "totals": recap.totals(code, contest).to_dict(),
            "progress": recap.progress(code, contest).to_dict(),
            "counters": recap.counters(code, contest),
        }

    found = anomalies(recap, contest, region)
    kinds: dict[str, int] = {}
    for item in found:
        kinds[item["type"]] = kinds.get(item["type"], 0) + 1
    return {
        "checkpoint": {
            "origin": checkpoint.origin,
            "tree_size": checkpoint.size,
            "root_hash": checkpoint.root.hex(),
            "signature_checked": published.signature_checked,
        },
        "contest": contest,
        **summary(region),
        "children": [summary(c) for c in hierarchy.children(region)],
        "recaps": [c.to_dict() for c in recap_differences(recap, contest, region)],
        "anomalies": kinds,
    }


def _share(votes: int, valid: int) -> str:
    return f"{100 * votes / valid:5.2f}%" if valid else "    -"


def print_report(data: dict[str, Any]) -> None:
    cp = data["checkpoint"]
    checked = "signature checked" if cp["signature_checked"] else "signature NOT checked"
    click.echo(f"log {cp['origin']}  size {cp['tree_size']:,}  root {cp['root_hash']}  ({checked})")
    totals, progress = data["totals"], data["progress"]
    click.echo(
        f"\n{data['name']} ({data['code']}), {data['contest']}: "
        f"{progress['received']:,} / {progress['expected']:,} TPS received "
        f"({progress['percent']}%), {progress['counted']:,} counted"
    )
    valid = sum(totals["suara_paslon"].values())
    for pair, votes in totals["suara_paslon"].items():
        click.echo(f"  paslon {pair}: {votes:>12,}  {_share(votes, valid)}")
    click.echo(
        f"  suara sah {totals['suara_sah']:,}  tidak sah {totals['suara_tidak_sah']:,}  "
        f"pengguna hak pilih {totals['pengguna_total_j']:,}  DPT {totals['pemilih_dpt_j']:,}"
    )
    if data["children"]:
        click.echo(
            "\n  code          received  "
            + "  ".join(f"{p:>9}" for p in totals["suara_paslon"])
            + "  name"
        )
        for child in data["children"]:
            pairs = "  ".join(f"{v:>9,}" for v in child["totals"]["suara_paslon"].values())
            percent = child["progress"]["percent"]
            click.echo(f"  {child['code']:<13} {percent:>7}%  {pairs}  {child['name']}")
    if data["anomalies"]:
        listed = ", ".join(f"{k}: {v}" for k, v in sorted(data["anomalies"].items()))
        click.echo(f"\nanomalies / anomali: {listed}")
    differing = [r for r in data["recaps"] if r["differences"]]
    for check in differing:
        fields = ", ".join(
            f"{d['field']} recap {d['recap']:,} vs forms {d['forms']:,}"
            for d in check["differences"]
        )
        click.echo(f"  D.Hasil {check['level']} {check['region']} differs: {fields}")


def region_options(command: Any) -> Any:
    """``--regions``, ``--scale``, ``--seed``, ``--log-key``: shared by recap and publish."""
    for option in reversed((
        click.option(
            "--regions",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Region file of the election (saksi regions import); default: the synthetic "
            "hierarchy.",
        ),
        click.option("--scale", type=float, help=f"Synthetic scale (default {DEFAULT_SCALE})."),
        click.option("--seed", type=int, help=f"Synthetic seed (default {DEFAULT_SEED})."),
        click.option("--log-key", help="The log's verifier key: check the checkpoint's signature."),
        click.option(
            "--verify-signatures",
            is_flag=True,
            help="Also check every entry's Ed25519 signature (slower; saksi verify checks all).",
        ),
    )):  # fmt: skip
        command = option(command)
    return command


def open_and_fold(
    source: str, opts: dict[str, Any], *, progress: bool
) -> tuple[PublishedLog, Recap]:
    """The publication at ``source`` and its entries folded, as the shared options say."""
    published = open_published(source, verifier=log_verifier(opts["log_key"]))
    hierarchy = load_regions(opts["regions"], opts["scale"], opts["seed"])
    verify = bool(opts["verify_signatures"])
    return published, fold_published(published, hierarchy, verify=verify, progress=progress)


@click.command()
@click.argument("source")
@region_options
@click.option("--region", default=NASIONAL, show_default=True, help="Region code to report.")
@click.option("--contest", default="ppwp", show_default=True, help="Contest to report.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def recap(source: str, region: str, contest: str, as_json: bool, **opts: Any) -> None:
    """Fold a published log (a folder or a URL) into totals.

    Menghitung total dari log yang dipublikasikan (folder atau URL).
    """
    published, folded = open_and_fold(source, opts, progress=not as_json)
    data = report(folded, published, region, contest)
    if as_json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        click.echo()
    else:
        print_report(data)


__all__ = [
    "fold_published",
    "load_regions",
    "log_verifier",
    "open_and_fold",
    "recap",
    "region_options",
    "report",
]
