"""Photos of forms over HTTP: upload (signed) and download, content-addressed by SHA-256.

An upload carries its uploader's key and ``saksi/photo/v1`` signature in the headers
``Saksi-Key`` and ``Saksi-Signature``; who may upload, where the photo waits and when
it is kept for good is :mod:`saksi.ledger.photo_keeper`'s. The key is checked before
the body is read. The type of a photo is read from its first bytes (JPEG, PNG or
WebP), never from a file name or the Content-Type the client sends: anything else is
refused with 415 ``photo.not-an-image``, so the service never stores or serves a
script or a page disguised as a photo. A photo is named by the SHA-256 of its bytes;
statements cite that hash, so a photo cannot be swapped once its form is logged.
Only photos a logged statement cites are served, with an ETag, cached forever.
"""

from __future__ import annotations

import hashlib
from typing import Final

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from saksi.election.photo_upload import KEY_HEADER, SIGNATURE_HEADER, PhotoSignature
from saksi.errors import SaksiError
from saksi.ledger.photo_keeper import unsigned
from saksi.service import errors
from saksi.service.http_body import read_body, require_media_type
from saksi.service.http_models import PhotoStored, error_responses
from saksi.service.http_service import Service, error_response, service_of
from saksi.service.routing import IMMUTABLE, SHA256

__all__ = ["UPLOAD_TYPES", "router", "sniff"]

router = APIRouter()

STRANGERS: Final = frozenset(
    {
        "photo.unsigned",
        "key.malformed",
        "signature.malformed",
        "auth.unknown-key",
        "auth.wrong-role",
    }
)
"""Refusals of an upload by no officer at all: answered before the body is read, and
the connection is closed rather than kept for reading (and dropping) its bytes. A
registered key's refusals (revoked, over its quota) keep it, so that its client reads
the answer whole."""
UPLOAD_TYPES: Final = ("application/octet-stream", "image/jpeg", "image/png", "image/webp")
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


_SIGNED_BY: Final = [
    {
        "name": KEY_HEADER,
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": "The uploader's public key (standard base64 of 32 bytes), registered "
        "in the log.",
    },
    {
        "name": SIGNATURE_HEADER,
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": "Ed25519 by that key over 'saksi/photo/v1\\n' + election + '\\n' + "
        "sha256 hex + '\\n' (standard base64 of 64 bytes; docs/format.md).",
    },
]
"""The upload's credentials, for the OpenAPI document (the handler reads them)."""


@router.post(
    "/v1/photos",
    operation_id="uploadPhoto",
    tags=["photos"],
    summary="Upload a photo signed by a registered key (JPEG, PNG or WebP, read from its content)",
    status_code=201,
    response_class=JSONResponse,
    responses={
        201: {
            "model": PhotoStored,
            "description": "Taken: staged until a logged statement cites it (then stored for "
            "good and served), or already stored. Cite it by its sha256.",
            "links": {
                "photo": {
                    "operationId": "getPhoto",
                    "parameters": {"sha256": "$response.body#/sha256"},
                    "description": "The photo's bytes, once a logged statement cites it.",
                }
            },
        },
        **error_responses(400, 401, 403, 408, 413, 415, 429, 507),
    },
    openapi_extra={
        "parameters": _SIGNED_BY,
        "requestBody": {
            "required": True,
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}} for kind in UPLOAD_TYPES
            },
        },
    },
)
async def upload_photo(request: Request) -> Response:
    """Take a photo signed by a key that may cite it; 201 with its SHA-256 and whether
    it is staged or stored (the same bytes again: the same name)."""
    service = service_of(request)
    try:
        signature = _uploader(service, request)
    except SaksiError as exc:
        service.ledger.photos.refused(exc.code)
        response = error_response(exc)
        if exc.code in STRANGERS:  # its body is not read: the connection ends here
            response.headers["Connection"] = "close"
        return response
    try:
        return await _upload(service, request, signature)
    except SaksiError as exc:
        service.ledger.photos.refused(exc.code)
        raise


def _uploader(service: Service, request: Request) -> PhotoSignature:
    """The checks that need no body: ready, the type, the key may upload at all."""
    service.check_ready()
    require_media_type(request, UPLOAD_TYPES)
    key, sig = request.headers.get(KEY_HEADER), request.headers.get(SIGNATURE_HEADER)
    if not key or not sig:
        raise unsigned()
    signature = PhotoSignature.parse(key, sig)
    service.ledger.photos.check_uploader(signature)
    return signature


async def _upload(service: Service, request: Request, signature: PhotoSignature) -> Response:
    keeper = service.ledger.photos
    data = await read_body(request, limit=service.config.max_photo_bytes, timeout=service.timeout)
    kind = sniff(data)
    if kind is None:
        raise errors.not_an_image()
    upload = await service.call(keeper.upload, data, signature)
    body = {"sha256": upload.sha256, "size": upload.size, "content_type": kind,
            "state": upload.state, "expires_in": upload.expires_in}  # fmt: skip
    headers = {"Location": f"/v1/photos/{upload.sha256}", "Cache-Control": "no-store"}
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
    """The photo named ``sha256`` (64 lower-case hex digits), once a logged statement
    cites it."""
    SHA256.check(sha256)
    etag = f'"{sha256}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    service = service_of(request)
    data = await service.call(service.ledger.photos.photo, sha256)
    if data is None:
        raise errors.not_found("no photo with this hash", "tidak ada foto dengan hash ini")
    kind = sniff(data) or "application/octet-stream"
    if hashlib.sha256(data).hexdigest() != sha256:  # the store checks too; never serve a swap
        raise errors.internal()
    return Response(data, media_type=kind, headers=headers)
