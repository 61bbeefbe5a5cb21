"""A region in one legislative contest, and the blocks its pages share with a dapil's.

A format v2 publication has, beside PPWP's, each legislative contest's region snapshots,
dapil files and seats files (docs/recap.md, "The legislative contests published");
``latest.json`` links them under ``legislative`` and names the contests file (parties,
dapil, candidates) as ``contests_file``. A region's page (``/<contest>``,
``/<contest>/wilayah/<code>``) is made from those files only: its progress, each party's
A.1 and B (bars with the numbers), the nation's and a province's map
(:mod:`saksi.dashboard.pictures`), the seats of the dapil in or around the region (from
the seats files; a chamber as a parliament chart), its findings (from the TPS counters,
and the seat ties), and its children with their progress and leading party (a desa: its
TPS with their status). A dapil's page is :mod:`saksi.dashboard.dapil`; the names come
from :mod:`saksi.dashboard.names`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from saksi.dashboard.charts import Seats, Share, hemicycle, progress_bar, share_bars
from saksi.dashboard.common import (
    Context,
    breadcrumbs,
    checkpoint_line,
    contest_page,
    dapil_page,
    not_found,
    progress_text,
    status_badges,
    twin,
)
from saksi.dashboard.findings import child_findings, findings_block
from saksi.dashboard.html import Markup, Page, bars, cell, esc, link, num, pct, row, table
from saksi.dashboard.names import Names, names_of
from saksi.dashboard.palette import Category, series
from saksi.dashboard.pictures import cards, map_section, party_category, party_shares, words
from saksi.dashboard.source import Doc
from saksi.dashboard.strings import number
from saksi.dashboard.switch import contest_switch, region_targets
from saksi.election.codes import NASIONAL

CARDS: Final = ("suara_sah", "suara_tidak_sah", "suara_total", "pengguna_total_j", "pemilih_dpt_j")
CHILD_LEVEL: Final = {
    "nasional": "provinsi",
    "provinsi": "kabkota",
    "kabkota": "kecamatan",
    "kecamatan": "desa",
    "desa": "tps",
}
DAPIL_LISTED: Final = 100
"""The most dapil a region page lists (DPR has 84 nationally; the DPRD's thousands are
listed from their province or kab/kota down)."""
TIES_LISTED: Final = 10
"""The most seat ties a region page words (the twin has them all; each dapil page its own)."""
FINDINGS: Final = (
    ("inconsistent", "leg.finding.inconsistent", "bad"),
    ("witness_dispute", "leg.finding.witness", "bad"),
    ("corrected", "leg.finding.corrected", ""),
    ("flagged", "leg.finding.flagged", ""),
)


# --- shared blocks ---------------------------------------------------------------------


def contest_names(ctx: Context) -> Names:
    """The names of the page's contest."""
    assert ctx.contest is not None
    return names_of(ctx, ctx.contest)


def contest_label(ctx: Context) -> str:
    return ctx.t(f"ballot.{ctx.contest}")


def findings_items(ctx: Context, counters: Doc) -> list[str]:
    """The TPS counters' findings in words, as list items (the gravest first)."""
    items = []
    for key, text, tone in FINDINGS:
        n = int(counters.get(key, 0))
        if n:
            cls = f' class="{tone}"' if tone else ""
            items.append(f"<li{cls}>{esc(ctx.t(text, n=number(n, ctx.lang)))}</li>")
    return items


def party_rows(totals: Doc) -> list[tuple[str, int, int]]:
    """(party, A.1, B) per party, in ballot order."""
    partai = totals.get("partai") or {}
    return [
        (p, int(v.get("suara_partai", 0)), int(v.get("suara_sah_partai", 0)))
        for p, v in sorted(partai.items(), key=lambda kv: int(kv[0]))
    ]


def share_of(votes: int, valid: int) -> float:
    return 100.0 * votes / valid if valid else 0.0


def parties_block(
    ctx: Context,
    names: Names,
    totals: Doc,
    *,
    seats: Mapping[str, int] | None = None,
    passing: Iterable[str] | None = None,
) -> Markup:
    """Each party's B as a bar with its share and number, then a table of A.1 and B
    (and the seats won, and the threshold where the contest has one)."""
    rows = party_rows(totals)
    if not rows:
        return Markup("")
    valid = int(totals.get("suara_sah", 0))
    chart = share_bars(
        party_shares(totals, names.party), ctx.lang, title=ctx.t("leg.chart"), total=valid
    )
    head = [
        (ctx.t("col.party"), False),
        (ctx.t("col.a1"), True),
        (ctx.t("col.b"), True),
        (ctx.t("share"), True),
    ]
    if seats is not None:
        head.append((ctx.t("col.seats"), True))
    passed = set(passing) if passing is not None else None
    body = []
    for p, a1, b in rows:
        name = esc(names.party(p))
        if passed is not None and p not in passed:
            name = Markup(f"{name}<br><span class='meta'>{esc(ctx.t('threshold.below'))}</span>")
        cells = [
            cell(name),
            cell(num(a1, ctx.lang), numeric=True),
            cell(num(b, ctx.lang), numeric=True),
            cell(pct(share_of(b, valid), ctx.lang), numeric=True),
        ]
        if seats is not None:
            cells.append(cell(num(int(seats.get(p, 0)), ctx.lang), numeric=True))
        body.append(row(cells))
    caption = ctx.t("leg.parties")
    return Markup(
        f'<section id="parties" data-live aria-labelledby="h-parties">'
        f'<h2 id="h-parties">{esc(ctx.t("leg.chart"))}</h2>{chart}'
        f"{table(caption, head, body, id_='party-table', stack=True)}</section>"
    )


def progress_block(ctx: Context, doc: Doc) -> Markup:
    progress, totals = doc["progress"], doc["totals"]
    cards = [
        (ctx.t("tps.received"), progress_text(progress, ctx.lang)),
        (ctx.t("tps.counted"), num(int(progress.get("counted", 0)), ctx.lang)),
    ]
    cards += [(ctx.t(f"totals.{key}"), num(totals.get(key), ctx.lang)) for key in CARDS]
    cards_html = "".join(
        f'<div class="card"><span class="n">{value}</span>{esc(label)}</div>'
        for label, value in cards
    )
    bar = progress_bar(int(progress.get("counted", 0)), int(progress.get("expected", 0)), ctx.lang)
    return Markup(
        f'<section id="totals" data-live><h2>{esc(ctx.t("progress"))}</h2>{bar}'
        f'<div class="cards">{cards_html}</div></section>'
    )


def seat_status(ctx: Context, status: Doc) -> str:
    """``sementara: 3 TPS belum masuk, ...`` or ``final menurut log``."""
    if not status.get("provisional"):
        return ctx.t("seats.final")
    progress = status.get("progress") or status
    expected, received = int(progress.get("expected", 0)), int(progress.get("received", 0))
    counts = {"missing": expected - received, "held": received - int(progress.get("counted", 0))}
    why = [
        ctx.t(f"reason.{r}", n=number(counts.get(r, 0), ctx.lang))
        for r in status.get("reasons", ())
    ]
    return f"{ctx.t('seats.provisional')}: {', '.join(why)}" if why else ctx.t("seats.provisional")


def _won(ctx: Context, names: Names, seats: Mapping[str, int]) -> list[str]:
    """``1 · PKB: 2``, ...: the seats each party won, most first."""
    won = sorted(
        ((p, int(s)) for p, s in seats.items() if int(s)), key=lambda x: (-x[1], int(x[0]))
    )
    return [f"{names.party(p)}: {number(s, ctx.lang)}" for p, s in won]


def tie_text(ctx: Context, names: Names, tie: Doc) -> str:
    """A tie in words: who tied for which seats, who has them for now, by which rule."""
    dapil = str(tie.get("dapil", ""))
    numbered = ctx.t("ballot.number").lower()

    def who(key: str) -> str:
        out = []
        for item in tie.get(key, ()):
            text = str(item)
            if tie.get("kind") == "party":
                out.append(names.party(text))
            elif ":" in text:
                party, _, n = text.partition(":")
                name = names.candidate(dapil, party, int(n))
                out.append(f"{name} ({names.party(party)}, {numbered} {n})")
            else:
                out.append(f"{names.candidate(dapil, '', int(text))} ({numbered} {text})")
        return ", ".join(out)

    rule = tie.get("rule_en" if ctx.lang == "en" else "rule_id", "")
    return ctx.t(
        f"tie.{tie.get('kind', 'party')}"
        if tie.get("kind") in ("party", "candidate")
        else "tie.dpd",
        seats=number(int(tie.get("seats", 1)), ctx.lang),
        contenders=who("contenders"),
        winners=who("winners"),
        rule=rule,
    )


# --- the region page -------------------------------------------------------------------


def legislative_region_page(ctx: Context, code: str) -> Page:
    """Region ``code`` (``0``: the nation) in the legislative contest ``ctx.contest``."""
    if ctx.latest is None or ctx.contest is None:
        return not_found(ctx, "error.contest")
    found = ctx.published.snapshot(ctx.latest, ctx.contest, code)
    if found is None:
        return not_found(ctx, "error.region")
    source, snap = found
    names = contest_names(ctx)
    level, name = str(snap["region"]["level"]), str(snap["region"]["name"])
    label = contest_label(ctx)
    if code == NASIONAL:
        title = f"{label} · {ctx.t('nav.nasional')}"
        heading = f"{esc(ctx.t('ballot.' + ctx.contest + '.name'))} · {esc(ctx.t('results'))}"
    else:
        title = f"{label} · {name}"
        heading = f"{esc(label)} · {esc(ctx.t('level.' + level))} {esc(name)}"
    seats_html, seats_data = _seats_block(ctx, names, code, level)
    shares_of = _shares_of(ctx, names)
    drawn, map_data = map_section(ctx, snap, layer=ctx.layer, shares_of=shares_of, kind="party")
    body = [
        breadcrumbs(ctx, list(snap.get("path", ()))) if code != NASIONAL else "",
        f"<h1>{heading}</h1>",
        checkpoint_line(ctx, source),
        parties_block(ctx, names, snap["totals"]),
        _dpd_link(ctx, names, code),
        progress_block(ctx, snap),
        drawn,
        seats_html,
        _findings_block(ctx, names, snap, seats_data),
        _children_block(ctx, names, snap, shares_of),
    ]
    switch, targets = contest_switch(ctx, region_targets(ctx, code), ctx.contest)
    data = twin(
        "nasional" if code == NASIONAL else "wilayah",
        ctx,
        source=f"/results/{source}",
        snapshot=snap,
        seats=seats_data,
        links=[
            {"code": str(c["code"]), "page": contest_page(ctx.contest, str(c["code"]))}
            for c in snap.get("children", ())
        ],
        **({"contests": targets} if targets else {}),
        **({"map": map_data} if map_data else {}),
    )
    return Page("wilayah", title, Markup("".join(body)), data, size=ctx.size, switch=switch)


def _shares_of(ctx: Context, names: Names) -> Callable[[Doc], list[Share]] | None:
    """A child's parties' shares (DPD has none in the region snapshots)."""
    if ctx.contest == "dpd":
        return None

    def shares_of(region: Doc) -> list[Share]:
        return party_shares(region["totals"], names.party)

    return shares_of


def _dpd_link(ctx: Context, names: Names, code: str) -> Markup:
    """DPD: the province's dapil is the province itself; its page has the candidates."""
    if ctx.contest != "dpd" or code == NASIONAL:
        return Markup("")
    province = code[:2]
    text = ctx.t("dpd.candidates", name=names.dapil_name(province))
    return Markup(f'<p class="notice">{link(dapil_page("dpd", province), text)}</p>')


HEMICYCLES: Final = {
    ("dpr", "nasional"),
    ("dpd", "provinsi"),
    ("dprd-prov", "provinsi"),
    ("dprd-kabkota", "kabkota"),
}
"""Where a region page draws its chamber as a parliament chart: DPR's nationally, a
province's DPD members and DPRD, a kab/kota's DPRD (each from its seats file); elsewhere
the seats per party are bars (a DPRD summed over the nation is no chamber)."""


def _chamber(ctx: Context, names: Names, doc: Doc) -> Markup:
    """The seats of one chamber (a seats file) as a parliament chart, provisional until
    final: each party's seats (DPD: each elected member, in the order of votes)."""
    if ctx.contest == "dpd":
        members = [
            Seats(Category(f"calon-{e.get('number')}", str(e.get("name") or e.get("number")),
                           series(i)), 1)
            for i, e in enumerate(doc.get("elected", ()))
        ]  # fmt: skip
    else:
        members = [
            Seats(party_category(p, names.party), int(s))
            for p, s in sorted((doc.get("parties") or {}).items(), key=lambda kv: int(kv[0]))
            if int(s)
        ]
    title = words("chamber", ctx.lang, chamber=contest_label(ctx), name=str(doc["region"]["name"]))
    return hemicycle(
        members,
        ctx.lang,
        title=title,
        total=int(doc.get("seats", 0)),
        provisional=bool(doc.get("provisional", True)),
    )


def _seats_block(
    ctx: Context, names: Names, code: str, level: str
) -> tuple[Markup, dict[str, Any]]:
    """The seats of the dapil within (or around) the region, from the seats files."""
    assert ctx.latest is not None and ctx.contest is not None
    nation = ctx.published.seats(ctx.latest, ctx.contest)
    if nation is None:
        return Markup(""), {}
    source, seats = nation
    own = nation if code == NASIONAL else ctx.published.seats(ctx.latest, ctx.contest, code)
    within = names.dapil_within(code) or (
        list(seats.get("dapil_status", {})) if code == NASIONAL else []
    )
    status = seats.get("dapil_status", {})
    inside = set(within)
    ties = [t for t in seats.get("ties", ()) if t.get("dapil") in inside]
    data: dict[str, Any] = {"source": f"/results/{source}", "dapil": within, "ties": ties}
    parts = [f'<section id="seats" data-live><h2>{esc(ctx.t("seats"))}</h2>']
    if own is not None:
        own_source, own_doc = own
        data |= {"region_source": f"/results/{own_source}", "region_seats": own_doc.get("parties")}
        total = int(own_doc.get("seats", 0))
        parts.append(
            f"<p>{esc(ctx.t('seats.total', n=number(total, ctx.lang)))} · "
            f"{esc(seat_status(ctx, own_doc))} · "
            f"{link('/results/' + own_source, ctx.t('source'))}</p>"
        )
        won = own_doc.get("parties") or {}
        data |= {
            "region_total": total,
            "region_provisional": bool(own_doc.get("provisional", True)),
            "region_elected": own_doc.get("elected", []),
        }
        if (ctx.contest, level) in HEMICYCLES:
            parts.append(_chamber(ctx, names, own_doc))
        elif won:
            items = [
                (names.party(p), int(s), share_of(int(s), total))
                for p, s in sorted(won.items(), key=lambda kv: (-int(kv[1]), int(kv[0])))
            ]
            parts.append(bars(items, ctx.lang, title=ctx.t("seats.parties")))
    if len(within) > DAPIL_LISTED:
        parts.append(f"<p>{esc(ctx.t('seats.many', n=number(len(within), ctx.lang)))}</p>")
    elif within:
        rows = []
        for d in within:
            state = status.get(d, {})
            won_in = (seats.get("dapil") or {}).get(d, {})
            if ctx.contest == "dpd":
                elected = [e for e in seats.get("elected", ()) if e.get("dapil") == d]
                what = [str(e.get("name") or e.get("number")) for e in elected]
            else:
                what = _won(ctx, names, won_in)
            rows.append(
                row(
                    [
                        cell(link(dapil_page(ctx.contest, d), names.dapil_name(d))),
                        cell(num(state.get("seats"), ctx.lang), numeric=True),
                        cell(Markup("<br>".join(esc(w) for w in what) or "–"), class_="wide"),
                        cell(esc(seat_status(ctx, state)), class_="wide"),
                    ]
                )
            )
        head = [
            (ctx.t("dapil"), False),
            (ctx.t("col.seats"), True),
            (ctx.t("seats.won"), False),
            (ctx.t("status"), False),
        ]
        parts.append(table(ctx.t("seats.dapil"), head, rows, id_="dapil-table", stack=True))
    parts.append("</section>")
    return Markup("".join(parts)), data


def _findings_block(ctx: Context, names: Names, snap: Doc, seats: Doc) -> Markup:
    """The region's findings in words as PPWP's (each count a link to the contest's
    Anomali list: :func:`~saksi.dashboard.findings.findings_block`), and the seat ties of
    its dapil; a snapshot written before its counts were published: what its TPS
    counters say."""
    ties = list(seats.get("ties", ()))
    tied = _tie_items(ctx, names, ties)
    if isinstance(snap.get("anomalies"), dict):
        return findings_block(ctx, snap, tied)
    items = findings_items(ctx, snap.get("counters", {})) + tied
    parts = [f'<section id="findings" data-live><h2>{esc(ctx.t("findings"))}</h2>']
    if items:
        parts.append(f'<ul class="findings">{"".join(items)}</ul>')
    else:
        parts.append(f"<p>{esc(ctx.t('findings.none'))}</p>")
    parts.append(f'<p class="meta">{esc(ctx.t("leg.findings.note"))}</p></section>')
    return Markup("".join(parts))


def _tie_items(ctx: Context, names: Names, ties: list[Doc]) -> list[str]:
    """The seat ties in words, as list items (the first :data:`TIES_LISTED`)."""
    items = []
    for tie in ties[:TIES_LISTED]:
        d = str(tie.get("dapil"))
        where = link(dapil_page(str(ctx.contest), d), names.dapil_name(d))
        items.append(f"<li>{where}: {esc(tie_text(ctx, names, tie))}</li>")
    if len(ties) > TIES_LISTED:
        more = number(len(ties) - TIES_LISTED, ctx.lang)
        items.append(f"<li>{esc(ctx.t('ties.more', n=more))}</li>")
    return items


def _leading(ctx: Context, names: Names, totals: Doc) -> Markup:
    """The party with the most B (its share), or ``–``."""
    rows = party_rows(totals)
    if not rows:
        return esc("–")
    party, _, b = max(rows, key=lambda r: (r[2], -int(r[0])))
    if not b:
        return esc("–")
    share = share_of(b, int(totals.get("suara_sah", 0)))
    return Markup(f"{esc(names.party(party))}<br><span class='meta'>{pct(share, ctx.lang)}</span>")


def _children_block(
    ctx: Context, names: Names, snap: Doc, shares_of: Callable[[Doc], list[Share]] | None
) -> Markup:
    """The children: a desa's TPS in a table (cards on a phone); regions in a wide table
    and, on a phone instead, a card each with its stacked bar (the style sheet decides)."""
    level = CHILD_LEVEL.get(str(snap["region"]["level"]))
    if level is None:
        return Markup("")
    assert ctx.contest is not None
    party = ctx.contest != "dpd"
    rows = []
    for child in snap.get("children", ()):
        code, name = str(child["code"]), str(child["name"])
        href = contest_page(ctx.contest, code)
        found = child_findings(ctx, child) if level != "tps" else ""
        first = cell(Markup(f"{link(href, name)} <span class='meta'>{esc(code)}</span>{found}"))
        if level == "tps":
            dapil = str(child.get("dapil", ""))
            second = cell(
                Markup(
                    f"{status_badges(ctx, child)}<br>"
                    f"{link(dapil_page(ctx.contest, dapil), names.dapil_name(dapil))}"
                )
            )
        else:
            second = cell(progress_text(child["progress"], ctx.lang), numeric=True)
        cells = [first, second]
        if party:
            cells.append(cell(_leading(ctx, names, child["totals"])))
        cells.append(cell(num(child["totals"].get("suara_sah"), ctx.lang), numeric=True))
        bad = child.get("status") == "inconsistent" or child.get("witness") == "dispute"
        rows.append(row(cells, "bad" if bad else None))
    head = [
        (ctx.t("level.tps") if level == "tps" else ctx.t("region"), False),
        (ctx.t("status") if level == "tps" else ctx.t("tps.received"), level != "tps"),
    ]
    if party:
        head.append((ctx.t("leg.leading"), False))
    head.append((ctx.t("totals.suara_sah"), True))
    caption = ctx.t(f"children.{level}")
    if level == "tps":
        return Markup(
            f"<h2>{esc(caption)}</h2>"
            + table(caption, head, rows, id_="children", live=True, stack=True)
        )
    return Markup(
        f'<h2>{esc(caption)}</h2><div id="children" data-live>'
        f'<div class="children-table">{table(caption, head, rows, stack=True)}</div>'
        f"{cards(ctx, snap.get('children', ()), shares_of)}</div>"
    )


__all__ = [
    "contest_label",
    "contest_names",
    "findings_items",
    "legislative_region_page",
    "parties_block",
    "party_rows",
    "progress_block",
    "seat_status",
    "share_of",
    "tie_text",
]
