"""Checking OpenAPI/Swagger documents: loading, every error with its line, verdicts, the cache.

The fast path must give openapi-spec-validator's verdict on every document: the corpus, crafted
invalid documents, seeded random mutations of the corpus and (slow) GitHub's REST description.
"""

from __future__ import annotations

import copy
import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
)

from apiscribe.checks.fast.fastpath import prove_valid
from apiscribe.checks.fast.validator import default_checker
from apiscribe.checks.specs import (
    check_spec_file,
    validate_document,
    validate_spec,
)
from apiscribe.diagnostics import Diagnostic
from apiscribe.documents.lines import LineIndex
from apiscribe.documents.load import load_document
from apiscribe.documents.specs import spec_version

from .conftest import CORPUS

OPENAPI = CORPUS / "openapi"
needs_corpus = pytest.mark.skipif(
    not OPENAPI.is_dir(),
    reason="the shared corpus (../shared/corpus/openapi) is not beside the checkout",
)
REFERENCE = {"2.0": OpenAPIV2SpecValidator, "3.0": OpenAPIV30SpecValidator,
             "3.1": OpenAPIV31SpecValidator}


def reference_messages(document: Any) -> list[str] | None:
    """openapi-spec-validator's own messages, or None when it stops with an exception."""
    validator = REFERENCE[spec_version(document) or ""](document)
    try:
        return [err.message for err in validator.iter_errors()]
    except Exception:
        return None


def fast_verdict(document: Any) -> bool:
    version = spec_version(document) or ""
    return prove_valid(document, version, default_checker(document, version, ""))[0]


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def formatted(path: Path, **kwargs: Any) -> list[str]:
    return [d.format() for d in validate_spec(path, **kwargs)]


#: The two validator findings the spec checks give the importer's code and wording, each with
#: the pattern of that wording and the validator's own message it stands for.
NAMED = {
    "duplicate-operation-id": (
        re.compile(r"operationId '(?P<id>.*)' of (?P<method>[A-Z]+) (?P<path>.*) is already "
                   r"used by .*\Z"),
        "Operation ID '{id}' for '{method}' in '{path}' is not unique"),
    "undeclared-path-parameter": (
        re.compile(r"path parameter '(?P<name>.*)' of (?P<method>[A-Z]+) (?P<path>.*) is not "
                   r"declared\Z"),
        "Path parameter '{name}' for '{method}' operation in '{path}' was not resolved"),
}
SPEC_CODES = {"spec-invalid", *NAMED}


def validator_message(d: Diagnostic) -> str:
    """The validator's message a spec-check diagnostic stands for (the same text, except for
    the two findings named in the importer's words)."""
    if d.code not in NAMED:
        return d.message
    pattern, validator_text = NAMED[d.code]
    found = pattern.match(d.message)
    assert found is not None, d.message
    parts = found.groupdict()
    return validator_text.format(**parts | {"method": parts["method"].lower()})


# Loading ----------------------------------------------------------------------------------


def test_unreadable_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    assert formatted(missing) == [
        f"{missing}: error unreadable: cannot read the file: No such file or directory"
    ]


def test_bad_utf8_names_the_line_of_the_byte(tmp_path: Path) -> None:
    path = write(tmp_path, "spec.json", b'{\n  "openapi": "3.0.3",\n  "x": "\xff"\n}\n')
    assert formatted(path) == [
        f"{path}:3: error bad-utf8: the file is not UTF-8 at byte 32: 0xff at line 3, "
        "column 9 (invalid start byte)"
    ]


def test_bad_json_names_line_and_column(tmp_path: Path) -> None:
    # A key without a value (no comma anywhere near): the '}' stands where the value should.
    path = write(tmp_path, "spec.json", '{\n  "openapi": "3.0.3",\n  "info": \n}\n')
    assert formatted(path) == [
        f"{path}:4: error bad-json: invalid JSON: '}}' where a value was expected (a string, "
        "number, object, array, true, false or null) (line 4, column 1)"
    ]


def test_bad_json_names_a_trailing_comma(tmp_path: Path) -> None:
    path = write(tmp_path, "spec.json", '{\n  "openapi": "3.0.3",\n  "tags": [1,\n]}\n')
    assert formatted(path) == [
        f"{path}:4: error bad-json: invalid JSON: a comma before ']': JSON allows no trailing "
        "comma (line 4, column 1)"
    ]
    path = write(tmp_path, "spec.json", '{\n  "openapi": "3.0.3",\n}\n')
    assert formatted(path) == [
        f"{path}:3: error bad-json: invalid JSON: a comma before '}}': JSON allows no trailing "
        "comma (line 3, column 1)"
    ]


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "spec.yaml", "openapi: 3.0.3\ntags:\n  - [a\n")
    assert formatted(path) == [
        f"{path}:4: error bad-yaml: invalid YAML: expected ',' or ']' (line 4, column 1); "
        "while parsing a flow sequence (line 3)"
    ]


def test_duplicate_yaml_key_names_the_second_key(tmp_path: Path) -> None:
    text = "openapi: 3.0.3\ninfo:\n  title: A\n  version: '1'\n  title: B\npaths: {}\n"
    path = write(tmp_path, "spec.yaml", text)
    assert formatted(path) == [
        f"{path}:5: error duplicate-key: duplicate key 'title' (first defined on line 3)"
    ]


def test_yaml_is_read_safely_and_as_json_data(tmp_path: Path) -> None:
    unsafe = write(tmp_path, "unsafe.yaml", "openapi: !!python/object/apply:os.getcwd []\n")
    assert [d.code for d in validate_spec(unsafe)] == ["bad-yaml"]
    binary = write(tmp_path, "binary.yaml", "openapi: !!binary aGVsbG8=\n")
    assert formatted(binary) == [
        f"{binary}:1: error bad-yaml: invalid YAML: a value of type bytes is not JSON data "
        "[/openapi]"
    ]
    dated = write(tmp_path, "dated.yaml", "when: 2024-01-02\n200: ok\nsize: 1e3\n")
    assert load_document(dated)[0] == {"when": "2024-01-02", "200": "ok", "size": 1000.0}


def test_line_index_for_json_and_yaml(tmp_path: Path) -> None:
    json_path = write(tmp_path, "a.json", '{"a": {\n  "b/c": [\n    1,\n    {"d": 2}\n  ]}}\n')
    yaml_path = write(tmp_path, "a.yaml", "a:\n  b/c:\n    - 1\n    - d: 2\n")
    for path, item_line in ((json_path, 4), (yaml_path, 4)):
        _, problems, lines = load_document(path)
        assert problems == []
        assert isinstance(lines, LineIndex)
        assert lines.line_of("/a/b~1c/1/d") == item_line
        assert lines.line_of("/a/b~1c/0") == 3
        assert lines.line_of("/a/b~1c") == 2
        assert lines.line_of("/a/b~1c/1/missing/deeper") == item_line
        assert lines.line_of("") == 1


# Versions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("document", "version"), [
    ({"swagger": "2.0"}, "2.0"), ({"openapi": "3.0.3"}, "3.0"), ({"openapi": "3.1.0"}, "3.1"),
    ({"openapi": "3.2.0"}, "3.2"), ({"openapi": "4.0.0"}, None), ({"swagger": "1.2"}, None),
    ({"openapi": 3.0}, None), ({"info": {}}, None), ([], None),
])
def test_spec_version(document: Any, version: str | None) -> None:
    assert spec_version(document) == version


def test_unknown_or_missing_version_is_an_error_at_the_root(tmp_path: Path) -> None:
    unknown = write(tmp_path, "u.yaml", "info: {}\nopenapi: 4.0.0\n")
    missing = write(tmp_path, "m.json", '{"info": {}}')
    listed = write(tmp_path, "l.json", "[1]")
    assert formatted(unknown) + formatted(missing) + formatted(listed) == [
        f"{unknown}:2: error unknown-spec-version: unsupported openapi version '4.0.0' "
        "(known: Swagger 2.0, OpenAPI 3.0, 3.1 and 3.2) [/openapi]",
        f"{missing}:1: error unknown-spec-version: not an OpenAPI or Swagger document: "
        "no 'openapi' or 'swagger' field",
        f"{listed}:1: error unknown-spec-version: not an OpenAPI or Swagger document: "
        "the top level is a list, not a mapping",
    ]


# Every error, with its line and pointer ---------------------------------------------------

THREE_ERRORS = """\
openapi: 3.0.3
info:
  title: Three errors
  version: "1"
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      responses:
        "200":
          description: ok
  /owners:
    get:
      operationId: getPet
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Owner"
components:
  schemas:
    Owner:
      type: object
      properties:
        age:
          type: integer
          default: old
"""


def test_every_error_is_reported_with_line_and_pointer(tmp_path: Path) -> None:
    path = write(tmp_path, "spec.yaml", THREE_ERRORS)
    # The validator's findings the importer names too get its code and wording.
    assert formatted(path) == [
        f"{path}:7: error undeclared-path-parameter: path parameter 'petId' of GET "
        "/pets/{petId} is not declared [/paths/~1pets~1{petId}/get]\n"
        "    hint: add a parameter with 'in: path', 'name: petId' and 'required: true'",
        f"{path}:14: error duplicate-operation-id: operationId 'getPet' of GET /owners is "
        "already used by GET /pets/{petId} [/paths/~1owners/get/operationId]\n"
        "    hint: operationIds must be unique",
        f"{path}:29: error spec-invalid: 'old' is not of type 'integer' "
        "[/components/schemas/Owner/properties/age/default]",
    ]
    as_json = write(tmp_path, "spec.json", json.dumps(load_document(path)[0], indent=2))
    assert [(d.line, d.pointer) for d in validate_spec(as_json)] == [
        (9, "/paths/~1pets~1{petId}/get"), (20, "/paths/~1owners/get/operationId"),
        (43, "/components/schemas/Owner/properties/age/default"),
    ]


def test_meta_schema_errors_and_unresolvable_references_all_reported(tmp_path: Path) -> None:
    document = {
        "openapi": "3.0.3", "info": {"title": "t"},
        "paths": {
            "/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}},
            "/b": {"get": {"responses": {"200": {"description": "ok", "content": {
                "a/b": {"schema": {"$ref": "#/components/schemas/Gone"}}}}}}},
        },
    }
    path = write(tmp_path, "spec.json", json.dumps(document, indent=1))
    assert [(d.line, d.message, d.pointer) for d in validate_spec(path)] == [
        (3, "'version' is a required property", "/info"),
        (11, "unresolvable reference: nothing at '#/components/responses/Nope'",
         "/paths/~1a/get/responses/200/$ref"),
        (24, "unresolvable reference: nothing at '#/components/schemas/Gone'",
         "/paths/~1b/get/responses/200/content/a~1b/schema/$ref"),
    ]


def test_check_spec_file_names_the_file_as_displayed(tmp_path: Path) -> None:
    path = write(tmp_path, "spec.yaml", THREE_ERRORS)
    assert {d.file for d in check_spec_file(path, display="api/spec.yaml")} == {"api/spec.yaml"}


# Verdicts: the corpus, crafted documents, mutations ---------------------------------------

CORPUS_VERSIONS = {
    "oai_v2.0_petstore-expanded.json": "2.0", "oai_v2.0_petstore.json": "2.0",
    "oai_v2.0_uber.json": "2.0", "oai_v3.0_callback-example.json": "3.0",
    "oai_v3.0_link-example.json": "3.0", "oai_v3.0_petstore-expanded.json": "3.0",
    "oai_v3.0_petstore.json": "3.0", "oai_v3.0_petstore.yaml": "3.0",
    "oai_v3.0_uspto.json": "3.0", "oai_v3.1_non-oauth-scopes.json": "3.1",
    "oai_v3.1_tictactoe.json": "3.1", "oai_v3.1_webhook-example.json": "3.1",
    "readme_3.1_petstore.json": "3.1", "sentry-2022-05-18-openapi-derefed.json": "3.0",
}


@needs_corpus
def test_corpus_versions_and_verdicts_match_the_validator() -> None:
    assert sorted(p.name for p in OPENAPI.iterdir()) == sorted(CORPUS_VERSIONS)
    for name, version in CORPUS_VERSIONS.items():
        document, problems, _ = load_document(OPENAPI / name)
        assert problems == [] and spec_version(document) == version, name
        # All 14 are valid for openapi-spec-validator; the fast path proves it on its own.
        assert reference_messages(document) == [], name
        assert fast_verdict(document), name
        assert validate_spec(OPENAPI / name) == [], name


def _petstore() -> dict[str, Any]:
    document: dict[str, Any] = load_document(OPENAPI / "oai_v3.0_petstore.json")[0]
    return document


def _crafted() -> dict[str, dict[str, Any]]:
    cases: dict[str, dict[str, Any]] = {}

    def case(name: str) -> dict[str, Any]:
        cases[name] = _petstore()
        return cases[name]

    del case("missing info")["info"]
    case("bad $ref")["paths"]["/pets"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]["$ref"] = "#/components/schemas/Nope"
    case("duplicate operationId")["paths"]["/pets"]["post"]["operationId"] = "listPets"
    case("undeclared path parameter")["paths"]["/pets/{petId}/{extra}"] = case(
        "undeclared path parameter")["paths"].pop("/pets/{petId}")
    case("wrong type")["components"]["schemas"]["Pet"]["properties"]["id"]["type"] = "long"
    case("duplicate parameter")["paths"]["/pets"]["get"]["parameters"] *= 2
    case("duplicate tag")["tags"] = [{"name": "pets"}, {"name": "pets"}]
    case("bad default")["components"]["schemas"]["Pet"]["properties"]["id"]["default"] = "x"
    schema = case("allOf required")["components"]["schemas"]["Error"]
    schema["allOf"] = [{"type": "object", "properties": {"extra": {"type": "string"}}}]
    schema["required"] = ["code", "extra", "ghost"]
    case("bad regex")["components"]["schemas"]["Pet"]["properties"]["name"]["pattern"] = "(["
    case("unknown field")["paths"]["/pets"]["get"]["summry"] = "typo"
    case("extension path item")["paths"]["x-note"] = "not an object"
    swagger = load_document(OPENAPI / "oai_v2.0_petstore.json")[0]
    swagger["paths"]["/pets"]["get"]["parameters"][0]["default"] = "ten"
    cases["swagger 2.0 bad default"] = swagger
    tictactoe = load_document(OPENAPI / "oai_v3.1_tictactoe.json")[0]
    tictactoe["components"]["schemas"]["mark"]["type"] = "character"
    cases["3.1 bad schema type"] = tictactoe
    return cases


CRAFTED = sorted(_crafted()) if OPENAPI.is_dir() else ["corpus missing"]


@needs_corpus
@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_invalid_documents_match_the_validator(name: str, tmp_path: Path) -> None:
    document = _crafted()[name]
    expected = reference_messages(document)
    assert expected != []  # None: the validator stops with an exception (a bad $ref)
    assert fast_verdict(document) is False
    found = validate_document(document, tmp_path / "spec.json", LineIndex({}))
    assert found and {d.code for d in found} <= SPEC_CODES
    named = {"duplicate operationId": "duplicate-operation-id",
             "undeclared path parameter": "undeclared-path-parameter"}
    if name in named:  # the importer's code and wording
        assert named[name] in {d.code for d in found}
    if expected is not None:  # the validator's own error set, message for message
        assert sorted({validator_message(d) for d in found}) == sorted(set(expected))


def _mutate(document: Any, rnd: random.Random) -> None:
    nodes: list[tuple[Any, Any]] = []
    stack = [document]
    while stack:
        node = stack.pop()
        children = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in children:
            nodes.append((node, key))
            if isinstance(child, dict | list) and child:
                stack.append(child)
    parent, key = rnd.choice(nodes)
    value = parent[key]
    choice = rnd.randrange(6)
    if choice == 0 and isinstance(parent, dict):
        del parent[key]
    elif choice == 1:
        parent[key] = rnd.choice([None, True, 0, -1, 2.5, "", "x", [], {}, {"$ref": "#/x"}])
    elif choice == 2 and isinstance(value, dict):
        value[rnd.choice(["default", "required", "allOf", "type", "x-a", "nullable"])] = (
            rnd.choice([None, "x", 1, ["id"], [{"type": "string"}], {"type": "object"}]))
    elif choice == 3 and isinstance(value, str) and isinstance(parent, dict):
        parent[key] = value + "{p}" if key != "$ref" else value + "x"
    elif choice == 4 and isinstance(value, list) and value:
        value.append(copy.deepcopy(value[0]))
    elif choice == 5 and isinstance(parent, dict) and isinstance(key, str):
        parent[key.replace("{", "{x") if "{" in key else key + "/{id}"] = parent.pop(key)


@needs_corpus
def test_random_mutations_of_the_corpus_get_the_validator_verdict(tmp_path: Path) -> None:
    rnd = random.Random(20240611)
    sources = [load_document(p)[0] for p in sorted(OPENAPI.iterdir()) if p.stat().st_size < 20000]
    compared = 0
    for _ in range(150):
        document = copy.deepcopy(rnd.choice(sources))
        for _ in range(rnd.randint(1, 3)):
            _mutate(document, rnd)
        if spec_version(document) is None:
            continue
        expected = reference_messages(document)
        fast = fast_verdict(document)
        found = validate_document(document, tmp_path / "spec.json", LineIndex({}))
        assert fast is (expected == []), document
        assert (found == []) is (expected == []), document
        assert {d.code for d in found} <= SPEC_CODES
        if expected:  # long messages (reprs of big objects) are cut after 500 characters
            assert sorted({validator_message(d)[:500] for d in found}) == sorted(
                {m[:500] for m in expected})
        compared += 1
    assert compared > 100


@pytest.mark.slow
def test_github_description_gets_the_validator_verdict(github_spec: Path) -> None:
    path = github_spec
    document, problems, lines = load_document(path)
    assert problems == []
    assert spec_version(document) == "3.0"
    assert fast_verdict(document) is True
    assert validate_document(document, path, lines) == []
    # validate_spec also checks every example against its schema: GitHub's description has
    # examples that do not match (e.g. a null value for an object), and nothing else.
    assert {d.code for d in validate_spec(path)} == {"response-schema", "request-schema"}
    assert reference_messages(document) == []  # openapi-spec-validator itself (slow)
    broken = copy.deepcopy(document)
    operation = broken["paths"]["/repos/{owner}/{repo}"]["get"]
    operation["operationId"] = broken["paths"]["/user"]["get"]["operationId"]
    assert fast_verdict(broken) is False


# Cache ------------------------------------------------------------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_cache_hit_returns_the_same_diagnostics(tmp_path: Path) -> None:
    path = write(tmp_path, "spec.yaml", THREE_ERRORS)
    cache = tmp_path / "cache"
    first = validate_spec(path, cache_dir=cache)
    entries = list((cache / "specs").iterdir())
    assert len(entries) == 1 and len(first) == 3
    assert validate_spec(path, cache_dir=cache) == first
    moved = tmp_path / "elsewhere.yaml"
    path.rename(moved)
    assert [d.file for d in validate_spec(moved, cache_dir=cache)] == [str(moved)] * 3
    payload = json.loads(entries[0].read_text())  # a hit reads the entry, not the document
    payload["diagnostics"] = payload["diagnostics"][:1]
    entries[0].write_text(json.dumps(payload))
    assert validate_spec(moved, cache_dir=cache) == [
        d.__class__(str(moved), *list(d.__dict__.values())[1:]) for d in first[:1]
    ]


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"format": 1}', b"[]",
                                     b'{"format": 1, "key": "x", "diagnostics": [{}]}'])
def test_corrupt_cache_entry_is_ignored_and_replaced(tmp_path: Path, garbage: bytes) -> None:
    path = write(tmp_path, "spec.yaml", THREE_ERRORS)
    cache = tmp_path / "cache"
    expected = validate_spec(path, cache_dir=cache)
    (entry,) = (cache / "specs").iterdir()
    entry.write_bytes(garbage)
    assert validate_spec(path, cache_dir=cache) == expected
    assert json.loads(entry.read_text())["format"] == 2


@needs_corpus
def test_nothing_is_written_outside_the_cache(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("oai_v3.0_petstore.yaml", "oai_v3.1_tictactoe.json"):
        shutil.copy(OPENAPI / name, tmp_path / name)
    write(tmp_path, "three.yaml", THREE_ERRORS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    before = _tree(tmp_path)
    for path in sorted(tmp_path.iterdir()):
        validate_spec(path)
    assert _tree(tmp_path) == before
    cache = tmp_path / "cache"
    for path in sorted(p for p in tmp_path.iterdir() if p.is_file()):
        validate_spec(path, cache_dir=cache)
    after = _tree(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("cache/")} == before
    assert len([k for k in after if k.startswith("cache/specs/")]) == 3


def test_cache_entries_depend_on_the_suffix_and_skip_outside_references(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n"
    as_yaml = write(tmp_path, "spec.yaml", text)
    as_json = write(tmp_path, "spec.json", text)
    assert validate_spec(as_yaml, cache_dir=cache) == []
    assert [d.code for d in validate_spec(as_json, cache_dir=cache)] == ["bad-json"]
    assert len(list((cache / "specs").iterdir())) == 2
    other = write(tmp_path, "other.yaml", "Thing: {type: string}\n")
    linked = write(tmp_path, "linked.yaml", text.replace(
        "paths: {}", "paths: {}\ncomponents: {schemas: {Thing: {$ref: 'other.yaml#/Thing'}}}"))
    assert validate_spec(linked, cache_dir=cache) == []
    assert len(list((cache / "specs").iterdir())) == 2
    assert other.read_text() == "Thing: {type: string}\n"
