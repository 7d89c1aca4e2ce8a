"""The built site as readers and machines get it: every HTML page's outline and tables, stable
heading ids, the badges, and the files for machines (llms.txt, the Markdown twins,
openapi.json), built with the project's own functions into tmp_path."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import markdown as python_markdown
import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config.base import load_config

from apiscribe.model import Section
from apiscribe.site import ApiscribePlugin, build_site, machine_files, write_mkdocs_config
from apiscribe.site.machine_files import llms_txt, summary
from apiscribe.views import markdown
from apiscribe.views import openapi as openapi_view

from .imported_fixtures import MODEL as IMPORTED

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DOCS = ROOT / "api-docs" / "endpoints"
SUB_PATH = "https://docs.example.com/docs/"


class Outline(HTMLParser):
    """The headings (level, id), tables (with or without a header row) of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.tables: list[bool] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self._table_headers: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append((int(tag[1]), str(attributes.get("id") or "")))
        elif tag == "table":
            self._table_headers.append(False)
        elif tag == "th" and self._table_headers:
            self._table_headers[-1] = True
        elif tag == "a" and attributes.get("href"):
            self.links.append(str(attributes["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._table_headers:
            self.tables.append(self._table_headers.pop())


def outline(path: Path) -> Outline:
    parser = Outline()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "assets")


def reference_project(root: Path, *, site_url: str = "") -> Path:
    """The bundled reference API's JSON docs, as the repository's mkdocs.yml renders them."""
    text = write_mkdocs_config(title="Example API", api_docs=str(REFERENCE_DOCS))
    if site_url:
        text += f"site_url: {site_url}\n"
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    return root / "mkdocs.yml"


@pytest.fixture(scope="module")
def reference_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reference")
    build_site(reference_project(root, site_url=SUB_PATH))
    return root / "site"


@pytest.fixture(scope="module")
def imported_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A spec's model (schemas, nested objects, responses) handed over as `convert --to site`
    and `build` do."""
    root = tmp_path_factory.mktemp("imported")
    (root / "mkdocs.yml").write_text(write_mkdocs_config(title=IMPORTED.title, api_docs=""),
                                     encoding="utf-8")
    build_site(root / "mkdocs.yml", model=IMPORTED)
    return root / "site"


@pytest.fixture(params=["reference_site", "imported_site"])
def built(request: pytest.FixtureRequest) -> Path:
    site: Path = request.getfixturevalue(request.param)
    return site


# -- accessibility basics ------------------------------------------------------------------


def test_every_page_has_one_h1_ordered_headings_and_table_headers(built: Path) -> None:
    problems = []
    pages = html_files(built)
    assert len(pages) > 5
    for page in pages:
        name = page.relative_to(built).as_posix()
        found = outline(page)
        levels = [level for level, _ in found.headings]
        if levels.count(1) != 1 or levels[:1] != [1]:
            problems.append(f"{name}: h1 count {levels.count(1)}, first heading {levels[:1]}")
        for before, after in itertools.pairwise(levels):
            if after > before + 1:
                problems.append(f"{name}: h{before} followed by h{after}")
        if not all(found.tables):
            problems.append(f"{name}: a table without a header row")
    assert problems == []


def test_heading_ids_are_unique_and_stable(built: Path, tmp_path: Path) -> None:
    for page in html_files(built):
        ids = outline(page).ids
        assert len(ids) == len(set(ids)), (page, sorted(i for i in ids if ids.count(i) > 1))
    page = built / "pets/listPets/index.html"
    if page.is_file():  # the imported site: the documented parts have fixed ids
        headings = [hid for _, hid in outline(page).headings]
        assert headings[:8] == [
            "list-pets", "authentication", "parameters", "query-parameters",
            "header-parameters", "cookie-parameters", "responses", "response-200",
        ]
        assert "response-200-headers" in headings and "response-200-application-json" in headings


def test_rebuilding_gives_the_same_ids(reference_site: Path, tmp_path: Path) -> None:
    build_site(reference_project(tmp_path, site_url=SUB_PATH))
    for page in html_files(reference_site):
        again = tmp_path / "site" / page.relative_to(reference_site)
        assert outline(page).ids == outline(again).ids, page


def test_endpoint_pages_carry_badges(reference_site: Path, imported_site: Path) -> None:
    listing = (reference_site / "releases/get-organization-releases/index.html").read_text()
    assert re.findall(r'class="apiscribe-badge apiscribe-badge--([\w-]+)">([^<]+)<', listing) \
        == [("get", "GET"), ("auth", "Auth: required"), ("paginated", "Paginated")]
    pet = (imported_site / "pets/getPet/index.html").read_text()
    assert re.findall(r'apiscribe-badge--([\w-]+)">([^<]+)<', pet) == [
        ("get", "GET"), ("auth-none", "Auth: none"), ("deprecated", "Deprecated")]
    create = (imported_site / "pets/createPet/index.html").read_text()
    assert re.findall(r'apiscribe-badge--([\w-]+)">([^<]+)<', create) == [
        ("post", "POST"), ("auth", "Auth: api_key")]
    # In plain Markdown the badges read as words with separators.
    text = markdown.render(IMPORTED)["pets/listPets.md"]
    plain = re.sub(r"<[^>]+>", "", text.split("\n\n")[2])
    assert plain == "GET · Auth: bearerAuth · Paginated"


def test_nested_fields_are_collapsed_blocks(imported_site: Path) -> None:
    schemas = (imported_site / "schemas/index.html").read_text()
    assert schemas.count('<details class="apiscribe-fields">') == 4
    assert "<summary>Fields of <code>address</code></summary>" in schemas


# -- files for machines --------------------------------------------------------------------


def llms_links(text: str) -> list[tuple[str, str, str]]:
    return re.findall(r"^- \[(.+?)\]\((\S+?)\)(?:: (.*))?$", text, re.MULTILINE)


def test_llms_txt_follows_the_convention(reference_site: Path) -> None:
    text = (reference_site / "llms.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# Example API"
    assert lines[2].startswith("> ")
    sections = [line[3:] for line in lines if line.startswith("## ")]
    assert sections == ["Organizations", "Teams", "Releases", "Projects", "Optional"]
    links = llms_links(text)
    endpoints = [link for link in links if link[1].endswith(".md")]
    assert len(endpoints) == 30
    assert (
        "List an Organization's Releases",
        f"{SUB_PATH}releases/get-organization-releases.md",
        "`GET /api/0/organizations/{organization_slug}/releases/` — Return a list of releases "
        "for a given organization, newest first.",
    ) in links
    for _, href, _ in links:  # every link is a file of the site, under the sub-path
        assert href.startswith(SUB_PATH)
        assert (reference_site / unquote(href.removeprefix(SUB_PATH))).is_file(), href


def test_llms_txt_links_stay_relative_without_a_site_url() -> None:
    text = llms_txt(IMPORTED)
    assert [href for _, href, _ in llms_links(text)] == [
        "pets/listPets.md", "pets/createPet.md", "pets/getPet.md", "health/get-ping.md",
        "webhooks/newPet.md", "openapi.json", "schemas.md",
    ]
    assert "- [List pets](pets/listPets.md): `GET /v1/pets` — Every pet, a page at a time." in text
    assert summary("First. Second.\n\nMore.") == "First."
    assert summary("x " * 200).endswith("…") and len(summary("x " * 200)) <= 160


def test_markdown_twins_are_the_pages_markdown(imported_site: Path) -> None:
    pages = markdown.render(IMPORTED)
    for path, text in pages.items():
        if path == "index.md":
            continue  # the site's home page adds its machine-readable section
        assert (imported_site / path).read_text(encoding="utf-8") == text, path
        assert (imported_site / path).with_suffix("").is_dir() or path.endswith("index.md")
    home = (imported_site / "index.md").read_text(encoding="utf-8")
    assert home.startswith(pages["index.md"].rstrip("\n"))
    assert "- [OpenAPI document](openapi.json)" in home


def test_openapi_json_is_downloadable_and_linked_from_home(reference_site: Path,
                                                            imported_site: Path) -> None:
    document = json.loads((imported_site / "openapi.json").read_text(encoding="utf-8"))
    assert document == json.loads(openapi_view.render(IMPORTED)["openapi.json"])
    for site in (reference_site, imported_site):
        home = outline(site / "index.html")
        assert "openapi.json" in home.links and "llms.txt" in home.links
        for href in ("openapi.json", "llms.txt"):  # relative: right under any sub-path
            target = urlsplit(urljoin(SUB_PATH, href)).path.removeprefix("/docs/")
            assert (site / target).is_file()


def test_machine_files_can_be_turned_off(tmp_path: Path) -> None:
    yml = reference_project(tmp_path).read_text(encoding="utf-8").replace(
        f"      api_docs: {REFERENCE_DOCS}\n",
        f"      api_docs: {REFERENCE_DOCS}\n      llms_txt: false\n      openapi_json: false\n"
        "      markdown_twins: false\n")
    (tmp_path / "mkdocs.yml").write_text(yml, encoding="utf-8")
    build_site(tmp_path / "mkdocs.yml")
    site = tmp_path / "site"
    assert not (site / "llms.txt").exists() and not (site / "openapi.json").exists()
    assert not (site / "releases/get-organization-releases.md").exists()
    assert "openapi.json" not in outline(site / "index.html").links


class Folders:
    """The temporary folders the builds of a test made for their files for machines."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.made: list[Path] = []
        folder = machine_files.MachineFiles.folder

        def recorded(files: machine_files.MachineFiles) -> Path:
            made = folder(files)
            self.made.append(made)
            return made

        monkeypatch.setattr(machine_files.MachineFiles, "folder", recorded)


def test_the_openapi_document_is_copied_from_a_folder_the_build_removes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build process holds its path, never its bytes; the site's copy is the document.
    folders = Folders(monkeypatch)
    (tmp_path / "mkdocs.yml").write_text(write_mkdocs_config(title=IMPORTED.title, api_docs=""),
                                         encoding="utf-8")
    build_site(tmp_path / "mkdocs.yml", model=IMPORTED)
    assert (tmp_path / "site" / "openapi.json").read_bytes() == machine_files.openapi_json(
        IMPORTED)
    assert len(set(folders.made)) == 1 and not folders.made[0].exists()


def test_a_failed_build_removes_the_folder_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = Folders(monkeypatch)
    (tmp_path / "hooks.py").write_text(
        "def on_env(env, config, files):\n    raise RuntimeError('the theme broke')\n",
        encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        write_mkdocs_config(title=IMPORTED.title, api_docs="") + "hooks:\n  - hooks.py\n",
        encoding="utf-8")
    with pytest.raises(Exception, match="the theme broke"):
        build_site(tmp_path / "mkdocs.yml", model=IMPORTED)
    assert folders.made and not any(folder.exists() for folder in folders.made)


def test_a_dirty_build_writes_the_openapi_document_anew(tmp_path: Path) -> None:
    # The document is made anew by every build, whatever the time of the site's copy.
    spec = tmp_path / "api" / "openapi.json"
    spec.parent.mkdir()
    spec.write_text(openapi_view.render(IMPORTED)["openapi.json"], encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        write_mkdocs_config(title="T", api_docs="api/openapi.json"), encoding="utf-8")

    def built(dirty: bool) -> dict[str, Any]:
        config = load_config(str(tmp_path / "mkdocs.yml"))
        config.plugins.on_startup(command="build", dirty=dirty)
        try:
            mkdocs_build(config, dirty=dirty)
        finally:
            config.plugins.on_shutdown()
        loaded: dict[str, Any] = json.loads((tmp_path / "site" / "openapi.json").read_text())
        return loaded

    assert built(dirty=False)["info"]["title"] == IMPORTED.title
    later = time.time() + 3600  # the site's copy newer than anything this build writes
    os.utime(tmp_path / "site" / "openapi.json", (later, later))
    document = json.loads(spec.read_text(encoding="utf-8"))
    document["info"]["title"] = "Changed"
    spec.write_text(json.dumps(document), encoding="utf-8")
    assert built(dirty=True)["info"]["title"] == "Changed"


def test_docs_dirs_own_openapi_json_is_used_instead(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "openapi.json").write_text('{"own": true}\n', encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(write_mkdocs_config(title=IMPORTED.title, api_docs=""),
                                         encoding="utf-8")
    build_site(tmp_path / "mkdocs.yml", model=IMPORTED)
    assert (tmp_path / "site" / "openapi.json").read_text(encoding="utf-8") == '{"own": true}\n'


# -- mkdocs serve --------------------------------------------------------------------------


class FakeServer:
    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str, *args: Any, **kwargs: Any) -> None:
        self.watched.append(path)


def test_serve_watches_the_api_docs_and_the_watch_option(tmp_path: Path) -> None:
    spec = tmp_path / "api" / "openapi.json"
    spec.parent.mkdir()
    spec.write_text(openapi_view.render(IMPORTED)["openapi.json"], encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "src").mkdir()
    text = write_mkdocs_config(title="T", api_docs="api/openapi.json")
    text = text.replace("      api_docs: api/openapi.json\n",
                        "      api_docs: api/openapi.json\n      watch: [src, notes.md]\n")
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    (plugin,) = [p for p in config.plugins.values() if isinstance(p, ApiscribePlugin)]
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        config = config.plugins.on_config(config)
        server = FakeServer()
        config.plugins.on_serve(server, config=config, builder=lambda: None)
        assert "schemas.md" in plugin.pages and "llms.txt" in plugin.machine
    finally:
        config.plugins.on_shutdown()
    assert server.watched[-3:] == [str(spec.resolve()), str((tmp_path / "src").resolve()),
                                   str((tmp_path / "notes.md").resolve())]


def test_badge_text_is_escaped() -> None:
    (ping,) = [ep for ep in IMPORTED.endpoints if ep.name == "get-ping"]
    hostile = dataclasses.replace(ping, security=[{'<img src=x onerror="alert(1)">': []}])
    model = dataclasses.replace(IMPORTED, sections=(Section("s", "S", (hostile,)),))
    page = markdown.render(model)["s/get-ping.md"]
    html = python_markdown.markdown(page, extensions=["attr_list", "admonition", "tables"])
    assert "<img" not in html
    assert 'apiscribe-badge--auth">Auth: &lt;img src=x onerror="alert(1)"&gt;</span>' in html


def test_written_config_links_tabs_and_copies_code() -> None:
    features = re.findall(r"^    - (\S+)$", write_mkdocs_config(title="T"), re.MULTILINE)
    assert {"content.tabs.link", "content.code.copy"} <= set(features)
