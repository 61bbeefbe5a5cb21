"""The envelope of an entry and which version may carry what, written from
docs/format.md ("The envelope"; "Version 2: which version an entry is").

:func:`check_envelope` takes the decoded entry and returns its problems (a
:class:`~saksi.verify.schema.Check`): the envelope's fields, then the statement's,
read by ``type`` and, for a form or a recap, by whether its ``contest`` is legislative
(:mod:`saksi.verify.schema_v2`) or not (:mod:`saksi.verify.schema`). A version 1 entry
may use nothing of version 2 (its field is named: "needs format v2"), and in a version 2
manifest every contest other than ``ppwp`` names its legislative form.
"""

from __future__ import annotations

from typing import Any, Final

from saksi.verify.schema import (
    _ELECTION,
    _SIG,
    CANDIDATE_ROLES,
    CHECKS,
    LEGISLATIVE,
    LEGISLATIVE_FORMS,
    Check,
)
from saksi.verify.schema_v2 import CHECKS_V2

VERSIONS: Final = (1, 2)
FORM_TYPES: Final = ("c-hasil", "c-salinan", "correction", "d-hasil")


def is_legislative(stmt: dict[str, Any]) -> bool:
    """A form or recap of a legislative contest: it has version 2's fields."""
    return stmt.get("type") in FORM_TYPES and stmt.get("contest") in LEGISLATIVE


def _needs_v2(stmt: dict[str, Any]) -> str | None:
    """The field of a statement that only version 2 has, if any."""
    if is_legislative(stmt):
        return "contest"
    kind = stmt.get("type")
    if kind == "key" and stmt.get("role") in CANDIDATE_ROLES:
        return "role"
    if kind == "manifest" and stmt.get("contests_digest") is not None:
        return "contests_digest"
    return None


def _v2_manifest(c: Check, stmt: dict[str, Any]) -> None:
    contests = stmt.get("contests")
    for x in contests if type(contests) is list else ():
        if type(x) is dict and x.get("kind") != "ppwp" and x.get("form") not in LEGISLATIVE_FORMS:
            c.bad("stmt.contests", f"{x.get('kind')} must name its form in format v2")


def check_envelope(entry: Any) -> Check:
    """The problems of a decoded entry: envelope, then its statement."""
    c = Check()
    if not c.members(entry, "(entry)", ("key", "sig", "stmt", "v")):
        return c
    v = entry.get("v")
    if type(v) is not int or v not in VERSIONS:
        c.bad("(entry).v", "must be 1 or 2")
    c.key(entry.get("key"), "(entry).key")
    if type(entry.get("sig")) is not str or _SIG.match(entry["sig"]) is None:
        c.bad("(entry).sig", "must be a signature: base64 of 64 bytes")
    stmt = entry.get("stmt")
    if type(stmt) is not dict:
        c.bad("(entry).stmt", "must be an object")
        return c
    kind = stmt.get("type")
    if type(kind) is not str:
        check = None
    elif is_legislative(stmt):
        check = CHECKS_V2[kind]
    else:
        check = CHECKS.get(kind)
    if check is None:
        c.bad("stmt.type", "must be a statement type")
        return c
    c.match(stmt.get("election"), "stmt.election", _ELECTION, "an election id")
    c.time(stmt.get("at"), "stmt.at")
    check(c, stmt)
    if v == 1 and type(v) is int:
        needs = _needs_v2(stmt)
        if needs is not None:
            c.bad(f"stmt.{needs}", "needs format v2; this entry is v1")
    elif v == 2 and kind == "manifest":
        _v2_manifest(c, stmt)
    return c


__all__ = ["FORM_TYPES", "VERSIONS", "check_envelope", "is_legislative"]
