"""`saksi check` over Saksi forms, statements, entries and KPU's published data."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from saksi.cli import cli
from tests.conftest import shared_path
from tests.election import factory


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def good_form() -> dict[str, object]:
    return factory.form().model_dump(mode="json")


def test_a_consistent_form_passes(tmp_path: Path) -> None:
    code, out = run("check", str(write(tmp_path / "f.json", good_form())))
    assert code == 0, out
    assert "OK" in out


def test_a_misread_box_is_impossible_and_named(tmp_path: Path) -> None:
    form = good_form()
    form["suara_sah"] = 948  # the Sirekap misread: 58 -> 948 style
    code, out = run("check", "--format", "json", str(write(tmp_path / "f.json", form)))
    assert code == 1
    line = json.loads(out.strip())
    assert line["ok"] is False
    rules = {v["rule"] for v in line["violations"]}
    assert "suara-sah" in rules
    assert all(set(v) >= {"rule", "severity", "message"} for v in line["violations"])


def signed_entry() -> bytes:
    election = factory.SmallElection.build()
    return election.c_hasil(f"kpps-{factory.TPS_A}").to_bytes()


def test_statement_and_signed_entry_are_detected(tmp_path: Path) -> None:
    raw = signed_entry()
    entry = tmp_path / "entry.json"
    entry.write_bytes(raw)
    statement = write(tmp_path / "stmt.json", json.loads(raw)["stmt"])
    code, out = run("check", "--format", "json", str(entry), str(statement))
    assert code == 0, out
    sources = [json.loads(line)["source"] for line in out.splitlines()]
    assert sources == ["entry", "statement"]


def test_legislative_entries_and_statements_are_checked_with_their_forms_rules(
    tmp_path: Path,
) -> None:
    from saksi.election.contests import ContestKind
    from tests.election.legislative_factory import LegislativeElection

    election = LegislativeElection.build()
    tps = election.tps_in("32")
    good = election.c_hasil(tps, ContestKind.DPR).to_bytes()
    form = election.form(tps, ContestKind.DPD).model_dump(mode="json")
    form["suara_sah"] += 1  # V.A no longer the sum of the candidates' votes
    bad = json.loads(election.c_hasil(tps, ContestKind.DPD, form=form).to_bytes())["stmt"]
    (tmp_path / "dpr.json").write_bytes(good)
    code, out = run(
        "check",
        "--format",
        "json",
        str(tmp_path / "dpr.json"),
        str(write(tmp_path / "dpd.json", bad)),
    )
    assert code == 1, out
    first, second = (json.loads(line) for line in out.splitlines())
    assert (first["source"], first["ok"]) == ("entry", True)
    assert (second["source"], second["ok"]) == ("statement", False)
    assert "suara-sah-jumlah-calon" in {v["rule"] for v in second["violations"]}


def test_a_statement_to_sign_is_checked_as_saksi_sign_reads_it(tmp_path: Path) -> None:
    """Without `at` (the time of signing, filled in by `saksi sign`), as `saksi election
    new` writes it; a broken box is still named."""
    stmt = json.loads(signed_entry())["stmt"]
    del stmt["at"]
    code, out = run("check", str(write(tmp_path / "c-hasil.json", stmt)))
    assert (code, out.strip()) == (0, f"{tmp_path / 'c-hasil.json'} [statement]: OK")
    stmt["form"]["suara_sah"] += 1
    code, out = run("check", str(write(tmp_path / "c-hasil.json", stmt)))
    assert code == 1 and "suara-sah" in out


def test_a_tampered_entry_is_unreadable_not_a_traceback(tmp_path: Path) -> None:
    raw = signed_entry()
    tampered = raw.replace(b'"suara_sah":200', b'"suara_sah":201')
    assert tampered != raw
    path = tmp_path / "entry.json"
    path.write_bytes(tampered)
    code, out = run("check", "--format", "json", str(path))
    assert code == 2
    line = json.loads(out)
    assert line["error"]["code"] == "statement.bad-signature"
    assert "Traceback" not in out


def test_an_integer_of_any_length_is_a_coded_refusal_not_a_traceback(tmp_path: Path) -> None:
    huge = "9" * 5000
    raw = signed_entry()
    cases = {
        "form.json": json.dumps(good_form()).replace('"suara_sah": 200', f'"suara_sah": {huge}'),
        "entry.json": raw.decode().replace('"suara_sah":200', f'"suara_sah":{huge}'),
        "stmt.json": json.dumps(json.loads(raw)["stmt"]).replace('"at"', f'"x": {huge}, "at"'),
        "sirekap.json": json.dumps({"chart": {"100025": int(huge[:16])}, "ts": 0})[:-1]
        + f', "psu": {huge}}}',
    }
    for name, text in cases.items():
        assert huge in text, name
        (tmp_path / name).write_text(text, encoding="utf-8")
    code, out = run("check", "--format", "json", *(str(tmp_path / n) for n in cases))
    assert code == 2, out
    for line in out.splitlines():
        assert json.loads(line)["error"]["code"] == "input.json-int-range", line
    code, out = run("check", str(tmp_path / "entry.json"))
    assert code == 2 and "input.json-int-range" in out and "Traceback" not in out
    assert huge not in out


def test_bad_inputs_exit_2_with_codes(tmp_path: Path) -> None:
    cases = {
        "malformed.json": b'{"suara_sah": ',
        "false.json": json.dumps({**good_form(), "suara_sah": False}).encode(),
        "string.json": json.dumps({**good_form(), "suara_sah": "12"}).encode(),
        "float.json": json.dumps({**good_form(), "suara_sah": 12.0}).encode(),
        "unknown.json": json.dumps({**good_form(), "catatan": "x"}).encode(),
        "negative.json": json.dumps({**good_form(), "suara_sah": -1}).encode(),
        "big.json": json.dumps({**good_form(), "suara_sah": 1000}).encode(),
        "binary.json": b"\xff\xfe\x00",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    code, out = run("check", "--format", "json", *(str(tmp_path / n) for n in cases))
    assert code == 2
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == len(cases)
    for line in lines:
        assert line["ok"] is False
        assert line["error"]["code"].startswith("input."), line
        assert line["error"]["message"]["id"] and line["error"]["message"]["en"]
    missing = run("check", str(tmp_path / "absent.json"))
    assert missing[0] == 2
    assert "cli.unreadable-file" in missing[1]


def test_all_kpu_records_match_the_expected_violations() -> None:
    folder = shared_path("data", "sirekap", "ppwp-tps")
    expected_file = Path(__file__).resolve().parent.parent / "election" / "data"
    expected = json.loads((expected_file / "sirekap_expected.json").read_text())
    files = sorted(folder.glob("*.json"))
    code, out = run("check", "--format", "json", *map(str, files))
    lines = {Path(x["file"]).stem: x for x in map(json.loads, out.splitlines())}
    assert len(lines) == len(files) == 53
    found = {tps: sorted({v["rule"] for v in x["violations"]}) for tps, x in lines.items()}
    want = _expected_rules(expected)
    assert {t: r for t, r in found.items() if r} == {t: r for t, r in want.items() if r}
    any_impossible = any(not x["ok"] for x in lines.values())
    assert code == (1 if any_impossible else 0)


def _expected_rules(expected: object) -> dict[str, list[str]]:
    """Accept the expected file's shape: {tps: [rules]} or {tps: {"rules": [...]}}."""
    out: dict[str, list[str]] = {}
    items = expected.get("records", expected) if isinstance(expected, dict) else {}
    for tps, value in items.items():
        if isinstance(value, list):
            out[tps] = sorted({str(v) for v in value})
        elif isinstance(value, dict):
            rules = value.get("rules") or value.get("violations") or []
            out[tps] = sorted({r if isinstance(r, str) else r["rule"] for r in rules})
    return out
