"""The envelope's schema with its unions told apart by key lookups: the same models,
read faster.

A statement's union (:data:`~saksi.election.statements.Statement`) picks its model by
a function of ``type`` and ``contest``, and a legislative form's (or a D.Hasil's totals')
by whether it has ``suara_calon``. Given JSON, pydantic calls such a function on the
value turned into Python objects first: every entry's statement is built as dicts
and lists once for the tag alone, and a legislative form once more (about 20 µs of a
DPR form's 50). This module derives, from the models' own schema, one that picks the
same models by looking the keys up where they are:

- the statement by ``type``, then for a form or recap by ``contest`` (``ppwp``: the
  PPWP model; a legislative contest: the legislative model, with the form's model
  fixed by the contest: ``dpd``'s C.Hasil-DPD, any other's the party form);
- nothing else changes: every field, constraint and validator is the models' own.

An entry it accepts is one the models accept, as the same objects: a legislative
statement's own validator refuses a form that is not its contest's, so fixing the
form's model by the contest refuses nothing the models accept, and the contest and
type it looks up are the very fields the chosen model then checks. An entry it
refuses may be refused with other words; :func:`validate_envelope_json` then asks the
models themselves, so every refusal (and any acceptance) is theirs, word for word.
tests/election/test_keyed_schema.py checks both on entries of every kind and on
mutations of them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, Final, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import SchemaValidator

from saksi.election import statements

_FORM_TYPES: Final = ("c-hasil", "c-salinan", "correction", "d-hasil")
_LEGISLATIVE: Final = get_args(statements.LegislativeContestName)
_SIDES: Final = ("partai", "dpd")
M = TypeVar("M", bound=BaseModel)


def _side(contest: str) -> str:
    """The form's model a legislative contest is recorded with (the union's tag)."""
    return "dpd" if contest == "dpd" else "partai"


def _is_union(node: Any, tag: Callable[[Any], Any]) -> bool:
    return (
        isinstance(node, dict)
        and node.get("type") == "tagged-union"
        and node.get("discriminator") is tag
    )


def _replace(node: Any, swap: Callable[[dict[str, Any]], Any | None]) -> Any:
    """A copy of ``node`` with every dict ``swap`` answers (not None) replaced by its
    answer (not descended into)."""
    if isinstance(node, dict):
        found = swap(node)
        if found is not None:
            return found
        return {k: _replace(v, swap) for k, v in node.items()}
    if isinstance(node, list):
        return [_replace(v, swap) for v in node]
    return node


def _contains(node: Any, test: Callable[[Any], bool]) -> bool:
    if test(node):
        return True
    if isinstance(node, dict):
        return any(_contains(v, test) for v in node.values())
    if isinstance(node, list):
        return any(_contains(v, test) for v in node)
    return False


def _form_union(node: Any) -> bool:
    return _is_union(node, statements._legislative_form_tag)


def _fixed_forms(definitions: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], set[str]]:
    """Each definition with a form's union (a legislative statement) as two: ``REF/partai``
    and ``REF/dpd``, each with that one model for its form; and the refs so split."""
    out: list[dict[str, Any]] = []
    split: set[str] = set()
    for definition in definitions:
        if not _contains(definition, _form_union):
            out.append(definition)
            continue
        split.add(definition["ref"])
        for side in _SIDES:

            def fixed(node: dict[str, Any], side: str = side) -> Any | None:
                return node["choices"][side] if _form_union(node) else None

            copy = _replace(definition, fixed)
            copy["ref"] = f"{definition['ref']}/{side}"
            out.append(copy)
    return out, split


def _by_keys(union: dict[str, Any], split: set[str]) -> dict[str, Any]:
    """The statement union picked by ``type``, then (a form or recap) by ``contest``."""

    def choice(tag: str) -> dict[str, Any]:
        found: dict[str, Any] = union["choices"][tag]
        if "/" not in tag or found.get("schema_ref") not in split:
            return found
        return {**found, "schema_ref": f"{found['schema_ref']}/{_side(tag.split('/')[1])}"}

    choices: dict[str, Any] = {}
    for tag in union["choices"]:
        kind = tag.split("/")[0]
        if kind not in _FORM_TYPES:
            choices[tag] = choice(tag)
        elif kind not in choices:
            by_contest = {"ppwp": choice(kind), **{c: choice(f"{kind}/{c}") for c in _LEGISLATIVE}}
            choices[kind] = {
                "type": "tagged-union",
                "choices": by_contest,
                "discriminator": "contest",
            }
    return {"type": "tagged-union", "choices": choices, "discriminator": "type"}


def keyed_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (the envelope's core schema) with the unions picked by key lookups;
    ValueError if it is not laid out as this module expects (the models changed)."""
    if schema.get("type") != "definitions":
        raise ValueError("the envelope's schema has no definitions")
    definitions, split = _fixed_forms(schema["definitions"])
    found: list[dict[str, Any]] = []

    def swap(node: dict[str, Any]) -> Any | None:
        if not _is_union(node, statements._statement_tag):
            return None
        found.append(node)
        return _by_keys(node, split)

    out = {
        "type": "definitions",
        "schema": _replace(schema["schema"], swap),
        "definitions": definitions,
    }
    if len(found) != 1 or not split:
        raise ValueError("the envelope's schema has not the unions this module rewrites")
    if _contains(out, lambda n: isinstance(n, dict) and callable(n.get("discriminator"))):
        raise ValueError("the envelope's schema has a union this module does not rewrite")
    return out


@cache
def _validator(model: type[BaseModel]) -> SchemaValidator:
    return SchemaValidator(keyed_schema(model.__pydantic_core_schema__))  # type: ignore[arg-type]


def validate_envelope_json(model: type[M], data: bytes, context: dict[str, Any] | None = None) -> M:
    """``model.model_validate_json(data, context=context)`` (``model``: the envelope),
    through the keyed schema; when that refuses, the models themselves answer (their
    object, or their ValidationError)."""
    try:
        found: M = _validator(model).validate_json(data, context=context)
    except ValidationError:
        return model.model_validate_json(data, context=context)
    return found


__all__ = ["keyed_schema", "validate_envelope_json"]
