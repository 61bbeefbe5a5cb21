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
(:meth:`Intake.admit_envelope`) and verifies as it is; the next format version makes
the policy a rule of the format (docs/format.md, "Text a reader can trust").
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from saksi.election.authority import Authority, Grant
from saksi.election.envelope import Envelope, parse_entry
from saksi.election.rules import Violation, check_form, countable
from saksi.election.statements import FormStatement
from saksi.errors import InputError
from saksi.text import TextProblem, text_problem


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
    return check_form(stmt.form) if isinstance(stmt, FormStatement) else ()


_MAYBE_UNSAFE: Final = re.compile(rb'[\x7f-\xff]|\\[bfnrtu]|" | "')
"""What a statement's canonical bytes show of text that may not be safe to show: a
byte beyond ASCII or DEL, an escape (JCS escapes every control character), a quote
next to a space. Most statements have none, and are not walked at all."""


def check_text(envelope: Envelope) -> None:
    """The intake policy on text: InputError ``text.*`` for the first text of the
    statement (a value or a member name, wherever it is) that :func:`saksi.text.text_problem`
    finds would not show as it is, naming its field, the character and its position."""
    if _MAYBE_UNSAFE.search(envelope.stmt_bytes) is None:
        return
    found = _first_problem(envelope.stmt.wire(), "stmt")
    if found is None:
        return
    field, problem = found
    where_en = f"{problem.char_name} at character {problem.position + 1}"
    where_id = f"{problem.char_name} pada karakter ke-{problem.position + 1}"
    raise InputError(
        code=problem.code,
        en=(
            f"{field}: the text holds {problem.what_en} ({where_en}); this service takes only "
            "text that shows as it is (docs/format.md, 'Text a reader can trust')"
        ),
        id=(
            f"{field}: teks memuat {problem.what_id} ({where_id}); layanan ini hanya menerima "
            "teks yang tampil apa adanya (docs/format.md, 'Text a reader can trust')"
        ),
        field=field,
        char=problem.char_name,
        position=problem.position,
    )


def _first_problem(value: Any, path: str) -> tuple[str, TextProblem] | None:
    if isinstance(value, str):
        problem = text_problem(value)
        return None if problem is None else (path, problem)
    items: Any = ()
    if isinstance(value, dict):
        for name in value:
            problem = text_problem(name)
            if problem is not None:
                return f"{path}.{name}", problem
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    for key, item in items:
        found = _first_problem(item, f"{path}.{key}")
        if found is not None:
            return found
    return None


class Intake:
    """Admission decisions for one election's log."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        self.election = authority.election

    @classmethod
    def start(cls, manifest_entry: bytes, *, region_exists: Callable[[str], bool]) -> Intake:
        """An intake for a new log whose entry 0 is ``manifest_entry``."""
        envelope = parse_entry(manifest_entry)
        return cls(Authority.from_manifest(envelope, region_exists=region_exists))

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
