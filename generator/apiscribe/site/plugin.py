"""The ``apiscribe`` MkDocs plugin: the API pages, rendered from the model into the build.

The model comes from one of two places:

- handed over by :func:`~.build.build_site`, which ``apiscribe build`` and ``apiscribe
  convert --to site`` call with the model the command has in memory; nothing is read back
  from disk;
- on a plain ``mkdocs build`` or ``mkdocs serve``, read from the plugin's ``api_docs`` option
  (relative to mkdocs.yml): a JSON docs folder, or an OpenAPI/Swagger file or URL, through the
  same sources as ``apiscribe convert``. ``mkdocs serve`` reloads when it changes. With
  ``api_docs: ""`` the plugin renders nothing: the API pages are in docs_dir already.

The plugin renders the Markdown view, adds each page as a generated file (a page of the
user's own with the same path wins), and sets the navigation unless mkdocs.yml has its own.
Beside the pages it puts the files for machines (:mod:`.machine_files`): ``llms.txt``,
``openapi.json`` and the Markdown twin of every page, linked from the home page; each can
be turned off. ``mkdocs serve`` watches ``api_docs`` and the paths of the ``watch`` option.
With ``generate``, each build first runs ``apiscribe generate`` (in its own process), so the
pages follow the app's docstrings.
It adds its stylesheet (``stylesheet``: badges, folded fields, paths that wrap) and keeps
the API pages' code blocks out of the search index (:mod:`.search`) and renders
pages in forked workers during ``mkdocs build`` (:mod:`.workers`). It adds a Markdown
extension that gives Python-Markdown less to do and to hold for the same HTML
(:mod:`.lean_markdown`).
"""

from __future__ import annotations

import functools
import subprocess
import sys
import threading
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, file_sort_key
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..collector import collect_when_idle
from ..digests import code_digest
from ..forking import beside
from ..model import ApiModel
from ..redact import scan_kept
from ..views import markdown
from ..views.openapi import OpenApiMemo
from . import html_memo, machine_files, nav_memo
from .api_docs import ApiDocs
from .cache_store import Conversion, MarkdownStore, PageCache
from .compact import compact_templates
from .mkdocs_yml import DEFAULT_API_DOCS, site_nav
from .page_cache import CACHE_DIR, CachedBuild, Capture, Unstable, serve_stored_output
from .page_cache import why_not as cache_off
from .search import Entry, SearchFilter, material_search
from .template_memo import TemplateMemo
from .workers import PageWorkers, Rendered, other_handlers, put_in_place, worker_count

log = get_plugin_logger(__name__)
#: What the source path of a page's Markdown twin ends with (its file is the page's path).
TWIN_SUFFIX = ".apiscribe-twin"
#: Where the site gets apiscribe's stylesheet (``apiscribe/site/apiscribe.css``).
STYLESHEET = "assets/apiscribe/apiscribe.css"
#: The Markdown extension the plugin adds to every conversion (:mod:`.lean_markdown`).
LEAN_MARKDOWN = "apiscribe.site.lean_markdown"
#: Seconds after a build of ``mkdocs serve`` (the page reloaded by then) before the garbage
#: of the build is collected (:func:`~apiscribe.collector.collect_when_idle`).
IDLE_COLLECTION = 1.0


# mkdocs declares Config.__init_subclass__ and BasePlugin.__init_subclass__ without types.
class ApiscribePluginConfig(Config):  # type: ignore[no-untyped-call]
    # What the API pages are rendered from, relative to mkdocs.yml: a JSON docs folder, or an
    # OpenAPI/Swagger file or URL; "" when the pages are in docs_dir already.
    api_docs = config_options.Type(str, default=DEFAULT_API_DOCS)
    # Whether `$ref`s of an API description may reach http(s) URLs.
    allow_remote_refs = config_options.Type(bool, default=False)
    # Whether the code blocks of the API pages go into the search index.
    index_code = config_options.Type(bool, default=False)
    # Processes converting pages in `mkdocs build`, 0 one per CPU (apiscribe.site.workers).
    workers = config_options.Type(int, default=0)
    # Files for machines: llms.txt at the root, the OpenAPI document as openapi.json, and
    # the Markdown of every API page beside it (see apiscribe.site.machine_files).
    llms_txt = config_options.Type(bool, default=True)
    openapi_json = config_options.Type(bool, default=True)
    markdown_twins = config_options.Type(bool, default=True)
    # More files or folders (relative to mkdocs.yml) whose changes rebuild `mkdocs serve`.
    watch = config_options.ListOfItems(config_options.Type(str), default=[])
    # Whether every build first runs `apiscribe generate` in mkdocs.yml's folder (with the
    # project's [tool.apiscribe] settings), so the pages follow the app's docstrings and
    # recordings; with `watch` naming the app's sources, `mkdocs serve` follows each save.
    generate = config_options.Type(bool, default=False)
    # Whether the pages get apiscribe's stylesheet (badges, folded fields, wrapping paths).
    stylesheet = config_options.Type(bool, default=True)
    # Whether the theme's HTML templates are read without the indentation of their lines
    # (see apiscribe.site.compact): a third less HTML on a large API, shown the same.
    compact_html = config_options.Type(bool, default=True)
    # The page cache (see apiscribe.site.page_cache): each API page's Markdown, HTML and
    # output are kept in cache_dir (relative to mkdocs.yml), so a build after a small change
    # renders and converts only the pages that changed.
    cache = config_options.Type(bool, default=True)
    cache_dir = config_options.Type(str, default=CACHE_DIR)


def _config_folder(config: MkDocsConfig) -> Path:
    """The folder of mkdocs.yml, which the plugin's paths are relative to."""
    return Path(config.config_file_path).parent if config.config_file_path else Path()


def run_generate(folder: Path) -> None:
    """``apiscribe generate`` in ``folder``, as its own process (the plugin renders what it
    writes); its errors stop the build, its warnings are logged."""
    done = subprocess.run([sys.executable, "-m", "apiscribe", "generate", "--quiet"],
                          cwd=folder, capture_output=True, text=True, check=False)
    said = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise PluginError(f"apiscribe: `apiscribe generate` in {folder} failed "
                          f"(exit {done.returncode}):\n{said}")
    for line in said.splitlines():
        log.info(line)


class ApiscribePlugin(BasePlugin[ApiscribePluginConfig]):  # type: ignore[no-untyped-call]
    """Renders the API reference pages from the model into the MkDocs build."""

    def __init__(self) -> None:
        #: The model handed over by build_site; None: read ``api_docs``.
        self.given: ApiModel | None = None
        self.pages: dict[str, str] = {}
        self.machine = machine_files.MachineFiles()  # llms.txt, openapi.json (twins: pages)
        self.watched: Path | None = None
        self._command: str | None = None
        self._workers = PageWorkers()
        self._search: Any | None = None  # Material's search plugin, while a worker indexes
        self._pages: list[Page] = []
        self._nav: Navigation | None = None
        #: The page cache of this build (None: off).
        self.cached: CachedBuild | None = None
        self._cache_dir: Path | None = None
        # src_uri -> what a worker or the cache rendered of a page MkDocs is reading
        self._given: dict[str, Rendered] = {}
        self._capture = Capture()
        # The last build's Markdown, for the rebuilds of `mkdocs serve` (views.markdown).
        self._markdown: dict[str, str] = {}
        # The page conversions the last build read from the cache or made, for the next.
        self._conversions: dict[str, Conversion] = {}
        self._texts: markdown.Texts = {}  # the parts' texts in the page keys
        # The keys of the pages whose Markdown the last scan for credentials found clean.
        self._scanned: set[str] = set()
        self._cache: PageCache | None = None
        self._indexing: list[Page] = []  # the pages a worker indexes
        # The theme's compiled templates, from one build of `mkdocs serve` to the next.
        self._templates = TemplateMemo()
        # The api_docs option, read; with the last read, from one build to the next.
        self._api_docs = ApiDocs()
        # openapi.json's parts, from one build to the next (where no fork makes it).
        self._openapi = OpenApiMemo()
        # The garbage collection after a build of `mkdocs serve`, made once it idles.
        self._collection: threading.Timer | None = None
        self.search_filter = SearchFilter(
            self._is_api_page, lambda: self._search is not None,
            stored=self._stored_search, made=self._made_search)

    def hand_over(self, model: ApiModel | None, cache_dir: Path | None = None) -> None:
        """Render ``model`` in the next build instead of reading the ``api_docs`` option,
        with the page cache in ``cache_dir`` instead of the ``cache_dir`` option's."""
        self.given, self._cache_dir = model, cache_dir

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._command = None if dirty else command

    @property
    def _builds_once(self) -> bool:
        """Whether this process builds the site once, with no build to follow
        (``mkdocs build``, ``gh-deploy``; not ``mkdocs serve`` nor a dirty build)."""
        return self._command in ("build", "gh-deploy")

    def on_shutdown(self) -> None:
        self.given, self._cache_dir = None, None
        self.machine.clear()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if self._collection is not None:  # a build again, before the last one's collection
            self._collection.cancel()
            self._collection.join()  # its thread gone: this build may fork
        self.pages, self.watched, self._cache = {}, None, None
        self.machine.clear()  # the last build's
        self.search_filter.index_code = self.config.index_code
        if LEAN_MARKDOWN not in config.markdown_extensions:
            config.markdown_extensions.append(LEAN_MARKDOWN)
        if self.config.cache:
            folder = self._cache_dir or _config_folder(config) / self.config.cache_dir
            self._cache = PageCache(folder.resolve())
        serving = not self._builds_once  # what one build keeps for the next, where one follows
        model = self.given
        if model is None:
            if not self.config.api_docs:
                return config
            base = _config_folder(config)
            if self.config.generate:
                run_generate(base)
            model, self.watched = self._api_docs.read(
                self.config.api_docs, base, allow_remote_refs=self.config.allow_remote_refs,
                cache=self._cache.folder if self._cache is not None else None, keep=serving)
            if self._api_docs.reused:
                log.info(f"{self._api_docs.reused} operations are the last build's, as read")
        store = MarkdownStore(self._cache, self._markdown, code_digest())
        memo = markdown.RenderMemo(store, self._texts)
        if self.config.openapi_json:  # made in a fork meanwhile, where one is safe
            with beside(machine_files.write_openapi_json, model, self.machine.folder(),
                        self._openapi if serving else None) as openapi:
                self.pages = markdown.render(model, memo, fork=True)
                self.machine.made[machine_files.OPENAPI_JSON] = openapi.result()
        else:
            self.pages = markdown.render(model, memo, fork=True)
        self._markdown, self._texts = store.kept, memo.texts if serving else {}
        if memo.reused:
            log.debug(f"the Markdown of {memo.reused} pages is the last build's")
        # the pages whose Markdown an earlier build in this process found clean are not read
        leaks = scan_kept(self.pages, memo.keys, self._scanned)
        self._scanned.intersection_update(memo.keys.values())
        if leaks:  # the last line of defence: build nothing
            raise PluginError("\n".join(["apiscribe: the pages would publish a credential:",
                                         *[d.format() for d in leaks]]))
        self._add_machine_files(model, config)
        if self.config.stylesheet and STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        if config.nav is None:
            config.nav = site_nav(model)
        return config

    def _add_machine_files(self, model: ApiModel, config: MkDocsConfig) -> None:
        options = self.config
        if options.llms_txt:
            self.machine.made[machine_files.LLMS_TXT] = machine_files.llms_txt(
                model, site_url=config.site_url or "", openapi=options.openapi_json)
        home = machine_files.home_section(openapi=options.openapi_json, llms=options.llms_txt,
                                          twins=options.markdown_twins)
        if home and "index.md" in self.pages:
            self.pages["index.md"] = self.pages["index.md"].rstrip("\n") + "\n" + home

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        if STYLESHEET in config.extra_css and files.get_file_from_path(STYLESHEET) is None:
            css = resources.files("apiscribe.site").joinpath("apiscribe.css").read_text("utf-8")
            files.append(File.generated(config, STYLESHEET, content=css))
        for src_uri, content in self.pages.items():
            if files.get_file_from_path(src_uri) is not None:
                log.info(f"docs_dir has its own {src_uri}; it is used instead of the API page")
                continue
            files.append(File.generated(config, src_uri, content=content))
            if self.config.markdown_twins:  # a copy of the page's Markdown, at its path
                twin = File.generated(config, f"{src_uri}{TWIN_SUFFIX}", content=content)
                twin.dest_uri = src_uri
                files.append(twin)
        self.machine.add_to(files, config)
        # In the order MkDocs lists a docs folder (index first, then by name), so the pages
        # are built, and the search index written, as if they were files in docs_dir.
        return Files(sorted(files, key=file_sort_key))

    def on_nav(
        self, nav: Navigation, /, *, config: MkDocsConfig, files: Files
    ) -> Navigation | None:
        self._search, self._nav, self._given = None, nav, {}
        search = material_search(config)
        if search is not None:
            self.search_filter.install(search)
        self.cached = self._cached_build(config, files, search)
        hits = self.cached.hits if self.cached is not None else set()
        if not self._builds_once:
            return nav
        workers = worker_count(self.config.workers)
        reason = self._workers.why_not(config, files, self, workers, skip=hits)
        if reason is None:
            # The index can be built elsewhere when nothing else reads pages before it.
            alone = search is not None and not other_handlers(config, "page_context",
                                                              {self, search})
            job = functools.partial(self.search_filter.entries_of, search) if alone else None
            self._workers.start(config, files, workers, job, skip=hits)
        else:
            log.debug(f"every page is rendered in the build process: {reason}")
        return nav

    def _cached_build(self, config: MkDocsConfig, files: Files, search: Any | None
                      ) -> CachedBuild | None:
        if self._cache is None:
            return None
        reason = cache_off(config, {self, search} if search is not None else {self})
        if reason is not None:
            log.info(f"the page cache is off: {reason}")
            return None
        pages = [f.page for f in files.documentation_pages()
                 if f.page is not None and self._is_api_page(f.page)]
        settings = [dict(search.config) if search is not None else None, self.config.index_code]
        try:
            cached = CachedBuild(self._cache, config, files, pages, settings,
                                 last=None if self._builds_once else self._conversions)
        except Unstable as exc:
            log.info(f"the page cache is off: a setting has no stable form ({exc})")
            return None
        log.debug(f"the page cache has {len(cached.hits)} of {len(pages)} API pages")
        return cached

    @event_priority(-100)  # last: the source as the other handlers left it
    def on_page_markdown(
        self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        uri = page.file.src_uri
        cached = self.cached
        result = cached.restore(uri) if cached is not None else None
        if result is not None:
            result.replay()  # what converting it logged, logged again
        else:
            result = self._workers.take(uri)
            if cached is not None and uri in cached.keys:
                if result is None:
                    self._capture.start()
                else:
                    cached.converted(uri, result.records)
        if result is not None:  # the cache or a worker has the page: MkDocs renders nothing
            self._given[uri] = result
            given = result
            page.render = (  # type: ignore[method-assign]
                lambda config, files: put_in_place(page, given, files))
        return markdown

    @event_priority(100)  # first
    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        uri = page.file.src_uri
        if self._given.pop(uri, None) is not None:
            del page.render  # MkDocs' own again
        elif self.cached is not None and uri in self.cached.keys:
            self.cached.converted(uri, self._capture.stop())
        return html

    def on_env(
        self, env: Environment, /, *, config: MkDocsConfig, files: Files
    ) -> Environment | None:
        if self._cache is not None:  # the workers have forked: entries are written aside
            self._cache.write_behind()
        html_memo.forget()  # this process has converted its pages
        # First: it knows Material's templates by their own sources.
        nav_memo.install(env, config, {self, config.plugins.get("material/search")})
        if self.config.compact_html:
            compact_templates(env)
        self._templates.install(env)
        # Every page is rendered: a worker builds the search index while MkDocs writes pages.
        self._pages = [f.page for f in files.documentation_pages() if f.page is not None]
        cached = self.cached
        self._indexing = self._pages
        if cached is not None:
            assert self._nav is not None
            cached.ready(self._nav)
            self._indexing = [p for p in self._pages if cached.stored_search(p) is None]
            serve_stored_output(env, config, cached)
        if self._workers.follow_up(self._indexing):  # only when on_nav gave the worker the job
            log.debug("a worker builds the search index")
            self._search = material_search(config)
        return env

    @event_priority(100)  # first: before Material's search reads the page
    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> Any:
        if self._search is not None:  # a worker builds the index; this process joins it later
            self.search_filter.keep(page)
        if self.cached is not None:
            self.cached.hide(page)
        return context

    @event_priority(-100)  # last: the page as it is written
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        if self.cached is not None:
            self.cached.show(page)
            self.cached.rendered(page, output)
        return output

    @event_priority(100)  # before the search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        search, self._search = self._search, None
        cached = self.cached
        if search is not None:
            job = functools.partial(self.search_filter.entries_of, search)
            made = self._workers.answer(self._indexing, job) or [job(p) for p in self._indexing]
            self.search_filter.forget()
            found = dict(zip((p.file.src_uri for p in self._indexing), made, strict=True))
            entries: list[Entry] = []
            for page in self._pages:
                stored = found.get(page.file.src_uri)
                if stored is None:
                    stored = self._stored_search(page)
                else:
                    self._made_search(page, stored)
                entries += stored or []
            search.search_index.entries = entries
        self._workers.stop()
        if cached is not None:
            cached.finish(self._pages)
            log.info(f"the page cache gave {cached.restored} converted pages; "
                      f"{cached.written} pages were rendered anew")
        self._conversions = (cached.kept if cached is not None else None) or {}
        if self._cache is not None:
            self._cache.prune(max(len(self.pages), len(cached.keys) if cached else 0))
        # The build is done: what it held goes (MkDocs keeps this plugin for the next one).
        self._pages, self._nav, self._indexing, self.cached, self._given = [], None, [], None, {}
        if not self._builds_once:  # its cycles are collected while the server idles
            self._collection = collect_when_idle(IDLE_COLLECTION)

    def on_build_error(self, *, error: Exception) -> None:
        self.machine.clear()
        if self.cached is not None:  # a page hidden when the build failed gets its HTML back
            for page in self._pages:
                self.cached.show(page)
        if self._cache is not None:
            self._cache.flush()
        self._search, self.cached = None, None
        self.search_filter.forget()
        self._capture.stop()
        self._workers.stop()

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer | None:
        if self.watched is not None:
            server.watch(str(self.watched))
        base = _config_folder(config)
        for path in self.config.watch:
            server.watch(str((base / path).resolve()))
        return server

    def _stored_search(self, page: Page) -> list[Entry] | None:
        return self.cached.stored_search(page) if self.cached is not None else None

    def _made_search(self, page: Page, entries: list[Entry]) -> None:
        if self.cached is not None:
            self.cached.made_search(page, entries)

    def _is_api_page(self, page: Page) -> bool:
        if self.given is None and not self.config.api_docs:
            return True  # api_docs "": every page in docs_dir is an API page
        return page.file.src_uri in self.pages and page.file.generated_by is not None

