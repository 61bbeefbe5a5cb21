"""A small election for service tests: regions, a manifest, keys, signed statements.

Everything is deterministic (keys come from their names, forms from their TPS), so
a failing test shows the same bytes every run. Typical use::

    from tests.ledger.factory import ServiceElection

    election = ServiceElection()                      # 4 desa x 2 TPS
    ledger = election.open(tmp_path)                  # log created, key tree logged
    receipt = ledger.submit(election.c_hasil(election.tps[0]))
    ledger.tps(election.tps[0], "ppwp")["current"]["index"] == receipt.index

:meth:`ServiceElection.open` writes the manifest and region files into ``tmp_path``
and opens a :class:`~saksi.ledger.ledger.Ledger` on ``tmp_path / "data"`` (pass
``keys=False`` for a log holding only the manifest). Helpers for HTTP tests:
:meth:`ServiceElection.config` (a ServiceConfig without opening anything) and
:meth:`ServiceElection.write_files`.

Key names (as in tests/election/factory.py): roots ``kpu-ri``, ``partai-2``,
``partai-3``, ``bawaslu``; ``kpu-prov-31``, ``kpu-prov-32``; ``kpu-kab-3173``,
``kpu-kab-3171``, ``kpu-kab-3201``; ``ppk-317301``; ``kpps-<tps>`` for every TPS;
``saksi-2-317301``, ``saksi-3-317301`` (witnesses of kecamatan 317301).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from saksi.election.envelope import Envelope, sign_statement
from saksi.election.forms import CHasilPPWP
from saksi.election.photo_upload import sign_photo
from saksi.election.regions import Hierarchy, TpsNumbers
from saksi.election.statements import (
    CHasil,
    Correction,
    CSalinan,
    DHasil,
    EntryRef,
    KeyRegistration,
    KeyRevocation,
    Manifest,
    RecapTotals,
)
from saksi.errors import SaksiError
from saksi.ledger.config import ServiceConfig
from saksi.ledger.ledger import Ledger, Receipt
from saksi.sim.tally import consistent_form
from tests.election.factory import (
    ORIGIN,
    REGISTER_AT,
    TALLY_AT,
    VALID_FROM,
    VALID_UNTIL,
    key,
    manifest,
    public,
)

__all__ = [
    "ORIGIN",
    "TALLY_AT",
    "ServiceElection",
    "assert_refused",
    "broken_form",
    "shifted",
    "stored_entries",
]

NAMES = {
    "31": "DKI JAKARTA",
    "3173": "KOTA ADM. JAKARTA PUSAT",
    "317301": "GAMBIR",
    "3173011006": "GAMBIR",
    "3173011007": "CIDENG",
    "3171": "KOTA ADM. JAKARTA SELATAN",
    "317101": "KEBAYORAN BARU",
    "3171011001": "SENAYAN",
    "32": "JAWA BARAT",
    "3201": "BOGOR",
    "320101": "CIBINONG",
    "3201012001": "PAKANSARI",
}
WITNESS_KECAMATAN = "317301"
PARTIES = ("2", "3")


def stored_entries(ledger: Ledger) -> list[bytes]:
    """Every entry of the store, in index order, read independently of the ledger's view."""
    return [ledger.entry(i) for i in range(ledger.log.store.size())]


def assert_refused(ledger: Ledger, entry: bytes) -> SaksiError:
    """Submit ``entry``, expect a refusal, check that nothing was logged; the refusal."""
    before = ledger.log.store.size()
    with pytest.raises(SaksiError) as caught:
        ledger.submit(entry)
    assert ledger.log.store.size() == before
    assert ledger.size == before
    return caught.value


def hierarchy(tps_per_desa: int = 2) -> Hierarchy:
    """Two provinces, three kab/kota, four desa, ``tps_per_desa`` TPS in each desa."""
    desa = [code for code in NAMES if len(code) == 10]
    return Hierarchy(names=NAMES, tps={d: TpsNumbers(tps_per_desa) for d in desa})


def shifted(form: CHasilPPWP, votes: int = 1) -> CHasilPPWP:
    """The form with ``votes`` moved from the last pair to the first (still consistent
    when the last pair has them): what a second, different form looks like."""
    pairs = sorted(form.suara_paslon)
    moved = min(votes, form.suara_paslon[pairs[-1]])
    paslon = dict(form.suara_paslon)
    paslon[pairs[0]] += moved
    paslon[pairs[-1]] -= moved
    return form.model_copy(update={"suara_paslon": paslon})


def broken_form(form: CHasilPPWP) -> CHasilPPWP:
    """The form with its valid-vote total off by one: an impossibility (inconsistent)."""
    wrong = form.suara_sah + 1 if form.suara_sah < 999 else form.suara_sah - 1
    return form.model_copy(update={"suara_sah": wrong})


class ServiceElection:
    """The test election: see the module docstring."""

    def __init__(self, *, tps_per_desa: int = 2, origin: str = ORIGIN) -> None:
        self.origin = origin
        self.hierarchy = hierarchy(tps_per_desa)
        self.tps: tuple[str, ...] = tuple(self.hierarchy.iter_tps())
        self.witnessed: tuple[str, ...] = tuple(self.hierarchy.iter_tps(WITNESS_KECAMATAN))
        """TPS whose witnesses (``saksi-2-317301``, ``saksi-3-317301``) may send copies."""
        stmt = manifest(origin=origin).model_copy(
            update={"regions_digest": self.hierarchy.digest()}
        )
        self.manifest_stmt: Manifest = stmt
        self.manifest: bytes = sign_statement(stmt, key("kpu-ri")).to_bytes()

    # --- files and ledgers ---

    def write_files(self, directory: Path) -> tuple[Path, Path]:
        """``manifest.json`` (the entry's bytes) and ``regions.json`` in ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        manifest_file = directory / "manifest.json"
        manifest_file.write_bytes(self.manifest)
        regions_file = directory / "regions.json"
        self.hierarchy.save(regions_file)
        return manifest_file, regions_file

    def config(self, tmp_path: Path, **settings: Any) -> ServiceConfig:
        """A config for ``tmp_path / "data"`` with this election's files (written now)."""
        manifest_file, regions_file = self.write_files(tmp_path / "files")
        base: dict[str, Any] = {
            "data": tmp_path / "data",
            "manifest": manifest_file,
            "regions": regions_file,
            "integrate_interval": 0.05,
        }
        return ServiceConfig(**(base | settings))

    def open(self, tmp_path: Path, *, keys: bool = True, **settings: Any) -> Ledger:
        """A ledger on ``tmp_path / "data"``; with ``keys``, the key tree logged."""
        ledger = Ledger.open(self.config(tmp_path, **settings))
        if keys and ledger.size == 1:
            for result in ledger.submit_many(self.key_entries()):
                if not isinstance(result, Receipt):
                    ledger.close()
                    raise result
        return ledger

    # --- keys ---

    def key_entries(self) -> list[bytes]:
        """The standard key tree, in an order the log accepts."""
        regs: list[tuple[str, str, str, str, str | None]] = [
            ("kpu-ri", "kpu-prov-31", "kpu-prov", "31", None),
            ("kpu-ri", "kpu-prov-32", "kpu-prov", "32", None),
            ("kpu-prov-31", "kpu-kab-3173", "kpu-kab", "3173", None),
            ("kpu-prov-31", "kpu-kab-3171", "kpu-kab", "3171", None),
            ("kpu-prov-32", "kpu-kab-3201", "kpu-kab", "3201", None),
            ("kpu-kab-3173", "ppk-317301", "ppk", "317301", None),
        ]
        regs += [(f"kpu-kab-{t[:4]}", f"kpps-{t}", "kpps", t, None) for t in self.tps]
        regs += [
            (f"partai-{p}", f"saksi-{p}-{WITNESS_KECAMATAN}", "saksi", WITNESS_KECAMATAN, p)
            for p in PARTIES
        ]
        return [self.register(r, n, role, scope, party=p) for r, n, role, scope, p in regs]

    def register(
        self,
        registrar: str,
        name: str,
        role: str,
        scope: str,
        *,
        party: str | None = None,
        not_before: str = VALID_FROM,
        not_after: str = VALID_UNTIL,
    ) -> bytes:
        """``registrar`` registers the test key ``name``."""
        stmt = KeyRegistration.model_validate({
            "type": "key", "election": self.origin, "at": REGISTER_AT, "key": public(name),
            "role": role, "scope": scope, "party": party, "not_before": not_before,
            "not_after": not_after,
        })  # fmt: skip
        return sign_statement(stmt, key(registrar)).to_bytes()

    def revoke(self, registrar: str, target: str, *, at: str = "2024-02-14T07:00:00Z") -> bytes:
        stmt = KeyRevocation(
            type="key-revoke",
            election=self.origin,
            at=at,
            key=public(target),
            reason="perangkat hilang / device lost",
            effective=at,
        )
        return sign_statement(stmt, key(registrar)).to_bytes()

    # --- forms ---

    def form(self, tps: str) -> CHasilPPWP:
        """The TPS's true form: consistent (breaks no rule), the same every run."""
        return consistent_form(random.Random(tps))

    def c_hasil_envelope(
        self,
        tps: str,
        form: CHasilPPWP | None = None,
        *,
        signer: str | None = None,
        at: str = TALLY_AT,
        election: str | None = None,
    ) -> Envelope:
        stmt = CHasil(
            type="c-hasil",
            election=election or self.origin,
            at=at,
            tps=tps,
            contest="ppwp",
            form=form or self.form(tps),
        )
        return sign_statement(stmt, key(signer or f"kpps-{tps}"))

    def c_hasil(
        self,
        tps: str,
        form: CHasilPPWP | None = None,
        *,
        signer: str | None = None,
        at: str = TALLY_AT,
        election: str | None = None,
    ) -> bytes:
        """The KPPS's signed c-hasil (by default its true form, signed by ``kpps-<tps>``)."""
        env = self.c_hasil_envelope(tps, form, signer=signer, at=at, election=election)
        return env.to_bytes()

    def c_salinan(self, tps: str, party: str = "2", form: CHasilPPWP | None = None) -> bytes:
        """A witness copy by ``saksi-<party>-317301`` (TPS in kecamatan 317301 only)."""
        stmt = CSalinan(
            type="c-salinan",
            election=self.origin,
            at=TALLY_AT,
            tps=tps,
            contest="ppwp",
            party=party,
            form=form or self.form(tps),
        )
        return sign_statement(stmt, key(f"saksi-{party}-{WITNESS_KECAMATAN}")).to_bytes()

    def correction(
        self,
        tps: str,
        corrects: Receipt,
        form: CHasilPPWP | None = None,
        *,
        signer: str | None = None,
        reason: str = "salah tulis / clerical error",
    ) -> bytes:
        """A correction of the receipt's form, by ``kpu-kab-<kab>`` unless ``signer``."""
        stmt = Correction(
            type="correction",
            election=self.origin,
            at="2024-02-15T03:00:00Z",
            tps=tps,
            contest="ppwp",
            corrects=EntryRef(index=corrects.index, leaf_hash=corrects.leaf_hash),
            form=form or self.form(tps),
            reason=reason,
        )
        return sign_statement(stmt, key(signer or f"kpu-kab-{tps[:4]}")).to_bytes()

    def d_hasil(self, totals: Mapping[str, object], region: str = WITNESS_KECAMATAN) -> bytes:
        """The D.Hasil of kecamatan ``region`` (its PPK's recap), signed by ``ppk-<region>``
        (only ``ppk-317301`` is registered)."""
        stmt = DHasil(
            type="d-hasil", election=self.origin, at="2024-02-16T03:00:00Z", region=region,
            level="kecamatan", contest="ppwp", totals=RecapTotals.model_validate(totals),
        )  # fmt: skip
        return sign_statement(stmt, key(f"ppk-{region}")).to_bytes()

    def photo_headers(
        self, data: bytes, signer: str, *, election: str | None = None
    ) -> dict[str, str]:
        """The headers of a photo upload signed by ``signer`` (saksi/photo/v1)."""
        signed = sign_photo(key(signer), election or self.origin, data)
        return {"content-type": "application/octet-stream", **signed.headers()}

    def forged(self, tps: str) -> bytes:
        """A c-hasil claiming ``kpps-<tps>``'s key, signed by another key."""
        real = self.c_hasil_envelope(tps, shifted(self.form(tps), 25))
        other = sign_statement(real.stmt, key(f"attacker-{tps}"))
        return Envelope(v=1, stmt=real.stmt, key=real.key, sig=other.sig).to_bytes()
