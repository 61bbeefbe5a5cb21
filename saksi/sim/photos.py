"""Small generated images standing in for photos of a form's pages."""

from __future__ import annotations

import hashlib
import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def form_photo(label: str, size: int = 16) -> bytes:
    """A real (tiny, greyscale) PNG whose pixels derive from ``label``: distinct per page."""
    seed = hashlib.sha256(label.encode()).digest()
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter: none
        rows.extend(seed[(x * 7 + y * 3) % len(seed)] for x in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows)))
        + _chunk(b"IEND", b"")
    )


def photo_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
