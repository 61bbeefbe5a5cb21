"""The legislative reconciliation, the verifier's own (docs/recap.md, "Reconciliation":
"The legislative contests" and "The forms of one TPS"; docs/rules.md, "Across the forms
of one TPS").

Written from those pages, not from :mod:`saksi.recap`:

- :func:`recap_checks`: each legislative D.Hasil (a region's totals for the part of one
  dapil within it) against the sum of the counted forms of that dapil's TPS within the
  region, field by field under the form's box names (each party's ``suara_partai_P``,
  its candidates' ``suara_caleg_P_N``, its ``suara_sah_partai_P``; DPD's
  ``suara_calon_N``; the common numbers and ``jumlah_tps``), in the order of the
  dapil's values; ``complete`` when every TPS of the dapil within the region is counted;
- :func:`cross_form`: per TPS, the forms in force (counted or held) of every contest
  of the log, PPWP's included, against each other by the cross-form rules
  (:data:`saksi.verify.rules.CROSS_FORM_RULES`); a finding holds no form.

Both are the verifier's findings about the election, not about the publication: the
report lists them (``legislative_reconciliation``) without changing its exit status.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Final

from saksi.verify.findings import KEEP
from saksi.verify.legislative import NONE
from saksi.verify.legislative_tally import FIRST, ContestCount
from saksi.verify.regions import NATION, Regions
from saksi.verify.rules import CROSS_FORM_RULES
from saksi.verify.schema import BEFORE_PAIRS
from saksi.verify.tally import TOTAL_FIELDS

if TYPE_CHECKING:
    from saksi.verify.keys import Fold

CONTEST_ORDER: Final = ("ppwp", "dpr", "dpd", "dprd-prov", "dprd-kabkota")
"""The order of the contests in a cross-form rule's pairs (docs/rules.md)."""
COMMON: Final = (*TOTAL_FIELDS, "jumlah_tps")
_AT: Final = {name: i for i, name in enumerate(BEFORE_PAIRS)}


def box_names(ballot: Any) -> list[str]:
    """A dapil's vote boxes by name, in the order of its values."""
    if ballot and isinstance(ballot[0], tuple):
        out: list[str] = []
        for party, numbers in ballot:
            out.append(f"suara_partai_{party}")
            out += [f"suara_caleg_{party}_{n}" for n in numbers]
            out.append(f"suara_sah_partai_{party}")
        return out
    return [f"suara_calon_{n}" for n in ballot]


def named_by(field: str) -> dict[str, str]:
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


def _regions_of(tps: str) -> tuple[str, ...]:
    """The regions a D.Hasil may be of that hold ``tps``: its kecamatan, kab/kota,
    province and the nation."""
    return (tps[:6], tps[:4], tps[:2], NATION)


def _column_sums(packed: list[bytes]) -> list[int]:
    """The vote boxes, the common numbers and ``jumlah_tps`` of counted forms of one
    dapil (``packed``, each its values), summed column by column."""
    values = array("H")
    values.frombytes(b"".join(packed))
    row = len(packed[0]) // 2
    end = row - 3  # V.A, V.B, V.C close the values

    def col(i: int) -> int:
        return sum(values[i::row])

    votes = [col(i) for i in range(FIRST, end)]
    common = [col(end), col(end + 1), col(end + 2)]
    return [*votes, *common, col(_AT["pengguna_total_j"]), col(_AT["pemilih_dpt_j"]), len(packed)]


def _forms_sums(
    count: ContestCount, parts: set[tuple[str, str]]
) -> dict[tuple[str, str], tuple[list[int], int]]:
    """Per (region, dapil) of a D.Hasil: the sum of its counted forms (vote boxes, then
    the common numbers and ``jumlah_tps``) and how many forms that is. The forms are
    summed by columns per kecamatan and dapil, then those sums added up to each part."""
    chains = count.chains
    dapils = {d for _, d in parts}
    groups: dict[tuple[str, str], list[bytes]] = {}
    for tps, slot in chains.slot_of.items():
        dapil = count.dapil_of.get(tps[:10])
        if dapil not in dapils or chains.current[slot] == NONE or chains.impossible[slot]:
            continue
        groups.setdefault((tps[:6], dapil), []).append(chains.values[slot])
    out: dict[tuple[str, str], tuple[list[int], int]] = {}
    for (kecamatan, dapil), packed in groups.items():
        summed = _column_sums(packed)
        for region in _regions_of(kecamatan):
            part = (region, dapil)
            if part not in parts:
                continue
            found = out.get(part)
            if found is None:
                out[part] = (summed[:], len(packed))
            else:
                total, n = found
                out[part] = ([a + b for a, b in zip(total, summed, strict=True)], n + len(packed))
    return out


def _expected(
    count: ContestCount, regions: Regions, parts: set[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """TPS expected per (region, dapil) of a D.Hasil (a desa's TPS share its dapil)."""
    out = dict.fromkeys(parts, 0)
    for desa, dapil in count.dapil_of.items():
        for region in _regions_of(desa):
            if (region, dapil) in out:
                out[(region, dapil)] += regions.tps_count(desa)
    return out


def recap_checks(count: ContestCount, regions: Regions) -> list[dict[str, Any]]:
    """Every legislative D.Hasil of the contest with its comparison (agreeing ones
    included), by region then dapil: ``{"region", "level", "contest", "dapil", "index",
    "key", "at", "complete", "differences": [{"field", "recap", "forms", "party"?,
    "candidate"?}]}``."""
    chains = count.chains
    parts = set(chains.recap_values)
    sums = _forms_sums(count, parts)
    expected = _expected(count, regions, parts)
    out = []
    for part in sorted(parts):
        region, dapil = part
        level, key, at, numbers = chains.recap_values[part]
        names = [*box_names(count.districts[dapil].ballot), *COMMON]
        forms, counted = sums.get(part, ([0] * len(names), 0))
        differences = [
            {"field": name, "recap": said, "forms": summed, **named_by(name)}
            for name, said, summed in zip(names, numbers, forms, strict=True)
            if said != summed
        ]
        out.append({
            "region": region, "level": level, "contest": count.contest, "dapil": dapil,
            "index": chains.recaps[part][0], "key": key, "at": at,
            "complete": counted == expected[part], "differences": differences,
        })  # fmt: skip
    return out


# ---- the forms of one TPS -------------------------------------------------------------


_BOXES: Final = tuple(dict.fromkeys(rule[3] for rule in CROSS_FORM_RULES))
_RULES: Final = tuple((_BOXES.index(rule[3]), rule[2] == "eq") for rule in CROSS_FORM_RULES)
"""Each cross-form rule's box (its place in :data:`_BOXES`) and whether it is ``eq``."""
_IMPOSSIBLE: Final = tuple(rule[1] == "impossible" for rule in CROSS_FORM_RULES)


class _Forms:
    """The boxes the cross-form rules read, from each contest's packed forms in force,
    one TPS at a time (nothing is kept per TPS)."""

    def __init__(self, fold: Fold) -> None:
        self.ppwp = fold.tallies.get("ppwp")
        self.chains = [(c, fold.chains[c]) for c in CONTEST_ORDER if c in fold.chains]
        codes: set[str] = set()
        if self.ppwp is not None:
            codes.update(self.ppwp.slot_of)
        for _, chains in self.chains:
            codes.update(chains.slot_of)
        self.codes = codes
        self.at_box = [_AT[b] for b in _BOXES]
        self.boxes = itemgetter(*self.at_box)
        self.width = max(self.at_box) + 1

    def at(self, tps: str) -> dict[str, tuple[int, tuple[int, ...]]]:
        """Per contest with a form in force at ``tps`` (counted or held): its entry and
        the boxes the cross-form rules read (:data:`_BOXES`' order)."""
        out: dict[str, tuple[int, tuple[int, ...]]] = {}
        ppwp = self.ppwp
        slot = ppwp.slot_of.get(tps) if ppwp is not None else None
        if ppwp is not None and slot is not None and ppwp.current[slot] != NONE:
            at = ppwp.width * slot
            out["ppwp"] = (ppwp.current[slot], self.boxes(ppwp.values[at : at + self.width]))
        for contest, chains in self.chains:
            slot = chains.slot_of.get(tps)
            if slot is not None and chains.current[slot] != NONE:
                values = memoryview(chains.values[slot])[: 2 * self.width].cast("H")
                out[contest] = (chains.current[slot], self.boxes(values))
        return out


def _breaks(kinds: list[str], reads: list[tuple[int, ...]]) -> list[tuple[int, int, int]]:
    """``(rule, i, j)`` for each cross-form rule that the forms ``i < j`` of one TPS
    (``kinds[i]``, read ``reads[i]``, in :data:`CONTEST_ORDER`) break, in rules.md's
    order, then each pair's: an ``eq`` rule by each pair whose box differs, an ``le``
    rule by each legislative form whose box is above PPWP's."""
    out: list[tuple[int, int, int]] = []
    n = len(kinds)
    for rule, (box, eq) in enumerate(_RULES):
        col = [read[box] for read in reads]
        if eq:
            if min(col) == max(col):
                continue
            for i in range(n - 1):
                va = col[i]
                out.extend((rule, i, j) for j in range(i + 1, n) if col[j] != va)
        elif kinds[0] == "ppwp":
            va = col[0]
            out.extend((rule, 0, j) for j in range(1, n) if col[j] > va)
    return out


def _rules(
    kinds: list[str], reads: list[tuple[int, ...]], breaks: list[tuple[int, int, int]]
) -> list[dict[str, Any]]:
    """The findings' ``rules``: each broken rule and pair, in words."""
    out = []
    for rule, i, j in breaks:
        _, severity, relation, box, en, id_ = CROSS_FORM_RULES[rule]
        a, b = kinds[i], kinds[j]
        at = _RULES[rule][0]
        va, vb = reads[i][at], reads[j][at]
        shown = f"{box}: {b} {vb} {'!=' if relation == 'eq' else '>'} {a} {va}"
        out.append({
            "rule": CROSS_FORM_RULES[rule][0], "severity": severity,
            "fields": [f"{a}.{box}", f"{b}.{box}"],
            "message": {"id": f"{shown}; {id_}", "en": f"{shown}; {en}"},
        })  # fmt: skip
    return out


Crossed = tuple[str, dict[str, tuple[int, tuple[int, ...]]], list[str], list[tuple[int, int, int]]]


def _crossed(fold: Fold) -> Iterator[Crossed]:
    """``(tps, forms, kinds, breaks)`` of every TPS whose forms in force break a
    cross-form rule, by TPS code."""
    reader = _Forms(fold)
    for tps in sorted(reader.codes):
        forms = reader.at(tps)
        if len(forms) < 2 or len({read for _, read in forms.values()}) == 1:
            continue  # one form, or every form reads the same: no rule can break
        kinds: list[str] = [c for c in CONTEST_ORDER if c in forms]
        breaks = _breaks(kinds, [forms[c][1] for c in kinds])
        if breaks:
            yield tps, forms, kinds, breaks


def _finding(tps: str, forms: Any, kinds: list[str], breaks: Any) -> dict[str, Any]:
    impossible = any(_IMPOSSIBLE[rule] for rule, _, _ in breaks)
    return {
        "region": tps, "severity": "impossible" if impossible else "suspicious",
        "held": False,
        "forms": {c: forms[c][0] for c in kinds},
        "rules": _rules(kinds, [forms[c][1] for c in kinds], breaks),
    }  # fmt: skip


def cross_form(fold: Fold) -> list[dict[str, Any]]:
    """Every TPS whose forms in force break a cross-form rule, by TPS code: ``{"region",
    "severity", "held": false, "forms": {contest: entry}, "rules": [...]}``."""
    return [_finding(*found) for found in _crossed(fold)]


@dataclass
class Crossing:
    """The cross-form findings counted (what :func:`summary` reports of them): the TPS,
    those of severity impossible, per contest those whose findings involve it, and the
    first :data:`KEEP` findings in full."""

    tps: int = 0
    impossible: int = 0
    involving: dict[str, int] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)

    def add(self, found: dict[str, Any], contests: Iterable[str]) -> None:
        self.tps += 1
        self.impossible += found["severity"] == "impossible"
        for contest in contests:
            self.involving[contest] = self.involving.get(contest, 0) + 1
        if len(self.findings) < KEEP:
            self.findings.append(found)

    @classmethod
    def of(cls, crossing: list[dict[str, Any]]) -> Crossing:
        """The count of :func:`cross_form`'s findings."""
        out = cls()
        for found in crossing:
            out.add(found, [c for c in CONTEST_ORDER if involves(found, c)])
        return out


def cross_form_counted(fold: Fold) -> Crossing:
    """:func:`cross_form`, counted as it goes: only the first :data:`KEEP` findings are
    written in words (a log may hold hundreds of thousands of TPS whose forms disagree,
    the national synthetic log every one)."""
    out = Crossing()
    for tps, forms, kinds, breaks in _crossed(fold):
        if len(out.findings) < KEEP:
            found = _finding(tps, forms, kinds, breaks)
        else:
            impossible = any(_IMPOSSIBLE[rule] for rule, _, _ in breaks)
            found = {"severity": "impossible" if impossible else "suspicious"}
        involved = {i for _, i, _ in breaks} | {j for _, _, j in breaks}
        out.add(found, [kinds[i] for i in sorted(involved)])
    return out


def involves(found: dict[str, Any], contest: str) -> bool:
    """Whether a cross-form finding names a box of ``contest``'s form."""
    return any(f.split(".", 1)[0] == contest for r in found["rules"] for f in r["fields"])


def summary(checks: dict[str, list[dict[str, Any]]], crossing: Crossing) -> dict[str, Any]:
    """The report's ``legislative_reconciliation``: per contest its D.Hasil checked,
    complete and differing (the first :data:`~saksi.verify.findings.KEEP` of those in
    full) and the TPS whose cross-form findings involve it; the cross-form findings (the
    first ``KEEP`` in full), how many and how severe."""
    recaps = {}
    for contest, found in checks.items():
        differing = [c for c in found if c["differences"]]
        recaps[contest] = {
            "checked": len(found),
            "complete": sum(c["complete"] for c in found),
            "differing": len(differing),
            "differences": differing[:KEEP],
            "cross_form": crossing.involving.get(contest, 0),
        }
    return {
        "recaps": recaps,
        "cross_form": {
            "tps": crossing.tps,
            "impossible": crossing.impossible,
            "suspicious": crossing.tps - crossing.impossible,
            "findings": crossing.findings,
        },
    }


__all__ = [
    "CONTEST_ORDER",
    "Crossing",
    "box_names",
    "cross_form",
    "cross_form_counted",
    "involves",
    "named_by",
    "recap_checks",
    "summary",
]
