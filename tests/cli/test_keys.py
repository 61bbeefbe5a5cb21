"""`saksi keygen` and `saksi sign`: keys on disk and signed entries."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from click.testing import CliRunner

from saksi.cli import cli
from saksi.election.contests import ContestKind
from saksi.election.envelope import parse_entry
from tests.election import factory
from tests.election.legislative_factory import LegislativeElection


def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_keygen_writes_a_private_key_only_its_owner_reads(tmp_path: Path) -> None:
    key = tmp_path / "kpps.key"
    code, out, _ = invoke("keygen", "--out", str(key))
    assert code == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    public = out.strip()
    assert len(public) == 44 and public.endswith("=")
    assert public not in key.read_text()  # the file holds the private seed, not the public key


def test_keygen_never_overwrites(tmp_path: Path) -> None:
    key = tmp_path / "kpps.key"
    assert invoke("keygen", "--out", str(key))[0] == 0
    before = key.read_bytes()
    code, _, err = invoke("keygen", "--out", str(key))
    assert code == 2
    assert "cli.key-exists" in err
    assert key.read_bytes() == before


def test_sign_makes_an_entry_that_verifies(tmp_path: Path) -> None:
    key = tmp_path / "kpps.key"
    public = invoke("keygen", "--out", str(key))[1].strip()
    stmt = {
        "type": "c-hasil",
        "tps": factory.TPS_A,
        "contest": "ppwp",
        "form": factory.form().model_dump(mode="json"),
    }
    path = tmp_path / "stmt.json"
    path.write_text(json.dumps(stmt, indent=2))
    code, out, err = invoke("sign", "--key", str(key), "--election", factory.ORIGIN, str(path))
    assert code == 0, err
    entry = out.strip().encode()
    envelope = parse_entry(entry, election=factory.ORIGIN)
    assert envelope.key == public
    assert envelope.stmt.type == "c-hasil"
    assert envelope.stmt.at.endswith("Z")  # filled in with the current time


def test_sign_reads_standard_input_and_refuses_bad_statements(tmp_path: Path) -> None:
    key = tmp_path / "k.key"
    invoke("keygen", "--out", str(key))
    bad = {
        "type": "c-hasil",
        "election": factory.ORIGIN,
        "tps": factory.TPS_A,
        "contest": "ppwp",
        "form": {**factory.form().model_dump(mode="json"), "suara_sah": True},
    }
    code, out, err = invoke("sign", "--key", str(key), "-", stdin=json.dumps(bad))
    assert code == 2
    assert out == ""
    assert "input.schema" in err and "form.suara_sah" in err
    assert "Traceback" not in err
    code, _, err = invoke("sign", "--key", str(key), "-", stdin="{not json")
    assert code == 2
    assert "input.json-malformed" in err


def test_sign_refuses_an_integer_of_any_length_with_its_code(tmp_path: Path) -> None:
    key = tmp_path / "k.key"
    invoke("keygen", "--out", str(key))
    huge = "9" * 5000
    statement = '{"type": "c-hasil", "election": "x", "form": {"suara_sah": ' + huge + "}}"
    code, out, err = invoke("sign", "--key", str(key), "-", stdin=statement)
    assert code == 2
    assert out == ""
    assert "input.json-int-range" in err and "Traceback" not in err
    assert huge not in err


def test_keygen_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    code, out, err = invoke("keygen", "--out", str(tmp_path / "absent" / "k.key"))
    assert code == 2
    assert out == ""
    assert "cli.unwritable-key" in err
    assert "Traceback" not in err


def test_sign_out_writes_the_entrys_exact_bytes_ready_to_send(tmp_path: Path) -> None:
    key = tmp_path / "kpps.key"
    invoke("keygen", "--out", str(key))
    stmt = {"type": "c-hasil", "election": factory.ORIGIN, "tps": factory.TPS_A,
            "contest": "ppwp", "form": factory.form().model_dump(mode="json")}  # fmt: skip
    path = tmp_path / "stmt.json"
    path.write_text(json.dumps(stmt))
    out_file = tmp_path / "c-hasil.entry"
    code, out, err = invoke("sign", "--key", str(key), "--out", str(out_file), str(path))
    assert (code, out) == (0, ""), err
    entry = out_file.read_bytes()
    assert not entry.endswith(b"\n")  # no newline: the bytes POST /v1/statements takes
    assert parse_entry(entry, election=factory.ORIGIN).stmt.type == "c-hasil"
    missing = tmp_path / "no" / "such" / "folder" / "c-hasil.entry"
    code, _, err = invoke("sign", "--key", str(key), "--out", str(missing), str(path))
    assert code == 2 and err.startswith("cli.unwritable-file: ")


def test_sign_refuses_text_the_service_would_refuse(tmp_path: Path) -> None:
    """A label with a right-to-left override is not signed: the service would refuse the
    entry (text.bidi-control) after the signer had already handed it on."""
    key = tmp_path / "k.key"
    invoke("keygen", "--out", str(key))
    registration = {
        "type": "key",
        "election": factory.ORIGIN,
        "key": factory.public("device"),
        "role": "kpps",
        "scope": factory.TPS_A,
        "label": "HP KPPS\u202e1",
        "not_before": "2024-02-14T00:00:00Z",
        "not_after": "2024-02-16T00:00:00Z",
    }
    code, out, err = invoke("sign", "--key", str(key), "-", stdin=json.dumps(registration))
    assert code == 2 and out == ""
    assert "text.bidi-control" in err and "stmt.label" in err and "U+202E" in err
    registration["label"] = "HP KPPS 1"
    code, out, err = invoke("sign", "--key", str(key), "-", stdin=json.dumps(registration))
    assert code == 0, err


def test_sign_makes_a_legislative_statement_a_v2_entry(tmp_path: Path) -> None:
    """`saksi sign` picks the format itself: a legislative form, or a DPD candidate's
    key registration, needs version 2 (its own signature domain); PPWP stays v1."""
    world = LegislativeElection.build()
    tps = world.tps_in("32")
    key = tmp_path / "kpps.key"
    public = invoke("keygen", "--out", str(key))[1].strip()
    number = str(world.contests.district_of(ContestKind.DPD, tps).candidates[0].number)
    statements = {
        "dpr": world.c_hasil(tps, ContestKind.DPR).stmt.wire(),
        "dpd-copy": world.c_salinan(tps, ContestKind.DPD, "x", candidate=number).stmt.wire(),
        "calon-dpd": world.authorities.dpd_candidate("32", number).stmt.wire(),
    }
    for name, stmt in statements.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({k: v for k, v in stmt.items() if k != "at"}))
        code, out, err = invoke("sign", "--key", str(key), str(path))
        assert code == 0, (name, err)
        envelope = parse_entry(out.strip().encode())
        assert (envelope.v, envelope.key) == (2, public), name
        assert out.strip().endswith(',"v":2}')
    ppwp = {k: v for k, v in statements["dpr"].items() if k != "district"}
    ppwp |= {"contest": "ppwp", "form": factory.form().model_dump(mode="json")}
    (tmp_path / "ppwp.json").write_text(json.dumps(ppwp))
    code, out, err = invoke("sign", "--key", str(key), str(tmp_path / "ppwp.json"))
    assert code == 0, err
    assert parse_entry(out.strip().encode()).v == 1
