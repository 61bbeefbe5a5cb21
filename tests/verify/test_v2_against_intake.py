"""The verifier against the reference on format v2 logs: two readings of the docs held
to each other.

On random logs of the four legislative contests (forms of every contest, inconsistent
and flagged forms, wrong dapil, wrong parties and candidates, party and DPD witnesses,
DPD candidates' keys, corrections, D.Hasil, text refused by the format, a v1 entry of a
v2 statement, PPWP forms of version 1 beside them) every entry's verdict (accepted, or
the code that refuses it) must be the same from ``saksi.verify`` and from the
reference (``parse_entry`` and the ``Authority``), and so must the rules each accepted
legislative form breaks and what the verifier counts of each contest.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saksi.election.envelope import parse_entry, sign_statement
from saksi.election.keys import SigningKey, b64
from saksi.election.legislative_forms import check_form
from saksi.election.rules import countable
from saksi.election.statements import LegislativeFormStatement, parse_statement
from saksi.errors import SaksiError
from saksi.verify import layout
from saksi.verify.contests import Contests
from saksi.verify.entries import check_chunk, check_entry
from saksi.verify.envelope import FORM_TYPES
from saksi.verify.jcs import canonical
from saksi.verify.keys import SEEN, Fold
from saksi.verify.regions import Regions
from tests.election.legislative_factory import small_world
from tests.recap.factory import tiny
from tests.verify.test_against_intake import play as play_v1
from tests.verify.test_against_intake import reference as reference_v1
from tests.verify.test_against_intake import verifier as verifier_v1
from tests.verify.v2_factory import KINDS, OPS, V2Log, reference_rules

RUNS = st.lists(
    st.tuples(
        st.sampled_from(OPS),
        st.integers(0, 11),  # which TPS
        st.integers(0, 3),  # which contest
        st.integers(1, 9),  # a seed: forms, candidates, levels
    ),
    max_size=40,
)


def _world() -> tuple[Regions, Contests]:
    hierarchy, contests = small_world()
    return Regions(hierarchy.canonical_bytes()), Contests(contests.canonical_bytes())


REGIONS, CONTESTS = _world()


def fold_log(
    entries: list[bytes], *, split: int | None = None
) -> tuple[list[str | None], Fold, list[Any]]:
    """The verifier's verdict of every entry, its fold, its checked entries; with
    ``split``, the fold is saved (saksi-verify-fold/5) after that many entries and read
    back before the rest, as a later run would."""
    checked = check_chunk(entries)
    assert checked[0][0] is not None and Fold.first(checked[0], REGIONS) is None
    fold = Fold(checked[0], REGIONS, CONTESTS)
    verdicts: list[str | None] = [None]
    for index, item in enumerate(checked[1:], 1):
        if index == split:
            buffer = io.BytesIO()
            layout.write(fold, buffer)
            buffer.seek(0)
            fold = layout.read(buffer, REGIONS, lambda manifest: CONTESTS)
        if item[0] is None:
            verdicts.append(item[1])
            fold.skip()
            continue
        refused = fold.apply(item)
        verdicts.append(None if refused is None else refused[0])
    return verdicts, fold, checked


def expected_counts(log: V2Log) -> dict[str, dict[str, int]]:
    """What the verifier should count of each legislative contest, from the reference:
    every well-formed, signed legislative entry, refused by the authorization or not."""
    out: dict[str, dict[str, int]] = {}
    for data, verdict, env, read in zip(
        log.entries, log.verdicts, log.envelopes, log.read, strict=True
    ):
        stmt = json.loads(data)["stmt"]
        if not read or stmt["type"] not in FORM_TYPES or stmt["contest"] == "ppwp":
            continue
        counts = out.setdefault(stmt["contest"], dict.fromkeys(SEEN, 0))
        counts["entries"] += 1
        if verdict is not None:
            counts["refused"] += 1
        elif stmt["type"] in ("c-hasil", "correction"):
            assert env is not None
            counts["forms"] += 1
            assert isinstance(env.stmt, LegislativeFormStatement)
            violations = check_form(env.stmt.form)
            if violations:
                counts["flagged" if countable(violations) else "inconsistent"] += 1
    return out


def assert_agree(log: V2Log, split: int | None = None) -> None:
    ours, fold, checked = fold_log(log.entries, split=split)
    assert ours == log.verdicts
    for item, verdict, env in zip(checked, log.verdicts, log.envelopes, strict=True):
        if verdict is None and isinstance(env.stmt if env else None, LegislativeFormStatement):
            assert env is not None
            if env.stmt.type != "c-salinan":
                assert item[9] == reference_rules(env), env.stmt
    if split is None:
        assert fold.seen == expected_counts(log)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=RUNS, split=st.integers(1, 200))
def test_verdicts_agree_on_random_v2_logs(ops: list[tuple[str, int, int, int]], split: int) -> None:
    log = V2Log()
    for op, which, kind, seed in ops:
        log.play(op, which, kind, seed)
    assert_agree(log)
    assert_agree(log, split=min(split, len(log.entries) - 1) or None)


def test_every_kind_of_v2_refusal_is_played() -> None:
    """The generator does make what it is meant to (one fixed log), and both agree."""
    log = V2Log()
    for i, op in enumerate(OPS):
        for kind in range(4):
            if op in ("broken", "flagged"):  # a TPS's first form
                log.play(op, 6 + (op == "flagged"), kind, 1)
                continue
            log.play("hasil", i % 6, kind, 1)
            log.play("correct", i % 6, kind, 2)
            log.play(op, i % 6, kind, 1 + i % 5)
    assert_agree(log)
    assert_agree(log, split=len(log.entries) // 2)
    found = {code for code in log.verdicts if code}
    assert found >= {
        "auth.duplicate-form", "auth.duplicate-entry", "auth.correction-stale",
        "auth.correction-target", "auth.out-of-scope", "auth.party-mismatch",
        "auth.candidate-mismatch", "auth.revoked", "auth.cannot-revoke",
        "contest.district-mismatch", "contest.parties-mismatch",
        "contest.candidates-mismatch", "contest.not-on-ballot", "contest.unknown-candidate",
        "contest.unknown-district", "contest.district-outside-region", "text.bidi-control",
        "input.schema",
    }, found  # fmt: skip
    accepted = [
        json.loads(d)["stmt"] for d, v in zip(log.entries, log.verdicts, strict=True) if v is None
    ]
    contests = {s.get("contest") for s in accepted}
    assert contests >= {"ppwp", "dpr", "dpd", "dprd-prov", "dprd-kabkota"}
    assert any(s["type"] == "key" and "\u200b" in s.get("label", "") for s in accepted)
    _, fold, _ = fold_log(log.entries)
    assert all(fold.seen[k]["inconsistent"] and fold.seen[k]["flagged"] for k in fold.seen), (
        fold.seen
    )


def test_a_v2_entry_in_a_v1_log_is_refused() -> None:
    """A log is of its manifest's version: the PPWP form signed as v2 is refused in a v1
    log (statement.version-mismatch), by both readings; signed as v1 it is taken."""
    book = tiny()
    play_v1(book, [("hasil", 0, 1, "1")])
    first = json.loads(book.entries[-1])
    env = parse_entry(book.entries[-1])
    tps = first["stmt"]["tps"]
    again = env.stmt.model_copy(update={"tps": tps})
    book.entries.append(sign_statement(again, book.keys.kpps(tps), version=2).to_bytes())
    theirs, _ = reference_v1(book)
    ours, _ = verifier_v1(book, Regions(book.hierarchy.canonical_bytes()))
    assert ours == theirs
    assert theirs[-1] == "statement.version-mismatch"


# -- the docs' worked example of version 2, read by the verifier alone -------------------------


def _block(name: str) -> str:
    text = (Path(__file__).parents[2] / "docs" / "format.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- example-v2:{name} -->\s*```[a-z]*\n(.*?)\n```", text, re.S)
    assert match, f"docs/format.md has no block marked example-v2:{name}"
    return match.group(1)


def test_the_docs_v2_example_is_verified_by_the_verifiers_own_reading() -> None:
    entry = _block("entry").encode()
    checked = check_entry(entry)
    assert checked[0] is not None, checked
    assert checked[0].hex() == _block("leaf-hash").strip()
    assert checked[1] == SigningKey.from_seed(bytes(range(1, 33))).public.b64
    assert checked[2:5] == ("c-hasil", "2024-02-14T15:40:00Z", "saksi.example/pemilu-2024")
    assert checked[5:8] == ("3173011006001", "dpd", (1, 2, 3, 4))
    assert checked[9] == ()  # no rule broken
    assert checked[13] == "31" and checked[-1] == 2
    stmt = entry[entry.index(b'"stmt":') + 7 : -len(b',"v":2}')]
    assert stmt.decode() == _block("stmt-bytes")
    data = json.loads(entry)
    as_v1 = entry[: -len(b"2}")] + b"1}"
    refused = check_entry(as_v1)
    assert refused[0] is None and refused[1] == "input.schema"
    assert "stmt.contest: needs format v2" in refused[2]
    signer = SigningKey.from_seed(bytes(range(1, 33)))
    data["sig"] = b64(signer.sign(b"saksi/statement/v1\n" + stmt))  # the other domain
    assert check_entry(canonical(data))[1] == "statement.bad-signature"


TEXTS = [
    ("salah\u202etulis", "text.bidi-control"),
    ("salah\u200btulis", "text.invisible"),
    ("salah tulis\U000e0041", "text.invisible"),
    ("salah\ufffatulis", "text.invisible"),
    ("salah\u0085tulis", "text.control"),
    ("salah\u2028tulis", "text.line-break"),
    ("salah\ufdd0tulis", "text.noncharacter"),
    ("salah tulis\U0010ffff", "text.noncharacter"),
    (" salah tulis", "text.whitespace"),
    ("salah tulis\u3000", "text.whitespace"),
    ("\u00a0", "text.whitespace"),
    ("salah tulis \u200e", "text.bidi-control"),  # a class before the trailing space
    ("salah tulis", None),
]


@pytest.mark.parametrize(("reason", "code"), TEXTS)
def test_text_in_a_v2_entry_is_refused_by_both_readings(reason: str, code: str | None) -> None:
    log = V2Log()
    log.play("hasil", 0, 0, 1)
    index, env = log.in_force(log.tps(0), KINDS[0]) or (0, None)
    assert env is not None
    form = log.form(log.tps(0), KINDS[0], 2)
    fixed = log.correction(log.tps(0), KINDS[0], env, index, form=form)
    stmt = fixed.stmt.model_copy(update={"reason": reason})
    data = sign_statement(stmt, log.world.authorities.key(f"kpu-kab-{log.tps(0)[:4]}")).to_bytes()
    assert check_entry(data)[1 if code else 9] == (code or ())  # the verifier's
    assert log.write(data) == code  # the reference's
    key = log.world.authorities.key(f"kpu-kab-{log.tps(0)[:4]}")
    as_v1 = json.loads(data)
    as_v1.update(v=1, sig=b64(key.sign(b"saksi/statement/v1\n" + canonical(as_v1["stmt"]))))
    assert check_entry(canonical(as_v1))[1] == "input.schema"  # needs v2, text or not


def test_text_in_a_v2_manifest_is_refused_by_both_readings() -> None:
    log = V2Log()
    wire = log.world.manifest.stmt.wire()
    wire["contests"][1]["name"] = "DPR\x01"
    stmt = parse_statement(json.dumps(wire))
    data = sign_statement(stmt, log.world.authorities.key("kpu-ri"), version=2).to_bytes()
    assert check_entry(data)[1] == "text.control"
    with pytest.raises(SaksiError) as caught:
        parse_entry(data)
    assert caught.value.code == "text.control"
