"""Synthetic legislative contests for any hierarchy, with no data file needed.

``synthetic_contests(hierarchy, seed)`` gives the embedded default election its four
legislative contests: the real 24 parties (:data:`~saksi.election.contests.PARTIES_2024`),
dapil made of the hierarchy's own regions and deterministic synthetic candidates.

- Seats per body follow the law's tables on the hierarchy's own size (a population
  estimated as :data:`PEOPLE_PER_TPS` per TPS): DPR 580 nationally, shared by province
  in proportion to TPS (at least 3 each); DPRD Provinsi 35-120 by population (Law
  7/2017 art. 188); DPRD Kab/Kota 20-55 (art. 191); DPD 4 per province.
- Dapil: DPR and DPRD Provinsi from a province's kab/kota, DPRD Kab/Kota from a kab/kota's
  kecamatan, consecutive by code and balanced by TPS, each with seats in the law's
  range (3-10 for DPR, 3-12 for DPRD). A small hierarchy (``--scale 0.001``) has too few
  units for the whole table: each dapil still has a legal number of seats, the body
  fewer seats than the table says.
- Who stands: each national party in each dapil with probability 0.9, Aceh's six
  local parties in Aceh's DPRD dapil; a list of ``seats`` candidates mostly, sometimes
  fewer; DPD 10-20 candidates per province. Names are Indonesian-sounding and made up.
- Who votes where follows :func:`~saksi.election.legislative.votes_in`: overseas TPS
  (province 99) are in the DPR dapil that holds DKI Jakarta's first kab/kota, as
  Jakarta Pusat's is in 2024; DKI Jakarta has no DPRD Kab/Kota dapil.

Deterministic for ``(hierarchy, seed)``: only ``random.Random`` draws and integer
arithmetic decide anything.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Final

from saksi.election.codes import NASIONAL, Level
from saksi.election.contests import PARTIES_2024, ContestKind, Party
from saksi.election.legislative import (
    ACEH,
    JAKARTA,
    OVERSEAS,
    SEATS,
    Candidate,
    Contests,
    District,
    LegislativeContest,
    PartyList,
)
from saksi.election.regions import Hierarchy

PEOPLE_PER_TPS: Final = 350
"""Residents per TPS in 2024 (about 281 million people, 820,161 TPS)."""
DPR_SEATS: Final = 580
DPD_SEATS: Final = 4
NAMES: Final = {
    ContestKind.DPR: "Pemilihan Umum Anggota DPR",
    ContestKind.DPD: "Pemilihan Umum Anggota DPD",
    ContestKind.DPRD_PROV: "Pemilihan Umum Anggota DPRD Provinsi",
    ContestKind.DPRD_KABKOTA: "Pemilihan Umum Anggota DPRD Kabupaten/Kota",
}
DPR_THRESHOLD_PERCENT: Final = 4

# People in millions -> seats (Law 7/2017 art. 188 and 191; upper bounds inclusive).
_DPRD_PROV_TABLE: Final = ((1, 35), (3, 45), (5, 55), (7, 65), (9, 75), (11, 85), (20, 100))
_DPRD_PROV_MAX: Final = 120
_DPRD_KAB_TABLE: Final = (
    (0.1, 20), (0.2, 25), (0.3, 30), (0.4, 35), (0.5, 40), (1, 45), (3, 50),
)  # fmt: skip
_DPRD_KAB_MAX: Final = 55

# fmt: off
_GIVEN = ("Ahmad", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hadi", "Indah",
          "Joko", "Kartika", "Lestari", "Made", "Nur", "Putu", "Rina", "Sari", "Teguh",
          "Umar", "Wahyu", "Yusuf", "Zainal", "Agus", "Bambang", "Desi", "Endang",
          "Hendra", "Ika", "Komang", "Lina", "Muhammad", "Nyoman", "Ratna", "Siti",
          "Tri", "Wayan", "Yohanes", "Maria", "Ketut", "Rizky")
_FAMILY = ("Santoso", "Wijaya", "Saputra", "Lubis", "Nasution", "Siregar", "Hutapea",
           "Pratama", "Kurniawan", "Hidayat", "Rahman", "Setiawan", "Gunawan", "Sembiring",
           "Manurung", "Tanjung", "Harahap", "Simanjuntak", "Wibowo", "Purnomo", "Halim",
           "Sitompul", "Pangaribuan", "Mandagi", "Lumbantobing", "Rumbiak", "Wenda",
           "Daulay", "Permana", "Susanto")
_TITLES = ("", "", "", "", "H. ", "Hj. ", "Dr. ", "Ir. ")
_DEGREES = ("", "", "", "", ", S.H.", ", S.E.", ", S.Sos.", ", M.M.", ", S.T.", ", S.Pd.")
# fmt: on


def _pick(rng: random.Random, n: int) -> int:
    return int(rng.random() * n)


def _name(rng: random.Random) -> str:
    title = _TITLES[_pick(rng, len(_TITLES))]
    given = _GIVEN[_pick(rng, len(_GIVEN))]
    family = _FAMILY[_pick(rng, len(_FAMILY))]
    degree = _DEGREES[_pick(rng, len(_DEGREES))]
    return f"{title}{given} {family}{degree}"


def _by_table(people: float, table: Sequence[tuple[float, int]], top: int) -> int:
    millions = people / 1_000_000
    return next((seats for bound, seats in table if millions <= bound), top)


def _share(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder, ties by index)."""
    whole = sum(weights) or 1
    shares = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _groups(units: Sequence[str], weights: Sequence[int], k: int) -> list[list[int]]:
    """``units`` (in code order) cut into ``k`` consecutive, TPS-balanced groups."""
    total = sum(weights) or 1
    groups: list[list[int]] = [[] for _ in range(k)]
    seen = 0
    for i, w in enumerate(weights):
        g = min(k - 1, seen * k // total)
        g = max(g, k - (len(units) - i))  # leave one unit for each group still to fill
        groups[g].append(i)
        seen += w
    return [g for g in groups if g]


def _dapil(
    kind: ContestKind, seats: int, units: Sequence[str], weights: Sequence[int]
) -> list[tuple[list[str], int]]:
    """Units grouped into dapil, each with seats in the law's range for ``kind``."""
    lo, hi = SEATS[kind]
    seats = max(lo, min(seats, hi * len(units)))
    k = max(math.ceil(seats / hi), min(len(units), round(seats / 8)))
    k = min(k, len(units), seats // lo)
    out: list[tuple[list[str], int]] = []
    groups = _groups(units, weights, k)
    group_weights = [sum(weights[i] for i in g) for g in groups]
    shares = _share(seats - lo * len(groups), group_weights)
    for g, extra in zip(groups, shares, strict=True):
        out.append(([units[i] for i in g], lo + extra))
    # a group above the range gives seats to its neighbours (there is room: k >= seats/hi)
    for i in range(len(out)):
        while out[i][1] > hi:
            j = next(j for j in range(len(out)) if out[j][1] < hi)
            out[j] = (out[j][0], out[j][1] + 1)
            out[i] = (out[i][0], out[i][1] - 1)
    return out


def _roman(n: int) -> str:
    digits = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in digits:
        while n >= value:
            out, n = out + letters, n - value
    return out


class _Maker:
    def __init__(self, hierarchy: Hierarchy, seed: int) -> None:
        self.h = hierarchy
        self.seed = seed

    def rng(self, *parts: str) -> random.Random:
        return random.Random(f"saksi-contests:{self.seed}:{':'.join(parts)}")

    def provinces(self) -> list[str]:
        return [p for p in self.h.codes(Level.PROVINSI) if p != OVERSEAS]

    def weights(self, codes: Sequence[str]) -> list[int]:
        return [self.h.tps_count(c) for c in codes]

    def lists(self, kind: ContestKind, code: str, seats: int, aceh: bool) -> tuple[PartyList, ...]:
        rng = self.rng(kind.value, code)
        out = []
        for party in PARTIES_2024:
            if party.local and not (aceh and kind is not ContestKind.DPR):
                continue
            if rng.random() >= 0.9:
                continue
            n = seats if rng.random() < 0.8 else 1 + _pick(rng, seats)
            names = tuple(Candidate(number=i + 1, name=_name(rng)) for i in range(n))
            out.append(PartyList(party=party.number, candidates=names))
        if not out:  # every dapil has a ballot to cast
            out.append(PartyList(party="1", candidates=(Candidate(number=1, name=_name(rng)),)))
        return tuple(out)

    def districts(
        self, kind: ContestKind, parent: str, seats: int, units: Sequence[str]
    ) -> list[District]:
        """Dapil of ``parent`` (a province, or a kab/kota for DPRD Kab/Kota), coded and
        named as KPU does: DPR 1101 ACEH I, DPRD Provinsi 110001 ACEH 1, DPRD Kab/Kota
        110101 ACEH SELATAN 1."""
        out = []
        for i, (members, n) in enumerate(_dapil(kind, seats, units, self.weights(units))):
            if kind is ContestKind.DPR:
                code, name = f"{parent}{i + 1:02d}", f"{self.h.name(parent)} {_roman(i + 1)}"
            else:
                middle = "00" if kind is ContestKind.DPRD_PROV else ""
                code, name = f"{parent}{middle}{i + 1:02d}", f"{self.h.name(parent)} {i + 1}"
            lists = self.lists(kind, code, n, parent[:2] == ACEH)
            out.append(District(code=code, name=name, seats=n, units=tuple(members), lists=lists))
        return out

    def dpr(self) -> LegislativeContest:
        provinces = self.provinces()
        seats = _share(DPR_SEATS - 3 * len(provinces), self.weights(provinces))
        districts: list[District] = []
        for prov, extra in zip(provinces, seats, strict=True):
            kabkota = list(self.h.codes(Level.KABKOTA, prov))
            districts += self.districts(ContestKind.DPR, prov, 3 + extra, kabkota)
        if self.h.exists(OVERSEAS):
            jakarta = next((i for i, d in enumerate(districts) if d.code[:2] == JAKARTA), None)
            if jakarta is not None:
                d = districts[jakarta]
                districts[jakarta] = d.model_copy(update={"units": (*d.units, OVERSEAS)})
        return LegislativeContest(
            kind=ContestKind.DPR,
            name=NAMES[ContestKind.DPR],
            threshold_percent=DPR_THRESHOLD_PERCENT,
            districts=tuple(districts),
        )

    def dprd_prov(self) -> LegislativeContest:
        districts: list[District] = []
        for prov in self.provinces():
            people = self.h.tps_count(prov) * PEOPLE_PER_TPS
            seats = _by_table(people, _DPRD_PROV_TABLE, _DPRD_PROV_MAX)
            kabkota = list(self.h.codes(Level.KABKOTA, prov))
            districts += self.districts(ContestKind.DPRD_PROV, prov, seats, kabkota)
        return LegislativeContest(
            kind=ContestKind.DPRD_PROV,
            name=NAMES[ContestKind.DPRD_PROV],
            districts=tuple(districts),
        )

    def dprd_kabkota(self) -> LegislativeContest:
        districts: list[District] = []
        for prov in self.provinces():
            if prov == JAKARTA:
                continue
            for kab in self.h.codes(Level.KABKOTA, prov):
                people = self.h.tps_count(kab) * PEOPLE_PER_TPS
                seats = _by_table(people, _DPRD_KAB_TABLE, _DPRD_KAB_MAX)
                kecamatan = list(self.h.codes(Level.KECAMATAN, kab))
                districts += self.districts(ContestKind.DPRD_KABKOTA, kab, seats, kecamatan)
        return LegislativeContest(
            kind=ContestKind.DPRD_KABKOTA,
            name=NAMES[ContestKind.DPRD_KABKOTA],
            districts=tuple(districts),
        )

    def dpd(self) -> LegislativeContest:
        districts = []
        for prov in self.provinces():
            rng = self.rng("dpd", prov)
            n = 10 + _pick(rng, 11)
            people = tuple(Candidate(number=i + 1, name=_name(rng)) for i in range(n))
            districts.append(
                District(
                    code=prov,
                    name=self.h.name(prov),
                    seats=DPD_SEATS,
                    units=(prov,),
                    candidates=people,
                )
            )
        return LegislativeContest(
            kind=ContestKind.DPD, name=NAMES[ContestKind.DPD], districts=tuple(districts)
        )


def synthetic_contests(hierarchy: Hierarchy, seed: int = 2024, name: str = "") -> Contests:
    """The four legislative contests of a synthetic election on ``hierarchy``."""
    maker = _Maker(hierarchy, seed)
    contests = (maker.dpr(), maker.dpd(), maker.dprd_prov(), maker.dprd_kabkota())
    title = name or f"Pemilu sintetis / synthetic election ({hierarchy.tps_count(NASIONAL):,} TPS)"
    parties: tuple[Party, ...] = PARTIES_2024
    return Contests.of(name=title, parties=parties, contests=contests)
