"""C.Hasil-DPR/DPRD and C.Hasil-DPD: the forms, their rules, misreads, across forms."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from saksi.election.contests import ContestKind
from saksi.election.legislative import Candidate, District, PartyList
from saksi.election.legislative_forms import (
    CROSS_FORM_RULES,
    DPD_RULES,
    PARTY_RULES,
    Ballot,
    CHasilDPD,
    CHasilPartai,
    check_ballot,
    check_form,
    check_reading,
    cross_form_violations,
    suspects,
    values_pass,
)
from saksi.election.rule_catalog import Severity
from saksi.election.rules import countable
from saksi.errors import ContestError
from saksi.sim.legislative_tally import (
    DPD_BALLOT,
    DPR_BALLOT,
    consistent_legislative_form,
    legislative_catch_table,
)
from saksi.sim.tally import misreads
from tests.conftest import ROOT

SMALL = Ballot(parties=(("1", (1, 2, 3)), ("3", (1, 2)), ("21", (1,))))


def form(ballot: Ballot = SMALL, seed: int = 1) -> CHasilPartai | CHasilDPD:
    return consistent_legislative_form(random.Random(seed), ballot)


def party_form(seed: int = 1) -> dict[str, Any]:
    data: dict[str, Any] = form(SMALL, seed).model_dump()
    return data


def rules_broken(data: dict[str, Any]) -> dict[str, str]:
    cls = CHasilPartai if "partai" in data else CHasilDPD
    return {v.rule: v.message_en for v in check_form(cls.model_validate(data))}


# ---- consistent forms break nothing --------------------------------------------------------


ballots = st.one_of(
    st.builds(
        lambda sizes: Ballot(
            parties=tuple((str(i + 1), tuple(range(1, n + 1))) for i, n in enumerate(sizes))
        ),
        st.lists(st.integers(1, 12), min_size=1, max_size=24),
    ),
    st.builds(lambda n: Ballot(candidates=tuple(range(1, n + 1))), st.integers(1, 40)),
)


@settings(max_examples=60)
@given(ballot=ballots, seed=st.integers(0, 2**32), dpt=st.integers(0, 300))
def test_a_consistent_form_breaks_no_rule(ballot: Ballot, seed: int, dpt: int) -> None:
    f = consistent_legislative_form(random.Random(seed), ballot, dpt=dpt)
    assert f.ballot == ballot
    assert check_form(f) == ()


# ---- each rule, with a worked example ------------------------------------------------------------


def test_b_is_a1_plus_the_candidates() -> None:
    data = party_form()
    data["partai"]["3"]["suara_caleg"]["2"] += 5
    broken = rules_broken(data)
    assert set(broken) == {"suara-sah-partai"}
    votes = data["partai"]["3"]
    a1, a2 = votes["suara_partai"], votes["suara_caleg"]
    expected = f"{a1}+{a2['1']}+{a2['2']}={a1 + a2['1'] + a2['2']}"
    assert broken["suara-sah-partai"] == (
        f"party 3 valid votes (B) {votes['suara_sah_partai']} != A.1 + sum of A.2 {expected}"
    )


def test_va_is_the_sum_of_the_parties_b() -> None:
    data = party_form()
    data["suara_sah"] += 1
    data["suara_tidak_sah"] -= 1  # V.C still V.A + V.B
    broken = rules_broken(data)
    assert "suara-sah-jumlah-partai" in broken
    assert "suara-sah-partai" not in broken


def test_no_party_and_no_candidate_above_the_voters() -> None:
    data = party_form()
    voters = data["pengguna_total_j"]
    data["partai"]["1"]["suara_caleg"]["1"] = voters + 1
    broken = rules_broken(data)
    assert "suara-caleg-maks-pengguna" in broken
    assert (
        f"votes for candidate 1.1 (A.2) = {voters + 1} > all who voted (J) {voters}"
        in (broken["suara-caleg-maks-pengguna"])
    )
    data = party_form()
    data["partai"]["1"]["suara_sah_partai"] = voters + 1
    assert "suara-partai-maks-pengguna" in rules_broken(data)


def test_dpd_va_is_the_sum_of_the_candidates_none_above_the_voters() -> None:
    data = form(DPD_BALLOT).model_dump()
    data["suara_calon"]["7"] += 2
    assert "suara-sah-jumlah-calon" in rules_broken(data)
    data = form(DPD_BALLOT).model_dump()
    data["suara_calon"]["7"] = data["pengguna_total_j"] + 1
    assert "suara-calon-maks-pengguna" in rules_broken(data)


def test_the_shared_rules_of_sections_i_ii_iii_and_v_hold_here_too() -> None:
    data = party_form()
    data["pemilih_dpt_j"] += 1
    assert "jumlah-lp-pemilih-dpt" in rules_broken(data)
    data = party_form()
    data["surat_suara_digunakan"] += 1
    assert "surat-suara-digunakan" in rules_broken(data)
    shared = {r.code for r in PARTY_RULES} & {r.code for r in DPD_RULES}
    assert {"kotak-3-digit", "suara-total", "surat-suara-diterima", "dpt-maks-300"} <= shared
    assert not any("paslon" in f for r in (*PARTY_RULES, *DPD_RULES) for f in r.lhs + r.rhs)


def test_valid_votes_above_dpt_102_are_only_suspicious() -> None:
    reading = dict(form().reading())
    reading["pemilih_dpt_j"] = 100
    found = [v for v in check_reading(reading, SMALL) if v.rule == "suara-sah-dpt-102"]
    assert found and found[0].severity is Severity.SUSPICIOUS


def test_a_misread_b_is_pinpointed_a_misread_candidate_narrowed_to_its_party() -> None:
    f = form()
    reading = dict(f.reading())
    reading["suara_sah_partai_3"] = int(f"9{reading['suara_sah_partai_3']}")
    found = check_reading(reading, SMALL)
    assert suspects(reading, found, SMALL) == ("suara_sah_partai_3",)
    reading = dict(f.reading())
    reading["suara_caleg_3_2"] = reading["suara_caleg_3_2"] + 1  # type: ignore[operator]
    found = check_reading(reading, SMALL)
    assert suspects(reading, found, SMALL) == (
        "suara_partai_3",
        "suara_caleg_3_1",
        "suara_caleg_3_2",
    )


# ---- misreads: every single-box misread is caught ------------------------------------------------


@settings(max_examples=25)
@given(ballot=ballots, seed=st.integers(0, 2**32), data=st.data())
def test_every_single_box_misread_is_impossible(
    ballot: Ballot, seed: int, data: st.DataObject
) -> None:
    f = consistent_legislative_form(random.Random(seed), ballot)
    reading = dict(f.reading())
    box = data.draw(st.sampled_from(ballot.fields()))
    original = reading[box]
    assert original is not None
    for misread in misreads(original):
        reading[box] = misread.value
        found = check_reading(reading, ballot)
        assert not countable(found), (box, original, misread)
        assert box in suspects(reading, found, ballot)


def test_the_misread_table_in_the_docs_is_the_measured_one() -> None:
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    match = re.search(
        r"<!-- catch-rate-legislative:begin -->\n(.*?)<!-- catch-rate-legislative:end -->",
        doc,
        re.S,
    )
    assert match, "docs/rules.md lacks the legislative misread table"
    assert match.group(1) == legislative_catch_table(), (
        "stale: run python -m saksi.sim.legislative_tally"
    )


# ---- the form carries exactly its dapil's ballot -------------------------------------------------


def dapil(lists: tuple[PartyList, ...] = (), candidates: tuple[Candidate, ...] = ()) -> District:
    return District(
        code="110101", name="X 1", seats=3, units=("1101",), lists=lists, candidates=candidates
    )


def people(*numbers: int) -> tuple[Candidate, ...]:
    return tuple(Candidate(number=n, name=f"Calon {n}") for n in numbers)


SMALL_DAPIL = dapil(
    lists=(
        PartyList(party="1", candidates=people(1, 2, 3)),
        PartyList(party="3", candidates=people(1, 2)),
        PartyList(party="21", candidates=people(1)),
    )
)


def test_a_form_of_the_dapils_ballot_is_accepted() -> None:
    check_ballot(form(), SMALL_DAPIL, ContestKind.DPRD_KABKOTA)
    assert Ballot.of(SMALL_DAPIL) == SMALL


def test_a_form_with_another_party_is_refused() -> None:
    data = party_form()
    data["partai"]["5"] = data["partai"].pop("21")
    with pytest.raises(ContestError) as info:
        check_ballot(CHasilPartai.model_validate(data), SMALL_DAPIL, ContestKind.DPRD_KABKOTA)
    assert info.value.code == "contest.parties-mismatch"
    assert info.value.details["expected"] == ["1", "3", "21"]
    assert info.value.details["got"] == ["1", "3", "5"]


def test_a_form_with_another_candidate_is_refused() -> None:
    data = party_form()
    data["partai"]["3"]["suara_caleg"]["4"] = 0
    with pytest.raises(ContestError) as info:
        check_ballot(CHasilPartai.model_validate(data), SMALL_DAPIL, ContestKind.DPRD_KABKOTA)
    assert info.value.code == "contest.candidates-mismatch"
    assert info.value.details["party"] == "3"
    assert info.value.details["got"] == [1, 2, 4]


def test_a_dpd_form_with_a_missing_candidate_is_refused() -> None:
    district = dapil(candidates=people(*range(1, 19)))
    data = form(DPD_BALLOT).model_dump()
    check_ballot(CHasilDPD.model_validate(data), district, ContestKind.DPD)
    del data["suara_calon"]["18"]
    with pytest.raises(ContestError) as info:
        check_ballot(CHasilDPD.model_validate(data), district, ContestKind.DPD)
    assert info.value.code == "contest.candidates-mismatch"


@settings(max_examples=60, deadline=None)
@given(
    drop=st.sets(st.sampled_from(["1", "3", "21"])),
    extra=st.sets(st.tuples(st.sampled_from(["1", "3", "21", "5"]), st.integers(1, 4))),
    dpd=st.booleans(),
)
def test_a_ballots_fast_check_says_what_comparing_the_ballots_says(
    drop: set[str], extra: set[tuple[str, int]], dpd: bool
) -> None:
    """check_ballot answers the common case from the form's keys: the same answer as
    ``Ballot.of(district) == form.ballot``, refusing exactly the same forms."""
    data = party_form()
    for party in drop:
        data["partai"].pop(party)
    for party, number in extra:
        votes = data["partai"].setdefault(
            party, {"suara_partai": 0, "suara_caleg": {}, "suara_sah_partai": 0}
        )
        votes["suara_caleg"][str(number)] = 0
    if not data["partai"]:
        return
    district = dapil(candidates=people(1, 2, 3)) if dpd else SMALL_DAPIL
    submitted = CHasilPartai.model_validate(data)
    same = Ballot.of(district) == submitted.ballot
    if same:
        check_ballot(submitted, district, ContestKind.DPRD_KABKOTA)
    else:
        with pytest.raises(ContestError):
            check_ballot(submitted, district, ContestKind.DPRD_KABKOTA)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("partai", "01"), None),  # a party number with a leading zero
        (("partai", "1", "suara_caleg", "01"), 3),  # a candidate number with a leading zero
        (("partai", "1", "suara_sah_partai"), 1000),  # four digits
        (("partai", "1", "suara_partai"), "3"),  # text, not a number
        (("partai", "1", "jumlah"), 3),  # a box the form does not have
    ],
)
def test_the_wire_model_is_strict(path: tuple[str, ...], value: Any) -> None:
    data = party_form()
    target = data
    for key in path[:-1]:
        target = target[key]
    if path == ("partai", "01"):
        data["partai"]["01"] = data["partai"].pop("1")
    else:
        target[path[-1]] = value
    with pytest.raises(ValidationError):
        CHasilPartai.model_validate(data)


# ---- across the forms of one TPS ----------------------------------------------------------------


def five_readings(seed: int = 3) -> dict[ContestKind, dict[str, int | None]]:
    base = dict(form(SMALL, seed).reading())
    return {kind: dict(base) for kind in ContestKind}


def test_forms_of_one_tps_that_agree_break_no_cross_form_rule() -> None:
    assert cross_form_violations(five_readings()) == ()


def test_a_different_dpt_on_one_form_is_impossible() -> None:
    readings = five_readings()
    readings[ContestKind.DPD]["pemilih_dpt_l"] = readings[ContestKind.DPD]["pemilih_dpt_l"] + 1  # type: ignore[operator]
    found = cross_form_violations(readings)
    assert {v.rule for v in found} == {"dpt-sama-l"}
    assert all(v.severity is Severity.IMPOSSIBLE for v in found)
    assert len(found) == 4  # DPD against each of the other four forms
    assert ("ppwp.pemilih_dpt_l", "dpd.pemilih_dpt_l") in [v.fields for v in found]


def test_fewer_dptb_voters_on_a_legislative_ballot_is_normal_more_is_suspicious() -> None:
    readings = five_readings()
    ppwp = readings[ContestKind.PPWP]["pengguna_dptb_j"]
    assert ppwp is not None
    readings[ContestKind.DPRD_PROV]["pengguna_dptb_j"] = max(0, ppwp - 1)
    assert not [v for v in cross_form_violations(readings) if v.rule == "pengguna-dptb-maks-ppwp"]
    readings[ContestKind.DPRD_PROV]["pengguna_dptb_j"] = ppwp + 1
    found = [v for v in cross_form_violations(readings) if v.rule == "pengguna-dptb-maks-ppwp"]
    assert len(found) == 1 and found[0].severity is Severity.SUSPICIOUS


def test_every_cross_form_rule_says_why() -> None:
    for rule in CROSS_FORM_RULES:
        assert rule.why[0] and rule.why[1]


def test_dpr_ballot_is_2024_sized() -> None:
    assert len(DPR_BALLOT.parties) == 18


# ---- the fast path agrees with the reference path ---------------------------------------------


@settings(max_examples=40)
@given(ballot=ballots, seed=st.integers(0, 2**32), data=st.data())
def test_values_pass_is_true_exactly_when_no_rule_breaks(
    ballot: Ballot, seed: int, data: st.DataObject
) -> None:
    f = consistent_legislative_form(random.Random(seed), ballot)
    reading = dict(f.reading())
    assert tuple(reading) == ballot.fields()
    predicate = values_pass(ballot)
    assert predicate(tuple(reading.values()))
    box = data.draw(st.sampled_from(ballot.fields()))
    reading[box] = data.draw(st.integers(0, 999))
    assert predicate(tuple(reading.values())) == (check_reading(reading, ballot) == ())
