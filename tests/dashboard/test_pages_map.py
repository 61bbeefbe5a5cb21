"""The map and the charts on the pages: the nation's and a province's map of PPWP and
DPR (links down in the same contest, the layer switch, the integrity layer, the legend
and the table twin), the progress and share bars, the children's cards and the
parliament charts, and the JSON twins that carry what they were drawn from. Rendered
from the small published format v2 night (tests/dashboard/factory.py, no browser)."""

from __future__ import annotations

import html
import re
from typing import Any
from xml.etree import ElementTree

import pytest

from saksi.dashboard import Dashboard, Page
from saksi.dashboard.palette import integrity_level
from saksi.dashboard.strings import number
from tests.dashboard.factory import Site, build
from tests.dashboard.test_pages import section
from tests.dashboard.test_pages_legislative import client, latest, read

SVG_MAP = re.compile(r'<svg class="map".*?</svg>', re.DOTALL)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(tmp_path_factory.mktemp("v2-map"), legislative=True)


@pytest.fixture(scope="module")
def dash(site: Site) -> Dashboard:
    return Dashboard(site.results, site.log)


def the_map(page: Page) -> str:
    found = SVG_MAP.search(page.body)
    assert found, page.title
    ElementTree.fromstring(found.group(0))  # well formed
    return found.group(0)


def map_links(page: Page) -> dict[str, str]:
    """href -> the region's title, for every region of the page's map."""
    return {
        html.unescape(href): html.unescape(title)
        for href, title in re.findall(r'<a href="([^"]+)"><title>([^<]*)</title>', the_map(page))
    }


def layer_links(page: Page) -> list[tuple[str, bool]]:
    nav = re.search(r'<nav class="layers"[^>]*>(.*?)</nav>', page.body, re.DOTALL)
    assert nav, page.title
    return [
        (html.unescape(href), "aria-current" in attrs)
        for href, attrs in re.findall(r'<a href="([^"]+)"([^>]*)>', nav.group(1))
    ]


PAGES = {  # (contest, code) -> the page's own address
    ("ppwp", "0"): "/",
    ("ppwp", "31"): "/wilayah/31",
    ("dpr", "0"): "/dpr",
    ("dpr", "32"): "/dpr/wilayah/32",
}


def page_of(dash: Dashboard, contest: str, code: str, layer: str | None = None) -> Page:
    if contest == "ppwp":
        return dash.nasional("id", layer) if code == "0" else dash.region(code, "id", layer)
    return dash.legislative(contest, code, "id", layer)


def child_page(contest: str, code: str) -> str:
    return f"/wilayah/{code}" if contest == "ppwp" else f"/{contest}/wilayah/{code}"


@pytest.mark.parametrize(("contest", "code"), list(PAGES))
def test_the_map_links_every_child_to_its_page_in_the_same_contest(
    dash: Dashboard, contest: str, code: str
) -> None:
    page = page_of(dash, contest, code)
    children = page.data["snapshot"]["children"]
    links = map_links(page)
    assert set(links) == {child_page(contest, str(c["code"])) for c in children}
    for child in children:
        title = links[child_page(contest, str(child["code"]))]
        assert title.startswith(f"{child['name']}: "), title
    assert "Keterangan" in page.body and "Tabel peta" in page.body  # legend and twin
    twin = section(page.body, "map")
    for child in children:  # the table twin links each region too
        assert f'href="{child_page(contest, str(child["code"]))}"' in twin.split("twin")[-1]
    assert "cahyadsn/wilayah_boundaries" in twin  # the boundaries' credit
    here = PAGES[(contest, code)]
    assert layer_links(page) == [(here, True), (f"{here}?lapisan=integritas", False)]


@pytest.mark.parametrize(("contest", "code"), list(PAGES))
def test_the_map_is_coloured_by_the_leader_and_its_twin_says_so(
    dash: Dashboard, contest: str, code: str
) -> None:
    page = page_of(dash, contest, code)
    regions = {r["code"]: r for r in page.data["map"]["regions"]}
    assert page.data["map"]["layer"] == "hasil"
    for child in page.data["snapshot"]["children"]:
        r = regions[str(child["code"])]
        totals = child["totals"]
        if contest == "ppwp":
            votes = {p: int(v) for p, v in totals["suara_paslon"].items()}
            key = "paslon-{}"
        else:
            votes = {p: int(v["suara_sah_partai"]) for p, v in totals["partai"].items()}
            key = "partai-{}"
        best = max(sorted(votes, key=int), key=lambda p: votes[p])
        expected = key.format(best) if votes[best] else None
        assert r["leading"] == expected and r["category"] == (expected or "nodata")
        assert r["counted"] == child["progress"]["counted"]
        assert r["expected"] == child["progress"]["expected"]
        assert r["page"] == child_page(contest, str(child["code"]))
        if expected:
            share = 100 * votes[best] / int(totals["suara_sah"])
            assert r["leading_share"] == pytest.approx(share, abs=1e-3)


@pytest.mark.parametrize(("contest", "code"), list(PAGES))
def test_the_integrity_layer_shows_each_childs_gravest_finding(
    dash: Dashboard, contest: str, code: str
) -> None:
    page = page_of(dash, contest, code, "integritas")
    here = PAGES[(contest, code)]
    assert layer_links(page) == [(here, False), (f"{here}?lapisan=integritas", True)]
    links = map_links(page)
    children = page.data["snapshot"]["children"]
    assert set(links) == {
        child_page(contest, str(c["code"])) + "?lapisan=integritas" for c in children
    }  # drilling down keeps the layer
    regions = {r["code"]: r for r in page.data["map"]["regions"]}
    labels = {
        "none": "Tanpa temuan",
        "corrections": "Ada koreksi",
        "disputes": "Salinan saksi berbeda",
        "held": "Formulir ditahan",
        "dhasil": "D.Hasil berbeda",
    }
    for child in children:
        if "anomalies" in child:  # PPWP: the snapshot's counts
            level = integrity_level(child["anomalies"])
        else:  # legislative: the TPS counters
            counters = child["counters"]
            level = integrity_level(
                {
                    "inconsistent": counters["inconsistent"],
                    "witness-dispute": counters["witness_dispute"],
                    "correction": counters["corrected"],
                }
            )
        r = regions[str(child["code"])]
        assert r["integrity"] == level and r["category"] == f"integritas-{level}"
        title = links[child_page(contest, str(child["code"])) + "?lapisan=integritas"]
        assert title.startswith(f"{child['name']}: {labels[level]}")
        assert labels[level] in page.body  # in the legend too


def test_the_nation_shows_the_dhasil_difference_of_dki_jakarta(dash: Dashboard) -> None:
    """The D.Hasil inflated at kecamatan GAMBIR (DKI Jakarta) is the province's gravest
    finding; its title says the counts."""
    page = dash.nasional("id", "integritas")
    title = map_links(page)["/wilayah/31?lapisan=integritas"]
    assert title.startswith("DKI JAKARTA: D.Hasil berbeda")
    assert "D.Hasil berbeda: 1" in title and "ditahan: 1" in title
    assert 'data-key="integritas-dhasil"' in page.body


def test_a_province_map_is_its_kabkota_not_the_nation(dash: Dashboard) -> None:
    nation, province = the_map(dash.nasional("id")), the_map(dash.region("31", "id"))
    box = re.compile(r'viewBox="([^"]+)"')
    assert box.search(nation).group(1) != box.search(province).group(1)  # type: ignore[union-attr]
    assert nation.count("<path") == 38  # every province drawn, the two with data linked
    assert set(map_links(dash.region("31", "id"))) == {"/wilayah/3171", "/wilayah/3173"}


@pytest.mark.parametrize(
    ("contest", "code"), [("ppwp", "3173"), ("dpr", "3201"), ("ppwp", "317301")]
)
def test_below_a_province_no_map_but_a_card_per_child(
    dash: Dashboard, contest: str, code: str
) -> None:
    page = page_of(dash, contest, code)
    assert '<svg class="map"' not in page.body and "map" not in page.data
    children = page.data["snapshot"]["children"]
    block = section(page.body, "children")
    cards = re.findall(r'<article class="ch-card"><h3><a href="([^"]+)">', block)
    assert cards == [child_page(contest, str(c["code"])) for c in children]
    assert "children-table" in block  # the wide table stays beside them


def test_a_desa_lists_its_tps_in_the_table_alone(dash: Dashboard, site: Site) -> None:
    page = dash.region(site.cases.inconsistent[:10], "id")
    assert "ch-card" not in section(page.body, "children")


@pytest.mark.parametrize(("contest", "code"), list(PAGES))
def test_progress_and_shares_are_bars_with_their_numbers(
    dash: Dashboard, contest: str, code: str
) -> None:
    page = page_of(dash, contest, code)
    snap = page.data["snapshot"]
    progress = snap["progress"]
    done, expected = number(progress["counted"], "id"), number(progress["expected"], "id")
    assert f"<strong>{done} dari {expected} TPS</strong>" in page.body
    shares = re.findall(
        r'<li data-key="(paslon|partai)-(\d+)"><span class="ch-name">[^<]*</span> <svg.*?</svg> '
        r'<span class="ch-num"><strong>[^<]+</strong> \(([\d.]+) suara\)</span></li>',
        page.body,
    )
    totals = snap["totals"]
    if contest == "ppwp":
        expected_votes = {p: int(v) for p, v in totals["suara_paslon"].items()}
    else:
        expected_votes = {p: int(v["suara_sah_partai"]) for p, v in totals["partai"].items()}
    shown = {p: int(v.replace(".", "")) for _, p, v in shares}
    assert shown == expected_votes


def hemicycle(page: Page) -> str:
    found = re.search(r'<figure class="ch-seats[^"]*">.*?</figure>', page.body, re.DOTALL)
    assert found, page.title
    return found.group(0)


@pytest.mark.parametrize(
    ("contest", "code", "seats_file"),
    [
        ("dpr", "0", None),
        ("dprd-prov", "32", "32"),
        ("dprd-kabkota", "3201", "3201"),
        ("dpd", "31", "31"),
    ],
)
def test_seats_are_a_parliament_chart_marked_provisional(
    dash: Dashboard, site: Site, contest: str, code: str, seats_file: str | None
) -> None:
    nation = read(site, latest(site)["legislative"][contest]["seats"])
    doc: dict[str, Any] = (
        nation if seats_file is None else read(site, nation["units_href"][seats_file])
    )
    page = dash.legislative(contest, code, "id")
    chart = hemicycle(page)
    ElementTree.fromstring(chart)
    assert chart.count("<circle") == doc["seats"]
    assert doc["provisional"] and "sementara" in chart and "ch-seats prov" in chart
    if contest == "dpd":
        for member in doc["elected"]:
            assert f"<span>{html.escape(member['name'])}</span> <strong>1 kursi</strong>" in chart
    else:
        for party, seats in doc["parties"].items():
            assert re.search(
                rf'<li data-key="partai-{party}">.*?<strong>{seats} kursi</strong></li>', chart
            )
    data = page.data["seats"]
    assert data["region_total"] == doc["seats"] and data["region_provisional"] is True


def test_no_chamber_for_a_dprd_summed_over_the_nation(dash: Dashboard) -> None:
    for contest in ("dprd-prov", "dprd-kabkota", "dpd"):
        assert "ch-seats" not in dash.legislative(contest, "0", "id").body, contest


def test_the_twins_over_http_carry_the_layer(site: Site) -> None:
    with client(site) as http:
        for path in ("/index.json", "/wilayah/31.json", "/dpr.json", "/dpr/wilayah/32.json"):
            plain = http.get(path).json()
            assert plain["map"]["layer"] == "hasil", path
            layered = http.get(path, params={"lapisan": "integritas"}).json()
            assert layered["map"]["layer"] == "integritas", path
            assert [r["integrity"] for r in layered["map"]["regions"]] == [
                r["integrity"] for r in plain["map"]["regions"]
            ]
        page = http.get("/", params={"lapisan": "integritas"}).text
        assert 'href="/wilayah/31?lapisan=integritas"' in page
        other = http.get("/?lapisan=%3Cx%3E").text  # anything else: the results' layer
        assert 'href="/wilayah/31"' in other and 'href="/wilayah/31?lapisan' not in other


def test_switching_contest_keeps_the_integrity_layer(dash: Dashboard) -> None:
    switch = re.compile(r'<nav class="contests"[^>]*>(.*?)</nav>', re.DOTALL)

    def targets(page: Page) -> list[str]:
        found = switch.search(page.switch)
        assert found, page.title
        return [html.unescape(h) for h in re.findall(r'<a href="([^"]+)"', found.group(1))]

    layered = "?lapisan=integritas"
    assert targets(dash.nasional("id", "integritas")) == [
        f"/{layered}",
        *(f"/{c}{layered}" for c in ("dpr", "dpd", "dprd-prov", "dprd-kabkota")),
    ]
    assert f"/wilayah/32{layered}" in targets(dash.legislative("dpr", "32", "id", "integritas"))
    assert f"/dpr/wilayah/32{layered}" in targets(dash.region("32", "id", "integritas"))
    assert "/dpr/wilayah/32" in targets(dash.region("32", "id"))  # the results: no parameter
    twin = dash.region("32", "id", "integritas").data["contests"]
    assert {c["contest"]: c["page"] for c in twin}["dpd"] == f"/dpd/wilayah/32{layered}"
