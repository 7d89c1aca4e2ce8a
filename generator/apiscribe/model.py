"""The one model: sources write it, views read it.

Small frozen data classes. Every fact of the JSON-doc format (the seed) has a home here, so a
JSON doc read into the model and written back gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ParamKind = Literal["path", "query", "body", "header", "cookie"]

#: A JSON value (a schema, an example) kept as parsed: dicts, lists, str, int, float, bool, None.
JsonValue = Any

#: Parameter types of Sentry's docstring format, and the JSON Schema each maps to.
#: Aliases (``int``, ``bool``, ``dict``...) keep their spelling in the model; views map them.
KNOWN_TYPES: dict[str, dict[str, str]] = {
    "string": {"type": "string"},
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "integer": {"type": "integer"},
    "bool": {"type": "boolean"},
    "boolean": {"type": "boolean"},
    "float": {"type": "number"},
    "number": {"type": "number"},
    "url": {"type": "string", "format": "uri"},
    "datetime": {"type": "string", "format": "date-time"},
    "timestamp": {"type": "string", "format": "date-time"},
    "array": {"type": "array"},
    "list": {"type": "array"},
    "object": {"type": "object"},
    "dict": {"type": "object"},
    "file": {"type": "string", "format": "binary"},
    "querystring": {"type": "string"},
}


@dataclass(frozen=True)
class SourceLocation:
    """Where a fact came from: a file and a 1-based line (0 when unknown)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class NamedExample:
    """An example value from a spec (``example`` has the name ``""``), or one generated from
    the schema (``generated``: views label it "generated from the schema")."""

    name: str
    value: JsonValue
    summary: str = ""
    description: str = ""
    generated: bool = False
    #: The URL of an example kept outside the spec (OpenAPI ``externalValue``; ``value`` is
    #: then ``None``).
    external_value: str = ""


@dataclass(frozen=True)
class MediaType:
    """One entry of a spec's ``content`` map."""

    media_type: str
    schema: JsonValue = None
    examples: tuple[NamedExample, ...] = ()
    #: Other fields of the media type object (``encoding``...), kept for the round trip.
    extra: JsonValue = None


@dataclass(frozen=True)
class RequestBody:
    description: str = ""
    required: bool = False
    content: tuple[MediaType, ...] = ()


@dataclass(frozen=True)
class Response:
    """One documented response of an operation, keyed by ``status`` (``200``, ``4XX``,
    ``default``)."""

    status: str
    description: str = ""
    content: tuple[MediaType, ...] = ()
    #: The response's header objects and links, as the spec gives them.
    headers: JsonValue = None
    links: JsonValue = None


@dataclass(frozen=True)
class Operation:
    """What an OpenAPI/Swagger document says of an operation beyond the JSON-doc facts.

    Endpoints read from code or JSON docs have none; endpoints imported from a spec carry it,
    so every view can show schemas and the OpenAPI view can write the operation back.
    """

    operation_id: str = ""
    tags: tuple[str, ...] = ()
    deprecated: bool = False
    request_body: RequestBody | None = None
    responses: tuple[Response, ...] = ()
    #: Security requirements (``None``: inherit the document's; ``[]``: none).
    security: JsonValue = None
    #: Other operation fields (``callbacks``, ``servers``, ``externalDocs``, ``x-*``).
    extra: JsonValue = None
    #: Header and cookie parameters (the JSON-doc format has no place for them).
    other_parameters: tuple[Parameter, ...] = ()
    webhook: bool = False


@dataclass(frozen=True)
class Parameter:
    """One documented parameter (``:pparam``, ``:qparam`` or ``:param``)."""

    name: str
    type: str
    description: str
    kind: ParamKind
    required: bool = False
    #: The JSON Schema of the value, when a spec gave one (``type`` then names it briefly).
    schema: JsonValue = None
    deprecated: bool = False
    #: Examples the spec gives for this parameter.
    examples: tuple[NamedExample, ...] = ()
    #: Other fields of a spec's parameter object (``style``, ``explode``, ``content``,
    #: ``allowReserved``, ``x-*``), kept for the round trip.
    extra: JsonValue = None


@dataclass(frozen=True)
class Header:
    name: str
    value: str


def find_header(headers: tuple[Header, ...], name: str) -> str | None:
    """The value of the first header called ``name`` (case-insensitive), or None."""
    lowered = name.lower()
    return next((h.value for h in headers if h.name.lower() == lowered), None)


@dataclass(frozen=True)
class HttpRequest:
    """A request as shown in docs: ``target`` is the path with its query string."""

    method: str
    target: str
    headers: tuple[Header, ...] = ()
    body: str | None = None
    http_version: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        return find_header(self.headers, name)

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


@dataclass(frozen=True)
class HttpResponse:
    status: int
    reason: str
    headers: tuple[Header, ...] = ()
    body: str | None = None
    http_version: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        return find_header(self.headers, name)


@dataclass(frozen=True)
class Exchange:
    """A recorded request and its response, from one scenario."""

    request: HttpRequest
    response: HttpResponse
    scenario: str = ""


@dataclass(frozen=True)
class Example:
    """The example of a JSON doc: raw HTTP text, kept exactly as it will be written.

    ``exchange`` is the structured form when the text parses as HTTP; views that need
    structure (OpenAPI, Markdown) read it, the JSON-doc view writes the text.
    ``marked_error`` says the example shows an error response on purpose (a JSON doc's
    ``# apiscribe: error-example`` header line); ``apiscribe check`` accepts it then.
    """

    request_text: str
    response_text: str
    exchange: Exchange | None = None
    marked_error: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.request_text and not self.response_text


@dataclass(frozen=True)
class JsonDocForm:
    """Facts only the JSON-doc file form carries.

    ``header`` holds the ``#`` comment lines after the opening ``---``. ``absent_keys`` names
    the seed keys a hand-edited file left out. ``verbatim_json`` is the file's JSON text when
    it is not in canonical layout; the writer reuses it while ``verbatim_of`` (the parsed
    document it encodes) still equals the document, so an untouched file keeps its bytes.
    """

    header: tuple[str, ...] = ()
    absent_keys: frozenset[str] = frozenset()
    verbatim_json: str | None = None
    verbatim_of: str | None = None


DEFAULT_HEADER: tuple[str, ...] = (
    "# This file is automatically generated from the API using `api-docs/generate.py`",
    "# Do not manually edit this file.",
)


@dataclass(frozen=True)
class Endpoint:
    """One documented HTTP method of one route.

    ``path_parameters`` and friends are ``None`` when the doc has none (the seed writes
    ``null``), and a tuple otherwise.
    """

    name: str
    section: str
    method: str
    api_path: str
    title: str
    description: str = ""
    warning: str | None = None
    authentication: str = ""
    path_parameters: tuple[Parameter, ...] | None = None
    query_parameters: tuple[Parameter, ...] | None = None
    parameters: tuple[Parameter, ...] | None = None
    example: Example = field(default_factory=lambda: Example("", ""))
    sidebar_order: int = 0
    source: SourceLocation | None = None
    scenarios: tuple[str, ...] = ()
    form: JsonDocForm = field(default_factory=JsonDocForm)
    operation: Operation | None = None

    @property
    def all_parameters(self) -> tuple[Parameter, ...]:
        return (
            (self.path_parameters or ())
            + (self.query_parameters or ())
            + (self.parameters or ())
        )


@dataclass(frozen=True)
class Section:
    """A group of endpoints (a sidebar section, an OpenAPI tag)."""

    slug: str
    title: str
    endpoints: tuple[Endpoint, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class ApiModel:
    """The whole documented API."""

    title: str
    sections: tuple[Section, ...] = ()
    base_url: str = "https://api.example.com"
    version: str = "1.0.0"
    description: str = ""
    #: From an imported spec: its ``components`` (or Swagger ``definitions``...) as given,
    #: and other top-level fields (``servers``, ``security``, ``externalDocs``, ``x-*``).
    components: JsonValue = None
    extra: JsonValue = None
    #: The version an imported spec declares (``"3.0.3"``, ``"3.1.0"``, ``"2.0"``): the
    #: dialect of its schemas. Swagger 2.0 schemas are imported in OpenAPI 3.0 terms.
    source_version: str = ""

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        return tuple(ep for section in self.sections for ep in section.endpoints)
