"""The one ``saksi`` command.

Every subcommand reports a refusal as Saksi's bilingual diagnostics on standard
error (never a stack trace) and exits with a documented code (see docs/cli.md).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from saksi import __version__
from saksi.cli.check import check
from saksi.cli.demo import demo
from saksi.cli.keys import keygen, sign
from saksi.cli.log import log
from saksi.cli.publish import publish
from saksi.cli.recap import recap
from saksi.cli.regions import regions
from saksi.cli.serve import serve
from saksi.cli.simulate import simulate
from saksi.cli.verify import verify
from saksi.cli.witness import witness
from saksi.errors import SaksiError

EXIT_INPUT = 2
"""Unreadable or malformed input, or a refused operation."""


class SaksiGroup(click.Group):
    """A click group that turns SaksiError into diagnostics and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SaksiError as exc:
            click.echo(exc.diagnostics(), err=True)
            sys.exit(EXIT_INPUT)


@click.group(cls=SaksiGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="saksi")
def cli() -> None:
    """Saksi: election results as signed statements in a public, verifiable log.

    Saksi mencatat hasil pemilu sebagai pernyataan bertanda tangan dalam log publik
    yang dapat diperiksa siapa saja.
    """


cli.add_command(keygen)
cli.add_command(sign)
cli.add_command(check)
cli.add_command(regions)
cli.add_command(demo)
cli.add_command(simulate)
cli.add_command(log)
cli.add_command(serve)
cli.add_command(recap)
cli.add_command(publish)
cli.add_command(verify)
cli.add_command(witness)


def main() -> None:
    cli(prog_name="saksi")
