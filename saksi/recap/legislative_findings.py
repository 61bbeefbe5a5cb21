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

from bisect import insort
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from saksi.election.codes import Level, level_of
from saksi.recap.fold import Recap
from saksi.recap.legislative import LegislativeTally
from saksi.recap.legislative_reconcile import ANOMALY_TYPES, tps_items
from saksi.recap.legislative_screening import LEGISLATIVE_FLAG_IDS
from saksi.recap.snapshot import LEVEL_NAMES, FindingCounts
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


class Findings(FindingCounts[tuple[str, str]]):
    """One legislative contest's counts of findings per region, kept up to date; its
    differing D.Hasil listed by (region, dapil)."""

    __slots__ = ("_crossing",)
    FLAGS = LEGISLATIVE_FLAG_IDS
    ANOMALIES = ANOMALY_TYPES  # the legislative kinds: cross-form beside PPWP's

    def __init__(self, contest: str) -> None:
        super().__init__(contest)
        self._crossing: set[str] = set()  # TPS whose cross-form finding involves the contest

    @classmethod
    def full(cls, recap: Recap, contest: str, crossing: Collection[str]) -> Findings:
        """Counted afresh from every TPS with anything logged; ``crossing``: every TPS
        whose cross-form finding involves the contest (the D.Hasil: :meth:`recheck`)."""
        found = cls(contest)
        found._crossing = set(crossing)
        tally = recap.legislative(contest)
        for code in sorted(tally.extra.keys() | found._crossing):
            found._set_tps(code, found._keys(tally, code))
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
            if self._set_tps(code, self._keys(tally, code)):
                moved.add(code)
        return moved

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

    def _bound(self, region: str) -> tuple[str, ...]:
        return (region,)

    def region(self, code: str) -> dict[str, Any]:
        """What a region's snapshot says of its findings."""
        return {
            "flags": self.flags(code),
            "anomalies": self.anomalies(code),
            "recap_differences": self.recap_differences(code),
        }


__all__ = ["Findings", "tps_keys", "tps_of"]
