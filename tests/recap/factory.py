"""Small elections for recap tests, written straight into a log (no service).

``tiny()`` is two provinces, three kab/kota, four desa with ``tps_per_desa`` TPS
each (the service tests' regions); every TPS is witnessed by parties 1, 2 and 3.
Forms are deterministic: :meth:`Logbook.true_form` depends only on seed and TPS.
"""

from __future__ import annotations

from saksi.election.forms import CHasilPPWP
from saksi.sim.logbook import Logbook
from tests.service.factory import broken_form as broken
from tests.service.factory import hierarchy, shifted

__all__ = ["broken", "grown", "shifted", "tiny"]


def tiny(tps_per_desa: int = 2, seed: int = 2024) -> Logbook:
    """A logbook holding the manifest and every key (all TPS witnessed)."""
    regions = hierarchy(tps_per_desa)
    return Logbook(regions, seed=seed, witnessed=frozenset(regions.iter_tps()))


def grown(form: CHasilPPWP, votes: int) -> CHasilPPWP:
    """Consistent, with ``votes`` more for the first pair (and every total that holds them)."""
    first = sorted(form.suara_paslon)[0]
    paslon = dict(form.suara_paslon)
    paslon[first] += votes
    return form.model_copy(
        update={
            "suara_paslon": paslon,
            "suara_sah": form.suara_sah + votes,
            "suara_total": form.suara_total + votes,
            "pengguna_dpt_l": form.pengguna_dpt_l + votes,
            "pengguna_dpt_j": form.pengguna_dpt_j + votes,
            "pengguna_total_l": form.pengguna_total_l + votes,
            "pengguna_total_j": form.pengguna_total_j + votes,
            "surat_suara_digunakan": form.surat_suara_digunakan + votes,
            "surat_suara_tidak_digunakan": form.surat_suara_tidak_digunakan - votes,
        }
    )
