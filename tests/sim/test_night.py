"""The small headless night with real processes: every fault caught by its check, no
false alarm, the verified totals exactly the truth minus what was kept out, and the
same seed giving the same night.

What is deterministic for a seed, given that devices run concurrently and the
service is killed at a moment that depends on timing:

- ``truth.json``, byte for byte (a function of the seed and the hierarchy);
- the set of statements logged, by leaf hash, except corrections, whose
  ``corrects.index`` is the log position of the form they replace (arrival order):
  corrections are compared by TPS, corrected leaf hash and corrected form;
- what each statement got: the count by status, by type and by refusal code, and
  for each injected fault whether it was caught; the published and verified totals.

Not deterministic: the log's order (so its root hash and checkpoints), indices, the
number of answers lost in the crash (resent, answered as duplicates) and timings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from saksi.election.synthetic import synthetic_hierarchy
from saksi.sim.faults import Fault
from saksi.sim.judge import Publication
from saksi.sim.plan import NightPlan
from saksi.tlog.tiledir import TILE_WIDTH, TileDir
from saksi.tlog.tiles import full_tiles, partial_width, read_bundle
from tests.sim.conftest import ROOT, SEED, TPS, Run

REFUSED = {
    Fault.FORGED.value: "statement.bad-signature",
    Fault.WRONG_TPS.value: "auth.out-of-scope",
    Fault.REVOKED.value: "auth.revoked",
    Fault.SECOND_FORM.value: "auth.duplicate-form",
}


def published_entries(run: Run) -> list[bytes]:
    """Every entry of the published log, from its entry bundles."""
    size = run.report["log_size"]
    tiles = TileDir(run.out / "log", durable=False)
    entries: list[bytes] = []
    for index in range(full_tiles(size, 0)):
        entries += read_bundle(tiles, index, TILE_WIDTH)[0]
    if partial_width(size, 0):
        entries += read_bundle(tiles, full_tiles(size, 0), partial_width(size, 0))[0]
    assert len(entries) == size
    return entries


def leaf_hashes(run: Run) -> set[str]:
    from saksi.tlog.hashes import leaf_hash

    return {leaf_hash(e).hex() for e in published_entries(run)}


def test_the_headless_night_passes_and_prints_its_keys(night: Run) -> None:
    assert night.returncode == 0, night.stderr[-3000:]
    assert len(night.values("log-key: ")) == 1
    assert len(night.values("witness-key: ")) == 3
    assert night.values("dashboard: ")[0].startswith("http://127.0.0.1:")
    for name in ("log/checkpoint", "results/latest.json", "truth.json", "report.json"):
        assert (night.out / name).exists(), name
    assert night.report["ok"] is True


def test_every_photo_a_logged_form_cites_was_uploaded_signed_and_kept(night: Run) -> None:
    """Each TPS's photo, signed by its KPPS key, is kept for good once its form is logged:
    the verifier fetches every cited photo (one per TPS that sent a form), none absent."""
    checked = night.report["verify"]["checked"]
    assert checked["photos_checked"] >= int(TPS) - len(night.truth["tps"]["missing"])
    assert "photos_absent" not in checked


def test_every_injected_fault_is_caught_by_the_check_meant_for_it(night: Run) -> None:
    faults = night.report["faults"]
    assert {f["fault"] for f in faults} == {f.value for f in Fault}
    assert all(f["caught"] for f in faults), [f for f in faults if not f["caught"]]
    logged = leaf_hashes(night)
    for fault in faults:
        if fault["fault"] in REFUSED:  # refused with its code, and not in the log
            assert f"refused {REFUSED[fault['fault']]}" in fault["by"]
            assert fault["leaf_hash"] not in logged
        elif fault["fault"] in ("misread", "dispute", "inflated-d-hasil"):  # logged, shown
            assert fault["leaf_hash"] in logged
    published = Publication.read(night.out / "results")
    for fault in faults:
        if fault["fault"] == "misread":
            assert published.tps[fault["where"]]["status"] in ("inconsistent", "corrected")
        elif fault["fault"] == "dispute":
            assert published.tps[fault["where"]]["witness"] == "dispute"
        elif fault["fault"] == "inflated-d-hasil":
            differences = published.recap_checks[fault["where"]]["differences"]
            assert {d["field"] for d in differences} >= {"suara_sah"}
            assert {d["recap"] - d["forms"] for d in differences} == {50}
        elif fault["fault"] == "crash":
            assert night.report["crash"]["lost"] == []
            assert night.report["crash"]["acked_checked"] > 0


def test_no_false_alarm_on_a_clean_tps(night: Run) -> None:
    truth = night.truth
    faulty = {f["where"] for f in truth["faults"]}
    missing = set(truth["tps"]["missing"])
    published = Publication.read(night.out / "results")
    clean = [t for t in published.tps if t not in faulty and t not in missing]
    assert len(clean) > len(published.tps) // 2
    for tps in clean:
        item = published.tps[tps]
        assert item["status"] == "received" and item["counted"], item
        assert item["witness"] in ("none", "agree"), item
        assert item["violations"] == [] and item["flags"] == [], item
    honest = {k: v for k, v in published.recap_checks.items() if k not in faulty}
    assert honest and all(not c["differences"] and c["complete"] for c in honest.values())
    assert night.report["false_alarms"] == []


def test_the_verified_totals_are_the_truth_minus_what_was_kept_out(
    night: Run, tmp_path: Path
) -> None:
    """`saksi verify` on the folder left behind, then its totals against truth.json."""
    args = [sys.executable, "-m", "saksi", "verify", str(night.out),
            "--log-key", night.values("log-key: ")[0], "--quorum", "2",
            "--state", str(tmp_path / "state"), "--json", "--quiet", "--workers", "0"]  # fmt: skip
    for vkey in night.values("witness-key: "):
        args += ["--witness", vkey]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False, cwd=ROOT)
    verified = json.loads(done.stdout)
    assert done.returncode == 0, verified["findings"]
    assert verified["checked"]["results"] is True
    truth = night.truth
    expected = Counter(truth["true_totals"])
    expected.subtract(truth["kept_out"]["missing"])
    expected.subtract(truth["kept_out"]["held"])
    published = Publication.read(night.out / "results")
    assert published.totals == dict(expected) == truth["expected_totals"]
    # what was kept out is exactly the true forms of the missing and the held TPS
    plan = NightPlan(synthetic_hierarchy(scale=int(TPS) / 820_161, seed=int(SEED)), int(SEED))
    for part in ("missing", "held"):
        votes: Counter[str] = Counter()
        for tps in truth["tps"][part]:
            votes.update(plan.tps_plan_truth(tps).suara_paslon)
            assert published.tps[tps]["status"] == ("missing" if part == "missing" else
                                                    "inconsistent")  # fmt: skip
        assert dict(votes) == truth["kept_out"][part]
    assert truth["tps"]["held"], "some misread forms stay held at this size"


def _statements(run: Run) -> tuple[set[str], set[tuple[str, str, str]]]:
    """Leaf hashes of the logged entries but corrections; corrections by their content."""
    from saksi.tlog.hashes import leaf_hash

    plain, corrections = set(), set()
    for entry in published_entries(run):
        stmt: dict[str, Any] = json.loads(entry)["stmt"]
        if stmt["type"] == "correction":
            form = json.dumps(stmt["form"], sort_keys=True)
            corrections.add((stmt["tps"], stmt["corrects"]["leaf_hash"], form))
        else:
            plain.add(leaf_hash(entry).hex())
    return plain, corrections


def _outcomes(run: Run) -> list[tuple[Any, ...]]:
    keys = ("id", "fault", "where", "party", "detail", "leaf_hash", "caught")
    return [tuple(f[k] for k in keys) for f in run.report["faults"]]


def test_the_same_seed_gives_the_same_night(night: Run, night_again: Run) -> None:
    assert night_again.returncode == 0, night_again.stderr[-3000:]
    assert (night.out / "truth.json").read_bytes() == (night_again.out / "truth.json").read_bytes()
    first, second = night.report, night_again.report
    for part in ("by_status", "by_type", "refused_by_code", "logged", "refused"):
        assert first["statements"][part] == second["statements"][part], part
    assert _outcomes(night) == _outcomes(night_again)
    assert first["totals"] == second["totals"]
    assert first["log_size"] == second["log_size"]
    assert _statements(night) == _statements(night_again)
