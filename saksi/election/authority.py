"""Who may say what: the authorization rule of format v1, as pure code.

An :class:`Authority` is the state built from the log so far: the manifest's root
keys, every registered key (role, scope, party, validity, who registered it, at
which entry), revocations, and which forms each TPS already has. For each new
entry, :meth:`Authority.authorize` answers with a :class:`Grant` or raises; once the
entry is logged, :meth:`Authority.apply` records its effects. Replaying a log is
``accept`` (authorize then apply) for every entry after the manifest.

Delegation (docs/format.md, "Roles"): a key may register only the roles listed for
its own role in :data:`MAY_REGISTER`, over a scope within its own, for a validity
within its own, and for partai only saksi of its own party::

    kpu-ri  -> kpu-prov, kpu-kab, ppk, kpps     partai  -> saksi (same party)
    kpu-prov -> kpu-kab, ppk, kpps              bawaslu -> pengawas
    kpu-kab -> ppk, kpps

Every check is a dictionary lookup or a string comparison (RFC 3339 ``Z`` times of
fixed shape order as text), so thousands of statements a second are authorized.
The object is not thread-safe: the sequencer authorizes and applies one entry at a
time, in log order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from saksi.election import authority_state
from saksi.election.codes import NASIONAL, is_within
from saksi.election.contests import Contest, ContestKind
from saksi.election.envelope import Envelope
from saksi.election.legislative import Contests, District, votes_in
from saksi.election.legislative_forms import check_ballot
from saksi.election.records import FormRecord, KeyRecord, Revocation
from saksi.election.statements import (
    CANDIDATE_ROLES,
    CHasil,
    CHasilLegislatif,
    Correction,
    CorrectionLegislatif,
    CSalinan,
    CSalinanLegislatif,
    DHasil,
    DHasilLegislatif,
    FormStatement,
    KeyRegistration,
    KeyRevocation,
    LegislativeFormStatement,
    Manifest,
    StatementBase,
    check_pairs,
)
from saksi.errors import (
    AuthorizationError,
    ContestError,
    ElectionMismatch,
    RegionError,
    StatementError,
)

MAY_REGISTER: Final[dict[str, frozenset[str]]] = {
    "kpu-ri": frozenset({"kpu-prov", "kpu-kab", "ppk", "kpps", "calon-dpd"}),
    "kpu-prov": frozenset({"kpu-kab", "ppk", "kpps", "calon-dpd"}),
    "kpu-kab": frozenset({"ppk", "kpps"}),
    "ppk": frozenset(),
    "kpps": frozenset(),
    "partai": frozenset({"saksi"}),
    "saksi": frozenset(),
    "bawaslu": frozenset({"pengawas"}),
    "pengawas": frozenset(),
    "calon-dpd": frozenset({"saksi-dpd"}),
    "saksi-dpd": frozenset(),
}
"""Which roles a key of each role may register (and revoke); ``calon-dpd`` and
``saksi-dpd`` are format v2's."""

CORRECTION_ROLES: Final = frozenset({"kpu-kab", "kpu-prov", "kpu-ri"})
"""Roles that may correct a TPS form (whose scope contains the TPS)."""

RECAP_ROLE: Final[dict[str, str]] = {
    "kecamatan": "ppk",
    "kabkota": "kpu-kab",
    "provinsi": "kpu-prov",
    "nasional": "kpu-ri",
}
"""The role that signs the D.Hasil of each recap level (for exactly its own region)."""

PHOTO_ROLES: Final = frozenset(
    {"kpps", "saksi", "saksi-dpd", *CORRECTION_ROLES, *RECAP_ROLE.values()}
)
"""Roles that sign a statement citing photos (c-hasil, c-salinan, correction, d-hasil):
the keys that may upload a photo (docs/format.md, "Photo uploads")."""


@dataclass(frozen=True, slots=True)
class Grant:
    """Why an entry is allowed: its signer and, for corrections, what it replaces."""

    type: str
    signer: KeyRecord
    index: int | None
    replaces: FormRecord | None = None


def _refuse(en: str, id_: str, *, code: str, **details: object) -> AuthorizationError:
    return AuthorizationError(code=code, en=en, id=id_, **details)


class Authority:
    """Authorization state of one election's log."""

    def __init__(
        self,
        manifest: Manifest,
        *,
        region_exists: Callable[[str], bool],
        contests: Contests | None = None,
        version: int = 1,
    ) -> None:
        self.manifest = manifest
        self.election = manifest.election
        self.version = version  # the manifest entry's format version: the log's
        self.contests_file = _contests_of(manifest, contests)
        self._region_exists = region_exists
        self._contests: dict[str, Contest] = {c.kind.value: c for c in manifest.contests}
        self._contest_names = {kind: kind for kind in self._contests}
        self._keys: dict[str, KeyRecord] = {
            r.key: KeyRecord(r.key, r.role, r.scope, r.party, None, None, r.name, None, 0)
            for r in manifest.root_keys
        }
        self._children: dict[str, list[str]] = {}
        self._revoked: dict[str, Revocation] = {}
        self._forms: dict[int, FormRecord] = {}  # c-hasil and corrections, by index
        self._first: dict[tuple[str, str], FormRecord] = {}  # (tps, contest) -> c-hasil
        self._heads: dict[tuple[str, str], FormRecord] = {}  # (tps, contest) -> latest
        self._copies: dict[tuple[str, str, str], FormRecord] = {}  # (tps, contest, key)
        self._recaps: dict[tuple[str, str], FormRecord] = {}  # (region, contest)
        self._shared: dict[str, str] = {}  # roles, parties, times, types: each kept once
        self._candidates: dict[str, str] = {}  # calon-dpd and saksi-dpd key -> candidate
        self._size = 1

    def __getstate__(self) -> dict[str, object]:
        """Packed (:mod:`saksi.election.authority_state`): a national state pickles in
        a few columns instead of millions of objects, each held by the pickler's memo."""
        return authority_state.pack(self.__dict__)

    def __setstate__(self, state: dict[str, object]) -> None:
        """Only the packed state of :func:`authority_state.pack` (``ValueError`` for
        anything else: a state of another layout is not half-read)."""
        self.__dict__.update(authority_state.unpack(state))

    @classmethod
    def from_manifest(
        cls,
        envelope: Envelope,
        *,
        region_exists: Callable[[str], bool],
        contests: Contests | None = None,
    ) -> Authority:
        """The state after entry 0, which must be a manifest signed by one of its kpu-ri
        keys; ``contests``: the contests file its ``contests_digest`` names, if any."""
        stmt = envelope.stmt
        if not isinstance(stmt, Manifest):
            raise _refuse(
                f"entry 0 must be a manifest, not {stmt.type}",
                f"entri 0 harus manifest, bukan {stmt.type}",
                code="auth.not-manifest",
                type=stmt.type,
            )
        signers = {r.key for r in stmt.root_keys if r.role == "kpu-ri"}
        if envelope.key not in signers:
            raise _refuse(
                f"the manifest must be signed by one of its own kpu-ri root keys, "
                f"not {envelope.key}",
                f"manifest harus ditandatangani salah satu kunci akar kpu-ri miliknya "
                f"sendiri, bukan {envelope.key}",
                code="auth.manifest-signer",
                key=envelope.key,
            )
        return cls(stmt, region_exists=region_exists, contests=contests, version=envelope.v)

    # -- queries -----------------------------------------------------------

    @property
    def size(self) -> int:
        """Entries applied so far, the manifest included (the next index expected)."""
        return self._size

    def record(self, key: str) -> KeyRecord | None:
        return self._keys.get(key)

    def revocation(self, key: str) -> Revocation | None:
        return self._revoked.get(key)

    def candidate(self, key: str) -> str | None:
        """The DPD candidate (ballot number) a ``calon-dpd`` or ``saksi-dpd`` key acts
        for (format v2); None for any other key."""
        return self._candidates.get(key)

    def registered_by(self, key: str) -> tuple[str, ...]:
        """The keys that ``key`` registered, in log order."""
        return tuple(self._children.get(key, ()))

    def chain(self, key: str) -> tuple[KeyRecord, ...]:
        """``key``'s record, then its registrar's, ... up to a manifest root key."""
        out: list[KeyRecord] = []
        current: str | None = key
        while current is not None:
            rec = self._keys.get(current)
            if rec is None:
                raise self._unknown_key(current)
            out.append(rec)
            current = rec.registered_by
        return tuple(out)

    def current_form(self, tps: str, contest: str) -> FormRecord | None:
        """The form in force for a TPS and contest: the c-hasil or its latest correction."""
        return self._heads.get((tps, contest))

    def original_form(self, tps: str, contest: str) -> FormRecord | None:
        return self._first.get((tps, contest))

    def contest(self, kind: str) -> Contest:
        found = self._contests.get(kind)
        if found is None:
            known = ", ".join(self._contests)
            raise ContestError(
                code="contest.not-in-election",
                en=f"contest {kind!r} is not part of this election (manifest has: {known})",
                id=f"pemilihan {kind!r} tidak termasuk pemilu ini (manifest memuat: {known})",
                contest=kind,
            )
        return found

    # -- authorization -----------------------------------------------------

    def authorize(
        self, envelope: Envelope, index: int | None = None, *, ballot_checked: bool = False
    ) -> Grant:
        """Whether this (signature-checked) entry may be appended; raises if not.

        ``ballot_checked``: a legislative c-hasil or correction whose ballot
        :func:`check_legislative_ballot` already passed (a replay's reading worker
        checks it with the same contests file): that check is not made again, every
        other one is (a statement without its form, as such a worker sends back, needs
        nothing more)."""
        stmt = envelope.stmt
        if stmt.election != self.election:
            raise ElectionMismatch(
                code="statement.election-mismatch",
                en=(
                    f"statement is for election {stmt.election!r}, "
                    f"but this log is {self.election!r}"
                ),
                id=(
                    f"pernyataan untuk pemilu {stmt.election!r}, "
                    f"sedangkan log ini {self.election!r}"
                ),
                statement_election=stmt.election,
                log_election=self.election,
            )
        if envelope.v > self.version:
            raise StatementError(
                code="statement.version-mismatch",
                en=(
                    f"this log is format v{self.version} (its manifest's); an entry of "
                    f"format v{envelope.v} cannot be added to it"
                ),
                id=(
                    f"log ini berformat v{self.version} (format manifestnya); entri format "
                    f"v{envelope.v} tidak dapat ditambahkan"
                ),
                log_version=self.version,
                entry_version=envelope.v,
            )
        if isinstance(stmt, Manifest):
            raise _refuse(
                "the log already has its manifest (entry 0); there is only one",
                "log sudah memiliki manifest (entri 0); hanya boleh satu",
                code="auth.manifest-exists",
            )
        signer = self._signer(envelope.key, stmt)
        if isinstance(stmt, KeyRegistration):
            return self._authorize_key(stmt, signer, index)
        if isinstance(stmt, KeyRevocation):
            return self._authorize_revoke(stmt, signer, index)
        if isinstance(stmt, LegislativeFormStatement | DHasilLegislatif):
            return self._authorize_legislative(stmt, signer, envelope, index, ballot_checked)
        return self._authorize_ppwp(stmt, signer, envelope, index)

    def _authorize_ppwp(
        self, stmt: StatementBase, signer: KeyRecord, envelope: Envelope, index: int | None
    ) -> Grant:
        if isinstance(stmt, CHasil):
            return self._authorize_c_hasil(stmt, signer, envelope, index)
        if isinstance(stmt, CSalinan):
            return self._authorize_c_salinan(stmt, signer, envelope, index)
        if isinstance(stmt, Correction):
            return self._authorize_correction(stmt, signer, index)
        assert isinstance(stmt, DHasil)
        return self._authorize_d_hasil(stmt, signer, envelope, index)

    def apply(self, envelope: Envelope, index: int) -> None:
        """Record the effects of an authorized entry now logged at ``index``."""
        if index < self._size:
            raise StatementError(
                code="auth.index-order",
                en=f"entry {index} applied out of order (next expected: {self._size})",
                id=f"entri {index} diterapkan tidak berurutan (berikutnya: {self._size})",
            )
        self._size = index + 1
        stmt = envelope.stmt
        if isinstance(stmt, KeyRegistration):
            # equal strings kept once: a national log registers 800,000 keys, which
            # share a handful of roles and validity periods and a few thousand registrars
            share = self._shared.setdefault
            signer = self._keys.get(envelope.key)
            by = signer.key if signer is not None else envelope.key
            self._keys[stmt.key] = KeyRecord(
                stmt.key, share(stmt.role, stmt.role), stmt.scope,
                None if stmt.party is None else share(stmt.party, stmt.party),
                share(stmt.not_before, stmt.not_before), share(stmt.not_after, stmt.not_after),
                stmt.label, by, index,
            )  # fmt: skip
            self._children.setdefault(by, []).append(stmt.key)
            if stmt.candidate is not None:
                self._candidates[stmt.key] = stmt.candidate
        elif isinstance(stmt, KeyRevocation):
            self._revoked[stmt.key] = Revocation(
                stmt.key, envelope.key, index, stmt.effective, stmt.reason
            )
        elif isinstance(stmt, FormStatement | DHasil | LegislativeFormStatement | DHasilLegislatif):
            self._record_form(stmt, envelope, index)

    def accept(
        self, envelope: Envelope, index: int | None = None, *, ballot_checked: bool = False
    ) -> Grant:
        """Authorize, then apply at ``index`` (default: the next index)."""
        at = self._size if index is None else index
        grant = self.authorize(envelope, at, ballot_checked=ballot_checked)
        self.apply(envelope, at)
        return grant

    def _record_form(
        self,
        stmt: FormStatement | DHasil | LegislativeFormStatement | DHasilLegislatif,
        envelope: Envelope,
        index: int,
    ) -> None:
        region = stmt.region if isinstance(stmt, DHasil | DHasilLegislatif) else stmt.tps
        signer = self._keys.get(envelope.key)
        # share the strings the state already holds: millions of forms on election night
        key = signer.key if signer else envelope.key
        if signer is not None and signer.scope == region:
            region = signer.scope  # a KPPS key's scope is its TPS
        contest = self._contest_names.get(stmt.contest, stmt.contest)
        kind = self._shared.setdefault(stmt.type, stmt.type)
        rec = FormRecord(index, envelope.leaf_hash, kind, region, contest, key)
        slot = (region, contest)
        if isinstance(stmt, CHasil | CHasilLegislatif):
            self._forms[index] = rec
            self._first[slot] = rec
            self._heads[slot] = rec
        elif isinstance(stmt, Correction | CorrectionLegislatif):
            self._forms[index] = rec
            self._heads[slot] = rec
        elif isinstance(stmt, CSalinan | CSalinanLegislatif):
            self._copies[(region, stmt.contest, envelope.key)] = rec
        elif isinstance(stmt, DHasil | DHasilLegislatif):
            self._recaps[_recap_slot(stmt)] = rec

    # -- the signer --------------------------------------------------------

    def _unknown_key(self, key: str) -> AuthorizationError:
        return _refuse(
            f"key {key} is not registered in this election's log",
            f"kunci {key} tidak terdaftar dalam log pemilu ini",
            code="auth.unknown-key",
            key=key,
        )

    def active_key(self, key: str) -> KeyRecord:
        """The key as logged, if it is known and not revoked (``auth.unknown-key``,
        ``auth.revoked``); its validity is checked against a statement's ``at``."""
        rec = self._keys.get(key)
        if rec is None:
            raise self._unknown_key(key)
        revoked = self._revoked.get(key)
        if revoked is not None:
            en, id_ = rec.describe()
            raise _refuse(
                f"{en} was revoked by entry {revoked.index} ({revoked.reason})",
                f"{id_} telah dicabut oleh entri {revoked.index} ({revoked.reason})",
                code="auth.revoked",
                key=key,
                revoked_at=revoked.index,
            )
        return rec

    def photo_uploader(self, key: str) -> KeyRecord:
        """The key, if it may upload photos: known, not revoked, and of a role that
        signs statements citing photos (:data:`PHOTO_ROLES`; ``auth.wrong-role``)."""
        rec = self.active_key(key)
        self._require_role(rec, PHOTO_ROLES, "photo upload", "unggahan foto")
        return rec

    def _signer(self, key: str, stmt: StatementBase) -> KeyRecord:
        rec = self.active_key(key)
        if rec.not_before is not None and stmt.at < rec.not_before:
            en, id_ = rec.describe()
            raise _refuse(
                f"{en} is valid from {rec.not_before}; the statement is dated {stmt.at}",
                f"{id_} berlaku mulai {rec.not_before}; pernyataan bertanggal {stmt.at}",
                code="auth.not-yet-valid",
                key=key,
                at=stmt.at,
                not_before=rec.not_before,
            )
        if rec.not_after is not None and stmt.at > rec.not_after:
            en, id_ = rec.describe()
            raise _refuse(
                f"{en} expired at {rec.not_after}; the statement is dated {stmt.at}",
                f"{id_} kedaluwarsa pada {rec.not_after}; pernyataan bertanggal {stmt.at}",
                code="auth.expired",
                key=key,
                at=stmt.at,
                not_after=rec.not_after,
            )
        return rec

    def _require_role(
        self, signer: KeyRecord, roles: frozenset[str], what: str, what_id: str | None = None
    ) -> None:
        if signer.role not in roles:
            en, id_ = signer.describe()
            allowed = ", ".join(sorted(roles))
            raise _refuse(
                f"{en} may not sign a {what}: only {allowed} may",
                f"{id_} tidak berwenang menandatangani {what_id or what}: hanya {allowed}",
                code="auth.wrong-role",
                key=signer.key,
                role=signer.role,
                allowed=sorted(roles),
            )

    def _require_scope(self, signer: KeyRecord, region: str, *, exact: bool = False) -> None:
        ok = signer.scope == region if exact else is_within(region, signer.scope)
        if not ok:
            en, id_ = signer.describe()
            raise _refuse(
                f"{en} has no authority over region {region}",
                f"{id_} tidak berwenang atas wilayah {region}",
                code="auth.out-of-scope",
                key=signer.key,
                scope=signer.scope,
                region=region,
            )

    def _require_region(self, code: str) -> None:
        if code != NASIONAL and not self._region_exists(code):
            raise RegionError(
                code="region.unknown",
                en=f"region {code} does not exist in this election's region file",
                id=f"wilayah {code} tidak ada dalam berkas wilayah pemilu ini",
                region=code,
            )

    def _require_party(self, signer: KeyRecord, party: str | None) -> None:
        if signer.party is not None and party != signer.party:
            en, id_ = signer.describe()
            raise _refuse(
                f"{en} acts for party {signer.party}, not party {party}",
                f"{id_} bertindak untuk partai {signer.party}, bukan partai {party}",
                code="auth.party-mismatch",
                key=signer.key,
                party=party,
                signer_party=signer.party,
            )

    # -- per statement type ------------------------------------------------

    def _authorize_key(self, stmt: KeyRegistration, signer: KeyRecord, index: int | None) -> Grant:
        existing = self._keys.get(stmt.key)
        if existing is not None:
            raise _refuse(
                f"key {stmt.key} is already in the log (entry {existing.index}, "
                f"role {existing.role}); a key is registered once",
                f"kunci {stmt.key} sudah ada dalam log (entri {existing.index}, "
                f"peran {existing.role}); kunci hanya didaftarkan sekali",
                code="auth.key-exists",
                key=stmt.key,
                index=existing.index,
            )
        if stmt.role not in MAY_REGISTER[signer.role]:
            en, id_ = signer.describe()
            may = ", ".join(sorted(MAY_REGISTER[signer.role])) or "-"
            raise _refuse(
                f"{en} may not register a {stmt.role} key (it may register: {may})",
                f"{id_} tidak boleh mendaftarkan kunci {stmt.role} (yang boleh: {may})",
                code="auth.cannot-delegate",
                key=signer.key,
                role=stmt.role,
            )
        self._require_scope(signer, stmt.scope)
        self._require_region(stmt.scope)
        self._require_party(signer, stmt.party)
        if stmt.role in CANDIDATE_ROLES:
            self._check_dpd_candidate(signer, stmt)
        if (signer.not_before is not None and stmt.not_before < signer.not_before) or (
            signer.not_after is not None and stmt.not_after > signer.not_after
        ):
            en, id_ = signer.describe()
            raise _refuse(
                f"{en} is valid {signer.not_before}..{signer.not_after}; it cannot "
                f"grant {stmt.not_before}..{stmt.not_after}",
                f"{id_} berlaku {signer.not_before}..{signer.not_after}; tidak dapat "
                f"memberi masa {stmt.not_before}..{stmt.not_after}",
                code="auth.validity-exceeds",
                key=signer.key,
            )
        return Grant(stmt.type, signer, index)

    def _authorize_revoke(self, stmt: KeyRevocation, signer: KeyRecord, index: int | None) -> Grant:
        target = self._keys.get(stmt.key)
        if target is None:
            raise self._unknown_key(stmt.key)
        t_en, t_id = target.describe()
        if target.is_root:
            raise _refuse(
                f"{t_en} is a manifest root key; format v1 cannot revoke it",
                f"{t_id} adalah kunci akar manifest; format v1 tidak dapat mencabutnya",
                code="auth.root-key",
                key=stmt.key,
            )
        previous = self._revoked.get(stmt.key)
        if previous is not None:
            raise _refuse(
                f"{t_en} was already revoked by entry {previous.index}",
                f"{t_id} sudah dicabut oleh entri {previous.index}",
                code="auth.already-revoked",
                key=stmt.key,
                revoked_at=previous.index,
            )
        own_candidate = self._candidates.get(signer.key)
        could_register = (
            target.role in MAY_REGISTER[signer.role]
            and is_within(target.scope, signer.scope)
            and (signer.party is None or signer.party == target.party)
            and (own_candidate is None or own_candidate == self._candidates.get(target.key))
        )
        if stmt.key != signer.key and not could_register:
            en, id_ = signer.describe()
            raise _refuse(
                f"{en} could not have registered {t_en}, so it may not revoke it",
                f"{id_} tidak dapat mendaftarkan {t_id}, jadi tidak boleh mencabutnya",
                code="auth.cannot-revoke",
                key=signer.key,
                target=stmt.key,
            )
        return Grant(stmt.type, signer, index)

    def _check_form(self, stmt: FormStatement) -> None:
        self._require_region(stmt.tps)
        check_pairs(
            self.contest(stmt.contest), stmt.form.suara_paslon, f"{stmt.type} TPS {stmt.tps}"
        )

    def _authorize_c_hasil(
        self, stmt: CHasil, signer: KeyRecord, envelope: Envelope, index: int | None
    ) -> Grant:
        self._require_role(signer, frozenset({"kpps"}), "C.Hasil")
        self._require_scope(signer, stmt.tps, exact=True)
        self._check_form(stmt)
        return self._first_form(stmt, signer, envelope, index)

    def _first_form(
        self,
        stmt: CHasil | CHasilLegislatif,
        signer: KeyRecord,
        envelope: Envelope,
        index: int | None,
    ) -> Grant:
        first = self._first.get((stmt.tps, stmt.contest))
        if first is not None:
            raise self._duplicate(
                first,
                envelope,
                f"TPS {stmt.tps} {stmt.contest}",
                "a correction by KPU Kab/Kota replaces a form",
                "perbaikan oleh KPU Kab/Kota menggantikan formulir",
            )
        return Grant(stmt.type, signer, index)

    def _authorize_c_salinan(
        self, stmt: CSalinan, signer: KeyRecord, envelope: Envelope, index: int | None
    ) -> Grant:
        self._require_role(signer, frozenset({"saksi"}), "C.Salinan")
        self._require_scope(signer, stmt.tps)
        self._require_party(signer, stmt.party)
        self._check_form(stmt)
        return self._one_copy(stmt, signer, envelope, index)

    def _one_copy(
        self,
        stmt: CSalinan | CSalinanLegislatif,
        signer: KeyRecord,
        envelope: Envelope,
        index: int | None,
    ) -> Grant:
        tps, contest = stmt.tps, stmt.contest
        earlier = self._copies.get((tps, contest, signer.key))
        if earlier is not None:
            raise self._duplicate(
                earlier,
                envelope,
                f"TPS {tps} {contest}",
                "each witness key sends one copy per TPS and contest",
                "setiap kunci saksi mengirim satu salinan per TPS dan pemilihan",
            )
        return Grant(stmt.type, signer, index)

    def _authorize_correction(
        self, stmt: Correction, signer: KeyRecord, index: int | None
    ) -> Grant:
        self._require_role(signer, CORRECTION_ROLES, "correction")
        self._require_scope(signer, stmt.tps)
        self._check_form(stmt)
        return self._correction_target(stmt, signer, index)

    def _correction_target(
        self, stmt: Correction | CorrectionLegislatif, signer: KeyRecord, index: int | None
    ) -> Grant:
        target = self._forms.get(stmt.corrects.index)
        cited = stmt.corrects.index
        if target is None or (target.region, target.contest) != (stmt.tps, stmt.contest):
            raise _refuse(
                f"entry {cited} is not a c-hasil or correction of TPS {stmt.tps} {stmt.contest}",
                f"entri {cited} bukan c-hasil atau perbaikan untuk TPS {stmt.tps} {stmt.contest}",
                code="auth.correction-target",
                index=cited,
                tps=stmt.tps,
            )
        if target.leaf_hash.hex() != stmt.corrects.leaf_hash:
            raise _refuse(
                f"entry {cited} has leaf hash {target.leaf_hash.hex()}, not the cited "
                f"{stmt.corrects.leaf_hash}",
                f"entri {cited} memiliki leaf hash {target.leaf_hash.hex()}, bukan "
                f"{stmt.corrects.leaf_hash} yang dirujuk",
                code="auth.correction-target",
                index=cited,
            )
        head = self._heads[(stmt.tps, stmt.contest)]
        if head.index != target.index:
            raise _refuse(
                f"entry {cited} was already replaced by entry {head.index}; "
                f"a correction cites the form in force",
                f"entri {cited} sudah digantikan oleh entri {head.index}; "
                f"perbaikan merujuk formulir yang berlaku",
                code="auth.correction-stale",
                index=cited,
                head=head.index,
            )
        return Grant(stmt.type, signer, index, replaces=target)

    def _authorize_d_hasil(
        self, stmt: DHasil, signer: KeyRecord, envelope: Envelope, index: int | None
    ) -> Grant:
        self._require_role(signer, frozenset({RECAP_ROLE[stmt.level]}), f"D.Hasil {stmt.level}")
        self._require_scope(signer, stmt.region, exact=True)
        self._require_region(stmt.region)
        check_pairs(self.contest(stmt.contest), stmt.totals.suara_paslon, f"d-hasil {stmt.region}")
        earlier = self._recaps.get(_recap_slot(stmt))
        if earlier is not None:
            raise self._duplicate(
                earlier,
                envelope,
                f"region {stmt.region} {stmt.contest}",
                "format v1 has one D.Hasil per region and contest",
                "format v1 memuat satu D.Hasil per wilayah dan pemilihan",
            )
        return Grant(stmt.type, signer, index)

    # -- format v2: the legislative contests -------------------------------

    def _contests_file(self, kind: str) -> tuple[Contests, ContestKind]:
        contest = self.contest(kind)
        if not contest.legislative or self.contests_file is None:
            raise ContestError(
                code="contest.no-form",
                en=f"contest {kind} is not recorded on a legislative form in this election",
                id=f"pemilihan {kind} tidak dicatat pada formulir legislatif dalam pemilu ini",
                contest=kind,
            )
        return self.contests_file, contest.kind

    def _require_candidate(self, signer: KeyRecord, candidate: str | None) -> None:
        own = self._candidates.get(signer.key)
        if own != candidate:
            en, id_ = signer.describe()
            raise _refuse(
                f"{en} acts for DPD candidate {own}, not candidate {candidate}",
                f"{id_} bertindak untuk calon DPD {own}, bukan calon {candidate}",
                code="auth.candidate-mismatch",
                key=signer.key,
                candidate=candidate,
                signer_candidate=own,
            )

    def _check_dpd_candidate(self, signer: KeyRecord, stmt: KeyRegistration) -> None:
        """A calon-dpd key is a DPD candidate of its province; a saksi-dpd key is
        registered by its own candidate's key."""
        contests, kind = self._contests_file("dpd")
        province = stmt.scope[:2] if stmt.scope != "0" else ""
        if stmt.role == "saksi-dpd":
            self._require_candidate(signer, stmt.candidate)
        district = _province_district(contests, kind, province)
        numbers = {str(c.number) for c in district.candidates} if district else set()
        if stmt.candidate not in numbers:
            raise ContestError(
                code="contest.unknown-candidate",
                en=f"there is no DPD candidate {stmt.candidate} in province {province or '-'}",
                id=f"tidak ada calon DPD nomor {stmt.candidate} di provinsi {province or '-'}",
                candidate=stmt.candidate,
                province=province,
            )

    def _district(self, kind: ContestKind, contests: Contests, code: str) -> District:
        for district in contests.contest(kind).districts:
            if district.code == code:
                return district
        raise ContestError(
            code="contest.unknown-district",
            en=f"contest {kind.value} has no dapil {code!r}",
            id=f"pemilihan {kind.value} tidak memiliki dapil {code!r}",
            contest=kind.value,
            district=code,
        )

    def _check_legislative_form(
        self, stmt: LegislativeFormStatement, ballot_checked: bool = False
    ) -> None:
        self._require_region(stmt.tps)
        contests, kind = self._contests_file(stmt.contest)
        if not ballot_checked:
            check_legislative_ballot(contests, kind, stmt)

    def _authorize_legislative(
        self,
        stmt: LegislativeFormStatement | DHasilLegislatif,
        signer: KeyRecord,
        envelope: Envelope,
        index: int | None,
        ballot_checked: bool = False,
    ) -> Grant:
        if isinstance(stmt, DHasilLegislatif):
            return self._authorize_d_hasil_legislatif(stmt, signer, envelope, index)
        if isinstance(stmt, CHasilLegislatif):
            self._require_role(signer, frozenset({"kpps"}), "C.Hasil")
            self._require_scope(signer, stmt.tps, exact=True)
            self._check_legislative_form(stmt, ballot_checked)
            return self._first_form(stmt, signer, envelope, index)
        if isinstance(stmt, CSalinanLegislatif):
            return self._authorize_c_salinan_legislatif(stmt, signer, envelope, index)
        assert isinstance(stmt, CorrectionLegislatif)
        self._require_role(signer, CORRECTION_ROLES, "correction")
        self._require_scope(signer, stmt.tps)
        self._check_legislative_form(stmt, ballot_checked)
        return self._correction_target(stmt, signer, index)

    def _authorize_c_salinan_legislatif(
        self, stmt: CSalinanLegislatif, signer: KeyRecord, envelope: Envelope, index: int | None
    ) -> Grant:
        if stmt.candidate is not None:
            self._require_role(signer, frozenset({"saksi-dpd"}), "C.Salinan DPD")
            self._require_candidate(signer, stmt.candidate)
        else:
            self._require_role(signer, frozenset({"saksi"}), "C.Salinan")
            self._require_party(signer, stmt.party)
        self._require_scope(signer, stmt.tps)
        self._check_legislative_form(stmt)
        return self._one_copy(stmt, signer, envelope, index)

    def _authorize_d_hasil_legislatif(
        self, stmt: DHasilLegislatif, signer: KeyRecord, envelope: Envelope, index: int | None
    ) -> Grant:
        self._require_role(signer, frozenset({RECAP_ROLE[stmt.level]}), f"D.Hasil {stmt.level}")
        self._require_scope(signer, stmt.region, exact=True)
        self._require_region(stmt.region)
        contests, kind = self._contests_file(stmt.contest)
        district = self._district(kind, contests, stmt.district)
        if not any(
            is_within(unit, stmt.region) or is_within(stmt.region, unit) for unit in district.units
        ):
            raise ContestError(
                code="contest.district-outside-region",
                en=f"dapil {district.code} of {stmt.contest} has no TPS in region {stmt.region}",
                id=(
                    f"dapil {district.code} pemilihan {stmt.contest} tidak memiliki TPS di "
                    f"wilayah {stmt.region}"
                ),
                contest=stmt.contest,
                district=district.code,
                region=stmt.region,
            )
        check_ballot(stmt.totals, district, kind)
        earlier = self._recaps.get(_recap_slot(stmt))
        if earlier is not None:
            raise self._duplicate(
                earlier,
                envelope,
                f"region {stmt.region} {stmt.contest} dapil {stmt.district}",
                "format v2 has one D.Hasil per region, contest and dapil",
                "format v2 memuat satu D.Hasil per wilayah, pemilihan dan dapil",
            )
        return Grant(stmt.type, signer, index)

    @staticmethod
    def _duplicate(
        first: FormRecord, envelope: Envelope, what: str, hint_en: str, hint_id: str
    ) -> AuthorizationError:
        if first.leaf_hash == envelope.leaf_hash:
            return _refuse(
                f"this exact entry is already in the log at index {first.index}",
                f"entri yang persis sama sudah ada dalam log pada indeks {first.index}",
                code="auth.duplicate-entry",
                index=first.index,
                leaf_hash=first.leaf_hash.hex(),
            )
        return _refuse(
            f"{what} already has a {first.type} (entry {first.index}, key {first.key}); {hint_en}",
            f"{what} sudah memiliki {first.type} (entri {first.index}, kunci "
            f"{first.key}); {hint_id}",
            code="auth.duplicate-form",
            index=first.index,
            key=first.key,
        )


def check_legislative_ballot(
    contests: Contests, kind: ContestKind, stmt: LegislativeFormStatement
) -> None:
    """The checks of a legislative form that need only the contests file: the TPS
    votes in ``kind``, in the statement's dapil (:func:`legislative_district`), and the
    form carries exactly that dapil's ballot (ContestError ``contest.parties-mismatch``,
    ``contest.candidates-mismatch``)."""
    check_ballot(stmt.form, legislative_district(contests, kind, stmt), kind)


def legislative_district(
    contests: Contests, kind: ContestKind, stmt: LegislativeFormStatement
) -> District:
    """The dapil of a legislative statement's TPS, which must be the one it names
    (ContestError ``contest.not-on-ballot``, ``contest.district-mismatch``)."""
    if not votes_in(kind, stmt.tps):
        raise ContestError(
            code="contest.not-on-ballot",
            en=f"TPS {stmt.tps} does not vote in contest {stmt.contest}",
            id=f"TPS {stmt.tps} tidak memberikan suara dalam pemilihan {stmt.contest}",
            contest=stmt.contest,
            tps=stmt.tps,
        )
    district = contests.district_of(kind, stmt.tps)
    if district.code != stmt.district:
        raise ContestError(
            code="contest.district-mismatch",
            en=(
                f"TPS {stmt.tps} votes for {stmt.contest} in dapil {district.code}, "
                f"not {stmt.district}"
            ),
            id=(
                f"TPS {stmt.tps} memilih {stmt.contest} di dapil {district.code}, "
                f"bukan {stmt.district}"
            ),
            contest=stmt.contest,
            tps=stmt.tps,
            expected=district.code,
            got=stmt.district,
        )
    return district


def _recap_slot(stmt: DHasil | DHasilLegislatif) -> tuple[str, str]:
    """The one D.Hasil a region may have: per contest, and (format v2) per dapil."""
    if isinstance(stmt, DHasilLegislatif):
        return stmt.region, f"{stmt.contest}/{stmt.district}"
    return stmt.region, stmt.contest


def _province_district(contests: Contests, kind: ContestKind, province: str) -> District | None:
    """The DPD dapil of a province (its one unit is the province's code)."""
    for district in contests.contest(kind).districts:
        if province in district.units:
            return district
    return None


def _contests_of(manifest: Manifest, contests: Contests | None) -> Contests | None:
    """The contests file the manifest names, checked against its digest."""
    if manifest.contests_digest is None:
        return None
    if contests is None:
        raise ContestError(
            code="contest.file-required",
            en=(
                f"the manifest records legislative contests in the contests file "
                f"{manifest.contests_digest}: give that file"
            ),
            id=(
                f"manifest mencatat pemilihan legislatif dalam berkas pemilihan "
                f"{manifest.contests_digest}: berikan berkas itu"
            ),
            expected=manifest.contests_digest,
        )
    if contests.digest() != manifest.contests_digest:
        raise ContestError(
            code="contest.file-mismatch",
            en=(
                f"the contests file has digest {contests.digest()}, but the manifest names "
                f"{manifest.contests_digest}"
            ),
            id=(
                f"berkas pemilihan memiliki digest {contests.digest()}, padahal manifest "
                f"menyebut {manifest.contests_digest}"
            ),
            expected=manifest.contests_digest,
            found=contests.digest(),
        )
    missing = [k for k in manifest.legislative_contests if not _has(contests, k)]
    if missing:
        raise ContestError(
            code="contest.file-incomplete",
            en=f"the contests file has no {', '.join(missing)}, which the manifest records",
            id=f"berkas pemilihan tidak memuat {', '.join(missing)}, yang dicatat manifest",
            missing=missing,
        )
    return contests


def _has(contests: Contests, kind: str) -> bool:
    return any(c.kind.value == kind for c in contests.contests)


__all__ = [
    "CORRECTION_ROLES",
    "MAY_REGISTER",
    "PHOTO_ROLES",
    "RECAP_ROLE",
    "Authority",
    "FormRecord",
    "Grant",
    "KeyRecord",
    "Revocation",
    "check_legislative_ballot",
    "legislative_district",
]
