"""``saksi recap SOURCE``: fold a published log into totals, from a folder or a URL.

It reads only the publication (``checkpoint``, ``tile/...``), checks that the tiles
hash to the checkpoint's root (and the checkpoint's signature with ``--log-key``),
folds every entry with the fold driver (:mod:`saksi.recap.driver`), and prints one
region's totals, progress and children, with the reconciliation findings; for a format
v2 log, then each legislative contest's progress and seats (``--contest dpr``: that
contest's party totals at the region, and its seats). ``--json`` prints the same as one
JSON document for scripts. A format v2 log needs the contests file its
manifest names: ``--contests FILE``, or else the one a data folder keeps beside its
log (``DATA/contests.json.gz`` for ``SOURCE`` = ``DATA/log``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from saksi.cli.seats import print_table
from saksi.election.codes import NASIONAL
from saksi.recap.driver import (
    DEFAULT_SCALE,
    DEFAULT_SEED,
    WORKERS_FROM,
    FoldOptions,
    open_and_fold,
)
from saksi.recap.fold import Recap
from saksi.recap.legislative_reconcile import anomalies as legislative_anomalies
from saksi.recap.legislative_reconcile import anomaly_counts
from saksi.recap.legislative_reconcile import recap_differences as legislative_recaps
from saksi.recap.legislative_seats import contest_seats
from saksi.recap.reconcile import anomalies, recap_differences
from saksi.tlog.remote import PublishedLog


def progress_line(done: int, total: int, rate: float) -> None:
    """A fold's progress on standard error."""
    click.echo(f"  {done:,} / {total:,} entries ({rate:,.0f}/s)", err=True)


def checkpoint_of(published: PublishedLog) -> dict[str, Any]:
    """The checkpoint every number of a report comes from."""
    checkpoint = published.checkpoint
    return {
        "origin": checkpoint.origin,
        "tree_size": checkpoint.size,
        "root_hash": checkpoint.root.hex(),
        "signature_checked": published.signature_checked,
    }


def report(recap: Recap, published: PublishedLog, region: str, contest: str) -> dict[str, Any]:
    """What ``saksi recap --json`` prints: PPWP's report of ``region`` and, for a format
    v2 log, every legislative contest's seats (``legislative``); a legislative
    ``contest``'s own report of ``region`` (:func:`legislative_report`)."""
    if contest in recap.legislative_contests:
        return legislative_report(recap, published, region, contest)
    hierarchy = recap.hierarchy
    hierarchy.require(region)

    def summary(code: str) -> dict[str, Any]:
        return {
            "code": code,
            "name": hierarchy.name(code),
            "totals": recap.totals(code, contest).to_dict(),
            "progress": recap.progress(code, contest).to_dict(),
            "counters": recap.counters(code, contest),
        }

    kinds = anomaly_counts(anomalies(recap, contest, region))
    checkpoint = checkpoint_of(published)
    legislative = {c: seats_report(recap, c, checkpoint) for c in recap.legislative_contests}
    return {
        "checkpoint": checkpoint,
        "contest": contest,
        **summary(region),
        "children": [summary(c) for c in hierarchy.children(region)],
        "recaps": [c.to_dict() for c in recap_differences(recap, contest, region)],
        "anomalies": kinds,
        **({"not_totalled": list(recap.not_totalled)} if recap.not_totalled else {}),
        **({"legislative": legislative} if legislative else {}),
    }


def seats_report(recap: Recap, contest: str, checkpoint: dict[str, Any]) -> dict[str, Any]:
    """One legislative contest's seats at the checkpoint: ``saksi seats --format json``'s
    object with ``name``, ``checkpoint``, ``provisional``, ``progress`` and
    ``dapil_status`` (docs/recap.md, "Seats from the log")."""
    described = recap.manifest.contest(contest)
    named = {k: v for k, v in checkpoint.items() if k != "signature_checked"}
    return {
        **contest_seats(recap, contest).to_json(named),
        "name": described.name if described is not None else contest,
    }


def legislative_report(
    recap: Recap, published: PublishedLog, region: str, contest: str
) -> dict[str, Any]:
    """``saksi recap --contest dpr --json``: the contest's party sums, progress and
    counters at ``region`` and each child, and its seats."""
    tally = recap.legislative(contest)
    hierarchy = recap.hierarchy
    hierarchy.require(region)

    def summary(code: str) -> dict[str, Any]:
        return {
            "code": code,
            "name": hierarchy.name(code),
            "totals": tally.totals(code).to_dict(),
            "progress": tally.progress(code).to_dict(),
            "counters": tally.counters(code),
        }

    checkpoint = checkpoint_of(published)
    found = legislative_anomalies(recap, contest, region)
    return {
        "checkpoint": checkpoint,
        "contest": contest,
        **summary(region),
        "children": [summary(c) for c in hierarchy.children(region)],
        "recaps": [c.to_dict() for c in legislative_recaps(recap, contest, region)],
        "anomalies": anomaly_counts(found),
        "findings": found,
        "seats": seats_report(recap, contest, checkpoint),
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
    if data.get("not_totalled"):
        listed = ", ".join(data["not_totalled"])
        click.echo(f"\nrecorded, not totalled / dicatat, belum dijumlahkan: {listed}")
    for seats in data.get("legislative", {}).values():
        print_seats(seats)


def print_seats(seats: dict[str, Any]) -> None:
    """One legislative contest's progress and seats, and why they are provisional."""
    progress, size = seats["progress"], seats["checkpoint"]["tree_size"]
    state = "PROVISIONAL / SEMENTARA" if seats["provisional"] else "final / tetap"
    click.echo(
        f"\n{seats['name']} ({seats['contest']}): {progress['received']:,} / "
        f"{progress['expected']:,} TPS received ({progress['percent']}%), "
        f"{progress['counted']:,} counted; seats at tree size {size:,}: {state}"
    )
    if seats["threshold"]["provisional"]:
        click.echo(
            "  threshold provisional: the national count is not complete / ambang batas "
            "sementara: penghitungan nasional belum lengkap"
        )
    print_table(seats)
    click.echo(
        f"  {'dapil':<12} {'seats':>5} {'expected':>9} {'received':>9} {'counted':>8}  status"
    )
    for code, d in seats["dapil_status"].items():
        why = f"provisional / sementara: {', '.join(d['reasons'])}" if d["reasons"] else "final"
        click.echo(
            f"  {code:<12} {d['seats']:>5} {d['expected']:>9,} {d['received']:>9,} "
            f"{d['counted']:>8,}  {why}"
        )


def print_legislative_report(data: dict[str, Any]) -> None:
    """``saksi recap --contest dpr``: the party sums at the region, its children, the seats."""
    cp = data["checkpoint"]
    checked = "signature checked" if cp["signature_checked"] else "signature NOT checked"
    click.echo(f"log {cp['origin']}  size {cp['tree_size']:,}  root {cp['root_hash']}  ({checked})")
    totals, progress = data["totals"], data["progress"]
    click.echo(
        f"\n{data['name']} ({data['code']}), {data['contest']}: "
        f"{progress['received']:,} / {progress['expected']:,} TPS received "
        f"({progress['percent']}%), {progress['counted']:,} counted"
    )
    valid = totals["suara_sah"]
    if "partai" in totals:
        click.echo(f"  {'party':<6} {'A.1 suara partai':>17} {'B suara sah partai':>19}")
        for party, votes in totals["partai"].items():
            b = votes["suara_sah_partai"]
            click.echo(f"  {party:<6} {votes['suara_partai']:>17,} {b:>19,}  {_share(b, valid)}")
    click.echo(
        f"  suara sah {valid:,}  tidak sah {totals['suara_tidak_sah']:,}  "
        f"pengguna hak pilih {totals['pengguna_total_j']:,}  DPT {totals['pemilih_dpt_j']:,}"
    )
    if data["children"]:
        click.echo(f"\n  {'code':<13} {'received':>8}  {'suara sah':>10}  name")
        for child in data["children"]:
            percent, votes = child["progress"]["percent"], child["totals"]["suara_sah"]
            click.echo(f"  {child['code']:<13} {percent:>7}%  {votes:>10,}  {child['name']}")
    print_findings(data)
    print_seats(data["seats"])


def _who(item: dict[str, Any]) -> str:
    """The party or candidate a box or a copy names."""
    if "candidate" in item and "party" in item:
        return f" (party {item['party']} candidate {item['candidate']})"
    if "party" in item:
        return f" (party {item['party']})"
    return f" (candidate {item['candidate']})" if "candidate" in item else ""


def finding_line(item: dict[str, Any]) -> str:
    """One legislative finding on one line (``saksi recap --contest dpr``)."""
    kind = item["type"]
    if kind == "recap-difference":
        fields = ", ".join(
            f"{d['field']}{_who(d)} recap {d['recap']:,} vs forms {d['forms']:,} "
            f"({d['recap'] - d['forms']:+,})"
            for d in item["differences"]
        )
        done = "" if item["complete"] else " [not every TPS counted yet]"
        return f"D.Hasil {item['level']} {item['region']} dapil {item['dapil']}{done}: {fields}"
    if kind == "witness-dispute":
        who = f"candidate {item['candidate']}" if "candidate" in item else f"party {item['party']}"
        fields = ", ".join(f"{d['field']} copy {d['copy']} vs form {d['form']}"
                           for d in item["differences"])  # fmt: skip
        return f"witness copy of {who} at TPS {item['tps']} differs: {fields}"
    if kind == "cross-form":
        rules = "; ".join(r["message"]["en"] for r in item["rules"])
        return f"TPS {item['region']} forms disagree ({item['severity']}, not held): {rules}"
    if kind == "correction":
        changes = ", ".join(
            f"{c['field']}{_who(c)} {c['before']} -> {c['after']}"
            + "".join(
                f", copy {k.get('party') or k.get('candidate')}: {k['copy']}" for k in c["copies"]
            )
            for c in item["changes"]
        )
        return f"correction at TPS {item['tps']} ({item['reason']}): {changes}"
    if kind == "flag":
        return f"TPS {item['region']} flagged: {', '.join([*item['flags'], *item['rules']])}"
    return f"TPS {item['region']} held: {', '.join(item['rules'])}"


def print_findings(data: dict[str, Any]) -> None:
    """A legislative contest's anomalies: by kind, then one line each."""
    if not data["findings"]:
        return
    listed = ", ".join(f"{k}: {v}" for k, v in sorted(data["anomalies"].items()))
    click.echo(f"\nanomalies / anomali: {listed}")
    for item in data["findings"]:
        click.echo(f"  {finding_line(item)}")


def region_options(command: Any) -> Any:
    """``--regions``, ``--scale``, ``--seed``, ``--contests``, ``--log-key``,
    ``--verify-signatures``, ``--workers``: shared by recap and publish."""
    for option in reversed((
        click.option(
            "--regions",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Region file of the election (saksi regions import); default: the synthetic "
            "hierarchy.",
        ),
        click.option(
            "--contests",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Contests file a format v2 manifest names (saksi contests); default: "
            "DATA/contests.json.gz beside SOURCE = DATA/log, if there.",
        ),
        click.option("--scale", type=float, help=f"Synthetic scale (default {DEFAULT_SCALE})."),
        click.option("--seed", type=int, help=f"Synthetic seed (default {DEFAULT_SEED})."),
        click.option("--log-key", help="The log's verifier key: check the checkpoint's signature."),
        click.option(
            "--verify-signatures",
            is_flag=True,
            help="Also check every entry's Ed25519 signature (slower; saksi verify checks all).",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=0),
            help=f"Processes reading entries beside the fold (default: 1 with two cores or "
            f"more and at least {WORKERS_FROM:,} entries, else 0).",
        ),
    )):  # fmt: skip
        command = option(command)
    return command


def fold_options(
    source: str,
    *,
    regions: Path | None,
    scale: float | None,
    seed: int | None,
    log_key: str | None,
    verify_signatures: bool,
    contests: Path | None,
    workers: int | None = None,
) -> FoldOptions:
    """The options of :func:`region_options`, as the fold driver takes them (the
    contests file, when not given, the one ``source``'s data folder keeps)."""
    options = FoldOptions(regions, scale, seed, log_key, verify_signatures, contests, workers)
    return options.with_recorded_contests(source)


@click.command()
@click.argument("source")
@region_options
@click.option("--region", default=NASIONAL, show_default=True, help="Region code to report.")
@click.option(
    "--contest",
    default="ppwp",
    show_default=True,
    help="Contest to report (a legislative one: its party totals, progress and seats).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
def recap(source: str, region: str, contest: str, as_json: bool, **flags: Any) -> None:
    """Fold a published log (a folder or a URL) into totals.

    Menghitung total dari log yang dipublikasikan (folder atau URL).
    """
    options = fold_options(source, **flags)
    published, folded = open_and_fold(source, options, progress=None if as_json else progress_line)
    data = report(folded, published, region, contest)
    if as_json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        click.echo()
    elif contest in folded.legislative_contests:
        print_legislative_report(data)
    else:
        print_report(data)


__all__ = [
    "finding_line",
    "fold_options",
    "legislative_report",
    "print_findings",
    "print_legislative_report",
    "print_report",
    "print_seats",
    "progress_line",
    "recap",
    "region_options",
    "report",
    "seats_report",
]
