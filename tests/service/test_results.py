"""``saksi serve`` publishes the results of its own log under /results/, live."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from saksi.ledger.ledger import Receipt
from saksi.recap.fold import Recap
from tests.ledger.factory import ServiceElection, broken_form
from tests.recap.generation import latest_generation
from tests.service.conftest import ServeProcess
from tests.waiting import wait_for

JSON = {"Content-Type": "application/json"}


def _latest(http: httpx.Client) -> dict[str, Any] | None:
    answer = http.get("/results/latest.json")
    return answer.json() if answer.status_code == 200 else None


def _wait_for_size(http: httpx.Client, size: int) -> dict[str, Any]:
    def published() -> dict[str, Any] | None:
        latest = _latest(http)
        return latest if latest is not None and latest["tree_size"] >= size else None

    found: dict[str, Any] = wait_for(published)
    return found


def test_results_follow_the_log_and_match_the_fold(
    serve_process: Callable[..., ServeProcess],
) -> None:
    election = ServiceElection()
    server = serve_process(
        election=election, env={"SAKSI_RESULTS_INTERVAL": "0.1", "SAKSI_RESULTS_EXPORTS_EVERY": "1"}
    )
    with server.client() as http:
        for tps in election.tps[:5]:
            assert (
                http.post("/v1/statements", content=election.c_hasil(tps), headers=JSON).status_code
                == 201
            )
        size = http.get("/health").json()["log_size"]
        latest = _wait_for_size(http, size)
        snapshot = http.get(f"/results/{latest['contests']['ppwp']['snapshot']}")
        assert snapshot.status_code == 200
        assert snapshot.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert http.get("/results/latest.json").headers["cache-control"] == "public, max-age=2"
        regions = http.get(f"/results/{latest['regions']}")
        assert regions.status_code == 200
        entries = [http.get(f"/v1/entries/{i}").content for i in range(latest["tree_size"])]
        for bad in (
            ".state/publisher.json",
            "nope.json",
            "%2e%2e/log/checkpoint",
            "a/%2e%2e/latest.json",
        ):
            assert http.get(f"/results/{bad}").status_code == 404, bad
    expected = Recap.replay(election.hierarchy, entries).totals("0", "ppwp").to_dict()
    assert snapshot.json()["totals"] == expected
    assert snapshot.json()["progress"]["received"] == 5
    assert server.stop() == 0


def test_a_quiet_logs_last_entries_reach_the_anomali_page(
    serve_process: Callable[..., ServeProcess],
) -> None:
    """The night's last entries are a correction of an inconsistent form and a D.Hasil
    that differs from its forms; then the log stays quiet. Once
    ``results_exports_every`` has passed, /anomali lists them (and no longer the
    corrected form as inconsistent), and every file of the latest generation names that
    checkpoint; until then the page names the earlier checkpoint its list is of."""
    election = ServiceElection()
    env = {"SAKSI_RESULTS_INTERVAL": "0.1", "SAKSI_RESULTS_EXPORTS_EVERY": "3"}
    server = serve_process(election=election, env=env)
    broken, *others = election.witnessed  # the TPS of kecamatan 317301
    with server.client() as http:
        for tps in others:
            assert _post(http, election.c_hasil(tps)).status_code == 201
        bad = _post(http, election.c_hasil(broken, broken_form(election.form(broken)))).json()
        _wait_for_size(http, http.get("/health").json()["log_size"])
        forms = http.get("/wilayah/317301.json").json()["snapshot"]["totals"]
        receipt = Receipt(
            bad["index"], bad["leaf_hash"], "inconsistent", False, "c-hasil", (), None
        )
        fixed = _post(http, election.correction(broken, receipt)).json()["index"]
        inflated = dict(forms, suara_paslon=dict(forms["suara_paslon"], **{"02": 999}))
        inflated["suara_sah"] += 999 - forms["suara_paslon"]["02"]
        recap = _post(http, election.d_hasil(inflated)).json()["index"]
        size = http.get("/health").json()["log_size"]  # and nothing more is sent

        def anomalies_of_the_last_checkpoint() -> dict[str, Any] | None:
            page = http.get("/anomali.json").json()
            shown = page.get("anomalies_checkpoint") or {}
            if shown != page["checkpoint"]:  # an earlier list: the page says so
                if 'id="anomali-older"' not in http.get("/anomali").text:
                    now = http.get("/anomali.json").json()  # unless it caught up meanwhile
                    assert now.get("anomalies_checkpoint") == now["checkpoint"]
                return None
            return page if page["checkpoint"]["tree_size"] == size else None

        page = wait_for(anomalies_of_the_last_checkpoint, timeout=120)
    kinds = [(a["type"], a.get("tps") or a.get("region"), a["index"]) for a in page["anomalies"]]
    assert ("correction", broken, fixed) in kinds
    assert ("recap-difference", "317301", recap) in kinds
    assert not [k for k in kinds if k[0] == "inconsistent"]  # corrected since
    generation = latest_generation(server.data / "results")
    assert set(generation.values()) == {(size, page["checkpoint"]["root_hash"])}
    assert server.stop() == 0


def _post(http: httpx.Client, entry: bytes) -> httpx.Response:
    return http.post("/v1/statements", content=entry, headers=JSON)


def test_the_publisher_runs_nicer_than_the_server(
    serve_process: Callable[..., ServeProcess],
) -> None:
    """On a busy machine submissions go first: the publisher is 10 steps nicer."""
    server = serve_process(keys=False)
    assert server.proc is not None
    children = [
        int(pid)
        for pid in os.listdir("/proc")
        if pid.isdigit() and _parent(int(pid)) == server.proc.pid and _is_publisher(int(pid))
    ]
    assert len(children) == 1
    publisher, pid = children[0], server.proc.pid

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, publisher) - os.getpriority(os.PRIO_PROCESS, pid)

    wait_for(lambda: niceness() == 10)  # it lowers its own priority once started
    assert server.stop() == 0


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _is_publisher(pid: int) -> bool:
    try:
        return b"publish\x00" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
