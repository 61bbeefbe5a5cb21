"""Later starts need only the data folder: the hierarchy is recorded at the first start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from saksi.election.regions import Hierarchy
from saksi.election.synthetic import synthetic_hierarchy
from saksi.ledger.config import ConfigError, load_config
from saksi.ledger.ledger import Ledger
from saksi.ledger.startup import recorded_regions, with_recorded_regions
from saksi.sim.election import Authorities
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
