"""The public dashboard's pages (saksi.dashboard) on the service's port.

| path | page |
| --- | --- |
| ``/`` (twin ``/index.json``) | Nasional |
| ``/wilayah/{code}`` | a provinsi, kab/kota, kecamatan or desa |
| ``/tps/{code}`` | one TPS |
| ``/anomali?type=&region=`` | the anomalies, filtered |
| ``/verifikasi`` | the latest checkpoint, witnesses, the commands to verify |
| ``/cari?q=`` | search by region name or code (a code goes straight to its page) |
| ``/static/{name}`` | the one style sheet and the one script |

Every page has a JSON twin: the same path with ``.json`` (``/`` -> ``/index.json``)
or ``Accept: application/json``. The language is ``?lang=id|en`` (remembered in the
``saksi_lang`` cookie), else the cookie, else Bahasa Indonesia. Pages are built in a
worker thread from the published files (DATA/results, DATA/log), never the database.
A page that does not exist is a 404 page in HTML, and the one error shape
(``http.not-found``) for its JSON twin. None of these routes is in the OpenAPI
document: they are pages for people, described in docs/dashboard.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Final

import anyio
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from saksi.dashboard import Dashboard, Lang, LogInfo, Page, lang_or_none
from saksi.dashboard.assets import ASSETS
from saksi.service import errors
from saksi.service.http_service import error_response, service_of
from saksi.service.routes import IMMUTABLE
from saksi.service.routes_results import results_dir

__all__ = ["CSP", "LANG_COOKIE", "router"]

router = APIRouter(include_in_schema=False)

LANG_COOKIE: Final = "saksi_lang"
CSP: Final = (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""Every resource from Saksi itself: no page can load anything from elsewhere."""
PAGE_CACHE: Final = "no-cache"


def _dashboard(request: Request) -> Dashboard:
    found = getattr(request.app.state, "dashboard", None)
    if isinstance(found, Dashboard):
        return found
    config = service_of(request).config
    poll = max(1.0, min(5.0, 2 * config.results_interval))
    made = Dashboard(results_dir(config.data), config.log_dir, poll_seconds=poll)
    request.app.state.dashboard = made
    return made


def _lang(request: Request) -> tuple[Lang, bool]:
    """The reader's language, and whether it was asked for now (then it is remembered)."""
    asked = lang_or_none(request.query_params.get("lang"))
    if asked is not None:
        return asked, True
    return lang_or_none(request.cookies.get(LANG_COOKIE)) or "id", False


def _wants_json(request: Request, path: str) -> bool:
    if path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _html_path(path: str) -> str:
    if path == "/index.json":
        return "/"
    return path.removesuffix(".json")


async def _answer(request: Request, build: Callable[[Dashboard, Lang], Page]) -> Response:
    dashboard = _dashboard(request)
    lang, asked = _lang(request)
    page = await anyio.to_thread.run_sync(build, dashboard, lang)
    path = request.url.path
    headers = {"Cache-Control": PAGE_CACHE, "Vary": "Accept, Cookie"}
    if _wants_json(request, path):
        if page.status == 404:
            return error_response(
                errors.not_found("no such page", "halaman tidak ada", path=path[:200])
            )
        body = json.dumps(page.data, ensure_ascii=False, separators=(",", ":"))
        return Response(body, media_type="application/json", headers=headers)
    query = dict(request.query_params)
    if page.redirect is not None:
        response: Response = RedirectResponse(page.redirect, status_code=303)
    else:
        html = dashboard.html(page, lang, path=_html_path(path), query=query)
        headers["Content-Security-Policy"] = CSP
        response = Response(
            html, page.status, media_type="text/html; charset=utf-8", headers=headers
        )
    if asked:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/")
@router.get("/index.json")
async def nasional(request: Request) -> Response:
    return await _answer(request, lambda d, lang: d.nasional(lang))


@router.get("/wilayah/{code}")
async def wilayah(code: str, request: Request) -> Response:
    code = code.removesuffix(".json")
    return await _answer(request, lambda d, lang: d.region(code, lang))


@router.get("/tps/{code}")
async def tps(code: str, request: Request) -> Response:
    code = code.removesuffix(".json")
    return await _answer(request, lambda d, lang: d.tps(code, lang))


@router.get("/anomali")
@router.get("/anomali.json")
async def anomali(request: Request) -> Response:
    kind = request.query_params.get("type", "")[:40]
    region = request.query_params.get("region", "")[:20]
    return await _answer(request, lambda d, lang: d.anomali(lang, kind, region))


@router.get("/verifikasi")
@router.get("/verifikasi.json")
async def verifikasi(request: Request) -> Response:
    service = service_of(request)
    config = service.config
    info = LogInfo(
        base_url=str(request.base_url).rstrip("/"),
        log_key=service.ledger.vkey,
        witnesses=tuple((w.name, w.url, w.vkey) for w in config.witnesses),
        quorum=config.quorum,
    )
    return await _answer(request, lambda d, lang: d.verifikasi(lang, info))


@router.get("/cari")
@router.get("/cari.json")
async def cari(request: Request) -> Response:
    query = request.query_params.get("q", "")[:100]
    return await _answer(request, lambda d, lang: d.search(query, lang))


@router.get("/static/{name}")
async def static(name: str) -> Response:
    asset = ASSETS.get(name)
    if asset is None:
        raise errors.not_found("no such file", "berkas tidak ada", path=name[:200])
    return Response(asset.data, media_type=asset.content_type, headers={"Cache-Control": IMMUTABLE})
