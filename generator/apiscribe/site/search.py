"""What Material's search index reads of the API pages.

The API pages carry code blocks (the request samples and the example bodies of every
operation). Unless ``index_code`` is set, the index reads those pages without them: it then
holds the prose, parameter and field tables that readers search, at about half the size, and
the search plugin parses about a third of the HTML. Only the index sees the difference: the
page, and every other plugin, keeps the whole content.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

# A code block as Python-Markdown and Pygments write it; <pre> elements cannot nest.
_CODE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.S)
#: One entry of Material's search index (location, title, text, and so on).
Entry = dict[str, Any]


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
        self._is_api_page = is_api_page
        self._paused = paused
        self._stored = stored
        self._made = made

    def searchable(self, page: Page) -> str | None:
        """The page's content as the search index reads it."""
        if self.index_code or page.content is None or not self._is_api_page(page):
            return page.content
        return _CODE_BLOCK.sub("", page.content)

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
        add_entry = index.add_entry_from_context
        if getattr(add_entry, "apiscribe", False):
            return

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
        page at a time in ``on_page_context`` (the follow-up job of the first worker)."""
        index = type(search.search_index)(**search.search_index.config)
        found = []
        for page in pages:
            first = len(index.entries)
            self.add(index.add_entry_from_context, page)
            found.append(index.entries[first:])
        return found
