"""A version 1 publication verifies as it always did: the same report, byte for byte.

The reports in tests/verify/data/ were written by ``saksi verify`` before format v2
existed (``SAKSI_REGENERATE=1`` writes them again: review the diff before committing
it). Each is the ``--json`` report and the readable summary of a first run and of a
run that resumes from the state the first one saved, with what differs from run to
run (the folder, the time taken, the rate) left out.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from saksi.cli import cli
from tests.recap.factory import night
from tests.verify.factory import Pub, build, grow, publish_results, relog

DATA = Path(__file__).parent / "data"
REGENERATE = os.environ.get("SAKSI_REGENERATE") == "1"


def _run(pub: Pub, state: Path, *extra: str) -> tuple[int, str]:
    args = ["verify", str(pub.root), "--state", str(state), "--log-key", pub.vkey, *extra]
    result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def _stable_report(text: str, pub: Pub) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(text)
    report["source"] = "PUB"
    report["elapsed_seconds"] = 0
    return report


def _stable_summary(text: str, pub: Pub) -> str:
    text = text.replace(str(pub.root), "PUB")
    return re.sub(r"(checked \(signature, form, authority\)), [0-9,]+/s", r"\1, N/s", text)


def _runs(pub: Pub, tmp: Path, grow_by: list[bytes], *extra: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    code, text = _run(pub, tmp / "s-json", "--json", *extra)
    out["first"] = {"exit": code, "report": _stable_report(text, pub)}
    code, text = _run(pub, tmp / "s-text", *extra)
    out["first_text"] = {"exit": code, "summary": _stable_summary(text, pub)}
    if grow_by:
        grow(pub, grow_by)
        publish_results(pub)
    code, text = _run(pub, tmp / "s-json", "--json", *extra)
    out["again"] = {"exit": code, "report": _stable_report(text, pub)}
    code, text = _run(pub, tmp / "s-text", *extra)
    out["again_text"] = {"exit": code, "summary": _stable_summary(text, pub)}
    return out


def _check(name: str, found: dict[str, Any]) -> None:
    path = DATA / f"{name}.json"
    text = json.dumps(found, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    pinned = json.loads(path.read_text(encoding="utf-8"))
    assert found == pinned, f"{path.name} differs (SAKSI_REGENERATE=1 to update)"


def test_the_clean_v1_publication_gives_the_pinned_reports(tmp_path: Path) -> None:
    pub = build(tmp_path / "pub")
    book = pub.book
    size = len(book.entries)
    book.c_hasil(pub.tps[6])
    _check("v1-clean", _runs(pub, tmp_path, book.entries[size:]))


@pytest.mark.parametrize("name", ["v1-night"])
def test_the_v1_night_gives_the_pinned_reports(tmp_path: Path, name: str) -> None:
    """Every kind of result (inconsistent, flagged, disputed, corrected, a D.Hasil that
    differs from its forms) in a clean publication: verified, and reported the same."""
    pub = build(tmp_path / "pub", photos=False)
    book = night()
    pub.book = book
    relog(pub, book.entries, drop_results=True)
    publish_results(pub)
    _check(name, _runs(pub, tmp_path, []))


def test_a_v1_log_with_refused_entries_gives_the_pinned_reports(tmp_path: Path) -> None:
    """Findings are worded as they were: an entry by an unknown key, a second C.Hasil,
    a forged signature, a statement of another election."""
    from tests.verify.test_against_intake import play

    pub = build(tmp_path / "pub")
    book = pub.book
    play(
        book,
        [
            ("unknown-key", 6, 3, "1"), ("dup-hasil", 0, 2, "1"), ("bad-signature", 1, 1, "1"),
            ("other-election", 7, 1, "1"), ("revoke", 0, 1, "1"), ("hasil", 0, 1, "1"),
        ],
    )  # fmt: skip
    relog(pub, book.entries, drop_results=True)
    _check("v1-refused", _runs(pub, tmp_path, [], "--regions", str(pub.regions)))
