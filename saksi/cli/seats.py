"""``saksi seats``: the seats any vote counts give, by the law's method (docs/seats.md).

A journalist's tool as much as the recap's: it reads plain CSV files, not a log::

    saksi seats VOTES.csv --contest dpr|dprd-prov|dprd-kabkota [--candidates CANDIDATES.csv]
                [--threshold-percent N] [--format table|json]
    saksi seats VOTES.csv --contest dpd [--format table|json]
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any, Final

import click

from saksi.errors import InputError
from saksi.recap.seats import (
    DPD_SEATS,
    DPR_THRESHOLD_PERCENT,
    CandidateVotes,
    DapilVotes,
    allocate,
    allocate_dpd,
)

PARTY_CONTESTS: Final = ("dpr", "dprd-prov", "dprd-kabkota")
VOTES_COLUMNS: Final = ("dapil", "seats", "party", "votes")
CANDIDATE_COLUMNS: Final = ("dapil", "party", "number", "votes")
DPD_COLUMNS: Final = ("province", "number", "votes")
MAX_VOTES: Final = 999_999_999


def _csv_error(path: Path, line: int, en: str, id_: str, **details: object) -> InputError:
    where = f"{path}, line {line}" if line else str(path)
    where_id = f"{path}, baris {line}" if line else str(path)
    return InputError(
        code="input.seats-csv",
        en=f"{where}: {en}",
        id=f"{where_id}: {id_}",
        file=str(path),
        line=line,
        **details,
    )


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each data row with its line number; the header must name exactly ``columns``."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InputError(
            code="cli.unreadable-file",
            en=f"cannot read {path}: {exc.strerror or exc.__class__.__name__}",
            id=f"{path} tidak dapat dibaca: {exc.strerror or exc.__class__.__name__}",
        ) from None
    except UnicodeDecodeError:
        raise _csv_error(path, 0, "is not UTF-8 text", "bukan teks UTF-8") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != columns:
        raise _csv_error(
            path,
            1,
            f"the header must be {','.join(columns)} (found {','.join(header or [])!r})",
            f"baris judul harus {','.join(columns)} (tertulis {','.join(header or [])!r})",
            expected=list(columns),
        )
    for row in reader:
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise _csv_error(
                path,
                line,
                f"{len(row)} columns, expected {len(columns)}",
                f"{len(row)} kolom, seharusnya {len(columns)}",
            )
        yield line, {c: cell.strip() for c, cell in zip(columns, row, strict=True)}


def _count(path: Path, line: int, column: str, text: str, low: int = 0) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 9 or int(text) < low:
        raise _csv_error(
            path,
            line,
            f"{column} must be a whole number from {low} to {MAX_VOTES:,}, not {text!r}",
            f"{column} harus bilangan bulat {low} sampai {MAX_VOTES:,}, bukan {text!r}",
            column=column,
        )
    return int(text)


def _name(path: Path, line: int, column: str, text: str) -> str:
    if not text:
        raise _csv_error(path, line, f"{column} is empty", f"{column} kosong", column=column)
    return text


def _twice(path: Path, line: int, what: str) -> InputError:
    return _csv_error(path, line, f"{what} is listed twice", f"{what} tercantum dua kali")


def read_votes(path: Path) -> list[DapilVotes]:
    """``dapil,seats,party,votes``: a party's valid votes in a dapil (each once), the
    dapil's seats the same on every row of it."""
    seats: dict[str, int] = {}
    parties: dict[str, dict[str, int]] = {}
    for line, row in _rows(path, VOTES_COLUMNS):
        dapil = _name(path, line, "dapil", row["dapil"])
        party = _name(path, line, "party", row["party"])
        n = _count(path, line, "seats", row["seats"], low=1)
        if seats.setdefault(dapil, n) != n:
            raise _csv_error(
                path,
                line,
                f"dapil {dapil} has {seats[dapil]} seats on an earlier line and {n} here",
                f"dapil {dapil} berkursi {seats[dapil]} di baris sebelumnya dan {n} di sini",
            )
        own = parties.setdefault(dapil, {})
        if party in own:
            raise _twice(path, line, f"party {party} in dapil {dapil}")
        own[party] = _count(path, line, "votes", row["votes"])
    return [DapilVotes(d, seats[d], parties[d]) for d in seats]


def read_candidates(path: Path) -> CandidateVotes:
    """``dapil,party,number,votes``: each candidate's votes (number 0: party-only)."""
    out: dict[str, dict[str, dict[int, int]]] = {}
    for line, row in _rows(path, CANDIDATE_COLUMNS):
        dapil = _name(path, line, "dapil", row["dapil"])
        party = _name(path, line, "party", row["party"])
        number = _count(path, line, "number", row["number"])
        own = out.setdefault(dapil, {}).setdefault(party, {})
        if number in own:
            raise _twice(path, line, f"candidate {number} of party {party} in dapil {dapil}")
        own[number] = _count(path, line, "votes", row["votes"])
    return out


def read_dpd(path: Path) -> dict[str, dict[int, int]]:
    """``province,number,votes``: each DPD candidate's votes in its province."""
    out: dict[str, dict[int, int]] = {}
    for line, row in _rows(path, DPD_COLUMNS):
        province = _name(path, line, "province", row["province"])
        number = _count(path, line, "number", row["number"], low=1)
        own = out.setdefault(province, {})
        if number in own:
            raise _twice(path, line, f"candidate {number} in province {province}")
        own[number] = _count(path, line, "votes", row["votes"])
    return out


def _check_lists(votes: list[DapilVotes], candidates: CandidateVotes, path: Path) -> None:
    """Each party's candidate votes (party-only included) must add up to its votes."""
    for d in votes:
        for party, total in d.parties.items():
            people = candidates.get(d.dapil, {}).get(party)
            if people is not None and sum(people.values()) != total:
                raise _csv_error(
                    path,
                    0,
                    f"party {party} in dapil {d.dapil}: its candidates' and party-only votes "
                    f"add up to {sum(people.values()):,}, but VOTES.csv gives {total:,}",
                    f"partai {party} di dapil {d.dapil}: suara calon dan suara partai "
                    f"berjumlah {sum(people.values()):,}, padahal VOTES.csv {total:,}",
                    dapil=d.dapil,
                    party=party,
                )


def _percent(text: str) -> Fraction:
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        value = Fraction(-1)
    if not 0 <= value <= 100:
        raise InputError(
            code="input.seats-threshold",
            en=f"--threshold-percent must be a number from 0 to 100, not {text!r}",
            id=f"--threshold-percent harus angka 0 sampai 100, bukan {text!r}",
            value=text,
        )
    return value


def print_table(result: Mapping[str, Any]) -> None:
    """The seats for people, from the JSON object (:meth:`SeatResult.to_json`, or the
    same with more fields, as ``saksi recap`` gives): threshold, seats per party, per
    dapil, elected, unfilled, ties."""
    if result["contest"] != "dpd":
        threshold = result["threshold"]
        if threshold["percent"] is not None:
            click.echo(
                f"threshold / ambang batas: {float(threshold['percent']):g}% of "
                f"{threshold['valid_votes']:,} valid votes; passing / lolos: "
                f"{', '.join(threshold['passing']) or '-'}"
            )
        click.echo(f"{'party':<8}{'seats':>7}")
        for party, n in result["parties"].items():
            click.echo(f"{party:<8}{n:>7,}")
        click.echo(f"{'total':<8}{sum(result['parties'].values()):>7,}")
    for dapil, won in result["dapil"].items():
        listed = ", ".join(f"{p}: {n}" for p, n in won.items() if n) or "-"
        click.echo(f"dapil {dapil}: {listed}")
    for e in result["elected"]:
        who = f"party {e['party']} no. {e['number']}" if e["party"] else f"no. {e['number']}"
        click.echo(f"  elected / terpilih  {e['dapil']:<10} {who:<22} {e['votes']:>12,} votes")
    for e in result["unfilled"]:
        click.echo(f"  UNFILLED / KOSONG   {e['dapil']:<10} party {e['party']}: no candidate left")
    for t in result["ties"]:
        click.echo(
            f"TIE / SERI {t['kind']} dapil {t['dapil']}: {', '.join(t['contenders'])} at "
            f"{t['value']}; {t['seats']} seat(s) to {', '.join(t['winners'])}"
        )
        click.echo(f"  {t['rule_id']}")
        click.echo(f"  ({t['rule_en']})")


@click.command()
@click.argument("votes", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--contest",
    type=click.Choice([*PARTY_CONTESTS, "dpd"]),
    required=True,
    help="Which contest's rules: the DPR threshold, DPRD without one, DPD's four.",
)
@click.option(
    "--candidates",
    type=click.Path(dir_okay=False, path_type=Path),
    help="dapil,party,number,votes (number 0: party-only votes): who fills each seat.",
)
@click.option(
    "--threshold-percent",
    "threshold",
    help=f"The parliamentary threshold (default {DPR_THRESHOLD_PERCENT}% for dpr, none else).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
def seats(
    votes: Path, contest: str, candidates: Path | None, threshold: str | None, fmt: str
) -> None:
    """Seats from vote counts: Sainte-Laguë per dapil, the DPR threshold, open lists,
    DPD's four per province. VOTES.csv: dapil,seats,party,votes (dpd:
    province,number,votes).

    Kursi dari perolehan suara: Sainte-Laguë per dapil, ambang batas DPR, daftar terbuka,
    empat calon DPD per provinsi.
    """
    if contest == "dpd":
        if candidates is not None or threshold is not None:
            raise InputError(
                code="cli.seats-dpd-options",
                en="--candidates and --threshold-percent do not apply to DPD",
                id="--candidates dan --threshold-percent tidak berlaku untuk DPD",
            )
        result = allocate_dpd(read_dpd(votes), DPD_SEATS)
    else:
        percent = _percent(threshold) if threshold is not None else None
        if percent is None and contest == "dpr":
            percent = DPR_THRESHOLD_PERCENT
        counts = read_votes(votes)
        lists = read_candidates(candidates) if candidates is not None else None
        if lists is not None and candidates is not None:
            _check_lists(counts, lists, candidates)
        result = allocate(contest, counts, threshold_percent=percent, candidates=lists)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print_table(result.to_json())
