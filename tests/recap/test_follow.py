"""The fold driver and the live publisher as a library: typed options, no command line."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

from saksi.election.codes import NASIONAL
from saksi.errors import SaksiError
from saksi.recap.driver import FoldOptions, open_and_fold
from saksi.recap.fold import Recap
from saksi.recap.follow import Follower, follow
from saksi.recap.publish import Published
from tests.cli.test_recap_cli import publish
from tests.recap.factory import tiny


def test_the_follower_publishes_in_process(tmp_path: Path) -> None:
    book = tiny()
    for code in list(book.iter_tps())[:3]:
        book.c_hasil(code)
    regions = tmp_path / "regions.json"
    book.hierarchy.save(regions)
    vkey = publish(book, tmp_path / "log")
    options = FoldOptions(regions=regions, log_key=vkey)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.log_key = None  # type: ignore[misc]

    stop = threading.Event()
    stop.set()  # one last look, with exports
    seen: list[Published | None] = []
    follower = Follower(str(tmp_path / "log"), tmp_path / "out", options)
    follow(
        follower,
        interval=0,
        exports_every=60,
        stop=stop,
        published=lambda result, started: seen.append(result),
    )
    assert [r.tree_size for r in seen if r is not None] == [len(book.entries)]
    expected = Recap.replay(book.hierarchy, book.entries)
    assert follower.recap is not None
    assert follower.recap.totals(NASIONAL, "ppwp") == expected.totals(NASIONAL, "ppwp")
    published, folded = open_and_fold(str(tmp_path / "log"), options)
    assert published.signature_checked
    assert folded.totals(NASIONAL, "ppwp") == expected.totals(NASIONAL, "ppwp")


def test_the_follower_tells_once_that_it_waits(tmp_path: Path) -> None:
    (tmp_path / "log").mkdir()
    stop = threading.Event()
    stop.set()
    waited: list[SaksiError] = []
    follower = Follower(str(tmp_path / "log"), tmp_path / "out", FoldOptions(scale=0.001))
    follow(follower, interval=0, exports_every=None, stop=stop, waiting=waited.append)
    assert [error.code for error in waited] == ["log.source-no-checkpoint"]
