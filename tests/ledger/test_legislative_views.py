"""What readers see of a format v2 log's legislative forms: the TPS views (with the
TPS's dapil) and the running totals per contest and dapil (docs/service.md, "The TPS
view"), on a real ledger in this process."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from saksi.election.contests import ContestKind
from saksi.election.legislative_forms import CHasilPartai
from saksi.ledger.config import ServiceConfig
from saksi.ledger.ledger import Ledger, Receipt
from tests.election.legislative_factory import LegislativeElection

DPR, DPD, KAB = ContestKind.DPR, ContestKind.DPD, ContestKind.DPRD_KABKOTA


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[LegislativeElection, Ledger]]:
    election = LegislativeElection.build()
    files = tmp_path / "files"
    files.mkdir()
    (files / "manifest.entry").write_bytes(election.manifest.to_bytes())
    election.hierarchy.save(files / "regions.json.gz")
    election.contests.save(files / "contests.json.gz")
    config = ServiceConfig(
        data=tmp_path / "data", manifest=files / "manifest.entry",
        regions=files / "regions.json.gz", contests=files / "contests.json.gz",
        publish_results=False, integrate_interval=0.05,
    )  # fmt: skip
    with Ledger.open(config) as ledger:
        yield election, ledger


def register(election: LegislativeElection, ledger: Ledger, tps: list[str]) -> None:
    a = election.authorities
    envs = [a.province(p) for p in sorted({t[:2] for t in tps})]
    envs += [a.kabkota(k) for k in sorted({t[:4] for t in tps})]
    envs += [a.kpps_device(t) for t in tps] + [a.witness("2", tps[0])]
    for result in ledger.submit_many([e.to_bytes() for e in envs]):
        assert isinstance(result, Receipt), result


def test_totals_count_each_partys_b_per_dapil_and_leave_out_what_is_inconsistent(
    world: tuple[LegislativeElection, Ledger],
) -> None:
    election, ledger = world
    code, _ = election.ballot(election.tps_in("32"), DPR)
    same = [t for t in election.hierarchy.iter_tps("32") if election.ballot(t, DPR)[0] == code]
    tps = same[:3]
    register(election, ledger, tps)
    expected: Counter[str] = Counter()
    for t in tps[:2]:
        form = election.form(t, DPR)
        assert isinstance(form, CHasilPartai)
        expected.update({p: v.suara_sah_partai for p, v in form.partai.items()})
        assert ledger.submit(election.c_hasil(t, DPR).to_bytes()).status == "accepted"
    broken = json.loads(json.dumps(election.form(tps[2], DPR).model_dump(mode="json")))
    party = next(iter(broken["partai"]))
    broken["partai"][party]["suara_sah_partai"] += 1
    receipt = ledger.submit(election.c_hasil(tps[2], DPR, form=broken).to_bytes())
    assert receipt.status == "inconsistent"
    assert ledger.totals(f"dpr/{code}") == dict(sorted(expected.items()))
    assert ledger.totals("dpr") == {} and ledger.totals("ppwp") == {}
    dpd = election.form(tps[0], DPD)
    ledger.submit(election.c_hasil(tps[0], DPD).to_bytes())
    dpd_code = election.ballot(tps[0], DPD)[0]
    assert ledger.totals(f"dpd/{dpd_code}") == dict(sorted(dpd.suara_calon.items()))  # type: ignore[union-attr]
    assert ledger.stats()["tps_with_form"] == 4


def test_a_tps_view_names_the_dapil_and_the_boxes_a_copy_differs_in(
    world: tuple[LegislativeElection, Ledger],
) -> None:
    election, ledger = world
    tps = election.tps_in("32")
    register(election, ledger, [tps])
    ledger.submit(election.c_hasil(tps, DPR).to_bytes())
    copy = json.loads(json.dumps(election.form(tps, DPR).model_dump(mode="json")))
    party = next(iter(copy["partai"]))
    number = next(iter(copy["partai"][party]["suara_caleg"]))
    copy["partai"][party]["suara_caleg"][number] += 1
    ledger.submit(election.c_salinan(tps, DPR, f"saksi-2-{tps}", form=copy, party="2").to_bytes())
    view = ledger.tps(tps, "dpr")
    code, _ = election.ballot(tps, DPR)
    assert (view["district"], view["current"]["district"]) == (code, code)
    assert view["disputed"] is True
    assert view["copies"][0]["party"] == "2"
    assert view["copies"][0]["differs"] == [f"suara_caleg_{party}_{number}"]
    assert ledger.tps(tps, "ppwp").get("district", "none") == "none"  # PPWP's view as it was
    jakarta = election.tps_in("31")
    empty = ledger.tps(jakarta, "dprd-kabkota")  # DKI Jakarta has no DPRD Kab/Kota ballot
    assert (empty["status"], empty["district"], empty["history"]) == ("missing", None, [])
