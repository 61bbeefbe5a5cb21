"""``saksi verify SOURCE``: check a publication independently, from a folder or a URL.

Reads only what is published (``log/``, ``results/``, ``photos/``; or a bare log),
keeps its own state in ``--state DIR`` so the next run reads only what is new, and
exits with a documented status (docs/verify.md): 0 verified, 3 source unreachable,
4 bad signature, 5 inconsistent log, 6 unauthorized statement, 7 wrong totals,
8 photo mismatch; 2 when the command itself is refused (options, policy, state).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from saksi.errors import InputError
from saksi.verify import (
    Policy,
    Progress,
    VerifyOptions,
    parse_policy,
    report_dict,
    summary_text,
)
from saksi.verify import (
    verify as run_verify,
)


def _policy(
    path: Path | None, log_key: str | None, witnesses: tuple[str, ...], quorum: int | None
) -> Policy:
    if path is None:
        return Policy.from_options(log_key, witnesses, quorum)
    if log_key is not None or witnesses or quorum is not None:
        raise InputError(
            code="cli.policy-and-keys",
            en=(
                "--policy gives the log key and the witnesses: leave out --log-key, --witness "
                "and --quorum"
            ),
            id=(
                "--policy sudah memuat kunci log dan pemantau: jangan pakai --log-key, --witness "
                "dan --quorum"
            ),
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            code="cli.unreadable-file",
            en=f"cannot read the policy file {path}: {exc.strerror}",
            id=f"tidak dapat membaca berkas kebijakan {path}: {exc.strerror}",
            file=str(path),
        ) from None
    return parse_policy(data)


def _region_file(path: Path | None, scale: float | None, seed: int | None) -> bytes:
    """The region file's bytes: ``--regions`` as it is, or the synthetic election's
    canonical form (built by :mod:`saksi.election`, loaded only then: the verifier
    itself reads only the bytes)."""
    if path is not None:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise InputError(
                code="cli.unreadable-file",
                en=f"cannot read the region file {path}: {exc.strerror}",
                id=f"tidak dapat membaca berkas wilayah {path}: {exc.strerror}",
                file=str(path),
            ) from None
    from saksi.recap.driver import load_regions  # noqa: PLC0415 (the synthetic election only)

    return load_regions(None, scale, seed).canonical_bytes()


def _contests_file(path: Path | None) -> bytes | None:
    """``--contests``: the contests file's bytes as they are (gzipped or not)."""
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(
            code="cli.unreadable-file",
            en=f"cannot read the contests file {path}: {exc.strerror}",
            id=f"tidak dapat membaca berkas pemilihan {path}: {exc.strerror}",
            file=str(path),
        ) from None


def _progress(info: Progress) -> None:
    left = info.total - info.done
    eta = f", ~{left / info.rate:,.0f} s left / sisa" if info.rate else ""
    click.echo(
        f"  {info.done:,} / {info.total:,} entries / entri ({info.rate:,.0f}/s{eta})", err=True
    )


@click.command()
@click.argument("source")
@click.option("--log-key", help="The log's verifier key (required unless --policy gives it).")
@click.option(
    "--witness", "witnesses", multiple=True, help="A witness's verifier key (repeatable)."
)
@click.option(
    "--quorum", type=int, help="Cosignatures required among --witness (default: all of them)."
)
@click.option(
    "--policy",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A C2SP tlog-policy file: log key, witnesses and quorum.",
)
@click.option(
    "--state",
    "state_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("saksi-verify-state"),
    show_default=True,
    help="Folder of the verifier's own state (last verified checkpoint, fold, evidence).",
)
@click.option(
    "--regions",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Region file of the election; default: the one the results link, else synthetic.",
)
@click.option(
    "--contests",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Contests file (.json or .json.gz) a v2 manifest names; default: the one "
    "published beside the results (results/contests/<digest>.json).",
)
@click.option("--scale", type=float, help="Synthetic scale (default: saksi recap's).")
@click.option("--seed", type=int, help="Synthetic seed (default: saksi recap's).")
@click.option("--full", is_flag=True, help="Verify everything again from entry 0.")
@click.option(
    "--workers", type=int, help="Processes checking signatures (default: every core; 0: none)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON document.")
@click.option("--quiet", is_flag=True, help="No progress lines on standard error.")
def verify(source: str, **opts: Any) -> None:
    """Verify a publication (a folder or a URL): signatures, witnesses, consistency,
    tiles, every entry, authorization, totals, exports and photos.

    Memverifikasi publikasi (folder atau URL): tanda tangan, pemantau, konsistensi, tile,
    setiap entri, kewenangan, total, ekspor dan foto.
    """
    policy = _policy(opts["policy"], opts["log_key"], opts["witnesses"], opts["quorum"])
    explicit = opts["regions"] is not None or opts["scale"] is not None or opts["seed"] is not None
    options = VerifyOptions(
        policy=policy,
        state_dir=opts["state_dir"],
        regions=_region_file(opts["regions"], opts["scale"], opts["seed"]) if explicit else None,
        default_regions=lambda: _region_file(None, None, None),
        contests=_contests_file(opts["contests"]),
        workers=opts["workers"],
        full=opts["full"],
        progress=None if opts["quiet"] else _progress,
    )
    report = run_verify(source, options)
    if opts["as_json"]:
        json.dump(report_dict(report), sys.stdout, ensure_ascii=False, indent=1)
        click.echo()
    else:
        click.echo(summary_text(report))
    sys.exit(report.exit_code)


__all__ = ["verify"]
