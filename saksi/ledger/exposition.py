"""The Prometheus text exposition format (0.0.4), as the ledger and the HTTP side write it.

Hand-written (no client library). The ledger's parts (witnessing, photo keeping) give
their own metric families as lines (:func:`family`); the HTTP side's /metrics adds
them to its counters (:mod:`saksi.service.metrics`). Label values are a closed set,
never anything a client chooses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

__all__ = ["CONTENT_TYPE", "escape_label", "family", "labels", "number"]

CONTENT_TYPE: Final = "text/plain; version=0.0.4; charset=utf-8"


def escape_label(value: str) -> str:
    """A label value as the exposition format writes it (backslash, quote, newline)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def family(
    name: str, kind: str, help_text: str, samples: Iterable[tuple[Mapping[str, str], float]]
) -> list[str]:
    """One metric family's lines: HELP, TYPE and a sample per label set."""
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{labels(names)} {number(value)}" for names, value in samples]
    return lines


def number(value: float) -> str:
    """A sample value: an integer as written, any other number as Python writes a float."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def labels(names: Mapping[str, str]) -> str:
    """``{name="value",...}`` (empty without labels), values escaped."""
    if not names:
        return ""
    inner = ",".join(f'{k}="{escape_label(v)}"' for k, v in names.items())
    return "{" + inner + "}"
