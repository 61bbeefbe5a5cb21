"""C2SP signed notes and Go-compatible key strings (saksi.tlog.note)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.errors import NoteError, SaksiError
from saksi.tlog.note import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    MAX_SIGNATURES,
    NoteSignature,
    NoteSigner,
    NoteVerifier,
    add_signatures,
    format_vkey,
    generate_key,
    is_valid_name,
    key_id,
    open_note,
    parse_skey,
    parse_vkey,
    sign_note,
    split_note,
)
from tests.conftest import shared_path

PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_TEXT = (
    b"If you think cryptography is the answer to your problem,\n"
    b"then you don't know what your problem is.\n"
)
PETER_LINE = (
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdng"
    "otpRZb6KE6RyyBwJnAM=\n"
)

names = st.text(
    alphabet=st.characters(
        exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), exclude_characters="+"
    ),
    min_size=1,
    max_size=40,
)
texts = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n"),
    max_size=200,
).map(lambda s: (s + "\n").encode("utf-8"))


def code_of(call: object, *args: object) -> str:
    assert callable(call)
    with pytest.raises(NoteError) as caught:
        call(*args)
    return caught.value.code


@pytest.fixture(scope="module")
def vectors() -> str:
    return Path(shared_path("testvectors", "signed-note.txt")).read_text(encoding="utf-8")


def vector_value(vectors: str, label: str, occurrence: int = 0) -> str:
    found = re.findall(rf"^\s*{re.escape(label)}:?\s*(\S+)\s*$", vectors, re.MULTILINE)
    return str(found[occurrence])


# --- conformance -----------------------------------------------------------------------


@pytest.mark.shared
def test_vectors_file_holds_the_keys_this_test_pins(vectors: str) -> None:
    assert vector_value(vectors, "private") == PETER_SKEY
    assert vector_value(vectors, "verifier") == PETER_VKEY
    assert PETER_LINE.split(" ", 2)[2].strip() in vectors


def test_go_peter_neumann_signature_is_reproduced_byte_for_byte() -> None:
    signer = NoteSigner.from_skey(PETER_SKEY)
    assert signer.vkey == PETER_VKEY
    assert signer.key_id == 0xC74F20A3
    assert signer.sign(PETER_TEXT).to_line() == PETER_LINE
    assert sign_note(PETER_TEXT, signer) == PETER_TEXT + b"\n" + PETER_LINE.encode("utf-8")


def test_go_peter_neumann_note_verifies() -> None:
    note = open_note(PETER_TEXT + b"\n" + PETER_LINE.encode(), [NoteVerifier.from_vkey(PETER_VKEY)])
    assert note.text == PETER_TEXT
    assert [(s.name, s.key_id) for s in note.verified] == [("PeterNeumann", 0xC74F20A3)]
    assert note.unverified == ()


@pytest.mark.shared
def test_c2sp_example_note_verifies(vectors: str) -> None:
    vkey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
    sig = (
        "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72"
        "IneyaQM="
    )
    assert vkey in vectors and sig in vectors
    text = b"This is an example message.\n"
    data = text + b"\n" + f"— example.com/foo {sig}\n".encode()
    note = open_note(data, [NoteVerifier.from_vkey(vkey)])
    assert note.text == text and note.verified[0].name == "example.com/foo"
    tampered = data.replace(b"example message", b"example massage")
    assert code_of(open_note, tampered, [NoteVerifier.from_vkey(vkey)]) == "log.note-bad-signature"


@pytest.mark.shared
def test_sum_golang_org_verifier_key_parses(vectors: str) -> None:
    vkey = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
    assert vkey in vectors
    verifier = NoteVerifier.from_vkey(vkey)
    assert verifier.name == "sum.golang.org"
    assert verifier.key_id == 0x033DE0AE
    assert verifier.vkey == vkey


# --- key strings -----------------------------------------------------------------------


def test_generated_keys_round_trip_and_match_each_other() -> None:
    skey, vkey = generate_key("example.com/log")
    signer = NoteSigner.from_skey(skey)
    assert signer.skey == skey and signer.vkey == vkey
    assert NoteVerifier.from_vkey(vkey) == signer.verifier()
    assert skey.startswith("PRIVATE+KEY+example.com/log+")
    name, alg, key = parse_vkey(vkey)
    assert (name, alg) == ("example.com/log", ALG_ED25519)
    assert vkey.split("+")[1] == f"{key_id(name, alg, key):08x}"


@settings(max_examples=25, deadline=None)
@given(name=names, seed=st.binary(min_size=32, max_size=32))
def test_key_strings_round_trip(name: str, seed: bytes) -> None:
    signer = NoteSigner(name, seed)
    assert NoteSigner.from_skey(signer.skey).skey == signer.skey
    verifier = NoteVerifier.from_vkey(signer.vkey)
    assert verifier.vkey == signer.vkey
    assert verifier.key_id == signer.key_id
    expected = hashlib.sha256(name.encode() + b"\n\x01" + signer.public_key).digest()[:4]
    assert signer.key_id == int.from_bytes(expected, "big")


def test_key_id_is_go_s_hash_of_name_type_and_key() -> None:
    verifier = NoteVerifier.from_vkey(PETER_VKEY)
    raw = base64.b64decode(PETER_VKEY.split("+")[2])
    assert raw[0] == ALG_ED25519
    digest = hashlib.sha256(b"PeterNeumann\n" + raw).digest()
    assert verifier.key_id == int.from_bytes(digest[:4], "big")


def test_upper_case_key_id_is_accepted_as_go_does() -> None:
    upper = PETER_VKEY.replace("c74f20a3", "C74F20A3")
    assert NoteVerifier.from_vkey(upper).vkey == PETER_VKEY


def _vkey_with(
    name: str = "PeterNeumann", hex_id: str = "c74f20a3", raw: bytes | None = None
) -> str:
    raw = base64.b64decode(PETER_VKEY.split("+")[2]) if raw is None else raw
    return f"{name}+{hex_id}+{base64.b64encode(raw).decode()}"


PETER_RAW = base64.b64decode(PETER_VKEY.split("+")[2])
SMALL_ORDER = bytes([1]) + bytes(31)  # the identity point


@pytest.mark.parametrize(
    ("vkey", "code"),
    [
        ("", "log.key-malformed"),
        ("PeterNeumann", "log.key-malformed"),
        ("PeterNeumann+c74f20a3", "log.key-malformed"),
        (PETER_VKEY + "\n", "log.key-malformed"),
        (_vkey_with(name=""), "log.key-name-invalid"),
        (_vkey_with(name="Peter Neumann"), "log.key-name-invalid"),
        (_vkey_with(name="Peter\u3000Neumann"), "log.key-name-invalid"),
        (_vkey_with(name="Peter\x07"), "log.key-name-invalid"),
        (_vkey_with(hex_id="c74f20a"), "log.key-malformed"),
        (_vkey_with(hex_id="c74f20ag"), "log.key-malformed"),
        (_vkey_with(hex_id="+c74f20a"), "log.key-malformed"),
        (PETER_VKEY.replace("/", "_"), "log.key-malformed"),  # URL-safe alphabet
        (PETER_VKEY.replace("ARpc", "ARpc\n"), "log.key-malformed"),
        (PETER_VKEY.rstrip("W") + "=", "log.key-malformed"),
        (_vkey_with(raw=b""), "log.key-malformed"),
        (_vkey_with(raw=PETER_RAW[:-1]), "log.key-malformed"),
        (_vkey_with(raw=PETER_RAW + b"\x00"), "log.key-malformed"),
        (_vkey_with(raw=bytes([ALG_COSIGNATURE_V1]) + PETER_RAW[1:]), "log.key-unknown-type"),
        (_vkey_with(raw=bytes([0x06]) + bytes(1312)), "log.key-unknown-type"),
        (_vkey_with(hex_id="c74f20a4"), "log.key-id-mismatch"),
        (format_vkey("x", ALG_ED25519, SMALL_ORDER[1:] + b"\x00"), "log.key-invalid-point"),
        (format_vkey("x", ALG_ED25519, SMALL_ORDER), "log.key-invalid-point"),
    ],
)
def test_malformed_verifier_keys_get_their_own_code(vkey: str, code: str) -> None:
    assert code_of(NoteVerifier.from_vkey, vkey) == code


@pytest.mark.parametrize(
    ("skey", "code"),
    [
        (PETER_VKEY, "log.key-malformed"),
        ("PRIVATE+KEY+PeterNeumann+c74f20a3", "log.key-malformed"),
        ("private+key" + PETER_SKEY[11:], "log.key-malformed"),
        (PETER_SKEY.replace("c74f20a3", "c74f20a4"), "log.key-id-mismatch"),
        (PETER_SKEY.replace("PeterNeumann", "Peter+Neumann"), "log.key-malformed"),
        (PETER_SKEY.replace("PeterNeumann", "PaulNeumann"), "log.key-id-mismatch"),
        (PETER_SKEY[:-4], "log.key-malformed"),
        (PETER_SKEY.replace("+AYEK", "+BYEK"), "log.key-unknown-type"),
    ],
)
def test_malformed_signer_keys_get_their_own_code_and_never_echo_the_secret(
    skey: str, code: str
) -> None:
    with pytest.raises(NoteError) as caught:
        NoteSigner.from_skey(skey)
    assert caught.value.code == code
    secret = PETER_SKEY.rsplit("+", 1)[1]
    shown = caught.value.diagnostics() + str(caught.value.to_dict())
    assert secret[:12] not in shown


def test_signer_repr_never_shows_the_seed() -> None:
    signer = NoteSigner.from_skey(PETER_SKEY)
    assert "AYEKFALV" not in repr(signer)
    assert PETER_VKEY in repr(signer)


def test_parse_skey_checks_the_key_id_against_the_derived_public_key() -> None:
    name, alg, seed = parse_skey(PETER_SKEY)
    assert (name, alg, len(seed)) == ("PeterNeumann", ALG_ED25519, 32)


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("example.com/log", True),
        ("ünïcode/ログ", True),
        ("", False),
        ("a b", False),
        ("a+b", False),
        ("a\u00a0b", False),
        ("a\u2028b", False),
        ("a\tb", False),
        ("a\x1fb", False),
        ("\ud800", False),
    ],
)
def test_key_name_rules(name: str, valid: bool) -> None:
    assert is_valid_name(name) is valid


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=120))
def test_any_text_as_a_key_string_is_a_key_or_a_note_error(text: str) -> None:
    for parse in (NoteVerifier.from_vkey, NoteSigner.from_skey):
        with contextlib.suppress(NoteError):
            parse(text)


# --- notes -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def peter() -> NoteSigner:
    return NoteSigner.from_skey(PETER_SKEY)


@pytest.fixture(scope="module")
def other() -> NoteSigner:
    return NoteSigner("EnochRoot", bytes(range(32)))


def test_unknown_signatures_are_kept_unverified(peter: NoteSigner, other: NoteSigner) -> None:
    data = sign_note(PETER_TEXT, other, peter)
    note = open_note(data, [peter.verifier()])
    assert [s.name for s in note.verified] == ["PeterNeumann"]
    assert [s.name for s in note.unverified] == ["EnochRoot"]
    assert note.signed_by("PeterNeumann", peter.key_id)
    assert not note.signed_by("EnochRoot", other.key_id)
    both = open_note(data, [peter.verifier(), other.verifier()])
    assert {s.name for s in both.verified} == {"PeterNeumann", "EnochRoot"}


def test_a_signature_by_a_known_key_that_fails_refuses_the_note(
    peter: NoteSigner, other: NoteSigner
) -> None:
    forged = NoteSignature(peter.name, peter.key_id, other.sign(PETER_TEXT).signature)
    data = (
        PETER_TEXT + b"\n" + other.sign(PETER_TEXT).to_line().encode() + forged.to_line().encode()
    )
    assert (
        code_of(open_note, data, [peter.verifier(), other.verifier()]) == "log.note-bad-signature"
    )


def test_a_note_no_known_key_signed_is_refused(peter: NoteSigner, other: NoteSigner) -> None:
    data = sign_note(PETER_TEXT, other)
    assert code_of(open_note, data, [peter.verifier()]) == "log.note-no-known-signature"
    assert code_of(open_note, data, []) == "log.note-no-known-signature"


def test_same_name_other_key_id_is_an_unknown_key(peter: NoteSigner) -> None:
    impostor = NoteSigner(peter.name, bytes(32))
    data = sign_note(PETER_TEXT, impostor, peter)
    note = open_note(data, [peter.verifier()])
    assert [s.key_id for s in note.unverified] == [impostor.key_id]


def test_repeated_lines_are_dropped_as_go_does(peter: NoteSigner, other: NoteSigner) -> None:
    line_p = peter.sign(PETER_TEXT).to_line().encode()
    line_o = other.sign(PETER_TEXT).to_line().encode()
    data = PETER_TEXT + b"\n" + line_p + line_o + line_p + line_o
    note = open_note(data, [peter.verifier()])
    assert len(note.verified) == 1 and len(note.unverified) == 1


def test_two_different_verifiers_for_one_name_and_id_are_refused(peter: NoteSigner) -> None:
    class Fake:
        name = peter.name
        key_id = peter.key_id

        def verify(self, text: bytes, signature: bytes) -> bool:
            return True

    data = sign_note(PETER_TEXT, peter)
    assert code_of(open_note, data, [peter.verifier(), Fake()]) == "log.note-ambiguous-key"
    assert open_note(data, [peter.verifier(), peter.verifier()]).verified


def test_text_may_hold_blank_lines_and_dash_lines(peter: NoteSigner) -> None:
    text = b"a\n\n\xe2\x80\x94 b c\n\n"
    note = open_note(sign_note(text, peter), [peter.verifier()])
    assert note.text == text


def test_add_signatures_replaces_the_same_key_and_keeps_others(
    peter: NoteSigner, other: NoteSigner
) -> None:
    data = sign_note(PETER_TEXT, peter, other)
    again = add_signatures(data, [peter.sign(PETER_TEXT)])
    text, sigs = split_note(again)
    assert text == PETER_TEXT
    assert [s.name for s in sigs] == ["EnochRoot", "PeterNeumann"]


@settings(max_examples=40, deadline=None)
@given(text=texts)
def test_sign_then_open_round_trips(text: bytes) -> None:
    signer = NoteSigner("example.com/prop", bytes(32))
    data = sign_note(text, signer)
    note = open_note(data, [signer.verifier()])
    assert note.text == text
    assert split_note(data) == (text, note.verified)


@settings(max_examples=60, deadline=None)
@given(name=names, kid=st.integers(0, 2**32 - 1), sig=st.binary(min_size=1, max_size=100))
def test_signature_lines_round_trip(name: str, kid: int, sig: bytes) -> None:
    signature = NoteSignature(name, kid, sig)
    assert NoteSignature.from_line(signature.to_line()) == signature


LINE = PETER_LINE.encode()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (PETER_TEXT + b"\n" + LINE[:-1], "log.note-text-malformed"),
        (PETER_TEXT + LINE, "log.note-malformed"),
        (PETER_TEXT + b"\n", "log.note-malformed"),
        (PETER_TEXT + b"\n\xff" + LINE, "log.note-not-utf8"),
        (b"\xc3\x28\n\n" + LINE, "log.note-not-utf8"),
        (PETER_TEXT.replace(b",", b"\r") + b"\n" + LINE, "log.note-control-character"),
        (PETER_TEXT.replace(b",", b"\x00") + b"\n" + LINE, "log.note-control-character"),
        (PETER_TEXT + b"\n" + LINE[4:], "log.note-signature-malformed"),
        (PETER_TEXT + b"\n- " + LINE[4:], "log.note-signature-malformed"),
        (PETER_TEXT + b"\n" + LINE.replace(b"PeterNeumann", b""), "log.note-signature-malformed"),
        (PETER_TEXT + b"\n" + LINE.replace(b"JnAM=", b"JnAN="), "log.note-signature-malformed"),
        (PETER_TEXT + b"\n" + LINE.replace(b"=\n", b"\n"), "log.note-signature-malformed"),
        (
            PETER_TEXT + b"\n" + LINE.replace(b"Neumann ", b"Neumann  "),
            "log.note-signature-malformed",
        ),
        (PETER_TEXT + b"\n\xe2\x80\x94 PeterNeumann AAAAAA==\n", "log.note-signature-malformed"),
        (PETER_TEXT + b"\n\xe2\x80\x94 PeterNeumann\n", "log.note-signature-malformed"),
        (PETER_TEXT + b"\n" + LINE * (MAX_SIGNATURES + 1), "log.note-too-many-signatures"),
    ],
)
def test_malformed_notes_get_their_own_code(data: bytes, code: str) -> None:
    assert code_of(open_note, data, [NoteVerifier.from_vkey(PETER_VKEY)]) == code


def test_up_to_the_signature_limit_is_accepted(peter: NoteSigner) -> None:
    data = PETER_TEXT + b"\n" + LINE * MAX_SIGNATURES
    assert len(open_note(data, [peter.verifier()]).verified) == 1


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (b"no final newline", "log.note-text-malformed"),
        (b"", "log.note-text-malformed"),
        (b"\xff\n", "log.note-not-utf8"),
        (b"tab\there\n", "log.note-control-character"),
    ],
)
def test_sign_note_refuses_what_could_not_be_opened(
    peter: NoteSigner, text: bytes, code: str
) -> None:
    assert code_of(sign_note, text, peter) == code


def test_sign_note_needs_a_signer() -> None:
    assert code_of(sign_note, b"x\n") == "log.note-no-signer"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("", 1, b"x"), "log.note-signer-name-invalid"),
        (("a b", 1, b"x"), "log.note-signer-name-invalid"),
        (("a", -1, b"x"), "log.note-signature-malformed"),
        (("a", 2**32, b"x"), "log.note-signature-malformed"),
        (("a", 1, b""), "log.note-signature-malformed"),
    ],
)
def test_note_signature_values_are_checked(args: tuple[str, int, bytes], code: str) -> None:
    assert code_of(NoteSignature, *args) == code


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300))
def test_random_bytes_into_the_note_parser_give_only_saksi_errors(data: bytes) -> None:
    with contextlib.suppress(SaksiError):
        open_note(data, [NoteVerifier.from_vkey(PETER_VKEY)])


@settings(max_examples=300, deadline=None)
@given(
    data=st.builds(
        lambda head, tail: head + b"\n\n" + tail,
        st.binary(max_size=60),
        st.lists(
            st.sampled_from([b"\xe2\x80\x94 ", b"PeterNeumann", b" ", b"x08go/", b"==", b"\n"]),
            max_size=12,
        ).map(b"".join),
    )
)
def test_near_notes_give_only_saksi_errors(data: bytes) -> None:
    with contextlib.suppress(SaksiError):
        split_note(data)


@settings(max_examples=200, deadline=None)
@given(position=st.integers(0, len(PETER_TEXT) + 1 + len(LINE) - 1), value=st.integers(0, 255))
def test_any_changed_byte_of_a_signed_note_is_refused(position: int, value: int) -> None:
    data = bytearray(PETER_TEXT + b"\n" + LINE)
    if data[position] == value:
        return
    data[position] = value
    with pytest.raises(SaksiError):
        open_note(bytes(data), [NoteVerifier.from_vkey(PETER_VKEY)])
