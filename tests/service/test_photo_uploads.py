"""Photo uploads against a real ``saksi serve`` over real HTTP (issue 14, item 3).

Anyone could upload photos, and every upload was permanent: one client stored 100 MiB
in 2.2 s. Now an upload needs a registered key's saksi/photo/v1 signature, waits in a
bounded staging area (per key: 429, in all: 507) until a logged statement cites it,
expires otherwise, and the photos on disk are in /metrics. An upload never takes the
store's write lock: it is taken while another process holds that lock.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable

import httpx
import pytest

from saksi.election.forms import CHasilPPWP
from saksi.election.photo_upload import sign_photo
from tests.election.factory import key
from tests.ledger.factory import ServiceElection
from tests.service.conftest import JSON, ServeProcess
from tests.waiting import answers, wait_for

pytestmark = pytest.mark.slow

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) + b"\xff\xd9"


def photo(n: int) -> bytes:
    return JPEG + n.to_bytes(4, "big")


def send(
    http: httpx.Client, election: ServiceElection, data: bytes, signer: str | None
) -> httpx.Response:
    headers = {"content-type": "image/jpeg"}
    if signer is not None:
        headers |= sign_photo(key(signer), election.origin, data).headers()
    return http.post("/v1/photos", content=data, headers=headers)


def refused(answer: httpx.Response) -> tuple[int, str]:
    return answer.status_code, answer.json()["error"]["code"]


def metric(http: httpx.Client, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} (\S+)$", http.get("/metrics").text, re.MULTILINE)
    assert found is not None, name
    return float(found.group(1))


def with_photo(form: CHasilPPWP, data: bytes) -> CHasilPPWP:
    return form.model_copy(update={"foto": (hashlib.sha256(data).hexdigest(),)})


def test_only_registered_keys_upload_within_their_quotas(
    serve_process: Callable[..., ServeProcess],
) -> None:
    election = ServiceElection()
    settings = {"SAKSI_PHOTO_QUOTA_PER_KEY": "2,1MiB", "SAKSI_PHOTO_QUOTA_TOTAL": "3,4MiB"}
    server = serve_process(election=election, env=settings)
    one, two, three = (f"kpps-{tps}" for tps in election.tps[:3])
    with server.client() as http:
        anonymous = send(http, election, photo(1), None)
        assert refused(anonymous) == (401, "photo.unsigned")
        assert anonymous.headers["connection"] == "close"  # its body is not even read
        assert refused(send(http, election, photo(1), "stranger")) == (403, "auth.unknown-key")
        assert refused(send(http, election, photo(1), "partai-2")) == (403, "auth.wrong-role")
        server.log_batch(
            [election.revoke(f"kpu-kab-{election.tps[3][:4]}", f"kpps-{election.tps[3]}")]
        )
        revoked = send(http, election, photo(1), f"kpps-{election.tps[3]}")
        assert refused(revoked) == (403, "auth.revoked")
        assert revoked.headers.get("connection") != "close"  # an officer's client reads it
        assert metric(http, "saksi_photos_staged") == 0

        assert send(http, election, photo(1), one).json()["state"] == "staged"
        assert send(http, election, photo(2), one).status_code == 201
        over = send(http, election, photo(3), one)
        assert refused(over) == (429, "photo.key-quota")
        assert int(over.headers["retry-after"]) > 0
        assert send(http, election, photo(3), two).status_code == 201
        full = send(http, election, photo(4), three)
        assert refused(full) == (507, "photo.staging-full")
        assert full.json()["error"]["details"]["limit"] == "count"
        assert int(full.headers["retry-after"]) > 0

        assert metric(http, "saksi_photos_staged") == 3
        assert metric(http, "saksi_photos_staged_bytes") == 3 * len(photo(1))
        assert metric(http, 'saksi_photo_refusals_total{code="photo.staging-full"}') == 1
        assert metric(http, "saksi_data_free_bytes") > 0
        for n in (1, 2, 3):  # staged photos are not published
            assert http.get(f"/v1/photos/{hashlib.sha256(photo(n)).hexdigest()}").status_code == 404


def test_uncited_photos_expire(serve_process: Callable[..., ServeProcess]) -> None:
    """The expiry is driven by a setting (a one-second wait), never by a sleep."""
    election = ServiceElection()
    server = serve_process(election=election, env={"SAKSI_PHOTO_STAGE_TTL": "1s"})
    with server.client() as http:
        answer = send(http, election, photo(1), f"kpps-{election.tps[0]}")
        assert answer.json()["expires_in"] == 1
        wait_for(lambda: metric(http, 'saksi_photos_unstaged_total{reason="expired"}') == 1)
        assert metric(http, "saksi_photos_staged") == 0
        assert metric(http, "saksi_photos_staged_bytes") == 0
        assert not list((server.data / "photos" / "staged").glob("*.json"))


def test_cited_photos_are_kept_and_waiting_ones_survive_a_restart(
    serve_process: Callable[..., ServeProcess],
) -> None:
    election = ServiceElection()
    server = serve_process(election=election)
    tps = election.tps[0]
    cited, waiting = photo(1), photo(2)
    url = f"/v1/photos/{hashlib.sha256(cited).hexdigest()}"
    with server.client() as http:
        assert send(http, election, cited, f"kpps-{tps}").json()["state"] == "staged"
        assert send(http, election, waiting, f"kpps-{tps}").status_code == 201
        entry = election.c_hasil(tps, with_photo(election.form(tps), cited))
        assert http.post("/v1/statements", content=entry, headers=JSON).status_code == 201
        wait_for(answers(http, url))
        assert http.get(url).content == cited
        assert metric(http, "saksi_photos_stored") == 1
        assert metric(http, "saksi_photos_stored_bytes") == len(cited)
        assert metric(http, "saksi_photos_staged") == 1
    assert server.stop() == 0
    server.start()
    with server.client() as http:
        assert http.get(url).content == cited
        assert metric(http, "saksi_photos_staged") == 1
        wait_for(lambda: "saksi_photos_stored 1\n" in http.get("/metrics").text)
        again = send(http, election, cited, f"kpps-{tps}")
        assert again.json()["state"] == "stored"


def test_an_upload_does_not_need_the_stores_write_lock(
    serve_process: Callable[..., ServeProcess],
) -> None:
    """Another process holds SQLite's write lock on the store (what the writer thread
    takes to append): an upload is still taken, so uploads cannot hold up statements."""
    election = ServiceElection()
    server = serve_process(election=election)
    holder = sqlite3.connect(server.data / "log" / ".state" / "store.sqlite", timeout=30)
    holder.isolation_level = None
    holder.execute("BEGIN IMMEDIATE")
    try:
        probe = sqlite3.connect(server.data / "log" / ".state" / "store.sqlite", timeout=0)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            probe.execute("BEGIN IMMEDIATE")  # the lock is really held
        probe.close()
        with server.client() as http:
            answer = send(http, election, photo(1), f"kpps-{election.tps[0]}")
            assert answer.status_code == 201, answer.text
            assert answer.json()["state"] == "staged"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
