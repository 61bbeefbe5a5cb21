"""The synthetic hierarchy: deterministic, realistic, well-shaped at every scale."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.election.codes import NASIONAL, Level, parent_of
from saksi.election.regions import Hierarchy
from saksi.election.synthetic import PROVINCES, synthetic_hierarchy
from saksi.errors import InputError
from tests.conftest import shared_path

DEMO_SCALE = 0.005

# Pinned: the generator must give these digests on every machine and Python version.
# Change them only with a deliberate change to the generator (and say so in the commit).
PINNED = {
    (DEMO_SCALE, 2024, True): "7e47f67d44352f5e76cdc315edc2e424090c080e9e991903a8d627ff5d8e385a",
    (DEMO_SCALE, 2024, False): "7294064a336ec533079b46f3eb18efd57a6eff264a9f06bf040aa4f91e68df42",
}

REAL_PROVINCES = {
    "11": "ACEH", "12": "SUMATERA UTARA", "13": "SUMATERA BARAT", "14": "RIAU",
    "15": "JAMBI", "16": "SUMATERA SELATAN", "17": "BENGKULU", "18": "LAMPUNG",
    "19": "KEPULAUAN BANGKA BELITUNG", "21": "KEPULAUAN RIAU", "31": "DKI JAKARTA",
    "32": "JAWA BARAT", "33": "JAWA TENGAH", "34": "DAERAH ISTIMEWA YOGYAKARTA",
    "35": "JAWA TIMUR", "36": "BANTEN", "51": "BALI", "52": "NUSA TENGGARA BARAT",
    "53": "NUSA TENGGARA TIMUR", "61": "KALIMANTAN BARAT", "62": "KALIMANTAN TENGAH",
    "63": "KALIMANTAN SELATAN", "64": "KALIMANTAN TIMUR", "65": "KALIMANTAN UTARA",
    "71": "SULAWESI UTARA", "72": "SULAWESI TENGAH", "73": "SULAWESI SELATAN",
    "74": "SULAWESI TENGGARA", "75": "GORONTALO", "76": "SULAWESI BARAT", "81": "MALUKU",
    "82": "MALUKU UTARA", "91": "PAPUA", "92": "PAPUA BARAT", "93": "PAPUA SELATAN",
    "94": "PAPUA TENGAH", "95": "PAPUA PEGUNUNGAN", "96": "PAPUA BARAT DAYA",
}  # fmt: skip


@pytest.fixture(scope="module")
def demo() -> Hierarchy:
    return synthetic_hierarchy(DEMO_SCALE)


@pytest.fixture(scope="module")
def full() -> Hierarchy:
    return synthetic_hierarchy(1.0, overseas=False)


def assert_well_shaped(h: Hierarchy) -> None:
    """Parents exist, children partition their parent, counts agree with iteration."""
    seen_tps = 0
    for level in (Level.PROVINSI, Level.KABKOTA, Level.KECAMATAN, Level.DESA):
        codes = h.codes(level)
        assert codes == tuple(sorted(codes))
        for code in codes:
            assert h.exists(parent_of(code))
            assert code in h.children(parent_of(code))
    for code in (NASIONAL, *h.codes(Level.PROVINSI), *h.codes(Level.KABKOTA)):
        kids = h.children(code)
        assert kids, f"{code} has no children"
        assert sum(h.tps_count(k) for k in kids) == h.tps_count(code)
        assert sum(h.counts(k)[Level.DESA] for k in kids) == h.counts(code)[Level.DESA]
    for code in h.iter_tps():
        seen_tps += 1
        assert 1 <= int(code[10:]) <= 999
    assert seen_tps == h.tps_count() == h.counts()[Level.TPS]


# ---- determinism -----------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(PINNED))
def test_digest_is_pinned(key: tuple[float, int, bool]) -> None:
    scale, seed, overseas = key
    digest = synthetic_hierarchy(scale, seed, overseas).digest()
    assert digest == PINNED[key], f"synthetic_hierarchy{key} digest is now {digest}"


def test_same_arguments_same_hierarchy() -> None:
    a = synthetic_hierarchy(0.01, seed=7)
    b = synthetic_hierarchy(0.01, seed=7)
    assert a == b
    assert a.canonical_bytes() == b.canonical_bytes()


def test_other_seed_other_hierarchy_same_shape() -> None:
    a = synthetic_hierarchy(DEMO_SCALE, seed=1)
    b = synthetic_hierarchy(DEMO_SCALE, seed=2)
    assert a.digest() != b.digest()
    assert a.codes(Level.PROVINSI) == b.codes(Level.PROVINSI)
    assert abs(a.tps_count() - b.tps_count()) <= 50  # counts come from the scale


def test_round_trips_through_the_saved_form(demo: Hierarchy) -> None:
    assert Hierarchy.from_wire(json.loads(demo.canonical_bytes())) == demo


# ---- shape ---------------------------------------------------------------------------


def test_demo_scale_is_well_shaped(demo: Hierarchy) -> None:
    assert_well_shaped(demo)
    assert 3_500 <= demo.tps_count() <= 4_800


@settings(max_examples=12, deadline=None)
@given(
    scale=st.floats(min_value=1e-6, max_value=0.003, allow_nan=False),
    seed=st.integers(-(2**40), 2**40),
    overseas=st.booleans(),
)
def test_any_small_scale_is_well_shaped(scale: float, seed: int, overseas: bool) -> None:
    h = synthetic_hierarchy(scale, seed, overseas)
    assert_well_shaped(h)
    for code in REAL_PROVINCES:
        counts = h.counts(code)
        assert min(counts.values()) >= 1, f"{code} lacks a level at scale {scale}"
    assert h.exists("99") == overseas


def test_codes_follow_kpu_shape(demo: Hierarchy) -> None:
    for code in demo.codes(Level.KABKOTA):
        if code.startswith("99"):
            continue
        number = int(code[2:])
        assert 1 <= number <= 99
        assert demo.name(code).startswith("KOTA ") == (number >= 71)
    for code in demo.codes(Level.KECAMATAN):
        assert 1 <= int(code[4:]) <= 99
    for code in demo.codes(Level.DESA):
        if not code.startswith("99"):
            assert code[6] in "12" and int(code[7:]) >= 1
            if int(code[2:4]) >= 71:  # a kota has kelurahan
                assert code[6] == "1"


def test_names_look_indonesian(demo: Hierarchy) -> None:
    names = [demo.name(c) for lv in (Level.KECAMATAN, Level.DESA) for c in demo.codes(lv)]
    assert all(n.replace(" ", "").isalpha() and n.isupper() for n in names)
    # siblings have distinct names
    for kec in demo.codes(Level.KECAMATAN):
        kids = [demo.name(d) for d in demo.children(kec)]
        assert len(kids) == len(set(kids))


def test_some_special_tps(demo: Hierarchy) -> None:
    special = [t for t in demo.iter_tps() if not t.startswith("99") and int(t[10:]) >= 901]
    assert special
    for tps in special:
        regular = demo.tps_numbers(tps[:10])
        assert regular.max_no >= 1  # a desa with special TPS also has regular ones


def test_overseas(demo: Hierarchy) -> None:
    assert demo.name("99") == "LUAR NEGERI"
    ppln = demo.codes(Level.KECAMATAN, "99")
    assert len(ppln) >= 3
    assert "990501" in ppln and demo.name("990501") == "KBRI KUALA LUMPUR"
    units = demo.codes(Level.DESA, "99")
    assert {demo.name(u) for u in units} <= {"TPS", "POS", "KSK"}
    assert all(demo.name(p + "0001") == "TPS" for p in ppln)  # every PPLN has a TPSLN
    sparse = [u for u in units if demo.tps_numbers(u).listed is not None]
    assert len(sparse) == 1
    assert not synthetic_hierarchy(DEMO_SCALE, overseas=False).exists("99")


# ---- realism -------------------------------------------------------------------------


def test_the_38_real_provinces(demo: Hierarchy) -> None:
    domestic = {c: demo.name(c) for c in demo.codes(Level.PROVINSI) if c != "99"}
    assert domestic == REAL_PROVINCES
    assert {p.code: p.name for p in PROVINCES} == REAL_PROVINCES


@pytest.mark.shared
def test_province_table_matches_kpu_data() -> None:
    data = json.loads(shared_path("data", "regions", "kpu2024-tps.json").read_text("utf-8"))
    names = data["id2name"]
    for p in PROVINCES:
        assert names[p.code] == p.name
        kabkota = [c for c in names if len(c) == 4 and c[:2] == p.code]
        assert sum(int(c[2:]) >= 71 for c in kabkota) == p.kota
        assert len(kabkota) == p.kabupaten + p.kota
        desa = [c for c in data["tps"] if c[:2] == p.code]
        assert len(desa) == p.desa
        assert sum(c[6] == "1" for c in desa) == p.kelurahan
        assert sum(len(data["tps"][c]) == 3 for c in desa) == p.special_desa


@pytest.mark.slow
def test_scale_one_reproduces_the_real_totals(full: Hierarchy) -> None:
    assert full.counts() == {
        Level.NASIONAL: 1,
        Level.PROVINSI: 38,
        Level.KABKOTA: 514,
        Level.KECAMATAN: 7_277,
        Level.DESA: 83_731,
        Level.TPS: 820_161,
    }
    for p in PROVINCES:
        counts = full.counts(p.code)
        assert counts[Level.KABKOTA] == p.kabupaten + p.kota
        assert counts[Level.KECAMATAN] == p.kecamatan
        assert counts[Level.DESA] == p.desa
        assert counts[Level.TPS] == p.tps
    by_tps = sorted(PROVINCES, key=lambda p: -full.tps_count(p.code))
    assert {p.name for p in by_tps[:3]} == {"JAWA BARAT", "JAWA TIMUR", "JAWA TENGAH"}
    special = sum(1 for d in full.codes(Level.DESA) if full.tps_numbers(d).ext is not None)
    assert special == sum(p.special_desa for p in PROVINCES)
    per_desa = Counter(len(full.tps_numbers(d)) for d in full.codes(Level.DESA))
    assert max(per_desa) <= 900


@pytest.mark.parametrize("scale", [0.001, 0.01, 0.1])
def test_scale_multiplies_the_tps(scale: float) -> None:
    total = synthetic_hierarchy(scale, overseas=False).tps_count()
    assert 820_161 * scale * 0.97 <= total <= 820_161 * scale * 1.1 + 38


def test_tps_grow_with_scale() -> None:
    totals = [synthetic_hierarchy(s, overseas=False).tps_count() for s in (0.001, 0.003, 0.02)]
    assert totals == sorted(totals) and len(set(totals)) == 3


def test_tiny_scale_keeps_every_province() -> None:
    h = synthetic_hierarchy(1e-9)
    for code in REAL_PROVINCES:
        assert h.counts(code) == {
            Level.PROVINSI: 1,
            Level.KABKOTA: 1,
            Level.KECAMATAN: 1,
            Level.DESA: 1,
            Level.TPS: 1,
        }


# ---- arguments -----------------------------------------------------------------------


@pytest.mark.parametrize("scale", [0, -1, 10.5, float("nan"), float("inf"), True, "1", None])
def test_bad_scale_is_refused(scale: object) -> None:
    with pytest.raises(InputError) as info:
        synthetic_hierarchy(scale)  # type: ignore[arg-type]
    assert info.value.code == "input.synthetic-scale"
    assert info.value.message_id != info.value.message_en


@pytest.mark.parametrize("seed", [1.5, "2024", True, None])
def test_bad_seed_is_refused(seed: object) -> None:
    with pytest.raises(InputError) as info:
        synthetic_hierarchy(DEMO_SCALE, seed)  # type: ignore[arg-type]
    assert info.value.code == "input.synthetic-seed"
