"""Photos over HTTP: the type read from the bytes, size limit, content addressing, caching."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.service.photos import sniff
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


def _upload(
    harness: Harness, data: bytes, content_type: str = "application/octet-stream"
) -> httpx.Response:
    return harness.client.post("/v1/photos", content=data, headers={"content-type": content_type})


def test_upload_and_download(harness: Harness) -> None:
    for data, kind in ((JPEG, "image/jpeg"), (PNG, "image/png"), (WEBP, "image/webp")):
        answer = _upload(harness, data)
        assert answer.status_code == 201, answer.text
        sha = hashlib.sha256(data).hexdigest()
        assert answer.json() == {"sha256": sha, "size": len(data), "content_type": kind}
        assert answer.headers["location"] == f"/v1/photos/{sha}"
        photo = harness.client.get(f"/v1/photos/{sha}")
        assert photo.status_code == 200
        assert photo.content == data
        assert photo.headers["content-type"] == kind
        assert photo.headers["etag"] == f'"{sha}"'
        assert photo.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert photo.headers["x-content-type-options"] == "nosniff"
        cached = harness.client.get(f"/v1/photos/{sha}", headers={"if-none-match": f'"{sha}"'})
        assert cached.status_code == 304 and cached.content == b""


def test_the_declared_type_does_not_decide(harness: Harness) -> None:
    # A PNG declared as JPEG is stored and served as what it is.
    answer = _upload(harness, PNG, "image/jpeg")
    assert answer.json()["content_type"] == "image/png"
    sha = answer.json()["sha256"]
    assert harness.client.get(f"/v1/photos/{sha}").headers["content-type"] == "image/png"
    # The same bytes again: the same name.
    assert _upload(harness, PNG).json()["sha256"] == sha


def test_what_is_not_an_image_is_refused(harness: Harness) -> None:
    for name, data in NOT_IMAGES.items():
        answer = _upload(harness, data, "image/jpeg")
        assert answer.status_code == 415, name
        assert answer.json()["error"]["code"] == "photo.not-an-image"
        digest = hashlib.sha256(data).hexdigest()
        assert harness.client.get(f"/v1/photos/{digest}").status_code == 404, name
    for content_type in ("text/html", "image/svg+xml", "multipart/form-data", ""):
        answer = _upload(harness, JPEG, content_type)
        assert answer.status_code == 415
        assert answer.json()["error"]["code"] == "http.unsupported-media-type"


def test_size_limit(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(max_photo_bytes=len(JPEG))
    assert _upload(harness, JPEG).status_code == 201
    bigger = JPEG + b"\x00"
    answer = _upload(harness, bigger)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "http.too-large"
    assert answer.json()["error"]["details"]["limit"] == len(JPEG)
    assert harness.client.get(f"/v1/photos/{hashlib.sha256(bigger).hexdigest()}").status_code == 404


def test_photo_names_are_checked(harness: Harness) -> None:
    for bad in ("abc", "A" * 64, "g" * 64, "0" * 63, "%2e%2e"):
        answer = harness.client.get(f"/v1/photos/{bad}")
        assert answer.status_code == 400, bad
        assert answer.json()["error"]["code"] == "http.invalid-parameter"
    slashed = harness.client.get("/v1/photos/..%2f..%2fx")  # not one path segment: no route
    assert slashed.json()["error"]["code"] == "http.not-found"
    missing = harness.client.get(f"/v1/photos/{'0' * 64}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "http.not-found"


def test_photo_uploads_are_not_statements(harness: Harness) -> None:
    size = harness.ledger.size
    _upload(harness, JPEG)
    assert harness.ledger.size == size
