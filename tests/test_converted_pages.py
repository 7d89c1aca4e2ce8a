"""Pages converted from real specs read like docs: recognizable example values, one path for
the heading and the samples, the example response itself, a home page with nothing empty.

Every corpus spec is converted once (``apiscribe convert --to markdown``) and read in place
from ``../shared/corpus/openapi``.
"""

from __future__ import annotations

import dataclasses
import re

import markdown as python_markdown
import pytest
from click.testing import CliRunner

from apiscribe.cli import main
from apiscribe.model import ApiModel, Endpoint, NamedExample, Parameter, Response, Section
from apiscribe.views.markdown import HomePage, build_pages, endpoint_page, render_page

from .conftest import CORPUS

OPENAPI = CORPUS / "openapi"
SPECS = sorted(p.name for p in OPENAPI.glob("*")) if OPENAPI.is_dir() else []

needs_corpus = pytest.mark.skipif(
    not SPECS, reason="the shared corpus (../shared/corpus/openapi) is not beside the checkout:"
    " these tests read its real-world specs in place",
)

#: The extensions the site enables (``site/mkdocs_yml.py``).
SITE_EXTENSIONS = [
    "admonition", "attr_list", "pymdownx.details", "pymdownx.highlight",
    "pymdownx.superfences", "pymdownx.tabbed", "tables", "toc",
]
SITE_CONFIG = {"pymdownx.tabbed": {"alternate_style": True}}
#: What a made-up value used to look like.
FILLER = {"string", "0"}

Pages = dict[str, str]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pages]:
    """``{spec file name: {page path: Markdown}}`` for every corpus spec."""
    out: dict[str, Pages] = {}
    for name in SPECS:
        folder = tmp_path_factory.mktemp("markdown")
        result = CliRunner().invoke(
            main, ["convert", str(OPENAPI / name), "--to", "markdown", "--out", str(folder),
                   "-q"], catch_exceptions=False,
        )
        assert result.exit_code == 0, (name, result.stderr)
        out[name] = {
            p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*.md"))
        }
    return out


def endpoint_pages(pages: Pages) -> Pages:
    return {path: text for path, text in pages.items()
            if "/" in path and not path.endswith("/index.md")}


def heading(page: str) -> tuple[str, str]:
    """``(method, path)`` of the page's heading line (`` `GET /v1/…` ``)."""
    match = re.search(r"^`([A-Z]+) (\S+)`$", page, re.MULTILINE)
    assert match is not None, page[:300]
    return match[1], match[2]


def request_line(page: str) -> tuple[str, str] | None:
    """``(method, target)`` of the example request's raw HTTP tab (None without one)."""
    match = re.search(r'^=== "HTTP"\n\n    ```http\n    ([A-Z]+) (\S+) HTTP/1\.1$', page,
                      re.MULTILINE)
    return (match[1], match[2]) if match else None


def requests(pages: Pages) -> dict[str, tuple[str, str]]:
    """``{endpoint page: (method, target)}`` of every page with an example request."""
    found = {path: request_line(text) for path, text in endpoint_pages(pages).items()}
    return {path: line for path, line in found.items() if line is not None}


def filled_values(template: str, target: str) -> list[str]:
    """The values the target puts where the heading's template has ``{name}``, then its query
    values."""
    path, _, query = target.partition("?")
    pieces = re.split(r"\{[^{}/]*\}", template)
    pattern = "([^/]+)".join(re.escape(piece) for piece in pieces)
    match = re.fullmatch(pattern, path)
    assert match is not None, (template, target)
    values = list(match.groups())
    values += [pair.partition("=")[2] for pair in query.split("&") if query]
    return values


def example_part(page: str) -> str:
    """What follows the page's "Example" heading."""
    return re.split(r"^## Example\b.*\n\n", page, maxsplit=1, flags=re.MULTILINE)[1]


def response_part(page: str) -> str:
    """What follows the Example section's "Response" heading."""
    parts = re.split(r"^### Response\b.*\n\n", example_part(page), maxsplit=1,
                     flags=re.MULTILINE)
    assert len(parts) == 2, page
    return parts[1]


def html(page: str) -> str:
    body = re.sub(r"\A---\n.*?\n---\n", "", page, flags=re.DOTALL)
    return python_markdown.markdown(body, extensions=SITE_EXTENSIONS,
                                    extension_configs=SITE_CONFIG)


# -- example values --------------------------------------------------------------------------

REQUIRED = {"required": True}
TEAM = Endpoint(
    "update-team", "teams", "PUT", "/orgs/{org}/teams/{teamSlug}/members/{user-id}",
    parameters=(
        Parameter("org", "path", schema={"type": "string"}, **REQUIRED),
        Parameter("teamSlug", "path", schema={"type": "string", "example": "a b/c"},
                  **REQUIRED),
        Parameter("user-id", "path", schema={"type": "integer"}, **REQUIRED),
        Parameter("sort", "query", schema={"type": "string", "enum": ["name", "date"]},
                  **REQUIRED),
        Parameter("per_page", "query", schema={"type": "integer", "default": 30}, **REQUIRED),
        Parameter("tag", "query", schema={"type": "array", "items": {"type": "string"}},
                  **REQUIRED),
        Parameter("dry_run", "query", schema={"type": "boolean"}, **REQUIRED),
        Parameter("since", "query", schema={"type": "string", "format": "date-time"},
                  examples=(NamedExample("", "2024-05-01T00:00:00+02:00"),)),
        Parameter("X-Trace", "header", schema={"type": "string", "format": "uuid"},
                  **REQUIRED),
        Parameter("session", "cookie", schema={"$ref": "#/components/schemas/Session"},
                  **REQUIRED),
        Parameter("page", "query", schema={"type": "integer"}),  # optional: left out
    ),
    responses=(Response("204", "Done."),),
)
MODEL = ApiModel(
    "Teams", (Section("teams", "Teams", (TEAM,)),), "https://api.example.com/v3",
    schemas={"Session": {"type": "string", "examples": ["abc123"]}},
)


def test_parameter_values_are_stated_or_placeholders_and_encoded() -> None:
    page = endpoint_page(MODEL, TEAM)
    assert page.path == "/v3/orgs/{org}/teams/{teamSlug}/members/{user-id}"
    assert page.request_samples[0].code == (
        "PUT /v3/orgs/ORG/teams/a%20b%2Fc/members/USER_ID"
        "?sort=name&per_page=30&tag=TAG&dry_run=true&since=2024-05-01T00%3A00%3A00%2B02%3A00"
        " HTTP/1.1\n"
        "Host: api.example.com\n"
        "X-Trace: X_TRACE\n"
        "Cookie: session=abc123"
    )
    # Only the boolean's value was made up: placeholders are blanks, the rest is stated.
    assert page.request_note == "Example generated from the schema"
    no_flag = dataclasses.replace(TEAM, parameters=TEAM.parameters[:6] + TEAM.parameters[7:])
    assert endpoint_page(MODEL, no_flag).request_note == "Example from the API description"
    # The status line alone: a response with no body.
    assert page.response is not None and page.response.code == "HTTP/1.1 204 No Content"


def test_a_path_holding_the_base_path_already_is_not_prefixed_again() -> None:
    held = Endpoint("me", "teams", "GET", "/v3/me", responses=(Response("204", ""),))
    hook = Endpoint("hook", "teams", "POST", "teamCreated", webhook=True,
                    responses=(Response("204", ""),))
    model = ApiModel("T", (Section("teams", "Teams", (held, hook)),),
                     "https://api.example.com/v3/")
    assert endpoint_page(model, held).path == "/v3/me"
    assert endpoint_page(model, held).request_samples[0].code.startswith("GET /v3/me HTTP")
    assert endpoint_page(model, hook).path == "teamCreated"  # sent to the reader's server
    assert endpoint_page(model, hook).request_samples == ()


def test_a_home_page_with_no_section_description_lists_endpoints() -> None:
    many = tuple(Endpoint(f"e{i}", "teams", "GET", f"/e/{i}", title=f"E | {i}")
                 for i in range(5))
    four = many[:4]
    model = ApiModel("T", (Section("teams", "Teams", many), Section("four", "Four", four),
                           Section("empty", "Empty")))
    home = build_pages(model)["index.md"]
    rows = table_rows(render_home(model))
    assert rows == [
        ["Section", "Endpoints"],
        ["[Teams](teams/index.md)",
         r"[E \| 0](teams/e0.md), [E \| 1](teams/e1.md), [E \| 2](teams/e2.md) and 2 more"],
        ["[Four](four/index.md)",
         r"[E \| 0](four/e0.md), [E \| 1](four/e1.md), [E \| 2](four/e2.md), "
         r"[E \| 3](four/e3.md)"],
        ["[Empty](empty/index.md)", "No endpoints yet."],
    ]
    assert isinstance(home, HomePage) and not home.descriptions
    described = ApiModel("T", (Section("teams", "Teams", many[:1], "All the teams."),
                               Section("empty", "Empty", (), " \n")))
    assert table_rows(render_home(described)) == [
        ["Section", "Description", "Endpoints"],
        ["[Teams](teams/index.md)", "All the teams.", "1"],
        ["[Empty](empty/index.md)", "No endpoints yet.", "0"],
    ]


def render_home(model: ApiModel) -> str:
    return render_page(build_pages(model)["index.md"])



@needs_corpus
@pytest.mark.parametrize("spec", SPECS)
def test_samples_fill_the_headings_path_with_no_filler(
    spec: str, converted: dict[str, Pages]
) -> None:
    found = requests(converted[spec])
    for path, (method, target) in found.items():
        page = converted[spec][path]
        title_method, template = heading(page)
        assert method == title_method, path
        values = filled_values(template, target)
        assert not FILLER & set(values), (path, target)


@needs_corpus
def test_every_spec_with_operations_shows_example_requests(
    converted: dict[str, Pages]
) -> None:
    counts = {spec: len(requests(pages)) for spec, pages in converted.items()}
    assert counts["sentry-2022-05-18-openapi-derefed.json"] == 91
    assert counts["oai_v2.0_uber.json"] == 5


@needs_corpus
@pytest.mark.parametrize(("spec", "page", "line"), [
    # the parameter's own example
    ("oai_v3.0_uspto.json", "metadata/list-searchable-fields.md",
     "GET /ds-api/oa_citations/v1/fields"),
    # the example of the schema the parameter refers to
    ("oai_v3.1_tictactoe.json", "gameplay/get-square.md", "GET /board/1/1"),
    # the default (an enum), in the query
    ("readme_3.1_petstore.json", "pet/find-pets-by-status.md",
     "GET /v2/pet/findByStatus?status=available"),
    # an example URL, percent-encoded in the query
    ("oai_v3.0_callback-example.json", "default/post-streams.md",
     "POST /streams?callbackUrl=https%3A%2F%2Ftonys-server.com"),
    # placeholders named after the parameters
    ("sentry-2022-05-18-openapi-derefed.json", "teams/update-a-team.md",
     "PUT /api/0/teams/ORGANIZATION_SLUG/TEAM_SLUG/"),
    ("sentry-2022-05-18-openapi-derefed.json",
     "organizations/retrieve-event-counts-for-an-organization-v2.md",
     "GET /api/0/organizations/ORGANIZATION_SLUG/stats_v2/?groupBy=outcome"
     "&field=sum%28quantity%29"),
])
def test_sample_values_are_the_specs_own_or_placeholders(
    spec: str, page: str, line: str, converted: dict[str, Pages]
) -> None:
    text = converted[spec][page]
    assert request_line(text) == tuple(line.split(" ", 1)), example_part(text)[:600]


# -- one path ----------------------------------------------------------------------------------


@needs_corpus
def test_the_heading_shows_the_path_the_samples_call_base_path_included(
    converted: dict[str, Pages]
) -> None:
    page = converted["oai_v2.0_uber.json"]["estimates/get-estimates-price.md"]
    assert heading(page) == ("GET", "/v1/estimates/price")
    query = ("start_latitude=START_LATITUDE&start_longitude=START_LONGITUDE"
             "&end_latitude=END_LATITUDE&end_longitude=END_LONGITUDE")
    assert request_line(page) == ("GET", f"/v1/estimates/price?{query}")
    assert f"curl 'https://api.uber.com/v1/estimates/price?{query}'" in page
    # A 3.x server URL's path counts the same way.
    pet = converted["readme_3.1_petstore.json"]["pet/get-pet-by-id.md"]
    assert heading(pet) == ("GET", "/v2/pet/{petId}")
    assert request_line(pet) == ("GET", "/v2/pet/PET_ID")


# -- the example response ----------------------------------------------------------------------


@needs_corpus
def test_the_example_shows_the_response_itself(converted: dict[str, Pages]) -> None:
    page = converted["oai_v2.0_uber.json"]["estimates/get-estimates-price.md"]
    response = response_part(page)
    assert response.startswith(
        '!!! note "Example generated from the schema"\n\n```http\nHTTP/1.1 200 OK\n'
        'Content-Type: application/json\n\n[\n  {\n    "product_id": "string",\n'
    )
    assert response.endswith('    "surge_multiplier": 0\n  }\n]\n```\n')


@needs_corpus
def test_a_long_example_response_is_folded_under_its_status(
    converted: dict[str, Pages]
) -> None:
    page = converted["sentry-2022-05-18-openapi-derefed.json"]["events/list-a-projects-issues.md"]
    response = response_part(page)
    assert response.startswith(
        '!!! note "Example from the API description"\n\n'
        '??? example "Response: 200 OK (138 lines)"\n\n'
        "    ```http\n    HTTP/1.1 200 OK\n    Content-Type: application/json\n\n    [\n"
    )
    assert response.endswith('\n        "userCount": 0\n      }\n    ]\n    ```\n')
    shown = html(page).split('id="response"', 1)[1]
    assert '<details class="example">\n<summary>Response: 200 OK (138 lines)</summary>' in shown
    assert "HTTP/1.1 200 OK\nContent-Type: application/json\n\n" in re.sub(r"<[^>]+>", "", shown)


@needs_corpus
@pytest.mark.parametrize("spec", SPECS)
def test_every_example_response_has_a_status_line_and_renders(
    spec: str, converted: dict[str, Pages]
) -> None:
    for path, page in endpoint_pages(converted[spec]).items():
        example = example_part(page)
        assert "as its body" not in example, path
        if "### Response" not in example:
            continue
        response = response_part(page)
        assert re.search(r"^ *HTTP/1\.1 \d{3}", response, re.MULTILINE), path
        shown = html(page).split('id="example"', 1)[1]
        assert "```" not in shown and "???" not in shown, path
        assert ("<details" in shown) == ("??? example" in response), path


# -- the home page -----------------------------------------------------------------------------


def table_rows(page: str) -> list[list[str]]:
    """The cells of the Sections table, header row first."""
    table = page.split("## Sections\n\n", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]
            for row in rows if not row.startswith("| ---")]


@needs_corpus
@pytest.mark.parametrize("spec", SPECS)
def test_the_home_page_has_no_empty_cell(spec: str, converted: dict[str, Pages]) -> None:
    rows = table_rows(converted[spec]["index.md"])
    assert rows[0] in (["Section", "Description", "Endpoints"], ["Section", "Endpoints"])
    for row in rows:
        assert all(row), (spec, row)


@needs_corpus
def test_sections_without_descriptions_list_their_endpoints(
    converted: dict[str, Pages]
) -> None:
    assert table_rows(converted["oai_v2.0_uber.json"]["index.md"]) == [
        ["Section", "Endpoints"],
        ["[Products](products/index.md)", "[Product Types](products/get-products.md)"],
        ["[Estimates](estimates/index.md)",
         "[Price Estimates](estimates/get-estimates-price.md), "
         "[Time Estimates](estimates/get-estimates-time.md)"],
        ["[User](user/index.md)",
         "[User Profile](user/get-me.md), [User Activity](user/get-history.md)"],
    ]
    rows = table_rows(converted["sentry-2022-05-18-openapi-derefed.json"]["index.md"])
    assert rows[:2] == [["Section", "Description", "Endpoints"],
                        ["[Teams](teams/index.md)", "Endpoints for teams", "8"]]
