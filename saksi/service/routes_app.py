"""The entry app (saksi.app) at /app/, its configuration, and the key lookup it needs.

| path | answer |
| --- | --- |
| ``/app`` | 308 to ``/app/`` |
| ``/app/`` | the app (``index.html``) |
| ``/app/config.json`` | the election as the app needs it: origin, log key, pairs, rules |
| ``/app/{file}`` | the app's files (scripts, style, manifest, icons, service worker) |
| ``GET /v1/keys/{key}`` | a key as the log knows it: role, region, validity, revocation |

The app's pages are sent with a Content-Security-Policy of ``'self'`` (no script,
style, image or connection to another origin) and ``Cache-Control: no-cache``: the
service worker keeps the files for offline use and revalidates them when online.
The app's routes are not in the OpenAPI document (they are files for a browser);
``/v1/keys/{key}`` is described in docs/api.md (and soon in OpenAPI, see below).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from saksi.app import assets
from saksi.election.rule_catalog import RULESET_VERSION
from saksi.errors import SaksiError
from saksi.service import errors
from saksi.service.http_models import error_responses
from saksi.service.http_service import service_of
from saksi.service.routing import KEY

if TYPE_CHECKING:
    from saksi.election.authority import Authority
    from saksi.ledger.ledger import Ledger

__all__ = ["APP_CSP", "config_of", "key_info", "router"]

app_router = APIRouter(include_in_schema=False)

APP_CSP: Final = (
    "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
"""Every resource from Saksi itself (``blob:`` images: the photos just taken)."""
APP_CACHE: Final = "no-cache"
"""A public key in a path: base64url without padding (``+`` -> ``-``, ``/`` -> ``_``)."""


def _headers() -> dict[str, str]:
    return {"Content-Security-Policy": APP_CSP, "Cache-Control": APP_CACHE}


@app_router.get("/app")
async def app_root() -> Response:
    return RedirectResponse("/app/", status_code=308)


@app_router.get("/app/config.json")
async def app_config(request: Request) -> Response:
    ledger = service_of(request).ledger
    return JSONResponse(config_of(ledger), headers=_headers())


@app_router.get("/app/{name:path}")
async def app_file(name: str) -> Response:
    asset = assets().get(name or "index.html")
    if asset is None:
        raise errors.not_found(
            "no such file of the app", "berkas aplikasi tidak ada", path=f"/app/{name}"
        )
    return Response(asset.data, media_type=asset.content_type, headers=_headers())


def config_of(ledger: Ledger) -> dict[str, Any]:
    """What the app needs of the election (kept on the device for offline use)."""
    manifest = ledger.manifest
    pairs = []
    for contest in manifest.contests:
        if contest.kind == "ppwp":
            pairs = [p.model_dump(mode="json", exclude_none=True) for p in contest.pairs]
    return {
        "origin": ledger.origin,
        "name": manifest.name,
        "log_key": ledger.vkey,
        "pairs": pairs,
        "rules_version": manifest.rules_version,
        "ruleset": RULESET_VERSION,
        "witnesses": [w.verifier.vkey for w in ledger.config.witnesses],
        "quorum": ledger.config.quorum if ledger.config.witnesses else 0,
    }


# --- GET /v1/keys/{key} ------------------------------------------------------------


class _Revoked(BaseModel):
    model_config = ConfigDict(extra="forbid")
    index: int
    by: str
    effective: str
    reason: str


class KeyInfo(BaseModel):
    """A key as the log knows it."""

    model_config = ConfigDict(extra="forbid")
    key: str
    role: str
    scope: str
    scope_name: str
    party: str | None
    candidate: str | None
    label: str | None
    not_before: str | None
    not_after: str | None
    index: int
    registered_by: str | None
    revoked: _Revoked | None


def _authority(ledger: Ledger) -> Authority:
    """The ledger's authority view (key records are only ever added: safe to read)."""
    return ledger.authority


def _scope_name(ledger: Ledger, scope: str) -> str:
    try:
        name = ledger.hierarchy.name(scope)
        if len(scope) == 13:
            name = f"{ledger.hierarchy.name(scope[:10])}, {name}"
    except SaksiError:
        return scope
    return name


def key_info(ledger: Ledger, key: str) -> dict[str, Any] | None:
    """The key's record (standard base64 text), or None when the log does not know it."""
    authority = _authority(ledger)
    record = authority.record(key)
    if record is None:
        return None
    revocation = authority.revocation(key)
    revoked = None
    if revocation is not None:
        revoked = {
            "index": revocation.index,
            "by": revocation.by,
            "effective": revocation.effective,
            "reason": revocation.reason,
        }
    return {
        "key": record.key,
        "role": record.role,
        "scope": record.scope,
        "scope_name": _scope_name(ledger, record.scope),
        "party": record.party,
        "candidate": authority.candidate(record.key),
        "label": record.label,
        "not_before": record.not_before,
        "not_after": record.not_after,
        "index": record.index,
        "registered_by": record.registered_by,
        "revoked": revoked,
    }


keys_router = APIRouter()
"""``GET /v1/keys/{key}``: documented in the OpenAPI document like the other routes."""


@keys_router.get(
    "/v1/keys/{key}",
    operation_id="getKey",
    tags=["log"],
    summary="A key as the log knows it (role, region, validity, revocation)",
    response_model=KeyInfo,
    responses={
        200: {"description": "The key's registration (or root key) and any revocation."},
        **error_responses(400, 404),
    },
)
async def get_key(key: str, request: Request) -> Response:
    KEY.check(key)
    text = key.replace("-", "+").replace("_", "/") + "="
    found = key_info(service_of(request).ledger, text)
    if found is None:
        raise errors.not_found(
            "the log does not know this key", "kunci ini tidak dikenal log", key=text
        )
    return JSONResponse(found, headers={"Cache-Control": "no-cache"})


router = APIRouter()
"""Everything above: the app's files (not in OpenAPI) and ``GET /v1/keys/{key}``."""
router.include_router(app_router)
router.include_router(keys_router)
