"""Reading a published log from wherever it is: a folder, or a URL over HTTP(S).

:func:`open_source` gives a :class:`~saksi.tlog.tiledir.TileSource` for either, and
:func:`open_published` reads its checkpoint (verifying the log's signature when a
verifier key is given) and checks that the tiles hash to the checkpoint's root, so
entries read through :meth:`PublishedLog.entries` (each checked against its leaf
hash) are exactly those the checkpoint commits to. A full check of every tile is
``saksi log fsck`` / ``saksi verify``.

Only the standard library: the verifier and the recap read logs without a web
framework.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from saksi.errors import LogError
from saksi.tlog.checkpoint import Checkpoint, open_checkpoint
from saksi.tlog.note import NoteVerifier, split_note
from saksi.tlog.tiledir import TileDir, TileSource
from saksi.tlog.tiles import TILE_WIDTH, TileReader

CHUNK: Final = 16 * TILE_WIDTH
"""Entries read per step by :meth:`PublishedLog.entries` (whole bundles)."""


class HttpTiles:
    """A TileSource over HTTP(S): ``read("tile/0/001")`` is ``GET <base>/tile/0/001``."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"HttpTiles({self.base_url!r})"

    def read(self, relpath: str) -> bytes | None:
        url = self.base_url + relpath
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise _unreachable(url, f"HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc.__class__.__name__
            raise _unreachable(url, str(reason)) from None


def _unreachable(where: str, reason: str) -> LogError:
    return LogError(
        code="log.source-unreachable",
        en=f"cannot read {where}: {reason}",
        id=f"tidak dapat membaca {where}: {reason}",
        source=where,
        reason=reason,
    )


def open_source(source: str | Path) -> TileSource:
    """A folder path or an ``http://`` / ``https://`` URL of a tlog-tiles publication."""
    text = str(source)
    if text.startswith(("http://", "https://")):
        return HttpTiles(text)
    folder = Path(text)
    if not folder.is_dir():
        raise _unreachable(text, "not a folder or an http(s) URL")
    return TileDir(folder, durable=False)


@dataclass(frozen=True)
class PublishedLog:
    """A publication at one checkpoint: read its entries through :meth:`entries`."""

    source: TileSource
    checkpoint: Checkpoint
    note: bytes  # the checkpoint as published (a signed note)
    signature_checked: bool  # the log's signature was verified with a given key

    @property
    def size(self) -> int:
        return self.checkpoint.size

    def reader(self) -> TileReader:
        return TileReader(self.source, self.checkpoint.size)

    def entries(self, start: int = 0, stop: int | None = None) -> Iterator[bytes]:
        """Entries ``start`` .. ``stop`` (default: the checkpoint's size), in order."""
        reader = self.reader()
        end = self.checkpoint.size if stop is None else stop
        for first in range(start, end, CHUNK):
            yield from reader.entries(first, min(first + CHUNK, end))


def _read_checkpoint(source: TileSource, verifier: NoteVerifier | None) -> tuple[Checkpoint, bytes]:
    data = source.read("checkpoint")
    if data is None:
        raise LogError(
            code="log.source-no-checkpoint",
            en=f"{source!r} has no checkpoint: it is not a published log",
            id=f"{source!r} tidak memiliki checkpoint: bukan log yang dipublikasikan",
            source=repr(source),
        )
    if verifier is not None:
        return open_checkpoint(data, verifier).checkpoint, data
    text, _ = split_note(data)
    return Checkpoint.parse(text), data


def open_published(source: str | Path, *, verifier: NoteVerifier | None = None) -> PublishedLog:
    """The publication at ``source``; its tiles must hash to its checkpoint's root."""
    tiles = open_source(source)
    checkpoint, note = _read_checkpoint(tiles, verifier)
    root = TileReader(tiles, checkpoint.size).root() if checkpoint.size else None
    if root is not None and root != checkpoint.root:
        raise LogError(
            code="log.source-root-mismatch",
            en=(
                f"the tiles of {source} do not hash to the root of its checkpoint "
                f"(size {checkpoint.size}): the publication is damaged or altered"
            ),
            id=(
                f"tile {source} tidak menghasilkan root checkpoint-nya (ukuran "
                f"{checkpoint.size}): publikasi rusak atau diubah"
            ),
            size=checkpoint.size,
        )
    return PublishedLog(tiles, checkpoint, note, verifier is not None)


__all__ = ["CHUNK", "HttpTiles", "PublishedLog", "open_published", "open_source"]
