"""A legislative form's schema and its values in one walk (docs/verify.md, "Cost").

:func:`read_form` takes the ``form`` of a legislative ``c-hasil``, ``c-salinan`` or
``correction`` and returns its ballot and its values (what
:func:`saksi.verify.entries.check_entry` hands the rules) when the form is exactly what
:mod:`saksi.verify.schema_v2` accepts, else None: the schema's own walk then reads it
and names each problem as before. So a form the fast walk accepts is one the schema
accepts, read as :func:`ballot_values` (the plain reading, kept as the reference and
for the D.Hasil) reads it; everything else takes the plain way, word for word. The
fast walk also asks each object's names to be in ascending order, as in a canonical
entry, and counts them, so that the entry's canonical form can be proven without
writing it again (:func:`saksi.verify.jcs.read_plain`); a form out of order is one the
plain walk reads (and the canonical check refuses).

What makes it cheaper than the plain walk: a number (party ``1``..``99``, candidate
``1``..``999``, without leading zeros) is checked by membership of the set of every
such text, which is exactly what the schema's pattern matches; the candidates of one
party (the keys of a ``suara_caleg``) recur on every form of their dapil, so their
ballot order and the getter of their votes are kept per key tuple (:data:`KEPT` of
them at most); and every box's type and range is checked once, over the whole vector.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any, Final, NamedTuple

from saksi.verify.schema import _SHA, AFTER_PAIRS, BEFORE_PAIRS

PARTY_NUMBERS: Final = frozenset(str(n) for n in range(1, 100))
"""Every text the schema's party pattern ``[1-9][0-9]?`` matches whole."""
CANDIDATE_NUMBERS: Final = frozenset(str(n) for n in range(1, 1000))
"""Every text the schema's candidate pattern ``[1-9][0-9]{0,2}`` matches whole."""
PARTY_FORM: Final = tuple(sorted((*BEFORE_PAIRS, "partai", *AFTER_PAIRS, "foto")))
DPD_FORM: Final = tuple(sorted((*BEFORE_PAIRS, "suara_calon", *AFTER_PAIRS, "foto")))
"""A form's members, in ascending order."""
PARTY_VOTES: Final = ("suara_caleg", "suara_partai", "suara_sah_partai")
"""A party's members, in ascending order."""
MAX_BOX: Final = 999
KEPT: Final = 4096
"""At most this many key tuples remembered (then forgotten at once and learnt again)."""

Ballot = Any  # ((party, (candidate, ...)), ...) or (candidate, ...)


class Read(NamedTuple):
    """A form read in one walk: its ballot, its values, and how many object members it
    holds (itself, ``partai``, each party's, each ``suara_caleg`` or ``suara_calon``),
    every object's names in ascending order (:func:`saksi.verify.jcs.read_plain`)."""

    ballot: Ballot
    values: tuple[int, ...]
    members: int


_BOXES: Final = itemgetter(*BEFORE_PAIRS, *AFTER_PAIRS)
_FIRST: Final = len(BEFORE_PAIRS)
_INT: Final = frozenset({int})

Shape = tuple[tuple[int, ...], Callable[[dict[str, Any]], tuple[Any, ...]]]
_CANDIDATES: dict[tuple[str, ...], Shape | None] = {}
_PARTIES: dict[tuple[str, ...], tuple[str, ...] | None] = {}


def _getter(keys: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    if len(keys) >= 2:
        return itemgetter(*keys)
    if keys:
        key = keys[0]
        return lambda votes: (votes[key],)
    return lambda votes: ()


def candidates(votes: dict[str, Any]) -> Shape | None:
    """The candidate numbers of ``votes`` (a ``suara_caleg`` or ``suara_calon``): their
    ballot order and the getter of their votes in that order, or None if the schema
    refuses them (more than 100, or one not a candidate number) or they are not in
    ascending order of their text; remembered per key tuple."""
    keys = tuple(votes)
    try:
        return _CANDIDATES[keys]
    except KeyError:
        pass
    found = None
    if len(keys) <= 100 and CANDIDATE_NUMBERS.issuperset(keys) and list(keys) == sorted(keys):
        numbers = tuple(sorted(map(int, keys)))
        found = numbers, _getter(tuple(map(str, numbers)))
    if len(_CANDIDATES) >= KEPT:
        _CANDIDATES.clear()
    _CANDIDATES[keys] = found
    return found


def parties(partai: dict[str, Any]) -> tuple[str, ...] | None:
    """``partai``'s party numbers in ballot order, or None if the schema refuses them
    (1..99 parties, each a party number) or they are not in ascending order of their
    text; remembered per key tuple."""
    keys = tuple(partai)
    try:
        return _PARTIES[keys]
    except KeyError:
        pass
    found = None
    if 1 <= len(keys) <= 99 and PARTY_NUMBERS.issuperset(keys) and list(keys) == sorted(keys):
        found = tuple(sorted(keys, key=int))
    if len(_PARTIES) >= KEPT:
        _PARTIES.clear()
    _PARTIES[keys] = found
    return found


def _photos_fine(foto: Any) -> bool:
    """What :meth:`Check.hashes` accepts: a list of at most 16 SHA-256s in hex."""
    return (
        type(foto) is list
        and len(foto) <= 16
        and all(type(h) is str and _SHA.match(h) is not None for h in foto)
    )


def _vector(form: dict[str, Any], votes: list[Any]) -> tuple[int, ...] | None:
    boxes = _BOXES(form)
    values = (*boxes[:_FIRST], *votes, *boxes[_FIRST:])
    if set(map(type, values)) != _INT or min(values) < 0 or max(values) > MAX_BOX:
        return None
    return values


def _party_form(form: dict[str, Any]) -> Read | None:
    partai = form["partai"]
    order = parties(partai) if type(partai) is dict else None
    if order is None:
        return None
    ballot: list[tuple[str, tuple[int, ...]]] = []
    votes: list[Any] = []
    add, extend = votes.append, votes.extend
    members = len(PARTY_FORM) + len(order) + 3 * len(order)
    for p in order:
        mine = partai[p]
        if type(mine) is not dict or tuple(mine) != PARTY_VOTES:
            return None
        caleg = mine["suara_caleg"]
        shape = candidates(caleg) if type(caleg) is dict else None
        if shape is None:
            return None
        numbers, get = shape
        ballot.append((p, numbers))
        add(mine["suara_partai"])
        extend(get(caleg))
        add(mine["suara_sah_partai"])
        members += len(numbers)
    values = _vector(form, votes)
    return None if values is None else Read(tuple(ballot), values, members)


def _dpd_form(form: dict[str, Any]) -> Read | None:
    calon = form["suara_calon"]
    shape = candidates(calon) if type(calon) is dict and calon else None  # 1..100
    if shape is None:
        return None
    numbers, get = shape
    values = _vector(form, list(get(calon)))
    return None if values is None else Read(numbers, values, len(DPD_FORM) + len(numbers))


def read_form(form: Any, contest: Any) -> Read | None:
    """The ballot, values and members of a legislative ``form`` of ``contest`` that the
    schema accepts whole (its kind the contest's, every member known and present, every
    number and box in range, its photos' digests) and whose objects' names are each in
    ascending order (as a canonical entry's are); None for any other."""
    if type(form) is not dict:
        return None
    dpd = contest == "dpd"
    if tuple(form) != (DPD_FORM if dpd else PARTY_FORM) or not _photos_fine(form["foto"]):
        return None
    return _dpd_form(form) if dpd else _party_form(form)


def ballot_of(votes: dict[str, Any]) -> Ballot:
    """The parties and candidates a form (or recap totals) carries: a party ballot
    ``((party, (candidate, ...)), ...)`` or a DPD ballot ``(candidate, ...)``, in
    ballot order (numbers as integers). The plain reading, of a form the schema
    accepted."""
    if "suara_calon" in votes:
        return tuple(sorted(map(int, votes["suara_calon"])))
    partai = votes["partai"]
    return tuple(
        (p, tuple(sorted(map(int, partai[p]["suara_caleg"])))) for p in sorted(partai, key=int)
    )


def ballot_votes(votes: dict[str, Any], ballot: Ballot) -> list[int]:
    """The vote boxes of a form or recap totals in ballot order: each party's A.1, its
    candidates' A.2, its B; or each DPD candidate's votes."""
    out: list[int] = []
    if "suara_calon" in votes:
        calon = votes["suara_calon"]
        return [calon[str(n)] for n in ballot]
    for p, numbers in ballot:
        mine = votes["partai"][p]
        caleg = mine["suara_caleg"]
        out += [mine["suara_partai"], *(caleg[str(n)] for n in numbers)]
        out.append(mine["suara_sah_partai"])
    return out


def ballot_values(form: dict[str, Any]) -> tuple[Ballot, tuple[int, ...]]:
    """The plain reading of a form the schema accepted: its ballot and its values (the
    boxes before the votes, the votes in ballot order, the three after)."""
    ballot = ballot_of(form)
    values = (
        *[form[n] for n in BEFORE_PAIRS],
        *ballot_votes(form, ballot),
        *[form[n] for n in AFTER_PAIRS],
    )
    return ballot, values


__all__ = [
    "CANDIDATE_NUMBERS",
    "KEPT",
    "PARTY_NUMBERS",
    "Read",
    "ballot_of",
    "ballot_values",
    "ballot_votes",
    "candidates",
    "parties",
    "read_form",
]
