"""The demo's election: the 2024 timeline, and every key derived from the night's seed.

The manifest and the key tree are :class:`saksi.election.founding.Authorities`'; here
the keys derive from the seed and a label, so a run is reproducible: the same seed
gives the same keys, statements and log, byte for byte.
"""

from __future__ import annotations

from saksi.election import founding
from saksi.election.founding import PAIR_PARTIES, Timeline, derived_keys

ORIGIN = "saksi.example/pemilu-2024-demo"
"""The demo log's origin (``.example`` is reserved: it names no real host)."""

NAME = "Pemilu 2024 (simulasi Saksi / Saksi simulation)"
TIMELINE = Timeline(
    manifest_at="2024-02-01T00:00:00Z",
    keys_at="2024-02-10T00:00:00Z",
    valid_from="2024-02-01T00:00:00Z",
    valid_until="2024-03-31T00:00:00Z",
    polls_open="2024-02-14T00:00:00Z",  # 07:00 WIB
    polls_close="2024-02-14T06:00:00Z",  # 13:00 WIB
)


class Authorities(founding.Authorities):
    """The demo's authorities: keys derived from ``seed`` (never for a real election)."""

    def __init__(self, seed: int, origin: str = ORIGIN) -> None:
        super().__init__(origin=origin, name=NAME, timeline=TIMELINE, keys=derived_keys(seed))
        self.seed = seed


__all__ = ["NAME", "ORIGIN", "PAIR_PARTIES", "TIMELINE", "Authorities"]
