"""The page of one dapil of a legislative contest: ``/<contest>/dapil/<code>``.

From the dapil file the results publish (``saksi-dapil/1``, docs/recap.md) and the
contests file's names: its seats and regions, progress, whether its seats are final or
provisional and why, the parties' A.1, B and seats (the threshold where the contest has
one), each party's candidates in order of votes with the elected marked, and the ties
with the rule applied; DPD: the province's candidates by votes, the four elected.
"""

from __future__ import annotations

from saksi.dashboard.charts import Share, share_bars
from saksi.dashboard.common import (
    Context,
    breadcrumbs,
    candidate_anchor,
    checkpoint_line,
    contest_page,
    not_found,
    twin,
)
from saksi.dashboard.html import Markup, Page, cell, esc, link, num, table
from saksi.dashboard.legislative import (
    contest_label,
    contest_names,
    findings_items,
    parties_block,
    progress_block,
    seat_status,
    tie_text,
)
from saksi.dashboard.names import Names
from saksi.dashboard.palette import Category, series
from saksi.dashboard.source import Doc
from saksi.dashboard.strings import number
from saksi.dashboard.switch import contest_switch, nation_targets
from saksi.election.codes import NASIONAL, level_of
from saksi.errors import SaksiError


def dapil_page_of(ctx: Context, code: str) -> Page:
    """Dapil ``code`` of the legislative contest ``ctx.contest``."""
    if ctx.latest is None or ctx.contest is None:
        return not_found(ctx, "error.contest")
    found = ctx.published.dapil(ctx.latest, ctx.contest, code)
    if found is None:
        return not_found(ctx, "error.dapil")
    source, doc = found
    names = contest_names(ctx)
    dapil = doc["dapil"]
    units = [str(u) for u in dapil.get("units", ())]
    if units:  # its times in its province's zone
        ctx = ctx.about(units[0])
    label = contest_label(ctx)
    title = f"{label} · {ctx.t('dapil')} {dapil['name']}"
    unit_links = ", ".join(
        str(link(contest_page(str(ctx.contest), u), _unit_name(ctx, u))) for u in units
    )
    nation = [{"code": NASIONAL, "name": ctx.t("ballot." + str(ctx.contest) + ".name")}]
    status = f'<p id="dapil-status" class="notice" data-live>{esc(seat_status(ctx, doc))}</p>'

    body = [
        breadcrumbs(ctx, nation, last=f"{ctx.t('dapil')} {dapil['name']}"),
        f"<h1>{esc(label)} · {esc(ctx.t('dapil'))} {esc(dapil['name'])} "
        f"<span class='meta'>{esc(dapil['code'])}</span></h1>",
        f"<p>{esc(ctx.t('seats.total', n=number(int(dapil['seats']), ctx.lang)))} · "
        f"{esc(ctx.t('dapil.units'))}: {unit_links}</p>",
        checkpoint_line(ctx, source),
        status,
        progress_block(ctx, doc),
    ]
    candidates = _ranked(doc)
    elected = {(str(e.get("party", "")), int(e["number"])) for e in doc.get("elected", ())}
    if ctx.contest == "dpd":
        body.append(_dpd_block(ctx, doc, candidates, elected))
    else:
        threshold = doc.get("threshold") or {}
        passing = threshold.get("passing") if threshold.get("percent") else None
        body.append(
            parties_block(ctx, names, doc["totals"], seats=doc.get("seats", {}), passing=passing)
        )
        if threshold.get("percent"):
            text = ctx.t("threshold", p=number(int(threshold["percent"]), ctx.lang))
            if threshold.get("provisional"):
                text += f" ({ctx.t('threshold.provisional')})"
            body.append(f"<p class='meta'>{esc(text)}</p>")
        body.append(_lists_block(ctx, names, doc, candidates, elected))
    body.append(_dapil_findings(ctx, names, doc))
    switch, targets = contest_switch(ctx, nation_targets(ctx), ctx.contest)
    data = twin(
        "dapil",
        ctx,
        source=f"/results/{source}",
        dapil=doc,
        ranked=candidates,
        **({"contests": targets} if targets else {}),
    )
    return Page("dapil", title, Markup("".join(body)), data, size=ctx.size, switch=switch)


def _unit_name(ctx: Context, code: str) -> str:
    """``Kabupaten/kota BOGOR``: a dapil's unit as the region file names it (its code
    when the file is not published or does not hold it)."""
    hierarchy = ctx.published.hierarchy(ctx.latest) if ctx.latest else None
    try:
        if hierarchy is None or not hierarchy.exists(code):
            return code
        return f"{ctx.t('level.' + level_of(code).name.lower())} {hierarchy.name(code)}"
    except SaksiError:
        return code


def _ranked(doc: Doc) -> dict[str, list[Doc]]:
    """Each party's candidates (DPD: ``""``'s), most votes first, then the lower number
    (the order the seats go in)."""
    out: dict[str, list[Doc]] = {}
    for c in doc.get("candidates", ()):
        out.setdefault(str(c.get("party", "")), []).append(c)
    for listed in out.values():
        listed.sort(key=lambda c: (-int(c.get("votes", 0)), int(c["number"])))
    return dict(sorted(out.items(), key=lambda kv: int(kv[0] or 0)))


def _candidate_rows(
    ctx: Context, party: str, listed: list[Doc], elected: set[tuple[str, int]]
) -> list[Markup]:
    rows = []
    for rank, c in enumerate(listed, 1):
        n = int(c["number"])
        chosen = (party, n) in elected
        mark = f' <span class="badge ok">{esc(ctx.t("elected"))}</span>' if chosen else ""
        name = Markup(
            f'<span class="{"elected" if chosen else ""}">{esc(c.get("name", n))}</span>{mark}'
        )
        rows.append(
            Markup(
                f'<tr id="{esc(candidate_anchor(party, n))}" data-candidate="{esc(party)}:{n}"'
                f"{' data-elected' if chosen else ''}>"
                f"{cell(num(rank, ctx.lang), numeric=True)}{cell(num(n, ctx.lang), numeric=True)}"
                f"{cell(name)}{cell(num(int(c.get('votes', 0)), ctx.lang), numeric=True)}</tr>"
            )
        )
    return rows


def _candidate_head(ctx: Context) -> list[tuple[str, bool]]:
    return [
        (ctx.t("rank"), True),
        (ctx.t("ballot.number"), True),
        (ctx.t("candidate"), False),
        (ctx.t("votes"), True),
    ]


def _lists_block(
    ctx: Context,
    names: Names,
    doc: Doc,
    ranked: dict[str, list[Doc]],
    elected: set[tuple[str, int]],
) -> Markup:
    """Each party's candidates by votes (A.2 summed over the dapil), the elected marked;
    the parties that won a seat open."""
    seats = doc.get("seats") or {}
    parts = [f'<section id="candidates" data-live><h2>{esc(ctx.t("candidates"))}</h2>']
    parts.append(f'<p class="meta">{esc(ctx.t("candidates.note"))}</p>')
    for party, listed in ranked.items():
        won = int(seats.get(party, 0))
        summary = f"{names.party(party)} · {ctx.t('seats.n', n=number(won, ctx.lang))}"
        caption = f"{ctx.t('candidates')} {names.party(party)}"
        rows = _candidate_rows(ctx, party, listed, elected)
        parts.append(
            f'<details class="party" id="partai-{esc(party)}"{" open" if won else ""}>'
            f"<summary>{esc(summary)}</summary>"
            f"{table(caption, _candidate_head(ctx), rows)}</details>"
        )
    parts.append("</section>")
    return Markup("".join(parts))


def _dpd_block(
    ctx: Context, doc: Doc, ranked: dict[str, list[Doc]], elected: set[tuple[str, int]]
) -> Markup:
    """The province's DPD candidates by votes, the four elected marked, with bars."""
    listed = ranked.get("", [])
    valid = int(doc["totals"].get("suara_sah", 0))
    items = [
        Share(Category(f"calon-{c['number']}", f"{c['number']} · {c.get('name', '')}", series(i)),
              int(c.get("votes", 0)))
        for i, c in enumerate(listed)
    ]  # fmt: skip
    rows = _candidate_rows(ctx, "", listed, elected)
    return Markup(
        f'<section id="candidates" data-live><h2>{esc(ctx.t("candidates"))}</h2>'
        f"{share_bars(items, ctx.lang, title=ctx.t('candidates'), total=valid or None)}"
        f"{table(ctx.t('candidates'), _candidate_head(ctx), rows, id_='dpd-table')}</section>"
    )


def _dapil_findings(ctx: Context, names: Names, doc: Doc) -> Markup:
    items = findings_items(ctx, doc.get("counters", {}))
    for tie in doc.get("ties", ()):
        items.append(f'<li class="tie">{esc(tie_text(ctx, names, tie))}</li>')
    for seat in doc.get("unfilled", ()):
        items.append(
            f"<li>{esc(ctx.t('unfilled', party=names.party(str(seat.get('party', '')))))}</li>"
        )
    parts = [f'<section id="findings" data-live><h2>{esc(ctx.t("findings"))}</h2>']
    if items:
        parts.append(f'<ul class="findings">{"".join(items)}</ul>')
    else:
        parts.append(f"<p>{esc(ctx.t('findings.none'))}</p>")
    parts.append("</section>")
    return Markup("".join(parts))


__all__ = ["dapil_page_of"]
