"""NIST SP 1500-100 v2 (Election Results Common Data Format) JSON: an ElectionReport.

One report per contest, ``Format`` ``summary-contest``, computed from a recap at a
checkpoint:

- ``GpUnit``: a ReportingUnit per region from the nation down to ``depth``
  (kecamatan by default; desa and TPS on request), ``@id`` ``ru-<code>``, with its
  KPU code as an ExternalIdentifier, its children as ``ComposingGpUnitIds``,
  ``TotalSubUnits`` / ``SubUnitsReported`` = TPS expected / received, the voters
  registered (DPT) and who voted over its counted TPS, and a ``CountStatus``.
  Types: nasional ``country``, provinsi ``state``, kab/kota and kecamatan ``other``
  (``OtherType`` names them), desa ``village``, TPS ``polling-place``.
- ``Election``: the election with its ``CandidateContest`` (one selection per
  candidate pair, both candidates named, ``VoteCounts`` of type ``total`` per
  ReportingUnit), its ``Candidate`` list (``IsTopTicket`` for the presidential
  candidate) and ``BallotCounts`` (ballots cast and rejected) per ReportingUnit.
- ``Party``: the contest's parties, if the manifest lists any.
- ``Status``: ``unofficial-complete`` once every TPS is counted, else
  ``unofficial-partial``.

The checkpoint is named in ``ExternalIdentifier`` and ``Notes``. Nothing depends on
the wall clock: ``GeneratedDate`` is the time passed in (by default the manifest's
close of polls, or its own time).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from saksi.election.codes import NASIONAL, Level, level_of
from saksi.election.contests import Contest
from saksi.recap.fold import Recap
from saksi.tlog.checkpoint import Checkpoint

NIST_TYPES: Final = {
    Level.NASIONAL: ("country", None),
    Level.PROVINSI: ("state", None),
    Level.KABKOTA: ("other", "kabupaten-kota"),
    Level.KECAMATAN: ("other", "kecamatan"),
    Level.DESA: ("village", None),
    Level.TPS: ("polling-place", None),
}
"""Our level -> NIST ReportingUnitType (and OtherType when it is ``other``)."""

ISSUER: Final = (
    "Saksi: rekapitulasi independen dari log publik / independent recap of the public log"
)
ISSUER_ABBREVIATION: Final = "Saksi"
VENDOR_APPLICATION_ID: Final = "saksi/nist-1"


def _text(content: str, language: str = "id") -> dict[str, Any]:
    return {
        "@type": "ElectionResults.InternationalizedText",
        "Text": [
            {"@type": "ElectionResults.LanguageString", "Content": content, "Language": language}
        ],
    }


def _identifier(kind: str, value: str) -> dict[str, Any]:
    return {
        "@type": "ElectionResults.ExternalIdentifier",
        "Type": "other",
        "OtherType": kind,
        "Value": value,
    }


def unit_id(code: str) -> str:
    return f"ru-{code}"


def _units(recap: Recap, depth: Level) -> list[str]:
    """Every region code from the nation down to ``depth``, parents before children."""
    out, level = [NASIONAL], [NASIONAL]
    while level and level_of(level[0]) < depth:
        level = [c for code in level for c in recap.hierarchy.children(code)]
        out += level
    return out


def _count_status(received: int, counted: int, expected: int) -> str:
    if expected and counted == expected:
        return "completed"
    return "in-process" if received else "not-processed"


def _unit(recap: Recap, contest: str, code: str, depth: Level) -> dict[str, Any]:
    level = level_of(code)
    kind, other = NIST_TYPES[level]
    totals = recap.totals(code, contest)
    progress = recap.progress(code, contest)
    unit: dict[str, Any] = {
        "@id": unit_id(code),
        "@type": "ElectionResults.ReportingUnit",
        "Type": kind,
    }
    if other is not None:
        unit["OtherType"] = other
    unit["Name"] = _text(recap.hierarchy.name(code))
    unit["ExternalIdentifier"] = [_identifier("kpu-region-code", code)]
    if level < depth:
        unit["ComposingGpUnitIds"] = [unit_id(c) for c in recap.hierarchy.children(code)]
    unit.update(
        TotalSubUnits=progress.expected,
        SubUnitsReported=progress.received,
        VotersRegistered=totals.pemilih_dpt_j,
        VotersParticipated=totals.pengguna_total_j,
        CountStatus=[
            {
                "@type": "ElectionResults.CountStatus",
                "Status": _count_status(progress.received, progress.counted, progress.expected),
                "Type": "total",
            }
        ],
    )
    return unit


def _candidates(contest: Contest) -> list[dict[str, Any]]:
    out = []
    kind = contest.kind.value
    for pair in contest.pairs:
        for role, name, top in (("presiden", pair.president, True),
                                ("wakil-presiden", pair.vice_president, False)):  # fmt: skip
            candidate: dict[str, Any] = {
                "@id": f"cand-{kind}-{pair.number}-{role}",
                "@type": "ElectionResults.Candidate",
                "BallotName": _text(name),
                "IsTopTicket": top,
            }
            if pair.sirekap_id is not None:
                candidate["ExternalIdentifier"] = [_identifier("sirekap-id", pair.sirekap_id)]
            out.append(candidate)
    return out


def _selections(recap: Recap, contest: Contest, units: list[str]) -> list[dict[str, Any]]:
    kind = contest.kind.value
    totals = {code: recap.totals(code, kind).suara_paslon for code in units}
    return [
        {
            "@id": f"sel-{kind}-{pair.number}",
            "@type": "ElectionResults.CandidateSelection",
            "CandidateIds": [
                f"cand-{kind}-{pair.number}-presiden",
                f"cand-{kind}-{pair.number}-wakil-presiden",
            ],
            "SequenceOrder": int(pair.number),
            "VoteCounts": [
                {
                    "@type": "ElectionResults.VoteCounts",
                    "Count": totals[code].get(pair.number, 0),
                    "GpUnitId": unit_id(code),
                    "Type": "total",
                }
                for code in units
            ],
        }
        for pair in contest.pairs
    ]


def _ballot_counts(recap: Recap, contest: str, units: list[str]) -> list[dict[str, Any]]:
    out = []
    for code in units:
        totals = recap.totals(code, contest)
        out.append(
            {
                "@type": "ElectionResults.BallotCounts",
                "GpUnitId": unit_id(code),
                "Type": "total",
                "BallotsCast": totals.suara_total,
                "BallotsRejected": totals.suara_tidak_sah,
            }
        )
    return out


def _contest(recap: Recap, contest: Contest, units: list[str]) -> dict[str, Any]:
    kind = contest.kind.value
    progress = recap.progress(NASIONAL, kind)
    return {
        "@id": f"contest-{kind}",
        "@type": "ElectionResults.CandidateContest",
        "Abbreviation": kind.upper(),
        "ElectionDistrictId": unit_id(NASIONAL),
        "Name": contest.name,
        "NumberElected": 1,
        "VotesAllowed": 1,
        "TotalSubUnits": progress.expected,
        "SubUnitsReported": progress.received,
        "ContestSelection": _selections(recap, contest, units),
    }


def _parties(contest: Contest) -> list[dict[str, Any]]:
    return [
        {"@id": f"party-{p.number}", "@type": "ElectionResults.Party", "Name": _text(p.name)}
        for p in contest.parties
    ]


def default_generated(recap: Recap) -> datetime:
    """The manifest's close of polls (or its own time): a time the log itself fixes."""
    text = recap.manifest.polls_close or recap.manifest.at
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _election(recap: Recap, contest: Contest, units: list[str]) -> dict[str, Any]:
    manifest = recap.manifest
    start = (manifest.polls_open or manifest.at)[:10]
    end = (manifest.polls_close or manifest.at)[:10]
    return {
        "@type": "ElectionResults.Election",
        "ElectionScopeId": unit_id(NASIONAL),
        "Name": _text(manifest.name),
        "StartDate": start,
        "EndDate": end,
        "Type": "general",
        "ExternalIdentifier": [_identifier("saksi-log-origin", manifest.election)],
        "Candidate": _candidates(contest),
        "Contest": [_contest(recap, contest, units)],
        "BallotCounts": _ballot_counts(recap, contest.kind.value, units),
    }


def election_report(
    recap: Recap,
    contest: str,
    checkpoint: Checkpoint,
    *,
    generated: datetime | None = None,
    depth: Level = Level.KECAMATAN,
) -> dict[str, Any]:
    """The NIST ElectionReport of ``contest`` at ``checkpoint`` (ReportingUnits to ``depth``)."""
    recap.layout(contest)  # refuses an unknown contest
    found = next(c for c in recap.manifest.contests if c.kind.value == contest)
    units = _units(recap, depth)
    progress = recap.progress(NASIONAL, contest)
    complete = progress.expected > 0 and progress.counted == progress.expected
    named = f"{checkpoint.origin} {checkpoint.size} {checkpoint.root.hex()}"
    report: dict[str, Any] = {
        "@type": "ElectionResults.ElectionReport",
        "Format": "summary-contest",
        "GeneratedDate": _stamp(generated or default_generated(recap)),
        "Issuer": ISSUER,
        "IssuerAbbreviation": ISSUER_ABBREVIATION,
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": "unofficial-complete" if complete else "unofficial-partial",
        "VendorApplicationId": VENDOR_APPLICATION_ID,
        "Notes": f"Computed from the Saksi log checkpoint {named} (origin, tree size, root hash)",
        "ExternalIdentifier": [_identifier("saksi-checkpoint", named)],
        "GpUnit": [_unit(recap, contest, code, depth) for code in units],
        "Election": [_election(recap, found, units)],
    }
    parties = _parties(found)
    if parties:
        report["Party"] = parties
    return report


__all__ = [
    "ISSUER",
    "ISSUER_ABBREVIATION",
    "NIST_TYPES",
    "VENDOR_APPLICATION_ID",
    "default_generated",
    "election_report",
    "unit_id",
]
