"""The MkDocs plugin's ``generate`` option: ``mkdocs build`` and ``mkdocs serve`` follow the
app's docstrings with no separate step.

A small Flask app, named in ``[tool.apiscribe]``, documented by a ``mkdocs.yml`` that apiscribe
writes with ``generate: true`` and ``watch`` on the app's module. The build test runs the real
``mkdocs build`` twice around a docstring edit; the serve test starts the real ``mkdocs serve``
on 127.0.0.1, edits the docstring and waits for the served page to change.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from apiscribe.site import write_mkdocs_config

pytest.importorskip("flask")

MKDOCS = Path(sys.executable).with_name("mkdocs")
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


def env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
            f"{os.environ.get('PATH', '')}"}


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = project(tmp_path, "List the things.")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen([str(MKDOCS), "serve", "-a", f"127.0.0.1:{port}"], cwd=root,
                                  env=env(), stdout=output, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        yield root, f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        print(log.read_text(encoding="utf-8", errors="replace")[-3000:])  # shown on failure


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        text: str = response.read().decode("utf-8")
        return text


def wait_for(url: str, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if text in fetch(url):
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def test_mkdocs_serve_regenerates_when_a_docstring_changes(
        serving: tuple[Path, str]) -> None:
    root, url = serving
    assert wait_for(url, "List the things.", 120), "mkdocs serve never served the first build"
    edit_title(root, "List every thing there is.")
    assert wait_for(url, "List every thing there is.", 120), "the edit never reached the page"
