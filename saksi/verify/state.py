"""The verifier's own memory: the last checkpoint it verified, and the fold at that size.

The state folder (``--state DIR``, default ``./saksi-verify-state``) holds::

    DIR/state.json               what was verified last (written last, atomically)
    DIR/fold-<N>.bin             the verifier's fold after entry N-1 (named in state.json),
                                 saksi-verify-fold/5 (:mod:`saksi.verify.layout`; /4-/1 read too)
    DIR/evidence/<when>-<what>/  both signed checkpoints of a rollback or a fork

``state.json`` (``saksi-verify-state/2``) holds the signed checkpoint note verified
last, its tree size and root, the right edge of its Merkle tree (the compact range,
to check that new entries extend it), the name and SHA-256 of the fold's file, and the
photos still to check (not published yet, or not matching). Every file is written to
a temporary name, fsynced and renamed, and ``state.json`` only after the pickle it
names: a crash leaves the previous state whole. The fold's file is the verifier's
own: never load a state folder you did not write. A state of another layout (an
earlier version's ``saksi-verify-state/1``, whose fold was a pickle of Saksi's own
classes) is refused whole (``verify.state-layout``): ``--full`` rebuilds it from the
log without reading it.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Final

from saksi.errors import SaksiError, VerifyError
from saksi.tlog.checkpoint import Checkpoint
from saksi.tlog.merkle import CompactRange
from saksi.tlog.note import split_note
from saksi.verify import layout
from saksi.verify.contests import Contests
from saksi.verify.keys import Fold
from saksi.verify.regions import Regions

STATE_FORMAT: Final = "saksi-verify-state/2"
STATE_FILE: Final = "state.json"
EVIDENCE: Final = "evidence"


def _bad_state(path: Path, why: str) -> VerifyError:
    return VerifyError(
        code="verify.bad-state",
        en=(
            f"the verifier state {path} cannot be used ({why}): move it away to verify from "
            "the start, or point --state at another folder"
        ),
        id=(
            f"status pemverifikasi {path} tidak dapat dipakai ({why}): pindahkan untuk "
            "memverifikasi dari awal, atau arahkan --state ke folder lain"
        ),
        path=str(path),
        reason=why,
    )


@dataclass
class SavedState:
    """What the last successful run verified."""

    note: bytes
    checkpoint: Checkpoint
    edge: list[tuple[int, int, bytes]]  # CompactRange.nodes() of the verified tree
    fold_file: str | None = None
    fold_sha256: str | None = None
    photos_pending: dict[str, int] = field(default_factory=dict)  # sha256 -> citing entry

    def compact_range(self) -> CompactRange:
        nodes = {(level, index): digest for level, index, digest in self.edge}
        return CompactRange.from_nodes(self.checkpoint.size, lambda lv, ix: nodes[(lv, ix)])

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "origin": self.checkpoint.origin,
            "tree_size": self.checkpoint.size,
            "root_hash": self.checkpoint.root.hex(),
            "checkpoint_note": self.note.decode("utf-8"),
            "edge": [[lv, ix, digest.hex()] for lv, ix, digest in self.edge],
            "fold": self.fold_file,
            "fold_sha256": self.fold_sha256,
            "photos_pending": dict(sorted(self.photos_pending.items())),
        }

    @classmethod
    def parse(cls, data: bytes, path: Path) -> SavedState:
        try:
            raw = json.loads(data)
            found = raw.get("format") if isinstance(raw, dict) else None
        except (ValueError, RecursionError) as exc:
            raise _bad_state(path, str(exc)[:200]) from None
        if found != STATE_FORMAT:
            raise VerifyError(
                code="verify.state-layout",
                en=f"the verifier state {path} has layout {found!r}, not {STATE_FORMAT}: run "
                "with --full to rebuild it from the log (it is then not read), or move it away",
                id=f"status pemverifikasi {path} memiliki tata letak {found!r}, bukan "
                f"{STATE_FORMAT}: jalankan dengan --full untuk membangunnya ulang dari log "
                "(status itu tidak dibaca), atau pindahkan",
                path=str(path),
                found=str(found),
                expected=STATE_FORMAT,
            )
        try:
            note = str(raw["checkpoint_note"]).encode("utf-8")
            checkpoint = Checkpoint.parse(split_note(note)[0])
            edge = [(int(lv), int(ix), bytes.fromhex(h)) for lv, ix, h in raw["edge"]]
            state = cls(
                note,
                checkpoint,
                edge,
                raw["fold"],
                raw["fold_sha256"],
                {str(k): int(v) for k, v in raw["photos_pending"].items()},
            )
            if state.compact_range().root() != checkpoint.root:
                raise ValueError("the saved edge does not hash to the saved root")
        except (ValueError, KeyError, TypeError, AttributeError, SaksiError) as exc:
            raise _bad_state(path, str(exc)[:200]) from None
        return state


class _Hashing:
    """A file that hashes what is written to it."""

    def __init__(self, handle: BinaryIO, sha256: Any) -> None:
        self.handle = handle
        self.sha256 = sha256

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        return self.handle.write(data)


class StateDir:
    """The state folder: read the last state, write the next, keep evidence."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def load(self) -> SavedState | None:
        path = self.folder / STATE_FILE
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise _bad_state(path, exc.strerror or str(exc)) from None
        return SavedState.parse(data, path)

    def load_fold(
        self,
        state: SavedState,
        regions: Regions,
        contests: Callable[[dict[str, Any]], Contests | None] = lambda manifest: None,
    ) -> Fold | None:
        """The saved fold of ``state`` (None if it has none); refuses a damaged one.
        ``contests``: the contests file its manifest names."""
        if state.fold_file is None:
            return None
        path = self.folder / state.fold_file
        try:  # hashed, then read, a few MiB at a time: never whole in memory
            with open(path, "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
                if digest != state.fold_sha256:
                    raise _bad_state(path, "its SHA-256 is not the one state.json names")
                handle.seek(0)
                fold = layout.read(handle, regions, contests)  # its own file, hash checked
        except layout.Refold:
            return None  # an older layout without what /5 keeps of the legislative: from entry 0
        except OSError as exc:
            raise _bad_state(path, exc.strerror or str(exc)) from None
        except (ValueError, EOFError, pickle.UnpicklingError, KeyError, TypeError) as exc:
            raise _bad_state(path, f"not a {layout.FOLD_FORMAT} file: {exc}"[:200]) from None
        if fold.size != state.checkpoint.size:
            raise _bad_state(path, "it is not the fold of the saved checkpoint")
        return fold

    def save(self, state: SavedState, fold: Fold | None) -> None:
        """Write the fold's file, then state.json; remove older ones after."""
        self._mkdir(self.folder)
        if fold is not None:
            name = f"fold-{state.checkpoint.size}.bin"
            digest = self._write_fold(self.folder / name, fold)
            state.fold_file, state.fold_sha256 = name, digest
        else:
            state.fold_file = state.fold_sha256 = None
        document = json.dumps(state.to_dict(), indent=1, ensure_ascii=False).encode("utf-8")
        self._write(self.folder / STATE_FILE, document + b"\n")
        for old in (*self.folder.glob("fold-*.bin"), *self.folder.glob("recap-*.pickle")):
            if old.name != state.fold_file:
                old.unlink(missing_ok=True)

    @staticmethod
    def _write_fold(path: Path, fold: Fold) -> str:
        """Write ``fold`` straight into ``path`` (atomically, as :meth:`_write`); its
        SHA-256. Streamed a column at a time: never whole in memory."""
        digest = hashlib.sha256()

        def fill(handle: BinaryIO) -> None:
            layout.write(fold, _Hashing(handle, digest))

        StateDir._atomic(path, fill)
        return digest.hexdigest()

    def keep_evidence(self, what: str, notes: dict[str, bytes]) -> Path:
        """Save signed checkpoints under ``evidence/<UTC time>-<what>/``; returns the folder."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        folder = self.folder / EVIDENCE / f"{stamp}-{what}"
        suffix = 1
        while folder.exists():
            suffix += 1
            folder = self.folder / EVIDENCE / f"{stamp}-{what}-{suffix}"
        self._mkdir(folder)
        for name, data in notes.items():
            self._write(folder / name, data)
        return folder

    def _mkdir(self, folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _bad_state(folder, exc.strerror or str(exc)) from None

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        StateDir._atomic(path, lambda handle: handle.write(data))

    @staticmethod
    def _atomic(path: Path, fill: Callable[[BinaryIO], object]) -> None:
        """Write ``path`` whole or not at all: a temporary file filled by ``fill``,
        fsynced, then renamed over it."""
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with open(temp, "wb") as handle:
                fill(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            raise _bad_state(path, exc.strerror or str(exc)) from None


__all__ = ["EVIDENCE", "STATE_FILE", "STATE_FORMAT", "SavedState", "StateDir"]
