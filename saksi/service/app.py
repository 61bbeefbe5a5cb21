"""The HTTP service: a FastAPI application over one :class:`~saksi.ledger.ledger.Ledger`.

:func:`create_app` wires the routes (saksi.service.routes, routes_log, photos), the
one JSON error shape for every failure (FastAPI's own 404/405/422 included), the
per-address rate limit, metrics and an access log. The ledger does the work; this
layer reads bodies within their limits, maps refusals to status codes
(saksi.service.errors) and writes answers. docs/api.md is the reference.

The access log (logger ``saksi.service.access``) records method, route template,
status, duration and body sizes. It never records bodies, query strings, headers or
the client's address.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from saksi import __version__
from saksi.errors import SaksiError
from saksi.server_limits import ConnectionGuard, descriptor_limit
from saksi.service import (
    errors,
    photos,
    routes,
    routes_app,
    routes_dashboard,
    routes_log,
    routes_results,
)
from saksi.service.connections import connection_limits
from saksi.service.http_service import Service, error_response
from saksi.service.limits import Rate, RateLimiter
from saksi.service.routing import PARAMETERS, FastRoute, fast_routes

if TYPE_CHECKING:
    from saksi.ledger.config import ServiceConfig
    from saksi.ledger.ledger import Ledger

__all__ = ["FAST_ROUTES", "HOT", "ROUTERS", "FrontDoor", "create_app"]

log = logging.getLogger("saksi.service")
access_log = logging.getLogger("saksi.service.access")

NOT_RATE_LIMITED: Final = frozenset({"/health", "/metrics"})


# --- exception handlers ---------------------------------------------------------


async def _saksi_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SaksiError)
    return error_response(exc)


async def _http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return error_response(errors.not_found())
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        methods = [m.strip() for m in allowed.split(",") if m.strip()]
        return error_response(errors.method_not_allowed(request.method, methods))
    if 400 <= exc.status_code < 500:
        error = errors.bad_request(str(exc.detail)[:200], str(exc.detail)[:200])
        return error_response(error, exc.status_code)
    return error_response(errors.internal(), 500)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = [".".join(str(part) for part in e.get("loc", ())) for e in exc.errors()]
    error = errors.bad_request(
        "invalid parameters: " + ", ".join(fields), "parameter tidak sah: " + ", ".join(fields)
    )
    return error_response(error, 400)


# --- the front door: per-address limit, errors of last resort, metrics, access log ---


def _route_of(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "(unmatched)"


async def _answer(route: FastRoute, scope: Scope, receive: Receive, send: Send) -> None:
    """A hot route's answer, as its FastAPI route with the same handler would give it."""
    try:
        response = await route.endpoint(Request(scope, receive, send))
    except SaksiError as exc:
        response = error_response(exc)
    await response(scope, receive, send)


ROUTERS: Final = (
    routes.router,
    photos.router,
    routes_log.router,
    routes_results.router,
    routes_dashboard.router,
    routes_app.router,
)
"""The routing table: every route, by method and path, in the order they are matched."""
HOT: Final = (routes.submit_statement, routes.submit_batch, routes_log.get_checkpoint)
"""The handlers whose routes the front door answers itself: submissions and the
checkpoint (see :class:`~saksi.service.routing.FastRoute`)."""
FAST_ROUTES: Final = fast_routes(ROUTERS, HOT)
"""The hot routes as the routing table has them."""


class FrontDoor:
    """Pure ASGI middleware around the whole application (see the module docstring); it
    answers the hot routes (:data:`FAST_ROUTES`) itself."""

    def __init__(
        self, app: ASGIApp, service: Service, fast: Sequence[FastRoute] = FAST_ROUTES
    ) -> None:
        self.app = app
        self.service = service
        self.fast = {(route.method, route.path): route for route in fast}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        sent = {"status": 0, "bytes": 0}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-content-type-options", b"nosniff"),
                ]
            elif message["type"] == "http.response.body":
                sent["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            limited = self._address_limit(scope)
            fast = self.fast.get((scope["method"], scope["path"]))
            if limited is not None:
                await limited(scope, receive, send_wrapper)
            elif fast is not None:
                scope["route"] = fast
                await _answer(fast, scope, receive, send_wrapper)
            else:
                await self.app(scope, receive, send_wrapper)
        except Exception:
            log.exception("unexpected failure in %s %s", scope["method"], _route_of(scope))
            if sent["status"]:
                raise  # the answer has begun: let the server close the connection
            await error_response(errors.internal(), 500)(scope, receive, send_wrapper)
        finally:
            self._record(scope, sent["status"], sent["bytes"], time.perf_counter() - started)

    def _address_limit(self, scope: Scope) -> Response | None:
        limiter = self.service.address_limiter
        if not limiter.enabled or scope["path"] in NOT_RATE_LIMITED:
            return None
        client = scope.get("client")
        address = client[0] if client else "(unknown)"
        wait = limiter.take(address)
        if not wait:
            return None
        self.service.metrics.limited("address")
        return error_response(errors.rate_limited(wait, "address"))

    def _record(self, scope: Scope, status: int, size: int, seconds: float) -> None:
        route = _route_of(scope)
        self.service.metrics.request(route, status, seconds)
        if access_log.isEnabledFor(logging.INFO):
            access_log.info(
                "%s %s %d %d bytes %.1f ms", scope["method"], route, status, size, seconds * 1e3
            )


# --- the application ------------------------------------------------------------


def _publication_dir(config: ServiceConfig) -> Path:
    return Path(config.log_dir)


def create_app(
    ledger: Ledger, config: ServiceConfig, connections: ConnectionGuard | None = None
) -> FastAPI:
    """The service over ``ledger`` (opened by the caller, who also closes it);
    ``connections`` counts the server's connections (by default: a guard with the
    limits of ``config`` fitted to the process's descriptor limit)."""
    if connections is None:
        connections = ConnectionGuard(connection_limits(config, descriptor_limit()))
    service = Service(
        ledger=ledger,
        config=config,
        publication=_publication_dir(config),
        key_limiter=RateLimiter(Rate.of(config.rate_per_key)),
        address_limiter=RateLimiter(Rate.of(config.rate_per_address)),
        connections=connections,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service.ready = True
        yield
        service.ready = False
        service.executor.shutdown(wait=False)

    app = FastAPI(
        title="Saksi submission service",
        version=__version__,
        summary="Signed election statements into a public, append-only Merkle log.",
        description=(
            "Every error answer has one shape: "
            '`{"ok": false, "status": N, "error": {"code", "message": {"id", "en"}, '
            '"details"}}`. See docs/api.md.'
        ),
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_tags=[
            {"name": "statements", "description": "Submit signed statements; receipts."},
            {"name": "log", "description": "Entries, TPS views, the C2SP tlog-tiles log."},
            {"name": "photos", "description": "Photos of forms, by SHA-256."},
            {"name": "operations", "description": "Health and metrics."},
        ],
    )
    app.state.service = service
    app.add_exception_handler(SaksiError, _saksi_error)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(FrontDoor, service=service)
    app.openapi = functools.partial(_openapi, app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, without FastAPI's unused validation-error schemas."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    known = PARAMETERS.get(parameter.get("name"))
                    if known is not None:
                        parameter["schema"]["pattern"] = known.openapi_pattern
                responses = operation.get("responses", {})
                if "HTTPValidationError" in str(responses.get("422", "")):
                    del responses["422"]  # parameters are checked by the handlers: 400
        components = schema.get("components", {}).get("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        app.openapi_schema = schema
    return app.openapi_schema
