"""Importing OpenAPI 3.0/3.1 and Swagger 2.0 documents (files and URLs) into the model.

The corpus documents import with their exact operation counts and sections; crafted specs
cover Swagger 2.0 bodies and forms, webhooks, and every bad-input diagnostic; a loopback
``http.server`` serves URL inputs. (slow) GitHub's REST description: 1,223 operations.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from apiscribe.diagnostics import Diagnostic
from apiscribe.documents.fetch import FetchError, fetch
from apiscribe.documents.specs import spec_version
from apiscribe.model import (
    ApiModel,
    MediaType,
    NamedExample,
    Parameter,
    Response,
    SourceLocation,
)
from apiscribe.model.dialect import subschemas
from apiscribe.model.types import short_type
from apiscribe.sources.openapi import load_spec, read_spec

from .conftest import CORPUS

OPENAPI = CORPUS / "openapi"
FIXTURES = Path(__file__).parent / "openapi_fixtures"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.level == "error"]


def imported(source: str | Path, **options: Any) -> tuple[ApiModel, list[Diagnostic]]:
    model, diagnostics = load_spec(source, **options)
    assert model is not None, [d.format() for d in diagnostics]
    return model, diagnostics


def model_schemas(model: ApiModel) -> Iterator[tuple[str, Any]]:
    """``(where, schema)`` for every schema the model holds: named schemas, parameters,
    bodies (and their fields), responses and response headers."""
    for name, schema in model.schemas.items():
        yield f"schemas/{name}", schema
    for ep in model.endpoints:
        for param in ep.parameters:
            yield f"{ep.name} parameter {param.name}", param.schema
        body = ep.request_body
        for media in body.content if body is not None else ():
            yield f"{ep.name} body {media.media_type}", media.schema
        for field in ep.parameters_in("body"):
            yield f"{ep.name} body field {field.name}", field.schema
        for response in ep.responses or ():
            for media in response.content:
                yield f"{ep.name} {response.status} {media.media_type}", media.schema
            for header in response.headers:
                yield f"{ep.name} {response.status} header {header.name}", header.schema


def dialect_leftovers(model: ApiModel, *, example: bool = True) -> list[str]:
    """Where a schema of the model is still in the 3.0 / Swagger 2.0 dialect. A schema's
    ``example`` counts only with ``example`` (3.1 still allows it, deprecated, so a 3.1
    input keeps it)."""
    found: list[str] = []

    def visit(where: str, schema: Any, depth: int = 0) -> None:
        if not isinstance(schema, dict) or depth > 64:
            return
        if "nullable" in schema and "type" in schema:
            found.append(f"{where}: nullable")
        if "x-nullable" in schema:
            found.append(f"{where}: x-nullable")
        if example and "example" in schema:
            found.append(f"{where}: example")
        for bound in ("exclusiveMinimum", "exclusiveMaximum"):
            if isinstance(schema.get(bound), bool):
                found.append(f"{where}: boolean {bound}")
        if schema.get("type") == "file":
            found.append(f"{where}: type file")
        ref = schema.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#/components/schemas/"):
            found.append(f"{where}: $ref {ref}")
        for keyword, key, sub in subschemas(schema):
            visit(f"{where}/{keyword}" + ("" if key is None else f"/{key}"), sub, depth + 1)

    for where, schema in model_schemas(model):
        visit(where, schema)
    return found


# The corpus ---------------------------------------------------------------------------------

CORPUS_FILES = {
    # file: (operations, sections in order, source version)
    "oai_v2.0_petstore-expanded.json": (4, ["default"], "2.0"),
    "oai_v2.0_petstore.json": (3, ["pets"], "2.0"),
    "oai_v2.0_uber.json": (5, ["products", "estimates", "user"], "2.0"),
    "oai_v3.0_callback-example.json": (1, ["default"], "3.0.0"),
    "oai_v3.0_link-example.json": (6, ["default"], "3.0.0"),
    "oai_v3.0_petstore-expanded.json": (4, ["default"], "3.0.0"),
    "oai_v3.0_petstore.json": (3, ["pets"], "3.0.0"),
    "oai_v3.0_petstore.yaml": (3, ["pets"], "3.0.0"),
    "oai_v3.0_uspto.json": (3, ["metadata", "search"], "3.0.1"),
    "oai_v3.1_non-oauth-scopes.json": (1, ["default"], "3.1.0"),
    "oai_v3.1_tictactoe.json": (3, ["gameplay"], "3.1.0"),
    "oai_v3.1_webhook-example.json": (1, ["webhooks"], "3.1.0"),
    "readme_3.1_petstore.json": (20, ["pet", "store", "user"], "3.1.0"),
    "sentry-2022-05-18-openapi-derefed.json": (
        91, ["teams", "organizations", "projects", "events", "releases", "integration", "scim"],
        "3.0.3"),
}


def test_the_corpus_table_covers_every_document() -> None:
    assert sorted(p.name for p in OPENAPI.iterdir()) == sorted(CORPUS_FILES)


@pytest.mark.parametrize("name", sorted(CORPUS_FILES))
def test_corpus_document_imports(name: str) -> None:
    operations, sections, version = CORPUS_FILES[name]
    read = read_spec(OPENAPI / name)
    model, diagnostics = read.model, read.diagnostics
    assert model is not None, [d.format() for d in diagnostics]
    assert errors(diagnostics) == []
    assert len(model.endpoints) == operations
    assert [s.slug for s in model.sections] == sections
    # Whatever the input's version, the model's schemas are in the one (3.1) dialect.
    assert spec_version(read.document) == version[:3]
    assert dialect_leftovers(model, example=not version.startswith("3.1")) == []
    for section in model.sections:
        assert [ep.sidebar_order for ep in section.endpoints] == list(
            range(1, len(section.endpoints) + 1))
    for endpoint in model.endpoints:
        assert endpoint.example.is_empty  # spec examples live in the responses
        assert endpoint.responses is not None  # a spec states its responses (maybe none)
        assert endpoint.tags is not None  # and its tags (maybe none)
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", endpoint.name), endpoint.name
    assert len({ep.name for ep in model.endpoints}) == operations
    assert load_spec(OPENAPI / name) == (model, diagnostics)  # deterministic


def test_only_the_responseless_31_operation_gets_a_warning() -> None:
    path = OPENAPI / "oai_v3.1_non-oauth-scopes.json"
    model, diagnostics = imported(path)
    assert diagnostics == [Diagnostic(
        str(path), 9, "warning", "missing-responses", "GET /users documents no responses",
        "/paths/~1users/get", "get-users")]
    endpoint = model.endpoints[0]
    assert endpoint.authentication == "required"
    assert endpoint.responses == ()  # documents none
    assert endpoint.security == [{"bearerAuth": ["read:users", "public"]}]
    assert model.security_schemes["bearerAuth"]["bearerFormat"] == "jwt"


def test_sentry_operations_take_titles_names_and_sections_from_the_spec() -> None:
    model, _ = imported(OPENAPI / "sentry-2022-05-18-openapi-derefed.json")
    assert [s.title for s in model.sections][:3] == ["Teams", "Organizations", "Projects"]
    assert model.sections[0].description == "Endpoints for teams"
    by_name = {ep.name: ep for ep in model.endpoints}
    member = by_name["retrieve-an-organization-member"]
    # Sentry's operations have no summary: the operationId is the title shown.
    assert (member.method, member.api_path, member.display_title, member.section) == (
        "GET", "/api/0/organizations/{organization_slug}/members/{member_id}/",
        "Retrieve an Organization Member", "organizations")
    assert (member.title, member.operation_id) == ("", "Retrieve an Organization Member")
    assert member.authentication == "required"
    assert [p.name for p in member.parameters_in("path")] == ["organization_slug", "member_id"]
    assert "list-an-organizations-projects" in by_name
    assert model.base_url == "https://sentry.io/"
    assert model.tags is not None
    assert [t.name for t in model.tags] == [s.title for s in model.sections]
    assert model.tags[0].extensions["x-display-description"] is False


def test_webhooks_get_a_section_of_their_own() -> None:
    model, _ = imported(OPENAPI / "oai_v3.1_webhook-example.json")
    (section,) = model.sections
    assert (section.slug, section.title) == ("webhooks", "Webhooks")
    (hook,) = section.endpoints
    assert (hook.name, hook.method, hook.api_path) == ("post-new-pet", "POST", "newPet")
    assert hook.webhook is True
    body = hook.request_body
    assert body is not None
    assert (body.description, body.required, body.content) == (
        "Information about a new pet in the system", False,
        (MediaType("application/json", {"$ref": "#/components/schemas/Pet"}),))
    assert [(p.name, p.location, short_type(p.schema), p.required)
            for p in hook.parameters_in("body")] == [
        ("id", "body", "integer", True), ("name", "body", "string", True),
        ("tag", "body", "string", False)]
    assert list(model.schemas) == ["Pet"]


def test_callbacks_and_links_are_kept_for_the_openapi_view() -> None:
    model, _ = imported(OPENAPI / "oai_v3.0_callback-example.json")
    endpoint = model.endpoints[0]
    callback = endpoint.extensions["callbacks"]["onData"]["{$request.query.callbackUrl}/data"]
    assert callback["post"]["responses"]["202"]["description"].startswith("Your server")
    (query,) = endpoint.parameters_in("query")
    assert (query.name, short_type(query.schema), query.required) == ("callbackUrl", "url", True)

    model, _ = imported(OPENAPI / "oai_v3.0_link-example.json")
    by_name = {ep.name: ep for ep in model.endpoints}
    responses = by_name["get-user-by-name"].responses
    assert responses
    assert responses[0].links == {
        "userRepositories": {"$ref": "#/components/links/UserRepositories"}}
    assert "UserRepositories" in model.components["links"]


def test_readme_petstore_bodies_forms_and_examples() -> None:
    model, _ = imported(OPENAPI / "readme_3.1_petstore.json")
    by_name = {ep.name: ep for ep in model.endpoints}
    form = by_name["update-pet-with-form"]
    assert form.request_body is not None
    assert [m.media_type for m in form.request_body.content] == [
        "application/x-www-form-urlencoded"]
    assert [(p.name, p.location) for p in form.parameters_in("body")] == [
        ("name", "body"), ("status", "body")]
    add = by_name["add-pet"]
    # Pet.id is readOnly: the server's to set, so not a field a request sends.
    assert [(p.name, short_type(p.schema)) for p in add.parameters_in("body")] == [
        ("category", "Category"), ("name", "string"),
        ("photoUrls", "array[string]"), ("tags", "array[Tag]"), ("status", "string")]
    order = by_name["place-order"]
    assert ("shipDate", "datetime") in [
        (p.name, short_type(p.schema)) for p in order.parameters_in("body")]
    assert order.authentication == ""
    assert by_name["find-pets-by-status"].authentication == "required"


def test_operations_parameters_bodies_and_sections_map_onto_the_model() -> None:
    model, diagnostics = imported(FIXTURES / "mapping_31.yaml")
    assert diagnostics == []
    assert (model.title, model.version, model.base_url) == (
        "Mapping", "2", "https://api.example.org/v2")
    assert model.extensions["info"] == {"summary": "Everything at once.",
                                        "license": {"name": "MIT", "identifier": "MIT"}}
    assert model.security == [{"token": []}]
    assert model.tags is not None
    assert [t.name for t in model.tags] == ["Zeta Things", "Alpha", "Unused"]
    # Declared tags first (an unused one is no section), then tags in order of first use.
    assert [(s.slug, s.title, s.description) for s in model.sections] == [
        ("zeta-things", "Zeta Things", "Last letter."), ("alpha", "Alpha", ""),
        ("undeclared", "Undeclared", "")]
    get, put, make = (s.endpoints[0] for s in reversed(model.sections))
    assert (get.name, get.title, get.authentication) == (
        "get-things-thing-id", "Get a thing", "optional")
    # The title is only what the spec states; the display title falls back to the operationId.
    assert (put.name, put.title, put.display_title, put.authentication) == (
        "update-thing-now", "", "updateThingNow", "")
    assert (make.name, make.authentication, make.source) == (
        "make-zeta", "required", SourceLocation(str(FIXTURES / "mapping_31.yaml"), 71))
    assert (get.tags, put.tags, make.tags) == (
        ("Undeclared",), ("Alpha",), ("Zeta Things", "Alpha"))

    # Path-item parameters merge in; the operation's own win on name and place.
    assert get.parameters_in("path") == (Parameter("thingId", "path", "shared", True,
                                                   {"type": "string"}),)
    assert [(p.name, short_type(p.schema) if p.schema is not None else p.type_name,
             p.description, p.deprecated) for p in get.parameters_in("query")] == [
        ("verbose", "integer", "own flag", True), ("filter", "object", "", False),
        ("since", "datetime", "", False)]
    verbose, filter_, since = get.parameters_in("query")
    assert verbose.examples == (NamedExample("", 1),)
    # A parameter given by ``content`` has no schema; its type name comes from the content.
    assert (filter_.schema, filter_.type_name, filter_.extensions) == (
        None, "object", {"content": {"application/json": {"schema": {"type": "object"}}}})
    assert since.examples == (NamedExample("recent", "2024-01-01T00:00:00Z", "Recently"),)
    assert [(p.name, p.location, p.required) for p in get.parameters
            if p.location in ("header", "cookie")] == [
        ("X-Trace", "header", False), ("session", "cookie", True)]
    # Every location in one list, in the spec's order (the path item's first).
    assert [p.name for p in get.parameters] == [
        "thingId", "verbose", "X-Trace", "session", "filter", "since"]
    assert [(p.name, p.description) for p in put.parameters_in("query")] == [
        ("verbose", "shared flag")]

    assert get.deprecated is True
    assert get.security == [{}, {"token": []}]
    assert put.security == []
    assert make.security is None  # the document's requirement applies
    assert get.extensions == {
        "externalDocs": {"url": "https://docs.example.org/things"}, "x-internal": False,
        "servers": [{"url": "https://things.example.org"}]}
    # ``example`` and ``examples`` stay apart: the first is named "".
    assert get.responses == (Response(
        "200", "The thing.", (MediaType("application/json", {"type": "object"}, (
            NamedExample("", {"id": "1"}),
            NamedExample("full", {"id": "1", "name": "n"}, description="All fields."))),),
        headers=(Parameter("X-Rate-Limit", "header", "Calls left.",
                           schema={"type": "integer"}),)),)
    body = put.request_body
    assert body is not None
    assert (body.description, body.required) == ("The new thing.", False)
    assert [(m.media_type, m.examples) for m in body.content] == [
        ("application/json", (NamedExample("", {"name": "n"}),)), ("multipart/form-data", ())]
    assert [(p.name, short_type(p.schema), p.description, p.location, p.required)
            for p in put.parameters_in("body")] == [
        ("name", "string", "The name.", "body", True),
        ("links", "array[url]", "", "body", False)]
    assert get.request_body is None and make.request_body is None


# Swagger 2.0 --------------------------------------------------------------------------------


def test_swagger_body_form_data_consumes_and_produces() -> None:
    model, diagnostics = imported(FIXTURES / "swagger_forms.yaml")
    assert diagnostics == []
    assert model.base_url == "https://files.example/api"
    assert model.extensions["servers"] == [{"url": "https://files.example/api"},
                                           {"url": "http://files.example/api"}]
    assert model.security == [{"key": []}]
    assert model.security_schemes == {
        "basic": {"type": "http", "scheme": "basic"},
        "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
        "oauth": {"type": "oauth2", "flows": {"authorizationCode": {
            "authorizationUrl": "https://files.example/auth",
            "tokenUrl": "https://files.example/token", "scopes": {"read": "Read files"}}}},
    }
    # The 2.0 dialect is read into the model's: x-nullable is a type list.
    assert model.schemas["File"] == {
        "type": "object", "discriminator": {"propertyName": "kind"}, "required": ["kind"],
        "properties": {"id": {"type": "integer"}, "name": {"type": ["string", "null"]},
                       "kind": {"type": "string"}},
    }
    by_name = {ep.name: ep for ep in model.endpoints}
    upload = by_name["upload-file"]
    file_schema = {"type": "string", "format": "binary", "description": "The file."}
    assert upload.request_body is not None
    assert (upload.request_body.description, upload.request_body.required,
            upload.request_body.content) == ("", True, (MediaType("multipart/form-data", {
                "type": "object", "properties": {"file": file_schema, "note": {"type": "string"}},
                "required": ["file"]}),))
    assert [(p.name, short_type(p.schema), p.required) for p in upload.parameters_in("body")] == [
        ("file", "file", True), ("note", "string", False)]
    assert upload.parameters == ()
    assert upload.responses == (Response("201", "Stored.", (
        MediaType("application/json", {"$ref": "#/components/schemas/File"}),),
        headers=(Parameter("Location", "header", "Where the file is.",
                           schema={"type": "string"}),)),)

    get = by_name["get-file"]
    assert (get.authentication, get.security) == ("", [])
    assert [(p.name, short_type(p.schema), p.required) for p in get.parameters_in("path")] == [
        ("id", "integer", True)]
    file_ref = {"$ref": "#/components/schemas/File"}
    assert get.responses
    assert get.responses[0].content == (
        MediaType("application/json", file_ref,
                  (NamedExample("", {"id": 1, "name": "a.txt"}),)),
        MediaType("text/csv", file_ref))

    rename = by_name["rename-file"]
    assert rename.request_body is not None
    assert rename.authentication == "required"
    body = rename.request_body
    assert (body.description, body.required) == ("The new name.", True)
    assert [(m.media_type, m.examples) for m in body.content] == [
        ("application/json", (NamedExample("", {"name": "b.txt"}),)),
        ("application/merge-patch+json", ())]
    assert [(p.name, p.description, p.required) for p in rename.parameters_in("body")] == [
        ("name", "The new name.", True)]

    tag = by_name["tag-files"]
    assert tag.section == "default" and tag.request_body is not None
    assert [m.media_type for m in tag.request_body.content] == [
        "application/x-www-form-urlencoded"]
    (ids,) = tag.parameters_in("query")
    assert (short_type(ids.schema), ids.extensions) == (
        "array[integer]", {"style": "form", "explode": True})


# Bad input ----------------------------------------------------------------------------------

BROKEN = """\
openapi: 3.0.3
info: {title: Broken, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
    post:
      operationId: list-pets
      responses:
        "201": {description: Created.}
  /pets/{petId}:
    get:
      operationId: listPets
      responses:
        "200": {description: A pet.}
"""


def test_bad_operations_are_reported_and_the_rest_is_imported(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", BROKEN)
    model, diagnostics = imported(path)
    file = str(path)
    assert diagnostics == [
        Diagnostic(file, 5, "error", "missing-responses", "GET /pets has no responses",
                   "/paths/~1pets/get", "list-pets", "document at least one response"),
        Diagnostic(file, 7, "error", "duplicate-endpoint-name",
                   "POST /pets (operationId 'list-pets') maps to the endpoint name "
                   "'list-pets', which GET /pets (operationId 'listPets') already has: "
                   "skipped", "/paths/~1pets/post", "",
                   "give the operations distinct operationIds"),
        Diagnostic(file, 12, "error", "undeclared-path-parameter",
                   "path parameter 'petId' of GET /pets/{petId} is not declared",
                   "/paths/~1pets~1{petId}/get", "get-pets-pet-id",
                   "add a parameter with 'in: path', 'name: petId' and 'required: true'"),
        Diagnostic(file, 13, "error", "duplicate-operation-id",
                   "operationId 'listPets' of GET /pets/{petId} is already used by GET /pets",
                   "/paths/~1pets~1{petId}/get/operationId", "get-pets-pet-id",
                   "operationIds must be unique"),
    ]
    assert [(ep.name, ep.method, ep.api_path) for ep in model.endpoints] == [
        ("list-pets", "GET", "/pets"), ("get-pets-pet-id", "GET", "/pets/{petId}")]
    assert diagnostics[0].format() == (
        f"{file}:5: error missing-responses: GET /pets has no responses (endpoint list-pets) "
        "[/paths/~1pets/get]\n    hint: document at least one response")


MALFORMED = [
    "openapi: 3.0.0\ninfo: []\npaths: []\n",
    "openapi: 3.0.0\npaths: {/a: []}\ntags: x\nservers: 5\n",
    "openapi: 3.1.0\npaths: {/a: {get: [], parameters: x}}\nwebhooks: []\n",
    "openapi: 3.0.0\npaths: {/a: {get: {parameters: [{name: 1}, 5, {$ref: 7}],"
    " requestBody: x, responses: []}}}\ncomponents: {schemas: []}\n",
    "openapi: 3.0.0\npaths: {/a: {get: {responses: {'200': [], '201': {content: []},"
    " '202': {content: {a/b: 5}, headers: [], links: 3}}}}}\n",
    "openapi: 3.0.0\npaths: {/a: {get: {tags: [5, {}], security: x, responses:"
    " {'200': {description: 5, content: {a/json: {schema: {$ref: 5, items: [1, {$ref: '#'}]},"
    " examples: {a: 5, b: {$ref: '#/nope'}}}}}}}}}\n",
    "swagger: '2.0'\npaths: {/a: {get: {consumes: 5, produces: x, parameters: [{in: body,"
    " name: b}, {in: formData, name: f}, {in: cookie, name: c}], responses: {'200':"
    " {schema: 5, headers: [], examples: x}, '201': {headers: {a: 5}}}}}}\nhost: 5\n",
    "swagger: '2.0'\ndefinitions: {A: {$ref: '#/definitions/A'}}\nsecurityDefinitions: {a: 5,"
    " b: {type: oauth2, flow: nope}}\npaths: {}\n",
]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_documents_never_crash(tmp_path: Path, text: str) -> None:
    model, diagnostics = load_spec(write(tmp_path, "spec.yaml", text))
    assert isinstance(model, ApiModel)
    assert all(isinstance(d, Diagnostic) for d in diagnostics)


def test_an_operation_that_is_not_an_object_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "spec.yaml", MALFORMED[2])
    _, diagnostics = imported(path)
    assert [(d.line, d.code, d.message, d.pointer) for d in diagnostics] == [
        (2, "invalid-operation", "GET /a: an operation must be an object", "/paths/~1a/get")]


def test_a_bad_parameter_of_a_path_item_without_operations_is_reported(
    tmp_path: Path
) -> None:
    path = write(tmp_path, "spec.json", json.dumps({
        "openapi": "3.0.3", "info": {"title": "T", "version": "1"},
        "paths": {"/a/{id}": {"parameters": [{"name": "id"}]},
                  "/b": {"get": {"responses": {"200": {"description": "OK"}}}}},
    }, indent=1))
    _, diagnostics = imported(path)
    assert [(d.code, d.message, d.pointer) for d in diagnostics] == [
        ("invalid-parameter", "a parameter needs a 'name' and an 'in'",
         "/paths/~1a~1{id}/parameters/0")]


def test_what_cannot_be_read_gives_no_model(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    assert load_spec(missing) == (None, [Diagnostic(
        str(missing), 0, "error", "unreadable",
        "cannot read the file: No such file or directory")])
    other = write(tmp_path, "other.yaml", "name: not a spec\n")
    assert load_spec(other) == (None, [Diagnostic(
        str(other), 1, "error", "unknown-spec-version",
        "not an OpenAPI or Swagger document: no 'openapi' or 'swagger' field")])
    future = write(tmp_path, "future.yaml", "info: {}\nopenapi: 4.0.0\n")
    assert load_spec(future) == (None, [Diagnostic(
        str(future), 2, "error", "unknown-spec-version",
        "unsupported openapi version '4.0.0' (known: Swagger 2.0, OpenAPI 3.0, 3.1 and 3.2)",
        "/openapi")])
    model, diagnostics = load_spec(write(tmp_path, "bad.yaml", "openapi: [\n"))
    assert model is None and [d.code for d in diagnostics] == ["bad-yaml"]


# URLs ---------------------------------------------------------------------------------------


@dataclass
class Route:
    body: bytes
    status: int = 200
    content_type: str = "application/yaml"
    delay: float = 0.0
    length: bool = True


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        self.stopping = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a timeout test) is not a failure of the server."""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        if route.delay:
            self.server.stopping.wait(route.delay)
        try:
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[_Server]:
    """A loopback ``http.server`` answering ``routes``, stopped on exit."""
    server = _Server()
    server.routes.update(routes)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


SERVED = b"""\
openapi: 3.1.0
info: {title: Served, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: Pets.
          content:
            application/json:
              schema: {$ref: "schemas/pet.yaml"}
  /broken:
    get:
      operationId: broken
      responses: {}
"""


def test_a_spec_loads_from_a_url_with_its_relative_references() -> None:
    routes = {"/v1/openapi.yaml": Route(SERVED),
              "/v1/schemas/pet.yaml": Route(b"type: object\n")}
    with serve(routes) as server:
        url = f"{server.base}/v1/openapi.yaml"
        model, diagnostics = imported(url)
    assert [ep.name for ep in model.endpoints] == ["list-pets", "broken"]
    assert model.schemas == {"pet": {"type": "object"}}
    assert model.components == {}
    assert diagnostics == [Diagnostic(url, 16, "warning", "missing-responses",
                                      "GET /broken documents no responses",
                                      "/paths/~1broken/get/responses", "broken")]


@pytest.mark.parametrize(("route", "options", "message"), [
    (None, {}, "the server answered 404 Not Found"),
    (Route(b"<html>Log in</html>", content_type="text/html; charset=utf-8"), {},
     "the server answered an HTML page, not a JSON or YAML document"),
    (Route(b"  <!doctype html><p>hi", content_type="text/plain"), {},
     "the server answered an HTML page, not a JSON or YAML document"),
    (Route(b"openapi: 3.1.0\n" * 100), {"max_bytes": 1000},
     "the document is larger than the input size limit of 1000 bytes"),
    (Route(b"openapi: 3.1.0\n" * 100, length=False), {"max_bytes": 1000},
     "the document is larger than the input size limit of 1000 bytes"),
    (Route(b"openapi: 3.1.0\n", delay=5), {"timeout": 0.3},
     "no complete answer within 0.3 seconds"),
])
def test_unusable_urls_are_refused(route: Route | None, options: dict[str, Any],
                                   message: str) -> None:
    with serve({"/spec.yaml": route} if route else {}) as server:
        url = f"{server.base}/spec.yaml"
        started = time.monotonic()
        model, diagnostics = load_spec(url, **options)
        elapsed = time.monotonic() - started
    assert model is None
    assert [(d.file, d.code, d.message) for d in diagnostics] == [
        (url, "unreadable", f"cannot load {url}: {message}")]
    assert elapsed < 3


def test_fetch_refuses_other_schemes() -> None:
    with pytest.raises(FetchError) as caught:
        fetch("ftp://127.0.0.1/spec.yaml")
    assert caught.value.message == (
        "cannot load ftp://127.0.0.1/spec.yaml: only http and https URLs are supported")


# GitHub's REST description (slow) ----------------------------------------------------------


@pytest.mark.slow
def test_github_rest_description_imports(github_spec: Path) -> None:
    path = github_spec
    started = time.monotonic()
    model, diagnostics = imported(path)
    elapsed = time.monotonic() - started
    assert diagnostics == []
    assert len(model.endpoints) == 1223
    assert len({ep.name for ep in model.endpoints}) == 1223
    assert [s.title for s in model.sections][:3] == ["actions", "activity", "apps"]
    by_name = {ep.name: ep for ep in model.endpoints}
    repo = by_name["repos-get"]
    assert (repo.method, repo.api_path, repo.title) == (
        "GET", "/repos/{owner}/{repo}", "Get a repository")
    assert repo.responses
    assert repo.responses[0].content[0].schema == {
        "$ref": "#/components/schemas/full-repository"}
    assert elapsed < 30, f"importing GitHub's description took {elapsed:.1f} s"
