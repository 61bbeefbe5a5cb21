"""Screening: named flags on a TPS's form in force, for people to look at.

A flag is triage, never removal: a flagged form stays in the totals (only an
impossibility rule keeps a form out, see :mod:`saksi.election.rules`). Each flag has
a stable id, its threshold, and a message in Bahasa Indonesia and English that
names the numbers. docs/recap.md lists them with the reasons for each threshold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from saksi.election.forms import CHasilPPWP

MAX_VOTERS: Final = 300
"""KPU's ceiling of voters per TPS in 2024 (DPT of at most 300 per TPS)."""

UNANIMOUS_TURNOUT: Final = 0.95
"""Turnout above which a 100 % result for one pair is flagged."""


@dataclass(frozen=True, slots=True)
class Flag:
    """One screening flag raised on one form."""

    flag: str
    message_id: str
    message_en: str

    def to_dict(self) -> dict[str, Any]:
        return {"flag": self.flag, "message": {"id": self.message_id, "en": self.message_en}}


@dataclass(frozen=True, slots=True)
class Screen:
    """A flag's definition: its id, threshold, and what it says when raised."""

    flag: str
    threshold: str
    description_en: str
    description_id: str
    check: Callable[[CHasilPPWP], Flag | None]


def _eligible(form: CHasilPPWP) -> int:
    """DPT + DPTb + DPK: who could vote here (DPTb and DPK are known by who came)."""
    return form.pemilih_dpt_j + form.pengguna_dptb_j + form.pengguna_non_dpt_j


def _turnout(form: CHasilPPWP) -> float | None:
    dpt = form.pemilih_dpt_j
    return form.pengguna_total_j / dpt if dpt else None


def _voters_above_300(form: CHasilPPWP) -> Flag | None:
    voters = form.pengguna_total_j
    if voters <= MAX_VOTERS:
        return None
    return Flag(
        "voters-above-300",
        f"{voters} pemilih menggunakan hak pilih di satu TPS (batas {MAX_VOTERS})",
        f"{voters} voters at one TPS (the limit is {MAX_VOTERS})",
    )


def _votes_above_eligible(form: CHasilPPWP) -> Flag | None:
    votes, eligible = form.suara_total, _eligible(form)
    if votes <= eligible:
        return None
    return Flag(
        "votes-above-eligible",
        f"jumlah suara {votes} melebihi DPT + DPTb + DPK = {eligible}",
        f"{votes} votes exceed DPT + DPTb + DPK = {eligible}",
    )


def _turnout_above_100(form: CHasilPPWP) -> Flag | None:
    turnout = _turnout(form)
    if turnout is None or turnout <= 1:
        return None
    return Flag(
        "turnout-above-100",
        f"partisipasi {turnout:.1%}: {form.pengguna_total_j} pemilih dari DPT {form.pemilih_dpt_j}",
        f"turnout {turnout:.1%}: {form.pengguna_total_j} voters out of a DPT of "
        f"{form.pemilih_dpt_j}",
    )


def _pair_above_voters(form: CHasilPPWP) -> Flag | None:
    voters = form.pengguna_total_j
    over = sorted(p for p, v in form.suara_paslon.items() if v > voters)
    if not over:
        return None
    pair = over[0]
    votes = form.suara_paslon[pair]
    return Flag(
        "pair-above-voters",
        f"paslon {pair} memperoleh {votes} suara, lebih dari {voters} pemilih",
        f"pair {pair} has {votes} votes, more than the {voters} voters",
    )


def _unanimous_high_turnout(form: CHasilPPWP) -> Flag | None:
    valid = sum(form.suara_paslon.values())
    turnout = _turnout(form)
    if not valid or turnout is None or turnout <= UNANIMOUS_TURNOUT:
        return None
    winners = [p for p, v in form.suara_paslon.items() if v == valid]
    if not winners:
        return None
    return Flag(
        "unanimous-high-turnout",
        f"paslon {winners[0]} memperoleh 100% suara sah dengan partisipasi {turnout:.1%}",
        f"pair {winners[0]} has 100% of the valid votes with a turnout of {turnout:.1%}",
    )


SCREENS: Final[tuple[Screen, ...]] = (
    Screen(
        "voters-above-300",
        "pengguna_total_j > 300",
        "More voters at one TPS than the 300 a TPS may have on its list.",
        "Pemilih di satu TPS melebihi 300, batas DPT per TPS.",
        _voters_above_300,
    ),
    Screen(
        "votes-above-eligible",
        "suara_total > pemilih_dpt_j + pengguna_dptb_j + pengguna_non_dpt_j",
        "More votes than people who could vote there (DPT, DPTb and DPK).",
        "Suara melebihi jumlah yang berhak memilih di TPS itu (DPT, DPTb, DPK).",
        _votes_above_eligible,
    ),
    Screen(
        "turnout-above-100",
        "pengguna_total_j / pemilih_dpt_j > 100%",
        "More voters than names on the DPT.",
        "Pemilih yang datang melebihi jumlah nama di DPT.",
        _turnout_above_100,
    ),
    Screen(
        "pair-above-voters",
        "suara_paslon_XX > pengguna_total_j for some pair",
        "A pair received more votes than there were voters.",
        "Satu paslon memperoleh suara lebih banyak dari jumlah pemilih.",
        _pair_above_voters,
    ),
    Screen(
        "unanimous-high-turnout",
        "one pair has 100% of suara sah and turnout > 95%",
        "Every valid vote for one pair with nearly everyone voting.",
        "Semua suara sah untuk satu paslon dengan hampir semua pemilih datang.",
        _unanimous_high_turnout,
    ),
)
"""Every screening flag, in the order they are reported."""

FLAG_IDS: Final = tuple(s.flag for s in SCREENS)


def screen(form: CHasilPPWP) -> tuple[Flag, ...]:
    """Every flag the form raises, in :data:`SCREENS` order."""
    return tuple(flag for s in SCREENS if (flag := s.check(form)) is not None)


__all__ = ["FLAG_IDS", "MAX_VOTERS", "SCREENS", "UNANIMOUS_TURNOUT", "Flag", "Screen", "screen"]
