"""Storage of the log, its photos and a little state, behind one interface.

:class:`Store` (in :mod:`saksi.store.base`) is the contract; :class:`SqliteStore`
is the embedded default; ``saksi.store.postgres.PostgresStore`` implements the same
contract on a PostgreSQL server (imported only when used, so that the SQLite path
does not load the driver). :func:`open_store` picks the backend from a target
string. See ``docs/store.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

from saksi.errors import StoreError
from saksi.store.base import MAX_ENTRY_SIZE, MAX_PHOTO_SIZE, Appended, Store
from saksi.store.sqlite import SqliteStore

SQLITE_FILENAME = "saksi.sqlite"
"""The database file's name when :func:`open_store` is given a directory."""

SQLITE_SUFFIXES = frozenset({".sqlite", ".sqlite3", ".db"})


def _unknown_backend(scheme: str) -> StoreError:
    return StoreError(
        code="store.unknown-backend",
        en=(
            f"Unknown store address scheme '{scheme}://'; use a directory, a .sqlite file "
            "or postgresql://."
        ),
        id=(
            f"Jenis alamat penyimpanan '{scheme}://' tidak dikenal; gunakan folder, berkas "
            ".sqlite atau postgresql://."
        ),
        scheme=scheme,
    )


def sqlite_path(target: str | os.PathLike[str]) -> Path:
    """The SQLite file a target names: an existing file, a ``.sqlite``/``.sqlite3``/
    ``.db`` path, or else a directory holding ``saksi.sqlite`` (created if missing)."""
    path = Path(target)
    if path.is_file() or (not path.exists() and path.suffix in SQLITE_SUFFIXES):
        return path
    return path / SQLITE_FILENAME


def open_store(target: str | os.PathLike[str]) -> Store:
    """Open (creating if needed) the store that ``target`` names.

    - ``postgresql://...`` (or ``postgres://``, any case): a
      :class:`~saksi.store.postgres.PostgresStore` on that server. No error repeats
      the address: it may hold a password.
    - a directory, or a path to a file: SQLite (see :func:`sqlite_path`).
    """
    text = os.fspath(target)
    if not text.strip():
        raise StoreError(
            code="store.invalid-argument",
            en="No store address was given.",
            id="Alamat penyimpanan tidak diberikan.",
            argument="target",
        )
    if "://" in text:
        scheme = text.split("://", 1)[0].lower()
        if scheme in {"postgresql", "postgres"}:
            from saksi.store.postgres import PostgresStore  # noqa: PLC0415 (driver on demand)

            return PostgresStore("postgresql://" + text.split("://", 1)[1])
        raise _unknown_backend(scheme)
    path = sqlite_path(text)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            code="store.io-error",
            en=f"Cannot create the store's folder {path.parent}.",
            id=f"Folder penyimpanan {path.parent} tidak dapat dibuat.",
            path=str(path.parent),
            error=str(exc),
        ) from exc
    return SqliteStore(path)


__all__ = [
    "MAX_ENTRY_SIZE",
    "MAX_PHOTO_SIZE",
    "SQLITE_FILENAME",
    "Appended",
    "SqliteStore",
    "Store",
    "open_store",
    "sqlite_path",
]
