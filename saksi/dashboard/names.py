"""Parties', dapil and candidates' names, from the contests file the results publish.

``latest.json`` names the contests file of a format v2 log (``contests_file``,
docs/recap.md); the legislative pages take every party's, dapil's and candidate's name
from it, made once per file and contest (nationally DPRD Kab/Kota has some 200,000
candidates). Without the file, parties and candidates are shown by their numbers.
"""

from __future__ import annotations

from typing import Final

from saksi.dashboard.common import Context
from saksi.election.codes import NASIONAL
from saksi.election.legislative import Contests


class Names:
    """Parties' and candidates' names from the published contests file (numbers alone
    when it is not published)."""

    def __init__(self, contests: Contests | None, contest: str) -> None:
        self._parties = {p.number: p.name for p in contests.parties} if contests else {}
        self._candidates: dict[tuple[str, str, int], str] = {}
        self._dapil: dict[str, tuple[str, tuple[str, ...]]] = {}
        found = (
            next((c for c in contests.contests if c.kind == contest), None) if contests else None
        )
        for d in found.districts if found else ():
            self._dapil[d.code] = (d.name, d.units)
            for c in d.candidates:
                self._candidates[(d.code, "", c.number)] = c.name
            for plist in d.lists:
                for c in plist.candidates:
                    self._candidates[(d.code, plist.party, c.number)] = c.name

    def party(self, number_: str) -> str:
        name = self._parties.get(number_)
        return f"{number_} · {name}" if name else number_

    def candidate(self, dapil: str, party: str, number_: int) -> str:
        return self._candidates.get((dapil, party, number_), str(number_))

    def dapil_within(self, region: str) -> list[str]:
        """The dapil one of whose units is within ``region`` or holds it, in file order."""
        return [
            code
            for code, (_, units) in self._dapil.items()
            if region == NASIONAL
            or any(u.startswith(region) or region.startswith(u) for u in units)
        ]

    def dapil_name(self, code: str) -> str:
        found = self._dapil.get(code)
        return found[0] if found else code


_NAMES: dict[tuple[int, str], tuple[Contests | None, Names]] = {}
NAMES_KEPT: Final = 16


def names_of(ctx: Context, contest: str) -> Names:
    """The names of ``contest`` from the publication's contests file, made once per file
    (nationally DPRD Kab/Kota has some 200,000 candidates: not a walk per page)."""
    contests = ctx.published.contests(ctx.latest) if ctx.latest else None
    key = (id(contests), contest)
    found = _NAMES.get(key)
    if found is not None and found[0] is contests:
        return found[1]
    names = Names(contests, contest)
    if len(_NAMES) >= NAMES_KEPT:
        _NAMES.clear()
    _NAMES[key] = (contests, names)  # the file kept with it: its id stays its own
    return names


__all__ = ["Names", "names_of"]
