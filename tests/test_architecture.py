"""The layering of docs/architecture.md, checked on the source itself."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "saksi"
FORBIDDEN_IN_CORE = {
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "sqlite3",
    "psycopg",
    "psycopg2",
    "sqlalchemy",
    "httpx",
    "requests",
    "click",
    "rich",
}
CORE = ("election", "tlog", "recap", "verify")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def core_files(part: str) -> list[Path]:
    return sorted((PACKAGE / part).rglob("*.py"))


@pytest.mark.parametrize("part", CORE)
def test_core_imports_no_framework_or_driver(part: str) -> None:
    for path in core_files(part):
        roots = {name.split(".")[0] for name in imported_modules(path)}
        bad = roots & FORBIDDEN_IN_CORE
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_tlog_knows_nothing_of_elections() -> None:
    for path in core_files("tlog"):
        for name in imported_modules(path):
            assert not name.startswith(("saksi.election", "saksi.recap", "saksi.store")), (
                f"{path.relative_to(PACKAGE)} imports {name}"
            )


def test_election_does_not_import_storage_or_cli() -> None:
    for path in core_files("election"):
        for name in imported_modules(path):
            assert not name.startswith(("saksi.store", "saksi.cli", "saksi.sim")), (
                f"{path.relative_to(PACKAGE)} imports {name}"
            )


def test_verify_reads_only_what_is_published() -> None:
    """The verifier needs no part of the service: not its store, HTTP layer or CLI."""
    for path in core_files("verify"):
        for name in imported_modules(path):
            assert not name.startswith(
                ("saksi.store", "saksi.service", "saksi.cli", "saksi.sim")
            ), f"{path.relative_to(PACKAGE)} imports {name}"


VERIFY_MAY_IMPORT = ("saksi.tlog", "saksi.errors", "saksi.verify")
"""issue 15: the verifier shares no code with what it checks; ``saksi.errors`` itself
brings ``saksi.text`` along (its diagnostics), which the verifier does not use."""


def test_the_verifier_imports_from_saksi_only_tlog_errors_and_itself() -> None:
    for path in core_files("verify"):
        for name in imported_modules(path):
            if name == "saksi" or name.startswith("saksi."):
                assert name.startswith(VERIFY_MAY_IMPORT), (
                    f"{path.relative_to(PACKAGE)} imports {name}"
                )


def test_importing_the_verifier_loads_nothing_of_what_it_checks() -> None:
    """In a fresh interpreter: ``import saksi.verify`` loads no module of the election,
    the recap, the service, the store, the dashboard, the entry app, the simulation or
    the command line."""
    import json

    code = "import json, sys, saksi.verify; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    loaded = json.loads(out)
    forbidden = tuple(
        f"saksi.{part}"
        for part in ("election", "recap", "service", "store", "dashboard", "app", "sim", "cli")
    )
    bad = [m for m in loaded if m in forbidden or m.startswith(tuple(f"{f}." for f in forbidden))]
    assert not bad, bad
    assert "saksi.verify.verifier" in loaded


WEB = {
    "fastapi",
    "starlette",
    "uvicorn",
    "h11",
    "httptools",
    "anyio",
    "httpx",
    "websockets",
    "wsproto",
    "multipart",
    "jinja2",
}
"""Web frameworks, servers and their plumbing: none of them in the ledger."""
NOT_IN_LEDGER = ("saksi.service", "saksi.dashboard", "saksi.app", "saksi.cli", "saksi.sim")


def test_the_ledger_imports_no_web_framework_or_server() -> None:
    """saksi.ledger (docs/architecture.md) is the ledger alone: the HTTP side
    (saksi.service) builds on it, never the other way round."""
    for path in core_files("ledger"):
        for name in imported_modules(path):
            where = path.relative_to(PACKAGE)
            assert name.split(".")[0] not in WEB, f"{where} imports {name}"
            assert not name.startswith(NOT_IN_LEDGER), f"{where} imports {name}"


def test_the_ledger_loads_no_web_framework_or_server() -> None:
    """Nor does anything the ledger imports, directly or not (a fresh interpreter)."""
    code = (
        "import importlib, pkgutil, sys, saksi.ledger\n"
        "for m in pkgutil.iter_modules(saksi.ledger.__path__):\n"
        "    importlib.import_module('saksi.ledger.' + m.name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    web = sorted(name for name in loaded if name.split(".")[0] in WEB)
    assert not web, f"importing saksi.ledger loads {web}"
    ours = sorted(name for name in loaded if name.startswith(NOT_IN_LEDGER))
    assert not ours, f"importing saksi.ledger loads {ours}"


ROUTE_MODULES = (
    "routes",
    "routes_app",
    "routes_dashboard",
    "routes_log",
    "routes_results",
    "photos",
)


def test_route_modules_share_only_what_is_shared() -> None:
    """A route module takes what routes share from saksi.service.routing and
    http_service, never from another route module."""
    others = {f"saksi.service.{name}" for name in ROUTE_MODULES}
    for name in ROUTE_MODULES:
        path = PACKAGE / "service" / f"{name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = imported_modules(path) | {
            f"{node.module}.{alias.name}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "saksi.service"
            for alias in node.names
        }
        bad = sorted((imported & others) - {f"saksi.service.{name}"})
        assert not bad, f"service/{name}.py imports {bad}"


ENVELOPE_CACHES = re.compile(
    r"__dict__(\[|\.pop\(|\.setdefault\(|\.update\()\s*[\"'](stmt_bytes|entry_bytes|leaf_hash)"
)


def test_only_the_envelope_module_builds_envelopes_from_bytes() -> None:
    """An envelope is made from an entry's bytes by parse_entry or Envelope.from_logged
    only, and only saksi/election/envelope.py fills or empties its caches."""
    own = PACKAGE / "election" / "envelope.py"
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == own:
            continue
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(PACKAGE)
        assert not ENVELOPE_CACHES.search(text), f"{where} writes an envelope's cache"
        assert "Envelope.model_validate" not in text, f"{where} builds an envelope itself"
