"""The one error constructor (saksi/errors.py): keyword-only, the same for every class."""

from __future__ import annotations

import pickle

import pytest

import saksi.errors
from saksi.errors import SaksiError, SchemaError, StoreError


def every_error_class() -> list[type[SaksiError]]:
    found = [getattr(saksi.errors, name) for name in saksi.errors.__all__]
    return [cls for cls in found if isinstance(cls, type) and issubclass(cls, SaksiError)]


@pytest.mark.parametrize("cls", every_error_class(), ids=lambda cls: cls.__name__)
def test_every_class_is_made_the_same_way_and_survives_a_trip_to_a_worker(
    cls: type[SaksiError],
) -> None:
    error = cls(code="area.what", en="it broke", id="rusak", region="11", index=7)
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is cls
    assert (back.code, back.message_en, back.message_id) == ("area.what", "it broke", "rusak")
    assert back.details == {"region": "11", "index": 7}
    assert back.to_dict() == error.to_dict()


def test_positional_messages_are_refused() -> None:
    with pytest.raises(TypeError):
        StoreError("it broke", "rusak", code="store.io-error")  # type: ignore[misc, call-arg]


def test_a_code_is_required() -> None:
    with pytest.raises(TypeError):
        SchemaError(en="it broke", id="rusak")  # type: ignore[call-arg]
