"""The reference API's site as ``apiscribe build`` makes it, used in Debian's Chromium.

The site is built from the committed JSON docs (``api-docs/endpoints``) with the
repository's own ``mkdocs.yml``, served on 127.0.0.1, and driven by
Playwright: what a reader does, on a desktop and on a phone. Screenshots are written to
``test-artifacts/`` at the repository root (git ignores it), and their paths printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apiscribe.site import build_site

from .conftest import ROOT
from .test_site import SAMPLE_TABS, chromium, heading, opened_page, serving

pytestmark = pytest.mark.browser

#: Where browser tests leave what a person may want to look at.
ARTIFACTS = ROOT / "test-artifacts"
ENDPOINT_URL = "/releases/put-organization-release-details/"
ENDPOINT_TITLE = "Update an Organization's Release"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def refapi_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference API's site: its mkdocs.yml, its JSON docs, into a temporary folder."""
    site = tmp_path_factory.mktemp("refapi") / "site"
    build_site(ROOT / "mkdocs.yml", site_dir=site)
    return site


@pytest.fixture(scope="module")
def served(refapi_site: Path) -> Iterator[str]:
    with serving(refapi_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any, served: str) -> Iterator[Any]:
    with opened_page(browser, served) as opened:
        yield opened


def endpoint_urls(site: Path) -> list[str]:
    """The URL of every endpoint page (a section's own pages, not its index)."""
    return sorted(
        f"/{p.parent.relative_to(site).as_posix()}/" for p in site.glob("*/*/index.html")
        if p.parts[-3] not in ("assets", "search")
    )


def problems_of(page: Any) -> list[str]:
    """Console errors and uncaught exceptions of ``page`` from now on (a list that grows)."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error"
            else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def save_screenshot(page: Any, name: str, capsys: pytest.CaptureFixture[str]) -> Path:
    """A full-page screenshot in ``test-artifacts/``; its path is printed past the capture."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    with capsys.disabled():
        print(f"\nscreenshot: {path}")
    return path


def test_home_and_an_endpoint_page_load_without_console_errors(page: Any) -> None:
    problems = problems_of(page)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert heading(page) == "Example API"
    page.goto(ENDPOINT_URL)
    page.wait_for_load_state("networkidle")
    assert heading(page) == ENDPOINT_TITLE
    assert (problems, failed) == ([], [])


def test_nav_leads_from_home_to_an_endpoint_page(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    nav = page.locator("nav.md-nav--primary")
    nav.get_by_role("link", name="Releases", exact=True).click()
    expect(page).to_have_url(f"{page.url.split('/releases/')[0]}/releases/")
    nav.get_by_role("link", name=ENDPOINT_TITLE).click()
    expect(page).to_have_url(page.url.split("/releases/")[0] + ENDPOINT_URL)
    assert heading(page) == ENDPOINT_TITLE
    expect(page.locator("article table").first).to_be_visible()


def checked_tabs(page: Any) -> list[str]:
    """The label of the tab shown in each tabbed block of the article."""
    tabs: list[str] = page.locator("article .tabbed-set").evaluate_all(
        """sets => sets.map(set => {
            const input = set.querySelector(':scope > input:checked');
            return set.querySelector(`label[for="${input.id}"]`).textContent;
        })"""
    )
    return tabs


def test_a_chosen_sample_tab_sticks_on_the_next_page(page: Any) -> None:
    """Material's ``content.tabs.link``: choosing Python once shows Python everywhere."""
    from playwright.sync_api import expect

    page.goto(ENDPOINT_URL)
    article = page.locator("article")
    expect(article.locator(".tabbed-labels").first.locator("label")).to_have_text(SAMPLE_TABS)
    assert checked_tabs(page)[0] == "HTTP"
    article.locator(".tabbed-labels label", has_text="Python").first.click()
    expect(article.locator(".tabbed-block:visible").first).to_contain_text("httpx")
    page.locator("nav.md-nav--primary").get_by_role(
        "link", name="List an Organization's Releases"
    ).click()
    expect(page.locator("article h1")).to_contain_text("List an Organization's Releases")
    assert checked_tabs(page)[0] == "Python"
    expect(page.locator("article .tabbed-block:visible").first).to_contain_text("httpx")


def search_and_open(page: Any, words: str, title: str) -> None:
    """Type ``words`` into the search box, expect a result titled ``title``, and open it."""
    from playwright.sync_api import expect

    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(words)
    found = page.locator(".md-search-result__item", has_text=title).first
    expect(found).to_be_visible()
    found.locator("a").first.click()


def test_search_for_an_endpoint_title_lists_it(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    search_and_open(page, "Update an Organization", ENDPOINT_TITLE)
    expect(page).to_have_url(re.compile(re.escape(ENDPOINT_URL) + r"\?h=update\+organization$"))
    expect(page.locator("article h1")).to_contain_text(ENDPOINT_TITLE)
    expect(page.locator("article h1 mark").first).to_have_text("Update")  # search.highlight


def background(page: Any) -> str:
    color: str = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    return color


def test_dark_toggle_darkens_the_page_and_sticks(page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(ENDPOINT_URL)
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    light = background(page)
    page.locator("label[title='Switch to dark mode']").click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    dark = background(page)
    assert dark != light
    page.goto("/")  # the choice is kept for the next page
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.locator("label[title='Switch to light mode']").click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    assert background(page) == light


def test_screenshot_of_an_endpoint_page(page: Any, capsys: pytest.CaptureFixture[str]) -> None:
    page.goto(ENDPOINT_URL)
    page.wait_for_load_state("networkidle")
    path = save_screenshot(page, "endpoint-page.png", capsys)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 10_000


#: Elements wider than the viewport, or reaching past its right edge, that are not in a
#: code block, a table, or the box Material scrolls a table in.
TOO_WIDE = """() => {
    const width = window.innerWidth;
    const wide = [];
    for (const element of document.body.querySelectorAll('*')) {
        if (element.closest('pre, code, table, .md-typeset__scrollwrap')) continue;
        const box = element.getBoundingClientRect();
        if (box.width > width || box.right > width + 1) {
            wide.push(`${element.tagName.toLowerCase()}.${element.className}: ` +
                      `${Math.round(box.left)}..${Math.round(box.right)}`);
        }
    }
    return {scroll: document.scrollingElement.scrollWidth, width, wide};
}"""


def test_endpoint_pages_fit_a_phone_without_sideways_scrolling(
    browser: Any, served: str, refapi_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    context = browser.new_context(
        base_url=served, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    try:
        phone = context.new_page()
        urls = endpoint_urls(refapi_site)
        assert ENDPOINT_URL in urls and len(urls) >= 20
        overflowing = {}
        for url in urls:
            phone.goto(url)
            found = phone.evaluate(TOO_WIDE)
            if found["scroll"] > found["width"] or found["wide"]:
                overflowing[url] = found
        assert overflowing == {}
        phone.goto(ENDPOINT_URL)
        save_screenshot(phone, "endpoint-page-phone.png", capsys)
    finally:
        context.close()
