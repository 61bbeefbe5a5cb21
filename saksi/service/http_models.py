"""The shapes of the service's JSON answers, for the OpenAPI document.

The handlers write their JSON directly (no validation on the way out: the ledger
builds receipts, the error tree builds errors); these models only describe it, so
that /openapi.json names every field and schemathesis can check the answers.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "BatchResults",
    "ConnectionsHealth",
    "ErrorBody",
    "Health",
    "PhotoStored",
    "Receipt",
    "ReceiptWithProof",
    "TpsView",
    "WitnessHealth",
    "error_responses",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Message(_Model):
    id: str = Field(description="Bahasa Indonesia")
    en: str = Field(description="English")


class Error(_Model):
    code: str = Field(description="Stable machine code, e.g. auth.revoked (docs/errors.md).")
    message: Message
    details: dict[str, Any] = Field(description="What was refused; keys depend on the code.")


class ErrorBody(_Model):
    """The one error shape of every non-2xx answer."""

    ok: Literal[False]
    status: int = Field(description="The HTTP status, repeated.")
    error: Error


class Violation(_Model):
    rule: str
    version: int
    severity: str
    fields: list[str]
    message: Message


class Receipt(_Model):
    """The answer to a submitted statement."""

    index: int = Field(ge=0, description="The entry's index in the log.")
    leaf_hash: str = Field(pattern="^[0-9a-f]{64}$", description="RFC 6962 leaf hash, hex.")
    status: Literal["accepted", "flagged", "inconsistent"]
    duplicate: bool = Field(description="True when these exact bytes were already logged.")
    type: str = Field(description="The statement type (c-hasil, key, correction, ...).")
    violations: list[Violation] = Field(description="Rules the form breaks (forms only).")
    checkpoint_size: int | None = Field(
        description="Size of the latest signed checkpoint that covers the entry, or null."
    )


class ReceiptWithProof(Receipt):
    proof: str | None = Field(
        description="C2SP tlog-proof text once a signed checkpoint covers the entry, else null."
    )


class BatchItemOk(_Model):
    ok: Literal[True]
    status: Literal[200, 201] = Field(description="201 logged now, 200 already logged.")
    receipt: Receipt


class BatchItemError(_Model):
    ok: Literal[False]
    status: int = Field(description="The status this entry would have had on its own.")
    error: Error


class BatchResults(_Model):
    results: list[BatchItemOk | BatchItemError] = Field(
        description="One result per line of the request, in order."
    )


class PhotoStored(_Model):
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    size: int = Field(ge=1)
    content_type: Literal["image/jpeg", "image/png", "image/webp"]
    state: Literal["staged", "stored"] = Field(
        description="stored: a logged statement cites it; it is kept for good and served. "
        "staged: it waits for a statement that cites it, for expires_in seconds."
    )
    expires_in: int | None = Field(
        ge=0, description="Seconds the staged photo waits; null once stored."
    )


class WitnessHealth(_Model):
    """What the service knows of one witness."""

    name: str = Field(description="The witness's key name.")
    url: str = Field(description="Its submission prefix (tlog-witness).")
    cosigned_size: int | None = Field(
        ge=0,
        description="The size it last cosigned for this log, as the service learned it (its "
        "cosignature or its 409 answer), or null before it answered.",
    )
    cosigned_at: str | None = Field(description="When (UTC, ISO 8601), or null.")
    error: dict[str, Any] | None = Field(
        description="Its last error (code, message) until it cosigns again, or null."
    )
    error_at: str | None = Field(description="When the last error came (UTC), or null.")


class ConnectionsHealth(_Model):
    """The server's connections and descriptors (docs/service.md, "Connections")."""

    open: int = Field(ge=0, description="Connections being served.")
    closing: int = Field(ge=0, description="Connections being answered a refusal or a timeout.")
    max: int = Field(ge=1, description="The cap on connections served at once.")
    max_per_address: int = Field(ge=0, description="The cap per client address (0: none).")
    addresses: int = Field(ge=0, description="Client addresses with a connection served.")
    accepted: int = Field(ge=0, description="Connections accepted since the start.")
    refused: dict[str, int] = Field(description="Connections refused over a cap, by cap.")
    timed_out: dict[str, int] = Field(
        description="Connections closed for being slow, by phase (idle, headers, body)."
    )
    header_timeout: float = Field(description="Seconds a request's headers may take.")
    body_timeout: float = Field(description="Seconds a request's body may take.")
    descriptors: int | None = Field(description="File descriptors the process holds.")
    descriptor_limit: int = Field(description="The process's limit on open descriptors.")


class Health(_Model):
    ok: bool
    ready: bool
    origin: str
    log_size: int = Field(ge=0)
    checkpoint_size: int = Field(
        ge=0, description="The published checkpoint's size (cosigned, with witnesses)."
    )
    backlog: int = Field(ge=0)
    signed_size: int = Field(ge=0, description="The latest checkpoint the log signed.")
    witness_quorum: int | None = Field(description="Cosignatures needed, or null (no witnesses).")
    witnesses: list[WitnessHealth] = Field(description="Each configured witness.")
    connections: ConnectionsHealth = Field(description="The server's connections.")


class TpsView(BaseModel):
    """A TPS's form in force for one contest, its history and the witness copies."""

    model_config = ConfigDict(extra="allow")

    tps: str
    contest: str
    status: str | None
    current: dict[str, Any] | None
    history: list[dict[str, Any]]
    copies: list[dict[str, Any]]


ERROR_DESCRIPTIONS: Final = {
    400: "Malformed request or entry (input.*, entry.*, time.*, signature.malformed, "
    "key.malformed, http.bad-request, http.invalid-parameter).",
    401: "The signature or key does not verify, or there is none (statement.bad-signature, "
    "key.invalid-point, photo.bad-signature, photo.unsigned).",
    403: "The key is not authorized for this statement (auth.*).",
    404: "No such resource (http.not-found, store.no-such-entry).",
    405: "Method not allowed (http.method-not-allowed).",
    408: "The request body did not arrive in time (http.request-timeout).",
    409: "Conflicts with an entry already logged (auth.duplicate-form, auth.duplicate-entry).",
    413: "Too large (entry.too-large, http.too-large).",
    415: "Wrong content type (http.unsupported-media-type, photo.not-an-image).",
    422: "Well formed, but not for this log (statement.election-mismatch, region.*, contest.*).",
    429: "Rate limited (http.rate-limited) or over a key's photo quota (photo.key-quota); "
    "see Retry-After.",
    500: "Unexpected failure (http.internal); details are in the server's log only.",
    503: "Not ready, timed out or storage busy (http.not-ready, http.timeout, store.busy).",
    507: "No room for more uncited photos (photo.staging-full); see Retry-After.",
}

COMMON_ERRORS: Final = (405, 429, 500, 503)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses (and the ones every route has)."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in sorted({*statuses, *COMMON_ERRORS}):
        response: dict[str, Any] = {"model": ErrorBody, "description": ERROR_DESCRIPTIONS[status]}
        if status in (429, 503, 507):
            response["headers"] = {
                "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}
            }
        out[status] = response
    return out
