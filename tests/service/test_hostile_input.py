"""Hostile input against a real ``saksi serve``: numbers of any length, unreadable and
forged lines naming someone else's key, sent while that key's holder works.

The per-key rate limit is on (burst 10, almost no refill). A flood of single
statements and NDJSON batches names three victims' keys (a KPPS device, a KPU
Kab/Kota office and the KPU RI root key): forged signatures, integers of 5,000 and
50,000 digits, lines over the entry size limit, broken JSON. Every hostile line gets
its own coded 4xx refusal (never a 5xx, never a whole batch lost), the server's log
holds no traceback, and, while the flood goes on, each victim's genuine statements
are logged: forged lines never spend a key's allowance.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from saksi.election.envelope import Envelope, sign_statement
from saksi.election.statements import KeyRegistration
from tests.election.factory import REGISTER_AT, VALID_FROM, VALID_UNTIL, key, public
from tests.ledger.factory import ServiceElection, shifted
from tests.service.conftest import JSON, NDJSON, ServeProcess
from tests.waiting import wait_for

HOSTILE_CODES = {
    "statement.bad-signature",
    "input.json-int-range",
    "entry.too-large",
    "input.json-malformed",
    "http.too-large",
}


def hostile_lines(genuine: bytes, attacker: str) -> list[bytes]:
    """Lines that name ``genuine``'s signer and fail before its signature verifies."""
    named = genuine[: genuine.index(b',"sig"')]
    envelope = Envelope.model_validate_json(genuine)
    forged = sign_statement(envelope.stmt, key(attacker))
    lines = [
        Envelope(v=1, stmt=envelope.stmt, key=envelope.key, sig=forged.sig).to_bytes(),
        genuine.replace(b',"v":1}', b',"v":' + b"9" * 5000 + b"}"),
        genuine.replace(b'"at":"', b'"n":' + b"1" * 50_000 + b',"at":"'),
        genuine[:-1] + b"," + b" " * 70_000 + b"}",
        named + b',"sig":"' + b"A" * 100,
    ]
    assert all(line.startswith(named) and line != genuine for line in lines)
    return lines


def registration(
    election: ServiceElection, registrar: str, name: str, role: str, scope: str
) -> bytes:
    stmt = KeyRegistration.model_validate({
        "type": "key", "election": election.origin, "at": REGISTER_AT, "key": public(name),
        "role": role, "scope": scope, "not_before": VALID_FROM, "not_after": VALID_UNTIL,
    })  # fmt: skip
    return sign_statement(stmt, key(registrar)).to_bytes()


@dataclass
class Flood:
    """Threads sending hostile lines, singly and in batches, until stopped."""

    url: str
    lines: list[bytes]
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    codes: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self, singles: int = 2, batches: int = 1) -> None:
        targets: list[Callable[[httpx.Client], None]] = [self._single] * singles
        targets += [self._batch] * batches
        for target in targets:
            thread = threading.Thread(target=self._run, args=(target,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _run(self, send: Callable[[httpx.Client], None]) -> None:
        with httpx.Client(base_url=self.url, timeout=60.0) as http:
            while not self.stop.is_set():
                send(http)

    def _single(self, http: httpx.Client) -> None:
        for line in self.lines:
            answer = http.post("/v1/statements", content=line, headers=JSON)
            self._count(answer.status_code, answer.json()["error"]["code"])

    def _batch(self, http: httpx.Client) -> None:
        body = b"".join(line + b"\n" for line in self.lines * 5)
        answer = http.post("/v1/statements/batch", content=body, headers=NDJSON)
        assert answer.status_code == 200, answer.text[:500]
        for item in answer.json()["results"]:
            self._count(item["status"], item["error"]["code"])

    def _count(self, status: int, code: str) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.codes[code] += 1

    def answered(self) -> int:
        with self.lock:
            return sum(self.statuses.values())

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(120)
            assert not thread.is_alive()


def test_a_flood_naming_a_victims_key_never_locks_it_out(
    serve_process: Callable[..., ServeProcess],
) -> None:
    election = ServiceElection()
    server = serve_process(election=election, env={"SAKSI_RATE_PER_KEY": "0.001,10"})
    tps = election.tps[0]
    kab = f"kpu-kab-{tps[:4]}"
    victims = {  # genuine statements of each victim, sent while the flood goes on
        f"kpps-{tps}": [election.c_hasil(tps)],
        kab: [registration(election, kab, f"kpps-x{i}", "kpps", tps) for i in range(2)],
        "kpu-ri": [
            registration(election, "kpu-ri", f"prov-{i}", "kpu-prov", "32") for i in range(2)
        ],
    }
    lines = [line for found in victims.values() for line in hostile_lines(found[0], "attacker")]
    lines += hostile_lines(election.c_hasil(tps, shifted(election.form(tps), 7)), "attacker-2")
    flood = Flood(server.url, lines)
    flood.start()
    try:
        wait_for(lambda: flood.answered() >= 20 * len(lines), timeout=300)
        with server.client() as http:
            for name, entries in victims.items():
                for entry in entries:
                    answer = http.post("/v1/statements", content=entry, headers=JSON)
                    assert answer.status_code == 201, (name, answer.text)
        answered = flood.answered()
        wait_for(lambda: flood.answered() >= answered + len(lines), timeout=300)
    finally:
        flood.finish()
    assert set(flood.statuses) <= {400, 401, 413}, flood.statuses
    assert set(flood.codes) == HOSTILE_CODES, flood.codes
    with server.client() as http:
        metrics = http.get("/metrics").text
    assert 'code="http.internal"' not in metrics and 'code="service.internal"' not in metrics
    assert 'saksi_rate_limited_total{limit="key"}' not in metrics  # no allowance was spent
    assert server.stop() == 0
    assert "Traceback" not in server.stderr()
