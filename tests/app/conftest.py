"""Fixtures for the entry app's browser tests: one ``saksi serve`` and one chromium.

Each test worker starts one real server (the service test election, key tree logged,
no results publisher) and one Debian chromium for all of tests/app; each test gets a
fresh browser context (its own IndexedDB, so its own device key). Tests use distinct
TPS so that they can share the log. Skipped with a reason when /usr/bin/chromium or
Playwright is absent (``.ci/run`` installs chromium).
"""

from __future__ import annotations

import datetime as dt
import struct
import sys
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from saksi.election.envelope import sign_statement
from saksi.election.statements import KeyRegistration, KeyRevocation
from tests.browser import chromium, skip_reason
from tests.election.factory import key
from tests.ledger.factory import ServiceElection
from tests.service.conftest import (  # the in-process service fixtures, for test_routes
    JSON,
    ROOT,
    ServeProcess,
    election_server,
    harness,  # noqa: F401
    make_harness,  # noqa: F401
)

OUTPUT = ROOT / "test-output" / "app"
PHONE = {"width": 390, "height": 844}
PASSPHRASE = "kotak suara 2024"


SKIP = skip_reason()


def png(red: int, size: int = 8) -> bytes:
    """A real PNG of one colour (photos are checked by content)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes((red, 80, 120)) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class World:
    """The running server and its election."""

    def __init__(self, server: ServeProcess, election: ServiceElection) -> None:
        self.server = server
        self.election = election

    def log_size(self) -> int:
        with self.server.client() as http:
            size: int = http.get("/health").json()["log_size"]
        return size

    def register(
        self, public_key: str, role: str, scope: str, *, by: str = "kpu-ri", **extra: Any
    ) -> None:
        """Register the browser's key as KPU (or a party) would, valid from yesterday
        for thirty days (the browser signs with the real clock)."""
        now = dt.datetime.now(dt.UTC)
        stmt = KeyRegistration.model_validate({
            "type": "key", "election": self.election.origin, "at": stamp(now),
            "key": public_key, "role": role, "scope": scope,
            "not_before": stamp(now - dt.timedelta(days=1)),
            "not_after": stamp(now + dt.timedelta(days=30)), **extra,
        })  # fmt: skip
        self.server.log_batch([sign_statement(stmt, key(by)).to_bytes()])

    def revoke(self, public_key: str, *, by: str = "kpu-ri") -> None:
        """Revoke the browser's key (a lost phone), as its registrar would."""
        now = stamp(dt.datetime.now(dt.UTC))
        stmt = KeyRevocation(
            type="key-revoke", election=self.election.origin, at=now, key=public_key,
            reason="perangkat hilang / device lost", effective=now,
        )  # fmt: skip
        self.server.log_batch([sign_statement(stmt, key(by)).to_bytes()])

    def submit(self, entry: bytes) -> dict[str, Any]:
        """Log a statement over HTTP (another device's); its receipt."""
        with self.server.client() as http:
            answer = http.post("/v1/statements", content=entry, headers=JSON)
        assert answer.status_code == 201, answer.text
        receipt: dict[str, Any] = answer.json()
        return receipt


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if SKIP:
        pytest.skip(SKIP)
    election = ServiceElection(tps_per_desa=4)  # 16 TPS: each test has its own
    settings = {"SAKSI_PARSE_WORKERS": "0", "SAKSI_PUBLISH_RESULTS": "false"}
    server = election_server(tmp_path_factory.mktemp("app"), election, settings)
    server.start()
    try:
        server.log_batch(election.key_entries())
        yield World(server, election)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(world: World) -> Iterator[Any]:
    """One chromium per test module (see tests/browser.py for why not per session)."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def context(browser: Any, world: World) -> Iterator[Any]:
    made = browser.new_context(base_url=world.server.url, viewport=PHONE)
    yield made
    made.close()


@pytest.fixture
def page(context: Any, world: World) -> Iterator[Any]:
    """A phone-sized page of a fresh device that fails the test on any request to
    another origin or any script error."""
    opened = context.new_page()
    foreign: list[str] = []
    errors: list[str] = []
    own = (world.server.url, f"blob:{world.server.url}")  # blob: the photos just taken
    opened.on("request", lambda r: None if r.url.startswith(own) else foreign.append(r.url))
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    assert not foreign, f"requests to other origins: {foreign}"
    assert not errors, f"script errors: {errors}"


def shoot(page: Any, name: str, *, full_page: bool = True) -> None:
    """A screenshot at phone width (the whole page, or what the screen shows), kept as
    test output."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=full_page)
    print(f"screenshot: {OUTPUT}/{name}.png", file=sys.stderr)


def open_app(page: Any, hash_: str = "") -> None:
    page.goto(f"/app/{hash_}")
    page.wait_for_selector("body[data-ready]")


def enrol(page: Any) -> str:
    """Make the device key in the page; its public key (base64)."""
    open_app(page, "#/key")
    page.fill("#pass1", PASSPHRASE)
    page.fill("#pass2", PASSPHRASE)
    page.click("#make-key")
    page.wait_for_selector("#pubkey")
    text: str = page.inner_text("#pubkey")
    return text


def registered(page: Any) -> str:
    """Ask the app to look its registration up; the registration table's text."""
    page.goto("/app/#/key")
    page.wait_for_selector("body[data-ready]")
    page.click("#check-registration")
    page.wait_for_selector("table#registration")
    text: str = page.inner_text("table#registration")
    return text


def fill_form(page: Any, reading: dict[str, int | None]) -> None:
    for name, value in reading.items():
        page.fill(f"#f-{name}", str(value))


def outbox_db(page: Any, store: str) -> list[dict[str, Any]]:
    """The device's IndexedDB store ``store`` (outbox, receipts, photos, kv)."""
    found: list[dict[str, Any]] = page.evaluate(
        "async (store) => (await import('/app/db.js')).all(store)", store
    )
    return found
