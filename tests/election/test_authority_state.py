"""The authorization state's packed encoding: the same records, shared strings, same answers."""

from __future__ import annotations

import pickle

import pytest

from saksi.election import authority_state
from saksi.election.authority import Authority
from saksi.election.records import FormRecord, KeyRecord
from saksi.recap.fold import Recap
from tests.recap.factory import night


def _authority() -> Authority:
    book = night()
    return Recap.replay(book.hierarchy, book.entries).authority


def test_packing_lazily_gives_the_same_columns_one_at_a_time() -> None:
    state = _authority().__dict__
    skeleton, columns = authority_state.pack_lazily(state)
    assert "_keys" not in skeleton and "_forms" not in skeleton
    assert {**skeleton, **dict(columns)} == authority_state.pack(state)


def test_a_packed_state_unpacks_to_equal_records_in_the_same_order() -> None:
    authority = _authority()
    state = authority.__dict__
    back = authority_state.unpack(authority_state.pack(state))
    for name in ("_keys", "_children", "_forms", "_first", "_heads", "_copies"):
        assert back[name] == state[name], name
        assert list(back[name]) == list(state[name]), f"{name}: order"
    assert set(back) == set(state)


def test_it_pickles_to_few_objects_and_shares_strings_again() -> None:
    authority = _authority()
    restored = pickle.loads(pickle.dumps(authority))
    keys: dict[str, KeyRecord] = restored._keys
    forms: dict[int, FormRecord] = restored._forms
    assert forms and all(rec.key is keys[rec.key].key for rec in forms.values())
    kpps = [rec for rec in forms.values() if keys[rec.key].role == "kpps"]
    assert kpps and all(rec.region is keys[rec.key].scope for rec in kpps)
    registered = [r for r in keys.values() if r.registered_by is not None]
    assert all(r.registered_by is keys[r.registered_by or ""].key for r in registered)
    packed = authority.__getstate__()
    assert isinstance(packed["_keys/key"], str)  # one string for every key, not a record each


def test_a_restored_authority_answers_as_the_original() -> None:
    authority = _authority()
    restored: Authority = pickle.loads(pickle.dumps(authority))
    assert restored.size == authority.size
    for rec in authority._keys.values():
        assert restored.chain(rec.key) == authority.chain(rec.key)
        assert restored.registered_by(rec.key) == authority.registered_by(rec.key)
    for tps, contest in authority._heads:
        assert restored.current_form(tps, contest) == authority.current_form(tps, contest)
        assert restored.original_form(tps, contest) == authority.original_form(tps, contest)


def test_a_text_with_a_line_break_is_refused_not_packed_wrong() -> None:
    authority = _authority()
    state = dict(authority.__dict__)
    some = next(iter(state["_keys"].values()))
    state["_keys"] = {
        some.key: KeyRecord(some.key, some.role, "a\nb", None, None, None, None, None, 0)
    }
    with pytest.raises(ValueError, match="line break"):
        authority_state.pack(state)


def test_an_unpacked_state_is_refused_by_unpack() -> None:
    with pytest.raises(ValueError, match="not a packed authority state"):
        authority_state.unpack({"_keys": {}})


def test_a_state_pickled_before_packing_is_refused_not_half_read() -> None:
    authority = _authority()
    old = Authority.__new__(Authority)
    with pytest.raises(ValueError):  # the plain dict an older version pickled
        old.__setstate__(dict(authority.__dict__))
