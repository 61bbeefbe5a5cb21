"""The log side of witnessing, with real processes: ``saksi serve`` and three
``saksi witness serve`` children, spoken to over real HTTP.

The witnesses need the log's verifier key, which the service makes at its first
start; the service needs the witnesses' URLs. So the test picks the witnesses' ports
first, starts the service with them (nothing can be cosigned yet: nothing is
published), then starts the witnesses with the key the service printed.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from saksi.errors import ConfigError
from saksi.ledger.config import ServiceConfig, load_config
from saksi.sim.processes import free_port
from saksi.tlog.checkpoint import (
    CosignatureSigner,
    CosignatureVerifier,
    WitnessQuorum,
    open_checkpoint,
)
from saksi.tlog.note import NoteVerifier, generate_key
from saksi.tlog.proof import TlogProof
from tests.ledger.factory import ServiceElection
from tests.service.conftest import ROOT, ServeProcess, election_server
from tests.waiting import wait_for

TIMEOUT = 60.0  # a generous upper bound of every wait, never a speed


def _free_port() -> int:
    return free_port()  # below the ephemeral range: see saksi.sim.processes.free_port


class Witness:
    """A ``saksi witness serve`` child on a fixed port, restartable on its state."""

    def __init__(self, tmp: Path, name: str) -> None:
        self.dir = tmp / name.replace("/", "_")
        self.dir.mkdir(parents=True)
        self.key = self.dir / "witness.key"
        args = [sys.executable, "-m", "saksi", "witness", "new", "--name", name]
        made = subprocess.run(
            [*args, "--out", str(self.key)],
            cwd=ROOT, capture_output=True, text=True, check=True, timeout=30,
        )  # fmt: skip
        self.vkey = made.stdout.strip().splitlines()[-1]
        self.verifier = CosignatureVerifier.from_vkey(self.vkey)
        self.name = name
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[str] | None = None

    def start(self, origin: str, log_vkey: str) -> None:
        args = [
            sys.executable,
            "-m",
            "saksi",
            "witness",
            "serve",
            "--state",
            str(self.dir / "state"),
        ]
        args += ["--key", str(self.key), "--log", f"{origin}={log_vkey}"]
        args += ["--port", str(self.port), "--quiet"]
        stderr: IO[str] = (self.dir / "stderr.txt").open("a")
        self.proc = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        stderr.close()
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.strip() == "ready":
                return
        raise AssertionError((self.dir / "stderr.txt").read_text())

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=60)
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc = None


@pytest.fixture
def witnesses(tmp_path: Path) -> Iterator[list[Witness]]:
    made = [Witness(tmp_path / "witnesses", f"w{i}.saksi.test/witness") for i in (1, 2, 3)]
    yield made
    for witness in made:
        witness.stop(signal.SIGKILL)


def _start_service(
    tmp_path: Path, election: ServiceElection, witnesses: list[Witness], **env: str
) -> ServeProcess:
    """``saksi serve`` with the witnesses configured (SAKSI_WITNESSES), key tree logged."""
    settings = {"SAKSI_WITNESS_TIMEOUT": "2", "SAKSI_RESULTS_INTERVAL": "0.2"}
    settings["SAKSI_PARSE_WORKERS"] = "0"
    settings["SAKSI_WITNESSES"] = ", ".join(f"{w.url} {w.vkey}" for w in witnesses)
    settings |= env
    server = election_server(tmp_path / "serve", election, settings)
    server.start()
    server.log_batch(election.key_entries())
    return server


SLOW_TIMEOUT = 20
"""The witness timeout while one witness is stopped: a publication must not wait for it."""


def _wait(what: Callable[[], Any], timeout: float = TIMEOUT, step: float = 0.05) -> Any:
    return wait_for(what, timeout, step)


def _health(http: httpx.Client) -> dict[str, Any]:
    answer = http.get("/health")
    assert answer.status_code == 200, answer.text
    health: dict[str, Any] = answer.json()
    return health


def _published_all(http: httpx.Client) -> bool:
    health = _health(http)
    return bool(health["checkpoint_size"] == health["log_size"] == health["signed_size"])


def _by_name(health: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {w["name"]: w for w in health["witnesses"]}


def _submit(http: httpx.Client, entry: bytes) -> str:
    answer = http.post(
        "/v1/statements", content=entry, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 201, answer.text
    leaf: str = answer.json()["leaf_hash"]
    return leaf


def _requests(text: str, witness: Witness, outcome: str) -> float:
    """``saksi_witness_requests_total`` of one witness and outcome."""
    return _metric(text, "saksi_witness_requests_total", witness=witness.name, outcome=outcome)


def _metric(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        match = re.fullmatch(r"([a-z_]+)(?:\{(.*)\})? (\S+)", line)
        if match is None or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if found == labels:
            return float(match.group(3))
    return 0.0


def _quorum_check(http: httpx.Client, log_vkey: str, witnesses: list[Witness], k: int) -> int:
    """The published checkpoint: its size, after checking >= k valid cosignatures."""
    note = http.get("/log/checkpoint").content
    verifiers = [w.verifier for w in witnesses]
    signed = open_checkpoint(note, NoteVerifier.from_vkey(log_vkey), witnesses=verifiers)
    assert len(WitnessQuorum(tuple(verifiers), k).check(signed)) >= k
    return signed.checkpoint.size


def _proof_of(http: httpx.Client, leaf: str) -> dict[str, Any]:
    answer = http.get(f"/v1/receipts/{leaf}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_checkpoints_are_published_only_once_the_witness_quorum_cosigned_them(
    tmp_path: Path, witnesses: list[Witness]
) -> None:
    election = ServiceElection()
    server = _start_service(tmp_path, election, witnesses)
    log_vkey = server.vkey
    with server.client() as http:
        # No witness is up: the log signs, nothing is published, receipts have no proof.
        leaf = _submit(http, election.c_hasil(election.tps[0]))
        n = _health(http)["log_size"]
        _wait(lambda: _health(http)["signed_size"] == n)
        health = _health(http)
        assert health["checkpoint_size"] == 0 and health["witness_quorum"] == 3
        assert http.get("/log/checkpoint").status_code == 404
        assert _proof_of(http, leaf)["proof"] is None
        assert _proof_of(http, leaf)["checkpoint_size"] is None
        _wait(lambda: all(w["error"] for w in _health(http)["witnesses"]))
        codes = {w["error"]["code"] for w in _health(http)["witnesses"]}
        assert codes == {"witness.unreachable"}

        for witness in witnesses:
            witness.start(election.origin, log_vkey)
        _wait(lambda: _published_all(http))
        assert _quorum_check(http, log_vkey, witnesses, 3) == n
        body = _proof_of(http, leaf)
        assert body["checkpoint_size"] == n and body["proof"] is not None
        proof = TlogProof.parse(body["proof"].encode())
        verifiers = [w.verifier for w in witnesses]
        signed = open_checkpoint(
            proof.checkpoint, NoteVerifier.from_vkey(log_vkey), witnesses=verifiers
        )
        assert len(signed.cosignatures) == 3  # the proof carries the cosigned checkpoint
        for shown in _health(http)["witnesses"]:
            assert shown["error"] is None and shown["cosigned_size"] == n and shown["cosigned_at"]

        # One witness stopped, quorum 3 of 3: the log signs, publication waits.
        down = witnesses[2]
        down.stop()
        leaf = _submit(http, election.c_hasil(election.tps[1]))
        _wait(lambda: _health(http)["signed_size"] == n + 1)
        _wait(lambda: _by_name(_health(http))[down.name]["error"] is not None)
        _wait(lambda: _by_name(_health(http))[witnesses[0].name]["cosigned_size"] == n + 1)
        health = _health(http)
        assert health["checkpoint_size"] == n and health["log_size"] == n + 1
        shown = _by_name(health)[down.name]
        assert shown["error"]["code"] == "witness.unreachable" and shown["error_at"]
        assert shown["cosigned_size"] == n and shown["url"] == down.url
        assert _by_name(health)[witnesses[0].name]["cosigned_size"] == n + 1
        assert _quorum_check(http, log_vkey, witnesses, 3) == n
        assert _proof_of(http, leaf)["proof"] is None
        metrics = http.get("/metrics").text
        assert _requests(metrics, down, "witness.unreachable") >= 1
        assert _requests(metrics, down, "cosigned") == 1
        assert _metric(metrics, "saksi_witness_cosigned_size", witness=down.name) == n
        assert _metric(metrics, "saksi_published_checkpoint_size") == n
        assert _metric(metrics, "saksi_signed_checkpoint_size") == n + 1

        # Restarted on its state: it cosigns from the size it kept; publication resumes.
        down.start(election.origin, log_vkey)
        _wait(lambda: _published_all(http))
        assert _quorum_check(http, log_vkey, witnesses, 3) == n + 1
        assert _proof_of(http, leaf)["proof"] is not None
        assert _by_name(_health(http))[down.name]["error"] is None

        # Killed (SIGKILL) and restarted: it keeps its state, the log goes on from it.
        witnesses[0].stop(signal.SIGKILL)
        witnesses[0].start(election.origin, log_vkey)
        _submit(http, election.c_hasil(election.tps[2]))
        _wait(lambda: _health(http)["checkpoint_size"] == n + 2)
        assert _requests(http.get("/metrics").text, witnesses[0], "witness.conflict") == 0

    # The service restarted, with quorum 2 of 3 and one witness down. The new process
    # does not know the witnesses' sizes (it asks from 0): each answers 409 with the size
    # it kept, the log proves from there, and publication goes on with two.
    server.stop()
    witnesses[1].stop()
    server.env["SAKSI_WITNESS_QUORUM"] = "2"
    server.start()
    with server.client() as http:
        assert _health(http)["checkpoint_size"] == n + 2  # the published one, read back
        leaf = _submit(http, election.c_hasil(election.tps[3]))
        _wait(lambda: _health(http)["checkpoint_size"] == n + 3)
        assert _quorum_check(http, log_vkey, witnesses, 2) == n + 3
        assert _proof_of(http, leaf)["proof"] is not None
        health = _health(http)
        assert health["witness_quorum"] == 2
        assert _by_name(health)[witnesses[1].name]["error"]["code"] == "witness.unreachable"
        metrics = http.get("/metrics").text
        for witness in (witnesses[0], witnesses[2]):
            assert _requests(metrics, witness, "witness.conflict") == 1
            assert _requests(metrics, witness, "cosigned") == 1
            assert _metric(metrics, "saksi_witness_cosigned_size", witness=witness.name) == n + 3

        # The independent verifier checks the publication with the witnesses' keys.
        _wait(lambda: _results_at(http, n + 3))
        args = [sys.executable, "-m", "saksi", "verify", server.url, "--log-key", log_vkey]
        for witness in witnesses:
            args += ["--witness", witness.vkey]
        args += ["--quorum", "2", "--state", str(tmp_path / "verify-state"), "--json", "--quiet"]
        args += ["--regions", str(tmp_path / "serve" / "files" / "regions.json")]
        done = subprocess.run(
            args, check=False, cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, (done.stdout, done.stderr)
        assert json.loads(done.stdout)
        args[args.index("--quorum") + 1] = "3"  # two cosignatures do not make three
        refused = subprocess.run(
            args, check=False, cwd=ROOT, capture_output=True, text=True, timeout=60
        )
        assert refused.returncode == 4, (refused.stdout, refused.stderr)

    # A slow witness (stopped with SIGSTOP: it accepts the connection, never answers)
    # does not hold the others up: with quorum 2 the checkpoint is published as soon as
    # the two others cosigned it, before the slow one has answered or timed out (its
    # timeout, SLOW_TIMEOUT, is far longer than a publication takes even on a busy
    # machine); then it times out.
    server.stop()
    witnesses[1].start(election.origin, log_vkey)
    server.env["SAKSI_WITNESS_TIMEOUT"] = str(SLOW_TIMEOUT)
    server.start()
    with server.client() as http:
        _submit(http, election.c_hasil(election.tps[4]))
        _wait(lambda: _health(http)["checkpoint_size"] == n + 4)
        slow = witnesses[2]
        assert slow.proc is not None
        slow.proc.send_signal(signal.SIGSTOP)
        try:
            _submit(http, election.c_hasil(election.tps[5]))
            _wait(lambda: _health(http)["checkpoint_size"] == n + 5)
            waiting = _by_name(_health(http))[slow.name]
            assert waiting["error"] is None and waiting["cosigned_size"] == n + 4  # not awaited
            assert _quorum_check(http, log_vkey, witnesses, 2) == n + 5
            shown = _wait(lambda: _by_name(_health(http))[slow.name]["error"], SLOW_TIMEOUT * 6)
            assert shown["code"] == "witness.unreachable"  # timed out
        finally:
            slow.proc.send_signal(signal.SIGCONT)
    assert server.stop() == 0


def _results_at(http: httpx.Client, size: int) -> bool:
    answer = http.get("/results/latest.json")
    return answer.status_code == 200 and answer.json().get("tree_size") == size


# --- settings ---------------------------------------------------------------------


def _cosigner_vkey(name: str) -> str:
    return CosignatureSigner.from_skey(generate_key(name)[0]).vkey


def test_witness_settings_are_read_from_the_environment_and_toml(tmp_path: Path) -> None:
    vkeys = [_cosigner_vkey(f"w{i}.test") for i in (1, 2)]
    env = {"SAKSI_DATA": "/d", "SAKSI_WITNESSES": f"http://a:1/ {vkeys[0]},http://b:2 {vkeys[1]}"}
    config = load_config(None, env)
    pairs = [(w.url, w.vkey) for w in config.witnesses]
    assert pairs == [("http://a:1", vkeys[0]), ("http://b:2", vkeys[1])]
    assert config.quorum == 2 and config.witness_timeout == 5.0
    assert str(config.witnesses) == f"http://a:1 {vkeys[0]}, http://b:2 {vkeys[1]}"
    toml = tmp_path / "saksi.toml"
    toml.write_text(
        'data = "/d"\nwitness_quorum = 1\nwitness_timeout = "500ms"\n'
        f'witnesses = ["http://a:1 {vkeys[0]}", {{ url = "https://b", vkey = "{vkeys[1]}" }}]\n'
    )
    config = load_config(toml, {})
    assert config.quorum == 1 and config.witness_timeout == 0.5
    assert [w.url for w in config.witnesses] == ["http://a:1", "https://b"]
    default = ServiceConfig(data=Path("/d"))
    assert default.witnesses == () and default.quorum == 0


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"SAKSI_WITNESSES": "http://a:1"}, "witnesses"),  # no key
        ({"SAKSI_WITNESSES": "ftp://a KEY"}, "witnesses"),
        ({"SAKSI_WITNESSES": "http://a:1 not-a-key"}, "witnesses"),
        ({"SAKSI_WITNESS_QUORUM": "1"}, "witness_quorum"),  # no witnesses
        ({"SAKSI_WITNESS_TIMEOUT": "0"}, "witness_timeout"),
    ],
)
def test_bad_witness_settings_are_refused_by_name(env: dict[str, str], setting: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(None, {"SAKSI_DATA": "/d", **env})
    assert caught.value.code == "config.invalid"
    assert caught.value.details["setting"] == setting
    assert caught.value.details["source"] == "env"


def test_a_witness_given_twice_or_a_quorum_above_their_number_is_refused() -> None:
    vkey = _cosigner_vkey("w.test")
    with pytest.raises(ConfigError) as twice:
        twice_env = {"SAKSI_WITNESSES": f"http://a {vkey}, http://b {vkey}"}
        load_config(None, {"SAKSI_DATA": "/d", **twice_env})
    assert twice.value.details["setting"] == "witnesses"
    env = {"SAKSI_DATA": "/d", "SAKSI_WITNESSES": f"http://a {vkey}"}
    with pytest.raises(ConfigError) as above:
        load_config(None, env, {"witness_quorum": 2})
    assert above.value.details == above.value.details | {
        "setting": "witness_quorum",
        "source": "flag",
    }
