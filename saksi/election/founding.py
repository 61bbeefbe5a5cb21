"""Founding an election: its manifest, its root keys and the key registrations below them.

:class:`Authorities` holds every key of an election by label (``kpu-ri``,
``kpu-prov-31``, ``kpps-<tps>``, ``partai-1``, ``saksi-1-<tps>``, ...) and signs
what those offices say at the start: the manifest (entry 0) and the registrations
that delegate authority down the tree (format.md, "Roles and delegation")::

    KPU RI -> KPU Provinsi -> KPU Kab/Kota -> PPK, KPPS      partai -> its saksi

Where the keys come from is the caller's choice: :func:`derived_keys` (from a seed
and the label, for reproducible demos, tests and benchmarks: never for a real
election) or :func:`fresh_keys` (random, for an election of one's own, ``saksi
election new``). The :class:`Timeline` fixes when the manifest and registrations are
signed and how long the registered keys are valid.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from saksi.election.codes import Level
from saksi.election.contests import FORMS, PPWP_2024
from saksi.election.envelope import Envelope, sign_statement
from saksi.election.keys import SigningKey
from saksi.election.legislative import Contests
from saksi.election.legislative_forms import LEGISLATIVE_RULESET_VERSION
from saksi.election.regions import Hierarchy
from saksi.election.rule_catalog import RULESET_VERSION
from saksi.election.statements import (
    KeyRegistration,
    KeyRevocation,
    Manifest,
    Role,
    RootKey,
    format_time,
)
from saksi.election.wire import parse_model

KeySource = Callable[[str], SigningKey]
"""A key for a label; asked once per label (:class:`Authorities` keeps the answer)."""

PAIR_PARTIES = {
    "01": ("1", "Partai Kebangkitan Bangsa"),
    "02": ("2", "Partai Gerakan Indonesia Raya"),
    "03": ("3", "Partai Demokrasi Indonesia Perjuangan"),
}
"""One supporting party per pair, whose witnesses (saksi) receive copies of the form."""


def derived_keys(seed: int, namespace: str = "saksi-demo") -> KeySource:
    """Keys derived from ``seed`` and the label: the same seed gives the same keys.

    Anyone who knows the seed knows every private key: for demos, tests and
    benchmarks only."""

    def key(label: str) -> SigningKey:
        return SigningKey.from_seed(hashlib.sha256(f"{namespace}:{seed}:{label}".encode()).digest())

    return key


def fresh_keys() -> KeySource:
    """Random keys from the operating system's random source: an election of one's own."""
    return lambda label: SigningKey.generate()


@dataclass(frozen=True)
class Timeline:
    """When the founding statements are signed, and the registered keys' validity."""

    manifest_at: str
    keys_at: str
    valid_from: str
    valid_until: str
    polls_open: str | None = None
    polls_close: str | None = None

    @classmethod
    def starting(cls, now: datetime, days: int) -> Timeline:
        """Signed ``now``; keys valid from the start of today (UTC) for ``days`` days."""
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        at = format_time(now.replace(microsecond=0))
        return cls(
            manifest_at=at,
            keys_at=at,
            valid_from=format_time(today),
            valid_until=format_time(today + timedelta(days=days)),
        )


class Authorities:
    """Every key of one election, by label, and the statements that found it."""

    def __init__(self, *, origin: str, name: str, timeline: Timeline, keys: KeySource) -> None:
        self.origin = origin
        self.name = name
        self.timeline = timeline
        self._source = keys
        self._cache: dict[str, SigningKey] = {}

    def key(self, label: str) -> SigningKey:
        found = self._cache.get(label)
        if found is None:
            found = self._cache[label] = self._source(label)
        return found

    def kpps(self, tps: str, generation: int = 0) -> SigningKey:
        return self.key(f"kpps-{tps}-{generation}")

    def saksi(self, party: str, tps: str) -> SigningKey:
        return self.key(f"saksi-{party}-{tps}")

    def root_keys(self, parties: tuple[tuple[str, str], ...] = ()) -> tuple[RootKey, ...]:
        """KPU RI, Bawaslu RI and the parties (by default the pairs' parties; a
        legislative election's: every party of its contests file, ``(number, name)``)."""
        roots = [
            RootKey(key=self.key("kpu-ri").public.b64, role="kpu-ri", scope="0", name="KPU RI"),
            RootKey(
                key=self.key("bawaslu").public.b64, role="bawaslu", scope="0", name="Bawaslu RI"
            ),
        ]
        roots += [
            RootKey(
                key=self.key(f"partai-{num}").public.b64,
                role="partai",
                scope="0",
                name=name,
                party=num,
            )
            for num, name in (parties or tuple(PAIR_PARTIES.values()))
        ]
        return tuple(roots)

    def manifest(self, hierarchy: Hierarchy, contests: Contests | None = None) -> Envelope:
        """Entry 0, signed by KPU RI: the PPWP contest, the hierarchy, the root keys;
        with ``contests``, a format v2 manifest that also records every legislative
        contest of that file, each party a root key."""
        when = self.timeline
        recorded = [PPWP_2024.model_dump(mode="json")]
        parties: tuple[tuple[str, str], ...] = ()
        extra: dict[str, str] = {}
        if contests is not None:
            recorded += [
                {"kind": c.kind.value, "name": c.name, "form": FORMS[c.kind.value]}
                for c in contests.contests
            ]
            parties = tuple((p.number, p.name) for p in contests.parties)
            extra = {
                "contests_digest": contests.digest(),
                "legislative_rules_version": LEGISLATIVE_RULESET_VERSION,
            }
        fields = {
            "type": "manifest", "election": self.origin, "at": when.manifest_at,
            "name": self.name, "contests": recorded,
            "regions_digest": hierarchy.digest(), "rules_version": RULESET_VERSION,
            "root_keys": [root.model_dump(mode="json") for root in self.root_keys(parties)],
            "polls_open": when.polls_open, "polls_close": when.polls_close, **extra,
        }  # fmt: skip
        stmt = parse_model(Manifest, fields, "manifest")  # a bad origin or name: SchemaError
        return sign_statement(stmt, self.key("kpu-ri"))

    def register(
        self,
        registrar: str,
        key: SigningKey,
        role: Role,
        scope: str,
        *,
        party: str | None = None,
        candidate: str | None = None,
        label: str | None = None,
    ) -> Envelope:
        """``registrar`` (a label) registers ``key`` for ``role`` over ``scope``."""
        when = self.timeline
        stmt = KeyRegistration(
            type="key", election=self.origin, at=when.keys_at, key=key.public.b64, role=role,
            scope=scope, party=party, candidate=candidate, not_before=when.valid_from,
            not_after=when.valid_until, label=label,
        )  # fmt: skip
        return sign_statement(stmt, self.key(registrar))

    def revoke(self, registrar: str, key: SigningKey, at: str, reason: str) -> Envelope:
        stmt = KeyRevocation(
            type="key-revoke",
            election=self.origin,
            at=at,
            key=key.public.b64,
            reason=reason,
            effective=at,
        )
        return sign_statement(stmt, self.key(registrar))

    # -- the tree of registrations ------------------------------------------------

    def province(self, prov: str) -> Envelope:
        return self.register(
            "kpu-ri", self.key(f"kpu-prov-{prov}"), "kpu-prov", prov, label=f"KPU Provinsi {prov}"
        )

    def kabkota(self, kab: str) -> Envelope:
        return self.register(
            f"kpu-prov-{kab[:2]}",
            self.key(f"kpu-kab-{kab}"),
            "kpu-kab",
            kab,
            label=f"KPU Kab/Kota {kab}",
        )

    def ppk(self, kec: str) -> Envelope:
        return self.register(
            f"kpu-kab-{kec[:4]}", self.key(f"ppk-{kec}"), "ppk", kec, label=f"PPK {kec}"
        )

    def kpps_device(self, tps: str) -> Envelope:
        return self.register(
            f"kpu-kab-{tps[:4]}", self.kpps(tps), "kpps", tps, label=f"HP KPPS {tps}"
        )

    def witness(self, party: str, tps: str) -> Envelope:
        return self.register(
            f"partai-{party}",
            self.saksi(party, tps),
            "saksi",
            tps,
            party=party,
            label=f"HP saksi {party} {tps}",
        )

    def dpd_candidate(self, province: str, number: str) -> Envelope:
        """KPU Provinsi registers a DPD candidate's key (format v2)."""
        return self.register(
            f"kpu-prov-{province}",
            self.key(f"calon-dpd-{province}-{number}"),
            "calon-dpd",
            province,
            candidate=number,
            label=f"Calon DPD {province} nomor {number}",
        )

    def dpd_witness(self, number: str, tps: str) -> Envelope:
        """A DPD candidate registers its witness at a TPS (format v2)."""
        return self.register(
            f"calon-dpd-{tps[:2]}-{number}",
            self.key(f"saksi-dpd-{number}-{tps}"),
            "saksi-dpd",
            tps,
            candidate=number,
            label=f"HP saksi calon DPD {number} {tps}",
        )

    def one_tps(self, tps: str, party: str) -> list[Envelope]:
        """What one TPS's statements need registered, in log order: its KPU Provinsi and
        KPU Kab/Kota, its KPPS device, and ``party``'s witness there."""
        return [
            self.province(tps[:2]),
            self.kabkota(tps[:4]),
            self.kpps_device(tps),
            self.witness(party, tps),
        ]

    def key_tree(self, hierarchy: Hierarchy, witnessed: set[str]) -> Iterator[Envelope]:
        """KPU RI -> provinces -> kab/kota -> PPK and KPPS; parties -> their saksi."""
        for prov in hierarchy.codes(Level.PROVINSI):
            yield self.province(prov)
        for kab in hierarchy.codes(Level.KABKOTA):
            yield self.kabkota(kab)
        for kec in hierarchy.codes(Level.KECAMATAN):
            yield self.ppk(kec)
        for tps in hierarchy.iter_tps():
            yield self.kpps_device(tps)
        for tps in sorted(witnessed):
            for num, _ in PAIR_PARTIES.values():
                yield self.witness(num, tps)


__all__ = [
    "PAIR_PARTIES",
    "Authorities",
    "KeySource",
    "Timeline",
    "derived_keys",
    "fresh_keys",
]
