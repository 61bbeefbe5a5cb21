"""The contests file (``saksi-contests/1``, docs/contests.md) as the verifier reads it.

A version 2 manifest names the file by ``contests_digest``: the SHA-256 of its
canonical bytes (uncompressed). :class:`Contests` reads those bytes (gzip or not),
refuses anything but the canonical form of a file that keeps every rule of
docs/contests.md ("The file"), and answers what authorization asks (docs/format.md,
"From the contests file"): which contests a TPS votes in (the law: :func:`votes_in`),
its dapil in each, a dapil's ballot, a province's DPD candidates. Written from those
pages, not from Saksi's own reader.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Final

from saksi.errors import VerifyError
from saksi.verify.jcs import Refusal, canonical, parse

FORMAT: Final = "saksi-contests/1"
KINDS: Final = ("dpr", "dpd", "dprd-prov", "dprd-kabkota")
PARTY_CONTESTS: Final = frozenset({"dpr", "dprd-prov", "dprd-kabkota"})
SEATS: Final = {"dpr": (3, 10), "dpd": (4, 4), "dprd-prov": (3, 12), "dprd-kabkota": (3, 12)}
"""Seats per dapil (Law 7/2017); a DPRD dapil all in Aceh may elect up to 15."""
ACEH: Final = "11"
ACEH_DPRD_SEATS: Final = 15
JAKARTA: Final = "31"
OVERSEAS: Final = "99"
UNIT_LENGTHS: Final = (2, 4, 6, 10)
_PARTY = re.compile(r"[1-9][0-9]?\Z")
_CODE = re.compile(r"[0-9A-Za-z.-]{1,20}\Z")
_UNIT = re.compile(r"[0-9]{2}(?:[0-9]{2}(?:[0-9]{2}(?:[0-9]{4})?)?)?\Z")

PartyBallot = tuple[tuple[str, tuple[int, ...]], ...]
Ballot = PartyBallot | tuple[int, ...]
"""A dapil's ballot as :mod:`saksi.verify.entries` reads a form's: each party with its
candidates' numbers, or a DPD dapil's candidates' numbers."""


def votes_in(contest: str, tps: str) -> bool:
    """Whether a TPS gets ``contest``'s ballot (the law, not the file): PPWP and DPR
    everywhere; overseas nothing else; no DPRD Kab/Kota in DKI Jakarta."""
    if contest in ("ppwp", "dpr"):
        return True
    province = tps[:2]
    if province == OVERSEAS:
        return False
    return not (contest == "dprd-kabkota" and province == JAKARTA)


@dataclass(frozen=True, slots=True)
class District:
    code: str
    units: tuple[str, ...]
    ballot: Ballot
    name: str = ""
    names: tuple[tuple[str, int, str], ...] = ()
    """Each candidate's (party, number, name) in ballot order (DPD: party ``""``), what
    the published dapil and seats files name them by."""


def _bad(why: str) -> VerifyError:
    return VerifyError(
        code="verify.bad-contests",
        en=f"the contests file is not a {FORMAT} file: {why}",
        id=f"berkas pemilihan bukan berkas {FORMAT}: {why}",
        reason=why,
    )


def _fields(value: Any, names: tuple[str, ...], where: str) -> dict[str, Any]:
    if type(value) is not dict or set(value) != set(names):
        found = sorted(value) if type(value) is dict else type(value).__name__
        raise _bad(f"{where}: the fields must be {', '.join(names)}, not {found}")
    return value


def _text(value: Any, where: str) -> str:
    if type(value) is not str or not 1 <= len(value) <= 200:
        raise _bad(f"{where}: text of 1..200 characters")
    return value


def _int(value: Any, low: int, high: int, where: str) -> int:
    if type(value) is not int or not low <= value <= high:
        raise _bad(f"{where}: an integer of {low}..{high}")
    return value


def _list(value: Any, low: int, high: int, where: str) -> list[Any]:
    if type(value) is not list or not low <= len(value) <= high:
        raise _bad(f"{where}: a list of {low}..{high} items")
    return value


def _candidates(
    value: Any,
    low: int,
    where: str,
    party: str = "",
    names: list[tuple[str, int, str]] | None = None,
) -> tuple[int, ...]:
    numbers: list[int] = []
    for i, cand in enumerate(_list(value, low, 999, where)):
        item = _fields(cand, ("number", "name"), f"{where}[{i}]")
        numbers.append(_int(item["number"], 1, 999, f"{where}[{i}].number"))
        name = _text(item["name"], f"{where}[{i}].name")
        if names is not None:
            names.append((party, numbers[-1], name))
    if any(a >= b for a, b in pairwise(numbers)):
        raise _bad(f"{where}: candidate numbers must rise, each once")
    return tuple(numbers)


class Contests:
    """The contests file of one election, read and checked."""

    def __init__(self, data: bytes, digest: str | None = None) -> None:
        """Read ``data``; with ``digest`` (the manifest's ``contests_digest``), refuse
        other bytes first (``verify.contests-mismatch``)."""
        if data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError) as exc:
                raise _bad(f"gzip: {exc}") from None
        self.digest = hashlib.sha256(data).hexdigest()
        if digest is not None and digest != self.digest:
            raise VerifyError(
                code="verify.contests-mismatch",
                en=f"the contests file has digest {self.digest}, but the log's manifest names "
                f"{digest}: verify with the manifest's contests file",
                id=f"berkas pemilihan memiliki digest {self.digest}, padahal manifest log "
                f"menyebut {digest}: gunakan berkas pemilihan manifest",
                expected=digest,
                found=self.digest,
            )
        try:
            raw = parse(data)
            canonical_form = canonical(raw) == data
        except Refusal as exc:
            raise _bad(exc.en) from None
        top = _fields(raw, ("format", "name", "parties", "contests"), "the file")
        if top["format"] != FORMAT:
            raise _bad(f"format {top['format']!r}")
        if not canonical_form:
            raise _bad("not in its canonical form (RFC 8785), the bytes the digest is of")
        _text(top["name"], "name")
        self.parties: dict[str, bool] = {}
        for i, party in enumerate(_list(top["parties"], 1, 99, "parties")):
            item = _fields(party, ("number", "name", "local"), f"parties[{i}]")
            number = item["number"]
            if type(number) is not str or _PARTY.match(number) is None:
                raise _bad(f"parties[{i}].number: a party number without leading zeros")
            if number in self.parties:
                raise _bad(f"parties: party {number} is listed twice")
            _text(item["name"], f"parties[{i}].name")
            if type(item["local"]) is not bool:
                raise _bad(f"parties[{i}].local: true or false")
            self.parties[number] = item["local"]
        self.districts: dict[str, dict[str, District]] = {}
        self.units: dict[str, dict[str, District]] = {}
        self.seats: dict[str, dict[str, int]] = {}  # contest -> dapil -> its seats
        self.threshold: dict[str, int | None] = {}  # contest -> threshold_percent
        for i, contest in enumerate(_list(top["contests"], 1, 4, "contests")):
            self._contest(contest, f"contests[{i}]")

    def _contest(self, value: Any, where: str) -> None:
        item = _fields(value, ("kind", "name", "threshold_percent", "districts"), where)
        kind = item["kind"]
        if kind not in KINDS:
            raise _bad(f"{where}.kind: one of {', '.join(KINDS)}")
        if kind in self.districts:
            raise _bad(f"contests: {kind} is listed twice")
        _text(item["name"], f"{where}.name")
        if item["threshold_percent"] is not None:
            _int(item["threshold_percent"], 0, 100, f"{where}.threshold_percent")
        self.threshold[kind] = item["threshold_percent"]
        self.seats[kind] = {}
        codes: dict[str, District] = {}
        owner: dict[str, District] = {}
        for j, d in enumerate(_list(item["districts"], 1, 100_000, f"{where}.districts")):
            district = self._district(kind, d, f"{where}.districts[{j}]")
            if district.code in codes:
                raise _bad(f"{kind}: dapil {district.code} is listed twice")
            codes[district.code] = district
            self.seats[kind][district.code] = d["seats"]  # checked by _district
            for unit in district.units:
                if unit in owner:
                    raise _bad(
                        f"{kind}: unit {unit} is in dapil {owner[unit].code} and in "
                        f"{district.code} (contest.unit-twice)"
                    )
                owner[unit] = district
        self.districts[kind] = codes
        self.units[kind] = owner

    def _district(self, kind: str, value: Any, where: str) -> District:
        item = _fields(value, ("code", "name", "seats", "units", "lists", "candidates"), where)
        code = item["code"]
        if type(code) is not str or _CODE.match(code) is None:
            raise _bad(f"{where}.code: 1..20 of 0-9 A-Z a-z . -")
        name = _text(item["name"], f"{where}.name")
        units = _list(item["units"], 1, 100_000, f"{where}.units")
        if any(type(u) is not str or _UNIT.match(u) is None for u in units):
            raise _bad(f"{where}.units: region codes of 2, 4, 6 or 10 digits")
        if len(set(units)) != len(units):
            raise _bad(f"dapil {code}: a unit is listed twice")
        in_aceh = all(u[:2] == ACEH for u in units)
        low, high = SEATS[kind]
        if kind in ("dprd-prov", "dprd-kabkota") and in_aceh:
            high = ACEH_DPRD_SEATS
        seats = _int(item["seats"], low, high, f"{kind} dapil {code}: seats")
        if kind not in PARTY_CONTESTS:
            _list(item["lists"], 0, 0, f"{where}.lists (a DPD dapil has no party lists)")
            named: list[tuple[str, int, str]] = []
            ballot: Ballot = _candidates(item["candidates"], 1, f"{where}.candidates", "", named)
            return District(code, tuple(units), ballot, name, tuple(named))
        _list(item["candidates"], 0, 0, f"{where}.candidates (a party dapil has party lists)")
        lists: list[tuple[str, tuple[int, ...]]] = []
        names: dict[str, list[tuple[str, int, str]]] = {}
        for k, plist in enumerate(_list(item["lists"], 1, 99, f"{where}.lists")):
            at = f"{where}.lists[{k}]"
            entry = _fields(plist, ("party", "candidates"), at)
            party = entry["party"]
            if type(party) is not str or party not in self.parties:
                raise _bad(f"{at}.party: a party of parties")
            if self.parties[party] and (kind == "dpr" or not in_aceh):
                raise _bad(f"{at}: party {party} is a local party of Aceh, on its DPRD only")
            numbers = _candidates(
                entry["candidates"], 1, f"{at}.candidates", party, names.setdefault(party, [])
            )
            if len(numbers) > seats:
                raise _bad(f"{at}: {len(numbers)} candidates for {seats} seats")
            lists.append((party, numbers))
        if len({p for p, _ in lists}) != len(lists):
            raise _bad(f"dapil {code}: a party is listed twice")
        ordered = tuple(sorted(lists, key=lambda p: int(p[0])))
        every = tuple(c for p, _ in ordered for c in names[p])
        return District(code, tuple(units), ordered, name, every)

    # -- what authorization asks -------------------------------------------------

    def has(self, contest: str) -> bool:
        return contest in self.districts

    def district(self, contest: str, code: str) -> District | None:
        return self.districts.get(contest, {}).get(code)

    def districts_of(self, contest: str, tps: str) -> list[District]:
        """Every dapil of ``contest`` one of whose units is a prefix of ``tps``."""
        owner = self.units.get(contest, {})
        found = (owner.get(tps[:n]) for n in UNIT_LENGTHS)
        return [d for d in found if d is not None]

    def province_district(self, contest: str, province: str) -> District | None:
        """The dapil one of whose units is exactly ``province`` (a DPD dapil)."""
        return self.units.get(contest, {}).get(province)


__all__ = ["FORMAT", "KINDS", "Ballot", "Contests", "District", "PartyBallot", "votes_in"]
