"""The verifier's saved fold (saksi/verify/layout.py): written and read back the same.

A fold whose rule tuples share their codes (two inconsistent forms breaking some of
the same rules) comes back equal, and so does a ``saksi-verify-fold/1`` file written as
the verifier wrote them before format v2 (each record after the first two with its
pickle memo cleared), which is still read.
"""

from __future__ import annotations

import io
import pickle
from itertools import combinations
from typing import Any

import pytest

from saksi.verify import layout
from saksi.verify.keys import Fold
from saksi.verify.regions import Regions
from tests.recap.factory import misread, tiny, unanimous
from tests.verify.test_against_intake import play, verifier


def _fold() -> Fold:
    book = tiny()
    play(
        book,
        [
            ("broken", 0, 1, "1"), ("broken", 1, 2, "1"), ("hasil", 2, 1, "1"),
            ("correct-broken", 2, 3, "1"), ("copy", 0, 1, "1"), ("copy-differs", 1, 2, "2"),
            ("dhasil", 3, 4, "1"), ("revoke", 5, 1, "1"),
        ],
    )  # fmt: skip
    tps = list(book.iter_tps())
    book.c_hasil(tps[3], misread(book.true_form(tps[3])))
    book.c_hasil(tps[4], unanimous(book.true_form(tps[4])))
    _, fold = verifier(book, Regions(book.hierarchy.canonical_bytes()))
    rules = {r for t in fold.tallies.values() for r in t.rules if r}
    assert any(set(a) & set(b) for a, b in combinations(rules, 2))  # a code in two tuples
    return fold


def _columns(fold: Fold) -> list[tuple[str, Any]]:
    return list(layout.columns(fold))


def test_a_fold_comes_back_equal() -> None:
    fold = _fold()
    buffer = io.BytesIO()
    layout.write(fold, buffer)
    buffer.seek(0)
    again = layout.read(buffer, fold.regions)
    assert _columns(again) == _columns(fold)
    assert again.version == 1 and again.size == fold.size


def _write_fold_v1(fold: Fold, handle: Any) -> None:
    """As ``saksi verify`` wrote its fold before format v2."""
    pickler = pickle.Pickler(handle, protocol=5)
    pickler.dump({"format": "saksi-verify-fold/1", "size": fold.size})
    for name, value in layout.columns(fold):
        if name == "candidate":  # the first record format v2 added
            break
        pickler.dump((name, value))
        pickler.clear_memo()


def test_a_fold_of_the_layout_before_v2_is_read() -> None:
    fold = _fold()
    buffer = io.BytesIO()
    _write_fold_v1(fold, buffer)
    buffer.seek(0)
    again = layout.read(buffer, fold.regions)
    assert _columns(again) == _columns(fold)


_ADDED_IN_V3 = (".values", ".impossible", ".suspicious")
_ADDED_IN_V4 = (".first_values",)
_ADDED_IN_V5 = (".recap_values",)


def _write_fold_v2(fold: Fold, handle: Any) -> None:
    """As ``saksi verify`` wrote its fold before the legislative tally (fold/2)."""
    _write_older(fold, handle, "saksi-verify-fold/2", (*_ADDED_IN_V3, *_ADDED_IN_V4, *_ADDED_IN_V5))


def _write_fold_v3(fold: Fold, handle: Any) -> None:
    """As ``saksi verify`` wrote its fold before it kept a corrected TPS's first form's
    values (fold/3)."""
    _write_older(fold, handle, "saksi-verify-fold/3", (*_ADDED_IN_V4, *_ADDED_IN_V5))


def _write_fold_v4(fold: Fold, handle: Any) -> None:
    """As ``saksi verify`` wrote its fold before it kept the legislative D.Hasil's
    numbers (fold/4)."""
    _write_older(fold, handle, "saksi-verify-fold/4", _ADDED_IN_V5)


def _write_older(fold: Fold, handle: Any, name: str, added: tuple[str, ...]) -> None:
    pickle.dump({"format": name, "size": fold.size, "version": fold.version}, handle, protocol=5)
    for column, value in layout.columns(fold):
        if not (column.split(".")[0] in fold.chains and column.endswith(added)):
            pickle.dump((column, value), handle, protocol=5)


def test_a_fold2_of_a_v1_log_is_read_and_of_a_v2_log_is_refolded(tmp_path: Any) -> None:
    fold = _fold()
    buffer = io.BytesIO()
    _write_fold_v2(fold, buffer)
    buffer.seek(0)
    again = layout.read(buffer, fold.regions)  # a v1 log: nothing of the legislative tally
    assert _columns(again) == _columns(fold)

    from tests.verify.test_v2_against_intake import CONTESTS, REGIONS, fold_log
    from tests.verify.test_verify_v2_cli import _night
    from tests.verify.v2_factory import V2Log

    log = V2Log()
    _night(log)
    _, v2, _ = fold_log(log.entries)
    buffer = io.BytesIO()
    layout.write(v2, buffer)
    buffer.seek(0)
    assert _columns(layout.read(buffer, REGIONS, lambda m: CONTESTS)) == _columns(v2)
    buffer = io.BytesIO()
    _write_fold_v2(v2, buffer)
    buffer.seek(0)
    with pytest.raises(layout.Refold):  # its legislative forms' values are not in it
        layout.read(buffer, REGIONS, lambda m: CONTESTS)


def test_a_fold3_of_a_v1_log_is_read_and_of_a_v2_log_is_refolded() -> None:
    """fold/4 added each corrected TPS's first form's values (its share-jump): a fold/3
    file is read for a v1 log (no chains), refolded for a v2 log."""
    fold = _fold()
    buffer = io.BytesIO()
    _write_fold_v3(fold, buffer)
    buffer.seek(0)
    assert _columns(layout.read(buffer, fold.regions)) == _columns(fold)

    from tests.verify.test_v2_against_intake import CONTESTS, REGIONS, fold_log
    from tests.verify.test_verify_v2_cli import _night
    from tests.verify.v2_factory import V2Log

    log = V2Log()
    _night(log)
    _, v2, _ = fold_log(log.entries)
    assert any(c.first_values for c in v2.chains.values())  # the night's correction
    buffer = io.BytesIO()
    _write_fold_v3(v2, buffer)
    buffer.seek(0)
    with pytest.raises(layout.Refold):
        layout.read(buffer, REGIONS, lambda m: CONTESTS)


def test_a_fold4_of_a_v1_log_is_read_and_of_a_v2_log_is_refolded() -> None:
    """fold/5 added each legislative D.Hasil's level, key, time and numbers (its
    reconciliation): a fold/4 file is read for a v1 log, refolded for a v2 log."""
    fold = _fold()
    buffer = io.BytesIO()
    _write_fold_v4(fold, buffer)
    buffer.seek(0)
    assert _columns(layout.read(buffer, fold.regions)) == _columns(fold)

    from tests.verify.test_v2_against_intake import CONTESTS, REGIONS, fold_log
    from tests.verify.test_verify_v2_cli import _night
    from tests.verify.v2_factory import V2Log

    log = V2Log()
    _night(log)
    _, v2, _ = fold_log(log.entries)
    assert any(c.recap_values for c in v2.chains.values())  # the night's D.Hasil
    buffer = io.BytesIO()
    layout.write(v2, buffer)
    buffer.seek(0)
    assert _columns(layout.read(buffer, REGIONS, lambda m: CONTESTS)) == _columns(v2)
    buffer = io.BytesIO()
    _write_fold_v4(v2, buffer)
    buffer.seek(0)
    with pytest.raises(layout.Refold):
        layout.read(buffer, REGIONS, lambda m: CONTESTS)
