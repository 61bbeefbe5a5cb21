"""A synthetic election's authorities: the manifest and the whole key hierarchy.

Keys are derived from the seed and a label, so a run is reproducible: the same
seed gives the same keys, statements and log, byte for byte.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from saksi.election.codes import Level
from saksi.election.contests import PPWP_2024
from saksi.election.envelope import Envelope, sign_statement
from saksi.election.keys import SigningKey
from saksi.election.regions import Hierarchy
from saksi.election.rule_catalog import RULESET_VERSION
from saksi.election.statements import KeyRegistration, KeyRevocation, Manifest, Role, RootKey

ORIGIN = "saksi.example/pemilu-2024-demo"
"""The demo log's origin (``.example`` is reserved: it names no real host)."""

MANIFEST_AT = "2024-02-01T00:00:00Z"
KEYS_AT = "2024-02-10T00:00:00Z"
VALID_FROM = "2024-02-01T00:00:00Z"
VALID_UNTIL = "2024-03-31T00:00:00Z"
POLLS_OPEN = "2024-02-14T00:00:00Z"  # 07:00 WIB
POLLS_CLOSE = "2024-02-14T06:00:00Z"  # 13:00 WIB

PAIR_PARTIES = {
    "01": ("1", "Partai Kebangkitan Bangsa"),
    "02": ("2", "Partai Gerakan Indonesia Raya"),
    "03": ("3", "Partai Demokrasi Indonesia Perjuangan"),
}
"""One supporting party per pair, whose witnesses (saksi) receive copies of the form."""


@dataclass
class Authorities:
    """Every key of the election, by label, derived from one seed."""

    seed: int
    origin: str = ORIGIN
    _cache: dict[str, SigningKey] = field(default_factory=dict)

    def key(self, label: str) -> SigningKey:
        found = self._cache.get(label)
        if found is None:
            seed = hashlib.sha256(f"saksi-demo:{self.seed}:{label}".encode()).digest()
            found = self._cache[label] = SigningKey.from_seed(seed)
        return found

    def kpps(self, tps: str, generation: int = 0) -> SigningKey:
        return self.key(f"kpps-{tps}-{generation}")

    def saksi(self, party: str, tps: str) -> SigningKey:
        return self.key(f"saksi-{party}-{tps}")

    def manifest(self, hierarchy: Hierarchy) -> Envelope:
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
            for num, name in PAIR_PARTIES.values()
        ]
        stmt = Manifest(
            type="manifest", election=self.origin, at=MANIFEST_AT,
            name="Pemilu 2024 (simulasi Saksi / Saksi simulation)", contests=(PPWP_2024,),
            regions_digest=hierarchy.digest(), rules_version=RULESET_VERSION,
            root_keys=tuple(roots), polls_open=POLLS_OPEN, polls_close=POLLS_CLOSE,
        )  # fmt: skip
        return sign_statement(stmt, self.key("kpu-ri"))

    def register(
        self,
        registrar: str,
        key: SigningKey,
        role: Role,
        scope: str,
        *,
        party: str | None = None,
        label: str | None = None,
    ) -> Envelope:
        stmt = KeyRegistration(
            type="key", election=self.origin, at=KEYS_AT, key=key.public.b64, role=role,
            scope=scope, party=party, not_before=VALID_FROM, not_after=VALID_UNTIL, label=label,
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

    def key_tree(self, hierarchy: Hierarchy, witnessed: set[str]) -> Iterator[Envelope]:
        """KPU RI -> provinces -> kab/kota -> PPK and KPPS; parties -> their saksi."""
        for prov in hierarchy.codes(Level.PROVINSI):
            yield self.register(
                "kpu-ri",
                self.key(f"kpu-prov-{prov}"),
                "kpu-prov",
                prov,
                label=f"KPU Provinsi {prov}",
            )
        for kab in hierarchy.codes(Level.KABKOTA):
            yield self.register(
                f"kpu-prov-{kab[:2]}",
                self.key(f"kpu-kab-{kab}"),
                "kpu-kab",
                kab,
                label=f"KPU Kab/Kota {kab}",
            )
        for kec in hierarchy.codes(Level.KECAMATAN):
            yield self.register(
                f"kpu-kab-{kec[:4]}", self.key(f"ppk-{kec}"), "ppk", kec, label=f"PPK {kec}"
            )
        for tps in hierarchy.iter_tps():
            yield self.register(
                f"kpu-kab-{tps[:4]}", self.kpps(tps), "kpps", tps, label=f"HP KPPS {tps}"
            )
        for tps in sorted(witnessed):
            for num, _ in PAIR_PARTIES.values():
                yield self.register(
                    f"partai-{num}",
                    self.saksi(num, tps),
                    "saksi",
                    tps,
                    party=num,
                    label=f"HP saksi {num} {tps}",
                )
