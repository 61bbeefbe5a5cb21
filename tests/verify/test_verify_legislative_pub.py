"""``saksi verify`` of a format v2 night published by Saksi's own Publisher: every
legislative file a reader would quote (region snapshots, dapil files, seats files,
docs/recap.md "The legislative contests published") against the verifier's own numbers
(docs/verify.md "The legislative contests").

The night is tests/recap/test_legislative_publish.py's (tiny()'s synthetic contests:
DPRD Kab/Kota complete in one dapil, DPR at five TPS, DPD at three, DPRD Provinsi at
two, a party witness's copy) with a correction that moves a DPRD Kab/Kota seat and a
DPR form raising the screening flag ``unanimous-high-turnout``, a DPR witness copy at a
TPS with no form yet, and a DPR correction raising ``share-jump``.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.election.contests import ContestKind
from saksi.recap.fold import Recap
from saksi.recap.publish import Publisher
from saksi.sim.logbook import Logbook
from saksi.store import open_store
from saksi.tlog.log import Log
from tests.recap.test_legislative_fold import KABKOTA_VOTES, B, form_of, halves
from tests.recap.test_legislative_publish import findings_night, night


@dataclass
class Published:
    root: Path
    vkey: str
    book: Logbook

    @property
    def results(self) -> Path:
        return self.root / "results"

    def latest(self) -> dict[str, Any]:
        return dict(json.loads((self.results / "latest.json").read_bytes()))

    def read(self, path: str) -> Any:
        return json.loads((self.results / path).read_bytes())

    def write(self, path: str, doc: Any) -> None:
        (self.results / path).write_text(json.dumps(doc), encoding="utf-8")


def publish(root: Path, given: Logbook | None = None) -> Published:
    """The night's log (C2SP tiles), its region file, and the Publisher's results
    (``given``: that night's, as it is)."""
    book = night() if given is None else given
    if given is None:
        _more(book)
    return _published(root, book)


def _more(book: Logbook) -> None:
    more = {p: dict(c) for p, c in halves(KABKOTA_VOTES)[1].items()}
    more["5"][3] += 14  # a seat moves from party 1 to party 5
    book.legislative_correction(B, ContestKind.DPRD_KABKOTA,
                                form_of(book, B, ContestKind.DPRD_KABKOTA, more))  # fmt: skip
    unanimous = list(book.iter_tps())[5]  # every DPR vote for one party, turnout 96.7 %
    party = book.district(unanimous, ContestKind.DPR)[1].parties[0][0]
    form = form_of(book, unanimous, ContestKind.DPR, {party: {0: 290}})
    book.legislative_c_hasil(unanimous, ContestKind.DPR, form)
    book.legislative_c_salinan(list(book.iter_tps())[6], ContestKind.DPR, party)  # no form yet
    first = next(iter(book.iter_tps()))  # a correction moving DPR shares: share-jump
    moved = form_of(book, first, ContestKind.DPR, {party: {0: 200}})
    book.legislative_correction(first, ContestKind.DPR, moved)


def _published(root: Path, book: Logbook) -> Published:
    root.mkdir(parents=True)
    book.hierarchy.save(root / "regions.json")
    log, vkey = Log.create(root / "log", book.origin, open_store, durable=False)
    try:
        log.append(book.entries)
        log.integrate()
        checkpoint, note = log.signed_checkpoint(), log.checkpoint()
    finally:
        log.close()
    assert checkpoint is not None and note is not None
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    Publisher(root / "results", durable=False).publish(
        recap, checkpoint, None, checkpoint_note=note
    )
    return Published(root, vkey, book)


def run(pub: Published, state: Path) -> tuple[int, dict[str, Any]]:
    args = ["verify", str(pub.root), "--log-key", pub.vkey, "--state", str(state), "--json"]
    result = CliRunner().invoke(cli, [*args, "--regions", str(pub.root / "regions.json")])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> Published:
    return publish(tmp_path_factory.mktemp("honest") / "pub")


def test_the_publishers_v2_night_verifies_with_no_finding(
    honest: Published, tmp_path: Path
) -> None:
    code, report = run(honest, tmp_path / "state")
    assert code == 0, report["findings"]
    assert report["findings"] == [] and report["verified"] is True
    latest = honest.latest()
    assert list(latest["legislative"]) == ["dpr", "dpd", "dprd-prov", "dprd-kabkota"]
    assert report["checked"]["seats_files"] >= len(latest["legislative"])
    assert report["legislative_seats"]["dprd-kabkota"]["parties"] == {"1": 6, "4": 3, "5": 3}
    nation = honest.read(latest["legislative"]["dpr"]["snapshot"])
    assert nation["counters"]["flagged"] == 2  # unanimous, share-jump: on both sides
    first = next(iter(honest.book.iter_tps()))
    doc = nation
    for digits in (2, 4, 6, 10):  # down the hrefs to the corrected TPS's desa
        doc = honest.read(next(c["href"] for c in doc["children"] if c["code"] == first[:digits]))
    (tps,) = [c for c in doc["children"] if c["code"] == first]
    assert tps["status"] == "corrected" and tps["flags"] == ["share-jump"]


def tampered(honest: Published, tmp_path: Path) -> Published:
    """A copy of the honest publication to change."""
    root = tmp_path / "pub"
    shutil.copytree(honest.root, root)
    return Published(root, honest.vkey, honest.book)


def findings(report: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [f["details"] for f in report["findings"] if f["code"] == code]


def test_every_legislative_file_is_compared(honest: Published, tmp_path: Path) -> None:
    """Every region snapshot, seats file (the nation's and each province's or
    kab/kota's) and dapil file the links reach is read, each once."""
    code, report = run(honest, tmp_path / "state")
    assert code == 0
    latest = honest.latest()
    dapil = seats = 0
    for links in latest["legislative"].values():
        national = honest.read(links["seats"])
        dapil += len(national["dapil_href"])
        seats += 1 + len(national.get("units_href", {}))
    assert report["checked"]["dapil_files"] == dapil
    assert report["checked"]["seats_files"] == seats
    assert seats > len(latest["legislative"])  # DPD and the DPRD have unit files
    assert report["checked"]["legislative_snapshots"] > 4 * 5


def test_a_party_number_changed_in_a_province_snapshot_is_named(
    honest: Published, tmp_path: Path
) -> None:
    pub = tampered(honest, tmp_path)
    nation = pub.read(pub.latest()["legislative"]["dpr"]["snapshot"])
    province = next(c for c in nation["children"] if c["totals"]["suara_sah"])
    path, region = province["href"], province["code"]
    doc = pub.read(path)
    party, sums = max(doc["totals"]["partai"].items(), key=lambda kv: kv[1]["suara_sah_partai"])
    was = sums["suara_sah_partai"]
    assert was > 0
    sums["suara_sah_partai"] = was + 7
    pub.write(path, doc)
    code, report = run(pub, tmp_path / "state")
    assert code == 7
    assert [f["code"] for f in report["findings"]] == ["verify.totals-differ"]
    assert findings(report, "verify.totals-differ") == [
        {"file": path, "region": region, "dapil": None, "contest": "dpr", "party": party,
         "candidate": None, "field": f"totals.partai.{party}.suara_sah_partai",
         "published": was + 7, "recomputed": was}
    ]  # fmt: skip
    (message,) = [f["message"] for f in report["findings"]]
    assert f"region {region}, dpr, party {party}" in message["en"]
    assert f"wilayah {region}, dpr, partai {party}" in message["id"]


def test_a_candidates_votes_changed_in_a_dapil_file_are_named(
    honest: Published, tmp_path: Path
) -> None:
    pub = tampered(honest, tmp_path)
    national = pub.read(pub.latest()["legislative"]["dprd-kabkota"]["seats"])
    path = national["dapil_href"]["320101"]
    doc = pub.read(path)
    (row,) = [c for c in doc["candidates"] if (c["party"], c["number"]) == ("4", 1)]
    assert row["votes"] == 25
    row["votes"] = 125
    doc["totals"]["partai"]["4"]["suara_caleg"]["1"] = 125
    pub.write(path, doc)
    code, report = run(pub, tmp_path / "state")
    assert code == 7
    found = sorted(findings(report, "verify.totals-differ"), key=lambda f: f["field"])
    assert [f["code"] for f in report["findings"]] == ["verify.totals-differ"] * 2
    common = {"file": path, "region": None, "dapil": "320101", "contest": "dprd-kabkota",
              "party": "4", "candidate": "1", "published": 125, "recomputed": 25}  # fmt: skip
    assert found == [
        {**common, "field": "candidates.4:1.votes"},
        {**common, "field": "totals.partai.4.suara_caleg.1"},
    ]


def test_a_seat_changed_in_a_province_seats_file_is_named(
    honest: Published, tmp_path: Path
) -> None:
    pub = tampered(honest, tmp_path)
    national = pub.read(pub.latest()["legislative"]["dprd-prov"]["seats"])
    path = national["units_href"]["32"]
    doc = pub.read(path)
    dapil, won = next((d, w) for d, w in doc["dapil"].items() if w)
    party = next(iter(won))
    was = won[party]
    won[party] = was + 1
    pub.write(path, doc)
    code, report = run(pub, tmp_path / "state")
    assert code == 7
    assert [f["code"] for f in report["findings"]] == ["verify.seats-differ"]
    assert findings(report, "verify.seats-differ") == [
        {"file": path, "contest": "dprd-prov", "dapil": dapil, "party": party,
         "candidate": None, "field": "dapil", "published": was + 1, "recomputed": was}
    ]  # fmt: skip


def test_a_linked_legislative_file_missing_is_results_missing(
    honest: Published, tmp_path: Path
) -> None:
    pub = tampered(honest, tmp_path)
    national = pub.read(pub.latest()["legislative"]["dpd"]["seats"])
    gone = [national["units_href"]["32"], next(iter(national["dapil_href"].values()))]
    snapshot = pub.read(pub.latest()["legislative"]["dpr"]["snapshot"])
    gone.append(snapshot["children"][0]["href"])
    for path in gone:
        (pub.results / path).unlink()
    code, report = run(pub, tmp_path / "state")
    assert code == 7
    assert {f["code"] for f in report["findings"]} == {"verify.results-missing"}
    assert sorted(f["file"] for f in findings(report, "verify.results-missing")) == sorted(gone)


def test_a_cell_changed_in_a_legislative_csv_is_named(honest: Published, tmp_path: Path) -> None:
    """A party's B in the provinces' CSV and a candidate's votes in the candidates CSV
    (``saksi seats``' input) are each named with the row, column and both cells."""
    pub = tampered(honest, tmp_path)
    csvs = pub.latest()["legislative"]["dprd-kabkota"]["exports"]["csv"]
    provinces = (pub.results / csvs["provinsi"]).read_text(encoding="utf-8").splitlines()
    header = provinces[0].split(",")
    at = header.index("suara_sah_partai_4")
    row = next(i for i, r in enumerate(provinces) if r.startswith("32,"))
    cells = provinces[row].split(",")
    was = cells[at]
    cells[at] = str(int(was) + 3)
    provinces[row] = ",".join(cells)
    (pub.results / csvs["provinsi"]).write_text("\n".join(provinces) + "\n", encoding="utf-8")
    candidates = (pub.results / csvs["candidates"]).read_text(encoding="utf-8")
    assert "\n320101,4,1,25\n" in candidates
    candidates = candidates.replace("\n320101,4,1,25\n", "\n320101,4,1,52\n")
    (pub.results / csvs["candidates"]).write_text(candidates, encoding="utf-8")
    code, report = run(pub, tmp_path / "state")
    assert code == 7
    found = findings(report, "verify.totals-differ")
    assert [f["code"] for f in report["findings"]] == ["verify.totals-differ"] * 2
    assert found == [
        {"file": csvs["provinsi"], "region": "32", "dapil": None, "contest": "dprd-kabkota",
         "party": "4", "candidate": None, "field": "suara_sah_partai_4",
         "published": str(int(was) + 3), "recomputed": was},
        {"file": csvs["candidates"], "region": None, "dapil": "320101",
         "contest": "dprd-kabkota", "party": "4", "candidate": "1", "field": "votes",
         "published": "52", "recomputed": "25"},
    ]  # fmt: skip


def test_numbers_changed_in_a_legislative_nist_report_are_named(
    honest: Published, tmp_path: Path
) -> None:
    """A candidate's votes, a party's votes at a region unit and a candidate's status in
    the NIST report are each named (dapil or region, party, candidate, both numbers)."""
    pub = tampered(honest, tmp_path)
    path = pub.latest()["legislative"]["dprd-kabkota"]["exports"]["nist"]
    doc = pub.read(path)
    election = doc["Election"][0]
    contests = {c["@id"]: c for c in election["Contest"]}
    (row,) = [s for s in contests["contest-dprd-kabkota-320101"]["ContestSelection"]
              if s["CandidateIds"] == ["cand-dprd-kabkota-320101-4-1"]]  # fmt: skip
    row["VoteCounts"][0]["Count"] = 99
    party = next(s for s in contests["contest-dprd-kabkota"]["ContestSelection"]
                 if s["PartyIds"] == ["party-5"])  # fmt: skip
    at_32 = next(v for v in party["VoteCounts"] if v["GpUnitId"] == "ru-32")
    was = at_32["Count"]
    at_32["Count"] = was + 1
    loser = next(c for c in election["Candidate"] if c.get("PostElectionStatus") == "defeated")
    loser["PostElectionStatus"] = "winner"
    pub.write(path, doc)
    code, report = run(pub, tmp_path / "state")
    assert code == 7
    named = findings(report, "verify.totals-differ")
    found = {(f["field"], f["region"], f["dapil"], f["party"], f["candidate"]):
             (f["published"], f["recomputed"]) for f in named}  # fmt: skip
    _, dapil, who, number = loser["@id"].rsplit("-", 3)
    assert found == {
        ("VoteCounts", None, "320101", "4", "1"): (99, 25),
        ("VoteCounts", "32", None, "5", None): (was + 1, was),
        ("PostElectionStatus", None, dapil, who, number): ("winner", "defeated"),
    }
    assert len(named) == 3 and all(f["file"] == path for f in named)


def test_the_summary_says_what_of_the_legislative_results_was_compared(
    honest: Published, tmp_path: Path
) -> None:
    args = ["verify", str(honest.root), "--log-key", honest.vkey, "--state", str(tmp_path)]
    result = CliRunner().invoke(cli, [*args, "--regions", str(honest.root / "regions.json")])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if "legislative results" in x)
    assert "snapshots," in line and "dapil files," in line and "seats files compared" in line


def test_results_without_legislative_links_are_noticed(honest: Published, tmp_path: Path) -> None:
    """A v2 publication whose latest.json has no ``legislative`` member (written before
    Saksi published them): PPWP is compared, the legislative files not, and a notice
    says so."""
    pub = tampered(honest, tmp_path)
    latest = pub.latest()
    del latest["legislative"]
    pub.write("latest.json", latest)
    code, report = run(pub, tmp_path / "state")
    assert code == 0 and "legislative_snapshots" not in report["checked"]
    assert any("links no legislative results" in n["en"] for n in report["notices"])


def test_a_later_generation_verifies_from_the_saved_state(tmp_path: Path) -> None:
    """Verified once (the state saved, a corrected TPS's first form in it), then one
    more form logged and published: the next run folds only the new entry and compares
    the new generation's legislative files clean (the share-jump TPS still flagged)."""
    pub = publish(tmp_path / "pub")
    state = tmp_path / "state"
    code, first = run(pub, state)
    assert code == 0 and first["state_saved"]
    book = pub.book
    size = len(book.entries)
    book.legislative_c_hasil(list(book.iter_tps())[7], ContestKind.DPR)
    log = Log.open(pub.root / "log", open_store, durable=False)
    try:
        log.append(book.entries[size:])
        log.integrate()
        checkpoint, note = log.signed_checkpoint(), log.checkpoint()
    finally:
        log.close()
    assert checkpoint is not None and note is not None
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    Publisher(pub.results, durable=False).publish(recap, checkpoint, None, checkpoint_note=note)
    code, again = run(pub, state)
    assert code == 0, again["findings"]
    assert again["checked"]["entries"] == 1 and again["checked"]["legislative_snapshots"] > 0
    nation = pub.read(pub.latest()["legislative"]["dpr"]["snapshot"])
    assert nation["counters"]["flagged"] == 2 and nation["progress"]["received"] == 7


def test_a_summary_linking_another_seats_file_is_named(honest: Published, tmp_path: Path) -> None:
    pub = tampered(honest, tmp_path)
    latest = pub.latest()
    summary = pub.read(latest["summary"])
    (dpd,) = [c for c in summary["legislative"] if c["contest"] == "dpd"]
    dpd["seats_href"] = "1/dpd/seats.json"
    pub.write(latest["summary"], summary)
    code, report = run(pub, tmp_path / "state")
    assert code == 7
    (found,) = findings(report, "verify.totals-differ")
    assert (found["file"], found["contest"], found["field"]) == (
        latest["summary"],
        "dpd",
        "seats_href",
    )
    assert (found["published"], found["recomputed"]) == (
        "1/dpd/seats.json",
        latest["legislative"]["dpd"]["seats"],
    )


def test_exports_of_an_earlier_checkpoint_are_compared_at_theirs(tmp_path: Path) -> None:
    """A generation published without exports: latest.json links the exports of the
    checkpoint before, which are compared with the verifier's fold at that size."""
    pub = publish(tmp_path / "pub")
    book = pub.book
    size = len(book.entries)
    book.legislative_c_hasil(list(book.iter_tps())[7], ContestKind.DPD)
    log = Log.open(pub.root / "log", open_store, durable=False)
    try:
        log.append(book.entries[size:])
        log.integrate()
        checkpoint, note = log.signed_checkpoint(), log.checkpoint()
    finally:
        log.close()
    assert checkpoint is not None and note is not None
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    Publisher(pub.results, durable=False).publish(
        recap, checkpoint, None, checkpoint_note=note, exports=False
    )
    latest = pub.latest()
    assert latest["tree_size"] == size + 1
    assert latest["legislative"]["dpd"]["exports"]["tree_size"] == size
    code, report = run(pub, tmp_path / "state")
    assert code == 0, report["findings"]
    assert report["checked"]["exports"] == 6 + 39  # PPWP's, then 31 CSV, 4 NIST, 4 anomalies


def test_a_child_linking_another_regions_snapshot_is_named(
    honest: Published, tmp_path: Path
) -> None:
    """A province's link pointed at its sibling's snapshot: that file is not the
    province's, and it is linked for two regions (each ``verify.results-missing``): no
    province is silently skipped."""
    pub = tampered(honest, tmp_path)
    path = pub.latest()["legislative"]["dpr"]["snapshot"]
    nation = pub.read(path)
    first, second = nation["children"][:2]
    first["href"] = second["href"]
    pub.write(path, nation)
    code, report = run(pub, tmp_path / "state")
    assert code == 7
    wrong, twice = report["findings"]
    assert {wrong["code"], twice["code"]} == {"verify.results-missing"}
    assert wrong["details"]["file"] == twice["details"]["file"] == second["href"]
    assert f"is not the snapshot of region {first['code']}" in wrong["message"]["en"]
    assert f"of {first['code']} and of {second['code']}" in twice["message"]["en"]


def test_a_dapil_linked_to_another_dapils_file_is_named(honest: Published, tmp_path: Path) -> None:
    pub = tampered(honest, tmp_path)
    path = pub.latest()["legislative"]["dpr"]["seats"]
    seats = pub.read(path)
    first, second = list(seats["dapil_href"])[:2]
    seats["dapil_href"][second] = seats["dapil_href"][first]
    pub.write(path, seats)
    code, report = run(pub, tmp_path / "state")
    assert code == 7
    (found,) = report["findings"]
    assert found["code"] == "verify.results-missing"
    assert found["details"]["file"] == seats["dapil_href"][first]
    assert f"dapil {first} and of {second}" in found["message"]["en"]


def test_a_unit_linked_to_another_units_seats_file_is_named(
    honest: Published, tmp_path: Path
) -> None:
    pub = tampered(honest, tmp_path)
    path = pub.latest()["legislative"]["dprd-prov"]["seats"]
    seats = pub.read(path)
    first, second = list(seats["units_href"])[:2]
    seats["units_href"][second] = seats["units_href"][first]
    pub.write(path, seats)
    code, report = run(pub, tmp_path / "state")
    assert code == 7
    (found,) = report["findings"]
    assert found["code"] == "verify.results-missing"
    assert found["details"]["file"] == seats["units_href"][first]
    assert f"seats file of {second} and of another region" in found["message"]["en"]


def test_the_findings_of_a_night_with_a_dhasil_difference_verify(tmp_path: Path) -> None:
    """A kab/kota D.Hasil above its forms, a differing witness copy, a correction: the
    snapshots' counts of findings and the anomalies export agree with the verifier's."""
    pub = publish(tmp_path / "pub", findings_night())
    code, report = run(pub, tmp_path / "state")
    assert code == 0, report["findings"]
    kabkota = pub.latest()["legislative"]["dprd-kabkota"]
    assert pub.read(kabkota["snapshot"])["anomalies"]["recap-difference"] == 1
    listed = pub.read(kabkota["exports"]["anomalies"])["anomalies"]
    assert {a["type"] for a in listed} >= {"recap-difference", "witness-dispute", "correction"}


def test_a_findings_count_changed_in_a_snapshot_is_named(honest: Published, tmp_path: Path) -> None:
    pub = tampered(honest, tmp_path)
    path = pub.latest()["legislative"]["dpr"]["snapshot"]
    nation = pub.read(path)
    child = next(c for c in nation["children"] if c["anomalies"]["correction"])
    was = child["anomalies"]["correction"]
    child["anomalies"]["correction"] = was - 1
    pub.write(path, nation)
    code, report = run(pub, tmp_path / "state")
    assert code == 7
    assert findings(report, "verify.totals-differ") == [
        {"file": path, "region": child["code"], "dapil": None, "contest": "dpr", "party": None,
         "candidate": None, "field": "anomalies.correction", "published": was - 1,
         "recomputed": was}
    ]  # fmt: skip


def test_an_item_dropped_from_a_legislative_anomalies_export_is_named(
    honest: Published, tmp_path: Path
) -> None:
    pub = tampered(honest, tmp_path)
    path = pub.latest()["legislative"]["dpr"]["exports"]["anomalies"]
    doc = pub.read(path)
    dropped = next(a for a in doc["anomalies"] if a["type"] == "correction")
    doc["anomalies"].remove(dropped)
    pub.write(path, doc)
    code, report = run(pub, tmp_path / "state")
    assert code == 7
    (found,) = findings(report, "verify.totals-differ")
    assert found["file"] == path and found["field"].startswith("correction")
    assert f"{dropped['tps']}#{dropped['index']}" in json.dumps(found["recomputed"])


def test_a_findings_count_changed_in_the_summary_is_named(
    honest: Published, tmp_path: Path
) -> None:
    pub = tampered(honest, tmp_path)
    path = pub.latest()["summary"]
    summary = pub.read(path)
    dpr = next(c for c in summary["legislative"] if c["contest"] == "dpr")
    was = dpr["anomalies"]["cross-form"]
    dpr["anomalies"]["cross-form"] = was + 1
    pub.write(path, summary)
    code, report = run(pub, tmp_path / "state")
    assert code == 7
    (found,) = findings(report, "verify.totals-differ")
    assert (found["file"], found["contest"], found["field"]) == (
        path,
        "dpr",
        "anomalies.cross-form",
    )
    assert (found["published"], found["recomputed"]) == (was + 1, was)
