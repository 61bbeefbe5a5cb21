"""The authorization algorithm of docs/format.md, replayed over checked entries.

:class:`Fold` keeps what the algorithm needs (``keys``, ``revoked``, and per TPS and
contest the forms, copies and recaps, which :mod:`saksi.verify.tally` holds as
columns for PPWP and :mod:`saksi.verify.legislative` for the legislative contests of
format v2) and applies entries in log order: :meth:`Fold.apply` returns None for an
entry accepted, whose effects are then recorded, or ``(code, en, id)`` for an entry
the log should not hold, which has no effect. Keys are kept in columns too: a
national log registers 830,000 of them.

A log is of its manifest's format version: a version 2 entry in a version 1 log is
refused (``statement.version-mismatch``). The legislative contests' dapil, ballots and
DPD candidates are the contests file's (:class:`~saksi.verify.contests.Contests`).
"""

from __future__ import annotations

from array import array
from typing import Any, Final

from saksi.verify.contests import Contests, votes_in
from saksi.verify.entries import Checked
from saksi.verify.legislative import Chains, ballot_refusal
from saksi.verify.regions import NATION, Regions
from saksi.verify.schema import CANDIDATE_ROLES, LEGISLATIVE_FORMS
from saksi.verify.tally import ContestTally, Copy, DHasil

MAY_REGISTER: Final = {
    "kpu-ri": ("kpu-prov", "kpu-kab", "ppk", "kpps", "calon-dpd"),
    "kpu-prov": ("kpu-kab", "ppk", "kpps", "calon-dpd"),
    "kpu-kab": ("ppk", "kpps"),
    "partai": ("saksi",),
    "bawaslu": ("pengawas",),
    "calon-dpd": ("saksi-dpd",),
}
CORRECTORS: Final = ("kpu-kab", "kpu-prov", "kpu-ri")
RECAP_ROLE: Final = {
    "kecamatan": "ppk",
    "kabkota": "kpu-kab",
    "provinsi": "kpu-prov",
    "nasional": "kpu-ri",
}
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
_ROLE = {r: i for i, r in enumerate(ROLES)}
SEEN: Final = ("entries", "refused", "forms", "inconsistent", "flagged")
"""What a run counts of each legislative contest's entries (:attr:`Fold.seen`)."""

Refused = tuple[str, str, str]


def within(code: str, scope: str) -> bool:
    """docs/format.md: the same code, or the scope is "0", or a prefix of it."""
    return scope == NATION or code.startswith(scope)


def _no(code: str, en: str, id_: str) -> Refused:
    return (code, en, id_)


class Fold:
    """The log replayed from its manifest: who may sign what, and the tallies."""

    def __init__(
        self, manifest: Checked, regions: Regions, contests: Contests | None = None
    ) -> None:
        self.regions = regions
        stmt: dict[str, Any] = manifest[5]
        self.manifest = stmt
        self.version: int = manifest[-1]
        self.election: str = stmt["election"]
        self.kinds = frozenset(c["kind"] for c in stmt["contests"])
        self.legislative = tuple(
            sorted(c["kind"] for c in stmt["contests"] if c.get("form") in LEGISLATIVE_FORMS)
        )
        """The contests recorded on a legislative form (format v2)."""
        self.contests_file = contests
        self.contests: dict[str, tuple[str, ...]] = {
            c["kind"]: tuple(p["number"] for p in c["pairs"])
            for c in stmt["contests"]
            if c["kind"] not in self.legislative
        }
        self.tallies = {k: ContestTally(k, pairs) for k, pairs in self.contests.items()}
        self.chains = {k: Chains(k) for k in self.legislative}
        self.candidate: dict[int, str] = {}  # key id -> its DPD candidate (format v2)
        self.seen: dict[str, dict[str, int]] = {}
        """This run's count of each legislative contest's entries (not saved)."""
        self._sorted = {k: tuple(sorted(pairs)) for k, pairs in self.contests.items()}
        self.ids: dict[str, int] = {}
        self.role = bytearray()
        self.scope: list[str] = []
        self.party: list[str | None] = []
        self.validity = array("I")  # into self.periods; 0: unbounded (a root key)
        self.periods: list[tuple[str, str]] = [("", "")]
        self._period: dict[tuple[str, str], int] = {}
        self.root = bytearray()
        self.revoked = bytearray()
        self.size = 1
        for root in stmt["root_keys"]:
            self._add(root["key"], root["role"], root["scope"], root.get("party"), 0, True)

    def _add(  # noqa: PLR0917
        self, key: str, role: str, scope: str, party: str | None, period: int, root: bool
    ) -> None:
        self.ids[key] = len(self.scope)
        self.role.append(_ROLE[role])
        self.scope.append(scope)
        self.party.append(party)
        self.validity.append(period)
        self.root.append(root)
        self.revoked.append(0)

    @staticmethod
    def first(entry: Checked, regions: Regions) -> Refused | None:
        """Entry 0: a manifest signed by one of its own kpu-ri root keys."""
        if entry[2] != "manifest":
            return _no(
                "auth.not-manifest",
                f"entry 0 is a {entry[2]}, not the manifest",
                f"entri 0 adalah {entry[2]}, bukan manifest",
            )
        signers = {r["key"] for r in entry[5]["root_keys"] if r["role"] == "kpu-ri"}
        if entry[1] not in signers:
            return _no(
                "auth.manifest-signer",
                "the manifest is not signed by one of its kpu-ri keys",
                "manifest tidak ditandatangani salah satu kunci kpu-ri-nya",
            )
        return None

    def skip(self) -> None:
        """An entry left out: its index is taken, nothing else."""
        self.size += 1

    # -- every later entry ----------------------------------------------------

    def _count(self, e: Checked, refused: Refused | None) -> Refused | None:
        """Count a legislative entry in :attr:`seen`; its refusal, if any."""
        kind = e[2]
        contest = e[7] if kind == "d-hasil" else e[6]
        counts = self.seen.get(contest)
        if counts is None:
            counts = self.seen[contest] = dict.fromkeys(SEEN, 0)
        counts["entries"] += 1
        if refused is not None:
            counts["refused"] += 1
        elif kind in ("c-hasil", "correction"):
            counts["forms"] += 1
            if e[10]:
                counts["inconsistent"] += 1
            elif e[9] or e[11]:  # a suspicious rule or a screening flag
                counts["flagged"] += 1
        return refused

    def _early(self, e: Checked, refused: Refused) -> Refused:
        """A refusal before the statement's own checks (the signer, the election, the
        version): a legislative entry is counted all the same."""
        kind = e[2]
        if kind in _FORM_KINDS and (e[7] if kind == "d-hasil" else e[6]) != "ppwp":
            self._count(e, refused)
        return refused

    def apply(self, e: Checked) -> Refused | None:  # noqa: C901, PLR0911, PLR0912
        """Authorize entry ``e`` (the next index) and record its effects; its refusal,
        or None. A legislative entry is counted in :attr:`seen`, refused or not."""
        index = self.size
        self.size += 1
        leaf, key, kind, at, election = e[:5]  # noqa: RUF059
        if election != self.election:
            return self._early(
                e,
                _no(
                    "statement.election-mismatch",
                    f"statement is for election {election!r}, but this log is {self.election!r}",
                    f"pernyataan untuk pemilu {election!r}, sedangkan log ini {self.election!r}",
                ),
            )
        if e[-1] > self.version:
            return self._early(
                e,
                _no(
                    "statement.version-mismatch",
                    f"this log is format v{self.version} (its manifest's); an entry of format "
                    f"v{e[-1]} cannot be added to it",
                    f"log ini berformat v{self.version} (format manifestnya); entri format "
                    f"v{e[-1]} tidak dapat ditambahkan",
                ),
            )
        if kind == "manifest":
            return _no(
                "auth.manifest-exists",
                "the log already has its manifest (entry 0)",
                "log sudah memiliki manifest (entri 0)",
            )
        signer = self.ids.get(key)
        if signer is None:
            return self._early(
                e,
                _no(
                    "auth.unknown-key",
                    f"key {key} is not in the log",
                    f"kunci {key} tidak ada dalam log",
                ),
            )
        if self.revoked[signer]:
            return self._early(
                e, _no("auth.revoked", f"key {key} was revoked", f"kunci {key} sudah dicabut")
            )
        period = self.validity[signer]
        if period:
            nb, na = self.periods[period]
            if at < nb:
                return self._early(
                    e,
                    _no(
                        "auth.not-yet-valid",
                        f"{at} is before key {key}'s not_before {nb}",
                        f"{at} sebelum not_before kunci {key} {nb}",
                    ),
                )
            if at > na:
                return self._early(
                    e,
                    _no(
                        "auth.expired",
                        f"{at} is after key {key}'s not_after {na}",
                        f"{at} setelah not_after kunci {key} {na}",
                    ),
                )
        role = ROLES[self.role[signer]]
        scope = self.scope[signer]
        if kind == "c-hasil" and e[6] == "ppwp":  # the one contest of version 1's forms
            return self._c_hasil(e, index, role, scope)
        if kind == "key":
            return self._key(e, role, scope, signer, period)
        if kind == "key-revoke":
            return self._revoke(e, role, scope, signer)
        if (e[7] if kind == "d-hasil" else e[6]) != "ppwp":
            return self._count(e, self._legislative(e, index, role, scope, signer))
        if kind == "correction":
            return self._correction(e, index, role, scope)
        if kind == "c-salinan":
            return self._c_salinan(e, index, role, scope, signer)
        return self._d_hasil(e, index, role, scope)

    # -- shared checks ---------------------------------------------------------

    @staticmethod
    def _role(role: str, allowed: tuple[str, ...], what: str) -> Refused | None:
        if role not in allowed:
            return _no(
                "auth.wrong-role",
                f"a {role} key may not sign a {what}",
                f"kunci {role} tidak boleh menandatangani {what}",
            )
        return None

    @staticmethod
    def _scope(scope: str, region: str, exact: bool) -> Refused | None:
        if (scope != region) if exact else not within(region, scope):
            return _no(
                "auth.out-of-scope",
                f"region {region} is outside the key's scope {scope}",
                f"wilayah {region} di luar cakupan kunci {scope}",
            )
        return None

    def _region(self, code: str) -> Refused | None:
        if code != NATION and not self.regions.exists(code):
            return _no(
                "region.unknown", f"region {code} does not exist", f"wilayah {code} tidak ada"
            )
        return None

    def _contest(self, contest: str, pairs: tuple[str, ...]) -> Refused | None:
        expected = self.contests.get(contest)
        if expected is None:
            return _no(
                "contest.not-in-election",
                f"contest {contest!r} is not part of this election",
                f"pemilihan {contest!r} tidak termasuk pemilu ini",
            )
        if self._sorted[contest] != pairs:
            return _no(
                "contest.pairs-mismatch",
                f"pairs {', '.join(pairs)} are not the contest's",
                f"pasangan {', '.join(pairs)} bukan milik pemilihan ini",
            )
        return None

    @staticmethod
    def _duplicate(first_index: int, first_leaf: bytes, leaf: bytes, what: str) -> Refused:
        if first_leaf == leaf:
            return _no(
                "auth.duplicate-entry",
                f"this exact entry is already in the log at index {first_index}",
                f"entri yang persis sama sudah ada dalam log pada indeks {first_index}",
            )
        return _no(
            "auth.duplicate-form",
            f"{what} already has one (entry {first_index})",
            f"{what} sudah memilikinya (entri {first_index})",
        )

    # -- by type -----------------------------------------------------------------

    def _c_hasil(self, e: Checked, index: int, role: str, scope: str) -> Refused | None:
        tps, contest, pairs, values, rules, impossible, flags = e[5:12]
        # no region check: a kpps key's scope is a TPS code checked to exist when the
        # key was registered (and no root key is a kpps key), and it is the form's TPS
        found = (
            self._role(role, ("kpps",), "C.Hasil") or self._scope(scope, tps, True)
            or self._contest(contest, pairs)
        )  # fmt: skip
        if found:
            return found
        tally = self.tallies[contest]
        slot = tally.slot(scope)
        if slot is not None and tally.original[slot] >= 0:
            return self._duplicate(
                tally.original[slot], tally.original_leaf(slot), e[0], f"TPS {tps} {contest}"
            )
        tally.form(scope, index, e[0], values, rules, impossible, flags, False)
        return None

    def _correction(self, e: Checked, index: int, role: str, scope: str) -> Refused | None:
        (
            tps,
            contest,
            pairs,
            values,
            rules,
            impossible,
            flags,
            _photos,
            cited,
            cited_leaf,
            _reason,
        ) = e[5:16]
        found = (
            self._role(role, CORRECTORS, "correction") or self._scope(scope, tps, False)
            or self._region(tps) or self._contest(contest, pairs)
        )  # fmt: skip
        if found:
            return found
        tally = self.tallies[contest]
        slot = tally.slot(tps)
        leaf = tally.leaf_of(slot, cited) if slot is not None else None
        found = self._target(leaf, cited, cited_leaf, tps, contest)
        if found:
            return found
        assert slot is not None
        if tally.current[slot] != cited:
            return self._stale(cited, tally.current[slot])
        tally.form(tally.codes[slot], index, e[0], values, rules, impossible, flags, True)
        return None

    @staticmethod
    def _target(
        leaf: bytes | None, cited: int, cited_leaf: str, tps: str, contest: str
    ) -> Refused | None:
        """The cited entry is a form of the TPS and contest, with the cited leaf hash."""
        if leaf is None:
            return _no(
                "auth.correction-target",
                f"entry {cited} is not a form of TPS {tps} {contest}",
                f"entri {cited} bukan formulir TPS {tps} {contest}",
            )
        if leaf.hex() != cited_leaf:
            return _no(
                "auth.correction-target",
                f"entry {cited} has leaf hash {leaf.hex()}, not {cited_leaf}",
                f"entri {cited} memiliki leaf hash {leaf.hex()}, bukan {cited_leaf}",
            )
        return None

    @staticmethod
    def _stale(cited: int, head: int) -> Refused:
        return _no(
            "auth.correction-stale",
            f"entry {cited} was already replaced by entry {head}",
            f"entri {cited} sudah digantikan oleh entri {head}",
        )

    def _c_salinan(
        self, e: Checked, index: int, role: str, scope: str, signer: int
    ) -> Refused | None:
        tps, contest, pairs, values, _photos, party = e[5:11]
        found = (
            self._role(role, ("saksi",), "C.Salinan") or self._scope(scope, tps, False)
            or self._party(signer, party) or self._region(tps) or self._contest(contest, pairs)
        )  # fmt: skip
        if found:
            return found
        tally = self.tallies[contest]
        slot = tally.slot(tps)
        key = e[1]
        for earlier in tally.copies.get(slot, ()) if slot is not None else ():
            if earlier.key == key:
                return self._duplicate(earlier.index, earlier.leaf, e[0], f"TPS {tps} {contest}")
        tally.copy(tps, Copy(index, key, party, values, e[0]))
        return None

    def _d_hasil(self, e: Checked, index: int, role: str, scope: str) -> Refused | None:
        region, level, contest, pairs, numbers, _photos = e[5:11]
        found = (
            self._role(role, (RECAP_ROLE[level],), f"D.Hasil {level}") or self._scope(scope, region, True)  # noqa: E501
            or self._region(region) or self._contest(contest, pairs)
        )  # fmt: skip
        if found:
            return found
        tally = self.tallies[contest]
        earlier = tally.recaps.get(region)
        if earlier is not None:
            return self._duplicate(earlier.index, earlier.leaf, e[0], f"region {region} {contest}")
        tally.recaps[region] = DHasil(index, region, level, e[1], e[3], numbers, e[0])
        return None

    def _party(self, signer: int, party: str | None) -> Refused | None:
        mine = self.party[signer]
        if mine is not None and party != mine:
            return _no(
                "auth.party-mismatch",
                f"party {party} is not the key's party {mine}",
                f"partai {party} bukan partai kunci {mine}",
            )
        return None

    def _key(self, e: Checked, role: str, scope: str, signer: int, period: int) -> Refused | None:
        new, new_role, new_scope, party, nb, na, candidate = e[5:12]
        if new in self.ids:
            return _no(
                "auth.key-exists",
                f"key {new} is already in the log",
                f"kunci {new} sudah ada dalam log",
            )
        if new_role not in MAY_REGISTER.get(role, ()):
            return _no(
                "auth.cannot-delegate",
                f"a {role} key may not register a {new_role} key",
                f"kunci {role} tidak boleh mendaftarkan kunci {new_role}",
            )
        found = (
            self._scope(scope, new_scope, False)
            or self._region(new_scope)
            or self._party(signer, party)
        )
        if found:
            return found
        if new_role in CANDIDATE_ROLES:
            found = self._dpd_candidate(signer, new_role, new_scope, candidate)
            if found:
                return found
        if period:
            snb, sna = self.periods[period]
            if nb < snb or na > sna:
                return _no(
                    "auth.validity-exceeds",
                    "the validity exceeds the registering key's",
                    "masa berlaku melebihi masa berlaku kunci pendaftar",
                )
        number = self._period.get((nb, na))
        if number is None:
            number = self._period[(nb, na)] = len(self.periods)
            self.periods.append((nb, na))
        self._add(new, new_role, new_scope, party, number, False)
        if candidate is not None:
            self.candidate[len(self.scope) - 1] = candidate
        return None

    def _revoke(self, e: Checked, role: str, scope: str, signer: int) -> Refused | None:
        target_key = e[5]
        target = self.ids.get(target_key)
        if target is None:
            return _no(
                "auth.unknown-key",
                f"key {target_key} is not in the log",
                f"kunci {target_key} tidak ada dalam log",
            )
        if self.root[target]:
            return _no(
                "auth.root-key",
                "root keys cannot be revoked in format v1",
                "kunci akar tidak dapat dicabut dalam format v1",
            )
        if self.revoked[target]:
            return _no(
                "auth.already-revoked",
                f"key {target_key} was already revoked",
                f"kunci {target_key} sudah dicabut",
            )
        mine = self.party[signer]
        own = self.candidate.get(signer)
        could = (
            ROLES[self.role[target]] in MAY_REGISTER.get(role, ())
            and within(self.scope[target], scope)
            and (mine is None or mine == self.party[target])
            and (own is None or own == self.candidate.get(target))
        )
        if target != signer and not could:
            return _no(
                "auth.cannot-revoke",
                "the signer could not have registered the key it revokes",
                "penanda tangan tidak dapat mendaftarkan kunci yang dicabutnya",
            )
        self.revoked[target] = 1
        return None

    # -- format v2: the legislative contests ---------------------------------------

    def _legislative_contest(self, contest: str) -> Refused | Contests:
        """The contest is in the manifest and recorded on its legislative form; the
        contests file that holds its ballot."""
        if contest not in self.kinds:
            return _no(
                "contest.not-in-election",
                f"contest {contest!r} is not part of this election",
                f"pemilihan {contest!r} tidak termasuk pemilu ini",
            )
        if contest not in self.legislative or self.contests_file is None:
            return _no(
                "contest.no-form",
                f"contest {contest} is not recorded on a legislative form in this election",
                f"pemilihan {contest} tidak dicatat pada formulir legislatif dalam pemilu ini",
            )
        return self.contests_file

    def _dpd_candidate(self, signer: int, role: str, scope: str, candidate: str) -> Refused | None:
        """A calon-dpd key is a DPD candidate of its province; a saksi-dpd key is
        registered by its own candidate's key, for that candidate."""
        found = self._legislative_contest("dpd")
        if isinstance(found, tuple):
            return found
        own = self.candidate.get(signer)
        if role == "saksi-dpd" and own != candidate:
            return _no(
                "auth.candidate-mismatch",
                f"the registering key acts for DPD candidate {own}, not {candidate}",
                f"kunci pendaftar bertindak untuk calon DPD {own}, bukan {candidate}",
            )
        province = scope[:2] if scope != NATION else ""
        district = found.province_district("dpd", province)
        if district is None or int(candidate) not in district.ballot:
            return _no(
                "contest.unknown-candidate",
                f"there is no DPD candidate {candidate} in province {province or '-'}",
                f"tidak ada calon DPD nomor {candidate} di provinsi {province or '-'}",
            )
        return None

    def _form_of_tps(self, tps: str, contest: str, district: str, ballot: Any) -> Refused | None:
        """docs/format.md, step 4 added, 2-5: the contest, the TPS's ballot and dapil,
        the form's parties and candidates."""
        found = self._legislative_contest(contest)
        if isinstance(found, tuple):
            return found
        if not votes_in(contest, tps):
            return _no(
                "contest.not-on-ballot",
                f"TPS {tps} does not vote in contest {contest}",
                f"TPS {tps} tidak memberikan suara dalam pemilihan {contest}",
            )
        places = found.districts_of(contest, tps)
        if len(places) != 1:
            codes = [d.code for d in places]
            return _no(
                "contest.no-district" if not places else "contest.two-districts",
                f"TPS {tps} lies in no single dapil of {contest} (found {codes})",
                f"TPS {tps} tidak berada di tepat satu dapil {contest} (ditemukan {codes})",
            )
        mine = places[0]
        if mine.code != district:
            return _no(
                "contest.district-mismatch",
                f"TPS {tps} votes for {contest} in dapil {mine.code}, not {district}",
                f"TPS {tps} memilih {contest} di dapil {mine.code}, bukan {district}",
            )
        return ballot_refusal(mine.ballot, ballot, contest, mine.code)

    def _legislative(
        self, e: Checked, index: int, role: str, scope: str, signer: int
    ) -> Refused | None:
        kind = e[2]
        if kind == "d-hasil":
            return self._legislative_d_hasil(e, index, role, scope)
        if kind == "c-salinan":
            return self._legislative_copy(e, index, role, scope, signer)
        return self._legislative_form(e, index, role, scope)

    def _legislative_form(  # noqa: PLR0911
        self, e: Checked, index: int, role: str, scope: str
    ) -> Refused | None:
        """A legislative c-hasil or correction."""
        tps, contest, ballot = e[5:8]
        if e[2] == "c-hasil":
            # no region check: a kpps key's scope is a TPS that exists (as for PPWP)
            found = (
                self._role(role, ("kpps",), "C.Hasil") or self._scope(scope, tps, True)
                or self._form_of_tps(tps, contest, e[13], ballot)
            )  # fmt: skip
            if found:
                return found
            chains = self.chains[contest]
            slot = chains.slot(tps)
            if slot is not None and chains.original[slot] >= 0:
                first = chains.original[slot]
                return self._duplicate(
                    first, chains.original_leaf(slot), e[0], f"TPS {tps} {contest}"
                )
            chains.form(tps, index, e[0], False, e[8], (*e[9], *e[11]), e[10])
            return None
        cited, cited_leaf = e[13], e[14]
        found = (
            self._role(role, CORRECTORS, "correction") or self._scope(scope, tps, False)
            or self._region(tps) or self._form_of_tps(tps, contest, e[16], ballot)
        )  # fmt: skip
        if found:
            return found
        chains = self.chains[contest]
        slot = chains.slot(tps)
        leaf = chains.leaf_of(slot, cited) if slot is not None else None
        found = self._target(leaf, cited, cited_leaf, tps, contest)
        if found:
            return found
        assert slot is not None
        if chains.current[slot] != cited:
            return self._stale(cited, chains.current[slot])
        chains.form(tps, index, e[0], True, e[8], (*e[9], *e[11]), e[10])
        return None

    def _legislative_copy(
        self, e: Checked, index: int, role: str, scope: str, signer: int
    ) -> Refused | None:
        tps, contest, ballot = e[5:8]
        party, candidate, district = e[10:13]
        if candidate is not None:
            found = self._role(role, ("saksi-dpd",), "C.Salinan DPD")
            own = self.candidate.get(signer)
            if not found and own != candidate:
                found = _no(
                    "auth.candidate-mismatch",
                    f"the key acts for DPD candidate {own}, not candidate {candidate}",
                    f"kunci bertindak untuk calon DPD {own}, bukan calon {candidate}",
                )
        else:
            found = self._role(role, ("saksi",), "C.Salinan") or self._party(signer, party)
        found = (
            found or self._scope(scope, tps, False) or self._region(tps)
            or self._form_of_tps(tps, contest, district, ballot)
        )  # fmt: skip
        if found:
            return found
        chains = self.chains[contest]
        slot = chains.slot(tps)
        key = e[1]
        for earlier, earlier_key, earlier_leaf, _ in (
            chains.copies.get(slot, ()) if slot is not None else ()
        ):
            if earlier_key == key:
                return self._duplicate(earlier, earlier_leaf, e[0], f"TPS {tps} {contest}")
        chains.copy(tps, index, key, e[0], e[8])
        return None

    def _legislative_d_hasil(  # noqa: PLR0911
        self, e: Checked, index: int, role: str, scope: str
    ) -> Refused | None:
        region, level, contest, ballot = e[5:9]
        district = e[11]
        found = (
            self._role(role, (RECAP_ROLE[level],), f"D.Hasil {level}")
            or self._scope(scope, region, True) or self._region(region)
        )  # fmt: skip
        if found:
            return found
        contests = self._legislative_contest(contest)
        if isinstance(contests, tuple):
            return contests
        dapil = contests.district(contest, district)
        if dapil is None:
            return _no(
                "contest.unknown-district",
                f"contest {contest} has no dapil {district!r}",
                f"pemilihan {contest} tidak memiliki dapil {district!r}",
            )
        if not any(within(u, region) or within(region, u) for u in dapil.units):
            return _no(
                "contest.district-outside-region",
                f"dapil {district} of {contest} has no TPS in region {region}",
                f"dapil {district} pemilihan {contest} tidak memiliki TPS di wilayah {region}",
            )
        found = ballot_refusal(dapil.ballot, ballot, contest, district)
        if found:
            return found
        chains = self.chains[contest]
        earlier = chains.recaps.get((region, district))
        if earlier is not None:
            return self._duplicate(
                earlier[0], earlier[1], e[0], f"region {region} {contest} dapil {district}"
            )
        chains.recaps[(region, district)] = (index, e[0])
        chains.recap_values[(region, district)] = (level, e[1], e[3], e[9])
        return None


_FORM_KINDS: Final = frozenset({"c-hasil", "c-salinan", "correction", "d-hasil"})


__all__ = ["CORRECTORS", "MAY_REGISTER", "RECAP_ROLE", "SEEN", "Fold", "within"]
