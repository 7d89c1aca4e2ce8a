"""Example exchanges built from what an endpoint documents, for endpoints with no recording.

The request: the full path (:func:`endpoint_path`: the base URL's path in front) with
example path parameters, the required (or exemplified) query, header and cookie parameters, a
credential placeholder for the operation's security scheme, and the body of the first JSON
media type (else the first form or text one). The response: the first documented 2xx status,
with the body of its first JSON (else first) media type.

A parameter's value is one a reader recognizes (:func:`parameter_value`): its example,
default or enum value, else a placeholder named after it (``{team_slug}`` → ``TEAM_SLUG``),
percent-encoded in the path and query. A body is the spec's own example when it has one,
else one synthesized from the schema (a webhook's request comes from the API, so it is
synthesized as a response is);
:class:`BuiltExample` tells which, so views can label generated examples. An endpoint whose
source documents neither responses nor a body's media types (a docstring, a JSON doc) has
nothing to build from.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from ..model import (
    ApiModel,
    Endpoint,
    Header,
    HttpRequest,
    HttpResponse,
    JsonValue,
    MediaType,
    NamedExample,
    Parameter,
    Response,
)
from ..model.http import FORM, is_json, with_base_path
from ..model.routes import RouteTemplate
from ..model.types import schema_of
from .synthesize import Direction, stated_value, synthesize

Schemas = Mapping[str, JsonValue]


@dataclass(frozen=True)
class BuiltExample:
    """A request and (when the operation documents a 2xx) its response; ``*_generated`` say
    whether any value in them was synthesized from a schema."""

    request: HttpRequest
    request_generated: bool
    response: HttpResponse | None
    response_generated: bool


def pick_example(
    media: MediaType, schemas: Schemas, direction: Direction
) -> tuple[JsonValue, bool] | None:
    """The media type's first example (``(value, generated)``), else one from its schema."""
    if media.examples:
        return media.examples[0].value, media.examples[0].generated
    if media.schema is None:
        return None
    return synthesize(media.schema, schemas, direction=direction), True


def placeholder(name: str) -> str:
    """The stand-in for a value the reader fills in, named after its parameter: ``owner`` →
    ``OWNER``, ``teamSlug`` and ``team-slug`` → ``TEAM_SLUG``."""
    words = _WORD_BREAK.sub("_", _CAMEL.sub(r"\1_\2", name)).strip("_")
    return words.upper() or "VALUE"


_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_WORD_BREAK = re.compile(r"\W+|_+")


def parameter_value(param: Parameter, schemas: Schemas) -> tuple[JsonValue, bool]:
    """A parameter's example value and whether it was synthesized.

    The value is one a reader recognizes: the parameter's own first example, else its
    schema's example, const, default or first enum value (see
    :func:`~apiscribe.views.synthesize.stated_value`), else ``true`` for a boolean (the one
    synthesized value), else :func:`placeholder`, a blank to fill rather than a value: never
    a filler such as ``string`` or ``0``."""
    if param.examples:
        return param.examples[0].value, param.examples[0].generated
    schema = param.schema if param.schema is not None else schema_of(param.type_name)
    value, stated = stated_value(schema, schemas)
    if stated:
        return value, False
    if synthesize(schema, schemas, direction="request") is True:  # a boolean
        return True, True
    return placeholder(param.name), False


def endpoint_path(model: ApiModel, endpoint: Endpoint) -> str:
    """The path requests go to, as headings and samples show it: the base URL's path
    (``basePath``, a server URL's path) in front of the endpoint's, unless the
    endpoint's path starts with it already (:func:`~apiscribe.model.http.with_base_path`,
    the rule recorded targets follow too). A webhook
    goes to the reader's server: its "path" is its name, as it is."""
    api_path = endpoint.api_path
    if endpoint.webhook:
        return api_path
    return with_base_path(model.base_url, api_path if api_path.startswith("/") else "/" + api_path)


def _text(value: JsonValue) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _choose(content: tuple[MediaType, ...], *, form: bool) -> MediaType | None:
    for media in content:
        if is_json(media.media_type):
            return media
    for media in content:
        kind = media.media_type.lower()
        if kind.startswith("text/") or (form and kind.startswith(FORM)):
            return media
    return None


def body_text(media: MediaType, value: JsonValue) -> str | None:
    """An example value as the body of ``media`` (``None`` when it cannot be one)."""
    if is_json(media.media_type):
        return json.dumps(value, indent=2, ensure_ascii=False)
    if media.media_type.lower().startswith(FORM) and isinstance(value, dict):
        return urlencode([(str(k), _text(v)) for k, v in value.items()])
    return value if isinstance(value, str) else None


class _Builder:
    def __init__(self, model: ApiModel, endpoint: Endpoint):
        self.model, self.endpoint = model, endpoint
        self.generated = False

    def raw(self, param: Parameter) -> JsonValue:
        value, generated = parameter_value(param, self.model.schemas)
        self.generated = self.generated or generated
        return value

    def value(self, param: Parameter) -> str:
        """The value as text; a list's items joined with commas (OpenAPI's ``simple``
        style, that of paths and headers)."""
        value = self.raw(param)
        return ",".join(map(_text, value)) if isinstance(value, list) else _text(value)

    def request(self) -> HttpRequest:
        ep = self.endpoint
        path = endpoint_path(self.model, ep)
        route = RouteTemplate(path if path.startswith("/") else "/" + path)
        filled = {name: placeholder(name) for name in route.names}  # undeclared ones too
        filled.update({param.name: quote(self.value(param), safe="")
                       for param in ep.parameters_in("path")})
        path = route.fill(filled)
        base = urlsplit(self.model.base_url)
        headers = [Header("Host", base.netloc)] if base.netloc else []
        query: list[tuple[str, str]] = []
        cookies: list[str] = []
        for param in ep.parameters:
            if param.location == "path" or not (param.required or param.examples):
                continue
            if param.location == "query":
                value = self.raw(param)
                values = value if isinstance(value, list) else [value]
                query += [(param.name, _text(item)) for item in values]
            elif param.location == "header":
                headers.append(Header(param.name, self.value(param)))
            elif param.location == "cookie":
                cookies.append(f"{param.name}={self.value(param)}")
        self._credentials(headers, query, cookies)
        if cookies:
            headers.append(Header("Cookie", "; ".join(cookies)))
        body = self._body(headers)
        target = path + ("?" + urlencode(query) if query else "")
        return HttpRequest(ep.method.upper(), target, tuple(headers), body)

    def _credentials(
        self, headers: list[Header], query: list[tuple[str, str]], cookies: list[str]
    ) -> None:
        security = effective_security(self.model, self.endpoint)
        requirement = next((r for r in security or () if isinstance(r, dict) and r), None)
        for name in requirement or ():
            scheme = self.model.security_schemes.get(name)
            if not isinstance(scheme, dict):
                continue
            kind, where = scheme.get("type"), scheme.get("in")
            if kind == "apiKey" and isinstance(scheme.get("name"), str):
                key = scheme["name"]
                if where == "query":
                    query.append((key, "<api-key>"))
                elif where == "cookie":
                    cookies.append(f"{key}=<api-key>")
                else:
                    headers.append(Header(key, "<api-key>"))
            elif kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
                headers.append(Header("Authorization", "Basic <credentials>"))
            elif kind in ("http", "oauth2", "openIdConnect"):
                headers.append(Header("Authorization", "Bearer <token>"))

    def _body(self, headers: list[Header]) -> str | None:
        body = self.endpoint.request_body
        media = _choose(body.content, form=True) if body is not None else None
        if media is None:
            return None
        direction: Direction = "response" if self.endpoint.webhook else "request"
        picked = pick_example(media, self.model.schemas, direction)
        text = body_text(media, picked[0]) if picked is not None else None
        if picked is None or text is None:
            return None
        self.generated = self.generated or picked[1]
        headers.append(Header("Content-Type", media.media_type))
        return text


def _success(responses: tuple[Response, ...]) -> tuple[int, Response] | None:
    numeric = sorted(
        (int(r.status), r) for r in responses if r.status.isdigit() and r.status.startswith("2")
    )
    if numeric:
        return numeric[0]
    wildcard = next((r for r in responses if r.status.upper() == "2XX"), None)
    return (200, wildcard) if wildcard is not None else None


def _response_source(endpoint: Endpoint) -> tuple[int, MediaType | None] | None:
    """Where the example response comes from: ``(status, media type)`` of the first
    documented 2xx response and its first JSON (else first) media type."""
    found = _success(endpoint.responses or ())
    if found is None:
        return None
    status, response = found
    return status, _choose(response.content, form=False) or next(iter(response.content), None)


def response_example(
    model: ApiModel, endpoint: Endpoint, status: int, media: MediaType | None
) -> tuple[HttpResponse, bool]:
    """The example response of ``status`` with a body of ``media``, and whether the body was
    synthesized."""
    phrase = _phrase(status)
    if media is None:
        return HttpResponse(status, phrase), False
    picked = pick_example(media, model.schemas, "request" if endpoint.webhook else "response")
    text = body_text(media, picked[0]) if picked is not None else None
    if picked is None or text is None:
        return HttpResponse(status, phrase), False
    headers = (Header("Content-Type", media.media_type),)
    return HttpResponse(status, phrase, headers, text), picked[1]


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def effective_security(model: ApiModel, endpoint: Endpoint) -> JsonValue:
    """The endpoint's security requirements, else the API's (a webhook does not inherit
    them: the API sends it)."""
    if endpoint.security is not None or endpoint.webhook:
        return endpoint.security
    return model.security


def built_example(model: ApiModel, endpoint: Endpoint) -> BuiltExample | None:
    """The example built from what ``endpoint`` documents (see the module's docstring)."""
    body = endpoint.request_body
    if endpoint.responses is None and not (body is not None and body.content):
        return None
    builder = _Builder(model, endpoint)
    request = builder.request()
    source = _response_source(endpoint)
    if source is None:
        return BuiltExample(request, builder.generated, None, False)
    status, media = source
    response, generated = response_example(model, endpoint, status, media)
    return BuiltExample(request, builder.generated, response, generated)


def example_code(example: NamedExample, media_type: str) -> tuple[str, str]:
    """``(language, code)`` showing an example value of ``media_type``."""
    value: Any = example.value
    if isinstance(value, str) and not is_json(media_type):
        kind = media_type.lower()
        return ("xml" if "xml" in kind else "html" if "html" in kind else "text"), value
    return "json", json.dumps(value, indent=2, ensure_ascii=False)
