"""The signed entry envelope: bytes, signature, and every way an entry is refused."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.election.canonical import canonical_json, parse_canonical
from saksi.election.envelope import (
    SIGNATURE_DOMAIN,
    Envelope,
    parse_entry,
    sign_statement,
    signed_message,
)
from saksi.election.keys import SigningKey, b64, decode_signature
from saksi.election.photo_upload import photo_message, sign_photo
from saksi.election.statements import (
    AnyStatement,
    CHasil,
    KeyRegistration,
    Manifest,
    RootKey,
    parse_statement,
)
from saksi.errors import ElectionMismatch, InputError, SaksiError, SchemaError, SignatureError
from saksi.tlog.hashes import MAX_ENTRY_SIZE, leaf_hash
from tests.election.factory import ORIGIN, TPS_A, form, key, manifest, public, statements

KPPS = key("kpps-" + TPS_A)
DOC = Path(__file__).resolve().parents[2] / "docs" / "format.md"


def c_hasil(**changes: Any) -> CHasil:
    fields: dict[str, Any] = {
        "type": "c-hasil",
        "election": ORIGIN,
        "at": "2024-02-14T08:00:00Z",
        "tps": TPS_A,
        "contest": "ppwp",
        "form": form(),
    }
    fields.update(changes)  # fmt: skip
    return CHasil(**fields)


def entry(**changes: Any) -> bytes:
    return sign_statement(c_hasil(**changes), KPPS).to_bytes()


def resign(data: dict[str, Any], signer: SigningKey = KPPS) -> bytes:
    """Re-sign an edited envelope dict (so only the edit, not the signature, is wrong)."""
    stmt_bytes = canonical_json(data["stmt"])
    data = {**data, "key": signer.public.b64, "sig": b64(signer.sign(signed_message(stmt_bytes)))}
    return canonical_json(data)


def refusal(data: bytes, **kwargs: Any) -> SaksiError:
    with pytest.raises(SaksiError) as exc:
        parse_entry(data, **kwargs)
    return exc.value


# -- round trips -------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(stmt=statements(), seed=st.binary(min_size=32, max_size=32))
def test_sign_then_parse_round_trips(stmt: AnyStatement, seed: bytes) -> None:
    signer = SigningKey.from_seed(seed)
    env = sign_statement(stmt, signer)
    data = env.to_bytes()
    assert parse_canonical(data) == json.loads(data)  # the bytes are canonical JSON
    again = parse_entry(data, election=ORIGIN)
    assert again == env
    assert again.to_bytes() == data
    assert again.stmt_bytes == canonical_json(stmt.wire())
    assert again.leaf_hash == leaf_hash(data) == env.leaf_hash
    assert signer.public.verify(SIGNATURE_DOMAIN + again.stmt_bytes, decode_signature(again.sig))


def test_envelope_shape() -> None:
    env = sign_statement(c_hasil(), KPPS)
    data = env.to_bytes()
    assert data.startswith(b'{"key":"' + KPPS.public.b64.encode() + b'","sig":"')
    assert data.endswith(b'"type":"c-hasil"},"v":1}')
    obj = json.loads(data)
    assert sorted(obj) == ["key", "sig", "stmt", "v"]
    assert canonical_json(obj) == data
    assert env.verify() and env.signer == KPPS.public
    assert env.leaf_hash_hex == leaf_hash(data).hex()


def test_signing_is_deterministic() -> None:
    assert entry() == entry()


# -- signatures ----------------------------------------------------------------------


def test_signature_by_another_key_is_refused() -> None:
    data = json.loads(entry())
    data["key"] = public("somebody-else")  # claims another signer
    err = refusal(canonical_json(data))
    assert isinstance(err, SignatureError) and err.code == "statement.bad-signature"
    assert public("somebody-else") in err.message_en and "tanda tangan" in err.message_id


def test_signature_over_another_statement_is_refused() -> None:
    data = json.loads(entry())
    data["sig"] = json.loads(entry(at="2024-02-14T08:00:01Z"))["sig"]
    assert refusal(canonical_json(data)).code == "statement.bad-signature"


def test_signature_without_the_domain_string_is_refused() -> None:
    data = json.loads(entry())
    data["sig"] = b64(KPPS.sign(canonical_json(data["stmt"])))
    assert refusal(canonical_json(data)).code == "statement.bad-signature"


def test_small_order_signer_is_refused() -> None:
    data = json.loads(entry())
    data["key"] = "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    data["sig"] = b64(bytes(64))
    assert refusal(canonical_json(data)).code == "statement.bad-signature"


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_flipped_byte_is_refused(data: st.DataObject) -> None:
    good = entry()
    position = data.draw(st.integers(min_value=0, max_value=len(good) - 1))
    bit = data.draw(st.integers(min_value=0, max_value=7))
    bad = bytearray(good)
    bad[position] ^= 1 << bit
    with pytest.raises(SaksiError):
        parse_entry(bytes(bad))


# -- canonical form ------------------------------------------------------------------


@pytest.mark.parametrize(
    "mangle",
    [
        lambda d: json.dumps(json.loads(d)).encode(),  # spaces after separators
        lambda d: json.dumps(json.loads(d), indent=1).encode(),
        lambda d: d + b"\n",
        lambda d: json.dumps(dict(reversed(json.loads(d).items())), separators=(",", ":")).encode(),
        lambda d: d.replace(b'"ppwp"', b'"\\u0070pwp"'),
    ],
)
def test_non_canonical_entries_are_refused(mangle: Any) -> None:
    bad = mangle(entry())
    assert json.loads(bad) == json.loads(entry())  # same JSON value, other bytes
    err = refusal(bad)
    assert err.code == "entry.not-canonical"


def test_explicit_null_is_not_the_one_form() -> None:
    signer = key("kpu-kab-3173")
    reg = KeyRegistration(
        type="key",
        election=ORIGIN,
        at="2024-02-01T00:00:00Z",
        key=public("new"),
        role="kpps",
        scope=TPS_A,
        not_before="2024-02-01T00:00:00Z",
        not_after="2024-03-01T00:00:00Z",
    )
    data = json.loads(sign_statement(reg, signer).to_bytes())
    data["stmt"]["label"] = None  # fmt: skip
    err = refusal(resign(data, signer))
    assert err.code == "entry.not-canonical"
    assert err.details["field"] == "stmt.label" and "null" in err.message_en


def test_missing_empty_list_is_not_the_one_form() -> None:
    data = json.loads(entry())
    del data["stmt"]["form"]["foto"]
    err = refusal(resign(data))
    assert err.code == "entry.not-canonical"
    assert err.details["field"] == "stmt.form.foto"
    assert "present" in err.message_en and "wajib ada" in err.message_id


# -- schema ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [(False, "int_type"), ("12", "int_type"), (-1, "greater_than_equal"),
     (1000, "less_than_equal")],
)  # fmt: skip
def test_bad_counts_in_an_entry(value: object, kind: str) -> None:
    data = json.loads(entry())
    data["stmt"]["form"]["suara_sah"] = value
    err = refusal(resign(data))
    assert isinstance(err, SchemaError)
    [error] = err.details["errors"]
    assert error["field"] == "stmt.c-hasil.form.suara_sah" and error["type"] == kind


@pytest.mark.parametrize("number", [b"200.0", b"200.5", b"2e2"])
def test_fractional_counts_in_an_entry(number: bytes) -> None:
    bad = entry().replace(b'"suara_sah":200', b'"suara_sah":' + number)
    err = refusal(bad)
    assert err.code == "input.json-float"
    assert err.details["field"] == "stmt.form.suara_sah"


def test_unknown_fields_are_refused() -> None:
    data = json.loads(entry())
    data["stmt"]["form"]["catatan"] = "x"
    err = refusal(resign(data))
    assert isinstance(err, SchemaError)
    assert err.details["errors"][0]["field"] == "stmt.c-hasil.form.catatan"
    data = json.loads(entry())
    data["note"] = "x"
    assert isinstance(refusal(canonical_json(data)), SchemaError)


@pytest.mark.parametrize(
    "change",
    [{"v": 3}, {"v": True}, {"key": "abc"}, {"sig": "abc"}, {"stmt": []}, {"stmt": None}],
)
def test_bad_envelope_fields(change: dict[str, Any]) -> None:
    data = {**json.loads(entry()), **change}
    assert isinstance(refusal(canonical_json(data)), SchemaError)


@pytest.mark.parametrize("data", [b"[]", b'"entry"', b"{}", b"null", b"1"])
def test_not_an_envelope(data: bytes) -> None:
    assert isinstance(refusal(data), SchemaError)


@pytest.mark.parametrize(
    ("data", "code"),
    [(b'{"key":', "input.json-malformed"), (b"", "input.json-malformed"),
     (b'{"a":1,"a":2}', "input.json-duplicate-key")],
)  # fmt: skip
def test_malformed_json(data: bytes, code: str) -> None:
    assert refusal(data).code == code


def test_entry_must_be_bytes() -> None:
    with pytest.raises(InputError) as exc:
        parse_entry(entry().decode())  # type: ignore[arg-type]
    assert exc.value.code == "entry.not-bytes"


# -- size and election -------------------------------------------------------------------


def test_too_large_entries_are_refused() -> None:
    err = refusal(b" " * (MAX_ENTRY_SIZE + 1))
    assert err.code == "entry.too-large" and err.details["limit"] == 65_535
    roots = tuple(
        RootKey(key=SigningKey.from_seed(i.to_bytes(32, "big")).public.b64, role="partai",
                scope="0", name="Partai " + "x" * 150, party="9")
        for i in range(1, 300)
    )  # fmt: skip
    big = manifest().model_copy(update={"root_keys": manifest().root_keys + roots})
    big = Manifest.model_validate(big.model_dump())  # re-validated, still a valid manifest
    with pytest.raises(InputError) as exc:
        sign_statement(big, key("kpu-ri"))
    assert exc.value.code == "entry.too-large"


def test_largest_real_entries_fit() -> None:
    full = form(foto=tuple(f"{i:064x}" for i in range(16)))
    assert len(sign_statement(c_hasil(form=full), KPPS).to_bytes()) < 4_000


def test_statement_for_another_election_is_refused() -> None:
    data = entry(election="saksi.test/pilkada-2024")
    assert parse_entry(data).stmt.election == "saksi.test/pilkada-2024"
    with pytest.raises(ElectionMismatch) as exc:
        parse_entry(data, election=ORIGIN)
    assert exc.value.code == "statement.election-mismatch"
    assert "saksi.test/pilkada-2024" in exc.value.message_en and ORIGIN in exc.value.message_en
    assert "saksi.test/pilkada-2024" in exc.value.message_id and ORIGIN in exc.value.message_id


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_only_raise_saksi_errors(data: bytes) -> None:
    with pytest.raises(SaksiError):
        parse_entry(data)


# -- the worked example in docs/format.md ---------------------------------------------


def _doc_block(name: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- example:{name} -->\s*```[a-z]*\n(.*?)\n```", text, re.S)
    assert match, f"docs/format.md has no block marked example:{name}"
    return match.group(1)


def test_doc_example_verifies_and_matches() -> None:
    seed = bytes.fromhex(_doc_block("seed").strip())
    signer = SigningKey.from_seed(seed)
    stmt = parse_statement(_doc_block("statement"))
    env = sign_statement(stmt, signer)
    documented = _doc_block("entry").encode("utf-8")
    assert env.to_bytes() == documented
    parsed = parse_entry(documented, election=stmt.election)
    assert parsed.key == signer.public.b64 == _doc_block("public-key").strip()
    assert parsed.stmt_bytes.decode() == _doc_block("stmt-bytes")
    assert parsed.sig == _doc_block("signature").strip()
    assert parsed.leaf_hash_hex == _doc_block("leaf-hash").strip()
    assert len(documented) == int(_doc_block("entry-size").strip())
    assert f"(one line, {len(parsed.stmt_bytes)} bytes)" in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\n\n"])
def test_a_trailing_newline_is_named_as_such(newline: bytes) -> None:
    """What `>` and editors leave after the documented entry: the refusal says so."""
    documented = _doc_block("entry").encode("utf-8")
    err = refusal(documented + newline)
    assert err.code == "entry.not-canonical"
    assert err.details["offset"] == len(documented) == 983
    assert "trailing newline" in err.message_en and "at byte 983" in err.message_en
    assert "baris baru" in err.message_id and "byte ke-983" in err.message_id
    assert "first difference" not in err.message_en
    spaced = refusal(documented.replace(b'{"key"', b'{ "key"', 1))
    assert "first difference at byte 1" in spaced.message_en  # other differences as before


def test_doc_python_snippet_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stand-alone check in docs/format.md, run as written."""
    text = DOC.read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(import base64.*?)```", text, re.S)
    assert snippet, "docs/format.md lost its Python snippet"
    (tmp_path / "entry.json").write_bytes(_doc_block("entry").encode())
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet.group(1), "format.md", "exec"), {})
    assert capsys.readouterr().out.strip() == _doc_block("leaf-hash").strip()


def test_model_copy_recomputes_bytes() -> None:
    env = sign_statement(c_hasil(), KPPS)
    other = env.model_copy(update={"stmt": c_hasil(tps="3173011006002")})
    assert other.to_bytes() != env.to_bytes() and other.leaf_hash != env.leaf_hash
    assert b'"tps":"3173011006002"' in other.to_bytes() and not other.verify()
    assert env.model_copy().to_bytes() == env.to_bytes()


def test_envelope_model_is_frozen() -> None:
    env = sign_statement(c_hasil(), KPPS)
    with pytest.raises(Exception, match="frozen"):
        env.key = public("x")  # type: ignore[misc]
    assert isinstance(env, Envelope)


def test_the_signed_bytes_are_cut_from_the_entry_not_re_encoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """parse_entry takes JCS(stmt) straight out of the canonical entry (the fast path)."""
    import saksi.election.envelope as envelope_module

    stmt = CHasil(type="c-hasil", election=ORIGIN, at="2024-02-14T10:00:00Z", tps=TPS_A,
                  contest="ppwp", form=form())  # fmt: skip
    data = sign_statement(stmt, key("kpps")).to_bytes()

    def refuse(_: object) -> bytes:
        raise AssertionError("the statement was re-encoded instead of cut from the entry")

    envelope = envelope_module.parse_entry(data)
    monkeypatch.setattr(envelope_module, "canonical_json", refuse)
    fresh = envelope_module.Envelope.from_logged(data)
    cut = fresh.stmt_bytes
    assert fresh.shed_bytes().restore_bytes(data).stmt_bytes == cut
    monkeypatch.undo()
    assert cut == envelope.stmt_bytes == canonical_json(stmt.wire())
    assert fresh.entry_bytes is data
    with pytest.raises(ValueError, match="canonical layout"):
        envelope_module.Envelope.from_logged(data.replace(b',"v":1}', b',"v":1} '))


def test_doc_photo_upload_example_is_signed_identically() -> None:
    """docs/format.md, "Photo uploads": the message's bytes and the two headers."""
    signer = SigningKey.from_seed(bytes.fromhex(_doc_block("seed").strip()))
    sha = hashlib.sha256(b"test").hexdigest()
    election = "saksi.example/pemilu-2024"
    assert photo_message(election, sha).hex() == _doc_block("photo-message").strip()
    headers = sign_photo(signer, election, b"test").headers()
    assert "\n".join(f"{k}: {v}" for k, v in headers.items()) == _doc_block("photo-headers")
    assert len(photo_message(election, sha)) == 106
