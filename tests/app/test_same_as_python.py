"""The app's rules, canonical JSON, signatures and proofs, run in chromium, against Python's.

One definition of the rules: the page evaluates the generated table
(saksi/app/static/rules.js) with rules-eval.js, and must report exactly what
``check_form`` / ``check_reading`` report (rules, fields, severities, messages in
both languages) on consistent forms, forms with one or several boxes off, extreme
values, other numbers of pairs and incomplete readings. A statement signed in the
browser (WebCrypto Ed25519, JCS in JavaScript) must be byte for byte the entry
Python's ``sign_statement`` makes with the same seed, and verify with Python's
parser; the worked example of docs/format.md is reproduced exactly; a photo upload's
signature (saksi/photo/v1) is Python's ``sign_photo``. A receipt's proof
is checked in the page like Python's: the log's signature, witness cosignatures and
their quorum, the inclusion of the leaf.
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saksi.election.envelope import parse_entry, sign_statement
from saksi.election.forms import CHasilPPWP
from saksi.election.keys import SigningKey
from saksi.election.photo_upload import sign_photo
from saksi.election.rules import RULES_BY_CODE, check_form, check_reading
from saksi.election.statements import AnyStatement, parse_statement
from saksi.sim.tally import consistent_form
from saksi.tlog.checkpoint import CosignatureSigner, add_cosignature
from saksi.tlog.note import NoteSigner
from saksi.tlog.proof import TlogProof
from tests.app.conftest import World, open_app
from tests.election.factory import form_statements, forms, key, key_registrations
from tests.test_docs import ROOT
from tests.waiting import wait_for

pytestmark = pytest.mark.slow

JSON = {"content-type": "application/json"}

CHECK_JS = """async (readings) => {
    const rules = await import('/app/rules-eval.js');
    return readings.map(([reading, pairs]) => rules.checkReading(reading, pairs));
}"""
SIGN_JS = """async ([seed, stmts]) => {
    const c = await import('/app/crypto.js');
    const pair = await c.keyFromSeed(Uint8Array.from(seed));
    const out = [];
    for (const stmt of stmts) out.push((await c.signStatement(stmt, pair)).text);
    return out;
}"""


@pytest.fixture(scope="module")
def app_page(browser: Any, world: World) -> Any:
    context = browser.new_context(base_url=world.server.url)
    page = context.new_page()
    open_app(page)
    yield page
    context.close()


def _variants(rng: random.Random, form: CHasilPPWP) -> list[dict[str, int | None]]:
    """The form's reading, with boxes off by a little or a lot, or missing."""
    base = form.reading()
    names = list(base)
    out: list[dict[str, int | None]] = [dict(base)]
    for _ in range(4):
        broken = dict(base)
        for name in rng.sample(names, rng.choice((1, 1, 2, 4))):
            broken[name] = rng.choice((0, 999, 300, max(0, (base[name] or 0) + rng.randint(-9, 9))))
        out.append(broken)
    missing = dict(base)
    for name in rng.sample(names, 5):
        missing[name] = None
    out.append(missing)
    return out


def test_rules_in_the_page_agree_with_python_on_many_forms(app_page: Any) -> None:
    rng = random.Random(2024)
    cases: list[tuple[dict[str, int | None], tuple[str, ...]]] = []
    for i in range(120):
        pairs = ("01", "02", "03") if i % 4 else tuple(f"{n:02d}" for n in range(1, i % 7 + 2))
        form = consistent_form(rng, pairs=pairs, dpt=rng.choice((None, 40, 300)))
        cases += [(reading, pairs) for reading in _variants(rng, form)]
    cases.append(({"suara_sah": 1200, "pemilih_dpt_j": -3}, ("01", "02", "03")))  # beyond boxes
    expected = [[v.to_dict() for v in check_reading(r, pairs)] for r, pairs in cases]
    assert sum(1 for e in expected if e) > 300  # most cases break something
    assert {v["rule"] for e in expected for v in e} == set(RULES_BY_CODE)  # every rule
    got = app_page.evaluate(CHECK_JS, [[r, list(p)] for r, p in cases])
    for case, want, have in zip(cases, expected, got, strict=True):
        assert have == want, case


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(form=forms())
def test_rules_in_the_page_agree_with_python_on_any_form(app_page: Any, form: CHasilPPWP) -> None:
    want = [v.to_dict() for v in check_form(form)]
    got = app_page.evaluate(CHECK_JS, [[form.reading(), list(form.pairs)]])
    assert got == [want]


def _seed(signer: SigningKey) -> list[int]:
    """The key's 32-byte seed (the secret half of its text form)."""
    return list(base64.b64decode(signer.to_text().strip().split(":", 1)[1]))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stmts=st.lists(form_statements() | key_registrations(), min_size=1, max_size=5))
def test_a_statement_signed_in_the_page_is_pythons_entry_byte_for_byte(
    app_page: Any, stmts: list[AnyStatement]
) -> None:
    signer = key("kpps-browser")
    got = app_page.evaluate(SIGN_JS, [_seed(signer), [s.wire() for s in stmts]])
    for stmt, text in zip(stmts, got, strict=True):
        entry = text.encode("utf-8")
        assert entry == sign_statement(stmt, signer).to_bytes()
        assert parse_entry(entry).stmt == stmt


def _example(name: str) -> str:
    text = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    found = re.search(rf"<!-- example:{name} -->\n```\w+\n(.*?)\n```", text, re.DOTALL)
    assert found, name
    return found.group(1)


def test_the_worked_example_of_the_format_is_signed_identically(app_page: Any) -> None:
    seed = bytes.fromhex(_example("seed"))
    stmt = parse_statement(_example("statement").encode())
    got = app_page.evaluate(SIGN_JS, [list(seed), [stmt.wire()]])
    assert got == [_example("entry")]


PHOTO_JS = """async ([seed, sha, election]) => {
    const c = await import('/app/crypto.js');
    return c.signPhoto(sha, election, await c.keyFromSeed(Uint8Array.from(seed)));
}"""


def test_a_photo_upload_signed_in_the_page_is_pythons(app_page: Any) -> None:
    signer = key("kpps-browser")
    data = b"\x89PNG a page of the C.Hasil"
    sha = hashlib.sha256(data).hexdigest()
    got = app_page.evaluate(PHOTO_JS, [_seed(signer), sha, "saksi.test/pemilu-2024"])
    assert got == sign_photo(signer, "saksi.test/pemilu-2024", data).headers()


VERIFY_JS = """async ([text, vkey, leaf, index, witnesses, quorum]) => {
    const tlog = await import('/app/tlog.js');
    try {
        return await tlog.verifyProof(text, vkey, leaf, index, witnesses, quorum);
    } catch (error) {
        return error.message;
    }
}"""


def test_the_page_checks_the_log_signature_cosignatures_and_inclusion(
    app_page: Any, world: World
) -> None:
    election = world.election
    with world.server.client() as http:
        logged = http.post(
            "/v1/statements", content=election.c_hasil(election.tps[5]), headers=JSON
        ).json()
        leaf = logged["leaf_hash"]
        text = wait_for(lambda: http.get(f"/v1/receipts/{leaf}").json()["proof"])
    proof = TlogProof.parse(text.encode())
    one = CosignatureSigner("witness.example/satu", bytes(range(32)))
    two = CosignatureSigner("witness.example/dua", bytes(range(1, 33)))
    witnesses = [one.vkey, two.vkey]
    cosigned = add_cosignature(add_cosignature(proof.checkpoint, one, 1_707_900_000), two, 1)

    def check(
        checkpoint: bytes, quorum: int, *, vkey: str = world.server.vkey, at: str = leaf
    ) -> Any:
        proved = TlogProof(proof.index, proof.hashes, checkpoint).to_text().decode()
        return app_page.evaluate(VERIFY_JS, [proved, vkey, at, proof.index, witnesses, quorum])

    verified = check(cosigned, 2)
    assert isinstance(verified, dict), verified
    assert (verified["cosigners"], verified["signatures"]) == (2, 3)
    assert check(add_cosignature(proof.checkpoint, one, 5), 2) == "quorum-not-met"
    assert check(proof.checkpoint, 0)["cosigners"] == 0
    *body, last = cosigned.decode().rstrip("\n").split("\n")
    name, sig = last.rsplit(" ", 1)
    raw = bytearray(base64.b64decode(sig))
    raw[-1] ^= 1
    forged = "\n".join([*body, f"{name} {base64.b64encode(bytes(raw)).decode()}", ""]).encode()
    assert check(forged, 0) == "bad-cosignature"
    other_log = NoteSigner(election.origin, bytes(range(2, 34)))
    assert check(cosigned, 0, vkey=other_log.vkey) == "no-log-signature"
    assert check(cosigned, 0, at="00" * 32) == "not-included"
