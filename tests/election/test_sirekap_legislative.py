"""KPU's legislative records (Sirekap JSON, DPR/DPRD and DPD) read strictly and checked.

No real legislative record is in ../shared, so the records here are written in the
shape DOMAIN.md gives (chart per party: jml_suara_partai = A.1, jml_suara_total = B;
caleg per party: candidate id -> votes; the administrasi block of PPWP's records).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.election.legislative_forms import Ballot
from saksi.election.sirekap_legislative import read_sirekap_dpd, read_sirekap_party
from saksi.errors import SaksiError
from saksi.sim.legislative_tally import consistent_legislative_form

ADMIN = (
    "pemilih_dpt_l", "pemilih_dpt_p", "pemilih_dpt_j", "pengguna_dpt_l", "pengguna_dpt_p",
    "pengguna_dpt_j", "pengguna_dptb_l", "pengguna_dptb_p", "pengguna_dptb_j",
    "pengguna_non_dpt_l", "pengguna_non_dpt_p", "pengguna_non_dpt_j", "pengguna_total_l",
    "pengguna_total_p", "pengguna_total_j", "suara_sah", "suara_tidak_sah", "suara_total",
)  # fmt: skip


def party_record(seed: int = 5) -> dict[str, Any]:
    ballot = Ballot(parties=(("1", (1, 2, 3)), ("2", (1, 2)), ("24", (1,))))
    form = consistent_legislative_form(random.Random(seed), ballot).model_dump()
    ids = iter(range(1_001_000, 1_002_000))
    return {
        "chart": {
            p: {"jml_suara_partai": v["suara_partai"], "jml_suara_total": v["suara_sah_partai"]}
            for p, v in form["partai"].items()
        },
        "caleg": {
            p: {str(next(ids)): n for n in v["suara_caleg"].values()}
            for p, v in form["partai"].items()
        },
        "administrasi": {k: form[k] for k in ADMIN},
        "images": [None, None],
        "mode": "hhcw",
        "psu": None,
        "ts": "2024-02-16 16:25:10",
        "status_suara": True,
        "status_adm": True,
    }


def dpd_record(seed: int = 5) -> dict[str, Any]:
    form = consistent_legislative_form(
        random.Random(seed), Ballot(candidates=(1, 2, 3, 4, 5))
    ).model_dump()
    return {
        "chart": {
            "null": None,
            **{str(900_000 + int(n)): v for n, v in form["suara_calon"].items()},
        },
        "administrasi": {k: form[k] for k in ADMIN},
        "images": [],
    }


def test_a_consistent_party_record_breaks_nothing() -> None:
    record = read_sirekap_party(party_record())
    assert record.violations() == ()
    assert record.ballot.parties[0] == ("1", (1_001_000, 1_001_001, 1_001_002))
    assert record.entered_votes and record.entered_admin


def test_a_party_total_raised_above_its_votes_is_caught() -> None:
    data = party_record()
    data["chart"]["2"]["jml_suara_total"] += 100  # 2024: a party's count rising in Sirekap
    rules = {v.rule for v in read_sirekap_party(data).violations()}
    assert {"suara-sah-partai", "suara-sah-jumlah-partai"} <= rules


def test_a_record_not_yet_entered_has_no_violation() -> None:
    data = party_record()
    data["chart"] = None
    data["caleg"] = None
    data["administrasi"] = None
    record = read_sirekap_party(data)
    assert record.violations() == ()
    assert not record.entered_votes


def test_a_record_with_a_kpu_misread_four_digit_count_is_reported_not_refused() -> None:
    data = party_record()
    data["caleg"]["1"]["1001000"] = 1948
    rules = {v.rule for v in read_sirekap_party(data).violations()}
    assert "kotak-3-digit" in rules


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: d["chart"]["1"].update(jml_suara_partai="12"), "input.schema"),
        (lambda d: d["chart"]["1"].update(extra=1), "input.schema"),
        (lambda d: d.update(chart={"01": None}), "input.schema"),
        (lambda d: d["caleg"].update({"9": {"1": 1}}), "sirekap.caleg-unknown-party"),
    ],
    ids=["count-as-text", "unknown-key", "party-leading-zero", "caleg-party-not-in-chart"],
)
def test_what_the_party_reader_refuses(change: Any, code: str) -> None:
    data = party_record()
    change(data)
    with pytest.raises(SaksiError) as info:
        read_sirekap_party(data)
    assert info.value.code == code


def test_a_dpd_record() -> None:
    assert read_sirekap_dpd(dpd_record()).violations() == ()
    data = dpd_record()
    data["chart"]["900003"] += 1
    assert "suara-sah-jumlah-calon" in {v.rule for v in read_sirekap_dpd(data).violations()}
    data = dpd_record()
    data["chart"]["x"] = 3
    with pytest.raises(SaksiError) as info:
        read_sirekap_dpd(data)
    assert info.value.code == "sirekap.chart-unknown-key"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_saksi_check_tells_the_kinds_apart(tmp_path: Path) -> None:
    party = tmp_path / "3101011001001.json"
    party.write_text(json.dumps(party_record()), encoding="utf-8")
    dpd = tmp_path / "dpd.json"
    dpd.write_text(json.dumps(dpd_record()), encoding="utf-8")
    form = tmp_path / "form.json"
    ballot = Ballot(parties=(("1", (1, 2)),))
    form.write_text(
        consistent_legislative_form(random.Random(1), ballot).model_dump_json(), encoding="utf-8"
    )
    code, out = run("check", "--format", "json", str(party), str(form))
    assert code == 0, out
    assert [json.loads(line)["source"] for line in out.splitlines()] == [
        "sirekap-partai",
        "form-partai",
    ]
    code, out = run("check", "--format", "json", str(dpd))
    assert code == 2  # read as PPWP, its chart keys are no pairs: refused, not guessed
    assert "sirekap.chart-unknown-key" in out
    code, out = run("check", "--contest", "dpd", "--format", "json", str(dpd))
    assert code == 0, out
    assert json.loads(out)["source"] == "sirekap-dpd"
    bad = party_record()
    bad["chart"]["1"]["jml_suara_total"] += 5
    party.write_text(json.dumps(bad), encoding="utf-8")
    code, out = run("check", str(party))
    assert code == 1
    assert "suara-sah-partai" in out
