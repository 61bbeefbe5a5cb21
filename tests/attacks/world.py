"""Real processes for the attack tests: one clean election, copied for each attack.

:func:`make_clean` runs, once per module, a real election night in miniature:
``saksi serve`` (SQLite data folder, its results publisher) with three ``saksi witness
serve`` children (keys from ``saksi witness new``; quorum 2 of 3), the key tree, photos
uploaded and forms citing them, a correction, a witness copy; every checkpoint
cosigned and published, the results published with their exports; then ``saksi
verify`` run against the service's URL, whose state folder is kept (a journalist who
verified the night's log). Every process is then stopped and the folder is the clean
snapshot.

:class:`World` is a copy of that snapshot for one attack (data folder, witnesses'
state, the verifier's state): it starts the witnesses and the service again on the
copies (new ports), runs ``saksi verify`` as a child process, and opens the service's
SQLite store the way an attacker with a shell on the server would (``sqlite3``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx

from saksi.election.envelope import sign_statement
from saksi.election.forms import CHasilPPWP
from saksi.election.statements import Correction, EntryRef
from saksi.sim.processes import free_port
from tests import waiting
from tests.election.factory import key
from tests.ledger.factory import ServiceElection, shifted
from tests.service.conftest import JSON, ROOT, ServeProcess

QUORUM = 2
TIMEOUT = 30.0
FORMS = 6
"""TPS with a form in the clean election (of 8); the others stay free for later forms."""


def wait_for(what: Callable[[], Any], timeout: float = TIMEOUT, step: float = 0.05) -> Any:
    return waiting.wait_for(what, timeout, step)


def photo(tps: str, page: int) -> bytes:
    """A photo's bytes (JPEG magic, so the service takes it)."""
    return b"\xff\xd8\xff\xe0" + f"C.Hasil-PPWP TPS {tps} halaman {page}".encode()


def with_photos(form: CHasilPPWP, tps: str) -> CHasilPPWP:
    hashes = tuple(hashlib.sha256(photo(tps, p)).hexdigest() for p in (1, 2))
    return form.model_copy(update={"foto": hashes})


def correction(
    election: ServiceElection, tps: str, target: tuple[int, str], *, signer: str, votes: int
) -> bytes:
    """A correction of the form at ``target`` (index, leaf hash): ``votes`` moved to
    pair 01, signed by ``signer``."""
    index, leaf_hash = target
    stmt = Correction(
        type="correction", election=election.origin, at="2024-02-15T03:00:00Z", tps=tps,
        contest="ppwp", corrects=EntryRef(index=index, leaf_hash=leaf_hash),
        form=with_photos(shifted(election.form(tps), votes), tps), reason="salah tulis",
    )  # fmt: skip
    return sign_statement(stmt, key(signer)).to_bytes()


# --- witnesses ------------------------------------------------------------------------


@dataclass
class Witness:
    """A ``saksi witness serve`` child on its state folder; a new port at each start."""

    dir: Path
    name: str
    vkey: str
    port: int = 0
    proc: subprocess.Popen[str] | None = None

    @classmethod
    def new(cls, directory: Path, name: str) -> Witness:
        directory.mkdir(parents=True)
        made = subprocess.run(
            [sys.executable, "-m", "saksi", "witness", "new", "--name", name,
             "--out", str(directory / "witness.key")],
            cwd=ROOT, capture_output=True, text=True, check=True, timeout=30,
        )  # fmt: skip
        return cls(directory, name, made.stdout.strip().splitlines()[-1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self, origin: str, log_vkey: str) -> None:
        """Start it (without waiting: see :meth:`ready`)."""
        self.port = self.port or free_port()
        args = [sys.executable, "-m", "saksi", "witness", "serve", "--state",
                str(self.dir / "state"), "--key", str(self.dir / "witness.key"),
                "--log", f"{origin}={log_vkey}", "--port", str(self.port), "--quiet"]  # fmt: skip
        stderr: IO[str] = (self.dir / "stderr.txt").open("a")
        self.proc = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        stderr.close()

    def ready(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.strip() == "ready":
                return
        raise AssertionError((self.dir / "stderr.txt").read_text())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc = None
        self.port = 0

    def cosigned_size(self, origin: str) -> int:
        """The size this witness recorded (its state file, read as a reader of it would)."""
        record = self.dir / "state" / "logs" / hashlib.sha256(origin.encode()).hexdigest()
        return int(record.read_text().splitlines()[1])


# --- a world: one copy of the clean snapshot --------------------------------------------


@dataclass
class World:
    """A data folder, three witnesses and a verifier state, with the processes on them."""

    base: Path
    election: ServiceElection
    log_vkey: str = ""
    witnesses: list[Witness] = field(default_factory=list)
    server: ServeProcess | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def data(self) -> Path:
        return self.base / "serve" / "data"

    @property
    def files(self) -> Path:
        return self.base / "serve" / "files"

    @property
    def store_file(self) -> Path:
        return self.data / "log" / ".state" / "store.sqlite"

    @property
    def verify_state(self) -> Path:
        """The verifier state saved when the clean publication verified."""
        return self.base / "verify-state"

    @property
    def skey(self) -> str:
        """The log's private key, as an attacker with the server finds it."""
        return (self.data / "log" / ".state" / "log.key").read_text().strip()

    # --- processes ---

    def start_witnesses(self) -> None:
        for witness in self.witnesses:
            witness.launch(self.election.origin, self.log_vkey)
        for witness in self.witnesses:
            witness.ready()

    def serve(self, *, keys: bool = False, **env: str) -> ServeProcess:
        """``saksi serve`` on the data folder, with the witnesses (their current ports)."""
        manifest, regions = self.election.write_files(self.files)
        child = {k: v for k, v in os.environ.items() if not k.startswith("SAKSI_")}
        child |= {"SAKSI_RATE_PER_KEY": "0,0", "SAKSI_RATE_PER_ADDRESS": "0,0"}
        child |= {"SAKSI_INTEGRATE_INTERVAL": "0.05", "SAKSI_WITNESS_TIMEOUT": "2"}
        child |= {"SAKSI_RESULTS_INTERVAL": "0.1", "SAKSI_PARSE_WORKERS": "0"}
        child |= {"SAKSI_WITNESS_QUORUM": str(QUORUM)}
        child["SAKSI_WITNESSES"] = ", ".join(f"{w.url} {w.vkey}" for w in self.witnesses)
        child |= env
        args = ["--data", str(self.data), "--manifest", str(manifest), "--regions", str(regions)]
        args += ["--host", "127.0.0.1", "--port", "0"]
        server = ServeProcess(self.data, args, child, self.base / "serve" / "stderr.log")
        self.server = server
        server.start()
        self.log_vkey = self.log_vkey or server.vkey
        if keys:
            server.log_batch(self.election.key_entries())
        return server

    def stop(self) -> None:
        server = self.server
        if server is not None and server.proc is not None and server.proc.poll() is None:
            assert server.stop() == 0, server.stderr()
        for witness in self.witnesses:
            witness.stop()

    def http(self) -> httpx.Client:
        assert self.server is not None
        return self.server.client()

    def health(self) -> dict[str, Any]:
        with self.http() as http:
            health: dict[str, Any] = http.get("/health").json()
        return health

    def submit(self, entry: bytes) -> dict[str, Any]:
        with self.http() as http:
            answer = http.post("/v1/statements", content=entry, headers=JSON)
        assert answer.status_code == 201, answer.text
        receipt: dict[str, Any] = answer.json()
        return receipt

    def wait_published(self, size: int | None = None, *, exports: bool = False) -> int:
        """Wait until the published (cosigned) checkpoint and the results cover the log
        (with ``exports``, the exports too: once ``results_exports_every`` has passed)."""

        def done() -> bool:
            health = self.health()
            want = health["log_size"] if size is None else size
            if not health["checkpoint_size"] == health["signed_size"] == want:
                return False
            with self.http() as http:
                answer = http.get("/results/latest.json")
            if answer.status_code != 200 or answer.json()["tree_size"] != want:
                return False
            links = answer.json()["contests"]["ppwp"]["exports"]
            return not exports or (links is not None and links["tree_size"] == want)

        wait_for(done)
        return int(self.health()["checkpoint_size"])

    # --- the verifier ---

    def verify(
        self, source: str, *, state: Path, witnesses: bool = True, full: bool = False
    ) -> tuple[int, dict[str, Any]]:
        """``python -m saksi verify SOURCE --json``: exit status and report."""
        args = [sys.executable, "-m", "saksi", "verify", source, "--log-key", self.log_vkey]
        if witnesses:
            for witness in self.witnesses:
                args += ["--witness", witness.vkey]
            args += ["--quorum", str(QUORUM)]
        args += ["--state", str(state), "--regions", str(self.files / "regions.json")]
        args += ["--json", "--quiet", "--workers", "0", *(["--full"] if full else [])]
        done = subprocess.run(
            args, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
        )
        try:
            report: dict[str, Any] = json.loads(done.stdout)
        except ValueError:
            raise AssertionError((done.returncode, done.stdout, done.stderr)) from None
        return done.returncode, report

    def verifier_state(self, name: str) -> Path:
        """A copy of the clean verifier state (one reader who verified the clean log)."""
        target = self.base / name
        shutil.copytree(self.verify_state, target)
        return target

    # --- the attacker's shell ---

    @contextmanager
    def sqlite(self) -> Iterator[sqlite3.Connection]:
        """A plain sqlite3 connection to the service's store (the service stopped)."""
        db = sqlite3.connect(self.store_file, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    def entries(self) -> list[bytes]:
        with self.sqlite() as db:
            rows = db.execute("SELECT data FROM entries ORDER BY idx").fetchall()
        return [bytes(row[0]) for row in rows]

    def photos(self) -> dict[str, bytes]:
        with self.sqlite() as db:
            rows = db.execute("SELECT sha256, data FROM photos").fetchall()
        return {str(sha): bytes(data) for sha, data in rows}

    def latest_results(self) -> dict[str, Any]:
        latest: dict[str, Any] = json.loads((self.data / "results" / "latest.json").read_bytes())
        return latest


def codes(report: dict[str, Any]) -> set[str]:
    return {f["code"] for f in report["findings"]}


def only(report: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["code"] == code]


# --- the clean snapshot ---------------------------------------------------------------


def make_clean(base: Path) -> World:
    """The clean election (see the module docstring); every process stopped at the end."""
    election = ServiceElection()
    world = World(base, election)
    world.witnesses = [
        Witness.new(base / "witnesses" / f"w{i}", f"w{i}.saksi.test/witness") for i in (1, 2, 3)
    ]
    for witness in world.witnesses:
        witness.port = free_port()
    try:
        world.serve(keys=True, SAKSI_RESULTS_EXPORTS_EVERY="1")
        world.start_witnesses()
        _night(world)
        size = world.wait_published(exports=True)
        world.facts["size"] = size
        assert world.server is not None
        code, report = world.verify(world.server.url, state=world.verify_state)
        assert code == 0, report
        assert report["checked"]["photos_checked"] == 2 * FORMS, report["checked"]
        assert report["witnesses"]["cosigned"], report["witnesses"]
        world.facts["clean_report"] = report
    finally:
        world.stop()
    return world


def _night(world: World) -> None:
    """Photos, forms citing them, a correction by the kab/kota, a witness copy."""
    election = world.election
    with world.http() as http:
        for tps in election.tps[:FORMS]:
            for page in (1, 2):
                data = photo(tps, page)  # signed by the KPPS whose form cites it
                headers = election.photo_headers(data, f"kpps-{tps}")
                answer = http.post("/v1/photos", content=data, headers=headers)
                assert answer.status_code == 201, answer.text
    forms: dict[str, dict[str, Any]] = {}
    for tps in election.tps[:FORMS]:
        form = with_photos(election.form(tps), tps)
        forms[tps] = world.submit(election.c_hasil(tps, form))
    corrected = election.tps[2]
    first = forms[corrected]
    receipt = world.submit(
        correction(election, corrected, (first["index"], first["leaf_hash"]),
                   signer=f"kpu-kab-{corrected[:4]}", votes=3)
    )  # fmt: skip
    assert receipt["status"] in ("accepted", "flagged"), receipt
    world.submit(election.c_salinan(election.witnessed[0]))
    with world.http() as http:  # the cited photos are kept for good (moved from staging)
        for tps in election.tps[:FORMS]:
            for page in (1, 2):
                url = f"/v1/photos/{hashlib.sha256(photo(tps, page)).hexdigest()}"
                wait_for(waiting.answers(http, url))
    world.facts["forms"] = {tps: r["index"] for tps, r in forms.items()}
    world.facts["corrected"] = corrected


def copy_world(clean: World, base: Path) -> World:
    """A copy of the clean snapshot under ``base`` (no process running)."""
    shutil.copytree(clean.base, base, symlinks=True)
    (base / "serve" / "stderr.log").unlink()  # this world's service log starts empty
    world = World(base, clean.election, clean.log_vkey, facts=dict(clean.facts))
    world.witnesses = [
        Witness(base / "witnesses" / w.dir.name, w.name, w.vkey) for w in clean.witnesses
    ]
    return world


__all__ = [
    "FORMS",
    "QUORUM",
    "Witness",
    "World",
    "codes",
    "copy_world",
    "correction",
    "free_port",
    "make_clean",
    "only",
    "photo",
    "wait_for",
    "with_photos",
]
