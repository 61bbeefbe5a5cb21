"""`saksi demo` and `saksi simulate` on the command line: options and refusals.

The night itself (real processes, faults caught, determinism) is tested in
tests/sim/test_night.py; here, what a person typing the command meets first, and
one small `saksi simulate` over a region file.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.cli.simulate import parse_scale
from saksi.election.synthetic import synthetic_hierarchy
from saksi.errors import InputError
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]


def refused(args: list[str]) -> str:
    """Run the command; it must be refused (exit 2) with diagnostics and no traceback."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize("command", ["demo", "simulate"])
def test_a_non_empty_out_folder_is_refused_and_left_alone(command: str, tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    output = refused([command, "--out", str(tmp_path), "--tps", "10"])
    assert "sim.out-not-empty" in output
    assert "bukan folder kosong" in output and "not an empty folder" in output
    assert (tmp_path / "precious.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious.txt"]


def test_a_file_as_out_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    assert "sim.out-not-empty" in refused(["demo", "--out", str(target), "--headless"])


def test_a_bad_region_file_is_refused_bilingually(tmp_path: Path) -> None:
    bad = tmp_path / "regions.json"
    bad.write_text('{"not": "regions"}')
    output = refused(["demo", "--regions", str(bad), "--headless", "--out", str(tmp_path / "o")])
    assert output.splitlines()[0].split(":")[0].count(".") == 1  # a dotted code first
    assert "(" in output  # the English line under the Indonesian one


def test_a_missing_region_file_is_refused(tmp_path: Path) -> None:
    output = refused(["simulate", "--regions", str(tmp_path / "none.json")])
    assert "Traceback" not in output


@pytest.mark.parametrize(
    "args",
    [["--tps", "10", "--scale", "0.01"], ["--scale", "0.01", "--regions", "r.json"]],
)
def test_sizes_given_twice_are_refused(args: list[str]) -> None:
    assert "sim.options-conflict" in refused(["demo", "--headless", *args])


@pytest.mark.parametrize("text", ["nasional", "0", "-1", "11", "abc", "nan"])
def test_a_bad_scale_is_refused(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_scale(text)
    assert caught.value.code == "sim.bad-scale"
    assert "sim.bad-scale" in refused(["simulate", "--scale", text])


def test_national_is_scale_one() -> None:
    assert parse_scale("national") == parse_scale("National ") == 1.0
    assert parse_scale("0.01") == 0.01


def test_simulate_over_a_region_file_prints_its_json_report(tmp_path: Path) -> None:
    """`saksi simulate --regions FILE`: the hierarchy of the file, served and sent to."""
    regions = tmp_path / "regions.json"
    synthetic_hierarchy(scale=0.0003, seed=5).save(regions)
    done = subprocess.run(
        [sys.executable, "-m", "saksi", "simulate", "--regions", str(regions),
         "--seed", "5", "--out", str(tmp_path / "out"), "--devices", "4"],
        capture_output=True, text=True, timeout=240, check=False, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["format"] == "saksi-simulate/1"
    assert report["tps"] == synthetic_hierarchy(scale=0.0003, seed=5).tps_count()
    assert report["ok"] is True and report["totals_match"] is True
    assert report["throughput"]["c_hasil_per_second"] > 0
    assert {"p50_ms", "p95_ms", "p99_ms"} <= set(report["latency"]["c-hasil"])
    assert report["peak_rss_bytes"]["service"] > 0
    assert all(k["injected"] == k["caught"] for k in report["faults_by_kind"].values())
    assert report["faults_by_kind"]["crash"]["injected"] == 0  # only with --crash
    assert (tmp_path / "out" / "truth.json").exists()
    assert (tmp_path / "out" / "log" / "checkpoint").exists()


def test_a_service_that_cannot_start_is_refused_with_its_log(tmp_path: Path) -> None:
    """The port is taken: `saksi serve` exits, and the demo says so (exit 2), in both
    languages, with the service's own last lines."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = subprocess.run(
            [sys.executable, "-m", "saksi", "demo", "--headless", "--tps", "50",
             "--port", port, "--out", str(tmp_path / "out")],
            capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
        )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "sim.process-failed: saksi serve tidak dapat dijalankan" in done.stderr
    assert "(saksi serve did not start: it exited)" in done.stderr
    assert "service.cannot-listen" in done.stderr  # the service's own coded refusal
    assert "the port is already in use by another process" in done.stderr
    assert "Traceback" not in done.stderr


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` now (Linux: /proc/PID/stat's parent field)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists()
            and "zombie" not in _state(pid)}  # fmt: skip


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "gone"


def test_ctrl_c_stops_the_night_says_what_happened_and_leaves_no_child(tmp_path: Path) -> None:
    """SIGINT (what Ctrl-C sends to the terminal's process group) in the middle of a
    real night: a bilingual message naming the phase and what was stopped, status 130,
    and no child process (service, publisher, witnesses) left running."""
    out = tmp_path / "night"
    proc = subprocess.Popen(
        [sys.executable, "-m", "saksi", "demo", "--headless", "--tps", "400", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        start_new_session=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # the children are up once the dashboard is announced
            if line.startswith("dashboard: "):
                break
        children = _descendants(proc.pid)
        assert len(children) >= 4  # saksi serve, its publisher, three witnesses
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    message = err[err.index("sim.interrupted: ") :]
    assert message.startswith("sim.interrupted: malam pemilu dihentikan oleh pengguna (Ctrl-C)")
    assert "(the election night was stopped by the user (Ctrl-C)" in message
    assert "saksi serve" in message and "stopped cleanly" in message
    assert f"what was written stays in {out} (no report.json)" in message
    assert "Traceback" not in err and "Aborted" not in err and "already stopping" not in err
    wait_for(lambda: not _alive(children), timeout=120)
    assert not (out / "report.json").exists()
