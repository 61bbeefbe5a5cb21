"""Text that would not show as it is, written from docs/format.md ("Text a reader can
trust"): the table's classes of characters (bidirectional controls, invisible
characters, controls, line and paragraph separators, noncharacters) and whitespace at
either end of a text.

:func:`shown` makes every such character visible as ``[U+XXXX]`` (the verifier's
report). :func:`problem` finds the first in a text and names its class: in a version 2
entry such text is a refusal of the format, with the class's code
(:func:`statement_problem` walks a statement's values and member names).
"""

from __future__ import annotations

import re
from typing import Any, Final

CLASSES: Final = (
    ("text.bidi-control", "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"),
    (
        "text.invisible",
        "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2060-\u2065"
        "\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
        "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
        "\ufff9-\ufffb",  # the interlinear annotation marks
    ),
    ("text.control", "\x00-\x1f\x7f-\x9f"),
    ("text.line-break", "\u2028\u2029"),
    (
        "text.noncharacter",
        "\ufdd0-\ufdef"
        + "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(17)),
    ),
)
"""(code, a regular expression class's characters), in the table's order."""
WHITESPACE: Final = "text.whitespace"
_BY_CLASS = tuple((code, re.compile(f"[{chars}]")) for code, chars in CLASSES)
_UNSAFE = re.compile(f"[{''.join(chars for _, chars in CLASSES)}]")
_WHITE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""Unicode White_Space."""
_EDGES = re.compile(f"^[{_WHITE}]+|[{_WHITE}]+$")
_MAYBE: Final = re.compile(rb'[\x7f-\xff]|\\[bfnrtu]|" | "')
"""What canonical JSON bytes show of such text: a byte beyond ASCII or DEL, an escape
(JCS escapes every control character), a space next to a quote."""


def _visible(match: re.Match[str]) -> str:
    return "".join(f"[U+{ord(c):04X}]" for c in match.group())


def shown(text: str) -> str:
    """``text`` with every character that would not show as it is made visible."""
    if _UNSAFE.search(text) is None and _EDGES.search(text) is None:
        return text
    return _EDGES.sub(_visible, _UNSAFE.sub(_visible, text))


def problem(text: str) -> tuple[str, int, int] | None:
    """``(code, character, position)`` of the first character of the table's classes in
    ``text`` (its position in code points, from 0), else of whitespace at its start or
    end; None if it shows as it is."""
    found = _UNSAFE.search(text)
    if found is not None:
        char = found.group()
        code = next(code for code, pattern in _BY_CLASS if pattern.match(char))
        return code, ord(char), found.start()
    edge = _EDGES.search(text)
    if edge is not None:
        return WHITESPACE, ord(edge.group()[0]), edge.start()
    return None


def statement_problem(value: Any, path: str = "stmt") -> tuple[str, str, int, int] | None:
    """``(field, code, character, position)`` of a text of ``value`` (a string, or every
    member name and value of an object or list, in their order) that would not show as
    it is, or None."""
    if type(value) is str:
        found = problem(value)
        return None if found is None else (path, *found)
    if type(value) is dict:
        for name in value:
            found = problem(name)
            if found is not None:
                return (f"{path}.{name}", *found)
        for name, item in value.items():
            inner = statement_problem(item, f"{path}.{name}")
            if inner is not None:
                return inner
    elif type(value) is list:
        for i, item in enumerate(value):
            inner = statement_problem(item, f"{path}.{i}")
            if inner is not None:
                return inner
    return None


def may_hold_problem(stmt_bytes: bytes) -> bool:
    """False when a statement's canonical bytes cannot hold such text (most cannot).

    The same answer as searching :data:`_MAYBE` alone, faster for what holds none of
    it: bytes that are ASCII and hold neither DEL, a backslash, nor a space beside a
    quote cannot match it (a few passes of C over the bytes instead of the regular
    expression's alternatives tried at every byte)."""
    if (
        stmt_bytes.isascii()
        and b"\x7f" not in stmt_bytes
        and b"\\" not in stmt_bytes
        and b'" ' not in stmt_bytes
        and b' "' not in stmt_bytes
    ):
        return False
    return _MAYBE.search(stmt_bytes) is not None


__all__ = ["CLASSES", "WHITESPACE", "may_hold_problem", "problem", "shown", "statement_problem"]
