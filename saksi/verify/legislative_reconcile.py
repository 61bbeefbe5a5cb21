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
"""The boxes the cross-form rules read."""


class _Forms:
    """Each contest's form in force at a TPS, read one TPS at a time (nothing is kept
    per TPS: a national log has millions of forms)."""

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

    def at(self, tps: str) -> dict[str, tuple[int, tuple[int, ...]]]:
        """Per contest with a form in force at ``tps`` (counted or held): its entry and
        the boxes the cross-form rules read (:data:`_BOXES`' order)."""
        out: dict[str, tuple[int, tuple[int, ...]]] = {}
        ppwp = self.ppwp
        slot = ppwp.slot_of.get(tps) if ppwp is not None else None
        if ppwp is not None and slot is not None and ppwp.current[slot] != NONE:
            at = ppwp.width * slot
            read = tuple(ppwp.values[at + i] for i in self.at_box)
            out["ppwp"] = (ppwp.current[slot], read)
        for contest, chains in self.chains:
            slot = chains.slot_of.get(tps)
            if slot is not None and chains.current[slot] != NONE:
                values = memoryview(chains.values[slot]).cast("H")
                out[contest] = (chains.current[slot], tuple(values[i] for i in self.at_box))
        return out


def _broken(forms: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """The cross-form rules the forms of one TPS break, rule by rule (rules.md's order),
    each pair of forms once in :data:`CONTEST_ORDER` (the earlier form first)."""
    kinds = [c for c in CONTEST_ORDER if c in forms]
    out = []
    for code, severity, relation, box, en, id_ in CROSS_FORM_RULES:
        for i, a in enumerate(kinds):
            for b in kinds[i + 1 :]:
                va, vb = forms[a][box], forms[b][box]
                broken = va != vb if relation == "eq" else a == "ppwp" and vb > va
                if not broken:
                    continue
                shown = f"{box}: {b} {vb} {'!=' if relation == 'eq' else '>'} {a} {va}"
                out.append({
                    "rule": code, "severity": severity,
                    "fields": [f"{a}.{box}", f"{b}.{box}"],
                    "message": {"id": f"{shown}; {id_}", "en": f"{shown}; {en}"},
                })  # fmt: skip
    return out


def cross_form(fold: Fold) -> list[dict[str, Any]]:
    """Every TPS whose forms in force break a cross-form rule, by TPS code: ``{"region",
    "severity", "held": false, "forms": {contest: entry}, "rules": [...]}``."""
    out = []
    reader = _Forms(fold)
    for tps in sorted(reader.codes):
        forms = reader.at(tps)
        if len(forms) < 2 or len({read for _, read in forms.values()}) == 1:
            continue  # one form, or every form reads the same: no rule can break
        rules = _broken({c: dict(zip(_BOXES, read, strict=True)) for c, (_, read) in forms.items()})
        if rules:
            impossible = any(r["severity"] == "impossible" for r in rules)
            out.append({
                "region": tps, "severity": "impossible" if impossible else "suspicious",
                "held": False,
                "forms": {c: forms[c][0] for c in CONTEST_ORDER if c in forms},
                "rules": rules,
            })  # fmt: skip
    return out


def involves(found: dict[str, Any], contest: str) -> bool:
    """Whether a cross-form finding names a box of ``contest``'s form."""
    return any(f.split(".", 1)[0] == contest for r in found["rules"] for f in r["fields"])


def summary(
    checks: dict[str, list[dict[str, Any]]], crossing: list[dict[str, Any]]
) -> dict[str, Any]:
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
            "cross_form": sum(involves(f, contest) for f in crossing),
        }
    impossible = sum(f["severity"] == "impossible" for f in crossing)
    return {
        "recaps": recaps,
        "cross_form": {
            "tps": len(crossing),
            "impossible": impossible,
            "suspicious": len(crossing) - impossible,
            "findings": crossing[:KEEP],
        },
    }


__all__ = [
    "CONTEST_ORDER",
    "box_names",
    "cross_form",
    "involves",
    "named_by",
    "recap_checks",
    "summary",
]
