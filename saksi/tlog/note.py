"""C2SP signed notes with Go-compatible key strings.

A signed note (https://c2sp.org/signed-note) is a UTF-8 text ending in a newline, a
blank line, then one or more signature lines::

    — <key name> base64(4-byte big-endian key ID || signature)

Key strings are those of Go's ``golang.org/x/mod/sumdb/note``: a verifier key is
``<name>+<key ID, 8 hex digits>+base64(type byte || public key)``, a signer key is
``PRIVATE+KEY+<name>+<key ID>+base64(type byte || 32-byte Ed25519 seed)``, and the key
ID is ``SHA-256(name || "\\n" || type byte || public key)[:4]``, big-endian. Type 0x01
signs the note text with Ed25519; type 0x04 (witness cosignatures) lives in
:mod:`saksi.tlog.checkpoint`.

Opening a note follows Go's ``note.Open``: signatures by keys the caller does not know
are kept as unverified; a signature by a known key that fails refuses the whole note; a
note no known key signed is refused. Stricter than Go so that each note and key has one
spelling: base64 must be canonical, key names may not hold control characters, and an
Ed25519 public key must be a valid point of the prime-order group. Every refusal is a
:class:`~saksi.errors.NoteError` with a ``log.note-*`` or ``log.key-*`` code.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, Protocol

import nacl.bindings
import nacl.exceptions
import nacl.signing

from saksi.errors import NoteError

ALG_ED25519: Final = 0x01
ALG_COSIGNATURE_V1: Final = 0x04
MAX_SIGNATURES: Final = 100
"""Signature lines accepted in one note (Go's limit; C2SP asks for at least 16)."""
SIGNATURE_PREFIX: Final = "— "
ED25519_KEY_SIZE: Final = 32
ED25519_SIGNATURE_SIZE: Final = 64

# Go's unicode.IsSpace: the Unicode White_Space property.
_SPACES: Final = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_HEX8 = re.compile(r"[0-9a-fA-F]{8}")
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")


def _shown(text: object, limit: int = 80) -> str:
    """A short, safe rendering of untrusted input for a message."""
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def decode_base64(text: str) -> bytes | None:
    """Canonical standard base64 (RFC 4648 section 4, padded) to bytes, else None."""
    if not _BASE64.fullmatch(text):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b64encode(raw).decode("ascii") == text else None


def encode_base64(raw: bytes) -> str:
    """Standard padded base64 as text."""
    return base64.b64encode(raw).decode("ascii")


def is_valid_name(name: object) -> bool:
    """A key name: non-empty UTF-8 without Unicode spaces, ``+`` or control characters."""
    if not isinstance(name, str) or not name or "+" in name or _CONTROL.search(name):
        return False
    if any(ch in _SPACES for ch in name):
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def key_id(name: str, alg: int, public_key: bytes) -> int:
    """``SHA-256(name || "\\n" || alg || public_key)[:4]`` as a big-endian uint32."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([alg]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def format_vkey(name: str, alg: int, public_key: bytes) -> str:
    """The verifier key string ``name+hhhhhhhh+base64(alg || public_key)``."""
    return f"{name}+{key_id(name, alg, public_key):08x}+{encode_base64(bytes([alg]) + public_key)}"


# ---------------------------------------------------------------------------------------
# Key strings

_KEY_WORDS: Final = {
    False: ("verifier key", "kunci pemverifikasi"),
    True: ("signer key", "kunci penanda tangan"),
}


def _key_error(private: bool, *, code: str, en: str, id: str, **details: Any) -> NoteError:
    what_en, what_id = _KEY_WORDS[private]
    return NoteError(code=code, en=f"{what_en}: {en}", id=f"{what_id}: {id}", **details)


def _parse_key(text: object, private: bool, allowed: tuple[int, ...]) -> tuple[str, int, bytes]:
    """``(name, type, key)`` of a key string; a signer key's text is never echoed."""
    fields = text.split("+", 4 if private else 2) if isinstance(text, str) else []
    if private and (fields[:2] != ["PRIVATE", "KEY"] or len(fields) != 5):
        raise _key_error(
            private,
            code="log.key-malformed",
            en="expected PRIVATE+KEY+<name>+<key ID>+<base64 key>",
            id="harus PRIVATE+KEY+<nama>+<ID kunci>+<kunci base64>",
        )
    if len(fields) != 3 and not private:
        raise _key_error(
            private,
            code="log.key-malformed",
            en=f"expected <name>+<key ID>+<base64 key>, got {_shown(text)}",
            id=f"harus <nama>+<ID kunci>+<kunci base64>, didapat {_shown(text)}",
        )
    name, hex_id, b64 = fields[-3:]
    check_key_name(name)
    raw = decode_base64(b64)
    if not _HEX8.fullmatch(hex_id) or not raw:
        raise _key_error(
            private,
            code="log.key-malformed",
            en=f"the key ID of {name!r} must be 8 hex digits and its key canonical base64",
            id=f"ID kunci {name!r} harus 8 digit heksadesimal dan kuncinya base64 kanonik",
            name=name,
        )
    alg, key = raw[0], raw[1:]
    if alg not in allowed:
        raise _key_error(
            private,
            code="log.key-unknown-type",
            en=(
                f"{name!r} has signature type 0x{alg:02x}, expected "
                + " or ".join(f"0x{a:02x}" for a in allowed)
            ),
            id=(
                f"{name!r} bertipe tanda tangan 0x{alg:02x}, seharusnya "
                + " atau ".join(f"0x{a:02x}" for a in allowed)
            ),
            name=name,
            type=alg,
        )
    public_key = (
        bytes(ed25519_signing_key(key).verify_key) if private else check_public_key(name, key)
    )
    expected = key_id(name, alg, public_key)
    if int(hex_id, 16) != expected:
        raise _key_error(
            private,
            code="log.key-id-mismatch",
            en=f"{name!r} says key ID {hex_id}, but its name and key give {expected:08x}",
            id=(
                f"{name!r} menyebut ID kunci {hex_id}, tetapi nama dan kuncinya menghasilkan "
                f"{expected:08x}"
            ),
            name=name,
            key_id=hex_id,
            expected=f"{expected:08x}",
        )
    return name, alg, key


def parse_vkey(vkey: str, allowed: tuple[int, ...] = (ALG_ED25519,)) -> tuple[str, int, bytes]:
    """``(name, type, public key)`` of ``name+keyid+base64(type || key)``, type in ``allowed``."""
    return _parse_key(vkey, False, allowed)


def parse_skey(skey: str, allowed: tuple[int, ...] = (ALG_ED25519,)) -> tuple[str, int, bytes]:
    """``(name, type, seed)`` of ``PRIVATE+KEY+name+keyid+base64(type || seed)``."""
    return _parse_key(skey, True, allowed)


def check_key_name(name: object) -> str:
    """``name`` if it is a valid key name, else NoteError ``log.key-name-invalid``."""
    if not is_valid_name(name):
        raise NoteError(
            code="log.key-name-invalid",
            en=(
                f"invalid key name {_shown(name)}: a name is non-empty, without spaces, '+' or "
                "control characters"
            ),
            id=(
                f"nama kunci {_shown(name)} tidak sah: tidak boleh kosong, tanpa spasi, '+' atau "
                "karakter kontrol"
            ),
            name=_shown(name),
        )
    return str(name)


def check_public_key(name: str, public_key: object) -> bytes:
    """A 32-byte Ed25519 public key that is a valid prime-order point, else NoteError."""
    if not isinstance(public_key, bytes) or len(public_key) != ED25519_KEY_SIZE:
        raise NoteError(
            code="log.key-malformed",
            en=f"the Ed25519 public key of {name!r} must be {ED25519_KEY_SIZE} bytes",
            id=f"kunci publik Ed25519 {name!r} harus {ED25519_KEY_SIZE} byte",
            name=name,
        )
    if not nacl.bindings.crypto_core_ed25519_is_valid_point(public_key):
        raise NoteError(
            code="log.key-invalid-point",
            en=(
                f"the public key of {name!r} is not a usable Ed25519 key (small-order, off the "
                "curve, or not canonically encoded)"
            ),
            id=(
                f"kunci publik {name!r} bukan kunci Ed25519 yang dapat dipakai (orde kecil, di "
                "luar kurva, atau pengodean tidak kanonik)"
            ),
            name=name,
        )
    return public_key


def ed25519_signing_key(seed: object) -> nacl.signing.SigningKey:
    """The signing key of a 32-byte seed, else NoteError ``log.key-malformed``."""
    if not isinstance(seed, bytes) or len(seed) != ED25519_KEY_SIZE:
        raise NoteError(
            code="log.key-malformed",
            en=f"an Ed25519 private key (seed) is {ED25519_KEY_SIZE} bytes",
            id=f"kunci privat (benih) Ed25519 harus {ED25519_KEY_SIZE} byte",
        )
    return nacl.signing.SigningKey(seed)


# ---------------------------------------------------------------------------------------
# Signatures, signers and verifiers


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: the key's name and ID, and the signature bytes after the ID."""

    name: str
    key_id: int
    signature: bytes

    def __post_init__(self) -> None:
        if not is_valid_name(self.name):
            raise NoteError(
                code="log.note-signer-name-invalid",
                en=f"invalid key name {_shown(self.name)} in a signature",
                id=f"nama kunci {_shown(self.name)} pada tanda tangan tidak sah",
            )
        if not isinstance(self.key_id, int) or not 0 <= self.key_id < 2**32:
            raise NoteError(
                code="log.note-signature-malformed",
                en="a key ID is an unsigned 32-bit number",
                id="ID kunci adalah bilangan 32-bit tak bertanda",
            )
        if not isinstance(self.signature, bytes) or not self.signature:
            raise NoteError(
                code="log.note-signature-malformed",
                en="a signature is at least one byte after the key ID",
                id="tanda tangan minimal satu byte setelah ID kunci",
            )

    @property
    def base64(self) -> str:
        """``base64(key ID || signature)``, as written on the line."""
        return encode_base64(self.key_id.to_bytes(4, "big") + self.signature)

    def to_line(self) -> str:
        """``"— name base64\\n"``."""
        return f"{SIGNATURE_PREFIX}{self.name} {self.base64}\n"

    @classmethod
    def from_line(cls, line: str) -> NoteSignature:
        """Parse one signature line, its final newline included."""
        if not isinstance(line, str) or not line.endswith("\n") or "\n" in line[:-1]:
            raise _line_malformed(line, "a signature line is one line ending in a newline")
        return _parse_signature_line(line[:-1])


def _line_malformed(line: object, why_en: str, why_id: str | None = None) -> NoteError:
    return NoteError(
        code="log.note-signature-malformed",
        en=f"malformed signature line {_shown(line)}: {why_en}",
        id=f"baris tanda tangan {_shown(line)} tidak sah: {why_id or why_en}",
        line=_shown(line),
    )


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise _line_malformed(
            line, "it must start with an em dash and a space", "harus diawali em dash dan spasi"
        )
    name, _, b64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
    raw = decode_base64(b64)
    if not is_valid_name(name) or raw is None or len(raw) < 5:
        raise _line_malformed(
            line,
            "expected '— <key name> <canonical base64 of key ID and signature>'",
            "harus '— <nama kunci> <base64 kanonik dari ID kunci dan tanda tangan>'",
        )
    return NoteSignature(name, int.from_bytes(raw[:4], "big"), raw[4:])


class Verifier(Protocol):
    """Checks signatures by one key, identified by name and key ID."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def verify(self, text: bytes, signature: bytes) -> bool:
        """True if ``signature`` (the bytes after the key ID) signs ``text``."""
        ...


class Signer(Protocol):
    """Makes signature lines with one key."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def sign(self, text: bytes) -> NoteSignature: ...


def verify_ed25519(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True if ``signature`` is a valid Ed25519 signature of ``message``; never raises."""
    if len(signature) != ED25519_SIGNATURE_SIZE:
        return False
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError):
        return False
    return True


@dataclass(frozen=True)
class NoteVerifier:
    """An Ed25519 (type 0x01) note verifier."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_public_key(check_key_name(self.name), self.public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> NoteVerifier:
        """Parse ``name+keyid+base64(0x01 || public key)``."""
        name, _, key = parse_vkey(vkey, (ALG_ED25519,))
        return cls(name, key)

    @property
    def key_id(self) -> int:
        return key_id(self.name, ALG_ED25519, self.public_key)

    @property
    def vkey(self) -> str:
        return format_vkey(self.name, ALG_ED25519, self.public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        return verify_ed25519(self.public_key, text, signature)


class NoteSigner:
    """An Ed25519 (type 0x01) note signer. ``repr`` never shows the seed."""

    __slots__ = ("_key", "key_id", "name", "public_key")

    def __init__(self, name: str, seed: bytes) -> None:
        self._key = ed25519_signing_key(seed)
        self.name = check_key_name(name)
        self.public_key = check_public_key(name, bytes(self._key.verify_key))
        self.key_id = key_id(name, ALG_ED25519, self.public_key)

    @classmethod
    def from_skey(cls, skey: str) -> NoteSigner:
        """Parse ``PRIVATE+KEY+name+keyid+base64(0x01 || seed)``."""
        name, _, seed = parse_skey(skey, (ALG_ED25519,))
        return cls(name, seed)

    @property
    def skey(self) -> str:
        raw = bytes([ALG_ED25519]) + bytes(self._key)
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{encode_base64(raw)}"

    @property
    def vkey(self) -> str:
        return format_vkey(self.name, ALG_ED25519, self.public_key)

    def verifier(self) -> NoteVerifier:
        return NoteVerifier(self.name, self.public_key)

    def sign(self, text: bytes) -> NoteSignature:
        """The signature line of ``text`` (the note text, final newline included)."""
        return NoteSignature(self.name, self.key_id, self._key.sign(text).signature)

    def __repr__(self) -> str:
        return f"NoteSigner({self.vkey!r})"


def generate_key(name: str) -> tuple[str, str]:
    """A fresh Ed25519 key for ``name``: ``(signer key, verifier key)`` strings, as Go's."""
    signer = NoteSigner(name, bytes(nacl.signing.SigningKey.generate()))
    return signer.skey, signer.vkey


# ---------------------------------------------------------------------------------------
# Notes


@dataclass(frozen=True)
class Note:
    """An opened note: its text and its signatures, verified or by unknown keys."""

    text: bytes
    verified: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]

    def signed_by(self, name: str, key_id: int) -> bool:
        return any(s.name == name and s.key_id == key_id for s in self.verified)


def check_text(text: bytes) -> str:
    """Refuse what no note may hold: not UTF-8, control characters, no final newline."""
    if not isinstance(text, bytes):
        raise NoteError(
            code="log.note-not-utf8", en="a note is bytes", id="catatan harus berupa byte"
        )
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoteError(
            code="log.note-not-utf8",
            en=f"a signed note must be valid UTF-8 (bad byte at offset {exc.start})",
            id=f"catatan bertanda tangan harus UTF-8 yang sah (byte salah pada posisi {exc.start})",
            offset=exc.start,
        ) from None
    control = _CONTROL.search(decoded)
    if control:
        raise NoteError(
            code="log.note-control-character",
            en=(
                f"a signed note may not hold control characters other than newline "
                f"(found {control.group()!r})"
            ),
            id=(
                f"catatan bertanda tangan tidak boleh memuat karakter kontrol selain baris baru "
                f"(ditemukan {control.group()!r})"
            ),
        )
    if not decoded.endswith("\n"):
        raise NoteError(
            code="log.note-text-malformed",
            en="a note's text must end in a newline",
            id="teks catatan harus diakhiri baris baru",
        )
    return decoded


def split_note(data: bytes) -> tuple[bytes, tuple[NoteSignature, ...]]:
    """The text and signature lines of a note, checked for form only (nothing verified)."""
    decoded = check_text(data)
    split = decoded.rfind("\n\n")
    if split < 0:
        raise NoteError(
            code="log.note-malformed",
            en="a signed note needs a blank line followed by signature lines",
            id="catatan bertanda tangan memerlukan baris kosong lalu baris tanda tangan",
        )
    text, block = decoded[: split + 1], decoded[split + 2 :]
    if not block:
        raise NoteError(
            code="log.note-malformed",
            en="a signed note has at least one signature line after the blank line",
            id=(
                "catatan bertanda tangan memiliki minimal "
                "satu baris tanda tangan setelah baris kosong"
            ),
        )
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(
            code="log.note-too-many-signatures",
            en=f"a note may carry at most {MAX_SIGNATURES} signatures, this one has {len(lines)}",
            id=f"catatan paling banyak memuat {MAX_SIGNATURES} tanda tangan, yang ini {len(lines)}",
            count=len(lines),
        )
    return text.encode("utf-8"), tuple(_parse_signature_line(line) for line in lines)


def _index_verifiers(verifiers: Iterable[Verifier]) -> dict[tuple[str, int], Verifier]:
    known: dict[tuple[str, int], Verifier] = {}
    for verifier in verifiers:
        slot = (verifier.name, verifier.key_id)
        other = known.setdefault(slot, verifier)
        if other is not verifier and other != verifier:
            raise NoteError(
                code="log.note-ambiguous-key",
                en=f"two different verifiers share the name {slot[0]!r} and key ID {slot[1]:08x}",
                id=f"dua pemverifikasi berbeda memakai nama {slot[0]!r} dan ID kunci {slot[1]:08x}",
                name=slot[0],
                key_id=f"{slot[1]:08x}",
            )
    return known


def open_note(data: bytes, verifiers: Iterable[Verifier]) -> Note:
    """Parse a signed note and verify the signatures of the known keys.

    Signatures by unknown keys are kept in :attr:`Note.unverified` (identical lines
    once); a second signature by the same known key is dropped, as Go does. Refuses
    with ``log.note-bad-signature`` if a known key's signature fails and
    ``log.note-no-known-signature`` if no known key signed.
    """
    text, signatures = split_note(data)
    known = _index_verifiers(verifiers)
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    seen: set[tuple[str, int]] = set()
    for sig in signatures:
        slot = (sig.name, sig.key_id)
        verifier = known.get(slot)
        if verifier is None:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if slot in seen:
            continue
        seen.add(slot)
        if not verifier.verify(text, sig.signature):
            raise NoteError(
                code="log.note-bad-signature",
                en=f"the signature by {sig.name!r} (key {sig.key_id:08x}) does not verify",
                id=f"tanda tangan oleh {sig.name!r} (kunci {sig.key_id:08x}) tidak valid",
                name=sig.name,
                key_id=f"{sig.key_id:08x}",
            )
        verified.append(sig)
    if not verified:
        names = sorted({s.name for s in signatures})
        raise NoteError(
            code="log.note-no-known-signature",
            en=f"the note is not signed by any known key (signed by: {', '.join(names)})",
            id=(
                f"catatan tidak ditandatangani kunci yang dikenal (ditandatangani oleh: "
                f"{', '.join(names)})"
            ),
            signers=names,
        )
    return Note(text, tuple(verified), tuple(unverified))


def sign_note(text: bytes, *signers: Signer) -> bytes:
    """``text + "\\n" +`` one signature line per signer (in the order given)."""
    check_text(text)
    if not signers:
        raise NoteError(
            code="log.note-no-signer",
            en="a signed note needs at least one signer",
            id="catatan bertanda tangan memerlukan minimal satu penanda tangan",
        )
    return _assemble(text, (), [signer.sign(text) for signer in signers])


def add_signatures(data: bytes, signatures: Iterable[NoteSignature]) -> bytes:
    """Append signature lines to a signed note; nothing is verified here.

    An existing line by the same (name, key ID) is replaced, as Go's ``note.Sign`` does.
    """
    text, old = split_note(data)
    return _assemble(text, old, list(signatures))


def _assemble(text: bytes, old: Iterable[NoteSignature], new: list[NoteSignature]) -> bytes:
    slots = {(s.name, s.key_id) for s in new}
    lines = [s for s in old if (s.name, s.key_id) not in slots] + new
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(
            code="log.note-too-many-signatures",
            en=f"a note may carry at most {MAX_SIGNATURES} signatures",
            id=f"catatan paling banyak memuat {MAX_SIGNATURES} tanda tangan",
            count=len(lines),
        )
    return text + b"\n" + "".join(s.to_line() for s in lines).encode("utf-8")


__all__ = [
    "ALG_COSIGNATURE_V1",
    "ALG_ED25519",
    "MAX_SIGNATURES",
    "Note",
    "NoteSignature",
    "NoteSigner",
    "NoteVerifier",
    "Signer",
    "Verifier",
    "add_signatures",
    "check_key_name",
    "check_public_key",
    "check_text",
    "decode_base64",
    "ed25519_signing_key",
    "encode_base64",
    "format_vkey",
    "generate_key",
    "is_valid_name",
    "key_id",
    "open_note",
    "parse_skey",
    "parse_vkey",
    "sign_note",
    "split_note",
    "verify_ed25519",
]
