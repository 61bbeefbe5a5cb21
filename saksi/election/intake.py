"""The one path a statement takes into the log, as pure code.

:meth:`Intake.admit` decides, without changing anything, whether an entry may be
appended: the envelope (size, canonical bytes, schema, signature, election), the
authorization (key chain back to the manifest, role, scope, validity, revocation,
no second form) and the form's arithmetic. The caller then calls
:meth:`Intake.record` with the entry's index and makes the entry durable.

The service's sequencer records an entry at its *prospective* index (the next free
one) before the batch's one store append, so that the next entry of the same batch
is judged against it (the second c-hasil for a TPS in one batch is refused). That is
safe because the in-memory state is only ever ahead of the store within one batch:
the callers are answered only after the append, and if the append fails or places
an entry anywhere else the sequencer stops for good and a restart rebuilds the state
by replaying the log (docs/service.md). A caller without batches (the demo's
prototype, tests) may just as well record after its append.

A form that breaks an *impossible* rule is still admitted: it is evidence of what
was submitted. Its :attr:`Admission.status` is ``inconsistent`` and the recap keeps
it out of the totals until a correction replaces it. A form that breaks only
*suspicious* rules is ``flagged`` and counted.

A statement *submitted now* (:meth:`Intake.admit`, :meth:`Intake.admit_submission`)
also meets the intake policy on text (:func:`check_text`): no text that would not
show as it is (bidirectional controls, invisible characters, ...; :mod:`saksi.text`).
Format v1 does not forbid such text, so a log that already holds it replays
(:meth:`Intake.admit_envelope`) and verifies as it is; format v2 makes the policy a
rule of the format for its entries (:func:`~saksi.election.envelope.parse_entry`
refuses them; docs/format.md, "Text a reader can trust").
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from saksi.election.authority import Authority, Grant
from saksi.election.envelope import Envelope, parse_entry
from saksi.election.legislative import Contests
from saksi.election.legislative_forms import check_form as check_legislative_form
from saksi.election.rules import Violation, check_form, countable
from saksi.election.statements import FormStatement, LegislativeFormStatement
from saksi.election.text_rule import check_text


class Status(enum.StrEnum):
    """What an admitted entry is, for the totals."""

    ACCEPTED = "accepted"  # counted, no rule broken (or not a form)
    FLAGGED = "flagged"  # counted, but an expectation is broken: look at it
    INCONSISTENT = "inconsistent"  # an impossibility: kept out of the totals


@dataclass(frozen=True, slots=True)
class Admission:
    """An entry that may be appended, and what the checks found in it."""

    envelope: Envelope
    entry: bytes
    grant: Grant
    violations: tuple[Violation, ...]

    @property
    def status(self) -> Status:
        if not countable(self.violations):
            return Status.INCONSISTENT
        return Status.FLAGGED if self.violations else Status.ACCEPTED

    @property
    def leaf_hash(self) -> bytes:
        return self.envelope.leaf_hash


def form_violations(envelope: Envelope) -> tuple[Violation, ...]:
    """The arithmetic rules broken by the form an entry carries (none for other types).
    Stateless, like :func:`parse_entry`."""
    stmt = envelope.stmt
    if isinstance(stmt, FormStatement):
        return check_form(stmt.form)
    if isinstance(stmt, LegislativeFormStatement):
        return check_legislative_form(stmt.form)
    return ()


class Intake:
    """Admission decisions for one election's log."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        self.election = authority.election

    @classmethod
    def start(
        cls,
        manifest_entry: bytes,
        *,
        region_exists: Callable[[str], bool],
        contests: Contests | None = None,
    ) -> Intake:
        """An intake for a new log whose entry 0 is ``manifest_entry``; ``contests``:
        the contests file a format v2 manifest names (ContestError ``contest.file-*``
        if it is missing or not that file)."""
        envelope = parse_entry(manifest_entry)
        authority = Authority.from_manifest(
            envelope, region_exists=region_exists, contests=contests
        )
        return cls(authority)

    def admit(self, entry: bytes) -> Admission:
        """Check an entry submitted now completely; raise the specific SaksiError if it
        is refused."""
        return self.admit_submission(parse_entry(entry, election=self.election), entry)

    def admit_submission(
        self,
        envelope: Envelope,
        entry: bytes,
        violations: tuple[Violation, ...] | None = None,
    ) -> Admission:
        """:meth:`admit_envelope` for a statement submitted now: the intake policy on
        text (:func:`check_text`) first. (Replaying a log calls :meth:`admit_envelope`:
        what a log already holds is never refused for its text.)"""
        check_text(envelope)
        return self.admit_envelope(envelope, entry, violations)

    def admit_envelope(
        self,
        envelope: Envelope,
        entry: bytes,
        violations: tuple[Violation, ...] | None = None,
    ) -> Admission:
        """The stateful half of :meth:`admit`, for an envelope already parsed and
        signature-checked by :func:`parse_entry` (which is stateless, so a service can
        run it in any number of workers and keep only this half in its sequencer).
        ``violations``: the form's, if :func:`form_violations` already ran elsewhere."""
        grant = self.authority.authorize(envelope, self.authority.size)
        if violations is None:
            violations = form_violations(envelope)
        return Admission(envelope, entry, grant, violations)

    def record(self, admission: Admission, index: int) -> None:
        """Apply an admitted entry's effects once the store has logged it at ``index``."""
        self.authority.apply(admission.envelope, index)


__all__ = [
    "Admission",
    "Intake",
    "Status",
    "check_text",
    "form_violations",
]
