"""The legislative contests file: model, placement of every TPS, the synthetic default."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from saksi.election.codes import Level
from saksi.election.contests import PARTIES_2024, ContestKind
from saksi.election.legislative import (
    ACEH_DPRD_MAX_SEATS,
    SEATS,
    Contests,
    votes_in,
)
from saksi.election.regions import Hierarchy
from saksi.election.synthetic import synthetic_hierarchy
from saksi.election.synthetic_contests import DPR_SEATS, synthetic_contests
from saksi.errors import ContestError, InputError, SaksiError


@pytest.fixture(scope="module")
def small() -> Hierarchy:
    return synthetic_hierarchy(scale=0.01)


@pytest.fixture(scope="module")
def contests(small: Hierarchy) -> Contests:
    return synthetic_contests(small)


def wire(contests: Contests) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(contests.canonical_bytes())
    return data


# ---- who votes in what (the law) ----------------------------------------------------


def test_five_ballots_everywhere_four_in_jakarta_two_overseas() -> None:
    legislative = [
        ContestKind.DPR,
        ContestKind.DPD,
        ContestKind.DPRD_PROV,
        ContestKind.DPRD_KABKOTA,
    ]
    assert [votes_in(k, "3273011001001") for k in legislative] == [True] * 4
    assert [votes_in(k, "3171011001001") for k in legislative] == [True, True, True, False]
    assert [votes_in(k, "9901011001001") for k in legislative] == [True, False, False, False]
    assert votes_in(ContestKind.PPWP, "9901011001001")


# ---- the synthetic default ---------------------------------------------------------------


def test_every_tps_is_in_exactly_one_dapil_of_each_contest_it_votes_in(
    small: Hierarchy, contests: Contests
) -> None:
    placement = contests.place(small)
    assert placement.complete, placement.unplaced[:5]
    total = small.tps_count()
    overseas = small.tps_count("99")
    jakarta = small.tps_count("31")
    assert placement.placed == {
        "dpr": total,
        "dpd": total - overseas,
        "dprd-prov": total - overseas,
        "dprd-kabkota": total - overseas - jakarta,
    }


def test_every_tps_gets_its_ballots(small: Hierarchy, contests: Contests) -> None:
    for tps in small.iter_tps():
        ballots = contests.ballots(tps)
        assert set(ballots) == {k for k in ballots if votes_in(k, tps)}
        expected = {k for k in (ContestKind.DPR, ContestKind.DPD, ContestKind.DPRD_PROV,
                                ContestKind.DPRD_KABKOTA) if votes_in(k, tps)}  # fmt: skip
        assert set(ballots) == expected, tps


def test_overseas_tps_vote_in_the_jakarta_dapil_that_holds_them(
    small: Hierarchy, contests: Contests
) -> None:
    overseas = next(small.iter_tps("99"))
    dapil = contests.district_of(ContestKind.DPR, overseas)
    assert dapil.code.startswith("31")
    assert "99" in dapil.units
    assert contests.ballots(overseas) == {ContestKind.DPR: dapil.code}


def test_seats_per_dapil_are_within_the_law(contests: Contests) -> None:
    for c in contests.contests:
        lo, hi = SEATS[c.kind]
        for d in c.districts:
            assert lo <= d.seats <= hi, (c.kind, d.code, d.seats)
            for plist in d.lists:
                assert 1 <= len(plist.candidates) <= d.seats


def test_at_national_scale_the_bodies_have_the_laws_size() -> None:
    hierarchy = synthetic_hierarchy(scale=1.0)
    built = synthetic_contests(hierarchy)
    sizes = {kind: (dapil, seats) for kind, dapil, seats, _ in built.summary()}
    assert sizes["dpr"][1] == DPR_SEATS  # 580, as in 2024
    assert sizes["dpd"] == (38, 152)  # four per province
    assert 2_000 <= sizes["dprd-prov"][1] <= 2_700  # 2,372 in 2024
    assert 15_000 <= sizes["dprd-kabkota"][1] <= 20_000  # 17,628 in 2024
    for prov in hierarchy.codes(Level.PROVINSI):
        if prov == "99":
            continue
        seats = sum(
            d.seats for d in built.contest(ContestKind.DPRD_PROV).districts if d.code[:2] == prov
        )
        assert 35 <= seats <= 120, prov  # Law 7/2017 art. 188


def test_parties_are_the_real_24_and_local_parties_stand_only_in_acehs_dprd(
    contests: Contests,
) -> None:
    assert contests.parties == PARTIES_2024
    local = {p.number for p in PARTIES_2024 if p.local}
    assert local == {"18", "19", "20", "21", "22", "23"}
    seen_local = False
    for c in contests.contests:
        for d in c.districts:
            for plist in d.lists:
                if plist.party in local:
                    seen_local = True
                    assert c.kind in (ContestKind.DPRD_PROV, ContestKind.DPRD_KABKOTA)
                    assert all(u.startswith("11") for u in d.units)
    assert seen_local


def test_the_same_hierarchy_and_seed_give_the_same_bytes(
    small: Hierarchy, contests: Contests
) -> None:
    again = synthetic_contests(synthetic_hierarchy(scale=0.01))
    assert again.canonical_bytes() == contests.canonical_bytes()
    other = synthetic_contests(small, seed=7)
    assert other.digest() != contests.digest()


def test_a_tiny_hierarchy_still_has_a_dapil_for_every_tps() -> None:
    tiny = synthetic_hierarchy(scale=0.0001)
    built = synthetic_contests(tiny)
    assert built.place(tiny).complete


# ---- the file -------------------------------------------------------------------------


def test_save_load_round_trip_and_the_digest_is_of_the_canonical_bytes(
    tmp_path: Path, contests: Contests
) -> None:
    for name in ("contests.json", "contests.json.gz"):
        digest = contests.save(tmp_path / name)
        assert digest == contests.digest()
        back = Contests.load(tmp_path / name, digest=digest)
        assert back.canonical_bytes() == contests.canonical_bytes()
    raw = gzip.decompress((tmp_path / "contests.json.gz").read_bytes())
    assert raw == contests.canonical_bytes()


def test_a_file_with_other_bytes_than_the_manifest_names_is_refused(
    tmp_path: Path, contests: Contests
) -> None:
    path = tmp_path / "contests.json"
    digest = contests.save(path)
    data = wire(contests)
    data["parties"][0]["name"] = "Partai Lain"
    path.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    with pytest.raises(InputError) as info:
        Contests.load(path, digest=digest)
    assert info.value.code == "input.contests-digest"
    assert info.value.details["expected"] == digest


def test_a_file_not_in_canonical_form_is_refused_when_named_by_digest(
    tmp_path: Path, contests: Contests
) -> None:
    import hashlib

    path = tmp_path / "contests.json"
    text = json.dumps(wire(contests), indent=1).encode()
    path.write_bytes(text)
    with pytest.raises(InputError) as info:
        Contests.load(path, digest=hashlib.sha256(text).hexdigest())
    assert info.value.code == "input.contests-not-canonical"
    assert Contests.load(path).digest() == contests.digest()  # read without a digest: fine


def test_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"format": "saksi-regions/1"}', encoding="utf-8")
    with pytest.raises(InputError) as info:
        Contests.load(path)
    assert info.value.code == "input.contests-format"


# ---- what the model refuses, each with its reason ------------------------------------------


def refused(data: dict[str, Any]) -> SaksiError:
    with pytest.raises(SaksiError) as info:
        Contests.from_wire(data)
    return info.value


def first_dapil(data: dict[str, Any], kind: str) -> dict[str, Any]:
    contest = next(c for c in data["contests"] if c["kind"] == kind)
    return contest["districts"][0]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("change", "code", "text"),
    [
        (lambda d: first_dapil(d, "dpr").update(seats=11), "input.schema", "the law allows 3-10"),
        (lambda d: first_dapil(d, "dpd").update(seats=5), "input.schema", "the law allows 4-4"),
        (
            lambda d: first_dapil(d, "dpr")["lists"][0].update(party="99"),
            "input.schema",
            "party 99 is not in parties",
        ),
        (
            lambda d: first_dapil(d, "dpr")["lists"].append(first_dapil(d, "dpr")["lists"][0]),
            "input.schema",
            "a party is listed twice",
        ),
        (
            lambda d: first_dapil(d, "dpr")["lists"][0]["candidates"].reverse(),
            "input.schema",
            "candidate numbers must rise",
        ),
        (
            lambda d: first_dapil(d, "dpd").update(lists=first_dapil(d, "dpr")["lists"]),
            "input.schema",
            "candidates, and no party lists",
        ),
        (
            lambda d: first_dapil(d, "dpr")["lists"][0].update(party="21"),
            "input.schema",
            "local party of Aceh",
        ),
        (
            lambda d: first_dapil(d, "dpr")["units"].append("99"),
            "contest.unit-twice",
            "unit 99 is in dapil",
        ),
    ],
    ids=[
        "dpr-seats",
        "dpd-seats",
        "unknown-party",
        "party-twice",
        "numbers",
        "dpd-lists",
        "local-party-on-dpr",
        "unit-twice",
    ],
)
def test_refusals(contests: Contests, change: Any, code: str, text: str) -> None:
    data = wire(contests)
    change(data)
    error = refused(data)
    assert error.code == code
    assert text in error.message_en


def test_acehs_dprd_dapil_may_elect_up_to_fifteen(contests: Contests) -> None:
    data = wire(contests)
    aceh = next(
        d
        for c in data["contests"]
        if c["kind"] == "dprd-kabkota"
        for d in c["districts"]
        if d["units"][0].startswith("11")
    )
    aceh["seats"] = ACEH_DPRD_MAX_SEATS
    assert Contests.from_wire(data).contest("dprd-kabkota")
    aceh["seats"] = ACEH_DPRD_MAX_SEATS + 1
    assert "3-15" in refused(data).message_en


def test_a_tps_in_no_dapil_is_named(small: Hierarchy, contests: Contests) -> None:
    data = wire(contests)
    dapil = first_dapil(data, "dprd-kabkota")
    dropped = dapil["units"].pop()
    if not dapil["units"]:
        dapil["units"].append("0000")
    placement = Contests.from_wire(data).place(small)
    missing = [u for u in placement.unplaced if u.what == "desa"]
    assert missing
    assert all(u.code.startswith(dropped) and u.district == "none" for u in missing)
    assert sum(u.tps for u in missing) == small.tps_count(dropped)
    with pytest.raises(ContestError) as info:
        contests_without = Contests.from_wire(data)
        contests_without.district_of(ContestKind.DPRD_KABKOTA, next(small.iter_tps(dropped)))
    assert info.value.code == "contest.no-district"
