"""The schema of every statement type of format v1, written from docs/format.md.

A :class:`Check` gathers a statement's problems as its fields are read: ``(path,
message)`` for every field that is missing, unknown, of the wrong type or out of range
(``input.schema``), and separately the *one form* problems (a ``null`` written for an
absent optional field, a list left out: ``entry.not-canonical``). A few checks of a
field's value beyond its type are named by their own code (``key.invalid-point`` for
a key introduced into the log that is not a prime-order point). :data:`CHECKS` holds
each type's check; the two statements of version 1 that version 2 extends (a manifest
naming a contests file, a key of a DPD candidate's role) are read here in both versions,
and :mod:`saksi.verify.envelope` says which version may use what. The legislative
statements of version 2 are :mod:`saksi.verify.schema_v2`'s. Nothing here knows the
log: authorization is :mod:`saksi.verify.keys`.
"""

from __future__ import annotations

import re
from binascii import a2b_base64
from collections.abc import Callable
from operator import itemgetter
from typing import Any, Final

from nacl.bindings import crypto_core_ed25519_is_valid_point

MAX_SAFE: Final = 2**53 - 1

STATEMENT_TYPES: Final = (
    "manifest",
    "key",
    "key-revoke",
    "c-hasil",
    "c-salinan",
    "correction",
    "d-hasil",
)
ROLES: Final = (
    "kpu-ri",
    "kpu-prov",
    "kpu-kab",
    "ppk",
    "kpps",
    "partai",
    "saksi",
    "bawaslu",
    "pengawas",
    "calon-dpd",
    "saksi-dpd",
)
"""Every role; the last two are format v2's (docs/format.md, "Roles added")."""
ROOT_ROLES: Final = ("kpu-ri", "partai", "bawaslu")
PARTY_ROLES: Final = frozenset({"partai", "saksi"})
CANDIDATE_ROLES: Final = frozenset({"calon-dpd", "saksi-dpd"})
"""Roles that act for one DPD candidate and carry its number (format v2)."""
CONTESTS: Final = ("ppwp", "dpr", "dpd", "dprd-prov", "dprd-kabkota")
LEGISLATIVE: Final = ("dpr", "dpd", "dprd-prov", "dprd-kabkota")
"""The contests version 2 records on legislative forms."""
FORMS: Final = {
    "ppwp": "c-hasil-ppwp",
    "dpr": "c-hasil-dpr",
    "dpd": "c-hasil-dpd",
    "dprd-prov": "c-hasil-dprd-prov",
    "dprd-kabkota": "c-hasil-dprd-kabkota",
}
"""Each contest's form; a manifest's contest may name ``c-hasil-ppwp`` (any kind, as in
version 1) or, from version 2, its own legislative form."""
LEGISLATIVE_FORMS: Final = frozenset(FORMS[k] for k in LEGISLATIVE)
ROLE_SCOPE_DIGITS: Final = {
    "kpu-ri": 1,
    "kpu-prov": 2,
    "kpu-kab": 4,
    "ppk": 6,
    "kpps": 13,
    "calon-dpd": 2,
}
"""Roles whose scope must be of one level (docs/format.md, "Roles and delegation"):
the length of its code ("0" has length 1)."""
RECAP_LEVEL_DIGITS: Final = {"kecamatan": 6, "kabkota": 4, "provinsi": 2, "nasional": 1}

SPLITS: Final = ("l", "p", "j")
SECTION_I: Final = (
    "pemilih_dpt",
    "pengguna_dpt",
    "pengguna_dptb",
    "pengguna_non_dpt",
    "pengguna_total",
)
SECTION_II: Final = (
    "surat_suara_diterima",
    "surat_suara_digunakan",
    "surat_suara_dikembalikan",
    "surat_suara_tidak_digunakan",
)
BEFORE_PAIRS: Final = (
    *(f"{b}_{s}" for b in SECTION_I for s in SPLITS),
    *SECTION_II,
    *(f"pemilih_disabilitas_{s}" for s in SPLITS),
)
"""The form's boxes before section IV, in the order of the paper form."""
AFTER_PAIRS: Final = ("suara_sah", "suara_tidak_sah", "suara_total")
FORM_MEMBERS: Final = frozenset((*BEFORE_PAIRS, *AFTER_PAIRS, "suara_paslon", "foto"))
RECAP_TOTALS: Final = (
    "suara_sah",
    "suara_tidak_sah",
    "suara_total",
    "pengguna_total_j",
    "pemilih_dpt_j",
    "jumlah_tps",
)

_KEY = re.compile(r"[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=\Z")
_SIG = re.compile(r"[A-Za-z0-9+/]{85}[AQgw]==\Z")
_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z\Z", re.ASCII)
_ELECTION = re.compile(r"[\x21-\x2a\x2c-\x7e]{1,200}\Z")
_REGION = re.compile(r"(0|\d{2}|\d{4}|\d{6}|\d{10}|\d{13})\Z", re.ASCII)
_TPS = re.compile(r"\d{13}\Z", re.ASCII)
_PARTY = re.compile(r"[1-9][0-9]?\Z")
_CANDIDATE = re.compile(r"[1-9][0-9]{0,2}\Z")
_PAIR = re.compile(r"[0-9]{2}\Z")
_SHA = re.compile(r"[0-9a-f]{64}\Z")
_RULES_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

Problems = list[tuple[str, str]]

_ALLOWED: dict[tuple[tuple[str, ...], ...], frozenset[str]] = {}
"""Every member an object may have, per (required, optional, lists)."""
_TIMES: dict[str, bool] = {}
"""Times already found to be real instants (the same few recur in every entry)."""
_TIMES_KEPT: Final = 4096


def _allowed(
    required: tuple[str, ...], optional: tuple[str, ...], lists: tuple[str, ...]
) -> frozenset[str]:
    shape = (required, optional, lists)
    found = _ALLOWED.get(shape)
    if found is None:
        found = _ALLOWED[shape] = frozenset((*required, *optional, *lists))
    return found


class Check:
    """The problems of one statement, gathered as its fields are read."""

    __slots__ = ("one_form", "points", "problems", "read")

    def __init__(self) -> None:
        self.problems: Problems = []
        self.one_form: Problems = []
        self.points: Problems = []  # keys introduced that are not prime-order points
        self.read: Any = None  # a legislative form's (ballot, values), read with its schema

    def bad(self, path: str, why: str) -> None:
        self.problems.append((path, why))

    def members(
        self,
        obj: Any,
        path: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        lists: tuple[str, ...] = (),
    ) -> bool:
        """``obj`` is an object with exactly these members (``lists``: required, but a
        missing one is a one-form problem); False if it is not an object at all."""
        if type(obj) is not dict:
            self.bad(path, "must be an object")
            return False
        for name in required:
            if name not in obj:
                self.bad(f"{path}.{name}", "is required")
        for name in lists:
            if name not in obj:
                self.one_form.append((f"{path}.{name}", "an empty list is written, not left out"))
        for name in optional:
            if name in obj and obj[name] is None:
                self.one_form.append((f"{path}.{name}", "an absent field is left out, not null"))
        if not obj.keys() <= _allowed(required, optional, lists):
            for name in obj:
                if name not in required and name not in optional and name not in lists:
                    self.bad(f"{path}.{name}", "is not a field of this object")
        return True

    def text(self, value: Any, path: str, low: int, high: int, line: bool = True) -> None:
        if type(value) is not str:
            self.bad(path, "must be a string")
        elif not low <= len(value) <= high:
            self.bad(path, f"must be {low}..{high} characters")
        elif line and _CONTROL.search(value):
            self.bad(path, "must be one line without control characters")

    def match(self, value: Any, path: str, pattern: re.Pattern[str], what: str) -> None:
        if type(value) is not str or pattern.match(value) is None:
            self.bad(path, f"must be {what}")

    def integer(self, value: Any, path: str, low: int, high: int) -> None:
        if type(value) is not int:
            self.bad(path, "must be an integer")
        elif not low <= value <= high:
            self.bad(path, f"must be {low}..{high}")

    def time(self, value: Any, path: str) -> None:
        if type(value) is str and value in _TIMES:
            return
        found = _TIME.match(value) if type(value) is str else None
        if found is None:
            self.bad(path, "must be a time YYYY-MM-DDTHH:MM:SSZ")
            return
        y, mo, d, h, mi, s = map(int, found.groups())
        leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
        if not (
            y >= 1
            and 1 <= mo <= 12
            and 1 <= d <= (_DAYS[mo - 1] if mo != 2 or leap else 28)
            and h <= 23
            and mi <= 59
            and s <= 59
        ):
            self.bad(path, "must be a real instant")
            return
        if len(_TIMES) >= _TIMES_KEPT:
            _TIMES.clear()
        _TIMES[value] = True

    def key(self, value: Any, path: str, *, new: bool = False) -> None:
        if type(value) is not str or _KEY.match(value) is None:
            self.bad(path, "must be a public key: base64 of 32 bytes")
        elif new and not crypto_core_ed25519_is_valid_point(a2b_base64(value)):
            self.points.append((path, "is not a prime-order Ed25519 point"))

    def hashes(self, value: Any, path: str) -> None:
        if type(value) is not list:
            self.bad(path, "must be a list")
            return
        if len(value) > 16:
            self.bad(path, "must have at most 16 items")
        for i, item in enumerate(value):
            if type(item) is not str or _SHA.match(item) is None:
                self.bad(f"{path}[{i}]", "must be 64 lower-case hex digits")

    def votes(self, value: Any, path: str, high: int) -> None:
        if type(value) is not dict:
            self.bad(path, "must be an object")
            return
        if not 1 <= len(value) <= 20:
            self.bad(path, "must have 1..20 pairs")
        for pair, votes in value.items():
            if _PAIR.match(pair) is None:
                self.bad(f"{path}.{pair}", "must be a pair number of two digits")
            self.integer(votes, f"{path}.{pair}", 0, high)


_BOXES = itemgetter(*BEFORE_PAIRS, *AFTER_PAIRS)
_INT = frozenset({int})


def _boxes_fine(form: dict[str, Any]) -> bool:
    """Every box of the form present, an integer of 0..999 (the common case, at once)."""
    try:
        values = _BOXES(form)
    except KeyError:
        return False
    return set(map(type, values)) == _INT and min(values) >= 0 and max(values) <= 999


def check_boxes(c: Check, form: dict[str, Any], path: str) -> None:
    """Sections I-III and V of a form (every form of every contest has them): each box
    present, an integer of 0..999."""
    if not _boxes_fine(form):
        for name in (*BEFORE_PAIRS, *AFTER_PAIRS):
            value = form.get(name)
            if type(value) is not int or not 0 <= value <= 999:
                c.integer(value, f"{path}.{name}", 0, 999) if name in form else c.bad(
                    f"{path}.{name}", "is required"
                )


def check_photos(c: Check, form: dict[str, Any], path: str) -> None:
    """``foto``: a list of photo digests, written even when empty."""
    if "foto" in form:
        c.hashes(form["foto"], f"{path}.foto")
    else:
        c.one_form.append((f"{path}.foto", "an empty list is written, not left out"))


def _form(c: Check, form: Any, path: str) -> None:
    if type(form) is not dict:
        c.bad(path, "must be an object")
        return
    check_boxes(c, form, path)
    if "suara_paslon" in form:
        c.votes(form["suara_paslon"], f"{path}.suara_paslon", 999)
    else:
        c.bad(f"{path}.suara_paslon", "is required")
    check_photos(c, form, path)
    if len(form) != len(FORM_MEMBERS):
        for name in form:
            if name not in FORM_MEMBERS:
                c.bad(f"{path}.{name}", "is not a field of this object")


def _scope_fits(c: Check, role: Any, scope: Any, path: str) -> None:
    digits = ROLE_SCOPE_DIGITS.get(role) if type(role) is str else None
    if digits is not None and type(scope) is str and len(scope) != digits:
        c.bad(path, f"role {role} needs a scope of its level")


def _party_fits(c: Check, role: Any, party: Any, path: str) -> None:
    if role in PARTY_ROLES and party is None:
        c.bad(path, f"is required for role {role}")
    elif role not in PARTY_ROLES and party is not None and type(role) is str:
        c.bad(path, "only roles partai and saksi carry a party")


def _candidate_fits(c: Check, role: Any, candidate: Any, path: str) -> None:
    if role in CANDIDATE_ROLES and candidate is None:
        c.bad(path, f"is required for role {role}")
    elif role not in CANDIDATE_ROLES and candidate is not None and type(role) is str:
        c.bad(path, "only roles calon-dpd and saksi-dpd carry a candidate")


_COMMON = ("type", "election", "at")


def _manifest(c: Check, s: dict[str, Any]) -> None:  # noqa: C901, PLR0912
    c.members(
        s,
        "stmt",
        (*_COMMON, "name", "contests", "regions_digest", "rules_version", "root_keys"),
        ("polls_open", "polls_close", "contests_digest", "legislative_rules_version"),
    )
    c.text(s.get("name"), "stmt.name", 1, 200)
    c.match(s.get("regions_digest"), "stmt.regions_digest", _SHA, "a SHA-256 in hex")
    c.match(s.get("rules_version"), "stmt.rules_version", _RULES_VERSION, "a rules version")
    for name in ("polls_open", "polls_close"):
        if s.get(name) is not None:
            c.time(s[name], f"stmt.{name}")
    if (
        type(s.get("polls_open")) is str
        and type(s.get("polls_close")) is str
        and s["polls_close"] <= s["polls_open"]
    ):
        c.bad("stmt.polls_close", "must be after polls_open")
    contests = s.get("contests")
    if type(contests) is not list or not 1 <= len(contests) <= 10:
        c.bad("stmt.contests", "must be a list of 1..10 contests")
        contests = contests if type(contests) is list else []
    kinds = [x.get("kind") for x in contests if type(x) is dict]
    if len(set(map(str, kinds))) != len(kinds):
        c.bad("stmt.contests", "a contest is listed twice")
    for i, contest in enumerate(contests):
        _contest(c, contest, f"stmt.contests[{i}]")
    _contests_file(c, s, contests)
    roots = s.get("root_keys")
    if type(roots) is not list or not 1 <= len(roots) <= 1000:
        c.bad("stmt.root_keys", "must be a list of 1..1000 keys")
        roots = roots if type(roots) is list else []
    for i, root in enumerate(roots):
        p = f"stmt.root_keys[{i}]"
        if not c.members(root, p, ("key", "role", "scope", "name"), ("party",)):
            continue
        c.key(root.get("key"), f"{p}.key", new=True)
        if root.get("role") not in ROOT_ROLES:
            c.bad(f"{p}.role", "must be kpu-ri, partai or bawaslu")
        c.match(root.get("scope"), f"{p}.scope", _REGION, "a region code")
        _scope_fits(c, root.get("role"), root.get("scope"), f"{p}.scope")
        c.text(root.get("name"), f"{p}.name", 1, 200)
        if root.get("party") is not None:
            c.match(root["party"], f"{p}.party", _PARTY, "a party number")
        _party_fits(c, root.get("role"), root.get("party"), f"{p}.party")
    keys = [r.get("key") for r in roots if type(r) is dict]
    if len(set(map(str, keys))) != len(keys):
        c.bad("stmt.root_keys", "a key is listed twice")
    if not any(type(r) is dict and r.get("role") == "kpu-ri" for r in roots):
        c.bad("stmt.root_keys", "at least one kpu-ri key is required")


def _contest(c: Check, x: Any, p: str) -> None:  # noqa: C901, PLR0912
    if not c.members(
        x,
        p,
        ("kind", "name"),
        ("threshold_percent", "form"),
        ("pairs", "parties", "districts", "candidates"),
    ):
        return
    if x.get("kind") not in CONTESTS:
        c.bad(f"{p}.kind", "must be a contest")
    c.text(x.get("name"), f"{p}.name", 1, 200, line=False)
    if x.get("threshold_percent") is not None:
        c.integer(x["threshold_percent"], f"{p}.threshold_percent", 0, 100)
    form = x.get("form")
    if form is not None and form != "c-hasil-ppwp":
        if form not in LEGISLATIVE_FORMS:
            c.bad(f"{p}.form", "must be a form: c-hasil-ppwp or a legislative form")
        elif form != FORMS.get(x.get("kind")):
            c.bad(f"{p}.form", "a legislative form must be its own contest's")
        elif any(x.get(name) for name in ("pairs", "parties", "districts", "candidates")):
            c.bad(p, "a contest on a legislative form has its ballot in the contests file")
    for i, pair in enumerate(_list(c, x.get("pairs", []), f"{p}.pairs")):
        q = f"{p}.pairs[{i}]"
        if c.members(pair, q, ("number", "president", "vice_president"), ("sirekap_id",)):
            c.match(pair.get("number"), f"{q}.number", _PAIR, "a pair number")
            c.text(pair.get("president"), f"{q}.president", 1, 200, line=False)
            c.text(pair.get("vice_president"), f"{q}.vice_president", 1, 200, line=False)
            if pair.get("sirekap_id") is not None and type(pair["sirekap_id"]) is not str:
                c.bad(f"{q}.sirekap_id", "must be a string")
    for i, party in enumerate(_list(c, x.get("parties", []), f"{p}.parties")):
        q = f"{p}.parties[{i}]"
        if c.members(party, q, ("number", "name", "local")):
            c.match(party.get("number"), f"{q}.number", _PARTY, "a party number")
            c.text(party.get("name"), f"{q}.name", 1, 200, line=False)
            if type(party.get("local")) is not bool:
                c.bad(f"{q}.local", "must be true or false")
    for i, d in enumerate(_list(c, x.get("districts", []), f"{p}.districts")):
        q = f"{p}.districts[{i}]"
        if c.members(d, q, ("code", "name", "seats", "regions")):
            c.text(d.get("code"), f"{q}.code", 1, 20, line=False)
            c.text(d.get("name"), f"{q}.name", 1, 200, line=False)
            c.integer(d.get("seats"), f"{q}.seats", 1, 100)
            regions = _list(c, d.get("regions"), f"{q}.regions")
            if not regions:
                c.bad(f"{q}.regions", "must not be empty")
            for j, r in enumerate(regions):
                if type(r) is not str:
                    c.bad(f"{q}.regions[{j}]", "must be a string")
    for i, item in enumerate(_list(c, x.get("candidates", []), f"{p}.candidates")):
        q = f"{p}.candidates[{i}]"
        if type(item) is not list or len(item) != 2 or type(item[0]) is not str:
            c.bad(q, "must be [district code, [candidate, ...]]")
            continue
        for j, cand in enumerate(_list(c, item[1], f"{q}[1]")):
            r = f"{q}[1][{j}]"
            if c.members(cand, r, ("number", "name"), ("party",)):
                c.integer(cand.get("number"), f"{r}.number", 1, 999)
                c.text(cand.get("name"), f"{r}.name", 1, 200, line=False)
                if cand.get("party") is not None and type(cand["party"]) is not str:
                    c.bad(f"{r}.party", "must be a string")


def legislative_contests(s: dict[str, Any]) -> tuple[str, ...]:
    """The kinds a manifest records on a legislative form (format v2)."""
    contests = s.get("contests")
    return tuple(
        x["kind"]
        for x in (contests if type(contests) is list else ())
        if type(x) is dict and x.get("form") in LEGISLATIVE_FORMS
    )


def _contests_file(c: Check, s: dict[str, Any], contests: list[Any]) -> None:
    """``contests_digest`` and ``legislative_rules_version``, each required exactly when
    a contest names a legislative form (docs/format.md, "The contests file and the
    manifest")."""
    recorded = any(type(x) is dict and x.get("form") in LEGISLATIVE_FORMS for x in contests)
    if s.get("contests_digest") is not None:
        c.match(s["contests_digest"], "stmt.contests_digest", _SHA, "a SHA-256 in hex")
    if s.get("legislative_rules_version") is not None:
        c.match(
            s["legislative_rules_version"],
            "stmt.legislative_rules_version",
            _RULES_VERSION,
            "a rules version",
        )
    for name in ("contests_digest", "legislative_rules_version"):
        if recorded != (s.get(name) is not None):
            c.bad(
                f"stmt.{name}",
                "is required exactly when a contest is recorded on a legislative form",
            )


def _list(c: Check, value: Any, path: str) -> list[Any]:
    if type(value) is not list:
        c.bad(path, "must be a list")
        return []
    return value


def _key(c: Check, s: dict[str, Any]) -> None:
    c.members(
        s,
        "stmt",
        (*_COMMON, "key", "role", "scope", "not_before", "not_after"),
        ("party", "candidate", "label"),
    )
    c.key(s.get("key"), "stmt.key", new=True)
    role = s.get("role")
    if role not in ROLES:
        c.bad("stmt.role", "must be a role")
    c.match(s.get("scope"), "stmt.scope", _REGION, "a region code")
    _scope_fits(c, role, s.get("scope"), "stmt.scope")
    if s.get("party") is not None:
        c.match(s["party"], "stmt.party", _PARTY, "a party number")
    _party_fits(c, role, s.get("party"), "stmt.party")
    if s.get("candidate") is not None:
        c.match(s["candidate"], "stmt.candidate", _CANDIDATE, "a candidate number")
    _candidate_fits(c, role, s.get("candidate"), "stmt.candidate")
    c.time(s.get("not_before"), "stmt.not_before")
    c.time(s.get("not_after"), "stmt.not_after")
    nb, na = s.get("not_before"), s.get("not_after")
    if type(nb) is str and type(na) is str and na <= nb:
        c.bad("stmt.not_after", "must be after not_before")
    if s.get("label") is not None:
        c.text(s["label"], "stmt.label", 1, 100)


def _revoke(c: Check, s: dict[str, Any]) -> None:
    c.members(s, "stmt", (*_COMMON, "key", "reason", "effective"))
    c.key(s.get("key"), "stmt.key")
    c.text(s.get("reason"), "stmt.reason", 1, 1000)
    c.time(s.get("effective"), "stmt.effective")
    if type(s.get("effective")) is str and type(s.get("at")) is str and s["effective"] > s["at"]:
        c.bad("stmt.effective", "must not be after at")


def _form_statement(
    c: Check, s: dict[str, Any], more: tuple[str, ...], lists: tuple[str, ...] = ()
) -> None:
    c.members(s, "stmt", (*_COMMON, "tps", "contest", "form", *more), (), lists)
    c.match(s.get("tps"), "stmt.tps", _TPS, "a TPS code of 13 digits")
    if s.get("contest") != "ppwp":
        c.bad("stmt.contest", "must be ppwp")
    _form(c, s.get("form"), "stmt.form")


def _c_hasil(c: Check, s: dict[str, Any]) -> None:
    _form_statement(c, s, ())


def _c_salinan(c: Check, s: dict[str, Any]) -> None:
    _form_statement(c, s, ("party",))
    c.match(s.get("party"), "stmt.party", _PARTY, "a party number")


def _correction(c: Check, s: dict[str, Any]) -> None:
    _form_statement(c, s, ("corrects", "reason"), ("evidence",))
    check_correction(c, s)


def check_correction(c: Check, s: dict[str, Any]) -> None:
    """What a correction adds to its form: ``corrects``, ``reason``, ``evidence``."""
    ref: Any = s.get("corrects")
    if c.members(ref, "stmt.corrects", ("index", "leaf_hash")):
        c.integer(ref.get("index"), "stmt.corrects.index", 0, MAX_SAFE)
        c.match(ref.get("leaf_hash"), "stmt.corrects.leaf_hash", _SHA, "64 lower-case hex digits")
    c.text(s.get("reason"), "stmt.reason", 1, 1000)
    if "evidence" in s:
        c.hashes(s["evidence"], "stmt.evidence")


def _d_hasil(c: Check, s: dict[str, Any]) -> None:
    c.members(s, "stmt", (*_COMMON, "region", "level", "contest", "totals"), (), ("foto",))
    check_recap_region(c, s)
    if s.get("contest") != "ppwp":
        c.bad("stmt.contest", "must be ppwp")
    totals: Any = s.get("totals")
    if c.members(totals, "stmt.totals", ("suara_paslon", *RECAP_TOTALS)):
        c.votes(totals.get("suara_paslon"), "stmt.totals.suara_paslon", 999_999_999)
        for name in RECAP_TOTALS:
            if name in totals:
                c.integer(totals[name], f"stmt.totals.{name}", 0, 999_999_999)
    if "foto" in s:
        c.hashes(s["foto"], "stmt.foto")


def check_recap_region(c: Check, s: dict[str, Any]) -> None:
    """A D.Hasil's ``region`` and ``level``: a region code of the level's length."""
    c.match(s.get("region"), "stmt.region", _REGION, "a region code")
    level = s.get("level")
    digits = RECAP_LEVEL_DIGITS.get(level) if type(level) is str else None
    if digits is None:
        c.bad("stmt.level", "must be kecamatan, kabkota, provinsi or nasional")
    elif type(s.get("region")) is str and len(s["region"]) != digits:
        c.bad("stmt.region", f"is not a {s['level']} code")


CHECKS: Final[dict[str, Callable[[Check, dict[str, Any]], None]]] = {
    "manifest": _manifest,
    "key": _key,
    "key-revoke": _revoke,
    "c-hasil": _c_hasil,
    "c-salinan": _c_salinan,
    "correction": _correction,
    "d-hasil": _d_hasil,
}


__all__ = [
    "AFTER_PAIRS",
    "BEFORE_PAIRS",
    "CANDIDATE_ROLES",
    "CHECKS",
    "CONTESTS",
    "FORMS",
    "LEGISLATIVE",
    "LEGISLATIVE_FORMS",
    "PARTY_ROLES",
    "RECAP_TOTALS",
    "ROLES",
    "STATEMENT_TYPES",
    "Check",
    "check_boxes",
    "check_correction",
    "check_photos",
    "check_recap_region",
    "legislative_contests",
]
