"""The JSON documents of a publication: region snapshots, the national summary, anomalies.

Every document names the checkpoint it was computed from (:func:`checkpoint_dict`).
A region's snapshot lives at ``<N>/<contest>/<path>.json`` where ``<path>`` is the
region's code under its ancestors' (:func:`region_path`): ``0``, ``11``,
``11/1101``, ``11/1101/110101``, ``11/1101/110101/1101012001``. A snapshot lists its
children with their totals and ``href``, the path (from the publication folder) of
that child's current snapshot, which may belong to an older generation ``<M>``.
A desa's children are its TPS, each in full: the numbers of its form in force,
status, witness, rules broken, flags and log entries.

The builders here are pure: they read a :class:`~saksi.recap.fold.Recap` and return
dicts; :mod:`saksi.recap.publish` decides what is written where.
"""

from __future__ import annotations

import json
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, Final, Generic, TypeVar

from saksi.election.codes import NASIONAL, Level, ancestors, level_of
from saksi.recap.fold import Recap
from saksi.recap.reconcile import ANOMALY_TYPES, anomalies, check_recap, tps_anomalies
from saksi.recap.screening import FLAG_IDS
from saksi.recap.state import Progress, TpsState
from saksi.tlog.checkpoint import Checkpoint

SNAPSHOT_FORMAT: Final = "saksi-snapshot/1"
SUMMARY_FORMAT: Final = "saksi-summary/1"
ANOMALIES_FORMAT: Final = "saksi-anomalies/1"

LEVEL_NAMES: Final = {
    Level.NASIONAL: "nasional",
    Level.PROVINSI: "provinsi",
    Level.KABKOTA: "kabkota",
    Level.KECAMATAN: "kecamatan",
    Level.DESA: "desa",
    Level.TPS: "tps",
}
"""The level of a region as written in every published file (and in CSV file names)."""

REGION_LEVELS: Final = (Level.NASIONAL, Level.PROVINSI, Level.KABKOTA, Level.KECAMATAN, Level.DESA)
"""The levels that have a snapshot file (a TPS is listed in full in its desa's)."""

Href = Callable[[str], str]
"""Region code -> path of its current snapshot, from the publication folder."""


def encode(document: Any) -> bytes:
    """The bytes of a published JSON document: UTF-8, compact, one trailing newline."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8") + b"\n"


def checkpoint_dict(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "origin": checkpoint.origin,
        "tree_size": checkpoint.size,
        "root_hash": checkpoint.root.hex(),
    }


def region_path(code: str) -> str:
    """``11/1101/110101`` for kecamatan ``110101``; ``0`` for the nation."""
    if code == NASIONAL:
        return NASIONAL
    return "/".join((*ancestors(code)[1:], code))


def snapshot_path(generation: int, contest: str, code: str) -> str:
    """Where generation ``generation`` writes the snapshot of ``code`` for ``contest``."""
    return f"{generation}/{contest}/{region_path(code)}.json"


def all_regions(recap: Recap) -> list[str]:
    """Every region that has a snapshot, nation first, then level by level, in code order."""
    out = [NASIONAL]
    for level in REGION_LEVELS[1:]:
        out += recap.hierarchy.codes(level)
    return out


RECAP_DIFFERENCES_LISTED: Final = 10
"""D.Hasil that differ from their forms listed in full in a region's snapshot (the
first, in code order); the anomalies export lists every one."""

_Key = tuple[str, str]  # ("flags", flag id) or ("anomalies", anomaly type)
_Code = TypeVar("_Code", str, tuple[str, str])  # a differing D.Hasil's sort key


def _tps_keys(state: TpsState) -> Counter[_Key]:
    """What one TPS adds to the counts of every region above it."""
    keys: Counter[_Key] = Counter(("flags", f.flag) for f in state.flags)
    keys.update(("anomalies", item["type"]) for item in tps_anomalies(state))
    return keys


class FindingCounts(Generic[_Code]):
    """What each region holds of a contest's anomaly list and screening flags, kept up to
    date: each TPS's keys (``("flags", id)``, ``("anomalies", type)``) summed into the
    regions above it, and the D.Hasil that differ from their forms, listed under a
    sortable code (a region's code, or for a legislative contest region and dapil,
    :meth:`_bound` saying where a region's codes begin). :class:`Tally` is PPWP's,
    :class:`~saksi.recap.legislative_findings.Findings` a legislative contest's."""

    __slots__ = ("_codes", "_contest", "_differing", "_regions", "_tps")
    FLAGS: ClassVar[tuple[str, ...]] = FLAG_IDS
    ANOMALIES: ClassVar[tuple[str, ...]] = ANOMALY_TYPES

    def __init__(self, contest: str) -> None:
        self._contest = contest
        self._tps: dict[str, Counter[_Key]] = {}  # only TPS with something to count
        self._regions: dict[str, Counter[_Key]] = {}
        self._differing: dict[_Code, dict[str, Any]] = {}  # a differing D.Hasil -> its item
        self._codes: list[_Code] = []  # the keys of _differing, sorted

    def _set_tps(self, tps: str, keys: Counter[_Key]) -> bool:
        """A TPS's keys now; whether they moved (the regions above it move with them)."""
        old = self._tps.pop(tps, Counter())
        if keys:
            self._tps[tps] = keys
        if old == keys:
            return False
        for region in ancestors(tps):
            counts = self._regions.setdefault(region, Counter())
            counts.subtract(old)
            counts.update(keys)
        return True

    def _bound(self, region: str) -> Any:
        """Where the codes of ``region``'s D.Hasil begin in the sorted codes."""
        return region

    def _within(self, region: str) -> list[_Code]:
        """The differing D.Hasil within ``region`` (itself included), in code order."""
        if region == NASIONAL:
            return self._codes
        codes = self._codes
        low, high = self._bound(region), self._bound(region + ":")
        return codes[bisect_left(codes, low) : bisect_left(codes, high)]

    def flags(self, region: str) -> dict[str, int]:
        """Flag id -> counted TPS within ``region`` raising it (every flag, zeros too)."""
        found = self._regions.get(region, Counter())
        return {flag: found[("flags", flag)] for flag in self.FLAGS}

    def anomalies(self, region: str) -> dict[str, int]:
        """Anomaly type -> items of the anomaly list within ``region`` (every type)."""
        found = self._regions.get(region, Counter())
        counts = {kind: found[("anomalies", kind)] for kind in self.ANOMALIES}
        counts["recap-difference"] = len(self._within(region))
        return counts

    def recap_differences(self, region: str) -> dict[str, Any]:
        """The D.Hasil within ``region`` that differ from their forms: how many at each
        level, and the first :data:`RECAP_DIFFERENCES_LISTED` in full."""
        codes = self._within(region)
        levels = Counter(self._differing[c]["level"] for c in codes)
        return {
            "by_level": {n: levels[n] for n in LEVEL_NAMES.values() if levels[n]},
            "first": [self._differing[c] for c in codes[:RECAP_DIFFERENCES_LISTED]],
        }


class Tally(FindingCounts[str]):
    """What each region holds of the anomaly list and of the screening flags, kept up to
    date as TPS and D.Hasil change (the Publisher keeps one per contest and updates it
    with what each checkpoint touched; :meth:`full` counts afresh).

    A TPS's part is counted from :func:`~saksi.recap.reconcile.tps_anomalies`, the
    generator the anomaly list is made of, and a region's D.Hasil differences from
    :func:`~saksi.recap.reconcile.check_recap`, as the list's: so every count a
    snapshot publishes equals the number of items of the anomaly list within that
    region, at the same checkpoint."""

    __slots__ = ()

    @classmethod
    def full(cls, recap: Recap, contest: str) -> Tally:
        """Counted afresh from every TPS that has anything logged and every D.Hasil."""
        tally = cls(contest)
        for state in recap.logged_tps(contest):
            tally._set_tps(state.tps, _tps_keys(state))
        for record in recap.recaps(contest):
            tally._recheck(recap, record.region)
        return tally

    def update(self, recap: Recap, touched: Iterable[str]) -> None:
        """After the fold changed ``touched`` (TPS and D.Hasil regions, as
        :meth:`~saksi.recap.fold.Recap.take_touched` gives them)."""
        recaps: set[str] = set()
        for code in touched:
            if level_of(code) is Level.TPS:
                self._set_tps(code, _tps_keys(recap.tps(code, self._contest)))
            else:
                recaps.add(code)
            recaps.update(ancestors(code))  # their D.Hasil compare with changed forms
        for code in recaps:
            self._recheck(recap, code)

    def _recheck(self, recap: Recap, code: str) -> None:
        record = recap.recap(code, self._contest)
        check = check_recap(recap, record) if record is not None else None
        listed = code in self._differing
        if check is None or check.agrees:
            if listed:
                del self._differing[code]
                self._codes.remove(code)
            return
        self._differing[code] = {
            **region_ref(recap, code),
            "index": check.record.index,
            "complete": check.complete,
            "differences": [d.to_dict("recap", "forms") for d in check.differences],
        }
        if not listed:
            insort(self._codes, code)


def region_ref(recap: Recap, code: str) -> dict[str, Any]:
    level = level_of(code)
    return {"code": code, "name": recap.hierarchy.name(code), "level": LEVEL_NAMES[level]}


def region_numbers(recap: Recap, code: str, contest: str) -> dict[str, Any]:
    """Totals, progress and TPS counters of one region (or TPS), as the recap gives them."""
    layout = recap.layout(contest)
    vector = recap.vector(code, contest)  # one lookup for all three
    counters = layout.counters(vector)
    expected = recap.hierarchy.tps_count(code)
    progress = Progress(expected, counters["received"], counters["counted"])
    return {
        "totals": layout.totals(vector).to_dict(),
        "progress": progress.to_dict(),
        "counters": counters,
    }


def tps_entry(recap: Recap, state: TpsState) -> dict[str, Any]:
    """One TPS as its desa's snapshot lists it."""
    return {
        **region_ref(recap, state.tps),
        **region_numbers(recap, state.tps, state.contest),
        "status": state.status.value,
        "counted": state.counted,
        "witness": state.witness.value,
        "values": dict(state.values) if state.values is not None else None,
        "violations": [v.rule for v in state.violations],
        "flags": [f.flag for f in state.flags],
        "entries": {
            "original": state.original,
            "current": state.current,
            "corrections": [c.index for c in state.corrections],
            "copies": [
                {"index": c.index, "party": c.party, "agrees": not c.differences}
                for c in state.copies
            ],
        },
    }


def region_facts(recap: Recap, contest: str, code: str, tally: Tally) -> dict[str, Any]:
    """Everything a region's snapshot says of it but its checkpoint and its children."""
    record = recap.recap(code, contest)
    return {
        "region": region_ref(recap, code),
        "path": [{"code": c, "name": recap.hierarchy.name(c)} for c in recap.hierarchy.path(code)],
        **region_numbers(recap, code, contest),
        "flags": tally.flags(code),
        "anomalies": tally.anomalies(code),
        "recap_differences": tally.recap_differences(code),
        "recap_check": check_recap(recap, record).to_dict() if record is not None else None,
    }


def child_facts(recap: Recap, contest: str, code: str, tally: Tally) -> dict[str, Any]:
    """A child (region or TPS) as its parent's snapshot lists it, but its ``href``."""
    if level_of(code) is Level.TPS:
        return tps_entry(recap, recap.tps(code, contest))
    return {
        **region_ref(recap, code),
        **region_numbers(recap, code, contest),
        "anomalies": tally.anomalies(code),
    }


def region_snapshot(
    recap: Recap,
    checkpoint: Checkpoint,
    contest: str,
    code: str,
    *,
    tally: Tally,
    href: Href,
) -> dict[str, Any]:
    """The snapshot of region ``code`` for ``contest`` at ``checkpoint``."""
    children = []
    for child in recap.hierarchy.children(code):
        facts = child_facts(recap, contest, child, tally)
        children.append(facts if level_of(child) is Level.TPS else {**facts, "href": href(child)})
    return {
        "format": SNAPSHOT_FORMAT,
        "checkpoint": checkpoint_dict(checkpoint),
        "contest": contest,
        **region_facts(recap, contest, code, tally),
        "children": children,
    }


def contest_summary(recap: Recap, contest: str, tally: Tally) -> dict[str, Any]:
    """One contest of the national summary, but its ``href``."""
    found = next(c for c in recap.manifest.contests if c.kind.value == contest)
    return {
        "contest": contest,
        "name": found.name,
        "pairs": [
            {"number": p.number, "president": p.president, "vice_president": p.vice_president}
            for p in found.pairs
        ],
        **region_numbers(recap, NASIONAL, contest),
        "flags": tally.flags(NASIONAL),
        "anomalies": tally.anomalies(NASIONAL),
    }


def summary(
    recap: Recap,
    checkpoint: Checkpoint,
    *,
    tallies: Mapping[str, Tally],
    href: Callable[[str], str],
    legislative: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The national summary of every contest published (PPWP); ``href(contest)``: its
    national snapshot. A log whose legislative contests the fold totals but the results
    do not publish (format v2, but ``legislative``) lists them in ``not_published``
    (:func:`not_published`); ``legislative``: the legislative contests published, each
    as the Publisher summarises it (``saksi.recap.publish``)."""
    out: dict[str, Any] = {
        "format": SUMMARY_FORMAT,
        "checkpoint": checkpoint_dict(checkpoint),
        "election": {"origin": recap.manifest.election, "name": recap.manifest.name},
        "contests": [
            {**contest_summary(recap, c, tallies[c]), "href": href(c)} for c in recap.contests
        ],
    }
    if legislative:
        out["legislative"] = [dict(c) for c in legislative]
    published = {str(c["contest"]) for c in legislative}
    if unpublished := not_published(recap, published):
        out["not_published"] = unpublished
    return out


def not_published(recap: Recap, published: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The contests the log records that the results do not publish, in the manifest's
    order: each ``{contest, name, form, status}``, ``status`` ``not-published`` (a
    legislative contest the summary is built without, ``published`` naming those it
    has)."""
    done = {*recap.contests, *published}
    return [
        {"contest": c.kind.value, "name": c.name, "form": c.form, "status": "not-published"}
        for c in recap.manifest.contests
        if c.kind.value not in done
    ]


def anomalies_document(recap: Recap, checkpoint: Checkpoint, contest: str) -> dict[str, Any]:
    """:func:`saksi.recap.reconcile.anomalies` for the nation, with the checkpoint."""
    return {
        "format": ANOMALIES_FORMAT,
        "checkpoint": checkpoint_dict(checkpoint),
        "contest": contest,
        "anomalies": anomalies(recap, contest),
    }


def changed_regions(codes: Iterable[str]) -> set[str]:
    """The regions whose snapshots a change at ``codes`` (TPS or regions) alters."""
    out: set[str] = set()
    for code in codes:
        out.update(ancestors(code))
        if level_of(code) is not Level.TPS:
            out.add(code)
    return out


__all__ = [
    "ANOMALIES_FORMAT",
    "LEVEL_NAMES",
    "RECAP_DIFFERENCES_LISTED",
    "REGION_LEVELS",
    "SNAPSHOT_FORMAT",
    "SUMMARY_FORMAT",
    "FindingCounts",
    "Href",
    "Tally",
    "all_regions",
    "anomalies_document",
    "changed_regions",
    "checkpoint_dict",
    "child_facts",
    "contest_summary",
    "encode",
    "not_published",
    "region_facts",
    "region_numbers",
    "region_path",
    "region_ref",
    "region_snapshot",
    "snapshot_path",
    "summary",
    "tps_entry",
]
