"""A small election for tests: regions, a manifest, a key tree, signed statements.

Everything is deterministic (keys come from their names), so a failing test shows
the same keys and bytes every run. Typical use::

    from tests.election.factory import SmallElection, TPS_A, form

    election = SmallElection.build()            # manifest + the standard key tree
    env = election.c_hasil("kpps-" + TPS_A)     # a signed c-hasil (not yet logged)
    election.submit(env)                        # authorize + apply + append to the log
    election.c_hasil("kpps-" + TPS_A, form(votes=(1, 2, 3)), submit=True)  # -> raises

Key names in the standard tree (see :meth:`SmallElection.build`):

- roots: ``kpu-ri``, ``partai-2``, ``partai-3``, ``bawaslu``
- ``kpu-prov-31``, ``kpu-prov-32``; ``kpu-kab-3173``, ``kpu-kab-3171``, ``kpu-kab-3201``
- ``ppk-317301``; one ``kpps-<tps>`` per TPS in :data:`TPS_CODES`
- ``saksi-2-317301``, ``saksi-3-317301`` (party witnesses for kecamatan 317301)
- ``pengawas-3173``
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from saksi.election.authority import Authority, Grant
from saksi.election.contests import PPWP_2024, Contest
from saksi.election.envelope import Envelope, sign_statement
from saksi.election.forms import CHasilPPWP
from saksi.election.keys import SigningKey
from saksi.election.statements import (
    AnyStatement,
    CHasil,
    Correction,
    CSalinan,
    DHasil,
    EntryRef,
    KeyRegistration,
    KeyRevocation,
    Manifest,
    RecapTotals,
    RootKey,
    format_time,
)

ORIGIN = "saksi.test/pemilu-2024"
MANIFEST_AT = "2024-01-15T00:00:00Z"
VALID_FROM = "2024-02-01T00:00:00Z"
VALID_UNTIL = "2024-03-31T00:00:00Z"
REGISTER_AT = "2024-02-01T00:00:00Z"
POLLS_CLOSE = "2024-02-14T06:00:00Z"  # 13:00 WIB
TALLY_AT = "2024-02-14T08:00:00Z"
LATER = "2024-02-20T08:00:00Z"

DESA = ("3173011006", "3173011007", "3171011001", "3201012001")
TPS_CODES = tuple(f"{desa}{n:03d}" for desa in DESA for n in (1, 2))
TPS_A = "3173011006001"  # kecamatan 317301, kab 3173, provinsi 31
TPS_B = "3173011006002"  # same desa as TPS_A
TPS_OTHER_KAB = "3171011001001"  # provinsi 31, kab 3171
TPS_OTHER_PROV = "3201012001001"  # provinsi 32
MISSING_TPS = "3173011006999"  # well-formed, not in REGIONS


def _region_set() -> frozenset[str]:
    out: set[str] = set()
    for tps in TPS_CODES:
        out.update({tps[:2], tps[:4], tps[:6], tps[:10], tps})
    return frozenset(out)


REGIONS = _region_set()
region_exists = REGIONS.__contains__
REGIONS_DIGEST = hashlib.sha256("\n".join(sorted(REGIONS)).encode()).hexdigest()


def key(name: str) -> SigningKey:
    """The test key called ``name`` (its seed is SHA-256 of the name)."""
    return SigningKey.from_seed(hashlib.sha256(b"saksi-test-key:" + name.encode()).digest())


def public(name: str) -> str:
    """The base64 public key of the test key called ``name``."""
    return key(name).public.b64


def form(
    votes: tuple[int, ...] = (100, 80, 20),
    *,
    tidak_sah: int = 5,
    dpt: tuple[int, int] = (150, 140),
    pairs: tuple[str, ...] = ("01", "02", "03"),
    foto: tuple[str, ...] = (),
    **overrides: Any,
) -> CHasilPPWP:
    """A C.Hasil-PPWP whose arithmetic holds (every voter used a DPT ballot).

    ``overrides`` replace single boxes afterwards (``suara_sah=999``) to build broken forms.
    """
    sah = sum(votes)
    total = sah + tidak_sah
    l_used = total // 2
    fields: dict[str, Any] = {
        "pemilih_dpt_l": dpt[0], "pemilih_dpt_p": dpt[1], "pemilih_dpt_j": sum(dpt),
        "pengguna_dpt_l": l_used, "pengguna_dpt_p": total - l_used, "pengguna_dpt_j": total,
        "pengguna_dptb_l": 0, "pengguna_dptb_p": 0, "pengguna_dptb_j": 0,
        "pengguna_non_dpt_l": 0, "pengguna_non_dpt_p": 0, "pengguna_non_dpt_j": 0,
        "pengguna_total_l": l_used, "pengguna_total_p": total - l_used, "pengguna_total_j": total,
        "surat_suara_diterima": sum(dpt) + 6, "surat_suara_digunakan": total,
        "surat_suara_dikembalikan": 0, "surat_suara_tidak_digunakan": sum(dpt) + 6 - total,
        "pemilih_disabilitas_l": 0, "pemilih_disabilitas_p": 0, "pemilih_disabilitas_j": 0,
        "suara_paslon": dict(zip(pairs, votes, strict=True)),
        "suara_sah": sah, "suara_tidak_sah": tidak_sah, "suara_total": total,
        "foto": foto,
    }  # fmt: skip
    fields.update(overrides)
    return CHasilPPWP(**fields)


def totals(
    votes: tuple[int, ...] = (100, 80, 20),
    *,
    tidak_sah: int = 5,
    tps: int = 1,
    pairs: tuple[str, ...] = ("01", "02", "03"),
) -> RecapTotals:
    """Recap totals consistent with ``tps`` copies of :func:`form`'s defaults."""
    sah = sum(votes)
    return RecapTotals(
        suara_paslon=dict(zip(pairs, votes, strict=True)),
        suara_sah=sah, suara_tidak_sah=tidak_sah, suara_total=sah + tidak_sah,
        pengguna_total_j=sah + tidak_sah, pemilih_dpt_j=290 * tps, jumlah_tps=tps,
    )  # fmt: skip


def manifest(
    *,
    origin: str = ORIGIN,
    contests: tuple[Contest, ...] = (PPWP_2024,),
    roots: tuple[RootKey, ...] | None = None,
) -> Manifest:
    """The test election's manifest (root keys: kpu-ri, partai-2, partai-3, bawaslu)."""
    if roots is None:
        roots = (
            RootKey(key=public("kpu-ri"), role="kpu-ri", scope="0", name="KPU RI"),
            RootKey(key=public("partai-2"), role="partai", scope="0", name="Partai Dua", party="2"),
            RootKey(
                key=public("partai-3"), role="partai", scope="0", name="Partai Tiga", party="3"
            ),
            RootKey(key=public("bawaslu"), role="bawaslu", scope="0", name="Bawaslu RI"),
        )
    return Manifest(
        type="manifest", election=origin, at=MANIFEST_AT, name="Pemilu Uji 2024",
        contests=contests, regions_digest=REGIONS_DIGEST, rules_version="ppwp-2024.1",
        root_keys=roots, polls_open="2024-02-14T00:00:00Z", polls_close=POLLS_CLOSE,
    )  # fmt: skip


@dataclass
class SmallElection:
    """A log being built: its entries, the Authority over them, and the test keys."""

    entries: list[Envelope]
    authority: Authority
    origin: str = ORIGIN
    grants: list[Grant] = field(default_factory=list)

    @classmethod
    def empty(cls, the_manifest: Manifest | None = None, signer: str = "kpu-ri") -> SmallElection:
        """Only the manifest (entry 0)."""
        env = sign_statement(the_manifest or manifest(), key(signer))
        authority = Authority.from_manifest(env, region_exists=region_exists)
        return cls(entries=[env], authority=authority, origin=env.stmt.election)

    @classmethod
    def build(cls) -> SmallElection:
        """The manifest and the standard key tree (see the module docstring)."""
        election = cls.empty()
        election.register("kpu-ri", "kpu-prov-31", "kpu-prov", "31")
        election.register("kpu-ri", "kpu-prov-32", "kpu-prov", "32")
        election.register("kpu-prov-31", "kpu-kab-3173", "kpu-kab", "3173")
        election.register("kpu-prov-31", "kpu-kab-3171", "kpu-kab", "3171")
        election.register("kpu-prov-32", "kpu-kab-3201", "kpu-kab", "3201")
        election.register("kpu-kab-3173", "ppk-317301", "ppk", "317301")
        for tps in TPS_CODES:
            election.register(f"kpu-kab-{tps[:4]}", f"kpps-{tps}", "kpps", tps)
        election.register("partai-2", "saksi-2-317301", "saksi", "317301", party="2")
        election.register("partai-3", "saksi-3-317301", "saksi", "317301", party="3")
        election.register("bawaslu", "pengawas-3173", "pengawas", "3173")
        return election

    # -- the log -------------------------------------------------------------

    def sign(self, stmt: AnyStatement, signer: str) -> Envelope:
        return sign_statement(stmt, key(signer))

    def submit(self, env: Envelope) -> Grant:
        """Authorize and apply ``env`` as the next entry; append it to :attr:`entries`."""
        grant = self.authority.accept(env, len(self.entries))
        self.entries.append(env)
        self.grants.append(grant)
        return grant

    def _done(self, env: Envelope, submit: bool) -> Envelope:
        if submit:
            self.submit(env)
        return env

    def index_of(self, env: Envelope) -> int:
        return next(i for i, e in enumerate(self.entries) if e is env)

    # -- statements ----------------------------------------------------------

    def register(
        self,
        signer: str,
        name: str,
        role: str,
        scope: str,
        *,
        party: str | None = None,
        not_before: str = VALID_FROM,
        not_after: str = VALID_UNTIL,
        at: str = REGISTER_AT,
        label: str | None = None,
        submit: bool = True,
    ) -> Envelope:
        """``signer`` registers the test key ``name``."""
        stmt = KeyRegistration.model_validate({
            "type": "key", "election": self.origin, "at": at, "key": public(name),
            "role": role, "scope": scope, "party": party, "not_before": not_before,
            "not_after": not_after, "label": label,
        })  # fmt: skip
        return self._done(self.sign(stmt, signer), submit)

    def revoke(
        self,
        signer: str,
        target: str,
        *,
        reason: str = "perangkat hilang",
        at: str = TALLY_AT,
        effective: str | None = None,
        submit: bool = True,
    ) -> Envelope:
        stmt = KeyRevocation(
            type="key-revoke",
            election=self.origin,
            at=at,
            key=public(target),
            reason=reason,
            effective=effective or at,
        )
        return self._done(self.sign(stmt, signer), submit)

    def c_hasil(
        self,
        signer: str,
        the_form: CHasilPPWP | None = None,
        *,
        tps: str | None = None,
        at: str = TALLY_AT,
        submit: bool = False,
    ) -> Envelope:
        """A c-hasil for ``tps`` (default: the TPS in a ``kpps-<tps>`` signer's name)."""
        stmt = CHasil(
            type="c-hasil",
            election=self.origin,
            at=at,
            tps=tps or signer.removeprefix("kpps-"),
            contest="ppwp",
            form=the_form or form(),
        )
        return self._done(self.sign(stmt, signer), submit)

    def c_salinan(
        self,
        signer: str,
        tps: str,
        party: str,
        the_form: CHasilPPWP | None = None,
        *,
        at: str = TALLY_AT,
        submit: bool = False,
    ) -> Envelope:
        stmt = CSalinan(
            type="c-salinan",
            election=self.origin,
            at=at,
            tps=tps,
            contest="ppwp",
            party=party,
            form=the_form or form(),
        )
        return self._done(self.sign(stmt, signer), submit)

    def correction(
        self,
        signer: str,
        target: Envelope,
        the_form: CHasilPPWP | None = None,
        *,
        reason: str = "angka salah baca",
        tps: str | None = None,
        index: int | None = None,
        leaf_hash: str | None = None,
        at: str = LATER,
        submit: bool = False,
    ) -> Envelope:
        """A correction of the logged entry ``target`` (override the cited index/hash/TPS)."""
        target_stmt = target.stmt
        assert isinstance(target_stmt, CHasil | Correction)
        ref = EntryRef(
            index=self.index_of(target) if index is None else index,
            leaf_hash=leaf_hash or target.leaf_hash_hex,
        )
        stmt = Correction(
            type="correction",
            election=self.origin,
            at=at,
            tps=tps or target_stmt.tps,
            contest="ppwp",
            form=the_form or form(),
            corrects=ref,
            reason=reason,
            evidence=("ab" * 32,),
        )
        return self._done(self.sign(stmt, signer), submit)

    def d_hasil(
        self,
        signer: str,
        region: str,
        level: str,
        the_totals: RecapTotals | None = None,
        *,
        at: str = LATER,
        submit: bool = False,
    ) -> Envelope:
        stmt = DHasil.model_validate({
            "type": "d-hasil", "election": self.origin, "at": at, "region": region,
            "level": level, "contest": "ppwp", "totals": the_totals or totals(),
        })  # fmt: skip
        return self._done(self.sign(stmt, signer), submit)


# -- hypothesis strategies: any valid statement ---------------------------------

counts = st.integers(min_value=0, max_value=999)
hex_digests = st.binary(min_size=32, max_size=32).map(lambda b: hashlib.sha256(b).hexdigest())
times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: format_time(d.replace(tzinfo=UTC))
)
public_keys = st.binary(min_size=32, max_size=32).map(
    lambda seed: SigningKey.from_seed(seed).public.b64
)
tps_codes = st.sampled_from(TPS_CODES) | st.from_regex(r"\A[0-9]{13}\Z")
parties = st.integers(min_value=1, max_value=99).map(str)
texts = st.text(alphabet=st.characters(exclude_categories=["Cc", "Cs"]), min_size=1, max_size=40)
_FORM_FIELDS = [name for name in CHasilPPWP.model_fields if name not in ("suara_paslon", "foto")]


@st.composite
def forms(draw: st.DrawFn) -> CHasilPPWP:
    """Any schema-valid C.Hasil-PPWP for pairs 01-03 (arithmetic not enforced)."""
    boxes = {name: draw(counts) for name in _FORM_FIELDS}
    votes = {pair: draw(counts) for pair in ("01", "02", "03")}
    foto = tuple(draw(st.lists(hex_digests, max_size=3)))
    return CHasilPPWP(**boxes, suara_paslon=votes, foto=foto)


def _common(draw: st.DrawFn) -> dict[str, Any]:
    return {"election": ORIGIN, "at": draw(times)}


@st.composite
def key_registrations(draw: st.DrawFn) -> KeyRegistration:
    role, scope = draw(st.sampled_from([
        ("kpu-prov", "31"), ("kpu-kab", "3173"), ("ppk", "317301"), ("kpps", TPS_A),
        ("saksi", "0"), ("saksi", "3173011006"), ("pengawas", "32"),
    ]))  # fmt: skip
    start, end = sorted(draw(st.lists(times, min_size=2, max_size=2, unique=True)))
    return KeyRegistration.model_validate({
        "type": "key", **_common(draw), "key": draw(public_keys), "role": role,
        "scope": scope, "party": draw(parties) if role == "saksi" else None,
        "not_before": start, "not_after": end, "label": draw(st.none() | texts),
    })  # fmt: skip


@st.composite
def form_statements(draw: st.DrawFn) -> CHasil | CSalinan | Correction:
    base = {**_common(draw), "tps": draw(tps_codes), "contest": "ppwp", "form": draw(forms())}
    kind = draw(st.sampled_from(["c-hasil", "c-salinan", "correction"]))
    if kind == "c-hasil":
        return CHasil(type="c-hasil", **base)
    if kind == "c-salinan":
        return CSalinan(type="c-salinan", party=draw(parties), **base)
    ref = EntryRef(index=draw(st.integers(0, 2**53 - 1)), leaf_hash=draw(hex_digests))
    return Correction(
        type="correction",
        corrects=ref,
        reason=draw(texts),
        evidence=tuple(draw(st.lists(hex_digests, max_size=3))),
        **base,
    )


@st.composite
def d_hasils(draw: st.DrawFn) -> DHasil:
    region, level = draw(st.sampled_from([
        ("317301", "kecamatan"), ("3173", "kabkota"), ("31", "provinsi"), ("0", "nasional"),
    ]))  # fmt: skip
    big = st.integers(min_value=0, max_value=999_999_999)
    the_totals = RecapTotals(
        suara_paslon={p: draw(big) for p in ("01", "02", "03")},
        suara_sah=draw(big), suara_tidak_sah=draw(big), suara_total=draw(big),
        pengguna_total_j=draw(big), pemilih_dpt_j=draw(big), jumlah_tps=draw(big),
    )  # fmt: skip
    return DHasil.model_validate({
        "type": "d-hasil", **_common(draw), "region": region, "level": level,
        "contest": "ppwp", "totals": the_totals, "foto": tuple(draw(st.lists(hex_digests,
                                                                              max_size=2))),
    })  # fmt: skip


@st.composite
def revocations(draw: st.DrawFn) -> KeyRevocation:
    effective, at = sorted(draw(st.lists(times, min_size=2, max_size=2)))
    return KeyRevocation(
        type="key-revoke",
        election=ORIGIN,
        at=at,
        key=draw(public_keys),
        reason=draw(texts),
        effective=effective,
    )


def statements() -> st.SearchStrategy[AnyStatement]:
    """Any valid statement of every type (manifests from :func:`manifest`)."""
    return st.one_of(
        key_registrations(), form_statements(), d_hasils(), revocations(),
        st.just(manifest()),
    )  # fmt: skip


__all__ = [
    "DESA",
    "LATER",
    "MISSING_TPS",
    "ORIGIN",
    "REGIONS",
    "TALLY_AT",
    "TPS_A",
    "TPS_B",
    "TPS_CODES",
    "TPS_OTHER_KAB",
    "TPS_OTHER_PROV",
    "VALID_FROM",
    "VALID_UNTIL",
    "SmallElection",
    "form",
    "form_statements",
    "forms",
    "key",
    "manifest",
    "public",
    "region_exists",
    "statements",
    "totals",
]
