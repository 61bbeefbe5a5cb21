"""Smoke test of ``make bench``: the benchmark code runs on tiny sizes and reports
every case with its limit. Nothing here is timed: speed lives in the benchmark's
ratios, not in tests."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bench.__main__ import main, select
from bench.foundation import QUICK, Scratch, build_workload, cases
from bench.harness import Case, Run, measure, measure_all, ratio

LIMITS = {
    "forms.check": "pynacl.verify",
    "intake.admit": "pynacl.verify",
    "forms.check-dpr": "pynacl.verify-dpr",
    "intake.admit-dpr": "pynacl.verify-dpr",
    "forms.check-aceh": "pynacl.verify-aceh",
    "intake.admit-aceh": "pynacl.verify-aceh",
    "store.batch": "sqlite.batch",
    "store.single": "sqlite.single",
    "service.single": "intake.admit",
    "service.batch": "intake.admit",
    "recap.replay": "json.sha256.recap",
    "recap.apply": "json.sha256.recap",
    "verify.log": "pynacl.pool",
    "dashboard.nasional": "dashboard.static",
    "dashboard.kecamatan": "dashboard.static",
    "dashboard.tps": "dashboard.static",
    "five.replay": "json.sha256.five",
    "five.apply": "json.sha256.five",
    "five.verify": "json.sha256.five",
}


def test_quick_run_reports_every_case_with_its_ratio(tmp_path: Path) -> None:
    out_file = tmp_path / "results" / "latest.json"
    table = io.StringIO()
    assert (
        main(["--quick", "--repeats", "2", "--out", str(out_file), "--tmp", str(tmp_path)], table)
        == 0
    )
    results = json.loads(out_file.read_text(encoding="utf-8"))
    assert set(results) == {
        "when", "machine", "config", "results", "tlog", "service", "recap", "verify",
        "dashboard", "contests", "five",
    }  # fmt: skip
    assert results["machine"]["cores"] >= 1 and results["machine"]["python"]
    rows = {r["name"]: r for r in results["results"]}
    assert set(LIMITS) | set(LIMITS.values()) <= set(rows)
    for name, limit in LIMITS.items():
        row = rows[name]
        assert row["limit"] == limit
        expected = row["rate_per_second"] / rows[limit]["rate_per_second"]
        # the JSON keeps 4 decimals: small ratios (the recap's ~0.02) are off by up to 5e-5
        assert row["ratio"] == pytest.approx(expected, rel=1e-3, abs=5.1e-5)
    for row in rows.values():
        assert row["repeats"] == 2 and row["items"] > 0
        assert 0 < row["best_seconds"] <= row["median_seconds"]
        assert row["rate_per_second"] > 0
    assert rows["forms.check"]["items"] == QUICK.forms == results["config"]["forms"]
    text = table.getvalue()
    for name in rows:
        assert name in text
    assert list(tmp_path.iterdir()) == [tmp_path / "results"]  # scratch databases removed


def test_json_goes_after_the_table_without_out(tmp_path: Path) -> None:
    out = io.StringIO()
    main(["--quick", "--only", "forms.check", "--tmp", str(tmp_path)], out)
    text = out.getvalue()
    results = json.loads(text[text.index("\n{") + 1 :])
    assert [r["name"] for r in results["results"]] == ["pynacl.verify", "forms.check"]


def test_only_takes_prefixes_adds_limits_and_refuses_unknown_names(tmp_path: Path) -> None:
    def case(name: str, limit: str | None = None) -> Case:
        return Case(name, name, 1, lambda: lambda: None, limit)

    all_cases = [case("a.limit"), case("b.one", "a.limit"), case("b.two"), case("c.x")]
    assert [c.name for c in select(all_cases, ["b"])] == ["a.limit", "b.one", "b.two"]
    assert [c.name for c in select(all_cases, [])] == [c.name for c in all_cases]
    with pytest.raises(SystemExit, match="unknown case nope"):
        select(all_cases, ["nope"])


def test_measure_prepares_fresh_state_for_every_repeat() -> None:
    prepared: list[list[int]] = []

    def prepare() -> Run:
        seen: list[int] = []
        prepared.append(seen)
        return lambda: seen.append(1)

    m = measure(Case("x", "x", 10, prepare), 3)
    assert prepared == [[1], [1], [1]]
    assert len(m.seconds) == 3 and m.rate == 10 / m.best
    assert ratio(m, {"x": m}) is None


def test_workload_entries_are_real_signed_forms(tmp_path: Path) -> None:
    from contextlib import ExitStack

    from saksi.election.envelope import parse_entry

    work = build_workload(QUICK)
    assert len(work.forms) == len(work.messages) == QUICK.forms
    for entry in work.forms[:5]:
        assert parse_entry(entry, election=work.origin).stmt.type == "c-hasil"
    with ExitStack() as stack:
        names = [c.name for c in cases(work, QUICK, Scratch(stack, str(tmp_path)))]
    assert len(names) == len(set(names))


def test_legislative_intake_admits_v2_entries_of_the_forms_checked_bare() -> None:
    """intake.admit-dpr/-aceh admit format v2 C.Hasil entries carrying exactly the forms
    whose bare bytes forms.check-* and pynacl.verify-* check, of the full ballots."""
    from bench import foundation as f
    from saksi.election.envelope import parse_entry
    from saksi.election.statements import CHasilLegislatif

    ACEH_BALLOT, DPR_BALLOT = f.ACEH_BALLOT, f.DPR_BALLOT
    legislative_election, legislative_forms = f.legislative_election, f.legislative_forms
    signed_legislative_forms = f.signed_legislative_forms

    count = QUICK.forms or 1
    election = legislative_election(count, QUICK.seed)
    assert len(DPR_BALLOT.parties) == 18 and {len(c) for _, c in DPR_BALLOT.parties} == {10}
    assert "18" not in dict(DPR_BALLOT.parties)  # Aceh's local party is on no DPR ballot
    assert len(ACEH_BALLOT.parties) == 24 and {len(c) for _, c in ACEH_BALLOT.parties} == {12}
    for name, ballot, contest in (("dpr", DPR_BALLOT, "dpr"), ("aceh", ACEH_BALLOT, "dprd-prov")):
        entries = election.entries[name]
        assert len(entries) == count == len({parse_entry(e).stmt.tps for e in entries})  # type: ignore[union-attr]
        bare = [data for _, data, _ in signed_legislative_forms(ballot, count, QUICK.seed).items]
        for entry, form, data in zip(
            entries, legislative_forms(ballot, count, QUICK.seed), bare, strict=True
        ):
            envelope = parse_entry(entry)
            assert envelope.v == 2 and isinstance(envelope.stmt, CHasilLegislatif)
            assert envelope.stmt.contest == contest and envelope.stmt.form == form
            assert json.loads(data) == form.model_dump(mode="json")


def test_measure_all_interleaves_the_rounds() -> None:
    calls: list[str] = []

    def case(name: str) -> Case:
        return Case(name, name, 1, lambda: lambda: calls.append(name))

    rounds: list[int] = []
    measured = measure_all([case("a"), case("b")], 2, rounds.append)
    assert calls == ["a", "b", "a", "b"] and rounds == [1, 2]
    assert [len(m.seconds) for m in measured] == [2, 2]
    with pytest.raises(ValueError):
        measure_all([case("a")], 0)


def test_tlog_part_reports_rates_proof_latency_and_bounded_memory(tmp_path: Path) -> None:
    from bench.tlog import TLOG_QUICK

    out = io.StringIO()
    json_file = tmp_path / "r.json"
    main(["--quick", "--only", "tlog", "--tmp", str(tmp_path), "--out", str(json_file)], out)
    results = json.loads(json_file.read_text(encoding="utf-8"))
    rows = {r["name"]: r for r in results["results"]}
    assert list(rows) == ["sha256.tlog", "tlog.append"]
    assert rows["tlog.append"]["items"] == TLOG_QUICK.entries
    assert rows["tlog.append"]["ratio"] == pytest.approx(
        rows["tlog.append"]["rate_per_second"] / rows["sha256.tlog"]["rate_per_second"],
        abs=1e-4,  # the report rounds ratios to 4 places; this one is about 0.02
    )
    proofs = results["tlog"]["proofs"]
    assert proofs["log_size"] == TLOG_QUICK.entries
    for name in ("log.prove", "merkle.inclusion_proof"):
        p = proofs[name]
        assert p["count"] == TLOG_QUICK.proofs and 0 < p["p50_us"] <= p["p99_us"] <= p["max_us"]
    memory = results["tlog"]["memory"]
    assert memory["entries"] == TLOG_QUICK.memory_entries
    assert memory["samples"][-1]["entries"] == TLOG_QUICK.memory_entries
    assert memory["peak_mib"] >= memory["first_sample_peak_mib"] > 0
    assert memory["disk_mib"] > 0
    text = out.getvalue()
    assert "log.prove on a log of 3,000" in text and "peak memory building a log" in text
    assert list(tmp_path.iterdir()) == [json_file]  # the logs are removed


def test_service_part_reports_rates_latencies_and_checkpoint_times(tmp_path: Path) -> None:
    from bench.service import SERVICE_QUICK

    out = io.StringIO()
    json_file = tmp_path / "r.json"
    main(["--quick", "--only", "service", "--tmp", str(tmp_path), "--out", str(json_file)], out)
    results = json.loads(json_file.read_text(encoding="utf-8"))
    rows = {r["name"]: r for r in results["results"]}
    assert list(rows) == ["intake.admit", "service.single", "service.batch"]
    assert rows["service.single"]["items"] == SERVICE_QUICK.single
    assert rows["service.batch"]["items"] == SERVICE_QUICK.batched
    for name in ("service.single", "service.batch"):
        rate, limit = rows[name]["rate_per_second"], rows["intake.admit"]["rate_per_second"]
        # the JSON rounds the rates to 0.1 and the ratio to 1e-4: slow rates (a busy
        # machine) round further from the ratio of the unrounded ones
        rounding = 5e-5 + rate / limit * (0.05 / rate + 0.05 / limit)
        assert rows[name]["ratio"] == pytest.approx(rate / limit, abs=1.01 * rounding)
        figures = results["service"][name]
        assert 0 < figures["request_latency_p50_ms"] <= figures["request_latency_p99_ms"]
        assert figures["server_cpu_us_per_statement"] > 0
        assert figures["receipt_to_checkpoint"]["count"] == rows[name]["items"]
    whole = results["service"]["receipt_to_checkpoint"]
    assert whole["count"] == SERVICE_QUICK.single + SERVICE_QUICK.batched
    assert 0 <= whole["p50_ms"] <= whole["p99_ms"] <= whole["max_ms"]
    text = out.getvalue()
    assert "service.single: " in text and "receipt to signed checkpoint (900 receipts)" in text
    assert list(tmp_path.iterdir()) == [json_file]  # the server's data is removed


def test_loadgen_reads_answers_and_quantiles() -> None:
    import asyncio

    from bench.loadgen import (
        CheckpointWatcher,
        build_request,
        checkpoint_size,
        quantile,
        read_answer,
    )

    async def answers(data: bytes) -> list[tuple[int, bytes]]:
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        return [await read_answer(reader), await read_answer(reader)]

    data = (
        b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok"
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n1\r\nd\r\n0\r\n\r\n"
    )
    assert asyncio.run(answers(data)) == [(201, b"ok"), (200, b"abcd")]
    assert build_request("POST", "/p", "h", b"xy", "application/json") == (
        b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
        b"Content-Length: 2\r\n\r\nxy"
    )
    assert quantile([3.0, 1.0, 2.0, 4.0], 0.5) == 2.0 and quantile([5.0], 0.99) == 5.0
    assert checkpoint_size(b"origin\n42\nroot=\n\n- sig\n") == 42
    watcher = CheckpointWatcher("h", 1, seen=[(1.0, 5), (2.0, 9)])
    assert [watcher.covered_at(i) for i in (0, 4, 5, 8, 9)] == [1.0, 1.0, 2.0, 2.0, None]


def test_recap_part_reports_the_replay_the_update_cost_and_peak_memory(tmp_path: Path) -> None:
    from bench.recap import RECAP_QUICK, ensure_log

    cache = tmp_path / "cache"
    out = io.StringIO()
    json_file = tmp_path / "r.json"
    argv = ["--quick", "--only", "recap", "--cache", str(cache), "--out", str(json_file)]
    main([*argv, "--tmp", str(tmp_path)], out)
    results = json.loads(json_file.read_text(encoding="utf-8"))
    rows = {r["name"]: r for r in results["results"]}
    assert list(rows) == ["json.sha256.recap", "recap.replay", "recap.replay.one", "recap.apply"]
    extra = results["recap"]
    log = extra["log"]
    assert log["forms"] == RECAP_QUICK.forms and log["corrections"] == RECAP_QUICK.corrections
    assert log["entries"] == 1 + log["key_entries"] + log["forms"]
    assert rows["recap.replay"]["items"] == rows["json.sha256.recap"]["items"] == log["entries"]
    assert rows["recap.apply"]["items"] == log["corrections"]
    for name in ("recap.replay", "recap.apply"):
        assert rows[name]["ratio"] == pytest.approx(
            rows[name]["rate_per_second"] / rows["json.sha256.recap"]["rate_per_second"],
            abs=1e-4,  # the report rounds ratios to 4 places
        )
    assert extra["apply"]["count"] == log["corrections"]
    assert 0 < extra["memory"]["baseline_mib"] <= extra["memory"]["peak_mib"]
    assert extra["publish"]["files_written"] > 0
    text = out.getvalue()
    assert "recap.replay: " in text and "national log only" in text
    # the log is cached under its parameters: the next run finds it, nothing is signed again
    generated = sorted(p.name for p in cache.iterdir())
    assert len(generated) == 3  # the log, its tail of corrections and their facts
    again = ensure_log(RECAP_QUICK, cache, None)
    assert again.meta == log and sorted(p.name for p in cache.iterdir()) == generated


def test_recap_log_files_hold_the_entries_in_order(tmp_path: Path) -> None:
    from bench.recap import read_frames, write_frames

    entries = [b"", b"a", bytes(range(256)) * 40]
    path = tmp_path / "frames"
    with path.open("wb") as f:
        assert write_frames(f, entries) == 3
    assert list(read_frames(path, block=7)) == entries
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(ValueError, match="truncated"):
        list(read_frames(path, block=7))


def test_verify_part_reports_the_ratio_to_raw_verification_and_peak_memory(
    tmp_path: Path,
) -> None:
    from bench.verify import VERIFY_QUICK, ensure_published

    cache = tmp_path / "cache"
    out = io.StringIO()
    json_file = tmp_path / "r.json"
    argv = ["--quick", "--only", "verify", "--cache", str(cache), "--out", str(json_file)]
    main([*argv, "--tmp", str(tmp_path)], out)
    results = json.loads(json_file.read_text(encoding="utf-8"))
    rows = {r["name"]: r for r in results["results"]}
    assert list(rows) == ["pynacl.pool", "verify.log", "verify.floor"]
    assert rows["verify.floor"]["context"] and rows["verify.floor"]["limit"] == "pynacl.pool"
    assert rows["verify.floor"]["items"] == rows["pynacl.pool"]["items"]
    extra = results["verify"]
    entries = extra["log"]["entries"]
    assert entries == 1 + extra["log"]["key_entries"] + extra["log"]["forms"]
    assert rows["verify.log"]["items"] == rows["pynacl.pool"]["items"] == entries
    assert rows["verify.log"]["ratio"] == pytest.approx(
        rows["verify.log"]["rate_per_second"] / rows["pynacl.pool"]["rate_per_second"], abs=1e-4
    )
    (round_,) = extra["verify_rounds"]
    assert 0 < round_["main_peak_mib"] <= round_["peak_mib"]
    assert round_["peak_mib"] == pytest.approx(
        round_["main_peak_mib"] + sum(round_["children_peak_mib"]), abs=0.2
    )
    assert "verify.log: " in out.getvalue() and "national log only" in out.getvalue()
    assert "to verify.floor " in out.getvalue()  # issue 15's target: a share of the floor
    # the publication is cached beside the log: the next run finds it as it is
    published = ensure_published(VERIFY_QUICK, cache, None)
    assert (published.folder / "checkpoint").is_file() and (published.folder / "tile").is_dir()
    assert not (published.folder / ".state").exists()  # no store, no secret key
    before = sorted(p.name for p in cache.iterdir())
    assert ensure_published(VERIFY_QUICK, cache, None).meta == published.meta
    assert sorted(p.name for p in cache.iterdir()) == before


def test_dashboard_part_reports_pages_against_a_static_file_and_the_page_weight(
    tmp_path: Path,
) -> None:
    from bench.dashboard import DASHBOARD_QUICK, PAGES, ensure_results

    cache = tmp_path / "cache"
    out = io.StringIO()
    json_file = tmp_path / "r.json"
    argv = ["--quick", "--only", "dashboard", "--cache", str(cache), "--out", str(json_file)]
    main([*argv, "--tmp", str(tmp_path), "--repeats", "2"], out)
    results = json.loads(json_file.read_text(encoding="utf-8"))
    rows = {r["name"]: r for r in results["results"]}
    assert list(rows) == ["dashboard.static", *PAGES]
    extra = results["dashboard"]
    for name in PAGES:
        assert rows[name]["items"] == DASHBOARD_QUICK.requests and rows[name]["repeats"] == 2
        figures = extra[name]
        assert 0 < figures["latency_p50_ms"] <= figures["latency_p99_ms"]
        assert figures["latency_p99_ms"] <= figures["latency_p99_ms_worst_round"]
        assert figures["bytes_per_answer"] > 1000  # a page, not an error
    weight = extra["page_weight"]
    assert set(weight["files"]) == {"/"} | {p for p in weight["files"] if p.startswith("/static/")}
    assert len(weight["files"]) == 3  # the HTML, its one style sheet and its one script
    assert (
        0
        < weight["gzip_bytes"]
        < weight["bytes"]
        == sum(f["bytes"] for f in weight["files"].values())
    )
    assert extra["loadavg"]["before"] and extra["publication"]["forms"] == 400
    text = out.getvalue()
    assert "Nasional page weight" in text and "national only" in text
    # the results are cached beside the log and its tiles: the next run finds them as they are
    before = sorted(p.name for p in cache.iterdir())
    assert ensure_results(DASHBOARD_QUICK, cache, None).meta == extra["publication"]
    assert sorted(p.name for p in cache.iterdir()) == before
    assert not any(p.name.startswith("tmp") for p in tmp_path.iterdir())  # server data gone


def test_signed_parts_are_what_the_envelope_verifies() -> None:
    import base64

    from bench.verify import signed_parts
    from saksi.election.envelope import SIGNATURE_DOMAIN, parse_entry

    work = build_workload(QUICK)
    entry = work.forms[0]
    envelope = parse_entry(entry)
    key, sig, message = signed_parts(entry)
    assert key == base64.b64decode(envelope.key) and sig == base64.b64decode(envelope.sig)
    assert message == SIGNATURE_DOMAIN + envelope.stmt_bytes
    with pytest.raises(ValueError):
        signed_parts(entry[:-1])


def test_the_seats_part_gives_every_seat_of_every_dapil() -> None:
    from bench import seats

    work = seats.build(0.01)
    raw, allocate = seats.cases(0.01)
    assert (raw.name, allocate.name, allocate.limit) == ("seats.raw", "seats.allocate", "seats.raw")
    results = seats._allocate(work)()
    assert isinstance(results, list)
    by_contest = {r.contest: r for r in results}
    assert set(by_contest) == {"dpr", "dpd", "dprd-prov", "dprd-kabkota"}
    for contest, dapils in work.party.items():
        given = by_contest[contest].dapil
        for d in dapils:  # every seat given (DPR: to the parties above the threshold)
            assert sum(given[d.dapil].values()) == d.seats
    assert len(by_contest["dpd"].elected) == 4 * len(work.dpd)
    assert seats._raw(work)() == sum(d.seats for ds in work.party.values() for d in ds) + 4 * len(
        work.dpd
    )


def test_five_contest_part_reports_replay_and_seats_the_update_cost_and_verify(
    tmp_path: Path,
) -> None:
    from bench.legislative_night import FIVE_QUICK, NAMES, ensure_log, ensure_published
    from saksi.election.envelope import parse_entry
    from saksi.election.statements import CHasilLegislatif, CorrectionLegislatif

    cache = tmp_path / "cache"
    out = io.StringIO()
    json_file = tmp_path / "r.json"
    argv = ["--quick", "--only", "five", "--cache", str(cache), "--out", str(json_file)]
    main([*argv, "--tmp", str(tmp_path)], out)
    results = json.loads(json_file.read_text(encoding="utf-8"))
    rows = {r["name"]: r for r in results["results"]}
    assert list(rows) == ["json.sha256.five", "five.replay", "five.apply", "five.verify"]
    assert set(rows) == NAMES
    extra = results["five"]
    log = extra["log"]
    # every TPS but a few sends one C.Hasil per contest it votes in: PPWP and its ballots
    assert 0 < log["tps"] - log["tps_with_forms"] <= log["tps"] // 100 + 1
    assert log["forms_by_contest"]["ppwp"] == log["tps_with_forms"]
    assert set(log["forms_by_contest"]) == {"ppwp", "dpr", "dpd", "dprd-prov", "dprd-kabkota"}
    assert log["forms"] == sum(log["forms_by_contest"].values()) > 4 * log["tps_with_forms"]
    assert log["entries"] == 1 + log["key_entries"] + log["forms"]
    assert log["corrections"] == FIVE_QUICK.corrections
    for name in ("json.sha256.five", "five.replay", "five.verify"):
        assert rows[name]["items"] == log["entries"]
    assert rows["five.apply"]["items"] == log["corrections"]
    for name in ("five.replay", "five.apply", "five.verify"):
        assert rows[name]["limit"] == "json.sha256.five"
        assert rows[name]["ratio"] == pytest.approx(
            rows[name]["rate_per_second"] / rows["json.sha256.five"]["rate_per_second"],
            abs=1e-4,  # the report rounds ratios to 4 places
        )
    # the seats of every legislative contest, every seat of every dapil given
    seats = extra["seats"]
    assert set(seats) == {"dpr", "dpd", "dprd-prov", "dprd-kabkota"}
    for contest, facts in seats.items():
        assert facts["dapil"] == log["dapil"][contest]
        assert facts["elected"] == facts["seats"] > 0
    assert seats["dpd"]["seats"] == 4 * log["dapil"]["dpd"]
    (split,) = extra["split"]
    assert split["replay_seconds"] + split["seats_seconds"] == pytest.approx(
        rows["five.replay"]["best_seconds"], abs=2e-3
    )
    assert extra["apply"]["count"] == log["corrections"]
    assert 0 < extra["memory"]["baseline_mib"] <= extra["memory"]["peak_mib"]
    (verified,) = extra["verify_rounds"]
    assert verified["seats_contests"] == ["dpd", "dpr", "dprd-kabkota", "dprd-prov"]
    assert 0 < verified["main_peak_mib"] <= verified["peak_mib"]
    text = out.getvalue()
    for line in ("five.replay: ", "five.apply (one more entry): ", "five.verify: "):
        assert line in text
    assert "national log only" in text and "extrapolation" not in text  # too small for one
    # the tail corrects legislative forms in force; the log and its tiles are cached
    files = ensure_log(FIVE_QUICK, cache, None)
    assert files.meta == log
    from bench.recap import read_frames

    for entry in read_frames(files.tail):
        stmt = parse_entry(entry).stmt
        assert isinstance(stmt, CorrectionLegislatif)  # of a legislative contest
    kinds = {type(parse_entry(e).stmt) for e in list(read_frames(files.log))[-50:]}
    assert CHasilLegislatif in kinds
    before = sorted(p.name for p in cache.iterdir())
    assert ensure_published(FIVE_QUICK, cache, None).meta["entries"] == log["entries"]
    assert sorted(p.name for p in cache.iterdir()) == before
