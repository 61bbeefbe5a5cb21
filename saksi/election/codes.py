"""KPU region codes: levels, parents and scopes, from the code's digits alone.

KPU codes are hierarchical prefixes: provinsi ``31`` -> kab/kota ``3173`` ->
kecamatan ``317301`` -> kelurahan/desa ``3173011006`` -> TPS ``3173011006001``
(desa code + three-digit TPS number). The nation is ``"0"``, as in KPU's own
Sirekap data. Overseas units use provinsi ``99`` (LUAR NEGERI), a country as the
kab/kota level (``9905``), a PPLN as the kecamatan level (``990501``), the unit kind
(TPSLN, Pos, KSK) as the desa level (``9905010002``), then the TPS number.

Whether a well-formed code *exists* is the hierarchy's question
(:mod:`saksi.election.regions`); this module only reads the digits.
"""

from __future__ import annotations

import enum
import re

from saksi.errors import RegionError

NASIONAL = "0"
OVERSEAS_PROVINCE = "99"


class Level(enum.IntEnum):
    """Recap levels, top down. The value is the depth below the nation."""

    NASIONAL = 0
    PROVINSI = 1
    KABKOTA = 2
    KECAMATAN = 3
    DESA = 4
    TPS = 5

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Level.NASIONAL: "nasional",
    Level.PROVINSI: "provinsi",
    Level.KABKOTA: "kabupaten/kota",
    Level.KECAMATAN: "kecamatan",
    Level.DESA: "kelurahan/desa",
    Level.TPS: "TPS",
}

CODE_LENGTH = {
    Level.PROVINSI: 2,
    Level.KABKOTA: 4,
    Level.KECAMATAN: 6,
    Level.DESA: 10,
    Level.TPS: 13,
}
_LEVEL_BY_LENGTH = {length: level for level, length in CODE_LENGTH.items()}
_DIGITS = re.compile(r"^[0-9]+$")


def level_of(code: str) -> Level:
    """The level a code names, from its length; RegionError if malformed."""
    if code == NASIONAL:
        return Level.NASIONAL
    level = _LEVEL_BY_LENGTH.get(len(code)) if isinstance(code, str) else None
    if level is None or not _DIGITS.fullmatch(code):
        raise RegionError(
            code="region.malformed-code",
            en=f"malformed region code {code!r}: expected 2, 4, 6, 10 or 13 digits, or '0'",
            id=f"kode wilayah {code!r} tidak sah: harus 2, 4, 6, 10 atau 13 digit, atau '0'",
            region=str(code),
        )
    return level


def parent_of(code: str) -> str:
    """The code of the region one level up (the nation's parent is an error)."""
    level = level_of(code)
    if level is Level.NASIONAL:
        raise RegionError(
            code="region.no-parent",
            en="the nation has no parent region",
            id="nasional tidak punya induk",
        )
    if level is Level.PROVINSI:
        return NASIONAL
    return code[: CODE_LENGTH[Level(level - 1)]]


def ancestors(code: str) -> tuple[str, ...]:
    """Every region containing ``code``, nation first, ``code`` itself excluded."""
    level = level_of(code)
    out = [NASIONAL]
    out += [code[: CODE_LENGTH[Level(d)]] for d in range(1, level)]
    return tuple(out) if level is not Level.NASIONAL else ()


def is_within(code: str, scope: str) -> bool:
    """True if region ``code`` lies in region ``scope`` (a region is within itself)."""
    level_of(code)
    if level_of(scope) is Level.NASIONAL:
        return True
    return code.startswith(scope)


def tps_code(desa: str, number: int) -> str:
    """The 13-digit TPS code of TPS ``number`` (1..999) in desa ``desa``."""
    if level_of(desa) is not Level.DESA or not 1 <= number <= 999:
        raise RegionError(
            code="region.malformed-code",
            en=f"no TPS {number} in {desa!r}: TPS numbers run 001..999 within a desa",
            id=f"tidak ada TPS {number} di {desa!r}: nomor TPS 001..999 dalam satu desa",
        )
    return f"{desa}{number:03d}"


def is_overseas(code: str) -> bool:
    return code[:2] == OVERSEAS_PROVINCE
