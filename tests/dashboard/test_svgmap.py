"""The map: the shipped boundaries and the inline SVG drawn from them (no server)."""

from __future__ import annotations

import fnmatch
import gzip
import re
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from saksi.dashboard.html import Markup
from saksi.dashboard.palette import (
    INTEGRITY_LEVELS,
    Category,
    integrity,
    no_data,
    pair,
    party,
    progress,
)
from saksi.dashboard.svgmap import (
    MapRegion,
    kabkota,
    licence,
    national_map,
    province_map,
    provinces,
    shapes_of,
    wilayah_href,
)
from saksi.text import display_text
from tests.conftest import shared_path
from tools.geo import box_of, outputs

ROOT = Path(__file__).resolve().parents[2]
GEO = ROOT / "saksi" / "dashboard" / "geo"
PAIRS = (pair("01", "Paslon 01"), pair("02", "Paslon 02"), pair("03", "Paslon 03"))


def parse(html: Markup) -> ET.Element:
    """The markup as XML (it must be well formed), in a root of its own."""
    return ET.fromstring(f"<root>{html}</root>")


def national_regions() -> list[MapRegion]:
    regions = [
        MapRegion(
            code,
            f"PROVINSI {code}",
            PAIRS[i % 3],
            wilayah_href(code, pemilihan="ppwp"),
            detail=f"{50 + i},00%",
        )
        for i, code in enumerate(sorted(provinces()))
    ]
    regions.append(MapRegion("99", "LUAR NEGERI", PAIRS[1], wilayah_href("99", pemilihan="ppwp")))
    return regions


def links_in_map(root: ET.Element) -> list[ET.Element]:
    svg = root.find(".//svg[@class='map']")
    assert svg is not None
    return svg.findall(".//a")


# --- the shipped data -----------------------------------------------------------------


def test_the_package_ships_38_provinces_and_514_kabkota_with_their_licence() -> None:
    assert len(provinces()) == 38
    assert len(kabkota()) == 514
    assert {s.province for s in kabkota().values()} == set(provinces())
    assert all(k.code.startswith(k.province) and len(k.code) == 4 for k in kabkota().values())
    notice = licence()
    assert "MIT License" in notice and "Copyright (c) 2024 Cahya DSN" in notice


def test_every_shipped_box_is_the_box_of_its_path() -> None:
    for shape in [*provinces().values(), *kabkota().values()]:
        assert shape.box == pytest.approx(box_of(shape.d), abs=0.051), shape.code


def test_box_of_follows_absolute_moves_and_relative_lines() -> None:
    assert box_of("M10 10l5 0 0 5-5 0zM1 2l-1-2z") == (0.0, 0.0, 15.0, 15.0)
    assert box_of("M1.5 2l.5.5-1-1z") == (1.0, 1.5, 2.0, 2.5)  # ".5.5": .5 and .5


def test_pyproject_ships_the_map_data_and_the_chart_style_in_the_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["saksi"]
    files = [*sorted(GEO.iterdir()), ROOT / "saksi" / "dashboard" / "charts.css"]
    assert len(files) == 4
    for path in files:
        inside = path.relative_to(ROOT / "saksi").as_posix()
        assert any(fnmatch.fnmatch(inside, p) for p in patterns), inside


@pytest.mark.shared
def test_the_shipped_files_are_what_tools_geo_writes_from_shared() -> None:
    source = shared_path("data", "geo")
    written = outputs(source)
    assert sorted(written) == sorted(p.name for p in GEO.iterdir())
    for name, data in written.items():
        assert (GEO / name).read_bytes() == data, f"{name} is stale: run tools/geo.py"
    assert written == outputs(source)  # the same input, the same bytes


# --- the national map -----------------------------------------------------------------


def test_every_province_is_one_link_with_its_title_and_the_table_twin_has_every_region() -> None:
    regions = national_regions()
    html = national_map(regions, lang="id", title="Paslon terdepan per provinsi")
    root = parse(html)
    links = links_in_map(root)
    by_href = {a.get("href"): a for a in links}
    assert len(links) == len(by_href) == 38
    for r in regions[:-1]:
        a = by_href[r.href]
        title = a.find("title")
        assert title is not None and title.text == f"{r.name}: {r.category.label}, {r.detail}"  # type: ignore[union-attr]
        assert a.find("path") is not None
    table = root.find(".//details[@class='twin']//table")
    assert table is not None
    rows = table.findall("./tbody/tr")
    assert [row.find("td/a").text for row in rows] == [r.name for r in regions]  # type: ignore[union-attr]
    assert "/wilayah/32?pemilihan=ppwp" in by_href


def test_a_region_without_a_shape_is_listed_under_the_map_not_dropped() -> None:
    root = parse(national_map(national_regions(), lang="en", title="Leading pair"))
    off = root.find(".//div[@class='offmap']")
    assert off is not None and off.find("p").text == "Not on the map"  # type: ignore[union-attr]
    assert [a.get("href") for a in off.iter("a")] == ["/wilayah/99?pemilihan=ppwp"]
    assert "/wilayah/99?pemilihan=ppwp" not in {a.get("href") for a in links_in_map(root)}


def test_the_legend_lists_every_category_used_with_its_count() -> None:
    regions = national_regions()[:5]  # three pairs, then two more
    regions.append(MapRegion("11", "ACEH", None, "/wilayah/11"))
    root = parse(national_map(regions, lang="id", title="Peta"))
    legend = root.find(".//div[@class='legend']/ul")
    assert legend is not None
    items = {li.get("data-key"): "".join(li.itertext()) for li in legend}
    assert items == {
        "paslon-01": "Paslon 01 (2 wilayah)",
        "paslon-02": "Paslon 02 (2 wilayah)",
        "paslon-03": "Paslon 03 (1 wilayah)",
        "nodata": "Belum ada data (1 wilayah)",
    }


def test_the_legend_follows_the_order_given_then_first_use() -> None:
    levels = [integrity(level, "en") for level in reversed(INTEGRITY_LEVELS)]
    regions = [MapRegion(c, c, levels[i % 5], f"/wilayah/{c}") for i, c in enumerate(provinces())]
    regions.append(MapRegion("99", "LUAR NEGERI", party("5", "NasDem"), "/wilayah/99"))
    order = [f"integritas-{level}" for level in INTEGRITY_LEVELS]
    root = parse(national_map(regions, lang="en", title="Integrity", order=order))
    keys = [li.get("data-key") for li in root.iterfind(".//div[@class='legend']/ul/li")]
    assert keys == [*order, "partai-5"]


def test_shapes_the_caller_gave_nothing_for_are_grey_and_not_links() -> None:
    root = parse(national_map(national_regions()[:3], lang="id", title="Peta"))
    svg = root.find(".//svg[@class='map']")
    assert svg is not None
    assert len(svg.findall(".//a")) == 3
    assert len(svg.findall("./path[@class='bg']")) == 35


def test_patterns_are_defined_once_and_every_fill_refers_to_one() -> None:
    regions = [
        MapRegion(code, code, integrity(level, "id"), f"/wilayah/{code}")
        for code, level in zip(sorted(provinces()), INTEGRITY_LEVELS * 8, strict=False)
    ]
    html = national_map(regions, lang="id", title="Integritas", id_prefix="integ")
    ids = re.findall(r'<pattern id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) == 4 * 2  # four patterned levels: map and legend
    assert set(re.findall(r'fill="url\(#([^)]+)\)"', html)) == set(ids)
    assert all(i.startswith("integ-") for i in ids)


def test_names_are_escaped_and_shown_as_they_are() -> None:
    name = "A <b>&amp; \"B\" 'C'"
    category = Category("x<y", 'Label & "quotes"', "#123456", "hatch")
    regions = [MapRegion("31", name, category, '/wilayah/31?a=1&b="2"', detail="<i>")]
    regions.append(MapRegion("99", name, category, "/wilayah/99"))
    html = national_map(regions, lang="id", title="<script>")
    assert "<b>" not in html and "<i>" not in html and "<script>" not in html
    root = parse(html)
    a = links_in_map(root)[0]
    assert a.get("href") == '/wilayah/31?a=1&b="2"'
    assert a.find("title").text == f'{display_text(name)}: Label & "quotes", <i>'  # type: ignore[union-attr]
    assert root.find(".//figcaption").text == "<script>"  # type: ignore[union-attr]


def test_the_map_refers_to_nothing_of_another_origin_and_has_no_style_or_script() -> None:
    for html in (
        national_map(national_regions(), lang="id", title="Peta"),
        province_map([], "31", lang="en", title="Jakarta"),
    ):
        assert not re.search(r"https?://|//[a-z]", html)
        assert "style=" not in html and "<style" not in html and "<script" not in html
        assert "cahyadsn/wilayah_boundaries" in html and "MIT" in html  # the credit


def test_the_national_map_is_light_enough_for_a_200_kb_page() -> None:
    html = national_map(national_regions(), lang="id", title="Peta")
    raw = len(html.encode())
    zipped = len(gzip.compress(html.encode()))
    print(f"national map: {raw:,} bytes, {zipped:,} gzipped")
    assert zipped < 60_000  # leaves the page 140 KB for everything else


# --- a province's map -----------------------------------------------------------------


def test_a_province_map_draws_its_kabkota_fitted_to_its_view() -> None:
    kab = shapes_of("31")
    assert len(kab) == 6
    regions = [
        MapRegion(s.code, f"KOTA {s.code}", progress(i, 5, "id"), f"/wilayah/{s.code}")
        for i, s in enumerate(kab)
    ]
    root = parse(province_map(regions, "31", lang="id", title="DKI Jakarta"))
    svg = root.find(".//svg[@class='map']")
    assert svg is not None
    x, y, w, h = (float(v) for v in svg.get("viewBox", "").split())
    assert w < 60 and h < 60  # Jakarta, not the nation (1000 wide)
    for s in kab:
        x0, y0, x1, y1 = s.box
        assert x <= x0 and y <= y0 and x1 <= x + w and y1 <= y + h
    assert len(links_in_map(root)) == 6


def test_every_province_has_a_map_of_its_kabkota() -> None:
    for code in provinces():
        assert shapes_of(code), code
    assert shapes_of("99") == []
    assert shapes_of("0") == shapes_of("") and len(shapes_of("0")) == 38  # the nation's code


def test_wilayah_href_carries_the_query_and_quotes_the_code() -> None:
    assert wilayah_href("3171", pemilihan="dpr", lang="en") == "/wilayah/3171?pemilihan=dpr&lang=en"
    assert wilayah_href("31") == "/wilayah/31"
    assert wilayah_href("../x?y") == "/wilayah/..%2Fx%3Fy"


def test_a_map_of_a_scope_without_shapes_is_its_list_and_table() -> None:
    regions = [MapRegion("9901", "KUALA LUMPUR", party("2", "Gerindra"), "/wilayah/9901")]
    root = parse(province_map(regions, "99", lang="id", title="Luar negeri"))
    assert root.find(".//svg[@class='map']") is None
    assert [a.text for a in root.iterfind(".//div[@class='offmap']//a")] == [
        "KUALA LUMPUR: Gerindra"
    ]
    assert len(root.findall(".//details//tbody/tr")) == 1


def test_the_no_data_category_is_in_both_languages() -> None:
    assert no_data("id").label == "Belum ada data"
    assert no_data("en").label == "No data yet"
