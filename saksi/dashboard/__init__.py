"""The public dashboard: pages citizens can read and check, from the nation to one TPS.

Pages are rendered on the server, as HTML, from the published files only: the
results under ``DATA/results`` (docs/recap.md) and the public log under ``DATA/log``
(for the entries behind a TPS). No database, no file from another origin. Every page
has a JSON twin holding what the page was built from. Bahasa Indonesia by default,
English on request, from one table of strings (:mod:`saksi.dashboard.strings`). A
publication with the legislative contests (format v2) has five ballots: a contest
switch on every page (:mod:`saksi.dashboard.switch`), each contest's region and dapil
pages (:mod:`saksi.dashboard.legislative`, :mod:`saksi.dashboard.dapil`), every contest's
form on a TPS's page
(:mod:`saksi.dashboard.tps_legislative`) and candidates found by name. The nation's and
a province's pages draw a map, the seats a parliament chart
(:mod:`saksi.dashboard.pictures` over :mod:`~saksi.dashboard.svgmap` and
:mod:`~saksi.dashboard.charts`).

    dashboard = Dashboard(Path("DATA/results"), Path("DATA/log"))
    page = dashboard.region("3173", "en")          # a Page: title, body, data (the twin)
    page = dashboard.legislative("dpr", "32", "id")  # a region in a legislative contest
    page = dashboard.dapil("dpr", "3201", "id")      # a dapil: parties, seats, candidates
    html = dashboard.html(page, "en", path="/wilayah/3173", query={})

The HTTP side (routes, language cookie, content negotiation) is
``saksi.service.routes_dashboard``; docs/dashboard.md describes the pages.
"""

from __future__ import annotations

from pathlib import Path

from saksi.dashboard.common import FORMAT, Context
from saksi.dashboard.dapil import dapil_page_of
from saksi.dashboard.html import Page, json_path, render
from saksi.dashboard.legislative import legislative_region_page
from saksi.dashboard.others import LogInfo, anomali_page, search_page, verifikasi_page
from saksi.dashboard.regions import region_page
from saksi.dashboard.source import Published
from saksi.dashboard.strings import DEFAULT_LANG, LANGS, Lang, lang_or_none
from saksi.dashboard.switch import contest_switch, nation_targets, region_targets
from saksi.dashboard.tps import tps_page
from saksi.dashboard.tps_legislative import legislative_sections
from saksi.election.codes import NASIONAL


class Dashboard:
    """Every page of the dashboard over one publication (results and log folders)."""

    def __init__(self, results: Path, log: Path, *, poll_seconds: float = 5.0) -> None:
        self.published = Published(results, log)
        self.poll_seconds = poll_seconds

    def _ctx(self, lang: Lang, contest: str | None = None) -> Context:
        return Context.of(self.published, lang, contest)

    def nasional(self, lang: Lang, layer: str | None = None) -> Page:
        """The nation (PPWP); ``layer``: the map's (``integritas``, else the results)."""
        ctx = self._ctx(lang).on_layer(layer)
        return _switched(ctx, region_page(ctx, NASIONAL), region_targets(ctx, NASIONAL))

    def region(self, code: str, lang: Lang, layer: str | None = None) -> Page:
        ctx = self._ctx(lang).about(code).on_layer(layer)
        return _switched(ctx, region_page(ctx, code), region_targets(ctx, code))

    def tps(self, code: str, lang: Lang) -> Page:
        return tps_page(self._ctx(lang).about(code), code, legislative_sections)

    def legislative(self, contest: str, code: str, lang: Lang, layer: str | None = None) -> Page:
        """Region ``code`` (``0``: the nation) in a legislative contest."""
        ctx = self._ctx(lang, contest).about(code).on_layer(layer)
        return legislative_region_page(ctx, code)

    def dapil(self, contest: str, code: str, lang: Lang) -> Page:
        """Dapil ``code`` of a legislative contest."""
        return dapil_page_of(self._ctx(lang, contest), code)

    def anomali(self, lang: Lang, kind: str = "", region: str = "") -> Page:
        ctx = self._ctx(lang)
        return _switched(ctx, anomali_page(ctx, kind, region), nation_targets(ctx))

    def verifikasi(self, lang: Lang, info: LogInfo) -> Page:
        ctx = self._ctx(lang)
        return _switched(ctx, verifikasi_page(ctx, info), nation_targets(ctx), current=None)

    def search(self, query: str, lang: Lang) -> Page:
        ctx = self._ctx(lang)
        return _switched(ctx, search_page(ctx, query), nation_targets(ctx), current=None)

    def html(self, page: Page, lang: Lang, *, path: str, query: dict[str, str]) -> str:
        return render(page, lang, path=path, query=query, poll=self.poll_seconds)


def _switched(
    ctx: Context, page: Page, targets: dict[str, str | None], current: str | None = "ppwp"
) -> Page:
    """``page`` with the contest switch (and its twin's ``contests``), when the
    publication has more than one contest and the page exists."""
    if page.status != 200 or page.redirect is not None:
        return page
    switch, data = contest_switch(ctx, targets, current)
    if data:
        page.switch = switch
        page.data["contests"] = data
    return page


__all__ = [
    "DEFAULT_LANG",
    "FORMAT",
    "LANGS",
    "Dashboard",
    "Lang",
    "LogInfo",
    "Page",
    "json_path",
    "lang_or_none",
]
