"""Text from a publication shown as it is, written from docs/format.md ("Text a reader
can trust"): every character of the table's classes (bidirectional controls,
invisible characters, controls, line and paragraph separators, noncharacters) and the
whitespace at either end of a text, as a visible ``[U+XXXX]``."""

from __future__ import annotations

import re

_CLASSES = (
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # text.bidi-control
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2065"
    "\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"  # text.invisible
    "\x00-\x1f\x7f-\x9f"  # text.control
    "\u2028\u2029"  # text.line-break
    "\ufdd0-\ufdef"  # text.noncharacter (and below: the last two of every plane)
)
_NONCHARACTERS = "".join(
    f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17)
)
_UNSAFE = re.compile(f"[{_CLASSES}{_NONCHARACTERS}]")
_WHITE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_EDGES = re.compile(f"^[{_WHITE}]+|[{_WHITE}]+$")


def _visible(match: re.Match[str]) -> str:
    return "".join(f"[U+{ord(c):04X}]" for c in match.group())


def shown(text: str) -> str:
    """``text`` with every character that would not show as it is made visible."""
    if _UNSAFE.search(text) is None and _EDGES.search(text) is None:
        return text
    return _EDGES.sub(_visible, _UNSAFE.sub(_visible, text))


__all__ = ["shown"]
