"""Text that spoofs what is displayed: refused at intake, neutralised on display.

Over HTTP a statement whose text holds a bidirectional control, an invisible
character, a C1 control, a line separator, a noncharacter, or blank text or text with
whitespace at an end, is refused with its own code (400) and nothing is logged.

A log that already holds such text (written into the store before the policy, as
format v1 allows) still starts, replays, serves its entries byte for byte, answers a
replay of them with their receipt and verifies; the dashboard shows the text with
each such character as ``[U+XXXX]``, the JSON twin keeps it as it is, and the
command line's output shows it neutralised too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.election.envelope import Envelope, sign_statement
from saksi.election.statements import KeyRegistration
from saksi.ledger.views import Receipt
from saksi.store import open_store
from saksi.tlog.state import LogLayout
from tests.election.factory import REGISTER_AT, VALID_FROM, VALID_UNTIL, key, public
from tests.election.test_text_policy import ALLOWED_BY_V1
from tests.ledger.factory import ServiceElection, shifted
from tests.service.conftest import JSON, ROOT, Harness, election_server
from tests.waiting import wait_for

REASON = "hitung ulang \u202eLPP\u202c di \u2066pleno\u2069\u200b "
"""A correction's reason as a spoofer writes it: an override, isolates, a zero-width
space and a trailing space."""
REASON_SHOWN = "hitung ulang [U+202E]LPP[U+202C] di [U+2066]pleno[U+2069][U+200B][U+0020]"
LABEL = "HP\u2028KPPS\ufeff 1"


def labelled(election: ServiceElection, label: str, name: str = "x") -> bytes:
    """KPU Kab/Kota registers a KPPS key with ``label``."""
    tps = election.tps[0]
    stmt = KeyRegistration.model_validate({
        "type": "key", "election": election.origin, "at": REGISTER_AT, "key": public(name),
        "role": "kpps", "scope": tps, "not_before": VALID_FROM, "not_after": VALID_UNTIL,
        "label": label,
    })  # fmt: skip
    return sign_statement(stmt, key(f"kpu-kab-{tps[:4]}")).to_bytes()


@pytest.mark.parametrize(("char", "code"), ALLOWED_BY_V1)
def test_each_class_is_refused_over_http_with_its_code(
    harness: Harness, char: str, code: str
) -> None:
    before = harness.ledger.size
    answer = harness.post_entry(labelled(harness.election, f"HP KPPS{char}1"))
    body = answer.json()
    assert answer.status_code == 400, body
    assert body["error"]["code"] == code
    assert body["error"]["details"]["field"] == "stmt.label"
    assert body["error"]["details"]["char"] == f"U+{ord(char):04X}"
    assert body["error"]["message"]["id"] != body["error"]["message"]["en"]
    assert harness.ledger.size == before


@pytest.mark.parametrize("label", [" ", "  HP KPPS 1", "HP KPPS 1\u00a0"])
def test_blank_and_padded_text_is_refused_in_a_batch_line_by_line(
    harness: Harness, label: str
) -> None:
    good = labelled(harness.election, "HP KPPS 1", "y")
    results = harness.post_batch([labelled(harness.election, label), good]).json()["results"]
    assert [r["status"] for r in results] == [400, 201]
    assert results[0]["error"]["code"] == "text.whitespace"


def _spoofed_log(base: Path, election: ServiceElection) -> tuple[bytes, bytes, int]:
    """A log whose store holds a correction with :data:`REASON` and a registration with
    :data:`LABEL`, written straight into the store (as before the policy); their bytes
    and the correction's index."""
    ledger = election.open(base)
    tps = election.tps[0]
    receipt = ledger.submit(election.c_hasil(tps))
    ledger.close()
    correction = election.correction(tps, receipt, shifted(election.form(tps), 3), reason=REASON)
    registration = labelled(election, LABEL)
    with open_store(LogLayout(base / "data" / "log").store_file) as store:
        index = store.append(correction).index
        store.append(registration)
    return correction, registration, index


def test_a_log_holding_such_text_replays_serves_verifies_and_shows_it_neutralised(
    tmp_path: Path,
) -> None:
    election = ServiceElection()
    base = tmp_path / "serve"
    correction, registration, index = _spoofed_log(base, election)
    server = election_server(base, election)
    server.start()  # the replay takes what the log holds
    tps = election.tps[0]
    try:
        with server.client() as http:
            assert http.get(f"/v1/entries/{index}").content == correction
            for entry in (correction, registration):  # a replay: its receipt, not a refusal
                again = http.post("/v1/statements", content=entry, headers=JSON)
                assert again.status_code == 200 and again.json()["duplicate"], again.text
            fresh = election.correction(tps, _receipt_of(correction, index), reason=REASON)
            refused = http.post("/v1/statements", content=fresh, headers=JSON)
            assert refused.json()["error"]["code"] == "text.bidi-control"

            twin = wait_for(lambda: _corrected(http, tps), timeout=120)
            assert twin["history"][1]["reason"] == REASON  # the data as it is
            for lang in ("id", "en"):
                page = http.get(f"/tps/{tps}", params={"lang": lang}).text
                assert REASON_SHOWN in page
                assert not any(c in page for c in "\u202e\u202c\u2066\u2069\u200b")

        done = subprocess.run(
            [sys.executable, "-m", "saksi", "verify", server.url, "--log-key", server.vkey,
             "--regions", str(base / "files" / "regions.json"), "--state", str(tmp_path / "v")],
            check=False, cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, (done.stdout, done.stderr)
        assert done.stdout.startswith("VERIFIED / TERVERIFIKASI")
    finally:
        server.stop()


def _receipt_of(entry: bytes, index: int) -> Receipt:
    leaf = Envelope.model_validate_json(entry).leaf_hash_hex
    return Receipt(index, leaf, "accepted", False, "correction", (), None)


def _corrected(http: httpx.Client, tps: str) -> dict[str, object] | None:
    answer = http.get(f"/tps/{tps}.json")
    if answer.status_code != 200:
        return None
    twin: dict[str, object] = answer.json()
    history = twin.get("history")
    return twin if isinstance(history, list) and len(history) == 2 else None


def test_the_command_line_shows_such_text_neutralised(tmp_path: Path) -> None:
    statement = {"type": "c-hasil", "election": "x", "\u202eexe.txt": 1}
    path = tmp_path / "stmt.json"
    path.write_text(json.dumps(statement, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2
    assert "[U+202E]exe.txt" in result.output and "\u202e" not in result.output
