"""Click's own refusals, said the way every other refusal of ``saksi`` is said.

Click reports a usage mistake (an unknown option or command, a missing option or
argument, a value of the wrong type, a file that is not there) in English and
without a code. :func:`usage_refusal` turns each of them into an :class:`InputError`
with a stable ``cli.*`` code, Click's own English message and an Indonesian one
(docs/errors.md, "Command line"); the ``saksi`` group shows it as any other
refusal, with exit status 2. The Indonesian side is a small catalogue of Click's
English message templates (click 8.5, pinned in constraints.txt); a message that no
entry matches still gets a code (``cli.bad-value`` or ``cli.usage``) and both
languages, never Click's English alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click
from click import exceptions as errors

from saksi.errors import InputError

EXIT_USAGE = 2
"""A usage mistake, like every other refusal (docs/cli.md)."""
EXIT_INTERRUPTED = 130
"""Stopped by the user (Ctrl-C, SIGINT): 128 + the signal's number, as shells report it."""

_NUMBER_KINDS = {
    "integer": "bilangan bulat",
    "integer range": "bilangan bulat",
    "float": "bilangan",
    "float range": "bilangan",
}
_PATH_KINDS = {"file": "berkas", "directory": "folder", "path": "path"}


@dataclass(frozen=True)
class _Template:
    """One of Click's value messages, matched by ``pattern``, said in Indonesian."""

    code: str
    pattern: re.Pattern[str]
    message_id: str

    def indonesian(self, match: re.Match[str]) -> str:
        groups = match.groupdict()
        if "kind" in groups:
            groups["kind"] = _NUMBER_KINDS.get(groups["kind"], groups["kind"])
        if "what" in groups:
            groups["what"] = _PATH_KINDS.get(groups["what"].lower(), groups["what"])
        return self.message_id.format(**groups)


def _t(code: str, pattern: str, message_id: str) -> _Template:
    return _Template(code, re.compile(pattern, re.DOTALL), message_id)


_VALUE_TEMPLATES = (
    _t("cli.bad-number", r"(?P<value>.+) is not a valid (?P<kind>integer range|float range|"
       r"integer|float)\.$", "{value} bukan {kind}"),
    _t("cli.out-of-range", r"(?P<value>.+) is not in the range (?P<range>.+)\.$",
       "{value} di luar rentang {range}"),
    _t("cli.no-such-file", r"(?P<what>File|Directory|Path) (?P<value>.+) does not exist\.$",
       "{what} {value} tidak ada"),
    _t("cli.no-such-file", r"(?P<value>'.*'): No such file or directory$",
       "{value} tidak ada"),
    _t("cli.not-a-file", r"(?P<what>File|Path) (?P<value>.+) is a directory\.$",
       "{value} adalah folder, bukan berkas"),
    _t("cli.not-a-folder", r"(?P<what>Directory|Path) (?P<value>.+) is a file\.$",
       "{value} adalah berkas, bukan folder"),
    _t("cli.unreadable-file", r"(?P<what>File|Directory|Path) (?P<value>.+) is not readable\.$",
       "{what} {value} tidak dapat dibaca"),
    _t("cli.unwritable-file", r"(?P<what>File|Directory|Path) (?P<value>.+) is not writable\.$",
       "{what} {value} tidak dapat ditulisi"),
    _t("cli.unreadable-file", r"(?P<value>'.*'): (?P<why>.+)$",
       "{value} tidak dapat dibuka: {why}"),
    _t("cli.bad-choice", r"(?P<value>.+) is not (?:one of )?(?P<choices>.+)\.$",
       "{value} tidak dikenal: pilih {choices}"),
)  # fmt: skip


def _details(ctx: click.Context | None) -> dict[str, Any]:
    """Where the mistake was made, and where to read how the command is used."""
    if ctx is None:
        return {}
    usage = ctx.get_usage().removeprefix("Usage: ")
    return {"usage": usage, "help": f"{ctx.command_path} --help"}


def _hint(exc: errors.UsageError) -> str:
    """The parameter as Click names it (``'--out'``, ``'STATEMENT'``, ``'-k' / '--key'``)."""
    param = getattr(exc, "param", None)
    hint = getattr(exc, "param_hint", None)
    if hint is None and param is not None:
        hint = param.get_error_hint(exc.ctx) if exc.ctx is not None else param.name
    if isinstance(hint, list | tuple):
        return " / ".join(f"'{h}'" for h in hint)
    return str(hint or "")


def _suggest(possibilities: list[str] | None) -> str:
    if not possibilities:
        return ""
    return " (mungkin maksud Anda: " + ", ".join(possibilities) + ")"


def _value_refusal(exc: errors.BadParameter) -> tuple[str, str]:
    """The code and the Indonesian message of a value Click refused."""
    hint = _hint(exc)
    prefix = f"nilai {hint} tidak sah: " if hint else "nilai tidak sah: "
    for template in _VALUE_TEMPLATES:
        match = template.pattern.match(exc.message)
        if match:
            return template.code, prefix + template.indonesian(match)
    return "cli.bad-value", prefix + exc.message


def _option_usage(exc: errors.BadOptionUsage) -> tuple[str, str]:
    name = exc.option_name
    if "does not take a value" in exc.message:
        return "cli.option-takes-no-value", f"opsi '{name}' tidak menerima nilai"
    if "requires" in exc.message:
        return "cli.option-needs-value", f"opsi '{name}' memerlukan nilai"
    return "cli.usage", f"opsi '{name}' salah dipakai: {exc.message}"


def _missing(exc: errors.MissingParameter) -> tuple[str, str]:
    kind = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
    if kind == "option":
        return "cli.missing-option", f"opsi {_hint(exc)} wajib diberikan"
    return "cli.missing-argument", f"argumen {_hint(exc)} wajib diberikan"


def _plain_usage(exc: errors.ClickException) -> tuple[str, str]:
    """A refusal Click raises with a message only (no class of its own)."""
    if exc.message == "Missing command.":
        return "cli.missing-command", "sebutkan perintahnya"
    extra = re.match(r"Got unexpected extra arguments? \((?P<args>.*)\)$", exc.message)
    if extra:
        return "cli.extra-argument", f"argumen berlebih yang tidak dikenal: {extra['args']}"
    return "cli.usage", f"perintah salah dipakai: {exc.message}"


_BY_CLASS: tuple[tuple[type[Any], Callable[[Any], tuple[str, str]]], ...] = (
    (errors.NoArgsIsHelpError,
     lambda e: ("cli.missing-command", "sebutkan perintahnya (lihat daftar di atas)")),
    (errors.NoSuchCommand,
     lambda e: ("cli.no-such-command",
                f"perintah '{e.command_name}' tidak ada{_suggest(e.possibilities)}")),
    (errors.NoSuchOption,
     lambda e: ("cli.no-such-option",
                f"opsi '{e.option_name}' tidak ada{_suggest(e.possibilities)}")),
    (errors.MissingParameter, _missing),
    (errors.BadParameter, _value_refusal),
    (errors.BadOptionUsage, _option_usage),
    (errors.FileError,
     lambda e: ("cli.unreadable-file",
                f"berkas '{e.ui_filename}' tidak dapat dibuka: {e.message}")),
)  # fmt: skip
"""Click's exception classes, most specific first, and how each is said."""


def _code_and_indonesian(exc: errors.ClickException) -> tuple[str, str]:
    for kind, say in _BY_CLASS:
        if isinstance(exc, kind):
            return say(exc)
    return _plain_usage(exc)


def usage_refusal(exc: errors.ClickException) -> InputError:
    """Click's refusal as a coded, bilingual :class:`InputError` (see the module doc)."""
    code, message_id = _code_and_indonesian(exc)
    if isinstance(exc, errors.NoArgsIsHelpError):
        message_en = "name a command (see the list above)"
    else:
        message_en = exc.format_message()
    ctx = exc.ctx if isinstance(exc, errors.UsageError) else None
    return InputError(code=code, en=message_en, id=message_id, **_details(ctx))


def interrupted() -> InputError:
    """Ctrl-C (SIGINT) while a command ran: said in both languages, no traceback."""
    return InputError(
        code="cli.interrupted",
        en="stopped by the user (Ctrl-C) before it finished",
        id="dihentikan oleh pengguna (Ctrl-C) sebelum selesai",
    )


__all__ = ["EXIT_INTERRUPTED", "EXIT_USAGE", "interrupted", "usage_refusal"]
