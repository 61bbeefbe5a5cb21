"""C2SP tlog-proof: write, parse strictly, verify (saksi.tlog.proof)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.errors import ProofError, SaksiError
from saksi.tlog.checkpoint import (
    Checkpoint,
    CosignatureSigner,
    WitnessQuorum,
    add_cosignature,
    sign_checkpoint,
)
from saksi.tlog.hashes import leaf_hash, node_hash
from saksi.tlog.note import NoteSigner, NoteVerifier
from saksi.tlog.proof import HEADER, TlogProof, trailing_newlines
from tests.conftest import shared_path

TESSERA_VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"
TESSERA_ENTRIES = [
    *("one", "two", "three", "four", "five", "six", "seven", "eit", "nain", "ten"),
    *("ileven", "twelf", "threeten", "fourten", "fivten"),
]


# An RFC 6962 section 2.1.1 reference, independent of saksi.tlog.merkle's generator.
def mth(leaves: Sequence[bytes]) -> bytes:
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    if len(leaves) <= 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return [*path(m, leaves[:k]), mth(leaves[k:])]
    return [*path(m - k, leaves[k:]), mth(leaves[:k])]


LOG = NoteSigner("example.com/proof-test", bytes(range(32)))
ENTRIES = [f"entry {i}".encode() for i in range(13)]


def make_proof(
    index: int, entries: Sequence[bytes] = ENTRIES, extra: bytes | None = None
) -> TlogProof:
    checkpoint = Checkpoint(LOG.name, len(entries), mth(entries))
    note = sign_checkpoint(checkpoint, LOG)
    return TlogProof(index, tuple(path(index, entries)), note, extra)


def code_of(call: object, *args: object, **kwargs: object) -> str:
    assert callable(call)
    with pytest.raises(SaksiError) as caught:
        call(*args, **kwargs)
    return caught.value.code


# --- conformance -----------------------------------------------------------------------


@pytest.mark.shared
def test_every_tessera_entry_is_proved_in_its_checkpoint() -> None:
    data = Path(shared_path("testvectors", "tessera-log", "checkpoint.15")).read_bytes()
    entries = [e.encode() for e in TESSERA_ENTRIES]
    verifier = NoteVerifier.from_vkey(TESSERA_VKEY)
    tile = Path(shared_path("testvectors", "tessera-log", "tile", "0", "000.p", "15")).read_bytes()
    assert [tile[i : i + 32] for i in range(0, len(tile), 32)] == [leaf_hash(e) for e in entries]
    for index, entry in enumerate(entries):
        proof = TlogProof(index, tuple(path(index, entries)), data)
        parsed = TlogProof.parse(proof.to_text())
        assert parsed == proof
        signed = parsed.verify(entry, verifier)
        assert signed.checkpoint.size == 15
        other = entries[(index + 1) % len(entries)]
        assert code_of(parsed.verify, other, verifier) == "log.proof-root-mismatch"


def test_the_text_has_the_spec_s_shape() -> None:
    proof = make_proof(5, extra=b"age-v1.2.1-darwin-arm64.tar.gz")
    text = proof.to_text()
    head, checkpoint = text.split(b"\n\n", 1)
    lines = head.split(b"\n")
    assert lines[0] == HEADER == b"c2sp.org/tlog-proof@v1"
    assert lines[1] == b"extra " + base64.b64encode(b"age-v1.2.1-darwin-arm64.tar.gz")
    assert lines[2] == b"index 5"
    assert [base64.b64decode(h) for h in lines[3:]] == list(proof.hashes)
    assert checkpoint.startswith(b"example.com/proof-test\n13\n")
    assert text.endswith(proof.checkpoint)


# --- round trips -----------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    size=st.integers(1, 40),
    extra=st.none() | st.binary(min_size=1, max_size=50),
)
def test_proofs_round_trip_and_verify(data: st.DataObject, size: int, extra: bytes | None) -> None:
    entries = [f"e{i}".encode() for i in range(size)]
    index = data.draw(st.integers(0, size - 1))
    proof = make_proof(index, entries, extra)
    text = proof.to_text()
    parsed = TlogProof.parse(text)
    assert parsed == proof
    assert parsed.to_text() == text
    signed = parsed.verify(entries[index], LOG.verifier())
    assert signed.checkpoint.size == size


def test_a_proof_in_a_one_entry_tree_has_no_hashes() -> None:
    proof = make_proof(0, [b"only"])
    assert proof.hashes == ()
    assert b"index 0\n\nexample.com/proof-test\n1\n" in proof.to_text()
    TlogProof.parse(proof.to_text()).verify(b"only", LOG.verifier())


def test_hashes_given_as_a_list_are_kept_as_a_tuple() -> None:
    proof = make_proof(5)
    assert TlogProof(5, list(proof.hashes), proof.checkpoint) == proof  # type: ignore[arg-type]


def test_big_numbers_survive_the_round_trip() -> None:
    size = 2**64 - 1
    hashes = tuple(hashlib.sha256(bytes([i])).digest() for i in range(64))
    checkpoint = sign_checkpoint(Checkpoint(LOG.name, size, mth([b"x"])), LOG)
    for index, length in ((0, 64), (size - 1, 63), (2**63, 64)):
        proof = TlogProof(index, hashes[:length], checkpoint)
        assert TlogProof.parse(proof.to_text()) == proof


# --- verification ----------------------------------------------------------------------


def test_verify_refuses_another_entry_index_or_tree() -> None:
    proof = make_proof(3)
    assert code_of(proof.verify, ENTRIES[4], LOG.verifier()) == "log.proof-root-mismatch"
    moved = TlogProof(4, proof.hashes, proof.checkpoint)
    assert code_of(moved.verify, ENTRIES[3], LOG.verifier()) == "log.proof-root-mismatch"
    other_tree = make_proof(3, ENTRIES[:12])
    spliced = TlogProof(3, other_tree.hashes, proof.checkpoint)
    assert code_of(spliced.verify, ENTRIES[3], LOG.verifier()) == "log.proof-root-mismatch"


def test_verify_refuses_a_changed_hash() -> None:
    proof = make_proof(6)
    for i in range(len(proof.hashes)):
        hashes = list(proof.hashes)
        hashes[i] = bytes([hashes[i][0] ^ 1]) + hashes[i][1:]
        changed = TlogProof(6, tuple(hashes), proof.checkpoint)
        assert code_of(changed.verify, ENTRIES[6], LOG.verifier()) == "log.proof-root-mismatch"


def test_verify_refuses_a_checkpoint_by_another_key() -> None:
    impostor = NoteSigner(LOG.name, bytes(32))
    checkpoint = Checkpoint(LOG.name, len(ENTRIES), mth(ENTRIES))
    proof = TlogProof(2, tuple(path(2, ENTRIES)), sign_checkpoint(checkpoint, impostor))
    assert code_of(proof.verify, ENTRIES[2], LOG.verifier()) == "log.checkpoint-no-log-signature"


def test_verify_refuses_another_origin() -> None:
    proof = make_proof(2)
    assert code_of(proof.verify, ENTRIES[2], LOG.verifier(), origin="example.com/x") == (
        "log.checkpoint-origin-mismatch"
    )


def test_verify_without_the_entry_checks_the_checkpoint_only() -> None:
    proof = make_proof(2)
    assert proof.verify(None, LOG.verifier()).checkpoint.size == len(ENTRIES)
    other = NoteSigner("example.com/proof-test", bytes(32))
    assert code_of(proof.verify, None, other.verifier()) == "log.checkpoint-no-log-signature"
    assert code_of(proof.verify, "entry 2", LOG.verifier()) == "log.proof-entry-malformed"


def test_verify_checks_the_witness_quorum() -> None:
    witnesses = [CosignatureSigner(f"w{i}.example", bytes([i]) * 32) for i in range(1, 4)]
    proof = make_proof(7)
    cosigned = proof.checkpoint
    for witness in witnesses[:2]:
        cosigned = add_cosignature(cosigned, witness, 1_700_000_000)
    proof = TlogProof(7, proof.hashes, cosigned)
    proof = TlogProof.parse(proof.to_text())
    verifiers = tuple(w.verifier() for w in witnesses)
    signed = proof.verify(ENTRIES[7], LOG.verifier(), quorum=WitnessQuorum(verifiers, 2))
    assert [c.name for c in signed.cosignatures] == ["w1.example", "w2.example"]
    too_many = WitnessQuorum(verifiers, 3)
    assert code_of(proof.verify, ENTRIES[7], LOG.verifier(), quorum=too_many) == (
        "log.checkpoint-quorum-not-met"
    )


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_changed_byte_of_a_proof_is_refused(data: st.DataObject) -> None:
    text = make_proof(9).to_text()
    position = data.draw(st.integers(0, len(text) - 1))
    value = data.draw(st.integers(0, 255).filter(lambda v: v != text[position]))
    changed = bytearray(text)
    changed[position] = value
    with pytest.raises(SaksiError):
        TlogProof.parse(bytes(changed)).verify(ENTRIES[9], LOG.verifier())


# --- malformed proofs ------------------------------------------------------------------

GOOD = make_proof(5, extra=b"x").to_text()
H = base64.b64encode(bytes(32))


def with_head(*lines: bytes) -> bytes:
    return b"".join(line + b"\n" for line in lines) + b"\n" + make_proof(5).checkpoint


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (b"", "log.proof-truncated"),
        (b"c2sp.org/tlog-proof@v1", "log.proof-truncated"),
        (GOOD.replace(b"@v1", b"@v2"), "log.proof-header"),
        (b" " + GOOD, "log.proof-header"),
        (GOOD.replace(b"@v1\n", b"@v1\r\n"), "log.proof-header"),
        (GOOD.replace(b"extra ", b"extra  "), "log.proof-extra-malformed"),
        (GOOD.replace(b"extra eA==", b"extra eB=="), "log.proof-extra-malformed"),
        (GOOD.replace(b"extra eA==", b"extra "), "log.proof-extra-malformed"),
        (GOOD.replace(b"extra eA==", b"extra"), "log.proof-extra-malformed"),
        (GOOD.replace(b"extra eA==\n", b""), None),
        (GOOD.replace(b"index 5", b"Index 5"), "log.proof-index-missing"),
        (GOOD.replace(b"index 5\n", b""), "log.proof-index-missing"),
        (GOOD.replace(b"index 5", b"index 05"), "log.proof-index-malformed"),
        (GOOD.replace(b"index 5", b"index  5"), "log.proof-index-malformed"),
        (GOOD.replace(b"index 5", b"index -5"), "log.proof-index-malformed"),
        (GOOD.replace(b"index 5", b"index 5 "), "log.proof-index-malformed"),
        (GOOD.replace(b"index 5", b"index \xd9\xa5"), "log.proof-index-malformed"),
        (GOOD.replace(b"index 5", b"index " + str(2**64).encode()), "log.proof-index-malformed"),
        (GOOD.replace(b"index 5", b"index 13"), "log.proof-index-out-of-range"),
        (GOOD.replace(b"index 5", b"index 4"), None),
        (GOOD.replace(b"index 5", b"index 12"), "log.proof-wrong-length"),
        (with_head(HEADER, b"index 5", H[:-1]), "log.proof-hash-malformed"),
        (with_head(HEADER, b"index 5", H + b"A"), "log.proof-hash-malformed"),
        (with_head(HEADER, b"index 5", base64.b64encode(bytes(31))), "log.proof-hash-malformed"),
        (with_head(HEADER, b"index 5", b"\xff" * 44), "log.proof-hash-malformed"),
        (with_head(HEADER, b"index 5", *[H] * 3), "log.proof-wrong-length"),
        (with_head(HEADER, b"index 5", *[H] * 5), "log.proof-wrong-length"),
        (with_head(HEADER, b"index 5", *[H] * 65), "log.proof-too-long"),
        (with_head(HEADER, b"index 5", *[H] * 4)[:-1], "log.note-text-malformed"),
        (with_head(HEADER, b"index 5", *[H] * 4).split(b"\n\n")[0] + b"\n", "log.proof-truncated"),
        (with_head(HEADER, b"index 5", *[H] * 4) + b"\n", "log.proof-trailing-newline"),
        (with_head(HEADER, b"index 5", *[H] * 4) + b"\n\n", "log.proof-trailing-newline"),
        (with_head(HEADER, b"index 5", *[H] * 4, b""), "log.checkpoint-origin-empty"),
    ],
)
def test_malformed_proofs_get_their_own_code(text: bytes, code: str | None) -> None:
    if code is None:
        TlogProof.parse(text)  # well formed (it may still not verify)
    else:
        assert code_of(TlogProof.parse, text) == code


def test_a_trailing_newline_is_named_and_can_be_taken_off() -> None:
    with pytest.raises(ProofError) as exc:
        TlogProof.parse(GOOD + b"\n\n")
    assert "trailing newline" in exc.value.message_en and "baris baru" in exc.value.message_id
    assert exc.value.details["extra_newlines"] == 2
    assert trailing_newlines(GOOD + b"\n\n") == (GOOD, 2)
    assert trailing_newlines(GOOD) == (GOOD, 0)
    assert trailing_newlines(GOOD[:-1]) == (GOOD[:-1], 0)  # a missing newline is not added
    assert TlogProof.parse(trailing_newlines(GOOD + b"\n")[0]) == TlogProof.parse(GOOD)


def test_a_checkpoint_that_is_not_one_is_refused_at_parse() -> None:
    proof_head = HEADER + b"\nindex 0\n\n"
    assert code_of(TlogProof.parse, proof_head + b"hello\n\n\xe2\x80\x94 a AAAAAAA=\n") == (
        "log.checkpoint-too-few-lines"
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"index": -1}, "log.proof-index-malformed"),
        ({"index": True}, "log.proof-index-malformed"),
        ({"index": 2**64}, "log.proof-index-malformed"),
        ({"hashes": {bytes(32)}}, "log.proof-hash-malformed"),
        ({"hashes": (bytes(31), bytes(32), bytes(32), bytes(32))}, "log.proof-hash-malformed"),
        ({"hashes": (bytes(32),) * 65}, "log.proof-too-long"),
        ({"extra": b""}, "log.proof-extra-malformed"),
        ({"extra": "x"}, "log.proof-extra-malformed"),
        ({"checkpoint": "not bytes"}, "log.proof-checkpoint-missing"),
    ],
)
def test_proof_values_are_checked(kwargs: dict[str, object], code: str) -> None:
    good = make_proof(5)
    fields: dict[str, object] = {
        "index": good.index,
        "hashes": good.hashes,
        "checkpoint": good.checkpoint,
        "extra": None,
    }
    fields.update(kwargs)
    assert code_of(TlogProof, **fields) == code


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300))
def test_random_bytes_into_the_proof_parser_give_only_saksi_errors(data: bytes) -> None:
    with contextlib.suppress(SaksiError):
        TlogProof.parse(data)
    with contextlib.suppress(SaksiError):
        TlogProof.parse(HEADER + b"\n" + data)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(
        st.sampled_from(
            [HEADER, b"extra eA==", b"extra", b"index 0", b"index 5", b"index 01", H, H[:-1], b""]
        ),
        max_size=8,
    )
)
def test_near_proofs_give_only_saksi_errors(lines: list[bytes]) -> None:
    text = b"".join(line + b"\n" for line in lines) + make_proof(5).checkpoint
    try:
        proof = TlogProof.parse(text)
    except SaksiError:
        return
    assert proof.to_text() == text
