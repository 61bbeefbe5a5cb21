"""The published files of the legislative contests (docs/recap.md, "Publication"): region
snapshots, dapil and seats files, CSV and NIST per contest, of a small format v2 night.

tiny()'s synthetic contests: DPRD Kab/Kota one dapil (320101, 12 seats, TPS A and B),
DPR three dapil over the eight TPS (4 % threshold), DPD two provinces, DPRD Provinsi.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.election.codes import NASIONAL
from saksi.election.contests import ContestKind
from saksi.recap.fold import Recap
from saksi.recap.legislative_seats import contest_seats
from saksi.recap.publish import LATEST, Published, Publisher
from saksi.sim.logbook import Logbook
from saksi.tlog.checkpoint import Checkpoint
from saksi.tlog.hashes import leaf_hash
from saksi.tlog.merkle import root
from tests.recap.test_legislative_fold import (
    KABKOTA_VOTES,
    A,
    B,
    book_v2,
    form_of,
    halves,
    kabkota_night,
)

DPR, DPD, PROV, KABKOTA = (
    ContestKind.DPR,
    ContestKind.DPD,
    ContestKind.DPRD_PROV,
    ContestKind.DPRD_KABKOTA,
)
LEGISLATIVE = ("dpr", "dpd", "dprd-prov", "dprd-kabkota")


def night() -> Logbook:
    """DPRD Kab/Kota complete (7, 3 and 2 seats), DPR at five TPS, DPD at three, DPRD
    Provinsi at two, a party witness's copy."""
    book = book_v2()
    kabkota_night(book)
    tps = list(book.iter_tps())
    for code in tps[:5]:
        book.legislative_c_hasil(code, DPR)
    for code in tps[:3]:
        book.legislative_c_hasil(code, DPD)
    for code in (A, B):
        book.legislative_c_hasil(code, PROV)
    book.legislative_c_salinan(tps[0], DPR, "1")
    return book


def desa_path(tps: str) -> str:
    desa = tps[:10]
    return "/".join((desa[:2], desa[:4], desa[:6], desa))


def checkpoint_of(book: Logbook, size: int | None = None) -> Checkpoint:
    entries = book.entries[: len(book.entries) if size is None else size]
    return Checkpoint(book.origin, len(entries), root(leaf_hash(e) for e in entries))


def fold(book: Logbook, size: int | None = None) -> Recap:
    entries = book.entries[: len(book.entries) if size is None else size]
    return Recap.replay(book.hierarchy, entries, contests=book.contests)


def publish_fresh(book: Logbook, out: Path) -> Published:
    return Publisher(out, durable=False).publish(fold(book), checkpoint_of(book), None)


def read(out: Path, relpath: str) -> Any:
    return json.loads((out / relpath).read_text(encoding="utf-8"))


def _normal(doc: Any) -> Any:
    """A document without its checkpoint, its links without their generation."""
    if isinstance(doc, dict):
        return {k: _normal(v) for k, v in doc.items() if k != "checkpoint"}
    if isinstance(doc, list):
        return [_normal(v) for v in doc]
    if isinstance(doc, str):
        return re.sub(r"^\d+/", "<N>/", doc)
    return doc


def current(out: Path) -> dict[str, Any]:
    """Every legislative file reachable from latest.json (snapshots down the hrefs, the
    seats files and the dapil files they link), by path without its generation."""
    latest = read(out, LATEST)
    found: dict[str, Any] = {}
    todo = [link for c in latest["legislative"].values() for link in (c["snapshot"], c["seats"])]
    while todo:
        path = todo.pop()
        doc = read(out, path)
        found[re.sub(r"^\d+/", "", path)] = _normal(doc)
        todo += [c["href"] for c in doc.get("children", ()) if "href" in c]
        todo += list(doc.get("dapil_href", {}).values()) + list(doc.get("units_href", {}).values())
    return found


def test_a_v2_night_publishes_every_legislative_contest(tmp_path: Path) -> None:
    book = night()
    result = publish_fresh(book, tmp_path)
    n = result.tree_size
    recap = fold(book)
    latest = read(tmp_path, LATEST)
    assert list(latest["contests"]) == ["ppwp"] and list(latest["legislative"]) == list(LEGISLATIVE)
    assert latest["legislative"]["dpr"] == {
        "snapshot": f"{n}/dpr/0.json",
        "seats": f"{n}/dpr/seats.json",
        "exports": {
            "tree_size": n,
            "nist": f"{n}/export/dpr-nist.json",
            "anomalies": f"{n}/export/dpr-anomalies.json",
            "csv": {k: f"{n}/export/dpr-{k}.csv" for k in (
                "provinsi", "kabkota", "kecamatan", "desa", "tps", "dapil", "votes", "candidates",
            )},
        },
    }  # fmt: skip
    assert "candidates" not in latest["legislative"]["dpd"]["exports"]["csv"]
    for files in latest["legislative"].values():
        for path in [files["snapshot"], files["seats"], files["exports"]["nist"],
                     files["exports"]["anomalies"], *files["exports"]["csv"].values()]:  # fmt: skip
            assert path in result.files, path

    # the dapil of DPRD Kab/Kota: complete, its seats final, who is elected by name
    dapil = read(tmp_path, f"{n}/dprd-kabkota/dapil/320101.json")
    assert dapil["format"] == "saksi-dapil/1" and dapil["checkpoint"]["tree_size"] == n
    assert dapil["dapil"]["seats"] == 12 and dapil["provisional"] is False
    assert {p: s for p, s in dapil["seats"].items() if s} == {"1": 7, "4": 3, "5": 2}
    assert dapil["progress"] == {"expected": 2, "received": 2, "counted": 2, "percent": 100.0}
    assert dapil["totals"]["partai"]["1"]["suara_sah_partai"] == 120
    assert len(dapil["elected"]) == 12 and all(e["name"] for e in dapil["elected"])
    votes = {(c["party"], c["number"]): c["votes"] for c in dapil["candidates"]}
    assert votes[("4", 1)] == 25 and votes[("1", 12)] == 0
    per_kabkota = read(tmp_path, f"{n}/dprd-kabkota/seats/3201.json")
    assert per_kabkota["region"]["code"] == "3201" and per_kabkota["seats"] == 12
    assert per_kabkota["parties"] == {"1": 7, "4": 3, "5": 2}
    assert per_kabkota["elected"] == dapil["elected"] and per_kabkota["provisional"] is False
    assert per_kabkota["dapil_href"] == {"320101": f"{n}/dprd-kabkota/dapil/320101.json"}
    national = read(tmp_path, f"{n}/dprd-kabkota/seats.json")
    assert national["units_href"] == {"3201": f"{n}/dprd-kabkota/seats/3201.json"}

    # DPR: provisional (TPS missing; the threshold not settled), the seats of saksi recap
    dpr = read(tmp_path, f"{n}/dpr/seats.json")
    expected = contest_seats(recap, "dpr").to_json()
    for key in ("parties", "dapil", "elected", "unfilled", "ties", "dapil_status", "progress"):
        got = dpr[key] if key != "elected" else [
            {k: v for k, v in e.items() if k != "name"} for e in dpr[key]
        ]  # fmt: skip
        assert got == expected[key], key
    assert dpr["threshold"] == expected["threshold"] and dpr["provisional"] is True
    assert "units_href" not in dpr  # DPR has the nation's seats only
    assert sorted(dpr["dapil_href"]) == sorted(recap.legislative("dpr").districts)
    for code in ("11", "32"):  # DPD per province (where it has candidates)
        if code in {d[:2] for d in recap.legislative("dpd").districts}:
            assert read(tmp_path, f"{n}/dpd/seats/{code}.json")["region"]["level"] == "provinsi"

    # the snapshots: each party's A.1 and B at every level, a desa's TPS in full
    nation = read(tmp_path, f"{n}/dpr/0.json")
    assert nation["format"] == "saksi-legislative-snapshot/1"
    assert nation["totals"] == recap.legislative("dpr").totals(NASIONAL).to_dict()
    assert nation["progress"]["received"] == 5 and nation["progress"]["expected"] == 8
    desa = read(tmp_path, f"{n}/dprd-kabkota/32/3201/320101/{A[:10]}.json")
    first = desa["children"][0]
    assert first["code"] == A and first["dapil"] == "320101" and first["status"] == "received"
    assert [c["code"] for c in desa["children"]] == [A, B] and first["counted"] is True
    assert sum(c["values"]["suara_sah_partai_1"] for c in desa["children"]) == 120
    own = first["values"]["suara_sah_partai_1"]
    assert first["totals"]["partai"]["1"]["suara_sah_partai"] == own
    first_tps = next(iter(book.iter_tps()))
    witnessed = read(tmp_path, f"{n}/dpr/{desa_path(first_tps)}.json")["children"][0]
    assert witnessed["code"] == first_tps and witnessed["witness"] == "agree"
    assert witnessed["entries"]["copies"][0]["party"] == "1"

    # the summary: every contest published, none left under not_published
    summary = read(tmp_path, latest["summary"])
    assert "not_published" not in summary
    kabkota = next(c for c in summary["legislative"] if c["contest"] == "dprd-kabkota")
    assert kabkota["parties"] == {"1": 7, "4": 3, "5": 2} and kabkota["provisional"] is False
    assert kabkota["href"] == f"{n}/dprd-kabkota/0.json"
    assert kabkota["seats_href"] == f"{n}/dprd-kabkota/seats.json"


def test_the_publication_is_byte_stable(tmp_path: Path) -> None:
    book = night()
    one, two = tmp_path / "one", tmp_path / "two"
    publish_fresh(book, one)
    publish_fresh(book, two)
    files = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    assert len([f for f in files if f.parts[1:2] == ("dpr",)]) > 10
    for relpath in files:
        assert (one / relpath).read_bytes() == (two / relpath).read_bytes(), relpath


def test_publishing_entry_by_entry_gives_the_files_of_one_fresh_publication(
    tmp_path: Path,
) -> None:
    book = night()
    start = len(book_v2().entries)  # the manifest and keys: the night's first checkpoint
    out = tmp_path / "incremental"
    publisher = Publisher(out, durable=False)
    recap = fold(book, start)
    publisher.publish(recap, checkpoint_of(book, start), None, exports=False)
    recap.take_touched()
    for size in range(start + 1, len(book.entries) + 1):
        recap.apply_entry(book.entries[size - 1])
        result = publisher.publish(recap, checkpoint_of(book, size), recap.take_touched(),
                                   exports=size == len(book.entries))  # fmt: skip
        assert not [f for f in result.files if f.startswith(f"{size}/ppwp/")]  # no PPWP form
    fresh = tmp_path / "fresh"
    publish_fresh(book, fresh)
    assert current(out) == current(fresh)
    n = len(book.entries)
    exports = sorted((fresh / str(n) / "export").iterdir())
    assert exports
    for path in exports:  # the exports describe the checkpoint alone
        assert path.read_bytes() == (out / str(n) / "export" / path.name).read_bytes(), path.name
    assert _normal(read(out, f"{n}/summary.json")) == _normal(read(fresh, f"{n}/summary.json"))


def test_a_new_checkpoint_rewrites_only_what_changed(tmp_path: Path) -> None:
    book = night()
    out = tmp_path / "out"
    recap = fold(book)
    publisher = Publisher(out, durable=False)
    publisher.publish(recap, checkpoint_of(book), None)
    recap.take_touched()
    recap.take_legislative_touched()
    tps = list(book.iter_tps())
    book.legislative_c_hasil(tps[3], DPD)  # province 31's third DPD form
    recap.apply_entry(book.entries[-1])
    n = len(book.entries)
    publisher = Publisher(out, durable=False)  # started anew: it reads what it needs back
    result = publisher.publish(recap, checkpoint_of(book), recap.take_touched(), exports=False)
    written = [f for f in result.files if f.startswith(f"{n}/")]
    path = desa_path(tps[3])
    # beside DPD's, only DPR's snapshots above the TPS: the synthetic DPD form's DPT
    # disagrees with the DPR form's there, a new cross-form finding counted for DPR
    ancestry = ("0", path[:2], path[:7], path[:14], path)
    assert {f for f in written if not f.startswith(f"{n}/dpd/")} == {
        f"{n}/summary.json",
        *(f"{n}/dpr/{p}.json" for p in ancestry),
    }
    assert read(out, f"{n}/dpr/{path}.json")["anomalies"]["cross-form"] == 2
    snapshots = {f"{n}/dpd/{p}.json" for p in ancestry}
    assert snapshots <= set(written)
    dapil = recap.legislative("dpd").dapil_of(tps[3]).code
    others = [d for d in recap.legislative("dpd").districts if d != dapil]
    assert f"{n}/dpd/dapil/{dapil}.json" in written
    assert not [d for d in others if f"{n}/dpd/dapil/{d}.json" in written]
    # every other file stays where it was, and latest.json's links still reach all
    publish_fresh(book, tmp_path / "fresh")
    assert current(out) == current(tmp_path / "fresh")
    seats = read(out, f"{n}/dpd/seats.json")
    assert seats["dapil_href"][dapil] == f"{n}/dpd/dapil/{dapil}.json"
    assert all(not seats["dapil_href"][d].startswith(f"{n}/") for d in others)
    again = publisher.publish(recap, checkpoint_of(book), set(), exports=False)
    assert again.files == result.files  # the same checkpoint: nothing rewritten


def test_a_correction_that_moves_a_seat_moves_it_in_the_published_seats(tmp_path: Path) -> None:
    book = night()
    recap = fold(book)
    publisher = Publisher(tmp_path, durable=False)
    before = publisher.publish(recap, checkpoint_of(book), None)
    recap.take_touched()
    # KPU Kab/Kota corrects TPS B: 14 more votes for party 5's candidate 3 (B 36 -> 50):
    # a seat moves from party 1 to party 5 (tests/recap/test_legislative_fold.py)
    more = {p: dict(c) for p, c in halves(KABKOTA_VOTES)[1].items()}
    more["5"][3] += 14
    book.legislative_correction(B, KABKOTA, form_of(book, B, KABKOTA, more))
    recap.apply_entry(book.entries[-1])
    after = publisher.publish(recap, checkpoint_of(book), recap.take_touched())
    m, n = before.tree_size, after.tree_size
    dapil = read(tmp_path, f"{n}/dprd-kabkota/dapil/320101.json")
    assert {p: s for p, s in dapil["seats"].items() if s} == {"1": 6, "4": 3, "5": 3}
    elected = {(e["party"], e["number"]) for e in dapil["elected"]}
    old = read(tmp_path, f"{m}/dprd-kabkota/dapil/320101.json")  # never rewritten
    was = {(e["party"], e["number"]) for e in old["elected"]}
    assert elected - was == {("5", 1)} and was - elected == {("1", 7)}
    for path in (f"{n}/dprd-kabkota/seats/3201.json", f"{n}/dprd-kabkota/seats.json"):
        assert read(tmp_path, path)["parties"] == {"1": 6, "4": 3, "5": 3}
    assert read(tmp_path, f"{m}/dprd-kabkota/seats.json")["parties"] == {"1": 7, "4": 3, "5": 2}
    summary = next(
        c for c in read(tmp_path, f"{n}/summary.json")["legislative"]
        if c["contest"] == "dprd-kabkota"
    )  # fmt: skip
    assert summary["parties"] == {"1": 6, "4": 3, "5": 3}
    tps = read(tmp_path, f"{n}/dprd-kabkota/32/3201/320101/{B[:10]}.json")["children"][1]
    assert tps["status"] == "corrected" and len(tps["entries"]["corrections"]) == 1
    assert not [f for f in after.files if f.startswith((f"{n}/dpr/", f"{n}/dpd/"))]


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_the_csv_of_each_level_adds_up_and_the_votes_feed_saksi_seats(tmp_path: Path) -> None:
    book = night()
    n = publish_fresh(book, tmp_path).tree_size
    export = tmp_path / str(n) / "export"
    recap = fold(book)
    for contest in LEGISLATIVE:
        tally = recap.legislative(contest)
        provinces = _rows((export / f"{contest}-provinsi.csv").read_bytes())
        nation = tally.totals(NASIONAL).to_dict()
        assert sum(int(r["suara_sah"]) for r in provinces) == nation["suara_sah"], contest
        assert all(r["tree_size"] == str(n) for r in provinces)
        kabkota = _rows((export / f"{contest}-kabkota.csv").read_bytes())
        for province in provinces:
            inside = [r for r in kabkota if r["parent"] == province["code"]]
            for field in [k for k in province if k.startswith("suara_")]:
                assert sum(int(r[field]) for r in inside) == int(province[field]), field
        tps = _rows((export / f"{contest}-tps.csv").read_bytes())
        counted = [r for r in tps if r["counted"] == "1"]
        assert sum(int(r["suara_sah"]) for r in counted) == nation["suara_sah"]
        assert {r["dapil"] for r in tps} <= set(tally.districts)
        dapil = _rows((export / f"{contest}-dapil.csv").read_bytes())
        assert [r["dapil"] for r in dapil] == list(tally.districts)

        # the votes (and candidates) files are saksi seats' input as they are
        args = ["seats", str(export / f"{contest}-votes.csv"), "--contest", contest,
                "--format", "json"]  # fmt: skip
        if contest != "dpd":
            args += ["--candidates", str(export / f"{contest}-candidates.csv")]
        if contest == "dpr":
            args += ["--threshold-percent", "4"]
        outcome = CliRunner().invoke(cli, args)
        assert outcome.exit_code == 0, outcome.output
        printed = json.loads(outcome.output)
        published = read(tmp_path, f"{n}/{contest}/seats.json")
        for key in ("parties", "dapil", "ties", "unfilled"):
            assert printed[key] == published[key], (contest, key)
        names = [{k: v for k, v in e.items() if k != "name"} for e in published["elected"]]
        assert printed["elected"] == names, contest


@pytest.mark.shared
def test_the_nist_report_of_every_contest_is_valid(tmp_path: Path) -> None:
    from tests.recap.test_nist import errors

    book = night()
    n = publish_fresh(book, tmp_path).tree_size
    for contest in LEGISLATIVE:
        report = read(tmp_path, f"{n}/export/{contest}-nist.json")
        assert errors(report) == [], contest
        complete = contest == "dprd-kabkota"  # its one dapil's two TPS: every TPS voting
        assert report["Status"] == ("unofficial-complete" if complete else "unofficial-partial")
        contests = report["Election"][0]["Contest"]
        assert {c["@type"] for c in contests} >= {"ElectionResults.CandidateContest"}
    report = read(tmp_path, f"{n}/export/dprd-kabkota-nist.json")
    election = report["Election"][0]
    (candidate_contest,) = [c for c in election["Contest"]
                            if c["@id"] == "contest-dprd-kabkota-320101"]  # fmt: skip
    assert candidate_contest["NumberElected"] == 12
    winners = [c for c in election["Candidate"] if c.get("PostElectionStatus") == "winner"]
    assert len(winners) == 12  # the dapil is final
    party = next(c for c in election["Contest"] if c["@id"] == "contest-dprd-kabkota-320101-partai")
    counts = {s["PartyIds"][0]: s["VoteCounts"][0]["Count"] for s in party["ContestSelection"]}
    assert counts["party-1"] == 120 and counts["party-4"] == 60
    dpr = read(tmp_path, f"{n}/export/dpr-nist.json")["Election"][0]
    final = [c for c in dpr["Candidate"] if c.get("PostElectionStatus") in ("winner", "defeated")]
    assert not final  # every DPR dapil is provisional: its elected are projected winners
    national = next(c for c in dpr["Contest"] if c["@id"] == "contest-dpr")
    assert national["@type"] == "ElectionResults.PartyContest"
    units = {v["GpUnitId"] for s in national["ContestSelection"] for v in s["VoteCounts"]}
    assert "ru-0" in units and "ru-32" in units


def test_a_publication_interrupted_midway_is_redone_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """latest.json's write fails once (after the generation's snapshots, dapil and seats
    files): publishing the checkpoint again, by the same Publisher or a new one, writes
    the files of an uninterrupted publication, byte for byte."""
    book = night()
    more = {p: dict(c) for p, c in halves(KABKOTA_VOTES)[1].items()}
    more["5"][3] += 14  # the seat-moving correction
    book.legislative_correction(B, KABKOTA, form_of(book, B, KABKOTA, more))
    n = len(book.entries)
    real = Publisher._finish

    def failing(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(Publisher, "_finish", real)
        raise OSError("disk full")

    runs: dict[str, Path] = {}
    for name in ("same", "restarted", "clean"):
        out = runs[name] = tmp_path / name
        recap = fold(book, n - 1)
        publisher = Publisher(out, durable=False)
        publisher.publish(recap, checkpoint_of(book, n - 1), None)
        recap.apply_entry(book.entries[-1])
        touched, legislative = recap.take_touched(), recap.take_legislative_touched()
        if name != "clean":
            monkeypatch.setattr(Publisher, "_finish", failing)
            with pytest.raises(OSError):
                publisher.publish(recap, checkpoint_of(book), touched,
                                  legislative_touched=legislative)  # fmt: skip
            assert not (out / str(n) / "summary.json").exists() or name
            if name == "restarted":
                publisher = Publisher(out, durable=False)
        publisher.publish(recap, checkpoint_of(book), touched, legislative_touched=legislative)
    files = {
        name: sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
        for name, out in runs.items()
    }
    assert files["same"] == files["restarted"] == files["clean"]
    for relpath in files["clean"]:
        assert len({(runs[name] / relpath).read_bytes() for name in runs}) == 1, relpath
    seats = read(runs["same"], f"{n}/dprd-kabkota/seats.json")
    assert seats["parties"] == {"1": 6, "4": 3, "5": 3}


def findings_night() -> Logbook:
    """The night, then a kab/kota D.Hasil raising party 4 by 25 over its forms, a
    party witness's copy that differs from A's form, and a correction at A."""
    from tests.recap.test_legislative_reconcile import inflated_totals, raised_by_correction

    book = night()
    book.legislative_d_hasil("3201", KABKOTA, "320101", inflated_totals(fold(book), "4", 25))
    first, _ = halves(KABKOTA_VOTES)
    moved = {p: dict(c) for p, c in first.items()}
    moved["1"][1] += 1  # one vote more for party 1's first candidate
    book.legislative_c_salinan(A, KABKOTA, "3", form_of(book, A, KABKOTA, moved, invalid=3))
    book.legislative_correction(A, KABKOTA, raised_by_correction(book, 15), reason="hitung ulang")
    return book


def _within(item: dict[str, Any], code: str) -> bool:
    place = str(item.get("tps") or item.get("region"))
    return code == NASIONAL or place.startswith(code)


def test_the_legislative_snapshots_count_the_anomalies_export_region_by_region(
    tmp_path: Path,
) -> None:
    """As PPWP's: every count a legislative snapshot publishes equals the number of items
    of the contest's anomalies export within that region (issue 18: the integrity layer)."""
    book = findings_night()
    publish_fresh(book, tmp_path)
    latest = read(tmp_path, LATEST)
    for contest, files in latest["legislative"].items():
        listed = read(tmp_path, files["exports"]["anomalies"])
        assert listed["format"] == "saksi-anomalies/1" and listed["contest"] == contest
        assert listed["checkpoint"]["tree_size"] == latest["tree_size"]
        items = listed["anomalies"]
        todo = [files["snapshot"]]
        while todo:
            snap = read(tmp_path, todo.pop())
            code = snap["region"]["code"]
            mine = [a for a in items if _within(a, code)]
            counts = {k: sum(a["type"] == k for a in mine) for k in snap["anomalies"]}
            assert snap["anomalies"] == counts, (contest, code)
            differing = [a for a in mine if a["type"] == "recap-difference"]
            assert len(snap["recap_differences"]["first"]) == len(differing)
            flagged = [a for a in mine if a["type"] == "flag"]
            assert sum(snap["flags"].values()) >= len(flagged)
            for child in snap["children"]:
                if "href" in child:
                    assert child["anomalies"] == read(tmp_path, child["href"])["anomalies"]
                    todo.append(child["href"])
    kabkota = read(tmp_path, latest["legislative"]["dprd-kabkota"]["snapshot"])
    assert kabkota["anomalies"]["recap-difference"] == 1
    assert kabkota["anomalies"]["witness-dispute"] >= 1
    assert kabkota["anomalies"]["correction"] == 1 and kabkota["flags"]["share-jump"] == 1
    (first,) = kabkota["recap_differences"]["first"]
    assert (first["code"], first["level"], first["dapil"]) == ("3201", "kabkota", "320101")
    assert kabkota["recap_differences"]["by_level"] == {"kabkota": 1}
    raised = next(d for d in first["differences"] if d["field"] == "suara_sah_partai_4")
    assert raised["recap"] == 60 + 25 and raised["party"] == "4"  # the correction moved forms
    province = next(c for c in kabkota["children"] if c["code"] == "32")
    assert province["anomalies"]["recap-difference"] == 1
    summary = read(tmp_path, latest["summary"])  # the nation's counts, as PPWP's summary
    for listed in summary["legislative"]:
        nation = read(tmp_path, listed["href"])
        assert (listed["flags"], listed["anomalies"]) == (nation["flags"], nation["anomalies"])


def test_the_findings_published_entry_by_entry_are_those_of_one_fresh_publication(
    tmp_path: Path,
) -> None:
    book = findings_night()
    start = len(night().entries)
    out = tmp_path / "incremental"
    publisher = Publisher(out, durable=False)
    recap = fold(book, start)
    publisher.publish(recap, checkpoint_of(book, start), None, exports=False)
    recap.take_touched()
    for size in range(start + 1, len(book.entries) + 1):
        recap.apply_entry(book.entries[size - 1])
        publisher.publish(recap, checkpoint_of(book, size), recap.take_touched(), exports=False)
    publish_fresh(book, tmp_path / "fresh")
    assert current(out) == current(tmp_path / "fresh")


def test_cross_form_counts_moved_by_ppwp_forms_are_published_entry_by_entry(
    tmp_path: Path,
) -> None:
    """PPWP forms logged after the legislative ones at the same TPS (a PPWP form makes
    a cross-form finding of every legislative contest whose form there disagrees with
    it, and only PPWP touched the TPS): published entry by entry, the legislative files
    are those of one fresh publication, and the count moved."""
    book = night()
    start = len(book.entries)
    tps = list(book.iter_tps())
    for code in tps[3:5]:  # DPR's form alone there: no cross-form finding yet
        form = book.true_form(code)
        book.c_hasil(code, form.model_copy(update={"pemilih_dpt_l": form.pemilih_dpt_l + 7}))
    out = tmp_path / "incremental"
    publisher = Publisher(out, durable=False)
    recap = fold(book, start)
    publisher.publish(recap, checkpoint_of(book, start), None, exports=False)
    before = read(out, read(out, LATEST)["legislative"]["dpr"]["snapshot"])["anomalies"]
    recap.take_touched()
    for size in range(start + 1, len(book.entries) + 1):
        recap.apply_entry(book.entries[size - 1])
        publisher.publish(recap, checkpoint_of(book, size), recap.take_touched(), exports=False)
    publish_fresh(book, tmp_path / "fresh")
    assert current(out) == current(tmp_path / "fresh")
    after = read(out, read(out, LATEST)["legislative"]["dpr"]["snapshot"])["anomalies"]
    assert after["cross-form"] > before["cross-form"]
