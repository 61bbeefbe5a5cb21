"""The published log (C2SP tlog-tiles under /log/), the contests file, /health and /metrics.

/log/checkpoint and /log/tile/... are the files of the publication folder
(``DATA/log``), served as they are. A tile path must be the one canonical spelling
:func:`~saksi.tlog.tiledir.parse_tile_path` accepts, so nothing else under the
folder (``.state/`` above all) can be reached. Full tiles and bundles never change:
they are cached for a year; partial ones (``.p/<W>``) for a minute; the checkpoint
for two seconds. /contests/<digest>.json is the contests file a format v2 manifest
names, at the address of its SHA-256: it never changes either.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Final

import anyio
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from saksi.errors import TileError
from saksi.ledger.exposition import CONTENT_TYPE as METRICS_TYPE
from saksi.service import errors
from saksi.service.connections import connection_metrics
from saksi.service.http_models import Health, error_responses
from saksi.service.http_service import service_of
from saksi.service.routing import CORS, DIGEST, IMMUTABLE
from saksi.tlog.tiledir import TILE_WIDTH, parse_tile_path

__all__ = ["CHECKPOINT_CACHE", "PARTIAL_CACHE", "accepts_gzip", "router"]

router = APIRouter()

CHECKPOINT_CACHE: Final = "public, max-age=2"
PARTIAL_CACHE: Final = "public, max-age=60"


async def _read(path: Path) -> bytes | None:
    def read() -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    return await anyio.to_thread.run_sync(read)


class _FileCache:
    """A small file's bytes, read again only when the file is another one.

    The checkpoint is polled often (clients, witnesses, mirrors: several times a second)
    and changes at most every ``integrate_interval``; it is published by atomic rename,
    so a new checkpoint is a new inode. One ``stat`` (a few µs, on the event loop) tells
    whether the bytes held are still the file's; no worker thread is needed.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[Path, tuple[tuple[int, int, int], bytes]] = {}

    def read(self, path: Path) -> bytes | None:
        try:
            st = os.stat(path)
            stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
            with self._lock:
                held = self._held.get(path)
            if held is not None and held[0] == stamp:
                return held[1]
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        if len(data) == stamp[2]:  # the file read is the file stat-ed (else read it next time)
            with self._lock:
                self._held[path] = (stamp, data)
        return data


_CHECKPOINTS: Final = _FileCache()


@router.get(
    "/log/checkpoint",
    operation_id="getCheckpoint",
    tags=["log"],
    summary="The latest signed checkpoint (C2SP tlog-checkpoint)",
    response_class=Response,
    responses={
        200: {
            "description": "A signed note: origin, size, root hash, the log's signature.",
            "content": {"text/plain; charset=utf-8": {"schema": {"type": "string"}}},
        },
        **error_responses(404),
    },
)
async def get_checkpoint(request: Request) -> Response:
    data = _CHECKPOINTS.read(service_of(request).publication / "checkpoint")
    if data is None:
        raise errors.not_found("no checkpoint is published yet", "belum ada checkpoint terbit")
    headers = {"Cache-Control": CHECKPOINT_CACHE, **CORS}
    return Response(data, media_type="text/plain; charset=utf-8", headers=headers)


@router.get(
    "/log/tile/{path:path}",
    operation_id="getTile",
    tags=["log"],
    summary="A hash tile or entry bundle (C2SP tlog-tiles)",
    response_class=Response,
    responses={
        200: {
            "description": "The tile's hashes or the bundle's length-prefixed entries.",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        },
        **error_responses(404),
    },
)
async def get_tile(path: str, request: Request) -> Response:
    """``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]``; 404 for anything else."""
    relative = f"tile/{path}"
    try:
        coordinates = parse_tile_path(relative)
    except TileError:
        raise errors.not_found(
            "not a tlog-tiles path", "bukan path tlog-tiles", path=relative[:200]
        ) from None
    data = await _read(service_of(request).publication / coordinates.path)
    if data is None:
        raise errors.not_found("no such tile", "tile tidak ada", path=coordinates.path)
    cache = IMMUTABLE if coordinates.width == TILE_WIDTH else PARTIAL_CACHE
    headers = {"Cache-Control": cache, **CORS}
    return Response(data, media_type="application/octet-stream", headers=headers)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header takes gzip (``gzip`` or ``*``, not at q=0)."""
    for item in accept_encoding.lower().split(","):
        name, _, params = item.strip().partition(";")
        if name.strip() not in ("gzip", "x-gzip", "*"):
            continue
        quality = params.strip().removeprefix("q=").strip() if "q=" in params else "1"
        try:
            return float(quality) > 0
        except ValueError:
            return False
    return False


@router.get(
    "/contests/{digest}.json",
    operation_id="getContests",
    tags=["log"],
    summary="The contests file the manifest names (format v2), at its SHA-256",
    response_class=Response,
    responses={
        200: {
            "description": "The saksi-contests/1 file in canonical JSON (RFC 8785): its "
            "SHA-256 is the digest in the path and the manifest's contests_digest. Gzipped "
            "(Content-Encoding: gzip) when the request's Accept-Encoding takes it.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        **error_responses(400, 404),
    },
)
async def get_contests(digest: str, request: Request) -> Response:
    """404 unless ``digest`` is the log's contests file's (a v1 log has none)."""
    DIGEST.check(digest)
    ledger = service_of(request).ledger
    published = await anyio.to_thread.run_sync(lambda: ledger.contests_file)
    if published is None or published.digest != digest:
        raise errors.not_found(
            "this log has no contests file of that digest",
            "log ini tidak memiliki berkas pemilihan dengan digest itu",
            digest=digest,
        )
    headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding", **CORS}
    if accepts_gzip(request.headers.get("accept-encoding", "")):
        data = await anyio.to_thread.run_sync(lambda: published.gzipped)
        headers["Content-Encoding"] = "gzip"
    else:
        data = published.data
    return Response(data, media_type="application/json", headers=headers)


def _health(request: Request) -> dict[str, Any]:
    service = service_of(request)
    stats = service.ledger.stats()
    ready = service.is_ready
    return {
        "ok": ready,
        "ready": ready,
        "origin": str(stats.get("origin", "")),
        "log_size": int(stats.get("log_size", 0)),
        "checkpoint_size": int(stats.get("checkpoint_size", 0)),
        "backlog": int(stats.get("backlog", 0)),
        "signed_size": int(stats.get("signed_size", 0)),
        "witness_quorum": stats.get("quorum"),
        "witnesses": list(stats.get("witnesses", [])),
        "connections": service.connections.health(),
    }


@router.get(
    "/health",
    operation_id="getHealth",
    tags=["operations"],
    summary="Whether the service takes statements; log and checkpoint sizes; the witnesses",
    response_class=JSONResponse,
    responses={
        200: {"model": Health, "description": "Ready."},
        **error_responses(),
    },
)
async def get_health(request: Request) -> Response:
    """200 when ready; 503 ``http.not-ready`` (the sizes in ``details``) otherwise.

    A witness that is down does not make the service unready (statements are still
    logged): its last error is shown in ``witnesses``, and ``checkpoint_size`` (the
    published checkpoint) stays behind ``signed_size``.
    """
    health = await anyio.to_thread.run_sync(_health, request)
    if not health["ready"]:
        error = errors.not_ready()
        error.details.update(health)
        raise error
    return JSONResponse(health, headers={"Cache-Control": "no-store"})


@router.get(
    "/metrics",
    operation_id="getMetrics",
    tags=["operations"],
    summary="Counters and gauges in the Prometheus text format",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text exposition format 0.0.4.",
            "content": {METRICS_TYPE: {"schema": {"type": "string"}}},
        },
        **error_responses(),
    },
)
async def get_metrics(request: Request) -> Response:
    service = service_of(request)
    stats = await anyio.to_thread.run_sync(service.ledger.stats)
    gauges = {
        "saksi_log_size": float(stats.get("log_size", 0)),
        "saksi_checkpoint_size": float(stats.get("checkpoint_size", 0)),
        "saksi_backlog": float(stats.get("backlog", 0)),
        "saksi_signed_checkpoint_size": float(stats.get("signed_size", 0)),
        "saksi_published_checkpoint_size": float(stats.get("checkpoint_size", 0)),
    }
    witnessing = service.ledger.witnessing
    extra = [] if witnessing is None else witnessing.metrics()
    extra += await anyio.to_thread.run_sync(service.ledger.photos.metrics, service.config.data)
    text = service.metrics.render(gauges, [*extra, *connection_metrics(service.connections)])
    return Response(text, media_type=METRICS_TYPE, headers={"Cache-Control": "no-store"})
