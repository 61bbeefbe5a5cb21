"""RFC 8785 (JCS) canonical JSON: the one byte form of every statement and entry.

Saksi signs and logs bytes, so every value must have exactly one byte form.
:func:`canonical_json` encodes; :func:`parse_canonical` decodes strictly and refuses
any input that is not already in canonical form (whitespace, key order, escapes,
number spelling).

Saksi's statements hold only whole numbers, so floats are refused outright (a count
is never ``12.0``), as are integers beyond I-JSON's exact range (±(2^53 - 1)), where
two implementations could disagree on the value.

For speed, values whose object keys are all ASCII are encoded with the standard
library's C encoder, which produces the same bytes as RFC 8785 for strings,
integers, booleans, null, arrays and ASCII-keyed objects (equality checked by a
property test); anything else goes through the ``rfc8785`` package.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

from saksi.election.wire import MAX_SAFE_INTEGER, integer_size, loads
from saksi.errors import InputError


class _Refused(Exception):
    """Internal: a value JCS cannot carry, with the path to it (innermost last)."""

    def __init__(self, code: str, en: str, id_: str, value: str) -> None:
        super().__init__(code)
        self.code, self.en, self.id_, self.value = code, en, id_, value
        self.path: list[str] = []


def _check(value: Any) -> bool:
    """Walk ``value``: refuse floats, unsafe integers and non-JSON types.

    Returns True when every object key is ASCII (the fast encoder is then exact).
    """
    if isinstance(value, str) or value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return True
        raise _Refused(
            "input.json-int-range",
            "integer outside the exact JSON range ±(2^53 - 1)",
            "bilangan bulat di luar jangkauan tepat JSON ±(2^53 - 1)",
            str(value) if value.bit_length() < 200 else integer_size(value),
        )
    if isinstance(value, float):
        raise _Refused(
            "input.json-float",
            "numbers in Saksi statements are whole numbers (no fractions, no 12.0)",
            "angka dalam pernyataan Saksi harus bilangan bulat (tanpa pecahan, bukan 12.0)",
            repr(value),
        )
    if isinstance(value, dict):
        return _check_object(value)
    if isinstance(value, list | tuple):
        ascii_keys = True
        for i, item in enumerate(value):
            try:
                ascii_keys = _check(item) and ascii_keys
            except _Refused as exc:
                exc.path.append(str(i))
                raise
        return ascii_keys
    raise _Refused(
        "input.json-type",
        f"{type(value).__name__} is not a JSON value",
        f"{type(value).__name__} bukan nilai JSON",
        type(value).__name__,
    )


def _check_object(value: dict[Any, Any]) -> bool:
    ascii_keys = True
    for key, item in value.items():
        if not isinstance(key, str):
            raise _Refused(
                "input.json-type",
                "JSON object keys must be strings",
                "kunci objek JSON harus berupa teks",
                repr(key),
            )
        ascii_keys = ascii_keys and key.isascii()
        try:
            ascii_keys = _check(item) and ascii_keys
        except _Refused as exc:
            exc.path.append(key)
            raise
    return ascii_keys


def canonical_json(obj: Any) -> bytes:
    """The RFC 8785 canonical bytes of ``obj``; InputError for what JCS cannot carry."""
    try:
        ascii_keys = _check(obj)
    except _Refused as exc:
        path = ".".join(reversed(exc.path)) or "(root)"
        raise InputError(
            code=exc.code,
            en=f"cannot encode {path}: {exc.en} (got {exc.value})",
            id=f"tidak dapat dikodekan {path}: {exc.id_} (nilai {exc.value})",
            field=path,
        ) from None
    except RecursionError:
        raise InputError(
            code="input.json-too-deep",
            en="value is nested too deeply",
            id="nilai bersarang terlalu dalam",
        ) from None
    try:
        if ascii_keys:
            text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            return text.encode("utf-8")
        return bytes(rfc8785.dumps(obj))
    except (UnicodeEncodeError, rfc8785.CanonicalizationError):
        raise InputError(
            code="input.json-not-unicode",
            en="text contains characters that are not valid Unicode (lone surrogates)",
            id="teks memuat karakter Unicode yang tidak sah (surrogate tunggal)",
        ) from None


def _too_deep() -> InputError:
    return InputError(
        code="input.json-too-deep",
        en="value is nested too deeply",
        id="nilai bersarang terlalu dalam",
    )


def parse_canonical(data: bytes, what: str = "entry") -> Any:
    """Decode ``data`` strictly and require that it is already canonical JSON.

    InputError ``input.json-*`` when it is not JSON at all (see
    :func:`saksi.election.wire.loads`), ``entry.not-canonical`` when it is JSON but
    not in its one RFC 8785 byte form.
    """
    obj = loads(data, what)
    expected = canonical_json(obj)
    if expected != data:
        raise _not_canonical(expected, data, what)
    return obj


def _not_canonical(expected: bytes, data: bytes, what: str) -> InputError:
    offset = first_difference(expected, data)
    tail = data[offset:] if data.startswith(expected) else b""
    if tail and not tail.strip(b"\r\n"):
        count = tail.count(b"\n") + tail.count(b"\r") - tail.count(b"\r\n")
        en = "a trailing newline" if count == 1 else f"{count} trailing newlines"
        id_ = "baris baru (newline)" if count == 1 else f"{count} baris baru (newline)"
        return InputError(
            code="entry.not-canonical",
            en=(
                f"{what} ends with {en} at byte {offset}, as `>` and text editors leave it: "
                f"the {what} ends at its closing brace; save or send it without "
                f"{'it' if count == 1 else 'them'}"
            ),
            id=(
                f"{what} diakhiri {id_} pada byte ke-{offset}, seperti yang ditinggalkan `>` "
                f"dan penyunting teks: {what} berakhir pada kurung kurawal penutupnya; simpan "
                "atau kirim tanpa baris baru itu"
            ),
            offset=offset,
            trailing_newlines=count,
        )
    return InputError(
        code="entry.not-canonical",
        en=(
            f"{what} is not canonical JSON (RFC 8785): first difference at byte {offset}; "
            "whitespace, key order, string escapes and number spelling must follow RFC 8785"
        ),
        id=(
            f"{what} bukan JSON kanonik (RFC 8785): beda pertama pada byte ke-{offset}; "
            "spasi, urutan kunci, escape teks dan penulisan angka harus mengikuti RFC 8785"
        ),
        offset=offset,
    )


def first_difference(a: bytes, b: bytes) -> int:
    """The offset of the first byte where ``a`` and ``b`` differ (or the shorter length)."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


__all__ = ["MAX_SAFE_INTEGER", "canonical_json", "first_difference", "parse_canonical"]
