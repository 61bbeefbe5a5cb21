"""A legislative contest's findings on its pages (issue 18): the small published format v2
night (tests/dashboard/factory.py) with a DPR D.Hasil of kab/kota BOGOR raised over its
forms and a differing DPR witness copy there (``dhasil_raised``). The integrity layer of
DPR's maps shows them from the snapshots' counts, the findings say them in words, every
count links the contest's Anomali list with exactly that many items, and that list
(``/dpr/anomali``, its JSON twin) names the dapil and the witness's party. No browser:
tests/dashboard/test_browser_findings.py clicks the same in chromium."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from saksi.dashboard import Dashboard, Page
from tests.dashboard.factory import RAISED, Site, build, dhasil_raised
from tests.dashboard.test_pages_legislative import client
from tests.dashboard.test_pages_map import map_links

COUNTED = re.compile(r'<a href="([^"]+)" data-count="(\d+)"')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(tmp_path_factory.mktemp("v2-findings"), legislative=True, more=dhasil_raised)


@pytest.fixture(scope="module")
def dash(site: Site) -> Dashboard:
    return Dashboard(site.results, site.log)


def anomali_of(dash: Dashboard, href: str) -> Page:
    """The Anomali page a link opens."""
    parts = urlsplit(html.unescape(href))
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    contest = parts.path.removesuffix("/anomali").strip("/") or None
    return dash.anomali("id", query.get("type", ""), query.get("region", ""), contest)


def test_the_dpr_integrity_layer_shows_the_dhasil_difference_and_the_dispute(
    dash: Dashboard,
) -> None:
    page = dash.legislative("dpr", "0", "id", "integritas")
    title = map_links(page)["/dpr/wilayah/32?lapisan=integritas"]
    assert title.startswith("JAWA BARAT: D.Hasil berbeda")
    assert "D.Hasil berbeda: 1" in title and "salinan berbeda: 1" in title
    assert 'data-key="integritas-dhasil"' in page.body
    assert "Dari jumlah temuan di setiap wilayah" in page.body  # not the TPS counters' note
    jabar = next(r for r in page.data["map"]["regions"] if r["code"] == "32")
    assert jabar["integrity"] == "dhasil"
    assert jabar["findings"] == {"recap-difference": 1, "witness-dispute": 1}
    province = dash.legislative("dpr", "32", "id", "integritas")
    assert map_links(province)["/dpr/wilayah/3201?lapisan=integritas"].startswith(
        "BOGOR: D.Hasil berbeda"
    )


@pytest.mark.parametrize("code", ["0", "32", "3201"])
def test_every_count_of_findings_links_a_list_of_exactly_that_many(
    dash: Dashboard, code: str
) -> None:
    page = dash.legislative("dpr", code, "id")
    found = COUNTED.findall(page.body)
    assert any("type=recap-difference" in href for href, _ in found), code
    for href, count in found:
        assert html.unescape(href).startswith("/dpr/anomali?"), href
        listed = anomali_of(dash, href)
        assert len(listed.data["anomalies"]) == int(count), href


def test_the_findings_say_the_dhasil_in_words_with_its_dapil(dash: Dashboard) -> None:
    page = dash.legislative("dpr", "32", "id")
    findings = page.body[page.body.index('id="findings"') :]
    assert "1 kabupaten/kota: D.Hasil berbeda dengan jumlah formulirnya" in findings
    assert "Kabupaten/kota BOGOR: D.Hasil berbeda" in findings
    assert f"+{RAISED} suara sah partai 1 (B)" in findings
    assert "(dapil JAWA BARAT I)" in findings
    assert 'href="/dpr/wilayah/3201"' in findings  # down to its region, in DPR
    assert "salinan saksi berbeda dengan formulir yang berlaku" in findings


def test_the_contests_anomali_page_and_its_twin(dash: Dashboard, site: Site) -> None:
    page = dash.anomali("id", "", "32", "dpr")
    assert page.title == "Anomali · DPR"
    assert 'action="/dpr/anomali"' in page.body
    kinds = [a["type"] for a in page.data["anomalies"]]
    assert sorted(set(kinds)) == ["cross-form", "recap-difference", "witness-dispute"]
    assert page.data["source"].endswith("/export/dpr-anomalies.json")
    assert "dapil JAWA BARAT I" in page.body
    assert "suara sah partai 1 (B): D.Hasil" in page.body and f"(+{RAISED})" in page.body
    dispute = next(a for a in page.data["anomalies"] if a["type"] == "witness-dispute")
    assert dispute["party"] == "2"
    assert "Saksi 2 · " in page.body  # the witness's party by name
    assert 'href="/dpr/wilayah/3201"' in page.body and 'href="/tps/' in page.body
    assert dash.anomali("id", contest="dpr").status == 200
    assert dash.anomali("id", contest="nope").status == 404
    with client(site) as http:
        twin = http.get("/dpr/anomali.json", params={"type": "recap-difference"}).json()
        assert twin["contest"] == "dpr" and len(twin["anomalies"]) == 1
        assert twin["anomalies"][0]["region"] == "3201"
        assert http.get("/dpr/anomali", params={"region": "32"}).status_code == 200


def test_the_contests_feed_lists_the_dhasil_difference_with_its_dapil(dash: Dashboard) -> None:
    found = dash.feed("dpr", "32", "id")
    assert found is not None
    atom, twin = found
    (entry,) = [e for e in twin["entries"] if e["change"]["type"] == "recap-difference"]
    assert entry["change"]["code"] == "3201" and entry["change"]["after"]["dapil"] == "3201"
    assert entry["content"].startswith(
        "D.Hasil berbeda dengan jumlah formulirnya (dapil JAWA BARAT I): "
        "suara partai 1 (A.1): D.Hasil"
    )
    assert f"(+{RAISED})" in entry["content"] and "dapil JAWA BARAT I" in atom
