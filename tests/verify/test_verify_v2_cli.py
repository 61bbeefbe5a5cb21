"""``saksi verify`` of a format v2 publication: the log of an election of five ballots,
its contests file published beside the results (``results/contests/<digest>.json``, the
path the publisher writes it to) or given with ``--contests``.

The legislative totals are the next issue's: the verifier checks every entry of every
contest and counts each contest's; the results it compares are PPWP's (the Publisher's,
in the last test; the others publish the log and the contests file only).
"""

from __future__ import annotations

import gzip
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.store import open_store
from saksi.tlog.log import Log
from tests.election.legislative_factory import ORIGIN, small_world
from tests.verify.v2_factory import V2Log


def _publish(root: Path, entries: list[bytes], *, contests: bool = True) -> str:
    """``root/log`` (C2SP tiles) and, with ``contests``, the contests file beside the
    results; the log's verifier key."""
    hierarchy, file = small_world()
    root.mkdir(parents=True, exist_ok=True)
    hierarchy.save(root / "regions.json")
    log, vkey = Log.create(root / "log", ORIGIN, open_store, durable=False)
    try:
        log.append(entries)
        log.integrate()
    finally:
        log.close()
    if contests:
        (root / "results" / "contests").mkdir(parents=True)
        file.save(root / "results" / "contests" / f"{file.digest()}.json")
    return vkey


def _grow(root: Path, entries: list[bytes]) -> None:
    log = Log.open(root / "log", open_store, durable=False)
    try:
        log.append(entries)
        log.integrate()
    finally:
        log.close()


def _verify(root: Path, vkey: str, state: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    args = ["verify", str(root), "--log-key", vkey, "--state", str(state), "--json"]
    args += ["--regions", str(root / "regions.json"), *extra]
    result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    report = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, report, result.stderr


def _night(log: V2Log) -> None:
    """Forms of every contest at three TPS (one inconsistent, one flagged), witnesses
    of a party and of a DPD candidate, a correction, a D.Hasil, a PPWP form."""
    for which in (0, 1, 2):
        for kind in range(4):
            log.play("hasil", which, kind, 1)
    log.play("broken", 6, 0, 1)
    log.play("flagged", 7, 2, 1)
    log.play("copy", 0, 0, 1)
    log.play("dpd-witness", 0, 1, 1)
    log.play("correct", 1, 2, 3)
    log.play("dhasil", 0, 0, 1)
    log.play("ppwp", 0, 0, 1)


@pytest.fixture
def night(tmp_path: Path) -> tuple[V2Log, Path, str]:
    log = V2Log()
    _night(log)
    assert all(v is None for v in log.verdicts), log.verdicts
    root = tmp_path / "pub"
    return log, root, _publish(root, log.entries)


def test_a_v2_log_verifies_from_a_folder_then_resumes(
    night: tuple[V2Log, Path, str], tmp_path: Path
) -> None:
    log, root, vkey = night
    state = tmp_path / "state"
    code, report, err = _verify(root, vkey, state)
    assert code == 0, (report, err)
    assert report["checked"]["entries"] == len(log.entries)
    counts = report["checked"]["legislative"]
    assert set(counts) == {"dpr", "dpd", "dprd-prov", "dprd-kabkota"}
    assert counts["dpr"]["forms"] == 4 and counts["dpr"]["inconsistent"] == 1
    assert counts["dpr"]["entries"] == 6 and counts["dpr"]["refused"] == 0  # + a copy, a D.Hasil
    assert counts["dprd-prov"]["flagged"] == 1 and counts["dprd-prov"]["forms"] == 5
    assert counts["dpd"]["entries"] == 4  # three forms and a candidate's witness's copy
    assert report["state_saved"]
    assert any("no results are published" in n["en"] for n in report["notices"])

    size = len(log.entries)
    log.play("hasil", 3, 0, 1)
    log.play("wrong-dapil", 4, 0, 1)  # refused: an unauthorized entry the log should not hold
    _grow(root, log.entries[size:])
    code, report, _ = _verify(root, vkey, state)
    assert code == 6, report
    assert report["checked"]["entries"] == len(log.entries) - size
    assert report["checked"]["legislative"] == {
        "dpr": {"entries": 2, "refused": 1, "forms": 1, "inconsistent": 0, "flagged": 0}
    }
    (found,) = [f for f in report["findings"] if f["code"] == "verify.unauthorized"]
    assert found["details"] == {"index": len(log.entries) - 1, "cause": "contest.district-mismatch"}


def test_the_summary_names_each_contests_entries(
    night: tuple[V2Log, Path, str], tmp_path: Path
) -> None:
    _, root, vkey = night
    args = ["verify", str(root), "--log-key", vkey, "--state", str(tmp_path / "s")]
    result = CliRunner().invoke(cli, [*args, "--regions", str(root / "regions.json")])
    assert result.exit_code == 0, result.output
    assert "  dpr / dpr: 6 entries (4 forms: 1 inconsistent, 0 flagged; 0 refused)" in result.stdout


def test_the_contests_file_given_or_missing_or_another(tmp_path: Path) -> None:
    log = V2Log()
    _night(log)
    root = tmp_path / "pub"
    vkey = _publish(root, log.entries, contests=False)
    code, _, err = _verify(root, vkey, tmp_path / "s1")
    assert code == 2 and "verify.no-contests" in err and "--contests" in err
    _, file = small_world()
    given = tmp_path / "contests.json.gz"
    given.write_bytes(gzip.compress(file.canonical_bytes()))
    code, report, err = _verify(root, vkey, tmp_path / "s2", "--contests", str(given))
    assert code == 0, (report, err)
    assert report["checked"]["legislative"]["dpd"]["entries"] == 4
    other = tmp_path / "other.json"
    other.write_bytes(file.canonical_bytes().replace(b'"name":"', b'"name":"X', 1))
    code, _, err = _verify(root, vkey, tmp_path / "s3", "--contests", str(other))
    assert code == 2 and "verify.contests-mismatch" in err
    spaced = tmp_path / "spaced.json"
    spaced.write_text(json.dumps(json.loads(file.canonical_bytes())))
    code, _, err = _verify(root, vkey, tmp_path / "s4", "--contests", str(spaced))
    assert code == 2 and "verify.contests-mismatch" in err  # other bytes: another digest


def test_a_v1_log_needs_no_contests_file(tmp_path: Path) -> None:
    """``--contests`` is read only for a log whose manifest names one."""
    from tests.verify.factory import build

    pub = build(tmp_path / "pub")
    given = tmp_path / "contests.json"
    given.write_bytes(b"not read")
    args = ["verify", str(pub.root), "--log-key", pub.vkey, "--state", str(tmp_path / "s")]
    result = CliRunner().invoke(cli, [*args, "--json", "--contests", str(given)])
    assert result.exit_code == 0, result.output
    assert "legislative" not in json.loads(result.stdout)["checked"]


def test_published_legislative_results_are_skipped_not_a_finding() -> None:
    """A legislative contest latest.json lists under ``contests`` (where the Publisher
    lists PPWP alone) is skipped there and named in a notice, never called "not in the
    election": its files are compared where ``legislative`` links them."""
    from saksi.verify.totals import ResultsCheck
    from tests.verify.test_v2_against_intake import fold_log

    log = V2Log()
    log.play("hasil", 0, 0, 1)
    _, fold, _ = fold_log(log.entries)
    check = ResultsCheck(None, {"contests": {"dpr": {"snapshot": "9/dpr/0.json"}}})  # type: ignore[arg-type]
    assert list(check._contests(fold)) == []
    assert check.skipped == {"dpr"} and check.found == []


def test_a_v2_publication_with_the_publishers_results_verifies(tmp_path: Path) -> None:
    """The Publisher's results of a v2 log (PPWP totalled, the contests file at
    contests/<digest>.json, named by latest.json's contests_file): the verifier finds the
    contests file there, compares the PPWP results, counts each legislative contest, and
    a PPWP number changed in a snapshot is still caught."""
    from saksi.recap.fold import Recap
    from saksi.recap.publish import Publisher

    log = V2Log()
    _night(log)
    root = tmp_path / "pub"
    vkey = _publish(root, log.entries, contests=False)
    hierarchy, file = small_world()
    opened = Log.open(root / "log", open_store, durable=False)
    try:
        checkpoint, note = opened.signed_checkpoint(), opened.checkpoint()
    finally:
        opened.close()
    assert checkpoint is not None and note is not None
    recap = Recap.replay(hierarchy, log.entries, contests=file)
    Publisher(root / "results", durable=False).publish(
        recap, checkpoint, None, checkpoint_note=note
    )
    latest = json.loads((root / "results" / "latest.json").read_bytes())
    assert latest["contests_file"] == f"contests/{file.digest()}.json"
    code, report, err = _verify(root, vkey, tmp_path / "s")
    assert code == 0, (report, err)
    assert report["checked"]["results"] and report["checked"]["snapshots"] > 0
    assert report["checked"]["legislative"]["dpr"]["entries"] == 6

    snapshot = root / "results" / latest["contests"]["ppwp"]["snapshot"]
    doc = json.loads(snapshot.read_bytes())
    doc["totals"]["suara_sah"] += 1
    snapshot.write_text(json.dumps(doc))
    code, report, _ = _verify(root, vkey, tmp_path / "s2")
    assert code == 7, report
    assert {f["code"] for f in report["findings"]} == {"verify.totals-differ"}


def test_the_report_gives_each_contests_own_tally_and_seats_the_references(
    night: tuple[V2Log, Path, str], tmp_path: Path
) -> None:
    """The verifier's own legislative seats (docs/verify.md) equal ``saksi recap
    --json``'s for the same log: progress, threshold, seats, provisional and why."""
    from saksi.recap.fold import Recap
    from saksi.recap.legislative_seats import contest_seats
    from tests.verify.test_legislative_tally import wordless

    log, root, vkey = night
    code, report, err = _verify(root, vkey, tmp_path / "state")
    assert code == 0, (report, err)
    seats = report["legislative_seats"]
    hierarchy, contests = small_world()
    recap = Recap.replay(hierarchy, log.entries, contests=contests)
    names = {c["kind"]: c["name"] for c in json.loads(log.entries[0])["stmt"]["contests"]}
    assert set(seats) == set(recap.legislative_contests)
    for contest in recap.legislative_contests:
        theirs = contest_seats(recap, contest).to_json(report["checkpoint"])
        assert wordless(seats[contest]) == wordless({**theirs, "name": names[contest]})
    assert seats["dpr"]["progress"]["received"] == 4 and seats["dpr"]["provisional"] is True
    assert (
        "missing"
        in seats["dpr"]["dapil_status"][next(iter(seats["dpr"]["dapil_status"]))]["reasons"]
    )
    args = ["verify", str(root), "--log-key", vkey, "--state", str(tmp_path / "s")]
    result = CliRunner().invoke(cli, [*args, "--regions", str(root / "regions.json")])
    assert result.exit_code == 0, result.output
    expected = seats["dpr"]["progress"]["expected"]
    assert f"  dpr recomputed / dihitung ulang: 4 of {expected:,} TPS received" in result.stdout
    assert "PROVISIONAL / SEMENTARA" in result.stdout


def test_a_state_of_the_layout_before_the_legislative_tally_is_refolded(
    night: tuple[V2Log, Path, str], tmp_path: Path
) -> None:
    """A saksi-verify-fold/2 state of a v2 log (no legislative values): the next run
    folds the log again from entry 0 and gives the same seats, then saves fold/5."""
    import hashlib
    import io

    from saksi.verify import layout
    from tests.verify.test_fold_layout import _write_fold_v2
    from tests.verify.test_v2_against_intake import CONTESTS, REGIONS

    log, root, vkey = night
    state = tmp_path / "state"
    code, first, _ = _verify(root, vkey, state)
    assert code == 0
    saved = json.loads((state / "state.json").read_text())
    fold_path = state / saved["fold"]
    with open(fold_path, "rb") as handle:
        fold = layout.read(handle, REGIONS, lambda m: CONTESTS)
    buffer = io.BytesIO()
    _write_fold_v2(fold, buffer)
    fold_path.write_bytes(buffer.getvalue())
    saved["fold_sha256"] = hashlib.sha256(buffer.getvalue()).hexdigest()
    (state / "state.json").write_text(json.dumps(saved))
    code, again, err = _verify(root, vkey, state)
    assert code == 0, (again, err)
    assert again["checked"]["entries"] == len(log.entries)  # from entry 0
    assert again["legislative_seats"] == first["legislative_seats"]
    with open(state / json.loads((state / "state.json").read_text())["fold"], "rb") as handle:
        assert pickle.load(handle)["format"] == "saksi-verify-fold/5"


def test_published_legislative_seats_are_compared_and_a_moved_seat_is_named(
    tmp_path: Path,
) -> None:
    """The seats files latest.json links under ``legislative`` (the Publisher's: ``saksi
    recap --json``'s object, names added) equal to the log's verify; a seat
    moved from one party to another is ``verify.seats-differ`` naming the dapil, both
    parties and both numbers."""
    from saksi.recap.fold import Recap
    from saksi.recap.publish import Publisher

    log = V2Log()
    _night(log)
    root = tmp_path / "pub"
    vkey = _publish(root, log.entries, contests=False)
    hierarchy, file = small_world()
    opened = Log.open(root / "log", open_store, durable=False)
    try:
        checkpoint, note = opened.signed_checkpoint(), opened.checkpoint()
    finally:
        opened.close()
    assert checkpoint is not None and note is not None
    recap = Recap.replay(hierarchy, log.entries, contests=file)
    Publisher(root / "results", durable=False).publish(
        recap, checkpoint, None, checkpoint_note=note
    )
    latest = json.loads((root / "results" / "latest.json").read_bytes())
    code, report, err = _verify(root, vkey, tmp_path / "s")
    assert code == 0, (report, err)
    assert report["checked"]["seats_files"] >= len(recap.legislative_contests)

    path = root / "results" / latest["legislative"]["dpr"]["seats"]
    seats = json.loads(path.read_bytes())
    dapil, won = next((d, w) for d, w in seats["dapil"].items() if w)
    party = next(iter(won))
    other = next(p for p in seats["threshold"]["passing"] if p != party)
    won[party] -= 1
    won[other] = won.get(other, 0) + 1
    path.write_text(json.dumps(seats))
    code, report, _ = _verify(root, vkey, tmp_path / "s2")
    assert code == 7, report
    found = {
        (f["details"]["field"], f["details"]["dapil"], f["details"]["party"]): f["details"]
        for f in report["findings"]
        if f["code"] == "verify.seats-differ"
    }
    mine = found["dapil", dapil, party]
    assert (mine["published"], mine["recomputed"]) == (won[party], won[party] + 1)
    theirs = found["dapil", dapil, other]
    assert (theirs["published"], theirs["recomputed"]) == (won[other], won[other] - 1 or None)
