"""Published results against the verifier's own tally: every number, named.

The Publisher's ``latest.json`` names a generation ``N`` (a tree size). Once the
verifier has folded exactly ``N`` entries, :class:`ResultsCheck` compares, with the
numbers :class:`~saksi.verify.tally.View` makes from docs/recap.md:

- every region snapshot reachable from ``latest.json`` through ``href`` links: every
  field of it but the checkpoint it was written at, and every field of each child but
  its ``href`` (a desa's TPS in full); a field published that the tally does not make
  is a difference too;
- ``<N>/summary.json`` (each contest's national numbers, flags and anomaly counts);
- the exports of their generation ``E`` (folded to ``E``): each CSV, row by row and
  column by column, and the NIST ElectionReport's numbers per ReportingUnit.

Each difference is one finding ``verify.totals-differ`` naming the file, region,
contest, field, published and recomputed values.
"""

from __future__ import annotations

import csv
import io
import json
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from saksi.tlog.tiledir import TileSource
from saksi.verify.findings import Finding, Kind, finding
from saksi.verify.keys import Fold
from saksi.verify.regions import LEVEL_NAMES, NATION, ancestors
from saksi.verify.tally import TOTAL_FIELDS, View

SNAPSHOT_FORMAT = "saksi-snapshot/1"
UNCHECKED = ("checkpoint", "children", "href")
CSV_LEVELS = (2, 4, 6, 10, 13)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts as ``a.b.c`` -> scalar (lists are kept whole)."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def differences(
    published: Mapping[str, Any], recomputed: Mapping[str, Any]
) -> Iterator[tuple[str, Any, Any]]:
    """``(field, published, recomputed)`` wherever the flattened documents differ."""
    theirs, ours = flatten(published), flatten(recomputed)
    for name in sorted(set(theirs) | set(ours)):
        a, b = theirs.get(name), ours.get(name)
        if a != b or type(a) is not type(b):
            yield name, a, b


def _differ(path: str, region: str, contest: str, diff: tuple[str, Any, Any]) -> Finding:
    name, published, recomputed = diff
    return finding(
        Kind.TOTALS,
        "verify.totals-differ",
        f"{path}: region {region}, {contest}, {name}: published {published!r}, "
        f"recomputed from the log {recomputed!r}",
        f"{path}: wilayah {region}, {contest}, {name}: dipublikasikan {published!r}, "
        f"dihitung ulang dari log {recomputed!r}",
        file=path,
        region=region,
        contest=contest,
        field=name,
        published=published,
        recomputed=recomputed,
    )


def _missing(path: str, why_en: str, why_id: str) -> Finding:
    return finding(
        Kind.TOTALS, "verify.results-missing", f"{path}: {why_en}", f"{path}: {why_id}", file=path
    )


def _published(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in UNCHECKED}


@dataclass
class ResultsCheck:
    """Compare what ``results`` publishes with a :class:`~saksi.verify.keys.Fold`."""

    results: TileSource
    latest: dict[str, Any]
    found: list[Finding] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)
    """Legislative contests the results publish, not compared yet."""
    snapshots: int = 0
    exports: int = 0
    seats: int = 0
    """Legislative seats files compared (:mod:`saksi.verify.legislative_published`)."""
    legislative_snapshots: int = 0
    dapil_files: int = 0
    legislative_counts: dict[tuple[str, int], Any] = field(default_factory=dict)
    """(contest, tree size) -> the verifier's legislative numbers there, made once."""
    summary_doc: dict[str, Any] | None = None
    """The summary as read (the legislative contests' part is compared after)."""

    def read_json(self, path: str) -> Any | None:
        """A linked results file as JSON (None, and a finding, if absent or not JSON)."""
        return self._json(path)

    def _json(self, path: str) -> Any | None:
        data = self.results.read(path)
        if data is None:
            self.found.append(
                _missing(
                    path,
                    "the file is linked but not published",
                    "berkas ditautkan tetapi tidak dipublikasikan",
                )
            )
            return None
        try:
            return json.loads(data)  # fractions allowed: a progress percent is one
        except (ValueError, RecursionError) as exc:
            self.found.append(
                _missing(
                    path,
                    f"not JSON ({exc.__class__.__name__})",
                    f"bukan JSON ({exc.__class__.__name__})",
                )
            )
            return None

    def _compare(
        self, path: str, region: str, contest: str, theirs: dict[str, Any], ours: dict[str, Any]
    ) -> None:
        for diff in differences(theirs, ours):
            self.found.append(_differ(path, region, contest, diff))

    def _contests(self, fold: Fold) -> Iterator[tuple[str, dict[str, Any], View]]:
        for contest, links in sorted(self.latest.get("contests", {}).items()):
            if contest in fold.legislative:
                self.skipped.add(contest)
                continue
            if contest not in fold.tallies:
                self.found.append(
                    _missing(
                        f"latest.json contests.{contest}",
                        "a contest the election does not have",
                        "pemilihan yang tidak ada dalam pemilu ini",
                    )
                )
                continue
            yield contest, links, fold.tallies[contest].view(fold.regions)

    # -- snapshots -----------------------------------------------------------

    def snapshots_at(self, fold: Fold) -> None:
        """Every snapshot reachable from latest.json, and the summary (generation N)."""
        views: dict[str, View] = {}
        for contest, links, view in self._contests(fold):
            views[contest] = view
            self._walk(fold, view, contest, str(links.get("snapshot")))
        summary = self.latest.get("summary")
        if isinstance(summary, str):
            self._summary(fold, views, summary)

    def _walk(self, fold: Fold, view: View, contest: str, start: str) -> None:
        queue: deque[str] = deque([start])
        seen: set[str] = set()
        while queue:
            path = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            doc = self._json(path)
            if not isinstance(doc, dict):
                continue
            self.snapshots += 1
            queue.extend(self._snapshot(fold, view, contest, path, doc))

    def _snapshot(
        self, fold: Fold, view: View, contest: str, path: str, doc: dict[str, Any]
    ) -> list[str]:
        region = doc.get("region", {}).get("code") if isinstance(doc.get("region"), dict) else None
        if not isinstance(region, str) or len(region) == 13 or not fold.regions.exists(region):
            self.found.append(
                _missing(
                    path,
                    f"names no region of this election ({region!r})",
                    f"tidak menyebut wilayah pemilu ini ({region!r})",
                )
            )
            return []
        ours = {"format": SNAPSHOT_FORMAT, "contest": contest, **view.region_facts(region)}
        self._compare(path, region, contest, _published(doc), ours)
        links: list[str] = []
        children = doc.get("children", [])
        for child in children if isinstance(children, list) else []:
            code = child.get("code") if isinstance(child, dict) else None
            if not isinstance(code, str) or not fold.regions.exists(code) or code == NATION:
                self.found.append(
                    _missing(
                        path,
                        f"lists an unknown child {code!r}",
                        f"memuat anak wilayah tak dikenal {code!r}",
                    )
                )
                continue
            if isinstance(child.get("href"), str):
                links.append(child["href"])
            self._compare(path, code, contest, _published(child), view.child_facts(code))
        listed = (
            [c.get("code") for c in children if isinstance(c, dict)]
            if isinstance(children, list)
            else []
        )
        expected = fold.regions.children(region)
        if listed != expected:
            self.found.append(_differ(path, region, contest, ("children", listed, expected)))
        return links

    def _summary(self, fold: Fold, views: dict[str, View], path: str) -> None:
        doc = self._json(path)
        if not isinstance(doc, dict):
            return
        self.summary_doc = doc
        contests = doc.get("contests", [])
        listed = (
            {c.get("contest"): c for c in contests if isinstance(c, dict)}
            if isinstance(contests, list)
            else {}
        )
        for contest in fold.tallies:
            theirs = listed.get(contest)
            if theirs is None:
                self.found.append(
                    _missing(
                        path,
                        f"does not list contest {contest}",
                        f"tidak memuat pemilihan {contest}",
                    )
                )
                continue
            view = views.get(contest) or fold.tallies[contest].view(fold.regions)
            described = next(c for c in fold.manifest["contests"] if c["kind"] == contest)
            ours = {
                "contest": contest,
                "name": described["name"],
                "pairs": [
                    {
                        "number": p["number"],
                        "president": p["president"],
                        "vice_president": p["vice_president"],
                    }
                    for p in described["pairs"]
                ],
                **view.numbers(NATION),
                "flags": view.flag_counts(NATION),
                "anomalies": view.anomaly_counts(NATION),
            }
            self._compare(path, NATION, contest, _published(theirs), ours)

    # -- exports -------------------------------------------------------------

    def exports_at(self, fold: Fold, size: int, root: bytes) -> None:
        """The CSV and NIST exports latest.json links (generation E = the fold's size)."""
        for contest, links, view in self._contests(fold):
            exports = links.get("exports")
            if not isinstance(exports, dict):
                continue
            paths: Any = exports.get("csv") if isinstance(exports.get("csv"), dict) else {}
            for digits in CSV_LEVELS:
                path = paths.get(LEVEL_NAMES[digits])
                if isinstance(path, str):
                    self._csv(fold, view, contest, digits, path, (str(size), root.hex()))
            if isinstance(exports.get("nist"), str):
                self._nist(fold, view, contest, exports["nist"])

    def _csv(  # noqa: PLR0917
        self, fold: Fold, view: View, contest: str, digits: int, path: str, stamp: tuple[str, str]
    ) -> None:
        published = self.results.read(path)
        self.exports += 1
        if published is None:
            self.found.append(
                _missing(
                    path,
                    "the export is linked but not published",
                    "ekspor ditautkan tetapi tidak dipublikasikan",
                )
            )
            return
        theirs = _rows(published)
        header, rows = (_tps_rows if digits == 13 else _region_rows)(fold, view, digits, stamp)
        if theirs.get("") != header:
            self.found.append(_differ(path, "-", contest, ("header", theirs.get(""), header)))
        ours = dict(rows)
        for code in sorted(set(theirs) | set(ours)):
            if code == "":
                continue
            a, b = theirs.get(code), ours.get(code)
            if a is None or b is None:
                self.found.append(
                    _differ(path, code, contest, ("row", a and "present", b and "present"))
                )
                continue
            for name, cell in zip(header, b, strict=True):
                mine = a.get(name)
                if mine != cell:
                    self.found.append(_differ(path, code, contest, (name, mine, cell)))

    def _nist(self, fold: Fold, view: View, contest: str, path: str) -> None:
        doc = self._json(path)
        self.exports += 1
        if not isinstance(doc, dict):
            return
        try:
            numbers = list(_nist_numbers(doc))
        except (AttributeError, TypeError):
            self.found.append(_missing(path, "is not an ElectionReport", "bukan ElectionReport"))
            return
        for code, name, published in numbers:
            if not fold.regions.exists(code):
                self.found.append(_differ(path, code, contest, (name, published, None)))
                continue
            recomputed = _nist_expected(view, code, name)
            if published != recomputed or type(published) is not type(recomputed):
                self.found.append(_differ(path, code, contest, (name, published, recomputed)))


def _rows(data: bytes) -> dict[str, Any]:
    """CSV rows by their first column (code), each as header -> cell; the header as ""."""
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8")))
        header = next(reader, [])
        out: dict[str, Any] = {"": header}
        for row in reader:
            out[row[0] if row else ""] = dict(zip(header, row, strict=False))
        return out
    except (UnicodeDecodeError, csv.Error):
        return {}


Rows = tuple[list[str], Iterator[tuple[str, list[str]]]]


def _totals_header(view: View) -> list[str]:
    return [*(f"suara_paslon_{p}" for p in view.t.pairs), *TOTAL_FIELDS, "jumlah_tps"]


def _region_rows(fold: Fold, view: View, digits: int, stamp: tuple[str, str]) -> Rows:
    header = [
        "code",
        "name",
        "parent",
        "expected",
        "received",
        "counted",
        *_totals_header(view),
        "tree_size",
        "root_hash",
    ]

    def rows() -> Iterator[tuple[str, list[str]]]:
        size = len(view.t.pairs) + len(TOTAL_FIELDS) + 1
        for code in fold.regions.codes(digits):
            progress = view.progress(code)
            totals = view.vector(code)[:size]
            parent = ancestors(code)[-1]
            cells = [
                code,
                fold.regions.name(code),
                parent,
                progress["expected"],
                progress["received"],
                progress["counted"],
                *totals,
                *stamp,
            ]
            yield code, [str(c) for c in cells]

    return header, rows()


def _tps_rows(fold: Fold, view: View, digits: int, stamp: tuple[str, str]) -> Rows:
    fields = list(view.t.fields)
    header = [
        "code",
        "name",
        "parent",
        "status",
        "witness",
        "counted",
        *fields,
        "tree_size",
        "root_hash",
    ]

    def rows() -> Iterator[tuple[str, list[str]]]:
        for code in fold.regions.iter_tps():
            status, witness, counted, values = view.tps_row(code)
            numbers = [str(v) for v in values] if values is not None else [""] * len(fields)
            yield (
                code,
                [
                    code,
                    fold.regions.name(code),
                    code[:10],
                    status,
                    witness,
                    str(int(counted)),
                    *numbers,
                    *stamp,
                ],
            )

    return header, rows()


_UNIT_FIELDS = ("TotalSubUnits", "SubUnitsReported", "VotersRegistered", "VotersParticipated")


def _nist_numbers(doc: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """``(region code, field, published number)`` of every number in an ElectionReport."""
    for unit in doc.get("GpUnit", []):
        code = str(unit.get("@id", "")).removeprefix("ru-")
        for name in _UNIT_FIELDS:
            yield code, name, unit.get(name)
    for election in doc.get("Election", []):
        for contest in election.get("Contest", []):
            for selection in contest.get("ContestSelection", []):
                pair = str(selection.get("@id", "")).rsplit("-", 1)[-1]
                for count in selection.get("VoteCounts", []):
                    code = str(count.get("GpUnitId", "")).removeprefix("ru-")
                    yield code, f"VoteCounts.{pair}", count.get("Count")
        for ballots in election.get("BallotCounts", []):
            code = str(ballots.get("GpUnitId", "")).removeprefix("ru-")
            yield code, "BallotsCast", ballots.get("BallotsCast")
            yield code, "BallotsRejected", ballots.get("BallotsRejected")


def _nist_expected(view: View, code: str, name: str) -> int | None:
    totals = view.totals(code)
    progress = view.progress(code)
    if name.startswith("VoteCounts."):
        votes: dict[str, int] = totals["suara_paslon"]
        return votes.get(name.removeprefix("VoteCounts."), 0)
    found: Callable[[], int] | None = {
        "TotalSubUnits": lambda: progress["expected"],
        "SubUnitsReported": lambda: progress["received"],
        "VotersRegistered": lambda: totals["pemilih_dpt_j"],
        "VotersParticipated": lambda: totals["pengguna_total_j"],
        "BallotsCast": lambda: totals["suara_total"],
        "BallotsRejected": lambda: totals["suara_tidak_sah"],
    }.get(name)
    return found() if found is not None else None


__all__ = ["ResultsCheck", "differences", "flatten"]
