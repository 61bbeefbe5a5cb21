"""The verifier's saved fold: a versioned layout of its own (``saksi-verify-fold/5``).

The file is a sequence of pickles: a header ``{"format": FOLD_FORMAT, "size": N,
"version": V}`` (``V``: the log's format version), then each column of
:class:`~saksi.verify.keys.Fold` and its tallies as ``(name, value)`` in a fixed order,
every value plain data (strings joined into one, numbers in arrays), so that each is
written and freed in turn and nothing of Saksi's classes is pickled: the PPWP columns
of ``saksi-verify-fold/1``, then the DPD candidates' keys and each legislative
contest's chains of forms (with, since ``/3``, each form in force's values, whether it
breaks an impossible or a suspicious rule, and each witness copy's values: what the
legislative tally sums; since ``/4``, a corrected TPS's first form's values, from which
the ``share-jump`` flag is measured; since ``/5``, each legislative D.Hasil's level, key,
time and numbers, which the reconciliation compares with its forms). A file whose header
or column names are not exactly these is refused whole (:func:`read` raises
``ValueError``): it is never half-read. A ``saksi-verify-fold/4``, ``/3`` or ``/2`` file
is read too: a version 1 log's as it is (it has no chains); a version 2 log's lacks what
``/5`` keeps of the legislative forms and D.Hasil, so :func:`read` raises :class:`Refold`
and the verifier folds the log again from entry 0 (its checkpoint and photos still kept).

A ``saksi-verify-fold/1`` file (written before format v2) is read too: it can only be
the fold of a version 1 log (no verifier of that layout saved a version 2 log's fold),
which has nothing of the columns version 2 added.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, Final

from saksi.verify.contests import Contests
from saksi.verify.keys import Fold
from saksi.verify.regions import Regions
from saksi.verify.tally import ContestTally, Copy, DHasil

FOLD_FORMAT: Final = "saksi-verify-fold/5"
FOLD_FORMAT_V4: Final = "saksi-verify-fold/4"
"""The layout before the legislative D.Hasil's numbers were kept: still read (the module's doc)."""
FOLD_FORMAT_V3: Final = "saksi-verify-fold/3"
"""The layout before a corrected TPS's first form was kept: still read (the module's doc)."""
FOLD_FORMAT_V2: Final = "saksi-verify-fold/2"
"""The layout before the legislative tally: still read (see the module's doc)."""
FOLD_FORMAT_V1: Final = "saksi-verify-fold/1"
"""The layout before format v2: still read (see the module's doc)."""


class Refold(Exception):
    """A saved fold of an older layout that lacks what this one keeps: fold the log
    again from entry 0."""


def _join(items: list[str]) -> str:
    return "\n".join(items)


def _split(text: str) -> list[str]:
    return text.split("\n") if text else []


def _tuples(items: list[tuple[str, ...]]) -> tuple[list[tuple[str, ...]], array[int]]:
    distinct: dict[tuple[str, ...], int] = {}
    numbers = array("I", (distinct.setdefault(t, len(distinct)) for t in items))
    return list(distinct), numbers


def columns(fold: Fold) -> Iterator[tuple[str, Any]]:
    yield "manifest", fold.manifest
    yield "size", fold.size
    yield "keys", _join(list(fold.ids))
    yield "role", bytes(fold.role)
    yield "scope", _join(fold.scope)
    yield "party", _join([p or "" for p in fold.party])
    yield "validity", fold.validity
    yield "periods", fold.periods
    yield "root", bytes(fold.root)
    yield "revoked", bytes(fold.revoked)
    for name, t in sorted(fold.tallies.items()):
        yield f"{name}.codes", _join(t.codes)
        yield f"{name}.values", t.values
        yield f"{name}.original", t.original
        yield f"{name}.current", t.current
        yield f"{name}.head_leaf", bytes(t.head_leaf)
        yield f"{name}.first_leaf", t.first_leaf
        yield f"{name}.replaced", t.replaced
        yield f"{name}.rules", _tuples(t.rules)
        yield f"{name}.impossible", bytes(t.impossible)
        yield f"{name}.flags", _tuples(t.flags)
        yield f"{name}.corrections", t.corrections
        yield (
            f"{name}.copies",
            {
                s: [(c.index, c.key, c.party, c.values, c.leaf) for c in cs]
                for s, cs in t.copies.items()
            },
        )
        yield (
            f"{name}.recaps",
            {r: (d.index, d.level, d.key, d.at, d.numbers, d.leaf) for r, d in t.recaps.items()},
        )
    yield "candidate", fold.candidate
    for name, chains in sorted(fold.chains.items()):
        for column, value in chains.columns():
            yield f"{name}.{column}", value


def write(fold: Fold, handle: Any) -> None:
    """Each record pickled on its own (a memo of its own): read back one at a time."""
    pickle.dump(
        {"format": FOLD_FORMAT, "size": fold.size, "version": fold.version}, handle, protocol=5
    )
    for item in columns(fold):
        pickle.dump(item, handle, protocol=5)


def read(  # noqa: C901
    handle: BinaryIO,
    regions: Regions,
    contests: Callable[[dict[str, Any]], Contests | None] = lambda manifest: None,
) -> Fold:
    """The fold :func:`write` wrote; ``ValueError`` for any other file. ``contests``
    gives the contests file a manifest names (None for a log that names none)."""
    first = pickle.Unpickler(handle)
    head = first.load()
    layout = head.get("format") if isinstance(head, dict) else None
    if layout not in (FOLD_FORMAT, FOLD_FORMAT_V4, FOLD_FORMAT_V3, FOLD_FORMAT_V2, FOLD_FORMAT_V1):
        raise ValueError(f"its header names layout {layout!r}")
    assert isinstance(head, dict)
    # each record of fold/2 stands alone; fold/1 pickled its header and the manifest with
    # one memo, then cleared it before each record: read each with a memo of its own too
    # (one memo for all, which the memo's numbers do not follow, reads back the wrong
    # object wherever a record names one twice)
    loads = iter((first.load,) if layout == FOLD_FORMAT_V1 else ())

    def load() -> Any:
        return next(loads, lambda: pickle.Unpickler(handle).load())()

    version = head["version"] if layout != FOLD_FORMAT_V1 else 1
    if version not in (1, 2):
        raise ValueError(f"format version {version!r}")

    def take(name: str) -> Any:
        found = load()
        if not isinstance(found, tuple) or len(found) != 2 or found[0] != name:
            raise ValueError(f"column {name} expected")
        return found[1]

    manifest = take("manifest")
    fold = Fold(
        (b"", "", "manifest", "", manifest["election"], manifest, version),
        regions,
        contests(manifest) if manifest.get("contests_digest") is not None else None,
    )
    fold.size = take("size")
    keys = _split(take("keys"))
    fold.ids = {k: i for i, k in enumerate(keys)}
    fold.role = bytearray(take("role"))
    fold.scope = _split(take("scope"))
    fold.party = [p or None for p in _split(take("party"))]
    if len(fold.party) < len(keys):  # every party empty: the join was ""
        fold.party = [None] * len(keys)
    fold.validity = take("validity")
    fold.periods = take("periods")
    fold._period = {p: i for i, p in enumerate(fold.periods) if i}
    fold.root = bytearray(take("root"))
    fold.revoked = bytearray(take("revoked"))
    for name, t in sorted(fold.tallies.items()):
        _read_tally(t, lambda column: take(f"{name}.{column}"))  # noqa: B023
    if layout in (FOLD_FORMAT_V4, FOLD_FORMAT_V3, FOLD_FORMAT_V2) and fold.chains:
        raise Refold(f"a {layout} file of a version 2 log")
    if layout != FOLD_FORMAT_V1:
        fold.candidate = take("candidate")
        for name, chains in sorted(fold.chains.items()):
            chains.restore({c: take(f"{name}.{c}") for c, _ in chains.columns()})
    elif fold.chains or fold.version != 1:
        raise ValueError(f"a {FOLD_FORMAT_V1} file of a version 2 log")
    sizes = {
        len(fold.role),
        len(fold.scope),
        len(fold.party),
        len(fold.validity),
        len(fold.root),
        len(fold.revoked),
    }
    if fold.size != head["size"] or sizes != {len(keys)}:
        raise ValueError("the columns do not agree")
    return fold


def _read_tally(t: ContestTally, take: Callable[[str], Any]) -> None:
    t.codes = _split(take("codes"))
    t.slot_of = {c: i for i, c in enumerate(t.codes)}
    t.values = take("values")
    t.original = take("original")
    t.current = take("current")
    t.head_leaf = bytearray(take("head_leaf"))
    t.first_leaf = take("first_leaf")
    t.replaced = take("replaced")
    distinct, numbers = take("rules")
    t.rules = [distinct[i] for i in numbers]
    t.impossible = bytearray(take("impossible"))
    distinct, numbers = take("flags")
    t.flags = [distinct[i] for i in numbers]
    t._shared = {x: x for x in (*{*t.rules}, *{*t.flags}, ())}
    t.corrections = take("corrections")
    t.copies = {s: [Copy(*c) for c in cs] for s, cs in take("copies").items()}
    t.recaps = {
        r: DHasil(i, r, lv, k, at, n, leaf) for r, (i, lv, k, at, n, leaf) in take("recaps").items()
    }
    n = len(t.codes)
    if len(t.values) != n * t.width or len(t.head_leaf) != 32 * n or len(t.rules) != n:
        raise ValueError(f"the columns of {t.contest} do not agree")


__all__ = [
    "FOLD_FORMAT",
    "FOLD_FORMAT_V1",
    "FOLD_FORMAT_V2",
    "FOLD_FORMAT_V3",
    "FOLD_FORMAT_V4",
    "columns",
    "read",
    "write",
]
