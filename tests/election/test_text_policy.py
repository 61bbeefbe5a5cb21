"""The intake policy on text: a statement submitted now may hold no text that spoofs
what is displayed; a log that already holds such text replays as it is."""

from __future__ import annotations

import json
from typing import Any

import pytest

from saksi.election.envelope import Envelope, parse_entry, sign_statement
from saksi.election.intake import Intake, check_text
from saksi.election.statements import Manifest, parse_statement
from saksi.errors import InputError
from tests.election.factory import TPS_A, SmallElection, key, manifest
from tests.test_text import SPOOFS


def refusal(envelope: Envelope) -> InputError:
    with pytest.raises(InputError) as exc:
        check_text(envelope)
    return exc.value


ALLOWED_BY_V1 = [s for s in SPOOFS if s[0] >= " " and s[0] != "\x7f"]  # v1 lines: no C0, DEL


@pytest.mark.parametrize(("char", "code"), ALLOWED_BY_V1)
def test_every_class_is_refused_in_a_label_with_its_code(char: str, code: str) -> None:
    election = SmallElection.build()
    label = f"HP KPPS{char}1"
    envelope = election.register("kpu-kab-3173", "x", "kpps", TPS_A, label=label, submit=False)
    err = refusal(envelope)
    assert err.code == code
    assert err.details == {"field": "stmt.label", "char": f"U+{ord(char):04X}", "position": 7}
    assert "stmt.label" in err.message_en and "at character 8" in err.message_en
    assert "karakter ke-8" in err.message_id and "Text a reader can trust" in err.message_en


@pytest.mark.parametrize("reason", [" ", "   ", " perangkat hilang", "perangkat hilang\u3000"])
def test_blank_text_and_whitespace_at_an_end_are_refused(reason: str) -> None:
    election = SmallElection.build()
    envelope = election.revoke("kpu-kab-3173", f"kpps-{TPS_A}", reason=reason, submit=False)
    err = refusal(envelope)
    assert err.code == "text.whitespace" and err.details["field"] == "stmt.reason"


def manifest_with(path: tuple[Any, ...], text: str) -> Envelope:
    """The test manifest with the text at ``path`` of its wire form replaced."""
    data = manifest().wire()
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = text
    stmt = parse_statement(json.dumps(data))
    assert isinstance(stmt, Manifest)
    return sign_statement(stmt, key("kpu-ri"))


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("name",), "stmt.name"),
        (("contests", 0, "name"), "stmt.contests.0.name"),
        (("contests", 0, "pairs", 1, "president"), "stmt.contests.0.pairs.1.president"),
        (("root_keys", 0, "name"), "stmt.root_keys.0.name"),
    ],
)
def test_every_text_of_a_statement_is_looked_at(path: tuple[Any, ...], field: str) -> None:
    err = refusal(manifest_with(path, "Anies\u202e Baswedan"))
    assert err.code == "text.bidi-control" and err.details["field"] == field
    if path[0] == "contests":  # v1 gives a contest's text no line pattern
        assert refusal(manifest_with(path, "Anies\nBaswedan")).code == "text.control"


def test_ordinary_statements_pass() -> None:
    election = SmallElection.build()
    check_text(election.entries[0])
    for envelope in election.entries[1:]:
        check_text(envelope)
    check_text(election.c_hasil(f"kpps-{TPS_A}"))
    label = 'Laptop PPK Gambir — ruang 2 "pleno" \\ é'
    check_text(election.register("kpu-kab-3173", "x", "kpps", TPS_A, label=label, submit=False))


def test_a_submission_is_refused_but_a_replay_of_the_log_takes_it() -> None:
    """Format v1 does not forbid such text: Intake.admit (a statement submitted now)
    refuses it, admit_envelope (replaying what a log holds) takes it, unchanged."""
    election = SmallElection.build()
    entries = [e.to_bytes() for e in election.entries]
    spoof = election.register(
        "kpu-kab-3173", "x", "kpps", TPS_A, label="HP\u202e1", submit=False
    ).to_bytes()
    now = Intake.start(entries[0], region_exists=lambda code: True)
    for index, entry in enumerate(entries[1:], 1):
        now.record(now.admit(entry), index)
    with pytest.raises(InputError) as exc:
        now.admit(spoof)
    assert exc.value.code == "text.bidi-control"
    replay = Intake.start(entries[0], region_exists=lambda code: True)
    for index, entry in enumerate([*entries[1:], spoof], 1):
        replay.record(replay.admit_envelope(parse_entry(entry), entry), index)
    assert replay.authority.size == len(entries) + 1
