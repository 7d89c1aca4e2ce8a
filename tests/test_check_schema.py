"""The JSON doc schema, applied by the JSON-doc reader (``read_file``): real docs pass, every
violation is named, once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from apiscribe.diagnostics import Diagnostic, error, warning
from apiscribe.formats.jsondoc import SCHEMA_FILENAME, py2_dumps, read_file, schema_text

from .conftest import CORPUS, ROOT, SEED

DOCS = sorted((CORPUS / "sentry-docs").rglob("*.md")) if CORPUS.is_dir() else []
VARIANTS = CORPUS / "sentry-docs-variants" / "organizations"
needs_corpus = pytest.mark.skipif(
    len(DOCS) != 53 or not SEED.is_file(), reason=f"the shared corpus is not at {CORPUS}"
)
FILE = "things/get-thing.md"
METHODS = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, TRACE"

#: A complete, valid doc; line 1 is '---', line 2 the header, line 3 '{', keys from line 4.
COMPLETE: dict[str, Any] = {
    "api_path": "/api/0/things/{thing_id}/",
    "authentication": "required",
    "description": "Return a thing.",
    "example_request": "",
    "example_response": "",
    "method": "GET",
    "parameters": None,
    "path_parameters": [{"description": "the thing.", "name": "thing_id", "type": "int"}],
    "query_parameters": None,
    "sidebar_order": 0,
    "title": "Retrieve a Thing",
    "warning": None,
}


def write_doc(tmp_path: Path, json_text: str, header: str = "# A test doc\n") -> Path:
    path = tmp_path / "things" / "get-thing.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(f"---\n{header}{json_text}\n---\n".encode())
    return path


def diagnostics_of(path: Path, display: str = FILE) -> list[Diagnostic]:
    return read_file(path, display=display, missing_keys=True).diagnostics  # as check reads


def check(tmp_path: Path, doc: Any) -> list[Diagnostic]:
    return diagnostics_of(write_doc(tmp_path, py2_dumps(doc)))


def schema_error(line: int, pointer: str, message: str, hint: str = "",
                 code: str = "bad-field") -> Diagnostic:
    return error(code, message, file=FILE, line=line, pointer=pointer,
                 endpoint="get-thing", hint=hint)


def unknown_key(line: int, pointer: str, message: str, hint: str) -> Diagnostic:
    return schema_error(line, pointer, message, hint, code="unknown-key")


# --- the schema itself ----------------------------------------------------------------------


def test_schema_text_is_the_shipped_file() -> None:
    shipped = ROOT / "generator" / "apiscribe" / "formats" / SCHEMA_FILENAME
    assert SCHEMA_FILENAME == "jsondoc.schema.json"
    assert schema_text() == shipped.read_bytes().decode("utf-8")


def test_schema_is_draft_2020_12_and_documents_its_required_keys() -> None:
    schema = json.loads(schema_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["method", "title"]
    assert schema["additionalProperties"] is False
    assert sorted(schema["properties"]) == sorted(COMPLETE)
    assert "Only 'method' and 'title' are required" in schema["description"]
    assert "'missing-key' warning" in schema["description"]


def test_complete_doc_passes(tmp_path: Path) -> None:
    read = read_file(write_doc(tmp_path, py2_dumps(COMPLETE)), display=FILE)
    assert read.diagnostics == []
    assert read.endpoint is not None
    assert read.endpoint.title == "Retrieve a Thing"


# --- real documents -------------------------------------------------------------------------


@needs_corpus
@pytest.mark.parametrize("path", [*DOCS, SEED], ids=lambda p: p.stem)
def test_real_docs_pass(path: Path) -> None:
    assert diagnostics_of(path, display=path.name) == []


@needs_corpus
def test_hand_edited_variants_only_warn_about_missing_keys() -> None:
    headerless = VARIANTS / "delete-organization-details.md"
    assert diagnostics_of(headerless, display="v.md") == [
        warning("missing-key", "missing key 'api_path'; it reads as \"\"", file="v.md", line=2,
                pointer="/api_path", endpoint="delete-organization-details",
                hint="add \"api_path\" to the JSON object, so the doc says what it means"),
        warning("missing-key", "missing key 'warning'; it reads as null", file="v.md", line=2,
                pointer="/warning", endpoint="delete-organization-details",
                hint="add \"warning\" to the JSON object, so the doc says what it means"),
    ]
    relaid = VARIANTS / "get-organization-users.md"
    assert diagnostics_of(relaid, display="v.md") == []


# --- violations -----------------------------------------------------------------------------


def test_only_method_and_title_are_required(tmp_path: Path) -> None:
    found = check(tmp_path, {"titel": "Retrieve a Thing"})
    assert [d for d in found if d.code != "missing-key"] == [
        schema_error(3, "/method", "missing required key 'method'"),
        schema_error(3, "/title", "missing required key 'title'"),
        unknown_key(4, "/titel", "unknown key 'titel'", "did you mean 'title'?"),
    ]
    assert sorted(d.pointer for d in found if d.code == "missing-key") == [
        f"/{key}" for key in sorted(COMPLETE) if key not in ("method", "title")
    ]
    assert {d.level for d in found if d.code == "missing-key"} == {"warning"}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("method", "get", f"'method' must be one of {METHODS}, not \"get\""),
        ("method", 5, f"'method' must be one of {METHODS}, not 5"),
        ("sidebar_order", -1, "'sidebar_order' must be at least 0, not -1"),
        ("sidebar_order", "3", "'sidebar_order' must be an integer, not a string"),
        ("sidebar_order", True, "'sidebar_order' must be an integer, not a boolean"),
        ("title", "", "'title' must not be empty"),
        ("warning", 5, "'warning' must be a string or null, not an integer"),
        ("api_path", "api/0/things/", "'api_path' must match '^/', not \"api/0/things/\""),
        ("authentication", None, "'authentication' must be a string, not null"),
        ("parameters", {}, "'parameters' must be an array or null, not an object"),
    ],
)
def test_wrong_value_is_named_at_its_line(
    tmp_path: Path, key: str, value: Any, message: str
) -> None:
    line = 4 + sorted(COMPLETE).index(key)
    if key > "path_parameters":
        line += 6  # the lines of the path parameter entry
    assert check(tmp_path, {**COMPLETE, key: value}) == [schema_error(line, f"/{key}", message)]


def test_parameter_entries_have_exactly_three_string_keys(tmp_path: Path) -> None:
    params = [{"name": "thing_id", "type": "int", "required": True}, "x",
              {"description": "d", "name": "", "type": 3}]
    found = check(tmp_path, {**COMPLETE, "path_parameters": params})
    # Lines: 11 '"path_parameters": [', 12 '{', 13 name, 14 required, 15 type, 17 "x", ...
    assert found == [
        schema_error(12, "/path_parameters/0/description", "missing required key 'description'"),
        unknown_key(14, "/path_parameters/0/required", "unknown key 'required'",
                    "known: description, name, type"),
        schema_error(17, "/path_parameters/1",
                     "each entry of 'path_parameters' must be an object, not a string"),
        schema_error(20, "/path_parameters/2/name", "'name' must not be empty"),
        schema_error(21, "/path_parameters/2/type", "'type' must be a string, not an integer"),
    ]


def test_every_error_is_reported(tmp_path: Path) -> None:
    found = check(tmp_path, {**COMPLETE, "method": "get", "title": 1, "extra": 2})
    assert [(d.pointer, d.line, d.code) for d in found] == [
        ("/extra", 9, "unknown-key"), ("/method", 10, "bad-field"), ("/title", 21, "bad-field"),
    ]


def test_root_must_be_an_object(tmp_path: Path) -> None:
    assert check(tmp_path, []) == [
        schema_error(3, "", "the JSON document must be an object, not an array")
    ]


@pytest.mark.parametrize(
    ("content", "code", "line"),
    [
        (b"{\n}\n", "not-jsondoc", 1),
        (b"---\n# h\n{\n  \"method\": \"GET\",\n}\n---\n", "bad-json", 5),
        (b"---\n# h\n{\"title\": \"caf\xe9\"}\n---\n", "bad-utf8", 3),
        (b"---\n# h\n{\"method\": \"GET\", \"title\": \"T\"}\n", "missing-closing-fence", 3),
    ],
)
def test_front_matter_must_be_well_formed(
    tmp_path: Path, content: bytes, code: str, line: int
) -> None:
    path = tmp_path / "get-thing.md"
    path.write_bytes(content)
    found = diagnostics_of(path)
    assert [(d.level, d.code, d.file, d.line) for d in found] == [("error", code, FILE, line)]


def test_one_unknown_key_gives_exactly_one_diagnostic(tmp_path: Path) -> None:
    read = read_file(write_doc(tmp_path, py2_dumps({**COMPLETE, "summary": "A thing."})),
                     display=FILE)
    # Lines: 4 api_path ... 11-17 path_parameters, 18 query_parameters, 19 sidebar_order,
    # 20 summary.
    assert read.diagnostics == [
        unknown_key(20, "/summary", "unknown key 'summary'",
                    "known: " + ", ".join(sorted(COMPLETE))),
    ]
    assert read.endpoint is None
    assert read.lines.line_of("/summary") == 20


def test_a_misspelt_key_is_one_unknown_key_with_its_hint(tmp_path: Path) -> None:
    doc = {key: value for key, value in COMPLETE.items() if key != "warning"}
    found = check(tmp_path, {**doc, "warnings": None})
    assert found == [
        warning("missing-key", "missing key 'warning'; it reads as null", file=FILE, line=3,
                pointer="/warning", endpoint="get-thing",
                hint="add \"warning\" to the JSON object, so the doc says what it means"),
        unknown_key(21, "/warnings", "unknown key 'warnings'", "did you mean 'warning'?"),
    ]


def test_a_schema_error_is_not_reported_twice(tmp_path: Path) -> None:
    found = check(tmp_path, {**COMPLETE, "method": "get", "sidebar_order": -1})
    assert len(found) == 2
    assert len({(d.pointer, d.code) for d in found}) == 2
    assert {d.code for d in found} == {"bad-field"}
