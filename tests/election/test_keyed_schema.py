"""The envelope's schema with its unions picked by key (saksi.election.keyed_schema)
against the models' own: the same objects for every entry the models accept, a
refusal for every entry they refuse, and (through validate_envelope_json) the models'
own words for it."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from saksi.election.contests import ContestKind
from saksi.election.envelope import Envelope, parse_entry
from saksi.election.keyed_schema import _validator, keyed_schema, validate_envelope_json
from saksi.election.statements import LOGGED
from tests.election.legislative_factory import totals_of
from tests.recap.factory import legislative_night, night, tiny_contests

CONTEXTS = (None, {LOGGED: True})


@cache
def corpus() -> tuple[bytes, ...]:
    """Entries of every kind: manifest, keys, every PPWP and legislative statement
    (c-hasil of every contest, copies of a party's and a DPD candidate's witness,
    corrections, forms breaking their rules, D.Hasil of a party contest and of DPD)."""
    book = night(contests=tiny_contests(), between=legislative_night)
    tps = next(iter(book.iter_tps()))
    form = book.true_legislative_form(tps, ContestKind.DPD)
    code = book.district(tps, ContestKind.DPD)[0]
    book.legislative_d_hasil(tps[:6], ContestKind.DPD, code, totals_of(form))
    return tuple(book.entries)


def outcome(validate: Any, data: bytes, context: dict[str, Any] | None) -> Envelope | None:
    try:
        found: Envelope = validate(data, context=context)
    except ValidationError:
        return None
    return found


def keyed(data: bytes, context: dict[str, Any] | None) -> Envelope | None:
    return outcome(_validator(Envelope).validate_json, data, context)


def models(data: bytes, context: dict[str, Any] | None) -> Envelope | None:
    return outcome(Envelope.model_validate_json, data, context)


def test_the_corpus_has_every_statement_kind() -> None:
    kinds = set()
    for data in corpus():
        stmt = json.loads(data)["stmt"]
        side = "dpd" if "suara_calon" in json.dumps(stmt) else "partai"
        kinds.add((stmt["type"], stmt.get("contest", "-"), side))
    for kind in ("c-hasil", "c-salinan", "correction", "d-hasil"):
        assert (kind, "ppwp", "partai") in kinds
        assert (kind, "dpr", "partai") in kinds
    assert {
        ("c-hasil", "dpd", "dpd"),
        ("c-salinan", "dpd", "dpd"),
        ("d-hasil", "dpd", "dpd"),
    } <= kinds
    assert {("manifest", "-", "partai"), ("key", "-", "partai")} <= kinds


@pytest.mark.parametrize("context", CONTEXTS)
def test_every_entry_reads_as_the_same_objects(context: dict[str, Any] | None) -> None:
    for data in corpus():
        found, reference = keyed(data, context), models(data, context)
        assert reference is not None
        assert found == reference
        assert type(found.stmt) is type(reference.stmt)
        assert type(getattr(found.stmt, "form", None)) is type(
            getattr(reference.stmt, "form", None)
        )
        assert found.stmt.wire() == reference.stmt.wire()


def test_the_entry_functions_still_cut_and_verify() -> None:
    for data in corpus():
        assert Envelope.from_logged(data) == parse_entry(data)


def test_a_schema_laid_out_otherwise_is_refused() -> None:
    schema = Envelope.__pydantic_core_schema__
    with pytest.raises(ValueError, match="definitions"):
        keyed_schema(dict(schema["schema"]))


# ---- mutations: the two agree on what is refused ---------------------------------

_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 1000), st.sampled_from(
        ["c-hasil", "c-salinan", "correction", "d-hasil", "key", "manifest", "ppwp", "dpr",
         "dpd", "dprd-prov", "dprd-kabkota", "1", "2", "", "x"]
    ), st.just({}), st.just([]),
)  # fmt: skip


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*path, i))
    return out


def _mutate(tree: Any, data: st.DataObject) -> Any:
    """One change somewhere in ``tree``: a value replaced (by another JSON value, or
    by the same place's value from another entry), a key dropped or added."""
    paths = [p for p in _paths(tree) if p]
    path = data.draw(st.sampled_from(paths))
    *up, last = path
    parent = tree
    for step in up:
        parent = parent[step]
    how = data.draw(st.sampled_from(("value", "drop", "add", "transplant")))
    if how == "value":
        parent[last] = data.draw(_VALUES)
    elif how == "drop" and isinstance(parent, dict):
        del parent[last]
    elif how == "add" and isinstance(parent, dict):
        parent[data.draw(st.sampled_from(["partai", "suara_calon", "contest", "type", "x"]))] = (
            data.draw(_VALUES)
        )
    elif how == "transplant":
        other = json.loads(data.draw(st.sampled_from(corpus())))
        for step in path:
            if not isinstance(other, dict | list):
                return tree
            try:
                other = other[step]
            except (KeyError, IndexError, TypeError):
                return tree
        parent[last] = other
    return tree


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), changes=st.integers(1, 3), logged=st.booleans())
def test_a_mutated_entry_is_refused_by_both_or_read_alike(
    data: st.DataObject, changes: int, logged: bool
) -> None:
    tree = json.loads(data.draw(st.sampled_from(corpus())))
    for _ in range(changes):
        tree = _mutate(tree, data)
    raw = json.dumps(tree, separators=(",", ":")).encode()
    context = CONTEXTS[logged]
    found, reference = keyed(raw, context), models(raw, context)
    assert found == reference
    if reference is None:  # validate_envelope_json answers in the models' words
        with pytest.raises(ValidationError) as ours:
            validate_envelope_json(Envelope, raw, context)
        with pytest.raises(ValidationError) as theirs:
            Envelope.model_validate_json(raw, context=context)
        assert str(ours.value) == str(theirs.value)
        assert ours.value.errors(include_context=False) == theirs.value.errors(
            include_context=False
        )


@pytest.mark.parametrize("context", CONTEXTS)
def test_every_type_and_contest_swapped_and_every_form_transplanted(
    context: dict[str, Any] | None,
) -> None:
    """Where the unions pick the model: every statement given every other type and
    contest (and none), every form or totals given another entry's (a party form for
    DPD, a DPD form for DPR, a PPWP form for either)."""
    trees = [json.loads(data) for data in corpus()]
    forms = [t["stmt"][box] for t in trees for box in ("form", "totals") if box in t["stmt"]]
    kinds = ("c-hasil", "c-salinan", "correction", "d-hasil", "key", "key-revoke", "manifest")
    contests = ("ppwp", "dpr", "dpd", "dprd-prov", "dprd-kabkota", "dprd", 1, None)
    changed: list[dict[str, Any]] = []
    for tree in trees:
        for name, values in (("type", kinds), ("contest", contests)):
            for value in (*values, "missing"):
                stmt = dict(tree["stmt"])
                if value == "missing":
                    stmt.pop(name, None)
                else:
                    stmt[name] = value
                changed.append({**tree, "stmt": stmt})
        for box in ("form", "totals"):
            if box in tree["stmt"]:
                changed += [{**tree, "stmt": {**tree["stmt"], box: form}} for form in forms]
    accepted = 0
    for tree in changed:
        raw = json.dumps(tree, separators=(",", ":")).encode()
        found, reference = keyed(raw, context), models(raw, context)
        assert found == reference, raw
        accepted += reference is not None
    assert accepted  # some swaps are valid (a form of the same ballot), most are not
