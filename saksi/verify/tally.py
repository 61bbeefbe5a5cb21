"""The form in force and the tally of docs/recap.md, kept compact, written from the docs.

Per contest, :class:`ContestTally` keeps one *slot* per TPS that has anything logged,
in columns (the form in force's numbers in one array, entry numbers in arrays, the
rules and flags as shared tuples): the verifying process does one small update per
form. Nothing is summed while entries are folded: :meth:`ContestTally.view` sums
every slot into every region above it when the published results are compared
(:class:`View`), which is where docs/recap.md's numbers are made: totals over the
counted TPS, progress, TPS counters, screening flag counts, anomaly counts, and each
D.Hasil against the forms below its region.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from saksi.verify.regions import LEVEL_NAMES, NATION, Regions, ancestors
from saksi.verify.rules import FLAGS
from saksi.verify.schema import AFTER_PAIRS, BEFORE_PAIRS

TOTAL_FIELDS: Final = (
    "suara_sah",
    "suara_tidak_sah",
    "suara_total",
    "pengguna_total_j",
    "pemilih_dpt_j",
)
COUNTERS: Final = (
    "received",
    "counted",
    "inconsistent",
    "corrected",
    "witness_agree",
    "witness_dispute",
    "flagged",
)
ANOMALY_TYPES: Final = ("inconsistent", "flag", "witness-dispute", "recap-difference", "correction")
LISTED: Final = 10
"""D.Hasil that differ from their forms listed in full in a region's snapshot."""
NONE: Final = -1


def form_fields(pairs: tuple[str, ...]) -> tuple[str, ...]:
    return (*BEFORE_PAIRS, *(f"suara_paslon_{p}" for p in pairs), *AFTER_PAIRS)


@dataclass(slots=True)
class Copy:
    index: int
    key: str
    party: str
    values: tuple[int, ...]
    leaf: bytes


@dataclass(slots=True)
class DHasil:
    index: int
    region: str
    level: str
    key: str
    at: str
    numbers: tuple[int, ...]  # the pairs' votes (ascending numbers), then RECAP_TOTALS
    leaf: bytes


class ContestTally:
    """Every TPS of one contest with anything logged, in columns."""

    def __init__(self, contest: str, pairs: tuple[str, ...]) -> None:
        self.contest = contest
        self.pairs = tuple(sorted(pairs))
        self.width = len(BEFORE_PAIRS) + len(self.pairs) + len(AFTER_PAIRS)
        self.fields = form_fields(self.pairs)
        self.slot_of: dict[str, int] = {}
        self.codes: list[str] = []
        self.values = array("H")  # width numbers per slot: the form in force (zeros: none)
        self.original = array("q")
        self.current = array("q")
        self.head_leaf = bytearray()  # 32 bytes per slot: the form in force's leaf hash
        self.first_leaf: dict[int, bytes] = {}  # slot -> the c-hasil's leaf, once replaced
        self.replaced: dict[int, bytes] = {}  # entry -> leaf hash of a form no longer in force
        self.rules: list[tuple[str, ...]] = []
        self.impossible = bytearray()
        self.flags: list[tuple[str, ...]] = []
        self.corrections: dict[int, list[int]] = {}
        self.copies: dict[int, list[Copy]] = {}
        self.recaps: dict[str, DHasil] = {}
        self._shared: dict[tuple[str, ...], tuple[str, ...]] = {(): ()}

    # -- folding -------------------------------------------------------------

    def slot(self, tps: str) -> int | None:
        return self.slot_of.get(tps)

    def _new_slot(self, tps: str) -> int:
        slot = len(self.codes)
        self.slot_of[tps] = slot
        self.codes.append(tps)
        self.values.extend([0] * self.width)
        self.original.append(NONE)
        self.current.append(NONE)
        self.head_leaf.extend(bytes(32))
        self.rules.append(())
        self.impossible.append(0)
        self.flags.append(())
        return slot

    def form(  # noqa: PLR0917
        self,
        tps: str,
        index: int,
        leaf: bytes,
        values: tuple[int, ...],
        rules: tuple[str, ...],
        impossible: bool,
        flags: tuple[str, ...],
        correction: bool,
    ) -> None:
        """A c-hasil or a correction (authorized) becomes the form in force."""
        slot = self.slot_of.get(tps)
        if slot is None and not correction:  # the common case: a TPS's first form
            self._first_form(tps, index, leaf, values, rules, impossible, flags)
            return
        if slot is None:
            slot = self._new_slot(tps)
        if correction:
            old = self.current[slot]
            self.replaced[old] = bytes(self.head_leaf[32 * slot : 32 * slot + 32])
            if old == self.original[slot]:
                self.first_leaf[slot] = self.replaced[old]
            self.corrections.setdefault(slot, []).append(index)
        else:
            self.original[slot] = index
        self.current[slot] = index
        w = self.width
        self.values[w * slot : w * slot + w] = array("H", values)
        self.head_leaf[32 * slot : 32 * slot + 32] = leaf
        share = self._shared.setdefault
        self.rules[slot] = share(rules, rules)
        self.impossible[slot] = impossible
        self.flags[slot] = share(flags, flags)

    def _first_form(  # noqa: PLR0917
        self,
        tps: str,
        index: int,
        leaf: bytes,
        values: tuple[int, ...],
        rules: tuple[str, ...],
        impossible: bool,
        flags: tuple[str, ...],
    ) -> None:
        """A new slot holding its c-hasil: :meth:`_new_slot` then :meth:`form`, at once."""
        self.slot_of[tps] = len(self.codes)
        self.codes.append(tps)
        self.values += array("H", values)  # faster than extending by the tuple
        self.original.append(index)
        self.current.append(index)
        self.head_leaf += leaf
        share = self._shared.setdefault
        self.rules.append(share(rules, rules))
        self.impossible.append(impossible)
        self.flags.append(share(flags, flags))

    def copy(self, tps: str, copy: Copy) -> None:
        slot = self.slot_of.get(tps)
        if slot is None:
            slot = self._new_slot(tps)
        self.copies.setdefault(slot, []).append(copy)

    # -- the form state authorization reads -----------------------------------

    def original_leaf(self, slot: int) -> bytes:
        found = self.first_leaf.get(slot)
        return found if found is not None else bytes(self.head_leaf[32 * slot : 32 * slot + 32])

    def leaf_of(self, slot: int, index: int) -> bytes | None:
        """The leaf hash of form ``index`` of this TPS (in force or replaced), or None
        if ``index`` is no form of it."""
        if self.current[slot] == index:
            return bytes(self.head_leaf[32 * slot : 32 * slot + 32])
        if index == self.original[slot] or index in self.corrections.get(slot, ()):
            return self.replaced.get(index)
        return None

    def form_values(self, slot: int) -> tuple[int, ...] | None:
        if self.current[slot] == NONE:
            return None
        w = self.width
        return tuple(self.values[w * slot : w * slot + w])

    def view(self, regions: Regions) -> View:
        return View(self, regions)


def _flat(pairs: tuple[str, ...], vector: list[int] | tuple[int, ...]) -> dict[str, int]:
    n = len(pairs)
    out = {f"suara_paslon_{p}": vector[i] for i, p in enumerate(pairs)}
    for i, name in enumerate((*TOTAL_FIELDS, "jumlah_tps")):
        out[name] = vector[n + i]
    return out


class View:
    """docs/recap.md's numbers for every region of one contest, summed from the slots."""

    def __init__(self, tally: ContestTally, regions: Regions) -> None:
        self.t = tally
        self.regions = regions
        n = len(tally.pairs)
        self.n = n
        self.size = n + len(TOTAL_FIELDS) + 1 + len(COUNTERS)
        first = len(BEFORE_PAIRS)
        at = {name: i for i, name in enumerate(tally.fields)}
        self._take = (*range(first, first + n), *(at[f] for f in TOTAL_FIELDS))
        self.sums: dict[str, list[int]] = {}
        self.extra: dict[str, dict[tuple[str, str], int]] = {}  # flags and anomaly counts
        self.tps_vectors: dict[str, list[int]] = {}
        for tps, slot in tally.slot_of.items():
            vector, extra = self._tps(slot)
            self.tps_vectors[tps] = vector
            for code in ancestors(tps):
                found = self.sums.get(code)
                if found is None:
                    self.sums[code] = list(vector)
                else:
                    for i, x in enumerate(vector):
                        if x:
                            found[i] += x
                if extra:
                    counts = self.extra.setdefault(code, {})
                    for k, x in extra.items():
                        counts[k] = counts.get(k, 0) + x
        self.differing: dict[str, dict[str, Any]] = {}
        for code in sorted(tally.recaps):
            check = self.recap_check(code)
            if check is not None and check["differences"]:
                self.differing[code] = {
                    **self.ref(code), "index": check["index"], "complete": check["complete"],
                    "differences": check["differences"],
                }  # fmt: skip
        self.differing_codes = sorted(self.differing)

    # -- one TPS -------------------------------------------------------------

    def status(self, slot: int) -> str:
        t = self.t
        if t.current[slot] == NONE:
            return "missing"
        if t.impossible[slot]:
            return "inconsistent"
        return "corrected" if slot in t.corrections else "received"

    def differing_copies(self, slot: int) -> list[bool]:
        """Per witness copy, whether it differs from the form in force (none: [])."""
        values = self.t.form_values(slot)
        if values is None:
            return []
        return [c.values != values for c in self.t.copies.get(slot, ())]

    def witness(self, slot: int) -> str:
        found = self.differing_copies(slot)
        if not found:
            return "none"
        return "dispute" if any(found) else "agree"

    def _tps(self, slot: int) -> tuple[list[int], dict[tuple[str, str], int]]:
        t = self.t
        vector = [0] * self.size
        extra: dict[tuple[str, str], int] = {}
        status = self.status(slot)
        base = self.n + len(TOTAL_FIELDS) + 1
        if status != "missing":
            counted = status != "inconsistent"
            witness = self.witness(slot)
            flagged = counted and bool(t.flags[slot] or t.rules[slot])
            counters = (
                1,
                counted,
                not counted,
                slot in t.corrections,  # a correction in force, counted or held
                witness == "agree",
                witness == "dispute",
                flagged,
            )
            for i, x in enumerate(counters):
                vector[base + i] = int(x)
            if counted:
                w = t.width
                values = t.values[w * slot : w * slot + w]
                for i, at in enumerate(self._take):
                    vector[i] = values[at]
                vector[base - 1] = 1
                for flag in t.flags[slot]:
                    extra[("flags", flag)] = 1
            else:
                extra[("anomalies", "inconsistent")] = 1
            if flagged:
                extra[("anomalies", "flag")] = 1
            disputes = sum(self.differing_copies(slot)) if witness == "dispute" else 0
            if disputes:
                extra[("anomalies", "witness-dispute")] = disputes
        fixes = len(t.corrections.get(slot, ()))
        if fixes:
            extra[("anomalies", "correction")] = fixes
        return vector, extra

    # -- any region ----------------------------------------------------------

    def vector(self, code: str) -> list[int]:
        if len(code) == 13:  # noqa: SIM108
            found = self.tps_vectors.get(code)
        else:
            found = self.sums.get(code)
        return found if found is not None else [0] * self.size

    def ref(self, code: str) -> dict[str, Any]:
        return {"code": code, "name": self.regions.name(code), "level": LEVEL_NAMES[len(code)]}

    def totals(self, code: str) -> dict[str, Any]:
        v = self.vector(code)
        n = self.n
        out: dict[str, Any] = {"suara_paslon": {p: v[i] for i, p in enumerate(self.t.pairs)}}
        for i, name in enumerate((*TOTAL_FIELDS, "jumlah_tps")):
            out[name] = v[n + i]
        return out

    def counters(self, code: str) -> dict[str, int]:
        v = self.vector(code)
        base = self.n + len(TOTAL_FIELDS) + 1
        return {name: v[base + i] for i, name in enumerate(COUNTERS)}

    def progress(self, code: str) -> dict[str, Any]:
        counters = self.counters(code)
        expected = self.regions.tps_count(code)
        received = counters["received"]
        share = received / expected if expected else 0.0
        return {
            "expected": expected,
            "received": received,
            "counted": counters["counted"],
            "percent": round(100 * share, 2),
        }

    def numbers(self, code: str) -> dict[str, Any]:
        return {
            "totals": self.totals(code),
            "progress": self.progress(code),
            "counters": self.counters(code),
        }

    def _within(self, code: str) -> list[str]:
        if code == NATION:
            return self.differing_codes
        return [c for c in self.differing_codes if c.startswith(code)]

    def flag_counts(self, code: str) -> dict[str, int]:
        extra = self.extra.get(code, {})
        return {flag: extra.get(("flags", flag), 0) for flag in FLAGS}

    def anomaly_counts(self, code: str) -> dict[str, int]:
        extra = self.extra.get(code, {})
        out = {kind: extra.get(("anomalies", kind), 0) for kind in ANOMALY_TYPES}
        out["recap-difference"] = len(self._within(code))
        return out

    def recap_differences(self, code: str) -> dict[str, Any]:
        codes = self._within(code)
        levels: dict[str, int] = {}
        for c in codes:
            level = self.differing[c]["level"]
            levels[level] = levels.get(level, 0) + 1
        order = list(LEVEL_NAMES.values())
        return {
            "by_level": {n: levels[n] for n in order if levels.get(n)},
            "first": [self.differing[c] for c in codes[:LISTED]],
        }

    def recap_check(self, code: str) -> dict[str, Any] | None:
        record = self.t.recaps.get(code)
        if record is None:
            return None
        forms = _flat(self.t.pairs, self.vector(code))
        stated = _flat(self.t.pairs, record.numbers)
        differences = [
            {"field": name, "recap": stated[name], "forms": forms[name]}
            for name in forms
            if stated[name] != forms[name]
        ]
        progress = self.progress(code)
        return {
            "region": code, "level": record.level, "contest": self.t.contest,
            "index": record.index, "key": record.key, "at": record.at,
            "complete": progress["counted"] == progress["expected"],
            "differences": differences,
        }  # fmt: skip

    # -- what the published files say of a region -----------------------------

    def region_facts(self, code: str) -> dict[str, Any]:
        return {
            "region": self.ref(code),
            "path": [{"code": c, "name": self.regions.name(c)} for c in self.regions.path(code)],
            **self.numbers(code),
            "flags": self.flag_counts(code),
            "anomalies": self.anomaly_counts(code),
            "recap_differences": self.recap_differences(code),
            "recap_check": self.recap_check(code),
        }

    def child_facts(self, code: str) -> dict[str, Any]:
        if len(code) == 13:
            return self.tps_facts(code)
        return {**self.ref(code), **self.numbers(code), "anomalies": self.anomaly_counts(code)}

    def tps_facts(self, code: str) -> dict[str, Any]:
        t = self.t
        slot = t.slot_of.get(code)
        out = {**self.ref(code), **self.numbers(code)}
        if slot is None:
            return {
                **out, "status": "missing", "counted": False, "witness": "none", "values": None,
                "violations": [], "flags": [],
                "entries": {"original": None, "current": None, "corrections": [], "copies": []},
            }  # fmt: skip
        status = self.status(slot)
        values = t.form_values(slot)
        differs = self.differing_copies(slot)
        copies = t.copies.get(slot, [])
        counted = status in ("received", "corrected")
        return {
            **out,
            "status": status,
            "counted": counted,
            "witness": self.witness(slot),
            "values": dict(zip(t.fields, values, strict=True)) if values is not None else None,
            "violations": list(t.rules[slot]),
            "flags": list(t.flags[slot]) if counted else [],
            "entries": {
                "original": None if t.original[slot] == NONE else t.original[slot],
                "current": None if t.current[slot] == NONE else t.current[slot],
                "corrections": list(t.corrections.get(slot, [])),
                "copies": [
                    {
                        "index": c.index,
                        "party": c.party,
                        "agrees": not (differs[i] if differs else False),
                    }
                    for i, c in enumerate(copies)
                ],
            },
        }

    def tps_row(self, code: str) -> tuple[str, str, bool, tuple[int, ...] | None]:
        """A TPS's status, witness, counted and form in force (for the CSV)."""
        slot = self.t.slot_of.get(code)
        if slot is None:
            return "missing", "none", False, None
        status = self.status(slot)
        return (
            status,
            self.witness(slot),
            status in ("received", "corrected"),
            self.t.form_values(slot),
        )

    def iter_logged(self) -> Iterator[str]:
        return iter(sorted(self.t.slot_of))


__all__ = [
    "ANOMALY_TYPES",
    "COUNTERS",
    "TOTAL_FIELDS",
    "ContestTally",
    "Copy",
    "DHasil",
    "View",
    "form_fields",
]
