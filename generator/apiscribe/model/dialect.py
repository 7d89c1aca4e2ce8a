"""The model's schema dialect: JSON Schema 2020-12 as OpenAPI 3.1 uses it.

Every schema in the model is in this dialect, and its ``$ref`` values point only at the
model's named schemas (``#/components/schemas/<name>``, :attr:`ApiModel.schemas`). This module
says which keywords hold subschemas, and reads and makes those references.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..documents.pointer import escape_token, unescape_token

SCHEMA_REF = "#/components/schemas/"

#: Keywords whose value is a map of subschemas, one subschema, or a list of subschemas.
SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
SCHEMA_ONE = frozenset({
    "items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
    "unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema",
})
SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})


def schema_ref(name: str) -> dict[str, str]:
    """The reference to a named schema: ``{"$ref": "#/components/schemas/<name>"}``."""
    return {"$ref": SCHEMA_REF + escape_token(name)}


def ref_of(schema: Any) -> str | None:
    """The ``$ref`` of a schema (or reference object), when it has a string one."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return ref
    return None


def ref_name(ref: str) -> str | None:
    """The schema name a reference points at (``#/components/schemas/Pet`` → ``Pet``)."""
    if ref.startswith(SCHEMA_REF):
        rest = ref[len(SCHEMA_REF):]
        if rest and "/" not in rest:
            return unescape_token(rest)
    return None


def named_target(schema: Any, schemas: Mapping[str, Any]) -> Any:
    """The named schema ``schema`` refers to (``None`` when it refers to none there)."""
    ref = ref_of(schema)
    name = ref_name(ref) if ref is not None else None
    return schemas.get(name) if name is not None else None


def subschemas(schema: dict[str, Any]) -> Iterator[tuple[str, str | int | None, Any]]:
    """``(keyword, key or index or None, subschema)`` for each subschema of ``schema``."""
    for keyword, value in schema.items():
        if keyword in SCHEMA_MAPS and isinstance(value, dict):
            for key, sub in value.items():
                yield keyword, key, sub
        elif keyword in SCHEMA_ONE:
            yield keyword, None, value
        elif keyword in SCHEMA_LISTS and isinstance(value, list):
            for index, sub in enumerate(value):
                yield keyword, index, sub
