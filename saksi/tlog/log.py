"""The log: a sequencer and an integrator over an entry store and a tile directory.

- The **sequencer** (:meth:`Log.append`) gives each entry a durable, contiguous index:
  it returns only after the store's transaction is durable.
- The **integrator** (:meth:`Log.integrate`) extends the tiles from the last signed
  checkpoint's size to the store's size (bounded memory: entries are streamed from
  the store into the tile writer, 256 at a time), checks that the new tree is
  consistent with the last signed checkpoint, signs a new checkpoint, installs it in
  the store's meta ``checkpoint`` under compare-and-swap and only then publishes
  ``DIR/checkpoint``. ``integrate(publish=False)`` stops after the swap: a log with
  witnesses (``saksi.ledger.witnessing``) gathers their cosignatures first and then
  calls :meth:`Log.publish` with the cosigned note.

Crash safety rests on that order. What is durable is the store (entries, and the
signed checkpoint under CAS); tiles are a deterministic function of the entries and
are rewritten identically after a crash; ``DIR/checkpoint`` is republished from the
CAS'd checkpoint when a log is opened. ``docs/log.md`` gives the whole argument.

This module never imports a storage driver: the caller passes a function that opens
the store (the CLI passes ``saksi.store.open_store``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import Self

from saksi.errors import LogError, ProofError, SaksiError
from saksi.tlog import merkle
from saksi.tlog.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from saksi.tlog.fsck import FsckReport, fsck
from saksi.tlog.hashes import MAX_ENTRY_SIZE, leaf_hash
from saksi.tlog.note import NoteSigner, NoteVerifier, generate_key, split_note
from saksi.tlog.proof import TlogProof
from saksi.tlog.state import (
    CHECKPOINT_FILE,
    CHECKPOINT_META,
    EntryStore,
    LogLayout,
    StoreOpener,
    check_origin,
    init_state,
    integration_lock,
    read_origin,
    read_skey,
)
from saksi.tlog.tiles import EMPTY_ROOT, TileDir, TileReader, TileWriter

# --- refusals ---


def entry_too_large(size: int, position: int) -> LogError:
    return LogError(
        code="log.entry-too-large",
        en=(
            f"entry {position} of the batch is {size} bytes; a log entry is at most "
            f"{MAX_ENTRY_SIZE} bytes (the tlog-tiles length prefix is 16 bits)"
        ),
        id=(
            f"entri ke-{position} dalam kelompok berukuran {size} bita; entri log paling "
            f"besar {MAX_ENTRY_SIZE} bita (awalan panjang tlog-tiles 16 bit)"
        ),
        position=position,
        size=size,
        max=MAX_ENTRY_SIZE,
    )


def _entry_not_bytes(position: int) -> LogError:
    return LogError(
        code="log.entry-not-bytes",
        en=f"entry {position} of the batch is not a byte string",
        id=f"entri ke-{position} dalam kelompok bukan deretan bita",
        position=position,
    )


def _inconsistent(reason_en: str, reason_id: str, **details: object) -> LogError:
    return LogError(
        code="log.inconsistent",
        en=f"refusing to sign: {reason_en}; run `saksi log fsck`",
        id=f"menolak menandatangani: {reason_id}; jalankan `saksi log fsck`",
        **details,
    )


def _store_behind(store_size: int, signed_size: int) -> LogError:
    return LogError(
        code="log.store-behind",
        en=(
            f"the store holds {store_size} entries but the log signed a checkpoint of "
            f"{signed_size}: entries were lost or this is another log's store"
        ),
        id=(
            f"penyimpanan berisi {store_size} entri, padahal log sudah menandatangani "
            f"checkpoint berukuran {signed_size}: ada entri yang hilang atau ini penyimpanan "
            "log lain"
        ),
        store_size=store_size,
        checkpoint_size=signed_size,
    )


def _key_mismatch(key_name: str, origin: str) -> LogError:
    return LogError(
        code="log.key-origin-mismatch",
        en=(
            f"the log key is named {key_name!r} but the origin is {origin!r}: a checkpoint's "
            "key name is its origin"
        ),
        id=(
            f"kunci log bernama {key_name!r} padahal origin-nya {origin!r}: nama kunci "
            "checkpoint adalah origin-nya"
        ),
        key_name=key_name,
        origin=origin,
    )


class Log:
    """A tlog-tiles log in a directory; see the module docstring and docs/log.md."""

    def __init__(
        self,
        layout: LogLayout,
        origin: str,
        signer: NoteSigner,
        store: EntryStore,
        *,
        durable: bool = True,
    ) -> None:
        self._layout = layout
        self._origin = origin
        self._signer = signer
        self._vkey = signer.vkey
        self._verifier = NoteVerifier.from_vkey(signer.vkey)
        self._store = store
        self._tiles = TileDir(layout.root, durable=durable)

    # --- opening ---

    @classmethod
    def create(
        cls,
        directory: str | Path,
        origin: str,
        open_store: StoreOpener,
        *,
        skey: str | None = None,
        durable: bool = True,
        publish: bool = True,
    ) -> tuple[Log, str]:
        """Create a log in ``directory`` (new or empty of log state): a key (generated,
        or ``skey``, a note private key named ``origin``), the origin, the store, and
        the signed checkpoint of the empty tree. Returns the log and its verifier key.

        ``durable=False`` skips the fsyncs of tile files (throwaway logs in tests only).
        ``publish=False`` signs the empty tree's checkpoint without publishing it (a
        log whose checkpoints are published only once witnesses cosigned them).
        """
        check_origin(origin)
        if skey is None:
            skey, _ = generate_key(origin)
        signer = NoteSigner.from_skey(skey)
        if signer.name != origin:
            raise _key_mismatch(signer.name, origin)
        layout = LogLayout(Path(directory))
        init_state(layout, origin, skey)
        log = cls._load(layout, open_store, durable=durable)
        try:
            log.integrate(publish=publish)
        except BaseException:
            log.close()
            raise
        return log, log.vkey

    @classmethod
    def open(
        cls,
        directory: str | Path,
        open_store: StoreOpener,
        *,
        recover: bool = True,
        durable: bool = True,
        publish: bool = True,
    ) -> Log:
        """Open an existing log; with ``recover``, republish its latest signed
        checkpoint if a crash left ``DIR/checkpoint`` behind it (with ``publish=False``
        only the debris is removed: see :meth:`recover`)."""
        log = cls._load(LogLayout(Path(directory)), open_store, durable=durable)
        try:
            if recover:
                log.recover(publish=publish)
        except BaseException:
            log.close()
            raise
        return log

    @classmethod
    def _load(cls, layout: LogLayout, open_store: StoreOpener, *, durable: bool) -> Log:
        origin = read_origin(layout)
        signer = NoteSigner.from_skey(read_skey(layout))
        if signer.name != origin:
            raise _key_mismatch(signer.name, origin)
        store = open_store(layout.store_file)
        return cls(layout, origin, signer, store, durable=durable)

    def recover(self, *, publish: bool = True) -> None:
        """Make ``DIR/checkpoint`` the latest signed checkpoint (idempotent), and remove
        the temporary files a killed writer of it left (``DIR/.checkpoint.*.tmp``).

        A published note that is the latest checkpoint with more signatures
        (witnesses' cosignatures) is kept as it is. ``publish=False`` leaves
        ``DIR/checkpoint`` alone: a log with witnesses publishes only cosigned ones.
        """
        with integration_lock(self._layout):
            signed = self._store.get_meta(CHECKPOINT_META)
            if signed is not None:
                self._open_signed(signed)
                if publish and not self._is_published(signed):
                    self._publish(signed)
            # Under the lock no one else writes the checkpoint: these are debris of
            # TileDir.write (``.<name>.<pid>.<random>.tmp``) from a killed process.
            for debris in self._layout.root.glob(f".{CHECKPOINT_FILE}.*.tmp"):
                with suppress(OSError):  # debris is harmless: never fail an open over it
                    debris.unlink()

    # --- properties ---

    @property
    def origin(self) -> str:
        return self._origin

    @property
    def vkey(self) -> str:
        """The log's verifier key in note format (``origin+keyid+base64``)."""
        return self._vkey

    @property
    def verifier(self) -> NoteVerifier:
        return self._verifier

    @property
    def layout(self) -> LogLayout:
        return self._layout

    @property
    def store(self) -> EntryStore:
        return self._store

    @property
    def tiles(self) -> TileDir:
        return self._tiles

    # --- sequencer ---

    def append(self, entries: Sequence[bytes]) -> list[int]:
        """Store ``entries`` durably in one transaction; their indices, in order.

        Identical bytes get one index (the store deduplicates): appending an entry
        that is already in the log returns the index it has. An entry over 65,535
        bytes refuses the whole batch with ``log.entry-too-large``.
        """
        for position, entry in enumerate(entries):
            if not isinstance(entry, bytes):
                raise _entry_not_bytes(position)
            if len(entry) > MAX_ENTRY_SIZE:
                raise entry_too_large(len(entry), position)
        if not entries:
            return []
        return [placed.index for placed in self._store.append_batch(list(entries))]

    # --- integrator ---

    def checkpoint(self) -> bytes | None:
        """The latest signed checkpoint (note bytes), verified, or None before the first."""
        signed = self._store.get_meta(CHECKPOINT_META)
        if signed is not None:
            self._open_signed(signed)
        return signed

    def signed_checkpoint(self) -> Checkpoint | None:
        """The latest signed checkpoint, verified and parsed, or None before the first."""
        signed = self._store.get_meta(CHECKPOINT_META)
        return None if signed is None else self._open_signed(signed)

    def integrate(self, *, publish: bool = True) -> bytes:
        """Sign and publish a checkpoint covering every stored entry; its note bytes.

        When nothing is new, the current checkpoint is republished and returned.
        ``publish=False`` signs and stores the checkpoint (under compare-and-swap) but
        leaves ``DIR/checkpoint`` as it is; :meth:`publish` publishes it later. Either
        way the log signs one checkpoint per size: called again with nothing new, it
        returns the stored one, never a new signature of another tree.
        """
        with integration_lock(self._layout):
            previous = self._store.get_meta(CHECKPOINT_META)
            old = None if previous is None else self._open_signed(previous)
            old_size = 0 if old is None else old.size
            size = self._store.size()
            if size < old_size:
                raise _store_behind(size, old_size)
            if previous is not None and size == old_size:
                if publish:
                    self._publish(previous)
                return previous
            if old is not None:
                self._check_old_root(old)
            root = self._grow(old_size, size)
            if old is not None:
                self._check_consistency(old, size, root)
            note = sign_checkpoint(Checkpoint(self._origin, size, root), self._signer)
            if not self._store.compare_and_swap(CHECKPOINT_META, previous, note):
                raise LogError(
                    code="log.checkpoint-race",
                    en="another process signed a checkpoint meanwhile; try again",
                    id="proses lain menandatangani checkpoint pada saat yang sama; coba lagi",
                )
            if publish:
                self._publish(note)
            return note

    def publish(self, note: bytes) -> Checkpoint:
        """Publish ``note`` as ``DIR/checkpoint`` (atomically); its checkpoint.

        ``note`` must be the latest signed checkpoint, carrying the log's signature,
        possibly with more signature lines (witnesses' cosignatures, which are not
        checked here): ``log.publish-not-latest`` otherwise, and nothing is written.
        """
        latest = self._store.get_meta(CHECKPOINT_META)
        checkpoint = self._open_signed(note)  # the log's signature, origin, form
        if latest is None or split_note(latest)[0] != split_note(note)[0]:
            raise _not_latest(checkpoint.size, None if latest is None else self._size_of(latest))
        self._publish(note)
        return checkpoint

    def published(self) -> bytes | None:
        """The published ``DIR/checkpoint`` (note bytes), or None if there is none."""
        return self._tiles.read(CHECKPOINT_FILE)

    def published_checkpoint(self) -> Checkpoint | None:
        """The published checkpoint, verified with the log's key, or None if there is none."""
        note = self.published()
        return None if note is None else self._open_signed(note)

    def consistency_proof(self, old_size: int, size: int) -> list[bytes]:
        """The RFC 6962 consistency proof from ``old_size`` to ``size``, from the tiles.

        ``size`` must be at most the latest signed checkpoint's size (whose tiles are
        written); the proof from 0, or between equal sizes, is empty.
        """
        signed = self.signed_checkpoint()
        top = 0 if signed is None else signed.size
        if not 0 <= old_size <= size <= top:
            raise ProofError(
                code="log.proof-bad-size",
                en=(
                    f"no consistency proof from {old_size} to {size}: the sizes must satisfy "
                    f"0 <= old <= new <= {top} (the latest signed checkpoint)"
                ),
                id=(
                    f"tidak ada bukti konsistensi dari {old_size} ke {size}: ukurannya harus "
                    f"0 <= lama <= baru <= {top} (checkpoint bertanda tangan terakhir)"
                ),
                old_size=old_size,
                size=size,
                checkpoint_size=top,
            )
        if old_size in (0, size):
            return []
        return merkle.consistency_proof(old_size, size, TileReader(self._tiles, size).node)

    def _size_of(self, note: bytes) -> int:
        return self._open_signed(note).size

    def _is_published(self, signed: bytes) -> bool:
        """``DIR/checkpoint`` is ``signed``, maybe with more signatures (cosignatures)."""
        published = self._tiles.read(CHECKPOINT_FILE)
        if published is None:
            return False
        if published == signed:
            return True
        try:
            self._open_signed(published)
        except SaksiError:
            return False
        return split_note(published)[0] == split_note(signed)[0]

    def _open_signed(self, note: bytes) -> Checkpoint:
        return open_checkpoint(note, self._verifier, origin=self._origin).checkpoint

    def _publish(self, note: bytes) -> None:
        if self._tiles.read(CHECKPOINT_FILE) != note:
            self._tiles.write(CHECKPOINT_FILE, note)

    def _check_old_root(self, old: Checkpoint) -> None:
        """The tiles must give the signed root at the signed size."""
        if old.size == 0:
            if old.root != EMPTY_ROOT:
                raise _inconsistent(
                    "the signed checkpoint of the empty log has a wrong root",
                    "checkpoint log kosong yang ditandatangani memiliki akar yang salah",
                )
            return
        root = TileReader(self._tiles, old.size).root()
        if root != old.root:
            raise _inconsistent(
                f"the tiles give another root at size {old.size} than the signed checkpoint",
                f"tile memberikan akar berbeda pada ukuran {old.size} dari checkpoint "
                "yang ditandatangani",
                size=old.size,
            )

    def _stream(self, start: int, stop: int) -> Iterator[bytes]:
        """Entries ``start..stop``, streamed from the store (which reads them in pages)."""
        expected = start
        for index, entry in self._store.entries(start, stop):
            if index != expected:
                raise _inconsistent(
                    "the store's entries are not contiguous",
                    "entri dalam penyimpanan tidak berurutan",
                    index=index,
                )
            expected += 1
            yield entry
        if expected != stop:
            raise _store_behind(expected, stop)

    def _grow(self, old_size: int, size: int) -> bytes:
        """Write the tiles of entries ``old_size..size``; the new root.

        TileWriter consumes the stream 256 entries at a time, so memory stays bounded
        whatever the backlog, and writes partial tiles for the final size only.
        """
        return TileWriter(self._tiles).grow(old_size, self._stream(old_size, size)).root

    def _check_consistency(self, old: Checkpoint, size: int, root: bytes) -> None:
        """A consistency proof from the new tiles must link the old and the new root."""
        if old.size == 0:
            return  # every tree extends the empty one (its root was checked)
        try:
            proof = merkle.consistency_proof(old.size, size, TileReader(self._tiles, size).node)
            merkle.verify_consistency(old.size, size, proof, old.root, root)
        except ProofError as exc:
            raise _inconsistent(
                f"the new tree of {size} does not extend the signed one of {old.size} ({exc.code})",
                f"pohon baru berukuran {size} tidak memperpanjang pohon bertanda tangan "
                f"berukuran {old.size} ({exc.code})",
                old_size=old.size,
                size=size,
            ) from exc

    # --- proofs ---

    def prove(self, index: int, *, checkpoint: bytes | None = None) -> TlogProof:
        """A C2SP tlog-proof of the entry at ``index`` against the latest checkpoint,
        or against ``checkpoint`` (a note signed by the log, e.g. the published one
        with its cosignatures, which the proof then carries)."""
        note = self._store.get_meta(CHECKPOINT_META) if checkpoint is None else checkpoint
        if note is None:
            raise _not_integrated(index, 0)
        tree = self._open_signed(note)
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise _not_integrated(index, tree.size)
        if index >= tree.size:
            raise _not_integrated(index, tree.size)
        node = TileReader(self._tiles, tree.size).node
        hashes = merkle.inclusion_proof(index, tree.size, node)
        merkle.verify_inclusion(
            leaf_hash(self._store.entry(index)), index, tree.size, hashes, tree.root
        )
        return TlogProof(index=index, hashes=tuple(hashes), checkpoint=note)

    # --- checking ---

    def fsck(self) -> FsckReport:
        """Re-derive the root from every tile and entry; see :mod:`saksi.tlog.fsck`."""
        return fsck(self._store, self._tiles, self._verifier, self._origin)

    # --- lifecycle ---

    def close(self) -> None:
        self._store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _not_latest(size: int, latest: int | None) -> LogError:
    return LogError(
        code="log.publish-not-latest",
        en=(
            f"refusing to publish the checkpoint of size {size}: it is not the latest one "
            f"the log signed (size {latest})"
        ),
        id=(
            f"menolak menerbitkan checkpoint berukuran {size}: bukan checkpoint terakhir "
            f"yang ditandatangani log (ukuran {latest})"
        ),
        size=size,
        latest=latest,
    )


def _not_integrated(index: object, size: int) -> ProofError:
    return ProofError(
        code="log.not-in-checkpoint",
        en=(
            f"no entry {index} in the latest checkpoint (size {size}); indices are 0..size-1 "
            "and an entry is provable once integrated"
        ),
        id=(
            f"tidak ada entri {index} dalam checkpoint terakhir (ukuran {size}); indeks "
            "0..ukuran-1, dan entri dapat dibuktikan setelah diintegrasikan"
        ),
        index=str(index),
        size=size,
    )


__all__ = [
    "CHECKPOINT_META",
    "EntryStore",
    "FsckReport",
    "Log",
    "StoreOpener",
    "entry_too_large",
]
