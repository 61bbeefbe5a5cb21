"""Reading a logged entry for the fold: the statement, its leaf hash, its form's rules.

The fold works on entries that are already in a log: the service checked each one
completely before logging it, and ``saksi verify`` checks every signature again.
:func:`read_entry` therefore does, by default, only what the totals need: the
envelope's schema (strict, the same models as at intake, without re-checking that a
newly registered key is a valid Ed25519 point) and the leaf hash. With
``verify=True`` it is :func:`saksi.election.envelope.parse_entry` itself (canonical
form and Ed25519 signature too). Either way an entry that cannot be read is a
:class:`~saksi.errors.RecapError` naming its index, never a crash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar, Final, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from saksi.election.contests import ContestKind
from saksi.election.envelope import Envelope, parse_entry
from saksi.election.legislative import Contests, owners_of, votes_in
from saksi.election.legislative_forms import Ballot
from saksi.election.rules import Violation, check_values
from saksi.election.statements import (
    CHasil,
    CHasilLegislatif,
    Correction,
    CorrectionLegislatif,
)
from saksi.errors import RecapError, SaksiError
from saksi.recap.legislative_layout import DapilLayout
from saksi.recap.totals import Layout

_NEW_KEY: Final = b'"type":"key'  # a key registration or revocation (where it is, no matter)
_LEGISLATIVE_FORM: Final = (b'"partai":{', b'"suara_calon":{')  # a legislative form's boxes


def bad_entry(index: int, cause: SaksiError | None = None) -> RecapError:
    detail_en = f": {cause.message_en}" if cause else ""
    detail_id = f": {cause.message_id}" if cause else ""
    return RecapError(
        code="recap.bad-entry",
        en=f"log entry {index} is not a readable Saksi statement{detail_en}",
        id=f"entri log {index} bukan pernyataan Saksi yang dapat dibaca{detail_id}",
        index=index,
        cause=cause.code if cause else "input.schema",
    )


def read_entry(index: int, data: bytes, *, verify: bool = False) -> Envelope:
    """The envelope of log entry ``index``; RecapError ``recap.bad-entry`` if unreadable."""
    if verify:
        try:
            return parse_entry(data)
        except SaksiError as exc:
            raise bad_entry(index, exc) from None
    try:
        return Envelope.from_logged(data)
    except (ValidationError, ValueError):
        try:  # the careful path says exactly what is wrong
            return parse_entry(data)
        except SaksiError as exc:
            raise bad_entry(index, exc) from None


Light = tuple[
    Literal[1, 2],
    str,
    str,
    bytes,
    type[CHasilLegislatif | CorrectionLegislatif],
    dict[str, Any],
    set[str],
]
"""A legislative c-hasil or correction read in a worker, as it travels back: the
envelope's ``v``, ``key``, ``sig``, its leaf hash, the statement's class, its fields
but the form and the names of those it was given (:func:`envelope_of` builds the
envelope again, unchecked: it was read in full there). A tuple unpickles in a third
of the time of the models it stands for."""

Prepared = tuple[Envelope | Light | None, tuple[Violation, ...] | None, tuple[int, ...] | None]
"""An entry read in a worker: its envelope (None: to be read where it is folded), its
form's violations (None: not a form) and, for a legislative c-hasil or correction, its
form's values in its dapil's order (:meth:`~saksi.recap.legislative_layout.DapilLayout.read`)
with the envelope as a :data:`Light` tuple, its statement without its form (None:
anything else)."""


@dataclass(frozen=True, slots=True)
class ReaderSetup:
    """What a reading worker needs of the contests file to read legislative forms: per
    legislative contest, each unit's dapil and each dapil's ballot (numbers only: a
    national contests file's names and models would cost a worker hundreds of MiB)."""

    owners: dict[ContestKind, dict[str, str]]
    ballots: dict[ContestKind, dict[str, Ballot]]

    @classmethod
    def of(cls, contests: Contests) -> ReaderSetup:
        kinds = [c.kind for c in contests.contests]
        return cls(
            {k: contests.unit_owners(k) for k in kinds},
            {k: {d.code: Ballot.of(d) for d in contests.contest(k).districts} for k in kinds},
        )


class _Reader:
    """What a reading worker keeps between chunks (:func:`set_up_reader`): each
    legislative contest's units and dapil (an empty map: a log of format v1)."""

    owners: ClassVar[dict[ContestKind, dict[str, str]]] = {}
    dapils: ClassVar[dict[ContestKind, dict[str, DapilLayout]]] = {}


def set_up_reader(setup: ReaderSetup | None) -> None:
    """A reading worker's initializer: the contests file its legislative forms are read
    with (:meth:`ReaderSetup.of` the one the folding process authorizes them with)."""
    _Reader.owners = {} if setup is None else setup.owners
    _Reader.dapils = (
        {}
        if setup is None
        else {
            kind: {code: DapilLayout(code, 0, ballot) for code, ballot in ballots.items()}
            for kind, ballots in setup.ballots.items()
        }
    )


def read_chunk(first: int, chunk: Sequence[bytes], verify: bool = False) -> list[Prepared]:
    """The stateless half of folding entries ``first``, ``first + 1``, ...: in a worker
    process, each entry worth the trip is read (:func:`read_entry`) and its form checked
    (:func:`check_form`). The envelope goes back without the entry's bytes (the folding
    process has them) but with its leaf hash.

    Worth the trip: with ``verify``, every entry (its signature is checked); a key
    registration or revocation, whose new key's point check (≈ 30 µs) dwarfs sending the
    envelope back; and, once :func:`set_up_reader` gave the contests file, a
    legislative c-hasil or correction: its ≈ 200 boxes read, its ballot checked against
    its dapil's (:func:`~saksi.election.authority.check_legislative_ballot`), its values
    read in the dapil's order and its rules checked here, and only the statement
    without its form, the values and the violations sent back. A PPWP form is read
    faster where it is folded than pickled, sent and unpickled. Any other entry, or one
    that cannot be read or whose ballot is not its dapil's, comes back as None: the
    folding process reads it itself (and raises the same error).
    """
    out: list[Prepared] = []
    legislative_log = bool(_Reader.dapils)
    for offset, data in enumerate(chunk):
        legislative = legislative_log and any(m in data for m in _LEGISLATIVE_FORM)
        if not verify and not legislative and _NEW_KEY not in data:
            out.append((None, None, None))
            continue
        try:
            envelope = read_entry(first + offset, data, verify=verify)
        except RecapError:
            out.append((None, None, None))
            continue
        stmt = envelope.shed_bytes().stmt  # the folding process has the bytes
        if isinstance(stmt, CHasil | Correction):
            form = stmt.form
            pairs = form.pairs
            out.append((envelope, check_values(form, _layout(pairs).values(form), pairs), None))
        elif legislative_log and isinstance(stmt, CHasilLegislatif | CorrectionLegislatif):
            out.append(_legislative(envelope, stmt, verify))
        else:
            out.append((envelope, None, None))
    return out


def _legislative(
    envelope: Envelope, stmt: CHasilLegislatif | CorrectionLegislatif, verify: bool
) -> Prepared:
    """A legislative c-hasil or correction read in a worker (see :func:`read_chunk`):
    the one dapil of its TPS is the one it names (what
    :func:`~saksi.election.authority.legislative_district` asks, from the units' owners),
    its ballot exactly the dapil's (what
    :func:`~saksi.election.authority.check_legislative_ballot` asks, checked in the walk
    that reads its values), or it is left to the folding process to refuse."""
    kind = ContestKind(stmt.contest)
    found = owners_of(_Reader.owners.get(kind, {}), stmt.tps)
    dapil = _Reader.dapils.get(kind, {}).get(stmt.district)
    values = None
    if dapil is not None and found == [stmt.district] and votes_in(kind, stmt.tps):
        values = dapil.carried_values(stmt.form)
    if dapil is None or values is None:  # refused there, in the authorization's words
        return (envelope, None, None) if verify else (None, None, None)
    violations = dapil.violations_of(values)
    fields = dict(stmt.__dict__, form=None)
    given = stmt.model_fields_set
    light = (envelope.v, envelope.key, envelope.sig, envelope.leaf_hash, type(stmt), fields, given)
    return light, violations, values


_ENVELOPE_FIELDS: Final = frozenset({"v", "stmt", "key", "sig"})
_M = TypeVar("_M", bound=BaseModel)


def envelope_of(light: Light, data: bytes) -> Envelope:
    """The envelope of entry ``data`` from its :data:`Light` tuple, without its form:
    the two models restored as unpickling restores them (their fields as read, no
    validation), which costs a tenth of building them anew."""
    v, key, sig, leaf_hash, kind, fields, given = light
    stmt = _restored(kind, fields, given)
    envelope = _restored(
        Envelope,
        {"v": v, "stmt": stmt, "key": key, "sig": sig, "leaf_hash": leaf_hash},
        set(_ENVELOPE_FIELDS),
    )
    return envelope.restore_bytes(data)


def _restored(kind: type[_M], fields: dict[str, Any], given: set[str]) -> _M:
    model = kind.__new__(kind)
    model.__setstate__(
        {
            "__dict__": fields,
            "__pydantic_fields_set__": given,
            "__pydantic_extra__": None,
            "__pydantic_private__": None,
        }
    )
    return model


@lru_cache(maxsize=16)
def _layout(pairs: tuple[str, ...]) -> Layout:
    return Layout(pairs)


__all__ = [
    "Light",
    "Prepared",
    "ReaderSetup",
    "bad_entry",
    "envelope_of",
    "read_chunk",
    "read_entry",
    "set_up_reader",
]
