"""The truth checks: every lie a JSON doc can tell is caught, and true docs stay silent."""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from apiscribe.checks.spec_examples import check_openapi_examples
from apiscribe.checks.truth import CHECKS, DocPlace, check_endpoints
from apiscribe.diagnostics import Diagnostic, error, warning
from apiscribe.formats.httptext import format_request, format_response
from apiscribe.formats.jsondoc import (
    DEFAULT_HEADER,
    ERROR_EXAMPLE_MARK,
    py2_dumps,
    read_file,
    render_endpoint,
)
from apiscribe.model import Endpoint, Header, HttpRequest, HttpResponse
from apiscribe.scenarios import scenario
from apiscribe.sources.jsondocs import load_folder

from .conftest import CORPUS, SEED

FILE = "releases/put-release.md"
NAME = "put-release"
ROUTE = "/api/0/organizations/{organization_slug}/releases/{version}/"
TARGET = "/api/0/organizations/acme/releases/1.0/"
#: The hints of the error-example check: for a JSON doc, and for docs generated from code.
MARK_HINT = (
    "show a successful response; if the error is the point, mark it: add the line "
    "'# apiscribe: error-example' after the '#' header lines of the JSON doc"
)
OWN_MARK_HINT = (
    "record a successful response; if the error is the point, mark its scenario: "
    "@scenario(..., error_example=True)"
)
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "sentry-docs").is_dir() or not SEED.is_file(),
    reason=f"the shared corpus is not at {CORPUS}",
)


def request_text(
    body: str | None = '{"ref": "abc", "url": "https://vcs.example.com/r/abc"}',
    *, method: str = "PUT", target: str = TARGET, content_type: str = "application/json",
) -> str:
    headers = [Header("Host", "api.example.com"), Header("Authorization", "Bearer <token>")]
    if body is not None:
        headers.append(Header("Content-Type", content_type))
    return format_request(HttpRequest(method, target, tuple(headers), body))


def response_text(
    body: str | None = '{"version": "1.0"}', *, status: int = 200, reason: str = "OK",
    length: str | None = None,
) -> str:
    size = len(body.encode("utf-8")) if body is not None else 0
    headers = (Header("Content-Type", "application/json"),
               Header("Content-Length", str(size) if length is None else length))
    return format_response(HttpResponse(status, reason, headers, body))


def param(name: str, type_: str = "string") -> dict[str, str]:
    return {"description": f"the {name}.", "name": name, "type": type_}


BASE: dict[str, Any] = {
    "api_path": ROUTE,
    "authentication": "required",
    "description": "Update a release.",
    "example_request": request_text(),
    "example_response": response_text(),
    "method": "PUT",
    "parameters": [param("ref"), param("url", "url")],
    "path_parameters": [param("organization_slug"), param("version")],
    "query_parameters": None,
    "sidebar_order": 0,
    "title": "Update a Release",
    "warning": None,
}


def doc_text(*, mark: bool = False, **changes: Any) -> str:
    header = "# A test doc\n" + (ERROR_EXAMPLE_MARK + "\n" if mark else "")
    return f"---\n{header}{py2_dumps({**BASE, **changes})}\n---\n"


#: An endpoint and the place of its JSON doc, as the checks take them.
Item = tuple[Endpoint, DocPlace]


def load(tmp_path: Path, text: str, name: str = NAME, *, file: str = FILE) -> Item:
    path = tmp_path / "releases" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    read = read_file(path, display=file)
    assert read.endpoint is not None
    return read.endpoint, DocPlace(file, read.lines)


def endpoint(tmp_path: Path, **changes: Any) -> Item:
    return load(tmp_path, doc_text(**changes))


def own(item: Item) -> Item:
    """The same doc, generated from this project's code (docstring/scenario hints)."""
    ep, at = item
    return ep, replace(at, own=True)


def run(check: str, item: Item) -> list[Diagnostic]:
    return list(CHECKS[check](*item))


def line_of(text: str, key: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith(f'  "{key}"'))


def fail(code: str, line: int, pointer: str, message: str, hint: str = "") -> Diagnostic:
    return error(code, message, file=FILE, line=line, pointer=pointer, endpoint=NAME, hint=hint)


def warn(code: str, line: int, pointer: str, message: str, hint: str = "") -> Diagnostic:
    return warning(code, message, file=FILE, line=line, pointer=pointer, endpoint=NAME,
                   hint=hint)


# Line 1 is '---', line 2 the header, line 3 '{'; then the sorted keys.
AUTH_LINE, REQUEST_LINE, RESPONSE_LINE = 5, 7, 8


def test_registry_lists_every_check() -> None:
    assert sorted(CHECKS) == [
        "body_field_contradicts_type", "body_field_undocumented", "content_length_mismatch",
        "duplicate_method_and_path", "error_example_not_marked", "example_method_differs",
        "example_path_does_not_match_route", "missing_authentication", "missing_example",
        "path_parameter_not_in_route", "response_fails_schema", "route_parameter_undocumented",
        "unparsed_example",
    ]
    assert all(check.__doc__ for check in CHECKS.values())


def test_a_true_doc_passes_every_check(tmp_path: Path) -> None:
    assert check_endpoints([endpoint(tmp_path)]) == []
    assert check_endpoints([own(endpoint(tmp_path))]) == []


# --- the example request goes elsewhere -----------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["/api/0/organization/acme/releases/1.0/", "/api/0/organizations//releases/1.0/",
     "/api/0/organizations/acme/releases/1.0/files/", "/api/0/organizations/acme/releases/1.0"],
)
def test_example_path_does_not_match_route(tmp_path: Path, target: str) -> None:
    item = endpoint(tmp_path, example_request=request_text(target=target))
    assert run("example_path_does_not_match_route", item) == [fail(
        "example-path-mismatch", REQUEST_LINE, "/example_request",
        f"example request path {target} does not match the route {ROUTE}",
        "record the example against the documented route")]


@pytest.mark.parametrize("target", [TARGET, TARGET + "?cursor=abc", "/api/0/organizations/"
                                    "a.b%2Fc/releases/2.0-rc1/"])
def test_example_path_in_route_is_silent(tmp_path: Path, target: str) -> None:
    item = endpoint(tmp_path, example_request=request_text(target=target))
    assert run("example_path_does_not_match_route", item) == []


def test_example_method_differs(tmp_path: Path) -> None:
    item = endpoint(tmp_path, example_request=request_text(method="POST"))
    assert run("example_method_differs", item) == [fail(
        "example-method-mismatch", REQUEST_LINE, "/example_request",
        "example request method POST differs from the endpoint's method PUT")]
    assert run("example_method_differs", endpoint(tmp_path)) == []


# --- error responses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reason", "shown"),
    [(404, "NOT FOUND", "404 NOT FOUND"), (500, "Internal Server Error",
                                          "500 Internal Server Error"), (400, "", "400")],
)
def test_error_example_not_marked(tmp_path: Path, status: int, reason: str, shown: str) -> None:
    item = endpoint(tmp_path, example_response=response_text(status=status, reason=reason))
    message = f"example response is an error ({shown}) but is not marked as an error example"
    assert run("error_example_not_marked", item) == [fail(
        "error-example", RESPONSE_LINE, "/example_response", message, MARK_HINT)]
    assert run("error_example_not_marked", own(item)) == [fail(
        "error-example", RESPONSE_LINE, "/example_response", message, OWN_MARK_HINT)]


def test_marked_error_example_is_silent_and_round_trips(tmp_path: Path) -> None:
    text = doc_text(mark=True, example_response=response_text(status=404, reason="NOT FOUND"))
    item = load(tmp_path, text)
    ep = item[0]
    assert ep.example.marked_error is True
    assert run("error_example_not_marked", item) == []
    assert run("error_example_not_marked", own(item)) == []
    assert render_endpoint(ep) == text
    unmarked = replace(ep, example=replace(ep.example, marked_error=False))
    assert render_endpoint(unmarked) == text.replace(ERROR_EXAMPLE_MARK + "\n", "")


def test_new_endpoint_marked_as_error_example_gets_the_header_line(tmp_path: Path) -> None:
    ep, _ = endpoint(tmp_path)
    assert ep.example.marked_error is False
    fresh = Endpoint(name=NAME, section="releases", method="PUT", api_path=ROUTE, title="T",
                     example=replace(ep.example, marked_error=True))
    header = render_endpoint(fresh).split("\n{")[0].split("\n")[1:]
    assert header == [*DEFAULT_HEADER, ERROR_EXAMPLE_MARK]


def test_success_example_is_silent(tmp_path: Path) -> None:
    created = endpoint(tmp_path, example_response=response_text(status=201, reason="CREATED"))
    assert run("error_example_not_marked", created) == []


def test_scenario_can_say_it_records_an_error() -> None:
    def fetch_missing(client: Any) -> None:
        """A scenario whose 404 is the point."""

    assert scenario("TruthMissingRelease", error_example=True)(fetch_missing).error_example
    assert not scenario("TruthFoundRelease")(fetch_missing).error_example


# --- path parameters ------------------------------------------------------------------------


def test_path_parameter_not_in_route(tmp_path: Path) -> None:
    text = doc_text(path_parameters=[param("org_slug"), param("version"), param("extra")])
    item = load(tmp_path, text)
    first = line_of(text, "path_parameters") + 3  # the first entry's "name" line
    assert run("path_parameter_not_in_route", item) == [
        fail("unknown-path-parameter", first, "/path_parameters/0/name",
             f"path parameter 'org_slug' is not in the route {ROUTE}",
             "did you mean 'organization_slug'?"),
        fail("unknown-path-parameter", first + 10, "/path_parameters/2/name",
             f"path parameter 'extra' is not in the route {ROUTE}",
             "remove it, or add {extra} to the route"),
    ]
    assert run("path_parameter_not_in_route", endpoint(tmp_path)) == []


def test_route_parameter_undocumented(tmp_path: Path) -> None:
    text = doc_text(path_parameters=None, parameters=[param("version"), param("ref")])
    item = load(tmp_path, text)
    line = line_of(text, "path_parameters")
    slug = (f"route parameter {{organization_slug}} of {ROUTE} is not documented as a path "
            "parameter")
    version = f"route parameter {{version}} of {ROUTE} is not documented as a path parameter"
    assert run("route_parameter_undocumented", item) == [
        fail("undocumented-path-parameter", line, "/path_parameters", slug,
             "add a 'path_parameters' entry named 'organization_slug'"),
        fail("undocumented-path-parameter", line, "/path_parameters", version,
             "it is documented in 'parameters'; make it a path parameter"),
    ]
    assert run("route_parameter_undocumented", own(item)) == [
        fail("undocumented-path-parameter", line, "/path_parameters", slug,
             "document it with ':pparam <type> organization_slug: ...' in the docstring"),
        fail("undocumented-path-parameter", line, "/path_parameters", version,
             "it is documented in 'parameters'; make it a path parameter (:pparam)"),
    ]
    assert run("route_parameter_undocumented", endpoint(tmp_path)) == []
    assert run("route_parameter_undocumented", own(endpoint(tmp_path))) == []


# --- request bodies -------------------------------------------------------------------------

MULTIPART = (
    "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n/demo/hello.py\r\n"
    "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hello.py\"\r\n\r\n"
    "print('hi')\r\n--XyZ--\r\n"
)


@pytest.mark.parametrize(
    ("body", "content_type", "extra"),
    [
        ('{"ref": "abc", "options": {"a": 1}}', "application/json", "options"),
        ("ref=abc&dist=x", "application/x-www-form-urlencoded", "dist"),
        (MULTIPART, "multipart/form-data; boundary=XyZ", "file"),
        # Sentry's recorder showed a multipart body as one JSON string.
        (json.dumps(MULTIPART), "multipart/form-data; boundary=XyZ", "file"),
    ],
    ids=["json", "form", "multipart", "multipart-as-json-string"],
)
def test_body_field_undocumented(tmp_path: Path, body: str, content_type: str,
                                 extra: str) -> None:
    parameters = [param("ref"), param("name")]
    item = endpoint(tmp_path, parameters=parameters,
                    example_request=request_text(body, content_type=content_type))
    message = f"example request body field {extra!r} is not a documented parameter"
    assert run("body_field_undocumented", item) == [fail(
        "undocumented-body-field", REQUEST_LINE, "/example_request", message,
        f"document it with a 'parameters' entry named {extra!r}, or leave it out of the "
        "example")]
    assert run("body_field_undocumented", own(item)) == [fail(
        "undocumented-body-field", REQUEST_LINE, "/example_request", message,
        f"document it with ':param <type> {extra}: ...' in the docstring, or leave it out "
        "of the example")]


def test_body_field_close_to_a_parameter_gets_a_suggestion(tmp_path: Path) -> None:
    item = endpoint(tmp_path, example_request=request_text('{"reff": "abc"}'))
    assert [d.hint for d in run("body_field_undocumented", item)] == ["did you mean 'ref'?"]
    assert [d.hint for d in run("body_field_undocumented", own(item))] == [
        "did you mean 'ref'?"]


@pytest.mark.parametrize("body", [None, '{"ref": "abc"}', '["a", "b"]', "not json"])
def test_documented_or_unreadable_body_is_silent(tmp_path: Path, body: str | None) -> None:
    item = endpoint(tmp_path, example_request=request_text(body))
    assert run("body_field_undocumented", item) == []
    assert run("body_field_contradicts_type", item) == []


TYPE_CASES: list[tuple[str, Any, str | None]] = [
    ("url", "https://vcs.example.com/r", None),
    ("url", "vcs.example.com/r", "is \"vcs.example.com/r\": not an absolute http(s) URL"),
    ("url", "ftp://vcs.example.com/r", "is \"ftp://vcs.example.com/r\": not an absolute "
     "http(s) URL"),
    ("datetime", "2024-01-02T03:04:05Z", None),
    ("datetime", "2024-01-02T03:04:05.123+02:00", None),
    ("datetime", "yesterday", "is \"yesterday\": not an ISO 8601 date-time"),
    ("datetime", 1700000000, "is 1700000000: not an ISO 8601 date-time"),
    ("timestamp", 1700000000.5, None),
    ("timestamp", "2024-01-02T03:04:05Z", None),
    ("timestamp", "soon", "is \"soon\": not an ISO 8601 date-time or a number"),
    ("array", [], None),
    ("array", "a", "is \"a\": not an array"),
    ("array[string]", ["a", "b"], None),
    ("array[string]", ["a", 5], "item 1 is 5: not a string"),
    ("array[int]", "a", "is \"a\": not an array"),
    ("int", 3, None),
    ("int", True, "is true: not an integer"),
    ("integer", 3.5, "is 3.5: not an integer"),
    ("int", "3", "is \"3\": not an integer"),
    ("bool", False, None),
    ("boolean", 1, "is 1: not a boolean"),
    ("float", 2, None),
    ("number", 1.5, None),
    ("float", False, "is false: not a number"),
    ("number", "1.5", "is \"1.5\": not a number"),
    ("string", "x", None),
    ("string", 5, "is 5: not a string"),
    ("object", {"a": 1}, None),
    ("dict", [], "is []: not an object"),
    ("string", None, None),
    ("file", 5, None),
    ("widget", 5, None),
]


@pytest.mark.parametrize(("type_", "value", "problem"), TYPE_CASES)
def test_body_field_contradicts_type(
    tmp_path: Path, type_: str, value: Any, problem: str | None
) -> None:
    item = endpoint(tmp_path, parameters=[param("field", type_)],
                    example_request=request_text(json.dumps({"field": value})))
    expected = [] if problem is None else [fail(
        "body-field-type", REQUEST_LINE, "/example_request",
        f"example request body field 'field' {problem} (documented type {type_})")]
    assert run("body_field_contradicts_type", item) == expected


# --- responses ------------------------------------------------------------------------------

ID_SCHEMA = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}


def schema_check(item: Item, schema: dict[str, Any] | None) -> list[Diagnostic]:
    return list(CHECKS["response_fails_schema"](*item, schema))


def test_response_fails_schema(tmp_path: Path) -> None:
    item = endpoint(tmp_path, example_response=response_text('{"id": "x"}'))
    assert schema_check(item, ID_SCHEMA) == [fail(
        "response-schema", RESPONSE_LINE, "/example_response",
        "example response body does not match its schema at /id: 'x' is not of type "
        "'integer'")]
    text = endpoint(tmp_path, example_response=response_text("<html>"))
    assert schema_check(text, ID_SCHEMA) == [fail(
        "response-schema", RESPONSE_LINE, "/example_response",
        "example response body is not JSON, but a schema documents it")]


def test_response_fitting_or_without_schema_is_silent(tmp_path: Path) -> None:
    item = endpoint(tmp_path, example_response=response_text('{"id": 3}'))
    assert schema_check(item, ID_SCHEMA) == []
    wrong = endpoint(tmp_path, example_response=response_text('{"id": "x"}'))
    assert schema_check(wrong, None) == []
    assert run("response_fails_schema", wrong) == []


@pytest.mark.parametrize(
    ("response", "what", "declared", "size"),
    [
        (response_text('{"a": 1}', length="3"), "response", "3", 8),
        (response_text(None, length="12"), "response", "12", 0),
        (response_text('"caf\u00e9"', length="6"), "response", "6", 7),
    ],
)
def test_content_length_mismatch(
    tmp_path: Path, response: str, what: str, declared: str, size: int
) -> None:
    item = endpoint(tmp_path, example_response=response)
    assert run("content_length_mismatch", item) == [warn(
        "content-length", RESPONSE_LINE, "/example_response",
        f"example {what} says Content-Length: {declared}, but its body is {size} bytes",
        "show the body as it was sent, or fix the header")]


def test_content_length_of_request_is_checked_too(tmp_path: Path) -> None:
    request = request_text('{"ref": "abc"}').replace(
        "Content-Type: application/json", "Content-Type: application/json\nContent-Length: 99")
    item = endpoint(tmp_path, example_request=request)
    assert [(d.pointer, d.message) for d in run("content_length_mismatch", item)] == [
        ("/example_request", "example request says Content-Length: 99, but its body is 14 "
         "bytes")]


@pytest.mark.parametrize("response", [response_text('"caf\u00e9"'), response_text(None),
                                      response_text("", length="0")])
def test_content_length_that_fits_is_silent(tmp_path: Path, response: str) -> None:
    assert run("content_length_mismatch", endpoint(tmp_path, example_response=response)) == []


# --- missing facts, unreadable examples, duplicates -----------------------------------------


@pytest.mark.parametrize(
    ("request_", "response", "pointer", "line", "message"),
    [
        ("", "", "/example_request", REQUEST_LINE, "no example request and response"),
        (request_text(), "", "/example_response", RESPONSE_LINE,
         "an example request, but no example response"),
        ("", response_text(), "/example_request", REQUEST_LINE,
         "an example response, but no example request"),
    ],
)
def test_missing_example(tmp_path: Path, request_: str, response: str, pointer: str,
                         line: int, message: str) -> None:
    item = endpoint(tmp_path, example_request=request_, example_response=response)
    assert run("missing_example", item) == [warn(
        "no-example", line, pointer, message,
        "add the example as raw HTTP text to 'example_request' and 'example_response'")]
    assert run("missing_example", own(item)) == [warn(
        "no-example", line, pointer, message,
        "attach a scenario (@attach_scenarios) that calls this endpoint")]
    assert run("missing_example", endpoint(tmp_path)) == []
    assert run("missing_example", own(endpoint(tmp_path))) == []


@pytest.mark.parametrize("value", ["", "  "])
def test_missing_authentication(tmp_path: Path, value: str) -> None:
    item = endpoint(tmp_path, authentication=value)
    assert run("missing_authentication", item) == [warn(
        "no-authentication", AUTH_LINE, "/authentication", "'authentication' is empty",
        "say what the endpoint needs, e.g. 'required'")]
    assert run("missing_authentication", own(item)) == [warn(
        "no-authentication", AUTH_LINE, "/authentication", "'authentication' is empty",
        "say what the endpoint needs, e.g. ':auth: required' in its docstring")]
    assert run("missing_authentication", endpoint(tmp_path)) == []
    assert run("missing_authentication", own(endpoint(tmp_path))) == []


def test_unparsed_example_is_one_warning(tmp_path: Path) -> None:
    item = endpoint(tmp_path, example_request="PUT it there", example_response="it worked")
    assert run("unparsed_example", item) == [warn(
        "unparsed-example", REQUEST_LINE, "/example_request",
        "'example_request' is not HTTP text that apiscribe can parse, so the example is not "
        "checked",
        "a start line, 'Name: value' header lines, and the body after one blank line, "
        "joined with '\\n'")]
    assert run("unparsed_example", endpoint(tmp_path)) == []
    # Checks that need the example stay silent instead of guessing.
    assert check_endpoints([item]) == run("unparsed_example", item)


def test_duplicate_method_and_path(tmp_path: Path) -> None:
    first = endpoint(tmp_path)
    twin = load(tmp_path, doc_text(api_path=ROUTE.replace("{version}", "{release}")), "twin",
                file="releases/twin.md")
    other = load(tmp_path, doc_text(method="DELETE", example_request=request_text(
        None, method="DELETE")), "delete-release", file="releases/delete.md")
    items = [first, twin, other]
    assert list(CHECKS["duplicate_method_and_path"](items)) == [
        fail("duplicate-endpoint", 4, "/api_path",
             f"PUT {ROUTE} is also documented by releases/twin.md",
             "keep one doc per method and route"),
        error("duplicate-endpoint",
              f"PUT {ROUTE.replace('{version}', '{release}')} is also documented by {FILE}",
              file="releases/twin.md", line=4, pointer="/api_path", endpoint="twin",
              hint="keep one doc per method and route"),
    ]
    assert list(CHECKS["duplicate_method_and_path"](items[::2])) == []


def test_check_endpoints_output_is_sorted_and_complete(tmp_path: Path) -> None:
    item = endpoint(tmp_path, authentication="", example_request=request_text(method="POST"),
                    example_response=response_text(status=500,
                                                   reason="INTERNAL SERVER ERROR"))
    found = check_endpoints([item])
    assert found == sorted(found)
    assert [d.code for d in found] == ["no-authentication", "example-method-mismatch",
                                       "error-example"]


# --- OpenAPI examples -----------------------------------------------------------------------

PETS: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Pets", "version": "1"},
    "paths": {
        "/pets/{id}": {
            "get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Pet"},
                "example": {"id": 1, "tag": None, "kids": [{"id": 2}]},
            }, "text/plain": {"schema": {"type": "integer"}, "example": "not checked"}}}}},
            "put": {
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Pet"},
                    "examples": {"one": {"$ref": "#/components/examples/OnePet"}},
                }}},
                "responses": {"204": {"description": "updated"}},
            },
        }
    },
    "components": {
        "schemas": {"Pet": {
            "type": "object", "required": ["id"],
            "properties": {
                "id": {"type": "integer"},
                "tag": {"type": "string", "nullable": True},
                "owner": {"nullable": True, "allOf": [{"$ref": "#/components/schemas/Pet"}]},
                "kids": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
            },
        }},
        "examples": {"OnePet": {"value": {"id": 3, "owner": None}}},
    },
}
GET_200 = "/paths/~1pets~1{id}/get/responses/200/content/application~1json"


def openapi_check(document: dict[str, Any]) -> list[Diagnostic]:
    return check_openapi_examples(document, file="pets.json", line_of=lambda pointer: 42)


def test_openapi_examples_that_fit_are_silent() -> None:
    assert openapi_check(PETS) == []


def test_openapi_example_that_does_not_fit_is_named() -> None:
    document = copy.deepcopy(PETS)
    media = document["paths"]["/pets/{id}"]["get"]["responses"]["200"]["content"]
    media["application/json"]["example"] = {"id": 1, "kids": [{"id": "two"}, {"tag": 5}]}
    document["components"]["examples"]["OnePet"]["value"] = {"owner": {"id": 4}}
    put_what = "PUT /pets/{id} request body (application/json)"
    assert openapi_check(document) == [
        error("request-schema", f"the example 'one' of {put_what} does not match its schema "
              "at /: 'id' is a required property", file="pets.json", line=42,
              pointer="/components/examples/OnePet/value"),
        error("response-schema", "the example of GET /pets/{id} response 200 "
              "(application/json) does not match its schema at /kids/0/id: 'two' is not of "
              "type 'integer'", file="pets.json", line=42, pointer=f"{GET_200}/example"),
        error("response-schema", "the example of GET /pets/{id} response 200 "
              "(application/json) does not match its schema at /kids/1/tag: 5 is not of type "
              "'string'", file="pets.json", line=42, pointer=f"{GET_200}/example"),
        error("response-schema", "the example of GET /pets/{id} response 200 "
              "(application/json) does not match its schema at /kids/1: 'id' is a required "
              "property", file="pets.json", line=42, pointer=f"{GET_200}/example"),
    ]


@pytest.mark.parametrize(
    ("schemas", "reason"),
    [
        ({"Pet": {"$ref": "#/components/schemas/Loop"},
          "Loop": {"$ref": "#/components/schemas/Pet"}}, "its $refs loop or nest too deeply"),
        ({"Pet": {"$ref": "#/components/schemas/Nowhere"}},
         "$ref '/components/schemas/Nowhere' leads nowhere"),
    ],
    ids=["ref-loop", "dangling-ref"],
)
def test_openapi_schema_that_cannot_be_applied_is_a_warning(
    schemas: dict[str, Any], reason: str
) -> None:
    document = copy.deepcopy(PETS)
    document["components"]["schemas"] = schemas
    found = openapi_check(document)
    assert [(d.level, d.code, d.pointer) for d in found] == [
        ("warning", "schema-unchecked", "/components/examples/OnePet/value"),
        ("warning", "schema-unchecked", f"{GET_200}/example"),
    ]
    assert all(reason in d.message for d in found)


def test_openapi_31_and_swagger_20_examples() -> None:
    modern = {
        "openapi": "3.1.0", "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"type": ["string", "null"]}, "examples": {
                "ok": {"value": None}, "bad": {"value": 1}}}}}}}}},
    }
    swagger = {
        "swagger": "2.0", "info": {"title": "T", "version": "1"},
        "paths": {"/a": {"get": {"responses": {"200": {
            "description": "d", "schema": {"type": "object", "required": ["id"]},
            "examples": {"application/json": {"name": "x"}}}}}}},
    }
    assert [(d.code, d.pointer, d.message) for d in openapi_check(modern)] == [
        ("response-schema", "/paths/~1a/get/responses/200/content/application~1json/examples/"
         "bad/value", "the example 'bad' of GET /a response 200 (application/json) does not "
         "match its schema at /: 1 is not of type 'string', 'null'"),
    ]
    assert [(d.code, d.pointer, d.message) for d in openapi_check(swagger)] == [
        ("response-schema", "/paths/~1a/get/responses/200/examples/application~1json",
         "the example (application/json) of GET /a response 200 does not match its schema "
         "at /: 'id' is a required property"),
    ]


OPENAPI_DOCS = sorted((CORPUS / "openapi").glob("*.json")) if CORPUS.is_dir() else []


@needs_corpus
@pytest.mark.parametrize("path", OPENAPI_DOCS, ids=lambda p: p.stem)
def test_openapi_corpus_examples_all_fit(path: Path) -> None:
    assert openapi_check(json.loads(path.read_text(encoding="utf-8"))) == []


@needs_corpus
def test_openapi_corpus_example_that_lies_is_caught() -> None:
    path = CORPUS / "openapi" / "sentry-2022-05-18-openapi-derefed.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    route = "/api/0/organizations/{organization_slug}/teams/"
    document["paths"][route]["get"]["responses"]["200"]["content"]["application/json"][
        "example"][0]["memberCount"] = "1"
    assert [(d.code, d.message) for d in openapi_check(document)] == [(
        "response-schema", f"the example of GET {route} response 200 (application/json) does "
        "not match its schema at /0/memberCount: '1' is not of type 'integer'")]


# --- the real corpus ------------------------------------------------------------------------


def corpus_items() -> list[Item]:
    """Every Sentry JSON doc, read with the lines of its pointers."""
    items = []
    for path in sorted((CORPUS / "sentry-docs").rglob("*.md")):
        shown = f"{path.parent.name}/{path.name}"
        read = read_file(path, display=shown)
        assert read.endpoint is not None, read.diagnostics
        items.append((read.endpoint, DocPlace(shown, read.lines)))
    return items


def findings(found: list[Diagnostic]) -> dict[str, list[str]]:
    by_code: dict[str, list[str]] = defaultdict(list)
    for item in found:
        by_code[item.code].append(item.file)
    return dict(by_code)


@needs_corpus
def test_seed_tells_two_lies() -> None:
    read = read_file(SEED, section="releases", display="seed.md")
    assert read.endpoint is not None
    assert check_endpoints([(read.endpoint, DocPlace("seed.md", read.lines))]) == [
        error("example-path-mismatch", "example request path "
              "/api/0/organization/the-interstellar-jurisdiction/releases/3000/ does not match "
              "the route /api/0/organizations/{organization_slug}/releases/{version}/",
              file="seed.md", line=8, pointer="/example_request", endpoint=SEED.stem,
              hint="record the example against the documented route"),
        error("error-example", "example response is an error (404 NOT FOUND) but is not "
              "marked as an error example", file="seed.md", line=9,
              pointer="/example_response", endpoint=SEED.stem, hint=MARK_HINT),
    ]


NO_EXAMPLE = [
    "organizations/delete-organization-dashboard-details.md",
    "organizations/delete-organization-dashboard-widget-details.md",
    "organizations/get-organization-dashboard-details.md",
    "organizations/get-organization-dashboards.md",
    "organizations/get-organization-projects-sent-first-event.md",
    "organizations/get-organization-repositories.md",
    "organizations/get-organization-repository-commits.md",
    "organizations/post-organization-dashboard-widgets.md",
    "organizations/post-organization-dashboards.md",
    "organizations/post-organization-index.md",
    "organizations/put-organization-dashboard-details.md",
    "organizations/put-organization-dashboard-widget-details.md",
    "projects/delete-debug-files.md",
    "projects/delete-project-service-hook-details.md",
    "projects/get-debug-files.md",
    "projects/get-project-tag-key-values.md",
    "projects/post-d-sym-files.md",
    "projects/post-debug-files.md",
    "releases/delete-organization-release-details.md",
    "releases/get-commit-file-change.md",
    "releases/get-issues-resolved-in-release.md",
    "releases/get-organization-release-files.md",
    "releases/get-project-issues-resolved-in-release.md",
    "releases/get-project-release-stats.md",
    "releases/post-organization-release-files.md",
]


@needs_corpus
def test_sentry_docs_lies_are_all_found() -> None:
    model, problems = load_folder(CORPUS / "sentry-docs")
    assert [p for p in problems if p.level == "error"] == []
    assert len(model.endpoints) == 53
    items = corpus_items()
    assert len(items) == 53
    found = findings(check_endpoints(items))
    bodies = sorted(at.file for ep, at in items if ep.example.exchange is not None
                    and ep.example.exchange.response.body)
    assert found == {
        "example-path-mismatch": ["releases/put-organization-release-details.md"],
        "error-example": ["projects/delete-project-details.md",
                          "projects/put-project-details.md",
                          "releases/put-organization-release-details.md"],
        "no-example": NO_EXAMPLE,
        "no-authentication": ["organizations/get-data-scrubbing-selector-suggestions.md",
                              "organizations/post-organization-dashboards.md",
                              "projects/delete-project-service-hook-details.md",
                              "projects/get-project-keys.md",
                              "projects/post-project-keys.md",
                              "releases/get-organization-releases.md"],
        "undocumented-path-parameter": [
            "organizations/get-data-scrubbing-selector-suggestions.md",
            "organizations/get-event-id-lookup.md"],
        "undocumented-body-field": ["projects/put-project-details.md"],
        "duplicate-endpoint": ["projects/post-d-sym-files.md", "projects/post-debug-files.md",
                               "releases/get-issues-resolved-in-release.md",
                               "releases/get-project-issues-resolved-in-release.md"],
        # Sentry pretty-printed every recorded body but kept the wire Content-Length.
        "content-length": bodies,
    }
    assert len(bodies) == 25


@needs_corpus
def test_sentry_error_examples_name_their_status() -> None:
    items = corpus_items()
    statuses = [(d.file, d.message.split("(")[1].split(")")[0])
                for d in check_endpoints(items) if d.code == "error-example"]
    assert statuses == [("projects/delete-project-details.md", "500 INTERNAL SERVER ERROR"),
                        ("projects/put-project-details.md", "500 Internal Server Error"),
                        ("releases/put-organization-release-details.md", "404 NOT FOUND")]

