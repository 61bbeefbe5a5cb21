"""Accessibility of the dashboard's pages, checked with axe-core in Debian's chromium
(issue 18: "no serious violations").

axe-core is the one that ``axe-playwright-python`` (a dev extra) ships; only its
``axe.min.js`` is used, evaluated in each page (the context bypasses the page's CSP
for that script alone: the pages themselves load nothing but their own files). Every
page of every kind, in both languages, at a phone's width and a laptop's: the nation
and a province of PPWP and of DPR (map, charts, cards), a dapil page, DPD's page of a
province, a TPS with all five ballots, the search, Anomali, Verifikasi, the changes
page and the embed view over the small format v2 night (the dashboard's routes alone);
then, on a real ``saksi serve`` of a PPWP night, Verifikasi (which needs the service's
log key and witnesses) and the TPS pages with a photo, a dispute, broken rules and a
correction. A violation of impact "serious" or "critical" fails the test
with the rule, its help text and the first elements it names; "moderate" and "minor"
ones are written to ``test-output/dashboard-a11y/`` for reading, not failed.

Skipped with a reason when chromium or axe-core is absent (``.ci/run`` installs
chromium; ``make test`` installs the dev extras).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

from saksi.service.routes_dashboard import LANG_COOKIE
from tests.browser import chromium, skip_reason
from tests.dashboard.test_browser import OUTPUT as DASHBOARD_OUTPUT
from tests.dashboard.test_browser import (
    World,
    world,  # noqa: F401 (a real saksi serve, the fixture)
)
from tests.dashboard.test_browser_legislative import (
    TPS,
    url,  # noqa: F401 (the server fixture)
)


def _axe_source() -> str | None:
    try:
        return (resources.files("axe_playwright_python") / "axe.min.js").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None


AXE = _axe_source()
WHY = skip_reason() or (None if AXE else "needs axe-core (pip: axe-playwright-python)")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(WHY), reason=str(WHY))]

OUTPUT = DASHBOARD_OUTPUT.parent / "dashboard-a11y"
PAGES = (
    "/",
    "/wilayah/32",
    "/dpr",
    "/dpr/wilayah/32",
    "/dpr/wilayah/32?lapisan=integritas",
    "/dprd-prov/dapil/320001",
    "/dpd/dapil/31",
    f"/tps/{TPS}",
    "/cari?q=bogor",
    "/anomali",
    "/perubahan/wilayah/0",
    "/embed/wilayah/32",
)
SIZES = {"phone": (390, 844), "laptop": (1280, 900)}
GRAVE = {"serious", "critical"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def audit(browser: Any, base: str, path: str, size: str, lang: str) -> list[dict[str, Any]]:
    """axe-core's violations of one page (WCAG 2.x A and AA, and best practices)."""
    width, height = SIZES[size]
    context = browser.new_context(
        base_url=base, viewport={"width": width, "height": height}, bypass_csp=True
    )
    try:
        context.add_cookies([{"name": LANG_COOKIE, "value": lang, "url": base}])
        page = context.new_page()
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response)
        assert page.evaluate("document.documentElement.lang") == lang, path
        page.evaluate(AXE)
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        return list(result["violations"])
    finally:
        context.close()


def summary(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:3]],
            "count": len(v["nodes"]),
        }
        for v in violations
    ]


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_serious_accessibility_violation_on_any_page(
    browser: Any,
    url: str,  # noqa: F811 (the fixture imported above)
    size: str,
    lang: str,
) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[dict[str, Any]]] = {}
    for path in PAGES:
        found[path] = summary(audit(browser, url, path, size, lang))
    (OUTPUT / f"{size}-{lang}.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    grave = {p: [v for v in vs if v["impact"] in GRAVE] for p, vs in found.items()}
    grave = {p: vs for p, vs in grave.items() if vs}
    assert not grave, json.dumps(grave, indent=1)


def test_no_serious_accessibility_violation_on_the_served_pages(
    browser: Any,
    world: World,  # noqa: F811 (the fixture imported above)
) -> None:
    """Verifikasi and the PPWP TPS pages of a real service: photo, dispute, rules, history."""
    paths = ["/verifikasi", "/anomali"]
    paths += [f"/tps/{t}" for t in (world.agreeing, world.disputed, world.inconsistent)]
    paths.append(f"/tps/{world.corrected}")
    found = {p: summary(audit(browser, world.server.url, p, "phone", "id")) for p in paths}
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "served.json").write_text(json.dumps(found, indent=1), encoding="utf-8")
    grave = {p: [v for v in vs if v["impact"] in GRAVE] for p, vs in found.items()}
    grave = {p: vs for p, vs in grave.items() if vs}
    assert not grave, json.dumps(grave, indent=1)
