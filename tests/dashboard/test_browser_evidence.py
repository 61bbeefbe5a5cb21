"""The evidence of a TPS in Debian's chromium: the proof checked in the page, the photo zoom.

The dashboard's routes, served by uvicorn in this process over the small published
night (tests/dashboard/factory.py), with the service's reading routes the TPS page
needs answered from that night's own signed log: ``/v1/entries/<index>`` (the entry's
bytes) and ``/v1/receipts/<leaf_hash>`` (its C2SP tlog-proof against the log's
checkpoint cosigned by two of the three witnesses the service names, quorum 2, as the
Verifikasi page's twin says). "Periksa bukti" must say verified, with the numbers,
for an honest entry, and refuse (never "verified") a page whose leaf hash was altered,
a receipt whose proof has one hash altered, and a checkpoint short of the quorum.
A browser without Ed25519 is told it cannot check; an entry no checkpoint covers yet
says so. A thumbnail opens the enlarged photo without JavaScript's help (``:target``), a click
zooms it. No request may leave the origin.

Skipped with a reason when /usr/bin/chromium is absent (``.ci/run`` installs it).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.responses import JSONResponse, Response

from saksi.dashboard import Dashboard
from saksi.service.routes_dashboard import router
from saksi.store import open_store
from saksi.tlog.checkpoint import CosignatureSigner, add_cosignature
from saksi.tlog.hashes import leaf_hash
from saksi.tlog.log import Log
from tests.browser import chromium, skip_reason
from tests.dashboard.factory import Site, build
from tests.dashboard.served import served as serving
from tests.dashboard.test_browser import OUTPUT, png

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(skip_reason()), reason=str(skip_reason()))]

SIGNERS = [CosignatureSigner(f"w{i}.saksi.test/witness", bytes([i]) * 32) for i in (1, 2, 3)]
QUORUM = 2


@dataclass(frozen=True)
class Served:
    url: str
    site: Site
    leaves: dict[str, int]  # leaf hash (hex) -> index


def _proofs(site: Site) -> tuple[dict[str, tuple[int, str]], bytes]:
    """Every entry's tlog-proof against the log's checkpoint cosigned by witnesses 1, 2."""
    log = Log.open(site.log, open_store, durable=False, recover=False)
    try:
        note = log.published()
        assert note is not None
        cosigned = add_cosignature(note, SIGNERS[0], 1_707_900_000)
        cosigned = add_cosignature(cosigned, SIGNERS[1], 1_707_900_001)
        out = {}
        for index, entry in enumerate(site.book.entries):
            proof = log.prove(index, checkpoint=cosigned).to_text().decode()
            out[leaf_hash(entry).hex()] = (index, proof)
        return out, note
    finally:
        log.close()


def _app(site: Site) -> FastAPI:
    proofs, _ = _proofs(site)
    app = FastAPI()
    app.include_router(router)
    config = SimpleNamespace(
        results_dir=site.results,
        log_dir=site.log,
        public_url=None,
        host="127.0.0.1",
        witnesses=[SimpleNamespace(name=w.name, url="", vkey=w.vkey) for w in SIGNERS],
        quorum=QUORUM,
    )
    app.state.service = SimpleNamespace(config=config, ledger=SimpleNamespace(vkey=site.vkey))
    app.state.dashboard = Dashboard(site.results, site.log)

    @app.get("/v1/receipts/{leaf}")
    async def receipt(leaf: str) -> Response:
        index, proof = proofs[leaf]
        return JSONResponse({"index": index, "leaf_hash": leaf, "proof": proof})

    @app.get("/v1/entries/{index}")
    async def entry(index: int) -> Response:
        return Response(site.book.entries[index], media_type="application/json")

    @app.get("/v1/photos/{sha}")
    async def photo(sha: str) -> Response:
        return Response(png(200), media_type="image/png")

    return app


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    site = build(tmp_path_factory.mktemp("evidence"))
    with serving(_app(site), "/verifikasi.json") as base:
        leaves = {leaf_hash(e).hex(): i for i, e in enumerate(site.book.entries)}
        yield Served(base, site, leaves)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any, served: Served) -> Iterator[Any]:
    context = browser.new_context(base_url=served.url, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    foreign: list[str] = []
    opened.on(
        "request",
        lambda r: foreign.append(r.url) if not r.url.startswith(served.url) else None,
    )
    errors: list[str] = []
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert not foreign, f"requests to other origins: {foreign}"
    assert not errors, f"script errors: {errors}"


def _check(page: Any, button: Any) -> Any:
    """Click "Periksa bukti"; the result once it is no longer "checking"."""
    from playwright.sync_api import expect

    button.click()
    result = button.locator("xpath=following-sibling::p[contains(@class,'proof-result')]")
    expect(result).to_have_attribute("data-result", re.compile("^(?!checking)"))
    return result


def test_the_proof_of_an_honest_entry_is_verified_in_the_page(page: Any, served: Served) -> None:
    tps = served.site.cases.agreeing
    page.goto(f"/tps/{tps}")
    buttons = page.locator("#history button[data-leaf]")
    assert buttons.count() >= 1 and buttons.first.is_visible()  # shown with JavaScript
    leaf = buttons.first.get_attribute("data-leaf")
    index = served.leaves[leaf]
    result = _check(page, buttons.first)
    assert result.get_attribute("data-result") == "verified"
    size = len(served.site.book.entries)
    assert result.inner_text() == (
        f"Terverifikasi: entri {index} ada di log ukuran {size}, ditandatangani log dan "
        f"2 dari 3 saksi independen (kuorum {QUORUM})."
    )
    copy = page.locator("#copies button[data-leaf]").first  # a witness copy's entry too
    assert _check(page, copy).get_attribute("data-result") == "verified"
    page.screenshot(path=str(_output("proof-verified.png")), full_page=True)


ADD_BUTTONS_JS = """(entries) => {
  const main = document.getElementById("main");
  for (const [leaf, index] of entries) {
    const div = document.createElement("div");
    div.className = "proof-check every";
    div.innerHTML = `<button type="button" data-leaf="${leaf}" data-index="${index}"
      data-entry="/v1/entries/${index}" data-receipt="/v1/receipts/${leaf}"
      data-keys="/verifikasi.json">check</button><p class="proof-result"></p>`;
    main.appendChild(div);
  }
}"""


def test_every_entry_of_the_log_is_verified_whatever_its_place_in_the_tree(
    page: Any, served: Served
) -> None:
    """The port of RFC 9162's inclusion check, at every index of the log (left and right
    children, the last leaf, the odd subtrees of the night's log)."""
    from playwright.sync_api import expect

    page.goto(f"/tps/{served.site.cases.agreeing}")
    page.evaluate(ADD_BUTTONS_JS, sorted(served.leaves.items(), key=lambda item: item[1]))
    buttons = page.locator(".every button")
    assert buttons.count() == len(served.site.book.entries)
    for i in range(buttons.count()):
        buttons.nth(i).click()
    results = page.locator(".every .proof-result")
    for i in range(results.count()):
        expect(results.nth(i)).to_have_attribute("data-result", "verified")


def test_a_tampered_leaf_hash_on_the_page_is_refused(page: Any, served: Served) -> None:
    page.goto(f"/tps/{served.site.cases.agreeing}?lang=en")
    button = page.locator("#history button[data-leaf]").first
    other = next(leaf for leaf in served.leaves if leaf != button.get_attribute("data-leaf"))
    button.evaluate("(b, leaf) => b.setAttribute('data-leaf', leaf)", other)
    result = _check(page, button)
    assert result.get_attribute("data-result") == "failed"
    assert result.inner_text().startswith("FAILED, the proof is not valid: ")
    assert "do not match this page's leaf hash" in result.inner_text()


def _altered(proof: str) -> str:
    """The tlog-proof with its first hash changed by one bit."""
    lines = proof.split("\n")
    at = next(i for i, s in enumerate(lines) if i and not s.startswith(("index", "extra")))
    raw = bytearray(base64.b64decode(lines[at]))
    raw[0] ^= 1
    lines[at] = base64.b64encode(bytes(raw)).decode()
    return "\n".join(lines)


def test_a_tampered_receipt_is_refused(page: Any, served: Served) -> None:
    def alter(route: Any) -> None:
        answer = route.fetch()
        body = answer.json()
        body["proof"] = _altered(body["proof"])
        route.fulfill(response=answer, json=body)

    page.route("**/v1/receipts/*", alter)
    page.goto(f"/tps/{served.site.cases.agreeing}?lang=en")
    result = _check(page, page.locator("#history button[data-leaf]").first)
    assert result.get_attribute("data-result") == "failed"
    assert "does not lead from this leaf hash to the checkpoint's root" in result.inner_text()
    assert "Verified" not in result.inner_text()


def test_a_checkpoint_short_of_the_quorum_is_refused(page: Any, served: Served) -> None:
    _, note = _proofs(served.site)
    one = add_cosignature(note, SIGNERS[0], 1_707_900_000).decode()  # one of the two needed

    def alter(route: Any) -> None:
        answer = route.fetch()
        body = answer.json()
        head, _, _ = body["proof"].partition("\n\n")
        body["proof"] = f"{head}\n\n{one}"
        route.fulfill(response=answer, json=body)

    page.route("**/v1/receipts/*", alter)
    page.goto(f"/tps/{served.site.cases.agreeing}")
    result = _check(page, page.locator("#history button[data-leaf]").first)
    assert result.get_attribute("data-result") == "failed"
    assert "terlalu sedikit saksi independen" in result.inner_text()


def test_a_browser_without_ed25519_is_told_it_cannot_check(page: Any, served: Served) -> None:
    page.add_init_script(  # WebCrypto as a browser without Ed25519 has it
        "crypto.subtle.importKey = () => "
        "Promise.reject(new DOMException('Unrecognized name', 'NotSupportedError'));"
    )
    page.goto(f"/tps/{served.site.cases.agreeing}?lang=en")
    result = _check(page, page.locator("#history button[data-leaf]").first)
    assert result.get_attribute("data-result") == "unsupported"
    assert "cannot check Ed25519 signatures: not verified" in result.inner_text()
    assert "Verified" not in result.inner_text()


def test_an_entry_no_checkpoint_covers_yet_says_so(page: Any, served: Served) -> None:
    def pending(route: Any) -> None:
        answer = route.fetch()
        route.fulfill(response=answer, json={**answer.json(), "proof": None})

    page.route("**/v1/receipts/*", pending)
    page.goto(f"/tps/{served.site.cases.agreeing}?lang=en")
    result = _check(page, page.locator("#history button[data-leaf]").first)
    assert result.get_attribute("data-result") == "pending"
    assert "no published checkpoint covers this entry yet" in result.inner_text()


def test_a_photo_opens_enlarged_and_zooms(page: Any, served: Served) -> None:
    page.goto(f"/tps/{served.site.cases.agreeing}")
    thumbs = page.locator("#photos a.thumb")
    assert thumbs.count() == 2
    zoom = page.locator("#zoom-foto-ppwp-1")
    assert not zoom.is_visible()
    thumbs.first.click()
    page.wait_for_url("**#zoom-foto-ppwp-1")
    assert zoom.is_visible()  # :target, no script needed
    full = zoom.get_by_role("link", name="Buka gambar asli")
    assert full.get_attribute("href") == thumbs.first.locator("img").get_attribute("src")
    image = zoom.locator("img[data-zoom]")
    image.click()
    assert "big" in (image.get_attribute("class") or "")  # a click zooms further
    page.screenshot(path=str(_output("photo-zoom.png")))
    zoom.get_by_role("link", name="Tutup").click()
    assert not zoom.is_visible()


def test_the_photos_sit_beside_the_numbers_on_a_laptop_and_above_on_a_phone(
    page: Any, served: Served
) -> None:
    page.goto(f"/tps/{served.site.cases.agreeing}")
    photos, form = page.locator(".ev-photos").first, page.locator(".ev-form").first
    wide_p, wide_f = photos.bounding_box(), form.bounding_box()
    assert wide_p["x"] >= wide_f["x"] + wide_f["width"] - 1  # beside, to the right
    page.set_viewport_size({"width": 390, "height": 844})
    narrow_p, narrow_f = photos.bounding_box(), form.bounding_box()
    assert narrow_p["y"] + narrow_p["height"] <= narrow_f["y"] + 1  # above
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _output(name: str) -> Any:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT / f"evidence-{name}"
