"""Operations imported from a spec, written back as OpenAPI operation objects.

Everything the model keeps of the spec is written as it came: identity (operationId, tags,
summary, description, deprecated), every parameter (with its schema, ``example`` or
``examples`` and other fields such as ``style``), the request body and each response (media
types, schemas, examples, headers, links), security, and the other fields (callbacks,
servers, externalDocs, ``x-*``). Examples generated from a schema are never written.
"""

from __future__ import annotations

import string
from typing import Any

from ..model import Endpoint, MediaType, NamedExample, Operation, Parameter, RequestBody, Response

#: The response written when an operation documents none (3.0.3 requires one).
NO_RESPONSES = "No responses documented."


def examples_fields(examples: tuple[NamedExample, ...]) -> dict[str, Any]:
    """``{"example": v}`` for a spec's lone ``example``, else ``{"examples": {...}}``."""
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


def _extra(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def parameter_object(param: Parameter) -> dict[str, Any]:
    item: dict[str, Any] = {"name": param.name, "in": param.kind}
    if param.description:
        item["description"] = param.description
    if param.required or param.kind == "path":
        item["required"] = True
    if param.deprecated:
        item["deprecated"] = True
    if param.schema is not None:
        item["schema"] = param.schema
    item |= examples_fields(param.examples)
    extra = _extra(param.extra)
    if "content" in extra:
        item.pop("schema", None)
    return item | extra


def _parameters(endpoint: Endpoint, op: Operation, path: str) -> list[dict[str, Any]]:
    params = (
        (endpoint.path_parameters or ())
        + (endpoint.query_parameters or ())
        + op.other_parameters
    )
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for param in params:
        if param.kind == "body" or (param.name, param.kind) in seen:
            continue
        seen.add((param.name, param.kind))
        out.append(parameter_object(param))
    if not op.webhook:  # every name of the path template needs a path parameter
        for _, name, _, _ in string.Formatter().parse(path):
            if name and (name, "path") not in seen:
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
        item |= examples_fields(media.examples)
        out[media.media_type] = item | _extra(media.extra)
    return out


def request_body_object(body: RequestBody) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if body.description:
        out["description"] = body.description
    out["content"] = content_object(body.content)
    if body.required:
        out["required"] = True
    return out


def response_object(response: Response) -> dict[str, Any]:
    out: dict[str, Any] = {"description": response.description}
    if response.headers:
        out["headers"] = response.headers
    if response.content:
        out["content"] = content_object(response.content)
    if response.links:
        out["links"] = response.links
    return out


def operation_object(
    endpoint: Endpoint, op: Operation, path: str, operation_id: str, version: str
) -> dict[str, Any]:
    """The operation object of an imported endpoint (``operation_id`` made unique)."""
    out: dict[str, Any] = {}
    if op.tags:
        out["tags"] = list(op.tags)
    invented = (op.operation_id, f"{endpoint.method.upper()} {endpoint.api_path}")
    if endpoint.title and endpoint.title not in invented:
        out["summary"] = endpoint.title
    description = endpoint.description
    if endpoint.warning and endpoint.warning.strip():
        warning = f"**Warning:** {endpoint.warning.strip()}"
        description = "\n\n".join(filter(None, [description.strip(), warning]))
    if description:
        out["description"] = description
    if operation_id:
        out["operationId"] = operation_id
    parameters = _parameters(endpoint, op, path)
    if parameters:
        out["parameters"] = parameters
    if op.request_body is not None:
        out["requestBody"] = request_body_object(op.request_body)
    if op.responses:
        out["responses"] = {r.status: response_object(r) for r in op.responses}
    elif version == "3.0.3":
        out["responses"] = {"default": {"description": NO_RESPONSES}}
    if op.deprecated:
        out["deprecated"] = True
    if op.security is not None:
        out["security"] = op.security
    return out | _extra(op.extra)
