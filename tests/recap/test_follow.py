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


def test_the_follower_of_a_v2_log_finds_the_data_folders_contests_file(tmp_path: Path) -> None:
    """``saksi serve`` runs ``saksi publish DATA/log``: the contests file it keeps as
    DATA/contests.json.gz is found, checked, and published beside the region file."""
    from tests.recap.factory import legislative_night, night, tiny_contests

    book = night(contests=tiny_contests(), between=legislative_night)
    regions = tmp_path / "regions.json"
    book.hierarchy.save(regions)
    data = tmp_path / "data"
    vkey = publish(book, data / "log")
    digest = tiny_contests().save(data / "contests.json.gz")
    log_dir = str(data / "log")
    options = FoldOptions(regions=regions, log_key=vkey).with_recorded_contests(log_dir)
    assert options.contests == data / "contests.json.gz"
    assert FoldOptions(regions=regions).with_recorded_contests("http://h/log/").contests is None

    follower = Follower(log_dir, tmp_path / "out", options)
    first = follower.step(exports=False)
    assert first is not None and first.tree_size == len(book.entries)
    assert follower.recap is not None and follower.recap.legislative_contests
    assert (tmp_path / "out" / f"contests/{digest}.json").read_bytes() == (
        tiny_contests().canonical_bytes()
    )
    bare = Follower(log_dir, tmp_path / "bare", FoldOptions(regions=regions))
    with pytest.raises(SaksiError) as caught:
        bare.step(exports=False)
    assert caught.value.code == "recap.contests-required"
