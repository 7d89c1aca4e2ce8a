"""Material's navigation items rendered once per build and place, not once per page.

Every page carries the site's navigation, and Material renders each of its items with a
macro (``render`` in ``partials/nav-item.html``). With ``navigation.prune``, a page of
GitHub's API reference still renders about 86 items: the top-level sections, folded, and the
siblings of the page. That was three quarters of the time MkDocs spent writing pages
(BENCHMARKS.md, "Issue 13, a twelfth pass"), though an item that does not hold the page is the
same HTML on every page that links to it the same way.

:class:`NavMemo` keeps, for one build, what the macro gave for an item that does not hold
the page being written (not ``active``). Such an item's HTML depends on the page only through
the page-relative URLs of the links in it (MkDocs' ``url`` filter, ``get_relative_url``), so
the memo is keyed by the item, the macro's arguments, and the part of the page's folder those
URLs depend on (:func:`url_base`): the whole folder when some link of the item lies in it,
else only its parent folder. The ``active`` item, and any item whose HTML could depend on the
page in another way, is rendered by the macro as before.

The memo is used only with the very templates it was written for: the two calls of the macro
are routed through it (:data:`CALLS`) when the theme's ``partials/nav.html`` and
``partials/nav-item.html`` are both the copies Material ships, with the sources of the
versions in :data:`KNOWN`. A theme that overrides either template, or another version of
Material, renders its navigation as written. The navigation is taken as settled once pages are
written: the memo stays off when another plugin or hook handles an event in which it could
change an item then (:data:`EVENTS`), or when MkDocs' ``url`` filter is not its own. An item
that holds the page being written under another entry of the navigation (a page listed
twice) is rendered by the macro. A new memo starts with each build.
"""

from __future__ import annotations

import functools
import importlib.util
import posixpath
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, Environment, TemplateNotFound, pass_context
from jinja2.runtime import Context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils.templates import url_filter

from ..digests import is_known_source
from .workers import other_handlers

#: The name of the memo's function in the templates' globals.
GLOBAL = "apiscribe_nav_item"
#: Each template the memo serves: the call of the macro in it, and what it becomes.
CALLS = {
    "partials/nav.html": (
        "{{ item.render(nav_item, path, 1) }}",
        f"{{{{ {GLOBAL}(item.render, nav_item, path, 1) }}}}",
    ),
    "partials/nav-item.html": (
        '{{ render(item, path ~ "_" ~ loop.index, level + 1, nav_item) }}',
        f'{{{{ {GLOBAL}(render, item, path ~ "_" ~ loop.index, level + 1, nav_item) }}}}',
    ),
}
#: sha256 of the sources of those templates in the Material versions the memo was checked
#: against (9.8.2): there, an item's HTML depends on the page being written only through its
#: ``active`` flag, the page itself (which an item that is not ``active`` neither is nor
#: holds, but through a ``pages`` list: see :func:`_plain`) and the ``url`` filter.
KNOWN = frozenset({
    "af33f6e032f632eb055c365eb5f1a975bf8456152fa768e69a1aad6d470b843f",  # nav.html
    "89895208f22d68ce405a4bcb6649b9150eba5bbb04663a6cb3f93f02daf1d2f7",  # nav-item.html
})

_MISSING = object()  # a macro argument the template did not pass


def _parts(path: str) -> tuple[str, ...]:
    """A URL path's segments as MkDocs' ``get_relative_url`` compares them (``_norm_parts``)."""
    if not path.startswith("/"):
        path = "/" + path
    path = posixpath.normpath(path)[1:]
    return tuple(path.split("/")) if path else ()


def page_folder(url: str) -> tuple[str, ...]:
    """The segments of the folder MkDocs makes a page's links relative to: its URL, less a
    last segment with a dot in it (a file)."""
    folder, _, name = url.rpartition("/")
    return _parts(folder if "." in name else url)


def prefixes_of(urls: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """Every start (whole ones included) of the segments of the paths of ``urls`` (links:
    MkDocs reads a backslash in them as a slash)."""
    paths = [_parts(url.replace("\\", "/")) for url in urls]
    return frozenset(path[:end] for path in paths for end in range(len(path) + 1))


def url_base(folder: tuple[str, ...], prefixes: frozenset[tuple[str, ...]]
             ) -> tuple[bool, tuple[str, ...]]:
    """What the relative URLs, from a page in ``folder``, of links whose paths have the
    segment ``prefixes`` depend on.

    ``get_relative_url`` climbs from the folder to the longest start it shares with the link,
    then goes down the rest of the link. When no link starts with the whole folder, that start
    is shorter than the folder, so it is the one the folder's parent shares with the link, and
    the climb is one step longer than from the parent: the URLs depend on the parent alone.
    """
    if not folder or folder in prefixes:
        return True, folder
    return False, folder[:-1]


def _children(item: Any) -> list[Any]:
    return list(getattr(item, "children", None) or ())


def _subtree(item: Any) -> list[Any]:
    found, todo = [], [item]
    while todo:
        node = todo.pop()
        found.append(node)
        todo.extend(_children(node))
    return found


def _plain(nodes: list[Any]) -> bool:
    """Whether no item holds a list of pages (as a view of Material's blog does): the macro
    renders such an item as the page being written when that page is in the list."""
    return not any(getattr(node, "pages", None) for node in nodes)


def _file(node: Any) -> Any:
    file = getattr(node, "file", None)
    return getattr(file, "src_uri", None)


class _Shape:
    """What the memo knows of an item: its subtree's pages (by source file) and the segment
    prefixes of its links' paths (``None`` where the memo does not serve it)."""

    def __init__(self, item: Any) -> None:
        self.item = item  # kept alive, so that no other item takes its id in this build
        nodes = _subtree(item)
        self.files = {found for node in nodes if (found := _file(node)) is not None}
        # Jinja gives "" for an item without a URL (a section), and str() of the rest.
        urls = (str(getattr(node, "url", "")) for node in nodes)
        self.prefixes = prefixes_of(urls) if _plain(nodes) else None


#: Events in which a plugin could change a navigation item while the pages are written.
EVENTS = ("page_context", "post_page")


def install(env: Environment, config: MkDocsConfig, owners: set[object]) -> NavMemo | None:
    """A new memo, for one build, installed in ``env``; none when a plugin or hook other
    than ``owners`` handles one of :data:`EVENTS`."""
    if any(other_handlers(config, event, owners) for event in EVENTS):
        return None
    memo = NavMemo()
    memo.install(env)
    return memo


class NavMemo:
    """The navigation items' HTML of one build (see the module's docstring)."""

    def __init__(self) -> None:
        self.items: dict[tuple[Any, ...], Any] = {}
        self._shapes: dict[int, _Shape] = {}  # by id(item)
        self._folders: dict[str, tuple[str, ...]] = {}
        self.rendered = 0

    def install(self, env: Environment) -> None:
        """Route the navigation macro's calls in ``env``'s copies of Material's templates
        through this memo (the templates are read through :class:`NavLoader`), where ``env``
        has MkDocs' own ``url`` filter."""
        if env.loader is None or env.filters.get("url") is not url_filter:
            return
        if not isinstance(env.loader, NavLoader):
            env.loader = NavLoader(env.loader)

        @pass_context
        def render(context: Context, *arguments: Any) -> Any:
            return self.render(context, *arguments)

        env.globals[GLOBAL] = render

    def _shape(self, item: Any) -> _Shape:
        shape = self._shapes.get(id(item))
        if shape is None or shape.item is not item:
            shape = self._shapes[id(item)] = _Shape(item)
        return shape

    def render(self, context: Context, render: Callable[..., Any], item: Any, path: Any,
               level: Any, parent: Any = _MISSING) -> Any:
        """What ``render(item, path, level[, parent])`` gives, from the memo when it may."""
        arguments = (item, path, level) if parent is _MISSING else (item, path, level, parent)
        page = context.get("page")
        url = getattr(page, "url", None)
        if getattr(item, "active", False) or not isinstance(url, str):
            return render(*arguments)
        shape = self._shape(item)
        # A page listed twice in the navigation is active only where it was listed last:
        # an item that holds it elsewhere shows it as the page being written.
        if shape.prefixes is None or _file(page) in shape.files:
            return render(*arguments)
        folder = self._folders.get(url)
        if folder is None:
            folder = self._folders[url] = page_folder(url)
        parent_active = None if parent is _MISSING else bool(getattr(parent, "active", False))
        key = (id(item), path, level, parent_active, url_base(folder, shape.prefixes))
        found = self.items.get(key)
        if found is None:
            found = self.items[key] = render(*arguments)
            self.rendered += 1
        return found


def known(source: str) -> bool:
    """Whether ``source`` is one of the templates the memo was checked against."""
    return is_known_source(source, KNOWN)


@functools.cache
def _material_templates() -> Path | None:
    """The folder of the templates Material ships, if it is installed."""
    spec = importlib.util.find_spec("material")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent.resolve() / "templates"


#: What a Jinja loader gives for a template: its source, file name and up-to-date check.
_Source = tuple[str, str | None, Callable[[], bool] | None]


class NavLoader(BaseLoader):
    """A Jinja loader that gives Material's own ``partials/nav.html`` and
    ``partials/nav-item.html`` with the macro's calls routed through the memo
    (:data:`CALLS`), and everything else as ``loader`` gives it."""

    def __init__(self, loader: BaseLoader) -> None:
        self.loader = loader
        self.routed: set[str] = set()
        # Material's own copies of the templates of CALLS, as the loader gave them; empty
        # when either is not; None until the first of them is asked for
        self._material: dict[str, _Source] | None = None

    def get_source(self, environment: Environment, template: str) -> _Source:
        call = CALLS.get(template)
        material = self._materials(environment) if call is not None else {}
        if call is None or template not in material:
            return self.loader.get_source(environment, template)
        source, filename, uptodate = material[template]
        self.routed.add(template)
        return source.replace(*call), filename, uptodate

    def _materials(self, environment: Environment) -> dict[str, _Source]:
        """Each template of :data:`CALLS` as the loader gives it, when all of them are
        Material's own copies as the memo knows them, else none: the macro and its callers
        go together (a theme that overrides ``nav-item.html`` alone still has Material's
        ``nav.html`` call it)."""
        if self._material is None:
            found: dict[str, _Source] = {}
            for template, (call, _) in CALLS.items():
                try:
                    given = self.loader.get_source(environment, template)
                except TemplateNotFound:
                    break
                source, filename, _ = given
                if filename is None or not _is_material(filename, template) \
                        or not known(source) or source.count(call) != 1:
                    break
                found[template] = given
            self._material = found if len(found) == len(CALLS) else {}
        return self._material

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()


def _is_material(filename: str, template: str) -> bool:
    """Whether ``filename`` is Material's own copy of ``template`` (not a theme override)."""
    shipped = _material_templates()
    return shipped is not None and Path(filename).resolve() == shipped / template
