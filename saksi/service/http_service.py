"""What the handlers share (:class:`Service`) and how an error becomes a response.

Kept apart from :mod:`saksi.service.app` so that the route modules can import it
while the app imports them.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse

from saksi.errors import SaksiError
from saksi.server_limits import ConnectionGuard
from saksi.service import errors
from saksi.service.limits import RateLimiter
from saksi.service.metrics import Metrics

if TYPE_CHECKING:
    from saksi.ledger.config import ServiceConfig
    from saksi.ledger.ledger import Ledger

__all__ = ["RETRY_AFTER_CODES", "Service", "error_response", "service_of"]

log = logging.getLogger("saksi.service")

T = TypeVar("T")

WORKERS: Final = 64
"""Threads for blocking ledger calls: enough that many submissions wait for one group
commit together (each waits in its thread until its statement is durable)."""
GRACE: Final = 1.0
"""Seconds the HTTP layer waits beyond the ledger's own timeout before giving up."""

RETRY_AFTER_CODES: Final = frozenset(
    {
        "http.rate-limited",
        "http.not-ready",
        "http.timeout",
        "http.too-many-connections",
        "photo.key-quota",
        "photo.staging-full",
        "service.overloaded",
        "service.stopped",
        "service.timeout",
        "store.busy",
        "store.closed",
    }
)


@dataclass
class Service:
    """What the handlers share: the ledger, the limits, the counters."""

    ledger: Ledger
    config: ServiceConfig
    publication: Path
    key_limiter: RateLimiter
    address_limiter: RateLimiter
    connections: ConnectionGuard
    metrics: Metrics = field(default_factory=Metrics)
    ready: bool = True
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(WORKERS, thread_name_prefix="saksi-http")
    )

    @property
    def timeout(self) -> float:
        return float(self.config.request_timeout)

    @property
    def is_ready(self) -> bool:
        """Serving, and the ledger takes statements (not closed, not stopped)."""
        return self.ready and self.ledger.ready

    def check_ready(self) -> None:
        """503 ``http.not-ready`` while starting or stopping, or once the ledger stopped."""
        if not self.is_ready:
            raise errors.not_ready()

    async def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking ledger call in a worker thread, within the request timeout.

        On timeout the client gets 503 ``http.timeout``; the call itself runs on (a
        statement may still be logged: resending it returns its receipt). Submissions
        pass the timeout to the ledger too, which answers ``service.timeout`` first.
        """
        loop = asyncio.get_running_loop()
        with anyio.move_on_after(self.timeout + GRACE) as scope:
            # A plain executor: a third cheaper per call than anyio.to_thread.
            return await loop.run_in_executor(
                self.executor, functools.partial(func, *args, **kwargs)
            )
        assert scope.cancelled_caught
        raise errors.timed_out(self.timeout)


def service_of(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def error_response(error: SaksiError, status: int | None = None) -> JSONResponse:
    """The one error shape as a response, with Retry-After / Allow when they apply."""
    if status is None:
        status = errors.status_for(error)
    headers: dict[str, str] = {"Cache-Control": "no-store"}
    if error.code in RETRY_AFTER_CODES:
        headers["Retry-After"] = str(int(error.details.get("retry_after", 1)))
    if error.code == "http.method-not-allowed":
        headers["Allow"] = ", ".join(error.details.get("allowed", []))
    if status >= 500 and status not in (503, 507) and error.code != "http.internal":
        log.error("request failed: %s", error.diagnostics())
    return JSONResponse(errors.error_body(error, status), status_code=status, headers=headers)
