"""The witness over HTTP: ``POST /add-checkpoint`` (C2SP tlog-witness).

:class:`Witness` joins the pure protocol (:mod:`saksi.witness.protocol`), the state
(:mod:`saksi.witness.state`), the witness's key and the clock: parse, verify against
the latest cosigned checkpoint, cosign, compare-and-swap the record (durable), and
only then answer. A lost swap (another request for the same log won) is checked
again against the winner's checkpoint, which then answers 409 with the new size.

The HTTP server is the standard library's :class:`~http.server.ThreadingHTTPServer`
speaking HTTP/1.1 with keep-alive: one route, a few requests per checkpoint, no
framework in the path that holds the key (docs/witness.md explains the choice).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Final

from saksi.errors import SaksiError, WitnessError
from saksi.tlog.checkpoint import CosignatureSigner
from saksi.tlog.note import add_signatures
from saksi.witness import protocol
from saksi.witness.protocol import Response, WatchedLog
from saksi.witness.state import WitnessState

SERVER_NAME: Final = "saksi-witness"


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
        f"the witness failed: {exc.__class__.__name__}",
        f"witness gagal: {exc.__class__.__name__}",
        code="witness.internal",
    )
    if isinstance(exc, SaksiError):
        error = WitnessError(exc.message_en, exc.message_id, code=exc.code)
    return protocol.error_response(error)


class WitnessHandler(BaseHTTPRequestHandler):
    """``POST /add-checkpoint``; anything else is 404 or 405."""

    protocol_version = "HTTP/1.1"
    server_version = SERVER_NAME
    sys_version = ""
    witness: ClassVar[Witness]
    quiet: ClassVar[bool] = False

    def do_POST(self) -> None:
        if self.path != protocol.ADD_CHECKPOINT_PATH:
            self._refuse("witness.not-found", f"no such path {self.path[:80]!r}")
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit() or "Transfer-Encoding" in self.headers:
            self.close_connection = True  # a body may follow that we will not read
            self._refuse("witness.length-required", "a request needs a Content-Length")
            return
        if int(length) > protocol.MAX_REQUEST_BYTES:
            self.close_connection = True
            self._refuse(
                "witness.request-too-large",
                f"a request is at most {protocol.MAX_REQUEST_BYTES} bytes",
            )
            return
        body = self.rfile.read(int(length))
        try:
            answer = self.witness.add_checkpoint(body)
        except Exception as exc:  # an IO failure of the state: never a cosignature
            self.log_error("add-checkpoint failed: %r", exc)
            answer = _internal_error(exc)
        self._send(answer)

    def _other_method(self) -> None:
        if self.path == protocol.ADD_CHECKPOINT_PATH:
            self._refuse("witness.method-not-allowed", "add-checkpoint is a POST")
        else:
            self._refuse("witness.not-found", f"no such path {self.path[:80]!r}")

    do_GET = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _other_method

    def _refuse(self, code: str, en: str) -> None:
        self._send(protocol.error_response(WitnessError(en, en, code=code)))

    def _send(self, answer: Response) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        if answer.status == 405:
            self.send_header("Allow", "POST")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


class WitnessServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one :class:`Witness`."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, witness: Witness, host: str, port: int, *, quiet: bool = False) -> None:
        class BoundWitnessHandler(WitnessHandler):
            pass

        BoundWitnessHandler.witness = witness
        BoundWitnessHandler.quiet = quiet
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


__all__ = ["Witness", "WitnessHandler", "WitnessServer"]
