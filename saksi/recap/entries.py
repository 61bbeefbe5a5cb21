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
from functools import lru_cache
from typing import Final

from pydantic import ValidationError

from saksi.election.envelope import Envelope, parse_entry
from saksi.election.rules import Violation, check_values
from saksi.election.statements import CHasil, Correction
from saksi.errors import RecapError, SaksiError
from saksi.recap.totals import Layout

_NEW_KEY: Final = b'"type":"key'  # a key registration or revocation (where it is, no matter)


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


Prepared = tuple[Envelope | None, tuple[Violation, ...] | None]
"""An entry read in a worker: its envelope (None: to be read where it is folded) and its
form's violations (None: not a form)."""


def read_chunk(first: int, chunk: Sequence[bytes], verify: bool = False) -> list[Prepared]:
    """The stateless half of folding entries ``first``, ``first + 1``, ...: in a worker
    process, each entry worth the trip is read (:func:`read_entry`) and its form checked
    (:func:`check_form`). The envelope goes back without the entry's bytes (the folding
    process has them) but with its leaf hash.

    Worth the trip: with ``verify``, every entry (its signature is checked); otherwise a
    key registration or revocation, whose new key's point check (≈ 30 µs) dwarfs sending
    the envelope back. A form is read faster where it is folded than pickled, sent and
    unpickled. Any other entry, or one that cannot be read, comes back as None: the
    folding process reads it itself (and raises the same error if it is unreadable).
    """
    out: list[Prepared] = []
    for offset, data in enumerate(chunk):
        if not verify and _NEW_KEY not in data:
            out.append((None, None))
            continue
        try:
            envelope = read_entry(first + offset, data, verify=verify)
        except RecapError:
            out.append((None, None))
            continue
        stmt = envelope.shed_bytes().stmt  # the folding process has the bytes
        if isinstance(stmt, CHasil | Correction):
            form = stmt.form
            pairs = form.pairs
            out.append((envelope, check_values(form, _layout(pairs).values(form), pairs)))
        else:
            out.append((envelope, None))
    return out


@lru_cache(maxsize=16)
def _layout(pairs: tuple[str, ...]) -> Layout:
    return Layout(pairs)


__all__ = ["Prepared", "bad_entry", "read_chunk", "read_entry"]
