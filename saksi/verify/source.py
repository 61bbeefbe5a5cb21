"""Where a publication's parts are: the log, the results and the photos.

A publication is a folder or a base URL::

    PUB/log/              C2SP tlog-tiles: checkpoint, tile/...      BASE/log/
    PUB/results/          the Publisher's files: latest.json, <N>/... BASE/results/
    PUB/photos/<sha256>   photo bytes, named by their SHA-256 (hex)  BASE/v1/photos/<sha256>

A bare log (a folder or URL with ``checkpoint`` directly in it) is a publication
without results or photos: only the log is checked. Every part is a
:class:`~saksi.tlog.tiledir.TileSource` (``read(relpath) -> bytes | None``), so the
verifier reads a folder and a web server the same way, with the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from saksi.tlog.remote import HttpTiles, open_source
from saksi.tlog.tiledir import TileDir, TileSource


@dataclass(frozen=True)
class Publication:
    """The parts of one publication; ``results`` and ``photos`` are None for a bare log."""

    where: str
    log: TileSource
    results: TileSource | None
    photos: TileSource | None

    @property
    def bare(self) -> bool:
        return self.results is None


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def open_publication(source: str | Path) -> Publication:
    """The publication at ``source``; LogError ``log.source-unreachable`` if unreadable.

    A folder (or URL) holding ``checkpoint`` is a bare log; otherwise the log is under
    ``log/``. Nothing else is read here.
    """
    text = str(source)
    if _is_url(text):
        base = text.rstrip("/") + "/"
        whole = HttpTiles(base)
        if whole.read("checkpoint") is not None:
            return Publication(base, whole, None, None)
        return Publication(
            base,
            HttpTiles(base + "log/"),
            HttpTiles(base + "results/"),
            HttpTiles(base + "v1/photos/"),
        )
    tiles = open_source(text)  # refuses a missing folder
    folder = Path(text)
    if (folder / "checkpoint").is_file() or not (folder / "log").is_dir():
        return Publication(text, tiles, None, None)
    return Publication(
        text,
        TileDir(folder / "log", durable=False),
        TileDir(folder / "results", durable=False),
        TileDir(folder / "photos", durable=False),
    )


__all__ = ["Publication", "open_publication"]
