"""A compact encoding of :class:`~saksi.election.authority.Authority`'s state, for pickling.

A national log registers about 830,000 keys and 820,000 forms. Pickled as objects,
each record's state (a dict per slotted dataclass) and each of its strings would be
held by the pickler's memo until the end: about as much memory again as the state
itself. Packed, the records become a few columns per kind: the strings that are
unique to a record joined by ``"\\n"`` into one string (the schema forbids control
characters in keys, region codes and labels), the few that recur (roles, parties,
validity times, types, contests) as numbers into a small table, entry indices as
an array. Unpacking builds the same records in the same order and shares the strings
again (a form's key and region are its signer's), and derives what follows from
them: who registered whom, each TPS's first form and the form in force.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from typing import Any, Final

from saksi.election.records import FormRecord, KeyRecord

PACKED: Final = "_packed"
"""The key that marks a packed state (its value: the encoding's version)."""
VERSION: Final = 1

_DERIVED: Final = ("_keys", "_children", "_forms", "_first", "_heads", "_copies")
"""What packing replaces: the records, and what is rebuilt from them."""
_C_HASIL: Final = "c-hasil"
_SEP: Final = "\n"


class _Table:
    """Recurring strings as small numbers (0 stands for None)."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def number(self, text: str | None) -> int:
        if text is None:
            return 0
        return self.numbers.setdefault(text, len(self.numbers) + 1)

    def strings(self) -> list[str]:
        return list(self.numbers)


def _join(texts: Sequence[str]) -> str:
    joined = _SEP.join(texts)
    if joined.count(_SEP) != max(len(texts) - 1, 0):
        raise ValueError("a record's text holds a line break: it cannot be packed")
    return joined


def _split(joined: str, count: int) -> list[str]:
    return joined.split(_SEP) if count else []


def pack(state: dict[str, Any]) -> dict[str, Any]:
    """``Authority.__dict__`` as a packed state (the original is left unchanged)."""
    skeleton, columns = pack_lazily(state)
    return {**skeleton, **dict(columns)}


def pack_lazily(state: dict[str, Any]) -> tuple[dict[str, Any], Iterator[tuple[str, Any]]]:
    """:func:`pack` in parts: the small rest of the state, and its columns, each built
    only when it is asked for (so a writer can let each go once written). The packed
    state is the rest updated with every ``(name, column)``."""
    skeleton = {name: value for name, value in state.items() if name not in _DERIVED}
    skeleton[PACKED] = VERSION

    def columns() -> Iterator[tuple[str, Any]]:
        yield from _pack_keys("_keys", state["_keys"])
        yield from _pack_forms("_forms", state["_forms"])
        yield from _pack_forms("_copies", state["_copies"])

    return skeleton, columns()


def unpack(state: dict[str, Any]) -> dict[str, Any]:
    """The ``Authority.__dict__`` that :func:`pack` was given."""
    if state.get(PACKED) != VERSION:
        raise ValueError(f"not a packed authority state of version {VERSION}")
    out = {name: value for name, value in state.items() if name != PACKED and "/" not in name}
    keys = _unpack_keys("_keys", state)
    forms = {rec.index: rec for rec in _unpack_forms("_forms", state, keys)}
    copies = {(r.region, r.contest, r.key): r for r in _unpack_forms("_copies", state, keys)}
    first: dict[tuple[str, str], FormRecord] = {}
    heads: dict[tuple[str, str], FormRecord] = {}
    for rec in forms.values():  # in log order: the c-hasil, then its corrections
        slot = (rec.region, rec.contest)
        if rec.type == _C_HASIL:
            first[slot] = rec
        heads[slot] = rec
    children: dict[str, list[str]] = {}
    for record in keys.values():  # in log order: registrations are never repeated
        if record.registered_by is not None:
            children.setdefault(record.registered_by, []).append(record.key)
    out.update(
        _keys=keys, _children=children, _forms=forms, _first=first, _heads=heads, _copies=copies
    )
    return out


def _pack_keys(name: str, keys: dict[str, KeyRecord]) -> Iterator[tuple[str, Any]]:
    records = keys.values()
    yield f"{name}/count", len(keys)
    yield f"{name}/key", _join([r.key for r in records])
    yield f"{name}/scope", _join([r.scope for r in records])
    yield f"{name}/label", _join([r.label or "" for r in records])  # a label is never empty
    yield f"{name}/by", _join([r.registered_by or "" for r in records])
    yield f"{name}/index", array("q", (r.index for r in records))
    table = _Table()
    number = table.number
    attrs = array("I")
    for r in records:
        attrs.extend((number(r.role), number(r.party), number(r.not_before), number(r.not_after)))
    yield f"{name}/attrs", attrs
    yield f"{name}/table", table.strings()


def _unpack_keys(name: str, packed: dict[str, Any]) -> dict[str, KeyRecord]:
    count = packed[f"{name}/count"]
    table: list[str | None] = [None, *packed[f"{name}/table"]]
    attrs, index = packed[f"{name}/attrs"], packed[f"{name}/index"]
    columns = (_split(packed[f"{name}/{c}"], count) for c in ("key", "scope", "label", "by"))
    records: dict[str, KeyRecord] = {}
    for i, (key, scope, label, by) in enumerate(zip(*columns, strict=True)):
        registrar = records.get(by) if by else None
        role, party, not_before, not_after = (table[n] for n in attrs[4 * i : 4 * i + 4])
        assert role is not None  # every key has a role
        records[key] = KeyRecord(
            key, role, scope, party, not_before, not_after, label or None,
            registrar.key if registrar is not None else (by or None), index[i],
        )  # fmt: skip
    return records


def _pack_forms(name: str, forms: dict[Any, FormRecord]) -> Iterator[tuple[str, Any]]:
    records = forms.values()
    leaves = b"".join(r.leaf_hash for r in records)
    if len(leaves) != 32 * len(records):
        raise ValueError("a form's leaf hash is not 32 bytes: it cannot be packed")
    yield f"{name}/count", len(records)
    yield f"{name}/leaf", leaves
    del leaves
    yield f"{name}/index", array("q", (r.index for r in records))
    yield f"{name}/region", _join([r.region for r in records])
    yield f"{name}/key", _join([r.key for r in records])
    table = _Table()
    yield f"{name}/type", array("I", (table.number(r.type) for r in records))
    yield f"{name}/contest", array("I", (table.number(r.contest) for r in records))
    yield f"{name}/table", table.strings()


def _unpack_forms(
    name: str, packed: dict[str, Any], keys: dict[str, KeyRecord]
) -> Iterator[FormRecord]:
    def column(c: str) -> Any:
        return packed[f"{name}/{c}"]

    count = column("count")
    table: list[str] = ["", *column("table")]
    leaves, index = column("leaf"), column("index")
    regions, signers = _split(column("region"), count), _split(column("key"), count)
    for i, (kind, contest, text, signed_by) in enumerate(
        zip(column("type"), column("contest"), regions, signers, strict=True)
    ):
        signer = keys.get(signed_by)
        key, region = signed_by, text
        if signer is not None:
            key = signer.key
            if signer.scope == text:  # a KPPS key's scope is its TPS: one string
                region = signer.scope
        leaf = leaves[32 * i : 32 * i + 32]
        yield FormRecord(index[i], leaf, table[kind], region, table[contest], key)


__all__ = ["PACKED", "VERSION", "pack", "pack_lazily", "unpack"]
