"""The page cache: a build after a small change converts and renders only what changed.

On a large API reference, most of a build renders the Markdown of every page, converts it to
HTML and renders the theme's template around it, though a change to one operation changes
one page. The ``apiscribe`` plugin keeps, for each API page, on disk (the ``cache_dir``
option, ``.cache/apiscribe`` beside mkdocs.yml by default; the files are
:mod:`.cache_store`'s):

- ``MD.md``: the page's Markdown, under its own key (``MD``: the key
  :class:`~apiscribe.views.markdown.RenderMemo` gives it, a SHA-256 of the endpoint and of
  the model but for its endpoints, with apiscribe's code and templates);
- ``KEY.page``: what converting the page's Markdown gave (the HTML, table of contents,
  title, anchors, anchored links and the log records of the conversion) and the page's
  search-index entries;
- ``KEY.html``: the page as written, the theme's template around the HTML.

``KEY`` is a SHA-256 of the page's Markdown and of everything its conversion reads
(:func:`conversion_fingerprint`: the Markdown extensions and their settings, every file's
path and URL, the versions of apiscribe, MkDocs, Material and the Markdown packages, and
apiscribe's own code). The written page is used only under a second key that adds what the
template reads (:func:`site_fingerprint`: the site's settings, the theme and its options,
the plugins' settings; and :func:`nav_fingerprint`: every navigation item's title and URL),
the search entries only under a third (the page's title and URL, the search settings). A
page whose keys match is neither converted nor rendered: the build gives it its HTML, table of
contents and anchors back (so links are checked as before), replays the warnings its
conversion logged (so ``--strict`` fails as before), and writes its stored output; with its
search entries stored too, its HTML is hidden from Material's search meanwhile, which would
read it for nothing. Every other page is built as MkDocs builds it, and stored. From one
build of ``mkdocs serve`` to the next, the conversions are also kept in memory, as a read of
their entries would give them (:class:`CachedBuild`).

The cache holds only what the keys fully determine, so a site built with it is byte for byte
the site built without it. It is used only where that holds: when no plugin or hook besides
apiscribe and Material's search handles a page or template event. Entries are compressed
(the layout is :mod:`.cache_store`'s); an entry that cannot be read is a miss. After a
build that leaves entries for more than three times the site's API pages, the least recently
used are removed down to two and a half times.
The Markdown is kept whatever plugins run (making it reads nothing of MkDocs), unless the
``cache`` option is off.
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import os
import threading
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure import StructureItem
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page

from ..digests import Digest, code_digest, files_under, version_of
from .cache_store import Conversion, PageCache
from .workers import Rendered, other_handlers

log = get_plugin_logger(__name__)

#: Where the cache is, relative to mkdocs.yml's folder (the plugin's ``cache_dir`` option).
CACHE_DIR = ".cache/apiscribe"
#: The events whose handlers could make a page's output differ from what the keys cover.
EVENTS = ("pre_page", "page_read_source", "page_markdown", "page_content", "page_context",
          "post_page", "env")
#: Settings left out of the site's fingerprint: places (where this build reads and writes,
#: not what it makes), and what other fingerprints cover.
_APART = frozenset({"site_dir", "docs_dir", "config_file_path", "dev_addr", "watch",
                     "strict", "nav", "plugins", "theme", "markdown_extensions",
                     "mdx_configs"})
_VERSION = "apiscribe page cache 1"


#: Markdown extensions that read files no key covers (``pymdownx.snippets`` includes).
_READS_FILES = ("pymdownx.snippets",)
#: The loggers whose levels decide what a page's conversion records and logs.
_LOGGERS = ("mkdocs.structure.pages", "mkdocs", "")


class Unstable(Exception):
    """A setting with no stable form: the cache cannot tell whether it changed."""


def why_not(config: MkDocsConfig, owners: set[object]) -> str | None:
    """Why this build cannot use the cache (``None``: it can). ``owners`` are the plugins
    whose handlers the cache accounts for (apiscribe's, Material's search)."""
    others = sorted({name for event in EVENTS for name in other_handlers(config, event, owners)})
    if others:
        return f"other plugins handle page or template events ({', '.join(others)})"
    reading = [name for name in _READS_FILES if name in config.markdown_extensions]
    if reading:
        return f"{', '.join(reading)} reads files the cache does not follow"
    return None


def _stable(value: Any) -> Any:
    """``value`` as JSON can hold it, the same from one build to the next: a function or class
    by its name, a partial by its parts, anything else by its ``repr`` when that shows no
    address (else :class:`Unstable`)."""
    if isinstance(value, Mapping):
        return {str(k): _stable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_stable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, functools.partial):
        return ["partial", _stable(value.func), _stable(value.args), _stable(value.keywords)]
    if isinstance(value, type) or inspect.isroutine(value):
        return f"<{value.__module__}.{value.__qualname__}>"
    babel = type(value).__module__.startswith("babel")  # a theme's locale: its str is its name
    shown = str(value) if babel else repr(value)
    if " at 0x" in shown:
        raise Unstable(shown)
    return f"<{type(value).__qualname__} {shown}>"


def _folder_digest(folder: Path) -> str:
    digest = Digest(str(folder.is_dir()))
    for path in files_under(folder):
        digest.add(path.relative_to(folder).as_posix(), path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _distributions() -> Mapping[str, list[str]]:
    """Which distributions provide each top-level module (read once per process)."""
    return metadata.packages_distributions()


def _extension_versions(config: MkDocsConfig) -> list[str]:
    """The version of the package behind each Markdown extension (a Pygments or PyMdown
    upgrade changes the HTML)."""
    owners = _distributions()
    found = {"pygments"}
    for extension in config.markdown_extensions:
        if isinstance(extension, str):
            found.update(owners.get(extension.split(".")[0], ()))
    return [f"{name}={version_of(name)}" for name in sorted(found)]


def conversion_fingerprint(config: MkDocsConfig, files: Files) -> str:
    """A hash of everything besides a page's Markdown that its conversion reads: the Markdown
    extensions with their settings, versions and icon folders, every file's place, and
    whether debug messages and warnings are logged (which decides what a conversion keeps and
    records; the info messages of a restored page are the ones its conversion could log)."""
    emoji = config.mdx_configs.get("pymdownx.emoji", {})
    icons = (emoji.get("options") or {}).get("custom_icons", []) if isinstance(emoji, dict) else []
    digest = Digest(_VERSION, code_digest(), *_extension_versions(config), json.dumps(_stable({
        "markdown_extensions": config.markdown_extensions,
        "mdx_configs": config.mdx_configs,
        "use_directory_urls": config.use_directory_urls,
        "validation": config.validation,
        # DEBUG on: MkDocs keeps no anchored links; WARNING off: no warning is recorded
        "levels": [[logging.getLogger(name).isEnabledFor(level) for name in _LOGGERS]
                   for level in (logging.DEBUG, logging.WARNING)],
    }), sort_keys=True), *(_folder_digest(Path(folder)) for folder in icons))
    for file in sorted(files, key=lambda f: f.src_uri):
        digest.add(file.src_uri, file.dest_uri, file.url, str(file.inclusion))
    return digest.hexdigest()


def site_fingerprint(config: MkDocsConfig) -> str:
    """A hash of the settings the theme's template reads: every setting but the places
    (:data:`_APART`), the theme with its options and the files of its ``custom_dir``, and
    each plugin's name and settings."""
    settings = {k: v for k, v in config.items() if k not in _APART}
    theme = config.theme
    options = {k: v for k, v in theme.items() if k != "custom_dir"}
    custom = theme.custom_dir
    plugins = {name: dict(getattr(plugin, "config", {}) or {})
               for name, plugin in config.plugins.items()}
    for options_of in plugins.values():  # apiscribe's own places
        options_of.pop("cache_dir", None)
        options_of.pop("watch", None)
    return Digest(_VERSION, json.dumps(_stable({
        "settings": settings, "theme": theme.name, "options": options, "plugins": plugins,
        "custom_dir": _folder_digest(Path(custom)) if custom else "",
        "locale": str(theme.locale) if theme.locale else "",
        # what a build's date comes from (MkDocs' own themes show it)
        "date": os.environ.get("SOURCE_DATE_EPOCH", ""),
    }), sort_keys=True)).hexdigest()


def nav_fingerprint(nav: Navigation) -> str:
    """A hash of the navigation as the templates show it: each item's kind, depth, title and
    URL, in order."""
    digest = Digest(_VERSION)

    def walk(items: Iterable[StructureItem], depth: int) -> None:
        for item in items:
            if isinstance(item, Section):
                digest.add("section", str(depth), str(item.title))
                walk(item.children, depth + 1)
            elif isinstance(item, (Page, Link)):
                digest.add(type(item).__name__, str(depth), str(item.title), str(item.url))
                if isinstance(item, Page):  # Material shows a page's icon, status, subtitle
                    digest.add(json.dumps(_stable(item.meta), sort_keys=True))
    walk(nav.items, 0)
    homepage = nav.homepage
    digest.add("home", homepage.url if homepage is not None else "")
    return digest.hexdigest()


def page_key(fingerprint: str, src_uri: str, source: str) -> str:
    """The key of a page's conversion: its path and Markdown under ``fingerprint``."""
    return Digest(fingerprint, src_uri, source).hexdigest()


def output_key(key: str, site: str, nav: str, page: Page) -> str:
    """The key of a page's output: its conversion, the site, the navigation and the page's
    own title and URL."""
    return Digest(key, site, nav, str(page.title), page.url).hexdigest()


def search_key(key: str, search: str, page: Page) -> str:
    """The key of a page's search entries: its conversion, the search settings, the page's
    title and URL."""
    return Digest(key, search, str(page.title), page.url).hexdigest()


class Capture(logging.Handler):
    """Keeps the log records of one page's conversion, as they go on to be logged."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []
        self._loggers: list[logging.Logger] = []
        self._thread: int | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self._thread:  # a server's thread, logging meanwhile
            return
        if not any(kept is record for kept in self.records):  # seen by both loggers
            self.records.append(record)

    def start(self) -> None:
        self.records, self._thread = [], threading.get_ident()
        self._loggers = [logging.getLogger("mkdocs"), logging.getLogger()]
        for logger in self._loggers:
            logger.addHandler(self)

    def stop(self) -> list[logging.LogRecord]:
        for logger in self._loggers:
            logger.removeHandler(self)
        self._loggers = []
        return self.records


class CachedBuild:
    """The page cache in one build: the keys of the API pages, what the cache gives back and
    what this build adds (see the module docstring). The plugin calls it at each step.

    ``last`` holds the conversions the last build in this process read or made (by key),
    which are taken before the disk's, and :attr:`kept` this build's for the next; with
    ``last`` ``None`` (no build follows), nothing is kept. On a large API, reading every
    unchanged page's entry and making its table of contents again took a fifth of a ``mkdocs
    serve`` rebuild; a build holds every page's HTML, table of contents and search entries in
    any case, and those are the objects kept, as a read of the entry would give them."""

    def __init__(self, cache: PageCache, config: MkDocsConfig, files: Files,
                 pages: Iterable[Page], search_settings: Any, *,
                 last: Mapping[str, Conversion] | None = None) -> None:
        self.cache = cache
        fingerprint = conversion_fingerprint(config, files)
        self.keys = {page.file.src_uri: page_key(fingerprint, page.file.src_uri,
                                                 page.file.content_string) for page in pages}
        self._last = last or {}
        #: The conversions this build read or made, for the next build (``None``: no next).
        self.kept: dict[str, Conversion] | None = None if last is None else {}
        #: The pages whose conversion the cache holds (by source path).
        self.hits = {uri for uri, key in self.keys.items()
                     if key in self._last or cache.has(key)}
        self._search_settings = json.dumps(_stable(search_settings), sort_keys=True)
        self._records: dict[str, list[logging.LogRecord]] = {}
        self._fresh: set[str] = set()  # converted by this build
        self._stored_search: dict[str, Any] = {}
        self._made_search: dict[str, list[dict[str, Any]]] = {}
        self._outputs: dict[str, str] = {}  # output keys of the pages this build renders
        self._served: set[str] = set()  # the pages written as the cache holds them
        self._hidden: dict[str, str] = {}  # src_uri -> the HTML of a page, while hidden
        self._site, self._nav = site_fingerprint(config), ""
        self.restored = self.written = 0

    def restore(self, src_uri: str) -> Rendered | None:
        """The stored conversion of a page the cache holds (``None``: convert it)."""
        if src_uri not in self.hits:
            return None
        key = self.keys[src_uri]
        found = self._last.get(key)
        if found is None:
            found = self.cache.read_page(key)
            if found is None:
                return None
        else:
            self.cache.touch(key, ".page")
        if self.kept is not None:
            self.kept[key] = found
        rendered, self._stored_search[src_uri] = found
        self._records[src_uri] = rendered.records
        self.restored += 1
        return rendered

    def converted(self, src_uri: str, records: list[logging.LogRecord]) -> None:
        """This build converted the page, logging ``records``."""
        if src_uri in self.keys:
            self._records[src_uri] = records
            self._fresh.add(src_uri)

    def ready(self, nav: Navigation) -> None:
        """Every page is converted: the navigation is as the templates see it."""
        self._nav = nav_fingerprint(nav)

    def _search_key(self, page: Page) -> str:
        return search_key(self.keys[page.file.src_uri], self._search_settings, page)

    def stored_search(self, page: Page) -> list[dict[str, Any]] | None:
        stored = self._stored_search.get(page.file.src_uri)
        if stored is None or stored.get("key") != self._search_key(page):
            return None
        entries: list[dict[str, Any]] = stored["entries"]
        return entries

    def made_search(self, page: Page, entries: list[dict[str, Any]]) -> None:
        if page.file.src_uri in self.keys:
            self._made_search[page.file.src_uri] = entries

    def stored_output(self, page: Page) -> str | None:
        """The page as written, when the cache holds it under this build's keys; otherwise
        the page is rendered, and :meth:`rendered` stores it."""
        key = self.keys.get(page.file.src_uri)
        if key is None:
            return None
        output = output_key(key, self._site, self._nav, page)
        html = self.cache.read_output(key, output)
        if html is None:
            self._outputs[page.file.src_uri] = output
        else:
            self._served.add(page.file.src_uri)
        return html

    def hide(self, page: Page) -> None:
        """Hide the HTML of a page written as the cache holds it, whose search entries it
        holds too, until :meth:`show`: nothing reads it meanwhile (Material's search would
        index it, and take its data-search attributes out for a template not rendered)."""
        uri = page.file.src_uri
        if (page.content is not None and uri in self._served
                and self.stored_search(page) is not None):
            self._hidden[uri], page.content = page.content, ""

    def show(self, page: Page) -> None:
        """Give a page :meth:`hide` hid its HTML back."""
        hidden = self._hidden.pop(page.file.src_uri, None)
        if hidden is not None:
            page.content = hidden

    def rendered(self, page: Page, html: str) -> None:
        output = self._outputs.pop(page.file.src_uri, None)
        if output is not None:
            self.cache.write_output(self.keys[page.file.src_uri], output, html)
            self.written += 1

    def finish(self, pages: Iterable[Page]) -> None:
        """Store what this build converted or indexed anew (and keep it, where one follows)."""
        for page in pages:
            uri = page.file.src_uri
            made = self._made_search.get(uri)
            if uri in self._fresh or made is not None:
                search = None if made is None else (self._search_key(page), made)
                if search is None and (stored := self.stored_search(page)) is not None:
                    search = (self._search_key(page), stored)
                key = self.keys[uri]
                conversion = self.cache.write_page(key, page, self._records.get(uri, []), search,
                                                   keep=self.kept is not None)
                if conversion is not None and self.kept is not None:
                    self.kept[key] = conversion


def serve_stored_output(env: Environment, config: MkDocsConfig, cached: CachedBuild) -> None:
    """Make ``env`` hand MkDocs, for a page the cache holds as written, a template that gives
    exactly that: the page is not rendered again."""
    get_template = env.get_template

    def stored_or_template(name: Any, parent: str | None = None,
                           globals: dict[str, Any] | None = None) -> Any:
        page = config._current_page
        # the page's own template (its extends and includes name a parent)
        html = cached.stored_output(page) if page is not None and parent is None else None
        return _Stored(html) if html is not None else get_template(name, parent, globals)

    env.get_template = stored_or_template  # type: ignore[method-assign,assignment]


class _Stored:
    """A template that renders one stored page."""

    def __init__(self, html: str) -> None:
        self.html = html

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self.html
