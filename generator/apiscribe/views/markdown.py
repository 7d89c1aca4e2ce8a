"""The Markdown view: Jinja2-rendered pages for MkDocs Material.

``render(model)`` gives ``index.md`` (the home page), ``<section>/index.md`` (one per section)
and ``<section>/<endpoint-name>.md`` (one per endpoint). Python builds one small context per
page (the dataclasses below: the whole template contract); each template sees only ``page``.

Untrusted text is escaped where it lands, by the filters in :data:`FILTERS`: prose keeps its
Markdown (code spans, emphasis, http/https/mailto links) but not raw HTML, attribute lists or
other link schemes; table cells also escape ``|`` and newlines; code fences are longer than
any backtick run in the code. Section and endpoint pages start with a front-matter ``title``,
HTML-escaped, because the theme prints page titles as they are. The example code (curl,
Python, JavaScript) comes from :mod:`apiscribe.views.samples`.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
import yaml

from ..httptext import format_request, format_response
from ..model import ApiModel, Endpoint, Parameter, Section
from .samples import code_samples

# -- the template contract -----------------------------------------------------------------


@dataclass(frozen=True)
class SectionLink:
    """A row of the home page's section table; ``href`` is relative to the home page."""

    title: str
    description: str
    href: str
    endpoint_count: int


@dataclass(frozen=True)
class HomePage:
    """``index.md.j2``: the API title and description, and its sections."""

    title: str
    description: str
    sections: tuple[SectionLink, ...]


@dataclass(frozen=True)
class EndpointLink:
    """A row of a section's endpoint table; ``href`` is relative to the section index."""

    method: str
    path: str
    title: str
    href: str


@dataclass(frozen=True)
class SectionPage:
    """``section.md.j2``: a section's title, description and endpoints (sidebar order)."""

    title: str
    description: str
    endpoints: tuple[EndpointLink, ...]


@dataclass(frozen=True)
class ParamRow:
    name: str
    type: str
    description: str
    required: bool


@dataclass(frozen=True)
class ParamTable:
    """One table per parameter kind: "Path parameters", "Query parameters", "Body parameters"."""

    heading: str
    rows: tuple[ParamRow, ...]


@dataclass(frozen=True)
class CodeSample:
    """A code block: ``label`` names its content tab, ``language`` is the fence's info string."""

    label: str
    language: str
    code: str


@dataclass(frozen=True)
class EndpointPage:
    """``endpoint.md.j2``: one endpoint.

    ``request_samples`` holds the example request as raw HTTP, curl, Python and JavaScript
    (only raw HTTP when the example text does not parse); ``response`` is the example response.
    ``has_example`` is False when there is neither.
    """

    title: str
    method: str
    path: str
    description: str
    warning: str | None
    authentication: str
    parameter_tables: tuple[ParamTable, ...]
    request_samples: tuple[CodeSample, ...]
    response: CodeSample | None
    has_example: bool


Page = HomePage | SectionPage | EndpointPage

TEMPLATES: dict[type[HomePage] | type[SectionPage] | type[EndpointPage], str] = {
    HomePage: "index.md.j2",
    SectionPage: "section.md.j2",
    EndpointPage: "endpoint.md.j2",
}

# -- escaping filters ---------------------------------------------------------------------

# Python-Markdown's own table tokenizer: escaped backslashes, backtick runs, pipes.
_TOKENS = re.compile(r"(\\\\)|(\\`+)|(`+)|(\\\|)|(\|)")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES = ("http", "https", "mailto")
_REF_DEFINITION = re.compile(r"^( {0,3})\[([^\]\n]*)\]:", re.MULTILINE)
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.@+-]+")


def _code_regions(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that Python-Markdown reads as code spans (backtick runs paired)."""
    tics: list[tuple[int, int, int, int]] = []  # (ticks, escaped, start, end)
    for m in _TOKENS.finditer(text):
        if m.group(2):
            tics.append((len(m.group(2)) - 1, 1, m.start(2), m.end(2)))
        elif m.group(3):
            tics.append((len(m.group(3)), 0, m.start(3), m.end(3)))
    regions, pos = [], 0
    while pos < len(tics):
        ticks, escaped, start, _ = tics[pos]
        size = ticks - escaped
        close = next((i for i in range(pos + 1, len(tics)) if tics[i][0] == size), None)
        if size == 0 or close is None:
            pos += 1
            continue
        regions.append((start, tics[close][3]))
        pos = close + 1
    return regions


def _unsafe_link(rest: str) -> bool:
    """Whether a link destination (the text after ``](``) uses a scheme other than web/mail."""
    target = "".join(ch for ch in rest[:64].lstrip(" <") if ord(ch) > 0x20)
    match = _SCHEME.match(target)
    return match is not None and match.group(1).lower() not in _SAFE_SCHEMES


def _backslash(text: str, chars: str) -> str:
    """Put a backslash before each of ``chars`` that the text does not escape already."""
    pattern = re.compile(r"(\\*)([" + re.escape(chars) + "])")
    return pattern.sub(
        lambda m: m.group(1) + ("" if len(m.group(1)) % 2 else "\\") + m.group(2), text
    )


def _escape_text(text: str, *, table: bool, inline: bool) -> str:
    text = "".join(_HTML.get(ch, ch) for ch in text)
    text = re.sub(r"\]\(", lambda m: "]\\(" if _unsafe_link(text[m.end() :]) else "](", text)
    return _backslash(text, "{" + ("|" if table else "") + ("[]#" if inline else ""))


def _escape(text: str, *, table: bool = False, inline: bool = False) -> str:
    if table or inline:
        text = " ".join(text.split())
    out, pos = [], 0
    for start, end in _code_regions(text):
        out.append(_escape_text(text[pos:start], table=table, inline=inline))
        out.append(text[start:end])
        pos = end
    out.append(_escape_text(text[pos:], table=table, inline=inline))
    escaped = "".join(out)
    return _REF_DEFINITION.sub(
        lambda m: f"{m.group(1)}\\[{m.group(2)}]:"
        if _unsafe_link(escaped[m.end() :].lstrip()) else m.group(0),
        escaped,
    )


def md_prose(text: str) -> str:
    """A Markdown paragraph (or several) from untrusted text."""
    return _escape(text.strip())


def md_inline(text: str) -> str:
    """One line of Markdown: a heading, link text; newlines become spaces."""
    return _escape(text, inline=True)


def md_cell(text: str) -> str:
    """A Markdown table cell: one line, ``|`` escaped outside code spans."""
    return _escape(text, table=True)


def md_link_text(text: str) -> str:
    """Link text inside a table cell: one line, brackets and ``|`` escaped."""
    return _escape(text, table=True, inline=True)


def md_code(text: str) -> str:
    """An inline code span that holds ``text`` whatever its backticks."""
    text = " ".join(text.split("\n"))
    if not text:
        return ""
    ticks = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    pad = " " if text[:1] in "`\\ " or text[-1:] in "`\\ " else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def md_fence(code: str, language: str = "") -> str:
    """A fenced code block longer than any backtick run in ``code``."""
    longest = max(map(len, re.findall("`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code.rstrip(chr(10))}\n{fence}"


def meta_title(text: str) -> str:
    """A front-matter ``title`` value: one line, HTML-escaped (the theme prints it as it is)."""
    value = html.escape(" ".join(text.split()), quote=False).replace('"', "&quot;")
    dumped: str = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=10**6)
    return dumped.removesuffix("...\n").strip()


FILTERS: dict[str, Callable[..., str]] = {
    "md_prose": md_prose,
    "md_inline": md_inline,
    "md_cell": md_cell,
    "md_link_text": md_link_text,
    "md_code": md_code,
    "md_fence": md_fence,
    "meta_title": meta_title,
}

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


def _safe_name(name: str, fallback: str) -> str:
    """A file-name-safe form of a slug or endpoint name (unchanged when already safe)."""
    return _UNSAFE_NAME.sub("-", name).strip(".-") or fallback


def _unique(names: list[str], reserved: set[str]) -> list[str]:
    taken, out = set(reserved), []
    for name in names:
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f"{name}-{n}"
        taken.add(candidate)
        out.append(candidate)
    return out


def page_paths(model: ApiModel) -> dict[str, list[tuple[str, Endpoint]]]:
    """``{section folder: [(page file stem, endpoint), ...]}`` in sidebar order.

    Endpoints are sorted by ``sidebar_order``; equal ones keep the model's order.
    Names are the model's slugs and endpoint names, made file-safe and unique (a page can
    never be named ``index``: that is the section's own page).
    """
    slugs = _unique([_safe_name(s.slug, "section") for s in model.sections], set())
    layout: dict[str, list[tuple[str, Endpoint]]] = {}
    for slug, section in zip(slugs, model.sections, strict=True):
        ordered = sorted(section.endpoints, key=lambda ep: ep.sidebar_order)  # stable
        stems = _unique([_safe_name(ep.name, "endpoint") for ep in ordered], {"index"})
        layout[slug] = list(zip(stems, ordered, strict=True))
    return layout


def _param_table(heading: str, params: tuple[Parameter, ...] | None) -> list[ParamTable]:
    if not params:
        return []
    rows = tuple(ParamRow(p.name, p.type, p.description, p.required) for p in params)
    return [ParamTable(heading, rows)]


def endpoint_page(model: ApiModel, ep: Endpoint) -> EndpointPage:
    example = ep.example
    exchange = example.exchange
    samples: tuple[CodeSample, ...] = ()
    response: CodeSample | None = None
    if exchange is not None:
        raw = example.request_text or format_request(exchange.request)
        samples = tuple(
            CodeSample(label, language, code)
            for label, language, code in code_samples(
                model.base_url, exchange.request, raw,
                response_content_type=exchange.response.header("Content-Type"),
            )
        )
        response_text = example.response_text or format_response(exchange.response)
        response = CodeSample("Response", "http", response_text)
    else:
        if example.request_text:
            samples = (CodeSample("HTTP", "http", example.request_text),)
        if example.response_text:
            response = CodeSample("Response", "http", example.response_text)
    tables = (
        _param_table("Path parameters", ep.path_parameters)
        + _param_table("Query parameters", ep.query_parameters)
        + _param_table("Body parameters", ep.parameters)
    )
    return EndpointPage(
        title=ep.title or ep.name,
        method=ep.method.upper(),
        path=ep.api_path,
        description=ep.description,
        warning=ep.warning or None,
        authentication=ep.authentication,
        parameter_tables=tuple(tables),
        request_samples=samples,
        response=response,
        has_example=bool(samples) or response is not None,
    )


def section_page(section: Section, pages: list[tuple[str, Endpoint]]) -> SectionPage:
    links = tuple(
        EndpointLink(ep.method.upper(), ep.api_path, ep.title or ep.name, quote(f"{stem}.md"))
        for stem, ep in pages
    )
    return SectionPage(section.title or section.slug, section.description, links)


def build_pages(model: ApiModel) -> dict[str, Page]:
    """Every page's context, keyed by its path: the mapping :func:`render` renders."""
    layout = page_paths(model)
    pages: dict[str, Page] = {}
    links = []
    for (slug, entries), section in zip(layout.items(), model.sections, strict=True):
        section_ctx = section_page(section, entries)
        pages[f"{slug}/index.md"] = section_ctx
        links.append(
            SectionLink(section_ctx.title, section.description, quote(f"{slug}/index.md"),
                        len(entries))
        )
        for stem, ep in entries:
            pages[f"{slug}/{stem}.md"] = endpoint_page(model, ep)
    pages["index.md"] = HomePage(model.title or "API Reference", model.description, tuple(links))
    return dict(sorted(pages.items()))


def render(model: ApiModel) -> dict[str, str]:
    """The Markdown pages of ``model``: ``{relative path: text}``."""
    return {path: render_page(page) for path, page in build_pages(model).items()}
