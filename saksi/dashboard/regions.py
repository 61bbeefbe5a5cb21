"""The Nasional page and the region pages (provinsi down to desa), from the snapshots.

Each page shows the region's totals and each pair's share (bars and the numbers), its
progress (a bar; TPS reported out of expected, counted), the nation's and a province's
map of its children (:mod:`saksi.dashboard.pictures`: the leading pair, or the gravest
finding with ``?lapisan=integritas``), what the checks found in it and below it
(:mod:`saksi.dashboard.findings`), the TPS counters, the screening flags, its D.Hasil
set against the forms, and its children: regions with their progress, votes and
findings, or for a desa its TPS with their status (on a phone the regions are cards with
a stacked bar). The JSON twin is the published snapshot itself with the shares, the file
it came from and what the map was drawn from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from saksi.dashboard.charts import Share, progress_bar, share_bars
from saksi.dashboard.common import (
    Context,
    Pair,
    anomali_href,
    breadcrumbs,
    checkpoint_line,
    counted_link,
    field_words,
    not_found,
    page_of,
    progress_text,
    shares,
    signed,
    status_badges,
    twin,
)
from saksi.dashboard.findings import child_findings, differences_in_words, findings_block
from saksi.dashboard.html import Markup, Page, cell, esc, link, num, pct, row, table
from saksi.dashboard.pictures import cards, map_section, pair_shares
from saksi.dashboard.source import Doc
from saksi.dashboard.strings import flag_text, number
from saksi.election.codes import NASIONAL

TOTAL_CARDS: Final = (
    "suara_sah",
    "suara_tidak_sah",
    "suara_total",
    "pengguna_total_j",
    "pemilih_dpt_j",
)
COUNTERS: Final = (
    "received",
    "counted",
    "inconsistent",
    "corrected",
    "witness_agree",
    "witness_dispute",
    "flagged",
)
LISTED_COUNTERS: Final = {"inconsistent": "inconsistent", "flagged": "flag"}
"""TPS counters that are exactly the length of an Anomali list (one item per TPS)."""
CHILD_LEVEL: Final = {
    "nasional": "provinsi",
    "provinsi": "kabkota",
    "kabkota": "kecamatan",
    "kecamatan": "desa",
    "desa": "tps",
}


def region_page(ctx: Context, code: str) -> Page:
    """The page of region ``code`` (``0``: the Nasional page)."""
    if ctx.latest is None or ctx.contest is None:
        return _nothing_yet(ctx) if code == NASIONAL else not_found(ctx, "error.region")
    found = ctx.published.snapshot(ctx.latest, ctx.contest, code)
    if found is None:
        return not_found(ctx, "error.region")
    source, snap = found
    pairs = ctx.pairs()
    level = str(snap["region"]["level"])
    name = str(snap["region"]["name"])
    election = ctx.election_name() if code == NASIONAL else None
    title = name if code != NASIONAL else election or ctx.t("nav.nasional")
    heading = (
        f"{esc(ctx.t('level.' + level))} {esc(name)}" if code != NASIONAL else esc(ctx.t("results"))
    )
    if election is not None:  # the home page names the election (its manifest's name)
        heading += f' <span class="election">{esc(election)}</span>'

    def shares_of(region: Doc) -> list[Share]:
        return pair_shares(region["totals"], pairs)

    drawn, map_data = map_section(ctx, snap, layer=ctx.layer, shares_of=shares_of, kind="pair")
    body = [
        breadcrumbs(ctx, list(snap.get("path", ()))) if code != NASIONAL else "",
        f"<h1>{heading}</h1>",
        checkpoint_line(ctx, source),
        _totals_block(ctx, snap, pairs),
        drawn,
        findings_block(ctx, snap),
        _status_block(ctx, snap),
        _recap_block(ctx, snap),
        _children_block(ctx, snap, pairs, shares_of),
    ]
    if code == NASIONAL:
        body.insert(3, _log_block(ctx))
    data = twin(
        "nasional" if code == NASIONAL else "wilayah",
        ctx,
        source=f"/results/{source}",
        shares=shares(snap["totals"]),
        snapshot=snap,
        links=region_links(snap),
        **({"map": map_data} if map_data else {}),
    )
    kind = "nasional" if code == NASIONAL else "wilayah"
    return Page(kind, title, Markup("".join(body)), data, size=ctx.size)


def _nothing_yet(ctx: Context) -> Page:
    body = Markup(
        f"<h1>{esc(ctx.t('results'))}</h1>"
        f'<div id="totals" data-live><p class="notice">{esc(ctx.t("results.none"))}</p></div>'
    )
    return Page("nasional", ctx.t("nav.nasional"), body, twin("nasional", ctx, snapshot=None))


def _log_block(ctx: Context) -> Markup:
    """The log's own latest checkpoint (it may be ahead of the results)."""
    published = ctx.published.checkpoint()
    if published is None:
        return Markup("")
    size = published.checkpoint.size
    return Markup(
        f'<p class="meta" id="log-size" data-live>{esc(ctx.t("checkpoint.size"))}: '
        f"{num(size, ctx.lang)} {esc(ctx.t('checkpoint.entries'))} · "
        f"{link('/verifikasi', ctx.t('nav.verifikasi'))}</p>"
    )


def _totals_block(ctx: Context, snap: Doc, pairs: list[Pair]) -> Markup:
    totals, lang = snap["totals"], ctx.lang
    valid = int(totals.get("suara_sah", 0))
    progress = snap["progress"]
    counted = int(progress.get("counted", 0))
    cards = [
        (ctx.t("tps.received"), progress_text(progress, lang)),
        (ctx.t("tps.counted"), num(int(progress.get("counted", 0)), lang)),
    ]
    cards += [(ctx.t(f"totals.{key}"), num(totals.get(key), lang)) for key in TOTAL_CARDS]
    card_html = "".join(
        f'<div class="card"><span class="n">{value}</span>{esc(label)}</div>'
        for label, value in cards
    )
    return Markup(
        f'<section id="totals" data-live aria-labelledby="h-totals">'
        f'<h2 id="h-totals">{esc(ctx.t("chart"))}</h2>'
        f"{share_bars(pair_shares(totals, pairs), lang, title=ctx.t('chart'), total=valid)}"
        f"<h2>{esc(ctx.t('progress'))}</h2>"
        f"{progress_bar(counted, int(progress.get('expected', 0)), lang)}"
        f'<div class="cards">{card_html}</div></section>'
    )


def _status_block(ctx: Context, snap: Doc) -> Markup:
    counters, flags = snap.get("counters", {}), snap.get("flags", {})
    code = str(snap["region"]["code"])

    def count(key: str) -> Markup:
        value = counters.get(key)
        kind = LISTED_COUNTERS.get(key)
        if kind is None or not isinstance(value, int) or not value:
            return num(value, ctx.lang)
        return counted_link(anomali_href(code, kind), number(value, ctx.lang), value)

    counter_rows = [
        row([cell(esc(ctx.t(f"counters.{key}"))), cell(count(key), numeric=True)])
        for key in COUNTERS
    ]
    flag_rows = [
        row(
            [
                cell(Markup(f"{esc(flag_text(flag, ctx.lang))} <code>{esc(flag)}</code>")),
                cell(num(count, ctx.lang), numeric=True),
            ],
            "bad" if count else None,
        )
        for flag, count in flags.items()
    ]
    return Markup(
        f'<section id="status" data-live><h2>{esc(ctx.t("counters"))}</h2>'
        + table(ctx.t("counters"), [(ctx.t("status"), False), ("TPS", True)], counter_rows)
        + f"<h2>{esc(ctx.t('flags'))}</h2><p class='meta'>{esc(ctx.t('flags.note'))}</p>"
        + table(ctx.t("flags"), [(ctx.t("flags"), False), ("TPS", True)], flag_rows)
        + "</section>"
    )


def _recap_block(ctx: Context, snap: Doc) -> Markup:
    """The region's own D.Hasil against the sum of the forms below it: a sentence, then
    each differing total with the forms' sum, the D.Hasil's number and the difference."""
    check = snap.get("recap_check")
    if not check:
        return Markup('<section id="recap" data-live></section>')
    differences = check.get("differences", [])
    rows = [
        row(
            [
                cell(esc(field_words(str(d["field"]), ctx.lang))),
                cell(num(d.get("forms"), ctx.lang), numeric=True),
                cell(num(d.get("recap"), ctx.lang), numeric=True),
                cell(esc(signed(int(d["recap"]) - int(d["forms"]), ctx.lang)), numeric=True),
            ],
            "bad",
        )
        for d in differences
    ]
    entry = int(check.get("index", -1))
    parts = [f'<section id="recap" data-live><h2>{esc(ctx.t("recap_check"))}</h2>']
    entry_text = f"{ctx.t('entry')} {entry}"
    parts.append(f"<p>{link(f'/v1/entries/{entry}', entry_text)}</p>")
    if not check.get("complete", False):
        parts.append(f'<p class="notice">{esc(ctx.t("recap_check.incomplete"))}</p>')
    if rows:
        what = differences_in_words(differences, ctx.lang)
        parts.append(f'<p class="notice bad">{esc(ctx.t("recap_check.differs", what=what))}</p>')
        head = [
            (ctx.t("field"), False),
            (ctx.t("forms.sum"), True),
            (ctx.t("recap"), True),
            (ctx.t("difference"), True),
        ]
        parts.append(table(ctx.t("recap_check"), head, rows))
    else:
        parts.append(f"<p>{esc(ctx.t('recap_check.same'))}</p>")
    parts.append("</section>")
    return Markup("".join(parts))


def _children_block(
    ctx: Context, snap: Doc, pairs: list[Pair], shares_of: Callable[[Doc], list[Share]]
) -> Markup:
    """The children: a desa's TPS in a table (cards on a phone); regions in a wide table
    and, on a phone instead, a card each with its stacked bar (the style sheet decides)."""
    level = CHILD_LEVEL.get(str(snap["region"]["level"]))
    if level is None:
        return Markup("")
    numbers = [p.number for p in pairs] or sorted(snap["totals"]["suara_paslon"])
    caption = ctx.t(f"children.{level}")
    children = snap.get("children", [])
    if level == "tps":
        head = [(ctx.t("level.tps"), False), (ctx.t("status"), False)]
        rows = [_tps_row(ctx, child, numbers) for child in children]
    else:
        head = [(ctx.t("region"), False), (ctx.t("tps.received"), True)]
        rows = [_region_row(ctx, child, numbers) for child in children]
    head += [(n, True) for n in numbers]
    head.append((ctx.t("totals.suara_sah"), True))
    if level == "tps":
        return Markup(
            f"<h2>{esc(caption)}</h2>"
            + table(caption, head, rows, id_="children", live=True, stack=True)
        )
    return Markup(
        f'<h2>{esc(caption)}</h2><div id="children" data-live>'
        f'<div class="children-table">{table(caption, head, rows, stack=True)}</div>'
        f"{cards(ctx, children, shares_of)}</div>"
    )


def _votes(ctx: Context, child: Doc, numbers: list[str]) -> list[Markup]:
    totals = child["totals"]
    share = shares(totals)
    out = [
        cell(
            Markup(
                f"{pct(share.get(n, 0.0), ctx.lang)}<br>"
                f'<span class="meta">{num(totals["suara_paslon"].get(n), ctx.lang)}</span>'
            ),
            numeric=True,
        )
        for n in numbers
    ]
    out.append(cell(num(totals.get("suara_sah"), ctx.lang), numeric=True))
    return out


def _region_row(ctx: Context, child: Doc, numbers: list[str]) -> Markup:
    code, name = str(child["code"]), str(child["name"])
    name_cell = cell(
        Markup(
            f"{link('/wilayah/' + code, name)} <span class='meta'>{esc(code)}</span>"
            f"{child_findings(ctx, child)}"
        )
    )
    progress = cell(progress_text(child["progress"], ctx.lang), numeric=True)
    return row([name_cell, progress, *_votes(ctx, child, numbers)])


def _tps_row(ctx: Context, child: Doc, numbers: list[str]) -> Markup:
    code, name = str(child["code"]), str(child["name"])
    name_cell = cell(Markup(f"{link('/tps/' + code, name)} <span class='meta'>{esc(code)}</span>"))
    status = str(child.get("status"))
    marked = "bad" if status == "inconsistent" or child.get("witness") == "dispute" else None
    return row([name_cell, cell(status_badges(ctx, child)), *_votes(ctx, child, numbers)], marked)


def region_links(snap: Doc) -> list[dict[str, Any]]:
    """Where each child's page is (for the JSON twin's readers)."""
    out = []
    for child in snap.get("children", []):
        code = str(child["code"])
        out.append({"code": code, "page": page_of(code)})
    return out


__all__ = ["region_links", "region_page"]
