"""Write the dashboard's map data (saksi/dashboard/geo/) from ../shared/data/geo/.

../shared/data/geo holds the SVG path data of Indonesia's 38 provinces and 514
kabupaten/kota, drawn from cahyadsn/wilayah_boundaries (MIT licence: its notice is
copied beside the data and credited wherever the map is shown). This tool ships them
with the package, compactly: per region its KPU code, its bounding box in the map's
coordinates (so a province's map can fit its viewBox without parsing paths) and its
path data as given (relative, one decimal); for a kab/kota its province. Names are
left out: pages name regions as KPU's region file does. The files are gzip with no
time stamp, so running the tool again on the same input writes the same bytes.

    .venv/bin/python tools/geo.py            # writes saksi/dashboard/geo/*
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "geo"
OUT = ROOT / "saksi" / "dashboard" / "geo"
LICENCE = "LICENSE-wilayah_boundaries.txt"
FORMAT = "saksi-geo/1"
CREDIT = "cahyadsn/wilayah_boundaries, MIT licence (LICENSE-wilayah_boundaries.txt)"

_TOKEN = re.compile(r"[MmLlZz]|-?(?:\d+\.?\d*|\.\d+)")


def box_of(d: str) -> tuple[float, float, float, float]:
    """The bounding box (x0, y0, x1, y1) of path data made of ``M``, ``m``, ``L``,
    ``l`` and ``z`` (what the source uses: an absolute move, relative lines)."""
    xs: list[float] = []
    ys: list[float] = []
    x = y = start_x = start_y = 0.0
    command = ""
    numbers: list[float] = []

    def flush() -> None:
        nonlocal x, y, start_x, start_y, command
        for i in range(0, len(numbers) - 1, 2):
            dx, dy = numbers[i], numbers[i + 1]
            if command in "ML":  # absolute (the pairs after an M are lines, absolute)
                x, y = dx, dy
            else:  # m, l: relative
                x, y = x + dx, y + dy
            if i == 0 and command in "Mm":
                start_x, start_y = x, y
            xs.append(x)
            ys.append(y)
        numbers.clear()

    for token in _TOKEN.findall(d):
        if token in "MmLlZz":
            flush()
            if token in "Zz":
                x, y = start_x, start_y
            command = token
        else:
            numbers.append(float(token))
    flush()
    if not xs:
        raise ValueError("path data without a point")
    return (min(xs), min(ys), max(xs), max(ys))


def _region(row: dict[str, Any], *, with_prov: bool) -> dict[str, Any]:
    x0, y0, x1, y1 = box_of(row["d"])
    out: dict[str, Any] = {"code": row["code"]}
    if with_prov:
        out["prov"] = row["prov"]
    out["box"] = [round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)]
    out["d"] = row["d"]
    return out


def pack(source_file: Path, *, with_prov: bool) -> bytes:
    """The gzip-compressed JSON of one shipped file."""
    rows = json.loads(source_file.read_text(encoding="utf-8"))
    document = {
        "format": FORMAT,
        "credit": CREDIT,
        "regions": [_region(row, with_prov=with_prov) for row in rows],
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def outputs(source: Path = SOURCE) -> dict[str, bytes]:
    """File name -> bytes, as the tool writes them."""
    return {
        "provinces.json.gz": pack(source / "provinces.json", with_prov=False),
        "kabkota.json.gz": pack(source / "kabkota.json", with_prov=True),
        LICENCE: (source / LICENCE).read_bytes(),
    }


def main() -> None:
    if not SOURCE.is_dir():
        sys.exit(f"{SOURCE} is not there: the tool needs ../shared/data/geo")
    OUT.mkdir(exist_ok=True)
    for name, data in outputs().items():
        (OUT / name).write_bytes(data)
        print(f"writing {(OUT / name).relative_to(ROOT)} ({len(data):,} bytes)")


if __name__ == "__main__":
    main()
