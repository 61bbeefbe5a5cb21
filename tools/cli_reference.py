"""Write docs/cli.md from the real `--help` of every command (a test checks it)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

from saksi.cli import cli

COMMANDS = (
    (),
    ("keygen",),
    ("sign",),
    ("sign-photo",),
    ("check",),
    ("regions",),
    ("regions", "import"),
    ("regions", "show"),
    ("contests",),
    ("contests", "import"),
    ("contests", "synthetic"),
    ("contests", "show"),
    ("election",),
    ("election", "new"),
    ("demo",),
    ("simulate",),
    ("log",),
    ("log", "new"),
    ("log", "append"),
    ("log", "prove"),
    ("log", "check-proof"),
    ("log", "fsck"),
    ("serve",),
    ("recap",),
    ("seats",),
    ("publish",),
    ("verify",),
    ("witness",),
    ("witness", "new"),
    ("witness", "serve"),
)
OUT = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def help_text(words: tuple[str, ...]) -> str:
    result = CliRunner().invoke(cli, [*words, "--help"], prog_name="saksi", terminal_width=88)
    assert result.exit_code == 0, result.output
    return result.output.rstrip()


def refusal_text(words: tuple[str, ...]) -> str:
    """What a usage mistake prints (standard error), for the page's example."""
    result = CliRunner().invoke(cli, list(words), prog_name="saksi", terminal_width=88)
    assert result.exit_code == 2, result.output
    return result.stderr.rstrip()


def render() -> str:
    parts = [
        "# Command reference",
        "",
        "Generated from the real `--help` output by `python tools/cli_reference.py`;",
        "`tests/test_docs.py` fails when this page and the command disagree. The",
        "[user guide](user-guide.md) explains what the commands are for.",
        "",
        "Exit status of every command: 0 success; 2 a refusal, unreadable input or a",
        "usage mistake (an unknown command or option, a missing option or argument, a",
        "bad value, a missing file), shown as a stable error code with messages in Bahasa",
        "Indonesia and English ([errors.md](errors.md#command-line-cli)); 130 stopped with",
        "Ctrl-C (`cli.interrupted`). Exit status 1 has a command's own meaning: `check`, a",
        "form breaks an impossibility rule; `demo`, a fault went uncaught, a clean TPS was",
        "flagged, the verification failed or the verified totals differ from the truth;",
        "`log check-proof`, the proof does not verify; `log fsck`, a problem was found.",
        "",
        "```text",
        "$ saksi keygen",
        refusal_text(("keygen",)),
        "```",
    ]
    for words in COMMANDS:
        title = " ".join(("saksi", *words))
        parts += ["", f"## `{title}`", "", "```text", help_text(words), "```"]
    return "\n".join(parts) + "\n"


def main() -> int:
    OUT.write_text(render(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    click.echo(f"writing {OUT}")
    sys.exit(main())
