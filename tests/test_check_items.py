"""The spec checks of a document whose other path items earlier checks proved valid
(``checks.specs.check_document`` with ``known_valid``): the path items left are first proved
valid on their own (``_items_proven``), without the rest of the document, which those checks
found valid. The verdict and the diagnostics must be the full check's, for every document
and every change confined to one path item."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest

from apiscribe.checks import specs
from apiscribe.documents.lines import LineIndex
from apiscribe.documents.load import load_document
from apiscribe.documents.pointer import join

from .test_check_specs import OPENAPI, _mutate, needs_corpus

PATHS = sorted(OPENAPI.iterdir()) if OPENAPI.is_dir() else []


def check(document: dict[str, Any], tmp_path: Path, known: set[str] | None = None) -> list[Any]:
    return specs.check_document(document, str(tmp_path / "spec.json"), LineIndex({}),
                                base_uri="", known_valid=known or ())


def others(document: dict[str, Any], *but: str) -> set[str]:
    """The pointers of the document's path items but those at ``but``."""
    return {join(f"/{name}", key) for name in ("paths", "webhooks")
            for key in document.get(name) or {}} - set(but)


@pytest.fixture
def proofs(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What each ``_items_proven`` answered, in order."""
    answers: list[bool] = []
    original = specs._items_proven

    def noted(*args: Any) -> bool:
        answers.append(original(*args))
        return answers[-1]

    monkeypatch.setattr(specs, "_items_proven", noted)
    return answers


@needs_corpus
@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_each_path_item_of_the_corpus_is_proved_valid_on_its_own(
    path: Path, tmp_path: Path, proofs: list[bool]
) -> None:
    document = load_document(path)[0]
    assert check(document, tmp_path) == []
    items = sorted(others(document))
    assert items, path.name
    for pointer in items:
        proofs.clear()
        assert check(document, tmp_path, others(document, pointer)) == []
        # the smaller document was not checked whole (with one path item, nothing is known)
        assert proofs == ([True] if len(items) > 1 else []), pointer


def _item(document: dict[str, Any], pointer: str) -> Any:
    name, key = pointer[1:].split("/", 1)
    return document[name][key.replace("~1", "/").replace("~0", "~")]


@needs_corpus
def test_a_change_to_one_path_item_gets_the_full_checks_diagnostics(
    tmp_path: Path, proofs: list[bool]
) -> None:
    rnd = random.Random(20261207)
    sources = [load_document(p)[0] for p in PATHS if p.stat().st_size < 20000]
    compared = proved = broken = 0
    for _ in range(160):
        document = copy.deepcopy(rnd.choice(sources))
        pointer = rnd.choice(sorted(others(document)))
        item = _item(document, pointer)
        known = others(document, pointer)
        if rnd.random() < 0.15:  # the path itself: its template's names
            name = pointer[1:].split("/", 1)[0]
            members = document[name]
            renamed = next(k for k in members if join(f"/{name}", k) == pointer)
            members[renamed + "/{extra}"] = members.pop(renamed)
        elif isinstance(item, dict | list) and item:
            for _ in range(rnd.randint(1, 2)):
                _mutate(item, rnd)
        else:
            continue
        proofs.clear()
        full = check(document, tmp_path)
        assert check(document, tmp_path, known) == full, (pointer, item)
        if proofs == [True]:
            assert full == []  # never proved where the full check finds a problem
            proved += 1
        broken += bool(full)
        compared += 1
    assert compared > 120 and proved > 20 and broken > 40, (compared, proved, broken)


@needs_corpus
@pytest.mark.parametrize("problem", [
    "responses not an object", "unknown field", "undeclared path parameter",
    "duplicate parameter", "bad default", "3.1 bad schema type", "example", "duplicate id",
])
def test_a_problem_in_a_path_item_is_never_proved_valid(
    problem: str, tmp_path: Path, proofs: list[bool]
) -> None:
    name = "oai_v3.1_tictactoe.json" if problem == "3.1 bad schema type" else (
        "oai_v3.0_petstore.json")
    document = load_document(OPENAPI / name)[0]
    pointer = sorted(others(document))[0]
    operation = next(v for k, v in _item(document, pointer).items() if k in ("get", "put"))
    if problem == "responses not an object":
        operation["responses"] = "none"
    elif problem == "unknown field":
        operation["summry"] = "typo"
    elif problem == "undeclared path parameter":
        operation["parameters"] = [{"name": "ghost", "in": "path", "required": True,
                                    "schema": {"type": "string"}}]
    elif problem == "duplicate parameter":
        operation["parameters"] = [{"name": "q", "in": "query", "schema": {"type": "string"}}] * 2
    elif problem == "bad default":
        operation["parameters"] = [{"name": "q", "in": "query",
                                    "schema": {"type": "integer", "default": "x"}}]
    elif problem == "3.1 bad schema type":
        operation["parameters"] = [{"name": "q", "in": "query",
                                    "schema": {"type": "character"}}]
    elif problem == "example":
        operation["responses"] = {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"type": "integer"}, "example": "not a number"}}}}
    else:  # the operationId of a path item the earlier checks proved valid
        known_ids = [op["operationId"] for p in others(document, pointer)
                     for op in _item(document, p).values()
                     if isinstance(op, dict) and "operationId" in op]
        operation["operationId"] = known_ids[0]
    full = check(document, tmp_path)
    proofs.clear()
    assert full and check(document, tmp_path, others(document, pointer)) == full
    assert True not in proofs  # a duplicate id is not even tried: the whole is checked


def _masked(version: str) -> dict[str, Any]:
    """A document whose schema ``A`` names a property in ``required`` that neither it nor its
    ``allOf`` define: openapi-spec-validator reports it where it meets ``A`` first as a schema
    of its own (``/c``), not where it meets it first as a property's (``/a``)."""
    nested = {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/A"}}}
    direct = {"$ref": "#/components/schemas/A"}
    if version == "2.0":
        nested["properties"]["x"]["$ref"] = direct["$ref"] = "#/definitions/A"

    def operation(schema: dict[str, Any], name: str) -> dict[str, Any]:
        if version == "2.0":
            return {"operationId": name, "responses": {"200": {"description": "ok",
                                                               "schema": schema}}}
        return {"operationId": name, "responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": schema}}}}}

    masked = {"allOf": [{"type": "object"}], "required": ["missing"]}
    document: dict[str, Any] = {
        "info": {"title": "Masked", "version": "1"},
        "paths": {"/a": {"get": operation(nested, "a")}, "/b": {"get": operation(
            {"type": "string"}, "b")}, "/c": {"get": operation(direct, "c")}},
    }
    if version == "2.0":
        document = {"swagger": "2.0", **document, "definitions": {"A": masked}}
    else:
        document = {"openapi": "3.0.3", **document, "components": {"schemas": {"A": masked}}}
    return document


@pytest.mark.parametrize("version", ["2.0", "3.0"])
@pytest.mark.parametrize("edit", ["drop the reference", "delete the path item"])
def test_a_verdict_that_hangs_on_the_order_of_the_schemas_is_the_full_checks(
    tmp_path: Path, proofs: list[bool], version: str, edit: str
) -> None:
    # The validator meets each schema once: `A` met first as a property's (in /a) is never
    # checked as a schema of its own (in /c). An edit of /a changes what the validator finds
    # where nothing changed (/c, and the named schemas), so the path items left are not
    # proved on their own, nor is the document without the unchanged ones checked.
    document = _masked(version)
    assert check(document, tmp_path) == []
    if edit == "drop the reference":
        _item(document, "/paths/~1a")["get"]["responses"]["200"] = {"description": "ok"}
    else:
        del document["paths"]["/a"]
    full = check(document, tmp_path)
    assert any("Required list has not defined properties" in d.message for d in full)
    assert check(document, tmp_path, others(document, "/paths/~1a")) == full
    assert proofs == []


def test_a_document_whose_path_items_changed_order_is_checked_again(tmp_path: Path) -> None:
    # The same path items in another order: the validator meets the schemas in another order.
    from apiscribe import pipeline

    from .test_page_cache import write

    source, cache = tmp_path / "spec.json", tmp_path / "cache"
    document = _masked("3.0")
    write(source, document)
    assert pipeline.load(str(source), cache_dir=cache)[1] == []
    document["paths"] = dict(reversed(document["paths"].items()))  # /c first
    write(source, document)
    found = pipeline.load(str(source), cache_dir=cache)[1]
    assert found == pipeline.load(str(source))[1] != []
