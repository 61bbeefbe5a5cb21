"""The verifier's own reader of the contests file (saksi/verify/contests.py), held to
Saksi's (saksi.election.legislative): the same dapil for every TPS of an election and
every contest, the same ballots, the same digest, and the same files refused."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from saksi.election.contests import ContestKind
from saksi.election.legislative import Contests as Reference
from saksi.election.legislative import votes_in as reference_votes_in
from saksi.election.legislative_forms import Ballot
from saksi.errors import SaksiError, VerifyError
from saksi.verify.contests import Contests, votes_in
from saksi.verify.jcs import canonical
from tests.election.legislative_factory import small_world

KINDS = (ContestKind.DPR, ContestKind.DPD, ContestKind.DPRD_PROV, ContestKind.DPRD_KABKOTA)


def _ballot(ballot: Ballot) -> Any:
    return ballot.candidates or ballot.parties


def test_every_tps_has_the_same_dapil_and_ballot_from_both_readers() -> None:
    hierarchy, reference = small_world()
    ours = Contests(reference.canonical_bytes(), reference.digest())
    assert ours.digest == reference.digest()
    for tps in hierarchy.iter_tps():
        for kind in (
            ContestKind.DPR,
            ContestKind.DPD,
            ContestKind.DPRD_PROV,
            ContestKind.DPRD_KABKOTA,
        ):
            assert votes_in(kind.value, tps) == reference_votes_in(kind, tps)
            found = ours.districts_of(kind.value, tps)
            assert [d.code for d in found] == reference.districts_of(kind, tps)
            if len(found) == 1:
                district = reference.contest(kind).district(found[0].code)
                assert found[0].ballot == _ballot(Ballot.of(district))
                assert found[0].units == district.units


def _wire() -> dict[str, Any]:
    _, reference = small_world()
    wire: dict[str, Any] = json.loads(reference.canonical_bytes())
    return wire


def _dpr(w: dict[str, Any]) -> dict[str, Any]:
    dpr: dict[str, Any] = next(c for c in w["contests"] if c["kind"] == "dpr")
    return dpr


def _first_list(w: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = _dpr(w)["districts"][0]["lists"][0]
    return first


def _seats(w: dict[str, Any]) -> None:
    _dpr(w)["districts"][0]["seats"] = 11


def _unit_twice(w: dict[str, Any]) -> None:
    districts = _dpr(w)["districts"]
    districts[1]["units"].append(districts[0]["units"][0])


def _unknown_party(w: dict[str, Any]) -> None:
    _first_list(w)["party"] = "77"


def _local_in_dpr(w: dict[str, Any]) -> None:
    _first_list(w)["party"] = next(p["number"] for p in w["parties"] if p["local"])


def _not_rising(w: dict[str, Any]) -> None:
    candidates = _first_list(w)["candidates"]
    candidates[0]["number"], candidates[1]["number"] = 2, 1


def _longer_than_seats(w: dict[str, Any]) -> None:
    district = _dpr(w)["districts"][0]
    district["lists"][0]["candidates"] = [
        {"number": n, "name": f"Calon {n}"} for n in range(1, district["seats"] + 2)
    ]


def _dpd_with_lists(w: dict[str, Any]) -> None:
    dpd = next(c for c in w["contests"] if c["kind"] == "dpd")
    dpd["districts"][0]["lists"] = [_first_list(w)]


def _no_local_field(w: dict[str, Any]) -> None:
    del w["parties"][0]["local"]


def _party_twice(w: dict[str, Any]) -> None:
    w["parties"].append(dict(w["parties"][0]))


def _dapil_twice(w: dict[str, Any]) -> None:
    districts = _dpr(w)["districts"]
    districts[1]["code"] = districts[0]["code"]


BROKEN: list[Callable[[dict[str, Any]], None]] = [
    _seats, _unit_twice, _unknown_party, _local_in_dpr, _not_rising, _longer_than_seats,
    _dpd_with_lists, _no_local_field, _party_twice, _dapil_twice,
]  # fmt: skip


@pytest.mark.parametrize("breaking", BROKEN, ids=lambda f: f.__name__)
def test_an_unsound_file_is_refused_by_both_readers(
    breaking: Callable[[dict[str, Any]], None],
) -> None:
    wire = copy.deepcopy(_wire())
    breaking(wire)
    data = canonical(wire)
    with pytest.raises(VerifyError) as caught:
        Contests(data)
    assert caught.value.code == "verify.bad-contests"
    assert _reference_refuses(data)


def _reference_refuses(data: bytes) -> bool:
    """Saksi's reader refuses the file named by its digest: unsound, or not the
    canonical form of what it reads (a field left to its default)."""
    try:
        return Reference.from_wire(json.loads(data)).canonical_bytes() != data
    except SaksiError:
        return True


def test_the_file_is_read_gzipped_and_only_in_its_canonical_form() -> None:
    import gzip

    _, reference = small_world()
    data = reference.canonical_bytes()
    assert Contests(gzip.compress(data)).digest == reference.digest()
    spaced = json.dumps(json.loads(data)).encode()
    with pytest.raises(VerifyError) as caught:
        Contests(spaced)
    assert caught.value.code == "verify.bad-contests" and "canonical" in caught.value.message_en
    with pytest.raises(VerifyError) as caught:
        Contests(data, "0" * 64)
    assert caught.value.code == "verify.contests-mismatch"
