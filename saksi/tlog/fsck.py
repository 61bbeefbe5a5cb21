"""``fsck``: check a log directory from its entries up.

- the signed checkpoint the store holds (under compare-and-swap) opens with the log's
  key and origin;
- ``DIR/checkpoint`` is that same note, byte for byte;
- every tile and every entry bundle re-derives the signed root (tlog-tiles
  verification: nothing is taken on trust from a single tile);
- every stored entry equals the entry its bundle publishes, and the store holds at
  least as many entries as the checkpoint covers (more are pending integration).

A problem is reported, never raised: the report lists every one it finds as a
:class:`~saksi.errors.LogError` with a stable code and a bilingual message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from saksi.errors import LogError, SaksiError
from saksi.tlog.checkpoint import Checkpoint, open_checkpoint
from saksi.tlog.note import NoteVerifier, split_note
from saksi.tlog.state import CHECKPOINT_FILE, CHECKPOINT_META, EntryStore
from saksi.tlog.tiledir import TILE_WIDTH, TileDir
from saksi.tlog.tiles import TileReader, verify_tiles


@dataclass(frozen=True, slots=True)
class FsckReport:
    """What :func:`fsck` found; ``ok`` when there is no problem."""

    origin: str
    checkpoint_size: int | None
    store_size: int
    problems: tuple[LogError, ...] = field(default=())
    checked_entries: int = 0
    published_size: int | None = None
    """The published checkpoint's size; below ``checkpoint_size`` while a signed
    checkpoint waits for its witnesses' cosignatures (not a problem)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def pending(self) -> int:
        """Stored entries that no signed checkpoint covers yet."""
        return max(0, self.store_size - (self.checkpoint_size or 0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "origin": self.origin,
            "checkpoint_size": self.checkpoint_size,
            "published_size": self.published_size,
            "store_size": self.store_size,
            "pending": self.pending,
            "checked_entries": self.checked_entries,
            "problems": [problem.to_dict() for problem in self.problems],
        }


def _as_problem(exc: SaksiError) -> LogError:
    if isinstance(exc, LogError):
        return exc
    return LogError(code=exc.code, en=exc.message_en, id=exc.message_id, **exc.details)


class _Fsck:
    def __init__(
        self, store: EntryStore, tiles: TileDir, verifier: NoteVerifier, origin: str
    ) -> None:
        self.store = store
        self.tiles_dir = tiles
        self.verifier = verifier
        self.origin = origin
        self.problems: list[LogError] = []
        self.checked = 0
        self.published_size: int | None = None

    def signed(self) -> tuple[bytes, Checkpoint] | None:
        note = self.store.get_meta(CHECKPOINT_META)
        if note is None:
            self.problems.append(
                LogError(
                    code="log.fsck-no-checkpoint",
                    en="the store holds no signed checkpoint",
                    id="penyimpanan tidak berisi checkpoint bertanda tangan",
                )
            )
            return None
        try:
            return note, open_checkpoint(note, self.verifier, origin=self.origin).checkpoint
        except SaksiError as exc:
            self.problems.append(_as_problem(exc))
            return None

    def published(self, note: bytes | None) -> None:
        name = CHECKPOINT_FILE
        data = self.tiles_dir.read(name)
        if data is None:
            self.problems.append(
                LogError(
                    code="log.fsck-published-missing",
                    en=f"{name} is missing from the publication",
                    id=f"{name} tidak ada dalam publikasi",
                )
            )
            return
        try:
            published = open_checkpoint(data, self.verifier, origin=self.origin).checkpoint
        except SaksiError as exc:
            self.problems.append(_as_problem(exc))
            return
        self.published_size = published.size
        if note is None or published.body() == split_note(note)[0]:
            return  # the latest signed checkpoint (with or without cosignatures)
        latest = Checkpoint.parse(split_note(note)[0])
        if published.size < latest.size and self._root_at(published.size) == published.root:
            return  # an earlier checkpoint of this tree, while the latest awaits its witnesses
        self.problems.append(
            LogError(
                code="log.fsck-published-differs",
                en=(
                    f"the published {name} is neither the latest signed checkpoint nor an "
                    "earlier one of the same tree"
                ),
                id=(
                    f"{name} yang diterbitkan bukan checkpoint bertanda tangan terakhir maupun "
                    "checkpoint sebelumnya dari pohon yang sama"
                ),
            )
        )

    def _root_at(self, size: int) -> bytes | None:
        try:
            return TileReader(self.tiles_dir, size).root()
        except SaksiError:
            return None

    def tiles(self, checkpoint: Checkpoint) -> bool:
        try:
            verify_tiles(self.tiles_dir, checkpoint.size, checkpoint.root)
        except SaksiError as exc:
            self.problems.append(_as_problem(exc))
            return False
        return True

    def entries(self, checkpoint: Checkpoint, store_size: int) -> None:
        if store_size < checkpoint.size:
            self.problems.append(
                LogError(
                    code="log.store-behind",
                    en=(
                        f"the store holds {store_size} entries, fewer than the "
                        f"{checkpoint.size} the signed checkpoint covers"
                    ),
                    id=(
                        f"penyimpanan berisi {store_size} entri, kurang dari {checkpoint.size} "
                        "yang dicakup checkpoint bertanda tangan"
                    ),
                    store_size=store_size,
                    checkpoint_size=checkpoint.size,
                )
            )
            return
        reader = TileReader(self.tiles_dir, checkpoint.size)
        differing: list[int] = []
        for start in range(0, checkpoint.size, TILE_WIDTH):
            stop = min(start + TILE_WIDTH, checkpoint.size)
            published = reader.entries(start, stop, check=False)  # verify_tiles did
            for (index, stored), bundled in zip(
                self.store.entries(start, stop), published, strict=True
            ):
                if stored != bundled:
                    differing.append(index)
            self.checked = stop
        if differing:
            self.problems.append(
                LogError(
                    code="log.fsck-entry-differs",
                    en=(
                        f"{len(differing)} stored entries differ from the published bundles "
                        f"(first: index {differing[0]})"
                    ),
                    id=(
                        f"{len(differing)} entri tersimpan berbeda dari bundle yang diterbitkan "
                        f"(pertama: indeks {differing[0]})"
                    ),
                    count=len(differing),
                    first=differing[0],
                )
            )


def fsck(store: EntryStore, tiles: TileDir, verifier: NoteVerifier, origin: str) -> FsckReport:
    """Check a log from its entries up; see the module docstring."""
    check = _Fsck(store, tiles, verifier, origin)
    store_size = store.size()
    signed = check.signed()
    check.published(None if signed is None else signed[0])
    checkpoint = None if signed is None else signed[1]
    if checkpoint is not None and check.tiles(checkpoint):
        try:
            check.entries(checkpoint, store_size)
        except SaksiError as exc:
            check.problems.append(_as_problem(exc))
        except ValueError:  # zip(strict=True): the store ended early
            check.problems.append(
                LogError(
                    code="log.store-behind",
                    en="the store ended before the signed checkpoint's size",
                    id="penyimpanan berakhir sebelum ukuran checkpoint bertanda tangan",
                )
            )
    return FsckReport(
        origin=origin,
        checkpoint_size=None if checkpoint is None else checkpoint.size,
        store_size=store_size,
        problems=tuple(check.problems),
        checked_entries=check.checked,
        published_size=check.published_size,
    )


__all__ = ["FsckReport", "fsck"]
