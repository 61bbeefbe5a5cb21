"""KPU's published per-TPS legislative records (Sirekap JSON), read strictly.

For DPR, DPRD Provinsi and DPRD Kab/Kota KPU published, per TPS, the same envelope as
for PPWP (:mod:`saksi.election.sirekap`) with the votes per party::

    {"chart": {"1": {"jml_suara_partai": 12, "jml_suara_total": 40}, ...},
     "caleg": {"1": {"1001234": 11, "1001235": 17}, ...},
     "administrasi": {...}, "images": [...], "ts": "...", ...}

- ``chart``: per party (by its number), A.1 ``jml_suara_partai`` (votes for the party
  only) and B ``jml_suara_total`` (the party's valid votes); ``null`` until entered;
- ``caleg``: per party, each candidate's votes (A.2) keyed by KPU's candidate id, not
  by ballot number; ``null`` until entered;
- ``administrasi``: sections I and V, as for PPWP.

A DPD record is PPWP's shape with the DPD candidates' ids as ``chart`` keys; it cannot
be told from a damaged PPWP record by its shape, so it is read only when asked for
(``saksi check --contest dpd``).

Without the contests file a candidate id cannot be turned into a ballot number, so the
reading names a candidate by the id KPU published (``suara_caleg_1_1001234``); the
rules do not need the number. Numbers outside 0..999 are kept (``kotak-3-digit``
reports them); anything else unexpected is refused, never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import Field

from saksi.election.legislative_forms import Ballot, check_reading
from saksi.election.rules import Violation
from saksi.election.sirekap import (
    KpuNumber,
    SirekapEnvelope,
    SirekapJSON,
    json_type,
    record_error,
)
from saksi.election.wire import WireModel, parse_model
from saksi.errors import InputError, SchemaError

Digits = Annotated[str, Field(strict=True, pattern=r"^[1-9][0-9]{0,11}$")]


class SirekapPartyChart(WireModel):
    jml_suara_partai: KpuNumber | None = None  # A.1
    jml_suara_total: KpuNumber | None = None  # B


class SirekapPartyJSON(SirekapEnvelope):
    """One per-TPS DPR / DPRD record exactly as KPU's JSON has it."""

    chart: dict[Digits, SirekapPartyChart | None] | None
    caleg: dict[Digits, dict[Digits, KpuNumber | None] | None] | None = None


@dataclass(frozen=True, slots=True)
class SirekapLegislativeRecord:
    """A KPU legislative record read into Saksi's terms."""

    reading: Mapping[str, int | None]
    """Every box; ``None`` where KPU published nothing."""
    ballot: Ballot
    entered_votes: bool
    entered_admin: bool

    def violations(self) -> tuple[Violation, ...]:
        return check_reading(self.reading, self.ballot)


def looks_like_sirekap_party(data: object) -> bool:
    """A JSON object shaped like a DPR/DPRD record (a ``caleg`` block beside the chart)."""
    return isinstance(data, dict) and "chart" in data and "administrasi" in data and "caleg" in data


def _object(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InputError(
            code="sirekap.not-an-object",
            en=f"a Sirekap record must be a JSON object, not {json_type(data)}",
            id=f"rekaman Sirekap harus berupa objek JSON, bukan {json_type(data)}",
        )
    return data


def _admin(record: SirekapEnvelope) -> dict[str, int | None]:
    return record.administrasi.model_dump() if record.administrasi is not None else {}


def read_sirekap_party(data: object) -> SirekapLegislativeRecord:
    """Read one decoded DPR/DPRD record; InputError/SchemaError on anything unexpected."""
    raw = parse_model(SirekapPartyJSON, _object(data), "Sirekap record")
    chart, caleg = raw.chart or {}, raw.caleg or {}
    stray = sorted(set(caleg) - set(chart), key=int) if raw.chart is not None else []
    if stray:
        raise _stray(stray)
    parties = sorted(set(chart) | set(caleg), key=int)
    reading: dict[str, int | None] = {}
    layout = []
    for p in parties:
        votes = chart.get(p)
        reading[f"suara_partai_{p}"] = votes.jml_suara_partai if votes else None
        people = caleg.get(p) or {}
        ids = sorted(people, key=int)
        for cid in ids:
            reading[f"suara_caleg_{p}_{cid}"] = people[cid]
        reading[f"suara_sah_partai_{p}"] = votes.jml_suara_total if votes else None
        layout.append((p, tuple(int(c) for c in ids)))
    ballot = Ballot(parties=tuple(layout))
    full: dict[str, int | None] = dict.fromkeys(ballot.fields())
    full.update(_admin(raw))
    full.update(reading)
    return SirekapLegislativeRecord(
        reading=MappingProxyType(full),
        ballot=ballot,
        entered_votes=raw.chart is not None,
        entered_admin=raw.administrasi is not None,
    )


def read_sirekap_dpd(data: object) -> SirekapLegislativeRecord:
    """Read one decoded DPD record (chart keys: candidate ids; KPU's ``"null"`` key, as
    for PPWP, must hold ``null``)."""
    raw = parse_model(SirekapJSON, _object(data), "Sirekap record")
    chart = dict(raw.chart or {})
    if "null" in chart and chart.pop("null") is not None:
        raise _bad_key(
            "null",
            'the chart\'s "null" entry holds a number',
            'isian "null" pada chart berisi angka',
        )
    for key in chart:
        if not (key.isascii() and key.isdigit() and not key.startswith("0")):
            raise _bad_key(
                key, f"chart key {key!r} is no candidate id", f"kunci chart {key!r} bukan id calon"
            )
    ids = sorted(chart, key=int)
    ballot = Ballot(candidates=tuple(int(c) for c in ids))
    full: dict[str, int | None] = dict.fromkeys(ballot.fields())
    full.update(_admin(raw))
    full.update({f"suara_calon_{c}": chart[c] for c in ids})
    return SirekapLegislativeRecord(
        reading=MappingProxyType(full),
        ballot=ballot,
        entered_votes=raw.chart is not None,
        entered_admin=raw.administrasi is not None,
    )


def _stray(parties: list[str]) -> SchemaError:
    return record_error(
        code="sirekap.caleg-unknown-party",
        field=f"caleg.{parties[0]}",
        value=parties[0],
        en=f"caleg has parties the chart does not: {parties}",
        id_=f"caleg memuat partai yang tidak ada di chart: {parties}",
    )


def _bad_key(key: str, en: str, id_: str) -> SchemaError:
    return record_error(
        code="sirekap.chart-unknown-key", field=f"chart.{key}", value=key, en=en, id_=id_
    )
