"""Every check of docs/format.md that one entry can pass or fail alone, in a worker.

:func:`check_entry` runs "Checks on an entry" 1 to 6 (size, strict UTF-8 JSON, the
canonical form, the schema, the one form, for a version 2 entry its text (5a), the
Ed25519 signature in its version's domain) and, for a form, the rules of docs/rules.md
and the screening flags of docs/recap.md; what it returns is small and flat (a tuple),
so that a chunk of thousands travels back from a worker process cheaply and the
verifying process has only the authorization and the tally left to do. A refused entry
comes back as ``(None, code, en, id)``.

A checked entry is ``(leaf_hash, key, type, at, election, *payload, v)``, ``v`` its
format version:

=============  ==========================================================================
type           payload
=============  ==========================================================================
manifest       the statement (a dict)
key            new key, role, scope, party, not_before, not_after, candidate
key-revoke     the revoked key
c-hasil        tps, contest, pairs, values, rules, impossible, flags, photos
c-salinan      tps, contest, pairs, values, photos, party
correction     tps, contest, pairs, values, rules, impossible, flags, photos,
               corrects.index, corrects.leaf_hash, reason
d-hasil        region, level, contest, pairs, totals (pairs' votes, then the six
               totals), photos
=============  ==========================================================================

``pairs`` are the form's pair numbers in ascending order, ``values`` its numbers in the
order of :mod:`saksi.verify.rules`. A statement of a legislative contest (format v2) has
the same payload at the same places, with its *ballot* for ``pairs`` (a party form's:
``((party, (candidate, ...)), ...)`` in ballot order; a DPD form's: ``(candidate,
...)``), no screening flags, and more at the end: ``district`` (a ``c-salinan``:
``party``, ``candidate``, then ``district``); a legislative ``d-hasil``'s ``totals``
are its numbers in the order of its dapil's values (the vote boxes, then the six
totals), which the reconciliation compares with its forms.
"""

from __future__ import annotations

import hashlib
from binascii import a2b_base64
from collections.abc import Sequence
from typing import Any, Final

from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError, CryptoError

from saksi.tlog.tiles import perfect_root
from saksi.verify import rules
from saksi.verify.envelope import check_envelope, is_legislative
from saksi.verify.form_read import Read, ballot_of, ballot_values, ballot_votes
from saksi.verify.jcs import Refusal, members_in_order, parse_canonical, read_plain
from saksi.verify.schema import AFTER_PAIRS, BEFORE_PAIRS, RECAP_TOTALS, Check
from saksi.verify.text import may_hold_problem, statement_problem

MAX_ENTRY: Final = 65_535
DOMAIN: Final = b"saksi/statement/v1\n"
DOMAINS: Final = {1: DOMAIN, 2: b"saksi/statement/v2\n"}
"""Each format version's signature domain (docs/format.md)."""
_STMT_AT: Final = len(b'{"key":"') + 44 + len(b'","sig":"') + 88 + len(b'","stmt":')
_STMT_END: Final = -len(b',"v":1}')

Checked = tuple[Any, ...]


def _schema(problems: list[tuple[str, str]], one_form: bool = False) -> Refusal:
    listed = "; ".join(f"{p}: {why}" for p, why in problems[:10])
    if one_form:
        return Refusal(
            "entry.not-canonical",
            f"not the one form of the statement: {listed}",
            f"bukan satu-satunya bentuk pernyataan: {listed}",
        )
    return Refusal("input.schema", f"schema: {listed}", f"skema: {listed}")


def _form_values(form: dict[str, Any]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    votes = form["suara_paslon"]
    pairs = tuple(sorted(votes))
    values = (
        *[form[n] for n in BEFORE_PAIRS],
        *[votes[p] for p in pairs],
        *[form[n] for n in AFTER_PAIRS],
    )
    return pairs, values


def _photos(*lists: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(h for found in lists for h in found))


def check_entry(data: bytes) -> Checked:
    """One entry checked alone (see the module's doc); never raises for bad input."""
    try:
        return _check(data)
    except Refusal as exc:
        return (None, exc.code, exc.en, exc.id)


def _text(stmt: dict[str, Any], stmt_bytes: bytes) -> None:
    """5a, version 2: no text that would not show as it is (docs/format.md)."""
    if not may_hold_problem(stmt_bytes):
        return
    found = statement_problem(stmt)
    if found is not None:
        field, code, char, at = found
        raise Refusal(
            code,
            f"{field}: the text holds U+{char:04X} at character {at + 1}, which would not "
            "show as it is",
            f"{field}: teks memuat U+{char:04X} pada karakter ke-{at + 1}, yang tidak tampil "
            "apa adanya",
        )


def _read(data: bytes) -> tuple[Any, Check]:
    """The entry's value, proven canonical (or refused as :func:`parse_canonical`
    refuses it), and its schema's findings. A plain entry (:func:`read_plain`, most of
    them) is proven canonical by the order and number of its members, a legislative
    form's counted in the schema's walk of it, without writing the entry again."""
    plain = read_plain(data)
    if plain is None:
        entry = parse_canonical(data)
        return entry, check_envelope(entry)
    entry, members = plain
    found = check_envelope(entry)
    read: Read | None = found.read
    if read is None:
        counted = members_in_order(entry)
    else:
        counted = members_in_order(entry, entry["stmt"]["form"])
        counted = None if counted is None else counted + read.members
    if counted != members:
        parse_canonical(data)  # not canonical: its refusal (or, if it is, the same value)
    return entry, found


def _check(data: bytes) -> Checked:
    if len(data) > MAX_ENTRY:
        raise Refusal(
            "entry.too-large",
            f"the entry is {len(data)} bytes, more than {MAX_ENTRY}",
            f"entri berukuran {len(data)} byte, lebih dari {MAX_ENTRY}",
        )
    entry, found = _read(data)
    if found.problems:
        raise _schema(found.problems)
    if found.one_form:
        raise _schema(found.one_form, one_form=True)
    if found.points:
        path, why = found.points[0]
        raise Refusal(
            "key.invalid-point", f"{path} {why}", f"{path} bukan titik Ed25519 berorde prima"
        )
    key = entry["key"]
    v = entry["v"]
    stmt_bytes = data[_STMT_AT:_STMT_END]  # the layout of both versions
    if v != 1:
        _text(entry["stmt"], stmt_bytes)
    try:
        crypto_sign_open(  # both base64 strings checked by the schema's patterns
            a2b_base64(entry["sig"]) + DOMAINS[v] + stmt_bytes, a2b_base64(key)
        )
    except (BadSignatureError, CryptoError, ValueError):
        raise Refusal(
            "statement.bad-signature",
            f"the signature is not key {key}'s signature of this statement",
            f"tanda tangan bukan tanda tangan kunci {key} atas pernyataan ini",
        ) from None
    leaf = hashlib.sha256(b"\x00" + data).digest()
    s = entry["stmt"]
    kind = s["type"]
    return _payload((leaf, key, kind, s["at"], s["election"]), kind, s, v, found.read)


def _payload(  # noqa: PLR0911
    head: tuple[Any, ...], kind: str, s: dict[str, Any], v: int, read: Read | None = None
) -> Checked:
    """The checked entry of a statement (see the module's doc); ``read``: a legislative
    form's ballot and values as its schema's walk read them."""
    if kind in ("c-hasil", "correction", "c-salinan"):
        if s["contest"] != "ppwp":
            return _legislative_form(head, kind, s, v, read)
        form = s["form"]
        pairs, values = _form_values(form)
        if kind == "c-salinan":
            return (
                *head, s["tps"], s["contest"], pairs, values, _photos(form["foto"]), s["party"], v,
            )  # fmt: skip
        broken, impossible = rules.violations(values, len(pairs))
        flags = () if impossible else rules.flags(values, len(pairs))
        if kind == "c-hasil":
            return (
                *head, s["tps"], s["contest"], pairs, values, broken, impossible, flags,
                _photos(form["foto"]), v,
            )  # fmt: skip
        ref = s["corrects"]
        return (
            *head, s["tps"], s["contest"], pairs, values, broken, impossible, flags,
            _photos(form["foto"], s["evidence"]), ref["index"], ref["leaf_hash"], s["reason"], v,
        )  # fmt: skip
    if kind == "key":
        return (
            *head, s["key"], s["role"], s["scope"], s.get("party"), s["not_before"],
            s["not_after"], s.get("candidate"), v,
        )  # fmt: skip
    if kind == "key-revoke":
        return (*head, s["key"], v)
    if kind == "d-hasil":
        totals = s["totals"]
        if is_legislative(s):
            ballot = ballot_of(totals)
            return (
                *head, s["region"], s["level"], s["contest"], ballot, _recap_votes(totals, ballot),
                _photos(s["foto"]), s["district"], v,
            )  # fmt: skip
        pairs = tuple(sorted(totals["suara_paslon"]))
        numbers = (*[totals["suara_paslon"][p] for p in pairs], *[totals[n] for n in RECAP_TOTALS])
        return (
            *head, s["region"], s["level"], s["contest"], pairs, numbers, _photos(s["foto"]), v,
        )  # fmt: skip
    return (*head, s, v)  # the manifest


def _recap_votes(totals: dict[str, Any], ballot: Any) -> tuple[int, ...]:
    """A legislative D.Hasil's numbers in the order of its dapil's values: the vote boxes
    (each party's A.1, its candidates' A.2, its B; or each DPD candidate's votes), then
    :data:`RECAP_TOTALS` (docs/recap.md, "The legislative contests" of "Reconciliation")."""
    return (*ballot_votes(totals, ballot), *(totals[n] for n in RECAP_TOTALS))


def _legislative_form(
    head: tuple[Any, ...], kind: str, s: dict[str, Any], v: int, read: Read | None
) -> Checked:
    """A legislative c-hasil, c-salinan or correction (see the module's doc); ``read``:
    its ballot and values as the schema's walk read them, if it did."""
    form = s["form"]
    ballot, values = (read.ballot, read.values) if read is not None else ballot_values(form)
    parties = None if "suara_calon" in form else ballot
    where = (s["tps"], s["contest"], ballot, values)
    if kind == "c-salinan":
        photos = _photos(form["foto"])
        return (*head, *where, photos, s.get("party"), s.get("candidate"), s["district"], v)
    broken, impossible = rules.legislative_violations(values, parties, len(ballot))
    raised = rules.legislative_flags(values, parties, len(ballot))
    if kind == "c-hasil":
        return (*head, *where, broken, impossible, raised, _photos(form["foto"]), s["district"], v)
    ref = s["corrects"]
    return (
        *head, *where, broken, impossible, raised, _photos(form["foto"], s["evidence"]),
        ref["index"], ref["leaf_hash"], s["reason"], s["district"], v,
    )  # fmt: skip


def check_chunk(chunk: Sequence[bytes]) -> list[Checked]:
    return [check_entry(data) for data in chunk]


Subtrees = list[tuple[int, bytes]]
"""``(level, root)`` of the perfect subtrees that cover a run of leaves, left to right."""


def subtrees(first: int, leaves: Sequence[bytes]) -> Subtrees:
    """The leaves ``first``, ``first + 1``, ... as the fewest perfect subtrees, each
    starting at a multiple of its width (what :meth:`CompactRange.append_subtree`
    takes): a whole chunk of 1,024 entries at a multiple of 1,024 is one."""
    out: Subtrees = []
    at, end = first, first + len(leaves)
    while at < end:
        level = (at & -at).bit_length() - 1 if at else 63
        while at + (1 << level) > end:
            level -= 1
        out.append((level, perfect_root(leaves[at - first : at - first + (1 << level)])))
        at += 1 << level
    return out


def check_run(first: int, chunk: Sequence[bytes]) -> tuple[list[Checked], Subtrees]:
    """The entries ``first``, ... checked alone, and their leaf hashes as subtrees: the
    verifying process extends its tree with a few hashes a chunk, not one a leaf."""
    checked = check_chunk(chunk)
    leaves = [
        item[0] if item[0] is not None else hashlib.sha256(b"\x00" + data).digest()
        for data, item in zip(chunk, checked, strict=True)
    ]
    return checked, subtrees(first, leaves)


__all__ = ["Checked", "Subtrees", "check_chunk", "check_entry", "check_run", "subtrees"]
