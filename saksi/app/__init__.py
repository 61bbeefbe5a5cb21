"""The entry app: officers and party witnesses enter, check, sign and send a form.

A static web app (HTML, CSS, ES modules; no build step, nothing from another origin)
that ``saksi serve`` serves at ``/app/`` (:mod:`saksi.service.routes_app`). It is
installable (web app manifest) and works offline once loaded (a service worker keeps
its files; an IndexedDB outbox keeps signed statements until they are sent). The
rules it checks while the officer types are generated from the Python ones
(:mod:`saksi.app.ruletable`). docs/app.md is the user guide and explains its
security.

:func:`assets` gives every file the app is made of, by its path under ``/app/``.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

__all__ = ["STATIC", "Asset", "assets"]

STATIC: Final = Path(__file__).parent / "static"
"""The app's files (shipped as package data)."""

_TYPES: Final = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}
_WORKER: Final = "sw.js"


@dataclass(frozen=True, slots=True)
class Asset:
    """One file of the app: its bytes and its content type."""

    name: str
    data: bytes
    content_type: str


@functools.cache
def assets() -> Mapping[str, Asset]:
    """Every file of the app by its path under /app/ (``index.html``, ``vendor/...``).

    The service worker (``sw.js``) is written with the list of files to keep offline
    and a version (a digest of every other file), so a new release replaces the copy
    phones keep.
    """
    found: dict[str, Asset] = {}
    for path in sorted(STATIC.rglob("*")):
        kind = _TYPES.get(path.suffix)
        if path.is_file() and kind is not None:
            name = path.relative_to(STATIC).as_posix()
            found[name] = Asset(name, path.read_bytes(), kind)
    worker = found.pop(_WORKER)
    digest = hashlib.sha256()
    for name, asset in sorted(found.items()):
        digest.update(name.encode() + b"\0" + hashlib.sha256(asset.data).digest())
    files = ["/app/", *(f"/app/{name}" for name in sorted(found) if name != "index.html")]
    text = worker.data.decode("utf-8")
    text = text.replace("__VERSION__", digest.hexdigest()[:16])
    text = text.replace("__FILES__", json.dumps(files))
    found[_WORKER] = Asset(_WORKER, text.encode("utf-8"), worker.content_type)
    return MappingProxyType(found)
