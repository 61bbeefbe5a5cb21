"""A log's entries written directly, without a service: for tests, benchmarks, fixtures.

:class:`Logbook` signs statements with a synthetic election's keys
(:class:`~saksi.sim.election.Authorities`) and keeps the entries in log order, as a
service would have logged them (it does not check them: the fold, the service or
the verifier does). It remembers each TPS's form in force, so that a correction can
cite it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from saksi.election.codes import Level, level_of
from saksi.election.envelope import Envelope, sign_statement
from saksi.election.forms import CHasilPPWP
from saksi.election.regions import Hierarchy
from saksi.election.statements import (
    CHasil,
    Correction,
    CSalinan,
    DHasil,
    EntryRef,
    RecapLevel,
    RecapTotals,
)
from saksi.sim.election import PAIR_PARTIES, Authorities
from saksi.sim.tally import consistent_form

TALLY_AT = "2024-02-14T08:30:00Z"
CORRECTION_AT = "2024-02-16T03:00:00Z"
RECAP_AT = "2024-02-20T03:00:00Z"
LEVEL_NAMES: dict[Level, RecapLevel] = {
    Level.KECAMATAN: "kecamatan",
    Level.KABKOTA: "kabkota",
    Level.PROVINSI: "provinsi",
    Level.NASIONAL: "nasional",
}
RECAP_SIGNER = {
    Level.KECAMATAN: "ppk-{code}",
    Level.KABKOTA: "kpu-kab-{code}",
    Level.PROVINSI: "kpu-prov-{code}",
    Level.NASIONAL: "kpu-ri",
}


@dataclass
class Logbook:
    """Entries of one synthetic election, in log order (entry 0: the manifest)."""

    hierarchy: Hierarchy
    seed: int = 2024
    witnessed: frozenset[str] = frozenset()
    keys: Authorities = field(init=False)
    entries: list[bytes] = field(init=False, default_factory=list)
    in_force: dict[str, tuple[int, Envelope]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.keys = Authorities(self.seed)
        self.entries.append(self.keys.manifest(self.hierarchy).to_bytes())
        for env in self.keys.key_tree(self.hierarchy, set(self.witnessed)):
            self.entries.append(env.to_bytes())

    @property
    def origin(self) -> str:
        return self.keys.origin

    def _log(self, envelope: Envelope) -> int:
        self.entries.append(envelope.to_bytes())
        return len(self.entries) - 1

    def true_form(self, tps: str) -> CHasilPPWP:
        """The TPS's true, consistent form (the same for a given seed and TPS)."""
        return consistent_form(random.Random(f"{self.seed}/{tps}"))

    def c_hasil(self, tps: str, form: CHasilPPWP | None = None, at: str = TALLY_AT) -> int:
        stmt = CHasil(
            type="c-hasil", election=self.origin, at=at, tps=tps, contest="ppwp",
            form=form or self.true_form(tps),
        )  # fmt: skip
        env = sign_statement(stmt, self.keys.kpps(tps))
        index = self._log(env)
        self.in_force[tps] = (index, env)
        return index

    def c_salinan(self, tps: str, party: str, form: CHasilPPWP | None = None) -> int:
        """A witness copy by the party's saksi of ``tps`` (the TPS must be witnessed)."""
        stmt = CSalinan(
            type="c-salinan", election=self.origin, at=TALLY_AT, tps=tps, contest="ppwp",
            party=party, form=form or self.true_form(tps),
        )  # fmt: skip
        return self._log(sign_statement(stmt, self.keys.saksi(party, tps)))

    def correction(self, tps: str, form: CHasilPPWP, reason: str = "salah hitung") -> int:
        """KPU Kab/Kota replaces the TPS's form in force."""
        index, target = self.in_force[tps]
        stmt = Correction(
            type="correction", election=self.origin, at=CORRECTION_AT, tps=tps,
            contest="ppwp", corrects=EntryRef(index=index, leaf_hash=target.leaf_hash_hex),
            form=form, reason=reason,
        )  # fmt: skip
        env = sign_statement(stmt, self.keys.key(f"kpu-kab-{tps[:4]}"))
        index = self._log(env)
        self.in_force[tps] = (index, env)
        return index

    def d_hasil(self, region: str, totals: Mapping[str, object]) -> int:
        """The region's D.Hasil, signed by the body that recaps that level."""
        level = level_of(region)
        stmt = DHasil(
            type="d-hasil", election=self.origin, at=RECAP_AT, region=region,
            level=LEVEL_NAMES[level], contest="ppwp",
            totals=RecapTotals.model_validate(totals),
        )  # fmt: skip
        signer = RECAP_SIGNER[level].format(code=region)
        return self._log(sign_statement(stmt, self.keys.key(signer)))

    def iter_tps(self) -> Iterator[str]:
        return self.hierarchy.iter_tps()


PARTIES = tuple(num for num, _ in PAIR_PARTIES.values())
"""The parties whose witnesses the synthetic election registers."""

__all__ = ["PARTIES", "Logbook"]
