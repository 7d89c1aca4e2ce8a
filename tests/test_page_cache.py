"""The page cache (apiscribe.site.page_cache): a rebuild after a change gives the site a cold
build gives, byte for byte, while converting and rendering only what changed."""

from __future__ import annotations

import copy
import gc
import json
import logging
import random
import re
import shutil
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from apiscribe import pipeline, redact
from apiscribe.diagnostics import ApiscribeError
from apiscribe.site import build_site, write_mkdocs_config
from apiscribe.site import plugin as plugin_module
from apiscribe.site.cache_store import FILES_PER_PAGE, KEEP, KEEP_AFTER_PRUNE, MAGIC, PageCache
from apiscribe.site.page_cache import CACHE_DIR
from apiscribe.site.plugin import ApiscribePlugin
from apiscribe.views import markdown

from .serving import mkdocs_serve, wait_for
from .test_site_workers import same_tree

SECTIONS = ("pets", "stores", "users")
#: Enough operations that page workers start (apiscribe.site.workers.MIN_PAGES).
PER_SECTION = 16


def operation(section: str, number: int, method: str) -> dict[str, Any]:
    item = {"$ref": "#/components/schemas/Item"}
    found: dict[str, Any] = {
        "tags": [section],
        "operationId": f"{method}-{section}-{number}",
        "summary": f"{method.title()} {section} item {number}",
        "description": f"Works on item {number} of the {section}.\n\nSee [the home](../index.md).",
        "parameters": [{"name": "item_id", "in": "path", "required": True,
                        "schema": {"type": "integer"}, "example": number}],
        "responses": {"200": {"description": "The item.", "content": {"application/json": {
            "schema": item, "example": {"id": number, "name": f"item {number}",
                                        "owner": {"login": "ada"}}}}}},
    }
    if method == "post":
        found["requestBody"] = {"content": {"application/json": {
            "schema": item, "example": {"id": number, "name": "new"}}}}
    return found


def spec() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for section in SECTIONS:
        for number in range(PER_SECTION // 2):
            paths[f"/{section}/items{number}/{{item_id}}"] = {
                method: operation(section, number, method) for method in ("get", "post")}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Cached API", "version": "1.0"},
        "tags": [{"name": s, "description": f"The {s}."} for s in SECTIONS],
        "paths": paths,
        "components": {"schemas": {
            "Owner": {"type": "object", "properties": {"login": {"type": "string"}}},
            "Item": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"},
                "owner": {"$ref": "#/components/schemas/Owner"}}},
        }},
    }


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for item in document["paths"].values() for op in item.values()]


def edit(document: dict[str, Any], kind: str, seed: int) -> dict[str, Any]:
    """``document`` with one random change of ``kind``."""
    changed = copy.deepcopy(document)
    chosen = random.Random(seed).choice(operations(changed))
    if kind == "description":  # one page's body
        chosen["description"] = f"Changed ({seed}). " + chosen["description"]
    elif kind == "summary":  # one page's title: the navigation of every page
        chosen["summary"] = f"Renamed {seed}"
    elif kind == "parameter":  # one page's tables and samples
        chosen["parameters"].append({"name": "verbose", "in": "query",
                                     "schema": {"type": "boolean"}})
    elif kind == "schema":  # a shared schema: every page that shows it
        changed["components"]["schemas"]["Owner"]["properties"]["email"] = {"type": "string"}
    elif kind == "operation":  # a new page: every page's files and navigation
        changed["paths"][f"/pets/extra{seed}/{{item_id}}"] = {
            "get": operation("pets", 100 + seed, "get")}
    return changed


def convert(source: Path, out: Path, caplog: pytest.LogCaptureFixture) -> dict[str, int]:
    """``apiscribe convert SOURCE --to site -o OUT``, and the page cache's figures."""
    caplog.clear()
    outcome = pipeline.convert(str(source), "site", out)
    assert not [d for d in outcome.diagnostics if d.level == "error"], outcome.diagnostics
    figures = {"restored": 0, "rendered": 0, "api": 0}
    for record in caplog.records:
        message = record.getMessage()
        if found := re.search(r"page cache gave (\d+) converted pages; (\d+) pages were rendered",
                              message):
            figures["restored"], figures["rendered"] = map(int, found.groups())
        if found := re.search(r"page cache has \d+ of (\d+) API pages", message):
            figures["api"] = int(found.group(1))
    return figures


@pytest.fixture
def cache_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.apiscribe")
    return caplog


def recorded(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str,
             said: Callable[..., str]) -> list[str]:
    """What ``said`` gives of each call of ``owner.name`` from now on, in order (the call
    goes on as before)."""
    calls: list[str] = []
    original: Callable[..., Any] = getattr(owner, name)

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append(said(*args, **kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    return calls


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("kind", "seed"), [
    ("description", 1), ("description", 7), ("summary", 3), ("parameter", 5), ("schema", 2),
    ("operation", 4),
])
def test_a_rebuild_after_a_change_gives_the_cold_site(
    tmp_path: Path, cache_log: pytest.LogCaptureFixture, kind: str, seed: int
) -> None:
    source = write(tmp_path / "spec.json", spec())
    warm = tmp_path / "warm"
    cold = convert(source, warm, cache_log)
    assert cold["restored"] == 0 and cold["rendered"] == cold["api"] > PER_SECTION * 3
    assert (warm / "project" / CACHE_DIR).is_dir()

    write(source, edit(spec(), kind, seed))
    again = convert(source, warm, cache_log)
    convert(source, tmp_path / "cold", cache_log)
    assert same_tree(warm / "site", tmp_path / "cold" / "site")

    # What the cache saved: nothing was lost, only the changed pages were converted again.
    pages = again["api"]
    if kind in ("description", "parameter"):
        assert again["rendered"] == 1 and again["restored"] == pages - 1
    elif kind == "summary":  # every page's navigation; the Markdown of the page and its section
        assert again["rendered"] == pages and again["restored"] == pages - 2
    elif kind == "schema":  # the pages that show Owner, and the schemas page
        assert 0 < again["rendered"] < pages and again["restored"] == pages - again["rendered"]
    else:  # a new file: every link may resolve differently
        assert again["restored"] == 0 and again["rendered"] == pages

    # Nothing changed: the build stamp keeps the site, which is still the cold build's.
    convert(source, warm, cache_log)
    assert same_tree(warm / "site", tmp_path / "cold" / "site")


def project(root: Path, pages: dict[str, str], *, extra: str = "") -> Path:
    """A MkDocs project whose docs_dir holds API pages (``api_docs: ""``)."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(write_mkdocs_config(title="Cached", api_docs="") + extra, encoding="utf-8")
    return config


def test_a_page_restored_from_the_cache_warns_as_it_did(
    tmp_path: Path, cache_log: pytest.LogCaptureFixture
) -> None:
    config = project(tmp_path, {"index.md": "# Home\n", "a.md": "# A\n\n[gone](gone.md)\n",
                                "b.md": "# B\n"})
    build_site(config, strict=False)
    assert any("gone.md" in r.getMessage() for r in cache_log.records)
    cache_log.clear()
    (tmp_path / "docs" / "b.md").write_text("# B again\n", encoding="utf-8")
    with pytest.raises(ApiscribeError, match=r"gone\.md"):
        build_site(config, strict=True)
    assert any("page cache gave 2 converted pages" in r.getMessage() for r in cache_log.records)


def test_a_broken_cache_entry_is_built_again(
    tmp_path: Path, cache_log: pytest.LogCaptureFixture
) -> None:
    source = write(tmp_path / "spec.json", spec())
    convert(source, tmp_path / "out", cache_log)
    edited = random.Random(11).choice(operations(spec()))["summary"]  # as edit() chooses
    stored = sorted((tmp_path / "out/project" / CACHE_DIR).glob("??/*.page"))
    entries = [path for path in stored  # the edited page's entry is not one of those broken
               if json.loads(zlib.decompress(path.read_bytes()).split(b"\n")[1])["title"]
               != edited]
    assert len(entries) == len(stored) - 1
    entries[0].write_bytes(b"not zlib")
    entries[1].write_bytes(zlib.compress(b'{"content": 1}'))  # the layout before
    entries[2].write_bytes(zlib.compress(MAGIC + b'{"src_uri": 1}\n<p>'))
    entries[3].write_bytes(zlib.compress(MAGIC + b'{"src_uri": "a.md"'))
    for entry, damage in ((entries[4], b""), (entries[5], zlib.compress(b'{"key": "x"}'))):
        (html,) = (tmp_path / "out/project" / CACHE_DIR).glob(f"??/{entry.stem}.html")
        html.write_bytes(damage)
    write(source, edit(spec(), "description", 11))
    figures = convert(source, tmp_path / "out", cache_log)
    assert figures["restored"] == figures["api"] - 5
    convert(source, tmp_path / "cold", cache_log)
    assert same_tree(tmp_path / "out" / "site", tmp_path / "cold" / "site")


def test_other_page_plugins_turn_the_cache_off(
    tmp_path: Path, cache_log: pytest.LogCaptureFixture
) -> None:
    hook = tmp_path / "hooks.py"
    hook.write_text("def on_page_markdown(markdown, page, config, files):\n"
                    "    return markdown + '\\n\\nFooter.\\n'\n", encoding="utf-8")
    config = project(tmp_path, {"index.md": "# Home\n"}, extra="hooks:\n  - hooks.py\n")
    build_site(config)
    messages = [r.getMessage() for r in cache_log.records]
    assert any("the page cache is off: other plugins handle page or template events (hooks.py)"
               in m for m in messages), messages
    assert not (tmp_path / CACHE_DIR).exists()
    assert "Footer." in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_the_cache_can_be_turned_off(tmp_path: Path) -> None:
    config = project(tmp_path, {"index.md": "# Home\n"})
    config.write_text(config.read_text("utf-8").replace(
        "      api_docs: ''\n", "      api_docs: ''\n      cache: false\n"), encoding="utf-8")
    build_site(config)
    assert (tmp_path / "site" / "index.html").is_file()
    assert not (tmp_path / ".cache").exists()


def test_the_cache_stays_bounded(tmp_path: Path, cache_log: pytest.LogCaptureFixture) -> None:
    source = write(tmp_path / "spec.json", spec())
    out = tmp_path / "out"
    convert(source, out, cache_log)
    for seed in range(4):  # a new file each time: every page is converted again
        write(source, edit(spec(), "operation", seed))
        pages = convert(source, out, cache_log)["api"]
    stored = list((out / "project" / CACHE_DIR).glob("??/*.*"))
    # Over the limit, the cache was pruned to less, so that the next builds need not prune.
    assert len(stored) <= FILES_PER_PAGE * KEEP_AFTER_PRUNE * pages < FILES_PER_PAGE * KEEP * pages


def test_mkdocs_serve_uses_the_cache(tmp_path: Path, cache_log: pytest.LogCaptureFixture) -> None:
    # The project `convert --to site` writes; its build left the cache where serve finds it.
    source = write(tmp_path / "spec.json", spec())
    convert(source, tmp_path / "out", cache_log)
    chosen = operations(spec())[5]
    page = f"{chosen['tags'][0]}/{chosen['operationId']}/"  # pets/post-pets-2/
    log = tmp_path / "serve.log"
    with mkdocs_serve(tmp_path / "out" / "project", log) as url:
        assert wait_for(url + page, "Works on item", 120), "mkdocs serve never served"
        changed = spec()
        operations(changed)[5]["description"] = "Served anew."
        write(source, changed)
        assert wait_for(url + page, "Served anew.", 120), "the edit never reached the page"
    said = log.read_text(encoding="utf-8", errors="replace")
    figures = [tuple(map(int, found)) for found in re.findall(
        r"page cache gave (\d+) converted pages; (\d+) pages were rendered", said)]
    pages = spec_pages(tmp_path / "out" / "site")
    # The first build converts nothing (the convert's cache), the theme renders every page
    # (the served site's URL differs); after the edit, one page is converted and rendered.
    assert figures[0] == (pages, pages), figures
    assert figures[-1] == (pages - 1, 1), figures
    # The rebuild read again only the edited path item (its two operations) of the spec.
    reused = re.findall(r"(\d+) operations are the last build's, as read", said)
    assert reused == [str(len(operations(spec())) - 2)], said


def test_the_rebuilds_of_one_process_keep_the_conversions_they_read_or_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_log: pytest.LogCaptureFixture
) -> None:
    # As `mkdocs serve` rebuilds (the configuration loaded again, the plugin kept): a page
    # whose conversion the last build read or made is not read from the cache's files again,
    # it warns as its conversion did, and each site is the one a cold `mkdocs build` makes.
    read = recorded(monkeypatch, PageCache, "read_page", lambda self, key: key)
    first = spec()
    operations(first)[0]["description"] += "\n\nSee [a page](gone.md)."
    builds = [("serve", first), ("serve", edit(first, "description", 1)),
              ("serve", edit(first, "schema", 2)), ("build", edit(first, "description", 3)),
              ("serve", edit(first, "description", 4))]
    served = tmp_path / "served"
    (served / "docs").mkdir(parents=True)
    (served / "mkdocs.yml").write_text(write_mkdocs_config(
        title="Served", api_docs="spec.json", site_dir="site"), encoding="utf-8")
    reads, kept, warned = [], [], []
    for number, (command, document) in enumerate(builds):
        write(served / "spec.json", document)
        config = load_config(str(served / "mkdocs.yml"))
        if number == 0:  # MkDocs keeps the plugin across this process's earlier builds too
            config.plugins["apiscribe"]._conversions = {}
        config.plugins.on_startup(command=command, dirty=False)
        read.clear()
        cache_log.clear()
        try:
            mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
        finally:
            config.plugins.on_shutdown()
        reads.append(len(read))
        kept.append(len(config.plugins["apiscribe"]._conversions))
        warned.append(sum("'gone.md'" in r.getMessage() for r in cache_log.records
                          if r.levelno == logging.WARNING))
        cold = tmp_path / f"cold-{number}"
        (cold / "docs").mkdir(parents=True)
        shutil.copy(served / "mkdocs.yml", cold)
        write(cold / "spec.json", document)
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                        str(cold / "mkdocs.yml")], check=True, capture_output=True)
        assert same_tree(served / "site", cold / "site"), f"build {number} ({command})"
    pages = kept[0]
    assert pages > PER_SECTION * 3  # every API page: the endpoints, sections and home
    # Build 2 reads one file: the page edited in build 1, as it was before, which build 1
    # neither read nor made (the pages that show the edited schema are converted again). A
    # plain build reads its pages from the files (all but the edited one) and keeps nothing,
    # so the next serve build reads them from the files too.
    assert reads == [0, 0, 1, pages - 1, pages - 1]
    assert kept == [pages, pages, pages, 0, pages]
    assert warned == [1] * len(builds)


def test_a_serve_build_leaves_its_garbage_to_a_collection_while_the_server_idles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The full collection that a later build would make (a second or so on a large API) is
    # made once `mkdocs serve` has idled for a moment; a build that starts before cancels it,
    # and a plain build, which ends the process, leaves none.
    collections: list[str] = []
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(
        threading.current_thread().name) or 0)
    monkeypatch.setattr(plugin_module, "IDLE_COLLECTION", 2.0)
    write(tmp_path / "spec.json", spec())
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(write_mkdocs_config(
        title="Served", api_docs="spec.json", site_dir="site"), encoding="utf-8")
    scheduled = []
    for command in ("build", "serve", "serve"):
        config = load_config(str(tmp_path / "mkdocs.yml"))
        plugin = config.plugins["apiscribe"]
        if command == "build":  # MkDocs keeps the plugin across this process's builds
            plugin._collection = None
        config.plugins.on_startup(command=command, dirty=False)
        try:
            mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
        finally:
            config.plugins.on_shutdown()
        scheduled.append(plugin._collection)
    first, second = scheduled[1:]
    assert scheduled[0] is None and first is not None and second is not None
    # cancelled by the next build, its thread gone (a thread left running stops forks)
    assert first.finished.is_set() and not first.is_alive() and not collections
    second.join(10)
    assert collections == ["apiscribe-idle-collection"]


def spec_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("index.html"))


@pytest.mark.parametrize(("kind", "reused"), [
    ("description", "all but one"), ("parameter", "all but one"), ("summary", "all but one"),
    ("schema", "none"), ("operation", "all"),
])
def test_the_markdown_memo_renders_only_changed_endpoints(
    tmp_path: Path, kind: str, reused: str
) -> None:
    # What the plugin keeps across the rebuilds of `mkdocs serve` (views.markdown.RenderMemo):
    # the endpoint pages, and the schemas page while the named schemas stay the same.
    first, _ = pipeline.load(str(write(tmp_path / "a.json", spec())))
    second, _ = pipeline.load(str(write(tmp_path / "b.json", edit(spec(), kind, 6))))
    assert first is not None and second is not None
    memo = markdown.RenderMemo()
    assert markdown.render(first, memo) == markdown.render(first) and memo.reused == 0
    assert markdown.render(second, memo) == markdown.render(second)
    assert first.schemas and markdown.SCHEMAS_PAGE in markdown.render(first)
    # the section pages and the home page, where what they list is the same
    listing = sum(1 for path, page in markdown.build_pages(second).items()
                  if isinstance(page, markdown.SectionPage | markdown.HomePage)
                  and markdown.build_pages(first).get(path) == page)
    kept = len(first.endpoints) + 1  # and the schemas page
    assert memo.reused - listing == {"all but one": kept - 1, "none": 0, "all": kept}[reused]


def test_a_quiet_build_does_not_hide_warnings_from_the_next(
    tmp_path: Path, cache_log: pytest.LogCaptureFixture
) -> None:
    # A build that logs no warnings (`mkdocs build -q`) keeps no warning to replay: its
    # pages are not the ones a strict build restores.
    config = project(tmp_path, {"index.md": "# Home\n", "a.md": "# A\n\n[gone](gone.md)\n"})
    mkdocs_logger = logging.getLogger("mkdocs")
    level = mkdocs_logger.level
    mkdocs_logger.setLevel(logging.ERROR)
    try:
        build_site(config, strict=False)
    finally:
        mkdocs_logger.setLevel(level)
    with pytest.raises(ApiscribeError, match=r"gone\.md"):
        build_site(config, strict=True)


def test_a_page_meta_shown_in_the_navigation_renders_every_page_again(
    tmp_path: Path, cache_log: pytest.LogCaptureFixture
) -> None:
    pages = {"index.md": "# Home\n", "a.md": "# A\n", "b.md": "# B\n"}
    warm = project(tmp_path / "warm", pages)
    build_site(warm)
    changed = {**pages, "b.md": "---\nsubtitle: Shown in the navigation\n---\n\n# B\n"}
    project(tmp_path / "warm", changed)
    build_site(warm)
    build_site(project(tmp_path / "cold", changed))
    assert "Shown in the navigation" in (tmp_path / "cold/site/a/index.html").read_text("utf-8")
    assert same_tree(tmp_path / "warm" / "site", tmp_path / "cold" / "site")


def test_the_rebuilds_of_one_process_scan_only_the_markdown_not_found_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # As `mkdocs serve` rebuilds: the configuration loaded again, the plugin kept. The last
    # scan for credentials reads a page's Markdown once; a page it refuses, on every build.
    scanned = recorded(monkeypatch, redact, "scan_page", lambda path, *_, **__: path)
    source = write(tmp_path / "spec.json", spec())
    config_file = tmp_path / "mkdocs.yml"
    (tmp_path / "docs").mkdir()
    config_file.write_text(write_mkdocs_config(title="Served", api_docs="spec.json",
                                               site_dir="site"), encoding="utf-8")
    secret = "X-Acme-Signature: 9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a"
    changed = spec()
    chosen = operations(changed)[5]
    chosen["description"] = "Served anew."
    leaking = copy.deepcopy(changed)
    operations(leaking)[5]["description"] = f"Send it so:\n\n    {secret}\n"
    found: list[set[str]] = []
    for number, document in enumerate((spec(), spec(), changed, leaking, leaking, changed)):
        write(source, document)
        config = load_config(str(config_file))
        if number == 0:  # MkDocs keeps the plugin across this process's earlier builds too
            config.plugins["apiscribe"]._scanned = set()
        config.plugins.on_startup(command="serve", dirty=False)
        scanned.clear()
        caplog.clear()
        try:
            if document is leaking:
                with pytest.raises(Abort):
                    mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
                assert "the pages would publish a credential" in caplog.text
            else:
                mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
        finally:
            config.plugins.on_shutdown()
        found.append(set(scanned))
    everything = found[0]
    page = f"{chosen['tags'][0]}/{chosen['operationId']}.md"
    others = found[1]  # the pages the memo does not keep: the home and section pages
    assert page in everything and page not in others and len(others) < len(everything) - 40
    assert found[2] == others | {page}  # the edited page, once
    assert found[3] == found[4] == others | {page}  # refused, and so read again
    assert found[5] == others | {page}  # read again: the last scan of it found a credential


def test_a_page_written_from_the_cache_is_not_read_for_the_search_index(
    tmp_path: Path, cache_log: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Material's search reads the HTML of every page in `on_page_context`; a page whose output
    # and search entries the cache holds shows it none, and has its HTML back once written.
    from material.plugins.search.plugin import SearchPlugin

    seen: dict[str, int] = {}
    after: dict[str, int] = {}
    original = SearchPlugin.on_page_context
    written = ApiscribePlugin.on_post_page

    def reading(self: Any, context: Any, *, page: Any, **kwargs: Any) -> Any:
        seen[page.file.src_uri] = len(page.content or "")
        return original(self, context, page=page, **kwargs)

    def post_page(self: Any, output: str, *, page: Any, **kwargs: Any) -> Any:
        found = written(self, output, page=page, **kwargs)
        after[page.file.src_uri] = len(page.content or "")
        return found

    monkeypatch.setattr(SearchPlugin, "on_page_context", reading)
    monkeypatch.setattr(ApiscribePlugin, "on_post_page", post_page)
    source = write(tmp_path / "spec.json", spec())
    convert(source, tmp_path / "out", cache_log)
    assert seen and all(seen.values())
    cold = dict(after)
    write(source, edit(spec(), "description", 4))
    seen.clear()
    figures = convert(source, tmp_path / "out", cache_log)
    read = [uri for uri, size in seen.items() if size]
    assert figures["rendered"] == 1 and len(read) == len(seen) - figures["api"] + 1
    assert all(after[uri] for uri in seen) and after.keys() == cold.keys()
    convert(source, tmp_path / "cold", cache_log)  # and the site is the one a cold build makes
    assert same_tree(tmp_path / "out" / "site", tmp_path / "cold" / "site")
