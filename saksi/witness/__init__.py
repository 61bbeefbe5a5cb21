"""A C2SP tlog-witness: cosign a log's checkpoints only as the log grows append-only.

- :mod:`saksi.witness.protocol`: the add-checkpoint request and its checks, pure;
- :mod:`saksi.witness.state`: the latest cosigned checkpoint per log, on disk;
- :mod:`saksi.witness.server`: :class:`Witness` and its HTTP server;
- :mod:`saksi.witness.client`: :func:`add_checkpoint`, the log's side (urllib only).

See docs/witness.md.
"""

from __future__ import annotations

from saksi.witness.client import add_checkpoint, attach_cosignatures
from saksi.witness.protocol import AddCheckpointRequest, WatchedLog, watched_logs

__all__ = [
    "AddCheckpointRequest",
    "WatchedLog",
    "add_checkpoint",
    "attach_cosignatures",
    "watched_logs",
]
