"""The map and the charts on the region pages of every contest (PPWP and legislative).

What the pages draw with :mod:`saksi.dashboard.svgmap` and :mod:`saksi.dashboard.charts`,
from the snapshot the page shows and nothing else:

- :func:`map_section`: on the nation's and a province's page, the map of its children
  (38 provinces; a province's kab/kota) coloured by the leading pair or party (the
  *hasil* layer, DPD: the share of TPS counted) or by the gravest finding (the
  *integritas* layer, ``?lapisan=integritas``), a link per region to its page in the
  same contest (the layer kept), the legend, the table twin; two links switch the layer;
- :func:`cards`: each child region as a compact card with its progress and its shares
  in one stacked bar (what a phone shows instead of the wide table);
- :func:`pair_shares`, :func:`party_shares`, :func:`pair_category`,
  :func:`party_category`: the shares as categories the charts and the map colour alike.

Each returns its markup and, for the JSON twin, the data it was drawn from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from saksi.dashboard.charts import Share, region_card
from saksi.dashboard.common import Context, Pair, contest_page
from saksi.dashboard.html import Markup, esc, link
from saksi.dashboard.palette import (
    INTEGRITY_LEVELS,
    Category,
    IntegrityLevel,
    integrity,
    integrity_level,
    pair,
    party,
    progress,
)
from saksi.dashboard.source import Doc
from saksi.dashboard.strings import Lang, number, percent
from saksi.dashboard.svgmap import MapRegion, region_map, shapes_of
from saksi.election.codes import NASIONAL

LAYER_PARAM: Final = "lapisan"
"""The query parameter of the map's layer: ``?lapisan=integritas``."""
RESULT, INTEGRITY = "hasil", "integritas"
LAYERS: Final = (RESULT, INTEGRITY)
MAPPED_LEVELS: Final = ("nasional", "provinsi")
"""The levels whose page has a map (of their children); below, the children's cards."""

TEXT: Final[dict[str, tuple[str, str]]] = {
    "layers": ("Lapisan peta", "Map layer"),
    "layer.hasil": ("Hasil", "Results"),
    "layer.integritas": ("Integritas", "Integrity"),
    "map.title.pair": ("Paslon terdepan per {level}", "Leading pair per {level}"),
    "map.title.party": ("Partai terdepan per {level}", "Leading party per {level}"),
    "map.title.progress": ("TPS yang sudah dihitung per {level}", "TPS counted per {level}"),
    "map.title.integrity": ("Temuan terberat per {level}", "Gravest finding per {level}"),
    "map.level.provinsi": ("provinsi", "province"),
    "map.level.kabkota": ("kabupaten/kota", "regency/city"),
    "map.note.integrity": (
        "Dari jumlah temuan di setiap wilayah (snapshot-nya): D.Hasil berbeda, formulir "
        "ditahan, salinan saksi berbeda, koreksi. Klik wilayah untuk melihat rinciannya.",
        "From each region's counts of findings (its snapshot): D.Hasil differs, forms "
        "held, witness copies differ, corrections. Open a region for the details.",
    ),
    "map.note.integrity.legislative": (
        "Dari penghitung TPS setiap wilayah: formulir ditahan, salinan saksi berbeda, "
        "koreksi (perbandingan D.Hasil pemilihan ini belum diterbitkan).",
        "From each region's TPS counters: forms held, witness copies differ, corrections "
        "(this contest's D.Hasil comparisons are not published yet).",
    ),
    "found.recap-difference": ("D.Hasil berbeda: {n}", "D.Hasil differs: {n}"),
    "found.inconsistent": ("ditahan: {n}", "held: {n}"),
    "found.witness-dispute": ("salinan berbeda: {n}", "copies differ: {n}"),
    "found.correction": ("koreksi: {n}", "corrections: {n}"),
    "counted": ("{p} TPS dihitung", "{p} of TPS counted"),
    "cards": ("Ringkasan per wilayah", "Each region at a glance"),
    "map.heading": ("Peta", "Map"),
    "chamber": ("Kursi {chamber} {name}", "{chamber} seats, {name}"),
}

COUNTER_OF: Final = {
    "inconsistent": "inconsistent",
    "witness-dispute": "witness_dispute",
    "correction": "corrected",
}
"""The TPS counter that stands for an anomaly kind where a snapshot lists no
``anomalies`` (the legislative snapshots: docs/recap.md)."""


def words(key: str, lang: Lang, **fields: object) -> str:
    text_id, text_en = TEXT[key]
    chosen = text_en if lang == "en" else text_id
    return chosen.format(**fields) if fields else chosen


def layer_of(value: str | None) -> str:
    """The layer asked for: ``integritas``, else the results (anything else is ignored)."""
    return INTEGRITY if value == INTEGRITY else RESULT


def with_layer(href: str, layer: str) -> str:
    """``href`` on ``layer`` (the results' layer needs no parameter)."""
    return f"{href}?{LAYER_PARAM}={INTEGRITY}" if layer == INTEGRITY else href


# --- categories and shares ------------------------------------------------------------


def pair_category(number_: str, pairs: Sequence[Pair]) -> Category:
    labels = {p.number: p.label for p in pairs}
    return pair(number_, labels.get(number_, number_))


def party_category(number_: str, name: Callable[[str], str]) -> Category:
    return party(number_, name(number_))


def pair_shares(totals: Doc, pairs: Sequence[Pair]) -> list[Share]:
    """Each pair's votes as a chart's share, in ballot order."""
    votes = totals.get("suara_paslon") or {}
    return [Share(pair_category(n, pairs), int(v)) for n, v in sorted(votes.items())]


def party_shares(totals: Doc, name: Callable[[str], str]) -> list[Share]:
    """Each party's B as a chart's share, in ballot order (none for DPD)."""
    partai = totals.get("partai") or {}
    return [
        Share(party_category(p, name), int(v.get("suara_sah_partai", 0)))
        for p, v in sorted(partai.items(), key=lambda kv: int(kv[0]))
    ]


def leading(items: Sequence[Share]) -> Share | None:
    """The share with the most votes (the lower ballot number on a tie), or None when
    nobody has a vote."""
    best = max(items, key=lambda s: s.votes, default=None)
    return best if best is not None and best.votes > 0 else None


def integrity_of(region: Doc) -> IntegrityLevel:
    """A region's gravest finding: from its ``anomalies`` counts (PPWP's snapshots),
    else from its TPS counters (held, disputes, corrections)."""
    anomalies = region.get("anomalies")
    if isinstance(anomalies, Mapping):
        return integrity_level(anomalies)
    counters = region.get("counters") or {}
    return integrity_level({k: counters.get(c, 0) for k, c in COUNTER_OF.items()})


def findings_counts(region: Doc) -> dict[str, int]:
    """The counts behind :func:`integrity_of`, gravest first, those above zero."""
    anomalies = region.get("anomalies")
    if isinstance(anomalies, Mapping):
        raw = {k: anomalies.get(k, 0) for k in ("recap-difference", *COUNTER_OF)}
    else:
        counters = region.get("counters") or {}
        raw = {k: counters.get(c, 0) for k, c in COUNTER_OF.items()}
    return {k: int(v) for k, v in raw.items() if int(v)}


# --- the map --------------------------------------------------------------------------


def _counted(region: Doc) -> tuple[int, int]:
    progress_ = region.get("progress") or {}
    return int(progress_.get("counted", 0)), int(progress_.get("expected", 0))


def _share(votes: int, whole: int) -> float:
    return 100.0 * votes / whole if whole > 0 else 0.0


def map_section(
    ctx: Context,
    snap: Doc,
    *,
    layer: str,
    shares_of: Callable[[Doc], list[Share]] | None,
    kind: str,
) -> tuple[Markup, dict[str, Any]]:
    """The map of a nation's or a province's children, its layer switch, and its twin
    (every child's code, name, page, leader, share, progress and integrity level).

    ``shares_of`` gives a child's shares (None: the contest has none, DPD, and the
    results' layer is the share of TPS counted); ``kind`` is ``pair`` or ``party``."""
    level = str(snap["region"]["level"])
    code = str(snap["region"]["code"])
    scope = "" if code == NASIONAL else code
    if level not in MAPPED_LEVELS or not shapes_of(scope):
        return Markup(""), {}
    assert ctx.contest is not None
    lang, contest = ctx.lang, ctx.contest
    child_level = "provinsi" if level == "nasional" else "kabkota"
    level_words = words(f"map.level.{child_level}", lang)
    regions, twin_regions = [], []
    for child in snap.get("children", ()):
        child_code, name = str(child["code"]), str(child["name"])
        page = contest_page(contest, child_code)
        done, expected = _counted(child)
        found = integrity_of(child)
        counts = findings_counts(child)
        items = shares_of(child) if shares_of is not None else []
        lead = leading(items)
        whole = int(child["totals"].get("suara_sah", 0)) or sum(s.votes for s in items)
        lead_share = _share(lead.votes, whole) if lead is not None else 0.0
        counted_words = words("counted", lang, p=percent(_share(done, expected), lang))
        if layer == INTEGRITY:
            category: Category | None = integrity(found, lang)
            detail = ", ".join(
                words(f"found.{k}", lang, n=number(n, lang)) for k, n in counts.items()
            )
        elif shares_of is None:
            category, detail = progress(done, expected, lang), counted_words
        else:
            category = lead.category if lead is not None else None
            detail = f"{percent(lead_share, lang)}, {counted_words}" if lead else counted_words
        regions.append(MapRegion(child_code, name, category, with_layer(page, layer), detail))
        twin_regions.append(
            {
                "code": child_code,
                "name": name,
                "page": page,
                "leading": lead.category.key if lead is not None else None,
                "leading_share": round(lead_share, 4),
                "counted": done,
                "expected": expected,
                "integrity": found,
                "findings": counts,
                "category": (category.key if category is not None else "nodata"),
            }
        )
    title_key = {
        INTEGRITY: "map.title.integrity",
        "pair": "map.title.pair",
        "party": "map.title.party",
    }.get(layer if layer == INTEGRITY else kind, "map.title.progress")
    if layer != INTEGRITY and shares_of is None:
        title_key = "map.title.progress"
    title = words(title_key, lang, level=level_words)
    order = [f"integritas-{lv}" for lv in INTEGRITY_LEVELS] if layer == INTEGRITY else []
    if layer != INTEGRITY and shares_of is None:
        order = [f"progres-{i}" for i in range(5)]
    drawn = region_map(
        regions, scope, lang=lang, title=title, id_prefix=f"peta-{layer}", order=order
    )
    here = contest_page(contest, code)
    note = ""
    if layer == INTEGRITY:
        counted = contest == "ppwp" or any(
            isinstance(c.get("anomalies"), Mapping) for c in snap.get("children", ())
        )  # a legislative snapshot written before its counts were published: none
        key = "map.note.integrity" if counted else "map.note.integrity.legislative"
        note = f'<p class="meta">{esc(words(key, lang))}</p>'
    data = {
        "layer": layer,
        "layers": {lv: with_layer(here, lv) for lv in LAYERS},
        "title": title,
        "regions": twin_regions,
    }
    return (
        Markup(
            f'<section id="map" class="map-section" data-live aria-labelledby="h-map">'
            f'<h2 id="h-map">{esc(words("map.heading", lang))}</h2>'
            f"{_layer_switch(here, layer, lang)}{note}{drawn}</section>"
        ),
        data,
    )


def _layer_switch(here: str, layer: str, lang: Lang) -> Markup:
    items = "".join(
        f"<li>{link(with_layer(here, lv), words('layer.' + lv, lang), aria_current=current)}</li>"
        for lv in LAYERS
        for current in ("page" if lv == layer else None,)
    )
    return Markup(
        f'<nav class="layers" aria-label="{esc(words("layers", lang))}"><ul>{items}</ul></nav>'
    )


# --- the children's cards -------------------------------------------------------------


def cards(
    ctx: Context, children: Sequence[Doc], shares_of: Callable[[Doc], list[Share]] | None
) -> Markup:
    """Each child region as a card: its name (a link to its page in the contest), its
    TPS counted, its shares as one stacked bar with each written under it."""
    assert ctx.contest is not None
    out = []
    for child in children:
        done, expected = _counted(child)
        items = shares_of(child) if shares_of is not None else []
        valid = int(child["totals"].get("suara_sah", 0))
        out.append(
            region_card(
                str(child["name"]),
                contest_page(ctx.contest, str(child["code"])),
                items,
                ctx.lang,
                done=done,
                expected=expected,
                total=valid or None,
            )
        )
    return Markup(f'<div class="ch-cards child-cards">{"".join(out)}</div>')


__all__ = [
    "INTEGRITY",
    "LAYERS",
    "LAYER_PARAM",
    "RESULT",
    "cards",
    "findings_counts",
    "integrity_of",
    "layer_of",
    "leading",
    "map_section",
    "pair_category",
    "pair_shares",
    "party_category",
    "party_shares",
    "with_layer",
    "words",
]
