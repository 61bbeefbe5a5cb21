"""KPU's real 2024 legislative contests, read into a contests file.

The folder is ../shared/data/legislative/ as its README describes it: ``parties.json``,
``dapil.json`` (84 DPR, 301 DPRD Provinsi and 2,325 DPRD Kab/Kota dapil, each a list
of region units), and one candidates CSV per contest (gzip). :func:`import_contests`
reads them against a region hierarchy and returns the contests and their
:class:`~saksi.election.legislative.Placement`: every unit it cannot place and every
TPS that is in no dapil (or two) of a contest it votes in, named, never guessed.

Units: ``kabkota``, ``kecamatan`` and ``desa`` rows are region codes. A split
(``kabkota-part``, ``kecamatan-part``, such as KOTA MEDAN A) is only a label: the
finer rows of the same dapil say which part; the label is dropped. The law puts the
overseas TPS (province 99) in DPR dapil DKI JAKARTA II (``3102``: "JAKARTA PUSAT +
LUAR NEGERI"): the importer adds unit ``99`` there when the hierarchy has it.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError

from saksi.election.contests import ContestKind, Party
from saksi.election.legislative import (
    OVERSEAS,
    Candidate,
    Contests,
    District,
    LegislativeContest,
    PartyList,
    Placement,
)
from saksi.election.regions import Hierarchy, read_data_file
from saksi.election.synthetic_contests import DPD_SEATS, DPR_THRESHOLD_PERCENT, NAMES
from saksi.election.wire import loads, parse_model, schema_error
from saksi.errors import InputError

OVERSEAS_DPR_DISTRICT: Final = "3102"
SPLIT_LABELS: Final = ("kabkota-part", "kecamatan-part")
UNIT_LEVELS: Final = ("kabkota", "kecamatan", "desa", *SPLIT_LABELS)
FILES: Final = {
    ContestKind.DPR: "candidates-dpr.csv.gz",
    ContestKind.DPRD_PROV: "candidates-dprd-prov.csv.gz",
    ContestKind.DPRD_KABKOTA: "candidates-dprd-kabkota.csv.gz",
    ContestKind.DPD: "candidates-dpd.csv.gz",
}
NAME: Final = "Pemilu 2024: DPR, DPD, DPRD Provinsi, DPRD Kab/Kota (KPU)"


@dataclass(frozen=True)
class Imported:
    contests: Contests
    placement: Placement


def _bad(path: Path, line: int, en: str, id_: str) -> InputError:
    return InputError(
        code="input.contests-source",
        en=f"{path.name}:{line}: {en}",
        id=f"{path.name}:{line}: {id_}",
        file=str(path),
        line=line,
    )


def _csv(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    text = read_data_file(path).decode("utf-8-sig", errors="strict")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != columns:
        raise _bad(
            path,
            1,
            f"columns {reader.fieldnames}, expected {list(columns)}",
            f"kolom {reader.fieldnames}, seharusnya {list(columns)}",
        )
    for row in reader:
        yield reader.line_num, row


def _number(path: Path, line: int, text: str) -> int:
    if not text.isascii() or not text.isdigit() or text.startswith("0"):
        raise _bad(path, line, f"ballot number {text!r}", f"nomor urut {text!r}")
    return int(text)


def _lists(path: Path, party_column: bool) -> dict[str, dict[str, list[Candidate]]]:
    """dapil (or province) -> party ("" for DPD) -> candidates in ballot order."""
    columns = ("dapil", "party", "number", "name", "sex") if party_column else (
        "province", "number", "name", "sex",
    )  # fmt: skip
    out: dict[str, dict[str, list[Candidate]]] = defaultdict(lambda: defaultdict(list))
    for line, row in _csv(path, columns):
        where = row[columns[0]]
        party = row["party"] if party_column else ""
        number = _number(path, line, row["number"])
        out[where][party].append(Candidate(number=number, name=row["name"].strip()))
    for parties in out.values():
        for people in parties.values():
            people.sort(key=lambda c: c.number)
    return out


def _units(raw: list[dict[str, Any]], path: Path, dapil: str) -> list[str]:
    units = []
    for unit in raw:
        level = unit.get("level")
        if level not in UNIT_LEVELS:
            raise _bad(
                path, 0, f"dapil {dapil}: unit level {level!r}", f"dapil {dapil}: tingkat {level!r}"
            )
        if level not in SPLIT_LABELS:
            units.append(str(unit["code"]))
    return units


def _party_contest(
    kind: ContestKind, raw: list[dict[str, Any]], folder: Path, hierarchy: Hierarchy
) -> LegislativeContest:
    path = folder / FILES[kind]
    lists = _lists(path, party_column=True)
    districts = []
    for d in raw:
        code = str(d["code"])
        units = _units(d["units"], folder / "dapil.json", code)
        if kind is ContestKind.DPR and code == OVERSEAS_DPR_DISTRICT and hierarchy.exists(OVERSEAS):
            units.append(OVERSEAS)
        parties = lists.pop(code, {})
        party_lists = tuple(
            PartyList(party=p, candidates=tuple(people))
            for p, people in sorted(parties.items(), key=lambda kv: int(kv[0]))
        )
        districts.append(
            District(
                code=code, name=d["name"], seats=d["seats"], units=tuple(units), lists=party_lists
            )
        )
    if lists:
        stray = sorted(lists)[:5]
        raise _bad(
            path,
            0,
            f"candidates for unknown dapil {stray}",
            f"calon untuk dapil tak dikenal {stray}",
        )
    threshold = DPR_THRESHOLD_PERCENT if kind is ContestKind.DPR else None
    return LegislativeContest(
        kind=kind, name=NAMES[kind], threshold_percent=threshold, districts=tuple(districts)
    )


def _dpd(folder: Path, hierarchy: Hierarchy) -> LegislativeContest:
    lists = _lists(folder / FILES[ContestKind.DPD], party_column=False)
    districts = tuple(
        District(
            code=prov,
            name=hierarchy.name(prov) if hierarchy.exists(prov) else prov,
            seats=DPD_SEATS,
            units=(prov,),
            candidates=tuple(people[""]),
        )
        for prov, people in sorted(lists.items())
    )
    return LegislativeContest(
        kind=ContestKind.DPD, name=NAMES[ContestKind.DPD], districts=districts
    )


def import_contests(folder: Path | str, hierarchy: Hierarchy) -> Imported:
    """Read KPU's legislative folder against ``hierarchy``; check every TPS's place."""
    folder = Path(folder)
    try:
        return _import(folder, hierarchy)
    except ValidationError as exc:
        raise schema_error(exc, f"{folder.name}/") from None


def _import(folder: Path, hierarchy: Hierarchy) -> Imported:
    parties_path, dapil_path = folder / "parties.json", folder / "dapil.json"
    raw_parties = loads(read_data_file(parties_path), what=parties_path.name)
    if not isinstance(raw_parties, list):
        raise _bad(parties_path, 1, "expected a list of parties", "seharusnya daftar partai")
    parties = [
        parse_model(Party, p, f"{parties_path.name}[{i}]") for i, p in enumerate(raw_parties)
    ]
    dapil = loads(read_data_file(dapil_path), what=dapil_path.name)
    if not isinstance(dapil, dict) or set(dapil) != {"dpr", "dprd-prov", "dprd-kabkota"}:
        raise _bad(
            dapil_path,
            1,
            "expected keys dpr, dprd-prov, dprd-kabkota",
            "kunci seharusnya dpr, dprd-prov, dprd-kabkota",
        )
    contests = (
        _party_contest(ContestKind.DPR, dapil["dpr"], folder, hierarchy),
        _dpd(folder, hierarchy),
        _party_contest(ContestKind.DPRD_PROV, dapil["dprd-prov"], folder, hierarchy),
        _party_contest(ContestKind.DPRD_KABKOTA, dapil["dprd-kabkota"], folder, hierarchy),
    )
    built = Contests.of(name=NAME, parties=parties, contests=contests)
    return Imported(built, built.place(hierarchy))
