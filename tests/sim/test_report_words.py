"""The demo's report in words: Bahasa Indonesia with English beside it, every count
that differs from the faults injected explained, progress when piped.

Read from the shared small night (tests/sim/conftest.py: a real `saksi demo
--headless`, its output piped), and from reports made up for the cases a small
night may not meet.
"""

from __future__ import annotations

import copy
import re
from io import StringIO
from typing import Any

import pytest
from rich.console import Console

from saksi.cli.demo import print_report
from saksi.sim.explain import PHASES, SAID, both, every_words, notes
from saksi.sim.faults import Fault
from tests.sim.conftest import Run

ENGLISH_ONLY = {
    "accepted", "after", "alarms", "and", "append", "answered", "back", "by", "caught",
    "check", "copy", "corrected", "counted", "dispute", "durable", "entries", "equal",
    "every", "false", "fault", "faults", "first", "flag", "flagged", "form", "held",
    "idempotent", "in", "inconsistent", "injected", "kept", "killed", "logged", "of",
    "once", "out", "publishing", "receipt", "receipts", "refused", "reported", "resent",
    "restart", "restarting", "service", "signature", "starting", "still", "stored", "the",
    "totals", "truth", "type", "verified", "witness", "with",
}  # fmt: skip
"""English words that must not stand on the Indonesian side of a label."""
CODE = re.compile(r"\b[a-z]+(?:\.[a-z]+)*\.[a-z0-9-]+\b|`[^`]*`|saksi verify")
"""Codes (auth.revoked, truth.json, tps.missing), commands: the same in both languages."""


def english_on_the_indonesian_side(indonesian: str) -> set[str]:
    words = re.findall(r"[A-Za-z]+", CODE.sub(" ", indonesian))
    return {w for w in words if w.lower() in ENGLISH_ONLY}


def test_the_indonesian_side_has_no_english_only_terms(night: Run) -> None:
    for indonesian, english in every_words(night.report):
        assert indonesian and english and indonesian != english, (indonesian, english)
        assert not english_on_the_indonesian_side(indonesian), indonesian


def test_the_word_list_catches_the_old_terms() -> None:
    assert english_on_the_indonesian_side("idempotent append (the first receipt again)")
    assert english_on_the_indonesian_side("durable receipts")
    assert not english_on_the_indonesian_side(
        "ditolak (auth.duplicate-form), tps.held di truth.json"
    )


def test_every_label_is_shown_in_both_languages_and_none_twice(night: Run) -> None:
    console = Console(file=StringIO(), width=250, no_color=True)
    print_report(console, night.report, None)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    rows = [w for w in every_words(night.report) if w not in (*PHASES.values(), *SAID.values())]
    for indonesian, english in rows:
        assert indonesian.strip() in shown and english.strip() in shown, (indonesian, english)
    labels = [w[0].strip() for w in rows]
    assert len(labels) == len(set(labels)), "two rows with the same Indonesian label"


def test_the_piped_report_has_no_english_only_row(night: Run) -> None:
    assert "Pernyataan / Statements" in night.stdout
    for old in ("idempotent", "durable receipts", "ditandai / flagged (receipts)"):
        assert old not in night.stdout


def test_each_count_that_differs_from_the_faults_is_explained(night: Run) -> None:
    report, truth = night.report, night.truth
    said = [n["en"] for n in report["notes"]]
    assert said == [en for _, en in notes(report, truth)]
    for note in report["notes"]:  # on screen too, in both languages
        assert f"- {note['id']}" in night.stdout and f"({note['en']})" in night.stdout
    if truth["tps"]["missing"]:
        assert any("never sent their form" in n for n in said)
    held = report["statements"]["by_status"].get("inconsistent", 0)
    assert any(f"of the {held:,} held forms" in n for n in said)
    disputes = {f["where"] for f in report["faults"] if f["fault"] == "dispute"}
    if len(disputes) < report["faults_by_kind"]["dispute"]["injected"]:
        assert any("a TPS with two disputing copies counts once" in n for n in said)
    others = set(report["published_tps"]["dispute"]) - disputes
    if others:
        assert any(f"{len(others)} more TPS are in dispute: their KPPS form had a" in n
                   for n in said)  # fmt: skip
    if report["published_tps"]["flagged"]:
        assert any("TPS flagged by screening" in n for n in said)
    retries = report["faults_by_kind"]["retry"]["injected"]
    if report["statements"]["duplicates"] > retries:
        assert any("more resends than the" in n for n in said)


def _made_up(night: Run) -> tuple[dict[str, Any], dict[str, Any]]:
    return copy.deepcopy(night.report), copy.deepcopy(night.truth)


def test_a_resend_after_the_crash_is_explained(night: Run) -> None:
    report, truth = _made_up(night)
    report["statements"]["duplicates"] = report["faults_by_kind"]["retry"]["injected"] + 4
    (note,) = [n for n in notes(report, truth) if "resend" in n[1]]
    assert note[1].startswith("4 more resends than the")
    assert "first receipt, stored once" in note[1]
    assert "tanda terima pertama, tersimpan sekali" in note[0]


def test_a_refusal_count_that_differs_from_its_faults_is_explained(night: Run) -> None:
    report, truth = _made_up(night)
    report["statements"]["refused_by_code"]["auth.revoked"] += 2
    (note,) = [n for n in notes(report, truth) if "auth.revoked" in n[1]]
    assert "a fault can be caught first by another check" in note[1]
    assert "tertangkap lebih dulu oleh pemeriksaan lain" in note[0]


def test_a_fault_not_caught_is_said_with_what_happened(night: Run) -> None:
    report, truth = _made_up(night)
    missed = next(f for f in report["faults"] if f["fault"] == Fault.FORGED.value)
    missed["caught"], missed["by"] = False, "logged as entry 7 (accepted)"
    (note,) = [n for n in notes(report, truth) if "NOT caught" in n[1]]
    assert note == (
        "1 tanda tangan palsu TIDAK tertangkap, misalnya: logged as entry 7 (accepted)",
        "1 forged signature NOT caught, e.g.: logged as entry 7 (accepted)",
    )


@pytest.mark.parametrize("phase", ["keys", "tps", "publishing", "verify"])
def test_a_piped_night_says_each_phase_and_where_it_stands(night: Run, phase: str) -> None:
    label = both(PHASES[phase])
    assert f"... {label}" in night.stderr
    assert f"... selesai / done: {label}" in night.stderr


def test_a_piped_night_prints_progress_lines(night: Run) -> None:
    progress = [line for line in night.stderr.splitlines() if "; log " in line]
    assert progress, night.stderr  # every half second (--progress-every 0.5)
    phases = "|".join(re.escape(both(words)) for words in PHASES.values())
    shape = re.compile(
        rf"\.\.\. ({phases}):( [\d,]+/[\d,]+ \(\d+%\))? \d+ s; log [\d,]+ · ditahan/held "
    )
    assert all(shape.match(line) for line in progress), progress
