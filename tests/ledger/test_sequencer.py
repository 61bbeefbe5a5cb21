"""The sequencer under load and failure: batches, 32 threads, fail-stop, back-pressure,
and a model check (any batching gives what the pure intake gives one entry at a time)."""

from __future__ import annotations

import tempfile
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.election.envelope import parse_entry
from saksi.election.intake import Intake
from saksi.errors import SaksiError
from saksi.ledger.ledger import Ledger, Receipt
from saksi.store.base import Store
from saksi.tlog.hashes import leaf_hash
from tests.ledger.factory import (
    ServiceElection,
    assert_refused,
    broken_form,
    shifted,
    stored_entries,
)
from tests.waiting import wait_for

ELECTION = ServiceElection()
stored = stored_entries
refusal = assert_refused


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    opened = ELECTION.open(tmp_path)
    yield opened
    opened.close()


# --- batches --------------------------------------------------------------------------


def test_a_batch_is_admitted_in_order(ledger: Ledger) -> None:
    tps = ELECTION.tps[0]
    first = ELECTION.c_hasil(tps)
    second = ELECTION.c_hasil(tps, shifted(ELECTION.form(tps), 3))
    other = ELECTION.c_hasil(ELECTION.tps[1])
    results = ledger.submit_many([first, second, first, b"[", other])
    assert isinstance(results[0], Receipt) and not results[0].duplicate
    assert isinstance(results[1], SaksiError) and results[1].code == "auth.duplicate-form"
    assert isinstance(results[2], Receipt) and results[2].duplicate
    assert results[2].index == results[0].index
    assert isinstance(results[3], SaksiError) and results[3].code.startswith("input.json")
    assert isinstance(results[4], Receipt) and results[4].index == results[0].index + 1
    assert stored(ledger)[-2:] == [first, other]


def test_an_empty_batch_is_an_empty_answer(ledger: Ledger) -> None:
    assert ledger.submit_many([]) == []


# --- concurrency ------------------------------------------------------------------------


def test_32_threads_submitting_at_once(tmp_path: Path) -> None:
    election = ServiceElection(tps_per_desa=24)  # 96 TPS
    per_thread = 3
    threads = 32
    with election.open(tmp_path) as ledger:
        start = ledger.size
        plan: list[list[bytes]] = [[] for _ in range(threads)]
        forms = {}
        for n, tps in enumerate(election.tps[: threads * per_thread]):
            form = election.form(tps) if n % 7 else broken_form(election.form(tps))
            forms[tps] = form
            plan[n % threads].append(election.c_hasil(tps, form))
        results: dict[int, list[Receipt]] = {}
        barrier = threading.Barrier(threads)

        def client(number: int) -> None:
            barrier.wait()
            mine = [ledger.submit(entry) for entry in plan[number]]
            mine.append(ledger.submit(plan[number][0]))  # a retry after a "timeout"
            results[number] = mine

        workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert len(results) == threads
        entries = stored(ledger)
        new = [r for rs in results.values() for r in rs if not r.duplicate]
        assert sorted(r.index for r in new) == list(range(start, len(entries)))
        for number, receipts in results.items():
            for entry, receipt in zip(plan[number] + [plan[number][0]], receipts, strict=True):
                assert entries[receipt.index] == entry
            assert receipts[-1].duplicate and receipts[-1].index == receipts[0].index
        assert len(set(entries)) == len(entries)
        expected: Counter[str] = Counter()
        for form in forms.values():
            if form.suara_sah == sum(form.suara_paslon.values()):
                expected.update(form.suara_paslon)
        assert ledger.totals() == dict(sorted(expected.items()))
        stats = ledger.stats()
        assert stats["submissions"]["new"] >= threads * per_thread
        assert stats["commits"] < threads * (per_thread + 1), "group commit did not batch"
        assert stats["largest_commit"] > 1


# --- fail-stop --------------------------------------------------------------------------


class _FailingAppends:
    def __init__(self, store: Store) -> None:
        self.store = store

    def __call__(self, entries: Any) -> Any:
        raise SaksiError(code="store.io-error", en="disk on fire", id="disk terbakar")


def test_a_failed_append_stops_the_ledger_and_a_restart_replays(tmp_path: Path) -> None:
    ledger = ELECTION.open(tmp_path)
    fatal: list[BaseException] = []
    ledger.on_fatal = fatal.append
    store: Any = ledger.log.store
    size = ledger.size
    store.append_batch = _FailingAppends(store)
    error = refusal(ledger, ELECTION.c_hasil(ELECTION.tps[0]))
    assert error.code == "service.stopped"
    assert error.details == {"cause": "store.io-error"}
    assert [getattr(e, "code", None) for e in fatal] == ["store.io-error"]
    assert not ledger.ready
    assert ledger.failure is not None
    del store.append_batch
    assert refusal(ledger, ELECTION.c_hasil(ELECTION.tps[1])).code == "service.stopped"
    assert ledger.stats()["ready"] is False
    ledger.close()
    with ELECTION.open(tmp_path) as again:
        assert again.size == size
        assert again.submit(ELECTION.c_hasil(ELECTION.tps[0])).index == size


def test_another_writer_on_the_store_stops_the_ledger(ledger: Ledger) -> None:
    store: Any = ledger.log.store
    store.append(b"someone else's entry")
    size = store.size()
    with pytest.raises(SaksiError) as caught:
        ledger.submit(ELECTION.c_hasil(ELECTION.tps[0]))
    error = caught.value
    assert error.code == "service.stopped"
    assert error.details == {"cause": "service.diverged"}
    assert store.size() == size  # checked before appending: nothing added


def test_a_closed_ledger_accepts_nothing(tmp_path: Path) -> None:
    ledger = ELECTION.open(tmp_path)
    ledger.close()
    ledger.close()  # idempotent
    with pytest.raises(SaksiError) as caught:
        ledger.submit(ELECTION.c_hasil(ELECTION.tps[0]))
    assert caught.value.code == "service.stopped"
    assert not ledger.ready


# --- a slow store: timeouts and back-pressure -------------------------------------------


class _GatedAppends:
    """append_batch that waits for ``gate`` (so the writer is busy) before appending."""

    def __init__(self, store: Any) -> None:
        self.real = store.append_batch
        self.entered = threading.Event()
        self.gate = threading.Event()

    def __call__(self, entries: Any) -> Any:
        self.entered.set()
        assert self.gate.wait(60)
        return self.real(entries)


def test_a_timed_out_submission_is_logged_and_its_retry_gets_the_receipt(ledger: Ledger) -> None:
    store: Any = ledger.log.store
    gated = store.append_batch = _GatedAppends(store)
    entry = ELECTION.c_hasil(ELECTION.tps[0])
    with pytest.raises(SaksiError) as caught:
        ledger.submit(entry, timeout=0.05)
    assert caught.value.code == "service.timeout"
    gated.gate.set()
    retry = ledger.submit(entry)
    assert retry.duplicate
    assert ledger.entry(retry.index) == entry


def test_too_many_waiting_statements_are_refused_until_the_writer_catches_up(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("saksi.ledger.sequencer.MAX_QUEUE", 1)
    store: Any = ledger.log.store
    gated = store.append_batch = _GatedAppends(store)
    answers: list[Receipt] = []
    first = threading.Thread(
        target=lambda: answers.append(ledger.submit(ELECTION.c_hasil(ELECTION.tps[0])))
    )
    first.start()
    assert gated.entered.wait(60)  # the writer holds the first, in its transaction
    second = threading.Thread(
        target=lambda: answers.append(ledger.submit(ELECTION.c_hasil(ELECTION.tps[1])))
    )
    second.start()
    wait_for(lambda: ledger.stats()["queue"] == 1)  # the second waits behind it
    error = refusal(ledger, ELECTION.c_hasil(ELECTION.tps[2]))
    assert error.code == "service.overloaded"
    assert error.details == {"waiting": 1}
    gated.gate.set()
    first.join(60)
    second.join(60)
    assert sorted(r.index for r in answers) == [ledger.size - 2, ledger.size - 1]


# --- a model check ------------------------------------------------------------------------


def _pool() -> list[bytes]:
    """Entries to draw from: forms, second forms, broken forms, copies, refusals."""
    out: list[bytes] = []
    for tps in (*ELECTION.witnessed[:2], ELECTION.tps[0]):
        form = ELECTION.form(tps)
        out += [
            ELECTION.c_hasil(tps),
            ELECTION.c_hasil(tps, shifted(form, 4)),
            ELECTION.c_hasil(tps, broken_form(form)),
            ELECTION.c_hasil(tps, signer=f"kpps-{ELECTION.tps[-1]}"),
            ELECTION.forged(tps),
        ]
    for tps in ELECTION.witnessed[:2]:
        out += [
            ELECTION.c_salinan(tps, "2"),
            ELECTION.c_salinan(tps, "2", shifted(ELECTION.form(tps))),
        ]
    out.append(ELECTION.revoke(f"kpu-kab-{ELECTION.tps[0][:4]}", f"kpps-{ELECTION.tps[0]}"))
    return out


POOL = _pool()


def _model(entries: list[bytes]) -> list[tuple[Any, ...]]:
    """What the pure intake says, one entry at a time: ("new", index, status),
    ("duplicate", index) or ("refused", code)."""
    intake = Intake.start(ELECTION.manifest, region_exists=ELECTION.hierarchy.exists)
    keys = ELECTION.key_entries()
    for index, entry in enumerate(keys, 1):
        intake.record(intake.admit(entry), index)
    seen: dict[bytes, int] = {}
    out: list[tuple[Any, ...]] = []
    for entry in entries:
        leaf = leaf_hash(entry)
        if leaf in seen:
            out.append(("duplicate", seen[leaf]))
            continue
        try:
            admission = intake.admit_envelope(parse_entry(entry, election=intake.election), entry)
        except SaksiError as exc:
            out.append(("refused", exc.code))
            continue
        index = len(keys) + 1 + len(seen)
        intake.record(admission, index)
        seen[leaf] = index
        out.append(("new", index, admission.status.value))
    return out


def _answer(result: Receipt | SaksiError) -> tuple[Any, ...]:
    if isinstance(result, SaksiError):
        return ("refused", result.code)
    if result.duplicate:
        return ("duplicate", result.index)
    return ("new", result.index, result.status)


@settings(max_examples=15, deadline=None)
@given(
    picks=st.lists(st.integers(0, len(POOL) - 1), min_size=1, max_size=24),
    cuts=st.lists(st.integers(1, 8), min_size=1, max_size=24),
)
def test_any_batching_gives_what_the_intake_gives_one_at_a_time(
    picks: list[int], cuts: list[int]
) -> None:
    entries = [POOL[i] for i in picks]
    expected = _model(entries)
    with tempfile.TemporaryDirectory() as scratch:
        answers: list[tuple[Any, ...]] = []
        with ELECTION.open(Path(scratch), integrate_interval=3600) as ledger:
            position = 0
            for cut in cuts * len(entries):
                if position >= len(entries):
                    break
                batch = entries[position : position + cut]
                answers += [_answer(r) for r in ledger.submit_many(batch)]
                position += cut
            assert answers == expected
            receipts = [ledger.receipt(leaf_hash(e)) for e in entries]
        with ELECTION.open(Path(scratch), replay_verify=False) as again:
            assert [again.receipt(leaf_hash(e)) for e in entries] == [
                None if r is None else replace(r, checkpoint_size=again.checkpoint_size)
                for r in receipts
            ]
