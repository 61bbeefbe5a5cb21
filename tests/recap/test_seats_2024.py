"""Worked seat examples from public 2024 figures (issue 17): the DPR threshold over the
national totals KPU read out on 20 March 2024, and the DPR seats of the two dapil of
Kalimantan Barat from the party totals KPU set on 10 March 2024.

The figures are those the press reported from KPU's plenary sessions (Keputusan KPU
360/2024 is the decision); reports differ by one vote on three parties (PDIP 25,387,278
or 279, Gelora 1,281,991 or 992, Perindo 1,955,154 or 155), which moves no outcome
below. The national set used is the one read out, whose sum is the valid total read
out with it (151,796,630). For the dapil, only the leading parties' totals were
reported; each other party was reported "below" a figure, so those are drawn, by
hypothesis, anywhere below it: the seats must not depend on them.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from saksi.cli import cli
from saksi.recap.seats import DapilVotes, allocate, passing_threshold

# DPR valid votes per party, nationally, by ballot number (1 PKB ... 17 PPP, 24 Ummat)
DPR_2024 = {
    "1": 16_115_655,  # PKB
    "2": 20_071_708,  # Gerindra
    "3": 25_387_278,  # PDI Perjuangan
    "4": 23_208_654,  # Golkar
    "5": 14_660_516,  # NasDem
    "6": 972_910,  # Partai Buruh
    "7": 1_281_991,  # Gelora
    "8": 12_781_353,  # PKS
    "9": 326_800,  # PKN
    "10": 1_094_588,  # Hanura
    "11": 406_883,  # Garuda
    "12": 10_984_003,  # PAN
    "13": 484_486,  # PBB
    "14": 11_283_160,  # Demokrat
    "15": 4_260_169,  # PSI
    "16": 1_955_154,  # Perindo
    "17": 5_878_777,  # PPP
    "24": 642_545,  # Ummat
}
PASSING_2024 = ("1", "2", "3", "4", "5", "8", "12", "14")
"""The eight parties in the DPR 2024-2029: 580 seats among them."""

OTHERS = [p for p in DPR_2024 if p not in {"3", "4", "2", "5", "1", "8", "12"}]


def test_the_2024_threshold_lets_eight_parties_in_and_keeps_ppp_out() -> None:
    total, passing = passing_threshold(DPR_2024, Fraction(4))
    assert total == 151_796_630
    assert passing == PASSING_2024
    # PPP: 5,878,777 of 151,796,630 is 3.87 %, under the 6,071,865.2 votes 4 % needs
    assert DPR_2024["17"] * 100 < 4 * total < DPR_2024["12"] * 100


def test_the_2024_threshold_boundary_for_ppp() -> None:
    # PPP's own votes count in the base: it needs x with 100 x >= 4 (145,917,853 + x),
    # x >= 145,917,853 / 24 = 6,079,910.54
    def with_ppp(votes: int) -> tuple[str, ...]:
        return passing_threshold({**DPR_2024, "17": votes}, Fraction(4))[1]

    assert "17" not in with_ppp(6_079_910)
    assert "17" in with_ppp(6_079_911)


def _dpr(dapil: list[DapilVotes]) -> dict[str, dict[str, int]]:
    """The seats of these dapil with the threshold's result of 2024 applied (their
    parties' national totals are not these dapil's alone)."""
    result = allocate("dpr", [_passing_only(d) for d in dapil])
    return {d: {p: n for p, n in s.items() if n} for d, s in result.dapil.items()}


def _passing_only(d: DapilVotes) -> DapilVotes:
    return DapilVotes(d.dapil, d.seats, {p: v for p, v in d.parties.items() if p in PASSING_2024})


@given(st.lists(st.integers(0, 109_999), min_size=len(OTHERS), max_size=len(OTHERS)))
def test_kalimantan_barat_i_2024(others: list[int]) -> None:
    # 8 seats. PDIP 411,730, Golkar 306,153, Gerindra 278,450, NasDem 272,914,
    # PKB 145,623, PKS 123,834, PAN 114,383; the eleven others below 110,000
    # (Demokrat among them). Quotients: 411,730 306,153 278,450 272,914 145,623
    # 137,243 (PDIP / 3) 123,834 114,383: the eighth seat is PAN's, whatever the others.
    votes = {"3": 411_730, "4": 306_153, "2": 278_450, "5": 272_914}
    votes |= {"1": 145_623, "8": 123_834, "12": 114_383, **dict(zip(OTHERS, others, strict=True))}
    seats = _dpr([DapilVotes("6101", 8, votes)])
    assert seats == {"6101": {"1": 1, "2": 1, "3": 2, "4": 1, "5": 1, "8": 1, "12": 1}}


@given(st.lists(st.integers(0, 99_999), min_size=15, max_size=15))
def test_kalimantan_barat_ii_2024(others: list[int]) -> None:
    # 4 seats. PDIP 323,880, NasDem 241,575, Golkar 102,923; the fifteen others below
    # 100,000. Quotients 323,880 241,575 107,960 (PDIP / 3) 102,923: PDIP 2, NasDem 1,
    # Golkar 1, as KPU set them.
    rest = [p for p in DPR_2024 if p not in {"3", "5", "4"}]
    votes = {"3": 323_880, "5": 241_575, "4": 102_923, **dict(zip(rest, others, strict=True))}
    assert _dpr([DapilVotes("6102", 4, votes)]) == {"6102": {"3": 2, "4": 1, "5": 1}}


def test_kalimantan_barat_through_saksi_seats(tmp_path: Path) -> None:
    """The same two dapil as a journalist would give them to `saksi seats`, with the
    national totals of the other 82 dapil as one more row so that the file's threshold
    is 2024's (the others at their ceilings, the worst case for the result)."""
    kalbar_i = {"3": 411_730, "4": 306_153, "2": 278_450, "5": 272_914, "1": 145_623}
    kalbar_i |= {"8": 123_834, "12": 114_383} | {p: 109_999 for p in OTHERS}
    kalbar_ii = {"3": 323_880, "5": 241_575, "4": 102_923}
    kalbar_ii |= {p: 99_999 for p in DPR_2024 if p not in kalbar_ii}
    rows = ["dapil,seats,party,votes"]
    for code, seats, votes in (("6101", 8, kalbar_i), ("6102", 4, kalbar_ii)):
        rows += [f"{code},{seats},{p},{v}" for p, v in votes.items()]
    rest = {p: DPR_2024[p] - kalbar_i[p] - kalbar_ii[p] for p in DPR_2024}
    rows += [f"LAIN,568,{p},{v}" for p, v in rest.items()]
    path = tmp_path / "votes.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["seats", str(path), "--contest", "dpr", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["threshold"]["valid_votes"] == 151_796_630
    assert out["threshold"]["passing"] == list(PASSING_2024)
    assert out["dapil"]["6101"] == {"1": 1, "2": 1, "3": 2, "4": 1, "5": 1, "8": 1, "12": 1}
    assert out["dapil"]["6102"] == {"3": 2, "4": 1, "5": 1}
