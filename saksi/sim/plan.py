"""The night's plan: every statement the devices and offices send, and the truth.

Everything here is a pure function of the seed and the region hierarchy. Each TPS
has its own random generator, seeded with the election's seed and the TPS code, that
decides its true form, its faults and its times; so a TPS's statements are the same
bytes whatever order the devices run in, and a TPS's plan can be built by any thread
when its device needs it (the national night never holds every plan at once).

Faults are drawn at the rates of :data:`saksi.sim.faults.RATES`; every fault kind
occurs at least once, however small the election (a kind never drawn is given to the
first TPS in code order that has no fault yet).
"""

from __future__ import annotations

import bisect
import random
import threading
from collections import Counter
from dataclasses import dataclass

from saksi.election.codes import Level
from saksi.election.envelope import Envelope, sign_statement
from saksi.election.forms import CHasilPPWP
from saksi.election.photo_upload import PhotoSignature, sign_photo
from saksi.election.regions import Hierarchy
from saksi.election.statements import (
    CHasil,
    Correction,
    CSalinan,
    DHasil,
    EntryRef,
    RecapTotals,
)
from saksi.sim.election import PAIR_PARTIES, Authorities
from saksi.sim.faults import EXPECTED_CHECK, RATES, Fault, misread_form, shifted_votes
from saksi.sim.logbook import CORRECTION_AT, RECAP_AT
from saksi.sim.photos import form_photo, photo_hash
from saksi.sim.tally import consistent_form

MISSING_RATE = 0.005
"""TPS whose form never arrives during the night."""
WITNESS_RATE = 0.2
"""TPS where the pairs' party witnesses send their copies (C.Salinan)."""
CORRECTED_RATE = 0.75
"""Forms held as inconsistent that KPU Kab/Kota corrects before the night ends."""
SHARES = (0.25, 0.58, 0.17)
"""Roughly the 2024 national shares of pairs 01, 02, 03."""
INFLATION = 50
"""Votes the dishonest PPK adds to one pair (and to suara_sah) in its D.Hasil."""
PARTIES = tuple(num for num, _ in PAIR_PARTIES.values())
TPS_FAULTS = (
    Fault.REVOKED,
    Fault.FORGED,
    Fault.WRONG_TPS,
    Fault.MISREAD,
    Fault.RETRY,
    Fault.SECOND_FORM,
)
"""The faults drawn per TPS, in the order they are drawn (and sent)."""
LOGGED = "logged"
DUPLICATE = "duplicate"


@dataclass(frozen=True, slots=True)
class Draw:
    """What the dice decided for one TPS."""

    missing: bool
    witnessed: bool
    faults: frozenset[Fault]
    disputes: tuple[str, ...]  # parties whose witness copy disagrees
    corrected: bool  # if misread: corrected by KPU Kab/Kota tonight


@dataclass
class FaultRecord:
    """One injected fault: where, what exactly, and the check meant to catch it."""

    id: int
    fault: Fault
    where: str  # a TPS code, a kecamatan code (d-hasil), or "0" (the service)
    party: str | None = None
    detail: str = ""
    leaf_hash: str | None = None  # the faulty statement's leaf hash, when it is one

    @property
    def expected_check(self) -> str:
        return EXPECTED_CHECK[self.fault]

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "fault": self.fault.value, "where": self.where, "party": self.party,
            "detail": self.detail, "leaf_hash": self.leaf_hash,
            "expected_check": self.expected_check,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Send:
    """One statement a device or office sends, and what should come of it."""

    entry: bytes
    expect: str  # LOGGED, DUPLICATE, or the refusal code that catches it
    fault: int | None = None  # the FaultRecord id this statement carries


@dataclass(frozen=True)
class TpsPlan:
    """One TPS's night: its true form, photo and statements in sending order. The
    photo is uploaded just before :attr:`form`, signed by the same KPPS key."""

    tps: str
    truth: CHasilPPWP
    photo: bytes
    sends: tuple[Send, ...]
    form: bytes  # the KPPS c-hasil that is logged (true, or misread)
    draw: Draw
    photo_signature: PhotoSignature | None = None  # None: nothing is sent


def _draw(seed: int, tps: str) -> Draw:
    rng = random.Random(f"saksi-demo/{seed}/draw/{tps}")
    missing = rng.random() < MISSING_RATE
    witnessed = rng.random() < WITNESS_RATE
    faults = frozenset(f for f in TPS_FAULTS if rng.random() < RATES[f])
    disputes = tuple(p for p in PARTIES if rng.random() < RATES[Fault.DISPUTE])
    corrected = rng.random() < CORRECTED_RATE
    if missing:
        return Draw(True, witnessed, frozenset(), (), False)
    return Draw(False, witnessed, faults, disputes if witnessed else (), corrected)


def _ensure_each(draws: dict[str, Draw]) -> None:
    """Give every fault kind never drawn to the first TPS without any fault."""
    drawn = {f for d in draws.values() for f in d.faults}
    disputed = any(d.disputes for d in draws.values())
    clean = (t for t, d in draws.items() if not d.missing and not d.faults and not d.disputes)
    for fault in TPS_FAULTS:
        if fault not in drawn:
            tps = next(clean, None)
            if tps is not None:
                old = draws[tps]
                draws[tps] = Draw(False, old.witnessed, frozenset({fault}), (), True)
    if not disputed:
        tps = next(clean, None)
        if tps is not None:
            draws[tps] = Draw(False, True, frozenset(), (PARTIES[-1],), True)


class NightPlan:
    """The plan of one night over ``hierarchy`` for ``seed``."""

    def __init__(self, hierarchy: Hierarchy, seed: int, *, crash: bool = True) -> None:
        self.hierarchy = hierarchy
        self.seed = seed
        self.keys = Authorities(seed)
        self.origin = self.keys.origin
        self.tps = sorted(hierarchy.iter_tps())
        self.draws = {tps: _draw(seed, tps) for tps in self.tps}
        _ensure_each(self.draws)
        self.witnessed = {t for t, d in self.draws.items() if d.witnessed}
        self.faults: list[FaultRecord] = []
        self._fault_ids: dict[tuple[str, Fault, str | None], int] = {}
        for tps in self.tps:
            draw = self.draws[tps]
            for fault in TPS_FAULTS:
                if fault in draw.faults:
                    self._add(fault, tps)
            for party in draw.disputes:
                self._add(Fault.DISPUTE, tps, party)
        self.inflated = self._pick_inflated()
        self._add(Fault.INFLATED_RECAP, self.inflated)
        if crash:
            self._add(Fault.CRASH, "0")
        self._lock = threading.Lock()
        self.true_totals: Counter[str] = Counter()
        self.kept_out: dict[str, Counter[str]] = {"missing": Counter(), "held": Counter()}
        self.by_kecamatan: dict[str, Counter[str]] = {}
        self._counted: set[str] = set()

    def _add(self, fault: Fault, where: str, party: str | None = None) -> FaultRecord:
        record = FaultRecord(len(self.faults), fault, where, party)
        self.faults.append(record)
        self._fault_ids[(where, fault, party)] = record.id
        return record

    def fault_id(self, where: str, fault: Fault, party: str | None = None) -> int:
        return self._fault_ids[(where, fault, party)]

    def counted_at_end(self, tps: str) -> bool:
        """Whether the TPS's form is in the totals when the night ends."""
        draw = self.draws[tps]
        return not draw.missing and (Fault.MISREAD not in draw.faults or draw.corrected)

    def complete_kecamatan(self) -> list[str]:
        """Kecamatan whose every TPS is counted at the end: their PPK sends a D.Hasil."""
        return [
            kec
            for kec in self.hierarchy.codes(Level.KECAMATAN)
            if all(self.counted_at_end(t) for t in self.hierarchy.iter_tps(kec))
            and self.hierarchy.tps_count(kec) > 0
        ]

    def _pick_inflated(self) -> str:
        candidates = self.complete_kecamatan() or list(self.hierarchy.codes(Level.KECAMATAN))
        return random.Random(f"saksi-demo/{self.seed}/inflated").choice(candidates)

    # -- statements ------------------------------------------------------------------

    def _c_hasil(self, tps: str, form: CHasilPPWP, at: str, key: str) -> Envelope:
        stmt = CHasil(
            type="c-hasil", election=self.origin, at=at, tps=tps, contest="ppwp", form=form
        )
        return sign_statement(stmt, self.keys.key(key))

    def _c_salinan(self, tps: str, party: str, form: CHasilPPWP, at: str) -> Envelope:
        stmt = CSalinan(
            type="c-salinan", election=self.origin, at=at, tps=tps, contest="ppwp",
            party=party, form=form,
        )  # fmt: skip
        return sign_statement(stmt, self.keys.saksi(party, tps))

    def tps_plan(self, tps: str) -> TpsPlan:
        """The TPS's statements (thread-safe; adds its truth to the night's totals)."""
        draw = self.draws[tps]
        rng = random.Random(f"saksi-demo/{self.seed}/form/{tps}")
        photo = form_photo(f"{self.seed}/{tps}/1")
        truth = consistent_form(rng, shares=SHARES, photos=(photo_hash(photo),))
        minute = rng.randrange(7 * 60, 13 * 60)  # 14:00-20:00 WIB
        at = f"2024-02-14T{minute // 60:02d}:{minute % 60:02d}:{rng.randrange(60):02d}Z"
        self._count(tps, truth, draw)
        if draw.missing:
            return TpsPlan(tps, truth, photo, (), b"", draw)
        sends: list[Send] = []
        generation = 0
        if Fault.REVOKED in draw.faults:
            sends += self._revoked(tps, truth, at)
            generation = 1
        if Fault.FORGED in draw.faults:
            sends.append(self._forged(tps, truth, at))
        if Fault.WRONG_TPS in draw.faults:
            sends.append(self._wrong_tps(tps, truth, at))
        sent, misread = truth, None
        if Fault.MISREAD in draw.faults:
            sent, what = misread_form(rng, truth)
            misread = self._note(tps, Fault.MISREAD, what)
        kpps = f"kpps-{tps}-{generation}"
        main_env = self._c_hasil(tps, sent, at, kpps)
        main = main_env.to_bytes()
        sends.append(Send(main, LOGGED, misread))
        if misread is not None:
            self.faults[misread].leaf_hash = main_env.leaf_hash_hex
        if Fault.RETRY in draw.faults:
            fid = self._note(tps, Fault.RETRY, "the same c-hasil sent twice (timeout)")
            self.faults[fid].leaf_hash = main_env.leaf_hash_hex
            sends.append(Send(main, DUPLICATE, fid))
        if Fault.SECOND_FORM in draw.faults:
            second = self._c_hasil(tps, shifted_votes(truth, 10), at, f"kpps-{tps}-{generation}")
            fid = self._note(tps, Fault.SECOND_FORM, "a second c-hasil, 10 votes 03 -> 01")
            sends.append(self._faulty(second, "auth.duplicate-form", fid))
        if draw.witnessed:
            sends += self._copies(tps, truth, at, draw)
        signature = sign_photo(self.keys.key(kpps), self.origin, photo)
        return TpsPlan(tps, truth, photo, tuple(sends), main, draw, signature)

    def _note(self, tps: str, fault: Fault, detail: str, party: str | None = None) -> int:
        fid = self.fault_id(tps, fault, party)
        self.faults[fid].detail = detail
        return fid

    def _faulty(self, env: Envelope, expect: str, fid: int) -> Send:
        self.faults[fid].leaf_hash = env.leaf_hash_hex
        return Send(env.to_bytes(), expect, fid)

    def _revoked(self, tps: str, truth: CHasilPPWP, at: str) -> list[Send]:
        registrar = f"kpu-kab-{tps[:4]}"
        old, new = self.keys.kpps(tps, 0), self.keys.kpps(tps, 1)
        revoke = self.keys.revoke(
            registrar, old, "2024-02-14T05:00:00Z", "perangkat hilang / device lost"
        )
        register = self.keys.register(registrar, new, "kpps", tps, label=f"HP KPPS {tps} (2)")
        used = self._c_hasil(tps, shifted_votes(truth, 25), at, f"kpps-{tps}-0")
        fid = self._note(tps, Fault.REVOKED, "the lost device's revoked key sends a form")
        return [
            Send(revoke.to_bytes(), LOGGED),
            Send(register.to_bytes(), LOGGED),
            self._faulty(used, "auth.revoked", fid),
        ]

    def _forged(self, tps: str, truth: CHasilPPWP, at: str) -> Send:
        real = self._c_hasil(tps, shifted_votes(truth, 25), at, f"kpps-{tps}-0")
        attacker = sign_statement(real.stmt, self.keys.key(f"attacker-{tps}"))
        forged = Envelope(v=1, stmt=real.stmt, key=real.key, sig=attacker.sig)
        fid = self._note(tps, Fault.FORGED, "the KPPS key claimed, signed by another key")
        return self._faulty(forged, "statement.bad-signature", fid)

    def _wrong_tps(self, tps: str, truth: CHasilPPWP, at: str) -> Send:
        other = self._neighbour(tps)
        env = self._c_hasil(tps, shifted_votes(truth, 25), at, f"kpps-{other}-0")
        fid = self._note(tps, Fault.WRONG_TPS, f"signed with the KPPS key of TPS {other}")
        return self._faulty(env, "auth.out-of-scope", fid)

    def _neighbour(self, tps: str) -> str:
        """The next TPS in code order whose first key is never revoked."""
        start = bisect.bisect_left(self.tps, tps)
        for step in range(1, len(self.tps)):
            other = self.tps[(start + step) % len(self.tps)]
            if Fault.REVOKED not in self.draws[other].faults:
                return other
        return tps  # a one-TPS election: the key is its own (then not a fault)

    def _copies(self, tps: str, truth: CHasilPPWP, at: str, draw: Draw) -> list[Send]:
        sends = []
        for party in PARTIES:
            if party in draw.disputes:
                env = self._c_salinan(tps, party, shifted_votes(truth, 7), at)
                fid = self._note(tps, Fault.DISPUTE, f"saksi {party}: 7 votes 03 -> 01", party)
                self.faults[fid].leaf_hash = env.leaf_hash_hex
                sends.append(Send(env.to_bytes(), LOGGED, fid))
            else:
                sends.append(Send(self._c_salinan(tps, party, truth, at).to_bytes(), LOGGED))
        return sends

    def _count(self, tps: str, truth: CHasilPPWP, draw: Draw) -> None:
        votes = dict(truth.suara_paslon)
        with self._lock:
            if tps in self._counted:
                return
            self._counted.add(tps)
            self.true_totals.update(votes)
            if draw.missing:
                self.kept_out["missing"].update(votes)
            elif not self.counted_at_end(tps):
                self.kept_out["held"].update(votes)
            kec = self.by_kecamatan.setdefault(tps[:6], Counter())
            kec.update({f"suara_paslon_{p}": v for p, v in votes.items()})
            kec.update(
                suara_sah=truth.suara_sah, suara_tidak_sah=truth.suara_tidak_sah,
                suara_total=truth.suara_total, pengguna_total_j=truth.pengguna_total_j,
                pemilih_dpt_j=truth.pemilih_dpt_j, jumlah_tps=1,
            )  # fmt: skip

    # -- the offices' statements after the night -----------------------------------------

    def correction(self, tps: str, index: int, leaf_hash: str, detail: str) -> bytes:
        """KPU Kab/Kota replaces the TPS's misread form by the true one (the photo)."""
        truth = self.tps_plan_truth(tps)
        stmt = Correction(
            type="correction", election=self.origin, at=CORRECTION_AT, tps=tps,
            contest="ppwp", corrects=EntryRef(index=index, leaf_hash=leaf_hash), form=truth,
            reason=f"salah baca / misread: {detail}", evidence=truth.foto,
        )  # fmt: skip
        return sign_statement(stmt, self.keys.key(f"kpu-kab-{tps[:4]}")).to_bytes()

    def tps_plan_truth(self, tps: str) -> CHasilPPWP:
        rng = random.Random(f"saksi-demo/{self.seed}/form/{tps}")
        photo = form_photo(f"{self.seed}/{tps}/1")
        return consistent_form(rng, shares=SHARES, photos=(photo_hash(photo),))

    def d_hasil(self, kecamatan: str) -> bytes:
        """The PPK's D.Hasil of a complete kecamatan (inflated at :attr:`inflated`)."""
        flat = dict(self.by_kecamatan.get(kecamatan, Counter()))
        votes = {p: flat.pop(f"suara_paslon_{p}", 0) for p in PARTIES_BY_PAIR}
        if kecamatan == self.inflated:
            pair = random.Random(f"saksi-demo/{self.seed}/pair").choice(sorted(votes))
            votes[pair] += INFLATION
            flat["suara_sah"] = flat.get("suara_sah", 0) + INFLATION
            record = self.faults[self.fault_id(kecamatan, Fault.INFLATED_RECAP)]
            record.detail = f"PPK {kecamatan}: pair {pair} +{INFLATION}, suara_sah +{INFLATION}"
        totals = RecapTotals(
            suara_paslon=votes, suara_sah=flat.get("suara_sah", 0),
            suara_tidak_sah=flat.get("suara_tidak_sah", 0), suara_total=flat.get("suara_total", 0),
            pengguna_total_j=flat.get("pengguna_total_j", 0),
            pemilih_dpt_j=flat.get("pemilih_dpt_j", 0), jumlah_tps=flat.get("jumlah_tps", 0),
        )  # fmt: skip
        stmt = DHasil(
            type="d-hasil", election=self.origin, at=RECAP_AT, region=kecamatan,
            level="kecamatan", contest="ppwp", totals=totals,
        )  # fmt: skip
        env = sign_statement(stmt, self.keys.key(f"ppk-{kecamatan}"))
        if kecamatan == self.inflated:
            self.faults[
                self.fault_id(kecamatan, Fault.INFLATED_RECAP)
            ].leaf_hash = env.leaf_hash_hex
        return env.to_bytes()

    def truth_document(self) -> dict[str, object]:
        """truth.json: what was injected and the true totals (a function of the seed)."""
        held = sorted(
            t for t, d in self.draws.items() if Fault.MISREAD in d.faults and not d.corrected
        )
        expected = Counter(self.true_totals)
        expected.subtract(self.kept_out["missing"])
        expected.subtract(self.kept_out["held"])
        return {
            "format": TRUTH_FORMAT,
            "origin": self.origin,
            "seed": self.seed,
            "regions_digest": self.hierarchy.digest(),
            "tps": {
                "expected": len(self.tps),
                "missing": sorted(t for t, d in self.draws.items() if d.missing),
                "held": held,
                "witnessed": len(self.witnessed),
            },
            "faults": [f.to_dict() for f in self.faults],
            "true_totals": dict(sorted(self.true_totals.items())),
            "kept_out": {k: dict(sorted(v.items())) for k, v in self.kept_out.items()},
            "expected_totals": dict(sorted(expected.items())),
        }


TRUTH_FORMAT = "saksi-demo-truth/1"
PARTIES_BY_PAIR = tuple(PAIR_PARTIES)
"""The pairs' numbers ("01", "02", "03")."""


__all__ = [
    "CORRECTED_RATE",
    "DUPLICATE",
    "INFLATION",
    "LOGGED",
    "MISSING_RATE",
    "SHARES",
    "TRUTH_FORMAT",
    "WITNESS_RATE",
    "Draw",
    "FaultRecord",
    "NightPlan",
    "Send",
    "TpsPlan",
]
