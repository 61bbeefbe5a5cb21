"""The dashboard in Debian's chromium (Playwright) against a real ``saksi serve``.

One server per module, fed over HTTP with every case a page must show (photos, an
agreeing and a disputing witness copy, an inconsistent form, a correction); its
results publisher publishes them. Then a reader walks from Nasional to a TPS and
back (partly by keyboard), switches language, reads the inconsistent, corrected and
disputed TPS, and sees a new submission appear without reloading. Every page is
screenshotted at phone (390x844) and desktop (1280x900) widths into
``test-output/dashboard/`` (git-ignored; the path is printed). No request may leave
the server's origin.

Skipped with a reason when /usr/bin/chromium is absent (``.ci/run`` installs it).
"""

from __future__ import annotations

import re
import shlex
import signal
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx
import pytest

from saksi.ledger.views import Receipt
from tests.browser import chromium, skip_reason
from tests.ledger.factory import NAMES, ServiceElection, broken_form, shifted
from tests.service.conftest import ROOT, ServeProcess, election_server
from tests.waiting import answers, wait_for

OUTPUT = ROOT / "test-output" / "dashboard"
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
JSON = {"content-type": "application/json"}
REASON = "salah tulis <b>kotak</b> IV"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(skip_reason()), reason=str(skip_reason()))]


def png(red: int) -> bytes:
    """A real 8x8 PNG of one colour (photos are checked by content)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes((red, 80, 120)) * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


class World:
    """The running server, the election, and which TPS shows what."""

    def __init__(self, server: ServeProcess, election: ServiceElection) -> None:
        self.server = server
        self.election = election
        witnessed = election.witnessed
        self.agreeing, self.disputed = witnessed[0], witnessed[1]
        others = [t for t in election.tps if t not in witnessed]
        self.inconsistent, self.corrected, self.late = others[0], others[1], others[2]
        self.photos: list[str] = []

    def http(self) -> httpx.Client:
        return self.server.client()

    def post(self, http: httpx.Client, entry: bytes) -> dict[str, Any]:
        answer = http.post("/v1/statements", content=entry, headers=JSON)
        assert answer.status_code == 201, answer.text
        result: dict[str, Any] = answer.json()
        return result

    def feed(self) -> None:
        e = self.election
        with self.http() as http:
            for red in (200, 40):  # signed by the KPPS whose form cites them
                headers = e.photo_headers(png(red), f"kpps-{self.agreeing}")
                answer = http.post("/v1/photos", content=png(red), headers=headers)
                self.photos.append(answer.json()["sha256"])
            form = e.form(self.agreeing).model_copy(update={"foto": tuple(self.photos)})
            self.post(http, e.c_hasil(self.agreeing, form))
            self.post(http, e.c_salinan(self.agreeing, "2", form))
            self.post(http, e.c_hasil(self.disputed))
            self.post(http, e.c_salinan(self.disputed, "3", shifted(e.form(self.disputed), 5)))
            self.post(http, e.c_hasil(self.inconsistent, broken_form(e.form(self.inconsistent))))
            bad = self.post(http, e.c_hasil(self.corrected, broken_form(e.form(self.corrected))))
            receipt = Receipt(
                bad["index"], bad["leaf_hash"], "inconsistent", False, "c-hasil", (), None
            )
            self.post(http, e.correction(self.corrected, receipt, reason=REASON))
            self.wait_published(http)
            for sha in self.photos:  # kept for good once the form citing them is logged
                wait_for(answers(http, f"/v1/photos/{sha}"))

    def wait_published(self, http: httpx.Client, seconds: float = 60.0) -> None:
        """Until the results (and their anomalies export) cover the whole log."""
        deadline = time.monotonic() + seconds
        while True:
            size = http.get("/health").json()["log_size"]
            latest = http.get("/results/latest.json")
            if latest.status_code == 200:
                doc = latest.json()
                exports = doc["contests"]["ppwp"]["exports"]
                if (
                    doc["tree_size"] >= size
                    and exports
                    and exports["anomalies"].startswith(f"{size}/")
                ):
                    return
            assert time.monotonic() < deadline, "results not published"
            time.sleep(0.1)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    election = ServiceElection()
    settings = {"SAKSI_RESULTS_INTERVAL": "0.1", "SAKSI_RESULTS_EXPORTS_EVERY": "0.001"}
    settings["SAKSI_PARSE_WORKERS"] = "0"
    server = election_server(tmp_path_factory.mktemp("dashboard"), election, settings)
    server.start()
    try:
        server.log_batch(election.key_entries())
        made = World(server, election)
        made.feed()
        yield made
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any, world: World) -> Iterator[Any]:
    """A fresh page (own cookies) that fails the test on any request to another origin."""
    context = browser.new_context(
        base_url=world.server.url, viewport={"width": 1280, "height": 900}
    )
    opened = context.new_page()
    foreign: list[str] = []
    opened.on(
        "request",
        lambda r: foreign.append(r.url) if not r.url.startswith(world.server.url) else None,
    )
    errors: list[str] = []
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert not foreign, f"requests to other origins: {foreign}"
    assert not errors, f"script errors: {errors}"


def shoot(page: Any, name: str) -> None:
    """Screenshots of the page at phone and desktop widths, kept as test output."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(OUTPUT / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    print(f"screenshots: {OUTPUT}/{name}-*.png", file=sys.stderr)


def test_walk_from_nasional_to_a_tps_and_back(page: Any, world: World) -> None:
    tps = world.agreeing
    page.goto("/")
    assert page.locator("h1").inner_text() == "Hasil Pemilu Uji 2024"  # the manifest's name
    assert "H. Prabowo Subianto" in page.locator("#totals").inner_text()
    shoot(page, "nasional")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.get_by_role("link", name="DKI JAKARTA", exact=True).focus()  # the map's says more
    page.keyboard.press("Enter")
    page.wait_for_url("**/wilayah/31")
    shoot(page, "provinsi")
    for code in (tps[:4], tps[:6], tps[:10]):
        page.locator(f'a[href="/wilayah/{code}"]').first.click()
        page.wait_for_url(f"**/wilayah/{code}")
    shoot(page, "desa")
    page.locator(f'a[href="/tps/{tps}"]').click()
    page.wait_for_url(f"**/tps/{tps}")
    assert "salinan saksi cocok" in page.locator("main").inner_text()
    images = page.locator("#photos a.thumb img")
    assert images.count() == 2
    assert images.first.get_attribute("src") == f"/v1/photos/{world.photos[0]}"
    assert page.evaluate("document.querySelector('#photos img').naturalWidth") == 8
    shoot(page, "tps")
    page.locator('.crumbs a[href="/"]').click()
    page.wait_for_url(world.server.url + "/")
    assert page.locator("h1").inner_text().startswith("Hasil")


def test_language_switch_is_remembered(page: Any, world: World) -> None:
    page.goto("/wilayah/31")
    assert page.locator("html").get_attribute("lang") == "id"
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url("**/wilayah/31?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Votes per pair" in page.locator("main").inner_text()
    page.get_by_role("link", name="Anomalies", exact=True).click()
    assert "Anomalies" in page.locator("h1").inner_text()  # the cookie keeps English
    page.get_by_role("link", name="Bahasa Indonesia", exact=True).click()
    assert page.locator("h1").inner_text() == "Anomali"


def test_inconsistent_tps_shows_its_broken_rules(page: Any, world: World) -> None:
    page.goto(f"/tps/{world.inconsistent}")
    box = page.locator("#violations")
    assert "suara-sah" in box.inner_text()
    marked = page.locator("#form td.bad")
    assert marked.count() >= 2 and all(t.startswith("!") for t in marked.all_inner_texts())
    assert "tidak masuk dalam total" in page.locator("main").inner_text()
    history = page.locator("#history")  # held, as the status says: not "dihitung"
    assert history.locator("[data-outcome]").all_inner_texts() == [
        "berlaku, tetapi ditahan: tidak masuk total (melanggar aturan yang mustahil)"
    ]
    shoot(page, "tps-inconsistent")


def test_every_finding_on_the_national_page_opens_a_list_of_that_length(
    page: Any, world: World
) -> None:
    page.goto("/")
    links = page.locator("main a[data-count]")
    found = [(a.get_attribute("href"), int(a.get_attribute("data-count"))) for a in links.all()]
    assert len(found) >= 4  # held, disputed, corrected; the counters; every anomaly
    assert "1 TPS ditahan" in page.locator("#findings").inner_text()
    for href, count in found:
        page.goto(href)
        rows = page.locator("#anomalies tbody tr")
        assert rows.count() == count, href


def test_corrected_tps_shows_its_history(page: Any, world: World) -> None:
    page.goto(f"/tps/{world.corrected}?lang=en")
    history = page.locator("#history")
    text = history.inner_text()
    assert "C.Hasil from the KPPS" in text and "Correction 1" in text
    assert REASON in text  # shown as text, not markup
    assert history.locator("b").count() == 0
    assert history.locator('a[href^="/v1/receipts/"]').count() == 2
    proof = page.request.get(history.locator('a[href^="/v1/receipts/"]').last.get_attribute("href"))
    assert proof.ok and proof.json()["proof"].startswith("c2sp.org/tlog-proof@v1")
    shoot(page, "tps-corrected")


def test_disputed_tps_shows_both_copies(page: Any, world: World) -> None:
    page.goto(f"/tps/{world.disputed}?lang=en")
    copies = page.locator("#copies")
    assert "differs from the form" in copies.inner_text()
    differing = copies.locator("tr.bad")
    assert differing.count() == 2
    form_value, copy_value = differing.first.locator("td.num").all_inner_texts()
    shown = re.fullmatch(r"≠\s*differs from the form:\s*(\d+) \(\+5\)", copy_value.strip())
    assert shown is not None, copy_value  # a sign, the difference and a label: not colour alone
    assert int(shown.group(1)) == int(form_value) + 5
    assert differing.first.locator(".mark").get_attribute("aria-hidden") == "true"
    assert copies.locator("tr:not(.bad) .mark").count() == 0  # only the differing boxes
    shoot(page, "tps-disputed")


def test_the_proof_check_against_a_real_service(page: Any, world: World) -> None:
    """Periksa bukti on a real ``saksi serve`` (no witness configured): its entry, receipt
    and Verifikasi twin; the log's signature and the inclusion checked in the page."""
    from playwright.sync_api import expect

    page.goto(f"/tps/{world.disputed}?lang=en")
    button = page.locator("#copies button[data-leaf]").first
    button.click()
    result = page.locator("#copies .proof-result").first
    expect(result).to_have_attribute("data-result", "verified")
    with world.http() as http:
        receipt = http.get(button.get_attribute("data-receipt")).json()
    size = int(receipt["proof"].split("\n\n", 1)[1].split("\n")[1])  # its checkpoint's
    assert receipt["index"] == int(button.get_attribute("data-index"))
    assert result.inner_text() == (
        f"Verified: entry {receipt['index']} is in the log of size {size}, signed by the log "
        "(no independent witness is configured)."
    )


def test_anomali_and_verifikasi_pages(page: Any, world: World) -> None:
    page.goto("/anomali")
    page.select_option("select[name=type]", "witness-dispute")
    page.get_by_role("button", name="Saring").click()
    page.wait_for_url("**/anomali?type=witness-dispute*")
    assert page.locator("#anomalies tbody tr").count() == 1
    shoot(page, "anomali")
    page.goto("/verifikasi")
    commands = page.locator("pre code").all_inner_texts()
    assert any(
        c.startswith(f"saksi verify {world.server.url}/ --log-key {shlex.quote(world.server.vkey)}")
        for c in commands
    )
    assert "public_url" in page.locator("#address").inner_text()  # none configured: said
    shoot(page, "verifikasi")


def test_search_by_name_and_code(page: Any, world: World) -> None:
    page.goto("/")
    page.fill("#q", "gambir")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cari?q=gambir")
    page.get_by_role("link", name="GAMBIR").first.click()
    page.wait_for_url("**/wilayah/317301")
    page.fill("#q", world.corrected)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/tps/{world.corrected}")
    tps = world.agreeing  # a TPS by its number and its desa's name, misspelt
    page.fill("#q", f"tps {int(tps[10:])} {NAMES[tps[:10]].lower()}{NAMES[tps[:10]][-1]}")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cari?q=tps*")
    page.locator("main li a").first.click()
    page.wait_for_url(f"**/tps/{tps}")


def test_live_update_after_a_new_submission(page: Any, world: World) -> None:
    from playwright.sync_api import expect

    tps = world.late
    page.goto(f"/wilayah/{tps[:10]}")
    row = page.locator(f'tr:has(a[href="/tps/{tps}"])')
    assert "belum masuk" in row.inner_text()
    before = page.locator("body").get_attribute("data-size")
    expect(page.locator("#checkpoint-line")).to_contain_text(f"Checkpoint {before} ")
    page.evaluate("window.notReloaded = true")
    page.locator(f'a[href="/tps/{tps}"]').focus()  # a keyboard user on that row
    with world.http() as http:
        world.post(http, world.election.c_hasil(tps))

    expect(row).to_contain_text("dihitung", timeout=30_000)  # no eval: CSP
    assert page.evaluate("window.notReloaded") is True
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == f"/tps/{tps}"  # the refresh kept the focus where it was
    assert "Diperbarui" in page.locator("#live-status").inner_text()
    after = page.locator("body").get_attribute("data-size")
    assert after != before
    line = page.locator("#checkpoint-line")  # the checkpoint and source follow the totals
    expect(line).to_contain_text(f"Checkpoint {after} ")
    assert line.locator("a").get_attribute("href").startswith(f"/results/{after}/")


# --- a page opened before the first publication; a server that goes away ---------------


@pytest.fixture
def quiet(tmp_path: Path) -> Iterator[ServeProcess]:
    """``saksi serve`` without its results publisher (``saksi publish`` is run by the
    test), the election's keys logged."""
    election = ServiceElection()
    settings = {"SAKSI_PUBLISH_RESULTS": "false", "SAKSI_RESULTS_INTERVAL": "0.1"}
    server = election_server(tmp_path, election, settings | {"SAKSI_PARSE_WORKERS": "0"})
    server.start()
    try:
        server.log_batch(election.key_entries())
        yield server
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.stop()


def _checkpointed(server: ServeProcess) -> None:
    """Until the log's published checkpoint holds every entry logged."""
    with server.client() as http:

        def covered() -> bool:
            size = http.get("/health").json()["log_size"]
            note = http.get("/log/checkpoint")
            return note.status_code == 200 and int(note.text.splitlines()[1]) >= size

        wait_for(covered)


def test_a_page_opened_before_the_first_publication_gets_everything(
    browser: Any, quiet: ServeProcess, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    election = ServiceElection()
    context = browser.new_context(base_url=quiet.url)
    page = context.new_page()
    try:
        page.goto("/")
        assert "Belum ada hasil" in page.locator("main").inner_text()
        assert page.locator("#children, #status, #findings").count() == 0
        page.evaluate("window.notReloaded = true")
        first, second = election.tps[0], election.tps[1]
        with quiet.client() as http:
            for entry in (election.c_hasil(first), election.c_hasil(second, broken_form(
                election.form(second)))):  # fmt: skip
                answer = http.post("/v1/statements", content=entry, headers=JSON)
                assert answer.status_code == 201, answer.text
        _checkpointed(quiet)
        command = [sys.executable, "-m", "saksi", "publish", str(quiet.data / "log"),
                   "--out", str(quiet.data / "results"), "--log-key", quiet.vkey,
                   "--regions", str(tmp_path / "files" / "regions.json")]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        assert done.returncode == 0, done.stderr
        # the whole page arrives, not only the totals and the progress
        expect(page.locator("#children tbody tr")).to_have_count(2, timeout=30_000)
        expect(page.locator("#status")).to_contain_text("tidak konsisten")
        expect(page.locator("#findings")).to_contain_text("1 TPS ditahan")
        expect(page.locator("#checkpoint-line")).to_contain_text("Checkpoint")
        assert page.locator("#status table").count() == 2  # the counters and the flags
        assert page.evaluate("window.notReloaded") is True
        assert page.title().startswith("Pemilu Uji 2024")  # named once the summary is there
        shoot(page, "nasional-first-publication")
    finally:
        context.close()


def test_a_page_says_when_updates_stop_and_recovers(browser: Any, quiet: ServeProcess) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(base_url=quiet.url)
    pages = {lang: context.new_page() for lang in ("id", "en")}
    try:
        for lang, page in pages.items():
            page.goto(f"/?lang={lang}")
            page.evaluate("window.notReloaded = true")
            expect(page.locator("#live-stopped")).to_be_hidden()
        port = quiet.url.rsplit(":", 1)[1]
        quiet.stop()
        stopped = {"id": "Pembaruan otomatis terhenti", "en": "Live updates stopped"}
        for lang, page in pages.items():
            banner = page.locator("#live-stopped")
            expect(banner).to_be_visible(timeout=60_000)
            expect(banner).to_contain_text(stopped[lang])
        shoot(pages["id"], "nasional-server-gone")
        quiet.args[quiet.args.index("--port") + 1] = port  # the same address again
        quiet.start()
        for page in pages.values():
            expect(page.locator("#live-stopped")).to_be_hidden(timeout=60_000)
        assert quiet.proc is not None
        quiet.proc.send_signal(signal.SIGSTOP)  # a server that hangs: no answer, no error
        try:
            expect(pages["id"].locator("#live-stopped")).to_be_visible(timeout=60_000)
        finally:
            quiet.proc.send_signal(signal.SIGCONT)
        expect(pages["id"].locator("#live-stopped")).to_be_hidden(timeout=60_000)
        for page in pages.values():
            assert page.evaluate("window.notReloaded") is True
    finally:
        context.close()


def test_json_twins_headers_and_errors(world: World) -> None:
    with world.http() as http:
        page = http.get("/wilayah/3173.json")
        assert page.status_code == 200 and page.json()["snapshot"]["region"]["code"] == "3173"
        same = http.get("/wilayah/3173", headers={"accept": "application/json"})
        assert same.json()["snapshot"] == page.json()["snapshot"]
        assert http.get("/index.json").json()["page"] == "nasional"
        html = http.get("/")
        assert html.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in html.headers["content-security-policy"]
        english = http.get("/?lang=en")
        assert 'lang="en"' in english.text and "saksi_lang=en" in english.headers["set-cookie"]
        missing = http.get("/wilayah/9999")
        assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
        twin = http.get("/wilayah/9999.json")
        assert twin.status_code == 404 and twin.json()["error"]["code"] == "http.not-found"
        style = html.text.split('rel="stylesheet" href="')[1].split('"')[0]
        asset = http.get(style)
        assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
        assert http.get("/static/nope.css").status_code == 404
        icon = http.get("/favicon.ico")
        assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
        assert icon.content.startswith(b"\x00\x00\x01\x00")  # an ICO of PNG images
        assert b"\x89PNG" in icon.content and "max-age" in icon.headers["cache-control"]
        spoofed = http.get("/verifikasi.json", headers={"host": "evil.example"}).json()
        assert spoofed["public_url"] is None  # none configured: the server's own address
        for command in spoofed["commands"].values():
            assert world.server.url in command and "evil.example" not in command


# --- phones and laptops: geometry, not just screenshots -----------------------------

TAP: Final = 44
"""Smallest tap target, CSS px, both ways (WCAG 2.2 2.5.5, the AAA 44x44; 2.5.8's 24 px
with spacing is met by it). A map's regions (``svg a``) are drawn at their size: the
links of the map's table twin and the children's cards are their equivalent control
(2.5.8's exception), and are checked."""

GEOMETRY_JS = """(selector) => {
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 60);
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0)
      out.push({left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                text: el.textContent.trim().slice(0, 60)});
  }
  window.scrollTo(0, 0);
  return out;
}"""
TARGETS_JS = """() => Array.from(
    document.querySelectorAll("a[href]:not(svg a),button,input,select"))
  .map(el => ({r: el.getBoundingClientRect(), what: el.outerHTML.slice(0, 90)}))
  .filter(t => t.r.width > 0 && t.r.height > 0 && t.r.right > 0)
  .map(t => ({w: t.r.width, h: t.r.height, what: t.what}))"""
SCROLLS_JS = """() => Array.from(document.querySelectorAll(".scroll")).map(f => {
  const hint = f.previousElementSibling;
  const hinted = !!hint && hint.className === "scroll-hint" && hint.offsetHeight > 0;
  return {wide: f.scrollWidth > f.clientWidth + 1, hinted: hinted,
          label: f.getAttribute("aria-label")};
})"""


def key_cells(world: World) -> dict[str, str]:
    """Page -> the cells whose numbers matter there (each must be on screen)."""
    tps = world.agreeing
    children = "#children td, #children .ch-card"  # the table, or on a phone the cards
    return {
        "/": children,
        "/wilayah/31": children,
        f"/wilayah/{tps[:4]}": children,
        f"/wilayah/{tps[:6]}": children,
        f"/wilayah/{tps[:10]}": children,
        f"/tps/{world.agreeing}": "#form td.num, #copies td.num",
        f"/tps/{world.disputed}": "#form td.num, #copies td.num",
        f"/tps/{world.inconsistent}": "#form td.num, #violations li",
        f"/tps/{world.corrected}": "#form td.num, #history td.num",
        "/anomali": "#anomalies td",
        "/verifikasi": "#checkpoint td, pre",
        "/cari?q=gambir": "main li",
    }


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_number_that_matters_is_on_screen_and_every_target_big_enough(
    page: Any, world: World, size: str
) -> None:
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    for path, selector in key_cells(world).items():
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        cells = page.evaluate(GEOMETRY_JS, selector)
        assert cells, f"{path}: nothing matches {selector}"
        off = [c for c in cells if c["left"] < 0 or c["right"] > width + 0.5]
        assert not off, f"{path} at {width}px: cells off-screen sideways: {off[:3]}"
        cut = [c for c in cells if c["top"] < 0 or c["bottom"] > height]
        assert not cut, f"{path} at {width}px: cells not in the viewport: {cut[:3]}"
        small = [t for t in page.evaluate(TARGETS_JS) if t["w"] < TAP or t["h"] < TAP]
        assert not small, f"{path} at {width}px: tap targets under {TAP} px: {small[:3]}"
        for frame in page.evaluate(SCROLLS_JS):
            assert frame["wide"] == frame["hinted"], f"{path} at {width}px: {frame}"
    page.goto(f"/tps/{world.disputed}")
    shoot(page, "tps-disputed-geometry")


def test_a_table_that_still_scrolls_says_so(page: Any, world: World) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/tps/{world.agreeing}")
    assert page.locator(".scroll-hint").count() == 0  # everything fits at 390 px
    page.evaluate("document.querySelector('#form table').style.minWidth = '900px'")
    page.evaluate("window.dispatchEvent(new Event('resize'))")
    hint = page.locator(".scroll-hint")
    assert hint.count() == 1 and hint.is_visible()
    assert "Geser tabel ke samping" in hint.inner_text()
    frame = page.evaluate(SCROLLS_JS)[0]
    assert frame["wide"] and frame["hinted"]
    page.evaluate("document.querySelector('#form table').style.minWidth = ''")
    page.evaluate("window.dispatchEvent(new Event('resize'))")
    assert page.locator(".scroll-hint").count() == 0
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "tps-phone-no-hint.png"), full_page=True)
