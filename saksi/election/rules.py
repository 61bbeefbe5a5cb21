"""Checking a tally form against its arithmetic rules.

The rules themselves are data (:mod:`saksi.election.rule_catalog`); this module
evaluates them on a :data:`~saksi.election.forms.FormReading` and says, for every
broken rule, which boxes disagree and by how much, in Bahasa Indonesia and English::

    >>> from saksi.election.rules import check_reading
    >>> [v.message_en for v in check_reading({"suara_sah": 238, "suara_paslon_01": 186,
    ...     "suara_paslon_02": 44, "suara_paslon_03": 9})]
    ['valid votes 238 != sum of pair votes 186+44+9=239']

A rule is evaluated only when every box it reads is present: KPU's published data
has no section II or III, and a record whose ``administrasi`` was never entered has
no section I or V. Missing data never produces a violation.

``python -m saksi.election.rules --json`` prints the rules as JSON for other
implementations.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import Field

from saksi.election.forms import CHasilPPWP, FormReading, form_fields
from saksi.election.rule_catalog import (
    RULES,
    RULES_BY_CODE,
    RULESET_VERSION,
    Kind,
    Rule,
    Severity,
    field_label,
    rules_as_json,
)
from saksi.election.wire import WireModel, parse_model

DEFAULT_PAIRS = ("01", "02", "03")


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: which rule (and version), how bad, which boxes, and why."""

    rule: str
    version: int
    severity: Severity
    fields: tuple[str, ...]
    message_id: str
    message_en: str

    @property
    def impossible(self) -> bool:
        return self.severity is Severity.IMPOSSIBLE

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "version": self.version,
            "severity": self.severity.value,
            "fields": list(self.fields),
            "message": {"id": self.message_id, "en": self.message_en},
        }

    @classmethod
    def from_dict(cls, data: object) -> Violation:
        """Read back :meth:`to_dict`'s output strictly (SchemaError on anything else)."""
        wire = parse_model(_ViolationWire, data, "violation")
        return cls(
            rule=wire.rule,
            version=wire.version,
            severity=Severity(wire.severity),
            fields=wire.fields,
            message_id=wire.message.id,
            message_en=wire.message.en,
        )


class _Message(WireModel):
    id: str
    en: str


class _ViolationWire(WireModel):
    rule: str
    version: int
    severity: Literal["impossible", "suspicious"]
    fields: tuple[str, ...] = Field(strict=False)  # a JSON array (items stay strict)
    message: _Message


def countable(violations: Iterable[Violation]) -> bool:
    """True when no violation is of the impossible kind (the form can be counted)."""
    return not any(v.severity is Severity.IMPOSSIBLE for v in violations)


def check_reading(
    reading: FormReading, pairs: tuple[str, ...] = DEFAULT_PAIRS
) -> tuple[Violation, ...]:
    """Every rule that ``reading`` breaks, in :data:`RULES` order."""
    out: list[Violation] = []
    for check in _compiled(pairs):
        check(reading, out)
    return tuple(out)


def check_form(form: CHasilPPWP) -> tuple[Violation, ...]:
    """Every rule a complete Saksi form breaks."""
    return check_reading(form.reading(), form.pairs)


def check_values(
    form: CHasilPPWP, values: Sequence[int], pairs: tuple[str, ...]
) -> tuple[Violation, ...]:
    """:func:`check_form`, fast for a form that breaks no rule.

    ``values`` are the form's boxes in ``form_fields(pairs)`` order. When the form's
    own pairs are ``pairs`` and :func:`values_pass` says every rule holds, the answer
    is ``()`` without building a reading; otherwise it is :func:`check_form` itself,
    so the violations are always exactly the reference path's.
    """
    if values_pass(pairs)(values) and form.pairs == pairs:
        return ()
    return check_form(form)


def suspects(
    reading: FormReading, violations: Iterable[Violation], pairs: tuple[str, ...] = DEFAULT_PAIRS
) -> tuple[str, ...]:
    """The boxes whose misreading *alone* would explain the impossible violations.

    A box is a suspect when every impossible violation names it and every stated
    equality through it (that ``reading`` has all the boxes of) is broken: changing one
    box breaks every equality it appears in, since each holds every box once. One
    suspect pinpoints the misread box; several mean the rules cannot tell which of them
    is wrong (J against L+P alone cannot say whether J, L or P was misread).
    """
    broken = [v for v in violations if v.severity is Severity.IMPOSSIBLE]
    if not broken:
        return ()
    common = set(broken[0].fields).intersection(*(v.fields for v in broken[1:]))
    codes = {v.rule for v in broken}
    out = []
    for box in form_fields(pairs):
        if box not in common:
            continue
        through = _equalities(pairs).get(box, ())
        if all(
            code in codes or any(reading.get(f) is None for f in fields) for code, fields in through
        ):
            out.append(box)
    return tuple(out)


@lru_cache(maxsize=64)
def _equalities(pairs: tuple[str, ...]) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """box -> the impossible equality rules (code, fields) it appears in."""
    out: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
    for rule in RULES:
        if rule.kind is Kind.SUM_EQ and rule.severity is Severity.IMPOSSIBLE:
            fields = rule.fields(pairs)
            for box in fields:
                out[box] = (*out.get(box, ()), (rule.code, fields))
    return out


# --- evaluation ---------------------------------------------------------------------

_Check = Callable[[FormReading, list[Violation]], None]


@lru_cache(maxsize=64)
def _compiled(pairs: tuple[str, ...]) -> tuple[_Check, ...]:
    return tuple(_compile(rule, pairs) for rule in RULES)


def _compile(rule: Rule, pairs: tuple[str, ...]) -> _Check:
    return compile_rule(rule, rule.lhs_fields(pairs), rule.rhs_fields(pairs))


def compile_rule(rule: Rule, lhs: tuple[str, ...], rhs: tuple[str, ...]) -> _Check:
    """One rule as a check, its ``*`` fields already expanded to ``lhs`` and ``rhs``
    (the legislative forms expand them for their parties and candidates)."""
    if rule.kind in (Kind.RANGE, Kind.EACH_LE):
        return _compile_each(rule, lhs, rhs)
    fields = tuple(dict.fromkeys(lhs + rhs))
    test = _SUM_TESTS[rule.kind]

    def check(reading: FormReading, out: list[Violation]) -> None:
        left = _values(reading, lhs)
        right = _values(reading, rhs)
        if left is None or right is None or test(rule, sum(left), sum(right)):
            return
        out.append(_violation(rule, fields, _sum_params(rule, lhs, left, rhs, right)))

    return check


def _compile_each(rule: Rule, lhs: tuple[str, ...], rhs: tuple[str, ...]) -> _Check:
    low = rule.constants.get("min", 0)
    high = rule.constants.get("max", 0)

    def check(reading: FormReading, out: list[Violation]) -> None:
        right = _values(reading, rhs)
        if right is None:
            return
        limit = sum(right)
        for name in lhs:
            value = reading.get(name)
            if value is None:
                continue
            params: _Params
            if rule.kind is Kind.RANGE:
                if low <= value <= high:
                    continue
                params = {"min": str(low), "max": str(high)}
            elif value <= limit:
                continue
            else:
                params = _side_params(rule, "rhs", rhs, right)
            params["value"] = str(value)
            params["field_label"] = field_label(name)
            out.append(_violation(rule, (name, *rhs), params))

    return check


def _values(reading: FormReading, names: tuple[str, ...]) -> list[int] | None:
    values: list[int] = []
    for name in names:
        value = reading.get(name)
        if value is None:
            return None
        values.append(value)
    return values


def _reserve_expected(base: int, percent: int) -> int:
    return base + -(-base * percent // 100)


def _reserve_ok(rule: Rule, left: int, right: int) -> bool:
    expected = _reserve_expected(right, rule.constants["percent"])
    return abs(left - expected) <= rule.constants["tolerance"]


_SUM_TESTS: dict[Kind, Callable[[Rule, int, int], bool]] = {
    Kind.SUM_EQ: lambda _rule, left, right: left == right,
    Kind.SUM_LE: lambda _rule, left, right: left <= right,
    Kind.SUM_GE: lambda _rule, left, right: left >= right,
    Kind.SUM_LE_PERCENT: lambda rule, left, right: 100 * left <= rule.constants["percent"] * right,
    Kind.RESERVE: _reserve_ok,
}


# --- the fast path: every rule at once on a tuple of values ------------------------

_Values = Sequence[int]


@lru_cache(maxsize=64)
def values_pass(pairs: tuple[str, ...]) -> Callable[[_Values], bool]:
    """A predicate on a complete form's values in ``form_fields(pairs)`` order: True
    exactly when :func:`check_reading` of those values finds no violation.

    It is generated from :data:`RULES` (the same data the reference path evaluates) as
    one Python expression of tuple indexing and integer arithmetic, compiled once per
    set of pairs; it names no violation, it only says that there is none. A rule that
    reads a box the form does not have is skipped, as in :func:`check_reading`.
    """
    index = {name: i for i, name in enumerate(form_fields(pairs))}
    terms = [_pass_term(rule, pairs, index) for rule in RULES]
    source = " and ".join(f"({t})" for t in terms if t) or "True"
    code = compile(f"lambda v: {source}", f"<rules {RULESET_VERSION} {pairs}>", "eval")
    predicate: Callable[[_Values], bool] = eval(
        code, {"__builtins__": {}, "min": min, "max": max, "abs": abs}
    )
    return predicate


def _pass_term(rule: Rule, pairs: tuple[str, ...], index: dict[str, int]) -> str:
    """The expression (over ``v``) that holds when ``rule`` raises nothing; "" if none."""
    return pass_term(rule, rule.lhs_fields(pairs), rule.rhs_fields(pairs), index)


def pass_term(rule: Rule, lhs: tuple[str, ...], rhs: tuple[str, ...], index: dict[str, int]) -> str:
    """:func:`_pass_term` with the rule's fields already expanded (``lhs``, ``rhs``)."""
    if any(name not in index for name in rhs):
        return ""  # the rule reads a box the form lacks: never evaluated
    present = [f"v[{index[name]}]" for name in lhs if name in index]
    right = "+".join(f"v[{index[name]}]" for name in rhs) or "0"
    if rule.kind is Kind.RANGE:
        low, high = rule.constants.get("min", 0), rule.constants.get("max", 0)
        if {index[name] for name in lhs if name in index} == set(index.values()):
            return f"{low} <= min(v) and max(v) <= {high}"
        return " and ".join(f"{low} <= {item} <= {high}" for item in present)
    if rule.kind is Kind.EACH_LE:
        return " and ".join(f"{item} <= ({right})" for item in present)
    if len(present) != len(lhs):
        return ""
    return _sum_term(rule, "+".join(present) or "0", right)


def _sum_term(rule: Rule, left: str, right: str) -> str:
    """The expression that holds when a rule on two sums raises nothing."""
    if rule.kind is Kind.SUM_LE_PERCENT:
        return f"100 * ({left}) <= {rule.constants['percent']} * ({right})"
    if rule.kind is Kind.RESERVE:
        percent, tolerance = rule.constants["percent"], rule.constants["tolerance"]
        expected = f"(({right}) + -((-({right})) * {percent} // 100))"
        return f"abs(({left}) - {expected}) <= {tolerance}"
    return f"({left}) {_PASS_OPERATOR[rule.kind]} ({right})"


_PASS_OPERATOR = {Kind.SUM_EQ: "==", Kind.SUM_LE: "<=", Kind.SUM_GE: ">="}


# --- messages -----------------------------------------------------------------------

_Params = dict[str, str | tuple[str, str]]
"""Template values: plain text, or (Bahasa Indonesia, English) where they differ."""


def expression(values: Sequence[int]) -> str:
    """``238`` for one value, ``186+44+9=239`` for several."""
    if len(values) == 1:
        return str(values[0])
    return "+".join(str(v) for v in values) + f"={sum(values)}"


def _side_params(rule: Rule, side: str, names: tuple[str, ...], values: Sequence[int]) -> _Params:
    label = rule.lhs_label if side == "lhs" else rule.rhs_label
    if label is None:
        label = field_label(names[0]) if len(names) == 1 else ("+".join(names),) * 2
    return {f"{side}_label": label, side: expression(values)}


def _sum_params(
    rule: Rule,
    lhs: tuple[str, ...],
    left: Sequence[int],
    rhs: tuple[str, ...],
    right: Sequence[int],
) -> _Params:
    params = _side_params(rule, "lhs", lhs, left) | _side_params(rule, "rhs", rhs, right)
    if "percent" in rule.constants:
        percent = rule.constants["percent"]
        params["percent"] = str(percent)
        if rule.kind is Kind.SUM_LE_PERCENT:
            hundredths = sum(right) * percent
            whole, frac = divmod(hundredths, 100)
            params["limit"] = (f"{whole},{frac:02d}", f"{whole}.{frac:02d}")
        else:
            expected = _reserve_expected(sum(right), percent)
            params["expected"] = str(expected)
            params["diff"] = str(abs(sum(left) - expected))
            params["tolerance"] = str(rule.constants["tolerance"])
    return params


def _violation(rule: Rule, fields: tuple[str, ...], params: _Params) -> Violation:
    tid, ten = rule.template()
    pid = {k: v if isinstance(v, str) else v[0] for k, v in params.items()}
    pen = {k: v if isinstance(v, str) else v[1] for k, v in params.items()}
    return Violation(
        rule=rule.code,
        version=rule.version,
        severity=rule.severity,
        fields=tuple(dict.fromkeys(fields)),
        message_id=tid.format_map(pid),
        message_en=ten.format_map(pen),
    )


# --- documentation ------------------------------------------------------------------

_SYMBOL = {Kind.SUM_EQ: "=", Kind.SUM_LE: "<=", Kind.SUM_GE: ">="}


def _terms(names: tuple[str, ...]) -> str:
    return " + ".join(f"`{n}`" for n in names)


def formula(rule: Rule) -> str:
    """The rule as one line of arithmetic, for people (``*`` fields unexpanded)."""
    c = rule.constants
    lhs, rhs = _terms(rule.lhs), _terms(rule.rhs)
    if rule.kind is Kind.RANGE:
        what = "every box" if rule.lhs == ("*",) else lhs
        return f"{c['min']} <= {what} <= {c['max']}"
    if rule.kind is Kind.EACH_LE:
        return f"each {lhs} <= {rhs}"
    if rule.kind is Kind.SUM_LE_PERCENT:
        return f"sum({lhs}) <= {c['percent']}% x {rhs}"
    if rule.kind is Kind.RESERVE:
        return f"abs({lhs} - ({rhs} + ceil({c['percent']}% x {rhs}))) <= {c['tolerance']}"
    return f"{lhs} {_SYMBOL[rule.kind]} {rhs}"


def rules_markdown() -> str:
    """The reference tables of docs/rules.md, generated so that they cannot drift."""
    lines = [
        "| code | v | severity | source | formula | why (id / en) |",
        "| --- | ---: | --- | --- | --- | --- |",
    ]
    for rule in RULES:
        lines.append(
            f"| `{rule.code}` | {rule.version} | {rule.severity.value} | {rule.source} "
            f"| {formula(rule)} | {rule.why[0]} <br> *{rule.why[1]}* |"
        )
    lines += ["", "| kind | message template (id / en) |", "| --- | --- |"]
    seen: set[str] = set()
    for rule in RULES:
        tid, ten = rule.template()
        key = f"{rule.kind.value}" + (f" (`{rule.code}`)" if rule.note else "")
        if key not in seen:
            seen.add(key)
            lines.append(f"| {key} | `{tid}` <br> `{ten}` |")
    return "\n".join(lines) + "\n"


# --- command line -------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m saksi.election.rules", description="Print the C.Hasil-PPWP rules."
    )
    parser.add_argument("--json", action="store_true", help="the rules as JSON")
    parser.add_argument("--markdown", action="store_true", help="docs/rules.md's reference")
    args = parser.parse_args(argv)
    if args.markdown:
        print(rules_markdown(), end="")
        return 0
    if args.json:
        json.dump(
            {"ruleset": RULESET_VERSION, "rules": rules_as_json()},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0
    for rule in RULES:
        print(f"{rule.code} v{rule.version} [{rule.severity.value}] {rule.kind.value}")
    return 0


__all__ = [
    "RULES",
    "RULESET_VERSION",
    "RULES_BY_CODE",
    "Rule",
    "Severity",
    "Violation",
    "check_form",
    "check_reading",
    "check_values",
    "countable",
    "expression",
    "formula",
    "rules_as_json",
    "rules_markdown",
    "suspects",
    "values_pass",
]

if __name__ == "__main__":
    raise SystemExit(main())
