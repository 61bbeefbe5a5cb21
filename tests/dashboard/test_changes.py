"""What changed, feeds, and what journalists need: over the small night published at three
checkpoints (tests/dashboard/history.py): the timeline, "since N", the Atom feed, the
page of a region at an older checkpoint, the embed view and the downloads."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI

from saksi.dashboard import Dashboard
from saksi.dashboard.source import Published
from saksi.service.routes_dashboard import CSP, EMBED_CSP, router
from tests.dashboard.history import History, build_history
from tests.dashboard.test_pages import ENGLISH, reader_text
from tests.service.conftest import AppClient

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://saksi.example"


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> History:
    return build_history(tmp_path_factory.mktemp("history"))


@pytest.fixture(scope="module")
def night_v2(tmp_path_factory: pytest.TempPathFactory) -> History:
    return build_history(tmp_path_factory.mktemp("history-v2"), legislative=True)


def dashboard(night: History) -> Dashboard:
    made = Dashboard(night.site.results, night.site.log)
    made.public_url = BASE
    return made


def client(night: History) -> AppClient:
    app = FastAPI()
    app.include_router(router)
    config = SimpleNamespace(
        results_dir=night.site.results, log_dir=night.site.log, public_url=BASE
    )
    app.state.service = SimpleNamespace(config=config)
    app.state.dashboard = dashboard(night)
    return AppClient(app)


def read(night: History, relpath: str) -> Any:
    return json.loads((night.site.results / relpath).read_text())


def snapshot_at(night: History, size: int, contest: str, code: str) -> dict[str, Any]:
    """Region ``code``'s snapshot as it was at generation ``size``, found independently:
    from ``<size>/summary.json``'s national href down the children's hrefs."""
    summary = read(night, f"{size}/summary.json")
    listed = [*summary["contests"], *summary.get("legislative", ())]
    href = next(c["href"] for c in listed if c["contest"] == contest)
    doc = read(night, href)
    for n in (2, 4, 6, 10):
        if len(code) < n:
            break
        href = next(c["href"] for c in doc["children"] if c["code"] == code[:n])
        doc = read(night, href)
    return doc  # type: ignore[no-any-return]


def tps_of(snapshot: dict[str, Any], code: str) -> dict[str, Any]:
    return next(c for c in snapshot["children"] if c["code"] == code)


# --- the timeline ------------------------------------------------------------------------


def test_the_timeline_lists_each_checkpoint_holding_the_region_with_its_totals(
    night: History,
) -> None:
    page = dashboard(night).changes("ppwp", "0", "id", None)
    assert page.status == 200
    points = page.data["timeline"]
    assert [p["checkpoint"] for p in points] == [night.first, night.middle, night.last]
    for point in points:
        snap = snapshot_at(night, point["checkpoint"], "ppwp", "0")
        assert point["totals"] == snap["totals"] and point["progress"] == snap["progress"]
        assert point["root_hash"] == snap["checkpoint"]["root_hash"]
        assert f'href="/?checkpoint={point["checkpoint"]}"' in page.body
    html_ = dashboard(night).html(page, "id", path="/perubahan/wilayah/0", query={})
    assert "<polyline" in html_ and 'role="img"' in html_
    # Jakarta Pusat changed only at the first checkpoint: its timeline has that one alone
    kota = dashboard(night).changes("ppwp", "3171", "id", None).data["timeline"]
    assert [p["checkpoint"] for p in kota] == [night.first]


def test_since_a_checkpoint_lists_a_correction_with_before_and_after_and_a_dispute(
    night: History,
) -> None:
    cases = night.site.cases
    since_middle = dashboard(night).changes("ppwp", "3173", "id", night.middle)
    data = since_middle.data["since"]
    assert (data["from"], data["to"]) == (night.middle, night.last)
    correction = next(c for c in data["changes"] if c["type"] == "correction")
    assert correction["code"] == cases.corrected
    then = tps_of(snapshot_at(night, night.middle, "ppwp", cases.corrected[:10]), cases.corrected)
    now = tps_of(snapshot_at(night, night.last, "ppwp", cases.corrected[:10]), cases.corrected)
    changed = {k for k in now["values"] if now["values"][k] != then["values"][k]}
    assert changed and set(correction["before"]) == set(correction["after"]) == changed
    for box in changed:
        assert correction["before"][box] == then["values"][box]
        assert correction["after"][box] == now["values"][box]
    assert correction["index"] == now["entries"]["corrections"][-1]
    box = "suara_paslon_01"
    assert box in changed
    shown = f"suara paslon 01: {then['values'][box]} → {now['values'][box]}"
    assert shown in since_middle.body
    recap = next(c for c in data["changes"] if c["type"] == "recap-difference")
    assert recap["code"] == "317301" and "(+37)" in since_middle.body
    sah = next(t for t in data["totals"] if t["name"] == "suara_sah")
    assert sah["then"] == snapshot_at(night, night.middle, "ppwp", "3173")["totals"]["suara_sah"]

    since_first = dashboard(night).changes("ppwp", "3173", "id", night.first).data["since"]
    disputes = [c for c in since_first["changes"] if c["type"] == "dispute"]
    assert {c["code"] for c in disputes} == {cases.disputed}
    copies = tps_of(snapshot_at(night, night.last, "ppwp", cases.disputed[:10]), cases.disputed)
    assert {(c["index"], c["party"]) for c in disputes} == {
        (c["index"], c["party"]) for c in copies["entries"]["copies"] if not c["agrees"]
    }
    # the corrected TPS had no form yet at the first checkpoint: new, already corrected
    late = next(c for c in since_first["changes"] if c["type"] == "correction")
    assert late["code"] == cases.corrected and late["before"] == late["after"] == {}
    indices = [c["index"] for c in since_first["changes"]]
    assert indices == sorted(indices, reverse=True)  # newest first
    nothing = dashboard(night).changes("ppwp", "3171", "id", night.first).data["since"]
    assert nothing["changes"] == []
    assert dashboard(night).changes("ppwp", "3173", "id", 7).data["since"] is None


# --- the feed ----------------------------------------------------------------------------


def test_the_atom_feed_parses_and_lists_the_correction_newest_first(night: History) -> None:
    with client(night) as http:
        answer = http.get("/umpan/wilayah/31.atom")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/atom+xml")
        twin = http.get("/umpan/wilayah/31.json").json()
        assert http.get("/umpan/wilayah/9999.atom").status_code == 404
    feed = ET.fromstring(answer.content)
    assert feed.tag == f"{ATOM}feed"
    for child in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{child}") is not None, child
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "/umpan/wilayah/31.atom"  # type: ignore[union-attr]
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(twin["entries"]) > 0
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(i and i.startswith("urn:uuid:") for i in ids)
    for entry in entries:
        assert entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}link").get("href", "").startswith("/")  # type: ignore[union-attr]
    kinds = [e["change"]["type"] for e in twin["entries"]]
    assert set(kinds) == {"correction", "dispute", "recap-difference"}
    correction = next(e for e in twin["entries"] if e["change"]["type"] == "correction")
    assert correction["change"]["code"] == night.site.cases.corrected
    assert correction["link"] == f"/tps/{night.site.cases.corrected}"
    atom_entry = entries[ids.index(correction["id"])]
    content = atom_entry.findtext(f"{ATOM}content") or ""
    before, after = correction["change"]["before"], correction["change"]["after"]
    assert f"{before['suara_paslon_01']} → {after['suara_paslon_01']}" in content
    checkpoints = [e["change"]["checkpoint"] for e in twin["entries"]]
    assert checkpoints == sorted(checkpoints, reverse=True)


def test_a_changes_entry_keeps_its_id_at_every_checkpoint(night: History) -> None:
    old = dashboard(night).at(night.middle)
    assert old is not None
    then = old.feed("ppwp", "3173", "id")
    now = dashboard(night).feed("ppwp", "3173", "id")
    assert then is not None and now is not None
    disputes = {e["id"] for e in then[1]["entries"] if e["change"]["type"] == "dispute"}
    assert len(disputes) == 2
    assert disputes <= {e["id"] for e in now[1]["entries"]}
    assert then[1]["id"] == now[1]["id"]


# --- citations: the page at a checkpoint -------------------------------------------------


def test_the_cited_url_shows_that_checkpoints_numbers(night: History) -> None:
    with client(night) as http:
        latest = http.get("/wilayah/3173.json").json()
        cite = latest["journalists"]["cite"]
        assert cite["tree_size"] == night.last
        assert cite["url"] == f"{BASE}/wilayah/3173?checkpoint={night.last}"
        assert cite["root_hash"] in cite["text"] and cite["url"] in cite["text"]
        page = http.get("/wilayah/3173")
        feed = '<link rel="alternate" type="application/atom+xml" href="/umpan/wilayah/3173.atom">'
        assert feed in page.text  # for feed readers to find
        assert cite["url"].replace("&", "&amp;") in page.text and 'id="kutip"' in page.text
        old = http.get(f"/wilayah/3173?checkpoint={night.middle}")
        old_twin = http.get(f"/wilayah/3173.json?checkpoint={night.middle}").json()
        missing = http.get("/wilayah/3173?checkpoint=7")
        bad = http.get("/wilayah/3173?checkpoint=x")
    then = snapshot_at(night, night.middle, "ppwp", "3173")
    assert old.status_code == 200 and old_twin["snapshot"] == then
    assert then["totals"] != latest["snapshot"]["totals"]
    assert old_twin["checkpoint"]["tree_size"] == night.middle
    assert old_twin["journalists"]["cite"]["url"].endswith(f"?checkpoint={night.middle}")
    assert 'id="at-checkpoint"' in old.text and "data-size" not in old.text
    assert 'data-poll="0"' in old.text  # a page at a checkpoint does not follow the results
    twin_link = f'href="/wilayah/3173.json?checkpoint={night.middle}"'
    assert old.text.count(twin_link) == 2  # the alternate link and the footer's
    valid = then["totals"]["suara_sah"]
    assert f"<strong>{valid}</strong>" in old.text or f">{valid}<" in old.text
    assert missing.status_code == 404 and bad.status_code == 404


def test_a_tps_page_at_a_checkpoint_shows_its_history_then(night: History) -> None:
    corrected = night.site.cases.corrected
    with client(night) as http:
        now = http.get(f"/tps/{corrected}.json").json()
        then = http.get(f"/tps/{corrected}.json?checkpoint={night.middle}").json()
        page = http.get(f"/tps/{corrected}?checkpoint={night.middle}")
    assert [h["type"] for h in now["history"]][-1] == "correction"
    assert "correction" not in [h["type"] for h in then["history"]] and then["history"]
    assert then["cite"]["url"] == f"{BASE}/tps/{corrected}?checkpoint={night.middle}"
    assert now["cite"]["tree_size"] == night.last
    assert 'id="kutip"' in page.text and 'id="at-checkpoint"' in page.text


def test_every_contests_region_page_is_cited_at_its_checkpoint(night_v2: History) -> None:
    with client(night_v2) as http:
        for contest, path in (
            ("ppwp", "/wilayah/32"), ("dpr", "/dpr/wilayah/32"), ("dpd", "/dpd/wilayah/32"),
            ("dprd-prov", "/dprd-prov/wilayah/3201"),
            ("dprd-kabkota", "/dprd-kabkota/wilayah/320101"),
        ):  # fmt: skip
            code = path.rsplit("/", 1)[1]
            now = http.get(path + ".json").json()
            assert now["journalists"]["cite"]["url"] == f"{BASE}{path}?checkpoint={night_v2.last}"
            for size in (night_v2.first, night_v2.middle):
                old = http.get(f"{path}.json?checkpoint={size}")
                assert old.status_code == 200, (path, size)
                twin = old.json()
                assert twin["snapshot"] == snapshot_at(night_v2, size, contest, code), path
                assert twin["journalists"]["cite"]["url"].endswith(f"{path}?checkpoint={size}")
        dapil = http.get(f"/dpr/dapil/3201.json?checkpoint={night_v2.middle}").json()
        assert dapil["checkpoint"]["tree_size"] == night_v2.middle
        assert dapil["dapil"]["checkpoint"]["tree_size"] <= night_v2.middle
        assert dapil["cite"]["url"] == f"{BASE}/dpr/dapil/3201?checkpoint={night_v2.middle}"


# --- embed, headers, downloads --------------------------------------------------------------


def test_only_the_embed_pages_may_be_framed(night: History) -> None:
    with client(night) as http:
        embed = http.get("/embed/wilayah/31")
        assert embed.status_code == 200 and embed.headers["content-security-policy"] == EMBED_CSP
        assert "frame-ancestors *" in EMBED_CSP and "frame-ancestors 'none'" in CSP
        assert "<nav" not in embed.text and "<script" not in embed.text
        assert "/wilayah/31?checkpoint=" in embed.text
        twin = http.get("/embed/wilayah/31.json").json()
        snap = http.get("/wilayah/31.json").json()["snapshot"]
        assert twin["progress"] == snap["progress"]
        assert [i["votes"] for i in twin["items"]] == [
            snap["totals"]["suara_paslon"][p] for p in sorted(snap["totals"]["suara_paslon"])
        ]
        for path in ("/", "/wilayah/31", "/perubahan/wilayah/31", "/wilayah/31?checkpoint="
                     f"{night.first}", "/anomali"):  # fmt: skip
            assert http.get(path).headers["content-security-policy"] == CSP, path
        assert http.get("/embed/wilayah/9999").status_code == 404


def test_the_downloads_link_existing_files_of_the_level_shown(night: History) -> None:
    published = Published(night.site.results, night.site.log)
    latest = published.latest()
    assert latest is not None
    exports = latest["contests"]["ppwp"]["exports"]
    for code, first in (("0", "provinsi"), ("31", "provinsi"), ("3173", "kabkota")):
        page = (
            dashboard(night).region(code, "id") if code != "0" else dashboard(night).nasional("id")
        )
        files = page.data["journalists"]["downloads"]
        assert files[0]["name"] == first
        assert {f["href"] for f in files} >= {
            f"/results/{exports['nist']}",
            *(f"/results/{v}" for v in exports["csv"].values()),
        }
        for f in files:
            assert (night.site.results / f["href"].removeprefix("/results/")).is_file()
            assert f'href="{f["href"]}" download' in page.body


def test_the_new_pages_are_in_indonesian_and_their_twins_answer(night: History) -> None:
    dash = dashboard(night)
    pages = [
        dash.changes("ppwp", "0", "id", night.first),
        dash.changes("ppwp", "3173", "id", night.middle),
        dash.embed("ppwp", "31", "id"),
        dash.region("3173", "id"),
    ]
    for page in pages:
        document = dash.html(page, "id", path="/", query={})
        found = ENGLISH.findall(reader_text(document))
        assert not found, f"{page.kind}: English on an Indonesian page: {found}"
    with client(night) as http:
        assert http.get("/perubahan/wilayah/9999").status_code == 404
        twin = http.get(f"/perubahan/wilayah/3173.json?sejak={night.first}").json()
        assert twin["page"] == "perubahan" and twin["since"]["from"] == night.first
        english = http.get("/perubahan/wilayah/3173?lang=en")
        assert "Published checkpoints" in english.text


def test_a_legislative_contest_has_its_timeline_and_feed(night_v2: History) -> None:
    dash = dashboard(night_v2)
    page = dash.changes("dpr", "32", "id", night_v2.first)
    assert page.status == 200
    sizes = [p["checkpoint"] for p in page.data["timeline"]]
    assert sizes and sizes[-1] == night_v2.last and sizes == sorted(sizes)
    for point in page.data["timeline"]:
        assert point["totals"] == snapshot_at(night_v2, point["checkpoint"], "dpr", "32")["totals"]
    newest = page.data["timeline"][-1]["totals"]["partai"]
    leader = max(newest, key=lambda p: newest[p]["suara_sah_partai"])
    valid = newest[leader]["suara_sah_partai"]
    assert valid > 0 and f">{valid}</td>" in page.body.replace(".", "")  # its B, per point
    switch = {c["contest"]: c["page"] for c in page.data["contests"]}
    assert (
        switch["ppwp"] == "/perubahan/wilayah/32" and switch["dpr"] == "/perubahan/dpr/wilayah/32"
    )
    assert 'aria-current="page">DPR<' in page.switch
    feed = dash.feed("dpr", "32", "id")
    assert feed is not None
    ET.fromstring(feed[0])
    assert feed[1]["self"] == "/umpan/dpr/wilayah/32.atom"


def test_history_fixture_publishes_only_what_changed(night: History) -> None:
    """The night is published incrementally: the later generations hold fewer files."""
    count = {
        size: sum(1 for _ in (night.site.results / str(size) / "ppwp").rglob("*.json"))
        for size in (night.first, night.middle, night.last)
    }
    assert count[night.middle] < count[night.first]
    assert Path(night.site.results / str(night.middle) / "summary.json").is_file()


def test_anomali_and_nasional_at_a_checkpoint_read_that_generation(night: History) -> None:
    with client(night) as http:
        then = http.get(f"/anomali.json?checkpoint={night.middle}").json()
        nation = http.get(f"/index.json?checkpoint={night.first}").json()
        assert http.get(f"/cari?q=gambir&checkpoint={night.first}").status_code == 200
    export = read(night, f"{night.middle}/export/ppwp-anomalies.json")
    assert then["anomalies_checkpoint"]["tree_size"] == night.middle
    assert len(then["anomalies"]) == len(export["anomalies"])
    assert nation["snapshot"] == snapshot_at(night, night.first, "ppwp", "0")


def test_since_a_checkpoint_older_than_the_timelines_window(
    night: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A timeline reads only its newest generations; "since N" before them still
    compares with the snapshot in force at N."""
    full = dashboard(night).changes("ppwp", "3173", "id", night.first).data["since"]
    monkeypatch.setattr("saksi.dashboard.history.TIMELINE_POINTS", 1)
    page = dashboard(night).changes("ppwp", "3173", "id", night.first)
    assert [p["checkpoint"] for p in page.data["timeline"]] == [night.last]
    assert page.data["since"] == full


def test_a_page_at_a_checkpoint_links_its_children_at_that_checkpoint(
    night_v2: History,
) -> None:
    at = night_v2.middle
    with client(night_v2) as http:
        nation = http.get(f"/dpr?checkpoint={at}").text
        kab = http.get(f"/wilayah/3201?checkpoint={at}").text
        tps = http.get("/tps/3201012001001", params={"checkpoint": at}).text
    body = nation.split('id="at-checkpoint"')[1]
    assert f'href="/dpr/wilayah/32?checkpoint={at}"' in body  # a child, as it was then
    assert 'href="/dpr/wilayah/32"' not in body
    assert f'href="/wilayah/320101?checkpoint={at}"' in kab  # a kecamatan of the kab/kota
    assert f'href="/dpr/wilayah/3201?checkpoint={at}"' in kab  # the contest switch too
    assert f'href="/wilayah/32?checkpoint={at}"' in kab  # the breadcrumbs
    notice = re.search(r'<p class="at" id="at-checkpoint">.*?</p>', kab, re.DOTALL)
    assert notice and 'href="/wilayah/3201"' in notice.group(0)  # the newest, as it says
    files = re.findall(r'href="/(?:results|v1)/[^"]*"', kab + tps)
    assert files and not [f for f in files if "checkpoint=" in f]  # files as they are
    assert f'href="/wilayah/3201012001?checkpoint={at}"' in tps


def test_a_dispute_in_the_feeds_names_the_witness_party(night_v2: History) -> None:
    """As the TPS page does ("Saksi 3 · <party>"): the party's name from the contests
    file, in the Atom feed's content and its twin, PPWP's and a legislative contest's."""
    contests = night_v2.site.book.contests
    assert contests is not None
    parties = {p.number: p.name for p in contests.parties}
    with client(night_v2) as http:
        for path in ("/umpan/wilayah/0", "/umpan/dpr/wilayah/0"):
            twin = http.get(f"{path}.json").json()
            atom = http.get(f"{path}.atom").text
            disputes = [e for e in twin["entries"] if e["change"]["type"] == "dispute"]
            assert disputes, path
            for entry in disputes:
                party = entry["change"]["party"]
                said = f"Saksi {party} · {parties[party]}: salinan berbeda dengan formulir"
                assert entry["content"] == said, path
                assert html.escape(said, quote=False) in atom, path
        english = http.get("/umpan/dpr/wilayah/0.json", params={"lang": "en"}).json()
        entry = next(e for e in english["entries"] if e["change"]["type"] == "dispute")
        party = entry["change"]["party"]
        assert (
            entry["content"]
            == f"Witness {party} · {parties[party]}: the copy differs from the form"
        )
