"""The signed photo upload, ``saksi/photo/v1``: who may send a photo to the service.

A photo is sent with the uploader's public key and an Ed25519 signature over::

    saksi/photo/v1 LF <election> LF <sha256 of the photo, 64 lower-case hex> LF

(ASCII, every line ending in one line feed, nothing else). The domain string differs
from statements' ``saksi/statement/v1`` (a photo signature can never pass as a
statement's, nor the other way), the election is the log's origin (a signature for
one log means nothing to another), and the SHA-256 names the very bytes. The service
takes a photo only from a key the log knows, not revoked, of a role that signs
statements citing photos (:data:`saksi.election.authority.PHOTO_ROLES`).
docs/format.md ("Photo uploads") is the description for other implementations.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Final

from pydantic import TypeAdapter, ValidationError

from saksi.election.keys import PublicKey, SigningKey, b64, decode_key, decode_signature
from saksi.election.statements import ElectionId
from saksi.election.wire import schema_error
from saksi.errors import SignatureError

PHOTO_DOMAIN: Final = b"saksi/photo/v1\n"
"""The first line of every signed photo message."""
KEY_HEADER: Final = "Saksi-Key"
"""The HTTP header carrying the uploader's public key (standard base64)."""
SIGNATURE_HEADER: Final = "Saksi-Signature"
"""The HTTP header carrying the signature (standard base64)."""

_SHA256 = re.compile(r"[0-9a-f]{64}")
_ELECTION: TypeAdapter[str] = TypeAdapter(ElectionId)


def photo_message(election: str, sha256_hex: str) -> bytes:
    """The bytes an uploader signs for the photo whose SHA-256 is ``sha256_hex``;
    SchemaError ``input.schema`` for an election that is not a log origin."""
    try:
        _ELECTION.validate_python(election)
    except ValidationError as exc:
        raise schema_error(exc, "election") from None
    if not _SHA256.fullmatch(sha256_hex):
        raise ValueError("a photo is named by 64 lower-case hex digits")
    return PHOTO_DOMAIN + f"{election}\n{sha256_hex}\n".encode("ascii")


@dataclass(frozen=True, slots=True)
class PhotoSignature:
    """An upload's credentials: the public key and the signature, both as base64 text."""

    key: str
    sig: str

    @classmethod
    def parse(cls, key: str, sig: str) -> PhotoSignature:
        """From the headers' text; InputError ``key.malformed`` / ``signature.malformed``."""
        decode_key(key)
        decode_signature(sig)
        return cls(key, sig)

    def headers(self) -> dict[str, str]:
        """The two HTTP headers that carry it."""
        return {KEY_HEADER: self.key, SIGNATURE_HEADER: self.sig}

    def verify(self, election: str, sha256_hex: str) -> PublicKey:
        """The signer, if ``sig`` is ``key``'s signature of this photo for this election.

        InputError ``key.malformed`` / ``signature.malformed`` for unreadable text;
        SignatureError ``photo.bad-signature`` for a signature that does not verify.
        """
        signer = PublicKey.from_b64(self.key, check_point=False)
        if not signer.verify(photo_message(election, sha256_hex), decode_signature(self.sig)):
            raise SignatureError(
                code="photo.bad-signature",
                en=(
                    f"the signature is not key {self.key}'s signature of photo {sha256_hex} for "
                    f"election {election} (saksi/photo/v1)"
                ),
                id=(
                    f"tanda tangan bukan tanda tangan kunci {self.key} atas foto {sha256_hex} "
                    f"untuk pemilu {election} (saksi/photo/v1)"
                ),
                key=self.key,
                sha256=sha256_hex,
            )
        return signer


def sign_photo(key: SigningKey, election: str, data: bytes) -> PhotoSignature:
    """The upload credentials of ``data`` (the photo's bytes) by ``key`` for ``election``."""
    sha = hashlib.sha256(data).hexdigest()
    return PhotoSignature(key.public.b64, b64(key.sign(photo_message(election, sha))))


__all__ = [
    "KEY_HEADER",
    "PHOTO_DOMAIN",
    "SIGNATURE_HEADER",
    "PhotoSignature",
    "photo_message",
    "sign_photo",
]
