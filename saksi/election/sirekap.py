"""KPU's published per-TPS presidential records (Sirekap JSON), read strictly.

In February 2024 KPU published one JSON record per TPS, for example::

    {"mode": "hhcw",
     "chart": {"null": null, "100025": 83, "100026": 107, "100027": 38},
     "images": ["https://sirekap-obj-formc.kpu.go.id/...jpg", null, ...],
     "administrasi": {"suara_sah": 228, "suara_total": 233, "pemilih_dpt_j": 292, ...},
     "psu": null, "ts": "2024-02-16 16:25:10", "status_suara": true, "status_adm": true}

- ``chart``: valid votes per pair, keyed by KPU's pair id (``"100025"`` = 01,
  ``"100026"`` = 02, ``"100027"`` = 03) plus a stray ``"null": null`` entry; the
  whole chart is ``null`` until the votes were entered.
- ``administrasi``: sections I and V of the form under the names Saksi also uses;
  ``null`` until entered. Sections II (ballots) and III (disabled voters) were never
  published.
- ``images``: URLs of the form's page photos, ``null`` for a page not uploaded.
- ``ts``: time of the record (WIB, no zone); ``mode`` (seen: ``"hhcw"``), ``psu``
  (re-vote, seen only ``null``), ``status_suara`` / ``status_adm`` (entered flags).

The reader refuses what it does not understand instead of guessing: unknown keys,
a string, ``true`` or ``12.0`` where a count belongs. It does *not* refuse numbers
outside 0..999: those are KPU's data, and the ``kotak-3-digit`` rule reports them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import Field

from saksi.election.codes import Level, level_of
from saksi.election.contests import PPWP_2024, Contest
from saksi.election.forms import form_fields, vote_field
from saksi.election.rules import Violation, check_reading
from saksi.election.wire import WireModel, loads, parse_model
from saksi.errors import InputError, RegionError, SchemaError

KpuNumber = Annotated[int, Field(strict=True)]
"""A count as KPU published it: a JSON integer, not bounded (rules check the range)."""

Timestamp = Annotated[str, Field(strict=True, pattern=r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")]

CHART_NULL_KEY = "null"


class SirekapAdministrasi(WireModel):
    """Sections I and V of the form, as KPU published them (``null``: not given)."""

    pemilih_dpt_l: KpuNumber | None = None
    pemilih_dpt_p: KpuNumber | None = None
    pemilih_dpt_j: KpuNumber | None = None
    pengguna_dpt_l: KpuNumber | None = None
    pengguna_dpt_p: KpuNumber | None = None
    pengguna_dpt_j: KpuNumber | None = None
    pengguna_dptb_l: KpuNumber | None = None
    pengguna_dptb_p: KpuNumber | None = None
    pengguna_dptb_j: KpuNumber | None = None
    pengguna_non_dpt_l: KpuNumber | None = None
    pengguna_non_dpt_p: KpuNumber | None = None
    pengguna_non_dpt_j: KpuNumber | None = None
    pengguna_total_l: KpuNumber | None = None
    pengguna_total_p: KpuNumber | None = None
    pengguna_total_j: KpuNumber | None = None
    suara_sah: KpuNumber | None = None
    suara_tidak_sah: KpuNumber | None = None
    suara_total: KpuNumber | None = None


class SirekapEnvelope(WireModel):
    """What every per-TPS record has beside its votes (PPWP, DPR, DPRD, DPD alike)."""

    administrasi: SirekapAdministrasi | None
    images: tuple[Annotated[str, Field(strict=True)] | None, ...] = Field(default=(), strict=False)
    mode: str | None = None
    psu: str | None = None
    ts: Timestamp | None = None
    status_suara: bool | None = None
    status_adm: bool | None = None


class SirekapJSON(SirekapEnvelope):
    """One per-TPS PPWP record (or, read as DPD, a DPD record) exactly as KPU's JSON has it."""

    chart: dict[str, KpuNumber | None] | None


@dataclass(frozen=True, slots=True)
class SirekapRecord:
    """A KPU record read into Saksi's terms."""

    tps: str | None
    reading: Mapping[str, int | None]
    """Every box of the form; ``None`` where KPU published nothing."""
    pairs: tuple[str, ...]
    entered_votes: bool
    """``chart`` was published (not ``null``)."""
    entered_admin: bool
    """``administrasi`` was published (not ``null``)."""
    images: tuple[str | None, ...]
    ts: str | None
    mode: str | None
    psu: str | None
    status_suara: bool | None
    status_adm: bool | None

    def violations(self) -> tuple[Violation, ...]:
        """The rules KPU's published numbers break (only where all their boxes exist)."""
        return check_reading(self.reading, self.pairs)


def looks_like_sirekap(data: object) -> bool:
    """True for a JSON object shaped like a KPU per-TPS record (format detection).

    Only the shape is looked at (an object with ``chart`` and ``administrasi``), so
    that a record with an unexpected key is recognised and then refused by
    :func:`read_sirekap` with a precise message, not reported as an unknown format.
    """
    return isinstance(data, dict) and "chart" in data and "administrasi" in data


def read_sirekap(
    data: object, tps: str | None = None, *, contest: Contest = PPWP_2024
) -> SirekapRecord:
    """Read one decoded KPU record; InputError/SchemaError on anything unexpected."""
    if tps is not None:
        _check_tps(tps)
    if not isinstance(data, dict):
        raise InputError(
            code="sirekap.not-an-object",
            en=f"a Sirekap record must be a JSON object, not {json_type(data)}",
            id=f"rekaman Sirekap harus berupa objek JSON, bukan {json_type(data)}",
        )
    raw = parse_model(SirekapJSON, data, "Sirekap record")
    votes = _chart_votes(raw.chart, contest)
    pairs = contest.pair_numbers()
    reading: dict[str, int | None] = dict.fromkeys(form_fields(pairs))
    if raw.administrasi is not None:
        reading.update(raw.administrasi.model_dump())
    reading.update(votes)
    return SirekapRecord(
        tps=tps,
        reading=MappingProxyType(reading),
        pairs=pairs,
        entered_votes=raw.chart is not None,
        entered_admin=raw.administrasi is not None,
        images=raw.images,
        ts=raw.ts,
        mode=raw.mode,
        psu=raw.psu,
        status_suara=raw.status_suara,
        status_adm=raw.status_adm,
    )


def load_sirekap(path: Path, *, contest: Contest = PPWP_2024) -> SirekapRecord:
    """Read a KPU record file; its TPS is the file name when that is a 13-digit code."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(
            code="input.unreadable",
            en=f"cannot read {path}: {exc.strerror or exc.__class__.__name__}",
            id=f"{path} tidak dapat dibaca: {exc.strerror or exc.__class__.__name__}",
        ) from None
    data = loads(raw, what=path.name)
    stem = path.name.removesuffix(".json")
    tps = stem if re.fullmatch(r"[0-9]{13}", stem) else None
    return read_sirekap(data, tps, contest=contest)


def _chart_votes(chart: dict[str, int | None] | None, contest: Contest) -> dict[str, int | None]:
    if chart is None:
        return {}
    by_id = {p.sirekap_id: p.number for p in contest.pairs if p.sirekap_id is not None}
    known = ", ".join(f"{sid} = {number}" for sid, number in by_id.items())
    votes: dict[str, int | None] = {}
    for key, value in chart.items():
        if key == CHART_NULL_KEY:
            if value is not None:
                raise _chart_error(
                    key,
                    value,
                    'the chart\'s "null" entry holds a number',
                    'isian "null" pada chart berisi angka',
                    code="sirekap.chart-null-key",
                )
            continue
        if key not in by_id:
            raise _chart_error(
                key,
                value,
                f"chart key {key!r} is no pair of this contest (known: {known})",
                f"kunci chart {key!r} bukan pasangan calon pemilihan ini (dikenal: {known})",
                code="sirekap.chart-unknown-key",
            )
        votes[vote_field(by_id[key])] = value
    return votes


def _chart_error(key: str, value: Any, en: str, id_: str, *, code: str) -> SchemaError:
    return record_error(code=code, field=f"chart.{key}", value=value, en=en, id_=id_)


def record_error(*, code: str, field: str, value: Any, en: str, id_: str) -> SchemaError:
    """A Sirekap record refused at ``field`` (one field error, in both languages)."""
    return SchemaError(
        code=code,
        en=f"Sirekap record: {en}",
        id=f"rekaman Sirekap: {id_}",
        errors=[
            {"field": field, "type": code, "message_id": id_, "message_en": en, "input": value}
        ],
    )


def _check_tps(tps: str) -> None:
    if level_of(tps) is not Level.TPS:
        raise RegionError(
            code="region.not-a-tps",
            en=f"{tps!r} is not a TPS code (13 digits)",
            id=f"{tps!r} bukan kode TPS (13 digit)",
        )


def json_type(data: object) -> str:
    names = {
        list: "array",
        str: "string",
        bool: "boolean",
        int: "number",
        float: "number",
        type(None): "null",
    }
    return names.get(type(data), type(data).__name__)


__all__ = [
    "SirekapAdministrasi",
    "SirekapEnvelope",
    "SirekapJSON",
    "SirekapRecord",
    "load_sirekap",
    "looks_like_sirekap",
    "read_sirekap",
    "record_error",
]
