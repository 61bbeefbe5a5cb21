"""The dashboard's pages rendered from a small published election (no server, no browser)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saksi.dashboard import Dashboard, LogInfo, Page
from saksi.dashboard.html import esc, json_path, switch_href
from saksi.dashboard.strings import STRINGS, number, percent
from saksi.election.envelope import parse_entry
from tests.dashboard.factory import REASON, Site, build, photo_bytes

INFO = LogInfo("http://127.0.0.1:8080", "origin+abcd1234+AAAA", (), 0)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def dash(site: Site) -> Dashboard:
    return Dashboard(site.results, site.log)


def text_of(page: Page) -> str:
    """The page's body as plain text (tags dropped, entities decoded)."""
    import re

    return html.unescape(re.sub(r"<[^>]+>", " ", page.body))


def snapshot(site: Site, code: str = "0") -> dict[str, object]:
    latest = json.loads((site.results / "latest.json").read_text())
    doc = json.loads((site.results / latest["contests"]["ppwp"]["snapshot"]).read_text())
    assert isinstance(doc, dict)
    return doc


def test_nasional_shows_totals_shares_progress_and_provinces(dash: Dashboard, site: Site) -> None:
    page = dash.nasional("id")
    nation = snapshot(site)
    totals = nation["totals"]
    assert isinstance(totals, dict)
    assert page.data["snapshot"] == nation
    assert page.data["format"] == "saksi-dashboard/1"
    valid = totals["suara_sah"]
    for pair, votes in totals["suara_paslon"].items():
        share = 100 * votes / valid
        assert page.data["shares"][pair] == pytest.approx(share)
        assert percent(share, "id") in text_of(page)
        assert number(votes, "id") in text_of(page)
    assert "H. Prabowo Subianto" in text_of(page)
    assert "7 dari 8" in text_of(page)  # TPS reported of expected: one is missing
    for province in ("31", "32"):
        assert f'href="/wilayah/{province}"' in page.body
    assert page.size == len(site.book.entries)


def test_region_page_has_breadcrumbs_children_and_the_recap_check(dash: Dashboard) -> None:
    page = dash.region("317301", "id")
    assert page.status == 200
    assert 'href="/wilayah/31"' in page.body and 'href="/wilayah/3173"' in page.body
    assert 'aria-current="page"' in page.body
    assert 'href="/wilayah/3173011006"' in page.body
    check = page.data["snapshot"]["recap_check"]
    assert {d["field"] for d in check["differences"]} == {"suara_paslon_02", "suara_sah"}
    assert "D.Hasil" in text_of(page)


def test_desa_page_lists_its_tps_with_status(dash: Dashboard, site: Site) -> None:
    page = dash.region(site.cases.inconsistent[:10], "en")
    assert f'href="/tps/{site.cases.inconsistent}"' in page.body
    assert "inconsistent" in text_of(page)


def test_inconsistent_tps_shows_the_rules_it_breaks(dash: Dashboard, site: Site) -> None:
    page = dash.tps(site.cases.inconsistent, "id")
    assert page.data["tps"]["status"] == "inconsistent"
    assert "suara-sah" in page.data["tps"]["violations"]
    text = text_of(page)
    assert "Aturan yang dilanggar" in text and "suara-sah" in text
    assert "tidak masuk dalam total" in text
    assert 'class="num bad"' in page.body  # the boxes of the broken rule are marked


def test_corrected_tps_shows_reason_history_and_links(dash: Dashboard, site: Site) -> None:
    page = dash.tps(site.cases.corrected, "en")
    history = page.data["history"]
    assert [h["type"] for h in history] == ["c-hasil", "correction"]
    assert history[1]["reason"] == REASON and history[1]["in_force"]
    assert history[1]["changes"], "the boxes the correction changed"
    assert esc(REASON) in page.body and REASON not in page.body  # escaped
    for doc in history:
        entry = parse_entry(site.book.entries[doc["index"]])
        assert doc["leaf_hash"] == entry.leaf_hash_hex
        assert f'href="/v1/receipts/{doc["leaf_hash"]}"' in page.body
        assert f'href="/v1/entries/{doc["index"]}"' in page.body


def test_disputed_tps_shows_both_copies(dash: Dashboard, site: Site) -> None:
    page = dash.tps(site.cases.disputed, "en")
    copies = page.data["copies"]
    assert [(c["party"], c["agrees"]) for c in copies] == [("3", False), ("2", False)]
    form = page.data["tps"]["values"]
    for copy in copies:
        assert copy["differences"] == ["suara_paslon_01", "suara_paslon_03"]
        for field in copy["differences"]:
            assert copy["values"][field] != form[field]
    assert "differs from the form" in text_of(page)
    assert page.body.count('<tr class="bad">') >= 4


def test_agreeing_tps_shows_its_photos(dash: Dashboard, site: Site) -> None:
    import hashlib

    page = dash.tps(site.cases.agreeing, "id")
    for p in (1, 2):
        digest = hashlib.sha256(photo_bytes(site.cases.agreeing, p)).hexdigest()
        assert f'src="/v1/photos/{digest}"' in page.body
    assert page.data["copies"][0]["agrees"] is True
    assert "salinan saksi cocok" in text_of(page)


def test_unknown_pages_are_404(dash: Dashboard) -> None:
    assert dash.region("9999", "id").status == 404
    assert dash.region("not-a-code", "id").status == 404
    assert dash.tps("3173011006999", "id").status == 404
    assert dash.tps("317301", "id").status == 404


def test_anomali_lists_every_kind_and_filters(dash: Dashboard, site: Site) -> None:
    every = dash.anomali("id").data["anomalies"]
    assert {a["type"] for a in every} == {
        "inconsistent",
        "flag",
        "witness-dispute",
        "recap-difference",
        "correction",
    }
    only = dash.anomali("id", "witness-dispute").data["anomalies"]
    assert [(a["tps"], a["party"]) for a in only] == [
        (site.cases.disputed, "3"),
        (site.cases.disputed, "2"),
    ]
    within = dash.anomali("id", "", "3171").data["anomalies"]
    assert [a["type"] for a in within] == ["inconsistent"]
    assert dash.anomali("id", "nonsense", "x").data["filter"] == {"type": "", "region": None}


def test_verifikasi_shows_the_checkpoint_and_the_commands(dash: Dashboard, site: Site) -> None:
    page = dash.verifikasi("id", INFO)
    note = (site.log / "checkpoint").read_text()
    assert page.data["log_checkpoint"]["note"] == note
    assert [s["kind"] for s in page.data["signatures"]] == ["log"]
    assert page.data["commands"]["verify"].startswith("saksi verify http://127.0.0.1:8080/")
    assert "origin+abcd1234+AAAA" in page.body


def test_search_by_name_and_by_code(dash: Dashboard, site: Site) -> None:
    found = dash.search("gambir", "id").data["results"]
    assert {r["code"] for r in found} >= {"317301"}
    assert dash.search(site.cases.corrected, "id").redirect == f"/tps/{site.cases.corrected}"
    assert dash.search("3173", "id").redirect == "/wilayah/3173"
    assert dash.search("zzz-nowhere", "id").data["results"] == []


def test_nothing_published_yet(tmp_path: Path) -> None:
    page = Dashboard(tmp_path / "results", tmp_path / "log").nasional("en")
    assert page.status == 200 and page.size is None
    assert "No results published yet" in text_of(page)


def test_html_document_frame(dash: Dashboard) -> None:
    page = dash.nasional("en")
    document = dash.html(page, "en", path="/", query={})
    assert document.startswith('<!DOCTYPE html><html lang="en">')
    assert 'href="/?lang=id"' in document  # the switch back
    assert 'href="/index.json"' in document
    assert "http://" not in document and "https://" not in document  # nothing external


def test_screening_flags_are_named_in_the_readers_language(dash: Dashboard) -> None:
    from saksi.recap.screening import SCREENS

    for lang in ("id", "en"):
        document = dash.html(dash.nasional(lang), lang, path="/", query={})
        for screen in SCREENS:
            text = screen.description_en if lang == "en" else screen.description_id
            assert text in document and f"<code>{screen.flag}</code>" in document


def test_every_string_has_both_languages() -> None:
    for key, (text_id, text_en) in STRINGS.items():
        assert text_id.strip() and text_en.strip(), key


def test_json_paths_and_language_switch() -> None:
    assert json_path("/") == "/index.json"
    assert json_path("/wilayah/31") == "/wilayah/31.json"
    assert switch_href("/anomali", {"type": "flag", "lang": "en"}, "en") == (
        "/anomali?type=flag&lang=id"
    )


@given(st.text())
def test_escaping_round_trips_and_leaves_no_markup(text: str) -> None:
    escaped = esc(text)
    assert html.unescape(escaped) == text
    assert not set("<>\"'") & set(escaped)
