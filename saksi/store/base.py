"""The store contract: what every backend (SQLite, PostgreSQL) must do.

:class:`Store` is an abstract base class in the *template method* style: the public
methods validate their arguments, refuse with a stable code and a bilingual message,
dedupe batches and stream ranges here, once, and call a small set of ``_backend``
hooks that a backend implements. A backend therefore cannot forget a check.

Contract in short (``docs/store.md`` has the long form):

- The log is append-only. ``append`` gives each new entry the next index (0, 1, 2,
  ... without gaps); the same bytes appended again return the index they already
  have with ``new=False`` and are stored once.
- ``append_batch`` is all or nothing, in one transaction.
- An entry is at most :data:`MAX_ENTRY_SIZE` (65,535) bytes; the empty entry is
  allowed (RFC 6962 defines its leaf hash, and the store does not interpret bytes).
- A call returns only after the write is durable.
- Photos are content-addressed by SHA-256 (lower-case hex), insert-only, never empty.
- ``meta`` is a small key/value table with compare-and-swap, for the service's
  own state (for example the latest signed checkpoint).
"""

from __future__ import annotations

import abc
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from saksi.errors import AppendOnlyError, StoreError
from saksi.tlog.hashes import HASH_SIZE, MAX_ENTRY_SIZE, leaf_hash

MAX_PHOTO_SIZE = 32 * 1024 * 1024
"""Largest photo the store accepts (32 MiB; a phone photo of a C.Hasil page is 1-8 MB)."""

MAX_META_KEY_LENGTH = 200

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Appended:
    """The answer to an append: where the entry is, and whether this call added it."""

    index: int
    leaf_hash: bytes
    new: bool


# --- refusals: one stable code and a message in Bahasa Indonesia and English each ---


def entry_too_large(size: int, position: int | None = None) -> StoreError:
    details: dict[str, Any] = {"size": size, "max": MAX_ENTRY_SIZE}
    if position is not None:
        details["position"] = position
    return StoreError(
        code="store.entry-too-large",
        en=f"Entry too large: {size} bytes, the limit is {MAX_ENTRY_SIZE} bytes.",
        id=f"Entri terlalu besar: {size} bita, batasnya {MAX_ENTRY_SIZE} bita.",
        **details,
    )


def no_such_entry(index: int, size: int) -> StoreError:
    return StoreError(
        code="store.no-such-entry",
        en=f"There is no entry at index {index} (the log holds {size} entries).",
        id=f"Entri nomor {index} tidak ada (log berisi {size} entri).",
        index=index,
        size=size,
    )


def append_only(reason: str) -> AppendOnlyError:
    return AppendOnlyError(
        code="store.append-only",
        en=(
            "Entries and photos can only be added; changing, replacing or deleting them is "
            "refused by the database."
        ),
        id=(
            "Entri dan foto hanya dapat ditambahkan; mengubah, mengganti atau menghapusnya "
            "ditolak oleh basis data."
        ),
        reason=reason,
    )


def invalid_argument(what: str, expected_id: str, expected_en: str) -> StoreError:
    return StoreError(
        code="store.invalid-argument",
        en=f"Invalid argument for {what}: {expected_en}.",
        id=f"Argumen tidak sah untuk {what}: {expected_id}.",
        argument=what,
    )


def bad_photo_hash() -> StoreError:
    return StoreError(
        code="store.bad-photo-hash",
        en="A photo hash must be 64 lower-case hexadecimal digits (SHA-256).",
        id="Hash foto harus 64 digit heksadesimal huruf kecil (SHA-256).",
    )


def empty_photo() -> StoreError:
    return StoreError(
        code="store.empty-photo",
        en="An empty photo (0 bytes) is refused.",
        id="Foto kosong (0 bita) ditolak.",
    )


def photo_too_large(size: int) -> StoreError:
    return StoreError(
        code="store.photo-too-large",
        en=f"Photo too large: {size} bytes, the limit is {MAX_PHOTO_SIZE} bytes.",
        id=f"Foto terlalu besar: {size} bita, batasnya {MAX_PHOTO_SIZE} bita.",
        size=size,
        max=MAX_PHOTO_SIZE,
    )


def store_closed() -> StoreError:
    return StoreError(
        code="store.closed", en="The store is closed.", id="Penyimpanan sudah ditutup."
    )


def corrupt(what_id: str, what_en: str, **details: Any) -> StoreError:
    return StoreError(
        code="store.corrupt",
        en=f"Stored data is corrupt: {what_en}.",
        id=f"Data tersimpan rusak: {what_id}.",
        **details,
    )


# --- argument checks shared by every backend ---


def check_entry(entry: object, position: int | None = None) -> bytes:
    """The entry's bytes, or a refusal (not bytes; larger than 65,535 bytes)."""
    if not isinstance(entry, bytes):
        raise invalid_argument("entry", "harus bytes", "must be bytes")
    if len(entry) > MAX_ENTRY_SIZE:
        raise entry_too_large(len(entry), position)
    return entry


def check_index(index: object, what: str = "index") -> int:
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise invalid_argument(what, "harus bilangan bulat >= 0", "must be an integer >= 0")
    return index


def check_leaf_hash(value: object) -> bytes:
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        raise invalid_argument("leaf_hash", "harus 32 bita", "must be 32 bytes")
    return value


def check_photo_hash(sha256_hex: object) -> str:
    if not isinstance(sha256_hex, str) or not _SHA256_HEX.fullmatch(sha256_hex):
        raise bad_photo_hash()
    return sha256_hex


def check_photo(data: object) -> bytes:
    if not isinstance(data, bytes):
        raise invalid_argument("photo", "harus bytes", "must be bytes")
    if not data:
        raise empty_photo()
    if len(data) > MAX_PHOTO_SIZE:
        raise photo_too_large(len(data))
    return data


def check_meta_key(key: object) -> str:
    if not isinstance(key, str) or not 0 < len(key) <= MAX_META_KEY_LENGTH:
        raise invalid_argument(
            "meta key",
            f"harus teks 1..{MAX_META_KEY_LENGTH} karakter",
            f"must be a string of 1..{MAX_META_KEY_LENGTH} characters",
        )
    return key


def check_meta_value(value: object, what: str) -> bytes:
    if not isinstance(value, bytes):
        raise invalid_argument(what, "harus bytes", "must be bytes")
    return value


def dedupe(entries: Sequence[bytes]) -> tuple[list[tuple[bytes, bytes]], list[bytes]]:
    """Unique (entry, leaf hash) pairs in first-seen order, and every entry's leaf hash."""
    hashes = [leaf_hash(entry) for entry in entries]
    unique: dict[bytes, bytes] = {}
    for entry, digest in zip(entries, hashes, strict=True):
        unique.setdefault(digest, entry)
    return [(entry, digest) for digest, entry in unique.items()], hashes


class Store(abc.ABC):
    """An append-only log of entries, plus content-addressed photos and a little meta.

    Public methods are the contract and are implemented here; a backend implements
    the ``_backend_*`` hooks, :attr:`closed` and :meth:`close`.
    """

    page_size: int = 512
    """Rows per query when streaming :meth:`entries` (bounded memory: <= 32 MiB)."""

    # --- the log ---

    def append(self, entry: bytes) -> Appended:
        """Append one entry (idempotent: the same bytes keep their first index)."""
        return self.append_batch([entry])[0]

    def append_batch(self, entries: Sequence[bytes]) -> list[Appended]:
        """Append entries in one transaction: all of them are stored, or none.

        Duplicates (within the batch or of stored entries) are stored once; every
        position of the batch gets its entry's index, ``new`` only at the first
        position that added it.
        """
        if isinstance(entries, bytes | str) or not isinstance(entries, Sequence):
            raise invalid_argument("entries", "harus daftar bytes", "must be a sequence of bytes")
        checked = [check_entry(entry, position) for position, entry in enumerate(entries)]
        self._require_open()
        if not checked:
            return []
        unique, hashes = dedupe(checked)
        placed = self._backend_append(unique)
        where = {digest: result for (_, digest), result in zip(unique, placed, strict=True)}
        answers: list[Appended] = []
        for digest in hashes:
            index, new = where[digest]
            answers.append(Appended(index=index, leaf_hash=digest, new=new))
            where[digest] = (index, False)
        return answers

    def size(self) -> int:
        """The number of entries (indices 0..size-1 exist)."""
        self._require_open()
        return self._backend_size()

    def entry(self, index: int) -> bytes:
        """The bytes of the entry at ``index``, or ``store.no-such-entry``."""
        check_index(index)
        self._require_open()
        data = self._backend_entry(index)
        if data is None:
            raise no_such_entry(index, self._backend_size())
        return data

    def find(self, leaf_hash: bytes) -> int | None:
        """The index of the entry with this RFC 6962 leaf hash, if it is in the log."""
        check_leaf_hash(leaf_hash)
        self._require_open()
        return self._backend_find(leaf_hash)

    def find_many(self, leaf_hashes: Sequence[bytes]) -> dict[bytes, int]:
        """The indices of those of ``leaf_hashes`` that are in the log (one lookup for
        many: a sequencer checks a whole group of submissions for retries at once)."""
        for digest in leaf_hashes:
            check_leaf_hash(digest)
        self._require_open()
        if not leaf_hashes:
            return {}
        return self._backend_find_many(list(dict.fromkeys(leaf_hashes)))

    def entries(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, bytes]]:
        """Stream ``(index, entry)`` for ``start <= index < stop``, in index order.

        ``stop=None`` means the size when this call is made (entries appended while
        iterating are not included); a ``stop`` beyond the size ends at the last
        entry. Rows are fetched a page at a time, so memory stays bounded.
        """
        check_index(start, "start")
        if stop is not None:
            check_index(stop, "stop")
        self._require_open()
        end = self._backend_size() if stop is None else stop
        return self._stream(start, end)

    def _stream(self, start: int, end: int) -> Iterator[tuple[int, bytes]]:
        position = start
        while position < end:
            self._require_open()
            page = self._backend_page(position, end, self.page_size)
            if not page:
                return
            if page[0][0] != position:
                raise corrupt("indeks log berlubang", "the log has a gap", index=position)
            yield from page
            position = page[-1][0] + 1

    # --- photos ---

    def put_photo(self, data: bytes) -> str:
        """Store a photo; returns its SHA-256 (lower-case hex). Idempotent."""
        check_photo(data)
        self._require_open()
        digest = hashlib.sha256(data).hexdigest()
        self._backend_put_photo(digest, data)
        return digest

    def photo(self, sha256_hex: str) -> bytes | None:
        """The photo with this SHA-256, checked against its hash, or None."""
        check_photo_hash(sha256_hex)
        self._require_open()
        data = self._backend_photo(sha256_hex)
        if data is not None and hashlib.sha256(data).hexdigest() != sha256_hex:
            raise corrupt(
                "foto tidak cocok dengan hash-nya",
                "a photo does not match its hash",
                sha256=sha256_hex,
            )
        return data

    def has_photo(self, sha256_hex: str) -> bool:
        check_photo_hash(sha256_hex)
        self._require_open()
        return self._backend_has_photo(sha256_hex)

    def photo_usage(self) -> tuple[int, int]:
        """How many photos are stored, and their bytes (a scan of the photos: for
        figures, counted once and then kept up to date by the caller)."""
        self._require_open()
        return self._backend_photo_usage()

    # --- meta ---

    def get_meta(self, key: str) -> bytes | None:
        check_meta_key(key)
        self._require_open()
        return self._backend_get_meta(key)

    def compare_and_swap(self, key: str, expected: bytes | None, new: bytes) -> bool:
        """Set ``key`` to ``new`` if its value is ``expected`` (None: absent), atomically.

        Returns False, changing nothing, when the current value is not ``expected``.
        """
        check_meta_key(key)
        if expected is not None:
            check_meta_value(expected, "expected")
        check_meta_value(new, "new")
        self._require_open()
        return self._backend_compare_and_swap(key, expected, new)

    # --- lifecycle ---

    @property
    @abc.abstractmethod
    def closed(self) -> bool: ...

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections. Idempotent; every later call raises ``store.closed``."""

    def _require_open(self) -> None:
        if self.closed:
            raise store_closed()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- what a backend implements (arguments are already checked) ---

    @abc.abstractmethod
    def _backend_append(self, unique: Sequence[tuple[bytes, bytes]]) -> list[tuple[int, bool]]:
        """For each distinct (entry, leaf hash): (index, new), in ONE durable transaction.

        An entry already stored keeps its index (new=False); the others get the
        next indices in order. On any failure nothing is stored.
        """

    @abc.abstractmethod
    def _backend_size(self) -> int: ...

    @abc.abstractmethod
    def _backend_entry(self, index: int) -> bytes | None: ...

    @abc.abstractmethod
    def _backend_find(self, leaf_hash: bytes) -> int | None: ...

    def _backend_find_many(self, leaf_hashes: list[bytes]) -> dict[bytes, int]:
        """Distinct leaf hashes -> indices of those stored (a backend may do better)."""
        found = {h: self._backend_find(h) for h in leaf_hashes}
        return {h: i for h, i in found.items() if i is not None}

    @abc.abstractmethod
    def _backend_page(self, start: int, stop: int, limit: int) -> list[tuple[int, bytes]]:
        """Up to ``limit`` rows with ``start <= index < stop``, in index order."""

    @abc.abstractmethod
    def _backend_put_photo(self, sha256_hex: str, data: bytes) -> None:
        """Insert the photo unless a photo with this hash is stored (durably)."""

    @abc.abstractmethod
    def _backend_photo(self, sha256_hex: str) -> bytes | None: ...

    @abc.abstractmethod
    def _backend_has_photo(self, sha256_hex: str) -> bool: ...

    @abc.abstractmethod
    def _backend_photo_usage(self) -> tuple[int, int]: ...

    @abc.abstractmethod
    def _backend_get_meta(self, key: str) -> bytes | None: ...

    @abc.abstractmethod
    def _backend_compare_and_swap(self, key: str, expected: bytes | None, new: bytes) -> bool: ...


__all__ = [
    "MAX_ENTRY_SIZE",
    "MAX_PHOTO_SIZE",
    "Appended",
    "Store",
]
