"""The authorization algorithm of docs/format.md, replayed over checked entries.

:class:`Fold` keeps what the algorithm needs (``keys``, ``revoked``, and per TPS and
contest the forms, copies and recaps, which :mod:`saksi.verify.tally` holds as
columns) and applies entries in log order: :meth:`Fold.apply` returns None for an
entry accepted, whose effects are then recorded, or ``(code, en, id)`` for an entry
the log should not hold, which has no effect. Keys are kept in columns too: a
national log registers 830,000 of them.
"""

from __future__ import annotations

from array import array
from typing import Any, Final

from saksi.verify.entries import Checked
from saksi.verify.regions import NATION, Regions
from saksi.verify.tally import ContestTally, Copy, DHasil

MAY_REGISTER: Final = {
    "kpu-ri": ("kpu-prov", "kpu-kab", "ppk", "kpps"),
    "kpu-prov": ("kpu-kab", "ppk", "kpps"),
    "kpu-kab": ("ppk", "kpps"),
    "partai": ("saksi",),
    "bawaslu": ("pengawas",),
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
)
_ROLE = {r: i for i, r in enumerate(ROLES)}

Refused = tuple[str, str, str]


def within(code: str, scope: str) -> bool:
    """docs/format.md: the same code, or the scope is "0", or a prefix of it."""
    return scope == NATION or code.startswith(scope)


def _no(code: str, en: str, id_: str) -> Refused:
    return (code, en, id_)


class Fold:
    """The log replayed from its manifest: who may sign what, and the tallies."""

    def __init__(self, manifest: Checked, regions: Regions) -> None:
        self.regions = regions
        stmt: dict[str, Any] = manifest[5]
        self.manifest = stmt
        self.election: str = stmt["election"]
        self.contests: dict[str, tuple[str, ...]] = {
            c["kind"]: tuple(p["number"] for p in c["pairs"]) for c in stmt["contests"]
        }
        self.tallies = {k: ContestTally(k, pairs) for k, pairs in self.contests.items()}
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

    def apply(self, e: Checked) -> Refused | None:  # noqa: C901, PLR0911
        index = self.size
        self.size += 1
        leaf, key, kind, at, election = e[:5]  # noqa: RUF059
        if election != self.election:
            return _no(
                "statement.election-mismatch",
                f"statement is for election {election!r}, but this log is {self.election!r}",
                f"pernyataan untuk pemilu {election!r}, sedangkan log ini {self.election!r}",
            )
        if kind == "manifest":
            return _no(
                "auth.manifest-exists",
                "the log already has its manifest (entry 0)",
                "log sudah memiliki manifest (entri 0)",
            )
        signer = self.ids.get(key)
        if signer is None:
            return _no(
                "auth.unknown-key",
                f"key {key} is not in the log",
                f"kunci {key} tidak ada dalam log",
            )
        if self.revoked[signer]:
            return _no("auth.revoked", f"key {key} was revoked", f"kunci {key} sudah dicabut")
        period = self.validity[signer]
        if period:
            nb, na = self.periods[period]
            if at < nb:
                return _no(
                    "auth.not-yet-valid",
                    f"{at} is before key {key}'s not_before {nb}",
                    f"{at} sebelum not_before kunci {key} {nb}",
                )
            if at > na:
                return _no(
                    "auth.expired",
                    f"{at} is after key {key}'s not_after {na}",
                    f"{at} setelah not_after kunci {key} {na}",
                )
        role = ROLES[self.role[signer]]
        scope = self.scope[signer]
        if kind == "c-hasil":
            return self._c_hasil(e, index, role, scope)
        if kind == "correction":
            return self._correction(e, index, role, scope)
        if kind == "c-salinan":
            return self._c_salinan(e, index, role, scope, signer)
        if kind == "d-hasil":
            return self._d_hasil(e, index, role, scope)
        if kind == "key":
            return self._key(e, role, scope, signer, period)
        return self._revoke(e, role, scope, signer)

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
        assert slot is not None
        if tally.current[slot] != cited:
            head = tally.current[slot]
            return _no(
                "auth.correction-stale",
                f"entry {cited} was already replaced by entry {head}",
                f"entri {cited} sudah digantikan oleh entri {head}",
            )
        tally.form(tally.codes[slot], index, e[0], values, rules, impossible, flags, True)
        return None

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
        new, new_role, new_scope, party, nb, na = e[5:11]
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
        could = (
            ROLES[self.role[target]] in MAY_REGISTER.get(role, ())
            and within(self.scope[target], scope)
            and (mine is None or mine == self.party[target])
        )
        if target != signer and not could:
            return _no(
                "auth.cannot-revoke",
                "the signer could not have registered the key it revokes",
                "penanda tangan tidak dapat mendaftarkan kunci yang dicabutnya",
            )
        self.revoked[target] = 1
        return None


__all__ = ["CORRECTORS", "MAY_REGISTER", "RECAP_ROLE", "Fold", "within"]
