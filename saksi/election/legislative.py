"""The legislative contests: parties, dapil and candidate lists (the contests file).

Four of the five ballots of a Pemilu are legislative: DPR, DPD, DPRD Provinsi and
DPRD Kab/Kota. What they are (which parties stand, the dapil and the region units
each is made of, the seats, every candidate by ballot number) is too large for a log
entry (about 250,000 candidates in 2024), so it lives in one file, the *contests
file* (``saksi-contests/1``), named by its SHA-256 like the region file
(docs/contests.md). Its two sources give the same model: a synthetic election made
from any hierarchy (:mod:`saksi.election.synthetic_contests`) and KPU's real 2024
lists (:mod:`saksi.election.legislative_import`).

Which ballots a TPS gets is the law's (:func:`votes_in`): all five everywhere, four
in DKI Jakarta (no DPRD Kab/Kota), PPWP and DPR overseas; in which dapil, the
contests file's: a TPS lies in a dapil when one of the dapil's units (a province,
kab/kota, kecamatan or desa code) is a prefix of its code, and in exactly one dapil
of each contest it votes in (:meth:`Contests.place` checks every TPS).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Final, Literal, TypeVar

from pydantic import Field, model_validator

from saksi.election.codes import Level
from saksi.election.contests import ContestKind, Name, Party
from saksi.election.regions import Hierarchy, read_data_file
from saksi.election.wire import FieldInvalid, WireModel, loads, parse_model
from saksi.errors import ContestError, InputError, StoreError

FORMAT: Final = "saksi-contests/1"
LEGISLATIVE: Final = (
    ContestKind.DPR,
    ContestKind.DPD,
    ContestKind.DPRD_PROV,
    ContestKind.DPRD_KABKOTA,
)
OVERSEAS: Final = "99"
JAKARTA: Final = "31"
ACEH: Final = "11"
SEATS: Final = {
    ContestKind.DPR: (3, 10),
    ContestKind.DPD: (4, 4),
    ContestKind.DPRD_PROV: (3, 12),
    ContestKind.DPRD_KABKOTA: (3, 12),
}
"""Seats per dapil the law allows (Law 7/2017 art. 187, 189, 192, 196)."""
ACEH_DPRD_MAX_SEATS: Final = 15
"""Aceh's DPRA and DPRK have 125% of the seats of other DPRD (Law 11/2006 art. 23 and
29), so a dapil there may elect up to 15 (one does in 2024: DPRK Aceh Timur 2, 13)."""


def seat_range(kind: ContestKind, district: District) -> tuple[int, int]:
    """The seats a dapil of ``kind`` may elect, Aceh's DPRD included."""
    lo, hi = SEATS[kind]
    in_aceh = all(u[:2] == ACEH for u in district.units)
    if kind in (ContestKind.DPRD_PROV, ContestKind.DPRD_KABKOTA) and in_aceh:
        hi = ACEH_DPRD_MAX_SEATS
    return lo, hi


UNIT_LENGTHS: Final = (2, 4, 6, 10)
UnitCode = Annotated[str, Field(pattern=r"^[0-9]{2}(?:[0-9]{2}(?:[0-9]{2}(?:[0-9]{4})?)?)?$")]


def votes_in(kind: ContestKind, tps: str) -> bool:
    """Whether a TPS gets the ballot of ``kind``: the law, not the contests file."""
    province = tps[:2]
    if kind in (ContestKind.PPWP, ContestKind.DPR):
        return True
    if province == OVERSEAS:
        return False
    return not (kind is ContestKind.DPRD_KABKOTA and province == JAKARTA)


class Candidate(WireModel):
    """A candidate as the ballot prints them: ballot number and name."""

    number: Annotated[int, Field(ge=1, le=999)]
    name: Name


def _ascending(candidates: tuple[Candidate, ...]) -> bool:
    return all(a.number < b.number for a, b in pairwise(candidates))


class PartyList(WireModel):
    """One party's candidates in one dapil, in ballot order. Numbers rise, usually
    1, 2, 3, ...; a gap is a candidate struck off the list before the ballots were
    printed (the numbers as printed are kept)."""

    party: Annotated[str, Field(pattern=r"^[1-9][0-9]?$")]
    candidates: tuple[Candidate, ...] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _in_ballot_order(self) -> PartyList:
        if not _ascending(self.candidates):
            raise FieldInvalid(
                f"party {self.party}: candidate numbers must rise, each once",
                f"partai {self.party}: nomor urut calon harus naik, masing-masing sekali",
            )
        return self


class District(WireModel):
    """A dapil: its code, name, seats, region units, and who stands in it.

    A party contest's dapil has ``lists`` (the parties on its ballot, each with its
    candidates); a DPD dapil (a province) has ``candidates`` and no lists.
    """

    code: Annotated[str, Field(pattern=r"^[0-9A-Za-z.-]{1,20}$")]
    name: Name
    seats: Annotated[int, Field(ge=1, le=100)]
    units: tuple[UnitCode, ...] = Field(min_length=1)
    lists: tuple[PartyList, ...] = ()
    candidates: tuple[Candidate, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> District:
        if len(set(self.units)) != len(self.units):
            raise FieldInvalid(
                f"dapil {self.code}: a unit is listed twice",
                f"dapil {self.code}: ada wilayah yang tercantum dua kali",
            )
        parties = [p.party for p in self.lists]
        if len(set(parties)) != len(parties):
            raise FieldInvalid(
                f"dapil {self.code}: a party is listed twice",
                f"dapil {self.code}: ada partai yang tercantum dua kali",
            )
        if not _ascending(self.candidates):
            raise FieldInvalid(
                f"dapil {self.code}: candidate numbers must rise, each once",
                f"dapil {self.code}: nomor urut calon harus naik, masing-masing sekali",
            )
        return self

    def party_list(self, party: str) -> PartyList | None:
        return next((p for p in self.lists if p.party == party), None)


class LegislativeContest(WireModel):
    """One legislative contest: its dapil, and the vote threshold for seats (DPR)."""

    kind: ContestKind
    name: Name
    threshold_percent: Annotated[int, Field(ge=0, le=100)] | None = None
    districts: tuple[District, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> LegislativeContest:
        if self.kind not in LEGISLATIVE:
            raise FieldInvalid(
                f"{self.kind.value} is not a legislative contest",
                f"{self.kind.value} bukan pemilihan legislatif",
            )
        kind = self.kind.value
        codes = [d.code for d in self.districts]
        if len(set(codes)) != len(codes):
            raise FieldInvalid(
                f"{kind}: a dapil code is listed twice",
                f"{kind}: ada kode dapil tercantum dua kali",
            )
        for d in self.districts:
            self._check_district(d)
        return self

    def _check_district(self, d: District) -> None:
        kind, (lo, hi) = self.kind.value, seat_range(self.kind, d)
        if not lo <= d.seats <= hi:
            raise FieldInvalid(
                f"{kind} dapil {d.code}: {d.seats} seats, the law allows {lo}-{hi}",
                f"{kind} dapil {d.code}: {d.seats} kursi, undang-undang membolehkan {lo}-{hi}",
            )
        if self.kind is ContestKind.DPD and (d.lists or not d.candidates):
            raise FieldInvalid(
                f"dpd dapil {d.code}: candidates, and no party lists",
                f"dpd dapil {d.code}: calon perseorangan, tanpa daftar partai",
            )
        if self.kind is not ContestKind.DPD and (d.candidates or not d.lists):
            raise FieldInvalid(
                f"{kind} dapil {d.code}: party lists only",
                f"{kind} dapil {d.code}: hanya daftar calon partai",
            )
        for plist in d.lists:
            if len(plist.candidates) > d.seats:
                raise FieldInvalid(
                    f"{kind} dapil {d.code} party {plist.party}: "
                    f"{len(plist.candidates)} candidates for {d.seats} seats",
                    f"{kind} dapil {d.code} partai {plist.party}: "
                    f"{len(plist.candidates)} calon untuk {d.seats} kursi",
                )

    def district(self, code: str) -> District:
        for d in self.districts:
            if d.code == code:
                return d
        raise ContestError(
            code="contest.unknown-district",
            en=f"no dapil {code!r} in contest {self.kind.value}",
            id=f"tidak ada dapil {code!r} dalam pemilihan {self.kind.value}",
            contest=self.kind.value,
            district=code,
        )

    def candidate_count(self) -> int:
        return sum(
            len(d.candidates) + sum(len(p.candidates) for p in d.lists) for d in self.districts
        )


class _ContestsWire(WireModel):
    format: Literal["saksi-contests/1"]
    name: Name
    parties: tuple[Party, ...] = Field(min_length=1, max_length=99)
    contests: tuple[LegislativeContest, ...] = Field(min_length=1, max_length=4)

    @model_validator(mode="after")
    def _consistent(self) -> _ContestsWire:
        numbers = {p.number for p in self.parties}
        if len(numbers) != len(self.parties):
            raise FieldInvalid(
                "parties: a ballot number is listed twice",
                "parties: ada nomor urut partai tercantum dua kali",
            )
        kinds = [c.kind for c in self.contests]
        if len(set(kinds)) != len(kinds):
            raise FieldInvalid(
                "contests: a contest is listed twice", "contests: ada pemilihan tercantum dua kali"
            )
        local = {p.number for p in self.parties if p.local}
        for c in self.contests:
            for d in c.districts:
                for plist in d.lists:
                    _check_party(c.kind, d, plist.party, numbers, local)
        return self


def _check_party(
    kind: ContestKind, d: District, party: str, known: set[str], local: set[str]
) -> None:
    where = f"{kind.value} dapil {d.code}"
    if party not in known:
        raise FieldInvalid(
            f"{where}: party {party} is not in parties",
            f"{where}: partai {party} tidak ada dalam parties",
        )
    if party in local and (kind is ContestKind.DPR or any(u[:2] != ACEH for u in d.units)):
        raise FieldInvalid(
            f"{where}: party {party} is a local party of Aceh, on DPRD ballots in Aceh only",
            f"{where}: partai {party} partai lokal Aceh, hanya di surat suara DPRD di Aceh",
        )


_T = TypeVar("_T")


def owners_of(owner: Mapping[str, _T], tps: str) -> list[_T]:
    """What ``owner`` (unit -> dapil) holds for the units that contain ``tps``: its
    province, kab/kota, kecamatan and desa (one, if the contests file is sound)."""
    found = (owner.get(tps[:n]) for n in UNIT_LENGTHS)
    return [d for d in found if d is not None]


def _owners(contest: LegislativeContest) -> dict[str, District]:
    """unit -> the dapil it belongs to; a unit in two dapil of one contest is refused."""
    owner: dict[str, District] = {}
    kind = contest.kind.value
    for d in contest.districts:
        for unit in d.units:
            if unit in owner:
                raise ContestError(
                    code="contest.unit-twice",
                    en=f"{kind}: unit {unit} is in dapil {owner[unit].code} and in {d.code}",
                    id=f"{kind}: unit {unit} ada di dapil {owner[unit].code} dan di {d.code}",
                    contest=kind,
                    unit=unit,
                )
            owner[unit] = d
    return owner


@dataclass(frozen=True)
class Unplaced:
    """What :meth:`Contests.place` could not place, for a reader to act on."""

    contest: str
    what: str  # "unit": a dapil's unit not in the region file; "desa": its TPS in no dapil
    code: str
    district: str = ""  # the unit's dapil; for a desa, "none" or the dapil it is in twice
    tps: int = 0  # for a desa, how many TPS it has


@dataclass(frozen=True)
class Placement:
    """Every TPS checked against every contest: counts and what could not be placed."""

    placed: dict[str, int]  # contest -> TPS placed in exactly one of its dapil
    unplaced: tuple[Unplaced, ...]

    @property
    def complete(self) -> bool:
        return not self.unplaced


@dataclass(frozen=True)
class Contests:
    """The contests file, read and checked, with the lookups a TPS needs."""

    name: str
    parties: tuple[Party, ...]
    contests: tuple[LegislativeContest, ...]
    _units: dict[ContestKind, dict[str, District]] = field(repr=False, compare=False)
    """Per contest, unit -> its dapil: a TPS's dapil in a few lookups, never a scan."""

    @classmethod
    def of(
        cls, *, name: str, parties: Iterable[Party], contests: Iterable[LegislativeContest]
    ) -> Contests:
        """Build and check, exactly as reading the file would."""
        wire = {
            "format": FORMAT,
            "name": name,
            "parties": [p.model_dump(mode="json") for p in parties],
            "contests": [c.model_dump(mode="json") for c in contests],
        }
        return cls.from_wire(wire)

    @classmethod
    def from_wire(cls, data: Any, what: str = "contests file") -> Contests:
        found = data.get("format") if isinstance(data, dict) else None
        if found != FORMAT:
            raise InputError(
                code="input.contests-format",
                en=f"{what}: not a contests file (format {found!r}, expected {FORMAT!r})",
                id=f"{what}: bukan berkas pemilihan (format {found!r}, seharusnya {FORMAT!r})",
                file=what,
                format=str(found),
            )
        wire = parse_model(_ContestsWire, data, what)
        units = {c.kind: _owners(c) for c in wire.contests}
        return cls(wire.name, wire.parties, wire.contests, units)

    # ---- lookups ---------------------------------------------------------------

    def contest(self, kind: ContestKind | str) -> LegislativeContest:
        for c in self.contests:
            if c.kind == kind:
                return c
        raise ContestError(
            code="contest.unknown",
            en=f"no contest {str(kind)!r} in the contests file",
            id=f"tidak ada pemilihan {str(kind)!r} dalam berkas pemilihan",
            contest=str(kind),
        )

    def party(self, number: str) -> Party:
        for p in self.parties:
            if p.number == number:
                return p
        raise ContestError(
            code="contest.unknown-party",
            en=f"no party {number!r} in the contests file",
            id=f"tidak ada partai nomor {number!r} dalam berkas pemilihan",
            party=number,
        )

    def districts_of(self, kind: ContestKind, tps: str) -> list[str]:
        """Every dapil of ``kind`` one of whose units contains ``tps`` (one, if sound)."""
        return [d.code for d in self._found(kind, tps)]

    def _found(self, kind: ContestKind, tps: str) -> list[District]:
        return owners_of(self._units.get(kind, {}), tps)

    def unit_owners(self, kind: ContestKind) -> dict[str, str]:
        """Each unit (a region code) of ``kind``'s dapil -> that dapil's code: with
        :func:`owners_of`, :meth:`districts_of` without the contests file."""
        return {unit: d.code for unit, d in self._units.get(kind, {}).items()}

    def district_of(self, kind: ContestKind, tps: str) -> District:
        """The dapil of ``kind`` a TPS votes in; ContestError if none or several."""
        found = self._found(kind, tps)
        if len(found) == 1 and votes_in(kind, tps):
            return found[0]
        codes = [d.code for d in found]
        raise ContestError(
            code="contest.no-district" if not found else "contest.two-districts",
            en=f"TPS {tps} votes in no single dapil of {kind.value} (found {codes})",
            id=f"TPS {tps} tidak memilih di tepat satu dapil {kind.value} (ditemukan {codes})",
            contest=kind.value,
            tps=tps,
            found=codes,
        )

    def ballots(self, tps: str) -> dict[ContestKind, str]:
        """The legislative ballots a TPS gets: contest -> dapil code."""
        out: dict[ContestKind, str] = {}
        for c in self.contests:
            found = self.districts_of(c.kind, tps)
            if votes_in(c.kind, tps) and len(found) == 1:
                out[c.kind] = found[0]
        return out

    # ---- checking against a hierarchy --------------------------------------------

    def place(self, hierarchy: Hierarchy) -> Placement:
        """Check every unit exists and every TPS lies in exactly one dapil of each
        contest it votes in (and in none of a contest it does not vote in). Units are
        never finer than a desa, so the TPS of a desa share their dapil: one check a desa."""
        unplaced: list[Unplaced] = []
        for c in self.contests:
            for d in c.districts:
                unplaced.extend(
                    Unplaced(c.kind.value, "unit", u, d.code)
                    for u in d.units
                    if not hierarchy.exists(u)
                )
        placed = dict.fromkeys((c.kind.value for c in self.contests), 0)
        for desa in hierarchy.codes(Level.DESA):  # a unit is never finer than a desa
            tps = f"{desa}000"
            count = hierarchy.tps_count(desa)
            for c in self.contests:
                found = self.districts_of(c.kind, tps)
                should = votes_in(c.kind, tps)
                if should and len(found) == 1:
                    placed[c.kind.value] += count
                elif should or found:
                    why = "none" if not found else ",".join(found)
                    unplaced.append(Unplaced(c.kind.value, "desa", desa, why, tps=count))
        return Placement(placed, tuple(unplaced))

    # ---- the file -----------------------------------------------------------------

    def to_wire(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "parties": [p.model_dump(mode="json") for p in self.parties],
            "contests": [c.model_dump(mode="json") for c in self.contests],
        }

    def canonical_bytes(self) -> bytes:
        """RFC 8785 canonical JSON: sorted keys, no spaces, UTF-8 (what the digest is of)."""
        return self._canonical

    @cached_property
    def _canonical(self) -> bytes:
        text = json.dumps(self.to_wire(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8")

    def digest(self) -> str:
        """SHA-256 (hex) of :meth:`canonical_bytes`: what a manifest names."""
        return self._digest

    @cached_property
    def _digest(self) -> str:
        return hashlib.sha256(self._canonical).hexdigest()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its compressed canonical bytes (a national file's objects would
        pickle to far more), read again when unpickled."""
        return _from_compressed, (zlib.compress(self._canonical, 6),)

    def save(self, path: Path | str) -> str:
        """Write the canonical form (gzip, mtime 0, if the name ends .gz); the digest."""
        path = Path(path)
        data = self.canonical_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if path.name.endswith(".gz"):
            data = gzip.compress(data, compresslevel=9, mtime=0)
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StoreError(
                code="store.write-failed",
                en=f"cannot write {path}: {exc.strerror}",
                id=f"tidak dapat menulis {path}: {exc.strerror}",
                file=str(path),
                why=exc.strerror,
            ) from None
        return digest

    @classmethod
    def load(cls, path: Path | str, *, digest: str | None = None) -> Contests:
        """Read a contests file (gzip or not); with ``digest``, refuse any other bytes."""
        path = Path(path)
        data = read_data_file(path)
        if digest is not None:
            got = hashlib.sha256(data).hexdigest()
            if got != digest:
                raise InputError(
                    code="input.contests-digest",
                    en=f"{path.name} has SHA-256 {got}, not the {digest} the manifest names",
                    id=f"{path.name} ber-SHA-256 {got}, bukan {digest} yang disebut manifest",
                    file=str(path),
                    expected=digest,
                    found=got,
                )
        contests = cls.from_wire(loads(data, what=path.name), what=path.name)
        if digest is not None and contests.canonical_bytes() != data:
            raise InputError(
                code="input.contests-not-canonical",
                en=f"{path.name} is not in canonical form (RFC 8785)",
                id=f"{path.name} tidak dalam bentuk kanonik (RFC 8785)",
                file=str(path),
            )
        return contests

    def summary(self) -> Iterator[tuple[str, int, int, int]]:
        """Per contest: kind, dapil, seats, candidates."""
        for c in self.contests:
            yield (
                c.kind.value,
                len(c.districts),
                sum(d.seats for d in c.districts),
                c.candidate_count(),
            )


def _from_compressed(data: bytes) -> Contests:
    """What :meth:`Contests.__reduce__` pickled, read again."""
    return Contests.from_wire(json.loads(zlib.decompress(data)))
