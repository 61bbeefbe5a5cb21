"""Routes under /v1 for statements: submit one or a batch, receipts, entries, TPS views.

A statement's body is the entry's exact bytes (its signature covers them): it is
read within its size limit and handed to the ledger unchanged. The ledger checks it
(signature, schema, authorization, rules) and answers only once it is durable.

Per-key rate limit: a key's allowance is spent only by what that key signed. Before
parsing, the key an entry names (its first field, read without parsing:
:func:`~saksi.service.http_body.signer_hint`) is only looked at: an entry is refused
at once if that key's allowance is already spent. A token is taken by the ledger's
writer (the ticket's gate, :data:`~saksi.ledger.sequencer.Gate`) for each new entry
whose signature verified, before its authorization; so a forgery naming someone
else's key, a line that cannot be read, and a replay of a logged entry never touch
that key's allowance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from saksi.election.envelope import Envelope
from saksi.errors import SaksiError
from saksi.ledger.sequencer import Gate
from saksi.service import errors
from saksi.service.http_body import read_body, require_media_type, signer_hint, split_lines
from saksi.service.http_models import (
    BatchResults,
    ReceiptWithProof,
    TpsView,
    error_responses,
)
from saksi.service.http_models import Receipt as ReceiptModel
from saksi.service.http_service import Service, service_of
from saksi.service.routing import IMMUTABLE, INDEX, LEAF_HASH
from saksi.tlog.hashes import leaf_hash

if TYPE_CHECKING:
    from saksi.ledger.views import Receipt

__all__ = ["JSON_TYPES", "NDJSON_TYPES", "router"]

router = APIRouter()

JSON_TYPES: Final = ("application/json",)
NDJSON_TYPES: Final = ("application/x-ndjson",)
_UNKNOWN_OUTCOME: Final = frozenset({"http.timeout", "service.timeout"})

RECEIPT_LINKS: Final = {
    "receipt": {
        "operationId": "getReceipt",
        "parameters": {"leaf_hash": "$response.body#/leaf_hash"},
        "description": "The receipt again, with its proof once checkpointed.",
    },
    "entry": {
        "operationId": "getEntry",
        "parameters": {"index": "$response.body#/index"},
        "description": "The entry's exact bytes.",
    },
}
ENVELOPE_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "description": (
        "A signed statement: the RFC 8785 canonical JSON of the envelope, sent exactly as "
        "signed (docs/format.md). The server never re-serialises it."
    ),
    "required": ["key", "sig", "stmt", "v"],
    "additionalProperties": False,
    "properties": {
        "key": {
            "type": "string",
            "pattern": "^[A-Za-z0-9+/]{43}=$",
            "description": "Base64 Ed25519 public key of the signer.",
        },
        "sig": {
            "type": "string",
            "pattern": "^[A-Za-z0-9+/]{86}==$",
            "description": "Base64 Ed25519 signature.",
        },
        "stmt": {
            "type": "object",
            "required": ["type", "election", "at"],
            "properties": {
                "type": {"type": "string"},
                "election": {"type": "string"},
                "at": {"type": "string", "description": "RFC 3339 UTC time, to the second."},
            },
        },
        "v": {"type": "integer", "enum": [1]},
    },
}


# --- submitting -------------------------------------------------------------------


def _key_limited(service: Service, key: str | None, wait: float) -> SaksiError | None:
    if key is None or not wait:
        return None
    service.metrics.limited("key")
    return errors.rate_limited(wait, "key")


def _spent_allowance(service: Service, entry: bytes) -> SaksiError | None:
    """429 if the key ``entry`` names has already spent its allowance (nothing taken)."""
    if not service.key_limiter.enabled:
        return None
    key = signer_hint(entry)
    return _key_limited(service, key, 0.0 if key is None else service.key_limiter.wait(key))


def _key_gate(service: Service) -> Gate | None:
    """The ledger's gate that takes a token of the signer's allowance for each new
    entry whose signature verified (None when the per-key limit is off)."""
    limiter = service.key_limiter
    if not limiter.enabled:
        return None

    def gate(envelope: Envelope) -> SaksiError | None:
        return _key_limited(service, envelope.key, limiter.take(envelope.key))

    return gate


def _settle(service: Service, outcome: Receipt | SaksiError) -> None:
    """Count the outcome."""
    if isinstance(outcome, SaksiError):
        if outcome.code in _UNKNOWN_OUTCOME:  # may yet be logged: neither logged nor refused
            service.metrics.statement("timeout")
        else:
            service.metrics.statement("refused", outcome.code)
    else:
        service.metrics.statement("duplicate" if outcome.duplicate else outcome.status)


def _receipt_response(receipt: Receipt) -> JSONResponse:
    status = 200 if receipt.duplicate else 201
    return JSONResponse(
        receipt.to_dict(),
        status_code=status,
        headers={"Location": f"/v1/receipts/{receipt.leaf_hash}", "Cache-Control": "no-store"},
    )


@router.post(
    "/v1/statements",
    operation_id="submitStatement",
    tags=["statements"],
    summary="Submit one signed statement",
    status_code=201,
    response_class=JSONResponse,
    responses={
        201: {
            "model": ReceiptModel,
            "description": "Logged now (durable): the receipt.",
            "links": RECEIPT_LINKS,
        },
        200: {
            "model": ReceiptModel,
            "description": "Already logged: the same receipt.",
            "links": RECEIPT_LINKS,
        },
        **error_responses(400, 401, 403, 408, 409, 413, 415, 422),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ENVELOPE_SCHEMA}},
        }
    },
)
async def submit_statement(request: Request) -> Response:
    """Log one statement. 201 with its receipt once durable; 200 with the same receipt
    if these exact bytes were logged before; a refusal is not logged."""
    service = service_of(request)
    try:
        service.check_ready()
        require_media_type(request, JSON_TYPES)
        entry = await read_body(
            request, limit=service.config.max_entry_bytes, timeout=service.timeout
        )
    except SaksiError as exc:
        service.metrics.statement("refused", exc.code)
        raise
    refused = _spent_allowance(service, entry)
    if refused is not None:
        service.metrics.statement("refused", refused.code)
        raise refused
    # Parsed in the event loop's thread (one entry: ~0.1 ms), then awaited without a
    # worker thread: two thread hand-offs fewer than a blocking call in an executor.
    answers = await service.ledger.submit_async(
        [entry], timeout=service.timeout, gate=_key_gate(service)
    )
    outcome = answers[0]
    _settle(service, outcome)
    if isinstance(outcome, SaksiError):
        raise outcome
    return _receipt_response(outcome)


@router.post(
    "/v1/statements/batch",
    operation_id="submitStatementBatch",
    tags=["statements"],
    summary="Submit many signed statements (NDJSON)",
    response_class=JSONResponse,
    responses={
        200: {"model": BatchResults, "description": "One result per line, in order."},
        **error_responses(400, 408, 413, 415),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-ndjson": {
                    "schema": {
                        "type": "string",
                        "description": "One entry per line, each exactly as signed.",
                    }
                }
            },
        }
    },
)
async def submit_batch(request: Request) -> Response:
    """Log many statements, one entry per line. Each line gets its own result, as if
    sent alone; entries are admitted in order."""
    service = service_of(request)
    service.check_ready()
    require_media_type(request, NDJSON_TYPES)
    config = service.config
    body = await read_body(request, limit=config.max_batch_bytes, timeout=service.timeout)
    lines = split_lines(body)
    if len(lines) > config.max_batch_entries:
        raise errors.too_large(config.max_batch_entries, "entries", len(lines))
    results: list[dict[str, Any] | None] = [None] * len(lines)
    todo: list[int] = []
    for position, line in enumerate(lines):
        refused = _spent_allowance(service, line)
        if refused is not None:
            service.metrics.statement("refused", refused.code)
            results[position] = errors.error_body(refused)
        else:
            todo.append(position)
    outcomes = await service.call(
        service.ledger.submit_many,
        [lines[i] for i in todo],
        timeout=service.timeout,
        gate=_key_gate(service),
    )
    for position, outcome in zip(todo, outcomes, strict=True):
        _settle(service, outcome)
        results[position] = _batch_item(outcome)
    return JSONResponse({"results": results}, headers={"Cache-Control": "no-store"})


def _batch_item(outcome: Receipt | SaksiError) -> dict[str, Any]:
    if isinstance(outcome, SaksiError):
        return errors.error_body(outcome)
    status = 200 if outcome.duplicate else 201
    return {"ok": True, "status": status, "receipt": outcome.to_dict()}


# --- reading ----------------------------------------------------------------------


@router.get(
    "/v1/receipts/{leaf_hash}",
    operation_id="getReceipt",
    tags=["statements"],
    summary="A receipt by leaf hash, with its tlog-proof once checkpointed",
    response_class=JSONResponse,
    responses={
        200: {"model": ReceiptWithProof, "description": "The receipt."},
        **error_responses(400, 404),
    },
)
async def get_receipt(leaf_hash: str, request: Request) -> Response:
    """The receipt of a logged entry; ``proof`` is its C2SP tlog-proof once a signed
    checkpoint covers it (null before)."""
    service = service_of(request)
    digest = bytes.fromhex(LEAF_HASH.check(leaf_hash))
    receipt = await service.call(service.ledger.receipt, digest)
    if receipt is None:
        raise errors.not_found(
            "no entry with this leaf hash is logged",
            "tidak ada entri dengan hash daun ini di log",
            leaf_hash=digest.hex(),
        )
    proof = await service.call(service.ledger.proof, digest)
    body = {**receipt.to_dict(), "proof": proof}
    return JSONResponse(body, headers={"Cache-Control": "no-cache"})


@router.get(
    "/v1/entries/{index}",
    operation_id="getEntry",
    tags=["log"],
    summary="An entry's exact bytes by index",
    response_class=Response,
    responses={
        200: {
            "description": "The entry: canonical JSON, exactly as logged (immutable).",
            "content": {"application/json": {"schema": ENVELOPE_SCHEMA}},
        },
        304: {"description": "Not modified (If-None-Match matched the ETag)."},
        **error_responses(400, 404),
    },
)
async def get_entry(index: str, request: Request) -> Response:
    """Entry ``index``'s bytes; ETag is its leaf hash; cached forever (entries never change)."""
    service = service_of(request)
    entry = await service.call(service.ledger.entry, int(INDEX.check(index)))
    etag = f'"{leaf_hash(entry).hex()}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(entry, media_type="application/json", headers=headers)


@router.get(
    "/v1/tps/{tps}/{contest}",
    operation_id="getTps",
    tags=["log"],
    summary="A TPS's form in force, status, history and witness copies",
    response_class=JSONResponse,
    responses={
        200: {"model": TpsView, "description": "The TPS view."},
        **error_responses(400, 404, 422),
    },
)
async def get_tps(tps: str, contest: str, request: Request) -> Response:
    """The form in force for ``contest`` at ``tps`` (13-digit KPU code), its status, the
    history (c-hasil, corrections with reasons) and witness copies."""
    service = service_of(request)
    view = await service.call(service.ledger.tps, tps, contest)
    return JSONResponse(view, headers={"Cache-Control": "no-cache"})
