"""A code block met before is highlighted once, with its Pygments formatter made once, and a
table met before is made once (apiscribe.site.lean_markdown's memos): the HTML is the same,
byte for byte."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import markdown as python_markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pygments.formatters.html import HtmlFormatter
from pymdownx import highlight as pymdownx_highlight

from apiscribe.site import build_site, html_memo, lean_markdown
from apiscribe.site.plugin import LEAN_MARKDOWN

from .test_convert_specs import needs_corpus
from .test_large_spec import GITHUB
from .test_lean_markdown import EXTENSIONS, SETTINGS, SPECS, pages_of
from .test_site_workers import project, same_tree

needs_checked_highlight = pytest.mark.skipif(
    hashlib.sha256(Path(pymdownx_highlight.__file__).read_bytes()).hexdigest()
    != html_memo.KNOWN_HIGHLIGHT,
    reason="pymdownx.highlight is not the one the code memo was checked against "
    "(html_memo.KNOWN_HIGHLIGHT): the memo stays off",
)
CHECKED_HIGHLIGHT = not needs_checked_highlight.args[0]


@pytest.fixture(autouse=True)
def empty_memo() -> Iterator[None]:
    html_memo.forget()
    yield
    html_memo.forget()


def convert(text: str, configs: dict[str, Any] | None = None) -> str:
    md = python_markdown.Markdown(extensions=[*EXTENSIONS, LEAN_MARKDOWN],
                                  extension_configs=configs or SETTINGS)
    html = md.convert(text)
    return html + "\n" + json.dumps(getattr(md, "toc_tokens", []))


def without_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_memo, "memo_highlighter", lambda: None)
    monkeypatch.setattr(lean_markdown._MemoTables, "_known", lambda memo: None)


def convert_all(texts: list[str], configs: dict[str, Any] | None = None) -> list[str]:
    return [convert(text, configs) for text in texts]


def hits() -> int:
    return html_memo.CODE.hits


def table_hits() -> int:
    return html_memo.TABLES.hits


@needs_corpus
def test_every_corpus_page_is_highlighted_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [text for spec in SPECS for text in pages_of(spec).values()]
    before, tables_before = hits(), table_hits()
    with_memo = convert_all(texts)
    assert hits() - before > 100 or not CHECKED_HIGHLIGHT  # the pages repeat code blocks
    assert table_hits() - tables_before > 100  # and tables
    without_memo(monkeypatch)
    assert convert_all(texts) == with_memo


@pytest.mark.slow
def test_every_page_of_githubs_description_is_highlighted_the_same(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    if not GITHUB.is_file():
        pytest.skip(f"GitHub's REST description is not at {GITHUB} (.ci/run downloads it and "
                    "sets APISCRIBE_GITHUB_SPEC)")
    texts = list(pages_of(GITHUB).values())
    before, tables_before = hits(), table_hits()
    with_memo = convert_all(texts)
    assert hits() - before > 3000 or not CHECKED_HIGHLIGHT  # 3,173 of 10,706 blocks repeat
    assert table_hits() - tables_before > 4000
    without_memo(monkeypatch)
    assert convert_all(texts) == with_memo


#: Fenced blocks: their languages, options and code, few enough to be met again.
_BLOCKS = st.builds(
    lambda fence, options, code: f"{fence}{options}\n{code}\n{fence}\n",
    st.sampled_from(["```", "~~~"]),
    st.sampled_from([
        "json", "python", "bash", "http", "text", "", "nosuchlanguage", "python hl_lines=\"1\"",
        "python linenums=\"2\"", "python linenums=\"1 2 2\"", "json title=\"body.json\"",
        "{ .python #code-id }", "{ .json .extra data-x=\"1\" }", "{ .python title=\"<b>x</b>\" }",
        "python title=\"<b>x</b>\" title_mode=\"html\"",
        "python hl_lines=\"1 2\" linenums=\"1\" title=\"a.py\"", "php-inline",
    ]),
    st.sampled_from([
        '{\n  "message": "string"\n}', "print('x')\nprint('y')", "curl -X GET https://e.com",
        "HTTP/1.1 204 No Content", "<b>&amp;</b>", "", "a\n\n\nb", "\t\tindented\ttabs",
    ]),
)
_HIGHLIGHT = st.fixed_dictionaries({}, optional={
    "linenums": st.booleans(),
    "linenums_style": st.sampled_from(["table", "inline", "pymdownx-inline"]),
    "line_spans": st.sampled_from(["", "__span"]),
    "anchor_linenums": st.booleans(),
    "auto_title": st.booleans(),
    "auto_title_map": st.sampled_from([{}, {"Python": "The code"},
                                       {"JSON": {"title": "<i>JSON</i>", "mode": "html"}}]),
    "pygments_lang_class": st.booleans(),
    "code_attr_on_pre": st.booleans(),
    "use_pygments": st.booleans(),
    "noclasses": st.booleans(),
    "line_anchors": st.sampled_from(["", "__line"]),
    "linenums_special": st.sampled_from([-1, 2]),
    "extend_pygments_lang": st.sampled_from([[], [{"name": "php-inline", "lang": "php",
                                                   "options": {"startinline": True}}]]),
    "default_lang": st.sampled_from(["", "python"]),
    "stripnl": st.booleans(),
    "css_class": st.sampled_from(["highlight", "code"]),
    "pygments_style": st.sampled_from(["default", "monokai"]),
    "guess_lang": st.booleans(),
})


@needs_checked_highlight
@settings(max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_BLOCKS, min_size=1, max_size=6).map("\n".join), min_size=1,
                max_size=3), st.lists(_HIGHLIGHT, min_size=1, max_size=2))
def test_any_blocks_under_any_settings_are_highlighted_the_same(
    documents: list[str], highlights: list[dict[str, Any]]
) -> None:
    # Each document under each setting, twice, so that blocks are met again, and under
    # settings that differ in between: the memo must never give one setting's HTML to another.
    configs = [{**SETTINGS, "pymdownx.highlight": options} for options in highlights]
    runs = [(text, config) for _ in range(2) for config in configs for text in documents]
    with_memo = [convert(text, config) for text, config in runs]
    with pytest.MonkeyPatch.context() as patch:
        without_memo(patch)
        assert [convert(text, config) for text, config in runs] == with_memo


@needs_checked_highlight
def test_a_title_in_html_is_stashed_on_every_page_and_never_kept() -> None:
    text = "```python title=\"<b>main.py</b>\" title_mode=\"html\"\nprint('x')\n```\n"
    first, second = convert(text), convert(text)
    assert first == second and "<b>main.py</b>" in first
    assert html_memo.CODE.held == {}


@needs_checked_highlight
def test_line_ids_follow_each_blocks_place(monkeypatch: pytest.MonkeyPatch) -> None:
    # With line spans, a block's ids carry its number on the page: the same code twice on a
    # page is two different pieces of HTML.
    configs = {**SETTINGS, "pymdownx.highlight": {"line_spans": "__span"}}
    text = "```python\nprint('x')\n```\n\n```python\nprint('x')\n```\n"
    html = convert(text, configs)
    assert "__span-0-1" in html and "__span-1-1" in html
    without_memo(monkeypatch)
    assert convert(text, configs) == html


@needs_checked_highlight
def test_a_pygments_formatter_is_made_once_for_the_same_options(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []
    create = HtmlFormatter._create_stylesheet

    def counted(formatter: HtmlFormatter) -> None:
        made.append(formatter)
        create(formatter)

    monkeypatch.setattr(HtmlFormatter, "_create_stylesheet", counted)
    text = "\n".join(f"```python\nprint({number})\n```\n" for number in range(5))
    html = convert(text)
    made_with_memo = len(made)
    made.clear()
    without_memo(monkeypatch)
    assert convert(text) == html
    assert made_with_memo <= 1 and len(made) == 5  # none when an earlier test made it


def test_it_steps_aside_when_pymdownx_highlight_is_not_the_one_checked(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "```json\n{}\n```\n\n```json\n{}\n```\n"
    monkeypatch.setattr(html_memo, "KNOWN_HIGHLIGHT", "0" * 64)
    html_memo.memo_highlighter.cache_clear()
    try:
        assert html_memo.memo_highlighter() is None
        before = hits()
        html = convert(text)
        assert hits() == before and html_memo.CODE.held == {}
    finally:
        monkeypatch.undo()
        html_memo.memo_highlighter.cache_clear()
    assert convert(text) == html


def test_it_steps_aside_for_another_highlighter() -> None:
    class Own(python_markdown.extensions.Extension):
        pygments_code_block = -1  # superfences counts blocks on its highlighter's extension

        def extendMarkdown(self, md: python_markdown.Markdown) -> None:
            md.registerExtension(self)

        def get_pymdownx_highlight_settings(self) -> dict[str, Any]:
            settings: dict[str, Any] = pymdownx_highlight.HighlightExtension().getConfigs()
            return settings

        def get_pymdownx_highlighter(self) -> type:
            class Shouting(pymdownx_highlight.Highlight):  # type: ignore[misc]
                def highlight(self, src: str, *args: Any, **kwargs: Any) -> Any:
                    return super().highlight(src.upper(), *args, **kwargs)
            return Shouting

    md = python_markdown.Markdown(extensions=[Own(), *EXTENSIONS, LEAN_MARKDOWN],
                                  extension_configs=SETTINGS)
    html = md.convert("```text\nquiet\n```\n")
    assert "QUIET" in html and html_memo.CODE.held == {}


def test_the_memo_keeps_the_most_recently_used_within_its_capacity() -> None:
    memo = html_memo.HtmlMemo(capacity=80)
    assert memo.get(("a",), lambda: "a" * 10) == "a" * 10
    assert memo.get(("b",), lambda: "b" * 10) == "b" * 10
    assert memo.get(("a",), lambda: "made again") == "a" * 10  # kept; now the most recent
    memo.get(("big",), lambda: "x" * 11)  # more than an eighth of the capacity: not kept
    assert list(memo.held) == [("b",), ("a",)] and memo.size == 20
    for name in "cdefghi":
        memo.get((name,), lambda: "-" * 10)
    assert memo.size <= 80 and ("b",) not in memo.held and ("a",) in memo.held
    assert (memo.hits, memo.misses) == (1, 10)
    memo.clear()
    memo = html_memo.HtmlMemo(capacity=160)
    settings = memo.settings("settings " * 100)
    assert memo.settings("settings " * 100) is settings  # one string for every key
    memo.keep((settings, "code" * 4), "x")  # the key's texts count, but the settings
    assert memo.size == 17
    memo.keep((settings, "code" * 5), "y")  # more than an eighth
    assert len(memo.held) == 1
    memo.clear()
    assert memo.held == {} and memo.size == 0


#: Table blocks: plain, with what the inline step makes, and with what ties a table to its
#: page (links, references, ids, raw HTML), few enough to be met again.
_TABLES = st.sampled_from([
    "| Name | Type |\n| --- | --- |\n| `id` | integer |",
    "| Name | Type |\n| :-- | --: |\n| *a* \\| b | **c** |\n| d |",
    "Name | Type\n--- | :---:\nx | y",
    "| A |\n| --- |",
    "| Link | To |\n| --- | --- |\n| [page](page-01.md) | [anchor](#response) |",
    "| Ref | Image |\n| --- | --- |\n| [shared] | ![logo](logo.png) |",
    "| Id | Name |\n| --- | --- |\n| cell { #cell-id } | <a name=\"n\">n</a> |",
    "| Raw | Entity |\n| --- | --- |\n| <b>bold</b> | &amp; &copy; &#42; |",
    "| Auto | Mail |\n| --- | --- |\n| <https://example.com> | <a@b.c> |",
    "| Code | Break |\n| --- | --- |\n| `a|b` | x  y |",
    "| Id |\n| --- |\n| cell { #cell-id } |", "| HTML | a { .c } |\n| --- | --- |\n| TOC | 1 |",
])
#: Where a table block sits on a page.
_PLACES = st.sampled_from([
    "{table}", "Text before.\n\n{table}\n\nText after.", "??? note \"Fields\"\n\n{indented}",
    "!!! note\n\n{indented}", "- item\n\n{indented}", "=== \"Tab\"\n\n{indented}",
    "[shared]: https://example.com/shared\n\n{table}", "> {table}", "    {table}",
    "## Heading { #cell-id }\n\n{table}", "## Cell id\n\n{table}",
    "{table}\n\n: A definition", "{table}\n\n*[HTML]: Hyper Text", "{table}\nlazy text",
    "Term\n\n{table}\n\n: Definition", "<div markdown>\n\n{table}\n\n</div>",
])


def _placed(place: str, table: str) -> str:
    indented = "    " + table.replace("\n", "\n    ")
    return place.replace("{table}", table).replace("{indented}", indented)


_PAGES = st.lists(st.lists(st.tuples(_PLACES, _TABLES), min_size=1, max_size=4).map(
    lambda parts: "\n\n".join(_placed(*part) for part in parts) + "\n"), min_size=1, max_size=4)


#: Extensions beside the site's: some that step the memo aside, some that it works beside.
_EXTRA = st.sampled_from([[], ["def_list"], ["abbr"], ["footnotes"], ["md_in_html"],
                          ["sane_lists"], ["nl2br"], ["smarty"], ["pymdownx.tilde"]])


@settings(max_examples=200, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_PAGES, st.sampled_from([{}, {"use_align_attribute": True}]),
       st.sampled_from(["html", "xhtml"]), _EXTRA, st.booleans())
def test_any_tables_anywhere_are_made_the_same(
    pages: list[str], tables: dict[str, Any], output_format: str, extra: list[str],
    attr_list: bool
) -> None:
    # Each page twice, under two settings of the tables extension and two sets of
    # extensions: a table met again is the same HTML, and never one made under other
    # settings or extensions, or tied to another page.
    def convert_as(text: str, table_settings: dict[str, Any], extensions: list[str]) -> str:
        md = python_markdown.Markdown(extensions=[*extensions, LEAN_MARKDOWN],
                                      extension_configs={**SETTINGS, "tables": table_settings},
                                      output_format=output_format)  # type: ignore[arg-type]
        return md.convert(text) + "\n" + json.dumps(getattr(md, "toc_tokens", []))

    others = [name for name in EXTENSIONS if attr_list or name != "attr_list"] + extra
    runs = [(text, config, extensions) for _ in range(2) for config in ({}, tables)
            for extensions in (EXTENSIONS, others) for text in pages]
    with_memo = [convert_as(*run) for run in runs]
    with pytest.MonkeyPatch.context() as patch:
        without_memo(patch)
        assert [convert_as(*run) for run in runs] == with_memo


def test_a_table_met_again_is_its_kept_html() -> None:
    table = "| Name | Type |\n| --- | --- |\n| `id` | integer |\n"
    first = convert(f"# One\n\n{table}")
    before = table_hits()
    second = convert(f"# Two\n\nText.\n\n{table}\n??? note \"Again\"\n\n    " +
                     table.replace("\n", "\n    "))
    assert table_hits() - before == 2  # at the top and folded
    table_html = first[first.index("<table>"):first.index("</table>") + len("</table>")]
    assert second.count(table_html) == 2 and "<p>" + "\x02" not in second


def test_a_table_with_a_reference_is_made_on_each_page() -> None:
    # Whether [shared] is a link depends on the page's definitions: never kept.
    table = "| Ref |\n| --- |\n| [shared] |\n"
    plain = "| Ref |\n| --- |\n| shared |\n"
    assert "<a " not in convert(table + "\n" + plain)
    before = table_hits()
    linked = convert(f"{table}\n{plain}\n[shared]: https://example.com/\n")
    assert '<a href="https://example.com/">shared</a>' in linked
    assert table_hits() == before + 1  # the plain table only


def test_it_steps_aside_beside_another_treeprocessor() -> None:
    table = "| Name |\n| --- |\n| HTML |\n"
    md_with = [*EXTENSIONS, LEAN_MARKDOWN, "abbr"]
    for _ in range(2):
        html = python_markdown.Markdown(extensions=md_with, extension_configs=SETTINGS).convert(
            f"{table}\n*[HTML]: Hyper Text Markup Language\n")
        assert '<abbr title="Hyper Text Markup Language">HTML</abbr>' in html
    assert html_memo.TABLES.held == {}


def test_it_steps_aside_beside_a_definition_list() -> None:
    # A definition list reads the paragraph before its definitions as its terms: a table
    # stashed as a paragraph would become one.
    text = "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n: def\n"
    extensions = [*EXTENSIONS, "def_list", LEAN_MARKDOWN]
    for _ in range(2):
        html = python_markdown.Markdown(extensions=extensions,
                                        extension_configs=SETTINGS).convert(text)
        assert html.startswith("<table>") and "<dt>" not in html
    assert html_memo.TABLES.held == {}


def test_a_table_is_kept_apart_for_each_set_of_extensions() -> None:
    # With and without attr_list, the same block is two tables: its key names the processors.
    text = "| a { .c } |\n| --- |\n| 1 |\n"
    without = [name for name in EXTENSIONS if name != "attr_list"]
    for _ in range(2):
        assert '<th class="c">a</th>' in convert(text)
        html = python_markdown.Markdown(extensions=[*without, LEAN_MARKDOWN],
                                        extension_configs=SETTINGS).convert(text)
        assert "<th>a { .c }</th>" in html
    assert table_hits() >= 2


def test_a_block_holding_the_marker_of_the_contents_is_made_on_each_page() -> None:
    configs = {**SETTINGS, "toc": {"marker": "TOC"}}
    table = "| a | b |\n| --- | --- |\n| TOC | 2 |\n"
    convert(table, configs)
    html = convert(f"# Head\n\n## Sub\n\n{table}", configs)
    assert '<a href="#sub">Sub</a>' in html.split("<table>")[1]


def test_a_conversion_that_failed_leaves_nothing_to_keep(monkeypatch: pytest.MonkeyPatch) -> None:
    table = "| a |\n| --- |\n| *x* |\n"
    md = python_markdown.Markdown(extensions=[*EXTENSIONS, LEAN_MARKDOWN],
                                  extension_configs=SETTINGS)
    run = python_markdown.treeprocessors.InlineProcessor.run
    failing = [True]

    def fails_once(self: Any, *args: Any, **kwargs: Any) -> Any:
        if failing.pop() if failing else False:
            raise RuntimeError("once")
        return run(self, *args, **kwargs)

    monkeypatch.setattr(python_markdown.treeprocessors.InlineProcessor, "run", fails_once)
    with pytest.raises(RuntimeError):
        md.convert(table)
    md.reset().convert("# Another page\n")  # the same instance: the failed page's table
    assert html_memo.TABLES.held == {}  # was not kept
    assert "<td><em>x</em></td>" in convert(table)


def test_the_site_is_the_same_and_the_build_lets_the_memo_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same code block and tables on pages in several folders, with a link MkDocs
    # rewrites for each page.
    code = '```json\n{\n  "message": "Not Found"\n}\n```\n'
    plain = "| Name | Type |\n| --- | --- |\n| `message` | string |\n"
    linked = "| Name | Type |\n| --- | --- |\n| `next` | [Target](target.md#t) |\n"
    pages = {f"{folder}zz-error-{n}.md": f"# Error {n}\n\n{code}\n{plain}\n{linked}"
             for n in range(3) for folder in ("", "deep/", "deep/er/")}
    pages.update({f"{folder}target.md": "# Target\n\n## T { #t }\n"
                  for folder in ("", "deep/", "deep/er/")})
    before, tables_before = hits(), table_hits()
    build_site(project(tmp_path / "with", workers=1, pages=pages))
    assert (hits() - before >= 8 or not CHECKED_HIGHLIGHT) and table_hits() - tables_before >= 8
    # let go once the build process converted its pages
    assert html_memo.CODE.held == {} and html_memo.TABLES.held == {}
    without_memo(monkeypatch)
    build_site(project(tmp_path / "without", workers=1, pages=pages))
    assert same_tree(tmp_path / "with" / "site", tmp_path / "without" / "site")
    page = (tmp_path / "with" / "site" / "deep" / "er" / "zz-error-1" / "index.html").read_text()
    assert 'href="../target/#t"' in page
