"""Batches parsed in worker processes answer exactly as batches parsed in the thread."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from saksi.election.envelope import Envelope, parse_entry
from saksi.election.intake import form_violations
from saksi.errors import InputError, SaksiError, SignatureError
from saksi.ledger.ledger import Ledger, Receipt
from saksi.ledger.parsing import (
    MIN_BATCH,
    WORKER_NICENESS,
    ParsePool,
    _outcome,
    parse_checked,
    parse_chunk,
    rebuild,
)
from saksi.tlog.hashes import leaf_hash
from tests.ledger.factory import ServiceElection, broken_form
from tests.waiting import wait_for


def _batch(election: ServiceElection) -> list[bytes]:
    tps = list(election.tps)
    lines = [election.c_hasil(t) for t in tps[: MIN_BATCH + 4]]
    lines[3] = election.forged(tps[3])  # refused: signature
    lines[5] = b"{not json"  # refused: malformed
    lines[7] = election.c_hasil(tps[7], broken_form(election.form(tps[7])))  # inconsistent
    lines.append(lines[0])  # the same bytes again in the batch
    return lines


def _answers(ledger: Ledger, lines: list[bytes]) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for result in ledger.submit_many(lines):
        if isinstance(result, Receipt):
            out.append(("receipt", result.to_dict()))
        else:
            assert isinstance(result, SaksiError)
            out.append((type(result).__name__, result.to_dict()))
    return out


def test_worker_processes_answer_as_the_thread_does(tmp_path: Path) -> None:
    election = ServiceElection(tps_per_desa=12)
    assert len(election.tps) > MIN_BATCH + 8
    lines = _batch(election)
    with election.open(tmp_path / "pool", parse_workers=2) as pooled:
        with_pool = _answers(pooled, lines)
        assert pooled._pool is not None  # the batch really went to the workers
    with election.open(tmp_path / "thread", parse_workers=0) as threaded:
        in_thread = _answers(threaded, lines)
        assert threaded._pool is None
    assert with_pool == in_thread
    kinds = [kind for kind, _ in with_pool]
    assert kinds[3] == "SignatureError" and kinds[5] == "InputError"
    statuses = {a["status"] for kind, a in with_pool if kind == "receipt"}  # type: ignore[index]
    assert statuses == {"accepted", "inconsistent"}


def test_a_refusal_crosses_the_process_boundary_whole(tmp_path: Path) -> None:
    election = ServiceElection()
    forged = election.forged(election.tps[0])
    (result,) = parse_chunk([forged], election.origin, 65_536)
    assert isinstance(result, tuple) and isinstance(result[0], str)
    error = rebuild(result)
    assert isinstance(error, SignatureError)
    assert error.code == "statement.bad-signature"
    assert error.message_id and error.message_en and error.details


def test_a_passed_entry_crosses_as_its_leaf_hash_and_broken_rules() -> None:
    election = ServiceElection()
    tps = election.tps[0]
    entries = [election.c_hasil(tps), election.c_hasil(tps, broken_form(election.form(tps)))]
    results = parse_chunk(entries, election.origin, 65_536)
    for entry, result in zip(entries, results, strict=True):
        assert result == (leaf_hash(entry), form_violations(parse_entry(entry)))
        assert len(pickle.dumps(result)) < len(entry)  # not the parsed envelope
    assert results[0][1] == () and results[1][1] != ()


def test_the_server_rebuilds_the_envelope_parse_entry_returns() -> None:
    election = ServiceElection()
    for entry in [election.c_hasil(election.tps[0]), election.key_entries()[-1]]:
        expected = parse_entry(entry)
        rebuilt = Envelope.from_logged(entry, leaf_hash=leaf_hash(entry))
        assert rebuilt == expected
        for cached in ("stmt_bytes", "entry_bytes", "leaf_hash"):
            assert cached in rebuilt.__dict__  # seeded, not computed again
            assert rebuilt.__dict__[cached] == getattr(expected, cached)
        assert rebuilt.verify()
        assert rebuilt.entry_bytes is entry


def test_bytes_the_worker_did_not_check_are_checked_afresh() -> None:
    """If what comes back does not fit the bytes (it cannot happen), the entry is checked
    in the server and gets exactly the answer parse_checked gives."""
    election = ServiceElection()
    good = election.c_hasil(election.tps[0])
    crossed = (leaf_hash(good), ())
    outcome = _outcome(b"{not json", crossed, election.origin, 65_536)
    assert isinstance(outcome, InputError)
    with pytest.raises(InputError) as raised:
        parse_checked(b"{not json", election.origin, 65_536)
    assert outcome.to_dict() == raised.value.to_dict()
    non_canonical = good.replace(b'{"key"', b'{ "key"', 1)
    outcome = _outcome(non_canonical, crossed, election.origin, 65_536)
    assert isinstance(outcome, InputError) and outcome.code == "entry.not-canonical"
    parsed = _outcome(good, crossed, election.origin, 65_536)
    assert not isinstance(parsed, SaksiError) and parsed[0] == parse_entry(good)


def test_workers_yield_the_processor_to_the_server() -> None:
    import os

    pool = ParsePool(1)
    try:
        (worker,) = pool._pool._processes
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, worker) == min(19, mine + WORKER_NICENESS)
    finally:
        pool.close()


CHILD = """
import sys
from saksi.ledger.parsing import ParsePool
if __name__ == "__main__":  # spawned workers import this file again
    pool = ParsePool(2)
    print(" ".join(str(p) for p in pool._pool._processes), flush=True)
    sys.stdin.readline()
"""


def test_workers_exit_when_the_server_is_killed(tmp_path: Path) -> None:
    """A SIGKILLed server leaves no worker behind, nor its standard output open."""
    import signal
    import subprocess
    import sys

    script = tmp_path / "server.py"
    script.write_text(CHILD)
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    workers = [int(p) for p in proc.stdout.readline().split()]
    assert workers  # started on demand: at least the one that warmed up
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.stdout.read() == ""  # EOF: no worker holds the server's output
    proc.stdout.close()
    assert proc.stdin is not None
    proc.stdin.close()
    try:
        wait_for(lambda: not any(_running(p) for p in workers))
    except AssertionError:
        alive = [p for p in workers if _running(p)]
        raise AssertionError(f"workers still running after the server died: {alive}") from None


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split()[2] not in {"Z", "X"}
    except FileNotFoundError:
        return False
