"""``convert --to markdown`` keeps each page's Markdown between runs (pipeline.render_markdown):
a run after an edit renders only the changed pages and writes what a run without the cache
writes, byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apiscribe import pipeline
from apiscribe.views import markdown

from .test_page_cache import edit, spec, write


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the endpoint pages rendered from their context, in order."""
    calls: list[str] = []
    original: Callable[..., Any] = markdown.endpoint_page

    def counting(model: Any, ep: Any, **kwargs: Any) -> Any:
        calls.append(ep.name)
        return original(model, ep, **kwargs)

    monkeypatch.setattr(markdown, "endpoint_page", counting)
    return calls


def convert(source: Path, out: Path, cache: Path | None) -> dict[str, bytes]:
    outcome = pipeline.convert(str(source), "markdown", out, cache_dir=cache)
    assert not outcome.diagnostics
    return tree(out)


@pytest.mark.parametrize(("kind", "renders"), [
    ("description", 1), ("parameter", 1), ("summary", 1), ("schema", "all"), ("operation", 1),
])
def test_a_run_after_an_edit_renders_the_changed_pages_and_writes_the_cold_output(
    tmp_path: Path, rendered: list[str], kind: str, renders: int | str
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    source = write(tmp_path / "spec.json", spec())
    first = convert(source, out, cache)
    endpoints = len(rendered)
    assert endpoints == 48 and first == convert(source, tmp_path / "plain", None)
    rendered.clear()
    assert convert(source, out, cache) == first and rendered == []  # nothing changed

    write(source, edit(spec(), kind, 3))
    rendered.clear()
    warm = convert(source, out, cache)
    assert len(rendered) == (endpoints if renders == "all" else renders)
    assert warm == convert(source, tmp_path / "plain-2", None)  # what no cache writes
    assert warm != first


def test_unreadable_entries_are_rendered_again(tmp_path: Path, rendered: list[str]) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    source = write(tmp_path / "spec.json", spec())
    first = convert(source, out, cache)
    entries = [p for p in cache.rglob("*.md")]
    assert len(entries) == len(rendered) + 1  # and the schemas page
    for number, entry in enumerate(entries):
        entry.write_bytes(b"" if number % 2 else b"not zlib")
    rendered.clear()
    assert convert(source, out, cache) == first and len(rendered) == 48


def test_a_cache_that_cannot_be_written_is_no_cache(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    source = write(tmp_path / "spec.json", spec())
    assert convert(source, tmp_path / "out", blocked / "cache") == convert(
        source, tmp_path / "plain", None)


def test_each_output_folder_keeps_its_own_pages(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    kept = {pipeline.markdown_cache(cache, tmp_path / name) for name in ("a", "b", "a/../a")}
    assert len(kept) == 2 and all(folder.parent == cache / "markdown" for folder in kept)


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "apiscribe", *args], capture_output=True,
                          text=True, env=env, check=False, timeout=120)


def test_the_command_line_keeps_pages_in_the_users_cache_unless_told_not_to(
    tmp_path: Path
) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    source = write(tmp_path / "spec.json", spec())
    done = run("convert", str(source), "--to", "markdown", "-o", str(tmp_path / "a"),
               "--no-cache", env=env)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "xdg").exists()
    done = run("convert", str(source), "--to", "markdown", "-o", str(tmp_path / "b"), env=env)
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "xdg" / "apiscribe" / "markdown").rglob("*.md"))) == 49
    done = run("convert", str(source), "--to", "markdown", "-o", str(tmp_path / "c"),
               "--cache-dir", str(tmp_path / "mine"), env=env)
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "mine" / "markdown").rglob("*.md"))) == 49
    assert tree(tmp_path / "a") == tree(tmp_path / "b") == tree(tmp_path / "c")
    assert "--no-cache" in run("convert", "--help", env=env).stdout
