"""Small elections for recap tests, written straight into a log (no service).

``tiny()`` is two provinces, three kab/kota, four desa with ``tps_per_desa`` TPS
each (the service tests' regions); every TPS is witnessed by parties 1, 2 and 3.
Forms are deterministic: :meth:`Logbook.true_form` depends only on seed and TPS.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from saksi.election.contests import ContestKind
from saksi.election.forms import CHasilPPWP
from saksi.election.legislative import Contests
from saksi.election.legislative_forms import CHasilDPD, CHasilPartai
from saksi.election.synthetic_contests import synthetic_contests
from saksi.recap.fold import Recap
from saksi.sim.logbook import Logbook
from tests.election.legislative_factory import totals_of
from tests.ledger.factory import broken_form as broken
from tests.ledger.factory import hierarchy, shifted

__all__ = [
    "broken", "broken_legislative", "differing", "grown", "inflated", "is_legislative",
    "legislative_night", "misread", "night", "ppwp_ranks", "shifted", "tiny", "tiny_contests",
    "unanimous",
]  # fmt: skip

DPR, KABKOTA = ContestKind.DPR, ContestKind.DPRD_KABKOTA


def tiny(tps_per_desa: int = 2, seed: int = 2024, contests: Contests | None = None) -> Logbook:
    """A logbook holding the manifest and every key (all TPS witnessed); with
    ``contests`` (made for :func:`hierarchy`), a format v2 log."""
    regions = hierarchy(tps_per_desa)
    return Logbook(regions, seed=seed, witnessed=frozenset(regions.iter_tps()), contests=contests)


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
    contests: Contests | None = None,
    between: Callable[[Logbook, int], object] = lambda book, step: None,
) -> Logbook:
    """tiny() with a case of everything the results show, in TPS order: 0 counted with an
    agreeing witness copy (its form passed through ``first``), 1 inconsistent (a
    misread box, which a screening flag would also catch: held, so not flagged), 2 two
    disputing copies (5 and 2 votes moved), 3 corrected (3 more votes, ``reason``), 4
    flagged (unanimous), 5 and 6 plain, 7 missing; and a d-hasil inflated by 37 votes
    for pair 02 at kecamatan 317301. With ``contests``, a format v2 log; ``between(book,
    step)`` is called before its 12 PPWP statements (step -1) and after each (steps
    0-11) and may log more (legislative entries: they must not change what the night's
    PPWP shows)."""
    book = tiny(contests=contests)
    tps = list(book.iter_tps())
    steps: list[Callable[[], object]] = [
        lambda: book.c_hasil(tps[0], first(book.true_form(tps[0]), tps[0])),
        lambda: book.c_salinan(tps[0], "1"),
        lambda: book.c_hasil(tps[1], misread(book.true_form(tps[1]))),
        lambda: book.c_hasil(tps[2]),
        lambda: book.c_salinan(tps[2], "3", shifted(book.true_form(tps[2]), 5)),
        lambda: book.c_salinan(tps[2], "2", shifted(book.true_form(tps[2]), 2)),
        lambda: book.c_hasil(tps[3]),
        lambda: book.correction(tps[3], grown(book.true_form(tps[3]), 3), reason=reason),
        lambda: book.c_hasil(tps[4], unanimous(book.true_form(tps[4]))),
        lambda: book.c_hasil(tps[5]),
        lambda: book.c_hasil(tps[6]),
        lambda: book.d_hasil("317301", inflated(book, "317301", 37)),
    ]
    between(book, -1)
    for step, statement in enumerate(steps):
        statement()
        between(book, step)
    return book


def inflated(book: Logbook, region: str, votes: int) -> dict[str, Any]:
    """The totals of the forms logged below ``region``, with ``votes`` more for pair 02
    (and in ``suara_sah``): a D.Hasil that differs from its forms by exactly that."""
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    true = recap.totals(region, "ppwp").to_dict()
    true["suara_paslon"] = dict(true["suara_paslon"], **{"02": true["suara_paslon"]["02"] + votes})
    true["suara_sah"] += votes
    return true


# --- format v2: the legislative contests ------------------------------------------


@cache
def tiny_contests() -> Contests:
    """The synthetic contests of tiny()'s hierarchy."""
    return synthetic_contests(hierarchy())


def broken_legislative(form: CHasilPartai | CHasilDPD) -> CHasilPartai | CHasilDPD:
    """V.A off by one: the form breaks a rule of its own."""
    return form.model_copy(update={"suara_sah": form.suara_sah + 1})


def differing(form: CHasilPartai | CHasilDPD) -> CHasilPartai | CHasilDPD:
    """One more invalid ballot, and in the total: a copy that differs from the form."""
    return form.model_copy(
        update={"suara_tidak_sah": form.suara_tidak_sah + 1, "suara_total": form.suara_total + 1}
    )


def dpd_candidate(book: Logbook, tps: str) -> str:
    assert book.contests is not None
    return str(book.contests.district_of(ContestKind.DPD, tps).candidates[0].number)


def legislative_night(book: Logbook, step: int) -> None:
    """Legislative entries of every kind to log between the PPWP statements of
    :func:`night` (its ``between``), each where PPWP has a case of its own: the PPWP
    results must not change."""
    assert book.contests is not None
    tps = list(book.iter_tps())
    if step == -1:  # a DPD candidate and its witness at TPS 0 (format v2's roles)
        number = dpd_candidate(book, tps[0])
        book.log(book.keys.dpd_candidate(tps[0][:2], number))
        book.log(book.keys.dpd_witness(number, tps[0]))
    elif step == 0:  # every ballot of TPS 0 (Jakarta: four)
        for kind in book.contests.ballots(tps[0]):
            book.legislative_c_hasil(tps[0], kind)
    elif step == 1:  # a party's and a DPD candidate's witness copies
        book.legislative_c_salinan(tps[0], DPR, "1")
        dpd = ContestKind.DPD
        book.legislative_c_salinan(tps[0], dpd, None, candidate=dpd_candidate(book, tps[0]))
    elif step == 2:  # a legislative form breaking its rules, at PPWP's held TPS
        book.legislative_c_hasil(
            tps[1], DPR, broken_legislative(book.true_legislative_form(tps[1], DPR))
        )
    elif step == 4:  # a disputing copy, at PPWP's disputed TPS
        book.legislative_c_hasil(tps[2], DPR)
        copy = differing(book.true_legislative_form(tps[2], DPR))
        book.legislative_c_salinan(tps[2], DPR, "3", copy)
    elif step == 6:  # a legislative correction, before PPWP's correction of TPS 3
        book.legislative_correction(tps[0], DPR, differing(book.true_legislative_form(tps[0], DPR)))
    elif step == 9:  # DPRD Kab/Kota outside Jakarta, corrected by an inconsistent form
        for kind in book.contests.ballots(tps[6]):
            book.legislative_c_hasil(tps[6], kind)
        book.legislative_correction(
            tps[6], KABKOTA, broken_legislative(book.true_legislative_form(tps[6], KABKOTA))
        )
    elif step == 10:  # the TPS that PPWP never hears from
        book.legislative_c_hasil(tps[7], DPR)
    elif step == 11:  # a legislative D.Hasil where PPWP's inflated one is
        code, _ = book.district(tps[2], DPR)
        book.legislative_d_hasil(
            "317301", DPR, code, totals_of(book.true_legislative_form(tps[2], DPR))
        )


LEGISLATIVE_ROLES = ("calon-dpd", "saksi-dpd")


def is_legislative(entry: bytes) -> bool:
    """A statement of a legislative contest, or a DPD candidate's (witness's) key."""
    stmt = json.loads(entry)["stmt"]
    return stmt.get("contest") in ("dpr", "dpd", "dprd-prov", "dprd-kabkota") or (
        stmt.get("role") in LEGISLATIVE_ROLES
    )


def ppwp_ranks(entries: Sequence[bytes]) -> dict[int, int]:
    """Log index -> rank among the entries that are not legislative: what an index
    points at, the same in a log with legislative entries and in one without."""
    kept = [i for i, e in enumerate(entries) if not is_legislative(e)]
    return {index: rank for rank, index in enumerate(kept)}
