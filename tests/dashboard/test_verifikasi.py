"""The Verifikasi page's commands: the configured address only, every value quoted.

The commands are pasted into a shell by readers, so they are run here in bash (with
stand-ins for ``saksi`` and ``curl`` that record their arguments) with a log key and
witness keys holding quotes, ``$()``, backticks and spaces: each program must get the
values as single arguments, and nothing else may run. Against a real ``saksi serve``
with a hostile origin, a request with ``Host: evil.example`` must get commands naming
the configured public URL only.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.requests import Request

from saksi.dashboard import LogInfo
from saksi.dashboard.others import PLACEHOLDER_URL, commands
from saksi.service.routes_dashboard import _own_address
from tests.ledger.factory import ServiceElection
from tests.service.conftest import election_server

HOSTILE = "it's\"$(touch${IFS}pwned-dollar)`touch${IFS}pwned-tick`;touch${IFS}pwned-semi"
"""What a log origin may hold (printable ASCII without spaces or '+')."""
LOG_KEY = f"{HOSTILE} and spaces+abcd1234+AAAA"
WITNESSES = (
    ("w1", "http://w1.example", "bawaslu'$(touch pwned-w1)+01234567+AAAA"),
    ("w2", "http://w2.example", "univ`touch pwned-w2` x+89abcdef+BBBB"),
)
PUBLIC = "https://saksi.example/pemilu"


def _stand_in(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!{sys.executable}\nimport json, os, sys\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _run(command: str, tmp_path: Path) -> list[list[str]]:
    """``command`` in bash with stand-ins for saksi and curl; the argument lists of
    their calls (each: program, then its arguments)."""
    bin_dir, work = tmp_path / "bin", tmp_path / "work"
    bin_dir.mkdir(exist_ok=True)
    work.mkdir(exist_ok=True)
    calls = tmp_path / "calls.jsonl"
    record = "open(os.environ['CALLS'], 'a').write(json.dumps(sys.argv) + '\\n')"
    _stand_in(bin_dir, "saksi", record)
    _stand_in(bin_dir, "curl", record + "\nprint(json.dumps({'proof': 'c2sp.org/tlog-proof@v1'}))")
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "CALLS": str(calls)}
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert not list(work.glob("pwned*")), "a pasted command ran something of the key's"
    assert not list(Path.cwd().glob("pwned*"))
    lines = calls.read_text().splitlines() if calls.exists() else []
    calls.unlink(missing_ok=True)
    return [[Path(c[0]).name, *c[1:]] for c in map(json.loads, lines)]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_pasted_commands_pass_every_value_as_one_argument(tmp_path: Path) -> None:
    cmds = commands(LogInfo(PUBLIC, LOG_KEY, WITNESSES, 2, configured=True))
    witness_args = ["--witness", WITNESSES[0][2], "--witness", WITNESSES[1][2]]
    assert _run(cmds["verify"], tmp_path) == [
        ["saksi", "verify", PUBLIC + "/", "--log-key", LOG_KEY, *witness_args, "--quorum", "2"]
    ]
    recap = _run(cmds["recap"], tmp_path)
    assert recap == [["saksi", "recap", PUBLIC + "/log/", "--log-key", LOG_KEY]]
    proof = _run(cmds["proof"], tmp_path)
    assert proof == [
        ["curl", "-sS", PUBLIC + "/v1/entries/INDEX"],
        ["curl", "-sS", PUBLIC + "/v1/receipts/LEAF_HASH"],
        ["saksi", "log", "check-proof", "entry.proof", "--key", LOG_KEY, "--entry", "entry.json"],
    ]
    assert (tmp_path / "work" / "entry.proof").read_text() == "c2sp.org/tlog-proof@v1"


def test_plain_values_stay_readable() -> None:
    key = "saksi.test/pemilu-2024+abcd1234+AAAA"
    cmds = commands(LogInfo("http://127.0.0.1:8080", key, (), 0, configured=False))
    assert cmds["verify"] == f"saksi verify http://127.0.0.1:8080/ --log-key {key}"


def _request(host_header: str, server: tuple[str, int]) -> Request:
    headers = [(b"host", host_header.encode())]
    return Request({"type": "http", "headers": headers, "server": server, "path": "/"})


def test_without_a_public_url_the_servers_own_address_is_used() -> None:
    request = _request("evil.example", ("127.0.0.1", 8123))
    assert _own_address("127.0.0.1", request) == "http://127.0.0.1:8123"
    assert _own_address("::1", _request("evil.example", ("::1", 8123))) == "http://[::1]:8123"
    assert _own_address("0.0.0.0", request) == PLACEHOLDER_URL  # which address? the reader's
    assert _own_address("::", request) == PLACEHOLDER_URL


def test_the_page_says_when_no_public_url_is_configured(tmp_path: Path) -> None:
    from saksi.dashboard import Dashboard

    dash = Dashboard(tmp_path / "results", tmp_path / "log")
    own = "http://127.0.0.1:8123"
    bound = dash.verifikasi("en", LogInfo(own, "k+1+A", (), 0, configured=False))
    assert "replace http://127.0.0.1:8123" in bound.body and bound.data["public_url"] is None
    placeholder = dash.verifikasi("id", LogInfo(PLACEHOLDER_URL, "k+1+A", (), 0, configured=False))
    assert f"ganti {PLACEHOLDER_URL}" in placeholder.body
    configured = dash.verifikasi("en", LogInfo(PUBLIC, "k+1+A", (), 0, configured=True))
    assert 'id="address"' not in configured.body and configured.data["public_url"] == PUBLIC


@pytest.mark.slow
def test_a_hostile_host_header_and_origin_change_nothing(tmp_path: Path) -> None:
    election = ServiceElection(origin="saksi.test/" + HOSTILE)
    server = election_server(tmp_path, election, {"SAKSI_PUBLIC_URL": PUBLIC + "/"})
    server.start()
    try:
        with server.client(headers={"host": "evil.example"}) as http:
            twin = http.get("/verifikasi.json")
            page = http.get("/verifikasi")
    finally:
        server.stop()
    assert twin.status_code == 200 and page.status_code == 200
    doc = twin.json()
    assert doc["public_url"] == PUBLIC and doc["log_key"] == server.vkey
    assert "evil.example" not in twin.text and "evil.example" not in page.text
    for command in doc["commands"].values():
        assert PUBLIC in command and "127.0.0.1" not in command
    if shutil.which("bash"):
        [call] = _run(doc["commands"]["recap"], tmp_path)
        assert call == ["saksi", "recap", PUBLIC + "/log/", "--log-key", server.vkey]
