"""Reading a logged entry for the fold: the statement, its leaf hash, its form's rules.

The fold works on entries that are already in a log: the service checked each one
completely before logging it, and ``saksi verify`` checks every signature again.
:func:`read_entry` therefore does, by default, only what the totals need: the
envelope's schema (strict, the same models as at intake) and the leaf hash. With
``verify=True`` it is :func:`saksi.election.envelope.parse_entry` itself (canonical
form and Ed25519 signature too). Either way an entry that cannot be read is a
:class:`~saksi.errors.RecapError` naming its index, never a crash.
"""

from __future__ import annotations

from typing import Final

from pydantic import ValidationError

from saksi.election.envelope import Envelope, parse_entry
from saksi.errors import RecapError, SaksiError

_SUFFIX: Final = b',"v":1}'


def bad_entry(index: int, cause: SaksiError | None = None) -> RecapError:
    detail_en = f": {cause.message_en}" if cause else ""
    detail_id = f": {cause.message_id}" if cause else ""
    return RecapError(
        f"log entry {index} is not a readable Saksi statement{detail_en}",
        f"entri log {index} bukan pernyataan Saksi yang dapat dibaca{detail_id}",
        code="recap.bad-entry",
        details={"index": index, "cause": cause.code if cause else "input.schema"},
    )


def read_entry(index: int, data: bytes, *, verify: bool = False) -> Envelope:
    """The envelope of log entry ``index``; RecapError ``recap.bad-entry`` if unreadable."""
    if verify:
        try:
            return parse_entry(data)
        except SaksiError as exc:
            raise bad_entry(index, exc) from None
    try:
        envelope = Envelope.model_validate_json(data)
    except (ValidationError, ValueError):
        try:  # the careful path says exactly what is wrong
            parse_entry(data)
        except SaksiError as exc:
            raise bad_entry(index, exc) from None
        raise bad_entry(index) from None
    start = len(envelope.key) + len(envelope.sig) + 26  # {"key":"…","sig":"…","stmt":
    if data[start - 7 : start] == b'"stmt":' and data.endswith(_SUFFIX):
        envelope.__dict__["stmt_bytes"] = data[start : -len(_SUFFIX)]
        envelope.__dict__["entry_bytes"] = data
    else:  # not the canonical layout: the careful path names the problem
        try:
            return parse_entry(data)
        except SaksiError as exc:
            raise bad_entry(index, exc) from None
    return envelope


__all__ = ["bad_entry", "read_entry"]
