"""A legislative contest's integrity layer in Debian's chromium, as PPWP's
(tests/dashboard/test_browser_map.py), at a phone's width and a laptop's.

The small published format v2 night (tests/dashboard/factory.py) with a DPR D.Hasil of
kab/kota BOGOR raised over its forms and a DPR witness copy there that differs from its
form (``dhasil_raised``), served by the dashboard's routes alone under uvicorn in this
process. A reader opens DPR's integrity layer: the legend and JAWA BARAT's region say
"D.Hasil berbeda" and the differing copy; clicking the region keeps the layer; the
province's findings link DPR's Anomali list of D.Hasil differences, which lists the
one D.Hasil with its dapil and numbers; its twin says the same. No request leaves the
origin; screenshots go to ``test-output/dashboard-map/``.

Skipped with a reason when /usr/bin/chromium is absent (``.ci/run`` installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import chromium, skip_reason
from tests.dashboard.factory import RAISED, build, dhasil_raised
from tests.dashboard.served import dashboard_app, served
from tests.dashboard.test_browser_map import SIZES, check_fits, click_region, opened, shoot

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(skip_reason()), reason=str(skip_reason()))]


@pytest.fixture(scope="module")
def raised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = build(tmp_path_factory.mktemp("v2-raised"), legislative=True, more=dhasil_raised)
    with served(dashboard_app(site.results, site.log), "/dpr.json") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.mark.parametrize("size", list(SIZES))
def test_dprs_integrity_layer_shows_a_dhasil_difference_and_a_dispute(
    browser: Any, raised: str, size: str
) -> None:
    context, page, foreign = opened(browser, raised, size)
    try:
        page.goto("/dpr")
        page.locator("nav.layers").get_by_role("link", name="Integritas").click()
        page.wait_for_url("**/dpr?lapisan=integritas")
        legend = page.locator("#map .legend").inner_text()
        assert "D.Hasil berbeda" in legend  # the gravest finding of a region colours it
        jabar = page.locator('svg.map a[href="/dpr/wilayah/32?lapisan=integritas"]')
        title = jabar.locator("title").text_content()
        assert title.startswith("JAWA BARAT: D.Hasil berbeda"), title
        assert "salinan berbeda: 1" in title  # the dispute beside it, in its words
        twin = page.locator("#map details.twin")
        twin.locator("summary").click()  # the table twin says the same in words
        assert "D.Hasil berbeda" in twin.inner_text()
        check_fits(page, "/dpr?lapisan=integritas", size)
        shoot(page, f"dpr-nasional-integritas-{size}")
        click_region(page, "/dpr/wilayah/32?lapisan=integritas")
        page.wait_for_url("**/dpr/wilayah/32?lapisan=integritas")
        assert page.locator('nav.layers a[aria-current="page"]').inner_text() == "Integritas"
        bogor = page.locator('svg.map a[href="/dpr/wilayah/3201?lapisan=integritas"]')
        assert bogor.locator("title").text_content().startswith("BOGOR: D.Hasil berbeda")
        check_fits(page, "/dpr/wilayah/32?lapisan=integritas", size)
        shoot(page, f"dpr-wilayah-32-integritas-{size}")
        findings = page.locator("#findings")
        assert "(dapil JAWA BARAT I)" in findings.inner_text()
        findings.locator('a[href*="type=recap-difference"]').first.click()
        page.wait_for_url("**/dpr/anomali?type=recap-difference&region=32")
        listed = page.locator("#anomalies")
        assert listed.locator("tbody tr").count() == 1
        text = listed.inner_text()
        assert "BOGOR" in text and "dapil JAWA BARAT I" in text and f"(+{RAISED})" in text
        shoot(page, f"dpr-anomali-recap-difference-{size}")
        data = page.request.get("/dpr/anomali.json?type=witness-dispute&region=32").json()
        assert [a["party"] for a in data["anomalies"]] == ["2"]
    finally:
        context.close()
    assert not foreign, f"requests to other origins: {foreign}"
