"""A format v2 log in the fold: its legislative entries move no PPWP number.

Every legislative entry (forms, witness copies, corrections, a D.Hasil, DPD candidates'
keys) is authorized and replayed in order, so the authorization state stays exact, and
folded by its contest's own tally (tests/recap/test_legislative_fold.py); none moves a
PPWP number. The night of tests/recap/factory.py is logged three times: as
format v1, as format v2 with PPWP entries only, and as format v2 with legislative
entries interleaved after every PPWP statement; the three publications are the same,
file by file, once what names the log is set aside: its checkpoint, and the entries'
indices (an index is read as the PPWP statement it points at: its rank among the
log's entries that are not legislative).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import pickle
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest

from saksi.election.contests import ContestKind
from saksi.election.envelope import sign_statement
from saksi.election.legislative import Contests
from saksi.election.legislative_forms import CHasilPartai
from saksi.election.statements import CHasilLegislatif
from saksi.election.synthetic_contests import synthetic_contests
from saksi.election.wire import parse_model
from saksi.errors import RecapError
from saksi.recap.entries import (
    Light,
    ReaderSetup,
    envelope_of,
    read_chunk,
    read_entry,
    set_up_reader,
)
from saksi.recap.fold import Recap
from saksi.recap.publish import LATEST, Publisher
from saksi.recap.snapshot import all_regions
from saksi.sim.logbook import TALLY_AT, Logbook
from saksi.tlog.checkpoint import Checkpoint
from saksi.tlog.hashes import leaf_hash
from saksi.tlog.merkle import root
from tests.recap.factory import (
    differing,
    is_legislative,
    legislative_night,
    night,
    ppwp_ranks,
    tiny_contests,
)

DPR = ContestKind.DPR
LEGISLATIVE = ["dpr", "dpd", "dprd-prov", "dprd-kabkota"]


@cache
def books() -> dict[str, Logbook]:
    """The night as format v1, v2 without and v2 with legislative entries (not to be
    changed: a test that logs more copies the entries)."""
    return {
        "v1": night(),
        "plain": night(contests=tiny_contests()),
        "mixed": night(contests=tiny_contests(), between=legislative_night),
    }


def checkpoint_of(book: Logbook, entries: list[bytes] | None = None) -> Checkpoint:
    entries = book.entries if entries is None else entries
    return Checkpoint(book.origin, len(entries), root(leaf_hash(e) for e in entries))


def fold(book: Logbook, **options: Any) -> Recap:
    return Recap.replay(book.hierarchy, book.entries, contests=book.contests, **options)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name, book in books().items():
        folder = tmp_path_factory.mktemp(name)
        Publisher(folder, durable=False).publish(fold(book), checkpoint_of(book), None)
        out[name] = folder
    return out


# --- what the publication says, with what names the log set aside -----------------------

_INDICES = frozenset({"index", "copy_index", "form_index", "replaces", "original", "current"})
_NAMING_THE_LOG = frozenset({"checkpoint", "href"})


@cache
def _ranks(book_name: str) -> dict[int, int]:
    return ppwp_ranks(books()[book_name].entries)


def _entry(book: Logbook, index: int) -> str:
    """What an index points at, the same in each of the three logs."""
    name = next(n for n, b in books().items() if b is book)
    return f"ppwp-statement-{_ranks(name)[index]}"


def normal(doc: Any, book: Logbook) -> Any:
    """``doc`` with every entry index replaced by the entry it points at, and the
    checkpoint and hrefs (which hold the tree size) left out."""
    if isinstance(doc, dict):
        out: dict[str, Any] = {}
        for key, value in doc.items():
            if key in _NAMING_THE_LOG:
                continue
            if key in _INDICES and isinstance(value, int):
                out[key] = _entry(book, value)
            elif key == "corrections" and isinstance(value, list):
                out[key] = [_entry(book, i) for i in value]
            else:
                out[key] = normal(value, book)
        return out
    if isinstance(doc, list):
        return [normal(item, book) for item in doc]
    return doc


def csv_without_checkpoint(data: bytes) -> list[list[str]]:
    """The rows of a CSV export, each without its last two cells (tree size, root)."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0][-2:] == ["tree_size", "root_hash"]
    return [row[:-2] for row in rows]


def generation(folder: Path) -> tuple[int, Path]:
    size = json.loads((folder / LATEST).read_text())["tree_size"]
    return size, folder / str(size)


def test_the_mixed_log_records_legislative_entries_of_every_kind() -> None:
    mixed, plain, v1 = books()["mixed"], books()["plain"], books()["v1"]
    added = [json.loads(e)["stmt"] for e in mixed.entries if is_legislative(e)]
    kinds = {(s["type"], s.get("contest"), s.get("role")) for s in added}
    assert {
        ("c-hasil", "dpr", None), ("c-hasil", "dpd", None), ("c-hasil", "dprd-prov", None),
        ("c-hasil", "dprd-kabkota", None), ("c-salinan", "dpr", None), ("c-salinan", "dpd", None),
        ("correction", "dpr", None), ("correction", "dprd-kabkota", None),
        ("d-hasil", "dpr", None), ("key", None, "calon-dpd"), ("key", None, "saksi-dpd"),
    } <= kinds  # fmt: skip
    assert len(mixed.entries) == len(plain.entries) + len(added)
    assert not any(map(is_legislative, plain.entries)) and len(plain.entries) == len(v1.entries)
    kept = [e for e in mixed.entries if not is_legislative(e)]
    pairs = zip(kept, plain.entries, strict=True)
    differ = [json.loads(e)["stmt"]["type"] for e, p in pairs if e != p]
    assert differ == ["correction"]  # PPWP's correction cites its target by index
    assert plain.entries[1:] == v1.entries[1:]  # but the manifest, byte for byte


def test_ppwp_totals_statuses_and_exports_are_those_of_the_log_without_them(
    published: dict[str, Path],
) -> None:
    books_ = books()
    folders = {name: generation(folder) for name, folder in published.items()}
    _, base = folders["v1"]
    names = sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())
    assert "summary.json" in names and "export/ppwp-tps.csv" in names
    snapshots = [n for n in names if n.startswith("ppwp/")]
    assert len(snapshots) == len(all_regions(fold(books_["v1"])))
    for relpath in names:
        seen: dict[str, Any] = {}
        for name, (size, folder) in folders.items():
            book = books_[name]
            data = (folder / relpath).read_bytes()
            if relpath.endswith(".csv"):
                seen[name] = csv_without_checkpoint(data)
            elif relpath.endswith("-nist.json"):
                cp = checkpoint_of(book)
                named = f"{cp.origin} {cp.size} {cp.root.hex()}".encode()
                assert named in data and str(size).encode() in named
                seen[name] = data.replace(named, b"<checkpoint>")
            else:
                doc = normal(json.loads(data), book)
                if relpath == "summary.json":
                    doc.pop("legislative", None)  # said of v2 logs only: below
                seen[name] = doc
        assert seen["mixed"] == seen["plain"] == seen["v1"], relpath


def test_the_fold_keeps_legislative_contests_out_of_every_ppwp_number() -> None:
    books_ = books()
    recaps = {name: fold(book) for name, book in books_.items()}
    mixed = recaps["mixed"]
    for code in all_regions(mixed) + list(mixed.hierarchy.iter_tps()):
        assert mixed.vector(code, "ppwp") == recaps["v1"].vector(code, "ppwp"), code
    assert mixed.recomputed("ppwp") == mixed.region_vectors("ppwp")
    assert mixed.contests == ("ppwp",) and mixed.layouts.keys() == {"ppwp"}
    assert mixed.legislative_contests == tuple(LEGISLATIVE) == recaps["plain"].legislative_contests
    assert mixed.not_totalled == () == recaps["plain"].not_totalled
    assert recaps["v1"].legislative_contests == () and recaps["v1"].contests_file is None
    assert mixed.contests_file is not None
    assert mixed.contests_file.digest() == mixed.manifest.contests_digest
    missing = list(mixed.hierarchy.iter_tps())[7]  # a DPR form, no PPWP one
    assert mixed.tps(missing, "ppwp").status.value == "missing"
    assert mixed.authority.current_form(missing, "dpr") is not None


def test_the_authorization_state_of_legislative_entries_is_exact() -> None:
    book = books()["mixed"]
    recap = fold(book)
    authority = recap.authority
    tps = list(book.iter_tps())
    corrected, _ = book.legislative_in_force[(tps[0], "dpr")]
    original = authority.original_form(tps[0], "dpr")
    current = authority.current_form(tps[0], "dpr")
    assert original is not None and current is not None
    assert current.index == corrected and current.type == "correction"
    assert original.type == "c-hasil" and original.index < corrected
    ppwp = authority.current_form(tps[0], "ppwp")
    assert ppwp is not None and ppwp.index == book.in_force[tps[0]][0]  # not the DPR one
    assert recap.recap("317301", "ppwp") is not None  # PPWP's D.Hasil, beside the DPR one
    assert recap.recap("317301", "ppwp").totals.suara_paslon["02"] > 0  # type: ignore[union-attr]


def _log_more(book: Logbook, add: Callable[[Logbook], object]) -> list[bytes]:
    """The book's entries and what ``add`` logs after them (the book is left as it was)."""
    entries, in_force = list(book.entries), dict(book.legislative_in_force)
    try:
        add(book)
        return list(book.entries)
    finally:
        book.entries[:] = entries
        book.legislative_in_force.clear()
        book.legislative_in_force.update(in_force)


def test_a_second_legislative_form_or_a_correction_of_another_contest_stops_the_fold() -> None:
    book = books()["mixed"]
    tps = list(book.iter_tps())
    twice = _log_more(book, lambda b: b.legislative_c_hasil(tps[5], DPR, differing(
        b.true_legislative_form(tps[5], DPR))) and b.legislative_c_hasil(tps[5], DPR))  # fmt: skip
    with pytest.raises(RecapError) as caught:
        Recap.replay(book.hierarchy, twice, contests=book.contests)
    assert caught.value.code == "recap.unauthorized-entry"
    assert caught.value.details == {"index": len(twice) - 1, "cause": "auth.duplicate-form"}

    def correct_the_ppwp_form(b: Logbook) -> None:
        b.legislative_in_force[(tps[5], "dpr")] = b.in_force[tps[5]]  # cites PPWP's c-hasil
        b.legislative_correction(tps[5], DPR, b.true_legislative_form(tps[5], DPR))

    crossed = _log_more(book, correct_the_ppwp_form)
    with pytest.raises(RecapError) as caught:
        Recap.replay(book.hierarchy, crossed, contests=book.contests)
    assert caught.value.code == "recap.unauthorized-entry"
    assert caught.value.details["index"] == len(crossed) - 1


def test_the_contests_file_is_required_and_checked() -> None:
    book = books()["mixed"]
    with pytest.raises(RecapError) as caught:
        Recap.replay(book.hierarchy, book.entries)
    assert caught.value.code == "recap.contests-required"
    assert caught.value.details == {"expected": tiny_contests().digest()}
    assert "--contests" in caught.value.message_en and "--contests" in caught.value.message_id
    other = synthetic_contests(book.hierarchy, seed=7)
    with pytest.raises(RecapError) as caught:
        Recap.replay(book.hierarchy, book.entries, contests=other)
    assert caught.value.code == "recap.contests-mismatch"
    assert caught.value.details == {"expected": tiny_contests().digest(), "found": other.digest()}
    v1 = books()["v1"]  # a v1 log reads no contests file, given or not
    assert Recap.replay(v1.hierarchy, v1.entries, contests=other).contests_file is None


def test_a_legislative_contests_numbers_are_its_tallys_not_ppwps() -> None:
    book = books()["mixed"]
    recap = fold(book)
    tps = next(book.iter_tps())
    for ask in (
        lambda: recap.totals("0", "dpr"),
        lambda: recap.tps(tps, "dpd"),
        lambda: recap.recaps("dprd-kabkota"),
        lambda: list(recap.logged_tps("dprd-prov")),
    ):
        with pytest.raises(RecapError) as caught:
            ask()
        assert caught.value.code == "recap.contest-legislative"
        assert "Recap.legislative" in caught.value.message_en
    assert recap.legislative("dpd").tps(tps).status.value == "received"
    for contest in ("pilkada", "ppwp"):
        with pytest.raises(RecapError) as caught:
            recap.legislative(contest)
        assert caught.value.code == "recap.unknown-contest"
    with pytest.raises(RecapError) as caught:
        recap.totals("0", "pilkada")
    assert caught.value.code == "recap.unknown-contest"


def test_reading_in_workers_and_a_pickled_fold_give_the_same(tmp_path: Path) -> None:
    book = books()["mixed"]
    alone = fold(book)
    workers = fold(book, workers=1, verify=True)
    assert workers.region_vectors("ppwp") == alone.region_vectors("ppwp")
    assert workers.size == alone.size == len(book.entries)
    tps = list(book.iter_tps())
    again = _log_more(book, lambda b: b.legislative_c_hasil(tps[0], DPR))[-1]
    restored: Recap = pickle.loads(pickle.dumps(alone))
    assert restored.legislative_contests == alone.legislative_contests
    for contest in LEGISLATIVE:
        mine, theirs = restored.legislative(contest), alone.legislative(contest)
        assert mine.region_vectors() == theirs.region_vectors()
        assert mine.dapil_vectors() == theirs.dapil_vectors()
        assert list(mine.logged_tps()) == list(theirs.logged_tps())
        assert workers.legislative(contest).dapil_vectors() == theirs.dapil_vectors()
    assert restored.contests_file is not None
    assert restored.contests_file.digest() == tiny_contests().digest()
    assert restored.region_vectors("ppwp") == alone.region_vectors("ppwp")
    with pytest.raises(RecapError) as caught:  # TPS 0's DPR c-hasil, logged again
        restored.apply_entry(again)
    assert caught.value.details["cause"] == "auth.duplicate-entry"


def _everything(recap: Recap) -> list[object]:
    """Every number and record of a fold: PPWP's regions, and each legislative
    contest's regions, dapil and TPS states (rules, flags, copies, corrections)."""
    out: list[object] = [recap.size, sorted(recap.region_vectors("ppwp").items())]
    for contest in LEGISLATIVE:
        tally = recap.legislative(contest)
        out += [tally.region_vectors(), tally.dapil_vectors(), list(tally.logged_tps())]
    return out


@pytest.mark.parametrize("workers", [1, 2])
def test_legislative_forms_read_in_workers_fold_to_the_same_recap(workers: int) -> None:
    """The workers read the legislative c-hasil and corrections (their ballot checked,
    their values and rules read there, the statement sent back without its form): the
    same fold, number for number and record for record, as reading them here."""
    book = books()["mixed"]
    alone = fold(book)
    assert any(s.violations for s in alone.legislative("dpr").logged_tps())
    assert any(s.corrections for s in alone.legislative("dprd-kabkota").logged_tps())
    assert _everything(fold(book, workers=workers)) == _everything(alone)


def test_a_legislative_form_comes_back_from_a_worker_as_read_but_without_its_form() -> None:
    book = books()["mixed"]
    assert book.contests is not None
    set_up_reader(ReaderSetup.of(book.contests))
    try:
        prepared = read_chunk(0, book.entries)
    finally:
        set_up_reader(None)
    light = [(i, p) for i, p in enumerate(prepared) if isinstance(p[0], tuple)]
    assert {book.entries[i].count(b'"type":"correction"') for i, _ in light} == {0, 1}
    for index, (sent, violations, values) in light:
        data = book.entries[index]
        full = read_entry(index, data)
        envelope = envelope_of(cast(Light, sent), data)
        assert envelope.stmt.__dict__ == dict(full.stmt.__dict__, form=None)
        assert type(envelope.stmt) is type(full.stmt)
        assert (envelope.v, envelope.key, envelope.sig) == (full.v, full.key, full.sig)
        assert envelope.leaf_hash == full.leaf_hash == leaf_hash(data)
        assert envelope.entry_bytes == data and envelope.stmt_bytes == full.stmt_bytes
        assert values is not None and violations is not None


def _one_party_short(b: Logbook, tps: str) -> None:
    form = b.true_legislative_form(tps, DPR)
    assert isinstance(form, CHasilPartai)
    short = dict(list(form.partai.items())[:-1])
    b.legislative_c_hasil(tps, DPR, form.model_copy(update={"partai": short}))


def _another_dapil_named(b: Logbook, tps: str) -> None:
    mine, _ = b.district(tps, DPR)
    other = next(c for t in b.iter_tps() if (c := b.district(t, DPR)[0]) != mine)
    fields = {"type": "c-hasil", "at": TALLY_AT, **b._legislative(tps, DPR, None)}
    stmt = parse_model(CHasilLegislatif, {**fields, "district": other}, "c-hasil")
    b.log(sign_statement(stmt, b.keys.kpps(tps)))


@pytest.mark.parametrize(
    ("wrong", "cause"),
    [(_one_party_short, "contest.parties-mismatch"),
     (_another_dapil_named, "contest.district-mismatch")],
)  # fmt: skip
def test_a_legislative_form_not_of_its_dapil_is_refused_alike_with_workers(
    wrong: Callable[[Logbook, str], None], cause: str
) -> None:
    """A worker that finds a form's dapil or ballot wrong leaves the entry to the
    folding process, which refuses it in the authorization's own order and words."""
    book = books()["mixed"]
    tps = list(book.iter_tps())[4]  # no DPR form of its own in the night
    entries = _log_more(book, lambda b: wrong(b, tps))
    refusals = []
    for workers in (0, 1):
        with pytest.raises(RecapError) as caught:
            Recap.replay(book.hierarchy, entries, contests=book.contests, workers=workers)
        refusals.append((caught.value.code, caught.value.details, caught.value.message_en))
    assert refusals[0] == refusals[1]
    assert refusals[0][1] == {"index": len(entries) - 1, "cause": cause}


def test_the_contests_file_is_published_and_linked_and_the_legislative_contests_beside_ppwp(
    published: dict[str, Path],
) -> None:
    folder = published["mixed"]
    latest = json.loads((folder / LATEST).read_text())
    digest = tiny_contests().digest()
    assert latest["contests_file"] == f"contests/{digest}.json"
    data = (folder / latest["contests_file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == digest
    assert fold(books()["mixed"]).manifest.contests_digest == digest
    assert data == tiny_contests().canonical_bytes()
    assert Contests.load(folder / latest["contests_file"], digest=digest) == tiny_contests()
    assert list(latest) == [
        "format", "election", "tree_size", "root_hash", "checkpoint", "checkpoint_note",
        "summary", "regions", "contests_file", "contests", "legislative",
    ]  # fmt: skip
    assert list(latest["contests"]) == ["ppwp"]  # PPWP's readers see PPWP alone
    assert list(latest["legislative"]) == list(LEGISLATIVE)
    _, generation_folder = generation(folder)
    assert sorted(p.name for p in generation_folder.iterdir()) == sorted(
        ["export", "ppwp", "summary.json", *LEGISLATIVE]
    )
    summary = json.loads((folder / latest["summary"]).read_text())
    assert [c["contest"] for c in summary["contests"]] == ["ppwp"]
    names = {c.kind.value: c.name for c in fold(books()["mixed"]).manifest.contests}
    assert "not_published" not in summary  # every contest is published
    assert [(c["contest"], c["name"], c["form"]) for c in summary["legislative"]] == [
        (c, names[c], f"c-hasil-{c}") for c in LEGISLATIVE
    ]
    v1 = published["v1"]  # a v1 publication is as it was
    v1_latest = json.loads((v1 / LATEST).read_text())
    assert "contests_file" not in v1_latest and not (v1 / "contests").exists()
    v1_summary = json.loads((v1 / v1_latest["summary"]).read_text())
    assert "not_published" not in v1_summary and "legislative" not in v1_summary
    assert "legislative" not in v1_latest


def test_a_checkpoint_of_legislative_entries_only_writes_no_ppwp_snapshot(tmp_path: Path) -> None:
    book = books()["mixed"]
    recap = fold(book)
    publisher = Publisher(tmp_path, durable=False)
    publisher.publish(recap, checkpoint_of(book), None)
    recap.take_touched()
    tps = list(book.iter_tps())
    more = _log_more(book, lambda b: b.legislative_c_hasil(tps[5], DPR))
    recap.apply_entry(more[-1])
    touched = recap.take_touched()
    assert touched == set()
    result = publisher.publish(recap, checkpoint_of(book, more), touched, exports=False)
    n = len(more)
    desa = tps[5][:10]
    dapils = recap.legislative("dpr").districts
    path = "/".join((desa[:2], desa[:4], desa[:6], desa))
    snapshots = [f"{n}/dpr/{p}.json" for p in ("0", path[:2], path[:7], path[:14], path)]
    # the DPR regions above it, the seats (the nation's: its progress moved) and every
    # DPR dapil, as the form makes party 13 pass the threshold: their seats' reckoning
    # changed (a dapil file is rewritten when what it says changes, below)
    assert result.files == tuple(sorted([
        *snapshots, *(f"{n}/dpr/dapil/{d}.json" for d in dapils), f"{n}/dpr/seats.json",
        f"{n}/summary.json", LATEST,
    ]))  # fmt: skip
    before = json.loads((tmp_path / f"{n - 1}/dpr/dapil/{dapils[0]}.json").read_text())
    after = json.loads((tmp_path / f"{n}/dpr/dapil/{dapils[0]}.json").read_text())
    assert set(after["threshold"]["passing"]) - set(before["threshold"]["passing"]) == {"13"}
