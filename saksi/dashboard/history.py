"""The published checkpoints: every generation ``<N>/`` of the results, and what changed.

The Publisher keeps every generation it wrote (docs/recap.md, "Publication"):
``<N>/summary.json`` always, and the snapshots of the regions that changed at ``N``. So

- the **generations** are the folders ``<N>/`` holding a ``summary.json``, at most the
  tree size of ``latest.json`` (:func:`generations`);
- the publication **as it was at N** is ``latest.json`` rebuilt from ``N/summary.json``
  (each contest's national snapshot ``href``, a legislative contest's ``seats_href``) and
  the newest exports at or below ``N`` (:func:`latest_at`); following ``href`` from there
  reaches every region's snapshot as it was at ``N``;
- a region's **timeline** is the generations that hold its snapshot file (the same path
  under each ``<N>/``: :func:`timeline`);
- **what changed** between two snapshots of a region is found by walking both down,
  only into the children whose ``href`` differs (the rest did not change), to the TPS
  of the desa reached (:func:`changes`): new forms, corrections with the boxes before
  and after, new differing witness copies, new or changed D.Hasil differences.

Everything here reads published files only, and is a pure function of them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from saksi.dashboard.source import Doc, Published, contest_files

EXPORT_CSV: Final = ("provinsi", "kabkota", "kecamatan", "desa", "tps")
LEGISLATIVE_CSV: Final = ("dapil", "votes", "candidates")
TIMELINE_POINTS: Final = 500
"""The newest generations of a region read for its timeline (and its feed)."""
EVENT_STEPS: Final = 500
"""At most this many generations of a region compared for its feed (the newest)."""
WALK_FILES: Final = 400
"""At most this many snapshots read to compare two snapshots of one region (a larger
difference is cut there, and says so: the counts stay exact, from the counters)."""


def generations(published: Published) -> list[int]:
    """Every published generation ``N`` (ascending), up to ``latest.json``'s tree size."""
    latest = published.latest()
    if latest is None:
        return []
    newest = int(latest["tree_size"])
    key = (newest, str(latest.get("root_hash")))
    cache = _GENERATIONS
    with cache.lock:
        if cache.key == (str(published.results), key):
            return list(cache.sizes)
    try:
        names = [p.name for p in published.results.iterdir() if p.name.isdigit()]
    except OSError:
        return []
    sizes = sorted(
        n
        for n in (int(name) for name in names)
        if n <= newest and (published.results / str(n) / "summary.json").is_file()
    )
    with cache.lock:
        cache.key, cache.sizes = (str(published.results), key), tuple(sizes)
    return sizes


@dataclass
class _Generations:
    lock: threading.Lock = field(default_factory=threading.Lock)
    key: tuple[object, ...] = ()
    sizes: tuple[int, ...] = ()


_GENERATIONS: Final = _Generations()


def _exports_at(published: Published, sizes: list[int], n: int, contest: str) -> Doc | None:
    """The newest exports of ``contest`` at or below generation ``n``, as latest.json
    links them, or None."""
    for size in reversed([s for s in sizes if s <= n]):
        folder = published.results / str(size) / "export"
        nist = f"{size}/export/{contest}-nist.json"
        if not (published.results / nist).is_file():
            continue
        names = EXPORT_CSV + (() if contest == "ppwp" else LEGISLATIVE_CSV)
        csv = {
            level: f"{size}/export/{contest}-{level}.csv"
            for level in names
            if (folder / f"{contest}-{level}.csv").is_file()
        }
        found: Doc = {"tree_size": size, "nist": nist, "csv": csv}
        if (folder / f"{contest}-anomalies.json").is_file():
            found["anomalies"] = f"{size}/export/{contest}-anomalies.json"
        return found
    return None


def latest_at(published: Published, n: int) -> Doc | None:
    """``latest.json`` as it was when generation ``n`` was the newest, or None when
    there is no such generation."""
    latest = published.latest()
    sizes = generations(published)
    if latest is None or n not in sizes:
        return None
    summary = published.file(f"{n}/summary.json")
    if summary is None:
        return None
    checkpoint = summary.get("checkpoint") or {}
    doc: Doc = {
        "format": latest.get("format"),
        "election": latest.get("election"),
        "tree_size": n,
        "root_hash": checkpoint.get("root_hash"),
        "checkpoint": checkpoint,
        "summary": f"{n}/summary.json",
    }
    for member in ("regions", "contests_file"):
        if member in latest:
            doc[member] = latest[member]
    doc["contests"] = {
        str(c["contest"]): {
            "snapshot": str(c["href"]),
            "exports": _exports_at(published, sizes, n, str(c["contest"])),
        }
        for c in summary.get("contests", ())
        if isinstance(c.get("href"), str)
    }
    if "legislative" in summary:
        doc["legislative"] = {
            str(c["contest"]): {
                "snapshot": str(c["href"]),
                "seats": str(c.get("seats_href")),
                "exports": _exports_at(published, sizes, n, str(c["contest"])),
            }
            for c in summary.get("legislative", ())
            if isinstance(c.get("href"), str)
        }
    return doc


class PublishedAt(Published):
    """The publication as it was at generation ``n``: ``latest()`` is :func:`latest_at`,
    every other file (immutable) read through the same caches as ``base``."""

    def __init__(self, base: Published, latest: Doc) -> None:
        self.__dict__.update(base.__dict__)  # the same caches and lock
        self._at = latest

    def latest(self) -> Doc | None:
        return self._at

    def published_at(self) -> datetime | None:
        """When generation ``n``'s summary was written."""
        try:
            stamp = (self.results / str(self._at["summary"])).stat().st_mtime
        except OSError:
            return None
        return datetime.fromtimestamp(stamp, UTC).replace(microsecond=0)


def published_at(published: Published, n: int) -> PublishedAt | None:
    """:class:`PublishedAt` generation ``n``, or None when ``n`` was not published."""
    doc = latest_at(published, n)
    return PublishedAt(published, doc) if doc is not None else None


def relative(href: str) -> str:
    """A snapshot's path without its generation (``53/ppwp/31.json`` -> ``ppwp/31.json``)."""
    return href.split("/", 1)[1]


@dataclass(frozen=True)
class Point:
    """One generation of a region's timeline: its snapshot there."""

    size: int
    href: str
    snapshot: Doc


def timeline(
    published: Published, contest: str, code: str, limit: int | None = None
) -> list[Point] | None:
    """The generations holding region ``code``'s snapshot in ``contest``, oldest first,
    the newest ``limit`` of them (default :data:`TIMELINE_POINTS`: each is a file to
    read); None when the region has no current snapshot."""
    latest = published.latest()
    if latest is None or contest_files(latest, contest) is None:
        return None
    found = published.snapshot(latest, contest, code)
    if found is None:
        return None
    rest = relative(found[0])
    held = [s for s in generations(published) if (published.results / f"{s}/{rest}").is_file()]
    points = []
    for size in held[-(limit or TIMELINE_POINTS) :]:
        doc = published.file(f"{size}/{rest}")
        if doc is not None:
            points.append(Point(size, f"{size}/{rest}", doc))
    return points


def _held_at(published: Published, rest: str, n: int) -> Point | None:
    """The snapshot at ``<M>/<rest>`` in force at generation ``n`` (the newest ``M`` at or
    below ``n`` holding it), for a checkpoint older than a timeline's window."""
    for size in reversed([s for s in generations(published) if s <= n]):
        href = f"{size}/{rest}"
        if (published.results / href).is_file():
            doc = published.file(href)
            return Point(size, href, doc) if doc is not None else None
    return None


def snapshot_at(points: list[Point], n: int) -> Point | None:
    """The region's snapshot in force at generation ``n`` (the newest at or below it)."""
    before = [p for p in points if p.size <= n]
    return before[-1] if before else None


# --- what changed between two snapshots ---------------------------------------------


@dataclass(frozen=True)
class Change:
    """One thing that changed: ``kind`` is ``form`` (a TPS's first form), ``correction``
    (``before``/``after``: the boxes that differ), ``dispute`` (a new witness copy that
    differs from the form in force) or ``recap-difference`` (a region's D.Hasil differs
    from its forms, new or changed: ``after`` its differences, ``before`` the earlier
    ones); ``index`` the log entry that brought it; ``size`` the generation it was first
    published in."""

    kind: str
    code: str
    name: str
    index: int
    size: int
    before: dict[str, Any]
    after: dict[str, Any]
    party: str = ""  # a dispute: the witness's party
    candidate: str = ""  # or the DPD candidate whose witness made the copy

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "code": self.code,
            "name": self.name,
            "index": self.index,
            "checkpoint": self.size,
            "before": self.before,
            "after": self.after,
            **({"party": self.party} if self.party else {}),
            **({"candidate": self.candidate} if self.candidate else {}),
        }


@dataclass
class Walk:
    """What :func:`changes` found, and whether it stopped at :data:`WALK_FILES`."""

    found: list[Change] = field(default_factory=list)
    files: int = 0
    cut: bool = False


def changes(published: Published, before: Doc | None, after: Doc, size: int, walk: Walk) -> None:
    """Add to ``walk`` what changed from snapshot ``before`` (None: nothing yet) to
    ``after`` of the same region, as first published in generation ``size``."""
    _recap_change(before, after, size, walk)
    old = {str(c.get("code")): c for c in (before or {}).get("children", ())}
    for child in after.get("children", ()):
        code = str(child.get("code"))
        was = old.get(code)
        if child.get("level") == "tps":
            _tps_changes(was, child, size, walk)
            continue
        if was is not None and was.get("href") == child.get("href"):
            continue
        if walk.files >= WALK_FILES:
            walk.cut = True
            return
        now = published.file(str(child.get("href")))
        then = published.file(str(was["href"])) if was and was.get("href") else None
        walk.files += 1 + (then is not None)
        if now is not None:
            changes(published, then, now, size, walk)


def _checks(snapshot: Doc | None) -> dict[str, Doc]:
    """A snapshot's D.Hasil checks by dapil: PPWP's one ``recap_check`` (dapil ``""``),
    a legislative contest's ``recap_checks`` (one per dapil)."""
    if snapshot is None:
        return {}
    found = snapshot.get("recap_checks")
    if isinstance(found, list):
        return {str(c.get("dapil")): c for c in found if isinstance(c, dict)}
    check = snapshot.get("recap_check")
    return {"": check} if isinstance(check, dict) else {}


def _recap_change(before: Doc | None, after: Doc, size: int, walk: Walk) -> None:
    """Each D.Hasil of the region that differs from its forms, new or changed."""
    was = _checks(before)
    region = after.get("region") or {}
    for dapil, check in _checks(after).items():
        if not check.get("differences"):
            continue
        earlier = was.get(dapil) or {}
        same = earlier.get("index") == check.get("index")
        if same and earlier.get("differences") == check.get("differences"):
            continue
        walk.found.append(
            Change(
                "recap-difference",
                str(region.get("code")),
                str(region.get("name")),
                int(check.get("index", -1)),
                size,
                {"differences": earlier.get("differences") or []},
                {"differences": check["differences"], **({"dapil": dapil} if dapil else {})},
            )
        )


def _differing(before: Doc | None, after: Doc | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The boxes that differ between two forms' values: (before, after)."""
    a, b = before or {}, after or {}
    keys = sorted({*a, *b})
    return (
        {k: a.get(k) for k in keys if a.get(k) != b.get(k)},
        {k: b.get(k) for k in keys if a.get(k) != b.get(k)},
    )


def _tps_changes(was: Doc | None, tps: Doc, size: int, walk: Walk) -> None:
    entries = tps.get("entries") or {}
    then = (was or {}).get("entries") or {}
    code, name = str(tps.get("code")), str(tps.get("name"))
    if entries.get("original") is not None and then.get("original") is None:
        after = {"status": tps.get("status"), "counted": tps.get("counted")}
        walk.found.append(Change("form", code, name, int(entries["original"]), size, {}, after))
    old_corrections = set(then.get("corrections") or ())
    new = [int(i) for i in entries.get("corrections") or () if i not in old_corrections]
    if new:
        # before: the form in force at the earlier checkpoint (none when it came after)
        base = (was or {}).get("values") if then.get("original") is not None else None
        before, after = _differing(base, tps.get("values")) if base else ({}, {})
        walk.found.append(Change("correction", code, name, max(new), size, before, after))
    old_copies = {int(c["index"]) for c in then.get("copies") or () if not c.get("agrees")}
    for copy in entries.get("copies") or ():
        if copy.get("agrees") or int(copy["index"]) in old_copies:
            continue
        party, candidate = str(copy.get("party") or ""), str(copy.get("candidate") or "")
        walk.found.append(
            Change("dispute", code, name, int(copy["index"]), size, {}, {}, party, candidate)
        )


def since(
    published: Published, points: list[Point], n: int
) -> tuple[Point | None, Point, Walk] | None:
    """What changed in the region since generation ``n``: (its snapshot then, None when
    it had none yet; its newest; the walk from one to the other, newest entry first);
    None when ``n`` is not a published generation."""
    if n not in generations(published) or not points:
        return None
    then = snapshot_at(points, n)
    if then is None and points[0].size > n:  # older than the timeline's window
        then = _held_at(published, relative(points[0].href), n)
    now = points[-1]
    walk = Walk()
    if then is None or then.href != now.href:
        changes(published, then.snapshot if then else None, now.snapshot, now.size, walk)
    walk.found.sort(key=lambda c: -c.index)
    return then, now, walk


def events(published: Published, points: list[Point], limit: int) -> tuple[list[Change], bool]:
    """The region's corrections, disputes and D.Hasil differences, each dated by the
    generation it first appeared in, newest first, at most ``limit`` (and whether more
    were left out). Consecutive generations of the timeline are compared, newest first,
    at most :data:`EVENT_STEPS` of them."""
    found: list[Change] = []
    cut = len(points) > EVENT_STEPS
    for i in range(len(points) - 1, max(-1, len(points) - 1 - EVENT_STEPS), -1):
        walk = _step(published, points, i)
        cut = cut or walk.cut
        found += sorted((c for c in walk.found if c.kind != "form"), key=lambda c: -c.index)
        if len(found) >= limit:
            return found[:limit], True
    return found, cut


_STEPS: Final[dict[tuple[str, str], Walk]] = {}
_STEPS_LOCK: Final = threading.Lock()
STEPS_KEPT: Final = 4096


def _step(published: Published, points: list[Point], i: int) -> Walk:
    """What changed from ``points[i - 1]`` to ``points[i]`` (both immutable: kept)."""
    before = points[i - 1] if i else None
    key = (str(published.results), f"{before.href if before else ''}>{points[i].href}")
    with _STEPS_LOCK:
        found = _STEPS.get(key)
    if found is not None:
        return found
    walk = Walk()
    changes(
        published, before.snapshot if before else None, points[i].snapshot, points[i].size, walk
    )
    with _STEPS_LOCK:
        if len(_STEPS) >= STEPS_KEPT:
            _STEPS.clear()
        _STEPS[key] = walk
    return walk


__all__ = [
    "EVENT_STEPS",
    "TIMELINE_POINTS",
    "WALK_FILES",
    "Change",
    "Point",
    "PublishedAt",
    "Walk",
    "changes",
    "events",
    "generations",
    "latest_at",
    "published_at",
    "relative",
    "since",
    "snapshot_at",
    "timeline",
]
