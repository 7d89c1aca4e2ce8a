"""Rendering: text from an API description (descriptions, titles, names, examples) reaches the
pages and the built site as data.

One hostile spec goes through ``apiscribe convert --to markdown`` and ``--to site``:

- no script, event handler, ``javascript:`` or ``data:`` URL of it survives, and in Chromium
  no page opens a dialog or runs a line of it;
- names with ``|``, backticks, ``"><`` and newlines leave tables and headings whole;
- example bodies full of backtick runs stay inside their code blocks;
- template syntax is shown as written;
- HTML in descriptions is sanitized, not escaped: safe tags render, the rest is removed;
- headings in descriptions sit below the page's own, one ``<h1>`` per page.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from apiscribe.cli import main
from apiscribe.views.markdown import template_dir

from ..conftest import CORPUS
from ..test_site import chromium, opened_page, serving

# Every payload sets window.__pwned (and opens a dialog) if it ever runs.
SCRIPT = "<script>window.__pwned = 'script'; alert('script')</script>"
IMG = "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">"
SVG = "<svg onload=\"window.__pwned = 'svg'; alert('svg')\"><circle r=\"1\"></circle></svg>"
IFRAME = ("<iframe srcdoc=\"<script>parent.__pwned = 'iframe'; parent.alert('iframe')</script>\">"
          "</iframe>")
JS_LINK = "[js link](javascript:window.__pwned='link';alert('link'))"
JS_HREF = "<a href=\"javascript:window.__pwned='href';alert('href')\">js href</a>"
DATA_HREF = "<a href=\"data:text/html,<script>alert('data')</script>\">data href</a>"
# Markdown that Python-Markdown reads differently from a naive escaper.
PAIRING = "``unpaired `<img src=x onerror=\"window.__pwned = 'pairing'; alert('pairing')\">`"
CODE_LINK = "[code link](` `javascript:window.__pwned='code-link';alert('code-link'))"
ACROSS = "`across\n\n<img src=x onerror=\"window.__pwned = 'across'; alert('across')\">\n\nspan`"
IN_BLOCK = "<p>in a block: `<img src=x onerror=\"window.__pwned = 'block'; alert('block')\">`</p>"
ENTITY = "&#92;`<img src=x onerror=\"window.__pwned = 'entity'; alert('entity')\">`"
FENCE = ("```{.python onclick=\"window.__pwned = 'fence'\" id=\"fence-id\"}\n"
         "print('fenced')\n```")
HOSTILE = "\n\n".join([SCRIPT, IMG, SVG, IFRAME, JS_LINK, JS_HREF, DATA_HREF, PAIRING,
                       CODE_LINK, ACROSS, IN_BLOCK, ENTITY, FENCE])

TEMPLATE = "{{ 7*7 }} {% raw %}raw{% endraw %} {# hidden #}"
ODD_NAME = 'a|b `tick` "><i>italic</i>\nnext line'
CR_NAME = "cr\r<img src=x onerror=\"window.__pwned = 'cr'; alert('cr')\">"
BODY = {
    "fenced": "````\n# Injected heading\n<b>body-bold</b>\n```` and ``` more",
    "template": TEMPLATE,
    "script": SCRIPT,
}
SAFE = ("Safe: line<br>break <p>a paragraph</p> <b>bold</b> <code>code</code> "
        '<a href="https://example.com/docs">the docs</a> '
        "<table><tr><th>head</th></tr><tr><td>cell</td></tr></table>"
        '<object data="x"></object><style>article { display: none }</style>')
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": f"Hostile {IMG} {TEMPLATE}",
        "version": "1",
        "description": f"Home.\n\n{HOSTILE}\n\n# Home heading\n\nafter",
    },
    "servers": [{"url": "https://api.example.com"}],
    "tags": [{"name": "things|`x`\"><b>t</b>\nsecond", "description": f"Tag {HOSTILE}"}],
    "paths": {"/things": {"post": {
        "operationId": "makeThing",
        "tags": ["things|`x`\"><b>t</b>\nsecond"],
        "summary": f"Make {IMG} {TEMPLATE}",
        "description": (f"Makes things.\n\n{HOSTILE}\n\n# A heading\n\nSetext heading\n"
                        f"===\n\n<h1>HTML heading</h1>\n\n{SAFE}\n\n{TEMPLATE}"),
        "parameters": [
            {"name": ODD_NAME, "in": "query", "description": f"Odd | name. {HOSTILE}",
             "schema": {"type": "string"}},
            {"name": CR_NAME, "in": "query", "description": "A carriage return.",
             "schema": {"type": "string"}},
            {"name": "template", "in": "query", "description": TEMPLATE,
             "schema": {"type": "string", "example": TEMPLATE}},
        ],
        "requestBody": {
            "description": f"Body. {HOSTILE}\n\n# Body heading",
            "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"},
                "examples": {"hostile": {"summary": f"Example {IMG} {TEMPLATE}",
                                         "value": BODY}},
            }},
        },
        "responses": {"200": {
            "description": f"Done. {HOSTILE}\n\n# Response heading",
            "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}, "example": BODY}},
        }},
    }}},
    "components": {"schemas": {"Thing": {
        "type": "object",
        "description": f"A thing. {HOSTILE}\n\n# Schema heading",
        "properties": {
            ODD_NAME: {"type": "string", "description": f"Odd property. {HOSTILE}"},
            "template": {"type": "string", "description": TEMPLATE},
        },
    }}},
}
ENDPOINT = "things-x-b-t-b-second/make-thing"
PAGES = ["/", "/things-x-b-t-b-second/", f"/{ENDPOINT}/", "/schemas/"]


def convert(spec: Path, view: str, out: Path) -> None:
    result = CliRunner().invoke(main, ["convert", str(spec), "--to", view, "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile spec as Markdown pages (``md/``) and as a site (``out/site``)."""
    root = tmp_path_factory.mktemp("hostile")
    spec = root / "spec.json"
    spec.write_text(json.dumps(SPEC, indent=1), encoding="utf-8")
    convert(spec, "markdown", root / "md")
    convert(spec, "site", root / "out")
    return root


def endpoint_markdown(converted: Path) -> str:
    return (converted / "md" / f"{ENDPOINT}.md").read_text(encoding="utf-8")


class Elements(HTMLParser):
    """Every start tag of a page: ``(tag, attributes)``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))


def elements(page: Path) -> list[tuple[str, dict[str, str]]]:
    parser = Elements()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser.elements


def site_pages(converted: Path) -> list[Path]:
    site = converted / "out" / "site"
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "assets")


# -- no script, handler or javascript: URL ---------------------------------------------------


def test_the_site_carries_no_script_handler_or_unsafe_url_of_the_input(converted: Path) -> None:
    pages = site_pages(converted)
    assert len(pages) == 5  # home, section, endpoint, schemas, 404
    found = []
    for page in pages:
        for tag, attributes in elements(page):
            for name, value in attributes.items():
                url = "".join(ch for ch in value if ord(ch) > 0x20).lower()
                if name.startswith("on") or name == "srcdoc" or (
                        url.startswith(("javascript:", "data:", "vbscript:"))):
                    found.append(f"{page.name}: <{tag} {name}={value!r}>")
            if tag in ("iframe", "object", "embed", "img") or attributes.get("id") == "fence-id":
                found.append(f"{page.name}: <{tag}>")
        text = page.read_text(encoding="utf-8")
        found += [f"{page.name}: {m.group(0)}" for m in re.finditer(r"<script[^>]*>[^<]*pwned",
                                                                        text)]
    assert found == []


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any, converted: Path) -> Iterator[Any]:
    with serving(converted / "out" / "site") as url, opened_page(browser, url) as opened:
        yield opened


@pytest.mark.browser
def test_no_page_opens_a_dialog_or_runs_injected_code(page: Any) -> None:
    from playwright.sync_api import expect

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for url in PAGES:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        for link in page.locator("article a").all():
            link.hover()
        assert page.evaluate("window.__pwned") is None, url
    # Search results are rendered from the index, which holds the hostile titles as text.
    page.goto("/")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("Makes things")
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []


@pytest.mark.browser
def test_hostile_titles_show_as_text(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"/{ENDPOINT}/")
    expect(page.locator("article h1").first).to_have_text(re.compile(
        re.escape(f"Make {IMG} {TEMPLATE}")))
    expect(page).to_have_title(re.compile(re.escape(f"Make {IMG} {TEMPLATE}")))


# -- names: tables and headings stay whole ---------------------------------------------------


@pytest.mark.browser
def test_odd_names_keep_tables_whole_and_show_as_written(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"/{ENDPOINT}/")
    article = page.locator("article")
    shown = " ".join(ODD_NAME.split("\n"))
    parameters = article.locator("table:has(th:text-is('Name'))").first
    row = parameters.locator("tbody tr").first
    expect(row.locator("td")).to_have_count(4)  # name, type, required, description
    expect(row.locator("td").first).to_have_text(shown)
    expect(row.locator("td").nth(1)).to_have_text("string")
    cr = parameters.locator("tbody tr").nth(1)
    expect(cr.locator("td")).to_have_count(4)
    expect(cr.locator("td").first).to_have_text(CR_NAME.replace("\r", " "))
    expect(cr.locator("td").nth(3)).to_have_text("A carriage return.")
    for table in article.locator("table:has(thead)").all():  # rows as wide as the header
        width = table.locator("thead th").count()
        for each in table.locator("tbody tr").all():
            expect(each.locator("> td")).to_have_count(width)
    page.goto("/things-x-b-t-b-second/")
    expect(page.locator("article h1")).to_have_text(re.compile(
        re.escape('things|`x`"><b>t</b> second')))
    assert page.locator("article h1 b, article h1 i").count() == 0


def test_odd_names_keep_markdown_tables_whole(converted: Path) -> None:
    page = endpoint_markdown(converted)
    assert '| ``a|b `tick` "><i>italic</i> next line`` | string | no | Odd \\| name.' in page
    assert ("| `cr <img src=x onerror=\"window.__pwned = 'cr'; alert('cr')\">` | string | no |"
            in page)
    assert "\r" not in page


# -- example bodies ----------------------------------------------------------------------------


def test_backtick_runs_in_example_bodies_lengthen_the_fence(converted: Path) -> None:
    page = endpoint_markdown(converted)
    body = json.dumps(BODY, indent=2)
    assert f"`````json\n{body}\n`````" in page  # longer than the body's ````
    assert "\n# Injected heading" not in page


@pytest.mark.browser
def test_example_bodies_stay_in_their_code_blocks(page: Any) -> None:
    page.goto(f"/{ENDPOINT}/")
    article = page.locator("article")
    assert article.get_by_role("heading", name="Injected heading").count() == 0
    assert article.locator("b", has_text="body-bold").count() == 0
    blocks = article.locator("pre").all_text_contents()
    assert sum("# Injected heading" in block and "<b>body-bold</b>" in block
               for block in blocks) >= 3  # the request body's example, the response's, HTTP


# -- template syntax ---------------------------------------------------------------------------


def test_template_syntax_is_text_in_the_markdown(converted: Path) -> None:
    page = endpoint_markdown(converted)
    assert "49" not in page
    assert "\\{\\{ 7*7 }} \\{% raw %}raw\\{% endraw %} \\{\\# hidden \\#}" in page  # the title
    assert '"template": "{{ 7*7 }} {% raw %}raw{% endraw %} {# hidden #}"' in page  # a body


@pytest.mark.browser
def test_template_syntax_shows_as_written(page: Any) -> None:
    page.goto(f"/{ENDPOINT}/")
    text = page.locator("article").inner_text()
    assert text.count(TEMPLATE) >= 6  # title, description, parameter, example, bodies
    assert "49" not in text
    page.goto("/schemas/")
    assert TEMPLATE in page.locator("article").inner_text()


# -- HTML in descriptions: sanitized, not escaped ----------------------------------------------


@pytest.mark.browser
def test_safe_html_renders_and_the_rest_is_removed(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"/{ENDPOINT}/")
    article = page.locator("article")
    expect(article.locator("b", has_text="bold").first).to_be_visible()
    expect(article.locator("code", has_text="code").first).to_be_visible()
    expect(article.locator("p", has_text="a paragraph").first).to_be_visible()
    expect(article.get_by_role("link", name="the docs")).to_have_attribute(
        "href", "https://example.com/docs")
    expect(article.locator("td", has_text="cell")).to_have_count(1)
    assert article.locator("br").count() >= 1
    assert article.locator("script, style, iframe, object, embed, svg:not(.md-icon svg)").count() \
        == 0
    assert article.locator("[href^='javascript' i], [href^='data' i], [srcdoc]").count() == 0
    assert article.get_by_text("js href").count() >= 1  # the link text stays, unlinked
    assert page.evaluate("getComputedStyle(document.querySelector('article')).display") != "none"


def test_descriptions_are_sanitized_in_every_template() -> None:
    unsafe = []
    for template in sorted(template_dir().glob("*.j2")):
        for line in template.read_text(encoding="utf-8").splitlines():
            for m in re.finditer(r"\.description\s*\|\s*(\w+)", line):
                if m.group(1) not in ("md_prose", "md_prose_cell"):
                    unsafe.append(f"{template.name}: {line.strip()}")
    assert unsafe == []


def test_uber_descriptions_show_line_breaks_not_markup(tmp_path: Path) -> None:
    convert(CORPUS / "openapi" / "oai_v2.0_uber.json", "site", tmp_path)
    site = tmp_path / "site"
    page = (site / "estimates" / "get-estimates-price" / "index.html").read_text(encoding="utf-8")
    assert "&lt;br&gt;" not in page
    assert ("localized currency symbol.<br><br>The response also includes low and high "
            "estimates") in page


# -- headings in descriptions ----------------------------------------------------------------


def test_description_headings_move_below_the_page_heading(converted: Path) -> None:
    page = endpoint_markdown(converted)
    assert "\n## A heading\n" in page and "\n## Setext heading\n" in page
    assert "<h2>HTML heading</h2>" in page
    assert "\n### Body heading\n" in page and "\n#### Response heading\n" in page
    assert "\n# " not in page.split("\n# ", 1)[1]


@pytest.mark.browser
def test_each_page_has_one_h1_and_an_ordered_outline(page: Any) -> None:
    for url in PAGES:
        page.goto(url)
        levels = page.locator("article").locator("h1, h2, h3, h4, h5, h6").evaluate_all(
            "hs => hs.map(h => Number(h.tagName[1]))")
        assert levels[0] == 1 and levels.count(1) == 1, (url, levels)
        jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
        assert jumps == [], (url, levels)
    page.goto(f"/{ENDPOINT}/")
    assert page.get_by_role("heading", name="A heading", level=2).count() == 1
    assert page.get_by_role("heading", name="HTML heading", level=2).count() == 1
    assert page.get_by_role("heading", name="Response heading", level=4).count() == 1
