"""The fold's packed slots: a pickled recap is the same fold, smaller, and goes on the same."""

from __future__ import annotations

import pickle
from array import array
from pathlib import Path

import pytest

from saksi.recap import packing
from saksi.recap.fold import Recap
from saksi.recap.state import pack_values
from tests.recap.factory import night

CONTEST = "ppwp"


def _recap(upto: int | None = None) -> tuple[Recap, list[bytes]]:
    book = night()
    entries = book.entries if upto is None else book.entries[:upto]
    return Recap.replay(book.hierarchy, entries), book.entries


def test_every_tps_and_region_is_the_same_after_a_round_trip() -> None:
    recap, _ = _recap()
    restored = pickle.loads(pickle.dumps(recap))
    assert list(restored.logged_tps(CONTEST)) == list(recap.logged_tps(CONTEST))
    assert restored.region_vectors(CONTEST) == recap.region_vectors(CONTEST)
    assert restored.recaps(CONTEST) == recap.recaps(CONTEST)
    assert restored.size == recap.size


def test_the_slots_share_codes_and_indices_with_the_authority() -> None:
    recap, _ = _recap()
    restored = pickle.loads(pickle.dumps(recap))
    for code, slot in restored._slots[CONTEST].items():
        head = restored.authority.current_form(code, CONTEST)
        if head is not None:
            assert head.region is code
            assert slot.current is head.index
        assert slot.values is None or isinstance(slot.values, array)


def test_a_restored_recap_folds_the_rest_as_a_whole_replay() -> None:
    book_half, entries = _recap(upto=20)
    restored = pickle.loads(pickle.dumps(book_half))
    for entry in entries[20:]:
        restored.apply_entry(entry)
    whole, _ = _recap()
    assert restored.region_vectors(CONTEST) == whole.region_vectors(CONTEST)
    assert list(restored.logged_tps(CONTEST)) == list(whole.logged_tps(CONTEST))


def test_touched_codes_survive_the_round_trip() -> None:
    recap, _ = _recap()
    touched = set(recap._touched)
    assert touched
    assert pickle.loads(pickle.dumps(recap)).take_touched() == touched


def test_written_part_by_part_and_read_back_it_is_the_same_fold(tmp_path: Path) -> None:
    recap, _ = _recap()
    with (tmp_path / "fold").open("wb") as handle:
        packing.write(recap, handle)
    with (tmp_path / "fold").open("rb") as handle:
        restored = Recap.from_packed(*packing.read(handle))
    assert list(restored.logged_tps(CONTEST)) == list(recap.logged_tps(CONTEST))
    assert restored.region_vectors(CONTEST) == recap.region_vectors(CONTEST)


def test_the_parts_are_a_head_then_named_columns_then_the_end() -> None:
    recap, _ = _recap()
    head, *columns, end = packing.parts(recap)
    assert head["format"] == packing.FORMAT and end == packing.END
    names = [name for name, _ in columns]
    assert len(names) == len(set(names))
    assert "_keys/key" in names and f"slots/{CONTEST}/values" in names
    rare = dict(columns)[f"slots/{CONTEST}/rare"]
    plain = len(recap._slots[CONTEST]) - len(rare)
    assert rare and plain > 0  # only the slots with something more than numbers


def test_a_file_that_is_not_a_packed_fold_is_refused() -> None:
    with pytest.raises(ValueError, match="not a packed fold"):
        packing.collect(iter([["not", "a", "head"]]).__next__)
    with pytest.raises(ValueError, match="not a fold of format"):
        packing.restore({"format": "other"}, {})


def test_form_numbers_are_packed_in_the_narrowest_array() -> None:
    assert pack_values((0, 999)).typecode == "H"
    assert pack_values((0, 70_000)).typecode == "L"
    with pytest.raises(ValueError, match="64 bits"):
        pack_values((2**70,))
