"""Write saksi/dashboard/favicon.ico from the entry app's icon (saksi/app/static/icon.svg).

The dashboard answers ``/favicon.ico`` with this file (browsers ask for it by that
name). It is drawn by Debian's chromium (Playwright, as the browser tests use it) at
16, 32 and 48 pixels and packed as an ICO whose images are PNGs (every current
browser reads those). Run it again when the icon changes; the result is committed.

    .venv/bin/python tools/favicon.py
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import chromium  # noqa: E402

SVG = ROOT / "saksi" / "app" / "static" / "icon.svg"
OUT = ROOT / "saksi" / "dashboard" / "favicon.ico"
SIZES = (16, 32, 48)


def ico(images: list[tuple[int, bytes]]) -> bytes:
    """An ICO file of PNG images: (size in pixels, PNG bytes) each."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, data = b"", b""
    for size, png in images:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset)
        data += png
        offset += len(png)
    return header + entries + data


def render() -> bytes:
    svg = SVG.read_text(encoding="utf-8")
    images = []
    with chromium() as browser:
        for size in SIZES:
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(
                f'<body style="margin:0;background:transparent">'
                f'<div style="width:{size}px;height:{size}px">{svg}</div></body>'
            )
            page.locator("svg").evaluate(f"s => {{s.style.width = s.style.height = '{size}px'}}")
            images.append((size, page.screenshot(omit_background=True, type="png")))
            page.close()
    return ico(images)


if __name__ == "__main__":
    OUT.write_bytes(render())
    print(f"writing {OUT.relative_to(ROOT)}")
