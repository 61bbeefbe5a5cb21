"""One error tree for all of Saksi.

Every refusal carries a stable machine ``code`` (dotted, lower case, never reused
with another meaning) and a message in Bahasa Indonesia (``message_id``) and English
(``message_en``). Nothing in Saksi lets a raw ``ValueError`` or ``KeyError`` escape
a parser: callers catch :class:`SaksiError` and show :meth:`SaksiError.diagnostics`.

There is one way to make one, keyword-only, the same for every class of the tree::

    raise StoreError(code="store.io-error", en="cannot write", id="tidak dapat menulis", path=p)

Details follow by name; they are shown by :meth:`SaksiError.diagnostics` and sent as
``details`` in the JSON error shape (:meth:`SaksiError.to_dict`).

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

from typing import Any

from saksi.text import display_text


class SaksiError(Exception):
    """Root of every error Saksi raises on purpose."""

    def __init__(self, *, code: str, en: str, id: str, **details: Any) -> None:
        """The one way to make an error: keyword-only, a stable ``code``, the message in
        English (``en``) and in Bahasa Indonesia (``id``), then any details by name."""
        self.code = code
        self.message_en = en
        self.message_id = id
        self.details: dict[str, Any] = details
        super().__init__(f"[{code}] {en}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled by its fields (a worker process's refusal crosses to its parent):
        # the default would call the keyword-only constructor with positional args.
        return (_rebuild, (type(self), self.code, self.message_en, self.message_id, self.details))

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


def _rebuild(
    cls: type[SaksiError], code: str, en: str, id_: str, details: dict[str, Any]
) -> SaksiError:
    return cls(code=code, en=en, id=id_, **details)


class InputError(SaksiError):
    """Malformed input: bad JSON, wrong types, unknown fields."""


class SchemaError(InputError):
    """A value that does not fit its field (carries field errors)."""


class RegionError(SaksiError):
    """A region or TPS code that does not exist or is malformed."""


class ContestError(SaksiError):
    """A contest, pair, party or candidate that does not exist."""


class StatementError(SaksiError):
    """A statement that cannot be accepted as it stands."""


class SignatureError(StatementError):
    """Signature missing, malformed, or by another key."""


class ElectionMismatch(StatementError):
    """A statement for another election (log origin)."""


class AuthorizationError(StatementError):
    """The key may not make this statement for this region."""


class StoreError(SaksiError):
    """Storage refused or failed."""


class AppendOnlyError(StoreError):
    """An attempt to change or delete a stored entry."""


class LogError(SaksiError):
    """Transparency-log errors."""


class ProofError(LogError):
    """An inclusion or consistency proof that does not verify."""


class NoteError(LogError):
    """A malformed signed note, key string or cosignature."""


class CheckpointError(LogError):
    """A malformed or unverifiable checkpoint."""


class TileError(LogError):
    """A tile or entry bundle that is missing or wrong."""


class ConfigError(SaksiError):
    """A setting that is missing, unknown or out of range; the service does not start."""


class ServiceError(SaksiError):
    """The ledger is stopped, overloaded or timed out, or failed on one statement."""


class HttpError(SaksiError):
    """A refusal made by the HTTP layer itself (codes ``http.*`` and ``photo.*``)."""


class RecapError(SaksiError):
    """A log that cannot be folded into totals, or a publication that cannot be written."""


class WitnessError(SaksiError):
    """A witness refused a checkpoint, or could not be reached, configured or stored."""


class VerifyError(SaksiError):
    """The independent verifier cannot run as asked (policy file, state folder, options)."""


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
