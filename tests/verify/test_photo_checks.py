"""The verifier checks the photos a chunk of entries cites as it goes, each once a run."""

from __future__ import annotations

from pathlib import Path

from saksi.verify import Policy, VerifyOptions
from saksi.verify.source import open_publication
from saksi.verify.verifier import Verifier
from tests.verify.factory import Pub, build


def _verifier(pub: Pub, tmp_path: Path) -> tuple[Verifier, list[str]]:
    options = VerifyOptions(
        policy=Policy.from_options(pub.vkey, [], None), state_dir=tmp_path / "state"
    )
    verifier = Verifier(pub.root, options)
    verifier.pub = open_publication(pub.root)
    return verifier, sorted(p.name for p in pub.photos.iterdir())


def test_a_photo_cited_in_two_chunks_is_read_and_counted_once(tmp_path: Path) -> None:
    pub = build(tmp_path / "pub")
    verifier, photos = _verifier(pub, tmp_path)
    assert verifier.pub is not None and verifier.pub.photos is not None
    reads: list[str] = []
    source = verifier.pub.photos
    original = source.read

    def counting(name: str) -> bytes | None:  # spy on the reads
        reads.append(name)
        return original(name)

    source.read = counting  # type: ignore[method-assign,assignment]
    verifier.cited = {photos[0]: 3, photos[1]: 4}
    verifier._check_cited()
    assert verifier.cited == {}  # nothing kept once checked
    verifier.cited = {photos[1]: 9, photos[2]: 9}  # the next chunk cites one again
    verifier._check_cited()
    assert sorted(reads) == sorted(photos[:3])
    assert verifier.report.counts["photos_checked"] == 3
    assert verifier.photos == {}  # all published and right: nothing to check again


def test_an_absent_photo_is_kept_to_check_next_run(tmp_path: Path) -> None:
    pub = build(tmp_path / "pub")
    verifier, photos = _verifier(pub, tmp_path)
    missing = "ab" * 32
    verifier.cited = {photos[0]: 3, missing: 5}
    verifier._check_cited()
    assert verifier.photos == {missing: 5}
    assert verifier.report.counts["photos_absent"] == 1
