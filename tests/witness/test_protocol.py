"""The add-checkpoint request, its checks and answers (pure, no IO)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.errors import WitnessError
from saksi.tlog.checkpoint import Checkpoint, CosignatureVerifier
from saksi.tlog.merkle import EMPTY_ROOT
from saksi.tlog.note import NoteSignature, encode_base64, generate_key
from saksi.witness.protocol import (
    MAX_PROOF_LINES,
    SIZE_CONTENT_TYPE,
    STATUS_OF_CODE,
    AddCheckpointRequest,
    check_request,
    conflict,
    cosign,
    error_response,
    format_request,
    open_request,
    parse_request,
    success_response,
    watched_logs,
)
from tests.witness.logs import ORIGIN, ToyLog, new_witness_signer

hashes = st.lists(st.binary(min_size=32, max_size=32), max_size=MAX_PROOF_LINES)
sizes = st.integers(min_value=0, max_value=2**64 - 1)


def code_of(call: object, *args: object) -> str:
    with pytest.raises(WitnessError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value.code


# --- parsing ------------------------------------------------------------------------


@given(sizes, hashes, st.binary(min_size=1))
@settings(max_examples=200)
def test_request_round_trip(old: int, proof: list[bytes], note: bytes) -> None:
    body = format_request(old, proof, note)
    assert parse_request(body) == AddCheckpointRequest(old, tuple(proof), note)
    assert AddCheckpointRequest(old, tuple(proof), note).to_bytes() == body


def test_spec_example_body_parses() -> None:
    body = (
        b"old 20852014\n"
        b"PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
        b"jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
        b"\n"
        b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        b"\n\xe2\x80\x94 example.com/behind-the-sofa Az3g\n"
    )
    request = parse_request(body)
    assert request.old_size == 20852014
    assert len(request.proof) == 2
    assert request.note.startswith(b"example.com/behind-the-sofa\n20852163\n")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"old 1\n",
        b"old 1\n\n",
        b"old 01\n\nnote",
        b"old -1\n\nnote",
        b"Old 1\n\nnote",
        b"old 1 \n\nnote",
        b"old  1\n\nnote",
        b"old\n\nnote",
        b"old 18446744073709551616\n\nnote",
        b"old 1\nnot base64!\n\nnote",
        b"old 1\n" + encode_base64(b"x" * 31).encode() + b"\n\nnote",
        b"old 1\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw\n\nnote",
        b"old 1\n\xff\n\nnote",
        b"old 1\n" + (encode_base64(b"x" * 32).encode() + b"\n") * 64 + b"\nnote",
        b"old 1\r\n\r\nnote",
    ],
)
def test_malformed_bodies_are_bad_requests(body: bytes) -> None:
    assert code_of(parse_request, body) == "witness.bad-request"
    assert STATUS_OF_CODE["witness.bad-request"] == 400


@given(st.binary(max_size=300))
@settings(max_examples=300)
def test_parser_never_leaks_a_raw_exception(body: bytes) -> None:
    try:
        parse_request(body)
    except WitnessError as exc:
        assert exc.code == "witness.bad-request"


def test_63_proof_lines_are_allowed() -> None:
    proof = [bytes([i]) * 32 for i in range(63)]
    assert parse_request(format_request(5, proof, b"n")).proof == tuple(proof)
    assert code_of(format_request, 5, [*proof, proof[0]], b"n") == "witness.bad-request"


# --- opening: 404, 403, 400 -----------------------------------------------------------


def logs_for(*toys: ToyLog) -> dict[str, object]:
    return watched_logs((toy.origin, toy.vkey) for toy in toys)  # type: ignore[return-value]


def test_unknown_origin_is_404() -> None:
    toy, other = ToyLog.new(), ToyLog.new("example.org/other")
    request = parse_request(format_request(0, [], other.note(3)))
    assert code_of(open_request, request, logs_for(toy)) == "witness.unknown-log"
    assert STATUS_OF_CODE["witness.unknown-log"] == 404


def test_signed_by_another_key_is_403() -> None:
    toy, impostor = ToyLog.new(), ToyLog.new()  # same origin, another key
    request = parse_request(format_request(0, [], impostor.note(3)))
    assert code_of(open_request, request, logs_for(toy)) == "witness.not-signed"
    assert STATUS_OF_CODE["witness.not-signed"] == 403


def test_bad_signature_by_the_trusted_key_is_403() -> None:
    toy = ToyLog.new()
    note = bytearray(toy.note(3))
    note[-10] = ord("A") if note[-10] != ord("A") else ord("B")
    request = parse_request(format_request(0, [], bytes(note)))
    assert code_of(open_request, request, logs_for(toy)) == "witness.not-signed"


def test_malformed_checkpoint_is_400() -> None:
    toy = ToyLog.new()
    from saksi.tlog.note import sign_note

    note = sign_note(f"{ORIGIN}\nthree\nroot\n".encode(), toy.signer)
    request = parse_request(format_request(0, [], note))
    assert code_of(open_request, request, logs_for(toy)) == "witness.bad-request"
    no_signature = parse_request(format_request(0, [], f"{ORIGIN}\n1\n".encode()))
    assert code_of(open_request, no_signature, logs_for(toy)) == "witness.bad-request"


def test_any_trusted_key_of_the_origin_will_do() -> None:
    old_key, new_key = ToyLog.new(), ToyLog.new()
    logs = watched_logs([(ORIGIN, old_key.vkey), (ORIGIN, new_key.vkey)])
    request = parse_request(format_request(0, [], new_key.note(4)))
    assert open_request(request, logs).checkpoint == new_key.checkpoint(4)


def test_the_same_key_twice_is_a_config_error() -> None:
    toy = ToyLog.new()
    assert code_of(watched_logs, [(ORIGIN, toy.vkey)] * 2) == "witness.config-invalid"


def test_a_log_key_must_be_an_ed25519_note_key() -> None:
    vkey = new_witness_signer().vkey  # type 0x04: a cosigner key, not a log key
    with pytest.raises(Exception) as caught:
        watched_logs([(ORIGIN, vkey)])
    assert getattr(caught.value, "code", "") == "log.key-unknown-type"


# --- checking: 400, 409, 422 -----------------------------------------------------------


def req(old: int, proof: list[bytes]) -> AddCheckpointRequest:
    return AddCheckpointRequest(old, tuple(proof), b"")


def test_first_checkpoint_from_zero() -> None:
    toy = ToyLog.new()
    check_request(req(0, []), toy.checkpoint(7), None)
    check_request(req(0, []), toy.checkpoint(0), None)


def test_empty_tree_must_have_the_empty_root() -> None:
    bogus = Checkpoint(ORIGIN, 0, b"\x01" * 32)
    assert code_of(check_request, req(0, []), bogus, None) == "witness.bad-proof"
    check_request(req(0, []), Checkpoint(ORIGIN, 0, EMPTY_ROOT), None)


def test_proof_from_zero_must_be_empty() -> None:
    toy = ToyLog.new()
    assert code_of(check_request, req(0, [b"x" * 32]), toy.checkpoint(7), None) == (
        "witness.bad-proof"
    )


def test_consistent_extension() -> None:
    toy = ToyLog.new()
    for old, new in [(1, 2), (3, 7), (7, 8), (8, 64), (64, 100)]:
        check_request(req(old, toy.proof(old, new)), toy.checkpoint(new), toy.checkpoint(old))


def test_old_size_above_the_checkpoint_is_400() -> None:
    toy = ToyLog.new()
    code = code_of(check_request, req(9, []), toy.checkpoint(5), toy.checkpoint(9))
    assert code == "witness.old-size-too-large"
    assert STATUS_OF_CODE[code] == 400


def test_wrong_old_size_is_409_with_the_known_size() -> None:
    toy = ToyLog.new()
    with pytest.raises(WitnessError) as caught:
        check_request(req(3, toy.proof(3, 9)), toy.checkpoint(9), toy.checkpoint(5))
    assert caught.value.code == "witness.conflict"
    assert caught.value.details["size"] == 5
    with pytest.raises(WitnessError) as never:
        check_request(req(3, toy.proof(3, 9)), toy.checkpoint(9), None)
    assert never.value.details["size"] == 0


def test_a_proof_that_does_not_verify_is_422() -> None:
    toy = ToyLog.new()
    proof = toy.proof(5, 9)
    wrong = [proof[0][::-1], *proof[1:]]
    code = code_of(check_request, req(5, wrong), toy.checkpoint(9), toy.checkpoint(5))
    assert code == "witness.bad-proof"
    assert STATUS_OF_CODE[code] == 422
    short = code_of(check_request, req(5, proof[:-1]), toy.checkpoint(9), toy.checkpoint(5))
    assert short == "witness.bad-proof"


def test_a_fork_that_is_not_an_extension_is_422() -> None:
    toy = ToyLog.new()
    fork = toy.fork(3, "other")  # shares 3 entries; the witness holds toy's size 5
    code = code_of(check_request, req(5, fork.proof(5, 9)), fork.checkpoint(9), toy.checkpoint(5))
    assert code == "witness.bad-proof"


def test_same_size_other_root_is_a_409_fork() -> None:
    toy = ToyLog.new()
    fork = toy.fork(3, "other")
    with pytest.raises(WitnessError) as caught:
        check_request(req(5, []), fork.checkpoint(5), toy.checkpoint(5))
    assert caught.value.code == "witness.fork"
    assert STATUS_OF_CODE["witness.fork"] == 409
    check_request(req(5, []), toy.checkpoint(5), toy.checkpoint(5))  # the same tree: fine


def test_a_rollback_is_never_accepted() -> None:
    toy = ToyLog.new()
    latest = toy.checkpoint(9)
    for old in range(10):
        with pytest.raises(WitnessError):
            check_request(req(old, []), toy.checkpoint(5), latest)


# --- answering ---------------------------------------------------------------------------


def test_conflict_response_is_the_size_as_text_x_tlog_size() -> None:
    answer = error_response(conflict(20852014))
    assert (answer.status, answer.content_type, answer.body) == (
        409,
        SIZE_CONTENT_TYPE,
        b"20852014\n",
    )


@pytest.mark.parametrize("code", sorted(STATUS_OF_CODE))
def test_every_refusal_has_its_status(code: str) -> None:
    error = conflict(3) if code == "witness.conflict" else WitnessError(code=code, en="x", id="x")
    answer = error_response(error)
    assert answer.status == STATUS_OF_CODE[code]
    if code != "witness.conflict":
        assert answer.content_type.startswith("text/plain")
        assert answer.body.startswith(code.encode())


def test_success_is_cosignature_lines_that_verify() -> None:
    toy, signer = ToyLog.new(), new_witness_signer()
    checkpoint = toy.checkpoint(5)
    line = cosign(signer, checkpoint, 1_700_000_000)
    answer = success_response([line])
    assert answer.status == 200
    text = answer.body.decode()
    assert text.startswith("— example.org/w1 ") and text.endswith("\n")
    parsed = NoteSignature.from_line(text)
    verifier = CosignatureVerifier.from_vkey(signer.vkey)
    assert verifier.verify(checkpoint.body(), parsed.signature)
    assert int.from_bytes(parsed.signature[:8], "big") == 1_700_000_000
    other = CosignatureVerifier.from_vkey(new_witness_signer().vkey)
    assert not other.verify(checkpoint.body(), parsed.signature)


def test_witness_key_from_an_ordinary_note_key() -> None:
    skey, vkey = generate_key("example.org/w1")
    from saksi.tlog.checkpoint import CosignatureSigner

    signer = CosignatureSigner.from_skey(skey)
    assert signer.vkey != vkey  # type 0x04 key ID differs from the 0x01 one
    assert signer.vkey.split("+")[2][:2] == "BH" or signer.vkey.split("+")[2].startswith("B")
