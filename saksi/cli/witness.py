"""``saksi witness new|serve``: run a C2SP tlog-witness (docs/witness.md).

``serve`` prints, each on its own line and flushed::

    witness: <name>
    vkey: <the witness's cosignature verifier key>
    logs: <origin>, ...
    serving on http://HOST:PORT
    ready

SIGTERM or SIGINT stops it: requests in flight are answered, the state folder is
released; exit status 0. A witness that cannot start exits with 2 and a coded,
bilingual refusal on standard error (a port in use: ``witness.cannot-listen``, before
anything is printed). Each connection is bounded in time and number
(``--header-timeout``, ``--body-timeout``, ``--max-connections``,
``--max-connections-per-address``; docs/witness.md).
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import FrameType

import click

from saksi.cli.keys import write_private
from saksi.errors import InputError, WitnessError
from saksi.listening import cannot_listen
from saksi.server_limits import ConnectionLimits, fit_to_descriptors, raise_descriptor_limit
from saksi.tlog.checkpoint import CosignatureSigner
from saksi.tlog.note import generate_key
from saksi.witness.protocol import WatchedLog, watched_logs
from saksi.witness.server import WITNESS_LIMITS, Witness, WitnessServer
from saksi.witness.state import WitnessState

__all__ = ["parse_config", "parse_log_option", "witness"]

DEFAULT_PORT = 7380


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            code="cli.unreadable-file",
            en=f"cannot read {what} {path}: {exc.__class__.__name__}",
            id=f"{what} {path} tidak dapat dibaca: {exc.__class__.__name__}",
        ) from None


def parse_log_option(value: str) -> tuple[str, str]:
    """``ORIGIN=VKEY`` as ``(origin, vkey)`` (split at the first ``=``)."""
    origin, sep, vkey = value.partition("=")
    if not sep or not origin or not vkey:
        raise WitnessError(
            code="witness.config-invalid",
            en=f"--log takes ORIGIN=VKEY, got {value[:80]!r}",
            id=f"--log berbentuk ORIGIN=VKEY, didapat {value[:80]!r}",
        )
    return origin, vkey


def parse_config(text: str) -> list[tuple[str, str]]:
    """The ``log <vkey> [<url>]`` lines of a tlog-policy file as ``(origin, vkey)``.

    The origin is the vkey's name (as tlog-policy requires). ``witness``, ``group`` and
    ``quorum`` lines are allowed and ignored, so a log's policy file can be reused;
    comments (``#``) and blank lines too. Any other line is ``witness.config-invalid``.
    """
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        words = line.replace("\t", " ").split(" ")
        words = [word for word in words if word]
        if not words or words[0].startswith("#"):
            continue
        if words[0] == "log" and len(words) in (2, 3):
            pairs.append((words[1].split("+", 1)[0], words[1]))
        elif words[0] not in ("witness", "group", "quorum"):
            raise WitnessError(
                code="witness.config-invalid",
                en=f"line {number} of the config is not 'log <vkey> [<url>]': {line[:80]!r}",
                id=f"baris {number} konfigurasi bukan 'log <vkey> [<url>]': {line[:80]!r}",
                line=number,
            )
    return pairs


def _load_logs(log_options: tuple[str, ...], config: Path | None) -> dict[str, WatchedLog]:
    pairs = [parse_log_option(value) for value in log_options]
    if config is not None:
        pairs += parse_config(_read_text(config, "config"))
    if not pairs:
        raise WitnessError(
            code="witness.config-invalid",
            en="a witness needs at least one log to watch: --log ORIGIN=VKEY or --config FILE",
            id=(
                "pemantau memerlukan minimal satu log untuk diawasi: --log ORIGIN=VKEY atau "
                "--config FILE"
            ),
        )
    return watched_logs(pairs)


def _echo(line: str) -> None:
    click.echo(line)
    sys.stdout.flush()


@click.group("witness")
def witness() -> None:
    """A C2SP tlog-witness: cosign checkpoints of logs that only grow.

    Witness: kosignatur atas checkpoint log yang hanya bertambah.
    """


@witness.command("new")
@click.option(
    "--name", required=True, help="The witness's name (its key name), e.g. example.org/w1."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File for the private key (note format, mode 0600, never overwritten).",
)
def new(name: str, out: Path) -> None:
    """Create a witness key; print its cosignature verifier key as the last line.

    Membuat kunci pemantau; baris terakhir adalah kunci verifikasinya.
    """
    skey, _ = generate_key(name)
    vkey = CosignatureSigner.from_skey(skey).vkey
    write_private(out, skey)
    click.echo(f"witness: {name}")
    click.echo(vkey)


@witness.command("serve")
@click.option(
    "--state",
    "state_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder of the witness's state (created if missing; back it up, never delete it).",
)
@click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The witness's private key file (from `saksi witness new`).",
)
@click.option(
    "--log",
    "log_options",
    multiple=True,
    metavar="ORIGIN=VKEY",
    help="A log to watch: its origin and verifier key. Repeat for more logs or keys.",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A file of 'log <vkey> [<url>]' lines (tlog-policy syntax) naming more logs.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on (0 picks a free one).",
)
@click.option("--quiet", is_flag=True, help="Do not log each request on standard error.")
@click.option(
    "--header-timeout",
    type=click.FloatRange(0, 3600, min_open=True),
    default=WITNESS_LIMITS.header_timeout,
    show_default=True,
    metavar="SECONDS",
    help="Time a request's headers may take (from the connection's opening, or the end of "
    "the previous answer); then 408, or a silent close if nothing came.",
)
@click.option(
    "--body-timeout",
    type=click.FloatRange(0, 3600, min_open=True),
    default=WITNESS_LIMITS.body_timeout,
    show_default=True,
    metavar="SECONDS",
    help="Time a request's body may take after its headers; then 408.",
)
@click.option(
    "--max-connections",
    type=click.IntRange(1, 1_000_000),
    default=WITNESS_LIMITS.max_connections,
    show_default=True,
    metavar="N",
    help="Connections (and threads) served at once; over it: 503.",
)
@click.option(
    "--max-connections-per-address",
    type=click.IntRange(0, 1_000_000),
    default=WITNESS_LIMITS.max_per_address,
    show_default=True,
    metavar="N",
    help="Connections served at once from one client address (0: no cap); over it: 429.",
)
def serve(
    *,
    state_dir: Path,
    key_file: Path,
    log_options: tuple[str, ...],
    config: Path | None,
    host: str,
    port: int,
    quiet: bool,
    header_timeout: float,
    body_timeout: float,
    max_connections: int,
    max_connections_per_address: int,
) -> None:
    """Answer POST /add-checkpoint (C2SP tlog-witness) for the logs given.

    Menjawab POST /add-checkpoint untuk log yang diberikan.
    """
    limits = fit_to_descriptors(
        ConnectionLimits(
            header_timeout, body_timeout, max_connections, max_connections_per_address
        ),
        raise_descriptor_limit(),
        setting="--max-connections",
        code="witness.config-invalid",
        kind=WitnessError,
    )
    signer = CosignatureSigner.from_skey(_read_text(key_file, "key file").strip())
    logs = _load_logs(log_options, config)
    state = WitnessState.open(state_dir)
    try:
        server = _bind(Witness(signer, logs, state), host, port, quiet, limits)
        _echo(f"witness: {signer.name}")
        _echo(f"vkey: {signer.vkey}")
        _echo(f"logs: {', '.join(sorted(logs))}")
        _echo(f"serving on {server.url}")

        def stop(signum: int, frame: FrameType | None) -> None:
            server.stop_soon()

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, stop)
        _echo("ready")
        server.serve_forever(poll_interval=0.2)
        server.server_close()
    finally:
        state.close()


def _bind(
    witness_: Witness, host: str, port: int, quiet: bool, limits: ConnectionLimits
) -> WitnessServer:
    try:
        return WitnessServer(witness_, host, port, quiet=quiet, limits=limits)
    except OSError as exc:
        raise cannot_listen(
            host, port, exc, code="witness.cannot-listen", kind=WitnessError
        ) from None
