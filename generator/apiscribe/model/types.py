"""Docstring types (Sentry's names) and their schemas, and brief type names of any schema.

A docstring or JSON doc names a parameter's type in words (``string``, ``int``, ``url``,
``datetime``, ``array[string]``); the model keeps the word (``Parameter.type_name``) and the
schema it stands for (:func:`schema_of`). :func:`short_type` goes the other way, for schemas
that came without a word.
"""

from __future__ import annotations

import re
from typing import Any

from ..documents.pointer import unescape_token

#: Parameter types of Sentry's docstring format, and the JSON Schema (2020-12) each stands for.
KNOWN_TYPES: dict[str, dict[str, str]] = {
    "string": {"type": "string"},
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "integer": {"type": "integer"},
    "bool": {"type": "boolean"},
    "boolean": {"type": "boolean"},
    "float": {"type": "number"},
    "number": {"type": "number"},
    "url": {"type": "string", "format": "uri"},
    "datetime": {"type": "string", "format": "date-time"},
    "timestamp": {"type": "string", "format": "date-time"},
    "array": {"type": "array"},
    "list": {"type": "array"},
    "object": {"type": "object"},
    "dict": {"type": "object"},
    "file": {"type": "string", "contentMediaType": "application/octet-stream"},
    "querystring": {"type": "string"},
}

ARRAY_OF = re.compile(r"^(?:array|list)\[(.+)\]$")
_FORMATS = {"uri": "url", "url": "url", "date-time": "datetime", "binary": "file"}


def is_known_type(name: str) -> bool:
    """Whether ``name`` is a docstring type: one of :data:`KNOWN_TYPES`, or ``array[T]`` of
    one (as written: lower case)."""
    match = ARRAY_OF.match(name)
    if match is not None:
        return name.startswith("array[") and match[1] in KNOWN_TYPES
    return name in KNOWN_TYPES


def schema_of(type_name: str) -> dict[str, Any]:
    """The JSON Schema of a docstring type; ``{}`` (anything) for an unknown type."""
    key = type_name.strip().lower()
    array_of = ARRAY_OF.match(key)
    if array_of:
        return {"type": "array", "items": schema_of(array_of[1])}
    return dict(KNOWN_TYPES.get(key, {}))


def is_file(schema: Any) -> bool:
    """Whether a schema is a file's contents (binary data)."""
    return isinstance(schema, dict) and schema.get("type") == "string" and (
        schema.get("format") == "binary"
        or schema.get("contentMediaType") == "application/octet-stream")


def short_type(schema: Any, depth: int = 0) -> str:
    """A schema's brief name: ``string``, ``integer``, ``array[string]``, ``url``,
    ``datetime``, ``file``, or the name of a referenced schema."""
    if not isinstance(schema, dict) or depth > 8:
        return "any"
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return unescape_token(ref.rsplit("/", 1)[-1])
    kind = schema.get("type")
    if isinstance(kind, list):
        named = [k for k in kind if isinstance(k, str) and k != "null"]
        kind = named[0] if len(named) == 1 else "|".join(named) or "null"
    if kind == "array":
        items = schema.get("items")
        return f"array[{short_type(items, depth + 1)}]" if isinstance(items, dict) and items else (
            "array")
    if kind in ("string", None) and schema.get("format") in _FORMATS:
        return _FORMATS[schema["format"]]
    if kind == "string" and schema.get("contentMediaType") == "application/octet-stream":
        return "file"
    if isinstance(kind, str):
        return kind
    for key in ("oneOf", "anyOf", "allOf"):
        members = schema.get(key)
        if isinstance(members, list) and members:
            names = dict.fromkeys(short_type(m, depth + 1) for m in members)
            return "|".join(names) if key != "allOf" or len(names) == 1 else "object"
    return "object" if "properties" in schema else "any"
