"""The HTTP layer: every endpoint, the error shape, limits, caching, OpenAPI, metrics,
the access log, and ``saksi serve`` as a real process over real sockets."""

from __future__ import annotations

import logging
import re
import signal
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from saksi.election.envelope import Envelope
from saksi.ledger import parsing
from saksi.ledger.config import RateLimit
from saksi.ledger.exposition import escape_label
from saksi.service import http_body
from saksi.service.app import FAST_ROUTES, HOT, ROUTERS, FrontDoor, create_app
from saksi.service.errors import HttpError
from saksi.service.http_models import ErrorBody, Health, ReceiptWithProof
from saksi.service.http_server import make_server
from saksi.service.limits import Rate, RateLimiter, TokenBucket
from saksi.service.metrics import Metrics
from saksi.service.routing import INDEX, LEAF_HASH, PARAMETERS, fast_routes
from saksi.tlog.checkpoint import open_checkpoint
from saksi.tlog.hashes import leaf_hash
from saksi.tlog.note import NoteVerifier
from saksi.tlog.proof import TlogProof
from saksi.tlog.tiledir import parse_tile_path
from saksi.tlog.tiles import TileReader
from tests.ledger.factory import ServiceElection
from tests.service.conftest import JSON, NDJSON, AppClient, Harness, ServeProcess
from tests.waiting import wait_for

IMMUTABLE = "public, max-age=31536000, immutable"


def _error(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    body: dict[str, Any] = answer.json()
    assert answer.status_code == status, body
    ErrorBody.model_validate(body)
    assert body["status"] == status
    assert body["error"]["code"] == code
    return body


# --- statements, receipts, entries, TPS ---------------------------------------------


def test_submit_then_read_everything_back(harness: Harness) -> None:
    election = harness.election
    tps = election.tps[0]
    entry = election.c_hasil(tps)
    answer = harness.post_entry(entry)
    assert answer.status_code == 201
    receipt = answer.json()
    assert receipt["leaf_hash"] == leaf_hash(entry).hex()
    assert receipt["status"] == "accepted"
    assert receipt["type"] == "c-hasil"
    assert receipt["duplicate"] is False
    assert answer.headers["location"] == f"/v1/receipts/{receipt['leaf_hash']}"

    stored = harness.client.get(f"/v1/entries/{receipt['index']}")
    assert stored.status_code == 200
    assert stored.content == entry  # the exact bytes, never re-serialised
    assert stored.headers["content-type"] == "application/json"
    assert stored.headers["cache-control"] == IMMUTABLE
    assert stored.headers["etag"] == f'"{receipt["leaf_hash"]}"'
    again = harness.client.get(
        f"/v1/entries/{receipt['index']}", headers={"if-none-match": stored.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""

    view = harness.client.get(f"/v1/tps/{tps}/ppwp")
    assert view.status_code == 200
    assert view.json()["current"]["index"] == receipt["index"]
    assert view.json()["tps"] == tps


def test_receipt_gains_a_proof_once_checkpointed(harness: Harness) -> None:
    entry = harness.election.c_hasil(harness.election.tps[1])
    receipt = harness.post_entry(entry).json()
    assert harness.ledger.wait_for_checkpoint(receipt["index"] + 1)
    answer = harness.client.get(f"/v1/receipts/{receipt['leaf_hash']}")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-cache"
    body = ReceiptWithProof.model_validate(answer.json())
    assert body.index == receipt["index"] and body.checkpoint_size is not None
    assert body.proof is not None
    proof = TlogProof.parse(body.proof.encode("utf-8"))
    signed = proof.verify(entry, NoteVerifier.from_vkey(harness.ledger.vkey))
    assert signed.checkpoint.size >= receipt["index"] + 1
    upper = harness.client.get(f"/v1/receipts/{receipt['leaf_hash'].upper()}")
    assert upper.json()["index"] == receipt["index"]


def test_unknown_and_malformed_lookups(harness: Harness) -> None:
    client = harness.client
    _error(client.get(f"/v1/receipts/{'ab' * 32}"), 404, "http.not-found")
    _error(client.get("/v1/receipts/xyz"), 400, "http.invalid-parameter")
    _error(client.get(f"/v1/entries/{harness.ledger.size}"), 404, "store.no-such-entry")
    for bad in ("01", "-1", "abc", "1e3", "9" * 30):
        _error(client.get(f"/v1/entries/{bad}"), 400, "http.invalid-parameter")
    _error(client.get("/v1/tps/3173011006999/ppwp"), 422, "region.unknown-tps")
    _error(client.get("/v1/tps/xx/ppwp"), 422, "region.malformed-code")
    _error(client.get(f"/v1/tps/{harness.election.tps[0]}/dpr"), 422, "contest.not-in-election")


def test_framework_errors_use_the_one_shape(harness: Harness) -> None:
    client = harness.client
    _error(client.get("/nowhere"), 404, "http.not-found")
    _error(client.get("/v1/statements/batch/x"), 404, "http.not-found")
    answer = client.put("/v1/statements", content=b"{}", headers=JSON)
    body = _error(answer, 405, "http.method-not-allowed")
    assert answer.headers["allow"] == "POST"
    assert body["error"]["details"]["allowed"] == ["POST"]
    _error(client.get("/v1/statements"), 405, "http.method-not-allowed")
    _error(client.post("/health"), 405, "http.method-not-allowed")


def test_an_unexpected_failure_is_a_500_without_details(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(tps: str, contest: str) -> dict[str, Any]:
        raise RuntimeError("secret internals /srv/db")

    monkeypatch.setattr(harness.ledger, "tps", boom)
    with caplog.at_level(logging.ERROR, logger="saksi.service"):
        answer = harness.client.get(f"/v1/tps/{harness.election.tps[0]}/ppwp")
    body = _error(answer, 500, "http.internal")
    assert body["error"]["details"] == {}
    assert "secret" not in answer.text
    assert "secret internals" in caplog.text  # logged on the server, with its traceback


def test_an_unexpected_failure_on_one_line_is_that_lines_alone(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    election = harness.election
    good, bad, other = (election.c_hasil(t) for t in election.tps[:3])
    parse_one = parsing.parse_one

    def bug(entry: bytes, election: str, limit: int) -> Any:
        if entry == bad:
            raise RuntimeError("secret internals /srv/db")
        return parse_one(entry, election, limit)

    monkeypatch.setattr(parsing, "parse_one", bug)
    with caplog.at_level(logging.ERROR, logger="saksi.service"):
        results = harness.post_batch([good, bad, other]).json()["results"]
        alone = harness.post_entry(bad)
    assert [r["status"] for r in results] == [201, 500, 201]
    assert results[1]["error"] == _error(alone, 500, "http.internal")["error"]
    assert results[1]["error"]["details"] == {}
    assert "secret" not in str(results) and "secret" not in alone.text
    assert "secret internals" in caplog.text  # logged on the server, with its traceback


def test_timeouts_answer_503_with_retry_after(
    make_harness: Callable[..., Harness], monkeypatch: pytest.MonkeyPatch
) -> None:
    harness = make_harness(request_timeout=0.2)
    released = threading.Event()

    def slow(tps: str, contest: str) -> dict[str, Any]:
        released.wait(60)  # answers only after the test has had its answer
        return {}

    monkeypatch.setattr(harness.ledger, "tps", slow)
    try:
        answer = harness.client.get(f"/v1/tps/{harness.election.tps[0]}/ppwp")
    finally:
        released.set()
    _error(answer, 503, "http.timeout")
    assert int(answer.headers["retry-after"]) >= 1


def test_not_ready_once_the_ledger_is_closed(harness: Harness) -> None:
    harness.ledger.close()
    health = harness.client.get("/health")
    body = _error(health, 503, "http.not-ready")
    assert body["error"]["details"]["ready"] is False
    answer = harness.post_entry(harness.election.c_hasil(harness.election.tps[0]))
    _error(answer, 503, "http.not-ready")
    assert "retry-after" in answer.headers


# --- batches ------------------------------------------------------------------------


def test_batch_answers_each_line_in_order(harness: Harness) -> None:
    election = harness.election
    size = harness.ledger.size
    lines = [election.c_hasil(t) for t in election.tps[:3]]
    answer = harness.post_batch(lines)
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["receipt"]["index"] for r in results] == [size, size + 1, size + 2]
    assert [r["receipt"]["leaf_hash"] for r in results] == [leaf_hash(x).hex() for x in lines]
    for index, line in zip(range(size, size + 3), lines, strict=True):
        assert harness.client.get(f"/v1/entries/{index}").content == line


def test_batch_lines_are_exact_and_an_empty_line_is_an_item(harness: Harness) -> None:
    entry = harness.election.c_hasil(harness.election.tps[0])
    body = entry + b"\n\n"  # the entry, then one empty line (the last newline ends it)
    answer = harness.client.post("/v1/statements/batch", content=body, headers=NDJSON)
    results = answer.json()["results"]
    assert [r["ok"] for r in results] == [True, False]
    assert results[1]["error"]["code"].startswith("input.")
    no_newline = harness.client.post("/v1/statements/batch", content=entry, headers=NDJSON)
    assert no_newline.json()["results"][0]["status"] == 200
    empty = harness.client.post("/v1/statements/batch", content=b"", headers=NDJSON)
    assert empty.json() == {"results": []}


def test_batch_limits(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(max_batch_entries=2, max_batch_bytes=4000)
    election = harness.election
    size = harness.ledger.size
    three = [election.c_hasil(t) for t in election.tps[:3]]
    body = _error(harness.post_batch(three), 413, "http.too-large")
    assert body["error"]["details"] == {"limit": 2, "unit": "entries", "size": 3}
    big = [election.c_hasil(election.tps[0]), b"x" * 3999]
    _error(harness.post_batch(big), 413, "http.too-large")
    plain = harness.client.post("/v1/statements/batch", content=three[0], headers=JSON)
    _error(plain, 415, "http.unsupported-media-type")
    assert harness.ledger.size == size


# --- the published log ----------------------------------------------------------------


def test_checkpoint_and_tiles_are_the_publication(harness: Harness) -> None:
    harness.ledger.integrate()
    publication = harness.config.log_dir
    checkpoint = harness.client.get("/log/checkpoint")
    assert checkpoint.status_code == 200
    assert checkpoint.content == (publication / "checkpoint").read_bytes()
    assert checkpoint.headers["content-type"] == "text/plain; charset=utf-8"
    assert checkpoint.headers["cache-control"] == "public, max-age=2"
    signed = open_checkpoint(checkpoint.content, NoteVerifier.from_vkey(harness.ledger.vkey))
    size = signed.checkpoint.size
    assert size == harness.ledger.size

    class Http:
        def read(self, relpath: str) -> bytes | None:
            answer = harness.client.get(f"/log/{relpath}")
            return answer.content if answer.status_code == 200 else None

    reader = TileReader(Http(), size)
    assert reader.root() == signed.checkpoint.root
    assert reader.entries(0, size) == [harness.ledger.entry(i) for i in range(size)]
    partial = harness.client.get(f"/log/tile/0/000.p/{size}")
    assert partial.headers["cache-control"] == "public, max-age=60"
    assert partial.headers["content-type"] == "application/octet-stream"
    assert partial.headers["access-control-allow-origin"] == "*"


def test_a_new_checkpoint_is_served_as_soon_as_it_is_published(harness: Harness) -> None:
    harness.ledger.integrate()
    first = harness.client.get("/log/checkpoint").content
    harness.post_entry(harness.election.c_hasil(harness.election.tps[0]))
    harness.ledger.integrate()
    second = harness.client.get("/log/checkpoint")
    assert second.content != first
    assert second.content == (harness.config.log_dir / "checkpoint").read_bytes()


def _without_fast_lane(harness: Harness) -> AppClient:
    """A second client on the same ledger whose front door answers no route itself."""
    app = create_app(harness.ledger, harness.config)
    (front,) = [m for m in app.user_middleware if m.cls is FrontDoor]  # type: ignore[comparison-overlap]
    front.kwargs["fast"] = ()
    return AppClient(app)


def _same_answer(fast: httpx.Response, slow: httpx.Response) -> None:
    assert fast.status_code == slow.status_code, (fast.text, slow.text)
    assert fast.content == slow.content
    drop = {"date"}
    assert {k: v for k, v in fast.headers.items() if k not in drop} == {
        k: v for k, v in slow.headers.items() if k not in drop
    }


def test_the_front_door_answers_its_routes_as_fastapi_does(
    make_harness: Callable[..., Harness],
) -> None:
    assert {(r.method, r.path) for r in FAST_ROUTES} == {
        ("POST", "/v1/statements"),
        ("POST", "/v1/statements/batch"),
        ("GET", "/log/checkpoint"),
    }
    harness = make_harness(integrate_interval=3600)  # no checkpoint between the two answers
    election = harness.election
    slow = _without_fast_lane(harness)
    try:
        entry = election.c_hasil(election.tps[0])
        assert harness.post_entry(entry).status_code == 201
        harness.ledger.integrate()
        lines = [entry, election.forged(election.tps[1]), b"{", election.c_hasil(election.tps[0])]
        body = b"".join(line + b"\n" for line in lines)
        requests: list[tuple[str, str, bytes, dict[str, str]]] = [
            ("GET", "/log/checkpoint", b"", {}),
            ("POST", "/v1/statements", entry, JSON),  # a duplicate: 200, the same receipt
            ("POST", "/v1/statements", election.forged(election.tps[2]), JSON),
            ("POST", "/v1/statements", b"{not json", JSON),
            ("POST", "/v1/statements", entry, NDJSON),
            ("POST", "/v1/statements", b"x" * 70_000, JSON),
            ("POST", "/v1/statements/batch", body, NDJSON),
            ("POST", "/v1/statements/batch", body, JSON),
        ]
        for method, path, content, headers in requests:
            fast = harness.client.request(method, path, content=content, headers=headers)
            _same_answer(fast, slow.request(method, path, content=content, headers=headers))
    finally:
        slow.close()
        slow.app.state.service.executor.shutdown()
    metrics = harness.client.get("/metrics").text
    assert 'saksi_http_requests_total{route="/log/checkpoint",status="200"} 1' in metrics
    assert 'saksi_http_requests_total{route="/v1/statements/batch",status="200"} 1' in metrics


def test_full_tiles_are_immutable(harness: Harness) -> None:
    election = harness.election
    tps = election.tps[0]
    extra = [
        election.register(f"kpu-kab-{tps[:4]}", f"kpps-extra-{i}", "kpps", tps) for i in range(250)
    ]
    results = harness.post_batch(extra).json()["results"]
    assert all(r["ok"] for r in results)
    assert harness.ledger.size >= 256
    harness.ledger.integrate()
    for path in ("tile/0/000", "tile/entries/000"):
        answer = harness.client.get(f"/log/{path}")
        assert answer.status_code == 200, path
        assert answer.headers["cache-control"] == IMMUTABLE
        assert answer.content == (harness.config.log_dir / path).read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/log/tile/%2e%2e/.state/log.key",
        "/log/tile/0/..%2f..%2f.state%2flog.key",
        "/log/tile/%2e%2e%2f%2e%2e%2f.state/log.key",
        "/log/tile/0/000.p/0",
        "/log/tile/0/0",
        "/log/tile/0/000.p/256",
        "/log/tile/entries/x000",
        "/log/tile/0/999",
        "/log/tile/",
        "/log/.state/log.key",
        "/log/tile/0/000/",
    ],
)
def test_tile_paths_are_checked(harness: Harness, path: str) -> None:
    answer = harness.client.get(path)
    _error(answer, 404, "http.not-found")
    key = (harness.config.log_dir / ".state" / "log.key").read_bytes()
    assert key not in answer.content


# --- health, metrics, OpenAPI -------------------------------------------------------


def test_health(harness: Harness) -> None:
    answer = harness.client.get("/health")
    assert answer.status_code == 200
    health = Health.model_validate(answer.json())
    assert health.ready and health.ok
    assert health.origin == harness.election.origin
    assert health.log_size == harness.ledger.size
    assert health.backlog == health.log_size - health.checkpoint_size


LABEL = r'[a-z_]+="(?:[^"\\\n]|\\.)*"'
SAMPLE = re.compile(rf"[a-z_]+(?:\{{{LABEL}(?:,{LABEL})*\}})? [0-9][0-9.e+-]*")


def test_metrics_exposition(harness: Harness) -> None:
    election = harness.election
    harness.post_entry(election.c_hasil(election.tps[0]))
    harness.post_entry(election.c_hasil(election.tps[0]))
    harness.post_entry(b"nope")
    harness.client.get("/nowhere")
    answer = harness.client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = answer.text
    for line in text.splitlines():
        assert line.startswith(("# HELP ", "# TYPE ")) or SAMPLE.fullmatch(line), line
    assert 'saksi_statements_total{status="accepted"} 1' in text
    assert 'saksi_statements_total{status="duplicate"} 1' in text
    assert 'saksi_refusals_total{code="input.json-malformed"} 1' in text
    assert 'saksi_http_requests_total{route="/v1/statements",status="201"} 1' in text
    assert 'saksi_http_requests_total{route="(unmatched)",status="404"} 1' in text
    assert 'saksi_http_request_seconds_count{route="/v1/statements"} 3' in text
    assert f"saksi_log_size {harness.ledger.size}" in text
    for gauge in ("saksi_checkpoint_size", "saksi_backlog"):
        assert f"# TYPE {gauge} gauge" in text


def test_openapi_documents_every_route_and_its_errors(harness: Harness) -> None:
    doc = harness.client.get("/openapi.json").json()
    assert "HTTPValidationError" not in str(doc)
    schemas = doc["components"]["schemas"]
    assert {"ErrorBody", "Receipt", "ReceiptWithProof", "BatchResults"} <= set(schemas)
    routes = {
        ("post", "/v1/statements"), ("post", "/v1/statements/batch"),
        ("get", "/v1/receipts/{leaf_hash}"), ("get", "/v1/entries/{index}"),
        ("get", "/v1/tps/{tps}/{contest}"), ("post", "/v1/photos"),
        ("get", "/v1/photos/{sha256}"), ("get", "/log/checkpoint"),
        ("get", "/log/tile/{path}"), ("get", "/health"), ("get", "/metrics"),
        ("get", "/results/{file}"), ("get", "/v1/keys/{key}"),
        ("get", "/contests/{digest}.json"),
    }  # fmt: skip
    found = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert found == routes
    operation_ids = set()
    for path, method in ((p, m) for m, p in routes):
        operation = doc["paths"][path][method]
        operation_ids.add(operation["operationId"])
        assert operation["tags"], path
        errors = {s: r for s, r in operation["responses"].items() if s >= "400"}
        assert {"405", "429", "500", "503"} <= set(errors), path
        for response in errors.values():
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/ErrorBody"
        if method == "post":
            assert operation["requestBody"]["required"] is True
            assert operation["requestBody"]["content"]
    assert len(operation_ids) == len(routes)
    submit = doc["paths"]["/v1/statements"]["post"]
    assert {"200", "201", "400", "401", "403", "409", "413", "415", "422"} <= set(
        submit["responses"]
    )


def test_each_path_parameter_has_one_pattern(harness: Harness) -> None:
    """The OpenAPI document shows the pattern the handlers check, from the one table."""
    doc = harness.client.get("/openapi.json").json()
    shown = {
        (path, p["name"]): p["schema"].get("pattern")
        for path, operations in doc["paths"].items()
        for operation in operations.values()
        for p in operation.get("parameters", [])
        if p["in"] == "path"
    }
    assert shown == {
        ("/v1/receipts/{leaf_hash}", "leaf_hash"): LEAF_HASH.openapi_pattern,
        ("/v1/entries/{index}", "index"): INDEX.openapi_pattern,
        ("/v1/tps/{tps}/{contest}", "tps"): PARAMETERS["tps"].openapi_pattern,
        ("/v1/tps/{tps}/{contest}", "contest"): PARAMETERS["contest"].openapi_pattern,
        ("/v1/photos/{sha256}", "sha256"): PARAMETERS["sha256"].openapi_pattern,
        ("/log/tile/{path}", "path"): PARAMETERS["path"].openapi_pattern,
        ("/results/{file}", "file"): None,
        ("/v1/keys/{key}", "key"): PARAMETERS["key"].openapi_pattern,
        ("/contests/{digest}.json", "digest"): PARAMETERS["digest"].openapi_pattern,
    }
    for parameter in PARAMETERS.values():  # the OpenAPI pattern is the one checked
        assert re.fullmatch(parameter.openapi_pattern.strip("^$"), "") is None
    assert parse_tile_path("tile/" + "0/x001/234.p/7").path == "tile/0/x001/234.p/7"
    assert re.fullmatch(PARAMETERS["path"].openapi_pattern[1:-1], "0/x001/234.p/7")
    assert not re.fullmatch(PARAMETERS["path"].openapi_pattern[1:-1], "0/1234")
    for good, bad in (("0", "01"), (str((1 << 63) - 1), str(1 << 63))):
        assert INDEX.matches(good) and not INDEX.matches(bad)
        assert harness.client.get(f"/v1/entries/{bad}").json()["error"]["code"] == (
            "http.invalid-parameter"
        )
    assert LEAF_HASH.matches("aB" * 32) and not LEAF_HASH.matches("g" * 64)


def test_the_hot_routes_are_found_in_the_one_routing_table() -> None:
    """The front door's routes are the routers' routes of the hot handlers: same
    method, same path, same handler; no path is written twice."""
    assert {route.endpoint for route in FAST_ROUTES} == set(HOT)
    table = {
        (method, route.path): route.endpoint
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    for fast in FAST_ROUTES:
        assert table[(fast.method, fast.path)] is fast.endpoint
    with pytest.raises(AssertionError, match="no route"):
        fast_routes(ROUTERS, [*HOT, _answered_nowhere])


async def _answered_nowhere(request: Request) -> Response:
    raise AssertionError("never called")


# --- rate limits ------------------------------------------------------------------------


def test_per_address_limit(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(rate_per_address="0.01,3")
    codes = [harness.client.get("/log/checkpoint").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    answer = harness.client.get("/v1/entries/0")
    body = _error(answer, 429, "http.rate-limited")
    assert body["error"]["details"]["limit"] == "address"
    assert int(answer.headers["retry-after"]) >= 1
    assert harness.client.get("/health").status_code == 200  # monitoring is not limited
    assert harness.client.get("/metrics").status_code == 200
    assert 'saksi_rate_limited_total{limit="address"} 2' in harness.client.get("/metrics").text


def _registrations(harness: Harness, registrar: str, count: int, tag: str) -> list[bytes]:
    tps = harness.election.tps[0]
    return [
        harness.election.register(registrar, f"kpps-{tag}-{i}", "kpps", tps) for i in range(count)
    ]


def test_per_key_limit_counts_only_the_keys_own_work(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(rate_per_key="0.01,2")
    election = harness.election
    registrar = f"kpu-kab-{election.tps[0][:4]}"
    first, second, third = _registrations(harness, registrar, 3, "a")
    # Forged entries naming the registrar's key fail before the signature verifies:
    # they do not spend its allowance.
    forged = election.forged(election.tps[0])
    for _ in range(3):
        assert harness.post_entry(forged).status_code == 401
    assert harness.post_entry(first).status_code == 201
    # Replays of a logged entry (anyone can copy them from the log) do not either.
    for _ in range(3):
        assert harness.post_entry(first).status_code == 200
    assert harness.post_entry(second).status_code == 201
    answer = harness.post_entry(third)
    body = _error(answer, 429, "http.rate-limited")
    assert body["error"]["details"]["limit"] == "key"
    assert "retry-after" in answer.headers
    # Another key is not affected.
    other = election.c_hasil(election.tps[1])
    assert harness.post_entry(other).status_code == 201


def test_per_key_limit_in_a_batch(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(rate_per_key="0.01,2")
    registrar = f"kpu-kab-{harness.election.tps[0][:4]}"
    results = harness.post_batch(_registrations(harness, registrar, 4, "b")).json()["results"]
    assert [r["status"] for r in results] == [201, 201, 429, 429]
    assert results[2]["error"]["code"] == "http.rate-limited"


def test_per_key_limit_counts_after_the_signature_verifies(
    make_harness: Callable[..., Harness],
) -> None:
    """Lines naming a key that fail before its signature verifies (a forgery, a number
    of 5,000 digits, an oversized line) never spend its allowance, even when they come
    first in the same batch as the key's own statements."""
    harness = make_harness(rate_per_key="0.01,2")
    election = harness.election
    tps = election.tps[0]
    genuine = election.c_hasil(tps)
    victim = genuine[: genuine.index(b',"sig"')]
    hostile = [
        election.forged(tps),
        genuine.replace(b'"suara_sah":', b'"suara_sah":' + b"9" * 5000 + b',"x":'),
        genuine[:-1] + b"," + b" " * 70_000 + b"}",
        victim + b',"sig":"' + b"A" * 5000,
    ]
    assert all(line.startswith(victim) for line in hostile)
    results = harness.post_batch(hostile * 5 + [genuine]).json()["results"]
    assert [r["status"] for r in results] == [401, 400, 413, 400] * 5 + [201]
    assert harness.post_entry(hostile[1]).json()["error"]["code"] == "input.json-int-range"
    registrar = f"kpu-kab-{tps[:4]}"
    first, second, third = _registrations(harness, registrar, 3, "c")
    forged = Envelope.model_validate_json(first).model_copy(update={"sig": "A" * 86 + "=="})
    results = harness.post_batch([forged.to_bytes()] * 4 + [first, second, third]).json()
    assert [r["status"] for r in results["results"]] == [401] * 4 + [201, 201, 429]


def test_token_bucket() -> None:
    bucket = TokenBucket(Rate(2.0, 3.0), now=0.0)
    assert [bucket.take(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(0.0) == pytest.approx(0.5)
    assert bucket.wait(0.5) == 0.0  # one token back after half a second at 2/s ...
    assert bucket.wait(0.5) == 0.0  # ... and looking takes nothing
    assert bucket.take(0.5) == 0.0
    assert bucket.wait(0.5) == pytest.approx(0.5)
    assert bucket.full(10.0)


def test_rate_limiter_forgets_names_within_its_bound() -> None:
    clock = [0.0]
    limiter = RateLimiter(Rate(1.0, 1.0), max_names=10, clock=lambda: clock[0])
    for i in range(25):
        assert limiter.take(f"k{i}") == 0.0
        assert len(limiter) <= 10
    assert limiter.take("k24") > 0  # a recent name is still remembered
    assert limiter.wait("k24") > 0 and limiter.wait("never-seen") == 0.0
    assert "never-seen" not in limiter._buckets  # looking makes no bucket
    off = RateLimiter(Rate.of(RateLimit(0.0, 0)))
    assert not off.enabled and all(off.take("x") == 0.0 for _ in range(100))
    assert len(off) == 0


def test_rate_of_config_values() -> None:
    assert Rate.of(RateLimit(5.0, 50)) == Rate(5.0, 50.0)
    assert Rate.of((2, 4)) == Rate(2.0, 4.0)
    assert Rate.of(3) == Rate(3.0, 3.0)
    assert not Rate.of(None).enabled
    with pytest.raises(TypeError):
        Rate.of("fast")


# --- bodies and the access log ---------------------------------------------------------


def _request(
    chunks: list[bytes], delay: float = 0.0, headers: dict[str, str] | None = None
) -> Request:
    raw = [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        await anyio.sleep(delay)
        return messages.pop(0)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": raw, "query_string": b""}
    return Request(scope, receive)


def test_read_body_keeps_exact_bytes_and_enforces_limit_and_deadline() -> None:
    async def read(request: Request, limit: int = 100, timeout: float = 60.0) -> bytes:
        return await http_body.read_body(request, limit=limit, timeout=timeout)

    assert anyio.run(read, _request([b'{"a": 1,', b' "b":2}'])) == b'{"a": 1, "b":2}'
    with pytest.raises(HttpError) as too_big:
        anyio.run(read, _request([b"x" * 60, b"x" * 60]))
    assert too_big.value.code == "http.too-large"
    with pytest.raises(HttpError) as declared:
        anyio.run(read, _request([b""], headers={"content-length": "101"}))
    assert declared.value.code == "http.too-large"
    with pytest.raises(HttpError) as bad_length:
        anyio.run(read, _request([b""], headers={"content-length": "ten"}))
    assert bad_length.value.code == "http.bad-request"
    with pytest.raises(HttpError) as slow:
        anyio.run(lambda: read(_request([b"a", b"b"], delay=60), 100, 0.1))  # never comes
    assert slow.value.code == "http.request-timeout"


def test_split_lines_and_signer_hint(harness: Harness) -> None:
    assert http_body.split_lines(b"") == []
    assert http_body.split_lines(b"a\nb\n") == [b"a", b"b"]
    assert http_body.split_lines(b"a\nb") == [b"a", b"b"]
    assert http_body.split_lines(b"a\n\nb\n") == [b"a", b"", b"b"]
    assert http_body.split_lines(b"\n") == [b""]
    entry = harness.election.c_hasil(harness.election.tps[0])
    from saksi.election.envelope import parse_entry

    assert http_body.signer_hint(entry) == parse_entry(entry).key
    assert http_body.signer_hint(b'{"key":"short","sig":"x"}') is None
    assert http_body.signer_hint(b" " + entry) is None


def test_access_log_has_no_bodies_queries_or_addresses(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    entry = harness.election.c_hasil(harness.election.tps[0])
    with caplog.at_level(logging.INFO, logger="saksi.service.access"):
        harness.post_entry(entry)
        harness.client.get("/health?token=hunter2")
    lines = [r.getMessage() for r in caplog.records if r.name == "saksi.service.access"]
    assert lines[0].startswith("POST /v1/statements 201 ")
    assert lines[1].startswith("GET /health 200 ")
    text = "\n".join(lines)
    key = http_body.signer_hint(entry)
    assert key is not None and key not in text
    assert "hunter2" not in text and "token" not in text
    assert "127.0.0.1" not in text


def test_metrics_unit() -> None:
    assert escape_label('a"b\\c\nd') == 'a\\"b\\\\c\\nd'
    metrics = Metrics(buckets=(0.1, 1.0))
    metrics.request("/r", 200, 0.05)
    metrics.request("/r", 200, 0.5)
    metrics.request("/r", 500, 5.0)
    metrics.statement("refused", 'odd"code')
    text = metrics.render({"saksi_log_size": 7})
    assert 'saksi_http_request_seconds_bucket{route="/r",le="0.1"} 1' in text
    assert 'saksi_http_request_seconds_bucket{route="/r",le="1"} 2' in text
    assert 'saksi_http_request_seconds_bucket{route="/r",le="+Inf"} 3' in text
    assert 'saksi_http_request_seconds_count{route="/r"} 3' in text
    assert 'saksi_refusals_total{code="odd\\"code"} 1' in text
    assert "saksi_log_size 7" in text and "saksi_backlog 0" in text


# --- saksi serve, a real process over real sockets -------------------------------------


def _raw_get(url: str, path: str) -> bytes:
    """A GET with the path exactly as written (httpx would remove dot segments)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_saksi_serve_real_process(serve_process: Callable[..., ServeProcess]) -> None:
    server = serve_process()
    election = ServiceElection()
    assert re.fullmatch(r"saksi\.test/pemilu-2024\+[0-9a-f]{8}\+[A-Za-z0-9+/=]+", server.vkey)
    entry = election.c_hasil(election.tps[0])
    with server.client() as http:
        first = http.post("/v1/statements", content=entry, headers=JSON)
        assert first.status_code == 201, first.text
        receipt = first.json()
        assert http.post("/v1/statements", content=entry, headers=JSON).status_code == 200
        refused = http.post("/v1/statements", content=b"{}", headers=JSON)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == "input.schema"
        health = http.get("/health").json()
        assert health["ready"] and health["log_size"] == receipt["index"] + 1
        metrics = http.get("/metrics").text
        assert 'saksi_statements_total{status="accepted"} 1' in metrics
        assert 'saksi_refusals_total{code="input.schema"} 1' in metrics
        signed = _wait_for_checkpoint(http, server.vkey, receipt["index"] + 1)
        proof = http.get(f"/v1/receipts/{receipt['leaf_hash']}").json()["proof"]
        TlogProof.parse(proof.encode("utf-8")).verify(entry, NoteVerifier.from_vkey(server.vkey))
        assert signed.checkpoint.size >= receipt["index"] + 1
    raw = _raw_get(server.url, "/log/tile/../.state/log.key")
    assert raw.startswith(b"HTTP/1.1 404") and b"PRIVATE" not in raw
    with server.client() as http:  # logged just before the stop: the last checkpoint has it
        last = http.post("/v1/statements", content=election.c_hasil(election.tps[1]), headers=JSON)
    assert server.stop() == 0  # SIGTERM: a clean stop
    note = (server.data / "log" / "checkpoint").read_bytes()
    assert open_checkpoint(note, NoteVerifier.from_vkey(server.vkey)).checkpoint.size == (
        last.json()["index"] + 1
    )
    vkey = server.vkey
    server.start()  # the same data: the log is still there, under the same key
    assert server.vkey == vkey
    with server.client() as http:
        assert http.get(f"/v1/entries/{receipt['index']}").content == entry
        assert http.post("/v1/statements", content=entry, headers=JSON).status_code == 200
    assert server.stop(signum=signal.SIGINT) == 0  # Ctrl+C: clean too


def test_the_server_stops_when_asked_from_another_thread(harness: Harness) -> None:
    # What `saksi serve` does when the ledger stops on a storage failure (fail-stop).
    lines: list[str] = []
    config = harness.config.with_(port=0)
    server = make_server(create_app(harness.ledger, config), config, lines.append)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: "ready" in lines)
    assert lines[-1] == "ready" and lines[0].startswith("serving on http://127.0.0.1:")
    url = lines[0].removeprefix("serving on ")
    assert httpx.get(f"{url}/health").status_code == 200
    server.request_exit()
    thread.join(60)
    assert not thread.is_alive()


def _wait_for_checkpoint(http: httpx.Client, vkey: str, size: int) -> Any:
    def covering() -> Any:
        note = http.get("/log/checkpoint")
        assert note.headers["cache-control"] == "public, max-age=2"
        signed = open_checkpoint(note.content, NoteVerifier.from_vkey(vkey))
        return signed if signed.checkpoint.size >= size else None

    return wait_for(covering)


def test_serve_refuses_to_start_without_a_manifest(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "saksi", "serve", "--data", str(tmp_path / "d"), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "config.manifest-required" in done.stderr
    assert "Traceback" not in done.stderr
