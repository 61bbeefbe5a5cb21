"""Model C.Hasil-PPWP: the TPS tally form for the presidential contest, as written.

Every box of the real form is a field here. Totals are kept *as written on the
form*, never derived: their redundancy (J = L + P, B.4 = B.1 + B.2 + B.3,
V.A = sum of IV, ...) is what catches a misread digit. Field names follow KPU's own
published data (Sirekap) where it has one.

A :class:`FormReading` is the flat view the rules work on: field name -> number, or
``None`` where the source did not give the box (KPU's published data leaves out
sections II and III, for example). Saksi's own forms always fill every box.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import Field

from saksi.election.wire import Count, Sha256Hex, WireModel

FormReading = Mapping[str, int | None]
"""Flat field name -> value (None = not given by the source)."""

SPLITS = ("l", "p", "j")
"""Laki-laki, perempuan, jumlah (L + P)."""

SECTION_I = ("pemilih_dpt", "pengguna_dpt", "pengguna_dptb", "pengguna_non_dpt", "pengguna_total")
SECTION_II = (
    "surat_suara_diterima",
    "surat_suara_digunakan",
    "surat_suara_dikembalikan",
    "surat_suara_tidak_digunakan",
)
SECTION_III = ("pemilih_disabilitas",)
SECTION_V = ("suara_sah", "suara_tidak_sah", "suara_total")

PairNumber = Annotated[str, Field(strict=True, pattern=r"^[0-9]{2}$")]
"""A candidate pair's ballot number, two digits: "01", "02", "03"."""


def vote_field(pair: str) -> str:
    """The flat field name of a pair's votes in a FormReading: ``suara_paslon_01``."""
    return f"suara_paslon_{pair}"


class CHasilPPWP(WireModel):
    """Model C.Hasil-PPWP, every box as written by the KPPS."""

    # I.A  voters on the final voter list (DPT)
    pemilih_dpt_l: Count
    pemilih_dpt_p: Count
    pemilih_dpt_j: Count
    # I.B.1  DPT voters who voted
    pengguna_dpt_l: Count
    pengguna_dpt_p: Count
    pengguna_dpt_j: Count
    # I.B.2  DPTb (transferred) voters who voted
    pengguna_dptb_l: Count
    pengguna_dptb_p: Count
    pengguna_dptb_j: Count
    # I.B.3  DPK (special list) voters who voted
    pengguna_non_dpt_l: Count
    pengguna_non_dpt_p: Count
    pengguna_non_dpt_j: Count
    # I.B.4  all who voted (B.1 + B.2 + B.3)
    pengguna_total_l: Count
    pengguna_total_p: Count
    pengguna_total_j: Count
    # II  ballots
    surat_suara_diterima: Count  # II.1 received, incl. the 2% reserve
    surat_suara_digunakan: Count  # II.2 used
    surat_suara_dikembalikan: Count  # II.3 returned damaged or mis-marked
    surat_suara_tidak_digunakan: Count  # II.4 unused, incl. leftover reserve
    # III  disabled voters who voted
    pemilih_disabilitas_l: Count
    pemilih_disabilitas_p: Count
    pemilih_disabilitas_j: Count
    # IV  valid votes per pair, by ballot number
    suara_paslon: dict[PairNumber, Count] = Field(min_length=1, max_length=20)
    # V  totals
    suara_sah: Count  # V.A
    suara_tidak_sah: Count  # V.B
    suara_total: Count  # V.C = V.A + V.B
    # photos of the form's pages, content-addressed (SHA-256 of the image bytes)
    # (strict=False on the container only: decoded JSON gives a list, and a strict tuple
    # refuses lists; every item stays a strict Sha256Hex)
    foto: tuple[Sha256Hex, ...] = Field(default=(), max_length=16, strict=False)

    def reading(self) -> dict[str, int | None]:
        """The flat view the rules check (every box present)."""
        data = self.model_dump(exclude={"suara_paslon", "foto"})
        flat: dict[str, int | None] = {k: int(v) for k, v in data.items()}
        for pair, votes in sorted(self.suara_paslon.items()):
            flat[vote_field(pair)] = votes
        return flat

    @property
    def pairs(self) -> tuple[str, ...]:
        return tuple(sorted(self.suara_paslon))


def form_fields(pairs: tuple[str, ...] = ("01", "02", "03")) -> tuple[str, ...]:
    """Every box of the form in paper order, as flat FormReading names."""
    out: list[str] = [f"{base}_{s}" for base in SECTION_I for s in SPLITS]
    out += list(SECTION_II)
    out += [f"{base}_{s}" for base in SECTION_III for s in SPLITS]
    out += [vote_field(p) for p in pairs]
    out += list(SECTION_V)
    return tuple(out)
