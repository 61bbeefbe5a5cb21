"""The entry app shows server text as Python's saksi.text does: the same classes of
character, each as a visible ``[U+XXXX]``, in every text node its ``h()`` makes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from saksi.text import UNSAFE_RANGES, display_text, text_problem
from tests.app.conftest import World, open_app
from tests.test_docs import ROOT
from tests.test_text import SAFE, SPOOFS

TEXT_JS = ROOT / "saksi" / "app" / "static" / "text.js"


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return out


def test_the_apps_classes_are_pythons_less_the_line_feed() -> None:
    source = TEXT_JS.read_text(encoding="utf-8")
    found = [
        (int(lo, 16), int(hi or lo, 16))
        for lo, hi in re.findall(r"\\u\{([0-9A-F]+)\}(?:-\\u\{([0-9A-F]+)\})?", source)
    ]
    expected = [(lo, hi) for lo, hi in UNSAFE_RANGES if not lo <= 0x0A <= hi]
    expected += [(0x00, 0x09), (0x0B, 0x1F)]  # the C0 controls but the line feed
    assert _merged(found) == _merged(expected)


@pytest.fixture(scope="module")
def app_page(browser: Any, world: World) -> Iterator[Any]:
    context = browser.new_context(base_url=world.server.url)
    page = context.new_page()
    open_app(page)
    yield page
    context.close()


SHOWN_JS = """async (texts) => {
    const text = await import('/app/text.js');
    const ui = await import('/app/ui.js');
    return texts.map((t) => [text.shown(t), ui.h('p', {}, t, ' ', 'x').textContent]);
}"""


@pytest.mark.slow
def test_the_app_shows_text_as_python_does(app_page: Any) -> None:
    texts = [f"HP{char}KPPS 1" for char, _ in SPOOFS] + SAFE + ["a\nb", "\U0001fffe\U000e0100"]
    for text, (shown, node) in zip(texts, app_page.evaluate(SHOWN_JS, texts), strict=True):
        assert shown == display_text(text, newlines=True), text
        assert node == f"{shown} x"


REFUSED_JS = """async (texts) => {
    const text = await import('/app/text.js');
    return texts.map((t) => text.refused(t));
}"""


@pytest.mark.slow
def test_the_app_refuses_before_signing_what_intake_would_refuse(app_page: Any) -> None:
    """A label or reason the service would refuse (text.*) is caught on the device,
    before it is signed: ``refused()`` agrees with Python's ``text_problem``."""
    texts = [f"HP{char}KPPS 1" for char, _ in SPOOFS] + SAFE
    texts += ["a\nb", " KPU", "KPU ", "KPU\u00a0", "\u3000", "\u2003KPU", "\U0001fffe"]
    for text, refused in zip(texts, app_page.evaluate(REFUSED_JS, texts), strict=True):
        assert refused == (text_problem(text) is not None), text
