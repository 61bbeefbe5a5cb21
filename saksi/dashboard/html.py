"""HTML for the dashboard: escaping, small building blocks and the page frame.

Every text that reaches a page goes through :func:`esc` (names and codes come from
published data, which whoever runs the servers could write); attribute values are
quoted and escaped the same way. :func:`esc` also neutralises what would make text
display as something else (a right-to-left override, invisible characters, blank
text: :func:`saksi.text.display_text`), so a log that holds such text shows it as
``[U+202E]`` rather than obeying it. Markup is assembled from strings that are either
literals of this package or already escaped, never from raw data: a function here that
takes ``str`` data escapes it, and one that takes :class:`Markup` trusts it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any
from urllib.parse import urlencode

from saksi.dashboard.assets import SCRIPT, STYLE
from saksi.dashboard.strings import Lang, number, percent, t
from saksi.text import display_text


class Markup(str):
    """Text that is already HTML (escaped where it holds data)."""

    __slots__ = ()


def esc(value: object) -> Markup:
    """``value`` as text, shown as it is (:func:`~saksi.text.display_text`; line feeds
    kept, for ``<pre>`` blocks) and escaped for HTML content and quoted attributes."""
    return Markup(html.escape(display_text(str(value), newlines=True), quote=True))


def join(parts: Iterable[Markup], sep: str = "") -> Markup:
    return Markup(sep.join(parts))


def tag(name: str, content: Markup | str = "", /, **attrs: object) -> Markup:
    """``<name attrs>content</name>``; attribute names: ``class_`` -> ``class``,
    ``aria_label`` -> ``aria-label``; ``True`` -> bare attribute; None/False: left out.
    ``content`` given as plain ``str`` is escaped."""
    body = content if isinstance(content, Markup) else esc(content)
    return Markup(f"<{name}{_attrs(attrs)}>{body}</{name}>")


def _attrs(attrs: dict[str, object]) -> str:
    out = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        out.append(f" {name}" if value is True else f' {name}="{esc(value)}"')
    return "".join(out)


def m(text: str) -> Markup:
    """Declare a literal of this package as markup (never data)."""
    return Markup(text)


def link(href: str, text: str | Markup, **attrs: object) -> Markup:
    content = text if isinstance(text, Markup) else esc(text)
    return Markup(f'<a href="{esc(href)}"{_attrs(attrs)}>{content}</a>')


def num(value: object, lang: Lang) -> Markup:
    # A formatted number is digits, a sign and separators: nothing to escape.
    return Markup(number(value, lang)) if isinstance(value, int) else Markup("–")


def pct(value: float, lang: Lang) -> Markup:
    return Markup(percent(float(value), lang))


def cell(content: Markup, *, numeric: bool = False, class_: str | None = None) -> Markup:
    # The most frequent markup of a page (a national page has hundreds): built directly.
    if class_ is None:
        return Markup(f'<td class="num">{content}</td>' if numeric else f"<td>{content}</td>")
    classes = f"num {class_}" if numeric else class_
    return Markup(f'<td class="{esc(classes)}">{content}</td>')


def _label_cells(row_html: str, labels: Sequence[str]) -> str:
    """``row_html`` with each of its cells carrying its column's label: ``labels`` are the
    ready ``data-label`` attributes, in column order.

    Cells hold escaped data only (an escaped ``<`` is ``&lt;``), so every ``<td`` in a row
    of this package's markup opens one of its cells."""
    first, *cells = row_html.split("<td")
    return first + "".join(
        f"<td{label}{rest}" for label, rest in zip_longest(labels, cells, fillvalue="") if rest
    )


def table(
    caption: str,
    head: Sequence[tuple[str, bool]],
    rows: Iterable[Markup],
    *,
    id_: str | None = None,
    live: bool = False,
    stack: bool = False,
) -> Markup:
    """A table in a keyboard-scrollable frame; ``head``: (label, numeric) per column.

    With ``stack``, on a narrow screen each row becomes a card of its cells one under the
    other, each with its column's label (so no column is ever off-screen); the style sheet
    does it, from the ``data-label`` of each cell."""
    ths = "".join(
        f'<th scope="col"{" class=" + chr(34) + "num" + chr(34) if numeric else ""}>{esc(h)}</th>'
        for h, numeric in head
    )
    if stack:
        labels = [_attrs({"data_label": label}) for label, _ in head]
        body = "".join(_label_cells(r, labels) for r in rows)
    else:
        body = "".join(rows)
    frame = _attrs({"class_": "scroll", "tabindex": "0", "role": "region", "aria_label": caption})
    attrs = _attrs({"id": id_, "data_live": live or None})
    kind = ' class="stack"' if stack else ""
    return Markup(
        f"<div{attrs}><div{frame}><table{kind}><caption>{esc(caption)}</caption>"
        f"<thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table></div></div>"
    )


def mark(symbol: str, label: str) -> Markup:
    """A sign that marks a cell (``≠``, ``!``): seen as the sign, read as ``label``.

    Differences are never marked by colour alone: the sign shows them to every reader,
    the label says them to a screen reader."""
    return Markup(
        f'<span class="mark" aria-hidden="true">{esc(symbol)}</span>'
        f'<span class="sr">{esc(label)} </span>'
    )


def row(cells: Iterable[Markup], class_: str | None = None) -> Markup:
    opening = "<tr>" if class_ is None else f'<tr class="{esc(class_)}">'
    return Markup(f"{opening}{''.join(cells)}</tr>")


def badge(text: str, kind: str = "") -> Markup:
    return Markup(f'<span class="badge {esc(kind)}">{esc(text)}</span>')


def bars(items: Sequence[tuple[str, int, float]], lang: Lang, *, title: str) -> Markup:
    """A horizontal bar chart: (label, votes, share in %) per bar, as inline SVG."""
    rows = []
    for label, votes, share in items:
        width = max(0.0, min(100.0, share))
        rows.append(
            f'<div class="row"><span>{esc(label)}</span>'
            f'<svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" '
            f'focusable="false"><rect x="0" y="0" height="10" width="{width:.3f}"></rect></svg>'
            f'<span class="num"><strong>{pct(share, lang)}</strong> '
            f"({num(votes, lang)})</span></div>"
        )
    return Markup(
        f'<figure class="chart" aria-label="{esc(title)}"><figcaption class="sr">{esc(title)}'
        f"</figcaption>{''.join(rows)}</figure>"
    )


def short_hash(value: str, keep: int = 16) -> str:
    return value if len(value) <= keep else value[:keep] + "…"


# --- the page frame -----------------------------------------------------------------


@dataclass
class Page:
    """One page: its HTML body, its JSON twin, and what the frame needs to know."""

    kind: str  # nasional, wilayah, dapil, tps, anomali, verifikasi, cari, error
    title: str
    body: Markup
    data: dict[str, Any]
    status: int = 200
    size: int | None = None  # tree size of the results shown (for live updates)
    redirect: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    switch: str = ""  # the contest switch (markup), above the page's own content


NAV = (("/", "nav.nasional", "nasional"), ("/anomali", "nav.anomali", "anomali"))
NAV_END = (("/verifikasi", "nav.verifikasi", "verifikasi"),)


def _nav(kind: str, lang: Lang, home: str = "/") -> Markup:
    """The main navigation; ``home``: the national page of the contest shown (its
    Anomali link that contest's list)."""
    items = []
    for href, key, page in (*NAV, *NAV_END):
        region = kind in ("wilayah", "dapil")
        current = "page" if page == kind or (page == "nasional" and region) else None
        target = home if page == "nasional" else href
        if page == "anomali" and home != "/":  # the contest shown's own list
            target = f"{home}/anomali"
        items.append(f"<li>{link(target, t(key, lang), aria_current=current)}</li>")
    return Markup(f'<nav aria-label="{esc(t("nav", lang))}"><ul>{"".join(items)}</ul></nav>')


def _home(page: Page) -> str:
    """The national page of the contest a page shows (``/`` for PPWP and the others)."""
    contest = page.data.get("contest")
    legislative = isinstance(contest, str) and contest != "ppwp" and page.kind != "tps"
    return f"/{contest}" if legislative else "/"


def switch_href(path: str, query: dict[str, str], lang: Lang) -> str:
    """The same page in the other language."""
    other = "en" if lang == "id" else "id"
    return (
        path + "?" + urlencode({**{k: v for k, v in query.items() if k != "lang"}, "lang": other})
    )


def render(page: Page, lang: Lang, *, path: str, query: dict[str, str], poll: float = 5) -> str:
    """The whole HTML document of ``page``."""
    other_lang = "en" if lang == "id" else "id"
    switch = link(
        switch_href(path, query, lang), t("lang.switch", lang), lang=other_lang, hreflang=other_lang
    )
    every = ".all" if page.switch else ""  # several contests: candidates are found too
    search = (
        f'<form class="search" role="search" action="/cari" method="get">'
        f'<label class="sr" for="q">{esc(t("search.label" + every, lang))}</label>'
        f'<input id="q" name="q" type="search" '
        f'placeholder="{esc(t("search.placeholder" + every, lang))}"'
        f' value="{esc(query.get("q", "") if page.kind == "cari" else "")}">'
        f"<button>{esc(t('search', lang))}</button></form>"
    )
    size_attr = "" if page.size is None else f' data-size="{page.size}"'
    nav = _nav(page.kind, lang, _home(page))
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(page.title)} · Saksi</title>"
        f'<link rel="stylesheet" href="/static/{STYLE.name}">'
        f'<link rel="alternate" type="application/json" href="{esc(json_path(path))}">'
        f"{_feed_link(page)}"
        f'<script src="/static/{SCRIPT.name}" defer></script></head>'
        f'<body data-page="{esc(page.kind)}" data-poll="{poll:g}"{size_attr} '
        f'data-scroll-hint="{esc(t("scroll.hint", lang))}">'
        f'<a class="skip" href="#main">{esc(t("skip", lang))}</a>'
        f'<header><div class="bar"><a class="brand" href="/">Saksi</a>{nav}'
        f"{switch}</div>{search}</header>"
        f'<p id="live-stopped" class="stale" role="alert" hidden '
        f'data-text="{esc(t("live.stopped", lang))}"></p>'
        f'<main id="main" tabindex="-1">{page.switch}{page.body}</main>'
        f"<footer><p>{esc(t('footer', lang))}</p><p>{link(json_path(path), t('json', lang))}</p>"
        f'<p id="live-status" class="meta" role="status" aria-live="polite" '
        f'data-text="{esc(t("live.updated", lang))}"></p></footer></body></html>'
    )


def _feed_link(page: Page) -> str:
    """The region's Atom feed, for feed readers to find (``extra["feed"]``)."""
    feed = page.extra.get("feed")
    if not isinstance(feed, str):
        return ""
    return f'<link rel="alternate" type="application/atom+xml" href="{esc(feed)}">'


def json_path(path: str) -> str:
    """The JSON twin of an HTML path: ``/`` -> ``/index.json``, else ``<path>.json``."""
    return "/index.json" if path in ("", "/") else path.rstrip("/") + ".json"


__all__ = [
    "Markup",
    "Page",
    "badge",
    "bars",
    "cell",
    "esc",
    "join",
    "json_path",
    "link",
    "m",
    "mark",
    "num",
    "pct",
    "render",
    "row",
    "short_hash",
    "switch_href",
    "table",
    "tag",
]
