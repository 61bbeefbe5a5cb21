"""The charts and the palette: numbers beside every shape, well-formed SVG, no style."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET

import pytest

from saksi.dashboard.charts import (
    CHARTS_CSS,
    Seats,
    Share,
    hemicycle,
    progress_bar,
    region_card,
    seat_layout,
    share_bars,
    stacked_bar,
)
from saksi.dashboard.html import Markup
from saksi.dashboard.palette import (
    INTEGRITY_LEVELS,
    PAIR_COLOURS,
    PARTY_COLOURS,
    Category,
    integrity,
    integrity_level,
    no_data,
    pair,
    party,
    progress_class,
    series,
)

PPWP = [
    Share(pair("01", "Anies - Muhaimin"), 40_971_906),
    Share(pair("02", "Prabowo - Gibran"), 96_214_691),
    Share(pair("03", "Ganjar - Mahfud"), 27_040_878),
]
DPR_2024 = [  # KPU's seat decision of 2024, by ballot number
    ("1", "PKB", 68),
    ("2", "Gerindra", 86),
    ("3", "PDI-P", 110),
    ("4", "Golkar", 102),
    ("5", "NasDem", 69),
    ("8", "PKS", 53),
    ("12", "PAN", 48),
    ("14", "Demokrat", 44),
]


def parse(html: Markup) -> ET.Element:
    return ET.fromstring(f"<root>{html}</root>")


def clean(html: str) -> None:
    """Nothing from another origin, nothing the Content-Security-Policy refuses."""
    assert not re.search(r"https?://|//[a-z]", html)
    assert "style=" not in html and "<style" not in html and "<script" not in html


def words(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


# --- progress and shares --------------------------------------------------------------


def test_progress_bar_says_the_numbers_in_each_language() -> None:
    for lang, said in (
        ("id", "TPS yang sudah dihitung 12.345 dari 823.366 TPS (1,50%)"),
        ("en", "TPS counted 12,345 of 823,366 TPS (1.50%)"),
    ):
        html = progress_bar(12_345, 823_366, lang)  # type: ignore[arg-type]
        root = parse(html)
        assert words(root) == said
        assert root.find(".//svg").get("aria-hidden") == "true"  # type: ignore[union-attr]
        clean(html)
    full = parse(progress_bar(10, 5, "id", label="Selesai"))
    widths = [r.get("width") for r in full.iter("rect")]
    assert widths == ["100", "100"]  # never longer than its track
    assert words(parse(progress_bar(0, 0, "en"))) == "TPS counted 0 of 0 TPS (0.00%)"


def test_share_bars_put_label_percent_and_votes_beside_each_bar() -> None:
    html = share_bars(PPWP, "id", title="Perolehan suara")
    root = parse(html)
    items = root.findall(".//li")
    assert [words(li) for li in items] == [
        "Anies - Muhaimin 24,95% (40.971.906 suara)",
        "Prabowo - Gibran 58,59% (96.214.691 suara)",
        "Ganjar - Mahfud 16,47% (27.040.878 suara)",
    ]
    bars = [li.findall(".//rect")[1] for li in items]
    assert [b.get("fill") for b in bars] == [PAIR_COLOURS[n][0] for n in ("01", "02", "03")]
    assert [float(b.get("width", "")) for b in bars] == pytest.approx(
        [24.95, 58.59, 16.47], abs=0.01
    )
    assert root.find(".//figcaption").text == "Perolehan suara"  # type: ignore[union-attr]
    clean(html)
    of_total = parse(share_bars(PPWP[:1], "en", title="x", total=81_943_812))
    assert words(of_total.find(".//li")) == "Anies - Muhaimin 50.00% (40,971,906 votes)"  # type: ignore[arg-type]


def test_stacked_bar_adds_up_to_the_whole_and_writes_each_share_in_order() -> None:
    root = parse(stacked_bar(PPWP, "en", title="JAWA BARAT"))
    segments = root.findall(".//svg[@class='ch-bar']/rect")[1:]
    assert sum(float(s.get("width", "")) for s in segments) == pytest.approx(100, abs=0.02)
    xs = [float(s.get("x", "")) for s in segments]
    assert xs == sorted(xs) and xs[0] == 0
    assert [words(li) for li in root.iter("li")] == [
        "Anies - Muhaimin 24.95%",
        "Prabowo - Gibran 58.59%",
        "Ganjar - Mahfud 16.47%",
    ]
    assert root.find("div").get("aria-label") == "JAWA BARAT"  # type: ignore[union-attr]


def test_stacked_bar_sums_the_smallest_parties_as_others() -> None:
    items = [Share(party(str(n), f"Partai {n}"), 1000 * n) for n in range(1, 25)]
    root = parse(stacked_bar(items, "id", title="ACEH", keep=4))
    keys = [li.get("data-key") for li in root.iter("li")]
    assert keys == ["partai-22", "partai-23", "partai-24", "lainnya"]  # the largest, in order
    whole = sum(i.votes for i in items)
    others = sum(1000 * n for n in range(1, 22))
    assert words(list(root.iter("li"))[-1]) == f"Lainnya {100 * others / whole:.2f}%".replace(
        ".", ","
    )


def test_region_card_links_its_region_and_escapes_its_name() -> None:
    name = 'KOTA <A> & "B"'
    html = region_card(name, "/wilayah/3171?pemilihan=ppwp", PPWP, "id", done=3, expected=4)
    assert "<A>" not in html
    root = parse(html)
    a = root.find(".//h3/a")
    assert a is not None and a.text == name and a.get("href") == "/wilayah/3171?pemilihan=ppwp"
    assert words(root.find(".//p")) == "3 dari 4 TPS (75,00%)"  # type: ignore[arg-type]
    assert len(list(root.iter("li"))) == 3
    clean(html)


# --- seats ----------------------------------------------------------------------------


@pytest.mark.parametrize("total", [1, 2, 3, 4, 5, 10, 20, 35, 45, 50, 55, 65, 100, 120, 580, 600])
def test_seat_layout_places_every_seat_without_overlap_on_the_half_disc(total: int) -> None:
    seats = seat_layout(total)
    assert len(seats) == total
    for x, y, r in seats:
        assert y >= -1e-9 and math.hypot(x, y) <= 1 + 1e-9
        assert 0 < r <= 0.2
    for (x1, y1, r1), (x2, y2, r2) in itertools.combinations(seats, 2):
        assert math.hypot(x1 - x2, y1 - y2) >= r1 + r2 - 1e-6
    angles = [round(math.atan2(y, x), 9) for x, y, _ in seats]
    assert angles == sorted(angles, reverse=True)  # left to right: each party a wedge


def circles(root: ET.Element) -> list[ET.Element]:
    return list(root.iter("circle"))


def test_the_dpr_chart_has_580_seats_each_party_its_own_and_its_number_beside() -> None:
    parties = [Seats(party(n, name), seats) for n, name, seats in DPR_2024]
    html = hemicycle(parties, "id", title="Kursi DPR", total=580)
    root = parse(html)
    assert len(circles(root)) == 580
    groups = root.findall(".//svg/g")
    assert [len(g.findall("circle")) for g in groups] == [s for _, _, s in DPR_2024]
    assert [g.find("title").text for g in groups][:2] == ["PKB: 68 kursi", "Gerindra: 86 kursi"]  # type: ignore[union-attr]
    for g, (n, _, _) in zip(groups, DPR_2024, strict=True):
        assert {c.get("fill") for c in g.findall("circle")} == {PARTY_COLOURS[n]}
    legend = [words(li) for li in root.iter("li")]
    assert legend[:3] == ["PKB 68 kursi", "Gerindra 86 kursi", "PDI-P 110 kursi"]
    assert len(legend) == 8
    svg = root.find(".//svg")
    assert svg is not None and svg.get("aria-label") == "Kursi DPR: 580 kursi, sementara"
    assert [t.text for t in svg.iter("text")] == ["580", "sementara"]
    clean(html)


def test_provisional_seats_say_so_in_words_and_final_ones_do_not() -> None:
    parties = [Seats(party("1", "PKB"), 3), Seats(party("3", "PDI-P"), 2)]
    provisional = parse(hemicycle(parties, "en", title="DPRD", provisional=True))
    assert "prov" in provisional.find("figure").get("class", "").split()  # type: ignore[union-attr]
    text = words(provisional)
    assert "provisional" in text and "Provisional: seats may change" in text
    final = parse(hemicycle(parties, "en", title="DPRD", provisional=False))
    assert "provisional" not in words(final).lower() and "final" in words(final)
    assert "prov" not in final.find("figure").get("class", "").split()  # type: ignore[union-attr]
    assert "sementara" in words(parse(hemicycle(parties, "id", title="DPRD")))


def test_seats_not_yet_allocated_are_drawn_empty_and_counted() -> None:
    parties = [Seats(party("1", "PKB"), 12), Seats(party("2", "Gerindra"), 5)]
    root = parse(hemicycle(parties, "id", title="DPRD Kota", total=20))
    assert len(circles(root)) == 20
    assert len([c for c in circles(root) if c.get("class") == "open"]) == 3
    assert [words(li) for li in root.iter("li")][-1] == "Belum terbagi 3 kursi"


def test_a_dpd_of_four_and_a_party_with_one_seat() -> None:
    senators = [Seats(Category(f"dpd-{i}", f"Calon {i}", "#0075dc"), 1) for i in range(1, 5)]
    root = parse(hemicycle(senators, "id", title="DPD Aceh", total=4, provisional=False))
    assert len(circles(root)) == 4
    assert [words(li) for li in root.iter("li")] == [f"Calon {i} 1 kursi" for i in range(1, 5)]


def test_more_seats_than_the_chamber_has_is_refused() -> None:
    with pytest.raises(ValueError, match="21 seats allocated of 20"):
        hemicycle([Seats(party("1", "PKB"), 21)], "id", title="x", total=20)


def test_chart_names_are_escaped() -> None:
    evil = Category("k", '<img src=x> & "q"', "#123456")
    for html in (
        share_bars([Share(evil, 1)], "id", title="<t>"),
        stacked_bar([Share(evil, 1)], "id", title="<t>"),
        hemicycle([Seats(evil, 2)], "id", title="<t>", total=3),
    ):
        assert "<img" not in html and "<t>" not in html
        assert '<img src=x> & "q"' in words(parse(html))
        clean(html)


# --- the palette and the style --------------------------------------------------------


def test_every_pair_and_party_has_its_own_colour() -> None:
    assert sorted(PAIR_COLOURS) == ["01", "02", "03"]
    assert sorted(PARTY_COLOURS, key=int) == [str(n) for n in range(1, 25)]
    colours = [c for c, _ in PAIR_COLOURS.values()]
    assert len(set(PARTY_COLOURS.values())) == 24 and len(set(colours)) == 3
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in [*colours, *PARTY_COLOURS.values()])


_SIMULATE = {  # Machado, Oliveira and Fernandes (2009), severity 1, on linear RGB
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
}


def _linear(colour: str) -> list[float]:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def _lab(rgb: list[float]) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))


def _seen(colour: str, matrix: tuple[tuple[float, ...], ...]) -> list[float]:
    rgb = _linear(colour)
    return [max(0.0, min(1.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix]


def _closest(colours: list[str]) -> float:
    """The smallest colour difference (CIE76) between two of ``colours`` as people with
    deuteranopia or protanopia see them."""
    return min(
        math.dist(_lab(_seen(a, m)), _lab(_seen(b, m)))
        for m in _SIMULATE.values()
        for a, b in itertools.combinations(colours, 2)
    )


def test_the_pairs_stay_apart_for_people_who_cannot_tell_red_from_green() -> None:
    assert _closest([c for c, _ in PAIR_COLOURS.values()]) > 30
    assert len({p for _, p in PAIR_COLOURS.values()}) == 3  # and a pattern each


def test_integrity_levels_differ_by_pattern_and_by_colour_seen_without_red_green() -> None:
    levels = [integrity(level, "id") for level in INTEGRITY_LEVELS]
    marks = [c.pattern for c in [*levels, no_data("id")]]
    assert len(set(marks)) == len(marks)
    assert _closest([c.colour for c in levels]) > 15
    assert [c.label for c in levels] == [
        "Tanpa temuan",
        "Ada koreksi",
        "Salinan saksi berbeda",
        "Formulir ditahan",
        "D.Hasil berbeda",
    ]
    assert integrity("dhasil", "en").label == "D.Hasil differs"


def test_progress_classes_are_quarters() -> None:
    cases = {(0, 10): 0, (1, 10): 1, (25, 100): 2, (50, 100): 3, (75, 100): 4, (10, 10): 4}
    for (done, expected), level in cases.items():
        assert progress_class(done, expected) == level


def test_the_style_covers_every_class_the_charts_and_the_map_use() -> None:
    assert "style-src" not in CHARTS_CSS and "url(http" not in CHARTS_CSS
    for name in ("svgmap", "legend", "offmap", "twin", "credit", "sw", "ch-bar", "ch-track",
                 "ch-shares", "ch-stack", "ch-card", "ch-cards", "ch-seats", "prov", "open",
                 "ch-total", "ch-state", "ch-progress", "ch-num", "ch-name", "bg"):  # fmt: skip
        assert re.search(rf"\.{name}\b", CHARTS_CSS), name


def test_a_regions_integrity_level_is_its_gravest_finding() -> None:
    every = {"inconsistent": 1, "flag": 3, "witness-dispute": 2, "recap-difference": 1}
    assert integrity_level(every | {"correction": 4}) == "dhasil"
    assert integrity_level(every | {"recap-difference": 0}) == "held"
    assert integrity_level({"witness-dispute": 2, "correction": 1}) == "disputes"
    assert integrity_level({"correction": "1"}) == "corrections"  # as JSON may hold it
    assert integrity_level({"flag": 9}) == "none"  # flags are screening, still counted
    assert integrity_level({}) == "none"


def test_series_colours_are_distinct_for_a_dpd_and_beyond() -> None:
    assert len({series(i) for i in range(32)}) == 32
    assert series(0) == series(32)


def test_empty_charts_say_zero_rather_than_fail() -> None:
    nothing = [Share(pair("01", "01"), 0), Share(pair("02", "02"), 0)]
    stacked = parse(stacked_bar(nothing, "id", title="Belum ada"))
    assert len(stacked.findall(".//svg[@class='ch-bar']/rect")) == 1  # the track alone
    assert [words(li) for li in stacked.iter("li")] == ["01 0,00%", "02 0,00%"]
    assert "0,00% (0 suara)" in words(parse(share_bars(nothing, "id", title="x")))
    chamber = parse(hemicycle([], "id", title="DPRD", total=20))
    assert len(circles(chamber)) == 20
    assert all(c.get("class") == "open" for c in circles(chamber))
    assert len(circles(parse(hemicycle([], "id", title="DPRD")))) == 0
