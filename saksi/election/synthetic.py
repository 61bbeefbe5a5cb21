"""A synthetic but realistic region hierarchy, with no data files needed.

``synthetic_hierarchy(scale, seed)`` builds the 38 real provinces (real codes and
names) with kab/kota, kecamatan, desa and TPS generated in the proportions of KPU's
2024 data: at ``scale=1.0`` the totals are exactly the real ones (514 kab/kota,
7,277 kecamatan, 83,731 desa, 820,161 TPS) and each province has its real counts.
``scale`` multiplies every level's count, never below one region of each level per
province. Names are made of Indonesian-sounding syllables; codes follow KPU's shape.

Deterministic for ``(scale, seed, overseas)`` on every machine: only
``random.Random(seed).random()`` and integer arithmetic decide anything.
"""

from __future__ import annotations

import math
import random
from typing import Final, NamedTuple

from saksi.election.regions import Hierarchy, TpsNumbers
from saksi.errors import InputError

MAX_SCALE: Final = 10.0
TPS_PER_DESA_CAP: Final = 900
OVERSEAS_UNITS_2024: Final = 3205
PPLN_2024: Final = 128


class ProvinceFacts(NamedTuple):
    """One province of 2024 as KPU counted it (kelurahan: desa codes 1xxx)."""

    code: str
    name: str
    kabupaten: int
    kota: int
    kecamatan: int
    desa: int
    kelurahan: int
    tps: int
    special_desa: int  # desa with 901+ special-location TPS


# fmt: off
PROVINCES: Final = tuple(ProvinceFacts(*row) for row in (
    ("11", "ACEH", 18, 5, 290, 6499, 0, 16046, 29),
    ("12", "SUMATERA UTARA", 25, 8, 455, 6110, 693, 45875, 41),
    ("13", "SUMATERA BARAT", 12, 7, 179, 1265, 230, 17569, 21),
    ("14", "RIAU", 10, 2, 172, 1862, 271, 19366, 17),
    ("15", "JAMBI", 9, 2, 144, 1585, 171, 11160, 12),
    ("16", "SUMATERA SELATAN", 13, 4, 241, 3249, 394, 25985, 22),
    ("17", "BENGKULU", 9, 1, 129, 1513, 172, 6210, 7),
    ("18", "LAMPUNG", 13, 2, 229, 2651, 205, 25825, 15),
    ("19", "KEPULAUAN BANGKA BELITUNG", 6, 1, 47, 393, 84, 4116, 10),
    ("21", "KEPULAUAN RIAU", 5, 2, 80, 419, 144, 5914, 9),
    ("31", "DKI JAKARTA", 1, 5, 44, 267, 267, 30766, 15),
    ("32", "JAWA BARAT", 18, 9, 627, 5957, 646, 140457, 45),
    ("33", "JAWA TENGAH", 29, 6, 576, 8563, 753, 117299, 59),
    ("34", "DAERAH ISTIMEWA YOGYAKARTA", 4, 1, 78, 438, 46, 11932, 25),
    ("35", "JAWA TIMUR", 29, 9, 666, 8494, 773, 120666, 100),
    ("36", "BANTEN", 4, 4, 155, 1552, 314, 33324, 19),
    ("51", "BALI", 8, 1, 57, 716, 80, 12809, 10),
    ("52", "NUSA TENGGARA BARAT", 8, 2, 117, 1166, 145, 16243, 10),
    ("53", "NUSA TENGGARA TIMUR", 21, 1, 315, 3442, 305, 16746, 15),
    ("61", "KALIMANTAN BARAT", 12, 2, 174, 2145, 99, 17626, 20),
    ("62", "KALIMANTAN TENGAH", 13, 1, 136, 1571, 139, 7830, 30),
    ("63", "KALIMANTAN SELATAN", 11, 2, 156, 2016, 144, 13584, 21),
    ("64", "KALIMANTAN TIMUR", 7, 3, 105, 1038, 197, 11441, 28),
    ("65", "KALIMANTAN UTARA", 4, 1, 55, 482, 35, 2295, 5),
    ("71", "SULAWESI UTARA", 11, 4, 171, 1839, 332, 8240, 9),
    ("72", "SULAWESI TENGAH", 12, 1, 175, 2017, 175, 9462, 12),
    ("73", "SULAWESI SELATAN", 21, 3, 313, 3059, 793, 26357, 26),
    ("74", "SULAWESI TENGGARA", 15, 2, 221, 2285, 377, 8154, 9),
    ("75", "GORONTALO", 5, 1, 77, 729, 72, 3539, 4),
    ("76", "SULAWESI BARAT", 6, 0, 69, 648, 73, 4219, 8),
    ("81", "MALUKU", 9, 2, 118, 1234, 35, 5622, 12),
    ("82", "MALUKU UTARA", 8, 2, 118, 1185, 118, 4192, 10),
    ("91", "PAPUA", 8, 1, 105, 993, 51, 3109, 7),
    ("92", "PAPUA BARAT", 7, 0, 86, 824, 21, 1923, 7),
    ("93", "PAPUA SELATAN", 4, 0, 82, 690, 13, 1770, 4),
    ("94", "PAPUA TENGAH", 8, 0, 131, 1197, 36, 4484, 5),
    ("95", "PAPUA PEGUNUNGAN", 8, 0, 252, 2625, 10, 5850, 0),
    ("96", "PAPUA BARAT DAYA", 5, 1, 132, 1013, 74, 2156, 4),
))

# The 24 largest PPLN of 2024 (kecamatan-level code, country, PPLN) and how many
# TPS / POS / KSK units each had; the synthetic overseas units follow these weights.
PPLN: Final = (
    ("990501", "MALAYSIA", "KBRI KUALA LUMPUR", 223, 313, 136),
    ("990502", "MALAYSIA", "KJRI JOHOR BAHRU", 10, 1, 553),
    ("990503", "MALAYSIA", "KJRI KOTA KINABALU", 11, 0, 448),
    ("990506", "MALAYSIA", "KRI TAWAU", 42, 0, 146),
    ("990504", "MALAYSIA", "KJRI KUCHING", 5, 0, 153),
    ("991301", "TAIWAN", "KDEI TAIPEI", 54, 90, 6),
    ("990505", "MALAYSIA", "KJRI PENANG", 10, 5, 110),
    ("990701", "SINGAPURA", "KBRI SINGAPURA", 60, 60, 0),
    ("991401", "HONG KONG", "KJRI HONG KONG", 4, 36, 0),
    ("991101", "KOREA SELATAN", "KBRI SEOUL", 29, 10, 0),
    ("992802", "ARAB SAUDI", "KJRI JEDDAH", 12, 0, 24),
    ("990101", "BRUNEI DARUSSALAM", "KBRI BANDAR SERI BEGAWAN", 25, 1, 0),
    ("991001", "JEPANG", "KBRI TOKYO", 3, 22, 0),
    ("991503", "AUSTRALIA", "KJRI SYDNEY", 22, 2, 0),
    ("991502", "AUSTRALIA", "KJRI MELBOURNE", 22, 1, 0),
    ("994701", "MESIR", "KBRI KAIRO", 20, 1, 1),
    ("992801", "ARAB SAUDI", "KBRI RIYADH", 9, 1, 11),
    ("992001", "TIMOR LESTE", "KBRI DILI", 8, 0, 12),
    ("991504", "AUSTRALIA", "KJRI PERTH", 17, 2, 0),
    ("991002", "JEPANG", "KJRI OSAKA", 3, 12, 0),
    ("993301", "QATAR", "KBRI DOHA", 13, 1, 1),
    ("995605", "AMERIKA SERIKAT", "KJRI NEW YORK", 5, 5, 5),
    ("992901", "UNI EMIRAT ARAB", "KBRI ABU DHABI", 8, 1, 4),
    ("995603", "AMERIKA SERIKAT", "KJRI HOUSTON", 3, 1, 9),
)
UNIT_KINDS: Final = (("0001", "TPS"), ("0002", "POS"), ("0003", "KSK"))

_ONSETS = ("B", "C", "D", "G", "J", "K", "L", "M", "N", "NG", "P", "R", "S", "T", "W",
           "B", "K", "M", "S", "T", "", "")  # the two empty onsets last (see _word)
_VOWELS = ("A", "A", "A", "A", "I", "I", "U", "U", "E", "O")
_CODAS = ("", "", "", "", "N", "NG", "R", "K", "H", "T", "S", "NG")
_PREFIXES = ("SUKA", "TANJUNG ", "SUNGAI ", "BATU ", "KARANG", "PASIR ", "MEKAR", "SIDO",
             "WONO", "BUKIT ", "AIR ", "RAWA ", "CI", "PADANG ", "LUBUK ", "TELUK ",
             "KAMPUNG ", "TALANG ", "SIMPANG ", "PULAU ", "SUMBER", "TEGAL", "KEBON ")
_SUFFIXES = (" JAYA", " BARU", "MAKMUR", " INDAH", "SARI", "REJO", "MULYA", " ASRI",
             " RAYA", " UTARA", " SELATAN", " TIMUR", " BARAT", " TENGAH", " LAMA",
             " HILIR", " HULU", "AGUNG", "HARJO", " DALAM")
# fmt: on


def _pick(rng: random.Random, n: int) -> int:
    """0..n-1 from one ``random()`` draw (exact IEEE arithmetic: same everywhere)."""
    return int(rng.random() * n)


def _choice(rng: random.Random, items: tuple[str, ...]) -> str:
    return items[_pick(rng, len(items))]


def _word(rng: random.Random) -> str:
    """A name like SUKAMAKMUR, TANJUNG SARI, WONOREJO, KARANGANYAR, BATU LAPANG."""
    syllables = [_choice(rng, _ONSETS) + _choice(rng, _VOWELS)]  # may start with a vowel
    for _ in range(1 + _pick(rng, 2)):
        syllables.append(_choice(rng, _ONSETS[:-2]) + _choice(rng, _VOWELS))
    core = "".join(syllables) + _choice(rng, _CODAS)
    roll = _pick(rng, 20)
    if roll < 6:
        return _choice(rng, _PREFIXES) + core
    if roll < 10:
        return core + _choice(rng, _SUFFIXES)
    return core


def _fresh(rng: random.Random, used: set[str], prefix: str = "") -> str:
    """A generated name not yet used among its siblings."""
    for _ in range(20):
        name = prefix + _word(rng)
        if name not in used:
            used.add(name)
            return name
    name = f"{prefix}{_word(rng)} {len(used) + 1}"
    used.add(name)
    return name


def _is_kota(code: str) -> bool:
    """Kab/kota numbers 71..99 are kota (cities), 01..70 kabupaten."""
    return int(code[2:4]) >= 71


def _split(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainder, ties by index)."""
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    left = total - sum(shares)
    if left:
        order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
        for i in order[:left]:
            shares[i] += 1
    return shares


def _allocate(total: int, weights: list[int], cap: int) -> list[int]:
    """``total`` items over ``len(weights)`` parents: each gets 1..cap, by weight."""
    counts = [1] * len(weights)
    extra = total - len(weights)
    active = list(range(len(weights)))
    while extra > 0 and active:
        shares = _split(extra, [weights[i] for i in active])
        extra, still = 0, []
        for i, share in zip(active, shares, strict=True):
            room = cap - counts[i]
            if share >= room:
                counts[i] = cap
                extra += share - room
            else:
                counts[i] += share
                still.append(i)
        active = still
    return counts


class _Targets(NamedTuple):
    kabupaten: int
    kota: int
    kecamatan: int
    desa: int
    tps: int
    special_desa: int


def _targets(p: ProvinceFacts, scale: float) -> _Targets:
    """How many regions of each level a province gets at ``scale`` (code space capped)."""
    kabkota = min(99, max(1, round((p.kabupaten + p.kota) * scale)))
    kota = min(29, round(kabkota * p.kota / (p.kabupaten + p.kota)))
    kota = max(kota, kabkota - 70)
    kec = min(99 * kabkota, max(kabkota, round(p.kecamatan * scale)))
    desa = min(999 * kec, max(kec, round(p.desa * scale)))
    tps = min(TPS_PER_DESA_CAP * desa, max(desa, round(p.tps * scale)))
    return _Targets(kabkota - kota, kota, kec, desa, tps, round(p.special_desa * scale))


class _Builder:
    """Collects names and TPS numbers while the generator runs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: dict[str, str] = {}
        self.tps: dict[str, TpsNumbers] = {}
        self.special = 0

    def province(self, p: ProvinceFacts, scale: float) -> None:
        rng, t = self.rng, _targets(p, scale)
        self.names[p.code] = p.name
        kabkota = [f"{p.code}{i:02d}" for i in range(1, t.kabupaten + 1)]
        kabkota += [f"{p.code}{71 + i:02d}" for i in range(t.kota)]
        used: set[str] = set()
        for code in kabkota:
            self.names[code] = _fresh(rng, used, "KOTA " if _is_kota(code) else "")
        per_kab = _allocate(t.kecamatan, [2 + _pick(rng, 6) for _ in kabkota], 99)
        kecamatan = []
        for code, n in zip(kabkota, per_kab, strict=True):
            used = set()
            for j in range(1, n + 1):
                self.names[f"{code}{j:02d}"] = _fresh(rng, used)
                kecamatan.append(f"{code}{j:02d}")
        per_kec = _allocate(t.desa, [4 + _pick(rng, 12) for _ in kecamatan], 999)
        desa, weights = self._desa(kecamatan, per_kec, p.kelurahan * 1000 // p.desa)
        per_desa = _allocate(t.tps, weights, TPS_PER_DESA_CAP)
        special = set(self._special_picks(per_desa, t.special_desa))
        for i, (code, n) in enumerate(zip(desa, per_desa, strict=True)):
            self.tps[code] = self._special(n) if i in special else TpsNumbers(n)

    def _desa(
        self, kecamatan: list[str], per_kec: list[int], kel_permille: int
    ) -> tuple[list[str], list[int]]:
        """Desa codes (kelurahan 1001.., desa 2001..) with a TPS weight for each."""
        rng, desa, weights = self.rng, [], []
        for kec, n in zip(kecamatan, per_kec, strict=True):
            urban = _is_kota(kec)
            kel = n if urban else sum(1 for _ in range(n) if _pick(rng, 1000) < kel_permille)
            used: set[str] = set()
            for j in range(n):
                code = f"{kec}{1001 + j}" if j < kel else f"{kec}{2001 + j - kel}"
                self.names[code] = _fresh(rng, used)
                desa.append(code)
                weight = (4 + _pick(rng, 29)) * (4 + _pick(rng, 29))
                weight *= (3 if j < kel else 1) * (2 if _pick(rng, 64) == 0 else 1)
                weights.append(weight)
        return desa, weights

    def _special_picks(self, per_desa: list[int], wanted: int) -> list[int]:
        """Which desa (indices, at least 2 TPS each) get special TPS 901+."""
        eligible = [i for i, n in enumerate(per_desa) if n >= 2]
        picks = []
        for k in range(min(wanted, len(eligible))):
            j = k + _pick(self.rng, len(eligible) - k)
            eligible[k], eligible[j] = eligible[j], eligible[k]
            picks.append(eligible[k])
        return picks

    def _special(self, n: int) -> TpsNumbers:
        """``n`` TPS of which 1..9 (fewer more likely) are special, numbered 901.."""
        extra = 1
        while extra < 9 and _pick(self.rng, 2) == 1:
            extra += 1
        extra = min(extra, n - 1)
        self.special += 1
        return TpsNumbers(n - extra, (901, 900 + extra))

    def ensure_special(self) -> None:
        """Make sure at least one desa has a special TPS (tiny scales round to none)."""
        if self.special:
            return
        for code, nums in sorted(self.tps.items()):
            if nums.listed is None and nums.ext is None and nums.max_no >= 2:
                self.tps[code] = TpsNumbers(nums.max_no - 1, (901, 901))
                self.special += 1
                return

    def overseas(self, scale: float) -> None:
        """Provinsi 99: countries, PPLN, their TPS/POS/KSK units; one sparse unit."""
        count = min(len(PPLN), max(3, round(PPLN_2024 * scale)))
        chosen = PPLN[:count]
        units = min(999 * count, max(count, round(OVERSEAS_UNITS_2024 * scale)))
        per_ppln = _allocate(units, [sum(row[3:]) for row in chosen], 999)
        self.names["99"] = "LUAR NEGERI"
        sparse_done = False
        for (ppln, country, name, *kinds), n in zip(chosen, per_ppln, strict=True):
            self.names[ppln[:4]] = country
            self.names[ppln] = name
            split = _split(n - 1, [kinds[0] + 1, kinds[1], kinds[2]])
            split[0] += 1  # every PPLN has at least one TPSLN
            for (suffix, kind), k in zip(UNIT_KINDS, split, strict=True):
                if k == 0:
                    continue
                unit = ppln + suffix
                self.names[unit] = kind
                if not sparse_done and kind != "TPS" and k >= 3:
                    numbers = [x for x in range(1, k + 3) if x not in (2, 4)]
                    self.tps[unit] = TpsNumbers.of(numbers, unit)
                    sparse_done = True
                else:
                    self.tps[unit] = TpsNumbers(k)


def _check_args(scale: float, seed: int) -> None:
    ok_scale = isinstance(scale, int | float) and not isinstance(scale, bool)
    if not ok_scale or not math.isfinite(scale) or not 0 < scale <= MAX_SCALE:
        raise InputError(
            code="input.synthetic-scale",
            en=f"synthetic scale must be a number in (0, {MAX_SCALE:g}], got {scale!r}",
            id=f"skala sintetis harus bilangan dalam (0, {MAX_SCALE:g}], bukan {scale!r}",
            scale=str(scale),
        )
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise InputError(
            code="input.synthetic-seed",
            en=f"synthetic seed must be a whole number, got {seed!r}",
            id=f"benih sintetis harus bilangan bulat, bukan {seed!r}",
            seed=str(seed),
        )


def synthetic_hierarchy(scale: float = 1.0, seed: int = 2024, overseas: bool = True) -> Hierarchy:
    """A realistic hierarchy: the 38 real provinces, everything below them generated.

    ``scale`` (0 < scale <= 10) multiplies the 2024 count of every level in every
    province (at least one kab/kota, kecamatan, desa and TPS each); ``1.0`` reproduces
    the real totals. ``overseas`` adds provinsi 99 with up to 24 real PPLN.
    """
    _check_args(scale, seed)
    builder = _Builder(random.Random(seed))
    for province in PROVINCES:
        builder.province(province, scale)
    builder.ensure_special()
    if overseas:
        builder.overseas(scale)
    return Hierarchy(names=builder.names, tps=builder.tps)


__all__ = ["PPLN", "PROVINCES", "ProvinceFacts", "synthetic_hierarchy"]
