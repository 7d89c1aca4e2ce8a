"""Pages rendered in forked workers during ``mkdocs build`` (apiscribe.site.workers)."""

from __future__ import annotations

import filecmp
import json
import logging
import multiprocessing
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from mkdocs.structure.pages import Page

from apiscribe.diagnostics import ApiscribeError
from apiscribe.forking import Claims
from apiscribe.model import ApiModel, Endpoint, Parameter, Section
from apiscribe.model.types import schema_of
from apiscribe.site import build_site, write_mkdocs_config
from apiscribe.site import workers as site_workers
from apiscribe.site.search import SearchFilter
from apiscribe.views import jsondocs as jsondocs_view
from apiscribe.writer import write_tree

PAGES = 60


def config_text(workers: int) -> str:
    """The mkdocs.yml apiscribe writes, for pages already in docs_dir, with ``workers``."""
    text = write_mkdocs_config(title="Workers", api_docs="")
    return text.replace("      api_docs: ''\n", f"      api_docs: ''\n      workers: {workers}\n")


def page(number: int) -> str:
    """A page with what rendering sets on a page: a title from its heading, a table of
    contents, code, and links (with anchors) to the pages around it."""
    after = (number + 1) % PAGES
    return (
        f"# Operation {number}\n\n"
        f"Calls [the next one](page-{after:02d}.md#request) and [its own](#response).\n\n"
        "## Request\n\n"
        "| Name | Type |\n| --- | --- |\n"
        f"| `id_{number}` | integer |\n\n"
        '=== "curl"\n\n'
        f"    ```bash\n    curl https://api.example.com/items/{number}\n    ```\n\n"
        "## Response\n\n"
        f'```json\n{{\n  "id": {number},\n  "name": "item {number}"\n}}\n```\n'
    )


# Pages whose title is not in their source (the home page's, the file name's), and code that
# looks like the attributes Material's search plugin strips from pages it indexed.
ODD_PAGES = {
    "index.md": "Welcome, with no heading.\n",
    "no-title.md": "Text, and no heading.\n",
    "zz-code.md": (
        "# Code\n\n```\n<div data-search-exclude=\"yes\">x</div>\n```\n\n"
        '    <span data-search-foo="bar">y</span>\n'
    ),
}
#: Text that CPython stores at 2 and 4 bytes a character (apiscribe.site.workers.PageState).
UNICODE_PAGE = {
    "zz-unicode.md": "# Caf\u00e9 \U0001f600\n\nNa\u00efve r\u00e9sum\u00e9 \u2014 \U0001f680.\n"}


def project(root: Path, *, workers: int, pages: dict[str, str] | None = None) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    for number in range(PAGES):
        (docs / f"page-{number:02d}.md").write_text(page(number), encoding="utf-8")
    for name, text in ODD_PAGES.items():
        (docs / name).write_text(text, encoding="utf-8")
    for name, text in (pages or {}).items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config_text(workers), encoding="utf-8")
    return config


def same_tree(left: Path, right: Path) -> bool:
    names = sorted(p.relative_to(left) for p in left.rglob("*") if p.is_file())
    if names != sorted(p.relative_to(right) for p in right.rglob("*") if p.is_file()):
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, [str(n) for n in names], shallow=False)
    return not mismatch and not errors


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="mkdocs.plugins.apiscribe")
    return caplog


def worker_messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the plugin logged, but for the page cache's figures (see test_page_cache.py) and
    the count of pages each worker rendered (:func:`rendered_by_workers`)."""
    return [
        r.getMessage() for r in caplog.records
        if r.name.startswith("mkdocs.plugins.apiscribe") and "page cache" not in r.getMessage()
        and not RENDERED.fullmatch(r.getMessage()) and not FOLLOWED.fullmatch(r.getMessage())
    ]


RENDERED = re.compile(r"apiscribe: a worker rendered (\d+) pages")
FOLLOWED = re.compile(r"apiscribe: the follow-up job: (\d+) pages here, (\d+) in a worker")


def followed_up(caplog: pytest.LogCaptureFixture) -> list[tuple[int, int]]:
    """The pages of the follow-up job (the search index) done in the build process and in
    the worker, for each build."""
    return [(int(m[1]), int(m[2])) for r in caplog.records
            if (m := FOLLOWED.fullmatch(r.getMessage()))]


def rendered_by_workers(caplog: pytest.LogCaptureFixture) -> list[int]:
    """How many pages each worker rendered, as the plugin logged it."""
    return [int(m[1]) for r in caplog.records if (m := RENDERED.fullmatch(r.getMessage()))]


@pytest.fixture
def workers_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build process starts on its pages once the workers have taken half of them from
    the back. Which process renders a page is otherwise decided by who gets there first
    (apiscribe.forking.Claims), and a test about a worker's page must know it is one."""
    claim = Claims.from_front

    def from_front(self: Claims, index: int) -> int | None:
        count = len(self._owners)
        deadline = time.monotonic() + 60
        while self._ends[1] > count - count // 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        return claim(self, index)

    monkeypatch.setattr(Claims, "from_front", from_front)


@pytest.mark.parametrize("batch", [site_workers.BATCH, 4])
def test_workers_build_the_same_site(
    tmp_path: Path, debug_log: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
    batch: int, workers_first: None
) -> None:
    # With 4 pages a message, every pipe carries many batches (the forks inherit the setting).
    monkeypatch.setattr(site_workers, "BATCH", batch)
    build_site(project(tmp_path / "one", workers=1, pages=UNICODE_PAGE))
    assert worker_messages(debug_log) == [
        "apiscribe: every page is rendered in the build process: "
        "one process is configured (or the machine has one CPU)"
    ]
    debug_log.clear()
    build_site(project(tmp_path / "three", workers=3, pages=UNICODE_PAGE))
    assert worker_messages(debug_log) == [
        "apiscribe: 2 worker(s) share 64 pages with the build",
        "apiscribe: a worker builds the search index",
    ]
    assert 32 <= sum(rendered_by_workers(debug_log)) <= 64
    assert same_tree(tmp_path / "one" / "site", tmp_path / "three" / "site")
    index = json.loads((tmp_path / "three/site/search/search_index.json").read_text("utf-8"))
    titles = {d["location"]: d["title"] for d in index["docs"]}
    assert (titles[""], titles["no-title/"]) == ("Home", "No title")
    # Titles, tables of contents and search entries came back from the workers.
    last = (tmp_path / "three" / "site" / "page-59" / "index.html").read_text("utf-8")
    assert "<title>Operation 59 - Workers</title>" in last
    assert 'href="#response"' in last and 'href="../page-00/#request"' in last


def test_workers_render_the_plugins_own_pages(
    tmp_path: Path, debug_log: pytest.LogCaptureFixture, workers_first: None
) -> None:
    # JSON docs rendered by the plugin on each build (generated files, not docs_dir ones).
    endpoints = tuple(
        Endpoint(
            name=f"get-item-{number}", section="items", method="GET",
            api_path=f"/api/items/{number}/", title=f"Retrieve item {number}",
            description=f"Item number {number}.",
            parameters=(Parameter("item_id", "path", "the item.", required=True,
                                  schema=schema_of("int"), type_name="int"),),
            sidebar_order=number,
        )
        for number in range(PAGES)
    )
    model = ApiModel(title="Items", sections=(Section("items", "Items", endpoints),))
    sites = []
    for workers in (1, 2):
        root = tmp_path / str(workers)
        write_tree(root / "api-docs" / "endpoints", jsondocs_view.render(model))
        config = root / "mkdocs.yml"
        config.write_text(
            write_mkdocs_config(title="Items").replace(
                "      api_docs: api-docs/endpoints\n",
                f"      api_docs: api-docs/endpoints\n      workers: {workers}\n",
            ),
            encoding="utf-8",
        )
        build_site(config)
        sites.append(root / "site")
    assert "apiscribe: 1 worker(s) share 62 pages with the build" in worker_messages(debug_log)
    assert 31 <= sum(rendered_by_workers(debug_log)) <= 62
    assert same_tree(*sites)
    assert "Item number 59." in (sites[1] / "items/get-item-59/index.html").read_text("utf-8")


def test_a_workers_warning_fails_a_strict_build(
    tmp_path: Path, debug_log: pytest.LogCaptureFixture, workers_first: None
) -> None:
    # The last page is a worker's; its broken link is reported by the build all the same.
    broken = {f"page-{PAGES - 1:02d}.md": "# Broken\n\nSee [nothing](nowhere.md).\n"}
    config = project(tmp_path, workers=2, pages=broken)
    with pytest.raises(ApiscribeError) as caught:
        build_site(config)
    assert worker_messages(debug_log) == [
        "apiscribe: 1 worker(s) share 63 pages with the build",
        "apiscribe: a worker builds the search index",
    ]
    assert 31 <= sum(rendered_by_workers(debug_log)) <= 63
    warning = "Doc file 'page-59.md' contains a link 'nowhere.md', but the target is not found"
    assert str(caught.value).count(warning) == 1
    assert caught.value.hint == "strict mode fails on any warning"


def test_a_dead_worker_leaves_its_pages_to_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_site(project(tmp_path / "one", workers=1))

    def die(*args: object) -> None:
        os._exit(3)

    monkeypatch.setattr(site_workers, "_work", die)  # the fork inherits it
    build_site(project(tmp_path / "two", workers=2))
    assert same_tree(tmp_path / "one" / "site", tmp_path / "two" / "site")


def test_a_search_index_the_worker_did_not_send_is_built_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_log: pytest.LogCaptureFixture
) -> None:
    build_site(project(tmp_path / "one", workers=1))
    build_process, index_pages = os.getpid(), SearchFilter.entries

    def index_or_die(
        self: SearchFilter, search: Any, pages: list[Page]
    ) -> list[dict[str, Any]]:
        if os.getpid() != build_process:  # the worker, once it has the pages
            os._exit(3)
        return index_pages(self, search, pages)

    monkeypatch.setattr(SearchFilter, "entries", index_or_die)
    build_site(project(tmp_path / "two", workers=2))
    assert worker_messages(debug_log)[-1] == "apiscribe: a worker builds the search index"
    assert followed_up(debug_log) == [(63, 0)]
    assert same_tree(tmp_path / "one" / "site", tmp_path / "two" / "site")


def test_the_build_shares_the_search_index_with_a_slow_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_log: pytest.LogCaptureFixture
) -> None:
    # Once MkDocs has written the pages, the build process indexes pages from the smallest
    # up while the worker goes on from the largest down; each page is indexed once. It reads
    # them as they were before Material's search plugin took their data-search attributes
    # out (it does so for every page it is shown, though a worker builds the index).
    excluded = {"aa-exclude.md": '# Small\n\n<div data-search-exclude="yes">\nSecret\n</div>\n'}
    build_site(project(tmp_path / "one", workers=1, pages=excluded))
    build_process, index_pages = os.getpid(), SearchFilter.entries
    indexed: list[tuple[int, str]] = []

    def slow_index(self: SearchFilter, search: Any, pages: list[Page]) -> list[Any]:
        if os.getpid() != build_process:
            time.sleep(0.5)
        else:
            indexed.extend((len(page.content or ""), page.file.src_uri) for page in pages)
        return index_pages(self, search, pages)

    monkeypatch.setattr(SearchFilter, "entries", slow_index)
    build_site(project(tmp_path / "two", workers=2, pages=excluded))
    ((here, there),) = followed_up(debug_log)
    assert here + there == 64 and here > there
    assert "aa-exclude.md" in {uri for _, uri in indexed}
    index = (tmp_path / "two" / "site" / "search" / "search_index.json").read_text("utf-8")
    assert "Small" in index and "Secret" not in index
    assert len(indexed) == len({uri for _, uri in indexed}) == here
    assert [size for size, _ in indexed] == sorted(size for size, _ in indexed)
    assert same_tree(tmp_path / "one" / "site", tmp_path / "two" / "site")


def test_other_plugins_see_the_whole_page_in_on_page_context(
    tmp_path: Path, debug_log: pytest.LogCaptureFixture, workers_first: None
) -> None:
    # A hook that reads and changes pages in on_page_context: it sees the code blocks the
    # search index leaves out, its change stays, and the index is built in the build process.
    hook = tmp_path / "hook.py"
    hook.write_text(
        "def on_page_context(context, page, config, nav):\n"
        "    if page.file.src_uri == 'page-59.md':\n"
        "        assert page.content.count('<pre') == 2\n"
        "    page.content += '<p>Banner</p>'\n"
        "    return context\n",
        encoding="utf-8",
    )
    sites = []
    for workers in (1, 2):
        config = project(tmp_path / str(workers), workers=workers)
        with config.open("a", encoding="utf-8") as handle:
            handle.write(f"hooks:\n  - {hook}\n")
        build_site(config)
        sites.append(tmp_path / str(workers) / "site")
    assert worker_messages(debug_log)[-1] == "apiscribe: 1 worker(s) share 63 pages with the build"
    assert same_tree(*sites)
    assert "<p>Banner</p>" in (sites[1] / "page-59" / "index.html").read_text("utf-8")


def test_workers_end_when_the_build_is_killed(tmp_path: Path) -> None:
    config = project(tmp_path, workers=2, pages={
        f"more-{n:03d}.md": page(n).replace(f"page-{(n + 1) % PAGES:02d}.md", "index.md")
        for n in range(400)
    })
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, stderr=subprocess.DEVNULL,
    )
    children = Path(f"/proc/{build.pid}/task/{build.pid}/children")
    workers: list[str] = []
    deadline = time.monotonic() + 60
    while not workers and build.poll() is None and time.monotonic() < deadline:
        workers = children.read_text().split() if children.exists() else []
        time.sleep(0.05)
    assert workers, "the build started no worker"
    build.send_signal(signal.SIGTERM)  # no atexit, no cleanup: only the pipes tell them
    build.wait()
    deadline = time.monotonic() + 60
    while any(Path(f"/proc/{pid}").exists() for pid in workers):
        assert time.monotonic() < deadline, f"workers {workers} outlived the build"
        time.sleep(0.1)


def test_no_workers_beside_other_page_handlers(
    tmp_path: Path, debug_log: pytest.LogCaptureFixture
) -> None:
    config = project(tmp_path, workers=2)
    hook = tmp_path / "hook.py"
    hook.write_text(
        "def on_page_markdown(markdown, page, config, files):\n    return markdown\n",
        encoding="utf-8",
    )
    with config.open("a", encoding="utf-8") as handle:
        handle.write(f"hooks:\n  - {hook}\n")
    build_site(config)
    (message,) = worker_messages(debug_log)
    assert message.startswith(
        "apiscribe: every page is rendered in the build process: other plugins"
    )


def test_no_workers_for_small_sites(tmp_path: Path, debug_log: pytest.LogCaptureFixture) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(config_text(2), encoding="utf-8")
    build_site(config)
    assert worker_messages(debug_log) == [
        "apiscribe: every page is rendered in the build process: "
        f"fewer than {site_workers.MIN_PAGES} pages to render"
    ]


def test_worker_count() -> None:
    assert site_workers.worker_count(1) == 0
    assert site_workers.worker_count(3) == 2
    assert site_workers.worker_count(100) == site_workers.MAX_WORKERS
    assert 0 <= site_workers.worker_count(0) <= site_workers.MAX_WORKERS


@pytest.mark.parametrize("count", [0, 1, site_workers.BATCH, 2 * site_workers.BATCH + 1])
def test_batches_arrive_whole_and_in_order(count: int) -> None:
    here, there = multiprocessing.Pipe()
    sent: list[Any] = []
    real_send = there.send

    def send(message: Any) -> None:
        sent.append(message)
        real_send(message)

    there.send = send  # type: ignore[method-assign]
    items = [{"page": n, "text": "x" * n} for n in range(count)]
    site_workers.send_batches(there, iter(items))
    assert list(site_workers.receive_batches(here)) == items
    assert [len(m) for m in sent[:-1]] == [
        min(site_workers.BATCH, count - start) for start in range(0, count, site_workers.BATCH)]
    assert sent[-1] == []


def test_page_state_leaves_no_utf8_copy_in_the_pages_text(tmp_path: Path) -> None:
    # Pickling a non-ASCII str makes CPython keep its UTF-8 beside it for as long as it lives:
    # the follow-up job's pages are sent as UTF-8 the build encodes itself.
    text = "<p>Caf\u00e9 \U0001f600</p>" * 1000 + "\ud800"  # a lone surrogate too
    pickled = "<p>Caf\u00e9 \U0001f600</p>" * 1000
    before = sys.getsizeof(pickled)
    pickle.dumps(pickled)
    assert sys.getsizeof(pickled) > before  # what the test guards against
    config = project(tmp_path, workers=1)
    from mkdocs.config import load_config
    from mkdocs.structure.files import File

    loaded = load_config(str(config))
    page = Page(None, File("a.md", str(tmp_path / "docs"), str(tmp_path / "site"), False),
                loaded)
    page.markdown, page.content, page._title_from_render = text, text, "Caf\u00e9"
    empty = Page(None, File("b.md", str(tmp_path / "docs"), str(tmp_path / "site"), False),
                 loaded)
    sizes = sys.getsizeof(page.content)
    here, there = multiprocessing.Pipe()
    site_workers.send_states(there, [page, empty])
    assert sys.getsizeof(page.content) == sizes
    received = list(site_workers.receive_states(here))
    assert [(state.src_uri, markdown, content) for state, markdown, content in received] == [
        ("a.md", text, text), ("b.md", None, None)]
    other = Page(None, File("a.md", str(tmp_path / "docs"), str(tmp_path / "site"), False),
                 loaded)
    received[0][0].put_in_place(other, *received[0][1:])
    assert (other.markdown, other.content, other.title) == (text, text, "Caf\u00e9")


def test_page_states_of_several_batches_come_back_whole(tmp_path: Path) -> None:
    from mkdocs.config import load_config
    from mkdocs.structure.files import File

    loaded = load_config(str(project(tmp_path, workers=1)))
    pages = []
    for number in range(2 * site_workers.BATCH + 5):
        page = Page(None, File(f"p{number}.md", str(tmp_path / "docs"),
                               str(tmp_path / "site"), False), loaded)
        if number % 3:
            page.markdown, page.content = f"# P{number}\n" * 50, f"<p>{number}</p>" * 50
        page._title_from_render = f"P{number}"
        pages.append(page)
    here, there = multiprocessing.Pipe()
    sender = threading.Thread(target=site_workers.send_states, args=(there, pages))
    sender.start()
    received = list(site_workers.receive_states(here))
    sender.join()
    assert [(state.src_uri, state.title, markdown, content)
            for state, markdown, content in received] == [
        (page.file.src_uri, page._title_from_render, page.markdown, page.content)
        for page in pages]


def test_page_states_carry_their_html_apart(tmp_path: Path) -> None:
    # Each page's Markdown and HTML are messages of their own, never pickled with the states:
    # the build holds one text's UTF-8 at a time, not a pickle of a batch's texts.
    from mkdocs.config import load_config
    from mkdocs.structure.files import File

    loaded = load_config(str(project(tmp_path, workers=1)))
    pages = []
    for number in range(site_workers.BATCH + 3):
        page = Page(None, File(f"p{number}.md", str(tmp_path / "docs"),
                               str(tmp_path / "site"), False), loaded)
        page.markdown, page.content = f"{number}\n" * 100, f"<p>{number}</p>" * 100
        pages.append(page)

    class Recording:
        def __init__(self) -> None:
            self.messages: list[tuple[str, Any]] = []

        def send(self, item: Any) -> None:
            self.messages.append(("pickled", pickle.dumps(item)))

        def send_bytes(self, data: bytes) -> None:
            self.messages.append(("bytes", data))

    connection = Recording()
    site_workers.send_states(connection, pages)  # type: ignore[arg-type]
    pickled = [data for kind, data in connection.messages if kind == "pickled"]
    raw = [data for kind, data in connection.messages if kind == "bytes"]
    assert raw == [text.encode() for page in pages for text in (page.markdown, page.content)
                   if text is not None]
    assert len(pickled) == 3 and not any(b"<p>0</p>" in data for data in pickled)


def test_a_slow_worker_leaves_more_pages_to_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_log: pytest.LogCaptureFixture
) -> None:
    # Pages are shared as the build goes, not split in even runs up front: a worker that
    # renders slowly takes fewer pages, and the site is the same.
    build_site(project(tmp_path / "one", workers=1))
    build_process, render = os.getpid(), Page.render

    def slow_render(self: Page, *args: Any, **kwargs: Any) -> None:
        if os.getpid() != build_process:
            time.sleep(1)
        render(self, *args, **kwargs)

    monkeypatch.setattr(Page, "render", slow_render)  # the fork inherits it
    build_site(project(tmp_path / "two", workers=2))
    (rendered,) = rendered_by_workers(debug_log)
    assert 0 <= rendered < 63 // 4  # an even split gave it 31
    assert same_tree(tmp_path / "one" / "site", tmp_path / "two" / "site")


def test_a_follower_that_took_no_page_still_builds_the_search_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_log: pytest.LogCaptureFixture
) -> None:
    build_site(project(tmp_path / "one", workers=1))
    monkeypatch.setattr(Claims, "from_back", lambda self, fork: None)  # no page for a worker
    build_site(project(tmp_path / "two", workers=2))
    assert rendered_by_workers(debug_log) == [0]
    assert worker_messages(debug_log)[-1] == "apiscribe: a worker builds the search index"
    assert same_tree(tmp_path / "one" / "site", tmp_path / "two" / "site")
