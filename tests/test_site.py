"""The MkDocs site: real ``mkdocs build --strict`` runs, and the built site in Chromium."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from apiscribe.diagnostics import ApiscribeError
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
    RequestBody,
    Section,
)
from apiscribe.model.types import schema_of
from apiscribe.site import build_site, site_nav, write_mkdocs_config
from apiscribe.sources.jsondocs import load_folder
from apiscribe.views import jsondocs as jsondocs_view
from apiscribe.writer import WriteReport, write_tree

from .conftest import ROOT
from .imported_fixtures import MODEL as IMPORTED

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def recorded(request: HttpRequest, response: HttpResponse) -> Example:
    request_text, response_text = format_request(request), format_response(response)
    exchange = parse_exchange(request_text, response_text)
    assert exchange is not None
    return Example(request_text, response_text, exchange)


def param(name: str, location: ParamLocation, description: str, type_name: str = "string"
          ) -> Parameter:
    """A parameter as a JSON doc holds it (path parameters are required)."""
    return Parameter(name, location, description, required=location == "path",
                     schema=schema_of(type_name), type_name=type_name)


UPDATE = Endpoint(
    name="put-organization-release-details",
    section="releases",
    method="PUT",
    api_path="/api/0/organizations/{organization_slug}/releases/{version}/",
    title="Update an Organization's Release",
    description="Update a release.",
    authentication="required",
    operation_id="put-organization-release-details",
    parameters=(
        param("organization_slug", "path", "the slug of the organization."),
        param("version", "path", "the version identifier."),
    ),
    request_body=RequestBody(fields=(param("ref", "body", "an optional commit reference."),)),
    example=recorded(
        HttpRequest(
            "PUT",
            "/api/0/organizations/acme/releases/1.0/",
            (
                Header("Host", "api.example.com"),
                Header("Authorization", "Bearer <token>"),
                Header("Content-Type", "application/json"),
            ),
            '{\n  "ref": "deadbeef"\n}',
        ),
        HttpResponse(200, "OK", (Header("Content-Type", "application/json"),),
                     '{\n  "version": "1.0"\n}'),
    ),
    sidebar_order=2,
)
LIST = Endpoint(
    name="get-organization-releases",
    section="releases",
    method="GET",
    api_path="/api/0/organizations/{organization_slug}/releases/",
    title="List an Organization's Releases",
    operation_id="get-organization-releases",
    authentication="required",
    sidebar_order=1,
)
DELETE = Endpoint(
    name="delete-project",
    section="projects",
    method="DELETE",
    api_path="/api/0/projects/{project_slug}/",
    title="Delete a <b>Project</b>",
    operation_id="delete-project",
)
MODEL = ApiModel(
    title="Example API",
    description="The reference API.",
    sections=(
        Section("releases", "Releases", (LIST, UPDATE), "Releases of an organization."),
        Section("projects", "Projects & Teams", (DELETE,), "Projects."),
    ),
)
ENDPOINT_PAGES = {
    "releases/get-organization-releases/index.html",
    "releases/put-organization-release-details/index.html",
    "projects/delete-project/index.html",
}


def make_project(root: Path, *, title: str = MODEL.title) -> Path:
    """JSON docs where the pipeline puts them, and a mkdocs.yml; returns the mkdocs.yml."""
    write_tree(root / "api-docs" / "endpoints", jsondocs_view.render(MODEL))
    mkdocs_yml = root / "mkdocs.yml"
    mkdocs_yml.write_text(write_mkdocs_config(title=title), encoding="utf-8")
    return mkdocs_yml


def html_pages(site: Path) -> set[str]:
    return {
        p.relative_to(site).as_posix() for p in site.rglob("index.html")
        if p.relative_to(site).parts[0] not in ("assets", "search")
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    build_site(make_project(root))
    return root / "site"


def test_build_site_writes_every_page(site: Path) -> None:
    assert html_pages(site) == {
        "index.html", "releases/index.html", "projects/index.html", *ENDPOINT_PAGES,
    }


def test_mkdocs_command_line_builds_strict(tmp_path: Path) -> None:
    mkdocs_yml = make_project(tmp_path)
    (tmp_path / "docs").mkdir()  # MkDocs needs its docs_dir; build_site creates it itself
    out = tmp_path / "cli-site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(mkdocs_yml),
         "-d", str(out)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert html_pages(out) >= {"index.html", *ENDPOINT_PAGES}


def test_errors_in_the_json_docs_stop_the_build(tmp_path: Path) -> None:
    mkdocs_yml = make_project(tmp_path)
    folder = tmp_path / "api-docs" / "endpoints"
    (folder / "releases" / "get-broken.md").write_text("not a JSON doc\n", encoding="utf-8")
    with pytest.raises(ApiscribeError) as caught:
        build_site(mkdocs_yml)
    lines = caught.value.message.split("\n")
    assert lines[0] == f"MkDocs could not build {mkdocs_yml}: Aborted with a BuildError!"
    assert lines[1] == f"  error: apiscribe: 1 error(s) in {folder}:"
    assert lines[2].startswith(f"{folder / 'releases' / 'get-broken.md'}")
    assert not (tmp_path / "site").exists()


def test_missing_json_docs_folder(tmp_path: Path) -> None:
    mkdocs_yml = tmp_path / "mkdocs.yml"
    mkdocs_yml.write_text(write_mkdocs_config(title="T", api_docs="nowhere"), encoding="utf-8")
    with pytest.raises(ApiscribeError) as caught:
        build_site(mkdocs_yml)
    assert caught.value.message == (
        f"MkDocs could not build {mkdocs_yml}: Aborted with a BuildError!\n"
        f"  error: apiscribe: no JSON docs folder or API description at {tmp_path / 'nowhere'} "
        "(the api_docs option)"
    )


def test_strict_build_fails_on_warnings(tmp_path: Path) -> None:
    mkdocs_yml = make_project(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n\n[gone](gone.md)\n", encoding="utf-8")
    with pytest.raises(ApiscribeError) as caught:
        build_site(mkdocs_yml, site_dir=tmp_path / "out")
    assert caught.value.message.split("\n")[0] == (
        f"MkDocs could not build {mkdocs_yml}: Aborted with 1 warnings in strict mode!"
    )
    assert caught.value.hint == "strict mode fails on any warning"
    build_site(mkdocs_yml, site_dir=tmp_path / "out", strict=False)
    assert (tmp_path / "out" / "guide" / "index.html").is_file()


def test_users_own_pages_and_nav_win(tmp_path: Path) -> None:
    mkdocs_yml = make_project(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Welcome\n", encoding="utf-8")
    with mkdocs_yml.open("a", encoding="utf-8") as handle:
        handle.write("nav:\n  - Start: index.md\n  - releases/get-organization-releases.md\n")
    build_site(mkdocs_yml)
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<h1 id="welcome">Welcome' in home
    assert "Releases of an organization." not in home
    assert "delete-project" not in home  # the user's nav leaves it out
    assert (tmp_path / "site" / "projects" / "delete-project" / "index.html").is_file()


def search_texts(site: Path, location: str) -> list[str]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return [d["text"] for d in index["docs"] if d["location"].startswith(location)]


def test_search_index_leaves_out_the_api_pages_code_blocks(site: Path) -> None:
    texts = search_texts(site, "releases/put-organization-release-details/")
    assert any("an optional commit reference." in t for t in texts)
    assert not any("deadbeef" in t or "<pre>" in t for t in texts)
    page = (site / "releases/put-organization-release-details/index.html").read_text("utf-8")
    assert page.count("deadbeef") == 5  # HTTP, curl, HTTPie, Python, JavaScript: all there


def test_index_code_puts_code_back_and_own_pages_keep_theirs(tmp_path: Path) -> None:
    mkdocs_yml = make_project(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text(
        "# Guide\n\nStart here.\n\n```bash\nexport TOKEN=guide-token\n```\n", encoding="utf-8"
    )
    build_site(mkdocs_yml, site_dir=tmp_path / "default", strict=False)
    assert any("guide-token" in t for t in search_texts(tmp_path / "default", "guide/"))
    assert not any(
        "deadbeef" in t for t in search_texts(tmp_path / "default", "releases/")
    )
    text = mkdocs_yml.read_text(encoding="utf-8")
    mkdocs_yml.write_text(
        text.replace("      api_docs: api-docs/endpoints\n",
                     "      api_docs: api-docs/endpoints\n      index_code: true\n"),
        encoding="utf-8",
    )
    build_site(mkdocs_yml, site_dir=tmp_path / "all", strict=False)
    assert any("deadbeef" in t for t in search_texts(tmp_path / "all", "releases/"))
    for name in ("default", "all"):  # the pages are the same either way
        page = tmp_path / name / "releases/put-organization-release-details/index.html"
        assert page.read_text(encoding="utf-8").count("deadbeef") == 5


def test_site_nav() -> None:
    assert site_nav(MODEL) == [
        {"Home": "index.md"},
        {"Releases": [
            "releases/index.md",
            "releases/get-organization-releases.md",
            "releases/put-organization-release-details.md",
        ]},
        {"Projects &amp; Teams": ["projects/index.md", "projects/delete-project.md"]},
    ]


def test_a_large_section_is_split_in_the_nav() -> None:
    # 120 endpoints in one section, under three kinds of path: the nav holds subsections
    # (by the first literal segment after the shared ones), none longer than the limit.
    from apiscribe.site.mkdocs_yml import NAV_SECTION_LIMIT

    paths = ["/repos/{owner}/{repo}"] + [
        f"/repos/{{owner}}/{{repo}}/{kind}/{{id}}/{n}" for n in range(40)
        for kind in ("branches", "check-runs", "pulls")] + ["/user/repos"]
    endpoints = tuple(
        Endpoint(name=f"ep-{i}", section="repos", method="GET", api_path=path, title=f"E {i}",
                 sidebar_order=i)
        for i, path in enumerate(paths))
    model = ApiModel("Big", (Section("repos", "Repos", endpoints),))
    (section,) = [entry["Repos"] for entry in site_nav(model) if "Repos" in entry]
    assert section[:2] == ["repos/index.md", {"Repos": section[1]["Repos"]}]
    assert section[2] == {"User": ["repos/ep-121.md"]}
    inner = section[1]["Repos"]
    assert inner[0] == "repos/ep-0.md"  # the pages with no further segment come first
    assert [next(iter(item)) for item in inner[1:]] == ["Branches", "Check runs", "Pulls"]
    assert all(len(pages) <= NAV_SECTION_LIMIT for item in inner[1:]
               for pages in item.values())
    # A small section stays flat.
    assert site_nav(MODEL)[1] == {"Releases": [
        "releases/index.md", "releases/get-organization-releases.md",
        "releases/put-organization-release-details.md"]}


def test_repository_mkdocs_yml_is_the_written_config() -> None:
    expected = write_mkdocs_config(title="Example API")
    assert (ROOT / "mkdocs.yml").read_text(encoding="utf-8") == expected


def test_written_config() -> None:
    text = write_mkdocs_config(title='Acme <API> & "co"', api_docs="out/endpoints")
    assert '\nsite_name: Acme &lt;API&gt; &amp; &quot;co&quot;\n' in text
    config: dict[str, Any] = yaml.safe_load(text)
    assert config["plugins"] == ["search", {"apiscribe": {"api_docs": "out/endpoints"}}]
    assert (config["docs_dir"], config["site_dir"]) == ("docs", "site")
    theme = config["theme"]
    assert theme["name"] == "material"
    assert {"navigation.indexes", "navigation.prune", "content.code.copy"} <= set(
        theme["features"]
    )
    assert "navigation.expand" not in theme["features"]
    assert [p["scheme"] for p in theme["palette"]] == ["default", "slate"]
    assert all("toggle" in p for p in theme["palette"])


def mkdocs_build(mkdocs_yml: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Plain ``mkdocs build`` (no model handed over: the plugin reads ``api_docs``)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(mkdocs_yml), *args],
        cwd=mkdocs_yml.parent, capture_output=True, text=True, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def html_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}


def site_files(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*")) if p.is_file()
    }


def test_a_model_and_its_json_docs_build_the_same_site(tmp_path: Path) -> None:
    # The model handed to build_site: no JSON docs anywhere near this project.
    given = tmp_path / "given"
    given.mkdir()
    (given / "mkdocs.yml").write_text(write_mkdocs_config(title=MODEL.title), encoding="utf-8")
    build_site(given / "mkdocs.yml", model=MODEL)
    assert not (given / "api-docs").exists()
    # The same model as JSON docs, read by the plugin on a plain `mkdocs build`.
    read = tmp_path / "read"
    mkdocs_yml = make_project(read)
    folder_model, diagnostics = load_folder(read / "api-docs" / "endpoints")
    assert diagnostics == []
    assert jsondocs_view.render(folder_model) == jsondocs_view.render(MODEL)  # held whole
    (read / "docs").mkdir()
    result = mkdocs_build(mkdocs_yml, "--strict")
    assert result.returncode == 0, result.stderr
    pages = html_files(given / "site")
    assert {p for p in pages if p.endswith("index.html")} >= {"index.html", *ENDPOINT_PAGES}
    assert pages == html_files(read / "site")


PETS_SPEC = """\
openapi: 3.1.0
info:
  title: Small Pets
  version: 1.0.0
servers:
  - url: https://pets.example.com
paths:
  /pets:
    get:
      operationId: listPets
      summary: List the pets
      tags: [pets]
      parameters:
        - name: limit
          in: query
          description: At most this many pets.
          schema: {type: integer}
      responses:
        "200":
          description: The pets.
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Pet"}
  /pets/{petId}:
    get:
      operationId: showPet
      summary: Show one pet
      tags: [pets]
      parameters:
        - name: petId
          in: path
          required: true
          description: The pet's id.
          schema: {type: string}
      responses:
        "200":
          description: The pet.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string, description: The pet's name.}
"""


def test_api_docs_may_name_an_openapi_file(tmp_path: Path) -> None:
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "openapi.yaml").write_text(PETS_SPEC, encoding="utf-8")
    mkdocs_yml = tmp_path / "mkdocs.yml"
    mkdocs_yml.write_text(
        write_mkdocs_config(title="Small Pets", api_docs="spec/openapi.yaml"), encoding="utf-8"
    )
    (tmp_path / "docs").mkdir()
    result = mkdocs_build(mkdocs_yml, "--strict")
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    assert html_pages(site) == {
        "index.html", "pets/index.html", "pets/list-pets/index.html",
        "pets/show-pet/index.html", "schemas/index.html",
    }
    listing = (site / "pets" / "list-pets" / "index.html").read_text(encoding="utf-8")
    assert "List the pets" in listing and "At most this many pets." in listing
    assert "<td>The pet's name.</td>" in listing  # the response's schema rows
    assert "'https://pets.example.com/pets'</span>" in listing  # the curl sample, from servers
    one = (site / "pets" / "show-pet" / "index.html").read_text(encoding="utf-8")
    assert "Show one pet" in one and "<td>The pet's id.</td>" in one
    assert "The pet's name." in (site / "schemas" / "index.html").read_text(encoding="utf-8")


def test_a_failed_build_leaves_the_site_as_it_was(tmp_path: Path) -> None:
    mkdocs_yml = make_project(tmp_path)
    build_site(mkdocs_yml)
    before = site_files(tmp_path / "site")
    assert "index.html" in before
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n\n[gone](gone.md)\n", encoding="utf-8")
    with pytest.raises(ApiscribeError) as caught:
        build_site(mkdocs_yml)
    assert caught.value.hint == "strict mode fails on any warning"
    assert site_files(tmp_path / "site") == before
    # Nothing is left of the folder the failed build was written into (the page cache,
    # beside mkdocs.yml, holds what the first build made).
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".cache", "api-docs", "docs", "mkdocs.yml", "site",
    ]


def test_rebuilding_an_unchanged_site_changes_no_file(tmp_path: Path) -> None:
    mkdocs_yml = make_project(tmp_path)
    first = build_site(mkdocs_yml)
    files = sorted(site_files(tmp_path / "site"))
    assert first == WriteReport(written=files)
    again = build_site(mkdocs_yml)
    assert again == WriteReport(unchanged=files)
    assert sorted(site_files(tmp_path / "site")) == files


# -- in a real browser --------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(directory: Path, handler: type[SimpleHTTPRequestHandler] = _QuietHandler
            ) -> Iterator[str]:
    """A static HTTP server for ``directory`` on 127.0.0.1 (``handler`` answers each
    request); yields its base URL."""
    bound = functools.partial(handler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), bound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    with serving(site) as url:
        yield url


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (the test skips, saying why, without it)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing (Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@contextlib.contextmanager
def opened_page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=base_url, color_scheme="light", viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Any, served: str) -> Iterator[Any]:
    with opened_page(browser, served) as opened:
        yield opened


ENDPOINT_URL = "/releases/put-organization-release-details/"
#: The request sample tabs of an endpoint page, in order.
SAMPLE_TABS = ["HTTP", "curl", "HTTPie", "Python", "JavaScript"]


def heading(page: Any) -> str:
    """The page's H1 text, without its permalink."""
    text: str = page.locator("article h1").evaluate("h => h.childNodes[0].textContent")
    return text


@pytest.mark.browser
def test_home_lists_sections(page: Any) -> None:
    from playwright.sync_api import expect

    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/")
    article = page.locator("article")
    assert heading(page) == "Example API"
    expect(article.get_by_role("link", name="Releases", exact=True)).to_have_attribute(
        "href", "releases/"
    )
    expect(article.get_by_role("link", name="Projects & Teams")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert requested
    assert {urlsplit(url).hostname for url in requested} == {"127.0.0.1"}


@pytest.mark.browser
def test_nav_shows_sections_with_endpoint_pages(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(ENDPOINT_URL)
    nav = page.locator("nav.md-nav--primary")
    expect(nav.get_by_role("link", name="List an Organization's Releases")).to_be_visible()
    expect(nav.get_by_role("link", name="Update an Organization's Release").first).to_be_visible()
    expect(nav.get_by_role("link", name="Projects & Teams")).to_be_visible()


@pytest.mark.browser
def test_endpoint_page_shows_parameters_example_and_copy_buttons(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(ENDPOINT_URL)
    article = page.locator("article")
    assert heading(page) == "Update an Organization's Release"
    row = article.locator("table tr", has_text="organization_slug")
    expect(row.locator("td")).to_have_text(
        ["organization_slug", "string", "yes", "the slug of the organization."]
    )
    expect(article.locator(".tabbed-labels label")).to_have_text(SAMPLE_TABS)
    article.locator(".tabbed-labels label", has_text="curl").click()
    expect(article.locator(".tabbed-block").nth(1)).to_contain_text(
        "curl -X PUT 'https://api.example.com/api/0/organizations/acme/releases/1.0/'"
    )
    expect(article.locator("pre", has_text="HTTP/1.1 200 OK")).to_be_visible()
    copy = article.get_by_role("button", name="Copy to clipboard", include_hidden=True)
    expect(copy).to_have_count(6)  # one per code block: 5 request tabs, 1 response


@pytest.mark.browser
def test_untrusted_title_stays_text(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/projects/delete-project/")
    assert heading(page) == "Delete a <b>Project</b>"
    expect(page).to_have_title("Delete a <b>Project</b> - Example API")
    assert page.locator("b", has_text="Project").count() == 0
    expect(page.locator("article .admonition.note")).to_contain_text("No recorded example")


@pytest.mark.browser
def test_palette_toggle_switches_scheme(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    page.locator("form[data-md-component=palette] label:visible").click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.locator("form[data-md-component=palette] label:visible").click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")


@pytest.mark.browser
def test_search_finds_an_endpoint_by_title(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("Update an Organization")
    result = page.locator(".md-search-result__item", has_text="Update an Organization's Release")
    expect(result.first).to_be_visible()
    href = result.first.locator("a").first.get_attribute("href")
    assert href is not None
    assert href.startswith(f"{page.url.rstrip('/')}{ENDPOINT_URL}?h=")


# -- a site converted from a spec, in a real browser ----------------------------------------


@pytest.fixture(scope="module")
def imported_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The imported fixture model as `apiscribe convert --to site` builds it, served."""
    root = tmp_path_factory.mktemp("imported")
    (root / "mkdocs.yml").write_text(write_mkdocs_config(title=IMPORTED.title), encoding="utf-8")
    build_site(root / "mkdocs.yml", model=IMPORTED)
    with serving(root / "site") as url:
        yield url


@pytest.fixture
def imported_page(browser: Any, imported_site: str) -> Iterator[Any]:
    with opened_page(browser, imported_site) as opened:
        yield opened


@pytest.mark.browser
def test_a_long_example_response_is_folded_and_opens(imported_page: Any) -> None:
    from playwright.sync_api import expect

    imported_page.goto("/pets/listPets/")
    article = imported_page.locator("article")
    expect(article.locator(".tabbed-labels label")).to_have_text(SAMPLE_TABS)
    folded = article.locator("details", has_text="Response: 200 OK")
    expect(folded).to_have_count(1)
    body = folded.locator("pre", has_text="HTTP/1.1 200 OK")
    expect(body).to_be_hidden()
    folded.locator("summary").click()
    expect(body).to_be_visible()
    expect(body).to_contain_text('"name": "Rex"')


@pytest.mark.browser
def test_search_finds_fields_but_not_code_samples(imported_page: Any) -> None:
    from playwright.sync_api import expect

    imported_page.goto("/")
    search = imported_page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("How many pets")
    found = imported_page.locator(".md-search-result__item", has_text="List pets")
    expect(found.first).to_be_visible()
    search.fill("")
    search.press_sequentially("httpx")  # only in the Python request samples
    expect(imported_page.locator(".md-search-result__meta")).to_have_text(
        "No matching documents"
    )
