"""The legislative tally forms and their rules: C.Hasil-DPR, -DPRD Provinsi, -DPRD
Kab/Kota (one layout: parties and their candidates) and C.Hasil-DPD (candidates).

Every box is kept *as written*, never derived (docs/forms.md's principle for PPWP):

- sections I (voters: DPT, DPTb, DPK, all who voted; L, P, J), II (ballots received,
  used, returned, unused) and III (disabled voters who voted), as on C.Hasil-PPWP, for
  this contest's own ballot;
- a party form: for each party on the dapil's ballot, A.1 ``suara_partai`` (ballots
  marked for the party only), A.2 ``suara_caleg`` (each candidate's votes, by ballot
  number) and B ``suara_sah_partai`` (the party's valid votes, as written);
- a DPD form: ``suara_calon``, each candidate's votes by ballot number;
- V.A ``suara_sah``, V.B ``suara_tidak_sah``, V.C ``suara_total``.

The flat reading (what the rules read) names a party's boxes ``suara_partai_1``,
``suara_caleg_1_3`` (party 1's candidate 3) and ``suara_sah_partai_1``, a DPD
candidate's ``suara_calon_5``. A :class:`Ballot` is what a dapil puts on the paper:
which parties with which candidate numbers (or which DPD candidates); a form must carry
exactly its dapil's (:func:`check_ballot`).

The rules (:data:`PARTY_RULES`, :data:`DPD_RULES`) are the same data as PPWP's
(:mod:`saksi.election.rule_catalog`) and evaluated by the same engine: the rules of
sections I, II, III and V that read no pair are shared as they are; the rules of the
votes are the form's own. :func:`cross_form_violations` checks the forms of one TPS
against each other (the DPT is one list).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from sys import intern
from types import MappingProxyType
from typing import Annotated, Final, Protocol

from pydantic import Field

from saksi.election.contests import ContestKind
from saksi.election.forms import SECTION_I, SECTION_II, SECTION_III, SECTION_V, SPLITS, FormReading
from saksi.election.legislative import District
from saksi.election.rule_catalog import (
    ALL_FIELDS,
    RULES_BY_CODE,
    Kind,
    Rule,
    Severity,
)
from saksi.election.rules import Violation, compile_rule, pass_term
from saksi.election.wire import Count, Sha256Hex, WireModel
from saksi.errors import ContestError

LEGISLATIVE_RULESET_VERSION: Final = "c-hasil-legislatif-2024.1"
"""Version of the legislative forms' rule set as a whole (PPWP's is RULESET_VERSION)."""

PartyNumber = Annotated[str, Field(strict=True, pattern=r"^[1-9][0-9]?$")]
CandidateNumber = Annotated[str, Field(strict=True, pattern=r"^[1-9][0-9]{0,2}$")]
"""A candidate's ballot number as a JSON object key: ``"1"`` .. ``"999"``, no leading zero."""

PARTY_FORMS: Final = {
    ContestKind.DPR: "c-hasil-dpr",
    ContestKind.DPRD_PROV: "c-hasil-dprd-prov",
    ContestKind.DPRD_KABKOTA: "c-hasil-dprd-kabkota",
}
DPD_FORM: Final = "c-hasil-dpd"


# ---- the forms ----------------------------------------------------------------------


class _SectionsItoIII(WireModel):
    """Sections I-III, box for box as on C.Hasil-PPWP, for this contest's ballot."""

    pemilih_dpt_l: Count
    pemilih_dpt_p: Count
    pemilih_dpt_j: Count
    pengguna_dpt_l: Count
    pengguna_dpt_p: Count
    pengguna_dpt_j: Count
    pengguna_dptb_l: Count
    pengguna_dptb_p: Count
    pengguna_dptb_j: Count
    pengguna_non_dpt_l: Count
    pengguna_non_dpt_p: Count
    pengguna_non_dpt_j: Count
    pengguna_total_l: Count
    pengguna_total_p: Count
    pengguna_total_j: Count
    surat_suara_diterima: Count
    surat_suara_digunakan: Count
    surat_suara_dikembalikan: Count
    surat_suara_tidak_digunakan: Count
    pemilih_disabilitas_l: Count
    pemilih_disabilitas_p: Count
    pemilih_disabilitas_j: Count

    def _sections(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in _HEAD}


class PartyVotes(WireModel):
    """One party's part of the form: A.1, A.2 per candidate, B."""

    suara_partai: Count  # A.1: ballots marked for the party only
    suara_caleg: dict[CandidateNumber, Count] = Field(max_length=100)  # A.2
    suara_sah_partai: Count  # B: the party's valid votes, as written


class CHasilPartai(_SectionsItoIII):
    """C.Hasil-DPR, C.Hasil-DPRD Provinsi, C.Hasil-DPRD Kab/Kota: every box as written."""

    partai: dict[PartyNumber, PartyVotes] = Field(min_length=1, max_length=99)
    suara_sah: Count  # V.A
    suara_tidak_sah: Count  # V.B
    suara_total: Count  # V.C
    foto: tuple[Sha256Hex, ...] = Field(default=(), max_length=16, strict=False)

    @property
    def ballot(self) -> Ballot:
        return party_ballot(self.partai)

    def reading(self) -> dict[str, int | None]:
        flat = self._sections()
        for p, votes in sorted(self.partai.items(), key=lambda kv: int(kv[0])):
            flat[f"suara_partai_{p}"] = votes.suara_partai
            for n, count in sorted(votes.suara_caleg.items(), key=lambda kv: int(kv[0])):
                flat[f"suara_caleg_{p}_{n}"] = count
            flat[f"suara_sah_partai_{p}"] = votes.suara_sah_partai
        flat.update(suara_sah=self.suara_sah, suara_tidak_sah=self.suara_tidak_sah)
        flat["suara_total"] = self.suara_total
        return flat


class _HasCandidates(Protocol):
    @property
    def suara_caleg(self) -> Mapping[str, int]: ...


def party_ballot(partai: Mapping[str, _HasCandidates]) -> Ballot:
    """The ballot a form's (or a recap's) parties and candidate numbers make."""
    return Ballot(
        parties=tuple(
            (p, tuple(sorted(int(n) for n in votes.suara_caleg)))
            for p, votes in sorted(partai.items(), key=lambda kv: int(kv[0]))
        )
    )


class CHasilDPD(_SectionsItoIII):
    """C.Hasil-DPD: every box as written."""

    suara_calon: dict[CandidateNumber, Count] = Field(min_length=1, max_length=100)
    suara_sah: Count
    suara_tidak_sah: Count
    suara_total: Count
    foto: tuple[Sha256Hex, ...] = Field(default=(), max_length=16, strict=False)

    @property
    def ballot(self) -> Ballot:
        return Ballot(candidates=tuple(sorted(int(n) for n in self.suara_calon)))

    def reading(self) -> dict[str, int | None]:
        flat = self._sections()
        for n, count in sorted(self.suara_calon.items(), key=lambda kv: int(kv[0])):
            flat[f"suara_calon_{n}"] = count
        flat.update(suara_sah=self.suara_sah, suara_tidak_sah=self.suara_tidak_sah)
        flat["suara_total"] = self.suara_total
        return flat


_HEAD: Final = (
    *(f"{base}_{s}" for base in SECTION_I for s in SPLITS),
    *SECTION_II,
    *(f"{base}_{s}" for base in SECTION_III for s in SPLITS),
)


# ---- what a dapil puts on the ballot ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ballot:
    """The votes part of a form: parties with their candidate numbers, or DPD candidates."""

    parties: tuple[tuple[str, tuple[int, ...]], ...] = ()
    candidates: tuple[int, ...] = ()

    @classmethod
    def of(cls, district: District) -> Ballot:
        if district.candidates:
            return cls(candidates=tuple(c.number for c in district.candidates))
        lists = sorted(district.lists, key=lambda p: int(p.party))
        return cls(parties=tuple((p.party, tuple(c.number for c in p.candidates)) for p in lists))

    def fields(self) -> tuple[str, ...]:
        """Every box of the form in paper order, as flat reading names (each name one
        string object however many ballots have it: a national fold keeps the names of
        thousands of dapil)."""
        votes: list[str] = []
        for p, numbers in self.parties:
            votes.append(f"suara_partai_{p}")
            votes += [f"suara_caleg_{p}_{n}" for n in numbers]
            votes.append(f"suara_sah_partai_{p}")
        votes += [f"suara_calon_{n}" for n in self.candidates]
        return (*_HEAD, *map(intern, votes), *SECTION_V)

    def expand(self, names: tuple[str, ...], party: str | None = None) -> tuple[str, ...]:
        """A rule's fields for this ballot: ``*`` every box, ``suara_sah_partai_*`` every
        party's B, ``suara_caleg_*`` every candidate, ``suara_calon_*`` every DPD
        candidate; in a per-party rule ``{p}`` is the party (``suara_caleg_{p}_*`` its
        candidates)."""
        out: list[str] = []
        for name in names:
            if name == ALL_FIELDS:
                out += self.fields()
            elif name == "suara_sah_partai_*":
                out += [f"suara_sah_partai_{p}" for p, _ in self.parties]
            elif name == "suara_caleg_*":
                out += [f"suara_caleg_{p}_{n}" for p, numbers in self.parties for n in numbers]
            elif name == "suara_calon_*":
                out += [f"suara_calon_{n}" for n in self.candidates]
            elif name == "suara_caleg_{p}_*":
                numbers = dict(self.parties)[party or ""]
                out += [f"suara_caleg_{party}_{n}" for n in numbers]
            else:
                out.append(name.replace("{p}", party or ""))
        return tuple(out)


class HasBallot(Protocol):
    """A form, or a recap's totals: what they carry votes for."""

    @property
    def ballot(self) -> Ballot: ...


class _Same:
    """A dapil as a cache key by identity (hashing the model itself walks every
    candidate); the cache holding the key keeps the dapil alive, so an id is not reused."""

    __slots__ = ("item",)

    def __init__(self, item: District) -> None:
        self.item = item

    def __hash__(self) -> int:
        return id(self.item)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.item is self.item


@lru_cache(maxsize=8192)
def _keys_of(district: _Same) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """The dapil's parties with their candidate numbers, and its DPD candidates, as the
    keys a form writes them with (no leading zero, as the schema requires)."""
    d = district.item
    parties = {p.party: frozenset(str(c.number) for c in p.candidates) for p in d.lists}
    return parties, frozenset(str(c.number) for c in d.candidates)


def _carries(form: HasBallot, district: District) -> bool:
    """Whether ``form`` has exactly the dapil's parties and candidates: what
    ``Ballot.of(district) == form.ballot`` says, from the keys as written (the fold and
    the intake ask it of every legislative form and copy)."""
    parties, candidates = _keys_of(_Same(district))
    partai = getattr(form, "partai", None)
    if partai is not None:
        return len(partai) == len(parties) and all(
            parties.get(p) == votes.suara_caleg.keys() for p, votes in partai.items()
        )
    calon = getattr(form, "suara_calon", None)
    return calon is not None and not parties and calon.keys() == candidates


def check_ballot(form: HasBallot, district: District, contest: ContestKind) -> None:
    """Refuse a form (or a recap's totals) whose parties or candidates are not exactly
    its dapil's: ContestError ``contest.parties-mismatch`` or ``contest.candidates-mismatch``."""
    if _carries(form, district):
        return
    want, got = Ballot.of(district), form.ballot
    if want == got:
        return
    if got.parties or want.parties:
        want_parties = [p for p, _ in want.parties]
        got_parties = [p for p, _ in got.parties]
        if want_parties != got_parties:
            raise ContestError(
                code="contest.parties-mismatch",
                en=f"the form's parties {got_parties} are not dapil {district.code}'s: "
                f"{want_parties}",
                id=f"partai formulir {got_parties} bukan partai dapil {district.code}: "
                f"{want_parties}",
                contest=contest.value,
                district=district.code,
                expected=want_parties,
                got=got_parties,
            )
        party, expected, found = next(
            (p, w, g) for (p, w), (_, g) in zip(want.parties, got.parties, strict=True) if w != g
        )
        raise ContestError(
            code="contest.candidates-mismatch",
            en=f"party {party}'s candidates on the form {list(found)} are not dapil "
            f"{district.code}'s {list(expected)}",
            id=f"calon partai {party} di formulir {list(found)} bukan calon dapil "
            f"{district.code} {list(expected)}",
            contest=contest.value,
            district=district.code,
            party=party,
            expected=list(expected),
            got=list(found),
        )
    raise ContestError(
        code="contest.candidates-mismatch",
        en=f"the form's candidates {list(got.candidates)} are not dapil {district.code}'s "
        f"{list(want.candidates)}",
        id=f"calon di formulir {list(got.candidates)} bukan calon dapil {district.code} "
        f"{list(want.candidates)}",
        contest=contest.value,
        district=district.code,
        expected=list(want.candidates),
        got=list(got.candidates),
    )


# ---- the rules ---------------------------------------------------------------------------

_SHARED: Final = tuple(
    RULES_BY_CODE[code]
    for code in RULES_BY_CODE
    if not any("paslon" in name for name in RULES_BY_CODE[code].lhs + RULES_BY_CODE[code].rhs)
)
"""PPWP's rules that read no pair's votes: sections I, II, III and V, every box 0..999."""

_PER_PARTY: Final = Rule(
    code="suara-sah-partai",
    version=1,
    severity=Severity.IMPOSSIBLE,
    kind=Kind.SUM_EQ,
    lhs=("suara_sah_partai_{p}",),
    rhs=("suara_partai_{p}", "suara_caleg_{p}_*"),
    rhs_label=("A.1 + jumlah A.2", "A.1 + sum of A.2"),
    why=(
        "Formulir: B = suara partai (A.1) + jumlah suara calon partai itu (A.2).",
        "The form states B = the party's own votes (A.1) + its candidates' votes (A.2).",
    ),
)
"""Evaluated once per party on the ballot (``{p}`` is the party)."""

_SUARA_SAH_PARTAI: Final = Rule(
    code="suara-sah-jumlah-partai",
    version=1,
    severity=Severity.IMPOSSIBLE,
    kind=Kind.SUM_EQ,
    lhs=("suara_sah",),
    rhs=("suara_sah_partai_*",),
    rhs_label=("jumlah suara sah partai (B)", "sum of the parties' valid votes (B)"),
    why=(
        "Formulir: V.A = jumlah B semua partai.",
        "The form states V.A = the sum of every party's B.",
    ),
)

_PARTAI_MAX: Final = Rule(
    code="suara-partai-maks-pengguna",
    version=1,
    severity=Severity.IMPOSSIBLE,
    kind=Kind.EACH_LE,
    lhs=("suara_sah_partai_*",),
    rhs=("pengguna_total_j",),
    source="audit",
    why=(
        "Satu partai tidak mungkin mendapat suara lebih banyak dari pemilih yang datang.",
        "One party cannot get more votes than there were voters.",
    ),
)

_CALEG_MAX: Final = Rule(
    code="suara-caleg-maks-pengguna",
    version=1,
    severity=Severity.IMPOSSIBLE,
    kind=Kind.EACH_LE,
    lhs=("suara_caleg_*",),
    rhs=("pengguna_total_j",),
    source="audit",
    why=(
        "Satu calon tidak mungkin mendapat suara lebih banyak dari pemilih yang datang.",
        "One candidate cannot get more votes than there were voters.",
    ),
)

_SUARA_SAH_CALON: Final = Rule(
    code="suara-sah-jumlah-calon",
    version=1,
    severity=Severity.IMPOSSIBLE,
    kind=Kind.SUM_EQ,
    lhs=("suara_sah",),
    rhs=("suara_calon_*",),
    rhs_label=("jumlah suara calon", "sum of candidate votes"),
    why=(
        "Formulir DPD: V.A = jumlah suara sah semua calon.",
        "The DPD form states V.A = the sum of every candidate's votes.",
    ),
)

_CALON_MAX: Final = Rule(
    code="suara-calon-maks-pengguna",
    version=1,
    severity=Severity.IMPOSSIBLE,
    kind=Kind.EACH_LE,
    lhs=("suara_calon_*",),
    rhs=("pengguna_total_j",),
    source="audit",
    why=(
        "Satu calon tidak mungkin mendapat suara lebih banyak dari pemilih yang datang.",
        "One candidate cannot get more votes than there were voters.",
    ),
)

_DPT_102: Final = Rule(
    code="suara-sah-dpt-102",
    version=1,
    severity=Severity.SUSPICIOUS,
    kind=Kind.SUM_LE_PERCENT,
    lhs=("suara_sah",),
    rhs=("pemilih_dpt_j",),
    source="audit",
    constants=MappingProxyType({"percent": 102}),
    why=(
        "Seperti aturan KawalPemilu untuk PPWP: suara sah > DPT x 1,02 ditandai.",
        "As KawalPemilu's rule for PPWP: valid votes above DPT x 1.02 are flagged.",
    ),
)


def _after_range(own: tuple[Rule, ...]) -> tuple[Rule, ...]:
    return (_SHARED[0], *own, *_SHARED[1:])


PARTY_RULES: Final = _after_range(
    (_PER_PARTY, _SUARA_SAH_PARTAI, _PARTAI_MAX, _CALEG_MAX, _DPT_102)
)
"""C.Hasil-DPR / -DPRD Provinsi / -DPRD Kab/Kota, in the order violations are reported."""
DPD_RULES: Final = _after_range((_SUARA_SAH_CALON, _CALON_MAX, _DPT_102))
"""C.Hasil-DPD, in the order violations are reported."""

_Check = Callable[[FormReading, list[Violation]], None]


@lru_cache(maxsize=4096)
def _compiled(ballot: Ballot) -> tuple[_Check, ...]:
    rules = DPD_RULES if ballot.candidates else PARTY_RULES
    checks: list[_Check] = []
    for rule in rules:
        if rule is _PER_PARTY:
            checks += [
                compile_rule(rule, ballot.expand(rule.lhs, p), ballot.expand(rule.rhs, p))
                for p, _ in ballot.parties
            ]
        else:
            checks.append(compile_rule(rule, ballot.expand(rule.lhs), ballot.expand(rule.rhs)))
    return tuple(checks)


def check_reading(reading: FormReading, ballot: Ballot) -> tuple[Violation, ...]:
    """Every rule of the ballot's form that ``reading`` breaks (boxes not given: skipped)."""
    out: list[Violation] = []
    for check in _compiled(ballot):
        check(reading, out)
    return tuple(out)


def check_form(form: CHasilPartai | CHasilDPD) -> tuple[Violation, ...]:
    """Every rule a complete legislative form breaks.

    A form that breaks none is answered by :func:`values_pass` (every rule as one
    compiled expression) without building the violations; any other goes through
    :func:`check_reading`, so the violations are always exactly the reference path's.
    """
    reading = form.reading()
    ballot = form.ballot
    if values_pass(ballot)(tuple(reading.values())):
        return ()
    return check_reading(reading, ballot)


@lru_cache(maxsize=4096)
def values_pass(ballot: Ballot) -> Callable[[Sequence[int | None]], bool]:
    """A predicate on a complete form's values in ``ballot.fields()`` order: True exactly
    when :func:`check_reading` finds no violation (generated from the same rules)."""
    index = {name: i for i, name in enumerate(ballot.fields())}
    rules = DPD_RULES if ballot.candidates else PARTY_RULES
    terms = []
    for rule in rules:
        parties: Sequence[str | None] = (
            [p for p, _ in ballot.parties] if rule is _PER_PARTY else [None]
        )
        for p in parties:
            terms.append(
                pass_term(rule, ballot.expand(rule.lhs, p), ballot.expand(rule.rhs, p), index)
            )
    source = " and ".join(f"({t})" for t in terms if t) or "True"
    code = compile(f"lambda v: {source}", f"<rules {LEGISLATIVE_RULESET_VERSION}>", "eval")
    predicate: Callable[[Sequence[int | None]], bool] = eval(
        code, {"__builtins__": {}, "min": min, "max": max, "abs": abs}
    )
    return predicate


def equalities(ballot: Ballot) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """box -> the impossible equalities (code, fields) it appears in, as expanded."""
    out: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
    rules = DPD_RULES if ballot.candidates else PARTY_RULES
    for rule in rules:
        if rule.kind is not Kind.SUM_EQ or rule.severity is not Severity.IMPOSSIBLE:
            continue
        parties: Sequence[str | None] = (
            [p for p, _ in ballot.parties] if rule is _PER_PARTY else [None]
        )
        for p in parties:
            fields = tuple(dict.fromkeys(ballot.expand(rule.lhs, p) + ballot.expand(rule.rhs, p)))
            for box in fields:
                out[box] = (*out.get(box, ()), (rule.code, fields))
    return out


def suspects(
    reading: FormReading, violations: Sequence[Violation], ballot: Ballot
) -> tuple[str, ...]:
    """The boxes whose misreading alone would explain the impossible violations (as
    :func:`saksi.election.rules.suspects` for PPWP)."""
    broken = [v for v in violations if v.severity is Severity.IMPOSSIBLE]
    if not broken:
        return ()
    common = set(broken[0].fields).intersection(*(v.fields for v in broken[1:]))
    codes = {v.rule for v in broken}
    through_all = equalities(ballot)
    out = []
    for box in ballot.fields():
        if box not in common:
            continue
        through = through_all.get(box, ())
        if all(
            code in codes or any(reading.get(f) is None for f in fields) for code, fields in through
        ):
            out.append(box)
    return tuple(out)


# ---- across the forms of one TPS ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CrossFormRule:
    """A rule between two forms of one TPS: a box of each, and how they must compare."""

    code: str
    severity: Severity
    box: str
    relation: str  # "eq": equal on both; "le": the legislative form's <= PPWP's
    why: tuple[str, str]


CROSS_FORM_RULES: Final = (
    *(
        CrossFormRule(
            f"dpt-sama-{s}",
            Severity.IMPOSSIBLE,
            f"pemilih_dpt_{s}",
            "eq",
            (
                "DPT (I.A) satu daftar untuk semua surat suara di TPS yang sama.",
                "The DPT (I.A) is one list for every ballot of a TPS.",
            ),
        )
        for s in SPLITS
    ),
    CrossFormRule(
        "pengguna-dpt-sama",
        Severity.SUSPICIOUS,
        "pengguna_dpt_j",
        "eq",
        (
            "Pemilih DPT yang datang menerima kelima surat suara; selisih berarti ada yang "
            "tidak memakai haknya untuk satu pemilihan, atau salah catat.",
            "A DPT voter who comes gets every ballot; a difference means someone did not "
            "vote in one contest, or a recording error.",
        ),
    ),
    CrossFormRule(
        "pengguna-dptb-maks-ppwp",
        Severity.SUSPICIOUS,
        "pengguna_dptb_j",
        "le",
        (
            "Pemilih DPTb (pindahan) bisa mendapat lebih sedikit surat suara (pindah dapil "
            "atau provinsi), tidak pernah lebih banyak dari PPWP.",
            "A DPTb (transferred) voter may get fewer ballots (moved dapil or province), "
            "never more than the PPWP ballot.",
        ),
    ),
)
"""Rules between the forms of one TPS; docs/rules.md says why each is as severe as it is."""


def cross_form_violations(readings: Mapping[ContestKind, FormReading]) -> tuple[Violation, ...]:
    """Every cross-form rule the forms of one TPS break (each pair of forms once, PPWP
    first; a box a form lacks is skipped)."""
    kinds = sorted(readings, key=list(ContestKind).index)
    out: list[Violation] = []
    for rule in CROSS_FORM_RULES:
        for i, a in enumerate(kinds):
            for b in kinds[i + 1 :]:
                va, vb = readings[a].get(rule.box), readings[b].get(rule.box)
                if va is None or vb is None:
                    continue
                broken = va != vb if rule.relation == "eq" else a is ContestKind.PPWP and vb > va
                if broken:
                    out.append(_cross(rule, a, va, b, vb))
    return tuple(out)


def _cross(rule: CrossFormRule, a: ContestKind, va: int, b: ContestKind, vb: int) -> Violation:
    """``a`` is the earlier form (PPWP first); a "le" rule is broken by ``b`` above ``a``."""
    op = "!=" if rule.relation == "eq" else ">"
    shown = f"{rule.box}: {b.value} {vb} {op} {a.value} {va}"
    return Violation(
        rule=rule.code,
        version=1,
        severity=rule.severity,
        fields=(f"{a.value}.{rule.box}", f"{b.value}.{rule.box}"),
        message_id=f"{shown}; {rule.why[0]}",
        message_en=f"{shown}; {rule.why[1]}",
    )
