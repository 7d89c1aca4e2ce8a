"""The one model: every source writes it, every view reads it.

Small frozen data classes, one endpoint shape for every source:

- parameters with their location (path, query, header, cookie);
- a request body by media type, each with its schema, and the body as a flat list of fields;
- responses by status, each with headers, schemas and examples;
- security, tags, deprecation and the operation's other fields (``extensions``).

Schemas are JSON Schema 2020-12 as OpenAPI 3.1 uses it (:mod:`apiscribe.model.dialect`), with
references only to the model's own named schemas (``#/components/schemas/<name>``). Sources
normalize their input's dialect on the way in; no view knows where an endpoint came from.

Where a source states nothing, a field says so with ``None`` (``responses``, ``tags``,
``security``), and the views follow one documented rule for it.

The seed format's own facts have a home here too (``warning``, ``sidebar_order``, the docstring
types in ``Parameter.type_name``, the body's field list, ``Endpoint.form``), so that a JSON doc
read into the model and written back gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .http import Example

#: ``body`` is only used for the fields of a request body (:attr:`RequestBody.fields`).
ParamLocation = Literal["path", "query", "header", "cookie", "body"]

#: A JSON value (a schema, an example) kept as parsed: dicts, lists, str, int, float, bool, None.
JsonValue = Any


def _empty() -> Mapping[str, JsonValue]:
    return {}


@dataclass(frozen=True)
class SourceLocation:
    """Where a fact came from: a file and a 1-based line (0 when unknown)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class NamedExample:
    """An example value from a spec (a lone ``example`` has the name ``""``), or one generated
    from the schema (``generated``: views label it "generated from the schema")."""

    name: str
    value: JsonValue
    summary: str = ""
    description: str = ""
    generated: bool = False
    #: The URL of an example kept outside the spec (OpenAPI ``externalValue``; ``value`` is
    #: then ``None``).
    external_value: str = ""


@dataclass(frozen=True)
class Parameter:
    """A parameter of an endpoint, a response header (location ``header``), or a field of a
    request body (location ``body``).

    ``type_name`` is the type as a docstring or JSON doc writes it (``url``, ``int``,
    ``array[string]``); it is empty when the source gives only a ``schema``.
    """

    name: str
    location: ParamLocation
    description: str = ""
    required: bool = False
    schema: JsonValue = None
    type_name: str = ""
    deprecated: bool = False
    examples: tuple[NamedExample, ...] = ()
    #: Other fields of the parameter or header object (``style``, ``explode``, ``content``,
    #: ``allowReserved``, ``x-*``), in OpenAPI 3.1 terms, kept for the round trip.
    extensions: Mapping[str, JsonValue] = field(default_factory=_empty)


#: The extension of a media type whose schema apiscribe learned from recorded traffic (the
#: app declares none): the OpenAPI document carries it, and pages say so.
LEARNED_EXTENSION = "x-apiscribe-learned"


@dataclass(frozen=True)
class MediaType:
    """One media type of a request body or a response."""

    media_type: str
    schema: JsonValue = None
    examples: tuple[NamedExample, ...] = ()
    #: Other fields of the media type object (``encoding``...), kept for the round trip.
    extensions: Mapping[str, JsonValue] = field(default_factory=_empty)


@dataclass(frozen=True)
class RequestBody:
    """What an endpoint accepts as its body.

    ``content`` holds each media type with its schema. ``fields`` is the body as a flat list of
    named fields (each a :class:`Parameter` of location ``body``): what a docstring's
    ``:param`` lines or a JSON doc's ``parameters`` say, or the top-level properties of the
    first JSON or form object schema of ``content``. A body known only by its fields has no
    ``content``; ``fields`` is ``None`` when the body has no such list.
    """

    description: str = ""
    required: bool = False
    content: tuple[MediaType, ...] = ()
    fields: tuple[Parameter, ...] | None = None


@dataclass(frozen=True)
class Response:
    """One documented response, keyed by ``status`` (``200``, ``4XX``, ``default``)."""

    status: str
    description: str = ""
    content: tuple[MediaType, ...] = ()
    headers: tuple[Parameter, ...] = ()
    links: Mapping[str, JsonValue] = field(default_factory=_empty)


@dataclass(frozen=True)
class JsonDocForm:
    """Facts only the JSON-doc file form carries.

    ``header`` holds the ``#`` comment lines after the opening ``---``. ``absent_keys`` names
    the seed keys a hand-edited file left out, ``empty_lists`` the parameter lists it gives as
    ``[]`` rather than ``null``. ``verbatim_json`` is the file's JSON text when it is not in
    canonical layout; the writer reuses it while ``verbatim_of`` (the canonical text of the
    document it encodes) still equals the document, so an untouched file keeps its bytes.
    """

    header: tuple[str, ...] = ()
    absent_keys: frozenset[str] = frozenset()
    empty_lists: frozenset[str] = frozenset()
    verbatim_json: str | None = None
    verbatim_of: str | None = None


@dataclass(frozen=True)
class Endpoint:
    """One HTTP method of one route (or one webhook: ``api_path`` is then its name)."""

    name: str
    section: str
    method: str
    api_path: str
    #: The title as the source states it (a docstring's first line, a spec's ``summary``);
    #: empty when it states none (see :attr:`display_title`).
    title: str = ""
    description: str = ""
    operation_id: str = ""
    parameters: tuple[Parameter, ...] = ()
    request_body: RequestBody | None = None
    #: ``None``: the source documents no responses (a docstring, a JSON doc); the recorded
    #: example is then the only one known. ``()``: it documents that there are none.
    responses: tuple[Response, ...] | None = None
    #: Security requirements as OpenAPI writes them; ``None``: not stated (the API's default
    #: applies, see ``ApiModel.security``), ``[]``: none needed.
    security: JsonValue = None
    #: What the endpoint needs, in words (``required``, ``optional``; a JSON doc's
    #: ``authentication``).
    authentication: str = ""
    #: ``None``: the source states no tags (the section's title serves as the one tag).
    tags: tuple[str, ...] | None = None
    deprecated: bool = False
    webhook: bool = False
    warning: str | None = None
    sidebar_order: int = 0
    #: Other operation fields (``callbacks``, ``servers``, ``externalDocs``, ``x-*``), in
    #: OpenAPI 3.1 terms, kept for the round trip.
    extensions: Mapping[str, JsonValue] = field(default_factory=_empty)
    example: Example = field(default_factory=lambda: Example("", ""))
    source: SourceLocation | None = None
    scenarios: tuple[str, ...] = ()
    form: JsonDocForm = field(default_factory=JsonDocForm)

    @property
    def label(self) -> str:
        """``GET /pets/{id}``."""
        return f"{self.method.upper()} {self.api_path}"

    @property
    def display_title(self) -> str:
        """The title, else the operationId, else the method and path."""
        return self.title.strip() or self.operation_id or self.label

    def parameters_in(self, location: ParamLocation) -> tuple[Parameter, ...]:
        """The parameters of one location, in the model's order."""
        if location == "body":
            body = self.request_body
            return body.fields or () if body is not None else ()
        return tuple(p for p in self.parameters if p.location == location)


@dataclass(frozen=True)
class Tag:
    """A tag the API declares, with its other fields (``externalDocs``, ``x-*``)."""

    name: str
    description: str = ""
    extensions: Mapping[str, JsonValue] = field(default_factory=_empty)


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
    #: The named schemas, referred to as ``#/components/schemas/<name>``.
    schemas: Mapping[str, JsonValue] = field(default_factory=_empty)
    security_schemes: Mapping[str, JsonValue] = field(default_factory=_empty)
    #: The API's default security requirements (``None``: not stated).
    security: JsonValue = None
    #: The tags the API declares, in order; ``None``: none declared (each section is one).
    tags: tuple[Tag, ...] | None = None
    #: Other component kinds (``parameters``, ``responses``, ``headers``, ``examples``,
    #: ``requestBodies``, ``links``, ``callbacks``, ``pathItems``, ``x-*``), in OpenAPI 3.1
    #: terms, kept for the round trip.
    components: Mapping[str, JsonValue] = field(default_factory=_empty)
    #: Other top-level fields (``servers``, ``externalDocs``, ``jsonSchemaDialect``, ``x-*``,
    #: and ``info`` with the info fields the model has no place for), kept for the round trip.
    extensions: Mapping[str, JsonValue] = field(default_factory=_empty)

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        return tuple(ep for section in self.sections for ep in section.endpoints)

    def section_of(self, endpoint: Endpoint) -> Section | None:
        """The section that holds ``endpoint`` (by identity)."""
        return next((s for s in self.sections if any(ep is endpoint for ep in s.endpoints)),
                    None)
