"""A verification report for people (bilingual summary) and for scripts (JSON).

:func:`summary_text` starts with one headline a non-engineer can read,
``VERIFIED / TERVERIFIKASI`` or what failed (``WRONG TOTALS / TOTAL SALAH``, ...),
then what was checked, every finding in Bahasa Indonesia and English, and notes;
text from the publication in them is shown as it is (:func:`saksi.verify.text.shown`).
:func:`report_dict` is the same as one JSON document (``saksi-verify-report/1``).
"""

from __future__ import annotations

from typing import Any, Final

from saksi.verify.findings import EXIT_CODES, HEADLINES, Kind
from saksi.verify.legislative_tally import REASONS
from saksi.verify.options import Report
from saksi.verify.text import shown as display_text

REPORT_FORMAT: Final = "saksi-verify-report/1"


def headline(report: Report) -> str:
    worst = report.findings.worst()
    if worst is None:
        return "VERIFIED / TERVERIFIKASI"
    en, id_ = HEADLINES[worst]
    return f"{en} / {id_}"


def report_dict(report: Report) -> dict[str, Any]:
    findings = report.findings
    return {
        "format": REPORT_FORMAT,
        "source": report.source,
        "verified": not findings,
        "headline": headline(report),
        "exit_code": report.exit_code,
        "checkpoint": report.checkpoint,
        "previous": report.previous,
        "witnesses": {"quorum": report.quorum, "cosigned": list(report.cosigned)},
        "checked": {
            **report.counts,
            **({"legislative": report.legislative} if report.legislative else {}),
            "results": report.results_checked,
            "photos": report.photos_checked,
        },
        **({"legislative_seats": report.seats} if report.seats else {}),
        **({"legislative_reconciliation": report.reconciliation} if report.reconciliation else {}),
        "findings": [f.to_dict() for f in findings.kept],
        "finding_counts": dict(sorted(findings.counts.items())),
        "findings_omitted": findings.omitted(),
        "notices": [{"en": en, "id": id_} for en, id_ in report.notices],
        "evidence": report.evidence,
        "state_saved": report.state_saved,
        "elapsed_seconds": round(report.elapsed, 3),
    }


def _checked_lines(report: Report) -> list[str]:
    counts = report.counts
    lines = []
    cp = report.checkpoint
    if cp is not None:
        lines.append(
            f"  log / log: {cp['origin']}  size / ukuran {cp['tree_size']:,}  root / akar "
            f"{cp['root_hash'][:16]}..."
        )
        cosigned = ", ".join(report.cosigned) or "-"
        lines.append(f"  witnesses / pemantau: quorum {report.quorum}; cosigned by {cosigned}")
    if report.previous is not None:
        lines.append(f"  since / sejak: size {report.previous['tree_size']:,} verified before")
    if "entries" in counts:
        rate = counts["entries"] / report.elapsed if report.elapsed else 0.0
        lines.append(
            f"  entries / entri: {counts['entries']:,} checked (signature, form, authority), "
            f"{rate:,.0f}/s"
        )
    for contest, seen in report.legislative.items():
        lines.append(
            f"  {contest} / {contest}: {seen['entries']:,} entries ({seen['forms']:,} forms: "
            f"{seen['inconsistent']:,} inconsistent, {seen['flagged']:,} flagged; "
            f"{seen['refused']:,} refused)"
        )
    for contest, seats in report.seats.items():
        lines.extend(seat_lines(contest, seats))
    if report.reconciliation:
        lines.extend(reconciliation_lines(report.reconciliation))
    if "tiles" in counts:
        lines.append(
            f"  tiles / tile: {counts['tiles']:,} tiles, {counts.get('bundles', 0):,} bundles"
        )
    if report.results_checked:
        lines.append(
            f"  results / hasil: {counts.get('snapshots', 0):,} snapshots, "
            f"{counts.get('exports', 0):,} exports compared"
        )
        if "legislative_snapshots" in counts or "seats_files" in counts:
            lines.append(
                f"  legislative results / hasil legislatif: "
                f"{counts.get('legislative_snapshots', 0):,} snapshots, "
                f"{counts.get('dapil_files', 0):,} dapil files, "
                f"{counts.get('seats_files', 0):,} seats files compared"
            )
    if report.photos_checked:
        lines.append(
            f"  photos / foto: {counts.get('photos_checked', 0):,} checked, "
            f"{counts.get('photos_absent', 0):,} not published"
        )
    return lines


def seat_lines(contest: str, seats: dict[str, Any]) -> list[str]:
    """A legislative contest's progress and seats, recomputed from the log."""
    p = seats["progress"]
    status = seats["dapil_status"]
    total = sum(s["seats"] for s in status.values())
    if seats["parties"]:
        won = ", ".join(f"{party}: {n}" for party, n in seats["parties"].items())
    else:
        won = f"{len(seats['elected']):,} elected / terpilih"
    open_ = [code for code, s in status.items() if s["provisional"]]
    named = {r for code in open_ for r in status[code]["reasons"]}
    reasons = [r for r in REASONS if r in named]
    if seats["provisional"]:
        state = (
            f"PROVISIONAL / SEMENTARA ({len(open_):,} of {len(status):,} dapil: "
            f"{', '.join(reasons)})"
        )
    else:
        state = "final / tetap"
    ties = f"; {len(seats['ties']):,} ties / seri" if seats["ties"] else ""
    return [
        f"  {contest} recomputed / dihitung ulang: {p['received']:,} of {p['expected']:,} TPS "
        f"received ({p['percent']}%), {p['counted']:,} counted; valid votes / suara sah "
        f"{seats['threshold']['valid_votes']:,}",
        f"    seats / kursi ({total:,}): {won or '-'}{ties}; {state}",
    ]


LISTED: Final = 10
"""D.Hasil that differ from their forms named line by line in the summary, per contest."""


def _difference(d: dict[str, Any]) -> str:
    return f"{d['field']} {d['recap']:,} vs / lawan {d['forms']:,}"


def reconciliation_lines(found: dict[str, Any]) -> list[str]:
    """Each contest's D.Hasil against their forms, each differing one named (region,
    dapil, every field: the D.Hasil's number, then the forms'), and the cross-form
    findings of the TPS: the verifier's findings about the election, not the
    publication's."""
    lines = []
    for contest, recaps in found["recaps"].items():
        if not recaps["checked"]:
            continue
        lines.append(
            f"  {contest} D.Hasil: {recaps['checked']:,} checked against their forms / "
            f"dicocokkan dengan formulirnya, {recaps['differing']:,} differ / berbeda"
        )
        for check in recaps["differences"][:LISTED]:
            fields = "; ".join(_difference(d) for d in check["differences"])
            whole = "" if check["complete"] else " (incomplete / belum lengkap)"
            lines.append(
                f"    {check['level']} {check['region']} dapil {check['dapil']} "
                f"(entry / entri {check['index']:,}){whole}: {fields}"
            )
        if recaps["differing"] > LISTED:
            more = recaps["differing"] - LISTED
            lines.append(f"    ... and {more:,} more / dan {more:,} lagi")
    crossing = found["cross_form"]
    if crossing["tps"]:
        lines.append(
            f"  forms of one TPS / formulir satu TPS: {crossing['tps']:,} TPS break a "
            f"cross-form rule / melanggar aturan antarformulir ({crossing['impossible']:,} "
            "impossible / mustahil)"
        )
    return lines


def summary_text(report: Report) -> str:
    """The readable report: headline, what was checked, findings, notes."""
    lines = [headline(report), f"  {report.source}", *_checked_lines(report)]
    findings = report.findings
    if findings:
        lines.append("")
        lines.append(f"findings / temuan ({sum(findings.counts.values()):,}):")
        for item in findings.kept:
            lines.append(f"- [{item.code}] {display_text(item.message_id)}")
            lines.append(f"    ({display_text(item.message_en)})")
        for code, n in findings.omitted().items():
            lines.append(f"- [{code}] ... and {n:,} more / dan {n:,} lagi")
        worst = findings.worst()
        if worst is not None:
            lines.append(f"exit status / status keluar: {EXIT_CODES[worst]} ({worst.value})")
    if report.evidence:
        lines.append("evidence / bukti: " + ", ".join(report.evidence))
    for en, id_ in report.notices:
        lines.append(f"note / catatan: {display_text(id_)} ({display_text(en)})")
    return "\n".join(lines)


__all__ = ["REPORT_FORMAT", "Kind", "headline", "report_dict", "summary_text"]
