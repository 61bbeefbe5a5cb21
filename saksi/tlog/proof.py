"""C2SP tlog-proof: an offline-verifiable receipt that an entry is in a log.

The text form (https://c2sp.org/tlog-proof, files conventionally ``*.tlog-proof``)::

    c2sp.org/tlog-proof@v1
    extra <base64 opaque data>          (optional, not authenticated)
    index <decimal, no leading zeros>
    <base64 inclusion proof hash>       (zero or more, leaf's sibling first)

    <the signed checkpoint note, verbatim, cosignatures included>

Parsing is strict: the header exactly, canonical base64, 32-byte hashes, an index
inside the checkpoint's tree, exactly as many hashes as an RFC 9162 inclusion proof
of that index in that tree has, and nothing after the checkpoint, which the format
includes verbatim and which ends with the newline of its last signature line (a file
with an empty line after it is ``log.proof-trailing-newline``; a reader that wants to
forgive what ``>`` and editors leave uses :func:`trailing_newlines` and says so).
Verifying checks the log's signature on the checkpoint, an optional witness quorum,
and the entry's inclusion under the checkpoint's root. Refusals are
:class:`~saksi.errors.ProofError` (``log.proof-*``), or the
:class:`~saksi.errors.NoteError` / :class:`~saksi.errors.CheckpointError` of the
embedded checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from saksi.errors import ProofError
from saksi.tlog import merkle
from saksi.tlog.checkpoint import (
    MAX_TREE_SIZE,
    Checkpoint,
    SignedCheckpoint,
    WitnessQuorum,
    open_checkpoint,
    parse_decimal,
)
from saksi.tlog.hashes import HASH_SIZE, leaf_hash
from saksi.tlog.note import Verifier, decode_base64, encode_base64, split_note

HEADER: Final = b"c2sp.org/tlog-proof@v1"
MAX_PROOF_HASHES: Final = 64
"""An inclusion proof in a tree of at most 2^64-1 leaves has at most 64 hashes."""


def _ascii(line: bytes) -> str:
    try:
        return line.decode("ascii")
    except UnicodeDecodeError:
        return "\ufffd"  # never valid base64 or decimal


@dataclass(frozen=True)
class TlogProof:
    """An entry's index, its inclusion proof, and the signed checkpoint it is proved in."""

    index: int
    hashes: tuple[bytes, ...]
    checkpoint: bytes
    """The signed checkpoint note, byte for byte as the log (and witnesses) signed it."""
    extra: bytes | None = None
    """Optional opaque data for the application; never authenticated."""

    def __post_init__(self) -> None:
        if type(self.index) is not int or not 0 <= self.index <= MAX_TREE_SIZE:
            raise ProofError(
                code="log.proof-index-malformed",
                en=f"an entry index is a whole number from 0 to 2^64-1, got {self.index!r:.40}",
                id=(
                    "indeks entri adalah bilangan bulat 0 "
                    f"sampai 2^64-1, didapat {self.index!r:.40}"
                ),
            )
        self._check_hashes()
        if self.extra is not None and (not isinstance(self.extra, bytes) or not self.extra):
            raise ProofError(
                code="log.proof-extra-malformed",
                en="extra data, when present, is at least one byte",
                id="data tambahan, bila ada, minimal satu byte",
            )
        checkpoint = self.parsed_checkpoint()
        if self.index >= checkpoint.size:
            raise ProofError(
                code="log.proof-index-out-of-range",
                en=(
                    f"entry {self.index} is not in the checkpoint's "
                    f"tree of {checkpoint.size} entries"
                ),
                id=(
                    f"entri {self.index} tidak ada dalam pohon checkpoint berisi {checkpoint.size} "
                    "entri"
                ),
                index=self.index,
                size=checkpoint.size,
            )
        want = merkle.inclusion_proof_length(self.index, checkpoint.size)
        if len(self.hashes) != want:
            raise ProofError(
                code="log.proof-wrong-length",
                en=(
                    f"an inclusion proof of entry {self.index} in a tree of {checkpoint.size} has "
                    f"{want} hashes, this one has {len(self.hashes)}"
                ),
                id=(
                    f"bukti inklusi entri {self.index} dalam pohon berukuran {checkpoint.size} "
                    f"memiliki {want} hash, yang ini {len(self.hashes)}"
                ),
                expected=want,
                got=len(self.hashes),
            )

    def _check_hashes(self) -> None:
        if isinstance(self.hashes, list):
            object.__setattr__(self, "hashes", tuple(self.hashes))
        if not isinstance(self.hashes, tuple):
            raise ProofError(
                code="log.proof-hash-malformed",
                en="an inclusion proof is a tuple of hashes",
                id="bukti inklusi adalah tuple berisi hash",
            )
        if len(self.hashes) > MAX_PROOF_HASHES:
            raise ProofError(
                code="log.proof-too-long",
                en=f"an inclusion proof has at most {MAX_PROOF_HASHES} hashes",
                id=f"bukti inklusi berisi paling banyak {MAX_PROOF_HASHES} hash",
            )
        for i, value in enumerate(self.hashes):
            if not isinstance(value, bytes) or len(value) != HASH_SIZE:
                raise ProofError(
                    code="log.proof-hash-malformed",
                    en=f"proof hash {i} is not {HASH_SIZE} bytes",
                    id=f"hash bukti ke-{i} tidak {HASH_SIZE} byte",
                    position=i,
                )

    def parsed_checkpoint(self) -> Checkpoint:
        """The checkpoint body (form only: its signatures are checked by :meth:`verify`)."""
        if not isinstance(self.checkpoint, bytes):
            raise ProofError(
                code="log.proof-checkpoint-missing",
                en="a proof carries its signed checkpoint as bytes",
                id="bukti memuat checkpoint bertanda tangan sebagai byte",
            )
        text, _ = split_note(self.checkpoint)
        return Checkpoint.parse(text)

    def to_text(self) -> bytes:
        """The ``c2sp.org/tlog-proof@v1`` text (the inverse of :meth:`parse`)."""
        lines = [HEADER.decode("ascii")]
        if self.extra is not None:
            lines.append(f"extra {encode_base64(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(encode_base64(h) for h in self.hashes)
        head = "".join(line + "\n" for line in lines) + "\n"
        return head.encode("ascii") + self.checkpoint

    @classmethod
    def parse(cls, data: bytes) -> TlogProof:
        """Parse a tlog-proof strictly."""
        if not isinstance(data, bytes):
            raise ProofError(
                code="log.proof-truncated", en="a proof is bytes", id="bukti harus berupa byte"
            )
        if data.endswith(b"\n\n"):
            raise ProofError(
                code="log.proof-trailing-newline",
                en=(
                    "the proof ends with an empty line after its checkpoint (a trailing newline, "
                    "as `>` and text editors leave it): a tlog-proof ends with the newline of "
                    "its checkpoint's last signature line"
                ),
                id=(
                    "bukti diakhiri baris kosong setelah checkpoint-nya (baris baru tambahan, "
                    "seperti yang ditinggalkan `>` dan penyunting teks): tlog-proof berakhir pada "
                    "baris baru dari baris tanda tangan terakhir checkpoint-nya"
                ),
                extra_newlines=trailing_newlines(data)[1],
            )
        lines = _Lines(data)
        if lines.take() != HEADER:
            raise ProofError(
                code="log.proof-header",
                en="a tlog-proof starts with the line 'c2sp.org/tlog-proof@v1'",
                id="tlog-proof diawali baris 'c2sp.org/tlog-proof@v1'",
            )
        line = lines.take()
        extra = None
        if line.startswith(b"extra"):
            extra = _parse_extra(line)
            line = lines.take()
        index = _parse_index(line)
        hashes: list[bytes] = []
        while line := lines.take():
            if len(hashes) == MAX_PROOF_HASHES:
                raise ProofError(
                    code="log.proof-too-long",
                    en=f"an inclusion proof has at most {MAX_PROOF_HASHES} hashes",
                    id=f"bukti inklusi paling banyak {MAX_PROOF_HASHES} hash",
                )
            hashes.append(_parse_hash(line, len(hashes)))
        return cls(index, tuple(hashes), lines.rest(), extra)

    def verify(
        self,
        entry: bytes | None,
        log_verifier: Verifier,
        *,
        origin: str | None = None,
        quorum: WitnessQuorum | None = None,
    ) -> SignedCheckpoint:
        """Check the log's signature, the witness ``quorum`` if given, and the entry.

        ``origin`` defaults to the log key's name. With ``entry=None`` only the
        checkpoint and the proof's form are checked. Returns the verified checkpoint.
        """
        witnesses = quorum.witnesses if quorum is not None else ()
        signed = open_checkpoint(self.checkpoint, log_verifier, origin=origin, witnesses=witnesses)
        if quorum is not None:
            quorum.check(signed)
        if entry is None:
            return signed
        if not isinstance(entry, bytes):
            raise ProofError(
                code="log.proof-entry-malformed",
                en="the entry to check is bytes",
                id="entri yang diperiksa harus berupa byte",
            )
        checkpoint = signed.checkpoint
        merkle.verify_inclusion(
            leaf_hash(entry), self.index, checkpoint.size, list(self.hashes), checkpoint.root
        )
        return signed


def trailing_newlines(data: bytes) -> tuple[bytes, int]:
    """``data`` with the empty lines after its last line taken off, and how many there
    were: a tlog-proof (or a signed note) ends with exactly one newline."""
    end = len(data.rstrip(b"\n"))
    extra = max(0, len(data) - end - 1)
    return data[: len(data) - extra], extra


class _Lines:
    """Newline-terminated lines of the head of a proof, then the rest verbatim."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def take(self) -> bytes:
        end = self._data.find(b"\n", self._pos)
        if end < 0:
            raise ProofError(
                code="log.proof-truncated",
                en="the proof ends before its blank line and checkpoint",
                id="bukti berakhir sebelum baris kosong dan checkpoint-nya",
            )
        line, self._pos = self._data[self._pos : end], end + 1
        return line

    def rest(self) -> bytes:
        return self._data[self._pos :]


def _parse_extra(line: bytes) -> bytes:
    extra = decode_base64(_ascii(line[6:])) if line.startswith(b"extra ") else None
    if not extra:
        raise ProofError(
            code="log.proof-extra-malformed",
            en="the extra line is 'extra ' and non-empty canonical base64",
            id="baris extra harus 'extra ' diikuti base64 kanonik yang tidak kosong",
        )
    return extra


def _parse_index(line: bytes) -> int:
    if not line.startswith(b"index "):
        raise ProofError(
            code="log.proof-index-missing",
            en="a tlog-proof has an 'index N' line after its header (and extra line)",
            id="tlog-proof memiliki baris 'index N' setelah header (dan baris extra)",
        )
    index = parse_decimal(_ascii(line[6:]))
    if index is None:
        raise ProofError(
            code="log.proof-index-malformed",
            en="the index is a decimal number from 0 to 2^64-1 without leading zeros",
            id="indeks adalah bilangan desimal 0 sampai 2^64-1 tanpa nol di depan",
        )
    return index


def _parse_hash(line: bytes, position: int) -> bytes:
    value = decode_base64(_ascii(line))
    if value is None or len(value) != HASH_SIZE:
        raise ProofError(
            code="log.proof-hash-malformed",
            en=f"proof line {position} is not the canonical base64 of a {HASH_SIZE}-byte hash",
            id=f"baris bukti ke-{position} bukan base64 kanonik dari hash {HASH_SIZE} byte",
            position=position,
        )
    return value


__all__ = ["HEADER", "MAX_PROOF_HASHES", "TlogProof", "trailing_newlines"]
