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
from typing import Any
from urllib.parse import urlencode

from saksi.dashboard.assets import STYLE
from saksi.dashboard.changes import changes_page
from saksi.dashboard.cite import (
    at_links,
    at_notice,
    citation,
    cite_block,
    embed_page,
    journalist_block,
    prefixed,
    region_path,
    render_embed,
)
from saksi.dashboard.common import FORMAT, Context, anomali_path, not_found
from saksi.dashboard.dapil import dapil_page_of
from saksi.dashboard.feeds import feed_of
from saksi.dashboard.history import published_at
from saksi.dashboard.html import Markup, Page, esc, json_path, render
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
        self.public_url: str | None = None  # the site's own origin, for citations
        self.at_checkpoint: int | None = None  # set on the view of an older generation

    def at(self, size: int) -> Dashboard | None:
        """This dashboard as it was at published generation ``size`` (the pages of
        ``?checkpoint=N``), or None when there is no such generation."""
        view = published_at(self.published, size)
        if view is None:
            return None
        made = Dashboard.__new__(Dashboard)
        made.__dict__.update(self.__dict__)
        made.published, made.at_checkpoint = view, size
        return made

    def _ctx(self, lang: Lang, contest: str | None = None) -> Context:
        return Context.of(self.published, lang, contest)

    def nasional(self, lang: Lang, layer: str | None = None) -> Page:
        """The nation (PPWP); ``layer``: the map's (``integritas``, else the results)."""
        ctx = self._ctx(lang).on_layer(layer)
        page = _switched(ctx, region_page(ctx, NASIONAL), region_targets(ctx, NASIONAL))
        return self._for_journalists(ctx, page, NASIONAL)

    def region(self, code: str, lang: Lang, layer: str | None = None) -> Page:
        ctx = self._ctx(lang).about(code).on_layer(layer)
        page = _switched(ctx, region_page(ctx, code), region_targets(ctx, code))
        return self._for_journalists(ctx, page, code)

    def tps(self, code: str, lang: Lang) -> Page:
        ctx = self._ctx(lang).about(code)
        return self._cited(ctx, tps_page(ctx, code, legislative_sections), f"/tps/{code}")

    def legislative(self, contest: str, code: str, lang: Lang, layer: str | None = None) -> Page:
        """Region ``code`` (``0``: the nation) in a legislative contest."""
        ctx = self._ctx(lang, contest).about(code).on_layer(layer)
        return self._for_journalists(ctx, legislative_region_page(ctx, code), code)

    def changes(self, contest: str, code: str, lang: Lang, since: int | None) -> Page:
        """Region ``code``'s published checkpoints, and what changed since ``since``."""
        ctx = self._ctx(lang, None if contest == "ppwp" else contest).about(code)
        targets = {
            c: None if href is None else prefixed("perubahan", c, code)
            for c, href in region_targets(ctx, code).items()
        }
        return _switched(ctx, changes_page(ctx, code, since), targets, contest)

    def feed(self, contest: str, code: str, lang: Lang) -> tuple[str, dict[str, Any]] | None:
        """Region ``code``'s Atom feed and its twin (None: no such region)."""
        ctx = self._ctx(lang, None if contest == "ppwp" else contest).about(code)
        return feed_of(ctx, code)

    def embed(self, contest: str, code: str, lang: Lang) -> Page:
        """Region ``code``'s chart, to be framed by other sites."""
        ctx = self._ctx(lang, None if contest == "ppwp" else contest).about(code)
        return embed_page(ctx, code)

    def missing(self, lang: Lang) -> Page:
        """The 404 page of a checkpoint that was not published."""
        return not_found(self._ctx(lang), "error.checkpoint")

    def _cited(self, ctx: Context, page: Page, path: str) -> Page:
        """A page with its citation (and, at an older checkpoint, a notice and no live
        updates)."""
        if page.status != 200 or page.redirect is not None:
            return page
        cite = citation(ctx, page.title, path, self.public_url)
        if cite is None:
            return page
        page.data["cite"] = cite
        page.body = Markup(page.body + cite_block(ctx, cite))
        return self._frozen(ctx, page, path)

    def _frozen(self, ctx: Context, page: Page, path: str) -> Page:
        """At an older checkpoint: ``page`` with a notice (linking the newest page),
        links to the pages as they were then, and no live updates."""
        if self.at_checkpoint is None:
            return page
        page.body = Markup(at_notice(ctx, path) + at_links(page.body, self.at_checkpoint))
        page.switch = at_links(page.switch, self.at_checkpoint)
        page.size, page.extra["frozen"] = None, self.at_checkpoint  # no live updates
        return page

    def _for_journalists(self, ctx: Context, page: Page, code: str) -> Page:
        """A region page with its downloads, citation and links (and, at an older
        checkpoint, a notice and no live updates)."""
        if page.status != 200 or page.redirect is not None or ctx.contest is None:
            return page
        snap = page.data.get("snapshot") or {}
        level = str((snap.get("region") or {}).get("level", "nasional"))
        block, data = journalist_block(
            ctx, ctx.contest, code, level, page.title, base=self.public_url
        )
        page.data["journalists"] = data
        page.extra["feed"] = data["feed"]
        page.body = Markup(page.body + block)
        return self._frozen(ctx, page, region_path(ctx.contest, code))

    def dapil(self, contest: str, code: str, lang: Lang) -> Page:
        """Dapil ``code`` of a legislative contest."""
        ctx = self._ctx(lang, contest)
        return self._cited(ctx, dapil_page_of(ctx, code), f"/{contest}/dapil/{code}")

    def anomali(
        self, lang: Lang, kind: str = "", region: str = "", contest: str | None = None
    ) -> Page:
        """The Anomali page of ``contest`` (None: PPWP's), filtered; the contest switch
        goes to each contest's, the region filter kept."""
        ctx = self._ctx(lang, contest)
        if contest is not None and ctx.contest is None:
            return not_found(ctx, "error.contest")
        scope = {"region": region} if region.strip() else {}
        targets: dict[str, str | None] = {
            c: anomali_path(c) + (f"?{urlencode(scope)}" if scope else "") for c in ctx.contests
        }
        return _switched(ctx, anomali_page(ctx, kind, region), targets, ctx.contest)

    def verifikasi(self, lang: Lang, info: LogInfo) -> Page:
        ctx = self._ctx(lang)
        return _switched(ctx, verifikasi_page(ctx, info), nation_targets(ctx), current=None)

    def search(self, query: str, lang: Lang) -> Page:
        ctx = self._ctx(lang)
        return _switched(ctx, search_page(ctx, query), nation_targets(ctx), current=None)

    def html(self, page: Page, lang: Lang, *, path: str, query: dict[str, str]) -> str:
        if page.kind == "embed":
            return render_embed(page, lang, STYLE.name)
        at = page.extra.get("frozen")  # a page at a checkpoint: no polling, its own twin
        html = render(page, lang, path=path, query=query, poll=0 if at else self.poll_seconds)
        if at:
            twin = f'href="{esc(json_path(path))}"'
            html = html.replace(twin, f'href="{esc(json_path(path))}?checkpoint={int(at)}"')
        return html


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
