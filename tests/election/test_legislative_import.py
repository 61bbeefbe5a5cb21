"""KPU's real 2024 legislative contests (../shared/data/legislative) imported and placed."""

from __future__ import annotations

import gzip
import shutil
from collections import Counter
from pathlib import Path

import pytest

from saksi.election.contests import ContestKind
from saksi.election.legislative_import import Imported, import_contests
from saksi.election.regions import Hierarchy
from saksi.errors import InputError, SaksiError
from tests.conftest import shared_path

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def kpu2024() -> Hierarchy:
    return Hierarchy.from_kpu(
        shared_path("data", "regions", "kpu2024-tps.json"),
        shared_path("data", "regions", "kpu2024-tps-ln.csv"),
    )


@pytest.fixture(scope="module")
def imported(kpu2024: Hierarchy) -> Imported:
    return import_contests(shared_path("data", "legislative"), kpu2024)


def test_every_dapil_seat_and_candidate_of_2024(imported: Imported) -> None:
    assert list(imported.contests.summary()) == [
        ("dpr", 84, 580, 9_917),
        ("dpd", 38, 152, 668),
        ("dprd-prov", 301, 2_372, 32_861),
        ("dprd-kabkota", 2_325, 17_628, 214_783),
    ]
    assert len(imported.contests.parties) == 24


def test_every_tps_placed_except_where_the_region_file_lacks_the_units(
    imported: Imported, kpu2024: Hierarchy
) -> None:
    placed = imported.placement.placed
    everyone = kpu2024.tps_count()  # 823,366 with the overseas TPS, who vote DPR in 3102
    assert placed["dpr"] == everyone
    assert placed["dpd"] == placed["dprd-prov"] == 820_161
    jakarta = kpu2024.tps_count("31")
    unplaced = imported.placement.unplaced
    desa = [u for u in unplaced if u.what == "desa"]
    assert placed["dprd-kabkota"] + sum(u.tps for u in desa) == 820_161 - jakarta
    assert {u.contest for u in unplaced} == {"dprd-kabkota"}
    # The 24 kecamatan of Papua Barat Daya that KPU renumbered (the data's README) ...
    units = sorted(u.code for u in unplaced if u.what == "unit")
    assert len(units) == 24
    assert {u[:4] for u in units} == {"9601", "9602", "9603"}
    assert not any(kpu2024.exists(u) for u in units)
    # ... leave the region file's own desa there in no dapil; and four desa of two
    # split kecamatan elsewhere are in none of their desa lists: named, not guessed.
    by_kabkota = Counter(u.code[:4] for u in desa)
    assert by_kabkota == {"9601": 125, "9602": 40, "9603": 4, "6112": 2, "9103": 2}
    assert all(u.district == "none" for u in desa)


def test_overseas_tps_vote_dpr_in_jakarta_ii(imported: Imported, kpu2024: Hierarchy) -> None:
    overseas = next(kpu2024.iter_tps("99"))
    assert imported.contests.ballots(overseas) == {ContestKind.DPR: "3102"}
    jakarta = next(kpu2024.iter_tps("3171"))
    assert set(imported.contests.ballots(jakarta)) == {
        ContestKind.DPR, ContestKind.DPD, ContestKind.DPRD_PROV,
    }  # fmt: skip


def test_a_split_kabkota_places_each_kecamatan_in_its_own_dapil(imported: Imported) -> None:
    medan = [
        d.code
        for d in imported.contests.contest(ContestKind.DPRD_PROV).districts
        if any(u.startswith("1271") for u in d.units)
    ]
    assert len(medan) >= 2  # KOTA MEDAN A, B, ...: the label row is dropped, kecamatan kept


def test_acehs_local_parties_on_acehs_dprd_ballots(imported: Imported, kpu2024: Hierarchy) -> None:
    tps = next(kpu2024.iter_tps("1171"))
    dapil = imported.contests.district_of(ContestKind.DPRD_KABKOTA, tps)
    parties = {p.party for p in dapil.lists}
    assert parties & {"18", "19", "20", "21", "22", "23"}


def copy_legislative(tmp_path: Path) -> Path:
    folder = tmp_path / "legislative"
    shutil.copytree(shared_path("data", "legislative"), folder)
    for f in folder.iterdir():
        f.chmod(0o644)
    return folder


def test_a_candidate_with_a_bad_ballot_number_is_refused_with_its_line(
    tmp_path: Path, kpu2024: Hierarchy
) -> None:
    folder = copy_legislative(tmp_path)
    path = folder / "candidates-dpd.csv.gz"
    rows = gzip.decompress(path.read_bytes()).decode().splitlines()
    rows[3] = rows[3].replace(",3,", ",03,", 1)
    path.write_bytes(gzip.compress("\n".join(rows).encode()))
    with pytest.raises(InputError) as info:
        import_contests(folder, kpu2024)
    assert info.value.code == "input.contests-source"
    assert info.value.details["line"] == 4
    assert "03" in info.value.message_en


def test_candidates_of_a_dapil_that_does_not_exist_are_refused(
    tmp_path: Path, kpu2024: Hierarchy
) -> None:
    folder = copy_legislative(tmp_path)
    path = folder / "candidates-dpr.csv.gz"
    text = gzip.decompress(path.read_bytes()).decode()
    path.write_bytes(gzip.compress((text.rstrip("\n") + "\n9999,1,1,SESEORANG,L\n").encode()))
    with pytest.raises(SaksiError) as info:
        import_contests(folder, kpu2024)
    assert info.value.code == "input.contests-source"
    assert "9999" in info.value.message_en
