"""Examples generated from schemas: the rules, recursion, depth, determinism."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from apiscribe.model import NamedExample
from apiscribe.views.synthesize import (
    MAX_DEPTH,
    generated_example,
    stated_value,
    synthesize,
)

from .conftest import ROOT
from .imported_fixtures import SCHEMAS


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def test_scalars_follow_type_and_format() -> None:
    assert synthesize({"type": "string"}) == "string"
    assert synthesize({"type": "string", "format": "date-time"}) == "2024-01-01T00:00:00Z"
    assert synthesize({"type": "string", "format": "date"}) == "2024-01-01"
    assert synthesize({"type": "string", "format": "email"}) == "user@example.com"
    assert synthesize({"type": "string", "format": "uuid"}) == (
        "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    )
    assert synthesize({"type": "string", "format": "uri"}) == "https://example.com"
    assert synthesize({"type": "string", "format": "no-such-format"}) == "string"
    assert synthesize({"type": "integer"}) == 0
    assert synthesize({"type": "number"}) == 0
    assert synthesize({"type": "boolean"}) is True
    assert synthesize({"type": "null"}) is None
    assert synthesize({"type": ["null", "integer"]}) == 0
    assert synthesize({}) is None


def test_numbers_respect_their_bounds() -> None:
    assert synthesize({"type": "integer", "minimum": 5, "maximum": 9}) == 5
    assert synthesize({"type": "integer", "minimum": 5, "exclusiveMinimum": True}) == 6
    assert synthesize({"type": "integer", "exclusiveMinimum": 5}) == 6
    assert synthesize({"type": "integer", "minimum": 2.5}) == 3
    assert synthesize({"type": "integer", "maximum": -3}) == -3
    assert synthesize({"type": "number", "exclusiveMaximum": 0}) == -0.5
    assert synthesize({"type": "number", "minimum": 1.25}) == 1.25


def test_the_schemas_own_values_win() -> None:
    assert synthesize({"type": "string", "example": "Rex", "default": "x"}) == "Rex"
    assert synthesize({"type": "string", "examples": ["first", "second"]}) == "first"
    assert synthesize({"type": "string", "const": "fixed", "default": "x"}) == "fixed"
    assert synthesize({"type": "string", "default": "available", "enum": ["a"]}) == "available"
    assert synthesize({"type": "string", "enum": [None, "sold", "gone"]}) == "sold"
    assert synthesize({"type": "integer", "enum": [3, 4]}) == 3


def test_stated_values_are_only_what_the_schema_says() -> None:
    # What parameters use: nothing made up, so a reader recognizes the value.
    assert stated_value({"type": "string", "format": "uuid"}) == (None, False)
    assert stated_value({"type": "integer", "minimum": 3}) == (None, False)
    assert stated_value({"type": "string", "default": ""}) == ("", True)
    assert stated_value({"type": "string", "enum": [None, "open"]}) == ("open", True)
    assert stated_value({"type": "integer", "examples": [7]}) == (7, True)
    assert stated_value(ref("Error"), SCHEMAS) == (None, False)
    schemas = {"Size": {"type": "string", "enum": ["S", "M"]}, "Loop": ref("Loop")}
    assert stated_value(ref("Size"), schemas) == ("S", True)
    assert stated_value(ref("Loop"), schemas) == (None, False)
    assert stated_value({"type": "array", "items": ref("Size")}, schemas) == (["S"], True)
    assert stated_value({"oneOf": [{"type": "null"}, {"const": 2}]}) == (2, True)
    assert stated_value({"allOf": [{"type": "string"}, {"default": "x"}]}) == ("x", True)


def test_objects_arrays_and_maps() -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "pairs": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "boolean"}]},
            "labels": {"type": "object", "additionalProperties": {"type": "integer"}},
            "anything": {"type": "array"},
        },
    }
    assert synthesize(schema) == {
        "name": "string",
        "tags": ["string"],
        "pairs": [0, True],
        "labels": {"key": 0},
        "anything": [],
    }


def test_composition() -> None:
    assert synthesize({"oneOf": [{"type": "null"}, {"type": "integer"}]}) == 0
    assert synthesize({"anyOf": [{"type": "string"}, {"type": "integer"}]}) == "string"
    all_of = {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "integer"}}},
            {"type": "object", "properties": {"b": {"type": "boolean"}}},
        ],
        "properties": {"c": {"type": "string"}},
    }
    assert synthesize(all_of) == {"a": 0, "b": True, "c": "string"}
    assert synthesize({"allOf": [{"type": "string", "format": "date"}]}) == "2024-01-01"


def test_references_are_followed() -> None:
    assert synthesize(ref("Error"), SCHEMAS) == {"code": 400, "message": "string"}
    # The model refers to its named schemas only as #/components/schemas/<name>: a Swagger
    # source rewrites #/definitions/<name> on the way in, so the view follows no other form.
    assert synthesize({"$ref": "#/definitions/Tag"}, SCHEMAS) is None
    assert synthesize(ref("Missing"), SCHEMAS) is None


def test_recursive_schemas_stop() -> None:
    schemas: dict[str, Any] = {
        "Node": {
            "type": "object",
            "required": ["parent"],
            "properties": {
                "name": {"type": "string"},
                "parent": ref("Node"),
                "children": {"type": "array", "items": ref("Node")},
            },
        },
        "Loop": {"allOf": [ref("Loop")]},
    }
    assert synthesize(ref("Node"), schemas) == {"name": "string", "children": []}
    assert synthesize(ref("Loop"), schemas) is None
    user = synthesize(ref("User"), SCHEMAS)
    assert user["friends"] == []


def test_depth_is_limited() -> None:
    schema: dict[str, Any] = {"type": "integer"}
    for _ in range(MAX_DEPTH + 3):
        schema = {"type": "object", "properties": {"a": schema}}
    value = synthesize({"type": "array", "items": schema})
    depth = 1
    item = value[0]
    while item:
        item, depth = item["a"], depth + 1
    assert item == {} and depth == MAX_DEPTH
    assert synthesize(schema, max_depth=2) == {"a": {"a": {}}}


def test_read_only_and_write_only_properties() -> None:
    pet = synthesize(ref("Pet"), SCHEMAS)
    request = synthesize(ref("Pet"), SCHEMAS, direction="request")
    response = synthesize(ref("Pet"), SCHEMAS, direction="response")
    assert {"id", "secret"} <= set(pet)
    assert "id" not in request and "secret" in request
    assert "id" in response and "secret" not in response
    read_only_target = {
        "Id": {"type": "integer", "readOnly": True},
        "Thing": {"type": "object", "properties": {"id": ref("Id"), "n": {"type": "string"}}},
    }
    assert synthesize(ref("Thing"), read_only_target, direction="request") == {"n": "string"}


def test_generated_example_is_marked() -> None:
    assert generated_example(ref("Error"), SCHEMAS, direction="response") == NamedExample(
        "", {"code": 400, "message": "string"}, generated=True
    )


def test_synthesis_is_deterministic_across_runs() -> None:
    code = (
        "import json\n"
        "from apiscribe.views.synthesize import synthesize\n"
        "from tests.imported_fixtures import SCHEMAS\n"
        "print(json.dumps([synthesize({'$ref': '#/components/schemas/' + name}, SCHEMAS,"
        " direction='response') for name in sorted(SCHEMAS)]))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(outputs) == 1
    expected = [
        synthesize(ref(name), SCHEMAS, direction="response")
        for name in sorted(SCHEMAS)
    ]
    assert json.loads(outputs.pop()) == expected
