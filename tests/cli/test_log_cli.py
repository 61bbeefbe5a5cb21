"""`saksi log new|append|prove|check-proof|fsck`."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.store import open_store
from saksi.tlog.checkpoint import open_checkpoint
from saksi.tlog.log import Log
from saksi.tlog.note import NoteVerifier
from saksi.tlog.proof import TlogProof
from tests.conftest import shared_path

ORIGIN = "saksi.test/cli-log"
TESSERA_SKEY = (
    "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg"
)
TESSERA_VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"


def invoke(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["log", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def new(directory: Path) -> str:
    code, out, err = invoke("new", str(directory), "--origin", ORIGIN)
    assert code == 0, err
    return out.strip().splitlines()[-1]


@pytest.fixture
def logged(tmp_path: Path) -> tuple[Path, str]:
    """A log holding one, two, three (indices 0, 1, 2), and its verifier key."""
    directory = tmp_path / "log"
    vkey = new(directory)
    code, out, err = invoke("append", str(directory), "--lines", "-", stdin=b"one\ntwo\nthree\n")
    assert code == 0, err
    assert out.split() == ["0", "1", "2"]
    return directory, vkey


def test_new_prints_the_verifier_key_last_and_keeps_the_key_private(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    vkey = new(directory)
    assert vkey.startswith(ORIGIN + "+")
    NoteVerifier.from_vkey(vkey)
    key = directory / ".state" / "log.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert open_checkpoint((directory / "checkpoint").read_bytes(), NoteVerifier.from_vkey(vkey))


def test_new_refuses_a_directory_that_holds_a_log(tmp_path: Path) -> None:
    new(tmp_path / "log")
    code, _, err = invoke("new", str(tmp_path / "log"), "--origin", ORIGIN)
    assert code == 2
    assert "log.exists" in err and "Traceback" not in err


@pytest.mark.shared
def test_new_with_the_tessera_key_publishes_tesseras_first_checkpoint(tmp_path: Path) -> None:
    vectors = shared_path("testvectors", "tessera-log")
    key = tmp_path / "tessera.key"
    key.write_text(TESSERA_SKEY + "\n")
    code, out, _ = invoke(
        "new", str(tmp_path / "log"), "--origin", "example.com/log/testdata", "--key", str(key)
    )
    assert code == 0
    assert out.splitlines()[-1] == TESSERA_VKEY
    assert (tmp_path / "log" / "checkpoint").read_bytes() == (vectors / "checkpoint.0").read_bytes()
    code, out, _ = invoke("append", str(tmp_path / "log"), "--lines", "-", stdin=b"one\ntwo")
    assert (code, out.split()) == (0, ["0", "1"])
    assert (tmp_path / "log" / "checkpoint").read_bytes() == (vectors / "checkpoint.2").read_bytes()


def test_new_with_a_key_named_otherwise_is_refused(tmp_path: Path) -> None:
    key = tmp_path / "tessera.key"
    key.write_text(TESSERA_SKEY + "\n")
    code, _, err = invoke("new", str(tmp_path / "log"), "--origin", ORIGIN, "--key", str(key))
    assert code == 2 and "log.key-origin-mismatch" in err


def test_append_reads_a_file_and_prints_each_lines_index(
    logged: tuple[Path, str], tmp_path: Path
) -> None:
    directory, _ = logged
    lines = tmp_path / "more.txt"
    lines.write_bytes(b"four\r\n\ntwo\nfive")  # \r kept, an empty entry, a repeat, no final \n
    code, out, err = invoke("append", str(directory), "--lines", str(lines))
    assert code == 0, err
    assert out.split() == ["3", "4", "1", "5"]  # "two" keeps its index: identical bytes
    assert "checkpoint: 6 entries" in err
    with Log.open(directory, open_store) as log:
        assert [log.store.entry(i) for i in range(6)] == [
            b"one",
            b"two",
            b"three",
            b"four\r",
            b"",
            b"five",
        ]
        assert log.fsck().ok


def test_append_refuses_a_line_over_65535_bytes_and_stores_nothing(
    logged: tuple[Path, str],
) -> None:
    directory, _ = logged
    before = (directory / "checkpoint").read_bytes()
    code, out, err = invoke(
        "append", str(directory), "--lines", "-", stdin=b"fine\n" + b"x" * 65536 + b"\n"
    )
    assert code == 2
    assert out == ""
    assert "log.entry-too-large" in err and "line: 2" in err
    assert (directory / "checkpoint").read_bytes() == before
    with Log.open(directory, open_store) as log:
        assert log.store.size() == 3


def test_append_to_what_is_not_a_log_is_refused(tmp_path: Path) -> None:
    code, _, err = invoke("append", str(tmp_path), "--lines", "-", stdin=b"x\n")
    assert code == 2 and "log.not-a-log" in err


def test_prove_and_check_proof_with_the_entry(logged: tuple[Path, str], tmp_path: Path) -> None:
    directory, vkey = logged
    proof_file = tmp_path / "two.tlog-proof"
    code, out, err = invoke("prove", str(directory), "1", "--out", str(proof_file))
    assert code == 0, err
    proof = TlogProof.parse(proof_file.read_bytes())
    assert proof.index == 1
    assert proof.checkpoint == (directory / "checkpoint").read_bytes()
    entry = tmp_path / "two"
    entry.write_bytes(b"two")
    code, out, err = invoke("check-proof", str(proof_file), "--key", vkey, "--entry", str(entry))
    assert code == 0, err
    assert "proof: verified" in out and "size 3" in out


def test_prove_writes_to_standard_output(logged: tuple[Path, str]) -> None:
    directory, _ = logged
    code, out, _ = invoke("prove", str(directory), "0")
    assert code == 0
    assert out.startswith("c2sp.org/tlog-proof@v1\nindex 0\n")
    assert TlogProof.parse(out.encode()).index == 0


def test_prove_refuses_an_index_past_the_checkpoint(logged: tuple[Path, str]) -> None:
    directory, _ = logged
    code, _, err = invoke("prove", str(directory), "3")
    assert code == 2 and "log.not-in-checkpoint" in err


def test_check_proof_reads_the_key_from_a_file_and_the_entry_from_stdin(
    logged: tuple[Path, str], tmp_path: Path
) -> None:
    directory, vkey = logged
    proof_file = tmp_path / "p"
    invoke("prove", str(directory), "2", "--out", str(proof_file))
    key_file = tmp_path / "log.vkey"
    key_file.write_text(vkey + "\n")
    args = ("check-proof", str(proof_file), "--key", str(key_file), "--entry", "-")
    code, out, _ = invoke(*args, stdin=b"three")
    assert code == 0, out
    assert invoke(*args, stdin=b"two")[0] == 1


def test_check_proof_without_the_entry_says_what_it_checked(
    logged: tuple[Path, str], tmp_path: Path
) -> None:
    directory, vkey = logged
    proof_file = tmp_path / "p"
    invoke("prove", str(directory), "0", "--out", str(proof_file))
    code, out, _ = invoke("check-proof", str(proof_file), "--key", vkey)
    assert code == 0
    assert "entry: not given" in out


@pytest.mark.parametrize(
    ("entry", "key", "code_expected"),
    [
        (b"TWO", None, "log.proof-root-mismatch"),  # another entry
        (b"two\n\n", None, "log.proof-root-mismatch"),  # one final newline is forgiven
        (b"TWO\n", None, "log.proof-root-mismatch"),  # another entry, with or without it
        (b"two", TESSERA_VKEY, "log.checkpoint-no-log-signature"),  # another log's key
    ],
)
def test_check_proof_that_does_not_verify_exits_1(
    logged: tuple[Path, str], tmp_path: Path, entry: bytes, key: str | None, code_expected: str
) -> None:
    directory, vkey = logged
    proof_file = tmp_path / "p"
    invoke("prove", str(directory), "1", "--out", str(proof_file))
    entry_file = tmp_path / "entry"
    entry_file.write_bytes(entry)
    code, out, err = invoke(
        "check-proof", str(proof_file), "--key", key or vkey, "--entry", str(entry_file)
    )
    assert code == 1
    assert "NOT VERIFIED" in out
    assert err.startswith(code_expected + ":"), err


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_check_proof_explains_and_forgives_a_trailing_newline(
    logged: tuple[Path, str], tmp_path: Path, newline: bytes
) -> None:
    """What `>` and editors leave: a final newline after the entry, empty lines after
    the proof's checkpoint. Neither is part of what the proof is about (C2SP tlog-proof
    includes the checkpoint verbatim, ending with its last signature line's newline)."""
    directory, vkey = logged
    proof_file = tmp_path / "p"
    invoke("prove", str(directory), "1", "--out", str(proof_file))
    proof_file.write_bytes(proof_file.read_bytes() + b"\n\n")
    entry_file = tmp_path / "entry"
    entry_file.write_bytes(b"two" + newline)
    code, out, err = invoke(
        "check-proof", str(proof_file), "--key", vkey, "--entry", str(entry_file)
    )
    assert code == 0, err
    assert "proof: 2 empty line(s) after the checkpoint ignored" in out
    assert "final newline is not part of the entry" in out and "the 3 bytes before it" in out
    assert "baris baru di akhir berkas" in out
    assert out.endswith("proof: verified / bukti: sah\n")


def test_check_proof_of_an_entry_that_keeps_its_carriage_return(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    vkey = new(directory)
    invoke("append", str(directory), "--lines", "-", stdin=b"one\r\ntwo\r\n")  # "two\r"
    proof_file = tmp_path / "p"
    invoke("prove", str(directory), "1", "--out", str(proof_file))
    args = ("check-proof", str(proof_file), "--key", vkey, "--entry", "-")
    code, out, _ = invoke(*args, stdin=b"two\r")
    assert code == 0 and "final newline" not in out
    code, out, _ = invoke(*args, stdin=b"two\r\n")
    assert code == 0 and "the 4 bytes before it" in out


def test_check_proof_of_a_malformed_proof_exits_2(tmp_path: Path, logged: tuple[Path, str]) -> None:
    _, vkey = logged
    proof_file = tmp_path / "p"
    proof_file.write_bytes(b"c2sp.org/tlog-proof@v1\nindex 01\n\n")
    code, _, err = invoke("check-proof", str(proof_file), "--key", vkey)
    assert code == 2 and "log.proof-index-malformed" in err
    code, _, err = invoke("check-proof", str(proof_file), "--key", "not a key")
    assert code == 2 and "log.key" in err


def test_fsck_is_clean_then_names_a_damaged_bundle(logged: tuple[Path, str]) -> None:
    directory, _ = logged
    code, out, _ = invoke("fsck", str(directory))
    assert code == 0
    assert "fsck: clean" in out and "checkpoint: 3 entries" in out
    bundle = directory / "tile" / "entries" / "000.p" / "3"
    bundle.write_bytes(bundle.read_bytes().replace(b"two", b"TWO"))
    code, out, _ = invoke("fsck", str(directory))
    assert code == 1
    assert "log.bundle-mismatch" in out


def test_fsck_json(logged: tuple[Path, str]) -> None:
    import json

    directory, _ = logged
    code, out, _ = invoke("fsck", str(directory), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True and report["checkpoint_size"] == 3 and report["problems"] == []


def test_fsck_repairs_nothing_other_commands_republish(logged: tuple[Path, str]) -> None:
    directory, _ = logged
    published = directory / "checkpoint"
    current = published.read_bytes()
    published.write_bytes(current.replace(b"\n3\n", b"\n2\n"))
    code, out, _ = invoke("fsck", str(directory))
    assert code == 1 and "log.note-bad-signature" in out, out
    assert published.read_bytes() != current
    code, _, _ = invoke("prove", str(directory), "0")  # any other command republishes
    assert code == 0 and published.read_bytes() == current
