"""Screening: named flags on a TPS's form in force, for people to look at.

A flag is triage, never removal: a flagged form stays in the totals (only an
impossibility rule keeps a form out, see :mod:`saksi.election.rules`). Each flag has
a stable id, its threshold, and a message in Bahasa Indonesia and English that
names the numbers. docs/recap.md lists them with the reasons for each threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

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


class Counts(NamedTuple):
    """The numbers of a form that the screens read, taken once per form."""

    voters: int  # pengguna_total_j
    votes: int  # suara_total
    dpt: int  # pemilih_dpt_j
    eligible: int  # DPT + DPTb + DPK: who could vote here (DPTb and DPK are known by who came)
    most: int  # the most votes of one pair
    valid: int  # the votes of every pair

    @property
    def turnout(self) -> float | None:
        return self.voters / self.dpt if self.dpt else None


COUNTED_FIELDS: Final = (
    "pengguna_total_j",
    "suara_total",
    "pemilih_dpt_j",
    "pengguna_dptb_j",
    "pengguna_non_dpt_j",
)
"""The form fields :func:`counts` takes, in its order (then the pairs' votes)."""


def counts(
    voters: int, votes: int, dpt: int, dptb: int, dpk: int, *, pair_votes: Collection[int]
) -> Counts:
    """The :class:`Counts` of a form's :data:`COUNTED_FIELDS` and its pairs' votes."""
    return Counts(voters, votes, dpt, dpt + dptb + dpk, max(pair_votes, default=0), sum(pair_votes))


def form_counts(form: CHasilPPWP) -> Counts:
    return counts(
        form.pengguna_total_j,
        form.suara_total,
        form.pemilih_dpt_j,
        form.pengguna_dptb_j,
        form.pengguna_non_dpt_j,
        pair_votes=form.suara_paslon.values(),
    )


@dataclass(frozen=True, slots=True)
class Screen:
    """A flag's definition: its id, threshold, when it is raised, and what it says.

    ``raised`` decides, on the form's :class:`Counts` alone; ``message`` words it (in
    Bahasa Indonesia, then English) for a form on which it is raised.
    """

    flag: str
    threshold: str
    description_en: str
    description_id: str
    raised: Callable[[Counts], bool]
    message: Callable[[CHasilPPWP, Counts], tuple[str, str]]

    def check(self, form: CHasilPPWP) -> Flag | None:
        found = form_counts(form)
        return Flag(self.flag, *self.message(form, found)) if self.raised(found) else None


def _voters_above_300(form: CHasilPPWP, c: Counts) -> tuple[str, str]:
    return (
        f"{c.voters} pemilih menggunakan hak pilih di satu TPS (batas {MAX_VOTERS})",
        f"{c.voters} voters at one TPS (the limit is {MAX_VOTERS})",
    )


def _votes_above_eligible(form: CHasilPPWP, c: Counts) -> tuple[str, str]:
    return (
        f"jumlah suara {c.votes} melebihi DPT + DPTb + DPK = {c.eligible}",
        f"{c.votes} votes exceed DPT + DPTb + DPK = {c.eligible}",
    )


def _turnout_above_100(form: CHasilPPWP, c: Counts) -> tuple[str, str]:
    return (
        f"partisipasi {c.turnout:.1%}: {c.voters} pemilih dari DPT {c.dpt}",
        f"turnout {c.turnout:.1%}: {c.voters} voters out of a DPT of {c.dpt}",
    )


def _pair_above_voters(form: CHasilPPWP, c: Counts) -> tuple[str, str]:
    pair = min(p for p, v in form.suara_paslon.items() if v > c.voters)
    votes = form.suara_paslon[pair]
    return (
        f"paslon {pair} memperoleh {votes} suara, lebih dari {c.voters} pemilih",
        f"pair {pair} has {votes} votes, more than the {c.voters} voters",
    )


def _unanimous_high_turnout(form: CHasilPPWP, c: Counts) -> tuple[str, str]:
    winner = next(p for p, v in form.suara_paslon.items() if v == c.valid)
    return (
        f"paslon {winner} memperoleh 100% suara sah dengan partisipasi {c.turnout:.1%}",
        f"pair {winner} has 100% of the valid votes with a turnout of {c.turnout:.1%}",
    )


SCREENS: Final[tuple[Screen, ...]] = (
    Screen(
        "voters-above-300",
        "pengguna_total_j > 300",
        "More voters at one TPS than the 300 a TPS may have on its list.",
        "Pemilih di satu TPS melebihi 300, batas DPT per TPS.",
        lambda c: c.voters > MAX_VOTERS,
        _voters_above_300,
    ),
    Screen(
        "votes-above-eligible",
        "suara_total > pemilih_dpt_j + pengguna_dptb_j + pengguna_non_dpt_j",
        "More votes than people who could vote there (DPT, DPTb and DPK).",
        "Suara melebihi jumlah yang berhak memilih di TPS itu (DPT, DPTb, DPK).",
        lambda c: c.votes > c.eligible,
        _votes_above_eligible,
    ),
    Screen(
        "turnout-above-100",
        "pengguna_total_j / pemilih_dpt_j > 100%",
        "More voters than names on the DPT.",
        "Pemilih yang datang melebihi jumlah nama di DPT.",
        lambda c: c.dpt > 0 and c.voters > c.dpt,
        _turnout_above_100,
    ),
    Screen(
        "pair-above-voters",
        "suara_paslon_XX > pengguna_total_j for some pair",
        "A pair received more votes than there were voters.",
        "Satu paslon memperoleh suara lebih banyak dari jumlah pemilih.",
        lambda c: c.most > c.voters,
        _pair_above_voters,
    ),
    Screen(
        "unanimous-high-turnout",
        "one pair has 100% of suara sah and turnout > 95%",
        "Every valid vote for one pair with nearly everyone voting.",
        "Semua suara sah untuk satu paslon dengan hampir semua pemilih datang.",
        lambda c: c.valid > 0 and c.most == c.valid and (c.turnout or 0) > UNANIMOUS_TURNOUT,
        _unanimous_high_turnout,
    ),
)
"""Every screening flag, in the order they are reported."""

FLAG_IDS: Final = tuple(s.flag for s in SCREENS)


def screen(form: CHasilPPWP) -> tuple[Flag, ...]:
    """Every flag the form raises, in :data:`SCREENS` order."""
    found = form_counts(form)
    return tuple(Flag(s.flag, *s.message(form, found)) for s in SCREENS if s.raised(found))


def raises_any(found: Counts) -> bool:
    """Whether a form with these counts raises a flag: what :func:`screen` would say,
    from the same table, without building a message (the fold's pre-filter)."""
    return any(s.raised(found) for s in SCREENS)


__all__ = [
    "COUNTED_FIELDS",
    "FLAG_IDS",
    "MAX_VOTERS",
    "SCREENS",
    "UNANIMOUS_TURNOUT",
    "Counts",
    "Flag",
    "Screen",
    "counts",
    "form_counts",
    "raises_any",
    "screen",
]
