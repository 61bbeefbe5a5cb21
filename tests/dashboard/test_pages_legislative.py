"""The five ballots on the dashboard: the legislative contests' region and dapil pages,
the contest switch, candidate search and a TPS's forms of every contest, rendered from
a small published format v2 night (tests/dashboard/factory.py, ``legislative=True``:
every kind of legislative entry between the PPWP statements; no server, no browser)."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi import FastAPI

from saksi.dashboard import Dashboard, Page
from saksi.dashboard.strings import Lang, number, pick
from saksi.election.rule_catalog import field_label
from saksi.service.routes_dashboard import CSP, router
from tests.dashboard.factory import Site, build
from tests.dashboard.test_pages import ENGLISH, reader_text, text_of
from tests.service.conftest import AppClient

LEGISLATIVE = ("dpr", "dpd", "dprd-prov", "dprd-kabkota")
TPS_ALL = "3201012001001"  # in Jawa Barat: all five ballots
SWITCH = re.compile(r'<nav class="contests"[^>]*>(.*?)</nav>', re.DOTALL)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(tmp_path_factory.mktemp("v2"), legislative=True)


@pytest.fixture(scope="module")
def dash(site: Site) -> Dashboard:
    return Dashboard(site.results, site.log)


def read(site: Site, relpath: str) -> Any:
    return json.loads((site.results / relpath).read_text(encoding="utf-8"))


def latest(site: Site) -> dict[str, Any]:
    doc: dict[str, Any] = read(site, "latest.json")
    return doc


def switch_links(page: Page) -> list[tuple[str, bool]]:
    """(href, current) of each link of the page's contest switch."""
    found = SWITCH.search(page.switch)
    assert found, page.title
    return [
        (html.unescape(href), "aria-current" in attrs)
        for href, attrs in re.findall(r'<a href="([^"]+)"([^>]*)>', found.group(1))
    ]


def legislative_pages(dash: Dashboard, contest: str, lang: Lang = "id") -> list[Page]:
    """The contest's nation page, then every region page reached by its links."""
    todo, seen, out = ["0"], set(), []
    while todo:
        code = todo.pop(0)
        if code in seen:
            continue
        seen.add(code)
        page = dash.legislative(contest, code, lang)
        assert page.status == 200, (contest, code)
        out.append(page)
        todo += re.findall(rf'href="/{contest}/wilayah/(\d+)"', page.body)
    return out


# --- region pages -------------------------------------------------------------------


@pytest.mark.parametrize("contest", LEGISLATIVE)
def test_every_region_page_shows_the_snapshot_it_was_built_from(
    dash: Dashboard, site: Site, contest: str
) -> None:
    pages = legislative_pages(dash, contest)
    assert len(pages) >= 1 + 2 + 3  # the nation, both provinces, their kab/kota, ...
    for page in pages:
        source = page.data["source"].removeprefix("/results/")
        snap = read(site, source)
        assert page.data["snapshot"] == snap
        assert page.data["contest"] == contest and page.data["format"] == "saksi-dashboard/1"
        text = text_of(page)
        progress = snap["progress"]
        received, expected = number(progress["received"], "id"), number(progress["expected"], "id")
        assert f"{received} dari {expected}" in text
        for party, votes in (snap["totals"].get("partai") or {}).items():  # A.1 and B shown
            row = re.search(
                rf"<tr><td data-label=\"Partai\">{party} · [^<]*</td>(.*?)</tr>", page.body
            )
            assert row, (contest, party)
            cells = re.findall(r">([^<>]+)</td>", row.group(1))
            assert cells[:2] == [
                number(votes["suara_partai"], "id"),
                number(votes["suara_sah_partai"], "id"),
            ]
        for child in snap.get("children", ()):
            if child["level"] != "tps":
                assert f'href="/{contest}/wilayah/{child["code"]}"' in page.body
            else:
                assert f'href="/tps/{child["code"]}#pemilihan-{contest}"' in page.body


def test_a_region_page_gives_the_seats_of_its_dapil_from_the_seats_files(
    dash: Dashboard, site: Site
) -> None:
    files = latest(site)["legislative"]
    nation = read(site, files["dprd-prov"]["seats"])
    province = read(site, nation["units_href"]["32"])
    page = dash.legislative("dprd-prov", "32", "id")
    assert page.data["seats"]["region_seats"] == province["parties"]
    assert page.data["seats"]["dapil"] == ["320001"]
    assert 'href="/dprd-prov/dapil/320001"' in page.body
    assert f"{number(province['seats'], 'id')} kursi" in text_of(page)
    # the ties of the dapil are findings, each with the rule applied
    ties = [t for t in province["ties"] if t["dapil"] == "320001"]
    assert ties and page.data["seats"]["ties"] == ties
    findings = text_of(page)[text_of(page).index("Temuan") :]
    for tie in ties:
        assert tie["rule_id"] in findings
    # DPR's seats nationally: every dapil listed with what it won
    dpr = dash.legislative("dpr", "0", "en")
    for dapil in read(site, files["dpr"]["seats"])["dapil_status"]:
        assert f'href="/dpr/dapil/{dapil}"' in dpr.body


def test_children_name_their_leading_party(dash: Dashboard, site: Site) -> None:
    page = dash.legislative("dpr", "0", "en")
    contests = dash.published.contests(latest(site))
    assert contests is not None
    names = {p.number: p.name for p in contests.parties}
    for child in page.data["snapshot"]["children"]:
        partai = child["totals"]["partai"]
        best = max(partai, key=lambda p: (partai[p]["suara_sah_partai"], -int(p)))
        if partai[best]["suara_sah_partai"]:
            name = names[best]
            row = re.search(rf'href="/dpr/wilayah/{child["code"]}".*?</tr>', page.body)
            assert row and f"{best} · {html.escape(name)}" in row.group(0)


# --- the switch -----------------------------------------------------------------------


def test_the_switch_links_the_same_region_in_each_contest(dash: Dashboard) -> None:
    assert switch_links(dash.nasional("id")) == [
        ("/", True), ("/dpr", False), ("/dpd", False), ("/dprd-prov", False),
        ("/dprd-kabkota", False),
    ]  # fmt: skip
    assert switch_links(dash.region("3201", "id")) == [
        ("/wilayah/3201", True), ("/dpr/wilayah/3201", False), ("/dpd/wilayah/3201", False),
        ("/dprd-prov/wilayah/3201", False), ("/dprd-kabkota/wilayah/3201", False),
    ]  # fmt: skip
    jakarta = switch_links(dash.region("3171", "id"))  # no DPRD Kab/Kota in DKI Jakarta
    assert [href for href, _ in jakarta] == ["/wilayah/3171", "/dpr/wilayah/3171",
        "/dpd/wilayah/3171", "/dprd-prov/wilayah/3171"]  # fmt: skip
    assert "DPRD Kab/Kota (tidak ada di sini)" in dash.region("3171", "id").switch
    page = dash.legislative("dpd", "3201", "en")
    assert ("/dpd/wilayah/3201", True) in switch_links(page)
    assert ("/wilayah/3201", False) in switch_links(page)
    assert [c["contest"] for c in page.data["contests"]] == ["ppwp", *LEGISLATIVE]
    for other in (dash.search("gambir", "id"), dash.dapil("dpr", "3102", "id")):
        assert [href for href, _ in switch_links(other)] == ["/", *(f"/{c}" for c in LEGISLATIVE)]
    # the Anomali page's switch goes to each contest's Anomali page, its region kept
    assert switch_links(dash.anomali("id", region="32", contest="dpr")) == [
        ("/anomali?region=32", False),
        *((f"/{c}/anomali?region=32", c == "dpr") for c in LEGISLATIVE),
    ]


def test_the_main_navigation_leads_to_the_shown_contests_nation(dash: Dashboard) -> None:
    nav = re.compile(r'<nav aria-label="Navigasi utama"><ul><li><a href="([^"]+)"')
    for page, home in (
        (dash.legislative("dpr", "32", "id"), "/dpr"),
        (dash.dapil("dpd", "31", "id"), "/dpd"),
        (dash.region("32", "id"), "/"),
        (dash.tps(TPS_ALL, "id"), "/"),
    ):
        found = nav.search(dash.html(page, "id", path="/", query={}))
        assert found and found.group(1) == home, page.title
    # its Anomali link is the contest's own list
    for page, listed in (
        (dash.legislative("dpr", "32", "id"), "/dpr/anomali"),
        (dash.anomali("id", contest="dpd"), "/dpd/anomali"),
        (dash.region("32", "id"), "/anomali"),
    ):
        rendered = dash.html(page, "id", path="/", query={})
        assert f'<li><a href="{listed}"' in rendered.split("</nav>")[0], page.title


def test_a_ppwp_only_publication_has_no_switch_and_no_legislative_pages(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    v1 = build(tmp_path_factory.mktemp("v1"))
    dash = Dashboard(v1.results, v1.log)
    for page in (dash.nasional("id"), dash.region("3201", "id"), dash.tps(v1.cases.agreeing, "id")):
        assert page.switch == "" and "contests" not in page.data and "legislative" not in page.data
        assert 'class="contests"' not in dash.html(page, "id", path="/", query={})
    for contest in LEGISLATIVE:
        assert dash.legislative(contest, "0", "id").status == 404
        assert dash.dapil(contest, "3101", "id").status == 404
    assert "candidates" not in dash.search("eko", "id").data


# --- dapil pages ----------------------------------------------------------------------


def every_dapil(site: Site) -> list[tuple[str, str]]:
    files = latest(site)["legislative"]
    return [(c, d) for c in files for d in read(site, files[c]["seats"])["dapil_href"]]


def test_every_dapil_page_marks_exactly_the_elected_of_the_seats_file(
    dash: Dashboard, site: Site
) -> None:
    pairs = every_dapil(site)
    assert {c for c, _ in pairs} == set(LEGISLATIVE)
    for contest, dapil in pairs:
        page = dash.dapil(contest, dapil, "id")
        assert page.status == 200 and page.kind == "dapil", (contest, dapil)
        nation = read(site, latest(site)["legislative"][contest]["seats"])
        elected = {f"{e['party']}:{e['number']}" for e in nation["elected"] if e["dapil"] == dapil}
        marked = set(re.findall(r'data-candidate="([^"]+)" data-elected', page.body))
        assert marked == elected, (contest, dapil)
        doc = read(site, page.data["source"].removeprefix("/results/"))
        assert page.data["dapil"] == doc and doc["dapil"]["code"] == dapil
        assert len(elected) == sum(doc["seats"].values()) - len(doc["unfilled"])
        for tie in doc["ties"]:
            assert tie["rule_id"] in text_of(page)


def test_each_partys_candidates_are_in_order_of_votes(dash: Dashboard, site: Site) -> None:
    page = dash.dapil("dpr", "3102", "en")
    doc = page.data["dapil"]
    votes = {f"{c['party']}:{c['number']}": c["votes"] for c in doc["candidates"]}
    for party in doc["totals"]["partai"]:
        shown = re.findall(rf'data-candidate="({party}:\d+)"', page.body)
        assert shown and len(shown) == sum(1 for k in votes if k.startswith(f"{party}:"))
        keys = [(-votes[k], int(k.split(":")[1])) for k in shown]
        assert keys == sorted(keys), party
    won = [p for p, s in doc["seats"].items() if s]
    for party in doc["totals"]["partai"]:  # the parties with a seat are open
        opening = re.search(rf'<details class="party" id="partai-{party}"( open)?>', page.body)
        assert opening and bool(opening.group(1)) == (party in won)


def test_the_dpd_page_of_a_province_lists_its_candidates_and_the_four_elected(
    dash: Dashboard,
) -> None:
    page = dash.dapil("dpd", "31", "id")
    shown = re.findall(r'data-candidate=":(\d+)"( data-elected)?', page.body)
    votes = {c["number"]: c["votes"] for c in page.data["dapil"]["candidates"]}
    assert [int(n) for n, _ in shown] == sorted(votes, key=lambda n: (-votes[n], n))
    assert [int(n) for n, e in shown if e] == [int(n) for n, _ in shown][:4]
    assert "Eko Rahman, S.Sos." in text_of(page)
    assert "sementara" in text_of(page)  # a TPS is missing: provisional, and why
    assert "TPS belum masuk" in text_of(page)


def test_unknown_dapil_contest_and_region_are_404(dash: Dashboard) -> None:
    assert dash.dapil("dpr", "9999", "id").status == 404
    assert dash.dapil("dpr", "320101", "id").status == 404  # a dapil of another contest
    assert dash.dapil("ppwp", "3101", "id").status == 404
    assert dash.legislative("dpr", "9999", "id").status == 404
    assert dash.legislative("nope", "0", "id").status == 404
    assert dash.legislative("ppwp", "0", "id").status == 404


# --- search ---------------------------------------------------------------------------


def test_search_finds_a_candidate_by_name_and_links_its_dapil(dash: Dashboard) -> None:
    for query in ("Eko Rahman", "eko rahman", "EKO RAHMAN", "Ekko Rahman"):
        found = dash.search(query, "id").data["candidates"]
        assert found and found[0]["name"] == "Eko Rahman, S.Sos.", query
        assert found[0]["page"] == "/dpd/dapil/31#calon-1"
    page = dash.search("Soesanto", "en")  # an old spelling finds Susanto
    assert any("Susanto" in c["name"] for c in page.data["candidates"])
    first = page.data["candidates"][0]
    path, anchor = first["page"].split("#")
    assert path == f"/{first['contest']}/dapil/{first['dapil']}"
    target = dash.dapil(first["contest"], first["dapil"], "en")
    assert f'id="{anchor}"' in target.body and html.escape(first["name"]) in target.body
    assert f'href="{html.escape(first["page"])}"' in page.body
    assert dash.search("zzz-nowhere", "id").data["candidates"] == []


# --- the TPS page ---------------------------------------------------------------------


def test_the_tps_page_shows_the_form_of_every_contest(dash: Dashboard, site: Site) -> None:
    tps = TPS_ALL
    page = dash.tps(tps, "id")
    assert switch_links(page) == [
        ("#pemilihan-ppwp", False),
        *((f"#pemilihan-{c}", False) for c in LEGISLATIVE),
    ]
    assert list(page.data["legislative"]) == list(LEGISLATIVE)
    ballots = page.body[page.body.index('id="ballots"') : page.body.index('id="pemilihan-ppwp"')]
    for contest in ("ppwp", *LEGISLATIVE):  # each contest's status, a link to its numbers
        assert f'href="#pemilihan-{contest}"' in ballots
    assert ballots.count("tidak konsisten") == 1  # DPRD Kab/Kota's form is held here
    for contest, part in page.data["legislative"].items():
        assert f'id="pemilihan-{contest}"' in page.body
        desa = read(site, part["source"].removeprefix("/results/"))
        listed = next(t for t in desa["children"] if t["code"] == tps)
        assert part["tps"] == listed
        assert f'href="/{contest}/dapil/{listed["dapil"]}"' in page.body
        section = page.body[page.body.index(f'id="pemilihan-{contest}"') :]
        values = listed["values"]
        assert values is not None
        for name, value in values.items():  # every box of the form in force, per party
            if name.startswith("suara_sah_partai_"):
                assert f"· B {number(value, 'id')}</summary>" in section
        indices = [h["index"] for h in part["history"]]
        entries = listed["entries"]
        assert indices == [entries["original"], *entries["corrections"]]
        for index in indices:
            assert f'href="/v1/entries/{index}"' in section


def test_the_tps_page_history_of_a_legislative_correction_and_copies(dash: Dashboard) -> None:
    page = dash.tps("3171011001001", "en")  # DKI Jakarta: no DPRD Kab/Kota ballot
    assert ("#pemilihan-dprd-kabkota", False) not in switch_links(page)
    assert "DPRD Kab/Kota (not held here)" in page.switch
    dpr = page.data["legislative"]["dpr"]
    assert [h["type"] for h in dpr["history"]] == ["c-hasil", "correction"]
    assert [h["outcome"] for h in dpr["history"]] == ["replaced", "held"]
    assert dpr["history"][1]["reason"] in text_of(page)
    copy = dpr["copies"][0]
    assert copy["outcome"] == "copy-differs" and copy["differences"]
    section = page.body[
        page.body.index('id="pemilihan-dpr"') : page.body.index('id="pemilihan-dpd"')
    ]
    held = dpr["tps"]
    assert held["status"] == "inconsistent" and held["violations"]
    for code in held["violations"]:  # each broken rule with the form's own numbers
        assert f"<code>{code}</code>" in section
    numbers = re.findall(r"class='rule-numbers'>([^<]*)<", section)
    assert len(numbers) >= len(held["violations"])
    assert "total votes 259 &gt; all who voted (J) 258" in numbers
    assert section.count('class="num bad"') >= 2  # the boxes of the impossible rules
    said = [html.unescape(m) for m in re.findall(r"<li>([^<]*)</li>", section)]
    assert said == [  # the copy's differing boxes, the party named from the contests file
        f"Witness 1 · Partai Kebangkitan Bangsa: {pick(field_label(f), 'en')} = "
        f"{copy['values'][f]} (form: {held['values'][f]})"
        for f in copy["differences"]
    ]
    dpd = page.data["legislative"]["dpd"]["copies"][0]
    assert str(dpd["candidate"]) == "1" and dpd["outcome"] == "copy-agrees"
    assert "Witness of candidate 1 · " in text_of(page)  # its name from the contests file
    assert "1 witness copy agrees with the form: Witness of candidate 1 · " in text_of(page)


# --- language, routes -----------------------------------------------------------------


def test_no_indonesian_legislative_page_has_english_words(dash: Dashboard, site: Site) -> None:
    pages = [
        *(p for c in LEGISLATIVE for p in legislative_pages(dash, c)),
        *(dash.dapil(c, d, "id") for c, d in every_dapil(site)),
        dash.tps(TPS_ALL, "id"),
        dash.tps("3171011001001", "id"),
        dash.search("eko", "id"),
    ]
    for page in pages:
        document = dash.html(page, "id", path="/", query={})
        found = ENGLISH.findall(reader_text(document))
        assert not found, f"{page.kind} {page.title}: English on an Indonesian page: {found}"


def client(site: Site) -> AppClient:
    """The dashboard's routes alone, in this process, over ``site``'s files."""
    app = FastAPI()
    app.include_router(router)
    config = SimpleNamespace(results_dir=site.results, log_dir=site.log)
    app.state.service = SimpleNamespace(config=config)
    app.state.dashboard = Dashboard(site.results, site.log)
    return AppClient(app)


def test_the_routes_and_their_json_twins(site: Site) -> None:
    with client(site) as http:
        for path in ("/dpr", "/dpr/wilayah/32", "/dpd/dapil/31", "/dprd-kabkota/dapil/320101"):
            page = http.get(path)
            assert page.status_code == 200, path
            assert page.headers["content-security-policy"] == CSP
            assert 'class="contests"' in page.text
            twin = http.get(path + ".json").json()
            assert twin["format"] == "saksi-dashboard/1" and twin["contest"] == path.split("/")[1]
            assert http.get(path, headers={"accept": "application/json"}).json() == twin
        assert http.get("/dprd-prov.json").json()["page"] == "nasional"
        for missing in ("/dpr/dapil/9999", "/dpr/wilayah/9999", "/ppwp/wilayah/32", "/dpx"):
            assert http.get(missing).status_code == 404, missing
        error = http.get("/dpr/dapil/9999.json")
        assert error.status_code == 404 and error.json()["error"]["code"] == "http.not-found"
        english = http.get("/dpr/dapil/3102?lang=en")
        assert "Candidates" in english.text and "/dpr/dapil/3102.json" in english.text


def test_every_legislative_page_escapes_what_it_shows(tmp_path: Path, site: Site) -> None:
    """Every text from the published files goes through esc: no page holds a tag that
    the page builders do not write."""
    dash = Dashboard(site.results, site.log)
    allowed = {
        "a", "br", "caption", "code", "details", "div", "figcaption", "figure", "h1", "h2",
        "h3", "h4", "h5", "li", "nav", "ol", "p", "rect", "section", "span", "strong",
        "summary", "svg", "table", "tbody", "td", "th", "thead", "time", "tr", "ul", "dl",
        "dt", "dd", "img",
        # the map and the charts (saksi.dashboard.svgmap, charts): SVG shapes, cards
        "article", "circle", "defs", "g", "path", "pattern", "text", "title",
        # the TPS page: its script (from /static only) and its "Periksa bukti" buttons
        "button", "script",
    }  # fmt: skip
    pages = [dash.dapil(c, d, "id") for c, d in every_dapil(site)]
    pages += [dash.legislative(c, "0", "id") for c in LEGISLATIVE]
    pages.append(dash.tps(TPS_ALL, "id"))
    for page in pages:
        tags = set(re.findall(r"<([a-z0-9]+)[\s>]", page.body + page.switch))
        assert tags <= allowed, tags - allowed
        scripts = re.findall(r"<script[^>]*>", page.body)
        assert all(re.fullmatch(r'<script src="/static/tps-[0-9a-f]{12}\.js" defer>', s)
                   for s in scripts), scripts  # fmt: skip


def test_without_the_contests_file_the_pages_show_numbers_for_names(
    tmp_path: Path, site: Site
) -> None:
    """The contests file is only for names: without it (unreadable, not mirrored) every
    page still renders from the results, parties and candidates by their numbers."""
    shutil.copytree(site.results, tmp_path / "results")
    (tmp_path / "results" / latest(site)["contests_file"]).unlink()
    dash = Dashboard(tmp_path / "results", site.log)
    region = dash.legislative("dpr", "32", "id")
    assert region.status == 200 and "Partai Kebangkitan Bangsa" not in region.body
    dapil = dash.dapil("dpr", "3201", "id")
    assert dapil.status == 200
    for elected in dapil.data["dapil"]["elected"]:  # the dapil file names them itself
        assert html.escape(elected["name"]) in dapil.body
    assert dash.tps(TPS_ALL, "id").status == 200
    assert "candidates" not in dash.search("eko", "id").data
