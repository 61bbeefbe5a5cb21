"""Photos of forms: upload and download, content-addressed by SHA-256.

The type of a photo is read from its first bytes (JPEG, PNG or WebP), never from a
file name or the Content-Type the client sends: anything else is refused with 415
``photo.not-an-image``, so the service never stores or serves a script or a page
disguised as a photo. A photo is named by the SHA-256 of its bytes; statements cite
that hash, so a photo cannot be swapped once its form is logged, and it is served
with an ETag and cached forever.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from saksi.service import errors
from saksi.service.http_body import read_body, require_media_type
from saksi.service.http_models import PhotoStored, error_responses
from saksi.service.http_service import service_of
from saksi.service.routes import IMMUTABLE

__all__ = ["UPLOAD_TYPES", "router", "sniff"]

router = APIRouter()

UPLOAD_TYPES: Final = ("application/octet-stream", "image/jpeg", "image/png", "image/webp")
_SHA256: Final = re.compile(r"[0-9a-f]{64}")
_PNG: Final = b"\x89PNG\r\n\x1a\n"


def sniff(data: bytes) -> str | None:
    """The image type of ``data`` by its magic bytes: image/jpeg, image/png,
    image/webp, or None for anything else."""
    if data[:3] == b"\xff\xd8\xff" and len(data) >= 4:
        return "image/jpeg"
    if data[:8] == _PNG and data[12:16] == b"IHDR":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:15] == b"VP8":
        return "image/webp"
    return None


@router.post(
    "/v1/photos",
    operation_id="uploadPhoto",
    tags=["photos"],
    summary="Upload a photo (JPEG, PNG or WebP, read from its content)",
    status_code=201,
    response_class=JSONResponse,
    responses={
        201: {
            "model": PhotoStored,
            "description": "Stored; cite it by its sha256.",
            "links": {
                "photo": {
                    "operationId": "getPhoto",
                    "parameters": {"sha256": "$response.body#/sha256"},
                    "description": "The photo's bytes.",
                }
            },
        },
        **error_responses(400, 408, 413, 415),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}} for kind in UPLOAD_TYPES
            },
        }
    },
)
async def upload_photo(request: Request) -> Response:
    """Store a photo; 201 with its SHA-256 (the same answer for the same bytes)."""
    service = service_of(request)
    service.check_ready()
    require_media_type(request, UPLOAD_TYPES)
    data = await read_body(request, limit=service.config.max_photo_bytes, timeout=service.timeout)
    kind = sniff(data)
    if kind is None:
        raise errors.not_an_image()
    sha = await service.call(service.ledger.put_photo, data)
    body = {"sha256": sha, "size": len(data), "content_type": kind}
    headers = {"Location": f"/v1/photos/{sha}", "Cache-Control": "no-store"}
    return JSONResponse(body, status_code=201, headers=headers)


@router.get(
    "/v1/photos/{sha256}",
    operation_id="getPhoto",
    tags=["photos"],
    summary="A photo by its SHA-256",
    response_class=Response,
    responses={
        200: {
            "description": "The photo's bytes, typed by content; immutable.",
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in UPLOAD_TYPES[1:]
            },
        },
        304: {"description": "Not modified (If-None-Match matched the ETag)."},
        **error_responses(400, 404),
    },
)
async def get_photo(sha256: str, request: Request) -> Response:
    """The photo named ``sha256`` (64 lower-case hex digits)."""
    if not _SHA256.fullmatch(sha256):
        raise errors.bad_parameter(
            "sha256", "64 lower-case hexadecimal digits", "64 digit heksadesimal huruf kecil"
        )
    etag = f'"{sha256}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    service = service_of(request)
    data = await service.call(service.ledger.photo, sha256)
    if data is None:
        raise errors.not_found("no photo with this hash", "tidak ada foto dengan hash ini")
    kind = sniff(data) or "application/octet-stream"
    if hashlib.sha256(data).hexdigest() != sha256:  # the store checks too; never serve a swap
        raise errors.internal()
    return Response(data, media_type=kind, headers=headers)
