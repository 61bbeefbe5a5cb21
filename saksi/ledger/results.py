"""The results publisher beside ``saksi serve``: a ``saksi publish --follow`` child process.

The results are a pure function of the public log, so they are made from it, by the
same command anyone can run: a child process reads ``DATA/log`` (the tiles the
integrator publishes), folds each new checkpoint's entries and writes ``DATA/results``
(served under /results/). Being another process, its fold never competes with the
writer for the interpreter lock, and it runs 10 steps nicer than the server, so that
on a busy machine submissions go first and the results lag. It stops with the server
(SIGTERM on a clean stop, and on its own when the server is gone, even by SIGKILL)
and writes a last publication with exports as it goes.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from saksi.ledger.config import ServiceConfig

log = logging.getLogger(__name__)

PUBLISHER_NICE = 10
"""The publisher runs 10 steps below the server (as the parse workers do): when the
machine is busy, submissions go first and the results lag, then catch up."""

STOP_TIMEOUT = 60.0
"""Seconds a stopping publisher gets for its last publication before it is killed."""


def publisher_command(config: ServiceConfig, vkey: str, contests: Path | None = None) -> list[str]:
    """The ``saksi publish --follow`` command line for this service's data folder;
    ``contests``: the contests file of a format v2 log (``--contests``)."""
    command = [
        sys.executable, "-m", "saksi", "publish", str(config.log_dir),
        "--out", str(config.results_dir), "--follow", "--log-key", vkey,
        "--interval", str(config.results_interval),
        "--exports-every", str(config.results_exports_every),
        "--parent", str(os.getpid()), "--nice", str(PUBLISHER_NICE),
    ]  # fmt: skip
    if contests is not None:
        command += ["--contests", str(contests)]
    if config.regions is not None:
        return [*command, "--regions", str(config.regions)]
    scale, seed = config.synthetic
    return [*command, "--scale", str(scale), "--seed", str(seed)]


def start_publisher(
    config: ServiceConfig, vkey: str, contests: Path | None = None
) -> subprocess.Popen[bytes] | None:
    """Start the results publisher (None when ``publish_results`` is off)."""
    if not config.publish_results:
        return None
    child = subprocess.Popen(
        publisher_command(config, vkey, contests),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,  # one line per publication; errors go to stderr
        start_new_session=True,  # a Ctrl-C in the terminal reaches the server, which stops it
    )
    log.info("results publisher started (pid %d) -> %s", child.pid, config.results_dir)
    return child


def stop_publisher(child: subprocess.Popen[bytes] | None) -> None:
    """Ask the publisher to finish (a last publication with exports), then wait for it."""
    if child is None or child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


__all__ = ["publisher_command", "start_publisher", "stop_publisher"]
