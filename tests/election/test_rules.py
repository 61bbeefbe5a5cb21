"""The C.Hasil-PPWP arithmetic rules: each rule's pass and fail, messages, JSON form."""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
from contextlib import redirect_stdout
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.election.forms import CHasilPPWP, form_fields
from saksi.election.rules import (
    RULES,
    RULES_BY_CODE,
    RULESET_VERSION,
    Severity,
    Violation,
    check_form,
    check_reading,
    countable,
    main,
    rules_as_json,
    rules_markdown,
    suspects,
)
from saksi.election.wire import parse_model
from saksi.errors import SchemaError
from saksi.sim.tally import consistent_form
from tests.conftest import ROOT

PAIRS = ("01", "02", "03")

# A consistent form, by hand. DPT 140+145=285; voted 110+120=230 from the DPT, 2+1=3
# DPTb, 1+1=2 DPK, so 113+122=235 in all; ballots 285 + ceil(2% of 285 = 5.7) = 291
# received = 235 used + 1 returned + 55 unused; votes 60+140+30=230 valid + 5 invalid.
BASE: dict[str, int | None] = {
    "pemilih_dpt_l": 140, "pemilih_dpt_p": 145, "pemilih_dpt_j": 285,
    "pengguna_dpt_l": 110, "pengguna_dpt_p": 120, "pengguna_dpt_j": 230,
    "pengguna_dptb_l": 2, "pengguna_dptb_p": 1, "pengguna_dptb_j": 3,
    "pengguna_non_dpt_l": 1, "pengguna_non_dpt_p": 1, "pengguna_non_dpt_j": 2,
    "pengguna_total_l": 113, "pengguna_total_p": 122, "pengguna_total_j": 235,
    "surat_suara_diterima": 291, "surat_suara_digunakan": 235,
    "surat_suara_dikembalikan": 1, "surat_suara_tidak_digunakan": 55,
    "pemilih_disabilitas_l": 1, "pemilih_disabilitas_p": 2, "pemilih_disabilitas_j": 3,
    "suara_paslon_01": 60, "suara_paslon_02": 140, "suara_paslon_03": 30,
    "suara_sah": 230, "suara_tidak_sah": 5, "suara_total": 235,
}  # fmt: skip


def with_(**changes: int | None) -> dict[str, int | None]:
    return BASE | changes


def test_base_reading_breaks_nothing() -> None:
    assert set(BASE) == set(form_fields(PAIRS))
    assert check_reading(BASE) == ()


# (rule, changes to BASE, text the Indonesian message holds, text the English one holds)
FAILS: list[tuple[str, dict[str, int | None], str, str]] = [
    ("kotak-3-digit", {"suara_paslon_02": 1400},
     "suara paslon 02 = 1400 di luar batas 0..999", "votes for pair 02 = 1400 is outside 0..999"),
    ("kotak-3-digit", {"suara_tidak_sah": -1},
     "suara tidak sah = -1 di luar batas 0..999", "invalid votes = -1 is outside 0..999"),
    ("jumlah-lp-pemilih-dpt", {"pemilih_dpt_j": 286},
     "pemilih DPT (J) 286 != L+P 140+145=285", "DPT voters (J) 286 != L+P 140+145=285"),
    ("jumlah-lp-pengguna-dpt", {"pengguna_dpt_j": 231},
     "pengguna hak pilih DPT (J) 231 != L+P 110+120=230",
     "DPT voters who voted (J) 231 != L+P 110+120=230"),
    ("jumlah-lp-pengguna-dptb", {"pengguna_dptb_j": 4},
     "pengguna hak pilih DPTb (J) 4 != L+P 2+1=3", "DPTb voters who voted (J) 4 != L+P 2+1=3"),
    ("jumlah-lp-pengguna-non-dpt", {"pengguna_non_dpt_p": 7},
     "pengguna hak pilih DPK (J) 2 != L+P 1+7=8", "DPK voters who voted (J) 2 != L+P 1+7=8"),
    ("jumlah-lp-pengguna-total", {"pengguna_total_j": 253},
     "jumlah pengguna hak pilih (J) 253 != L+P 113+122=235",
     "all who voted (J) 253 != L+P 113+122=235"),
    ("jumlah-lp-disabilitas", {"pemilih_disabilitas_j": 8},
     "pemilih disabilitas (J) 8 != L+P 1+2=3", "disabled voters who voted (J) 8 != L+P 1+2=3"),
    ("pengguna-total-l", {"pengguna_total_l": 118},
     "jumlah pengguna hak pilih (L) 118 != DPT+DPTb+DPK (L) 110+2+1=113",
     "all who voted (L) 118 != DPT+DPTb+DPK (L) 110+2+1=113"),
    ("pengguna-total-p", {"pengguna_dptb_p": 6},
     "jumlah pengguna hak pilih (P) 122 != DPT+DPTb+DPK (P) 120+6+1=127",
     "all who voted (P) 122 != DPT+DPTb+DPK (P) 120+6+1=127"),
    ("pengguna-total-j", {"pengguna_non_dpt_j": 7},
     "jumlah pengguna hak pilih (J) 235 != DPT+DPTb+DPK (J) 230+3+7=240",
     "all who voted (J) 235 != DPT+DPTb+DPK (J) 230+3+7=240"),
    ("pengguna-dpt-maks-dpt-l", {"pemilih_dpt_l": 100, "pemilih_dpt_j": 245},
     "pengguna hak pilih DPT (L) 110 > pemilih DPT (L) 100",
     "DPT voters who voted (L) 110 > DPT voters (L) 100"),
    ("pengguna-dpt-maks-dpt-p", {"pemilih_dpt_p": 15},
     "pengguna hak pilih DPT (P) 120 > pemilih DPT (P) 15",
     "DPT voters who voted (P) 120 > DPT voters (P) 15"),
    ("pengguna-dpt-maks-dpt-j", {"pemilih_dpt_j": 28},
     "pengguna hak pilih DPT (J) 230 > pemilih DPT (J) 28",
     "DPT voters who voted (J) 230 > DPT voters (J) 28"),
    ("disabilitas-maks-pengguna-l", {"pemilih_disabilitas_l": 120, "pemilih_disabilitas_j": 122},
     "pemilih disabilitas (L) 120 > jumlah pengguna hak pilih (L) 113",
     "disabled voters who voted (L) 120 > all who voted (L) 113"),
    ("disabilitas-maks-pengguna-p", {"pemilih_disabilitas_p": 200, "pemilih_disabilitas_j": 201},
     "pemilih disabilitas (P) 200 > jumlah pengguna hak pilih (P) 122",
     "disabled voters who voted (P) 200 > all who voted (P) 122"),
    ("disabilitas-maks-pengguna-j", {"pemilih_disabilitas_j": 300},
     "pemilih disabilitas (J) 300 > jumlah pengguna hak pilih (J) 235",
     "disabled voters who voted (J) 300 > all who voted (J) 235"),
    ("suara-sah", {"suara_paslon_03": 31},
     "suara sah 230 != jumlah suara paslon 60+140+31=231",
     "valid votes 230 != sum of pair votes 60+140+31=231"),
    ("suara-total", {"suara_tidak_sah": 8},
     "jumlah suara sah dan tidak sah 235 != suara sah + tidak sah 230+8=238",
     "total votes 235 != valid + invalid 230+8=238"),
    ("suara-total-maks-pengguna",
     {"suara_tidak_sah": 10, "suara_total": 240, "surat_suara_digunakan": 240,
      "surat_suara_tidak_digunakan": 50},
     "jumlah suara sah dan tidak sah 240 > jumlah pengguna hak pilih (J) 235",
     "total votes 240 > all who voted (J) 235"),
    ("suara-paslon-maks-pengguna", {"suara_paslon_02": 640},
     "suara paslon 02 = 640 > jumlah pengguna hak pilih (J) 235",
     "votes for pair 02 = 640 > all who voted (J) 235"),
    ("surat-suara-digunakan", {"surat_suara_digunakan": 285},
     "surat suara digunakan 285 != jumlah suara sah dan tidak sah 235",
     "ballots used 285 != total votes 235"),
    ("surat-suara-diterima", {"surat_suara_tidak_digunakan": 56},
     "surat suara diterima 291 != digunakan + dikembalikan + tidak digunakan 235+1+56=292",
     "ballots received 291 != used + returned + unused 235+1+56=292"),
    ("suara-total-sama-pengguna",
     {"suara_tidak_sah": 3, "suara_total": 233, "surat_suara_digunakan": 233,
      "surat_suara_tidak_digunakan": 57},
     "jumlah suara sah dan tidak sah 233 < jumlah pengguna hak pilih (J) 235; biasanya sama",
     "total votes 233 < all who voted (J) 235; normally equal"),
    ("surat-suara-cadangan", {"surat_suara_diterima": 295, "surat_suara_tidak_digunakan": 59},
     "surat suara diterima 295 tidak sesuai pemilih DPT (J) 285 + cadangan 2% = 291 "
     "(selisih 4, toleransi 1)",
     "ballots received 295 does not match DPT voters (J) 285 + 2% reserve = 291 "
     "(off by 4, tolerance 1)"),
    ("kawalpemilu-dpt-102", {"pemilih_dpt_l": 100, "pemilih_dpt_p": 100, "pemilih_dpt_j": 200},
     "jumlah suara paslon 60+140+30=230 > 102% dari pemilih DPT (J) 200 = 204,00",
     "sum of pair votes 60+140+30=230 > 102% of DPT voters (J) 200 = 204.00"),
    ("dpt-maks-300", {"pemilih_dpt_l": 160, "pemilih_dpt_j": 305},
     "pemilih DPT (J) = 305 di luar batas 0..300", "DPT voters (J) = 305 is outside 0..300"),
]  # fmt: skip


def test_every_rule_has_a_failing_case() -> None:
    assert {code for code, *_ in FAILS} == set(RULES_BY_CODE)


@pytest.mark.parametrize(
    ("code", "changes", "text_id", "text_en"),
    FAILS,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(FAILS)],
)
def test_rule_fails_with_numbers_in_its_message(
    code: str, changes: dict[str, int | None], text_id: str, text_en: str
) -> None:
    found = [v for v in check_reading(with_(**changes)) if v.rule == code]
    assert found, f"{code} not reported for {changes}"
    assert any(v.message_id == text_id and v.message_en == text_en for v in found), found
    rule = RULES_BY_CODE[code]
    for v in found:
        assert (v.version, v.severity) == (rule.version, rule.severity)
        assert set(changes) & set(v.fields)  # it names a box that was changed


# (rule, changes to BASE that sit exactly on the rule's edge and must pass)
EDGES: list[tuple[str, dict[str, int | None]]] = [
    ("kotak-3-digit", {"pemilih_disabilitas_l": 0, "pemilih_disabilitas_j": 2}),
    ("pengguna-dpt-maks-dpt-j", {"pemilih_dpt_l": 110, "pemilih_dpt_p": 120,
                                 "pemilih_dpt_j": 230}),
    ("disabilitas-maks-pengguna-l", {"pemilih_disabilitas_l": 113,
                                     "pemilih_disabilitas_j": 115}),
    ("surat-suara-cadangan", {"surat_suara_diterima": 290, "surat_suara_tidak_digunakan": 54}),
    ("surat-suara-cadangan", {"surat_suara_diterima": 292, "surat_suara_tidak_digunakan": 56}),
    ("dpt-maks-300", {"pemilih_dpt_l": 155, "pemilih_dpt_j": 300}),
]  # fmt: skip


@pytest.mark.parametrize(("code", "changes"), EDGES)
def test_rule_passes_on_its_edge(code: str, changes: dict[str, int | None]) -> None:
    assert code not in {v.rule for v in check_reading(with_(**changes))}


def test_kawalpemilu_edge_is_dpt_times_102_percent() -> None:
    # 60+140+30 = 230 votes; DPT 226 -> limit 230.52 (passes), DPT 225 -> 229.50 (flags)
    def flagged(dpt: int) -> bool:
        reading = with_(pemilih_dpt_l=dpt - 100, pemilih_dpt_p=100, pemilih_dpt_j=dpt)
        return "kawalpemilu-dpt-102" in {v.rule for v in check_reading(reading)}

    assert not flagged(226)
    assert flagged(225)


def test_reserve_flags_too_few_ballots_received() -> None:
    # DPT 285 should bring 285 + ceil(5.7) = 291 ballots; 280 is 11 short
    reading = with_(surat_suara_diterima=280, surat_suara_tidak_digunakan=44)
    (v,) = check_reading(reading)
    assert v.rule == "surat-suara-cadangan" and v.severity is Severity.SUSPICIOUS
    assert "(selisih 11, toleransi 1)" in v.message_id
    assert countable([v])


def test_suspicious_only_is_countable_impossible_is_not() -> None:
    suspicious = check_reading(
        with_(
            surat_suara_diterima=280,
            surat_suara_tidak_digunakan=44,
            pemilih_dpt_l=160,
            pemilih_dpt_j=305,
        )
    )
    assert {v.rule for v in suspicious} == {"surat-suara-cadangan", "dpt-maks-300"}
    assert suspicious and all(v.severity is Severity.SUSPICIOUS for v in suspicious)
    assert countable(suspicious)
    impossible = check_reading(with_(suara_sah=231))
    assert not countable(impossible)
    assert countable(())


def test_missing_boxes_are_never_a_violation() -> None:
    assert check_reading({}) == ()
    assert check_reading(dict.fromkeys(BASE)) == ()
    # J = L + P is not checked without L, even when J is absurd against the others
    reading = with_(pemilih_dpt_l=None, pemilih_dpt_j=999)
    codes = {v.rule for v in check_reading(reading)}
    assert "jumlah-lp-pemilih-dpt" not in codes
    assert "pengguna-dpt-maks-dpt-l" not in codes
    # one pair missing: the pair sum is not checked, the other pairs still are
    reading = with_(suara_paslon_01=None, suara_paslon_02=900)
    codes = {v.rule for v in check_reading(reading)}
    assert "suara-sah" not in codes and "kawalpemilu-dpt-102" not in codes
    assert "suara-paslon-maks-pengguna" in codes


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(form_fields(PAIRS)), st.one_of(st.none(), st.integers(-5, 1200)), min_size=0
    )
)
def test_violations_only_name_present_boxes(changes: dict[str, int | None]) -> None:
    reading = {k: v for k, v in with_(**changes).items() if v is not None}
    sparse = {k: v for k, v in changes.items() if v is not None}
    for source in (reading, sparse):
        for v in check_reading(source):
            assert all(source.get(f) is not None for f in v.fields), v


def test_pairs_other_than_three() -> None:
    reading = {"suara_paslon_01": 10, "suara_paslon_02": 5, "suara_sah": 16}
    (v,) = check_reading(reading, ("01", "02"))
    assert v.message_en == "valid votes 16 != sum of pair votes 10+5=15"
    assert check_reading({"suara_paslon_01": 16, "suara_sah": 16}, ("01",)) == ()


def test_check_form_uses_the_forms_own_pairs() -> None:
    form = consistent_form(random.Random(5), pairs=("01", "02", "03", "04"))
    assert check_form(form) == ()
    data = form.model_dump() | {"suara_paslon": form.suara_paslon | {"04": 999}}
    broken = parse_model(CHasilPPWP, data)
    assert "suara-sah" in {v.rule for v in check_form(broken)}


# --- consistent forms pass everything -----------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    dpt=st.one_of(st.none(), st.integers(0, 300)),
    n_pairs=st.integers(1, 6),
)
def test_any_consistent_form_passes_every_rule(seed: int, dpt: int | None, n_pairs: int) -> None:
    pairs = tuple(f"{i:02d}" for i in range(1, n_pairs + 1))
    form = consistent_form(random.Random(seed), dpt=dpt, pairs=pairs)
    assert check_form(form) == ()


# --- suspects -----------------------------------------------------------------------


def test_suspects_pinpoint_a_box_or_admit_ambiguity() -> None:
    # B.1 L changed: J=L+P and B.4(L) both break; only pengguna_dpt_l is in both
    reading = with_(pengguna_dpt_l=116)
    assert suspects(reading, check_reading(reading)) == ("pengguna_dpt_l",)
    # V.B changed: only V.C = V.A + V.B breaks; V.C would also break II.2 = V.C, and
    # V.A would break V.A = sum IV, so V.B is the one box that explains it
    reading = with_(suara_tidak_sah=8)
    assert suspects(reading, check_reading(reading)) == ("suara_tidak_sah",)
    # without section II (as KPU publishes), V.C can no longer be told apart from V.B
    hidden = reading | dict.fromkeys(
        (
            "surat_suara_diterima",
            "surat_suara_digunakan",
            "surat_suara_dikembalikan",
            "surat_suara_tidak_digunakan",
        )
    )
    assert suspects(hidden, check_reading(hidden)) == ("suara_tidak_sah", "suara_total")
    # a pair's votes changed (and still plausible): any of the three pairs could be it
    reading = with_(suara_paslon_03=38)
    assert suspects(reading, check_reading(reading)) == (
        "suara_paslon_01",
        "suara_paslon_02",
        "suara_paslon_03",
    )
    assert suspects(BASE, ()) == ()


# --- violations on the wire ---------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(form_fields(PAIRS)), st.integers(-10, 2000)))
def test_violation_round_trips_through_json(changes: dict[str, int]) -> None:
    for v in check_reading(with_(**changes)):
        back = Violation.from_dict(json.loads(json.dumps(v.to_dict())))
        assert back == v


def test_violation_dict_shape() -> None:
    (v,) = check_reading(
        with_(
            suara_tidak_sah=3,
            suara_total=233,
            surat_suara_digunakan=233,
            surat_suara_tidak_digunakan=57,
        )
    )
    assert v.to_dict() == {
        "rule": "suara-total-sama-pengguna",
        "version": 1,
        "severity": "suspicious",
        "fields": ["suara_total", "pengguna_total_j"],
        "message": {
            "id": "jumlah suara sah dan tidak sah 233 < jumlah pengguna hak pilih (J) 235; "
            "biasanya sama",
            "en": "total votes 233 < all who voted (J) 235; normally equal",
        },
    }


@pytest.mark.parametrize("bad", [
    None, [], "x", {},
    {"rule": "suara-sah", "version": "1", "severity": "impossible", "fields": [],
     "message": {"id": "a", "en": "b"}},
    {"rule": "suara-sah", "version": 1, "severity": "fatal", "fields": [],
     "message": {"id": "a", "en": "b"}},
    {"rule": "suara-sah", "version": 1, "severity": "impossible", "fields": [],
     "message": {"id": "a", "en": "b"}, "extra": 1},
])  # fmt: skip
def test_violation_from_bad_dict_is_a_schema_error(bad: Any) -> None:
    with pytest.raises(SchemaError) as err:
        Violation.from_dict(bad)
    assert err.value.code == "input.schema"
    assert err.value.message_id and err.value.message_en


# --- the rules as data --------------------------------------------------------------

PINNED_DIGESTS = {
    # RULESET_VERSION -> SHA-256 of rules_as_json(). Changing any rule changes the
    # digest: bump the changed rules' versions and RULESET_VERSION, then pin anew.
    "c-hasil-ppwp-2024.1": "1c1a644a80fe1f323d064ea955c410320702418aaf6c6e281df84d38f56808c3",
}


def _digest() -> str:
    blob = json.dumps(rules_as_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def test_ruleset_version_is_pinned_to_the_rules() -> None:
    assert PINNED_DIGESTS.get(RULESET_VERSION) == _digest(), (
        "the rules changed: bump the changed rules' versions and RULESET_VERSION, "
        "then pin the new digest here"
    )


def test_rules_are_named_versioned_and_unique() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    for rule in RULES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.code)
        assert isinstance(rule.version, int) and rule.version >= 1
        assert rule.why[0] and rule.why[1]


def test_rules_as_json_is_complete() -> None:
    data = rules_as_json()
    assert json.loads(json.dumps(data)) == data
    assert [d["code"] for d in data] == [r.code for r in RULES]
    for d in data:
        assert set(d) == {
            "code",
            "version",
            "severity",
            "kind",
            "lhs",
            "rhs",
            "fields",
            "constants",
            "labels",
            "field_labels",
            "message",
            "why",
            "source",
        }
        assert set(d["field_labels"]) == set(d["fields"])
        if d["kind"] not in ("range", "each-le"):
            assert set(d["labels"]) == {"lhs", "rhs"}, d["code"]


def test_command_line_prints_the_rules_as_json() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--json"]) == 0
    data = json.loads(out.getvalue())
    assert data == {"ruleset": RULESET_VERSION, "rules": rules_as_json()}


# An evaluator written from rules_as_json() and docs/rules.md alone: if it agrees with
# check_reading on any reading, the JSON describes the rules completely, messages included.


def _expr(values: list[int]) -> str:
    return str(values[0]) if len(values) == 1 else "+".join(map(str, values)) + f"={sum(values)}"


def _present(reading: dict[str, int | None], names: list[str]) -> list[int] | None:
    values = [v for f in names if (v := reading.get(f)) is not None]
    return values if len(values) == len(names) else None


def _json_eval(reading: dict[str, int | None]) -> list[dict[str, Any]]:
    out = []
    for rule in rules_as_json():
        for fields, params in _json_eval_rule(rule, reading):
            out.append({
                "rule": rule["code"], "version": rule["version"], "severity": rule["severity"],
                "fields": list(dict.fromkeys(fields)),
                "message": {lang: rule["message"][lang].format(**params[lang])
                            for lang in ("id", "en")},
            })  # fmt: skip
    return out


_Found = list[tuple[list[str], dict[str, dict[str, str]]]]


def _json_eval_rule(rule: dict[str, Any], reading: dict[str, int | None]) -> _Found:
    right = _present(reading, rule["rhs"])
    if right is None:
        return []
    if rule["kind"] in ("range", "each-le"):
        return _json_eval_each(rule, reading, right)
    left = _present(reading, rule["lhs"])
    if left is None:
        return []
    c, lsum, rsum = rule["constants"], sum(left), sum(right)
    percent = c.get("percent", 0)
    expected = rsum + -(-rsum * percent // 100)
    ok = {
        "sum-eq": lsum == rsum, "sum-le": lsum <= rsum, "sum-ge": lsum >= rsum,
        "sum-le-percent": 100 * lsum <= percent * rsum,
        "reserve": abs(lsum - expected) <= c.get("tolerance", 0),
    }[rule["kind"]]  # fmt: skip
    if ok:
        return []
    whole, frac = divmod(rsum * percent, 100)
    common = {"lhs": _expr(left), "rhs": _expr(right), "percent": str(percent),
              "expected": str(expected), "diff": str(abs(lsum - expected)),
              "tolerance": str(c.get("tolerance"))}  # fmt: skip
    params = {lang: common | {"lhs_label": rule["labels"]["lhs"][lang],
                              "rhs_label": rule["labels"]["rhs"][lang],
                              "limit": f"{whole}{sep}{frac:02d}"}
              for lang, sep in (("id", ","), ("en", "."))}  # fmt: skip
    return [(rule["lhs"] + rule["rhs"], params)]


def _json_eval_each(
    rule: dict[str, Any], reading: dict[str, int | None], right: list[int]
) -> _Found:
    c, found = rule["constants"], []
    for f in rule["lhs"]:
        v = reading.get(f)
        if v is None:
            continue
        if rule["kind"] == "range" and c["min"] <= v <= c["max"]:
            continue
        if rule["kind"] == "each-le" and v <= sum(right):
            continue
        common = {
            "value": str(v),
            "min": str(c.get("min")),
            "max": str(c.get("max")),
            "rhs": _expr(right),
        }
        params = {lang: common | {"field_label": rule["field_labels"][f][lang],
                                  "rhs_label": rule["labels"].get("rhs", {}).get(lang, "")}
                  for lang in ("id", "en")}  # fmt: skip
        found.append(([f, *rule["rhs"]], params))
    return found


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(form_fields(PAIRS)),
        st.one_of(st.none(), st.integers(-3, 1100), st.integers(0, 9)),
    )
)
def test_rules_as_json_alone_reproduces_check_reading(changes: dict[str, int | None]) -> None:
    reading = with_(**changes)
    assert _json_eval(reading) == [v.to_dict() for v in check_reading(reading)]


def test_docs_carry_the_rule_reference() -> None:
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- rules:begin -->\n(.*?)<!-- rules:end -->", doc, re.S)
    assert found, "docs/rules.md lacks the rules markers"
    assert found.group(1) == rules_markdown(), (
        "docs/rules.md's rule reference is stale: regenerate it with "
        "python -m saksi.election.rules --markdown"
    )
    for rule in RULES:
        assert f"`{rule.code}`" in doc
