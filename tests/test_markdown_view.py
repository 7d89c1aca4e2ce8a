"""The Markdown view: pages, escaping, example code, the template contract, goldens."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import jinja2
import jinja2.meta
import markdown as python_markdown
import pytest
from jinja2 import nodes

from apiscribe import forking, pipeline
from apiscribe.diagnostics import has_errors
from apiscribe.formats.httptext import format_request, format_response, parse_exchange
from apiscribe.model import (
    ApiModel,
    Endpoint,
    Example,
    Header,
    HttpRequest,
    HttpResponse,
    Section,
)
from apiscribe.pipeline import load
from apiscribe.views import markdown
from apiscribe.views.markdown import (
    TEMPLATES,
    EndpointPage,
    HomePage,
    SchemasPage,
    SectionPage,
    build_pages,
    render,
    render_page,
    template_dir,
)

from .conftest import CORPUS, GoldenCompare
from .seed_model import param, seed_endpoint

SITE_EXTENSIONS = [
    "admonition", "attr_list", "pymdownx.superfences", "pymdownx.highlight", "tables",
    "pymdownx.tabbed",
]


def recorded(request: HttpRequest, response: HttpResponse) -> Example:
    request_text, response_text = format_request(request), format_response(response)
    exchange = parse_exchange(request_text, response_text)
    assert exchange is not None
    return Example(request_text, response_text, exchange)


BODY = (
    '{\n  "ref": "``deadbeef`` | <script>alert(\'x\')</script>",\n'
    '  "count": 1.50,\n  "tags": [\n    "a",\n    null\n  ]\n}'
)
UPDATE = seed_endpoint(
    name="put-organization-release-details",
    section="releases",
    method="PUT",
    api_path="/api/0/organizations/{organization_slug}/releases/{version}/",
    title="Update an Organization's Release",
    description=(
        "Update a release. See `a|b` and [the guide](https://example.com/guide).\n"
        "Not HTML: <img src=x onerror=alert(1)>; not a link: [x](javascript:alert(1))."
    ),
    warning="This endpoint may change in the future without notice.",
    authentication="required",
    path_parameters=(
        param("organization_slug", "string", "the slug of the organization.", "path", True),
        param("version", "string", "the version identifier.", "path", True),
    ),
    query_parameters=(param("dry_run", "bool", "only validate the change.", "query"),),
    parameters=(
        param("ref", "string", "a commit | tag reference, `a|b` or <b>bold</b>.", "body"),
        param("url", "url", "a URL that points to\nthe release.", "body"),
    ),
    example=recorded(
        HttpRequest(
            "PUT",
            "/api/0/organizations/acme/releases/1.0/?dry_run=1&note=it's",
            (
                Header("Host", "api.example.com"),
                Header("Authorization", "Bearer <token>"),
                Header("Content-Type", "application/json"),
            ),
            BODY,
        ),
        HttpResponse(
            200, "OK", (Header("Content-Type", "application/json"),), '{"version": "1.0"}'
        ),
    ),
    sidebar_order=2,
)
LIST = seed_endpoint(
    name="get-organization-releases",
    section="releases",
    method="GET",
    api_path="/api/0/organizations/{organization_slug}/releases/",
    title="List an Organization's Releases",
    path_parameters=(param("organization_slug", "string", "the organization.", "path"),),
    sidebar_order=1,
)
UPLOAD = seed_endpoint(
    name="post-project-file",
    section="projects",
    method="POST",
    api_path="/api/0/projects/{project_slug}/files/",
    title="Upload a File",
    description="Uploads a text file.",
    authentication="required",
    example=recorded(
        HttpRequest(
            "POST",
            "/api/0/projects/web/files/",
            (Header("Host", "api.example.com"), Header("Content-Type", "text/plain")),
            "it's ````quoted````",
        ),
        HttpResponse(201, "CREATED", (Header("Content-Type", "text/plain"),), "stored"),
    ),
)
RAW = seed_endpoint(
    name="delete-project",
    section="projects",
    method="DELETE",
    api_path="/api/0/projects/{project_slug}/",
    title="Delete a Project",
    authentication="required",
    example=Example("DELETE /api/0/projects/web/ HTTP/1.1\nHost api.example.com", "HTTP/1.1 204"),
)
MODEL = ApiModel(
    title="Example API",
    description="The reference API of apiscribe.",
    sections=(
        Section("releases", "Releases", (UPDATE, LIST), "Releases of an organization."),
        Section("projects", "Projects & <Teams>", (UPLOAD, RAW), "Projects | teams."),
    ),
)


def test_golden_tree(golden_tree: GoldenCompare) -> None:
    golden_tree("markdown_model", render(MODEL))


def test_pages_and_their_order() -> None:
    assert list(render(MODEL)) == [
        "index.md",
        "projects/delete-project.md",
        "projects/index.md",
        "projects/post-project-file.md",
        "releases/get-organization-releases.md",
        "releases/index.md",
        "releases/put-organization-release-details.md",
    ]
    section = render(MODEL)["releases/index.md"]
    assert section.index("get-organization-releases.md") < section.index(
        "put-organization-release-details.md"
    )


def test_home_page_links_sections_with_counts() -> None:
    home = render(MODEL)["index.md"]
    assert "| [Releases](releases/index.md) | Releases of an organization. | 2 |" in home
    assert "| [Projects &amp; &lt;Teams&gt;](projects/index.md) | Projects \\| teams. | 2 |" in home


def test_table_cells_escape_pipes_and_newlines_and_keep_safe_html() -> None:
    page = render(MODEL)["releases/put-organization-release-details.md"]
    assert "| `ref` | string | no | a commit \\| tag reference, `a|b` or <b>bold</b>. |" in page
    assert "| `url` | url | no | a URL that points to the release. |" in page
    assert "| `organization_slug` | string | yes | the slug of the organization. |" in page


def test_escaped_table_parses_as_four_cells() -> None:
    html = python_markdown.markdown(
        render(MODEL)["releases/put-organization-release-details.md"],
        extensions=SITE_EXTENSIONS,
    )
    assert (
        "<td><code>ref</code></td>\n<td>string</td>\n<td>no</td>\n"
        "<td>a commit | tag reference, <code>a|b</code> or <b>bold</b>.</td>"
    ) in html
    assert "<img" not in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.com/guide">the guide</a>' in html


def test_prose_keeps_markdown_and_safe_html_but_not_unsafe_links() -> None:
    page = render(MODEL)["releases/put-organization-release-details.md"]
    assert (
        "Update a release. See `a|b` and [the guide](https://example.com/guide).\n"
        "Not HTML: ; not a link: [x]\\(javascript:alert(1))."
    ) in page
    assert markdown.md_prose("a {: onclick=alert(1) } b") == "a \\{: onclick=alert(1) } b"
    assert markdown.md_prose("[x]: javascript:alert(1)") == "\\[x]: javascript:alert(1)"
    assert markdown.md_prose("[x](java\tscript:alert(1))") == "[x]\\(java\tscript:alert(1))"
    # A backslash the text already has cannot cancel the escape.
    assert markdown.md_prose("a \\{: onclick=x }") == "a \\{: onclick=x }"
    assert markdown.md_prose("a \\\\{: onclick=x }") == "a \\\\\\{: onclick=x }"
    assert markdown.md_cell("a\\|b \\\\|c") == "a\\|b \\\\\\|c"
    html = python_markdown.markdown(
        markdown.md_prose("p \\\\{: onclick=alert(1) }"), extensions=SITE_EXTENSIONS
    )
    assert html == "<p>p \\{: onclick=alert(1) }</p>"


def test_headings_and_link_text_escape_markdown() -> None:
    assert markdown.md_inline("C# <b>\nbold</b> [x]") == "C\\# &lt;b&gt; bold&lt;/b&gt; \\[x\\]"
    assert markdown.md_link_text("a|b") == "a\\|b"
    assert markdown.meta_title('Say "hi" <b>') == '"Say &quot;hi&quot; &lt;b&gt;"'


def test_code_spans_and_fences_outgrow_backticks() -> None:
    assert markdown.md_code("/a/`b`/") == "``/a/`b`/``"
    assert markdown.md_code("`x`") == "`` `x` ``"
    assert markdown.md_fence("a ```` b", "json") == "`````json\na ```` b\n`````"
    page = render(MODEL)["projects/post-project-file.md"]
    assert "    `````http\n    POST /api/0/projects/web/files/ HTTP/1.1\n" in page


def test_warning_is_an_admonition() -> None:
    page = render(MODEL)["releases/put-organization-release-details.md"]
    assert (
        "!!! warning\n\n    This endpoint may change in the future without notice.\n" in page
    )


def test_curl_quotes_for_the_shell() -> None:
    (curl,) = [
        s.code for s in endpoint_page(UPDATE).request_samples if s.label == "curl"
    ]
    assert curl == (
        "curl -X PUT 'https://api.example.com/api/0/organizations/acme/releases/1.0/"
        "?dry_run=1&note=it'\\''s' \\\n"
        "  -H 'Authorization: Bearer <token>' \\\n"
        "  -H 'Content-Type: application/json' \\\n"
        "  --data-raw '" + BODY.replace("'", "'\\''") + "'"
    )


def test_python_and_javascript_samples() -> None:
    samples = {s.label: s.code for s in endpoint_page(UPDATE).request_samples}
    assert list(samples) == ["HTTP", "curl", "HTTPie", "Python", "JavaScript"]
    assert samples["HTTP"] == UPDATE.example.request_text
    assert samples["Python"] == (
        "import httpx\n"
        "\n"
        "response = httpx.request(\n"
        '    "PUT",\n'
        '    "https://api.example.com/api/0/organizations/acme/releases/1.0/'
        '?dry_run=1&note=it\'s",\n'
        "    headers={\n"
        '        "Authorization": "Bearer <token>",\n'
        '        "Content-Type": "application/json",\n'
        "    },\n"
        "    json={\n"
        '        "ref": "``deadbeef`` | <script>alert(\'x\')</script>",\n'
        '        "count": 1.50,\n'
        '        "tags": [\n'
        '            "a",\n'
        "            None,\n"
        "        ],\n"
        "    },\n"
        ")\n"
        "print(response.status_code)\n"
        "print(response.json())"
    )
    assert samples["JavaScript"] == (
        'const response = await fetch("https://api.example.com/api/0/organizations/acme/'
        'releases/1.0/?dry_run=1&note=it\'s", {\n'
        '  method: "PUT",\n'
        "  headers: {\n"
        '    "Authorization": "Bearer <token>",\n'
        '    "Content-Type": "application/json",\n'
        "  },\n"
        "  body: JSON.stringify({\n"
        '    "ref": "``deadbeef`` | <script>alert(\'x\')</script>",\n'
        '    "count": 1.50,\n'
        '    "tags": [\n'
        '      "a",\n'
        "      null,\n"
        "    ],\n"
        "  }),\n"
        "});\n"
        "const data = await response.json();\n"
        "console.log(response.status, data);"
    )


def test_samples_compile_as_python() -> None:
    for ep in (UPDATE, UPLOAD):
        (code,) = [s.code for s in endpoint_page(ep).request_samples if s.label == "Python"]
        compile(code, ep.name, "exec")


def test_unparsed_example_falls_back_to_raw_text() -> None:
    page = endpoint_page(RAW)
    assert [(s.label, s.code) for s in page.request_samples] == [
        ("HTTP", "DELETE /api/0/projects/web/ HTTP/1.1\nHost api.example.com")
    ]
    assert page.response is not None
    assert page.response.code == "HTTP/1.1 204"


def test_no_example_note() -> None:
    page = render(MODEL)["releases/get-organization-releases.md"]
    assert page.endswith(
        "## Example\n\n!!! note \"No recorded example\"\n\n"
        "    This endpoint has no recorded example request or response.\n"
    )
    assert "Not specified." in page


def test_page_names_are_file_safe_and_unique() -> None:
    odd = dataclasses.replace(LIST, name="index", section="../up")
    twin = dataclasses.replace(LIST, name="index")
    model = ApiModel("Odd", (Section("../up", "Up", (odd, twin)),))
    assert list(render(model)) == ["index.md", "up/index-2.md", "up/index-3.md", "up/index.md"]


def test_untrusted_text_is_never_compiled_as_a_template() -> None:
    ep = dataclasses.replace(LIST, title="{{ 7 * 7 }} {% raw %}", description="{# x #}")
    page = render(ApiModel("T", (Section("s", "S", (ep,)),)))["s/get-organization-releases.md"]
    assert "# \\{\\{ 7 * 7 }} \\{% raw %}\n" in page
    assert "\n\\{# x #}\n" in page


# -- the template contract ----------------------------------------------------------------


def endpoint_page(ep: Endpoint) -> EndpointPage:
    page = build_pages(ApiModel("T", (Section("s", "S", (ep,)),)))[f"s/{ep.name}.md"]
    assert isinstance(page, EndpointPage)
    return page


def _attributes(node: nodes.Node, name: str) -> Iterator[str]:
    """Attribute names read from variable ``name`` anywhere under ``node``."""
    for getattr_node in node.find_all(nodes.Getattr):
        if isinstance(getattr_node.node, nodes.Name) and getattr_node.node.name == name:
            yield getattr_node.attr


def test_templates_read_only_documented_fields() -> None:
    env = markdown.environment()
    for page_type, template in TEMPLATES.items():
        source = (template_dir() / template).read_text(encoding="utf-8")
        ast = env.parse(source)
        assert jinja2.meta.find_undeclared_variables(ast) == {"page"}
        fields = {f.name for f in dataclasses.fields(page_type)}
        assert set(_attributes(ast, "page")) <= fields, template
    assert set(TEMPLATES) == {HomePage, SectionPage, EndpointPage, SchemasPage}


def test_render_is_render_page_of_build_pages() -> None:
    pages = build_pages(MODEL)
    assert render(MODEL) == {path: render_page(page) for path, page in pages.items()}
    home = pages["index.md"]
    assert isinstance(home, HomePage)
    assert [(s.title, s.href, s.endpoint_count) for s in home.sections] == [
        ("Releases", "releases/index.md", 2),
        ("Projects & <Teams>", "projects/index.md", 2),
    ]
    section = pages["releases/index.md"]
    assert isinstance(section, SectionPage)
    assert [(e.method, e.href) for e in section.endpoints] == [
        ("GET", "get-organization-releases.md"),
        ("PUT", "put-organization-release-details.md"),
    ]
    update = endpoint_page(UPDATE)
    assert [t.heading for t in update.parameter_tables] == [
        "Path parameters", "Query parameters", "Body parameters",
    ]
    assert update.has_example and not endpoint_page(LIST).has_example


def test_environment_is_strict() -> None:
    env = markdown.environment()
    assert env.undefined is jinja2.StrictUndefined
    assert (env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline) == (True, True, True)
    assert set(markdown.FILTERS) <= set(env.filters)
    broken = env.from_string("{{ page.missing }}")
    with pytest.raises(jinja2.UndefinedError):
        broken.render(page=endpoint_page(LIST))


def test_template_dir_is_the_checkout_templates() -> None:
    assert (template_dir() / "endpoint.md.j2").is_file()
    assert (template_dir() / "macros.md.j2").is_file()


def test_reference_api_pages_keep_no_storage_quirks() -> None:
    # The JSON docs store bodies in the seed's Python 2 layout (", " at the end of a line);
    # pages and samples are pasted, so they carry no trailing space, and JSON stays as
    # recorded but for its layout.
    from apiscribe.pipeline import load

    from .conftest import ROOT

    model, _ = load(str(ROOT / "api-docs" / "endpoints"))
    assert model is not None
    stored = (ROOT / "api-docs/endpoints/releases/put-organization-release-details.md").read_text()
    assert 'Bloggs\\", \\n' in stored  # inside the JSON string of example_request
    pages = markdown.render(model)
    trailing = [(path, n) for path, text in pages.items()
                for n, line in enumerate(text.splitlines(), 1) if line != line.rstrip()]
    assert trailing == []
    page = pages["releases/put-organization-release-details.md"]
    assert '"author_name": "Jane Bloggs",\n' in page
    assert "X-Frame-Options" not in page and "Content-Type: application/json" in page


class Sharing:
    """The jobs each call of the Markdown view's ``shared`` was given, and the forks started,
    over a test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.shares: list[int] = []
        self.forks: list[int] = []
        share, start = forking.shared, forking.Beside._start

        def counted(jobs: list[object], *args: object, **kwargs: object) -> object:
            self.shares.append(len(jobs))
            return share(jobs, *args, **kwargs)  # type: ignore[arg-type]

        def started(beside: forking.Beside[object]) -> None:
            self.forks.append(1)
            start(beside)

        monkeypatch.setattr(markdown, "shared", counted)
        monkeypatch.setattr(forking.Beside, "_start", started)


def test_pages_shared_with_a_fork_are_the_pages_rendered_alone(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sentry's published description: 91 operations, more than a fork is started for.
    model, _ = load(str(CORPUS / "openapi" / "sentry-2022-05-18-openapi-derefed.json"))
    assert model is not None
    alone = markdown.render(model)
    counting = Sharing(monkeypatch)
    shares, forks = counting.shares, counting.forks
    memo = markdown.RenderMemo()
    can_fork = forking.why_not_fork() is None
    assert markdown.render(model, memo, fork=True) == alone
    assert shares == [len(model.endpoints) + 1] and shares[0] >= markdown.FORK_PAGES
    assert forks == ([1] if can_fork else [])
    # Rendered again from the memo, nothing is left to share.
    assert markdown.render(model, memo, fork=True) == alone
    assert shares[1] == 0


@pytest.mark.parametrize("cached", [False, True], ids=["no cache", "cache dir"])
def test_convert_to_markdown_shares_the_pages_and_writes_those_rendered_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    spec = CORPUS / "openapi" / "sentry-2022-05-18-openapi-derefed.json"
    if not spec.is_file():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    model, _ = load(str(spec))
    assert model is not None
    alone = markdown.render(model)
    counting = Sharing(monkeypatch)
    shares, forks = counting.shares, counting.forks
    can_fork = forking.why_not_fork() is None
    out = tmp_path / "out"
    markdown.environment.cache_clear()  # nothing compiled yet: the run compiles what it needs
    outcome = pipeline.convert(str(spec), "markdown", out,
                               cache_dir=tmp_path / "cache" if cached else None)
    assert not has_errors(outcome.diagnostics)
    written = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
               for p in out.rglob("*.md")}
    assert written == alone
    assert shares == [len(model.endpoints) + 1] and shares[0] >= markdown.FORK_PAGES
    assert len(forks) >= (2 if can_fork else 0)  # the spec's checks, and the pages
    if cached:  # compiled in this process, so that the pack keeps them for the next run
        compiled = (tmp_path / "cache" / "markdown" / "templates.code").read_bytes()
        assert b"schemas.md.j2" in compiled and b"endpoint.md.j2" in compiled
