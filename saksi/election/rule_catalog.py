"""The arithmetic rules of Model C.Hasil-PPWP, as declarative data.

Every rule is a :class:`Rule`: a stable kebab-case ``code``, an integer ``version``
(bumped whenever what the rule accepts or says changes), a :class:`Severity`, a
``kind`` from a small closed vocabulary (:class:`Kind`), the fields it reads
(``lhs`` and ``rhs``), integer ``constants`` and a message template in Bahasa
Indonesia and English. Nothing here is code: :mod:`saksi.election.rules` evaluates
these definitions, and :func:`rules_as_json` hands the same definitions to any other
implementation (the JavaScript entry app), so that both refuse the same forms with
the same words.

Kinds (``L`` = sum of the ``lhs`` values, ``R`` = sum of the ``rhs`` values):

======================  =====================================================
``range``               every ``lhs`` field: ``min <= v <= max``
``sum-eq``              ``L == R``
``sum-le``              ``L <= R``
``sum-ge``              ``L >= R``
``each-le``             every ``lhs`` field: ``v <= R``
``sum-le-percent``      ``100 * L <= percent * R``
``reserve``             ``|L - (R + ceil(R * percent / 100))| <= tolerance``
======================  =====================================================

A field written ``suara_paslon_*`` stands for one field per candidate pair
(``suara_paslon_01``, ``suara_paslon_02``, ...); ``*`` alone stands for every box of
the form.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from saksi.election.forms import SECTION_I, SECTION_II, SPLITS, form_fields, vote_field

RULESET_VERSION = "c-hasil-ppwp-2024.1"
"""Version of the rule set as a whole; bumped whenever any rule's version changes."""

PAIR_FIELDS = "suara_paslon_*"
ALL_FIELDS = "*"


class Severity(enum.StrEnum):
    """What breaking a rule means for the form."""

    IMPOSSIBLE = "impossible"
    """The form cannot be counted as it stands (held for correction)."""
    SUSPICIOUS = "suspicious"
    """The form is counted and flagged for a human to look at."""


class Kind(enum.StrEnum):
    RANGE = "range"
    SUM_EQ = "sum-eq"
    SUM_LE = "sum-le"
    SUM_GE = "sum-ge"
    EACH_LE = "each-le"
    SUM_LE_PERCENT = "sum-le-percent"
    RESERVE = "reserve"


Text = tuple[str, str]
"""(Bahasa Indonesia, English)."""

_TEMPLATES: dict[Kind, Text] = {
    Kind.RANGE: (
        "{field_label} = {value} di luar batas {min}..{max}",
        "{field_label} = {value} is outside {min}..{max}",
    ),
    Kind.SUM_EQ: (
        "{lhs_label} {lhs} != {rhs_label} {rhs}",
        "{lhs_label} {lhs} != {rhs_label} {rhs}",
    ),
    Kind.SUM_LE: ("{lhs_label} {lhs} > {rhs_label} {rhs}", "{lhs_label} {lhs} > {rhs_label} {rhs}"),
    Kind.SUM_GE: ("{lhs_label} {lhs} < {rhs_label} {rhs}", "{lhs_label} {lhs} < {rhs_label} {rhs}"),
    Kind.EACH_LE: (
        "{field_label} = {value} > {rhs_label} {rhs}",
        "{field_label} = {value} > {rhs_label} {rhs}",
    ),
    Kind.SUM_LE_PERCENT: (
        "{lhs_label} {lhs} > {percent}% dari {rhs_label} {rhs} = {limit}",
        "{lhs_label} {lhs} > {percent}% of {rhs_label} {rhs} = {limit}",
    ),
    Kind.RESERVE: (
        "{lhs_label} {lhs} tidak sesuai {rhs_label} {rhs} + cadangan {percent}% = {expected} "
        "(selisih {diff}, toleransi {tolerance})",
        "{lhs_label} {lhs} does not match {rhs_label} {rhs} + {percent}% reserve = {expected} "
        "(off by {diff}, tolerance {tolerance})",
    ),
}
"""Default message templates per kind; placeholders are documented in docs/rules.md."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the form, as data."""

    code: str
    version: int
    severity: Severity
    kind: Kind
    lhs: tuple[str, ...]
    rhs: tuple[str, ...] = ()
    constants: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    lhs_label: Text | None = None  # None: the field's own label (single field, range, each-le)
    rhs_label: Text | None = None
    note: Text | None = None  # appended to the message ("; biasanya sama")
    why: Text = ("", "")
    source: str = "form"  # "form" (printed on it), "kpu" (law/rules), "audit", "saksi"

    def lhs_fields(self, pairs: tuple[str, ...]) -> tuple[str, ...]:
        return expand(self.lhs, pairs)

    def rhs_fields(self, pairs: tuple[str, ...]) -> tuple[str, ...]:
        return expand(self.rhs, pairs)

    def fields(self, pairs: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.lhs_fields(pairs) + self.rhs_fields(pairs)))

    def template(self) -> Text:
        tid, ten = _TEMPLATES[self.kind]
        if self.note is not None:
            tid, ten = tid + "; " + self.note[0], ten + "; " + self.note[1]
        return tid, ten


def expand(names: tuple[str, ...], pairs: tuple[str, ...]) -> tuple[str, ...]:
    """Replace ``suara_paslon_*`` by one field per pair and ``*`` by every box."""
    out: list[str] = []
    for name in names:
        if name == ALL_FIELDS:
            out += form_fields(pairs)
        elif name == PAIR_FIELDS:
            out += [vote_field(p) for p in pairs]
        else:
            out.append(name)
    return tuple(out)


# --- labels -------------------------------------------------------------------------

_BASE_LABELS: dict[str, Text] = {
    "pemilih_dpt": ("pemilih DPT", "DPT voters"),
    "pengguna_dpt": ("pengguna hak pilih DPT", "DPT voters who voted"),
    "pengguna_dptb": ("pengguna hak pilih DPTb", "DPTb voters who voted"),
    "pengguna_non_dpt": ("pengguna hak pilih DPK", "DPK voters who voted"),
    "pengguna_total": ("jumlah pengguna hak pilih", "all who voted"),
    "pemilih_disabilitas": ("pemilih disabilitas", "disabled voters who voted"),
}
_PLAIN_LABELS: dict[str, Text] = {
    "surat_suara_diterima": ("surat suara diterima", "ballots received"),
    "surat_suara_digunakan": ("surat suara digunakan", "ballots used"),
    "surat_suara_dikembalikan": ("surat suara dikembalikan", "ballots returned"),
    "surat_suara_tidak_digunakan": ("surat suara tidak digunakan", "ballots unused"),
    "suara_sah": ("suara sah", "valid votes"),
    "suara_tidak_sah": ("suara tidak sah", "invalid votes"),
    "suara_total": ("jumlah suara sah dan tidak sah", "total votes"),
}


_LEGISLATIVE_LABELS: dict[str, Text] = {
    "suara_sah_partai_": ("suara sah partai {} (B)", "party {} valid votes (B)"),
    "suara_partai_": ("suara partai {} (A.1)", "party {} party-only votes (A.1)"),
    "suara_caleg_": ("suara caleg {} (A.2)", "votes for candidate {} (A.2)"),
    "suara_calon_": ("suara calon {}", "votes for candidate {}"),
}
"""The legislative forms' boxes (saksi.election.legislative_forms): party ``1``'s B is
``suara_sah_partai_1``, its A.1 ``suara_partai_1``, its candidate 3 ``suara_caleg_1_3``
("caleg 1.3"); DPD candidate 5 ``suara_calon_5``. Longest prefix first."""


def field_label(name: str) -> Text:
    """The bilingual label of one box: ``pemilih_dpt_l`` -> ("pemilih DPT (L)", ...)."""
    if name in _PLAIN_LABELS:
        return _PLAIN_LABELS[name]
    if name.startswith("suara_paslon_"):
        pair = name.removeprefix("suara_paslon_")
        return f"suara paslon {pair}", f"votes for pair {pair}"
    for prefix, (lid, len_) in _LEGISLATIVE_LABELS.items():
        if name.startswith(prefix):
            rest = name.removeprefix(prefix).replace("_", ".")
            return lid.format(rest), len_.format(rest)
    base, _, split = name.rpartition("_")
    if base in _BASE_LABELS and split in SPLITS:
        lid, len_ = _BASE_LABELS[base]
        return f"{lid} ({split.upper()})", f"{len_} ({split.upper()})"
    return name, name


# --- the rules ----------------------------------------------------------------------

_BOX_MAX = 999
_TPS_MAX_VOTERS = 300
_KAWALPEMILU_PERCENT = 102
_RESERVE_PERCENT = 2
_RESERVE_TOLERANCE = 1
_SECTION_B = SECTION_I[1:4]  # B.1 DPT, B.2 DPTb, B.3 DPK


def _kebab(name: str) -> str:
    return name.replace("_", "-")


def _jumlah_lp(base: str) -> Rule:
    label = _BASE_LABELS[base]
    return Rule(
        code=f"jumlah-lp-{_kebab(base).replace('pemilih-disabilitas', 'disabilitas')}",
        version=1,
        severity=Severity.IMPOSSIBLE,
        kind=Kind.SUM_EQ,
        lhs=(f"{base}_j",),
        rhs=(f"{base}_l", f"{base}_p"),
        lhs_label=(f"{label[0]} (J)", f"{label[1]} (J)"),
        rhs_label=("L+P", "L+P"),
        why=(
            "Kolom jumlah (J) = laki-laki (L) + perempuan (P).",
            "The total column (J) = men (L) + women (P).",
        ),
    )


def _pengguna_total(split: str) -> Rule:
    s = split.upper()
    return Rule(
        code=f"pengguna-total-{split}",
        version=1,
        severity=Severity.IMPOSSIBLE,
        kind=Kind.SUM_EQ,
        lhs=(f"pengguna_total_{split}",),
        rhs=tuple(f"{base}_{split}" for base in _SECTION_B),
        rhs_label=(f"DPT+DPTb+DPK ({s})", f"DPT+DPTb+DPK ({s})"),
        why=("Formulir I.B.4 = B.1 + B.2 + B.3.", "The form states I.B.4 = B.1 + B.2 + B.3."),
    )


def _pengguna_dpt_max(split: str) -> Rule:
    return Rule(
        code=f"pengguna-dpt-maks-dpt-{split}",
        version=1,
        severity=Severity.IMPOSSIBLE,
        kind=Kind.SUM_LE,
        lhs=(f"pengguna_dpt_{split}",),
        rhs=(f"pemilih_dpt_{split}",),
        why=(
            "Pemilih DPT yang memilih tidak mungkin lebih banyak dari pemilih DPT.",
            "More DPT voters cannot vote than are on the DPT.",
        ),
    )


def _disabilitas_max(split: str) -> Rule:
    return Rule(
        code=f"disabilitas-maks-pengguna-{split}",
        version=1,
        severity=Severity.IMPOSSIBLE,
        kind=Kind.SUM_LE,
        lhs=(f"pemilih_disabilitas_{split}",),
        rhs=(f"pengguna_total_{split}",),
        source="saksi",
        why=(
            "Pemilih disabilitas yang memilih termasuk dalam pengguna hak pilih.",
            "Disabled voters who voted are among all who voted.",
        ),
    )


_RANGE = Rule(
    code="kotak-3-digit",
    version=1,
    severity=Severity.IMPOSSIBLE,
    kind=Kind.RANGE,
    lhs=(ALL_FIELDS,),
    constants=MappingProxyType({"min": 0, "max": _BOX_MAX}),
    why=(
        "Setiap kotak formulir berisi 3 digit: 0..999.",
        "Every box of the form holds 3 digits: 0..999.",
    ),
)

_SUARA_SAH = Rule(
    code="suara-sah",
    version=1,
    severity=Severity.IMPOSSIBLE,
    kind=Kind.SUM_EQ,
    lhs=("suara_sah",),
    rhs=(PAIR_FIELDS,),
    rhs_label=("jumlah suara paslon", "sum of pair votes"),
    why=(
        "Formulir V.A = jumlah suara sah semua paslon (IV).",
        "The form states V.A = the sum of every pair's valid votes (IV).",
    ),
)

_SUARA_TOTAL = Rule(
    code="suara-total",
    version=1,
    severity=Severity.IMPOSSIBLE,
    kind=Kind.SUM_EQ,
    lhs=("suara_total",),
    rhs=("suara_sah", "suara_tidak_sah"),
    rhs_label=("suara sah + tidak sah", "valid + invalid"),
    why=("Formulir V.C = V.A + V.B.", "The form states V.C = V.A + V.B."),
)

_SUARA_TOTAL_MAX = Rule(
    code="suara-total-maks-pengguna",
    version=1,
    severity=Severity.IMPOSSIBLE,
    kind=Kind.SUM_LE,
    lhs=("suara_total",),
    rhs=("pengguna_total_j",),
    source="audit",
    why=(
        "Surat suara di kotak tidak mungkin lebih banyak dari pemilih yang datang.",
        "There cannot be more ballots in the box than voters who came.",
    ),
)

_SUARA_PASLON_MAX = Rule(
    code="suara-paslon-maks-pengguna",
    version=1,
    severity=Severity.IMPOSSIBLE,
    kind=Kind.EACH_LE,
    lhs=(PAIR_FIELDS,),
    rhs=("pengguna_total_j",),
    source="audit",
    why=(
        "Satu paslon tidak mungkin mendapat suara lebih banyak dari pemilih yang datang.",
        "One pair cannot get more votes than there were voters.",
    ),
)

_DIGUNAKAN = Rule(
    code="surat-suara-digunakan",
    version=1,
    severity=Severity.IMPOSSIBLE,
    kind=Kind.SUM_EQ,
    lhs=("surat_suara_digunakan",),
    rhs=("suara_total",),
    why=(
        "Surat suara yang digunakan adalah surat suara yang dihitung (II.2 = V.C).",
        "The ballots used are the ballots counted (II.2 = V.C).",
    ),
)

_DITERIMA = Rule(
    code="surat-suara-diterima",
    version=1,
    severity=Severity.IMPOSSIBLE,
    kind=Kind.SUM_EQ,
    lhs=("surat_suara_diterima",),
    rhs=SECTION_II[1:],
    rhs_label=("digunakan + dikembalikan + tidak digunakan", "used + returned + unused"),
    why=(
        "Setiap surat suara yang diterima digunakan, dikembalikan, atau tidak digunakan "
        "(II.1 = II.2 + II.3 + II.4).",
        "Every ballot received is used, returned or unused (II.1 = II.2 + II.3 + II.4).",
    ),
)

_SUARA_TOTAL_EQ = Rule(
    code="suara-total-sama-pengguna",
    version=1,
    severity=Severity.SUSPICIOUS,
    kind=Kind.SUM_GE,
    lhs=("suara_total",),
    rhs=("pengguna_total_j",),
    source="audit",
    note=("biasanya sama", "normally equal"),
    why=(
        "Setiap pemilih yang datang memasukkan satu surat suara; selisih berarti surat "
        "suara hilang atau salah catat.",
        "Every voter who came puts one ballot in the box; a gap means a lost ballot "
        "or a recording error.",
    ),
)

_RESERVE = Rule(
    code="surat-suara-cadangan",
    version=1,
    severity=Severity.SUSPICIOUS,
    kind=Kind.RESERVE,
    lhs=("surat_suara_diterima",),
    rhs=("pemilih_dpt_j",),
    source="kpu",
    constants=MappingProxyType({"percent": _RESERVE_PERCENT, "tolerance": _RESERVE_TOLERANCE}),
    why=(
        "TPS menerima surat suara sebanyak DPT ditambah cadangan 2% (dibulatkan ke atas).",
        "A TPS receives as many ballots as its DPT plus a 2% reserve (rounded up).",
    ),
)

_KAWALPEMILU = Rule(
    code="kawalpemilu-dpt-102",
    version=1,
    severity=Severity.SUSPICIOUS,
    kind=Kind.SUM_LE_PERCENT,
    lhs=(PAIR_FIELDS,),
    rhs=("pemilih_dpt_j",),
    source="audit",
    constants=MappingProxyType({"percent": _KAWALPEMILU_PERCENT}),
    lhs_label=("jumlah suara paslon", "sum of pair votes"),
    why=(
        "Aturan KawalPemilu 2024: jumlah suara paslon > DPT x 1,02 ditandai.",
        "KawalPemilu's 2024 rule: pair votes summing to more than DPT x 1.02 are flagged.",
    ),
)

_DPT_MAX = Rule(
    code="dpt-maks-300",
    version=1,
    severity=Severity.SUSPICIOUS,
    kind=Kind.RANGE,
    lhs=("pemilih_dpt_j",),
    constants=MappingProxyType({"min": 0, "max": _TPS_MAX_VOTERS}),
    source="kpu",
    why=(
        "Pemilu 2024: paling banyak 300 pemilih DPT per TPS.",
        "2024 general election: at most 300 DPT voters per TPS.",
    ),
)

RULES: tuple[Rule, ...] = (
    _RANGE,
    *(_jumlah_lp(base) for base in (*SECTION_I, "pemilih_disabilitas")),
    *(_pengguna_total(s) for s in SPLITS),
    *(_pengguna_dpt_max(s) for s in SPLITS),
    *(_disabilitas_max(s) for s in SPLITS),
    _SUARA_SAH,
    _SUARA_TOTAL,
    _SUARA_TOTAL_MAX,
    _SUARA_PASLON_MAX,
    _DIGUNAKAN,
    _DITERIMA,
    _SUARA_TOTAL_EQ,
    _RESERVE,
    _KAWALPEMILU,
    _DPT_MAX,
)
"""Every rule, in the order violations are reported."""

RULES_BY_CODE: Mapping[str, Rule] = MappingProxyType({r.code: r for r in RULES})


def _labels(rule: Rule, pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for side, given, names in (
        ("lhs", rule.lhs_label, rule.lhs_fields(pairs)),
        ("rhs", rule.rhs_label, rule.rhs_fields(pairs)),
    ):
        label = field_label(names[0]) if given is None and len(names) == 1 else given
        if label is not None:
            out[side] = {"id": label[0], "en": label[1]}
    return out


def rule_as_json(rule: Rule, pairs: tuple[str, ...] = ("01", "02", "03")) -> dict[str, Any]:
    """One rule, completely, as plain JSON data (fields expanded for ``pairs``)."""
    template = rule.template()
    fields = rule.fields(pairs)
    return {
        "code": rule.code,
        "version": rule.version,
        "severity": rule.severity.value,
        "kind": rule.kind.value,
        "lhs": list(rule.lhs_fields(pairs)),
        "rhs": list(rule.rhs_fields(pairs)),
        "fields": list(fields),
        "constants": dict(rule.constants),
        "labels": _labels(rule, pairs),
        "field_labels": {f: dict(zip(("id", "en"), field_label(f), strict=True)) for f in fields},
        "message": {"id": template[0], "en": template[1]},
        "why": {"id": rule.why[0], "en": rule.why[1]},
        "source": rule.source,
    }


def rules_as_json(pairs: tuple[str, ...] = ("01", "02", "03")) -> list[dict[str, Any]]:
    """Every rule as JSON data, enough for another implementation to evaluate them."""
    return [rule_as_json(rule, pairs) for rule in RULES]
