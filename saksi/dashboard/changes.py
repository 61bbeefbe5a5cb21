"""What changed: a region's published checkpoints, and what changed since one of them.

``/perubahan/wilayah/<code>`` (PPWP) and ``/perubahan/<contest>/wilayah/<code>`` (``0``:
the nation), with ``?sejak=N``: the region's **timeline** (every generation that holds
its snapshot, :func:`saksi.dashboard.history.timeline`) as a line of the counted TPS
and a table of its totals at each, each checkpoint linking the region's page at that
checkpoint; and, given ``sejak``, **what changed since checkpoint N**: the totals then
and now, then each new form, correction (the boxes before and after), new differing
witness copy and new or changed D.Hasil difference, newest first
(:func:`saksi.dashboard.history.since`).
"""

from __future__ import annotations

from typing import Any, Final

from saksi.dashboard.cite import prefixed, region_path
from saksi.dashboard.common import Context, field_words, page_of, signed, twin
from saksi.dashboard.history import Change, Point, since, timeline
from saksi.dashboard.html import Markup, Page, cell, esc, link, num, row, short_hash, table
from saksi.dashboard.names import names_of
from saksi.dashboard.source import Doc
from saksi.dashboard.strings import number
from saksi.dashboard.tps import copy_who
from saksi.election.codes import NASIONAL

LISTED: Final = 200
"""Changes listed on the page (the twin has them all)."""
TIMELINE_SHOWN: Final = 200
"""Checkpoints in the table (the newest; the line and the twin have them all)."""
COMMON: Final = ("suara_sah", "suara_tidak_sah", "suara_total")
LEADING: Final = 3
"""A legislative timeline's table: the parties leading now, with their B."""


def _place_link(contest: str, change: Change) -> Markup:
    code = change.code
    if len(code) == 13:
        href = page_of(code) + ("" if contest == "ppwp" else f"#pemilihan-{contest}")
    else:
        href = region_path(contest, code)
    return link(href, f"{change.name} ({code})")


def change_text(ctx: Context, change: Change) -> Markup:
    """One change in words, its numbers beside it."""
    if change.kind == "correction" and change.before:
        parts = [
            f"{esc(field_words(k, ctx.lang))}: {_n(ctx, change.before.get(k))} → "
            f"{_n(ctx, change.after.get(k))}"
            for k in change.after
        ]
        return Markup(esc(ctx.t("change.correction")) + ": " + "; ".join(parts))
    if change.kind == "correction":
        return esc(ctx.t("change.correction.new"))
    if change.kind == "dispute":  # whose copy by name, as the TPS page says it
        contest = ctx.contest or "ppwp"
        copy = {"party": change.party, "candidate": change.candidate}
        dapil = change.code[:2] if contest == "dpd" else ""  # DPD's dapil: the province
        who = copy_who(ctx, copy, names_of(ctx, contest), dapil)
        return esc(ctx.t("change.dispute", who=who))
    if change.kind == "recap-difference":
        diffs = change.after.get("differences") or []
        parts = [
            f"{esc(field_words(str(d['field']), ctx.lang))}: D.Hasil {_n(ctx, d.get('recap'))}"
            f" · {esc(ctx.t('change.forms'))} {_n(ctx, d.get('forms'))}"
            f" ({signed(int(d.get('recap', 0)) - int(d.get('forms', 0)), ctx.lang)})"
            for d in diffs
        ]
        part = change.after.get("dapil")
        where = ""
        if part and ctx.contest:  # a legislative D.Hasil: its part of one dapil
            name = names_of(ctx, ctx.contest).dapil_name(str(part))
            where = f" ({esc(ctx.t('finding.dapil', name=name))})"
        return Markup(esc(ctx.t("change.recap")) + where + ": " + "; ".join(parts))
    return esc(ctx.t("change.form"))


def _n(ctx: Context, value: object) -> Markup:
    return num(value, ctx.lang) if isinstance(value, int) else Markup("–")


def _sparkline(ctx: Context, points: list[Point]) -> Markup:
    """The share of expected TPS counted at each checkpoint, as a line (numbers in the
    table beside it)."""
    if len(points) < 2:
        return Markup("")
    sizes = [p.size for p in points]
    low, high = sizes[0], sizes[-1]
    coords = []
    for p in points:
        progress = p.snapshot.get("progress") or {}
        expected = int(progress.get("expected", 0))
        share = int(progress.get("counted", 0)) / expected if expected else 0.0
        x = 100.0 * (p.size - low) / (high - low) if high > low else 0.0
        coords.append(f"{x:.2f},{40 - 38 * share:.2f}")
    title = esc(ctx.t("timeline.chart"))
    return Markup(
        f'<figure class="chart timeline"><svg viewBox="0 0 100 42" role="img" '
        f'aria-label="{title}" preserveAspectRatio="none">'
        f'<polyline fill="none" stroke="currentColor" stroke-width="1" '
        f'vector-effect="non-scaling-stroke" points="{" ".join(coords)}"></polyline></svg>'
        f"<figcaption>{title}</figcaption></figure>"
    )


def _votes(totals: Doc) -> dict[str, int]:
    """Each pair's votes (PPWP) or each party's B, *suara sah partai* (legislative)."""
    if "suara_paslon" in totals:
        return {str(k): int(v) for k, v in (totals.get("suara_paslon") or {}).items()}
    partai = totals.get("partai") or {}
    return {str(k): int(v.get("suara_sah_partai", 0)) for k, v in partai.items()}


def _point_row(ctx: Context, contest: str, code: str, p: Point, keys: list[str]) -> Markup:
    progress = p.snapshot.get("progress") or {}
    totals = p.snapshot.get("totals") or {}
    votes = _votes(totals)
    root = str((p.snapshot.get("checkpoint") or {}).get("root_hash", ""))
    page = region_path(contest, code) + f"?checkpoint={p.size}"
    here = prefixed("perubahan", contest, code) + f"?sejak={p.size}"
    cells = [
        cell(link(page, number(p.size, ctx.lang))),
        cell(Markup(f'<span class="hash" title="{esc(root)}">{esc(short_hash(root, 12))}</span>')),
        cell(num(progress.get("counted"), ctx.lang), numeric=True),
        cell(num(progress.get("received"), ctx.lang), numeric=True),
        *[cell(num(votes.get(k), ctx.lang), numeric=True) for k in keys],
        *[cell(num(totals.get(k), ctx.lang), numeric=True) for k in COMMON],
        cell(link(here, ctx.t("timeline.since"))),
    ]
    return row(cells)


def _timeline_block(ctx: Context, contest: str, code: str, points: list[Point]) -> Markup:
    newest = _votes(points[-1].snapshot.get("totals") or {})
    if contest == "ppwp":
        keys = sorted(newest)
        heads = [ctx.t("timeline.pair", pair=k) for k in keys]
    else:  # the parties leading now (the twin has every party)
        keys = sorted(newest, key=lambda k: (-newest[k], int(k) if k.isdigit() else 0))
        keys = keys[:LEADING]
        names = names_of(ctx, contest)
        heads = [names.party(k) for k in keys]
    head = [
        (ctx.t("checkpoint"), False),
        (ctx.t("timeline.root"), False),
        (ctx.t("counters.counted"), True),
        (ctx.t("counters.received"), True),
        *[(h, True) for h in heads],
        *[(field_words(k, ctx.lang), True) for k in COMMON],
        (ctx.t("timeline.changes"), False),
    ]
    shown = list(reversed(points))[:TIMELINE_SHOWN]
    rows = [_point_row(ctx, contest, code, p, keys) for p in shown]
    return Markup(
        f'<section id="timeline" aria-labelledby="timeline-h"><h2 id="timeline-h">'
        f"{esc(ctx.t('timeline.title'))}</h2><p>{esc(ctx.t('timeline.intro'))}</p>"
        f"{_sparkline(ctx, points)}"
        f"{table(ctx.t('timeline.title'), head, rows, stack=True)}</section>"
    )


def _delta(then: dict[str, Any], now: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(name, then, now) of the progress and totals of two snapshots."""
    out = []
    for key in ("received", "counted"):
        out.append(
            (f"counters.{key}", int((then.get("progress") or {}).get(key, 0)),
             int((now.get("progress") or {}).get(key, 0)))
        )  # fmt: skip
    a, b = then.get("totals") or {}, now.get("totals") or {}
    for pair in sorted(b.get("suara_paslon") or {}):
        out.append(
            (f"suara_paslon_{pair}", int((a.get("suara_paslon") or {}).get(pair, 0)),
             int((b.get("suara_paslon") or {}).get(pair, 0)))
        )  # fmt: skip
    for key in COMMON:
        out.append((key, int(a.get(key, 0)), int(b.get(key, 0))))
    for key in ("corrected", "witness_dispute"):
        out.append(
            (f"counters.{key}", int((then.get("counters") or {}).get(key, 0)),
             int((now.get("counters") or {}).get(key, 0)))
        )  # fmt: skip
    return out


def _since_block(
    ctx: Context, contest: str, code: str, points: list[Point], n: int
) -> tuple[Markup, dict[str, Any] | None]:
    found = since(ctx.published, points, n)
    if found is None:
        return Markup(f"<p>{esc(ctx.t('since.none', size=n))}</p>"), None
    then, now, walk = found
    then_snap = then.snapshot if then else {}
    deltas = _delta(then_snap, now.snapshot)
    head = [
        (ctx.t("since.what"), False),
        (ctx.t("since.then", size=number(n, ctx.lang)), True),
        (ctx.t("since.now", size=number(now.size, ctx.lang)), True),
        (ctx.t("since.diff"), True),
    ]
    rows = [
        row([
            cell(esc(ctx.t(k) if k.startswith("counters.") else field_words(k, ctx.lang))),
            cell(num(a, ctx.lang), numeric=True), cell(num(b, ctx.lang), numeric=True),
            cell(esc(signed(b - a, ctx.lang)), numeric=True),
        ])
        for k, a, b in deltas
    ]  # fmt: skip
    items = [
        f'<li data-type="{esc(c.kind)}" data-index="{c.index}">'
        f"{_place_link(contest, c)}: {change_text(ctx, c)} · "
        f"{link(f'/v1/entries/{c.index}', ctx.t('change.entry', index=c.index))}</li>"
        for c in walk.found[:LISTED]
    ]
    listed = (
        f'<ol class="changes">{"".join(items)}</ol>'
        if items
        else f"<p>{esc(ctx.t('since.nothing'))}</p>"
    )
    cut = f'<p class="meta">{esc(ctx.t("since.cut"))}</p>' if walk.cut else ""
    more = (
        f'<p class="meta">{esc(ctx.t("since.more", n=number(len(walk.found), ctx.lang)))}</p>'
        if len(walk.found) > LISTED
        else ""
    )
    body = Markup(
        f'<section id="sejak" aria-labelledby="sejak-h"><h2 id="sejak-h">'
        f"{esc(ctx.t('since.title', size=number(n, ctx.lang)))}</h2>"
        f"{table(ctx.t('since.totals'), head, rows, stack=True)}"
        f"<h3>{esc(ctx.t('since.list'))}</h3>{listed}{more}{cut}</section>"
    )
    data = {
        "from": n,
        "to": now.size,
        "totals": [{"name": k, "then": a, "now": b} for k, a, b in deltas],
        "changes": [c.to_dict() for c in walk.found],
        "cut": walk.cut,
    }
    return body, data


def changes_page(ctx: Context, code: str, sejak: int | None) -> Page:
    """Region ``code``'s timeline in the context's contest, and what changed since
    generation ``sejak`` when given."""
    contest = ctx.contest
    points = timeline(ctx.published, contest, code) if contest is not None else None
    if not points or contest is None:
        body = Markup(
            f"<h1>{esc(ctx.t('error.title'))}</h1><p>{esc(ctx.t('error.region'))}</p>"
            f"<p>{link('/', ctx.t('error.back'))}</p>"
        )
        return Page("error", ctx.t("error.title"), body, {}, status=404)
    snap = points[-1].snapshot
    name = ctx.t("level.nasional") if code == NASIONAL else str(snap["region"]["name"])
    level = str(snap["region"]["level"])
    label = ctx.t(f"ballot.{contest}")
    title = ctx.t("changes.title", name=name)
    page = region_path(contest, code)
    feed = prefixed("umpan", contest, code)
    since_html, since_data = (
        _since_block(ctx, contest, code, points, sejak) if sejak is not None else (Markup(""), None)
    )
    heading = (
        f"<h1>{esc(title)}</h1><p>{esc(ctx.t('level.' + level))} · {esc(label)} · "
        f"{link(page, ctx.t('changes.page'))} · "
        f"{link(feed + '.atom', ctx.t('feed.link'), type='application/atom+xml')}</p>"
    )
    body = Markup(heading + since_html + _timeline_block(ctx, contest, code, points))
    data = twin(
        "perubahan",
        ctx,
        region=snap.get("region"),
        region_page=page,
        feed=feed + ".atom",
        timeline=[
            {
                "checkpoint": p.size,
                "root_hash": (p.snapshot.get("checkpoint") or {}).get("root_hash"),
                "source": f"/results/{p.href}",
                "page": f"{page}?checkpoint={p.size}",
                "progress": p.snapshot.get("progress"),
                "totals": p.snapshot.get("totals"),
                "counters": p.snapshot.get("counters"),
            }
            for p in points
        ],
        since=since_data,
    )
    return Page("perubahan", title, body, data, size=ctx.size, extra={"feed": feed + ".atom"})


__all__ = ["LISTED", "change_text", "changes_page"]
