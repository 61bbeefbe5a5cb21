"""The misread property: every single-box OCR misread of a consistent form is caught.

Misread kinds (saksi.sim.tally.misreads): a digit swapped for one it is confused with
(3<->8, 2<->7, 1<->7, 5<->6, 0<->8, 4<->9, 6<->8), a digit added anywhere, a digit
dropped. Every box of Model C.Hasil-PPWP appears, once, in at least one equality the
form states (J = L + P, B.4 = B.1 + B.2 + B.3, II.1 = II.2 + II.3 + II.4, II.2 = V.C,
V.A = sum of IV, V.C = V.A + V.B), so *any* change of one box's value breaks an
impossible rule. These tests check that claim exhaustively on a fixed sample and at
random, and that docs/rules.md carries the measured table.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.election.forms import form_fields
from saksi.election.rule_catalog import RULES, Kind, Severity
from saksi.election.rules import check_reading, countable, suspects
from saksi.sim.tally import (
    CONFUSIONS,
    SIREKAP_HIDDEN,
    BoxCatch,
    catch_rate,
    consistent_form,
    format_catch_table,
    misreads,
    sample_forms,
)
from tests.conftest import ROOT

PAIRS = ("01", "02", "03")


def _values(value: int, kind: str) -> set[int]:
    return {m.value for m in misreads(value) if m.kind == kind}


def test_misreads_of_58() -> None:
    # 5<->6 and 8<->3, 8<->0, 8<->6
    assert _values(58, "substitute") == {68, 53, 50, 56}
    added = _values(58, "add")
    assert {158, 958, 548, 588, 580, 589} <= added
    assert 58 not in added  # "058" is no misread
    assert len(added) == 9 + 10 + 10 - 2  # d58 (d != 0), 5d8, 58d; 558 twice, 588 twice
    assert _values(58, "drop") == {5, 8}


def test_misreads_of_edge_values() -> None:
    assert _values(0, "drop") == set()  # an empty box reads as 0 again
    assert _values(7, "drop") == {0}
    assert _values(0, "substitute") == {8}
    assert _values(0, "add") == set(range(1, 10)) | {10, 20, 30, 40, 50, 60, 70, 80, 90}
    assert _values(999, "add") >= {1999, 9999, 9099}
    assert _values(100, "substitute") == {700, 180, 108}
    # 3->8; 8->3, 8->0, 8->6; 0->8
    assert _values(380, "substitute") == {880, 330, 300, 360, 388}


def test_confusions_are_digit_pairs() -> None:
    for a, b in CONFUSIONS:
        assert a != b and a.isdigit() and b.isdigit()
    assert ("3", "8") in CONFUSIONS and ("2", "7") in CONFUSIONS  # as KPU reported


# --- the property, exhaustively on the documented sample -----------------------------


@pytest.fixture(scope="module")
def measured() -> tuple[tuple[BoxCatch, ...], tuple[BoxCatch, ...]]:
    forms = sample_forms()
    return catch_rate(forms), catch_rate(forms, SIREKAP_HIDDEN)


def test_every_misread_of_every_box_is_impossible(
    measured: tuple[tuple[BoxCatch, ...], tuple[BoxCatch, ...]],
) -> None:
    full, sirekap = measured
    assert {c.box for c in full} == set(form_fields(PAIRS))
    assert {c.box for c in sirekap} == set(form_fields(PAIRS)) - set(SIREKAP_HIDDEN)
    for c in (*full, *sirekap):
        assert c.tried > 0
        assert c.impossible == c.tried, f"{c.box}/{c.kind}: {c.impossible}/{c.tried} caught"


def test_every_box_is_in_a_stated_equality() -> None:
    # the reason the property holds: each box appears once in some impossible equality,
    # and still does in the subset KPU publishes (sections I, IV, V)
    for hidden in ((), SIREKAP_HIDDEN):
        boxes = set(form_fields(PAIRS)) - set(hidden)
        covered: set[str] = set()
        for rule in RULES:
            if rule.kind is Kind.SUM_EQ and rule.severity is Severity.IMPOSSIBLE:
                fields = rule.fields(PAIRS)
                if not set(fields) & set(hidden):
                    assert len(fields) == len(set(fields))
                    covered |= set(fields)
        assert boxes <= covered


def test_docs_carry_the_measured_table(
    measured: tuple[tuple[BoxCatch, ...], tuple[BoxCatch, ...]],
) -> None:
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- catch-rate:begin -->\n(.*?)<!-- catch-rate:end -->", doc, re.S)
    assert found, "docs/rules.md lacks the catch-rate markers"
    assert found.group(1) == format_catch_table(*measured), (
        "docs/rules.md's table is stale: regenerate it with python -m saksi.sim.tally --catch-rate"
    )


# --- the property, at random -----------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    dpt=st.integers(0, 300),
    box=st.integers(0, 27),
    pick=st.integers(0, 10_000),
    hide_ii_iii=st.booleans(),
)
def test_a_random_misread_is_caught_and_its_box_suspected(
    seed: int, dpt: int, box: int, pick: int, hide_ii_iii: bool
) -> None:
    form = consistent_form(random.Random(seed), dpt=dpt)
    reading = dict(form.reading())
    name = form_fields(PAIRS)[box]
    if hide_ii_iii:
        if name in SIREKAP_HIDDEN:
            return
        reading |= dict.fromkeys(SIREKAP_HIDDEN)
    original = reading[name]
    assert original is not None
    options = misreads(original)
    reading[name] = options[pick % len(options)].value
    found = check_reading(reading)
    assert not countable(found)
    assert name in suspects(reading, found)
