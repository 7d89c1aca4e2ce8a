"""The OpenAPI view's 3.0.3 output: every schema of a document rewritten from the model's
dialect (JSON Schema 2020-12, as OpenAPI 3.1 uses it) into OpenAPI 3.0's.

- a ``type`` list becomes one type (``nullable`` for ``"null"``; ``anyOf`` when it names
  several);
- numeric exclusive bounds become boolean ones, ``const`` a one-value ``enum``, ``examples``
  an ``example``, ``contentEncoding``/``contentMediaType`` a ``format``, arrays always get
  ``items``;
- keywords 3.0 lacks (``$defs``, ``if``, ``prefixItems``...) are dropped.

:func:`to_30` walks a whole document and rewrites every schema in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model.dialect import subschemas
from ..model.routes import METHODS

#: Schema keywords of 3.1 (JSON Schema 2020-12) that a 3.0 schema object does not allow.
_NOT_IN_30 = frozenset({
    "$schema", "$id", "$anchor", "$dynamicAnchor", "$dynamicRef", "$defs", "$comment",
    "$vocabulary", "definitions", "if", "then", "else", "dependentSchemas", "dependentRequired",
    "prefixItems", "unevaluatedItems", "unevaluatedProperties", "contains", "minContains",
    "maxContains", "propertyNames", "patternProperties", "additionalItems", "contentSchema",
    "contentEncoding", "contentMediaType", "const", "examples",
})


def _down(schema: dict[str, Any]) -> None:
    kind = schema.get("type")
    if isinstance(kind, list) or kind == "null":
        kinds = kind if isinstance(kind, list) else [kind]
        rest = [k for k in kinds if k != "null"]
        if "null" in kinds:
            schema["nullable"] = True
        if len(rest) == 1:
            schema["type"] = rest[0]
        else:
            del schema["type"]
            if rest:
                schema.setdefault("anyOf", [{"type": k} for k in rest])
            else:
                schema.setdefault("enum", [None])
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        value = schema.get(exclusive)
        if isinstance(value, int | float) and not isinstance(value, bool):
            schema[bound], schema[exclusive] = value, True
    if "const" in schema:
        schema.setdefault("enum", [schema["const"]])
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        schema.setdefault("example", examples[0])
    if schema.get("type") == "string" and "format" not in schema:
        if schema.get("contentEncoding") == "base64":
            _after_type(schema, "format", "byte")
        elif "contentMediaType" in schema:
            _after_type(schema, "format", "binary")
    if schema.get("type") == "array" and "items" not in schema:
        _after_type(schema, "items", {})
    for key in _NOT_IN_30 & schema.keys():
        del schema[key]


def _after_type(schema: dict[str, Any], key: str, value: Any) -> None:
    """Add ``key`` right after ``type``, where a schema written for 3.0 has it."""
    items = list(schema.items())
    at = next(i for i, (name, _) in enumerate(items) if name == "type") + 1
    schema.clear()
    schema.update([*items[:at], (key, value), *items[at:]])


def _schema_30(schema: dict[str, Any]) -> None:
    for _, _, sub in list(subschemas(schema)):
        if isinstance(sub, dict):
            _schema_30(sub)
    _down(schema)


class _Walker:
    """Finds every schema of an OpenAPI 3 document (reference objects are left as they are)."""

    def __init__(self, convert: Callable[[dict[str, Any]], None]):
        self.convert = convert

    def schema(self, node: Any) -> None:
        if isinstance(node, dict):
            self.convert(node)

    def each(self, members: Any, visit: Callable[[Any], None]) -> None:
        if isinstance(members, dict):
            for key, value in members.items():
                if not str(key).startswith("x-"):
                    visit(value)

    def content(self, node: Any) -> None:
        self.each(node, self.media)

    def media(self, node: Any) -> None:
        if isinstance(node, dict):
            self.schema(node.get("schema"))
            self.each(node.get("encoding"), lambda enc: self.each(
                enc.get("headers") if isinstance(enc, dict) else None, self.header))

    def header(self, node: Any) -> None:
        if isinstance(node, dict) and "$ref" not in node:
            self.schema(node.get("schema"))
            self.content(node.get("content"))

    parameter = header

    def request_body(self, node: Any) -> None:
        if isinstance(node, dict) and "$ref" not in node:
            self.content(node.get("content"))

    def response(self, node: Any) -> None:
        if isinstance(node, dict) and "$ref" not in node:
            self.each(node.get("headers"), self.header)
            self.content(node.get("content"))

    def callback(self, node: Any) -> None:
        if isinstance(node, dict) and "$ref" not in node:
            self.each(node, self.path_item)

    def path_item(self, node: Any) -> None:
        if not isinstance(node, dict) or "$ref" in node:
            return
        for item in node.get("parameters") or ():
            self.parameter(item)
        for method in METHODS:
            operation = node.get(method)
            if isinstance(operation, dict):
                self.operation(operation)

    def operation(self, node: dict[str, Any]) -> None:
        for item in node.get("parameters") or ():
            self.parameter(item)
        self.request_body(node.get("requestBody"))
        self.each(node.get("responses"), self.response)
        self.each(node.get("callbacks"), self.callback)

    def document(self, doc: dict[str, Any]) -> None:
        self.each(doc.get("paths"), self.path_item)
        self.each(doc.get("x-webhooks"), self.path_item)
        components = doc.get("components")
        if not isinstance(components, dict):
            return
        self.each(components.get("schemas"), self.schema)
        self.each(components.get("parameters"), self.parameter)
        self.each(components.get("headers"), self.header)
        self.each(components.get("requestBodies"), self.request_body)
        self.each(components.get("responses"), self.response)
        self.each(components.get("callbacks"), self.callback)


def to_30(doc: dict[str, Any]) -> None:
    """Rewrite every schema of ``doc`` (in place) in OpenAPI 3.0's dialect."""
    _Walker(_schema_30).document(doc)
