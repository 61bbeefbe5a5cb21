"""A toy log for witness tests: a Merkle tree in memory and a key that signs its checkpoints."""

from __future__ import annotations

from saksi.tlog.checkpoint import Checkpoint, CosignatureSigner, sign_checkpoint
from saksi.tlog.hashes import leaf_hash
from saksi.tlog.merkle import MemoryTree
from saksi.tlog.note import NoteSigner, generate_key

ORIGIN = "example.org/log"


class ToyLog:
    """Entries ``prefix-0``, ``prefix-1``, ... in a tree, checkpoints signed by ``signer``."""

    def __init__(self, signer: NoteSigner, prefix: str = "entry", origin: str = ORIGIN) -> None:
        self.signer = signer
        self.origin = origin
        self.prefix = prefix
        self.tree = MemoryTree()

    @classmethod
    def new(cls, origin: str = ORIGIN) -> ToyLog:
        return cls(NoteSigner.from_skey(generate_key(origin)[0]), origin=origin)

    def fork(self, at: int, prefix: str) -> ToyLog:
        """Another log under the same key sharing this one's first ``at`` entries."""
        self.grow(at)
        other = ToyLog(self.signer, prefix, self.origin)
        for index in range(at):
            other.tree.append(self.tree.node(0, index))
        return other

    @property
    def vkey(self) -> str:
        return self.signer.vkey

    def grow(self, size: int) -> None:
        while self.tree.size < size:
            self.tree.append(leaf_hash(f"{self.prefix}-{self.tree.size}".encode()))

    def checkpoint(self, size: int) -> Checkpoint:
        self.grow(size)
        return Checkpoint(self.origin, size, self.tree.root(size))

    def note(self, size: int) -> bytes:
        return sign_checkpoint(self.checkpoint(size), self.signer)

    def proof(self, old: int, size: int) -> list[bytes]:
        self.grow(size)
        return [] if old == 0 or old >= size else self.tree.consistency_proof(old, size)


def new_witness_signer(name: str = "example.org/w1") -> CosignatureSigner:
    return CosignatureSigner.from_skey(generate_key(name)[0])
