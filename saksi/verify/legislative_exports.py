"""A legislative contest's CSV exports against the verifier's own numbers (docs/recap.md,
"The legislative contests published", CSV; docs/verify.md, "The legislative contests").

Each file ``latest.json`` links under ``legislative.<contest>.exports.csv`` is compared
at the exports' generation, row by row (a row named by its first column, or for
``votes`` and ``candidates`` by the dapil, party and number) and column by column; a
difference is ``verify.totals-differ`` naming the file, contest, region (the region
levels and ``tps``) or dapil, the party and candidate the column or row names, the
column and both cells (as text, as the file holds them).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

from saksi.verify.contests import PARTY_CONTESTS
from saksi.verify.legislative import unpack
from saksi.verify.regions import ancestors
from saksi.verify.tally import TOTAL_FIELDS

if TYPE_CHECKING:
    from saksi.verify.legislative_published import ContestFiles

LEVELS: Final = {"provinsi": 2, "kabkota": 4, "kecamatan": 6, "desa": 10}
COMMON: Final = TOTAL_FIELDS
"""``suara_sah, suara_tidak_sah, suara_total, pengguna_total_j, pemilih_dpt_j``."""

Row = tuple[tuple[str, ...], list[str]]
"""A row's key (what names it) and its cells."""


class ContestCsv:
    """The rows the verifier makes of each of a contest's CSV files."""

    def __init__(self, files: ContestFiles, stamp: tuple[str, str]) -> None:
        self.f = files
        self.count = files.count
        self.stamp = list(stamp)
        self.party = files.contest in PARTY_CONTESTS
        self.parties = self.count.parties

    def _party_fields(self) -> list[str]:
        return [f"{box}_{p}" for p in self.parties for box in ("suara_partai", "suara_sah_partai")]

    def expected(self, name: str) -> tuple[list[str], int, Iterator[Row]] | None:
        """(header, how many columns name a row, the rows) of export ``name``."""
        if name in LEVELS:
            return self._regions(LEVELS[name])
        found = {
            "tps": self._tps,
            "dapil": self._dapil,
            "votes": self._votes,
            "candidates": self._candidates,
        }.get(name)
        if found is None or (name == "candidates" and not self.party):
            return None
        return found()

    def _regions(self, digits: int) -> tuple[list[str], int, Iterator[Row]]:
        fields = [*self._party_fields(), *COMMON, "jumlah_tps"]
        header = ["code", "name", "parent", "expected", "received", "counted", *fields,
                  "tree_size", "root_hash"]  # fmt: skip

        def rows() -> Iterator[Row]:
            regions, count = self.f.regions, self.count
            for code in regions.codes(digits):
                progress = count.progress(code)
                totals = count.totals(code)
                flat = {f"{box}_{p}": v for p, sums in totals.get("partai", {}).items()
                        for box, v in sums.items()}  # fmt: skip
                flat.update({k: v for k, v in totals.items() if k != "partai"})
                cells = [code, regions.name(code), ancestors(code)[-1], progress["expected"],
                         progress["received"], progress["counted"], *(flat[f] for f in fields),
                         *self.stamp]  # fmt: skip
                yield (code,), [str(c) for c in cells]

        return header, 1, rows()

    def _tps(self) -> tuple[list[str], int, Iterator[Row]]:
        fields = [*self._party_fields(), *COMMON]
        header = ["code", "name", "parent", "dapil", "status", "witness", "counted", *fields,
                  "tree_size", "root_hash"]  # fmt: skip

        def rows() -> Iterator[Row]:
            f, count = self.f, self.count
            chains = count.chains
            for desa in f.regions.codes(10):
                dapil = count.dapil_of.get(desa)
                if dapil is None:
                    continue
                names = f.value_names(dapil)
                for tps in f.regions.children(desa):
                    status, witness, _ = count.status.get(tps, ("missing", "none", False))
                    slot = chains.slot_of.get(tps)
                    packed = chains.values[slot] if slot is not None else b""
                    values = dict(zip(names, unpack(packed), strict=True)) if packed else {}
                    cells = [str(values.get(x, "")) for x in fields]
                    counted = int(status in ("received", "corrected"))
                    yield (tps,), [tps, f.regions.name(tps), desa, dapil, status, witness,
                                   str(counted), *cells, *self.stamp]  # fmt: skip

        return header, 1, rows()

    def _dapil(self) -> tuple[list[str], int, Iterator[Row]]:
        header = ["dapil", "name", "seats", "expected", "received", "counted", "provisional",
                  "reasons", *COMMON, "jumlah_tps", "tree_size", "root_hash"]  # fmt: skip

        def rows() -> Iterator[Row]:
            f, count = self.f, self.count
            for code, district in f.districts.items():
                status = f.seats["dapil_status"][code]
                totals = self.f.dapil_totals(code)
                cells = [code, district.name, count.seat_count[code], status["expected"],
                         status["received"], status["counted"], int(status["provisional"]),
                         ";".join(status["reasons"]), *(totals[x] for x in COMMON),
                         totals["jumlah_tps"], *self.stamp]  # fmt: skip
                yield (code,), [str(c) for c in cells]

        return header, 1, rows()

    def _votes(self) -> tuple[list[str], int, Iterator[Row]]:
        if not self.party:
            return self._dpd()
        header = ["dapil", "seats", "party", "votes"]

        def rows() -> Iterator[Row]:
            count = self.count
            for code in self.f.districts:
                for party, sums in self.f.dapil_totals(code)["partai"].items():
                    cells = [code, str(count.seat_count[code]), party,
                             str(sums["suara_sah_partai"])]  # fmt: skip
                    yield (code, party), cells

        return header, 0, rows()

    def _dpd(self) -> tuple[list[str], int, Iterator[Row]]:
        header = ["province", "number", "votes"]

        def rows() -> Iterator[Row]:
            for code in self.f.districts:
                for number, votes in self.f.dapil_totals(code)["suara_calon"].items():
                    yield (code, number), [code, number, str(votes)]

        return header, 0, rows()

    def _candidates(self) -> tuple[list[str], int, Iterator[Row]]:
        header = ["dapil", "party", "number", "votes"]

        def rows() -> Iterator[Row]:
            for code in self.f.districts:
                for party, sums in self.f.dapil_totals(code)["partai"].items():
                    yield (code, party, "0"), [code, party, "0", str(sums["suara_partai"])]
                    for number, votes in sums["suara_caleg"].items():
                        yield (code, party, number), [code, party, number, str(votes)]

        return header, 0, rows()


def row_keys(name: str, row: list[str], party: bool) -> tuple[str, ...]:
    """What names a published row of export ``name``: its first column, or the dapil and
    party (``votes``; DPD: province and number) and number (``candidates``)."""
    if name == "candidates":
        return tuple(row[:3])
    if name == "votes":
        return (row[0], row[2]) if party else tuple(row[:2])
    return tuple(row[:1])


def compare_rows(
    name: str, data: bytes, expected: tuple[list[str], int, Iterator[Row]], party: bool
) -> Iterator[tuple[tuple[str, ...], str, Any, Any]]:
    """``(row key, column, published, recomputed)`` for every difference (``row``: a row
    on one side only; ``header``: the header)."""
    header, _, rows = expected
    try:
        parsed = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    except (UnicodeDecodeError, csv.Error) as exc:
        yield (), "csv", exc.__class__.__name__, "readable"
        return
    theirs_header = parsed[0] if parsed else []
    if theirs_header != header:
        yield (), "header", theirs_header, header
    theirs = {row_keys(name, r, party): r for r in parsed[1:] if r}
    seen: set[tuple[str, ...]] = set()
    for key, cells in rows:
        seen.add(key)
        found = theirs.get(key)
        if found is None:
            yield key, "row", None, "present"
            continue
        mine = dict(zip(theirs_header, found, strict=False))
        for column, cell in zip(header, cells, strict=True):
            if mine.get(column) != cell:
                yield key, column, mine.get(column), cell
    for key in theirs.keys() - seen:
        yield key, "row", "present", None


# -- NIST SP 1500-100 ------------------------------------------------------------------

Number = tuple[str | None, str | None, str | None, str | None, str, Any, Any]
"""(region, dapil, party, candidate, field, published, recomputed)."""

_UNIT_FIELDS: Final = ("TotalSubUnits", "SubUnitsReported", "VotersRegistered",
                       "VotersParticipated")  # fmt: skip


class ContestNist:
    """The numbers of a contest's NIST ElectionReport, as the verifier makes them
    (docs/recap.md, "NIST SP 1500-100 v2" of the legislative contests)."""

    def __init__(self, files: ContestFiles) -> None:
        self.f = files
        self.count = files.count
        self.contest = files.contest
        seats = files.seats
        self.elected = {
            (e["dapil"], e["party"] or "dpd", str(e["number"])) for e in seats["elected"]
        }
        self.provisional = {d: s["provisional"] for d, s in seats["dapil_status"].items()}
        self._made: dict[str, dict[str, Any] | None] = {}

    def _unit(self, unit: str) -> tuple[str | None, str | None]:
        """A GpUnit id as (region, dapil); (None, None) for no unit of the contest."""
        code = unit.removeprefix("ru-")
        if code.startswith("dapil-"):
            dapil = code.removeprefix("dapil-")
            return None, dapil if dapil in self.f.districts else None
        return (code if self.f.regions.exists(code) else None), None

    def _facts(self, unit: str) -> dict[str, Any] | None:
        """A unit's progress and totals (None: not a unit of this contest), made once."""
        if unit not in self._made:
            self._made[unit] = self._make(unit)
        return self._made[unit]

    def _make(self, unit: str) -> dict[str, Any] | None:
        region, dapil = self._unit(unit)
        if region is not None:
            return {**self.count.totals(region), **self.count.progress(region)}
        if dapil is not None:
            return {**self.f.dapil_totals(dapil), **self.count.dapil_progress(dapil)}
        return None

    def _where(self, unit: str) -> tuple[str | None, str | None]:
        region, dapil = self._unit(unit)
        if region is None and dapil is None:
            return unit, None  # named as published
        return region, dapil

    def numbers(self, doc: dict[str, Any]) -> Iterator[Number]:
        """Every number of the report with the verifier's, and each candidate's status."""
        for unit in doc.get("GpUnit", []):
            uid = str(unit.get("@id", ""))
            facts = self._facts(uid)
            region, dapil = self._where(uid)
            mine = (
                dict(zip(_UNIT_FIELDS, (facts["expected"], facts["received"],
                                        facts["pemilih_dpt_j"], facts["pengguna_total_j"]),
                         strict=True))
                if facts is not None else {}
            )  # fmt: skip
            for name in _UNIT_FIELDS:
                yield region, dapil, None, None, name, unit.get(name), mine.get(name)
        for election in doc.get("Election", []):
            yield from self._contests(election)
            yield from self._statuses(election)
            for ballots in election.get("BallotCounts", []):
                uid = str(ballots.get("GpUnitId", ""))
                facts = self._facts(uid) or {}
                region, dapil = self._where(uid)
                for name, box in (("BallotsCast", "suara_total"),
                                  ("BallotsRejected", "suara_tidak_sah")):  # fmt: skip
                    yield region, dapil, None, None, name, ballots.get(name), facts.get(box)

    def _contests(self, election: dict[str, Any]) -> Iterator[Number]:
        for contest in election.get("Contest", []):
            district = str(contest.get("ElectionDistrictId", ""))
            facts = self._facts(district) or {}
            region, dapil = self._where(district)
            for name, key in (("TotalSubUnits", "expected"), ("SubUnitsReported", "received")):
                yield region, dapil, None, None, name, contest.get(name), facts.get(key)
            if "NumberElected" in contest:
                seats = self.count.seat_count.get(dapil) if dapil is not None else None
                yield region, dapil, None, None, "NumberElected", contest["NumberElected"], seats
            for selection in contest.get("ContestSelection", []):
                yield from self._selection(selection)

    def _selection(self, selection: dict[str, Any]) -> Iterator[Number]:
        parties = selection.get("PartyIds") or []
        candidates = selection.get("CandidateIds") or []
        for count in selection.get("VoteCounts", []):
            uid = str(count.get("GpUnitId", ""))
            region, dapil = self._where(uid)
            published = count.get("Count")
            if parties:
                own = str(parties[0]).removeprefix("party-")
                yield region, dapil, own, None, "VoteCounts", published, self._party(uid, own)
            elif candidates:
                who = self._candidate(str(candidates[0]))
                party = who[1] if who is not None and who[1] != "dpd" else None
                number = who[2] if who is not None else str(candidates[0])
                votes = self._candidate_votes(uid, who)
                yield region, dapil, party, number, "VoteCounts", published, votes

    def _party(self, unit: str, party: str) -> int | None:
        facts = self._facts(unit)
        if facts is None or "partai" not in facts:
            return None
        sums = facts["partai"].get(party)
        return sums["suara_sah_partai"] if sums is not None else None

    def _candidate(self, cid: str) -> tuple[str, str, str] | None:
        """``cand-<contest>-<dapil>-<party or dpd>-<number>`` as (dapil, party, number)."""
        rest = cid.removeprefix(f"cand-{self.contest}-")
        parts = rest.rsplit("-", 2)
        if rest == cid or len(parts) != 3 or parts[0] not in self.f.districts:
            return None
        return parts[0], parts[1], parts[2]

    def _candidate_votes(self, unit: str, who: tuple[str, str, str] | None) -> int | None:
        dapil = self._unit(unit)[1]
        if who is None or dapil != who[0]:
            return None
        totals = self.f.dapil_totals(dapil)
        if "suara_calon" in totals:
            found: int | None = totals["suara_calon"].get(who[2]) if who[1] == "dpd" else None
            return found
        sums = totals["partai"].get(who[1])
        return sums["suara_caleg"].get(who[2]) if sums is not None else None

    def _expected_ids(self) -> dict[str, str | None]:
        """Every candidate's id -> the status the report must give it."""
        out: dict[str, str | None] = {}
        for code, district in self.f.districts.items():
            final = not self.provisional[code]
            for party, number, _ in district.names:
                key = (code, party or "dpd", str(number))
                elected = key in self.elected
                status = ("winner" if elected else "defeated") if final else (
                    "projected-winner" if elected else None)  # fmt: skip
                out[f"cand-{self.contest}-{key[0]}-{key[1]}-{key[2]}"] = status
        return out

    def _statuses(self, election: dict[str, Any]) -> Iterator[Number]:
        expected = self._expected_ids()
        listed: set[str] = set()
        for candidate in election.get("Candidate", []):
            cid = str(candidate.get("@id", ""))
            listed.add(cid)
            who = self._candidate(cid)
            dapil, party, number = who if who is not None else (None, None, cid)
            mine = expected.get(cid, "absent")
            yield (None, dapil, None if party == "dpd" else party, number, "PostElectionStatus",
                   candidate.get("PostElectionStatus"), mine)  # fmt: skip
        for cid in sorted(expected.keys() - listed):
            who = self._candidate(cid)
            assert who is not None
            party = None if who[1] == "dpd" else who[1]
            yield None, who[0], party, who[2], "Candidate", "absent", "present"


__all__ = ["LEVELS", "ContestCsv", "ContestNist", "compare_rows", "row_keys"]
