"""The witness over HTTP: ``POST /add-checkpoint`` (C2SP tlog-witness).

:class:`Witness` joins the pure protocol (:mod:`saksi.witness.protocol`), the state
(:mod:`saksi.witness.state`), the witness's key and the clock: parse, verify against
the latest cosigned checkpoint, cosign, compare-and-swap the record (durable), and
only then answer. A lost swap (another request for the same log won) is checked
again against the winner's checkpoint, which then answers 409 with the new size.

The HTTP server is the standard library's :class:`~http.server.ThreadingHTTPServer`
speaking HTTP/1.1 with keep-alive: one route, a few requests per checkpoint, no
framework in the path that holds the key (docs/witness.md explains the choice). The
standard library bounds nothing: measured, 300 connections that sent half a request
line held 300 threads, a body shorter than its ``Content-Length`` got no answer after
15 s (nor ever), and 350 clients that left made 350 tracebacks on standard error. So
:class:`WitnessServer` applies :class:`~saksi.server_limits.ConnectionLimits` (the
caps, counted by a :class:`~saksi.server_limits.ConnectionGuard`, refused 429 or 503
``witness.too-many-connections`` from the accepting thread) and
:class:`WitnessHandler` reads through a :class:`DeadlineReader`, so that the headers
and the body each arrive within their time or are answered 408
``witness.request-timeout``; a client that leaves is let go without a word.
"""

from __future__ import annotations

import io
import math
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Final

from saksi.errors import SaksiError, WitnessError
from saksi.server_limits import LINGER_SECONDS, ConnectionGuard, ConnectionLimits
from saksi.tlog.checkpoint import CosignatureSigner
from saksi.tlog.note import add_signatures
from saksi.witness import protocol
from saksi.witness.protocol import Response, WatchedLog
from saksi.witness.state import WitnessState

SERVER_NAME: Final = "saksi-witness"
WITNESS_LIMITS: Final = ConnectionLimits(
    header_timeout=10.0, body_timeout=10.0, max_connections=64, max_per_address=16
)
"""The witness's bounds unless told otherwise (``saksi witness serve --header-timeout``,
...): a few requests per checkpoint per log need no more."""


def _content_length(value: str | None) -> int | None:
    """A Content-Length of ASCII digits (not Unicode's other digits), or None; a value
    too long to be a size any request may have is just larger than the limit (never
    handed to ``int`` whole: Python refuses numbers of more than 4,300 digits)."""
    if value is None or not value.isascii() or not value.isdigit():
        return None
    return int(value) if len(value) <= 18 else protocol.MAX_REQUEST_BYTES + 1


class Witness:
    """A tlog witness: its cosigning key, the logs it watches and its state."""

    def __init__(
        self,
        signer: CosignatureSigner,
        logs: Mapping[str, WatchedLog],
        state: WitnessState,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.signer = signer
        self.logs = dict(logs)
        self.state = state
        self._clock = clock

    @property
    def name(self) -> str:
        return self.signer.name

    def add_checkpoint(self, body: bytes) -> Response:
        """The answer to one add-checkpoint body; the record is durable before a 200."""
        try:
            return self._add_checkpoint(body)
        except WitnessError as exc:
            return protocol.error_response(exc)

    def _add_checkpoint(self, body: bytes) -> Response:
        request = protocol.parse_request(body)
        checkpoint = protocol.open_request(request, self.logs).checkpoint
        while True:
            latest = self.state.latest(checkpoint.origin)
            protocol.check_request(request, checkpoint, latest)
            line = protocol.cosign(self.signer, checkpoint, int(self._clock()))
            record = add_signatures(request.note, [line])
            if self.state.compare_and_swap(latest, record):
                return protocol.success_response([line])


def _internal_error(exc: Exception) -> Response:
    error = WitnessError(
        code="witness.internal",
        en=f"the witness failed: {exc.__class__.__name__}",
        id=f"witness gagal: {exc.__class__.__name__}",
    )
    if isinstance(exc, SaksiError):
        error = WitnessError(code=exc.code, en=exc.message_en, id=exc.message_id)
    return protocol.error_response(error)


def _refusal(code: str, en: str, id_: str, status: int | None = None, **details: Any) -> Response:
    answer = protocol.error_response(WitnessError(code=code, en=en, id=id_, **details))
    return answer if status is None else Response(status, answer.content_type, answer.body)


def _too_many_connections(limit: str) -> bytes:
    """The whole answer to a connection over a cap (written before any request is read)."""
    who_en = "from this client address" if limit == "address" else "to this witness"
    who_id = "dari alamat klien ini" if limit == "address" else "ke pemantau ini"
    answer = _refusal(
        "witness.too-many-connections",
        f"too many connections {who_en} are open; retry after 1 s",
        f"terlalu banyak sambungan {who_id} yang terbuka; coba lagi setelah 1 detik",
        429 if limit == "address" else 503,
        limit=limit,
    )
    head = (
        f"HTTP/1.1 {answer.status} {HTTPStatus(answer.status).phrase}\r\n"
        f"Server: {SERVER_NAME}\r\nContent-Type: {answer.content_type}\r\n"
        f"Content-Length: {len(answer.body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + answer.body


class _Late(Exception):
    """The headers or the body did not arrive in time (not a TimeoutError, so that the
    standard library's handler does not swallow it with a log line)."""

    def __init__(self, phase: str) -> None:
        super().__init__(phase)
        self.phase = phase


class DeadlineReader(io.RawIOBase):
    """A connection's bytes, each read within what is left of the current deadline.

    A socket timeout bounds each read, so a client sending a byte a second would hold
    a connection for ever; this reader bounds the whole: :meth:`start` sets a phase's
    deadline, and a read past it raises :class:`_Late` with the phase.
    """

    def __init__(self, sock: socket.socket) -> None:
        super().__init__()
        self._sock = sock
        self.phase = "idle"
        self.received = 0  # bytes read in this phase
        self._deadline = math.inf

    def start(self, phase: str, seconds: float) -> None:
        self.phase, self.received = phase, 0
        self._deadline = time.monotonic() + seconds

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise _Late(self.phase)
        self._sock.settimeout(left)
        try:
            count = self._sock.recv_into(buffer)
        except TimeoutError:
            raise _Late(self.phase) from None
        self.received += count
        return count


class WitnessHandler(BaseHTTPRequestHandler):
    """``POST /add-checkpoint``; anything else is 404 or 405."""

    protocol_version = "HTTP/1.1"
    server_version = SERVER_NAME
    sys_version = ""
    witness: ClassVar[Witness]
    limits: ClassVar[ConnectionLimits] = WITNESS_LIMITS
    quiet: ClassVar[bool] = False

    def setup(self) -> None:
        super().setup()
        self._reader = DeadlineReader(self.connection)
        self._reader.start("idle", self.limits.header_timeout)  # from the opening
        self.rfile.close()  # the standard library's reader, replaced by one with deadlines
        self.rfile = io.BufferedReader(self._reader)
        self._requests = 0

    def handle_one_request(self) -> None:
        if self._requests:  # a kept-alive connection: the next request's clock
            self._reader.start("idle", self.limits.header_timeout)
        self._requests += 1
        # what an answer needs before a request line is read (parse_request sets them)
        self.command, self.requestline, self.request_version = "", "", "HTTP/1.1"
        try:
            super().handle_one_request()
        except _Late as late:
            self.close_connection = True
            if late.phase == "body" or self._reader.received:  # part of a request came
                self._late(late.phase if late.phase == "body" else "headers")
        except OSError:  # the client left (a reset, a broken pipe): nothing to say
            self.close_connection = True

    def _late(self, part: str) -> None:
        """Answer 408 and leave: half-close, drop what still comes, for a moment."""
        seconds = self.limits.body_timeout if part == "body" else self.limits.header_timeout
        what_en, what_id = ("body", "isi") if part == "body" else ("headers", "kepala")
        answer = _refusal(
            "witness.request-timeout",
            f"the request {what_en} did not arrive within {seconds:g} s",
            f"{what_id} permintaan tidak tiba dalam {seconds:g} detik",
            seconds=seconds,
            part=part,
        )
        with suppress(_Late, OSError):  # the client's close, the moment's end, or a reset
            self._send(answer)
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self._reader.start("linger", LINGER_SECONDS)
            while self._reader.readinto(bytearray(65536)):
                pass

    def do_POST(self) -> None:
        if self.path != protocol.ADD_CHECKPOINT_PATH:
            self._refuse(
                "witness.not-found",
                f"no such path {self.path[:80]!r}",
                f"tidak ada path {self.path[:80]!r}",
            )
            return
        length = _content_length(self.headers.get("Content-Length"))
        if length is None or "Transfer-Encoding" in self.headers:
            self.close_connection = True  # a body may follow that we will not read
            self._refuse(
                "witness.length-required",
                "a request needs a Content-Length",
                "permintaan memerlukan Content-Length",
            )
            return
        if length > protocol.MAX_REQUEST_BYTES:
            self.close_connection = True
            self._refuse(
                "witness.request-too-large",
                f"a request is at most {protocol.MAX_REQUEST_BYTES} bytes",
                f"permintaan paling banyak {protocol.MAX_REQUEST_BYTES} bita",
            )
            return
        self._reader.start("body", self.limits.body_timeout)
        body = self.rfile.read(length)
        if len(body) < length:  # the client closed before sending it all
            self.close_connection = True
            return
        try:
            answer = self.witness.add_checkpoint(body)
        except Exception as exc:  # an IO failure of the state: never a cosignature
            self.log_error("add-checkpoint failed: %r", exc)
            answer = _internal_error(exc)
        self._send(answer)

    def _other_method(self) -> None:
        if self.path == protocol.ADD_CHECKPOINT_PATH:
            self._refuse(
                "witness.method-not-allowed",
                "add-checkpoint is a POST",
                "add-checkpoint memakai POST",
            )
        else:
            self._refuse(
                "witness.not-found",
                f"no such path {self.path[:80]!r}",
                f"tidak ada path {self.path[:80]!r}",
            )

    do_GET = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _other_method

    def _refuse(self, code: str, en: str, id_: str) -> None:
        self._send(_refusal(code, en, id_))

    def _send(self, answer: Response) -> None:
        self.connection.settimeout(self.limits.body_timeout)  # a client that will not read
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        if answer.status == 405:
            self.send_header("Allow", "POST")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


class WitnessServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one :class:`Witness`, within ``limits``: each
    connection served has its thread; one over a cap is answered from the accepting
    thread, which then reads and drops what the client still sends (without
    blocking, between accepts) until it closes, for at most
    :data:`~saksi.server_limits.LINGER_SECONDS`."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 128  # listen backlog (the standard library's 5 dropped a burst's
    # connection attempts, which the clients then retried a second or more later)

    def __init__(
        self,
        witness: Witness,
        host: str,
        port: int,
        *,
        quiet: bool = False,
        limits: ConnectionLimits = WITNESS_LIMITS,
    ) -> None:
        class BoundWitnessHandler(WitnessHandler):
            pass

        BoundWitnessHandler.witness = witness
        BoundWitnessHandler.quiet = quiet
        BoundWitnessHandler.limits = limits
        self.guard = ConnectionGuard(limits)
        self._leaving: list[tuple[socket.socket, float]] = []
        super().__init__((host, port), BoundWitnessHandler)
        self.witness = witness

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        text = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{text}]" if ":" in text else text
        return f"http://{shown}:{port}"

    def stop_soon(self) -> None:
        """Stop :meth:`serve_forever` from another thread (or a signal handler)."""
        threading.Thread(target=self.shutdown, daemon=True).start()

    # --- the caps ---

    def process_request(self, request: Any, client_address: Any) -> None:
        address = str(client_address[0])
        verdict = self.guard.admit(address)
        if verdict == "drop":
            self.shutdown_request(request)
        elif verdict != "serve":
            self._leave(request, _too_many_connections(verdict))
        else:
            try:
                super().process_request(request, client_address)  # its thread
            except BaseException:
                self.guard.release(address)
                raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.guard.release(str(client_address[0]))

    def _leave(self, request: socket.socket, answer: bytes) -> None:
        try:
            request.setblocking(False)
            request.send(answer)  # a few hundred bytes: the send buffer takes them
            request.shutdown(socket.SHUT_WR)
        except OSError:
            request.close()
            self.guard.farewell_done()
            return
        self._leaving.append((request, time.monotonic() + LINGER_SECONDS))

    def service_actions(self) -> None:
        """Between accepts: close the refused connections whose clients closed, or whose
        moment has passed."""
        now, kept = time.monotonic(), []
        for sock, deadline in self._leaving:
            if now < deadline and not _gone(sock):
                kept.append((sock, deadline))
            else:
                sock.close()
                self.guard.farewell_done()
        self._leaving = kept

    def server_close(self) -> None:
        super().server_close()
        for sock, _ in self._leaving:
            sock.close()
            self.guard.farewell_done()
        self._leaving = []

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that left (any socket error) is no error of the witness: no
        traceback; anything else is a bug and keeps the standard report."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


def _gone(sock: socket.socket) -> bool:
    """Read (and drop) what a refused client sent, without blocking; True once it closed."""
    try:
        while sock.recv(65536):
            pass
    except BlockingIOError:
        return False
    except OSError:
        return True
    return True


__all__ = ["WITNESS_LIMITS", "DeadlineReader", "Witness", "WitnessHandler", "WitnessServer"]
