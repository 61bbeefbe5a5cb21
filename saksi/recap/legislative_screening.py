"""Screening of the legislative forms: named flags on a TPS's form in force.

As for PPWP (:mod:`saksi.recap.screening`), a flag is triage, never removal: a flagged
form stays in the totals. The fold calls :func:`screen` for every legislative form it
puts in force (:meth:`~saksi.recap.legislative.LegislativeTally.on_form`) and keeps
its flags in the TPS's slot; a counted TPS with one is ``flagged``. The thresholds are
constants here; docs/recap.md ("Screening") gives the reason for each.

A "vote unit" is what a seat is counted from: a party's B (``suara_sah_partai_P``) on a
party form, a candidate's votes (``suara_calon_N``) on the DPD form.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Final

from saksi.recap.legislative_layout import DapilLayout
from saksi.recap.screening import UNANIMOUS_TURNOUT, Flag

SHARE_JUMP_POINTS: Final = 10
"""A correction moving a party's (DPD: a candidate's) share of the valid votes by more
than this many percentage points from the TPS's first form is flagged."""

LEGISLATIVE_FLAG_IDS: Final = (
    "party-above-voters",
    "candidate-above-voters",
    "unanimous-high-turnout",
    "share-jump",
)
"""Every legislative screening flag, in the order they are reported."""


class _Positions:
    """Where a dapil's form keeps what the screens read (indices into its values)."""

    __slots__ = ("candidates", "dpt", "units", "valid", "voters", "votes")

    def __init__(self, layout: DapilLayout) -> None:
        at = {name: i for i, name in enumerate(layout.form_fields)}
        ballot = layout.ballot
        self.voters = at["pengguna_total_j"]
        self.dpt = at["pemilih_dpt_j"]
        self.valid = at["suara_sah"]
        boxes = [at[f] for f in layout.vote_fields]
        self.votes = slice(min(boxes), max(boxes) + 1)  # the vote boxes, side by side
        # (label, index) of each vote unit: a party's B, or a DPD candidate's votes
        self.units: tuple[tuple[str, int], ...] = (
            tuple((p, at[f"suara_sah_partai_{p}"]) for p, _ in ballot.parties)
            if ballot.parties
            else tuple((str(n), at[f"suara_calon_{n}"]) for n in ballot.candidates)
        )
        # (party, number, index) of each candidate: a party's A.2, or a DPD candidate
        self.candidates: tuple[tuple[str, str, int], ...] = (
            tuple(
                (p, str(n), at[f"suara_caleg_{p}_{n}"]) for p, numbers in ballot.parties
                for n in numbers
            )
            if ballot.parties
            else tuple(("", str(n), at[f"suara_calon_{n}"]) for n in ballot.candidates)
        )  # fmt: skip


@lru_cache(maxsize=8192)
def _positions(layout: DapilLayout) -> _Positions:
    return _Positions(layout)


def _unit_name(layout: DapilLayout) -> tuple[str, str]:
    """How a vote unit is named (Bahasa Indonesia, English)."""
    return ("partai", "party") if layout.ballot.parties else ("calon", "candidate")


def screen(
    layout: DapilLayout, values: Sequence[int], first: Sequence[int] | None = None
) -> tuple[Flag, ...]:
    """Every flag a legislative form in force raises, in :data:`LEGISLATIVE_FLAG_IDS`
    order: ``values`` its values (``layout.form_fields`` order), ``first`` the values
    of the TPS's first form when this one is a correction (None otherwise)."""
    at = _positions(layout)
    voters, dpt, valid = values[at.voters], values[at.dpt], values[at.valid]
    high = valid > 0 and dpt > 0 and voters / dpt > UNANIMOUS_TURNOUT
    if first is None and not high and max(values[at.votes]) <= voters:
        return ()  # no box above the voters, no 100 % to look for: most forms
    out: list[Flag] = []
    unit_id, unit_en = _unit_name(layout)
    above = [(label, values[i]) for label, i in at.units if values[i] > voters]
    if above and layout.ballot.parties:
        label, votes = above[0]
        out.append(
            Flag(
                "party-above-voters",
                f"partai {label} memperoleh {votes} suara sah, lebih dari {voters} pemilih",
                f"party {label} has {votes} valid votes, more than the {voters} voters",
            )
        )
    over = [(p, n, values[i]) for p, n, i in at.candidates if values[i] > voters]
    if over:
        party, number, votes = over[0]
        who_id = f"caleg {party}-{number}" if party else f"calon DPD {number}"
        who_en = f"candidate {party}-{number}" if party else f"DPD candidate {number}"
        out.append(
            Flag(
                "candidate-above-voters",
                f"{who_id} memperoleh {votes} suara, lebih dari {voters} pemilih",
                f"{who_en} has {votes} votes, more than the {voters} voters",
            )
        )
    if high:
        whole = [label for label, i in at.units if values[i] == valid]
        if whole:
            turnout = voters / dpt
            out.append(
                Flag(
                    "unanimous-high-turnout",
                    f"{unit_id} {whole[0]} memperoleh 100% suara sah dengan partisipasi "
                    f"{turnout:.1%}",
                    f"{unit_en} {whole[0]} has 100% of the valid votes with a turnout of "
                    f"{turnout:.1%}",
                )
            )
    if first is not None:
        jumps = share_jumps(at, first, values)
        if jumps:
            moves = [f"{label} {was:.1%} -> {now:.1%}" for label, was, now in jumps]
            out.append(
                Flag(
                    "share-jump",
                    f"koreksi mengubah pangsa suara sah {unit_id} dari formulir pertama lebih "
                    f"dari {SHARE_JUMP_POINTS} poin: " + ", ".join(f"{unit_id} {m}" for m in moves),
                    f"a correction moved a {unit_en}'s share of the valid votes from the first "
                    f"form by more than {SHARE_JUMP_POINTS} points: "
                    + ", ".join(f"{unit_en} {m}" for m in moves),
                )
            )
    return tuple(out)


def share_jumps(
    at: _Positions, first: Sequence[int], now: Sequence[int]
) -> list[tuple[str, float, float]]:
    """Every vote unit whose share of the valid votes moved by more than
    :data:`SHARE_JUMP_POINTS` percentage points from ``first`` to ``now`` (label, share
    before, share after), in ballot order; a form with no valid votes has a share of 0
    for every unit."""
    out = []
    before, after = first[at.valid] or 1, now[at.valid] or 1  # no valid votes: every share 0
    for label, i in at.units:
        was, is_ = (first[i] if first[at.valid] else 0), (now[i] if now[at.valid] else 0)
        # |is_/after - was/before| > points/100, in whole numbers
        if 100 * abs(is_ * before - was * after) > SHARE_JUMP_POINTS * before * after:
            out.append((label, was / before, is_ / after))
    return out


__all__ = ["LEGISLATIVE_FLAG_IDS", "SHARE_JUMP_POINTS", "screen", "share_jumps"]
