"""Every published file of the legislative contests against the verifier's own numbers
(docs/verify.md, "The legislative contests"; the files: docs/recap.md, "The legislative
contests published").

Written from those pages, not from :mod:`saksi.recap`. Per contest ``latest.json`` lists
under ``legislative`` (one :class:`~saksi.verify.legislative_tally.ContestCount`, summed
once, answers for all of its files), each file read once:

- the region snapshots (``saksi-legislative-snapshot/1``) reachable from its
  ``snapshot`` through the children's ``href``: the region, its path, totals (each
  party's A.1 and B, the common numbers), progress and counters, and each child's; a
  desa's children are its TPS that vote in the contest, in full (dapil, status,
  witness, the values of the form in force, the rules it breaks, its log entries);
- the national seats file (``seats``, ``saksi-seats/1``), then each province's or
  kab/kota's seats file its ``units_href`` links, and every dapil file
  (``saksi-dapil/1``) a seats file's ``dapil_href`` links;
- the summary's ``legislative`` object of the contest;
- at the exports' generation, each CSV and the NIST report ``exports`` links
  (:mod:`saksi.verify.legislative_exports` makes their rows and numbers).

A vote count (totals, a candidate's votes, progress, counters) that differs is
``verify.totals-differ`` naming the file, contest, region or dapil, party and candidate
where they apply, the field and both numbers; a seat result (seats, elected, unfilled,
threshold, provisional and why, ties) is ``verify.seats-differ`` (as
:func:`~saksi.verify.legislative_results.seat_differences`); a file linked but absent,
or a file the contest must have that no link reaches, is ``verify.results-missing``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any, Final

from saksi.verify.contests import PARTY_CONTESTS, District, PartyBallot
from saksi.verify.findings import Finding, Kind, finding
from saksi.verify.keys import Fold
from saksi.verify.legislative import NONE, unpack
from saksi.verify.legislative_exports import LEVELS, ContestCsv, ContestNist, compare_rows
from saksi.verify.legislative_reconcile import cross_form, involves, recap_checks
from saksi.verify.legislative_results import seat_differences, totals_differences
from saksi.verify.legislative_tally import ContestCount
from saksi.verify.regions import LEVEL_NAMES, NATION
from saksi.verify.rules import legislative_flags, legislative_violations
from saksi.verify.schema import BEFORE_PAIRS
from saksi.verify.totals import ResultsCheck

SNAPSHOT_FORMAT: Final = "saksi-legislative-snapshot/1"
DAPIL_FORMAT: Final = "saksi-dapil/1"
SEATS_FORMAT: Final = "saksi-seats/1"
SEATS_DIGITS: Final = {"dpr": None, "dpd": 2, "dprd-prov": 2, "dprd-kabkota": 4}
"""The code length of a contest's seats files beside the nation's (None: the nation's only)."""
VOTE_FIELDS: Final = frozenset({"totals", "progress", "counters", "candidates"})
"""The fields of a dapil file whose differences are vote counts (``verify.totals-differ``)."""
ANOMALIES_FORMAT: Final = "saksi-anomalies/1"
ANOMALY_TYPES: Final = (
    "inconsistent", "flag", "witness-dispute", "cross-form", "recap-difference", "correction",
)  # fmt: skip
"""A legislative contest's kinds of anomaly (docs/recap.md, "Reconciliation")."""
FLAG_IDS: Final = ("party-above-voters", "candidate-above-voters", "unanimous-high-turnout",
                   "share-jump")  # fmt: skip
"""The legislative screening flags, in the order a snapshot lists them."""
LISTED: Final = 10
"""The differing D.Hasil a snapshot's ``recap_differences.first`` lists."""
FINDING_FIELDS: Final = ("flags", "anomalies", "recap_differences")
"""What a legislative snapshot counts of its findings (absent from one written before)."""


def _above(tps: str) -> tuple[str, ...]:
    """The regions a TPS lies in: the nation, its province, kab/kota, kecamatan, desa."""
    return (NATION, tps[:2], tps[:4], tps[:6], tps[:10])


def _identity(item: Any) -> tuple[str, str]:
    """(type, what the item is of) of one item of an anomalies export: the TPS (and its
    flags, a copy's or a correction's entry), or the D.Hasil's region and dapil."""
    if not isinstance(item, dict):
        return ("?", repr(item)[:80])
    kind = str(item.get("type"))
    place = str(item.get("tps") or item.get("region"))
    if kind == "flag":
        place += ":" + ",".join(map(str, item.get("flags") or ()))
    elif kind == "witness-dispute":
        place += f"#{item.get('copy_index')}"
    elif kind == "correction":
        place += f"#{item.get('index')}"
    elif kind == "recap-difference":
        place += f":{item.get('dapil')}"
    return (kind, place)


class ContestFindings:
    """One legislative contest's findings as the verifier counts them, per region: each
    TPS's held form, flags, differing witness copies, corrections and cross-form finding,
    and each differing D.Hasil (docs/recap.md, "The legislative contests published")."""

    def __init__(self, files: ContestFiles, crossing: list[dict[str, Any]]) -> None:
        chains = files.count.chains
        self.items: list[tuple[str, str]] = []
        self.counts: dict[str, dict[tuple[str, str], int]] = {}
        for tps, slot in sorted(chains.slot_of.items()):
            self._tps(files, tps, slot)
        for found in crossing:
            if involves(found, files.contest):
                self._add(found["region"], "cross-form", str(found["region"]))
        self.differing: dict[tuple[str, str], dict[str, Any]] = {}
        for check in files.recaps_list:
            if check["differences"]:
                region, dapil = check["region"], check["dapil"]
                self.items.append(("recap-difference", f"{region}:{dapil}"))
                self.differing[(region, dapil)] = {
                    **files.ref(region), "dapil": dapil, "index": check["index"],
                    "complete": check["complete"], "differences": check["differences"],
                }  # fmt: skip
        self.codes = sorted(self.differing)

    def _tps(self, files: ContestFiles, tps: str, slot: int) -> None:
        """One TPS's items: held, flagged (its flags), differing copies, corrections."""
        count, chains = files.count, files.count.chains
        status, witness, flagged = count.status.get(tps, ("missing", "none", False))
        if status == "inconsistent":
            self._add(tps, "inconsistent", tps)
        if flagged:
            flags = files.tps_facts(tps)["flags"]
            self._add(tps, "flag", f"{tps}:{','.join(flags)}")
            for flag in flags:
                self._bump(tps, ("flags", flag))
        if witness == "dispute":
            values = chains.values[slot]
            for index, _, _, copied in chains.copies.get(slot, ()):
                if copied != values:
                    self._add(tps, "witness-dispute", f"{tps}#{index}")
        for index in chains.corrections.get(slot, ()):
            self._add(tps, "correction", f"{tps}#{index}")

    def _bump(self, tps: str, key: tuple[str, str]) -> None:
        for region in _above(tps):
            counts = self.counts.setdefault(region, {})
            counts[key] = counts.get(key, 0) + 1

    def _add(self, tps: str, kind: str, identity: str) -> None:
        self.items.append((kind, identity))
        self._bump(tps, ("anomalies", kind))

    def _within(self, region: str) -> list[tuple[str, str]]:
        return [k for k in self.codes if region == NATION or k[0].startswith(region)]

    def anomalies(self, region: str) -> dict[str, int]:
        counts = self.counts.get(region, {})
        out = {kind: counts.get(("anomalies", kind), 0) for kind in ANOMALY_TYPES}
        out["recap-difference"] = len(self._within(region))
        return out

    def region(self, code: str) -> dict[str, Any]:
        """A region's ``flags``, ``anomalies`` and ``recap_differences``."""
        counts = self.counts.get(code, {})
        within = self._within(code)
        levels: dict[str, int] = {}
        for key in within:
            level = self.differing[key]["level"]
            levels[level] = levels.get(level, 0) + 1
        return {
            "flags": {flag: counts.get(("flags", flag), 0) for flag in FLAG_IDS},
            "anomalies": self.anomalies(code),
            "recap_differences": {
                "by_level": {n: levels[n] for n in LEVEL_NAMES.values() if levels.get(n)},
                "first": [self.differing[k] for k in within[:LISTED]],
            },
        }


def _missing(path: str, en: str, id_: str) -> Finding:
    return finding(
        Kind.TOTALS, "verify.results-missing", f"{path}: {en}", f"{path}: {id_}", file=path
    )


def _links(doc: dict[str, Any], name: str) -> dict[str, Any]:
    found = doc.get(name)
    return found if isinstance(found, dict) else {}


def _candidates(items: Any) -> Any:
    if isinstance(items, list) and all(isinstance(i, dict) for i in items):
        return {f"{i.get('party')}:{i.get('number')}": {k: v for k, v in i.items()
                if k not in ("party", "number")} for i in items}  # fmt: skip
    return items


def _by_dapil(checks: Any) -> dict[str, Any] | None:
    """D.Hasil checks keyed by dapil, each one's differences by field (None: not a list
    of checks naming distinct dapil, compared as it is)."""
    if not isinstance(checks, list):
        return None
    out: dict[str, Any] = {}
    for check in checks:
        if not isinstance(check, dict) or not isinstance(check.get("dapil"), str):
            return None
        listed = check.get("differences")
        if not isinstance(listed, list) or not all(
            isinstance(d, dict) and isinstance(d.get("field"), str) for d in listed
        ):
            return None
        fields = {d["field"]: {k: v for k, v in d.items() if k != "field"} for d in listed}
        if check["dapil"] in out or len(fields) != len(listed):
            return None
        out[check["dapil"]] = {**check, "differences": fields}
    return out


class ContestFiles:
    """One legislative contest's published files against its :class:`ContestCount`."""

    def __init__(self, check: ResultsCheck, fold: Fold, contest: str, links: Any) -> None:
        assert fold.contests_file is not None
        self.check = check
        self.fold = fold
        self.regions = fold.regions
        self.contest = contest
        self.links = links if isinstance(links, dict) else {}
        described = next(c for c in fold.manifest["contests"] if c["kind"] == contest)
        self.name: str = described["name"]
        self.form: str = described["form"]
        self.count = ContestCount(contest, fold.chains[contest], fold.contests_file, fold.regions)
        self.seats = self.count.seats_json({"tree_size": fold.size}, self.name)
        self.districts: dict[str, District] = fold.contests_file.districts[contest]
        self.named: dict[str, dict[tuple[str, int], str]] = {}
        for e in self.seats["elected"]:
            e["name"] = self._names(e["dapil"]).get((e["party"], e["number"]), "")
        self.read: set[str] = set()
        self._dapil_totals: dict[str, dict[str, Any]] = {}
        self._value_names: dict[str, tuple[str, ...]] = {}
        self.dapil_linked: dict[str, str] = {}  # a dapil file's path -> its dapil
        self.recaps: dict[str, list[dict[str, Any]]] = {}  # region -> its D.Hasil's checks
        self.recaps_list = recap_checks(self.count, fold.regions)
        for found in self.recaps_list:
            self.recaps.setdefault(found["region"], []).append(found)
        self._findings: ContestFindings | None = None

    @property
    def findings(self) -> ContestFindings:
        """The contest's findings per region, made once (with the log's cross-form
        findings, made once for every contest at this size)."""
        if self._findings is None:
            key = ("cross-form", self.fold.size)
            crossing = self.check.legislative_counts.get(key)
            if not isinstance(crossing, list):
                crossing = self.check.legislative_counts[key] = cross_form(self.fold)
            self._findings = ContestFindings(self, crossing)
        return self._findings

    def dapil_totals(self, code: str) -> dict[str, Any]:
        """A dapil's totals (:meth:`ContestCount.dapil_totals`), made once."""
        found = self._dapil_totals.get(code)
        if found is None:
            found = self._dapil_totals[code] = self.count.dapil_totals(code)
        return found

    def _names(self, dapil: str) -> dict[tuple[str, int], str]:
        found = self.named.get(dapil)
        if found is None:
            d = self.districts[dapil]
            found = self.named[dapil] = {(p, n): name for p, n, name in d.names}
        return found

    def _add(self, found: Iterator[Finding] | list[Finding]) -> None:
        self.check.found.extend(found)

    def _lost(self, path: str, en: str, id_: str) -> None:
        self.check.found.append(_missing(path, en, id_))

    def _json(self, path: str) -> dict[str, Any] | None:
        """A linked file, read once (None if read already, absent or not an object)."""
        if path in self.read:
            return None
        self.read.add(path)
        doc = self.check.read_json(path)
        if doc is not None and not isinstance(doc, dict):
            self._lost(path, "not a JSON object", "bukan objek JSON")
            return None
        return doc

    def run(self) -> None:
        snapshot, seats = self.links.get("snapshot"), self.links.get("seats")
        if isinstance(snapshot, str):
            self.snapshots(snapshot)
        else:
            self._lost(
                f"latest.json legislative.{self.contest}",
                "links no snapshot",
                "tidak menautkan snapshot",
            )
        if isinstance(seats, str):
            self.seats_files(seats)

    # -- snapshots ---------------------------------------------------------------

    def snapshots(self, start: str) -> None:
        """Every snapshot from the nation's down the children's links, each the
        snapshot of the child that links it."""
        queue: deque[tuple[str, str]] = deque([(start, NATION)])
        linked: dict[str, str] = {}  # path -> the region it was first linked for
        while queue:
            path, region = queue.popleft()
            if path in linked:
                was = linked[path]
                if was != region:
                    en = f"is linked as the snapshot of {was} and of {region}"
                    self._lost(path, en, f"ditautkan sebagai snapshot {was} dan {region}")
                continue
            linked[path] = region
            doc = self._json(path)
            if doc is None:
                continue
            self.check.legislative_snapshots += 1
            named = doc.get("region")
            if not isinstance(named, dict) or named.get("code") != region:
                self._lost(path, f"is not the snapshot of region {region}",
                           f"bukan snapshot wilayah {region}")  # fmt: skip
                continue
            queue.extend(self._snapshot(path, doc))

    def ref(self, code: str) -> dict[str, Any]:
        return {"code": code, "name": self.regions.name(code), "level": LEVEL_NAMES[len(code)]}

    def tps_facts(self, code: str) -> dict[str, Any]:
        """A TPS as its desa's snapshot lists it, as the verifier makes it."""
        return self._tps(code)

    def _numbers(self, code: str) -> dict[str, Any]:
        count = self.count
        return {
            "totals": count.totals(code),
            "progress": count.progress(code),
            "counters": count.counters(code),
        }

    def _snapshot(self, path: str, doc: dict[str, Any]) -> list[tuple[str, str]]:
        """Compare one snapshot; the links to its children's, with their codes."""
        region = doc["region"]["code"]
        ours = {
            "format": SNAPSHOT_FORMAT,
            "contest": self.contest,
            "region": self.ref(region),
            "path": [{"code": c, "name": self.regions.name(c)} for c in self.regions.path(region)],
            **self._numbers(region),
        }
        counted = any(k in doc for k in FINDING_FIELDS)  # none in a snapshot written before
        if counted:
            ours |= self.findings.region(region)
        theirs = {
            k: v for k, v in doc.items() if k not in ("checkpoint", "children", "recap_checks")
        }
        self._add(totals_differences(path, self.contest, region, None, theirs, ours))
        self._recap_checks(path, region, doc.get("recap_checks"))
        children = doc.get("children")
        listed = children if isinstance(children, list) else []
        expected = self._children(region)
        codes = [c.get("code") if isinstance(c, dict) else None for c in listed]
        if codes != expected:
            listing = ({"children": codes}, {"children": expected})
            self._add(totals_differences(path, self.contest, region, None, *listing))
        links: list[tuple[str, str]] = []
        known = set(expected)
        for child in listed:
            code = child.get("code") if isinstance(child, dict) else None
            if not isinstance(code, str) or code not in known:
                continue
            if isinstance(child.get("href"), str):
                links.append((child["href"], code))
            elif len(code) != 13:
                self._lost(path, f"links no snapshot of {code}",
                           f"tidak menautkan snapshot {code}")  # fmt: skip
            mine = self._tps(code) if len(code) == 13 else {**self.ref(code), **self._numbers(code)}
            if counted and len(code) != 13:
                mine["anomalies"] = self.findings.anomalies(code)
            theirs = {k: v for k, v in child.items() if k != "href"}
            self._add(totals_differences(path, self.contest, code, None, theirs, mine))
        return links

    def _recap_checks(self, path: str, region: str, published: Any) -> None:
        """The region's D.Hasil checks a snapshot publishes against the verifier's own,
        dapil by dapil: each differing number names the dapil, and the field its box
        (``recap_checks.<dapil>.differences.suara_partai_4.recap``, party 4)."""
        mine = self.recaps.get(region, [])
        if published is None and not mine:
            return  # a snapshot written before Saksi published them: none to compare
        theirs = _by_dapil(published)
        if theirs is None:
            listing = ({"recap_checks": published}, {"recap_checks": mine})
            self._add(totals_differences(path, self.contest, region, None, *listing))
            return
        ours = _by_dapil(mine)
        assert ours is not None
        for dapil in sorted(theirs.keys() | ours.keys()):
            pair = (
                {"recap_checks": {dapil: theirs.get(dapil)}},
                {"recap_checks": {dapil: ours.get(dapil)}},
            )
            self._add(totals_differences(path, self.contest, region, dapil, *pair))

    def _children(self, region: str) -> list[str]:
        """A region's children; a desa's: its TPS that vote in the contest."""
        below = self.regions.children(region)
        if len(region) != 10:
            return below
        return below if region in self.count.dapil_of else []

    def _tps(self, code: str) -> dict[str, Any]:
        count, chains = self.count, self.count.chains
        dapil = self.count.dapil_of[code[:10]]
        counters = count.counters(code)
        received = counters["received"]
        progress = {"expected": 1, "received": received, "counted": counters["counted"],
                    "percent": round(100.0 * received, 2)}  # fmt: skip
        numbers = {"totals": count.totals(code), "progress": progress, "counters": counters}
        out = {**self.ref(code), "dapil": dapil, **numbers}
        slot = chains.slot_of.get(code)
        status, witness, _ = count.status.get(code, ("missing", "none", False))
        if slot is None:
            return {
                **out, "status": "missing", "counted": False, "witness": "none", "values": None,
                "violations": [], "flags": [],
                "entries": {"original": None, "current": None, "corrections": [], "copies": []},
            }  # fmt: skip
        values = chains.values[slot]
        fields = self.value_names(dapil)
        numbers_in_force = tuple(unpack(values)) if values else None
        violations: list[str] = []
        flags: list[str] = []
        if numbers_in_force is not None:
            ballot = self.districts[dapil].ballot
            party: PartyBallot | None = ballot if self.contest in PARTY_CONTESTS else None  # type: ignore[assignment]
            violations = list(legislative_violations(numbers_in_force, party, len(ballot))[0])
            if status in ("received", "corrected"):  # a held form is not screened
                flags = list(legislative_flags(numbers_in_force, party, len(ballot)))
                flags += ["share-jump"] if count.jumped(code) else []
        original, current = chains.original[slot], chains.current[slot]
        return {
            **out,
            "status": status,
            "counted": status in ("received", "corrected"),
            "witness": witness,
            "values": dict(zip(fields, numbers_in_force, strict=True))
            if numbers_in_force is not None
            else None,
            "violations": violations,
            "flags": flags,
            "entries": {
                "original": None if original == NONE else original,
                "current": None if current == NONE else current,
                "corrections": list(chains.corrections.get(slot, ())),
                "copies": [
                    {**self._witness(key), "index": index, "agrees": not values or copied == values}
                    for index, key, _, copied in chains.copies.get(slot, ())
                ],
            },
        }

    def _witness(self, key: str) -> dict[str, Any]:
        """The party (or DPD candidate) a witness copy's key acts for: authorization
        held the copy's ``party`` (``candidate``) to be its key's; ``""`` for the other."""
        at = self.fold.ids.get(key)
        candidate = self.fold.candidate.get(at) if at is not None else None
        party = self.fold.party[at] if at is not None and candidate is None else None
        return {"party": party or "", "candidate": candidate or ""}

    def value_names(self, dapil: str) -> tuple[str, ...]:
        """The names of a form's values in the dapil (docs/recap.md, "A legislative
        form's boxes")."""
        found = self._value_names.get(dapil)
        if found is not None:
            return found
        ballot = self.districts[dapil].ballot
        votes: list[str] = []
        if self.contest in PARTY_CONTESTS:
            for p, numbers in ballot:  # type: ignore[misc]
                votes += [f"suara_partai_{p}", *(f"suara_caleg_{p}_{n}" for n in numbers),
                          f"suara_sah_partai_{p}"]  # fmt: skip
        else:
            votes = [f"suara_calon_{n}" for n in ballot]
        found = (*BEFORE_PAIRS, *votes, "suara_sah", "suara_tidak_sah", "suara_total")
        self._value_names[dapil] = found
        return found

    # -- seats and dapil files ---------------------------------------------------

    def _pick(self, what: str, codes: list[str]) -> list[Any]:
        chosen = set(codes)
        return [item for item in self.seats[what] if item["dapil"] in chosen]

    def _within(self, unit: str) -> list[str]:
        """The dapil of a seats file's unit (contests-file order)."""
        digits = SEATS_DIGITS[self.contest]
        if unit == NATION or digits is None:
            return list(self.districts)
        return [c for c, d in self.districts.items() if d.units[0][:digits] == unit]

    def _units(self) -> list[str]:
        digits = SEATS_DIGITS[self.contest]
        if digits is None:
            return []
        return sorted({d.units[0][:digits] for d in self.districts.values()})

    def _unit_seats(self, unit: str) -> dict[str, Any]:
        """What the seats file of ``unit`` says, as the verifier makes it."""
        codes = self._within(unit)
        seats = self.seats
        parties: dict[str, int] = {}
        for code in codes:
            for party, won in seats["dapil"][code].items():
                parties[party] = parties.get(party, 0) + won
        status = {c: seats["dapil_status"][c] for c in codes}
        return {
            "format": SEATS_FORMAT,
            "contest": self.contest,
            "name": self.name,
            "region": self.ref(unit),
            "seats": sum(self.count.seat_count[c] for c in codes),
            "provisional": any(s["provisional"] for s in status.values())
            or (bool(codes) and seats["threshold"]["provisional"]),
            "threshold": seats["threshold"],
            "progress": self.count.progress(unit),
            "parties": parties if self.contest in PARTY_CONTESTS else {},
            "dapil": {c: seats["dapil"][c] for c in codes},
            "elected": self._pick("elected", codes),
            "unfilled": self._pick("unfilled", codes),
            "ties": self._pick("ties", codes),
            "dapil_status": status,
        }

    def seats_files(self, national: str) -> None:
        doc = self._json(national)
        if doc is None:
            return
        self._seats_file(national, doc, NATION)
        hrefs = _links(doc, "units_href")
        expected = self._units()
        for unit in expected:
            path = hrefs.get(unit)
            if not isinstance(path, str):
                self._lost(
                    national,
                    f"links no seats file of {unit}",
                    f"tidak menautkan berkas kursi {unit}",
                )
                continue
            if path in self.read:  # the nation's file, or another unit's
                self._lost(path, f"is linked as the seats file of {unit} and of another region",
                           f"ditautkan sebagai berkas kursi {unit} dan wilayah lain")  # fmt: skip
                continue
            unit_doc = self._json(path)
            if unit_doc is not None:
                self._seats_file(path, unit_doc, unit)
        for unit in sorted(set(hrefs) - set(expected)):
            en = f"links a seats file of {unit}, which has no dapil"
            id_ = f"menautkan berkas kursi {unit}, yang tidak memiliki dapil"
            self._lost(national, en, id_)

    def _seats_file(self, path: str, doc: dict[str, Any], unit: str) -> None:
        self.check.seats += 1
        ours = self._unit_seats(unit)
        region = _links(doc, "region")
        if region.get("code") != unit:
            self._lost(path, f"is not the seats file of {unit}", f"bukan berkas kursi {unit}")
            return
        self._add(seat_differences(path, self.contest, doc, ours))
        plain = ("format", "contest", "name", "region")
        theirs = {k: doc.get(k) for k in plain}
        self._add(
            totals_differences(path, self.contest, unit, None, theirs, {k: ours[k] for k in plain})
        )
        hrefs = _links(doc, "dapil_href")
        codes = self._within(unit)
        for code in codes:
            link = hrefs.get(code)
            if not isinstance(link, str):
                self._lost(
                    path, f"links no file of dapil {code}", f"tidak menautkan berkas dapil {code}"
                )
                continue
            was = self.dapil_linked.setdefault(link, code)
            if was != code:
                en = f"is linked as the file of dapil {was} and of {code}"
                self._lost(link, en, f"ditautkan sebagai berkas dapil {was} dan {code}")
                continue
            dapil = self._json(link)  # None: absent, or compared already
            if dapil is not None:
                self.check.dapil_files += 1
                self._dapil(link, dapil, code)
        for code in sorted(set(hrefs) - set(codes)):
            self._lost(
                path,
                f"links dapil {code}, not one within {unit}",
                f"menautkan dapil {code}, bukan dapil dalam {unit}",
            )

    def _dapil(self, path: str, doc: dict[str, Any], code: str) -> None:
        count, seats = self.count, self.seats
        district = self.districts[code]
        totals = self.dapil_totals(code)
        if self.contest in PARTY_CONTESTS:
            candidates = [
                {"party": p, "number": n, "name": name,
                 "votes": totals["partai"][p]["suara_caleg"][str(n)]}
                for p, n, name in district.names
            ]  # fmt: skip
        else:
            candidates = [
                {"party": "", "number": n, "name": name, "votes": totals["suara_calon"][str(n)]}
                for _, n, name in district.names
            ]
        status = seats["dapil_status"][code]
        votes = {
            "format": DAPIL_FORMAT,
            "contest": self.contest,
            "dapil": {
                "code": code,
                "name": district.name,
                "seats": count.seat_count[code],
                "units": list(district.units),
            },
            "totals": totals,
            "candidates": _candidates(candidates),
            "progress": count.dapil_progress(code),
            "counters": count.dapil_counters(code),
        }
        theirs = {k: doc.get(k) for k in votes}
        theirs["candidates"] = _candidates(theirs["candidates"])
        self._add(totals_differences(path, self.contest, None, code, theirs, votes))
        threshold = {k: v for k, v in seats["threshold"].items() if k != "valid_votes"}
        ours = {
            "threshold": threshold,
            "dapil": {code: seats["dapil"][code]},
            "elected": self._pick("elected", [code]),
            "unfilled": self._pick("unfilled", [code]),
            "ties": self._pick("ties", [code]),
            "dapil_status": {
                code: {"provisional": status["provisional"], "reasons": status["reasons"]}
            },
        }
        published = {
            "threshold": doc.get("threshold"),
            "dapil": {code: doc.get("seats")},
            "elected": doc.get("elected"),
            "unfilled": doc.get("unfilled"),
            "ties": doc.get("ties"),
            "dapil_status": {
                code: {"provisional": doc.get("provisional"), "reasons": doc.get("reasons")}
            },
        }
        self._add(seat_differences(path, self.contest, published, ours))

    # -- the CSV exports ---------------------------------------------------------

    def exports(self, links: Any, stamp: tuple[str, str]) -> None:
        """Each CSV ``legislative.<contest>.exports.csv`` links, at the exports'
        generation (``stamp``: its tree size and root)."""
        where = f"latest.json legislative.{self.contest}.exports.csv"
        paths = links.get("csv") if isinstance(links, dict) else None
        if not isinstance(paths, dict):
            self._lost(where, "links no CSV", "tidak menautkan CSV")
            return
        made = ContestCsv(self, stamp)
        names = [*LEVELS, "tps", "dapil", "votes"]
        names += ["candidates"] if self.contest in PARTY_CONTESTS else []
        for name in names:
            path = paths.get(name)
            if not isinstance(path, str):
                self._lost(where, f"links no {name} file", f"tidak menautkan berkas {name}")
                continue
            expected = made.expected(name)
            data = self.check.results.read(path)
            self.check.exports += 1
            if data is None or expected is None:
                self._lost(path, "the export is linked but not published",
                           "ekspor ditautkan tetapi tidak dipublikasikan")  # fmt: skip
                continue
            party = self.contest in PARTY_CONTESTS
            for key, column, published, recomputed in compare_rows(name, data, expected, party):
                self._add([self._cell(path, name, key, column, (published, recomputed))])
        for name in sorted(set(paths) - set(names)):
            self._lost(where, f"links {name}, not an export of {self.contest}",
                       f"menautkan {name}, bukan ekspor {self.contest}")  # fmt: skip
        anomalies = links.get("anomalies")
        if isinstance(anomalies, str):  # none in a publication written before
            self._anomalies(anomalies, stamp)
        nist = links.get("nist")
        if isinstance(nist, str):
            self._nist(nist)
        else:
            self._lost(where.removesuffix(".csv"), "links no NIST report",
                       "tidak menautkan laporan NIST")  # fmt: skip

    def _anomalies(self, path: str, stamp: tuple[str, str]) -> None:
        """The contest's anomalies export: its items by kind and what each is of (a TPS,
        its flags, a copy's or correction's entry, a D.Hasil's region and dapil), and
        each differing D.Hasil's differences, against the verifier's findings."""
        doc = self._json(path)
        self.check.exports += 1
        if doc is None:
            return
        items = doc.get("anomalies")
        listed = items if isinstance(items, list) else []
        found = self.findings
        head = {"format": doc.get("format"), "contest": doc.get("contest"),
                "tree_size": (doc.get("checkpoint") or {}).get("tree_size")}  # fmt: skip
        mine = {"format": ANOMALIES_FORMAT, "contest": self.contest, "tree_size": int(stamp[0])}
        self._add(totals_differences(path, self.contest, NATION, None, head, mine))
        theirs = {k: sorted(i for t, i in map(_identity, listed) if t == k) for k in ANOMALY_TYPES}
        ours = {k: sorted(i for t, i in found.items if t == k) for k in ANOMALY_TYPES}
        if not isinstance(items, list):
            theirs = {"anomalies": items}  # type: ignore[dict-item]
            ours = {"anomalies": "a list"}  # type: ignore[dict-item]
        self._add(totals_differences(path, self.contest, NATION, None, theirs, ours))
        recaps = [i for i in listed if isinstance(i, dict) and i.get("type") == "recap-difference"]
        published = {f"{i.get('region')}:{i.get('dapil')}": i.get("differences") for i in recaps}
        expected = {f"{r}:{d}": c["differences"] for (r, d), c in found.differing.items()}
        both = sorted(published.keys() & expected.keys())
        self._add(totals_differences(path, self.contest, NATION, None,
                                     {k: published[k] for k in both},
                                     {k: expected[k] for k in both}))  # fmt: skip

    def _nist(self, path: str) -> None:
        doc = self._json(path)
        self.check.exports += 1
        if doc is None:
            return
        try:
            numbers = list(ContestNist(self).numbers(doc))
        except (AttributeError, TypeError, KeyError) as exc:
            self._lost(path, f"is not an ElectionReport ({exc.__class__.__name__})",
                       f"bukan ElectionReport ({exc.__class__.__name__})")  # fmt: skip
            return
        for region, dapil, party, candidate, name, published, recomputed in numbers:
            if published == recomputed and type(published) is type(recomputed):
                continue
            found = next(totals_differences(path, self.contest, region, dapil, {name: published},
                                       {name: recomputed}))  # fmt: skip
            found.details.update(party=party, candidate=candidate)
            self._add([found])

    def _cell(
        self, path: str, name: str, key: tuple[str, ...], column: str, both: tuple[Any, Any]
    ) -> Finding:
        """One differing cell (or row, or header) of export ``name``."""
        region = key[0] if key and (name in LEVELS or name == "tps") else None
        dapil = key[0] if key and region is None else None
        found = next(totals_differences(path, self.contest, region, dapil, {column: both[0]},
                                        {column: both[1]}))  # fmt: skip
        if name == "votes" and len(key) == 2:  # the row names them, not the column
            party = key[1] if self.contest in PARTY_CONTESTS else None
            candidate = None if self.contest in PARTY_CONTESTS else key[1]
            found.details.update(party=party, candidate=candidate)
        elif name == "candidates" and len(key) == 3:
            found.details.update(party=key[1], candidate=key[2])
        if region is None and dapil is None:
            found.details["dapil"] = None
        return found

    # -- the summary -------------------------------------------------------------

    def summary(self, path: str, listed: Any) -> None:
        """The summary's object of this contest: national numbers and seats."""
        if not isinstance(listed, dict):
            self._lost(
                path,
                f"does not list contest {self.contest}",
                f"tidak memuat pemilihan {self.contest}",
            )
            return
        seats = self.seats
        ours = {
            "contest": self.contest,
            "name": self.name,
            "form": self.form,
            **self._numbers(NATION),
        }
        if "anomalies" in listed or "flags" in listed:  # none in a summary written before
            nation = self.findings.region(NATION)
            ours["flags"], ours["anomalies"] = nation["flags"], nation["anomalies"]
        # its links must be latest.json's (whose files are compared)
        ours["href"], ours["seats_href"] = self.links.get("snapshot"), self.links.get("seats")
        theirs = {k: listed.get(k) for k in ours}
        self._add(totals_differences(path, self.contest, NATION, None, theirs, ours))
        mine = {
            "seats": sum(self.count.seat_count.values()),
            "parties": seats["parties"],
            "provisional": seats["provisional"],
        }
        published = {k: listed.get(k) for k in mine}
        self._add(seat_differences(path, self.contest, published, mine))


def compare(check: ResultsCheck, fold: Fold) -> None:
    """Every legislative contest ``latest.json`` lists (docs/verify.md)."""
    listed = check.latest.get("legislative")
    if not isinstance(listed, dict) or fold.contests_file is None:
        return
    summary = check.summary_doc.get("legislative") if check.summary_doc is not None else None
    in_summary = (
        {c.get("contest"): c for c in summary if isinstance(c, dict)}
        if isinstance(summary, list)
        else {}
    )
    for contest in fold.legislative:
        if contest not in listed:
            check.found.append(
                _missing(
                    f"latest.json legislative.{contest}", "not published", "tidak dipublikasikan"
                )
            )
    later = exports_due(check.latest).get(fold.size, [])  # compared next, with these sums
    for contest, links in sorted(listed.items()):
        seats = links.get("seats") if isinstance(links, dict) else None
        if contest not in fold.legislative or not isinstance(seats, str):
            check.found.append(_not_legislative(contest))
            continue
        files = contest_files(check, fold, contest, links)
        files.run()
        if check.summary_doc is not None:
            files.summary(str(check.latest.get("summary")), in_summary.get(contest))
        if contest not in later:
            check.legislative_counts.pop((contest, fold.size), None)


def contest_files(check: ResultsCheck, fold: Fold, contest: str, links: Any) -> ContestFiles:
    """One contest's :class:`ContestFiles` at the fold's size, made once (the snapshots
    and the exports of one generation share its sums)."""
    key = (contest, fold.size)
    found = check.legislative_counts.get(key)
    if not isinstance(found, ContestFiles):
        found = check.legislative_counts[key] = ContestFiles(check, fold, contest, links)
    return found


def exports_due(latest: dict[str, Any]) -> dict[int, list[str]]:
    """The legislative contests whose exports ``latest.json`` links, by the exports'
    generation (``legislative.<contest>.exports.tree_size``)."""
    listed = latest.get("legislative")
    due: dict[int, list[str]] = {}
    for contest, links in sorted(listed.items() if isinstance(listed, dict) else ()):
        exports = links.get("exports") if isinstance(links, dict) else None
        size = exports.get("tree_size") if isinstance(exports, dict) else None
        if type(size) is int and size > 0:
            due.setdefault(size, []).append(contest)
    return due


def compare_exports(
    check: ResultsCheck, fold: Fold, contests: list[str], stamp: tuple[str, str]
) -> None:
    """The CSV exports of ``contests`` at their generation (the fold's size)."""
    if fold.contests_file is None:
        return
    for contest in contests:
        if contest not in fold.legislative:
            continue  # compare() names it
        links = check.latest["legislative"][contest]
        contest_files(check, fold, contest, links).exports(links["exports"], stamp)
        check.legislative_counts.pop((contest, fold.size), None)  # its sums: freed


def _not_legislative(contest: str) -> Finding:
    return finding(
        Kind.TOTALS,
        "verify.results-missing",
        f"latest.json legislative.{contest}: not a legislative contest of this election with "
        "a seats file",
        f"latest.json legislative.{contest}: bukan pemilihan legislatif pemilu ini dengan "
        "berkas kursi",
        file="latest.json",
    )


__all__ = ["ContestFiles", "compare", "compare_exports", "contest_files", "exports_due"]
