"""``saksi recap SOURCE``: a published log, from a folder or over HTTP, folded to totals."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.election.codes import NASIONAL
from saksi.election.contests import ContestKind
from saksi.election.synthetic_contests import synthetic_contests
from saksi.recap.fold import Recap
from saksi.recap.legislative_reconcile import anomalies as legislative_anomalies
from saksi.recap.legislative_seats import contest_seats
from saksi.sim.logbook import Logbook
from saksi.store import open_store
from saksi.tlog.log import Log
from tests.recap.factory import (
    broken,
    inflated,
    legislative_night,
    night,
    shifted,
    tiny,
    tiny_contests,
)
from tests.recap.generation import latest_generation, named_checkpoint
from tests.recap.test_legislative_fold import A, kabkota_night
from tests.recap.test_legislative_reconcile import inflated_totals
from tests.static_site import serve_folder
from tests.waiting import Output, wait_for


def publish(book: Logbook, directory: Path) -> str:
    """The logbook's entries as a signed tlog-tiles publication; returns the verifier key."""
    log, vkey = Log.create(directory, book.origin, open_store, durable=False)
    try:
        log.append(book.entries)
        log.integrate()
    finally:
        log.close()
    return vkey


@pytest.fixture
def published(tmp_path: Path) -> tuple[Logbook, Path, Path, str]:
    book = tiny()
    tps = list(book.iter_tps())
    for code in tps[1:]:
        book.c_hasil(code)
    book.c_hasil(tps[0], broken(book.true_form(tps[0])))
    book.c_salinan(tps[2], "3", shifted(book.true_form(tps[2]), 2))
    regions = tmp_path / "regions.json"
    book.hierarchy.save(regions)
    vkey = publish(book, tmp_path / "log")
    return book, tmp_path / "log", regions, vkey


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_recap_of_a_folder_gives_the_folds_totals(
    published: tuple[Logbook, Path, Path, str],
) -> None:
    book, log_dir, regions, vkey = published
    code, out, err = run(
        "recap", str(log_dir), "--regions", str(regions), "--log-key", vkey, "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    expected = Recap.replay(book.hierarchy, book.entries)
    assert data["totals"] == expected.totals(NASIONAL, "ppwp").to_dict()
    assert data["checkpoint"]["tree_size"] == len(book.entries)
    assert data["checkpoint"]["signature_checked"] is True
    assert data["progress"] == {"expected": 8, "received": 8, "counted": 7, "percent": 100.0}
    assert data["anomalies"] == {"inconsistent": 1, "witness-dispute": 1}
    assert [c["code"] for c in data["children"]] == list(book.hierarchy.children(NASIONAL))


def test_recap_prints_a_readable_table(published: tuple[Logbook, Path, Path, str]) -> None:
    _, log_dir, regions, _ = published
    code, out, err = run("recap", str(log_dir), "--regions", str(regions), "--region", "31")
    assert code == 0, err
    assert "signature NOT checked" in out
    assert "paslon 01" in out and "TPS received" in out
    assert "anomalies / anomali: inconsistent: 1, witness-dispute: 1" in out


@pytest.fixture
def http_base(published: tuple[Logbook, Path, Path, str]) -> Iterator[str]:
    with serve_folder(published[1]) as base:
        yield base


def test_recap_over_http_equals_recap_of_the_folder(
    published: tuple[Logbook, Path, Path, str], http_base: str
) -> None:
    _, log_dir, regions, vkey = published
    local = run("recap", str(log_dir), "--regions", str(regions), "--json")
    remote = run("recap", http_base, "--regions", str(regions), "--log-key", vkey, "--json")
    assert remote[0] == 0, remote[2]
    assert json.loads(remote[1])["totals"] == json.loads(local[1])["totals"]


def test_a_wrong_log_key_is_refused(
    published: tuple[Logbook, Path, Path, str], tmp_path: Path
) -> None:
    _, log_dir, regions, _ = published
    _, other = Log.create(tmp_path / "other", "saksi.example/other", open_store, durable=False)
    code, _, err = run("recap", str(log_dir), "--regions", str(regions), "--log-key", other)
    assert code == 2 and "log.checkpoint" in err


def test_an_altered_tile_is_caught(published: tuple[Logbook, Path, Path, str]) -> None:
    _, log_dir, regions, _ = published
    bundle = next((log_dir / "tile" / "entries").rglob("*"))
    while bundle.is_dir():
        bundle = next(bundle.iterdir())
    data = bytearray(bundle.read_bytes())
    data[100] ^= 1
    bundle.write_bytes(bytes(data))
    code, _, err = run("recap", str(log_dir), "--regions", str(regions))
    assert code == 2 and "log.bundle-mismatch" in err


def test_missing_source_and_wrong_regions(
    published: tuple[Logbook, Path, Path, str], tmp_path: Path
) -> None:
    _, log_dir, _, _ = published
    code, _, err = run("recap", str(tmp_path / "nowhere"))
    assert code == 2 and "log.source-unreachable" in err
    code, _, err = run("recap", str(log_dir))  # the default synthetic hierarchy: another election
    assert code == 2 and "recap.regions-mismatch" in err


def test_publish_writes_the_results_then_only_what_changed(tmp_path: Path) -> None:
    book = tiny()
    tps = list(book.iter_tps())
    for tps_code in tps[:4]:
        book.c_hasil(tps_code)
    regions = tmp_path / "regions.json"
    book.hierarchy.save(regions)
    log_dir, out = tmp_path / "log", tmp_path / "results"
    log, vkey = Log.create(log_dir, book.origin, open_store, durable=False)
    try:
        log.append(book.entries)
        log.integrate()
        args = ["publish", str(log_dir), "--out", str(out), "--regions", str(regions)]
        code, text, err = run(*args, "--log-key", vkey)
        assert code == 0, err
        first = json.loads((out / "latest.json").read_text())
        assert first["tree_size"] == len(book.entries)
        before = {p for p in out.rglob("*") if p.is_file() and ".state" not in p.parts}
        book.c_hasil(tps[6])  # one more TPS, in another province
        log.append(book.entries[-1:])
        log.integrate()
        code, text, err = run(*args, "--no-exports")
        assert code == 0, err
        again = run(*args, "--no-exports")  # nothing new: nothing written
        assert again[0] == 0 and again[1].startswith("up to date at tree size")
        after = {p for p in out.rglob("*") if p.is_file() and ".state" not in p.parts}
        exported = run(*args)  # the same checkpoint, now with its exports
        assert exported[0] == 0, exported[2]
    finally:
        log.close()
    new = sorted(str(p.relative_to(out)) for p in after - before)
    size = len(book.entries)
    exports = {p for p in out.rglob("*") if p.is_file() and ".state" not in p.parts} - after
    assert sorted(str(p.relative_to(out)) for p in exports) == sorted(
        f"{size}/export/ppwp-{name}"
        for name in ("nist.json", "anomalies.json", "provinsi.csv", "kabkota.csv",
                     "kecamatan.csv", "desa.csv", "tps.csv")
    )  # fmt: skip
    links = json.loads((out / "latest.json").read_text())["contests"]["ppwp"]["exports"]
    assert links["tree_size"] == size and links["nist"] == f"{size}/export/ppwp-nist.json"
    tps6 = tps[6]
    prov, kab, kec, desa = tps6[:2], tps6[:4], tps6[:6], tps6[:10]
    expected_files = [
        "summary.json",
        "ppwp/0.json",
        f"ppwp/{prov}.json",
        f"ppwp/{prov}/{kab}.json",
        f"ppwp/{prov}/{kab}/{kec}.json",
        f"ppwp/{prov}/{kab}/{kec}/{desa}.json",
    ]
    assert new == sorted(f"{size}/{name}" for name in expected_files)
    national = json.loads((out / f"{size}/ppwp/0.json").read_text())
    expected = Recap.replay(book.hierarchy, book.entries).totals(NASIONAL, "ppwp").to_dict()
    assert national["totals"] == expected
    assert f"{size:,}" in text


def test_recap_and_publish_of_a_v2_log_take_the_data_folders_contests_file(
    tmp_path: Path,
) -> None:
    """A format v2 log: the contests file given, or found as DATA/contests.json.gz
    beside DATA/log, checked against the manifest's digest; PPWP reported as for v1,
    then every legislative contest's progress and seats."""
    book = night(contests=tiny_contests(), between=legislative_night)
    data = tmp_path / "data"
    log_dir = data / "log"
    vkey = publish(book, log_dir)
    regions = tmp_path / "regions.json"
    book.hierarchy.save(regions)
    base = ["recap", str(log_dir), "--regions", str(regions), "--log-key", vkey]

    code, _, err = run(*base)
    assert code == 2 and "recap.contests-required" in err and "--contests" in err
    digest = tiny_contests().save(data / "contests.json.gz")  # as saksi serve records it
    code, out, err = run(*base, "--json")
    assert code == 0, err
    report = json.loads(out)
    expected = Recap.replay(book.hierarchy, book.entries, contests=tiny_contests())
    assert report["totals"] == expected.totals(NASIONAL, "ppwp").to_dict()
    assert "not_totalled" not in report
    assert list(report["legislative"]) == ["dpr", "dpd", "dprd-prov", "dprd-kabkota"]
    checkpoint = {k: v for k, v in report["checkpoint"].items() if k != "signature_checked"}
    for contest, seats in report["legislative"].items():
        assert seats == {
            **contest_seats(expected, contest).to_json(checkpoint),
            "name": expected.manifest.contest(contest).name,  # type: ignore[union-attr]
        }
    code, out, err = run(*base)
    assert code == 0, err
    assert "(dpr): 5 / 8 TPS received (62.5%), 3 counted" in out
    assert f"seats at tree size {len(book.entries)}: PROVISIONAL / SEMENTARA" in out
    assert (
        "3101            10         2         2        0  provisional / sementara: held, threshold"
        in out
    )
    code, out, err = run(*base, "--contest", "dpr", "--json")
    assert code == 0, err
    dpr = json.loads(out)
    tally = expected.legislative("dpr")
    assert dpr["totals"] == tally.totals(NASIONAL).to_dict()
    assert [c["code"] for c in dpr["children"]] == ["31", "32"]
    assert dpr["seats"] == report["legislative"]["dpr"]
    code, out, err = run(*base, "--contest", "dpr", "--region", "32")
    assert code == 0, err
    assert "B suara sah partai" in out and "JAWA BARAT (32), dpr: 2 / 2 TPS received" in out
    assert "  3201            100.0%" in out

    other = tmp_path / "other.json.gz"
    synthetic_contests(book.hierarchy, seed=7).save(other)
    code, _, err = run(*base, "--contests", str(other))  # given beats recorded
    assert code == 2 and "recap.contests-mismatch" in err and str(other) in err
    code, out, err = run(*base, "--contests", str(data / "contests.json.gz"), "--json")
    assert code == 0, err

    results = tmp_path / "results"
    code, _, err = run("publish", str(log_dir), "--out", str(results), "--regions", str(regions))
    assert code == 0, err
    latest = json.loads((results / "latest.json").read_text())
    assert latest["contests_file"] == f"contests/{digest}.json"
    assert (results / latest["contests_file"]).read_bytes() == tiny_contests().canonical_bytes()
    assert list(latest["contests"]) == ["ppwp"]


@dataclass
class Following:
    """A log holding a logbook's entries, and a real ``saksi publish --follow`` on it."""

    log: Log
    child: subprocess.Popen[bytes]
    out: Path
    stdout: str = ""

    def size(self) -> int | None:
        """The tree size of the results' latest.json (None before the first)."""
        latest = self.out / "latest.json"
        return int(json.loads(latest.read_text())["tree_size"]) if latest.exists() else None

    def grow(self, entries: list[bytes]) -> None:
        self.log.append(entries)
        self.log.integrate()

    def stop(self) -> None:
        self.child.send_signal(signal.SIGTERM)
        assert self.child.wait(timeout=30) == 0


@contextmanager
def following(book: Logbook, tmp_path: Path, *options: str) -> Iterator[Following]:
    """``book``'s entries in a log under ``tmp_path/log`` (integrated), followed into
    ``tmp_path/results`` every 0.1 s with ``options``; its stdout kept at the end."""
    regions = tmp_path / "regions.json"
    book.hierarchy.save(regions)
    log_dir, out = tmp_path / "log", tmp_path / "results"
    log, vkey = Log.create(log_dir, book.origin, open_store, durable=False)
    log.append(book.entries)
    log.integrate()
    command = [sys.executable, "-m", "saksi", "publish", str(log_dir), "--out", str(out),
               "--regions", str(regions), "--log-key", vkey, "--follow", "--interval", "0.1",
               *options]  # fmt: skip
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    running = Following(log, child, out)
    try:
        yield running
    finally:
        log.close()
        if child.poll() is None:
            child.kill()
        running.stdout = child.communicate(timeout=30)[0].decode()


def test_publish_follow_publishes_each_new_checkpoint_until_sigterm(tmp_path: Path) -> None:
    """A real ``saksi publish --follow`` process beside a log that grows."""
    book = tiny()
    tps = list(book.iter_tps())
    book.c_hasil(tps[0])
    size = len(book.entries)
    with following(book, tmp_path, "--exports-every", "3600") as run:
        wait_for(lambda: run.size() == size)
        assert (run.out / str(size) / "export" / "ppwp-nist.json").exists()  # the first has
        book.c_hasil(tps[5])
        run.grow(book.entries[-1:])
        wait_for(lambda: run.size() == size + 1)
        assert not (run.out / str(size + 1) / "export").exists()  # at most one an hour
        run.stop()
    assert f"published tree size {size + 1:,}" in run.stdout
    national = json.loads((run.out / str(size + 1) / "ppwp" / "0.json").read_text())
    assert (
        national["totals"]
        == Recap.replay(book.hierarchy, book.entries).totals("0", "ppwp").to_dict()
    )


def test_publish_follow_exports_a_quiet_logs_last_checkpoint(tmp_path: Path) -> None:
    """The night's last entries (a correction of an inconsistent form, a D.Hasil that
    differs from its forms), then nothing: once ``--exports-every`` has passed, the
    anomalies export shows them, and every file of the latest generation names that
    checkpoint; meanwhile latest.json says which checkpoint its exports are of."""
    book = tiny()
    tps = list(book.iter_tps())
    for code in tps[1:]:
        book.c_hasil(code)
    book.c_hasil(tps[0], broken(book.true_form(tps[0])))
    first = len(book.entries)
    with following(book, tmp_path, "--exports-every", "3") as run:
        wait_for(lambda: run.size() == first)
        corrected = book.correction(tps[0], book.true_form(tps[0]))
        recap = book.d_hasil("317301", inflated(book, "317301", 50))
        run.grow(book.entries[first:])  # and then the log stays quiet
        signed = run.log.signed_checkpoint()
        assert signed is not None and signed.size == len(book.entries)
        size, root_hash = signed.size, signed.root.hex()

        def exported() -> dict[str, Any] | None:
            doc = json.loads((run.out / "latest.json").read_text())
            links = doc["contests"]["ppwp"]["exports"]
            path = links["anomalies"]
            named = named_checkpoint(path, (run.out / path).read_bytes())
            assert named[0] == links["tree_size"] <= doc["tree_size"]  # said, never mixed
            return json.loads((run.out / path).read_text()) if named[0] == size else None

        anomalies = wait_for(exported, timeout=120)["anomalies"]
        generation = latest_generation(run.out)
        run.stop()
    assert {"type": "correction", "index": corrected} in [
        {"type": a["type"], "index": a["index"]} for a in anomalies
    ]
    assert not [a for a in anomalies if a["type"] == "inconsistent"]  # corrected since
    differences = [a for a in anomalies if a["type"] == "recap-difference"]
    assert [(a["region"], a["index"]) for a in differences] == [("317301", recap)]
    assert set(generation.values()) == {(size, root_hash)}


def test_publish_follow_waits_quietly_for_the_first_checkpoint(tmp_path: Path) -> None:
    """Started before the log has a checkpoint (as ``saksi serve`` starts it), the
    follower says once that it waits, not an error, then publishes the first one."""
    book = tiny()
    book.c_hasil(next(iter(book.iter_tps())))
    regions = tmp_path / "regions.json"
    book.hierarchy.save(regions)
    log_dir, out = tmp_path / "log", tmp_path / "results"
    log_dir.mkdir()
    command = [sys.executable, "-m", "saksi", "publish", str(log_dir), "--out", str(out),
               "--regions", str(regions), "--follow", "--interval", "0.1"]  # fmt: skip
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    stderr = Output(child.stderr)
    log = None
    try:
        wait_for(lambda: "waiting for the first checkpoint" in stderr.text())  # it looked
        log, _ = Log.create(log_dir, book.origin, open_store, durable=False)
        log.append(book.entries)
        log.integrate()
        latest = out / "latest.json"
        wait_for(latest.exists)
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=30) == 0
    finally:
        if log is not None:
            log.close()
        if child.poll() is None:
            child.kill()
            child.wait()
    said = stderr.close()
    assert said.count("waiting for the first checkpoint") == 1
    assert "menunggu checkpoint pertama" in said
    assert "log.source-no-checkpoint" not in said


def test_the_ppwp_report_of_a_v2_log_is_the_v1_nights_then_the_seats_follow(
    tmp_path: Path,
) -> None:
    """The night logged as v1 and as v2 with legislative entries between: the PPWP part
    of the report is the same, line for line (the first names the log), and the
    legislative contests come after it."""
    outputs = []
    for name, book in (("v1", night()), ("v2", night(contests=tiny_contests(),
                                                        between=legislative_night))):  # fmt: skip
        data = tmp_path / name
        vkey = publish(book, data / "log")
        book.hierarchy.save(data / "regions.json")
        if book.contests is not None:
            book.contests.save(data / "contests.json.gz")
        code, out, err = run("recap", str(data / "log"), "--regions", str(data / "regions.json"),
                             "--log-key", vkey)  # fmt: skip
        assert code == 0, err
        outputs.append(out.splitlines())
    v1, v2 = outputs
    assert v2[1 : len(v1)] == v1[1:]
    assert v2[len(v1)] == "" and v2[len(v1) + 1].startswith("Pemilihan Umum Anggota DPR (dpr): ")
    assert not any("dpr" in line for line in v1)


def test_recap_of_a_legislative_contest_shows_its_findings(tmp_path: Path) -> None:
    """``--contest dprd-kabkota``: a kab/kota D.Hasil raising party 4 by 25, a witness
    copy that differs, as one list in --json and one line each in the text."""
    book = tiny(contests=tiny_contests())
    _, second = kabkota_night(book)
    book.legislative_c_salinan(A, ContestKind.DPRD_KABKOTA, "3", second)  # B's numbers at A
    folded = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    book.legislative_d_hasil(
        "3201", ContestKind.DPRD_KABKOTA, "320101", inflated_totals(folded, "4", 25)
    )
    log_dir = tmp_path / "log"
    vkey = publish(book, log_dir)
    regions, contests = tmp_path / "regions.json", tmp_path / "contests.json.gz"
    book.hierarchy.save(regions)
    tiny_contests().save(contests)
    base = ["recap", str(log_dir), "--regions", str(regions), "--contests", str(contests),
            "--log-key", vkey, "--contest", "dprd-kabkota"]  # fmt: skip
    code, out, err = run(*base, "--json")
    assert code == 0, err
    report = json.loads(out)
    code, pooled, err = run(*base, "--json", "--workers", "1")  # a reading worker: the same
    assert code == 0, err
    assert json.loads(pooled) == report
    expected = Recap.replay(book.hierarchy, book.entries, contests=tiny_contests())
    assert report["findings"] == legislative_anomalies(expected, "dprd-kabkota")
    assert report["anomalies"] == {"witness-dispute": 1, "recap-difference": 1}
    (differing,) = [r for r in report["recaps"] if r["differences"]]
    assert (differing["region"], differing["dapil"], differing["complete"]) == (
        "3201", "320101", True,
    )  # fmt: skip
    assert differing["differences"][0] == {
        "field": "suara_partai_4", "recap": 30, "forms": 5, "party": "4",
    }  # fmt: skip
    code, out, err = run(*base)
    assert code == 0, err
    assert "anomalies / anomali: recap-difference: 1, witness-dispute: 1" in out
    assert (
        "D.Hasil kabkota 3201 dapil 320101: suara_partai_4 (party 4) recap 30 vs forms 5 (+25), "
        "suara_sah_partai_4 (party 4) recap 85 vs forms 60 (+25)"
    ) in out
    assert f"witness copy of party 3 at TPS {A} differs: " in out
