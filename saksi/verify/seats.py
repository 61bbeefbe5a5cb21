"""Seats from valid votes (docs/seats.md, "The method" and "Ties"), the verifier's own.

Written from that page alone, not from :mod:`saksi.recap.seats`: Sainte-Laguë over
exact fractions, the open lists, DPD's four, and every tie that straddles the last
seat reported with its contenders, the equal value, how many of them won and who.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

RULES: Final = {
    "party": (
        "equal quotients for the dapil's last seat: given provisionally to the party with "
        "more valid votes in the dapil, then the lower ballot number; the KPU decides",
        "hasil bagi sama untuk kursi terakhir dapil: sementara diberikan kepada partai dengan "
        "suara sah lebih banyak di dapil, lalu nomor urut lebih kecil; KPU yang memutuskan",
    ),
    "candidate": (
        "equal votes for the party's last seat: given provisionally to the lower ballot "
        "number; the KPU decides",
        "suara sama untuk kursi terakhir partai: sementara diberikan kepada nomor urut lebih "
        "kecil; KPU yang memutuskan",
    ),
    "dpd": (
        "equal votes for the province's last DPD seat: given provisionally to the lower "
        "ballot number; the KPU decides",
        "suara sama untuk kursi DPD terakhir provinsi: sementara diberikan kepada nomor urut "
        "lebih kecil; KPU yang memutuskan",
    ),
}
"""Each kind of tie's provisional order, in English and Bahasa Indonesia."""


@dataclass(frozen=True)
class Tie:
    """Equal numbers straddling a last seat (docs/seats.md, "Ties")."""

    kind: str  # party, candidate, dpd
    dapil: str
    value: str  # the equal quotient ("53000/3", "100") or vote count
    contenders: tuple[str, ...]  # parties, "party:number" or DPD numbers
    seats: int  # how many of the contenders got a seat
    winners: tuple[str, ...]
    party: str | None = None  # a candidate tie's party

    def to_json(self) -> dict[str, Any]:
        en, id_ = RULES[self.kind]
        out: dict[str, Any] = {
            "kind": self.kind,
            "dapil": self.dapil,
            "value": self.value,
            "contenders": list(self.contenders),
            "seats": self.seats,
            "winners": list(self.winners),
            "rule_en": en,
            "rule_id": id_,
        }
        if self.party is not None:
            out["party"] = self.party
        return out


def _text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


def passes(votes: int, total: int, percent: int | None) -> bool:
    """The threshold in whole numbers: ``votes x 100 >= percent x total``; while no
    valid vote is counted (``total`` 0) no party passes a threshold."""
    return percent is None or (total > 0 and votes * 100 >= percent * total)


def sainte_lague(
    votes: dict[str, int], seats: int, dapil: str
) -> tuple[dict[str, int], Tie | None]:
    """Each party's seats of ``seats`` (parties as ballot numbers, only those taking
    part), and the tie at the last seat if there is one. Quotients votes / 1, 3, 5, ...
    compared as exact fractions; in order: the larger quotient, then the party with
    more votes, then the lower ballot number. A party with no votes wins nothing."""
    quotients: list[tuple[Fraction, str]] = [
        (Fraction(v, 2 * k + 1), party) for party, v in votes.items() if v > 0 for k in range(seats)
    ]
    quotients.sort(key=lambda qp: (-qp[0], -votes[qp[1]], int(qp[1])))
    won: dict[str, int] = {}
    for _, party in quotients[:seats]:
        won[party] = won.get(party, 0) + 1
    tie = None
    if 0 < seats < len(quotients) and quotients[seats - 1][0] == quotients[seats][0]:
        value = quotients[seats][0]
        equal = [(q, p) for q, p in quotients if q == value]
        contenders = sorted({p for _, p in equal}, key=int)
        winners = sorted({p for q, p in quotients[:seats] if q == value}, key=int)
        tie = Tie("party", dapil, _text(value), tuple(contenders), len(winners), tuple(winners))
    return won, tie


def top(
    candidates: dict[int, int], seats: int, kind: str, dapil: str, party: str | None = None
) -> tuple[list[tuple[int, int]], Tie | None]:
    """The ``seats`` candidates (number -> votes) with the most votes, then the lower
    number: ``(number, votes)`` in that order (fewer when there are fewer candidates),
    and the tie at the last seat if there is one."""
    order = sorted(candidates.items(), key=lambda nv: (-nv[1], nv[0]))
    chosen = order[:seats]
    tie = None
    if 0 < seats < len(order) and order[seats - 1][1] == order[seats][1]:
        value = order[seats][1]

        def name(number: int) -> str:
            return f"{party}:{number}" if party is not None else str(number)

        contenders = sorted(n for n, v in order if v == value)
        winners = sorted(n for n, v in chosen if v == value)
        tie = Tie(
            kind,
            dapil,
            str(value),
            tuple(name(n) for n in contenders),
            len(winners),
            tuple(name(n) for n in winners),
            party,
        )
    return chosen, tie


__all__ = ["RULES", "Tie", "passes", "sainte_lague", "top"]
