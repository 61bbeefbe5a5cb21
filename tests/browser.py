"""Debian's chromium through Playwright, for the browser tests (dashboard, entry app).

``skip_reason()`` says why a browser test cannot run here (``.ci/run`` installs
chromium; Playwright comes with the dev extras). :func:`chromium` opens one browser;
keep it per module (not per session): Playwright's sync API runs an event loop on the
thread while it is open, which other tests in the same xdist worker would find.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")


def skip_reason() -> str | None:
    """Why the browser tests are skipped here, or None when they can run."""
    if not CHROMIUM.exists():
        return "needs Debian's chromium at /usr/bin/chromium"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "needs playwright (pip)"
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless chromium, closed (and Playwright stopped) on leaving."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield launched
        finally:
            launched.close()
