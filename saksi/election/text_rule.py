"""The rule on text a reader can trust: an intake policy for format v1, a format
rule from version 2 (docs/format.md, "Text a reader can trust")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from saksi.errors import InputError
from saksi.text import TextProblem, text_problem

if TYPE_CHECKING:
    from saksi.election.envelope import Envelope

__all__ = ["check_text"]


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
