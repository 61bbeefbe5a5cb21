"""`saksi seats` over plain CSV files (docs/seats.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from saksi.cli import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


VOTES = """dapil,seats,party,votes
JABAR I,3,1,5000
JABAR I,3,2,4000
JABAR I,3,17,3900
JABAR II,3,1,50000
JABAR II,3,2,40000
JABAR II,3,17,100
"""

CANDIDATES = """dapil,party,number,votes
JABAR I,1,0,1000
JABAR I,1,1,2500
JABAR I,1,2,1500
JABAR I,2,0,4000
JABAR I,17,1,3900
JABAR II,1,0,10000
JABAR II,1,1,15000
JABAR II,1,2,25000
JABAR II,2,1,40000
JABAR II,17,1,100
"""


def test_dpr_seats_as_json_with_the_threshold_and_open_lists(tmp_path: Path) -> None:
    code, out = run(
        "seats", write(tmp_path / "v.csv", VOTES), "--contest", "dpr",
        "--candidates", write(tmp_path / "c.csv", CANDIDATES), "--format", "json",
    )  # fmt: skip
    assert code == 0, out
    got = json.loads(out)
    assert got["contest"] == "dpr"
    assert got["threshold"] == {"percent": 4, "valid_votes": 103_000, "passing": ["1", "2"]}
    assert got["parties"] == {"1": 4, "2": 2}
    assert got["dapil"] == {"JABAR I": {"1": 2, "2": 1}, "JABAR II": {"1": 2, "2": 1}}
    elected = {(e["dapil"], e["party"], e["number"]) for e in got["elected"]}
    assert ("JABAR II", "1", 2) in elected and ("JABAR II", "1", 1) in elected
    unfilled = [(e["dapil"], e["party"]) for e in got["unfilled"]]
    assert unfilled == [("JABAR I", "2")]  # party 2 lists no candidate with votes there


def test_the_threshold_can_be_set_and_dprd_has_none(tmp_path: Path) -> None:
    votes = write(tmp_path / "v.csv", VOTES)
    code, out = run(
        "seats", votes, "--contest", "dpr", "--threshold-percent", "3.5", "--format", "json"
    )
    assert code == 0, out
    assert json.loads(out)["threshold"]["passing"] == ["1", "2", "17"]
    code, out = run("seats", votes, "--contest", "dprd-prov", "--format", "json")
    assert json.loads(out)["threshold"] == {
        "percent": None, "valid_votes": 103_000, "passing": ["1", "2", "17"]
    }  # fmt: skip


def test_the_table_shows_seats_and_ties(tmp_path: Path) -> None:
    votes = write(tmp_path / "v.csv", "dapil,seats,party,votes\nD,2,1,300\nD,2,2,100\n")
    code, out = run("seats", votes, "--contest", "dprd-kabkota")
    assert code == 0, out
    assert "dapil D: 1: 2" in out
    assert "TIE / SERI party dapil D: 1, 2 at 100" in out
    assert "KPU yang memutuskan" in out and "KPU decides" in out


def test_dpd(tmp_path: Path) -> None:
    votes = write(
        tmp_path / "d.csv", "province,number,votes\n32,1,10\n32,2,50\n32,3,40\n32,4,30\n32,5,20\n"
    )
    code, out = run("seats", votes, "--contest", "dpd", "--format", "json")
    assert code == 0, out
    got = json.loads(out)
    assert [e["number"] for e in got["elected"]] == [2, 3, 4, 5]
    code, out = run("seats", votes, "--contest", "dpd", "--threshold-percent", "4")
    assert code == 2 and "cli.seats-dpd-options" in out


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("dapil,party,votes\nA,1,3\n", 1, "the header must be dapil,seats,party,votes"),
        ("dapil,seats,party,votes\nA,3,1,-4\n", 2, "votes must be a whole number"),
        ("dapil,seats,party,votes\nA,3,1,12.5\n", 2, "votes must be a whole number"),
        ("dapil,seats,party,votes\nA,3,1,5\nA,4,2,5\n", 3, "has 3 seats on an earlier line"),
        ("dapil,seats,party,votes\nA,3,1,5\nA,3,1,6\n", 3, "listed twice"),
        ("dapil,seats,party,votes\nA,3,1\n", 2, "3 columns, expected 4"),
        ("dapil,seats,party,votes\nA,0,1,5\n", 2, "seats must be a whole number from 1"),
    ],
)
def test_bad_csv_is_a_coded_bilingual_refusal_with_its_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    code, out = run("seats", write(tmp_path / "v.csv", text), "--contest", "dpr")
    assert code == 2, out
    assert "input.seats-csv" in out and words in out
    assert f"line {line}" in out and f"baris {line}" in out
    assert "Traceback" not in out


def test_candidates_that_do_not_add_up_to_the_party_are_refused(tmp_path: Path) -> None:
    votes = write(tmp_path / "v.csv", "dapil,seats,party,votes\nA,3,1,100\n")
    lists = write(tmp_path / "c.csv", "dapil,party,number,votes\nA,1,0,10\nA,1,1,80\n")
    code, out = run("seats", votes, "--contest", "dprd-prov", "--candidates", lists)
    assert code == 2 and "add up to 90" in out and "VOTES.csv gives 100" in out


def test_a_bad_threshold_is_refused(tmp_path: Path) -> None:
    votes = write(tmp_path / "v.csv", VOTES)
    code, out = run("seats", votes, "--contest", "dpr", "--threshold-percent", "abc")
    assert code == 2 and "input.seats-threshold" in out
