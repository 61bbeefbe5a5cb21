"""What each region holds of a legislative contest's anomaly list and screening flags.

The legislative twin of :class:`saksi.recap.snapshot.Tally`: the Publisher keeps one
:class:`Findings` per legislative contest, updated with what each checkpoint touched,
and every legislative snapshot publishes from it, as PPWP's do (docs/recap.md, "The
legislative contests published"):

- ``flags``: legislative screening flag id -> counted TPS within the region raising it;
- ``anomalies``: anomaly type (:data:`~saksi.recap.legislative_reconcile.ANOMALY_TYPES`)
  -> items of the contest's anomaly list within the region;
- ``recap_differences``: the D.Hasil within the region that differ from their forms
  (one per region and dapil), how many at each level and the first in full.

A TPS's part is counted from :func:`~saksi.recap.legislative_reconcile.tps_items` (the
generator the anomaly list is made of), its ``cross-form`` item from
:func:`~saksi.recap.legislative_reconcile.cross_form_findings` and the D.Hasil from
their checks (:func:`~saksi.recap.legislative_reconcile.check_recap`), so every count
equals the number of items of the anomaly list within the region, at one checkpoint.
A cross-form finding changes with any contest's form at its TPS: the Publisher hands
every contest the TPS any contest touched (:meth:`Findings.update`), and rewrites the
snapshots above each TPS whose counts moved.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from saksi.election.codes import NASIONAL, Level, ancestors, level_of
from saksi.recap.fold import Recap
from saksi.recap.legislative import LegislativeTally
from saksi.recap.legislative_reconcile import ANOMALY_TYPES, tps_items
from saksi.recap.legislative_screening import LEGISLATIVE_FLAG_IDS
from saksi.recap.snapshot import LEVEL_NAMES, RECAP_DIFFERENCES_LISTED
from saksi.recap.state import TpsState

_Key = tuple[str, str]  # ("flags", flag id) or ("anomalies", anomaly type)
_CROSS: _Key = ("anomalies", "cross-form")


def tps_keys(state: TpsState) -> Counter[_Key]:
    """What one TPS's own items (not its cross-form finding) add to every region above."""
    keys: Counter[_Key] = Counter(("flags", f.flag) for f in state.flags)
    keys.update(("anomalies", item["type"]) for item in tps_items(state))
    return keys


def tps_of(tally: LegislativeTally, touched: Iterable[str]) -> set[str]:
    """The TPS a touched set names: a TPS itself, or every TPS of a touched desa (what
    :meth:`~saksi.recap.legislative.LegislativeTally.take_touched` gives); regions above
    the desa (a D.Hasil) name none."""
    out: set[str] = set()
    for code in touched:
        level = level_of(code)
        if level is Level.TPS:
            out.add(code)
        elif level is Level.DESA:
            out.update(tally.hierarchy.children(code))
    return out


class Findings:
    """One legislative contest's counts of findings per region, kept up to date."""

    __slots__ = ("_codes", "_contest", "_crossing", "_differing", "_regions", "_tps")

    def __init__(self, contest: str) -> None:
        self._contest = contest
        self._tps: dict[str, Counter[_Key]] = {}  # only TPS with something to count
        self._regions: dict[str, Counter[_Key]] = {}
        self._crossing: set[str] = set()  # TPS whose cross-form finding involves the contest
        self._differing: dict[tuple[str, str], dict[str, Any]] = {}  # (region, dapil) -> item
        self._codes: list[tuple[str, str]] = []  # the keys of _differing, sorted

    @classmethod
    def full(cls, recap: Recap, contest: str, crossing: Collection[str]) -> Findings:
        """Counted afresh from every TPS with anything logged; ``crossing``: every TPS
        whose cross-form finding involves the contest (the D.Hasil: :meth:`recheck`)."""
        found = cls(contest)
        found._crossing = set(crossing)
        tally = recap.legislative(contest)
        for code in sorted(tally.extra.keys() | found._crossing):
            found._set(code, found._keys(tally, code))
        return found

    def _keys(self, tally: LegislativeTally, code: str) -> Counter[_Key]:
        """A TPS's keys: its own items only if it has anything beside its form's values
        (broken rules, flags, corrections, copies: the tally's ``extra``; the others
        have none, and are not made into a state), and its cross-form finding."""
        keys = tps_keys(tally.tps(code)) if code in tally.extra else Counter()
        if code in self._crossing:
            keys[_CROSS] += 1
        return keys

    def update(
        self, recap: Recap, tps: Collection[str], checked: Collection[str], crossing: set[str]
    ) -> set[str]:
        """After a checkpoint: ``tps`` the contest's TPS touched, ``checked`` every TPS
        whose cross-form finding was made again (any contest touched it), ``crossing``
        those of them whose finding involves this contest. The TPS whose counts moved."""
        self._crossing.difference_update(checked)
        self._crossing.update(crossing)
        tally = recap.legislative(self._contest)
        moved = set()
        for code in {*tps, *checked}:
            if self._set(code, self._keys(tally, code)):
                moved.add(code)
        return moved

    def _set(self, tps: str, keys: Counter[_Key]) -> bool:
        old = self._tps.pop(tps, Counter())
        if keys:
            self._tps[tps] = keys
        if old == keys:
            return False
        for region in ancestors(tps):
            counts = self._regions.setdefault(region, Counter())
            counts.subtract(old)
            counts.update(keys)
        return True

    def recheck(
        self, tally: LegislativeTally, regions: Collection[str], checks: Mapping[str, Any]
    ) -> None:
        """The D.Hasil of ``regions`` checked again: ``checks`` region -> its checks
        (:func:`saksi.recap.publish.recap_checks_of`; a region without D.Hasil absent)."""
        for key in [k for k in self._codes if k[0] in regions]:
            del self._differing[key]
            self._codes.remove(key)
        for region in regions:
            for check in checks.get(region, ()):
                if not check["differences"]:
                    continue
                key = (region, str(check["dapil"]))
                self._differing[key] = {
                    "code": region,
                    "name": tally.hierarchy.name(region),
                    "level": LEVEL_NAMES[level_of(region)],
                    "dapil": check["dapil"],
                    "index": check["index"],
                    "complete": check["complete"],
                    "differences": check["differences"],
                }
                insort(self._codes, key)

    def _within(self, region: str) -> list[tuple[str, str]]:
        """The differing D.Hasil within ``region`` (itself included), by region, dapil."""
        if region == NASIONAL:
            return self._codes
        codes = self._codes
        return codes[bisect_left(codes, (region,)) : bisect_left(codes, (region + ":",))]

    def flags(self, region: str) -> dict[str, int]:
        """Flag id -> counted TPS within ``region`` raising it (every flag, zeros too)."""
        found = self._regions.get(region, Counter())
        return {flag: found[("flags", flag)] for flag in LEGISLATIVE_FLAG_IDS}

    def anomalies(self, region: str) -> dict[str, int]:
        """Anomaly type -> items of the anomaly list within ``region`` (every type)."""
        found = self._regions.get(region, Counter())
        counts = {kind: found[("anomalies", kind)] for kind in ANOMALY_TYPES}
        counts["recap-difference"] = len(self._within(region))
        return counts

    def recap_differences(self, region: str) -> dict[str, Any]:
        """The D.Hasil within ``region`` that differ from their forms: how many at each
        level, and the first :data:`~saksi.recap.snapshot.RECAP_DIFFERENCES_LISTED`."""
        codes = self._within(region)
        levels = Counter(self._differing[c]["level"] for c in codes)
        return {
            "by_level": {n: levels[n] for n in LEVEL_NAMES.values() if levels[n]},
            "first": [self._differing[c] for c in codes[:RECAP_DIFFERENCES_LISTED]],
        }

    def region(self, code: str) -> dict[str, Any]:
        """What a region's snapshot says of its findings."""
        return {
            "flags": self.flags(code),
            "anomalies": self.anomalies(code),
            "recap_differences": self.recap_differences(code),
        }


__all__ = ["Findings", "tps_keys", "tps_of"]
