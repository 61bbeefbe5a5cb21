"""The public dashboard: pages citizens can read and check, from the nation to one TPS.

Pages are rendered on the server, as HTML, from the published files only: the
results under ``DATA/results`` (docs/recap.md) and the public log under ``DATA/log``
(for the entries behind a TPS). No database, no file from another origin. Every page
has a JSON twin holding what the page was built from. Bahasa Indonesia by default,
English on request, from one table of strings (:mod:`saksi.dashboard.strings`).

    dashboard = Dashboard(Path("DATA/results"), Path("DATA/log"))
    page = dashboard.region("3173", "en")          # a Page: title, body, data (the twin)
    html = dashboard.html(page, "en", path="/wilayah/3173", query={})

The HTTP side (routes, language cookie, content negotiation) is
``saksi.service.routes_dashboard``; docs/dashboard.md describes the pages.
"""

from __future__ import annotations

from pathlib import Path

from saksi.dashboard.common import FORMAT, Context
from saksi.dashboard.html import Page, json_path, render
from saksi.dashboard.others import LogInfo, anomali_page, search_page, verifikasi_page
from saksi.dashboard.regions import region_page
from saksi.dashboard.source import Published
from saksi.dashboard.strings import DEFAULT_LANG, LANGS, Lang, lang_or_none
from saksi.dashboard.tps import tps_page
from saksi.election.codes import NASIONAL


class Dashboard:
    """Every page of the dashboard over one publication (results and log folders)."""

    def __init__(self, results: Path, log: Path, *, poll_seconds: float = 5.0) -> None:
        self.published = Published(results, log)
        self.poll_seconds = poll_seconds

    def _ctx(self, lang: Lang) -> Context:
        return Context.of(self.published, lang)

    def nasional(self, lang: Lang) -> Page:
        return region_page(self._ctx(lang), NASIONAL)

    def region(self, code: str, lang: Lang) -> Page:
        return region_page(self._ctx(lang).about(code), code)

    def tps(self, code: str, lang: Lang) -> Page:
        return tps_page(self._ctx(lang).about(code), code)

    def anomali(self, lang: Lang, kind: str = "", region: str = "") -> Page:
        return anomali_page(self._ctx(lang), kind, region)

    def verifikasi(self, lang: Lang, info: LogInfo) -> Page:
        return verifikasi_page(self._ctx(lang), info)

    def search(self, query: str, lang: Lang) -> Page:
        return search_page(self._ctx(lang), query)

    def html(self, page: Page, lang: Lang, *, path: str, query: dict[str, str]) -> str:
        return render(page, lang, path=path, query=query, poll=self.poll_seconds)


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
