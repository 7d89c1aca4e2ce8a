"""Operation objects of the OpenAPI view, one rule for every endpoint.

- ``tags``: the endpoint's; when it states none, its section's title.
- ``summary``: the title, when the endpoint has one; the description ends with its warning.
- ``parameters``: every parameter in model order (a repeated name and location once, a path
  parameter the route template does not use left out), then each template name no parameter
  documents, as a required string.
- ``requestBody``: the body's media types as the model has them; a body known only by its
  fields becomes one object schema under ``application/json`` (``multipart/form-data`` when a
  field is a file). A recorded JSON request body is the example of its media type, unless
  that media type has examples of its own.
- ``responses``: the documented ones, the recorded response's body as the example of its
  status and media type where they have none. An endpoint whose source documents no responses
  gets the recorded one, or a ``default`` one saying there is no example; an endpoint that
  documents none gets no ``responses`` in 3.1 (3.0.3 requires one: a ``default``).
- ``security``: the endpoint's. When neither it nor the API states any, its authentication
  text decides: ``required...`` → ``[{bearerAuth: []}]``; ``optional...`` →
  ``[{}, {bearerAuth: []}]``; ``none`` (``public``, ``not required``...) → ``[]``; anything
  else → no ``security``.
- the endpoint's other fields (``callbacks``, ``externalDocs``, ``x-*``) as they are.

Examples generated from a schema are never written.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from ..model import (
    ApiModel,
    Endpoint,
    HttpRequest,
    HttpResponse,
    MediaType,
    NamedExample,
    Parameter,
    RequestBody,
    Response,
)
from ..model.http import JSON, MULTIPART, is_json, media_type_of
from ..model.routes import RouteTemplate
from ..model.types import is_file

BEARER = "bearerAuth"
#: The response of an endpoint whose source documents none and that has no recorded example.
NO_EXAMPLE = "No recorded example."
#: The response written in 3.0.3 when an operation documents none (3.0.3 requires one).
NO_RESPONSES = "No responses documented."
_NO_AUTH = ("none", "no", "public", "anonymous", "not required", "not needed", "false")


def examples_fields(examples: tuple[NamedExample, ...]) -> dict[str, Any]:
    """``{"example": v}`` for a lone unnamed example, else ``{"examples": {...}}``."""
    given = [e for e in examples if not e.generated]
    if not given:
        return {}
    if len(given) == 1 and given[0].name == "" and not given[0].external_value:
        return {"example": given[0].value}
    named: dict[str, Any] = {}
    for number, example in enumerate(given, 1):
        item: dict[str, Any] = {}
        if example.summary:
            item["summary"] = example.summary
        if example.description:
            item["description"] = example.description
        if example.external_value:
            item["externalValue"] = example.external_value
        else:
            item["value"] = example.value
        name = example.name or "example"
        while name in named:
            name = f"{example.name or 'example'}_{number}"
            number += 1
        named[name] = item
    return {"examples": named}


def parameter_object(param: Parameter) -> dict[str, Any]:
    """A parameter object (a header object without ``name`` and ``in``)."""
    item: dict[str, Any] = {"name": param.name, "in": param.location}
    if param.location == "path":  # always required: said first
        item["required"] = True
    if param.description:
        item["description"] = param.description
    if param.required:
        item["required"] = True
    if param.deprecated:
        item["deprecated"] = True
    if param.schema is not None and "content" not in param.extensions:
        item["schema"] = param.schema
    return item | examples_fields(param.examples) | dict(param.extensions)


def _parameters(endpoint: Endpoint, path: str) -> list[dict[str, Any]]:
    names = () if endpoint.webhook else RouteTemplate(path).openapi_names
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for param in endpoint.parameters:
        key = (param.name, param.location)
        unused = param.location == "path" and not endpoint.webhook and param.name not in names
        if key in seen or unused:
            continue
        seen.add(key)
        out.append(parameter_object(param))
    for name in names:
        if (name, "path") not in seen:
            seen.add((name, "path"))
            out.append({"name": name, "in": "path", "required": True,
                        "schema": {"type": "string"}})
    return out


def content_object(content: tuple[MediaType, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for media in content:
        item: dict[str, Any] = {}
        if media.schema is not None:
            item["schema"] = media.schema
        out[media.media_type] = item | examples_fields(media.examples) | dict(media.extensions)
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_body(body: str | None, content_type: str | None) -> tuple[Any] | None:
    """The body parsed as JSON, in a 1-tuple (JSON ``null`` is a value); ``None`` otherwise.

    Only a body whose Content-Type is JSON (or that has no Content-Type) counts.
    """
    media_type = media_type_of(content_type)
    if not body or not (media_type == "" or is_json(media_type)):
        return None
    try:
        value = json.loads(body, parse_constant=_reject_constant)
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError, RecursionError):
        return None
    return (value,)


def _add_example(content: dict[str, Any], media_type: str, value: Any) -> None:
    """``value`` as the example of ``media_type`` in ``content``, unless it has one."""
    item = content.get(media_type)
    if isinstance(item, dict) and "example" not in item and "examples" not in item:
        content[media_type] = item | {"example": value}


def _fields_body(body: RequestBody, example: tuple[Any] | None) -> dict[str, Any] | None:
    """A body known only by its fields: one object schema."""
    fields = body.fields or ()
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in fields:
        if field.name in properties:
            continue
        prop = dict(field.schema) if isinstance(field.schema, dict) else {}
        if field.description:
            prop["description"] = field.description
        properties[field.name] = prop
        if field.required:
            required.append(field.name)
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    multipart = any(is_file(field.schema) for field in fields)
    media: dict[str, Any] = {"schema": schema}
    if example is not None and not multipart:
        media["example"] = example[0]
    out: dict[str, Any] = {}
    if body.description:
        out["description"] = body.description
    out["content"] = {MULTIPART if multipart else JSON: media}
    if required or body.required:
        out["required"] = True
    return out


def _request_body(endpoint: Endpoint, request: HttpRequest | None) -> dict[str, Any] | None:
    content_type = request.header("Content-Type") if request is not None else None
    example = _json_body(request.body, content_type) if request is not None else None
    body = endpoint.request_body
    if body is None or not (body.content or body.fields):
        if example is None:
            return None
        return {"content": {media_type_of(content_type) or JSON: {"example": example[0]}}}
    if not body.content:
        return _fields_body(body, example)
    out: dict[str, Any] = {}
    if body.description:
        out["description"] = body.description
    out["content"] = content_object(body.content)
    if example is not None:
        _add_example(out["content"], media_type_of(content_type) or JSON, example[0])
    if body.required:
        out["required"] = True
    return out


def response_object(response: Response) -> dict[str, Any]:
    out: dict[str, Any] = {"description": response.description}
    if response.headers:
        out["headers"] = {
            h.name: {k: v for k, v in parameter_object(h).items() if k not in ("name", "in")}
            for h in response.headers
        }
    if response.content:
        out["content"] = content_object(response.content)
    if response.links:
        out["links"] = dict(response.links)
    return out


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Status {status}"


def _recorded(response: HttpResponse | None) -> dict[str, Any]:
    """The responses of an endpoint whose source documents none: the recorded one."""
    if response is None:
        return {"default": {"description": NO_EXAMPLE}}
    status = str(response.status) if 100 <= response.status <= 599 else "default"
    described: dict[str, Any] = {"description": response.reason or _phrase(response.status)}
    link = response.header("Link")
    if link is not None:
        described["headers"] = {"Link": {"schema": {"type": "string"}, "example": link}}
    if response.body:
        content_type = response.header("Content-Type")
        parsed = _json_body(response.body, content_type)
        if parsed is not None:
            media_type, example = media_type_of(content_type) or JSON, parsed[0]
        else:
            media_type, example = media_type_of(content_type) or "text/plain", response.body
        described["content"] = {media_type: {"example": example}}
    return {status: described}


def _responses(endpoint: Endpoint, recorded: HttpResponse | None, version: str
               ) -> dict[str, Any] | None:
    if endpoint.responses is None:
        return _recorded(recorded)
    if not endpoint.responses:
        return {"default": {"description": NO_RESPONSES}} if version == "3.0.3" else None
    out = {r.status: response_object(r) for r in endpoint.responses}
    if recorded is not None and str(recorded.status) in out:
        content_type = recorded.header("Content-Type")
        parsed = _json_body(recorded.body, content_type)
        content = out[str(recorded.status)].get("content")
        if parsed is not None and isinstance(content, dict):
            _add_example(content, media_type_of(content_type) or JSON, parsed[0])
    return out


def security_of(authentication: str) -> list[dict[str, list[str]]] | None:
    """The security requirements an authentication text stands for (see the module)."""
    text = authentication.strip().lower()
    if text.startswith("required"):
        return [{BEARER: []}]
    if text.startswith("optional"):
        return [{}, {BEARER: []}]
    if text.rstrip(".") in _NO_AUTH:
        return []
    return None


def operation_object(
    model: ApiModel, section_title: str, endpoint: Endpoint, path: str, operation_id: str,
    version: str,
) -> dict[str, Any]:
    """The operation object of ``endpoint`` (``operation_id`` made unique)."""
    out: dict[str, Any] = {}
    tags = list(endpoint.tags) if endpoint.tags is not None else [section_title]
    if tags:
        out["tags"] = tags
    if endpoint.title.strip():
        out["summary"] = endpoint.title
    parts = [endpoint.description.strip()] if endpoint.description.strip() else []
    if endpoint.warning and endpoint.warning.strip():
        parts.append(f"**Warning:** {endpoint.warning.strip()}")
    if parts:
        out["description"] = "\n\n".join(parts)
    if operation_id:
        out["operationId"] = operation_id
    parameters = _parameters(endpoint, path)
    if parameters:
        out["parameters"] = parameters
    exchange = endpoint.example.exchange
    body = _request_body(endpoint, exchange.request if exchange is not None else None)
    if body is not None:
        out["requestBody"] = body
    responses = _responses(endpoint, exchange.response if exchange is not None else None,
                           version)
    if responses is not None:
        out["responses"] = responses
    if endpoint.deprecated:
        out["deprecated"] = True
    security = endpoint.security
    if security is None and model.security is None:
        security = security_of(endpoint.authentication)
    if security is not None:
        out["security"] = security
    return out | dict(endpoint.extensions)
