"""What changed, the cited page and the embed view in Debian's chromium at a phone's width.

The dashboard's routes alone, served by uvicorn in this process over the small night
published at three checkpoints (tests/dashboard/history.py). Each page is measured as
test_browser.py does: it never scrolls sideways, its numbers lie inside the screen's
width and every link is at least 44x44 px; the embed page is framed by a page of
another origin (a second local port), which a region page refuses. Screenshots go to
``test-output/dashboard/``. No request may leave the two local origins.

Skipped with a reason when /usr/bin/chromium is absent (``.ci/run`` installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.responses import HTMLResponse

from tests.browser import chromium, skip_reason
from tests.dashboard.history import History, build_history
from tests.dashboard.served import dashboard_app, served
from tests.dashboard.test_browser import GEOMETRY_JS, OUTPUT, TAP, TARGETS_JS
from tests.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(skip_reason()), reason=str(skip_reason()))]

PHONE = (390, 844)


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> History:
    return build_history(tmp_path_factory.mktemp("history-browser"))


@pytest.fixture(scope="module")
def urls(night: History) -> Iterator[tuple[str, str]]:
    other = FastAPI()  # another origin, framing the dashboard's pages
    with served(dashboard_app(night.site.results, night.site.log), "/index.json") as base:

        @other.get("/frame")
        def frame(src: str) -> HTMLResponse:
            return HTMLResponse(f'<!DOCTYPE html><iframe id="f" src="{base}{src}"></iframe>')

        with served(other, "/frame?src=/") as elsewhere:
            yield base, elsewhere


@pytest.fixture
def page(urls: tuple[str, str]) -> Iterator[Any]:
    base, elsewhere = urls
    with chromium() as browser:
        context = browser.new_context(
            base_url=base, viewport={"width": PHONE[0], "height": PHONE[1]}
        )
        opened = context.new_page()
        foreign: list[str] = []
        mine = (base, elsewhere)
        opened.on(
            "request", lambda r: foreign.append(r.url) if not r.url.startswith(mine) else None
        )
        yield opened
        context.close()
        assert not foreign, f"requests to other origins: {foreign}"


def test_the_new_pages_fit_a_phone(page: Any, night: History) -> None:
    width, _ = PHONE
    OUTPUT.mkdir(parents=True, exist_ok=True)
    pages = {
        f"/perubahan/wilayah/3173?sejak={night.first}": "#sejak td.num, ol.changes li",
        "/perubahan/wilayah/0": "#timeline td.num",
        f"/wilayah/3173?checkpoint={night.middle}": "#jurnalis li, #kutip code",
        "/embed/wilayah/31": ".chart .num",
    }
    for path, selector in pages.items():
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        cells = page.evaluate(GEOMETRY_JS, selector)
        assert cells, f"{path}: nothing matches {selector}"
        off = [c for c in cells if c["left"] < 0 or c["right"] > width + 0.5]
        assert not off, f"{path} at {width}px: numbers off-screen sideways: {off[:3]}"
        small = [t for t in page.evaluate(TARGETS_JS) if t["w"] < TAP or t["h"] < TAP]
        assert not small, f"{path} at {width}px: tap targets under {TAP} px: {small[:3]}"
        name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-")
        page.screenshot(path=str(OUTPUT / f"{name}-phone.png"), full_page=True)


def test_another_site_may_frame_the_embed_page_only(page: Any, urls: tuple[str, str]) -> None:
    _, elsewhere = urls
    page.goto(f"{elsewhere}/frame?src=/embed/wilayah/31")
    framed = page.frame_locator("#f")
    assert "DKI JAKARTA" in framed.locator("h1").inner_text()
    page.goto(f"{elsewhere}/frame?src=/wilayah/31")  # frame-ancestors 'none': refused
    frame = page.frame(name="f")
    assert frame is not None
    wait_for(lambda: frame.url not in ("", "about:blank"))
    assert frame.url.startswith("chrome-error:"), frame.url  # chromium's page for a refusal
    assert "DKI JAKARTA" not in frame.content()
