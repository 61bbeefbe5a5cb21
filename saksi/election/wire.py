"""Strict, frozen wire models and the parsers that turn bad input into SchemaError.

Every type that crosses a boundary (file, HTTP, log entry) derives from
:class:`WireModel`: ``strict=True`` (JSON ``false``, ``"12"`` or ``12.0`` is never a
count), ``extra="forbid"`` (unknown fields are refused, not dropped) and ``frozen``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Final, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from saksi.errors import InputError, SaksiError, SchemaError


class FieldInvalid(ValueError):
    """A validator's refusal with its bilingual text (shown by SchemaError); ``error``,
    the refusal with its own code, when there is one (a key that is not a usable point
    is ``key.invalid-point``, not ``input.schema``: see :func:`~saksi.election.wire.schema_error`).
    """

    def __init__(self, message_en: str, message_id: str, error: SaksiError | None = None) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_id = message_id
        self.error = error


MAX_SAFE_INTEGER: Final = 2**53 - 1
"""The largest integer a JSON number carries exactly (RFC 7493, I-JSON)."""

Count = Annotated[int, Field(strict=True, ge=0, le=999)]
"""A number written in a three-digit box of a KPU form: 0..999."""

Sha256Hex = Annotated[str, Field(strict=True, pattern=r"^[0-9a-f]{64}$")]
"""A SHA-256 digest as 64 lower-case hex digits (photo references)."""

M = TypeVar("M", bound=BaseModel)


class WireModel(BaseModel):
    """Base of every wire type: strict, closed, immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


_MESSAGES: dict[str, tuple[str, str]] = {
    # pydantic error type -> (Bahasa Indonesia, English)
    "missing": ("isian wajib tidak ada", "required field is missing"),
    "extra_forbidden": ("isian tidak dikenal", "unknown field"),
    "int_type": (
        "harus bilangan bulat (bukan teks, pecahan, atau true/false)",
        "must be a whole number (not text, a fraction or true/false)",
    ),
    "greater_than_equal": ("tidak boleh negatif / terlalu kecil", "is below the minimum"),
    "less_than_equal": (
        "melebihi batas (kotak formulir hanya 3 digit, maks. 999)",
        "is above the maximum (form boxes hold 3 digits, at most 999)",
    ),
    "string_type": ("harus berupa teks", "must be a string"),
    "string_pattern_mismatch": ("format tidak sah", "has an invalid format"),
    "dict_type": ("harus berupa objek JSON", "must be a JSON object"),
    "list_type": ("harus berupa daftar JSON", "must be a JSON array"),
    "tuple_type": ("harus berupa daftar JSON", "must be a JSON array"),
    "literal_error": ("nilai tidak diizinkan", "value is not one of the allowed values"),
    "union_tag_invalid": ("jenis tidak dikenal", "unknown type tag"),
    "union_tag_not_found": ("jenis tidak disebutkan", "type tag is missing"),
    "bool_type": ("harus true atau false", "must be true or false"),
    "too_long": ("terlalu panjang", "is too long"),
    "too_short": ("terlalu pendek", "is too short"),
    "value_error": ("nilai tidak sah", "invalid value"),
    "datetime_type": ("harus waktu RFC 3339", "must be an RFC 3339 time"),
    "model_type": ("harus berupa objek JSON", "must be a JSON object"),
    "model_attributes_type": ("harus berupa objek JSON", "must be a JSON object"),
    "float_type": ("harus berupa angka", "must be a number"),
    "json_invalid": ("bukan JSON yang sah", "is not valid JSON"),
}


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(root)"


def _cause(err: Mapping[str, Any]) -> Any:
    """A custom validator's own refusal (statements.FieldInvalid), or None."""
    cause = (err.get("ctx") or {}).get("error") if err.get("type") == "value_error" else None
    return cause if hasattr(cause, "message_en") else None


def _field_error(err: Mapping[str, Any]) -> dict[str, Any]:
    kind = str(err.get("type", "value_error"))
    msg_id, msg_en = _MESSAGES.get(kind, ("nilai tidak sah", str(err.get("msg", kind))))
    cause = _cause(err)  # custom validators put their own bilingual text in the context
    if cause is not None:
        msg_id, msg_en = cause.message_id, cause.message_en
    field = _field_path(tuple(err.get("loc", ())))
    return {
        "field": field,
        "type": kind,
        "message_id": msg_id,
        "message_en": msg_en,
        "input": _safe_input(err.get("input")),
    }


def _safe_input(value: Any) -> Any:
    """Echo small scalar inputs back (they help the user); never whole documents."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
        return f"<{integer_size(value)}>"
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, str):
        return value if len(value) <= 80 else value[:77] + "..."
    return f"<{type(value).__name__}>"


def schema_error(exc: ValidationError, what: str) -> SaksiError:
    """Translate a pydantic ValidationError into Saksi's bilingual SchemaError; or, when
    the one field refused was refused for a reason with its own code (a key that is not
    a usable Ed25519 point: ``key.invalid-point``), that refusal, naming the field."""
    found = exc.errors()
    errors = [_field_error(e) for e in found]
    first = errors[0]
    own = getattr(_cause(found[0]), "error", None) if len(found) == 1 else None
    if isinstance(own, SaksiError):
        return type(own)(
            code=own.code,
            en=f"{what}: {first['field']}: {own.message_en}",
            id=f"{what}: {first['field']}: {own.message_id}",
            **{**own.details, "field": first["field"], "errors": errors},
        )
    more = f" (+{len(errors) - 1})" if len(errors) > 1 else ""
    return SchemaError(
        code="input.schema",
        en=f"{what}: {first['field']} {first['message_en']}{more}",
        id=f"{what}: {first['field']} {first['message_id']}{more}",
        errors=errors,
    )


def parse_model(cls: type[M], data: Any, what: str | None = None) -> M:
    """Validate ``data`` (already decoded JSON) as ``cls``; SchemaError on any problem.

    Validation runs in pydantic's JSON mode (the data is re-encoded), so that strict
    models take JSON arrays for tuples exactly as they would from the wire.
    """
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise InputError(
            code="input.not-json-data",
            en=f"{what or cls.__name__} is not JSON data",
            id=f"{what or cls.__name__} bukan data JSON",
        ) from None
    try:
        return cls.model_validate_json(text)
    except ValidationError as exc:
        raise schema_error(exc, what or cls.__name__) from None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InputError(
                code="input.json-duplicate-key",
                en=f"duplicate key {key!r} in JSON object",
                id=f"kunci {key!r} muncul dua kali dalam objek JSON",
            )
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise InputError(
        code="input.json-malformed",
        en=f"{name} is not valid JSON",
        id=f"{name} bukan JSON yang sah",
    )


def integer_size(value: int) -> str:
    """How an integer too long to print is named in a message: "an integer of N digits"
    (Python refuses to turn one of more than 4,300 digits into text)."""
    digits = len(str(abs(value))) if value.bit_length() < 10_000 else None
    if digits is None:  # about: log10(2) = 0.30103
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    return f"an integer of {digits:,} digits"


def int_out_of_range(shown: str) -> InputError:
    """``input.json-int-range``: an integer beyond what a JSON number carries exactly."""
    return InputError(
        code="input.json-int-range",
        en=f"integer outside the exact JSON range ±(2^53 - 1): {shown}",
        id=f"bilangan bulat di luar jangkauan tepat JSON ±(2^53 - 1): {shown}",
    )


_SAFE_DIGITS: Final = len(str(MAX_SAFE_INTEGER))


def _whole_number(text: str) -> int:
    """``parse_int``: an integer within ±(2^53 - 1), refused by its digit count before any
    conversion, so that a number of any length costs nothing and never reaches Python's
    4,300-digit limit (a ``ValueError`` that would otherwise escape)."""
    digits = len(text) - text.startswith("-")
    if digits <= _SAFE_DIGITS:
        value = int(text)
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return value
    shown = text if digits <= 40 else f"{text[:20]}... (a number of {digits:,} digits)"
    raise int_out_of_range(shown)


def loads(text: str | bytes, what: str = "input") -> Any:
    """Decode JSON strictly: no NaN/Infinity, no duplicate keys, no integer beyond
    ±(2^53 - 1) (whatever its length); InputError on failure, never anything else.

    The one JSON decoder of Saksi's inputs: entries, statements, files given to the
    command line and files read from a publication.
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")  # strictly UTF-8: no UTF-16/32 sniffing
        return json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_reject_constant,
            parse_int=_whole_number,
        )
    except UnicodeDecodeError:
        raise InputError(
            code="input.not-utf8", en=f"{what} is not UTF-8 text", id=f"{what} bukan teks UTF-8"
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            code="input.json-malformed",
            en=f"{what} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            id=f"{what} bukan JSON yang sah (baris {exc.lineno}, kolom {exc.colno}: {exc.msg})",
        ) from None
    except RecursionError:
        raise InputError(
            code="input.json-too-deep",
            en=f"{what} is nested too deeply",
            id=f"{what} bersarang terlalu dalam",
        ) from None
