"""Published legislative numbers against the verifier's own (docs/verify.md, "The
legislative contests").

:func:`seat_differences` compares a published seats object of one contest (the shape
of ``saksi recap --json``'s ``legislative`` object, docs/recap.md "The JSON shape") with
the verifier's (:meth:`~saksi.verify.legislative_tally.ContestCount.seats_json`): each
difference is one finding ``verify.seats-differ`` naming the contest, the dapil, the
party or candidate, what differs, and both numbers. :func:`totals_differences` does the
same for a region's, TPS's or dapil's numbers (``verify.totals-differ``, as PPWP's, with
the party and candidate a field names). The
ties' wording (``rule_en``, ``rule_id``) is not compared: each implementation words
the rule; the tie itself (contenders, value, seats, winners) is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from saksi.verify.findings import Finding, Kind, finding
from saksi.verify.totals import differences

Key = tuple[str, str, str, str]
"""(what, dapil, party, candidate): "" where it does not apply."""


def _flat(seats: dict[str, Any]) -> dict[Key, Any]:
    out: dict[Key, Any] = {}
    threshold = seats.get("threshold") or {}
    out["threshold.percent", "", "", ""] = threshold.get("percent")
    out["threshold.valid_votes", "", "", ""] = threshold.get("valid_votes")
    if "seats" in seats:
        out["seats", "", "", ""] = seats["seats"]
    out["threshold.provisional", "", "", ""] = threshold.get("provisional")
    for party in threshold.get("passing") or ():
        out["threshold.passing", "", str(party), ""] = True
    out["provisional", "", "", ""] = seats.get("provisional")
    for name, value in (seats.get("progress") or {}).items():
        out[f"progress.{name}", "", "", ""] = value
    for party, won in (seats.get("parties") or {}).items():
        out["parties", "", str(party), ""] = won
    for dapil, won in (seats.get("dapil") or {}).items():
        for party, n in won.items():
            out["dapil", str(dapil), str(party), ""] = n
    _elected(seats.get("elected") or (), out)
    for u in seats.get("unfilled") or ():
        key: Key = ("unfilled", str(u["dapil"]), str(u["party"]), "")
        out[key] = out.get(key, 0) + 1
    for dapil, status in (seats.get("dapil_status") or {}).items():
        for name, value in status.items():
            out[f"dapil_status.{name}", str(dapil), "", ""] = value
    for t in seats.get("ties") or ():
        contenders = ",".join(map(str, t["contenders"]))
        where = f"ties.{t['kind']}[{contenders}]"
        out[where, str(t["dapil"]), str(t.get("party") or ""), ""] = (
            t["value"], t["seats"], tuple(t["winners"]),
        )  # fmt: skip
    return out


def _elected(elected: Any, out: dict[Key, Any]) -> None:
    """Each elected candidate's votes, and name where the object gives one."""
    for e in elected:
        key = (str(e["dapil"]), str(e["party"]), str(e["number"]))
        out[("elected", *key)] = e["votes"]
        if "name" in e:
            out[("elected.name", *key)] = e["name"]


def seat_differences(path: str, contest: str, theirs: Any, ours: dict[str, Any]) -> list[Finding]:
    """Every difference between the published seats object ``theirs`` and ``ours``."""
    if not isinstance(theirs, dict):
        return [_seats(path, contest, ("seats", "", "", ""), type(theirs).__name__, "an object")]
    try:
        published = _flat(theirs)
    except (AttributeError, KeyError, TypeError) as exc:
        return [_seats(path, contest, ("seats", "", "", ""), exc.__class__.__name__, "readable")]
    recomputed = _flat(ours)
    return [
        _seats(path, contest, key, published.get(key), recomputed.get(key))
        for key in sorted(published.keys() | recomputed.keys())
        if published.get(key) != recomputed.get(key)
    ]


def _seats(path: str, contest: str, key: Key, published: Any, recomputed: Any) -> Finding:
    what, dapil, party, candidate = key
    place = ", ".join(
        x for x in (
            f"dapil {dapil}" if dapil else "", f"party {party}" if party else "",
            f"candidate {candidate}" if candidate else "",
        ) if x
    )  # fmt: skip
    tempat = place.replace("party", "partai").replace("candidate", "calon") if place else "nasional"
    return finding(
        Kind.TOTALS,
        "verify.seats-differ",
        f"{path}: {contest}, {place or 'national'}, {what}: published {published!r}, "
        f"recomputed from the log {recomputed!r}",
        f"{path}: {contest}, {tempat}, {what}: dipublikasikan {published!r}, "
        f"dihitung ulang dari log {recomputed!r}",
        file=path,
        contest=contest,
        dapil=dapil or None,
        party=party or None,
        candidate=candidate or None,
        field=what,
        published=published,
        recomputed=recomputed,
    )


def _where(name: str) -> tuple[str | None, str | None]:
    """The party and candidate a flattened field names (``totals.partai.4.suara_caleg.2``,
    ``totals.suara_calon.3``, ``candidates.4:2.votes``, ``values.suara_caleg_4_2``,
    ``recap_checks.3201.differences.suara_caleg_4_2.recap``), else None."""
    parts = name.split(".")
    party: str | None = None
    candidate: str | None = None
    if "partai" in parts:
        at = parts.index("partai")
        party = parts[at + 1] if at + 1 < len(parts) else None
        caleg = parts[at + 2 : at + 4]
        candidate = caleg[1] if len(caleg) == 2 and caleg[0] == "suara_caleg" else None
    elif "suara_calon" in parts[:-1]:
        candidate = parts[parts.index("suara_calon") + 1]
    elif parts[0] == "candidates" and len(parts) > 1:
        party, _, candidate = parts[1].partition(":")
    else:
        named = "differences" in parts[:-1]  # a D.Hasil check's: differences.<box>.recap
        last = parts[parts.index("differences") + 1] if named else parts[-1]
        for box in ("suara_sah_partai_", "suara_partai_", "suara_caleg_", "suara_calon_"):
            if last.startswith(box):
                rest = last.removeprefix(box)
                if box == "suara_calon_":
                    candidate = rest
                elif box == "suara_caleg_":
                    party, _, candidate = rest.partition("_")
                else:
                    party = rest
                break
    return party or None, candidate or None


def _same(theirs: Any, ours: Any) -> bool:
    """Whether two documents are equal value for value and type for type (``0`` is not
    ``0.0``, ``1`` not ``true``): their JSON texts with sorted keys are the same. Most
    of an honest publication is, and this is far cheaper than flattening both."""
    try:
        return json.dumps(theirs, sort_keys=True) == json.dumps(ours, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        return False


def totals_differences(  # noqa: PLR0917
    path: str, contest: str, region: str | None, dapil: str | None, theirs: Any, ours: Any
) -> Iterator[Finding]:
    """A legislative region's or TPS's (``region``) or dapil's (``dapil``) numbers
    against the verifier's: ``verify.totals-differ`` per differing number, naming the
    party and candidate its field names."""
    if _same(theirs, ours):
        return
    for name, published, recomputed in differences(theirs, ours):
        party, candidate = _where(name)
        place = f"region {region}" if region is not None else f"dapil {dapil}"
        tempat = f"wilayah {region}" if region is not None else f"dapil {dapil}"
        who = ", ".join(
            x for x in (f"party {party}" if party else "",
                        f"candidate {candidate}" if candidate else "") if x
        )  # fmt: skip
        siapa = who.replace("party", "partai").replace("candidate", "calon")
        yield finding(
            Kind.TOTALS,
            "verify.totals-differ",
            f"{path}: {place}, {contest}{', ' + who if who else ''}, {name}: published "
            f"{published!r}, recomputed from the log {recomputed!r}",
            f"{path}: {tempat}, {contest}{', ' + siapa if siapa else ''}, {name}: "
            f"dipublikasikan {published!r}, dihitung ulang dari log {recomputed!r}",
            file=path,
            region=region,
            dapil=dapil,
            contest=contest,
            party=party,
            candidate=candidate,
            field=name,
            published=published,
            recomputed=recomputed,
        )


__all__ = ["seat_differences", "totals_differences"]
