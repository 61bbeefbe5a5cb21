"""Docs as tests: what the code can say, the docs must explain."""

from __future__ import annotations

import re
from pathlib import Path

from saksi.election.codes import Level
from saksi.election.regions import Hierarchy
from saksi.election.synthetic import synthetic_hierarchy
from tests.conftest import shared_path

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
    "text",
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


# --- numbers the docs state, tied to the real output ---------------------------------

GUIDES = ("README.md", "docs/user-guide.md")


def _counts(hierarchy: Hierarchy) -> str:
    """``provinsi / kab/kota / kecamatan / desa / TPS`` as the docs write them."""
    counts = hierarchy.counts()
    levels = (Level.PROVINSI, Level.KABKOTA, Level.KECAMATAN, Level.DESA, Level.TPS)
    return " / ".join(f"{counts[level]:,}" for level in levels)


def test_the_synthetic_nation_is_described_as_saksi_regions_show_prints_it() -> None:
    counts = synthetic_hierarchy(scale=1.0).counts()  # what `saksi regions show` prints
    said = f"{counts[Level.PROVINSI]} provinces (38 and overseas), {counts[Level.TPS]:,} TPS"
    for name in GUIDES:
        assert said in (ROOT / name).read_text(encoding="utf-8"), name


def test_the_kpu_import_counts_in_the_docs_are_what_the_import_prints() -> None:
    tps_json = shared_path("data", "regions", "kpu2024-tps.json")
    overseas = shared_path("data", "regions", "kpu2024-tps-ln.csv")
    home = _counts(Hierarchy.from_kpu(tps_json))
    abroad = _counts(Hierarchy.from_kpu(tps_json, overseas))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"hierarchy: {home}" in readme and f"with overseas {abroad}" in readme
    guide = " ".join((ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8").split())
    assert f"with `--overseas`, {abroad}" in guide
    assert home == "38 / 514 / 7,277 / 83,731 / 820,161"  # as the guide says it in words
    assert "38 provinces, 514 kab/kota, 7,277 kecamatan, 83,731 desa and 820,161 TPS" in guide


def test_every_region_the_docs_show_exists_in_the_election_they_name() -> None:
    shown = re.compile(r"saksi regions show (\d+) --scale ([0-9.]+)")
    found = 0
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for code, scale in shown.findall(doc.read_text(encoding="utf-8")):
            assert synthetic_hierarchy(scale=float(scale)).exists(code), (doc.name, code, scale)
            found += 1
    assert found >= 2
