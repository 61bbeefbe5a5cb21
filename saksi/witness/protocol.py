"""C2SP tlog-witness ``add-checkpoint``, as pure functions: parse, decide, answer.

The request body (https://c2sp.org/tlog-witness)::

    old <size the client believes the witness last cosigned>
    <base64 consistency proof hash>          (0 to 63 lines)
    <empty line>
    <the signed checkpoint note>

The witness checks, in the order of the specification:

1. the origin is one it watches, else **404**;
2. a key it trusts for that origin signed the checkpoint, else **403**;
3. ``old <= checkpoint size``, else **400**;
4. ``old`` is the size it last cosigned for the origin (0 if never), else **409** with
   ``Content-Type: text/x.tlog.size`` and that size as the body;
5. the proof is an RFC 6962 consistency proof from the stored tree to the new one
   (empty when ``old`` is 0), else **422**;
6. at equal sizes the roots are equal, else **409** (a fork: plain text, no size);

then it stores the checkpoint (see :mod:`saksi.witness.state`) and answers **200**
with its ``cosignature/v1`` line. A body that cannot be read is **400**.

Every refusal is a :class:`~saksi.errors.WitnessError` whose code names the status
(:data:`STATUS_OF_CODE`); :func:`error_response` turns one into the HTTP answer and
:mod:`saksi.witness.client` turns the answer back into the same code. Nothing here
does IO or reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from saksi.errors import LogError, WitnessError
from saksi.tlog import merkle
from saksi.tlog.checkpoint import (
    Checkpoint,
    CosignatureSigner,
    SignedCheckpoint,
    open_checkpoint,
    parse_decimal,
)
from saksi.tlog.hashes import HASH_SIZE
from saksi.tlog.note import NoteSignature, NoteVerifier, decode_base64, encode_base64

ADD_CHECKPOINT_PATH: Final = "/add-checkpoint"
SIZE_CONTENT_TYPE: Final = "text/x.tlog.size"
TEXT_CONTENT_TYPE: Final = "text/plain; charset=utf-8"
MAX_PROOF_LINES: Final = 63
MAX_REQUEST_BYTES: Final = 128 * 1024
"""The largest request body a witness reads (a checkpoint with 100 signatures and a
63-hash proof is well under 20 KiB)."""

STATUS_OF_CODE: Final[Mapping[str, int]] = {
    "witness.bad-request": 400,
    "witness.old-size-too-large": 400,
    "witness.not-signed": 403,
    "witness.unknown-log": 404,
    "witness.not-found": 404,
    "witness.method-not-allowed": 405,
    "witness.length-required": 411,
    "witness.request-too-large": 413,
    "witness.conflict": 409,
    "witness.fork": 409,
    "witness.bad-proof": 422,
    "witness.request-timeout": 408,
    "witness.too-many-connections": 429,  # 503 when the cap is the witness's total
}
"""The HTTP status of each refusal a witness answers with."""


def _bad_request(en: str, id_: str, **details: Any) -> WitnessError:
    return WitnessError(
        code="witness.bad-request",
        en=f"malformed add-checkpoint request: {en}",
        id=f"permintaan add-checkpoint tidak sah: {id_}",
        **details,
    )


# ---------------------------------------------------------------------------------------
# Configuration: the logs a witness watches


@dataclass(frozen=True)
class WatchedLog:
    """A log the witness cosigns for: its origin and the keys it trusts to sign it."""

    origin: str
    verifiers: tuple[NoteVerifier, ...]

    def __post_init__(self) -> None:
        if not self.origin or not self.verifiers:
            raise WitnessError(
                code="witness.config-invalid",
                en="a watched log needs an origin and at least one verifier key",
                id="log yang diawasi memerlukan origin dan minimal satu kunci pemverifikasi",
            )


def watched_logs(pairs: Iterable[tuple[str, str]]) -> dict[str, WatchedLog]:
    """``{origin: WatchedLog}`` from ``(origin, vkey)`` pairs; an origin may repeat.

    A vkey that cannot be read is a NoteError (``log.key-*``); the same key twice for
    one origin is ``witness.config-invalid``.
    """
    keys: dict[str, list[NoteVerifier]] = {}
    for origin, vkey in pairs:
        verifier = NoteVerifier.from_vkey(vkey)
        listed = keys.setdefault(origin, [])
        if verifier in listed:
            raise WitnessError(
                code="witness.config-invalid",
                en=f"the key {vkey!r} is given twice for the log {origin!r}",
                id=f"kunci {vkey!r} disebut dua kali untuk log {origin!r}",
                origin=origin,
            )
        listed.append(verifier)
    return {origin: WatchedLog(origin, tuple(v)) for origin, v in keys.items()}


# ---------------------------------------------------------------------------------------
# Requests


@dataclass(frozen=True)
class AddCheckpointRequest:
    """A parsed add-checkpoint body: the old size, the proof, the signed checkpoint."""

    old_size: int
    proof: tuple[bytes, ...]
    note: bytes

    def to_bytes(self) -> bytes:
        return format_request(self.old_size, self.proof, self.note)


def format_request(old_size: int, proof: Sequence[bytes], note: bytes) -> bytes:
    """The add-checkpoint body for ``note`` with a proof from ``old_size``."""
    if type(old_size) is not int or not 0 <= old_size <= merkle.MAX_TREE_SIZE:
        raise _bad_request("the old size is a whole number from 0 to 2^64-1", "ukuran lama")
    if len(proof) > MAX_PROOF_LINES or any(len(h) != HASH_SIZE for h in proof):
        raise _bad_request(
            f"a proof is at most {MAX_PROOF_LINES} hashes of {HASH_SIZE} bytes",
            f"bukti paling banyak {MAX_PROOF_LINES} hash berukuran {HASH_SIZE} byte",
        )
    lines = [f"old {old_size}", *(encode_base64(h) for h in proof), ""]
    return "".join(line + "\n" for line in lines).encode("ascii") + note


def parse_request(body: bytes) -> AddCheckpointRequest:
    """Parse an add-checkpoint body strictly; WitnessError ``witness.bad-request``."""
    if not isinstance(body, bytes):
        raise _bad_request("the body is bytes", "badan permintaan harus byte")
    head, sep, note = body.partition(b"\n\n")
    if not sep or not note:
        raise _bad_request(
            "expected an old size line, proof lines, an empty line and a checkpoint",
            "harus ada baris ukuran lama, baris bukti, baris kosong, lalu checkpoint",
        )
    old_line, *proof_lines = head.split(b"\n")
    old_size = _parse_old_line(old_line)
    if len(proof_lines) > MAX_PROOF_LINES:
        raise _bad_request(
            f"at most {MAX_PROOF_LINES} proof lines, got {len(proof_lines)}",
            f"paling banyak {MAX_PROOF_LINES} baris bukti, didapat {len(proof_lines)}",
            lines=len(proof_lines),
        )
    proof = tuple(_parse_hash(number, line) for number, line in enumerate(proof_lines, 2))
    return AddCheckpointRequest(old_size, proof, note)


def _parse_old_line(line: bytes) -> int:
    size = None
    if line.startswith(b"old ") and line[4:].isascii():
        size = parse_decimal(line[4:].decode("ascii"))
    if size is None:
        raise _bad_request(
            f"the first line must be 'old <size>' (decimal, no leading zeros), got {line[:40]!r}",
            f"baris pertama harus 'old <ukuran>' (desimal, tanpa nol di depan), didapat "
            f"{line[:40]!r}",
        )
    return size


def _parse_hash(number: int, line: bytes) -> bytes:
    raw = decode_base64(line.decode("ascii")) if line.isascii() else None
    if raw is None or len(raw) != HASH_SIZE:
        raise _bad_request(
            f"line {number} is not the canonical base64 of a {HASH_SIZE}-byte hash",
            f"baris {number} bukan base64 kanonik dari hash {HASH_SIZE} byte",
            line=number,
        )
    return raw


# ---------------------------------------------------------------------------------------
# Deciding


def request_origin(note: bytes) -> str:
    """The origin line of a (not yet verified) checkpoint note."""
    first, newline, _ = note.partition(b"\n")
    try:
        origin = first.decode("utf-8") if newline else ""
    except UnicodeDecodeError:
        origin = ""
    if not origin:
        raise _bad_request(
            "the checkpoint does not start with an origin line",
            "checkpoint tidak diawali baris origin",
        )
    return origin


_UNSIGNED: Final = frozenset(
    ("log.checkpoint-no-log-signature", "log.note-bad-signature", "log.note-no-known-signature")
)
"""Why a well-formed note is not signed by a trusted key (403); anything else is 400."""


def open_request(request: AddCheckpointRequest, logs: Mapping[str, WatchedLog]) -> SignedCheckpoint:
    """The checkpoint, signed by a key trusted for its origin (404, 403 or 400 otherwise)."""
    origin = request_origin(request.note)
    log = logs.get(origin)
    if log is None:
        raise WitnessError(
            code="witness.unknown-log",
            en=f"this witness does not watch the log {origin!r}",
            id=f"pemantau ini tidak mengawasi log {origin!r}",
            origin=origin,
        )
    failure: LogError | None = None
    for verifier in log.verifiers:
        try:
            return open_checkpoint(request.note, verifier, origin=origin)
        except LogError as exc:
            failure = exc
    assert failure is not None
    if failure.code not in _UNSIGNED:
        raise _bad_request(failure.message_en, failure.message_id, cause=failure.code)
    raise WitnessError(
        code="witness.not-signed",
        en=f"the checkpoint of {origin!r} is not signed by a key this witness trusts for it",
        id=f"checkpoint {origin!r} tidak ditandatangani kunci yang dipercaya pemantau ini",
        origin=origin,
        cause=failure.code,
    )


def check_request(
    request: AddCheckpointRequest, new: Checkpoint, latest: Checkpoint | None
) -> None:
    """Refuse unless ``new`` may be cosigned after ``latest`` (400, 409 or 422).

    ``latest`` is the checkpoint this witness last cosigned for ``new.origin`` (None if
    it never did). Accepting means ``new`` extends ``latest`` (or is the same tree).
    """
    if request.old_size > new.size:
        raise WitnessError(
            code="witness.old-size-too-large",
            en=f"the old size {request.old_size} is larger than the checkpoint's size {new.size}",
            id=f"ukuran lama {request.old_size} lebih besar dari ukuran checkpoint {new.size}",
            old_size=request.old_size,
            checkpoint_size=new.size,
        )
    known = 0 if latest is None else latest.size
    if request.old_size != known:
        raise conflict(known)
    if new.size == known and latest is not None and latest.root != new.root:
        raise WitnessError(
            code="witness.fork",
            en=(
                f"this witness cosigned another tree of size {known} for {new.origin!r}: "
                "the log forked"
            ),
            id=(
                f"pemantau ini sudah menandatangani pohon lain berukuran {known} untuk "
                f"{new.origin!r}: log bercabang"
            ),
            size=known,
            cosigned_root=encode_base64(latest.root),
            root=encode_base64(new.root),
        )
    if known == 0:
        if request.proof:
            raise _bad_proof(known, new.size, "the proof from size 0 must be empty")
        if new.size == 0 and new.root != merkle.EMPTY_ROOT:
            raise _bad_proof(known, new.size, "the root of the empty tree is SHA-256 of nothing")
        return
    assert latest is not None
    try:
        merkle.verify_consistency(known, new.size, request.proof, latest.root, new.root)
    except LogError as exc:
        raise _bad_proof(known, new.size, exc.message_en, exc.code) from None


def conflict(known: int) -> WitnessError:
    """409: the old size is not the size last cosigned (``details.size``)."""
    return WitnessError(
        code="witness.conflict",
        en=f"the old size does not match: this witness last cosigned size {known}",
        id=f"ukuran lama tidak cocok: pemantau ini terakhir menandatangani ukuran {known}",
        size=known,
    )


def _bad_proof(old: int, new: int, why: str, cause: str | None = None) -> WitnessError:
    details: dict[str, Any] = {"old_size": old, "size": new}
    if cause:
        details["cause"] = cause
    return WitnessError(
        code="witness.bad-proof",
        en=f"the consistency proof from size {old} to {new} does not verify: {why}",
        id=f"bukti konsistensi dari ukuran {old} ke {new} tidak valid",
        **details,
    )


# ---------------------------------------------------------------------------------------
# Answering


@dataclass(frozen=True)
class Response:
    """An HTTP answer: status, content type and body."""

    status: int
    content_type: str
    body: bytes


def cosign(signer: CosignatureSigner, checkpoint: Checkpoint, timestamp: int) -> NoteSignature:
    """The witness's cosignature/v1 of ``checkpoint`` at ``timestamp`` (POSIX seconds)."""
    return signer.cosign(checkpoint.body(), timestamp)


def success_response(lines: Iterable[NoteSignature]) -> Response:
    """200 with one signature line per cosignature."""
    body = "".join(line.to_line() for line in lines).encode("utf-8")
    return Response(200, TEXT_CONTENT_TYPE, body)


def error_response(error: WitnessError) -> Response:
    """The HTTP answer to a refusal: its status, and for a size conflict the size."""
    status = STATUS_OF_CODE.get(error.code, 500)
    if error.code == "witness.conflict":
        return Response(status, SIZE_CONTENT_TYPE, b"%d\n" % error.details["size"])
    text = f"{error.code}: {error.message_en}\n{error.code}: {error.message_id}\n"
    return Response(status, TEXT_CONTENT_TYPE, text.encode("utf-8"))


__all__ = [
    "ADD_CHECKPOINT_PATH",
    "MAX_PROOF_LINES",
    "MAX_REQUEST_BYTES",
    "SIZE_CONTENT_TYPE",
    "STATUS_OF_CODE",
    "TEXT_CONTENT_TYPE",
    "AddCheckpointRequest",
    "Response",
    "WatchedLog",
    "check_request",
    "conflict",
    "cosign",
    "error_response",
    "format_request",
    "open_request",
    "parse_request",
    "request_origin",
    "success_response",
    "watched_logs",
]
