"""The map in Debian's chromium: a reader drills down from the nation to a province to
a kab/kota by clicking the map's regions, for PPWP and for DPR, at a phone's width
(390x844) and a laptop's (1280x900).

The dashboard's routes alone, served by uvicorn in this process over the small
published format v2 night (tests/dashboard/factory.py, ``legislative=True``). On every
page: nothing scrolls sideways, the main numbers (shares, progress, the children's
cards or table, the seats) lie inside the screen's width, the map fits it; the integrity
layer is one link away and drilling down keeps it. No request may leave the origin.
Screenshots of each page go to ``test-output/dashboard-map/``.

Skipped with a reason when /usr/bin/chromium is absent (``.ci/run`` installs it).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import chromium, skip_reason
from tests.dashboard.test_browser import GEOMETRY_JS
from tests.dashboard.test_browser import OUTPUT as DASHBOARD_OUTPUT
from tests.dashboard.test_browser_legislative import url  # noqa: F401 (the server fixture)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(skip_reason()), reason=str(skip_reason()))]

OUTPUT = DASHBOARD_OUTPUT.parent / "dashboard-map"
SIZES = {"phone": (390, 844), "laptop": (1280, 900)}
MAIN_NUMBERS = (
    "#totals .ch-progress strong, #totals .ch-num, #parties .ch-num, "
    "#children td, #children .ch-card, .ch-seats li"
)
DRILLS = {  # contest -> the pages, each reached by clicking the next region on the map
    "ppwp": ["/", "/wilayah/32", "/wilayah/3201"],
    "dpr": ["/dpr", "/dpr/wilayah/32", "/dpr/wilayah/3201"],
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def opened(browser: Any, base: str, size: str) -> tuple[Any, Any, list[str]]:
    width, height = SIZES[size]
    context = browser.new_context(base_url=base, viewport={"width": width, "height": height})
    page = context.new_page()
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(base) else None)
    return context, page, foreign


def check_fits(page: Any, path: str, size: str) -> None:
    width, _ = SIZES[size]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, size)
    cells = page.evaluate(GEOMETRY_JS, MAIN_NUMBERS)
    assert cells, f"{path}: no main numbers"
    off = [c for c in cells if c["left"] < 0 or c["right"] > width + 0.5]
    assert not off, f"{path} at {width}px: numbers off-screen sideways: {off[:3]}"
    maps = page.locator("svg.map")
    if maps.count():
        box = maps.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (path, box)


POINT_JS = """(href) => {
  const a = document.querySelector(`svg.map a[href="${href}"]`);
  a.scrollIntoView({block: "center"});
  const r = a.getBoundingClientRect();
  for (let i = 1; i < 16; i++) for (let j = 1; j < 16; j++) {
    const x = r.left + r.width * i / 16, y = r.top + r.height * j / 16;
    const hit = document.elementFromPoint(x, y);
    if (hit && hit.closest("a") === a) return {x: x, y: y};
  }
  return null;
}"""
"""A point of the screen where the region's own shape is (the middle of its box may
be another region's: Kota Bogor lies inside Kabupaten Bogor)."""


def click_region(page: Any, href: str) -> None:
    """Click the map's region linking ``href``, where a reader would: on its shape."""
    point = page.evaluate(POINT_JS, href)
    assert point, f"no visible point of the region {href}"
    page.mouse.click(point["x"], point["y"])


def shot_name(contest: str, path: str, size: str) -> str:
    """``ppwp-nasional-phone``, ``dpr-wilayah-32-laptop``: the contest, the page, the size."""
    where = path.strip("/").removeprefix(contest).strip("/").replace("/", "-")
    return f"{contest}-{where or 'nasional'}-{size}"


def shoot(page: Any, name: str) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)
    print(f"screenshot: {OUTPUT}/{name}.png", file=sys.stderr)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("contest", list(DRILLS))
def test_a_reader_drills_down_by_clicking_the_map(
    browser: Any,
    url: str,  # noqa: F811 (the fixture imported above)
    contest: str,
    size: str,
) -> None:
    context, page, foreign = opened(browser, url, size)
    try:
        pages = DRILLS[contest]
        page.goto(pages[0])
        for here, there in itertools.pairwise(pages):
            check_fits(page, here, size)
            shoot(page, shot_name(contest, here, size))
            region = page.locator(f'svg.map a[href="{there}"]')
            assert region.count() == 1, (here, there)
            assert region.locator("title").text_content().startswith("JAWA BARAT" if
                there.endswith("32") else "BOGOR")  # fmt: skip
            click_region(page, there)
            page.wait_for_url(f"**{there}")
        last = pages[-1]
        assert page.locator("svg.map").count() == 0  # a kab/kota: its children's cards
        check_fits(page, last, size)
        shoot(page, shot_name(contest, last, size))
        visible = page.locator("#children .ch-card").first.is_visible()
        assert visible == (size == "phone")  # cards on a phone, the wide table elsewhere
        assert page.locator("#children table").first.is_visible() == (size != "phone")
    finally:
        context.close()
    assert not foreign, f"requests to other origins: {foreign}"


@pytest.mark.parametrize("size", list(SIZES))
def test_the_integrity_layer_is_a_link_away_and_stays_on_the_way_down(
    browser: Any,
    url: str,  # noqa: F811 (the fixture imported above)
    size: str,
) -> None:
    context, page, foreign = opened(browser, url, size)
    try:
        page.goto("/")
        page.locator("nav.layers").get_by_role("link", name="Integritas").click()
        page.wait_for_url("**/?lapisan=integritas")
        current = page.locator('nav.layers a[aria-current="page"]')
        assert current.inner_text() == "Integritas"
        legend = page.locator("#map .legend").inner_text()
        assert "D.Hasil berbeda" in legend  # DKI Jakarta's inflated D.Hasil
        check_fits(page, "/?lapisan=integritas", size)
        shoot(page, f"ppwp-nasional-integritas-{size}")
        page.locator('svg.map a[href="/wilayah/31?lapisan=integritas"]').focus()
        page.keyboard.press("Enter")  # the keyboard reaches a region too
        page.wait_for_url("**/wilayah/31?lapisan=integritas")
        assert page.locator('nav.layers a[aria-current="page"]').inner_text() == "Integritas"
        check_fits(page, "/wilayah/31?lapisan=integritas", size)
        shoot(page, f"ppwp-wilayah-31-integritas-{size}")
    finally:
        context.close()
    assert not foreign, f"requests to other origins: {foreign}"
