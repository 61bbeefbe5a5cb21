"""Reading request bodies: content type, size limits, a deadline, and exact bytes.

A statement's bytes are what its signature covers, so the service never parses and
re-serialises a body: :func:`read_body` returns the bytes exactly as sent. A body
whose ``Content-Length`` is over the limit is refused before it is read; a body sent
without a length (chunked) is counted as it streams and refused at the first byte
over the limit, so the server never holds more than the limit in memory.
"""

from __future__ import annotations

import re
from typing import Final

import anyio
from starlette.requests import ClientDisconnect, Request

from saksi.service.errors import (
    bad_request,
    request_timed_out,
    too_large,
    unsupported_media_type,
)

__all__ = ["media_type", "read_body", "require_media_type", "signer_hint", "split_lines"]

_SIGNER: Final = re.compile(rb'\A\{"key":"([A-Za-z0-9+/]{43}=)","sig":"')


def media_type(request: Request) -> str:
    """The request's media type, lower case, without parameters (``""`` when absent)."""
    value = request.headers.get("content-type", "")
    return value.partition(";")[0].strip().lower()


def require_media_type(request: Request, accepted: tuple[str, ...]) -> str:
    """The media type if it is one of ``accepted``; else 415 ``http.unsupported-media-type``."""
    kind = media_type(request)
    if kind not in accepted:
        raise unsupported_media_type(kind, list(accepted))
    return kind


def _declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length")
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise bad_request("Content-Length is not a number", "Content-Length bukan angka")
    return int(value)


async def read_body(request: Request, *, limit: int, timeout: float) -> bytes:
    """The body's exact bytes: 413 ``http.too-large`` over ``limit`` bytes, 408
    ``http.request-timeout`` if it has not all arrived within ``timeout`` seconds."""
    declared = _declared_length(request)
    if declared is not None and declared > limit:
        raise too_large(limit, "bytes", declared)
    chunks: list[bytes] = []
    size = 0
    with anyio.move_on_after(timeout) as scope:
        try:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise too_large(limit, "bytes")
                chunks.append(chunk)
        except ClientDisconnect:
            raise bad_request(
                "the client closed the connection", "klien menutup sambungan"
            ) from None
    if scope.cancelled_caught:
        raise request_timed_out(timeout)
    return b"".join(chunks)


def split_lines(body: bytes) -> list[bytes]:
    """The lines of an NDJSON body, exactly as sent: split at ``\\n``; one final
    newline ends the last line rather than starting an empty one."""
    if not body:
        return []
    lines = body.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines


def signer_hint(entry: bytes) -> str | None:
    """The ``key`` a canonical entry names (it comes first), without parsing it.

    Only a hint for the per-key rate limit: nothing is trusted until the signature
    verifies, and a token taken for an entry that then fails before its signature
    is checked is given back (see saksi.service.routes).
    """
    match = _SIGNER.match(entry)
    return match.group(1).decode("ascii") if match else None
