"""Search by what people type: folded names, typos, ranking, and TPS by number and place.

Synthetic names here (the real ones, where ../shared is present, are in test_regions.py).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saksi.election.regions import Hierarchy, TpsNumbers
from saksi.election.search import NameIndex, fold, tps_query

NAMES = {
    "71": "SULAWESI UTARA",
    "7101": "BOLAANG MONGONDOW",
    "710101": "RUTONGA",  # a kecamatan
    "7101011001": "RUTONGGA",
    "7101011002": "RUTONGA",
    "7101011003": "BUKIT RUTONGGA",
    "7101011004": "RUTONGAN",
    "7101011005": "SÖERABAJA",  # an old spelling with a diacritic
    "7101011006": "KAMPUNG TENGAH",
    "72": "SULAWESI TENGAH",
    "7201": "KOTA PALU",
    "720101": "PALU BARAT",
    "7201011001": "UJUNA",
}
TPS = {"7101011001": 12, "7101011002": 3, "7101011003": 9, "7101011004": 8, "7101011005": 1}


@pytest.fixture(scope="module")
def hierarchy() -> Hierarchy:
    numbers = {d: TpsNumbers(TPS.get(d, 2)) for d in NAMES if len(d) == 10}
    return Hierarchy(names=NAMES, tps=numbers)


def names(h: Hierarchy, codes: tuple[str, ...]) -> list[str]:
    return [h.name(c) for c in codes]


def test_fold_case_diacritics_doubled_letters_old_spellings_and_punctuation() -> None:
    assert fold("RUTONGGA") == fold("Rutonga") == "rutonga"
    assert fold("Söerabaja") == fold("Surabaja") == "surabaja"
    assert fold("Djakarta") == "jakarta" and fold("Tjiamis") == "ciamis"
    assert fold("  KOTA ADM.  JAKARTA   PUSAT ") == "kota adm jakarta pusat"
    assert fold("one\ntwo") == "one\ntwo"  # lines stay lines


@given(st.text())
def test_fold_keeps_the_lines_and_folds_once(text: str) -> None:
    folded = fold(text)
    assert folded.count("\n") == text.count("\n")
    assert fold(folded) == folded
    assert folded == folded.strip(" ") and "  " not in folded


def test_the_exact_name_first_then_its_other_spellings(hierarchy: Hierarchy) -> None:
    found = names(hierarchy, hierarchy.search("RUTONGA"))
    # the kecamatan and the desa spelt so, then RUTONGGA (folds the same), then names
    # with a word starting so, in level and code order
    assert found[:3] == ["RUTONGA", "RUTONGA", "RUTONGGA"]
    assert found[3:] == ["BUKIT RUTONGGA", "RUTONGAN"]
    reverse = hierarchy.search("Rutongga")
    assert reverse[0] == "7101011001" and set(reverse[1:3]) == {"710101", "7101011002"}
    folded = hierarchy.search("rutönga")  # diacritics folded: no exact name, the same ones
    assert folded[:3] == ("710101", "7101011001", "7101011002")
    assert set(folded) == set(hierarchy.search("RUTONGA"))


def test_a_typo_finds_the_name_after_every_closer_match(hierarchy: Hierarchy) -> None:
    typo = hierarchy.search("RUTOMGA")  # whole names first, then whole words, then starts
    assert typo == ("710101", "7101011001", "7101011002", "7101011003", "7101011004")
    assert names(hierarchy, hierarchy.search("rutonggaa bukit")) == []  # two edits: nothing
    assert names(hierarchy, hierarchy.search("soerabaya")) == ["SÖERABAJA"]  # j/y: one edit
    assert hierarchy.search("kampung tenga") == ("7101011006",)  # a prefix beats a typo
    assert names(hierarchy, hierarchy.search("kampong tengah")) == ["KAMPUNG TENGAH"]


def test_level_words_a_reader_adds_are_ignored(hierarchy: Hierarchy) -> None:
    assert hierarchy.search("Kecamatan Rutonga")[0] == "710101"
    assert hierarchy.search("desa bukit rutongga") == ("7101011003",)
    assert hierarchy.search("kota palu") == ("7201",)  # KOTA is part of the name


def test_tps_by_number_and_place(hierarchy: Hierarchy) -> None:
    assert tps_query("TPS 008") == (8, "") and tps_query("tps 8") == (8, "")
    assert tps_query("TPS 8 Rutonga") == (8, "Rutonga")
    assert tps_query("Rutonga, tps no. 08") == (8, "Rutonga,")
    assert tps_query("TPS 0") is None and tps_query("rutonga") is None
    assert tps_query("TPS 1234") is None
    # RUTONGGA has 12 TPS, BUKIT RUTONGGA 9, RUTONGAN 8, RUTONGA only 3
    assert hierarchy.search("TPS 8 Rutonga") == (
        "7101011001008",  # RUTONGGA
        "7101011003008",  # BUKIT RUTONGGA
        "7101011004008",  # RUTONGAN (the kecamatan RUTONGA holds them too: listed once)
    )
    # the desa named so first (exactly, then folded), then the desa of the kecamatan
    assert hierarchy.search("tps 3 rutonga") == (
        "7101011002003",
        "7101011001003",
        "7101011003003",
        "7101011004003",
    )
    assert hierarchy.search("TPS 008 rutongga") == hierarchy.search("rutongga TPS8")
    every_eighth = hierarchy.search("tps 8")
    assert every_eighth == ("7101011001008", "7101011003008", "7101011004008")
    assert hierarchy.search("TPS 2 Ujuna") == ("7201011001002",)
    assert hierarchy.search("TPS 99 Ujuna") == ()
    assert hierarchy.search("tps 8", limit=1) == ("7101011001008",)


def test_an_index_of_no_names_and_odd_queries() -> None:
    index = NameIndex([("0", "INDONESIA")])
    assert index.find("") == [] and index.find("   ") == [] and index.find("x", 0) == []
    assert index.find("indonesia") == [0] and index.find("nes") == [0]
    assert index.find("\n") == [] and index.find("indo\nnesia") == [0]  # one space too many
