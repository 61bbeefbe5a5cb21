"""Realistic, internally consistent tally forms, and the misreads that spoil them.

:func:`consistent_form` draws a Model C.Hasil-PPWP that passes every rule of
:mod:`saksi.election.rules`, the suspicious ones included: a TPS of at most 300
voters split by sex, about 80% turnout, a few DPTb/DPK voters, ballots received =
DPT + 2% reserve (rounded up), ballots used = votes counted = voters who came.

:func:`misreads` lists the ways a box's number is misread by OCR (the Sirekap failure
of February 2024), and :func:`catch_rate` measures, box by box, how many of those
misreads the rules catch. ``python -m saksi.sim.tally --catch-rate`` prints the table
that docs/rules.md carries.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from saksi.election.contests import PPWP_2024, PPWP_2024_RESULT
from saksi.election.forms import SECTION_II, CHasilPPWP, form_fields
from saksi.election.rules import check_reading, countable, suspects
from saksi.errors import InputError

MAX_DPT = 300
"""At most 300 voters on a TPS's DPT in the 2024 general election."""


def consistent_form(
    rng: random.Random,
    *,
    dpt: int | None = None,
    pairs: tuple[str, ...] = ("01", "02", "03"),
    shares: tuple[float, ...] | None = None,
    photos: tuple[str, ...] = (),
) -> CHasilPPWP:
    """A realistic form that breaks no rule; ``shares`` weight the pairs' votes."""
    dpt = rng.randint(150, MAX_DPT) if dpt is None else dpt
    weights = _weights(pairs, shares)
    if not 0 <= dpt <= MAX_DPT:
        raise InputError(
            code="sim.dpt-out-of-range",
            en=f"a TPS has 0..{MAX_DPT} voters on its DPT, not {dpt}",
            id=f"DPT satu TPS 0..{MAX_DPT} pemilih, bukan {dpt}",
        )
    dpt_l = _half(rng, dpt)
    dpt_p = dpt - dpt_l
    used_l = round(dpt_l * rng.uniform(0.70, 0.90))
    used_p = round(dpt_p * rng.uniform(0.70, 0.90))
    # KawalPemilu's rule: votes <= DPT x 1.02; the ballots received cover that too
    budget = (102 * dpt) // 100 - used_l - used_p
    extra = []
    for _ in range(4):  # DPTb L, DPTb P, DPK L, DPK P
        n = min(rng.choice((0, 0, 1, 1, 2, 3)), budget)
        extra.append(n)
        budget -= n
    dptb_l, dptb_p, dpk_l, dpk_p = extra
    total_l, total_p = used_l + dptb_l + dpk_l, used_p + dptb_p + dpk_p
    total = total_l + total_p
    received = dpt + -(-dpt * 2 // 100)
    returned = min(rng.choice((0, 0, 0, 1, 1, 2)), received - total)
    invalid = min(total, round(total * rng.uniform(0.0, 0.03)))
    valid = total - invalid
    dis_l = min(rng.choice((0, 0, 0, 1, 2)), total_l)
    dis_p = min(rng.choice((0, 0, 0, 1, 2)), total_p)
    return CHasilPPWP(
        pemilih_dpt_l=dpt_l,
        pemilih_dpt_p=dpt_p,
        pemilih_dpt_j=dpt,
        pengguna_dpt_l=used_l,
        pengguna_dpt_p=used_p,
        pengguna_dpt_j=used_l + used_p,
        pengguna_dptb_l=dptb_l,
        pengguna_dptb_p=dptb_p,
        pengguna_dptb_j=dptb_l + dptb_p,
        pengguna_non_dpt_l=dpk_l,
        pengguna_non_dpt_p=dpk_p,
        pengguna_non_dpt_j=dpk_l + dpk_p,
        pengguna_total_l=total_l,
        pengguna_total_p=total_p,
        pengguna_total_j=total,
        surat_suara_diterima=received,
        surat_suara_digunakan=total,
        surat_suara_dikembalikan=returned,
        surat_suara_tidak_digunakan=received - total - returned,
        pemilih_disabilitas_l=dis_l,
        pemilih_disabilitas_p=dis_p,
        pemilih_disabilitas_j=dis_l + dis_p,
        suara_paslon=dict(zip(pairs, _allocate(rng, valid, weights), strict=True)),
        suara_sah=valid,
        suara_tidak_sah=invalid,
        suara_total=total,
        foto=photos,
    )


def _weights(pairs: tuple[str, ...], shares: tuple[float, ...] | None) -> tuple[float, ...]:
    if shares is None:
        if pairs == PPWP_2024.pair_numbers():
            return tuple(float(PPWP_2024_RESULT[p]) for p in pairs)
        return (1.0,) * len(pairs)
    if len(shares) != len(pairs) or any(not s >= 0 for s in shares) or sum(shares) <= 0:
        raise InputError(
            code="sim.bad-shares",
            en=f"need one non-negative share per pair ({len(pairs)}), not summing to 0",
            id=f"perlu satu bobot tak-negatif per paslon ({len(pairs)}), jumlahnya bukan 0",
        )
    return shares


def _half(rng: random.Random, n: int) -> int:
    """Roughly half of ``n`` (the L part of an L/P split)."""
    return min(n, max(0, round(n * rng.uniform(0.45, 0.55))))


def _allocate(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` votes by noisy ``weights`` (largest remainder); sums to ``total``."""
    noisy = [w * rng.uniform(0.6, 1.4) for w in weights]
    scale = total / (sum(noisy) or 1.0)
    exact = [w * scale for w in noisy]
    counts = [int(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


# --- misreads -----------------------------------------------------------------------

CONFUSIONS: tuple[tuple[str, str], ...] = (
    ("3", "8"),
    ("2", "7"),
    ("1", "7"),
    ("5", "6"),
    ("0", "8"),
    ("4", "9"),
    ("6", "8"),
)
"""Digit pairs OCR confuses on handwritten forms, each read both ways.

3/8 and 2/7 are the confusions KPU itself named in February 2024; 1/7 (a serif or a
crossed seven), 5/6, 0/8 and 6/8 (a loop closed or left open) and 4/9 (an open or
closed top) are the common confusions of handwritten-digit recognisers.
"""

_PARTNERS: dict[str, tuple[str, ...]] = {}
for _a, _b in CONFUSIONS:
    _PARTNERS[_a] = (*_PARTNERS.get(_a, ()), _b)
    _PARTNERS[_b] = (*_PARTNERS.get(_b, ()), _a)

MISREAD_KINDS = ("substitute", "add", "drop")


@dataclass(frozen=True, slots=True)
class Misread:
    """One way of misreading a number: its kind and the number read instead."""

    kind: str  # "substitute" a confused digit, "add" a digit, "drop" a digit
    value: int


def misreads(value: int) -> tuple[Misread, ...]:
    """Every distinct misread of ``value`` as written (no leading zeros).

    - substitute: one digit replaced by a digit it is confused with (:data:`CONFUSIONS`);
    - add: one digit 0-9 inserted anywhere (58 -> 158, 548, 588; a blank box read as a
      digit), which can give four digits;
    - drop: one digit lost (58 -> 5 or 8; a lone digit dropped leaves an empty box, 0).

    A "misread" that gives back the same number (a leading 0 added) is no misread.
    """
    text = str(value)
    found: dict[tuple[str, int], None] = {}
    for i, digit in enumerate(text):
        for other in _PARTNERS.get(digit, ()):
            found[("substitute", int(text[:i] + other + text[i + 1 :]))] = None
    for i in range(len(text) + 1):
        for digit in "0123456789":
            found[("add", int(text[:i] + digit + text[i:]))] = None
    for i in range(len(text)):
        rest = text[:i] + text[i + 1 :]
        found[("drop", int(rest) if rest else 0)] = None
    return tuple(Misread(kind, new) for kind, new in found if new != value)


@dataclass(frozen=True, slots=True)
class BoxCatch:
    """How the rules fare against the misreads of one kind in one box, over a sample."""

    box: str
    kind: str
    tried: int = 0
    impossible: int = 0  # caught by at least one impossible rule
    flagged: int = 0  # caught by any rule (impossible or suspicious)
    pinpointed: int = 0  # the rules name this box, and only this box, as the suspect
    kawalpemilu: int = 0  # caught by KawalPemilu's DPT x 1.02 rule alone

    def __add__(self, other: BoxCatch) -> BoxCatch:
        return BoxCatch(
            self.box if self.box == other.box else "*",
            self.kind if self.kind == other.kind else "*",
            self.tried + other.tried,
            self.impossible + other.impossible,
            self.flagged + other.flagged,
            self.pinpointed + other.pinpointed,
            self.kawalpemilu + other.kawalpemilu,
        )


def catch_rate(forms: Sequence[CHasilPPWP], hide: Iterable[str] = ()) -> tuple[BoxCatch, ...]:
    """Try every misread of every box of every form; count what the rules catch.

    One entry per (box, misread kind), boxes in paper order. ``hide`` lists boxes
    treated as not given (None), as in KPU's published data; they are not tried.
    """
    hidden = frozenset(hide)
    counts: dict[tuple[str, str], list[int]] = {}
    for form in forms:
        reading: dict[str, int | None] = dict(form.reading())
        for name in hidden:
            reading[name] = None
        for box in form_fields(form.pairs):
            original = reading[box]
            if original is None:
                continue
            for misread in misreads(original):
                reading[box] = misread.value
                found = check_reading(reading, form.pairs)
                tally = counts.setdefault((box, misread.kind), [0, 0, 0, 0, 0])
                tally[0] += 1
                tally[1] += not countable(found)
                tally[2] += bool(found)
                tally[3] += suspects(reading, found, form.pairs) == (box,)
                tally[4] += any(v.rule == "kawalpemilu-dpt-102" for v in found)
            reading[box] = original
    return tuple(BoxCatch(box, kind, *c) for (box, kind), c in counts.items())


CATCH_RATE_SEED = 2024
CATCH_RATE_FORMS = 40
SIREKAP_HIDDEN = (
    *SECTION_II,
    "pemilih_disabilitas_l",
    "pemilih_disabilitas_p",
    "pemilih_disabilitas_j",
)
"""The boxes KPU's published data leaves out (sections II and III)."""


def sample_forms(n: int = CATCH_RATE_FORMS, seed: int = CATCH_RATE_SEED) -> list[CHasilPPWP]:
    """The fixed, seeded sample of consistent forms the catch-rate table is made from."""
    rng = random.Random(seed)
    return [consistent_form(rng) for _ in range(n)]


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _merge(entries: Iterable[BoxCatch], key: str) -> dict[str, BoxCatch]:
    out: dict[str, BoxCatch] = {}
    for e in entries:
        k = getattr(e, key)
        out[k] = out[k] + e if k in out else e
    return out


def _row(name: str, c: BoxCatch, kinds: Mapping[str, BoxCatch], sub: BoxCatch | None) -> str:
    per_kind = " | ".join(
        _pct(kinds[k].pinpointed, kinds[k].tried) if k in kinds else "-" for k in MISREAD_KINDS
    )
    subset = _pct(sub.pinpointed, sub.tried) if sub else "not published"
    return (
        f"| {name} | {c.tried} | {_pct(c.impossible, c.tried)} "
        f"| {_pct(c.flagged, c.tried)} | {per_kind} | {subset} "
        f"| {_pct(c.kawalpemilu, c.tried)} |"
    )


def catch_rate_table(forms: Sequence[CHasilPPWP] | None = None) -> str:
    """The Markdown table of docs/rules.md: per box, the full form and Sirekap's subset."""
    forms = sample_forms() if forms is None else forms
    return format_catch_table(catch_rate(forms), catch_rate(forms, SIREKAP_HIDDEN))


def format_catch_table(full: Sequence[BoxCatch], sirekap: Sequence[BoxCatch]) -> str:
    """Markdown for :func:`catch_rate` results on whole forms and on Sirekap's subset."""
    subset = _merge(sirekap, "box")
    lines = [
        "| box | misreads tried | caught (impossible) | flagged (any rule) "
        "| pinpointed: substitute | pinpointed: add | pinpointed: drop "
        "| pinpointed, Sirekap subset | KawalPemilu rule alone |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for box, c in _merge(full, "box").items():
        kinds = _merge((e for e in full if e.box == box), "kind")
        lines.append(_row(f"`{box}`", c, kinds, subset.get(box)))
    total = sum(full, BoxCatch("*", "*"))
    sub_total = sum(subset.values(), BoxCatch("*", "*"))
    lines.append(_row("**all boxes**", total, _merge(full, "kind"), sub_total))
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m saksi.sim.tally", description="Consistent forms and misread catch rates."
    )
    parser.add_argument(
        "--catch-rate",
        action="store_true",
        help="print the misread catch-rate table of docs/rules.md",
    )
    args = parser.parse_args(argv)
    if args.catch_rate:
        print(catch_rate_table(), end="")
        return 0
    print(consistent_form(random.Random()).model_dump_json(indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
