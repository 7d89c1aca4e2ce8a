"""Endpoints imported from a spec in the Markdown view: schema tables, parameters, responses,
example labels, webhooks, the schemas page, the golden tree and a strict MkDocs build."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2.meta
import markdown as python_markdown
from jinja2 import nodes

from apiscribe.formats.httptext import format_request, format_response, parse_exchange
from apiscribe.model import (
    ApiModel,
    Endpoint,
    Example,
    Header,
    HttpRequest,
    HttpResponse,
    MediaType,
    RequestBody,
    Response,
    Section,
)
from apiscribe.site import build_site, site_nav, write_mkdocs_config
from apiscribe.views import markdown
from apiscribe.views.markdown import build_pages, page_sections, render
from apiscribe.views.pages import (
    CONTRACT,
    EndpointPage,
    ResponseFold,
    SchemaBlock,
    SchemaRow,
    SchemaView,
    TypePart,
)
from apiscribe.views.schema_tables import MAX_DEPTH, SchemaTables, schema_links

from .conftest import GoldenCompare
from .imported_fixtures import (
    CREATE_PET,
    GET_PET,
    LIST_PETS,
    MODEL,
    NEW_PET_HOOK,
    PING,
    SCHEMAS,
    ref,
)

SITE_EXTENSIONS = ["admonition", "attr_list", "pymdownx.superfences", "tables", "pymdownx.tabbed"]
GENERATED = '!!! note "Example generated from the schema"\n'
FROM_SPEC = '!!! note "Example from the API description"\n'
TABLES = SchemaTables(SCHEMAS, schema_links(SCHEMAS, "../schemas.md"))


def all_rows(level: SchemaView | SchemaBlock) -> list[SchemaRow]:
    """The rows of a view and of every block below it, each level's own rows first."""
    rows = list(level.rows)
    for block in level.blocks:
        rows += all_rows(block)
    return rows


def view_rows(schema: Any) -> list[tuple[str, str, str, str]]:
    """(path, label, type text, required) of each row, every level."""
    return [
        (row.path, row.label, "".join(p.text for p in row.type),
         {True: "yes", False: "", None: "-"}[row.required])
        for row in all_rows(TABLES.view(schema))
    ]


def page_of(ep: Endpoint, model: ApiModel = MODEL) -> str:
    pages = render(model)
    (path,) = [p for p in pages if p.endswith(f"/{ep.name}.md")]
    return pages[path]


def context_of(ep: Endpoint) -> EndpointPage:
    pages = build_pages(MODEL)
    (page,) = [v for k, v in pages.items() if k.endswith(f"/{ep.name}.md")]
    assert isinstance(page, EndpointPage)
    return page


# -- schema tables --------------------------------------------------------------------------


def test_nested_objects_are_blocks_of_their_own_and_depth_is_limited() -> None:
    assert view_rows(ref("User")) == [
        ("email", "", "string", ""),
        ("friends", "", "array of User", ""),
        ("address", "", "object", ""),
        ("address.city", "", "object", ""),
        ("address.city.district", "", "object", ""),
        ("address.city.district.street", "", "object", ""),
        ("address.city.district.street.…", "", "", "-"),
    ]
    view = TABLES.view(ref("User"))
    assert [r.name for r in view.rows] == ["email", "friends", "address"]
    (address,) = view.blocks
    assert (address.path, [r.name for r in address.rows]) == ("address", ["city"])
    levels, block = [], address
    while block.blocks:
        (block,) = block.blocks
        levels.append((block.path, [r.name for r in block.rows]))
    assert levels == [("address.city", ["district"]), ("address.city.district", ["street"]),
                      ("address.city.district.street", ["…"])]
    (deepest,) = block.rows
    assert deepest.description == f"Deeper than {MAX_DEPTH} levels: not shown."
    page = render(MODEL)["schemas.md"]
    assert (
        '| `address` | object | no |  |\n\n??? apiscribe-fields "Fields of `address`"\n\n'
        "    | Name | Type | Required | Description |\n    | --- | --- | --- | --- |\n"
        "    | `city` | object | no |  |\n\n"
        '    ??? apiscribe-fields "Fields of `address.city`"\n\n'
        "        | Name | Type | Required | Description |\n"
    ) in page


def test_nested_blocks_are_collapsed_details_with_escaped_titles() -> None:
    hostile = 'x" onclick="alert(1)`<script>alert(2)</script>\n{: #y }'
    schemas = {"Thing": {"type": "object", "properties": {hostile: {
        "type": "object", "properties": {"inner": {"type": "string", "description": "<b>"}}}}}}
    page = render(ApiModel("T", schemas=schemas))["schemas.md"]
    html = python_markdown.markdown(page, extensions=[*SITE_EXTENSIONS, "pymdownx.details"])
    assert html.count('<details class="apiscribe-fields">') == 1
    assert "<script>" not in html and "onclick=" not in html.replace('onclick="alert', "")
    assert 'id="y"' not in html
    summary = html.split("<summary>", 1)[1].split("</summary>", 1)[0]
    assert summary == ('Fields of <code>x" onclick="alert(1)`&lt;script&gt;alert(2)'
                       "&lt;/script&gt; {: #y }</code>")  # text, as written
    assert "<td><code>inner</code></td>" in html


def test_arrays_show_their_item_type_and_rows() -> None:
    view = TABLES.view({"type": "array", "items": ref("Error")})
    assert view.type == (TypePart("array of "), TypePart("Error", "../schemas.md#schema-Error"))
    assert view_rows({"type": "array", "items": ref("Error")}) == [
        ("[].code", "", "integer", "yes"),
        ("[].message", "", "string", "yes"),
    ]
    tags = {
        "type": "object",
        "properties": {"tags": {"type": "array", "items": {
            "type": "object", "properties": {"name": {"type": "string"}}}}},
    }
    assert view_rows(tags) == [("tags", "", "array of object", ""),
                               ("tags[].name", "", "string", "")]
    (items,) = TABLES.view(tags).blocks
    assert (items.path, [r.name for r in items.rows]) == ("tags[]", ["name"])


def test_composition_is_labelled() -> None:
    schema = {
        "type": "object",
        "properties": {
            "pet": {
                "oneOf": [
                    ref("Tag"),
                    {"type": "object", "properties": {"bark": {"anyOf": [
                        {"type": "boolean"}, {"type": "string"}]}}},
                ]
            }
        },
    }
    assert view_rows(schema) == [
        ("pet", "", "one of: Tag, object", ""),
        ("pet", "one of #1", "Tag", "-"),
        ("pet", "one of #2", "object", "-"),
        ("pet.bark", "", "any of: boolean, string", ""),
    ]
    (variants,) = TABLES.view(schema).blocks
    assert (variants.path, variants.label, [r.label for r in variants.rows]) == (
        "pet", "", ["one of #1", "one of #2"])
    (second,) = variants.blocks  # the second variant's properties (its own variants say
    assert (second.path, second.label, second.blocks) == ("pet", "one of #2", ())  # nothing)
    new_pet = TABLES.view(ref("NewPet"))
    assert "".join(p.text for p in new_pet.type) == "NewPet"
    assert TABLES.type_of(SCHEMAS["NewPet"]) == (
        TypePart("all of: "), TypePart("Pet", "../schemas.md#schema-Pet"), TypePart(", object"),
    )
    names = [row.name for row in new_pet.rows]
    assert names[:2] == ["id", "name"] and names[-1] == "note"  # the base's rows, then its own


def test_enum_default_format_and_flags() -> None:
    rows = {row.name: row for row in TABLES.view(ref("Pet")).rows if not row.label}
    assert rows["status"] == SchemaRow(
        name="status", path="status", label="", type=(TypePart("string"),), format="",
        required=False,
        description="Where the pet is.", enum=('"available"', '"sold"'),
        default='"available"',
    )
    assert rows["id"].format == "int64" and rows["id"].read_only
    assert rows["secret"].write_only and not rows["secret"].read_only
    assert "".join(p.text for p in rows["born"].type) == "string or null"
    page = page_of(GET_PET)
    assert (
        '| `status` | string | no | Where the pet is. Allowed values: `"available"`, `"sold"`.'
        ' Default: `"available"`. |'
    ) in page
    assert "| `id` | integer (int64) | no |  *Read-only.* |" in page
    assert "| `secret` | string | no | Never shown back. *Write-only.* |" in page
    assert "| `name` | string | yes | The pet's \\| name. |" in page


def test_references_link_to_the_schemas_page_and_recursion_stays_finite() -> None:
    loop = {
        "Loop": {"allOf": [ref("Loop"), {"properties": {"x": {"type": "string"}}}]},
        "Tree": {"type": "object", "properties": {"kids": {"type": "array", "items": ref("Tree")}}},
    }
    tables = SchemaTables(loop, schema_links(loop, "schemas.md"))
    assert [r.name for r in tables.view(ref("Loop")).rows] == ["x"]
    (kids,) = tables.view(ref("Tree")).rows
    assert kids.type == (TypePart("array of "), TypePart("Tree", "schemas.md#schema-Tree"))
    schemas = render(MODEL)["schemas.md"]
    assert "## User { #schema-User }\n" in schemas
    assert "| `friends` | array of [User](schemas.md#schema-User) | no |  |" in schemas
    assert "| `category` | [Category](../schemas.md#schema-Category) | no |  |" in page_of(GET_PET)
    missing = SchemaTables({}, {}).type_of({"$ref": "other.yaml#/Pet"})
    assert missing == (TypePart("other.yaml#/Pet"),)


def test_schema_text_is_escaped() -> None:
    schemas = {"[x](javascript:alert(1))": {
        "type": "object",
        "properties": {"a|`b`": {"type": "<b>t|u</b>", "description": "<img src=x> | y"}},
    }}
    model = ApiModel("T", schemas=schemas)
    page = render(model)["schemas.md"]
    assert "## \\[x\\]\\(javascript:alert(1)) { #schema-x-javascript-alert-1 }\n" in page
    # A type is plain text (escaped); a description is sanitized HTML (the image removed).
    assert "| `` a|`b` `` | &lt;b&gt;t\\|u&lt;/b&gt; | no | \\| y |" in page
    html = python_markdown.markdown(page, extensions=SITE_EXTENSIONS)
    assert "<img" not in html and "<b>" not in html and 'href="javascript' not in html


# -- endpoint pages ------------------------------------------------------------------------


def test_header_and_cookie_parameters_and_deprecation() -> None:
    page = page_of(LIST_PETS)
    assert (
        "### Header parameters { #header-parameters }\n\n"
        "| Name | Type | Required | Description |\n| --- | --- | --- | --- |\n"
        "| `X-Request-Id` | string (uuid) | yes | Traces the request. |\n"
    ) in page
    assert "| `session` *(deprecated)* | string | no | The old session cookie. |" in page
    # Default and allowed values are columns of their own, where some row has them.
    assert (
        "| Name | Type | Required | Default | Allowed values | Description |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        "| `limit` | integer (int32) | no | `20` |  | How many pets to return. Example: `10`. |\n"
        '| `status` | string | no |  | `"available"`, `"sold"` | Only pets with this status. |\n'
    ) in page
    assert '!!! warning "Deprecated"\n\n    This operation is deprecated.\n' in page_of(GET_PET)
    assert "Deprecated" not in page


def test_every_response_status_with_description_and_schema() -> None:
    page = page_of(CREATE_PET)
    statuses = re.findall(r"^### (\S+) \{ #([\w-]+) \}\n", page.split("## Responses", 1)[1],
                          re.MULTILINE)
    assert statuses == [("201", "response-201"), ("400", "response-400")]
    assert (
        "### 400 { #response-400 }\n\nThe pet is not valid.\n\n"
        "#### `application/json` { #response-400-application-json }\n\n"
    ) in page
    assert "Type: [Error](../schemas.md#schema-Error)\n" in page
    listing = page_of(LIST_PETS)
    assert "### default { #response-default }\n\nSomething went wrong.\n" in listing
    assert ("#### Headers { #response-200-headers }\n\n| Name | Type | Required | Description |"
            in listing)


def test_request_body_with_its_media_types() -> None:
    page = page_of(CREATE_PET)
    body = page.split("## Request body { #request-body }\n\n", 1)[1].split("## Responses", 1)[0]
    assert body.startswith("Required.\n\nThe pet to add.\n\n"
                           "### `application/json` { #request-body-application-json }\n\n")
    assert ("### `application/x-www-form-urlencoded` "
            "{ #request-body-application-x-www-form-urlencoded }\n") in body
    assert 'Example: A cat\n\n```json\n{\n  "name": "Tom",' in body
    assert "Body parameters" not in page


def test_examples_are_labelled_by_origin() -> None:
    listing = context_of(LIST_PETS)
    # Parameter values the spec states or placeholders named after them are not generated.
    assert listing.request_note == "Example from the API description"
    create = context_of(CREATE_PET)
    assert create.request_note == "Example from the API description"
    page = page_of(LIST_PETS)
    assert f"### Request\n\n{FROM_SPEC}\n=== \"HTTP\"" in page
    # The example response is shown itself (status line, headers, body), folded when long.
    assert listing.response is not None
    assert listing.response_note == "Example generated from the schema"
    assert listing.response.code.startswith("HTTP/1.1 200 OK\nContent-Type: application/json\n")
    assert listing.response_fold == ResponseFold("200 OK", 31, True)
    assert (f"### Response\n\n{GENERATED}\n??? example \"Response: 200 OK (31 lines)\"\n\n"
            "    ```http\n    HTTP/1.1 200 OK\n") in page
    responses = page.split("## Responses")[1].split("## Example")[0]
    assert ("### 200 { #response-200 }\n\nA page of pets.\n\n"
            "#### Headers { #response-200-headers }") in responses
    assert ("#### `application/json` { #response-200-application-json }\n\n"
            "Type: array of [Pet]") in responses
    assert f"{GENERATED}\n```json\n[" in responses
    assert "!!! note \"Example generated from the schema\"\n\n```json\n{\n  \"code\": 400" in page
    assert f"### Request\n\n{FROM_SPEC}\n=== \"HTTP\"" in page_of(CREATE_PET)
    recorded = dataclasses.replace(GET_PET, example=_recorded())
    model = dataclasses.replace(MODEL, sections=(Section("pets", "pets", (recorded,)),))
    text = page_of(recorded, model)
    assert "### Request\n\n=== \"HTTP\"" in text and "### Response\n\n```http" in text
    assert FROM_SPEC not in text


def test_an_example_response_not_shown_under_responses_is_shown_whole() -> None:
    # A text body with no example of its own: Responses shows only its schema, so the
    # Example section carries the generated body, labelled.
    text = Response("200", "The pet's name.", (MediaType("text/plain", {"type": "string"}),))
    plain_pet = dataclasses.replace(GET_PET, responses=(text,))
    model = dataclasses.replace(MODEL, sections=(Section("pets", "pets", (plain_pet,)),))
    context = context_of_model(plain_pet, model)
    assert context.response is not None
    assert context.response_fold == ResponseFold("200 OK", 4, False)
    assert context.response_note == "Example generated from the schema"
    assert context.response.code == "HTTP/1.1 200 OK\nContent-Type: text/plain\n\nstring"
    page = page_of(plain_pet, model)
    assert f"### Response\n\n{GENERATED}\n```http\nHTTP/1.1 200 OK\n" in page


def _recorded() -> Example:
    request = HttpRequest("GET", "/v1/pets/1", (Header("Host", "petstore.example.com"),))
    response = HttpResponse(200, "OK", (Header("Content-Type", "application/json"),), "{}")
    request_text, response_text = format_request(request), format_response(response)
    exchange = parse_exchange(request_text, response_text)
    return Example(request_text, response_text, exchange)


def test_generated_examples_leave_out_read_only_or_write_only_fields() -> None:
    page = page_of(CREATE_PET)
    bare = dataclasses.replace(
        CREATE_PET,
        request_body=RequestBody("", True, (MediaType("application/json", ref("Pet")),)),
    )
    model = dataclasses.replace(MODEL, sections=(Section("pets", "pets", (bare,)),))
    request = context_of_model(bare, model).request_samples[0].code
    assert '\n  "secret": "string"' in request and '\n  "id"' not in request
    responses = page_of(GET_PET).split("## Responses")[1].split("## Example")[0]
    assert '\n  "id": 0' in responses and '"secret"' not in responses
    assert "Example generated from the schema" not in page.split("## Request body")[1].split(
        "## Responses")[0]


def context_of_model(ep: Endpoint, model: ApiModel) -> EndpointPage:
    (page,) = [v for k, v in build_pages(model).items() if k.endswith(f"/{ep.name}.md")]
    assert isinstance(page, EndpointPage)
    return page


def test_code_samples_use_example_parameters_and_body() -> None:
    samples = {s.label: s.code for s in context_of(GET_PET).request_samples}
    assert samples["HTTP"] == "GET /v1/pets/42 HTTP/1.1\nHost: petstore.example.com"
    assert samples["curl"] == "curl 'https://petstore.example.com/v1/pets/42'"
    create = {s.label: s.code for s in context_of(CREATE_PET).request_samples}
    assert create["curl"].startswith(
        "curl -X POST 'https://petstore.example.com/v1/pets' \\\n"
        "  -H 'X-Api-Key: <api-key>' \\\n  -H 'Content-Type: application/json' \\\n"
        "  --data-raw '{\n  \"name\": \"Tom\","
    )
    assert '    json={\n        "name": "Tom",' in create["Python"]
    listing = {s.label: s.code for s in context_of(LIST_PETS).request_samples}
    assert listing["HTTP"] == (
        "GET /v1/pets?limit=10 HTTP/1.1\nHost: petstore.example.com\n"
        "X-Request-Id: X_REQUEST_ID\nAuthorization: Bearer <token>"
    )
    for ep in (GET_PET, CREATE_PET, LIST_PETS):
        (python,) = [s.code for s in context_of(ep).request_samples if s.label == "Python"]
        compile(python, ep.name, "exec")


def test_security_requirements() -> None:
    assert context_of(LIST_PETS).security == ("bearerAuth",)
    assert context_of(CREATE_PET).security == ("api_key",)  # the document's
    assert context_of(GET_PET).security == ("None",)
    assert context_of(NEW_PET_HOOK).security == ()  # webhooks inherit nothing
    page = page_of(LIST_PETS)
    assert ("## Authentication { #authentication }\n\nAccepted credentials (any one of):\n\n"
            "- bearerAuth\n") in page
    scoped = dataclasses.replace(
        GET_PET, security=[{"oauth": ["read:pets", "write:pets"]}, {}]
    )
    model = dataclasses.replace(MODEL, sections=(Section("pets", "pets", (scoped,)),))
    assert context_of_model(scoped, model).security == (
        "oauth (scopes: read:pets, write:pets)", "None",
    )


def test_webhooks_have_their_own_section() -> None:
    sections = page_sections(MODEL)
    assert [(s.slug, [e.name for e in s.endpoints]) for s in sections] == [
        ("pets", ["listPets", "createPet", "getPet"]),
        ("health", ["get-ping"]),
        ("webhooks", ["newPet"]),
    ]
    page = render(MODEL)["webhooks/newPet.md"]
    assert '!!! info "Webhook"\n\n    The API sends this request to your server.\n' in page
    hook = context_of(NEW_PET_HOOK)
    assert [s.label for s in hook.request_samples] == ["Payload"]
    assert '"id": 0' in hook.request_samples[0].code  # sent by the API: read-only included
    assert '"secret"' not in hook.request_samples[0].code
    own = ApiModel("T", (Section("hooks", "Hooks", (NEW_PET_HOOK,)),))
    assert page_sections(own) == own.sections
    assert site_nav(MODEL)[-2:] == [
        {"Webhooks": ["webhooks/index.md", "webhooks/newPet.md"]}, {"Schemas": "schemas.md"},
    ]


def test_schemas_page_and_home_link() -> None:
    pages = render(MODEL)
    assert pages["index.md"].endswith(
        "## Schemas\n\n[Every schema of the API](schemas.md), each with its fields.\n"
    )
    headings = re.findall(r"^## (\w+) \{ #schema-\w+ \}$", pages["schemas.md"], re.MULTILINE)
    assert headings == sorted(SCHEMAS)
    clash = dataclasses.replace(MODEL, sections=(Section("schemas", "Schemas", (PING,)),))
    assert "schemas-2/get-ping.md" in render(clash)
    assert "schemas.md" not in render(ApiModel("T", (Section("s", "S", (PING,)),)))


def test_code_endpoints_render_as_before() -> None:
    alone = ApiModel("T", (Section("health", "Health", (PING,)),), base_url=MODEL.base_url)
    mixed = render(MODEL)["health/get-ping.md"]
    assert render(alone)["health/get-ping.md"] == mixed
    assert "Not specified." not in mixed and "\nnone\n" in mixed


# -- the template contract and the artefacts ------------------------------------------------


def test_templates_read_only_contract_fields() -> None:
    env = markdown.environment()
    fields = {f.name for cls in CONTRACT for f in dataclasses.fields(cls)}
    for template in (*markdown.TEMPLATES.values(), "macros.md.j2"):
        source = (markdown.template_dir() / template).read_text(encoding="utf-8")
        ast = env.parse(source)
        assert jinja2.meta.find_undeclared_variables(ast) <= {"page"}, template
        attributes = {
            node.attr for node in ast.find_all(nodes.Getattr)
            if not (isinstance(node.node, nodes.Name) and node.node.name in ("macros", "loop"))
        }
        assert attributes <= fields, (template, attributes - fields)


def test_golden_tree(golden_tree: GoldenCompare) -> None:
    golden_tree("imported_model", render(MODEL))


def test_rendering_is_deterministic_across_hash_seeds() -> None:
    code = (
        "import hashlib\n"
        "from apiscribe.views.markdown import render\n"
        "from tests.imported_fixtures import MODEL\n"
        "pages = render(MODEL)\n"
        "print(hashlib.sha256(repr(sorted(pages.items())).encode()).hexdigest())\n"
    )
    root = Path(__file__).resolve().parent.parent
    digests = {
        subprocess.run(
            [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("0", "7")
    }
    assert len(digests) == 1


def test_site_builds_strict_from_the_model(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(write_mkdocs_config(title=MODEL.title), encoding="utf-8")
    build_site(config, model=MODEL)  # strict: any MkDocs warning fails the build
    schemas = (tmp_path / "site" / "schemas" / "index.html").read_text(encoding="utf-8")
    assert 'id="schema-Pet"' in schemas
    listing = (tmp_path / "site" / "pets" / "listPets" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../schemas/#schema-Pet"' in listing
    assert "Example generated from the schema" in listing
    # Every documented response has a fixed heading id.
    assert '<h3 id="response-200">' in listing
    # The plugin keeps the API pages' code blocks out of the search index, not off the page.
    index = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text("utf-8"))
    texts = [d["text"] for d in index["docs"] if d["location"].startswith("pets/listPets/")]
    assert any("How many pets to return." in t for t in texts)
    assert not any("httpx" in t or "<pre>" in t for t in texts)
    assert "<pre><span></span><code>curl" in listing and "httpx" in listing
