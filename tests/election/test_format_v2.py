"""Format v2: the legislative statements, their envelope, and what the intake says of
them (docs/format.md, "Version 2")."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path
from typing import Any

import pytest

from saksi.election.canonical import canonical_json
from saksi.election.contests import ContestKind
from saksi.election.envelope import (
    SIGNATURE_DOMAINS,
    Envelope,
    parse_entry,
    sign_statement,
    signed_message,
)
from saksi.election.intake import Intake, Status
from saksi.election.keys import SigningKey, b64, decode_signature
from saksi.election.statements import (
    CHasilLegislatif,
    CSalinanLegislatif,
    DHasilLegislatif,
    parse_statement,
)
from saksi.errors import AuthorizationError, ContestError, SaksiError, SchemaError, StatementError
from tests.election.factory import TPS_A, SmallElection
from tests.election.legislative_factory import (
    LegislativeElection,
    small_world,
    totals_of,
)

DPR, DPD = ContestKind.DPR, ContestKind.DPD
PROV, KAB = ContestKind.DPRD_PROV, ContestKind.DPRD_KABKOTA


@pytest.fixture
def election() -> LegislativeElection:
    return LegislativeElection.build()


def refusal(call: Any) -> SaksiError:
    with pytest.raises(SaksiError) as caught:
        call()
    return caught.value


# -- the envelope ---------------------------------------------------------------------


def test_a_legislative_statement_is_signed_as_v2_with_its_own_domain(
    election: LegislativeElection,
) -> None:
    tps = election.tps_in("32")
    env = election.c_hasil(tps, DPR)
    assert env.v == 2
    assert env.to_bytes().endswith(b',"v":2}')
    assert SIGNATURE_DOMAINS[2] == b"saksi/statement/v2\n"
    key = election.authorities.kpps(tps).public
    assert key.verify(b"saksi/statement/v2\n" + env.stmt_bytes, decode_signature(env.sig))
    again = parse_entry(env.to_bytes())
    assert isinstance(again.stmt, CHasilLegislatif)
    assert again.to_bytes() == env.to_bytes()


def test_the_manifest_of_a_legislative_election_is_v2(election: LegislativeElection) -> None:
    manifest = election.manifest
    assert manifest.v == 2
    wire = manifest.stmt.wire()
    assert wire["contests_digest"] == election.contests.digest()
    assert wire["legislative_rules_version"] == "c-hasil-legislatif-2024.1"
    forms = {c["kind"]: c.get("form") for c in wire["contests"]}
    assert forms == {
        "ppwp": "c-hasil-ppwp", "dpr": "c-hasil-dpr", "dpd": "c-hasil-dpd",
        "dprd-prov": "c-hasil-dprd-prov", "dprd-kabkota": "c-hasil-dprd-kabkota",
    }  # fmt: skip


def _resigned(env: Envelope, version: int, key: Any) -> bytes:
    sig = key.sign(signed_message(env.stmt_bytes, version))
    data = {"key": env.key, "sig": b64(sig), "stmt": env.stmt.wire(), "v": version}
    return canonical_json(data)


def test_a_v1_entry_may_not_carry_a_legislative_statement(election: LegislativeElection) -> None:
    tps = election.tps_in("32")
    env = election.c_hasil(tps, DPR)
    err = refusal(lambda: parse_entry(_resigned(env, 1, election.authorities.kpps(tps))))
    assert isinstance(err, SchemaError)
    assert "needs format v2" in err.message_en
    assert "memerlukan format v2" in err.message_id


def test_a_v1_signature_does_not_pass_for_a_v2_entry(election: LegislativeElection) -> None:
    tps = election.tps_in("32")
    env = election.c_hasil(tps, DPR)
    forged = json.loads(env.to_bytes())
    forged["sig"] = b64(election.authorities.kpps(tps).sign(signed_message(env.stmt_bytes, 1)))
    assert refusal(lambda: parse_entry(canonical_json(forged))).code == "statement.bad-signature"


def test_a_ppwp_statement_is_signed_v1_and_admitted_in_a_v2_log(
    election: LegislativeElection,
) -> None:
    small = SmallElection.build()
    ppwp = small.c_hasil("kpps-" + TPS_A)
    assert ppwp.v == 1 and ppwp.to_bytes().endswith(b',"v":1}')
    tps = election.tps_in("32")
    election.register_tps(tps)
    stmt = ppwp.stmt.model_copy(update={"election": election.intake.election, "tps": tps})
    assert election.admit(sign_statement(stmt, election.authorities.kpps(tps))).envelope.v == 1


def test_in_v2_text_that_would_not_show_as_it_is_is_a_format_error(
    election: LegislativeElection,
) -> None:
    tps = election.tps_in("32")
    hasil = election.c_hasil(tps, DPR)
    election.register_tps(tps)
    election.admit(hasil)
    bad = election.correction(tps, DPR, hasil, len(election.logged) - 1)
    stmt = bad.stmt.model_copy(update={"reason": "salah\u202etulis"})
    entry = sign_statement(stmt, election.authorities.key(f"kpu-kab-{tps[:4]}")).to_bytes()
    assert refusal(lambda: parse_entry(entry)).code == "text.bidi-control"


# -- the schema -------------------------------------------------------------------------


def test_a_form_must_be_its_contests_model(election: LegislativeElection) -> None:
    tps = election.tps_in("32")
    dpd_form = election.form(tps, DPD).model_dump(mode="json")
    data = {**election.c_hasil(tps, DPR).stmt.wire(), "form": dpd_form}
    err = refusal(lambda: parse_statement(json.dumps(data)))
    assert isinstance(err, SchemaError)
    assert "suara_calon" in err.message_en or "partai" in err.message_en


def test_a_witness_copy_names_a_party_or_a_dpd_candidate_never_both(
    election: LegislativeElection,
) -> None:
    tps = election.tps_in("32")
    base = election.c_hasil(tps, DPD).stmt.wire() | {"type": "c-salinan"}
    for extra in ({}, {"party": "2", "candidate": "1"}):
        assert isinstance(
            refusal(lambda e=extra: parse_statement(json.dumps(base | e))), SchemaError
        )
    dpr = election.c_hasil(tps, DPR).stmt.wire() | {"type": "c-salinan", "candidate": "1"}
    assert isinstance(refusal(lambda: parse_statement(json.dumps(dpr))), SchemaError)
    assert isinstance(parse_statement(json.dumps(base | {"candidate": "1"})), CSalinanLegislatif)


# -- the intake --------------------------------------------------------------------------


def test_every_legislative_contest_is_admitted_at_its_tps(election: LegislativeElection) -> None:
    tps = election.tps_in("32")
    election.register_tps(tps)
    for kind in (DPR, DPD, PROV, KAB):
        admission = election.admit(election.c_hasil(tps, kind))
        assert admission.status is Status.ACCEPTED, kind
    assert election.intake.authority.current_form(tps, "dpr") is not None


def test_jakarta_has_no_dprd_kabkota_ballot(election: LegislativeElection) -> None:
    tps = election.tps_in("31")
    election.register_tps(tps)
    with pytest.raises(ContestError):  # no dapil to draw the form from
        election.c_hasil(tps, KAB)
    elsewhere = election.c_hasil(election.tps_in("32"), KAB).stmt.model_copy(update={"tps": tps})
    env = sign_statement(elsewhere, election.authorities.kpps(tps))
    assert refusal(lambda: election.admit(env)).code == "contest.not-on-ballot"


def test_the_district_must_be_the_tps_dapil(election: LegislativeElection) -> None:
    tps = election.tps_in("32")
    election.register_tps(tps)
    other = next(
        d.code
        for d in election.contests.contest(DPR).districts
        if d.code != election.ballot(tps, DPR)[0]
    )
    err = refusal(lambda: election.admit(election.c_hasil(tps, DPR, district=other)))
    assert err.code == "contest.district-mismatch"
    assert err.details["expected"] == election.ballot(tps, DPR)[0]


def test_a_form_with_another_dapils_parties_or_candidates_is_refused(
    election: LegislativeElection,
) -> None:
    tps = election.tps_in("32")
    election.register_tps(tps)
    data = election.form(tps, DPR).model_dump(mode="json")
    party = next(iter(data["partai"]))
    fewer = {**data, "partai": {p: v for p, v in data["partai"].items() if p != party}}
    err = refusal(lambda: election.admit(election.c_hasil(tps, DPR, form=fewer)))
    assert err.code == "contest.parties-mismatch"
    more = json.loads(json.dumps(data))
    more["partai"][party]["suara_caleg"]["99"] = 0
    err = refusal(lambda: election.admit(election.c_hasil(tps, DPR, form=more)))
    assert err.code == "contest.candidates-mismatch"
    dpd = election.form(tps, DPD).model_dump(mode="json")
    dpd["suara_calon"]["99"] = 0
    err = refusal(lambda: election.admit(election.c_hasil(tps, DPD, form=dpd)))
    assert err.code == "contest.candidates-mismatch"


def test_a_form_that_breaks_its_arithmetic_is_logged_as_inconsistent(
    election: LegislativeElection,
) -> None:
    tps = election.tps_in("32")
    election.register_tps(tps)
    data = election.form(tps, DPR).model_dump(mode="json")
    party = next(iter(data["partai"]))
    data["partai"][party]["suara_sah_partai"] += 1  # B no longer A.1 + A.2
    admission = election.admit(election.c_hasil(tps, DPR, form=data))
    assert admission.status is Status.INCONSISTENT
    assert "suara-sah-partai" in {v.rule for v in admission.violations}


def test_a_second_form_and_a_correction(election: LegislativeElection) -> None:
    tps = election.tps_in("32")
    election.register_tps(tps)
    first = election.c_hasil(tps, PROV)
    election.admit(first)
    index = len(election.logged) - 1
    again = election.c_hasil(tps, PROV, form=election.form(tps, PROV, seed=2))
    assert refusal(lambda: election.admit(again)).code == "auth.duplicate-form"
    fixed = election.correction(tps, PROV, first, index, form=election.form(tps, PROV, seed=3))
    assert election.admit(fixed).grant.replaces is not None
    stale = election.correction(tps, PROV, first, index, form=election.form(tps, PROV, seed=4))
    assert refusal(lambda: election.admit(stale)).code == "auth.correction-stale"


def test_a_party_witness_copies_any_contest(election: LegislativeElection) -> None:
    tps = election.tps_in("32")
    election.register_tps(tps, party="2")
    for kind in (DPR, DPD, PROV, KAB):
        election.admit(election.c_salinan(tps, kind, f"saksi-2-{tps}", party="2"))
    wrong = election.c_salinan(tps, DPR, f"saksi-2-{tps}", party="3")
    assert refusal(lambda: election.admit(wrong)).code == "auth.party-mismatch"


def test_a_dpd_candidates_witness(election: LegislativeElection) -> None:
    tps = election.tps_in("32")
    election.register_tps(tps)
    number = str(election.contests.district_of(DPD, tps).candidates[0].number)
    election.admit(election.authorities.dpd_candidate("32", number))
    election.admit(election.authorities.dpd_witness(number, tps))
    signer = f"saksi-dpd-{number}-{tps}"
    assert election.admit(election.c_salinan(tps, DPD, signer, candidate=number))
    other = election.c_salinan(tps, DPD, signer, candidate=str(int(number) + 1))
    assert refusal(lambda: election.admit(other)).code == "auth.candidate-mismatch"
    err = refusal(lambda: election.admit(election.authorities.dpd_candidate("32", "999")))
    assert err.code == "contest.unknown-candidate"
    # a candidate's key registers only its own witnesses
    stray = election.authorities.register(
        f"calon-dpd-32-{number}",
        election.authorities.key("stray"),
        "saksi-dpd",
        tps,
        candidate=str(int(number) + 1),
    )
    assert refusal(lambda: election.admit(stray)).code == "auth.candidate-mismatch"


def test_a_legislative_d_hasil(election: LegislativeElection) -> None:
    tps = election.tps_in("32")
    election.register_tps(tps)
    code, _ = election.ballot(tps, DPR)
    totals = totals_of(election.form(tps, DPR))
    env = election.d_hasil(tps[:6], "kecamatan", DPR, code, totals)
    assert isinstance(env.stmt, DHasilLegislatif)
    election.admit(env)
    again = election.d_hasil(tps[:6], "kecamatan", DPR, code, {**totals, "jumlah_tps": 2})
    assert refusal(lambda: election.admit(again)).code == "auth.duplicate-form"
    elsewhere = next(
        d for d in election.contests.contest(DPR).districts if not d.units[0].startswith("32")
    )
    far = election.d_hasil(tps[:6], "kecamatan", DPR, elsewhere.code, totals)
    assert refusal(lambda: election.admit(far)).code == "contest.district-outside-region"
    unknown = election.d_hasil(tps[:6], "kecamatan", DPR, "X-9", totals)
    assert refusal(lambda: election.admit(unknown)).code == "contest.unknown-district"


# -- the log's version and its contests file ---------------------------------------------


def test_a_v1_log_takes_no_v2_entry() -> None:
    small = SmallElection.build()
    world = LegislativeElection.build()
    tps = world.tps_in("32")
    env = world.c_hasil(tps, DPR, election=small.authority.election)
    err = refusal(lambda: small.authority.authorize(env))
    assert isinstance(err, StatementError)
    assert err.code == "statement.version-mismatch"


def test_the_contests_file_must_be_the_manifests() -> None:
    world = LegislativeElection.build()
    hierarchy, contests = small_world()
    entry = world.manifest.to_bytes()
    assert refusal(lambda: Intake.start(entry, region_exists=hierarchy.exists)).code == (
        "contest.file-required"
    )
    other = type(contests).of(name="lain", parties=contests.parties, contests=contests.contests)
    err = refusal(lambda: Intake.start(entry, region_exists=hierarchy.exists, contests=other))
    assert err.code == "contest.file-mismatch"


def test_a_v2_manifest_must_name_a_legislative_contests_form() -> None:
    world = LegislativeElection.build()
    wire = world.manifest.stmt.wire()
    wire["contests"] = [
        {k: v for k, v in c.items() if k != "form"} if c["kind"] == "dpr" else c
        for c in wire["contests"]
    ]
    stmt = parse_statement(json.dumps(wire))
    with pytest.raises(Exception) as caught:
        sign_statement(stmt, world.authorities.key("kpu-ri"), version=2)
    assert "must name its form" in str(caught.value)


def test_authorization_errors_are_authorization_errors(election: LegislativeElection) -> None:
    tps = election.tps_in("32")
    election.register_tps(tps)
    other = election.tps_in("32", 1)
    env = election.c_hasil(other, DPR)  # signed by the other TPS's unregistered key
    assert isinstance(refusal(lambda: election.admit(env)), AuthorizationError)


# -- the worked example of version 2 in docs/format.md ---------------------------------


def _v2_block(name: str) -> str:
    text = (Path(__file__).parents[2] / "docs" / "format.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- example-v2:{name} -->\s*```[a-z]*\n(.*?)\n```", text, re.S)
    assert match, f"docs/format.md has no block marked example-v2:{name}"
    return match.group(1)


def test_the_documented_v2_example_verifies_and_matches() -> None:
    signer = SigningKey.from_seed(bytes(range(1, 33)))
    stmt = parse_statement(_v2_block("statement"))
    env = sign_statement(stmt, signer)
    documented = _v2_block("entry").encode()
    assert env.to_bytes() == documented
    parsed = parse_entry(documented)
    assert parsed.v == 2
    assert parsed.stmt_bytes.decode() == _v2_block("stmt-bytes")
    assert parsed.sig == _v2_block("signature").strip()
    assert parsed.leaf_hash_hex == _v2_block("leaf-hash").strip()
    as_v1 = _resigned(parsed, 1, signer)
    err = refusal(lambda: parse_entry(as_v1))
    assert err.code == "input.schema"
    assert "stmt.contest: needs format v2; this entry is v1" in err.message_en
    wrong_domain = json.loads(documented)
    wrong_domain["sig"] = b64(signer.sign(signed_message(parsed.stmt_bytes, 1)))
    assert refusal(lambda: parse_entry(canonical_json(wrong_domain))).code == (
        "statement.bad-signature"
    )


def test_the_authority_of_a_v2_log_pickles_with_its_contests_file(
    election: LegislativeElection,
) -> None:
    """The publisher keeps its state pickled: the contests file goes as compressed
    canonical bytes, and the DPD candidates' keys keep their candidate."""
    tps = election.tps_in("32")
    election.register_tps(tps)
    number = str(election.contests.district_of(DPD, tps).candidates[0].number)
    election.admit(election.authorities.dpd_candidate("32", number))
    election.admit(election.authorities.dpd_witness(number, tps))
    election.admit(election.c_hasil(tps, DPR))
    again = pickle.loads(pickle.dumps(election.intake.authority))
    assert again.contests_file == election.contests
    assert again.version == 2
    copy = election.c_salinan(tps, DPD, f"saksi-dpd-{number}-{tps}", candidate=number)
    assert again.authorize(parse_entry(copy.to_bytes())).type == "c-salinan"
    second = election.c_hasil(tps, DPR, form=election.form(tps, DPR, seed=9))
    assert refusal(lambda: again.authorize(parse_entry(second.to_bytes()))).code == (
        "auth.duplicate-form"
    )
