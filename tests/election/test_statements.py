"""Statement models: every type's fields, strictness, and the one JSON form."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import nacl.bindings
import pytest
from hypothesis import given, settings

from saksi.election.canonical import canonical_json
from saksi.election.contests import PPWP_2024
from saksi.election.keys import b64
from saksi.election.statements import (
    STATEMENT_TYPES,
    AnyStatement,
    CHasil,
    DHasil,
    KeyRegistration,
    Manifest,
    check_pairs,
    format_time,
    parse_statement,
    parse_time,
    statement_region,
)
from saksi.errors import ContestError, InputError, SaksiError, SchemaError, SignatureError
from tests.election import test_keys
from tests.election.factory import (
    ORIGIN,
    TPS_A,
    form,
    key,
    manifest,
    public,
    statements,
    totals,
)

SMALL_ORDER_KEY = "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # the identity point
SMALL_ORDER = [bytes.fromhex(point) for point in test_keys.SMALL_ORDER]
MIXED_ORDER = nacl.bindings.crypto_core_ed25519_add(key("x").public.raw, SMALL_ORDER[4])


def manifest_json(root_key: str) -> dict[str, Any]:
    """The test manifest with ``root_key`` as a second root key (Bawaslu's)."""
    data = manifest().wire()
    root = {"key": root_key, "role": "bawaslu", "scope": "0", "name": "Bawaslu"}
    data["root_keys"].insert(1, root)
    return data


def c_hasil_json(**changes: Any) -> dict[str, Any]:
    """A valid c-hasil statement as JSON, with top-level or ``form.`` fields changed."""
    data = CHasil(type="c-hasil", election=ORIGIN, at="2024-02-14T08:00:00Z", tps=TPS_A,
                  contest="ppwp", form=form()).wire()  # fmt: skip
    for name, value in changes.items():
        target = data["form"] if name.startswith("form.") else data
        target[name.removeprefix("form.")] = value
    return data


def key_json(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "key", "election": ORIGIN, "at": "2024-02-01T00:00:00Z", "key": public("x"),
        "role": "kpps", "scope": TPS_A, "not_before": "2024-02-01T00:00:00Z",
        "not_after": "2024-03-31T00:00:00Z",
    }  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def refused(data: dict[str, Any] | str) -> SchemaError:
    text = data if isinstance(data, str) else json.dumps(data)
    with pytest.raises(SchemaError) as exc:
        parse_statement(text)
    assert exc.value.code == "input.schema"
    return exc.value


def fields_of(err: SchemaError) -> set[str]:
    """The refused fields, without the leading type tag pydantic puts in the path."""
    out = set()
    for e in err.details["errors"]:
        tag, _, rest = e["field"].partition(".")
        out.add(rest if tag in STATEMENT_TYPES and rest else e["field"])
    return out


# -- round trips -------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(statements())
def test_any_statement_round_trips_through_its_json(stmt: AnyStatement) -> None:
    data = canonical_json(stmt.wire())
    again = parse_statement(data)
    assert again == stmt
    assert canonical_json(again.wire()) == data


@settings(max_examples=50, deadline=None)
@given(statements())
def test_wire_form_never_writes_null(stmt: AnyStatement) -> None:
    assert b"null" not in canonical_json(stmt.wire())


def test_every_type_is_in_the_union() -> None:
    assert set(STATEMENT_TYPES) == {
        "manifest", "key", "key-revoke", "c-hasil", "c-salinan", "correction", "d-hasil"
    }  # fmt: skip


def test_optional_fields_are_omitted_and_lists_written() -> None:
    stmt = parse_statement(json.dumps(key_json()))
    assert isinstance(stmt, KeyRegistration)
    assert "party" not in stmt.wire() and "label" not in stmt.wire()
    assert stmt.party is None and stmt.label is None
    assert c_hasil_json()["form"]["foto"] == []


# -- time ----------------------------------------------------------------------


def test_time_accessor_and_formatting() -> None:
    stmt = parse_statement(json.dumps(c_hasil_json()))
    assert stmt.at_time == datetime(2024, 2, 14, 8, 0, tzinfo=UTC)
    wib = timezone(timedelta(hours=7))
    assert format_time(datetime(2024, 2, 14, 15, 0, 0, 999_999, tzinfo=wib)) == (
        "2024-02-14T08:00:00Z"
    )
    assert parse_time("2024-02-29T23:59:59Z") == datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)
    with pytest.raises(InputError) as exc:
        format_time(datetime(2024, 2, 14))
    assert exc.value.code == "time.naive"


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-14T13:05:00",  # no zone
        "2024-02-14T13:05:00+07:00",  # offset instead of Z
        "2024-02-14T13:05:00z",  # lower-case z
        "2024-02-14 13:05:00Z",  # space
        "2024-02-14T13:05:00.5Z",  # fractions
        "2024-02-14T13:05Z",  # no seconds
        "2023-02-29T00:00:00Z",  # not a leap year
        "2024-02-14T24:00:00Z",
        "2024-02-14T23:59:60Z",  # leap second
        "2024-13-01T00:00:00Z",
        "2024-02-14T13:05:00Z\n",
        "١٢٣٤-02-14T13:05:00Z",  # non-ASCII digits
    ],
)
def test_malformed_times_are_refused(text: str) -> None:
    err = refused(c_hasil_json(at=text))
    assert fields_of(err) == {"at"}
    with pytest.raises(InputError) as exc:
        parse_time(text)
    assert exc.value.code == "time.malformed"


# -- counts and strictness --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (False, "int_type"),
        ("12", "int_type"),
        (12.0, "int_type"),
        (-1, "greater_than_equal"),
        (1000, "less_than_equal"),
        (None, "int_type"),
    ],
)
def test_bad_counts_are_refused(value: object, kind: str) -> None:
    err = refused(c_hasil_json(**{"form.suara_sah": value}))
    [error] = err.details["errors"]
    assert error["field"] == "c-hasil.form.suara_sah"  # the type tag, then the field
    assert error["type"] == kind


def test_bad_pair_votes_are_refused() -> None:
    err = refused(c_hasil_json(**{"form.suara_paslon": {"01": 1, "02": True, "03": 3}}))
    assert fields_of(err) == {"form.suara_paslon.02"}
    err = refused(c_hasil_json(**{"form.suara_paslon": {"1": 1, "02": 2, "03": 3}}))
    assert any(f.startswith("form.suara_paslon") for f in fields_of(err))


def test_unknown_fields_are_refused() -> None:
    assert fields_of(refused(c_hasil_json(extra=1))) == {"extra"}
    assert fields_of(refused(c_hasil_json(**{"form.suara_lain": 1}))) == {"form.suara_lain"}


def test_unknown_or_missing_type() -> None:
    data = c_hasil_json(type="c-hasil-dpr")
    assert refused(data).details["errors"][0]["type"] == "union_tag_invalid"
    data = c_hasil_json()
    del data["type"]
    assert refused(data).details["errors"][0]["type"] == "union_tag_not_found"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tps", "317301100600"),  # 12 digits
        ("tps", "3173011006001\n"),
        ("tps", 3173011006001),
        ("contest", "pilkada"),
        ("election", "pemilu 2024"),  # space
        ("election", "a+b"),
        ("election", ""),
    ],
)
def test_bad_top_level_fields(field: str, value: object) -> None:
    assert fields_of(refused(c_hasil_json(**{field: value}))) == {field}


def test_a_form_of_another_contest_is_read_as_a_legislative_statement() -> None:
    # format v2: contest "dpr" selects the legislative statement, whose fields differ
    fields = fields_of(refused(c_hasil_json(contest="dpr")))
    assert "c-hasil/dpr.district" in fields


def test_malformed_json_is_an_input_error() -> None:
    for text in ('{"type": "c-hasil",', '{"a": 1, "a": 2}', "[NaN]"):
        with pytest.raises(InputError) as exc:
            parse_statement(text)
        assert exc.value.code.startswith("input.json")


# -- key registrations -------------------------------------------------------------


def test_valid_registrations() -> None:
    for changes in (
        {"role": "saksi", "scope": "0", "party": "2"},
        {"role": "saksi", "scope": "317301", "party": "17"},
        {"role": "kpu-kab", "scope": "3173", "label": "Laptop KPU Jakarta Pusat"},
        {"role": "pengawas", "scope": TPS_A},
        {"role": "ppk", "scope": "317301"},
    ):
        assert isinstance(parse_statement(json.dumps(key_json(**changes))), KeyRegistration)


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"role": "kpps", "scope": "317301"}, "TPS"),
        ({"role": "ppk", "scope": TPS_A}, "kecamatan"),
        ({"role": "kpu-prov", "scope": "3173"}, "provinsi"),
        ({"role": "kpu-ri", "scope": "31"}, "nasional"),
        ({"role": "saksi", "scope": "317301"}, "party"),
        ({"role": "kpps", "party": "2"}, "party"),
        ({"not_after": "2024-02-01T00:00:00Z"}, "not_after"),
    ],
)
def test_inconsistent_registrations(changes: dict[str, Any], text: str) -> None:
    err = refused(key_json(**changes))
    assert text in err.message_en
    assert err.message_id != err.message_en  # bilingual, not a copy


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("role", "presiden"),
        ("party", "02"),  # leading zero: one spelling per party
        ("party", "0"),
        ("scope", "317"),
        ("key", "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp="),  # non-canonical base64
        ("label", ""),
        ("label", "HP KPPS\n1"),
        ("label", "x" * 101),
    ],
)
def test_bad_registration_fields(field: str, value: str) -> None:
    changes: dict[str, Any] = {field: value}
    if field == "party":
        changes["role"], changes["scope"] = "saksi", "0"
    assert fields_of(refused(key_json(**changes))) == {field}


@pytest.mark.parametrize("point", [*SMALL_ORDER, MIXED_ORDER], ids=lambda p: p.hex()[:8])
def test_a_key_that_is_not_a_usable_point_is_refused_with_its_own_code(point: bytes) -> None:
    for data, field in (
        (key_json(key=b64(point)), "key.key"),
        (manifest_json(root_key=b64(point)), "manifest.root_keys.1.key"),
    ):
        with pytest.raises(SignatureError) as exc:
            parse_statement(json.dumps(data))
        err = exc.value
        assert err.code == "key.invalid-point"
        assert err.details["field"] == field and err.details["key"] == b64(point)
        assert "small-order" in err.message_en and "orde kecil" in err.message_id


def test_a_bad_key_among_other_problems_is_listed_with_them() -> None:
    err = refused(key_json(key=SMALL_ORDER_KEY, label=""))
    assert fields_of(err) == {"key", "label"}
    assert any("small-order" in e["message_en"] for e in err.details["errors"])


# -- other types -------------------------------------------------------------------


def revoke_json(**changes: Any) -> dict[str, Any]:
    data = {
        "type": "key-revoke",
        "election": ORIGIN,
        "at": "2024-02-14T08:00:00Z",
        "key": public("x"),
        "reason": "perangkat hilang",
        "effective": "2024-02-14T07:00:00Z",
    }
    data.update(changes)  # fmt: skip
    return data


def test_revocation() -> None:
    assert parse_statement(json.dumps(revoke_json())).type == "key-revoke"
    assert "effective" in refused(revoke_json(effective="2024-02-15T00:00:00Z")).message_en
    assert fields_of(refused(revoke_json(reason=""))) == {"reason"}
    assert fields_of(refused(revoke_json(reason="x" * 1001))) == {"reason"}


def correction_json(**changes: Any) -> dict[str, Any]:
    data = c_hasil_json(
        type="correction",
        reason="salah baca",
        corrects={"index": 5, "leaf_hash": "ab" * 32},
        evidence=[],
    )
    data.update(changes)  # fmt: skip
    return data


def test_correction() -> None:
    assert parse_statement(json.dumps(correction_json())).type == "correction"
    for changes, field in (
        ({"reason": ""}, "reason"),
        ({"corrects": {"index": -1, "leaf_hash": "ab" * 32}}, "corrects.index"),
        ({"corrects": {"index": 1, "leaf_hash": "AB" * 32}}, "corrects.leaf_hash"),
        ({"corrects": {"index": 1}}, "corrects.leaf_hash"),
        ({"evidence": ["00"]}, "evidence.0"),
    ):
        assert fields_of(refused(correction_json(**changes))) == {field}
    data = correction_json()
    del data["reason"]
    assert fields_of(refused(data)) == {"reason"}
    beyond = correction_json(corrects={"index": 2**53, "leaf_hash": "ab" * 32})
    with pytest.raises(InputError) as exc:  # no JSON integer is exact beyond 2^53 - 1
        parse_statement(json.dumps(beyond))
    assert exc.value.code == "input.json-int-range"


def test_c_salinan_needs_a_party() -> None:
    data = c_hasil_json(type="c-salinan", party="2")
    assert parse_statement(json.dumps(data)).type == "c-salinan"
    del data["party"]
    assert fields_of(refused(data)) == {"party"}


def d_hasil_json(**changes: Any) -> dict[str, Any]:
    data = DHasil.model_validate({
        "type": "d-hasil", "election": ORIGIN, "at": "2024-02-20T00:00:00Z",
        "region": "317301", "level": "kecamatan", "contest": "ppwp", "totals": totals(),
    }).wire()  # fmt: skip
    data.update(changes)
    return data


def test_d_hasil() -> None:
    assert parse_statement(json.dumps(d_hasil_json())).type == "d-hasil"
    nation = d_hasil_json(region="0", level="nasional")
    nation["totals"]["suara_sah"] = 164_227_475
    assert parse_statement(json.dumps(nation)).type == "d-hasil"
    assert "kabkota" in refused(d_hasil_json(level="kabkota")).message_en
    big = d_hasil_json()
    big["totals"]["suara_sah"] = 1_000_000_000
    assert fields_of(refused(big)) == {"totals.suara_sah"}
    assert fields_of(refused(d_hasil_json(region="3173011006001", level="tps"))) == {"level"}


def test_manifest() -> None:
    m = manifest()
    assert m.contest("ppwp") == PPWP_2024 and m.contest("dpr") is None
    data = m.wire()
    assert parse_statement(json.dumps(data)) == m
    assert "kpu-ri" in refused({**data, "root_keys": data["root_keys"][1:2]}).message_en
    twice = {**data, "root_keys": [data["root_keys"][0]] * 2}
    assert "twice" in refused(twice).message_en
    assert "twice" in refused({**data, "contests": data["contests"] * 2}).message_en
    late = {**data, "polls_open": "2024-02-15T00:00:00Z"}
    assert "polls_close" in refused(late).message_en
    roots = [dict(r) for r in data["root_keys"]]
    roots[0]["scope"] = "31"  # kpu-ri must be national
    assert "nasional" in refused({**data, "root_keys": roots}).message_en
    roots = [dict(r) for r in data["root_keys"]]
    roots[1].pop("party")  # partai root without its party
    assert "party" in refused({**data, "root_keys": roots}).message_en
    roots = [dict(r) for r in data["root_keys"]]
    roots[0]["role"] = "kpps"  # not a root role
    assert fields_of(refused({**data, "root_keys": roots})) == {"root_keys.0.role"}
    assert fields_of(refused({**data, "regions_digest": "xyz"})) == {"regions_digest"}


def test_check_pairs() -> None:
    check_pairs(PPWP_2024, ["03", "01", "02"], "form")
    for pairs in (["01", "02"], ["01", "02", "03", "04"], ["01", "02", "04"]):
        with pytest.raises(ContestError) as exc:
            check_pairs(PPWP_2024, pairs, "c-hasil TPS x")
        assert exc.value.code == "contest.pairs-mismatch"
        assert "01, 02, 03" in exc.value.message_en and "c-hasil TPS x" in exc.value.message_id


def test_statement_region() -> None:
    assert statement_region(parse_statement(json.dumps(c_hasil_json()))) == TPS_A
    assert statement_region(parse_statement(json.dumps(d_hasil_json()))) == "317301"
    assert statement_region(parse_statement(json.dumps(key_json()))) == TPS_A
    assert statement_region(manifest()) == "0"


def test_models_are_frozen() -> None:
    stmt = parse_statement(json.dumps(c_hasil_json()))
    assert isinstance(stmt, CHasil) and not isinstance(stmt, Manifest)
    with pytest.raises(Exception, match="frozen"):
        stmt.tps = "3173011006002"  # type: ignore[misc]


@settings(max_examples=200)
@given(statements())
def test_parse_statement_only_raises_saksi_errors_on_mangled_input(stmt: AnyStatement) -> None:
    text = canonical_json(stmt.wire()).decode()
    for mangled in (text[: len(text) // 2], text.replace('"', "'", 1), text.replace(":", ":-", 3)):
        with contextlib.suppress(SaksiError):
            parse_statement(mangled)
