"""The MkDocs plugin's ``generate`` option: ``mkdocs build`` and ``mkdocs serve`` follow the
app's docstrings with no separate step.

A small Flask app, named in ``[tool.apiscribe]``, documented by a ``mkdocs.yml`` that apiscribe
writes with ``generate: true`` and ``watch`` on the app's module. The build test runs the real
``mkdocs build`` twice around a docstring edit; the serve test starts the real ``mkdocs serve``
on 127.0.0.1, edits the docstring and waits for the served page to change.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from apiscribe.site import write_mkdocs_config

from .serving import MKDOCS, env, mkdocs_serve, wait_for

pytest.importorskip("flask")

APP = '''from flask import Flask

app = Flask(__name__)


@app.get("/things")
def things():
    """{title}"""
    return {{"things": []}}
'''


def project(root: Path, title: str) -> Path:
    (root / "tiny_docs_app.py").write_text(APP.format(title=title), encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.apiscribe]\napp = "tiny_docs_app:app"\n',
                                         encoding="utf-8")
    (root / "docs").mkdir()
    (root / "mkdocs.yml").write_text(
        write_mkdocs_config(title="Tiny", api_docs="api-docs/endpoints", generate=True,
                            watch=["tiny_docs_app.py"]), encoding="utf-8")
    return root


def edit_title(root: Path, title: str) -> None:
    (root / "tiny_docs_app.py").write_text(APP.format(title=title), encoding="utf-8")


def page_files(site: Path) -> list[Path]:
    return sorted(site.rglob("index.html"))


def test_mkdocs_build_generates_from_the_docstrings(tmp_path: Path) -> None:
    root = project(tmp_path, "List the things.")
    for title in ("List the things.", "List every thing there is."):
        edit_title(root, title)
        done = subprocess.run([str(MKDOCS), "build", "--strict"], cwd=root, env=env(),
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        pages = [p.read_text(encoding="utf-8") for p in page_files(root / "site")]
        headings = [p.split("<h1", 1)[1].split("</h1>", 1)[0] for p in pages if "<h1" in p]
        assert any(title in heading for heading in headings), (title, headings)
    # The JSON docs were written by `apiscribe generate`, as the project would commit them.
    assert (root / "api-docs" / "endpoints").is_dir()


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = project(tmp_path, "List the things.")
    with mkdocs_serve(root, tmp_path / "serve.log") as url:
        yield root, url


def test_mkdocs_serve_regenerates_when_a_docstring_changes(
        serving: tuple[Path, str]) -> None:
    root, url = serving
    assert wait_for(url, "List the things.", 120), "mkdocs serve never served the first build"
    edit_title(root, "List every thing there is.")
    assert wait_for(url, "List every thing there is.", 120), "the edit never reached the page"
