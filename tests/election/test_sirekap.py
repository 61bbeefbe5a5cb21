"""KPU's published per-TPS records: read strictly, every broken rule found, none invented."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.election.forms import SECTION_II, form_fields
from saksi.election.rules import check_reading
from saksi.election.sirekap import load_sirekap, looks_like_sirekap, read_sirekap
from saksi.errors import InputError, RegionError, SaksiError, SchemaError
from tests.conftest import shared_path

pytestmark = pytest.mark.shared

EXPECTED = json.loads(
    (Path(__file__).parent / "data" / "sirekap_expected.json").read_text(encoding="utf-8")
)
PAIRS = ("01", "02", "03")

# A record as KPU published it (3101011001001), for the bad-input tests below.
GOOD: dict[str, Any] = {
    "mode": "hhcw",
    "chart": {"null": None, "100025": 83, "100026": 107, "100027": 38},
    "images": ["https://sirekap-obj-formc.kpu.go.id/a.jpg", None, None],
    "administrasi": {
        "suara_sah": 228, "suara_total": 233, "pemilih_dpt_j": 292, "pemilih_dpt_l": 147,
        "pemilih_dpt_p": 145, "pengguna_dpt_j": 292, "pengguna_dpt_l": 147,
        "pengguna_dpt_p": 145, "pengguna_dptb_j": 1, "pengguna_dptb_l": 0,
        "pengguna_dptb_p": 1, "suara_tidak_sah": 5, "pengguna_total_j": 292,
        "pengguna_total_l": 147, "pengguna_total_p": 145, "pengguna_non_dpt_j": 0,
        "pengguna_non_dpt_l": 0, "pengguna_non_dpt_p": 0,
    },
    "psu": None, "ts": "2024-02-16 16:25:10", "status_suara": True, "status_adm": True,
}  # fmt: skip


def kpu_files() -> list[Path]:
    return sorted(shared_path("data", "sirekap", "ppwp-tps").glob("*.json"))


def test_expected_file_lists_every_record() -> None:
    files = kpu_files()
    assert len(files) == 53
    assert set(EXPECTED["records"]) == {p.stem for p in files}


def test_every_record_breaks_exactly_the_expected_rules() -> None:
    for path in kpu_files():
        record = load_sirekap(path)
        assert looks_like_sirekap(json.loads(path.read_text(encoding="utf-8")))
        assert record.tps == path.stem
        codes = list(dict.fromkeys(v.rule for v in record.violations()))
        assert codes == EXPECTED["records"][path.stem], path.stem


def _messages(tps: str) -> list[str]:
    path = shared_path("data", "sirekap", "ppwp-tps", f"{tps}.json")
    return [v.message_en for v in load_sirekap(path).violations()]


def test_hand_checked() -> None:
    # 3101011001001: B.4 P = B.1 145 + B.2 1 + B.3 0 = 146, the form says 145;
    # B.4 J = 292 + 1 + 0 = 293, the form says 292; V.C 233 < B.4 J 292 (suspicious).
    # Everything else holds: 147+145=292 (DPT, B.1, B.4), 83+107+38=228 = V.A,
    # 228+5=233 = V.C, 228 <= 292 x 1.02.
    assert _messages("3101011001001") == [
        "all who voted (P) 145 != DPT+DPTb+DPK (P) 145+1+0=146",
        "all who voted (J) 292 != DPT+DPTb+DPK (J) 292+1+0=293",
        "total votes 233 < all who voted (J) 292; normally equal",
    ]
    # 3101011001003: B.1 116+126 = 242 != 237; B.4 P 126+1+0 = 127 != 122 (B.4 L
    # 116+0+0 = 116 and J 237+1+0 = 238 hold); IV 86+119+38 = 243 != V.A 235.
    assert _messages("3101011001003") == [
        "DPT voters who voted (J) 237 != L+P 116+126=242",
        "all who voted (P) 122 != DPT+DPTb+DPK (P) 126+1+0=127",
        "valid votes 235 != sum of pair votes 86+119+38=243",
    ]
    # 3101011001013: section I all 0, but V.C = 206 + 4 = 210 ballots and pairs
    # 64, 111, 31 > 0 voters; 206 > 0 x 1.02.
    assert _messages("3101011001013") == [
        "total votes 210 > all who voted (J) 0",
        "votes for pair 01 = 64 > all who voted (J) 0",
        "votes for pair 02 = 111 > all who voted (J) 0",
        "votes for pair 03 = 31 > all who voted (J) 0",
        "sum of pair votes 64+111+31=206 > 102% of DPT voters (J) 0 = 0.00",
    ]
    # 3101011003006: chart null (IV not checked); B.4 75+85 = 160 != 161;
    # B.4 P 83+2+1 = 86 != 85 (L 72+1+2 = 75 and J 155+3+3 = 161 hold).
    assert _messages("3101011003006") == [
        "all who voted (J) 161 != L+P 75+85=160",
        "all who voted (P) 85 != DPT+DPTb+DPK (P) 83+2+1=86",
    ]
    # 3101011003008: IV 71+641+511 = 1223 != V.A 185; 641 and 511 > 186 voters;
    # 1223 > 213 x 1.02 = 217.26. Section I holds: 105+108=213, 88+90=178, 4+0=4,
    # 3+1=4, 95+91=186; 88+4+3=95, 90+0+1=91, 178+4+4=186; 185+1=186.
    assert _messages("3101011003008") == [
        "valid votes 185 != sum of pair votes 71+641+511=1223",
        "votes for pair 02 = 641 > all who voted (J) 186",
        "votes for pair 03 = 511 > all who voted (J) 186",
        "sum of pair votes 71+641+511=1223 > 102% of DPT voters (J) 213 = 217.26",
    ]
    # 3101011001002 breaks nothing: 144+141=285; 122+129=251; 0+0=0; 2+2=4;
    # 124+131=255; 122+0+2=124, 129+0+2=131, 251+0+4=255; 92+126+30=248;
    # 248+7=255 = B.4 J.
    assert _messages("3101011001002") == []


def test_record_maps_chart_and_administrasi() -> None:
    record = read_sirekap(GOOD, "3101011001001")
    assert record.tps == "3101011001001"
    assert record.pairs == PAIRS
    assert set(record.reading) == set(form_fields(PAIRS))
    assert record.reading["suara_paslon_01"] == 83  # "100025"
    assert record.reading["suara_paslon_02"] == 107  # "100026"
    assert record.reading["suara_paslon_03"] == 38  # "100027"
    for name, value in GOOD["administrasi"].items():
        assert record.reading[name] == value
    for name in (*SECTION_II, "pemilih_disabilitas_l", "pemilih_disabilitas_j"):
        assert record.reading[name] is None
    assert record.entered_votes and record.entered_admin
    assert record.images == ("https://sirekap-obj-formc.kpu.go.id/a.jpg", None, None)
    assert (record.ts, record.mode, record.psu) == ("2024-02-16 16:25:10", "hhcw", None)
    assert (record.status_suara, record.status_adm) == (True, True)
    with pytest.raises(TypeError):
        record.reading["suara_sah"] = 1  # type: ignore[index]


def test_record_not_yet_entered_reads_as_nothing() -> None:
    data = GOOD | {"chart": None, "administrasi": None, "status_suara": False}
    record = read_sirekap(data)
    assert record.tps is None
    assert not record.entered_votes and not record.entered_admin
    assert all(v is None for v in record.reading.values())
    assert record.violations() == ()
    minimal = read_sirekap({"chart": None, "administrasi": None})
    assert minimal.images == () and minimal.ts is None and minimal.mode is None


def test_out_of_range_numbers_are_read_and_reported() -> None:
    data = copy.deepcopy(GOOD)
    data["chart"]["100026"] = 1070
    data["administrasi"]["suara_tidak_sah"] = -5
    record = read_sirekap(data)
    assert record.reading["suara_paslon_02"] == 1070
    range_msgs = [v.message_en for v in record.violations() if v.rule == "kotak-3-digit"]
    assert range_msgs == [
        "votes for pair 02 = 1070 is outside 0..999",
        "invalid votes = -5 is outside 0..999",
    ]


@settings(max_examples=200, deadline=None)
@given(
    blank=st.sets(st.sampled_from(sorted(GOOD["administrasi"]))),
    chart_blank=st.sets(st.sampled_from(["100025", "100026", "100027"])),
)
def test_missing_values_never_invent_a_violation(blank: set[str], chart_blank: set[str]) -> None:
    data = copy.deepcopy(GOOD)
    for name in blank:
        data["administrasi"][name] = None
    for key in chart_blank:
        data["chart"][key] = None
    record = read_sirekap(data)
    full = {v.rule for v in read_sirekap(GOOD).violations()}
    for v in record.violations():
        assert all(record.reading[f] is not None for f in v.fields)
        assert v.rule in full  # blanking boxes can only hide violations
    assert record.violations() == check_reading(record.reading)


# --- bad input ------------------------------------------------------------------------


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


BAD: list[tuple[str, Any, str, str | None]] = [
    # (what, data, code, field)
    ("string count in chart", _with(("chart", "100025"), "83"), "input.schema", "chart.100025"),
    ("bool count in chart", _with(("chart", "100026"), False), "input.schema", "chart.100026"),
    ("float count in chart", _with(("chart", "100027"), 12.0), "input.schema", "chart.100027"),
    ("string count in administrasi", _with(("administrasi", "suara_sah"), "228"),
     "input.schema", "administrasi.suara_sah"),
    ("bool count in administrasi", _with(("administrasi", "pemilih_dpt_j"), True),
     "input.schema", "administrasi.pemilih_dpt_j"),
    ("float count in administrasi", _with(("administrasi", "suara_total"), 233.0),
     "input.schema", "administrasi.suara_total"),
    ("unknown top-level key", _with(("hasil",), 1), "input.schema", "hasil"),
    ("unknown administrasi key", _with(("administrasi", "pemilih_dpk_j"), 3),
     "input.schema", "administrasi.pemilih_dpk_j"),
    ("unknown chart key", _with(("chart", "100028"), 5), "sirekap.chart-unknown-key",
     "chart.100028"),
    ("number under the null key", _with(("chart", "null"), 5), "sirekap.chart-null-key",
     "chart.null"),
    ("chart not an object", _with(("chart",), [83, 107, 38]), "input.schema", "chart"),
    ("administrasi not an object", _with(("administrasi",), "n/a"), "input.schema",
     "administrasi"),
    ("images not a list", _with(("images",), "a.jpg"), "input.schema", "images"),
    ("image not a string", _with(("images",), [5]), "input.schema", "images.0"),
    ("bad timestamp", _with(("ts",), "16/02/2024"), "input.schema", "ts"),
    ("status as text", _with(("status_suara",), "true"), "input.schema", "status_suara"),
    ("missing chart", {k: v for k, v in GOOD.items() if k != "chart"}, "input.schema", "chart"),
    ("a list", [GOOD], "sirekap.not-an-object", None),
    ("a string", "{}", "sirekap.not-an-object", None),
    ("null", None, "sirekap.not-an-object", None),
]  # fmt: skip


@pytest.mark.parametrize(("what", "data", "code", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_record_is_refused_with_a_code(
    what: str, data: Any, code: str, field: str | None
) -> None:
    with pytest.raises(InputError) as err:
        read_sirekap(data)
    assert err.value.code == code, what
    assert err.value.message_id and err.value.message_en
    assert err.value.message_id != err.value.message_en
    if field is not None:
        assert isinstance(err.value, SchemaError)
        assert field in [e["field"] for e in err.value.details["errors"]]
    json.dumps(err.value.to_dict())  # the one error shape serialises


@pytest.mark.parametrize(("tps", "code"), [
    ("123", "region.malformed-code"), ("31010110010O1", "region.malformed-code"),
    ("3101011001", "region.not-a-tps"), ("0", "region.not-a-tps"),
])  # fmt: skip
def test_bad_tps_code(tps: str, code: str) -> None:
    with pytest.raises(RegionError) as err:
        read_sirekap(GOOD, tps)
    assert err.value.code == code


def test_load_sirekap_refuses_bad_json(tmp_path: Path) -> None:
    bad = tmp_path / "3101011001001.json"
    bad.write_text('{"chart": null, "administrasi": null', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_sirekap(bad)
    assert err.value.code == "input.json-malformed"
    bad.write_text('{"chart": null, "chart": {}, "administrasi": null}', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_sirekap(bad)
    assert err.value.code == "input.json-duplicate-key"
    other = tmp_path / "copy-of-record.json"
    other.write_text(json.dumps(GOOD), encoding="utf-8")
    assert load_sirekap(other).tps is None


def test_looks_like_sirekap() -> None:
    assert looks_like_sirekap(GOOD)
    assert looks_like_sirekap({"chart": None, "administrasi": None})
    assert not looks_like_sirekap({"chart": None})
    odd = GOOD | {"pemilih_dpt_l": 1}  # recognised, then refused precisely
    assert looks_like_sirekap(odd)
    with pytest.raises(SchemaError) as err:
        read_sirekap(odd)
    assert err.value.details["errors"][0]["field"] == "pemilih_dpt_l"
    assert not looks_like_sirekap([GOOD])
    assert not looks_like_sirekap({"v": 1, "stmt": {}, "key": "", "sig": ""})
    assert not looks_like_sirekap(None)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_arbitrary_json_gives_a_record_or_a_saksi_error(data: Any) -> None:
    try:
        read_sirekap(data)
    except SaksiError as err:
        assert err.code and err.message_id and err.message_en


@settings(max_examples=300, deadline=None)
@given(
    section=st.sampled_from(["chart", "administrasi", None]), key=st.text(max_size=20), value=JSON
)
def test_a_real_record_with_one_value_replaced_never_leaks_an_exception(
    section: str | None, key: str, value: Any
) -> None:
    data = copy.deepcopy(GOOD)
    target = data if section is None else data[section]
    keys = sorted(target)
    target[keys[len(key) % len(keys)] if key.isdigit() else key] = value
    try:
        record = read_sirekap(data)
    except SaksiError as err:
        assert err.code and err.message_id and err.message_en
    else:
        record.violations()
