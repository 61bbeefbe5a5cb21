"""Small elections for recap tests, written straight into a log (no service).

``tiny()`` is two provinces, three kab/kota, four desa with ``tps_per_desa`` TPS
each (the service tests' regions); every TPS is witnessed by parties 1, 2 and 3.
Forms are deterministic: :meth:`Logbook.true_form` depends only on seed and TPS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from saksi.election.forms import CHasilPPWP
from saksi.recap.fold import Recap
from saksi.sim.logbook import Logbook
from tests.ledger.factory import broken_form as broken
from tests.ledger.factory import hierarchy, shifted

__all__ = ["broken", "grown", "inflated", "misread", "night", "shifted", "tiny", "unanimous"]


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


def misread(form: CHasilPPWP) -> CHasilPPWP:
    """Pair 01's box read with a 9 in front (48 -> 948, the Sirekap case), the totals
    as written: impossible (held out of the totals), and a pair above its voters."""
    paslon = dict(form.suara_paslon)
    paslon["01"] = int(f"9{paslon['01']:02d}")
    return form.model_copy(update={"suara_paslon": paslon})


def unanimous(form: CHasilPPWP) -> CHasilPPWP:
    """Every valid vote for pair 01 and a DPT equal to its voters: two screening flags
    (turnout above 100 %, unanimous with high turnout), still counted."""
    return form.model_copy(
        update={
            "suara_paslon": {"01": form.suara_sah, "02": 0, "03": 0},
            "pemilih_dpt_l": form.pengguna_dpt_l,
            "pemilih_dpt_p": form.pengguna_dpt_p,
            "pemilih_dpt_j": form.pengguna_dpt_j,
        }
    )


def night(
    *,
    reason: str = "hitung ulang pleno",
    first: Callable[[CHasilPPWP, str], CHasilPPWP] = lambda form, tps: form,
) -> Logbook:
    """tiny() with a case of everything the results show, in TPS order: 0 counted with an
    agreeing witness copy (its form passed through ``first``), 1 inconsistent (a
    misread box, which a screening flag would also catch: held, so not flagged), 2 two
    disputing copies (5 and 2 votes moved), 3 corrected (3 more votes, ``reason``), 4
    flagged (unanimous), 5 and 6 plain, 7 missing; and a d-hasil inflated by 37 votes
    for pair 02 at kecamatan 317301."""
    book = tiny()
    tps = list(book.iter_tps())
    book.c_hasil(tps[0], first(book.true_form(tps[0]), tps[0]))
    book.c_salinan(tps[0], "1")
    book.c_hasil(tps[1], misread(book.true_form(tps[1])))
    book.c_hasil(tps[2])
    book.c_salinan(tps[2], "3", shifted(book.true_form(tps[2]), 5))
    book.c_salinan(tps[2], "2", shifted(book.true_form(tps[2]), 2))
    book.c_hasil(tps[3])
    book.correction(tps[3], grown(book.true_form(tps[3]), 3), reason=reason)
    book.c_hasil(tps[4], unanimous(book.true_form(tps[4])))
    book.c_hasil(tps[5])
    book.c_hasil(tps[6])
    book.d_hasil("317301", inflated(book, "317301", 37))
    return book


def inflated(book: Logbook, region: str, votes: int) -> dict[str, Any]:
    """The totals of the forms logged below ``region``, with ``votes`` more for pair 02
    (and in ``suara_sah``): a D.Hasil that differs from its forms by exactly that."""
    true = Recap.replay(book.hierarchy, book.entries).totals(region, "ppwp").to_dict()
    true["suara_paslon"] = dict(true["suara_paslon"], **{"02": true["suara_paslon"]["02"] + votes})
    true["suara_sah"] += votes
    return true
