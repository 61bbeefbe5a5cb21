"""Photos over HTTP (in process): signed uploads, the type read from the bytes, the size
limit, the staging area (quotas, expiry on an injected clock, revocation), photos kept
for good once cited, content addressing, caching. Real processes: test_photo_uploads.py.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.election.forms import CHasilPPWP
from saksi.election.photo_upload import PHOTO_DOMAIN, photo_message, sign_photo
from saksi.ledger.ledger import Ledger
from saksi.service.photos import sniff
from tests.election.factory import key
from tests.ledger.factory import ServiceElection
from tests.service.conftest import Harness

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\x00\x00\x01" * 2 + b"\x08\x02\x00\x00\x00"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 24

NOT_IMAGES = {
    "html": b"<!doctype html><script>alert(1)</script>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    "gif": b"GIF89a\x01\x00\x01\x00",
    "pdf": b"%PDF-1.7\n",
    "jpeg prefix only": b"\xff\xd8\xff",
    "png without IHDR": b"\x89PNG\r\n\x1a\n" + b"\x00" * 16,
    "riff but wave": b"RIFF\x24\x00\x00\x00WAVEfmt ",
    "empty-ish": b"\x00",
}


def jpeg(n: int, size: int = 0) -> bytes:
    """A distinct JPEG (by magic bytes) of at least ``size`` bytes."""
    body = JPEG + n.to_bytes(4, "big")
    return body + b"\x00" * max(0, size - len(body))


def test_sniff_reads_the_magic_bytes() -> None:
    assert sniff(JPEG) == "image/jpeg"
    assert sniff(PNG) == "image/png"
    assert sniff(WEBP) == "image/webp"
    for data in NOT_IMAGES.values():
        assert sniff(data) is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=64))
def test_sniff_never_fails_and_only_names_the_three_types(data: bytes) -> None:
    assert sniff(data) in (None, "image/jpeg", "image/png", "image/webp")


def test_the_signed_message_is_the_documented_bytes() -> None:
    sha = hashlib.sha256(b"x").hexdigest()
    message = photo_message("saksi.test/pemilu-2024", sha)
    assert message == b"saksi/photo/v1\nsaksi.test/pemilu-2024\n" + sha.encode() + b"\n"
    assert bytes.fromhex("73616b73692f70686f746f2f76310a") == PHOTO_DOMAIN
    signed = sign_photo(key("kpps-x"), "saksi.test/pemilu-2024", b"x")
    assert signed.verify("saksi.test/pemilu-2024", sha).b64 == signed.key


# --- helpers ------------------------------------------------------------------------


def tps_of(harness: Harness, n: int = 0) -> str:
    return harness.election.tps[n]


def upload(
    harness: Harness,
    data: bytes,
    signer: str | None = None,
    content_type: str = "application/octet-stream",
    **kwargs: str,
) -> httpx.Response:
    """POST the photo signed by ``signer`` (the first TPS's KPPS key by default)."""
    headers = harness.election.photo_headers(data, signer or f"kpps-{tps_of(harness)}", **kwargs)
    headers["content-type"] = content_type
    return harness.client.post("/v1/photos", content=data, headers=headers)


def with_photos(form: CHasilPPWP, *photos: bytes) -> CHasilPPWP:
    return form.model_copy(update={"foto": tuple(hashlib.sha256(p).hexdigest() for p in photos)})


def cite(harness: Harness, tps: str, *photos: bytes) -> None:
    """Log the TPS's c-hasil citing ``photos``, and let the keeper read the log."""
    election = harness.election
    answer = harness.post_entry(election.c_hasil(tps, with_photos(election.form(tps), *photos)))
    assert answer.status_code == 201, answer.text
    harness.ledger.photos.run_pass()


def served(harness: Harness, data: bytes) -> int:
    return harness.client.get(f"/v1/photos/{hashlib.sha256(data).hexdigest()}").status_code


def code_of(answer: httpx.Response) -> str:
    code: str = answer.json()["error"]["code"]
    return code


class Clock:
    """An injected clock for the staging area: time moves only when told."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clocked(make_harness: Callable[..., Harness]) -> Callable[..., tuple[Harness, Clock]]:
    def make(**settings: object) -> tuple[Harness, Clock]:
        harness = make_harness(**settings)
        clock = Clock()
        harness.ledger.photos.stage.clock = clock
        return harness, clock

    return make


# --- uploading and reading --------------------------------------------------------------


def test_a_photo_waits_until_a_statement_cites_it_then_is_served_for_good(
    clocked: Callable[..., tuple[Harness, Clock]],
) -> None:
    harness, _ = clocked()
    for data, kind in ((JPEG, "image/jpeg"), (PNG, "image/png"), (WEBP, "image/webp")):
        answer = upload(harness, data)
        assert answer.status_code == 201, answer.text
        sha = hashlib.sha256(data).hexdigest()
        body = answer.json()
        assert body == {"sha256": sha, "size": len(data), "content_type": kind,
                        "state": "staged", "expires_in": 6 * 3600}  # fmt: skip
        assert answer.headers["location"] == f"/v1/photos/{sha}"
        assert served(harness, data) == 404  # an uncited upload is never published
    cite(harness, tps_of(harness), JPEG, PNG, WEBP)
    for data, kind in ((JPEG, "image/jpeg"), (PNG, "image/png"), (WEBP, "image/webp")):
        sha = hashlib.sha256(data).hexdigest()
        photo = harness.client.get(f"/v1/photos/{sha}")
        assert photo.status_code == 200
        assert photo.content == data
        assert photo.headers["content-type"] == kind
        assert photo.headers["etag"] == f'"{sha}"'
        assert photo.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert photo.headers["x-content-type-options"] == "nosniff"
        cached = harness.client.get(f"/v1/photos/{sha}", headers={"if-none-match": f'"{sha}"'})
        assert cached.status_code == 304 and cached.content == b""
        again = upload(harness, data)  # stored: the same name, nothing staged
        assert again.json()["state"] == "stored" and again.json()["expires_in"] is None
    assert harness.ledger.photos.stage.usage() == (0, 0)


def test_the_declared_type_does_not_decide(harness: Harness) -> None:
    # A PNG declared as JPEG is stored and served as what it is.
    answer = upload(harness, PNG, content_type="image/jpeg")
    assert answer.json()["content_type"] == "image/png"
    sha = answer.json()["sha256"]
    cite(harness, tps_of(harness), PNG)
    assert harness.client.get(f"/v1/photos/{sha}").headers["content-type"] == "image/png"
    assert upload(harness, PNG).json()["sha256"] == sha  # the same bytes again: the same name


def test_what_is_not_an_image_is_refused(harness: Harness) -> None:
    for name, data in NOT_IMAGES.items():
        answer = upload(harness, data, content_type="image/jpeg")
        assert answer.status_code == 415, name
        assert code_of(answer) == "photo.not-an-image"
    for content_type in ("text/html", "image/svg+xml", "multipart/form-data", ""):
        answer = upload(harness, JPEG, content_type=content_type)
        assert answer.status_code == 415
        assert code_of(answer) == "http.unsupported-media-type"
    assert harness.ledger.photos.stage.usage() == (0, 0)


def test_size_limit(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(max_photo_bytes=len(JPEG))
    assert upload(harness, JPEG).status_code == 201
    bigger = JPEG + b"\x00"
    answer = upload(harness, bigger)
    assert answer.status_code == 413
    assert code_of(answer) == "http.too-large"
    assert answer.json()["error"]["details"]["limit"] == len(JPEG)
    assert harness.ledger.photos.stage.usage() == (1, len(JPEG))


def test_photo_names_are_checked(harness: Harness) -> None:
    for bad in ("abc", "A" * 64, "g" * 64, "0" * 63, "%2e%2e"):
        answer = harness.client.get(f"/v1/photos/{bad}")
        assert answer.status_code == 400, bad
        assert code_of(answer) == "http.invalid-parameter"
    slashed = harness.client.get("/v1/photos/..%2f..%2fx")  # not one path segment: no route
    assert code_of(slashed) == "http.not-found"
    missing = harness.client.get(f"/v1/photos/{'0' * 64}")
    assert missing.status_code == 404
    assert code_of(missing) == "http.not-found"


def test_photo_uploads_are_not_statements(harness: Harness) -> None:
    size = harness.ledger.size
    upload(harness, JPEG)
    assert harness.ledger.size == size


# --- who may upload -----------------------------------------------------------------


def test_an_upload_without_a_signature_is_refused(harness: Harness) -> None:
    headers = harness.election.photo_headers(JPEG, f"kpps-{tps_of(harness)}")
    for drop in (("Saksi-Key", "Saksi-Signature"), ("Saksi-Key",), ("Saksi-Signature",)):
        partial = {k: v for k, v in headers.items() if k not in drop}
        answer = harness.client.post("/v1/photos", content=JPEG, headers=partial)
        assert answer.status_code == 401
        assert code_of(answer) == "photo.unsigned"
        assert "Saksi-Key" in answer.json()["error"]["message"]["en"]
    assert harness.ledger.photos.stage.usage() == (0, 0)


def test_malformed_and_wrong_signatures_are_refused(harness: Harness) -> None:
    election, tps = harness.election, tps_of(harness)
    good = election.photo_headers(JPEG, f"kpps-{tps}")
    cases = {
        "key.malformed": (400, {**good, "Saksi-Key": "not a key"}),
        "signature.malformed": (400, {**good, "Saksi-Signature": "AAAA"}),
        # another photo's signature, another election's, another key's under this name
        "photo.bad-signature": (401, election.photo_headers(PNG, f"kpps-{tps}")),
    }
    for code, (status, headers) in cases.items():
        answer = harness.client.post("/v1/photos", content=JPEG, headers=headers)
        assert (answer.status_code, code_of(answer)) == (status, code), answer.text
    other_log = election.photo_headers(JPEG, f"kpps-{tps}", election="other.example/log")
    forged = {
        **good,
        "Saksi-Signature": election.photo_headers(JPEG, "attacker")["Saksi-Signature"],
    }
    for headers in (other_log, forged):
        answer = harness.client.post("/v1/photos", content=JPEG, headers=headers)
        assert (answer.status_code, code_of(answer)) == (401, "photo.bad-signature")
    assert harness.ledger.photos.stage.usage() == (0, 0)


def test_only_registered_keys_of_roles_that_cite_photos_may_upload(harness: Harness) -> None:
    election, tps = harness.election, tps_of(harness)
    refused = {
        "stranger": "auth.unknown-key",  # never registered
        "partai-2": "auth.wrong-role",  # a party registers witnesses; it cites no photo
        "bawaslu": "auth.wrong-role",
    }
    for signer, code in refused.items():
        answer = upload(harness, jpeg(1), signer)
        assert (answer.status_code, code_of(answer)) == (403, code), signer
    taken = ("kpps-" + tps, "saksi-2-317301", "ppk-317301", "kpu-kab-3173", "kpu-prov-31", "kpu-ri")
    for n, signer in enumerate(taken):
        assert upload(harness, jpeg(n + 10), signer).status_code == 201, signer
    assert (
        harness.post_entry(election.revoke(f"kpu-kab-{tps[:4]}", f"kpps-{tps}")).status_code == 201
    )
    answer = upload(harness, jpeg(99))
    assert (answer.status_code, code_of(answer)) == (403, "auth.revoked")


# --- the staging area ---------------------------------------------------------------------


def test_a_key_over_its_quota_gets_429_until_a_statement_cites_its_photos(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(photo_quota_per_key="2,1MiB")
    tps = tps_of(harness)
    assert upload(harness, jpeg(1)).status_code == 201
    assert upload(harness, jpeg(2)).status_code == 201
    answer = upload(harness, jpeg(3))
    assert answer.status_code == 429
    assert code_of(answer) == "photo.key-quota"
    assert answer.json()["error"]["details"] == {
        "limit": "count", "max": 2, "used": 2, "retry_after": 6 * 3600,
    }  # fmt: skip
    assert answer.headers["retry-after"] == str(6 * 3600)
    other = upload(harness, jpeg(3), f"kpps-{tps_of(harness, 1)}")  # another key has room
    assert other.status_code == 201
    big = upload(harness, jpeg(4, 1024 * 1024), f"kpps-{tps_of(harness, 1)}")
    assert (big.status_code, code_of(big)) == (429, "photo.key-quota")
    assert big.json()["error"]["details"]["limit"] == "bytes"
    cite(harness, tps, jpeg(1), jpeg(2))  # cited: stored, no longer the key's load
    assert upload(harness, jpeg(3)).status_code == 201


def test_a_full_staging_area_gets_507(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(photo_quota_total="2,1MiB")
    assert upload(harness, jpeg(1)).status_code == 201
    assert upload(harness, jpeg(2), f"kpps-{tps_of(harness, 1)}").status_code == 201
    answer = upload(harness, jpeg(3), f"kpps-{tps_of(harness, 2)}")
    assert (answer.status_code, code_of(answer)) == (507, "photo.staging-full")
    details = answer.json()["error"]["details"]
    assert details["limit"] == "count" and details["max"] == 2
    assert int(answer.headers["retry-after"]) >= 1
    disk = make_harness(photo_disk_reserve="1024GiB")  # more than this disk has free
    answer = upload(disk, jpeg(1))
    assert (answer.status_code, code_of(answer)) == (507, "photo.staging-full")
    assert answer.json()["error"]["details"]["limit"] == "disk"


def test_uncited_photos_expire_on_the_injected_clock_cited_ones_stay(
    clocked: Callable[..., tuple[Harness, Clock]],
) -> None:
    harness, clock = clocked(photo_stage_ttl="1h", photo_quota_per_key="1,1MiB")
    tps = tps_of(harness)
    assert upload(harness, jpeg(1)).json()["expires_in"] == 3600
    clock.now += 3599
    harness.ledger.photos.run_pass()
    assert harness.ledger.photos.stage.usage() == (1, len(jpeg(1)))
    assert code_of(upload(harness, jpeg(2))) == "photo.key-quota"
    refreshed = upload(harness, jpeg(1))  # the same bytes again wait a full hour more
    assert refreshed.json()["expires_in"] == 3600
    clock.now += 3600
    harness.ledger.photos.run_pass()
    assert harness.ledger.photos.stage.usage() == (0, 0)  # expired: gone, quota free
    assert upload(harness, jpeg(2)).status_code == 201
    cite(harness, tps, jpeg(2))
    clock.now += 10 * 3600
    harness.ledger.photos.run_pass()
    assert served(harness, jpeg(2)) == 200
    assert served(harness, jpeg(1)) == 404
    metrics = harness.client.get("/metrics").text
    assert 'saksi_photos_unstaged_total{reason="expired"} 1' in metrics
    assert 'saksi_photos_unstaged_total{reason="kept"} 1' in metrics


def test_a_revoked_keys_waiting_photos_are_dropped(harness: Harness) -> None:
    election, tps = harness.election, tps_of(harness)
    assert upload(harness, jpeg(1)).status_code == 201
    assert upload(harness, jpeg(2), f"kpps-{tps_of(harness, 1)}").status_code == 201
    assert (
        harness.post_entry(election.revoke(f"kpu-kab-{tps[:4]}", f"kpps-{tps}")).status_code == 201
    )
    harness.ledger.photos.run_pass()
    assert harness.ledger.photos.stage.usage() == (1, len(jpeg(2)))


def test_metrics_show_the_photos_on_disk(harness: Harness) -> None:
    upload(harness, jpeg(1, 1000))
    upload(harness, jpeg(2, 2000))
    cite(harness, tps_of(harness), jpeg(2, 2000))
    upload(harness, b"not an image")
    metrics = harness.client.get("/metrics").text
    assert "saksi_photos_staged 1\n" in metrics
    assert "saksi_photos_staged_bytes 1000\n" in metrics
    assert "saksi_photos_stored 1\n" in metrics
    assert "saksi_photos_stored_bytes 2000\n" in metrics
    assert 'saksi_photo_uploads_total{outcome="staged"} 2' in metrics
    assert 'saksi_photo_refusals_total{code="photo.not-an-image"} 1' in metrics
    assert "saksi_data_free_bytes " in metrics


# --- restarts ------------------------------------------------------------------------------


def test_staged_photos_and_citations_survive_a_crash(tmp_path: Path) -> None:
    """A statement logged, then the power cut before the keeper moved its photo: the
    disk as it was (a copy taken with the keeper held) opens with the photo kept."""
    election = ServiceElection()
    ledger = election.open(tmp_path / "a", rate_per_key="0,0", rate_per_address="0,0")
    try:
        tps = election.tps[0]
        staged = ledger.photos.upload(PNG, sign_photo(key(f"kpps-{tps}"), election.origin, PNG))
        ledger.photos.upload(JPEG, sign_photo(key(f"kpps-{tps}"), election.origin, JPEG))
        assert staged.state == "staged"
        with ledger.photos._lock:  # the keeper cannot pass: the crash comes first
            ledger.submit(election.c_hasil(tps, with_photos(election.form(tps), PNG)))
            shutil.copytree(tmp_path / "a", tmp_path / "b")
    finally:
        ledger.close()
    for leftover in (tmp_path / "b" / "data" / "photos" / "staged" / "tmp",):
        (leftover / "half-written").write_bytes(b"x")
    again = Ledger.open(election.config(tmp_path / "b"))
    try:
        assert again.photos.stage.usage() == (2, len(PNG) + len(JPEG))
        again.photos.run_pass()
        assert again.photos.photo(hashlib.sha256(PNG).hexdigest()) == PNG
        assert again.photos.stage.usage() == (1, len(JPEG))  # uncited: still waiting
    finally:
        again.close()
