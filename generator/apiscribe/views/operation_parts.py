"""The parts of an endpoint page built from what the endpoint documents.

- Parameters: one table per location. A row shows the parameter's type (its type name when
  the source wrote one, else the type its schema reads as, with the schema's format), and
  the schema's enum, default and example.
- A request body with media types gets a section of its own, each media type with its schema
  (see :mod:`apiscribe.views.schema_tables`) and examples; a body known only by its fields is
  a "Body parameters" table.
- Every documented response, with its headers and media types.
- Headings' ids, fixed and unique on the page (``path-parameters``, ``response-200``,
  ``response-200-application-json``), whatever descriptions hold.
- Badges: the method, the credentials, deprecation, and pagination (a ``Link`` header on a
  recorded or documented response, or one of :data:`PAGING_PARAMETERS`).
- Examples: the spec's own, or one generated from the schema (JSON media types only),
  labelled :data:`GENERATED_NOTE`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..formats.httptext import format_response
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
from ..names import heading_anchor, html_id, unique_name
from .exchanges import built_example, effective_security, example_code
from .messages import shown_request, shown_response
from .pages import (
    BADGE_KINDS,
    Badge,
    CodeSample,
    ExampleView,
    MediaView,
    ParamRow,
    ParamTable,
    RequestBodyView,
    ResponseFold,
    ResponseView,
    param_table,
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
#: An example response longer than this many lines is folded (collapsed under its status).
FOLD_LINES = 30
NO_SECURITY = "None"
#: Query parameters that make an endpoint paginated.
PAGING_PARAMETERS = frozenset({"cursor", "page", "per_page", "limit", "offset"})
#: The ids of the page's own headings (the template's) and the Example section's.
PAGE_ANCHORS = frozenset({"authentication", "parameters", "request-body", "responses",
                          "example", "request", "response"})
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
    badges: tuple[Badge, ...] = ()


@dataclass(frozen=True)
class ExampleParts:
    request_samples: tuple[CodeSample, ...]
    response: CodeSample | None
    request_note: str
    response_note: str


def shows_example(media: MediaType) -> bool:
    """Whether the page shows an example of ``media`` beside its schema: its own first
    example, else (JSON only) one generated from the schema."""
    return bool(media.examples) or (media.schema is not None and is_json(media.media_type))


class OperationView:
    """Builds the documented parts of one page; ``tables`` carries the schema links."""

    def __init__(self, model: ApiModel, tables: SchemaTables):
        self.model = model
        self.tables = tables
        self._anchors: set[str] = set()

    def parts(self, ep: Endpoint) -> OperationParts:
        body = ep.request_body
        self._anchors = set(PAGE_ANCHORS)
        return OperationParts(
            parameter_tables=self.parameter_tables(ep),
            deprecated=ep.deprecated,
            webhook=ep.webhook,
            security=self.security(ep),
            request_body=self.request_body(body, webhook=ep.webhook) if (
                body is not None and body.content) else None,
            responses=tuple(self.response(r, webhook=ep.webhook) for r in ep.responses or ()),
            badges=self.badges(ep),
        )

    def anchor(self, prefix: str, name: str = "") -> str:
        """A heading id not yet used on the page: ``prefix``, or ``prefix-name``."""
        wanted = html_id(prefix, name).lower() if name else prefix
        return unique_name(wanted, self._anchors)

    # -- badges ----------------------------------------------------------------------------

    def badges(self, ep: Endpoint) -> tuple[Badge, ...]:
        method = ep.method.upper()
        badges = [Badge(method, method.lower() if method.lower() in BADGE_KINDS else "method")]
        auth = self.auth_badge(ep)
        if auth is not None:
            badges.append(auth)
        if ep.deprecated:
            badges.append(Badge("Deprecated", "deprecated"))
        if paginated(ep):
            badges.append(Badge("Paginated", "paginated"))
        return tuple(badges)

    def auth_badge(self, ep: Endpoint) -> Badge | None:
        """``Auth: none``, ``Auth: optional``, the schemes (``Auth: api_key or oauth``), or
        ``Auth: required`` (said in words only); ``None`` when nothing is known."""
        security = effective_security(self.model, ep)
        if isinstance(security, list):
            schemes = [" + ".join(map(str, req)) for req in security if isinstance(req, dict)]
            if not any(schemes):
                return Badge("Auth: none", "auth-none")
            named = " or ".join(dict.fromkeys(s for s in schemes if s))
            return Badge(f"Auth: optional ({named})" if "" in schemes else f"Auth: {named}",
                         "auth")
        words = ep.authentication.strip().lower().split()
        if words[:1] == ["required"]:
            return Badge("Auth: required", "auth")
        if words[:1] in (["none"], ["no"]) or words[:2] == ["not", "required"]:
            return Badge("Auth: none", "auth-none")
        return None

    # -- parameters ------------------------------------------------------------------------

    def parameter_tables(self, ep: Endpoint) -> tuple[ParamTable, ...]:
        body = ep.request_body
        tables = []
        for location, heading in _TABLES:
            if location == "body" and body is not None and body.content:
                continue  # the request body section shows them, with their schema
            rows = tuple(self.param_row(p) for p in ep.parameters_in(location))
            if rows:
                tables.append(param_table(heading, rows, self.anchor(heading_anchor(heading))))
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
            required=param.required or param.location == "path",  # a path needs them all
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
        media = tuple(self.media(m, direction, "request-body") for m in body.content)
        return RequestBodyView(body.description, body.required, media)

    def response(self, response: Response, *, webhook: bool) -> ResponseView:
        direction: Direction = "request" if webhook else "response"
        anchor = self.anchor("response", response.status)
        rows = tuple(self.param_row(h) for h in response.headers)
        headers = param_table("Headers", rows, self.anchor(anchor, "headers")) if rows else None
        media = tuple(self.media(m, direction, anchor) for m in response.content)
        return ResponseView(response.status, response.description, headers, media, anchor)

    def media(self, media: MediaType, direction: Direction, under: str) -> MediaView:
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
        return MediaView(media.media_type, schema, tuple(views), note,
                         self.anchor(under, media.media_type))


def paginated(ep: Endpoint) -> bool:
    """Whether a recorded or documented response of ``ep`` has a ``Link`` header, or it takes
    one of :data:`PAGING_PARAMETERS` in its query."""
    if any(p.name.lower() in PAGING_PARAMETERS for p in ep.parameters_in("query")):
        return True
    if any(h.name.lower() == "link" for r in ep.responses or () for h in r.headers):
        return True
    exchange = ep.example.exchange
    if exchange is not None:
        return exchange.response.header("Link") is not None
    head = ep.example.response_text.replace("\r\n", "\n").split("\n\n", 1)[0]
    return any(line.lower().startswith("link:") for line in head.split("\n")[1:])


def _language(request: HttpRequest) -> str:
    return "json" if is_json(request.header("Content-Type")) else "text"


def example_parts(model: ApiModel, ep: Endpoint) -> ExampleParts | None:
    """Example request code and response built from what ``ep`` documents (for an endpoint
    with no recorded example). The response is shown whole, as raw HTTP (the headers that
    matter, the body re-laid out)."""
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
                model.base_url, request,
                response_content_type=response_type,
            )
        )
    request_note = (GENERATED_NOTE if example.request_generated else SPEC_NOTE) if samples else ""
    if response is None:
        return ExampleParts(samples, None, request_note, "")
    return ExampleParts(samples, CodeSample("Response", "http", format_response(response)),
                        request_note,
                        GENERATED_NOTE if example.response_generated else SPEC_NOTE)


def response_fold(response: CodeSample) -> ResponseFold:
    """How the Example section shows ``response`` (raw HTTP): one longer than
    :data:`FOLD_LINES` lines is folded under its status line."""
    lines = response.code.count("\n") + 1
    status = response.code.partition("\n")[0].partition(" ")[2]
    return ResponseFold(status, lines, lines > FOLD_LINES)
