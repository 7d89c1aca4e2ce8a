"""The MkDocs site: the ``apiscribe`` MkDocs plugin, a programmatic build, a config writer.

The plugin reads the JSON docs folder named by its ``api_docs`` option (relative to
mkdocs.yml) when MkDocs loads its configuration, renders the Markdown view, adds each page as
a generated file, and sets the navigation (unless mkdocs.yml has its own ``nav``). So
``mkdocs build`` and ``mkdocs serve`` always show the current JSON docs, with no extra step;
``mkdocs serve`` also reloads when they change. With ``api_docs: ""`` the plugin renders
nothing: the API pages are already in docs_dir, as in a project that ``apiscribe convert``
wrote.

Either way the plugin keeps the code blocks of the API pages (four request samples and the
example bodies of every operation) out of Material's search index, unless ``index_code`` is
true: the index then holds the prose, parameter and field tables that readers search, at about
half the size, and the search plugin parses about a third of the HTML.
"""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment
from mkdocs.commands.build import build
from mkdocs.config import config_options
from mkdocs.config.base import Config, load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException, PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.yaml import yaml_load

from .diagnostics import ApiscribeError, Diagnostic, has_errors
from .model import ApiModel
from .site_workers import PageWorkers, worker_count
from .site_workers import other_handlers as _other_handlers
from .views import markdown

log = get_plugin_logger(__name__)

DEFAULT_API_DOCS = "api-docs/endpoints"
HOME_TITLE = "Home"
SCHEMAS_TITLE = "Schemas"


# mkdocs declares Config.__init_subclass__ and BasePlugin.__init_subclass__ without types.
class ApiscribePluginConfig(Config):  # type: ignore[no-untyped-call]
    # The JSON docs folder, relative to mkdocs.yml; "" when the pages are in docs_dir already.
    api_docs = config_options.Type(str, default=DEFAULT_API_DOCS)
    # Whether the code blocks of the API pages go into the search index.
    index_code = config_options.Type(bool, default=False)
    # Processes that convert the pages' Markdown during `mkdocs build`: 0 means one per CPU,
    # 1 only MkDocs' own (see apiscribe.site_workers).
    workers = config_options.Type(int, default=0)


# A code block as Python-Markdown and Pygments write it; <pre> elements cannot nest.
_CODE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.S)


def _material_search(config: MkDocsConfig) -> Any | None:
    """Material's search plugin, when it is enabled and its index can take entries built
    elsewhere (``search_index.entries``, ``add_entry_from_context``)."""
    plugin = config.plugins.get("material/search")
    index = getattr(plugin, "search_index", None)
    enabled = getattr(getattr(plugin, "config", None), "enabled", False)
    if not enabled or not isinstance(getattr(index, "entries", None), list):
        return None
    return plugin if callable(getattr(index, "add_entry_from_context", None)) else None


def site_nav(model: ApiModel) -> list[dict[str, Any]]:
    """The navigation: Home, then one entry per section (its index page, then its endpoints),
    then the schemas page when the model has named schemas.

    Section titles are HTML-escaped (the theme prints nav titles as they are); page titles
    come from each page's heading, which the Markdown view has escaped already.
    """
    nav: list[dict[str, Any]] = [{HOME_TITLE: "index.md"}]
    for (slug, entries), section in zip(
        markdown.page_paths(model).items(), markdown.page_sections(model), strict=True
    ):
        pages = [f"{slug}/index.md", *(f"{slug}/{stem}.md" for stem, _ in entries)]
        nav.append({html.escape(section.title or section.slug): pages})
    if markdown.has_schemas_page(model):
        nav.append({SCHEMAS_TITLE: markdown.SCHEMAS_PAGE})
    return nav


def load_model(folder: Path) -> ApiModel:
    """The model from a JSON docs folder; errors in it stop the build (PluginError)."""
    from .sources import jsondocs

    if not folder.is_dir():
        raise PluginError(f"apiscribe: no JSON docs folder at {folder} (the api_docs option)")
    model, diagnostics = jsondocs.load_folder(folder)
    if has_errors(diagnostics):
        raise PluginError(_problems(folder, diagnostics))
    for diagnostic in diagnostics:
        log.warning(diagnostic.format())
    return model


def _problems(folder: Path, diagnostics: Sequence[Diagnostic]) -> str:
    errors = [d for d in diagnostics if d.level == "error"]
    lines = [f"apiscribe: {len(errors)} error(s) in the JSON docs at {folder}:"]
    lines += [d.format() for d in sorted(diagnostics)]
    return "\n".join(lines)


class ApiscribePlugin(BasePlugin[ApiscribePluginConfig]):  # type: ignore[no-untyped-call]
    """Renders the API reference pages from JSON docs into the MkDocs build."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.pages: dict[str, str] = {}
        self._command: str | None = None
        self._workers = PageWorkers()
        # src_uri -> the Markdown source of a page a worker renders
        self._sources: dict[str, str] = {}

        self._search: Any | None = None  # Material's search plugin, when a worker indexes
        self._pages: list[Page] = []

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._command = None if dirty else command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self.pages = {}
        if not self.config.api_docs:
            self.folder = None
            return config
        base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self.folder = (base / self.config.api_docs).resolve()
        model = load_model(self.folder)
        self.pages = markdown.render(model)
        if config.nav is None:
            config.nav = site_nav(model)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        for src_uri, content in self.pages.items():
            if files.get_file_from_path(src_uri) is not None:
                log.info(f"docs_dir has its own {src_uri}; it is used instead of the API page")
                continue
            files.append(File.generated(config, src_uri, content=content))
        return files

    def on_nav(
        self, nav: Navigation, /, *, config: MkDocsConfig, files: Files
    ) -> Navigation | None:
        self._search = None
        search = _material_search(config)
        if search is not None:
            self._filter_index(search)
        if self._command not in ("build", "gh-deploy"):
            return nav
        workers = worker_count(self.config.workers)
        reason = self._workers.why_not(config, files, self, workers)
        if reason is None:
            # The index can be built elsewhere when nothing else reads pages before it.
            alone = search is not None and not _other_handlers(config, "page_context",
                                                                {self, search})
            job = functools.partial(self._index_pages, search) if alone else None
            self._workers.start(config, files, workers, job)
        else:
            log.debug(f"every page is rendered in the build process: {reason}")
        return nav

    @event_priority(-100)  # last: the source as the other handlers left it
    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if not self._workers.take(page.file.src_uri):
            return markdown
        self._sources[page.file.src_uri] = markdown
        return ""  # a worker rendered it: MkDocs renders an empty page in its place

    @event_priority(100)  # first: the other handlers see the worker's HTML
    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        content = self._workers.put(page, files)
        if content is None:
            return html
        page.markdown = self._sources.pop(page.file.src_uri)
        return content

    def on_env(
        self, env: Environment, /, *, config: MkDocsConfig, files: Files
    ) -> Environment | None:
        # Every page is rendered: a worker builds the search index while MkDocs writes pages.
        self._pages = [f.page for f in files.documentation_pages() if f.page is not None]
        if self._workers.follow_up(self._pages):  # only when on_nav gave the worker the job
            log.debug("a worker builds the search index")
            self._search = _material_search(config)
        return env

    @event_priority(100)  # before the search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        search, self._search = self._search, None
        if search is not None:
            entries = self._workers.answer()
            if entries is None:  # the worker failed: the build indexes the pages itself
                log.debug("the worker did not build the search index; indexing here")
                entries = self._index_pages(search, self._pages)
            search.search_index.entries = entries
        self._workers.stop()

    def on_build_error(self, *, error: Exception) -> None:
        self._search = None
        self._workers.stop()

    def _is_api_page(self, page: Page) -> bool:
        if self.folder is None:  # api_docs "": every page in docs_dir is an API page
            return True
        return page.file.src_uri in self.pages and page.file.generated_by is not None

    def _searchable(self, page: Page) -> str | None:
        """The page's content as the search index reads it: without the code blocks of an API
        page (unless index_code)."""
        if self.config.index_code or page.content is None or not self._is_api_page(page):
            return page.content
        return _CODE_BLOCK.sub("", page.content)

    def _add_searchable_entry(self, add_entry: Callable[[Page], None], page: Page) -> None:
        """``add_entry(page)`` with the page's content as :meth:`_searchable` gives it."""
        content = page.content
        page.content = self._searchable(page)
        try:
            add_entry(page)
        finally:
            page.content = content

    def _filter_index(self, search: Any) -> None:
        """Make Material's search index read pages through :meth:`_searchable`, and read
        nothing while a worker builds the index. Only the index sees the difference: the
        page, and every other plugin, keeps the whole content."""
        index = search.search_index
        add_entry = index.add_entry_from_context
        if getattr(add_entry, "apiscribe", False):
            return

        def add_searchable_entry(page: Page) -> None:
            if self._search is None:  # else a worker builds the index
                self._add_searchable_entry(add_entry, page)

        add_searchable_entry.apiscribe = True  # type: ignore[attr-defined]
        index.add_entry_from_context = add_searchable_entry

    def _index_pages(self, search: Any, pages: list[Page]) -> list[dict[str, Any]]:
        """The search entries of ``pages``, as Material's search plugin makes them one page at
        a time in on_page_context (the follow-up job of the first worker)."""
        index = type(search.search_index)(**search.search_index.config)
        for page in pages:
            self._add_searchable_entry(index.add_entry_from_context, page)
        return list(index.entries)


    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer | None:
        if self.folder is not None:
            server.watch(str(self.folder))
        return server


# -- the build ----------------------------------------------------------------------------


class _Collector(logging.Handler):
    """Keeps the warnings and errors MkDocs logs, for the failure message."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.warned = False

    def emit(self, record: logging.LogRecord) -> None:
        self.warned = self.warned or record.levelno == logging.WARNING
        self.messages.append(f"{record.levelname.lower()}: {record.getMessage()}")


def _docs_dir(mkdocs_yml: Path) -> Path:
    with mkdocs_yml.open("rb") as handle:
        raw = yaml_load(handle)
    docs_dir = raw.get("docs_dir", "docs") if isinstance(raw, dict) else "docs"
    return mkdocs_yml.parent / str(docs_dir)


def build_site(mkdocs_yml: Path, *, site_dir: Path | None = None, strict: bool = True) -> None:
    """Run ``mkdocs build`` on ``mkdocs_yml`` (strict: any warning fails the build).

    A missing docs_dir is created empty (every page may come from the plugin). Failures
    raise :class:`ApiscribeError`, with MkDocs' warnings and errors in the hint.
    """
    if not mkdocs_yml.is_file():
        raise ApiscribeError(f"no MkDocs configuration at {mkdocs_yml}")
    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        _docs_dir(mkdocs_yml).mkdir(parents=True, exist_ok=True)
        config = load_config(
            str(mkdocs_yml), site_dir=str(site_dir) if site_dir else None, strict=strict
        )
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (MkDocsException, yaml.YAMLError, OSError) as exc:
        lines = [f"MkDocs could not build {mkdocs_yml}: {exc}", *collector.messages]
        hint = "strict mode fails on any warning" if strict and collector.warned else ""
        raise ApiscribeError("\n  ".join(lines), hint=hint) from exc
    finally:
        logger.removeHandler(collector)


# -- the configuration ----------------------------------------------------------------------

_MKDOCS_YML = """\
{comment}
{site_name}
docs_dir: {docs_dir}
site_dir: {site_dir}
theme:
  name: material
  font: false  # system fonts: the site loads nothing from other hosts
  features:
    # Large sites: the full navigation is rendered into every page, so its cost grows with
    # the square of the page count. navigation.prune renders only the active section (with
    # small sections and their index pages); navigation.sections and navigation.expand would
    # render every section in full, so both stay off.
    - navigation.indexes
    - navigation.prune
    - content.code.copy
    - content.tabs.link
    - search.highlight
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode
plugins:
  - search
{plugin}markdown_extensions:
  - admonition
  - attr_list
  - pymdownx.details
  - pymdownx.highlight
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - tables
  - toc:
      permalink: true
"""


def _scalar(value: str) -> str:
    dumped: str = yaml.safe_dump(value, allow_unicode=True, width=1_000_000)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def write_mkdocs_config(
    *,
    title: str,
    api_docs: str = DEFAULT_API_DOCS,
    docs_dir: str = "docs",
    site_dir: str = "site",
    extra_css: Sequence[str] = (),
) -> str:
    """The text of a mkdocs.yml for an API reference site (paths relative to the file).

    Plain ``mkdocs`` needs ``docs_dir`` to exist (it may be empty); :func:`build_site`
    creates it. The title is HTML-escaped for ``site_name``: the theme prints it as it is.
    """
    site_name = yaml.safe_dump(
        {"site_name": html.escape(title)}, allow_unicode=True, width=1_000_000
    ).rstrip("\n")
    comment = (
        "# The MkDocs Material site of the API reference. The apiscribe plugin renders every "
        "API\n# page from the JSON docs in "
        f"{' '.join(api_docs.split())} on each `mkdocs build` and `mkdocs serve`."
    )
    text = _MKDOCS_YML.format(
        comment=comment,
        site_name=site_name,
        plugin=f"  - apiscribe:\n      api_docs: {_scalar(api_docs)}\n",
        docs_dir=_scalar(docs_dir),
        site_dir=_scalar(site_dir),
    )
    if extra_css:
        text += "extra_css:\n" + "".join(f"  - {_scalar(css)}\n" for css in extra_css)
    return text


def write_static_mkdocs_config(
    model: ApiModel, *, docs_dir: str = "docs", site_dir: str = "site"
) -> str:
    """A mkdocs.yml for pages already rendered into ``docs_dir``.

    Used for models that JSON docs cannot hold whole, such as an imported OpenAPI document:
    the Markdown view is written out and the navigation is given explicitly. The apiscribe
    plugin renders nothing here (``api_docs: ""``); it keeps the code blocks out of the
    search index.
    """
    site_name = yaml.safe_dump(
        {"site_name": html.escape(model.title)}, allow_unicode=True, width=1_000_000
    ).rstrip("\n")
    text = _MKDOCS_YML.format(
        comment="# The MkDocs Material site of the API reference, rendered by apiscribe.",
        site_name=site_name,
        plugin=(
            "  - apiscribe:\n"
            '      api_docs: ""  # the pages are in docs_dir already\n'
        ),
        docs_dir=_scalar(docs_dir),
        site_dir=_scalar(site_dir),
    )
    nav = yaml.safe_dump({"nav": site_nav(model)}, allow_unicode=True, sort_keys=False,
                         width=1_000_000)
    return text + nav
