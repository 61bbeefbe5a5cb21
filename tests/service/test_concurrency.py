"""32 clients submitting at once to a real ``saksi serve`` over real sockets.

Each client is a thread with its own keep-alive ``httpx.Client``; all start together
(a barrier). Between them they send:

- distinct signed C.Hasil forms (one in seven breaks an impossibility rule, so it is
  logged inconsistent and kept out of the totals), then a retry of their first;
- for 16 TPS, the *same bytes* from two clients at once (one is logged, the other
  gets the same receipt as a duplicate);
- for 16 TPS, two *different* forms from two clients at once (one is logged, the
  other refused 409 ``auth.duplicate-form`` naming the first);
- one refusal each (forged signature, another TPS's key, another election,
  malformed body);
- four of the clients send theirs as NDJSON batches instead.

Then, over HTTP: every 2xx receipt's entry is in the log exactly once, at its
receipt's index (``GET /v1/entries/{index}`` is the bytes sent); the new indices are
contiguous; nothing refused was logged; every duplicate has its first's receipt;
and the votes of the forms in force (``GET /v1/tps/...``) add up to what was sent.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from saksi.election.forms import CHasilPPWP
from saksi.tlog.hashes import leaf_hash
from tests.ledger.factory import ServiceElection, broken_form, shifted
from tests.service.conftest import JSON, NDJSON, ServeProcess

CLIENTS = 32
BATCHING = frozenset({7, 15, 23, 31})
"""Clients that send their statements as one NDJSON batch."""
REFUSALS = (  # (kind, status, code)
    ("forged", 401, "statement.bad-signature"),
    ("foreign-key", 403, "auth.out-of-scope"),
    ("other-election", 422, "statement.election-mismatch"),
    ("malformed", 400, "input.schema"),
)


@dataclass
class Sent:
    """One statement a client sent, and what came back."""

    client: int
    kind: str  # own, retry, same, rival, or a refusal kind
    tps: str | None
    entry: bytes
    form: CHasilPPWP | None = None
    status: int = 0
    body: Any = None

    @property
    def receipt(self) -> dict[str, Any]:
        assert 200 <= self.status < 300, (self.kind, self.status, self.body)
        return dict(self.body)


def plan(election: ServiceElection) -> list[list[Sent]]:
    """What every client sends, in order."""
    tps = list(election.tps)
    assert len(tps) >= 3 * CLIENTS
    plans: list[list[Sent]] = [[] for _ in range(CLIENTS)]
    for client in range(CLIENTS):
        for n in (2 * client, 2 * client + 1):  # its own TPS
            form = election.form(tps[n])
            form = broken_form(form) if n % 7 == 3 else form
            plans[client].append(Sent(client, "own", tps[n], election.c_hasil(tps[n], form), form))
    for pair in range(CLIENTS // 2):
        a, b = 2 * pair, 2 * pair + 1
        same, rival = tps[2 * CLIENTS + pair], tps[2 * CLIENTS + CLIENTS // 2 + pair]
        form = election.form(same)
        for client in (a, b):  # the same bytes from both
            plans[client].append(Sent(client, "same", same, election.c_hasil(same, form), form))
        for client, form in ((a, election.form(rival)), (b, shifted(election.form(rival), 3))):
            plans[client].append(Sent(client, "rival", rival, election.c_hasil(rival, form), form))
    for client, sent in enumerate(plans):
        random.Random(client).shuffle(sent)
        first = next(item for item in sent if item.kind == "own")
        sent.append(Sent(client, "retry", first.tps, first.entry, first.form))
        sent.insert(
            random.Random(-client).randrange(len(sent)), refusal(election, client, tps[2 * client])
        )
    return plans


def refusal(election: ServiceElection, client: int, tps: str) -> Sent:
    kind = REFUSALS[client % len(REFUSALS)][0]
    other = election.tps[(election.tps.index(tps) + 1) % len(election.tps)]
    if kind == "forged":
        entry = election.forged(tps)
    elif kind == "foreign-key":
        entry = election.c_hasil(tps, signer=f"kpps-{other}")
    elif kind == "other-election":
        entry = election.c_hasil(tps, election="saksi.test/another")
    else:
        entry = b'{"v":1}'
    return Sent(client, kind, tps, entry)


def run_client(server: ServeProcess, sent: list[Sent], barrier: threading.Barrier) -> None:
    with server.client() as http:
        http.get("/health")  # connect before the start
        barrier.wait()
        if sent[0].client in BATCHING:
            _batch(http, sent)
            return
        for item in sent:
            answer = http.post("/v1/statements", content=item.entry, headers=JSON)
            item.status, item.body = answer.status_code, answer.json()


def _batch(http: httpx.Client, sent: list[Sent]) -> None:
    body = b"".join(item.entry + b"\n" for item in sent)
    answer = http.post("/v1/statements/batch", content=body, headers=NDJSON)
    assert answer.status_code == 200, answer.text
    for item, result in zip(sent, answer.json()["results"], strict=True):
        item.status = result["status"]
        item.body = result["receipt"] if result["ok"] else result


def _stable(receipt: dict[str, Any]) -> dict[str, Any]:
    """A receipt without what changes between two answers for the same entry
    (``duplicate``; ``checkpoint_size`` once a checkpoint covers it)."""
    return {k: v for k, v in receipt.items() if k not in ("duplicate", "checkpoint_size")}


def _code(item: Sent) -> str:
    return str(item.body["error"]["code"])


def check_answers(plans: list[list[Sent]]) -> None:
    """Each kind got the answer it must get."""
    everything = [item for sent in plans for item in sent]
    assert all(item.status for item in everything), "a statement got no answer"
    assert not [i for i in everything if i.status >= 500], "a 5xx"
    for item in everything:
        if item.kind == "own":
            assert item.status in (200, 201), item.body  # 200 when its retry came first
        for kind, status, code in REFUSALS:
            if item.kind == kind:
                assert (item.status, _code(item)) == (status, code), item.body
    by_tps: dict[str, list[Sent]] = {}
    for item in everything:
        if item.kind in ("same", "rival"):
            by_tps.setdefault(str(item.tps), []).append(item)
    for items in by_tps.values():
        ordered = sorted(items, key=lambda i: i.status)
        if items[0].kind == "same":
            assert [i.status for i in ordered] == [200, 201]
            assert _stable(ordered[0].receipt) == _stable(ordered[1].receipt)
            assert ordered[0].receipt["duplicate"] and not ordered[1].receipt["duplicate"]
        else:
            assert [i.status for i in ordered] == [201, 409], [i.body for i in ordered]
            assert _code(ordered[1]) == "auth.duplicate-form"
            assert ordered[1].body["error"]["details"]["index"] == ordered[0].receipt["index"]
    for sent in plans:  # a retry has its first's receipt (either may have come first)
        retry, first = sent[-1], next(i for i in sent if i.entry == sent[-1].entry)
        assert {retry.status, first.status} == {200, 201}
        assert _stable(retry.receipt) == _stable(first.receipt)


def fetch_log(http: httpx.Client, start: int) -> list[bytes]:
    size = int(http.get("/health").json()["log_size"])
    entries = []
    for index in range(start, size):
        answer = http.get(f"/v1/entries/{index}")
        assert answer.status_code == 200, answer.text
        entries.append(answer.content)
    assert http.get(f"/v1/entries/{size}").status_code == 404
    return entries


def check_log(http: httpx.Client, plans: list[list[Sent]], start: int) -> None:
    """Every receipt's entry at its index, once; contiguous; nothing refused logged."""
    everything = [item for sent in plans for item in sent]
    logged = fetch_log(http, start)
    new = sorted(i.receipt["index"] for i in everything if i.status == 201)
    assert new == list(range(start, start + len(logged))), "indices not contiguous or repeated"
    assert len(set(logged)) == len(logged), "an entry is in the log twice"
    for item in everything:
        if 200 <= item.status < 300:
            receipt = item.receipt
            assert logged[receipt["index"] - start] == item.entry
            assert receipt["leaf_hash"] == leaf_hash(item.entry).hex()
        else:
            assert item.entry not in logged, f"a refused statement was logged: {item.kind}"
            digest = leaf_hash(item.entry).hex()
            assert http.get(f"/v1/receipts/{digest}").status_code == 404


def check_totals(http: httpx.Client, election: ServiceElection, plans: list[list[Sent]]) -> None:
    """The forms in force are the logged ones, and their votes add up to what was sent."""
    winners: dict[str, Sent] = {}
    for item in (i for sent in plans for i in sent):
        if item.status == 201 and item.tps is not None:
            assert item.tps not in winners, "two forms logged for one TPS"
            winners[item.tps] = item
    expected: Counter[str] = Counter()
    served: Counter[str] = Counter()
    for tps in election.tps:
        view = http.get(f"/v1/tps/{tps}/ppwp").json()
        winner = winners.get(tps)
        if winner is None:
            assert view["status"] == "missing" and view["current"] is None
            continue
        assert winner.form is not None
        consistent = winner.form.suara_sah == sum(winner.form.suara_paslon.values())
        assert winner.receipt["status"] == ("accepted" if consistent else "inconsistent")
        assert view["current"]["index"] == winner.receipt["index"]
        assert view["status"] == winner.receipt["status"]
        if consistent:
            expected.update(winner.form.suara_paslon)
        if view["status"] in ("accepted", "flagged"):
            served.update(view["current"]["form"]["suara_paslon"])
    assert served == expected and sum(expected.values()) > 0


def test_32_clients_at_once(serve_process: Callable[..., ServeProcess]) -> None:
    election = ServiceElection(tps_per_desa=24)  # 96 TPS
    server = serve_process(election=election)
    plans = plan(election)
    with server.client() as http:
        start = int(http.get("/health").json()["log_size"])
    barrier = threading.Barrier(CLIENTS)
    threads = [threading.Thread(target=run_client, args=(server, sent, barrier)) for sent in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    check_answers(plans)
    with server.client() as http:
        check_log(http, plans, start)
        check_totals(http, election, plans)
        metrics = http.get("/metrics").text
    refused = Counter(_code(i) for sent in plans for i in sent if i.status >= 400)
    counted = {
        line.split('"')[1]: int(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("saksi_refusals_total{")
    }
    assert counted == dict(refused), "refusals are counted by code in /metrics"
