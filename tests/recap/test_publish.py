"""Publication: immutable files per checkpoint, only what changed, hrefs to the newest.

The pinned files in tests/recap/data/publish-tiny/ are the whole folder (private state
left out) after publishing :func:`scenario` and then one more form. After a change
of format, regenerate them with ``SAKSI_REGENERATE=1 .venv/bin/python -m pytest
tests/recap/test_publish.py`` and review the diff before committing it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saksi.election.regions import Hierarchy
from saksi.election.wire import MAX_SAFE_INTEGER
from saksi.errors import RecapError
from saksi.recap.fold import Recap
from saksi.recap.publish import LATEST, STATE, Published, Publisher, _State
from saksi.recap.reconcile import ANOMALY_TYPES
from saksi.recap.snapshot import checkpoint_dict, encode
from saksi.sim.logbook import Logbook
from saksi.tlog.checkpoint import Checkpoint, sign_checkpoint
from saksi.tlog.hashes import leaf_hash
from saksi.tlog.merkle import root
from saksi.tlog.note import NoteSigner
from tests.recap.factory import broken, grown, night, shifted, tiny, unanimous
from tests.recap.generation import latest_generation

CONTEST = "ppwp"
LEVELS = ("provinsi", "kabkota", "kecamatan", "desa", "tps")
DATA = Path(__file__).parent / "data" / "publish-tiny"
REGENERATE = os.environ.get("SAKSI_REGENERATE") == "1"


# -- the fixed election ------------------------------------------------------


def scenario() -> Logbook:
    """tiny(): forms at 7 of 8 TPS (one inconsistent, one corrected, one flagged), an
    agreeing and a disputing witness copy, a d-hasil inflated by 37 at kecamatan 317301."""
    return night(reason="hitung ulang pleno")


def checkpoint_of(book: Logbook, size: int | None = None) -> Checkpoint:
    entries = book.entries[: len(book.entries) if size is None else size]
    return Checkpoint(book.origin, len(entries), root(leaf_hash(e) for e in entries))


class Site:
    """A logbook, its recap folded entry by entry, and a publisher over a folder."""

    def __init__(self, book: Logbook, out: Path) -> None:
        self.book = book
        self.recap = Recap.replay(book.hierarchy, book.entries)
        self.out = out
        self.publisher = Publisher(out, durable=False)

    def catch_up(self) -> None:
        for data in self.book.entries[self.recap.size :]:
            self.recap.apply_entry(data)

    def publish(self, **kwargs: Any) -> Published:
        self.catch_up()
        touched = self.recap.take_touched()
        first = self.publisher.previous_size is None
        return self.publisher.publish(
            self.recap, checkpoint_of(self.book), None if first else touched, **kwargs
        )

    def read(self, relpath: str) -> Any:
        return json.loads((self.out / relpath).read_text(encoding="utf-8"))


def published_files(out: Path) -> dict[str, bytes]:
    """Every file of the folder but the private state and the region file, by path."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.relative_to(out).as_posix().startswith((".state/", "regions/"))
    }


def reachable(site: Site) -> Iterator[tuple[str, dict[str, Any]]]:
    """(href, snapshot) of every region reached from latest.json through the hrefs."""
    start = site.read(LATEST)["contests"][CONTEST]["snapshot"]
    todo = [start]
    while todo:
        href = todo.pop()
        doc = site.read(href)
        yield href, doc
        todo += [c["href"] for c in doc["children"] if "href" in c]


def numbers(doc: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without what depends on when it was written (checkpoint, hrefs)."""
    out = {k: v for k, v in doc.items() if k != "checkpoint"}
    out["children"] = [{k: v for k, v in c.items() if k != "href"} for c in doc["children"]]
    return out


# -- pinned files ------------------------------------------------------------


def test_published_files_match_the_pinned_files(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    site.publish()
    site.book.c_hasil(list(site.book.iter_tps())[7])
    site.publish()
    found = published_files(tmp_path)
    if REGENERATE:
        shutil.rmtree(DATA, ignore_errors=True)
        for relpath, data in found.items():
            (DATA / relpath).parent.mkdir(parents=True, exist_ok=True)
            (DATA / relpath).write_bytes(data)
    pinned = published_files(DATA)
    assert sorted(found) == sorted(pinned)
    for relpath, data in found.items():
        assert data == pinned[relpath], f"{relpath} differs (SAKSI_REGENERATE=1 to update)"


def test_first_publication_writes_every_region_summary_exports_and_latest(
    tmp_path: Path,
) -> None:
    site = Site(scenario(), tmp_path)
    result = site.publish()
    n = result.tree_size
    assert n == len(site.book.entries) and result.root_hash == checkpoint_of(site.book).root.hex()
    snapshots = {f for f in result.files if f.startswith(f"{n}/{CONTEST}/")}
    regions = 1 + 2 + 3 + 3 + 4  # nasional, provinsi, kab/kota, kecamatan, desa
    assert len(snapshots) == regions
    assert f"{n}/{CONTEST}/31/3173/317301/3173011006.json" in snapshots
    assert {f for f in result.files if "/export/" in f} == {
        f"{n}/export/{CONTEST}-{name}"
        for name in ("nist.json", "anomalies.json", "provinsi.csv", "kabkota.csv",
                     "kecamatan.csv", "desa.csv", "tps.csv")
    }  # fmt: skip
    assert f"{n}/summary.json" in result.files and LATEST in result.files
    assert list(result.files) == sorted(result.files)
    assert sorted(published_files(tmp_path)) == list(result.files)


def test_the_region_file_is_published_once_under_its_digest(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    site.publish()
    relpath = json.loads((tmp_path / LATEST).read_text())["regions"]
    assert relpath == f"regions/{site.book.hierarchy.digest()}.json"
    assert Hierarchy.load(tmp_path / relpath) == site.book.hierarchy


def test_every_file_names_its_checkpoint(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    result = site.publish()
    named = checkpoint_dict(checkpoint_of(site.book))
    for relpath in result.files:
        text = (tmp_path / relpath).read_text(encoding="utf-8")
        if relpath.endswith(".csv"):
            rows = [line.split(",") for line in text.splitlines()]
            assert rows[0][-2:] == ["tree_size", "root_hash"]
            assert all(r[-2:] == [str(result.tree_size), result.root_hash] for r in rows[1:])
        elif relpath.endswith("-nist.json"):
            (ident,) = json.loads(text)["ExternalIdentifier"]
            assert ident["Value"] == f"{site.book.origin} {result.tree_size} {result.root_hash}"
        else:
            assert json.loads(text)["checkpoint"] == named, relpath


# -- what a snapshot says ----------------------------------------------------


def test_a_desa_snapshot_lists_each_tps_in_full(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    n = site.publish().tree_size
    tps = list(site.book.iter_tps())
    desa = site.read(f"{n}/{CONTEST}/31/3171/317101/3171011001.json")
    assert desa["region"] == {"code": "3171011001", "name": "SENAYAN", "level": "desa"}
    assert [p["code"] for p in desa["path"]] == ["0", "31", "3171", "317101", "3171011001"]
    first, second = desa["children"]
    assert (first["status"], first["witness"], first["counted"]) == ("received", "agree", True)
    assert first["values"]["suara_sah"] == site.book.true_form(tps[0]).suara_sah
    assert first["entries"]["copies"][0]["party"] == "1" and first["entries"]["copies"][0]["agrees"]
    assert (second["status"], second["counted"]) == ("inconsistent", False)
    assert "suara-sah" in second["violations"] and second["totals"]["jumlah_tps"] == 0
    gambir = site.read(f"{n}/{CONTEST}/31/3173/317301/3173011006.json")["children"]
    assert gambir[0]["witness"] == "dispute" and not gambir[0]["entries"]["copies"][0]["agrees"]
    corrected = gambir[1]
    assert corrected["status"] == "corrected"
    assert corrected["entries"]["original"] != corrected["entries"]["current"]
    assert corrected["entries"]["corrections"] == [corrected["entries"]["current"]]


def test_flags_recap_check_and_progress_in_the_snapshots(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    n = site.publish().tree_size
    nation = site.read(f"{n}/{CONTEST}/0.json")
    assert nation["flags"]["turnout-above-100"] == 1
    assert nation["flags"]["unanimous-high-turnout"] == 1
    assert nation["flags"]["voters-above-300"] == 0
    assert nation["progress"] == {"expected": 8, "received": 7, "counted": 6, "percent": 87.5}
    assert nation["recap_check"] is None
    kecamatan = site.read(f"{n}/{CONTEST}/31/3173/317301.json")
    check = kecamatan["recap_check"]
    assert check["complete"] and check["region"] == "317301"
    assert {(d["field"], d["recap"] - d["forms"]) for d in check["differences"]} == {
        ("suara_paslon_02", 37), ("suara_sah", 37),
    }  # fmt: skip
    assert kecamatan["flags"]["turnout-above-100"] == 1
    assert site.read(f"{n}/{CONTEST}/32.json")["flags"]["turnout-above-100"] == 0


def _within(code: str, region: str) -> bool:
    return region == "0" or code.startswith(region)


def test_every_count_of_a_snapshot_is_the_anomalies_listed_within_its_region(
    tmp_path: Path,
) -> None:
    site = Site(scenario(), tmp_path)
    site.publish()
    exports = site.read(LATEST)["contests"][CONTEST]["exports"]
    listed = site.read(exports["anomalies"])["anomalies"]
    seen = 0
    for _, doc in reachable(site):
        region = doc["region"]["code"]
        mine = [a for a in listed if _within(a.get("tps") or a["region"], region)]
        assert doc["anomalies"] == {t: sum(a["type"] == t for a in mine) for t in ANOMALY_TYPES}
        assert doc["counters"]["inconsistent"] == doc["anomalies"]["inconsistent"]
        assert doc["counters"]["flagged"] == doc["anomalies"]["flag"]
        differing = doc["recap_differences"]
        assert sum(differing["by_level"].values()) == doc["anomalies"]["recap-difference"]
        assert [d["code"] for d in differing["first"]] == [
            a["region"] for a in mine if a["type"] == "recap-difference"
        ]
        for child in doc["children"]:
            if "href" in child:
                assert child["anomalies"] == site.read(child["href"])["anomalies"]
        seen += 1
    assert seen == 13
    nation = site.read(site.read(LATEST)["contests"][CONTEST]["snapshot"])
    assert nation["anomalies"] == {
        "inconsistent": 1, "flag": 1, "witness-dispute": 2, "recap-difference": 1,
        "correction": 1,
    }  # fmt: skip
    assert nation["counters"]["witness_dispute"] == 1  # two copies differ at one TPS
    [inflated] = nation["recap_differences"]["first"]
    assert nation["recap_differences"]["by_level"] == {"kecamatan": 1}
    assert (inflated["code"], inflated["name"], inflated["level"]) == (
        "317301", "GAMBIR", "kecamatan",
    )  # fmt: skip
    assert {(d["field"], d["recap"] - d["forms"]) for d in inflated["differences"]} == {
        ("suara_paslon_02", 37), ("suara_sah", 37),
    }  # fmt: skip


def test_a_held_form_is_not_flagged_even_when_a_screen_would_catch_it(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    n = site.publish().tree_size
    desa = site.read(f"{n}/{CONTEST}/31/3171/317101/3171011001.json")
    held = desa["children"][1]
    assert held["status"] == "inconsistent" and "suara-paslon-maks-pengguna" in held["violations"]
    assert held["flags"] == [] and held["counters"]["flagged"] == 0
    nation = site.read(f"{n}/{CONTEST}/0.json")
    assert nation["flags"]["pair-above-voters"] == 0
    assert nation["counters"]["flagged"] == 1  # the unanimous TPS, counted


def test_parent_equals_the_sum_of_its_children_in_every_published_file(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    site.publish()
    site.book.c_hasil(list(site.book.iter_tps())[7])
    site.publish(exports=False)
    seen = 0
    for _, doc in reachable(site):
        children = doc["children"]
        for key in ("jumlah_tps", "suara_sah", "suara_tidak_sah", "suara_total",
                    "pengguna_total_j", "pemilih_dpt_j"):  # fmt: skip
            assert doc["totals"][key] == sum(c["totals"][key] for c in children)
        for pair, votes in doc["totals"]["suara_paslon"].items():
            assert votes == sum(c["totals"]["suara_paslon"][pair] for c in children)
        for name, count in doc["counters"].items():
            assert count == sum(c["counters"][name] for c in children)
        assert doc["progress"]["expected"] == sum(c["progress"]["expected"] for c in children)
        for child in children:
            if "href" in child:  # the child's own file says the same
                own = site.read(child["href"])
                assert own["totals"] == child["totals"] and own["counters"] == child["counters"]
        seen += 1
    assert seen == 13


# -- incremental publication -------------------------------------------------


def test_a_new_checkpoint_writes_exactly_the_changed_regions(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    site.publish()
    site.book.c_hasil(list(site.book.iter_tps())[7])  # 3201012001002
    n = len(site.book.entries)
    assert set(site.publish(exports=False).files) == {
        LATEST, f"{n}/summary.json", f"{n}/{CONTEST}/0.json", f"{n}/{CONTEST}/32.json",
        f"{n}/{CONTEST}/32/3201.json", f"{n}/{CONTEST}/32/3201/320101.json",
        f"{n}/{CONTEST}/32/3201/320101/3201012001.json",
    }  # fmt: skip
    totals = site.recap.totals("3171", CONTEST).to_dict()
    site.book.d_hasil("3171", totals)  # a recap region: itself and its ancestors
    n = len(site.book.entries)
    assert set(site.publish(exports=False).files) == {
        LATEST, f"{n}/summary.json", f"{n}/{CONTEST}/0.json", f"{n}/{CONTEST}/31.json",
        f"{n}/{CONTEST}/31/3171.json",
    }  # fmt: skip
    assert site.read(f"{n}/{CONTEST}/31/3171.json")["recap_check"]["differences"] == []


def test_hrefs_reach_every_regions_latest_snapshot(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path / "live")
    site.publish()
    tps = list(site.book.iter_tps())
    site.book.c_hasil(tps[7])
    site.book.correction(tps[4], site.book.true_form(tps[4]))  # its two flags go
    site.publish(exports=False)
    assert (
        site.read(f"{len(site.book.entries)}/{CONTEST}/0.json")["flags"]["turnout-above-100"] == 0
    )
    site.publisher = Publisher(site.out, durable=False)  # a restart: state from disk
    site.book.correction(tps[1], site.book.true_form(tps[1]), reason="perbaikan")
    site.book.c_salinan(tps[5], "2")
    site.publish(exports=False)
    fresh = Site(site.book, tmp_path / "fresh")
    fresh.publish()  # everything written anew at the same checkpoint
    live = dict(reachable(site))
    expected = dict(reachable(fresh))
    assert len(live) == len(expected) == 13
    generations = {href.split("/")[0] for href in live}
    assert len(generations) == 3  # regions last changed at three different checkpoints
    by_region = {doc["region"]["code"]: doc for doc in live.values()}
    for doc in expected.values():
        assert numbers(by_region[doc["region"]["code"]]) == numbers(doc)


def test_republishing_the_same_checkpoint_writes_nothing(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    first = site.publish(exports=True)
    before = {p: (tmp_path / p).stat().st_mtime_ns for p in published_files(tmp_path)}
    state = (tmp_path / STATE).stat().st_mtime_ns
    again = site.publisher.publish(site.recap, checkpoint_of(site.book), set())
    assert again == first
    restarted = Publisher(tmp_path, durable=False)
    assert restarted.previous_size == first.tree_size
    assert restarted.publish(site.recap, checkpoint_of(site.book), None) == first
    after = {p: (tmp_path / p).stat().st_mtime_ns for p in published_files(tmp_path)}
    assert after == before and (tmp_path / STATE).stat().st_mtime_ns == state


def test_latest_links_the_newest_exports_and_the_checkpoint_note(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    first = site.publish(exports=True).tree_size
    site.book.c_hasil(list(site.book.iter_tps())[7])
    signer = NoteSigner(site.book.origin, bytes(range(32)))
    note = sign_checkpoint(checkpoint_of(site.book), signer)
    second = site.publish(exports=False, checkpoint_note=note).tree_size
    latest = site.read(LATEST)
    assert latest["format"] == "saksi-results/1" and latest["tree_size"] == second
    assert latest["election"] == site.book.origin
    assert latest["checkpoint_note"] == note.decode()
    assert latest["summary"] == f"{second}/summary.json"
    links = latest["contests"][CONTEST]
    assert links["snapshot"] == f"{second}/{CONTEST}/0.json"
    assert links["exports"]["nist"] == f"{first}/export/{CONTEST}-nist.json"  # the newest
    assert links["exports"]["tree_size"] == first  # said, not only implied by the paths
    assert (tmp_path / links["exports"]["csv"]["tps"]).is_file()
    summary = site.read(latest["summary"])
    assert summary["contests"][0]["href"] == links["snapshot"]
    assert summary["contests"][0]["progress"]["received"] == 8


def test_a_first_publication_without_exports_links_none(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    site.publish(exports=False)
    assert site.read(LATEST)["contests"][CONTEST]["exports"] is None


def test_a_checkpoint_published_without_exports_gets_them_later_in_its_generation(
    tmp_path: Path,
) -> None:
    """The throttled exports of a quiet log's last checkpoint (the night's last entry a
    correction of an inconsistent form): the same checkpoint again, with exports, adds
    exactly its exports to its generation, and latest.json links them."""
    site = Site(scenario(), tmp_path)
    first = site.publish(exports=True).tree_size
    tps = list(site.book.iter_tps())[1]  # inconsistent
    corrected = site.book.correction(tps, site.book.true_form(tps))
    second = site.publish(exports=False)
    stale = site.read(LATEST)["contests"][CONTEST]["exports"]
    assert stale["tree_size"] == first < second.tree_size
    assert {"type": "inconsistent", "tps": tps} in kinds(site.read(stale["anomalies"]))
    before = published_files(tmp_path)
    added = site.publish(exports=True)
    size = second.tree_size
    assert added.tree_size == size and added.root_hash == second.root_hash
    exports = {f"{size}/export/{CONTEST}-{n}" for n in ("nist.json", "anomalies.json")}
    exports |= {f"{size}/export/{CONTEST}-{lv}.csv" for lv in LEVELS}
    assert set(added.files) == exports | {LATEST}
    after = published_files(tmp_path)
    assert set(after) - set(before) == exports
    assert all(after[p] == data for p, data in before.items() if p != LATEST)
    links = site.read(LATEST)["contests"][CONTEST]
    assert links["exports"]["tree_size"] == size
    assert links["exports"]["anomalies"] == f"{size}/export/{CONTEST}-anomalies.json"
    assert {k: v for k, v in site.read(LATEST).items() if k != "contests"} == {
        k: v for k, v in json.loads(before[LATEST]).items() if k != "contests"
    }
    named = latest_generation(tmp_path)
    assert exports <= set(named)
    assert set(named.values()) == {(size, second.root_hash)}  # one checkpoint, all of them
    fresh = kinds(site.read(links["exports"]["anomalies"]))
    assert {"type": "inconsistent", "tps": tps} not in fresh
    assert {"type": "correction", "tps": tps, "index": corrected} in fresh
    again = site.publish(exports=True)  # nothing more to write
    assert again.tree_size == size and published_files(tmp_path) == after
    assert Publisher(tmp_path, durable=False).exports_size == size


def kinds(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Each anomaly's type, TPS and (for a correction) index."""
    out = []
    for item in document["anomalies"]:
        found = {"type": item["type"], "tps": item.get("tps") or item.get("region")}
        out.append(found | ({"index": item["index"]} if item["type"] == "correction" else {}))
    return out


def test_exports_added_to_a_generation_are_redone_byte_for_byte_after_a_crash(
    tmp_path: Path,
) -> None:
    """Killed after the exports but before latest.json and the state: publishing the
    checkpoint again with exports writes the same bytes and links them."""
    site = Site(scenario(), tmp_path)
    site.publish(exports=False)
    latest, state = (tmp_path / LATEST).read_bytes(), (tmp_path / STATE).read_bytes()
    done = site.publish(exports=True)
    written = published_files(tmp_path)
    (tmp_path / LATEST).write_bytes(latest)  # as if killed before these two
    (tmp_path / STATE).write_bytes(state)
    restarted = Publisher(tmp_path, durable=False)
    assert restarted.exports_size is None
    assert restarted.publish(site.recap, checkpoint_of(site.book), set()) == done
    assert published_files(tmp_path) == written


# -- refusals ----------------------------------------------------------------


def refused(call: Any, *args: Any, **kwargs: Any) -> RecapError:
    with pytest.raises(RecapError) as caught:
        call(*args, **kwargs)
    error = caught.value
    assert error.message_id and error.message_en and error.message_id != error.message_en
    return error


def test_a_smaller_checkpoint_is_refused_as_a_rollback(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    earlier = len(site.book.entries)
    site.book.c_hasil(list(site.book.iter_tps())[7])
    site.publish()
    old = Recap.replay(site.book.hierarchy, site.book.entries[:earlier])
    before = published_files(tmp_path)
    error = refused(site.publisher.publish, old, checkpoint_of(site.book, earlier), None)
    assert error.code == "recap.publish-rollback"
    assert error.details == {"published": earlier + 1, "tree_size": earlier}
    assert published_files(tmp_path) == before


def test_the_same_size_with_another_root_is_refused(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    site.publish()
    other = Checkpoint(site.book.origin, site.recap.size, bytes(32))
    assert refused(site.publisher.publish, site.recap, other, set()).code == "recap.publish-fork"


def test_a_recap_of_another_size_is_refused(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    short = checkpoint_of(site.book, len(site.book.entries) - 1)
    error = refused(site.publisher.publish, site.recap, short, None)
    assert error.code == "recap.size-mismatch"
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_another_logs_checkpoint_is_refused(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    cp = checkpoint_of(site.book)
    other = Checkpoint("example.com/another-log", cp.size, cp.root)
    assert (
        refused(site.publisher.publish, site.recap, other, None).code == "recap.publish-wrong-log"
    )


def test_unknown_changed_regions_and_foreign_notes_are_refused(tmp_path: Path) -> None:
    site = Site(scenario(), tmp_path)
    cp = checkpoint_of(site.book)
    error = refused(site.publisher.publish, site.recap, cp, {"3173011006999"})
    assert error.code == "recap.publish-unknown-region"
    other = Checkpoint(cp.origin, cp.size, bytes(32))
    note = sign_checkpoint(other, NoteSigner(cp.origin, bytes(range(32))))
    error = refused(site.publisher.publish, site.recap, cp, None, checkpoint_note=note)
    assert error.code == "recap.publish-note-mismatch"
    error = refused(site.publisher.publish, site.recap, cp, None, checkpoint_note=b"\xff\xfe")
    assert error.code == "recap.publish-note-mismatch"


def test_an_unreadable_state_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".state").mkdir()
    (tmp_path / STATE).write_text('{"format": "saksi-publisher/1"}')
    error = refused(Publisher, tmp_path)
    assert error.code == "recap.publish-bad-state"


def test_an_unwritable_folder_is_a_recap_error(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file where the folder should be")
    site = Site(scenario(), tmp_path / "blocked")
    error = refused(site.publish)
    assert error.code == "recap.publish-io"
    assert error.details["path"] == LATEST or error.details["path"].endswith(".json")


# -- properties --------------------------------------------------------------

ACTIONS = st.lists(
    st.tuples(st.sampled_from(["form", "broken", "copy", "correct", "recap", "publish"]),
              st.integers(0, 7)),
    min_size=1, max_size=14,
)  # fmt: skip
RECAP_REGIONS = ("317101", "317301", "3171", "3173", "31", "320101", "3201", "0")


def inflated_recap(book: Logbook, region: str) -> None:
    """The region's D.Hasil: its forms' sum as folded now, 1 more vote for pair 02."""
    totals = Recap.replay(book.hierarchy, book.entries).totals(region, CONTEST).to_dict()
    totals["suara_paslon"]["02"] += 1
    totals["suara_sah"] += 1
    book.d_hasil(region, totals)


def act(book: Logbook, action: str, index: int, copied: set[str]) -> None:
    tps = list(book.iter_tps())[index]
    logged = tps in book.in_force
    if action == "recap" and RECAP_REGIONS[index] not in copied:  # one D.Hasil a region
        copied.add(RECAP_REGIONS[index])
        inflated_recap(book, RECAP_REGIONS[index])
    elif action in ("form", "broken") and not logged:
        form = book.true_form(tps)
        book.c_hasil(tps, broken(form) if action == "broken" else form)
    elif action == "copy" and logged and tps not in copied:  # a second would be a duplicate
        copied.add(tps)
        book.c_salinan(tps, "2", shifted(book.true_form(tps), 2))
    elif action == "correct" and logged:
        book.correction(tps, unanimous(grown(book.true_form(tps), 1)))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=ACTIONS)
def test_incremental_publications_reach_what_a_fresh_one_writes(
    actions: list[tuple[str, int]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = Site(tiny(), Path(folder) / "live")
        site.publish(exports=False)
        copied: set[str] = set()
        for action, index in actions:
            if action == "publish":
                if len(site.book.entries) > (site.publisher.previous_size or 0):
                    site.publish(exports=False)
            else:
                act(site.book, action, index, copied)
        site.publish(exports=False)
        fresh = Site(site.book, Path(folder) / "fresh")
        fresh.publish(exports=False)
        live = {doc["region"]["code"]: numbers(doc) for _, doc in reachable(site)}
        assert live == {doc["region"]["code"]: numbers(doc) for _, doc in reachable(fresh)}


@settings(max_examples=50, deadline=None)
@given(  # every JSON file Saksi reads holds integers within ±(2^53 - 1) (I-JSON)
    size=st.integers(0, MAX_SAFE_INTEGER),
    exports=st.none() | st.integers(0, MAX_SAFE_INTEGER),
    generations=st.dictionaries(
        st.sampled_from(["ppwp", "dpr"]),
        st.dictionaries(
            st.from_regex(r"[0-9]{1,13}", fullmatch=True), st.integers(0, MAX_SAFE_INTEGER)
        ),
    ),
)
def test_the_publisher_state_round_trips(
    size: int, exports: int | None, generations: dict[str, dict[str, int]]
) -> None:
    state = _State("example.com/log", size, "ab" * 32, exports, generations)
    assert _State.parse(encode(state.to_dict()), "here") == state
