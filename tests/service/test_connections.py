"""``saksi serve`` against hostile connections, as a real process over real sockets.

Slow headers and short bodies are closed once their bound has passed, connections
over the caps (per address, in total) are refused with a coded answer while honest
clients from other addresses are still served, the descriptors the log needs are
never exhausted, and a port in use is refused before anything is printed.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from tests.service.conftest import ROOT, election_server
from tests.service.factory import ServiceElection


def test_a_port_in_use_is_refused_before_anything_is_printed(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = str(holder.getsockname()[1])
        server = election_server(tmp_path, ServiceElection(), extra=["--port", port])
        done = subprocess.run(
            [sys.executable, "-m", "saksi", "serve", *server.args],
            env=server.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""  # no log key, no "serving on"
    assert not server.data.exists()  # nothing was created either
    first = f"service.cannot-listen: tidak dapat mendengarkan di 127.0.0.1:{port}: port sudah"
    assert done.stderr.startswith(first)
    assert "port sudah dipakai proses lain" in done.stderr
    assert "the port is already in use by another process" in done.stderr
    assert "Traceback" not in done.stderr and "Errno" not in done.stderr
