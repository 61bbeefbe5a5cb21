"""The region hierarchy: which provinsi, kab/kota, kecamatan, desa and TPS exist.

:mod:`saksi.election.codes` reads a code's digits; a :class:`Hierarchy` knows which
codes *exist* and what they are called. It is immutable and compact: the 820,161
TPS of 2024 are not objects but, per desa, KPU's own shorthand (TPS ``1..max_no``
plus an optional special range ``ext_from..ext_to``, the 901+ TPS in hospitals and
prisons), or an explicit list of numbers where an overseas unit's numbers are sparse.

Overseas units fit the same levels: provinsi ``99`` (LUAR NEGERI), a country at the
kab/kota level (``9905``), a PPLN at the kecamatan level (``990501``), the unit kind
(TPS, POS, KSK) at the desa level (``9905010002``), then a three-digit number.

Sources: :meth:`Hierarchy.from_kpu` (KPU's 2024 files), :meth:`Hierarchy.load`
(Saksi's own versioned file, ``saksi-regions/1``) and
:func:`saksi.election.synthetic.synthetic_hierarchy`. :meth:`Hierarchy.digest` commits
to the exact content, so an election manifest can name its hierarchy.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain, pairwise
from pathlib import Path
from typing import Any, Final, Literal

from saksi.election.codes import CODE_LENGTH, NASIONAL, Level, ancestors, level_of
from saksi.election.region_messages import MESSAGES as _MESSAGES
from saksi.election.search import NameIndex, take, tps_query
from saksi.election.wire import WireModel, loads, parse_model
from saksi.errors import InputError, RegionError, SaksiError, StoreError

FORMAT: Final = "saksi-regions/1"
"""The version tag of Saksi's own region file."""

NATION_NAME: Final = "INDONESIA"
MAX_TPS_NO: Final = 999
SPECIAL_TPS_FROM: Final = 901
"""TPS numbers from 901 up are special-location TPS (hospitals, prisons, ...)."""

MAX_NAME_LENGTH: Final = 200
MAX_FILE_BYTES: Final = 256 * 1024 * 1024
"""Refuse region files (after decompression) larger than this."""

OVERSEAS_HEADER: Final = (
    "kode_wilayah", "nama", "kode_negara", "negara", "kode_kpu_kota", "kode_kota", "kota",
    "kode_kpu_tps", "kode_tps", "tps/pos/ksk", "no_tps",
)  # fmt: skip
OVERSEAS_KINDS: Final = frozenset({"TPS", "POS", "KSK"})

_END = ":"  # sorts right after "9": every code with prefix p lies in [p, p + ":")
_REGION_LEVELS = (Level.PROVINSI, Level.KABKOTA, Level.KECAMATAN, Level.DESA)


def _fail(*, code: str, cls: type[SaksiError] = RegionError, **details: Any) -> SaksiError:
    """The error ``code`` from the catalogue above, both languages filled from details."""
    en, id_ = _MESSAGES[code]
    return cls(code=code, en=en.format(**details), id=id_.format(**details), **details)


def _bad_numbers(desa: str, given: object) -> SaksiError:
    text = str(given)
    text = text if len(text) <= 80 else text[:77] + "..."
    return _fail(code="region.tps-numbers-invalid", region=desa, given=text)


@dataclass(frozen=True, slots=True)
class TpsNumbers:
    """The TPS numbers of one desa (or overseas unit), in KPU's compact form.

    Either ``1..max_no`` plus ``ext[0]..ext[1]`` (both optional, at least one TPS),
    or ``listed``: an explicit ascending tuple (with ``max_no=0``, ``ext=None``).
    """

    max_no: int = 0
    ext: tuple[int, int] | None = None
    listed: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        self.check("?")

    def check(self, desa: str) -> None:
        """RegionError ``region.tps-numbers-invalid`` (naming ``desa``) unless well formed."""
        if not self._well_formed():
            raise _bad_numbers(desa, self.to_kpu() if self.listed is None else self.listed)

    def _well_formed(self) -> bool:
        if self.listed is not None:
            nums = self.listed
            return (
                self.max_no == 0
                and self.ext is None
                and all(type(n) is int for n in nums)
                and len(nums) > 0
                and nums[0] >= 1
                and nums[-1] <= MAX_TPS_NO
                and all(a < b for a, b in pairwise(nums))
            )
        if type(self.max_no) is not int or not 0 <= self.max_no <= MAX_TPS_NO:
            return False
        if self.ext is None:
            return self.max_no > 0
        lo, hi = self.ext
        return type(lo) is int and type(hi) is int and self.max_no < lo <= hi <= MAX_TPS_NO

    @classmethod
    def _unchecked(
        cls, max_no: int, ext: tuple[int, int] | None, listed: tuple[int, ...] | None
    ) -> TpsNumbers:
        out = object.__new__(cls)
        object.__setattr__(out, "max_no", max_no)
        object.__setattr__(out, "ext", ext)
        object.__setattr__(out, "listed", listed)
        return out

    @classmethod
    def listing(cls, numbers: Iterable[int], desa: str = "?") -> TpsNumbers:
        """The listed form, checked with ``desa`` named in any error."""
        out = cls._unchecked(0, None, tuple(numbers))
        out.check(desa)
        return out

    @classmethod
    def from_kpu(cls, spec: list[int], desa: str = "?") -> TpsNumbers:
        """From KPU's ``[max]`` or ``[max, ext_from, ext_to]``."""
        if len(spec) == 1:
            out = cls._unchecked(spec[0], None, None)
        elif len(spec) == 3:
            out = cls._unchecked(spec[0], (spec[1], spec[2]), None)
        else:
            raise _bad_numbers(desa, spec)
        out.check(desa)
        return out

    @classmethod
    def of(cls, numbers: Iterable[int], desa: str = "?") -> TpsNumbers:
        """The canonical (most compact) form of a set of TPS numbers."""
        nums = sorted(set(numbers))
        if not nums or not all(type(n) is int and 1 <= n <= MAX_TPS_NO for n in nums):
            raise _bad_numbers(desa, nums)
        run = 0
        while run < len(nums) and nums[run] == run + 1:
            run += 1
        rest = nums[run:]
        if not rest:
            return cls(run)
        if rest[-1] - rest[0] + 1 == len(rest):
            return cls(run, (rest[0], rest[-1]))
        return cls(listed=tuple(nums))

    def canonical(self) -> TpsNumbers:
        """The same numbers in the one form Saksi stores and hashes."""
        if self.listed is not None or (self.ext is not None and self.ext[0] == self.max_no + 1):
            return TpsNumbers.of(self)
        return self

    def to_kpu(self) -> list[int]:
        """KPU's list form; only for the range form (``listed`` has its own field)."""
        return [self.max_no] if self.ext is None else [self.max_no, *self.ext]

    def __iter__(self) -> Iterator[int]:
        if self.listed is not None:
            yield from self.listed
            return
        yield from range(1, self.max_no + 1)
        if self.ext is not None:
            yield from range(self.ext[0], self.ext[1] + 1)

    def __len__(self) -> int:
        if self.listed is not None:
            return len(self.listed)
        return self.max_no + (0 if self.ext is None else self.ext[1] - self.ext[0] + 1)

    def __contains__(self, number: object) -> bool:
        if type(number) is not int:
            return False
        if self.listed is not None:
            i = bisect_left(self.listed, number)
            return i < len(self.listed) and self.listed[i] == number
        return 1 <= number <= self.max_no or (
            self.ext is not None and self.ext[0] <= number <= self.ext[1]
        )


class _KpuFile(WireModel):
    id2name: dict[str, str]
    tps: dict[str, list[int]]


class _SavedFile(WireModel):
    format: Literal["saksi-regions/1"]
    names: dict[str, str]
    tps: dict[str, list[int]]
    tps_numbers: dict[str, list[int]]


def _levels_of(names: Mapping[str, str]) -> dict[Level, list[str]]:
    """Check every code and name; the codes of each level, sorted."""
    levels: dict[Level, list[str]] = {lv: [] for lv in _REGION_LEVELS}
    for code, name in names.items():
        level = level_of(code)
        if level not in levels:
            raise _fail(code="region.not-a-region", region=code)
        if not (
            isinstance(name, str)
            and name.strip()
            and name.isprintable()
            and len(name) <= MAX_NAME_LENGTH
        ):
            raise _fail(code="region.name-invalid", region=code)
        levels[level].append(code)
    for level in _REGION_LEVELS:
        levels[level].sort()
        if level is Level.PROVINSI:
            continue
        cut = CODE_LENGTH[Level(level - 1)]
        for code in levels[level]:
            if code[:cut] not in names:
                raise _fail(code="region.orphan", region=code, parent=code[:cut])
    return levels


class Hierarchy:
    """Every region and TPS of one election, by KPU code. Immutable.

    Build with ``Hierarchy(names=..., tps=...)``: ``names`` maps every provinsi,
    kab/kota, kecamatan and desa code to its name (the nation ``"0"`` is implicit,
    named INDONESIA); ``tps`` maps every desa code to its :class:`TpsNumbers`.
    """

    __slots__ = ("_cache", "_cum", "_desa", "_ext", "_levels", "_listed", "_max", "_names")

    _names: dict[str, str]
    _levels: dict[Level, tuple[str, ...]]
    _desa: tuple[str, ...]
    _max: array[int]
    _ext: dict[str, tuple[int, int]]
    _listed: dict[str, tuple[int, ...]]
    _cum: array[int]
    _cache: dict[str, Any]

    def __init__(self, *, names: Mapping[str, str], tps: Mapping[str, TpsNumbers]) -> None:
        levels = _levels_of(names)
        desa = tuple(levels[Level.DESA])
        extra = set(tps).difference(desa)
        if extra:
            raise _fail(code="region.tps-for-unknown-desa", region=min(extra), count=len(extra))
        max_no, cum = array("H"), array("q", [0])
        ext: dict[str, tuple[int, int]] = {}
        listed: dict[str, tuple[int, ...]] = {}
        for code in desa:
            spec = tps.get(code)
            if spec is None:
                raise _fail(code="region.desa-without-tps", region=code)
            spec.check(code)
            spec = spec.canonical()
            max_no.append(spec.max_no)
            if spec.ext is not None:
                ext[code] = spec.ext
            if spec.listed is not None:
                listed[code] = spec.listed
            cum.append(cum[-1] + len(spec))
        self._set("_names", dict(names))
        self._set("_levels", {lv: tuple(codes) for lv, codes in levels.items()})
        self._set("_desa", desa)
        self._set("_max", max_no)
        self._set("_ext", ext)
        self._set("_listed", listed)
        self._set("_cum", cum)
        self._set("_cache", {})

    def _set(self, attr: str, value: object) -> None:
        object.__setattr__(self, attr, value)

    def __getstate__(self) -> dict[str, object]:
        """Picklable, immutable still: the state is restored past ``__setattr__``."""
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state: dict[str, object]) -> None:
        for name, value in state.items():
            self._set(name, value)

    def __setattr__(self, attr: str, value: object) -> None:
        raise AttributeError("Hierarchy is immutable")

    def __delattr__(self, attr: str) -> None:
        raise AttributeError("Hierarchy is immutable")

    # ---- lookups -------------------------------------------------------------

    def _desa_index(self, desa: str) -> int | None:
        i = bisect_left(self._desa, desa)
        return i if i < len(self._desa) and self._desa[i] == desa else None

    def _numbers_at(self, i: int) -> TpsNumbers:
        desa = self._desa[i]
        listed = self._listed.get(desa)
        if listed is not None:
            return TpsNumbers._unchecked(0, None, listed)
        return TpsNumbers._unchecked(self._max[i], self._ext.get(desa), None)

    def _span(self, codes: tuple[str, ...], code: str) -> tuple[int, int]:
        """The index range of ``codes`` (sorted) that lie within region ``code``."""
        if code == NASIONAL:
            return 0, len(codes)
        lo = bisect_left(codes, code)
        return lo, bisect_left(codes, code + _END, lo)

    def exists(self, code: str) -> bool:
        """True if ``code`` names a region or TPS of this hierarchy (never raises)."""
        if type(code) is str and len(code) == 13 and code.isascii() and code.isdigit():
            return self._tps_exists(code)  # the common case, without the pattern
        try:
            level = level_of(code)
        except RegionError:
            return False
        if level is Level.NASIONAL:
            return True
        if level is not Level.TPS:
            return code in self._names
        i = self._desa_index(code[:10])
        return i is not None and int(code[10:]) in self._numbers_at(i)

    def _tps_exists(self, code: str) -> bool:
        i = self._desa_index(code[:10])
        if i is None:
            return False
        number = int(code[10:])
        listed = self._listed.get(self._desa[i])
        if listed is not None:
            j = bisect_left(listed, number)
            return j < len(listed) and listed[j] == number
        if 1 <= number <= self._max[i]:
            return True
        ext = self._ext.get(self._desa[i])
        return ext is not None and ext[0] <= number <= ext[1]

    def require(self, code: str) -> Level:
        """The level of ``code``; RegionError unless it exists (any level)."""
        level = level_of(code)
        if not self.exists(code):
            if level is Level.TPS:
                self.require_tps(code)
            raise _fail(code="region.unknown", region=code)
        return level

    def require_tps(self, code: str) -> None:
        """RegionError unless ``code`` is an existing TPS (13 digits)."""
        if level_of(code) is not Level.TPS:
            raise _fail(code="region.malformed-code", region=code)
        if not self.exists(code):
            raise _fail(code="region.unknown-tps", region=code, desa=code[:10], number=code[10:])

    def name(self, code: str) -> str:
        """The region's name; a TPS is called e.g. ``TPS 001`` (overseas: ``KSK 002``)."""
        level = self.require(code)
        if level is Level.NASIONAL:
            return NATION_NAME
        if level is Level.TPS:
            kind = self._names[code[:10]] if code[:2] == "99" else "TPS"
            return f"{kind} {code[10:]}"
        return self._names[code]

    def path(self, code: str) -> tuple[str, ...]:
        """Breadcrumb codes from the nation down to ``code`` (inclusive)."""
        if self.require(code) is Level.NASIONAL:
            return (NASIONAL,)
        return (*ancestors(code), code)

    def children(self, code: str) -> tuple[str, ...]:
        """The codes one level down, sorted; a desa's children are its TPS codes."""
        level = self.require(code)
        if level is Level.TPS:
            return ()
        if level is Level.DESA:
            return tuple(f"{code}{n:03d}" for n in self.tps_numbers(code))
        below = self._levels[Level(level + 1)]
        lo, hi = self._span(below, code)
        return below[lo:hi]

    def codes(self, level: Level, within: str = NASIONAL) -> tuple[str, ...]:
        """Every region code of ``level`` (provinsi..desa) within ``within``, sorted."""
        if level not in self._levels:
            raise _fail(code="region.level-not-listed", level=level.label)
        self.require(within)
        lo, hi = self._span(self._levels[level], within)
        return self._levels[level][lo:hi]

    def tps_numbers(self, desa: str) -> TpsNumbers:
        """The TPS numbers of one desa (or overseas unit)."""
        i = self._desa_index(desa)
        if i is None:
            self.require(desa)  # raises for malformed or unknown codes
            raise _fail(code="region.not-a-desa", region=desa)
        return self._numbers_at(i)

    def tps_count(self, code: str = NASIONAL) -> int:
        """How many TPS lie in region ``code`` (a TPS counts itself). O(log n)."""
        if self.require(code) is Level.TPS:
            return 1
        lo, hi = self._span(self._desa, code)
        return self._cum[hi] - self._cum[lo]

    def iter_tps(self, code: str = NASIONAL) -> Iterator[str]:
        """Every TPS code within ``code``, in code order (checked before iterating)."""
        if self.require(code) is Level.TPS:
            return iter((code,))
        lo, hi = self._span(self._desa, code)
        return self._iter_tps(lo, hi)

    def _iter_tps(self, lo: int, hi: int) -> Iterator[str]:
        for i in range(lo, hi):
            desa = self._desa[i]
            for n in self._numbers_at(i):
                yield f"{desa}{n:03d}"

    def counts(self, code: str = NASIONAL) -> dict[Level, int]:
        """How many regions of each level lie within ``code`` (itself counted once)."""
        level = self.require(code)
        out = {level: 1}
        for below in _REGION_LEVELS[level:]:
            lo, hi = self._span(self._levels[below], code)
            out[below] = hi - lo
        if level is not Level.TPS:
            out[Level.TPS] = self.tps_count(code)
        return out

    def search(self, text: str, limit: int = 20) -> tuple[str, ...]:
        """Codes of the regions whose name matches ``text``, best first, or of the TPS it
        names ("TPS 8 Rutonga", "tps 008"): :mod:`saksi.election.search` says how."""
        index: NameIndex | None = self._cache.get("search")
        if index is None:
            names = [(NASIONAL, NATION_NAME)]
            for level in _REGION_LEVELS:
                names += [(c, self._names[c]) for c in self._levels[level]]
            index = self._cache["search"] = NameIndex(names)
        asked = tps_query(text)
        if asked is None:
            return tuple(index.codes[i] for i in index.find(text, limit))
        number, place = asked
        places = [index.codes[i] for i in index.find(place, limit)] if place else [NASIONAL]
        return take(self._tps_numbered(number, places), limit)

    def _tps_numbered(self, number: int, places: list[str]) -> Iterator[str]:
        """TPS number ``number`` where it exists: first in the desa among ``places`` (in
        their order), then in the desa within the other places (in code order)."""
        named = [p for p in places if level_of(p) is Level.DESA]
        within = (self.codes(Level.DESA, p) for p in places if level_of(p) < Level.DESA)
        seen: set[str] = set()
        for desa in chain(named, *within):
            tps = f"{desa}{number:03d}"
            if desa not in seen and self._tps_exists(tps):
                seen.add(desa)
                yield tps

    # ---- identity ------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Hierarchy):
            return NotImplemented
        return (
            self._desa == other._desa
            and self._max == other._max
            and self._ext == other._ext
            and self._listed == other._listed
            and self._names == other._names
        )

    def __hash__(self) -> int:
        return hash(self.digest())

    def __repr__(self) -> str:
        parts = ", ".join(f"{lv.name.lower()}={n}" for lv, n in self.counts().items())
        return f"Hierarchy({parts})"

    # ---- the saved form ------------------------------------------------------

    def to_wire(self) -> dict[str, Any]:
        """The saved form (``saksi-regions/1``) as a JSON-ready object."""
        tps = {d: [self._max[i]] for i, d in enumerate(self._desa) if d not in self._listed}
        for d, (lo, hi) in self._ext.items():
            tps[d].extend((lo, hi))
        numbers = {d: list(nums) for d, nums in self._listed.items()}
        return {"format": FORMAT, "names": dict(self._names), "tps": tps, "tps_numbers": numbers}

    def canonical_bytes(self) -> bytes:
        """The saved form as RFC 8785 canonical JSON (keys sorted, no spaces, UTF-8).

        With ASCII-digit keys and printable names, sorted compact ``json.dumps`` is
        byte-for-byte JCS (the tests check it against ``rfc8785``).
        """
        text = json.dumps(self.to_wire(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8")

    def digest(self) -> str:
        """SHA-256 (hex) of :meth:`canonical_bytes`: commits to every name and TPS."""
        cached: str | None = self._cache.get("digest")
        if cached is None:
            cached = hashlib.sha256(self.canonical_bytes()).hexdigest()
            self._cache["digest"] = cached
        return cached

    def save(self, path: Path | str) -> None:
        """Write the canonical form; gzip (deterministic, mtime 0) if the name ends .gz."""
        path = Path(path)
        data = self.canonical_bytes()
        if path.name.endswith(".gz"):
            data = gzip.compress(data, compresslevel=9, mtime=0)
        tmp = path.with_name(path.name + ".tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise _fail(
                code="store.write-failed", cls=StoreError, file=str(path), why=exc.strerror
            ) from None

    @classmethod
    def from_wire(cls, data: Any, what: str = "region file") -> Hierarchy:
        """Build from the decoded saved form; InputError/RegionError when malformed."""
        found = data.get("format") if isinstance(data, dict) else None
        if found != FORMAT:
            raise _fail(code="input.regions-format", cls=InputError, file=what, format=str(found))
        saved = parse_model(_SavedFile, data, what)
        tps = {d: TpsNumbers.from_kpu(spec, d) for d, spec in saved.tps.items()}
        for desa, nums in saved.tps_numbers.items():
            if desa in tps:
                raise _fail(code="region.duplicate", region=desa, where="tps, tps_numbers")
            tps[desa] = TpsNumbers.listing(nums, desa)
        return cls(names=saved.names, tps=tps)

    @classmethod
    def load(cls, path: Path | str) -> Hierarchy:
        """Read a file written by :meth:`save` (gzip or not: detected by content)."""
        path = Path(path)
        return cls.from_wire(loads(read_data_file(path), what=path.name), what=path.name)

    # ---- KPU's own files -----------------------------------------------------

    @classmethod
    def from_kpu(cls, tps_json: Path | str, overseas_csv: Path | str | None = None) -> Hierarchy:
        """Import KPU's 2024 files: ``kpu2024-tps.json`` and optionally the overseas CSV."""
        tps_json = Path(tps_json)
        raw = loads(read_data_file(tps_json), what=tps_json.name)
        kpu = parse_model(_KpuFile, raw, tps_json.name)
        del raw
        names = dict(kpu.id2name)
        tps = {d: TpsNumbers.from_kpu(spec, d) for d, spec in kpu.tps.items()}
        if overseas_csv is not None:
            ln_names, ln_tps = read_overseas_csv(Path(overseas_csv))
            for code, name in ln_names.items():
                _put_name(names, code, name, 0)
            for desa, nums in ln_tps.items():
                if desa in tps:
                    raise _fail(code="region.duplicate", region=desa, where="JSON, CSV")
                tps[desa] = nums
        return cls(names=names, tps=tps)


def read_data_file(path: Path) -> bytes:
    """A file's bytes, gunzipped when it starts with the gzip magic; at most 256 MiB."""
    try:
        with path.open("rb") as fh:
            gzipped = fh.read(2) == b"\x1f\x8b"
            fh.seek(0)
            if gzipped:
                with gzip.GzipFile(fileobj=fh) as gz:
                    data = gz.read(MAX_FILE_BYTES + 1)
            else:
                data = fh.read(MAX_FILE_BYTES + 1)
    except (gzip.BadGzipFile, EOFError, zlib.error):
        raise _fail(code="input.gzip-malformed", cls=InputError, file=path.name) from None
    except OSError as exc:
        raise _fail(
            code="input.unreadable", cls=InputError, file=str(path), why=exc.strerror
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise _fail(code="input.too-large", cls=InputError, file=path.name, limit=MAX_FILE_BYTES)
    return data


def _put_name(names: dict[str, str], code: str, name: str, line: int) -> None:
    old = names.setdefault(code, name)
    if old != name:
        raise _fail(code="region.name-conflict", region=code, old=old, new=name, line=line)


def _check_digits(value: str, parent: str, length: int, field: str, line: int) -> None:
    if not (
        len(value) == length and value.isascii() and value.isdigit() and value.startswith(parent)
    ):
        raise _fail(
            code="region.overseas-code-malformed",
            region=value, field=field, length=length, parent=parent, line=line,
        )  # fmt: skip


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The data rows of KPU's overseas CSV with their line numbers; header checked."""
    try:
        text = read_data_file(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(code="input.not-utf8", cls=InputError, file=path.name) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or tuple(header) != OVERSEAS_HEADER:
            expected, found = ",".join(OVERSEAS_HEADER), ",".join(header or [])[:200]
            raise _fail(
                code="input.csv-header",
                cls=InputError,
                file=path.name,
                expected=expected,
                found=found,
            )
        for row in reader:
            if row:
                yield reader.line_num, row
    except csv.Error as exc:
        raise _fail(
            code="input.csv-malformed",
            cls=InputError,
            file=path.name,
            line=reader.line_num,
            why=str(exc),
        ) from None


def read_overseas_csv(path: Path) -> tuple[dict[str, str], dict[str, TpsNumbers]]:
    """KPU's overseas units (``kpu2024-tps-ln.csv``) as names and TPS numbers."""
    names: dict[str, str] = {}
    numbers: dict[str, set[int]] = {}
    for line, row in _csv_rows(path):
        if len(row) != len(OVERSEAS_HEADER):
            raise _fail(
                code="input.csv-row", cls=InputError, file=path.name, line=line, found=len(row)
            )
        prov, prov_name, country, country_name, _, ppln, ppln_name, _, unit, kind, no = row
        _check_digits(prov, "99", 2, "kode_wilayah", line)
        _check_digits(country, prov, 4, "kode_negara", line)
        _check_digits(ppln, country, 6, "kode_kota", line)
        _check_digits(unit, ppln, 10, "kode_tps", line)
        _check_digits(no, "", 3, "no_tps", line)
        if kind not in OVERSEAS_KINDS or no == "000":
            raise _fail(code="region.overseas-unit-invalid", kind=kind, number=no, line=line)
        named = ((prov, prov_name), (country, country_name), (ppln, ppln_name), (unit, kind))
        for code, name in named:
            _put_name(names, code, name, line)
        seen = numbers.setdefault(unit, set())
        if int(no) in seen:
            raise _fail(code="region.duplicate-tps", kind=kind, number=no, unit=unit, line=line)
        seen.add(int(no))
    return names, {unit: TpsNumbers.of(nums, unit) for unit, nums in numbers.items()}


__all__ = [
    "FORMAT", "MAX_TPS_NO", "NATION_NAME", "OVERSEAS_HEADER", "OVERSEAS_KINDS",
    "SPECIAL_TPS_FROM", "Hierarchy", "TpsNumbers", "read_overseas_csv",
]  # fmt: skip
