"""Published legislative numbers against the verifier's own (docs/verify.md, "The
legislative contests").

:func:`seat_differences` compares a published seats object of one contest (the shape
of ``saksi recap --json``'s ``legislative`` object, docs/recap.md "The JSON shape") with
the verifier's (:meth:`~saksi.verify.legislative_tally.ContestCount.seats_json`): each
difference is one finding ``verify.seats-differ`` naming the contest, the dapil, the
party or candidate, what differs, and both numbers. :func:`totals_differences` does the
same for a region's or a dapil's totals (``verify.totals-differ``, as PPWP's). The
ties' wording (``rule_en``, ``rule_id``) is not compared: each implementation words
the rule; the tie itself (contenders, value, seats, winners) is.
"""

from __future__ import annotations

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


def totals_differences(  # noqa: PLR0917
    path: str, contest: str, region: str | None, dapil: str | None, theirs: Any, ours: Any
) -> list[Finding]:
    """A legislative region's (``region``) or dapil's (``dapil``) totals, progress or
    counters against the verifier's: ``verify.totals-differ`` per differing number."""
    out = []
    for name, published, recomputed in differences(theirs, ours):
        where = f"region {region}" if region is not None else f"dapil {dapil}"
        tempat = f"wilayah {region}" if region is not None else f"dapil {dapil}"
        out.append(
            finding(
                Kind.TOTALS,
                "verify.totals-differ",
                f"{path}: {where}, {contest}, {name}: published {published!r}, "
                f"recomputed from the log {recomputed!r}",
                f"{path}: {tempat}, {contest}, {name}: dipublikasikan {published!r}, "
                f"dihitung ulang dari log {recomputed!r}",
                file=path,
                region=region,
                dapil=dapil,
                contest=contest,
                field=name,
                published=published,
                recomputed=recomputed,
            )
        )
    return out


__all__ = ["seat_differences", "totals_differences"]
