"""What the route modules share: caching headers, path parameters, the hot routes.

The route modules import from here and from :mod:`saksi.service.http_service`, never
from each other.

- Each path parameter's form is defined once (:data:`PARAMETERS`): its handler checks
  a value against it (400 ``http.invalid-parameter``) and the OpenAPI document shows
  it as the parameter's pattern.
- The routing table is FastAPI's: every route's method and path are written once, in
  its router. The hot routes that the front door answers itself, past FastAPI's router
  (:class:`FastRoute`), are named by their handlers (:data:`saksi.service.app.HOT`)
  and found in that table (:func:`fast_routes`), so the two can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Final

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from saksi.service import errors
from saksi.tlog.tiledir import TILE_PATH_PATTERN

__all__ = [
    "CONTEST",
    "CORS",
    "DIGEST",
    "IMMUTABLE",
    "INDEX",
    "KEY",
    "LEAF_HASH",
    "PARAMETERS",
    "SHA256",
    "TILE_PATH",
    "TPS",
    "FastRoute",
    "PathParameter",
    "fast_routes",
]

IMMUTABLE: Final = "public, max-age=31536000, immutable"
"""Cache-Control of what never changes at its address (entries, full tiles, photos,
published snapshots, the dashboard's fingerprinted files)."""
CORS: Final = {"Access-Control-Allow-Origin": "*"}
"""The header that lets any page read the public log and results."""


@dataclass(frozen=True)
class PathParameter:
    """A path parameter's one definition: the form of its values (a regular expression
    for the whole value, its alternatives grouped, as it is anchored as it stands in
    the OpenAPI document), and what a refusal says it should look like."""

    name: str
    pattern: str
    expected_en: str
    expected_id: str
    below: int | None = None
    """For a number: values must be below this."""
    _compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", re.compile(self.pattern))

    @property
    def openapi_pattern(self) -> str:
        """The pattern as the OpenAPI document gives it (ECMA-262, anchored)."""
        return "^" + re.sub(r"\(\?P<\w+>", "(", self.pattern) + "$"

    def matches(self, value: str) -> bool:
        return self._compiled.fullmatch(value) is not None and (
            self.below is None or int(value) < self.below
        )

    def check(self, value: str) -> str:
        """``value`` if it has this parameter's form; else 400 ``http.invalid-parameter``."""
        if not self.matches(value):
            raise errors.bad_parameter(self.name, self.expected_en, self.expected_id)
        return value


LEAF_HASH: Final = PathParameter(
    "leaf_hash",
    "[0-9a-fA-F]{64}",
    "64 hexadecimal digits (SHA-256)",
    "64 digit heksadesimal (SHA-256)",
)
INDEX: Final = PathParameter(
    "index",
    "(0|[1-9][0-9]{0,18})",
    "a whole number from 0, without leading zeros",
    "bilangan bulat mulai 0",
    below=1 << 63,
)
SHA256: Final = PathParameter(
    "sha256",
    "[0-9a-f]{64}",
    "64 lower-case hexadecimal digits",
    "64 digit heksadesimal huruf kecil",
)
DIGEST: Final = PathParameter(
    "digest",
    "[0-9a-f]{64}",
    "64 lower-case hexadecimal digits (SHA-256)",
    "64 digit heksadesimal huruf kecil (SHA-256)",
)
TPS: Final = PathParameter("tps", "[0-9]{13}", "a TPS code of 13 digits", "kode TPS 13 digit")
CONTEST: Final = PathParameter(
    "contest",
    "[a-z][a-z0-9-]*",
    "a contest's name (ppwp, dpr, dpd, dprd-prov, dprd-kabkota)",
    "nama pemilihan (ppwp, dpr, dpd, dprd-prov, dprd-kabkota)",
)
TILE_PATH: Final = PathParameter("path", TILE_PATH_PATTERN, "a tlog-tiles path", "path tlog-tiles")
KEY: Final = PathParameter(
    "key",
    "[A-Za-z0-9_-]{43}",
    "a public key in base64url without padding (43 characters)",
    "kunci publik dalam base64url tanpa padding (43 karakter)",
)
PARAMETERS: Final = {
    p.name: p for p in (LEAF_HASH, INDEX, SHA256, DIGEST, TPS, CONTEST, TILE_PATH, KEY)
}
"""Every path parameter of the documented routes, by name (the OpenAPI document's
patterns). The TPS and the contest are looked up by the ledger, which refuses an
unknown one (404/422); a tile path by :func:`~saksi.tlog.tiledir.parse_tile_path`
(404)."""


@dataclass(frozen=True)
class FastRoute:
    """A hot route that :class:`~saksi.service.app.FrontDoor` answers itself.

    Submissions and the checkpoint (polled several times a second by every monitor)
    skip FastAPI's router, dependency machinery and inner middleware: each of those
    layers costs CPU time under the one interpreter lock that the sequencer needs
    (a GET of the checkpoint cost ~0.5 ms of CPU through them). The handler takes only
    the request and answers as the documented FastAPI route with the same handler does
    (a SaksiError it raises becomes the same error answer); the FastAPI route stays for
    the OpenAPI document and for every method or path not listed here.
    """

    method: str
    path: str  # the exact path; also the route template that metrics show
    endpoint: Callable[[Request], Awaitable[Response]]


def fast_routes(
    routers: Iterable[APIRouter], hot: Iterable[Callable[[Request], Awaitable[Response]]]
) -> tuple[FastRoute, ...]:
    """The routes of ``routers`` whose handler is one of ``hot``, as the front door
    answers them: each hot handler must have exactly one route, of one method and a
    path without parameters (the front door matches the path exactly)."""
    wanted = list(hot)
    found: list[FastRoute] = []
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.endpoint in wanted:
                methods = sorted(route.methods or ())
                assert len(methods) == 1, f"a hot route has one method: {route.path}"
                assert "{" not in route.path, f"a hot route has parameters: {route.path}"
                found.append(FastRoute(methods[0], route.path, route.endpoint))
    assert len(found) == len(wanted), "a hot handler has no route, or more than one"
    return tuple(found)
