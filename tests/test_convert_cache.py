"""``convert --to markdown`` keeps each page's Markdown between runs (MarkdownPack.render):
a run after an edit renders only the changed pages and writes what a run without the cache
writes, byte for byte; the last scan for credentials reads only pages it has not found clean
before (MarkdownPack.scan)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apiscribe import pipeline, redact
from apiscribe.markdown_pack import MAGIC, MarkdownPack
from apiscribe.views import markdown

from .hostile.test_secrets import _jsondoc
from .test_page_cache import edit, recorded, spec, write


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the endpoint pages rendered from their context, in order."""
    return recorded(monkeypatch, markdown, "endpoint_page", lambda model, ep, **_: ep.name)


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


@pytest.mark.parametrize(("kind", "seed"), [
    ("description", 3), ("summary", 3), ("summary", 11), ("operation", 4), ("schema", 2),
])
def test_section_and_home_pages_are_rendered_again_only_when_their_context_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, seed: int
) -> None:
    # A section page and the home page are functions of their small contexts alone
    # (RenderMemo.known_page): kept under a key of the context, rendered when it changes.
    cache, out = tmp_path / "cache", tmp_path / "out"
    source = write(tmp_path / "spec.json", spec())
    convert(source, out, cache)
    before = markdown.build_pages(pipeline.load(str(source))[0])
    write(source, edit(spec(), kind, seed))
    after = markdown.build_pages(pipeline.load(str(source))[0])
    renders = recorded(monkeypatch, markdown, "render_page", type)
    contexts = recorded(monkeypatch, markdown.RenderMemo, "known_page",
                        lambda memo, path, page: path)
    warm = convert(source, out, cache)
    changed = sorted(path for path, page in after.items()
                     if isinstance(page, markdown.SectionPage | markdown.HomePage)
                     and before.get(path) != page)
    assert sorted(contexts) == sorted(path for path, page in after.items() if isinstance(
        page, markdown.SectionPage | markdown.HomePage))
    assert renders.count(markdown.SectionPage) + renders.count(markdown.HomePage) == len(
        changed)
    assert (kind in ("description", "schema")) is (changed == [])
    assert warm == convert(source, tmp_path / "plain", None)


def header(pack: Path) -> tuple[dict[str, Any], bytes]:
    """The pack file's header line, and the pages after it."""
    data = pack.read_bytes()
    assert data.startswith(MAGIC)
    line, _, pages = data[len(MAGIC):].partition(b"\n")
    found: dict[str, Any] = json.loads(line)
    return found, pages


def kept_pages(pack: Path) -> dict[str, tuple[str, bool]]:
    """``{key: (text, scanned clean)}`` of a pack file, read as its layout says."""
    found, data = header(pack)
    pages, start = {}, 0
    for key, length, clean in found["pages"]:
        pages[key] = (data[start:start + length].decode("utf-8"), clean)
        start += length
    assert start == len(data)
    return pages


def rewritten(pack: Path, change: Callable[[dict[str, Any]], object]) -> None:
    """The pack file with its header changed by ``change``."""
    found, pages = header(pack)
    change(found)
    pack.write_bytes(MAGIC + json.dumps(found).encode() + b"\n" + pages)


@pytest.mark.parametrize("damage", [
    b"", b"not a pack", MAGIC, MAGIC + b"[1, 2]\n", MAGIC + b'{"salt": "x"\n',
    "other salt", "no pages", "entries not lists", "a negative length", "a length too long",
    "a page cut short", "a page not UTF-8",
])
def test_a_kept_file_that_cannot_be_used_renders_every_page_again(
    tmp_path: Path, rendered: list[str], damage: bytes | str
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    source = write(tmp_path / "spec.json", spec())
    first = convert(source, out, cache)
    [pack] = cache.rglob("*.pack")
    assert len(kept_pages(pack)) == len(first)  # every page, each endpoint's among them
    entries = header(pack)[0]["pages"]
    if isinstance(damage, bytes):
        pack.write_bytes(damage)
    elif damage == "other salt":  # another apiscribe's pages
        rewritten(pack, lambda found: found.update(salt="an older apiscribe"))
    elif damage == "no pages":
        rewritten(pack, lambda found: found.pop("pages"))
    elif damage == "entries not lists":
        rewritten(pack, lambda found: found.update(pages={e[0]: e[1] for e in entries}))
    elif damage in ("a negative length", "a length too long"):
        entries[0][1] = -1 if damage == "a negative length" else entries[0][1] + 1
        rewritten(pack, lambda found: found.update(pages=entries))
    elif damage == "a page cut short":
        pack.write_bytes(pack.read_bytes()[:-1])
    else:  # every page is one key's text: bytes that are not UTF-8 are not that text
        data = bytearray(pack.read_bytes())
        data[len(data) - entries[-1][1]:] = b"\xff" * entries[-1][1]
        pack.write_bytes(bytes(data))
    rendered.clear()
    assert convert(source, out, cache) == first
    # every page, or (its bytes cut) the one page whose text cannot be read
    assert len(rendered) == (1 if damage == "a page not UTF-8" else 48)
    kept = kept_pages(pack)  # written again, whole, and scanned again
    assert len(kept) == len(first) and all(clean for _, clean in kept.values())


def test_the_kept_file_is_written_only_when_its_pages_change_and_holds_one_run(
    tmp_path: Path, rendered: list[str]
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    source = write(tmp_path / "spec.json", spec())
    convert(source, out, cache)
    [pack] = cache.rglob("*.pack")
    os.utime(pack, (1, 1))
    convert(source, out, cache)
    assert pack.stat().st_mtime == 1  # nothing changed: not written
    before = kept_pages(pack)

    write(source, edit(spec(), "description", 3))
    convert(source, out, cache)
    after = kept_pages(pack)
    assert pack.stat().st_mtime > 1 and len(after) == len(before) == len(tree(out))
    assert len(set(before) - set(after)) == 1  # the old page went with the edit
    assert not [p for p in pack.parent.iterdir() if p.name.startswith(".")]  # no temporary


def test_a_cache_that_cannot_be_written_is_no_cache(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    source = write(tmp_path / "spec.json", spec())
    assert convert(source, tmp_path / "out", blocked / "cache") == convert(
        source, tmp_path / "plain", None)


def test_each_output_folder_keeps_its_own_pages(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    kept = {MarkdownPack.of(cache, tmp_path / name).path for name in ("a", "b", "a/../a")}
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
    [pack] = (tmp_path / "xdg" / "apiscribe" / "markdown").glob("*.pack")
    assert len(kept_pages(pack)) == len(tree(tmp_path / "b"))
    done = run("convert", str(source), "--to", "markdown", "-o", str(tmp_path / "c"),
               "--cache-dir", str(tmp_path / "mine"), env=env)
    assert done.returncode == 0, done.stderr
    [pack] = (tmp_path / "mine" / "markdown").glob("*.pack")
    assert len(kept_pages(pack)) == len(tree(tmp_path / "c"))
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
    assert len(list((tmp_path / "cache" / "markdown").glob("*.pack"))) == 2


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages the last scan for credentials reads, in order."""
    return recorded(monkeypatch, redact, "scan_page", lambda path, *_, **__: path)


def test_the_last_scan_reads_only_the_pages_it_has_not_found_clean(
    tmp_path: Path, scanned: list[str]
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    source = write(tmp_path / "spec.json", spec())
    convert(source, out, cache)
    [pack] = cache.rglob("*.pack")
    kept = kept_pages(pack)
    assert len(kept) == len(tree(out)) and all(clean for _, clean in kept.values())
    everything, scanned[:] = list(scanned), []
    assert len(everything) == len(kept)  # every page: the endpoints', sections' and home

    convert(source, out, cache)  # nothing changed: none is read again
    assert scanned == []

    write(source, edit(spec(), "description", 3))
    convert(source, out, cache)
    [changed] = scanned  # the page the edit changed
    assert changed.endswith(".md") and changed in everything


def test_a_page_with_a_credential_is_scanned_and_refused_on_every_run(
    tmp_path: Path, scanned: list[str]
) -> None:
    folder = tmp_path / "docs" / "things"
    folder.mkdir(parents=True)
    signed = ("POST /api/0/things/ HTTP/1.1\nHost: api.example.com\n"
              "X-Acme-Signature: 9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a")
    (folder / "create-thing.md").write_text(_jsondoc(signed, "HTTP/1.1 201 CREATED"))
    (folder / "delete-thing.md").write_text(_jsondoc("DELETE /api/0/things/1/ HTTP/1.1",
                                                     "HTTP/1.1 204 NO CONTENT").replace(
        '"POST"', '"DELETE"').replace("Create a Thing", "Delete a Thing"))
    cache, out = tmp_path / "cache", tmp_path / "out"
    for _ in range(2):
        outcome = pipeline.convert(str(tmp_path / "docs"), "markdown", out, cache_dir=cache)
        assert [(d.code, d.file) for d in outcome.diagnostics] == [
            ("possible-secret", f"{out}/things/create-thing.md")]
        assert not out.exists()
        assert "things/create-thing.md" in scanned
        scanned.clear()
    [pack] = cache.rglob("*.pack")
    verdicts = sorted(clean for _, clean in kept_pages(pack).values())
    # the refused page, and the others: the other endpoint's, the section's and the home page
    assert verdicts == [False, True, True, True]


@pytest.mark.parametrize("how", [
    "", "cut short", "other salt", "not marshal", "not signed so", "another owner",
    "a symbolic link", "a FIFO",
])
def test_the_templates_are_compiled_once_and_kept_for_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    # Each run is a new process: a new Jinja environment, which loads the templates that the
    # last run compiled (CompiledTemplates), from a file of its user's only.
    import jinja2

    compiled = recorded(monkeypatch, jinja2.Environment, "_compile",
                        lambda env, source, filename: Path(filename).name)
    cache, out = tmp_path / "cache", tmp_path / "out"
    source = write(tmp_path / "spec.json", spec())
    markdown.environment.cache_clear()
    convert(source, out, cache)
    assert "endpoint.md.j2" in compiled and "macros.md.j2" in compiled
    code = cache / "markdown" / "templates.code"
    assert code.stat().st_mode & 0o777 == 0o600
    data, uid = code.read_bytes(), os.getuid()
    if how == "cut short":
        code.write_bytes(data[:-10])
    elif how == "other salt":
        code.write_bytes(data.replace(b'"salt":"', b'"salt":"0', 1))
    elif how == "not signed so":  # another key's, or altered since
        code.write_bytes(data.replace(b'"mac":"', b'"mac":"0', 1))
    elif how == "not marshal":
        code.write_bytes(data[:data.index(b"\n", len(b"apiscribe")) + 1] + b"not marshal")
    elif how == "another owner":
        monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    elif how == "a symbolic link":  # to a file that would do, but is not the one kept
        elsewhere = code.with_name("elsewhere")
        elsewhere.write_bytes(data)
        code.unlink()
        code.symlink_to(elsewhere)
    elif how == "a FIFO":  # opened without waiting for a writer
        code.unlink()
        os.mkfifo(code)
    for edited in (3, 6):  # a file that cannot be used: compiled again, and kept again
        write(source, edit(spec(), "description", edited))
        markdown.environment.cache_clear()
        compiled.clear()
        warm = convert(source, out, cache)
        assert compiled == ([] if how == "" or edited == 6 else ["endpoint.md.j2", "macros.md.j2"])
        monkeypatch.setattr(os, "getuid", lambda: uid)
        assert warm == convert(source, tmp_path / f"plain{edited}", None)
    assert code.is_file() and not code.is_symlink()
