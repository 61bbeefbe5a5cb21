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
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from saksi.election.codes import NASIONAL, Level, ancestors, level_of
from saksi.recap.fold import Recap
from saksi.recap.reconcile import anomalies, check_recap
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


class FlagTally:
    """Screening flags counted by flag id over every region, kept up to date per TPS."""

    __slots__ = ("_regions", "_tps")

    def __init__(self) -> None:
        self._tps: dict[str, tuple[str, ...]] = {}
        self._regions: dict[str, Counter[str]] = {}

    @classmethod
    def full(cls, recap: Recap, contest: str) -> FlagTally:
        """Counted afresh from every TPS that has anything logged."""
        tally = cls()
        for state in recap.logged_tps(contest):
            tally.update(state.tps, tuple(f.flag for f in state.flags))
        return tally

    def update(self, tps: str, flags: tuple[str, ...]) -> None:
        old = self._tps.get(tps, ())
        if old == flags:
            return
        self._tps[tps] = flags
        for region in ancestors(tps):
            counts = self._regions.setdefault(region, Counter())
            counts.subtract(old)
            counts.update(flags)

    def counts(self, region: str) -> dict[str, int]:
        """Flag id -> TPS within ``region`` raising it (every flag listed, zeros too)."""
        if level_of(region) is Level.TPS:
            found: Mapping[str, int] = Counter(self._tps.get(region, ()))
        else:
            found = self._regions.get(region, Counter())
        return {flag: found.get(flag, 0) for flag in FLAG_IDS}


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


def _children(recap: Recap, code: str, contest: str, href: Href) -> list[dict[str, Any]]:
    if level_of(code) is Level.DESA:
        return [tps_entry(recap, recap.tps(t, contest)) for t in recap.hierarchy.children(code)]
    return [
        {**region_ref(recap, c), **region_numbers(recap, c, contest), "href": href(c)}
        for c in recap.hierarchy.children(code)
    ]


def region_snapshot(
    recap: Recap,
    checkpoint: Checkpoint,
    contest: str,
    code: str,
    *,
    flags: FlagTally,
    href: Href,
) -> dict[str, Any]:
    """The snapshot of region ``code`` for ``contest`` at ``checkpoint``."""
    record = recap.recap(code, contest)
    return {
        "format": SNAPSHOT_FORMAT,
        "checkpoint": checkpoint_dict(checkpoint),
        "contest": contest,
        "region": region_ref(recap, code),
        "path": [{"code": c, "name": recap.hierarchy.name(c)} for c in recap.hierarchy.path(code)],
        **region_numbers(recap, code, contest),
        "flags": flags.counts(code),
        "recap_check": check_recap(recap, record).to_dict() if record is not None else None,
        "children": _children(recap, code, contest, href),
    }


def summary(
    recap: Recap,
    checkpoint: Checkpoint,
    *,
    flags: Mapping[str, FlagTally],
    href: Callable[[str], str],
) -> dict[str, Any]:
    """The national summary of every contest; ``href(contest)``: its national snapshot."""
    contests = []
    for contest in recap.manifest.contests:
        kind = contest.kind.value
        contests.append(
            {
                "contest": kind,
                "name": contest.name,
                "pairs": [
                    {
                        "number": p.number,
                        "president": p.president,
                        "vice_president": p.vice_president,
                    }
                    for p in contest.pairs
                ],
                **region_numbers(recap, NASIONAL, kind),
                "flags": flags[kind].counts(NASIONAL),
                "href": href(kind),
            }
        )
    return {
        "format": SUMMARY_FORMAT,
        "checkpoint": checkpoint_dict(checkpoint),
        "election": {"origin": recap.manifest.election, "name": recap.manifest.name},
        "contests": contests,
    }


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
    "REGION_LEVELS",
    "SNAPSHOT_FORMAT",
    "SUMMARY_FORMAT",
    "FlagTally",
    "Href",
    "all_regions",
    "anomalies_document",
    "changed_regions",
    "checkpoint_dict",
    "encode",
    "region_numbers",
    "region_path",
    "region_ref",
    "region_snapshot",
    "snapshot_path",
    "summary",
    "tps_entry",
]
