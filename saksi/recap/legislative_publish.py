"""The published files of the legislative contests: region snapshots, dapil files, seats
files and their CSV, built from a :class:`~saksi.recap.legislative.LegislativeTally`.

Per legislative contest (``dpr``, ``dpd``, ``dprd-prov``, ``dprd-kabkota``), generation
``<N>/`` may hold (docs/recap.md, "Publication"):

- ``<N>/<contest>/<region path>.json``: a region's snapshot
  (``saksi-legislative-snapshot/1``: each party's A.1 and B, the common numbers,
  progress, counters, its children; a desa's children are its TPS in full);
- ``<N>/<contest>/dapil/<code>.json``: a dapil (``saksi-dapil/1``: every party's and
  candidate's votes, progress, status, its seats, who is elected, provisional or final);
- ``<N>/<contest>/seats.json`` (the nation) and ``<N>/<contest>/seats/<code>.json`` (per
  province for DPRD Provinsi and DPD, per kab/kota for DPRD Kab/Kota): the seats of the
  dapil within (``saksi-seats/1``), with links to their dapil files;
- ``<N>/export/<contest>-<level>.csv`` and ``<contest>-dapil.csv``, ``<contest>-votes.csv``,
  ``<contest>-candidates.csv`` (the last two in ``saksi seats``' input format).

The builders are pure: they read a tally and its seats and return dicts or bytes;
:mod:`saksi.recap.publish` decides what is written where.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

from saksi.election.codes import NASIONAL, Level, level_of, parent_of
from saksi.election.legislative import District
from saksi.recap.legislative import LegislativeTally
from saksi.recap.legislative_findings import Findings
from saksi.recap.legislative_seats import ContestSeats
from saksi.recap.snapshot import LEVEL_NAMES, checkpoint_dict, region_path
from saksi.recap.state import TpsState
from saksi.tlog.checkpoint import Checkpoint

LEGISLATIVE_SNAPSHOT_FORMAT: Final = "saksi-legislative-snapshot/1"
DAPIL_FORMAT: Final = "saksi-dapil/1"
SEATS_FORMAT: Final = "saksi-seats/1"

SEATS_LEVEL: Final = {
    "dpr": None,
    "dpd": Level.PROVINSI,
    "dprd-prov": Level.PROVINSI,
    "dprd-kabkota": Level.KABKOTA,
}
"""The level of a contest's seats files beside the national one (None: only the nation)."""

COMMON: Final = ("suara_sah", "suara_tidak_sah", "suara_total", "pengguna_total_j",
                 "pemilih_dpt_j")  # fmt: skip
REGION_CSV_LEVELS: Final = (Level.PROVINSI, Level.KABKOTA, Level.KECAMATAN, Level.DESA)

Href = Callable[[str], str]


def dapil_path(generation: int, contest: str, code: str) -> str:
    return f"{generation}/{contest}/dapil/{code}.json"


def seats_path(generation: int, contest: str, unit: str) -> str:
    """The nation's seats file (``unit`` ``0``) or a province's or kab/kota's."""
    if unit == NASIONAL:
        return f"{generation}/{contest}/seats.json"
    return f"{generation}/{contest}/seats/{unit}.json"


def legislative_snapshot_path(generation: int, contest: str, code: str) -> str:
    return f"{generation}/{contest}/{region_path(code)}.json"


def seats_units(tally: LegislativeTally) -> list[str]:
    """The nation, then every province or kab/kota that has a seats file of its own,
    in code order: those a dapil of the contest lies in."""
    level = SEATS_LEVEL.get(tally.contest)
    units = {NASIONAL}
    if level is not None:
        width = 2 if level is Level.PROVINSI else 4
        for code in tally.districts:
            units.add(tally.definition.district(code).units[0][:width])
    return sorted(units, key=lambda u: (u != NASIONAL, u))


def _within(district: District, unit: str) -> bool:
    return unit == NASIONAL or all(u.startswith(unit) for u in district.units)


def _names(district: District) -> dict[tuple[str, int], str]:
    """(party, number) -> the candidate's name (DPD: party "")."""
    out = {(lst.party, c.number): c.name for lst in district.lists for c in lst.candidates}
    out.update({("", c.number): c.name for c in district.candidates})
    return out


# -- region snapshots ---------------------------------------------------------------------


def _numbers(tally: LegislativeTally, code: str) -> dict[str, Any]:
    return {
        "totals": tally.totals(code).to_dict(),
        "progress": tally.progress(code).to_dict(),
        "counters": tally.counters(code),
    }


def _tps_entry(tally: LegislativeTally, state: TpsState, name: str) -> dict[str, Any]:
    return {
        "code": state.tps, "name": name, "level": "tps",
        "dapil": tally.dapil_of(state.tps).code,
        **_numbers(tally, state.tps),
        "status": state.status.value,
        "counted": state.counted,
        "witness": state.witness.value,
        "values": dict(state.values) if state.values is not None else None,
        "violations": [v.rule for v in state.violations],
        "flags": [f.flag for f in state.flags],
        "entries": {
            "original": state.original,
            "current": state.current,
            "corrections": [c.index for c in state.corrections],
            "copies": [
                {"index": c.index, "party": c.party, "candidate": c.candidate,
                 "agrees": not c.differences}
                for c in state.copies
            ],
        },
    }  # fmt: skip


def _voting_tps(tally: LegislativeTally, desa: str) -> Iterator[TpsState]:
    """The desa's TPS that vote in the contest, in code order (``missing`` if nothing
    is logged)."""
    for code in tally.hierarchy.children(desa):
        if tally.expected(code):
            yield tally.tps(code)


def legislative_snapshot(
    tally: LegislativeTally,
    checkpoint: Checkpoint,
    code: str,
    *,
    href: Href,
    recap_checks: Iterable[dict[str, Any]] = (),
    findings: Findings | None = None,
) -> dict[str, Any]:
    """The snapshot of region ``code`` for a legislative contest at ``checkpoint``;
    ``recap_checks``: the region's own D.Hasil checked against their forms, by dapil
    (:func:`saksi.recap.legislative_reconcile.check_recap`'s ``to_dict``); ``findings``:
    the contest's counts of findings (:mod:`saksi.recap.legislative_findings`), which
    add the region's ``flags``, ``anomalies`` and ``recap_differences`` and each child
    region's ``anomalies``, as PPWP's snapshots have them (None: without them)."""
    hierarchy = tally.hierarchy
    if level_of(code) is Level.DESA:
        children = [_tps_entry(tally, s, hierarchy.name(s.tps)) for s in _voting_tps(tally, code)]
    else:
        children = [
            {
                **_ref(tally, child),
                **_numbers(tally, child),
                **({"anomalies": findings.anomalies(child)} if findings is not None else {}),
                "href": href(child),
            }
            for child in hierarchy.children(code)
        ]
    return {
        "format": LEGISLATIVE_SNAPSHOT_FORMAT,
        "checkpoint": checkpoint_dict(checkpoint),
        "contest": tally.contest,
        "region": _ref(tally, code),
        "path": [{"code": c, "name": hierarchy.name(c)} for c in hierarchy.path(code)],
        **_numbers(tally, code),
        **(findings.region(code) if findings is not None else {}),
        "recap_checks": list(recap_checks),
        "children": children,
    }


def _ref(tally: LegislativeTally, code: str) -> dict[str, Any]:
    return {"code": code, "name": tally.hierarchy.name(code), "level": LEVEL_NAMES[level_of(code)]}


# -- dapil and seats ----------------------------------------------------------------------


class SeatsView:
    """A contest's seats arranged per dapil, once per publication: every dapil file and
    seats file reads its part from here (no pass over the whole result per file)."""

    def __init__(self, tally: LegislativeTally, seats: ContestSeats) -> None:
        self.tally = tally
        self.seats = seats
        self.elected: dict[str, list[dict[str, Any]]] = {}
        self.unfilled: dict[str, list[dict[str, Any]]] = {}
        self.ties: dict[str, list[dict[str, Any]]] = {}
        names: dict[str, dict[tuple[str, int], str]] = {}
        for e in seats.result.elected:
            if e.dapil not in names:
                names[e.dapil] = _names(tally.definition.district(e.dapil))
            named = {**e.to_json(), "name": names[e.dapil].get((e.party, e.number), "")}
            self.elected.setdefault(e.dapil, []).append(named)
        for u in seats.result.unfilled:
            self.unfilled.setdefault(u.dapil, []).append(u.to_json())
        for t in seats.result.ties:
            self.ties.setdefault(t.dapil, []).append(t.to_json())
        printed = seats.result.to_json()["threshold"]  # once: as saksi seats prints it
        self.threshold: dict[str, Any] = {**printed, "provisional": seats.threshold_provisional}
        level = SEATS_LEVEL.get(tally.contest)
        width = {Level.PROVINSI: 2, Level.KABKOTA: 4}.get(level) if level is not None else None
        self.units: dict[str, list[str]] = {NASIONAL: list(tally.districts)}
        if width is not None:
            for code in tally.districts:
                unit = tally.definition.district(code).units[0][:width]
                self.units.setdefault(unit, []).append(code)

    def within(self, unit: str) -> list[str]:
        """The dapil within ``unit`` (contests-file order), as :func:`seats_units` names it."""
        found = self.units.get(unit)
        if found is None:
            found = [c for c in self.tally.districts
                     if _within(self.tally.definition.district(c), unit)]  # fmt: skip
        return found

    def pick(self, store: dict[str, list[dict[str, Any]]], codes: Iterable[str]) -> list[Any]:
        return [item for code in codes for item in store.get(code, ())]


def dapil_document(
    tally: LegislativeTally,
    seats: ContestSeats,
    checkpoint: Checkpoint,
    code: str,
    *,
    view: SeatsView | None = None,
) -> dict[str, Any]:
    """One dapil of a legislative contest at ``checkpoint``: its votes, progress, status,
    seats and who is elected (provisionally or not)."""
    view = view or SeatsView(tally, seats)
    district = tally.definition.district(code)
    status = seats.dapil[code]
    names = _names(district)
    totals = tally.dapil_totals(code).to_dict()
    if "partai" in totals:
        candidates = [
            {"party": lst.party, "number": c.number, "name": c.name,
             "votes": totals["partai"][lst.party]["suara_caleg"][str(c.number)]}
            for lst in district.lists for c in lst.candidates
        ]  # fmt: skip
    else:
        candidates = [
            {"party": "", "number": c.number, "name": names[("", c.number)],
             "votes": totals["suara_calon"][str(c.number)]}
            for c in district.candidates
        ]  # fmt: skip
    return {
        "format": DAPIL_FORMAT,
        "checkpoint": checkpoint_dict(checkpoint),
        "contest": tally.contest,
        "dapil": {
            "code": code,
            "name": district.name,
            "seats": district.seats,
            "units": list(district.units),
        },
        "totals": totals,
        "candidates": candidates,
        "progress": status.progress.to_dict(),
        "counters": tally.dapil_counters(code),
        "provisional": status.provisional,
        "reasons": list(status.reasons),
        # who passes nationally, on which the dapil's seats depend (the nation's valid
        # votes would change the file at every vote anywhere: in the seats file)
        "threshold": {k: v for k, v in view.threshold.items() if k != "valid_votes"},
        "seats": _won(seats, code),
        "elected": view.pick(view.elected, [code]),
        "unfilled": view.pick(view.unfilled, [code]),
        "ties": view.pick(view.ties, [code]),
    }


def _won(seats: ContestSeats, code: str) -> dict[str, int]:
    """The parties with a seat in the dapil (DPD: the elected candidates' numbers, each 1),
    as ``saksi seats`` prints them."""
    return {p: n for p, n in seats.result.dapil.get(code, {}).items() if n}


def seats_document(
    tally: LegislativeTally,
    seats: ContestSeats,
    checkpoint: Checkpoint,
    unit: str,
    *,
    dapil_href: Href,
    name: str,
    units_href: dict[str, str] | None = None,
    view: SeatsView | None = None,
) -> dict[str, Any]:
    """The seats of the dapil within ``unit`` (the nation, a province or a kab/kota);
    the nation's file also links (``units_href``) the seats file of each province or
    kab/kota, where the contest has them."""
    view = view or SeatsView(tally, seats)
    codes = view.within(unit)
    parties: dict[str, int] = {}
    for code in codes:
        for party, won in seats.result.dapil.get(code, {}).items():
            if won:
                parties[party] = parties.get(party, 0) + won
    ordered = dict(sorted(parties.items(), key=lambda kv: (int(kv[0]), kv[0])))
    status = {c: seats.dapil[c] for c in codes}
    return {
        "format": SEATS_FORMAT,
        "checkpoint": checkpoint_dict(checkpoint),
        "contest": tally.contest,
        "name": name,
        "region": _ref(tally, unit),
        "seats": sum(tally.dapil(c).seats for c in codes),
        "provisional": any(s.provisional for s in status.values())
        or (bool(codes) and seats.threshold_provisional),
        "threshold": dict(view.threshold),
        "progress": tally.progress(unit).to_dict(),
        "parties": {} if not tally.layout.parties else ordered,
        "dapil": {c: _won(seats, c) for c in sorted(codes)},
        "elected": view.pick(view.elected, codes),
        "unfilled": view.pick(view.unfilled, codes),
        "ties": view.pick(view.ties, codes),
        "dapil_status": {c: s.to_json() for c, s in status.items()},
        "dapil_href": {c: dapil_href(c) for c in codes},
        **({"units_href": units_href} if unit == NASIONAL and units_href else {}),
    }


# -- CSV ----------------------------------------------------------------------------------


def _write(rows: Iterable[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _party_fields(tally: LegislativeTally) -> list[str]:
    return [f"{box}_{p}" for p in tally.layout.parties
            for box in ("suara_partai", "suara_sah_partai")]  # fmt: skip


def _flat(totals: dict[str, Any]) -> dict[str, int]:
    out = {f"{box}_{p}": v for p, sums in totals.get("partai", {}).items()
           for box, v in sums.items()}  # fmt: skip
    out.update({k: v for k, v in totals.items() if k != "partai"})
    return out


def legislative_csv_names(contest: str) -> dict[str, str]:
    """Level (or ``dapil``, ``votes``, and but for DPD ``candidates``) -> the CSV's name."""
    names = {LEVEL_NAMES[lv]: f"{contest}-{LEVEL_NAMES[lv]}.csv" for lv in REGION_CSV_LEVELS}
    names["tps"] = f"{contest}-tps.csv"
    extra = ("dapil", "votes") if contest == "dpd" else ("dapil", "votes", "candidates")
    for name in extra:
        names[name] = f"{contest}-{name}.csv"
    return names


def region_csv(tally: LegislativeTally, level: Level, checkpoint: Checkpoint) -> bytes:
    """Every region of ``level``: code, name, parent, expected, received, counted, each
    party's A.1 and B, the common numbers, jumlah_tps, tree_size, root_hash."""
    stamp = [checkpoint.size, checkpoint.root.hex()]
    fields = [*_party_fields(tally), *COMMON, "jumlah_tps"]
    rows: list[list[object]] = [
        ["code", "name", "parent", "expected", "received", "counted", *fields,
         "tree_size", "root_hash"],
    ]  # fmt: skip
    for code in tally.hierarchy.codes(level):
        progress = tally.progress(code)
        flat = _flat(tally.totals(code).to_dict())
        rows.append(
            [
                code,
                tally.hierarchy.name(code),
                parent_of(code),
                progress.expected,
                progress.received,
                progress.counted,
                *(flat[f] for f in fields),
                *stamp,
            ]
        )
    return _write(rows)


def tps_csv(tally: LegislativeTally, checkpoint: Checkpoint) -> bytes:
    """Every TPS that votes in the contest: code, name, parent, dapil, status, witness,
    counted, the form in force's A.1 and B of each party of the contest (empty where the
    party is not on the TPS's ballot, or while no form is logged) and common numbers,
    tree_size, root_hash."""
    stamp = [checkpoint.size, checkpoint.root.hex()]
    fields = [*_party_fields(tally), *COMMON]
    rows: list[list[object]] = [
        ["code", "name", "parent", "dapil", "status", "witness", "counted", *fields,
         "tree_size", "root_hash"],
    ]  # fmt: skip
    for desa in tally.hierarchy.codes(Level.DESA):
        for state in _voting_tps(tally, desa):
            values = state.values
            numbers = [("" if values is None else values.get(f, "")) for f in fields]
            rows.append([state.tps, tally.hierarchy.name(state.tps), desa,
                         tally.dapil_of(state.tps).code, state.status.value,
                         state.witness.value, int(state.counted), *numbers, *stamp])  # fmt: skip
    return _write(rows)


def dapil_csv(tally: LegislativeTally, seats: ContestSeats, checkpoint: Checkpoint) -> bytes:
    """Every dapil (contests-file order): dapil, name, seats, expected, received, counted,
    provisional (0/1), reasons (``;``-separated), the common numbers, jumlah_tps,
    tree_size, root_hash."""
    stamp = [checkpoint.size, checkpoint.root.hex()]
    fields = [*COMMON, "jumlah_tps"]
    rows: list[list[object]] = [
        ["dapil", "name", "seats", "expected", "received", "counted", "provisional",
         "reasons", *fields, "tree_size", "root_hash"],
    ]  # fmt: skip
    for code in tally.districts:
        status = seats.dapil[code]
        totals = tally.dapil_totals(code).common.to_dict()
        p = status.progress
        rows.append([code, tally.definition.district(code).name, status.seats, p.expected,
                     p.received, p.counted, int(status.provisional), ";".join(status.reasons),
                     *(totals[f] for f in fields), *stamp])  # fmt: skip
    return _write(rows)


def votes_csv(tally: LegislativeTally) -> bytes:
    """``saksi seats``' VOTES.csv: ``dapil,seats,party,votes`` (each party's B in each dapil,
    ballot order); for DPD its input ``province,number,votes``. No checkpoint columns, so
    the file is ``saksi seats``' input as it is."""
    if not tally.layout.parties:
        return candidates_csv(tally)
    rows: list[list[object]] = [["dapil", "seats", "party", "votes"]]
    for code in tally.districts:
        for party, sums in tally.dapil_totals(code).partai.items():
            rows.append([code, tally.dapil(code).seats, party, sums.suara_sah_partai])
    return _write(rows)


def candidates_csv(tally: LegislativeTally) -> bytes:
    """``saksi seats``' CANDIDATES.csv: ``dapil,party,number,votes``, number 0 the party's
    A.1; DPD ``province,number,votes``."""
    if not tally.layout.parties:
        rows: list[list[object]] = [["province", "number", "votes"]]
        for code in tally.districts:
            for number, votes in tally.dapil_totals(code).suara_calon.items():
                rows.append([code, number, votes])
        return _write(rows)
    rows = [["dapil", "party", "number", "votes"]]
    for code in tally.districts:
        for party, sums in tally.dapil_totals(code).partai.items():
            rows.append([code, party, 0, sums.suara_partai])
            rows += [[code, party, n, v] for n, v in sums.suara_caleg.items()]
    return _write(rows)


__all__ = [
    "COMMON",
    "DAPIL_FORMAT",
    "LEGISLATIVE_SNAPSHOT_FORMAT",
    "SEATS_FORMAT",
    "SEATS_LEVEL",
    "SeatsView",
    "candidates_csv",
    "dapil_csv",
    "dapil_document",
    "dapil_path",
    "legislative_csv_names",
    "legislative_snapshot",
    "legislative_snapshot_path",
    "region_csv",
    "seats_document",
    "seats_path",
    "seats_units",
    "tps_csv",
    "votes_csv",
]
