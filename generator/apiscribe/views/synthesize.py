"""Example values generated from a JSON Schema, for operations whose spec gives none.

Deterministic and depth-limited. The rules, in order:

- a ``$ref`` is followed to the model's named schema; a schema already being expanded (a
  recursive one) is left out of its object, or gives an empty array;
- the schema's own ``example`` (or first of ``examples``), then ``const``, ``default`` and the
  first ``enum`` value, are used as they are;
- ``allOf`` merges its parts; ``oneOf``/``anyOf`` take the first variant that is not ``null``;
- objects get every property (request examples leave out ``readOnly`` ones, response
  examples ``writeOnly`` ones), arrays one item, strings a value fitting their ``format``,
  numbers their ``minimum`` (or 0), booleans ``true``;
- past :data:`MAX_DEPTH` levels, objects are ``{}`` and arrays ``[]``.

Views wrap the value in a ``NamedExample(generated=True)`` and label it as generated.
:func:`stated_value` is the second rule alone (nothing made up), for values a reader must
recognize, such as a parameter's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from ..model import JsonValue, NamedExample
from ..model.dialect import named_target, ref_of

Direction = Literal["request", "response"]
MAX_DEPTH = 6

FORMAT_EXAMPLES: dict[str, str] = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uri-reference": "https://example.com",
    "iri": "https://example.com",
    "iri-reference": "https://example.com",
    "uri-template": "https://example.com/{id}",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "byte": "c3RyaW5n",
    "binary": "",
    "password": "********",
    "regex": "^.*$",
    "json-pointer": "/a/b",
}

#: The default value of a string with no format (nor example, enum or default).
STRING = "string"


class _Omit:
    """A recursive schema's place: left out of its object, an empty array's item."""


_OMIT = _Omit()


def synthesize(
    schema: JsonValue,
    schemas: Mapping[str, JsonValue] | None = None,
    *,
    direction: Direction | None = None,
    max_depth: int = MAX_DEPTH,
) -> JsonValue:
    """An example value of ``schema`` (see the module's rules); ``None`` when it says nothing."""
    value = _Synth(schemas or {}, direction, max_depth).value(schema, 0, ())
    return None if isinstance(value, _Omit) else value


def generated_example(
    schema: JsonValue, schemas: Mapping[str, JsonValue] | None = None, *,
    direction: Direction | None = None,
) -> NamedExample:
    """The synthesized value as a spec's single ``example``, marked as generated."""
    return NamedExample("", synthesize(schema, schemas, direction=direction), generated=True)


class _Synth:
    def __init__(self, schemas: Mapping[str, JsonValue], direction: Direction | None,
                 max_depth: int):
        self.schemas = schemas
        self.direction = direction
        self.max_depth = max_depth

    def value(self, schema: JsonValue, depth: int, stack: tuple[str, ...]) -> Any:
        if not isinstance(schema, dict):
            return None
        ref = ref_of(schema)
        if ref is not None:
            if ref in stack:
                return _OMIT
            return self.value(named_target(schema, self.schemas), depth, (*stack, ref))
        own = _own_value(schema)
        if not isinstance(own, _Omit):
            return own
        if isinstance(schema.get("allOf"), list):
            return self.all_of(schema, depth, stack)
        for key in ("oneOf", "anyOf"):
            variants = schema.get(key)
            if isinstance(variants, list) and variants:
                return self.value(_first_not_null(variants), depth, stack)
        return self.typed(schema, _type_of(schema), depth, stack)

    def all_of(self, schema: dict[str, Any], depth: int, stack: tuple[str, ...]) -> Any:
        own = {k: v for k, v in schema.items() if k != "allOf"}
        parts = [*schema["allOf"], own] if _type_of(own) else schema["allOf"]
        values = [self.value(part, depth, stack) for part in parts]
        values = [v for v in values if not isinstance(v, _Omit)]
        if values and all(isinstance(v, dict) for v in values):
            merged: dict[str, Any] = {}
            for v in values:
                merged.update(v)
            return merged
        return values[0] if values else _OMIT

    def typed(self, schema: dict[str, Any], kind: str, depth: int, stack: tuple[str, ...]) -> Any:
        if kind == "object":
            return self.object(schema, depth, stack)
        if kind == "array":
            return self.array(schema, depth, stack)
        if kind == "string":
            return FORMAT_EXAMPLES.get(str(schema.get("format", "")), STRING)
        if kind in ("integer", "number"):
            return _number(schema, kind)
        if kind == "boolean":
            return True
        return None

    def object(self, schema: dict[str, Any], depth: int, stack: tuple[str, ...]) -> Any:
        if depth >= self.max_depth:
            return {}
        result: dict[str, Any] = {}
        properties = schema.get("properties")
        if isinstance(properties, dict):
            for name, sub in properties.items():
                if self.left_out(sub):
                    continue
                value = self.value(sub, depth + 1, stack)
                if not isinstance(value, _Omit):
                    result[name] = value
        extra = schema.get("additionalProperties")
        if not result and isinstance(extra, dict) and extra:
            value = self.value(extra, depth + 1, stack)
            if not isinstance(value, _Omit):
                result["key"] = value
        return result

    def array(self, schema: dict[str, Any], depth: int, stack: tuple[str, ...]) -> Any:
        if depth >= self.max_depth:
            return []
        prefix = schema.get("prefixItems")
        items = prefix if isinstance(prefix, list) else [schema.get("items")]
        values = [self.value(item, depth + 1, stack) for item in items]
        if any(isinstance(v, _Omit) for v in values):
            return []
        return [] if values == [None] else values

    def left_out(self, schema: JsonValue) -> bool:
        """Whether a property is read-only in a request or write-only in a response."""
        flag = {"request": "readOnly", "response": "writeOnly"}.get(self.direction or "")
        if flag is None or not isinstance(schema, dict):
            return False
        target = named_target(schema, self.schemas)
        return schema.get(flag) is True or (isinstance(target, dict) and target.get(flag) is True)


def _own_value(schema: dict[str, Any]) -> Any:
    """The schema's ``example`` (or first of ``examples``), ``const``, ``default`` or first
    ``enum`` value; :data:`_OMIT` when it states none."""
    if "example" in schema:
        return schema["example"]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return next((v for v in enum if v is not None), enum[0])
    return _OMIT


def stated_value(
    schema: JsonValue, schemas: Mapping[str, JsonValue] | None = None
) -> tuple[JsonValue, bool]:
    """``(value, True)`` when ``schema`` itself states a value (its example, const, default or
    enum; through ``$ref``, ``allOf`` parts and the first non-null ``oneOf``/``anyOf``
    variant; an array's from its items, as a list of one), else ``(None, False)``.

    Nothing is made up: this is for values a reader must recognize, such as parameters."""
    value = _stated(schema, schemas or {}, ())
    return (None, False) if isinstance(value, _Omit) else (value, True)


def _stated(schema: JsonValue, schemas: Mapping[str, JsonValue], stack: tuple[str, ...]) -> Any:
    if not isinstance(schema, dict):
        return _OMIT
    ref = ref_of(schema)
    if ref is not None:
        return _OMIT if ref in stack else _stated(
            named_target(schema, schemas), schemas, (*stack, ref))
    own = _own_value(schema)
    if not isinstance(own, _Omit):
        return own
    parts = list(schema.get("allOf") or ()) if isinstance(schema.get("allOf"), list) else []
    for key in ("oneOf", "anyOf"):
        variants = schema.get(key)
        if isinstance(variants, list) and variants:
            parts.append(_first_not_null(variants))
    for part in parts:
        value = _stated(part, schemas, stack)
        if not isinstance(value, _Omit):
            return value
    if _type_of(schema) == "array" and isinstance(schema.get("items"), dict):
        item = _stated(schema["items"], schemas, stack)
        return _OMIT if isinstance(item, _Omit) else [item]
    return _OMIT


def _first_not_null(variants: list[Any]) -> Any:
    for variant in variants:
        if not (isinstance(variant, dict) and variant.get("type") == "null"):
            return variant
    return variants[0]


def _type_of(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return ""


def _number(schema: dict[str, Any], kind: str) -> int | float:
    """The minimum (past an exclusive one), a negative maximum, else 0."""
    low, high = _bound(schema.get("minimum")), _bound(schema.get("maximum"))
    above, below = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    above_at, below_at = _bound(above), _bound(below)
    step = 1.0 if kind == "integer" else 0.5
    value = 0.0
    if above_at is not None:
        value = above_at + step
    elif low is not None:
        value = low + (step if above is True else 0)
    elif below_at is not None and below_at <= 0:
        value = below_at - step
    elif high is not None and high < 0:
        value = high - (step if below is True else 0)
    if kind == "integer":
        return math.ceil(value) if value >= 0 else math.floor(value)
    return int(value) if value.is_integer() else value


def _bound(value: Any) -> float | None:
    return float(value) if _is_number(value) else None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
