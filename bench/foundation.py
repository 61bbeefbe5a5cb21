"""The foundation's benchmarks: checking, admitting and storing signed C.Hasil forms.

Every target is measured beside the limit it cannot beat, in the same run:

==================  ==========================================  =================
case                what one item is                            limit
==================  ==========================================  =================
pynacl.verify       ``VerifyKey.verify`` of one signed message  (the limit)
forms.check         ``parse_entry`` + ``check_form``            pynacl.verify
intake.admit        ``Intake.admit`` + ``Intake.record``        pynacl.verify
pynacl.verify-dpr   ``VerifyKey.verify`` of a DPR form's bytes  (the limit)
forms.check-dpr     Ed25519 + strict JSON + schema + rules      pynacl.verify-dpr
intake.admit-dpr    ``Intake.admit`` + ``record``, C.Hasil-DPR  pynacl.verify-dpr
pynacl.verify-aceh  the same for an Aceh DPRD form              (the limit)
forms.check-aceh    the same for an Aceh DPRD form              pynacl.verify-aceh
intake.admit-aceh   the same for an Aceh DPRD form              pynacl.verify-aceh
sqlite.batch        raw INSERT, 1,000 per transaction           (the limit)
store.batch         ``Store.append_batch`` of 1,000             sqlite.batch
sqlite.single       raw INSERT, one per transaction             (the limit)
store.single        ``Store.append`` of one entry               sqlite.single
==================  ==========================================  =================

``sha256.entry`` and ``json.loads.entry`` are context: what hashing and parsing the
same bytes once costs. The legislative cases are of a DPR form (the 18 national
parties, 10 candidates each) and of the largest DPRD form, Aceh's (24 parties, 12
candidates each): ``forms.check-*`` checks a signed form's canonical bytes, and
``intake.admit-*`` admits format v2 entries carrying those very forms (a C.Hasil-DPR,
a C.Hasil-DPRD Provinsi in Aceh) into an election whose contests file has those
ballots (:func:`legislative_election`), each TPS its own form. The PPWP entries are
real: a synthetic election (its manifest and key tree) and one signed, rule-abiding
C.Hasil per TPS, as ``saksi demo`` makes them.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import nacl.signing

from saksi.election.contests import PARTIES_2024, ContestKind
from saksi.election.envelope import parse_entry, sign_statement, signed_message
from saksi.election.intake import Intake
from saksi.election.legislative import Candidate, Contests, District, LegislativeContest, PartyList
from saksi.election.legislative_forms import Ballot, CHasilPartai
from saksi.election.legislative_forms import check_form as check_legislative_form
from saksi.election.regions import Hierarchy, TpsNumbers
from saksi.election.rules import check_form
from saksi.election.statements import (
    CHasil,
    CHasilLegislatif,
    FormStatement,
    LegislativeContestName,
)
from saksi.election.synthetic import synthetic_hierarchy
from saksi.election.wire import loads, parse_model
from saksi.sim.election import Authorities
from saksi.sim.legislative_tally import consistent_legislative_form
from saksi.sim.tally import consistent_form
from saksi.store import open_store

from .harness import Case, Run

BATCH = 1000
"""Entries per ``append_batch`` call (and per raw SQLite transaction)."""

SHARES = (0.25, 0.58, 0.17)


@dataclass(frozen=True)
class Sizes:
    """How much work each case does."""

    scale: float = 0.005  # of the 2024 hierarchy: 4,117 TPS, so 4,117 forms
    forms: int | None = None  # at most this many forms (None: one per TPS)
    single: int = 300  # single appends (each one a durable transaction)
    seed: int = 2024


QUICK = Sizes(scale=0.0005, forms=40, single=10)


@dataclass(frozen=True)
class Workload:
    """A small election and its signed forms, built once per run (not timed)."""

    origin: str
    hierarchy: Hierarchy
    manifest: bytes
    key_entries: tuple[bytes, ...]
    forms: tuple[bytes, ...]
    messages: tuple[tuple[nacl.signing.VerifyKey, bytes, bytes], ...]  # key, message, sig


def build_workload(sizes: Sizes) -> Workload:
    """The manifest, the key tree and one signed C.Hasil per TPS."""
    rng = random.Random(sizes.seed)
    hierarchy = synthetic_hierarchy(scale=sizes.scale, seed=sizes.seed)
    keys = Authorities(sizes.seed)
    manifest = keys.manifest(hierarchy).to_bytes()
    key_entries = tuple(env.to_bytes() for env in keys.key_tree(hierarchy, set()))
    tps_codes = list(hierarchy.iter_tps())
    rng.shuffle(tps_codes)
    if sizes.forms is not None:
        tps_codes = tps_codes[: sizes.forms]
    forms, messages = [], []
    for tps in tps_codes:
        photo = hashlib.sha256(f"{sizes.seed}/{tps}/1".encode()).hexdigest()
        form = consistent_form(rng, shares=SHARES, photos=(photo,))
        minute = rng.randrange(7 * 60, 13 * 60)
        at = f"2024-02-14T{minute // 60:02d}:{minute % 60:02d}:{rng.randrange(60):02d}Z"
        stmt = CHasil(
            type="c-hasil", election=keys.origin, at=at, tps=tps, contest="ppwp", form=form
        )
        key = keys.kpps(tps)
        env = sign_statement(stmt, key)
        forms.append(env.to_bytes())
        verify_key = nacl.signing.VerifyKey(key.public.raw)
        message = signed_message(env.stmt_bytes)
        messages.append((verify_key, message, key.sign(message)))
    return Workload(keys.origin, hierarchy, manifest, key_entries, tuple(forms), tuple(messages))


# --- the limits and context -------------------------------------------------------


def pynacl_verify(work: Workload) -> Run:
    messages = work.messages

    def run() -> None:
        for verify_key, message, signature in messages:
            verify_key.verify(message, signature)

    return run


def sha256_entry(work: Workload) -> Run:
    forms = work.forms

    def run() -> None:
        for entry in forms:
            hashlib.sha256(b"\x00" + entry).digest()

    return run


def json_loads_entry(work: Workload) -> Run:
    forms = work.forms

    def run() -> None:
        for entry in forms:
            json.loads(entry)

    return run


# --- Saksi's path -----------------------------------------------------------------


def forms_check(work: Workload) -> Run:
    forms, origin = work.forms, work.origin

    def run() -> None:
        for entry in forms:
            envelope = parse_entry(entry, election=origin)
            stmt = envelope.stmt
            assert isinstance(stmt, FormStatement)
            if check_form(stmt.form):
                raise AssertionError("a consistent form broke a rule")

    return run


def ready_intake(work: Workload) -> Intake:
    """An intake that has admitted and recorded the manifest and the whole key tree."""
    intake = Intake.start(work.manifest, region_exists=work.hierarchy.exists)
    for index, entry in enumerate(work.key_entries, 1):
        intake.record(intake.admit(entry), index)
    return intake


def intake_admit(work: Workload) -> Run:
    intake = ready_intake(work)
    first = 1 + len(work.key_entries)
    forms = work.forms

    def run() -> None:
        for index, entry in enumerate(forms, first):
            admission = intake.admit(entry)
            intake.record(admission, index)
            if admission.violations:
                raise AssertionError("a consistent form broke a rule")

    return run


# --- the legislative forms ----------------------------------------------------------


def _ballot(parties: tuple[int, ...], candidates: int) -> Ballot:
    return Ballot(parties=tuple((str(p), tuple(range(1, candidates + 1))) for p in parties))


DPR_BALLOT = _ballot((*range(1, 18), 24), 10)
"""A full DPR ballot: the 18 national parties (17 and Partai Ummat, 24; 18-23 are Aceh's
local parties, on DPRD ballots only), 10 candidates each (a 10-seat dapil)."""
ACEH_BALLOT = _ballot(tuple(range(1, 25)), 12)
"""The largest DPRD ballot: Aceh's, the 24 parties, 12 candidates each."""
LEGISLATIVE_FORMS = 400
TPS_PER_DESA = 50


@dataclass(frozen=True)
class SignedForms:
    """Signed legislative forms of one size: (key, canonical bytes, signature)."""

    items: tuple[tuple[nacl.signing.VerifyKey, bytes, bytes], ...]


def legislative_forms(ballot: Ballot, count: int, seed: int) -> list[CHasilPartai]:
    """``count`` rule-abiding forms of ``ballot`` (the same for a given seed)."""
    rng = random.Random(f"{seed}:{ballot.parties[-1][0]}:{len(ballot.parties)}")
    forms = [consistent_legislative_form(rng, ballot) for _ in range(count)]
    assert all(isinstance(f, CHasilPartai) for f in forms)
    return forms  # type: ignore[return-value]


def signed_legislative_forms(ballot: Ballot, count: int, seed: int) -> SignedForms:
    """The forms of :func:`legislative_forms`, each signed over its canonical bytes."""
    key = nacl.signing.SigningKey(
        hashlib.sha256(f"bench:{seed}:{len(ballot.parties)}".encode()).digest()
    )
    items = []
    for form in legislative_forms(ballot, count, seed):
        data = json.dumps(
            form.model_dump(mode="json"), sort_keys=True, separators=(",", ":")
        ).encode()
        items.append((key.verify_key, data, key.sign(data).signature))
    return SignedForms(tuple(items))


def pynacl_verify_forms(forms: SignedForms) -> Run:
    items = forms.items

    def run() -> None:
        for verify_key, message, signature in items:
            verify_key.verify(message, signature)

    return run


def legislative_check(forms: SignedForms) -> Run:
    items = forms.items

    def run() -> None:
        for verify_key, message, signature in items:
            verify_key.verify(message, signature)
            form = parse_model(CHasilPartai, loads(message), "C.Hasil-DPR")
            if check_legislative_form(form):
                raise AssertionError("a consistent form broke a rule")

    return run


@dataclass(frozen=True)
class LegislativeElection:
    """An election in Aceh whose contests file has :data:`DPR_BALLOT` and
    :data:`ACEH_BALLOT`, and its signed format v2 entries: the manifest, the key tree,
    and per TPS a C.Hasil-DPR and a C.Hasil-DPRD Provinsi carrying the forms of
    :func:`legislative_forms` (the very forms ``forms.check-*`` checks)."""

    hierarchy: Hierarchy
    contests: Contests
    manifest: bytes
    key_entries: tuple[bytes, ...]
    entries: dict[str, tuple[bytes, ...]]  # "dpr" / "aceh" -> one C.Hasil per TPS


def _lists(ballot: Ballot) -> tuple[PartyList, ...]:
    return tuple(
        PartyList(
            party=party,
            candidates=tuple(Candidate(number=n, name=f"Calon {party}.{n}") for n in numbers),
        )
        for party, numbers in ballot.parties
    )


def _aceh(tps: int) -> Hierarchy:
    """Aceh, one kab/kota and kecamatan, ``tps`` TPS in desa of :data:`TPS_PER_DESA`."""
    desa = [f"110101{2001 + i}" for i in range(-(-tps // TPS_PER_DESA))]
    names = {"11": "ACEH", "1101": "KAB. SIMEULUE", "110101": "TEUPAH SELATAN"}
    names.update({code: f"DESA {code[-3:]}" for code in desa})
    return Hierarchy(names=names, tps={code: TpsNumbers(TPS_PER_DESA) for code in desa})


def _contests() -> Contests:
    def contest(kind: ContestKind, district: District) -> LegislativeContest:
        return LegislativeContest(kind=kind, name=f"Pemilihan {kind.value}", districts=(district,))

    dpd = tuple(Candidate(number=n, name=f"Calon DPD {n}") for n in range(1, 11))
    return Contests.of(
        name="bench: the largest ballots",
        parties=PARTIES_2024,
        contests=(
            contest(ContestKind.DPR, District(code="ACEH-1", name="ACEH I", seats=10,
                                             units=("11",), lists=_lists(DPR_BALLOT))),
            contest(ContestKind.DPD, District(code="11", name="ACEH", seats=4, units=("11",),
                                             candidates=dpd)),
            contest(ContestKind.DPRD_PROV, District(code="ACEH-P1", name="ACEH 1", seats=12,
                                                   units=("11",), lists=_lists(ACEH_BALLOT))),
            contest(ContestKind.DPRD_KABKOTA, District(code="1101-1", name="SIMEULUE 1",
                                                      seats=12, units=("1101",),
                                                      lists=_lists(ACEH_BALLOT))),
        ),
    )  # fmt: skip


@cache
def legislative_election(count: int, seed: int) -> LegislativeElection:
    """Built once per run (not timed)."""
    hierarchy, contests = _aceh(count), _contests()
    keys = Authorities(seed)
    tps = list(hierarchy.iter_tps())[:count]
    entries = {}
    contest: LegislativeContestName
    for name, contest, ballot in (
        ("dpr", "dpr", DPR_BALLOT),
        ("aceh", "dprd-prov", ACEH_BALLOT),
    ):
        kind = ContestKind(contest)
        district = contests.district_of(kind, tps[0])
        assert Ballot.of(district) == ballot
        signed = []
        for code, form in zip(tps, legislative_forms(ballot, count, seed), strict=True):
            stmt = CHasilLegislatif(
                type="c-hasil", election=keys.origin, at="2024-02-14T09:00:00Z", tps=code,
                contest=contest, district=district.code, form=form,
            )  # fmt: skip
            signed.append(sign_statement(stmt, keys.kpps(code)).to_bytes())
        entries[name] = tuple(signed)
    return LegislativeElection(
        hierarchy,
        contests,
        keys.manifest(hierarchy, contests).to_bytes(),
        tuple(env.to_bytes() for env in keys.key_tree(hierarchy, set())),
        entries,
    )


def legislative_admit(election: LegislativeElection, name: str) -> Run:
    """``Intake.admit`` + ``Intake.record`` of one C.Hasil per TPS, into an intake that
    has the manifest (with the contests file) and the key tree."""
    intake = Intake.start(
        election.manifest, region_exists=election.hierarchy.exists, contests=election.contests
    )
    for index, entry in enumerate(election.key_entries, 1):
        intake.record(intake.admit(entry), index)
    first = 1 + len(election.key_entries)
    entries = election.entries[name]

    def run() -> None:
        for index, entry in enumerate(entries, first):
            admission = intake.admit(entry)
            intake.record(admission, index)
            if admission.violations:
                raise AssertionError("a consistent form broke a rule")

    return run


def legislative_intake(count: int, seed: int, name: str) -> Run:
    return legislative_admit(legislative_election(count, seed), name)


# --- storing ----------------------------------------------------------------------


class Scratch:
    """Fresh directories for stores and databases, removed at the end of the run."""

    def __init__(self, stack: ExitStack, parent: str | None = None) -> None:
        self.stack = stack
        self.root = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=parent)))
        self.count = 0

    def directory(self) -> Path:
        self.count += 1
        path = self.root / f"run-{self.count}"
        path.mkdir()
        return path


def _batches(entries: tuple[bytes, ...], size: int = BATCH) -> list[list[bytes]]:
    return [list(entries[i : i + size]) for i in range(0, len(entries), size)]


def store_batch(work: Workload, scratch: Scratch) -> Run:
    store = scratch.stack.enter_context(open_store(scratch.directory()))
    batches = _batches(work.forms)

    def run() -> None:
        for batch in batches:
            store.append_batch(batch)

    return run


def store_single(work: Workload, scratch: Scratch, count: int) -> Run:
    store = scratch.stack.enter_context(open_store(scratch.directory()))
    entries = work.forms[:count]

    def run() -> None:
        for entry in entries:
            store.append(entry)

    return run


RAW_SCHEMA = (
    "CREATE TABLE entries (idx INTEGER PRIMARY KEY, leaf_hash BLOB NOT NULL UNIQUE, "
    "data BLOB NOT NULL)"
)
RAW_INSERT = "INSERT INTO entries (idx, leaf_hash, data) VALUES (?, ?, ?)"


def raw_sqlite(scratch: Scratch) -> sqlite3.Connection:
    """A bare SQLite database with the store's durability settings (WAL, FULL sync)."""
    conn = sqlite3.connect(scratch.directory() / "raw.sqlite3", isolation_level=None)
    scratch.stack.callback(conn.close)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(RAW_SCHEMA)
    return conn


def _rows(entries: tuple[bytes, ...]) -> list[tuple[int, bytes, bytes]]:
    return [(i, hashlib.sha256(b"\x00" + e).digest(), e) for i, e in enumerate(entries)]


def sqlite_batch(work: Workload, scratch: Scratch) -> Run:
    conn = raw_sqlite(scratch)
    rows = _rows(work.forms)
    batches = [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]

    def run() -> None:
        for batch in batches:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(RAW_INSERT, batch)
            conn.execute("COMMIT")

    return run


def sqlite_single(work: Workload, scratch: Scratch, count: int) -> Run:
    conn = raw_sqlite(scratch)
    rows = _rows(work.forms[:count])

    def run() -> None:
        for row in rows:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(RAW_INSERT, row)
            conn.execute("COMMIT")

    return run


# --- the cases --------------------------------------------------------------------


def legislative_cases(sizes: Sizes) -> list[Case]:
    """forms.check and intake.admit for a DPR form and for Aceh's DPRD form, each beside
    raw PyNaCl."""
    count = min(LEGISLATIVE_FORMS, sizes.forms or LEGISLATIVE_FORMS)
    out = []
    for name, ballot, what in (
        ("dpr", DPR_BALLOT, "a DPR form (18 parties x 10 candidates)"),
        ("aceh", ACEH_BALLOT, "Aceh's DPRD form (24 parties x 12 candidates)"),
    ):
        forms = signed_legislative_forms(ballot, count, sizes.seed)
        out += [
            Case(
                f"pynacl.verify-{name}",
                f"raw PyNaCl VerifyKey.verify of {what}",
                count,
                partial(pynacl_verify_forms, forms),
            ),
            Case(
                f"forms.check-{name}",
                f"Ed25519 + strict JSON + schema + rules of {what}",
                count,
                partial(legislative_check, forms),
                limit=f"pynacl.verify-{name}",
            ),
            Case(
                f"intake.admit-{name}",
                f"Intake.admit + Intake.record of a format v2 C.Hasil carrying {what}",
                count,
                partial(legislative_intake, count, sizes.seed, name),
                limit=f"pynacl.verify-{name}",
            ),
        ]
    return out


def cases(work: Workload, sizes: Sizes, scratch: Scratch) -> list[Case]:
    """Every case of the foundation, limits first."""
    n = len(work.forms)
    single = min(sizes.single, n)

    def on(make: Callable[[Workload], Run]) -> Callable[[], Run]:
        return lambda: make(work)

    return [
        Case(
            "pynacl.verify",
            "raw PyNaCl VerifyKey.verify of a C.Hasil's signed message",
            n,
            on(pynacl_verify),
        ),
        Case(
            "sha256.entry",
            "hashlib SHA-256 of the entry's bytes (its leaf hash)",
            n,
            on(sha256_entry),
            context=True,
        ),
        Case(
            "json.loads.entry",
            "json.loads of the entry's bytes (one JSON parse)",
            n,
            on(json_loads_entry),
            context=True,
        ),
        Case(
            "forms.check",
            "parse_entry (size, canonical JSON, schema, Ed25519) + check_form",
            n,
            on(forms_check),
            limit="pynacl.verify",
        ),
        Case(
            "intake.admit",
            "Intake.admit + Intake.record (authorization included)",
            n,
            on(intake_admit),
            limit="pynacl.verify",
        ),
        *legislative_cases(sizes),
        Case(
            "sqlite.batch",
            f"raw sqlite3 INSERTs, {BATCH:,} per transaction (WAL, FULL)",
            n,
            lambda: sqlite_batch(work, scratch),
        ),
        Case(
            "store.batch",
            f"SqliteStore.append_batch of {BATCH:,} entries",
            n,
            lambda: store_batch(work, scratch),
            limit="sqlite.batch",
        ),
        Case(
            "sqlite.single",
            "raw sqlite3 INSERT, one durable transaction each",
            single,
            lambda: sqlite_single(work, scratch, single),
        ),
        Case(
            "store.single",
            "SqliteStore.append of one entry (durable)",
            single,
            lambda: store_single(work, scratch, single),
            limit="sqlite.single",
        ),
    ]
