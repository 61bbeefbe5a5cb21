"""A compact encoding of the fold, for keeping it between runs (the verifier does).

A national fold holds 820,000 TPS slots and, in its authorization state, 830,000 key
and 820,000 form records. Pickled object by object, each of them (and a dict of its
state, and its strings) would be held by the pickler's memo until the end: about as
much memory again as the fold itself. Packed, a contest's slots are a few columns
(the TPS codes joined by ``"\\n"``, entry indices as arrays, every form's numbers in one
array, and the few slots with anything else as they are) and the authorization state
is packed the same way (:mod:`saksi.election.authority_state`). A legislative contest's
TPS (:class:`~saksi.recap.legislative.LegislativeTally`) are columns too (codes, the
packed values of the forms in force as one blob, the few TPS with anything else); the
rest of its state (region and dapil vectors, D.Hasil) is in the head.

:func:`parts` yields the fold as a sequence of objects, the small rest first and then
one column at a time, each built only when asked for: :func:`write` pickles them one
by one, clearing the pickler's memo in between, so at most one column is held beside
the fold. :func:`read` is the reverse. Unpacking shares the TPS codes and entry
numbers with the authorization state's records again, as the fold does itself.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, Final, Protocol

from saksi.election import authority_state
from saksi.election.authority import Authority
from saksi.recap.legislative import LegislativeTally
from saksi.recap.state import TpsSlot, pack_values

FORMAT: Final = "saksi-fold/1"
"""The first part's ``format``: what :func:`read` understands."""
END: Final = "end"


class Writable(Protocol):
    """Where :func:`write` writes: a binary file, or anything with its ``write``."""

    def write(self, data: bytes, /) -> int: ...


_NONE: Final = -1
_SEP: Final = "\n"
_OMITTED: Final = ("_may_flag", "_slots", "_authority", "_touched", "_legislative")


def parts(recap: Any) -> Iterator[Any]:
    """The fold ``recap`` (a :class:`~saksi.recap.fold.Recap`) as parts: a head, then
    ``(name, column)`` pairs built one at a time, then :data:`END`."""
    authority, columns = authority_state.pack_lazily(recap.authority.__dict__)
    state = {k: v for k, v in recap.__dict__.items() if k not in _OMITTED}
    tallies = recap._legislative
    for tally in tallies.values():
        tally.settle()  # its regions above the desa summed (bound again, they are anyway)
    yield {
        "format": FORMAT,
        "recap": state,
        "authority": authority,
        "contests": list(recap._slots),
        "touched": _join(sorted(recap._touched)),
        "legislative": {
            contest: {k: getattr(t, k) for k in t.OWN if k not in ("forms", "extra")}
            for contest, t in tallies.items()
        },
    }
    yield from columns
    for contest, slots in recap._slots.items():
        yield from _slot_columns(contest, slots)
    for contest, tally in tallies.items():
        yield from _form_columns(contest, tally.forms, tally.extra)
    yield END


def restore(head: dict[str, Any], columns: dict[str, Any]) -> dict[str, Any]:
    """The fold's ``__dict__`` from the parts :func:`parts` gave (head, and the
    columns by name), without its screening filters (rebuilt by the fold)."""
    if head.get("format") != FORMAT:
        raise ValueError(f"not a fold of format {FORMAT}")
    authority = Authority.__new__(Authority)
    authority.__setstate__({**head["authority"], **columns})
    slots = {c: _unpack_slots(c, columns, authority) for c in head["contests"]}
    touched = head["touched"]
    tallies = {}
    for contest, own in head.get("legislative", {}).items():
        tally = LegislativeTally.__new__(LegislativeTally)  # bound by the fold
        forms, extra = _unpack_forms(contest, columns, authority)
        tally.__dict__.update(own, forms=forms, extra=extra)
        tallies[contest] = tally
    return {
        **head["recap"],
        "_authority": authority,
        "_slots": slots,
        "_touched": set(touched.split(_SEP)) if touched else set(),
        "_legislative": tallies,
    }


def write(recap: Any, handle: Writable) -> None:
    """Pickle ``recap``'s parts into ``handle``, one pickle after the other (each part
    may go once written: no memo holds it)."""
    for part in parts(recap):
        pickle.dump(part, handle, protocol=pickle.HIGHEST_PROTOCOL)


def read(handle: IO[bytes]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The head and the columns :func:`write` wrote (the verifier's own file)."""
    return collect(lambda: pickle.load(handle))


def collect(load: Callable[[], Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The head, then the columns up to :data:`END`, from ``load`` called repeatedly."""
    head = load()
    if not isinstance(head, dict):
        raise ValueError("not a packed fold")
    columns: dict[str, Any] = {}
    while (part := load()) != END:
        name, value = part
        columns[name] = value
    return head, columns


def _join(texts: Sequence[str]) -> str:
    joined = _SEP.join(texts)
    if joined.count(_SEP) != max(len(texts) - 1, 0):
        raise ValueError("a TPS code holds a line break: it cannot be packed")
    return joined


def _slot_columns(contest: str, slots: dict[str, TpsSlot]) -> Iterator[tuple[str, Any]]:
    items = slots.values()
    name = f"slots/{contest}"
    yield f"{name}/count", len(slots)
    yield f"{name}/tps", _join(list(slots))
    yield (
        f"{name}/original",
        array("q", (_NONE if s.original is None else s.original for s in items)),
    )
    yield f"{name}/current", array("q", (_NONE if s.current is None else s.current for s in items))
    yield (
        f"{name}/widths",
        array("i", (_NONE if s.values is None else len(s.values) for s in items)),
    )
    yield f"{name}/values", _concatenated(s.values for s in items if s.values is not None)
    yield (
        f"{name}/rare",
        {
            i: (s.violations, s.flags, tuple(s.corrections), tuple(s.copies))
            for i, s in enumerate(items)
            if s.violations or s.flags or s.corrections or s.copies
        },
    )


def _unpack_slots(
    contest: str, columns: dict[str, Any], authority: Authority
) -> dict[str, TpsSlot]:
    def column(c: str) -> Any:
        return columns[f"slots/{contest}/{c}"]

    count = column("count")
    codes = column("tps").split(_SEP) if count else []
    original, current, widths = column("original"), column("current"), column("widths")
    values, rare = column("values"), column("rare")
    out: dict[str, TpsSlot] = {}
    at = 0
    for i, text in enumerate(codes):
        slot = TpsSlot()
        head = authority.current_form(text, contest)
        code = head.region if head is not None and head.region == text else text  # kept once
        slot.current = _shared(current[i], head.index if head is not None else None)
        first = authority.original_form(code, contest)
        slot.original = _shared(original[i], first.index if first is not None else None)
        width = widths[i]
        if width != _NONE:
            slot.values = values[at : at + width]
            at += width
        if i in rare:
            slot.violations, slot.flags, slot.corrections, slot.copies = rare[i]
        out[code] = slot
    return out


def _form_columns(
    contest: str, forms: dict[str, bytes], extra: dict[str, TpsSlot]
) -> Iterator[tuple[str, Any]]:
    """A legislative contest's TPS: their codes, the packed values of their forms in
    force as one blob and their lengths, and the few with anything else as they are."""
    name = f"forms/{contest}"
    yield f"{name}/count", len(forms)
    yield f"{name}/tps", _join(list(forms))
    yield f"{name}/lengths", array("H", map(len, forms.values()))
    yield f"{name}/values", b"".join(forms.values())
    yield f"{name}/extra", extra


def _unpack_forms(
    contest: str, columns: dict[str, Any], authority: Authority
) -> tuple[dict[str, bytes], dict[str, TpsSlot]]:
    def column(c: str) -> Any:
        return columns[f"forms/{contest}/{c}"]

    codes = column("tps").split(_SEP) if column("count") else []
    blob, forms, at = column("values"), {}, 0
    for text, length in zip(codes, column("lengths"), strict=True):
        head = authority.current_form(text, contest)
        code = head.region if head is not None and head.region == text else text  # kept once
        forms[code] = blob[at : at + length]
        at += length
    return forms, column("extra")


def _shared(number: int, known: int | None) -> int | None:
    """``number`` (None for -1), as the object ``known`` when they are equal."""
    if number == _NONE:
        return None
    return known if known == number else number


def _concatenated(parts: Iterator[Sequence[int]]) -> array[int]:
    out = pack_values(())
    for part in parts:
        try:
            out.extend(part)  # an array of the same type code: copied at once
        except TypeError:
            out = pack_values([*out, *part])  # a wider type code (never for 0..999)
    return out


__all__ = ["END", "FORMAT", "Writable", "collect", "parts", "read", "restore", "write"]
