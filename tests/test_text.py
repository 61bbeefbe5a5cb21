"""saksi.text: what spoofs the display of text, found (intake) and neutralised (display)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saksi.dashboard.html import esc
from saksi.text import CLASSES, UNSAFE_RANGES, display_text, text_problem

SPOOFS = [
    ("\u202e", "text.bidi-control"),  # right-to-left override
    ("\u202a", "text.bidi-control"),
    ("\u2066", "text.bidi-control"),
    ("\u2069", "text.bidi-control"),
    ("\u200e", "text.bidi-control"),
    ("\u200f", "text.bidi-control"),
    ("\u061c", "text.bidi-control"),
    ("\u2028", "text.line-break"),
    ("\u2029", "text.line-break"),
    ("\u0085", "text.control"),  # next line (C1)
    ("\u009b", "text.control"),
    ("\x01", "text.control"),
    ("\x7f", "text.control"),
    ("\n", "text.control"),
    ("\u200b", "text.invisible"),  # zero-width space
    ("\u200c", "text.invisible"),
    ("\u200d", "text.invisible"),
    ("\u2060", "text.invisible"),  # word joiner
    ("\ufeff", "text.invisible"),  # byte order mark
    ("\u00ad", "text.invisible"),  # soft hyphen
    ("\ufe0f", "text.invisible"),
    ("\U000e0041", "text.invisible"),  # a tag character
    ("\uffff", "text.noncharacter"),
    ("\ufffe", "text.noncharacter"),
    ("\ufdd0", "text.noncharacter"),
    ("\U0010ffff", "text.noncharacter"),
]
SAFE = ["HP KPPS 1", "Laptop PPK Gambir", "KPU RI", "Prabowo Subianto", "hitung ulang <PPK>",
        "Nasí goreng", "ÉCOLE", "1 2 3", "جاكرتا", "雅加达", "a\u00a0b", "—"]  # fmt: skip


@pytest.mark.parametrize(("char", "code"), SPOOFS)
def test_each_class_is_found_with_its_code_and_place(char: str, code: str) -> None:
    problem = text_problem(f"HP KPPS{char}1")
    assert problem is not None
    assert (problem.code, problem.char, problem.position) == (code, ord(char), 7)
    assert problem.char_name == f"U+{ord(char):04X}"
    assert problem.what_en and problem.what_id and problem.what_en != problem.what_id


@pytest.mark.parametrize(
    ("text", "what"),
    [(" ", "only"), ("   ", "only"), ("\u3000", "only"), (" KPU", "start or end"),
     ("KPU ", "start or end"), ("KPU\u00a0", "start or end"), ("\u2003KPU", "start or end")],
)  # fmt: skip
def test_blank_text_and_text_with_whitespace_at_an_end_are_found(text: str, what: str) -> None:
    problem = text_problem(text)
    assert problem is not None and problem.code == "text.whitespace"
    assert what in problem.what_en


@pytest.mark.parametrize("text", SAFE)
def test_ordinary_text_is_safe_and_shown_unchanged(text: str) -> None:
    assert text_problem(text) is None
    assert display_text(text) == text is display_text(text)


@pytest.mark.parametrize(("char", "code"), SPOOFS)
def test_display_shows_each_such_character_as_its_code_point(char: str, code: str) -> None:
    shown = display_text(f"a{char}b")
    assert shown == f"a[U+{ord(char):04X}]b"
    assert text_problem(shown) is None  # what is shown is itself safe to show


def test_display_marks_the_ends_and_keeps_line_feeds_when_asked() -> None:
    assert display_text(" KPU ") == "[U+0020]KPU[U+0020]"
    assert display_text("  ") == "[U+0020][U+0020]"
    assert display_text("a\nb") == "a[U+000A]b"
    assert display_text("a\nb\n", newlines=True) == "a\nb\n"
    assert display_text("  --witness x \\\n    --quorum 1", newlines=True) == (
        "[U+0020][U+0020]--witness x \\\n    --quorum 1"
    )
    assert display_text("\u202eabc\n", newlines=True) == "[U+202E]abc\n"
    assert display_text("\ttab\r\n", newlines=True) == "[U+0009]tab[U+000D]\n"
    assert display_text("txt.\u202eexe") == "txt.[U+202E]exe"


@given(st.text())
def test_what_is_shown_is_always_safe_and_keeps_safe_text(text: str) -> None:
    shown = display_text(text)
    assert text_problem(shown) is None
    if text_problem(text) is None:
        assert shown == text


def test_the_classes_are_disjoint_and_bidi_controls_are_unicodes() -> None:
    """The bidi controls are Unicode's Bidi_Control property exactly (the marks, the
    embeddings, overrides and isolates), and no character is in two classes."""
    bidi = {c for lo, hi in CLASSES[0][1] for c in range(lo, hi + 1)}
    assert bidi == {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
    assert {unicodedata.bidirectional(chr(c)) for c in bidi} >= {"RLO", "LRE", "LRI", "PDI"}
    seen: set[int] = set()
    for _, ranges, _, _ in CLASSES:
        chars = {c for lo, hi in ranges for c in range(lo, hi + 1)}
        assert not chars & seen
        seen |= chars
    assert list(UNSAFE_RANGES) == sorted(UNSAFE_RANGES)
    assert all(lo <= hi for lo, hi in UNSAFE_RANGES)


def test_the_dashboards_one_escaping_function_shows_text_as_it_is() -> None:
    assert esc("txt.\u202eexe <b>") == "txt.[U+202E]exe &lt;b&gt;"
    assert esc(" ") == "[U+0020]"
    assert esc("— note\n") == "— note\n"  # a signed note in a <pre> keeps its lines
    assert esc(12) == "12"
