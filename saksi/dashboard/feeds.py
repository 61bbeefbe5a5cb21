"""Feeds: a region's corrections, witness disputes and D.Hasil differences, newest first.

``/umpan/wilayah/<code>.atom`` (PPWP) and ``/umpan/<contest>/wilayah/<code>.atom``
(``0``: the nation): an Atom 1.0 feed (RFC 4287), and its JSON twin at the same path
with ``.json``. Its items are the changes :func:`saksi.dashboard.history.events` finds
between consecutive generations of the region's timeline, at most :data:`FEED_LIMIT`.

- **ids** are ``urn:uuid:`` names (UUID version 5) of the log's origin, the contest,
  the kind of change, the region or TPS and the log index of the entry behind it: the
  same change has the same id in every feed that lists it, at every checkpoint.
- **updated** of an entry is the time its log entry states (``stmt.at``); of the feed,
  the newest entry's, or the time of the checkpoint's generation when it has none.
- **links** are paths of this site (relative references: RFC 4287 resolves them
  against the feed's own URL), so the feed is the same whatever name the site is
  reached by.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Final
from xml.sax.saxutils import escape, quoteattr

from saksi.dashboard.changes import change_text
from saksi.dashboard.cite import prefixed, region_path
from saksi.dashboard.common import FORMAT, Context, page_of
from saksi.dashboard.history import Change, events, timeline
from saksi.dashboard.times import parse_utc
from saksi.election.codes import NASIONAL
from saksi.text import display_text

FEED_LIMIT: Final = 100
ATOM_TYPE: Final = "application/atom+xml"
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def entry_id(origin: str, contest: str, change: Change) -> str:
    name = f"saksi:{origin}:{contest}:{change.kind}:{change.code}:{change.index}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def feed_id(origin: str, contest: str, code: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'saksi:{origin}:{contest}:feed:{code}')}"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry_time(ctx: Context, index: int) -> datetime | None:
    envelope = ctx.published.entry(index)
    if envelope is None:
        return None
    return parse_utc(str(envelope.stmt.at)) if envelope.stmt.at is not None else None


def _link(contest: str, change: Change) -> str:
    if len(change.code) == 13:
        return page_of(change.code) + ("" if contest == "ppwp" else f"#pemilihan-{contest}")
    return region_path(contest, change.code)


def feed_of(ctx: Context, code: str) -> tuple[str, dict[str, Any]] | None:
    """(Atom document, JSON twin) of region ``code``'s feed, or None when the region
    has no snapshot in the context's contest."""
    contest = ctx.contest
    points = timeline(ctx.published, contest, code) if contest is not None else None
    if not points or contest is None or ctx.latest is None:
        return None
    origin = str((ctx.latest.get("checkpoint") or {}).get("origin", ""))
    snap = points[-1].snapshot
    name = ctx.t("level.nasional") if code == NASIONAL else str(snap["region"]["name"])
    found, cut = events(ctx.published, points, FEED_LIMIT)
    items = []
    for change in found:
        when = _entry_time(ctx, change.index)
        place = display_text(f"{change.name} ({change.code})")  # shown as it is
        title = f"{ctx.t('feed.kind.' + change.kind)}: {place}"
        items.append(
            {
                "id": entry_id(origin, contest, change),
                "title": title,
                "updated": _stamp(when) if when else None,
                "link": _link(contest, change),
                "content": str(change_text(ctx, change)),
                "change": change.to_dict(),
            }
        )
    stamps = [str(i["updated"]) for i in items if i["updated"]]
    fallback = ctx.published.published_at() or EPOCH
    updated = max(stamps) if stamps else _stamp(fallback)
    for item in items:
        item["updated"] = item["updated"] or updated
    path = prefixed("umpan", contest, code)
    title = ctx.t("feed.title", name=display_text(name), contest=ctx.t(f"ballot.{contest}"))
    data = {
        "format": FORMAT,
        "page": "umpan",
        "lang": ctx.lang,
        "contest": contest,
        "checkpoint": ctx.latest.get("checkpoint"),
        "id": feed_id(origin, contest, code),
        "title": title,
        "updated": updated,
        "self": path + ".atom",
        "region_page": region_path(contest, code),
        "changes_page": prefixed("perubahan", contest, code),
        "entries": items,
        "more": cut,
    }
    return atom(data), data


def atom(data: dict[str, Any]) -> str:
    """The Atom 1.0 document of a feed's twin."""
    entries = "".join(
        f"<entry><id>{escape(i['id'])}</id><title>{escape(i['title'])}</title>"
        f"<updated>{escape(i['updated'])}</updated>"
        f'<link rel="alternate" type="text/html" href={quoteattr(i["link"])}/>'
        f'<content type="html">{escape(i["content"])}</content></entry>'
        for i in data["entries"]
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{escape(data["lang"])}">'
        f"<id>{escape(data['id'])}</id><title>{escape(data['title'])}</title>"
        f"<updated>{escape(data['updated'])}</updated>"
        f"<author><name>Saksi</name></author>"
        f'<link rel="self" type="{ATOM_TYPE}" href={quoteattr(data["self"])}/>'
        f'<link rel="alternate" type="text/html" href={quoteattr(data["changes_page"])}/>'
        f"{entries}</feed>"
    )


__all__ = ["ATOM_TYPE", "FEED_LIMIT", "atom", "entry_id", "feed_id", "feed_of"]
