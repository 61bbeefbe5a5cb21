"""The signed entry envelope, format v1: the bytes that go into the log.

::

    {"key": "<base64 public key>", "sig": "<base64 signature>", "stmt": {...}, "v": 1}

The entry is the RFC 8785 canonical JSON of that object (so the keys appear in the
order above), and ``sig`` is Ed25519 over ``b"saksi/statement/v1\\n" + JCS(stmt)``.
:func:`parse_entry` checks, in this order: size, canonical form, schema, the one
form of the statement (no ``null`` for absent fields, lists always present), the
signature, and (when asked) the election. docs/format.md is the full description.

An entry's envelope is made in one of two ways: :func:`parse_entry` for bytes not yet
checked (a submission, a replay that verifies), :meth:`Envelope.from_logged` for bytes
that were (the log's own entries, a worker process's). Both cache the entry's bytes,
the statement's and (once asked) the leaf hash on the envelope; only this module
writes those caches.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any, Final, Literal, Self

from pydantic import Field, ValidationError, field_validator, model_validator

from saksi.election.canonical import canonical_json, parse_canonical
from saksi.election.keyed_schema import validate_envelope_json
from saksi.election.keys import SIGNATURE_PATTERN, PublicKey, SigningKey, b64, decode_signature
from saksi.election.statements import LOGGED, AnyStatement, FieldInvalid, KeyText, Statement
from saksi.election.text_rule import check_text
from saksi.election.wire import WireModel, schema_error
from saksi.errors import ElectionMismatch, InputError, SaksiError, SignatureError
from saksi.tlog import hashes
from saksi.tlog.hashes import MAX_ENTRY_SIZE

FORMAT_VERSION: Final = 1
"""The format version of an entry whose statement needs nothing newer (the version
:func:`sign_statement` gives it by default)."""
FORMAT_VERSIONS: Final = (1, 2)
SIGNATURE_DOMAIN: Final = b"saksi/statement/v1\n"
"""Prefix of every signed message, so a statement signature means nothing elsewhere."""
SIGNATURE_DOMAINS: Final = {1: SIGNATURE_DOMAIN, 2: b"saksi/statement/v2\n"}
"""The prefix of each format version: a v1 signature never passes for a v2 statement."""

__all__ = [
    "FORMAT_VERSION",
    "FORMAT_VERSIONS",
    "MAX_ENTRY_SIZE",
    "SIGNATURE_DOMAIN",
    "SIGNATURE_DOMAINS",
    "Envelope",
    "parse_entry",
    "sign_statement",
    "signed_message",
]


_CACHED: Final = ("stmt_bytes", "entry_bytes", "leaf_hash")


def signed_message(stmt_bytes: bytes, version: int = 1) -> bytes:
    """What the signature covers: the version's domain string, then the statement's
    JCS bytes."""
    return SIGNATURE_DOMAINS[version] + stmt_bytes


class Envelope(WireModel):
    """One signed statement, as logged."""

    v: Literal[1, 2]
    stmt: Statement
    key: KeyText
    sig: str = Field(pattern=SIGNATURE_PATTERN)

    @field_validator("v", mode="before")
    @classmethod
    def _number_not_boolean(cls, value: object) -> object:
        if isinstance(value, bool):  # Literal[1] alone would take JSON true (True == 1)
            raise FieldInvalid("v must be the number 1 or 2", "v harus angka 1 atau 2")
        return value

    @model_validator(mode="after")
    def _statement_of_its_version(self) -> Self:
        need, field = self.stmt.needs_version()
        if need > self.v:
            raise FieldInvalid(
                f"stmt.{field}: needs format v{need}; this entry is v{self.v}",
                f"stmt.{field}: memerlukan format v{need}; entri ini v{self.v}",
            )
        problem = self.stmt.version_problem(self.v)
        if problem is not None:
            raise problem
        return self

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with ``update``, the cached bytes and hashes are computed afresh."""
        copied = super().model_copy(update=update, deep=deep)
        if update:
            for name in _CACHED:
                copied.__dict__.pop(name, None)
        return copied

    @classmethod
    def from_logged(cls, data: bytes, *, leaf_hash: bytes | None = None) -> Self:
        """The envelope of an entry already checked in full by :func:`parse_entry` (before
        it was logged, or in a worker process): the schema only, without the signature
        and without a newly registered key's point check (``statements.LOGGED``), its
        bytes cached as :func:`parse_entry` caches them, and ``leaf_hash`` when the
        caller knows it. Raises pydantic's ValidationError or ValueError if the bytes
        are not such an entry: run :func:`parse_entry` to learn why. The schema is
        read with the unions picked by key (:mod:`saksi.election.keyed_schema`: the
        same models, the same errors)."""
        envelope = validate_envelope_json(cls, data, _LOGGED)
        if not envelope._seed(data):
            raise ValueError("not the canonical layout of a log entry")
        if leaf_hash is not None:
            envelope.__dict__["leaf_hash"] = leaf_hash
        return envelope

    def _seed(self, data: bytes) -> bool:
        """Cache the entry's bytes and the statement's, cut from ``data`` (a canonical
        entry's layout is fixed once its schema holds). False, and nothing cached, if
        ``data`` does not have that layout."""
        start = len(self.key) + len(self.sig) + 26  # {"key":"…","sig":"…","stmt":
        suffix = _SUFFIXES[self.v]
        if data[start - 7 : start] != b'"stmt":' or not data.endswith(suffix):
            return False
        self.__dict__["stmt_bytes"] = data[start : -len(suffix)]
        self.__dict__["entry_bytes"] = data
        return True

    def shed_bytes(self) -> Self:
        """This envelope without its cached bytes (the leaf hash computed and kept), so
        that it pickles small; :meth:`restore_bytes` gives them back."""
        _ = self.leaf_hash
        self.__dict__.pop("stmt_bytes", None)
        self.__dict__.pop("entry_bytes", None)
        return self

    def restore_bytes(self, data: bytes) -> Self:
        """This envelope with the bytes :meth:`shed_bytes` dropped, cut again from
        ``data``, its entry (if ``data`` has not the canonical layout, they are
        computed again when asked)."""
        self._seed(data)
        return self

    @cached_property
    def stmt_bytes(self) -> bytes:
        """JCS(stmt): the statement's canonical bytes."""
        return canonical_json(self.stmt.wire())

    @cached_property
    def entry_bytes(self) -> bytes:
        # JCS orders the envelope's keys key < sig < stmt < v; base64 needs no escapes.
        return b"".join(
            (
                b'{"key":"',
                self.key.encode(),
                b'","sig":"',
                self.sig.encode(),
                b'","stmt":',
                self.stmt_bytes,
                _SUFFIXES[self.v],
            )
        )

    def to_bytes(self) -> bytes:
        """The entry's bytes: the RFC 8785 canonical JSON of the envelope."""
        return self.entry_bytes

    @cached_property
    def leaf_hash(self) -> bytes:
        """The RFC 6962 Merkle leaf hash of the entry: SHA-256(0x00 || entry)."""
        return hashes.leaf_hash(self.entry_bytes)

    @property
    def leaf_hash_hex(self) -> str:
        return self.leaf_hash.hex()

    @property
    def signer(self) -> PublicKey:
        """The signing key (format-checked; the point itself is checked by verify)."""
        return PublicKey.from_b64(self.key, check_point=False)

    def verify(self) -> bool:
        """True if ``sig`` is ``key``'s signature of this statement."""
        message = signed_message(self.stmt_bytes, self.v)
        return self.signer.verify(message, decode_signature(self.sig))


def sign_statement(stmt: AnyStatement, key: SigningKey, *, version: int | None = None) -> Envelope:
    """Sign ``stmt`` with ``key`` as an entry of format ``version`` (by default the
    lowest that can carry it: 1 unless it uses what version 2 added); InputError
    ``entry.too-large`` beyond 65,535 bytes."""
    wanted = stmt.needs_version()[0] if version is None else version
    if wanted not in FORMAT_VERSIONS:
        raise ValueError(f"no format version {wanted}")
    v: Literal[1, 2] = 1 if wanted == 1 else 2
    stmt_bytes = canonical_json(stmt.wire())
    signature = key.sign(signed_message(stmt_bytes, v))
    envelope = Envelope(v=v, stmt=stmt, key=key.public.b64, sig=b64(signature))
    envelope.__dict__["stmt_bytes"] = stmt_bytes  # seed the cache: same value, computed once
    _check_size(len(envelope.entry_bytes))
    return envelope


def _check_size(size: int) -> None:
    if size > MAX_ENTRY_SIZE:
        raise InputError(
            code="entry.too-large",
            en=f"entry is {size:,} bytes; a log entry holds at most {MAX_ENTRY_SIZE:,}",
            id=f"entri berukuran {size:,} byte; entri log paling besar {MAX_ENTRY_SIZE:,} byte",
            size=size,
            limit=MAX_ENTRY_SIZE,
        )


def parse_entry(data: bytes, *, election: str | None = None) -> Envelope:
    """Check a log entry's bytes and return its envelope.

    Refusals: InputError ``entry.too-large``, ``input.json-*``, ``entry.not-canonical``;
    SchemaError ``input.schema``; SignatureError ``statement.bad-signature``;
    ElectionMismatch ``statement.election-mismatch`` (when ``election`` is given).
    """
    if not isinstance(data, bytes):
        raise InputError(
            code="entry.not-bytes", en="an entry is bytes", id="entri harus berupa byte"
        )
    _check_size(len(data))
    envelope = _valid_and_canonical(data) or _diagnose(data)
    if not envelope._seed(data):  # defensive: the layout is fixed once canonical
        envelope.__dict__["stmt_bytes"] = canonical_json(envelope.stmt.wire())
        envelope.__dict__["entry_bytes"] = data
    if envelope.v >= 2:
        check_text(envelope)  # a rule of the format from version 2
    if not envelope.verify():
        raise SignatureError(
            code="statement.bad-signature",
            en=f"the signature is not key {envelope.key}'s signature of this statement",
            id=f"tanda tangan bukan tanda tangan kunci {envelope.key} atas pernyataan ini",
            key=envelope.key,
        )
    if election is not None and envelope.stmt.election != election:
        raise ElectionMismatch(
            code="statement.election-mismatch",
            en=(
                f"statement is for election {envelope.stmt.election!r}, "
                f"but this log is {election!r}"
            ),
            id=(
                f"pernyataan untuk pemilu {envelope.stmt.election!r}, "
                f"sedangkan log ini {election!r}"
            ),
            statement_election=envelope.stmt.election,
            log_election=election,
        )
    return envelope


def _valid_and_canonical(data: bytes) -> Envelope | None:
    """The common case in one parse: valid, and re-encoding gives back exactly ``data``.

    Equal bytes prove the entry is canonical JSON (no duplicate keys, no spacing) in
    its one form (no ``null`` for an absent field). Anything else returns None and
    :func:`_diagnose` says precisely what is wrong.
    """
    try:
        envelope = validate_envelope_json(Envelope, data)
        wire = {
            "key": envelope.key,
            "sig": envelope.sig,
            "stmt": envelope.stmt.wire(),
            "v": envelope.v,
        }
        return envelope if canonical_json(wire) == data else None
    except (ValidationError, SaksiError):
        return None


def _diagnose(data: bytes) -> Envelope:
    """The careful path: raise the specific error of an entry the fast path refused."""
    raw = parse_canonical(data, "entry")
    try:
        envelope = Envelope.model_validate_json(data)
    except ValidationError as exc:
        raise schema_error(exc, "entry") from None
    _check_one_form(envelope.stmt.wire(), raw["stmt"])
    return envelope


_SUFFIXES: Final = {v: b',"v":%d}' % v for v in FORMAT_VERSIONS}
_LOGGED: Final = {LOGGED: True}


def _check_one_form(expected: Any, actual: Any) -> None:
    """Refuse a statement whose JSON is not the one form of its model (``null``s, gaps)."""
    if expected == actual:
        return
    path, what_en, what_id = _difference(expected, actual, "stmt")
    raise InputError(
        code="entry.not-canonical",
        en=f"entry is not in its one canonical form: {path} {what_en}",
        id=f"entri tidak dalam satu-satunya bentuk kanoniknya: {path} {what_id}",
        field=path,
    )


def _difference(expected: Any, actual: Any, path: str) -> tuple[str, str, str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for name in sorted(set(expected) | set(actual)):
            sub = f"{path}.{name}"
            if name not in actual:
                return (
                    sub,
                    "must be present (lists are written even when empty)",
                    "wajib ada (daftar tetap ditulis walau kosong)",
                )
            if name not in expected:
                return (
                    sub,
                    "must be omitted when absent, not written as null",
                    "harus dihilangkan bila tidak ada, bukan ditulis null",
                )
            if expected[name] != actual[name]:
                return _difference(expected[name], actual[name], sub)
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            if e != a:
                return _difference(e, a, f"{path}.{i}")
    return path, "is not written in its canonical form", "tidak ditulis dalam bentuk kanoniknya"
