"""Ed25519 keys for signing statements (PyNaCl / libsodium).

Text forms (see docs/format.md):

- a public key is the standard base64 (with padding) of its 32 bytes: 44
  characters ending in ``=``, e.g. ``"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="``;
- a signature is the standard base64 of its 64 bytes: 88 characters ending in ``==``;
- a private key file holds one line, ``saksi-ed25519-private:<base64 of the 32-byte
  seed>``. The seed is the secret; :class:`SigningKey` never shows it in ``repr``.

Only the canonical base64 spelling is accepted (the unused low bits of the last
character must be zero), so every key and signature has one text form.

A public key that introduces a signer (manifest root keys, key registrations) must
be a valid Ed25519 point in the prime-order subgroup: libsodium's
``crypto_core_ed25519_is_valid_point`` refuses small-order and non-canonical
encodings, which would otherwise let one signature verify for many messages.
"""

from __future__ import annotations

import base64
import functools
import re
from typing import Final

import nacl.bindings
import nacl.exceptions
import nacl.signing

from saksi.errors import InputError, SignatureError

KEY_SIZE: Final = 32
SIGNATURE_SIZE: Final = 64
PRIVATE_PREFIX: Final = "saksi-ed25519-private:"

KEY_PATTERN: Final = r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$"
"""Canonical standard base64 of 32 bytes (the last character's two spare bits are 0)."""
SIGNATURE_PATTERN: Final = r"^[A-Za-z0-9+/]{85}[AQgw]==$"
"""Canonical standard base64 of 64 bytes (the last character's four spare bits are 0)."""

_KEY_RE = re.compile(KEY_PATTERN)
_SIG_RE = re.compile(SIGNATURE_PATTERN)


def _malformed_key(text: object, what: str) -> InputError:
    shown = text if isinstance(text, str) and len(text) <= 100 else f"<{type(text).__name__}>"
    return InputError(
        code="key.malformed",
        en=f"malformed {what} {shown!r}: expected standard base64 (with padding) of 32 bytes",
        id=f"{what} {shown!r} tidak sah: harus base64 standar (dengan padding) dari 32 byte",
        key=str(shown),
    )


def decode_key(text: str) -> bytes:
    """The 32 bytes of a public key's text form (format check only, no point check)."""
    if not isinstance(text, str) or not _KEY_RE.fullmatch(text):
        raise _malformed_key(text, "public key")
    return base64.b64decode(text)


def decode_signature(text: str) -> bytes:
    """The 64 bytes of a signature's text form; InputError if malformed."""
    if not isinstance(text, str) or not _SIG_RE.fullmatch(text):
        raise InputError(
            code="signature.malformed",
            en="malformed signature: expected standard base64 (with padding) of 64 bytes",
            id="tanda tangan tidak sah: harus base64 standar (dengan padding) dari 64 byte",
        )
    return base64.b64decode(text)


@functools.lru_cache(maxsize=1 << 15)
def _is_valid_point(raw: bytes) -> bool:
    """libsodium's point check (~30 µs), remembered: a key signed here is parsed again soon."""
    return bool(nacl.bindings.crypto_core_ed25519_is_valid_point(raw))


def b64(data: bytes) -> str:
    """Standard base64 with padding, as text."""
    return base64.b64encode(data).decode("ascii")


class PublicKey:
    """An Ed25519 public key: compared, hashed and shown by its base64 text."""

    __slots__ = ("_b64", "_raw", "_verify_key")

    def __init__(self, raw: bytes, *, check_point: bool = True) -> None:
        if not isinstance(raw, bytes) or len(raw) != KEY_SIZE:
            raise InputError(
                code="key.malformed",
                en=f"a public key is {KEY_SIZE} bytes",
                id=f"kunci publik harus {KEY_SIZE} byte",
            )
        if check_point and not _is_valid_point(raw):
            raise SignatureError(
                code="key.invalid-point",
                en=(
                    f"public key {b64(raw)} is not a usable Ed25519 key "
                    "(small-order, off the curve, or not canonically encoded)"
                ),
                id=(
                    f"kunci publik {b64(raw)} bukan kunci Ed25519 yang dapat dipakai "
                    "(orde kecil, di luar kurva, atau pengodean tidak kanonik)"
                ),
                key=b64(raw),
            )
        self._raw = raw
        self._b64 = b64(raw)
        self._verify_key = nacl.signing.VerifyKey(raw)

    @classmethod
    def from_b64(cls, text: str, *, check_point: bool = True) -> PublicKey:
        """Parse the text form; InputError ``key.malformed``, SignatureError ``key.invalid-point``.

        ``check_point=False`` skips the subgroup check (about 30 µs); verification still
        refuses small-order keys (libsodium checks them in ``verify``).
        """
        return cls(decode_key(text), check_point=check_point)

    @property
    def raw(self) -> bytes:
        return self._raw

    @property
    def b64(self) -> str:
        return self._b64

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True if ``signature`` is this key's signature of ``message``; never raises."""
        try:
            self._verify_key.verify(message, signature)
        except (
            nacl.exceptions.BadSignatureError,
            nacl.exceptions.ValueError,
            ValueError,
            TypeError,
        ):
            return False
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicKey) and other._raw == self._raw

    def __hash__(self) -> int:
        return hash(self._raw)

    def __repr__(self) -> str:
        return f"PublicKey({self._b64!r})"

    def __str__(self) -> str:
        return self._b64


class SigningKey:
    """An Ed25519 private key. ``repr`` and ``str`` show only the public key."""

    __slots__ = ("_public", "_signing_key")

    def __init__(self, signing_key: nacl.signing.SigningKey) -> None:
        self._signing_key = signing_key
        self._public = PublicKey(bytes(signing_key.verify_key), check_point=False)

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh random key (from the operating system's random source)."""
        return cls(nacl.signing.SigningKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        """The key for a 32-byte seed (deterministic: same seed, same key)."""
        if not isinstance(seed, bytes) or len(seed) != KEY_SIZE:
            raise InputError(
                code="key.malformed-private",
                en=f"a private key seed is {KEY_SIZE} bytes",
                id=f"benih kunci privat harus {KEY_SIZE} byte",
            )
        return cls(nacl.signing.SigningKey(seed))

    @classmethod
    def from_text(cls, text: str) -> SigningKey:
        """Parse ``saksi-ed25519-private:<base64 seed>`` (surrounding whitespace ignored)."""
        body = text.strip() if isinstance(text, str) else ""
        encoded = body[len(PRIVATE_PREFIX) :]
        if not body.startswith(PRIVATE_PREFIX) or not _KEY_RE.fullmatch(encoded):
            raise InputError(
                code="key.malformed-private",
                en=(
                    f"not a Saksi private key: expected one line '{PRIVATE_PREFIX}<base64 of a "
                    "32-byte seed>'"
                ),
                id=(
                    f"bukan kunci privat Saksi: harus satu baris '{PRIVATE_PREFIX}<base64 benih "
                    "32 byte>'"
                ),
            )
        return cls.from_seed(base64.b64decode(encoded))

    def to_text(self) -> str:
        """The private key file's content (one line, newline-terminated). Keep it secret."""
        return f"{PRIVATE_PREFIX}{b64(bytes(self._signing_key))}\n"

    @property
    def public(self) -> PublicKey:
        return self._public

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message`` (deterministic)."""
        return bytes(self._signing_key.sign(message).signature)

    def __repr__(self) -> str:
        return f"SigningKey(public={self._public.b64!r})"

    __str__ = __repr__


__all__ = [
    "KEY_PATTERN",
    "KEY_SIZE",
    "PRIVATE_PREFIX",
    "SIGNATURE_PATTERN",
    "SIGNATURE_SIZE",
    "PublicKey",
    "SigningKey",
    "b64",
    "decode_key",
    "decode_signature",
]
