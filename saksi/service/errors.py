"""HTTP status codes for Saksi's refusals, and the one JSON error shape of the service.

Every error the service answers has the same body::

    {"ok": false, "status": 403, "error": {"code": "auth.revoked",
     "message": {"id": "...", "en": "..."}, "details": {...}}}

``error`` is :meth:`SaksiError.to_dict`. :func:`status_for` is the one place that
decides which HTTP status a refusal gets (docs/api.md explains the mapping); the
``http.*`` and ``photo.*`` errors the HTTP layer raises itself are built here too.
A status of 500 never shows the error it came from: the body is ``http.internal``
with no details, and the error is logged on the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from saksi.errors import HttpError, InputError, SaksiError

__all__ = [
    "HttpError",
    "bad_parameter",
    "bad_request",
    "error_body",
    "internal",
    "method_not_allowed",
    "not_an_image",
    "not_found",
    "not_ready",
    "public_error",
    "rate_limited",
    "request_timed_out",
    "status_for",
    "timed_out",
    "too_large",
    "too_many_connections",
    "unsupported_media_type",
]


_EXACT: Final[Mapping[str, int]] = {
    # entries and bodies over their limit
    "entry.too-large": 413,
    "store.entry-too-large": 413,
    "store.photo-too-large": 413,
    "http.too-large": 413,
    # the signature or key does not verify
    "statement.bad-signature": 401,
    "key.invalid-point": 401,
    # unreadable signature or key text
    "signature.malformed": 400,
    "key.malformed": 400,
    # conflicts with an entry already logged
    "auth.duplicate-form": 409,
    "auth.duplicate-entry": 409,
    # class defaults of the statement errors
    "statement.unauthorized": 403,
    "statement.signature": 401,
    # a sequencer bug, not the client's doing
    "auth.index-order": 500,
    # well formed, but not for this log
    "statement.election-mismatch": 422,
    # store answers that are about the request
    "store.no-such-entry": 404,
    "store.bad-photo-hash": 400,
    "store.empty-photo": 400,
    # store and ledger answers that say "later"
    "store.busy": 503,
    "store.closed": 503,
    "service.stopped": 503,
    "service.overloaded": 503,
    "service.timeout": 503,
    # the HTTP layer's own
    "http.bad-request": 400,
    "http.invalid-parameter": 400,
    "http.not-found": 404,
    "http.method-not-allowed": 405,
    "http.request-timeout": 408,
    "http.unsupported-media-type": 415,
    "http.rate-limited": 429,
    "http.internal": 500,
    "http.not-ready": 503,
    "http.timeout": 503,
    "http.too-many-connections": 503,  # 429 when the cap is the address's
    "photo.not-an-image": 415,
    # photo uploads: unsigned or not by the key named; over a quota; no room
    "photo.unsigned": 401,
    "photo.bad-signature": 401,
    "photo.key-quota": 429,
    "photo.staging-full": 507,
}

KEEP_DETAILS: Final = frozenset(
    {
        "http.not-ready",
        "http.timeout",
        "http.too-many-connections",
        "photo.staging-full",
        "service.overloaded",
        "service.timeout",
    }
)
"""5xx codes whose details are the service's own (no driver text): shown to the client."""

_BY_AREA: Final[Mapping[str, int]] = {
    "input": 400,
    "entry": 400,
    "time": 400,
    "key": 400,
    "signature": 400,
    "statement": 400,
    "text": 400,
    "auth": 403,
    "region": 422,
    "contest": 422,
}


def status_for(error: SaksiError) -> int:
    """The HTTP status of a refusal (docs/api.md, "Status codes").

    400 unreadable input (``input.*``, ``entry.*``, ``time.*``, ``signature.malformed``,
    ``key.malformed``) and text the intake policy refuses (``text.*``); 401 a signature
    or key that does not verify; 403 not authorized (``auth.*``), except 409 for a
    conflict with a logged entry (``auth.duplicate-form``, ``auth.duplicate-entry``);
    413 too large; 422 well formed but not for this log
    (``statement.election-mismatch``, ``region.*``, ``contest.*``); the ``http.*`` codes
    their own; 503 when the ledger cannot take it now (``service.stopped``,
    ``service.overloaded``, ``service.timeout``, ``store.busy``); anything else (store,
    log, configuration failures, ``service.internal``) 500.
    """
    code = error.code
    exact = _EXACT.get(code)
    if exact is not None:
        return exact
    area = code.partition(".")[0]
    by_area = _BY_AREA.get(area)
    if by_area is not None:
        return by_area
    if isinstance(error, InputError):
        return 400
    return 500


def public_error(error: SaksiError, status: int) -> SaksiError:
    """What the client may see of ``error``: a 500 becomes ``http.internal`` with no
    details; a 503 keeps its code and message but not its details (driver text)."""
    if status >= 500 and error.code not in KEEP_DETAILS:
        if status == 500:
            return internal()
        return SaksiError(code=error.code, en=error.message_en, id=error.message_id)
    return error


def error_body(error: SaksiError, status: int | None = None) -> dict[str, Any]:
    """The one JSON error shape: ``{"ok": false, "status": N, "error": {...}}``."""
    if status is None:
        status = status_for(error)
    return {"ok": False, "status": status, "error": public_error(error, status).to_dict()}


# --- the HTTP layer's own refusals ------------------------------------------


def not_found(
    what_en: str = "no such resource", what_id: str = "sumber tidak ditemukan", **details: Any
) -> HttpError:
    """404 ``http.not-found``."""
    return HttpError(code="http.not-found", en=what_en, id=what_id, **details)


def method_not_allowed(method: str, allowed: list[str]) -> HttpError:
    """405 ``http.method-not-allowed``; ``details.allowed`` lists the methods that work."""
    return HttpError(
        code="http.method-not-allowed",
        en=f"method {method} is not allowed here; use {', '.join(allowed) or 'another path'}",
        id=f"metode {method} tidak diizinkan di sini; gunakan {', '.join(allowed) or 'path lain'}",
        method=method,
        allowed=allowed,
    )


def unsupported_media_type(got: str, expected: list[str]) -> HttpError:
    """415 ``http.unsupported-media-type``."""
    shown = got[:80] if got else "(none)"
    return HttpError(
        code="http.unsupported-media-type",
        en=f"content type {shown} is not accepted here; send {' or '.join(expected)}",
        id=f"jenis konten {shown} tidak diterima di sini; kirim {' atau '.join(expected)}",
        content_type=shown,
        expected=expected,
    )


def too_large(limit: int, what: str = "bytes", size: int | None = None) -> HttpError:
    """413 ``http.too-large``: a body (``what`` = bytes) or batch (entries) over its limit."""
    unit_id = {"bytes": "byte", "entries": "entri"}.get(what, what)
    details: dict[str, Any] = {"limit": limit, "unit": what}
    if size is not None:
        details["size"] = size
    return HttpError(
        code="http.too-large",
        en=f"the request is too large: at most {limit:,} {what} are accepted here",
        id=f"permintaan terlalu besar: paling banyak {limit:,} {unit_id} diterima di sini",
        **details,
    )


def rate_limited(retry_after: float, scope: str) -> HttpError:
    """429 ``http.rate-limited``; ``scope`` is ``key`` or ``address``."""
    seconds = max(1, int(retry_after + 0.999))
    who_en = "this signing key" if scope == "key" else "this client address"
    who_id = "kunci penanda tangan ini" if scope == "key" else "alamat klien ini"
    return HttpError(
        code="http.rate-limited",
        en=f"too many requests from {who_en}; retry after {seconds} s",
        id=f"terlalu banyak permintaan dari {who_id}; coba lagi setelah {seconds} detik",
        limit=scope,
        retry_after=seconds,
    )


def not_ready() -> HttpError:
    """503 ``http.not-ready``: starting, stopping, or stopped after a storage failure."""
    return HttpError(
        code="http.not-ready",
        en="the service is not ready to take requests; retry shortly",
        id="layanan belum siap menerima permintaan; coba lagi sebentar lagi",
    )


def timed_out(seconds: float) -> HttpError:
    """503 ``http.timeout``: the server did not finish in time (a resend is safe)."""
    return HttpError(
        code="http.timeout",
        en=(
            f"the server did not answer within {seconds:g} s; resending the same statement is "
            "safe (a logged statement gets its receipt again)"
        ),
        id=(
            f"server tidak menjawab dalam {seconds:g} detik; mengirim ulang pernyataan yang sama "
            "aman (pernyataan yang sudah tercatat mendapat tanda terimanya lagi)"
        ),
        seconds=seconds,
    )


def request_timed_out(seconds: float, part: str = "body") -> HttpError:
    """408 ``http.request-timeout``: the request's ``body`` (or ``headers``) did not
    arrive in time."""
    what_en, what_id = ("headers", "kepala") if part == "headers" else ("body", "isi")
    return HttpError(
        code="http.request-timeout",
        en=f"the request {what_en} did not arrive within {seconds:g} s",
        id=f"{what_id} permintaan tidak tiba dalam {seconds:g} detik",
        seconds=seconds,
        part=part,
    )


def too_many_connections(limit: str) -> HttpError:
    """429 (``limit="address"``) or 503 (``"total"``) ``http.too-many-connections``: a
    new connection over a cap on connections held at once."""
    who_en = "from this client address" if limit == "address" else "to this server"
    who_id = "dari alamat klien ini" if limit == "address" else "ke server ini"
    return HttpError(
        code="http.too-many-connections",
        en=f"too many connections {who_en} are open; retry after 1 s",
        id=f"terlalu banyak sambungan {who_id} yang terbuka; coba lagi setelah 1 detik",
        limit=limit,
        retry_after=1,
    )


def bad_parameter(name: str, expected_en: str, expected_id: str) -> HttpError:
    """400 ``http.invalid-parameter``: a path or query parameter of the wrong form."""
    return HttpError(
        code="http.invalid-parameter",
        en=f"parameter {name} is malformed: expected {expected_en}",
        id=f"parameter {name} tidak sah: seharusnya {expected_id}",
        parameter=name,
    )


def bad_request(reason_en: str, reason_id: str) -> HttpError:
    """400 ``http.bad-request``: a request the framework could not read."""
    return HttpError(
        code="http.bad-request",
        en=f"the request is malformed: {reason_en}",
        id=f"permintaan tidak sah: {reason_id}",
    )


def internal() -> HttpError:
    """500 ``http.internal``: an unexpected failure; the details stay in the server's log."""
    return HttpError(
        code="http.internal",
        en="internal error; it has been logged on the server",
        id="kesalahan internal; sudah dicatat di server",
    )


def not_an_image() -> HttpError:
    """415 ``photo.not-an-image``: the bytes are not a JPEG, PNG or WebP image."""
    return HttpError(
        code="photo.not-an-image",
        en="the photo is not a JPEG, PNG or WebP image (the type is read from its content)",
        id="foto bukan gambar JPEG, PNG atau WebP (jenisnya dibaca dari isinya)",
        accepted=["image/jpeg", "image/png", "image/webp"],
    )
