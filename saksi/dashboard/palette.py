"""Colours, patterns and the words of the map and charts (saksi.dashboard.svgmap, .charts).

A colour never speaks alone: every legend puts a text label beside its swatch, every
chart its numbers beside its shapes, and the categories that matter most for people who
cannot tell red from green (the integrity levels, the three pairs) also carry a pattern
(hatching, dots, a cross-hatch) drawn with an SVG ``<pattern>``.

- **Pairs** (PPWP, 01-03): Okabe and Ito's colour-blind-safe palette ("Color Universal
  Design", 2008): bluish green, sky blue, vermillion; 02 hatched and 03 dotted besides.
- **Parties** (the 24 of 2024, by ballot number "1".."24"): Paul Green-Armytage's
  colour alphabet ("A Colour Alphabet and the Limits of Colour Coding", Colour: Design
  & Creativity 5, 2010), 26 colours chosen to be told apart; its grey (iron) and its
  palest yellow (xanthin) are left out, grey meaning "no data". Each party got the
  alphabet colour nearest its own where one is near (PKB forest green, PDI-P red, Golkar
  yellow, NasDem navy, Partai Buruh orange, PAN blue, PPP green, ...): a hint, not
  branding.
- **Integrity levels** (the gravest finding in a region): Okabe and Ito again, and a
  pattern per level.
- **Progress** (share of TPS counted): ColorBrewer's sequential "Blues" (Cynthia
  Brewer, colorbrewer2.org), five classes.

Colours are hex strings used as SVG presentation attributes (``fill="#0075dc"``), which
the Content-Security-Policy allows (it forbids ``style`` attributes, not these).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from saksi.dashboard.html import Markup, esc
from saksi.dashboard.strings import Lang

Pattern = Literal["", "hatch", "back", "cross", "dots", "grid", "lines"]
"""How a category is marked besides its colour: nothing, diagonal lines one way or the
other, both, dots, a square grid, horizontal lines."""
PATTERNS: Final[tuple[Pattern, ...]] = ("", "hatch", "back", "cross", "dots", "grid", "lines")

NO_DATA_COLOUR: Final = "#d0d0d0"


@dataclass(frozen=True)
class Category:
    """What a region, a bar or a seat is coloured as: its key (stable, for tests and
    ids: ``paslon-02``, ``partai-4``, ``integritas-held``), its label as shown (the
    caller's language), its colour and its pattern."""

    key: str
    label: str
    colour: str
    pattern: Pattern = ""


PAIR_COLOURS: Final[dict[str, tuple[str, Pattern]]] = {
    "01": ("#009e73", ""),
    "02": ("#56b4e9", "hatch"),
    "03": ("#d55e00", "dots"),
}

PARTY_COLOURS: Final[dict[str, str]] = {
    "1": "#005c31",  # PKB: forest
    "2": "#990000",  # Gerindra: wine
    "3": "#ff0010",  # PDI-P: red
    "4": "#ffff00",  # Golkar: yellow
    "5": "#003380",  # NasDem: navy
    "6": "#ff5005",  # Partai Buruh: zinnia
    "7": "#5ef1f2",  # Gelora: sky
    "8": "#191919",  # PKS: ebony
    "9": "#993f00",  # PKN: caramel
    "10": "#ffa405",  # Hanura: orpiment
    "11": "#8f7c00",  # Garuda: khaki
    "12": "#0075dc",  # PAN: blue
    "13": "#426600",  # PBB: quagmire
    "14": "#00998f",  # Demokrat: turquoise
    "15": "#c20088",  # PSI: mallow
    "16": "#4c005c",  # Perindo: damson
    "17": "#2bce48",  # PPP: green
    "18": "#94ffb5",  # Partai Nanggroe Aceh: jade
    "19": "#ffcc99",  # Gabthat: honeydew
    "20": "#9dcc00",  # Partai Darul Aceh: lime
    "21": "#ffa8bb",  # Partai Aceh: pink
    "22": "#f0a3ff",  # Partai Adil Sejahtera Aceh: amethyst
    "23": "#e0ff66",  # Partai SIRA: uranium
    "24": "#740aff",  # Partai Ummat: violet
}

_SPARE: Final = ("#808080", "#ffff80")  # the alphabet's two left out, for anything else

IntegrityLevel = Literal["none", "corrections", "disputes", "held", "dhasil"]
INTEGRITY_LEVELS: Final[tuple[IntegrityLevel, ...]] = (
    "none",
    "corrections",
    "disputes",
    "held",
    "dhasil",
)
"""From the mildest to the gravest (the order of the legend)."""

INTEGRITY_STYLE: Final[dict[IntegrityLevel, tuple[str, Pattern]]] = {
    "none": ("#eef3ef", ""),
    "corrections": ("#56b4e9", "dots"),
    "disputes": ("#e69f00", "hatch"),
    "held": ("#d55e00", "cross"),
    "dhasil": ("#882255", "grid"),
}

PROGRESS_BLUES: Final = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
PROGRESS_BOUNDS: Final = (0.0, 25.0, 50.0, 75.0, 100.0)
"""Progress classes: 0 (nothing yet), under 25, 25-50, 50-75, 75-100 (the last
includes 100)."""

TEXT: Final[dict[str, tuple[str, str]]] = {
    "nodata": ("Belum ada data", "No data yet"),
    "pair": ("Paslon {n}", "Pair {n}"),
    "party": ("Partai {n}", "Party {n}"),
    "integrity.none": ("Tanpa temuan", "No findings"),
    "integrity.corrections": ("Ada koreksi", "Corrections"),
    "integrity.disputes": ("Salinan saksi berbeda", "Witness copies differ"),
    "integrity.held": ("Formulir ditahan", "Forms held"),
    "integrity.dhasil": ("D.Hasil berbeda", "D.Hasil differs"),
    "progress.0": ("Belum ada TPS", "No TPS yet"),
    "progress.1": ("Di bawah 25% TPS", "Under 25% of TPS"),
    "progress.2": ("25-50% TPS", "25-50% of TPS"),
    "progress.3": ("50-75% TPS", "50-75% of TPS"),
    "progress.4": ("75-100% TPS", "75-100% of TPS"),
    "legend": ("Keterangan", "Legend"),
    "map.table": ("Tabel peta: data yang sama dalam tabel", "Map as a table: the same data"),
    "map.region": ("Wilayah", "Region"),
    "map.category": ("Warna", "Colour"),
    "map.detail": ("Keterangan", "Details"),
    "map.offmap": ("Tidak ada di peta", "Not on the map"),
    "map.credit": (
        "Batas wilayah: cahyadsn/wilayah_boundaries, © 2024 Cahya DSN, lisensi MIT",
        "Boundaries: cahyadsn/wilayah_boundaries, © 2024 Cahya DSN, MIT licence",
    ),
    "regions": ("{n} wilayah", "{n} regions"),
    "regions.one": ("1 wilayah", "1 region"),
    "progress": ("{done} dari {total} TPS", "{done} of {total} TPS"),
    "progress.title": ("TPS yang sudah dihitung", "TPS counted"),
    "votes": ("{n} suara", "{n} votes"),
    "seats": ("{n} kursi", "{n} seats"),
    "seats.one": ("1 kursi", "1 seat"),
    "seats.open": ("Belum terbagi", "Not yet allocated"),
    "seats.total": ("{n} kursi", "{n} seats"),
    "provisional": ("sementara", "provisional"),
    "provisional.note": (
        "Sementara: perolehan kursi dapat berubah sampai hasil ditetapkan.",
        "Provisional: seats may change until the results are final.",
    ),
    "final": ("ditetapkan", "final"),
    "others": ("Lainnya", "Others"),
}


def text(key: str, lang: Lang, **fields: object) -> str:
    """``key`` of :data:`TEXT` in ``lang`` (Indonesian first), its places filled."""
    text_id, text_en = TEXT[key]
    chosen = text_en if lang == "en" else text_id
    return chosen.format(**fields) if fields else chosen


def counted_text(key: str, n: int, lang: Lang, shown: str) -> str:
    """``key`` for ``n`` things (``key.one`` when ``n`` is 1), ``shown`` being ``n``
    as the language writes it."""
    one = f"{key}.one"
    return text(one, lang) if n == 1 and one in TEXT else text(key, lang, n=shown)


def pair(number: str, label: str) -> Category:
    """Pair ``number`` ("01") as a category, shown as ``label`` (its names)."""
    colour, pattern = PAIR_COLOURS.get(number, (_SPARE[0], "cross"))
    return Category(f"paslon-{number}", label, colour, pattern)


def party(number: str, label: str) -> Category:
    """Party ``number`` ("1".."24", as the 2024 ballot numbers them) as a category."""
    return Category(f"partai-{number}", label, PARTY_COLOURS.get(number, _SPARE[0]))


def no_data(lang: Lang) -> Category:
    """A region with nothing to show yet: grey, striped (so it is never taken for
    "no findings", pale and plain)."""
    return Category("nodata", text("nodata", lang), NO_DATA_COLOUR, "lines")


def integrity(level: IntegrityLevel, lang: Lang) -> Category:
    colour, pattern = INTEGRITY_STYLE[level]
    return Category(f"integritas-{level}", text(f"integrity.{level}", lang), colour, pattern)


INTEGRITY_OF_ANOMALY: Final[dict[str, IntegrityLevel]] = {
    "recap-difference": "dhasil",
    "inconsistent": "held",
    "witness-dispute": "disputes",
    "correction": "corrections",
}
"""The anomaly types of a snapshot's ``anomalies`` (docs/recap.md) each level stands
for; flags (screening, still counted) are not an integrity level."""


def integrity_level(anomalies: Mapping[str, object]) -> IntegrityLevel:
    """The gravest level among a region's ``anomalies`` counts (a snapshot's or a
    child's, as published): ``dhasil`` when a D.Hasil within it differs, then ``held``,
    ``disputes``, ``corrections``; ``none`` when none of these is counted."""
    for level in reversed(INTEGRITY_LEVELS[1:]):
        kinds = [k for k, v in INTEGRITY_OF_ANOMALY.items() if v == level]
        if any(int(str(anomalies.get(k, 0))) > 0 for k in kinds):
            return level
    return "none"


SERIES: Final = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#000000",
)
"""Okabe and Ito's eight colours, for series that are neither pairs nor parties (a
province's DPD candidates)."""


def series(index: int) -> str:
    """The colour of the ``index``-th series (from 0), Okabe and Ito's, then Green-
    Armytage's alphabet as the parties use it, round again after 32."""
    colours = (*SERIES, *PARTY_COLOURS.values())
    return colours[index % len(colours)]


def progress_class(done: int, expected: int) -> int:
    """0 when nothing is counted, else 1-4 by the quarter reached (100% is class 4)."""
    if done <= 0 or expected <= 0:
        return 0
    share = 100.0 * done / expected
    return next((i for i in (1, 2, 3) if share < PROGRESS_BOUNDS[i]), 4)


def progress(done: int, expected: int, lang: Lang) -> Category:
    level = progress_class(done, expected)
    pattern: Pattern = "dots" if level == 0 else ""
    return Category(
        f"progres-{level}", text(f"progress.{level}", lang), PROGRESS_BLUES[level], pattern
    )


def luminance(colour: str) -> float:
    """The relative luminance of ``#rrggbb`` (WCAG 2)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ink(colour: str) -> str:
    """Black or white, whichever shows better on ``colour`` (for a pattern's marks)."""
    return "#000000" if luminance(colour) > 0.18 else "#ffffff"


__all__ = [
    "INTEGRITY_LEVELS",
    "INTEGRITY_OF_ANOMALY",
    "NO_DATA_COLOUR",
    "PAIR_COLOURS",
    "PARTY_COLOURS",
    "PATTERNS",
    "SERIES",
    "Category",
    "IntegrityLevel",
    "Pattern",
    "counted_text",
    "fill_of",
    "ink",
    "integrity",
    "integrity_level",
    "luminance",
    "no_data",
    "num_attr",
    "pair",
    "party",
    "pattern_def",
    "progress",
    "progress_class",
    "series",
    "swatch",
    "text",
]


# --- drawing a category: its pattern and its swatch -----------------------------------


def num_attr(value: float) -> str:
    """A coordinate as short as it can be written: ``12``, ``3.5``, ``0.25``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


_ROTATION: Final[dict[str, str]] = {"hatch": "45", "back": "-45", "cross": "45"}


def pattern_def(id_: str, category: Category, size: float) -> Markup:
    """An SVG ``<pattern>`` named ``id_`` (a name this package made, never data): the
    category's colour with its marks, ``size`` user units a tile."""
    s = num_attr(size)
    mark = ink(category.colour)
    stripe = num_attr(size * 0.25)
    half = num_attr(size / 2)
    marks = {
        "hatch": f'<rect width="{stripe}" height="{s}"/>',
        "back": f'<rect width="{stripe}" height="{s}"/>',
        "cross": f'<rect width="{stripe}" height="{s}"/><rect width="{s}" height="{stripe}"/>',
        "grid": f'<rect width="{stripe}" height="{s}"/><rect width="{s}" height="{stripe}"/>',
        "lines": f'<rect width="{s}" height="{stripe}"/>',
        "dots": f'<circle cx="{half}" cy="{half}" r="{num_attr(size * 0.22)}"/>',
    }[category.pattern]
    rotate = _ROTATION.get(category.pattern)
    transform = f' patternTransform="rotate({rotate})"' if rotate else ""
    return Markup(
        f'<pattern id="{esc(id_)}" patternUnits="userSpaceOnUse" width="{s}" height="{s}"'
        f'{transform}><rect width="{s}" height="{s}" fill="{esc(category.colour)}"/>'
        f'<g fill="{mark}" fill-opacity="0.45">{marks}</g></pattern>'
    )


def fill_of(category: Category, id_: str) -> str:
    """The ``fill`` of a shape of ``category``: its colour, or its pattern ``id_``."""
    return f"url(#{id_})" if category.pattern else category.colour


def swatch(category: Category, id_: str) -> Markup:
    """A small square of the category's colour and pattern, hidden from screen readers
    (the label beside it says the same); ``id_`` names its pattern (none: the colour
    alone, for charts whose shapes are drawn without pattern)."""
    patterned = bool(category.pattern and id_)
    defs = f"<defs>{pattern_def(id_, category, 8)}</defs>" if patterned else ""
    fill = fill_of(category, id_) if patterned else category.colour
    return Markup(
        f'<svg class="sw" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" '
        f'focusable="false">{defs}<rect x="0.5" y="0.5" width="19" height="19" '
        f'fill="{esc(fill)}"/></svg>'
    )
