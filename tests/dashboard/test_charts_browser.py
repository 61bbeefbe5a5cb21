"""The map and the charts in Debian's chromium, under the dashboard's own CSP.

The building blocks are not on the pages yet, so this serves one page of them (the
national map, a province's map, the charts), with the dashboard's style sheet and
``charts.css`` appended, over HTTP with the dashboard's Content-Security-Policy. It
checks what only a browser can: the policy refuses nothing (colours and patterns are
presentation attributes, not styles), the keyboard reaches the map's regions and each
has its accessible name, nothing scrolls sideways at 390 px, no request leaves the
origin. Screenshots at phone and desktop widths go to
``test-output/dashboard-charts/`` (git-ignored). Skipped without /usr/bin/chromium.
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from saksi.dashboard.assets import CSS, FAVICON
from saksi.dashboard.charts import (
    CHARTS_CSS,
    Seats,
    Share,
    hemicycle,
    progress_bar,
    region_card,
    share_bars,
)
from saksi.dashboard.palette import INTEGRITY_LEVELS, integrity, pair, party
from saksi.dashboard.svgmap import MapRegion, national_map, province_map, provinces, shapes_of
from saksi.service.routes_dashboard import CSP
from tests.browser import chromium, skip_reason

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "dashboard-charts"
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
PAIRS = (pair("01", "Paslon 01"), pair("02", "Paslon 02"), pair("03", "Paslon 03"))

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(skip_reason()), reason=str(skip_reason()))]


def body() -> str:
    nation = [
        MapRegion(c, f"PROVINSI {c}", PAIRS[i % 3], f"/wilayah/{c}?pemilihan=ppwp", "50,00%")
        for i, c in enumerate(sorted(provinces()))
    ]
    nation.append(MapRegion("99", "LUAR NEGERI", PAIRS[1], "/wilayah/99?pemilihan=ppwp"))
    jabar = [
        MapRegion(s.code, f"KAB {s.code}", integrity(INTEGRITY_LEVELS[i % 5], "id"), f"/w/{s.code}")
        for i, s in enumerate(shapes_of("32"))
    ]
    shares = [Share(PAIRS[0], 40_971_906), Share(PAIRS[1], 96_214_691), Share(PAIRS[2], 27_040_878)]
    seats = [Seats(party(n, f"Partai {n}"), k) for n, k in (("1", 68), ("2", 86), ("3", 110))]
    return (
        national_map(nation, lang="id", title="Paslon terdepan")
        + province_map(jabar, "32", lang="id", title="Jawa Barat", id_prefix="jabar")
        + progress_bar(12_345, 823_366, "id")
        + share_bars(shares, "id", title="Perolehan suara")
        + '<div class="ch-cards">'
        + region_card("KABUPATEN KEPULAUAN SERIBU", "/w/3101", shares, "id", done=3, expected=4)
        + region_card("JAWA BARAT", "/w/32", shares, "id", done=1, expected=4)
        + "</div>"
        + hemicycle(seats, "id", title="Kursi DPR", total=580)
    )


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("charts")
    (folder / "dashboard.css").write_text(CSS + CHARTS_CSS, encoding="utf-8")
    (folder / "favicon.ico").write_bytes(FAVICON.data)  # asked for by every browser
    (folder / "index.html").write_text(
        '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Peta dan grafik</title><link rel="stylesheet" href="/dashboard.css"></head>'
        f'<body><main id="main">{body()}</main></body></html>',
        encoding="utf-8",
    )
    handler = functools.partial(_Handler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    foreign: list[str] = []
    complaints: list[str] = []
    opened.on("request", lambda r: None if r.url.startswith(site) else foreign.append(r.url))
    opened.on(
        "console",
        lambda m: complaints.append(m.text) if m.type in ("error", "warning") else None,
    )
    opened.on("pageerror", lambda e: complaints.append(str(e)))
    opened.goto("/")
    yield opened
    context.close()
    assert not foreign, f"requests to other origins: {foreign}"
    assert not complaints, f"the browser complained: {complaints}"


def test_the_policy_refuses_nothing_and_the_colours_and_patterns_apply(page: Any) -> None:
    first = page.locator("svg.map a path").first
    assert first.evaluate("p => getComputedStyle(p).fill") == "rgb(0, 158, 115)"  # 01's
    hatched = page.locator("svg.map a path").nth(1)
    assert hatched.evaluate("p => getComputedStyle(p).fill").startswith("url(")
    assert page.locator("svg.map pattern").count() > 0
    rule = "r => getComputedStyle(r).stroke"
    assert page.locator("svg.ch-bar rect").nth(1).evaluate(rule) == "rgb(74, 74, 74)"  # the sheet


def test_the_keyboard_reaches_every_region_and_each_has_its_name(page: Any) -> None:
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('svg.map') !== null")
    assert focused, "the first Tab lands on the first region"
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert href == "/wilayah/11?pemilihan=ppwp"
    for _ in range(37):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == (
        "/wilayah/96?pemilihan=ppwp"
    )
    tree = page.locator("svg.map").first.aria_snapshot()  # as assistive technology reads it
    names = [line.strip() for line in tree.splitlines() if line.strip().startswith("- 'link")]
    assert len(names) == 38
    assert "- 'link \"PROVINSI 32: Paslon 03, 50,00%\"':" in names
    link = page.get_by_role("link", name="PROVINSI 32: Paslon 03, 50,00%", exact=True)
    assert link.count() == 1
    page.route("**/wilayah/**", lambda route: route.fulfill(body="ok", content_type="text/plain"))
    link.click()  # the region's page (answered here: the pages do not show maps yet)
    page.wait_for_url("**/wilayah/32?pemilihan=ppwp")


def test_nothing_scrolls_sideways_on_a_phone_and_screenshots_are_kept(page: Any) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.locator("details.twin").first.evaluate("d => { d.open = true; }")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, label
        page.screenshot(path=str(OUTPUT / f"charts-{label}.png"), full_page=True)
    cards = page.locator(".ch-card")
    page.set_viewport_size({"width": 390, "height": 844})
    for i in range(cards.count()):
        box = cards.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    print(f"screenshots: {OUTPUT}/charts-*.png", file=sys.stderr)
