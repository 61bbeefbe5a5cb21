"""Seats from votes: Sainte-Laguë per dapil, the DPR threshold, open lists, DPD's four.

Law 7/2017 (arts. 414-422; DOMAIN.md, "The legislative contests"):

- **DPR**: only parties with at least the threshold (4% in 2024) of the national valid
  DPR votes take part in the allocation; DPRD Provinsi and Kab/Kota have no threshold.
- **Per dapil**, Sainte-Laguë: each party's valid votes (its B, summed over the dapil)
  divided by 1, 3, 5, 7, ...; the ``seats`` largest quotients win a seat each.
- **Within a party** (open list), its seats go to its candidates with the most votes;
  party-only votes (A.1) count for the party but elect no one.
- **DPD**: the four candidates with the most votes in the province.

Quotients are compared exactly (as fractions), never as floats. A tie is never settled
silently: where equal numbers straddle the last seat (two parties' equal quotients for
one remaining seat, two candidates with equal votes for a party's last seat), the seat
goes by the provisional order written in :data:`TIE_RULE` and the tie is returned as a
:class:`Tie` for the KPU to decide by its own regulation; the seats are then marked
provisional by whoever shows them. Pure code: no I/O.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Final

__all__ = [
    "DPD_SEATS",
    "DPR_THRESHOLD_PERCENT",
    "TIE_RULE",
    "CandidateVotes",
    "DapilVotes",
    "Elected",
    "SeatResult",
    "Tie",
    "allocate",
    "allocate_dpd",
    "passing_threshold",
    "sainte_lague",
]

DPR_THRESHOLD_PERCENT: Final = Fraction(4)
"""The DPR's parliamentary threshold in 2024: 4% of the national valid votes."""
DPD_SEATS: Final = 4
"""DPD members per province."""
MAX_FLOAT_VOTES: Final = 1 << 31
MAX_FLOAT_SEATS: Final = 127
"""Below both, a quotient as a float orders exactly as the fraction (:func:`sainte_lague`)."""

TIE_RULE: Final = {
    "party": (
        "equal quotients for the last seat(s): provisionally to the party with more "
        "valid votes in the dapil, then the lower ballot number; the KPU decides",
        "hasil bagi sama untuk kursi terakhir: sementara kepada partai dengan suara sah "
        "lebih banyak di dapil, lalu nomor urut partai lebih kecil; KPU yang memutuskan",
    ),
    "candidate": (
        "equal votes for a party's last seat(s): provisionally to the lower ballot "
        "number; the KPU decides",
        "suara sama untuk kursi terakhir partai: sementara kepada nomor urut lebih kecil; "
        "KPU yang memutuskan",
    ),
    "dpd": (
        "equal votes for the province's last DPD seat(s): provisionally to the lower "
        "ballot number; the KPU decides",
        "suara sama untuk kursi DPD terakhir provinsi: sementara kepada nomor urut lebih "
        "kecil; KPU yang memutuskan",
    ),
}
"""The provisional order applied to each kind of tie (English, Bahasa Indonesia)."""


def _party_order(party: str) -> tuple[int, str]:
    return (int(party), party) if party.isdigit() else (1 << 30, party)


@dataclass(frozen=True, slots=True)
class Tie:
    """Equal numbers straddling the last seat(s): who got them by the provisional order,
    and who did not."""

    kind: str  # "party", "candidate" or "dpd"
    dapil: str
    value: str  # the equal quotient ("1234/3") or vote count, exactly
    contenders: tuple[str, ...]  # parties, or candidate numbers (party-qualified: "2:5")
    seats: int  # how many of the contenders got a seat
    winners: tuple[str, ...]
    party: str = ""  # for a candidate tie

    @property
    def rule(self) -> tuple[str, str]:
        return TIE_RULE[self.kind]

    def to_json(self) -> dict[str, Any]:
        en, id_ = self.rule
        out: dict[str, Any] = {
            "kind": self.kind, "dapil": self.dapil, "value": self.value,
            "contenders": list(self.contenders), "seats": self.seats,
            "winners": list(self.winners), "rule_en": en, "rule_id": id_,
        }  # fmt: skip
        if self.party:
            out["party"] = self.party
        return out


def _fraction_text(value: Fraction) -> str:
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def sainte_lague(
    votes: Mapping[str, int], seats: int, dapil: str = ""
) -> tuple[dict[str, int], tuple[Tie, ...]]:
    """Seats per party by Sainte-Laguë (divisors 1, 3, 5, ...), and the tie at the last
    seat if there is one. A party with no votes gets no seat; with no votes at all, no
    seat is given (every party 0)."""
    won = dict.fromkeys(votes, 0)
    if seats <= 0:
        return won, ()
    # Each party's quotients that could win (at most ``seats`` of them), ordered by the
    # quotient, then more votes, then the lower ballot number. The quotients are floats,
    # yet compared exactly: two different fractions a/b and c/d with a, c < 2^31 votes
    # and odd divisors b, d < 2^8 differ by at least 1/(bd), a relative 2^-47, above a
    # double's rounding (2^-53), and equal fractions round to the same double; so the
    # floats order as the fractions do. Beyond those bounds, exact fractions.
    exact = seats > MAX_FLOAT_SEATS or any(v >= MAX_FLOAT_VOTES for v in votes.values())
    divisors = range(1, 2 * seats, 2)
    quotients = [
        (-(Fraction(v, d) if exact else v / d), -v, order, party)
        for party, v, order in ((p, v, _party_order(p)) for p, v in votes.items() if v > 0)
        for d in divisors
    ]
    ordered = heapq.nsmallest(seats + 1, quotients)
    for *_, party in ordered[:seats]:
        won[party] += 1
    if len(ordered) <= seats or ordered[seats - 1][0] != ordered[seats][0]:
        return won, ()
    last = ordered[seats - 1][0]
    equal = sorted(q for q in quotients if q[0] == last)
    inside = [q for q in ordered[:seats] if q[0] == last]
    numerator = -equal[0][1]  # the party with most votes among them: divisor v/quotient
    value = Fraction(numerator, round(numerator / -last))
    tie = Tie(
        kind="party",
        dapil=dapil,
        value=_fraction_text(value),
        contenders=tuple(dict.fromkeys(q[3] for q in equal)),
        seats=len(inside),
        winners=tuple(q[3] for q in inside),
    )
    return won, (tie,)


@dataclass(frozen=True, slots=True)
class Elected:
    """One seat: who holds it (``number`` 0 for a party seat no candidate could fill)."""

    dapil: str
    party: str
    number: int
    votes: int

    def to_json(self) -> dict[str, Any]:
        return {
            "dapil": self.dapil,
            "party": self.party,
            "number": self.number,
            "votes": self.votes,
        }


def _top(
    votes: Mapping[int, int], seats: int, kind: str, dapil: str, party: str = ""
) -> tuple[list[tuple[int, int]], tuple[Tie, ...]]:
    """The ``seats`` candidates with the most votes (then the lower number), and the tie
    at the last seat. A candidate with no votes is still elected if seats remain (the
    law elects from the list; KPU decides such a case too, so it is a tie when two
    remain)."""
    ordered = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    chosen = ordered[:seats]
    ties: tuple[Tie, ...] = ()
    if 0 < seats < len(ordered) and ordered[seats - 1][1] == ordered[seats][1]:
        last = ordered[seats - 1][1]
        tag = (lambda n: f"{party}:{n}") if party else str
        ties = (
            Tie(
                kind=kind,
                dapil=dapil,
                value=str(last),
                contenders=tuple(tag(n) for n, v in ordered if v == last),
                seats=sum(1 for _, v in chosen if v == last),
                winners=tuple(tag(n) for n, v in chosen if v == last),
                party=party,
            ),
        )
    return chosen, ties


@dataclass(frozen=True, slots=True)
class DapilVotes:
    """A dapil's seats and each party's valid votes (B summed) in it."""

    dapil: str
    seats: int
    parties: Mapping[str, int]


CandidateVotes = Mapping[str, Mapping[str, Mapping[int, int]]]
"""dapil -> party -> candidate number -> votes (number 0, party-only votes, ignored)."""


@dataclass(frozen=True, slots=True)
class SeatResult:
    """The seats of one contest: by party, by dapil, who is elected, the ties."""

    contest: str
    threshold_percent: Fraction | None
    valid_votes: int  # national valid votes of every party, the threshold's base
    passing: tuple[str, ...]  # parties at or above the threshold (all, without one)
    dapil: dict[str, dict[str, int]]
    elected: tuple[Elected, ...]
    ties: tuple[Tie, ...]
    unfilled: tuple[Elected, ...] = field(default=())  # a party seat with no candidate left

    @property
    def parties(self) -> dict[str, int]:
        """Seats per party, nationally (none for DPD, whose candidates stand alone)."""
        if self.contest == "dpd":
            return {}
        total: dict[str, int] = {}
        for seats in self.dapil.values():
            for party, n in seats.items():
                if n:
                    total[party] = total.get(party, 0) + n
        return dict(sorted(total.items(), key=lambda kv: _party_order(kv[0])))

    def to_json(self) -> dict[str, Any]:
        """The object ``saksi seats --format json`` prints (docs/seats.md)."""
        percent = self.threshold_percent
        return {
            "contest": self.contest,
            "threshold": {
                "percent": None if percent is None else _number(percent),
                "valid_votes": self.valid_votes,
                "passing": list(self.passing),
            },
            "parties": self.parties,
            "dapil": {d: {p: n for p, n in s.items() if n} for d, s in self.dapil.items()},
            "elected": [e.to_json() for e in self.elected],
            "unfilled": [e.to_json() for e in self.unfilled],
            "ties": [t.to_json() for t in self.ties],
        }


def _number(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else float(value)


def passing_threshold(
    national: Mapping[str, int], percent: Fraction | None
) -> tuple[int, tuple[str, ...]]:
    """The national valid votes and the parties with at least ``percent`` of them
    (every party when ``percent`` is None), in ballot order."""
    total = sum(national.values())
    parties = sorted(national, key=_party_order)
    if percent is None:
        return total, tuple(parties)
    return total, tuple(p for p in parties if total and national[p] * 100 >= percent * total)


def allocate(
    contest: str,
    dapil: Iterable[DapilVotes],
    *,
    threshold_percent: Fraction | None = None,
    candidates: CandidateVotes | None = None,
) -> SeatResult:
    """Seats of a party contest: the threshold over the national totals, Sainte-Laguë
    per dapil among the passing parties, then (with ``candidates``) the open lists."""
    dapils = sorted(dapil, key=lambda d: d.dapil)
    national: dict[str, int] = {}
    for d in dapils:
        for party, v in d.parties.items():
            national[party] = national.get(party, 0) + v
    total, passing = passing_threshold(national, threshold_percent)
    allowed = set(passing)
    seats: dict[str, dict[str, int]] = {}
    ties: list[Tie] = []
    elected: list[Elected] = []
    unfilled: list[Elected] = []
    for d in dapils:
        votes = {p: v for p, v in d.parties.items() if p in allowed}
        won, tie = sainte_lague(votes, d.seats, d.dapil)
        seats[d.dapil] = dict(sorted(won.items(), key=lambda kv: _party_order(kv[0])))
        ties.extend(tie)
        if candidates is None:
            continue
        for party, n in seats[d.dapil].items():
            if not n:
                continue
            people = {k: v for k, v in candidates.get(d.dapil, {}).get(party, {}).items() if k}
            chosen, tie = _top(people, n, "candidate", d.dapil, party)
            ties.extend(tie)
            elected.extend(Elected(d.dapil, party, k, v) for k, v in chosen)
            unfilled.extend(Elected(d.dapil, party, 0, 0) for _ in range(n - len(chosen)))
    return SeatResult(
        contest=contest,
        threshold_percent=threshold_percent,
        valid_votes=total,
        passing=passing,
        dapil=seats,
        elected=tuple(elected),
        ties=tuple(ties),
        unfilled=tuple(unfilled),
    )


def allocate_dpd(provinces: Mapping[str, Mapping[int, int]], seats: int = DPD_SEATS) -> SeatResult:
    """DPD: the ``seats`` candidates with the most votes in each province."""
    elected: list[Elected] = []
    ties: list[Tie] = []
    per: dict[str, dict[str, int]] = {}
    total = 0
    for province in sorted(provinces):
        votes = provinces[province]
        total += sum(votes.values())
        chosen, tie = _top(votes, seats, "dpd", province)
        ties.extend(tie)
        elected.extend(Elected(province, "", n, v) for n, v in chosen)
        per[province] = {str(n): 1 for n, _ in chosen}
    return SeatResult(
        contest="dpd",
        threshold_percent=None,
        valid_votes=total,
        passing=(),
        dapil=per,
        elected=tuple(elected),
        ties=tuple(ties),
    )
