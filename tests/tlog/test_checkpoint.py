"""C2SP tlog-checkpoint, cosignature/v1 and witness quorums (saksi.tlog.checkpoint)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.errors import CheckpointError, NoteError, SaksiError
from saksi.tlog.checkpoint import (
    MAX_TREE_SIZE,
    Checkpoint,
    Cosignature,
    CosignatureSigner,
    CosignatureVerifier,
    SignedCheckpoint,
    WitnessQuorum,
    add_cosignature,
    cosignature_message,
    count_cosignatures,
    open_checkpoint,
    sign_checkpoint,
)
from saksi.tlog.note import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    NoteSignature,
    NoteSigner,
    NoteVerifier,
    add_signatures,
    format_vkey,
    generate_key,
    parse_vkey,
    sign_note,
)
from tests.conftest import shared_path

TESSERA_SKEY = (
    "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg"
)
TESSERA_VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"

ANDROID_BODY = (
    b"developers.google.com/android/binary_transparency/0\n"
    b"611\n"
    b"2GZ1zmS5VkfUZmn2ZyR4KZXwHLD+xnwBIWzql/cD50w=\n"
)
ARMORED_WITNESSES = [
    (
        "ArmoredWitness-small-breeze",
        "AQAWYpUjfGGPQiWOgt6sLWap0P9rVOe+Ofu2uNZbO4FD",
        "nRq5UQAAAABnoqrsRIofXn68vTohcAm2KG4ACGyRPNePUk02BSWD0WKV5ElejTk5Z+Tm3GmJ5j/etA+fkL9XuaQs"
        "nTyZbr437sF4AQ==",
        1738713836,
    ),
    (
        "ArmoredWitness-autumn-wood",
        "AesIVCbad7gbU07JnA6YfZD0qg4B1c8xF4ISdnt9vjip",
        "qZb5XQAAAABnoqrl57G9CblEl3lwwuqzbaJvVMqNiZCbYZseYT1YZHYmls3CmT1wxZ1fNgM4RxHuUxjAwcI2ghTx"
        "6R5aCg+L0DGPBA==",
        1738713829,
    ),
]

ROOT = hashlib.sha256(b"root").digest()


def code_of(call: object, *args: object, **kwargs: object) -> str:
    assert callable(call)
    with pytest.raises(SaksiError) as caught:
        call(*args, **kwargs)
    return caught.value.code


def armored(name: str, key64: str) -> CosignatureVerifier:
    raw = base64.b64decode(key64)
    assert raw[0] == ALG_ED25519  # the vector gives the key with its note type byte first
    return CosignatureVerifier.from_vkey(format_vkey(name, raw[0], raw[1:]))


def witness_line(name: str, sig64: str) -> bytes:
    return f"— {name} {sig64}\n".encode()


@pytest.fixture(scope="module")
def log_signer() -> NoteSigner:
    return NoteSigner("example.com/test-log", bytes(range(32)))


@pytest.fixture(scope="module")
def android_log() -> NoteSigner:
    # The Android log's own key is not in the vectors: a stand-in signs the same body,
    # which the witnesses' cosignatures cover regardless of who else signed it.
    return NoteSigner("developers.google.com/android/binary_transparency/0", bytes(32))


# --- conformance -----------------------------------------------------------------------


@pytest.mark.shared
def test_tessera_checkpoints_verify_and_are_reproduced_byte_for_byte() -> None:
    verifier = NoteVerifier.from_vkey(TESSERA_VKEY)
    signer = NoteSigner.from_skey(TESSERA_SKEY)
    assert signer.vkey == TESSERA_VKEY
    readme = Path(shared_path("testvectors", "README.md")).read_text(encoding="utf-8")
    assert TESSERA_SKEY in readme and TESSERA_VKEY in readme
    for size in range(16):
        data = Path(shared_path("testvectors", "tessera-log", f"checkpoint.{size}")).read_bytes()
        signed = open_checkpoint(data, verifier)
        assert signed.checkpoint.origin == "example.com/log/testdata"
        assert signed.checkpoint.size == size
        assert signed.checkpoint.body() == signed.note.text
        assert sign_checkpoint(signed.checkpoint, signer) == data
    latest = Path(shared_path("testvectors", "tessera-log", "checkpoint")).read_bytes()
    assert open_checkpoint(latest, verifier).checkpoint.size == 15


@pytest.mark.shared
def test_tessera_empty_checkpoint_has_the_empty_root() -> None:
    data = Path(shared_path("testvectors", "tessera-log", "checkpoint.0")).read_bytes()
    signed = open_checkpoint(data, NoteVerifier.from_vkey(TESSERA_VKEY))
    assert signed.checkpoint.root == hashlib.sha256(b"").digest()


@pytest.mark.shared
def test_vectors_file_holds_the_cosignatures_this_test_pins() -> None:
    text = Path(shared_path("testvectors", "signed-note.txt")).read_text(encoding="utf-8")
    assert ANDROID_BODY.decode() in text
    for name, key64, sig64, _ in ARMORED_WITNESSES:
        assert name in text and key64 in text and sig64 in text


@pytest.mark.parametrize(("name", "key64", "sig64", "timestamp"), ARMORED_WITNESSES)
def test_real_armored_witness_cosignatures_verify(
    name: str, key64: str, sig64: str, timestamp: int
) -> None:
    witness = armored(name, key64)
    raw = base64.b64decode(sig64)
    assert raw[:4] == witness.key_id.to_bytes(4, "big")
    assert witness.verify(ANDROID_BODY, raw[4:])
    cosig = Cosignature.from_note_signature(
        NoteSignature.from_line(witness_line(name, sig64).decode())
    )
    assert cosig.timestamp == timestamp
    assert cosig.to_note_signature().base64 == sig64


@pytest.mark.parametrize(("name", "key64", "sig64", "timestamp"), ARMORED_WITNESSES)
def test_real_cosignatures_fail_when_one_byte_changes(
    name: str, key64: str, sig64: str, timestamp: int
) -> None:
    witness = armored(name, key64)
    signature = base64.b64decode(sig64)[4:]
    for position in range(len(ANDROID_BODY)):
        changed = bytearray(ANDROID_BODY)
        changed[position] ^= 0x01
        assert not witness.verify(bytes(changed), signature)
    for position in range(len(signature)):
        changed = bytearray(signature)
        changed[position] ^= 0x80
        assert not witness.verify(ANDROID_BODY, bytes(changed))


def test_real_cosignatures_make_a_quorum_on_the_signed_checkpoint(android_log: NoteSigner) -> None:
    witnesses = tuple(armored(name, key64) for name, key64, _, _ in ARMORED_WITNESSES)
    lines = b"".join(witness_line(name, sig64) for name, _, sig64, _ in ARMORED_WITNESSES)
    data = sign_note(ANDROID_BODY, android_log) + lines
    signed = open_checkpoint(data, android_log.verifier(), witnesses=witnesses)
    assert [c.timestamp for c in signed.cosignatures] == [1738713836, 1738713829]
    assert WitnessQuorum(witnesses, 2).check(signed) == signed.cosignatures
    assert count_cosignatures(open_checkpoint(data, android_log.verifier()), witnesses) == 2

    other_body = ANDROID_BODY.replace(b"611", b"612")
    forged = sign_note(other_body, android_log) + lines
    assert code_of(open_checkpoint, forged, android_log.verifier(), witnesses=witnesses) == (
        "log.note-bad-signature"
    )
    without = open_checkpoint(forged, android_log.verifier())
    assert code_of(WitnessQuorum(witnesses, 1).check, without) == "log.note-bad-signature"


def test_a_cosigner_from_a_plain_note_key_matches_go_s_witnesses() -> None:
    skey, vkey = generate_key("witness.example/w1")
    cosigner = CosignatureSigner.from_skey(skey)
    name, alg, key = parse_vkey(cosigner.vkey, (ALG_COSIGNATURE_V1,))
    assert (name, alg, key) == ("witness.example/w1", ALG_COSIGNATURE_V1, cosigner.public_key)
    assert CosignatureVerifier.from_vkey(vkey) == CosignatureVerifier.from_vkey(cosigner.vkey)
    assert cosigner.verifier().key_id != NoteVerifier.from_vkey(vkey).key_id


# --- the checkpoint body ---------------------------------------------------------------


def test_body_is_the_c2sp_text() -> None:
    checkpoint = Checkpoint("example.com/behind-the-sofa", 20852163, ROOT, ("ext one",))
    root64 = base64.b64encode(ROOT).decode()
    expected = f"example.com/behind-the-sofa\n20852163\n{root64}\next one\n".encode()
    assert checkpoint.body() == expected
    assert Checkpoint.parse(expected) == checkpoint


origins = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)


@settings(max_examples=100, deadline=None)
@given(
    origin=origins,
    size=st.integers(0, MAX_TREE_SIZE),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(origins, max_size=3).map(tuple),
)
def test_checkpoints_round_trip(
    origin: str, size: int, root: bytes, extensions: tuple[str, ...]
) -> None:
    checkpoint = Checkpoint(origin, size, root, extensions)
    body = checkpoint.body()
    assert Checkpoint.parse(body) == checkpoint
    assert Checkpoint.parse(body).body() == body


@settings(max_examples=25, deadline=None)
@given(size=st.integers(0, MAX_TREE_SIZE), root=st.binary(min_size=32, max_size=32))
def test_signed_checkpoints_round_trip(log_signer: NoteSigner, size: int, root: bytes) -> None:
    checkpoint = Checkpoint(log_signer.name, size, root)
    data = sign_checkpoint(checkpoint, log_signer)
    assert open_checkpoint(data, log_signer.verifier()).checkpoint == checkpoint


R64 = base64.b64encode(ROOT).decode()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"o\n1\n" + R64.encode() + b"\n\xff\n", "log.checkpoint-not-utf8"),
        (f"o\n1\n{R64}".encode(), "log.checkpoint-no-final-newline"),
        (b"", "log.checkpoint-no-final-newline"),
        (b"o\n1\n", "log.checkpoint-too-few-lines"),
        (b"\n", "log.checkpoint-too-few-lines"),
        (f"\n1\n{R64}\n".encode(), "log.checkpoint-origin-empty"),
        (f"o\n01\n{R64}\n".encode(), "log.checkpoint-size-malformed"),
        (f"o\n-1\n{R64}\n".encode(), "log.checkpoint-size-malformed"),
        (f"o\n+1\n{R64}\n".encode(), "log.checkpoint-size-malformed"),
        (f"o\n 1\n{R64}\n".encode(), "log.checkpoint-size-malformed"),
        (f"o\n1_0\n{R64}\n".encode(), "log.checkpoint-size-malformed"),
        (f"o\n\u0661\n{R64}\n".encode(), "log.checkpoint-size-malformed"),
        (f"o\n\n{R64}\n".encode(), "log.checkpoint-size-malformed"),
        (f"o\n{2**64}\n{R64}\n".encode(), "log.checkpoint-size-malformed"),
        (f"o\n{'9' * 5000}\n{R64}\n".encode(), "log.checkpoint-size-malformed"),
        (f"o\n1\n{R64[:-2]}\n".encode(), "log.checkpoint-root-malformed"),
        (f"o\n1\n{R64[:-2]}x=\n".encode(), "log.checkpoint-root-malformed"),
        (f"o\n1\n{R64.replace('=', '')}\n".encode(), "log.checkpoint-root-malformed"),
        (f"o\n1\n{R64} \n".encode(), "log.checkpoint-root-malformed"),
        (b"o\n1\n" + base64.b64encode(ROOT[:31]) + b"\n", "log.checkpoint-root-wrong-length"),
        (b"o\n1\n" + base64.b64encode(ROOT + b"x") + b"\n", "log.checkpoint-root-wrong-length"),
        (f"o\n1\n{R64}\n\n".encode(), "log.checkpoint-extension-empty"),
        (f"o\n1\n{R64}\nx\n\ny\n".encode(), "log.checkpoint-extension-empty"),
        (f"o\r\n1\n{R64}\n".encode(), "log.checkpoint-control-character"),
        (f"o\n1\n{R64}\nx\ty\n".encode(), "log.checkpoint-control-character"),
    ],
)
def test_malformed_bodies_get_their_own_code(body: bytes, code: str) -> None:
    with pytest.raises(CheckpointError) as caught:
        Checkpoint.parse(body)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("", 1, ROOT), "log.checkpoint-origin-empty"),
        (("a\nb", 1, ROOT), "log.checkpoint-control-character"),
        (("\ud800", 1, ROOT), "log.checkpoint-not-utf8"),
        (("o", -1, ROOT), "log.checkpoint-size-malformed"),
        (("o", 2**64, ROOT), "log.checkpoint-size-malformed"),
        (("o", True, ROOT), "log.checkpoint-size-malformed"),
        (("o", 1, ROOT[:31]), "log.checkpoint-root-wrong-length"),
        (("o", 1, ROOT, ("",)), "log.checkpoint-extension-empty"),
        (("o", 1, ROOT, ("a\nb",)), "log.checkpoint-control-character"),
        (("o", 1, ROOT, "x"), "log.checkpoint-extension-malformed"),
    ],
)
def test_checkpoint_values_are_checked(args: tuple[object, ...], code: str) -> None:
    assert code_of(Checkpoint, *args) == code


def test_origin_may_hold_spaces_as_go_sum_database_does() -> None:
    body = f"go.sum database tree\n31415926\n{R64}\n".encode()
    assert Checkpoint.parse(body).origin == "go.sum database tree"


# --- signing and opening ---------------------------------------------------------------


def test_only_the_log_key_named_for_the_origin_signs(log_signer: NoteSigner) -> None:
    checkpoint = Checkpoint("example.com/another-log", 1, ROOT)
    assert code_of(sign_checkpoint, checkpoint, log_signer) == "log.checkpoint-origin-mismatch"


def test_open_refuses_a_checkpoint_the_log_did_not_sign(log_signer: NoteSigner) -> None:
    impostor = NoteSigner(log_signer.name, bytes(32))
    data = sign_checkpoint(Checkpoint(log_signer.name, 3, ROOT), impostor)
    assert code_of(open_checkpoint, data, log_signer.verifier()) == (
        "log.checkpoint-no-log-signature"
    )
    witness = CosignatureSigner("witness.example/w1", bytes(range(1, 33)))
    cosigned = add_cosignature(data, witness, 1700000000)
    assert code_of(
        open_checkpoint, cosigned, log_signer.verifier(), witnesses=[witness.verifier()]
    ) == ("log.checkpoint-no-log-signature")


def test_open_refuses_a_bad_log_signature(log_signer: NoteSigner) -> None:
    data = sign_checkpoint(Checkpoint(log_signer.name, 3, ROOT), log_signer)
    tampered = data.replace(b"\n3\n", b"\n4\n")
    assert code_of(open_checkpoint, tampered, log_signer.verifier()) == "log.note-bad-signature"


def test_open_refuses_another_origin(log_signer: NoteSigner) -> None:
    data = sign_checkpoint(Checkpoint(log_signer.name, 3, ROOT), log_signer)
    assert code_of(open_checkpoint, data, log_signer.verifier(), origin="example.com/x") == (
        "log.checkpoint-origin-mismatch"
    )


def test_an_origin_other_than_the_key_name_is_allowed_when_expected() -> None:
    # sum.golang.org signs checkpoints of origin "go.sum database tree".
    signer = NoteSigner("sum.golang.example", bytes(range(32)))
    body = Checkpoint("go.sum database tree", 5, ROOT).body()
    data = sign_note(body, signer)
    signed = open_checkpoint(data, signer.verifier(), origin="go.sum database tree")
    assert signed.checkpoint.size == 5
    assert code_of(open_checkpoint, data, signer.verifier()) == "log.checkpoint-origin-mismatch"


def test_open_refuses_a_signed_note_that_is_not_a_checkpoint(log_signer: NoteSigner) -> None:
    data = sign_note(b"hello\n", log_signer)
    assert code_of(open_checkpoint, data, log_signer.verifier()) == "log.checkpoint-too-few-lines"


# --- cosignatures and quorums ----------------------------------------------------------


@pytest.fixture(scope="module")
def witnesses() -> list[CosignatureSigner]:
    return [CosignatureSigner(f"witness.example/w{i}", bytes([i]) * 32) for i in range(1, 4)]


def cosigned(
    log_signer: NoteSigner, witnesses: list[CosignatureSigner], count: int
) -> tuple[bytes, Checkpoint]:
    checkpoint = Checkpoint(log_signer.name, 42, ROOT)
    data = sign_checkpoint(checkpoint, log_signer)
    for i, witness in enumerate(witnesses[:count]):
        data = add_cosignature(data, witness, 1_700_000_000 + i)
    return data, checkpoint


def test_cosignatures_round_trip(
    log_signer: NoteSigner, witnesses: list[CosignatureSigner]
) -> None:
    data, checkpoint = cosigned(log_signer, witnesses, 3)
    verifiers = [w.verifier() for w in witnesses]
    signed = open_checkpoint(data, log_signer.verifier(), witnesses=verifiers)
    assert signed.checkpoint == checkpoint
    assert [(c.name, c.timestamp) for c in signed.cosignatures] == [
        (w.name, 1_700_000_000 + i) for i, w in enumerate(witnesses)
    ]
    for cosig, witness in zip(signed.cosignatures, witnesses, strict=True):
        message = cosignature_message(checkpoint.body(), cosig.timestamp)
        assert message.startswith(b"cosignature/v1\ntime 17000000")
        assert witness.verifier().verify(checkpoint.body(), cosig.to_note_signature().signature)


@pytest.mark.parametrize(
    ("count", "threshold", "ok"),
    [(0, 0, True), (1, 2, False), (2, 2, True), (3, 2, True), (3, 3, True), (2, 3, False)],
)
def test_quorum_counts_distinct_valid_witnesses(
    log_signer: NoteSigner,
    witnesses: list[CosignatureSigner],
    count: int,
    threshold: int,
    ok: bool,
) -> None:
    data, _ = cosigned(log_signer, witnesses, count)
    signed = open_checkpoint(data, log_signer.verifier())
    quorum = WitnessQuorum(tuple(w.verifier() for w in witnesses), threshold)
    assert count_cosignatures(signed, [w.verifier() for w in witnesses] * 2) == count
    if ok:
        assert len(quorum.check(signed)) == count
    else:
        assert code_of(quorum.check, signed) == "log.checkpoint-quorum-not-met"


def test_a_witness_line_twice_counts_once(
    log_signer: NoteSigner, witnesses: list[CosignatureSigner]
) -> None:
    data, checkpoint = cosigned(log_signer, witnesses, 1)
    again = witnesses[0].cosign(checkpoint.body(), 1_800_000_000)
    doubled = data + again.to_line().encode()
    signed = open_checkpoint(doubled, log_signer.verifier())
    assert count_cosignatures(signed, [witnesses[0].verifier()]) == 1


def test_add_cosignature_replaces_the_witness_s_earlier_line(
    log_signer: NoteSigner, witnesses: list[CosignatureSigner]
) -> None:
    data, _ = cosigned(log_signer, witnesses, 1)
    newer = add_cosignature(data, witnesses[0], 1_900_000_000)
    signed = open_checkpoint(newer, log_signer.verifier(), witnesses=[witnesses[0].verifier()])
    assert [c.timestamp for c in signed.cosignatures] == [1_900_000_000]


def test_lists_are_kept_as_tuples(witnesses: list[CosignatureSigner]) -> None:
    assert Checkpoint("o", 1, ROOT, ["x"]) == Checkpoint("o", 1, ROOT, ("x",))  # type: ignore[arg-type]
    verifiers = [w.verifier() for w in witnesses]
    quorum = WitnessQuorum(verifiers, 1)  # type: ignore[arg-type]
    assert quorum == WitnessQuorum(tuple(verifiers), 1)
    assert hash(quorum) == hash(WitnessQuorum(tuple(verifiers), 1))


@pytest.mark.parametrize("threshold", [-1, 4, 1.5, True])
def test_an_impossible_quorum_is_refused(
    witnesses: list[CosignatureSigner], threshold: int
) -> None:
    verifiers = tuple(w.verifier() for w in witnesses)
    assert code_of(WitnessQuorum, verifiers, threshold) == "log.quorum-invalid"


def test_a_quorum_of_repeated_witnesses_is_refused(witnesses: list[CosignatureSigner]) -> None:
    verifier = witnesses[0].verifier()
    assert code_of(WitnessQuorum, (verifier, verifier), 2) == "log.quorum-invalid"


def test_a_cosignature_of_the_wrong_length_is_refused(
    log_signer: NoteSigner, witnesses: list[CosignatureSigner]
) -> None:
    data, checkpoint = cosigned(log_signer, witnesses, 0)
    witness = witnesses[0]
    short = NoteSignature(witness.name, witness.key_id, b"\x00" * 71)
    assert not witness.verifier().verify(checkpoint.body(), short.signature)
    assert code_of(Cosignature.from_note_signature, short) == "log.cosignature-malformed"
    data = add_signatures(data, [short])
    assert code_of(
        open_checkpoint, data, log_signer.verifier(), witnesses=[witness.verifier()]
    ) == ("log.note-bad-signature")


def test_a_timestamp_over_2_63_never_verifies(witnesses: list[CosignatureSigner]) -> None:
    witness = witnesses[0]
    body = Checkpoint("o", 1, ROOT).body()
    good = witness.cosign(body, 5).signature
    assert witness.verifier().verify(body, good)
    assert not witness.verifier().verify(body, (2**63).to_bytes(8, "big") + good[8:])
    bad = NoteSignature(witness.name, witness.key_id, (2**63).to_bytes(8, "big") + good[8:])
    assert code_of(Cosignature.from_note_signature, bad) == "log.cosignature-timestamp-invalid"


@pytest.mark.parametrize("timestamp", [-1, 2**63, True, 1.5])
def test_cosign_refuses_bad_timestamps(
    witnesses: list[CosignatureSigner], timestamp: object
) -> None:
    body = Checkpoint("o", 1, ROOT).body()
    assert code_of(witnesses[0].cosign, body, timestamp) == "log.cosignature-timestamp-invalid"


def test_cosign_refuses_what_is_not_a_checkpoint(witnesses: list[CosignatureSigner]) -> None:
    assert code_of(witnesses[0].cosign, b"hello\n", 1) == "log.checkpoint-too-few-lines"


def test_cosigner_from_a_type_4_key_and_repr_without_secret() -> None:
    seed = bytes(range(32))
    cosigner = CosignatureSigner("w.example", seed)
    raw = bytes([ALG_COSIGNATURE_V1]) + seed
    skey = f"PRIVATE+KEY+w.example+{cosigner.key_id:08x}+{base64.b64encode(raw).decode()}"
    assert CosignatureSigner.from_skey(skey).vkey == cosigner.vkey
    assert base64.b64encode(raw).decode()[:10] not in repr(cosigner)
    assert code_of(NoteVerifier.from_vkey, cosigner.vkey) == "log.key-unknown-type"


def test_a_cosigner_signs_as_a_note_signer_at_the_current_time() -> None:
    cosigner = CosignatureSigner("w.example", bytes(range(32)))
    body = Checkpoint("o", 1, ROOT).body()
    cosig = Cosignature.from_note_signature(cosigner.sign(body))
    assert cosig.timestamp > 1_700_000_000


# --- no raw exceptions -----------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=200))
def test_random_bytes_into_the_checkpoint_parsers_give_only_saksi_errors(data: bytes) -> None:
    with contextlib.suppress(CheckpointError):
        Checkpoint.parse(data)
    with contextlib.suppress(SaksiError):
        open_checkpoint(data, NoteVerifier.from_vkey(TESSERA_VKEY))


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(
        st.sampled_from(["o", "0", "1", "01", R64, R64[:-1], "", " ", "x\r", "\u0661"]),
        max_size=6,
    )
)
def test_near_checkpoints_give_only_checkpoint_errors(lines: list[str]) -> None:
    body = "".join(line + "\n" for line in lines).encode()
    try:
        checkpoint = Checkpoint.parse(body)
    except CheckpointError:
        return
    assert checkpoint.body() == body


def test_signed_checkpoint_holds_the_note(log_signer: NoteSigner) -> None:
    data = sign_checkpoint(Checkpoint(log_signer.name, 0, ROOT), log_signer)
    signed = open_checkpoint(data, log_signer.verifier())
    assert isinstance(signed, SignedCheckpoint)
    assert signed.note_bytes == data
    assert signed.note.verified[0].name == log_signer.name
    assert signed.cosignatures == ()


def test_errors_are_bilingual(log_signer: NoteSigner) -> None:
    with pytest.raises(NoteError) as caught:
        open_checkpoint(b"x\n\n- y\n", log_signer.verifier())
    assert caught.value.message_en != caught.value.message_id
