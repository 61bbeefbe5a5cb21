"""The verifier's own legislative tally and seats against the reference's (``Recap``).

Two readings of docs/recap.md ("The legislative contests", "Seats from the log") and
docs/seats.md held to each other on random format v2 logs: every region's and dapil's
numbers, counters and progress, every TPS's status, and each contest's seats object
(``saksi recap --json``'s ``legislative``) must be the same from ``saksi.verify`` and
from ``saksi.recap``. Also worked seat examples of the verifier's own Sainte-Laguë.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from saksi.recap.fold import Recap
from saksi.recap.legislative_seats import contest_seats
from saksi.verify.contests import Contests
from saksi.verify.entries import check_chunk
from saksi.verify.keys import Fold
from saksi.verify.legislative_results import seat_differences, totals_differences
from saksi.verify.legislative_tally import ContestCount
from saksi.verify.regions import NATION, Regions
from saksi.verify.seats import passes, sainte_lague, top
from tests.recap.test_legislative_fold import OPS as BOOK_OPS
from tests.recap.test_legislative_fold import book_v2, kabkota_night, play


def verifier_fold(entries: list[bytes], regions: Regions, contests: Contests) -> Fold:
    checked = check_chunk(entries)
    fold = Fold(checked[0], regions, contests)
    for item in checked[1:]:
        if item[0] is None:
            fold.skip()
        else:
            fold.apply(item)
    return fold


def names(fold: Fold) -> dict[str, str]:
    return {c["kind"]: c["name"] for c in fold.manifest["contests"]}


def wordless(seats: dict[str, Any]) -> dict[str, Any]:
    """A seats object without its ties' wording (each implementation words the rule)."""
    ties = [{k: v for k, v in t.items() if k not in ("rule_en", "rule_id")} for t in seats["ties"]]
    return {**seats, "ties": ties}


def assert_same(entries: list[bytes], hierarchy: Any, contests: Any) -> int:
    """The verifier's legislative numbers equal the reference's; how many seats."""
    regions = Regions(hierarchy.canonical_bytes())
    read = Contests(contests.canonical_bytes())
    fold = verifier_fold(entries, regions, read)
    recap = Recap.replay(hierarchy, entries, contests=contests)
    assert list(fold.legislative) == sorted(recap.legislative_contests)
    won = 0
    codes = [NATION, *(c for d in (2, 4, 6, 10) for c in regions.codes(d))]
    for contest in recap.legislative_contests:
        tally = recap.legislative(contest)
        ours = ContestCount(contest, fold.chains[contest], read, regions)
        for code in codes + [s.tps for s in tally.logged_tps()]:
            assert ours.totals(code) == tally.totals(code).to_dict(), (contest, code)
            assert ours.counters(code) == dict(tally.counters(code)), (contest, code)
            if len(code) < 13:
                assert ours.progress(code) == tally.progress(code).to_dict(), (contest, code)
        for dapil in tally.districts:
            assert ours.dapil_totals(dapil) == tally.dapil_totals(dapil).to_dict(), dapil
            assert ours.dapil_counters(dapil) == dict(tally.dapil_counters(dapil)), dapil
            assert ours.dapil_progress(dapil) == tally.dapil_progress(dapil).to_dict(), dapil
        for state in tally.logged_tps():
            assert ours.status[state.tps] == (
                state.status.value, state.witness.value, state.flagged,
            ), state.tps  # fmt: skip
        checkpoint = {"tree_size": len(entries)}
        theirs = contest_seats(recap, contest).to_json(checkpoint)
        mine = ours.seats_json(checkpoint, names(fold)[contest])
        assert wordless(mine) == wordless({**theirs, "name": names(fold)[contest]}), contest
        won += len(mine["elected"])
    return won


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=BOOK_OPS)
def test_the_verifiers_legislative_numbers_and_seats_are_the_references(
    ops: list[tuple[str, int, int, str]],
) -> None:
    book = book_v2()
    play(book, ops)
    assert_same(book.entries, book.hierarchy, book.contests)


def test_a_complete_dapils_seats_and_elected_are_the_references() -> None:
    book = book_v2()
    kabkota_night(book)
    assert assert_same(book.entries, book.hierarchy, book.contests) >= 12


# -- the verifier's own seat method (docs/seats.md) ----------------------------


def test_sainte_lague_compares_exact_fractions_and_reports_a_straddling_tie() -> None:
    # 300/3 equals 100/1: one seat left between them is a tie, given to the party with
    # more votes (1), then the lower number
    won, tie = sainte_lague({"1": 300, "2": 100}, 2, "D")
    assert won == {"1": 2} and tie is not None
    assert (tie.value, tie.contenders, tie.seats, tie.winners) == ("100", ("1", "2"), 1, ("1",))
    won, tie = sainte_lague({"1": 300, "2": 100}, 3, "D")  # both win: no tie
    assert won == {"1": 2, "2": 1} and tie is None
    # 159000/3 equals 53000/1: the party with more votes first
    won, tie = sainte_lague({"1": 53000, "2": 159000, "3": 0}, 2, "D")
    assert won == {"2": 2} and tie is not None and tie.winners == ("2",)
    # an equal fraction: 53000/3 for both, one seat left for them
    won, tie = sainte_lague({"1": 53000, "2": 53000}, 3, "D")
    assert won == {"1": 2, "2": 1} and tie is not None
    assert (tie.value, tie.contenders, tie.winners) == ("53000/3", ("1", "2"), ("1",))
    assert sainte_lague({"1": 0}, 3, "D") == ({}, None)


def test_open_list_unfilled_and_dpd_top_four() -> None:
    chosen, tie = top({1: 5, 2: 9, 3: 9}, 1, "candidate", "D", "6")
    assert chosen == [(2, 9)] and tie is not None
    assert (tie.contenders, tie.winners, tie.party) == (("6:2", "6:3"), ("6:2",), "6")
    chosen, tie = top({1: 4, 2: 3, 3: 2, 4: 1, 5: 0}, 4, "dpd", "31")
    assert [n for n, _ in chosen] == [1, 2, 3, 4] and tie is None
    chosen, tie = top({1: 4}, 3, "candidate", "D", "1")
    assert chosen == [(1, 4)] and tie is None  # the two other seats: unfilled


def test_the_threshold_is_whole_numbers_and_exactly_four_percent_passes() -> None:
    assert passes(4, 100, 4) and not passes(3, 100, 4) and not passes(0, 0, 4)
    assert passes(1, 10**9, None)


def test_a_published_seat_or_total_that_differs_is_named_with_both_numbers() -> None:
    book = book_v2()
    kabkota_night(book)
    assert book.contests is not None
    regions = Regions(book.hierarchy.canonical_bytes())
    read = Contests(book.contests.canonical_bytes())
    fold = verifier_fold(book.entries, regions, read)
    ours = ContestCount("dprd-kabkota", fold.chains["dprd-kabkota"], read, regions)
    mine = ours.seats_json({"tree_size": len(book.entries)}, "x")
    assert seat_differences("f.json", "dprd-kabkota", mine, mine) == []
    # a published file that moved a seat from party 1 to party 5, and its candidate
    theirs = {**mine, "dapil": {"320101": {"1": 6, "4": 3, "5": 3}}}
    last = next(e for e in reversed(mine["elected"]) if e["party"] == "1")
    theirs["elected"] = [e for e in mine["elected"] if e != last] + [
        {"dapil": "320101", "party": "5", "number": 1, "votes": 7}
    ]
    found = seat_differences("f.json", "dprd-kabkota", theirs, mine)
    by = {(f.details["field"], f.details["party"], f.details["candidate"]): f for f in found}
    seat = by["dapil", "1", None]
    assert seat.code == "verify.seats-differ" and seat.details["dapil"] == "320101"
    assert (seat.details["published"], seat.details["recomputed"]) == (6, 7)
    assert (
        by["dapil", "5", None].details["published"],
        by["dapil", "5", None].details["recomputed"],
    ) == (3, 2)
    gone = by["elected", "1", str(last["number"])]
    assert (gone.details["published"], gone.details["recomputed"]) == (None, last["votes"])
    assert by["elected", "5", "1"].details["published"] == 7
    assert (
        "dapil 320101, partai 1" in seat.message_id and "dapil 320101, party 1" in seat.message_en
    )
    # a region's total inflated by 5 for party 4
    region = ours.totals("3201")
    inflated = {
        **region,
        "partai": {
            **region["partai"],
            "4": {
                "suara_partai": region["partai"]["4"]["suara_partai"],
                "suara_sah_partai": region["partai"]["4"]["suara_sah_partai"] + 5,
            },
        },
    }
    (diff,) = totals_differences("r.json", "dprd-kabkota", "3201", None, inflated, region)
    assert (
        diff.code == "verify.totals-differ" and diff.details["field"] == "partai.4.suara_sah_partai"
    )
    assert diff.details["published"] - diff.details["recomputed"] == 5
