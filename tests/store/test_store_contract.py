"""The store contract, run against every backend.

A backend joins the suite by adding one entry to ``BACKENDS``: a function that
takes a fresh temporary directory and returns an ``opener``, a callable that opens
(or reopens) the same store each time it is called. The PostgreSQL backend creates
a fresh schema, named after the directory, on the test process's server (started
on first use by tests/pgserver.py; skipped with the reason when there is none).
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import saksi.store
from saksi.errors import SaksiError, StoreError
from saksi.store import MAX_ENTRY_SIZE, MAX_PHOTO_SIZE, Appended, SqliteStore, Store
from saksi.store.postgres import PostgresStore
from saksi.tlog.hashes import leaf_hash
from tests.pgserver import shared_server_or_skip

Opener = Callable[[], Store]


def _sqlite(directory: Path) -> Opener:
    return lambda: SqliteStore(directory / "saksi.sqlite")


def _postgres(directory: Path) -> Opener:
    server = shared_server_or_skip()
    dsn = server.dsn(server.create_schema(directory.name))
    return lambda: PostgresStore(dsn)


BACKENDS: dict[str, Callable[[Path], Opener]] = {"sqlite": _sqlite, "postgresql": _postgres}


@pytest.fixture(params=sorted(BACKENDS))
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    make: Callable[[Path], Opener] = BACKENDS[request.param]
    return make(tmp_path)


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def store(opener: Opener) -> Iterator[Store]:
    with opener() as opened:
        yield opened


def assert_refused(exc: SaksiError, code: str) -> None:
    """A refusal carries the stable code and two different, non-empty messages."""
    assert isinstance(exc, StoreError)
    assert exc.code == code
    assert exc.message_id and exc.message_en and exc.message_id != exc.message_en


# --- the public surface ---


def test_public_names_are_pinned() -> None:
    assert sorted(saksi.store.__all__) == sorted(
        [
            "MAX_ENTRY_SIZE",
            "MAX_PHOTO_SIZE",
            "SQLITE_FILENAME",
            "Appended",
            "SqliteStore",
            "Store",
            "open_store",
            "sqlite_path",
        ]
    )


def test_appended_is_frozen() -> None:
    answer = Appended(index=0, leaf_hash=b"\0" * 32, new=True)
    with pytest.raises(AttributeError):
        answer.index = 1  # type: ignore[misc]


# --- the log ---


def test_empty_store(store: Store) -> None:
    assert store.size() == 0
    assert list(store.entries()) == []
    assert store.find(leaf_hash(b"x")) is None
    with pytest.raises(StoreError) as caught:
        store.entry(0)
    assert_refused(caught.value, "store.no-such-entry")


def test_append_assigns_contiguous_indices_and_rfc6962_leaf_hashes(store: Store) -> None:
    entries = [f"entry {i}".encode() for i in range(5)]
    answers = [store.append(entry) for entry in entries]
    assert [a.index for a in answers] == [0, 1, 2, 3, 4]
    assert all(a.new for a in answers)
    for entry, answer in zip(entries, answers, strict=True):
        assert answer.leaf_hash == hashlib.sha256(b"\x00" + entry).digest()
        assert store.entry(answer.index) == entry
        assert store.find(answer.leaf_hash) == answer.index
    assert store.size() == 5


def test_append_is_idempotent(store: Store) -> None:
    first = store.append(b"form A")
    store.append(b"form B")
    again = store.append(b"form A")
    assert again == Appended(index=first.index, leaf_hash=first.leaf_hash, new=False)
    assert store.size() == 2
    assert list(store.entries()) == [(0, b"form A"), (1, b"form B")]


def test_empty_entry_is_allowed(store: Store) -> None:
    answer = store.append(b"")
    assert answer.leaf_hash == hashlib.sha256(b"\x00").digest()
    assert store.entry(answer.index) == b""


def test_entry_size_limit(store: Store) -> None:
    largest = b"x" * MAX_ENTRY_SIZE
    assert store.append(largest).index == 0
    assert store.entry(0) == largest
    with pytest.raises(StoreError) as caught:
        store.append(b"y" * (MAX_ENTRY_SIZE + 1))
    assert_refused(caught.value, "store.entry-too-large")
    assert caught.value.details["size"] == MAX_ENTRY_SIZE + 1
    assert store.size() == 1


@pytest.mark.parametrize("bad", ["text", bytearray(b"x"), None, 3])
def test_append_refuses_what_is_not_bytes(store: Store, bad: object) -> None:
    with pytest.raises(StoreError) as caught:
        store.append(bad)  # type: ignore[arg-type]
    assert_refused(caught.value, "store.invalid-argument")


def test_batch_assigns_in_order_and_dedupes(store: Store) -> None:
    store.append(b"old")
    answers = store.append_batch([b"a", b"b", b"a", b"old", b"c"])
    assert [(a.index, a.new) for a in answers] == [
        (1, True),
        (2, True),
        (1, False),
        (0, False),
        (3, True),
    ]
    assert [a.leaf_hash for a in answers] == [
        leaf_hash(e) for e in (b"a", b"b", b"a", b"old", b"c")
    ]
    assert store.size() == 4
    assert store.append_batch([]) == []


def test_batch_is_all_or_nothing_when_one_entry_is_refused(store: Store) -> None:
    store.append(b"before")
    with pytest.raises(StoreError) as caught:
        store.append_batch([b"ok 1", b"ok 2", b"z" * (MAX_ENTRY_SIZE + 1), b"ok 3"])
    assert_refused(caught.value, "store.entry-too-large")
    assert caught.value.details["position"] == 2
    assert store.size() == 1
    assert store.find(leaf_hash(b"ok 1")) is None


@pytest.mark.parametrize("bad", [b"abc", "abc", 7])
def test_batch_must_be_a_sequence_of_entries(store: Store, bad: object) -> None:
    with pytest.raises(StoreError) as caught:
        store.append_batch(bad)  # type: ignore[arg-type]
    assert_refused(caught.value, "store.invalid-argument")


@pytest.mark.parametrize("index", [-1, 3, 10**12])
def test_entry_out_of_range(store: Store, index: int) -> None:
    store.append_batch([b"0", b"1", b"2"])
    with pytest.raises(StoreError) as caught:
        store.entry(index)
    expected = "store.invalid-argument" if index < 0 else "store.no-such-entry"
    assert_refused(caught.value, expected)


@pytest.mark.parametrize("bad", [b"short", "0" * 64, None])
def test_find_refuses_what_is_not_a_leaf_hash(store: Store, bad: object) -> None:
    with pytest.raises(StoreError) as caught:
        store.find(bad)  # type: ignore[arg-type]
    assert_refused(caught.value, "store.invalid-argument")


def test_entries_ranges(store: Store) -> None:
    data = [f"e{i}".encode() for i in range(1300)]  # more than two pages
    store.append_batch(data)
    assert list(store.entries()) == list(enumerate(data))
    assert list(store.entries(5, 9)) == [(i, data[i]) for i in range(5, 9)]
    assert list(store.entries(500, 1100)) == [(i, data[i]) for i in range(500, 1100)]
    assert list(store.entries(1299, 5000)) == [(1299, data[1299])]
    assert list(store.entries(1300)) == []
    assert list(store.entries(7, 7)) == []
    assert list(store.entries(9, 3)) == []
    with pytest.raises(StoreError) as caught:
        store.entries(-1)
    assert_refused(caught.value, "store.invalid-argument")


def test_entries_without_stop_ends_at_the_size_when_called(store: Store) -> None:
    store.append_batch([b"0", b"1"])
    stream = store.entries()
    store.append(b"2")
    assert [index for index, _ in stream] == [0, 1]


def test_entries_stream_in_bounded_memory(store: Store) -> None:
    count, size = 12_000, 1_000  # 12 MB of entries in all
    for start in range(0, count, 2_000):
        store.append_batch([b"%08d" % i + b"." * (size - 8) for i in range(start, start + 2_000)])
    tracemalloc.start()
    try:
        seen = 0
        for index, entry in store.entries():
            assert entry[:8] == b"%08d" % index
            seen += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    assert peak < 3 * 1024 * 1024, f"streaming peaked at {peak} bytes"


def test_entries_survive_reopening(opener: Opener) -> None:
    with opener() as first:
        first.append_batch([b"a", b"b"])
        first.put_photo(b"photo")
        first.compare_and_swap("checkpoint", None, b"cp1")
    with opener() as second:
        assert list(second.entries()) == [(0, b"a"), (1, b"b")]
        assert second.append(b"a") == Appended(0, leaf_hash(b"a"), new=False)
        assert second.append(b"c").index == 2
        assert second.photo(hashlib.sha256(b"photo").hexdigest()) == b"photo"
        assert second.get_meta("checkpoint") == b"cp1"


def test_concurrent_appends_from_many_threads(store: Store) -> None:
    threads_count, per_thread = 4, 40
    results: dict[int, list[Appended]] = {}
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            mine = []
            for i in range(per_thread):
                mine.append(store.append(f"w{worker} {i}".encode()))
                mine.append(store.append(f"shared {i}".encode()))  # every thread races on it
            results[worker] = mine
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    expected_size = threads_count * per_thread + per_thread
    assert store.size() == expected_size
    stored = dict(store.entries())
    assert sorted(stored) == list(range(expected_size))
    assert len(set(stored.values())) == expected_size
    for answers in results.values():
        for answer in answers:
            assert leaf_hash(stored[answer.index]) == answer.leaf_hash
    shared_new = [a for answers in results.values() for a in answers[1::2] if a.new]
    assert len(shared_new) == per_thread  # each shared entry added by exactly one call


# --- photos ---


def test_photos_are_content_addressed_and_idempotent(store: Store) -> None:
    data = b"\x89PNG...a C.Hasil page"
    assert store.photo_usage() == (0, 0)
    digest = store.put_photo(data)
    assert digest == hashlib.sha256(data).hexdigest()
    assert store.put_photo(data) == digest
    assert store.photo(digest) == data
    assert store.has_photo(digest)
    store.put_photo(b"x" * 100_000)
    assert store.photo_usage() == (2, len(data) + 100_000)  # counted, not read
    other = hashlib.sha256(b"never stored").hexdigest()
    assert store.photo(other) is None
    assert not store.has_photo(other)


def test_photo_refusals(store: Store) -> None:
    with pytest.raises(StoreError) as caught:
        store.put_photo(b"")
    assert_refused(caught.value, "store.empty-photo")
    with pytest.raises(StoreError) as caught:
        store.put_photo(b"x" * (MAX_PHOTO_SIZE + 1))
    assert_refused(caught.value, "store.photo-too-large")
    for bad in ["ABCDEF" + "0" * 58, "0" * 63, "g" * 64, 5]:
        with pytest.raises(StoreError) as caught:
            store.photo(bad)  # type: ignore[arg-type]
        assert_refused(caught.value, "store.bad-photo-hash")
        with pytest.raises(StoreError):
            store.has_photo(bad)  # type: ignore[arg-type]


# --- meta ---


def test_meta_compare_and_swap(store: Store) -> None:
    assert store.get_meta("checkpoint") is None
    assert not store.compare_and_swap("checkpoint", b"something", b"cp1")
    assert store.get_meta("checkpoint") is None
    assert store.compare_and_swap("checkpoint", None, b"cp1")
    assert not store.compare_and_swap("checkpoint", None, b"cp-other")
    assert not store.compare_and_swap("checkpoint", b"stale", b"cp-other")
    assert store.get_meta("checkpoint") == b"cp1"
    assert store.compare_and_swap("checkpoint", b"cp1", b"cp2")
    assert store.get_meta("checkpoint") == b"cp2"
    assert store.get_meta("other") is None


def test_meta_compare_and_swap_has_one_winner(store: Store) -> None:
    store.compare_and_swap("k", None, b"0")
    wins: list[bytes] = []

    def contender(name: bytes) -> None:
        if store.compare_and_swap("k", b"0", name):
            wins.append(name)

    threads = [threading.Thread(target=contender, args=(b"t%d" % i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 1
    assert store.get_meta("k") == wins[0]


@pytest.mark.parametrize("key", ["", "k" * 201, 5])
def test_meta_key_refusals(store: Store, key: object) -> None:
    with pytest.raises(StoreError) as caught:
        store.get_meta(key)  # type: ignore[arg-type]
    assert_refused(caught.value, "store.invalid-argument")


# --- lifecycle ---


def test_closed_store_refuses_everything(opener: Opener) -> None:
    store = opener()
    with store:
        store.append(b"x")
    assert store.closed
    store.close()  # idempotent
    calls: list[Callable[[], object]] = [
        lambda: store.append(b"y"),
        store.size,
        lambda: store.entry(0),
        store.entries,
        lambda: store.find(leaf_hash(b"x")),
        lambda: store.put_photo(b"p"),
        lambda: store.get_meta("k"),
        lambda: store.compare_and_swap("k", None, b"v"),
    ]
    for call in calls:
        with pytest.raises(StoreError) as caught:
            call()
        assert_refused(caught.value, "store.closed")


def test_closing_ends_an_open_stream(store: Store) -> None:
    store.append_batch([b"%d" % i for i in range(1100)])
    stream = store.entries()
    next(stream)
    store.close()
    with pytest.raises(StoreError) as caught:
        list(stream)
    assert_refused(caught.value, "store.closed")


# --- a model: the store behaves like a list without duplicates ---

_entry_bytes = st.binary(max_size=3)  # a small space, so that duplicates are common
_operations = st.lists(
    st.one_of(
        _entry_bytes.map(lambda e: ("append", [e])),
        st.lists(_entry_bytes, max_size=6).map(lambda es: ("batch", es)),
    ),
    max_size=12,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=_operations)
def test_store_matches_a_list_model(
    backend: str, operations: list[tuple[str, list[bytes]]]
) -> None:
    with tempfile.TemporaryDirectory() as scratch, BACKENDS[backend](Path(scratch))() as store:
        model: list[bytes] = []
        for kind, entries in operations:
            answers = store.append_batch(entries) if kind == "batch" else [store.append(entries[0])]
            for entry, answer in zip(entries, answers, strict=True):
                new = entry not in model
                if new:
                    model.append(entry)
                assert answer == Appended(model.index(entry), leaf_hash(entry), new)
        assert store.size() == len(model)
        assert list(store.entries()) == list(enumerate(model))


def test_find_many_finds_the_stored_ones(store: Store) -> None:
    placed = store.append_batch([b"a", b"b", b"c"])
    hashes = [p.leaf_hash for p in placed]
    absent = leaf_hash(b"never")
    found = store.find_many([hashes[2], absent, hashes[0], hashes[2]])
    assert found == {hashes[2]: 2, hashes[0]: 0}
    assert store.find_many([]) == {}
    many = [leaf_hash(str(i).encode()) for i in range(1200)]  # more than one IN chunk
    store.append_batch([str(i).encode() for i in range(0, 1200, 3)])
    found = store.find_many(many)
    assert len(found) == 400
    assert all(store.find(h) == i for h, i in found.items())
    with pytest.raises(StoreError):
        store.find_many([b"short"])
