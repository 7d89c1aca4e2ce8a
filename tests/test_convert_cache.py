"""``convert --to markdown`` keeps each page's Markdown between runs (pipeline.render_markdown):
a run after an edit renders only the changed pages and writes what a run without the cache
writes, byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zlib
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


def kept_pages(pack: Path) -> dict[str, str]:
    pages: dict[str, str] = json.loads(zlib.decompress(pack.read_bytes()))["pages"]
    return pages


@pytest.mark.parametrize("damage", [
    b"", b"not zlib", zlib.compress(b"[1, 2]"), zlib.compress(b'{"salt": "x", "pages": {}}'),
    "other salt", "texts not strings",
])
def test_a_kept_file_that_cannot_be_used_renders_every_page_again(
    tmp_path: Path, rendered: list[str], damage: bytes | str
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    source = write(tmp_path / "spec.json", spec())
    first = convert(source, out, cache)
    [pack] = cache.rglob("*.zlib")
    assert len(kept_pages(pack)) == len(rendered) + 1  # and the schemas page
    if isinstance(damage, bytes):
        pack.write_bytes(damage)
    else:  # another apiscribe's pages, or pages that are not text
        data = json.loads(zlib.decompress(pack.read_bytes()))
        if damage == "other salt":
            data["salt"] = "an older apiscribe"
        else:
            data["pages"] = {key: [text] for key, text in data["pages"].items()}
        pack.write_bytes(zlib.compress(json.dumps(data).encode()))
    rendered.clear()
    assert convert(source, out, cache) == first and len(rendered) == 48
    assert len(kept_pages(pack)) == 49  # written again, whole


def test_the_kept_file_is_written_only_when_its_pages_change_and_holds_one_run(
    tmp_path: Path, rendered: list[str]
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    source = write(tmp_path / "spec.json", spec())
    convert(source, out, cache)
    [pack] = cache.rglob("*.zlib")
    os.utime(pack, (1, 1))
    convert(source, out, cache)
    assert pack.stat().st_mtime == 1  # nothing changed: not written
    before = kept_pages(pack)

    write(source, edit(spec(), "description", 3))
    convert(source, out, cache)
    after = kept_pages(pack)
    assert pack.stat().st_mtime > 1 and len(after) == len(before) == 49
    assert len(set(before) - set(after)) == 1  # the old page went with the edit
    assert not [p for p in pack.parent.iterdir() if p != pack]  # no temporary left


def test_a_cache_that_cannot_be_written_is_no_cache(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    source = write(tmp_path / "spec.json", spec())
    assert convert(source, tmp_path / "out", blocked / "cache") == convert(
        source, tmp_path / "plain", None)


def test_each_output_folder_keeps_its_own_pages(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    kept = {pipeline.markdown_cache(cache, tmp_path / name) for name in ("a", "b", "a/../a")}
    assert len(kept) == 2 and all(file.parent == cache / "markdown" for file in kept)


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
    [pack] = (tmp_path / "xdg" / "apiscribe" / "markdown").iterdir()
    assert len(kept_pages(pack)) == 49
    done = run("convert", str(source), "--to", "markdown", "-o", str(tmp_path / "c"),
               "--cache-dir", str(tmp_path / "mine"), env=env)
    assert done.returncode == 0, done.stderr
    [pack] = (tmp_path / "mine" / "markdown").iterdir()
    assert len(kept_pages(pack)) == 49
    assert tree(tmp_path / "a") == tree(tmp_path / "b") == tree(tmp_path / "c")
    assert "--no-cache" in run("convert", "--help", env=env).stdout


def test_markdown_runs_import_no_mkdocs(tmp_path: Path) -> None:
    # The keys of the kept pages and of the load memo are hashed outside apiscribe.site, so
    # that a run that builds no site does not pay for importing MkDocs and Material.
    source = write(tmp_path / "spec.json", spec())
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from apiscribe import pipeline\n"
        f"source, root = {str(source)!r}, Path({str(tmp_path)!r})\n"
        "for out in ('a', 'a', 'b'):\n"
        "    outcome = pipeline.convert(source, 'markdown', root / out, cache_dir=root / 'cache')\n"
        "    assert not outcome.diagnostics, outcome.diagnostics\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'mkdocs', 'material'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert list((tmp_path / "cache" / "load").iterdir())  # the memo and the pack were used
    assert len(list((tmp_path / "cache" / "markdown").iterdir())) == 2
