"""The five ballots' pages in Debian's chromium at a phone's width (390x844).

The dashboard's routes alone, served by uvicorn in this process over a small published
format v2 night (tests/dashboard/factory.py, ``legislative=True``): a legislative
region page, a dapil page with its candidates, DPD's page of a province and a TPS page
with every contest's form. Each is measured, as test_browser.py does: the page never
scrolls sideways, its main numbers lie inside the screen's width, every link and
button is at least 44x44 px; a reader switches contest and opens a candidate found by
search. Screenshots go to ``test-output/dashboard/``. No request may leave the origin.

Skipped with a reason when /usr/bin/chromium is absent (``.ci/run`` installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import chromium, skip_reason
from tests.dashboard.factory import Site, build
from tests.dashboard.served import dashboard_app, served
from tests.dashboard.test_browser import GEOMETRY_JS, OUTPUT, TAP, TARGETS_JS

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(skip_reason()), reason=str(skip_reason()))]

PHONE = (390, 844)
TPS = "3201012001001"  # in Jawa Barat: all five ballots
MAIN_NUMBERS = {
    "/dpr/wilayah/32": "#party-table td.num, #children .ch-card, #dapil-table td",
    "/dprd-prov/dapil/320001": "#party-table td.num, details[open] td.num",
    "/dpd/dapil/31": "#dpd-table td.num, #candidates .ch-num",
    f"/tps/{TPS}": "section.contest td.num",
}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site: Site = build(tmp_path_factory.mktemp("v2-browser"), legislative=True)
    with served(dashboard_app(site.results, site.log), "/dpr.json") as base:
        yield base


@pytest.fixture
def page(url: str) -> Iterator[Any]:
    with chromium() as browser:
        context = browser.new_context(
            base_url=url, viewport={"width": PHONE[0], "height": PHONE[1]}
        )
        opened = context.new_page()
        foreign: list[str] = []
        opened.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(url) else None)
        errors: list[str] = []
        opened.on("pageerror", lambda e: errors.append(str(e)))
        yield opened
        context.close()
        assert not foreign, f"requests to other origins: {foreign}"
        assert not errors, f"script errors: {errors}"


def test_the_legislative_pages_fit_a_phone(page: Any) -> None:
    width, height = PHONE
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for path, selector in MAIN_NUMBERS.items():
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        cells = page.evaluate(GEOMETRY_JS, selector)
        assert cells, f"{path}: nothing matches {selector}"
        off = [c for c in cells if c["left"] < 0 or c["right"] > width + 0.5]
        assert not off, f"{path} at {width}px: numbers off-screen sideways: {off[:3]}"
        cut = [c for c in cells if c["top"] < 0 or c["bottom"] > height]
        assert not cut, f"{path} at {width}px: cells not in the viewport: {cut[:3]}"
        small = [t for t in page.evaluate(TARGETS_JS) if t["w"] < TAP or t["h"] < TAP]
        assert not small, f"{path} at {width}px: tap targets under {TAP} px: {small[:3]}"
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=str(OUTPUT / f"{name}-phone.png"), full_page=True)


def test_a_reader_switches_contest_and_finds_a_candidate(page: Any) -> None:
    page.goto("/wilayah/32")
    page.locator("nav.contests").get_by_role("link", name="DPR", exact=True).click()
    page.wait_for_url("**/dpr/wilayah/32")
    current = page.locator('nav.contests a[aria-current="page"]')
    assert current.inner_text() == "DPR"
    page.fill("#q", "eko rahman")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cari?q=eko+rahman")
    page.locator("#candidates-found a").first.click()
    page.wait_for_url("**/dpd/dapil/31#calon-1")
    row = page.locator("#calon-1")
    assert row.is_visible() and "terpilih" in row.inner_text()
    assert "Eko Rahman, S.Sos." in row.inner_text()
