"""`saksi regions show|import`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from saksi.cli import cli
from saksi.election.regions import Hierarchy
from tests.conftest import shared_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_show_the_synthetic_nation() -> None:
    code, out, _ = invoke("regions", "show", "--scale", "0.01", "--format", "json")
    assert code == 0
    info = json.loads(out)
    assert info["code"] == "0"
    assert info["name"] == "INDONESIA"
    assert len(info["children"]) >= 38
    assert sum(c["tps"] for c in info["children"]) == info["tps"]


def test_show_a_province_in_text() -> None:
    code, out, _ = invoke("regions", "show", "31", "--scale", "0.01")
    assert code == 0
    assert "DKI JAKARTA" in out


def test_show_an_unknown_region_is_a_clear_error() -> None:
    code, _, err = invoke("regions", "show", "3199", "--scale", "0.01")
    assert code == 2
    assert "region.unknown" in err
    code, _, err = invoke("regions", "show", "31x", "--scale", "0.01")
    assert code == 2
    assert "region.malformed-code" in err


def test_import_the_real_hierarchy(tmp_path: Path) -> None:
    tps_json = shared_path("data", "regions", "kpu2024-tps.json")
    overseas = shared_path("data", "regions", "kpu2024-tps-ln.csv")
    out_file = tmp_path / "regions.json.gz"
    code, out, err = invoke(
        "regions", "import", str(tps_json), "--overseas", str(overseas), "--out", str(out_file)
    )
    assert code == 0, err
    for figure in ("7,405", "84,035", "823,366"):
        assert figure in out
    loaded = Hierarchy.load(out_file)
    code, out, _ = invoke(
        "regions", "show", "3173011006", "--regions", str(out_file), "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["tps"] == loaded.tps_count("3173011006")


def test_import_refuses_a_broken_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"id2name": {}, "tps": ')
    code, _, err = invoke("regions", "import", str(bad), "--out", str(tmp_path / "x.json"))
    assert code == 2
    assert "input." in err
    assert not (tmp_path / "x.json").exists()
