"""The theme's templates without their indentation (``apiscribe.site.compact``): the HTML is
smaller, and the pages read and look the same, in the markup and in Debian's Chromium."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from jinja2 import DictLoader, Environment

from apiscribe.site import build_site
from apiscribe.site.compact import CompactLoader, compact_template, compact_templates

from .test_site import chromium, make_project, opened_page, serving, site_files


def test_the_indentation_of_lines_goes_and_the_line_breaks_stay() -> None:
    source = "<ul>\n    <li>\n\t  <a href=\"x\">One</a>\n    </li>\n  \n</ul>\n"
    assert compact_template(source) == "<ul>\n<li>\n<a href=\"x\">One</a>\n</li>\n\n</ul>\n"
    assert compact_template("no indentation\nhere") == "no indentation\nhere"


def test_what_a_browser_shows_as_written_is_kept() -> None:
    kept = [
        "<pre>\n    code\n        more\n</pre>",
        "<PRE class=\"x\">\n    code\n</PRE>",
        "<code>\n  a\n</code>",
        "<kbd>\n  Ctrl\n</kbd>",
        "<textarea>\n  typed\n</textarea>",
        "<script>\n  const s = `\n    kept`;\n</script>",
        "<style>\n  p { color: red }\n</style>",
    ]
    for fragment in kept:
        assert compact_template(f"<div>\n  {fragment}\n  </div>") == f"<div>\n{fragment}\n</div>"


def test_jinja_and_tags_that_span_lines_are_kept() -> None:
    source = ("<div>\n  {{ 'a\n    b' }}\n  {% set x = 'c\n    d' %}\n  {# note\n    more #}\n"
              "  <a title=\"one\n    two\"\n     href=\"x\">\n    link</a>")
    assert compact_template(source) == (
        "<div>\n{{ 'a\n    b' }}\n{% set x = 'c\n    d' %}\n{# note\n    more #}\n"
        "<a title=\"one\n    two\"\n     href=\"x\">\nlink</a>")


def test_a_no_break_space_is_not_whitespace_here() -> None:
    assert compact_template("<p>\n\u00a0  x</p>") == "<p>\n\u00a0  x</p>"


def test_the_loader_compacts_html_templates_only() -> None:
    given = {"page.html": "<p>\n    {{ x }}\n</p>", "sitemap.xml": "<url>\n    <loc/>\n</url>",
             "robots.txt": "a\n    b"}
    env = Environment(loader=DictLoader(given))
    compact_templates(env)
    compact_templates(env)  # once per environment
    assert isinstance(env.loader, CompactLoader)
    assert not isinstance(env.loader.loader, CompactLoader)
    assert env.get_template("page.html").render(x="y") == "<p>\ny\n</p>"
    assert env.get_template("sitemap.xml").render() == given["sitemap.xml"]
    assert env.get_template("robots.txt").render() == given["robots.txt"]
    assert env.loader.list_templates() == sorted(given)


def _whitespace_folded(html: bytes) -> str:
    """The HTML as a browser's normal flow reads it: each run of whitespace one space."""
    return re.sub(r"[ \t\n\f\r]+", " ", html.decode("utf-8"))


@pytest.fixture(scope="module")
def both_sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same project built with compacted templates (the default) and without."""
    root = tmp_path_factory.mktemp("compact")
    mkdocs_yml = make_project(root)
    build_site(mkdocs_yml, site_dir=root / "compact")
    text = mkdocs_yml.read_text(encoding="utf-8")
    assert "      api_docs: api-docs/endpoints\n" in text
    mkdocs_yml.write_text(text.replace("      api_docs: api-docs/endpoints\n",
                                       "      api_docs: api-docs/endpoints\n"
                                       "      compact_html: false\n"), encoding="utf-8")
    build_site(mkdocs_yml, site_dir=root / "as-written")
    return root / "compact", root / "as-written"


def test_pages_are_smaller_and_differ_only_in_whitespace(both_sites: tuple[Path, Path]
                                                         ) -> None:
    compact, written = (site_files(site) for site in both_sites)
    assert compact.keys() == written.keys()
    pages = [name for name in compact if name.endswith(".html")]
    assert len(pages) > 5
    for name in pages:
        assert _whitespace_folded(compact[name]) == _whitespace_folded(written[name]), name
    assert sum(len(compact[n]) for n in pages) < 0.9 * sum(len(written[n]) for n in pages)
    for name in compact.keys() - pages:  # everything else is the same
        assert compact[name] == written[name] or name.endswith(".xml.gz"), name


#: What a reader sees of a page: its text as laid out, and where each element is.
_SEEN = """() => {
    const boxes = [...document.querySelectorAll('body *')].map(element => {
        const box = element.getBoundingClientRect();
        return [element.tagName, box.x, box.y, box.width, box.height].join(' ');
    });
    return {text: document.body.innerText, boxes};
}"""


@pytest.mark.browser
def test_chromium_shows_the_pages_the_same(both_sites: tuple[Path, Path]) -> None:
    compact, written = both_sites
    urls = ["/", "/releases/", "/releases/put-organization-release-details/",
            "/projects/delete-project/"]
    seen: list[list[Any]] = []
    with chromium() as browser:
        for site in (compact, written):
            with serving(site) as base, opened_page(browser, base) as page:
                shown = []
                for url in urls:
                    page.goto(url)
                    page.wait_for_load_state("networkidle")
                    shown.append(page.evaluate(_SEEN))
                seen.append(shown)
    for url, ours, theirs in zip(urls, *seen, strict=True):
        assert ours["text"] == theirs["text"], url
        assert ours["boxes"] == theirs["boxes"], url
        assert len(ours["boxes"]) > 100, url


def test_a_tag_is_kept_whole_whatever_its_values_and_jinja_hold() -> None:
    for tag in ("<a\n  title=\"x {% if a > b %}y\n    z{% endif %}\">",
                "<a title=\"a > b\n    c\"\n   href='<\n   x'>",
                "<a {% if x > 1 %}\n    class=\"big\"{% endif %}\n    href=\"{{ '>' }}\n  y\">"):
        assert compact_template(f"<p>\n  {tag}\n    text</a></p>") == f"<p>\n{tag}\ntext</a></p>"
