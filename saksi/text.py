"""Text a reader can trust: what spoofs the display of text, found and neutralised.

A statement's free text (a key's label, a correction's reason, a manifest's names) is
read by people: on the dashboard, in the command line's output, in the entry app.
Some characters make text display as something other than what it is:

=====================  ============================================================
``text.bidi-control``  U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069: they
                       reorder what follows (U+202E shows ``exe.txt`` for ``txt.exe``)
``text.invisible``     the other default-ignorable code points (zero-width space and
                       joiners U+200B-U+200D, word joiner U+2060, BOM U+FEFF, soft
                       hyphen U+00AD, variation selectors, tag characters, ...) and
                       the interlinear annotation marks U+FFF9-U+FFFB: shown as
                       nothing, so two different texts look the same
``text.control``       C0 and C1 controls, U+0000-U+001F and U+007F-U+009F (U+0085
                       next line among them)
``text.line-break``    U+2028 line separator, U+2029 paragraph separator
``text.noncharacter``  U+FDD0-U+FDEF and the last two code points of every plane
                       (U+FFFE, U+FFFF, U+1FFFE, ...): never meant to be shown
``text.whitespace``    text that is only whitespace, or that starts or ends with it
=====================  ============================================================

:func:`text_problem` finds the first of them in a text (the intake policy of the
submission service refuses it: docs/format.md, "Text a reader can trust"), and
:func:`display_text` neutralises every one of them for showing: each such character
becomes a visible ``[U+XXXX]``, so nothing is hidden and nothing reorders the text
around it. Every display of text from a log or a publication goes through
:func:`display_text` (the dashboard's one escaping function, the command line's
diagnostics and reports); the entry app carries the same character classes
(``saksi/app/static/text.js``, checked against :data:`UNSAFE_RANGES` by a test).

This module is a leaf: it imports nothing of Saksi, so the error tree can use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = [
    "CLASSES",
    "UNSAFE_RANGES",
    "TextProblem",
    "display_text",
    "text_problem",
]

Ranges = tuple[tuple[int, int], ...]
"""Inclusive code point ranges."""

BIDI_CONTROLS: Final[Ranges] = (
    (0x061C, 0x061C),
    (0x200E, 0x200F),
    (0x202A, 0x202E),
    (0x2066, 0x2069),
)
INVISIBLE: Final[Ranges] = (  # Default_Ignorable_Code_Point less the bidi controls, + U+FFF9-B
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200D),
    (0x2060, 0x2065),
    (0x206A, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFFB),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
CONTROLS: Final[Ranges] = ((0x0000, 0x001F), (0x007F, 0x009F))
LINE_BREAKS: Final[Ranges] = ((0x2028, 0x2029),)
NONCHARACTERS: Final[Ranges] = (
    (0xFDD0, 0xFDEF),
    *((plane + 0xFFFE, plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)),
)

CLASSES: Final[tuple[tuple[str, Ranges, str, str], ...]] = (
    (
        "text.bidi-control",
        BIDI_CONTROLS,
        "a bidirectional control character, which reorders how the text is shown",
        "karakter kendali dua arah, yang mengubah urutan tampilan teks",
    ),
    (
        "text.invisible",
        INVISIBLE,
        "an invisible character (zero-width, byte order mark, soft hyphen, ...)",
        "karakter tak terlihat (lebar nol, tanda urutan byte, tanda hubung lunak, ...)",
    ),
    (
        "text.control",
        CONTROLS,
        "a control character",
        "karakter kendali",
    ),
    (
        "text.line-break",
        LINE_BREAKS,
        "a line or paragraph separator",
        "pemisah baris atau paragraf",
    ),
    (
        "text.noncharacter",
        NONCHARACTERS,
        "a Unicode noncharacter",
        "nonkarakter Unicode",
    ),
)
"""(code, ranges, English, Bahasa Indonesia) of each class of character refused."""

UNSAFE_RANGES: Final[Ranges] = tuple(sorted(r for _, ranges, _, _ in CLASSES for r in ranges))
"""Every character :func:`display_text` neutralises wherever it is."""


def _class_pattern(ranges: Ranges) -> str:
    return "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in ranges
    )


_UNSAFE: Final = re.compile(f"[{_class_pattern(UNSAFE_RANGES)}]")
_UNSAFE_BUT_LINE_FEED: Final = re.compile(
    f"[{_class_pattern(tuple((lo, hi) for lo, hi in UNSAFE_RANGES if lo > 0x0A or hi < 0x0A))}"
    f"{_class_pattern(((0x00, 0x09), (0x0B, 0x1F)))}]"
)
_EDGE_SPACE: Final = re.compile(r"\A\s+|\s+\Z")
_EDGE_SPACE_BUT_LINE_FEED: Final = re.compile(r"\A[^\S\n]+|[^\S\n]+\Z")


@dataclass(frozen=True, slots=True)
class TextProblem:
    """Why a text may not be shown as it is: the class's code, the character (as a code
    point) and where it is (0-based, in code points)."""

    code: str
    char: int
    position: int
    what_en: str
    what_id: str

    @property
    def char_name(self) -> str:
        """The character as ``U+XXXX``."""
        return f"U+{self.char:04X}"


def _class(char: int) -> tuple[str, str, str]:
    for code, ranges, en, id_ in CLASSES:
        if any(lo <= char <= hi for lo, hi in ranges):
            return code, en, id_
    raise ValueError(f"U+{char:04X} is not in any class")  # pragma: no cover


def text_problem(text: str) -> TextProblem | None:
    """The first thing in ``text`` that spoofs its display (see the module docstring),
    or None when it is safe to show as it is."""
    found = _UNSAFE.search(text)
    if found is not None:
        char = ord(found.group())
        code, en, id_ = _class(char)
        return TextProblem(code, char, found.start(), en, id_)
    edge = _EDGE_SPACE.search(text)
    if edge is not None:
        en, id_ = (
            ("only whitespace", "hanya spasi")
            if edge.group() == text
            else ("whitespace at its start or end", "spasi di awal atau akhirnya")
        )
        return TextProblem("text.whitespace", ord(edge.group()[0]), edge.start(), en, id_)
    return None


def _visible(match: re.Match[str]) -> str:
    return "".join(f"[U+{ord(c):04X}]" for c in match.group())


def display_text(text: str, *, newlines: bool = False) -> str:
    """``text`` as it may be shown: every character of the classes above, and the
    whitespace at either end, as a visible ``[U+XXXX]``. With ``newlines`` (text laid
    out in lines: a signed note, a block of commands), line feeds stay line feeds."""
    unsafe = _UNSAFE_BUT_LINE_FEED if newlines else _UNSAFE
    edges = _EDGE_SPACE_BUT_LINE_FEED if newlines else _EDGE_SPACE
    if unsafe.search(text) is None and edges.search(text) is None:
        return text  # the common case: nothing to do
    return edges.sub(_visible, unsafe.sub(_visible, text))
