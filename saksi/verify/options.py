"""What a verification is asked to do (:class:`VerifyOptions`), and what it found
(:class:`Report`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from saksi.verify.findings import Findings
from saksi.verify.policy import Policy


@dataclass(frozen=True)
class Progress:
    """One progress report: entries done of ``total`` at ``rate`` per second."""

    done: int
    total: int
    rate: float


@dataclass(frozen=True)
class VerifyOptions:
    policy: Policy
    state_dir: Path = Path("saksi-verify-state")
    regions: bytes | None = None
    """The region file's bytes (``--regions``/``--scale``); None: the one the results link."""
    default_regions: Callable[[], bytes] | None = None
    """Used when neither ``hierarchy`` nor a linked region file is there."""
    contests: bytes | None = None
    """The contests file's bytes (``--contests``, ``saksi-contests/1``, gzipped or not),
    for a log whose manifest names one; None: the one published beside the results
    (``results/contests/<contests_digest>.json``)."""
    workers: int | None = None
    """Worker processes for signatures (None: every core; 0: this process only)."""
    full: bool = False
    """Verify everything again from entry 0, ignoring the saved fold and photos."""
    chunk_bundles: int = 4
    progress: Callable[[Progress], None] | None = None


@dataclass
class Report:
    """What one run checked and found."""

    source: str
    findings: Findings = field(default_factory=Findings)
    notices: list[tuple[str, str]] = field(default_factory=list)  # (en, id)
    checkpoint: dict[str, Any] | None = None
    previous: dict[str, Any] | None = None
    cosigned: tuple[str, ...] = ()
    quorum: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    legislative: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per legislative contest, what this run read of its entries (format v2)."""
    seats: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per legislative contest, the verifier's own progress and seats at the checkpoint
    (the shape of ``saksi recap --json``'s ``legislative`` objects)."""
    reconciliation: dict[str, Any] = field(default_factory=dict)
    """A version 2 log's legislative reconciliation, the verifier's own (each D.Hasil
    against its forms, the cross-form rules of a TPS): what it found about the election,
    which changes no exit status."""
    evidence: list[str] = field(default_factory=list)
    results_checked: bool = False
    photos_checked: bool = False
    state_saved: bool = False
    elapsed: float = 0.0

    @property
    def exit_code(self) -> int:
        return self.findings.exit_code()

    def notice(self, en: str, id_: str) -> None:
        self.notices.append((en, id_))

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n


__all__ = ["Progress", "Report", "VerifyOptions"]
