"""Random format v2 logs for the verifier's tests, with the reference's verdict of each
entry (:func:`saksi.election.envelope.parse_entry` and the
:class:`~saksi.election.authority.Authority`), built on
tests/election/legislative_factory.py.

A :class:`V2Log` writes each statement into its list of entries whether the reference
accepts it or not (a log holds what was written into it), and asks the reference at
once, so that a correction can cite the form the reference holds in force (or, on
purpose, one it no longer does).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from saksi.election.authority import Authority
from saksi.election.canonical import canonical_json
from saksi.election.contests import ContestKind
from saksi.election.envelope import Envelope, parse_entry, sign_statement, signed_message
from saksi.election.keys import SigningKey, b64
from saksi.election.legislative_forms import check_form
from saksi.election.statements import CHasil, KeyRegistration, LegislativeFormStatement
from saksi.errors import SaksiError
from saksi.sim.tally import consistent_form
from tests.election.legislative_factory import (
    TALLY_AT,
    TIMELINE,
    LegislativeElection,
    small_world,
    totals_of,
)

KINDS = (ContestKind.DPR, ContestKind.DPD, ContestKind.DPRD_PROV, ContestKind.DPRD_KABKOTA)
PLACES = (("32", 0), ("32", 1), ("11", 0), ("31", 0), ("99", 0), ("35", 0))
"""Where the log's TPS are (province prefix, which of its TPS): West Java twice, Aceh
(local parties), DKI Jakarta (no DPRD Kab/Kota), overseas (PPWP and DPR only), East
Java."""

OPS = (
    "hasil", "hasil", "broken", "flagged", "wrong-dapil", "wrong-parties", "wrong-candidates",
    "copy", "copy-wrong-party", "copy-other-party", "dpd-witness", "dpd-wrong-candidate",
    "calon-unknown", "saksi-dpd-stray", "correct", "correct-broken", "stale", "wrong-target",
    "dhasil", "dhasil-far", "dhasil-unknown", "dhasil-wrong-ballot", "dup-hasil", "same-bytes",
    "wrong-kpps", "ppwp", "text-v2", "text-v1-label", "v1-resigned", "revoke-calon",
    "revoke-by-other-calon",
)  # fmt: skip


def _resigned(env: Envelope, version: int, key: SigningKey) -> bytes:
    sig = key.sign(signed_message(env.stmt_bytes, version))
    return canonical_json({"key": env.key, "sig": b64(sig), "stmt": env.stmt.wire(), "v": version})


@dataclass
class V2Log:
    """A v2 election's entries in log order and the reference's verdict of each."""

    world: LegislativeElection = field(default_factory=LegislativeElection.build)
    entries: list[bytes] = field(default_factory=list)
    verdicts: list[str | None] = field(default_factory=list)
    envelopes: list[Envelope | None] = field(default_factory=list)
    read: list[bool] = field(default_factory=list)
    """Per entry, whether it is a well-formed, signed entry (its refusal, if any, is the
    authorization's)."""
    authority: Authority = field(init=False)
    done: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        hierarchy, contests = small_world()
        manifest = self.world.manifest
        self.authority = Authority.from_manifest(
            manifest, region_exists=hierarchy.exists, contests=contests
        )
        self.entries.append(manifest.to_bytes())
        self.verdicts.append(None)
        self.envelopes.append(manifest)
        self.read.append(True)

    # -- writing ---------------------------------------------------------------------

    def write(self, data: bytes) -> str | None:
        """Log ``data`` as it is; the reference's verdict (None: accepted)."""
        index = len(self.entries)
        self.entries.append(data)
        try:
            env = parse_entry(data)
        except SaksiError as exc:
            self.verdicts.append(exc.code)
            self.envelopes.append(None)
            self.read.append(False)
            return exc.code
        self.read.append(True)
        try:
            self.authority.authorize(env, index)
        except SaksiError as exc:
            self.verdicts.append(exc.code)
            self.envelopes.append(None)
            return exc.code
        self.authority.apply(env, index)
        self.verdicts.append(None)
        self.envelopes.append(env)
        return None

    def sign(self, env: Envelope) -> str | None:
        return self.write(env.to_bytes())

    def once(self, label: str, env: Envelope) -> None:
        """A registration the log needs, written the first time only."""
        if label not in self.done:
            self.done.add(label)
            self.sign(env)

    def register(self, tps: str) -> None:
        a = self.world.authorities
        self.once(f"prov-{tps[:2]}", a.province(tps[:2]))
        self.once(f"kab-{tps[:4]}", a.kabkota(tps[:4]))
        self.once(f"ppk-{tps[:6]}", a.ppk(tps[:6]))
        self.once(f"kpps-{tps}", a.kpps_device(tps))
        self.once(f"saksi-2-{tps}", a.witness("2", tps))

    # -- the places --------------------------------------------------------------------

    def tps(self, which: int) -> str:
        place, nth = PLACES[which % len(PLACES)]
        return self.world.tps_in(place, nth + 2 * (which // len(PLACES) % 2))

    def on_ballot(self, tps: str, kind: ContestKind) -> bool:
        return kind.value in self.world.contests.ballots(tps) or kind is ContestKind.DPR

    def form(self, tps: str, kind: ContestKind, seed: int) -> dict[str, Any]:
        donor = tps if self.on_ballot(tps, kind) else self.world.tps_in("32")
        return self.world.form(donor, kind, seed).model_dump(mode="json")

    def district(self, tps: str, kind: ContestKind) -> str:
        donor = tps if self.on_ballot(tps, kind) else self.world.tps_in("32")
        return self.world.ballot(donor, kind)[0]

    def at(
        self, tps: str, kind: ContestKind, build: Callable[[str], Envelope], key: SigningKey
    ) -> Envelope:
        """``build(tps)``; for a TPS that does not vote in ``kind``, the statement built
        for another TPS, moved to this one and signed by ``key``."""
        if self.on_ballot(tps, kind):
            return build(tps)
        stmt = build(self.world.tps_in("32")).stmt.model_copy(update={"tps": tps})
        return sign_statement(stmt, key)

    def c_hasil(self, tps: str, kind: ContestKind, form: dict[str, Any], **change: Any) -> Envelope:
        change.setdefault("district", self.district(tps, kind))
        return self.at(
            tps,
            kind,
            lambda t: self.world.c_hasil(t, kind, form=form, **change),
            self.world.authorities.kpps(tps),
        )

    def c_salinan(
        self, tps: str, kind: ContestKind, signer: str, form: dict[str, Any], **change: Any
    ) -> Envelope:
        change.setdefault("district", self.district(tps, kind))
        return self.at(
            tps,
            kind,
            lambda t: self.world.c_salinan(t, kind, signer, form=form, **change),
            self.world.authorities.key(signer),
        )

    def correction(
        self, tps: str, kind: ContestKind, cited: Envelope, index: int, form: dict[str, Any]
    ) -> Envelope:
        return self.at(
            tps,
            kind,
            lambda t: self.world.correction(t, kind, cited, index, form=form),
            self.world.authorities.key(f"kpu-kab-{tps[:4]}"),
        )

    def in_force(self, tps: str, kind: ContestKind) -> tuple[int, Envelope] | None:
        record = self.authority.current_form(tps, kind.value)
        if record is None:
            return None
        env = self.envelopes[record.index]
        assert env is not None
        return record.index, env

    # -- the ops -----------------------------------------------------------------------

    def play(self, op: str, which: int, kind_i: int, seed: int) -> None:  # noqa: C901, PLR0912
        """One operation of :data:`OPS` at TPS ``which`` for contest ``kind_i``."""
        w, a = self.world, self.world.authorities
        tps = self.tps(which)
        kind = KINDS[kind_i % len(KINDS)]
        self.register(tps)
        form = self.form(tps, kind, seed)
        if op in ("hasil", "dup-hasil"):
            self.sign(self.c_hasil(tps, kind, form))
        elif op == "broken":
            _break(form)
            self.sign(self.c_hasil(tps, kind, form))
        elif op == "flagged":
            if form["surat_suara_tidak_digunakan"] <= 990 and form["surat_suara_diterima"] <= 990:
                form["surat_suara_diterima"] += 5  # off the DPT + 2% reserve: suspicious only
                form["surat_suara_tidak_digunakan"] += 5
            self.sign(self.c_hasil(tps, kind, form))
        elif op == "wrong-dapil":
            here = self.district(tps, kind)
            other = next(d.code for d in w.contests.contest(kind).districts if d.code != here)
            self.sign(self.c_hasil(tps, kind, form, district=other))
        elif op == "wrong-parties":
            if "partai" in form and len(form["partai"]) > 1:
                form["partai"].pop(sorted(form["partai"], key=int)[seed % len(form["partai"])])
            else:
                form.setdefault("suara_calon", {})["999"] = 0
            self.sign(self.c_hasil(tps, kind, form))
        elif op == "wrong-candidates":
            if "partai" in form:
                first = sorted(form["partai"], key=int)[0]
                form["partai"][first]["suara_caleg"]["99"] = 0
            else:
                form["suara_calon"].pop(sorted(form["suara_calon"], key=int)[0])
            self.sign(self.c_hasil(tps, kind, form))
        elif op.startswith("copy"):
            party = "2" if op != "copy-other-party" else "5"
            if party != "2":
                self.once(f"saksi-{party}-{tps}", a.witness(party, tps))
            signed_party = "3" if op == "copy-wrong-party" else party
            self.sign(self.c_salinan(tps, kind, f"saksi-{party}-{tps}", form, party=signed_party))
        elif op in ("dpd-witness", "dpd-wrong-candidate", "saksi-dpd-stray", "revoke-calon"):
            self._dpd(op, tps, seed)
        elif op == "calon-unknown":
            self.sign(a.dpd_candidate(tps[:2], "999"))
        elif op == "revoke-by-other-calon":
            mine, theirs = self._dpd_number(tps, seed), self._dpd_number(tps, seed + 1)
            if mine is not None and theirs is not None and mine != theirs:
                number, other = mine, theirs
                self.once(f"calon-{tps[:2]}-{number}", a.dpd_candidate(tps[:2], number))
                self.once(f"calon-{tps[:2]}-{other}", a.dpd_candidate(tps[:2], other))
                self.once(f"saksi-dpd-{number}-{tps}", a.dpd_witness(number, tps))
                target = a.key(f"saksi-dpd-{number}-{tps}")
                self.sign(a.revoke(f"calon-dpd-{tps[:2]}-{other}", target, TALLY_AT, "hilang"))
        elif op in ("correct", "correct-broken", "stale", "wrong-target"):
            self._correct(op, tps, kind, form, seed)
        elif op.startswith("dhasil"):
            self._d_hasil(op, tps, kind, form, seed)
        elif op == "same-bytes":
            found = self.in_force(tps, kind)
            if found is not None:
                self.write(found[1].to_bytes())
        elif op == "wrong-kpps":
            other = self.tps(which + 1)
            self.register(other)
            env = self.c_hasil(tps, kind, form)
            self.sign(sign_statement(env.stmt, a.kpps(other)))
        elif op == "ppwp":
            stmt = CHasil(
                type="c-hasil", election=w.authorities.origin, at=TALLY_AT, tps=tps,
                contest="ppwp", form=consistent_form(random.Random(f"{seed}/{tps}")),
            )  # fmt: skip
            self.sign(sign_statement(stmt, a.kpps(tps)))
        elif op == "text-v2":
            found = self.in_force(tps, kind)
            if found is not None:
                index, env = found
                fixed = self.correction(tps, kind, env, index, form=form)
                reason = fixed.stmt.model_copy(update={"reason": "salah\u202etulis"})
                self.sign(sign_statement(reason, a.key(f"kpu-kab-{tps[:4]}")))
        elif op == "text-v1-label":
            label = KeyRegistration(
                type="key", election=a.origin, at=TIMELINE.keys_at,
                key=a.key(f"device-{seed}-{tps}").public.b64, role="ppk", scope=tps[:6],
                not_before=TIMELINE.valid_from, not_after=TIMELINE.valid_until,
                label="HP\u200b PPK ",
            )  # fmt: skip
            self.sign(sign_statement(label, a.key(f"kpu-kab-{tps[:4]}")))
        elif op == "v1-resigned":
            env = self.c_hasil(tps, kind, form)
            self.write(_resigned(env, 1, a.kpps(tps)))

    def _dpd_number(self, tps: str, seed: int) -> str | None:
        if not self.on_ballot(tps, ContestKind.DPD):
            return None
        candidates = self.world.contests.district_of(ContestKind.DPD, tps).candidates
        return str(candidates[seed % len(candidates)].number)

    def _dpd(self, op: str, tps: str, seed: int) -> None:
        a = self.world.authorities
        number = self._dpd_number(tps, seed)
        if number is None:  # overseas: no DPD, no candidate of its own
            self.sign(a.dpd_candidate(tps[:2], "1"))
            return
        self.once(f"calon-{tps[:2]}-{number}", a.dpd_candidate(tps[:2], number))
        if op == "revoke-calon":
            target = a.key(f"calon-dpd-{tps[:2]}-{number}")
            self.once(
                f"revoked-calon-{tps[:2]}-{number}",
                a.revoke(f"kpu-prov-{tps[:2]}", target, TALLY_AT, "diganti"),
            )
            self.sign(a.dpd_witness(number, tps))  # by a revoked key now
            return
        if op == "saksi-dpd-stray":
            stray = a.register(
                f"calon-dpd-{tps[:2]}-{number}", a.key(f"stray-{seed}-{tps}"), "saksi-dpd", tps,
                candidate=str(int(number) + 1),
            )  # fmt: skip
            self.sign(stray)
            return
        self.once(f"saksi-dpd-{number}-{tps}", a.dpd_witness(number, tps))
        claimed = number if op == "dpd-witness" else str(int(number) % 999 + 1)
        form = self.form(tps, ContestKind.DPD, seed)
        signer = f"saksi-dpd-{number}-{tps}"
        self.sign(self.c_salinan(tps, ContestKind.DPD, signer, form, candidate=claimed))

    def _correct(
        self, op: str, tps: str, kind: ContestKind, form: dict[str, Any], seed: int
    ) -> None:
        found = self.in_force(tps, kind)
        if found is None:
            return
        index, env = found
        if op == "correct-broken":
            _break(form)
        if op == "stale":
            first = self.authority.original_form(tps, kind.value)
            assert first is not None
            if first.index == index:
                return
            index, cited = first.index, self.envelopes[first.index]
            assert cited is not None
            env = cited
        if op == "wrong-target":
            forms = self.authority._forms.values()
            other = next((r for r in forms if (r.region, r.contest) != (tps, kind.value)), None)
            if other is None:
                return
            cited = self.envelopes[other.index]
            assert cited is not None
            index, env = other.index, cited
        self.sign(self.correction(tps, kind, env, index, form=form))

    def _d_hasil(
        self, op: str, tps: str, kind: ContestKind, form: dict[str, Any], seed: int
    ) -> None:
        w = self.world
        level, region = ("kecamatan", tps[:6]) if seed % 2 else ("kabkota", tps[:4])
        self.once(f"ppk-{tps[:6]}", w.authorities.ppk(tps[:6]))
        district = self.district(tps, kind)
        totals = totals_of(w.form(tps if self.on_ballot(tps, kind) else w.tps_in("32"), kind, seed))
        if op == "dhasil-far":
            district = next(
                d.code
                for d in w.contests.contest(kind).districts
                if not any(u.startswith(tps[:2]) or tps.startswith(u) for u in d.units)
            )
        elif op == "dhasil-unknown":
            district = "X-9"
        elif op == "dhasil-wrong-ballot":
            if "partai" in totals:
                totals["partai"].pop(sorted(totals["partai"], key=int)[-1])
                if not totals["partai"]:
                    totals["partai"]["24"] = {
                        "suara_partai": 0, "suara_caleg": {}, "suara_sah_partai": 0,
                    }  # fmt: skip
            else:
                totals["suara_calon"]["998"] = 0
        self.sign(w.d_hasil(region, level, kind, district, json.loads(json.dumps(totals))))


def _break(form: dict[str, Any]) -> None:
    """An impossible form: a party's B, or V.A of a DPD form, one more than written."""
    if "partai" in form:
        first = sorted(form["partai"], key=int)[0]
        votes = form["partai"][first]
        votes["suara_sah_partai"] = min(999, votes["suara_sah_partai"] + 1)
        if votes["suara_sah_partai"] == votes["suara_partai"] + sum(votes["suara_caleg"].values()):
            votes["suara_partai"] = max(0, votes["suara_partai"] - 1)
    else:
        form["suara_sah"] = 999 if form["suara_sah"] < 999 else 998


def reference_rules(env: Envelope) -> tuple[str, ...]:
    """The legislative rules the reference finds broken in a form entry."""
    stmt = env.stmt
    assert isinstance(stmt, LegislativeFormStatement)
    return tuple(v.rule for v in check_form(stmt.form))


__all__ = ["KINDS", "OPS", "V2Log", "reference_rules"]
