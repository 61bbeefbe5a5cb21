"""The legislative contests' tally and seats, the verifier's own (docs/recap.md, "The
legislative contests" and "Seats from the log"; docs/seats.md).

Written from those pages, not from :mod:`saksi.recap`. :class:`ContestCount` sums one
contest's :class:`~saksi.verify.legislative.Chains` when asked (nothing is summed while
entries are folded, as for PPWP's :class:`~saksi.verify.tally.View`): each TPS's
status, its **dapil vector** into its dapil and its **region vector** into the five
regions above it, progress over the TPS expected (those of the region file that vote in
the contest and lie in exactly one of its dapil), then the seats: the threshold over
the national B, Sainte-Laguë per dapil, the open lists, DPD's four, provisional per
dapil with its reasons, the ties. :meth:`ContestCount.seats_json` has the shape of
``saksi recap --json``'s ``legislative`` object of the contest.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any, Final, cast

from saksi.verify.contests import PARTY_CONTESTS, Ballot, Contests, PartyBallot, votes_in
from saksi.verify.legislative import NONE, Chains, unpack
from saksi.verify.regions import NATION, Regions, ancestors
from saksi.verify.rules import share_jump
from saksi.verify.schema import BEFORE_PAIRS
from saksi.verify.seats import Tie, passes, sainte_lague, top
from saksi.verify.tally import COUNTERS, TOTAL_FIELDS

FIRST: Final = len(BEFORE_PAIRS)
"""The vote boxes start after sections I-III's 22 boxes."""
_AT = {name: i for i, name in enumerate(BEFORE_PAIRS)}
REASONS: Final = ("no-tps", "missing", "held", "threshold", "tie")


@dataclass
class Sums:
    """One dapil's or region's numbers: vote boxes (dapil) or each party's A.1 and B
    (region), then the common numbers, ``jumlah_tps`` and the seven counters."""

    votes: list[int]
    common: list[int] = field(default_factory=lambda: [0] * (len(TOTAL_FIELDS) + 1))
    counters: list[int] = field(default_factory=lambda: [0] * len(COUNTERS))


def _lists(ballot: Ballot) -> PartyBallot:
    """A party dapil's ballot (the caller knows it is one)."""
    return cast("PartyBallot", ballot)


def _sum(rows: list[Sums], start: Sums | None = None) -> Sums:
    """``start`` plus every row, column by column."""
    every = rows if start is None else [start, *rows]
    return Sums(
        [sum(col) for col in zip(*(r.votes for r in every), strict=True)],
        [sum(col) for col in zip(*(r.common for r in every), strict=True)],
        [sum(col) for col in zip(*(r.counters for r in every), strict=True)],
    )


@dataclass(frozen=True)
class DapilSeats:
    code: str
    seats: int
    parties: dict[str, int]  # seats per party (or DPD number -> 1)
    elected: list[dict[str, Any]]
    unfilled: list[dict[str, Any]]
    ties: list[Tie]


class ContestCount:
    """One legislative contest summed from its chains (docs/recap.md)."""

    def __init__(self, contest: str, chains: Chains, contests: Contests, regions: Regions) -> None:
        self.contest = contest
        self.chains = chains
        self.districts = contests.districts[contest]
        self.seat_count = contests.seats[contest]
        self.percent = contests.threshold[contest]
        self.party = contest in PARTY_CONTESTS
        ballots = [d.ballot for d in self.districts.values()]
        self.parties: tuple[str, ...] = (
            tuple(sorted({p for b in ballots for p, _ in b}, key=int)) if self.party else ()  # type: ignore[misc]
        )
        self._party_at = {p: i for i, p in enumerate(self.parties)}
        self._expect(contests, regions)
        self.dapil: dict[str, Sums] = {
            code: Sums([0] * self._width(d.ballot)) for code, d in self.districts.items()
        }
        self.region: dict[str, Sums] = {}
        self.status: dict[str, tuple[str, str, bool]] = {}  # TPS -> status, witness, flagged
        self._last_tps: tuple[str, Sums] | None = None
        self._sum_all()

    def _expect(self, contests: Contests, regions: Regions) -> None:
        """The TPS expected, per desa (a dapil's units are prefixes of a desa code, so
        all of a desa's TPS lie in the same dapil)."""
        contest = self.contest
        self.expected_dapil = dict.fromkeys(self.districts, 0)
        self.expected: dict[str, int] = {}
        self.dapil_of: dict[str, str] = {}  # desa -> its dapil
        for desa in regions.codes(10):
            if not votes_in(contest, desa):
                continue
            found = contests.districts_of(contest, desa)
            if len(found) != 1:
                continue
            n = regions.tps_count(desa)
            self.dapil_of[desa] = found[0].code
            self.expected_dapil[found[0].code] += n
            for code in (*ancestors(desa), desa):
                self.expected[code] = self.expected.get(code, 0) + n

    def _sum_all(self) -> None:
        """Every TPS's status, then the sums a dapil at a time: the packed values of its
        counted forms joined and summed column by column (a vector is a fixed choice of
        a form's boxes, so the sum of the vectors is the vector of the sums), the same
        per desa, then the desa rolled up the region tree."""
        chains = self.chains
        groups: dict[str | None, list[str]] = {}
        for tps in chains.slot_of:
            groups.setdefault(self.dapil_of.get(tps[:10]), []).append(tps)
        zero = [0] * len(COUNTERS)
        for dapil, codes in groups.items():
            states = [(tps, self._state(tps)) for tps in sorted(codes)]
            if dapil is None:  # never: the authorization places every form in a dapil
                continue
            packed: list[bytes] = []
            counters = list(zero)
            desa: dict[str, tuple[list[bytes], list[int]]] = {}
            for tps, found in states:
                if found is None:
                    continue
                mine = desa.setdefault(tps[:10], ([], list(zero)))
                for i, x in enumerate(found):
                    counters[i] += x
                    mine[1][i] += x
                if found[1]:  # counted
                    values = chains.values[chains.slot_of[tps]]
                    packed.append(values)
                    mine[0].append(values)
            if not desa:
                continue
            whole = self._sums(dapil, packed, counters)[0]
            assert whole is not None
            self.dapil[dapil] = whole
            for code, (rows, counts) in desa.items():
                self.region[code] = self._sums(dapil, rows, counts, full=False)[1]
        self._roll_up()

    def _roll_up(self) -> None:
        """The desa's region vectors summed up the region tree a level at a time: each
        kecamatan the sum of its desa, each kab/kota of its kecamatan, each province of
        its kab/kota, the nation of the provinces (each sum one pass over its rows)."""
        below = [code for code in self.region if len(code) == 10]
        for cut in (6, 4, 2, 0):
            rows: dict[str, list[Sums]] = {}
            for code in below:
                rows.setdefault(code[:cut] if cut else NATION, []).append(self.region[code])
            for up, found in rows.items():
                self.region[up] = _sum(found)
            below = list(rows)

    @staticmethod
    def _width(ballot: Any) -> int:
        if ballot and isinstance(ballot[0], tuple):
            return sum(len(numbers) + 2 for _, numbers in ballot)
        return len(ballot)

    # -- one TPS ---------------------------------------------------------------

    def _state(self, tps: str) -> list[int] | None:
        """A TPS's status (kept in :attr:`status`) and its seven counters (None: no form
        in force, a TPS with only witness copies)."""
        c = self.chains
        slot = c.slot_of[tps]
        if c.current[slot] == NONE:
            self.status[tps] = ("missing", "none", False)
            return None
        counted = not c.impossible[slot]
        corrected = slot in c.corrections
        status = "corrected" if corrected and counted else "received" if counted else "inconsistent"
        copies = c.copies.get(slot, ())
        witness = "none"
        if copies:
            witness = "dispute" if any(v != c.values[slot] for *_, v in copies) else "agree"
        flagged = counted and (bool(c.suspicious[slot]) or self.jumped(tps))
        self.status[tps] = (status, witness, flagged)
        return [
            1,
            int(counted),
            int(not counted),
            int(corrected),
            int(witness == "agree"),
            int(witness == "dispute"),
            int(flagged),
        ]

    def jumped(self, tps: str) -> bool:
        """Whether the TPS's form in force, a correction, raises ``share-jump`` against
        its first form (docs/recap.md, "Screening")."""
        c = self.chains
        slot = c.slot_of[tps]
        first = c.first_values.get(slot)
        dapil = self.dapil_of.get(tps[:10])
        if first is None or dapil is None or c.current[slot] == c.original[slot]:
            return False
        ballot = self.districts[dapil].ballot
        parties = _lists(ballot) if self.party else None
        return share_jump(tuple(unpack(first)), tuple(unpack(c.values[slot])), parties, len(ballot))

    def _sums(
        self, dapil: str, packed: list[bytes], counters: list[int], full: bool = True
    ) -> tuple[Sums | None, Sums]:
        """The dapil vector (``full``; else None) and the region vector of the counted
        forms ``packed`` of ``dapil`` (summed), with ``counters``: only the columns they
        take are summed."""
        ballot = self.districts[dapil].ballot
        width = self._width(ballot)
        row = FIRST + width + 3
        values = array("H")
        values.frombytes(b"".join(packed))

        def col(i: int) -> int:
            return sum(values[i::row])

        end = FIRST + width
        common = [
            col(end),
            col(end + 1),
            col(end + 2),
            col(_AT["pengguna_total_j"]),
            col(_AT["pemilih_dpt_j"]),
            len(packed),
        ]
        party_votes = [0] * (2 * len(self.parties))
        if self.party:
            at = FIRST
            for p, numbers in _lists(ballot):
                i = self._party_at[p]
                party_votes[2 * i] = col(at)
                party_votes[2 * i + 1] = col(at + len(numbers) + 1)
                at += len(numbers) + 2
        region = Sums(party_votes, list(common), list(counters))
        if not full:
            return None, region
        votes = [col(i) for i in range(FIRST, end)]
        return Sums(votes, common, list(counters)), region

    def _tps(self, tps: str) -> tuple[Sums | None, Sums] | None:
        """A TPS's own dapil and region vectors (None: no form in force)."""
        counters = self._state(tps)
        dapil = self.dapil_of.get(tps[:10])
        if counters is None or dapil is None:
            return None
        values = self.chains.values[self.chains.slot_of[tps]]
        return self._sums(dapil, [values] if counters[1] else [], counters, full=False)

    # -- reading ---------------------------------------------------------------

    def _common(self, sums: Sums) -> dict[str, int]:
        return dict(zip((*TOTAL_FIELDS, "jumlah_tps"), sums.common, strict=True))

    def _vector(self, code: str) -> Sums:
        found = self.region.get(code)
        if found is None and len(code) == 13 and code in self.chains.slot_of:
            last = self._last_tps
            if last is not None and last[0] == code:
                return last[1]  # a TPS's totals, then its counters: summed once
            pair = self._tps(code)
            found = pair[1] if pair is not None else None
            if found is not None:
                self._last_tps = (code, found)
        return found or Sums([0] * (2 * len(self.parties)))

    def totals(self, code: str) -> dict[str, Any]:
        """A region's (or TPS's) totals: docs/recap.md's ``RegionTotals.to_dict()``."""
        sums = self._vector(code)
        out: dict[str, Any] = {}
        if self.party:
            out["partai"] = {
                p: {"suara_partai": sums.votes[2 * i], "suara_sah_partai": sums.votes[2 * i + 1]}
                for i, p in enumerate(self.parties)
            }
        return {**out, **self._common(sums)}

    def dapil_totals(self, code: str) -> dict[str, Any]:
        """A dapil's totals, in the shape of a legislative D.Hasil's ``totals``."""
        sums = self.dapil[code]
        ballot = self.districts[code].ballot
        out: dict[str, Any] = {}
        if self.party:
            partai: dict[str, Any] = {}
            at = 0
            for p, numbers in _lists(ballot):
                v = sums.votes
                partai[p] = {
                    "suara_partai": v[at],
                    "suara_caleg": {str(n): v[at + 1 + k] for k, n in enumerate(numbers)},
                    "suara_sah_partai": v[at + 1 + len(numbers)],
                }
                at += len(numbers) + 2
            out["partai"] = partai
        else:
            out["suara_calon"] = {str(n): sums.votes[k] for k, n in enumerate(ballot)}
        return {**out, **self._common(sums)}

    def counters(self, code: str) -> dict[str, int]:
        return dict(zip(COUNTERS, self._vector(code).counters, strict=True))

    def dapil_counters(self, code: str) -> dict[str, int]:
        return dict(zip(COUNTERS, self.dapil[code].counters, strict=True))

    @staticmethod
    def _progress(expected: int, counters: dict[str, int]) -> dict[str, Any]:
        received = counters["received"]
        return {
            "expected": expected,
            "received": received,
            "counted": counters["counted"],
            "percent": round(100 * received / expected, 2) if expected else 0.0,
        }

    def progress(self, code: str = NATION) -> dict[str, Any]:
        return self._progress(self.expected.get(code, 0), self.counters(code))

    def dapil_progress(self, code: str) -> dict[str, Any]:
        return self._progress(self.expected_dapil[code], self.dapil_counters(code))

    def regions(self) -> list[str]:
        """Every region with a form in force below it, in code order."""
        return sorted(self.region)

    # -- seats -----------------------------------------------------------------

    def _dapil_seats(self, code: str, passing: set[str]) -> DapilSeats:
        seats = self.seat_count[code]
        totals = self.dapil_totals(code)
        elected: list[dict[str, Any]] = []
        unfilled: list[dict[str, Any]] = []
        if not self.party:
            calon = {int(n): v for n, v in totals["suara_calon"].items()}
            chosen, tie = top(calon, seats, "dpd", code)
            won = {str(n): 1 for n, _ in sorted(chosen)}
            elected = [{"dapil": code, "party": "", "number": n, "votes": v} for n, v in chosen]
            return DapilSeats(code, seats, won, elected, [], [tie] if tie else [])
        partai = totals["partai"]
        votes = {p: partai[p]["suara_sah_partai"] for p in partai if p in passing}
        won, party_tie = sainte_lague(votes, seats, code)
        ties = [party_tie] if party_tie else []
        for p in partai:  # ballot order
            k = won.get(p, 0)
            if not k:
                continue
            caleg = {int(n): v for n, v in partai[p]["suara_caleg"].items()}
            chosen, tie = top(caleg, k, "candidate", code, p)
            elected += [{"dapil": code, "party": p, "number": n, "votes": v} for n, v in chosen]
            unfilled += [{"dapil": code, "party": p, "number": 0, "votes": 0}] * (k - len(chosen))
            if tie:
                ties.append(tie)
        ordered = {p: won[p] for p in partai if won.get(p)}
        return DapilSeats(code, seats, ordered, elected, unfilled, ties)

    def seats_json(self, checkpoint: dict[str, Any], name: str) -> dict[str, Any]:
        """The contest's seats, in the shape of ``saksi recap --json``'s object."""
        nation = self.progress()
        if self.party:
            national = [self.totals(NATION)["partai"][p]["suara_sah_partai"] for p in self.parties]
            total = sum(national)
            passing = [
                p for p, v in zip(self.parties, national, strict=True)
                if passes(v, total, self.percent)
            ]  # fmt: skip
        else:
            total = sum(sum(self.dapil[code].votes) for code in self.districts)
            passing = []
        has_threshold = self.percent is not None
        threshold_open = has_threshold and nation["counted"] < nation["expected"]
        per_dapil = [self._dapil_seats(code, set(passing)) for code in sorted(self.districts)]
        parties: dict[str, int] = {}
        for d in per_dapil:
            for p, k in d.parties.items():
                parties[p] = parties.get(p, 0) + k
        status: dict[str, Any] = {}
        tie_dapil = {d.code for d in per_dapil if d.ties}
        for code in self.districts:
            progress = self.dapil_progress(code)
            expected, received, counted = (
                progress["expected"], progress["received"], progress["counted"],
            )  # fmt: skip
            reasons = [
                r
                for r, why in zip(
                    REASONS,
                    (
                        expected == 0,
                        received < expected,
                        counted < received,
                        threshold_open,
                        code in tie_dapil,
                    ),
                    strict=True,
                )
                if why
            ]
            status[code] = {
                "seats": self.seat_count[code], "expected": expected, "received": received,
                "counted": counted, "missing": expected - received, "held": received - counted,
                "provisional": bool(reasons), "reasons": reasons,
            }  # fmt: skip
        return {
            "contest": self.contest,
            "threshold": {
                "percent": self.percent,
                "valid_votes": total,
                "passing": passing,
                "provisional": threshold_open,
            },
            "parties": {p: parties[p] for p in self.parties if parties.get(p)},
            "dapil": {d.code: d.parties for d in per_dapil},
            "elected": [e for d in per_dapil for e in d.elected],
            "unfilled": [u for d in per_dapil for u in d.unfilled],
            "ties": [t.to_json() for d in per_dapil for t in d.ties],
            "checkpoint": checkpoint,
            "provisional": threshold_open or any(s["provisional"] for s in status.values()),
            "progress": nation,
            "dapil_status": status,
            "name": name,
        }


__all__ = ["REASONS", "ContestCount"]
