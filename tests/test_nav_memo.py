"""Material's navigation items rendered once per build and place (apiscribe.site.nav_memo):
the site is the same, byte for byte, with the memo as without it."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import material
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import DictLoader, Environment
from mkdocs.utils import get_relative_url, normalize_url
from mkdocs.utils.templates import url_filter

from apiscribe.pipeline import load
from apiscribe.site import build_site, nav_memo, write_mkdocs_config
from apiscribe.site.nav_memo import (
    CALLS,
    GLOBAL,
    KNOWN,
    NavLoader,
    NavMemo,
    page_folder,
    url_base,
)

from .test_large_spec import GITHUB
from .test_site_workers import same_tree

MATERIAL = Path(material.__file__).parent / "templates"


def installed_is_known() -> bool:
    return all(
        hashlib.sha256((MATERIAL / name).read_bytes()).hexdigest() in KNOWN for name in CALLS)


needs_known_material = pytest.mark.skipif(
    not installed_is_known(),
    reason=f"Material {material.__version__ if hasattr(material, '__version__') else ''}'s "
    "navigation templates are not the ones the memo was checked against (nav_memo.KNOWN)",
)

# Folders, pages and links that the navigation does not follow: sections that hold pages of
# several folders, a page beside its section's folder, pages deeper than their section, links
# relative, absolute and to other hosts, and sections with and without index pages.
DOCS = {
    "index.md": "# Home\n\nWelcome.\n",
    "guide/index.md": "# Guide\n\n## Start\n\nText.\n",
    "guide/install.md": "# Install\n\n## Steps\n\n## More\n",
    "guide/deep/config.md": "# Config\n\nText.\n",
    "guide/deep/more/options.md": "# Options\n\nText.\n",
    "api/index.md": "# API\n\nText.\n",
    "api/users/list.md": "# List users\n\n## Request\n\n## Response\n",
    "api/users/get.md": "# Get a user\n\n## Request\n",
    "api/users/index.md": "# Users\n\nText.\n",
    "api/teams.md": "# Teams\n\nText.\n",
    "api/teams/members.md": "# Members\n\nText.\n",
    "about.md": "# About\n\nText.\n",
    "misc/notes.v2.md": "# Notes\n\nText.\n",
}
NAV = [
    {"Home": "index.md"},
    {"Guide": ["guide/index.md", "guide/install.md",
               {"Deep": ["guide/deep/config.md", "guide/deep/more/options.md",
                         {"Elsewhere": "api/teams.md"}]}]},
    {"API": ["api/index.md",
             {"Users": ["api/users/index.md", "api/users/list.md", "api/users/get.md",
                        {"Up": "../about/"}]},
             {"Teams": ["api/teams/members.md", "about.md"]},
             {"Empty first": [{"Nested": ["misc/notes.v2.md"]}, {"Site": "/guide/"}]}]},
    {"Links": [{"Example": "https://example.com/docs/"}, {"Root": "/api/users/"}]},
]


def project(root: Path, features: list[str], directory_urls: bool,
            docs: dict[str, str] = DOCS, nav: list[Any] = NAV, hook: str = "") -> Path:
    for name, text in docs.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = yaml.safe_load(write_mkdocs_config(title="Navigation", api_docs=""))
    config["theme"]["features"] = features
    config["nav"] = nav
    config["use_directory_urls"] = directory_urls
    if hook:
        (root / "hook.py").write_text(hook, encoding="utf-8")
        config["hooks"] = ["hook.py"]
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


class Served:
    """Counts the memo's calls and renders in this process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self.memos: list[NavMemo] = []
        init, render = NavMemo.__init__, NavMemo.render

        def counting_init(memo: NavMemo) -> None:
            init(memo)
            self.memos.append(memo)

        def counting_render(memo: NavMemo, *arguments: Any) -> Any:
            self.calls += 1
            return render(memo, *arguments)

        monkeypatch.setattr(NavMemo, "__init__", counting_init)
        monkeypatch.setattr(NavMemo, "render", counting_render)

    @property
    def rendered(self) -> int:
        return sum(memo.rendered for memo in self.memos)


FEATURES = [
    ["navigation.indexes", "navigation.prune"],  # what apiscribe writes
    [],
    ["navigation.sections", "navigation.expand"],
    ["navigation.tabs", "navigation.sections", "navigation.indexes"],
    ["navigation.tabs", "navigation.prune", "toc.integrate"],
]


def with_and_without(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: Any,
                     **kwargs: Any) -> Served:
    """Build the project with the memo and without it; the two sites are the same."""
    served = Served(monkeypatch)
    build_site(project(tmp_path / "with", *args, **kwargs), strict=False)
    with monkeypatch.context() as patched:
        patched.setattr(NavMemo, "install", lambda memo, env: None)
        build_site(project(tmp_path / "without", *args, **kwargs), strict=False)
    assert same_tree(tmp_path / "with" / "site", tmp_path / "without" / "site")
    return served


@needs_known_material
@pytest.mark.parametrize("directory_urls", [True, False])
@pytest.mark.parametrize("features", FEATURES, ids=lambda f: "+".join(f) or "none")
def test_the_site_is_the_same_without_the_memo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, features: list[str], directory_urls: bool
) -> None:
    served = with_and_without(tmp_path, monkeypatch, features, directory_urls)
    assert served.calls > served.rendered > 0  # the memo served items


SMALL = {"index.md": "# Home\n", "x.md": "# X\n\n## Sub\n", "y.md": "# Y\n", "z.md": "# Z\n",
         "sub/p.md": "# P\n", "sub/x.md": "# X\n"}


@needs_known_material
@pytest.mark.parametrize("features", [[], ["navigation.prune"]], ids=["none", "prune"])
def test_a_page_listed_twice_is_shown_where_it_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, features: list[str]) -> None:
    # MkDocs makes one page of it, active where it was listed last: the other section holds
    # it though it is not active, and shows it as the page being written.
    nav = [{"Home": "index.md"}, {"A": ["x.md", "y.md"]}, {"B": ["x.md", "z.md"]}]
    served = with_and_without(tmp_path, monkeypatch, features, False, docs=SMALL, nav=nav)
    assert served.calls > served.rendered > 0


@needs_known_material
def test_a_link_with_a_backslash_is_read_as_mkdocs_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nav = ["index.md", {"S": ["sub/p.md", "sub/x.md"]}, "y.md", {"L": [{"Back": "sub\\x.html"}]}]
    served = with_and_without(tmp_path, monkeypatch, [], False, docs=SMALL, nav=nav)
    assert served.calls > served.rendered > 0


@needs_known_material
def test_a_hook_that_changes_pages_while_they_are_written_turns_the_memo_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hook = ("def on_page_context(context, page, config, nav):\n"
            "    page.meta['status'] = 'new'\n    return context\n")
    served = with_and_without(tmp_path, monkeypatch, [], False, docs=SMALL, hook=hook)
    assert served.calls == 0
    assert "md-status--new" in (tmp_path / "with" / "site" / "z.html").read_text("utf-8")


@needs_known_material
def test_an_api_sites_navigation_is_rendered_a_few_times_per_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The plugin's own pages: 60 pages of one section, each holding the same siblings.
    from .test_site_workers import project as worker_project

    served = Served(monkeypatch)
    build_site(worker_project(tmp_path / "with", workers=1))
    assert served.rendered * 10 < served.calls
    monkeypatch.setattr(NavMemo, "install", lambda memo, env: None)
    build_site(worker_project(tmp_path / "without", workers=1))
    assert same_tree(tmp_path / "with" / "site", tmp_path / "without" / "site")


def test_a_theme_override_of_the_navigation_is_rendered_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # nav-item.html alone: Material's nav.html calls the theme's macro, so neither is routed.
    served = Served(monkeypatch)
    config = project(tmp_path, ["navigation.prune"], True)
    overrides = tmp_path / "overrides" / "partials"
    overrides.mkdir(parents=True)
    item = (MATERIAL / "partials" / "nav-item.html").read_text(encoding="utf-8")
    (overrides / "nav-item.html").write_text(
        item.replace('<li class="{{ class }}">',
                     '<li class="{{ class }}" data-on="{{ page.title }}">'),
        encoding="utf-8")
    settings_ = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings_["theme"]["custom_dir"] = "overrides"
    config.write_text(yaml.safe_dump(settings_), encoding="utf-8")
    build_site(config, strict=False)
    assert served.calls == 0
    html = (tmp_path / "site" / "about" / "index.html").read_text("utf-8")
    assert re.findall(r'data-on="([^"]*)"', html) == ["About"] * html.count("data-on=")
    assert html.count('data-on="About"') > 3


def test_only_materials_known_templates_are_routed(tmp_path: Path) -> None:
    shipped = {name: (MATERIAL / name).read_text(encoding="utf-8") for name in CALLS}
    env = Environment(loader=DictLoader(shipped))
    env.filters["url"] = url_filter
    NavMemo().install(env)
    for name, (call, _) in CALLS.items():
        source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        assert call in source  # not Material's files: a DictLoader names no file
    assert isinstance(env.loader, NavLoader) and not env.loader.routed

    class Shipped(DictLoader):
        def get_source(self, environment: Environment, template: str) -> Any:
            source, _, uptodate = super().get_source(environment, template)
            return source, str(MATERIAL / template), uptodate

    item = "partials/nav-item.html"
    for texts, expected in ((shipped, installed_is_known()),
                            ({**shipped, item: shipped[item] + "\n"}, False),
                            ({item: shipped[item]}, False)):
        env = Environment(loader=Shipped(texts))
        env.filters["url"] = url_filter
        NavMemo().install(env)
        for name in texts:  # both routed, or neither
            call, routed = CALLS[name]
            source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
            assert (routed in source and call not in source) is expected


def test_another_url_filter_turns_the_memo_off() -> None:
    env = Environment(loader=DictLoader({}))
    env.filters["url"] = lambda value: value
    NavMemo().install(env)
    assert GLOBAL not in env.globals and not isinstance(env.loader, NavLoader)


class Item:
    """A navigation item as the memo sees it."""

    def __init__(self, url: str = "", children: list[Item] | None = None,
                 pages: list[Any] | None = None, active: bool = False) -> None:
        self.url, self.children, self.active = url, children, active
        if pages is not None:
            self.pages = pages


class Page:
    def __init__(self, url: str) -> None:
        self.url = url


def test_an_item_holding_a_list_of_pages_is_always_rendered() -> None:
    # Material's blog views list their posts; the macro renders such a view as the page
    # being written when the page is one of them.
    memo = NavMemo()
    view = Item("blog/", pages=[Page("blog/post/")])
    calls: list[Any] = []

    def render(*arguments: Any) -> str:
        calls.append(arguments)
        return "<li>blog</li>"

    for item in (view, Item(children=[Item("a/"), view])):
        for _ in range(2):
            memo.render({"page": Page("blog/post/")}, render, item, "__nav_1", 1)  # type: ignore
    assert len(calls) == 4 and memo.rendered == 0
    plain = Item("a/")
    for url in ("x/one/", "x/two/"):
        memo.render({"page": Page(url)}, render, plain, "__nav_1", 1)  # type: ignore
    assert len(calls) == 5 and memo.rendered == 1
    memo.render({"page": None}, render, plain, "__nav_1", 1)  # type: ignore
    assert len(calls) == 6


SEGMENT = st.sampled_from(["a", "b", "c", "d.html", "..", "."])
PATH = st.lists(SEGMENT, max_size=4).map("/".join)
URL = st.tuples(st.sampled_from(["", "/", "../", "../../"]), PATH,
                st.sampled_from(["", "/"])).map("".join)
PAGE_URL = st.tuples(PATH, st.sampled_from(["", "/"])).map("".join)


@settings(max_examples=400, deadline=None)
@given(links=st.lists(URL | st.sampled_from(["https://example.com/a/", "#x", "/a/b/"]),
                      min_size=1, max_size=4),
       first=PAGE_URL, second=PAGE_URL)
def test_pages_of_one_base_get_the_same_relative_urls(
    links: list[str], first: str, second: str) -> None:
    # What the memo's key stands for: two pages it gives the same base see every link of
    # the item at the same relative URL, as MkDocs' url filter makes it.
    prefixes = nav_memo.prefixes_of(links)
    if url_base(page_folder(first), prefixes) != url_base(page_folder(second), prefixes):
        return
    for link in links:
        assert normalize_url(link, page=Page(first)) == normalize_url(  # type: ignore[arg-type]
            link, page=Page(second))  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(url=PAGE_URL, link=PATH)
def test_the_page_folder_is_the_one_mkdocs_links_from(url: str, link: str) -> None:
    # A link to the folder itself climbs nothing; one to its parent climbs one step.
    folder = page_folder(url)
    assert get_relative_url("/".join(folder) + "/", url) == "./"
    if folder:
        assert get_relative_url("/".join(folder[:-1]) + "/x/", url) == "../x/"


@pytest.mark.slow
@needs_known_material
def test_githubs_site_is_the_same_without_the_memo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 1,272 pages in 47 sections, some split in subsections: the memo serves most items.
    if not GITHUB.is_file():
        pytest.skip(f"GitHub's REST description is not at {GITHUB} (.ci/run downloads it and "
                    "sets APISCRIBE_GITHUB_SPEC)")
    model, _ = load(str(GITHUB))
    assert model is not None
    served = Served(monkeypatch)
    sites = []
    for name in ("with", "without"):
        if name == "without":
            monkeypatch.setattr(NavMemo, "install", lambda memo, env: None)
        root = tmp_path / name
        root.mkdir()
        (root / "mkdocs.yml").write_text(
            write_mkdocs_config(title=model.title, api_docs=""), encoding="utf-8")
        build_site(root / "mkdocs.yml", site_dir=root / "site", model=model)
        sites.append(root / "site")
    assert served.rendered * 20 < served.calls
    assert same_tree(*sites)
