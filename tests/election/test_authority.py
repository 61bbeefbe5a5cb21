"""The authorization rule: who may register, revoke, and sign which statement where."""

from __future__ import annotations

import time

import pytest

from saksi.election.authority import MAY_REGISTER, Authority
from saksi.election.contests import PPWP_2024, Contest, ContestKind, Pair
from saksi.election.envelope import Envelope, sign_statement
from saksi.errors import (
    AuthorizationError,
    ContestError,
    ElectionMismatch,
    RegionError,
    SaksiError,
    StatementError,
)
from tests.election.factory import (
    LATER,
    MISSING_TPS,
    TPS_A,
    TPS_B,
    TPS_CODES,
    TPS_OTHER_KAB,
    SmallElection,
    form,
    key,
    manifest,
    public,
    region_exists,
    totals,
)

KPPS_A = "kpps-" + TPS_A


@pytest.fixture
def election() -> SmallElection:
    return SmallElection.build()


def refused(election: SmallElection, env: Envelope, code: str) -> SaksiError:
    """``env`` is refused with ``code``, and the refusal changes nothing."""
    size = election.authority.size
    with pytest.raises(SaksiError) as exc:
        election.submit(env)
    assert exc.value.code == code, exc.value.diagnostics()
    assert exc.value.message_id and exc.value.message_en != exc.value.message_id
    assert election.authority.size == size
    return exc.value


# -- the manifest and the key tree ------------------------------------------------------


def test_standard_tree_is_authorized(election: SmallElection) -> None:
    assert election.authority.size == len(election.entries)
    assert {g.type for g in election.grants} == {"key"}
    rec = election.authority.record(public(KPPS_A))
    assert rec is not None and (rec.role, rec.scope, rec.registered_by) == (
        "kpps",
        TPS_A,
        public("kpu-kab-3173"),
    )


def test_chain_leads_back_to_the_root(election: SmallElection) -> None:
    chain = election.authority.chain(public(KPPS_A))
    assert [r.role for r in chain] == ["kpps", "kpu-kab", "kpu-prov", "kpu-ri"]
    names = (KPPS_A, "kpu-kab-3173", "kpu-prov-31", "kpu-ri")
    assert [r.key for r in chain] == [public(n) for n in names]
    assert chain[-1].is_root and chain[-1].index == 0 and chain[-1].label == "KPU RI"
    assert [r.role for r in election.authority.chain(public("saksi-2-317301"))] == [
        "saksi", "partai"
    ]  # fmt: skip
    with pytest.raises(AuthorizationError) as exc:
        election.authority.chain(public("nobody"))
    assert exc.value.code == "auth.unknown-key"


def test_registered_by_lists_delegations(election: SmallElection) -> None:
    kab = election.authority.registered_by(public("kpu-kab-3173"))
    kpps = [public(f"kpps-{t}") for t in TPS_CODES if t.startswith("3173")]
    assert kab == (public("ppk-317301"), *kpps)
    assert election.authority.registered_by(public(KPPS_A)) == ()


def test_manifest_must_be_signed_by_its_kpu_ri_key() -> None:
    for signer in ("partai-2", "someone"):
        env = sign_statement(manifest(), key(signer))
        with pytest.raises(AuthorizationError) as exc:
            Authority.from_manifest(env, region_exists=region_exists)
        assert exc.value.code == "auth.manifest-signer"


def test_entry_zero_must_be_a_manifest(election: SmallElection) -> None:
    with pytest.raises(AuthorizationError) as exc:
        Authority.from_manifest(election.entries[1], region_exists=region_exists)
    assert exc.value.code == "auth.not-manifest"


def test_second_manifest_is_refused(election: SmallElection) -> None:
    refused(election, sign_statement(manifest(), key("kpu-ri")), "auth.manifest-exists")


def test_statement_for_another_election(election: SmallElection) -> None:
    other = SmallElection.build()
    other.origin = "saksi.test/pilkada-2024"
    with pytest.raises(ElectionMismatch):
        election.submit(other.c_hasil(KPPS_A))


# -- delegation --------------------------------------------------------------------------


def test_unknown_key(election: SmallElection) -> None:
    err = refused(election, election.c_hasil("stranger", tps=TPS_A), "auth.unknown-key")
    assert public("stranger") in err.message_en


@pytest.mark.parametrize(
    ("signer", "role", "scope", "party"),
    [
        (KPPS_A, "kpps", TPS_B, None),  # a KPPS cannot delegate at all
        ("ppk-317301", "kpps", TPS_A, None),  # PPK does not issue KPPS keys (KPU Kab does)
        ("kpu-kab-3173", "kpu-kab", "3173", None),  # not below itself
        ("kpu-prov-31", "kpu-prov", "31", None),
        ("kpu-ri", "kpu-ri", "0", None),  # new national keys only in the manifest
        ("partai-2", "kpps", TPS_A, None),  # a party issues only witness keys
        ("bawaslu", "saksi", "0", "2"),
        ("kpu-ri", "pengawas", "31", None),
        ("saksi-2-317301", "saksi", TPS_A, "2"),
    ],
)
def test_key_registered_by_a_key_without_the_right(
    election: SmallElection, signer: str, role: str, scope: str, party: str | None
) -> None:
    env = election.register(signer, "new", role, scope, party=party, submit=False)
    err = refused(election, env, "auth.cannot-delegate")
    assert public(signer) in err.message_en and role in err.message_id


def test_registration_out_of_scope(election: SmallElection) -> None:
    env = election.register("kpu-kab-3173", "new", "kpps", TPS_OTHER_KAB, submit=False)
    err = refused(election, env, "auth.out-of-scope")
    assert TPS_OTHER_KAB in err.message_en and "3173" in err.message_id
    env = election.register("kpu-prov-31", "new", "kpu-kab", "3201", submit=False)
    refused(election, env, "auth.out-of-scope")


def test_registration_for_a_region_that_does_not_exist(election: SmallElection) -> None:
    env = election.register("kpu-kab-3173", "new", "kpps", MISSING_TPS, submit=False)
    err = refused(election, env, "region.unknown")
    assert isinstance(err, RegionError) and MISSING_TPS in err.message_en


def test_registration_beyond_the_registrars_validity(election: SmallElection) -> None:
    env = election.register("kpu-kab-3173", "new", "kpps", TPS_A,
                            not_after="2024-04-30T00:00:00Z", submit=False)  # fmt: skip
    refused(election, env, "auth.validity-exceeds")
    env = election.register("kpu-kab-3173", "new", "kpps", TPS_A,
                            not_before="2024-01-01T00:00:00Z", submit=False)  # fmt: skip
    refused(election, env, "auth.validity-exceeds")


def test_a_key_is_registered_once(election: SmallElection) -> None:
    env = election.register("kpu-kab-3173", KPPS_A, "kpps", TPS_A, submit=False)
    refused(election, env, "auth.key-exists")
    env = election.register("kpu-kab-3173", "kpu-ri", "kpps", TPS_A, submit=False)
    refused(election, env, "auth.key-exists")


def test_party_registers_only_its_own_witnesses(election: SmallElection) -> None:
    env = election.register("partai-2", "new", "saksi", TPS_A, party="3", submit=False)
    err = refused(election, env, "auth.party-mismatch")
    assert "party 2" in err.message_en and "partai 3" in err.message_id
    election.register("partai-2", "new", "saksi", TPS_A, party="2")


def test_skipping_levels_downward_is_allowed(election: SmallElection) -> None:
    election.register("kpu-ri", "direct-kpps", "kpps", TPS_A)
    election.register("kpu-prov-31", "direct-ppk", "ppk", "317101")
    assert [r.role for r in election.authority.chain(public("direct-kpps"))] == ["kpps", "kpu-ri"]


def test_may_register_covers_every_role() -> None:
    from saksi.election.statements import ROLES

    assert set(MAY_REGISTER) == set(ROLES)
    assert all(set(v) <= set(ROLES) for v in MAY_REGISTER.values())


# -- validity and revocation ---------------------------------------------------------------


def test_expired_and_not_yet_valid_keys(election: SmallElection) -> None:
    err = refused(election, election.c_hasil(KPPS_A, at="2024-04-01T00:00:00Z"), "auth.expired")
    assert "2024-03-31T00:00:00Z" in err.message_en and TPS_A in err.message_id
    refused(election, election.c_hasil(KPPS_A, at="2024-01-31T23:59:59Z"), "auth.not-yet-valid")
    election.submit(election.c_hasil(KPPS_A, at="2024-03-31T00:00:00Z"))  # bounds inclusive


def test_revoked_key_is_refused_from_the_revocation_on(election: SmallElection) -> None:
    election.submit(election.c_hasil(KPPS_A))  # before the revocation: accepted
    revocation = election.revoke("kpu-kab-3173", KPPS_A, reason="HP hilang")
    index = election.index_of(revocation)
    assert election.authority.revocation(public(KPPS_A)).index == index  # type: ignore[union-attr]
    err = refused(election, election.c_hasil(KPPS_A, tps=TPS_A), "auth.revoked")
    assert f"entry {index}" in err.message_en and "HP hilang" in err.message_id
    # even back-dated statements: revocation is by log position, not by `at`
    refused(election, election.c_hasil(KPPS_A, at="2024-02-02T00:00:00Z"), "auth.revoked")


def test_who_may_revoke(election: SmallElection) -> None:
    for signer in ("kpu-kab-3171", "ppk-317301", "kpps-" + TPS_B, "partai-2", "kpu-prov-32"):
        refused(election, election.revoke(signer, KPPS_A, submit=False), "auth.cannot-revoke")
    refused(election, election.revoke("partai-3", "saksi-2-317301", submit=False),
            "auth.cannot-revoke")  # fmt: skip
    election.revoke("kpu-prov-31", KPPS_A)  # above the registrar, scope contains it
    election.revoke("partai-2", "saksi-2-317301")
    election.revoke("kpps-" + TPS_B, "kpps-" + TPS_B)  # a key may always revoke itself


def test_revocation_targets(election: SmallElection) -> None:
    refused(election, election.revoke("kpu-ri", "nobody", submit=False), "auth.unknown-key")
    refused(election, election.revoke("kpu-ri", "kpu-ri", submit=False), "auth.root-key")
    election.revoke("kpu-kab-3173", KPPS_A)
    refused(election, election.revoke("kpu-ri", KPPS_A, submit=False), "auth.already-revoked")


def test_revoked_registrar_cannot_register(election: SmallElection) -> None:
    election.revoke("kpu-prov-31", "kpu-kab-3173")
    env = election.register("kpu-kab-3173", "new", "kpps", TPS_A, at=LATER, submit=False)
    refused(election, env, "auth.revoked")
    # keys it registered earlier stay valid until revoked themselves (no cascade)
    election.submit(election.c_hasil(KPPS_A))


# -- c-hasil ------------------------------------------------------------------------------


def test_c_hasil_by_its_kpps(election: SmallElection) -> None:
    grant = election.submit(election.c_hasil(KPPS_A))
    assert grant.type == "c-hasil" and grant.signer.key == public(KPPS_A)
    current = election.authority.current_form(TPS_A, "ppwp")
    assert current is not None and current.index == len(election.entries) - 1


def test_kpps_key_for_another_tps(election: SmallElection) -> None:
    err = refused(election, election.c_hasil(KPPS_A, tps=TPS_B), "auth.out-of-scope")
    assert TPS_B in err.message_en and TPS_A in err.message_en


@pytest.mark.parametrize("signer", ["ppk-317301", "kpu-kab-3173", "saksi-2-317301", "kpu-ri",
                                    "pengawas-3173"])  # fmt: skip
def test_only_kpps_sign_c_hasil(election: SmallElection, signer: str) -> None:
    err = refused(election, election.c_hasil(signer, tps=TPS_A), "auth.wrong-role")
    assert "kpps" in err.message_en


def test_tps_that_does_not_exist(election: SmallElection) -> None:
    # a witness's scope (kecamatan 317301) contains the well-formed code, the region file not
    env = election.c_salinan("saksi-2-317301", MISSING_TPS, "2")
    err = refused(election, env, "region.unknown")
    assert isinstance(err, RegionError) and MISSING_TPS in err.message_id
    env = election.correction("kpu-kab-3173", election.c_hasil(KPPS_A, submit=True),
                              tps=MISSING_TPS)  # fmt: skip
    refused(election, env, "region.unknown")


def test_duplicate_c_hasil(election: SmallElection) -> None:
    first = election.c_hasil(KPPS_A, submit=True)
    index = election.index_of(first)
    err = refused(election, election.c_hasil(KPPS_A, form(votes=(1, 2, 3))),
                  "auth.duplicate-form")  # fmt: skip
    assert f"entry {index}" in err.message_en and public(KPPS_A) in err.message_id
    assert err.details["index"] == index
    again = refused(election, first, "auth.duplicate-entry")
    assert again.details["index"] == index
    # another KPPS key of the same TPS cannot replace it either
    election.register("kpu-kab-3173", "kpps-a-2", "kpps", TPS_A)
    refused(election, election.c_hasil("kpps-a-2", tps=TPS_A), "auth.duplicate-form")


def test_pairs_must_match_the_manifest(election: SmallElection) -> None:
    two = form(votes=(100, 80), pairs=("01", "02"))
    err = refused(election, election.c_hasil(KPPS_A, two), "contest.pairs-mismatch")
    assert isinstance(err, ContestError) and "01, 02, 03" in err.message_en
    four = form(votes=(1, 2, 3, 4), pairs=("01", "02", "03", "04"))
    refused(election, election.c_hasil(KPPS_A, four), "contest.pairs-mismatch")


def test_contest_not_in_the_manifest() -> None:
    dpr = Contest(kind=ContestKind.DPR, name="DPR")
    election = SmallElection.empty(manifest(contests=(dpr,)))
    election.register("kpu-ri", "k", "kpps", TPS_A)
    refused(election, election.c_hasil("k", tps=TPS_A), "contest.not-in-election")


def test_other_pair_numbers_in_the_manifest() -> None:
    two = PPWP_2024.model_copy(update={"pairs": (Pair(number="01", president="A",
                                                      vice_president="B"),)})  # fmt: skip
    election = SmallElection.empty(manifest(contests=(two,)))
    election.register("kpu-ri", "k", "kpps", TPS_A)
    refused(election, election.c_hasil("k", tps=TPS_A), "contest.pairs-mismatch")
    election.submit(election.c_hasil("k", form(votes=(7,), pairs=("01",)), tps=TPS_A))


# -- c-salinan -------------------------------------------------------------------------------


def test_c_salinan(election: SmallElection) -> None:
    election.submit(election.c_salinan("saksi-2-317301", TPS_A, "2"))
    election.submit(election.c_salinan("saksi-3-317301", TPS_A, "3", form(votes=(1, 2, 3))))
    election.submit(election.c_salinan("saksi-2-317301", TPS_B, "2"))
    env = election.c_salinan("saksi-2-317301", TPS_A, "2", form(votes=(9, 9, 9)))
    refused(election, env, "auth.duplicate-form")


def test_saksi_of_another_party(election: SmallElection) -> None:
    err = refused(election, election.c_salinan("saksi-2-317301", TPS_A, "3"),
                  "auth.party-mismatch")  # fmt: skip
    assert "party 2" in err.message_en and "partai 3" in err.message_id


def test_saksi_outside_its_scope(election: SmallElection) -> None:
    env = election.c_salinan("saksi-2-317301", TPS_OTHER_KAB, "2")
    refused(election, env, "auth.out-of-scope")


def test_only_saksi_sign_c_salinan(election: SmallElection) -> None:
    refused(election, election.c_salinan(KPPS_A, TPS_A, "2"), "auth.wrong-role")


# -- corrections ------------------------------------------------------------------------------


def test_correction_chain(election: SmallElection) -> None:
    original = election.c_hasil(KPPS_A, submit=True)
    fixed = election.correction("kpu-kab-3173", original, form(votes=(101, 80, 20)))
    grant = election.submit(fixed)
    assert grant.replaces is not None and grant.replaces.index == election.index_of(original)
    again = election.correction("kpu-prov-31", fixed, form(votes=(102, 80, 20)), submit=True)
    current = election.authority.current_form(TPS_A, "ppwp")
    original_rec = election.authority.original_form(TPS_A, "ppwp")
    assert current is not None and current.index == election.index_of(again)
    assert original_rec is not None and original_rec.index == election.index_of(original)


def test_correction_by_kpps_is_refused(election: SmallElection) -> None:
    original = election.c_hasil(KPPS_A, submit=True)
    for signer in (KPPS_A, "ppk-317301", "saksi-2-317301"):
        refused(election, election.correction(signer, original), "auth.wrong-role")


def test_correction_by_kpu_kab_of_another_kab_is_refused(election: SmallElection) -> None:
    original = election.c_hasil(KPPS_A, submit=True)
    err = refused(election, election.correction("kpu-kab-3171", original), "auth.out-of-scope")
    assert "3171" in err.message_en and TPS_A in err.message_en
    refused(election, election.correction("kpu-prov-32", original), "auth.out-of-scope")


def test_correction_must_cite_the_form(election: SmallElection) -> None:
    original = election.c_hasil(KPPS_A, submit=True)
    other = election.c_hasil("kpps-" + TPS_B, submit=True)
    kab = "kpu-kab-3173"
    refused(election, election.correction(kab, original, index=3), "auth.correction-target")
    refused(election, election.correction(kab, original, index=10**6), "auth.correction-target")
    refused(election, election.correction(kab, other, tps=TPS_A), "auth.correction-target")
    err = refused(election, election.correction(kab, original, leaf_hash="00" * 32),
                  "auth.correction-target")  # fmt: skip
    assert original.leaf_hash_hex in err.message_en


def test_stale_correction_is_refused(election: SmallElection) -> None:
    original = election.c_hasil(KPPS_A, submit=True)
    election.correction("kpu-kab-3173", original, form(votes=(101, 80, 20)), submit=True)
    env = election.correction("kpu-kab-3173", original, form(votes=(99, 80, 20)))
    refused(election, env, "auth.correction-stale")


def test_correction_checks_the_form_too(election: SmallElection) -> None:
    original = election.c_hasil(KPPS_A, submit=True)
    bad = form(votes=(1, 2), pairs=("01", "02"))
    refused(election, election.correction("kpu-kab-3173", original, bad),
            "contest.pairs-mismatch")  # fmt: skip


# -- d-hasil ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signer", "region", "level"),
    [("ppk-317301", "317301", "kecamatan"), ("kpu-kab-3173", "3173", "kabkota"),
     ("kpu-prov-31", "31", "provinsi"), ("kpu-ri", "0", "nasional")],
)  # fmt: skip
def test_d_hasil_by_each_level(election: SmallElection, signer: str, region: str,
                               level: str) -> None:  # fmt: skip
    election.submit(election.d_hasil(signer, region, level))
    refused(election, election.d_hasil(signer, region, level, totals(votes=(1, 2, 3))),
            "auth.duplicate-form")  # fmt: skip


@pytest.mark.parametrize(
    ("signer", "region", "level", "code"),
    [
        ("kpu-kab-3173", "317301", "kecamatan", "auth.wrong-role"),
        ("ppk-317301", "3173", "kabkota", "auth.wrong-role"),
        ("kpu-ri", "31", "provinsi", "auth.wrong-role"),
        ("kpu-kab-3171", "3173", "kabkota", "auth.out-of-scope"),
        ("kpu-prov-31", "32", "provinsi", "auth.out-of-scope"),
        (KPPS_A, "0", "nasional", "auth.wrong-role"),
    ],
)
def test_d_hasil_refusals(election: SmallElection, signer: str, region: str, level: str,
                          code: str) -> None:  # fmt: skip
    refused(election, election.d_hasil(signer, region, level), code)


def test_d_hasil_pairs(election: SmallElection) -> None:
    two = totals(votes=(1, 2), pairs=("01", "02"))
    refused(election, election.d_hasil("ppk-317301", "317301", "kecamatan", two),
            "contest.pairs-mismatch")  # fmt: skip


# -- the state machine ---------------------------------------------------------------------------


def test_apply_out_of_order_is_refused(election: SmallElection) -> None:
    env = election.c_hasil(KPPS_A)
    with pytest.raises(StatementError) as exc:
        election.authority.apply(env, 3)
    assert exc.value.code == "auth.index-order"


def test_replay_reaches_the_same_state(election: SmallElection) -> None:
    original = election.c_hasil(KPPS_A, submit=True)
    election.correction("kpu-kab-3173", original, form(votes=(101, 80, 20)), submit=True)
    election.revoke("kpu-kab-3173", "kpps-" + TPS_B)
    replay = Authority.from_manifest(election.entries[0], region_exists=region_exists)
    grants = [replay.accept(env) for env in election.entries[1:]]
    assert grants == election.grants
    assert replay.current_form(TPS_A, "ppwp") == election.authority.current_form(TPS_A, "ppwp")
    assert replay.size == election.authority.size


def test_authorize_does_not_change_state(election: SmallElection) -> None:
    env = election.c_hasil(KPPS_A)
    election.authority.authorize(env, len(election.entries))
    election.authority.authorize(env, len(election.entries))  # still not a duplicate
    assert election.authority.current_form(TPS_A, "ppwp") is None


def test_many_statements_are_authorized_quickly() -> None:
    """Two thousand keys and c-hasil: dictionary lookups, not scans (well under a second)."""
    desas = [f"31730110{d:02d}" for d in range(20)]
    tps_codes = [f"{desa}{n:03d}" for desa in desas for n in range(1, 101)]
    regions = frozenset({*tps_codes, *desas, "31", "3173", "317301"})
    root = sign_statement(manifest(), key("kpu-ri"))
    authority = Authority.from_manifest(root, region_exists=regions.__contains__)
    election = SmallElection(entries=[root], authority=authority)
    registrations = [election.register("kpu-ri", f"k{tps}", "kpps", tps, submit=False)
                     for tps in tps_codes]  # fmt: skip
    tallies = [election.c_hasil(f"k{tps}", tps=tps) for tps in tps_codes]
    for env in [*registrations, *tallies]:
        assert env.leaf_hash  # hashing belongs to the sequencer; leave it out of the timing
    start = time.process_time()  # this process's CPU time: a busy machine does not count
    for env in [*registrations, *tallies]:
        authority.accept(env)
    elapsed = time.process_time() - start
    assert authority.size == 1 + 2 * len(tps_codes)
    assert elapsed < 1.0, f"{2 * len(tps_codes)} authorizations took {elapsed:.2f} s of CPU"
