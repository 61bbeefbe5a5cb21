"""Ctrl-C in the terminal running `saksi serve`: a clean stop, said in both languages.

A terminal sends SIGINT to its whole foreground process group: the server, its
results publisher and its parse workers. Only the server may act on it; it stops
the others, and says once what happened, never "signal 2: already stopping" or a
child's traceback.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx

from tests.ledger.factory import ServiceElection
from tests.service.conftest import NDJSON, ROOT
from tests.waiting import wait_for


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def _lines(proc: subprocess.Popen[str], out: queue.Queue[str | None]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        out.put(line.rstrip("\n"))
    out.put(None)


def test_ctrl_c_stops_the_service_and_its_children_cleanly(tmp_path: Path) -> None:
    manifest, regions = ServiceElection().write_files(tmp_path / "files")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAKSI_")}
    env["SAKSI_PARSE_WORKERS"] = "2"
    args = ["--data", str(tmp_path / "data"), "--manifest", str(manifest), "--regions",
            str(regions), "--host", "127.0.0.1", "--port", "0"]  # fmt: skip
    with (tmp_path / "stderr.log").open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "saksi", "serve", *args], stdout=subprocess.PIPE,
            stderr=stderr, text=True, env=env, cwd=ROOT, start_new_session=True,
        )  # fmt: skip
    lines: queue.Queue[str | None] = queue.Queue()
    pump = threading.Thread(target=_lines, args=(proc, lines), daemon=True)
    pump.start()
    try:
        url = ""
        while (line := lines.get(timeout=120)) != "ready":
            assert line is not None, (tmp_path / "stderr.log").read_text()
            url = line.removeprefix("serving on ") if line.startswith("serving on ") else url
        body = b"{}\n" * 64  # a batch big enough for the parse workers (each line refused)
        answer = httpx.post(f"{url}/v1/statements/batch", content=body, headers=NDJSON, timeout=60)
        assert answer.status_code == 200
        os.killpg(proc.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
        assert proc.wait(timeout=120) == 0
        wait_for(lambda: _group_gone(proc.pid), timeout=120)  # no child left behind
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        pump.join(timeout=60)
        assert proc.stdout is not None
        proc.stdout.close()
    err = (tmp_path / "stderr.log").read_text()
    assert "dihentikan oleh Ctrl-C (SIGINT): permintaan yang sedang berjalan sudah dijawab" in err
    assert "stopped by Ctrl-C (SIGINT): requests in flight answered" in err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "already stopping" not in err and "Aborted" not in err
