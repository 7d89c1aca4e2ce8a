"""The template contract of the Markdown view: everything the templates see.

Each template gets one ``page``: :class:`HomePage` (``index.md.j2``), :class:`SectionPage`
(``section.md.j2``), :class:`EndpointPage` (``endpoint.md.j2``) or :class:`SchemasPage`
(``schemas.md.j2``). The other classes are the parts those pages hold. Python decides every
value; templates only format (and escape, through the view's filters).

Fields for what an endpoint may not document (a request body's media types, responses,
security) default to empty.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionLink:
    """A row of the home page's section table; ``href`` is relative to the home page.

    ``endpoints`` are the section's first endpoints (sidebar order, ``href`` relative to the
    home page too) and ``more_endpoints`` how many follow them: the row lists them where the
    section has no description (empty, or blank)."""

    title: str
    description: str
    href: str
    endpoint_count: int
    endpoints: tuple[EndpointLink, ...] = ()
    more_endpoints: int = 0


@dataclass(frozen=True)
class HomePage:
    """``index.md.j2``: the API title and description, its sections, and (when the API has
    named schemas) ``schemas_href``, the link to the schemas page. ``descriptions``: some
    section has a description, so the table has a Description column (else the endpoints
    are the second column)."""

    title: str
    description: str
    sections: tuple[SectionLink, ...]
    schemas_href: str = ""
    descriptions: bool = False


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
    """A parameter (or response header). ``enum``, ``default`` and ``example`` hold JSON text;
    ``format`` the schema's format."""

    name: str
    type: str
    description: str
    required: bool
    deprecated: bool = False
    format: str = ""
    enum: tuple[str, ...] = ()
    default: str | None = None
    example: str | None = None


@dataclass(frozen=True)
class ParamTable:
    """One table per parameter kind: "Path parameters", "Query parameters", "Body parameters",
    "Header parameters", "Cookie parameters" (and a response's "Headers"). ``anchor`` is its
    heading's id (unique on the page); the Default and Allowed values columns are there when
    some row has a value for them (``show_default``, ``show_enum``)."""

    heading: str
    rows: tuple[ParamRow, ...]
    anchor: str = ""
    show_default: bool = False
    show_enum: bool = False


def param_table(heading: str, rows: tuple[ParamRow, ...], anchor: str) -> ParamTable:
    """A table with the columns its rows need."""
    return ParamTable(heading, rows, anchor, any(r.default is not None for r in rows),
                      any(r.enum for r in rows))


@dataclass(frozen=True)
class CodeSample:
    """A code block: ``label`` names its content tab, ``language`` is the fence's info string."""

    label: str
    language: str
    code: str


@dataclass(frozen=True)
class TypePart:
    """A piece of a type's text: plain (``href`` empty) or a link to a named schema."""

    text: str
    href: str = ""


@dataclass(frozen=True)
class SchemaRow:
    """A row of a schema table.

    ``name`` is the property's name (empty for a variant's row, ``…`` for levels not shown)
    and ``path`` its place in the schema (``address.street``, ``tags[].name``); ``label``
    names a ``oneOf``/``anyOf`` variant (``one of #2``). ``enum`` and ``default`` hold JSON
    text; ``required`` is ``None`` where it does not apply (a variant's row).
    """

    name: str
    path: str
    label: str
    type: tuple[TypePart, ...]
    format: str
    required: bool | None
    description: str
    enum: tuple[str, ...] = ()
    default: str | None = None
    deprecated: bool = False
    read_only: bool = False
    write_only: bool = False


@dataclass(frozen=True)
class SchemaBlock:
    """The rows one level below a row of a table: a nested object's properties, an array's
    item properties, a variant's properties. Shown collapsed under that table, titled with
    ``path`` (``address``, ``tags[]``; empty at the top) and ``label`` (the variants it is
    in); ``blocks`` are the levels below its own rows."""

    path: str
    label: str
    rows: tuple[SchemaRow, ...]
    blocks: tuple[SchemaBlock, ...] = ()


@dataclass(frozen=True)
class SchemaView:
    """A schema: its type line, description, the rows of its top level, and the nested
    levels (:class:`SchemaBlock`, depth-limited)."""

    type: tuple[TypePart, ...]
    description: str
    rows: tuple[SchemaRow, ...]
    blocks: tuple[SchemaBlock, ...] = ()


@dataclass(frozen=True)
class ExampleView:
    """An example value: ``title`` names it (empty for a lone example), ``note`` labels one
    generated from the schema (empty otherwise), ``code`` is its text in ``language``."""

    title: str
    note: str
    language: str
    code: str


@dataclass(frozen=True)
class MediaView:
    """One media type of a request body or response."""

    media_type: str
    schema: SchemaView | None
    examples: tuple[ExampleView, ...]
    #: Said under the heading (a schema learned from recorded traffic).
    note: str = ""
    #: The heading's id, unique on the page.
    anchor: str = ""


@dataclass(frozen=True)
class RequestBodyView:
    description: str
    required: bool
    media: tuple[MediaView, ...]


@dataclass(frozen=True)
class ResponseView:
    """A documented response: ``status`` (``200``, ``4XX``, ``default``), its description,
    headers and media types."""

    status: str
    description: str
    headers: ParamTable | None
    media: tuple[MediaView, ...]
    #: The heading's id, unique on the page.
    anchor: str = ""


@dataclass(frozen=True)
class Badge:
    """A badge at the top of an endpoint page: its ``text`` (``GET``, ``Auth: api_key``,
    ``Deprecated``, ``Paginated``) and its ``kind``, one of :data:`BADGE_KINDS` (the CSS class
    ``apiscribe-badge--<kind>``)."""

    text: str
    kind: str


#: The kinds of badge: a method's (lower case), and the others.
BADGE_KINDS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace",
                         "query", "method", "auth", "auth-none", "deprecated", "paginated"})


@dataclass(frozen=True)
class ResponseFold:
    """How the Example section shows its response (``EndpointPage.response``, raw HTTP):
    ``status_line`` (``200 OK``) and ``lines`` describe it; a ``folded`` one (long) sits in
    a collapsed block titled with them."""

    status_line: str
    lines: int
    folded: bool


@dataclass(frozen=True)
class EndpointPage:
    """``endpoint.md.j2``: one endpoint.

    ``request_samples`` holds the example request as raw HTTP, curl, HTTPie, Python and
    JavaScript (only raw HTTP when the example text does not parse); ``response`` is the
    example response as raw HTTP, and ``response_fold`` says whether it is long enough to be
    folded. ``has_example`` is False when there is neither. ``request_note`` and
    ``response_note`` label examples that were not recorded (empty for recorded ones).

    Then what the endpoint documents: ``deprecated``, ``webhook``, ``security`` (one line per
    accepted requirement; ``("None",)`` when the operation needs none), ``request_body`` (its
    media types) and ``responses`` (every documented status). ``badges`` sum up the method,
    the credentials, deprecation and pagination at the top.
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
    deprecated: bool = False
    webhook: bool = False
    security: tuple[str, ...] = ()
    request_body: RequestBodyView | None = None
    responses: tuple[ResponseView, ...] = ()
    request_note: str = ""
    response_note: str = ""
    response_fold: ResponseFold | None = None
    badges: tuple[Badge, ...] = ()


@dataclass(frozen=True)
class NamedSchema:
    """A component schema on the schemas page; ``anchor`` is its heading's id."""

    name: str
    anchor: str
    view: SchemaView


@dataclass(frozen=True)
class SchemasPage:
    """``schemas.md.j2``: every named schema of the API, each with its own table."""

    title: str
    schemas: tuple[NamedSchema, ...]


#: Every class whose fields templates may read.
CONTRACT: tuple[type, ...] = (
    SectionLink, HomePage, EndpointLink, SectionPage, ParamRow, ParamTable, CodeSample,
    TypePart, SchemaRow, SchemaBlock, SchemaView, ExampleView, MediaView, RequestBodyView,
    ResponseView, Badge, ResponseFold, EndpointPage, NamedSchema, SchemasPage,
)
