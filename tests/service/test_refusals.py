"""Every refusal class over HTTP: its status, its code, both messages, nothing logged.

Also :func:`saksi.service.errors.status_for`, the one refusal-to-status mapping, for
every family of codes, and the duplicate rule (same bytes -> same receipt, 200).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from saksi.election.envelope import Envelope, sign_statement
from saksi.election.statements import LOGGED, KeyRegistration
from saksi.errors import (
    AuthorizationError,
    ContestError,
    ElectionMismatch,
    InputError,
    RegionError,
    SaksiError,
    SchemaError,
    SignatureError,
    StoreError,
)
from saksi.service import errors
from saksi.service.errors import status_for
from saksi.service.http_models import ErrorBody
from saksi.tlog.hashes import leaf_hash
from tests.election.factory import key
from tests.ledger.factory import ServiceElection, broken_form, shifted
from tests.service.conftest import JSON, Harness

# --- status_for ----------------------------------------------------------------------

STATUS_CASES: list[tuple[SaksiError, int]] = [
    # 400: unreadable
    (InputError(code="input.json-malformed", en="x", id="x"), 400),
    (SchemaError(code="input.schema", en="x", id="x"), 400),
    (InputError(code="entry.not-canonical", en="x", id="x"), 400),
    (InputError(code="time.malformed", en="x", id="x"), 400),
    (InputError(code="signature.malformed", en="x", id="x"), 400),
    (InputError(code="key.malformed", en="x", id="x"), 400),
    (InputError(code="cli.anything-input", en="x", id="x"), 400),  # any InputError is the client's
    # 401: does not verify
    (SignatureError(code="statement.bad-signature", en="x", id="x"), 401),
    (SignatureError(code="key.invalid-point", en="x", id="x"), 401),
    (SignatureError(code="statement.signature", en="x", id="x"), 401),
    # 403: not authorized, 409 conflicts with a logged entry
    (AuthorizationError(code="auth.unknown-key", en="x", id="x"), 403),
    (AuthorizationError(code="auth.out-of-scope", en="x", id="x"), 403),
    (AuthorizationError(code="auth.revoked", en="x", id="x"), 403),
    (AuthorizationError(code="auth.expired", en="x", id="x"), 403),
    (AuthorizationError(code="statement.unauthorized", en="x", id="x"), 403),
    (AuthorizationError(code="auth.duplicate-form", en="x", id="x"), 409),
    (AuthorizationError(code="auth.duplicate-entry", en="x", id="x"), 409),
    (SaksiError(code="auth.index-order", en="x", id="x"), 500),  # a sequencer bug, not a refusal
    # 413: too large
    (InputError(code="entry.too-large", en="x", id="x"), 413),
    (errors.too_large(10), 413),
    (StoreError(code="store.photo-too-large", en="x", id="x"), 413),
    # 422: well formed, not for this log
    (ElectionMismatch(code="statement.election-mismatch", en="x", id="x"), 422),
    (RegionError(code="region.unknown-tps", en="x", id="x"), 422),
    (RegionError(code="region.malformed-code", en="x", id="x"), 422),
    (ContestError(code="contest.not-in-election", en="x", id="x"), 422),
    # the HTTP layer's own
    (errors.not_found(), 404),
    (errors.method_not_allowed("PUT", ["GET"]), 405),
    (errors.request_timed_out(1), 408),
    (errors.unsupported_media_type("text/plain", ["application/json"]), 415),
    (errors.not_an_image(), 415),
    (errors.rate_limited(0.2, "key"), 429),
    (errors.internal(), 500),
    (errors.not_ready(), 503),
    (errors.timed_out(30), 503),
    (errors.bad_parameter("index", "a number", "angka"), 400),
    (errors.bad_request("x", "x"), 400),
    # storage and the ledger
    (StoreError(code="store.no-such-entry", en="x", id="x"), 404),
    (StoreError(code="store.bad-photo-hash", en="x", id="x"), 400),
    (StoreError(code="store.busy", en="x", id="x"), 503),
    (SaksiError(code="service.stopped", en="x", id="x"), 503),
    (SaksiError(code="service.overloaded", en="x", id="x"), 503),
    (SaksiError(code="service.timeout", en="x", id="x"), 503),
    (SaksiError(code="service.internal", en="x", id="x"), 500),
    (StoreError(code="store.io-error", en="x", id="x"), 500),
    (SaksiError(code="log.inconsistent", en="x", id="x"), 500),
    (SaksiError(code="config.invalid", en="x", id="x"), 500),
]


@pytest.mark.parametrize(("error", "status"), STATUS_CASES, ids=lambda v: getattr(v, "code", v))
def test_status_for_every_family(error: SaksiError, status: int) -> None:
    assert status_for(error) == status


def test_every_http_error_is_bilingual_and_mapped_to_its_documented_status() -> None:
    for error, status in STATUS_CASES:
        if error.code.startswith(("http.", "photo.")):
            assert error.message_en and error.message_id
            assert error.message_en != error.message_id, error.code
            assert 400 <= status < 600


def test_a_500_hides_the_error_and_a_503_hides_driver_details() -> None:
    secret = StoreError(
        code="store.io-error", en="disk /srv/x failed", id="disk /srv/x failed", error="EIO"
    )
    body = errors.error_body(secret)
    assert body == {"ok": False, "status": 500, "error": errors.internal().to_dict()}
    busy = StoreError(code="store.busy", en="locked", id="locked", error="database is locked")
    assert errors.error_body(busy)["error"]["details"] == {}
    assert errors.error_body(busy)["error"]["code"] == "store.busy"


# --- refusal classes over HTTP ----------------------------------------------------------


def _assert_refused(harness: Harness, entry: bytes, status: int, code: str) -> dict[str, Any]:
    """Post ``entry``: the status, code and both messages; nothing logged."""
    before = harness.ledger.size
    answer = harness.post_entry(entry)
    body: dict[str, Any] = answer.json()
    assert answer.status_code == status, body
    assert body["ok"] is False
    assert body["status"] == status
    assert body["error"]["code"] == code
    message = body["error"]["message"]
    assert message["id"] and message["en"] and message["id"] != message["en"]
    assert isinstance(body["error"]["details"], dict)
    assert answer.headers["content-type"] == "application/json"
    assert harness.ledger.size == before
    assert harness.client.get("/health").json()["log_size"] == before
    if len(entry) < 65_536:
        receipt = harness.client.get(f"/v1/receipts/{leaf_hash(entry).hex()}")
        assert receipt.status_code == 404
    return body


def _small_order_registration(election: ServiceElection) -> bytes:
    """KPU Kab/Kota registers a small-order key (the identity point) as a KPPS key."""
    tps = election.tps[0]
    good = Envelope.model_validate_json(election.register(f"kpu-kab-{tps[:4]}", "x", "kpps", tps))
    data = {**good.stmt.wire(), "key": "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}
    stmt = KeyRegistration.model_validate(data, context={LOGGED: True})  # skip the point check
    return sign_statement(stmt, key(f"kpu-kab-{tps[:4]}")).to_bytes()


REFUSALS: dict[str, tuple[Callable[[ServiceElection], bytes], int, str]] = {
    "bad signature": (lambda e: e.forged(e.tps[0]), 401, "statement.bad-signature"),
    "unknown key": (lambda e: e.c_hasil(e.tps[0], signer="nobody"), 403, "auth.unknown-key"),
    "wrong TPS for the key": (
        lambda e: e.c_hasil(e.tps[1], signer=f"kpps-{e.tps[0]}"),
        403,
        "auth.out-of-scope",
    ),
    "expired key": (
        lambda e: e.c_hasil(e.tps[0], at="2024-04-01T00:00:00Z"),
        403,
        "auth.expired",
    ),
    "malformed body": (lambda e: b'{"v":1}', 400, "input.schema"),
    "not JSON": (lambda e: b"hello", 400, "input.json-malformed"),
    "a number of 5,000 digits": (
        lambda e: e.c_hasil(e.tps[0]).replace(b'"suara_sah":', b'"suara_sah":9' + b"9" * 5000),
        400,
        "input.json-int-range",
    ),
    "a small-order key registered": (_small_order_registration, 401, "key.invalid-point"),
    "not canonical": (
        lambda e: e.c_hasil(e.tps[0]).replace(b'{"key"', b'{ "key"', 1),
        400,
        "entry.not-canonical",
    ),
    "a trailing newline": (lambda e: e.c_hasil(e.tps[0]) + b"\n", 400, "entry.not-canonical"),
    "oversized entry": (lambda e: b"x" * 65_536, 413, "entry.too-large"),
    "oversized body": (lambda e: b"x" * 70_000, 413, "http.too-large"),
    "wrong election": (
        lambda e: e.c_hasil(e.tps[0], election="saksi.test/pemilu-lain"),
        422,
        "statement.election-mismatch",
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refusal_class(harness: Harness, case: str) -> None:
    make, status, code = REFUSALS[case]
    body = _assert_refused(harness, make(harness.election), status, code)
    if case == "a trailing newline":
        assert "trailing newline" in body["error"]["message"]["en"]


def test_revoked_key(harness: Harness) -> None:
    election = harness.election
    tps = election.tps[0]
    revoked = harness.post_entry(election.revoke(f"kpu-kab-{tps[:4]}", f"kpps-{tps}"))
    assert revoked.status_code == 201, revoked.text
    body = _assert_refused(harness, election.c_hasil(tps), 403, "auth.revoked")
    assert "revoked_at" in body["error"]["details"]


def test_second_different_form_conflicts_and_names_the_first(harness: Harness) -> None:
    election = harness.election
    tps = election.tps[1]
    first = harness.post_entry(election.c_hasil(tps))
    assert first.status_code == 201
    second = election.c_hasil(tps, shifted(election.form(tps)))
    body = _assert_refused(harness, second, 409, "auth.duplicate-form")
    assert body["error"]["details"]["index"] == first.json()["index"]
    assert str(first.json()["index"]) in body["error"]["message"]["en"]


def test_refusals_are_counted_by_code(harness: Harness) -> None:
    harness.post_entry(harness.election.forged(harness.election.tps[0]))
    harness.post_entry(b"hello")
    harness.post_entry(b"hello")
    text = harness.client.get("/metrics").text
    assert 'saksi_refusals_total{code="statement.bad-signature"} 1' in text
    assert 'saksi_refusals_total{code="input.json-malformed"} 2' in text
    assert 'saksi_statements_total{status="refused"} 3' in text


def test_an_inconsistent_form_is_logged_and_says_which_rules(harness: Harness) -> None:
    election = harness.election
    tps = election.tps[2]
    answer = harness.post_entry(election.c_hasil(tps, broken_form(election.form(tps))))
    assert answer.status_code == 201
    receipt = answer.json()
    assert receipt["status"] == "inconsistent"
    assert receipt["violations"] and all(v["message"]["id"] for v in receipt["violations"])
    assert harness.ledger.size == receipt["index"] + 1


# --- duplicates -------------------------------------------------------------------


def test_the_same_statement_twice_gets_the_same_receipt(harness: Harness) -> None:
    entry = harness.election.c_hasil(harness.election.tps[3])
    first = harness.post_entry(entry)
    size = harness.ledger.size
    second = harness.post_entry(entry)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == {**second.json(), "duplicate": False}
    assert second.json()["duplicate"] is True
    assert harness.ledger.size == size
    assert first.headers["location"] == second.headers["location"]


def test_duplicates_in_a_batch_and_across_endpoints(harness: Harness) -> None:
    entry = harness.election.c_hasil(harness.election.tps[4])
    results = harness.post_batch([entry, entry]).json()["results"]
    assert [r["status"] for r in results] == [201, 200]
    assert results[0]["receipt"]["index"] == results[1]["receipt"]["index"]
    single = harness.post_entry(entry)
    assert single.status_code == 200
    assert single.json()["index"] == results[0]["receipt"]["index"]


def test_batch_refusals_are_per_line_and_log_nothing(harness: Harness) -> None:
    election = harness.election
    size = harness.ledger.size
    lines = [election.forged(election.tps[0]), b"{}", election.c_hasil(election.tps[5])]
    results = harness.post_batch(lines).json()["results"]
    assert [(r["ok"], r["status"]) for r in results] == [(False, 401), (False, 400), (True, 201)]
    assert results[0]["error"]["code"] == "statement.bad-signature"
    assert results[2]["receipt"]["index"] == size
    assert harness.ledger.size == size + 1


def test_unsupported_content_type_is_refused_before_reading(harness: Harness) -> None:
    entry = harness.election.c_hasil(harness.election.tps[0])
    for headers in ({}, {"content-type": "text/plain"}, {"content-type": "application/x-ndjson"}):
        answer = harness.client.post("/v1/statements", content=entry, headers=headers)
        assert answer.status_code == 415
        assert answer.json()["error"]["code"] == "http.unsupported-media-type"
    ok = harness.client.post(
        "/v1/statements",
        content=entry,
        headers={"content-type": "Application/JSON; charset=utf-8"},
    )
    assert ok.status_code == 201


def test_oversized_body_without_a_length_is_cut_off(harness: Harness) -> None:
    def chunks() -> Any:
        for _ in range(100):
            yield b"x" * 1000

    answer = harness.client.post("/v1/statements", content=chunks(), headers=JSON)
    assert "content-length" not in answer.request.headers
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "http.too-large"
    assert answer.json()["error"]["details"]["limit"] == harness.config.max_entry_bytes


def test_error_bodies_match_the_documented_model(harness: Harness) -> None:
    for answer in (
        harness.post_entry(b"[]"),
        harness.post_entry(harness.election.forged(harness.election.tps[0])),
        harness.client.get("/v1/nowhere"),
        harness.client.delete("/v1/statements"),
        harness.client.get("/v1/entries/-1"),
    ):
        ErrorBody.model_validate(answer.json())
        assert answer.json()["status"] == answer.status_code
