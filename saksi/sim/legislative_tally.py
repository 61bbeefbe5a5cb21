"""Consistent legislative forms, and what their rules do against misreads.

:func:`consistent_legislative_form` draws a C.Hasil-DPR/DPRD (parties and candidates)
or C.Hasil-DPD that breaks no rule of :mod:`saksi.election.legislative_forms`, the
suspicious ones included: sections I-III and V as :func:`saksi.sim.tally.consistent_form`
draws them, the valid votes shared among the parties (each party's B split between its
own A.1 and its candidates' A.2, the first on the list usually ahead) or among the DPD
candidates.

:func:`legislative_catch_table` is the table of docs/rules.md for these forms: every
single-box misread (:func:`saksi.sim.tally.misreads`) of every box of a fixed sample,
grouped by kind of box. ``python -m saksi.sim.legislative_tally`` prints it.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from typing import Final

from saksi.election.legislative_forms import (
    Ballot,
    CHasilDPD,
    CHasilPartai,
    check_reading,
    suspects,
)
from saksi.election.rules import countable
from saksi.sim.tally import MISREAD_KINDS, BoxCatch, consistent_form, misreads

LegislativeForm = CHasilPartai | CHasilDPD

SAMPLE_SEED: Final = 2024
SAMPLE_FORMS: Final = 8
DPR_BALLOT: Final = Ballot(parties=tuple((str(p), tuple(range(1, 9))) for p in (*range(1, 18), 24)))
"""A DPR ballot of 2024's size: the 18 national parties, eight candidates each."""
DPD_BALLOT: Final = Ballot(candidates=tuple(range(1, 19)))
"""A DPD ballot of 2024's average size: 18 candidates (668 in 38 provinces)."""


def _split(rng: random.Random, total: int, n: int, lead: float) -> list[int]:
    """``total`` into ``n`` parts, the first ones ahead by ``lead`` (sums to ``total``)."""
    weights = [rng.uniform(0.2, 1.0) * lead ** (n - i) for i in range(n)]
    scale = total / (sum(weights) or 1.0)
    counts = [int(w * scale) for w in weights]
    for i in sorted(range(n), key=lambda i: counts[i] - weights[i] * scale)[: total - sum(counts)]:
        counts[i] += 1
    return counts


def consistent_legislative_form(
    rng: random.Random, ballot: Ballot, *, dpt: int | None = None
) -> LegislativeForm:
    """A realistic form for ``ballot`` that breaks no rule of its form."""
    base = consistent_form(rng, dpt=dpt, pairs=("01",)).model_dump(exclude={"suara_paslon", "foto"})
    valid = base["suara_sah"]
    if ballot.candidates:
        votes = _split(rng, valid, len(ballot.candidates), 1.15)
        calon = {str(n): v for n, v in zip(ballot.candidates, votes, strict=True)}
        return CHasilDPD(**base, suara_calon=calon)
    shares = _split(rng, valid, len(ballot.parties), 1.0)
    partai = {}
    for (party, numbers), b in zip(ballot.parties, shares, strict=True):
        own = min(b, round(b * rng.uniform(0.1, 0.35)))
        people = _split(rng, b - own, len(numbers), 1.3)
        partai[party] = {
            "suara_partai": own,
            "suara_caleg": {str(n): v for n, v in zip(numbers, people, strict=True)},
            "suara_sah_partai": b,
        }
    return CHasilPartai.model_validate({**base, "partai": partai})


def sample_forms(
    ballot: Ballot, n: int = SAMPLE_FORMS, seed: int = SAMPLE_SEED
) -> list[LegislativeForm]:
    rng = random.Random(f"{seed}:{len(ballot.parties)}:{len(ballot.candidates)}")
    return [consistent_legislative_form(rng, ballot) for _ in range(n)]


def box_group(box: str) -> str:
    """The row a box counts in: a party's or candidate's boxes as one kind."""
    for prefix in ("suara_sah_partai_", "suara_partai_", "suara_caleg_", "suara_calon_"):
        if box.startswith(prefix):
            return f"{prefix}*"
    return box


def catch_rate(forms: Sequence[LegislativeForm]) -> tuple[BoxCatch, ...]:
    """Every misread of every box of every form, grouped by :func:`box_group`."""
    counts: dict[tuple[str, str], list[int]] = {}
    for form in forms:
        ballot = form.ballot
        reading: dict[str, int | None] = dict(form.reading())
        for box in ballot.fields():
            original = reading[box]
            assert original is not None
            for misread in misreads(original):
                reading[box] = misread.value
                found = check_reading(reading, ballot)
                tally = counts.setdefault((box_group(box), misread.kind), [0, 0, 0, 0])
                tally[0] += 1
                tally[1] += not countable(found)
                tally[2] += bool(found)
                tally[3] += suspects(reading, found, ballot) == (box,)
            reading[box] = original
    return tuple(BoxCatch(box, kind, *c) for (box, kind), c in counts.items())


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def format_table(entries: Sequence[BoxCatch]) -> str:
    lines = [
        "| box | misreads tried | caught (impossible) | flagged (any rule) "
        "| pinpointed: substitute | pinpointed: add | pinpointed: drop |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    boxes = list(dict.fromkeys(e.box for e in entries))
    for name in [*boxes, "**all boxes**"]:
        mine = [e for e in entries if name in ("**all boxes**", e.box)]
        total = sum(mine, BoxCatch("*", "*"))
        kinds = {k: sum((e for e in mine if e.kind == k), BoxCatch("*", k)) for k in MISREAD_KINDS}
        per_kind = " | ".join(_pct(kinds[k].pinpointed, kinds[k].tried) for k in MISREAD_KINDS)
        shown = name if name.startswith("**") else f"`{name}`"
        lines.append(
            f"| {shown} | {total.tried} | {_pct(total.impossible, total.tried)} "
            f"| {_pct(total.flagged, total.tried)} | {per_kind} |"
        )
    return "\n".join(lines) + "\n"


def legislative_catch_table() -> str:
    """Both tables of docs/rules.md: a DPR-sized party form, then a DPD form."""
    party = format_table(catch_rate(sample_forms(DPR_BALLOT)))
    dpd = format_table(catch_rate(sample_forms(DPD_BALLOT)))
    return (
        f"C.Hasil-DPR / DPRD (18 parties, 8 candidates each):\n\n{party}\n"
        f"C.Hasil-DPD (18 candidates):\n\n{dpd}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m saksi.sim.legislative_tally",
        description="The misread table of the legislative forms (docs/rules.md).",
    )
    parser.parse_args(argv)
    sys.stdout.write(legislative_catch_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
