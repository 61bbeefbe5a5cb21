"""Seats of every dapil of the four legislative contests from their totals.

==============  ==================================================  ==============
case            what one item (every dapil of the country) is       limit
==============  ==================================================  ==============
seats.raw       each dapil's seats the bare way: every party's       (the limit)
                first ``seats`` quotients as floats, the largest
                ``seats`` taken with ``heapq.nlargest``; no
                threshold, no ties, no candidates
seats.allocate  each dapil's seats as Saksi gives them              seats.raw
                (:mod:`saksi.recap.seats`): the DPR threshold over
                the national totals, exact quotients, every tie at
                the last seat found, the open lists filled from
                the candidates' votes; DPD's four per province
==============  ==================================================  ==============

The totals are made up, deterministically, for every dapil of the synthetic national
contests (``synthetic_contests`` of the hierarchy at the part's scale; 2,600 dapil at
scale 1, the 2024 count being 2,710 with DPD's 38): each party's B and each
candidate's votes drawn at random, so that seats and ties fall as they would. Issue 17
asks for all of them in under 1 s on this machine; the table gives the time beside the
ratio.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass
from typing import Final

from saksi.election.contests import ContestKind
from saksi.election.synthetic import synthetic_hierarchy
from saksi.election.synthetic_contests import synthetic_contests
from saksi.recap.seats import DPR_THRESHOLD_PERCENT, DapilVotes, allocate, allocate_dpd

from .harness import Case, Run

NAMES: Final = frozenset({"seats.raw", "seats.allocate"})


@dataclass(frozen=True)
class SeatsWork:
    """Made-up totals of every dapil of every legislative contest."""

    party: dict[str, list[DapilVotes]]  # contest -> its dapil's party votes
    candidates: dict[str, dict[str, dict[str, dict[int, int]]]]  # contest -> dapil -> ...
    dpd: dict[str, dict[int, int]]  # province -> candidate -> votes

    @property
    def dapil(self) -> int:
        return sum(len(d) for d in self.party.values()) + len(self.dpd)


def build(scale: float, seed: int = 2024) -> SeatsWork:
    contests = synthetic_contests(synthetic_hierarchy(scale=scale, seed=seed), seed)
    rng = random.Random(seed)
    party: dict[str, list[DapilVotes]] = {}
    candidates: dict[str, dict[str, dict[str, dict[int, int]]]] = {}
    dpd: dict[str, dict[int, int]] = {}
    for contest in contests.contests:
        if contest.kind is ContestKind.DPD:
            for d in contest.districts:
                dpd[d.code] = {c.number: rng.randrange(0, 400_000) for c in d.candidates}
            continue
        dapils: list[DapilVotes] = []
        lists: dict[str, dict[str, dict[int, int]]] = {}
        for d in contest.districts:
            votes: dict[str, int] = {}
            for pl in d.lists:
                people = {c.number: rng.randrange(0, 60_000) for c in pl.candidates}
                people[0] = rng.randrange(0, 20_000)  # party-only votes
                lists.setdefault(d.code, {})[pl.party] = people
                votes[pl.party] = sum(people.values())
            dapils.append(DapilVotes(d.code, d.seats, votes))
        party[contest.kind.value] = dapils
        candidates[contest.kind.value] = lists
    return SeatsWork(party, candidates, dpd)


def _raw(work: SeatsWork) -> Run:
    def run() -> object:
        won = 0
        for dapils in work.party.values():
            for d in dapils:
                quotients = (v / (2 * k + 1) for v in d.parties.values() for k in range(d.seats))
                won += len(heapq.nlargest(d.seats, quotients))
        for votes in work.dpd.values():
            won += len(heapq.nlargest(4, votes.values()))
        return won

    return run


def _allocate(work: SeatsWork) -> Run:
    def run() -> object:
        results = [
            allocate(
                contest,
                dapils,
                threshold_percent=DPR_THRESHOLD_PERCENT if contest == "dpr" else None,
                candidates=work.candidates[contest],
            )
            for contest, dapils in work.party.items()
        ]
        results.append(allocate_dpd(work.dpd))
        return results

    return run


def cases(scale: float) -> list[Case]:
    """The two cases over the totals of every dapil at ``scale`` (built once, when a
    case first runs). One item is the whole country: every dapil of the four contests,
    so the time per item is what issue 17 sets its 1 s target on."""
    built: list[SeatsWork] = []

    def work() -> SeatsWork:
        if not built:
            built.append(build(scale))
        return built[0]

    return [
        Case(
            "seats.raw",
            "every dapil's seats, bare: float quotients, heapq.nlargest",
            1,
            lambda: _raw(work()),
        ),
        Case(
            "seats.allocate",
            "every dapil's seats as Saksi gives them: threshold, exact quotients, ties, "
            "open lists, DPD",
            1,
            lambda: _allocate(work()),
            limit="seats.raw",
        ),
    ]
