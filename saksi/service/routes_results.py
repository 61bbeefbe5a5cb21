"""The published results (``DATA/results``) under /results/, as static files.

``saksi publish --follow`` writes them from the public log (``saksi serve`` starts it
beside itself, see docs/service.md); this route only serves the folder. Every file
but ``latest.json`` is written once and never changed, so it is cached for a year;
``latest.json`` (the pointer to the newest generation) for two seconds. The
publisher's private ``.state/`` and anything that is not a plain relative path are
404.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePosixPath
from typing import Final

import anyio
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from saksi.service import errors
from saksi.service.http_models import error_responses
from saksi.service.http_service import service_of
from saksi.service.routing import CORS, IMMUTABLE

__all__ = ["LATEST_CACHE", "router"]

router = APIRouter()

LATEST_CACHE: Final = "public, max-age=2"
_TYPES: Final = {".json": "application/json", ".csv": "text/csv; charset=utf-8"}


def _safe(path: str) -> PurePosixPath | None:
    parts = PurePosixPath(path).parts
    if (
        not parts
        or path.startswith("/")
        or "\\" in path
        or any(p in ("", ".", "..") or p.startswith(".") for p in path.split("/"))
    ):
        return None
    return PurePosixPath(*parts)


async def _read(path: Path) -> bytes | None:
    def read() -> bytes | None:
        try:
            return path.read_bytes() if path.is_file() else None
        except OSError:
            return None

    return await anyio.to_thread.run_sync(read)


@router.get(
    "/results/{file:path}",
    operation_id="getResults",
    tags=["results"],
    summary="A published results file: latest.json, snapshots, summary, exports",
    response_class=Response,
    responses={
        200: {
            "description": "The file as published (JSON, CSV); see docs/recap.md.",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        **error_responses(404),
    },
)
async def get_results(file: str, request: Request) -> Response:
    """A file under ``DATA/results`` (``file`` is no tile path: its parameter is named
    apart from the tiles' ``path``, whose pattern it does not have)."""
    relative = _safe(file)
    if relative is None:
        raise errors.not_found("no such results file", "berkas hasil tidak ada", path=file[:200])
    folder = service_of(request).config.results_dir
    data = await _read(folder.joinpath(*relative.parts))
    if data is None:
        raise errors.not_found("no such results file", "berkas hasil tidak ada", path=file[:200])
    suffix = relative.suffix
    media = (
        _TYPES.get(suffix) or mimetypes.guess_type(relative.name)[0] or "application/octet-stream"
    )
    cache = LATEST_CACHE if str(relative) == "latest.json" else IMMUTABLE
    return Response(data, media_type=media, headers={"Cache-Control": cache, **CORS})
