"""Material's search parser with its checks made on tag counts (apiscribe.site.search's
LeanParser): the same sections, and so the same search index, from any HTML."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import markdown as python_markdown
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser

from apiscribe.site import build_site, search
from apiscribe.site.search import LeanParser

from .test_convert_specs import needs_corpus
from .test_large_spec import GITHUB
from .test_lean_markdown import EXTENSIONS, SETTINGS, SPECS, pages_of
from .test_site_workers import project, same_tree

needs_known_material = pytest.mark.skipif(
    not search.lean(),
    reason="Material's search parser is not the one LeanParser was checked against "
    "(search.KNOWN_SEARCH)",
)


def sections(parser_type: type[Any], html: str) -> list[tuple[Any, ...]]:
    parser = parser_type()
    parser.feed(html)
    parser.close()
    return [(s.el.tag, s.el.attrs, s.depth, s.id, s.title, s.text, s.is_excluded())
            for s in parser.data]


def same_sections(html: str) -> bool:
    return sections(Parser, html) == sections(LeanParser, html)


def page_html(text: str) -> str:
    return python_markdown.Markdown(extensions=EXTENSIONS, extension_configs=SETTINGS).convert(
        text)


@needs_known_material
@needs_corpus
@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_every_corpus_page_gives_the_same_sections(spec: Path) -> None:
    pages = {path: page_html(text) for path, text in pages_of(spec).items()}
    assert [path for path, html in pages.items() if not same_sections(html)] == []
    assert [path for path, html in pages.items()
            if not same_sections(search._CODE_BLOCK.sub("", html))] == []


@pytest.mark.slow
@needs_known_material
def test_every_page_of_githubs_description_gives_the_same_sections() -> None:
    if not GITHUB.is_file():
        pytest.skip(f"GitHub's REST description is not at {GITHUB} (.ci/run downloads it and "
                    "sets APISCRIBE_GITHUB_SPEC)")
    pages = pages_of(GITHUB)
    assert len(pages) > 1200
    different = [path for path, text in pages.items() if not same_sections(page_html(text))]
    assert different == []


#: Pieces of HTML that Material's parser acts on, or nearly does.
_PIECES = st.sampled_from([
    "text", " ", "\n", "  \n ", "a\nb", "&amp;", "&lt;x&gt;", "<", ">", "\u00e9",
    "<h1>", "</h1>", '<h1 id="top">', '<h2 id="a">', "</h2>", '<h3 id="b">', "</h3>", "<h4>",
    '<h6 id="c" data-search-exclude>', "</h6>", '<a class="headerlink" href="#a">', "</a>",
    '<a href="x">', "<div>", "</div>", '<div data-search-exclude>', '<div class="linenodiv">',
    '<span class="linenodiv">', "<span>", "</span>", "<p>", "</p>", "<pre>", "</pre>",
    "<code>", "</code>", "<ul>", "</ul>", "<ol>", "</ol>", "<li>", "</li>", "<sub>", "</sub>",
    "<sup>", "</sup>", "<br>", "<br/>", "<img src=x>", "<hr>", "<input type=checkbox>",
    "<script>var a = '<p>';</script>", "<style>p {}</style>", "<object>", "</object>",
    "<table>", "</table>", "<tr>", "<td>", "</td>", "</tr>", "<!-- note -->", "<details>",
    "</details>", "<summary>", "</summary>", '<p data-search-exclude="">', "<P>", "</P>",
])
_DOCUMENTS = st.lists(_PIECES, max_size=50).map("".join)


@needs_known_material
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENTS)
@example('<h2 id="a"><a href="x">link</a> text<a class="headerlink" href="#a">¶</a></h2>')
@example('<div data-search-exclude><div>x</div>y</div>z<pre>a\n b</pre>  \n')
@example('<div><div data-search-exclude>x</div>y</div><script>var a;</script>z')
def test_any_html_gives_the_same_sections(html: str) -> None:
    assert same_sections(html)


@needs_known_material
def test_the_site_and_its_search_index_are_the_same_with_materials_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In the build process (one process) and in the worker that shares the index with it.
    parsers = tmp_path / "parsers.txt"  # the processes that parsed a page, one line a page
    feed = LeanParser.feed

    def counted(parser: LeanParser, data: str) -> None:
        with parsers.open("a", encoding="utf-8") as found:
            found.write(f"{os.getpid()}\n")
        feed(parser, data)

    monkeypatch.setattr(LeanParser, "feed", counted)  # the worker, a fork, inherits it
    build_site(project(tmp_path / "one", workers=1))
    assert parsers.read_text("utf-8").split() == [str(os.getpid())] * 63
    parsers.unlink()
    build_site(project(tmp_path / "two", workers=2))
    processes = parsers.read_text("utf-8").split()
    assert len(processes) == 63 and set(processes) - {str(os.getpid())}  # a worker's too
    monkeypatch.setattr(search, "lean", lambda: False)
    build_site(project(tmp_path / "material", workers=1))
    index = json.loads((tmp_path / "material/site/search/search_index.json").read_text("utf-8"))
    assert len(index["docs"]) > 63
    assert same_tree(tmp_path / "one" / "site", tmp_path / "material" / "site")
    assert same_tree(tmp_path / "two" / "site", tmp_path / "material" / "site")


def test_an_index_of_another_kind_keeps_its_own_entries() -> None:
    class Other(search._SearchIndex):  # type: ignore[misc,name-defined]
        def add_entry_from_context(self, page: Any) -> None:
            self.entries.append({"location": "other"})

    index = Other()
    adder = search.entry_adder(index)
    adder(None)
    assert index.entries == [{"location": "other"}]


def test_an_index_whose_own_adder_was_replaced_keeps_it() -> None:
    index = search._SearchIndex()
    index.add_entry_from_context = lambda page: index.entries.append({"location": "hook"})
    search.entry_adder(index)(None)
    assert index.entries == [{"location": "hook"}]
