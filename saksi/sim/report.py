"""The night's report (``OUT/report.json``) and its truth (``OUT/truth.json``)."""

from __future__ import annotations

import json
import resource
from collections import Counter
from pathlib import Path
from typing import Any

from saksi.sim.explain import notes
from saksi.sim.faults import EXPECTED_CHECK
from saksi.sim.judge import Judge, Outcome, Publication
from saksi.sim.night import Night

REPORT_FORMAT = "saksi-demo-report/1"


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _verify_part(night: Night) -> dict[str, Any]:
    report = night.verify_report
    return {
        "ran": night.config.verify,
        "exit_code": night.verify_exit,
        "headline": report.get("headline"),
        "verified": bool(report.get("verified")) and night.verify_exit == 0,
        "tree_size": (report.get("checkpoint") or {}).get("tree_size"),
        "cosigned_by": (report.get("witnesses") or {}).get("cosigned", []),
        "checked": report.get("checked", {}),
        "finding_counts": report.get("finding_counts", {}),
        "elapsed_seconds": report.get("elapsed_seconds"),
    }


def _statements(night: Night) -> dict[str, Any]:
    tally = night.tally
    statuses = tally.by_status
    types = Counter(kind for _, kind in tally.logged.values())
    return {
        "logged": len(tally.logged),
        "by_status": dict(sorted(statuses.items())),
        "by_type": dict(sorted(types.items())),
        "duplicates": tally.duplicates,
        "refused": sum(tally.refusals.values()),
        "refused_by_code": dict(sorted(tally.refusals.items())),
    }


def _performance(night: Night) -> dict[str, Any]:
    stats = night.stats
    seconds = night.timings.get("tps", 0.0) or 1e-9
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "timings_seconds": night.timings,
        "tps_phase_statements_per_second": round(stats.requests["c-hasil"] / seconds, 1)
        if stats.requests.get("c-hasil")
        else 0.0,
        "tps_phase_requests_per_second": round(
            sum(v for k, v in stats.requests.items() if k not in ("batch", "read")) / seconds, 1
        ),
        "requests": dict(sorted(stats.requests.items())),
        "retried_requests": dict(sorted(stats.retries.items())),
        "latency": stats.latency_summary(),
        "peak_rss_bytes": {"simulator": own, **night.peak_rss},
    }


def _marked(published: Publication) -> dict[str, Any]:
    """The TPS the publication shows in dispute, and those flagged (with their rules)."""
    tps = published.tps
    return {
        "dispute": sorted(code for code, item in tps.items() if item["witness"] == "dispute"),
        "flagged": {code: sorted(map(str, item["flags"])) for code, item in sorted(tps.items())
                    if item["flags"]},
    }  # fmt: skip


def _by_kind(outcomes: list[Outcome]) -> dict[str, dict[str, Any]]:
    kinds: dict[str, dict[str, Any]] = {}
    for fault, check in EXPECTED_CHECK.items():
        mine = [o for o in outcomes if o.record.fault is fault]
        kinds[fault.value] = {
            "injected": len(mine),
            "caught": sum(o.caught for o in mine),
            "check": check,
        }
    return kinds


def night_report(night: Night) -> dict[str, Any]:
    """Judge the night and build the report; writes truth.json and report.json."""
    out = night.config.out
    truth = night.plan.truth_document()
    write_json(out / "truth.json", truth)
    published = Publication.read(out / "results")
    judge = Judge(night.plan, night.tally, published, night.crash_report)
    outcomes = judge.outcomes()
    alarms = judge.false_alarms()
    kinds = _by_kind(outcomes)
    expected = truth["expected_totals"]
    verify = _verify_part(night)
    caught = all(o.caught for o in outcomes)
    report = {
        "format": REPORT_FORMAT,
        "origin": night.plan.origin,
        "seed": night.config.seed,
        "tps": len(night.plan.tps),
        "log_size": published.tree_size,
        "statements": _statements(night),
        "published": dict(Counter(published.nation.get("counters", {}))),
        "published_tps": _marked(published),
        "faults_by_kind": kinds,
        "faults": [o.to_dict() for o in outcomes],
        "false_alarms": alarms,
        "totals": {
            "verified": published.totals,
            "truth": truth["true_totals"],
            "kept_out": truth["kept_out"],
            "expected": expected,
            "match": published.totals == expected,
        },
        "verify": verify,
        "crash": night.crash_report,
        "performance": _performance(night),
        "ok": caught
        and not alarms
        and published.totals == expected
        and (verify["verified"] or not verify["ran"]),
    }
    report["notes"] = [{"id": id_, "en": en} for id_, en in notes(report, truth)]
    write_json(out / "report.json", report)
    return report


__all__ = ["REPORT_FORMAT", "night_report", "write_json"]
