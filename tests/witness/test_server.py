"""`python -m saksi witness serve` as a real child process, spoken to over real HTTP."""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from saksi.errors import WitnessError
from saksi.tlog.checkpoint import (
    Checkpoint,
    CosignatureVerifier,
    WitnessQuorum,
    open_checkpoint,
)
from saksi.tlog.merkle import verify_consistency
from saksi.tlog.note import NoteVerifier
from saksi.witness.client import add_checkpoint, attach_cosignatures
from saksi.witness.protocol import SIZE_CONTENT_TYPE, format_request
from saksi.witness.state import LOGS_DIR, origin_file_name
from tests.witness.logs import ORIGIN, ToyLog

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 5.0


Answer = tuple[int, str | None, bytes]


def saksi(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "saksi", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=check,
        timeout=30,
    )


class WitnessProcess:
    """A `saksi witness serve` child: started, stopped, killed, restarted on one state."""

    def __init__(self, tmp: Path, toy: ToyLog) -> None:
        self.tmp = tmp
        self.state = tmp / "state"
        self.key = tmp / "witness.key"
        self.toy = toy
        made = self._saksi("witness", "new", "--name", "example.org/w1", "--out", str(self.key))
        self.vkey = made.stdout.strip().splitlines()[-1]
        self.verifier = CosignatureVerifier.from_vkey(self.vkey)
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.extra: list[str] = []  # more options for `witness serve` (limits, timeouts)

    def _saksi(self, *args: str) -> subprocess.CompletedProcess[str]:
        return saksi(*args, check=True)

    def start(self) -> None:
        args = [sys.executable, "-m", "saksi", "witness", "serve", "--state", str(self.state)]
        args += ["--key", str(self.key), "--log", f"{ORIGIN}={self.toy.vkey}", "--port", "0"]
        stderr: IO[str] = (self.tmp / "stderr.txt").open("a")
        self.proc = subprocess.Popen(
            [*args, "--quiet", *self.extra],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        stderr.close()
        assert self.proc.stdout is not None
        lines = []
        for line in self.proc.stdout:
            lines.append(line.strip())
            if line.startswith("serving on "):
                self.url = line.split()[-1]
            if line.strip() == "ready":
                break
        assert lines[-1:] == ["ready"], (lines, (self.tmp / "stderr.txt").read_text())
        assert f"vkey: {self.vkey}" in lines

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=60)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        self.proc = None
        return code

    def post(self, body: bytes, path: str = "/add-checkpoint", method: str = "POST") -> Answer:
        host, port = self.url.removeprefix("http://").rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body)
            answer = conn.getresponse()
            return answer.status, answer.getheader("Content-Type"), answer.read()
        finally:
            conn.close()

    def send(self, old: int, size: int, toy: ToyLog | None = None) -> bytes:
        toy = toy or self.toy
        return add_checkpoint(self.url, old, toy.proof(old, size), toy.note(size), timeout=TIMEOUT)

    def record(self) -> bytes:
        return (self.state / LOGS_DIR / origin_file_name(ORIGIN)).read_bytes()


@pytest.fixture
def witness(tmp_path: Path) -> Iterator[WitnessProcess]:
    process = WitnessProcess(tmp_path, ToyLog.new())
    process.start()
    yield process
    if process.proc is not None:
        process.stop(signal.SIGKILL)


def cosigned(witness: WitnessProcess, size: int, lines: bytes) -> Checkpoint:
    """The checkpoint with the witness's lines attached, checked as a client would."""
    note = attach_cosignatures(witness.toy.note(size), lines, [witness.verifier])
    signed = open_checkpoint(note, NoteVerifier.from_vkey(witness.toy.vkey))
    assert len(WitnessQuorum((witness.verifier,), 1).check(signed)) == 1
    return signed.checkpoint


def refusal(witness: WitnessProcess, old: int, size: int, toy: ToyLog | None = None) -> str:
    with pytest.raises(WitnessError) as caught:
        witness.send(old, size, toy)
    return caught.value.code


def test_cosigns_a_consistent_sequence(witness: WitnessProcess) -> None:
    previous = 0
    for size in (0, 1, 5, 5, 8, 100, 257):
        lines = witness.send(previous, size)
        assert lines.startswith("— example.org/w1 ".encode()) and lines.endswith(b"\n")
        assert cosigned(witness, size, lines) == witness.toy.checkpoint(size)
        previous = size
    assert witness.record().startswith(witness.toy.checkpoint(257).body())
    assert witness.stop() == 0


def test_the_exact_status_of_each_refusal(witness: WitnessProcess) -> None:
    toy = witness.toy
    witness.send(0, 10)

    def raw(old: int, size: int, src: ToyLog = toy, proof: list[bytes] | None = None) -> Answer:
        body = format_request(old, src.proof(old, size) if proof is None else proof, src.note(size))
        return witness.post(body)

    status, ctype, body = raw(4, 12)
    assert (status, ctype, body) == (409, SIZE_CONTENT_TYPE, b"10\n")
    assert raw(12, 11)[0] == 400
    assert witness.post(b"old 10\n\nnot a checkpoint")[0] == 400
    assert witness.post(b"old 010\n\n" + toy.note(12))[0] == 400
    assert raw(0, 3, ToyLog.new("example.org/other"))[0] == 404
    assert raw(10, 12, ToyLog.new())[0] == 403  # same origin, a key the witness does not trust
    bad = [h[::-1] for h in toy.proof(10, 12)]
    assert raw(10, 12, proof=bad)[0] == 422
    assert witness.post(b"", path="/add-checkpoint", method="GET")[0] == 405
    assert witness.post(format_request(10, [], toy.note(10)), path="/other")[0] == 404
    # the client maps each status to its code
    assert refusal(witness, 4, 12) == "witness.conflict"
    assert refusal(witness, 12, 11) == "witness.bad-request"
    assert refusal(witness, 0, 3, ToyLog.new("example.org/other")) == "witness.unknown-log"
    assert refusal(witness, 10, 12, ToyLog.new()) == "witness.not-signed"
    assert refusal(witness, 10, 12, toy.fork(10, "x").fork(3, "y")) == "witness.bad-proof"
    with pytest.raises(WitnessError) as caught:
        witness.send(4, 12)
    assert caught.value.details["size"] == 10
    witness.send(10, 12)  # nothing above changed the state


def test_a_fork_is_refused_and_the_state_is_unchanged(witness: WitnessProcess) -> None:
    witness.send(0, 20)
    before = witness.record()
    fork = witness.toy.fork(12, "fork")
    status, ctype, body = witness.post(format_request(20, [], fork.note(20)))
    assert status == 409 and ctype is not None and ctype.startswith("text/plain")
    assert b"witness.fork" in body
    assert refusal(witness, 20, 20, fork) == "witness.fork"
    assert refusal(witness, 20, 30, fork) == "witness.bad-proof"  # not an extension
    assert refusal(witness, 12, 30, fork) == "witness.conflict"
    assert witness.record() == before
    lines = witness.send(20, 30)
    assert cosigned(witness, 30, lines).size == 30


def test_state_survives_sigkill_and_still_refuses_a_rollback(witness: WitnessProcess) -> None:
    witness.send(0, 10)
    witness.send(10, 40)
    witness.stop(signal.SIGKILL)
    witness.start()
    assert refusal(witness, 0, 5) == "witness.conflict"
    assert refusal(witness, 40, 5) == "witness.bad-request"  # old above the new size
    assert refusal(witness, 5, 5) == "witness.conflict"
    assert refusal(witness, 40, 40, witness.toy.fork(30, "fork")) == "witness.fork"
    witness.send(40, 40)
    witness.send(40, 41)


def test_a_second_witness_on_the_same_state_refuses_to_start(witness: WitnessProcess) -> None:
    args = ["witness", "serve", "--state", str(witness.state), "--key", str(witness.key)]
    result = saksi(*args, "--log", f"{ORIGIN}={witness.toy.vkey}", "--port", "0")
    assert result.returncode == 2
    assert "witness.state-locked" in result.stderr


def test_a_port_in_use_is_refused_in_both_languages(witness: WitnessProcess) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = str(holder.getsockname()[1])
        args = ["witness", "serve", "--state", str(witness.tmp / "other-state")]
        args += ["--key", str(witness.key), "--log", f"{ORIGIN}={witness.toy.vkey}"]
        result = saksi(*args, "--port", port)
    assert result.returncode == 2
    assert result.stdout == ""  # nothing announced
    assert result.stderr.startswith("witness.cannot-listen: tidak dapat mendengarkan di 127.0.0.1:")
    assert "port sudah dipakai proses lain" in result.stderr
    assert "the port is already in use by another process" in result.stderr
    assert "reason: EADDRINUSE" in result.stderr
    assert "Traceback" not in result.stderr and "Errno" not in result.stderr


def test_concurrent_requests_never_cosign_two_disagreeing_checkpoints(
    witness: WitnessProcess,
) -> None:
    """Two forks of one log, many clients each, all racing from what they believe the
    witness holds: every checkpoint cosigned is consistent with every other."""
    a = witness.toy
    b = a.fork(8, "fork")
    trees = {"a": a, "b": b}
    for toy in trees.values():
        toy.grow(64)
    won: list[tuple[str, int]] = []
    codes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def client(name: str, sizes: list[int]) -> None:
        toy, old = trees[name], 0
        start.wait()
        for size in sizes:
            try:
                witness.send(min(old, size), size, toy)
            except WitnessError as exc:
                with lock:
                    codes.append(exc.code)
                if exc.code == "witness.conflict":
                    old = exc.details["size"]
                continue
            with lock:
                won.append((name, size))
            old = size

    threads = [
        threading.Thread(target=client, args=(name, list(range(offset, 64, 4))))
        for name in trees
        for offset in range(1, 5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert won, codes
    expected = {"witness.conflict", "witness.bad-proof", "witness.bad-request", "witness.fork"}
    assert set(codes) <= expected
    assert {"witness.conflict"} <= set(codes)
    assert_one_history(won, trees, witness.record())


def assert_one_history(won: list[tuple[str, int]], trees: dict[str, ToyLog], record: bytes) -> None:
    """No two cosigned checkpoints from different forks past their common prefix, and
    every cosigned checkpoint a prefix of the one recorded last."""
    for name1, size1 in won:
        for name2, size2 in won:
            if name1 != name2 and min(size1, size2) > 8:
                pytest.fail(f"cosigned both {name1}@{size1} and {name2}@{size2}")
    name, largest = max(won, key=lambda item: item[1])
    big = trees[name].checkpoint(largest)
    assert record.startswith(big.body())
    for other, size in won:
        small = trees[other].checkpoint(size)
        proof = trees[name].proof(size, largest)
        verify_consistency(size, largest, proof, small.root, big.root)


def test_witness_new_refuses_to_overwrite_a_key(tmp_path: Path) -> None:
    key = tmp_path / "k"
    key.write_text("existing\n")
    result = saksi("witness", "new", "--name", "w", "--out", str(key))
    assert result.returncode == 2 and "cli.key-exists" in result.stderr
    assert key.read_text() == "existing\n"


def test_unreachable_witness(tmp_path: Path) -> None:
    toy = ToyLog.new()
    started = time.monotonic()
    with pytest.raises(WitnessError) as caught:
        add_checkpoint("http://127.0.0.1:9", 0, [], toy.note(1), timeout=2)
    assert caught.value.code == "witness.unreachable"
    assert time.monotonic() - started < 60  # it gave up (a generous bound, not a speed)
