"""Schema dialects of the OpenAPI view: 3.0 schemas in a 3.1 document and back.

An imported spec keeps its schemas as written (``ApiModel.source_version`` names their
dialect; Swagger 2.0 ones are 3.0-style). The view writes 3.1.0 or 3.0.3, so each schema of
the document is rewritten where the dialects differ:

- to 3.1: ``nullable: true`` adds ``"null"`` to ``type``; a boolean ``exclusiveMinimum`` /
  ``exclusiveMaximum`` becomes the number it qualifies;
- to 3.0: a ``type`` list becomes one type (``nullable`` for ``"null"``; ``anyOf`` when it
  names several), numeric exclusive bounds become boolean ones, ``const`` a one-value
  ``enum``, ``examples`` an ``example``, ``contentEncoding``/``contentMediaType`` a
  ``format``, and keywords 3.0 lacks (``$defs``, ``if``, ``prefixItems``...) are dropped;
- both: Swagger's ``type: file`` is a binary string, a string ``discriminator`` the object
  form, ``#/definitions/X`` references ``#/components/schemas/X``.

:func:`convert_document` walks a whole document and rewrites every schema in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .refs import rewrite_ref

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_ONE = (
    "items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
    "unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema",
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
#: Schema keywords of 3.1 (JSON Schema 2020-12) that a 3.0 schema object does not allow.
_NOT_IN_30 = frozenset({
    "$schema", "$id", "$anchor", "$dynamicAnchor", "$dynamicRef", "$defs", "$comment",
    "$vocabulary", "definitions", "if", "then", "else", "dependentSchemas", "dependentRequired",
    "prefixItems", "unevaluatedItems", "unevaluatedProperties", "contains", "minContains",
    "maxContains", "propertyNames", "patternProperties", "additionalItems", "contentSchema",
    "contentEncoding", "contentMediaType", "const", "examples",
})

Convert = Callable[[dict[str, Any]], None]


def source_dialect(source_version: str) -> str:
    """``"3.1"`` for a 3.1 spec's schemas, ``"3.0"`` for 3.0 and Swagger 2.0 ones."""
    return "3.1" if source_version.startswith("3.1") else "3.0"


def schema_converter(source: str, target_version: str) -> Convert:
    """The in-place rewrite of one schema (and its subschemas) from ``source`` dialect."""
    target = "3.0" if target_version.startswith("3.0") else "3.1"

    def convert(schema: dict[str, Any]) -> None:
        _common(schema)
        if source == "3.0" and target == "3.1":
            _up(schema)
        elif target == "3.0":
            _down(schema)
        for sub in _subschemas(schema):
            convert(sub)

    return convert


def _subschemas(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[Any] = []
    for key in _SCHEMA_MAPS:
        members = schema.get(key)
        if isinstance(members, dict):
            found += members.values()
    found += [schema.get(key) for key in _SCHEMA_ONE]
    for key in _SCHEMA_LISTS:
        members = schema.get(key)
        if isinstance(members, list):
            found += members
    return [sub for sub in found if isinstance(sub, dict)]


def _common(schema: dict[str, Any]) -> None:
    if isinstance(schema.get("$ref"), str):
        schema["$ref"] = rewrite_ref(schema["$ref"])
    if schema.get("type") == "file":
        schema["type"], schema["format"] = "string", "binary"
    if isinstance(schema.get("discriminator"), str):
        schema["discriminator"] = {"propertyName": schema["discriminator"]}


def _up(schema: dict[str, Any]) -> None:
    nullable = schema.get("nullable")
    if isinstance(nullable, bool) and ("type" in schema or not nullable):
        del schema["nullable"]
        kind = schema.get("type")
        if nullable and isinstance(kind, str) and kind != "null":
            schema["type"] = [kind, "null"]
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = schema.get(exclusive)
        if isinstance(flag, bool):
            del schema[exclusive]
            if flag and bound in schema:
                schema[exclusive] = schema.pop(bound)


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
            schema["format"] = "byte"
        elif "contentMediaType" in schema:
            schema["format"] = "binary"
    if schema.get("type") == "array" and "items" not in schema:
        schema["items"] = {}
    for key in _NOT_IN_30 & schema.keys():
        del schema[key]


# -- the document --------------------------------------------------------------------------


class _Walker:
    """Finds every schema of an OpenAPI 3 document (references are left where they are)."""

    def __init__(self, convert: Convert):
        self.convert = convert

    def schema(self, node: Any) -> None:
        if isinstance(node, dict):
            self.convert(node)

    def ref(self, node: dict[str, Any]) -> bool:
        """Rewrites a reference object's target; True when ``node`` is one."""
        if isinstance(node.get("$ref"), str):
            node["$ref"] = rewrite_ref(node["$ref"])
            return True
        return False

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
        if isinstance(node, dict) and not self.ref(node):
            self.schema(node.get("schema"))
            self.content(node.get("content"))

    parameter = header

    def request_body(self, node: Any) -> None:
        if isinstance(node, dict) and not self.ref(node):
            self.content(node.get("content"))

    def response(self, node: Any) -> None:
        if isinstance(node, dict) and not self.ref(node):
            self.each(node.get("headers"), self.header)
            self.content(node.get("content"))

    def callback(self, node: Any) -> None:
        if isinstance(node, dict) and not self.ref(node):
            self.each(node, self.path_item)

    def path_item(self, node: Any) -> None:
        if not isinstance(node, dict) or self.ref(node):
            return
        for item in node.get("parameters") or ():
            self.parameter(item)
        for method in _METHODS:
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
        for key in ("webhooks", "x-webhooks"):
            self.each(doc.get(key), self.path_item)
        components = doc.get("components")
        if not isinstance(components, dict):
            return
        self.each(components.get("schemas"), self.schema)
        self.each(components.get("parameters"), self.parameter)
        self.each(components.get("headers"), self.header)
        self.each(components.get("requestBodies"), self.request_body)
        self.each(components.get("responses"), self.response)
        self.each(components.get("callbacks"), self.callback)
        self.each(components.get("pathItems"), self.path_item)


def convert_document(doc: dict[str, Any], source: str, target_version: str) -> None:
    """Rewrite every schema of ``doc`` (in place) from ``source`` dialect to the target's."""
    _Walker(schema_converter(source, target_version)).document(doc)
