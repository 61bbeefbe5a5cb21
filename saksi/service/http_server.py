"""Running the application under uvicorn: one process, uvloop and httptools when there.

:func:`run_server` blocks until SIGTERM or SIGINT; uvicorn then stops accepting
connections and lets requests in flight finish (up to :data:`GRACEFUL_SECONDS`).
uvicorn's own access log is off (it would record client addresses and query
strings); the service's (``saksi.service.access``) records neither. Forwarded
headers are ignored: the per-address rate limit sees the TCP peer, which a client
cannot choose (behind a reverse proxy, limit per address at the proxy).
"""

from __future__ import annotations

import gc
import importlib.util
import socket
from collections.abc import Callable
from typing import Final

import uvicorn
from fastapi import FastAPI

from saksi.service.config import ServiceConfig

__all__ = [
    "GC_THRESHOLDS",
    "GRACEFUL_SECONDS",
    "AnnouncingServer",
    "make_server",
    "run_server",
    "tune_collector",
]

GRACEFUL_SECONDS: Final = 10
GC_THRESHOLDS: Final = (50_000, 20, 100)
"""The cycle collector's thresholds while serving (CPython's default: 700, 10, 10)."""


def tune_collector() -> None:
    """Once the ledger is open: keep the cycle collector off the start-up heap and rare.

    The start-up heap (the region hierarchy, the state the replay rebuilt: hundreds of
    thousands of objects) lives as long as the process, so it is moved out of the
    collector's sight (``gc.freeze``). While serving, statements in flight (parsed
    envelopes waiting for the writer) outlive CPython's default young generations and,
    with the state that grows with the log, set off a full collection every second or
    so under load: each one stops every thread of the process for 50-150 ms (all of them
    hold the interpreter lock) and frees nothing, since what the service drops is freed
    by reference counting. Higher thresholds make the young collections rarer and let
    statements in flight die before one, so full collections all but stop (measured:
    the collector's time during a batch round fell from ~0.7 s to ~0.08 s).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


class AnnouncingServer(uvicorn.Server):
    """A uvicorn server that says where it listens once it does, then ``ready``."""

    def __init__(self, config: uvicorn.Config, announce: Callable[[str], None]) -> None:
        super().__init__(config)
        self._announce = announce

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.started:
            return
        for server in getattr(self, "servers", []):
            for sock in server.sockets:
                host, port = sock.getsockname()[:2]
                shown = f"[{host}]" if ":" in host else host
                self._announce(f"serving on http://{shown}:{port}")
        self._announce("ready")

    def request_exit(self) -> None:
        """Stop as SIGTERM would (callable from any thread): uvicorn checks the flag
        every tenth of a second, then shuts down gracefully."""
        self.should_exit = True


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def make_server(
    app: FastAPI, config: ServiceConfig, announce: Callable[[str], None]
) -> AnnouncingServer:
    """A server for ``app`` on ``config.host``:``config.port`` (0: a free port); its
    ``run()`` serves until SIGTERM, SIGINT or :meth:`AnnouncingServer.request_exit`,
    and once listening ``announce``s each address, then ``ready``."""
    uv_config = uvicorn.Config(
        app,
        host=config.host,
        port=config.port,
        loop="uvloop" if _available("uvloop") else "asyncio",
        http="httptools" if _available("httptools") else "h11",
        lifespan="on",
        access_log=False,
        log_level="warning",
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )
    return AnnouncingServer(uv_config, announce)


def run_server(app: FastAPI, config: ServiceConfig, announce: Callable[[str], None]) -> None:
    """:func:`make_server`, then run it until it is told to stop."""
    make_server(app, config, announce).run()
