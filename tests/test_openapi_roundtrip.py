"""Any existing spec in, the same API out: the corpus specs through the importer and the
OpenAPI view, compared by meaning (not text), and the output validated."""

from __future__ import annotations

import dataclasses
import functools
import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from apiscribe.model import ApiModel, Endpoint, NamedExample, Operation, Section
from apiscribe.views.openapi import build_document

from .conftest import CORPUS
from .imported_fixtures import COMPONENTS, MODEL, NEW_PET_HOOK

SPECS = (
    sorted(p for p in (CORPUS / "openapi").iterdir() if p.suffix in (".json", ".yaml"))
    if (CORPUS / "openapi").is_dir() else []
)
needs_corpus = pytest.mark.skipif(
    not SPECS, reason="the shared corpus (../shared/corpus/openapi) is not beside the checkout"
)
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SWAGGER_VALUE_FIELDS = (
    "type", "format", "items", "default", "maximum", "exclusiveMaximum", "minimum",
    "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "enum", "multipleOf",
)
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
SCHEMA_ONE = ("items", "additionalProperties", "not", "if", "then", "else", "contains")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")

Loader = Callable[[Path], tuple[ApiModel | None, list[Any]]]


def importer() -> Loader:
    """The importer's ``load_spec``; skips the test while it has not landed."""
    try:
        module = importlib.import_module("apiscribe.sources.openapi")
    except ImportError:
        pytest.skip("the OpenAPI importer (apiscribe.sources.openapi.load_spec) is not there yet")
    load: Loader | None = getattr(module, "load_spec", None)
    if load is None:
        pytest.skip("apiscribe.sources.openapi has no load_spec yet")
    return load


def read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@functools.cache
def validated_input(path: Path) -> None:
    validate(read(path))


def imported(path: Path) -> ApiModel:
    model, diagnostics = importer()(path)
    assert model is not None, [d.format() for d in diagnostics]
    assert [d for d in diagnostics if d.level == "error"] == []
    return model


# -- normalizing both sides ----------------------------------------------------------------


def schema(node: Any) -> Any:
    """A schema in one canonical 3.1 form: 3.0's ``nullable`` and boolean exclusive bounds
    rewritten, Swagger's ``#/definitions/`` references read as ``#/components/schemas/``."""
    if not isinstance(node, dict):
        return node
    out = dict(node)
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        out["$ref"] = "#/components/schemas/" + ref.removeprefix("#/definitions/")
    nullable = out.pop("nullable", None)
    if nullable is True and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    elif nullable is True:
        out["nullable"] = True
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = out.get(exclusive)
        if isinstance(flag, bool):
            del out[exclusive]
            if flag:
                out[exclusive] = out.pop(bound)
    for key in SCHEMA_MAPS:
        if isinstance(out.get(key), dict):
            out[key] = {name: schema(sub) for name, sub in out[key].items()}
    for key in SCHEMA_ONE:
        if isinstance(out.get(key), dict):
            out[key] = schema(out[key])
    for key in SCHEMA_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [schema(sub) for sub in out[key]]
    return out


class Facts:
    """What a round trip must keep, read from one OpenAPI 3.x or Swagger 2.0 document."""

    def __init__(self, doc: dict[str, Any]):
        self.doc = doc
        self.swagger = "swagger" in doc

    def follow(self, node: Any) -> Any:
        """A local reference to a non-schema object (parameter, response...) followed."""
        for _ in range(16):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node
            target: Any = self.doc
            for token in node["$ref"].removeprefix("#/").split("/"):
                target = target[token.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def of(self) -> dict[str, Any]:
        operations: dict[str, Any] = {}
        for key in ("paths", "webhooks"):
            for path, item in (self.doc.get(key) or {}).items():
                item = self.follow(item)
                shared = item.get("parameters") or []
                for method in METHODS:
                    if method in item:
                        name = f"{method.upper()} {path}" + (" (webhook)" * (key == "webhooks"))
                        operations[name] = self.operation(item[method], shared)
        schemas = (
            self.doc.get("definitions") if self.swagger
            else (self.doc.get("components") or {}).get("schemas")
        ) or {}
        return {
            "operations": operations,
            "schemas": {name: schema(value) for name, value in schemas.items()},
        }

    def operation(self, op: dict[str, Any], shared: list[Any]) -> dict[str, Any]:
        params = {}
        for raw in [*shared, *(op.get("parameters") or [])]:
            param = self.follow(raw)
            params[param["name"], param["in"]] = param
        return {
            "parameters": {
                f"{where} {name}": self.parameter(p) for (name, where), p in params.items()
                if where not in ("body", "formData")
            },
            "requestBody": self.request_body(op, list(params.values())),
            "responses": {
                str(status): self.response(value, op)
                for status, value in (op.get("responses") or {}).items()
                if not str(status).startswith("x-")
            },
        }

    def parameter(self, param: dict[str, Any]) -> dict[str, Any]:
        value: Any = param.get("schema")
        if self.swagger:
            value = {k: param[k] for k in SWAGGER_VALUE_FIELDS if k in param}
        return {
            "required": param.get("required") is True or param["in"] == "path",
            "schema": schema(value),
            "content": param.get("content"),
        }

    def media_types(self, op: dict[str, Any], key: str) -> list[str]:
        return list(op.get(key) or self.doc.get(key) or ["application/json"])

    def request_body(self, op: dict[str, Any], params: list[dict[str, Any]]) -> Any:
        if not self.swagger:
            body = self.follow(op.get("requestBody"))
            if body is None:
                return None
            return {
                media: schema(value.get("schema"))
                for media, value in (body.get("content") or {}).items()
            }
        bodies = [p for p in params if p["in"] == "body"]
        if bodies:
            body_schema = schema(bodies[0].get("schema"))
            return {media: body_schema for media in self.media_types(op, "consumes")}
        form = sorted(p["name"] for p in params if p["in"] == "formData")
        return {"form fields": form} if form else None

    def response(self, response: Any, op: dict[str, Any]) -> dict[str, Any]:
        response = self.follow(response)
        if self.swagger:
            examples = response.get("examples") or {}
            if "schema" not in response and not examples:
                return {}
            return {
                media: {"schema": schema(response.get("schema")),
                        "examples": {"": examples[media]} if media in examples else {}}
                for media in dict.fromkeys([*self.media_types(op, "produces"), *examples])
            }
        return {
            media: {"schema": schema(value.get("schema")), "examples": self.examples(value)}
            for media, value in (response.get("content") or {}).items()
        }

    def examples(self, media: dict[str, Any]) -> dict[str, Any]:
        if "example" in media:
            return {"": media["example"]}
        return {
            name: self.follow(value).get("value")
            for name, value in (media.get("examples") or {}).items()
        }


# -- the tests ------------------------------------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_round_trip_keeps_the_api(path: Path) -> None:
    original = read(path)
    document = build_document(imported(path))
    expected, actual = Facts(original).of(), Facts(document).of()
    assert sorted(actual["operations"]) == sorted(expected["operations"])
    for name, operation in expected["operations"].items():
        assert actual["operations"][name] == operation, name
    assert actual["schemas"] == expected["schemas"]


@needs_corpus
@pytest.mark.parametrize("version", ["3.1.0", "3.0.3"])
@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_round_trip_output_validates(path: Path, version: str) -> None:
    validated_input(path)  # the input is valid: so must the output be
    document = build_document(imported(path), version=version)
    assert document["openapi"] == version
    validate(json.loads(json.dumps(document)))


@needs_corpus
def test_corpus_has_every_kind_of_spec() -> None:
    versions = {str(read(p).get("openapi") or read(p).get("swagger"))[:3] for p in SPECS}
    assert versions == {"2.0", "3.0", "3.1"}


# -- a hand-built imported model ------------------------------------------------------------


def hand_operation(doc: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    found: dict[str, Any] = doc["paths"][path][method]
    return found


@pytest.mark.parametrize("version", ["3.1.0", "3.0.3"])
def test_hand_model_validates(version: str) -> None:
    validate(json.loads(json.dumps(build_document(MODEL, version=version))))


def test_operation_is_written_from_the_model() -> None:
    doc = build_document(MODEL)
    listing = hand_operation(doc, "/pets", "get")
    assert list(listing) == [
        "tags", "summary", "description", "operationId", "parameters", "responses", "security",
    ]
    assert [(p["name"], p["in"]) for p in listing["parameters"]] == [
        ("limit", "query"), ("status", "query"), ("X-Request-Id", "header"), ("session", "cookie"),
    ]
    assert listing["parameters"][0]["example"] == 10
    assert listing["parameters"][3] == {
        "name": "session", "in": "cookie", "description": "The old session cookie.",
        "deprecated": True, "schema": {"type": "string"},
    }
    assert listing["responses"]["200"]["headers"] == {
        "x-next": {"description": "The next page.", "schema": {"type": "string"}}
    }
    get = hand_operation(doc, "/pets/{petId}", "get")
    assert get["deprecated"] is True and get["security"] == []
    assert get["parameters"][0]["examples"] == {
        "small": {"summary": "A small id", "value": 42}, "big": {"value": 9000},
    }
    create = hand_operation(doc, "/pets", "post")
    media = create["requestBody"]["content"]
    assert media["application/json"]["examples"]["cat"]["summary"] == "A cat"
    assert media["application/x-www-form-urlencoded"]["encoding"] == {
        "tags": {"style": "form", "explode": True}
    }
    assert create["responses"]["201"]["content"]["application/json"]["example"]["id"] == 7
    assert create["responses"]["201"]["links"]["GetPet"]["operationId"] == "getPet"
    assert create["externalDocs"] == {"url": "https://docs.example.com/pets"}
    assert create["x-rate-limit"] == 10
    assert "adopted" in create["callbacks"]
    assert "example" not in create["responses"]["400"]["content"]["application/json"]


def test_document_level_facts_and_components_are_verbatim() -> None:
    before = json.dumps(COMPONENTS, sort_keys=True)
    doc = build_document(MODEL)
    assert json.dumps(COMPONENTS, sort_keys=True) == before  # the model is not changed
    assert doc["components"]["schemas"] == COMPONENTS["schemas"]
    assert doc["components"]["securitySchemes"] == COMPONENTS["securitySchemes"]
    assert doc["servers"] == [{"url": "https://petstore.example.com/v1"}]
    assert doc["security"] == [{"api_key": []}]
    assert doc["externalDocs"] == {"url": "https://docs.example.com"}
    assert doc["x-logo"] == {"url": "https://example.com/logo.png"}
    assert doc["tags"] == [{"name": "Health"}]  # only code sections get generated tags
    assert hand_operation(doc, "/ping", "get")["security"] == []


def test_webhooks_are_keyed_by_name() -> None:
    doc = build_document(MODEL)
    assert list(doc["webhooks"]) == ["newPet"]
    hook = doc["webhooks"]["newPet"]["post"]
    assert "operationId" not in hook
    assert hook["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Pet"
    }
    old = build_document(MODEL, version="3.0.3")
    assert "webhooks" not in old and list(old["x-webhooks"]) == ["newPet"]


def test_generated_examples_are_never_written() -> None:
    hook = NEW_PET_HOOK.operation
    assert hook is not None and hook.request_body is not None
    media = hook.request_body.content[0]
    generated = dataclasses.replace(
        media, examples=(NamedExample("", {"name": "x"}, generated=True),)
    )
    ep = dataclasses.replace(
        NEW_PET_HOOK,
        operation=dataclasses.replace(
            hook, request_body=dataclasses.replace(hook.request_body, content=(generated,))
        ),
    )
    model = dataclasses.replace(MODEL, sections=(Section("hooks", "Hooks", (ep,)),))
    written = build_document(model)["webhooks"]["newPet"]["post"]["requestBody"]["content"]
    assert written == {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}


def test_summary_and_path_parameters_are_not_invented() -> None:
    bare = Endpoint(
        name="get-things-id", section="s", method="GET", api_path="/things/{id}",
        title="getThing", operation=Operation(operation_id="getThing"),
    )
    doc = build_document(ApiModel("T", (Section("s", "S", (bare,)),), components={}))
    op = hand_operation(doc, "/things/{id}", "get")
    assert op == {
        "operationId": "getThing",
        "parameters": [{"name": "id", "in": "path", "required": True,
                        "schema": {"type": "string"}}],
    }
    validate(doc)
    old = build_document(ApiModel("T", (Section("s", "S", (bare,)),)), version="3.0.3")
    assert hand_operation(old, "/things/{id}", "get")["responses"] == {
        "default": {"description": "No responses documented."}
    }


def test_schema_dialects_are_converted() -> None:
    old_style = {
        "type": "object",
        "properties": {
            "n": {"type": "integer", "nullable": True, "minimum": 1, "exclusiveMinimum": True},
            "f": {"type": "file"},
            "d": {"$ref": "#/definitions/D"},
        },
    }
    model = ApiModel("T", components={"schemas": {"A": old_style}}, source_version="3.0.3")
    assert build_document(model)["components"]["schemas"]["A"]["properties"] == {
        "n": {"type": ["integer", "null"], "exclusiveMinimum": 1},
        "f": {"type": "string", "format": "binary"},
        "d": {"$ref": "#/components/schemas/D"},
    }
    new_style = {
        "type": ["string", "null"],
        "const": "x",
        "examples": ["x"],
        "exclusiveMaximum": 5,
        "$comment": "dropped in 3.0",
    }
    model = ApiModel("T", components={"schemas": {"B": new_style}}, source_version="3.1.0")
    assert build_document(model, version="3.0.3")["components"]["schemas"]["B"] == {
        "type": "string", "nullable": True, "enum": ["x"], "example": "x",
        "maximum": 5, "exclusiveMaximum": True,
    }
    assert build_document(model)["components"]["schemas"]["B"] == new_style
