"""`saksi contests import|synthetic|show`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.election.legislative import Contests
from saksi.election.regions import Hierarchy
from saksi.election.synthetic import synthetic_hierarchy
from tests.conftest import shared_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_synthetic_writes_a_file_that_show_reads(tmp_path: Path) -> None:
    out = tmp_path / "contests.json.gz"
    code, text, _ = invoke("contests", "synthetic", "--scale", "0.001", "--out", str(out))
    assert code == 0, text
    digest = Contests.load(out).digest()
    assert f"digest: {digest}" in text
    code, text, _ = invoke(
        "contests", "show", "--contests", str(out), "--scale", "0.001", "--format", "json"
    )
    assert code == 0
    shown = json.loads(text)
    assert shown["digest"] == digest
    assert [c["contest"] for c in shown["contests"]] == ["dpr", "dpd", "dprd-prov", "dprd-kabkota"]


def test_show_a_tps_lists_its_ballots_dapil_and_candidates() -> None:
    tps = next(synthetic_hierarchy(0.001).iter_tps("31"))
    code, text, _ = invoke("contests", "show", "--scale", "0.001", "--tps", tps, "--format", "json")
    assert code == 0
    ballots = json.loads(text)["ballots"]
    assert [b["contest"] for b in ballots] == ["dpr", "dpd", "dprd-prov"]  # Jakarta: four ballots
    assert all(p["candidates"] for b in ballots for p in b.get("parties", []))
    code, text, _ = invoke("contests", "show", "--scale", "0.001", "--tps", tps)
    assert code == 0
    assert "PPWP and 3 legislative ballots" in text


def test_show_an_unknown_tps_is_a_clear_error() -> None:
    code, _, err = invoke("contests", "show", "--scale", "0.001", "--tps", "3171999999001")
    assert code == 2
    assert "region." in err


def test_a_damaged_contests_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "contests.json"
    path.write_text('{"format": "saksi-contests/1", "name": "x", "parties": []}', encoding="utf-8")
    code, _, err = invoke("contests", "show", "--contests", str(path), "--scale", "0.001")
    assert code == 2
    assert "input.schema" in err
    assert "Traceback" not in err


@pytest.mark.shared
def test_import_the_real_contests_refuses_until_unplaced_are_allowed(tmp_path: Path) -> None:
    regions = tmp_path / "regions.json.gz"
    Hierarchy.from_kpu(
        shared_path("data", "regions", "kpu2024-tps.json"),
        shared_path("data", "regions", "kpu2024-tps-ln.csv"),
    ).save(regions)
    folder = str(shared_path("data", "legislative"))
    out = tmp_path / "contests.json.gz"
    code, text, err = invoke(
        "contests", "import", folder, "--regions", str(regions), "--out", str(out)
    )
    assert code == 3
    assert not out.exists()
    assert "24 dapil units are not in the region file" in text
    assert "9601" in text
    assert "--allow-unplaced" in err
    code, text, _ = invoke(
        "contests",
        "import",
        folder,
        "--regions",
        str(regions),
        "--out",
        str(out),
        "--allow-unplaced",
    )
    assert code == 0
    assert out.exists()
    assert f"digest: {Contests.load(out).digest()}" in text
    assert "dprd-kabkota    2,325  17,628     214,783" in text
