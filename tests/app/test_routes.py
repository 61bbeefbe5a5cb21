"""The app's files, its configuration and ``GET /v1/keys/{key}``, in process (no browser).

Also: the generated rule table is exactly what the Python rules give now (one
definition), and every file the app is made of ships as package data.
"""

from __future__ import annotations

import json
from pathlib import Path

from saksi.app import STATIC, assets
from saksi.app.ruletable import RULES_JS, check, main, rule_table, rules_js
from saksi.election.rule_catalog import RULES, RULESET_VERSION
from saksi.service.routes_app import APP_CSP
from tests.election.factory import public
from tests.ledger.factory import NAMES
from tests.service.conftest import ROOT, Harness


def path_key(text: str) -> str:
    return text.replace("+", "-").replace("/", "_").rstrip("=")


def test_the_generated_rule_table_is_up_to_date() -> None:
    assert check(), "run: python -m saksi.app.ruletable --write"
    table = rule_table()
    assert [r["code"] for r in table["rules"]] == [r.code for r in RULES]
    assert table["ruleset"] == RULESET_VERSION
    assert "suara_paslon_{pair}" in table["fields"]


def test_a_stale_rule_table_is_reported(tmp_path: Path) -> None:
    stale = tmp_path / "rules.js"
    stale.write_text(rules_js().replace('"sum-eq"', '"sum-le"', 1), encoding="utf-8")
    assert not check(stale)
    assert not check(tmp_path / "missing.js")
    assert main(["--check"]) == 0


def test_every_app_file_is_package_data() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"app/static/*"' in pyproject and '"app/static/vendor/*"' in pyproject
    shipped = {p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file()}
    assert set(assets()) == shipped
    assert all("/" not in name or name.startswith("vendor/") for name in shipped)
    assert RULES_JS.relative_to(STATIC).as_posix() in shipped


def test_the_app_is_served_with_a_strict_policy(harness: Harness) -> None:
    http = harness.client
    assert http.get("/app").status_code == 308
    page = http.get("/app/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-security-policy"] == APP_CSP
    assert "'unsafe" not in APP_CSP and "http" not in APP_CSP
    assert page.headers["cache-control"] == "no-cache"
    assert '<script type="module" src="app.js">' in page.text
    script = http.get("/app/rules-eval.js")
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    manifest = http.get("/app/manifest.webmanifest")
    assert manifest.headers["content-type"] == "application/manifest+json"
    assert json.loads(manifest.content)["start_url"] == "/app/"
    worker = http.get("/app/sw.js").text
    assert "__VERSION__" not in worker and '"/app/app.js"' in worker
    missing = http.get("/app/../pyproject.toml")
    assert missing.status_code == 404
    assert http.get("/app/nothing.js").json()["error"]["code"] == "http.not-found"


def test_the_config_names_the_log_key_and_the_pairs(harness: Harness) -> None:
    config = harness.client.get("/app/config.json").json()
    assert config["origin"] == harness.election.origin
    assert config["log_key"] == harness.ledger.vkey
    assert [p["number"] for p in config["pairs"]] == ["01", "02", "03"]
    assert config["ruleset"] == RULESET_VERSION
    assert (config["witnesses"], config["quorum"]) == ([], 0)  # no witnesses configured


def test_a_registered_key_is_found_with_its_tps(harness: Harness) -> None:
    tps = harness.election.tps[0]
    answer = harness.client.get(f"/v1/keys/{path_key(public(f'kpps-{tps}'))}")
    assert answer.status_code == 200
    found = answer.json()
    assert found["role"] == "kpps" and found["scope"] == tps
    assert found["scope_name"] == f"{NAMES[tps[:10]]}, TPS {tps[10:]}"
    assert found["registered_by"] == public(f"kpu-kab-{tps[:4]}")
    assert found["revoked"] is None and found["candidate"] is None
    root = harness.client.get(f"/v1/keys/{path_key(public('kpu-ri'))}").json()
    assert root["role"] == "kpu-ri" and root["index"] == 0 and root["not_before"] is None


def test_a_revoked_key_says_so(harness: Harness) -> None:
    tps = harness.election.tps[1]
    revoke = harness.election.revoke(f"kpu-kab-{tps[:4]}", f"kpps-{tps}")
    assert harness.post_entry(revoke).status_code == 201
    found = harness.client.get(f"/v1/keys/{path_key(public(f'kpps-{tps}'))}").json()
    assert found["revoked"]["reason"] == "perangkat hilang / device lost"


def test_unknown_and_malformed_keys(harness: Harness) -> None:
    unknown = harness.client.get(f"/v1/keys/{path_key(public('nobody'))}")
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "http.not-found"
    for bad in ("abc", public("nobody"), "A" * 44, "%2F" * 20):
        answer = harness.client.get(f"/v1/keys/{bad}")
        assert answer.status_code in (400, 404), bad
        if answer.status_code == 400:
            assert answer.json()["error"]["code"] == "http.invalid-parameter"
    assert harness.client.get(f"/v1/keys/{'A' * 43}").status_code == 404
