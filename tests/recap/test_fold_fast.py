"""The fold's fast paths give the reference answers: the screening filter never hides
a flag, and a replay with reading workers equals the replay in one process."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.election.forms import CHasilPPWP
from saksi.errors import RecapError
from saksi.recap import fold, screening
from saksi.recap.fold import Recap, _screen_filter
from saksi.recap.screening import screen
from saksi.recap.totals import Layout
from saksi.sim.tally import consistent_form
from tests.recap.factory import broken, grown, shifted, tiny

CONTEST = "ppwp"
LAYOUT = Layout(("01", "02", "03"))
MAY_FLAG = _screen_filter(LAYOUT)


@settings(max_examples=300, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    dpt=st.one_of(st.none(), st.integers(0, 300)),
    changes=st.dictionaries(
        st.sampled_from(
            (
                "pengguna_total_j",
                "suara_total",
                "pemilih_dpt_j",
                "pengguna_dptb_j",
                "pengguna_non_dpt_j",
                "p01",
                "p02",
                "p03",
            )
        ),
        st.integers(0, 999),
        max_size=4,
    ),
)
def test_the_screening_filter_never_hides_a_flag(
    seed: int, dpt: int | None, changes: dict[str, int]
) -> None:
    form: CHasilPPWP = consistent_form(random.Random(seed), dpt=dpt)
    paslon = dict(form.suara_paslon)
    update: dict[str, object] = {}
    for name, value in changes.items():
        if name.startswith("p"):
            paslon[name[1:]] = value
        else:
            update[name] = value
    form = form.model_copy(update={**update, "suara_paslon": paslon})
    assert MAY_FLAG(form, LAYOUT.values(form)) == bool(screen(form))


def _form(**update: object) -> CHasilPPWP:
    base: CHasilPPWP = consistent_form(random.Random(3), dpt=200)
    return base.model_copy(update=update)


UNANIMOUS = {"01": 150, "02": 0, "03": 0}
BOUNDARIES = [  # each threshold, at it and one past it
    {"pengguna_total_j": 300},
    {"pengguna_total_j": 301},
    {"pemilih_dpt_j": 200, "pengguna_dptb_j": 0, "pengguna_non_dpt_j": 0, "suara_total": 200},
    {"pemilih_dpt_j": 200, "pengguna_dptb_j": 0, "pengguna_non_dpt_j": 0, "suara_total": 201},
    {"pemilih_dpt_j": 200, "pengguna_total_j": 200},
    {"pemilih_dpt_j": 200, "pengguna_total_j": 201},
    {"pemilih_dpt_j": 0, "pengguna_total_j": 201},
    {"pengguna_total_j": 150, "suara_paslon": {"01": 150, "02": 0, "03": 0}},
    {"pengguna_total_j": 150, "suara_paslon": {"01": 151, "02": 0, "03": 0}},
    {"pemilih_dpt_j": 200, "pengguna_total_j": 190, "suara_paslon": UNANIMOUS},
    {"pemilih_dpt_j": 200, "pengguna_total_j": 191, "suara_paslon": UNANIMOUS},
    {"pemilih_dpt_j": 200, "pengguna_total_j": 191, "suara_paslon": {"01": 0, "02": 0, "03": 0}},
    {"pemilih_dpt_j": 200, "pengguna_total_j": 191, "suara_paslon": {"01": 149, "02": 1, "03": 0}},
]


@pytest.mark.parametrize("update", BOUNDARIES)
def test_the_screening_filter_says_what_the_screening_table_says(update: dict[str, object]) -> None:
    form = _form(**update)
    assert MAY_FLAG(form, LAYOUT.values(form)) == bool(screen(form))


def test_the_screening_filter_follows_a_changed_or_added_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The filter is read from the table: a new threshold or a new flag needs no edit
    of the fold."""
    form = _form(pemilih_dpt_j=200, pengguna_total_j=150)
    assert screen(form) == ()
    assert not _screen_filter(LAYOUT)(form, LAYOUT.values(form))
    first, *rest = screening.SCREENS
    stricter = dataclasses.replace(first, raised=lambda c: c.voters > 100)
    monkeypatch.setattr(screening, "SCREENS", (stricter, *rest))
    assert _screen_filter(LAYOUT)(form, LAYOUT.values(form))
    assert [f.flag for f in screen(form)] == ["voters-above-300"]
    extra = dataclasses.replace(
        first, flag="new-flag", raised=lambda c: c.eligible == 200, message=lambda f, c: ("x", "y")
    )
    monkeypatch.setattr(screening, "SCREENS", (*rest, extra))
    assert _screen_filter(LAYOUT)(form, LAYOUT.values(form)) == (
        form.pengguna_dptb_j == 0 == form.pengguna_non_dpt_j
    )


def test_a_replay_with_reading_workers_equals_the_replay_in_one_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fold, "_CHUNK", 7)  # many chunks: some read here, some there
    book = tiny(tps_per_desa=3)
    tps = list(book.iter_tps())
    for i, code in enumerate(tps):
        true = book.true_form(code)
        book.c_hasil(code, broken(true) if i % 5 == 0 else true)
    for code in tps[::3]:
        book.c_salinan(code, "1", shifted(book.true_form(code), 2))
        book.c_salinan(code, "2")
    for code in tps[::4]:
        book.correction(code, grown(book.true_form(code), 3))
    book.entries.append(b'{"not": "an entry"}')
    alone = Recap.replay(book.hierarchy, book.entries[:-1])
    pooled = Recap.replay(book.hierarchy, book.entries[:-1], workers=2)
    assert pooled.size == alone.size == len(book.entries) - 1
    assert pooled.region_vectors(CONTEST) == alone.region_vectors(CONTEST)
    assert list(pooled.logged_tps(CONTEST)) == list(alone.logged_tps(CONTEST))
    assert pooled.take_touched() == alone.take_touched()
    verified = Recap.replay(book.hierarchy, book.entries[:-1], verify=True, workers=2)
    assert verified.region_vectors(CONTEST) == alone.region_vectors(CONTEST)

    with pytest.raises(RecapError) as one:
        Recap.replay(book.hierarchy, book.entries)
    with pytest.raises(RecapError) as two:
        Recap.replay(book.hierarchy, book.entries, workers=2)
    assert (one.value.code, one.value.details) == (two.value.code, two.value.details)
