"""The client against canned answers, the HTTP edges in process, and the CLI's config."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.cli.witness import parse_config, parse_log_option
from saksi.errors import NoteError, WitnessError
from saksi.tlog.checkpoint import CosignatureVerifier, open_checkpoint
from saksi.tlog.note import NoteVerifier
from saksi.witness.client import add_checkpoint, attach_cosignatures
from saksi.witness.protocol import cosign, watched_logs
from saksi.witness.server import Witness, WitnessServer
from saksi.witness.state import WitnessState
from tests.witness.logs import ORIGIN, ToyLog, new_witness_signer

# --- the client against canned answers -------------------------------------------------


class Canned(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    answer: ClassVar[tuple[int, str, bytes]] = (200, "text/plain", b"")
    seen: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Canned.seen.append(self.path.encode() + b"\n" + body)
        status, ctype, data = self.answer
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def canned() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Canned)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def answered(url: str, status: int, ctype: str, body: bytes) -> WitnessError:
    Canned.answer = (status, ctype, body)
    toy = ToyLog.new()
    with pytest.raises(WitnessError) as caught:
        add_checkpoint(url, 0, [], toy.note(3), timeout=5)
    return caught.value


def test_the_request_the_client_sends(canned: str) -> None:
    toy, signer = ToyLog.new(), new_witness_signer()
    line = cosign(signer, toy.checkpoint(9), 1_700_000_000).to_line().encode()
    Canned.answer = (200, "text/plain; charset=utf-8", line)
    Canned.seen.clear()
    proof = toy.proof(4, 9)
    assert add_checkpoint(canned, 4, proof, toy.note(9), timeout=5) == line
    from saksi.witness.protocol import format_request

    assert Canned.seen == [b"/add-checkpoint\n" + format_request(4, proof, toy.note(9))]


@pytest.mark.parametrize(
    ("status", "ctype", "body", "code"),
    [
        (400, "text/plain", b"x", "witness.bad-request"),
        (403, "text/plain", b"x", "witness.not-signed"),
        (404, "text/plain", b"", "witness.unknown-log"),
        (409, "text/x.tlog.size", b"1234\n", "witness.conflict"),
        (409, "text/x.tlog.size; charset=utf-8", b"0\n", "witness.conflict"),
        (409, "text/plain", b"1234\n", "witness.fork"),
        (409, "text/x.tlog.size", b"01\n", "witness.fork"),
        (409, "text/x.tlog.size", b"9" * 5000 + b"\n", "witness.fork"),  # no ValueError
        (422, "text/plain", b"", "witness.bad-proof"),
        (500, "text/plain", b"oops", "witness.unexpected-status"),
        (502, "text/html", b"<html>", "witness.unexpected-status"),
        (200, "text/plain", b"", "witness.bad-response"),
        (200, "text/plain", b"not a signature\n", "witness.bad-response"),
        (200, "text/plain", b"\xe2\x80\x94 w AAAA\n", "witness.bad-response"),
    ],
)
def test_each_answer_becomes_its_code(
    canned: str, status: int, ctype: str, body: bytes, code: str
) -> None:
    error = answered(canned, status, ctype, body)
    assert error.code == code
    if code == "witness.conflict":
        assert error.details["size"] == int(body)
    if code == "witness.unexpected-status":
        assert error.details["status"] == status
    assert error.details["url"].endswith("/add-checkpoint")


def test_attach_keeps_only_valid_cosignatures_of_known_witnesses() -> None:
    toy, mine, stranger = ToyLog.new(), new_witness_signer(), new_witness_signer("x.org/w")
    checkpoint = toy.checkpoint(5)
    lines = b"".join(
        cosign(s, checkpoint, 1_700_000_000).to_line().encode() for s in (mine, stranger)
    )
    note = attach_cosignatures(toy.note(5), lines, [CosignatureVerifier.from_vkey(mine.vkey)])
    signed = open_checkpoint(note, NoteVerifier.from_vkey(toy.vkey), witnesses=[mine.verifier()])
    assert [c.name for c in signed.cosignatures] == ["example.org/w1"]
    assert b"x.org/w" not in note
    forged = cosign(mine, toy.checkpoint(6), 1_700_000_000).to_line().encode()
    with pytest.raises(NoteError) as caught:
        attach_cosignatures(toy.note(5), forged, [mine.verifier()])
    assert caught.value.code == "log.note-bad-signature"


# --- the HTTP edges, served in process ------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, int, ToyLog]]:
    toy = ToyLog.new()
    state = WitnessState.open(tmp_path)
    logs = watched_logs([(ORIGIN, toy.vkey)])
    server = WitnessServer(Witness(new_witness_signer(), logs, state), "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield "127.0.0.1", int(server.server_address[1]), toy
    server.shutdown()
    server.server_close()
    state.close()


def raw_http(host: str, port: int, request: bytes) -> bytes:
    with socket.create_connection((host, port), timeout=5) as conn:
        conn.sendall(request)
        conn.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_no_content_length_is_411(served: tuple[str, int, ToyLog]) -> None:
    host, port, _ = served
    answer = raw_http(host, port, b"POST /add-checkpoint HTTP/1.1\r\nHost: w\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 411 ")
    assert b"witness.length-required" in answer


@pytest.mark.parametrize(
    ("length", "status", "code"),
    [
        (b"9" * 5000, 413, b"witness.request-too-large"),  # int() refuses 4,300 digits
        (b"\xb2", 411, b"witness.length-required"),  # a superscript two: isdigit(), not int()
        (b"-1", 411, b"witness.length-required"),
    ],
)
def test_a_content_length_that_is_no_size_is_refused_with_its_code(
    served: tuple[str, int, ToyLog], length: bytes, status: int, code: bytes
) -> None:
    host, port, _ = served
    head = b"POST /add-checkpoint HTTP/1.1\r\nHost: w\r\nContent-Length: " + length + b"\r\n\r\n"
    answer = raw_http(host, port, head)
    assert answer.startswith(b"HTTP/1.1 %d " % status), answer[:200]
    assert code in answer


def test_a_huge_body_is_413_unread(served: tuple[str, int, ToyLog]) -> None:
    host, port, _ = served
    head = b"POST /add-checkpoint HTTP/1.1\r\nHost: w\r\nContent-Length: 10000000\r\n\r\n"
    answer = raw_http(host, port, head)
    assert answer.startswith(b"HTTP/1.1 413 ")


def test_keep_alive_serves_several_requests_on_one_connection(
    served: tuple[str, int, ToyLog],
) -> None:
    import http.client

    from saksi.witness.protocol import format_request

    host, port, toy = served
    conn = http.client.HTTPConnection(host, port, timeout=5)
    old = 0
    for size in (3, 7, 7, 12):
        conn.request(
            "POST",
            "/add-checkpoint",
            body=format_request(old, toy.proof(old, size), toy.note(size)),
        )
        answer = conn.getresponse()
        assert answer.status == 200, answer.read()
        answer.read()
        old = size
    conn.request("HEAD", "/add-checkpoint")
    head = conn.getresponse()
    assert head.status == 405 and head.getheader("Allow") == "POST"
    conn.close()


# --- the command line's configuration ------------------------------------------------------


def test_log_option() -> None:
    toy = ToyLog.new()
    assert parse_log_option(f"{ORIGIN}={toy.vkey}") == (ORIGIN, toy.vkey)
    for bad in ("", ORIGIN, f"={toy.vkey}", f"{ORIGIN}="):
        with pytest.raises(WitnessError) as caught:
            parse_log_option(bad)
        assert caught.value.code == "witness.config-invalid"


def test_config_reads_the_log_lines_of_a_policy_file() -> None:
    a, b = ToyLog.new(), ToyLog.new("example.org/b")
    witness_vkey = new_witness_signer().vkey
    text = (
        "# a tlog-policy file\n"
        f"log {a.vkey} https://log.example/\n"
        f"\t log\t{b.vkey}   \n"
        "\n"
        f"witness w1 {witness_vkey}\n"
        "group g any w1\n"
        "quorum g\n"
    )
    assert parse_config(text) == [(ORIGIN, a.vkey), ("example.org/b", b.vkey)]
    with pytest.raises(WitnessError) as caught:
        parse_config(f"log {a.vkey}\nlogs {a.vkey}\n")
    assert caught.value.code == "witness.config-invalid"
    assert caught.value.details["line"] == 2


def test_serve_without_a_log_refuses_to_start(tmp_path: Path) -> None:
    runner = CliRunner()
    key = tmp_path / "w.key"
    made = runner.invoke(cli, ["witness", "new", "--name", "example.org/w1", "--out", str(key)])
    assert made.exit_code == 0, made.output
    assert (
        made.output.splitlines()[-1]
        == CosignatureVerifier.from_vkey(made.output.splitlines()[-1]).vkey
    )
    args = ["witness", "serve", "--state", str(tmp_path / "s"), "--key", str(key)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "witness.config-invalid" in result.output
    bad_key = runner.invoke(
        cli,
        [
            "witness",
            "serve",
            "--state",
            str(tmp_path / "s"),
            "--key",
            "/nonexistent",
            "--log",
            "a=b",
        ],
    )
    assert bad_key.exit_code == 2 and "cli.unreadable-file" in bad_key.output
