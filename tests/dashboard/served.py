"""An app served by uvicorn on a free local port in this process, for the browser tests:
the dashboard's routes over a published site, or any small app beside them."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import httpx
import uvicorn
from fastapi import FastAPI

from saksi.dashboard import Dashboard
from saksi.service.routes_dashboard import router
from tests.waiting import wait_for


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def dashboard_app(results: Path, log: Path) -> FastAPI:
    """The dashboard's routes alone over the results and the log published in ``results``
    and ``log``."""
    app = FastAPI()
    app.include_router(router)
    app.state.service = SimpleNamespace(config=SimpleNamespace(results_dir=results, log_dir=log))
    app.state.dashboard = Dashboard(results, log)
    return app


@contextmanager
def served(app: FastAPI, probe: str) -> Iterator[str]:
    """``app`` served until the block ends; its base URL once ``probe`` answers 200."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(base + probe, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for(up)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=30)
