"""Statement types of format v1: what a signer says, before it is signed.

Every statement is a strict, frozen wire model with ``type``, ``election`` (the log
origin) and ``at`` (the signer's clock, RFC 3339 UTC), plus its type's fields:

=============  ===========================================================
``manifest``   entry 0: the election, its contests, region file, root keys
``key``        a key registration: public key, role, region scope, validity
``key-revoke`` a key is withdrawn from the log position of this entry on
``c-hasil``    the KPPS tally of one contest at one TPS (Model C.Hasil)
``c-salinan``  a party witness's copy of the same form (Model C.Salinan)
``correction`` a corrected form citing the entry it replaces, with a reason
``d-hasil``    a recap body's totals for its region (Model D.Hasil)
=============  ===========================================================

The byte form (docs/format.md): optional fields are *omitted* when absent (never
``null``); every other field is always present, lists included. :meth:`wire` gives
exactly that JSON value. Only structure is checked here; whether a key may make a
statement, and whether a form's pairs match the manifest's contest, is
:mod:`saksi.election.authority`'s question.

No personal data: a key's ``label`` names a device or an office ("HP KPPS 1"),
never a person; Saksi records no names of officers, witnesses or voters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, Union, get_args

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from saksi.election.canonical import MAX_SAFE_INTEGER
from saksi.election.codes import NASIONAL, Level, level_of
from saksi.election.contests import Contest
from saksi.election.forms import CHasilPPWP, PairNumber
from saksi.election.keys import KEY_PATTERN, PublicKey
from saksi.election.legislative_forms import Ballot, CHasilDPD, CHasilPartai, party_ballot
from saksi.election.wire import FieldInvalid, Sha256Hex, WireModel, loads, schema_error
from saksi.errors import ContestError, InputError, SaksiError

# ---------------------------------------------------------------------------
# field types


TIME_PATTERN: Final = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
_TIME_RE = re.compile(TIME_PATTERN)


def parse_time(text: str) -> datetime:
    """``YYYY-MM-DDTHH:MM:SSZ`` -> an aware UTC datetime; InputError ``time.malformed``."""
    try:
        if not _TIME_RE.fullmatch(text):
            raise ValueError(text)
        return datetime(
            int(text[0:4]),
            int(text[5:7]),
            int(text[8:10]),
            int(text[11:13]),
            int(text[14:16]),
            int(text[17:19]),
            tzinfo=UTC,
        )
    except (ValueError, TypeError):
        raise InputError(
            code="time.malformed",
            en=(
                f"malformed time {text!r}: expected RFC 3339 UTC to the second, "
                "e.g. 2024-02-14T13:05:00Z"
            ),
            id=(
                f"waktu {text!r} tidak sah: harus RFC 3339 "
                "UTC sampai detik, mis. 2024-02-14T13:05:00Z"
            ),
        ) from None


def format_time(moment: datetime) -> str:
    """An aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC; fractions of a second dropped)."""
    if moment.tzinfo is None:
        raise InputError(code="time.naive", en="time has no time zone", id="waktu tanpa zona waktu")
    t = moment.astimezone(UTC)
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"


def _real_time(text: str) -> str:
    try:
        parse_time(text)
    except InputError as exc:
        raise FieldInvalid(exc.message_en, exc.message_id) from None
    return text


LOGGED: Final = "logged"
"""Validation context flag: the entry is read back from a log, whose intake already
checked every new key's point (``saksi verify`` checks it again); the fold skips it."""


def _usable_key(text: str, info: ValidationInfo) -> str:
    if isinstance(info.context, dict) and info.context.get(LOGGED):
        return text
    try:
        PublicKey.from_b64(text)
    except SaksiError as exc:
        raise FieldInvalid(exc.message_en, exc.message_id, exc) from None
    return text


Timestamp = Annotated[str, Field(pattern=TIME_PATTERN), AfterValidator(_real_time)]
"""RFC 3339 UTC to the second, ``Z`` suffix: ``2024-02-14T13:05:00Z``. One spelling per
instant, so these strings order as the instants do (authorization compares them as text)."""

KeyText = Annotated[str, Field(pattern=KEY_PATTERN)]
"""A public key's text form (format only): canonical base64 of 32 bytes."""

NewKeyText = Annotated[str, Field(pattern=KEY_PATTERN), AfterValidator(_usable_key)]
"""A key being introduced (root or registration): also a valid prime-order Ed25519 point."""

ElectionId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[\x21-\x2a\x2c-\x7e]+$")]
"""The log origin: printable ASCII without spaces or ``+`` (C2SP note key name rules)."""

RegionCode = Annotated[str, Field(pattern=r"^(0|[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}|[0-9]{13})$")]
"""A KPU region code (2/4/6/10/13 digits) or ``"0"`` for the nation."""

TpsCode = Annotated[str, Field(pattern=r"^[0-9]{13}$")]
"""A TPS: desa code (10 digits) + three-digit TPS number."""

PartyNumber = Annotated[str, Field(pattern=r"^[1-9][0-9]?$")]
"""A party's ballot number in decimal without leading zeros: ``"2"``, ``"17"``."""

CandidateNumber = Annotated[str, Field(pattern=r"^[1-9][0-9]{0,2}$")]
"""A candidate's ballot number in decimal without leading zeros: ``"1"`` .. ``"999"``."""

DistrictCode = Annotated[str, Field(pattern=r"^[0-9A-Za-z.-]{1,20}$")]
"""A dapil's code in the contests file (docs/contests.md)."""

_LINE = r"^[^\x00-\x1f\x7f]+$"
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=_LINE)]
Label = Annotated[str, Field(min_length=1, max_length=100, pattern=_LINE)]
Reason = Annotated[str, Field(min_length=1, max_length=1000, pattern=_LINE)]
RulesVersion = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")]
EntryIndex = Annotated[int, Field(ge=0, le=MAX_SAFE_INTEGER)]

MAX_TOTAL: Final = 999_999_999
Total = Annotated[int, Field(strict=True, ge=0, le=MAX_TOTAL)]
"""A recap total (above a TPS, so beyond the form's three digits): 0..999,999,999."""

PhotoHashes = Annotated[tuple[Sha256Hex, ...], Field(max_length=16)]

# ---------------------------------------------------------------------------
# roles

Role = Literal[
    "kpu-ri", "kpu-prov", "kpu-kab", "ppk", "kpps", "partai", "saksi", "bawaslu", "pengawas",
    "calon-dpd", "saksi-dpd",
]  # fmt: skip
ROLES: Final[tuple[str, ...]] = get_args(Role)
RootRole = Literal["kpu-ri", "partai", "bawaslu"]
ROOT_ROLES: Final[tuple[str, ...]] = get_args(RootRole)
PARTY_ROLES: Final = frozenset({"partai", "saksi"})
"""Roles that act for one party and carry its number."""
CANDIDATE_ROLES: Final = frozenset({"calon-dpd", "saksi-dpd"})
"""Roles that act for one DPD candidate and carry its ballot number (format v2)."""

ROLE_LEVEL: Final[dict[str, Level | None]] = {
    "kpu-ri": Level.NASIONAL,
    "kpu-prov": Level.PROVINSI,
    "kpu-kab": Level.KABKOTA,
    "ppk": Level.KECAMATAN,
    "kpps": Level.TPS,
    "partai": None,
    "saksi": None,
    "bawaslu": None,
    "pengawas": None,
    "calon-dpd": Level.PROVINSI,
    "saksi-dpd": None,
}
"""The level a role's scope must have (None: any region, or the nation)."""

ROLE_NAMES: Final[dict[str, str]] = {
    "kpu-ri": "KPU RI",
    "kpu-prov": "KPU Provinsi",
    "kpu-kab": "KPU Kabupaten/Kota",
    "ppk": "PPK",
    "kpps": "KPPS",
    "partai": "partai politik",
    "saksi": "saksi partai",
    "bawaslu": "Bawaslu",
    "pengawas": "pengawas Bawaslu",
    "calon-dpd": "calon anggota DPD",
    "saksi-dpd": "saksi calon anggota DPD",
}


def _check_party(role: str, party: str | None) -> None:
    if role in PARTY_ROLES and party is None:
        raise FieldInvalid(f"party: required for role {role}", f"party: wajib untuk peran {role}")
    if role not in PARTY_ROLES and party is not None:
        raise FieldInvalid(
            f"party: only roles partai and saksi carry a party (not {role})",
            f"party: hanya peran partai dan saksi yang memuat partai (bukan {role})",
        )


def _check_candidate(role: str, candidate: str | None) -> None:
    if role in CANDIDATE_ROLES and candidate is None:
        raise FieldInvalid(
            f"candidate: required for role {role}", f"candidate: wajib untuk peran {role}"
        )
    if role not in CANDIDATE_ROLES and candidate is not None:
        raise FieldInvalid(
            f"candidate: only roles calon-dpd and saksi-dpd carry a candidate (not {role})",
            f"candidate: hanya peran calon-dpd dan saksi-dpd yang memuat calon (bukan {role})",
        )


def _check_role_scope(role: str, scope: str) -> None:
    want = ROLE_LEVEL[role]
    if want is not None and level_of(scope) is not want:
        raise FieldInvalid(
            f"scope: role {role} needs a {want.label} code, got {scope!r}",
            f"scope: peran {role} memerlukan kode {want.label}, bukan {scope!r}",
        )


# ---------------------------------------------------------------------------
# statements


class StatementBase(WireModel):
    """Fields every statement has (``type`` is narrowed to one literal by each subtype)."""

    type: str
    election: ElectionId
    at: Timestamp

    @property
    def at_time(self) -> datetime:
        """``at`` as an aware UTC datetime."""
        return parse_time(self.at)

    def wire(self) -> dict[str, Any]:
        """The statement as its one JSON value (what is canonicalised and signed)."""
        return self.model_dump(mode="json", exclude_none=True)

    def needs_version(self) -> tuple[int, str]:
        """The lowest format version that can carry this statement, and (above 1) the
        field that needs it: a v1 entry may use nothing of version 2."""
        return 1, ""

    def version_problem(self, version: int) -> FieldInvalid | None:
        """A rule of format ``version`` that this statement breaks (beyond its schema),
        or None."""
        return None


class RootKey(WireModel):
    """A key named by the manifest: the root of one branch of authority."""

    key: NewKeyText
    role: RootRole
    scope: RegionCode
    name: Name  # the institution ("KPU RI", "Partai ..."), never a person
    party: PartyNumber | None = None

    @model_validator(mode="after")
    def _consistent(self) -> RootKey:
        _check_party(self.role, self.party)
        _check_role_scope(self.role, self.scope)
        return self


class Manifest(StatementBase):
    """Entry 0: what the election is and who holds authority in it."""

    type: Literal["manifest"]
    name: Name
    contests: tuple[Contest, ...] = Field(min_length=1, max_length=10)
    regions_digest: Sha256Hex
    rules_version: RulesVersion
    root_keys: tuple[RootKey, ...] = Field(min_length=1, max_length=1000)
    polls_open: Timestamp | None = None
    polls_close: Timestamp | None = None
    contests_digest: Sha256Hex | None = None  # format v2: the contests file
    legislative_rules_version: RulesVersion | None = None  # format v2

    @model_validator(mode="after")
    def _consistent(self) -> Manifest:
        keys = [r.key for r in self.root_keys]
        if len(set(keys)) != len(keys):
            raise FieldInvalid(
                "root_keys: a key is listed twice", "root_keys: ada kunci yang tercantum dua kali"
            )
        if not any(r.role == "kpu-ri" for r in self.root_keys):
            raise FieldInvalid(
                "root_keys: at least one kpu-ri key is required",
                "root_keys: minimal satu kunci kpu-ri wajib ada",
            )
        kinds = [c.kind for c in self.contests]
        if len(set(kinds)) != len(kinds):
            raise FieldInvalid(
                "contests: a contest is listed twice",
                "contests: ada pemilihan yang tercantum dua kali",
            )
        if self.polls_open and self.polls_close and self.polls_open >= self.polls_close:
            raise FieldInvalid(
                "polls_close must be after polls_open", "polls_close harus sesudah polls_open"
            )
        recorded = self.legislative_contests
        for name, value in (
            ("contests_digest", self.contests_digest),
            ("legislative_rules_version", self.legislative_rules_version),
        ):
            if bool(recorded) != (value is not None):
                raise FieldInvalid(
                    f"{name}: required exactly when a contest is recorded on a legislative form",
                    f"{name}: wajib tepat bila ada pemilihan yang dicatat pada formulir legislatif",
                )
        return self

    def contest(self, kind: str) -> Contest | None:
        return next((c for c in self.contests if c.kind.value == kind), None)

    @property
    def legislative_contests(self) -> tuple[str, ...]:
        """The contests this log records on legislative forms (format v2)."""
        return tuple(c.kind.value for c in self.contests if c.legislative)

    def needs_version(self) -> tuple[int, str]:
        return (2, "contests_digest") if self.contests_digest is not None else (1, "")

    def version_problem(self, version: int) -> FieldInvalid | None:
        if version < 2:
            return None
        for c in self.contests:  # a v2 log records every contest it lists
            if c.kind.value != "ppwp" and not c.legislative:
                return FieldInvalid(
                    f"contests: {c.kind.value} must name its form in format v2",
                    f"contests: {c.kind.value} wajib menyebut formulirnya dalam format v2",
                )
        return None


class KeyRegistration(StatementBase):
    """A key gets a role over a region scope, for a period."""

    type: Literal["key"]
    key: NewKeyText
    role: Role
    scope: RegionCode
    party: PartyNumber | None = None
    candidate: CandidateNumber | None = None  # format v2: the DPD candidate's ballot number
    not_before: Timestamp
    not_after: Timestamp
    label: Label | None = None  # a device or office, never a person's name

    def needs_version(self) -> tuple[int, str]:
        return (2, "role") if self.role in CANDIDATE_ROLES else (1, "")

    @model_validator(mode="after")
    def _consistent(self) -> KeyRegistration:
        _check_party(self.role, self.party)
        _check_candidate(self.role, self.candidate)
        _check_role_scope(self.role, self.scope)
        if self.not_before >= self.not_after:
            raise FieldInvalid(
                "not_after must be after not_before", "not_after harus sesudah not_before"
            )
        return self


class KeyRevocation(StatementBase):
    """A key is withdrawn: no entry signed by it is accepted after this one."""

    type: Literal["key-revoke"]
    key: KeyText
    reason: Reason
    effective: Timestamp  # from when the revoker no longer trusts the key (<= at)

    @model_validator(mode="after")
    def _consistent(self) -> KeyRevocation:
        if self.effective > self.at:
            raise FieldInvalid(
                "effective must not be after at (revocation is immediate)",
                "effective tidak boleh sesudah at (pencabutan langsung berlaku)",
            )
        return self


class FormStatement(StatementBase):
    """Fields shared by statements that carry one TPS's form."""

    tps: TpsCode
    contest: Literal["ppwp"]
    form: CHasilPPWP


class CHasil(FormStatement):
    """Model C.Hasil: the KPPS's tally of one contest at its TPS."""

    type: Literal["c-hasil"]


class CSalinan(FormStatement):
    """Model C.Salinan: a party witness's copy of the TPS's form."""

    type: Literal["c-salinan"]
    party: PartyNumber


class EntryRef(WireModel):
    """A log entry, by index and leaf hash (RFC 6962, lower-case hex)."""

    index: EntryIndex
    leaf_hash: Sha256Hex


class Correction(FormStatement):
    """A corrected form replacing the cited one (which stays in the log)."""

    type: Literal["correction"]
    corrects: EntryRef
    reason: Reason
    evidence: PhotoHashes = ()


class RecapTotals(WireModel):
    """A level's recapitulated totals (sums over the TPS below it)."""

    suara_paslon: dict[PairNumber, Total] = Field(min_length=1, max_length=20)
    suara_sah: Total
    suara_tidak_sah: Total
    suara_total: Total
    pengguna_total_j: Total
    pemilih_dpt_j: Total
    jumlah_tps: Total  # TPS covered by this recap

    @property
    def pairs(self) -> tuple[str, ...]:
        return tuple(sorted(self.suara_paslon))


RecapLevel = Literal["kecamatan", "kabkota", "provinsi", "nasional"]
RECAP_LEVELS: Final[dict[str, Level]] = {
    "kecamatan": Level.KECAMATAN,
    "kabkota": Level.KABKOTA,
    "provinsi": Level.PROVINSI,
    "nasional": Level.NASIONAL,
}


class DHasil(StatementBase):
    """Model D.Hasil: a recap body's totals for its region."""

    type: Literal["d-hasil"]
    region: RegionCode
    level: RecapLevel
    contest: Literal["ppwp"]
    totals: RecapTotals
    foto: PhotoHashes = ()

    @model_validator(mode="after")
    def _consistent(self) -> DHasil:
        if level_of(self.region) is not RECAP_LEVELS[self.level]:
            raise FieldInvalid(
                f"region {self.region!r} is not a {self.level} code",
                f"wilayah {self.region!r} bukan kode {self.level}",
            )
        return self


# ---------------------------------------------------------------------------
# format v2: the legislative contests

LegislativeContestName = Literal["dpr", "dpd", "dprd-prov", "dprd-kabkota"]
PARTY_CONTESTS: Final = frozenset({"dpr", "dprd-prov", "dprd-kabkota"})
"""The contests recorded on a party form (C.Hasil-DPR, -DPRD Provinsi, -DPRD Kab/Kota)."""


def _legislative_form_tag(value: Any) -> str:
    has = value.__contains__ if isinstance(value, dict) else (lambda name: hasattr(value, name))
    return "dpd" if has("suara_calon") else "partai"


LegislativeForm = Annotated[
    Annotated[CHasilPartai, Tag("partai")] | Annotated[CHasilDPD, Tag("dpd")],
    Discriminator(_legislative_form_tag),
]
"""A party form (``partai``) or a DPD form (``suara_calon``), told apart by its votes."""


def _check_contest_form(contest: str, is_dpd: bool, what: str) -> None:
    if (contest == "dpd") != is_dpd:
        want_en = "suara_calon (a C.Hasil-DPD)" if contest == "dpd" else "partai (a party form)"
        raise FieldInvalid(
            f"{what}: contest {contest} is recorded with {want_en}",
            f"{what}: pemilihan {contest} dicatat dengan {want_en}",
        )


class LegislativeFormStatement(StatementBase):
    """Fields shared by statements that carry one TPS's legislative form (format v2)."""

    tps: TpsCode
    contest: LegislativeContestName
    district: DistrictCode
    form: LegislativeForm

    def needs_version(self) -> tuple[int, str]:
        return 2, "contest"

    @model_validator(mode="after")
    def _form_of_the_contest(self) -> LegislativeFormStatement:
        _check_contest_form(self.contest, isinstance(self.form, CHasilDPD), "form")
        return self


class CHasilLegislatif(LegislativeFormStatement):
    """Model C.Hasil-DPR, -DPD, -DPRD Provinsi, -DPRD Kab/Kota: the KPPS's tally."""

    type: Literal["c-hasil"]


class CSalinanLegislatif(LegislativeFormStatement):
    """Model C.Salinan of a legislative form: a party witness's copy (``party``) or a
    DPD candidate's witness's copy of the DPD form (``candidate``)."""

    type: Literal["c-salinan"]
    party: PartyNumber | None = None
    candidate: CandidateNumber | None = None

    @model_validator(mode="after")
    def _one_witness(self) -> CSalinanLegislatif:
        if (self.party is None) == (self.candidate is None):
            raise FieldInvalid(
                "exactly one of party (a party's witness) and candidate (a DPD candidate's "
                "witness) is required",
                "wajib tepat satu dari party (saksi partai) dan candidate (saksi calon DPD)",
            )
        if self.candidate is not None and self.contest != "dpd":
            raise FieldInvalid(
                "candidate: only a copy of the DPD form is a DPD candidate's witness's",
                "candidate: hanya salinan formulir DPD yang dibuat saksi calon DPD",
            )
        return self


class CorrectionLegislatif(LegislativeFormStatement):
    """A corrected legislative form replacing the cited one (which stays in the log)."""

    type: Literal["correction"]
    corrects: EntryRef
    reason: Reason
    evidence: PhotoHashes = ()


class PartyTotals(WireModel):
    """One party's recapitulated votes in a dapil (or the part of it in a region)."""

    suara_partai: Total  # A.1 summed
    suara_caleg: dict[CandidateNumber, Total] = Field(max_length=100)  # A.2 summed
    suara_sah_partai: Total  # B summed


class _RecapCommon(WireModel):
    suara_sah: Total
    suara_tidak_sah: Total
    suara_total: Total
    pengguna_total_j: Total
    pemilih_dpt_j: Total
    jumlah_tps: Total


class PartyRecapTotals(_RecapCommon):
    """A level's totals of a party contest in one dapil."""

    partai: dict[PartyNumber, PartyTotals] = Field(min_length=1, max_length=99)

    @property
    def ballot(self) -> Ballot:
        return party_ballot(self.partai)


class DPDRecapTotals(_RecapCommon):
    """A level's totals of the DPD contest in one province."""

    suara_calon: dict[CandidateNumber, Total] = Field(min_length=1, max_length=100)

    @property
    def ballot(self) -> Ballot:
        return Ballot(candidates=tuple(sorted(int(n) for n in self.suara_calon)))


LegislativeTotals = Annotated[
    Annotated[PartyRecapTotals, Tag("partai")] | Annotated[DPDRecapTotals, Tag("dpd")],
    Discriminator(_legislative_form_tag),
]


class DHasilLegislatif(StatementBase):
    """Model D.Hasil of a legislative contest: a recap body's totals for the part of
    one dapil that lies in its region (format v2)."""

    type: Literal["d-hasil"]
    region: RegionCode
    level: RecapLevel
    contest: LegislativeContestName
    district: DistrictCode
    totals: LegislativeTotals
    foto: PhotoHashes = ()

    def needs_version(self) -> tuple[int, str]:
        return 2, "contest"

    @model_validator(mode="after")
    def _consistent(self) -> DHasilLegislatif:
        if level_of(self.region) is not RECAP_LEVELS[self.level]:
            raise FieldInvalid(
                f"region {self.region!r} is not a {self.level} code",
                f"wilayah {self.region!r} bukan kode {self.level}",
            )
        _check_contest_form(self.contest, isinstance(self.totals, DPDRecapTotals), "totals")
        return self


AnyFormStatement = FormStatement | LegislativeFormStatement
"""A statement that carries one TPS's form, of any contest."""
AnyDHasil = DHasil | DHasilLegislatif
"""A D.Hasil of any contest."""

AnyStatement = (
    Manifest | KeyRegistration | KeyRevocation | CHasil | CSalinan | Correction | DHasil
    | CHasilLegislatif | CSalinanLegislatif | CorrectionLegislatif | DHasilLegislatif
)  # fmt: skip

_FORM_TYPES: Final = ("c-hasil", "c-salinan", "correction", "d-hasil")
_LEGISLATIVE_CONTESTS: Final = get_args(LegislativeContestName)


def _statement_tag(value: Any) -> str | None:
    """``type``, or for a form or recap of a legislative contest ``type/contest`` (they
    have their own fields; an error's path then starts ``c-hasil/dpr.``)."""
    if isinstance(value, dict):
        kind, contest = value.get("type"), value.get("contest")
    else:
        kind, contest = getattr(value, "type", None), getattr(value, "contest", None)
    if not isinstance(kind, str):
        return None
    if kind in _FORM_TYPES and contest in _LEGISLATIVE_CONTESTS:
        return f"{kind}/{contest}"
    return kind


_LEGISLATIVE_CLASSES: Final[dict[str, type[StatementBase]]] = {
    "c-hasil": CHasilLegislatif,
    "c-salinan": CSalinanLegislatif,
    "correction": CorrectionLegislatif,
    "d-hasil": DHasilLegislatif,
}
_TAGGED: Final[tuple[Any, ...]] = (
    Annotated[Manifest, Tag("manifest")],
    Annotated[KeyRegistration, Tag("key")],
    Annotated[KeyRevocation, Tag("key-revoke")],
    Annotated[CHasil, Tag("c-hasil")],
    Annotated[CSalinan, Tag("c-salinan")],
    Annotated[Correction, Tag("correction")],
    Annotated[DHasil, Tag("d-hasil")],
    *(
        Annotated[cls, Tag(f"{kind}/{contest}")]
        for kind, cls in _LEGISLATIVE_CLASSES.items()
        for contest in _LEGISLATIVE_CONTESTS
    ),
)
if TYPE_CHECKING:
    Statement = AnyStatement
else:
    Statement = Annotated[Union[_TAGGED], Discriminator(_statement_tag)]  # noqa: UP007
"""Any statement of format v1 or v2, told apart by ``type`` (and, for a form or recap,
whether its contest is ``ppwp``)."""

STATEMENT_TYPES: Final[dict[str, type[StatementBase]]] = {
    "manifest": Manifest,
    "key": KeyRegistration,
    "key-revoke": KeyRevocation,
    "c-hasil": CHasil,
    "c-salinan": CSalinan,
    "correction": Correction,
    "d-hasil": DHasil,
}
"""The statement types of format v1 (version 2 adds the legislative classes under the
same names: :data:`LEGISLATIVE_TYPES`)."""
LEGISLATIVE_TYPES: Final[dict[str, type[StatementBase]]] = dict(_LEGISLATIVE_CLASSES)

_STATEMENT_ADAPTER: TypeAdapter[AnyStatement] = TypeAdapter(Statement)


def parse_statement(data: str | bytes) -> AnyStatement:
    """An unsigned statement from JSON text (any spelling); InputError/SchemaError."""
    loads(data, "statement")  # strict decoding: duplicate keys, NaN
    try:
        return _STATEMENT_ADAPTER.validate_json(data)
    except ValidationError as exc:
        raise schema_error(exc, "statement") from None


def check_pairs(contest: Contest, pairs: Iterable[str], where: str) -> None:
    """ContestError ``contest.pairs-mismatch`` unless ``pairs`` are exactly the contest's."""
    expected = contest.pair_numbers()
    got = tuple(sorted(pairs))
    if got != tuple(sorted(expected)):
        raise ContestError(
            code="contest.pairs-mismatch",
            en=(
                f"{where}: pairs {', '.join(got)} do not match contest {contest.kind.value} "
                f"(expected exactly {', '.join(expected)})"
            ),
            id=(
                f"{where}: pasangan {', '.join(got)} tidak sesuai pemilihan {contest.kind.value} "
                f"(harus tepat {', '.join(expected)})"
            ),
            expected=list(expected),
            got=list(got),
        )


def statement_region(stmt: StatementBase) -> str:
    """The region a statement is about (TPS, recap region, key scope; nation otherwise)."""
    for attr in ("tps", "region", "scope"):
        value = getattr(stmt, attr, None)
        if isinstance(value, str):
            return value
    return NASIONAL


def cited_photos(stmt: object) -> tuple[str, ...]:
    """The SHA-256 hex of every photo a statement cites (its form's ``foto``, its own
    ``foto``, a correction's ``evidence``), each once, in order."""
    found: list[str] = []
    form = getattr(stmt, "form", None)
    for source in (
        getattr(form, "foto", ()),
        getattr(stmt, "foto", ()),
        getattr(stmt, "evidence", ()),
    ):
        found.extend(source)
    return tuple(dict.fromkeys(found))


__all__ = [
    "PARTY_ROLES",
    "RECAP_LEVELS",
    "ROLES",
    "ROLE_LEVEL",
    "ROLE_NAMES",
    "ROOT_ROLES",
    "STATEMENT_TYPES",
    "TIME_PATTERN",
    "AnyStatement",
    "CHasil",
    "CSalinan",
    "Correction",
    "DHasil",
    "EntryRef",
    "FieldInvalid",
    "FormStatement",
    "KeyRegistration",
    "KeyRevocation",
    "Manifest",
    "RecapTotals",
    "Role",
    "RootKey",
    "Statement",
    "StatementBase",
    "check_pairs",
    "cited_photos",
    "format_time",
    "parse_statement",
    "parse_time",
]
