"""The form's arithmetic rules (docs/rules.md) and the screening flags (docs/recap.md).

Written from the two tables of those pages. A form is a tuple of its numbers in the
paper form's order (:data:`~saksi.verify.schema.BEFORE_PAIRS`, then the pairs' votes
in the order of their numbers, then :data:`~saksi.verify.schema.AFTER_PAIRS`).
:func:`violations` gives the rule codes the form breaks, in the table's order (a
``range`` or ``each-le`` rule once per box that breaks it), and whether any is
impossible; :func:`flags` the screening flags it raises.

:func:`legislative_violations` is the same for the legislative forms (docs/rules.md,
"The legislative forms"): the boxes of sections I-III, then per party on the ballot A.1,
each candidate's A.2 and B (a party form) or each candidate's votes (a DPD form), then
V.A, V.B, V.C.
"""

from __future__ import annotations

from typing import Final

from saksi.verify.schema import BEFORE_PAIRS

IMPOSSIBLE: Final = frozenset(
    {
        "kotak-3-digit",
        "jumlah-lp-pemilih-dpt",
        "jumlah-lp-pengguna-dpt",
        "jumlah-lp-pengguna-dptb",
        "jumlah-lp-pengguna-non-dpt",
        "jumlah-lp-pengguna-total",
        "jumlah-lp-disabilitas",
        "pengguna-total-l",
        "pengguna-total-p",
        "pengguna-total-j",
        "pengguna-dpt-maks-dpt-l",
        "pengguna-dpt-maks-dpt-p",
        "pengguna-dpt-maks-dpt-j",
        "disabilitas-maks-pengguna-l",
        "disabilitas-maks-pengguna-p",
        "disabilitas-maks-pengguna-j",
        "suara-sah",
        "suara-total",
        "suara-total-maks-pengguna",
        "suara-paslon-maks-pengguna",
        "surat-suara-digunakan",
        "surat-suara-diterima",
    }
)
"""The rules of severity ``impossible``: a form breaking one is held out of the totals."""

FLAGS: Final = (
    "voters-above-300",
    "votes-above-eligible",
    "turnout-above-100",
    "pair-above-voters",
    "unanimous-high-turnout",
)
"""The screening flags, in the order docs/recap.md lists them."""

_AT = {name: i for i, name in enumerate(BEFORE_PAIRS)}
_SPLIT_EQ = (
    ("jumlah-lp-pemilih-dpt", "pemilih_dpt"),
    ("jumlah-lp-pengguna-dpt", "pengguna_dpt"),
    ("jumlah-lp-pengguna-dptb", "pengguna_dptb"),
    ("jumlah-lp-pengguna-non-dpt", "pengguna_non_dpt"),
    ("jumlah-lp-pengguna-total", "pengguna_total"),
    ("jumlah-lp-disabilitas", "pemilih_disabilitas"),
)
_LPJ = {base: (_AT[f"{base}_l"], _AT[f"{base}_p"], _AT[f"{base}_j"]) for _, base in _SPLIT_EQ}


def violations(v: tuple[int, ...], n_pairs: int) -> tuple[tuple[str, ...], bool]:  # noqa: C901, PLR0912
    """The rules form ``v`` breaks (table order) and whether one is impossible."""
    out: list[str] = []
    add = out.append
    if min(v) < 0 or max(v) > 999:  # kotak-3-digit, once per box
        for x in v:
            if not 0 <= x <= 999:
                add("kotak-3-digit")
    for code, base in _SPLIT_EQ:
        l_, p_, j_ = _LPJ[base]
        if v[j_] != v[l_] + v[p_]:
            add(code)
    dpt, dpt_u, dptb, dpk, tot = (
        _LPJ[b]
        for b in (
            "pemilih_dpt",
            "pengguna_dpt",
            "pengguna_dptb",
            "pengguna_non_dpt",
            "pengguna_total",
        )
    )
    for k, s in enumerate("lpj"):
        if v[tot[k]] != v[dpt_u[k]] + v[dptb[k]] + v[dpk[k]]:
            add(f"pengguna-total-{s}")
    for k, s in enumerate("lpj"):
        if v[dpt_u[k]] > v[dpt[k]]:
            add(f"pengguna-dpt-maks-dpt-{s}")
    dis = _LPJ["pemilih_disabilitas"]
    for k, s in enumerate("lpj"):
        if v[dis[k]] > v[tot[k]]:
            add(f"disabilitas-maks-pengguna-{s}")
    first = len(BEFORE_PAIRS)
    pairs = v[first : first + n_pairs]
    sah, tidak_sah, total = v[first + n_pairs : first + n_pairs + 3]
    voters = v[tot[2]]
    if sah != sum(pairs):
        add("suara-sah")
    if total != sah + tidak_sah:
        add("suara-total")
    if total > voters:
        add("suara-total-maks-pengguna")
    for votes in pairs:
        if votes > voters:
            add("suara-paslon-maks-pengguna")
    diterima, digunakan, dikembalikan, tidak_digunakan = v[
        _AT["surat_suara_diterima"] : _AT["surat_suara_diterima"] + 4
    ]
    if digunakan != total:
        add("surat-suara-digunakan")
    if diterima != digunakan + dikembalikan + tidak_digunakan:
        add("surat-suara-diterima")
    impossible = bool(out)
    if total < voters:
        add("suara-total-sama-pengguna")
    registered = v[dpt[2]]
    if abs(diterima - (registered + (registered * 2 + 99) // 100)) > 1:
        add("surat-suara-cadangan")
    if sum(pairs) * 100 > 102 * registered:
        add("kawalpemilu-dpt-102")
    if not 0 <= registered <= 300:
        add("dpt-maks-300")
    return tuple(out), impossible


def flags(v: tuple[int, ...], n_pairs: int) -> tuple[str, ...]:
    """The screening flags of docs/recap.md that form ``v`` raises, in their order."""
    first = len(BEFORE_PAIRS)
    pairs = v[first : first + n_pairs]
    total = v[first + n_pairs + 2]
    voters = v[_AT["pengguna_total_j"]]
    registered = v[_AT["pemilih_dpt_j"]]
    out: list[str] = []
    if voters > 300:
        out.append("voters-above-300")
    if total > registered + v[_AT["pengguna_dptb_j"]] + v[_AT["pengguna_non_dpt_j"]]:
        out.append("votes-above-eligible")
    if registered and voters > registered:
        out.append("turnout-above-100")
    if any(p > voters for p in pairs):
        out.append("pair-above-voters")
    valid = sum(pairs)
    if valid and registered and voters * 100 > 95 * registered and valid in pairs:
        out.append("unanimous-high-turnout")
    return tuple(out)


# -- the legislative forms ------------------------------------------------------

LEGISLATIVE_IMPOSSIBLE: Final = IMPOSSIBLE | {
    "suara-sah-partai",
    "suara-sah-jumlah-partai",
    "suara-partai-maks-pengguna",
    "suara-caleg-maks-pengguna",
    "suara-sah-jumlah-calon",
    "suara-calon-maks-pengguna",
}
"""The legislative forms' rules of severity ``impossible`` (``suara-sah-dpt-102`` and the
shared suspicious rules are not)."""

PartyBallot = tuple[tuple[str, tuple[int, ...]], ...]
"""A party form's ballot: each party's number with its candidates' numbers, in order."""


def legislative_violations(  # noqa: C901, PLR0912
    v: tuple[int, ...], parties: PartyBallot | None, candidates: int
) -> tuple[tuple[str, ...], bool]:
    """The rules a legislative form ``v`` breaks, in docs/rules.md's order for these
    forms, and whether one is impossible. ``parties``: a party form's ballot (None for a
    DPD form of ``candidates`` candidates)."""
    out: list[str] = []
    add = out.append
    if min(v) < 0 or max(v) > 999:  # kotak-3-digit, once per box
        for x in v:
            if not 0 <= x <= 999:
                add("kotak-3-digit")
    first = len(BEFORE_PAIRS)
    tot = _LPJ["pengguna_total"]
    voters = v[tot[2]]
    if parties is not None:
        at = first
        totals: list[int] = []
        named: list[int] = []
        for _, numbers in parties:
            n = len(numbers)
            own, caleg, b = v[at], v[at + 1 : at + 1 + n], v[at + 1 + n]
            if b != own + sum(caleg):
                add("suara-sah-partai")
            totals.append(b)
            named.extend(caleg)
            at += n + 2
        sah = v[at]
        if sah != sum(totals):
            add("suara-sah-jumlah-partai")
        if totals and max(totals) > voters:  # each party above them, in order
            out.extend("suara-partai-maks-pengguna" for b in totals if b > voters)
        if named and max(named) > voters:
            out.extend("suara-caleg-maks-pengguna" for x in named if x > voters)
    else:
        at = first + candidates
        sah = v[at]
        votes = v[first:at]
        if sah != sum(votes):
            add("suara-sah-jumlah-calon")
        for x in votes:
            if x > voters:
                add("suara-calon-maks-pengguna")
    tidak_sah, total = v[at + 1], v[at + 2]
    registered = v[_LPJ["pemilih_dpt"][2]]
    if sah * 100 > 102 * registered:
        add("suara-sah-dpt-102")
    _shared(v, out, sah, tidak_sah, total)
    return tuple(out), not LEGISLATIVE_IMPOSSIBLE.isdisjoint(out)


def legislative_flags(
    v: tuple[int, ...], parties: PartyBallot | None, candidates: int
) -> tuple[str, ...]:
    """The screening flags of docs/recap.md ("The legislative forms") that a legislative
    form ``v`` raises from its own values, in their order: ``party-above-voters``,
    ``candidate-above-voters``, ``unanimous-high-turnout`` (``share-jump``, which reads
    the TPS's first form too, is not raised here)."""
    first = len(BEFORE_PAIRS)
    voters = v[_LPJ["pengguna_total"][2]]
    registered = v[_LPJ["pemilih_dpt"][2]]
    units: list[int] = []
    named: list[int] = []
    if parties is not None:
        at = first
        for _, numbers in parties:
            n = len(numbers)
            named.extend(v[at + 1 : at + 1 + n])
            units.append(v[at + 1 + n])
            at += n + 2
    else:
        at = first + candidates
        units = named = list(v[first:at])
    valid = v[at]
    out: list[str] = []
    if parties is not None and max(units) > voters:
        out.append("party-above-voters")
    if named and max(named) > voters:
        out.append("candidate-above-voters")
    if valid and registered and voters * 100 > 95 * registered and valid in units:
        out.append("unanimous-high-turnout")
    return tuple(out)


SHARE_JUMP_POINTS: Final = 10
"""docs/recap.md: a correction moving a vote unit's share of the valid votes by more than
this many percentage points from the TPS's first form raises ``share-jump``."""


def share_jump(
    first: tuple[int, ...], now: tuple[int, ...], parties: PartyBallot | None, candidates: int
) -> bool:
    """Whether a correction ``now`` moves some vote unit's (a party's B, a DPD
    candidate's votes) share of ``suara_sah`` by more than :data:`SHARE_JUMP_POINTS`
    from the first form ``first`` (a form with no valid votes: every share 0). Whole
    numbers: ``100 * |u1 * v0 - u0 * v1| > points * v0 * v1``."""
    start = len(BEFORE_PAIRS)
    if parties is not None:
        units, at = [], start
        for _, numbers in parties:
            units.append(at + 1 + len(numbers))
            at += len(numbers) + 2
    else:
        units, at = list(range(start, start + candidates)), start + candidates
    v0, v1 = first[at], now[at]
    before, after = v0 or 1, v1 or 1
    for i in units:
        was, is_ = (first[i] if v0 else 0), (now[i] if v1 else 0)
        if 100 * abs(is_ * before - was * after) > SHARE_JUMP_POINTS * before * after:
            return True
    return False


CROSS_FORM_RULES: Final = (
    *(
        (
            f"dpt-sama-{s}", "impossible", "eq", f"pemilih_dpt_{s}",
            "the DPT (I.A) is one list for every ballot of a TPS",
            "DPT (I.A) satu daftar untuk semua surat suara di TPS yang sama",
        )
        for s in ("l", "p", "j")
    ),
    (
        "pengguna-dpt-sama", "suspicious", "eq", "pengguna_dpt_j",
        "a DPT voter who comes gets every ballot: worth a look",
        "pemilih DPT yang datang menerima semua surat suara: perlu diperiksa",
    ),
    (
        "pengguna-dptb-maks-ppwp", "suspicious", "le", "pengguna_dptb_j",
        "a DPTb voter gets no more legislative ballots than the PPWP ballot",
        "pemilih DPTb tidak menerima surat suara legislatif lebih dari surat suara PPWP",
    ),
)  # fmt: skip
"""docs/rules.md "Across the forms of one TPS", in its order: (code, severity, relation,
box, why in English, why in Bahasa Indonesia). ``eq``: the box is the same on both
forms; ``le``: a legislative form's box is at most the PPWP form's."""


def _shared(v: tuple[int, ...], out: list[str], sah: int, tidak_sah: int, total: int) -> None:  # noqa: C901, PLR0912
    """PPWP's rules that read no pair's votes, in their table's order."""
    add = out.append
    for code, base in _SPLIT_EQ:
        l_, p_, j_ = _LPJ[base]
        if v[j_] != v[l_] + v[p_]:
            add(code)
    dpt, dpt_u, dptb, dpk, tot, dis = (
        _LPJ[b]
        for b in (
            "pemilih_dpt",
            "pengguna_dpt",
            "pengguna_dptb",
            "pengguna_non_dpt",
            "pengguna_total",
            "pemilih_disabilitas",
        )
    )
    for k, s in enumerate("lpj"):
        if v[tot[k]] != v[dpt_u[k]] + v[dptb[k]] + v[dpk[k]]:
            add(f"pengguna-total-{s}")
    for k, s in enumerate("lpj"):
        if v[dpt_u[k]] > v[dpt[k]]:
            add(f"pengguna-dpt-maks-dpt-{s}")
    for k, s in enumerate("lpj"):
        if v[dis[k]] > v[tot[k]]:
            add(f"disabilitas-maks-pengguna-{s}")
    voters = v[tot[2]]
    if total != sah + tidak_sah:
        add("suara-total")
    if total > voters:
        add("suara-total-maks-pengguna")
    diterima, digunakan, dikembalikan, tidak_digunakan = v[
        _AT["surat_suara_diterima"] : _AT["surat_suara_diterima"] + 4
    ]
    if digunakan != total:
        add("surat-suara-digunakan")
    if diterima != digunakan + dikembalikan + tidak_digunakan:
        add("surat-suara-diterima")
    if total < voters:
        add("suara-total-sama-pengguna")
    registered = v[dpt[2]]
    if abs(diterima - (registered + (registered * 2 + 99) // 100)) > 1:
        add("surat-suara-cadangan")
    if not 0 <= registered <= 300:
        add("dpt-maks-300")


__all__ = [
    "CROSS_FORM_RULES",
    "FLAGS",
    "IMPOSSIBLE",
    "LEGISLATIVE_IMPOSSIBLE",
    "SHARE_JUMP_POINTS",
    "PartyBallot",
    "flags",
    "legislative_flags",
    "legislative_violations",
    "share_jump",
    "violations",
]
