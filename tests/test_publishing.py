"""Publishing the built site: from any static host, under a sub-path, with ``mkdocs
gh-deploy``, and the way the README and the build's last message say to view it.

Everything stays on this machine: servers listen on 127.0.0.1, and ``gh-deploy`` pushes to
a bare repository in a temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from apiscribe.site import build_site, write_mkdocs_config

from .conftest import ROOT
from .test_site import ENDPOINT_PAGES, chromium, heading, make_project, opened_page, serving
from .test_site_browser import search_and_open

PREFIX = "/docs/"
REFAPI_DOCS = ROOT / "api-docs" / "endpoints"
ENDPOINT_TITLE = "Update an Organization's Release"
ENDPOINT_PATH = "releases/put-organization-release-details/"


class _SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the folder under ``/docs/`` only, and its 404.html for a missing page there,
    as GitHub Pages serves a project site; anything outside ``/docs/`` is a bare 404."""

    def translate_path(self, path: str) -> str:
        if not urlsplit(path).path.startswith(PREFIX):
            return os.path.join(self.directory, ".outside-the-sub-path")
        return super().translate_path(path[len(PREFIX) - 1:])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None
                   ) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not self.path.startswith(PREFIX) or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving_under_sub_path(directory: Path) -> Iterator[str]:
    """``directory`` served at ``/docs/`` on 127.0.0.1; yields the site's URL."""
    with serving(directory, _SubPathHandler) as url:
        yield url + PREFIX


def refapi_project(root: Path, *, site_url: str = "") -> Path:
    """A mkdocs.yml as apiscribe writes it for the reference API's committed JSON docs
    (with ``site_url`` when given); returns its path."""
    text = write_mkdocs_config(title="Example API", api_docs=REFAPI_DOCS.as_posix())
    if site_url:
        text += f"site_url: {site_url}\n"
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    return root / "mkdocs.yml"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class Traffic:
    """Every request a page makes, and the ones that failed or got an error status."""

    def __init__(self, page: Any) -> None:
        self.urls: list[str] = []
        self.failed: list[str] = []
        self.problems: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))
        # not one the page dropped as it went on to the next (a click while an icon or the
        # search worker's script was still loading, on a busy machine)
        page.on("requestfailed", lambda request: self.failed.append(request.url)
                if request.failure != "net::ERR_ABORTED" else None)
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        page.on("console", lambda m: self.problems.append(m.text) if m.type == "error"
                else None)
        page.on("pageerror", lambda error: self.problems.append(str(error)))


# -- from any static host, under a sub-path ----------------------------------------------


@pytest.mark.browser
def test_the_site_works_under_a_sub_path(browser: Any, tmp_path: Path) -> None:
    """No site_url, no configuration: every link and asset is relative."""
    from playwright.sync_api import expect

    build_site(refapi_project(tmp_path))
    with serving_under_sub_path(tmp_path / "site") as url, opened_page(browser, url) as page:
        traffic = Traffic(page)
        page.goto(url)
        assert heading(page) == "Example API"
        nav = page.locator("nav.md-nav--primary")
        nav.get_by_role("link", name="Releases", exact=True).click()
        expect(page).to_have_url(f"{url}releases/")
        nav.get_by_role("link", name=ENDPOINT_TITLE).click()
        expect(page).to_have_url(url + ENDPOINT_PATH)
        assert heading(page) == ENDPOINT_TITLE
        # The stylesheet and the script arrived: Material styled the header and the tabs.
        expect(page.locator("article .tabbed-labels label").first).to_be_visible()
        assert page.locator("header.md-header").evaluate(
            "h => getComputedStyle(h).position") == "sticky"
        search_and_open(page, "Update an Organization", ENDPOINT_TITLE)
        expect(page).to_have_url(re.compile(re.escape(url + ENDPOINT_PATH) + r"\?h="))
        page.wait_for_load_state("networkidle")
        assert (traffic.failed, traffic.problems) == ([], [])
        assert [u for u in traffic.urls if not u.startswith(url)] == []
        assert {f"{url}search/search_index.json", f"{url}releases/"} <= set(traffic.urls)


@pytest.mark.browser
def test_the_404_page_works_under_a_sub_path_given_site_url(
    browser: Any, tmp_path: Path
) -> None:
    """MkDocs writes 404.html with absolute URLs (it is served at any depth): they start
    with site_url's path, so a site under a sub-path sets site_url."""
    from playwright.sync_api import expect

    build_site(refapi_project(tmp_path, site_url=f"https://example.github.io{PREFIX}"))
    with serving_under_sub_path(tmp_path / "site") as url, opened_page(browser, url) as page:
        traffic = Traffic(page)
        response = page.goto(f"{url}no/such/page/")
        assert response is not None and response.status == 404
        page.wait_for_load_state("networkidle")
        assert heading(page) == "404 - Not found"
        assert traffic.failed == [f"404 {url}no/such/page/"]  # the page itself, nothing else
        page.locator("nav.md-nav--primary").get_by_role(
            "link", name="Releases", exact=True
        ).click()
        expect(page).to_have_url(f"{url}releases/")


# -- mkdocs gh-deploy --------------------------------------------------------------------


def git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                            check=False, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_mkdocs_gh_deploy_pushes_the_site_to_gh_pages(tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    git("init", "-q", "--bare", str(origin), cwd=tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    make_project(project)
    (project / "docs").mkdir()  # MkDocs needs its docs_dir (build_site makes it itself)
    (project / ".gitignore").write_text("/site/\n", encoding="utf-8")
    git("init", "-q", "-b", "main", cwd=project)
    git("add", ".", cwd=project)
    git("commit", "-q", "-m", "API docs", cwd=project)
    git("remote", "add", "origin", str(origin), cwd=project)
    env = {
        **os.environ, "NO_MKDOCS_2_WARNING": "1", "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "gh-deploy", "--strict", "--force"],
        cwd=project, capture_output=True, text=True, check=False, env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Your documentation should be available shortly." in result.stderr
    files = set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=origin).splitlines())
    assert {"index.html", ".nojekyll", "404.html", "search/search_index.json",
            *ENDPOINT_PAGES} <= files
    page = git("show", "gh-pages:releases/put-organization-release-details/index.html",
               cwd=origin)
    assert "Update an Organization&#39;s Release" in page or ENDPOINT_TITLE in page
    assert git("branch", "--list", cwd=origin).split() == ["gh-pages"]  # main is not pushed


# -- the GitHub Actions workflow ---------------------------------------------------------


def workflow_in(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    block = text.split("# .github/workflows/api-docs.yml\n", 1)[1].split("```", 1)[0]
    workflow: dict[str, Any] = yaml.safe_load(block)
    return workflow


def test_publishing_page_shows_the_readmes_workflow() -> None:
    """docs/publishing.md and the README show one workflow (tests/hostile/test_ci.py checks
    its pins and permissions in the README)."""
    assert workflow_in(ROOT / "docs" / "publishing.md") == workflow_in(ROOT / "README.md")


def test_the_workflow_uploads_the_folder_the_build_writes() -> None:
    deploy = workflow_in(ROOT / "README.md")["jobs"]["deploy"]
    runs = [step["run"] for step in deploy["steps"] if "run" in step]
    assert "apiscribe build --no-generate" in runs
    upload = next(s for s in deploy["steps"]
                  if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert upload["with"]["path"] == config["site_dir"] == "site"
    assert deploy["environment"]["name"] == "github-pages"


# -- viewing the site as the README and the build say --------------------------------------


def test_the_view_command_the_build_prints_serves_the_site(tmp_path: Path) -> None:
    """The command in convert's last message serves a working site (run here on a free port
    of 127.0.0.1 rather than on 8000)."""
    result = subprocess.run(
        [sys.executable, "-m", "apiscribe", "convert", str(REFAPI_DOCS), "--to", "site",
         "-o", "out"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    said = re.search(r"view it with: (python3 -m http\.server .+)$", result.stderr, re.M)
    assert said is not None, result.stderr
    command = shlex.split(said.group(1))
    assert command[:3] == ["python3", "-m", "http.server"]
    with subprocess.Popen(
        [sys.executable, "-u", *command[1:], "--bind", "127.0.0.1", "0"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    ) as server:
        try:
            assert server.stdout is not None
            line = server.stdout.readline()
            port = re.search(r"port (\d+)", line)
            assert port is not None, line
            base = f"http://127.0.0.1:{port.group(1)}/"
            direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            for path in ("", ENDPOINT_PATH, "search/search_index.json"):
                with direct.open(base + path, timeout=10) as response:
                    assert response.status == 200, path
                    assert b"Update an Organization" in response.read() or path == ""
        finally:
            server.terminate()


def test_the_readme_says_to_serve_the_site_not_to_open_the_file() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 -m http.server -d site --bind 127.0.0.1" in readme
    assert "http://127.0.0.1:8000/" in readme
    assert "open site/index.html" not in readme
