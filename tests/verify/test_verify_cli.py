"""``saksi verify``: a clean publication verifies; each attack is caught with its own code.

Every publication here is real files: a :class:`~saksi.tlog.log.Log`, the
Publisher's results and photos named by hash (tests/verify/factory.py). The
attacks rewrite those files (or rebuild the log with the same log key) and run the
command, as a journalist would.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from saksi.cli import cli
from saksi.election.envelope import sign_statement
from saksi.election.keys import SigningKey
from saksi.election.statements import CHasil, Correction, EntryRef
from saksi.sim.logbook import CORRECTION_AT, TALLY_AT
from saksi.store import open_store
from saksi.tlog.checkpoint import CosignatureSigner, add_cosignature
from saksi.tlog.log import Log
from saksi.tlog.note import generate_key
from tests.recap.factory import shifted
from tests.static_site import serve_folder
from tests.verify.factory import Pub, build, grow, publish_results, relog


@pytest.fixture
def pub(tmp_path: Path) -> Pub:
    return build(tmp_path / "pub")


def run(pub: Pub, state: Path, *extra: str, source: str | None = None) -> tuple[int, Any, str]:
    """``saksi verify --json``: exit code, the report, standard error."""
    args = ["verify", source or str(pub.root), "--state", str(state), "--json", *extra]
    if "--policy" not in extra and "--log-key" not in extra:
        args += ["--log-key", pub.vkey]
    result = CliRunner().invoke(cli, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = None
    return result.exit_code, report, result.stderr


def codes(report: dict[str, Any]) -> set[str]:
    return {f["code"] for f in report["findings"]}


def only(report: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["code"] == code]


# --- clean --------------------------------------------------------------------------


def test_a_clean_publication_verifies_then_only_new_entries_are_read(
    pub: Pub, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    code, report, err = run(pub, state)
    assert code == 0, (report, err)
    assert report["headline"] == "VERIFIED / TERVERIFIKASI"
    size = len(pub.book.entries)
    assert report["checkpoint"]["tree_size"] == size
    checked = report["checked"]
    assert checked["entries"] == size and checked["tiles"] >= 1 and checked["bundles"] >= 1
    assert checked["photos_checked"] == 12 and checked["results"] is True
    assert checked["snapshots"] == 13  # nation, 2 provinsi, 3 kab, 3 kec, 4 desa
    assert checked["exports"] == 6  # five CSV levels and the NIST report
    assert report["state_saved"] and (state / "state.json").is_file()

    code, report, _ = run(pub, state)  # nothing new: nothing read, results compared again
    assert code == 0 and report["checked"]["entries"] == 0
    assert report["previous"]["tree_size"] == size and report["checked"]["snapshots"] == 13

    book = pub.book
    book.c_hasil(pub.tps[6])
    grow(pub, book.entries[size:])
    publish_results(pub)
    code, report, _ = run(pub, state)
    assert code == 0, report
    assert report["checked"]["entries"] == 1 and "tiles" not in report["checked"]
    assert report["checkpoint"]["tree_size"] == size + 1


def test_the_readable_summary(pub: Pub, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["verify", str(pub.root), "--log-key", pub.vkey, "--state", str(tmp_path / "s")]
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("VERIFIED / TERVERIFIKASI\n")
    assert "photos / foto: 12 checked, 0 not published" in result.stdout
    assert "witnesses / pemantau: quorum" in result.stdout  # saksi: a party's witness only


@pytest.fixture
def http_base(pub: Pub, tmp_path: Path) -> Iterator[str]:
    """The publication as a web server lays it out: /log/, /results/, /v1/photos/."""
    site = tmp_path / "site"
    (site / "v1").mkdir(parents=True)
    (site / "log").symlink_to(pub.log_dir)
    (site / "results").symlink_to(pub.results)
    (site / "v1" / "photos").symlink_to(pub.photos)
    with serve_folder(site) as base:
        yield base


def test_a_clean_publication_verifies_over_http(pub: Pub, http_base: str, tmp_path: Path) -> None:
    code, report, err = run(pub, tmp_path / "state", source=http_base)
    assert code == 0, (report, err)
    assert report["checked"]["photos_checked"] == 12 and report["checked"]["snapshots"] == 13
    (pub.photos / next(pub.photos.iterdir()).name).write_bytes(b"another picture")
    code, report, _ = run(pub, tmp_path / "state2", source=http_base)
    assert code == 8 and codes(report) == {"verify.photo-mismatch"}


def test_a_bare_log_checks_the_log_only(pub: Pub, tmp_path: Path) -> None:
    code, report, _ = run(
        pub, tmp_path / "s", "--regions", str(pub.regions), source=str(pub.log_dir)
    )
    assert code == 0, report
    assert report["checked"]["results"] is False and report["checked"]["photos"] is False
    assert "results and the photos were not checked" in report["notices"][0]["en"]


def test_all_cores(pub: Pub, tmp_path: Path) -> None:
    code, report, _ = run(pub, tmp_path / "s", "--workers", "2")
    assert code == 0 and report["checked"]["entries"] == len(pub.book.entries)


# --- the source and the checkpoint ------------------------------------------------


def test_an_unreachable_source(pub: Pub, tmp_path: Path) -> None:
    code, report, _ = run(pub, tmp_path / "s", source=str(tmp_path / "nowhere"))
    assert code == 3 and codes(report) == {"verify.unreachable"}
    code, report, _ = run(pub, tmp_path / "s", source="http://127.0.0.1:9/")
    assert code == 3 and report["headline"] == "SOURCE UNREACHABLE / SUMBER TIDAK DAPAT DIBACA"


def test_a_wrong_log_key(pub: Pub, tmp_path: Path) -> None:
    _, other = generate_key(pub.book.origin)
    code, report, _ = run(pub, tmp_path / "s", "--log-key", other)
    assert code == 4 and codes(report) == {"verify.checkpoint-signature"}
    assert report["headline"] == "BAD SIGNATURE / TANDA TANGAN TIDAK SAH"


def test_the_witness_quorum_on_the_command_line_and_in_a_policy(pub: Pub, tmp_path: Path) -> None:
    one = CosignatureSigner.from_skey(generate_key("witness.example/bawaslu")[0])
    two = CosignatureSigner.from_skey(generate_key("witness.example/ugm")[0])
    witnesses = ["--witness", one.vkey, "--witness", two.vkey]
    code, report, _ = run(pub, tmp_path / "a", *witnesses, "--quorum", "1")
    assert code == 4 and codes(report) == {"verify.quorum-not-met"}
    note = add_cosignature(pub.checkpoint(), one, 1_700_000_000)
    (pub.log_dir / "checkpoint").write_bytes(note)
    code, report, _ = run(pub, tmp_path / "b", *witnesses, "--quorum", "1")
    assert code == 0 and report["witnesses"]["cosigned"] == ["w1"]
    code, report, _ = run(pub, tmp_path / "c", *witnesses)  # default: all of them
    assert code == 4 and "quorum 2 of (w1, w2) is not met" in report["findings"][0]["message"]["en"]
    assert "kuorum pemantau 2 of (w1, w2)" in report["findings"][0]["message"]["id"]
    policy = tmp_path / "policy"
    policy.write_text(
        f"# the election's witnesses\nlog {pub.vkey}\nwitness bawaslu {one.vkey}\n"
        f"witness ugm {two.vkey} https://witness.example/ugm\n"
        "group some any bawaslu ugm\nquorum some\n"
    )
    code, report, _ = run(pub, tmp_path / "d", "--policy", str(policy))
    assert code == 0 and report["witnesses"] == {"quorum": "1 of (bawaslu, ugm)",
                                                 "cosigned": ["bawaslu"]}  # fmt: skip


# --- the log ------------------------------------------------------------------------


def _first_bundle(pub: Pub) -> Path:
    return next(p for p in (pub.log_dir / "tile" / "entries").rglob("*") if p.is_file())


def test_a_changed_byte_in_a_bundle(pub: Pub, tmp_path: Path) -> None:
    bundle = _first_bundle(pub)
    data = bytearray(bundle.read_bytes())
    offset = 2 + len(pub.book.entries[0]) + 2 + 10  # inside entry 1
    data[offset] ^= 1
    bundle.write_bytes(bytes(data))
    code, report, _ = run(pub, tmp_path / "s")
    assert code == 5 and report["headline"] == "LOG INCONSISTENT / LOG TIDAK KONSISTEN"
    [found] = only(report, "verify.tiles")
    assert found["details"]["cause"] == "log.bundle-mismatch" and found["details"]["entry"] == 1


def test_a_changed_byte_in_a_tile(pub: Pub, tmp_path: Path) -> None:
    tile = next(p for p in (pub.log_dir / "tile" / "0").rglob("*") if p.is_file())
    data = bytearray(tile.read_bytes())
    data[0] ^= 1
    tile.write_bytes(bytes(data))
    code, report, _ = run(pub, tmp_path / "s")
    assert code == 5 and only(report, "verify.tiles")


def test_an_entry_deleted_is_a_fork_of_what_was_verified(pub: Pub, tmp_path: Path) -> None:
    state = tmp_path / "s"
    assert run(pub, state)[0] == 0
    book = pub.book
    book.c_hasil(pub.tps[6])
    book.c_hasil(pub.tps[7])
    entries = book.entries[:30] + book.entries[31:]  # entry 30 (a c-hasil) removed
    relog(pub, entries)
    code, report, _ = run(pub, state)
    assert code == 5 and codes(report) == {"verify.fork"}
    [found] = report["findings"]
    assert "does not extend the tree of size" in found["message"]["en"]
    evidence = Path(found["details"]["evidence"])
    size = len(book.entries) - 2
    assert (evidence / f"verified-{size}.checkpoint").is_file()
    assert (evidence / f"presented-{len(entries)}.checkpoint").read_bytes() == pub.checkpoint()
    assert not report["state_saved"]


def test_two_entries_swapped_break_the_authorization_chain(pub: Pub, tmp_path: Path) -> None:
    entries = list(pub.book.entries)
    first_form = next(i for i, e in enumerate(entries) if b'"c-hasil"' in e)
    signer = json.loads(entries[first_form])["key"]
    registration = next(
        i for i, e in enumerate(entries) if json.loads(e)["stmt"].get("key") == signer
    )
    entries[registration], entries[first_form] = entries[first_form], entries[registration]
    relog(pub, entries, drop_results=True)
    code, report, _ = run(pub, tmp_path / "s", "--regions", str(pub.regions))
    assert code == 6 and report["headline"] == "UNAUTHORIZED STATEMENT / PERNYATAAN TIDAK BERWENANG"
    found = only(report, "verify.unauthorized")
    assert found[0]["details"]["index"] == registration  # the form, now before its key
    assert found[0]["details"]["cause"] == "auth.unknown-key"


def test_a_forged_signature(pub: Pub, tmp_path: Path) -> None:
    entries = list(pub.book.entries)
    index = next(i for i, e in enumerate(entries) if b'"c-hasil"' in e)
    forged = entries[index].replace(b'"suara_tidak_sah":', b'"suara_tidak_sah":1', 1)
    assert forged != entries[index]
    entries[index] = forged
    relog(pub, entries, drop_results=True)
    code, report, _ = run(pub, tmp_path / "s", "--regions", str(pub.regions))
    assert code == 4
    [found] = only(report, "verify.entry-bad-signature")
    assert found["details"] == {"index": index, "cause": "statement.bad-signature"}


def test_an_entry_signed_by_a_key_never_registered(pub: Pub, tmp_path: Path) -> None:
    book = pub.book
    tps = pub.tps[6]
    stmt = CHasil(
        type="c-hasil", election=book.origin, at=TALLY_AT, tps=tps, contest="ppwp",
        form=book.true_form(tps),
    )  # fmt: skip
    stranger = sign_statement(stmt, SigningKey.from_seed(b"\x07" * 32)).to_bytes()
    relog(pub, [*book.entries, stranger])
    code, report, _ = run(pub, tmp_path / "s")
    assert code == 6
    [found] = only(report, "verify.unauthorized")
    assert found["details"]["index"] == len(book.entries)
    assert found["details"]["cause"].startswith("auth.")


def test_a_correction_by_a_key_without_the_right_for_that_region(pub: Pub, tmp_path: Path) -> None:
    book = pub.book
    tps = pub.tps[0]
    other_kab = next(t[:4] for t in pub.tps if t[:4] != tps[:4])
    index, target = book.in_force[tps]
    stmt = Correction(
        type="correction", election=book.origin, at=CORRECTION_AT, tps=tps, contest="ppwp",
        corrects=EntryRef(index=index, leaf_hash=target.leaf_hash_hex),
        form=shifted(book.true_form(tps), 5), reason="salah hitung",
    )  # fmt: skip
    env = sign_statement(stmt, book.keys.key(f"kpu-kab-{other_kab}"))
    relog(pub, [*book.entries, env.to_bytes()])
    code, report, _ = run(pub, tmp_path / "s")
    assert code == 6
    [found] = only(report, "verify.unauthorized")
    assert found["details"]["index"] == len(book.entries)
    assert found["details"]["cause"].startswith("auth.")
    assert f"entry {len(book.entries)}" in found["message"]["en"]


def test_a_rollback_keeps_both_checkpoints(pub: Pub, tmp_path: Path) -> None:
    state = tmp_path / "s"
    before = pub.checkpoint()
    assert run(pub, state)[0] == 0
    size = len(pub.book.entries)
    pub.book.c_hasil(pub.tps[6])
    grow(pub, pub.book.entries[size:])
    newer = pub.checkpoint()
    assert run(pub, state)[0] == 0
    (pub.log_dir / "checkpoint").write_bytes(before)  # the old checkpoint served again
    code, report, _ = run(pub, state)
    assert code == 5 and codes(report) == {"verify.rollback"}
    evidence = Path(report["evidence"][0])
    assert (evidence / f"verified-{size + 1}.checkpoint").read_bytes() == newer
    assert (evidence / f"presented-{size}.checkpoint").read_bytes() == before


def test_a_fork_two_checkpoints_of_one_size(pub: Pub, tmp_path: Path) -> None:
    state = tmp_path / "s"
    assert run(pub, state)[0] == 0
    seen = pub.checkpoint()
    book = pub.book
    entries = list(book.entries)
    last = max(i for i, e in enumerate(entries) if b'"c-hasil"' in e)
    tps = pub.tps[5]
    stmt = CHasil(
        type="c-hasil", election=book.origin, at="2024-02-14T08:31:00Z", tps=tps,
        contest="ppwp", form=shifted(book.true_form(tps), 4),
    )  # fmt: skip
    entries[last] = sign_statement(stmt, book.keys.kpps(tps)).to_bytes()
    relog(pub, entries)
    code, report, _ = run(pub, state)
    assert code == 5 and codes(report) == {"verify.fork"}
    evidence = Path(report["evidence"][0])
    size = len(entries)
    assert (evidence / f"verified-{size}.checkpoint").read_bytes() == seen
    assert (evidence / f"presented-{size}.checkpoint").read_bytes() == pub.checkpoint()
    code, report, _ = run(pub, tmp_path / "fresh")  # alone, a valid log; its results are not
    assert code == 5 and codes(report) == {"verify.results-other-log"}


# --- photos and results -------------------------------------------------------------


def test_a_photo_replaced_after_its_form_was_logged(pub: Pub, tmp_path: Path) -> None:
    photo = sorted(pub.photos.iterdir())[0]
    photo.write_bytes(b"a different picture")
    code, report, _ = run(pub, tmp_path / "s")
    assert code == 8 and report["headline"] == "PHOTO MISMATCH / FOTO TIDAK COCOK"
    [found] = report["findings"]
    assert found["details"]["photo"] == photo.name
    assert found["details"]["sha256"] == hashlib.sha256(b"a different picture").hexdigest()


def test_a_photo_not_published_is_only_counted(pub: Pub, tmp_path: Path) -> None:
    sorted(pub.photos.iterdir())[0].unlink()
    code, report, _ = run(pub, tmp_path / "s")
    assert code == 0 and report["checked"]["photos_absent"] == 1


def _edit_json(path: Path, edit: Any) -> None:
    doc = json.loads(path.read_bytes())
    edit(doc)
    path.write_text(json.dumps(doc))


def test_a_snapshot_one_vote_off(pub: Pub, tmp_path: Path) -> None:
    latest = json.loads((pub.results / "latest.json").read_bytes())
    national = pub.results / latest["contests"]["ppwp"]["snapshot"]
    _edit_json(national, lambda d: d["totals"]["suara_paslon"].__setitem__(
        "01", d["totals"]["suara_paslon"]["01"] + 1))  # fmt: skip
    code, report, _ = run(pub, tmp_path / "s")
    assert code == 7 and report["headline"] == "WRONG TOTALS / TOTAL SALAH"
    [found] = report["findings"]
    details = found["details"]
    assert details["region"] == "0" and details["contest"] == "ppwp"
    assert details["field"] == "totals.suara_paslon.01"
    assert details["published"] == details["recomputed"] + 1


def test_a_desa_snapshot_reached_through_hrefs(pub: Pub, tmp_path: Path) -> None:
    desa = pub.tps[0][:10]
    [path] = [p for p in pub.results.rglob(f"{desa}.json")]
    _edit_json(path, lambda d: d["children"][0]["values"].__setitem__("suara_sah", 1))
    code, report, _ = run(pub, tmp_path / "s")
    assert code == 7
    [found] = report["findings"]
    assert found["details"]["region"] == pub.tps[0]
    assert found["details"]["field"] == "values.suara_sah"


def test_every_field_of_a_snapshot_is_checked_not_only_the_totals(pub: Pub, tmp_path: Path) -> None:
    """A correction hidden from the nation's anomaly counts, a flag added to a TPS, a
    field the fold does not make: each is a finding of its own."""
    latest = json.loads((pub.results / "latest.json").read_bytes())
    national = pub.results / latest["contests"]["ppwp"]["snapshot"]

    def hide(doc: dict[str, Any]) -> None:
        doc["anomalies"]["correction"] = 0
        doc["remark"] = "all clear"

    _edit_json(national, hide)
    desa = pub.tps[0][:10]
    [path] = [p for p in pub.results.rglob(f"{desa}.json")]
    _edit_json(path, lambda d: d["children"][0].__setitem__("flags", ["voters-above-300"]))
    code, report, _ = run(pub, tmp_path / "s")
    assert code == 7
    found = sorted(
        (f["details"]["region"], f["details"]["field"], f["details"]["published"],
         f["details"]["recomputed"])
        for f in only(report, "verify.totals-differ")
    )  # fmt: skip
    assert found == [
        ("0", "anomalies.correction", 0, 1),
        ("0", "remark", "all clear", None),
        (pub.tps[0], "flags", ["voters-above-300"], []),
    ]


def test_an_altered_csv_export(pub: Pub, tmp_path: Path) -> None:
    [csv] = list(pub.results.rglob("ppwp-provinsi.csv"))
    lines = csv.read_text().splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    column = header.index("suara_sah")
    row[column] = str(int(row[column]) - 1)
    csv.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n")
    code, report, _ = run(pub, tmp_path / "s")
    assert code == 7
    [found] = report["findings"]
    assert found["details"]["field"] == "suara_sah" and found["details"]["region"] == row[0]
    assert int(found["details"]["published"]) == int(found["details"]["recomputed"]) - 1


def test_an_altered_nist_export(pub: Pub, tmp_path: Path) -> None:
    [nist] = list(pub.results.rglob("ppwp-nist.json"))

    def edit(doc: dict[str, Any]) -> None:
        count = doc["Election"][0]["Contest"][0]["ContestSelection"][1]["VoteCounts"][0]
        count["Count"] += 1

    _edit_json(nist, edit)
    code, report, _ = run(pub, tmp_path / "s")
    assert code == 7
    [found] = report["findings"]
    assert found["details"]["field"] == "VoteCounts.02" and found["details"]["region"] == "0"


def test_results_of_another_log(pub: Pub, tmp_path: Path) -> None:
    _edit_json(pub.results / "latest.json", lambda d: d.__setitem__("root_hash", "00" * 32))
    code, report, _ = run(pub, tmp_path / "s")
    assert code == 5 and codes(report) == {"verify.results-other-log"}


# --- the state folder ---------------------------------------------------------------


def test_a_damaged_or_foreign_state_is_refused(pub: Pub, tmp_path: Path) -> None:
    state = tmp_path / "s"
    assert run(pub, state)[0] == 0
    fold_file = next(state.glob("fold-*.bin"))
    fold_file.write_bytes(fold_file.read_bytes()[:-1] + b"\x00")
    code, _, err = run(pub, state)
    assert code == 2 and "verify.bad-state" in err
    code, report, _ = run(pub, state, "--full")  # --full does not read the saved fold
    assert code == 0 and report["checked"]["entries"] == len(pub.book.entries)
    log, vkey = Log.create(tmp_path / "other", "other.example/log", open_store, durable=False)
    log.close()
    code, _, err = run(pub, state, "--log-key", vkey, source=str(tmp_path / "other"))
    assert code == 2 and "verify.state-other-log" in err


def test_a_state_of_another_layout_is_refused_or_rebuilt_never_half_read(
    pub: Pub, tmp_path: Path
) -> None:
    state = tmp_path / "s"
    assert run(pub, state)[0] == 0
    saved = json.loads((state / "state.json").read_bytes())
    saved["format"] = "saksi-verify-state/1"  # an earlier version's layout (a pickled Recap)
    (state / "state.json").write_text(json.dumps(saved))
    code, _, err = run(pub, state)
    assert code == 2 and "verify.state-layout" in err and "--full" in err
    code, report, _ = run(pub, state, "--full")  # not read: rebuilt from the log
    assert code == 0 and report["state_saved"] and report["previous"] is None
    assert any("another layout" in n["en"] for n in report["notices"])
    assert json.loads((state / "state.json").read_bytes())["format"] == "saksi-verify-state/2"
    # a fold file of another layout (same hash named) is refused whole
    fold_file = next(state.glob("fold-*.bin"))
    import pickle

    fold_file.write_bytes(pickle.dumps({"format": "saksi-verify-fold/0", "size": 1}))
    saved = json.loads((state / "state.json").read_bytes())
    saved["fold_sha256"] = hashlib.sha256(fold_file.read_bytes()).hexdigest()
    (state / "state.json").write_text(json.dumps(saved))
    code, _, err = run(pub, state)
    assert code == 2 and "verify.bad-state" in err and "saksi-verify-fold/5" in err
    assert "saksi-verify-fold/0" in err


def test_malformed_results_are_a_finding_not_a_crash(pub: Pub, tmp_path: Path) -> None:
    _edit_json(pub.results / "latest.json", lambda d: d["contests"].__setitem__("ppwp", 7))
    code, report, _ = run(pub, tmp_path / "s")
    assert code == 7 and codes(report) == {"verify.results-missing"}
