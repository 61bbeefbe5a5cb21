"""Published results against the verifier's own fold: every number, named.

The Publisher's ``latest.json`` names a generation ``N`` (a tree size). Once the
verifier has folded exactly ``N`` entries, :class:`ResultsCheck` compares with its
own :class:`~saksi.recap.fold.Recap`:

- every region snapshot reachable from ``latest.json`` through ``href`` links: every
  field of it but the checkpoint it was written at (the region, its path, totals,
  progress, TPS counters, flags, anomaly counts, D.Hasil differences within it and
  its own D.Hasil check), and every field of each child but its ``href`` (a desa's TPS
  in full: status, witness, the form in force, rules, flags, log entries), as the
  Publisher's own builders (:func:`~saksi.recap.snapshot.region_facts`,
  :func:`~saksi.recap.snapshot.child_facts`) make them from the verifier's fold; a
  field published that the fold does not make is a difference too;
- ``<N>/summary.json`` (each contest's national numbers, flags and anomaly counts);
- the exports of their generation ``E`` (folded to ``E``): each CSV, row by row and
  column by column, and the NIST ElectionReport's numbers per ReportingUnit
  (registered and participating voters, TPS expected and received, votes per
  candidate pair, ballots cast and rejected).

Each difference is one :class:`~saksi.verify.findings.Finding` ``verify.totals-differ``
naming the file, region, contest, field, published and recomputed values.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from saksi.election.codes import NASIONAL, Level
from saksi.election.wire import loads
from saksi.errors import InputError
from saksi.recap.csvout import CSV_LEVELS, level_csv
from saksi.recap.fold import Recap
from saksi.recap.snapshot import (
    LEVEL_NAMES,
    SNAPSHOT_FORMAT,
    Tally,
    child_facts,
    contest_summary,
    region_facts,
)
from saksi.tlog.checkpoint import Checkpoint
from saksi.tlog.tiledir import TileSource
from saksi.verify.findings import Finding, Kind, finding

UNCHECKED = ("checkpoint", "children", "href")
"""What a snapshot holds that the fold at ``N`` does not make: the checkpoint it was
written at (an unchanged region keeps an older file), its children (checked one by
one) and the hrefs (followed)."""


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
        if theirs.get(name) != ours.get(name) or type(theirs.get(name)) is not type(ours.get(name)):
            yield name, theirs.get(name), ours.get(name)


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
        Kind.TOTALS,
        "verify.results-missing",
        f"{path}: {why_en}",
        f"{path}: {why_id}",
        file=path,
    )


@dataclass
class ResultsCheck:
    """Compare what ``results`` publishes with ``recap`` (folded to the right size)."""

    results: TileSource
    latest: dict[str, Any]
    found: list[Finding] = field(default_factory=list)
    snapshots: int = 0
    exports: int = 0
    tallies: dict[str, Tally] = field(default_factory=dict)

    def _tally(self, recap: Recap, contest: str) -> Tally:
        if contest not in self.tallies:
            self.tallies[contest] = Tally.full(recap, contest)
        return self.tallies[contest]

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
            return loads(data, path)
        except InputError as exc:
            self.found.append(_missing(path, exc.message_en, exc.message_id))
            return None

    # -- snapshots -----------------------------------------------------------

    def snapshots_at(self, recap: Recap) -> None:
        """Every snapshot reachable from latest.json, and the summary (generation N)."""
        for contest, links in sorted(self.latest.get("contests", {}).items()):
            if contest not in recap.contests:
                self.found.append(
                    _missing(
                        f"latest.json contests.{contest}",
                        "a contest the election does not have",
                        "pemilihan yang tidak ada dalam pemilu ini",
                    )
                )
                continue
            self._walk(recap, contest, str(links.get("snapshot")))
        summary = self.latest.get("summary")
        if isinstance(summary, str):
            self._summary(recap, summary)

    def _walk(self, recap: Recap, contest: str, start: str) -> None:
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
            queue.extend(self._snapshot(recap, contest, path, doc))

    def _snapshot(self, recap: Recap, contest: str, path: str, doc: dict[str, Any]) -> list[str]:
        region = doc.get("region", {}).get("code") if isinstance(doc.get("region"), dict) else None
        if not isinstance(region, str) or not recap.hierarchy.exists(region):
            self.found.append(
                _missing(
                    path,
                    f"names no region of this election ({region!r})",
                    f"tidak menyebut wilayah pemilu ini ({region!r})",
                )
            )
            return []
        tally = self._tally(recap, contest)
        ours = {"format": SNAPSHOT_FORMAT, "contest": contest}
        ours |= region_facts(recap, contest, region, tally)
        self._compare(path, region, contest, _published(doc), ours)
        links: list[str] = []
        for child in doc.get("children", []):
            code = child.get("code") if isinstance(child, dict) else None
            if not isinstance(code, str) or not recap.hierarchy.exists(code):
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
            expected = child_facts(recap, contest, code, tally)
            self._compare(path, code, contest, _published(child), expected)
        return links

    def _compare(
        self, path: str, region: str, contest: str, theirs: dict[str, Any], ours: dict[str, Any]
    ) -> None:
        for name, published, recomputed in differences(theirs, ours):
            self.found.append(_differ(path, region, contest, (name, published, recomputed)))

    def _summary(self, recap: Recap, path: str) -> None:
        doc = self._json(path)
        if not isinstance(doc, dict):
            return
        listed = {c.get("contest"): c for c in doc.get("contests", []) if isinstance(c, dict)}
        for contest in recap.contests:
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
            ours = contest_summary(recap, contest, self._tally(recap, contest))
            self._compare(path, NASIONAL, contest, _published(theirs), ours)

    # -- exports -------------------------------------------------------------

    def exports_at(self, recap: Recap, checkpoint: Checkpoint) -> None:
        """The CSV and NIST exports latest.json links (generation E = recap.size)."""
        for contest, links in sorted(self.latest.get("contests", {}).items()):
            exports = links.get("exports")
            if contest not in recap.contests or not isinstance(exports, dict):
                continue
            for level in CSV_LEVELS:
                path = exports.get("csv", {}).get(LEVEL_NAMES[level])
                if isinstance(path, str):
                    self._csv(recap, checkpoint, contest, level, path)
            if isinstance(exports.get("nist"), str):
                self._nist(recap, contest, exports["nist"])

    def _csv(
        self, recap: Recap, checkpoint: Checkpoint, contest: str, level: Level, path: str
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
        ours = level_csv(recap, contest, level, checkpoint)
        if published == ours:
            return
        theirs_rows = _rows(published)
        ours_rows = _rows(ours)
        for code in sorted(set(theirs_rows) | set(ours_rows)):
            a, b = theirs_rows.get(code), ours_rows.get(code)
            if a is None or b is None:
                self.found.append(
                    _differ(path, code, contest, ("row", a and "present", b and "present"))
                )
                continue
            for name in b:
                if a.get(name) != b[name]:
                    self.found.append(_differ(path, code, contest, (name, a.get(name), b[name])))
        if theirs_rows == ours_rows:  # same cells, other bytes (header, order, quoting)
            self.found.append(_differ(path, "-", contest, ("bytes", "differ", "differ")))

    def _nist(self, recap: Recap, contest: str, path: str) -> None:
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
            if not recap.hierarchy.exists(code):
                self.found.append(_differ(path, code, contest, (name, published, None)))
                continue
            recomputed = _nist_expected(recap, contest, code, name)
            if published != recomputed:
                self.found.append(_differ(path, code, contest, (name, published, recomputed)))


def _published(doc: dict[str, Any]) -> dict[str, Any]:
    """What a published snapshot, child or summary entry says that the fold must make."""
    return {k: v for k, v in doc.items() if k not in UNCHECKED}


def _rows(data: bytes) -> dict[str, dict[str, str]]:
    """CSV rows by their first column (code), each as header -> cell."""
    try:
        reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
        return {row.get("code") or "": dict(row) for row in reader}
    except (UnicodeDecodeError, csv.Error):
        return {}


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


def _nist_expected(recap: Recap, contest: str, code: str, name: str) -> int | None:
    totals = recap.totals(code, contest)
    progress = recap.progress(code, contest)
    if name.startswith("VoteCounts."):
        return totals.suara_paslon.get(name.removeprefix("VoteCounts."), 0)
    return {
        "TotalSubUnits": progress.expected,
        "SubUnitsReported": progress.received,
        "VotersRegistered": totals.pemilih_dpt_j,
        "VotersParticipated": totals.pengguna_total_j,
        "BallotsCast": totals.suara_total,
        "BallotsRejected": totals.suara_tidak_sah,
    }.get(name)


__all__ = ["ResultsCheck", "differences", "flatten"]
