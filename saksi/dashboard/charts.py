"""Charts: server-rendered SVG and HTML, numbers always beside the shapes, no script.

- :func:`progress_bar`: TPS counted of expected, the numbers in words above the bar;
- :func:`share_bars`: the pairs' or parties' shares as horizontal bars, each with its
  label, its percent and its votes;
- :func:`stacked_bar` and :func:`region_card`: one compact bar of the shares for a
  child region's card (a phone is 390 px wide: the card never is wider than its
  column), the shares written under it in the same order;
- :func:`hemicycle`: a parliament chart, one dot per seat (DPR's 580 down to a DPRD
  of 20 or a DPD of 4), each party's seats in one wedge, the count per party beside
  it; while the seats are provisional the dots are drawn hollow and the chart says
  *sementara / provisional* in words.

Words come from :mod:`saksi.dashboard.palette`'s table (Indonesian first, English)
or from the caller (titles, names). Colours are SVG presentation attributes and the
style lives in ``charts.css`` (:data:`CHARTS_CSS`), which the page owner appends to
the dashboard's one style sheet: no ``style`` attribute, no inline ``<style>`` (the
Content-Security-Policy forbids both).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from saksi.dashboard.html import Markup, esc, link
from saksi.dashboard.palette import (
    NO_DATA_COLOUR,
    Category,
    counted_text,
    num_attr,
    swatch,
    text,
)
from saksi.dashboard.strings import Lang, number, percent

CHARTS_CSS: Final = (resources.files("saksi.dashboard") / "charts.css").read_text(encoding="utf-8")
"""The style of the map and the charts, to append to the dashboard's style sheet."""


@dataclass(frozen=True)
class Share:
    """One pair's or party's votes in a region."""

    category: Category
    votes: int


@dataclass(frozen=True)
class Seats:
    """One party's (or DPD candidate's) seats."""

    category: Category
    seats: int


def _share_of(votes: int, total: int) -> float:
    return 100.0 * votes / total if total > 0 else 0.0


def _bar_svg(width: float, fill: str, class_: str = "ch-bar") -> Markup:
    """A bar ``width`` % long on its track, hidden from screen readers (the numbers
    beside it say it)."""
    w = num_attr(max(0.0, min(100.0, width)))
    return Markup(
        f'<svg class="{class_}" viewBox="0 0 100 10" preserveAspectRatio="none" '
        f'aria-hidden="true" focusable="false"><rect class="ch-track" width="100" height="10"/>'
        f'<rect width="{w}" height="10" fill="{esc(fill)}"/></svg>'
    )


# --- progress -------------------------------------------------------------------------


def progress_bar(done: int, expected: int, lang: Lang, *, label: str | None = None) -> Markup:
    """ "12.345 dari 823.366 TPS (1,50%)" and a bar of it; ``label`` heads it (default
    "TPS yang sudah dihitung")."""
    share = _share_of(done, expected)
    words = text("progress", lang, done=number(done, lang), total=number(expected, lang))
    heading = text("progress.title", lang) if label is None else label
    return Markup(
        f'<div class="ch-progress"><p><span>{esc(heading)}</span> '
        f"<strong>{esc(words)}</strong> ({esc(percent(share, lang))})</p>"
        f"{_bar_svg(share, '#0a4a8f')}</div>"
    )


# --- shares ---------------------------------------------------------------------------


def share_bars(
    items: Sequence[Share], lang: Lang, *, title: str, total: int | None = None
) -> Markup:
    """One bar per pair or party: its label, its bar, its percent and votes.

    Percents are of ``total`` (the valid votes), or of the items' sum when not given."""
    whole = sum(i.votes for i in items) if total is None else total
    rows = []
    for item in items:
        share = _share_of(item.votes, whole)
        rows.append(
            f'<li data-key="{esc(item.category.key)}"><span class="ch-name">'
            f"{esc(item.category.label)}</span> {_bar_svg(share, item.category.colour)}"
            f' <span class="ch-num"><strong>{esc(percent(share, lang))}</strong> '
            f"({esc(text('votes', lang, n=number(item.votes, lang)))})</span></li>"
        )
    return Markup(
        f'<figure class="ch-shares"><figcaption>{esc(title)}</figcaption>'
        f"<ul>{''.join(rows)}</ul></figure>"
    )


def _top(items: Sequence[Share], keep: int, lang: Lang) -> list[Share]:
    """The ``keep`` largest shares in the order given, the rest summed as "Lainnya"."""
    if len(items) <= keep:
        return list(items)
    ranked = sorted(range(len(items)), key=lambda i: -items[i].votes)
    kept = sorted(ranked[: keep - 1])
    rest = sum(items[i].votes for i in ranked[keep - 1 :])
    others = Category("lainnya", text("others", lang), NO_DATA_COLOUR)
    return [*(items[i] for i in kept), Share(others, rest)]


def stacked_bar(
    items: Sequence[Share], lang: Lang, *, title: str, total: int | None = None, keep: int = 6
) -> Markup:
    """All shares in one bar, then each written out in the same order ("02 58,31%"),
    with a swatch; beyond ``keep`` items the smallest are summed as "Lainnya"."""
    whole = sum(i.votes for i in items) if total is None else total
    shown = _top(items, keep, lang)
    x = 0.0
    segments = []
    for item in shown:
        width = _share_of(item.votes, whole)
        if width > 0:
            segments.append(
                f'<rect x="{num_attr(x)}" width="{num_attr(width)}" height="10" '
                f'fill="{esc(item.category.colour)}"/>'
            )
        x += width
    keys = "".join(
        f'<li data-key="{esc(item.category.key)}">{swatch(item.category, "")}'
        f"<span>{esc(item.category.label)}</span> "
        f"<strong>{esc(percent(_share_of(item.votes, whole), lang))}</strong></li>"
        for item in shown
    )
    return Markup(
        f'<div class="ch-stack" role="group" aria-label="{esc(title)}">'
        f'<svg class="ch-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" '
        f'focusable="false"><rect class="ch-track" width="100" height="10"/>'
        f"{''.join(segments)}</svg><ul>{keys}</ul></div>"
    )


def region_card(
    name: str,
    href: str,
    items: Sequence[Share],
    lang: Lang,
    *,
    done: int,
    expected: int,
    total: int | None = None,
    keep: int = 6,
) -> Markup:
    """A child region as a card: its name (a link to its page), its progress in words,
    its shares as one stacked bar with each written under it."""
    share = _share_of(done, expected)
    words = text("progress", lang, done=number(done, lang), total=number(expected, lang))
    return Markup(
        f'<article class="ch-card"><h3>{link(href, name)}</h3>'
        f'<p class="meta">{esc(words)} ({esc(percent(share, lang))})</p>'
        f"{stacked_bar(items, lang, title=name, total=total, keep=keep)}</article>"
    )


# --- seats ----------------------------------------------------------------------------

_INNER: Final = 0.45  # the inner radius, of the outer one


def _row_capacity(radius: float, pitch: float) -> int:
    return math.floor(math.pi * radius / pitch) + 1


def _rows(pitch: float) -> list[float]:
    radii = []
    r = 1.0
    while r >= _INNER - 1e-9:
        radii.append(r)
        r -= pitch
    return radii


@cache
def seat_layout(total: int) -> tuple[tuple[float, float, float], ...]:
    """Where ``total`` seats sit on a half disc of radius 1 (centre 0, 0; y up):
    (x, y, seat radius) each, ordered from the left end of the arc to the right one,
    so that consecutive seats form a wedge.

    The pitch (the distance between rows and between neighbours in a row) is the
    largest that fits ``total`` seats in rows from radius 1 down to 0.45; each row gets
    seats in proportion to its length (largest remainders)."""
    if total <= 0:
        return ()
    pitch = 1.0
    while sum(_row_capacity(r, pitch) for r in _rows(pitch)) < total:
        pitch *= 0.99
    radii = _rows(pitch)
    capacities = [_row_capacity(r, pitch) for r in radii]
    whole = sum(capacities)
    quotas = [c * total / whole for c in capacities]
    counts = [min(c, math.floor(q)) for c, q in zip(capacities, quotas, strict=True)]
    by_remainder = sorted(range(len(radii)), key=lambda i: counts[i] - quotas[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    seats = []
    for r, n in zip(radii, counts, strict=True):
        for j in range(n):
            angle = math.pi / 2 if n == 1 else math.pi * (1 - j / (n - 1))
            seats.append((angle, r))
    seats.sort(key=lambda s: (-s[0], s[1]))
    size = min(0.4 * pitch, 0.12 if len(radii) > 1 else 0.2)  # clear of the centre's words
    return tuple((r * math.cos(a), r * math.sin(a), size) for a, r in seats)


def hemicycle(
    parties: Sequence[Seats],
    lang: Lang,
    *,
    title: str,
    total: int | None = None,
    provisional: bool = True,
) -> Markup:
    """A parliament chart: one dot per seat, the parties' seats in wedges from the
    left in the order given, the seats not yet allocated (``total`` beyond the
    parties' sum) drawn empty at the right end; beside it, each party with its seats.

    Provisional seats are hollow (a ring of the party's colour, a pale inside), and
    the caption and the centre say "sementara"; final ones are solid."""
    allocated = sum(p.seats for p in parties)
    if total is not None and allocated > total:
        raise ValueError(f"{allocated} seats allocated of {total}")
    seats_total = allocated if total is None else total
    layout = seat_layout(seats_total)
    dots = []
    position = 0
    groups = [*((p.category, p.seats) for p in parties if p.seats > 0)]
    if seats_total > allocated:
        groups.append((Category("kosong", text("seats.open", lang), "#ffffff"), -1))
    for category, count in groups:
        n = seats_total - allocated if count < 0 else count
        circles = "".join(_seat(layout[position + k], category, count < 0) for k in range(n))
        position += n
        label = f"{category.label}: {_seats(n, lang)}"
        dots.append(f"<g><title>{esc(label)}</title>{circles}</g>")
    state = text("provisional" if provisional else "final", lang)
    summary = f"{title}: {_seats(seats_total, lang)}, {state}"
    kind = "ch-seats prov" if provisional else "ch-seats"
    centre = (
        f'<text x="0" y="-12" text-anchor="middle" class="ch-total">'
        f"{esc(number(seats_total, lang))}</text>"
        f'<text x="0" y="2" text-anchor="middle" class="ch-state">{esc(state)}</text>'
    )
    legend = "".join(
        f'<li data-key="{esc(p.category.key)}">{swatch(p.category, "")}'
        f"<span>{esc(p.category.label)}</span> <strong>{esc(_seats(p.seats, lang))}</strong></li>"
        for p in parties
    )
    if seats_total > allocated:
        open_ = _seats(seats_total - allocated, lang)
        legend += f'<li data-key="kosong"><span>{esc(text("seats.open", lang))}</span> '
        legend += f"<strong>{esc(open_)}</strong></li>"
    badge = (
        f' <span class="badge warn">{esc(state)}</span>'
        if provisional
        else f' <span class="badge ok">{esc(state)}</span>'
    )
    note = f'<p class="meta">{esc(text("provisional.note", lang))}</p>' if provisional else ""
    return Markup(
        f'<figure class="{kind}"><figcaption>{esc(title)}{badge}</figcaption>'
        f'<svg viewBox="{_seat_view(layout)}" role="img" aria-label="{esc(summary)}">'
        f"{''.join(dots)}{centre}</svg><ul>{legend}</ul>{note}</figure>"
    )


def _seat_view(layout: Sequence[tuple[float, float, float]]) -> str:
    """The viewBox around the seats (in hundredths of the radius) and the centre's words."""
    reach = 100 + 100 * max((size for _, _, size in layout), default=0.0) + 2
    below = max(14.0, reach - 100)
    return " ".join(num_attr(v) for v in (-reach, -reach, 2 * reach, reach + below))


def _seat(where: tuple[float, float, float], category: Category, empty: bool) -> str:
    x, y, size = where
    cx, cy, r = num_attr(100 * x), num_attr(-100 * y), num_attr(100 * size)
    colour = esc(category.colour)
    if empty:
        return f'<circle cx="{cx}" cy="{cy}" r="{r}" class="open"/>'
    return f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{colour}" stroke="{colour}"/>'


def _seats(n: int, lang: Lang) -> str:
    return counted_text("seats", n, lang, number(n, lang))


__all__ = [
    "CHARTS_CSS",
    "Seats",
    "Share",
    "hemicycle",
    "progress_bar",
    "region_card",
    "seat_layout",
    "share_bars",
    "stacked_bar",
]
