"""The parts of an endpoint page built from what the endpoint documents.

- Parameters: one table per location. A row shows the parameter's type (its type name when
  the source wrote one, else the type its schema reads as, with the schema's format), and
  the schema's enum, default and example.
- A request body with media types gets a section of its own, each media type with its schema
  (see :mod:`apiscribe.views.schema_tables`) and examples; a body known only by its fields is
  a "Body parameters" table.
- Every documented response, with its headers and media types.
- Examples: the spec's own, or one generated from the schema (JSON media types only),
  labelled :data:`GENERATED_NOTE`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..formats.httptext import format_request, format_response
from ..model import (
    ApiModel,
    Endpoint,
    HttpRequest,
    JsonValue,
    MediaType,
    Parameter,
    ParamLocation,
    RequestBody,
    Response,
)
from ..model.api import LEARNED_EXTENSION
from ..model.http import is_json
from ..names import heading_anchor
from .exchanges import built_example, effective_security, example_code
from .messages import shown_request, shown_response
from .pages import (
    CodeSample,
    ExampleView,
    MediaView,
    ParamRow,
    ParamTable,
    RequestBodyView,
    ResponseRef,
    ResponseView,
)
from .samples import code_samples
from .schema_tables import SchemaTables, json_text, plain
from .synthesize import Direction, generated_example

#: The label of every example generated from a schema rather than recorded or written.
GENERATED_NOTE = "Example generated from the schema"
LEARNED_NOTE = ("Schema learned from the recorded requests and responses: the app declares "
                "none.")
#: The label of an example taken from the spec (written by hand, not recorded).
SPEC_NOTE = "Example from the API description"
NO_SECURITY = "None"
_TABLES: tuple[tuple[ParamLocation, str], ...] = (
    ("path", "Path parameters"),
    ("query", "Query parameters"),
    ("header", "Header parameters"),
    ("cookie", "Cookie parameters"),
    ("body", "Body parameters"),
)


@dataclass(frozen=True)
class OperationParts:
    """What an endpoint page shows of what the endpoint documents (see ``EndpointPage``)."""

    parameter_tables: tuple[ParamTable, ...]
    deprecated: bool
    webhook: bool
    security: tuple[str, ...]
    request_body: RequestBodyView | None
    responses: tuple[ResponseView, ...]


@dataclass(frozen=True)
class ExampleParts:
    request_samples: tuple[CodeSample, ...]
    response: CodeSample | None
    request_note: str
    response_note: str
    response_ref: ResponseRef | None = None


def shows_example(media: MediaType) -> bool:
    """Whether the page shows an example of ``media`` beside its schema: its own first
    example, else (JSON only) one generated from the schema."""
    return bool(media.examples) or (media.schema is not None and is_json(media.media_type))


class OperationView:
    """Builds the documented parts of one page; ``tables`` carries the schema links."""

    def __init__(self, model: ApiModel, tables: SchemaTables):
        self.model = model
        self.tables = tables

    def parts(self, ep: Endpoint) -> OperationParts:
        body = ep.request_body
        return OperationParts(
            parameter_tables=self.parameter_tables(ep),
            deprecated=ep.deprecated,
            webhook=ep.webhook,
            security=self.security(ep),
            request_body=self.request_body(body, webhook=ep.webhook) if (
                body is not None and body.content) else None,
            responses=tuple(self.response(r, webhook=ep.webhook) for r in ep.responses or ()),
        )

    # -- parameters ------------------------------------------------------------------------

    def parameter_tables(self, ep: Endpoint) -> tuple[ParamTable, ...]:
        body = ep.request_body
        tables = []
        for location, heading in _TABLES:
            if location == "body" and body is not None and body.content:
                continue  # the request body section shows them, with their schema
            rows = tuple(self.param_row(p) for p in ep.parameters_in(location))
            if rows:
                tables.append(ParamTable(heading, rows))
        return tuple(tables)

    def param_row(self, param: Parameter) -> ParamRow:
        schema: JsonValue = param.schema
        facts = self.tables.facts(schema)
        example = next((e for e in param.examples if not e.generated), None)
        enum = facts.get("enum")
        values = [facts["const"]] if "const" in facts else enum if isinstance(enum, list) else []
        if param.type_name or schema is None:
            type_text, shown_format = param.type_name, ""  # the name says the format
        else:
            type_text, shown_format = plain(self.tables.type_of(schema)), str(
                facts.get("format") or "")
        return ParamRow(
            name=param.name,
            type=type_text,
            description=param.description or str(facts.get("description") or ""),
            required=param.required,
            deprecated=param.deprecated or facts.get("deprecated") is True,
            format=shown_format,
            enum=tuple(json_text(v) for v in values),
            default=json_text(facts["default"]) if "default" in facts else None,
            example=json_text(example.value) if example is not None else None,
        )

    # -- security --------------------------------------------------------------------------

    def security(self, ep: Endpoint) -> tuple[str, ...]:
        """The accepted credentials (a webhook does not inherit the API's)."""
        security = effective_security(self.model, ep)
        if not isinstance(security, list):
            return ()
        if not security:  # no credentials: said once, by the endpoint's own text if it has one
            return () if ep.authentication else (NO_SECURITY,)
        lines = []
        for requirement in security:
            if not isinstance(requirement, dict):
                continue
            if not requirement:
                lines.append(NO_SECURITY)
                continue
            names = []
            for name, scopes in requirement.items():
                listed = [str(s) for s in scopes] if isinstance(scopes, list) else []
                names.append(f"{name} (scopes: {', '.join(listed)})" if listed else str(name))
            lines.append(" and ".join(names))
        return tuple(lines)

    # -- bodies ----------------------------------------------------------------------------

    # A webhook's request comes from the API (like a response: read-only fields included);
    # its response comes from the reader's server.

    def request_body(self, body: RequestBody, *, webhook: bool) -> RequestBodyView:
        direction: Direction = "response" if webhook else "request"
        media = tuple(self.media(m, direction) for m in body.content)
        return RequestBodyView(body.description, body.required, media)

    def response(self, response: Response, *, webhook: bool) -> ResponseView:
        direction: Direction = "request" if webhook else "response"
        media = tuple(self.media(m, direction) for m in response.content)
        rows = tuple(self.param_row(h) for h in response.headers)
        headers = ParamTable("Headers", rows) if rows else None
        return ResponseView(response.status, response.description, headers, media)

    def media(self, media: MediaType, direction: Direction) -> MediaView:
        examples = list(media.examples)
        if not examples and shows_example(media) and media.schema is not None:
            examples.append(generated_example(media.schema, self.model.schemas,
                                              direction=direction))
        views = []
        for example in examples:
            language, code = example_code(example, media.media_type)
            note = GENERATED_NOTE if example.generated else ""
            views.append(ExampleView(example.summary or example.name, note, language, code))
        schema = self.tables.view(media.schema) if media.schema is not None else None
        note = LEARNED_NOTE if media.extensions.get(LEARNED_EXTENSION) is True else ""
        return MediaView(media.media_type, schema, tuple(views), note)


def _language(request: HttpRequest) -> str:
    return "json" if is_json(request.header("Content-Type")) else "text"


def example_parts(model: ApiModel, ep: Endpoint) -> ExampleParts | None:
    """Example request code and response built from what ``ep`` documents (for an endpoint
    with no recorded example)."""
    example = built_example(model, ep)
    if example is None:
        return None
    request = shown_request(example.request)
    response = shown_response(example.response) if example.response is not None else None
    response_type = response.header("Content-Type") if response is not None else None
    if ep.webhook:  # sent to the reader's own URL
        body = request.body
        samples: tuple[CodeSample, ...] = ()
        if body:
            samples = (CodeSample("Payload", _language(request), body),)
    else:
        samples = tuple(
            CodeSample(label, language, code)
            for label, language, code in code_samples(
                model.base_url, request, format_request(request),
                response_content_type=response_type,
            )
        )
    request_note = (GENERATED_NOTE if example.request_generated else SPEC_NOTE) if samples else ""
    documented, media = example.documented, example.media
    if response is not None and response.body and documented and media and shows_example(media):
        # The body is the first example of that response's media type, shown above.
        ref = ResponseRef(
            f"{response.status} {response.reason}".strip(),
            media.media_type,
            documented.status,
            heading_anchor(documented.status),
        )
        return ExampleParts(samples, None, request_note, "", ref)
    sample = CodeSample("Response", "http", format_response(response)) if response else None
    return ExampleParts(
        samples,
        sample,
        request_note,
        (GENERATED_NOTE if example.response_generated else SPEC_NOTE) if response else "",
    )
