"""The map: inline SVG of the nation (38 provinces) or of one province (its kab/kota).

A pure function of what the caller gives: per region its code, its name, the
:class:`~saksi.dashboard.palette.Category` it is coloured as (the leading pair or
party, an integrity level, a progress class: the caller chooses and translates) and
the address of its page. Rendered on the server, it needs no script:

- each region is a link (``<a href>``, focusable, so the keyboard reaches every one)
  whose accessible name is its ``<title>``: the region's name, its category and the
  caller's detail ("Jawa Barat: Paslon 02, 58,31%");
- colour and, for the categories that carry one, a pattern (``<pattern>``) so that
  colour is never the only sign; a legend lists every category used, each with its
  label and how many regions have it;
- a table twin (the same regions, categories and details as an HTML table, in a
  ``<details>`` under the map) for screen readers and readers without the picture;
- regions the caller gives that have no shape (the overseas units, "99") are listed
  under the map and in the table, never dropped; shapes of the scope the caller gave
  nothing for are drawn grey, without a link;
- the credit of the boundaries (cahyadsn/wilayah_boundaries, MIT) under every map.

The shapes ship with the package (``saksi/dashboard/geo/``, written by
``tools/geo.py``; licence notice beside them), in the coordinates of one
equirectangular map of the country, 1000 units wide; a province's map fits its
``viewBox`` to its kab/kota.

    regions = [MapRegion("32", "JAWA BARAT", pair("02", "Paslon 02"), "/wilayah/32?...")]
    html = national_map(regions, lang="id", title="Paslon terdepan per provinsi")
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final
from urllib.parse import quote, urlencode

from saksi.dashboard.html import Markup, cell, esc, link, row, table
from saksi.dashboard.palette import (
    Category,
    fill_of,
    no_data,
    num_attr,
    pattern_def,
    swatch,
    text,
)
from saksi.dashboard.strings import Lang, number
from saksi.election.codes import NASIONAL

GEO: Final = "geo"
LICENCE_FILE: Final = "LICENSE-wilayah_boundaries.txt"
_MARGIN: Final = 0.02  # of the larger side, around the shapes
_TILES: Final = 100
_PATH_DATA: Final = re.compile(
    r"[MmLlZz0-9. ,-]+"
)  # pattern tiles across the larger side of the map


@dataclass(frozen=True)
class Shape:
    code: str
    province: str
    box: tuple[float, float, float, float]
    d: str


@dataclass(frozen=True)
class MapRegion:
    """One region as the caller shows it: ``href`` its page (the caller carries the
    contest in it), ``detail`` words added to its title and its table row."""

    code: str
    name: str
    category: Category | None
    href: str
    detail: str = ""


def _load(name: str) -> dict[str, Shape]:
    raw = (resources.files("saksi.dashboard") / GEO / name).read_bytes()
    document = json.loads(gzip.decompress(raw))
    if document.get("format") != "saksi-geo/1":
        raise ValueError(f"{name}: not a saksi-geo/1 file")
    shapes = {}
    for r in document["regions"]:
        if not _PATH_DATA.fullmatch(r["d"]):  # drawn as it is: numbers and commands only
            raise ValueError(f"{name}: region {r['code']!r}: path data with other characters")
        x0, y0, x1, y1 = (float(v) for v in r["box"])
        shapes[r["code"]] = Shape(r["code"], r.get("prov", r["code"]), (x0, y0, x1, y1), r["d"])
    return shapes


@cache
def provinces() -> dict[str, Shape]:
    """The 38 provinces' shapes by KPU code."""
    return _load("provinces.json.gz")


@cache
def kabkota() -> dict[str, Shape]:
    """The 514 kab/kota shapes by KPU code."""
    return _load("kabkota.json.gz")


def licence() -> str:
    """The boundaries' licence notice (MIT, cahyadsn/wilayah_boundaries), as shipped."""
    return (resources.files("saksi.dashboard") / GEO / LICENCE_FILE).read_text(encoding="utf-8")


def shapes_of(scope: str) -> list[Shape]:
    """The shapes a map of ``scope`` draws: the provinces for the nation (``""`` or its
    code ``"0"``), a province's kab/kota for its code; none for anything else (the
    overseas units, ``"99"``)."""
    if scope in ("", NASIONAL):
        return list(provinces().values())
    return [s for s in kabkota().values() if s.province == scope]


def wilayah_href(code: str, **query: str) -> str:
    """``/wilayah/<code>`` with ``query`` (the contest, the language: the caller's)."""
    return f"/wilayah/{quote(code, safe='')}" + (f"?{urlencode(query)}" if query else "")


def _view_box(shapes: Sequence[Shape]) -> tuple[float, float, float, float]:
    x0 = min(s.box[0] for s in shapes)
    y0 = min(s.box[1] for s in shapes)
    x1 = max(s.box[2] for s in shapes)
    y1 = max(s.box[3] for s in shapes)
    margin = max(x1 - x0, y1 - y0, 1.0) * _MARGIN
    return (x0 - margin, y0 - margin, x1 - x0 + 2 * margin, y1 - y0 + 2 * margin)


def _title(region: MapRegion, category: Category) -> str:
    return f"{region.name}: {category.label}" + (f", {region.detail}" if region.detail else "")


def region_map(
    regions: Sequence[MapRegion],
    scope: str,
    *,
    lang: Lang,
    title: str,
    id_prefix: str = "peta",
    order: Sequence[str] = (),
) -> Markup:
    """The map of ``scope`` (``""``: the nation, else a province's code) coloured by
    ``regions``, with its legend, its table twin and its credit, in one ``<figure>``.

    ``id_prefix`` names the patterns (two maps on one page need two prefixes); the
    legend lists the categories used in the order of their keys in ``order`` (the
    integrity levels from the mildest, say), then the others as first used."""
    blank = no_data(lang)
    shapes = shapes_of(scope)
    given = {r.code: r for r in regions}
    drawn = [s for s in shapes if s.code in given]
    categories = _categories(regions, blank, order)
    ids = {c.key: f"{id_prefix}-p{i}" for i, c in enumerate(categories)}
    svg = (
        _svg(shapes, given, categories=categories, ids=ids, blank=blank, title=title)
        if shapes
        else Markup("")
    )
    drawn_codes = {s.code for s in drawn}
    off_map = [r for r in regions if r.code not in drawn_codes]
    legend = _legend(
        regions, categories=categories, blank=blank, ids=ids, prefix=id_prefix, lang=lang
    )
    return Markup(
        f'<figure class="svgmap">'
        f"<figcaption>{esc(title)}</figcaption>{svg}"
        f"{_off_map(off_map, blank, ids, lang)}"
        f"{legend}"
        f"{_twin(regions, blank, lang, title)}"
        f'<p class="credit">{esc(text("map.credit", lang))}</p></figure>'
    )


def national_map(
    regions: Sequence[MapRegion],
    *,
    lang: Lang,
    title: str,
    id_prefix: str = "peta",
    order: Sequence[str] = (),
) -> Markup:
    """The nation's map: one region per province (and the overseas units, listed)."""
    return region_map(regions, "", lang=lang, title=title, id_prefix=id_prefix, order=order)


def province_map(
    regions: Sequence[MapRegion],
    province: str,
    *,
    lang: Lang,
    title: str,
    id_prefix: str = "peta",
    order: Sequence[str] = (),
) -> Markup:
    """A province's map: one region per kab/kota, the view fitted to them."""
    return region_map(regions, province, lang=lang, title=title, id_prefix=id_prefix, order=order)


def _categories(
    regions: Sequence[MapRegion], blank: Category, order: Sequence[str]
) -> list[Category]:
    """The categories used, each once: those in ``order`` first, in its order, then the
    others in the order the regions first use them."""
    seen: dict[str, Category] = {}
    for r in regions:
        c = r.category or blank
        seen.setdefault(c.key, c)
    rank = {key: i for i, key in enumerate(order)}
    return sorted(seen.values(), key=lambda c: rank.get(c.key, len(rank)))


def _svg(
    shapes: Sequence[Shape],
    given: dict[str, MapRegion],
    *,
    categories: Sequence[Category],
    ids: dict[str, str],
    blank: Category,
    title: str,
) -> Markup:
    x, y, w, h = _view_box(shapes)
    tile = max(w, h) / _TILES
    defs = "".join(pattern_def(ids[c.key], c, tile) for c in categories if c.pattern)
    parts = []
    for shape in shapes:
        region = given.get(shape.code)
        if region is None:
            parts.append(f'<path class="bg" d="{shape.d}"/>')
            continue
        category = region.category or blank
        parts.append(
            f'<a href="{esc(region.href)}"><title>{esc(_title(region, category))}</title>'
            f'<path d="{shape.d}" fill="{esc(fill_of(category, ids[category.key]))}"/></a>'
        )
    box = " ".join(num_attr(v) for v in (x, y, w, h))
    return Markup(
        f'<svg class="map" viewBox="{box}" role="group" aria-label="{esc(title)}" '
        f'fill-rule="evenodd"><defs>{defs}</defs>{"".join(parts)}</svg>'
    )


def _off_map(
    regions: Sequence[MapRegion], blank: Category, ids: dict[str, str], lang: Lang
) -> Markup:
    if not regions:
        return Markup("")
    items = "".join(
        f"<li>{swatch(c, ids[c.key] + '-o' + str(i))}{link(r.href, _title(r, c))}</li>"
        for i, r in enumerate(regions)
        for c in (r.category or blank,)
    )
    return Markup(
        f'<div class="offmap"><p>{esc(text("map.offmap", lang))}</p><ul>{items}</ul></div>'
    )


def _legend(
    regions: Sequence[MapRegion],
    *,
    categories: Sequence[Category],
    blank: Category,
    ids: dict[str, str],
    prefix: str,
    lang: Lang,
) -> Markup:
    counts = Counter((r.category or blank).key for r in regions)
    items = "".join(
        f'<li data-key="{esc(c.key)}">{swatch(c, ids[c.key] + "-l")}<span>{esc(c.label)}</span>'
        f' <span class="n">({esc(_regions_count(counts[c.key], lang))})</span></li>'
        for c in categories
    )
    heading = esc(text("legend", lang))
    return Markup(
        f'<div class="legend"><p id="{esc(prefix)}-legend">{heading}</p>'
        f'<ul aria-labelledby="{esc(prefix)}-legend">{items}</ul></div>'
    )


def _regions_count(n: int, lang: Lang) -> str:
    return text("regions.one", lang) if n == 1 else text("regions", lang, n=number(n, lang))


def _twin(regions: Sequence[MapRegion], blank: Category, lang: Lang, title: str) -> Markup:
    head = [(text("map.region", lang), False), (text("map.category", lang), False)]
    with_detail = any(r.detail for r in regions)
    if with_detail:
        head.append((text("map.detail", lang), False))
    rows = []
    for r in regions:
        cells = [
            cell(Markup(f'{link(r.href, r.name)} <span class="meta">{esc(r.code)}</span>')),
            cell(esc((r.category or blank).label)),
        ]
        if with_detail:
            cells.append(cell(esc(r.detail)))
        rows.append(row(cells))
    return Markup(
        f'<details class="twin"><summary>{esc(text("map.table", lang))}</summary>'
        f"{table(title, head, rows, stack=True)}</details>"
    )


__all__ = [
    "MapRegion",
    "Shape",
    "kabkota",
    "licence",
    "national_map",
    "province_map",
    "provinces",
    "region_map",
    "shapes_of",
    "wilayah_href",
]
