"""Listening sockets for ``saksi serve`` and ``saksi witness serve``, with coded refusals.

Both commands bind their address before they print anything or open their data, so
that a port in use (or an address that is not this machine's, or a port that needs
privileges) is one refusal in Bahasa Indonesia and English, exit status 2, and not a
raw ``[Errno 98]`` after the service has announced its log key.

:func:`bind_sockets` binds without listening: until the server starts accepting, a
client is refused by the kernel exactly as if nothing ran there (a long replay does
not leave clients hanging in a queue).
"""

from __future__ import annotations

import errno
import socket
from typing import Final

from saksi.errors import SaksiError

__all__ = ["bind_sockets", "cannot_listen"]

_REASONS: Final = {
    errno.EADDRINUSE: (
        "the port is already in use by another process (stop it, or choose another port)",
        "port sudah dipakai proses lain (hentikan proses itu, atau pilih port lain)",
    ),
    errno.EACCES: (
        "no permission to listen there (ports below 1024 need privileges)",
        "tidak ada izin untuk mendengarkan di sana (port di bawah 1024 memerlukan hak khusus)",
    ),
    errno.EADDRNOTAVAIL: (
        "the address is not one of this machine's",
        "alamat itu bukan alamat mesin ini",
    ),
}


def cannot_listen(
    host: str, port: int, exc: OSError, *, code: str, kind: type[SaksiError]
) -> SaksiError:
    """The refusal for an address that cannot be bound, naming why in both languages."""
    if isinstance(exc, socket.gaierror):
        en, id_ = "the host name cannot be resolved", "nama host tidak dapat di-resolve"
        reason = "unresolvable"
    else:
        fallback = exc.strerror or exc.__class__.__name__
        en, id_ = _REASONS.get(exc.errno or 0, (fallback, fallback))
        reason = errno.errorcode.get(exc.errno or 0, exc.__class__.__name__)
    shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return kind(
        code=code,
        en=f"cannot listen on {shown}: {en}",
        id=f"tidak dapat mendengarkan di {shown}: {id_}",
        host=host,
        port=port,
        reason=reason,
    )


def bind_sockets(host: str, port: int, *, code: str, kind: type[SaksiError]) -> list[socket.socket]:
    """A bound (not yet listening) TCP socket for each address ``host`` names.

    ``host`` may name several addresses (``localhost``: IPv4 and IPv6); with port 0
    the first one's port is used for the others. Any failure closes what was bound
    and raises :func:`cannot_listen`'s refusal with ``code``.
    """
    bound: list[socket.socket] = []
    try:
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
        seen: set[tuple[int, object]] = set()
        for family, kind_, proto, _, address in infos:
            if (family, address[0]) not in seen:
                seen.add((family, address[0]))
                port_ = bound[0].getsockname()[1] if port == 0 and bound else port
                bound.append(_bound(family, kind_, proto, (address[0], port_, *address[2:])))
    except OSError as exc:
        for sock in bound:
            sock.close()
        raise cannot_listen(host, port, exc, code=code, kind=kind) from None
    return bound


def _bound(family: int, kind: int, proto: int, address: tuple[object, ...]) -> socket.socket:
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock
