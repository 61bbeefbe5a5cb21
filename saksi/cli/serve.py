"""``saksi serve``: the submission service over HTTP (FastAPI on uvicorn, one process).

Settings come from a TOML file (``--config``), then ``SAKSI_*`` environment
variables, then the flags (docs/service.md lists them all). The command opens the
log (creating it from ``--manifest`` on first start, with ``--contests`` for a format
v2 manifest, replaying it otherwise), then prints, each on its own line and flushed::

    log-key: <the log's verifier key>
    serving on http://HOST:PORT
    ready

SIGTERM or SIGINT (Ctrl+C) stops it cleanly: no new connections, requests in
flight are answered, the sequencer stops, a last checkpoint is signed and the store
closed, then one line says so in both languages; exit status 0. The results
publisher and the parse workers are the service's to stop: a Ctrl-C in the
terminal reaches the service alone. If the ledger stops on a storage failure (fail-stop), the
server stops the same way and exits with status 1, so that a supervisor restarts it
(the restart replays the log). A service that cannot start exits with 2 and a coded,
bilingual refusal on standard error; its address is bound first, so that a port in
use (``service.cannot-listen``) is refused before anything is printed or opened.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from saksi.ledger.ledger import Ledger

__all__ = ["serve"]

log = logging.getLogger("saksi.service")

EXIT_LEDGER_STOPPED = 1
"""The ledger stopped after a storage failure; restart the service (it replays the log)."""


SIGNAL_NAMES = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "SIGTERM"}


class StopSignal:
    """The signal that stopped the service. uvicorn stops gracefully on SIGTERM or
    SIGINT, then raises that signal again on its way out: it is only noted here, so
    that the ledger is closed in order, the exit status is 0, and the stop is told
    once, in both languages, when it is complete (:meth:`said`)."""

    def __init__(self) -> None:
        self.signum: int | None = None

    def install(self) -> None:
        for signum in SIGNAL_NAMES:
            signal.signal(signum, self._note)

    def _note(self, signum: int, frame: FrameType | None) -> None:
        self.signum = self.signum or signum

    def said(self, closed: bool) -> str | None:
        """What happened, once the ledger is closed (``closed``: cleanly)."""
        if self.signum is None:
            return None
        name = SIGNAL_NAMES.get(signal.Signals(self.signum), f"signal {self.signum}")
        if closed:
            return (
                f"dihentikan oleh {name}: permintaan yang sedang berjalan sudah dijawab, "
                "checkpoint terakhir ditandatangani, penyimpanan ditutup / stopped by "
                f"{name}: requests in flight answered, the last checkpoint signed, the "
                "store closed"
            )
        return (
            f"dihentikan oleh {name}; penutupan log gagal (lihat di atas), log diputar ulang "
            f"saat mulai lagi / stopped by {name}; closing the log failed (see above), the "
            "next start replays it"
        )


def _echo(line: str) -> None:
    click.echo(line)
    sys.stdout.flush()


def _close(ledger: Ledger) -> bool:
    try:
        ledger.close()  # stops the sequencer, signs a last checkpoint, closes the store
    except Exception:  # the log is crash-safe: a restart replays it
        log.exception("closing the ledger failed")
        return False
    return True


def _publisher_contests(ledger: Ledger) -> Path | None:
    """The contests file to hand the results publisher: the recorded one of a format
    v2 log (None for a v1 log)."""
    from saksi.ledger.startup import recorded_contests  # noqa: PLC0415

    if ledger.contests is None:
        return None
    return recorded_contests(ledger.config.data)


@click.command("serve")
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="Data directory: DATA/log is the published log, DATA/log/.state its private state "
    "(and the SQLite store). Required here, in SAKSI_DATA or in the config file.",
)
@click.option(
    "--db",
    metavar="URL",
    help="Keep entries in PostgreSQL (postgresql://...) instead of the embedded SQLite store.",
)
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 8080; 0 picks a free one).")
@click.option(
    "--public-url",
    metavar="URL",
    help="The address readers reach this service at (https://saksi.example): the dashboard's "
    "Verifikasi page names it in its commands. Default: none (the page says so).",
)
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The signed manifest entry; required on first start (it becomes entry 0).",
)
@click.option(
    "--regions",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Region file (saksi regions import); default: the synthetic hierarchy, and on "
    "later starts the one recorded in DATA/regions.json.gz at the first.",
)
@click.option(
    "--contests",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The contests file (saksi-contests/1, .json or .json.gz) a format v2 manifest names: "
    "required on first start of such a log, then recorded in DATA/contests.json.gz, where "
    "later starts find it. Refused for a v1 manifest (config.contests-unused).",
)
@click.option(
    "--scale",
    type=float,
    help="Synthetic hierarchy scale (default 0.005; on later starts, the recorded hierarchy).",
)
@click.option("--seed", type=int, help="Synthetic hierarchy seed (default 2024).")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML file of settings (overridden by SAKSI_* variables, then by these flags).",
)
@click.option(
    "--access-log/--no-access-log",
    default=False,
    show_default=True,
    help="Log each request to standard error (method, route, status, time; never bodies, "
    "queries or client addresses). Off by default: at thousands of requests a second it "
    "costs a sixth of the CPU; /metrics counts requests by route and status.",
)
def serve(config_file: Path | None, access_log: bool, **flags: Any) -> None:
    """Run the submission service (HTTP API, sequencer, integrator).

    Menjalankan layanan penerimaan pernyataan (API HTTP, sekuenser, integrator).
    """
    # The web stack is imported here, not with the rest of the CLI (a third of a second).
    from saksi.ledger.config import load_config  # noqa: PLC0415
    from saksi.ledger.ledger import Ledger  # noqa: PLC0415
    from saksi.ledger.results import start_publisher, stop_publisher  # noqa: PLC0415
    from saksi.ledger.startup import with_recorded_regions  # noqa: PLC0415
    from saksi.server_limits import ConnectionGuard, raise_descriptor_limit  # noqa: PLC0415
    from saksi.service.app import create_app  # noqa: PLC0415
    from saksi.service.connections import connection_limits  # noqa: PLC0415
    from saksi.service.http_server import (  # noqa: PLC0415
        bind_listeners,
        make_server,
        tune_collector,
    )

    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s"
    )
    if not access_log:
        logging.getLogger("saksi.service.access").setLevel(logging.WARNING)
    config = with_recorded_regions(load_config(config_file, os.environ, flags))
    connections = ConnectionGuard(connection_limits(config, raise_descriptor_limit()))
    sockets = bind_listeners(config)
    try:
        ledger = Ledger.open(config)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    publisher = None
    stopped = StopSignal()
    closed = False
    try:
        _echo(f"log-key: {ledger.vkey}")
        app = create_app(ledger, config, connections)
        server = make_server(app, config, _echo, sockets)
        publisher = start_publisher(config, ledger.vkey, _publisher_contests(ledger))
        tune_collector()
        ledger.on_fatal = lambda exc: server.request_exit()
        stopped.install()
        server.run()
    finally:
        closed = _close(ledger)
        stop_publisher(publisher)
    if (said := stopped.said(closed)) is not None:
        log.info("%s", said)
    if ledger.failure is not None:
        click.echo(ledger.failure.diagnostics(), err=True)
        sys.exit(EXIT_LEDGER_STOPPED)
