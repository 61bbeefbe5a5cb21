"""C2SP tlog-checkpoint, signed by its log and cosigned by witnesses (``cosignature/v1``).

A checkpoint body (https://c2sp.org/tlog-checkpoint) is three or more lines, each
ending in a newline::

    <origin>
    <tree size, decimal, no leading zeros>
    <base64 of the 32-byte RFC 6962 root hash>
    [<extension line>...]

The log signs it as a signed note (:mod:`saksi.tlog.note`) with a key whose name is the
origin. Witnesses add ``cosignature/v1`` lines (https://c2sp.org/tlog-cosignature):
key type 0x04, and a signature ``8-byte big-endian timestamp || Ed25519 signature`` of
``"cosignature/v1\\ntime <timestamp>\\n" + body``. :class:`WitnessQuorum` counts the
valid cosignatures by a set of known witnesses against a threshold.

Parsing is strict (one body, one spelling); every refusal is a
:class:`~saksi.errors.CheckpointError` (``log.checkpoint-*``) or, for signatures and
keys, a :class:`~saksi.errors.NoteError`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from saksi.errors import CheckpointError, NoteError
from saksi.tlog.hashes import HASH_SIZE
from saksi.tlog.note import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    Note,
    NoteSignature,
    Signer,
    Verifier,
    add_signatures,
    check_key_name,
    check_public_key,
    decode_base64,
    ed25519_signing_key,
    encode_base64,
    format_vkey,
    key_id,
    open_note,
    parse_skey,
    parse_vkey,
    sign_note,
    split_note,
    verify_ed25519,
)

MAX_TREE_SIZE: Final = 2**64 - 1
"""Sizes are unsigned 64-bit numbers, as in C2SP implementations and :mod:`saksi.tlog.merkle`."""
MAX_TIMESTAMP: Final = 2**63 - 1
COSIGNATURE_V1_HEADER: Final = b"cosignature/v1\n"
COSIGNATURE_V1_SIZE: Final = 8 + 64
"""Bytes after the key ID in a cosignature/v1: timestamp and Ed25519 signature."""

_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_CONTROL = re.compile(r"[\x00-\x1f]")


def parse_decimal(text: str, limit: int = MAX_TREE_SIZE) -> int | None:
    """ASCII decimal without leading zeros, at most ``limit``; else None."""
    if len(text) > 20 or not _DECIMAL.fullmatch(text):
        return None
    value = int(text)
    return value if value <= limit else None


def _check_line(empty_code: str, what_en: str, what_id: str, line: object) -> str:
    if not isinstance(line, str) or not line:
        raise CheckpointError(
            code=empty_code,
            en=f"the checkpoint {what_en} must be a non-empty line",
            id=f"{what_id} checkpoint harus berupa baris yang tidak kosong",
        )
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        raise CheckpointError(
            code="log.checkpoint-not-utf8",
            en=f"the checkpoint {what_en} is not valid Unicode text",
            id=f"{what_id} checkpoint bukan teks Unicode yang sah",
        ) from None
    if _CONTROL.search(line):
        raise CheckpointError(
            code="log.checkpoint-control-character",
            en=f"the checkpoint {what_en} holds a newline or control character",
            id=f"{what_id} checkpoint memuat baris baru atau karakter kontrol",
        )
    return line


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: origin, size, root hash, and optional extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line("log.checkpoint-origin-empty", "origin", "origin", self.origin)
        if type(self.size) is not int or not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointError(
                code="log.checkpoint-size-malformed",
                en=f"a tree size is a whole number from 0 to 2^64-1, got {self.size!r}",
                id=f"ukuran pohon adalah bilangan bulat 0 sampai 2^64-1, didapat {self.size!r}",
            )
        if not isinstance(self.root, bytes) or len(self.root) != HASH_SIZE:
            raise CheckpointError(
                code="log.checkpoint-root-wrong-length",
                en=f"a root hash is {HASH_SIZE} bytes",
                id=f"hash akar harus {HASH_SIZE} byte",
            )
        if isinstance(self.extensions, list):
            object.__setattr__(self, "extensions", tuple(self.extensions))
        if not isinstance(self.extensions, tuple):
            raise CheckpointError(
                code="log.checkpoint-extension-malformed",
                en="extension lines are a tuple of text lines",
                id="baris ekstensi adalah tuple baris teks",
            )
        for line in self.extensions:
            _check_line("log.checkpoint-extension-empty", "extension line", "baris ekstensi", line)

    def body(self) -> bytes:
        """The note text: origin, size, base64 root and extensions, each line ending in \\n."""
        lines = [self.origin, str(self.size), encode_base64(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines).encode("utf-8")

    @classmethod
    def parse(cls, body: bytes) -> Checkpoint:
        """Parse a checkpoint body strictly (the inverse of :meth:`body`)."""
        try:
            text = body.decode("utf-8")
        except (UnicodeDecodeError, AttributeError):
            raise CheckpointError(
                code="log.checkpoint-not-utf8",
                en="a checkpoint is UTF-8 text",
                id="checkpoint harus berupa teks UTF-8",
            ) from None
        if not text.endswith("\n"):
            raise CheckpointError(
                code="log.checkpoint-no-final-newline",
                en="a checkpoint body ends in a newline",
                id="badan checkpoint harus diakhiri baris baru",
            )
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError(
                code="log.checkpoint-too-few-lines",
                en=f"a checkpoint has at least three lines (origin, size, root), got {len(lines)}",
                id=f"checkpoint minimal tiga baris (origin, ukuran, akar), didapat {len(lines)}",
            )
        origin, size_text, root_text, *extensions = lines
        _check_line("log.checkpoint-origin-empty", "origin", "origin", origin)
        return cls(origin, _parse_size(size_text), _parse_root(root_text), tuple(extensions))


def _parse_size(text: str) -> int:
    size = parse_decimal(text)
    if size is None:
        raise CheckpointError(
            code="log.checkpoint-size-malformed",
            en=(
                f"the tree size {text[:40]!r} is not a decimal number from 0 to 2^64-1 without "
                "leading zeros"
            ),
            id=(
                f"ukuran pohon {text[:40]!r} bukan bilangan "
                "desimal 0 sampai 2^64-1 tanpa nol di depan"
            ),
        )
    return size


def _parse_root(text: str) -> bytes:
    root = decode_base64(text)
    if root is None:
        raise CheckpointError(
            code="log.checkpoint-root-malformed",
            en=f"the root hash {text[:60]!r} is not canonical standard base64",
            id=f"hash akar {text[:60]!r} bukan base64 standar kanonik",
        )
    if len(root) != HASH_SIZE:
        raise CheckpointError(
            code="log.checkpoint-root-wrong-length",
            en=f"the root hash is {len(root)} bytes, expected {HASH_SIZE}",
            id=f"hash akar {len(root)} byte, seharusnya {HASH_SIZE}",
        )
    return root


# ---------------------------------------------------------------------------------------
# cosignature/v1


def _check_timestamp(timestamp: object) -> int:
    if type(timestamp) is int and 0 <= timestamp <= MAX_TIMESTAMP:
        return timestamp
    raise NoteError(
        code="log.cosignature-timestamp-invalid",
        en=(
            f"a cosignature timestamp is a whole number of seconds from 0 to 2^63-1, "
            f"got {timestamp!r:.40}"
        ),
        id=(
            f"stempel waktu kosignatur adalah detik bulat dari 0 sampai 2^63-1, "
            f"didapat {timestamp!r:.40}"
        ),
    )


def cosignature_message(body: bytes, timestamp: int) -> bytes:
    """``"cosignature/v1\\ntime <timestamp>\\n" + body``: what a v1 cosigner signs."""
    return COSIGNATURE_V1_HEADER + b"time %d\n" % timestamp + body


@dataclass(frozen=True)
class Cosignature:
    """A witness's cosignature/v1: name, key ID, timestamp and Ed25519 signature."""

    name: str
    key_id: int
    timestamp: int
    signature: bytes

    @classmethod
    def from_note_signature(cls, sig: NoteSignature) -> Cosignature:
        """Split a signature line's bytes into timestamp and signature."""
        if len(sig.signature) != COSIGNATURE_V1_SIZE:
            raise NoteError(
                code="log.cosignature-malformed",
                en=(
                    f"a cosignature/v1 by {sig.name!r} is {COSIGNATURE_V1_SIZE} bytes after the "
                    f"key ID, got {len(sig.signature)}"
                ),
                id=(
                    f"kosignatur/v1 oleh {sig.name!r} harus {COSIGNATURE_V1_SIZE} byte setelah ID "
                    f"kunci, didapat {len(sig.signature)}"
                ),
                name=sig.name,
            )
        timestamp = _check_timestamp(int.from_bytes(sig.signature[:8], "big"))
        return cls(sig.name, sig.key_id, timestamp, sig.signature[8:])

    def to_note_signature(self) -> NoteSignature:
        raw = _check_timestamp(self.timestamp).to_bytes(8, "big") + self.signature
        return NoteSignature(self.name, self.key_id, raw)


@dataclass(frozen=True)
class CosignatureVerifier:
    """Verifies a witness's cosignature/v1 (key type 0x04) of a checkpoint body."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_public_key(check_key_name(self.name), self.public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> CosignatureVerifier:
        """A type 0x04 verifier key, or a type 0x01 one for the same Ed25519 key."""
        name, _, key = parse_vkey(vkey, (ALG_ED25519, ALG_COSIGNATURE_V1))
        return cls(name, key)

    @property
    def key_id(self) -> int:
        return key_id(self.name, ALG_COSIGNATURE_V1, self.public_key)

    @property
    def vkey(self) -> str:
        return format_vkey(self.name, ALG_COSIGNATURE_V1, self.public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        """True if ``signature`` (timestamp || Ed25519) cosigns ``text``; never raises."""
        if len(signature) != COSIGNATURE_V1_SIZE:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        message = cosignature_message(text, timestamp)
        return verify_ed25519(self.public_key, message, signature[8:])


class CosignatureSigner:
    """Makes cosignature/v1 lines. ``repr`` never shows the seed."""

    __slots__ = ("_key", "key_id", "name", "public_key")

    def __init__(self, name: str, seed: bytes) -> None:
        self._key = ed25519_signing_key(seed)
        self.name = check_key_name(name)
        self.public_key = check_public_key(name, bytes(self._key.verify_key))
        self.key_id = key_id(name, ALG_COSIGNATURE_V1, self.public_key)

    @classmethod
    def from_skey(cls, skey: str) -> CosignatureSigner:
        """From a signer key of type 0x01 (an ordinary note key) or 0x04, as Go's witnesses."""
        name, _, seed = parse_skey(skey, (ALG_ED25519, ALG_COSIGNATURE_V1))
        return cls(name, seed)

    @property
    def vkey(self) -> str:
        return format_vkey(self.name, ALG_COSIGNATURE_V1, self.public_key)

    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self.name, self.public_key)

    def cosign(self, checkpoint_body: bytes, timestamp: int) -> NoteSignature:
        """The cosignature/v1 line of a checkpoint body at ``timestamp`` (POSIX seconds)."""
        timestamp = _check_timestamp(timestamp)
        Checkpoint.parse(checkpoint_body)
        message = cosignature_message(checkpoint_body, timestamp)
        raw = timestamp.to_bytes(8, "big") + self._key.sign(message).signature
        return NoteSignature(self.name, self.key_id, raw)

    def sign(self, text: bytes) -> NoteSignature:
        """:meth:`cosign` at the current time (so a cosigner is a note :class:`Signer`)."""
        return self.cosign(text, int(time.time()))

    def __repr__(self) -> str:
        return f"CosignatureSigner({self.vkey!r})"


# ---------------------------------------------------------------------------------------
# Signed checkpoints


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint whose log signature verified, with the note it came in."""

    checkpoint: Checkpoint
    note_bytes: bytes
    note: Note
    cosignatures: tuple[Cosignature, ...] = ()
    """Valid cosignatures by the witnesses given to :func:`open_checkpoint`."""


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> bytes:
    """The checkpoint as a note signed by the log's key, whose name must be the origin."""
    if signer.name != checkpoint.origin:
        raise CheckpointError(
            code="log.checkpoint-origin-mismatch",
            en=(
                f"the log key {signer.name!r} may only sign checkpoints of origin "
                f"{signer.name!r}, not {checkpoint.origin!r}"
            ),
            id=(
                f"kunci log {signer.name!r} hanya boleh menandatangani checkpoint ber-origin "
                f"{signer.name!r}, bukan {checkpoint.origin!r}"
            ),
        )
    return sign_note(checkpoint.body(), signer)


def open_checkpoint(
    data: bytes,
    log_verifier: Verifier,
    *,
    origin: str | None = None,
    witnesses: Sequence[CosignatureVerifier] = (),
) -> SignedCheckpoint:
    """Verify a signed checkpoint: the log's signature, form, origin and known cosignatures.

    ``origin`` defaults to the log key's name (a log may use another, as sum.golang.org
    does). Refuses with ``log.checkpoint-no-log-signature`` when the log did not sign,
    NoteError ``log.note-bad-signature`` when a known signature fails.
    """
    try:
        note = open_note(data, [log_verifier, *witnesses])
    except NoteError as exc:
        if exc.code != "log.note-no-known-signature":
            raise
        note = None
    if note is None or not note.signed_by(log_verifier.name, log_verifier.key_id):
        raise CheckpointError(
            code="log.checkpoint-no-log-signature",
            en=(
                f"the checkpoint is not signed by the log key {log_verifier.name!r} "
                f"({log_verifier.key_id:08x})"
            ),
            id=(
                f"checkpoint tidak ditandatangani kunci log {log_verifier.name!r} "
                f"({log_verifier.key_id:08x})"
            ),
        )
    checkpoint = Checkpoint.parse(note.text)
    expected = log_verifier.name if origin is None else origin
    if checkpoint.origin != expected:
        raise CheckpointError(
            code="log.checkpoint-origin-mismatch",
            en=f"the checkpoint is for origin {checkpoint.origin!r}, expected {expected!r}",
            id=f"checkpoint ini untuk origin {checkpoint.origin!r}, seharusnya {expected!r}",
            origin=checkpoint.origin,
            expected=expected,
        )
    slots = {(w.name, w.key_id) for w in witnesses}
    cosignatures = tuple(
        Cosignature.from_note_signature(s) for s in note.verified if (s.name, s.key_id) in slots
    )
    return SignedCheckpoint(checkpoint, data, note, cosignatures)


def add_cosignature(data: bytes, cosigner: CosignatureSigner, timestamp: int) -> bytes:
    """A signed checkpoint with ``cosigner``'s line added (its earlier line replaced).

    The caller (a witness) is responsible for having checked the checkpoint first.
    """
    text, _ = split_note(data)
    return add_signatures(data, [cosigner.cosign(text, timestamp)])


# ---------------------------------------------------------------------------------------
# Witness quorum


@dataclass(frozen=True)
class WitnessQuorum:
    """At least ``threshold`` of ``witnesses`` must have cosigned a checkpoint."""

    witnesses: tuple[CosignatureVerifier, ...]
    threshold: int

    def __post_init__(self) -> None:
        if isinstance(self.witnesses, list):
            object.__setattr__(self, "witnesses", tuple(self.witnesses))
        distinct = {(w.name, w.key_id) for w in self.witnesses}
        count_ok = type(self.threshold) is int and 0 <= self.threshold <= len(distinct)
        if len(distinct) != len(self.witnesses) or not count_ok:
            raise CheckpointError(
                code="log.quorum-invalid",
                en=(
                    f"a witness quorum needs distinct witnesses and a threshold from 0 to their "
                    f"number ({len(distinct)}), got {self.threshold}"
                ),
                id=(
                    "kuorum pemantau memerlukan pemantau yang "
                    "berbeda dan ambang 0 sampai jumlahnya "
                    f"({len(distinct)}), didapat {self.threshold}"
                ),
            )

    def cosignatures(self, signed: SignedCheckpoint) -> tuple[Cosignature, ...]:
        """The valid cosignatures of ``signed`` by these witnesses, one per witness.

        A known witness's line that fails to verify refuses the checkpoint
        (NoteError ``log.note-bad-signature``), as it would in :func:`open_note`.
        """
        lines = signed.note.verified + signed.note.unverified
        found: list[Cosignature] = []
        for witness in self.witnesses:
            mine = [s for s in lines if (s.name, s.key_id) == (witness.name, witness.key_id)]
            if not mine:
                continue
            if not witness.verify(signed.note.text, mine[0].signature):
                raise NoteError(
                    code="log.note-bad-signature",
                    en=f"the cosignature by witness {witness.name!r} does not verify",
                    id=f"kosignatur oleh pemantau {witness.name!r} tidak valid",
                    name=witness.name,
                    key_id=f"{witness.key_id:08x}",
                )
            found.append(Cosignature.from_note_signature(mine[0]))
        return tuple(found)

    def check(self, signed: SignedCheckpoint) -> tuple[Cosignature, ...]:
        """The cosignatures, or CheckpointError ``log.checkpoint-quorum-not-met``."""
        found = self.cosignatures(signed)
        if len(found) < self.threshold:
            raise CheckpointError(
                code="log.checkpoint-quorum-not-met",
                en=(
                    f"the checkpoint has {len(found)} valid cosignatures by known witnesses, "
                    f"{self.threshold} are required"
                ),
                id=(
                    f"checkpoint memiliki {len(found)} kosignatur sah dari pemantau yang dikenal, "
                    f"diperlukan {self.threshold}"
                ),
                found=len(found),
                threshold=self.threshold,
            )
        return found


def count_cosignatures(signed: SignedCheckpoint, witnesses: Iterable[CosignatureVerifier]) -> int:
    """How many distinct ``witnesses`` validly cosigned ``signed``."""
    unique = {(w.name, w.key_id): w for w in witnesses}
    return len(WitnessQuorum(tuple(unique.values()), 0).cosignatures(signed))


__all__ = [
    "MAX_TREE_SIZE",
    "Checkpoint",
    "Cosignature",
    "CosignatureSigner",
    "CosignatureVerifier",
    "SignedCheckpoint",
    "WitnessQuorum",
    "add_cosignature",
    "cosignature_message",
    "count_cosignatures",
    "open_checkpoint",
    "parse_decimal",
    "sign_checkpoint",
]
