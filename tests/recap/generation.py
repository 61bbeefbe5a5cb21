"""Which checkpoint each published file names, for tests that check a generation."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

Named = tuple[int, str]
"""(tree size, root hash in hex) of a checkpoint."""


def named_checkpoint(relpath: str, data: bytes) -> Named:
    """The checkpoint a published file says it describes: a JSON document's
    ``checkpoint``, a NIST report's ``saksi-checkpoint`` identifier, or the one every
    row of a CSV ends with (AssertionError if the rows name more than one)."""
    if relpath.endswith(".csv"):
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        named = {(int(row["tree_size"]), row["root_hash"]) for row in rows}
        assert len(named) == 1, f"{relpath} names {sorted(named)}"
        return named.pop()
    doc: dict[str, Any] = json.loads(data)
    if "checkpoint" in doc:
        return int(doc["checkpoint"]["tree_size"]), str(doc["checkpoint"]["root_hash"])
    for identifier in doc["ExternalIdentifier"]:
        if identifier.get("OtherType") == "saksi-checkpoint":
            _origin, size, root = str(identifier["Value"]).split(" ")
            return int(size), root
    raise AssertionError(f"{relpath} names no checkpoint")


def latest_generation(out: Path) -> dict[str, Named]:
    """Every file of the generation ``out/latest.json`` names (its folder, and the
    summary, national snapshots and exports it links), with the checkpoint each names;
    ``latest.json`` itself under its own name."""
    latest = json.loads((out / "latest.json").read_bytes())
    size = int(latest["tree_size"])
    paths = {p.relative_to(out).as_posix() for p in (out / str(size)).rglob("*") if p.is_file()}
    paths.add(latest["summary"])
    for links in latest["contests"].values():
        paths.add(links["snapshot"])
        exports = links["exports"] or {}
        paths.update(p for k, p in exports.items() if k in ("nist", "anomalies"))
        paths.update(exports.get("csv", {}).values())
    named = {p: named_checkpoint(p, (out / p).read_bytes()) for p in sorted(paths)}
    named["latest.json"] = (size, str(latest["root_hash"]))
    return named


__all__ = ["Named", "latest_generation", "named_checkpoint"]
