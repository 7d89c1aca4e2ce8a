"""Local ``$ref`` look-ups in an imported spec's components (shared by the schema views).

A model keeps a spec's ``components`` as given, local ``$ref`` values included. Swagger 2.0
style targets (``#/definitions/X``) name the same schemas as ``#/components/schemas/X``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from ..model import JsonValue
from ..pointers import child

SCHEMA_PREFIXES = ("#/components/schemas/", "#/definitions/")
_SWAGGER_PREFIXES = {
    "#/definitions/": "#/components/schemas/",
    "#/parameters/": "#/components/parameters/",
    "#/responses/": "#/components/responses/",
}


def _unescape(token: str) -> str:
    return unquote(token).replace("~1", "/").replace("~0", "~")


def ref_of(schema: JsonValue) -> str | None:
    """The ``$ref`` of a schema (or reference object), when it has a string one."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return ref
    return None


def schema_name(ref: str) -> str | None:
    """The component name a ``$ref`` points at (``#/components/schemas/Pet`` → ``Pet``)."""
    for prefix in SCHEMA_PREFIXES:
        if ref.startswith(prefix):
            rest = ref[len(prefix) :]
            if rest and "/" not in rest:
                return _unescape(rest)
    return None


def component_schemas(components: JsonValue) -> dict[str, Any]:
    """The spec's named schemas (``components.schemas``, else Swagger ``definitions``)."""
    if not isinstance(components, dict):
        return {}
    for key in ("schemas", "definitions"):
        found = components.get(key)
        if isinstance(found, dict):
            return found
    return {}


def resolve(ref: str, components: JsonValue) -> JsonValue:
    """The value a local ``$ref`` points at inside ``components``; ``None`` when it does not."""
    name = schema_name(ref)
    if name is not None:
        return component_schemas(components).get(name)
    if not ref.startswith("#/components/") or not isinstance(components, dict):
        return None
    node: JsonValue = components
    for token in ref[len("#/components/") :].split("/"):
        found, node = child(node, _unescape(token))
        if not found:
            return None
    return node


def rewrite_ref(ref: str) -> str:
    """A Swagger 2.0 local target as its OpenAPI 3 equivalent; any other ref unchanged."""
    for old, new in _SWAGGER_PREFIXES.items():
        if ref.startswith(old):
            return new + ref[len(old) :]
    return ref
