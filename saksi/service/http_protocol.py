"""The HTTP protocol of ``saksi serve``: uvicorn's (httptools) with time and count bounds.

uvicorn times out only idle keep-alive connections, and its ``limit_concurrency``
answers 503 only once a request's headers are complete. Measured on uvicorn 0.54: a
connection that never sends a byte, and one sending a header line every 5 s, were
both still open after 45 s; one trickling the body of a request whose handler
answered without reading it stays open as long as bytes keep coming (each byte
cancels the keep-alive timer). Each holds a file descriptor.

:class:`GuardedProtocol` adds, per connection (the bounds are
:class:`~saksi.server_limits.ConnectionLimits`):

- on opening, the :class:`~saksi.server_limits.ConnectionGuard`'s verdict: a
  connection over the total or per-address cap is answered 503 or 429
  ``http.too-many-connections`` and closed;
- a deadline for the headers (``header_timeout`` from the opening, or from the first
  byte of a later request on the same connection) and one for the body
  (``body_timeout`` from the end of the headers, whether the handler reads the body or
  not). A connection that sent nothing is closed without a word; one that sent part of
  a request is answered 408 ``http.request-timeout`` (unless its answer has begun) and
  closed.

Answers on a connection the server is leaving are written by :class:`Farewell`, as
:mod:`saksi.server_limits` describes (half-closed, then read and dropped for at most
:data:`~saksi.server_limits.LINGER_SECONDS`).
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.utils import get_remote_addr

from saksi.errors import SaksiError
from saksi.server_limits import LINGER_SECONDS, ConnectionGuard
from saksi.service.errors import request_timed_out, too_many_connections
from saksi.service.http_service import error_response

__all__ = ["Farewell", "GuardedProtocol", "answer_bytes", "guarded_protocol"]


def answer_bytes(error: SaksiError, status: int) -> bytes:
    """A whole HTTP/1.1 answer in the one error shape, closing the connection."""
    response = error_response(error, status)
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n".encode("ascii")]
    lines += [name + b": " + value + b"\r\n" for name, value in response.raw_headers]
    lines.append(b"x-content-type-options: nosniff\r\nconnection: close\r\n\r\n")
    return b"".join(lines) + bytes(response.body)


class Farewell(asyncio.Protocol):
    """The last moments of a connection the server will not serve (see the module doc)."""

    def __init__(self, guard: ConnectionGuard, loop: asyncio.AbstractEventLoop) -> None:
        self._guard = guard
        self._loop = loop
        self._timer: asyncio.TimerHandle | None = None
        self._counted = True  # the guard counts this farewell until the connection is lost

    def take(self, transport: asyncio.Transport, answer: bytes | None) -> None:
        """Take over ``transport``: write ``answer``, half-close, linger."""
        transport.set_protocol(self)
        if answer:
            transport.write(answer)
        if transport.can_write_eof():
            transport.write_eof()
        transport.resume_reading()
        self._timer = self._loop.call_later(LINGER_SECONDS, transport.abort)

    def data_received(self, data: bytes) -> None:
        pass  # the rest of a request that will not be served

    def eof_received(self) -> bool:
        return False  # the client is done: close

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._counted:
            self._counted = False
            self._guard.farewell_done()


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with :attr:`guard`'s bounds (see the module doc)."""

    guard: ClassVar[ConnectionGuard]
    answers: ClassVar[dict[str, bytes]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._address: str | None = None  # set while this connection is served
        self._phase = "idle"  # idle (nothing yet), headers, body, answering
        self._since = 0.0  # when the phase's clock started (the loop's time)
        self._deadline: asyncio.TimerHandle | None = None
        self._clock: tuple[bool, float] = (False, 0.0)  # the clock the deadline is for

    # --- opening and closing ---

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        peer = get_remote_addr(transport)
        address = peer[0] if peer else "(unknown)"
        verdict = self.guard.admit(address)
        if verdict == "serve":
            self._address = address
            super().connection_made(transport)
            self._since = self.loop.time()
            self._schedule()
        elif verdict == "drop":
            transport.abort()  # no room even to answer
        else:
            Farewell(self.guard, self.loop).take(transport, self.answers[verdict])

    def connection_lost(self, exc: Exception | None) -> None:
        address, self._address = self._address, None
        if address is None:
            return  # dropped on arrival
        self._disarm()
        self.guard.release(address)
        super().connection_lost(exc)

    # --- the deadlines ---
    # A phase's clock starts with the phase (the connection's opening for the first
    # request's headers); its timer is set only when a data_received call ends with
    # the phase unfinished, so a request that arrives whole costs no timer at all.

    def _bound(self) -> float | None:
        if self._phase in ("idle", "headers"):
            return self.guard.limits.header_timeout
        if self._phase == "body":
            return self.guard.limits.body_timeout
        return None  # answering: the handler's time is bounded by request_timeout

    def _schedule(self) -> None:
        bound = self._bound()
        if bound is None:
            self._disarm()
            return
        clock = (self._phase == "body", self._since)  # idle becoming headers: one clock
        if self._deadline is None or clock != self._clock:
            self._disarm()
            self._clock = clock
            self._deadline = self.loop.call_at(self._since + bound, self._late)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _answering(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._address is None:
            return
        if self._phase == "answering" and not self._answering():
            # bytes after an answer that began no request (blank lines): the header
            # clock runs all the same
            self._phase, self._since = "headers", self.loop.time()
        self._schedule()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._phase != "idle":  # the first request's clock runs since the opening
            self._since = self.loop.time()
        self._phase = "headers"

    def on_headers_complete(self) -> None:
        self._phase, self._since = "body", self.loop.time()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._phase = "answering"
        super().on_message_complete()

    def _late(self) -> None:
        self._deadline = None
        if self._address is None or self.transport.is_closing() or self._bound() is None:
            return
        paused = self._phase == "body" and self.flow.read_paused  # the server stopped reading
        waiting = self._phase == "headers" and self._answering()  # a pipelined request
        if paused or waiting:  # not the client's doing: its clock starts again
            self._since = self.loop.time()
            self._schedule()
        else:
            self._leave(self._phase)

    def _leave(self, phase: str) -> None:
        """Close a connection that ran out of time, answering 408 if it can."""
        address, self._address = self._address, None
        assert address is not None
        self.connections.discard(self)
        self._unset_keepalive_if_required()
        cycle = self.cycle
        begun = cycle is not None and cycle.response_started
        if cycle is not None:  # the handler, if any, sees a client that left
            cycle.disconnected = True
            cycle.message_event.set()
        self.flow.resume_writing()
        self.guard.timed_out(phase)
        if phase == "idle":  # nothing was said: nothing to answer
            self.guard.release(address)
            self.transport.close()
        elif begun:  # its answer was on its way: no room for another
            self.guard.release(address)
            self.transport.abort()
        elif self.guard.to_farewell(address):
            Farewell(self.guard, self.loop).take(self.transport, self.answers[phase])
        else:
            self.transport.abort()


def guarded_protocol(guard: ConnectionGuard) -> type[GuardedProtocol]:
    """A :class:`GuardedProtocol` class bound to ``guard`` (uvicorn's ``http`` setting)."""
    limits = guard.limits
    answers = {
        "address": answer_bytes(too_many_connections("address"), 429),
        "total": answer_bytes(too_many_connections("total"), 503),
        "headers": answer_bytes(request_timed_out(limits.header_timeout, "headers"), 408),
        "body": answer_bytes(request_timed_out(limits.body_timeout, "body"), 408),
    }
    return type("BoundGuardedProtocol", (GuardedProtocol,), {"guard": guard, "answers": answers})
