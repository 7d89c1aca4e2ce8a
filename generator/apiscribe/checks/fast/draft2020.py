"""A yes/no JSON Schema 2020-12 validator compiled into Python closures, for OpenAPI 3.1.

openapi-spec-validator checks a 3.1 document against the OAS 3.1 meta-schema, and each Schema
Object against the OAS 3.1 schema dialect, both with jsonschema's ``Draft202012Validator``
(``$dynamicRef``, ``unevaluatedProperties``, ``if``/``then``/``else``). The closures here give
that validator's yes/no answer, keyword by keyword and with jsonschema's own rules where they
differ from the specification (the keys ``unevaluatedProperties`` counts as evaluated are
jsonschema's ``find_evaluated_property_keys_by_schema``), without building errors or
resolving references while validating.

References are resolved at compile time, ``$dynamicRef`` included (:mod:`.resources`). The
compiler refuses, never answers wrongly, for anything it does not implement (``contains``,
``unevaluatedItems``, a reference whose target depends on the dynamic scope):
:class:`~.compiler.UnsupportedSchema` at compile time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from jsonschema.validators import Draft202012Validator

from .compiler import (
    Check,
    UnsupportedSchema,
    accept,
    all_of,
    compile_once,
    is_number,
    object_check,
)
from .resources import Resources

DRAFT202012_ID = "https://json-schema.org/draft/2020-12/schema"
#: The keys of an object that a schema evaluates (for ``unevaluatedProperties``).
Evaluated = Callable[[dict[str, Any]], AbstractSet[str]]

_KEYWORDS: Mapping[str, Any] = Draft202012Validator.VALIDATORS
# Keywords that never descend into a subschema: jsonschema's own function gives the answer,
# except where a closure below does the same faster.
_LEAF = frozenset({
    "const", "dependentRequired", "enum", "exclusiveMaximum", "exclusiveMinimum", "format",
    "maxItems", "maxLength", "maxProperties", "maximum", "minItems", "minLength",
    "minProperties", "minimum", "multipleOf", "pattern", "required", "type", "uniqueItems",
})
_HANDLED = _LEAF | {
    "$dynamicRef", "$ref", "additionalProperties", "allOf", "anyOf", "dependentSchemas", "if",
    "items", "not", "oneOf", "patternProperties", "prefixItems", "properties", "propertyNames",
    "unevaluatedProperties",
}


def _no_keys(instance: dict[str, Any]) -> AbstractSet[str]:
    return frozenset()


def _is_integer(x: Any) -> bool:  # from draft 6 on, 1.0 is an integer
    return not isinstance(x, bool) and (isinstance(x, int) or (
        isinstance(x, float) and x.is_integer()))


def _instance_of(kind: type) -> Check:
    return lambda x: isinstance(x, kind)


# jsonschema's 2020-12 types: five are one isinstance() test each (and so are any of them).
_CLASSES: dict[str, type] = {
    "array": list, "boolean": bool, "null": type(None), "object": dict, "string": str}
_TYPES: dict[str, Check] = {name: _instance_of(kind) for name, kind in _CLASSES.items()} | {
    "integer": _is_integer, "number": is_number}


class Draft202012Compiler:
    """Compiles a 2020-12 schema with ``format_checker`` (None ignores ``format``) and
    ``retrieve`` (a URI to the contents of a resource; LookupError when unknown)."""

    _resources: Resources  # the root's (compile_root sets them: one root per compiler)

    def __init__(self, retrieve: Callable[[str], Any], format_checker: Any = None) -> None:
        self._retrieve = retrieve
        self._format_checker = format_checker
        self._leaf_validator = Draft202012Validator({}, format_checker=format_checker)
        self._checks: dict[tuple[int, str], Check] = {}
        self._evaluators: dict[tuple[int, str], Evaluated] = {}

    def compile_root(self, schema: Mapping[str, Any]) -> Check:
        if schema.get("$schema") != DRAFT202012_ID:
            raise UnsupportedSchema(f"not a 2020-12 schema: {schema.get('$schema')!r}")
        if not isinstance(schema, dict):
            raise UnsupportedSchema("the root must be a dict")
        try:
            self._resources = Resources(schema, self._retrieve)
            return self._compile(schema, self._resources.root)
        except UnsupportedSchema:
            raise
        except Exception as exc:  # a malformed schema (a bad regex, ...): not compiled
            raise UnsupportedSchema(f"{type(exc).__name__}: {exc}") from exc

    # Compilation ---------------------------------------------------------------------------

    def _compile(self, schema: Any, base: str) -> Check:
        return compile_once(self._checks, schema, base, self._build)

    def _build(self, schema: dict[str, Any], base: str) -> Check:
        if "$id" in schema and not self._resources.is_whole(schema):
            raise UnsupportedSchema("an '$id' inside a resource is not supported")
        if schema.get("$schema", DRAFT202012_ID) != DRAFT202012_ID:
            raise UnsupportedSchema("a subschema of another dialect")
        unsupported = sorted(k for k in schema if k in _KEYWORDS and k not in _HANDLED)
        if unsupported:  # e.g. contains, unevaluatedItems
            raise UnsupportedSchema(f"unsupported keywords: {unsupported}")
        checks: list[Check] = []
        for keyword, value in schema.items():
            if keyword in _LEAF:
                checks.append(self._leaf(keyword, value, schema))
        for keyword in ("$ref", "$dynamicRef"):
            if keyword in schema:
                checks.append(self._compile(*self._resources.target(schema[keyword], base)))
        if any(k in schema for k in ("properties", "patternProperties", "additionalProperties")):
            checks.append(self._object(schema, base))
        checks += self._applicators(schema, base)
        if "unevaluatedProperties" in schema:
            checks.append(self._unevaluated(schema, base))
        return all_of(checks)

    def _leaf(self, keyword: str, value: Any, schema: dict[str, Any]) -> Check:
        if keyword == "type":
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, list) or not all(
                    isinstance(n, str) and n in _TYPES for n in names):
                raise UnsupportedSchema(f"unknown type {value!r}")
            if len(names) > 1 and all(name in _CLASSES for name in names):
                classes = tuple(_CLASSES[name] for name in names)
                return lambda x: isinstance(x, classes)
            tests = [_TYPES[name] for name in names]
            return tests[0] if len(tests) == 1 else lambda x: any(t(x) for t in tests)
        if keyword == "required" and isinstance(value, list):
            return self._required(list(value))
        if keyword in ("const", "enum"):
            values = [value] if keyword == "const" else value
            if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
                strings = frozenset(values)  # jsonschema's equal(): a string equals only itself
                return lambda x: isinstance(x, str) and x in strings
        if keyword == "pattern" and isinstance(value, str):
            search = re.compile(value).search
            return lambda x: not isinstance(x, str) or search(x) is not None
        if keyword == "format" and isinstance(value, str):
            checker = self._format_checker
            if checker is None or value not in checker.checkers:
                return accept
            return lambda x: bool(checker.conforms(x, value))
        if keyword in ("minItems", "minimum") and is_number(value):  # the same tests
            if keyword == "minItems":
                return lambda x: not (isinstance(x, list) and len(x) < value)
            return lambda x: not (is_number(x) and x < value)
        function, validator = _KEYWORDS[keyword], self._leaf_validator

        def check(x: Any) -> bool:
            for _ in function(validator, value, x, schema):
                return False
            return True

        return check

    @staticmethod
    def _required(names: list[Any]) -> Check:
        def check(x: Any) -> bool:
            if isinstance(x, dict):
                for name in names:
                    if name not in x:
                        return False
            return True

        return check

    def _object(self, schema: dict[str, Any], base: str) -> Check:
        properties = {name: self._compile(sub, base)
                      for name, sub in schema.get("properties", {}).items()}
        pattern_schemas = schema.get("patternProperties", {})
        patterns = [(re.compile(p).search, self._compile(sub, base))
                    for p, sub in pattern_schemas.items()]
        joined = "|".join(pattern_schemas)  # as jsonschema: one search, and "" searches nothing
        skip = re.compile(joined).search if joined else None
        additional_schema = schema.get("additionalProperties", True)
        if not isinstance(additional_schema, bool | dict):
            raise UnsupportedSchema("'additionalProperties' must be a schema")
        forbid = additional_schema is False
        additional = None
        if isinstance(additional_schema, dict):
            additional = self._compile(additional_schema, base)
            additional = None if additional is accept else additional
        return object_check(properties, patterns, skip, forbid, additional)

    def _applicators(self, schema: dict[str, Any], base: str) -> Iterator[Check]:
        if "propertyNames" in schema:
            names = self._compile(schema["propertyNames"], base)
            yield lambda x: not isinstance(x, dict) or all(names(k) for k in x)
        if "dependentSchemas" in schema:
            rules = [(name, self._compile(sub, base))
                     for name, sub in schema["dependentSchemas"].items()]
            yield lambda x: not isinstance(x, dict) or all(
                sub(x) for name, sub in rules if name in x)
        if "prefixItems" in schema or "items" in schema:
            yield self._items(schema, base)
        if "allOf" in schema:
            yield all_of([self._compile(s, base) for s in schema["allOf"]])
        if "anyOf" in schema:
            any_of = [self._compile(s, base) for s in schema["anyOf"]]
            yield lambda x: any(sub(x) for sub in any_of)
        if "oneOf" in schema:
            one_of = [self._compile(s, base) for s in schema["oneOf"]]
            yield lambda x: sum(1 for sub in one_of if sub(x)) == 1
        if "not" in schema:
            negated = self._compile(schema["not"], base)
            yield lambda x: not negated(x)
        if "if" in schema:
            condition = self._compile(schema["if"], base)
            then = self._compile(schema.get("then", True), base)
            otherwise = self._compile(schema.get("else", True), base)
            yield lambda x: then(x) if condition(x) else otherwise(x)

    def _items(self, schema: dict[str, Any], base: str) -> Check:
        if not isinstance(schema.get("prefixItems", []), list):
            raise UnsupportedSchema("'prefixItems' must be an array")
        positional = [self._compile(sub, base) for sub in schema.get("prefixItems", [])]
        count = len(positional)
        each = self._compile(schema.get("items", True), base)

        def check(x: Any) -> bool:
            if not isinstance(x, list):
                return True
            for sub, item in zip(positional, x, strict=False):
                if not sub(item):
                    return False
            return each is accept or all(each(item) for item in x[count:])

        return check

    def _unevaluated(self, schema: dict[str, Any], base: str) -> Check:
        evaluated = self._evaluated(schema, base)
        sub = self._compile(schema["unevaluatedProperties"], base)

        def check(x: Any) -> bool:
            if not isinstance(x, dict):
                return True
            seen = evaluated(x)
            return all(sub(value) for key, value in x.items() if key not in seen)

        return check

    def _evaluated(self, schema: Any, base: str) -> Evaluated:
        """jsonschema's ``find_evaluated_property_keys_by_schema``, compiled."""
        if not isinstance(schema, dict):
            return _no_keys
        key = (id(schema), base)
        known = self._evaluators.get(key)
        if known is not None:
            return known
        cell: list[Evaluated] = []
        self._evaluators[key] = lambda x: cell[0](x)
        parts: list[Evaluated] = [self._evaluated(*self._resources.target(schema[k], base))
                                  for k in ("$ref", "$dynamicRef") if k in schema]
        if isinstance(schema.get("properties"), dict):
            names = frozenset(schema["properties"])
            parts.append(lambda x: names & x.keys())
        for keyword in ("additionalProperties", "unevaluatedProperties"):
            if schema.get(keyword) is not None:
                parts.append(self._valid_keys(self._compile(schema[keyword], base)))
        if "patternProperties" in schema:
            searches = [re.compile(p).search for p in schema["patternProperties"]]
            parts.append(lambda x: {k for k in x if any(s(k) for s in searches)})
        if "dependentSchemas" in schema:
            rules = [(name, self._evaluated(sub, base))
                     for name, sub in schema["dependentSchemas"].items()]
            parts.append(lambda x: set().union(*(keys(x) for name, keys in rules if name in x)))
        for keyword in ("allOf", "oneOf", "anyOf"):
            for sub in schema.get(keyword, []):
                parts.append(self._when_valid(self._compile(sub, base), self._evaluated(sub, base)))
        if "if" in schema:
            parts.append(self._conditional(schema, base))

        def evaluated(x: dict[str, Any]) -> AbstractSet[str]:
            keys: set[str] = set()
            for part in parts:
                keys.update(part(x))
            return keys

        cell.append(evaluated)
        self._evaluators[key] = evaluated
        return evaluated

    @staticmethod
    def _valid_keys(sub: Check) -> Evaluated:
        return lambda x: {k for k, v in x.items() if sub(v)}

    @staticmethod
    def _when_valid(sub: Check, keys: Evaluated) -> Evaluated:
        return lambda x: keys(x) if sub(x) else set()

    def _conditional(self, schema: dict[str, Any], base: str) -> Evaluated:
        condition = self._compile(schema["if"], base)
        if_keys = self._evaluated(schema["if"], base)
        then_keys = self._evaluated(schema.get("then"), base)
        else_keys = self._evaluated(schema.get("else"), base)
        return lambda x: (if_keys(x) | then_keys(x)) if condition(x) else else_keys(x)
