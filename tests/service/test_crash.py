"""Crash safety of the service: SIGKILL ``saksi serve`` under load, again and again.

A real ``saksi serve`` process (on ``--scale`` synthetic regions, rate limits off,
a checkpoint every 50 ms) takes statements from several client threads: five send
one statement a request, one sends NDJSON batches of 16. For each TPS a client
first registers its KPPS key (signed by the KPU Kab/Kota key), then sends its
C.Hasil, so the log holds chains whose links must survive a crash. A poller
records every checkpoint published at ``GET /log/checkpoint``.

The test kills the server with SIGKILL under that load, once the clients have had
a random number of receipts (:data:`ACKS_PER_LIFE`, not a time: the machine may be
busy), at least :data:`KILLS` times (and :data:`STARTUP_KILLS` more while it is starting and
replaying), restarting it each time on the same ``--data``. A request cut off by a
kill has an unknown outcome: the client sends the same bytes again after the
restart, as a KPPS phone would, and must get the entry's one receipt. After each
restart, with the clients held back:

- every statement that ever got a 2xx is in the log at its receipt's index: in the
  entry bundles of the publication directory (``TileReader`` over ``DATA/log``,
  whose root is the signed checkpoint's), and over HTTP (``GET /v1/entries/{i}``)
  for those acknowledged since the last kill; the same bytes always got the same
  index;
- every checkpoint seen before the kill, and the one in force after the restart,
  is signed by the log's key and consistent with every checkpoint published before
  it (RFC 9162 consistency proofs from a Merkle tree of the log held by the test).

At the end a clean stop (SIGTERM, exit 0), ``Log.fsck`` of the data directory,
and a last check that the final checkpoint covers every acknowledged statement.
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from saksi.election.codes import Level
from saksi.election.envelope import sign_statement
from saksi.election.statements import CHasil
from saksi.election.synthetic import synthetic_hierarchy
from saksi.sim.election import Authorities
from saksi.sim.tally import consistent_form
from saksi.store import open_store
from saksi.tlog import merkle
from saksi.tlog.checkpoint import Checkpoint, open_checkpoint
from saksi.tlog.hashes import leaf_hash
from saksi.tlog.log import Log
from saksi.tlog.note import NoteVerifier
from saksi.tlog.tiledir import TileDir
from saksi.tlog.tiles import TileReader
from tests.service.conftest import JSON, NDJSON, ROOT, ServeProcess
from tests.waiting import wait_for

SEED = 20240214
SCALE = 0.01  # 8,233 TPS: more than the run can use
KILLS = 21
"""Kills under load (the issue asks for at least 20)."""
STARTUP_KILLS = 3
"""Extra kills while the server starts (imports, opening the log, replaying it)."""
SINGLE_CLIENTS = 5
ACKS_PER_LIFE = 21
"""Each life is killed once the clients have had at least this many more receipts
(a random number up to six times as many), whatever the machine's speed."""
BATCH = 16
TALLY_AT = "2024-02-14T08:00:00Z"


class CrashElection:
    """A synthetic election: regions, manifest, KPU keys; KPPS keys and forms per TPS."""

    def __init__(self) -> None:
        self.hierarchy = synthetic_hierarchy(scale=SCALE, seed=SEED)
        self.keys = Authorities(SEED)
        self.manifest = self.keys.manifest(self.hierarchy).to_bytes()
        tps = list(self.hierarchy.iter_tps())
        random.Random(SEED).shuffle(tps)
        self._tps = iter(tps)
        self._lock = threading.Lock()

    def key_entries(self) -> list[bytes]:
        """The KPU Provinsi and Kab/Kota keys (the KPPS keys come with their forms)."""
        keys = self.keys
        out = [
            keys.register("kpu-ri", keys.key(f"kpu-prov-{p}"), "kpu-prov", p).to_bytes()
            for p in self.hierarchy.codes(Level.PROVINSI)
        ]
        return out + [
            keys.register(f"kpu-prov-{k[:2]}", keys.key(f"kpu-kab-{k}"), "kpu-kab", k).to_bytes()
            for k in self.hierarchy.codes(Level.KABKOTA)
        ]

    def next_tps(self) -> tuple[bytes, bytes]:
        """A fresh TPS's KPPS key registration and its C.Hasil, both signed."""
        with self._lock:
            tps = next(self._tps)
        keys = self.keys
        kpps = keys.kpps(tps)
        registration = keys.register(f"kpu-kab-{tps[:4]}", kpps, "kpps", tps).to_bytes()
        form = consistent_form(random.Random(tps))
        stmt = CHasil(
            type="c-hasil", election=keys.origin, at=TALLY_AT, tps=tps, contest="ppwp", form=form
        )
        return registration, sign_statement(stmt, kpps).to_bytes()


# --- what the clients saw ------------------------------------------------------------


class Stopping(Exception):
    """The test is over: the client thread ends."""


@dataclass
class Shared:
    """What the main thread and the client threads share."""

    election: CrashElection
    gate: threading.Event = field(default_factory=threading.Event)  # set: clients may send
    stop: threading.Event = field(default_factory=threading.Event)
    url: str = ""  # changed only while the gate is closed
    life: int = 0  # one more at each kill
    lock: threading.Lock = field(default_factory=threading.Lock)
    acks: list[tuple[int, str, bytes]] = field(default_factory=list)  # index, leaf hash, entry
    notes: list[bytes] = field(default_factory=list)  # checkpoints seen, in order
    problems: list[str] = field(default_factory=list)
    retries: int = 0  # requests cut off by a kill, sent again
    duplicates: int = 0  # of which the first had been logged before the kill

    def wait_for_gate(self) -> tuple[str, int]:
        """The server's address and life, once clients may send."""
        while not self.gate.wait(0.05):
            if self.stop.is_set():
                raise Stopping
        if self.stop.is_set():
            raise Stopping
        with self.lock:
            return self.url, self.life

    def kill(self, server: ServeProcess) -> None:
        server.kill()
        with self.lock:
            self.gate.clear()
            self.life += 1

    def ack(self, receipt: dict[str, Any], entry: bytes) -> None:
        with self.lock:
            self.acks.append((int(receipt["index"]), str(receipt["leaf_hash"]), entry))
            self.duplicates += bool(receipt["duplicate"])

    def problem(self, what: str) -> None:
        with self.lock:
            self.problems.append(what[:500])
        self.stop.set()


def _post(shared: Shared, http: httpx.Client, path: str, body: bytes, kind: str) -> Any:
    """POST until answered (a kill cuts a request off: send the same bytes again)."""
    while True:
        url, _ = shared.wait_for_gate()
        try:
            answer = http.post(url + path, content=body, headers={"content-type": kind})
        except httpx.TransportError:
            with shared.lock:
                shared.retries += 1
            time.sleep(0.005)
            continue
        if answer.status_code in (200, 201):
            return answer.json()
        if answer.status_code == 503:  # starting or stopping
            time.sleep(0.005)
            continue
        shared.problem(f"{path}: {answer.status_code} {answer.text}")
        raise Stopping


def single_client(shared: Shared) -> None:
    with httpx.Client(timeout=20) as http:
        try:
            while True:
                for entry in shared.election.next_tps():  # the key, then the form
                    shared.ack(_post(shared, http, "/v1/statements", entry, JSON_TYPE), entry)
        except Stopping:
            return


def batch_client(shared: Shared) -> None:
    with httpx.Client(timeout=20) as http:
        try:
            while True:
                pairs = [shared.election.next_tps() for _ in range(BATCH)]
                for entries in ([k for k, _ in pairs], [f for _, f in pairs]):
                    body = b"".join(e + b"\n" for e in entries)
                    results = _post(shared, http, "/v1/statements/batch", body, NDJSON_TYPE)
                    for entry, result in zip(entries, results["results"], strict=True):
                        if not result["ok"]:
                            shared.problem(f"batch item refused: {result}")
                            raise Stopping
                        shared.ack(result["receipt"], entry)
        except Stopping:
            return


def checkpoint_poller(shared: Shared) -> None:
    with httpx.Client(timeout=5) as http:
        try:
            while True:
                url, life = shared.wait_for_gate()
                try:
                    answer = http.get(url + "/log/checkpoint")
                except httpx.TransportError:
                    continue
                with shared.lock:  # not from a later life (a restarted server may reuse a port)
                    fresh = not shared.notes or shared.notes[-1] != answer.content
                    if answer.status_code == 200 and life == shared.life and fresh:
                        shared.notes.append(answer.content)
                time.sleep(0.01)
        except Stopping:
            return


JSON_TYPE = JSON["content-type"]
NDJSON_TYPE = NDJSON["content-type"]


# --- what the test knows of the log ----------------------------------------------------


@dataclass
class History:
    """The log as the test has checked it: a Merkle tree of its entries, every
    checkpoint published, every acknowledged entry's index."""

    verifier: NoteVerifier
    publication: Path
    tree: merkle.MemoryTree = field(default_factory=merkle.MemoryTree)
    published: list[Checkpoint] = field(default_factory=list)
    index_of: dict[bytes, int] = field(default_factory=dict)
    checked_acks: int = 0
    proofs_checked: int = 0

    def grow(self, checkpoint: Checkpoint) -> None:
        """Read the entries the tree lacks from the published bundles; the tree's root
        must be the checkpoint's (so the old entries are unchanged too)."""
        if checkpoint.size > self.tree.size:
            reader = TileReader(TileDir(self.publication), checkpoint.size)
            for entry in reader.entries(self.tree.size, checkpoint.size):
                self.tree.append(leaf_hash(entry))
        assert self.tree.root(checkpoint.size) == checkpoint.root, "published tiles differ"

    def check_new(self, checkpoint: Checkpoint) -> None:
        """Consistent with every checkpoint published before it."""
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
        if checkpoint not in self.published:
            self.published.append(checkpoint)

    def check_acks(self, acks: list[tuple[int, str, bytes]]) -> None:
        """Every acknowledged entry is at its index; the same bytes, the same index."""
        for index, leaf, entry in acks:
            digest = leaf_hash(entry)
            assert leaf == digest.hex()
            assert self.index_of.setdefault(entry, index) == index, "two indices for one entry"
            assert index < self.tree.size, f"acknowledged entry {index} is not in the log"
            assert self.tree.node(0, index) == digest, f"entry {index} is not the one acked"
        self.checked_acks = len(self.index_of)


# --- the server's lives ----------------------------------------------------------------


def make_server(base: Path, election: CrashElection) -> ServeProcess:
    base.mkdir(parents=True)
    manifest = base / "manifest.json"
    manifest.write_bytes(election.manifest)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAKSI_")}
    env |= {"SAKSI_RATE_PER_KEY": "0,0", "SAKSI_RATE_PER_ADDRESS": "0,0"}
    env |= {"SAKSI_INTEGRATE_INTERVAL": "0.05"}
    args = ["--data", str(base / "data"), "--manifest", str(manifest), "--host", "127.0.0.1"]
    args += ["--port", "0", "--scale", str(SCALE), "--seed", str(SEED), "--no-access-log"]
    return ServeProcess(base / "data", args, env, base / "stderr.log")


def kill_while_starting(server: ServeProcess, rng: random.Random) -> None:
    """Start ``saksi serve`` and SIGKILL it before (or just as) it is ready."""
    with server.log_file.open("a", encoding="utf-8") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "saksi", "serve", *server.args],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=server.env,
            cwd=ROOT,
        )
    time.sleep(rng.uniform(0.1, 1.2))
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def settle(server: ServeProcess) -> Checkpoint:
    """With no traffic, wait for a checkpoint of the whole log; return it (verified)."""
    with server.client() as http:

        def whole() -> bool:
            health = http.get("/health").json()
            return bool(health["checkpoint_size"] == health["log_size"])

        wait_for(whole)
        note = http.get("/log/checkpoint").content
    return open_checkpoint(note, NoteVerifier.from_vkey(server.vkey)).checkpoint


def check_restart(server: ServeProcess, shared: Shared, history: History, seen: int) -> int:
    """The checks after a restart (clients held back); returns the acks checked."""
    assert not shared.problems, shared.problems
    current = settle(server)
    history.grow(current)
    with shared.lock:
        notes, acks = list(shared.notes), list(shared.acks)
        shared.notes.clear()
    for note in notes:  # published before the kill (the tree has grown past them)
        history.check_new(open_checkpoint(note, history.verifier).checkpoint)
    history.check_new(current)
    history.check_acks(acks)
    with server.client() as http:  # those acknowledged since the last check, over HTTP
        for index, _, entry in acks[seen:]:
            answer = http.get(f"/v1/entries/{index}")
            assert answer.status_code == 200 and answer.content == entry, index
    return len(acks)


def _acked(shared: Shared, count: int) -> bool:
    """The clients have had ``count`` receipts in all (or have stopped on a problem)."""
    return len(shared.acks) >= count or bool(shared.problems)


def lives(rng: random.Random) -> Iterator[bool]:
    """For each restart: True if it is first killed while starting."""
    startup = set(rng.sample(range(1, KILLS), STARTUP_KILLS))
    return (life in startup for life in itertools.count(1))


@pytest.mark.slow
def test_sigkill_under_load_loses_nothing_acknowledged(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    election = CrashElection()
    server = make_server(tmp_path / "serve", election)
    server.start()
    vkey = server.vkey
    server.log_batch(election.key_entries())
    shared = Shared(election)
    history = History(NoteVerifier.from_vkey(vkey), server.data / "log")
    history.grow(first := settle(server))
    history.check_new(first)
    threads = [
        threading.Thread(target=single_client, args=(shared,)) for _ in range(SINGLE_CLIENTS)
    ]
    threads += [
        threading.Thread(target=batch_client, args=(shared,)),
        threading.Thread(target=checkpoint_poller, args=(shared,)),
    ]
    for thread in threads:
        thread.start()
    seen, kills = 0, 0
    try:
        for startup_kill in itertools.islice(lives(rng), KILLS):
            shared.url = server.url
            wanted = len(shared.acks) + rng.randint(ACKS_PER_LIFE, 6 * ACKS_PER_LIFE)
            shared.gate.set()
            wait_for(partial(_acked, shared, wanted))  # a number of receipts, not of seconds
            time.sleep(rng.uniform(0.0, 0.05))  # anywhere amid the requests in flight
            shared.kill(server)
            kills += 1
            if startup_kill:
                kill_while_starting(server, rng)
                kills += 1
            server.start()
            assert server.vkey == vkey
            seen = check_restart(server, shared, history, seen)
        assert server.stop() == 0  # a clean stop after all that
    finally:
        shared.stop.set()
        shared.gate.set()
        for thread in threads:
            thread.join(30)
        server.kill()
    assert not shared.problems, shared.problems
    with Log.open(server.data / "log", open_store) as log:
        report = log.fsck()
        assert report.ok, [problem.diagnostics() for problem in report.problems]
        final = log.signed_checkpoint()
        assert final is not None and final.size == log.store.size()
    history.grow(final)
    history.check_new(final)
    history.check_acks(shared.acks)
    # the run did what it claims: many kills, many acknowledged statements and retries
    assert kills >= KILLS + STARTUP_KILLS
    assert history.checked_acks > 20 * KILLS, history.checked_acks
    assert shared.retries > 0 and history.proofs_checked > 100, (shared.retries, shared.duplicates)
