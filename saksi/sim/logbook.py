"""A log's entries written directly, without a service: for tests, benchmarks, fixtures.

:class:`Logbook` signs statements with a synthetic election's keys
(:class:`~saksi.sim.election.Authorities`) and keeps the entries in log order, as a
service would have logged them (it does not check them: the fold, the service or
the verifier does). It remembers each TPS's form in force, so that a correction can
cite it.

Given a contests file, the log is of format v2: its manifest also records the four
legislative contests, and the ``legislative_*`` methods sign their forms, copies,
corrections and recaps (a TPS's dapil and ballot from the file).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from saksi.election.codes import Level, level_of
from saksi.election.contests import ContestKind
from saksi.election.envelope import Envelope, sign_statement
from saksi.election.forms import CHasilPPWP
from saksi.election.legislative import Contests
from saksi.election.legislative_forms import Ballot, CHasilDPD, CHasilPartai
from saksi.election.regions import Hierarchy
from saksi.election.statements import (
    CHasil,
    CHasilLegislatif,
    Correction,
    CorrectionLegislatif,
    CSalinan,
    CSalinanLegislatif,
    DHasil,
    DHasilLegislatif,
    EntryRef,
    RecapLevel,
    RecapTotals,
)
from saksi.election.wire import parse_model
from saksi.sim.election import PAIR_PARTIES, Authorities
from saksi.sim.legislative_tally import consistent_legislative_form
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
    contests: Contests | None = None  # format v2: the legislative contests' file
    keys: Authorities = field(init=False)
    entries: list[bytes] = field(init=False, default_factory=list)
    in_force: dict[str, tuple[int, Envelope]] = field(init=False, default_factory=dict)
    legislative_in_force: dict[tuple[str, str], tuple[int, Envelope]] = field(
        init=False, default_factory=dict
    )  # (tps, contest) -> the form in force

    def __post_init__(self) -> None:
        self.keys = Authorities(self.seed)
        self.entries.append(self.keys.manifest(self.hierarchy, self.contests).to_bytes())
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

    def log(self, envelope: Envelope) -> int:
        """Log any signed statement as it is (a key registration of format v2, ...)."""
        return self._log(envelope)

    # -- format v2: the legislative contests ------------------------------------------

    def _contests(self) -> Contests:
        if self.contests is None:
            raise ValueError("a logbook without a contests file records no legislative form")
        return self.contests

    def district(self, tps: str, kind: ContestKind) -> tuple[str, Ballot]:
        """The TPS's dapil in ``kind`` (its code) and that dapil's ballot."""
        found = self._contests().district_of(kind, tps)
        return found.code, Ballot.of(found)

    def true_legislative_form(self, tps: str, kind: ContestKind) -> CHasilPartai | CHasilDPD:
        """The TPS's true, consistent form of ``kind`` (the same for a given seed)."""
        _, ballot = self.district(tps, kind)
        return consistent_legislative_form(random.Random(f"{self.seed}/{tps}/{kind}"), ballot)

    def _legislative(
        self, tps: str, kind: ContestKind, form: CHasilPartai | CHasilDPD | None
    ) -> dict[str, object]:
        code, _ = self.district(tps, kind)
        form = form if form is not None else self.true_legislative_form(tps, kind)
        return {
            "election": self.origin, "tps": tps, "contest": kind.value, "district": code,
            "form": form.model_dump(mode="json"),
        }  # fmt: skip

    def legislative_c_hasil(
        self, tps: str, kind: ContestKind, form: CHasilPartai | CHasilDPD | None = None
    ) -> int:
        """The KPPS's C.Hasil of a legislative contest."""
        fields = {"type": "c-hasil", "at": TALLY_AT, **self._legislative(tps, kind, form)}
        env = sign_statement(parse_model(CHasilLegislatif, fields, "c-hasil"), self.keys.kpps(tps))
        index = self._log(env)
        self.legislative_in_force[(tps, kind.value)] = (index, env)
        return index

    def legislative_c_salinan(
        self,
        tps: str,
        kind: ContestKind,
        party: str | None,
        form: CHasilPartai | CHasilDPD | None = None,
        *,
        candidate: str | None = None,
    ) -> int:
        """A party witness's copy of a legislative form (the TPS must be witnessed), or
        with ``candidate`` (and no party) a DPD candidate's witness's copy of the DPD
        form (its key registered: ``keys.dpd_candidate``, ``keys.dpd_witness``)."""
        fields = {
            "type": "c-salinan", "at": TALLY_AT, "party": party, "candidate": candidate,
            **self._legislative(tps, kind, form),
        }  # fmt: skip
        stmt = parse_model(CSalinanLegislatif, fields, "c-salinan")
        signer = (
            self.keys.saksi(str(party), tps)
            if candidate is None
            else self.keys.key(f"saksi-dpd-{candidate}-{tps}")
        )
        return self._log(sign_statement(stmt, signer))

    def legislative_correction(
        self,
        tps: str,
        kind: ContestKind,
        form: CHasilPartai | CHasilDPD,
        reason: str = "salah hitung",
    ) -> int:
        """KPU Kab/Kota replaces the TPS's legislative form in force."""
        index, target = self.legislative_in_force[(tps, kind.value)]
        fields = {
            "type": "correction", "at": CORRECTION_AT, "reason": reason,
            "corrects": {"index": index, "leaf_hash": target.leaf_hash_hex},
            **self._legislative(tps, kind, form),
        }  # fmt: skip
        stmt = parse_model(CorrectionLegislatif, fields, "correction")
        env = sign_statement(stmt, self.keys.key(f"kpu-kab-{tps[:4]}"))
        index = self._log(env)
        self.legislative_in_force[(tps, kind.value)] = (index, env)
        return index

    def legislative_d_hasil(
        self, region: str, kind: ContestKind, district: str, totals: Mapping[str, object]
    ) -> int:
        """The region's D.Hasil of a legislative contest for (its part of) one dapil."""
        level = level_of(region)
        fields = {
            "type": "d-hasil", "election": self.origin, "at": RECAP_AT, "region": region,
            "level": LEVEL_NAMES[level], "contest": kind.value, "district": district,
            "totals": dict(totals),
        }  # fmt: skip
        stmt = parse_model(DHasilLegislatif, fields, "d-hasil")
        signer = RECAP_SIGNER[level].format(code=region)
        return self._log(sign_statement(stmt, self.keys.key(signer)))


PARTIES = tuple(num for num, _ in PAIR_PARTIES.values())
"""The parties whose witnesses the synthetic election registers."""

__all__ = ["PARTIES", "Logbook"]
