"""What Material's search index reads of the API pages.

The API pages carry code blocks (the request samples and the example bodies of every
operation). Unless ``index_code`` is set, the index reads those pages without them: it then
holds the prose, parameter and field tables that readers search, at about half the size, and
the search plugin parses about a third of the HTML. Only the index sees the difference: the
page, and every other plugin, keeps the whole content.

The index reads pages with :class:`LeanParser`, Material's own parser with quicker checks,
where Material's parser is the one it was checked against; the entries are the same.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections import Counter
from collections.abc import Callable
from html import escape
from typing import Any

from material.plugins.search.plugin import Element as _Element
from material.plugins.search.plugin import Parser as _MaterialParser
from material.plugins.search.plugin import SearchIndex as _SearchIndex
from material.plugins.search.plugin import Section as _Section
from material.plugins.search.plugin import void as _VOID
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from ..digests import is_known_source

# A code block as Python-Markdown and Pygments write it; <pre> elements cannot nest.
_CODE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.S)
#: One entry of Material's search index (location, title, text, and so on).
Entry = dict[str, Any]
#: sha256 of the source of Material's search parser, elements, sections and
#: ``SearchIndex.add_entry_from_context`` that :class:`LeanParser` and :func:`entry_adder`
#: were checked against (Material 9.8.2).
KNOWN_SEARCH = "aa83ddaa4349724a8571f6af8fbc9414ae7575d03398b51770b883a3dbac036f"
_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))


def _search_source() -> str:
    parts = (_MaterialParser, _Element, _Section, _SearchIndex.add_entry_from_context)
    return "".join(inspect.getsource(part) for part in parts)


@functools.cache
def lean() -> bool:
    """Whether Material's search parser is the one :class:`LeanParser` was checked against."""
    try:
        return is_known_source(_search_source(), {KNOWN_SEARCH})
    except (OSError, TypeError):  # no source to read
        return False


def entry_adder(index: Any) -> Callable[[Page], None]:
    """``index.add_entry_from_context``: with :class:`LeanParser` where it is known to give
    the same sections, else Material's own."""
    if not lean() or "add_entry_from_context" in vars(index) or getattr(
            type(index), "add_entry_from_context", None) is not _SearchIndex.add_entry_from_context:
        return index.add_entry_from_context  # type: ignore[no-any-return]

    def add(page: Page) -> None:  # Material's add_entry_from_context, with the lean parser
        search = page.meta.get("search") or {}
        if search.get("exclude"):
            return
        parser = LeanParser()
        parser.feed(page.content)
        parser.close()
        for section in parser.data:
            if not section.is_excluded():
                index.create_entry_for_section(section, page.toc, page.url, page)

    return add


def material_search(config: MkDocsConfig) -> Any | None:
    """Material's search plugin, when it is enabled and its index can take entries built
    elsewhere (``search_index.entries``, ``add_entry_from_context``)."""
    plugin = config.plugins.get("material/search")
    index = getattr(plugin, "search_index", None)
    enabled = getattr(getattr(plugin, "config", None), "enabled", False)
    if not enabled or not isinstance(getattr(index, "entries", None), list):
        return None
    return plugin if callable(getattr(index, "add_entry_from_context", None)) else None


class SearchFilter:
    """Reads pages for the search index: an API page without its code blocks.

    ``is_api_page`` tells the API pages from the user's own; ``paused`` is true while a
    worker builds the index, so that the build process indexes nothing twice. ``stored``
    gives a page's entries when they are known already (the page cache's), ``made`` is told
    the entries of each page the index read.
    """

    def __init__(self, is_api_page: Callable[[Page], bool], paused: Callable[[], bool],
                 stored: Callable[[Page], list[Entry] | None] = lambda page: None,
                 made: Callable[[Page, list[Entry]], None] = lambda page, entries: None,
                 ) -> None:
        self.index_code = False
        # src_uri -> a page's HTML before Material's search plugin took its data-search
        # attributes out, in on_page_context (:meth:`keep`)
        self._kept: dict[str, str] = {}
        self._is_api_page = is_api_page
        self._paused = paused
        self._stored = stored
        self._made = made

    def keep(self, page: Page) -> None:
        """Keep the page's HTML as the index is to read it: Material's search plugin takes the
        ``data-search-*`` attributes out of it once it has indexed the page, while a worker
        builds the index and the build process indexes some of the pages later."""
        if page.content is not None:
            self._kept[page.file.src_uri] = page.content

    def forget(self) -> None:
        """Let go of what :meth:`keep` kept (the build is done)."""
        self._kept = {}

    def searchable(self, page: Page) -> str | None:
        """The page's content as the search index reads it."""
        content = self._kept.get(page.file.src_uri, page.content)
        if self.index_code or content is None or not self._is_api_page(page):
            return content
        return _CODE_BLOCK.sub("", content)

    def add(self, add_entry: Callable[[Page], None], page: Page) -> None:
        """``add_entry(page)`` with the page's content as :meth:`searchable` gives it."""
        content = page.content
        page.content = self.searchable(page)
        try:
            add_entry(page)
        finally:
            page.content = content

    def install(self, search: Any) -> None:
        """Make Material's search index read pages through :meth:`searchable`, and read
        nothing while :attr:`paused` says a worker builds the index."""
        index = search.search_index
        if getattr(index.add_entry_from_context, "apiscribe", False):
            return
        add_entry = entry_adder(index)

        def add_searchable_entry(page: Page) -> None:
            if self._paused():
                return
            stored = self._stored(page)
            if stored is not None:
                index.entries.extend(stored)
                return
            first = len(index.entries)
            self.add(add_entry, page)
            self._made(page, index.entries[first:])

        add_searchable_entry.apiscribe = True  # type: ignore[attr-defined]
        index.add_entry_from_context = add_searchable_entry

    def entries_of(self, search: Any, page: Page) -> list[Entry]:
        """The search entries of ``page`` (:meth:`entries`): the follow-up job the first
        worker and the build process share."""
        return self.entries(search, [page])[0]

    def entries(self, search: Any, pages: list[Page]) -> list[list[Entry]]:
        """The search entries of each of ``pages``, as Material's search plugin makes them one
        page at a time in ``on_page_context``."""
        index = type(search.search_index)(**search.search_index.config)
        found, add_entry = [], entry_adder(index)
        for page in pages:
            first = len(index.entries)
            self.add(add_entry, page)
            found.append(index.entries[first:])
        return found


class LeanParser(_MaterialParser):  # type: ignore[misc]
    """Material's search parser (``material.plugins.search.plugin.Parser``), the same
    sections from the same HTML, with its checks made on tag counts.

    Material's elements compare equal by tag alone, so each of its checks of the open
    elements (``self.skip.intersection(self.context)``, ``"pre" in self.context``,
    ``self.section.el in self.context``, ``el in self.skip``) asks whether an element of some
    tag is open, or skipped. It asked by comparing elements one by one, a third of the
    indexing of GitHub's pages (BENCHMARKS.md, "Issue 13, a twelfth pass"); here the open
    elements are counted by tag, and the skipped ones are a set of tags. Only used with the
    parser it was checked against (:data:`KNOWN_SEARCH`).
    """

    def __init__(self) -> None:
        super().__init__()
        self.skip: set[str] = {"object", "script", "style"}  # as Material's, by tag
        self._open: Counter[str] = Counter()  # the tags of self.context
        self._held = 0  # the elements of self.context whose tag is in self.skip

    def _skipping(self) -> bool:
        return self._held > 0

    def _skip(self, tag: str) -> None:
        if tag not in self.skip:
            self.skip.add(tag)
            self._held += self._open[tag]

    def _unskip(self, tag: str) -> None:
        self.skip.remove(tag)
        self._held -= self._open[tag]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        el = _Element(tag, found)
        if tag in _VOID:
            return
        self.context.append(el)
        self._open[tag] += 1
        if tag in self.skip:
            self._held += 1

        if tag in _HEADINGS:
            depth = len(self.context)
            if "id" in found:
                if tag != "h1" and not self.data:
                    self.section = _Section(_Element("hx"), depth)
                    self.data.append(self.section)
                self.section = _Section(el, depth)
                if self.data:
                    self.section.id = found["id"]
                self.data.append(self.section)

        if not self.section:
            self.section = _Section(_Element("hx"))
            self.data.append(self.section)

        for key, value in found.items():
            if key == "data-search-exclude" or (key == "class" and value == "linenodiv"):
                self._skip(tag)
                return

        if tag in self.keep and not self._skipping():
            data = self.section.title if self._open[self.section.el.tag] else self.section.text
            data.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if not self.context or self.context[-1].tag != tag:
            return

        if self.section.depth > len(self.context):
            for section in reversed(self.data):
                if section.depth <= len(self.context):
                    self.section.depth = float("inf")
                    self.section = section
                    break

        el = self.context.pop()
        self._open[el.tag] -= 1
        if el.tag in self.skip:
            self._held -= 1
            if el.tag not in ("script", "style", "object"):
                self._unskip(el.tag)
            return

        if tag in self.keep and not self._skipping():
            data = self.section.title if self._open[self.section.el.tag] else self.section.text
            index = data.index(f"<{tag}>")
            for i in range(index + 1, len(data)):
                if not data[i].isspace():
                    index = len(data)
                    break
            if len(data) > index:
                while len(data) > index:
                    data.pop()
            else:
                data.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._skipping():
            return

        if not self._open["pre"]:
            data = data.replace("\n", " ") if not data.isspace() else " "

        if not self.section:
            self.section = _Section(_Element("hx"))
            self.data.append(self.section)

        if self._open[self.section.el.tag]:
            permalink = any(el.tag == "a" and el.attrs.get("class") == "headerlink"
                            for el in self.context)
            if not permalink:
                self.section.title.append(escape(data, quote=False))
        elif data.isspace():
            text = self.section.text
            if not text or not text[-1].isspace() or self._open["pre"]:
                text.append(data)
        else:
            self.section.text.append(escape(data, quote=False))
