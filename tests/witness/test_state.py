"""The witness's state: compare-and-swap, durability across reopen, refusals, races."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksi.errors import WitnessError
from saksi.tlog.checkpoint import Checkpoint
from saksi.tlog.merkle import verify_consistency
from saksi.witness.protocol import format_request, watched_logs
from saksi.witness.server import Witness
from saksi.witness.state import LOGS_DIR, WitnessState, origin_file_name, parse_record
from tests.witness.logs import ORIGIN, ToyLog, new_witness_signer


@pytest.fixture
def toy() -> ToyLog:
    return ToyLog.new()


def test_empty_state_then_swap_then_reopen(tmp_path: Path, toy: ToyLog) -> None:
    with WitnessState.open(tmp_path) as state:
        assert state.latest(ORIGIN) is None
        assert state.compare_and_swap(None, toy.note(3))
        assert state.latest(ORIGIN) == toy.checkpoint(3)
    with WitnessState.open(tmp_path) as state:
        assert state.latest(ORIGIN) == toy.checkpoint(3)
        assert state.latest_note(ORIGIN) == toy.note(3)
    stored = tmp_path / LOGS_DIR / origin_file_name(ORIGIN)
    assert stored.read_bytes() == toy.note(3)
    assert stored.stat().st_mode & 0o777 == 0o600


def test_a_stale_expectation_swaps_nothing(tmp_path: Path, toy: ToyLog) -> None:
    with WitnessState.open(tmp_path) as state:
        assert state.compare_and_swap(None, toy.note(3))
        assert not state.compare_and_swap(None, toy.note(5))
        assert not state.compare_and_swap(toy.checkpoint(2), toy.note(5))
        assert state.latest(ORIGIN) == toy.checkpoint(3)
        assert state.compare_and_swap(toy.checkpoint(3), toy.note(5))
        assert state.compare_and_swap(toy.checkpoint(5), toy.note(5))  # same tree again


def test_the_swap_itself_refuses_a_smaller_or_other_tree(tmp_path: Path, toy: ToyLog) -> None:
    fork = toy.fork(2, "other")
    with WitnessState.open(tmp_path) as state:
        assert state.compare_and_swap(None, toy.note(5))
        for note in (toy.note(4), fork.note(5)):
            with pytest.raises(WitnessError) as caught:
                state.compare_and_swap(toy.checkpoint(5), note)
            assert caught.value.code == "witness.state-regression"
        assert state.latest_note(ORIGIN) == toy.note(5)


def test_one_process_per_state_folder(tmp_path: Path) -> None:
    with WitnessState.open(tmp_path), pytest.raises(WitnessError) as caught:
        WitnessState.open(tmp_path)
    assert caught.value.code == "witness.state-locked"
    WitnessState.open(tmp_path).close()  # released on close


@pytest.mark.parametrize(
    "content", [b"", b"garbage", b"example.org/other\n1\n" + b"A" * 44 + b"=\n\n- x y\n"]
)
def test_a_damaged_record_stops_the_witness(tmp_path: Path, toy: ToyLog, content: bytes) -> None:
    with WitnessState.open(tmp_path) as state:
        state.compare_and_swap(None, toy.note(3))
    (tmp_path / LOGS_DIR / origin_file_name(ORIGIN)).write_bytes(content)
    with WitnessState.open(tmp_path) as state, pytest.raises(WitnessError) as caught:
        state.latest(ORIGIN)
    assert caught.value.code == "witness.state-corrupt"


def test_a_record_of_another_origin_is_corrupt(tmp_path: Path) -> None:
    other = ToyLog.new("example.org/other")
    (tmp_path / LOGS_DIR).mkdir(parents=True)
    (tmp_path / LOGS_DIR / origin_file_name(ORIGIN)).write_bytes(other.note(1))
    with WitnessState.open(tmp_path) as state, pytest.raises(WitnessError) as caught:
        state.latest(ORIGIN)
    assert caught.value.details["cause"] == "origin-mismatch"


def test_leftover_temporary_files_are_removed(tmp_path: Path, toy: ToyLog) -> None:
    logs = tmp_path / LOGS_DIR
    logs.mkdir(parents=True)
    temp = logs / f".{origin_file_name(ORIGIN)}.123.0123456789ab.tmp"
    temp.write_bytes(b"half")
    other = logs / "unrelated"
    other.write_bytes(b"kept")
    WitnessState.open(tmp_path).close()
    assert not temp.exists()
    assert other.exists()


def test_racing_swaps_from_one_expectation_have_one_winner(tmp_path: Path, toy: ToyLog) -> None:
    notes = [toy.note(size) for size in range(1, 17)]
    with WitnessState.open(tmp_path) as state:
        barrier = threading.Barrier(len(notes))
        won: list[bytes] = []

        def attempt(note: bytes) -> None:
            barrier.wait()
            if state.compare_and_swap(None, note):
                won.append(note)

        threads = [threading.Thread(target=attempt, args=(note,)) for note in notes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(won) == 1
        assert state.latest_note(ORIGIN) == won[0]
    with WitnessState.open(tmp_path) as state:
        assert state.latest_note(ORIGIN) == won[0]


# --- the witness over its state: never two inconsistent cosignatures ----------------------


def _consistent(a: Checkpoint, b: Checkpoint, trees: dict[bytes, ToyLog]) -> bool:
    small, large = sorted((a, b), key=lambda c: c.size)
    if small.size == 0:
        return True
    tree = trees[large.root]
    try:
        proof = tree.proof(small.size, large.size)
        verify_consistency(small.size, large.size, proof, small.root, large.root)
    except Exception:
        return False
    return True


requests = st.lists(
    st.tuples(st.sampled_from(["a", "b"]), st.none() | st.integers(0, 40), st.integers(0, 40)),
    min_size=1,
    max_size=25,
)


@given(requests)
@settings(max_examples=100, deadline=None)
def test_any_request_sequence_cosigns_one_append_only_history(
    sequence: list[tuple[str, int | None, int]],
) -> None:
    """Requests from a log and a fork of it, with any old sizes (None: the size the
    witness holds, as a well-behaved client sends) and proofs from either:
    every cosigned checkpoint is consistent with every other, sizes never go down, and
    the state holds the last one."""
    a = ToyLog.new()
    b = a.fork(10, "fork")
    logs = {"a": a, "b": b}
    with tempfile.TemporaryDirectory() as folder, WitnessState.open(folder) as state:
        witness = Witness(new_witness_signer(), watched_logs([(ORIGIN, a.vkey)]), state)
        cosigned: list[Checkpoint] = []
        trees: dict[bytes, ToyLog] = {}
        for which, guess, size in sequence:
            toy = logs[which]
            held = state.latest(ORIGIN)
            old = min(size, (held.size if held else 0) if guess is None else guess)
            trees[toy.checkpoint(size).root] = toy
            body = format_request(old, toy.proof(old, size), toy.note(size))
            answer = witness.add_checkpoint(body)
            assert answer.status in (200, 400, 409, 422)
            if answer.status == 200:
                cosigned.append(toy.checkpoint(size))
        sizes = [c.size for c in cosigned]
        assert sizes == sorted(sizes)
        for i, first in enumerate(cosigned):
            for second in cosigned[i + 1 :]:
                assert _consistent(first, second, trees)
        if cosigned:
            note = state.latest_note(ORIGIN)
            assert note is not None and parse_record(note) == cosigned[-1]


def test_the_property_sequence_does_cosign_and_refuse(tmp_path: Path) -> None:
    """The shape the property above explores: growth is cosigned, the fork is refused."""
    a = ToyLog.new()
    b = a.fork(10, "fork")
    with WitnessState.open(tmp_path) as state:
        witness = Witness(new_witness_signer(), watched_logs([(ORIGIN, a.vkey)]), state)
        statuses = [
            witness.add_checkpoint(format_request(old, toy.proof(old, new), toy.note(new))).status
            for toy, old, new in [(a, 0, 5), (a, 5, 12), (b, 12, 20), (b, 5, 12), (a, 12, 20)]
        ]
    assert statuses == [200, 200, 422, 409, 200]
