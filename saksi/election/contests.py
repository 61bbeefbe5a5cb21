"""Contests of Pemilu 2024: PPWP complete; room for DPR, DPD, DPRD.

A contest is one ballot at every TPS: PPWP (President/Vice-President, candidate
pairs), DPR (parties and their candidates per electoral district), DPD (individual
candidates per province), DPRD Provinsi and DPRD Kab/Kota (parties, candidates,
districts; Aceh adds local parties). Only PPWP has a form model and rules so far;
the legislative contests are described here so that manifests and statements can
name them without a format change.
"""

from __future__ import annotations

import enum
from typing import Annotated, Final, Literal

from pydantic import Field, model_validator

from saksi.election.wire import FieldInvalid, WireModel
from saksi.errors import ContestError


class ContestKind(enum.StrEnum):
    PPWP = "ppwp"  # Presiden dan Wakil Presiden
    DPR = "dpr"  # Dewan Perwakilan Rakyat
    DPD = "dpd"  # Dewan Perwakilan Daerah
    DPRD_PROV = "dprd-prov"  # DPRD Provinsi
    DPRD_KABKOTA = "dprd-kabkota"  # DPRD Kabupaten/Kota


Name = Annotated[str, Field(min_length=1, max_length=200)]

FORMS: Final[dict[str, str]] = {
    "ppwp": "c-hasil-ppwp",
    "dpr": "c-hasil-dpr",
    "dpd": "c-hasil-dpd",
    "dprd-prov": "c-hasil-dprd-prov",
    "dprd-kabkota": "c-hasil-dprd-kabkota",
}
"""The form model that records each contest (the legislative ones from format v2)."""
FormName = Literal[
    "c-hasil-ppwp", "c-hasil-dpr", "c-hasil-dpd", "c-hasil-dprd-prov", "c-hasil-dprd-kabkota"
]
LEGISLATIVE_FORMS: Final = frozenset(FORMS.values()) - {"c-hasil-ppwp"}


class Pair(WireModel):
    """A PPWP candidate pair, by ballot number."""

    number: Annotated[str, Field(pattern=r"^[0-9]{2}$")]
    president: Name
    vice_president: Name
    sirekap_id: str | None = None  # KPU's chart key, e.g. "100025"


class Party(WireModel):
    number: Annotated[str, Field(pattern=r"^[1-9][0-9]?$")]  # no leading zero
    name: Name
    local: bool = False  # Aceh's local parties (DPRD only)


class Candidate(WireModel):
    number: Annotated[int, Field(ge=1, le=999)]
    name: Name
    party: str | None = None  # party number; None for DPD candidates


class ElectoralDistrict(WireModel):
    """A dapil: the regions it covers (codes) and the seats it elects."""

    code: Annotated[str, Field(min_length=1, max_length=20)]
    name: Name
    seats: Annotated[int, Field(ge=1, le=100)]
    regions: tuple[str, ...] = Field(min_length=1)


class Contest(WireModel):
    """One contest of the election."""

    kind: ContestKind
    name: Name
    pairs: tuple[Pair, ...] = ()
    parties: tuple[Party, ...] = ()
    districts: tuple[ElectoralDistrict, ...] = ()
    candidates: tuple[tuple[str, tuple[Candidate, ...]], ...] = ()  # (district, list)
    threshold_percent: Annotated[int, Field(ge=0, le=100)] | None = None
    form: FormName | None = None  # the form model that records it

    @model_validator(mode="after")
    def _form_of_its_kind(self) -> Contest:
        # format v1 let any kind name c-hasil-ppwp (kept as it was); a legislative form
        # (format v2) must be its own kind's, and the ballot is the contests file's
        if self.form in LEGISLATIVE_FORMS:
            if self.form != FORMS[self.kind.value]:
                raise FieldInvalid(
                    f"form: contest {self.kind.value} is recorded on {FORMS[self.kind.value]}, "
                    f"not {self.form}",
                    f"form: pemilihan {self.kind.value} dicatat pada {FORMS[self.kind.value]}, "
                    f"bukan {self.form}",
                )
            if self.pairs or self.parties or self.districts or self.candidates:
                raise FieldInvalid(
                    f"contest {self.kind.value}: its parties, dapil and candidates are the "
                    "contests file's (contests_digest), not the manifest's",
                    f"pemilihan {self.kind.value}: partai, dapil dan calonnya ada dalam berkas "
                    "pemilihan (contests_digest), bukan dalam manifest",
                )
        return self

    @property
    def legislative(self) -> bool:
        """Recorded on a legislative form (format v2), its ballot in the contests file."""
        return self.form in LEGISLATIVE_FORMS

    def pair_numbers(self) -> tuple[str, ...]:
        return tuple(p.number for p in self.pairs)

    def pair(self, number: str) -> Pair:
        for p in self.pairs:
            if p.number == number:
                return p
        raise ContestError(
            code="contest.unknown-pair",
            en=f"no candidate pair {number!r} in contest {self.kind.value}",
            id=f"tidak ada pasangan calon nomor {number!r} dalam pemilihan {self.kind.value}",
        )


PPWP_2024 = Contest(
    kind=ContestKind.PPWP,
    name="Pemilihan Umum Presiden dan Wakil Presiden 2024",
    form="c-hasil-ppwp",
    pairs=(
        Pair(
            number="01",
            president="H. Anies Rasyid Baswedan, Ph.D.",
            vice_president="Dr. (H.C.) H. A. Muhaimin Iskandar",
            sirekap_id="100025",
        ),
        Pair(
            number="02",
            president="H. Prabowo Subianto",
            vice_president="Gibran Rakabuming Raka",
            sirekap_id="100026",
        ),
        Pair(
            number="03",
            president="H. Ganjar Pranowo, S.H., M.I.P.",
            vice_president="Prof. Dr. H. M. Mahfud MD",
            sirekap_id="100027",
        ),
    ),
)
"""PPWP 2024 as decided by KPU: three pairs, ballot numbers 01-03."""

PPWP_2024_RESULT = {"01": 40_971_906, "02": 96_214_691, "03": 27_040_878}
"""KPU decree 360/2024 (20 March 2024): valid votes per pair; 164,227,475 in all."""

PARTIES_2024 = (
    Party(number="1", name="Partai Kebangkitan Bangsa"),
    Party(number="2", name="Partai Gerakan Indonesia Raya"),
    Party(number="3", name="Partai Demokrasi Indonesia Perjuangan"),
    Party(number="4", name="Partai GOLKAR"),
    Party(number="5", name="Partai Nasdem"),
    Party(number="6", name="Partai Buruh"),
    Party(number="7", name="Partai Gelombang Rakyat Indonesia"),
    Party(number="8", name="PARTAI KEADILAN SEJAHTERA"),
    Party(number="9", name="Partai Kebangkitan Nusantara"),
    Party(number="10", name="Partai Hati Nurani Rakyat"),
    Party(number="11", name="Partai Garda Republik Indonesia"),
    Party(number="12", name="Partai Amanat Nasional"),
    Party(number="13", name="Partai Bulan Bintang"),
    Party(number="14", name="Partai Demokrat"),
    Party(number="15", name="Partai Solidaritas Indonesia"),
    Party(number="16", name="PARTAI PERINDO"),
    Party(number="17", name="Partai Persatuan Pembangunan"),
    Party(number="18", name="Partai Nanggroe Aceh", local=True),
    Party(number="19", name="Partai Generasi Atjeh Beusaboh Tha'at Dan Taqwa", local=True),
    Party(number="20", name="Partai Darul Aceh", local=True),
    Party(number="21", name="Partai Aceh", local=True),
    Party(number="22", name="Partai Adil Sejahtera Aceh", local=True),
    Party(number="23", name="PARTAI SIRA (SOLIDITAS INDEPENDEN RAKYAT ACEH)", local=True),
    Party(number="24", name="Partai Ummat"),
)
"""The 24 parties of Pemilu 2024 by ballot number (KPU decree 518/2022 and 552/2022);
18-23 are Aceh's local parties, on DPRD ballots in Aceh only."""

CONTESTS_2024 = (PPWP_2024,)
"""The contests Saksi records so far."""


def contest(kind: str, contests: tuple[Contest, ...] = CONTESTS_2024) -> Contest:
    for c in contests:
        if c.kind.value == kind:
            return c
    raise ContestError(
        code="contest.unknown",
        en=f"unknown contest {kind!r}; known: {', '.join(c.kind.value for c in contests)}",
        id=(
            f"pemilihan {kind!r} tidak dikenal; yang ada: "
            f"{', '.join(c.kind.value for c in contests)}"
        ),
    )
