"""A yes/no JSON Schema draft-04 validator compiled into Python closures.

openapi-spec-validator checks documents against draft-04 meta-schemas (the Swagger 2.0 and
OpenAPI 3.0 schemas, and the draft-04 schema for every Schema Object of those versions) with
``jsonschema``, which spends most of its time building error objects that a valid document never
needs. The closures here answer only "valid or not", with jsonschema's draft-04 semantics, about
30 times faster. They are used as a proof of validity: whenever one says "not valid", the caller
asks jsonschema itself, so every message is still jsonschema's own.

A keyword that jsonschema's draft-04 validator knows but this compiler does not raises
:class:`UnsupportedSchema` at compile time, never a wrong answer.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping, Sequence, Sized
from typing import Any, cast
from urllib.parse import unquote, urldefrag, urljoin

from jsonschema.validators import Draft4Validator
from jsonschema_specifications import (  # type: ignore[import-untyped]  # ships no types
    REGISTRY as SPECIFICATIONS,
)

from ...documents.pointer import unescape_token

Check = Callable[[Any], bool]
#: A compiled pattern's ``search``.
Search = Callable[[str], Any]

DRAFT4_ID = "http://json-schema.org/draft-04/schema#"

# Keywords that only annotate: jsonschema's draft-04 validator ignores them too.
_HANDLED = frozenset({
    "$ref", "additionalItems", "additionalProperties", "allOf", "anyOf", "dependencies", "enum",
    "format", "items", "maxItems", "maxLength", "maxProperties", "maximum", "minItems",
    "minLength", "minProperties", "minimum", "not", "oneOf", "pattern", "patternProperties",
    "properties", "required", "type", "uniqueItems", "exclusiveMaximum", "exclusiveMinimum",
})


class UnsupportedSchema(Exception):
    """The schema uses something this compiler does not implement."""


def accept(instance: Any) -> bool:
    """The check of the schema ``true``."""
    return True


def refuse(instance: Any) -> bool:
    """The check of the schema ``false``."""
    return False


def _is_integer(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def is_number(x: Any) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, bool)


_TYPES: dict[str, Check] = {
    "array": lambda x: isinstance(x, list),
    "boolean": lambda x: isinstance(x, bool),
    "integer": _is_integer,
    "null": lambda x: x is None,
    "number": is_number,
    "object": lambda x: isinstance(x, dict),
    "string": lambda x: isinstance(x, str),
}


def strictly_equal(a: Any, b: Any) -> bool:
    """Equal as JSON values, never counting ``True`` as ``1`` (stricter than jsonschema)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(strictly_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(strictly_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        return False
    return (type(a) is type(b) and bool(a == b)) or (is_number(a) and is_number(b) and a == b)


def _all_distinct(items: list[Any]) -> bool:
    """True only when no two items could be equal (looser equality than jsonschema's)."""
    try:
        return len(set(items)) == len(items)
    except TypeError:
        return all(items[i] != items[j] for i in range(len(items)) for j in range(i))


def all_of(checks: list[Check]) -> Check:
    """One check that passes when every one of ``checks`` does."""
    if not checks:
        return accept
    if len(checks) == 1:
        return checks[0]

    def check(x: Any) -> bool:
        for each in checks:  # noqa: SIM110 (hot path: a plain loop is faster than all())
            if not each(x):
                return False
        return True

    return check


def _at_least(kind: type[Sized], low: Any) -> Check:
    return lambda x: not isinstance(x, kind) or len(x) >= low


def _at_most(kind: type[Sized], high: Any) -> Check:
    return lambda x: not isinstance(x, kind) or len(x) <= high


def compile_once(memo: dict[tuple[int, str], Check], schema: Any, base: str,
                 build: Callable[[dict[str, Any], str], Check]) -> Check:
    """``build(schema, base)``, once per schema object and base URI (``memo``); a schema
    that refers to itself meets a forward check until it is built. ``true`` and ``false``
    are :func:`accept` and :func:`refuse`."""
    if schema is True:
        return accept
    if schema is False:
        return refuse
    if not isinstance(schema, dict):
        raise UnsupportedSchema(f"a schema must be an object, not {type(schema).__name__}")
    key = (id(schema), base)
    known = memo.get(key)
    if known is not None:
        return known
    cell: list[Check] = []

    def forward(x: Any) -> bool:
        return cell[0](x)

    memo[key] = forward
    compiled = build(cast(dict[str, Any], schema), base)
    cell.append(compiled)
    memo[key] = compiled
    return compiled


def object_check(properties: dict[str, Check], patterns: Sequence[tuple[Search, Check]],
                 matched: Search | None, forbid: bool, additional: Check | None) -> Check:
    """The check of an object's ``properties`` and ``patternProperties`` (each pattern a
    ``search`` with its check), and of its other keys: refused with ``forbid``, else held to
    ``additional`` (``None``: anything goes); ``matched`` finds the keys a pattern covers."""

    def check(x: Any) -> bool:
        if not isinstance(x, dict):
            return True
        for key, value in x.items():
            known = properties.get(key)
            if known is not None and not known(value):
                return False
            for search, sub in patterns:
                if search(key) is not None and not sub(value):
                    return False
            if known is None and (forbid or additional is not None):
                if matched is not None and matched(key) is not None:
                    continue
                if forbid or (additional is not None and not additional(value)):
                    return False
        return True

    return check


class Draft4Compiler:
    """Compiles draft-04 schemas; ``format_checker`` as jsonschema's (None ignores ``format``)."""

    def __init__(self, format_checker: Any = None) -> None:
        self._format_checker = format_checker
        self._memo: dict[tuple[int, str], Check] = {}
        self._resources: dict[str, Any] = {}

    def compile_root(self, schema: Mapping[str, Any]) -> Check:
        if schema.get("$schema", DRAFT4_ID) != DRAFT4_ID:
            raise UnsupportedSchema(f"not a draft-04 schema: {schema.get('$schema')!r}")
        base = urldefrag(str(schema.get("id", "")))[0]
        self._resources[base] = schema
        return self._compile(schema, base)

    # Resolution -----------------------------------------------------------------------------

    def _resolve(self, ref: str, base: str) -> tuple[Any, str]:
        uri, fragment = urldefrag(urljoin(base, ref))
        if uri in self._resources:
            document = self._resources[uri]
        else:
            try:
                document = SPECIFICATIONS.contents(uri)
            except LookupError as exc:
                raise UnsupportedSchema(f"cannot resolve {ref!r}") from exc
            self._resources[uri] = document
        node = document
        if fragment:
            if not fragment.startswith("/"):
                raise UnsupportedSchema(f"anchor references are not supported: {ref!r}")
            for segment in unquote(fragment[1:]).split("/"):
                if isinstance(node, list):
                    node = node[int(segment)]
                elif isinstance(node, dict):
                    node = node[unescape_token(segment)]
                else:
                    raise UnsupportedSchema(f"cannot resolve {ref!r}")
        return node, uri

    # Compilation ----------------------------------------------------------------------------

    def _compile(self, schema: Any, base: str) -> Check:
        return compile_once(self._memo, schema, base, self._build)

    def _build(self, schema: dict[str, Any], base: str) -> Check:
        if "id" in schema and schema is not self._resources.get(base):
            raise UnsupportedSchema("nested 'id' is not supported")
        ref = schema.get("$ref")
        if ref is not None:  # draft-04: siblings of $ref are ignored
            if not isinstance(ref, str):
                raise UnsupportedSchema("'$ref' must be a string")
            target, target_base = self._resolve(ref, base)
            return self._compile(target, target_base)
        for keyword in schema:
            if keyword in Draft4Validator.VALIDATORS and keyword not in _HANDLED:
                raise UnsupportedSchema(f"keyword {keyword!r} is not supported")
        checks: list[Check] = []
        if "type" in schema:
            checks.append(self._type(schema["type"]))
        if "required" in schema:
            checks.append(self._required(schema["required"]))
        if "enum" in schema:
            checks.append(self._enum(schema["enum"]))
        checks += self._numeric(schema)
        checks += self._sized(schema)
        if "pattern" in schema:
            checks.append(self._pattern(schema["pattern"]))
        if "format" in schema and self._format_checker is not None:
            checks.append(self._format(schema["format"]))
        if schema.get("uniqueItems"):
            checks.append(lambda x: not isinstance(x, list) or _all_distinct(x))
        if any(k in schema for k in ("properties", "patternProperties", "additionalProperties")):
            checks.append(self._object(schema, base))
        if "dependencies" in schema:
            checks.append(self._dependencies(schema["dependencies"], base))
        if "items" in schema or "additionalItems" in schema:
            checks.append(self._items(schema, base))
        checks += self._combinators(schema, base)
        return all_of(checks)

    def _type(self, types: Any) -> Check:
        names = [types] if isinstance(types, str) else list(types)
        try:
            tests = [_TYPES[name] for name in names]
        except (KeyError, TypeError) as exc:
            raise UnsupportedSchema(f"unknown type {types!r}") from exc
        if len(tests) == 1:
            return tests[0]
        return lambda x: any(test(x) for test in tests)

    def _required(self, required: Any) -> Check:
        names = list(required)

        def check(x: Any) -> bool:
            if not isinstance(x, dict):
                return True
            for name in names:  # noqa: SIM110 (hot path: a plain loop is faster than all())
                if name not in x:
                    return False
            return True

        return check

    def _enum(self, enum: Any) -> Check:
        values = list(enum)
        if all(isinstance(v, str) for v in values):
            strings = frozenset(values)
            return lambda x: isinstance(x, str) and x in strings
        return lambda x: any(strictly_equal(x, v) for v in values)

    def _numeric(self, schema: dict[str, Any]) -> list[Check]:
        checks: list[Check] = []
        if "minimum" in schema:
            low = schema["minimum"]
            if schema.get("exclusiveMinimum", False):
                checks.append(lambda x: not is_number(x) or x > low)
            else:
                checks.append(lambda x: not is_number(x) or x >= low)
        if "maximum" in schema:
            high = schema["maximum"]
            if schema.get("exclusiveMaximum", False):
                checks.append(lambda x: not is_number(x) or x < high)
            else:
                checks.append(lambda x: not is_number(x) or x <= high)
        return checks

    def _sized(self, schema: dict[str, Any]) -> list[Check]:
        checks: list[Check] = []
        kinds: dict[str, type[Sized]] = {"Length": str, "Items": list, "Properties": dict}
        for suffix, kind in kinds.items():
            if f"min{suffix}" in schema:
                checks.append(_at_least(kind, schema[f"min{suffix}"]))
            if f"max{suffix}" in schema:
                checks.append(_at_most(kind, schema[f"max{suffix}"]))
        return checks

    def _pattern(self, pattern: Any) -> Check:
        search = re.compile(pattern).search
        return lambda x: not isinstance(x, str) or search(x) is not None

    def _format(self, name: Any) -> Check:
        conforms = self._format_checker.conforms
        return lambda x: bool(conforms(x, name))

    def _object(self, schema: dict[str, Any], base: str) -> Check:
        properties: dict[str, Check] = {
            name: self._compile(sub, base) for name, sub in schema.get("properties", {}).items()
        }
        pattern_schemas = schema.get("patternProperties", {})
        patterns = [(re.compile(p).search, self._compile(sub, base))
                    for p, sub in pattern_schemas.items()]
        joined = re.compile("|".join(pattern_schemas)).search if pattern_schemas else None
        additional_schema = schema.get("additionalProperties", True)
        forbid = additional_schema is False
        additional = None
        if isinstance(additional_schema, dict) and additional_schema:
            additional = self._compile(additional_schema, base)
        return object_check(properties, patterns, joined, forbid, additional)

    def _dependencies(self, dependencies: dict[str, Any], base: str) -> Check:
        rules: list[tuple[str, list[str] | None, Check]] = []
        for name, dependency in dependencies.items():
            if isinstance(dependency, list):
                rules.append((name, list(dependency), accept))
            else:
                rules.append((name, None, self._compile(dependency, base)))

        def check(x: Any) -> bool:
            if not isinstance(x, dict):
                return True
            for name, needed, sub in rules:
                if name not in x:
                    continue
                if needed is not None:
                    if any(each not in x for each in needed):
                        return False
                elif not sub(x):
                    return False
            return True

        return check

    def _items(self, schema: dict[str, Any], base: str) -> Check:
        items = schema.get("items", {})
        if isinstance(items, dict):
            each = self._compile(items, base)
            if each is accept:
                return accept
            return lambda x: not isinstance(x, list) or all(each(item) for item in x)
        if not isinstance(items, list):
            raise UnsupportedSchema("'items' must be an object or an array")
        positional = [self._compile(sub, base) for sub in items]
        extra_schema = schema.get("additionalItems", {})
        extra: Check | None = None
        if isinstance(extra_schema, dict):
            extra = self._compile(extra_schema, base)
        forbid = not isinstance(extra_schema, dict) and not extra_schema
        count = len(items)

        def check(x: Any) -> bool:
            if not isinstance(x, list):
                return True
            for sub, item in zip(positional, x, strict=False):
                if not sub(item):
                    return False
            if forbid and len(x) > count:
                return False
            return extra is None or all(extra(item) for item in x[count:])

        return check

    def _combinators(self, schema: dict[str, Any], base: str) -> list[Check]:
        checks: list[Check] = []
        if "allOf" in schema:
            checks.append(all_of([self._compile(s, base) for s in schema["allOf"]]))
        if "anyOf" in schema:
            any_of = [self._compile(s, base) for s in schema["anyOf"]]
            checks.append(lambda x: any(sub(x) for sub in any_of))
        if "oneOf" in schema:
            one_of = [self._compile(s, base) for s in schema["oneOf"]]

            def exactly_one(x: Any) -> bool:
                found = False
                for sub in one_of:
                    if sub(x):
                        if found:
                            return False
                        found = True
                return found

            checks.append(exactly_one)
        if "not" in schema:
            negated = self._compile(schema["not"], base)
            checks.append(lambda x: not negated(x))
        return checks
