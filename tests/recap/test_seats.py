"""Seats from votes (saksi.recap.seats): Sainte-Laguë, the threshold, open lists, DPD,
and every tie shown, never settled silently."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from saksi.recap.seats import (
    DapilVotes,
    allocate,
    allocate_dpd,
    passing_threshold,
    sainte_lague,
)


def test_the_textbook_example() -> None:
    # 53,000 / 24,000 / 23,000 votes for 7 seats: quotients 53,000, 24,000, 23,000,
    # 17,667 (53,000/3), 10,600 (/5), 8,000 (24,000/3), 7,667 (23,000/3); next 7,571
    won, ties = sainte_lague({"1": 53_000, "2": 24_000, "3": 23_000}, 7)
    assert won == {"1": 3, "2": 2, "3": 2}
    assert ties == ()


def test_sainte_lague_differs_from_dhondt_where_it_should() -> None:
    # SL quotients 47,000 16,000 15,800 15,667 12,000 -> 2, 1, 1, 1; D'Hondt's divisors
    # 1, 2, 3 give 47,000 23,500 16,000 15,800 15,667 -> 3, 1, 1, 0
    won, _ = sainte_lague({"1": 47_000, "2": 16_000, "3": 15_800, "4": 12_000}, 5)
    assert won == {"1": 2, "2": 1, "3": 1, "4": 1}  # D'Hondt: 3, 1, 1, 0


def test_equal_quotients_at_the_last_seat_are_a_tie_with_its_rule() -> None:
    # 300/3 = 100/1 = 100: one seat left for two parties
    won, ties = sainte_lague({"1": 300, "2": 100}, 2, "D1")
    assert won == {"1": 2, "2": 0}  # provisional: more valid votes first
    (tie,) = ties
    assert (tie.kind, tie.dapil, tie.value) == ("party", "D1", "100")
    assert tie.contenders == ("1", "2") and tie.winners == ("1",) and tie.seats == 1
    en, id_ = tie.rule
    assert "KPU decides" in en and "KPU yang memutuskan" in id_
    # equal votes too: the lower ballot number, still a tie
    won, ties = sainte_lague({"5": 70, "3": 70}, 1, "D2")
    assert won == {"5": 0, "3": 1}
    assert ties[0].contenders == ("3", "5")


def test_equal_quotients_inside_the_seats_are_no_tie() -> None:
    won, ties = sainte_lague({"1": 300, "2": 100}, 3)
    assert won == {"1": 2, "2": 1}
    assert ties == ()


def test_no_votes_no_seat() -> None:
    assert sainte_lague({"1": 0, "2": 0}, 3) == ({"1": 0, "2": 0}, ())
    assert sainte_lague({"1": 10, "2": 0}, 3)[0] == {"1": 3, "2": 0}


def test_the_threshold_is_at_least_four_percent_of_the_national_votes() -> None:
    national = {"1": 400, "2": 399, "3": 9_201}  # 10,000 votes: 4% is 400
    total, passing = passing_threshold(national, Fraction(4))
    assert total == 10_000
    assert passing == ("1", "3")
    assert passing_threshold(national, None)[1] == ("1", "2", "3")


def test_a_party_below_the_threshold_wins_no_seat_even_where_it_is_strong() -> None:
    dapils = [
        DapilVotes("A", 3, {"1": 5_000, "2": 4_000, "17": 3_900}),
        DapilVotes("B", 3, {"1": 50_000, "2": 40_000, "17": 100}),
    ]
    # 17 has 4,000 of 103,000 votes: 3.88%, below 4% (PPP in 2024: 3.87%)
    result = allocate("dpr", dapils, threshold_percent=Fraction(4))
    assert result.passing == ("1", "2")
    assert result.dapil["A"] == {"1": 2, "2": 1}
    assert result.parties == {"1": 4, "2": 2}
    free = allocate("dprd-prov", dapils)  # no threshold: 17 wins in A
    assert free.dapil["A"] == {"1": 1, "2": 1, "17": 1}


def test_open_lists_elect_the_candidates_with_the_most_votes() -> None:
    dapils = [DapilVotes("A", 3, {"1": 1_000, "2": 500})]
    candidates = {
        "A": {
            "1": {0: 100, 1: 300, 2: 50, 3: 550},  # 0: party-only, elects no one
            "2": {0: 400, 1: 40, 2: 60},
        }
    }
    result = allocate("dprd-kabkota", dapils, candidates=candidates)
    assert result.dapil["A"] == {"1": 2, "2": 1}
    assert [(e.party, e.number, e.votes) for e in result.elected] == [
        ("1", 3, 550),
        ("1", 1, 300),
        ("2", 2, 60),
    ]
    assert result.ties == ()


def test_equal_candidates_for_a_partys_last_seat_are_a_tie() -> None:
    dapils = [DapilVotes("A", 1, {"1": 100})]
    result = allocate("dprd-prov", dapils, candidates={"A": {"1": {1: 40, 2: 40, 3: 20}}})
    assert [e.number for e in result.elected] == [1]
    (tie,) = result.ties
    assert (tie.kind, tie.party, tie.contenders, tie.winners) == (
        "candidate",
        "1",
        ("1:1", "1:2"),
        ("1:1",),
    )


def test_a_seat_no_candidate_can_fill_is_reported_not_dropped() -> None:
    result = allocate(
        "dprd-prov", [DapilVotes("A", 3, {"1": 100})], candidates={"A": {"1": {0: 90, 1: 10}}}
    )
    assert result.dapil["A"] == {"1": 3}
    assert len(result.elected) == 1 and len(result.unfilled) == 2


def test_dpd_elects_the_four_with_the_most_votes_per_province() -> None:
    result = allocate_dpd(
        {"32": {1: 10, 2: 50, 3: 40, 4: 30, 5: 20, 6: 5}, "31": {1: 9, 2: 9, 3: 9, 4: 9, 5: 9}}
    )
    west = [e.number for e in result.elected if e.dapil == "32"]
    assert west == [2, 3, 4, 5]
    jakarta = [e.number for e in result.elected if e.dapil == "31"]
    assert jakarta == [1, 2, 3, 4]
    (tie,) = result.ties
    assert tie.kind == "dpd" and tie.dapil == "31" and tie.seats == 4
    assert tie.contenders == ("1", "2", "3", "4", "5")
    assert result.parties == {}


def test_the_json_shape() -> None:
    result = allocate(
        "dpr", [DapilVotes("A", 2, {"1": 300, "2": 100})], threshold_percent=Fraction(4)
    )
    out = result.to_json()
    assert set(out) == {"contest", "threshold", "parties", "dapil", "elected", "unfilled", "ties"}
    assert out["threshold"] == {"percent": 4, "valid_votes": 400, "passing": ["1", "2"]}
    assert out["parties"] == {"1": 2}
    assert out["dapil"] == {"A": {"1": 2}}
    assert out["ties"][0]["rule_id"].startswith("hasil bagi sama")


votes_st = st.dictionaries(
    st.sampled_from([str(n) for n in range(1, 25)]),
    st.integers(min_value=0, max_value=10**6),
    min_size=1,
    max_size=24,
)


@given(votes_st, st.integers(min_value=1, max_value=15))
def test_every_seat_is_given_when_there_are_votes(votes: dict[str, int], seats: int) -> None:
    won, ties = sainte_lague(votes, seats)
    assert sum(won.values()) == (seats if any(votes.values()) else 0)
    assert all(won[p] == 0 for p, v in votes.items() if v == 0)
    for tie in ties:
        assert 0 < tie.seats < len(tie.contenders)


@given(votes_st, st.integers(min_value=1, max_value=15), st.data())
def test_more_votes_never_cost_a_party_a_seat(
    votes: dict[str, int], seats: int, data: st.DataObject
) -> None:
    party = data.draw(st.sampled_from(sorted(votes)))
    more = {**votes, party: votes[party] + data.draw(st.integers(min_value=1, max_value=10**5))}
    assert sainte_lague(more, seats)[0][party] >= sainte_lague(votes, seats)[0][party]


@given(votes_st, st.integers(min_value=1, max_value=15))
def test_every_seat_won_beats_every_quotient_left(votes: dict[str, int], seats: int) -> None:
    """The divisor method's defining property: the last quotient that won a seat for
    any party is at least the next quotient of every party."""
    won, _ = sainte_lague(votes, seats)
    last = [Fraction(votes[p], 2 * won[p] - 1) for p in votes if won[p]]
    following = [Fraction(votes[p], 2 * won[p] + 1) for p in votes]
    if last:
        assert min(last) >= max(following)


def _exact(votes: dict[str, int], seats: int) -> tuple[dict[str, int], tuple[str, ...]]:
    """Sainte-Laguë with fractions and a full sort: the reference for the fast path."""
    quotients = sorted(
        (
            (Fraction(v, 2 * k + 1), v, -int(p), p)
            for p, v in votes.items()
            if v
            for k in range(seats)
        ),
        reverse=True,
    )
    won = dict.fromkeys(votes, 0)
    for *_, p in quotients[:seats]:
        won[p] += 1
    tied: tuple[str, ...] = ()
    if len(quotients) > seats and quotients[seats - 1][0] == quotients[seats][0]:
        last = quotients[seats - 1][0]
        tied = tuple(sorted({q[3] for q in quotients if q[0] == last}, key=int))
    return won, tied


@given(
    st.dictionaries(
        st.sampled_from([str(n) for n in range(1, 25)]),
        st.one_of(st.integers(0, 40), st.integers(0, 999_999_999)),
        min_size=1,
        max_size=24,
    ),
    st.integers(min_value=1, max_value=15),
)
def test_the_float_quotients_order_as_the_exact_fractions(
    votes: dict[str, int], seats: int
) -> None:
    won, ties = sainte_lague(votes, seats)
    want, tied = _exact(votes, seats)
    assert won == want
    assert tuple(sorted((c for t in ties for c in t.contenders), key=int)) == tied
