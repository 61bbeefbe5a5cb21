"""A small headless election night, run once and shared by the tests that read it.

``saksi demo --headless --out DIR`` runs as a child process (with its own children:
``saksi serve``, three witnesses, ``saksi verify``). The runs are kept in the
session's base temporary folder under a lock file, so that with ``pytest -n 2``
the second worker reuses the first worker's run instead of running it again.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TPS = "800"
SEED = "7"


@dataclass(frozen=True)
class Run:
    """One finished night: its folder, exit status and standard output."""

    out: Path
    returncode: int
    stdout: str
    stderr: str

    def json(self, name: str) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.out / name).read_text(encoding="utf-8"))
        return loaded

    @property
    def report(self) -> dict[str, Any]:
        return self.json("report.json")

    @property
    def truth(self) -> dict[str, Any]:
        return self.json("truth.json")

    def values(self, prefix: str) -> list[str]:
        return [
            line.removeprefix(prefix)
            for line in self.stdout.splitlines()
            if line.startswith(prefix)
        ]


def shared_run(factory: pytest.TempPathFactory, name: str, *args: str) -> Run:
    """``saksi demo --headless --out <base>/<name> ARGS``, once per test session."""
    base = factory.getbasetemp()
    if base.name.startswith("popen-gw"):  # pytest-xdist: share between the workers
        base = base.parent
    out, record = base / name, base / f"{name}.json"
    with (base / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            done = subprocess.run(
                [sys.executable, "-m", "saksi", "demo", "--headless", "--out", str(out), *args],
                capture_output=True, text=True, timeout=300, check=False, cwd=ROOT,
            )  # fmt: skip
            kept = {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
            record.write_text(json.dumps(kept), encoding="utf-8")
    kept = json.loads(record.read_text(encoding="utf-8"))
    return Run(out, kept["returncode"], kept["stdout"], kept["stderr"])


@pytest.fixture(scope="session")
def night(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The small night (about 800 TPS, seed 7, 6 devices), piped: a progress line every
    half second on standard error (a night takes many seconds: there are several)."""
    return shared_run(
        tmp_path_factory, "night-a", "--tps", TPS, "--seed", SEED, "--devices", "6",
        "--progress-every", "0.5",
    )  # fmt: skip


@pytest.fixture(scope="session")
def night_again(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The same night again (same seed), with other timings: 3 devices instead of 6."""
    return shared_run(tmp_path_factory, "night-b", "--tps", TPS, "--seed", SEED, "--devices", "3")
