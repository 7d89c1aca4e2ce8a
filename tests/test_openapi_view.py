"""The OpenAPI view: document contents, validity (3.1.0 and 3.0.3), determinism, goldens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from openapi_spec_validator import validate

from apiscribe.formats.httptext import format_request, format_response, parse_exchange
from apiscribe.model import (
    ApiModel,
    Endpoint,
    Example,
    Header,
    HttpRequest,
    HttpResponse,
    Parameter,
    ParamLocation,
    Section,
)
from apiscribe.views.openapi import build_document, render

from .conftest import CORPUS, ROOT, SEED, GoldenCompare
from .seed_model import param, seed_endpoint

VERSIONS = ("3.1.0", "3.0.3")


def recorded(request: HttpRequest, response: HttpResponse) -> Example:
    """An example the way a recording stores it: text, and the exchange parsed back from it."""
    request_text, response_text = format_request(request), format_response(response)
    exchange = parse_exchange(request_text, response_text)
    assert exchange is not None
    return Example(request_text, response_text, exchange)


def p(
    name: str, type_: str, kind: ParamLocation, description: str = "", required: bool = False
) -> Parameter:
    return param(name, type_, description, kind, required)


AUTH = Header("Authorization", "Bearer <token>")
JSON_TYPE = Header("Content-Type", "application/json")
LINK = '<https://api.example.com/api/0/projects/?&cursor=0:100:0>; rel="next"; results="false"'

LIST_PROJECTS = seed_endpoint(
    name="get-project-index",
    section="projects",
    method="GET",
    api_path="/api/0/projects/",
    title="List Your Projects",
    description="Return a list of projects bound to an organization.",
    authentication="required",
    query_parameters=(
        p("cursor", "string", "query", "a pointer to the last object fetched."),
        p("limit", "int", "query", "how many projects to return.", required=True),
        p("active", "bool", "query", "only active projects."),
        p("ratio", "float", "query"),
        p("since", "datetime", "query"),
        p("until", "timestamp", "query"),
        p("home", "url", "query"),
        p("ids", "array", "query"),
        p("names", "array[string]", "query", "project slugs."),
        p("filter", "object", "query"),
        p("query", "querystring", "query"),
        p("mystery", "blob", "query", "a type nobody knows."),
    ),
    example=recorded(
        HttpRequest("GET", "/api/0/projects/?limit=1", (Header("Host", "api.example.com"), AUTH)),
        HttpResponse(
            200,
            "OK",
            (Header("Link", LINK), Header("Content-Type", "application/json; charset=utf-8")),
            json.dumps([{"slug": "pump-station", "name": "Pump Station"}], indent=2),
        ),
    ),
)

UPDATE_RELEASE = seed_endpoint(
    name="put-organization-release-details",
    section="releases",
    method="PUT",
    api_path="/api/0/organizations/{organization_slug}/releases/{version}/",
    title="Update an Organization's Release",
    description="Update a release. This can change some metadata associated with\nthe release.",
    warning="Changing the ref of a deployed release is not undone.",
    authentication="required, user-context-needed",
    path_parameters=(
        p("organization_slug", "string", "path", "the slug of the organization."),
        p("project_slug", "string", "path", "a name the path does not use."),
    ),
    parameters=(
        p("ref", "string", "body", "an optional commit reference."),
        p("url", "url", "body", "a URL that points to the release."),
        p("dateReleased", "datetime", "body", "when the release went live.", required=True),
        p("commits", "array", "body", "an optional list of commit data."),
        p("extra", "dict", "body"),
    ),
    example=recorded(
        HttpRequest(
            "PUT",
            "/api/0/organizations/acme/releases/1.0/",
            (AUTH, JSON_TYPE),
            '{\n  "ref": "deadbeef", \n  "url": "https://vcs.invalid/r/deadbeef"\n}',
        ),
        HttpResponse(400, "BAD REQUEST", (JSON_TYPE,), '{"dateReleased": ["required"]}'),
    ),
)

CREATE_PROJECT = seed_endpoint(
    name="post-team-project-index",
    section="projects",
    method="POST",
    api_path="/api/0/teams/{organization_slug}/{team_slug}/projects/",
    title="Create a New Project",
    authentication="",
    path_parameters=(
        p("organization_slug", "string", "path", "the organization."),
        p("team_slug", "string", "path", "the team."),
    ),
    parameters=(p("name", "string", "body", "the name for the new project.", required=True),),
    example=recorded(
        HttpRequest("POST", "/api/0/teams/acme/ops/projects/", (JSON_TYPE,), '{"name": "Ünïcode"}'),
        HttpResponse(201, "CREATED", (JSON_TYPE,), '{"id": "2", "name": "\\u00dcn\\u00efcode"}'),
    ),
)

DELETE_PROJECT = seed_endpoint(
    name="delete-project-details",
    section="projects",
    method="DELETE",
    api_path="/api/0/projects/{organization_slug}/{project_slug}/",
    title="Delete a Project",
    authentication="optional",
    path_parameters=(p("organization_slug", "int", "path", "the organization id."),),
    example=recorded(
        HttpRequest("DELETE", "/api/0/projects/acme/pump/", (AUTH,)),
        HttpResponse(204, "", (Header("Content-Length", "0"),)),
    ),
)

UPLOAD_FILE = seed_endpoint(
    name="post-debug-files",
    section="releases",
    method="POST",
    api_path="/api/0/projects/{organization_slug}/{project_slug}/files/dsyms/",
    title="Upload a New File",
    authentication="none",
    path_parameters=(
        p("organization_slug", "string", "path", "the organization."),
        p("project_slug", "string", "path", "the project."),
    ),
    parameters=(
        p("file", "file", "body", "the multipart encoded file.", required=True),
        p("tags", "array[string]", "body", "labels for the file."),
    ),
    example=recorded(
        HttpRequest(
            "POST",
            "/api/0/projects/acme/pump/files/dsyms/",
            (AUTH, Header("Content-Type", "multipart/form-data; boundary=b70e")),
            '--b70e\nContent-Disposition: form-data; name="file"\n\nbytes\n--b70e--',
        ),
        HttpResponse(200, "OK", (Header("Content-Type", "text/plain"),), "stored 1 file"),
    ),
)

RELEASE_FILES = seed_endpoint(
    name="get-release-files",
    section="releases",
    method="GET",
    api_path="/api/0/organizations/{organization_slug}/releases/{version}/files/",
    title="List a Release's Files",
    authentication="required",
    path_parameters=(
        p("organization_slug", "string", "path", "the organization."),
        p("version", "string", "path", "the version identifier."),
    ),
)

MODEL = ApiModel(
    title="Example API",
    version="2.3.0",
    description="The API of the example service.",
    base_url="https://api.example.com",
    sections=(
        Section(
            "projects",
            "Projects",
            (LIST_PROJECTS, CREATE_PROJECT, DELETE_PROJECT),
            "Projects group events.",
        ),
        Section("releases", "Releases", (UPDATE_RELEASE, UPLOAD_FILE, RELEASE_FILES)),
    ),
)


def operation(doc: dict[str, Any], endpoint: Endpoint) -> dict[str, Any]:
    result: dict[str, Any] = doc["paths"][endpoint.api_path][endpoint.method.lower()]
    return result


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return build_document(MODEL)


def test_info_servers_and_tags(doc: dict[str, Any]) -> None:
    assert doc["openapi"] == "3.1.0"
    assert doc["info"] == {
        "title": "Example API",
        "version": "2.3.0",
        "description": "The API of the example service.",
    }
    assert doc["servers"] == [{"url": "https://api.example.com"}]
    assert doc["tags"] == [
        {"name": "Projects", "description": "Projects group events."},
        {"name": "Releases"},
    ]


def test_paths_are_sorted_and_each_endpoint_is_one_operation(doc: dict[str, Any]) -> None:
    assert list(doc["paths"]) == sorted(ep.api_path for ep in MODEL.endpoints)
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert sorted(ids) == sorted(ep.name for ep in MODEL.endpoints)


def test_operation_identity_and_warning(doc: dict[str, Any]) -> None:
    op = operation(doc, UPDATE_RELEASE)
    assert list(op)[:4] == ["tags", "summary", "description", "operationId"]
    assert op["operationId"] == "put-organization-release-details"
    assert op["summary"] == "Update an Organization's Release"
    assert op["tags"] == ["Releases"]
    assert op["description"] == (
        "Update a release. This can change some metadata associated with\nthe release.\n\n"
        "**Warning:** Changing the ref of a deployed release is not undone."
    )
    assert "description" not in operation(doc, CREATE_PROJECT)
    assert operation(doc, LIST_PROJECTS)["tags"] == ["Projects"]


def test_path_parameters_follow_the_template(doc: dict[str, Any]) -> None:
    assert operation(doc, UPDATE_RELEASE)["parameters"] == [
        {
            "name": "organization_slug",
            "in": "path",
            "required": True,
            "description": "the slug of the organization.",
            "schema": {"type": "string"},
        },
        {"name": "version", "in": "path", "required": True, "schema": {"type": "string"}},
    ]
    assert operation(doc, DELETE_PROJECT)["parameters"][0]["schema"] == {"type": "integer"}


def test_query_parameter_schemas(doc: dict[str, Any]) -> None:
    params = operation(doc, LIST_PROJECTS)["parameters"]
    assert {p["in"] for p in params} == {"query"}
    assert params[0] == {
        "name": "cursor",
        "in": "query",
        "description": "a pointer to the last object fetched.",
        "schema": {"type": "string"},
    }
    assert params[1]["required"] is True
    assert {p["name"]: p["schema"] for p in params} == {
        "cursor": {"type": "string"},
        "limit": {"type": "integer"},
        "active": {"type": "boolean"},
        "ratio": {"type": "number"},
        "since": {"type": "string", "format": "date-time"},
        "until": {"type": "string", "format": "date-time"},
        "home": {"type": "string", "format": "uri"},
        "ids": {"type": "array"},
        "names": {"type": "array", "items": {"type": "string"}},
        "filter": {"type": "object"},
        "query": {"type": "string"},
        "mystery": {},
    }


def test_json_request_body_with_recorded_example(doc: dict[str, Any]) -> None:
    assert operation(doc, UPDATE_RELEASE)["requestBody"] == {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "ref": {"type": "string", "description": "an optional commit reference."},
                        "url": {
                            "type": "string",
                            "format": "uri",
                            "description": "a URL that points to the release.",
                        },
                        "dateReleased": {
                            "type": "string",
                            "format": "date-time",
                            "description": "when the release went live.",
                        },
                        "commits": {
                            "type": "array",
                            "description": "an optional list of commit data.",
                        },
                        "extra": {"type": "object"},
                    },
                    "required": ["dateReleased"],
                },
                "example": {"ref": "deadbeef", "url": "https://vcs.invalid/r/deadbeef"},
            }
        },
        "required": True,
    }


def test_file_parameter_makes_a_multipart_body(doc: dict[str, Any]) -> None:
    body = operation(doc, UPLOAD_FILE)["requestBody"]
    assert list(body["content"]) == ["multipart/form-data"]
    media = body["content"]["multipart/form-data"]
    assert "example" not in media
    assert media["schema"]["properties"] == {
        "file": {
            "type": "string",
            "contentMediaType": "application/octet-stream",
            "description": "the multipart encoded file.",
        },
        "tags": {
            "type": "array",
            "items": {"type": "string"},
            "description": "labels for the file.",
        },
    }
    old = build_document(MODEL, version="3.0.3")
    old_file = operation(old, UPLOAD_FILE)["requestBody"]["content"]["multipart/form-data"]
    assert old_file["schema"]["properties"]["file"] == {
        "type": "string",
        "format": "binary",
        "description": "the multipart encoded file.",
    }


def test_no_body_parameters_means_no_request_body(doc: dict[str, Any]) -> None:
    assert "requestBody" not in operation(doc, LIST_PROJECTS)
    assert "requestBody" not in operation(doc, DELETE_PROJECT)


def test_responses_keyed_by_recorded_status(doc: dict[str, Any]) -> None:
    assert operation(doc, LIST_PROJECTS)["responses"] == {
        "200": {
            "description": "OK",
            "headers": {"Link": {"schema": {"type": "string"}, "example": LINK}},
            "content": {
                "application/json": {
                    "example": [{"slug": "pump-station", "name": "Pump Station"}]
                }
            },
        }
    }
    assert operation(doc, CREATE_PROJECT)["responses"] == {
        "201": {
            "description": "CREATED",
            "content": {"application/json": {"example": {"id": "2", "name": "Ünïcode"}}},
        }
    }
    assert operation(doc, UPDATE_RELEASE)["responses"] == {
        "400": {
            "description": "BAD REQUEST",
            "content": {"application/json": {"example": {"dateReleased": ["required"]}}},
        }
    }


def test_empty_body_has_no_content_and_empty_reason_gets_a_phrase(doc: dict[str, Any]) -> None:
    assert operation(doc, DELETE_PROJECT)["responses"] == {"204": {"description": "No Content"}}


def test_non_json_response_body_is_a_string_example(doc: dict[str, Any]) -> None:
    assert operation(doc, UPLOAD_FILE)["responses"]["200"]["content"] == {
        "text/plain": {"example": "stored 1 file"}
    }


def test_endpoint_without_example_has_a_default_response(doc: dict[str, Any]) -> None:
    assert operation(doc, RELEASE_FILES)["responses"] == {
        "default": {"description": "No recorded example."}
    }


def test_security_follows_authentication(doc: dict[str, Any]) -> None:
    assert operation(doc, LIST_PROJECTS)["security"] == [{"bearerAuth": []}]
    assert operation(doc, UPDATE_RELEASE)["security"] == [{"bearerAuth": []}]
    assert operation(doc, DELETE_PROJECT)["security"] == [{}, {"bearerAuth": []}]
    assert operation(doc, UPLOAD_FILE)["security"] == []
    assert "security" not in operation(doc, CREATE_PROJECT)
    assert doc["components"] == {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}
    }
    assert "security" not in doc


def test_no_authenticated_endpoint_means_no_components() -> None:
    model = ApiModel("Open API", (Section("projects", "Projects", (CREATE_PROJECT,)),))
    assert "components" not in build_document(model)


@pytest.mark.parametrize("version", VERSIONS)
def test_document_validates(version: str) -> None:
    doc = build_document(MODEL, version=version)
    assert doc["openapi"] == version
    validate(doc)


def test_version_303_gives_every_array_items() -> None:
    params = operation(build_document(MODEL, version="3.0.3"), LIST_PROJECTS)["parameters"]
    schemas = {p["name"]: p["schema"] for p in params}
    assert schemas["ids"] == {"type": "array", "items": {}}
    assert schemas["names"] == {"type": "array", "items": {"type": "string"}}


def test_unsupported_version_is_refused() -> None:
    with pytest.raises(ValueError) as caught:
        build_document(MODEL, version="2.0")
    assert str(caught.value) == "unsupported OpenAPI version '2.0'; use one of ('3.1.0', '3.0.3')"


def test_render_is_indented_json_of_the_document() -> None:
    tree = render(MODEL)
    assert list(tree) == ["openapi.json"]
    text = tree["openapi.json"]
    assert text.endswith("}\n")
    assert '"name": "Ünïcode"' in text
    assert json.loads(text) == build_document(MODEL)
    assert render(MODEL, version="3.0.3")["openapi.json"].startswith('{\n  "openapi": "3.0.3",')


def test_render_is_deterministic_across_runs_and_hash_seeds() -> None:
    first = render(MODEL)
    assert render(MODEL) == first
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import tests.test_openapi_view as t; "
        "from apiscribe.views.openapi import render; "
        "sys.stdout.buffer.write(render(t.MODEL)['openapi.json'].encode('utf-8'))"
    )
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "LC_ALL": "C"}
        out = subprocess.run(
            [sys.executable, "-c", script, str(ROOT)],
            env=env,
            capture_output=True,
            check=True,
        ).stdout
        assert out == first["openapi.json"].encode("utf-8")


def test_golden_tree(golden_tree: GoldenCompare) -> None:
    golden_tree("openapi_model", render(MODEL))
    golden_tree("openapi_model_303", render(MODEL, version="3.0.3"))


def test_awkward_models_still_validate() -> None:
    id_param = (p("id", "int", "path"),)
    twin = seed_endpoint("twin", "a", "GET", "/a/{id}", "Twin", path_parameters=id_param)
    model = ApiModel(
        "Awkward",
        (
            Section("a", "Same",
                    (twin, twin, seed_endpoint("twin", "a", "POST", "a/{id}/", "Post"))),
            Section("b", "Same", (seed_endpoint("nowhere", "b", "GET", "", "No path"),)),
            Section(
                "c",
                "Other",
                (
                    seed_endpoint("odd", "c", "BREW", "/pot/", "Teapot"),
                    seed_endpoint("broken", "c", "GET", "/pot/{id", "Unbalanced"),
                    seed_endpoint("typed", "c", "GET", "/pot/{pot_id:int}/", "Converter"),
                ),
            ),
        ),
        base_url="",
    )
    for version in VERSIONS:
        doc = build_document(model, version=version)
        validate(doc)
        assert doc["tags"] == [{"name": "Same"}, {"name": "Other"}]
        assert "servers" not in doc
        assert list(doc["paths"]) == ["/a/{id}", "/a/{id}/", "/pot/{pot_id}/"]
        assert [p["name"] for p in doc["paths"]["/pot/{pot_id}/"]["get"]["parameters"]] == [
            "pot_id"
        ]
        assert doc["paths"]["/a/{id}"]["get"]["operationId"] == "twin"
        post = doc["paths"]["/a/{id}/"]["post"]
        assert post["operationId"] == "twin_2"
        assert post["parameters"] == [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
        ]


def seed_model() -> ApiModel:
    """The seed JSON doc, read into the model by hand."""
    text = SEED.read_text(encoding="utf-8")
    body = "\n".join(line for line in text.split("\n")[1:] if not line.startswith("#"))
    raw = json.loads(body.rsplit("---", 1)[0])

    def params(kind: ParamLocation, key: str) -> tuple[Parameter, ...] | None:
        items = raw[key]
        if items is None:
            return None
        return tuple(p(i["name"], i["type"], kind, i["description"]) for i in items)

    exchange = parse_exchange(raw["example_request"], raw["example_response"])
    endpoint = seed_endpoint(
        name="put-organization-release-details",
        section="releases",
        method=raw["method"],
        api_path=raw["api_path"],
        title=raw["title"],
        description=raw["description"],
        warning=raw["warning"],
        authentication=raw["authentication"],
        path_parameters=params("path", "path_parameters"),
        query_parameters=params("query", "query_parameters"),
        parameters=params("body", "parameters"),
        example=Example(raw["example_request"], raw["example_response"], exchange),
        sidebar_order=raw["sidebar_order"],
    )
    return ApiModel("Sentry", (Section("releases", "Releases", (endpoint,)),), "https://sentry.io")


@pytest.mark.parametrize("version", VERSIONS)
def test_seed_document(version: str) -> None:
    model = seed_model()  # reads SEED
    assert model.endpoints[0].example.exchange is not None
    doc = build_document(model, version=version)
    validate(doc)
    op = doc["paths"]["/api/0/organizations/{organization_slug}/releases/{version}/"]["put"]
    assert op["responses"] == {"404": {"description": "NOT FOUND"}}
    assert op["requestBody"]["content"]["application/json"]["example"] == {
        "ref": "deadbeef1337",
        "url": "https://vcshub.invalid/user/project/refs/deadbeef1337",
    }
    assert list(op["requestBody"]["content"]["application/json"]["schema"]["properties"]) == [
        "ref",
        "url",
        "dateReleased",
        "commits",
        "refs",
    ]
    assert [p["name"] for p in op["parameters"]] == ["organization_slug", "version"]
    assert op["security"] == [{"bearerAuth": []}]


@pytest.mark.parametrize("folder", ["sentry-docs", "sentry-docs-variants"])
def test_corpus_documents_validate(folder: str) -> None:
    jsondocs = pytest.importorskip("apiscribe.sources.jsondocs")
    loaded = jsondocs.load_folder(CORPUS / folder)
    model = loaded[0] if isinstance(loaded, tuple) else loaded
    assert isinstance(model, ApiModel)
    assert model.endpoints
    for version in VERSIONS:
        validate(build_document(model, version=version))
