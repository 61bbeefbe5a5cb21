"""What the verifier found: each finding's kind, code, bilingual message and place.

A :class:`Finding` is one thing that is wrong with a publication, named exactly
(``details``: the entry index, the file, the region, contest and field, the published
and recomputed numbers). Its :class:`Kind` decides the exit status of ``saksi verify``
(:data:`EXIT_CODES`): when several kinds are found, the first in :data:`PRECEDENCE`
wins. A :class:`Findings` list keeps the first :data:`KEEP` findings of each code and
counts the rest, so a log with a million bad entries still gives a readable report.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final


class Kind(enum.StrEnum):
    """What a finding says about the publication (and so the exit status)."""

    UNREACHABLE = "unreachable"  # the source cannot be read
    SIGNATURE = "signature"  # a checkpoint or entry signature, or the witness quorum
    INCONSISTENT = "inconsistent"  # rollback, fork, tiles or bundles not as the checkpoint says
    UNAUTHORIZED = "unauthorized"  # a statement the authority chain does not allow
    TOTALS = "totals"  # published results that differ from the log's
    PHOTO = "photo"  # a published photo that is not the one its form logged


EXIT_VERIFIED: Final = 0
EXIT_USAGE: Final = 2
"""The generic CLI refusal (bad options, unreadable policy or state folder)."""

EXIT_CODES: Final = {
    Kind.UNREACHABLE: 3,
    Kind.SIGNATURE: 4,
    Kind.INCONSISTENT: 5,
    Kind.UNAUTHORIZED: 6,
    Kind.TOTALS: 7,
    Kind.PHOTO: 8,
}
PRECEDENCE: Final = (
    Kind.INCONSISTENT,
    Kind.SIGNATURE,
    Kind.UNAUTHORIZED,
    Kind.TOTALS,
    Kind.PHOTO,
    Kind.UNREACHABLE,
)
"""The order in which kinds decide the exit status when several are found."""

HEADLINES: Final = {
    Kind.UNREACHABLE: ("SOURCE UNREACHABLE", "SUMBER TIDAK DAPAT DIBACA"),
    Kind.SIGNATURE: ("BAD SIGNATURE", "TANDA TANGAN TIDAK SAH"),
    Kind.INCONSISTENT: ("LOG INCONSISTENT", "LOG TIDAK KONSISTEN"),
    Kind.UNAUTHORIZED: ("UNAUTHORIZED STATEMENT", "PERNYATAAN TIDAK BERWENANG"),
    Kind.TOTALS: ("WRONG TOTALS", "TOTAL SALAH"),
    Kind.PHOTO: ("PHOTO MISMATCH", "FOTO TIDAK COCOK"),
}
"""(English, Bahasa Indonesia) headline of each kind."""

KEEP: Final = 50
"""Findings kept per code; the rest are counted."""


@dataclass(frozen=True)
class Finding:
    kind: Kind
    code: str
    message_en: str
    message_id: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "code": self.code,
            "message": {"id": self.message_id, "en": self.message_en},
            "details": self.details,
        }


def finding(kind: Kind, code: str, en: str, id_: str, **details: Any) -> Finding:
    return Finding(kind, code, en, id_, details)


@dataclass
class Findings:
    """Findings in the order found: the first :data:`KEEP` of each code, every one counted."""

    kept: list[Finding] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    kinds: Counter[Kind] = field(default_factory=Counter)

    def add(self, found: Finding) -> None:
        self.counts[found.code] += 1
        self.kinds[found.kind] += 1
        if self.counts[found.code] <= KEEP:
            self.kept.append(found)

    def extend(self, found: list[Finding]) -> None:
        for item in found:
            self.add(item)

    def __bool__(self) -> bool:
        return bool(self.counts)

    def has(self, *kinds: Kind) -> bool:
        return any(self.kinds[k] for k in kinds)

    def worst(self) -> Kind | None:
        """The kind that decides the exit status (None: nothing found)."""
        return next((k for k in PRECEDENCE if self.kinds[k]), None)

    def exit_code(self) -> int:
        worst = self.worst()
        return EXIT_VERIFIED if worst is None else EXIT_CODES[worst]

    def omitted(self) -> dict[str, int]:
        """Code -> findings counted but not kept."""
        return {code: n - KEEP for code, n in sorted(self.counts.items()) if n > KEEP}


__all__ = [
    "EXIT_CODES",
    "EXIT_USAGE",
    "EXIT_VERIFIED",
    "HEADLINES",
    "KEEP",
    "PRECEDENCE",
    "Finding",
    "Findings",
    "Kind",
    "finding",
]
