"""The one ``saksi`` command.

Every subcommand reports a refusal, Click's usage errors included, as Saksi's
bilingual diagnostics with a stable code on standard error (never a stack trace)
and exits with a documented code (see docs/cli.md and :class:`SaksiGroup`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from saksi import __version__
from saksi.cli.check import check
from saksi.cli.contests import contests
from saksi.cli.demo import demo
from saksi.cli.election import election
from saksi.cli.keys import keygen, sign, sign_photo_command
from saksi.cli.log import log
from saksi.cli.publish import publish
from saksi.cli.recap import recap
from saksi.cli.regions import regions
from saksi.cli.seats import seats
from saksi.cli.serve import serve
from saksi.cli.simulate import simulate
from saksi.cli.usage import EXIT_INTERRUPTED, EXIT_USAGE, interrupted, usage_refusal
from saksi.cli.verify import verify
from saksi.cli.witness import witness
from saksi.errors import SaksiError

EXIT_INPUT = EXIT_USAGE
"""Unreadable or malformed input, a refused operation, or a usage mistake."""


def _refuse(error: SaksiError, status: int) -> NoReturn:
    click.echo(error.diagnostics(), err=True)
    sys.exit(status)


class SaksiGroup(click.Group):
    """The ``saksi`` group: every refusal, Click's own included, is shown the one way.

    A :class:`SaksiError` raised by a command, and Click's usage errors (turned into
    ``cli.*`` codes by :mod:`saksi.cli.usage`), are printed as bilingual diagnostics
    on standard error with exit status 2; Ctrl-C is ``cli.interrupted``, status 130.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            status = super().main(args, prog_name, complete_var, False, **extra)
        except SaksiError as exc:
            _refuse(exc, EXIT_INPUT)
        except click.ClickException as exc:
            if isinstance(exc, click.exceptions.NoArgsIsHelpError):
                click.echo(exc.ctx.get_help(), err=True)
            _refuse(usage_refusal(exc), EXIT_USAGE)
        except (click.Abort, KeyboardInterrupt):
            _refuse(interrupted(), EXIT_INTERRUPTED)
        sys.exit(status if isinstance(status, int) else 0)


@click.group(cls=SaksiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="saksi")
def cli() -> None:
    """Saksi: election results as signed statements in a public, verifiable log.

    Saksi mencatat hasil pemilu sebagai pernyataan bertanda tangan dalam log publik
    yang dapat diperiksa siapa saja.
    """


cli.add_command(keygen)
cli.add_command(sign)
cli.add_command(sign_photo_command)
cli.add_command(check)
cli.add_command(regions)
cli.add_command(contests)
cli.add_command(election)
cli.add_command(demo)
cli.add_command(simulate)
cli.add_command(log)
cli.add_command(serve)
cli.add_command(recap)
cli.add_command(seats)
cli.add_command(publish)
cli.add_command(verify)
cli.add_command(witness)


def main() -> None:
    cli(prog_name="saksi")
