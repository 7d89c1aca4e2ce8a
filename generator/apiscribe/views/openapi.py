"""The OpenAPI view: one document for the whole API, 3.1.0 by default (3.0.3 on request).

Choices the model leaves open, made here so the document always validates:

- Paths are sorted; the methods of a path follow OpenAPI's order (get, put, post, ...).
  A converter in a path (``{id:int}``) is dropped (``{id}``). An endpoint with an empty or
  malformed ``api_path`` or a method OpenAPI cannot express is left out, and so is a second
  endpoint on the same path and method (the first one, in model order, wins). Webhooks go
  under ``webhooks``, keyed by their name (``x-webhooks`` in 3.0.3).
- A repeated ``operationId`` gets ``_2``, ``_3``... appended.
- Tags: the ones the model declares; when it declares none, one per section.
- The named schemas, the security schemes and the other components are written as the model
  has them; ``servers`` too, else one server at the base URL.
- 3.0.3 differs from 3.1.0 where the schema dialects do (:mod:`.openapi_dialect`).

Each operation is written by :mod:`.openapi_operation`.

An :class:`OpenApiMemo` makes the next document of a model that shares parts with the last
one (the ``openapi.json`` of each rebuild of ``mkdocs serve``) from what did not change: each
operation object, and the text of each operation and named schema.
"""

from __future__ import annotations

import copy
from typing import Any

from ..model import ApiModel, Endpoint, Tag
from ..model.routes import METHODS, RouteTemplate
from ..names import unique_name
from .json_text import TextMemo, indented
from .openapi_dialect import to_30
from .openapi_operation import BEARER, operation_object

VERSIONS = ("3.1.0", "3.0.3")
FILENAME = "openapi.json"


#: What an operation object is made of besides its endpoint: the section's title, the path,
#: the operationId made unique, the version, and whether the model has its own security.
_OperationInputs = tuple[str, str, str, str, bool]


class OpenApiMemo:
    """The last document's operation objects (by their endpoint's identity and the rest of
    what they are made of) and texts (:class:`~.json_text.TextMemo`), for the next
    :func:`render`: a model's parts are never changed in place, and a read that starts from
    the last one (:class:`~apiscribe.sources.openapi.LastRead`) gives the same objects for
    what did not change. Only the last document's are kept."""

    def __init__(self) -> None:
        self.texts = TextMemo()
        self._operations: dict[int, tuple[Endpoint, _OperationInputs, dict[str, Any]]] = {}
        self._last: dict[int, tuple[Endpoint, _OperationInputs, dict[str, Any]]] = {}

    def start(self) -> None:
        self._last, self._operations = self._operations, {}

    def operation(self, model: ApiModel, section_title: str, endpoint: Endpoint, path: str,
                  operation_id: str, version: str) -> dict[str, Any]:
        """:func:`~.openapi_operation.operation_object`, the last document's where its
        inputs are the same."""
        inputs = (section_title, path, operation_id, version, model.security is None)
        found = self._last.get(id(endpoint))
        if found is not None and found[0] is endpoint and found[1] == inputs:
            written = found[2]
        else:
            written = operation_object(model, section_title, endpoint, path, operation_id,
                                       version)
        self._operations[id(endpoint)] = (endpoint, inputs, written)
        return written


def render(model: ApiModel, *, version: str = "3.1.0", memo: OpenApiMemo | None = None
           ) -> dict[str, str]:
    """The OpenAPI document as ``{"openapi.json": text}``; with ``memo``, made from the last
    document's parts where they are the same (see :class:`OpenApiMemo`)."""
    if version != "3.1.0":
        memo = None  # a 3.0.3 document is a converted copy: none of its parts is kept
    doc = build_document(model, version=version, memo=memo)
    text = indented(doc) if memo is None else memo.texts.indented(doc)
    return {FILENAME: text + "\n"}


def build_document(model: ApiModel, *, version: str = "3.1.0",
                   memo: OpenApiMemo | None = None) -> dict[str, Any]:
    """The OpenAPI document of ``model`` as plain JSON data, keys in a fixed order; with
    ``memo``, the operation objects of the last document where they are the same."""
    if version not in VERSIONS:
        raise ValueError(f"unsupported OpenAPI version {version!r}; use one of {VERSIONS}")
    extensions = model.extensions
    info: dict[str, Any] = {"title": model.title, "version": model.version}
    if model.description:
        info["description"] = model.description
    info |= _info_extensions(extensions.get("info"), version)
    doc: dict[str, Any] = {"openapi": version, "info": info}
    if version == "3.1.0" and "jsonSchemaDialect" in extensions:
        doc["jsonSchemaDialect"] = extensions["jsonSchemaDialect"]
    if isinstance(extensions.get("servers"), list):
        doc["servers"] = extensions["servers"]
    elif model.base_url:
        doc["servers"] = [{"url": model.base_url}]
    if model.security is not None:
        doc["security"] = model.security
    tags = _tags(model)
    if tags:
        doc["tags"] = tags
    if "externalDocs" in extensions:
        doc["externalDocs"] = extensions["externalDocs"]
    operations, webhooks = _operations(model, version, memo)
    doc["paths"] = {
        path: {m: operations[path, m] for m in METHODS if (path, m) in operations}
        for path in sorted({path for path, _ in operations})
    }
    if webhooks:
        doc["webhooks" if version == "3.1.0" else "x-webhooks"] = webhooks
    components = _components(model, version, operations)
    if components:
        doc["components"] = components
    doc |= {key: value for key, value in extensions.items() if key.startswith("x-")}
    if version == "3.0.3":
        doc = copy.deepcopy(doc)  # the model's own data stays as it is
        to_30(doc)
    return doc


def _info_extensions(given: Any, version: str) -> dict[str, Any]:
    """The model's other info fields (contact, license...), less those 3.0.3 lacks."""
    if not isinstance(given, dict):
        return {}
    out = {k: v for k, v in given.items() if k not in ("title", "version", "description")}
    if version == "3.0.3":
        out.pop("summary", None)
        if isinstance(out.get("license"), dict) and "identifier" in out["license"]:
            out["license"] = {k: v for k, v in out["license"].items() if k != "identifier"}
    return out


def _tag(tag: Tag) -> dict[str, Any]:
    out: dict[str, Any] = {"name": tag.name}
    if tag.description:
        out["description"] = tag.description
    return out | dict(tag.extensions)


def _tags(model: ApiModel) -> list[dict[str, Any]]:
    if model.tags is not None:
        return [_tag(tag) for tag in model.tags]
    titles = dict.fromkeys(s.title for s in model.sections)
    described = {s.title: s.description for s in reversed(model.sections)}
    return [_tag(Tag(title, described[title])) for title in titles]


def _components(model: ApiModel, version: str, operations: Operations) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if model.schemas:
        out["schemas"] = dict(model.schemas)
    schemes = dict(model.security_schemes)
    if any(BEARER in req for op in operations.values() for req in op.get("security", ())):
        schemes.setdefault(BEARER, {"type": "http", "scheme": "bearer"})
    out |= {k: v for k, v in model.components.items() if version != "3.0.3" or k != "pathItems"}
    if schemes:
        out["securitySchemes"] = schemes
    return out


Operations = dict[tuple[str, str], dict[str, Any]]


def _operations(model: ApiModel, version: str, memo: OpenApiMemo | None = None
                ) -> tuple[Operations, dict[str, Any]]:
    """The operations by (path, method), and the webhooks by name."""
    write = memo.operation if memo is not None else operation_object
    if memo is not None:
        memo.start()
    operations: Operations = {}
    webhooks: dict[str, dict[str, Any]] = {}
    used_ids: set[str] = set()
    for section in model.sections:
        for endpoint in section.endpoints:
            method = endpoint.method.strip().lower()
            path = endpoint.api_path if endpoint.webhook else (
                RouteTemplate(endpoint.api_path).openapi_path)
            hook = webhooks.setdefault(path, {}) if endpoint.webhook else None
            taken = method in hook if hook is not None else (path, method) in operations
            if not path or method not in METHODS or taken:
                continue
            operation_id = unique_name(endpoint.operation_id, used_ids, "_") if (
                endpoint.operation_id) else ""
            written = write(model, section.title, endpoint, path, operation_id, version)
            if hook is not None:
                hook[method] = written
            else:
                operations[path, method] = written
    return operations, {name: ops for name, ops in sorted(webhooks.items()) if ops}
