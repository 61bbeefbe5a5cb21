"""The legislative statements of format v2, written from docs/format.md ("Version 2:
the legislative contests").

A ``c-hasil``, ``c-salinan``, ``correction`` or ``d-hasil`` whose ``contest`` is one of
the four legislative contests has the fields of this module (:data:`CHECKS_V2`); every
other statement has version 1's (:mod:`saksi.verify.schema`). A form is a *party form*
(``partai``: C.Hasil-DPR, -DPRD Provinsi, -DPRD Kab/Kota) or a *DPD form*
(``suara_calon``), told apart by whether it has ``suara_calon``, and must be its
contest's kind. Which version may carry what is :mod:`saksi.verify.envelope`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from saksi.verify.form_read import read_form
from saksi.verify.schema import (
    _CANDIDATE,
    _COMMON,
    _PARTY,
    _TPS,
    AFTER_PAIRS,
    BEFORE_PAIRS,
    RECAP_TOTALS,
    Check,
    check_boxes,
    check_correction,
    check_photos,
    check_recap_region,
)

DISTRICT: Final = re.compile(r"[0-9A-Za-z.-]{1,20}\Z")
"""A dapil code (docs/format.md, "Identifiers added")."""
PARTY_FORM_MEMBERS: Final = frozenset((*BEFORE_PAIRS, "partai", *AFTER_PAIRS, "foto"))
DPD_FORM_MEMBERS: Final = frozenset((*BEFORE_PAIRS, "suara_calon", *AFTER_PAIRS, "foto"))
PARTY_VOTES: Final = ("suara_partai", "suara_caleg", "suara_sah_partai")
MAX_TOTAL: Final = 999_999_999


def is_dpd_shape(value: Any) -> bool:
    """A form or recap totals of the DPD's shape: it has ``suara_calon``."""
    return type(value) is dict and "suara_calon" in value


def _kind_fits(c: Check, contest: Any, value: dict[str, Any], path: str) -> None:
    if (contest == "dpd") != ("suara_calon" in value):
        want = "suara_calon (a DPD form)" if contest == "dpd" else "partai (a party form)"
        c.bad(path, f"contest {contest} is recorded with {want}")


def _counts(c: Check, value: Any, path: str, low: int, high: int, *, top: int) -> None:
    """An object of ``low``..``high`` members: candidate number -> 0..``top``."""
    if type(value) is not dict:
        c.bad(path, "must be an object")
        return
    if not low <= len(value) <= high:
        c.bad(path, f"must have {low}..{high} candidates")
    for number, votes in value.items():
        if _CANDIDATE.match(number) is None:
            c.bad(f"{path}.{number}", "must be a candidate number without leading zeros")
        c.integer(votes, f"{path}.{number}", 0, top)


def _parties(c: Check, value: Any, path: str, top: int) -> None:
    """``partai``: party number -> {suara_partai, suara_caleg, suara_sah_partai}."""
    if type(value) is not dict:
        c.bad(path, "must be an object")
        return
    if not 1 <= len(value) <= 99:
        c.bad(path, "must have 1..99 parties")
    for party, votes in value.items():
        p = f"{path}.{party}"
        if _PARTY.match(party) is None:
            c.bad(p, "must be a party number without leading zeros")
        if c.members(votes, p, PARTY_VOTES):
            c.integer(votes.get("suara_partai"), f"{p}.suara_partai", 0, top)
            if "suara_caleg" in votes:
                _counts(c, votes["suara_caleg"], f"{p}.suara_caleg", 0, 100, top=top)
            c.integer(votes.get("suara_sah_partai"), f"{p}.suara_sah_partai", 0, top)


def _form(c: Check, form: Any, path: str, contest: Any) -> None:
    """A party form or a DPD form, every box 0..999: read in one walk with its values
    when it is all it must be (:func:`read_form`, kept in ``c.read``), else walked
    member by member to name every problem."""
    c.read = read_form(form, contest)
    if c.read is not None:
        return
    if type(form) is not dict:
        c.bad(path, "must be an object")
        return
    _kind_fits(c, contest, form, path)
    check_boxes(c, form, path)
    if "suara_calon" in form:
        _counts(c, form["suara_calon"], f"{path}.suara_calon", 1, 100, top=999)
        members = DPD_FORM_MEMBERS
    else:
        if "partai" in form:
            _parties(c, form["partai"], f"{path}.partai", 999)
        else:
            c.bad(f"{path}.partai", "is required")
        members = PARTY_FORM_MEMBERS
    check_photos(c, form, path)
    for name in form:
        if name not in members:
            c.bad(f"{path}.{name}", "is not a field of this object")


def _form_statement(
    c: Check,
    s: dict[str, Any],
    more: tuple[str, ...],
    optional: tuple[str, ...] = (),
    lists: tuple[str, ...] = (),
) -> None:
    c.members(s, "stmt", (*_COMMON, "tps", "contest", "district", "form", *more), optional, lists)
    c.match(s.get("tps"), "stmt.tps", _TPS, "a TPS code of 13 digits")
    c.match(s.get("district"), "stmt.district", DISTRICT, "a dapil code")
    _form(c, s.get("form"), "stmt.form", s.get("contest"))


def _c_hasil(c: Check, s: dict[str, Any]) -> None:
    _form_statement(c, s, ())


def _c_salinan(c: Check, s: dict[str, Any]) -> None:
    _form_statement(c, s, (), ("party", "candidate"))
    party, candidate = s.get("party"), s.get("candidate")
    if (party is None) == (candidate is None):
        c.bad("stmt", "exactly one of party and candidate is required")
    if party is not None:
        c.match(party, "stmt.party", _PARTY, "a party number")
    if candidate is not None:
        c.match(candidate, "stmt.candidate", _CANDIDATE, "a candidate number")
        if s.get("contest") != "dpd":
            c.bad("stmt.candidate", "only a copy of the DPD form is a DPD candidate's witness's")


def _correction(c: Check, s: dict[str, Any]) -> None:
    _form_statement(c, s, ("corrects", "reason"), (), ("evidence",))
    check_correction(c, s)


def _d_hasil(c: Check, s: dict[str, Any]) -> None:
    c.members(
        s, "stmt", (*_COMMON, "region", "level", "contest", "district", "totals"), (), ("foto",)
    )
    check_recap_region(c, s)
    c.match(s.get("district"), "stmt.district", DISTRICT, "a dapil code")
    totals: Any = s.get("totals")
    path = "stmt.totals"
    dpd = is_dpd_shape(totals)
    votes = "suara_calon" if dpd else "partai"
    if c.members(totals, path, (*RECAP_TOTALS, votes)):
        _kind_fits(c, s.get("contest"), totals, path)
        for name in RECAP_TOTALS:
            if name in totals:
                c.integer(totals[name], f"{path}.{name}", 0, MAX_TOTAL)
        if dpd:
            _counts(c, totals["suara_calon"], f"{path}.suara_calon", 1, 100, top=MAX_TOTAL)
        elif "partai" in totals:
            _parties(c, totals["partai"], f"{path}.partai", MAX_TOTAL)
    if "foto" in s:
        c.hashes(s["foto"], "stmt.foto")


CHECKS_V2: Final[dict[str, Callable[[Check, dict[str, Any]], None]]] = {
    "c-hasil": _c_hasil,
    "c-salinan": _c_salinan,
    "correction": _correction,
    "d-hasil": _d_hasil,
}
"""The statement types whose legislative contest gives them the fields of version 2."""


__all__ = [
    "CHECKS_V2",
    "DISTRICT",
    "DPD_FORM_MEMBERS",
    "PARTY_FORM_MEMBERS",
    "PARTY_VOTES",
    "is_dpd_shape",
]
