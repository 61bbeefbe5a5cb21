"""`saksi election new`, and the user guide's own elections run as the guide says.

The guide's sections "Your own election, from nothing to a receipt" and "Five
ballots: the legislative contests" are read from docs/user-guide.md and each of
their shell commands run in a fresh folder, with the real `saksi` command, `saksi
serve` in the background and curl: they must end in accepted forms with receipts
(and, for the five ballots, the contests file served at its digest), and the file
the guide shows must be the file the command writes.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.election.contests import ContestKind
from saksi.election.envelope import parse_entry
from saksi.election.forms import CHasilPPWP
from saksi.election.legislative import Contests
from saksi.election.legislative_forms import cross_form_violations
from saksi.election.regions import Hierarchy
from saksi.election.statements import (
    CHasil,
    CHasilLegislatif,
    KeyRegistration,
    Manifest,
    parse_statement,
)

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "user-guide.md"
SECTION = "## Your own election, from nothing to a receipt"
FIVE_BALLOTS = "## Five ballots: the legislative contests"
ORIGIN = "example.org/pemilu-uji"
LEGISLATIVE = ("dpr", "dpd", "dprd-prov", "dprd-kabkota")


def new_election(folder: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["election", "new", str(folder), "--origin", ORIGIN, *args], prog_name="saksi"
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def registrations(folder: Path) -> list[KeyRegistration]:
    """The signed registrations the election's folder holds, in order."""
    found = []
    for line in (folder / "registrations.ndjson").read_bytes().splitlines():
        stmt = parse_entry(line).stmt
        assert isinstance(stmt, KeyRegistration)
        found.append(stmt)
    return found


def test_a_new_election_has_its_manifest_regions_keys_and_registrations(tmp_path: Path) -> None:
    folder = tmp_path / "pemilu-uji"
    printed = new_election(folder, "--scale", "0.001")
    manifest = parse_entry((folder / "manifest.entry").read_bytes()).stmt
    assert isinstance(manifest, Manifest) and manifest.election == ORIGIN
    hierarchy = Hierarchy.load(folder / "regions.json.gz")
    assert manifest.regions_digest == hierarchy.digest()
    roots = {root.key for root in manifest.root_keys}
    for key_file in sorted((folder / "keys").iterdir()):
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert str(key_file.relative_to(tmp_path)) in printed or key_file.name in printed
    registered = registrations(folder)
    assert [r.role for r in registered] == ["kpu-prov", "kpu-kab", "kpps", "saksi"]
    tps = next(hierarchy.iter_tps())
    assert registered[2].scope == registered[3].scope == tps
    assert {r.key for r in registered}.isdisjoint(roots)
    statement = json.loads((folder / "c-hasil.json").read_text())
    assert (statement["type"], statement["tps"], statement["election"]) == ("c-hasil", tps, ORIGIN)
    assert f"next: saksi serve --config {folder / 'saksi.toml'}" in printed


def test_keys_are_fresh_for_every_new_election(tmp_path: Path) -> None:
    new_election(tmp_path / "a")
    new_election(tmp_path / "b")
    a = (tmp_path / "a" / "keys" / "kpu-ri.key").read_text()
    assert a != (tmp_path / "b" / "keys" / "kpu-ri.key").read_text()


def test_a_folder_with_files_in_it_is_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    result = CliRunner().invoke(cli, ["election", "new", str(tmp_path), "--origin", ORIGIN])
    assert result.exit_code == 2
    assert result.stderr.startswith("cli.folder-not-empty: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious.txt"]


@pytest.mark.parametrize(
    ("tps", "code"), [("31", "region.malformed-code"), ("1101012001999", "region.unknown-tps")]
)
def test_a_tps_not_in_the_hierarchy_is_refused_before_anything_is_written(
    tmp_path: Path, tps: str, code: str
) -> None:
    args = ["election", "new", str(tmp_path / "e"), "--origin", ORIGIN, "--tps", tps]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{code}: ")
    assert not (tmp_path / "e").exists()


def test_a_bad_origin_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    args = ["election", "new", str(tmp_path / "e"), "--origin", "not an origin"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr.startswith("input.schema: ")
    assert not (tmp_path / "e").exists()


def test_a_tps_can_be_chosen(tmp_path: Path) -> None:
    new_election(tmp_path / "first")
    chosen = list(Hierarchy.load(tmp_path / "first" / "regions.json.gz").iter_tps("31"))[-1]
    new_election(tmp_path / "e", "--tps", chosen)
    assert json.loads((tmp_path / "e" / "c-hasil.json").read_text())["tps"] == chosen
    scopes = [r.scope for r in registrations(tmp_path / "e")]
    assert scopes == [chosen[:2], chosen[:4], chosen, chosen]


# --- five ballots: format v2 ------------------------------------------------------------


def test_a_five_ballot_election_names_its_contests_file_and_has_every_partys_root(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "lima"
    printed = new_election(folder, "--scale", "0.001", "--contests", "synthetic")
    envelope = parse_entry((folder / "manifest.entry").read_bytes())
    manifest = envelope.stmt
    assert isinstance(manifest, Manifest) and envelope.v == 2
    hierarchy = Hierarchy.load(folder / "regions.json.gz")
    contests = Contests.load(folder / "contests.json.gz", digest=manifest.contests_digest)
    assert f"contests digest: {contests.digest()}" in printed
    assert {c.kind for c in manifest.contests} == {"ppwp", *LEGISLATIVE}
    parties = {root.party for root in manifest.root_keys if root.role == "partai"}
    assert parties == {p.number for p in contests.parties}
    assert {f"partai-{p}.key" for p in parties} <= {k.name for k in (folder / "keys").iterdir()}
    assert 'contests = "contests.json.gz"' in (folder / "saksi.toml").read_text()
    tps = next(hierarchy.iter_tps())

    def form(name: str) -> Any:
        data = json.loads((folder / name).read_text()) | {"at": "2024-02-14T08:00:00Z"}
        stmt = parse_statement(json.dumps(data))  # the file is a valid statement
        assert isinstance(stmt, CHasil | CHasilLegislatif)
        return data, stmt.form

    forms = {ContestKind.PPWP: form("c-hasil.json")[1]}
    for kind, code in contests.ballots(tps).items():
        data, forms[kind] = form(f"c-hasil-{kind.value}.json")
        assert (data["tps"], data["contest"], data["district"]) == (tps, kind.value, code)
    assert set(forms) == set(ContestKind)  # a TPS outside Jakarta and abroad: five ballots
    assert isinstance(forms[ContestKind.PPWP], CHasilPPWP)
    # one DPT, one list of voters: the examples agree across the TPS's forms
    assert cross_form_violations({k: f.reading() for k, f in forms.items()}) == ()


def test_a_contests_file_can_be_given(tmp_path: Path) -> None:
    made = CliRunner().invoke(
        cli, ["contests", "synthetic", "--scale", "0.001", "--out", str(tmp_path / "c.json")]
    )
    assert made.exit_code == 0, made.output
    new_election(tmp_path / "e", "--contests", str(tmp_path / "c.json"))
    given = Contests.load(tmp_path / "c.json")
    assert Contests.load(tmp_path / "e" / "contests.json.gz").digest() == given.digest()
    manifest = parse_entry((tmp_path / "e" / "manifest.entry").read_bytes()).stmt
    assert isinstance(manifest, Manifest) and manifest.contests_digest == given.digest()


def test_an_unreadable_contests_file_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    args = ["election", "new", str(tmp_path / "e"), "--origin", ORIGIN]
    result = CliRunner().invoke(cli, [*args, "--contests", str(tmp_path / "none.json")])
    assert result.exit_code == 2
    assert result.stderr.startswith("input.unreadable: ")
    assert not (tmp_path / "e").exists()


# --- the user guide, run as written ---------------------------------------------------


def guide_section(section: str = SECTION) -> str:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index(section)
    return text[start : text.index("\n## ", start + len(section))]


def guide_commands(section: str = SECTION) -> list[str]:
    """The section's shell commands, in order, continuation lines joined."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", guide_section(section), re.DOTALL):
        commands += [c.strip() for c in block.replace("\\\n", " ").splitlines() if c.strip()]
    return commands


def test_the_guide_shows_the_statement_the_command_writes(tmp_path: Path) -> None:
    shown = re.search(r"```json\n(\{\n.*?\n\})\n```", guide_section(), re.DOTALL)
    assert shown is not None
    command = guide_commands()[0]
    assert command.startswith("saksi election new pemilu-uji ")
    args = command.split()[4:]  # the guide's options, in a folder of this test
    CliRunner().invoke(cli, ["election", "new", str(tmp_path / "e"), *args], catch_exceptions=False)
    assert json.loads(shown[1]) == json.loads((tmp_path / "e" / "c-hasil.json").read_text())


class Background:
    """`saksi serve` started by the guide's command (on a free port), until stopped."""

    def __init__(self, command: str, cwd: Path, env: dict[str, str]) -> None:
        with (cwd / "serve.log").open("w") as log:
            self.proc = subprocess.Popen(
                ["bash", "-c", f"exec {command} --port 0"], cwd=cwd, env=env, text=True,
                stdout=subprocess.PIPE, stderr=log,
            )  # fmt: skip
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def url(self) -> str:
        """The address it serves on, once it is ready."""
        address = ""
        while (line := self.lines.get(timeout=120)) != "ready":
            assert line is not None, "saksi serve exited before it was ready"
            address = (
                line.removeprefix("serving on ") if line.startswith("serving on ") else address
            )
        return address

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        status = self.proc.wait(timeout=120)
        self.pump.join(timeout=60)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        return status


def run_guide(section: str, tmp_path: Path) -> list[tuple[str, str]]:
    """Run the section's commands as written (``saksi serve`` in the background, on a
    free port, stopped at the end with status 0); each other command and its output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAKSI_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    server: Background | None = None
    url = "http://127.0.0.1:8080"
    outputs = []
    try:
        for command in guide_commands(section):
            if command.startswith("saksi serve"):
                server = Background(command, tmp_path, env)
                url = server.url()
                continue
            done = subprocess.run(
                ["bash", "-c", command.replace("http://127.0.0.1:8080", url)], cwd=tmp_path,
                env=env, capture_output=True, text=True, timeout=300, check=False,
            )  # fmt: skip
            assert done.returncode == 0, (command, done.stdout, done.stderr)
            outputs.append((command, done.stdout))
    finally:
        if server is not None:
            assert server.stop() == 0
    assert server is not None, "the guide starts no service"
    return outputs


@pytest.mark.skipif(shutil.which("curl") is None, reason="the guide's commands use curl")
def test_the_guides_own_election_ends_in_a_receipt(tmp_path: Path) -> None:
    outputs = run_guide(SECTION, tmp_path)
    batch = next(json.loads(out) for cmd, out in outputs if "statements/batch" in cmd)
    assert [r["ok"] for r in batch["results"]] == [True] * 4
    sent = [json.loads(out) for cmd, out in outputs if "/v1/statements " in cmd]
    receipt = next(r for r in sent if r["type"] == "c-hasil")
    assert receipt["status"] == "accepted" and receipt["duplicate"] is False
    assert receipt["index"] == 5 and len(receipt["leaf_hash"]) == 64
    assert [r["type"] for r in sent] == ["c-hasil", "c-salinan"]
    assert all(r["status"] == "accepted" for r in sent)


@pytest.mark.skipif(shutil.which("curl") is None, reason="the guide's commands use curl")
def test_the_guides_five_ballots_end_in_receipts_and_the_served_contests_file(
    tmp_path: Path,
) -> None:
    outputs = run_guide(FIVE_BALLOTS, tmp_path)
    batch = next(json.loads(out) for cmd, out in outputs if "statements/batch" in cmd)
    assert [r["ok"] for r in batch["results"]] == [True] * 4
    for contest in LEGISLATIVE:  # signed as format v2 by saksi sign itself
        entry = (tmp_path / f"{contest}.entry").read_bytes()
        stmt = parse_entry(entry).stmt
        assert isinstance(stmt, CHasilLegislatif) and stmt.contest == contest
        assert entry.endswith(b',"v":2}')
    sent = next(out for cmd, out in outputs if "/v1/statements " in cmd)
    receipts = [json.loads(line) for line in sent.splitlines() if line]
    assert [(r["type"], r["status"], r["index"]) for r in receipts] == [
        ("c-hasil", "accepted", index) for index in range(5, 9)
    ]
    folder = tmp_path / "pemilu-lima"
    digest = Contests.load(folder / "contests.json.gz").digest()
    served = next(out for cmd, out in outputs if "/contests/" in cmd)
    assert served.split()[0] == digest  # the bytes served hash to the manifest's digest
    assert (folder / "data" / "contests.json.gz").read_bytes() == (
        folder / "contests.json.gz"
    ).read_bytes()  # recorded beside the log, canonical as written
    fsck = CliRunner().invoke(cli, ["log", "fsck", str(folder / "data" / "log")])
    assert fsck.exit_code == 0 and "fsck: clean" in fsck.output, fsck.output
    assert "entries checked: 9" in fsck.output  # the manifest, 4 keys, 4 forms
