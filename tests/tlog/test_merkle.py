"""The Merkle tree against a literal transcription of RFC 9162's definitions.

The reference functions below follow the RFC's recursive text over lists of leaf hashes
(MTH, PATH, PROOF/SUBPROOF, and the MTC draft's subtree SUBPROOF), deliberately naive;
saksi.tlog.merkle must agree with them while reading only complete nodes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saksi.errors import LogError, ProofError
from saksi.tlog import merkle
from saksi.tlog.hashes import leaf_hash, node_hash

# --- reference: RFC 9162 section 2.1, word for word, over lists -------------------------

Leaves = Sequence[bytes]


def _k(n: int) -> int:
    """The largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: Leaves) -> bytes:
    if len(d) == 0:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return node_hash(ref_mth(d[:k]), ref_mth(d[k:]))


def ref_path(m: int, d: Leaves) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(start: int, end: int, d: Leaves, known: bool) -> list[bytes]:
    """RFC 9162 SUBPROOF(end, D, known) when start == 0; the MTC draft's subtree
    generalisation otherwise."""
    n = len(d)
    if start == 0 and end == n:
        return [] if known else [ref_mth(d)]
    k = _k(n)
    if end <= k:
        return [*ref_subproof(start, end, d[:k], known), ref_mth(d[k:])]
    if start >= k:
        return [*ref_subproof(start - k, end - k, d[k:], known), ref_mth(d[:k])]
    return [*ref_subproof(0, end - k, d[k:], False), ref_mth(d[:k])]


Shape = tuple[Any, Any, int]


def shape(start: int, end: int, n: int, known: bool = True) -> Shape:
    """SUBPROOF symbolically: (expression of the tree root, expression of the proven
    subtree's hash, proof length). Proof hashes are numbered by position; "seed" is the
    hash the verifier brings (the leaf, or the subtree's hash). Two parameter sets with the
    same shape accept exactly the same proofs; with different shapes, none in common."""
    if start == 0 and end == n:
        return ("seed", "seed", 0) if known else (0, 0, 1)
    k = _k(n)
    if end <= k:
        top, sub, used = shape(start, end, k, known)
        return ("H", top, used), sub, used + 1
    if start >= k:
        top, sub, used = shape(start - k, end - k, n - k, known)
        return ("H", used, top), sub, used + 1
    top, sub, used = shape(0, end - k, n - k, False)
    return ("H", used, top), ("H", used, sub), used + 1


# --- the tree under test -----------------------------------------------------------------

N = 300
LEAVES = [leaf_hash(b"entry %d" % i) for i in range(N)]
TREE = merkle.MemoryTree(LEAVES)


@cache
def ref_root(size: int) -> bytes:
    return ref_mth(LEAVES[:size])


def ref_subtree(start: int, end: int) -> bytes:
    return ref_mth(LEAVES[start:end])


Counter = tuple[merkle.NodeReader, list[tuple[int, int]]]


def counting(node: merkle.NodeReader) -> Counter:
    calls: list[tuple[int, int]] = []

    def read(level: int, index: int) -> bytes:
        calls.append((level, index))
        return node(level, index)

    return read, calls


sizes = st.integers(1, N)


@st.composite
def index_and_size(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(sizes)
    return draw(st.integers(0, size - 1)), size


@st.composite
def two_sizes(draw: st.DrawFn) -> tuple[int, int]:
    size2 = draw(sizes)
    return draw(st.integers(1, size2)), size2


@st.composite
def subtrees(draw: st.DrawFn, max_end: int = N) -> tuple[int, int]:
    """A valid non-empty subtree [start, end) with end <= max_end."""
    level = draw(st.integers(0, (max_end - 1).bit_length()))
    width = 1 << level
    start = draw(st.integers(0, max(0, (max_end - 1) // width))) * width
    end = draw(st.integers(start + 1, min(start + width, max_end)))
    assert merkle.is_valid_subtree(start, end)
    return start, end


@st.composite
def subtree_in_tree(draw: st.DrawFn) -> tuple[int, int, int]:
    start, end = draw(subtrees())
    return start, end, draw(st.integers(end, N))


def flip(proof: list[bytes], element: int, bit: int) -> list[bytes]:
    changed = list(proof)
    value = bytearray(changed[element])
    value[bit // 8] ^= 1 << (bit % 8)
    changed[element] = bytes(value)
    return changed


def refused(
    call: Callable[..., object], *args: Any, code: str | None = None, **kwargs: Any
) -> ProofError:
    """``call(*args, **kwargs)`` raises a bilingual ProofError (with ``code``, if given)."""
    with pytest.raises(ProofError) as info:
        call(*args, **kwargs)
    if code is not None:
        assert info.value.code == code
    assert info.value.message_id != info.value.message_en  # both languages
    return info.value


# --- roots and nodes ---------------------------------------------------------------------


def test_empty_tree() -> None:
    empty = hashlib.sha256(b"").digest()
    assert empty == merkle.EMPTY_ROOT
    assert merkle.root([]) == empty
    assert merkle.MemoryTree().root() == empty
    assert merkle.CompactRange().root() == empty
    read, calls = counting(TREE.node)
    assert merkle.root_at(0, read) == empty
    assert calls == []


def test_roots_of_every_size_match_the_rfc() -> None:
    for size in range(N + 1):
        assert TREE.root(size) == ref_root(size)
    assert merkle.root(LEAVES) == ref_root(N) == TREE.root()


def test_every_complete_node_matches_the_rfc() -> None:
    for level in range(N.bit_length()):
        width = 1 << level
        for index in range(N // width):
            assert TREE.node(level, index) == ref_subtree(index * width, (index + 1) * width)


def test_incomplete_and_absent_nodes_are_refused() -> None:
    tree = merkle.MemoryTree(LEAVES[:5])
    for level, index in [(0, 5), (1, 2), (2, 1), (3, 0), (-1, 0), (0, -1)]:
        with pytest.raises(LogError) as info:
            tree.node(level, index)
        assert info.value.code == "log.no-such-node"
    with pytest.raises(LogError) as info:
        tree.root(6)
    assert info.value.code == "log.bad-size"


def test_leaf_hashes_must_be_32_bytes() -> None:
    for bad in (b"", b"x" * 31, b"x" * 33):
        with pytest.raises(LogError) as info:
            merkle.MemoryTree().append(bad)
        assert info.value.code == "log.bad-leaf-hash"
        with pytest.raises(LogError) as info:
            merkle.CompactRange().append(bad)
        assert info.value.code == "log.bad-leaf-hash"


def test_subtree_validity() -> None:
    valid = [(0, 1), (0, 7), (0, 300), (1, 2), (4, 7), (8, 13), (8, 16), (12, 16), (256, 300)]
    invalid = [(0, 0), (3, 3), (1, 3), (2, 5), (2, 6), (1, 15), (4, 9), (3, 2), (-1, 1)]
    assert all(merkle.is_valid_subtree(s, e) for s, e in valid)
    assert not any(merkle.is_valid_subtree(s, e) for s, e in invalid)
    for start, end in valid:
        assert merkle.subtree_hash(start, end, TREE.node) == ref_subtree(start, end)
    with pytest.raises(LogError) as info:
        merkle.subtree_hash(2, 5, TREE.node)
    assert info.value.code == "log.bad-subtree"


# --- generated proofs are RFC 9162's, and verify ----------------------------------------


def test_proof_lengths_match_the_rfc() -> None:
    for size in range(1, 70):
        for index in range(size):
            assert merkle.inclusion_proof_length(index, size) == len(ref_path(index, [b""] * size))
            assert merkle.consistency_proof_length(index + 1, size) == len(
                ref_subproof(0, index + 1, [b""] * size, True)
            )


@settings(max_examples=150)
@given(index_and_size())
def test_inclusion_proofs(case: tuple[int, int]) -> None:
    index, size = case
    proof = TREE.inclusion_proof(index, size)
    assert proof == ref_path(index, LEAVES[:size])
    assert merkle.root_from_inclusion(LEAVES[index], index, size, proof) == ref_root(size)
    merkle.verify_inclusion(LEAVES[index], index, size, proof, ref_root(size))


@settings(max_examples=150)
@given(two_sizes())
def test_consistency_proofs(case: tuple[int, int]) -> None:
    size1, size2 = case
    proof = TREE.consistency_proof(size1, size2)
    assert proof == ref_subproof(0, size1, LEAVES[:size2], True)
    assert merkle.root_from_consistency(size1, size2, proof, ref_root(size1)) == ref_root(size2)
    merkle.verify_consistency(size1, size2, proof, ref_root(size1), ref_root(size2))


@settings(max_examples=150)
@given(subtrees(), st.data())
def test_subtree_inclusion_proofs(subtree: tuple[int, int], data: st.DataObject) -> None:
    start, end = subtree
    index = data.draw(st.integers(start, end - 1))
    proof = merkle.subtree_inclusion_proof(index, start, end, TREE.node)
    assert proof == ref_path(index - start, LEAVES[start:end])
    merkle.verify_subtree_inclusion(
        LEAVES[index], index, start, end, proof, root=ref_subtree(start, end)
    )


@settings(max_examples=150)
@given(subtree_in_tree())
def test_subtree_consistency_proofs(case: tuple[int, int, int]) -> None:
    start, end, size = case
    proof = merkle.subtree_consistency_proof(start, end, size, TREE.node)
    assert proof == ref_subproof(start, end, LEAVES[:size], True)
    assert len(proof) == merkle.subtree_consistency_proof_length(start, end, size)
    sub = ref_subtree(start, end)
    assert merkle.root_from_subtree_consistency(start, end, size, proof, sub) == ref_root(size)
    merkle.verify_subtree_consistency(
        start, end, size, proof, subtree_root=sub, root=ref_root(size)
    )


def test_empty_subtree_is_in_every_tree() -> None:
    for start, size in [(0, 0), (0, 5), (3, 3), (5, 300)]:
        assert merkle.subtree_consistency_proof(start, start, size, TREE.node) == []
        merkle.verify_subtree_consistency(
            start, start, size, [], subtree_root=merkle.EMPTY_ROOT, root=b"any"
        )
    refused(
        lambda: merkle.verify_subtree_consistency(
            2, 2, 5, [], subtree_root=ref_root(1), root=ref_root(5)
        ),
        code="log.proof-root-mismatch",
    )
    refused(
        lambda: merkle.verify_subtree_consistency(
            6, 6, 5, [], subtree_root=merkle.EMPTY_ROOT, root=ref_root(5)
        ),
        code="log.proof-bad-size",
    )


# --- any change to a proof is refused ----------------------------------------------------


@settings(max_examples=150)
@given(index_and_size(), st.data())
def test_tampered_inclusion_proofs_are_refused(case: tuple[int, int], data: st.DataObject) -> None:
    index, size = case
    proof, leaf, root = TREE.inclusion_proof(index, size), LEAVES[index], ref_root(size)

    def verify(p: list[bytes], lf: bytes = leaf, rt: bytes = root) -> Callable[[], None]:
        return lambda: merkle.verify_inclusion(lf, index, size, p, rt)

    bit = data.draw(st.integers(0, 255))
    refused(verify(proof, lf=flip([leaf], 0, bit)[0]), code="log.proof-root-mismatch")
    refused(verify(proof, rt=flip([root], 0, bit)[0]), code="log.proof-root-mismatch")
    extra = data.draw(st.binary(min_size=32, max_size=32))
    refused(verify([*proof, extra]), code="log.proof-wrong-length")
    refused(verify([extra, *proof]), code="log.proof-wrong-length")
    if proof:
        element = data.draw(st.integers(0, len(proof) - 1))
        refused(verify(flip(proof, element, bit)), code="log.proof-root-mismatch")
        refused(verify(proof[:element] + proof[element + 1 :]), code="log.proof-wrong-length")
        refused(verify(proof[:-1]), code="log.proof-wrong-length")


@settings(max_examples=150)
@given(two_sizes(), st.data())
def test_tampered_consistency_proofs_are_refused(
    case: tuple[int, int], data: st.DataObject
) -> None:
    size1, size2 = case
    proof, root1, root2 = TREE.consistency_proof(size1, size2), ref_root(size1), ref_root(size2)

    def verify(p: list[bytes], r1: bytes = root1, r2: bytes = root2) -> Callable[[], None]:
        return lambda: merkle.verify_consistency(size1, size2, p, r1, r2)

    bit = data.draw(st.integers(0, 255))
    refused(verify(proof, r1=flip([root1], 0, bit)[0]), code="log.proof-root-mismatch")
    refused(verify(proof, r2=flip([root2], 0, bit)[0]), code="log.proof-root-mismatch")
    extra = data.draw(st.binary(min_size=32, max_size=32))
    refused(verify([*proof, extra]), code="log.proof-wrong-length")
    refused(verify([extra, *proof]), code="log.proof-wrong-length")
    if proof:
        element = data.draw(st.integers(0, len(proof) - 1))
        refused(verify(flip(proof, element, bit)), code="log.proof-root-mismatch")
        refused(verify(proof[:element] + proof[element + 1 :]), code="log.proof-wrong-length")
        refused(verify(proof[:-1]), code="log.proof-wrong-length")


@settings(max_examples=100)
@given(subtree_in_tree(), st.data())
def test_tampered_subtree_proofs_are_refused(
    case: tuple[int, int, int], data: st.DataObject
) -> None:
    start, end, size = case
    index = data.draw(st.integers(start, end - 1))
    sub, root = ref_subtree(start, end), ref_root(size)
    inclusion = merkle.subtree_inclusion_proof(index, start, end, TREE.node)
    consistency = merkle.subtree_consistency_proof(start, end, size, TREE.node)
    subtree_inclusion = merkle.verify_subtree_inclusion
    subtree_consistency = merkle.verify_subtree_consistency
    bit = data.draw(st.integers(0, 255))
    for element in range(len(inclusion)):
        changed = flip(inclusion, element, bit)
        refused(subtree_inclusion, LEAVES[index], index, start, end, changed, root=sub)
    for element in range(len(consistency)):
        changed = flip(consistency, element, bit)
        refused(subtree_consistency, start, end, size, changed, subtree_root=sub, root=root)
    longer = [*consistency, sub]
    refused(subtree_consistency, start, end, size, longer, subtree_root=sub, root=root)


# --- a proof is accepted for other parameters only where the RFC makes them identical ------


@settings(max_examples=200)
@given(index_and_size(), st.integers(0, N + 2), st.integers(0, N + 2))
def test_inclusion_proof_for_other_index_or_size(
    case: tuple[int, int], index2: int, size2: int
) -> None:
    """An inclusion proof does not name its tree size (the signed checkpoint does): it
    also verifies for another (index, size) exactly when RFC 9162 hashes the same way."""
    index, size = case
    proof, root = TREE.inclusion_proof(index, size), ref_root(size)
    if index2 < size2 and shape(index2, index2 + 1, size2) == shape(index, index + 1, size):
        merkle.verify_inclusion(LEAVES[index], index2, size2, proof, root)
    else:
        refused(lambda: merkle.verify_inclusion(LEAVES[index], index2, size2, proof, root))


@settings(max_examples=200)
@given(two_sizes(), st.integers(0, N + 2), st.integers(0, N + 2))
def test_consistency_proof_for_other_sizes(case: tuple[int, int], m: int, n: int) -> None:
    size1, size2 = case
    proof, root1, root2 = TREE.consistency_proof(size1, size2), ref_root(size1), ref_root(size2)
    if 0 < m <= n and shape(0, m, n) == shape(0, size1, size2):
        merkle.verify_consistency(m, n, proof, root1, root2)
    else:
        refused(lambda: merkle.verify_consistency(m, n, proof, root1, root2))


@settings(max_examples=200)
@given(subtree_in_tree(), st.integers(0, N), st.integers(0, N), st.integers(0, N))
def test_subtree_consistency_proof_for_other_ranges(
    case: tuple[int, int, int], start2: int, end2: int, size2: int
) -> None:
    start, end, size = case
    sub, root = ref_subtree(start, end), ref_root(size)
    proof = merkle.subtree_consistency_proof(start, end, size, TREE.node)
    valid = merkle.is_valid_subtree(start2, end2) and end2 <= size2
    if valid and shape(start2, end2, size2) == shape(start, end, size):
        merkle.verify_subtree_consistency(start2, end2, size2, proof, subtree_root=sub, root=root)
    else:
        refused(
            merkle.verify_subtree_consistency,
            start2,
            end2,
            size2,
            proof,
            subtree_root=sub,
            root=root,
        )


def test_proofs_do_not_name_their_tree_size() -> None:
    """The case the shape tests allow, pinned: leaf 0's path in a tree of 3 is hashed the
    same way as in a tree of 4, and so is the consistency proof from 4 to 8 and to 5.
    What binds a proof to one tree is the signed checkpoint's (size, root) pair."""
    assert shape(0, 1, 3) == shape(0, 1, 4)
    merkle.verify_inclusion(LEAVES[0], 0, 4, TREE.inclusion_proof(0, 3), ref_root(3))
    assert shape(0, 4, 8) == shape(0, 4, 5)
    merkle.verify_consistency(4, 5, TREE.consistency_proof(4, 8), ref_root(4), ref_root(8))
    assert shape(0, 1, 3) != shape(1, 2, 3)
    refused(merkle.verify_inclusion, LEAVES[0], 1, 3, TREE.inclusion_proof(0, 3), ref_root(3))


# --- garbage in: a ProofError out, never anything else ----------------------------------

numbers = st.one_of(st.integers(-3, N + 3), st.integers(-(2**70), 2**70), st.booleans())
hashes = st.one_of(st.binary(min_size=32, max_size=32), st.binary(max_size=40))
proofs = st.lists(hashes, max_size=12)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(numbers, numbers, numbers), proofs, st.tuples(hashes, hashes))
def test_garbage_is_refused_with_proof_error(
    abc: tuple[Any, Any, Any], proof: list[bytes], h1h2: tuple[bytes, bytes]
) -> None:
    (a, b, c), (h1, h2) = abc, h1h2
    calls: list[Callable[[], object]] = [
        lambda: merkle.verify_inclusion(h1, a, b, proof, h2),
        lambda: merkle.verify_consistency(a, b, proof, h1, h2),
        lambda: merkle.verify_subtree_inclusion(h1, a, b, c, proof, root=h2),
        lambda: merkle.verify_subtree_consistency(a, b, c, proof, subtree_root=h1, root=h2),
        lambda: merkle.root_from_inclusion(h1, a, b, proof),
        lambda: merkle.root_from_consistency(a, b, proof, h1),
        lambda: merkle.root_from_subtree_consistency(a, b, c, proof, h1),
    ]
    for call in calls:
        try:
            call()
        except ProofError as error:
            assert error.code.startswith("log.proof-")
            assert error.message_id != error.message_en


def test_specific_refusals() -> None:
    leaf, root = LEAVES[0], ref_root(4)
    proof = TREE.inclusion_proof(0, 4)
    inclusion, consistency = merkle.verify_inclusion, merkle.verify_consistency
    subtree_inclusion = merkle.verify_subtree_inclusion
    refused(inclusion, leaf, 4, 4, [], root, code="log.proof-bad-index")
    refused(inclusion, leaf[:31], 0, 4, proof, root, code="log.proof-bad-hash")
    refused(inclusion, leaf, 0, 4, [proof[0], proof[1][:31]], root, code="log.proof-bad-hash")
    refused(inclusion, leaf, -1, 4, proof, root, code="log.proof-bad-number")
    refused(inclusion, leaf, 0, 2**64, proof, root, code="log.proof-bad-number")
    refused(inclusion, leaf, True, 4, proof, root, code="log.proof-bad-number")
    refused(consistency, 0, 0, [], root, root, code="log.proof-from-empty-tree")
    refused(consistency, 0, 4, [], root, root, code="log.proof-from-empty-tree")
    refused(consistency, 5, 4, [], root, root, code="log.proof-bad-size")
    refused(consistency, 4, 4, [root], root, root, code="log.proof-wrong-length")
    refused(consistency, 4, 4, [], root, ref_root(3), code="log.proof-root-mismatch")
    merkle.verify_consistency(4, 4, [], root, root)
    refused(subtree_inclusion, leaf, 2, 2, 5, [], root=root, code="log.proof-bad-subtree")
    refused(subtree_inclusion, leaf, 3, 4, 8, [], root=root, code="log.proof-bad-index")


def test_impossible_proofs_are_not_generated() -> None:
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: TREE.inclusion_proof(5, 5), "log.bad-index"),
        (lambda: TREE.inclusion_proof(0, 0), "log.bad-index"),
        (lambda: TREE.inclusion_proof(-1, 5), "log.bad-number"),
        (lambda: TREE.consistency_proof(0, 5), "log.from-empty-tree"),
        (lambda: TREE.consistency_proof(6, 5), "log.bad-size"),
        (lambda: TREE.consistency_proof(5, N + 1), "log.bad-size"),
        (lambda: merkle.subtree_inclusion_proof(1, 1, 3, TREE.node), "log.bad-subtree"),
        (lambda: merkle.subtree_inclusion_proof(3, 4, 8, TREE.node), "log.bad-index"),
        (lambda: merkle.subtree_consistency_proof(2, 6, 8, TREE.node), "log.bad-subtree"),
        (lambda: merkle.subtree_consistency_proof(0, 9, 8, TREE.node), "log.bad-size"),
    ]
    for call, code in cases:
        with pytest.raises(LogError) as info:
            call()
        assert not isinstance(info.value, ProofError)
        assert info.value.code == code
        assert info.value.message_id != info.value.message_en
    assert TREE.consistency_proof(7, 7) == []


# --- the compact range: the right edge of a growing tree ---------------------------------


def test_compact_range_appends_like_the_tree() -> None:
    edge = merkle.CompactRange()
    completed: list[merkle.CompletedNode] = []
    for size, leaf in enumerate(LEAVES, start=1):
        new = edge.append(leaf)
        assert new[0] == (0, size - 1, leaf)
        assert [level for level, _, _ in new] == list(range(len(new)))
        for level, index, digest in new:
            assert TREE.node(level, index) == digest
            assert (index + 1) << level == size  # completed by this very leaf
        completed.extend(new)
        assert edge.size == size
        assert edge.root() == ref_root(size)
        assert len(edge.nodes()) == size.bit_count()
    every_node = {(level, index) for level in range(N.bit_length()) for index in range(N >> level)}
    assert [(lv, ix) for lv, ix, _ in completed] == sorted(
        every_node, key=lambda node: (((node[1] + 1) << node[0]) - 1, node[0])
    )


@settings(max_examples=60)
@given(st.integers(0, N), st.data())
def test_compact_range_from_nodes_continues(size: int, data: st.DataObject) -> None:
    read, calls = counting(TREE.node)
    edge = merkle.CompactRange.from_nodes(size, read)
    assert len(calls) == size.bit_count()
    assert edge.size == size
    assert edge.root() == ref_root(size)
    grown = merkle.CompactRange()
    grown.extend(LEAVES[:size])
    assert edge.nodes() == grown.nodes()
    later = data.draw(st.integers(size, N))
    completed = edge.extend(LEAVES[size:later])
    assert edge.root() == ref_root(later)
    assert all(TREE.node(level, index) == digest for level, index, digest in completed)


@settings(max_examples=60)
@given(st.lists(st.integers(0, 4), max_size=12))
def test_compact_range_appends_a_perfect_subtree_as_its_leaves(levels: list[int]) -> None:
    edge, size = merkle.CompactRange(), 0
    for level in levels:
        width = 1 << level
        size = -(-size // width) * width  # the next multiple of 2**level
        if size + width > N:
            break
        edge.extend(LEAVES[edge.size : size])
        edge.append_subtree(level, TREE.node(level, size >> level))
        size += width
        assert edge.size == size
        assert edge.root() == ref_root(size)
        grown = merkle.CompactRange()
        grown.extend(LEAVES[:size])
        assert edge.nodes() == grown.nodes()


def test_compact_range_refuses_a_subtree_not_at_its_place() -> None:
    edge = merkle.CompactRange()
    edge.append(LEAVES[0])
    with pytest.raises(LogError) as raised:
        edge.append_subtree(1, TREE.node(1, 0))
    assert raised.value.code == "log.bad-subtree"
    with pytest.raises(LogError) as raised:
        edge.append_subtree(0, b"short")
    assert raised.value.code == "log.bad-leaf-hash"
    assert edge.size == 1 and edge.root() == ref_root(1)


# --- cost: proofs read O(log n) nodes, so they work over tiles on disk -------------------


@settings(max_examples=100)
@given(index_and_size(), two_sizes())
def test_proofs_read_few_nodes(case: tuple[int, int], sizes2: tuple[int, int]) -> None:
    index, size = case
    read, calls = counting(TREE.node)
    merkle.inclusion_proof(index, size, read)
    assert len(calls) <= 2 * size.bit_length()
    calls.clear()
    merkle.root_at(size, read)
    assert len(calls) == size.bit_count()
    calls.clear()
    size1, size2 = sizes2
    merkle.consistency_proof(size1, size2, read)
    assert len(calls) <= 2 * size2.bit_length()


def test_proofs_in_a_tree_of_a_trillion_leaves() -> None:
    """A tree whose leaves are all equal has node (level, i) = P[level], so it can be read
    at any size without being built: proofs there still read only a few dozen nodes."""
    perfect = [leaf_hash(b"same")]
    for _ in range(63):
        perfect.append(node_hash(perfect[-1], perfect[-1]))
    read, calls = counting(lambda level, index: perfect[level])
    size = 2**40 + 123_456_789
    root = merkle.root_at(size, read)
    for index in (0, 1, 2**39 + 5, size - 1):
        calls.clear()
        proof = merkle.inclusion_proof(index, size, read)
        assert len(calls) <= 2 * size.bit_length()
        merkle.verify_inclusion(perfect[0], index, size, proof, root)
    for size1 in (1, 3, 2**40, size - 1):
        calls.clear()
        proof = merkle.consistency_proof(size1, size, read)
        assert len(calls) <= 2 * size.bit_length()
        merkle.verify_consistency(size1, size, proof, merkle.root_at(size1, read), root)
