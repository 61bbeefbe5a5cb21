"""A chunk's leaf hashes come back from a worker as a few perfect subtrees: appended
to the verifier's tree they give the same tree as the leaves one by one, wherever the
chunk starts (a first run starts at 0, a later one wherever the last one stopped)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.tlog.hashes import leaf_hash
from saksi.tlog.merkle import CompactRange
from saksi.verify.entries import subtrees

LEAVES = [leaf_hash(b"entry %d" % i) for i in range(3000)]


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 1500), st.integers(0, 1500))
def test_a_chunk_s_subtrees_extend_the_tree_as_its_leaves_do(first: int, count: int) -> None:
    by_leaf, by_subtree = CompactRange(), CompactRange()
    by_leaf.extend(LEAVES[: first + count])
    by_subtree.extend(LEAVES[:first])
    trees = subtrees(first, LEAVES[first : first + count])
    for level, root in trees:
        by_subtree.append_subtree(level, root)
    assert by_subtree.size == first + count
    assert by_subtree.nodes() == by_leaf.nodes()
    assert len(trees) <= 2 * 11  # a few hashes a chunk, never one a leaf


def test_a_whole_aligned_chunk_is_one_subtree() -> None:
    ((level, _),) = subtrees(1024, LEAVES[1024:2048])
    assert level == 10
