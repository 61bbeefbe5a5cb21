"""The dashboard's rendered pages are kept until the publication changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from saksi.dashboard import Dashboard
from tests.service.conftest import Harness
from tests.waiting import wait_for


def test_a_page_is_rendered_once_per_publication(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = Dashboard.nasional

    def counted(self: Dashboard, lang: str, *args: object, **kwargs: object) -> object:
        calls.append(lang)
        return real(self, lang, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Dashboard, "nasional", counted)
    ledger = harness.ledger  # no checkpoint on the way: DATA/log/checkpoint stays as it is
    wait_for(lambda: ledger.checkpoint_size >= ledger.size)  # moved once the file is written
    first = harness.client.get("/")
    assert harness.client.get("/").content == first.content
    assert harness.client.get("/?lang=en").status_code == first.status_code
    assert calls == ["id", "en"]  # the second "id" request was answered from the cache

    latest = harness.config.results_dir / "latest.json"
    latest.parent.mkdir(parents=True, exist_ok=True)
    _replace(latest, b"{}")  # a new publication (atomic rename: a new file)
    harness.client.get("/")
    assert calls == ["id", "en", "id"]
    harness.client.get("/")
    assert calls == ["id", "en", "id"]
    _replace(
        harness.config.log_dir / "checkpoint", (harness.config.log_dir / "checkpoint").read_bytes()
    )
    harness.client.get("/")
    assert calls == ["id", "en", "id", "id"]  # a new checkpoint (e.g. cosigned) too


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
