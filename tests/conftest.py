"""Shared test fixtures. ../shared (next to the checkout) holds KPU data and vectors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

settings.register_profile("saksi", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("saksi")
"""No test may depend on the machine's speed: Hypothesis's deadline per example (200 ms)
and its too-slow health check would fail a property test on a busy machine. (A test's
own ``@settings(suppress_health_check=...)`` replaces the list: name too_slow there too.)"""
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a skip that says why when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} is not present next to this checkout")
    return path
