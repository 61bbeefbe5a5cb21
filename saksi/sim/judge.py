"""What the night's checks made of every injected fault, read from the outside.

A fault refused at the door is judged by the service's answer (its refusal code); a
fault that is logged (a misread form, a disputing witness copy, an inflated D.Hasil)
by what the **publication** says about it: the snapshots under ``OUT/results`` that
``saksi verify`` has just checked against the log. The crash is judged by the
receipts acknowledged before the kill, read back after it.

The same publication shows whether any clean TPS was flagged (a false alarm), and
its national totals are set against the truth minus what was kept out.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saksi.sim.devices import Answer, Tally
from saksi.sim.faults import Fault
from saksi.sim.plan import INFLATION, FaultRecord, NightPlan


@dataclass
class Outcome:
    record: FaultRecord
    caught: bool
    by: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.record.to_dict(), "caught": self.caught, "by": self.by}


@dataclass
class Publication:
    """The published results at their latest generation, walked down to every TPS."""

    tree_size: int
    nation: dict[str, Any]
    tps: dict[str, dict[str, Any]] = field(default_factory=dict)
    recap_checks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(cls, results: Path, contest: str = "ppwp") -> Publication:
        latest = _load(results / "latest.json")
        nation = _load(results / latest["contests"][contest]["snapshot"])
        found = cls(int(latest["tree_size"]), nation)
        found._walk(results, nation)
        return found

    def _walk(self, results: Path, snapshot: dict[str, Any]) -> None:
        check = snapshot.get("recap_check")
        if check is not None:
            self.recap_checks[snapshot["region"]["code"]] = check
        for child in snapshot["children"]:
            if "href" in child:
                self._walk(results, _load(results / child["href"]))
            else:
                self.tps[child["code"]] = _slim(child)

    @property
    def totals(self) -> dict[str, int]:
        return dict(sorted(self.nation["totals"]["suara_paslon"].items()))


def _slim(tps: dict[str, Any]) -> dict[str, Any]:
    """What the judge reads of a published TPS (the national night has 820,161)."""
    return {
        "status": tps["status"], "counted": tps["counted"], "witness": tps["witness"],
        "violations": tps["violations"], "flags": tps["flags"],
        "copies": [(c["party"], c["agrees"]) for c in tps["entries"]["copies"]],
    }  # fmt: skip


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_bytes())
    return loaded


def _refused(answer: Answer | None, code: str) -> tuple[bool, str]:
    if answer is None:
        return False, "never answered"
    if answer.logged:
        return False, f"logged as entry {answer.index} ({answer.body.get('status')})"
    return answer.code == code, f"refused {answer.code} (HTTP {answer.status})"


class Judge:
    """Judges each fault of ``plan`` from the answers and the publication."""

    def __init__(self, plan: NightPlan, tally: Tally, published: Publication,
                 crash: dict[str, Any]) -> None:  # fmt: skip
        self.plan, self.tally, self.pub, self.crash = plan, tally, published, crash

    def outcomes(self) -> list[Outcome]:
        return [self._judge(record) for record in self.plan.faults]

    def _judge(self, record: FaultRecord) -> Outcome:
        answer = self.tally.answers.get(record.id)
        if record.fault is Fault.MISREAD:
            caught, by = self._misread(record, answer)
        elif record.fault is Fault.RETRY:
            caught, by = self._retry(record, answer)
        elif record.fault is Fault.DISPUTE:
            caught, by = self._dispute(record)
        elif record.fault is Fault.INFLATED_RECAP:
            caught, by = self._inflated(record)
        elif record.fault is Fault.CRASH:
            caught, by = self._crash()
        else:
            code = record.expected_check
            caught, by = _refused(answer, code)
        return Outcome(record, caught, by)

    def _misread(self, record: FaultRecord, answer: Answer | None) -> tuple[bool, str]:
        if answer is None or not answer.logged:
            return False, "the form was not logged"
        rules = sorted(
            {v["rule"] for v in answer.body.get("violations", []) if v["severity"] == "impossible"}
        )
        held = answer.body.get("status") == "inconsistent"
        published = self.pub.tps.get(record.where, {}).get("status", "missing")
        by = f"held as inconsistent by {', '.join(rules) or '-'}; published: {published}"
        return held and published in ("inconsistent", "corrected"), by

    def _retry(self, record: FaultRecord, answer: Answer | None) -> tuple[bool, str]:
        first = self.tally.forms.get(record.where)
        if answer is None or first is None:
            return False, "never answered"
        same = answer.duplicate and answer.index == first.index
        return same, f"duplicate: {answer.duplicate}, index {answer.index} (first {first.index})"

    def _dispute(self, record: FaultRecord) -> tuple[bool, str]:
        tps = self.pub.tps.get(record.where)
        if tps is None:
            return False, "TPS not published"
        agrees = [ok for party, ok in tps["copies"] if party == record.party]
        caught = tps["witness"] == "dispute" and agrees == [False]
        return caught, f"published witness: {tps['witness']}, copy of saksi {record.party}"

    def _inflated(self, record: FaultRecord) -> tuple[bool, str]:
        check = self.pub.recap_checks.get(record.where)
        if check is None:
            return False, "no recap_check published"
        diffs = {d["field"]: d["recap"] - d["forms"] for d in check["differences"]}
        pair_fields = [f for f in diffs if f.startswith("suara_paslon_")]
        exact = (
            len(diffs) == 2 and len(pair_fields) == 1
            and diffs.get("suara_sah") == INFLATION == diffs[pair_fields[0]]
        )  # fmt: skip
        shown = ", ".join(f"{f} +{d}" for f, d in diffs.items()) or "none"
        return exact and bool(check["complete"]), f"recap_check differences: {shown}"

    def _crash(self) -> tuple[bool, str]:
        if self.crash.get("skipped") or "acked_checked" not in self.crash:
            return False, "the service was not killed (the night ended first)"
        lost = self.crash["lost"]
        n = self.crash["acked_checked"]
        by = f"{n - len(lost):,} of {n:,} receipts given before the kill found at their index"
        return not lost, by

    def false_alarms(self) -> list[dict[str, Any]]:
        """Clean TPS that the publication shows as anything but clean; honest D.Hasil
        that differ; clean statements the service refused."""
        alarms: list[dict[str, Any]] = list(self.tally.unexpected)
        for tps, draw in self.plan.draws.items():
            if draw.missing or draw.faults or draw.disputes:
                continue
            item = self.pub.tps.get(tps)
            clean = (
                item is not None and item["status"] == "received" and item["counted"]
                and item["witness"] in ("none", "agree") and not item["violations"]
                and not item["flags"]
            )  # fmt: skip
            if not clean:
                alarms.append({"tps": tps, "published": item and _brief(item)})
        for region, check in self.pub.recap_checks.items():
            if region != self.plan.inflated and check["differences"]:
                alarms.append({"d-hasil": region, "differences": check["differences"]})
        return alarms


def _brief(item: dict[str, Any]) -> dict[str, Any]:
    keys = ("status", "counted", "witness", "violations", "flags")
    return {k: item.get(k) for k in keys}


def counters(pub: Publication) -> dict[str, int]:
    return dict(Counter(pub.nation.get("counters", {})))


__all__ = ["Judge", "Outcome", "Publication", "counters"]
