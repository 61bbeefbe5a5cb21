"""Conformance: every Merkle proof vector of transparency-dev/merkle (../shared/testvectors/merkle).

Each file is one case (ids are its path): ``wantErr`` true means our verifier must refuse
it with a :class:`ProofError` (never another exception); false means it must pass. The
happy paths also come from the tree of the 8 classic CT leaves, which our
:class:`MemoryTree` must reproduce: same roots, same proofs.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from saksi.errors import ProofError
from saksi.tlog import merkle
from saksi.tlog.hashes import HASH_SIZE, leaf_hash
from tests.conftest import SHARED, shared_path

pytestmark = pytest.mark.shared

VECTORS = ("testvectors", "merkle")
KINDS = ("inclusion", "consistency", "subtreeinclusion", "subtreeconsistency")
CLASSIC_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]


def _vector_names() -> list[str]:
    directory = SHARED.joinpath(*VECTORS)
    if not directory.is_dir():
        return ["(absent)"]  # the test itself skips with shared_path()'s reason
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*.json"))


NAMES = _vector_names()


def _load(name: str) -> dict[str, Any]:
    path: Path = shared_path(*VECTORS, *name.split("/"))
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _hash(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _proof(data: dict[str, Any]) -> list[bytes]:
    return [_hash(p) for p in data["proof"] or []]


def _verify(kind: str, v: dict[str, Any]) -> None:
    proof = _proof(v)
    if kind == "inclusion":
        merkle.verify_inclusion(
            _hash(v["leafHash"]), v["leafIdx"], v["treeSize"], proof, _hash(v["root"])
        )
    elif kind == "consistency":
        merkle.verify_consistency(
            v["size1"], v["size2"], proof, _hash(v["root1"]), _hash(v["root2"])
        )
    elif kind == "subtreeinclusion":
        merkle.verify_subtree_inclusion(
            _hash(v["leafHash"]), v["leafIdx"], v["start"], v["end"], proof, root=_hash(v["root"])
        )
    else:
        merkle.verify_subtree_consistency(
            v["start"],
            v["end"],
            v["size"],
            proof,
            subtree_root=_hash(v["root1"]),
            root=_hash(v["root2"]),
        )


def test_every_vector_is_here() -> None:
    """A vector lost from the directory would otherwise go unnoticed."""
    shared_path(*VECTORS)
    counts = {kind: sum(n.startswith(kind + "/") for n in NAMES) for kind in KINDS}
    assert sum(counts.values()) == len(NAMES) == 518
    assert all(counts.values()), counts


@pytest.mark.parametrize("name", NAMES)
def test_vector(name: str) -> None:
    """The verifier agrees with the reference implementation on this case."""
    if name == "(absent)":
        shared_path(*VECTORS)
    vector = _load(name)
    kind = name.split("/", maxsplit=1)[0]
    if not vector["wantErr"]:
        _verify(kind, vector)
        return
    with pytest.raises(ProofError) as refused:
        _verify(kind, vector)
    assert refused.value.code.startswith("log.proof-")
    assert refused.value.message_id != refused.value.message_en


# --- the happy paths come from the classic 8-leaf tree, and our tree reproduces them -------


def _happy(kind: str) -> list[tuple[list[bytes], dict[str, Any]]]:
    """The passing vectors of ``kind`` about a real tree (32-byte hashes, non-empty
    ranges), each with that tree's entries: the classic leaves, or the one entry "data"
    of the single-entry cases."""
    found = []
    for name in NAMES:
        if not name.startswith(kind + "/"):
            continue
        v = _load(name)
        hashes = [v[k] for k in ("root", "root1", "root2", "leafHash") if k in v]
        real = all(len(_hash(h)) == HASH_SIZE for h in hashes)
        if not v["wantErr"] and real and v.get("start", 0) < v.get("end", 1):
            single = name.split("/")[1] == "single-entry"
            found.append(([b"data"] if single else CLASSIC_LEAVES, v))
    return found


def _tree_with_leaves_at(start: int, entries: list[bytes]) -> merkle.MemoryTree:
    """Leaves ``start, start+1, ...`` hold ``entries``; those before are filler."""
    filler = [leaf_hash(b"filler %d" % i) for i in range(start)]
    return merkle.MemoryTree(filler + [leaf_hash(d) for d in entries])


def test_classic_tree_inclusion_happy_paths() -> None:
    shared_path(*VECTORS)
    vectors = _happy("inclusion")
    assert len(vectors) >= 6
    for entries, v in vectors:
        tree = _tree_with_leaves_at(0, entries)
        index, size = v["leafIdx"], v["treeSize"]
        assert tree.root(size) == _hash(v["root"])
        assert tree.node(0, index) == _hash(v["leafHash"])
        assert tree.inclusion_proof(index, size) == _proof(v)


def test_classic_tree_consistency_happy_paths() -> None:
    shared_path(*VECTORS)
    vectors = _happy("consistency")
    assert len(vectors) >= 5
    for entries, v in vectors:
        tree = _tree_with_leaves_at(0, entries)
        size1, size2 = v["size1"], v["size2"]
        assert tree.root(size1) == _hash(v["root1"])
        assert tree.root(size2) == _hash(v["root2"])
        assert tree.consistency_proof(size1, size2) == _proof(v)


def test_classic_tree_subtree_inclusion_happy_paths() -> None:
    shared_path(*VECTORS)
    vectors = _happy("subtreeinclusion")
    assert len(vectors) >= 12
    for entries, v in vectors:
        start, end, index = v["start"], v["end"], v["leafIdx"]
        tree = _tree_with_leaves_at(start, entries)
        assert merkle.subtree_hash(start, end, tree.node) == _hash(v["root"])
        assert tree.node(0, index) == _hash(v["leafHash"])
        assert merkle.subtree_inclusion_proof(index, start, end, tree.node) == _proof(v)


def test_classic_tree_subtree_consistency_happy_paths() -> None:
    shared_path(*VECTORS)
    vectors = _happy("subtreeconsistency")
    assert len(vectors) >= 5
    for entries, v in vectors:
        tree = _tree_with_leaves_at(0, entries)
        start, end, size = v["start"], v["end"], v["size"]
        assert merkle.subtree_hash(start, end, tree.node) == _hash(v["root1"])
        assert tree.root(size) == _hash(v["root2"])
        assert merkle.subtree_consistency_proof(start, end, size, tree.node) == _proof(v)


def test_classic_tree_roots() -> None:
    """The roots of every size of the classic tree (as listed in transparency-dev's tests)."""
    tree = _tree_with_leaves_at(0, CLASSIC_LEAVES)
    assert [tree.root(n).hex()[:16] for n in range(1, 9)] == [
        "6e340b9cffb37a98",
        "fac54203e7cc696c",
        "aeb6bcfe274b70a1",
        "d37ee418976dd957",
        "4e3bbb1f7b478dcf",
        "76e67dadbcdf1e10",
        "ddb89be403809e32",
        "5dc9da79a70659a9",
    ]
