"""A small five-ballot election of format v2 for tests: a synthetic hierarchy, its
synthetic contests file, a v2 manifest, the key tree of a few TPS, signed forms.

Everything is deterministic (keys from their labels, forms from a seed)::

    election = LegislativeElection.build()
    tps = election.tps_in("32")                        # a TPS outside Jakarta
    env = election.c_hasil(tps, ContestKind.DPR)       # a signed, consistent C.Hasil-DPR
    election.admit(env)                                # intake: admit, then record
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from saksi.election.contests import ContestKind
from saksi.election.envelope import Envelope, sign_statement
from saksi.election.founding import Authorities, Timeline, derived_keys
from saksi.election.intake import Admission, Intake
from saksi.election.legislative import Contests
from saksi.election.legislative_forms import Ballot, CHasilDPD, CHasilPartai
from saksi.election.regions import Hierarchy
from saksi.election.statements import (
    CHasilLegislatif,
    CorrectionLegislatif,
    CSalinanLegislatif,
    DHasilLegislatif,
    EntryRef,
    KeyRegistration,
)
from saksi.election.synthetic import synthetic_hierarchy
from saksi.election.synthetic_contests import synthetic_contests
from saksi.election.wire import parse_model
from saksi.sim.legislative_tally import consistent_legislative_form

ORIGIN = "saksi.test/pemilu-2024-v2"
TIMELINE = Timeline(
    manifest_at="2024-01-15T00:00:00Z",
    keys_at="2024-02-01T00:00:00Z",
    valid_from="2024-02-01T00:00:00Z",
    valid_until="2024-03-31T00:00:00Z",
)
TALLY_AT = "2024-02-14T08:00:00Z"
LATER = "2024-02-20T08:00:00Z"


@cache
def small_world() -> tuple[Hierarchy, Contests]:
    """A hierarchy of about 1,600 TPS and its synthetic contests file (built once)."""
    hierarchy = synthetic_hierarchy(scale=0.002)
    return hierarchy, synthetic_contests(hierarchy)


@dataclass
class LegislativeElection:
    hierarchy: Hierarchy
    contests: Contests
    authorities: Authorities
    manifest: Envelope
    intake: Intake
    logged: list[Envelope] = field(default_factory=list)

    @classmethod
    def build(cls) -> LegislativeElection:
        hierarchy, contests = small_world()
        authorities = Authorities(
            origin=ORIGIN, name="Pemilu 2024 (uji)", timeline=TIMELINE, keys=derived_keys(7)
        )
        manifest = authorities.manifest(hierarchy, contests)
        intake = Intake.start(
            manifest.to_bytes(), region_exists=hierarchy.exists, contests=contests
        )
        return cls(hierarchy, contests, authorities, manifest, intake, [manifest])

    # -- logging -------------------------------------------------------------------

    def admit(self, envelope: Envelope) -> Admission:
        """Admit a statement submitted now (raises its refusal) and record it."""
        admission = self.intake.admit(envelope.to_bytes())
        self.intake.record(admission, len(self.logged))
        self.logged.append(envelope)
        return admission

    def register_tps(self, tps: str, *, party: str = "2") -> None:
        """The keys one TPS's statements need: KPU Provinsi, Kab/Kota, PPK, KPPS, a
        party witness (each once)."""
        done = {e.stmt.key for e in self.logged if isinstance(e.stmt, KeyRegistration)}
        for env in (
            self.authorities.province(tps[:2]),
            self.authorities.kabkota(tps[:4]),
            self.authorities.ppk(tps[:6]),
            self.authorities.kpps_device(tps),
            self.authorities.witness(party, tps),
        ):
            if env.stmt.key not in done:  # type: ignore[union-attr]
                self.admit(env)

    # -- the places ----------------------------------------------------------------

    def tps_in(self, prefix: str, nth: int = 0) -> str:
        return [t for t in self.hierarchy.iter_tps() if t.startswith(prefix)][nth]

    def ballot(self, tps: str, kind: ContestKind) -> tuple[str, Ballot]:
        district = self.contests.district_of(kind, tps)
        return district.code, Ballot.of(district)

    def form(self, tps: str, kind: ContestKind, seed: int = 1) -> CHasilPartai | CHasilDPD:
        _, ballot = self.ballot(tps, kind)
        return consistent_legislative_form(random.Random(f"{seed}:{tps}:{kind}"), ballot)

    # -- statements ------------------------------------------------------------------

    def _common(self, tps: str, kind: ContestKind, form: Any) -> dict[str, Any]:
        code, _ = self.ballot(tps, kind) if kind is not ContestKind.PPWP else ("", None)
        form = form if form is not None else self.form(tps, kind)
        data = form if isinstance(form, dict) else form.model_dump(mode="json")
        return {
            "election": ORIGIN, "at": TALLY_AT, "tps": tps, "contest": kind.value,
            "district": code, "form": data,
        }  # fmt: skip

    def c_hasil(self, tps: str, kind: ContestKind, form: Any = None, **change: Any) -> Envelope:
        fields = {"type": "c-hasil", **self._common(tps, kind, form), **change}
        stmt = parse_model(CHasilLegislatif, fields, "c-hasil")
        return sign_statement(stmt, self.authorities.kpps(tps))

    def c_salinan(
        self, tps: str, kind: ContestKind, signer: str, form: Any = None, **change: Any
    ) -> Envelope:
        fields = {"type": "c-salinan", **self._common(tps, kind, form), **change}
        stmt = parse_model(CSalinanLegislatif, fields, "c-salinan")
        return sign_statement(stmt, self.authorities.key(signer))

    def correction(
        self, tps: str, kind: ContestKind, corrects: Envelope, index: int, form: Any = None
    ) -> Envelope:
        fields = {
            "type": "correction", **self._common(tps, kind, form), "at": LATER,
            "corrects": EntryRef(index=index, leaf_hash=corrects.leaf_hash_hex).model_dump(),
            "reason": "salah tulis (uji)", "evidence": [],
        }  # fmt: skip
        stmt = parse_model(CorrectionLegislatif, fields, "correction")
        return sign_statement(stmt, self.authorities.key(f"kpu-kab-{tps[:4]}"))

    def d_hasil(
        self, region: str, level: str, kind: ContestKind, district: str, totals: dict[str, Any]
    ) -> Envelope:
        fields: dict[str, Any] = {
            "type": "d-hasil", "election": ORIGIN, "at": LATER, "region": region,
            "level": level, "contest": kind.value, "district": district, "totals": totals,
            "foto": [],
        }  # fmt: skip
        stmt = parse_model(DHasilLegislatif, fields, "d-hasil")
        signer = {"kecamatan": f"ppk-{region}", "kabkota": f"kpu-kab-{region}"}[level]
        return sign_statement(stmt, self.authorities.key(signer))


def totals_of(form: CHasilPartai | CHasilDPD) -> dict[str, Any]:
    """A D.Hasil's totals for one form (a region of one TPS)."""
    common = {
        "suara_sah": form.suara_sah, "suara_tidak_sah": form.suara_tidak_sah,
        "suara_total": form.suara_total, "pengguna_total_j": form.pengguna_total_j,
        "pemilih_dpt_j": form.pemilih_dpt_j, "jumlah_tps": 1,
    }  # fmt: skip
    if isinstance(form, CHasilDPD):
        return {**common, "suara_calon": dict(form.suara_calon)}
    return {**common, "partai": {p: v.model_dump() for p, v in form.partai.items()}}
