"""Finding regions and TPS by what people type.

A reader types a place as they know it: in any case, with or without its doubled
letters (RUTONGGA, Rutonga), in an old spelling (Soerabaja, Djakarta, Tjiamis), with a
letter missing, extra or wrong, with a level word in front (*kecamatan* Gambir), or a
TPS as "TPS 008", "tps 8", "TPS 8 Rutonga". :func:`fold` brings a name and a query to
one spelling: case and diacritics folded, punctuation made a space, ``oe`` -> ``u``,
``dj`` -> ``j``, ``tj`` -> ``c``, a letter repeated written once. :class:`NameIndex`
then ranks what it finds, best first:

1. the name is the query, letter for letter (case aside);
2. the name folds to the query (``RUTONGA`` for ``Rutongga``);
3. a word of the name starts with the query;
4. the name holds the query anywhere;
5. the name holds the query with one letter missing, extra or changed (queries of
   six letters or more, and only while fewer than ``limit`` were found above).

Within a rank, the higher level first (provinsi before desa), then by code. The names
are kept folded in one string, so every rank is a few scans of it in C (a national
region file, 91,560 names, is under a megabyte); the typo rank looks only where one
half of the query occurs exactly (one edit leaves one half whole).

:func:`tps_query` reads "TPS 8 Rutonga" as (8, "Rutonga"); :meth:`Hierarchy.search
<saksi.election.regions.Hierarchy.search>` puts the two together.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from heapq import merge
from itertools import accumulate
from typing import Final

OLD_SPELLINGS: Final = (("oe", "u"), ("dj", "j"), ("tj", "c"))
"""Spellings from before 1972 (Ejaan Republik / Van Ophuijsen) still on signs and maps."""
LEVEL_WORDS: Final = frozenset(
    {"provinsi", "prov", "kabupaten", "kab", "kecamatan", "kec", "kelurahan", "kel", "desa"}
)
"""Words a reader may put before a name that the region file does not hold (it names a
kabupaten BOGOR and a kota KOTA BOGOR): dropped from a query that has other words."""
TYPO_MIN: Final = 6
"""Shortest folded query that may match with a typo (shorter ones match too much)."""

_ASCII_PUNCT: Final = {c: " " for c in range(128) if not chr(c).isalnum() and chr(c) != "\n"}
_PUNCT: Final = re.compile(r"[^\w\n]+|_+")
_REPEAT: Final = re.compile(r"([^\W\d_])\1+")
_TPS: Final = re.compile(r"(?<![0-9a-z])tps\s*(?:no\.?\s*)?0*([0-9]{1,3})(?![0-9])")


def fold(text: str) -> str:
    """``text`` in the one spelling names are compared in (lines stay lines)."""
    # compatibility forms may decompose to capitals ("℡" -> "TEL"): case folded after too
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    if text.isascii():
        text = text.translate(_ASCII_PUNCT)
    else:
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = _PUNCT.sub(" ", text)
    while True:  # until nothing changes: one replacement can make another ("ddj")
        before = text
        text = _single_letters(text)
        for old, new in OLD_SPELLINGS:
            text = text.replace(old, new)
        if text == before:
            break
    for spaced, single in (("  ", " "), (" \n", "\n"), ("\n ", "\n")):
        while spaced in text:
            text = text.replace(spaced, single)
    return text.strip(" ")


def _single_letters(text: str) -> str:
    """Every run of one letter written once (``gg`` -> ``g``)."""
    if not text.isascii():
        return _REPEAT.sub(r"\1", text)
    for letter in "abcdefghijklmnopqrstuvwxyz":
        double = letter + letter
        while double in text:
            text = text.replace(double, letter)
    return text


def _query(text: str) -> str:
    words = fold(text).split()
    kept = [w for w in words if w not in LEVEL_WORDS]
    return " ".join(kept or words)


def _within_one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by at most one letter missing, extra or changed."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] if len(a) == len(b) else a[i:] == b[i + 1 :]


class NameIndex:
    """The names of a hierarchy, folded, in rank order (nation, provinsi, ..., desa)."""

    __slots__ = ("_blob", "_casefolded", "_names", "_starts", "codes")

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        pairs = list(entries)
        self.codes: tuple[str, ...] = tuple(code for code, _ in pairs)
        self._names = tuple(name for _, name in pairs)
        self._casefolded: dict[int, str] = {}
        lines = "\n".join(self._names)
        if lines.count("\n") != len(self._names) - 1:  # a name with a line break in it
            lines = "\n".join(" ".join(n.split()) for n in self._names)
        self._blob = "\n" + fold(lines) + "\n"
        sizes = (len(line) + 1 for line in self._blob[1:-1].split("\n")[:-1])
        self._starts = array("I", accumulate(sizes, initial=0))  # each line's "\n"

    def _line(self, offset: int) -> int:
        return bisect_right(self._starts, offset) - 1

    def _hits(self, pattern: str, shift: int = 0) -> Iterator[int]:
        """The lines where ``pattern`` occurs, in order (``shift``: where in the pattern
        the line's own text begins)."""
        blob, at = self._blob, self._blob.find(pattern)
        while at != -1:
            yield self._line(at + shift)
            at = blob.find(pattern, at + 1)

    def find(self, text: str, limit: int = 20) -> list[int]:
        """The positions (in :attr:`codes`) of the names matching ``text``, best first."""
        query = _query(text)
        if not query or limit <= 0:
            return []
        found: dict[int, None] = {}
        exact = " ".join(text.split()).casefold()
        equal = list(self._hits(f"\n{query}\n", 1))
        ranks: tuple[Iterable[int], ...] = (
            (i for i in equal if self._casefold(i) == exact),  # the name, letter for letter
            equal,  # the name in the one spelling
            merge(self._hits("\n" + query, 1), self._hits(" " + query, 1)),  # a word starts so
            self._hits(query),  # anywhere in the name
        )
        for rank in ranks:
            for i in rank:
                found.setdefault(i)
                if len(found) == limit:
                    return list(found)
        if len(query) >= TYPO_MIN:
            for i in self._typos(query):
                found.setdefault(i)
                if len(found) == limit:
                    break
        return list(found)

    def _casefold(self, i: int) -> str:
        found = self._casefolded.get(i)
        if found is None:
            found = self._casefolded[i] = " ".join(self._names[i].split()).casefold()
        return found

    def _typos(self, query: str) -> list[int]:
        """The lines holding ``query`` with one edit, whole names and word starts first."""
        n, half = len(query), len(query) // 2
        blob, scored = self._blob, dict[int, int]()
        for part, starts_at_part in ((query[:half], True), (query[half:], False)):
            at = blob.find(part)
            while at != -1:
                for size in (n - 1, n, n + 1):
                    start = at if starts_at_part else at + len(part) - size
                    if start < 1:
                        continue
                    window = blob[start : start + size]
                    if "\n" in window or not _within_one_edit(query, window):
                        continue
                    line = self._line(start)
                    score = _boundaries(blob, start, start + size)
                    if score < scored.get(line, 9):
                        scored[line] = score
                at = blob.find(part, at + 1)
        return sorted(scored, key=lambda line: (scored[line], line))


def _boundaries(blob: str, start: int, end: int) -> int:
    """0: the window is a whole name; 1: whole words; 2: starts a word; 3: inside one."""
    before, after = blob[start - 1], blob[end]
    if before == "\n" and after == "\n":
        return 0
    if before in " \n" and after in " \n":
        return 1
    return 2 if before in " \n" else 3


def tps_query(text: str) -> tuple[int, str] | None:
    """``"TPS 8 Rutonga"`` -> ``(8, "Rutonga")``; None when ``text`` names no TPS number."""
    lowered = text.casefold()
    found = _TPS.search(lowered)
    if found is None or not 1 <= int(found.group(1)) <= 999:
        return None
    place = text[: found.start()] + " " + text[found.end() :]
    return int(found.group(1)), " ".join(place.split())


def take(codes: Iterable[str], limit: int) -> tuple[str, ...]:
    out: list[str] = []
    for code in codes:
        out.append(code)
        if len(out) == limit:
            break
    return tuple(out)


__all__ = ["LEVEL_WORDS", "OLD_SPELLINGS", "TYPO_MIN", "NameIndex", "fold", "take", "tps_query"]
