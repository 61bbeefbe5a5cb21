"""Reconciliation of the legislative contests: D.Hasil, witness copies, the forms of a TPS.

- :func:`recap_differences`: each legislative D.Hasil (a region's totals for the part
  of one dapil within it) against the sum of the counted forms of that dapil's TPS
  within the region, field by field: each party's ``suara_partai_P`` and
  ``suara_sah_partai_P``, each candidate's ``suara_caleg_P_N`` (DPD ``suara_calon_N``),
  the common numbers and ``jumlah_tps``, named as the form's boxes;
- :func:`witness_disputes`: each witness copy (a party's, or a DPD candidate's
  witness's) against the form in force at its TPS, box by box;
- :func:`cross_form_findings`: the rules across the forms in force of one TPS
  (:func:`~saksi.election.legislative_forms.cross_form_violations`, PPWP included),
  reported, never holding a form (they cannot tell which form is wrong);
- :func:`anomalies`: all of it with the held forms, the flagged TPS and the
  corrections of one legislative contest, as :func:`saksi.recap.reconcile.anomalies`
  lists PPWP's.

All of it is computed from the fold when asked (docs/recap.md, "Reconciliation").
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import add
from typing import Any, Final

from saksi.election.codes import NASIONAL, Level, ancestors
from saksi.election.contests import ContestKind
from saksi.election.legislative import votes_in
from saksi.election.legislative_forms import CROSS_FORM_RULES, cross_form_violations
from saksi.election.rules import Violation
from saksi.recap.fold import Recap
from saksi.recap.legislative import DistrictRecap, LegislativeTally
from saksi.recap.legislative_layout import DapilLayout
from saksi.recap.reconcile import WitnessDispute, correction_dict, disputes_of, tps_anomalies
from saksi.recap.state import FieldDifference, TpsState
from saksi.recap.totals import STATUS_COUNTERS


def _box_of(field: str) -> dict[str, str]:
    """The party and candidate a box names (``suara_caleg_4_2``: party 4, candidate 2)."""
    for prefix, names in (
        ("suara_sah_partai_", ("party",)),
        ("suara_partai_", ("party",)),
        ("suara_caleg_", ("party", "candidate")),
        ("suara_calon_", ("candidate",)),
    ):
        if field.startswith(prefix):
            return dict(zip(names, field[len(prefix) :].split("_"), strict=True))
    return {}


def difference_dict(d: FieldDifference, theirs: str, ours: str) -> dict[str, Any]:
    """A differing box: its name, both numbers, and the party and candidate it names."""
    return {**d.to_dict(theirs, ours), **_box_of(d.field)}


def stated_values(totals: Any) -> dict[str, int]:
    """A legislative D.Hasil's totals by the names of the dapil vector's fields."""
    out: dict[str, int] = {}
    partai = getattr(totals, "partai", None)
    if partai is not None:
        for party in sorted(partai, key=int):
            own = partai[party]
            out[f"suara_partai_{party}"] = own.suara_partai
            for number in sorted(own.suara_caleg, key=int):
                out[f"suara_caleg_{party}_{number}"] = own.suara_caleg[number]
            out[f"suara_sah_partai_{party}"] = own.suara_sah_partai
    else:
        for number in sorted(totals.suara_calon, key=int):
            out[f"suara_calon_{number}"] = totals.suara_calon[number]
    for name in ("suara_sah", "suara_tidak_sah", "suara_total", "pengguna_total_j"):
        out[name] = getattr(totals, name)
    out["pemilih_dpt_j"] = totals.pemilih_dpt_j
    out["jumlah_tps"] = totals.jumlah_tps
    return out


@dataclass(frozen=True, slots=True)
class DistrictRecapCheck:
    """One legislative D.Hasil and how it compares with the forms below it."""

    record: DistrictRecap
    differences: tuple[FieldDifference, ...]  # theirs = the recap, ours = the forms' sum
    expected: int  # TPS of the dapil within the region
    counted: int  # of which counted

    @property
    def agrees(self) -> bool:
        return not self.differences

    @property
    def complete(self) -> bool:
        return self.counted == self.expected

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.record.region,
            "level": self.record.level,
            "contest": self.record.contest,
            "dapil": self.record.district,
            "index": self.record.index,
            "key": self.record.key,
            "at": self.record.at,
            "complete": self.complete,
            "differences": [difference_dict(d, "recap", "forms") for d in self.differences],
        }


def forms_sums(
    tally: LegislativeTally, parts: set[tuple[str, str]], codes: Iterable[str] | None = None
) -> dict[tuple[str, str], list[int]]:
    """Per (region, dapil) asked, the sum of the dapil vectors of the dapil's TPS within
    the region (named by the dapil's ``fields``): one pass over the TPS (``codes``: only
    those, which must hold every TPS with a form in force within the regions asked)."""
    out = {part: [0] * tally.dapil(part[1]).width for part in parts}
    regions = {r for r, _ in parts}
    for code in tally.logged if codes is None else codes:
        above = [r for r in ancestors(code) if r in regions]
        if not above:
            continue
        layout = tally.dapil_of(code)
        slot = tally.slot(code, layout)
        if slot is None:  # pragma: no cover - a logged TPS has a slot
            continue
        vector = tally.tps_vector(layout, slot)
        for region in above:
            total = out.get((region, layout.code))
            if total is not None:
                total[:] = map(add, total, vector)
    return out


def expected_parts(
    tally: LegislativeTally, parts: set[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """TPS that vote in the contest per (region, dapil) asked: one pass over the desa
    of the regions asked (a desa's TPS share its dapil)."""
    out = dict.fromkeys(parts, 0)
    regions = {r for r, _ in parts}
    hierarchy, contests, kind = tally.hierarchy, tally.contests, tally.kind
    for region in sorted(regions):
        if any(a in regions for a in ancestors(region)):
            continue  # its desa are walked from the region above
        desas = (region,) if len(region) == 10 else hierarchy.codes(Level.DESA, region)
        for desa in desas:
            tps = f"{desa}000"
            found = contests.districts_of(kind, tps)
            count = hierarchy.tps_count(desa)
            if len(found) != 1 or not votes_in(kind, tps) or not count:
                continue
            for code in (*ancestors(desa), desa):
                if (code, found[0]) in out:
                    out[(code, found[0])] += count
    return out


def check_recap(
    tally: LegislativeTally,
    record: DistrictRecap,
    expected: int | None = None,
    summed: list[int] | None = None,
) -> DistrictRecapCheck:
    """The D.Hasil ``record`` against the counted forms of its dapil within its region."""
    layout = tally.dapil(record.district)
    part = (record.region, record.district)
    vector = summed if summed is not None else forms_sums(tally, {part})[part]
    counted = vector[layout.fields.index("counted")]
    forms = dict(zip(layout.fields[: -len(STATUS_COUNTERS)], vector, strict=False))
    stated = stated_values(record.totals)
    names = [*forms, *(n for n in stated if n not in forms)]
    differences = tuple(
        FieldDifference(name, stated.get(name, 0), forms.get(name, 0))
        for name in names
        if stated.get(name, 0) != forms.get(name, 0)
    )
    if expected is None:
        expected = expected_parts(tally, {(record.region, record.district)})[
            (record.region, record.district)
        ]
    return DistrictRecapCheck(record, differences, expected, counted)


def recap_differences(
    recap: Recap, contest: str, within: str = NASIONAL
) -> list[DistrictRecapCheck]:
    """Every legislative D.Hasil of ``contest`` within ``within`` with its comparison
    (agreeing ones included), by region then dapil."""
    tally = recap.legislative(contest)
    records = [
        r for r in tally.recap_records() if within == NASIONAL or r.region.startswith(within)
    ]
    parts = {(r.region, r.district) for r in records}
    expected, sums = expected_parts(tally, parts), forms_sums(tally, parts)
    return [
        check_recap(tally, r, expected[(r.region, r.district)], sums[(r.region, r.district)])
        for r in records
    ]


def witness_disputes(recap: Recap, contest: str, within: str = NASIONAL) -> list[WitnessDispute]:
    """Every witness copy of ``contest`` that differs from its TPS's form in force (its
    ``to_dict`` names the witness's party, or DPD candidate, and each differing box)."""
    tally = recap.legislative(contest)
    return [d for state in tally.logged_tps(within) for d in disputes_of(state)]


# ---- the forms of one TPS ----------------------------------------------------------

CROSS_BOXES: Final = tuple(dict.fromkeys(rule.box for rule in CROSS_FORM_RULES))
"""The boxes the cross-form rules read."""


@dataclass(frozen=True, slots=True)
class CrossFormFinding:
    """The cross-form rules the forms in force of one TPS break together."""

    tps: str
    forms: Mapping[str, int]  # contest -> the entry of its form in force
    violations: tuple[Violation, ...]

    @property
    def impossible(self) -> bool:
        return any(v.impossible for v in self.violations)

    def contests(self) -> set[str]:
        return {f.split(".", 1)[0] for v in self.violations for f in v.fields}

    def to_dict(self) -> dict[str, Any]:
        return {
            "region": self.tps,
            "severity": "impossible" if self.impossible else "suspicious",
            "held": False,
            "forms": dict(self.forms),
            "rules": [
                {
                    "rule": v.rule,
                    "severity": v.severity.value,
                    "fields": list(v.fields),
                    "message": {"id": v.message_id, "en": v.message_en},
                }
                for v in self.violations
            ],
        }


def _readings(
    recap: Recap, within: str, codes: Collection[str] | None = None
) -> dict[str, dict[ContestKind, tuple[int, dict[str, int]]]]:
    """Per TPS within ``within`` (or, given ``codes``, per TPS of those), each contest's
    form in force: (entry, the boxes the cross-form rules read)."""
    out: dict[str, dict[ContestKind, tuple[int, dict[str, int]]]] = {}
    if "ppwp" in recap.contests:
        states = (
            recap.logged_tps("ppwp", within)
            if codes is None
            else (recap.tps(c, "ppwp") for c in sorted(codes))
        )
        for state in states:
            if state.values is not None and state.current is not None:
                boxes = {b: state.values[b] for b in CROSS_BOXES if b in state.values}
                out.setdefault(state.tps, {})[ContestKind.PPWP] = (state.current, boxes)
    for contest in recap.legislative_contests:
        tally = recap.legislative(contest)
        kind = ContestKind(contest)
        positions: dict[int, list[tuple[str, int]]] = {}
        with_form = tally.forms if codes is None else [c for c in codes if c in tally.forms]
        for code in with_form:  # the TPS with a form in force
            if within != NASIONAL and not code.startswith(within):
                continue
            layout = tally.dapil_of(code)
            slot = tally.slot(code, layout)
            if slot is None or slot.values is None or slot.current is None:  # pragma: no cover
                continue
            at = positions.get(id(layout))
            if at is None:
                at = positions[id(layout)] = _cross_positions(layout)
            values = slot.values
            out.setdefault(code, {})[kind] = (slot.current, {b: values[i] for b, i in at})
    return out


def _cross_positions(layout: DapilLayout) -> list[tuple[str, int]]:
    fields = layout.form_fields
    return [(b, fields.index(b)) for b in CROSS_BOXES if b in fields]


def cross_form_findings(
    recap: Recap, within: str = NASIONAL, codes: Collection[str] | None = None
) -> list[CrossFormFinding]:
    """Every TPS within ``within`` (given ``codes``: of those TPS codes only, read one by
    one, not from a pass over every form) whose forms in force (PPWP and every
    legislative contest) break a cross-form rule, by TPS code. No form is held for it:
    the rules say two forms disagree, not which one is wrong (docs/recap.md)."""
    out: list[CrossFormFinding] = []
    for tps, forms in sorted(_readings(recap, within, codes).items()):
        if len(forms) < 2:
            continue
        found = cross_form_violations({k: boxes for k, (_, boxes) in forms.items()})
        if found:
            ordered: dict[str, int] = {k.value: forms[k][0] for k in ContestKind if k in forms}
            out.append(CrossFormFinding(tps, ordered, found))
    return out


# ---- everything of one contest ---------------------------------------------------------

ANOMALY_TYPES: Final = (
    "inconsistent",
    "flag",
    "witness-dispute",
    "cross-form",
    "recap-difference",
    "correction",
)
"""The kinds of anomaly of a legislative contest, in the order the list gives them."""


def _copies_of(state: TpsState, field: str) -> list[dict[str, Any]]:
    """What each witness copy of the TPS says in one box (a copy that agrees with the
    form in force there says its number)."""
    out = []
    for copy in state.copies:
        differs = {d.field: d.theirs for d in copy.differences}
        said = differs.get(field, state.values.get(field) if state.values else None)
        who = {"candidate": copy.candidate} if copy.candidate else {"party": copy.party}
        out.append({"index": copy.index, **who, "copy": said})
    return out


def correction_item(state: TpsState, record: Any) -> dict[str, Any]:
    """A correction as an anomaly: :func:`~saksi.recap.reconcile.correction_dict` with,
    for each box it changed, the party and candidate the box names and what each
    witness copy of the TPS says there (a count raised above the first form and above
    every copy shows as exactly that)."""
    item = correction_dict(state.tps, record)
    item["changes"] = [
        {**change, **_box_of(change["field"]), "copies": _copies_of(state, change["field"])}
        for change in item["changes"]
    ]
    return {"type": "correction", **item}


def tps_items(state: TpsState) -> Iterator[dict[str, Any]]:
    """The anomalies of one TPS of a legislative contest: its held form
    (``inconsistent``), its flags (``flag``), each differing witness copy
    (``witness-dispute``), each correction (``correction``, :func:`correction_item`);
    :func:`anomalies` lists these (with the cross-form findings and the D.Hasil), so a
    count made from them cannot disagree with the list."""
    for item in tps_anomalies(state):
        if item["type"] != "correction":
            yield item
    for record in state.corrections:
        yield correction_item(state, record)


def anomalies(recap: Recap, contest: str, within: str = NASIONAL) -> list[dict[str, Any]]:
    """Every anomaly of a legislative contest within ``within``, each a dict with
    ``type`` (:data:`ANOMALY_TYPES` order): held forms and flags TPS by TPS, witness
    disputes, cross-form findings involving the contest, D.Hasil that differ from
    their forms, corrections."""
    tally = recap.legislative(contest)
    forms: list[dict[str, Any]] = []
    later: dict[str, list[dict[str, Any]]] = {"witness-dispute": [], "correction": []}
    for state in tally.logged_tps(within):
        for item in tps_items(state):
            later.get(item["type"], forms).append(item)
    crossing = [
        {"type": "cross-form", **f.to_dict()}
        for f in cross_form_findings(recap, within)
        if contest in f.contests()
    ]
    differing = [
        {"type": "recap-difference", **c.to_dict()}
        for c in recap_differences(recap, contest, within)
        if not c.agrees
    ]
    return [*forms, *later["witness-dispute"], *crossing, *differing, *later["correction"]]


def anomaly_counts(found: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """How many anomalies of each kind (kinds with none left out)."""
    kinds: dict[str, int] = {}
    for item in found:
        kinds[item["type"]] = kinds.get(item["type"], 0) + 1
    return kinds


def tps_cross_form(recap: Recap, tps: str) -> CrossFormFinding | None:
    """The cross-form finding of one TPS, if its forms in force break a rule."""
    found = cross_form_findings(recap, tps)
    return found[0] if found else None


__all__ = [
    "ANOMALY_TYPES",
    "CROSS_BOXES",
    "CrossFormFinding",
    "DistrictRecapCheck",
    "anomalies",
    "anomaly_counts",
    "check_recap",
    "correction_item",
    "cross_form_findings",
    "difference_dict",
    "expected_parts",
    "forms_sums",
    "recap_differences",
    "stated_values",
    "tps_cross_form",
    "tps_items",
    "witness_disputes",
]
