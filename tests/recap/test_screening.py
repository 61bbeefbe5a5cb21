"""Screening flags: each raised exactly above its threshold, never removing a form."""

from __future__ import annotations

import random

from saksi.election.codes import NASIONAL
from saksi.election.forms import CHasilPPWP
from saksi.recap.fold import Recap
from saksi.recap.screening import FLAG_IDS, SCREENS, screen
from saksi.sim.tally import consistent_form
from tests.recap.factory import tiny


def form(**update: object) -> CHasilPPWP:
    return consistent_form(random.Random(7)).model_copy(update=update)


def flags(f: CHasilPPWP) -> list[str]:
    return [x.flag for x in screen(f)]


def test_a_realistic_form_raises_no_flag() -> None:
    for seed in range(200):
        assert screen(consistent_form(random.Random(seed))) == ()


def test_voters_above_300() -> None:
    assert "voters-above-300" not in flags(form(pengguna_total_j=300))
    (raised,) = [x for x in screen(form(pengguna_total_j=301)) if x.flag == "voters-above-300"]
    assert "301" in raised.message_en and "301" in raised.message_id


def test_votes_above_dpt_dptb_dpk() -> None:
    base = form(pemilih_dpt_j=200, pengguna_dptb_j=3, pengguna_non_dpt_j=2)
    assert "votes-above-eligible" not in flags(base.model_copy(update={"suara_total": 205}))
    assert "votes-above-eligible" in flags(base.model_copy(update={"suara_total": 206}))


def test_turnout_above_100() -> None:
    assert "turnout-above-100" not in flags(form(pemilih_dpt_j=200, pengguna_total_j=200))
    assert "turnout-above-100" in flags(form(pemilih_dpt_j=200, pengguna_total_j=201))
    assert "turnout-above-100" not in flags(form(pemilih_dpt_j=0, pengguna_total_j=0))


def test_pair_with_more_votes_than_voters() -> None:
    base = form(pengguna_total_j=150)
    votes = dict(base.suara_paslon)
    votes["02"] = 150
    assert "pair-above-voters" not in flags(base.model_copy(update={"suara_paslon": votes}))
    votes["02"] = 151
    raised = [x for x in screen(base.model_copy(update={"suara_paslon": votes}))]
    assert [x.flag for x in raised if x.flag == "pair-above-voters"] == ["pair-above-voters"]


def test_one_pair_at_100_percent_with_turnout_above_95() -> None:
    unanimous = {"01": 0, "02": 190, "03": 0}
    high = form(pemilih_dpt_j=200, pengguna_total_j=191, suara_paslon=unanimous)
    assert "unanimous-high-turnout" in flags(high)
    at_95 = form(pemilih_dpt_j=200, pengguna_total_j=190, suara_paslon=unanimous)
    assert "unanimous-high-turnout" not in flags(at_95)
    split = form(
        pemilih_dpt_j=200, pengguna_total_j=199, suara_paslon={"01": 1, "02": 189, "03": 0}
    )
    assert "unanimous-high-turnout" not in flags(split)


def test_every_flag_is_documented_with_its_threshold() -> None:
    assert len(set(FLAG_IDS)) == len(SCREENS) == 5
    for s in SCREENS:
        assert s.threshold and s.description_en and s.description_id


def test_a_flagged_form_stays_in_the_totals() -> None:
    book = tiny()
    tps = list(book.iter_tps())
    true = book.true_form(tps[0])
    votes = dict(true.suara_paslon)
    moved = votes["01"] + votes["03"]
    unanimous = true.model_copy(
        update={
            "suara_paslon": {"01": 0, "02": votes["02"] + moved, "03": 0},
            "pemilih_dpt_j": true.pengguna_total_j,
            "pemilih_dpt_l": true.pengguna_total_l,
            "pemilih_dpt_p": true.pengguna_total_p,
        }
    )
    book.c_hasil(tps[0], unanimous)
    recap = Recap.replay(book.hierarchy, book.entries)
    state = recap.tps(tps[0], "ppwp")
    assert state.counted and state.flagged
    assert "unanimous-high-turnout" in [f.flag for f in state.flags]
    assert recap.totals(NASIONAL, "ppwp").suara_paslon["02"] == votes["02"] + moved
    assert recap.counters(NASIONAL, "ppwp")["flagged"] == 1
