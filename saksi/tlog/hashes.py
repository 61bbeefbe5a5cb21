"""RFC 6962 / RFC 9162 hashing: SHA-256 with 0x00 leaf and 0x01 node prefixes."""

from __future__ import annotations

import hashlib

HASH_SIZE = 32
MAX_ENTRY_SIZE = 65_535
"""tlog-tiles entry bundles prefix each entry with a 16-bit length."""


def leaf_hash(entry: bytes) -> bytes:
    """The Merkle leaf hash of one log entry."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node."""
    return hashlib.sha256(b"\x01" + left + right).digest()
