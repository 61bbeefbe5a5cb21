"""One error tree for all of Saksi.

Every refusal carries a stable machine ``code`` (dotted, lower case, never reused
with another meaning) and a message in Bahasa Indonesia (``message_id``) and English
(``message_en``). Nothing in Saksi lets a raw ``ValueError`` or ``KeyError`` escape
a parser: callers catch :class:`SaksiError` and show :meth:`SaksiError.diagnostics`.

::

    SaksiError
    ├── InputError            malformed input: bad JSON, wrong types, unknown fields
    │   └── SchemaError       a value that does not fit its field (carries field errors)
    ├── RegionError           a region or TPS code that does not exist or is malformed
    ├── ContestError          a contest, pair, party or candidate that does not exist
    ├── StatementError        a statement that cannot be accepted as it stands
    │   ├── SignatureError    signature missing, malformed, or by another key
    │   ├── ElectionMismatch  a statement for another election (log origin)
    │   └── AuthorizationError  the key may not make this statement for this region
    ├── StoreError            storage refused or failed
    │   └── AppendOnlyError   an attempt to change or delete a stored entry
    ├── LogError              transparency-log errors
    │   ├── ProofError        an inclusion or consistency proof that does not verify
    │   ├── NoteError         a malformed signed note, key string or cosignature
    │   ├── CheckpointError   a malformed or unverifiable checkpoint
    │   └── TileError         a tile or entry bundle that is missing or wrong
    ├── ConfigError           a service setting that is missing, unknown or wrong
    ├── ServiceError          the service's ledger cannot take a statement now
    ├── HttpError             a refusal made by the HTTP layer itself
    ├── RecapError            a log that cannot be folded, a publication not written
    ├── WitnessError          a witness refused, unreachable, misconfigured or unstored
    └── VerifyError           the independent verifier cannot run as asked
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saksi.text import display_text


class SaksiError(Exception):
    """Root of every error Saksi raises on purpose."""

    default_code = "saksi.error"

    def __init__(
        self,
        message_en: str,
        message_id: str | None = None,
        *,
        code: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        self.code = code or self.default_code
        self.message_en = message_en
        self.message_id = message_id or message_en
        self.details: dict[str, Any] = dict(details or {})
        super().__init__(f"[{self.code}] {message_en}")

    def diagnostics(self) -> str:
        """A human-readable explanation, Bahasa Indonesia first; text that would not show
        as it is (it may come from the input) is neutralised (:mod:`saksi.text`)."""
        shown = display_text
        lines = [f"{self.code}: {shown(self.message_id)}", f"  ({shown(self.message_en)})"]
        for key, value in self.details.items():
            if key != "errors":
                lines.append(f"  {key}: {shown(str(value))}")
        for err in self.details.get("errors", []):
            field, id_, en = (shown(str(err[k])) for k in ("field", "message_id", "message_en"))
            lines.append(f"  - {field}: {id_} ({en})")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The one JSON error shape: stable code, bilingual message, details."""
        return {
            "code": self.code,
            "message": {"id": self.message_id, "en": self.message_en},
            "details": self.details,
        }


class InputError(SaksiError):
    default_code = "input.invalid"


class SchemaError(InputError):
    default_code = "input.schema"


class RegionError(SaksiError):
    default_code = "region.invalid"


class ContestError(SaksiError):
    default_code = "contest.invalid"


class StatementError(SaksiError):
    default_code = "statement.invalid"


class SignatureError(StatementError):
    default_code = "statement.signature"


class ElectionMismatch(StatementError):
    default_code = "statement.election-mismatch"


class AuthorizationError(StatementError):
    default_code = "statement.unauthorized"


class StoreError(SaksiError):
    default_code = "store.error"


class AppendOnlyError(StoreError):
    default_code = "store.append-only"


class LogError(SaksiError):
    default_code = "log.error"


class ProofError(LogError):
    default_code = "log.proof"


class NoteError(LogError):
    default_code = "log.note"


class CheckpointError(LogError):
    default_code = "log.checkpoint"


class TileError(LogError):
    default_code = "log.tile"


class ConfigError(SaksiError):
    """A setting that is missing, unknown or out of range; the service does not start."""

    default_code = "config.invalid"


class ServiceError(SaksiError):
    """The ledger is stopped, overloaded or timed out, or failed on one statement."""

    default_code = "service.error"


class HttpError(SaksiError):
    """A refusal made by the HTTP layer itself (codes ``http.*`` and ``photo.*``)."""

    default_code = "http.error"


class RecapError(SaksiError):
    """A log that cannot be folded into totals, or a publication that cannot be written."""

    default_code = "recap.error"


class WitnessError(SaksiError):
    """A witness refused a checkpoint, or could not be reached, configured or stored."""

    default_code = "witness.error"


class VerifyError(SaksiError):
    """The independent verifier cannot run as asked (policy file, state folder, options)."""

    default_code = "verify.error"


__all__ = [
    "AppendOnlyError",
    "AuthorizationError",
    "CheckpointError",
    "ConfigError",
    "ContestError",
    "ElectionMismatch",
    "HttpError",
    "InputError",
    "LogError",
    "NoteError",
    "ProofError",
    "RecapError",
    "RegionError",
    "SaksiError",
    "SchemaError",
    "ServiceError",
    "SignatureError",
    "StatementError",
    "StoreError",
    "TileError",
    "VerifyError",
    "WitnessError",
]
