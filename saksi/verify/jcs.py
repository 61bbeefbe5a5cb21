"""Strict JSON and its canonical form (RFC 8785, JCS), as docs/format.md asks of an entry.

Written from docs/format.md ("Conventions", "Checks on an entry"), not from Saksi's
own encoder: :func:`parse` reads UTF-8 JSON refusing duplicate names, ``NaN``,
fractions, exponents and integers beyond +-(2^53 - 1); :func:`canonical` writes a
value in RFC 8785 form (members sorted by UTF-16 code units, no whitespace, only the
escapes JCS requires). An entry is canonical when ``canonical(parse(data)) == data``.

Errors come back as :class:`Refusal` (a code and a bilingual message), never as an
exception of the standard library.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

MAX_SAFE: Final = 2**53 - 1
_MAX_DIGITS: Final = 16  # 2^53 - 1 has 16 digits: anything longer is out of range


class Refusal(Exception):
    """A refused entry: a stable code of docs/format.md and a message in both languages."""

    def __init__(self, code: str, en: str, id_: str) -> None:
        super().__init__(f"[{code}] {en}")
        self.code = code
        self.en = en
        self.id = id_


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        name = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise Refusal(
            "input.json-duplicate-key",
            f"member {name!r} appears twice",
            f"anggota {name!r} muncul dua kali",
        )
    return out


def _float(text: str) -> Any:
    raise Refusal(
        "input.json-float",
        f"number {text[:40]} is not a whole number (format v1 has integers only)",
        f"angka {text[:40]} bukan bilangan bulat (format v1 hanya memuat bilangan bulat)",
    )


def _int(text: str) -> int:
    digits = len(text) - (text[0] == "-")
    value = int(text) if digits <= _MAX_DIGITS else MAX_SAFE + 1
    if -MAX_SAFE <= value <= MAX_SAFE:
        return value
    raise Refusal(
        "input.json-int-range",
        f"integer {text[:40]} is beyond +-(2^53 - 1)",
        f"bilangan bulat {text[:40]} melampaui +-(2^53 - 1)",
    )


def _constant(text: str) -> Any:
    raise Refusal("input.json-malformed", f"{text} is not JSON", f"{text} bukan JSON")


_DECODER = json.JSONDecoder(
    object_pairs_hook=_pairs, parse_float=_float, parse_int=_int, parse_constant=_constant
)


def parse(data: bytes) -> Any:
    """The JSON value of ``data`` (UTF-8), strictly; :class:`Refusal` otherwise."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal("input.not-utf8", "the entry is not UTF-8", "entri bukan UTF-8") from None
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise Refusal(
            "input.json-malformed",
            f"not JSON: {exc.msg} at byte {exc.pos}",
            f"bukan JSON: {exc.msg} pada posisi {exc.pos}",
        ) from None
    except RecursionError:
        raise Refusal(
            "input.json-too-deep", "the JSON is nested too deeply", "JSON bersarang terlalu dalam"
        ) from None


_FAST = json.JSONDecoder(parse_float=_float, parse_constant=_constant)
"""Python's own decoder, hooks only for what never appears in a valid entry."""
_DIGITS = bytes(b"0"[0] if b"0"[0] <= i <= b"9"[0] else b" "[0] for i in range(256))
_LONG = b"0" * 16
"""16 digits in a row (digits mapped to "0" by ``_DIGITS``, the rest to a space):
perhaps an integer beyond 2^53 - 1 (which has 16), perhaps not."""


def parse_canonical(data: bytes) -> Any:
    """:func:`parse` and :func:`require_canonical` of ``data`` in one, with the same
    result and the same refusal, faster for what is valid.

    The common case is read with Python's decoder without a hook per object or
    integer: its value is the strict one whenever its canonical form is ``data`` and
    ``data`` holds no run of 16 digits. A repeated member is kept once in the value, so
    its canonical form is shorter than ``data``; a fraction, an exponent, ``NaN`` and
    ``Infinity`` are refused by the hooks; an integer beyond +-(2^53 - 1) has at least
    16 digits. Anything else (and any refusal) is read again strictly, so that the
    refusal is the one :func:`parse` gives, in the order it finds them."""
    try:
        value = _FAST.decode(data.decode("utf-8"))
        if canonical(value) == data and _LONG not in data.translate(_DIGITS):
            return value
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, Refusal):
        pass
    value = parse(data)
    require_canonical(data, value)
    return value


_PLAIN = bytes(
    b"0"[0]
    if b"0"[0] <= i <= b"9"[0]
    else b":"[0]
    if i in b",["
    else i
    if i in b" \t\n\r\\:-"
    else b"."[0]
    for i in range(256)
)
"""Each digit to ``0``; ``,`` and ``[`` to ``:``; JSON's whitespace, the backslash, ``:``
and ``-`` kept; anything else to ``.``: what :func:`read_plain` looks for, found in
one translation."""
_GAPS: Final = (b" ", b"\t", b"\n", b"\r", b"\\", b":-0", _LONG)
"""What a plain entry's translation holds none of: JSON's whitespace, a backslash, a
negative number (``-`` and a digit after ``:``, ``,`` or ``[``), a run of 16 digits."""


def read_plain(data: bytes) -> tuple[Any, int] | None:
    """The value of a *plain* ``data`` and the number of object members its text
    holds; None if ``data`` is not plain (then :func:`parse_canonical` decides).

    ``data`` is plain when it is an object, ASCII, without JSON's whitespace, without a
    backslash, without a negative number (``-`` and a digit after ``:``, ``,`` or
    ``[``, where a number may start: the entries hold none), without a run of 16
    digits, and read by Python's decoder with the hooks of :func:`parse_canonical`.
    Such ``data`` is canonical when each object of the value has its names in
    ascending order and their number is the one returned here
    (:func:`members_in_order`), and, unless a string begins with a colon, only then:

    - without whitespace, the text is the value's tokens one after the other;
    - without a backslash, each string is written as it is, which is how the canonical
      form writes a string holding no quote, backslash or control character (one
      without a backslash holds none: the decoder refuses a raw control character);
    - an integer the decoder reads is written canonically unless it is ``-0``;
    - ``":`` is in the text at the end of each name and at the start of each string
      beginning with a colon, so the count returned is at least the text's names,
      which are at least the value's members (a repeated name is kept once): the two
      equal, no name is repeated (and no string begins with a colon: such an entry
      only goes the longer way);
    - with no name repeated and each object's names in ascending (code point, here
      UTF-16) order, the canonical form writes the members in the text's order."""
    if data[:1] != b"{" or not data.isascii():
        return None
    shown = data.translate(_PLAIN)
    if any(gap in shown for gap in _GAPS):
        return None
    try:
        value = _FAST.decode(data.decode("ascii"))
    except (json.JSONDecodeError, RecursionError, Refusal):
        return None
    return value, data.count(b'":')


def members_in_order(value: Any, skip: Any = None) -> int | None:
    """The number of object members within ``value`` (not counting those within the
    object ``skip``, which is counted elsewhere) if each object's names are in
    ascending order, else None."""
    if type(value) is list:
        total = 0
        for item in value:
            found = members_in_order(item, skip)
            if found is None:
                return None
            total += found
        return total
    if type(value) is not dict or value is skip:
        return 0
    names = list(value)
    if names != sorted(names):
        return None
    total = len(names)
    for item in value.values():
        if type(item) is dict or type(item) is list:
            found = members_in_order(item, skip)
            if found is None:
                return None
            total += found
    return total


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-be", "surrogatepass")


def _sorted_utf16(value: Any) -> Any:
    """``value`` with every object's members in UTF-16 order (dicts keep insertion order)."""
    if isinstance(value, dict):
        return {k: _sorted_utf16(value[k]) for k in sorted(value, key=_utf16)}
    if isinstance(value, list):
        return [_sorted_utf16(v) for v in value]
    return value


def canonical(value: Any) -> bytes:
    """RFC 8785 bytes of a JSON value of format v1 (integers, strings, booleans, null,
    arrays, objects). Python's encoder with sorted keys and no ASCII escaping writes
    exactly JCS's string escapes (``\\b \\f \\n \\r \\t``, ``\\u00xx`` in lower case for
    the other controls) and integers; only its key order differs from UTF-16 order,
    and only for names holding characters beyond U+FFFF, which are re-sorted here."""
    text = _ENCODE(value)
    if not text.isascii() and _ASTRAL.search(text):
        text = json.dumps(_sorted_utf16(value), ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise Refusal(
            "input.json-not-unicode",
            "a string holds a lone surrogate",
            "sebuah teks memuat surrogate tunggal",
        ) from None


def require_canonical(data: bytes, value: Any) -> None:
    """Refuse ``data`` unless it is the canonical form of ``value`` (its own parse)."""
    if canonical(value) != data:
        raise Refusal(
            "entry.not-canonical",
            "the entry is not in RFC 8785 canonical form",
            "entri tidak dalam bentuk kanonik RFC 8785",
        )


__all__ = [
    "MAX_SAFE",
    "Refusal",
    "canonical",
    "members_in_order",
    "parse",
    "parse_canonical",
    "read_plain",
    "require_canonical",
]
