"""The NIST SP 1500-100 v2 export, validated against the official JSON schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

import jsonschema_rs
import pytest

from saksi.election.codes import NASIONAL, Level
from saksi.errors import RecapError
from saksi.recap.fold import Recap
from saksi.recap.nist import election_report, unit_id
from tests.conftest import shared_path
from tests.recap.factory import tiny
from tests.recap.test_publish import checkpoint_of, scenario

CONTEST = "ppwp"

pytestmark = pytest.mark.shared


@cache
def _validator(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        return jsonschema_rs.Draft4Validator(json.load(handle))


def validator() -> Any:
    return _validator(str(shared_path("data", "nist", "NIST_V2_election_results_reporting.json")))


def errors(document: dict[str, Any]) -> list[str]:
    return [f"{e.instance_path}: {e.message}" for e in validator().iter_errors(document)]


def report_of(book: Any, **kwargs: Any) -> dict[str, Any]:
    recap = Recap.replay(book.hierarchy, book.entries)
    return election_report(recap, CONTEST, checkpoint_of(book), **kwargs)


def test_a_partial_count_is_a_valid_unofficial_partial_report() -> None:
    report = report_of(scenario())
    assert errors(report) == []
    assert report["Status"] == "unofficial-partial"
    assert report["Format"] == "summary-contest"
    assert report["GeneratedDate"] == "2024-02-14T06:00:00Z"  # the manifest's close of polls


def test_a_complete_count_is_unofficial_complete() -> None:
    book = tiny()
    for tps in book.iter_tps():
        book.c_hasil(tps)
    report = report_of(book)
    assert errors(report) == []
    assert report["Status"] == "unofficial-complete"
    nation = report["GpUnit"][0]
    assert nation["CountStatus"][0]["Status"] == "completed"
    assert (nation["TotalSubUnits"], nation["SubUnitsReported"]) == (8, 8)


def test_vote_counts_are_the_recaps_totals_for_every_unit() -> None:
    book = scenario()
    recap = Recap.replay(book.hierarchy, book.entries)
    report = election_report(recap, CONTEST, checkpoint_of(book))
    units = [u["@id"] for u in report["GpUnit"]]
    assert units[0] == unit_id(NASIONAL) and len(units) == 1 + 2 + 3 + 3  # to kecamatan
    (election,) = report["Election"]
    (contest,) = election["Contest"]
    assert contest["@type"] == "ElectionResults.CandidateContest"
    for selection in contest["ContestSelection"]:
        pair = selection["@id"].rsplit("-", 1)[1]
        assert len(selection["CandidateIds"]) == 2
        for count in selection["VoteCounts"]:
            code = count["GpUnitId"].removeprefix("ru-")
            assert count["Count"] == recap.totals(code, CONTEST).suara_paslon[pair]
    ballots = {b["GpUnitId"]: b for b in election["BallotCounts"]}
    nation = recap.totals(NASIONAL, CONTEST)
    assert ballots["ru-0"]["BallotsCast"] == nation.suara_total
    assert ballots["ru-0"]["BallotsRejected"] == nation.suara_tidak_sah
    names = {c["BallotName"]["Text"][0]["Content"] for c in election["Candidate"]}
    assert "H. Prabowo Subianto" in names and "Gibran Rakabuming Raka" in names


def test_ids_are_unique_and_every_reference_resolves() -> None:
    report = report_of(scenario(), depth=Level.TPS)
    assert errors(report) == []
    units = [u["@id"] for u in report["GpUnit"]]
    assert len(units) == len(set(units)) == 1 + 2 + 3 + 3 + 4 + 8
    kinds = {u["Type"] for u in report["GpUnit"]}
    assert kinds == {"country", "state", "other", "village", "polling-place"}
    (election,) = report["Election"]
    candidates = {c["@id"] for c in election["Candidate"]}
    for unit in report["GpUnit"]:
        assert set(unit.get("ComposingGpUnitIds", [])) <= set(units)
    for selection in election["Contest"][0]["ContestSelection"]:
        assert set(selection["CandidateIds"]) <= candidates
        assert {c["GpUnitId"] for c in selection["VoteCounts"]} == set(units)


def test_the_output_is_deterministic_and_takes_a_given_time() -> None:
    book = scenario()
    at = datetime(2024, 2, 15, 1, 2, 3, tzinfo=UTC)
    assert report_of(book, generated=at) == report_of(book, generated=at)
    assert report_of(book, generated=at)["GeneratedDate"] == "2024-02-15T01:02:03Z"


def test_the_validator_does_catch_a_broken_report() -> None:
    report = report_of(scenario())
    report["Status"] = "provisional"
    del report["Issuer"]
    assert len(errors(report)) >= 2


def test_an_unknown_contest_is_refused() -> None:
    book = scenario()
    recap = Recap.replay(book.hierarchy, book.entries)
    with pytest.raises(RecapError) as caught:
        election_report(recap, "dpr", checkpoint_of(book))
    assert caught.value.code == "recap.unknown-contest"
