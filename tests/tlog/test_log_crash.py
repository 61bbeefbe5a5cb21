"""Crash safety: SIGKILL an appending, integrating process at random moments.

A child process (this file run as ``python -m tests.tlog.test_log_crash DIR SEED
LIFE``) opens the log, then loops: append a small batch, print each acknowledged
``index entry`` once ``append`` has returned, and now and then integrate and print
the checkpoint it published. The parent kills it with SIGKILL once it has
acknowledged a random number of entries (sometimes while it is still opening the
log), 50 times, on the real file system under ``tmp_path``, and after each kill
restarts the log (``Log.open``, as any command does) and checks:

- every acknowledged entry is in the store at its acknowledged index;
- ``fsck`` is clean (tiles and bundles re-derive the signed root, the published
  checkpoint is the signed one, stored entries equal the published ones);
- every checkpoint seen since the last kill (the child's, and the one in force after
  the restart) is consistent with every checkpoint published before: an RFC 9162
  consistency proof, built from a Merkle tree of the store's entries held by the
  parent, verifies between their roots.

Finally a last restart integrates everything and the published tree is the tree of
every stored entry. Output goes to files (a pipe could fill and stall the child).
"""

from __future__ import annotations

import base64
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from saksi.store import open_store
from saksi.tlog import merkle
from saksi.tlog.checkpoint import Checkpoint, open_checkpoint
from saksi.tlog.hashes import leaf_hash
from saksi.tlog.log import Log
from saksi.tlog.note import NoteVerifier
from tests.conftest import ROOT

ORIGIN = "saksi.test/crash"
SEED = 20240214
KILLS = 50
READY_TIMEOUT = 120.0


# --- the child ---------------------------------------------------------------------


def _say(line: str) -> None:
    os.write(1, line.encode("ascii") + b"\n")  # one write: whole line or nothing


def child(directory: Path, seed: int, life: int) -> None:
    """Append and integrate until killed; report what was acknowledged and published."""
    rng = random.Random(f"{seed}/{life}")
    log = Log.open(directory, open_store)
    _say("ready")
    earlier: list[bytes] = []
    number = 0
    while True:
        batch = []
        for _ in range(rng.randint(1, 8)):
            batch.append(
                f"life {life} entry {number} ".encode() + rng.randbytes(rng.randint(0, 300))
            )
            number += 1
        if earlier and rng.random() < 0.1:
            batch.append(rng.choice(earlier))  # a retry: the store gives its old index
        indices = log.append(batch)
        for index, entry in zip(indices, batch, strict=True):
            _say(f"ack {index} {entry.hex()}")
        earlier += batch
        if rng.random() < 0.4:
            note = log.integrate()
            _say(f"cp {base64.b64encode(note).decode('ascii')}")


# --- the parent --------------------------------------------------------------------


@dataclass
class History:
    """What the parent knows: acknowledged entries, published checkpoints, the tree."""

    verifier: NoteVerifier
    acked: dict[int, bytes] = field(default_factory=dict)
    published: list[Checkpoint] = field(default_factory=list)
    tree: merkle.MemoryTree = field(default_factory=merkle.MemoryTree)
    proofs_checked: int = 0

    def check_new(self, checkpoint: Checkpoint) -> None:
        """``checkpoint`` is the root of the store's first entries and is consistent
        with every checkpoint published before it."""
        assert checkpoint.size <= self.tree.size
        assert checkpoint.root == self.tree.root(checkpoint.size)
        for old in self.published:
            assert old.size <= checkpoint.size, "a checkpoint went backwards"
            if old.size == 0:
                assert old.root == merkle.EMPTY_ROOT
                continue
            proof = self.tree.consistency_proof(old.size, checkpoint.size)
            merkle.verify_consistency(old.size, checkpoint.size, proof, old.root, checkpoint.root)
            self.proofs_checked += 1

    def publish(self, checkpoint: Checkpoint) -> None:
        if checkpoint not in self.published:
            self.published.append(checkpoint)


def run_life(directory: Path, out: Path, life: int, rng: random.Random) -> list[str]:
    """Start a child, kill it with SIGKILL at a random moment; its complete lines."""
    with out.open("wb") as stdout, out.with_suffix(".err").open("wb") as stderr:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.tlog.test_log_crash",
                str(directory),
                str(SEED),
                str(life),
            ],
            stdout=stdout,
            stderr=stderr,
            cwd=ROOT,
        )
    try:
        if rng.random() < 0.2:
            time.sleep(rng.uniform(0.0, 0.12))  # often while importing or opening the log
        else:  # after a number of acknowledgements (not of seconds: the machine may be busy)
            acks = rng.randint(0, 40)
            deadline = time.monotonic() + READY_TIMEOUT
            while not _acknowledged(out.read_bytes(), acks):
                assert proc.poll() is None, out.with_suffix(".err").read_text()
                assert time.monotonic() < deadline, f"the child never acknowledged {acks}"
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.01))  # anywhere in what it does next
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, out.with_suffix(".err").read_text()
    data = out.read_text(encoding="ascii")
    return data.split("\n")[:-1]  # a line cut short by the kill is not acknowledged


def _acknowledged(output: bytes, count: int) -> bool:
    """The child is ready and has acknowledged at least ``count`` entries."""
    return output.startswith(b"ready\n") and output.count(b"\nack ") >= count


def restart_and_check(directory: Path, lines: list[str], history: History) -> None:
    for line in lines:
        kind, _, rest = line.partition(" ")
        if kind == "ack":
            index_text, entry_hex = rest.split(" ")
            entry = bytes.fromhex(entry_hex)
            assert history.acked.setdefault(int(index_text), entry) == entry
    child_checkpoints = [
        open_checkpoint(base64.b64decode(line[3:]), history.verifier).checkpoint
        for line in lines
        if line.startswith("cp ")
    ]
    with Log.open(directory, open_store) as log:  # the restart
        report = log.fsck()
        assert report.ok, [problem.diagnostics() for problem in report.problems]
        stored = [entry for _, entry in log.store.entries()]
        assert len(stored) >= history.tree.size, "the store lost entries"
        for index, entry in enumerate(stored):
            if index < history.tree.size:
                assert leaf_hash(entry) == history.tree.node(0, index), f"entry {index} changed"
            else:
                history.tree.append(leaf_hash(entry))
        for index, entry in history.acked.items():
            assert index < len(stored) and stored[index] == entry, f"entry {index} lost"
        current = log.signed_checkpoint()
        assert current is not None
        assert (directory / "checkpoint").read_bytes() == log.checkpoint()
        assert not list(directory.glob(".checkpoint.*.tmp"))  # a killed writer's debris
    for checkpoint in child_checkpoints:  # published by the child before the kill
        history.check_new(checkpoint)
        history.publish(checkpoint)
    history.check_new(current)  # the checkpoint in force after the restart
    history.publish(current)


def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    directory = tmp_path / "log"
    log, _ = Log.create(directory, ORIGIN, open_store)
    with log:
        history = History(log.verifier)
        empty = log.signed_checkpoint()
        assert empty is not None
        history.publish(empty)
    for life in range(KILLS):
        lines = run_life(directory, tmp_path / f"life-{life}.out", life, rng)
        restart_and_check(directory, lines, history)
    with Log.open(directory, open_store) as log:
        final = open_checkpoint(log.integrate(), log.verifier).checkpoint
        assert log.fsck().ok
        assert final.size == log.store.size()
    history.check_new(final)
    assert final.root == history.tree.root()
    for index, entry in history.acked.items():
        assert leaf_hash(entry) == history.tree.node(0, index)
    # the run did what it claims: many acknowledged entries, many checkpoints, many kills
    assert len(history.acked) > 100
    assert len(history.published) > 10
    assert history.proofs_checked > 100


if __name__ == "__main__":
    child(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
