"""The rules' fast path (:func:`values_pass`, :func:`check_values`) against the reference
path (:func:`check_reading`, :func:`check_form`): the same answer for every reading."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.election.forms import CHasilPPWP, form_fields
from saksi.election.rules import check_form, check_reading, check_values, values_pass
from saksi.recap.totals import Layout
from saksi.sim.tally import consistent_form

PAIR_SETS = (("01", "02", "03"), ("01", "02"), ("01",), ("01", "02", "03", "04", "05"))


def _near_consistent(rng: random.Random, pairs: tuple[str, ...]) -> list[int]:
    """A consistent form's values, then up to three boxes nudged: rules just kept or
    just broken, which is where a fast path and the reference could disagree."""
    values = list(Layout(pairs).values(consistent_form(rng, pairs=pairs)))
    for _ in range(rng.randrange(4)):
        i = rng.randrange(len(values))
        values[i] += rng.choice((-1000, -2, -1, 1, 2, 700))
    return values


@settings(max_examples=400, deadline=None)
@given(pairs=st.sampled_from(PAIR_SETS), seed=st.integers(0, 2**32))
def test_fast_predicate_passes_exactly_the_readings_the_rules_pass(
    pairs: tuple[str, ...], seed: int
) -> None:
    values = _near_consistent(random.Random(seed), pairs)
    reading = dict(zip(form_fields(pairs), values, strict=True))
    assert values_pass(pairs)(values) == (check_reading(reading, pairs) == ())


@settings(max_examples=200, deadline=None)
@given(
    pairs=st.sampled_from(PAIR_SETS),
    values=st.lists(st.integers(-3, 1100), min_size=35, max_size=35),
)
def test_fast_predicate_on_arbitrary_numbers(pairs: tuple[str, ...], values: list[int]) -> None:
    fields = form_fields(pairs)
    mine = values[: len(fields)]
    reading = dict(zip(fields, mine, strict=True))
    assert values_pass(pairs)(mine) == (check_reading(reading, pairs) == ())


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32), box=st.integers(0, 27), delta=st.sampled_from((-1, 1, 5)))
def test_check_values_gives_the_reference_violations(seed: int, box: int, delta: int) -> None:
    pairs = ("01", "02", "03")
    form = consistent_form(random.Random(seed))
    name = form_fields(pairs)[box]
    if name.startswith("suara_paslon_"):
        paslon = dict(form.suara_paslon)
        paslon[name[-2:]] = max(0, min(999, paslon[name[-2:]] + delta))
        form = form.model_copy(update={"suara_paslon": paslon})
    else:
        form = form.model_copy(update={name: max(0, min(999, getattr(form, name) + delta))})
    values = Layout(pairs).values(form)
    assert check_values(form, values, pairs) == check_form(form)


def test_check_values_falls_back_when_the_form_has_other_pairs() -> None:
    form = consistent_form(random.Random(1), pairs=("01", "02"))
    layout = Layout(("01", "02", "03"))  # the contest's pairs, not the form's
    found = check_values(form, layout.values(form), layout.pairs)
    assert found == check_form(form) == ()
    assert isinstance(form, CHasilPPWP)
