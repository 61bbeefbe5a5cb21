"""Docs as tests: what the code can say, the docs must explain."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE_LITERAL = re.compile(r"""code\s*=\s*["']([a-z0-9]+(?:[.-][a-z0-9]+)+)["']""")
AREAS = (
    "auth",
    "config",
    "http",
    "photo",
    "recap",
    "cli",
    "contest",
    "entry",
    "input",
    "key",
    "log",
    "region",
    "signature",
    "sim",
    "sirekap",
    "statement",
    "store",
    "time",
    "verify",
    "witness",
)
NOT_CODES = {"log.key", "store.sqlite"}  # file names that look like codes
AREA_LITERAL = re.compile(r"""["'](""" + "|".join(AREAS) + r""")\.([a-z0-9]+(?:-[a-z0-9]+)*)["']""")


def error_codes_in_source() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "saksi").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes.update(CODE_LITERAL.findall(text))
        codes.update(f"{area}.{what}" for area, what in AREA_LITERAL.findall(text))
    codes.update(
        re.findall(
            r'default_code = "([^"]+)"', (ROOT / "saksi" / "errors.py").read_text(encoding="utf-8")
        )
    )
    return codes - NOT_CODES


def test_every_error_code_is_documented() -> None:
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    missing = sorted(c for c in error_codes_in_source() if f"`{c}`" not in doc)
    assert not missing, f"error codes missing from docs/errors.md: {missing}"


def test_readme_names_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme
    assert "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def test_docs_links_resolve() -> None:
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"


def test_cli_reference_matches_the_real_help() -> None:
    from tools.cli_reference import OUT, render

    assert OUT.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run `python tools/cli_reference.py`"
    )
