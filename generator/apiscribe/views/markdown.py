"""The Markdown view: Jinja2-rendered pages for MkDocs Material.

``render(model)`` gives ``index.md`` (the home page), ``<section>/index.md`` (one per section),
``<section>/<endpoint-name>.md`` (one per endpoint) and, when the model has named schemas,
``schemas.md`` listing each with its own table. Python builds
one small context per page (the dataclasses of :mod:`apiscribe.views.pages`: the whole
template contract, re-exported here); each template sees only ``page``.

Untrusted text is escaped where it lands, by the filters in :data:`FILTERS` (see
:mod:`apiscribe.views.markdown_filters`). Section and endpoint pages start with a front-matter
``title``, HTML-escaped, because the theme prints page titles as they are. The example code
(curl, Python, JavaScript) comes from :mod:`apiscribe.views.samples`.

What an endpoint documents (parameters by location, the request body and every response with
their schemas) and, when nothing was recorded, an example built from it, come from
:mod:`apiscribe.views.operation_parts`. Webhooks are gathered into a section of their own
(:func:`page_sections`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

import jinja2

from ..forking import shared
from ..formats.httptext import format_response
from ..model import ApiModel, Endpoint, Section
from ..names import file_name, unique
from .exchanges import endpoint_path
from .markdown_filters import (
    FILTERS,
    md_cell,
    md_code,
    md_fence,
    md_inline,
    md_link_text,
    md_prose,
    meta_title,
)
from .messages import shown_request, shown_response
from .operation_parts import ExampleParts, OperationView, example_parts, response_fold
from .pages import (
    CodeSample,
    EndpointLink,
    EndpointPage,
    HomePage,
    ParamRow,
    ParamTable,
    SchemasPage,
    SectionLink,
    SectionPage,
)
from .samples import code_samples
from .schema_tables import SCHEMAS_PAGE, SchemaTables, schema_anchors, schema_links

__all__ = [
    "FILTERS", "SCHEMAS_PAGE", "TEMPLATES", "CodeSample", "EndpointLink", "EndpointPage",
    "HomePage", "Page", "ParamRow", "ParamTable", "RenderMemo", "SchemasPage", "SectionLink",
    "SectionPage", "build_pages", "endpoint_page", "environment", "has_schemas_page", "md_cell",
    "md_code", "md_fence", "md_inline", "md_link_text", "md_prose", "meta_title", "page_paths",
    "page_sections", "render", "render_page", "section_page", "template_dir",
]

Page = HomePage | SectionPage | EndpointPage | SchemasPage
#: The call that makes a page's context, where the rendering is shared (:func:`render`).
Deferred = functools.partial[EndpointPage] | functools.partial[SchemasPage]
#: Below this many pages to render, sharing them with a fork costs more than it saves.
FORK_PAGES = 64

TEMPLATES: dict[type[Page], str] = {
    HomePage: "index.md.j2",
    SectionPage: "section.md.j2",
    EndpointPage: "endpoint.md.j2",
    SchemasPage: "schemas.md.j2",
}

WEBHOOKS = Section("webhooks", "Webhooks", (), "Requests the API sends to your server.")

# -- templates ----------------------------------------------------------------------------


def template_dir() -> Path:
    """The templates folder: inside the installed wheel, else the checkout's ``templates/``."""
    package = Path(__file__).resolve().parent.parent
    bundled = package / "templates"
    return bundled if bundled.is_dir() else package.parent.parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown: the filters above escape each value where it lands.
    )
    env.filters.update(FILTERS)
    return env


def render_page(page: Page) -> str:
    """One page from its context."""
    return environment().get_template(TEMPLATES[type(page)]).render(page=page)


# -- contexts -----------------------------------------------------------------------------


def _is_webhook(ep: Endpoint) -> bool:
    return ep.webhook


def page_sections(model: ApiModel) -> tuple[Section, ...]:
    """The sections as the pages show them: the model's, with webhooks in a section of their
    own (:data:`WEBHOOKS`, last) unless every section holding one holds only webhooks."""
    hooks = tuple(ep for ep in model.endpoints if _is_webhook(ep))
    if all(all(map(_is_webhook, s.endpoints)) for s in model.sections if
           any(map(_is_webhook, s.endpoints))):
        return model.sections
    kept = []
    for section in model.sections:
        endpoints = tuple(ep for ep in section.endpoints if not _is_webhook(ep))
        if endpoints or not section.endpoints:
            kept.append(dataclasses.replace(section, endpoints=endpoints))
    return (*kept, dataclasses.replace(WEBHOOKS, endpoints=hooks))


def has_schemas_page(model: ApiModel) -> bool:
    """Whether the pages include :data:`SCHEMAS_PAGE` (the model has named schemas)."""
    return bool(model.schemas)


def page_paths(model: ApiModel) -> dict[str, list[tuple[str, Endpoint]]]:
    """``{section folder: [(page file stem, endpoint), ...]}`` in sidebar order, one entry per
    section of :func:`page_sections`.

    Endpoints are sorted by ``sidebar_order``; equal ones keep the model's order.
    Names are the model's slugs and endpoint names, made file-safe and unique (a page can
    never be named ``index``: that is the section's own page; no folder is named after the
    schemas page).
    """
    sections = page_sections(model)
    reserved = {SCHEMAS_PAGE.removesuffix(".md")} if has_schemas_page(model) else set()
    slugs = unique([file_name(s.slug, "section") for s in sections], reserved)
    layout: dict[str, list[tuple[str, Endpoint]]] = {}
    for slug, section in zip(slugs, sections, strict=True):
        ordered = sorted(section.endpoints, key=lambda ep: ep.sidebar_order)  # stable
        stems = unique([file_name(ep.name, "endpoint") for ep in ordered], {"index"})
        layout[slug] = list(zip(stems, ordered, strict=True))
    return layout


def _recorded(model: ApiModel, ep: Endpoint) -> ExampleParts:
    example = ep.example
    exchange = example.exchange
    samples: tuple[CodeSample, ...] = ()
    response: CodeSample | None = None
    if exchange is not None:
        request = shown_request(exchange.request)
        samples = tuple(
            CodeSample(label, language, code)
            for label, language, code in code_samples(
                model.base_url, request,
                response_content_type=exchange.response.header("Content-Type"),
            )
        )
        response = CodeSample("Response", "http",
                              format_response(shown_response(exchange.response)))
    else:
        if example.request_text:
            samples = (CodeSample("HTTP", "http", example.request_text),)
        if example.response_text:
            response = CodeSample("Response", "http", example.response_text)
    return ExampleParts(samples, response, "", "")


def _tables(model: ApiModel, page_dir_depth: int) -> SchemaTables:
    page = "../" * page_dir_depth + SCHEMAS_PAGE
    return SchemaTables(model.schemas, schema_links(model.schemas, page))


def endpoint_page(
    model: ApiModel, ep: Endpoint, *, tables: SchemaTables | None = None
) -> EndpointPage:
    """The page of one endpoint (in a section folder: ``tables`` links schemas from there)."""
    examples = _recorded(model, ep)
    if ep.example.is_empty:
        examples = example_parts(model, ep) or examples
    parts = OperationView(model, tables or _tables(model, 1)).parts(ep)
    return EndpointPage(
        title=ep.display_title,
        method=ep.method.upper(),
        path=endpoint_path(model, ep),
        description=ep.description,
        warning=ep.warning or None,
        authentication=ep.authentication,
        parameter_tables=parts.parameter_tables,
        request_samples=examples.request_samples,
        response=examples.response,
        has_example=bool(examples.request_samples) or examples.response is not None,
        deprecated=parts.deprecated,
        webhook=parts.webhook,
        security=parts.security,
        request_body=parts.request_body,
        responses=parts.responses,
        request_note=examples.request_note,
        response_note=examples.response_note,
        response_fold=response_fold(examples.response) if examples.response else None,
        badges=parts.badges,
    )


def section_page(model: ApiModel, section: Section,
                 pages: list[tuple[str, Endpoint]]) -> SectionPage:
    links = tuple(
        EndpointLink(ep.method.upper(), endpoint_path(model, ep), ep.display_title,
                     quote(f"{stem}.md"))
        for stem, ep in pages
    )
    return SectionPage(section.title or section.slug, section.description, links)


def schemas_page(model: ApiModel) -> SchemasPage:
    """Every named schema of the model, each with its own table (linked from the others)."""
    anchors = schema_anchors(model.schemas)
    return SchemasPage("Schemas", _tables(model, 0).named(anchors))


def _contexts(model: ApiModel,
              known: Callable[[str, Endpoint | None], str | None] | None = None, *,
              defer: bool = False) -> Iterator[tuple[str, Endpoint | None, Page | str | Deferred]]:
    """Each page's path, endpoint (``None`` for the other pages) and context, one at a time
    (the home page last); an endpoint page or schemas page ``known`` has the text of comes as
    that text instead of a context, and with ``defer`` the others as the call that makes
    their context."""
    layout = page_paths(model)
    tables = _tables(model, 1)
    links = []
    for (slug, entries), section in zip(layout.items(), page_sections(model), strict=True):
        section_ctx = section_page(model, section, entries)
        yield f"{slug}/index.md", None, section_ctx
        links.append(section_link(slug, section_ctx))
        for stem, ep in entries:
            path = f"{slug}/{stem}.md"
            text = known(path, ep) if known is not None else None
            make = functools.partial(endpoint_page, model, ep, tables=tables)
            yield path, ep, text if text is not None else make if defer else make()
    schemas_href = ""
    if has_schemas_page(model):
        text = known(SCHEMAS_PAGE, None) if known is not None else None
        make_schemas = functools.partial(schemas_page, model)
        yield SCHEMAS_PAGE, None, (text if text is not None
                                   else make_schemas if defer else make_schemas())
        schemas_href = quote(SCHEMAS_PAGE)
    yield "index.md", None, HomePage(
        model.title or "API Reference", model.description, tuple(links), schemas_href,
        descriptions=any(link.description for link in links),
    )


def build_pages(model: ApiModel) -> dict[str, Page]:
    """Every page's context, keyed by its path: the mapping :func:`render` renders."""
    return {path: page for path, _, page in sorted(_contexts(model), key=lambda c: c[0])
            if not isinstance(page, str | functools.partial)}  # (no call comes without defer)


#: How many of a section's endpoints the home page lists where the section has no description
#: (all of them when only one more would follow).
HOME_ENDPOINTS = 3


def section_link(slug: str, section: SectionPage) -> SectionLink:
    """The home page's row for a section (in folder ``slug``): a blank description is none."""
    count = len(section.endpoints)
    limit = count if count <= HOME_ENDPOINTS + 1 else HOME_ENDPOINTS
    shown = tuple(
        dataclasses.replace(link, href=f"{quote(slug)}/{link.href}")
        for link in section.endpoints[:limit]
    )
    description = section.description if section.description.strip() else ""
    return SectionLink(section.title, description, quote(f"{slug}/index.md"), count, shown,
                       count - len(shown))


#: The texts of parts of a model (``repr``), by the identity of what each is made of:
#: ``identity(made_of) -> (made_of, text)`` (see :class:`RenderMemo`).
Texts = dict[tuple[object, ...], tuple[tuple[object, ...], str]]

#: Values a text's key holds as they are, not by identity: a read rebuilds them (a moved
#: endpoint's slug) and unpickling makes new objects of them (an int over 256).
_BY_VALUE = frozenset({str, int, bool, type(None)})


def identity(made_of: tuple[object, ...]) -> tuple[object, ...]:
    """The key of a text in :data:`Texts`: what it is made of, each object by its identity
    but plain values (:data:`_BY_VALUE`), by their type and value."""
    return tuple((type(part), part) if type(part) in _BY_VALUE else id(part)
                 for part in made_of)


#: The fields of an endpoint its page is made of: all but its place in the source.
_PAGE_FIELDS = tuple(f.name for f in dataclasses.fields(Endpoint) if f.name != "source")


def page_parts(ep: Endpoint) -> tuple[object, ...]:
    """What the text of an endpoint in its page's key is made of: its fields but its place
    in the source (see :class:`RenderMemo`)."""
    return tuple(getattr(ep, name) for name in _PAGE_FIELDS)


class TextStore(Protocol):
    """Where a :class:`RenderMemo` keeps pages: a dict, or anything with its ``get`` and
    item assignment."""

    def get(self, key: str, /) -> str | None: ...

    def __setitem__(self, key: str, value: str, /) -> None: ...


class RenderMemo:
    """Endpoint pages and the schemas page as rendered, for the next :func:`render` to reuse.

    An endpoint's page is a function of the endpoint (but for its place in the source, which
    no page shows), its path and the model but for its endpoints; the schemas page, of the
    model but for its endpoints. Each page is kept under a
    SHA-256 of the ``repr`` of those (:meth:`key`), so a page whose inputs are the same is last
    time's text. ``store`` keeps the texts: by default a dict that holds the last render's
    pages (the ``apiscribe`` plugin keeps one across the rebuilds of ``mkdocs serve``); the
    plugin's page cache puts them on disk.

    The ``repr`` of each endpoint and named schema is kept by identity (``texts``, which the
    plugin hands from one build's memo to the next, and ``convert`` keeps with its read,
    :class:`~apiscribe.load_memo.KeptRead`): a model's parts are never changed in place, and
    a read that starts from the last one (:class:`~apiscribe.sources.openapi.LastRead`) gives
    the same objects for what did not change. An endpoint's text is kept by the identities
    of its fields but its place in the source: an endpoint that only moved to other lines
    (an edit above it) is a new object made of the same ones.
    """

    def __init__(self, store: TextStore | None = None, texts: Texts | None = None) -> None:
        self._own = store is None
        self.store: TextStore = {} if store is None else store
        #: How many pages the last render took from the store.
        self.reused = 0
        self._rest = ""
        self._keys: dict[str, str] = {}  # path -> key, of the render under way
        self._found: set[str] = set()  # the paths whose text the store had
        #: The texts of the last render's endpoints and named schemas (see :data:`Texts`).
        self.texts: Texts = texts if texts is not None else {}
        self._last_texts: Texts = {}

    def _text(self, made_of: tuple[object, ...], make: Callable[[], str]) -> str:
        """The text ``make`` gives of a part ``made_of`` these objects, kept by their identity
        from the last render (see the class docstring)."""
        key = identity(made_of)
        found = self._last_texts.get(key)  # the objects it holds are alive: their ids are theirs
        text = found[1] if found is not None else make()
        self.texts[key] = (made_of, text)
        return text

    def start(self, model: ApiModel) -> None:
        self._last_texts, self.texts = self.texts, {}
        rest = dataclasses.replace(model, schemas={}, sections=tuple(
            dataclasses.replace(section, endpoints=()) for section in model.sections))
        parts = [repr(rest), *(f"{name!r}: {self._text((schema,), functools.partial(repr, schema))}"
                               for name, schema in model.schemas.items())]  # one line each
        self._rest = hashlib.sha256("\n".join(parts).encode(
            "utf-8", "surrogateescape")).hexdigest()
        self.reused, self._keys, self._found = 0, {}, set()

    def key(self, path: str, ep: Endpoint | None) -> str:
        """The key of an endpoint's page at ``path`` in the model :meth:`start` was given;
        with no endpoint, of a page made of the model but for its endpoints (the schemas)."""
        made_of = "" if ep is None else self._text(
            page_parts(ep), lambda: repr(dataclasses.replace(ep, source=None)))
        return hashlib.sha256(f"{self._rest}\n{path}\n{made_of}".encode(
            "utf-8", "surrogateescape")).hexdigest()

    @property
    def keys(self) -> Mapping[str, str]:
        """The key of each page of the last render that the memo keeps, by its path."""
        return self._keys

    def known(self, path: str, ep: Endpoint | None) -> str | None:
        """The stored text of the endpoint's page (or the schemas page), if any."""
        return self._stored(path, self.key(path, ep))

    def known_page(self, path: str, page: SectionPage | HomePage) -> str | None:
        """The stored text of the page at ``path`` made from the context ``page`` (a section
        page or the home page: small contexts, each page a function of its context alone)."""
        return self._stored(path, hashlib.sha256(f"{path}\n{page!r}".encode(
            "utf-8", "surrogateescape")).hexdigest())

    def _stored(self, path: str, key: str) -> str | None:
        """The store's text under ``key``, for the page at ``path`` of the render under way."""
        self._keys[path] = key
        text = self.store.get(key)
        if text is not None:
            self.reused += 1
            self._found.add(path)
        return text

    def keep(self, pages: Mapping[str, str]) -> None:
        """Store this render's pages under their keys; a dict store keeps only those."""
        if self._own:
            self.store = {key: pages[path] for path, key in self._keys.items()}
            return
        for path, key in self._keys.items():
            if path not in self._found:
                self.store[key] = pages[path]


def render(model: ApiModel, memo: RenderMemo | None = None, *,
           fork: bool = False) -> dict[str, str]:
    """The Markdown pages of ``model``: ``{relative path: text}``; with ``memo``, a page it
    holds for the same inputs is not rendered again; with ``fork``, the endpoint and schemas
    pages to render are shared with a fork where that is safe and worth it
    (:func:`~apiscribe.forking.shared`), their templates compiled here first, for a cache."""
    if memo is not None:
        memo.start(model)
    known = memo.known if memo is not None else None
    pages: dict[str, str] = {}
    later: list[tuple[str, Deferred]] = []
    # one context at a time: none is kept (where the pages are shared, the calls that make them)
    for path, _, page in _contexts(model, known, defer=fork):
        if isinstance(page, str):
            pages[path] = page
        elif isinstance(page, functools.partial):
            later.append((path, page))
        else:
            text = memo.known_page(path, page) if memo is not None and isinstance(
                page, SectionPage | HomePage) else None
            pages[path] = text if text is not None else render_page(page)
    for kind in (EndpointPage, SchemasPage) if len(later) >= FORK_PAGES else ():
        environment().get_template(TEMPLATES[kind])
    pages.update(zip((path for path, _ in later),
                     shared(later, lambda job: render_page(job[1]()), least=FORK_PAGES),
                     strict=True))
    if memo is not None:
        memo.keep(pages)
    return dict(sorted(pages.items()))
