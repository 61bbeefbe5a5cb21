"""The five ballots through a real ``saksi serve`` over real HTTP (issue 16, item 7).

A format v2 election (tests/election/legislative_factory.py: a synthetic hierarchy of
about 1,600 TPS and its synthetic contests) is served by a real process started with
its contests file: statements of every contest are posted and receipted (c-hasil of
DPR, DPD, DPRD Provinsi and DPRD Kab/Kota, in a batch large enough for the parse
workers; a party witness's and a DPD candidate's witness's c-salinan; a correction; a
legislative D.Hasil), a form with another dapil's parties is refused with its own
code, the contests file is served at its digest, a restart with only ``--data``
replays the log to the same state, and a missing or wrong contests file stops the
start with its own code and the exit status of every configuration error.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from saksi.election.contests import ContestKind
from saksi.election.envelope import Envelope
from saksi.election.photo_upload import sign_photo
from saksi.ledger.parsing import MIN_BATCH
from tests.election.legislative_factory import LegislativeElection, small_world, totals_of
from tests.ledger.factory import ServiceElection
from tests.service.conftest import JSON, NDJSON, ROOT, ServeProcess
from tests.waiting import answers, wait_for

pytestmark = pytest.mark.slow

DPR, DPD = ContestKind.DPR, ContestKind.DPD
PROV, KAB = ContestKind.DPRD_PROV, ContestKind.DPRD_KABKOTA
LEGISLATIVE = (DPR, DPD, PROV, KAB)
PARTY = "2"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(64)) + b"\xff\xd9"


@dataclass
class Files:
    manifest: Path
    regions: Path
    contests: Path


def write_files(election: LegislativeElection, folder: Path) -> Files:
    folder.mkdir(parents=True, exist_ok=True)
    files = Files(folder / "manifest.entry", folder / "regions.json.gz", folder / "contests.json")
    files.manifest.write_bytes(election.manifest.to_bytes())
    election.hierarchy.save(files.regions)
    # a spelling of the same contests other than the canonical one: the digest is of JCS
    files.contests.write_text(json.dumps(election.contests.to_wire(), indent=1))
    return files


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAKSI_")}
    return env | {
        "SAKSI_RATE_PER_KEY": "0,0",
        "SAKSI_RATE_PER_ADDRESS": "0,0",
        "SAKSI_INTEGRATE_INTERVAL": "0.05",
    }


def serve_args(data: Path, *options: str | Path) -> list[str]:
    return ["--data", str(data), *map(str, options), "--host", "127.0.0.1", "--port", "0"]


def saksi_serve(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``saksi serve`` run to its end (a start that is refused)."""
    return subprocess.run(
        [sys.executable, "-m", "saksi", "serve", *map(str, args), "--port", "0"],
        env=child_env(), cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@dataclass
class World:
    election: LegislativeElection
    files: Files
    server: ServeProcess
    tps: list[str]  # TPS in Jawa Barat: five ballots each

    def key(self, name: str) -> Any:
        return self.election.authorities.key(name)

    def post(self, http: httpx.Client, env: Envelope) -> httpx.Response:
        return http.post("/v1/statements", content=env.to_bytes(), headers=JSON)

    def batch(self, http: httpx.Client, envs: list[Envelope]) -> list[dict[str, Any]]:
        body = b"".join(e.to_bytes() + b"\n" for e in envs)
        answer = http.post("/v1/statements/batch", content=body, headers=NDJSON)
        assert answer.status_code == 200, answer.text
        results: list[dict[str, Any]] = answer.json()["results"]
        return results


def registrations(election: LegislativeElection, tps: list[str], candidate: str) -> list[Envelope]:
    """KPU Provinsi 32, each kab/kota, the PPK of the first TPS, each TPS's KPPS device,
    party 2's witness at the first TPS, a DPD candidate and that candidate's witness."""
    a = election.authorities
    first = tps[0]
    out = [a.province("32")]
    out += [a.kabkota(kab) for kab in sorted({t[:4] for t in tps})]
    out += [a.ppk(first[:6]), *(a.kpps_device(t) for t in tps), a.witness(PARTY, first)]
    out += [a.dpd_candidate("32", candidate), a.dpd_witness(candidate, first)]
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A v2 election served by a real ``saksi serve``, its keys logged over HTTP."""
    base = tmp_path_factory.mktemp("legislative")
    election = LegislativeElection.build()
    files = write_files(election, base / "files")
    options = ("--manifest", files.manifest, "--regions", files.regions)
    args = serve_args(base / "data", *options, "--contests", files.contests)
    server = ServeProcess(base / "data", args, child_env(), base / "stderr.log")
    server.start()
    tps = [election.tps_in("32", n) for n in range(MIN_BATCH // len(LEGISLATIVE))]
    candidate = str(election.contests.district_of(DPD, tps[0]).candidates[0].number)
    server.log_batch(e.to_bytes() for e in registrations(election, tps, candidate))
    try:
        yield World(election, files, server, tps)
    finally:
        server.stop()


def test_every_contests_form_is_receipted_in_a_batch_the_parse_workers_check(
    world: World,
) -> None:
    forms = [world.election.c_hasil(t, kind) for t in world.tps for kind in LEGISLATIVE]
    assert len(forms) >= MIN_BATCH  # parsed by the worker processes, not the request thread
    with world.server.client() as http:
        results = world.batch(http, forms)
        assert [(r["ok"], r["status"]) for r in results] == [(True, 201)] * len(forms)
        receipts = [r["receipt"] for r in results]
        assert {(r["type"], r["status"]) for r in receipts} == {("c-hasil", "accepted")}
        for env, receipt in zip(forms, receipts, strict=True):
            assert receipt["leaf_hash"] == env.leaf_hash_hex
            found = http.get(f"/v1/receipts/{env.leaf_hash_hex}").json()
            assert found["index"] == receipt["index"]
            entry = http.get(f"/v1/entries/{receipt['index']}").content
            assert entry == env.to_bytes() and entry.endswith(b',"v":2}')
        tps = world.tps[0]
        for kind in LEGISLATIVE:
            view = http.get(f"/v1/tps/{tps}/{kind.value}").json()
            code, _ = world.election.ballot(tps, kind)
            assert (view["status"], view["district"]) == ("accepted", code)
            assert view["current"]["district"] == code
            assert view["current"]["form"] == world.election.form(tps, kind).model_dump(mode="json")
        # the same bytes again: the first receipt, nothing logged twice
        again = world.post(http, forms[0])
        assert again.status_code == 200 and again.json()["duplicate"] is True


def test_witness_copies_a_correction_and_a_d_hasil_over_http(world: World) -> None:
    election, tps = world.election, world.tps[0]
    candidate = str(election.contests.district_of(DPD, tps).candidates[0].number)
    photo = JPEG + b"dpd"
    sha = hashlib.sha256(photo).hexdigest()
    dpd_witness = f"saksi-dpd-{candidate}-{tps}"
    with world.server.client() as http:
        for kind in LEGISLATIVE:  # the TPS's forms, logged here if no test logged them yet
            logged = world.post(http, election.c_hasil(tps, kind))
            assert logged.status_code in (200, 201), logged.text
        headers = {"content-type": "image/jpeg"}
        headers |= sign_photo(world.key(dpd_witness), election.intake.election, photo).headers()
        uploaded = http.post("/v1/photos", content=photo, headers=headers)
        assert uploaded.status_code == 201, uploaded.text  # a DPD witness's key may upload

        party_copy = election.c_salinan(tps, DPR, f"saksi-{PARTY}-{tps}", party=PARTY)
        form = election.form(tps, DPD).model_dump(mode="json") | {"foto": [sha]}
        dpd_copy = election.c_salinan(tps, DPD, dpd_witness, form=form, candidate=candidate)
        wrong = election.c_salinan(tps, DPR, f"saksi-{PARTY}-{tps}", party="3")
        for env in (party_copy, dpd_copy):
            answer = world.post(http, env)
            assert answer.status_code == 201, answer.text
        refused = world.post(http, wrong)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "auth.party-mismatch"
        wait_for(answers(http, f"/v1/photos/{sha}"))  # cited by a logged statement: kept
        assert http.get(f"/v1/photos/{sha}").content == photo

        path_key = world.key(dpd_witness).public.b64.replace("+", "-").replace("/", "_")
        found = http.get(f"/v1/keys/{path_key.rstrip('=')}").json()
        assert (found["role"], found["candidate"], found["party"]) == ("saksi-dpd", candidate, None)
        dpd = http.get(f"/v1/tps/{tps}/dpd").json()
        assert [c.get("candidate") for c in dpd["copies"]] == [candidate]
        assert dpd["copies"][0]["differs"] == [] and dpd["disputed"] is False
        dpr = http.get(f"/v1/tps/{tps}/dpr").json()
        assert [c.get("party") for c in dpr["copies"]] == [PARTY]

        first = dpr["current"]
        assert first["type"] == "c-hasil"
        prov = http.get(f"/v1/tps/{tps}/dprd-prov").json()["current"]
        original = Envelope.from_logged(http.get(f"/v1/entries/{prov['index']}").content)
        corrected = election.form(tps, PROV, seed=7)
        fix = election.correction(tps, PROV, original, prov["index"], form=corrected)
        answer = world.post(http, fix)
        assert answer.status_code == 201, answer.text
        view = http.get(f"/v1/tps/{tps}/dprd-prov").json()
        assert [h["type"] for h in view["history"]] == ["c-hasil", "correction"]
        assert view["current"]["corrects"]["index"] == prov["index"]
        assert view["current"]["form"] == corrected.model_dump(mode="json")

        code, _ = election.ballot(tps, DPR)
        totals = totals_of(election.form(tps, DPR))
        recap = election.d_hasil(tps[:6], "kecamatan", DPR, code, totals)
        answer = world.post(http, recap)
        assert answer.status_code == 201, answer.text
        assert answer.json()["type"] == "d-hasil"


def test_a_form_with_another_dapils_parties_is_refused_with_its_code(world: World) -> None:
    election, tps = world.election, world.tps[1]
    own = {p for p, _ in election.ballot(tps, DPR)[1].parties}
    elsewhere = next(
        t
        for t in election.hierarchy.iter_tps()
        if {p for p, _ in election.ballot(t, DPR)[1].parties} != own
    )
    form = election.form(elsewhere, DPR)  # consistent, but another dapil's ballot
    late = election.c_hasil(tps, DPR, form=form, at="2024-02-14T09:00:00Z")
    with world.server.client() as http:
        before = http.get("/health").json()["log_size"]
        answer = world.post(http, late)
        assert answer.status_code == 422
        body = answer.json()
        assert body["ok"] is False and body["error"]["code"] == "contest.parties-mismatch"
        assert body["error"]["message"]["id"] and body["error"]["message"]["en"]
        line = world.batch(http, [late])[0]
        assert (line["ok"], line["status"]) == (False, 422)
        assert line["error"]["code"] == "contest.parties-mismatch"
        assert http.get("/health").json()["log_size"] == before


def test_the_contests_file_is_served_at_its_digest(world: World) -> None:
    contests = world.election.contests
    digest = contests.digest()
    with world.server.client() as http:
        manifest = json.loads(http.get("/v1/entries/0").content)
        assert manifest["stmt"]["contests_digest"] == digest
        plain = http.get(f"/contests/{digest}.json", headers={"accept-encoding": "identity"})
        assert plain.status_code == 200
        assert "content-encoding" not in plain.headers
        assert hashlib.sha256(plain.content).hexdigest() == digest
        assert plain.content == contests.canonical_bytes()
        assert plain.headers["content-type"] == "application/json"
        assert plain.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert plain.headers["access-control-allow-origin"] == "*"
        url = f"{world.server.url}/contests/{digest}.json"
        with httpx.stream("GET", url, headers={"accept-encoding": "gzip"}) as zipped:
            assert zipped.headers["content-encoding"] == "gzip"
            raw = b"".join(zipped.iter_raw())
        assert len(raw) < len(plain.content) and gzip.decompress(raw) == plain.content
        other = http.get(f"/contests/{'0' * 64}.json")
        assert other.status_code == 404 and other.json()["error"]["code"] == "http.not-found"
        bad = http.get(f"/contests/{digest.upper()}.json")
        assert bad.status_code == 400
        assert bad.json()["error"]["code"] == "http.invalid-parameter"
    recorded = world.server.data / "contests.json.gz"
    assert gzip.decompress(recorded.read_bytes()) == contests.canonical_bytes()


def test_the_live_results_publish_the_contests_file(world: World) -> None:
    """The publisher ``saksi serve`` runs folds the v2 log with the recorded contests
    file and publishes it beside the region file, linked from latest.json."""
    digest = world.election.contests.digest()
    with world.server.client() as http:

        def linked() -> dict[str, Any] | None:
            answer = http.get("/results/latest.json")
            latest = answer.json() if answer.status_code == 200 else None
            return latest if latest and "contests_file" in latest else None

        latest = wait_for(linked)
        assert latest["contests_file"] == f"contests/{digest}.json"
        published = http.get(f"/results/{latest['contests_file']}")
        assert published.status_code == 200
        assert hashlib.sha256(published.content).hexdigest() == digest


def test_a_restart_with_only_data_replays_the_v2_log(world: World) -> None:
    """Runs after the others (module order): the log holds every kind of v2 entry."""
    server, election = world.server, world.election
    first = election.c_hasil(world.tps[-1], DPR)
    with server.client() as http:
        assert world.post(http, first).status_code in (200, 201)  # logged (here or before)
        size = http.get("/health").json()["log_size"]
        views = {k: http.get(f"/v1/tps/{world.tps[0]}/{k.value}").json() for k in ContestKind}
        entries = [http.get(f"/v1/entries/{i}").content for i in range(size)]
    server.stop()
    server.args = serve_args(server.data)  # no manifest, regions nor contests: recorded
    server.start()
    with server.client() as http:
        assert http.get("/health").json()["log_size"] == size
        for kind, view in views.items():
            assert http.get(f"/v1/tps/{world.tps[0]}/{kind.value}").json() == view
        for index, entry in enumerate(entries):
            leaf = Envelope.from_logged(entry).leaf_hash_hex
            receipt = http.get(f"/v1/receipts/{leaf}").json()
            assert receipt["index"] == index
        digest = election.contests.digest()
        assert http.get(f"/contests/{digest}.json").status_code == 200
        second = election.c_hasil(world.tps[-1], DPR, form=election.form(world.tps[-1], DPR, 3))
        again = world.post(http, second)
        assert again.json()["error"]["code"] == "auth.duplicate-form"  # the replayed state


# --- a start that is refused --------------------------------------------------------------


def test_a_v2_log_without_its_contests_file_does_not_start(tmp_path: Path) -> None:
    election = LegislativeElection.build()
    files = write_files(election, tmp_path / "files")
    given = ("--manifest", files.manifest, "--regions", files.regions)
    done = saksi_serve(*serve_args(tmp_path / "data", *given))
    assert done.returncode == 2
    assert done.stderr.startswith("config.contests-required: "), done.stderr
    assert election.contests.digest() in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "data").exists()  # refused before anything was created

    _, contests = small_world()
    other = type(contests).of(name="lain", parties=contests.parties, contests=contests.contests)
    other.save(tmp_path / "other.json.gz")
    wrong = ("--contests", tmp_path / "other.json.gz")
    done = saksi_serve(*serve_args(tmp_path / "data", *given, *wrong))
    assert done.returncode == 2
    assert done.stderr.startswith("config.contests-mismatch: "), done.stderr
    assert other.digest() in done.stderr and contests.digest() in done.stderr
    assert not (tmp_path / "data").exists()


def test_a_changed_recorded_contests_file_stops_a_later_start(tmp_path: Path) -> None:
    election = LegislativeElection.build()
    files = write_files(election, tmp_path / "files")
    options = ("--manifest", files.manifest, "--regions", files.regions)
    args = serve_args(tmp_path / "data", *options, "--contests", files.contests)
    server = ServeProcess(tmp_path / "data", args, child_env(), tmp_path / "stderr.log")
    server.start()
    assert server.stop() == 0
    _, contests = small_world()
    other = type(contests).of(name="lain", parties=contests.parties, contests=contests.contests)
    other.save(tmp_path / "data" / "contests.json.gz")
    done = saksi_serve("--data", tmp_path / "data")
    assert done.returncode == 2
    assert done.stderr.startswith("config.contests-mismatch: "), done.stderr


def test_a_contests_file_for_a_v1_log_is_refused(tmp_path: Path) -> None:
    election = ServiceElection()
    manifest, regions = election.write_files(tmp_path / "files")
    small_world()[1].save(tmp_path / "contests.json.gz")
    contests = ("--contests", tmp_path / "contests.json.gz")
    given = ("--manifest", manifest, "--regions", regions, *contests)
    done = saksi_serve(*serve_args(tmp_path / "data", *given))
    assert done.returncode == 2
    assert done.stderr.startswith("config.contests-unused: "), done.stderr
    assert not (tmp_path / "data").exists()
