"""RFC 8785 canonical JSON: one byte form, strict parsing, clear refusals."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.election.canonical import (
    MAX_SAFE_INTEGER,
    canonical_json,
    first_difference,
    parse_canonical,
)
from saksi.election.wire import loads
from saksi.errors import InputError, SaksiError

# JSON values without floats (Saksi has none); text includes control characters,
# non-ASCII, astral-plane characters and keys that sort differently in UTF-16.
_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
    | _text
)
json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(json_values)
def test_canonical_json_is_rfc8785(value: Any) -> None:
    assert canonical_json(value) == rfc8785.dumps(value)


@settings(max_examples=300)
@given(json_values)
def test_round_trip(value: Any) -> None:
    data = canonical_json(value)
    assert parse_canonical(data) == value
    assert canonical_json(parse_canonical(data)) == data


def test_known_bytes() -> None:
    value = {"b": [1, True, None], "a": 'é\n"', "A": {"z": 0, "y": -5}}
    assert canonical_json(value) == b'{"A":{"y":-5,"z":0},"a":"\xc3\xa9\\n\\"","b":[1,true,null]}'


def test_keys_sort_by_utf16_code_units() -> None:
    # U+1F600 is D83D DE00 in UTF-16: it sorts before U+FB01 there, after it by code point.
    value = {"\ufb01": 1, "\U0001f600": 2}
    assert canonical_json(value) == '{"\U0001f600":2,"\ufb01":1}'.encode()


@pytest.mark.parametrize("value", [12.0, 0.5, float("nan"), {"a": [1, 2.5]}])
def test_floats_are_refused(value: Any) -> None:
    with pytest.raises(InputError) as exc:
        canonical_json(value)
    assert exc.value.code == "input.json-float"


def test_float_refusal_names_the_field() -> None:
    with pytest.raises(InputError) as exc:
        canonical_json({"stmt": {"form": {"suara_sah": 12.0}}})
    assert exc.value.details["field"] == "stmt.form.suara_sah"
    assert "12.0" in exc.value.message_en and "bilangan bulat" in exc.value.message_id


@pytest.mark.parametrize("value", [MAX_SAFE_INTEGER + 1, -MAX_SAFE_INTEGER - 1, 2**63])
def test_unsafe_integers_are_refused(value: int) -> None:
    with pytest.raises(InputError) as exc:
        canonical_json([value])
    assert exc.value.code == "input.json-int-range"
    assert exc.value.details["field"] == "0"


def test_safe_integer_limits_are_accepted() -> None:
    assert canonical_json([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER]) == (
        b"[9007199254740991,-9007199254740991]"
    )


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ({1: "a"}, "input.json-type"),
        ({"a": {1, 2}}, "input.json-type"),
        ({"a": b"bytes"}, "input.json-type"),
        ({"a": "\ud800"}, "input.json-not-unicode"),
        ({"\u00e9": "\udfff"}, "input.json-not-unicode"),
    ],
)
def test_values_json_cannot_carry(value: Any, code: str) -> None:
    with pytest.raises(InputError) as exc:
        canonical_json(value)
    assert exc.value.code == code


def test_deep_nesting_is_refused_cleanly() -> None:
    value: Any = []
    for _ in range(5000):
        value = [value]
    with pytest.raises(InputError) as exc:
        canonical_json(value)
    assert exc.value.code == "input.json-too-deep"


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b'{"a":1 }', "whitespace"),
        (b'{ "a":1}', "whitespace"),
        (b'{"a":1}\n', "trailing newline"),
        (b'{"b":1,"a":2}', "key order"),
        (b'{"a":"\\u0041"}', "needless escape"),
        (b'{"a":"\\/"}', "escaped slash"),
        (b'{"a":"\\u00e9"}', "escaped non-ASCII"),
        (b'{"a":"\\u001F"}', "upper-case hex escape"),
        (b'{"a":-0}', "negative zero"),
        (b'{"a":01}', "leading zero (not even JSON)"),
        ('{"a":1}'.encode("utf-16"), "UTF-16 instead of UTF-8"),
        (b'\xef\xbb\xbf{"a":1}', "UTF-8 byte order mark"),
    ],
)
def test_non_canonical_bytes_are_refused(data: bytes, why: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_canonical(data)
    assert exc.value.code in {"entry.not-canonical", "input.json-malformed", "input.not-utf8"}, why


def test_non_canonical_error_gives_the_offset() -> None:
    with pytest.raises(InputError) as exc:
        parse_canonical(b'{"a":1, "b":2}')
    assert exc.value.code == "entry.not-canonical"
    assert exc.value.details["offset"] == 7
    assert "RFC 8785" in exc.value.message_en and "kanonik" in exc.value.message_id


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'{"a":1,"a":1}', "input.json-duplicate-key"),
        (b'{"a":NaN}', "input.json-malformed"),
        (b'{"a":12.0}', "input.json-float"),
        (b'{"a":1e2}', "input.json-float"),
        (b'{"a":12.5}', "input.json-float"),
        (b'{"a":', "input.json-malformed"),
        (b'"\xc3\x28"', "input.not-utf8"),
        (b"[" * 100_000, "input.json-too-deep"),
    ],
)
def test_bad_json_is_refused_with_its_code(data: bytes, code: str) -> None:
    with pytest.raises(InputError) as exc:
        parse_canonical(data)
    assert exc.value.code == code


@settings(max_examples=300)
@given(st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
def test_arbitrary_bytes_never_escape_as_raw_errors(data: bytes) -> None:
    with contextlib.suppress(SaksiError):
        parse_canonical(data)


def test_first_difference() -> None:
    assert first_difference(b"abc", b"abd") == 2
    assert first_difference(b"ab", b"abc") == 2
    assert first_difference(b"", b"") == 0


@pytest.mark.parametrize("digits", [17, 40, 4_300, 4_301, 5_000, 50_000])
@pytest.mark.parametrize("sign", ["", "-"])
def test_integers_of_any_length_are_refused_with_their_code(digits: int, sign: str) -> None:
    number = sign + "9" * digits
    for data in (f"[{number}]", f'{{"a":{{"b":[1,{number}]}}}}'):
        with pytest.raises(InputError) as exc:
            loads(data)
        assert exc.value.code == "input.json-int-range"
        assert len(exc.value.message_en) < 200 and "2^53" in exc.value.message_id
        with pytest.raises(InputError) as exc:
            parse_canonical(data.encode())
        assert exc.value.code == "input.json-int-range"


def test_an_unprintable_integer_is_named_by_its_size() -> None:
    with pytest.raises(InputError) as exc:
        canonical_json({"a": 10**5000})
    assert exc.value.code == "input.json-int-range"
    assert "5,001 digits" in exc.value.message_en
