"""The attacks of issue 6, each against real processes, each caught with a specific code.

One clean election is run once for the module (``saksi serve`` on a SQLite data
folder with its results publisher, three ``saksi witness serve`` with quorum 2 of 3,
``saksi verify`` against the service's URL: exit 0, its state kept; see
tests/attacks/world.py). Each test copies that snapshot (data folder, the witnesses'
state, the verifier's state), plays the attacker on the copy with what a shell on the
server gives (tests/attacks/attacker.py: sqlite3 on the store, the log key in
``DATA/log/.state``, Saksi's own library), starts the processes again, and runs
``saksi verify`` as a child process, reading the exit status and the ``--json``
report, or speaks to a witness over HTTP.

Exit statuses (docs/verify.md): 0 verified, 3 unreachable, 4 bad signature (also the
witness quorum), 5 inconsistent (rollback, fork), 6 unauthorized, 7 wrong totals,
8 photo mismatch.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from saksi.election.envelope import sign_statement
from saksi.election.keys import SigningKey
from saksi.election.statements import CHasil
from saksi.tlog.hashes import leaf_hash
from tests.attacks import attacker
from tests.attacks.world import (
    World,
    codes,
    copy_world,
    correction,
    free_port,
    make_clean,
    only,
    wait_for,
)
from tests.ledger.factory import TALLY_AT
from tests.service.conftest import JSON, ROOT


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_clean(tmp_path_factory.mktemp("clean"))


@pytest.fixture
def world(clean: World, tmp_path: Path) -> Iterator[World]:
    made = copy_world(clean, tmp_path / "world")
    yield made
    made.stop()


def _size(world: World) -> int:
    size: int = world.facts["size"]
    return size


def _form_index(world: World, n: int) -> tuple[str, int]:
    """The n-th TPS with a form that no correction cites, and its form's index."""
    forms: dict[str, int] = world.facts["forms"]
    free = [t for t in forms if t != world.facts["corrected"]]
    return free[n], forms[free[n]]


def _start(world: World, **env: str) -> None:
    world.start_witnesses()
    world.serve(keys=False, **env)


def _refused_start(world: World, **env: str) -> str:
    """Start ``saksi serve`` expecting it to refuse; its standard error."""
    with pytest.raises(RuntimeError, match="saksi serve exited") as caught:
        world.serve(keys=False, **env)
    return str(caught.value)


def _totals_finding(report: dict[str, Any], field: str) -> dict[str, Any]:
    [found] = [
        f for f in only(report, "verify.totals-differ")
        if f["details"]["region"] == "0" and f["details"]["field"] == field
        and f["details"]["file"].endswith("/ppwp/0.json")
    ]  # fmt: skip
    details: dict[str, Any] = found["details"]
    return details


# --- 1. a count edited in the database ------------------------------------------------


def test_a_count_edited_in_the_database_and_the_snapshots_republished(world: World) -> None:
    """The attacker (a shell on the server, the service stopped) drops the store's
    triggers with sqlite3, moves 7 votes from pair 03 to pair 01 in one logged c-hasil
    (``UPDATE entries``), republishes every snapshot and export from the edited store
    (the Publisher's own code over the edited entries), and restarts the service with
    ``replay_verify = false`` (with the default the service itself refuses to start:
    ``service.replay-refused``). The service now serves the edited entry and the edited
    results. The published log (tiles, cosigned checkpoint) was not rebuilt, so it
    still holds what the KPPS signed: ``saksi verify`` folds the log and finds the
    republished totals wrong (exit 7, ``verify.totals-differ``: region 0, pair 01,
    published 7 above the log's), for a reader who verified before and a new one."""
    _, index = _form_index(world, 0)
    original = world.entries()[index]
    edited = attacker.edit_counts(original, 7)
    with world.sqlite() as db:
        attacker.drop_triggers(db, "entries")
        attacker.rewrite_entry(db, index, edited)
    entries = world.entries()
    attacker.republish_results(world, world.election.hierarchy, entries)

    world.start_witnesses()
    err = _refused_start(world)
    assert "service.replay-refused" in err and "statement.bad-signature" in err
    world.serve(SAKSI_REPLAY_VERIFY="false")
    with world.http() as http:
        assert http.get(f"/v1/entries/{index}").content == edited
        assert http.get("/log/checkpoint").status_code == 200
    assert world.server is not None
    for state in (world.verifier_state("reader"), world.base / "new-reader"):
        code, report = world.verify(world.server.url, state=state)
        assert code == 7, report
        assert report["headline"] == "WRONG TOTALS / TOTAL SALAH"
        assert codes(report) == {"verify.totals-differ"}
        details = _totals_finding(report, "totals.suara_paslon.01")
        assert details["published"] == details["recomputed"] + 7
        assert _totals_finding(report, "totals.suara_paslon.03")["published"] == (
            _totals_finding(report, "totals.suara_paslon.03")["recomputed"] - 7
        )
        files = {f["details"]["file"] for f in report["findings"]}
        assert any(name.endswith(".csv") for name in files), files  # the exports too


def test_a_count_edited_and_the_log_rebuilt_from_the_edited_store(world: World) -> None:
    """The same edit, and the attacker goes further: rebuilds the tiles from the edited
    store and signs a new checkpoint of the same size with the log key found in
    ``DATA/log/.state/log.key``; the service's results publisher republishes from the
    rebuilt log. The witnesses refuse to cosign the rewritten history (409
    ``witness.fork``: they cosigned another tree of this size), so the new checkpoint
    has no quorum (exit 4, ``verify.quorum-not-met``); a reader who checks only the log
    key and verified before sees a fork (exit 5, ``verify.fork``, both checkpoints kept
    as evidence); a new reader with only the log key finds the KPPS's signature broken
    (exit 4, ``verify.entry-bad-signature`` at that index)."""
    _, index = _form_index(world, 0)
    edited = attacker.edit_counts(world.entries()[index], 7)
    entries = world.entries()
    entries[index] = edited
    note = attacker.rebuild_log(world, entries)
    shutil.rmtree(world.data / "results")  # the publisher republishes from the new log

    world.start_witnesses()
    _, refusals = attacker.ask_witnesses(world, _size(world), _size(world), note)
    assert [r.code for r in refusals] == ["witness.fork"] * 3
    world.serve(SAKSI_REPLAY_VERIFY="false")
    assert world.server is not None
    url = world.server.url
    with world.http() as http:
        wait_for(lambda: http.get("/results/latest.json").status_code == 200)
        assert http.get("/log/checkpoint").content == note

    code, report = world.verify(url, state=world.verifier_state("r1"))
    assert code == 4 and codes(report) == {"verify.quorum-not-met"}, report
    code, report = world.verify(url, state=world.verifier_state("r2"), witnesses=False)
    assert code == 5 and codes(report) == {"verify.fork"}, report
    evidence = Path(report["evidence"][0])
    assert (evidence / f"presented-{_size(world)}.checkpoint").read_bytes() == note
    assert (evidence / f"verified-{_size(world)}.checkpoint").is_file()
    code, report = world.verify(url, state=world.base / "r3", witnesses=False)
    assert code == 4, report
    [found] = only(report, "verify.entry-bad-signature")
    assert found["details"] == {"index": index, "cause": "statement.bad-signature"}


# --- 2. an entry deleted, two entries swapped ------------------------------------------


def test_an_entry_deleted_from_the_stored_log(world: World) -> None:
    """The attacker deletes one logged c-hasil from the store, rebuilds the log from the
    rest with the stolen log key and restarts the service, which goes on taking forms:
    one more brings the size back to what the witnesses cosigned. The witnesses refuse
    every checkpoint of the rewritten history (``witness.fork`` in /health: same size,
    another root), so nothing new is published with a quorum. The attacker publishes
    the log-signed checkpoint anyway: a reader with the witness policy refuses it (exit
    4, ``verify.quorum-not-met``), and a reader who verified the clean log sees that the
    new tree does not extend it (exit 5, ``verify.fork``)."""
    size = _size(world)
    _, index = _form_index(world, 4)  # after the corrected form: the correction still cites it
    entries = world.entries()
    del entries[index]
    attacker.rebuild_log(world, entries)
    _start(world)
    tps = world.election.tps[6]
    world.submit(world.election.c_hasil(tps))

    def refused() -> bool:
        shown = world.health()["witnesses"]
        return all(w["error"] and w["error"]["code"] == "witness.fork" for w in shown)

    wait_for(refused)
    health = world.health()
    assert health["signed_size"] == size and all(
        w["cosigned_size"] == size for w in health["witnesses"]
    )
    world.stop()
    _, signed = attacker.integrate(world)  # nothing new: the checkpoint the service signed
    attacker.publish(world, signed)  # the rewritten history, shown without cosignatures
    _start(world)
    assert world.server is not None
    code, report = world.verify(world.server.url, state=world.verifier_state("r1"))
    assert code == 4 and codes(report) == {"verify.quorum-not-met"}, report
    code, report = world.verify(world.server.url, state=world.verifier_state("r2"), witnesses=False)
    assert code == 5 and codes(report) == {"verify.fork"}, report


def test_two_entries_swapped_in_the_stored_log(world: World) -> None:
    """The attacker swaps two logged forms of different TPS (both validly signed and
    authorized, so the rewritten log is self-consistent) and rebuilds and re-signs the
    log with the stolen key. A reader who never saw the log before and trusts the log
    key alone cannot tell (exit 0: that is what witnesses and saved state are for).
    The witnesses refuse to cosign it (409 ``witness.fork``); a reader with the witness
    policy refuses the checkpoint (exit 4, ``verify.quorum-not-met``); a reader who
    verified the clean log sees a fork (exit 5, ``verify.fork``, evidence kept)."""
    size = _size(world)
    (_, first), (_, second) = _form_index(world, 0), _form_index(world, 1)
    entries = world.entries()
    entries[first], entries[second] = entries[second], entries[first]
    note = attacker.rebuild_log(world, entries)
    shutil.rmtree(world.data / "results")
    _start(world)
    _, refusals = attacker.ask_witnesses(world, size, size, note)
    assert [r.code for r in refusals] == ["witness.fork"] * 3
    assert world.server is not None
    url = world.server.url
    code, report = world.verify(url, state=world.base / "stranger", witnesses=False)
    assert code == 0, report  # a swap of two independent entries is a valid log alone
    code, report = world.verify(url, state=world.verifier_state("r1"))
    assert code == 4 and codes(report) == {"verify.quorum-not-met"}, report
    code, report = world.verify(url, state=world.verifier_state("r2"), witnesses=False)
    assert code == 5 and codes(report) == {"verify.fork"}, report
    evidence = Path(report["evidence"][0])
    assert (evidence / f"verified-{size}.checkpoint").is_file()
    assert (evidence / f"presented-{size}.checkpoint").read_bytes() == note


# --- 3. forged and unregistered statements inserted in the store -------------------------


def test_a_forged_signature_inserted_into_the_store(world: World) -> None:
    """The attacker inserts into the store (a plain ``INSERT`` at the next index: the
    triggers allow appends) a c-hasil for a TPS without a form, claiming its KPPS key
    but signed by another key, and restarts the service with ``replay_verify = false``
    (the default refuses to start: ``service.replay-refused``). The service integrates
    it and the witnesses cosign: the tree does extend the old one, and witnesses check
    consistency, not statements. ``saksi verify`` checks every entry's signature: exit
    4, ``verify.entry-bad-signature`` naming the index."""
    size = _size(world)
    forged = world.election.forged(world.election.tps[6])
    with world.sqlite() as db:
        attacker.insert_entries(db, [forged])
    world.start_witnesses()
    err = _refused_start(world)
    assert "service.replay-refused" in err and "statement.bad-signature" in err
    world.serve(SAKSI_REPLAY_VERIFY="false")
    world.wait_published(size + 1)  # cosigned by the quorum, results republished
    assert world.server is not None
    for state in (world.verifier_state("reader"), world.base / "new-reader"):
        code, report = world.verify(world.server.url, state=state)
        assert code == 4 and report["headline"] == "BAD SIGNATURE / TANDA TANGAN TIDAK SAH"
        [found] = only(report, "verify.entry-bad-signature")
        assert found["details"] == {"index": size, "cause": "statement.bad-signature"}
        assert report["witnesses"]["cosigned"]  # the quorum was met: witnesses do not read


def test_a_statement_by_a_key_never_registered_inserted_into_the_store(world: World) -> None:
    """The attacker inserts a c-hasil signed (validly) by a key no registration names.
    The service cannot even replay it (``service.replay-refused``, ``auth.unknown-key``,
    whatever ``replay_verify`` says), so the attacker integrates it with the stolen log
    key, gets the witnesses' cosignatures (the tree extends the cosigned one), and
    publishes. ``saksi verify`` of the data folder replays the key registrations: exit
    6, ``verify.unauthorized`` at that index with cause ``auth.unknown-key``."""
    size = _size(world)
    tps = world.election.tps[6]
    stmt = CHasil(
        type="c-hasil", election=world.election.origin, at=TALLY_AT, tps=tps,
        contest="ppwp", form=world.election.form(tps),
    )  # fmt: skip
    stranger = sign_statement(stmt, SigningKey.from_seed(b"\x07" * 32)).to_bytes()
    with world.sqlite() as db:
        attacker.insert_entries(db, [stranger])
    world.start_witnesses()
    err = _refused_start(world, SAKSI_REPLAY_VERIFY="false")
    assert "service.replay-refused" in err and "auth.unknown-key" in err
    old, note = attacker.integrate(world)
    cosigned, refusals = attacker.ask_witnesses(world, old, size + 1, note)
    assert old == size and refusals == []
    attacker.publish(world, cosigned)
    for state in (world.verifier_state("reader"), world.base / "new-reader"):
        code, report = world.verify(str(world.data), state=state)
        assert code == 6, report
        assert report["headline"] == "UNAUTHORIZED STATEMENT / PERNYATAAN TIDAK BERWENANG"
        [found] = only(report, "verify.unauthorized")
        assert found["details"]["index"] == size
        assert found["details"]["cause"] == "auth.unknown-key"
        assert report["witnesses"]["cosigned"] == ["w1", "w2", "w3"]


# --- 4. a correction without the right for that region ----------------------------------


def test_a_correction_by_a_key_without_the_right_for_that_region(world: World) -> None:
    """A KPU kab/kota key corrects a form of a TPS in another kab/kota. Over HTTP the
    service refuses it (403, ``auth.out-of-scope``) and logs nothing. The attacker then
    inserts it into the store directly; the service refuses to replay it
    (``service.replay-refused``), so the attacker integrates it with the stolen log key
    and the witnesses cosign (consistent). ``saksi verify`` replays the registrations
    and names it: exit 6, ``verify.unauthorized``, the entry's index, an ``auth.*``
    cause (``auth.out-of-scope``)."""
    size = _size(world)
    tps, index = _form_index(world, 0)
    leaf = leaf_hash(world.entries()[index]).hex()
    other_kab = next(t[:4] for t in world.election.tps if t[:4] != tps[:4])
    entry = correction(world.election, tps, (index, leaf), signer=f"kpu-kab-{other_kab}", votes=5)
    _start(world)
    with world.http() as http:
        answer = http.post("/v1/statements", content=entry, headers=JSON)
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"]["code"] == "auth.out-of-scope"
        assert world.health()["log_size"] == size
    world.stop()
    with world.sqlite() as db:
        attacker.insert_entries(db, [entry])
    world.start_witnesses()
    err = _refused_start(world, SAKSI_REPLAY_VERIFY="false")
    assert "service.replay-refused" in err and "auth.out-of-scope" in err
    old, note = attacker.integrate(world)
    cosigned, refusals = attacker.ask_witnesses(world, old, size + 1, note)
    assert refusals == []
    attacker.publish(world, cosigned)
    code, report = world.verify(str(world.data), state=world.verifier_state("reader"))
    assert code == 6, report
    [found] = only(report, "verify.unauthorized")
    assert found["details"]["index"] == size
    assert found["details"]["cause"] == "auth.out-of-scope"
    assert f"entry {size}" in found["message"]["en"]


# --- 5. a rollback -------------------------------------------------------------------------


def test_the_log_rolled_back_to_an_earlier_state(world: World, clean: World) -> None:
    """The night goes on (two more forms, cosigned, published, verified by a reader).
    Then the attacker restores the whole data folder from an earlier backup (the
    clean one) and restarts the service: it serves the earlier checkpoint, validly
    cosigned. The witnesses hold the newer size and answer 409 with it: the service
    shows ``service.witness-ahead`` in /health, and a witness asked directly for the
    old tree answers 409 ``text/x.tlog.size`` with its size. The reader's verifier
    compares with its saved state: exit 5, ``verify.rollback``, with both signed
    checkpoints in its evidence folder."""
    size = _size(world)
    _start(world)
    for tps in world.election.tps[6:8]:
        world.submit(world.election.c_hasil(tps))
    world.wait_published(size + 2)
    assert world.server is not None
    reader = world.verifier_state("reader")
    code, report = world.verify(world.server.url, state=reader)
    assert code == 0 and report["checkpoint"]["tree_size"] == size + 2, report
    with world.http() as http:
        newer = http.get("/log/checkpoint").content
    world.stop()

    shutil.rmtree(world.data)
    shutil.copytree(clean.data, world.data)  # the backup, taken at `size`
    _start(world)

    def ahead() -> bool:
        errors = [w["error"] for w in world.health()["witnesses"]]
        return bool(errors) and all(e and e["code"] == "service.witness-ahead" for e in errors)

    with world.http() as http:
        older = http.get("/log/checkpoint").content
    assert older != newer
    world.submit(world.election.c_hasil(world.election.tps[7], at="2024-02-14T09:00:00Z"))
    wait_for(ahead)
    witness = world.witnesses[0]
    answer = httpx.post(f"{witness.url}/add-checkpoint", content=f"old {size}\n\n".encode() + older)
    assert answer.status_code == 409
    assert answer.headers["content-type"].startswith("text/x.tlog.size")
    assert answer.text == f"{size + 2}\n"

    code, report = world.verify(world.server.url, state=reader)
    assert code == 5 and codes(report) == {"verify.rollback"}, report
    assert report["headline"] == "LOG INCONSISTENT / LOG TIDAK KONSISTEN"
    evidence = Path(report["evidence"][0])
    assert (evidence / f"verified-{size + 2}.checkpoint").read_bytes() == newer
    assert (evidence / f"presented-{size}.checkpoint").read_bytes() == older


# --- 6. a split view ---------------------------------------------------------------------


def test_a_split_view_two_checkpoints_of_one_size(world: World, clean: World) -> None:
    """The attacker runs two fronts on copies of one data folder (the same log key):
    front A takes a form for one TPS and is cosigned and published as usual; front B
    logs another form at the same index, its checkpoint of the same size signed with
    the log key. Shown to a witness directly (POST add-checkpoint), B's checkpoint is
    refused: 409 ``witness.fork`` (text/plain). So B's checkpoint lacks the quorum: its
    reader's verifier refuses it (exit 4, ``verify.quorum-not-met``) while A's reader
    verifies (exit 0). A reader of B who ignores the witnesses sees a valid log (exit
    0): a split view is only caught by witnesses, or by readers comparing notes; when
    that reader later reads A, its saved state makes it a fork (exit 5,
    ``verify.fork``, both checkpoints kept)."""
    size = _size(world)
    front_b = copy_world(clean, world.base.parent / "front-b")
    tps_a, tps_b = world.election.tps[6], world.election.tps[7]
    _start(world)
    world.submit(world.election.c_hasil(tps_a))
    world.wait_published(size + 1)
    with front_b.sqlite() as db:
        attacker.insert_entries(db, [world.election.c_hasil(tps_b)])
    _, note_b = attacker.integrate(front_b)
    front_b.witnesses = world.witnesses  # the same witnesses, already running
    witness = world.witnesses[1]
    answer = httpx.post(
        f"{witness.url}/add-checkpoint", content=f"old {size + 1}\n\n".encode() + note_b
    )
    assert answer.status_code == 409, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    assert "witness.fork" in answer.text
    _, refusals = attacker.ask_witnesses(front_b, size, size + 1, note_b)
    assert {r.code for r in refusals} == {"witness.conflict"}  # they hold size + 1 already
    attacker.publish(front_b, note_b)
    try:
        front_b.serve()
        assert world.server is not None and front_b.server is not None
        url_a, url_b = world.server.url, front_b.server.url
        code, report = world.verify(url_a, state=world.verifier_state("reader-a"))
        assert code == 0 and report["checkpoint"]["tree_size"] == size + 1, report
        code, report = world.verify(url_b, state=world.verifier_state("reader-b"))
        assert code == 4 and codes(report) == {"verify.quorum-not-met"}, report
        lax = world.verifier_state("reader-b-lax")
        code, report = world.verify(url_b, state=lax, witnesses=False)
        assert code == 0, report
        code, report = world.verify(url_a, state=lax, witnesses=False)
        assert code == 5 and codes(report) == {"verify.fork"}, report
        evidence = Path(report["evidence"][0])
        assert (evidence / f"verified-{size + 1}.checkpoint").read_bytes() == note_b
        with world.http() as http:
            shown_a = http.get("/log/checkpoint").content
        assert (evidence / f"presented-{size + 1}.checkpoint").read_bytes() == shown_a
    finally:
        if front_b.server is not None and front_b.server.proc is not None:
            front_b.server.stop()


# --- 7. a photo replaced ----------------------------------------------------------------------


def test_a_photo_replaced_after_its_form_was_logged(world: World, tmp_path: Path) -> None:
    """The attacker drops the photos table's triggers and replaces the bytes stored
    under the SHA-256 a logged form cites. The service itself re-hashes what it reads
    and will not serve the swap (500 ``http.internal``; ``store.corrupt`` in its log), so
    a reader of the service's URL stops there (exit 3, ``verify.unreachable`` naming the
    photo's URL). The attacker then serves the publication from a mirror of their own
    (the data folder's log and results, the photos exported from the store as they now
    are). A new reader's verifier hashes every cited photo: exit 8,
    ``verify.photo-mismatch`` naming the photo and the hash its bytes have."""
    _, index = _form_index(world, 0)
    cited = json.loads(world.entries()[index])["stmt"]["form"]["foto"][0]
    fake = b"\xff\xd8\xff\xe0 another sheet, other numbers"
    with world.sqlite() as db:
        attacker.drop_triggers(db, "photos")
        db.execute("UPDATE photos SET data = ? WHERE sha256 = ?", (fake, cited))
    _start(world)
    with world.http() as http:
        answer = http.get(f"/v1/photos/{cited}")
    assert answer.status_code == 500, answer.text
    assert answer.json()["error"]["code"] == "http.internal"
    assert world.server is not None
    assert "store.corrupt" in world.server.stderr()  # the service's log says why
    code, report = world.verify(world.server.url, state=tmp_path / "service-reader")
    assert code == 3 and codes(report) == {"verify.unreachable"}, report
    assert f"/v1/photos/{cited}: HTTP 500" in report["findings"][0]["message"]["en"]

    site = tmp_path / "mirror"
    (site / "v1" / "photos").mkdir(parents=True)
    shutil.copytree(world.data / "log", site / "log", ignore=shutil.ignore_patterns(".state"))
    shutil.copytree(world.data / "results", site / "results")
    for sha, data in world.photos().items():
        (site / "v1" / "photos" / sha).write_bytes(data)
    port = free_port()
    mirror = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(site)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_for(lambda: _answers(url + "log/checkpoint"))
        code, report = world.verify(url, state=tmp_path / "reader")
        assert code == 8 and report["headline"] == "PHOTO MISMATCH / FOTO TIDAK COCOK", report
        [found] = report["findings"]
        assert found["code"] == "verify.photo-mismatch"
        assert found["details"]["photo"] == cited and found["details"]["index"] == index
        assert found["details"]["sha256"] == hashlib.sha256(fake).hexdigest()
    finally:
        mirror.terminate()
        mirror.wait(10)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.HTTPError:
        return False


# --- 8. a snapshot one vote off ------------------------------------------------------------


def test_a_published_snapshot_one_vote_off(world: World) -> None:
    """The attacker edits the national snapshot the service serves under /results/
    (one vote more for pair 01) while the service runs. The reader's verifier folds the
    log itself and compares: exit 7, ``verify.totals-differ`` naming the file, region 0,
    contest ppwp, ``totals.suara_paslon.01``, published and recomputed (one apart)."""
    _start(world)
    latest = world.latest_results()
    national = world.data / "results" / latest["contests"]["ppwp"]["snapshot"]
    doc = json.loads(national.read_bytes())
    doc["totals"]["suara_paslon"]["01"] += 1
    national.write_text(json.dumps(doc))
    assert world.server is not None
    with world.http() as http:
        served = http.get(f"/results/{latest['contests']['ppwp']['snapshot']}").json()
    assert served["totals"]["suara_paslon"]["01"] == doc["totals"]["suara_paslon"]["01"]
    code, report = world.verify(world.server.url, state=world.verifier_state("reader"))
    assert code == 7 and report["headline"] == "WRONG TOTALS / TOTAL SALAH", report
    [found] = report["findings"]
    details = found["details"]
    assert found["code"] == "verify.totals-differ"
    assert details["region"] == "0" and details["contest"] == "ppwp"
    assert details["field"] == "totals.suara_paslon.01"
    assert details["published"] == details["recomputed"] + 1
