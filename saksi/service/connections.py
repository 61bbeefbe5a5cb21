"""The connection bounds of ``saksi serve``: its settings, and what /metrics shows.

The bounds themselves, the counting and the descriptors are
:mod:`saksi.server_limits` (shared with the witness); the protocol that applies them
to each connection is :mod:`saksi.service.http_protocol`; docs/service.md
("Connections") tells the whole story.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from saksi.errors import ConfigError
from saksi.ledger.exposition import family
from saksi.server_limits import ConnectionGuard, ConnectionLimits, fit_to_descriptors

if TYPE_CHECKING:
    from saksi.ledger.config import ServiceConfig

__all__ = ["connection_limits", "connection_metrics"]


def connection_limits(config: ServiceConfig, descriptors: int) -> ConnectionLimits:
    """The limits of ``config``, ``max_connections`` fitted to ``descriptors``
    (ConfigError ``config.descriptor-limit`` when not even one connection fits)."""
    limits = ConnectionLimits(
        header_timeout=config.header_timeout,
        body_timeout=config.request_timeout,
        max_connections=config.max_connections,
        max_per_address=config.max_connections_per_address,
    )
    return fit_to_descriptors(
        limits,
        descriptors,
        setting="max_connections",
        code="config.descriptor-limit",
        kind=ConfigError,
    )


def connection_metrics(guard: ConnectionGuard) -> list[str]:
    """The connection families of /metrics (docs/api.md)."""
    health = guard.health()
    lines = family(
        "saksi_connections_open",
        "gauge",
        "Client connections being served.",
        [({}, health["open"])],
    )
    lines += family(
        "saksi_connections_max",
        "gauge",
        "The cap on connections served at once (max_connections, as fitted to the "
        "descriptor limit).",
        [({}, health["max"])],
    )
    lines += family(
        "saksi_connections_accepted_total",
        "counter",
        "Client connections accepted.",
        [({}, health["accepted"])],
    )
    lines += family(
        "saksi_connections_refused_total",
        "counter",
        "Connections refused over a cap, by cap (address or total).",
        [({"limit": k}, v) for k, v in health["refused"].items()],
    )
    lines += family(
        "saksi_connections_timed_out_total",
        "counter",
        "Connections closed for being slow, by phase (idle, headers, body).",
        [({"phase": k}, v) for k, v in health["timed_out"].items()],
    )
    held: list[tuple[dict[str, str], float]] = []
    if health["descriptors"] is not None:
        held.append(({}, health["descriptors"]))
    lines += family("saksi_open_descriptors", "gauge", "File descriptors the process holds.", held)
    lines += family(
        "saksi_descriptor_limit",
        "gauge",
        "The process's limit on open file descriptors (soft RLIMIT_NOFILE).",
        [({}, health["descriptor_limit"])],
    )
    return lines
