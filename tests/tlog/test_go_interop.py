"""Interoperability: Go's own transparency-log code verifies what Saksi publishes.

``tests/tlog/interop/verify.go`` uses golang.org/x/mod/sumdb/note to open the
checkpoint and golang.org/x/mod/sumdb/tlog to authenticate every tile against its
root, check every entry bundle and prove inclusion and consistency (see the README
beside it). It is built here with Debian's ``golang-go`` and
``golang-golang-x-mod-dev`` (``.ci/run`` installs them), offline, in GOPATH mode.

The tessera vectors show the Go verifier is right (a log made by another
implementation verifies; a flipped byte does not); then a Saksi log of 70,001
entries (three tile levels) made with ``saksi log new`` / ``saksi log append`` must
verify, with the checkpoint of its first 40,000 entries consistent with the last and
two receipts from ``saksi log prove`` checked by ``tlog.CheckRecord``; a copy with one
byte of one tile or bundle changed, and a receipt with one proof hash changed, must
be refused.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, shared_path

INTEROP = ROOT / "tests" / "tlog" / "interop"
GOPATH = Path("/usr/share/gocode")
X_MOD = GOPATH / "src" / "golang.org" / "x" / "mod" / "sumdb"

TESSERA_ORIGIN = "example.com/log/testdata"
TESSERA_VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"

ORIGIN = "saksi.test/interop"
FIRST = 40_000  # entries in the first append: its checkpoint is the "old" one
SIZE = 70_001  # > 65,536 = 256**2 entries: tiles at levels 0, 1 and 2


@pytest.fixture(scope="session")
def go_verify(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Go verifier, built offline; a skip that says why when Go is not installed."""
    go = shutil.which("go")
    if go is None:
        pytest.skip("`go` is not installed (apt-get install golang-go; .ci/run does it in CI)")
    if not (X_MOD / "note").is_dir() or not (X_MOD / "tlog").is_dir():
        pytest.skip(
            f"golang.org/x/mod is not under {GOPATH} "
            "(apt-get install golang-golang-x-mod-dev; .ci/run does it in CI)"
        )
    out = tmp_path_factory.mktemp("go") / "verify"
    env = {
        **os.environ,
        "GOPATH": str(GOPATH),
        "GO111MODULE": "off",
        "GOPROXY": "off",
        "GOFLAGS": "",
        "GOCACHE": str(out.parent / "cache"),
        "CGO_ENABLED": "0",
    }
    build = subprocess.run(
        [go, "build", "-o", str(out), "verify.go"],
        cwd=INTEROP,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, f"go build failed:\n{build.stdout}{build.stderr}"
    return out


def run_verify(
    binary: Path,
    directory: Path,
    vkey: str,
    origin: str,
    *old: Path,
    receipts: Sequence[Path] = (),
) -> subprocess.CompletedProcess[str]:
    args = [str(binary), "-dir", str(directory), "-vkey", vkey, "-origin", origin]
    for checkpoint in old:
        args += ["-old", str(checkpoint)]
    for receipt in receipts:
        args += ["-receipt", str(receipt)]
    return subprocess.run(args, check=False, capture_output=True, text=True, timeout=120)


def flip_byte(path: Path, offset: int = 5) -> None:
    data = bytearray(path.read_bytes())
    data[offset % len(data)] ^= 0x01
    path.write_bytes(bytes(data))


def public_copy(source: Path, target: Path) -> Path:
    """A copy of the publication only (checkpoint and tiles, no private state)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".state"))
    return target


# --- the Go verifier against another implementation's log -----------------------


def test_go_verifies_the_tessera_log_and_its_history(go_verify: Path) -> None:
    log = shared_path("testvectors", "tessera-log")
    old = sorted(log.glob("checkpoint.*"), key=lambda p: int(p.suffix[1:]))
    assert len(old) == 16
    result = run_verify(go_verify, log, TESSERA_VKEY, TESSERA_ORIGIN, *old)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"ok {TESSERA_ORIGIN} size 15 ")
    assert "15 entries" in result.stdout


@pytest.mark.parametrize(
    ("relpath", "why"),
    [
        ("tile/0/000.p/15", "the right-edge tiles give root"),
        ("tile/entries/000.p/15", "tile/entries/000.p/15"),
        ("checkpoint", "signed note"),
    ],
)
def test_go_refuses_a_tampered_tessera_log(
    go_verify: Path, tmp_path: Path, relpath: str, why: str
) -> None:
    log = public_copy(shared_path("testvectors", "tessera-log"), tmp_path / "log")
    flip_byte(log / relpath)
    result = run_verify(go_verify, log, TESSERA_VKEY, TESSERA_ORIGIN)
    assert result.returncode == 1
    assert "FAILED" in result.stderr and why in result.stderr


def test_go_refuses_the_wrong_key_and_the_wrong_origin(go_verify: Path) -> None:
    log = shared_path("testvectors", "tessera-log")
    other_key = "example.com/log/testdata+33d7b496+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    assert run_verify(go_verify, log, other_key, TESSERA_ORIGIN).returncode == 1
    wrong_origin = run_verify(go_verify, log, TESSERA_VKEY, "example.com/other")
    assert wrong_origin.returncode == 1 and "origin" in wrong_origin.stderr


# --- the Go verifier against Saksi's log ------------------------------------------


def saksi(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "saksi", "log", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, f"saksi log {args[0]} failed:\n{result.stderr}"
    return result.stdout


def write_lines(path: Path, start: int, stop: int) -> Path:
    # distinct entries (the store gives identical entries one index)
    path.write_text("".join(f"entry {i:06d} of the interop log\n" for i in range(start, stop)))
    return path


@dataclass(frozen=True)
class SaksiLog:
    directory: Path
    vkey: str
    first: Path  # the signed checkpoint after the first FIRST entries
    receipts: tuple[Path, ...]  # tlog-proofs: one against `first`, one against the last


@pytest.fixture(scope="module")
def saksi_log(tmp_path_factory: pytest.TempPathFactory) -> SaksiLog:
    """A 70,001-entry Saksi log made by the CLI in two appends, with receipts."""
    work = tmp_path_factory.mktemp("saksi-log")
    log = work / "log"
    vkey = saksi("new", str(log), "--origin", ORIGIN).strip().splitlines()[-1]
    saksi("append", str(log), "--lines", str(write_lines(work / "a.txt", 0, FIRST)))
    first = work / "checkpoint.first"
    shutil.copyfile(log / "checkpoint", first)
    early = work / "early.tlog-proof"
    saksi("prove", str(log), "12345", "--out", str(early))
    saksi("append", str(log), "--lines", str(write_lines(work / "b.txt", FIRST, SIZE)))
    late = work / "late.tlog-proof"
    saksi("prove", str(log), str(SIZE - 2), "--out", str(late))
    return SaksiLog(log, vkey, first, (early, late))


def test_go_verifies_a_saksi_log_with_three_tile_levels(
    go_verify: Path, saksi_log: SaksiLog
) -> None:
    log = saksi_log
    assert log.vkey.startswith(ORIGIN + "+")
    assert log.first.read_bytes().startswith(f"{ORIGIN}\n{FIRST}\n".encode())
    assert (log.directory / "tile" / "2" / "000.p" / "1").is_file()  # 70,001 >> 16 = 1
    result = run_verify(
        go_verify, log.directory, log.vkey, ORIGIN, log.first, receipts=log.receipts
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"ok {ORIGIN} size {SIZE} "), result.stdout
    assert f"{SIZE} entries" in result.stdout and "2 receipts" in result.stdout


def test_go_refuses_a_saksi_receipt_with_one_proof_hash_changed(
    go_verify: Path, saksi_log: SaksiLog, tmp_path: Path
) -> None:
    log = saksi_log
    lines = log.receipts[0].read_bytes().split(b"\n")
    assert lines[:2] == [b"c2sp.org/tlog-proof@v1", b"index 12345"]
    proof_hash = bytearray(base64.b64decode(lines[2]))
    proof_hash[0] ^= 0x01
    lines[2] = base64.b64encode(bytes(proof_hash))
    bad = tmp_path / "bad.tlog-proof"
    bad.write_bytes(b"\n".join(lines))
    result = run_verify(go_verify, log.directory, log.vkey, ORIGIN, receipts=[bad])
    assert result.returncode == 1
    assert "inclusion of entry 12345 in the tree of 40000" in result.stderr


# Each flipped byte must be refused. tile/0/100 is a case Debian's x/mod 0.7.0 alone
# lets through (Go issue 80744: TileHashReader skips checking some tiles against their
# parents); verify.go checks every tile against its parent itself.
@pytest.mark.parametrize(
    "relpath",
    [
        "tile/0/100",  # a full level-0 tile: entries 25,600 to 25,855
        "tile/1/000",  # the full level-1 tile over the first 65,536 entries
        "tile/2/000.p/1",  # the top (partial) tile
        "tile/entries/123",  # a full entry bundle
        "tile/entries/273.p/113",  # the last, partial bundle
    ],
)
def test_go_refuses_a_saksi_log_with_one_byte_changed(
    go_verify: Path, saksi_log: SaksiLog, tmp_path: Path, relpath: str
) -> None:
    vkey = saksi_log.vkey
    copy = public_copy(saksi_log.directory, tmp_path / "log")
    assert run_verify(go_verify, copy, vkey, ORIGIN).returncode == 0
    flip_byte(copy / relpath, offset=100)
    result = run_verify(go_verify, copy, vkey, ORIGIN)
    assert result.returncode == 1, result.stdout
    assert "FAILED" in result.stderr
