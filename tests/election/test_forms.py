"""The C.Hasil-PPWP model: strict parsing, round trips, and the consistent-form generator."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.election.forms import CHasilPPWP, form_fields
from saksi.election.rules import check_form
from saksi.election.wire import loads, parse_model
from saksi.errors import InputError, SchemaError
from saksi.sim.tally import consistent_form

PHOTO = "ab" * 32


def good() -> dict[str, Any]:
    form = consistent_form(random.Random(7), dpt=250, photos=(PHOTO,))
    data: dict[str, Any] = json.loads(form.model_dump_json())
    return data


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**32), n_photos=st.integers(0, 3))
def test_form_round_trips_through_json(seed: int, n_photos: int) -> None:
    rng = random.Random(seed)
    photos = tuple(f"{rng.getrandbits(256):064x}" for _ in range(n_photos))
    form = consistent_form(rng, photos=photos)
    text = form.model_dump_json()
    back = parse_model(CHasilPPWP, loads(text))
    assert back == form
    assert back.model_dump_json() == text


def test_reading_has_every_box() -> None:
    form = parse_model(CHasilPPWP, good())
    reading = form.reading()
    assert len(reading) == len(form_fields(form.pairs))
    assert set(reading) == set(form_fields(form.pairs))
    assert all(isinstance(v, int) for v in reading.values())
    assert form.pairs == ("01", "02", "03")


BAD: list[tuple[str, str, Any, str]] = [
    # (what, field, value, pydantic error type)
    ("negative count", "suara_sah", -1, "greater_than_equal"),
    ("four digits", "pemilih_dpt_j", 1000, "less_than_equal"),
    ("count as text", "suara_tidak_sah", "12", "int_type"),
    ("count as false", "pengguna_dpt_l", False, "int_type"),
    ("count as true", "pengguna_dpt_p", True, "int_type"),
    ("count as float", "suara_total", 12.0, "int_type"),
    ("count as null", "suara_total", None, "int_type"),
    ("pair votes negative", "suara_paslon.02", -3, "greater_than_equal"),
    ("pair votes 4 digits", "suara_paslon.01", 1200, "less_than_equal"),
    ("pair votes as text", "suara_paslon.03", "9", "int_type"),
    ("photo not hex", "foto.0", "not-a-hash", "string_pattern_mismatch"),
]


def _put(data: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    if "." in field:
        outer, inner = field.split(".")
        if outer == "foto":
            data[outer] = [value]
        else:
            data[outer] = data[outer] | {inner: value}
    else:
        data[field] = value
    return data


@pytest.mark.parametrize(("what", "field", "value", "kind"), BAD, ids=[b[0] for b in BAD])
def test_bad_value_is_a_bilingual_schema_error(
    what: str, field: str, value: Any, kind: str
) -> None:
    with pytest.raises(SchemaError) as err:
        parse_model(CHasilPPWP, _put(good(), field, value))
    assert err.value.code == "input.schema", what
    errors = err.value.details["errors"]
    assert [(e["field"], e["type"]) for e in errors] == [(field, kind)]
    assert errors[0]["message_id"] != errors[0]["message_en"]
    assert field in err.value.message_id and field in err.value.message_en
    assert err.value.diagnostics().startswith("input.schema: ")


@pytest.mark.parametrize(("what", "data", "field", "kind"), [
    ("unknown field", good() | {"suara_paslon_01": 5}, "suara_paslon_01", "extra_forbidden"),
    ("missing field", {k: v for k, v in good().items() if k != "suara_sah"}, "suara_sah",
     "missing"),
    ("pair number of one digit", good() | {"suara_paslon": {"1": 5}}, "suara_paslon.1.[key]",
     "string_pattern_mismatch"),
    ("no pairs", good() | {"suara_paslon": {}}, "suara_paslon", "too_short"),
    ("foto not a list", good() | {"foto": PHOTO}, "foto", "tuple_type"),
    ("not an object", [1, 2], "(root)", "model_type"),
])  # fmt: skip
def test_bad_shape_is_a_schema_error(what: str, data: Any, field: str, kind: str) -> None:
    with pytest.raises(SchemaError) as err:
        parse_model(CHasilPPWP, data)
    assert (err.value.details["errors"][0]["field"], err.value.details["errors"][0]["type"]) == (
        field,
        kind,
    ), what
    assert err.value.message_id and err.value.message_en


def test_bad_json_text_is_an_input_error() -> None:
    for text, code in (
        ("{", "input.json-malformed"),
        ('{"a": 1, "a": 2}', "input.json-duplicate-key"),
        ('{"a": NaN}', "input.json-malformed"),
    ):
        with pytest.raises(InputError) as err:
            loads(text)
        assert err.value.code == code


# --- the generator ------------------------------------------------------------------


def test_generator_is_deterministic_and_realistic() -> None:
    a = [consistent_form(random.Random(11)) for _ in range(3)]
    b = [consistent_form(random.Random(11)) for _ in range(3)]
    assert a == b
    rng = random.Random(3)
    forms = [consistent_form(rng) for _ in range(500)]
    turnout = sum(f.pengguna_dpt_j for f in forms) / sum(f.pemilih_dpt_j for f in forms)
    assert 0.75 < turnout < 0.85
    for f in forms:
        assert 150 <= f.pemilih_dpt_j <= 300
        assert f.surat_suara_diterima == f.pemilih_dpt_j + -(-f.pemilih_dpt_j * 2 // 100)
        assert f.surat_suara_digunakan == f.suara_total == f.pengguna_total_j
    assert any(f.pengguna_dptb_j for f in forms) and any(f.pengguna_non_dpt_j for f in forms)
    share_02 = sum(f.suara_paslon["02"] for f in forms) / sum(f.suara_sah for f in forms)
    assert 0.5 < share_02 < 0.65  # about 58.6%, the national result


def test_generator_parameters() -> None:
    rng = random.Random(1)
    empty = consistent_form(rng, dpt=0)
    assert all(v == 0 for v in empty.reading().values())
    assert check_form(empty) == ()
    two = consistent_form(rng, dpt=300, pairs=("01", "02"), shares=(1.0, 0.0))
    assert two.suara_paslon["02"] == 0 and two.suara_paslon["01"] == two.suara_sah
    assert check_form(two) == ()
    assert consistent_form(rng, photos=(PHOTO,)).foto == (PHOTO,)


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"dpt": 301}, "sim.dpt-out-of-range"),
    ({"dpt": -1}, "sim.dpt-out-of-range"),
    ({"shares": (1.0, 2.0)}, "sim.bad-shares"),
    ({"shares": (1.0, -1.0, 1.0)}, "sim.bad-shares"),
    ({"shares": (0.0, 0.0, 0.0)}, "sim.bad-shares"),
    ({"shares": (float("nan"), 1.0, 1.0)}, "sim.bad-shares"),
])  # fmt: skip
def test_generator_refuses_bad_parameters(kwargs: dict[str, Any], code: str) -> None:
    with pytest.raises(InputError) as err:
        consistent_form(random.Random(0), **kwargs)
    assert err.value.code == code


def test_generator_is_fast() -> None:
    import time

    rng = random.Random(0)
    start = time.process_time()  # this process's CPU time: a busy machine does not count
    for _ in range(2000):
        consistent_form(rng)
    assert time.process_time() - start < 2.0  # ~20 us each; loose
