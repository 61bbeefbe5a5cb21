"""The verifier's fast paths give the answers of the ways they replace.

Each shortcut of :mod:`saksi.verify` taken for speed (docs/verify.md, "Cost") is held
here to the plain reading it stands for: the same answer on what it accepts, and what
it does not accept handed to the plain reading, so that every refusal keeps its code
and its words.
"""

from __future__ import annotations

import copy
import json
from base64 import b64encode
from functools import cache
from typing import Any

import nacl.signing
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saksi.election.contests import ContestKind
from saksi.verify import entries, form_read, schema_v2
from saksi.verify.entries import DOMAINS, check_entry
from saksi.verify.form_read import ballot_values, read_form
from saksi.verify.jcs import Refusal, canonical, members_in_order, parse_canonical, read_plain
from saksi.verify.schema import Check
from saksi.verify.text import _MAYBE, may_hold_problem
from tests.election.legislative_factory import LegislativeElection

BYTES = st.lists(
    st.sampled_from([b"a", b"0", b'"', b" ", b"\\", b"n", b"u", b"x", b"\x7f", b"\x80", b"\xff"]),
    max_size=12,
).map(b"".join)


@given(BYTES)
def test_may_hold_problem_is_the_regular_expressions_answer(data: bytes) -> None:
    assert may_hold_problem(data) == (_MAYBE.search(data) is not None)


def test_may_hold_problem_on_each_kind_of_hint() -> None:
    plain = b'{"reason":"a b","type":"x"}'
    assert not may_hold_problem(plain)
    for hint in (b"\x7f", b"\xc3\xa9", b"\\n", b"\\u0000", b'" x', b'x "'):
        assert may_hold_problem(plain + hint), hint


# -- a legislative form's schema and values in one walk (saksi/verify/form_read.py) ----

SIGNER = nacl.signing.SigningKey(bytes(range(32)))
VALUES: tuple[Any, ...] = (-1, 0, 7, 999, 1000, "1", True, None, [], {}, {"1": 1})
NAMES = (
    "x",
    "0",
    "01",
    "1",
    "2",
    "12",
    "99",
    "100",
    "999",
    "1000",
    "suara_calon",
    "partai",
    "foto",
)


@cache
def _bases() -> tuple[dict[str, Any], ...]:
    """A legislative statement of each kind of form and statement, as JSON."""
    world = LegislativeElection.build()
    tps = world.tps_in("32")
    first = world.c_hasil(tps, ContestKind.DPR)
    envelopes = [
        first,
        world.c_hasil(tps, ContestKind.DPD),
        world.c_hasil(tps, ContestKind.DPRD_PROV, world.form(tps, ContestKind.DPRD_PROV, 3)),
        world.c_hasil(tps, ContestKind.DPRD_KABKOTA),
        world.c_salinan(tps, ContestKind.DPR, f"saksi-2-{tps}", party="2"),
        world.correction(tps, ContestKind.DPR, first, 7),
    ]
    return tuple(json.loads(env.to_bytes())["stmt"] for env in envelopes)


def _signed(stmt: Any) -> bytes:
    """``stmt`` as a version 2 entry, canonical, signed by :data:`SIGNER`."""
    stmt_bytes = canonical(stmt)
    sig = SIGNER.sign(DOMAINS[2] + stmt_bytes).signature
    key = bytes(SIGNER.verify_key)
    return canonical(
        {"key": b64encode(key).decode(), "sig": b64encode(sig).decode(), "stmt": stmt, "v": 2}
    )


def _places(value: Any) -> list[tuple[Any, Any]]:
    """Every (object or list, member name or index) within ``value``, ``value``'s own
    members included."""
    found: list[tuple[Any, Any]] = []
    items = (
        value.items() if type(value) is dict else enumerate(value) if type(value) is list else ()
    )
    for name, item in items:
        found.append((value, name))
        found.extend(_places(item))
    return found


def _mutate(stmt: dict[str, Any], data: st.DataObject) -> None:
    """One change somewhere in the statement's form, or its contest."""
    places = [*([(stmt, "contest")] if "contest" in stmt else []), *_places(stmt["form"])]
    holder, name = data.draw(st.sampled_from(places))
    action = data.draw(st.sampled_from(("set", "delete", "add", "rename")))
    if type(holder) is list:
        if action == "delete":
            del holder[name]
        else:
            holder.append(data.draw(st.sampled_from(("0" * 64, "A" * 64, 1))))
    elif action == "set":
        holder[name] = copy.deepcopy(data.draw(st.sampled_from((*VALUES, "dpd", "dpr"))))
    elif action == "delete":
        del holder[name]
    else:
        new = data.draw(st.sampled_from(NAMES))
        drawn = copy.deepcopy(data.draw(st.sampled_from(VALUES)))  # VALUES stay as they are
        holder[new] = holder.pop(name) if action == "rename" else drawn


def _plain(monkeypatch: pytest.MonkeyPatch, data: bytes) -> Any:
    """check_entry with the fast paths turned off: the canonical form written again and
    compared, the schema's walk, then the plain reading of the values."""
    with monkeypatch.context() as m:
        m.setattr(schema_v2, "read_form", lambda form, contest: None)
        m.setattr(entries, "read_plain", lambda data: None)
        return check_entry(data)


def test_the_forms_are_read_in_one_walk_as_the_plain_reading_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for stmt in _bases():
        read = read_form(stmt["form"], stmt["contest"])
        assert read is not None
        assert (read.ballot, read.values) == ballot_values(stmt["form"])
        assert read.members == members_in_order(stmt["form"])
        data = _signed(stmt)
        fast = check_entry(data)
        assert fast[0] is not None and fast == _plain(monkeypatch, data)


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 5), st.integers(1, 3), st.data())
def test_a_changed_form_is_refused_or_read_alike_by_both_walks(
    monkeypatch: pytest.MonkeyPatch, which: int, changes: int, data: st.DataObject
) -> None:
    stmt = copy.deepcopy(_bases()[which])
    for _ in range(changes):
        _mutate(stmt, data)
    entry = _signed(stmt)
    assert check_entry(entry) == _plain(monkeypatch, entry)
    form: Any = stmt["form"]
    contest = stmt.get("contest")
    read = read_form(form, contest)
    in_order = read_form(json.loads(canonical(form)), contest)  # each object's names sorted
    walked = Check()
    with monkeypatch.context() as m:
        m.setattr(schema_v2, "read_form", lambda form, contest: None)
        schema_v2._form(walked, form, "stmt.form", contest)
    fine = not walked.problems and not walked.one_form
    assert (in_order is not None) == fine
    if read is not None:
        assert fine and read == in_order
        assert (read.ballot, read.values) == ballot_values(form)
        assert read.members == members_in_order(form)


@pytest.mark.parametrize(
    ("change", "code", "where"),
    [
        (lambda f: f["partai"]["1"].update(suara_partai=1000), "input.schema", "suara_partai"),
        (lambda f: f["partai"].update({"01": f["partai"].pop("1")}), "input.schema", "partai.01"),
        (lambda f: f["partai"]["1"]["suara_caleg"].update({"0": 1}), "input.schema", "caleg.0"),
        (lambda f: f["partai"]["1"].update(suara_sah_partai=True), "input.schema", "sah_partai"),
        (lambda f: f.update(suara_sah="9"), "input.schema", "suara_sah"),
        (lambda f: f.update(suara_calon={"1": 1}), "input.schema", "contest dpr"),
        (lambda f: f.pop("foto"), "entry.not-canonical", "foto"),
    ],
)
def test_a_schema_breaking_legislative_form_is_refused_with_its_code(
    change: Any, code: str, where: str
) -> None:
    stmt = copy.deepcopy(_bases()[0])
    change(stmt["form"])
    refused = check_entry(_signed(stmt))
    assert refused[0] is None and refused[1] == code and where in refused[2]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        (b'"suara_partai":', b'"suara_partai": ', "entry.not-canonical"),
        (b'"suara_sah":', b'"suara\\u005fsah":', "entry.not-canonical"),
        (b'"partai":{"1":', b'"partai":{"1":{},"1":', "input.json-duplicate-key"),
        (b'"suara_total":', b'"suara_total":1.0,"x":', "input.json-float"),
    ],
)
def test_a_non_canonical_legislative_entry_is_refused(old: bytes, new: bytes, code: str) -> None:
    entry = _signed(copy.deepcopy(_bases()[0]))
    changed = entry.replace(old, new, 1)
    assert changed != entry
    refused = check_entry(changed)
    assert refused[0] is None and refused[1] == code


def test_the_shapes_kept_are_bounded_and_still_read_right(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(form_read, "KEPT", 8)
    monkeypatch.setattr(form_read, "_CANDIDATES", {})
    monkeypatch.setattr(form_read, "_PARTIES", {})
    for n in range(2, 40):
        votes = {str(k): k for k in sorted(range(1, n), key=str)}
        numbers, get = form_read.candidates(votes) or ((), None)
        assert numbers == tuple(range(1, n)) and get is not None
        assert get(votes) == numbers
        partai = dict.fromkeys(sorted(map(str, range(1, n))))
        assert form_read.parties(partai) == tuple(map(str, range(1, n)))
        assert len(form_read._CANDIDATES) <= 8 and len(form_read._PARTIES) <= 8
    assert form_read.candidates({"1": 0, "1000": 0}) is None
    assert form_read.parties({"1": 0, "100": 0}) is None
    assert form_read.parties({}) is None
    assert form_read.parties({"2": 0, "1": 0}) is None  # out of order: the plain walk's
    assert form_read.candidates({"2": 0, "10": 0}) is None


# -- the canonical form proven without writing it again (saksi/verify/jcs.py) -----------

PLAIN_TEXT = st.text(alphabet="ab0-:", max_size=3)
TEXT = st.one_of(
    PLAIN_TEXT,
    PLAIN_TEXT,
    PLAIN_TEXT,
    st.text(alphabet=' "\\\x01\x7f\u00e9,[{', min_size=1, max_size=3),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-1, 1) | st.integers(-(2**60), 2**60) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=12,
)
SPELLINGS = (
    lambda v: json.dumps(v, separators=(",", ":"), sort_keys=True, ensure_ascii=False),
    lambda v: json.dumps(v, separators=(",", ":"), sort_keys=True),
    lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False),
    lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False),
    lambda v: json.dumps(v, separators=(",", ":"), sort_keys=True).replace(":0", ":-0"),
    lambda v: json.dumps(v, separators=(",", ":"), sort_keys=True).replace("[0", "[-0"),
    lambda v: json.dumps(v, separators=(",", ":"), sort_keys=True).replace('{"', '{"":0,"', 1),
    lambda v: json.dumps(v, separators=(",", ":"), sort_keys=True).replace("}", ',"":1}', 1),
    lambda v: json.dumps(v, separators=(",", ":"), sort_keys=True).replace(",", ",,", 1),
    lambda v: json.dumps(v, separators=(",", ":"), sort_keys=True).replace("1", "1.0", 1),
)


@settings(max_examples=600)
@given(st.dictionaries(TEXT, JSON, max_size=4), st.sampled_from(SPELLINGS))
def test_a_plain_entry_is_proven_canonical_exactly_when_it_is(value: Any, spell: Any) -> None:
    data = spell(value).encode("utf-8", "surrogatepass")
    try:
        strict: Any = parse_canonical(data)
    except Refusal:
        strict = None
    plain = read_plain(data)
    if plain is None:
        return
    found, members = plain
    proven = members_in_order(found) == members
    if proven:
        assert strict is not None and found == strict and canonical(found) == data
    elif strict is not None:  # canonical, not proven: only with a string led by a colon
        assert any(text.startswith(":") for text in _strings(strict))


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":-0}',
        b'{"a":[-0]}',
        b'{"a":[1,-0]}',
        b'{"a":1,"a":1}',
        b'{"a":{"b":1,"b":2}}',
        b'{"b":1,"a":1}',
        b'{"a":{"c":1,"b":1}}',
        b'{"a":[{"c":1,"b":1}]}',
        b'{"a":"\\u0041"}',
        b'{"a":"\\/"}',
        b'{"a": 1}',
        b'{"a":1}\n',
        b'{"a":"\\u00e9"}',
        b'{"a":1.0}',
        b'{"a":12345678901234567}',
    ],
)
def test_a_plain_looking_text_that_is_not_canonical_is_not_proven(data: bytes) -> None:
    with pytest.raises(Refusal):
        parse_canonical(data)
    plain = read_plain(data)
    assert plain is None or members_in_order(plain[0]) != plain[1]


def _strings(value: Any) -> list[str]:
    """Every string of a JSON value, names included."""
    if type(value) is str:
        return [value]
    if type(value) is list:
        return [s for item in value for s in _strings(item)]
    if type(value) is dict:
        return [*value, *(s for item in value.values() for s in _strings(item))]
    return []


def test_plain_entries_are_the_common_case() -> None:
    for stmt in _bases():
        data = _signed(stmt)
        plain = read_plain(data)
        if stmt["type"] == "correction":  # its reason has spaces: written again, compared
            assert plain is None
        else:
            assert plain is not None and members_in_order(plain[0]) == plain[1]
        assert check_entry(data)[0] is not None
