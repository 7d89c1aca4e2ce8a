"""Schemas of Swagger 2.0 and OpenAPI 3.0 in the model's dialect (JSON Schema 2020-12 as
OpenAPI 3.1 uses it), one schema object at a time; the caller walks the subschemas.

- Swagger 2.0: ``type: file`` is a binary string, a string ``discriminator`` the object
  form, ``x-nullable`` is read as 3.0's ``nullable``.
- 3.0 (and 2.0): ``nullable: true`` adds ``"null"`` to ``type`` (without a ``type`` it is
  kept, as schemas that wrap a ``$ref`` in ``allOf`` rely on it); a boolean
  ``exclusiveMinimum`` / ``exclusiveMaximum`` becomes the number it qualifies; ``example``
  becomes ``examples: [example]``.
- 3.1 schemas are already in the dialect.
"""

from __future__ import annotations

from typing import Any


def _swagger(schema: dict[str, Any]) -> None:
    if schema.get("type") == "file":
        schema["type"] = "string"
        schema["format"] = "binary"
    if isinstance(schema.get("discriminator"), str):
        schema["discriminator"] = {"propertyName": schema["discriminator"]}
    if "x-nullable" in schema:
        schema["nullable"] = bool(schema.pop("x-nullable"))


def _from_30(schema: dict[str, Any]) -> None:
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
    if "example" in schema and "examples" not in schema:
        schema["examples"] = [schema.pop("example")]


def normalize(schema: dict[str, Any], dialect: str) -> None:
    """Rewrite one schema object (not its subschemas) in place from ``dialect`` ("2.0",
    "3.0" or "3.1")."""
    if dialect == "2.0":
        _swagger(schema)
    if dialect in ("2.0", "3.0"):
        _from_30(schema)
