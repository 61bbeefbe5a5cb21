"""``saksi verify`` of a format v2 night published by Saksi's own Publisher: every
legislative file a reader would quote (region snapshots, dapil files, seats files,
docs/recap.md "The legislative contests published") against the verifier's own numbers
(docs/verify.md "The legislative contests").

The night is tests/recap/test_legislative_publish.py's (tiny()'s synthetic contests:
DPRD Kab/Kota complete in one dapil, DPR at five TPS, DPD at three, DPRD Provinsi at
two, a party witness's copy) with a correction that moves a DPRD Kab/Kota seat.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.election.contests import ContestKind
from saksi.recap.fold import Recap
from saksi.recap.publish import Publisher
from saksi.sim.logbook import Logbook
from saksi.store import open_store
from saksi.tlog.log import Log
from tests.recap.test_legislative_fold import KABKOTA_VOTES, B, form_of, halves
from tests.recap.test_legislative_publish import night


@dataclass
class Published:
    root: Path
    vkey: str
    book: Logbook

    @property
    def results(self) -> Path:
        return self.root / "results"

    def latest(self) -> dict[str, Any]:
        return dict(json.loads((self.results / "latest.json").read_bytes()))

    def read(self, path: str) -> Any:
        return json.loads((self.results / path).read_bytes())

    def write(self, path: str, doc: Any) -> None:
        (self.results / path).write_text(json.dumps(doc), encoding="utf-8")


def publish(root: Path) -> Published:
    """The night's log (C2SP tiles), its region file, and the Publisher's results."""
    book = night()
    more = {p: dict(c) for p, c in halves(KABKOTA_VOTES)[1].items()}
    more["5"][3] += 14  # a seat moves from party 1 to party 5
    book.legislative_correction(B, ContestKind.DPRD_KABKOTA,
                                form_of(book, B, ContestKind.DPRD_KABKOTA, more))  # fmt: skip
    root.mkdir(parents=True)
    book.hierarchy.save(root / "regions.json")
    log, vkey = Log.create(root / "log", book.origin, open_store, durable=False)
    try:
        log.append(book.entries)
        log.integrate()
        checkpoint, note = log.signed_checkpoint(), log.checkpoint()
    finally:
        log.close()
    assert checkpoint is not None and note is not None
    recap = Recap.replay(book.hierarchy, book.entries, contests=book.contests)
    Publisher(root / "results", durable=False).publish(
        recap, checkpoint, None, checkpoint_note=note
    )
    return Published(root, vkey, book)


def run(pub: Published, state: Path) -> tuple[int, dict[str, Any]]:
    args = ["verify", str(pub.root), "--log-key", pub.vkey, "--state", str(state), "--json"]
    result = CliRunner().invoke(cli, [*args, "--regions", str(pub.root / "regions.json")])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> Published:
    return publish(tmp_path_factory.mktemp("honest") / "pub")


def test_the_publishers_v2_night_verifies_with_no_finding(
    honest: Published, tmp_path: Path
) -> None:
    code, report = run(honest, tmp_path / "state")
    assert code == 0, report["findings"]
    assert report["findings"] == [] and report["verified"] is True
    latest = honest.latest()
    assert list(latest["legislative"]) == ["dpr", "dpd", "dprd-prov", "dprd-kabkota"]
    assert report["checked"]["seats_files"] >= len(latest["legislative"])
    assert report["legislative_seats"]["dprd-kabkota"]["parties"] == {"1": 6, "4": 3, "5": 3}
