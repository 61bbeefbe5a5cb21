"""An election night on one machine: a synthetic election, its keys, its forms and
the faults of 2024, run through the intake into the store, and a report of what
was caught.

This is the engine of ``saksi demo``. It runs in-process for now; the service, the
witnesses and the verifier join it as separate processes in later stages.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from saksi.election.envelope import Envelope, sign_statement
from saksi.election.forms import CHasilPPWP
from saksi.election.regions import Hierarchy
from saksi.election.statements import CHasil, Correction, CSalinan, EntryRef
from saksi.election.synthetic import synthetic_hierarchy
from saksi.sim.election import PAIR_PARTIES, Authorities
from saksi.sim.faults import RATES, Fault, Injected, misread_form, shifted_votes
from saksi.sim.ledger import Ledger, Receipt
from saksi.sim.photos import form_photo
from saksi.sim.tally import consistent_form
from saksi.store import open_store

MISSING_RATE = 0.005
"""TPS whose form never arrives during the night."""
WITNESS_RATE = 0.2
"""TPS where the pairs' witnesses send their copies (C.Salinan)."""
SHARES = (0.25, 0.58, 0.17)
"""Roughly the 2024 national shares of pairs 01, 02, 03."""


@dataclass(frozen=True)
class DemoConfig:
    data: Path
    scale: float = 0.005
    seed: int = 2024


@dataclass
class Step:
    """One submission of the night, and the fault it carries, if any."""

    entry: bytes
    tps: str
    fault: Fault | None = None
    expect: str = ""  # the code or status that shows the fault was caught
    receipt: Receipt | None = None
    form: CHasilPPWP | None = None  # a witness copy's form, to compare with the KPPS form


@dataclass
class Outcome:
    injected: Injected
    caught: bool
    by: str


@dataclass
class DemoResult:
    config: DemoConfig
    hierarchy: Hierarchy
    ledger: Ledger
    outcomes: list[Outcome] = field(default_factory=list)
    truth: dict[str, int] = field(default_factory=dict)
    excluded: dict[str, int] = field(default_factory=dict)
    tps_reported: int = 0
    entries: int = 0
    seconds: float = 0.0
    corrections: int = 0
    disputes: int = 0

    @property
    def totals(self) -> dict[str, int]:
        return self.ledger.totals()

    @property
    def totals_match_truth(self) -> bool:
        want = {p: self.truth.get(p, 0) - self.excluded.get(p, 0) for p in self.truth}
        return self.totals == want


class Night:
    """Builds the night's submissions, then runs them through a ledger."""

    def __init__(self, config: DemoConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.hierarchy = synthetic_hierarchy(scale=config.scale, seed=config.seed)
        self.keys = Authorities(config.seed)
        self.origin = self.keys.origin
        self.truth: dict[str, CHasilPPWP] = {}
        self.injected: list[tuple[Injected, list[Step]]] = []
        self.witnessed: set[str] = set()

    # -- statements ----------------------------------------------------------

    def _at(self) -> str:
        minute = self.rng.randrange(7 * 60, 13 * 60)  # 14:00-20:00 WIB
        return f"2024-02-14T{minute // 60:02d}:{minute % 60:02d}:{self.rng.randrange(60):02d}Z"

    def c_hasil(
        self, tps: str, form: CHasilPPWP, generation: int = 0, signer: str | None = None
    ) -> Envelope:
        stmt = CHasil(
            type="c-hasil", election=self.origin, at=self._at(), tps=tps, contest="ppwp", form=form
        )
        key = self.keys.kpps(signer or tps, generation)
        return sign_statement(stmt, key)

    def c_salinan(self, tps: str, party: str, form: CHasilPPWP) -> Envelope:
        stmt = CSalinan(
            type="c-salinan",
            election=self.origin,
            at=self._at(),
            tps=tps,
            contest="ppwp",
            party=party,
            form=form,
        )
        return sign_statement(stmt, self.keys.saksi(party, tps))

    def correction(self, tps: str, target: Receipt, form: CHasilPPWP, why: str) -> Envelope:
        assert target.index is not None
        stmt = Correction(
            type="correction", election=self.origin, at="2024-02-15T03:00:00Z", tps=tps,
            contest="ppwp", corrects=EntryRef(index=target.index, leaf_hash=target.leaf_hash),
            form=form, reason=why, evidence=form.foto,
        )  # fmt: skip
        return sign_statement(stmt, self.keys.key(f"kpu-kab-{tps[:4]}"))

    # -- the night's plan ------------------------------------------------------

    def plan(self, store_photo: Callable[[bytes], str]) -> Iterator[Step]:
        """Every submission in arrival order (keys first, then the TPS as they report)."""
        yield Step(self.keys.manifest(self.hierarchy).to_bytes(), "0")
        tps_codes = list(self.hierarchy.iter_tps())
        self.witnessed = {t for t in tps_codes if self.rng.random() < WITNESS_RATE}
        for env in self.keys.key_tree(self.hierarchy, self.witnessed):
            yield Step(env.to_bytes(), "0")
        self.rng.shuffle(tps_codes)
        for tps in tps_codes:
            if self.rng.random() < MISSING_RATE:
                continue
            photo = store_photo(form_photo(f"{self.config.seed}/{tps}/1"))
            form = consistent_form(self.rng, shares=SHARES, photos=(photo,))
            self.truth[tps] = form
            yield from self._tps_steps(tps, form, tps_codes)

    def _fault(self, fault: Fault) -> bool:
        return self.rng.random() < RATES[fault]

    def _tps_steps(self, tps: str, form: CHasilPPWP, all_tps: list[str]) -> Iterator[Step]:
        steps: list[Step] = []
        generation = 0
        if self._fault(Fault.REVOKED):
            steps += self._revoked(tps, form)
            generation = 1
        if self._fault(Fault.FORGED):
            steps.append(self._forged(tps, form))
        if self._fault(Fault.WRONG_TPS):
            other = self.rng.choice(all_tps)
            if other != tps:
                steps.append(
                    self._record(
                        Fault.WRONG_TPS,
                        tps,
                        f"signed with KPPS key of {other}",
                        self.c_hasil(tps, form, signer=other),
                        "auth.out-of-scope",
                    )
                )
        sent = form
        fault = None
        if self._fault(Fault.MISREAD):
            sent, what = misread_form(self.rng, form)
            fault = Injected(Fault.MISREAD, tps, what)
        main = Step(self.c_hasil(tps, sent, generation).to_bytes(), tps)
        if fault is not None:
            main.fault, main.expect = Fault.MISREAD, "inconsistent"
            self.injected.append((fault, [main]))
        steps.append(main)
        if self._fault(Fault.RETRY):
            retry = Step(main.entry, tps, Fault.RETRY, "duplicate")
            self.injected.append((Injected(Fault.RETRY, tps, "sent twice"), [main, retry]))
            steps.append(retry)
        if self._fault(Fault.SECOND_FORM):
            steps.append(
                self._record(
                    Fault.SECOND_FORM,
                    tps,
                    "10 votes moved 03 -> 01",
                    self.c_hasil(tps, shifted_votes(form, 10), generation),
                    "auth.duplicate-form",
                )
            )
        if tps in self.witnessed:
            steps += self._copies(tps, form)
        yield from steps

    def _record(self, fault: Fault, tps: str, detail: str, env: Envelope, expect: str) -> Step:
        step = Step(env.to_bytes(), tps, fault, expect)
        self.injected.append((Injected(fault, tps, detail), [step]))
        return step

    def _forged(self, tps: str, form: CHasilPPWP) -> Step:
        real = self.c_hasil(tps, shifted_votes(form, 25))
        attacker = sign_statement(real.stmt, self.keys.key(f"attacker-{tps}"))
        forged = Envelope(v=1, stmt=real.stmt, key=real.key, sig=attacker.sig)
        return self._record(
            Fault.FORGED,
            tps,
            "KPPS key claimed, signed by another key",
            forged,
            "statement.bad-signature",
        )

    def _revoked(self, tps: str, form: CHasilPPWP) -> list[Step]:
        registrar = f"kpu-kab-{tps[:4]}"
        old, new = self.keys.kpps(tps, 0), self.keys.kpps(tps, 1)
        revoke = self.keys.revoke(
            registrar, old, "2024-02-14T05:00:00Z", "perangkat hilang / device lost"
        )
        register = self.keys.register(registrar, new, "kpps", tps, label=f"HP KPPS {tps} (2)")
        used = self._record(
            Fault.REVOKED,
            tps,
            "lost device's key used after revocation",
            self.c_hasil(tps, form, 0),
            "auth.revoked",
        )
        return [Step(revoke.to_bytes(), tps), Step(register.to_bytes(), tps), used]

    def _copies(self, tps: str, form: CHasilPPWP) -> list[Step]:
        steps = []
        for num, _ in PAIR_PARTIES.values():
            copy = form
            if self._fault(Fault.DISPUTE):
                copy = shifted_votes(form, 7)
                step = Step(
                    self.c_salinan(tps, num, copy).to_bytes(),
                    tps,
                    Fault.DISPUTE,
                    "disputed",
                    form=copy,
                )
                self.injected.append(
                    (Injected(Fault.DISPUTE, tps, f"saksi {num}: 7 votes moved 03 -> 01"), [step])
                )
                steps.append(step)
            else:
                steps.append(Step(self.c_salinan(tps, num, copy).to_bytes(), tps))
        return steps


def _caught(step: Step, ledger: Ledger, night: Night) -> tuple[bool, str]:
    receipt = step.receipt
    assert receipt is not None
    if step.expect == "inconsistent":
        rules = sorted({v.rule for v in receipt.violations if v.impossible})
        return receipt.status == "inconsistent", "rules: " + ", ".join(rules)
    if step.expect == "duplicate":
        return receipt.status == "duplicate", f"same receipt, index {receipt.index}"
    if step.expect == "disputed":
        assert step.form is not None
        differs = _differences(step.form, step.tps, ledger)
        return bool(differs), "copy differs in " + ", ".join(differs)
    return receipt.code == step.expect, receipt.code or receipt.status


def _differences(copy_form: CHasilPPWP, tps: str, ledger: Ledger) -> list[str]:
    """Fields where a witness copy and the KPPS form in force differ."""
    kpps = ledger.forms.get((tps, "ppwp"))
    if kpps is None:
        return []
    copy = copy_form.reading()
    return [k for k, v in kpps[0].reading().items() if copy.get(k) != v]


def run_night(config: DemoConfig, progress: Callable[[int], None] | None = None) -> DemoResult:
    """Run the whole night; ``progress`` is called with the number of steps done."""
    started = time.perf_counter()
    night = Night(config)
    config.data.mkdir(parents=True, exist_ok=True)
    with open_store(config.data) as store:
        steps = list(night.plan(store.put_photo))
        ledger = Ledger.open(store, steps[0].entry, night.hierarchy.exists)
        for done, step in enumerate(steps[1:], 2):
            step.receipt = ledger.submit(step.entry)
            if progress is not None and done % 256 == 0:
                progress(done)
        result = DemoResult(config, night.hierarchy, ledger)
        _correct_misreads(night, ledger, result)
        _judge(night, ledger, result)
        result.entries = store.size()
    result.seconds = time.perf_counter() - started
    return result


def _correct_misreads(night: Night, ledger: Ledger, result: DemoResult) -> None:
    """KPU Kab/Kota corrects each form held as inconsistent, from the photo and plano."""
    for injected, steps in night.injected:
        step = steps[0]
        if injected.fault is Fault.MISREAD and step.receipt and step.receipt.index is not None:
            if step.receipt.status != "inconsistent":
                continue
            env = night.correction(
                step.tps,
                step.receipt,
                night.truth[step.tps],
                f"salah baca / misread: {injected.detail}",
            )
            if ledger.submit(env.to_bytes()).index is not None:
                result.corrections += 1


def _judge(night: Night, ledger: Ledger, result: DemoResult) -> None:
    for injected, steps in night.injected:
        caught, by = _caught(steps[-1], ledger, night)
        result.outcomes.append(Outcome(injected, caught, by))
        result.disputes += injected.fault is Fault.DISPUTE and caught
    truth: Counter[str] = Counter()
    excluded: Counter[str] = Counter()
    for tps, form in night.truth.items():
        truth.update(form.suara_paslon)
        held = ledger.forms.get((tps, "ppwp"))
        if held is None or held[1].value == "inconsistent":
            excluded.update(form.suara_paslon)
    result.truth, result.excluded = dict(sorted(truth.items())), dict(excluded)
    result.tps_reported = len(ledger.forms)
