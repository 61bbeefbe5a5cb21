"""The entry app in Debian's chromium against a real ``saksi serve``: a KPPS officer's night.

Enrol (device key made in the page), register the key through the API as KPU would,
enter the form with a mistake and see the rule beside its fields, fix it, attach a
photo, sign, go offline, send (it waits), come back online, receive the receipt and
its inclusion proof checked on the device; then Python checks the very bytes the
browser signed. Also: the same statement sent twice stays one entry; bad input is
refused in the field; the language switch; the key backup restores the same key; the
app opens offline once loaded. Screenshots at phone width go to test-output/app/.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from saksi.election.envelope import parse_entry
from saksi.election.statements import CHasil
from saksi.tlog.hashes import leaf_hash
from saksi.tlog.note import NoteVerifier
from saksi.tlog.proof import TlogProof
from tests.app.conftest import (
    PASSPHRASE,
    World,
    enrol,
    fill_form,
    open_app,
    outbox_db,
    png,
    registered,
    shoot,
)
from tests.waiting import answers, wait_for

pytestmark = pytest.mark.slow


def test_officer_enters_signs_sends_offline_and_verifies_the_receipt(
    page: Any, context: Any, world: World
) -> None:
    election = world.election
    tps = election.tps[0]
    public_key = enrol(page)
    assert page.locator("svg.qr").get_attribute("data-text") == public_key
    assert "Belum terdaftar" in page.inner_text("#registration")
    shoot(page, "1-enrolled")

    world.register(public_key, "kpps", tps, label="HP KPPS 1")
    page.wait_for_selector("table#registration", timeout=60_000)  # the app looks by itself
    text = page.inner_text("table#registration")
    assert "KPPS (kpps)" in text and tps in text and "HP KPPS 1" in text
    shoot(page, "2-registered")

    page.click('nav a[href="#/form"]')
    page.wait_for_selector("#f-pemilih_dpt_l")
    assert page.inner_text("#tps") == tps
    form = election.form(tps)
    reading = form.reading()
    fill_form(page, {**reading, "suara_sah": form.suara_sah + 1})
    mistake = page.locator('#msgs-suara_sah li[data-rule="suara-sah"]')
    paslon = "+".join(str(form.suara_paslon[p]) for p in ("01", "02", "03"))
    assert mistake.inner_text().startswith(
        f"tidak mungkin: suara sah {form.suara_sah + 1} != jumlah suara paslon {paslon}="
    )
    assert page.get_attribute("#f-suara_sah", "aria-invalid") == "true"
    assert page.get_attribute("#f-suara_paslon_01", "aria-invalid") == "true"
    shoot(page, "3-form-with-mistake")

    page.fill("#f-suara_sah", str(form.suara_sah))
    assert page.locator("ul.msgs li").count() == 0
    assert "Semua aturan terpenuhi" in page.inner_text("#rules-summary")
    photo = png(33)
    page.set_input_files(
        "#camera", files=[{"name": "hal1.png", "mimeType": "image/png", "buffer": photo}]
    )
    sha = hashlib.sha256(photo).hexdigest()
    page.wait_for_selector(f'#photo-list code:text("{sha}")')
    shoot(page, "4-form-fixed")

    page.click("#review")
    page.wait_for_selector("#sign")
    assert page.locator("#as-written").count() == 0  # nothing broken: no "as written"
    assert page.locator("#no-photo-warning").count() == 0  # a photo: no warning
    shoot(page, "5-summary")

    before = world.log_size()
    context.set_offline(True)
    page.click("#sign")
    page.wait_for_selector("#pending li.waiting")
    assert "luring" in page.inner_text("#net")
    assert world.log_size() == before  # nothing left the phone
    shoot(page, "6-offline-waiting")

    context.set_offline(False)
    page.wait_for_selector("#receipts .receipt .proof.ok", timeout=60_000)
    assert world.log_size() == before + 1
    receipt = outbox_db(page, "receipts")[0]
    assert receipt["verified"] is True
    page.click("#receipts .show-qr")
    qr_text = page.locator("#receipts svg.qr").get_attribute("data-text")
    assert json.loads(qr_text) == {
        "index": receipt["index"],
        "leaf_hash": receipt["leaf"],
        "origin": election.origin,
    }
    shoot(page, "7-receipt")

    # The browser's bytes are the log's bytes, and Python verifies them as they are.
    entry = receipt["entry"].encode("utf-8")
    with world.server.client() as http:
        logged = http.get(f"/v1/entries/{receipt['index']}").content
        wait_for(answers(http, f"/v1/photos/{sha}"))  # signed on the phone, kept once cited
        assert http.get(f"/v1/photos/{sha}").content == photo
        proof_text = http.get(f"/v1/receipts/{receipt['leaf']}").json()["proof"]
    assert logged == entry
    envelope = parse_entry(entry, election=election.origin)  # signature, canonical form
    assert envelope.to_bytes() == entry
    assert leaf_hash(entry).hex() == receipt["leaf"]
    assert isinstance(envelope.stmt, CHasil)
    assert envelope.stmt.form == form.model_copy(update={"foto": (sha,)})
    proof = TlogProof.parse(proof_text.encode())
    proof.verify(entry, NoteVerifier.from_vkey(world.server.vkey))


def test_the_same_statement_sent_twice_stays_one_entry(page: Any, world: World) -> None:
    tps = world.election.tps[1]
    world.register(enrol(page), "kpps", tps)
    registered(page)
    page.goto("/app/#/form")
    page.wait_for_selector("#f-pemilih_dpt_l")
    fill_form(page, world.election.form(tps).reading())
    page.click("#review")
    page.check("#no-photo")
    page.click("#sign")
    page.wait_for_selector("#receipts .receipt")
    size = world.log_size()
    receipt = outbox_db(page, "receipts")[0]
    again = page.evaluate(
        """async (r) => {
            const outbox = await import('/app/outbox.js');
            const queued = await outbox.enqueue({text: r.entry, leaf: r.leaf}, {kind: 'x'});
            const answer = await fetch('/v1/statements', {method: 'POST',
                headers: {'Content-Type': 'application/json'}, body: r.entry});
            return {queued, status: answer.status, body: await answer.json()};
        }""",
        receipt,
    )
    assert again["queued"] is False  # a receipted statement is never queued again
    assert again["status"] == 200 and again["body"]["duplicate"] is True
    assert again["body"]["index"] == receipt["index"]
    assert world.log_size() == size
    assert outbox_db(page, "outbox") == []


def test_bad_input_is_refused_in_the_field(page: Any, world: World) -> None:
    world.register(enrol(page), "kpps", world.election.tps[2])
    registered(page)
    page.goto("/app/#/form")
    box = page.locator("#f-pemilih_dpt_l")
    box.click()
    page.keyboard.type("12a")
    assert box.input_value() == "12"
    assert "Hanya angka" in page.inner_text("#err-pemilih_dpt_l")
    page.keyboard.type("34")
    assert box.input_value() == "123"  # a fourth digit is refused
    other = page.locator("#f-pemilih_dpt_p")
    other.click()
    page.keyboard.type("-5")
    assert other.input_value() == "5"  # the minus sign is refused
    other.fill("")
    pasted = page.evaluate(
        """() => {
            const input = document.querySelector('#f-pemilih_dpt_p');
            const data = new DataTransfer();
            data.setData('text', '12 suara');
            const event = new ClipboardEvent('paste', {clipboardData: data, cancelable: true});
            input.dispatchEvent(event);
            return event.defaultPrevented;
        }"""
    )
    assert pasted is True
    assert "Tempelan ditolak" in page.inner_text("#err-pemilih_dpt_p")
    page.locator("#f-pemilih_dpt_j").fill("x1")  # a script or autofill: put back
    assert page.locator("#f-pemilih_dpt_j").input_value() == ""
    assert page.is_disabled("#review")  # empty boxes: nothing can be signed
    shoot(page, "8-bad-input")


def test_english_switch_words_the_rules_in_english(page: Any, world: World) -> None:
    tps = world.election.tps[3]
    world.register(enrol(page), "kpps", tps)
    registered(page)
    page.click("#lang")
    page.goto("/app/#/form")
    page.wait_for_selector("#f-suara_total")
    assert page.locator("html").get_attribute("lang") == "en"
    page.fill("#f-suara_sah", "140")
    page.fill("#f-suara_tidak_sah", "4")
    page.fill("#f-suara_total", "150")
    text = page.inner_text("#msgs-suara_total")
    assert "impossible: total votes 150 != valid + invalid 140+4=144" in text
    shoot(page, "9-english")


def test_backup_restores_the_same_key_on_another_device(
    page: Any, browser: Any, world: World
) -> None:
    public_key = enrol(page)
    with page.expect_download() as download:
        page.click("#download-backup")
    backup = download.value.path().read_text(encoding="utf-8")
    assert json.loads(backup)["public_key"] == public_key
    assert "sealed" in backup and "pkcs8" not in backup
    other = browser.new_context(base_url=world.server.url)
    try:
        device = other.new_page()
        open_app(device, "#/key")
        files = [{"name": "b.json", "mimeType": "application/json", "buffer": backup.encode()}]
        device.set_input_files("#backup-file", files=files)
        device.fill("#restore-pass", "not the passphrase")
        device.click("#restore")
        device.wait_for_selector("#key-error:text('Frasa sandi salah')")
        device.fill("#restore-pass", PASSPHRASE)
        device.click("#restore")
        device.wait_for_selector("#pubkey")
        assert device.inner_text("#pubkey") == public_key
        exportable = device.evaluate(
            "async () => (await (await import('/app/db.js')).get('kv', 'key'))"
            ".pair.privateKey.extractable"
        )
        assert exportable is False  # kept for signing only; the backup file is the copy
    finally:
        other.close()


def test_the_app_opens_offline_once_loaded(page: Any, context: Any) -> None:
    open_app(page, "#/key")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    page.reload()  # now controlled by the service worker
    page.wait_for_selector("body[data-ready]")
    context.set_offline(True)
    try:
        page.reload()
        page.wait_for_selector("body[data-ready]")
        assert page.is_visible("#make-key")  # the shell came from the service worker
        network = "fetch('/health', {cache: 'no-store'}).then(() => 'up', () => 'down')"
        assert page.evaluate(network) == "down"  # and the network is really off
        # Debian's chromium 150 leaves navigator.onLine true in a document loaded while
        # offline from a service worker (it applies the emulation to pages already open,
        # not to this one): set it again, as a phone losing its signal would
        context.set_offline(False)
        context.set_offline(True)
        badge = "() => document.querySelector('#net').textContent.startsWith('luring')"
        page.wait_for_function(badge)
        assert page.evaluate("navigator.onLine") is False
    finally:
        context.set_offline(False)


def test_a_busy_service_is_retried(page: Any, world: World) -> None:
    election = world.election
    tps = election.tps[4]
    world.register(enrol(page), "kpps", tps)
    registered(page)
    sent: list[str] = []
    busy = {"ok": False, "status": 503, "error": {"code": "service.overloaded",
            "message": {"id": "sibuk", "en": "busy"}, "details": {}}}  # fmt: skip

    def first_busy(route: Any) -> None:
        sent.append(route.request.post_data)
        if len(sent) == 1:
            headers = {"Retry-After": "1", "Content-Type": "application/json"}
            route.fulfill(status=503, headers=headers, body=json.dumps(busy))
        else:
            route.continue_()

    page.route("**/v1/statements", first_busy)
    size = world.log_size()
    page.goto("/app/#/form")
    page.wait_for_selector("#f-pemilih_dpt_l")
    fill_form(page, election.form(tps).reading())
    page.click("#review")
    page.check("#no-photo")
    page.click("#sign")
    page.wait_for_selector("#receipts .receipt .proof.ok", timeout=60_000)
    assert len(sent) == 2 and sent[0] == sent[1]  # resent as the same bytes
    assert world.log_size() == size + 1


def test_a_refusal_is_kept_and_never_resent(page: Any, world: World) -> None:
    """The phone was lost and its key revoked; the app, offline since, still thinks the
    key good and signs: the service refuses (403), the refusal is final."""
    election = world.election
    tps = election.tps[14]
    public_key = enrol(page)
    world.register(public_key, "kpps", tps)
    registered(page)
    sent: list[str] = []

    def count(route: Any) -> None:
        sent.append(route.request.post_data)
        route.continue_()

    page.route("**/v1/statements", count)
    page.goto("/app/#/form")
    page.wait_for_selector("#f-pemilih_dpt_l")
    fill_form(page, election.form(tps).reading())
    world.revoke(public_key)
    size = world.log_size()
    page.click("#review")
    page.check("#no-photo")
    page.click("#sign")
    refused = page.locator("#pending li.refused")
    refused.wait_for()
    assert "DITOLAK auth.revoked" in refused.inner_text()
    drawn = page.locator("#send-now").element_handle()
    page.click("#send-now")
    drawn.wait_for_element_state("hidden")  # the outbox is drawn anew once the flush is done
    assert len(sent) == 1  # a refusal is final: not sent again
    assert world.log_size() == size
    shoot(page, "14-refused")


def test_a_waiting_photo_is_uploaded_again_only_when_its_time_is_nearly_up(
    page: Any, world: World
) -> None:
    """The service keeps an uncited photo for ``expires_in`` seconds. The statement is
    answered 503 twice: the photo is not sent again while the service still has it,
    and is sent again (signed as before) once the device's record says its time is
    nearly up."""
    election = world.election
    tps = election.tps[15]
    world.register(enrol(page), "kpps", tps)
    registered(page)
    uploads: list[dict[str, str]] = []
    statements: list[int] = []
    busy = {"ok": False, "status": 503, "error": {"code": "service.overloaded",
            "message": {"id": "sibuk", "en": "busy"}, "details": {}}}  # fmt: skip

    def photo(route: Any) -> None:
        uploads.append(route.request.headers)
        route.continue_()

    def statement(route: Any) -> None:
        statements.append(1)
        if len(statements) <= 2:
            route.fulfill(status=503, headers={"Retry-After": "0"}, body=json.dumps(busy))
        else:
            route.continue_()

    page.route("**/v1/photos", photo)
    page.route("**/v1/statements", statement)
    page.goto("/app/#/form")
    page.wait_for_selector("#f-pemilih_dpt_l")
    fill_form(page, election.form(tps).reading())
    data = png(77)
    page.set_input_files(
        "#camera", files=[{"name": "a.png", "mimeType": "image/png", "buffer": data}]
    )
    sha = hashlib.sha256(data).hexdigest()
    page.wait_for_selector(f'#photo-list code:text("{sha}")')
    page.click("#review")
    page.click("#sign")
    page.wait_for_selector("#pending li.waiting:has-text('percobaan 1')")  # the first 503
    assert len(uploads) == 1 and len(statements) == 1
    assert uploads[0]["saksi-key"] and uploads[0]["saksi-signature"]
    record = outbox_db(page, "photos")[0]
    assert record["stored"] is False and record["staged_until"] > 0
    page.click("#send-now")  # the service still has the photo: only the statement
    page.wait_for_selector("#pending li.waiting:has-text('percobaan 2')")
    assert len(uploads) == 1 and len(statements) == 2
    page.evaluate(
        """async (sha) => {
            const db = await import('/app/db.js');
            await db.put('photos', {...(await db.get('photos', sha)), staged_until: 0});
        }""",
        sha,
    )
    page.click("#send-now")
    page.wait_for_selector("#receipts .receipt")
    assert len(uploads) == 2 and len(statements) == 3
    assert uploads[1]["saksi-signature"] == uploads[0]["saksi-signature"]
