"""The legislative contests' part of the authorization state (docs/format.md, "The
authorization algorithm, added"), kept compact, written from the docs.

Per legislative contest, :class:`Chains` keeps what authorization reads: every TPS's
chain of forms (its ``c-hasil`` and corrections: which is in force, each one's leaf
hash, its values packed as 16-bit numbers, whether it breaks an impossible or only a
suspicious rule; once corrected, its c-hasil's values, from which a correction's
``share-jump`` is measured), its witness copies by key (with their values), and the D.Hasil per
region and dapil (with their numbers): what :mod:`saksi.verify.legislative_tally` sums and
:mod:`saksi.verify.legislative_reconcile` compares.
:func:`ballot_refusal` compares a form's parties and candidates with its dapil's.
"""

from __future__ import annotations

from array import array
from typing import Any, Final

from saksi.verify.contests import Ballot

NONE: Final = -1
Refused = tuple[str, str, str]


class Chains:
    """Every TPS of one legislative contest with anything logged, in columns."""

    def __init__(self, contest: str) -> None:
        self.contest = contest
        self.slot_of: dict[str, int] = {}
        self.codes: list[str] = []
        self.original = array("q")  # the c-hasil's entry (NONE: none yet)
        self.current = array("q")  # the form in force's entry
        self.head_leaf = bytearray()  # 32 bytes per slot: the form in force's leaf hash
        self.first_leaf: dict[int, bytes] = {}  # slot -> the c-hasil's leaf, once replaced
        self.replaced: dict[int, bytes] = {}  # entry -> leaf hash of a form no longer in force
        self.corrections: dict[int, list[int]] = {}
        self.copies: dict[int, list[tuple[int, str, bytes, bytes]]] = {}
        """slot -> (entry, key, leaf, values packed) of each witness copy"""
        self.values: list[bytes] = []  # the form in force's values, packed (b"": none)
        self.impossible = bytearray()  # the form in force breaks an impossible rule
        self.suspicious = bytearray()  # ... only suspicious ones (flagged when counted)
        self.first_values: dict[int, bytes] = {}  # slot -> its c-hasil's values, once corrected
        self.recaps: dict[tuple[str, str], tuple[int, bytes]] = {}  # (region, dapil) -> entry
        self.recap_values: dict[tuple[str, str], tuple[str, str, str, tuple[int, ...]]] = {}
        """(region, dapil) -> the D.Hasil's level, key, time and numbers (its dapil's
        vote boxes, then the six totals): what the reconciliation compares"""

    def slot(self, tps: str) -> int | None:
        return self.slot_of.get(tps)

    def _new_slot(self, tps: str) -> int:
        slot = len(self.codes)
        self.slot_of[tps] = slot
        self.codes.append(tps)
        self.original.append(NONE)
        self.current.append(NONE)
        self.head_leaf += bytes(32)
        self.values.append(b"")
        self.impossible.append(0)
        self.suspicious.append(0)
        return slot

    def form(  # noqa: PLR0917
        self,
        tps: str,
        index: int,
        leaf: bytes,
        correction: bool,
        values: tuple[int, ...] = (),
        rules: tuple[str, ...] = (),
        impossible: bool = False,
    ) -> None:
        """A c-hasil or a correction (authorized) becomes the form in force."""
        slot = self.slot_of.get(tps)
        if slot is None:
            slot = self._new_slot(tps)
        if correction:
            old = self.current[slot]
            self.first_values.setdefault(slot, self.values[slot])  # the c-hasil's
            self.replaced[old] = bytes(self.head_leaf[32 * slot : 32 * slot + 32])
            if old == self.original[slot]:
                self.first_leaf[slot] = self.replaced[old]
            self.corrections.setdefault(slot, []).append(index)
        else:
            self.original[slot] = index
        self.current[slot] = index
        self.head_leaf[32 * slot : 32 * slot + 32] = leaf
        self.values[slot] = pack(values)
        self.impossible[slot] = impossible
        self.suspicious[slot] = bool(rules) and not impossible

    def copy(
        self, tps: str, index: int, key: str, leaf: bytes, values: tuple[int, ...] = ()
    ) -> None:
        slot = self.slot_of.get(tps)
        if slot is None:
            slot = self._new_slot(tps)
        self.copies.setdefault(slot, []).append((index, key, leaf, pack(values)))

    def original_leaf(self, slot: int) -> bytes:
        found = self.first_leaf.get(slot)
        return found if found is not None else bytes(self.head_leaf[32 * slot : 32 * slot + 32])

    def leaf_of(self, slot: int, index: int) -> bytes | None:
        """The leaf hash of form ``index`` of this TPS (in force or replaced), or None
        if ``index`` is no form of it."""
        if self.current[slot] == index:
            return bytes(self.head_leaf[32 * slot : 32 * slot + 32])
        if index == self.original[slot] or index in self.corrections.get(slot, ()):
            return self.replaced.get(index)
        return None

    # -- the saved fold (saksi.verify.layout) --------------------------------------

    def columns(self) -> list[tuple[str, Any]]:
        return [
            ("codes", "\n".join(self.codes)),
            ("original", self.original),
            ("current", self.current),
            ("head_leaf", bytes(self.head_leaf)),
            ("first_leaf", self.first_leaf),
            ("replaced", self.replaced),
            ("corrections", self.corrections),
            ("copies", self.copies),
            ("recaps", self.recaps),
            ("values", self.values),
            ("impossible", bytes(self.impossible)),
            ("suspicious", bytes(self.suspicious)),
            ("first_values", self.first_values),
            ("recap_values", self.recap_values),
        ]

    def restore(self, column: dict[str, Any]) -> None:
        text = column["codes"]
        self.codes = text.split("\n") if text else []
        self.slot_of = {c: i for i, c in enumerate(self.codes)}
        self.original = column["original"]
        self.current = column["current"]
        self.head_leaf = bytearray(column["head_leaf"])
        self.first_leaf = column["first_leaf"]
        self.replaced = column["replaced"]
        self.corrections = column["corrections"]
        self.copies = column["copies"]
        self.recaps = column["recaps"]
        self.values = column["values"]
        self.impossible = bytearray(column["impossible"])
        self.suspicious = bytearray(column["suspicious"])
        self.first_values = column["first_values"]
        self.recap_values = column["recap_values"]
        n = len(self.codes)
        sizes = {len(self.original), len(self.current), len(self.values), len(self.impossible)}
        if sizes != {n} or len(self.suspicious) != n or len(self.head_leaf) != 32 * n:
            raise ValueError(f"the columns of {self.contest} do not agree")
        if self.recap_values.keys() != self.recaps.keys():
            raise ValueError(f"the columns of {self.contest} do not agree")


def pack(values: tuple[int, ...]) -> bytes:
    """A form's values (each 0..999: the schema's bound) as 16-bit numbers."""
    return array("H", values).tobytes()


def unpack(data: bytes) -> array[int]:
    out = array("H")
    out.frombytes(data)
    return out


def ballot_refusal(want: Ballot, got: Ballot, contest: str, district: str) -> Refused | None:
    """docs/format.md: a form's parties must be exactly its dapil's
    (``contest.parties-mismatch``), then each party's candidates, or a DPD form's
    (``contest.candidates-mismatch``). Both ballots are of the contest's kind and never
    empty (the schema and the contests file see to it)."""
    if want == got:
        return None
    if isinstance(want[0], tuple):
        wanted: list[tuple[str, tuple[int, ...]]] = list(want)
        found: list[tuple[str, tuple[int, ...]]] = list(got)  # type: ignore[arg-type]
        if [p for p, _ in wanted] != [p for p, _ in found]:
            return (
                "contest.parties-mismatch",
                f"the parties {[p for p, _ in found]} are not dapil {district}'s ({contest}): "
                f"{[p for p, _ in wanted]}",
                f"partai {[p for p, _ in found]} bukan partai dapil {district} ({contest}): "
                f"{[p for p, _ in wanted]}",
            )
        party, expected, numbers = next(
            (p, list(w), list(g)) for (p, w), (_, g) in zip(wanted, found, strict=True) if w != g
        )
        return (
            "contest.candidates-mismatch",
            f"party {party}'s candidates {numbers} are not dapil {district}'s {expected}",
            f"calon partai {party} {numbers} bukan calon dapil {district} {expected}",
        )
    return (
        "contest.candidates-mismatch",
        f"the candidates {list(got)} are not dapil {district}'s ({contest}): {list(want)}",
        f"calon {list(got)} bukan calon dapil {district} ({contest}): {list(want)}",
    )


__all__ = ["NONE", "Chains", "ballot_refusal", "pack", "unpack"]
