"""Times as a reader in Indonesia reads them: the local time of the region's province.

Indonesia has three time zones (Keputusan Presiden 41/1987): **WIB** (UTC+7: Sumatra,
Java, West and Central Kalimantan), **WITA** (UTC+8: Bali, Nusa Tenggara, South, East
and North Kalimantan, Sulawesi) and **WIT** (UTC+9: Maluku and Papua). A page about a
region or a TPS shows its times in its province's zone, named; a page about no region
(the nation, Anomali, Verifikasi) and the overseas units (provinsi 99) in UTC. The
instant itself is always in the ``datetime`` attribute, with its offset.

    >>> local(datetime(2024, 2, 14, 6, 5, tzinfo=UTC), "7371").text
    '2024-02-14 14:05:00 WITA'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Final

from saksi.election.codes import NASIONAL

WIB: Final = ("WIB", 7)
WITA: Final = ("WITA", 8)
WIT: Final = ("WIT", 9)

_WIB_PROVINCES = "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 61 62"
_WITA_PROVINCES = "51 52 53 63 64 65 71 72 73 74 75 76"
_WIT_PROVINCES = "81 82 91 92 93 94 95 96"
PROVINCE_ZONE: Final[dict[str, tuple[str, int]]] = {
    **dict.fromkeys(_WIB_PROVINCES.split(), WIB),
    **dict.fromkeys(_WITA_PROVINCES.split(), WITA),
    **dict.fromkeys(_WIT_PROVINCES.split(), WIT),
}
"""Every province (KPU code, 2024) and its zone; any other code (99 overseas): UTC."""


@dataclass(frozen=True)
class LocalTime:
    """One instant as shown: ``text`` in the zone named at its end, ``iso`` with offset."""

    text: str
    iso: str
    offset: str  # "UTC+7", or "UTC"


def zone(region: str | None) -> tuple[str, int]:
    """The zone (name, hours east of UTC) of the province ``region`` lies in."""
    if not region or region == NASIONAL:
        return ("UTC", 0)
    return PROVINCE_ZONE.get(region[:2], ("UTC", 0))


_OFFSETS: Final = {hours: timezone(timedelta(hours=hours)) for hours in (0, 7, 8, 9)}


def local(moment: datetime, region: str | None) -> LocalTime:
    """``moment`` (aware) in the zone of ``region``'s province (UTC where none)."""
    name, hours = zone(region)
    shown = moment.astimezone(_OFFSETS[hours]).replace(microsecond=0)
    iso = shown.isoformat()
    return LocalTime(
        f"{iso[:10]} {iso[11:19]} {name}",
        iso.replace("+00:00", "Z"),
        f"UTC+{hours}" if hours else "UTC",
    )


def parse_utc(text: str) -> datetime | None:
    """A statement's ``at`` (``2024-02-14T13:05:00Z``) as an aware datetime, or None."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


__all__ = ["PROVINCE_ZONE", "WIB", "WIT", "WITA", "LocalTime", "local", "parse_utc", "zone"]
