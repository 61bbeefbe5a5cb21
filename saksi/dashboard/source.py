"""What the dashboard reads: the published results and the published log, nothing else.

:class:`Published` reads ``DATA/results`` (the Publisher's files, docs/recap.md) and
``DATA/log`` (the C2SP tlog-tiles publication) from disk. It never touches the
service's database: every page is a function of files anyone can download.

Files under ``results/<N>/`` never change once written, so their parsed JSON is kept
(up to :data:`CACHE_FILES`); ``latest.json`` and the log's ``checkpoint`` are read
every time (they are small). A log entry is read from its entry bundle and checked
against its leaf hash in the level-0 tile (:class:`~saksi.tlog.tiles.TileReader`).

A region's snapshot is found by following ``href`` from the national snapshot down
its ancestors: one file per level, at most five, all immutable.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, TypeVar

from saksi.election.codes import NASIONAL, Level, ancestors, level_of
from saksi.election.envelope import Envelope
from saksi.election.legislative import Contests
from saksi.election.regions import Hierarchy
from saksi.election.search import NameIndex
from saksi.election.wire import loads
from saksi.errors import SaksiError
from saksi.recap.entries import read_entry
from saksi.tlog.checkpoint import Checkpoint
from saksi.tlog.note import NoteSignature, split_note
from saksi.tlog.tiledir import TileDir
from saksi.tlog.tiles import TileReader

_Parsed = TypeVar("_Parsed")

CACHE_FILES: Final = 4096
CACHE_ENTRIES: Final = 4096

Doc = dict[str, Any]


@dataclass(frozen=True)
class LogCheckpoint:
    """The log's published checkpoint: its note, parsed, and its signature lines."""

    note: bytes
    checkpoint: Checkpoint
    signatures: tuple[NoteSignature, ...]


def contest_files(latest: Doc, contest: str) -> Doc | None:
    """What ``latest.json`` links for ``contest``: its member of ``contests`` (PPWP) or
    of ``legislative`` (a format v2 log's legislative contests), or None."""
    for member in ("contests", "legislative"):
        found = (latest.get(member) or {}).get(contest)
        if isinstance(found, dict):
            return found
    return None


@dataclass(frozen=True)
class Candidate:
    """One candidate as the contests file lists them (``party`` empty for DPD)."""

    contest: str
    dapil: str
    dapil_name: str
    party: str
    number: int
    name: str


class CandidateIndex:
    """The candidates of every legislative contest, found by name as regions are
    (:class:`~saksi.election.search.NameIndex`: case, diacritics, doubled letters and
    old spellings folded, one typo forgiven, the exact name first)."""

    def __init__(self, contests: Contests) -> None:
        found: list[Candidate] = []
        for contest in contests.contests:
            kind = contest.kind.value
            for d in contest.districts:
                found += [
                    Candidate(kind, d.code, d.name, "", c.number, c.name) for c in d.candidates
                ]
                for plist in d.lists:
                    found += [
                        Candidate(kind, d.code, d.name, plist.party, c.number, c.name)
                        for c in plist.candidates
                    ]
        self.candidates = tuple(found)
        self._index = NameIndex((str(i), c.name) for i, c in enumerate(found))

    def search(self, text: str, limit: int) -> list[Candidate]:
        return [self.candidates[i] for i in self._index.find(text, limit)]


def _is_region_code(code: str) -> Level | None:
    try:
        return level_of(code)
    except SaksiError:
        return None


class Published:
    """The published results under ``results`` and the published log under ``log``."""

    def __init__(self, results: Path, log: Path) -> None:
        self.results = Path(results)
        self.log = Path(log)
        self._lock = threading.Lock()
        self._files: OrderedDict[str, Doc] = OrderedDict()
        self._entries: OrderedDict[int, Envelope] = OrderedDict()
        self._hierarchies: dict[str, Hierarchy] = {}
        self._contests: dict[str, Contests] = {}
        self._candidates: dict[str, CandidateIndex] = {}

    # -- results ----------------------------------------------------------------

    def _read_json(self, relpath: str) -> Doc | None:
        if relpath.startswith(("/", ".")) or ".." in relpath.split("/"):
            return None
        try:
            data = (self.results / relpath).read_bytes()
            doc = loads(data, relpath)
        except (OSError, SaksiError):
            return None
        return doc if isinstance(doc, dict) else None

    def latest(self) -> Doc | None:
        """``latest.json``, or None before the first publication."""
        return self._read_json("latest.json")

    def published_at(self) -> datetime | None:
        """When ``latest.json`` was last written (its modification time, UTC)."""
        try:
            stamp = (self.results / "latest.json").stat().st_mtime
        except OSError:
            return None
        return datetime.fromtimestamp(stamp, UTC).replace(microsecond=0)

    def file(self, relpath: str) -> Doc | None:
        """An immutable published JSON file, parsed (kept in memory)."""
        with self._lock:
            doc = self._files.get(relpath)
            if doc is not None:
                self._files.move_to_end(relpath)
                return doc
        doc = self._read_json(relpath)
        if doc is not None:
            with self._lock:
                self._files[relpath] = doc
                if len(self._files) > CACHE_FILES:
                    self._files.popitem(last=False)
        return doc

    def snapshot(self, latest: Doc, contest: str, code: str) -> tuple[str, Doc] | None:
        """(path, snapshot) of region ``code``'s current snapshot, or None."""
        level = _is_region_code(code)
        if level is None or level is Level.TPS:
            return None
        files = contest_files(latest, contest)
        if files is None:
            return None
        href = str(files["snapshot"])
        doc = self.file(href)
        for step in (*ancestors(code)[1:], code) if code != NASIONAL else ():
            if doc is None:
                return None
            child = next((c for c in doc.get("children", ()) if c.get("code") == step), None)
            if child is None or not isinstance(child.get("href"), str):
                return None
            href = child["href"]
            doc = self.file(href)
        return (href, doc) if doc is not None else None

    def tps(self, latest: Doc, contest: str, code: str) -> tuple[str, Doc, Doc] | None:
        """(desa snapshot path, desa snapshot, the TPS as its desa lists it), or None."""
        if _is_region_code(code) is not Level.TPS:
            return None
        found = self.snapshot(latest, contest, code[:10])
        if found is None:
            return None
        href, desa = found
        tps = next((c for c in desa.get("children", ()) if c.get("code") == code), None)
        return (href, desa, tps) if tps is not None else None

    def summary(self, latest: Doc) -> Doc | None:
        return self.file(str(latest["summary"]))

    def anomalies(self, latest: Doc, contest: str) -> tuple[str, Doc] | None:
        """(path, anomalies export) of ``contest`` (PPWP's or a legislative contest's),
        or None before its first exports (or in a publication without one)."""
        exports = (contest_files(latest, contest) or {}).get("exports")
        if not isinstance(exports, dict) or not isinstance(exports.get("anomalies"), str):
            return None
        href = str(exports["anomalies"])
        doc = self.file(href)
        return (href, doc) if doc is not None else None

    def seats(self, latest: Doc, contest: str, region: str = NASIONAL) -> tuple[str, Doc] | None:
        """(path, seats file) of a legislative contest: the nation's, or the one of
        province or kab/kota ``region`` (the nation's ``units_href``), or None."""
        files = (latest.get("legislative") or {}).get(contest)
        if not isinstance(files, dict) or not isinstance(files.get("seats"), str):
            return None
        href = str(files["seats"])
        doc = self.file(href)
        if doc is None or region == NASIONAL:
            return (href, doc) if doc is not None else None
        unit = (doc.get("units_href") or {}).get(region)
        if not isinstance(unit, str):
            return None
        found = self.file(unit)
        return (unit, found) if found is not None else None

    def dapil(self, latest: Doc, contest: str, code: str) -> tuple[str, Doc] | None:
        """(path, dapil file) of dapil ``code`` of a legislative contest (the national
        seats file's ``dapil_href``), or None."""
        nation = self.seats(latest, contest)
        if nation is None:
            return None
        href = (nation[1].get("dapil_href") or {}).get(code)
        if not isinstance(href, str):
            return None
        doc = self.file(href)
        return (href, doc) if doc is not None else None

    def contests(self, latest: Doc) -> Contests | None:
        """The contests file ``latest.json`` links (``contests_file``: parties, dapil and
        candidates of a format v2 log), or None."""
        return self._linked(latest, "contests_file", "_contests", Contests.from_wire)

    def candidates(self, latest: Doc) -> CandidateIndex | None:
        """Every candidate of the contests file, indexed by name (for search), or None."""
        href = latest.get("contests_file")
        contests = self.contests(latest)
        if contests is None or not isinstance(href, str):
            return None
        with self._lock:
            found = self._candidates.get(href)
        if found is None:
            found = CandidateIndex(contests)
            with self._lock:
                self._candidates = {href: found}
        return found

    def hierarchy(self, latest: Doc) -> Hierarchy | None:
        """The region file ``latest.json`` links (names, for search), or None."""
        return self._linked(latest, "regions", "_hierarchies", Hierarchy.from_wire)

    def _linked(
        self, latest: Doc, key: str, cache: str, parse: Callable[[Any, str], _Parsed]
    ) -> _Parsed | None:
        """The file ``latest.json`` links under ``key``, parsed once and kept in the
        attribute ``cache`` (one election: only the newest), or None if it is absent,
        not JSON or refused by ``parse``."""
        href = latest.get(key)
        if not isinstance(href, str):
            return None
        with self._lock:
            found: _Parsed | None = getattr(self, cache).get(href)
        if found is not None:
            return found
        raw = self._read_json(href)
        if raw is None:
            return None
        try:
            found = parse(raw, href)
        except SaksiError:
            return None
        with self._lock:
            setattr(self, cache, {href: found})
        return found

    # -- the log ----------------------------------------------------------------

    def checkpoint(self) -> LogCheckpoint | None:
        """The log's published checkpoint (``log/checkpoint``), or None."""
        try:
            note = (self.log / "checkpoint").read_bytes()
            text, signatures = split_note(note)
            return LogCheckpoint(note, Checkpoint.parse(text), signatures)
        except (OSError, SaksiError):
            return None

    def entry(self, index: int) -> Envelope | None:
        """Log entry ``index`` from the published log, checked against its leaf hash."""
        with self._lock:
            found = self._entries.get(index)
        if found is not None:
            return found
        published = self.checkpoint()
        if published is None or not 0 <= index < published.checkpoint.size:
            return None
        try:
            data = TileReader(TileDir(self.log), published.checkpoint.size).entry(index)
            envelope = read_entry(index, data)
        except SaksiError:
            return None
        with self._lock:
            self._entries[index] = envelope
            if len(self._entries) > CACHE_ENTRIES:
                self._entries.popitem(last=False)
        return envelope


__all__ = [
    "CACHE_ENTRIES",
    "CACHE_FILES",
    "Candidate",
    "CandidateIndex",
    "Doc",
    "LogCheckpoint",
    "Published",
    "contest_files",
]
