"""``saksi election new``: an election of one's own, ready for ``saksi serve``.

The manifest and the registrations are :class:`saksi.election.founding.Authorities`'
(the same code that founds the demo's election), with fresh random keys; the example
statements hold a form from :func:`saksi.sim.tally.consistent_form`. Everything is
built in memory first and written only when nothing was refused.

With ``--contests`` (a contests file, or ``synthetic``: the synthetic contests of the
election's hierarchy) the election has all five ballots: a format v2 manifest naming
the contests file by its digest, every party of the file a root key, the contests
file written beside the manifest, and a C.Hasil of each legislative ballot of the TPS
(:func:`saksi.sim.legislative_tally.consistent_legislative_form`) among the examples.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from saksi.cli.files import empty_folder
from saksi.cli.keys import write_private
from saksi.cli.regions import hierarchy_options, load_hierarchy
from saksi.election.contests import ContestKind
from saksi.election.founding import PAIR_PARTIES, Authorities, Timeline, fresh_keys
from saksi.election.keys import SigningKey
from saksi.election.legislative import Contests
from saksi.election.legislative_forms import Ballot
from saksi.election.regions import Hierarchy
from saksi.election.synthetic_contests import synthetic_contests
from saksi.sim.legislative_tally import consistent_legislative_form
from saksi.sim.tally import consistent_form

DEFAULT_NAME = "Pemilu uji / trial election"
DEFAULT_SCALE = 0.001
WITNESS_PARTY = PAIR_PARTIES["01"][0]
"""The party whose witness (saksi) gets a key: the party of pair 01."""
CONFIG = "saksi.toml"
CONTESTS = "contests.json.gz"
FORM_NAMES = {
    "dpr": "DPR", "dpd": "DPD", "dprd-prov": "DPRD Provinsi", "dprd-kabkota": "DPRD Kab/Kota",
}  # fmt: skip
SYNTHETIC = "synthetic"
"""``--contests synthetic``: the synthetic contests of the election's hierarchy."""


@dataclass(frozen=True)
class KeyFile:
    """A private key to write, under a plain name, and who holds it."""

    name: str
    key: SigningKey
    holder: str


@dataclass
class NewElection:
    """Every file of a new election, in memory (see :func:`found`)."""

    authorities: Authorities
    hierarchy: Hierarchy
    source: str
    tps: str
    keys: list[KeyFile]
    manifest: bytes
    registrations: list[bytes]
    statements: dict[str, dict[str, Any]]
    witness_party: str = WITNESS_PARTY
    contests: Contests | None = None
    contests_source: str = ""


def _parties(contests: Contests | None) -> list[tuple[str, str]]:
    """The parties with a root key: the pairs' (format v1), every party of the
    contests file (format v2)."""
    if contests is None:
        return list(PAIR_PARTIES.values())
    return [(p.number, p.name) for p in contests.parties]


def _key_files(auth: Authorities, tps: str, contests: Contests | None, party: str) -> list[KeyFile]:
    parties = [
        KeyFile(f"partai-{num}.key", auth.key(f"partai-{num}"), f"{name} (root, party {num})")
        for num, name in _parties(contests)
    ]
    return [
        KeyFile("kpu-ri.key", auth.key("kpu-ri"), "KPU RI (root)"),
        KeyFile("bawaslu.key", auth.key("bawaslu"), "Bawaslu RI (root)"),
        *parties,
        KeyFile("kpu-prov.key", auth.key(f"kpu-prov-{tps[:2]}"), f"KPU Provinsi {tps[:2]}"),
        KeyFile("kpu-kab.key", auth.key(f"kpu-kab-{tps[:4]}"), f"KPU Kab/Kota {tps[:4]}"),
        KeyFile("kpps.key", auth.kpps(tps), f"KPPS device, TPS {tps}"),
        KeyFile(
            "saksi.key",
            auth.saksi(party, tps),
            f"witness (saksi) of party {party}, TPS {tps}",
        ),
    ]


def _statements(origin: str, tps: str, party: str) -> dict[str, dict[str, Any]]:
    """A C.Hasil for ``tps`` whose arithmetic holds, and the witness's copy of it."""
    form = consistent_form(random.Random(tps)).model_dump(mode="json")
    common = {"election": origin, "tps": tps, "contest": "ppwp"}
    return {
        "c-hasil.json": {"type": "c-hasil", **common, "form": form},
        "c-salinan.json": {"type": "c-salinan", **common, "party": party, "form": form},
    }


def _legislative_statements(origin: str, tps: str, contests: Contests) -> dict[str, dict[str, Any]]:
    """A C.Hasil of each legislative ballot ``tps`` gets, in its dapil, whose arithmetic
    holds: ``c-hasil-dpr.json``, ``c-hasil-dpd.json``, ... Drawn from the same seed as
    the PPWP example, so that sections I and II agree across the TPS's forms (one DPT)."""
    out: dict[str, dict[str, Any]] = {}
    for kind, code in contests.ballots(tps).items():
        ballot = Ballot.of(contests.contest(kind).district(code))
        rng = random.Random(tps)
        form = consistent_legislative_form(rng, ballot).model_dump(mode="json")
        out[f"c-hasil-{kind.value}.json"] = {
            "type": "c-hasil", "election": origin, "tps": tps, "contest": kind.value,
            "district": code, "form": form,
        }  # fmt: skip
    return out


def read_contests(given: str, hierarchy: Hierarchy) -> tuple[Contests, str]:
    """``--contests``: a contests file, or ``synthetic`` (the hierarchy's synthetic
    contests); the contests and where they came from."""
    if given == SYNTHETIC:
        return synthetic_contests(hierarchy), "synthetic contests of the hierarchy"
    return Contests.load(Path(given)), given


def _witness_party(contests: Contests | None) -> str:
    """The party whose witness gets a key: pair 01's, or the contests file's first party
    when that one does not stand in it."""
    if contests is None or any(p.number == WITNESS_PARTY for p in contests.parties):
        return WITNESS_PARTY
    return contests.parties[0].number


def found(
    *,
    origin: str,
    name: str,
    hierarchy: Hierarchy,
    source: str,
    tps: str | None,
    days: int,
    contests: Contests | None = None,
    contests_source: str = "",
) -> NewElection:
    """The new election's manifest, keys, registrations and example statements; with
    ``contests``, a five-ballot election of format v2 (ContestError if the TPS lies in
    no DPR dapil of the file)."""
    tps = tps or next(hierarchy.iter_tps())
    hierarchy.require_tps(tps)
    party = _witness_party(contests)
    statements = _statements(origin, tps, party)
    if contests is not None:
        contests.district_of(ContestKind.DPR, tps)  # every TPS votes for the DPR
        statements |= _legislative_statements(origin, tps, contests)
    timeline = Timeline.starting(datetime.now(UTC), days)
    auth = Authorities(origin=origin, name=name, timeline=timeline, keys=fresh_keys())
    return NewElection(
        authorities=auth,
        hierarchy=hierarchy,
        source=source,
        tps=tps,
        keys=_key_files(auth, tps, contests, party),
        manifest=auth.manifest(hierarchy, contests).to_bytes(),
        registrations=[env.to_bytes() for env in auth.one_tps(tps, party)],
        statements=statements,
        witness_party=party,
        contests=contests,
        contests_source=contests_source,
    )


def write(new: NewElection, folder: Path) -> None:
    """Write the election's files into ``folder`` (new or empty)."""
    (folder / "keys").mkdir()
    for key_file in new.keys:
        write_private(folder / "keys" / key_file.name, key_file.key.to_text().rstrip("\n"))
    (folder / "manifest.entry").write_bytes(new.manifest)
    new.hierarchy.save(folder / "regions.json.gz")
    if new.contests is not None:
        new.contests.save(folder / CONTESTS)
    (folder / "registrations.ndjson").write_bytes(b"".join(e + b"\n" for e in new.registrations))
    for file_name, statement in new.statements.items():
        text = json.dumps(statement, indent=2, ensure_ascii=False) + "\n"
        (folder / file_name).write_text(text, encoding="utf-8")
    contests = f'contests = "{CONTESTS}"\n' if new.contests is not None else ""
    (folder / CONFIG).write_text(
        "# saksi serve --config " + str(folder / CONFIG) + "\n"
        "# (paths are relative to this file; docs/service.md lists every setting)\n"
        'data = "data"\nmanifest = "manifest.entry"\nregions = "regions.json.gz"\n' + contests,
        encoding="utf-8",
    )


def _report(new: NewElection, folder: Path) -> None:
    auth, hierarchy = new.authorities, new.hierarchy
    contests = new.contests
    what = "the PPWP contest" if contests is None else "the five contests (format v2)"
    files = [
        ("manifest.entry", f"entry 0, signed by KPU RI: {what}, the regions, the roots"),
        ("regions.json.gz", f"{hierarchy.tps_count():,} TPS ({new.source})"),
    ]
    if contests is not None:
        counts = ", ".join(f"{kind} {dapil:,} dapil" for kind, dapil, _, _ in contests.summary())
        files.append((CONTESTS, f"{len(contests.parties)} parties, {counts} "
                      f"({new.contests_source})"))  # fmt: skip
    files += [
        (CONFIG, "settings for saksi serve: data/, the manifest, the regions"
         + (", the contests" if contests is not None else "")),
        ("registrations.ndjson", f"{len(new.registrations)} signed key registrations to send "
         "(POST /v1/statements/batch) once the service runs"),
        ("c-hasil.json", f"a C.Hasil for TPS {new.tps} to check, edit and sign (keys/kpps.key)"),
        ("c-salinan.json", f"party {new.witness_party}'s witness copy of it (keys/saksi.key)"),
    ]  # fmt: skip
    for file_name, statement in new.statements.items():
        if file_name.startswith("c-hasil-"):
            form = FORM_NAMES[statement["contest"]]
            files.append((file_name, f"a C.Hasil-{form} for TPS {new.tps}, dapil "
                          f"{statement['district']} (keys/kpps.key)"))  # fmt: skip
    click.echo(f"election: {auth.origin} ({auth.name})")
    click.echo(f"regions digest: {hierarchy.digest()}")
    if contests is not None:
        click.echo(f"contests digest: {contests.digest()}")
    for file_name, what in files:
        click.echo(f"{folder / file_name}: {what}")
    click.echo(f"keys valid {auth.timeline.valid_from} .. {auth.timeline.valid_until}:")
    for key_file in new.keys:
        click.echo(
            f"{folder / 'keys' / key_file.name}: {key_file.holder}: {key_file.key.public.b64}"
        )
    click.echo(f"next: saksi serve --config {folder / CONFIG}")


@click.group()
def election() -> None:
    """An election of one's own: its manifest, keys and regions.

    Pemilu milik sendiri: manifest, kunci dan wilayahnya.
    """


@election.command("new")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--origin",
    required=True,
    help="The election's log origin, e.g. example.org/pemilu-uji (named in every statement).",
)
@click.option("--name", default=DEFAULT_NAME, show_default=True, help="The election's name.")
@hierarchy_options(default_scale=DEFAULT_SCALE)
@click.option(
    "--tps",
    help="The TPS that gets a KPPS device key and a witness key (default: the first one).",
)
@click.option(
    "--days",
    type=click.IntRange(1, 3650),
    default=90,
    show_default=True,
    help="How long the registered keys are valid, from the start of today (UTC).",
)
@click.option(
    "--contests",
    "contests_given",
    metavar="FILE|synthetic",
    help="Found a five-ballot election (format v2): the legislative contests of this "
    "contests file (saksi contests import/synthetic), or `synthetic` for the synthetic "
    "contests of the hierarchy. Default: PPWP alone (format v1).",
)
def new(
    *,
    folder: Path,
    origin: str,
    name: str,
    regions_file: Path | None,
    scale: float,
    seed: int,
    tps: str | None,
    days: int,
    contests_given: str | None,
) -> None:
    """Make a new election in FOLDER, ready for `saksi serve --config FOLDER/saksi.toml`.

    Writes the signed manifest (entry 0: the PPWP contest, the region hierarchy's
    digest, the root keys of KPU RI, Bawaslu and the pairs' parties), the region file,
    fresh private keys (keys/, readable by their owner only) for the roots, one KPU
    Provinsi, one KPU Kab/Kota, the KPPS device of one TPS and a party witness
    there, the signed registrations of those keys, and a C.Hasil and a witness copy
    for that TPS to sign. FOLDER must be new or empty.

    With --contests, the election has the five ballots of a Pemilu: the manifest is
    format v2 and names the contests file (written beside it, contests.json.gz) by its
    digest, every party of the file has a root key, and the examples add a C.Hasil of
    each legislative ballot of the TPS (c-hasil-dpr.json, ...).

    Membuat pemilu baru di FOLDER: manifest, wilayah, kunci, registrasi kunci dan
    contoh pernyataan.
    """
    hierarchy = load_hierarchy(regions_file, scale, seed)
    source = str(regions_file) if regions_file else f"synthetic, scale {scale:g}, seed {seed}"
    contests, contests_source = (
        read_contests(contests_given, hierarchy) if contests_given else (None, "")
    )
    made = found(
        origin=origin,
        name=name,
        hierarchy=hierarchy,
        source=source,
        tps=tps,
        days=days,
        contests=contests,
        contests_source=contests_source,
    )
    why = ("the new election's files go there", "berkas pemilu baru ditulis di sana")
    write(made, empty_folder(folder, code="cli.folder-not-empty", why=why))
    _report(made, folder)


__all__ = ["election", "found", "read_contests", "write"]
