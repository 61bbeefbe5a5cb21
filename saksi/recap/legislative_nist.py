"""NIST SP 1500-100 v2 ElectionReport of a legislative contest (docs/recap.md).

One report per contest, ``Format`` ``summary-contest``, as PPWP's
(:mod:`saksi.recap.nist`: issuer, status, checkpoint, generated date, the region
ReportingUnits down to ``depth``) with:

- a ReportingUnit per dapil (``@id`` ``ru-dapil-<code>``, ``Type`` ``other``,
  ``OtherType`` ``dapil``; its TPS expected and received, voters, count status);
- party contests: one ``PartyContest`` for the contest over the nation (each party's B
  as ``VoteCounts`` at every region unit), and per dapil a ``PartyContest`` (each party
  on its ballot, its B at the dapil) and a ``CandidateContest`` (``NumberElected`` the
  dapil's seats; each candidate's A.2 at the dapil); the ``Candidate`` list with
  ``PartyId`` and ``PostElectionStatus`` (``projected-winner`` for the elected of a
  provisional dapil, ``winner`` / ``defeated`` once the dapil is final);
- DPD: per province a ``CandidateContest`` (``NumberElected`` 4) of its candidates;
- ``BallotCounts`` (ballots cast and rejected) per region unit and per dapil;
- ``Party``: every party of the contests file.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from saksi.election.codes import NASIONAL, Level, level_of
from saksi.recap.fold import Recap
from saksi.recap.legislative import LegislativeTally
from saksi.recap.legislative_seats import ContestSeats
from saksi.recap.nist import (
    ISSUER,
    ISSUER_ABBREVIATION,
    NIST_TYPES,
    VENDOR_APPLICATION_ID,
    _count_status,
    _identifier,
    _stamp,
    _text,
    _units,
    default_generated,
    unit_id,
)
from saksi.tlog.checkpoint import Checkpoint


def dapil_unit_id(code: str) -> str:
    return f"ru-dapil-{code}"


def _status(received: int, counted: int, expected: int) -> list[dict[str, Any]]:
    return [{"@type": "ElectionResults.CountStatus",
             "Status": _count_status(received, counted, expected), "Type": "total"}]  # fmt: skip


def _region_unit(tally: LegislativeTally, code: str, depth: Level) -> dict[str, Any]:
    level = level_of(code)
    kind, other = NIST_TYPES[level]
    common = tally.totals(code).common
    progress = tally.progress(code)
    unit: dict[str, Any] = {"@id": unit_id(code), "@type": "ElectionResults.ReportingUnit",
                            "Type": kind}  # fmt: skip
    if other is not None:
        unit["OtherType"] = other
    unit["Name"] = _text(tally.hierarchy.name(code))
    unit["ExternalIdentifier"] = [_identifier("kpu-region-code", code)]
    if level < depth:
        unit["ComposingGpUnitIds"] = [unit_id(c) for c in tally.hierarchy.children(code)]
    unit.update(
        TotalSubUnits=progress.expected, SubUnitsReported=progress.received,
        VotersRegistered=common.pemilih_dpt_j, VotersParticipated=common.pengguna_total_j,
        CountStatus=_status(progress.received, progress.counted, progress.expected),
    )  # fmt: skip
    return unit


def _dapil_unit(tally: LegislativeTally, code: str) -> dict[str, Any]:
    district = tally.definition.district(code)
    common = tally.dapil_totals(code).common
    progress = tally.dapil_progress(code)
    return {
        "@id": dapil_unit_id(code),
        "@type": "ElectionResults.ReportingUnit",
        "Type": "other",
        "OtherType": "dapil",
        "Name": _text(district.name),
        "ExternalIdentifier": [_identifier("kpu-dapil-code", code)],
        "TotalSubUnits": progress.expected,
        "SubUnitsReported": progress.received,
        "VotersRegistered": common.pemilih_dpt_j,
        "VotersParticipated": common.pengguna_total_j,
        "CountStatus": _status(progress.received, progress.counted, progress.expected),
    }


def _count(count: int, unit: str) -> dict[str, Any]:
    return {"@type": "ElectionResults.VoteCounts", "Count": count, "GpUnitId": unit,
            "Type": "total"}  # fmt: skip


def _ballots(unit: str, cast: int, rejected: int) -> dict[str, Any]:
    return {"@type": "ElectionResults.BallotCounts", "GpUnitId": unit, "Type": "total",
            "BallotsCast": cast, "BallotsRejected": rejected}  # fmt: skip


def _candidate_status(seats: ContestSeats, dapil: str, elected: bool) -> str | None:
    if seats.dapil[dapil].provisional:
        return "projected-winner" if elected else None
    return "winner" if elected else "defeated"


def _contests(
    tally: LegislativeTally, seats: ContestSeats, units: list[str], name: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The contests and candidates of the report."""
    kind = tally.contest
    chosen = {(e.dapil, e.party, e.number) for e in seats.result.elected}
    contests: list[dict[str, Any]] = []
    candidates: list[dict[str, Any]] = []
    if tally.layout.parties:
        sums = {code: tally.totals(code).partai for code in units}
        progress = tally.progress(NASIONAL)
        contests.append({
            "@id": f"contest-{kind}", "@type": "ElectionResults.PartyContest",
            "Abbreviation": kind.upper(), "ElectionDistrictId": unit_id(NASIONAL), "Name": name,
            "TotalSubUnits": progress.expected, "SubUnitsReported": progress.received,
            "ContestSelection": [
                {"@id": f"sel-{kind}-{p}", "@type": "ElectionResults.PartySelection",
                 "PartyIds": [f"party-{p}"], "SequenceOrder": int(p),
                 "VoteCounts": [_count(sums[u][p].suara_sah_partai, unit_id(u)) for u in units]}
                for p in tally.layout.parties
            ],
        })  # fmt: skip
    for order, code in enumerate(tally.districts, start=1):
        district = tally.definition.district(code)
        totals = tally.dapil_totals(code)
        progress = tally.dapil_progress(code)
        where = dapil_unit_id(code)
        selections: list[dict[str, Any]] = []
        standing = [(lst.party, c) for lst in district.lists for c in lst.candidates] or [
            ("", c) for c in district.candidates
        ]
        for party, person in standing:
            cid = f"cand-{kind}-{code}-{party or 'dpd'}-{person.number}"
            candidate: dict[str, Any] = {"@id": cid, "@type": "ElectionResults.Candidate",
                                         "BallotName": _text(person.name)}  # fmt: skip
            if party:
                candidate["PartyId"] = f"party-{party}"
            status = _candidate_status(seats, code, (code, party, person.number) in chosen)
            if status is not None:
                candidate["PostElectionStatus"] = status
            candidates.append(candidate)
            votes = (
                totals.partai[party].suara_caleg[str(person.number)]
                if party
                else totals.suara_calon[str(person.number)]
            )
            selections.append({
                "@id": f"sel-{cid[5:]}", "@type": "ElectionResults.CandidateSelection",
                "CandidateIds": [cid], "SequenceOrder": person.number,
                "VoteCounts": [_count(votes, where)],
            })  # fmt: skip
        if totals.partai:
            contests.append({
                "@id": f"contest-{kind}-{code}-partai", "@type": "ElectionResults.PartyContest",
                "ElectionDistrictId": where, "Name": f"{name}: {district.name}",
                "SequenceOrder": order,
                "TotalSubUnits": progress.expected, "SubUnitsReported": progress.received,
                "ContestSelection": [
                    {"@id": f"sel-{kind}-{code}-{p}", "@type": "ElectionResults.PartySelection",
                     "PartyIds": [f"party-{p}"], "SequenceOrder": int(p),
                     "VoteCounts": [_count(t.suara_sah_partai, where)]}
                    for p, t in totals.partai.items()
                ],
            })  # fmt: skip
        contests.append({
            "@id": f"contest-{kind}-{code}", "@type": "ElectionResults.CandidateContest",
            "ElectionDistrictId": where, "Name": f"{name}: {district.name}",
            "NumberElected": district.seats, "SequenceOrder": order, "VotesAllowed": 1,
            "TotalSubUnits": progress.expected, "SubUnitsReported": progress.received,
            "ContestSelection": selections,
        })  # fmt: skip
    return contests, candidates


def legislative_report(
    recap: Recap,
    seats: ContestSeats,
    checkpoint: Checkpoint,
    *,
    generated: datetime | None = None,
    depth: Level = Level.KECAMATAN,
) -> dict[str, Any]:
    """The NIST ElectionReport of legislative contest ``seats.contest`` at ``checkpoint``."""
    tally = recap.legislative(seats.contest)
    found = next(c for c in recap.manifest.contests if c.kind.value == tally.contest)
    units = _units(recap, depth)
    progress = tally.progress(NASIONAL)
    complete = progress.expected > 0 and progress.counted == progress.expected
    named = f"{checkpoint.origin} {checkpoint.size} {checkpoint.root.hex()}"
    contests, candidates = _contests(tally, seats, units, found.name)
    manifest = recap.manifest
    ballots = [
        _ballots(unit_id(u), t.suara_total, t.suara_tidak_sah)
        for u in units
        for t in (tally.totals(u).common,)
    ] + [
        _ballots(dapil_unit_id(c), t.suara_total, t.suara_tidak_sah)
        for c in tally.districts
        for t in (tally.dapil_totals(c).common,)
    ]
    election: dict[str, Any] = {
        "@type": "ElectionResults.Election",
        "ElectionScopeId": unit_id(NASIONAL),
        "Name": _text(manifest.name),
        "StartDate": (manifest.polls_open or manifest.at)[:10],
        "EndDate": (manifest.polls_close or manifest.at)[:10],
        "Type": "general",
        "ExternalIdentifier": [_identifier("saksi-log-origin", manifest.election)],
        "Candidate": candidates,
        "Contest": contests,
        "BallotCounts": ballots,
    }
    parties = [tally.contests.party(p) for p in tally.layout.parties] or list(
        tally.contests.parties
    )
    return {
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
        "GpUnit": [_region_unit(tally, code, depth) for code in units]
        + [_dapil_unit(tally, code) for code in tally.districts],
        "Election": [election],
        "Party": [
            {"@id": f"party-{p.number}", "@type": "ElectionResults.Party", "Name": _text(p.name)}
            for p in parties
        ],  # the contest's parties (DPD: every party of the file, as the schema wants one)
    }


__all__ = ["dapil_unit_id", "legislative_report"]
