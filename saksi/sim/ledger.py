"""Statements into the store through the intake: what the service will do over HTTP.

A submission is answered with a :class:`Receipt` only after the store has made the
entry durable. The same bytes sent again get the same receipt and are stored once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from saksi.election.forms import CHasilPPWP
from saksi.election.intake import Admission, Intake, Status
from saksi.election.rules import Violation
from saksi.election.statements import FormStatement
from saksi.errors import SaksiError, StoreError
from saksi.store.base import Store
from saksi.tlog.hashes import leaf_hash


@dataclass(frozen=True, slots=True)
class Receipt:
    """The answer to one submission."""

    index: int | None  # None when refused
    leaf_hash: str
    status: str  # accepted | flagged | inconsistent | duplicate | refused
    code: str | None = None  # the refusal's code
    violations: tuple[Violation, ...] = ()


@dataclass
class Ledger:
    """One election's intake over one store, with counters for the report."""

    intake: Intake
    store: Store
    counts: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)
    forms: dict[tuple[str, str], tuple[CHasilPPWP, Status, int]] = field(default_factory=dict)

    @classmethod
    def open(cls, store: Store, manifest: bytes, region_exists: Callable[[str], bool]) -> Ledger:
        """A ledger whose log starts with ``manifest`` (stored as entry 0 if new)."""
        intake = Intake.start(manifest, region_exists=region_exists)
        appended = store.append(manifest)
        if appended.index != 0:
            raise StoreError(
                f"the store already holds a log whose entry 0 is not this manifest "
                f"(manifest found at index {appended.index})",
                f"penyimpanan sudah memuat log lain; manifest ini ada di indeks {appended.index}",
                code="store.other-log",
            )
        ledger = cls(intake, store)
        ledger.counts["manifest"] += 1
        return ledger

    def submit(self, entry: bytes) -> Receipt:
        digest = leaf_hash(entry)
        known = self.store.find(digest)
        if known is not None:
            self.counts["duplicate"] += 1
            return Receipt(known, digest.hex(), "duplicate")
        try:
            admission = self.intake.admit(entry)
        except SaksiError as exc:
            self.refusals[exc.code] += 1
            self.counts["refused"] += 1
            return Receipt(None, digest.hex(), "refused", exc.code)
        appended = self.store.append(entry)
        self.intake.record(admission, appended.index)
        self._note(admission, appended.index)
        return Receipt(
            appended.index, digest.hex(), admission.status.value, None, admission.violations
        )

    def _note(self, admission: Admission, index: int) -> None:
        stmt = admission.envelope.stmt
        self.counts[stmt.type] += 1
        if isinstance(stmt, FormStatement) and stmt.type != "c-salinan":
            self.counts[admission.status.value] += 1
            self.forms[(stmt.tps, stmt.contest)] = (stmt.form, admission.status, index)

    def totals(self, contest: str = "ppwp") -> dict[str, int]:
        """Votes per pair over the forms in force that are countable (not inconsistent)."""
        out: dict[str, int] = Counter()
        for (_, kind), (form, status, _) in self.forms.items():
            if kind == contest and status is not Status.INCONSISTENT:
                out.update(form.suara_paslon)
        return dict(sorted(out.items()))
