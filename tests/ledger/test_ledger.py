"""The service's ledger on a real SQLite store in tmp_path, with its real threads."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from saksi.election.envelope import sign_statement
from saksi.election.photo_upload import sign_photo
from saksi.errors import SaksiError
from saksi.ledger.config import ConfigError
from saksi.ledger.ledger import Ledger, Receipt
from saksi.store import open_store
from saksi.tlog.note import NoteVerifier
from saksi.tlog.proof import TlogProof
from saksi.tlog.state import LogLayout
from tests.election.factory import key
from tests.ledger.factory import (
    ServiceElection,
    assert_refused,
    broken_form,
    shifted,
    stored_entries,
)
from tests.pgserver import shared_server_or_skip

ELECTION = ServiceElection()


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    opened = ELECTION.open(tmp_path)
    yield opened
    opened.close()


stored = stored_entries
refusal = assert_refused


# --- opening ----------------------------------------------------------------------


def test_first_start_logs_the_manifest_as_entry_0(tmp_path: Path) -> None:
    with ELECTION.open(tmp_path, keys=False) as ledger:
        assert ledger.size == 1
        assert ledger.entry(0) == ELECTION.manifest
        assert ledger.origin == ELECTION.origin
        assert ledger.vkey.startswith(ELECTION.origin + "+")
        assert ledger.manifest == ELECTION.manifest_stmt
        assert ledger.ready
        assert (tmp_path / "data" / "log" / "checkpoint").is_file()
        assert (tmp_path / "data" / "log" / ".state" / "store.sqlite").is_file()


def test_first_start_needs_the_manifest(tmp_path: Path) -> None:
    config = ELECTION.config(tmp_path, manifest=None)
    with pytest.raises(ConfigError) as caught:
        Ledger.open(config)
    assert caught.value.code == "config.manifest-required"
    assert not (tmp_path / "data" / "log").exists()


def test_regions_must_be_the_manifests(tmp_path: Path) -> None:
    config = ELECTION.config(tmp_path, regions=None, scale=0.0001, seed=1)
    with pytest.raises(ConfigError) as caught:
        Ledger.open(config)
    error = caught.value
    assert error.code == "config.regions-mismatch"
    assert error.details["expected"] == ELECTION.hierarchy.digest()
    assert "regions" in error.message_en and "wilayah" in error.message_id
    assert not (tmp_path / "data" / "log").exists()


def test_regions_are_checked_again_on_a_later_start(tmp_path: Path) -> None:
    ELECTION.open(tmp_path, keys=False).close()
    config = ELECTION.config(tmp_path, regions=None, manifest=None)
    with pytest.raises(ConfigError) as caught:
        Ledger.open(config)
    assert caught.value.code == "config.regions-mismatch"


def test_a_manifest_file_that_is_not_a_manifest_is_refused(tmp_path: Path) -> None:
    config = ELECTION.config(tmp_path)
    assert config.manifest is not None
    config.manifest.write_bytes(ELECTION.c_hasil(ELECTION.tps[0]))
    with pytest.raises(ConfigError) as caught:
        Ledger.open(config)
    assert caught.value.code == "config.manifest-invalid"
    config.manifest.write_bytes(b'{"not": "signed"}')
    with pytest.raises(ConfigError) as caught:
        Ledger.open(config)
    assert caught.value.code == "config.manifest-invalid"
    assert caught.value.details["reason"].startswith(("input.", "entry."))


def test_another_elections_manifest_is_refused_on_a_later_start(tmp_path: Path) -> None:
    ELECTION.open(tmp_path, keys=False).close()
    other = ServiceElection(origin="saksi.test/lain")
    config = other.config(tmp_path)
    with pytest.raises(ConfigError) as caught:
        Ledger.open(config)
    assert caught.value.code == "config.manifest-mismatch"


def test_the_manifest_file_may_end_with_a_newline(tmp_path: Path) -> None:
    config = ELECTION.config(tmp_path)
    assert config.manifest is not None
    config.manifest.write_bytes(ELECTION.manifest + b"\n")
    with Ledger.open(config) as ledger:
        assert ledger.entry(0) == ELECTION.manifest


# --- submitting ---------------------------------------------------------------------


def test_a_form_is_logged_and_answered_with_its_receipt(ledger: Ledger) -> None:
    tps = ELECTION.tps[0]
    entry = ELECTION.c_hasil(tps)
    receipt = ledger.submit(entry)
    assert receipt.index == ledger.size - 1
    assert ledger.entry(receipt.index) == entry
    assert receipt.status == "accepted"
    assert receipt.type == "c-hasil"
    assert not receipt.duplicate
    assert receipt.violations == ()
    assert receipt.checkpoint_size is None
    assert ledger.receipt(bytes.fromhex(receipt.leaf_hash)) == receipt
    assert receipt.to_dict()["leaf_hash"] == receipt.leaf_hash


def test_the_same_bytes_twice_get_the_same_receipt_and_are_stored_once(ledger: Ledger) -> None:
    entry = ELECTION.c_hasil(ELECTION.tps[0])
    first = ledger.submit(entry)
    size = ledger.size
    again = ledger.submit(entry)
    assert again.duplicate
    assert again.index == first.index
    assert again.leaf_hash == first.leaf_hash
    assert again.status == first.status
    assert ledger.size == size
    assert stored(ledger).count(entry) == 1
    assert ledger.stats()["submissions"]["duplicate"] == 1


def test_the_same_manifest_again_is_a_duplicate(ledger: Ledger) -> None:
    receipt = ledger.submit(ELECTION.manifest)
    assert receipt.duplicate and receipt.index == 0 and receipt.type == "manifest"


def test_a_duplicate_of_an_entry_whose_key_was_revoked_since_still_gets_its_receipt(
    ledger: Ledger,
) -> None:
    tps = ELECTION.tps[0]
    entry = ELECTION.c_hasil(tps)
    first = ledger.submit(entry)
    ledger.submit(ELECTION.revoke(f"kpu-kab-{tps[:4]}", f"kpps-{tps}"))
    again = ledger.submit(entry)
    assert again.duplicate and again.index == first.index


def test_an_impossible_form_is_logged_inconsistent_and_kept_out_of_the_totals(
    ledger: Ledger,
) -> None:
    good, bad = ELECTION.tps[0], ELECTION.tps[1]
    ledger.submit(ELECTION.c_hasil(good))
    receipt = ledger.submit(ELECTION.c_hasil(bad, broken_form(ELECTION.form(bad))))
    assert receipt.status == "inconsistent"
    assert {v["rule"] for v in receipt.violations} >= {"suara-sah"}
    assert all(v["severity"] == "impossible" for v in receipt.violations)
    assert ledger.totals() == dict(sorted(ELECTION.form(good).suara_paslon.items()))
    view = ledger.tps(bad, "ppwp")
    assert view["status"] == "inconsistent"
    assert view["current"]["violations"] == list(receipt.violations)


def test_a_correction_by_kpu_kab_replaces_the_form_in_force(ledger: Ledger) -> None:
    tps = ELECTION.witnessed[0]
    truth = ELECTION.form(tps)
    original = ledger.submit(ELECTION.c_hasil(tps, broken_form(truth)))
    fixed = ledger.submit(ELECTION.correction(tps, original, truth, reason="salah baca"))
    assert fixed.status == "accepted" and fixed.type == "correction"
    view = ledger.tps(tps, "ppwp")
    assert view["status"] == "accepted"
    assert [h["index"] for h in view["history"]] == [original.index, fixed.index]
    assert view["current"] == view["history"][-1]
    assert view["current"]["reason"] == "salah baca"
    assert view["current"]["corrects"] == {
        "index": original.index,
        "leaf_hash": original.leaf_hash,
    }
    assert view["current"]["signer"]["role"] == "kpu-kab"
    assert view["history"][0]["signer"]["role"] == "kpps"
    assert view["history"][0]["status"] == "inconsistent"
    assert ledger.totals() == dict(sorted(truth.suara_paslon.items()))


def test_the_kpps_cannot_correct_and_a_stale_correction_is_refused(ledger: Ledger) -> None:
    tps = ELECTION.tps[0]
    original = ledger.submit(ELECTION.c_hasil(tps))
    by_kpps = ELECTION.correction(tps, original, shifted(ELECTION.form(tps)), signer=f"kpps-{tps}")
    assert refusal(ledger, by_kpps).code == "auth.wrong-role"
    ledger.submit(ELECTION.correction(tps, original, shifted(ELECTION.form(tps))))
    stale = ELECTION.correction(tps, original, shifted(ELECTION.form(tps), 2))
    assert refusal(ledger, stale).code == "auth.correction-stale"


def test_a_second_different_c_hasil_is_refused_naming_the_first(ledger: Ledger) -> None:
    tps = ELECTION.tps[0]
    first = ledger.submit(ELECTION.c_hasil(tps))
    error = refusal(ledger, ELECTION.c_hasil(tps, shifted(ELECTION.form(tps), 10)))
    assert error.code == "auth.duplicate-form"
    assert error.details["index"] == first.index
    assert f"entry {first.index}" in error.message_en
    assert f"entri {first.index}" in error.message_id


def test_witness_copies_show_which_boxes_differ_from_the_form_in_force(ledger: Ledger) -> None:
    tps = ELECTION.witnessed[0]
    truth = ELECTION.form(tps)
    ledger.submit(ELECTION.c_hasil(tps))
    same = ledger.submit(ELECTION.c_salinan(tps, "2"))
    other = ledger.submit(ELECTION.c_salinan(tps, "3", shifted(truth, 7)))
    view = ledger.tps(tps, "ppwp")
    copies = {c["index"]: c for c in view["copies"]}
    assert copies[same.index]["differs"] == []
    assert copies[other.index]["differs"] == ["suara_paslon_01", "suara_paslon_03"]
    assert copies[other.index]["party"] == "3"
    assert view["disputed"]
    assert ledger.totals() == dict(sorted(truth.suara_paslon.items()))  # copies never count


def test_tps_view_of_a_tps_without_forms_and_of_unknown_ones(ledger: Ledger) -> None:
    view = ledger.tps(ELECTION.tps[0], "ppwp")
    assert view["status"] == "missing"
    assert view["current"] is None and view["history"] == [] and view["copies"] == []
    with pytest.raises(SaksiError) as caught:
        ledger.tps("3173011006999", "ppwp")
    assert caught.value.code == "region.unknown-tps"
    with pytest.raises(SaksiError) as caught:
        ledger.tps("31730", "ppwp")
    assert caught.value.code.startswith("region.")
    with pytest.raises(SaksiError) as caught:
        ledger.tps(ELECTION.tps[0], "dpr")
    assert caught.value.code == "contest.not-in-election"


# --- every refusal class: its code, and nothing logged ----------------------------------


def _revoked(ledger: Ledger) -> bytes:
    tps = ELECTION.tps[2]
    ledger.submit(ELECTION.revoke(f"kpu-kab-{tps[:4]}", f"kpps-{tps}"))
    return ELECTION.c_hasil(tps)


def _expired(ledger: Ledger) -> bytes:
    tps = ELECTION.tps[3]
    short = ELECTION.register(
        f"kpu-kab-{tps[:4]}", "kpps-short", "kpps", tps, not_after="2024-02-14T07:00:00Z"
    )
    ledger.submit(short)
    return ELECTION.c_hasil(tps, signer="kpps-short", at="2024-02-14T08:00:00Z")


def _second_manifest() -> bytes:
    other = ELECTION.manifest_stmt.model_copy(update={"name": "Pemilu Kedua"})
    return sign_statement(other, key("kpu-ri")).to_bytes()


def _not_canonical(_: Ledger) -> bytes:
    return ELECTION.c_hasil(ELECTION.tps[0]).replace(b'{"key":', b'{ "key":', 1)


REFUSALS: dict[str, tuple[Any, str]] = {
    "bad signature": (lambda _: ELECTION.forged(ELECTION.tps[0]), "statement.bad-signature"),
    "unknown key": (
        lambda _: ELECTION.c_hasil(ELECTION.tps[0], signer="never-registered"),
        "auth.unknown-key",
    ),
    "key of another TPS": (
        lambda _: ELECTION.c_hasil(ELECTION.tps[0], signer=f"kpps-{ELECTION.tps[1]}"),
        "auth.out-of-scope",
    ),
    "revoked key": (_revoked, "auth.revoked"),
    "expired key": (_expired, "auth.expired"),
    "wrong election": (
        lambda _: ELECTION.c_hasil(ELECTION.tps[0], election="saksi.test/lain"),
        "statement.election-mismatch",
    ),
    "malformed body": (lambda _: b'{"key": [1, 2', "input.json-malformed"),
    "not canonical": (_not_canonical, "entry.not-canonical"),
    "oversized body": (lambda _: b"{" + b" " * 70_000 + b"}", "entry.too-large"),
    "second manifest": (lambda _: _second_manifest(), "auth.manifest-exists"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_every_refusal_has_its_code_and_logs_nothing(ledger: Ledger, case: str) -> None:
    make, code = REFUSALS[case]
    entry = make(ledger)
    before = stored(ledger)
    error = refusal(ledger, entry)
    assert error.code == code, error.diagnostics()
    assert error.message_en and error.message_id and error.message_en != error.message_id
    assert stored(ledger) == before
    assert ledger.stats()["refused_by_code"][code] == 1
    assert ledger.receipt(_leaf(entry)) is None


def _leaf(entry: bytes) -> bytes:
    from saksi.tlog.hashes import leaf_hash

    return leaf_hash(entry)


def test_the_configured_entry_limit_is_applied_before_parsing(tmp_path: Path) -> None:
    entry = ELECTION.c_hasil(ELECTION.tps[0])
    with ELECTION.open(tmp_path, max_entry_bytes=len(entry) - 1) as ledger:
        error = refusal(ledger, entry)
        assert error.code == "entry.too-large"
        assert error.details["limit"] == len(entry) - 1


# --- replay -----------------------------------------------------------------------------


def _night(ledger: Ledger) -> list[Receipt]:
    """A few of every kind of statement."""
    receipts = []
    for tps in ELECTION.tps[:6]:
        form = ELECTION.form(tps)
        sent = broken_form(form) if tps.endswith("2") else form
        receipts.append(ledger.submit(ELECTION.c_hasil(tps, sent)))
    for tps in ELECTION.witnessed:
        receipts.append(ledger.submit(ELECTION.c_salinan(tps, "2", shifted(ELECTION.form(tps)))))
    for receipt, tps in zip(list(receipts), ELECTION.tps[:6], strict=False):
        if receipt.status == "inconsistent":
            receipts.append(ledger.submit(ELECTION.correction(tps, receipt)))
    receipts.append(ledger.submit(ELECTION.revoke("kpu-kab-3201", f"kpps-{ELECTION.tps[-1]}")))
    return receipts


def _snapshot(ledger: Ledger, receipts: list[Receipt]) -> dict[str, Any]:
    stats = ledger.stats()
    return {
        "receipts": [ledger.receipt(bytes.fromhex(r.leaf_hash)) for r in receipts],
        "views": [ledger.tps(tps, "ppwp") for tps in ELECTION.tps],
        "totals": ledger.totals(),
        "size": ledger.size,
        "by_type": stats["entries_by_type"],
        "by_status": stats["entries_by_status"],
    }


@pytest.mark.parametrize("verify", [True, False])
def test_replay_after_reopening_gives_the_same_receipts_statuses_and_views(
    tmp_path: Path, verify: bool
) -> None:
    with ELECTION.open(tmp_path) as ledger:
        receipts = _night(ledger)
        ledger.integrate()
        before = _snapshot(ledger, receipts)
    with ELECTION.open(tmp_path, replay_verify=verify) as again:
        assert _snapshot(again, receipts) == before
        assert again.stats()["replay_seconds"] >= 0
        # the state replayed is the state: the same refusals, the same acceptances
        tps = ELECTION.tps[0]
        assert refusal(again, ELECTION.c_hasil(tps, shifted(ELECTION.form(tps)))).code == (
            "auth.duplicate-form"
        )
        assert refusal(again, ELECTION.c_hasil(ELECTION.tps[-1])).code == "auth.revoked"
        fresh = again.submit(ELECTION.c_hasil(ELECTION.tps[6]))
        assert fresh.index == before["size"]


def test_replay_refuses_a_log_the_rules_refuse(tmp_path: Path) -> None:
    ELECTION.open(tmp_path).close()
    store_file = LogLayout(tmp_path / "data" / "log").store_file
    with open_store(store_file) as store:
        store.append(ELECTION.forged(ELECTION.tps[0]))
        index = store.size() - 1
    with pytest.raises(SaksiError) as caught:
        Ledger.open(ELECTION.config(tmp_path))
    assert caught.value.code == "service.replay-refused"
    assert caught.value.details == {"index": index, "reason": "statement.bad-signature"}


def test_a_crash_between_creating_the_log_and_logging_the_manifest(tmp_path: Path) -> None:
    config = ELECTION.config(tmp_path)
    from saksi.tlog.log import Log

    log, _ = Log.create(config.log_dir, ELECTION.origin, open_store)
    log.close()
    with pytest.raises(ConfigError) as caught:
        Ledger.open(config.with_(manifest=None))
    assert caught.value.code == "config.manifest-required"
    with Ledger.open(config) as ledger:
        assert ledger.entry(0) == ELECTION.manifest


# --- the integrator and proofs ----------------------------------------------------------


def test_the_integrator_signs_checkpoints_and_receipts_become_proofs(ledger: Ledger) -> None:
    entries = [ELECTION.c_hasil(tps) for tps in ELECTION.tps[:4]]
    receipts = [ledger.submit(entry) for entry in entries]
    assert ledger.wait_for_checkpoint(ledger.size, timeout=60)
    verifier = NoteVerifier.from_vkey(ledger.vkey)
    for entry, receipt in zip(entries, receipts, strict=True):
        leaf = bytes.fromhex(receipt.leaf_hash)
        again = ledger.receipt(leaf)
        assert again is not None and again.checkpoint_size == ledger.checkpoint_size
        text = ledger.proof(leaf)
        assert text is not None
        proof = TlogProof.parse(text.encode())
        assert proof.index == receipt.index
        proof.verify(entry, verifier)
    assert ledger.stats()["integrations"] >= 1
    assert ledger.stats()["backlog"] == 0


def test_no_proof_before_a_checkpoint_covers_the_entry(tmp_path: Path) -> None:
    with ELECTION.open(tmp_path, integrate_interval=3600) as ledger:
        receipt = ledger.submit(ELECTION.c_hasil(ELECTION.tps[0]))
        leaf = bytes.fromhex(receipt.leaf_hash)
        assert ledger.proof(leaf) is None
        assert ledger.stats()["backlog"] > 0
        ledger.integrate()
        assert ledger.proof(leaf) is not None
        assert ledger.stats()["backlog"] == 0


def test_closing_signs_a_last_checkpoint(tmp_path: Path) -> None:
    with ELECTION.open(tmp_path, integrate_interval=3600) as ledger:
        ledger.submit(ELECTION.c_hasil(ELECTION.tps[0]))
        size = ledger.size
    with ELECTION.open(tmp_path, integrate_interval=3600) as again:
        assert again.checkpoint_size == size


# --- photos -----------------------------------------------------------------------------


def test_photos_are_content_addressed_and_kept_once_cited(ledger: Ledger) -> None:
    data = b"\xff\xd8\xff\xe0 not really a jpeg"
    tps = ELECTION.tps[0]
    signed = sign_photo(key(f"kpps-{tps}"), ELECTION.origin, data)
    upload = ledger.photos.upload(data, signed)
    sha = hashlib.sha256(data).hexdigest()
    assert (upload.sha256, upload.state) == (sha, "staged")
    assert ledger.photos.photo(sha) is None  # waiting for a statement citing it
    ledger.submit(ELECTION.c_hasil(tps, ELECTION.form(tps).model_copy(update={"foto": (sha,)})))
    ledger.photos.run_pass()
    assert ledger.photos.photo(sha) == data
    assert ledger.photos.upload(data, signed).state == "stored"
    assert ledger.photos.photo("0" * 64) is None


# --- PostgreSQL -------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, Any]:
    """Settings for one store backend (PostgreSQL: a fresh schema on the test server)."""
    if request.param == "sqlite":
        return {}
    server = shared_server_or_skip()
    return {"db": server.dsn(server.create_schema(tmp_path.name))}


def test_submit_replay_and_proofs_on_each_backend(tmp_path: Path, backend: dict[str, Any]) -> None:
    with ELECTION.open(tmp_path, **backend) as ledger:
        receipts = _night(ledger)
        assert ledger.submit(ELECTION.c_hasil(ELECTION.tps[0])).duplicate
        ledger.integrate()
        before = _snapshot(ledger, receipts)
        leaf = bytes.fromhex(receipts[0].leaf_hash)
        text = ledger.proof(leaf)
        assert text is not None
        TlogProof.parse(text.encode()).verify(
            ledger.entry(receipts[0].index), NoteVerifier.from_vkey(ledger.vkey)
        )
    if backend:
        assert not (tmp_path / "data" / "log" / ".state" / "store.sqlite").exists()
    with ELECTION.open(tmp_path, **backend) as again:
        assert _snapshot(again, receipts) == before


def test_a_database_holding_another_election_is_refused(tmp_path: Path) -> None:
    server = shared_server_or_skip()
    db = server.dsn(server.create_schema(tmp_path.name))
    ELECTION.open(tmp_path / "one", keys=False, db=db).close()
    other = ServiceElection(origin="saksi.test/lain")
    with pytest.raises(ConfigError) as caught:
        other.open(tmp_path / "two", keys=False, db=db)
    assert caught.value.code == "config.manifest-mismatch"
    assert not (tmp_path / "two" / "data" / "log").exists()


def test_a_failed_integration_is_counted_and_retried(tmp_path: Path) -> None:
    from saksi.errors import LogError

    with ELECTION.open(tmp_path, integrate_interval=0.02) as ledger:
        log: Any = ledger.log
        real = log.integrate
        failures = [LogError(code="log.io-error", en="tiles unwritable", id="tile tak tertulis")]

        def flaky() -> bytes:
            if failures:
                raise failures.pop()
            result: bytes = real()
            return result

        log.integrate = flaky
        ledger.submit(ELECTION.c_hasil(ELECTION.tps[0]))
        assert ledger.wait_for_checkpoint(ledger.size, timeout=60)
        stats = ledger.stats()
        assert stats["integrate_errors"] == {"log.io-error": 1}
        assert stats["integrations"] >= 1
        assert stats["ready"]


def test_the_public_names_of_the_package() -> None:
    import saksi.ledger

    assert saksi.ledger.__all__ == [
        "ConfigError",
        "Ledger",
        "RateLimit",
        "Receipt",
        "ServiceConfig",
        "load_config",
    ]
    assert saksi.ledger.Receipt is Receipt and saksi.ledger.Ledger is Ledger
