"""The region file (``saksi-regions/1``, docs/regions.md) as the verifier reads it.

Only what the verification needs: whether a code exists, its name, its children,
how many TPS lie within it, and the file's digest (SHA-256 of its canonical form),
which the manifest names. Written from docs/regions.md ("The saved file").
"""

from __future__ import annotations

import gzip
import hashlib
from bisect import bisect_left
from collections.abc import Iterator
from typing import Any, Final

from saksi.errors import VerifyError
from saksi.verify.jcs import Refusal, canonical, parse

FORMAT: Final = "saksi-regions/1"
NATION: Final = "0"
NATION_NAME: Final = "INDONESIA"
LEVEL_NAMES: Final = {
    1: "nasional",
    2: "provinsi",
    4: "kabkota",
    6: "kecamatan",
    10: "desa",
    13: "tps",
}
"""Code length -> the level's name as every published file writes it."""
DIGITS: Final = (2, 4, 6, 10)


def _bad(why: str) -> VerifyError:
    return VerifyError(
        code="verify.bad-regions",
        en=f"the region file is not a saksi-regions/1 file: {why}",
        id=f"berkas wilayah bukan berkas saksi-regions/1: {why}",
        reason=why,
    )


def ancestors(code: str) -> tuple[str, ...]:
    """The regions above ``code``, from the nation down (not ``code`` itself)."""
    if code == NATION:
        return ()
    return (NATION, *(code[:d] for d in DIGITS if d < len(code)))


def _numbers(spec: list[int]) -> tuple[int, ...]:
    if not spec or len(spec) not in (1, 3) or any(type(x) is not int for x in spec):
        raise _bad(f"TPS numbers {spec!r}")
    top = spec[0]
    found = tuple(range(1, top + 1))
    if len(spec) == 3:
        lo, hi = spec[1], spec[2]
        if not 0 <= top < lo <= hi <= 999:
            raise _bad(f"TPS numbers {spec!r}")
        found += tuple(range(lo, hi + 1))
    if not found or top > 999 or top < 0:
        raise _bad(f"TPS numbers {spec!r}")
    return found


def _compact(numbers: tuple[int, ...]) -> tuple[str, list[int]]:
    """The desa's numbers in the most compact form the file allows (docs/regions.md)."""
    top = 0
    while top < len(numbers) and numbers[top] == top + 1:
        top += 1
    rest = numbers[top:]
    if not rest:
        return "tps", [top]
    if rest == tuple(range(rest[0], rest[-1] + 1)) and rest[0] > top + 1:
        return "tps", [top, rest[0], rest[-1]]
    return "tps_numbers", list(numbers)


class Regions:
    """Every region of one election, read from its region file."""

    def __init__(self, data: bytes) -> None:  # noqa: C901, PLR0912
        if data[:2] == b"\x1f\x8b":
            try:
                data = gzip.decompress(data)
            except (OSError, EOFError) as exc:
                raise _bad(f"gzip: {exc}") from None
        try:
            raw = parse(data)
        except Refusal as exc:
            raise _bad(exc.en) from None
        if type(raw) is not dict or raw.get("format") != FORMAT:
            raise _bad("format")
        if set(raw) != {"format", "names", "tps", "tps_numbers"}:
            raise _bad(f"fields {sorted(raw)}")
        names, tps, listed = raw["names"], raw["tps"], raw["tps_numbers"]
        if not all(type(x) is dict for x in (names, tps, listed)):
            raise _bad("names, tps and tps_numbers must be objects")
        for code, name in names.items():
            if len(code) not in DIGITS or not code.isascii() or not code.isdigit():
                raise _bad(f"code {code!r}")
            if (
                type(name) is not str
                or not 1 <= len(name) <= 200
                or any(ord(c) < 32 or ord(c) == 127 for c in name)
            ):
                raise _bad(f"name of {code}")
            if len(code) > 2 and code[: DIGITS[DIGITS.index(len(code)) - 1]] not in names:
                raise _bad(f"{code} has no parent")
        self.names: dict[str, str] = names
        numbers: dict[str, tuple[int, ...]] = {}
        for desa, spec in tps.items():
            numbers[desa] = _numbers(spec) if type(spec) is list else _numbers([])
        for desa, spec in listed.items():
            if (
                desa in numbers
                or type(spec) is not list
                or not spec
                or any(type(x) is not int or not 1 <= x <= 999 for x in spec)
                or list(spec) != sorted(set(spec))
            ):
                raise _bad(f"TPS numbers of {desa}")
            numbers[desa] = tuple(spec)
        desa_names = {c for c in names if len(c) == 10}
        if set(numbers) != desa_names:
            raise _bad("every desa, and only a desa, has TPS numbers")
        self.levels: dict[int, list[str]] = {
            d: sorted(c for c in names if len(c) == d) for d in DIGITS
        }
        self.desa: list[str] = self.levels[10]
        self.numbers = numbers
        self.cum = [0]
        for desa in self.desa:
            self.cum.append(self.cum[-1] + len(numbers[desa]))
        wire: dict[str, Any] = {"format": FORMAT, "names": names, "tps": {}, "tps_numbers": {}}
        for desa in self.desa:
            where, spec = _compact(numbers[desa])
            wire[where][desa] = spec
        self.digest = hashlib.sha256(canonical(wire)).hexdigest()

    # -- queries -------------------------------------------------------------

    def exists(self, code: str) -> bool:
        if code == NATION:
            return True
        if len(code) == 13:
            found = self.numbers.get(code[:10])
            return found is not None and code[10:].isdigit() and int(code[10:]) in found
        return code in self.names

    def name(self, code: str) -> str:
        if code == NATION:
            return NATION_NAME
        if len(code) == 13:
            kind = self.names[code[:10]] if code[:2] == "99" else "TPS"
            return f"{kind} {code[10:]}"
        return self.names[code]

    def path(self, code: str) -> tuple[str, ...]:
        return (*ancestors(code), code)

    def _span(self, codes: list[str], within: str) -> tuple[int, int]:
        if within == NATION:
            return 0, len(codes)
        return bisect_left(codes, within), bisect_left(codes, within + ":")

    def children(self, code: str) -> list[str]:
        if len(code) == 13:
            return []
        if len(code) == 10:
            return [f"{code}{n:03d}" for n in self.numbers[code]]
        below = self.levels[2 if code == NATION else DIGITS[DIGITS.index(len(code)) + 1]]
        lo, hi = self._span(below, code)
        return below[lo:hi]

    def codes(self, digits: int) -> list[str]:
        """Every region whose code has ``digits`` digits (2, 4, 6, 10), in code order."""
        return self.levels[digits]

    def tps_count(self, code: str) -> int:
        if len(code) == 13:
            return 1
        lo, hi = self._span(self.desa, code)
        return self.cum[hi] - self.cum[lo]

    def iter_tps(self) -> Iterator[str]:
        for desa in self.desa:
            for n in self.numbers[desa]:
                yield f"{desa}{n:03d}"


__all__ = ["LEVEL_NAMES", "NATION", "NATION_NAME", "Regions", "ancestors"]
