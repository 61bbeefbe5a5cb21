"""Publication: immutable static files computed from a named checkpoint.

:class:`Publisher` writes, under its folder ``out/``::

    latest.json                            the only file ever rewritten: what is current
    <N>/summary.json                       national summary of every contest
    <N>/<contest>/0.json                   the nation's snapshot
    <N>/<contest>/11.json                  provinsi 11
    <N>/<contest>/11/1101.json             kab/kota (then kecamatan, desa below)
    <N>/export/<contest>-nist.json         NIST SP 1500-100 v2 ElectionReport
    <N>/export/<contest>-<level>.csv       provinsi, kabkota, kecamatan, desa, tps
    <N>/export/<contest>-anomalies.json    every anomaly of the nation
    regions/<regions_digest>.json          the region file the manifest names (once)
    contests/<contests_digest>.json        the contests file it names, format v2 (once)

``N`` is the checkpoint's tree size; ``<contest>`` each contest the fold totals per pair
(PPWP), and each legislative contest of a format v2 log, whose files
(:mod:`saksi.recap.legislative_publish`: snapshots, dapil and seats files, CSV, NIST)
``latest.json`` and the summary link under ``legislative``. Generation ``N`` holds
the snapshots of the regions that changed since the previous publication only (every
ancestor of a touched TPS, every touched recap region and its ancestors, and any region
that has never been published); a snapshot's children point (``href``) at their current
snapshot wherever it lives, so following hrefs from ``latest.json`` always reaches every
region's newest numbers. Every file is written atomically (temporary file, fsync,
rename) before ``latest.json``, and ``out/.state/publisher.json`` (the last size and the
generation of every region's current snapshot) after it, so a crash at any point leaves
a consistent folder; publishing the same checkpoint again then redoes the interrupted
generation with byte-identical files."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from saksi.election.codes import NASIONAL, Level, level_of
from saksi.election.wire import loads
from saksi.errors import RecapError, SaksiError
from saksi.recap.csvout import CSV_LEVELS, csv_name, level_csv
from saksi.recap.fold import Recap
from saksi.recap.legislative import LegislativeTally
from saksi.recap.legislative_findings import Findings, tps_of
from saksi.recap.legislative_nist import legislative_report
from saksi.recap.legislative_publish import (
    REGION_CSV_LEVELS,
    SeatsView,
    candidates_csv,
    dapil_csv,
    dapil_document,
    dapil_path,
    legislative_csv_names,
    legislative_snapshot,
    region_csv,
    seats_document,
    seats_path,
    seats_units,
    tps_csv,
    votes_csv,
)
from saksi.recap.legislative_reconcile import (
    CrossFormFinding,
    check_recap,
    cross_form_findings,
    expected_parts,
    forms_sums,
)
from saksi.recap.legislative_reconcile import (
    anomalies as legislative_anomalies,
)
from saksi.recap.legislative_seats import ContestSeats, contest_seats
from saksi.recap.nist import election_report
from saksi.recap.snapshot import (
    ANOMALIES_FORMAT,
    LEVEL_NAMES,
    Tally,
    all_regions,
    anomalies_document,
    changed_regions,
    checkpoint_dict,
    encode,
    region_snapshot,
    snapshot_path,
    summary,
)
from saksi.tlog.checkpoint import Checkpoint
from saksi.tlog.tiledir import TileDir

LATEST_FORMAT: Final = "saksi-results/1"
STATE_FORMAT: Final = "saksi-publisher/1"
LATEST: Final = "latest.json"
STATE: Final = ".state/publisher.json"


@dataclass(frozen=True)
class Published:
    """What one publication wrote."""

    tree_size: int
    root_hash: str  # hex
    files: tuple[str, ...]  # relative paths written by this call, sorted


@dataclass
class _State:
    origin: str
    size: int
    root_hash: str
    exports: int | None  # the generation holding the newest exports
    generations: dict[str, dict[str, int]]  # contest -> region -> generation

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "origin": self.origin,
            "tree_size": self.size,
            "root_hash": self.root_hash,
            "exports": self.exports,
            "generations": self.generations,
        }

    @classmethod
    def parse(cls, data: bytes, where: str) -> _State:
        try:
            raw = loads(data, where)
            if raw["format"] != STATE_FORMAT:
                raise ValueError(raw["format"])
            gens = {str(c): {str(k): int(v) for k, v in g.items()} for c, g in
                    raw["generations"].items()}  # fmt: skip
            exports = raw["exports"]
            return cls(
                str(raw["origin"]), int(raw["tree_size"]), str(raw["root_hash"]),
                None if exports is None else int(exports), gens,
            )  # fmt: skip
        except (ValueError, KeyError, TypeError, AttributeError, SaksiError) as exc:
            raise RecapError(
                code="recap.publish-bad-state",
                en=(
                    f"the publisher's state {where} cannot be read ({exc!r}): restore it, "
                    "or publish into a new folder"
                ),
                id=(
                    f"status penerbit {where} tidak dapat dibaca ({exc!r}): pulihkan, "
                    "atau terbitkan ke folder baru"
                ),
                path=where,
            ) from None


def regions_path(recap: Recap) -> str:
    """Where the region file (saksi-regions/1, named by its digest) is published."""
    return f"regions/{recap.manifest.regions_digest}.json"


def contests_path(recap: Recap) -> str | None:
    """Where the contests file (saksi-contests/1, named by its digest) is published, or
    None when the manifest names none (format v1)."""
    digest = recap.manifest.contests_digest
    return None if digest is None else f"contests/{digest}.json"


def export_paths(generation: int, contest: str) -> dict[str, Any]:
    """The export files of ``contest`` in generation ``generation``."""
    base = f"{generation}/export/{contest}"
    return {
        "nist": f"{base}-nist.json",
        "anomalies": f"{base}-anomalies.json",
        "csv": {
            LEVEL_NAMES[lv]: f"{generation}/export/{csv_name(contest, lv)}" for lv in CSV_LEVELS
        },
    }


def legislative_export_paths(generation: int, contest: str) -> dict[str, Any]:
    """The export files of legislative ``contest`` in generation ``generation``: its NIST
    report, its anomalies and its CSV files
    (:func:`~saksi.recap.legislative_publish.legislative_csv_names`)."""
    return {
        "nist": f"{generation}/export/{contest}-nist.json",
        "anomalies": f"{generation}/export/{contest}-anomalies.json",
        "csv": {k: f"{generation}/export/{v}" for k, v in legislative_csv_names(contest).items()},
    }


def _exports_link(
    generation: int | None, contest: str, legislative: bool = False
) -> dict[str, Any] | None:
    """``latest.json``'s link to the newest exports, naming the checkpoint they describe
    (older than ``latest.json``'s own while the exports are throttled), or None."""
    if generation is None:
        return None
    paths = (legislative_export_paths if legislative else export_paths)(generation, contest)
    return {"tree_size": generation, **paths}


def _digest(document: dict[str, Any]) -> bytes:
    """What a dapil or seats file says but its checkpoint: equal digests, same content."""
    return hashlib.sha256(encode({k: v for k, v in document.items() if k != "checkpoint"})).digest()


class Publisher:
    """Writes a publication folder, one checkpoint at a time, only what changed."""

    def __init__(
        self,
        out: Path,
        *,
        nist_depth: Level = Level.KECAMATAN,
        generated: datetime | None = None,
        durable: bool = True,
    ) -> None:
        """``nist_depth``: the deepest ReportingUnit in the NIST export; ``generated``:
        the NIST GeneratedDate (default: fixed by the log, see :mod:`saksi.recap.nist`);
        ``durable=False`` skips fsync (tests and throwaway folders only)."""
        self.out = Path(out)
        self.nist_depth = nist_depth
        self.generated = generated
        self._dir = TileDir(self.out, durable=durable)
        data = self._dir.read(STATE)
        self._state = _State.parse(data, str(self.out / STATE)) if data is not None else None
        self._tallies: dict[str, Tally] = {}
        self._digests: dict[str, dict[str, tuple[int, bytes]]] = {}
        """contest -> file key -> (the generation of a file, its _digest)"""
        self._findings: dict[str, Findings] = {}
        """legislative contest -> its findings per region (kept up to date)"""

    @property
    def previous_size(self) -> int | None:
        """The tree size of the last publication (None: nothing published yet)."""
        return self._state.size if self._state is not None else None

    @property
    def exports_size(self) -> int | None:
        """The tree size of the newest exports (None: none published yet)."""
        return self._state.exports if self._state is not None else None

    def publish(
        self,
        recap: Recap,
        checkpoint: Checkpoint,
        touched: set[str] | None,
        *,
        checkpoint_note: bytes | None = None,
        exports: bool = True,
        generated: datetime | None = None,
        legislative_touched: Mapping[str, set[str]] | None = None,
    ) -> Published:
        """Publish ``recap`` (which has folded exactly ``checkpoint.size`` entries).

        ``touched``: what ``recap.take_touched()`` returned for the entries folded since
        :attr:`previous_size` (None: everything is written anew).
        ``legislative_touched``: what ``recap.take_legislative_touched()`` returned for
        those entries; by default the publisher takes it from ``recap`` itself (so a
        caller that publishes every checkpoint it folds needs not). The same checkpoint
        again writes nothing and returns the earlier result, unless it was published
        without exports and ``exports`` asks for them: then its generation gets them
        (and ``latest.json`` links them). A smaller checkpoint is refused.
        """
        note = self._check(recap, checkpoint, touched, checkpoint_note)
        if legislative_touched is None:
            legislative_touched = recap.take_legislative_touched()
        if self._state is not None and self._state.size == checkpoint.size:
            if exports and self._state.exports != checkpoint.size:
                return self._add_exports(recap, checkpoint, note, generated)
            return self._earlier(checkpoint)
        size = checkpoint.size
        state = self._next_state(recap, checkpoint, exports)
        written: list[str] = []
        self._update_tallies(recap, touched)
        for contest in recap.contests:
            written += self._snapshots(recap, checkpoint, contest, touched, state)
            if exports:
                written += self._exports(recap, checkpoint, contest, generated)
        legislative: list[dict[str, Any]] = []
        crossing = _Crossing(recap, touched, legislative_touched)
        for contest in recap.legislative_contests:
            seats = contest_seats(recap, contest)
            changed = None if touched is None else legislative_touched.get(contest, set())
            written += self._legislative(
                recap, checkpoint, contest, changed, state=state, seats=seats, crossing=crossing
            )
            if exports:
                written += self._legislative_exports(recap, checkpoint, seats, generated)
            legislative.append(self._legislative_summary(recap, contest, seats, state))
        written.append(self._write(f"{size}/summary.json", summary(
            recap, checkpoint, tallies=self._tallies,
            href=lambda c: snapshot_path(state.generations[c][NASIONAL], c, NASIONAL),
            legislative=legislative,
        )))  # fmt: skip
        self._regions(recap)  # once, beside the generations (not in ``files``)
        return self._finish(recap, checkpoint, state, note, written)

    def _add_exports(
        self, recap: Recap, checkpoint: Checkpoint, note: str | None, generated: datetime | None
    ) -> Published:
        """The exports of the checkpoint last published without them, in its generation."""
        assert self._state is not None
        state = replace(self._state, exports=checkpoint.size)
        written = [
            path
            for contest in recap.contests
            for path in self._exports(recap, checkpoint, contest, generated)
        ]
        for contest in recap.legislative_contests:
            seats = contest_seats(recap, contest)
            written += self._legislative_exports(recap, checkpoint, seats, generated)
        return self._finish(recap, checkpoint, state, note, written)

    def _finish(
        self,
        recap: Recap,
        checkpoint: Checkpoint,
        state: _State,
        note: str | None,
        written: list[str],
    ) -> Published:
        """``latest.json``, then the state: the generation's files are all written."""
        written.append(self._write(LATEST, self._latest(recap, checkpoint, state, note)))
        self._write(STATE, state.to_dict())
        self._state = state
        return Published(checkpoint.size, checkpoint.root.hex(), tuple(sorted(written)))

    # -- checks --------------------------------------------------------------

    def _check(
        self,
        recap: Recap,
        checkpoint: Checkpoint,
        touched: set[str] | None,
        note: bytes | None,
    ) -> str | None:
        if recap.size != checkpoint.size:
            raise RecapError(
                code="recap.size-mismatch",
                en=(
                    f"the recap has folded {recap.size} entries but the checkpoint is of "
                    f"{checkpoint.size}: fold exactly the checkpoint's entries"
                ),
                id=(
                    f"rekap telah memproses {recap.size} entri, padahal checkpoint berukuran "
                    f"{checkpoint.size}: proses tepat entri checkpoint itu"
                ),
                recap_size=recap.size,
                tree_size=checkpoint.size,
            )
        origin = recap.manifest.election
        if checkpoint.origin != origin or (self._state and self._state.origin != origin):
            raise RecapError(
                code="recap.publish-wrong-log",
                en=(
                    f"the checkpoint ({checkpoint.origin}), the recap ({origin}) and this "
                    "folder's publications must all be of one log"
                ),
                id=(
                    f"checkpoint ({checkpoint.origin}), rekap ({origin}) dan publikasi folder "
                    "ini harus dari satu log yang sama"
                ),
                checkpoint=checkpoint.origin,
                election=origin,
            )
        self._check_order(checkpoint)
        if touched is not None:
            self._check_touched(recap, touched)
        return self._note_text(checkpoint, note) if note is not None else None

    def _check_order(self, checkpoint: Checkpoint) -> None:
        state = self._state
        if state is None:
            return
        if checkpoint.size < state.size:
            raise RecapError(
                code="recap.publish-rollback",
                en=(
                    f"tree size {state.size} is already published; a checkpoint of "
                    f"{checkpoint.size} would take the results back"
                ),
                id=(
                    f"ukuran pohon {state.size} sudah diterbitkan; checkpoint berukuran "
                    f"{checkpoint.size} akan memundurkan hasil"
                ),
                published=state.size,
                tree_size=checkpoint.size,
            )
        if checkpoint.size == state.size and checkpoint.root.hex() != state.root_hash:
            raise RecapError(
                code="recap.publish-fork",
                en=(
                    f"tree size {state.size} was published with root {state.root_hash}, "
                    f"not {checkpoint.root.hex()}: two different logs under one name"
                ),
                id=(
                    f"ukuran pohon {state.size} telah diterbitkan dengan akar "
                    f"{state.root_hash}, bukan {checkpoint.root.hex()}: dua log berbeda"
                ),
                tree_size=state.size,
                published=state.root_hash,
                root_hash=checkpoint.root.hex(),
            )

    @staticmethod
    def _check_touched(recap: Recap, touched: Iterable[str]) -> None:
        for code in touched:
            if not isinstance(code, str) or not recap.hierarchy.exists(code):
                raise RecapError(
                    code="recap.publish-unknown-region",
                    en=(
                        f"the changed regions name {code!r}, which is not a region or TPS of "
                        "this election"
                    ),
                    id=(
                        f"daftar wilayah yang berubah memuat {code!r}, yang bukan wilayah atau "
                        "TPS pemilu ini"
                    ),
                    region=str(code),
                )

    @staticmethod
    def _note_text(checkpoint: Checkpoint, note: bytes) -> str:
        body = checkpoint.body()
        try:
            text = note.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None or not note.startswith(body + b"\n"):
            raise RecapError(
                code="recap.publish-note-mismatch",
                en="the checkpoint note given is not a signed note of this checkpoint",
                id="catatan checkpoint yang diberikan bukan catatan bertanda tangan checkpoint ini",
                tree_size=checkpoint.size,
            )
        return text

    # -- writing -------------------------------------------------------------

    def _write(self, relpath: str, document: Any) -> str:
        data = document if isinstance(document, bytes) else encode(document)
        try:
            self._dir.write(relpath, data)
        except SaksiError as exc:
            raise RecapError(
                code="recap.publish-io",
                en=f"cannot write {relpath} under {self.out}: {exc.message_en}",
                id=f"tidak dapat menulis {relpath} di {self.out}: {exc.message_id}",
                path=relpath,
                cause=exc.code,
            ) from None
        return relpath

    def _next_state(self, recap: Recap, checkpoint: Checkpoint, exports: bool) -> _State:
        old = self._state
        published = (*recap.contests, *recap.legislative_contests)
        gens = {c: dict(old.generations.get(c, {})) for c in published} if old else {}
        previous_exports = old.exports if old else None
        return _State(
            recap.manifest.election, checkpoint.size, checkpoint.root.hex(),
            checkpoint.size if exports else previous_exports,
            {c: gens.get(c, {}) for c in published},
        )  # fmt: skip

    def _update_tallies(self, recap: Recap, touched: set[str] | None) -> None:
        for contest in recap.contests:
            tally = self._tallies.get(contest)
            if tally is None or touched is None:
                self._tallies[contest] = Tally.full(recap, contest)
            else:
                tally.update(recap, touched)

    def _snapshots(
        self,
        recap: Recap,
        checkpoint: Checkpoint,
        contest: str,
        touched: set[str] | None,
        state: _State,
    ) -> list[str]:
        gens = state.generations[contest]
        regions = all_regions(recap)
        if touched is None:
            writing = set(regions)
        else:
            writing = changed_regions(touched)
            if len(gens) < len(regions):
                writing.update(c for c in regions if c not in gens)
        size = checkpoint.size
        for code in writing:
            gens[code] = size
        tally = self._tallies[contest]
        return [
            self._write(
                snapshot_path(size, contest, code),
                region_snapshot(
                    recap,
                    checkpoint,
                    contest,
                    code,
                    tally=tally,
                    href=lambda c: snapshot_path(gens[c], contest, c),
                ),
            )
            for code in regions
            if code in writing
        ]

    def _exports(
        self, recap: Recap, checkpoint: Checkpoint, contest: str, generated: datetime | None
    ) -> list[str]:
        paths = export_paths(checkpoint.size, contest)
        report = election_report(
            recap, contest, checkpoint,
            generated=generated or self.generated, depth=self.nist_depth,
        )  # fmt: skip
        written = [
            self._write(paths["nist"], report),
            self._write(paths["anomalies"], anomalies_document(recap, checkpoint, contest)),
        ]
        for level in CSV_LEVELS:
            written.append(
                self._write(paths["csv"][LEVEL_NAMES[level]],
                            level_csv(recap, contest, level, checkpoint))
            )  # fmt: skip
        return written

    # -- the legislative contests ----------------------------------------------

    def _legislative(
        self,
        recap: Recap,
        checkpoint: Checkpoint,
        contest: str,
        touched: set[str] | None,
        *,
        state: _State,
        seats: ContestSeats,
        crossing: _Crossing,
    ) -> list[str]:
        """A legislative contest's snapshots (the regions touched, as PPWP's, and those
        above a TPS whose cross-form finding changed), then its dapil files and seats
        files whose content (all but the checkpoint) changed."""
        tally = recap.legislative(contest)
        gens = state.generations[contest]
        regions = all_regions(recap)
        findings = self._findings.get(contest)
        fresh = findings is None or touched is None or crossing.checked is None
        if touched is None:
            writing = set(regions)
        else:
            writing = changed_regions(touched)
            writing.update(c for c in regions if c not in gens)
        if findings is None or fresh:
            findings = self._findings[contest] = Findings.full(
                recap, contest, crossing.involving(contest, everywhere=True)
            )
            if touched is not None and crossing.checked:  # started anew: ask the files
                writing |= self._desa_moved(contest, crossing.checked, findings, gens, writing)
        else:
            assert crossing.checked is not None
            moved = findings.update(
                recap, tps_of(tally, touched or ()), crossing.checked,
                crossing.involving(contest),
            )  # fmt: skip
            writing |= changed_regions(moved)
        size = checkpoint.size
        for code in writing:
            gens[code] = size
        rechecked = set(regions) if fresh else writing
        checks = recap_checks_of(tally, rechecked)
        findings.recheck(tally, rechecked, checks)
        written = [
            self._write(
                snapshot_path(size, contest, code),
                legislative_snapshot(
                    tally,
                    checkpoint,
                    code,
                    href=lambda c: snapshot_path(gens[c], contest, c),
                    recap_checks=checks.get(code, ()),
                    findings=findings,
                ),
            )
            for code in regions
            if code in writing
        ]
        full = touched is None
        view = SeatsView(tally, seats)
        for code in tally.districts:
            document = dapil_document(tally, seats, checkpoint, code, view=view)
            written += self._if_changed(
                contest, f"dapil/{code}", lambda g, c=code: dapil_path(g, contest, c),
                document, gens=gens, size=size, full=full,
            )  # fmt: skip
        name = _contest_name(recap, contest)
        units = seats_units(tally)  # the nation first; written last, as it links the others
        for unit in [*units[1:], units[0]]:
            document = seats_document(
                tally, seats, checkpoint, unit, name=name, view=view,
                dapil_href=lambda c: dapil_path(gens[f"dapil/{c}"], contest, c),
                units_href=None if unit != NASIONAL else {
                    u: seats_path(gens[_seats_key(u)], contest, u) for u in units[1:]
                },
            )  # fmt: skip
            written += self._if_changed(
                contest, _seats_key(unit), lambda g, u=unit: seats_path(g, contest, u),
                document, gens=gens, size=size, full=full,
            )  # fmt: skip
        return written

    def _desa_moved(
        self,
        contest: str,
        checked: set[str],
        findings: Findings,
        gens: dict[str, int],
        writing: set[str],
    ) -> set[str]:
        """The regions above each desa of ``checked`` (TPS whose cross-form finding was
        made again) whose current snapshot counts other anomalies than ``findings``
        (counted afresh, so what moved since the last publication is not known)."""
        out: set[str] = set()
        for desa in {c[:10] for c in checked} - writing:
            data = (
                self._dir.read(snapshot_path(gens[desa], contest, desa)) if desa in gens else None
            )
            said = json.loads(data).get("anomalies") if data is not None else None
            if said != findings.anomalies(desa):
                out |= changed_regions([desa])
        return out

    def _if_changed(
        self,
        contest: str,
        key: str,
        path: Any,  # generation -> the file's path
        document: dict[str, Any],
        *,
        gens: dict[str, int],
        size: int,
        full: bool,
    ) -> list[str]:
        """Write ``document`` unless its current file (generation ``gens[key]``) says the
        same but its checkpoint; record where it now lives."""
        digest = _digest(document)
        known = self._digests.setdefault(contest, {})
        if not full and key in gens:
            generation = gens[key]
            found = known.get(key)
            if found is None or found[0] != generation:  # started anew, or a retry
                data = self._dir.read(path(generation))  # ask the file itself
                found = (generation, _digest(json.loads(data)) if data is not None else b"")
            if found[1] == digest:
                known[key] = found
                return []
        gens[key] = size
        known[key] = (size, digest)
        return [self._write(path(size), document)]

    def _legislative_exports(
        self,
        recap: Recap,
        checkpoint: Checkpoint,
        seats: ContestSeats,
        generated: datetime | None,
    ) -> list[str]:
        contest = seats.contest
        tally = recap.legislative(contest)
        paths = legislative_export_paths(checkpoint.size, contest)
        report = legislative_report(
            recap, seats, checkpoint, generated=generated or self.generated, depth=self.nist_depth
        )
        csvs = paths["csv"]
        anomalies = {
            "format": ANOMALIES_FORMAT,
            "checkpoint": checkpoint_dict(checkpoint),
            "contest": contest,
            "anomalies": legislative_anomalies(recap, contest),
        }
        written = [self._write(paths["nist"], report), self._write(paths["anomalies"], anomalies)]
        for level in REGION_CSV_LEVELS:
            data = region_csv(tally, level, checkpoint)
            written.append(self._write(csvs[LEVEL_NAMES[level]], data))
        written.append(self._write(csvs["tps"], tps_csv(tally, checkpoint)))
        written.append(self._write(csvs["dapil"], dapil_csv(tally, seats, checkpoint)))
        written.append(self._write(csvs["votes"], votes_csv(tally)))
        if "candidates" in csvs:
            written.append(self._write(csvs["candidates"], candidates_csv(tally)))
        return written

    def _legislative_summary(
        self, recap: Recap, contest: str, seats: ContestSeats, state: _State
    ) -> dict[str, Any]:
        """One legislative contest of the summary (its national counts of findings as
        its national snapshot has them, as PPWP's)."""
        findings = self._findings[contest]
        tally = recap.legislative(contest)
        found = next(c for c in recap.manifest.contests if c.kind.value == contest)
        gens = state.generations[contest]
        return {
            "contest": contest,
            "name": found.name,
            "form": found.form,
            "totals": tally.totals(NASIONAL).to_dict(),
            "progress": tally.progress(NASIONAL).to_dict(),
            "counters": tally.counters(NASIONAL),
            "flags": findings.flags(NASIONAL),
            "anomalies": findings.anomalies(NASIONAL),
            "seats": sum(tally.dapil(c).seats for c in tally.districts),
            "parties": seats.result.parties,
            "provisional": seats.provisional,
            "href": snapshot_path(gens[NASIONAL], contest, NASIONAL),
            "seats_href": seats_path(gens["seats"], contest, NASIONAL),
        }

    def _regions(self, recap: Recap) -> None:
        """The region file the manifest names, once: a reader needs it to fold the log;
        and so the contests file of a format v2 manifest (its canonical bytes, whose
        SHA-256 is the manifest's ``contests_digest``)."""
        relpath = regions_path(recap)
        if not self._dir.exists(relpath):
            self._write(relpath, recap.hierarchy.canonical_bytes())
        contests, linked = recap.contests_file, contests_path(recap)
        if contests is not None and linked is not None and not self._dir.exists(linked):
            self._write(linked, contests.canonical_bytes())

    def _latest(
        self, recap: Recap, checkpoint: Checkpoint, state: _State, note: str | None
    ) -> dict[str, Any]:
        contests = {
            c: {
                "snapshot": snapshot_path(state.generations[c][NASIONAL], c, NASIONAL),
                "exports": _exports_link(state.exports, c),
            }
            for c in recap.contests
        }
        legislative = {
            c: {
                "snapshot": snapshot_path(state.generations[c][NASIONAL], c, NASIONAL),
                "seats": seats_path(state.generations[c]["seats"], c, NASIONAL),
                "exports": _exports_link(state.exports, c, legislative=True),
            }
            for c in recap.legislative_contests
        }
        return {
            "format": LATEST_FORMAT,
            "election": recap.manifest.election,
            "tree_size": checkpoint.size,
            "root_hash": checkpoint.root.hex(),
            "checkpoint": checkpoint_dict(checkpoint),
            "checkpoint_note": note,
            "summary": f"{checkpoint.size}/summary.json",
            "regions": regions_path(recap),
            **({"contests_file": linked} if (linked := contests_path(recap)) else {}),
            "contests": contests,
            **({"legislative": legislative} if legislative else {}),
        }

    def _earlier(self, checkpoint: Checkpoint) -> Published:
        """The result of the publication of ``checkpoint`` (already on disk)."""
        folder = self.out / str(checkpoint.size)
        files = [
            p.relative_to(self.out).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        ]
        return Published(checkpoint.size, checkpoint.root.hex(), tuple(sorted([*files, LATEST])))


class _Crossing:
    """The cross-form findings one publication needs, made once for every legislative
    contest: those of the TPS any contest touched (``checked``; None when everything is
    published anew), and the nation's when a contest's findings are counted afresh."""

    def __init__(
        self, recap: Recap, touched: set[str] | None, legislative: Mapping[str, set[str]]
    ) -> None:
        self._recap = recap
        self._all: list[CrossFormFinding] | None = None
        self.checked: set[str] | None = None
        self._found: list[CrossFormFinding] = []
        if touched is not None:
            codes = {c for c in touched if level_of(c) is Level.TPS}
            for contest, changed in legislative.items():
                codes |= tps_of(recap.legislative(contest), changed)
            self.checked = codes
            self._found = cross_form_findings(recap, codes=codes) if codes else []

    def involving(self, contest: str, *, everywhere: bool = False) -> set[str]:
        """The TPS whose cross-form finding involves ``contest``: of those checked, or
        (``everywhere``) of the nation."""
        if everywhere:
            if self._all is None:
                self._all = cross_form_findings(self._recap)
            found = self._all
        else:
            found = self._found
        return {f.tps for f in found if contest in f.contests()}


def _seats_key(unit: str) -> str:
    return "seats" if unit == NASIONAL else f"seats/{unit}"


def _holds_dapil(tally: LegislativeTally, region: str, dapil: str) -> bool:
    """Whether every unit of ``dapil`` lies within ``region`` (its D.Hasil's forms are
    then the whole dapil's)."""
    units = tally.definition.district(dapil).units
    return region == NASIONAL or all(u.startswith(region) for u in units)


def recap_checks_of(tally: LegislativeTally, regions: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Per region of ``regions`` with a legislative D.Hasil, each of its D.Hasil's check
    (docs/recap.md, "Reconciliation"), by dapil: one pass over the TPS for them all."""
    records = [r for r in tally.recap_records() if r.region in regions]
    if not records:
        return {}
    parts = {(r.region, r.district) for r in records}
    whole = {p for p in parts if _holds_dapil(tally, *p)}  # the dapil's own numbers
    partial = parts - whole
    prefixes = tuple(sorted({r for r, _ in partial}))
    codes = [c for c in tally.forms if c.startswith(prefixes)] if partial else []
    expected = expected_parts(tally, partial)
    sums = forms_sums(tally, partial, codes)
    for region, dapil in whole:
        expected[(region, dapil)] = tally.dapil_progress(dapil).expected
        sums[(region, dapil)] = tally.dapil_vector(dapil)
    out: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        part = (r.region, r.district)
        out.setdefault(r.region, []).append(
            check_recap(tally, r, expected[part], sums[part]).to_dict()
        )
    return out


def _contest_name(recap: Recap, contest: str) -> str:
    return next(c.name for c in recap.manifest.contests if c.kind.value == contest)


__all__ = ["LATEST", "LATEST_FORMAT", "STATE", "STATE_FORMAT", "Published", "Publisher",
           "contests_path", "export_paths", "legislative_export_paths", "regions_path"]  # fmt: skip
