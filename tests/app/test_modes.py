"""The app's other users: a party witness sends a copy (c-salinan) as written, and
KPU Kab/Kota registers a device key and corrects an inconsistent form with a reason.
Screenshots at phone width in test-output/app/.
"""

from __future__ import annotations

from typing import Any

import pytest

from saksi.election.envelope import parse_entry
from saksi.election.statements import CSalinan, KeyRegistration
from tests.app.conftest import World, enrol, registered, shoot
from tests.election.factory import public
from tests.ledger.factory import WITNESS_KECAMATAN, broken_form

pytestmark = pytest.mark.slow

JSON = {"content-type": "application/json"}


def receipt_of(page: Any) -> dict[str, Any]:
    page.wait_for_selector("#receipts .receipt .proof.ok", timeout=60_000)
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await import('/app/db.js')).all('receipts')"
    )
    return found[0]


def test_a_witness_sends_a_copy_as_written(page: Any, world: World) -> None:
    election = world.election
    tps = election.witnessed[2]
    world.register(
        enrol(page), "saksi", WITNESS_KECAMATAN, by="partai-2", party="2", label="HP saksi 2"
    )
    assert "Saksi partai (saksi)" in registered(page)
    page.goto("/app/#/form")
    page.wait_for_selector("#tps-input")
    assert "Salinan" in page.inner_text("h1")
    page.fill("#tps-input", election.tps[0])  # outside the witness's kecamatan
    copy = broken_form(election.form(tps))  # the copy shows V.A off by one
    for name, value in copy.reading().items():
        page.fill(f"#f-{name}", str(value))
    assert page.locator('li[data-rule="suara-sah"]').count() == 1
    page.click("#review")
    assert "di luar wilayah kunci" in page.inner_text("#missing")
    assert page.is_disabled("#sign")
    page.click("button.secondary")  # back to the form: what was typed is still there
    page.wait_for_selector("#tps-input")
    assert page.input_value("#f-suara_sah") == str(copy.suara_sah)
    page.fill("#tps-input", tps)
    page.click("#review")
    page.wait_for_selector("#as-written")
    assert page.is_disabled("#sign")  # an impossible form: only deliberately as written
    page.check("#as-written")
    assert page.is_disabled("#sign")  # and no photo: only deliberately without one
    page.check("#no-photo")
    shoot(page, "10-witness-as-written")
    page.click("#sign")
    receipt = receipt_of(page)
    envelope = parse_entry(receipt["entry"].encode(), election=election.origin)
    assert isinstance(envelope.stmt, CSalinan)
    assert envelope.stmt.party == "2" and envelope.stmt.tps == tps
    assert envelope.stmt.form == copy


def test_kpu_registers_a_key_and_corrects_a_form(page: Any, world: World) -> None:
    election = world.election
    tps, other = election.tps[12], election.tps[13]
    kab = tps[:4]
    with world.server.client() as http:
        wrong = http.post(
            "/v1/statements",
            content=election.c_hasil(tps, broken_form(election.form(tps))),
            headers=JSON,
        ).json()
    assert wrong["status"] == "inconsistent"
    world.register(enrol(page), "kpu-kab", kab, label="Laptop KPU 3201")
    registered(page)

    page.goto("/app/#/kpu")
    page.wait_for_selector("#reg-key")
    page.fill("#reg-key", public("new-kpps-device"))
    page.select_option("#reg-role", "kpps")
    page.fill("#reg-scope", other)
    page.fill("#reg-label", "HP KPPS\u202e2")  # would show as another label: not signed
    page.click("#sign-registration")
    page.wait_for_selector("#reg-error:has-text('tidak tampil apa adanya')")
    page.fill("#reg-label", "HP KPPS 2")
    shoot(page, "11-kpu-register")
    page.click("#sign-registration")
    receipt = receipt_of(page)
    stmt = parse_entry(receipt["entry"].encode(), election=election.origin).stmt
    assert isinstance(stmt, KeyRegistration) and stmt.scope == other
    with world.server.client() as http:
        key = public("new-kpps-device").replace("+", "-").replace("/", "_").rstrip("=")
        found = http.get(f"/v1/keys/{key}").json()
    assert found["role"] == "kpps" and found["label"] == "HP KPPS 2"

    page.goto("/app/#/form")
    page.wait_for_selector("#tps-input")
    page.fill("#tps-input", tps)
    page.click("#load-form")
    page.wait_for_selector(f"#load-note:text('{wrong['index']}')")
    assert page.locator('li[data-rule="suara-sah"]').count() == 1
    page.fill("#f-suara_sah", str(election.form(tps).suara_sah))
    page.fill("#reason", "salah tulis\u200b kotak V.A")  # a zero-width space: not signed
    page.click("#review")
    page.wait_for_selector("text=tidak tampil apa adanya")
    assert page.locator("#sign").is_disabled()
    page.go_back()
    page.wait_for_selector("#reason")
    page.fill("#reason", "salah tulis kotak V.A, dicocokkan dengan plano ")  # trimmed
    shoot(page, "12-kpu-correction")
    page.click("#review")
    page.wait_for_selector("#sign:enabled")
    page.click("#sign")
    page.wait_for_selector(f'#receipts .receipt:has-text("correction {tps}") .proof.ok')
    with world.server.client() as http:
        view = http.get(f"/v1/tps/{tps}/ppwp").json()
    assert view["current"]["type"] == "correction"
    assert view["current"]["reason"] == "salah tulis kotak V.A, dicocokkan dengan plano"
    assert view["current"]["corrects"]["index"] == wrong["index"]
    assert view["status"] == "accepted"
    shoot(page, "13-kpu-receipts")
