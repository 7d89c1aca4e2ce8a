"""``$ref`` resolution of the OpenAPI importer: relative files, recursion, cycles, refs to
nowhere, refs that escape the input's folder, and remote refs (served on loopback)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from apiscribe.diagnostics import Diagnostic
from apiscribe.model import ApiModel, MediaType, NamedExample, Parameter, Response
from apiscribe.model.types import short_type

from .test_openapi_import import FIXTURES, Route, imported, serve, write

SECRET = "TOP-SECRET-MARKER"


def line(text: str, fragment: str) -> int:
    """The 1-based line of ``text`` that holds ``fragment`` (exactly one does)."""
    found = [n for n, row in enumerate(text.splitlines(), 1) if fragment in row]
    assert len(found) == 1, (fragment, found)
    return found[0]


def spec(schema_ref: str, components: str = "") -> str:
    """An OpenAPI 3.0 document whose one response has the schema ``{$ref: schema_ref}``."""
    return f"""\
openapi: 3.0.3
info: {{title: Refs, version: "1"}}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: Things.
          content:
            application/json:
              schema:
                $ref: '{schema_ref}'
{components}"""


def schema_of_response(model: ApiModel) -> Any:
    responses = model.endpoints[0].responses
    assert responses
    return responses[0].content[0].schema


# Relative files -----------------------------------------------------------------------------


def test_a_spec_split_over_files_imports_as_one() -> None:
    root = FIXTURES / "split" / "openapi.yaml"
    model, diagnostics = imported(root)
    assert diagnostics == []
    folder = str(root.parent)
    pets, create, tree = model.endpoints
    assert (pets.name, pets.section) == ("list-pets", "pets")
    assert pets.source is not None and pets.source.file == f"{folder}/paths/pets.yaml"
    assert pets.parameters == (Parameter(
        "limit", "query", "How many pets to return.",
        schema={"type": "integer", "format": "int32", "maximum": 100}),)
    assert pets.responses == (Response("200", "The pets.", (MediaType(
        "application/json",
        {"type": "array", "items": {"$ref": "#/components/schemas/pet"}},
        (NamedExample("two", [{"name": "Rex"}, {"name": "Tom"}], summary="Two pets"),)),)),)
    assert create.responses is not None
    assert create.responses[1] == Response("default", "Something went wrong.", (
        MediaType("application/json", {"$ref": "#/components/schemas/error"}),))
    assert [(p.name, short_type(p.schema), p.required) for p in create.parameters_in("body")] == [
        ("name", "string", True), ("owner", "owner", False), ("family", "Node", False)]
    assert [(p.name, p.location, p.required) for p in tree.parameters_in("path")] == [
        ("treeId", "path", True)]
    schemas = model.schemas
    assert list(schemas) == ["Node", "pet", "owner", "error", "Tree"]
    assert schemas["pet"]["properties"]["owner"] == {"$ref": "#/components/schemas/owner"}
    assert schemas["pet"]["properties"]["family"] == {"$ref": "#/components/schemas/Node"}
    # Recursive schemas stay references, here and in another file.
    assert schemas["Node"]["properties"]["children"]["items"] == {
        "$ref": "#/components/schemas/Node"}
    assert schemas["Tree"]["properties"]["children"]["items"] == {
        "$ref": "#/components/schemas/Tree"}
    assert model.base_url == "https://eu.pets.example/v1"
    assert "Split Pets" in repr(model)  # finite


def test_recursion_through_properties_is_legal(tmp_path: Path) -> None:
    components = """\
components:
  schemas:
    A:
      allOf:
        - type: object
          properties:
            child: {$ref: '#/components/schemas/A'}
            b: {$ref: '#/components/schemas/B'}
    B:
      type: object
      properties:
        a: {$ref: '#/components/schemas/A'}
        items: {type: array, items: {$ref: '#/components/schemas/B'}}
"""
    model, diagnostics = imported(write(tmp_path, "spec.yaml", spec(
        "#/components/schemas/A", components)))
    assert diagnostics == []
    assert schema_of_response(model) == {"$ref": "#/components/schemas/A"}
    assert model.schemas["B"]["properties"]["a"] == {
        "$ref": "#/components/schemas/A"}


def test_imported_names_never_take_a_component_name(tmp_path: Path) -> None:
    write(tmp_path, "pet.yaml", "type: object\nproperties:\n  self: {$ref: '#'}\n")
    write(tmp_path, "responses.yaml", "Gone:\n  $ref: spec.yaml#/components/responses/Gone\n")
    components = """\
components:
  schemas:
    first: {$ref: pet.yaml}
    pet: {type: string}
  responses:
    Gone: {description: Gone.}
    Lost: {$ref: responses.yaml#/Gone}
"""
    model, diagnostics = imported(write(tmp_path, "spec.yaml", spec("pet.yaml", components)))
    assert diagnostics == []
    assert model.schemas == {
        "first": {"$ref": "#/components/schemas/pet_2"},
        "pet": {"type": "string"},
        "pet_2": {"type": "object", "properties": {"self": {"$ref": "#/components/schemas/pet_2"}}},
    }
    assert schema_of_response(model) == {"$ref": "#/components/schemas/pet_2"}
    # A reference back into the input's components stays one, written locally.
    assert model.components["responses"]["Lost"] == {"$ref": "#/components/responses/Gone"}


# Cycles and refs to nowhere -----------------------------------------------------------------

CYCLE = """\
components:
  schemas:
    A:
      allOf:
        - $ref: '#/components/schemas/B'
    B:
      allOf:
        - $ref: '#/components/schemas/A'
        - type: object
"""


def test_a_cycle_through_all_of_is_reported_and_cut(tmp_path: Path) -> None:
    text = spec("#/components/schemas/A", CYCLE)
    path = write(tmp_path, "spec.yaml", text)
    model, diagnostics = imported(path)
    assert diagnostics == [Diagnostic(
        str(path), line(text, "- $ref: '#/components/schemas/A'"), "error", "ref-cycle",
        "$ref cycle through allOf: #/components/schemas/A -> #/components/schemas/B -> "
        "#/components/schemas/A", "/components/schemas/B/allOf/0/$ref", "",
        "a schema cannot include itself; break the cycle")]
    assert model.schemas["B"]["allOf"] == [{}, {"type": "object"}]
    assert model.schemas["A"]["allOf"] == [{"$ref": "#/components/schemas/B"}]


def test_a_cycle_of_parameter_refs_is_reported(tmp_path: Path) -> None:
    text = """\
openapi: 3.0.3
info: {title: Loop, version: "1"}
paths:
  /things:
    get:
      parameters:
        - $ref: '#/components/parameters/a'
      responses:
        "200": {description: Things.}
components:
  parameters:
    a: {$ref: '#/components/parameters/b'}
    b: {$ref: '#/components/parameters/a'}
"""
    path = write(tmp_path, "spec.yaml", text)
    model, diagnostics = imported(path)
    assert [(d.line, d.code, d.message, d.pointer, d.endpoint) for d in diagnostics] == [(
        line(text, "b: {$ref"), "ref-cycle",
        "$ref cycle: #/components/parameters/a -> #/components/parameters/b -> "
        "#/components/parameters/a", "/components/parameters/b/$ref", "get-things")]
    assert model.endpoints[0].parameters == ()


def test_a_ref_to_nowhere_is_reported_with_its_line(tmp_path: Path) -> None:
    text = spec("#/components/schemas/Nope", "components: {schemas: {Pet: {type: object}}}\n")
    path = write(tmp_path, "spec.yaml", text)
    model, diagnostics = imported(path)
    pointer = "/paths/~1things/get/responses/200/content/application~1json/schema/$ref"
    assert diagnostics == [Diagnostic(
        str(path), line(text, "$ref: '#/components/schemas/Nope'"), "error", "ref-not-found",
        "$ref '#/components/schemas/Nope' points to nothing: no 'Nope' in "
        "#/components/schemas", pointer, "list-things")]
    assert schema_of_response(model) == {}


def test_refs_to_missing_files_and_fragments(tmp_path: Path) -> None:
    write(tmp_path, "schemas.yaml", "Pet:\n  type: object\n  properties:\n"
          "    tag: {$ref: '#/Tag'}\n")
    write(tmp_path, "bad.yaml", "Pet: [\n")
    text = spec("schemas.yaml#/Pet") + """\
  /more:
    get:
      operationId: more
      parameters:
        - $ref: missing.yaml#/limit
        - $ref: bad.yaml#/Pet
      responses:
        "200": {description: More.}
"""
    path = write(tmp_path, "spec.yaml", text)
    model, diagnostics = imported(path)
    folder = str(tmp_path)
    assert [(d.file, d.line, d.code, d.message, d.pointer) for d in diagnostics] == [
        (f"{folder}/bad.yaml", 2, "bad-yaml", diagnostics[0].message, ""),
        (f"{folder}/schemas.yaml", 4, "ref-not-found",
         "$ref '#/Tag' points to nothing: no 'Tag' in the document",
         "/Pet/properties/tag/$ref"),
        (str(path), line(text, "missing.yaml"), "ref-not-found",
         f"$ref 'missing.yaml#/limit' points to nothing: {folder}/missing.yaml: cannot read "
         "the file: No such file or directory", "/paths/~1more/get/parameters/0/$ref"),
        (str(path), line(text, "bad.yaml"), "ref-not-found",
         f"$ref 'bad.yaml#/Pet' points to nothing: {folder}/bad.yaml is not a readable JSON "
         "or YAML document", "/paths/~1more/get/parameters/1/$ref"),
    ]
    assert diagnostics[0].message.startswith("invalid YAML: ")
    assert model.schemas == {"Pet": {"type": "object", "properties": {"tag": {}}}}


def test_swagger_refs_become_component_refs(tmp_path: Path) -> None:
    write(tmp_path, "upload.yaml", "type: file\n")
    text = """\
swagger: "2.0"
info: {title: Refs, version: "1"}
parameters:
  limit: {name: limit, in: query, type: integer}
paths:
  /things:
    post:
      parameters:
        - $ref: '#/parameters/limit'
        - {name: body, in: body, schema: {$ref: upload.yaml}}
      responses:
        "200":
          description: Things.
          schema: {type: array, items: {$ref: '#/definitions/Thing'}}
definitions:
  Thing: {type: object, properties: {next: {$ref: '#/definitions/Thing'}}}
"""
    model, diagnostics = imported(write(tmp_path, "spec.yaml", text))
    assert diagnostics == []
    (endpoint,) = model.endpoints
    assert endpoint.parameters == (Parameter("limit", "query", "",
                                             schema={"type": "integer"}),)
    assert endpoint.request_body is not None
    assert endpoint.request_body.content == (
        MediaType("application/json", {"$ref": "#/components/schemas/upload"}),)
    assert model.schemas == {
        "Thing": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Thing"}}},
        "upload": {"type": "string", "format": "binary"},
    }
    assert schema_of_response(model) == {
        "type": "array", "items": {"$ref": "#/components/schemas/Thing"}}


# Escapes ------------------------------------------------------------------------------------


def test_refs_that_leave_the_input_folder_are_refused_unread(tmp_path: Path) -> None:
    secret = write(tmp_path, "secret.yaml", f"Secret: {{type: string, description: {SECRET}}}\n")
    folder = tmp_path / "spec"
    folder.mkdir()
    os.symlink(secret, folder / "link.yaml")
    refs = ["../secret.yaml#/Secret", f"{secret}#/Secret", f"{secret.as_uri()}#/Secret",
            "link.yaml#/Secret", "sub/../../secret.yaml#/Secret"]
    text = spec(refs[0]) + "components:\n  schemas:\n" + "".join(
        f"    S{n}: {{$ref: '{ref}'}}\n" for n, ref in enumerate(refs))
    path = write(folder, "openapi.yaml", text)
    model, diagnostics = imported(path)
    schema_site = "/paths/~1things/get/responses/200/content/application~1json/schema/$ref"
    sites = [(refs[0], schema_site)] + [
        (ref, f"/components/schemas/S{n}/$ref") for n, ref in enumerate(refs)]
    assert [(d.code, d.message, d.pointer, d.hint) for d in diagnostics] == [
        ("ref-outside-folder", f"$ref '{ref}' points outside the folder of {path}: refused",
         pointer, "keep referenced files in the input's folder or below it")
        for ref, pointer in sites
    ]
    assert SECRET not in repr(model)
    assert all(SECRET not in d.format() for d in diagnostics)
    assert model.schemas == {f"S{n}": {} for n in range(len(refs))}


# Remote refs --------------------------------------------------------------------------------


def test_remote_refs_are_refused_by_default_and_followed_when_allowed(tmp_path: Path) -> None:
    with serve({"/pet.yaml": Route(b"type: object\nproperties:\n  id: {type: integer}\n")}) as (
            server):
        ref = f"{server.base}/pet.yaml"
        text = spec(ref)
        path = write(tmp_path, "spec.yaml", text)
        model, diagnostics = imported(path)
        assert server.hits == []
        assert diagnostics == [Diagnostic(
            str(path), line(text, ref), "error", "ref-remote-refused",
            f"$ref '{ref}' is a remote reference: refused",
            "/paths/~1things/get/responses/200/content/application~1json/schema/$ref",
            "list-things", "allow remote references to follow it (--allow-remote-refs)")]
        assert schema_of_response(model) == {}

        model, diagnostics = imported(path, allow_remote_refs=True)
        assert server.hits == ["/pet.yaml"]
    assert diagnostics == []
    assert schema_of_response(model) == {"$ref": "#/components/schemas/pet"}
    assert model.schemas["pet"] == {
        "type": "object", "properties": {"id": {"type": "integer"}}}


def test_a_url_input_may_not_leave_its_folder_without_the_flag() -> None:
    routes = {"/v1/openapi.yaml": Route(spec("../private/pet.yaml").encode()),
              "/private/pet.yaml": Route(b"type: object\n")}
    with serve(routes) as server:
        model, diagnostics = imported(f"{server.base}/v1/openapi.yaml")
        assert server.hits == ["/v1/openapi.yaml"]
    assert [(d.code, d.message) for d in diagnostics] == [
        ("ref-remote-refused", "$ref '../private/pet.yaml' is a remote reference: refused")]
    assert schema_of_response(model) == {}


@pytest.mark.parametrize("status", [404, 500])
def test_a_remote_ref_that_fails_is_a_ref_to_nowhere(tmp_path: Path, status: int) -> None:
    with serve({"/pet.yaml": Route(b"nope", status=status)}) as server:
        ref = f"{server.base}/pet.yaml#/Pet"
        path = write(tmp_path, "spec.yaml", spec(ref))
        _, diagnostics = imported(path, allow_remote_refs=True)
    reason = {404: "404 Not Found", 500: "500 Internal Server Error"}[status]
    assert [(d.code, d.message) for d in diagnostics] == [(
        "ref-not-found", f"$ref '{ref}' points to nothing: cannot load {server.base}/pet.yaml: "
        f"the server answered {reason}")]
