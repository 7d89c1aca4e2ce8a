"""The OpenAPI view: one document for the whole API, 3.1.0 by default (3.0.3 on request).

Choices the model leaves open, made here so the document always validates:

- Paths are sorted; the methods of a path follow OpenAPI's order (get, put, post, ...).
  A converter in a path (``{id:int}``) is dropped (``{id}``). An endpoint with an empty or
  malformed ``api_path`` or a method OpenAPI cannot express is left out, and
  so is a second endpoint on the same path and method (the first one, in model order, wins).
- Path parameters are those of the path template, in template order: a documented one keeps
  its type and description, an undocumented one is a required string, and a documented name
  the template does not use is left out. A repeated parameter keeps its first occurrence.
- ``operationId`` is the endpoint name; a repeated name gets ``_2``, ``_3``... appended.
- Authentication: ``required...`` → ``security: [{bearerAuth: []}]``; ``optional...`` →
  ``[{}, {bearerAuth: []}]``; ``none`` (or ``public``, ``not required``...) → ``[]``; empty
  or anything else → no ``security`` key (the document declares no global requirement).
- 3.0.3 differs from 3.1.0 only where the schema dialects do: arrays always get ``items``
  and files are ``format: binary`` (3.1.0 says ``contentMediaType`` instead).

Endpoints imported from a spec (``Endpoint.operation``) are written from the operation as it
came (:mod:`apiscribe.views.openapi_operation`), webhooks under ``webhooks`` keyed by their
name (``x-webhooks`` in 3.0.3); the spec's ``components`` and top-level fields
(``ApiModel.extra``: servers, security, tags, externalDocs, ``x-*``) are written verbatim, and
its schemas are rewritten for the output's dialect (:mod:`apiscribe.views.openapi_dialect`).
Generated tags cover only sections that hold endpoints read from code.
"""

from __future__ import annotations

import copy
import json
import re
import string
from http import HTTPStatus
from typing import Any

from ..model import KNOWN_TYPES, ApiModel, Endpoint, HttpRequest, HttpResponse, Parameter
from .openapi_dialect import convert_document, source_dialect
from .openapi_operation import operation_object

VERSIONS = ("3.1.0", "3.0.3")
FILENAME = "openapi.json"
BEARER = "bearerAuth"
NO_EXAMPLE = "No recorded example."

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_CONVERTER = re.compile(r"\{([^{}:]+):[^{}]*\}")
_ARRAY_OF = re.compile(r"^(?:array|list)\[(.+)\]$")
_NO_AUTH = ("none", "no", "public", "anonymous", "not required", "not needed", "false")
_MULTIPART = "multipart/form-data"
_JSON = "application/json"


def render(model: ApiModel, *, version: str = "3.1.0") -> dict[str, str]:
    """The OpenAPI document as ``{"openapi.json": text}``."""
    doc = build_document(model, version=version)
    return {FILENAME: json.dumps(doc, indent=2, ensure_ascii=False) + "\n"}


def build_document(model: ApiModel, *, version: str = "3.1.0") -> dict[str, Any]:
    """The OpenAPI document of ``model`` as plain JSON data, keys in a fixed order."""
    if version not in VERSIONS:
        raise ValueError(f"unsupported OpenAPI version {version!r}; use one of {VERSIONS}")
    extra: dict[str, Any] = model.extra if isinstance(model.extra, dict) else {}
    info: dict[str, Any] = {"title": model.title, "version": model.version}
    if model.description:
        info["description"] = model.description
    info |= _info_extra(extra.get("info"), version)
    doc: dict[str, Any] = {"openapi": version, "info": info}
    if version == "3.1.0" and "jsonSchemaDialect" in extra:
        doc["jsonSchemaDialect"] = extra["jsonSchemaDialect"]
    if isinstance(extra.get("servers"), list):
        doc["servers"] = extra["servers"]
    elif model.base_url:
        doc["servers"] = [{"url": model.base_url}]
    if "security" in extra:
        doc["security"] = extra["security"]
    tags = extra["tags"] if isinstance(extra.get("tags"), list) else _tags(model)
    if tags:
        doc["tags"] = tags
    if "externalDocs" in extra:
        doc["externalDocs"] = extra["externalDocs"]
    operations, webhooks = _operations(model, version)
    paths: dict[str, Any] = {}
    for path in sorted({path for path, _ in operations}):
        paths[path] = {m: operations[path, m] for m in _METHODS if (path, m) in operations}
    doc["paths"] = paths
    if webhooks:
        doc["webhooks" if version == "3.1.0" else "x-webhooks"] = webhooks
    components = _components(model, version)
    if any(BEARER in req for op in operations.values() for req in op.get("security", ())):
        schemes = components.setdefault("securitySchemes", {})
        schemes.setdefault(BEARER, {"type": "http", "scheme": "bearer"})
    if components:
        doc["components"] = components
    doc |= {key: value for key, value in extra.items() if key.startswith("x-")}
    if _is_imported(model):
        doc = copy.deepcopy(doc)  # the model's own data stays as it is
        convert_document(doc, source_dialect(model.source_version), version)
    return doc


def _is_imported(model: ApiModel) -> bool:
    return bool(model.source_version) or model.components is not None or any(
        ep.operation is not None for ep in model.endpoints
    )


def _info_extra(given: Any, version: str) -> dict[str, Any]:
    """The spec's other info fields (contact, license...), less those 3.0.3 lacks."""
    if not isinstance(given, dict):
        return {}
    out = {k: v for k, v in given.items() if k not in ("title", "version", "description")}
    if version == "3.0.3":
        out.pop("summary", None)
        if isinstance(out.get("license"), dict) and "identifier" in out["license"]:
            out["license"] = {k: v for k, v in out["license"].items() if k != "identifier"}
    return out


def _components(model: ApiModel, version: str) -> dict[str, Any]:
    if not isinstance(model.components, dict):
        return {}
    components = dict(model.components)
    if version == "3.0.3":
        components.pop("pathItems", None)
    return components


def _tags(model: ApiModel) -> list[dict[str, str]]:
    """A tag per section that holds endpoints read from code (imported ones have their own)."""
    tags: list[dict[str, str]] = []
    seen: set[str] = set()
    for section in model.sections:
        if section.title in seen:
            continue
        if section.endpoints and all(ep.operation is not None for ep in section.endpoints):
            continue
        seen.add(section.title)
        tag = {"name": section.title}
        if section.description:
            tag["description"] = section.description
        tags.append(tag)
    return tags


Operations = dict[tuple[str, str], dict[str, Any]]


def _operations(model: ApiModel, version: str) -> tuple[Operations, dict[str, Any]]:
    """The operations by (path, method), and the webhooks by name."""
    operations: Operations = {}
    webhooks: dict[str, dict[str, Any]] = {}
    used_ids: set[str] = set()
    for section in model.sections:
        for endpoint in section.endpoints:
            op = endpoint.operation
            method = endpoint.method.strip().lower()
            if op is not None and op.webhook:
                hook = webhooks.setdefault(endpoint.api_path, {})
                if method in _METHODS and method not in hook:
                    operation_id = _unique(op.operation_id, used_ids) if op.operation_id else ""
                    hook[method] = operation_object(
                        endpoint, op, endpoint.api_path, operation_id, version
                    )
                continue
            path = _path_of(endpoint.api_path)
            if not path or method not in _METHODS or (path, method) in operations:
                continue
            if op is not None:
                operation_id = _unique(op.operation_id, used_ids) if op.operation_id else ""
                operations[path, method] = operation_object(
                    endpoint, op, path, operation_id, version
                )
                continue
            operation_id = _unique(endpoint.name, used_ids)
            operations[path, method] = _operation(
                endpoint, path, section.title, operation_id, version
            )
    return operations, {name: ops for name, ops in sorted(webhooks.items()) if ops}


def _path_of(api_path: str) -> str:
    """The path as an OpenAPI key: a leading ``/``, ``{id:int}`` as ``{id}``; empty if unusable."""
    path = _CONVERTER.sub(r"{\1}", api_path.strip())
    if path and not path.startswith("/"):
        path = "/" + path
    try:
        _template_names(path)
    except ValueError:  # unbalanced braces: not a path template
        return ""
    return path


def _template_names(path: str) -> list[str]:
    """The parameter names of a path template, read the way validators read them."""
    return [name for _, name, _, _ in string.Formatter().parse(path) if name]


def _unique(name: str, used: set[str]) -> str:
    candidate, number = name, 1
    while candidate in used:
        number += 1
        candidate = f"{name}_{number}"
    used.add(candidate)
    return candidate


def _operation(
    endpoint: Endpoint, path: str, tag: str, operation_id: str, version: str
) -> dict[str, Any]:
    operation: dict[str, Any] = {"tags": [tag]}
    if endpoint.title:
        operation["summary"] = endpoint.title
    description = _description(endpoint)
    if description:
        operation["description"] = description
    operation["operationId"] = operation_id
    parameters = _parameters(endpoint, path, version)
    if parameters:
        operation["parameters"] = parameters
    exchange = endpoint.example.exchange
    body = _request_body(endpoint.parameters or (), exchange.request if exchange else None, version)
    if body is not None:
        operation["requestBody"] = body
    operation["responses"] = _responses(exchange.response if exchange else None)
    security = _security(endpoint.authentication)
    if security is not None:
        operation["security"] = security
    return operation


def _description(endpoint: Endpoint) -> str:
    parts = [endpoint.description.strip()] if endpoint.description.strip() else []
    if endpoint.warning and endpoint.warning.strip():
        parts.append(f"**Warning:** {endpoint.warning.strip()}")
    return "\n\n".join(parts)


def _parameters(endpoint: Endpoint, path: str, version: str) -> list[dict[str, Any]]:
    documented: dict[str, Parameter] = {}
    for param in endpoint.path_parameters or ():
        documented.setdefault(param.name, param)
    parameters: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for name in _template_names(path):
        if (name, "path") in seen:
            continue
        seen.add((name, "path"))
        doc = documented.get(name)
        item: dict[str, Any] = {"name": name, "in": "path", "required": True}
        if doc is not None and doc.description:
            item["description"] = doc.description
        item["schema"] = schema_of(doc.type if doc else "string", version)
        parameters.append(item)
    for param in endpoint.query_parameters or ():
        if (param.name, "query") in seen:
            continue
        seen.add((param.name, "query"))
        item = {"name": param.name, "in": "query"}
        if param.description:
            item["description"] = param.description
        if param.required:
            item["required"] = True
        item["schema"] = schema_of(param.type, version)
        parameters.append(item)
    return parameters


def schema_of(type_name: str, version: str = "3.1.0") -> dict[str, Any]:
    """The JSON Schema of a docstring type; ``{}`` (anything) for an unknown type."""
    key = type_name.strip().lower()
    array_of = _ARRAY_OF.match(key)
    if array_of:
        return {"type": "array", "items": schema_of(array_of[1], version)}
    if key == "file" and version != "3.0.3":
        return {"type": "string", "contentMediaType": "application/octet-stream"}
    schema: dict[str, Any] = dict(KNOWN_TYPES.get(key, {}))
    if schema.get("type") == "array" and version == "3.0.3":
        schema["items"] = {}
    return schema


def _request_body(
    params: tuple[Parameter, ...], request: HttpRequest | None, version: str
) -> dict[str, Any] | None:
    example = _json_body(request.body, request.header("Content-Type")) if request else None
    if not params:
        if example is None:
            return None
        media_type = _media_type(request.header("Content-Type") if request else None)
        return {"content": {media_type or _JSON: {"example": example[0]}}}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for param in params:
        if param.name in properties:
            continue
        prop = schema_of(param.type, version)
        if param.description:
            prop["description"] = param.description
        properties[param.name] = prop
        if param.required:
            required.append(param.name)
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    multipart = any(p.type.strip().lower() == "file" for p in params)
    media: dict[str, Any] = {"schema": schema}
    if example is not None and not multipart:
        media["example"] = example[0]
    body: dict[str, Any] = {"content": {_MULTIPART if multipart else _JSON: media}}
    if required:
        body["required"] = True
    return body


def _responses(response: HttpResponse | None) -> dict[str, Any]:
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
            media_type, example = _media_type(content_type) or _JSON, parsed[0]
        else:
            media_type, example = _media_type(content_type) or "text/plain", response.body
        described["content"] = {media_type: {"example": example}}
    return {status: described}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Status {status}"


def _security(authentication: str) -> list[dict[str, list[str]]] | None:
    text = authentication.strip().lower()
    if text.startswith("required"):
        return [{BEARER: []}]
    if text.startswith("optional"):
        return [{}, {BEARER: []}]
    if text.rstrip(".") in _NO_AUTH:
        return []
    return None


def _media_type(content_type: str | None) -> str:
    """``application/json; charset=utf-8`` → ``application/json`` (empty when absent)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def _is_json(media_type: str) -> bool:
    return media_type == _JSON or media_type.endswith("+json")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json_body(body: str | None, content_type: str | None) -> tuple[Any] | None:
    """The body parsed as JSON, in a 1-tuple (JSON ``null`` is a value); ``None`` otherwise.

    Only a body whose Content-Type is JSON (or that has no Content-Type) counts.
    """
    media_type = _media_type(content_type)
    if not body or not (media_type == "" or _is_json(media_type)):
        return None
    try:
        value = json.loads(body, parse_constant=_reject_constant)
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return None
    return (value,)
