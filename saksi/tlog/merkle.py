"""The RFC 9162 Merkle tree: roots, inclusion and consistency proofs, generated and verified.

Hashing is RFC 6962's (:mod:`saksi.tlog.hashes`): ``MTH({}) = SHA-256("")``, a leaf is
``SHA-256(0x00 || entry)``, an interior node ``SHA-256(0x01 || left || right)``, and a
tree of ``n > 1`` leaves splits at ``k``, the largest power of two smaller than ``n``
(RFC 9162 section 2.1.1).

Words used below:

- a *complete node* ``(level, index)`` is the root of the perfect subtree of
  ``2**level`` leaves starting at leaf ``index * 2**level``. Complete nodes never change
  as the log grows, so they are what tiles store; a :data:`NodeReader` returns them.
- a *subtree* ``[start, end)`` is a range of leaves that is a node of some tree: ``start``
  is a multiple of the smallest power of two ``>= end - start`` (``start == 0`` is always
  allowed). Merkle Tree Certificates (draft-ietf-plants-merkle-tree-certs) prove
  inclusion in, and consistency with, such subtrees; transparency-dev/merkle implements
  them and its conformance vectors include them.

Proofs are generated from a :data:`NodeReader`, so they work over tiles on disk: a proof
reads ``O(log n)`` complete nodes (at most one of its hashes is an incomplete node on the
tree's right edge, rebuilt from the complete nodes under it). Verification follows RFC 9162
sections 2.1.3.2 (inclusion) and 2.1.4.2 (consistency), and for subtrees the procedures of
the MTC draft (sections 4.3.3 and 4.4.3). Every failure is a :class:`ProofError` with a
stable code ``log.proof-*``; asking to generate an impossible proof is a :class:`LogError`
with the matching ``log.*`` code (``log.bad-index``, ``log.bad-size``, ...).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from saksi.errors import LogError, ProofError
from saksi.tlog.hashes import HASH_SIZE, node_hash

NodeReader = Callable[[int, int], bytes]
"""``(level, index) -> hash`` of the complete subtree of ``2**level`` leaves from leaf
``index * 2**level``. Level 0 holds the leaf hashes."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}): the root of the empty tree."""

MAX_TREE_SIZE = 2**64 - 1
"""Sizes and indices are unsigned 64-bit numbers, as in checkpoints and in Go's tlog."""

CompletedNode = tuple[int, int, bytes]
"""``(level, index, hash)`` of a complete node."""


# --- refusals: a stable code and a message in Bahasa Indonesia and English ---------------


def _refuse(
    reason: str, message_id: str, message_en: str, verifying: bool, **details: Any
) -> LogError:
    """``ProofError("log.proof-<reason>")`` from a verifier, ``LogError("log.<reason>")``
    when asked to generate an impossible proof."""
    if verifying:
        return ProofError(code=f"log.proof-{reason}", en=message_en, id=message_id, **details)
    return LogError(code=f"log.{reason}", en=message_en, id=message_id, **details)


def _check_numbers(*, verifying: bool, **numbers: int) -> None:
    for name, value in numbers.items():
        if type(value) is not int or not 0 <= value <= MAX_TREE_SIZE:
            raise _refuse(
                "bad-number",
                f"{name} harus bilangan bulat 0 sampai 2^64-1, bukan {value!r}.",
                f"{name} must be a whole number from 0 to 2^64-1, not {value!r}.",
                verifying,
                name=name,
                value=repr(value),
            )


def _index_outside(index: int, start: int, end: int, verifying: bool) -> LogError:
    return _refuse(
        "bad-index",
        f"Indeks daun {index} berada di luar rentang [{start}, {end}).",
        f"Leaf index {index} is outside the range [{start}, {end}).",
        verifying,
        index=index,
        start=start,
        end=end,
    )


def _bad_subtree(start: int, end: int, verifying: bool) -> LogError:
    return _refuse(
        "bad-subtree",
        f"[{start}, {end}) bukan subpohon yang sah: tidak boleh kosong, dan awalnya harus "
        "kelipatan pangkat dua terkecil yang tidak kurang dari panjangnya.",
        f"[{start}, {end}) is not a valid subtree: it must be non-empty and start at a "
        "multiple of the smallest power of two at least as large as its length.",
        verifying,
        start=start,
        end=end,
    )


def _bad_sizes(small: int, large: int, verifying: bool) -> LogError:
    return _refuse(
        "bad-size",
        f"Ukuran {small} melebihi ukuran pohon {large}; pohon log hanya bertambah.",
        f"Size {small} exceeds the tree size {large}; a log's tree only grows.",
        verifying,
        size1=small,
        size2=large,
    )


def _from_empty_tree(verifying: bool) -> LogError:
    return _refuse(
        "from-empty-tree",
        "Bukti konsistensi dari pohon kosong tidak bermakna (RFC 9162 2.1.4).",
        "A consistency proof from the empty tree is meaningless (RFC 9162 2.1.4).",
        verifying,
    )


def _wrong_length(got: int, want: int) -> LogError:
    return _refuse(
        "wrong-length",
        f"Bukti berisi {got} hash, seharusnya {want}.",
        f"The proof holds {got} hashes; it should hold {want}.",
        True,
        got=got,
        want=want,
    )


def _check_hash(value: object, what_id: str, what_en: str) -> None:
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        length = len(value) if isinstance(value, bytes) else None
        shown = length if length is not None else repr(value)
        raise _refuse(
            "bad-hash",
            f"{what_id} harus {HASH_SIZE} bita, bukan {shown}.",
            f"The {what_en} must be {HASH_SIZE} bytes, not {shown}.",
            True,
            what=what_en,
            length=length,
        )


def _check_proof(proof: Sequence[bytes], want: int) -> None:
    if len(proof) != want:
        raise _wrong_length(len(proof), want)
    for i, element in enumerate(proof):
        _check_hash(element, f"Hash bukti ke-{i}", f"proof hash {i}")


def _match(computed: bytes, expected: bytes, what_id: str, what_en: str) -> None:
    if computed != expected:
        raise _refuse(
            "root-mismatch",
            f"{what_id} yang dihitung dari bukti tidak sama dengan yang diharapkan.",
            f"The {what_en} computed from the proof does not match the expected one.",
            True,
            what=what_en,
            computed=computed.hex(),
            expected=expected.hex(),
        )


# --- tree shape ------------------------------------------------------------------------


def _split(n: int) -> int:
    """RFC 9162 2.1.1: the largest power of two smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _trailing_zeros(n: int) -> int:
    return (n & -n).bit_length() - 1


def is_valid_subtree(start: int, end: int) -> bool:
    """Whether the non-empty range ``[start, end)`` is a node of some Merkle tree."""
    if not 0 <= start < end:
        return False
    length = end - start
    return start % (1 << (length - 1).bit_length()) == 0


def inclusion_proof_length(index: int, size: int) -> int:
    """The number of hashes in the inclusion proof of leaf ``index`` (``index < size``)."""
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def subtree_consistency_proof_length(start: int, end: int, size: int) -> int:
    """The number of hashes proving subtree ``[start, end)`` is in the tree of ``size``."""
    if end == size:
        level = ((end - 1) ^ start).bit_length()
        return (start >> level).bit_count()
    fork = ((end - 1) ^ (size - 1)).bit_length()
    border = ((end - 1) >> fork).bit_count()
    shift = _trailing_zeros(end - start)
    perfect = (end - start) & (end - start - 1) == 0
    return (0 if perfect else 1) + fork - shift + border


def consistency_proof_length(size1: int, size2: int) -> int:
    """The number of hashes in the consistency proof from ``size1`` to ``size2``."""
    return subtree_consistency_proof_length(0, size1, size2)


# --- roots -----------------------------------------------------------------------------


def subtree_hash(start: int, end: int, node: NodeReader) -> bytes:
    """MTH of leaves ``[start, end)`` (a valid subtree, or empty) from complete nodes.

    The range splits into the complete nodes of its length's binary digits, largest
    first; folding them right to left gives RFC 9162's MTH. One read per set bit.
    """
    _check_numbers(verifying=False, start=start, end=end)
    if start == end:
        return EMPTY_ROOT
    if not is_valid_subtree(start, end):
        raise _bad_subtree(start, end, verifying=False)
    hashes = []
    offset = start
    for level in reversed(range((end - start).bit_length())):
        if (end - start) >> level & 1:
            hashes.append(node(level, offset >> level))
            offset += 1 << level
    result = hashes.pop()
    while hashes:
        result = node_hash(hashes.pop(), result)
    return result


def root_at(size: int, node: NodeReader) -> bytes:
    """The root of the tree of the first ``size`` leaves (``popcount(size)`` reads)."""
    return subtree_hash(0, size, node)


def root(leaf_hashes: Iterable[bytes]) -> bytes:
    """RFC 9162 MTH over leaf hashes, in ``O(log n)`` memory; ``MTH({}) = SHA-256("")``."""
    edge = CompactRange()
    for leaf in leaf_hashes:
        edge.append(leaf)
    return edge.root()


# --- proof generation (RFC 9162 2.1.3.1 PATH, 2.1.4.1 SUBPROOF; MTC 4.3.1, 4.4.1) -------


def _subproof(
    start: int, end: int, base: int, n: int, *, known: bool, node: NodeReader, out: list[bytes]
) -> None:
    """SUBPROOF for the subtree ``[start, end)`` of ``D[base : base + n]`` (relative).

    With ``[start, end) = [m, m+1)`` it is RFC 9162's PATH(m, D[n]); with ``start = 0`` it
    is SUBPROOF(end, D[n], known); in general it is the MTC draft's SUBTREE_SUBPROOF.
    ``known`` says whether the verifier already holds the hash of ``[start, end)``.
    """
    if start == 0 and end == n:
        if not known:
            out.append(subtree_hash(base, base + n, node))
        return
    k = _split(n)
    if end <= k:
        _subproof(start, end, base, k, known=known, node=node, out=out)
        out.append(subtree_hash(base + k, base + n, node))
    elif start >= k:
        _subproof(start - k, end - k, base + k, n - k, known=known, node=node, out=out)
        out.append(node(k.bit_length() - 1, base // k))
    else:  # start == 0 < k < end: the left half lies wholly inside the subtree
        _subproof(0, end - k, base + k, n - k, known=False, node=node, out=out)
        out.append(node(k.bit_length() - 1, base // k))


def inclusion_proof(index: int, size: int, node: NodeReader) -> list[bytes]:
    """RFC 9162 2.1.3.1: the audit path of leaf ``index`` in the tree of ``size``."""
    _check_numbers(verifying=False, index=index, size=size)
    if index >= size:
        raise _index_outside(index, 0, size, verifying=False)
    proof: list[bytes] = []
    _subproof(index, index + 1, 0, size, known=True, node=node, out=proof)
    return proof


def consistency_proof(size1: int, size2: int, node: NodeReader) -> list[bytes]:
    """RFC 9162 2.1.4.1: PROOF(size1, D[size2]); empty when the sizes are equal."""
    _check_numbers(verifying=False, size1=size1, size2=size2)
    if size1 > size2:
        raise _bad_sizes(size1, size2, verifying=False)
    if size1 == 0:
        raise _from_empty_tree(verifying=False)
    proof: list[bytes] = []
    _subproof(0, size1, 0, size2, known=True, node=node, out=proof)
    return proof


def subtree_inclusion_proof(index: int, start: int, end: int, node: NodeReader) -> list[bytes]:
    """MTC 4.3.1: the inclusion proof of leaf ``index`` in the subtree ``[start, end)``."""
    _check_numbers(verifying=False, index=index, start=start, end=end)
    if not is_valid_subtree(start, end):
        raise _bad_subtree(start, end, verifying=False)
    if not start <= index < end:
        raise _index_outside(index, start, end, verifying=False)
    proof: list[bytes] = []
    _subproof(
        index - start, index - start + 1, start, end - start, known=True, node=node, out=proof
    )
    return proof


def subtree_consistency_proof(start: int, end: int, size: int, node: NodeReader) -> list[bytes]:
    """MTC 4.4.1: proof that subtree ``[start, end)`` is part of the tree of ``size``.

    The empty range ``[k, k)`` needs no proof (see :func:`verify_subtree_consistency`).
    """
    _check_numbers(verifying=False, start=start, end=end, size=size)
    if end > size:
        raise _bad_sizes(end, size, verifying=False)
    if start == end:
        return []
    if not is_valid_subtree(start, end):
        raise _bad_subtree(start, end, verifying=False)
    proof: list[bytes] = []
    _subproof(start, end, 0, size, known=True, node=node, out=proof)
    return proof


# --- verification ----------------------------------------------------------------------


def root_from_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 2.1.3.2 steps 1-4: the root implied by an inclusion proof."""
    _check_numbers(verifying=True, index=index, size=size)
    if index >= size:
        raise _index_outside(index, 0, size, verifying=True)
    _check_hash(leaf_hash, "Hash daun", "leaf hash")
    _check_proof(proof, inclusion_proof_length(index, size))
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise _wrong_length(len(proof), inclusion_proof_length(index, size))
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise _wrong_length(len(proof), inclusion_proof_length(index, size))
    return r


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 2.1.3.2: raise :class:`ProofError` unless the proof puts the leaf at
    ``index`` in the tree of ``size`` whose root is ``root``."""
    computed = root_from_inclusion(leaf_hash, index, size, proof)
    _match(computed, root, "Akar pohon", "tree root")


def verify_subtree_inclusion(
    leaf_hash: bytes, index: int, start: int, end: int, proof: Sequence[bytes], *, root: bytes
) -> None:
    """MTC 4.3.3: the inclusion proof of leaf ``index`` in subtree ``[start, end)`` whose
    hash is ``root``: an RFC 9162 inclusion proof of ``index - start`` in a tree of
    ``end - start`` leaves."""
    _check_numbers(verifying=True, index=index, start=start, end=end)
    if not is_valid_subtree(start, end):
        raise _bad_subtree(start, end, verifying=True)
    if not start <= index < end:
        raise _index_outside(index, start, end, verifying=True)
    computed = root_from_inclusion(leaf_hash, index - start, end - start, proof)
    _match(computed, root, "Hash subpohon", "subtree hash")


def root_from_consistency(size1: int, size2: int, proof: Sequence[bytes], root1: bytes) -> bytes:
    """RFC 9162 2.1.4.2: check ``root1`` against the proof; return the root of ``size2``
    it implies. Equal sizes need an empty proof; size 0 is refused (nothing to prove)."""
    _check_numbers(verifying=True, size1=size1, size2=size2)
    if size1 > size2:
        raise _bad_sizes(size1, size2, verifying=True)
    if size1 == 0:
        raise _from_empty_tree(verifying=True)
    _check_proof(proof, consistency_proof_length(size1, size2))
    if size1 == size2:
        return root1
    path = [root1, *proof] if size1 & (size1 - 1) == 0 else list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise _wrong_length(len(proof), consistency_proof_length(size1, size2))
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise _wrong_length(len(proof), consistency_proof_length(size1, size2))
    _match(fr, root1, "Akar pohon pertama", "first tree root")
    return sr


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 2.1.4.2: raise :class:`ProofError` unless the tree of ``size1`` with
    ``root1`` is a prefix of the tree of ``size2`` with ``root2``."""
    computed = root_from_consistency(size1, size2, proof, root1)
    _match(computed, root2, "Akar pohon kedua", "second tree root")


def _climb_subtree_proof(
    start: int, end: int, size: int, proof: Sequence[bytes], subtree_root: bytes
) -> tuple[bytes, bytes, int]:
    """MTC 4.4.3 steps 3-7: ``(fr, sr, tn)`` after consuming the proof."""
    fn, sn, tn = start, end - 1, size - 1
    while fn != sn and (sn == tn or sn & 1):
        fn, sn, tn = fn >> 1, sn >> 1, tn >> 1
    if fn == sn:
        fr = sr = subtree_root
        rest = proof
    else:
        fr = sr = proof[0]
        rest = proof[1:]
    for c in rest:
        if tn == 0:
            raise _wrong_length(len(proof), subtree_consistency_proof_length(start, end, size))
        if sn & 1 or sn == tn:
            if fn < sn:
                fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not sn & 1:
                fn, sn, tn = fn >> 1, sn >> 1, tn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn, tn = fn >> 1, sn >> 1, tn >> 1
    return fr, sr, tn


def root_from_subtree_consistency(
    start: int, end: int, size: int, proof: Sequence[bytes], subtree_root: bytes
) -> bytes:
    """MTC 4.4.3: check ``subtree_root`` (the hash of the non-empty subtree
    ``[start, end)``) against the proof; return the root of ``size`` it implies."""
    _check_numbers(verifying=True, start=start, end=end, size=size)
    if end > size:
        raise _bad_sizes(end, size, verifying=True)
    if not is_valid_subtree(start, end):
        raise _bad_subtree(start, end, verifying=True)
    want = subtree_consistency_proof_length(start, end, size)
    _check_proof(proof, want)
    if start == 0 and end == size:
        return subtree_root
    fr, sr, tn = _climb_subtree_proof(start, end, size, proof, subtree_root)
    if tn != 0:
        raise _wrong_length(len(proof), want)
    _match(fr, subtree_root, "Hash subpohon", "subtree hash")
    return sr


def verify_subtree_consistency(
    start: int,
    end: int,
    size: int,
    proof: Sequence[bytes],
    *,
    subtree_root: bytes,
    root: bytes,
) -> None:
    """MTC 4.4.3: raise :class:`ProofError` unless subtree ``[start, end)`` with hash
    ``subtree_root`` is part of the tree of ``size`` with ``root``.

    As in transparency-dev/merkle, the empty range ``[k, k)`` (``k <= size``) is part of
    every tree: its hash must be MTH({}) and its proof empty; ``root`` is not examined.
    """
    _check_numbers(verifying=True, start=start, end=end, size=size)
    if start == end and end <= size:
        _check_proof(proof, 0)
        _match(subtree_root, EMPTY_ROOT, "Hash subpohon kosong", "empty subtree hash")
        return
    computed = root_from_subtree_consistency(start, end, size, proof, subtree_root)
    _match(computed, root, "Akar pohon", "tree root")


# --- the right edge of a growing tree --------------------------------------------------


def _check_leaf(leaf_hash: object) -> bytes:
    if not isinstance(leaf_hash, bytes) or len(leaf_hash) != HASH_SIZE:
        length = len(leaf_hash) if isinstance(leaf_hash, bytes) else None
        raise _refuse(
            "bad-leaf-hash",
            f"Hash daun harus {HASH_SIZE} bita, bukan {length}.",
            f"A leaf hash must be {HASH_SIZE} bytes, not {length}.",
            False,
            length=length,
        )
    return leaf_hash


class CompactRange:
    """The right edge of a tree of ``size`` leaves: the hashes of its perfect subtrees,
    largest (leftmost) first, one per set bit of ``size``. Enough to append leaves and
    compute every new complete node and root without the rest of the tree."""

    __slots__ = ("_size", "_stack")

    def __init__(self) -> None:
        self._size = 0
        self._stack: list[tuple[int, bytes]] = []

    @classmethod
    def from_nodes(cls, size: int, node: NodeReader) -> CompactRange:
        """The edge of the tree of ``size``, read as ``popcount(size)`` complete nodes."""
        _check_numbers(verifying=False, size=size)
        edge = cls()
        offset = 0
        for level in reversed(range(size.bit_length())):
            if size >> level & 1:
                edge._stack.append((level, node(level, offset >> level)))
                offset += 1 << level
        edge._size = size
        return edge

    @property
    def size(self) -> int:
        """The number of leaves appended so far."""
        return self._size

    def nodes(self) -> list[CompletedNode]:
        """The edge as ``(level, index, hash)``, left to right."""
        result = []
        offset = 0
        for level, digest in self._stack:
            result.append((level, offset >> level, digest))
            offset += 1 << level
        return result

    def append(self, leaf_hash: bytes) -> list[CompletedNode]:
        """Add one leaf; return every node it completes, bottom up, the leaf first."""
        digest = _check_leaf(leaf_hash)
        level, index = 0, self._size
        completed = [(0, index, digest)]
        while self._stack and self._stack[-1][0] == level:
            _, left = self._stack.pop()
            digest = node_hash(left, digest)
            level, index = level + 1, index >> 1
            completed.append((level, index, digest))
        self._stack.append((level, digest))
        self._size += 1
        return completed

    def append_subtree(self, level: int, subtree_root: bytes) -> None:
        """Add ``2**level`` leaves at once, given the root of their perfect subtree
        (what :meth:`extend` would reach with them, without hashing each): the size so
        far must be a multiple of ``2**level`` (else ``log.bad-subtree``)."""
        digest = _check_leaf(subtree_root)
        if type(level) is not int or not 0 <= level < 64 or self._size % (1 << level):
            raise _bad_subtree(self._size, self._size + (1 << max(0, min(level, 63))), False)
        added = 1 << level
        while self._stack and self._stack[-1][0] == level:
            _, left = self._stack.pop()
            digest = node_hash(left, digest)
            level += 1
        self._stack.append((level, digest))
        self._size += added

    def extend(self, leaf_hashes: Iterable[bytes]) -> list[CompletedNode]:
        """Append several leaves; return every node they complete, in order."""
        completed: list[CompletedNode] = []
        for leaf in leaf_hashes:
            completed.extend(self.append(leaf))
        return completed

    def root(self) -> bytes:
        """MTH of the leaves so far: the edge folded right to left."""
        if not self._stack:
            return EMPTY_ROOT
        digest = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            digest = node_hash(left, digest)
        return digest


# --- a whole tree in memory (tests, small logs) -----------------------------------------


class MemoryTree:
    """Every complete node of a tree, kept in memory. ``node`` is a :data:`NodeReader`
    for every tree size up to ``size``."""

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        for leaf in leaf_hashes:
            self.append(leaf)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def append(self, leaf_hash: bytes) -> int:
        """Add one leaf hash; return its index."""
        digest = _check_leaf(leaf_hash)
        index = self.size
        position, level = index, 0
        self._levels[0].append(digest)
        while position & 1:
            row = self._levels[level]
            digest = node_hash(row[position - 1], row[position])
            level, position = level + 1, position >> 1
            if level == len(self._levels):
                self._levels.append([])
            self._levels[level].append(digest)
        return index

    def node(self, level: int, index: int) -> bytes:
        """The hash of complete node ``(level, index)``."""
        if 0 <= level < len(self._levels) and 0 <= index < len(self._levels[level]):
            return self._levels[level][index]
        raise _refuse(
            "no-such-node",
            f"Simpul ({level}, {index}) belum lengkap atau tidak ada di pohon {self.size} daun.",
            f"Node ({level}, {index}) is not complete or absent in a tree of {self.size} leaves.",
            False,
            level=level,
            index=index,
            size=self.size,
        )

    def _size_or_all(self, size: int | None) -> int:
        if size is None:
            return self.size
        _check_numbers(verifying=False, size=size)
        if size > self.size:
            raise _bad_sizes(size, self.size, verifying=False)
        return size

    def root(self, size: int | None = None) -> bytes:
        """The root of the first ``size`` leaves (all of them by default)."""
        return root_at(self._size_or_all(size), self.node)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self._size_or_all(size), self.node)

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        return consistency_proof(size1, self._size_or_all(size2), self.node)


__all__ = [
    "EMPTY_ROOT",
    "MAX_TREE_SIZE",
    "CompactRange",
    "CompletedNode",
    "MemoryTree",
    "NodeReader",
    "consistency_proof",
    "consistency_proof_length",
    "inclusion_proof",
    "inclusion_proof_length",
    "is_valid_subtree",
    "root",
    "root_at",
    "root_from_consistency",
    "root_from_inclusion",
    "root_from_subtree_consistency",
    "subtree_consistency_proof",
    "subtree_consistency_proof_length",
    "subtree_hash",
    "subtree_inclusion_proof",
    "verify_consistency",
    "verify_inclusion",
    "verify_subtree_consistency",
    "verify_subtree_inclusion",
]
