"""The public dashboard's pages (saksi.dashboard) on the service's port.

| path | page |
| --- | --- |
| ``/`` (twin ``/index.json``) | Nasional |
| ``/wilayah/{code}`` | a provinsi, kab/kota, kecamatan or desa |
| ``/{contest}``, ``/{contest}/wilayah/{code}`` | the nation or a region in a legislative |
|   | contest (``dpr``, ``dpd``, ``dprd-prov``, ``dprd-kabkota``) |
| ``/{contest}/dapil/{code}`` | a dapil of a legislative contest |
| ``/tps/{code}`` | one TPS, its forms of every contest |
| ``/anomali?type=&region=`` | PPWP's anomalies, filtered |
| ``/{contest}/anomali?...`` | a legislative contest's anomalies, filtered |
| ``/verifikasi`` | the latest checkpoint, witnesses, the commands to verify |
| ``/cari?q=`` | search by region name or code (a code goes straight to its page) |
| ``/perubahan/wilayah/{code}`` | what changed: a region's checkpoints, ``?sejak=N`` |
| ``/umpan/wilayah/{code}.atom`` | a region's Atom feed of changes (twin ``.json``) |
| ``/embed/wilayah/{code}`` | a region's chart for other sites to frame |
|   | (the last three also ``/<prefix>/{contest}/wilayah/{code}``) |
| ``/static/{name}`` | the style sheet, every page's script and the TPS page's ``tps.js`` |
|   | (each name carries its content's hash: cached for a year) |
| ``/favicon.ico`` | the icon browsers ask for |

Every page has a JSON twin: the same path with ``.json`` (``/`` -> ``/index.json``)
or ``Accept: application/json``. Any page takes ``?checkpoint=N``: it is rendered
from published generation ``N`` (a citation's URL). The language is ``?lang=id|en``
(remembered in the ``saksi_lang`` cookie), else the cookie, else Bahasa Indonesia. The
nation's and the regions' pages of every contest take ``?lapisan=integritas`` (their
map's integrity layer). Pages are built in a worker thread from the published files
(DATA/results, DATA/log), never the database.
A page that does not exist is a 404 page in HTML, and the one error shape
(``http.not-found``) for its JSON twin. None of these routes is in the OpenAPI
document: they are pages for people, described in docs/dashboard.md.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import anyio
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from saksi.dashboard import Dashboard, Lang, LogInfo, Page, lang_or_none
from saksi.dashboard.assets import ASSETS, FAVICON
from saksi.dashboard.common import LEGISLATIVE
from saksi.dashboard.feeds import ATOM_TYPE
from saksi.dashboard.others import PLACEHOLDER_URL
from saksi.election.codes import NASIONAL
from saksi.service import errors
from saksi.service.http_service import error_response, service_of
from saksi.service.routing import IMMUTABLE

__all__ = ["CSP", "LANG_COOKIE", "router"]

router = APIRouter(include_in_schema=False)

LANG_COOKIE: Final = "saksi_lang"
CSP: Final = (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""Every resource from Saksi itself: no page can load anything from elsewhere."""
EMBED_CSP: Final = CSP.replace("frame-ancestors 'none'", "frame-ancestors *")
"""The embed pages' (``/embed/...``): the same, but any site may frame them."""
PAGE_CACHE: Final = "no-cache"
PAGES_KEPT: Final = 4096
"""Rendered pages kept in memory (least recently asked for are dropped first)."""


def _dashboard(request: Request) -> Dashboard:
    found = getattr(request.app.state, "dashboard", None)
    if isinstance(found, Dashboard):
        return found
    config = service_of(request).config
    poll = max(1.0, min(5.0, 2 * config.results_interval))
    made = Dashboard(config.results_dir, config.log_dir, poll_seconds=poll)
    made.public_url = config.public_url
    request.app.state.dashboard = made
    return made


def _lang(request: Request) -> tuple[Lang, bool]:
    """The reader's language, and whether it was asked for now (then it is remembered)."""
    asked = lang_or_none(request.query_params.get("lang"))
    if asked is not None:
        return asked, True
    return lang_or_none(request.cookies.get(LANG_COOKIE)) or "id", False


def _layer(request: Request) -> str | None:
    """The map's layer asked for (``?lapisan=integritas``; anything else: the results)."""
    return request.query_params.get("lapisan")


def _wants_json(request: Request, path: str) -> bool:
    if path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _html_path(path: str) -> str:
    if path == "/index.json":
        return "/"
    return path.removesuffix(".json")


@dataclass(frozen=True, slots=True)
class _Rendered:
    """A page as answered: what the cache keeps."""

    status: int
    media_type: str
    body: bytes
    redirect: str | None
    error: bool  # the JSON twin of a missing page (the one error shape)


class _PageCache:
    """Rendered pages, until the publication changes.

    A page depends only on files that are written once (snapshots, tiles) and on the
    two that change: ``results/latest.json`` and ``log/checkpoint``, both replaced by
    atomic rename. Their (inode, mtime, size) are part of the key, so a new checkpoint
    or publication is a new key and nothing stale is ever answered.
    """

    def __init__(self, size: int = PAGES_KEPT) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._pages: OrderedDict[tuple[object, ...], _Rendered] = OrderedDict()

    def get(self, key: tuple[object, ...]) -> _Rendered | None:
        with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
            return found

    def put(self, key: tuple[object, ...], page: _Rendered) -> None:
        with self._lock:
            self._pages[key] = page
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _cache(request: Request) -> _PageCache:
    found = getattr(request.app.state, "dashboard_pages", None)
    if isinstance(found, _PageCache):
        return found
    made = _PageCache()
    request.app.state.dashboard_pages = made
    return made


async def _render(
    request: Request, build: Callable[[Dashboard, Lang], Page], lang: Lang, path: str
) -> _Rendered:
    dashboard = _dashboard(request)
    page = await anyio.to_thread.run_sync(build, dashboard, lang)
    if _wants_json(request, path):
        if page.status == 404:
            return _Rendered(404, "application/json", b"", None, True)
        body = json.dumps(page.data, ensure_ascii=False, separators=(",", ":")).encode()
        return _Rendered(200, "application/json", body, None, False)
    if page.redirect is not None:
        return _Rendered(303, "", b"", page.redirect, False)
    query = dict(request.query_params)
    html = dashboard.html(page, lang, path=_html_path(path), query=query)
    return _Rendered(page.status, "text/html; charset=utf-8", html.encode(), None, False)


def _at_checkpoint(
    request: Request, build: Callable[[Dashboard, Lang], Page]
) -> Callable[[Dashboard, Lang], Page]:
    """``build`` over the publication as it was at ``?checkpoint=N`` (a citation's URL),
    when the request names one; a 404 page when ``N`` is not a published generation."""
    asked = request.query_params.get("checkpoint")
    if asked is None:
        return build
    size = int(asked) if asked.isdigit() and len(asked) < 19 else None

    def run(dashboard: Dashboard, lang: Lang) -> Page:
        view = dashboard.at(size) if size is not None else None
        return build(view, lang) if view is not None else dashboard.missing(lang)

    return run


async def _answer(request: Request, build: Callable[[Dashboard, Lang], Page]) -> Response:
    build = _at_checkpoint(request, build)
    config = service_of(request).config
    lang, asked = _lang(request)
    path = request.url.path
    key = (
        path, tuple(sorted(request.query_params.items())), lang,
        _wants_json(request, path),
        _stamp(config.results_dir / "latest.json"), _stamp(config.log_dir / "checkpoint"),
    )  # fmt: skip
    cache = _cache(request)
    rendered = cache.get(key)
    if rendered is None:
        rendered = await _render(request, build, lang, path)
        cache.put(key, rendered)
    headers = {"Cache-Control": PAGE_CACHE, "Vary": "Accept, Cookie"}
    response: Response
    if rendered.error:
        response = error_response(
            errors.not_found("no such page", "halaman tidak ada", path=path[:200])
        )
    elif rendered.redirect is not None:
        response = RedirectResponse(rendered.redirect, status_code=303)
    else:
        if rendered.media_type.startswith("text/html"):
            embed = path.startswith("/embed/")
            headers["Content-Security-Policy"] = EMBED_CSP if embed else CSP
        response = Response(
            rendered.body, rendered.status, media_type=rendered.media_type, headers=headers
        )
    if asked:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/")
@router.get("/index.json")
async def nasional(request: Request) -> Response:
    return await _answer(request, lambda d, lang: d.nasional(lang, _layer(request)))


@router.get("/wilayah/{code}")
async def wilayah(code: str, request: Request) -> Response:
    code = code.removesuffix(".json")
    return await _answer(request, lambda d, lang: d.region(code, lang, _layer(request)))


@router.get("/tps/{code}")
async def tps(code: str, request: Request) -> Response:
    code = code.removesuffix(".json")
    return await _answer(request, lambda d, lang: d.tps(code, lang))


def _legislative_routes(contest: str) -> None:
    """``/<contest>`` (the nation), ``/<contest>/wilayah/{code}`` and
    ``/<contest>/dapil/{code}``, each with its twin, for one legislative contest."""

    async def nation(request: Request) -> Response:
        layer = _layer(request)
        return await _answer(request, lambda d, lang: d.legislative(contest, NASIONAL, lang, layer))

    async def region(code: str, request: Request) -> Response:
        code = code.removesuffix(".json")
        layer = _layer(request)
        return await _answer(request, lambda d, lang: d.legislative(contest, code, lang, layer))

    async def dapil(code: str, request: Request) -> Response:
        code = code.removesuffix(".json")
        return await _answer(request, lambda d, lang: d.dapil(contest, code, lang))

    async def anomalies(request: Request) -> Response:
        kind, region = _anomali_filter(request)
        return await _answer(request, lambda d, lang: d.anomali(lang, kind, region, contest))

    for path in (f"/{contest}", f"/{contest}.json"):
        router.add_api_route(path, nation, methods=["GET"])
    for path in (f"/{contest}/anomali", f"/{contest}/anomali.json"):
        router.add_api_route(path, anomalies, methods=["GET"])
    router.add_api_route(f"/{contest}/wilayah/{{code}}", region, methods=["GET"])
    router.add_api_route(f"/{contest}/dapil/{{code}}", dapil, methods=["GET"])


for _contest in LEGISLATIVE:
    _legislative_routes(_contest)


@router.get("/anomali")
@router.get("/anomali.json")
async def anomali(request: Request) -> Response:
    kind, region = _anomali_filter(request)
    return await _answer(request, lambda d, lang: d.anomali(lang, kind, region))


def _anomali_filter(request: Request) -> tuple[str, str]:
    """The Anomali page's filter: ``?type=`` and ``?region=``."""
    return request.query_params.get("type", "")[:40], request.query_params.get("region", "")[:20]


WILDCARD_HOSTS: Final = frozenset({"", "0.0.0.0", "::", "[::]", "*"})


def _own_address(host: str, request: Request) -> str:
    """The server's own listening address (the configured host and the port of the
    socket the request came in on: never the client's ``Host`` header), or the
    placeholder when it listens on every address (which of them do readers use?)."""
    if host in WILDCARD_HOSTS:
        return PLACEHOLDER_URL
    server = request.scope.get("server")
    port = server[1] if server else None
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}" + (f":{port}" if port else "")


@router.get("/verifikasi")
@router.get("/verifikasi.json")
async def verifikasi(request: Request) -> Response:
    service = service_of(request)
    config = service.config
    info = LogInfo(
        base_url=config.public_url or _own_address(config.host, request),
        log_key=service.ledger.vkey,
        witnesses=tuple((w.name, w.url, w.vkey) for w in config.witnesses),
        quorum=config.quorum,
        configured=config.public_url is not None,
    )
    return await _answer(request, lambda d, lang: d.verifikasi(lang, info))


@router.get("/cari")
@router.get("/cari.json")
async def cari(request: Request) -> Response:
    query = request.query_params.get("q", "")[:100]
    return await _answer(request, lambda d, lang: d.search(query, lang))


FAVICON_CACHE: Final = "public, max-age=86400"
"""A day: the icon keeps its name when it changes."""


@router.get("/favicon.ico")
async def favicon() -> Response:
    return Response(
        FAVICON.data, media_type=FAVICON.content_type, headers={"Cache-Control": FAVICON_CACHE}
    )


@router.get("/static/{name}")
async def static(name: str) -> Response:
    asset = ASSETS.get(name)
    if asset is None:
        raise errors.not_found("no such file", "berkas tidak ada", path=name[:200])
    return Response(asset.data, media_type=asset.content_type, headers={"Cache-Control": IMMUTABLE})


# --- what changed, feeds, embeds (saksi/dashboard/changes.py, feeds.py, cite.py) --------


def _since(request: Request) -> int | None:
    asked = request.query_params.get("sejak", "")
    return int(asked) if asked.isdigit() and len(asked) < 19 else None


async def _feed(request: Request, contest: str, code: str) -> Response:
    """A region's Atom feed (``.atom``) or its JSON twin (``.json``), kept as pages are."""
    config = service_of(request).config
    lang, asked = _lang(request)
    wants_json = code.endswith(".json")
    code = code.removesuffix(".json").removesuffix(".atom")
    key = (
        request.url.path, lang, "feed",
        _stamp(config.results_dir / "latest.json"), _stamp(config.log_dir / "checkpoint"),
    )  # fmt: skip
    cache = _cache(request)
    rendered = cache.get(key)
    if rendered is None:
        dashboard = _dashboard(request)
        found = await anyio.to_thread.run_sync(lambda: dashboard.feed(contest, code, lang))
        if found is None:
            rendered = _Rendered(404, "", b"", None, True)
        elif wants_json:
            body = json.dumps(found[1], ensure_ascii=False, separators=(",", ":")).encode()
            rendered = _Rendered(200, "application/json", body, None, False)
        else:
            rendered = _Rendered(200, ATOM_TYPE, found[0].encode(), None, False)
        cache.put(key, rendered)
    if rendered.error:
        path = request.url.path[:200]
        return error_response(errors.not_found("no such feed", "umpan tidak ada", path=path))
    response = Response(
        rendered.body,
        200,
        media_type=rendered.media_type,
        headers={"Cache-Control": PAGE_CACHE, "Vary": "Cookie"},
    )
    if asked:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def _journalist_routes(contest: str) -> None:
    """``/perubahan/...``, ``/umpan/...`` and ``/embed/...`` of one contest's regions
    (PPWP: ``/<prefix>/wilayah/{code}``; a legislative contest:
    ``/<prefix>/<contest>/wilayah/{code}``; ``0`` the nation)."""
    within = "" if contest == "ppwp" else f"/{contest}"

    async def changes(code: str, request: Request) -> Response:
        code = code.removesuffix(".json")
        since = _since(request)
        return await _answer(request, lambda d, lang: d.changes(contest, code, lang, since))

    async def feed(code: str, request: Request) -> Response:
        return await _feed(request, contest, code)

    async def embed(code: str, request: Request) -> Response:
        code = code.removesuffix(".json")
        return await _answer(request, lambda d, lang: d.embed(contest, code, lang))

    router.add_api_route(f"/perubahan{within}/wilayah/{{code}}", changes, methods=["GET"])
    router.add_api_route(f"/umpan{within}/wilayah/{{code}}", feed, methods=["GET"])
    router.add_api_route(f"/embed{within}/wilayah/{{code}}", embed, methods=["GET"])


for _contest in ("ppwp", *LEGISLATIVE):
    _journalist_routes(_contest)
