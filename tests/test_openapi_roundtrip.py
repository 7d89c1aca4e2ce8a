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

from apiscribe.model import ApiModel, Endpoint, NamedExample, Section
from apiscribe.views.openapi import build_document

from .conftest import CORPUS
from .imported_fixtures import MODEL, NEW_PET_HOOK, SCHEMAS, SECURITY_SCHEMES

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
    """A schema in one canonical 3.1 form: 3.0's ``nullable``, boolean exclusive bounds and
    ``example`` rewritten (``examples: [X]``), Swagger's ``type: file`` read as a binary
    string and its ``#/definitions/`` references as ``#/components/schemas/``."""
    if not isinstance(node, dict):
        return node
    out = dict(node)
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        out["$ref"] = "#/components/schemas/" + ref.removeprefix("#/definitions/")
    if out.get("type") == "file":
        out["type"], out["format"] = "string", "binary"
    if "example" in out and "examples" not in out:
        out["examples"] = [out.pop("example")]
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
    before = json.dumps([SCHEMAS, SECURITY_SCHEMES], sort_keys=True)
    doc = build_document(MODEL)
    build_document(MODEL, version="3.0.3")
    # the model is not changed (not even by the 3.0.3 down-conversion)
    assert json.dumps([SCHEMAS, SECURITY_SCHEMES], sort_keys=True) == before
    assert doc["components"]["schemas"] == SCHEMAS
    assert doc["components"]["securitySchemes"] == SECURITY_SCHEMES
    assert doc["servers"] == [{"url": "https://petstore.example.com/v1"}]
    assert doc["security"] == [{"api_key": []}]
    assert doc["externalDocs"] == {"url": "https://docs.example.com"}
    assert doc["x-logo"] == {"url": "https://example.com/logo.png"}
    # the tags the model declares, and no generated ones (the model declares its tags)
    assert doc["tags"] == [{"name": "Health"}]
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
    body = NEW_PET_HOOK.request_body
    assert body is not None
    media = body.content[0]
    generated = dataclasses.replace(
        media, examples=(NamedExample("", {"name": "x"}, generated=True),)
    )
    ep = dataclasses.replace(
        NEW_PET_HOOK, request_body=dataclasses.replace(body, content=(generated,))
    )
    model = dataclasses.replace(MODEL, sections=(Section("hooks", "Hooks", (ep,)),))
    written = build_document(model)["webhooks"]["newPet"]["post"]["requestBody"]["content"]
    assert written == {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}


def test_summary_and_path_parameters_are_not_invented() -> None:
    # As the importer builds a spec operation with no summary, no tags, no parameters and no
    # responses: the title is empty (it displays as the operationId), tags and responses are
    # stated empty.
    bare = Endpoint(
        name="get-things-id", section="s", method="GET", api_path="/things/{id}",
        operation_id="getThing", tags=(), responses=(),
    )
    assert bare.display_title == "getThing"
    doc = build_document(ApiModel("T", (Section("s", "S", (bare,)),)))
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


def test_model_schemas_are_written_down_as_30() -> None:
    new_style = {
        "type": ["string", "null"],
        "const": "x",
        "examples": ["x"],
        "exclusiveMaximum": 5,
        "$comment": "dropped in 3.0",
    }
    model = ApiModel("T", schemas={"B": new_style})
    assert build_document(model, version="3.0.3")["components"]["schemas"]["B"] == {
        "type": "string", "nullable": True, "enum": ["x"], "example": "x",
        "maximum": 5, "exclusiveMaximum": True,
    }
    assert build_document(model)["components"]["schemas"]["B"] == new_style
    assert model.schemas["B"] == {  # the model is not changed
        "type": ["string", "null"], "const": "x", "examples": ["x"], "exclusiveMaximum": 5,
        "$comment": "dropped in 3.0",
    }


OLD_30 = """\
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200":
          description: An A.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/A'}
components:
  schemas:
    A:
      type: object
      properties:
        n: {type: integer, nullable: true, minimum: 1, exclusiveMinimum: true, example: 2}
        m: {type: number, maximum: 9, exclusiveMaximum: false}
        d: {$ref: '#/components/schemas/D'}
    D: {type: string, nullable: false, example: d}
"""

OLD_20 = """\
swagger: "2.0"
info: {title: T, version: "1"}
paths:
  /a:
    post:
      operationId: postA
      consumes: [multipart/form-data]
      parameters:
        - {name: upload, in: formData, type: file, required: true}
      responses:
        "200":
          description: An A.
          schema: {$ref: '#/definitions/A'}
definitions:
  A:
    type: object
    properties:
      n: {type: integer, x-nullable: true, minimum: 1, exclusiveMinimum: true, example: 2}
      f: {type: file}
      d: {$ref: '#/definitions/D'}
  D: {type: string}
"""


def test_the_importer_reads_30_schemas_in_the_31_dialect(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    path.write_text(OLD_30, encoding="utf-8")
    model = imported(path)
    expected = {
        "A": {"type": "object", "properties": {
            "n": {"type": ["integer", "null"], "exclusiveMinimum": 1, "examples": [2]},
            "m": {"type": "number", "maximum": 9},
            "d": {"$ref": "#/components/schemas/D"},
        }},
        "D": {"type": "string", "examples": ["d"]},
    }
    assert model.schemas == expected
    assert build_document(model)["components"]["schemas"] == expected
    validate(json.loads(json.dumps(build_document(model))))


def test_the_importer_reads_swagger_schemas_in_the_31_dialect(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    path.write_text(OLD_20, encoding="utf-8")
    model = imported(path)
    expected = {
        "A": {"type": "object", "properties": {
            "n": {"type": ["integer", "null"], "exclusiveMinimum": 1, "examples": [2]},
            "f": {"type": "string", "format": "binary"},
            "d": {"$ref": "#/components/schemas/D"},
        }},
        "D": {"type": "string"},
    }
    assert model.schemas == expected
    (endpoint,) = model.endpoints
    assert endpoint.responses is not None
    assert endpoint.responses[0].content[0].schema == {"$ref": "#/components/schemas/A"}
    assert endpoint.request_body is not None
    assert endpoint.request_body.content[0].schema == {
        "type": "object", "properties": {"upload": {"type": "string", "format": "binary"}},
        "required": ["upload"]}
    doc = build_document(model)
    assert doc["components"]["schemas"] == expected
    validate(json.loads(json.dumps(doc)))
