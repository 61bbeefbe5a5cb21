"""Later starts need only the data folder: the hierarchy (and a format v2 log's
contests file) is recorded at the first start."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from saksi.election.regions import Hierarchy
from saksi.election.statements import Manifest
from saksi.election.synthetic import synthetic_hierarchy
from saksi.ledger.config import ConfigError, ServiceConfig, load_config
from saksi.ledger.ledger import Ledger
from saksi.ledger.results import publisher_command
from saksi.ledger.startup import (
    load_contests,
    recorded_contests,
    recorded_regions,
    with_recorded_regions,
)
from saksi.sim.election import Authorities
from tests.election.legislative_factory import LegislativeElection, small_world
from tests.ledger.factory import ServiceElection
from tests.service.conftest import ROOT, ServeProcess

ELECTION = ServiceElection()


def test_the_first_start_records_the_hierarchy_beside_the_log(tmp_path: Path) -> None:
    ELECTION.open(tmp_path, keys=False).close()
    recorded = recorded_regions(tmp_path / "data")
    assert Hierarchy.load(recorded).digest() == ELECTION.manifest_stmt.regions_digest


def test_a_later_start_naming_no_hierarchy_uses_the_recorded_one(tmp_path: Path) -> None:
    ELECTION.open(tmp_path, keys=False).close()
    config = with_recorded_regions(load_config(None, {}, {"data": tmp_path / "data"}))
    assert config.regions == recorded_regions(tmp_path / "data")
    with Ledger.open(config) as ledger:
        assert ledger.size == 1


def test_a_hierarchy_named_on_a_later_start_must_still_be_the_manifests(tmp_path: Path) -> None:
    ELECTION.open(tmp_path, keys=False).close()
    flags = {"data": tmp_path / "data", "scale": 0.002}
    config = with_recorded_regions(load_config(None, {}, flags))
    assert config.regions is None  # what is given wins, and is checked
    with pytest.raises(ConfigError) as caught:
        Ledger.open(config)
    assert caught.value.code == "config.regions-mismatch"


def test_a_fresh_data_folder_has_nothing_recorded(tmp_path: Path) -> None:
    config = load_config(None, {}, {"data": tmp_path / "data"})
    assert with_recorded_regions(config) == config


def test_serve_started_with_a_scale_restarts_with_only_data(tmp_path: Path) -> None:
    """The user guide's path with real processes: `saksi serve --data D --manifest M
    --scale 0.001`, stopped, then `saksi serve --data D` alone."""
    hierarchy = synthetic_hierarchy(scale=0.001, seed=2024)
    manifest = tmp_path / "manifest.entry"
    manifest.write_bytes(Authorities(seed=3).manifest(hierarchy).to_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAKSI_")}
    data, log = tmp_path / "data", tmp_path / "serve.log"
    port = ["--host", "127.0.0.1", "--port", "0"]
    first = ServeProcess(
        data, ["--data", str(data), "--manifest", str(manifest), "--scale", "0.001", *port],
        env, log,
    )  # fmt: skip
    first.start()
    assert first.stop() == 0
    later = ServeProcess(data, ["--data", str(data), *port], env, log)
    later.start()
    try:
        with later.client() as http:
            assert http.get("/health").json()["log_size"] == 1
    finally:
        assert later.stop() == 0
    wrong = subprocess.run(
        [sys.executable, "-m", "saksi", "serve", "--data", str(data), "--scale", "0.002", *port],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT, env=env,
    )  # fmt: skip
    assert wrong.returncode == 2
    assert "config.regions-mismatch" in wrong.stderr


# --- a format v2 log: its contests file ----------------------------------------------------


@pytest.fixture
def v2(tmp_path: Path) -> tuple[LegislativeElection, dict[str, Any]]:
    """A v2 election's files: the manifest, the regions and the contests file spelled
    with spaces and newlines (not its canonical form)."""
    election = LegislativeElection.build()
    files = {
        "manifest": tmp_path / "manifest.entry",
        "regions": tmp_path / "regions.json.gz",
        "contests": tmp_path / "contests.json",
    }
    files["manifest"].write_bytes(election.manifest.to_bytes())
    election.hierarchy.save(files["regions"])
    files["contests"].write_text(json.dumps(election.contests.to_wire(), indent=2))
    return election, files


def test_a_v2_log_records_its_contests_file_and_later_starts_find_it(
    tmp_path: Path, v2: tuple[LegislativeElection, dict[str, Any]]
) -> None:
    election, files = v2
    data = tmp_path / "data"
    config = ServiceConfig(data=data, publish_results=False, **files)
    with Ledger.open(config) as ledger:
        assert ledger.contests is not None
        assert ledger.contests.digest() == election.contests.digest()
        assert ledger.contests_file is not None
        assert ledger.contests_file.data == election.contests.canonical_bytes()
    recorded = recorded_contests(data)
    assert recorded == data / "contests.json.gz"
    assert gzip.decompress(recorded.read_bytes()) == election.contests.canonical_bytes()
    later = with_recorded_regions(load_config(None, {}, {"data": data}))
    assert later.contests is None  # found by the start itself, beside the log
    with Ledger.open(later.with_(publish_results=False)) as ledger:
        assert ledger.contests is not None and ledger.size == 1
        assert ledger.authority.contests_file is not None


@pytest.mark.parametrize("missing", ["contests", "recorded"])
def test_a_v2_log_without_its_contests_file_is_refused_with_the_digest(
    tmp_path: Path, v2: tuple[LegislativeElection, dict[str, Any]], missing: str
) -> None:
    election, files = v2
    data = tmp_path / "data"
    if missing == "recorded":  # a log whose recorded file was lost
        Ledger.open(ServiceConfig(data=data, publish_results=False, **files)).close()
        recorded_contests(data).unlink()
        config = ServiceConfig(data=data, regions=files["regions"], publish_results=False)
    else:
        given = {k: v for k, v in files.items() if k != "contests"}
        config = ServiceConfig(data=data, publish_results=False, **given)
    with pytest.raises(ConfigError) as caught:
        Ledger.open(config)
    assert caught.value.code == "config.contests-required"
    assert caught.value.details["expected"] == election.contests.digest()
    assert election.contests.digest() in caught.value.message_id
    assert (missing == "recorded") == data.exists()  # a first start creates nothing


def test_load_contests_refuses_another_file_and_a_file_for_a_v1_manifest(
    tmp_path: Path, v2: tuple[LegislativeElection, dict[str, Any]]
) -> None:
    election, files = v2
    manifest = election.manifest.stmt
    assert isinstance(manifest, Manifest)
    _, contests = small_world()
    other = type(contests).of(name="lain", parties=contests.parties, contests=contests.contests)
    other.save(tmp_path / "other.json.gz")
    config = ServiceConfig(data=tmp_path / "data", contests=tmp_path / "other.json.gz")
    with pytest.raises(ConfigError) as caught:
        load_contests(config, manifest)
    assert caught.value.code == "config.contests-mismatch"
    assert caught.value.details == {
        "file": str(tmp_path / "other.json.gz"),
        "expected": election.contests.digest(),
        "found": other.digest(),
    }
    with pytest.raises(ConfigError) as caught:
        load_contests(config.with_(contests=files["contests"]), ELECTION.manifest_stmt)
    assert caught.value.code == "config.contests-unused"
    assert load_contests(config.with_(contests=None), ELECTION.manifest_stmt) is None
    assert load_contests(config.with_(contests=files["contests"]), manifest) is not None


def test_the_contests_setting_is_a_path_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "saksi.toml").write_text('data = "d"\ncontests = "c.json.gz"\n')
    config = load_config(tmp_path / "saksi.toml", {}, {})
    assert config.contests == tmp_path / "c.json.gz"
    env = {"SAKSI_CONTESTS": "/x/c.json"}
    assert load_config(tmp_path / "saksi.toml", env, {}).contests == Path("/x/c.json")
    flags = {"contests": Path("f.json")}
    assert load_config(tmp_path / "saksi.toml", env, flags).contests == Path("f.json")


def test_the_publisher_gets_the_contests_file_when_there_is_one(tmp_path: Path) -> None:
    config = ServiceConfig(data=tmp_path / "data", regions=tmp_path / "r.json.gz")
    assert "--contests" not in publisher_command(config, "vkey")
    command = publisher_command(config, "vkey", recorded_contests(config.data))
    at = command.index("--contests")
    assert command[at + 1] == str(tmp_path / "data" / "contests.json.gz")
