"""Schema migrations shared by the stores: numbered ``NNNN_name.sql`` files.

Each backend has its own folder of files and applies them in its own way; what a
migration *is*, how the files are found and numbered, and how the versions already
applied are checked against them (a database newer than the code, or a file edited
after it was applied, is refused) is the same for all, and lives here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Any

from saksi.errors import StoreError

_MIGRATION_NAME = re.compile(r"(\d{4})_([a-z0-9_]+)\.sql")


@dataclass(frozen=True, slots=True)
class Migration:
    """One ``NNNN_name.sql`` file."""

    version: int
    name: str
    sql: str
    sha256: str


def invalid_migrations(reason_id: str, reason_en: str, **details: Any) -> StoreError:
    return StoreError(
        code="store.migrations-invalid",
        en=f"Invalid schema migration files: {reason_en}.",
        id=f"Berkas migrasi skema tidak sah: {reason_id}.",
        **details,
    )


def load_migrations(directory: Traversable) -> list[Migration]:
    """The ``NNNN_name.sql`` files of ``directory``, numbered 1, 2, 3, ... without gaps."""
    try:
        items = sorted(directory.iterdir(), key=lambda item: item.name)
    except OSError as exc:
        raise invalid_migrations(
            "folder migrasi tidak dapat dibaca", "the migrations folder cannot be read"
        ) from exc
    found: list[Migration] = []
    for item in items:
        if not item.name.endswith(".sql"):
            continue
        match = _MIGRATION_NAME.fullmatch(item.name)
        if match is None:
            raise invalid_migrations(
                "nama harus NNNN_nama.sql", "names must be NNNN_name.sql", file=item.name
            )
        raw = item.read_bytes()
        found.append(
            Migration(
                version=int(match.group(1)),
                name=match.group(2),
                sql=raw.decode("utf-8"),
                sha256=hashlib.sha256(raw).hexdigest(),
            )
        )
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise invalid_migrations(
            "nomor harus 1, 2, 3, ... tanpa celah",
            "versions must be 1, 2, 3, ... without gaps",
            versions=[m.version for m in found],
        )
    return found


def check_applied(applied: dict[int, str], migrations: Sequence[Migration]) -> None:
    known = len(migrations)
    newest = max(applied, default=0)
    if newest > known:
        raise StoreError(
            code="store.schema-too-new",
            en=(
                f"The database uses schema version {newest}, newer than this program "
                f"knows (version {known}). Upgrade Saksi."
            ),
            id=(
                f"Basis data memakai skema versi {newest}, lebih baru dari yang dikenal "
                f"program ini (versi {known}). Perbarui Saksi."
            ),
            database_version=newest,
            program_version=known,
        )
    for migration in migrations:
        digest = applied.get(migration.version)
        if digest is not None and digest != migration.sha256:
            raise StoreError(
                code="store.migration-modified",
                en=(
                    f"Migration {migration.version} ({migration.name}) was applied, but its "
                    "file has been changed since."
                ),
                id=(
                    f"Migrasi {migration.version} ({migration.name}) sudah diterapkan, "
                    "tetapi berkasnya telah diubah sejak itu."
                ),
                version=migration.version,
            )
