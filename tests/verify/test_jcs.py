"""The verifier's strict JSON: the fast reading of a canonical entry gives exactly what
the strict parse and the canonical check give, value or refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.verify.jcs import Refusal, canonical, parse, parse_canonical, require_canonical


def _strict(data: bytes) -> tuple[str, Any]:
    try:
        value = parse(data)
        require_canonical(data, value)
    except Refusal as exc:
        return "refused", exc.code
    return "value", value


def _fast(data: bytes) -> tuple[str, Any]:
    try:
        return "value", parse_canonical(data)
    except Refusal as exc:
        return "refused", exc.code


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'{"a":1,"a":2}', "input.json-duplicate-key"),
        (b'{"a":{"b":1,"b":1}}', "input.json-duplicate-key"),
        (b'{"a":1.5}', "input.json-float"),
        (b'{"a":1e5}', "input.json-float"),
        (b'{"a":NaN}', "input.json-malformed"),
        (b'{"a":-Infinity}', "input.json-malformed"),
        (b'{"a":9007199254740992}', "input.json-int-range"),
        (b'{"a":-9999999999999999}', "input.json-int-range"),
        (b'{"a":123456789012345678901234567890}', "input.json-int-range"),
        (b'{"a":-0}', "entry.not-canonical"),
        (b'{"b":1,"a":2}', "entry.not-canonical"),
        (b' {"a":1}', "entry.not-canonical"),
        (b'{"a":"\\u0041"}', "entry.not-canonical"),
        (b'{"a":"\\ud800"}', "input.json-not-unicode"),
        (b"\xff", "input.not-utf8"),
        (b'{"a":', "input.json-malformed"),
        (b"[" * 100_000, "input.json-too-deep"),
    ],
)
def test_a_refused_entry_is_refused_with_the_strict_parse_s_code(data: bytes, code: str) -> None:
    assert _strict(data) == ("refused", code)
    assert _fast(data) == ("refused", code)


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":9007199254740991,"b":-9007199254740991}',
        b'{"h":"1234567890123456789012345678901234567890123456789012345678901234"}',
        b'{"\xf0\x9f\x98\x80":1,"\xef\xbc\xa1":2}',  # UTF-16 order, not code points
        b"[1,2,[],{}]",
    ],
)
def test_a_canonical_entry_reads_as_its_strict_value(data: bytes) -> None:
    assert _fast(data) == _strict(data)
    assert _fast(data)[0] == "value"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_JSON, st.sampled_from(["canonical", "python", "duplicated"]))
def test_the_fast_reading_agrees_with_the_strict_one(value: Any, how: str) -> None:
    try:
        if how == "canonical":
            data = canonical(value)
        elif how == "python":
            data = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
        else:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            data = text.replace('{"', '{"x":0,"x":0,"', 1).encode("utf-8", "surrogatepass")
    except Refusal:
        return
    assert _fast(data) == _strict(data)
