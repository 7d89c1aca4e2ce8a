"""OpenAPI 3.1 on the fast path: the compiled 2020-12 meta-schemas (the OAS 3.1 document
schema, and the OAS 3.1 schema dialect that every Schema Object is checked against) give
openapi-spec-validator's verdicts, on the corpus, on crafted and random mutations, and on
GitHub's REST description written as 3.1.
"""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema.exceptions import SchemaError
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from openapi_spec_validator.schemas import openapi_v31_schema_validator

from apiscribe.checks.fast import fastpath
from apiscribe.checks.fast.fastpath import meta_schema_check, oas31_dialect_check
from apiscribe.checks.specs import validate_document
from apiscribe.documents.lines import LineIndex
from apiscribe.documents.load import load_document
from apiscribe.documents.specs import spec_version

from .test_check_specs import (
    OPENAPI,
    SPEC_CODES,
    fast_verdict,
    needs_corpus,
    reference_messages,
    validator_message,
)

SOURCES_31 = ["oai_v3.1_non-oauth-scopes.json", "oai_v3.1_tictactoe.json",
              "oai_v3.1_webhook-example.json", "readme_3.1_petstore.json"]
SOURCES_30 = ["oai_v3.0_callback-example.json", "oai_v3.0_link-example.json",
              "oai_v3.0_petstore-expanded.json", "oai_v3.0_petstore.json", "oai_v3.0_uspto.json"]
NO_PETS = "#/components/schemas/Nope"


def dialect_accepts(schema: Any) -> bool:
    """openapi-spec-validator's check of one Schema Object against the OAS 3.1 dialect."""
    try:
        OAS31Validator.check_schema(schema, format_checker=oas31_format_checker)
    except SchemaError:
        return False
    return True


def compiled_dialect() -> Callable[[Any], bool]:
    check = oas31_dialect_check()
    assert check is not None
    return check


def compiled_meta_schema() -> Callable[[Any], bool]:
    check = meta_schema_check("3.1")
    assert check is not None
    return check


def _sources() -> list[dict[str, Any]]:
    """The 3.1 corpus, and the 3.0 corpus relabelled 3.1.0 (its 3.0 idioms: some invalid)."""
    found = [load_document(OPENAPI / name)[0] for name in SOURCES_31]
    for name in SOURCES_30:
        found.append(load_document(OPENAPI / name)[0] | {"openapi": "3.1.0"})
    return found


def test_both_31_meta_schemas_compile() -> None:
    # Without them the fast path still answers, through jsonschema: slowly.
    assert meta_schema_check("3.1") is not None
    assert oas31_dialect_check() is not None


# Crafted documents -------------------------------------------------------------------------


def _petstore() -> dict[str, Any]:
    document: dict[str, Any] = load_document(OPENAPI / "readme_3.1_petstore.json")[0]
    return document


def _crafted() -> dict[str, tuple[bool, dict[str, Any]]]:
    """name: (valid for openapi-spec-validator, document), every one from the 3.1 petstore."""
    cases: dict[str, tuple[bool, dict[str, Any]]] = {}

    def case(name: str, valid: bool = False) -> dict[str, Any]:
        document = _petstore()
        cases[name] = (valid, document)
        return document

    def pet(name: str, valid: bool = False) -> dict[str, Any]:
        schema: dict[str, Any] = case(name, valid)["components"]["schemas"]["Pet"]
        return schema

    get_pet = ("paths", "/pet/{petId}", "get")

    def at(document: dict[str, Any], *parts: str | int) -> Any:
        node: Any = document
        for part in parts:
            node = node[part]
        return node

    # The document meta-schema.
    del case("missing info")["info"]
    case("openapi without a patch number")["openapi"] = "3.1"
    case("title of the wrong type")["info"]["title"] = 5
    at(case("unknown operation field"), *get_pet)["summry"] = "typo"
    at(case("extension field", True), *get_pet)["x-internal"] = {"any": ["thing"]}
    del at(case("parameter without in"), *get_pet, "parameters", 0)["in"]
    at(case("path parameter not required"), *get_pet, "parameters", 0)["required"] = False
    at(case("parameter with schema and content"), *get_pet, "parameters", 0)["content"] = {
        "application/json": {}}
    header = {"name": "X-Id", "in": "header", "schema": {"type": "string"}, "style": "form"}
    at(case("header parameter in form style"), *get_pet, "parameters").append(header)
    del at(case("response without description"), *get_pet, "responses", "200")["description"]
    at(case("bad $ref"), *get_pet, "responses", "200", "content", "application/json",
       "schema")["$ref"] = NO_PETS
    summary = case("reference with summary", True)
    at(summary, *get_pet, "responses")["400"] = {
        "$ref": "#/components/responses/Missing", "summary": "s"}
    summary["components"]["responses"] = {"Missing": {"description": "no such pet"}}
    at(case("reference with an unknown field"), *get_pet, "responses")["400"] = {
        "$ref": "#/components/schemas/Pet", "foo": 1}
    del case("api key scheme without name")["components"]["securitySchemes"]["api_key"]["name"]
    case("schema that is a string")["components"]["schemas"]["Pet"] = "object"
    at(case("media type schema of the wrong type"), *get_pet, "responses", "200", "content",
       "application/json")["schema"] = 5
    case("component with a bad name")["components"]["schemas"]["bad name!"] = {}
    case("webhooks not an object")["webhooks"] = []
    case("webhooks", True)["webhooks"] = {"newPet": at(_petstore(), "paths", "/pet")}
    del case("server without url")["servers"][0]["url"]
    # Schema Objects: the OAS 3.1 dialect (2020-12 with the OAS vocabulary at every depth).
    pet("type character")["properties"]["name"]["type"] = "character"
    pet("discriminator without propertyName")["discriminator"] = {"mapping": {}}
    pet("nested discriminator of the wrong type")["properties"]["category"] = {
        "discriminator": {"propertyName": 1}}  # wrong only where #meta is the OAS dialect
    pet("deep xml with an unknown field")["properties"]["tags"]["items"] = {
        "allOf": [{"xml": {"name": "tag", "color": "red"}}]}
    pet("items as an array (2019-09)")["properties"]["photoUrls"]["items"] = [{}]
    pet("exclusiveMinimum as in 3.0")["properties"]["id"].update(
        minimum=0, exclusiveMinimum=True)
    pet("pattern that is no regex")["properties"]["name"]["pattern"] = "(["
    pet("patternProperties key that is no regex")["patternProperties"] = {"([": {}}
    pet("$defs member that is no schema")["$defs"] = {"a": 5}
    pet("required names twice")["required"] = ["name", "name"]
    pet("negative minLength")["properties"]["name"]["minLength"] = -1
    pet("bad schema in $defs of $defs")["$defs"] = {"a": {"$defs": {"b": {"type": 1}}}}
    at(case("parameter schema with a bad minimum"), *get_pet, "parameters", 0)["schema"] = {
        "type": "integer", "minimum": "zero"}
    case("unknown jsonSchemaDialect")["jsonSchemaDialect"] = "https://example.com/dialect"
    pet("draft-07 $schema, invalid")["$schema"] = "http://json-schema.org/draft-07/schema#"
    pet("draft-07 $schema, invalid")["type"] = "character"
    case("allOf with an undeclared required name")["components"]["schemas"]["Lonely"] = {
        "allOf": [{"properties": {"extra": {}}}], "required": ["extra", "ghost"]}
    # Valid Schema Objects the fast path must prove.
    pet("discriminator with an extension", True)["discriminator"] = {
        "propertyName": "name", "x-note": 1}
    case("boolean schemas", True)["components"]["schemas"].update(Any=True, Nothing=False)
    case("explicit OAS dialect", True)["jsonSchemaDialect"] = (
        "https://spec.openapis.org/oas/3.1/dialect/base")
    pet("explicit $schema", True)["$schema"] = "https://spec.openapis.org/oas/3.1/dialect/base"
    pet("2020-12 $schema", True)["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    pet("2020-12 keywords", True)["properties"].update(
        point={"type": "array", "prefixItems": [{"type": "number"}], "items": False},
        kind={"if": {"const": "a"}, "then": {"minLength": 1}, "else": {"type": ["string", "null"]}},
        box={"$defs": {"side": {"type": "number"}}, "$ref": "#/components/schemas/Tag",
             "unevaluatedProperties": False, "dependentRequired": {"a": ["b"]}},
        seen={"examples": [1, "a"], "nullable": True, "deprecated": True, "readOnly": True})
    return cases


CRAFTED = sorted(_crafted()) if OPENAPI.is_dir() else ["corpus missing"]


@needs_corpus
@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_31_documents_get_the_validator_verdict(name: str, tmp_path: Path) -> None:
    valid, document = _crafted()[name]
    assert spec_version(document) == "3.1"
    expected = reference_messages(document)  # None: the validator stops with an exception
    assert (expected == []) is valid, expected
    assert fast_verdict(document) is valid
    found = validate_document(document, tmp_path / "spec.json", LineIndex({}))
    assert (found == []) is valid
    assert {d.code for d in found} <= SPEC_CODES
    if expected:  # the validator's own error set, message for message
        assert sorted({validator_message(d)[:500] for d in found}) == sorted(
            {m[:500] for m in expected})


# Random documents and schemas --------------------------------------------------------------

KEYS = ["summary", "description", "operationId", "parameters", "in", "name", "required",
        "style", "explode", "schema", "content", "$ref", "webhooks", "jsonSchemaDialect",
        "components", "pathItems", "x-a", "servers", "variables", "enum", "default",
        "allowReserved", "examples", "callbacks", "links", "headers", "security", "flows",
        "type", "scheme", "license", "identifier", "url", "tags", "responses", "requestBody",
        "get", "/new", "schemas", "securitySchemes", "value", "externalValue", "bad key!",
        "200", "2XX", "discriminator", "xml", "items", "prefixItems", "pattern", "$defs",
        "minimum", "exclusiveMinimum", "unevaluatedProperties", "if", "then", "not", "$schema"]
VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 1.0, 1.5, "", "x", "query", "path", "header", "form",
    "deepObject", "apiKey", "oauth2", "string", "character", "([", "https://e.x/y", "3.1.0",
    [], ["a"], ["a", "a"], ["string", "null"], [{}], {}, {"type": "string"},
    {"type": "strin"}, {"$ref": "#/x"}, {"$ref": 1}, {"x-a": 1}, {"propertyName": "k"},
    {"propertyName": 1}, {"name": "n", "wrapped": "yes"}, {"a": {"type": 1}}, {"([": {}},
    {"name": "a", "in": "query"}, {"name": "a", "in": "path"}, {"description": "d"},
    {"type": "apiKey", "name": "k", "in": "header"}, {"type": "oauth2", "flows": {}},
    {"responses": {"200": {"description": "ok"}}}, {"$ref": "#/a", "summary": "s"},
]


def _nodes(document: Any) -> list[dict[str, Any]]:
    found, stack = [], [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _mutate(document: Any, rnd: random.Random) -> None:
    """One random change: a key set, replaced, moved or removed anywhere in ``document``."""
    nodes = _nodes(document)
    node = rnd.choice(nodes)
    roll = rnd.random()
    if node and roll < 0.3:
        key = rnd.choice(list(node))
        if rnd.random() < 0.5:
            del node[key]
        else:
            node[key] = copy.deepcopy(rnd.choice(VALUES))
    elif node and roll < 0.4:
        node[rnd.choice(list(node))] = copy.deepcopy(rnd.choice(nodes))
    else:
        node[rnd.choice(KEYS)] = copy.deepcopy(rnd.choice(VALUES))


@needs_corpus
def test_the_compiled_31_meta_schema_agrees_with_the_validator() -> None:
    rnd = random.Random(31)
    check, sources = compiled_meta_schema(), _sources()
    verdicts = {True: 0, False: 0}
    for _ in range(400):
        document = copy.deepcopy(rnd.choice(sources))
        for _ in range(rnd.choice([0, 1, 1, 2, 3])):
            _mutate(document, rnd)
        expected = openapi_v31_schema_validator.is_valid(document)
        assert check(document) is expected, json.dumps(document)[:2000]
        verdicts[expected] += 1
    assert min(verdicts.values()) > 100, verdicts


def _random_schema(rnd: random.Random, depth: int = 0) -> Any:
    if rnd.random() < 0.1:
        return rnd.choice([True, False])
    schema: dict[str, Any] = {}
    for _ in range(rnd.randint(0, 4)):
        key = rnd.choice([*KEYS, "properties", "allOf", "anyOf", "additionalProperties"])
        if depth < 3 and rnd.random() < 0.35:
            if key in ("properties", "patternProperties", "$defs"):
                value: Any = {rnd.choice(["a", "([", "^x"]): _random_schema(rnd, depth + 1)}
            elif key in ("allOf", "anyOf", "prefixItems"):
                value = [_random_schema(rnd, depth + 1) for _ in range(rnd.randint(0, 2))]
            else:
                value = _random_schema(rnd, depth + 1)
        else:
            value = copy.deepcopy(rnd.choice(VALUES))
        schema[key] = value
    return schema


@needs_corpus
def test_the_compiled_31_dialect_agrees_with_check_schema() -> None:
    rnd = random.Random(2020)
    check = compiled_dialect()
    corpus = [schema for document in _sources()
              for schema in document.get("components", {}).get("schemas", {}).values()]
    verdicts = {True: 0, False: 0}
    for index in range(1500):
        if index % 2:
            schema = copy.deepcopy(rnd.choice(corpus))
            for _ in range(rnd.randint(0, 2) if isinstance(schema, dict) else 0):
                _mutate(schema, rnd)
        else:
            schema = _random_schema(rnd)
        expected = dialect_accepts(schema)
        assert check(schema) is expected, json.dumps(schema)
        verdicts[expected] += 1
    assert min(verdicts.values()) > 300, verdicts


@needs_corpus
def test_random_mutations_of_31_documents_get_the_validator_verdict(tmp_path: Path) -> None:
    rnd = random.Random(20251206)
    sources = _sources()
    verdicts = {True: 0, False: 0}
    for _ in range(150):
        document = copy.deepcopy(rnd.choice(sources))
        for _ in range(rnd.randint(1, 3)):
            _mutate(document, rnd)
        if spec_version(document) != "3.1":
            continue
        expected = reference_messages(document)
        found = validate_document(document, tmp_path / "spec.json", LineIndex({}))
        assert fast_verdict(document) is (expected == []), document
        assert (found == []) is (expected == []), document
        if expected:  # long messages (reprs of big objects) are cut after 500 characters
            assert sorted({validator_message(d)[:500] for d in found}) == sorted(
                {m[:500] for m in expected})
        verdicts[expected == []] += 1
    assert verdicts[True] > 15 and verdicts[False] > 60, verdicts


# GitHub's REST description as 3.1 ----------------------------------------------------------


def _no_jsonschema_meta_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the slow path fail loudly: the proof must run on compiled checks only."""
    def slow(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("jsonschema checked a meta-schema")

    monkeypatch.setattr(OAS31Validator, "check_schema", slow)
    monkeypatch.setitem(fastpath.SCHEMA_VALIDATORS, "3.1", None)


@pytest.mark.slow
def test_githubs_description_as_31_is_proven_valid_on_compiled_checks(
        github_spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "apiscribe", "convert", str(github_spec), "--to", "openapi",
         "-o", str(tmp_path / "gh31")], capture_output=True, text=True, check=False)
    written = tmp_path / "gh31" / "openapi.json"
    assert written.is_file(), done.stderr  # exit 1: GitHub's own examples do not match
    naive = json.loads(github_spec.read_text(encoding="utf-8")) | {"openapi": "3.1.0"}
    converted, _, lines = load_document(written)
    assert spec_version(converted) == "3.1"
    compiled_dialect(), compiled_meta_schema()  # built (and cached) before the patch
    with monkeypatch.context() as patched:
        _no_jsonschema_meta_checks(patched)
        for document in (converted, naive):
            start = time.perf_counter()
            assert validate_document(document, written, lines) == []
            assert time.perf_counter() - start < 30  # was 90 s through jsonschema
    # The validator's verdict on the relabelled one (the slowest step: about a minute).
    assert reference_messages(naive) == []


@pytest.mark.slow
def test_githubs_description_as_31_with_one_problem(github_spec: Path, tmp_path: Path) -> None:
    base = json.loads(github_spec.read_text(encoding="utf-8")) | {"openapi": "3.1.0"}
    deep = copy.deepcopy(base)  # deep in one component: only the OAS vocabulary forbids it
    deep["components"]["schemas"]["repository"]["properties"]["owner"] = {
        "type": "object", "properties": {"login": {"xml": {"name": "l", "colour": "red"}}}}
    unknown = copy.deepcopy(base)
    unknown["paths"]["/repos/{owner}/{repo}"]["get"]["summry"] = "typo"
    for document in (deep, unknown):
        assert fast_verdict(document) is False
    found = validate_document(deep, tmp_path / "spec.json", LineIndex({}))
    assert [(d.code, d.pointer) for d in found] == [
        ("spec-invalid", "/components/schemas/repository/properties/owner/properties/login/xml")]
    assert "Unevaluated properties are not allowed ('colour' was unexpected)" in found[0].message
