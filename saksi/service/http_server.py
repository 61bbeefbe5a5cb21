"""Running the application under uvicorn: one process, uvloop when there, httptools.

:func:`run_server` blocks until SIGTERM or SIGINT; uvicorn then stops accepting
connections and lets requests in flight finish (up to :data:`GRACEFUL_SECONDS`).
uvicorn's own access log is off (it would record client addresses and query
strings); the service's (``saksi.service.access``) records neither. Forwarded
headers are ignored: the per-address rate limit sees the TCP peer, which a client
cannot choose (behind a reverse proxy, limit per address at the proxy).

Each connection is bounded (header and body deadlines, caps per address and in total)
by :mod:`saksi.service.http_protocol`, uvicorn's httptools protocol with the
service's :class:`~saksi.service.connections.ConnectionGuard`.

The listening sockets are bound by :func:`bind_listeners` (``saksi serve`` does it
before it opens the ledger), so an address that cannot be bound is the coded refusal
``service.cannot-listen``, never uvicorn's own error.
"""

from __future__ import annotations

import gc
import importlib.util
import socket
from collections.abc import Callable
from typing import Final

import uvicorn
from fastapi import FastAPI

from saksi.errors import ServiceError
from saksi.ledger.config import ServiceConfig
from saksi.listening import bind_sockets, cannot_listen
from saksi.service.http_protocol import guarded_protocol

__all__ = [
    "GC_THRESHOLDS",
    "GRACEFUL_SECONDS",
    "LISTEN_CODE",
    "AnnouncingServer",
    "bind_listeners",
    "make_server",
    "run_server",
    "tune_collector",
]

GRACEFUL_SECONDS: Final = 10
LISTEN_CODE: Final = "service.cannot-listen"
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


def bind_listeners(config: ServiceConfig) -> list[socket.socket]:
    """The service's sockets, bound to ``config.host``:``config.port`` but not yet
    listening; ServiceError ``service.cannot-listen`` (in both languages) when the
    address cannot be bound (a port in use, an address not this machine's)."""
    return bind_sockets(config.host, config.port, code=LISTEN_CODE, kind=ServiceError)


class AnnouncingServer(uvicorn.Server):
    """A uvicorn server on sockets bound beforehand that says where it listens once it
    does, then ``ready``."""

    def __init__(
        self,
        config: uvicorn.Config,
        announce: Callable[[str], None],
        sockets: list[socket.socket],
    ) -> None:
        super().__init__(config)
        self._announce = announce
        self._sockets = sockets

    def run(self, sockets: list[socket.socket] | None = None) -> None:
        super().run(sockets=self._sockets if sockets is None else sockets)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        except OSError as exc:  # listen() failed: another process took the port meanwhile
            host, port = self.config.host, self.config.port
            raise cannot_listen(host, port, exc, code=LISTEN_CODE, kind=ServiceError) from None
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
    app: FastAPI,
    config: ServiceConfig,
    announce: Callable[[str], None],
    sockets: list[socket.socket] | None = None,
) -> AnnouncingServer:
    """A server for ``app`` on ``sockets`` (from :func:`bind_listeners`; bound here when
    not given) for ``config.host``:``config.port`` (0: a free port); its ``run()``
    serves until SIGTERM, SIGINT or :meth:`AnnouncingServer.request_exit`, and once
    listening ``announce``s each address, then ``ready``."""
    if sockets is None:
        sockets = bind_listeners(config)
    uv_config = uvicorn.Config(
        app,
        host=config.host,
        port=config.port,
        loop="uvloop" if _available("uvloop") else "asyncio",
        http=guarded_protocol(app.state.service.connections),
        ws="none",
        lifespan="on",
        access_log=False,
        log_level="warning",
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )
    return AnnouncingServer(uv_config, announce, sockets)


def run_server(app: FastAPI, config: ServiceConfig, announce: Callable[[str], None]) -> None:
    """:func:`make_server`, then run it until it is told to stop."""
    make_server(app, config, announce).run()
