"""The dashboard's pages rendered from a small published election (no server, no browser)."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saksi.dashboard import Dashboard, LogInfo, Page
from saksi.dashboard.html import Markup, esc, json_path, switch_href
from saksi.dashboard.strings import STRINGS, Lang, number, percent
from saksi.election.envelope import parse_entry
from saksi.recap.fold import Recap
from saksi.recap.publish import Publisher
from saksi.recap.reconcile import ANOMALY_TYPES
from saksi.sim.logbook import Logbook
from saksi.text import display_text
from saksi.tlog.checkpoint import Checkpoint
from saksi.tlog.hashes import leaf_hash
from saksi.tlog.merkle import root
from tests.dashboard.factory import REASON, Site, build, photo_bytes, scenario
from tests.recap.factory import ppwp_ranks

INFO = LogInfo("http://127.0.0.1:8080", "origin+abcd1234+AAAA", (), 0, configured=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def dash(site: Site) -> Dashboard:
    return Dashboard(site.results, site.log)


def text_of(page: Page) -> str:
    """The page's body as plain text (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page.body))


def section(body: str, id_: str) -> str:
    """The element with ``id_`` (a section or div) in a page body, up to its end tag."""
    start = body.index(f'id="{id_}"')
    tag = body.rindex("<", 0, start)
    name = body[tag + 1 : start].split(maxsplit=1)[0]
    depth, at = 0, tag
    for found in re.finditer(rf"<(/?){name}\b", body[tag:]):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            at = tag + found.end()
            break
    return body[tag : body.index(">", at) + 1]


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


def test_witness_copies_are_said_in_words_box_by_box(dash: Dashboard, site: Site) -> None:
    """Each differing box of each copy: whose copy, the box, its number, the form's; the
    copies' tables hold those boxes only; agreeing copies are counted and named."""
    page = dash.tps(site.cases.disputed, "id")
    form = page.data["tps"]["values"]
    lines = re.findall(r"<li>([^<]*)</li>", section(page.body, "copies"))
    want = [
        f"Saksi {copy['party']}: suara paslon {f.removeprefix('suara_paslon_')} = "
        f"{number(copy['values'][f], 'id')} (formulir: {number(form[f], 'id')})"
        for copy in page.data["copies"]
        for f in copy["differences"]
    ]
    assert len(want) == 4 and lines == want
    rows = sum(len(c["differences"]) for c in page.data["copies"])
    assert section(page.body, "copies").count("<tr") == rows + 2  # + each table's head
    english = text_of(dash.tps(site.cases.disputed, "en"))
    assert re.search(r"Witness 3: votes for pair 01 = \d+ \(form: \d+\)", english)
    agreeing = dash.tps(site.cases.agreeing, "id")
    party = agreeing.data["copies"][0]["party"]
    assert f"1 salinan saksi sama dengan formulir: Saksi {party}" in text_of(agreeing)
    assert "<tr" not in section(agreeing.body, "copies")  # no table of an agreeing copy


def test_broken_rules_show_the_forms_own_numbers(dash: Dashboard, site: Site) -> None:
    from saksi.election.rules import check_reading

    page = dash.tps(site.cases.inconsistent, "en")
    values = page.data["tps"]["values"]
    pairs = tuple(sorted(f.removeprefix("suara_paslon_") for f in values if "paslon" in f))
    shown = [html.unescape(m) for m in re.findall(r"class='rule-numbers'>([^<]*)<", page.body)]
    want = [v.message_en for v in check_reading(values, pairs)]
    assert want and shown == want
    assert any(str(values["suara_sah"]) in m for m in shown)  # the form's own numbers


def test_every_entry_has_a_proof_button_with_its_own_hashes(dash: Dashboard, site: Site) -> None:
    page = dash.tps(site.cases.corrected, "id")
    buttons = re.findall(r"<button [^>]*data-leaf[^>]*>", page.body)
    docs = [*page.data["history"], *page.data["copies"]]
    by_leaf = {m.group(1): b for b in buttons if (m := re.search(r'data-leaf="(\w+)"', b))}
    assert len(buttons) == len(docs) == len(by_leaf)
    for doc in docs:
        button = by_leaf[doc["leaf_hash"]]
        assert f'data-index="{doc["index"]}"' in button
        assert f'data-receipt="/v1/receipts/{doc["leaf_hash"]}"' in button
        assert 'data-keys="/verifikasi.json"' in button
    found = re.search(r'data-text="([^"]*)"', page.body)
    assert found is not None
    words = json.loads(html.unescape(found.group(1)))
    assert words["verified"].startswith("Terverifikasi: entri {index} ada di log ukuran {size}")
    assert set(words["why"]) >= {"not-included", "entry-mismatch", "quorum-not-met"}


def test_agreeing_tps_shows_its_photos(dash: Dashboard, site: Site) -> None:
    import hashlib

    page = dash.tps(site.cases.agreeing, "id")
    for p in (1, 2):
        digest = hashlib.sha256(photo_bytes(site.cases.agreeing, p)).hexdigest()
        assert f'src="/v1/photos/{digest}"' in page.body
    assert page.data["copies"][0]["agrees"] is True
    assert "salinan saksi cocok" in text_of(page)


COUNTED = re.compile(r'<a href="([^"]+)" data-count="(\d+)">')


def every_page(dash: Dashboard, lang: Lang) -> Iterator[Page]:
    """Nasional, then every region and TPS page reached through the links, and the
    Anomali page of every kind."""
    todo, seen = ["/"], set()
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        if path == "/":
            page = dash.nasional(lang)
        elif path.startswith("/wilayah/"):
            page = dash.region(path.removeprefix("/wilayah/"), lang)
        else:
            page = dash.tps(path.removeprefix("/tps/"), lang)
        assert page.status == 200, path
        yield page
        todo += re.findall(r'href="(/(?:wilayah|tps)/\d+)"', page.body)
    for kind in ("", *ANOMALY_TYPES):
        yield dash.anomali(lang, kind)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_count_shown_with_a_link_is_the_length_of_the_list_it_links_to(
    dash: Dashboard, lang: Lang
) -> None:
    """A night of every case: on every page, each number that links to an Anomali list
    is exactly how many items that list has (the national page said "ditandai 1"
    while /anomali?type=flag listed 0)."""
    checked: Counter[str] = Counter()
    for page in every_page(dash, lang):
        for href, count in COUNTED.findall(page.body):
            url = urlsplit(html.unescape(href))
            assert url.path == "/anomali", href
            query = dict(parse_qsl(url.query))
            listed = dash.anomali(lang, query.get("type", ""), query["region"])
            assert len(listed.data["anomalies"]) == int(count), (page.data.get("source"), href)
            assert f"{number(int(count), lang)} " in text_of(listed)  # "N anomali (N ...)"
            checked[query.get("type", "all")] += 1
    assert set(checked) == {"all", *ANOMALY_TYPES}  # every kind was linked somewhere
    nation = dash.nasional(lang).body
    for kind in ("inconsistent", "flag"):  # the TPS counters link their lists
        assert f'href="/anomali?type={kind}&amp;region=0" data-count="1">1</a>' in nation


def test_findings_roll_up_from_the_kecamatan_to_the_nation(dash: Dashboard) -> None:
    """The D.Hasil inflated at kecamatan GAMBIR is said on every page above it, in words,
    with a link down to it."""
    for code in ("0", "31", "3173", "317301"):
        page = dash.region(code, "id") if code != "0" else dash.nasional("id")
        findings = text_of(Page("", "", Markup(section(page.body, "findings")), {}))
        assert "1 kecamatan: D.Hasil berbeda dengan jumlah formulirnya" in findings, code
        assert "Kecamatan GAMBIR" in findings and "+37 suara paslon 02, +37 suara sah" in findings
        assert 'href="/wilayah/317301"' in section(page.body, "findings")
    english = text_of(dash.nasional("en"))
    assert "1 kecamatan: D.Hasil differs from its forms" in english
    assert "+37 votes for pair 02, +37 valid votes" in english
    assert "2 witness copies differ from the form in force, at 1 TPS" in english
    provinces = section(dash.nasional("id").body, "children")
    assert 'href="/anomali?type=recap-difference&amp;region=31" data-count="1"' in provinces
    assert "Tidak ada temuan" in text_of(dash.region("3201", "id"))


def test_the_kecamatan_recap_check_has_a_difference_column_and_a_sentence(
    dash: Dashboard,
) -> None:
    page = dash.region("317301", "en")
    recap = section(page.body, "recap")
    text = text_of(Page("", "", Markup(recap), {}))
    assert "This region's D.Hasil differs from the sum of the forms below it: +37 votes" in text
    assert "Sum of the forms" in text and "Difference (D.Hasil − forms)" in text
    assert re.search(r"votes for pair 02\s+340\s+377\s+\+37", text)
    assert "suara_paslon_02" not in recap and "suara_sah" not in recap  # words, not field names


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_history_row_says_what_the_recap_did_with_its_entry(
    dash: Dashboard, site: Site, lang: Lang
) -> None:
    """Held, counted, replaced, a witness copy: as the TPS's status says (a held form
    was labelled "dihitung")."""
    outcomes = {}
    for tps in site.book.iter_tps():
        page = dash.tps(tps, lang)
        if page.data["tps"]["status"] == "missing":
            assert 'id="history"' not in page.body
            continue
        history = section(page.body, "history")
        found = re.findall(r'data-outcome="([a-z-]+)"', history)
        outcomes[tps] = found
        state = page.data["tps"]
        in_force = [h["outcome"] for h in page.data["history"] if h["in_force"]]
        assert in_force == ["counted" if state["counted"] else "held"], tps
        assert found.count("counted") + found.count("held") == 1
        assert found.count("replaced") == len(page.data["history"]) - 1, (
            "every form but the one in force"
        )
        assert sorted(c["outcome"] for c in page.data["copies"]) == sorted(
            o for o in found if o.startswith("copy-")
        )
    cases = site.cases
    assert outcomes[cases.inconsistent] == ["held"]
    assert outcomes[cases.corrected] == ["replaced", "counted"]
    assert outcomes[cases.disputed] == ["counted", "copy-differs", "copy-differs"]
    assert outcomes[cases.agreeing] == ["counted", "copy-agrees"]
    held_page = dash.tps(cases.inconsistent, "id")
    held = text_of(Page("", "", Markup(section(held_page.body, "history")), {}))
    assert "ditahan: tidak masuk total" in held and "dihitung dalam total" not in held
    english = text_of(dash.tps(cases.corrected, "en"))
    assert "replaced by correction 1: not counted" in english
    assert "in force: counted in the totals" in english


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
    typo = dash.search("GAMBIIR", "id").data["results"]  # doubled letter: the same name
    assert [r["code"] for r in typo[:2]] == ["317301", "3173011006"]


def test_search_finds_a_tps_by_number_and_place(dash: Dashboard, site: Site) -> None:
    for query in ("TPS 002 Gambir", "tps 2 gambir", "gambir TPS2"):
        page = dash.search(query, "id")
        first = page.data["results"][0]
        assert first == {
            "code": "3173011006002",
            "name": "TPS 002",
            "level": "tps",
            "within": "DKI JAKARTA › KOTA ADM. JAKARTA PUSAT › GAMBIR › GAMBIR",
            "page": "/tps/3173011006002",
        }, query
        assert 'href="/tps/3173011006002"' in page.body and "TPS 002" in text_of(page)
    assert [r["code"] for r in dash.search("tps 1", "en").data["results"]] == [
        code for code in site.book.hierarchy.iter_tps() if code.endswith("001")
    ]


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
    assert html.unescape(escaped) == display_text(text, newlines=True)  # text as it shows
    assert not set("<>\"'") & set(escaped)


def test_anomali_says_when_its_list_is_of_an_earlier_checkpoint(tmp_path: Path) -> None:
    """The anomalies are a throttled export: while latest.json is newer, the page says
    which checkpoint the list is of (and the twin names it), then stops saying so."""
    book, cases = scenario()
    book.correction(cases.inconsistent, book.true_form(cases.inconsistent))  # the last entry
    publisher = Publisher(tmp_path, durable=False)
    recap = Recap.replay(book.hierarchy, book.entries[:-1])
    earlier = len(book.entries) - 1
    publisher.publish(recap, _checkpoint(book, earlier), None, exports=True)
    recap.apply_entry(book.entries[-1])
    publisher.publish(recap, _checkpoint(book), recap.take_touched(), exports=False)
    dash = Dashboard(tmp_path, tmp_path / "log")
    said: dict[Lang, str] = {
        "id": f"checkpoint {earlier}, hasil di halaman lain sudah pada checkpoint {earlier + 1}",
        "en": f"checkpoint {earlier}, the results on the other pages are at checkpoint "
        f"{earlier + 1}",
    }
    for lang, words in said.items():
        page = dash.anomali(lang)
        assert page.data["checkpoint"]["tree_size"] == earlier + 1
        assert page.data["anomalies_checkpoint"]["tree_size"] == earlier
        assert words in text_of(page) and 'id="anomali-older"' in page.body
    publisher.publish(recap, _checkpoint(book), set(), exports=True)
    page = Dashboard(tmp_path, tmp_path / "log").anomali("id")
    assert page.data["anomalies_checkpoint"] == page.data["checkpoint"]
    assert 'id="anomali-older"' not in page.body
    assert cases.inconsistent not in {a.get("region") for a in page.data["anomalies"]}


def _checkpoint(book: Logbook, size: int | None = None) -> Checkpoint:
    entries = book.entries[:size]
    return Checkpoint(book.origin, len(entries), root(leaf_hash(e) for e in entries))


# --- language: Indonesian pages in Indonesian, names before codes, local times ---------

ENGLISH = re.compile(
    r"\b(impossible|suspicious|witness(es)?|cosign\w*|cop(y|ies)|differs?|agrees?|counted|"
    r"reported|flagged|inconsistent|corrections?|votes?|valid|invalid|voters|the|and|of|not|"
    r"from|published|source|entry|region|district|village|rules?|broken|reason)\b",
    re.IGNORECASE,
)
WITNESS_INFO = LogInfo(
    "http://127.0.0.1:8080",
    "origin+abcd1234+AAAA",
    (("bawaslu.example/w1", "http://w1.example", "bawaslu.example/w1+01234567+AAAA"),),
    1,
    configured=True,
)


def reader_text(document: str) -> str:
    """What a reader reads in Indonesian: the text without code, preformatted commands,
    hashes and anything marked as another language (the switch to English)."""
    document = re.sub(r"<(code|pre)\b.*?</\1>", " ", document, flags=re.DOTALL)
    document = re.sub(r'<a [^>]*lang="en"[^>]*>.*?</a>', " ", document)
    document = re.sub(r"<(script|style|head)\b.*?</\1>", " ", document, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", document))


def test_no_indonesian_page_has_english_words(dash: Dashboard, site: Site) -> None:
    pages = [
        *every_page(dash, "id"),  # every region and TPS reached by links, every Anomali list
        dash.verifikasi("id", WITNESS_INFO),
        *(dash.search(query, "id") for query in ("gambir", "tps 1 gambir", "zzz-nowhere", "")),
        dash.region("9999", "id"),
        dash.tps("3173011006999", "id"),
    ]
    for page in pages:
        document = dash.html(page, "id", path="/", query={})
        found = ENGLISH.findall(reader_text(document))
        assert not found, f"{page.kind} {page.title}: English on an Indonesian page: {found}"
        assert "[U+" not in document, f"{page.kind} {page.title}: own text neutralised"


def test_tps_page_gives_each_broken_rule_with_the_forms_own_numbers(
    dash: Dashboard, site: Site
) -> None:
    from saksi.election.rules import check_reading

    for lang in ("id", "en"):
        page = dash.tps(site.cases.inconsistent, lang)
        values = page.data["tps"]["values"]
        broken = check_reading(values)
        assert {v.rule for v in broken} >= {"suara-sah"}
        text = text_of(page)
        for v in broken:
            assert (v.message_en if lang == "en" else v.message_id) in text
        assert ("impossible: not counted" if lang == "en" else "mustahil: tidak dihitung") in text


def test_anomali_names_places_rules_and_boxes_with_their_codes(dash: Dashboard) -> None:
    text = text_of(dash.anomali("id"))
    assert "Kecamatan GAMBIR 317301" in " ".join(text.split())
    assert "TPS 002, SENAYAN" in text and "3171011001002" in text
    assert "Formulir V.A = jumlah suara sah semua paslon (IV)." in text and "suara-sah" in text
    assert "suara paslon 02: D.Hasil 377 · jumlah formulir 340 (+37)" in text
    assert "suara_paslon" not in text  # boxes by their names, not the field names
    english = " ".join(text_of(dash.anomali("en")).split())
    assert "District GAMBIR 317301" in english
    assert "votes for pair 01: copy 70 · form 65 (+5)" in english


def test_times_are_in_the_provinces_zone_and_named(dash: Dashboard, site: Site) -> None:
    from saksi.dashboard.times import PROVINCE_ZONE, zone
    from saksi.election.synthetic import PROVINCES

    assert {p.code for p in PROVINCES} == set(PROVINCE_ZONE)  # every province has its zone
    assert zone("3173011006001") == ("WIB", 7) and zone("7371") == ("WITA", 8)
    assert zone("64") == ("WITA", 8) and zone("62") == ("WIB", 7) and zone("94") == ("WIT", 9)
    assert zone("0") == zone(None) == zone("9901") == ("UTC", 0)
    page = dash.tps(site.cases.agreeing, "id")  # in DKI Jakarta: WIB
    at = datetime.fromisoformat(page.data["history"][0]["at"])  # the statement's, UTC
    wib = at.astimezone(timezone(timedelta(hours=7)))
    shown = f'<time datetime="{wib.isoformat()}" title="UTC+7">{wib:%Y-%m-%d %H:%M:%S} WIB</time>'
    assert shown in page.body
    assert re.search(r"Diterbitkan <time [^>]*>[-0-9 :]+ WIB</time>", page.body)
    assert re.search(r"Diterbitkan <time [^>]*>[-0-9 :]+ UTC</time>", dash.nasional("id").body)


def test_the_home_page_names_the_election(dash: Dashboard, site: Site) -> None:
    manifest = parse_entry(site.book.entries[0]).stmt
    name = getattr(manifest, "name", "")
    assert name.strip()
    page = dash.nasional("id")
    assert esc(name) in page.body.split("</h1>")[0]
    assert page.title == name


def test_the_logs_witnesses_are_pemantau_in_indonesian(dash: Dashboard) -> None:
    text = text_of(dash.verifikasi("id", WITNESS_INFO))
    assert "Pemantau yang dikonfigurasi" in text and "bukan saksi partai" in text
    assert "Saksi (witness)" not in text
    assert "Configured witnesses" in text_of(dash.verifikasi("en", WITNESS_INFO))


@given(st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True))
def test_numbers_need_no_escaping(value: int, share: float) -> None:
    from saksi.dashboard.html import num, pct

    for lang in ("id", "en"):
        assert num(value, lang) == esc(num(value, lang))
        assert pct(share, lang) == esc(pct(share, lang))
    assert num("<b>", "id") == "–"


# --- a format v2 log: legislative entries between the PPWP ones ------------------------


@pytest.fixture(scope="module")
def v2_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(tmp_path_factory.mktemp("v2-site"), legislative=True)


_INDICES = frozenset({"index", "original", "current", "copy_index", "form_index", "replaces"})
_NAMING_THE_LOG = frozenset({"checkpoint", "anomalies_checkpoint", "leaf_hash", "receipt"})


def _checkpoint_free(value: object, ranks: dict[int, int]) -> object:
    """A page's twin with what names the log set aside (its checkpoint, the entries'
    hashes, the generation in a file's path) and every entry index read as the PPWP
    statement it points at (``ranks``): for pages of two logs of one night."""
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for key, item in value.items():
            if key in _NAMING_THE_LOG:
                continue
            if key in _INDICES and isinstance(item, int):
                out[key] = ranks[item]
            elif key == "corrections" and isinstance(item, list):
                out[key] = [ranks[i] for i in item]
            elif key == "entry" and isinstance(item, str):
                out[key] = ranks[int(item.removeprefix("/v1/entries/"))]
            elif key in ("source", "href") and isinstance(item, str):
                out[key] = re.sub(r"^(/results/)?\d+/", "<N>/", item)
            else:
                out[key] = _checkpoint_free(item, ranks)
        return out
    if isinstance(value, list):
        return [_checkpoint_free(item, ranks) for item in value]
    return value


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_v2_logs_pages_show_ppwp_as_the_log_without_its_legislative_entries(
    v2_site: Site, site: Site, lang: Lang
) -> None:
    """A format v2 publication with legislative entries of every kind renders every
    PPWP page with the PPWP numbers, statuses, histories and findings of the same night
    logged as format v1; it adds only the contest switch (``contests``) and, on a TPS
    page, the legislative contests' sections (``legislative``)."""
    v2, v1 = Dashboard(v2_site.results, v2_site.log), Dashboard(site.results, site.log)
    latest = json.loads((v2_site.results / "latest.json").read_text())
    assert list(latest["contests"]) == ["ppwp"] and latest["contests_file"]
    summary = json.loads((v2_site.results / latest["summary"]).read_text())
    assert [c["contest"] for c in summary["legislative"]] == [
        "dpr", "dpd", "dprd-prov", "dprd-kabkota",
    ]  # fmt: skip
    assert list(latest["legislative"]) == [c["contest"] for c in summary["legislative"]]
    pages = list(every_page(v2, lang))  # every region and TPS page: status 200
    expected = list(every_page(v1, lang))
    assert [p.kind for p in pages] == [p.kind for p in expected]
    ranks, v1_ranks = ppwp_ranks(v2_site.book.entries), ppwp_ranks(site.book.entries)
    for page, same in zip(pages, expected, strict=True):
        assert "contests" in page.data and "contests" not in same.data
        assert ("legislative" in page.data) == (page.kind == "tps")
        # the citation and the downloads name the log's checkpoint and generation
        ppwp = {
            k: v
            for k, v in page.data.items()
            if k not in ("contests", "legislative", "journalists", "cite")
        }
        v1_data = {k: v for k, v in same.data.items() if k not in ("journalists", "cite")}
        assert _checkpoint_free(ppwp, ranks) == _checkpoint_free(v1_data, v1_ranks)
        assert page.title == same.title
    tps = v2_site.cases.agreeing  # every ballot of it has a form, a copy, a correction
    history = v2.tps(tps, lang).data["history"]
    assert [(h["type"], h["index"]) for h in history] == [
        ("c-hasil", v2_site.book.in_force[tps][0])
    ]
    for extra in (
        v2.verifikasi(lang, INFO),
        v2.search("gambir", lang),
    ):
        assert extra.status == 200
    assert v2.html(v2.nasional(lang), lang, path="/", query={})
