"""``saksi check``: the form's arithmetic rules over Saksi form files or KPU data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from saksi.cli.keys import statement_to_sign
from saksi.election.envelope import parse_entry
from saksi.election.forms import CHasilPPWP
from saksi.election.legislative_forms import CHasilDPD, CHasilPartai
from saksi.election.legislative_forms import check_form as check_legislative_form
from saksi.election.rules import Severity, Violation, check_form, check_reading
from saksi.election.sirekap import looks_like_sirekap, read_sirekap
from saksi.election.sirekap_legislative import (
    looks_like_sirekap_party,
    read_sirekap_dpd,
    read_sirekap_party,
)
from saksi.election.wire import loads, parse_model
from saksi.errors import InputError, SaksiError

EXIT_OK, EXIT_IMPOSSIBLE, EXIT_UNREADABLE = 0, 1, 2
FORM_STATEMENTS = ("c-hasil", "c-salinan", "correction")


@dataclass
class Outcome:
    """What `check` found in one file."""

    file: str
    source: str = ""
    violations: tuple[Violation, ...] = ()
    error: SaksiError | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def impossible(self) -> bool:
        return any(v.severity == Severity.IMPOSSIBLE for v in self.violations)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.impossible

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "ok": self.ok,
            "source": self.source,
            "violations": [v.to_dict() for v in self.violations],
        }
        if self.error is not None:
            out["error"] = self.error.to_dict()
        if self.notes:
            out["notes"] = self.notes
        return out


def _tps_from_name(path: Path) -> str | None:
    stem = path.stem
    return stem if len(stem) == 13 and stem.isdigit() else None


def _check_legislative(data: Any, contest: str, outcome: Outcome) -> bool:
    """A legislative record or form, by its shape (DPD only when asked for)."""
    record = None
    if looks_like_sirekap_party(data):
        record = read_sirekap_party(data)
    elif contest == "dpd" and looks_like_sirekap(data):
        record = read_sirekap_dpd(data)
    if record is not None:
        outcome.source = f"sirekap-{'dpd' if contest == 'dpd' else 'partai'}"
        if not (record.entered_votes or record.entered_admin):
            outcome.notes.append("not yet entered by KPU / belum dientri KPU")
        outcome.violations = record.violations()
        return True
    if isinstance(data, dict) and "partai" in data:
        outcome.source = "form-partai"
        outcome.violations = check_legislative_form(
            parse_model(CHasilPartai, data, "C.Hasil-DPR/DPRD")
        )
        return True
    if isinstance(data, dict) and "suara_calon" in data:
        outcome.source = "form-dpd"
        outcome.violations = check_legislative_form(parse_model(CHasilDPD, data, "C.Hasil-DPD"))
        return True
    return False


def _check_data(path: Path, raw: bytes, outcome: Outcome, contest: str = "auto") -> None:
    data = loads(raw, what=path.name)
    if _check_legislative(data, contest, outcome):
        return
    if looks_like_sirekap(data):
        record = read_sirekap(data, tps=_tps_from_name(path))
        outcome.source = "sirekap"
        if not (record.entered_votes or record.entered_admin):
            outcome.notes.append("not yet entered by KPU / belum dientri KPU")
        outcome.violations = check_reading(record.reading)
        return
    if isinstance(data, dict) and "sig" in data and "stmt" in data:
        outcome.source = "entry"
        stmt: Any = parse_entry(raw.strip()).stmt
    elif isinstance(data, dict) and "type" in data:
        outcome.source = "statement"
        stmt = statement_to_sign(raw, path.name)  # as `saksi sign` reads it: `at` may be missing
    else:
        outcome.source = "form"
        outcome.violations = check_form(parse_model(CHasilPPWP, data, "C.Hasil-PPWP"))
        return
    form = getattr(stmt, "form", None)
    if isinstance(form, CHasilPartai | CHasilDPD):  # a legislative statement (format v2)
        outcome.violations = check_legislative_form(form)
        return
    if not isinstance(form, CHasilPPWP):
        raise InputError(
            code="cli.no-form",
            en=f"a {stmt.type} statement holds no C.Hasil form to check",
            id=f"pernyataan {stmt.type} tidak memuat formulir C.Hasil untuk diperiksa",
        )
    outcome.violations = check_form(form)


def check_file(path: Path, contest: str = "auto") -> Outcome:
    outcome = Outcome(file=str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        outcome.error = InputError(
            code="cli.unreadable-file",
            en=f"cannot read {path}: {exc.strerror or exc.__class__.__name__}",
            id=f"{path} tidak dapat dibaca: {exc.strerror or exc.__class__.__name__}",
        )
        return outcome
    try:
        _check_data(path, raw, outcome, contest)
    except SaksiError as exc:
        outcome.error = exc
    return outcome


def _print_text(outcome: Outcome) -> None:
    if outcome.error is not None:
        click.echo(f"{outcome.file}: TIDAK TERBACA / UNREADABLE")
        click.echo("  " + outcome.error.diagnostics().replace("\n", "\n  "))
        return
    status = "OK" if outcome.ok else "DITOLAK / IMPOSSIBLE"
    if outcome.ok and outcome.violations:
        status = "OK, DITANDAI / FLAGGED"
    click.echo(f"{outcome.file} [{outcome.source}]: {status}")
    for note in outcome.notes:
        click.echo(f"  note: {note}")
    for v in outcome.violations:
        click.echo(f"  {v.severity.value:<10} {v.rule}: {v.message_id}")
        click.echo(f"  {'':<10} {' ' * len(v.rule)}  ({v.message_en})")


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="`json`: one JSON object per line, per file.",
)
@click.option(
    "--contest",
    type=click.Choice(["auto", "dpd"]),
    default="auto",
    show_default=True,
    help="`dpd`: read KPU records of PPWP's shape as DPD records (candidate ids as chart "
    "keys); other contests are told by their shape.",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def check(fmt: str, contest: str, files: tuple[Path, ...]) -> None:
    """Check C.Hasil forms against the form's own arithmetic.

    FILES are Saksi form files (a bare form, a statement or a signed entry) or KPU's
    per-TPS JSON as Sirekap published it, for PPWP, DPR, DPRD and (with --contest dpd)
    DPD; the kind is detected. Exit status: 0 all
    countable, 1 a file breaks an impossibility rule, 2 a file is unreadable.

    Memeriksa formulir C.Hasil terhadap aritmetika formulir itu sendiri.
    """
    outcomes = [check_file(p, contest) for p in files]
    for outcome in outcomes:
        if fmt == "json":
            click.echo(json.dumps(outcome.to_json(), ensure_ascii=False))
        else:
            _print_text(outcome)
    if any(o.error is not None for o in outcomes):
        raise SystemExit(EXIT_UNREADABLE)
    if any(o.impossible for o in outcomes):
        raise SystemExit(EXIT_IMPOSSIBLE)
