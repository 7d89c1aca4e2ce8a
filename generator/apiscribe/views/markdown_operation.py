"""The parts of an endpoint page that come from an imported spec's operation.

Parameters get their schema's type, format, enum, default and example; header and cookie
parameters get tables of their own. The request body and every response show each media
type's schema (see :mod:`apiscribe.views.schemas`) and examples: the spec's own, or one
generated from the schema (JSON media types only), labelled :data:`GENERATED_NOTE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..httptext import format_request, format_response
from ..model import (
    ApiModel,
    Endpoint,
    HttpRequest,
    JsonValue,
    MediaType,
    NamedExample,
    Operation,
    Parameter,
    RequestBody,
    Response,
)
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
from .refs import ref_of, resolve
from .samples import code_samples
from .schemas import SchemaTables, json_text, plain
from .spec_examples import example_code, is_json, spec_example
from .synthesize import Direction, generated_example

#: The label of every example generated from a schema rather than recorded or written.
GENERATED_NOTE = "Example generated from the schema"
#: The label of an example taken from the spec (written by hand, not recorded).
SPEC_NOTE = "Example from the API description"
NO_SECURITY = "None"
_TABLES = (
    ("path", "Path parameters"),
    ("query", "Query parameters"),
    ("header", "Header parameters"),
    ("cookie", "Cookie parameters"),
    ("body", "Body parameters"),
)


@dataclass(frozen=True)
class OperationParts:
    """What an endpoint page shows of an operation (see ``EndpointPage``)."""

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


def heading_anchor(text: str) -> str:
    """The id Python-Markdown's ``toc`` extension (and GitHub) gives a heading."""
    from markdown.extensions.toc import slugify  # only imported operations need it

    return slugify(text, "-")


class OperationView:
    """Builds the operation parts of one page; ``tables`` carries the schema links."""

    def __init__(self, model: ApiModel, tables: SchemaTables):
        self.model = model
        self.tables = tables

    def parts(self, ep: Endpoint, op: Operation) -> OperationParts:
        return OperationParts(
            parameter_tables=self.parameter_tables(ep, op),
            deprecated=op.deprecated,
            webhook=op.webhook,
            security=self.security(op),
            request_body=self.request_body(op.request_body, webhook=op.webhook),
            responses=tuple(self.response(r, webhook=op.webhook) for r in op.responses),
        )

    # -- parameters ------------------------------------------------------------------------

    def parameter_tables(self, ep: Endpoint, op: Operation) -> tuple[ParamTable, ...]:
        params = ep.all_parameters + op.other_parameters
        tables = []
        for kind, heading in _TABLES:
            if kind == "body" and op.request_body is not None:
                continue  # the request body section shows them, with their schema
            rows = tuple(self.param_row(p) for p in params if p.kind == kind)
            if rows:
                tables.append(ParamTable(heading, rows))
        return tuple(tables)

    def param_row(self, param: Parameter) -> ParamRow:
        return self._row(
            param.name, param.schema, param.type, param.description, param.required,
            param.deprecated, param.examples,
        )

    def _row(
        self, name: str, schema: JsonValue, type_name: str, description: str, required: bool,
        deprecated: bool, examples: tuple[NamedExample, ...],
    ) -> ParamRow:
        example = next((e for e in examples if not e.generated), None)
        facts = self.tables.facts(schema)
        enum = facts.get("enum")
        values = [facts["const"]] if "const" in facts else enum if isinstance(enum, list) else []
        return ParamRow(
            name=name,
            type=plain(self.tables.type_of(schema)) if schema is not None else type_name,
            description=description or str(facts.get("description") or ""),
            required=required,
            deprecated=deprecated or facts.get("deprecated") is True,
            format=str(facts.get("format") or ""),
            enum=tuple(json_text(v) for v in values),
            default=json_text(facts["default"]) if "default" in facts else None,
            example=json_text(example.value) if example is not None else None,
        )

    def header_table(self, headers: JsonValue) -> ParamTable | None:
        if not isinstance(headers, dict) or not headers:
            return None
        rows = []
        for name, header in headers.items():
            ref = ref_of(header)
            found = resolve(ref, self.model.components) if ref is not None else header
            item: dict[str, Any] = found if isinstance(found, dict) else {}
            example = [NamedExample("", item["example"])] if "example" in item else []
            rows.append(self._row(
                str(name), item.get("schema"), "", str(item.get("description") or ""),
                item.get("required") is True, item.get("deprecated") is True, tuple(example),
            ))
        return ParamTable("Headers", tuple(rows))

    # -- security --------------------------------------------------------------------------

    def security(self, op: Operation) -> tuple[str, ...]:
        """The accepted credentials (a webhook does not inherit the document's)."""
        security = op.security
        if security is None and not op.webhook and isinstance(self.model.extra, dict):
            security = self.model.extra.get("security")
        if not isinstance(security, list):
            return ()
        if not security:
            return (NO_SECURITY,)
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

    def request_body(self, body: RequestBody | None, *, webhook: bool) -> RequestBodyView | None:
        if body is None:
            return None
        direction: Direction = "response" if webhook else "request"
        media = tuple(self.media(m, direction) for m in body.content)
        return RequestBodyView(body.description, body.required, media)

    def response(self, response: Response, *, webhook: bool) -> ResponseView:
        direction: Direction = "request" if webhook else "response"
        media = tuple(self.media(m, direction) for m in response.content)
        headers = self.header_table(response.headers)
        return ResponseView(response.status, response.description, headers, media)

    def media(self, media: MediaType, direction: Direction) -> MediaView:
        examples = list(media.examples)
        if not examples and shows_example(media) and media.schema is not None:
            examples.append(generated_example(media.schema, self.model.components,
                                              direction=direction))
        views = []
        for example in examples:
            language, code = example_code(example, media.media_type)
            note = GENERATED_NOTE if example.generated else ""
            views.append(ExampleView(example.summary or example.name, note, language, code))
        schema = self.tables.view(media.schema) if media.schema is not None else None
        return MediaView(media.media_type, schema, tuple(views))


def _language(request: HttpRequest) -> str:
    return "json" if is_json(request.header("Content-Type") or "") else "text"


def example_parts(model: ApiModel, ep: Endpoint) -> ExampleParts | None:
    """Example request code and response of an imported endpoint with no recorded example."""
    example = spec_example(model, ep)
    if example is None:
        return None
    request, response = example.request, example.response
    response_type = response.header("Content-Type") if response is not None else None
    if ep.operation is not None and ep.operation.webhook:  # sent to the reader's own URL
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
