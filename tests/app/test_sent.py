"""The entry app after sending (issue 14, item 14), in Debian's chromium against a real
``saksi serve``, at phone size (390x844):

- the same TPS opened again says "already sent (entry N)", in both languages, instead
  of a blank form;
- a second form for a TPS that already has one (from another device) is flagged on the
  summary, before signing, not refused by the service after it;
- a C.Hasil without a photo is signed only after a warning and a deliberate tick;
- the "signed" announcement never covers the receipt's QR code.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from tests.app.conftest import (
    World,
    enrol,
    fill_form,
    outbox_db,
    png,
    registered,
    shoot,
)

pytestmark = pytest.mark.slow


def officer_on_the_form(page: Any, world: World, tps: str) -> str:
    """A KPPS device of ``tps``, enrolled and registered, on the form; its public key."""
    public_key = enrol(page)
    world.register(public_key, "kpps", tps)
    registered(page)
    page.goto("/app/#/form")
    page.wait_for_selector("#f-pemilih_dpt_l")
    return public_key


def sign_with_a_photo(page: Any, world: World, tps: str) -> dict[str, Any]:
    """Fill the TPS's true form, attach a photo, sign; the receipt."""
    fill_form(page, world.election.form(tps).reading())
    photo = png(int(tps[-2:]))
    page.set_input_files(
        "#camera", files=[{"name": "hal1.png", "mimeType": "image/png", "buffer": photo}]
    )
    page.wait_for_selector(f'#photo-list code:text("{hashlib.sha256(photo).hexdigest()}")')
    page.click("#review")
    page.click("#sign")
    page.wait_for_selector("#receipts .receipt")
    receipt: dict[str, Any] = outbox_db(page, "receipts")[0]
    return receipt


def test_the_same_tps_opened_after_sending_says_already_sent(page: Any, world: World) -> None:
    tps = world.election.tps[8]
    officer_on_the_form(page, world, tps)
    receipt = sign_with_a_photo(page, world, tps)
    page.goto("/app/#/form")
    notice = page.locator("#sent-before")
    notice.wait_for()
    assert f"Sudah dikirim (entri {receipt['index']})" in notice.inner_text()
    assert "KPU Kab/Kota" in notice.inner_text()  # who corrects a logged form
    assert page.locator("#f-pemilih_dpt_l").count() == 0  # no blank second form
    shoot(page, "15-already-sent")
    page.click("#lang")
    page.wait_for_selector(f"#sent-before:has-text('Already sent (entry {receipt['index']})')")


def test_a_second_form_for_a_tps_is_flagged_before_signing(page: Any, world: World) -> None:
    """The officer typed the form; meanwhile the TPS's other device sent its C.Hasil."""
    election = world.election
    tps = election.tps[9]
    officer_on_the_form(page, world, tps)
    fill_form(page, election.form(tps).reading())
    first = world.submit(election.c_hasil(tps))  # signed by kpps-<tps>, another device
    size = world.log_size()
    page.click("#review")
    page.wait_for_selector("#sign")
    missing = page.inner_text("#missing")
    assert f"Sudah dikirim (entri {first['index']})" in missing
    assert "formulir kedua akan ditolak" in missing
    page.check("#no-photo")
    assert page.is_disabled("#sign")  # flagged before signing: nothing to refuse later
    shoot(page, "16-second-form-flagged")
    assert outbox_db(page, "outbox") == []
    assert world.log_size() == size
    page.goto("/app/#/form")
    page.wait_for_selector(f"#sent-before:has-text('entri {first['index']}')")


def test_a_c_hasil_without_a_photo_needs_a_warned_tick(page: Any, world: World) -> None:
    tps = world.election.tps[10]
    officer_on_the_form(page, world, tps)
    fill_form(page, world.election.form(tps).reading())
    page.click("#review")
    warning = page.locator("#no-photo-warning")
    warning.wait_for()
    assert "Belum ada foto formulir" in warning.inner_text()
    assert page.is_disabled("#sign")
    shoot(page, "17-no-photo-warning")
    page.check("#no-photo")
    assert page.is_enabled("#sign")
    page.click("#sign")
    page.wait_for_selector("#receipts .receipt")
    assert outbox_db(page, "receipts")[0]["status"] == "accepted"


def test_the_signed_announcement_never_covers_the_receipt_qr(page: Any, world: World) -> None:
    """At 390x844, with the page's timers held (so an announcement that would go away by
    itself is still there), the QR code scrolled to the bottom of the screen."""
    page.clock.install()
    tps = world.election.tps[11]
    officer_on_the_form(page, world, tps)
    sign_with_a_photo(page, world, tps)
    toast = page.locator("#toast")
    assert toast.inner_text().startswith("Ditandatangani")
    page.click("#receipts .show-qr")
    qr = page.locator("#receipts svg.qr")
    qr.evaluate("el => el.scrollIntoView({block: 'end'})")
    assert toast.inner_text().startswith("Ditandatangani")
    shoot(page, "18-receipt-qr", full_page=False)  # the phone's screen, 390x844
    seen = toast.bounding_box()
    code = qr.bounding_box()
    assert code is not None and seen is not None
    apart = (
        seen["y"] + seen["height"] <= code["y"]
        or code["y"] + code["height"] <= seen["y"]
        or seen["x"] + seen["width"] <= code["x"]
        or code["x"] + code["width"] <= seen["x"]
    )
    assert apart, f"the announcement {seen} covers the QR code {code}"
