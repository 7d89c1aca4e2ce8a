"""The fast proof that a document is valid, for Swagger 2.0, OpenAPI 3.0 and 3.1.

openapi-spec-validator does two things: it checks the document against the version's
meta-schema, then walks the document with its own "keyword validators" (unique operationIds,
declared path parameters, duplicate parameters and tags, each Schema Object against its JSON
Schema dialect, ``default`` values against their schema, ``required`` names of ``allOf``
schemas). :func:`prove_valid` does the same walk, in the same order, over plain dicts, and
answers only whether the validator would report nothing. Any doubt (a finding, a reference it
does not follow, anything unexpected) answers "not proven", and the caller runs the validator.
The meta-schemas (the version's, and the dialect of its Schema Objects) are compiled: draft-04
ones by :mod:`.compiler`, OpenAPI 3.1's JSON Schema 2020-12 ones by :mod:`.draft2020`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any
from urllib.parse import unquote

from jsonschema.exceptions import SchemaError
from jsonschema.validators import Draft202012Validator, validator_for
from jsonschema_specifications import (  # type: ignore[import-untyped]  # ships no types
    REGISTRY as SPECIFICATIONS,
)
from openapi_schema_validator import (
    OAS31_BASE_DIALECT_ID,
    OAS30Validator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from openapi_schema_validator import validators as oas_validators
from openapi_spec_validator.schemas import (
    get_validator_backend,
    openapi_v2_schema_validator,
    openapi_v30_schema_validator,
    openapi_v31_schema_validator,
    openapi_v32_schema_validator,
    schema_v2,
    schema_v30,
    schema_v31,
)

from ...documents.pointer import unescape_token
from ...model.routes import METHODS, template_names
from .compiler import Check, Draft4Compiler, UnsupportedSchema
from .draft2020 import Draft202012Compiler

Parts = tuple[str | int, ...]
_OPERATIONS = frozenset(METHODS)
_REF_KEYWORDS = frozenset({"$ref", "$dynamicRef", "$recursiveRef"})


SCHEMA_VALIDATORS: dict[str, Any] = {
    "2.0": openapi_v2_schema_validator,
    "3.0": openapi_v30_schema_validator,
    "3.1": openapi_v31_schema_validator,
    "3.2": openapi_v32_schema_validator,
}


#: The versions the fast path decides (:func:`prove_valid`); any other goes to the validator.
FAST_VERSIONS = ("2.0", "3.0", "3.1")


class _Unproven(Exception):
    """The walk met something it does not decide; the validator must."""


@cache
def meta_schema_check(version: str) -> Check | None:
    """The compiled meta-schema of ``version`` ("2.0", "3.0", "3.1"), or None when not
    compiled. The 3.1 one is JSON Schema 2020-12, resolved as jsonschema's default registry
    resolves it (its ``$dynamicRef``s land on its own "schema": an object or a boolean)."""
    if get_validator_backend() != "jsonschema":  # jsonschema-rs gives its own verdicts
        return None
    try:
        if version in ("2.0", "3.0"):
            draft4 = {"2.0": schema_v2, "3.0": schema_v30}[version]
            return Draft4Compiler().compile_root(dict(draft4))
        if version == "3.1" and validator_for(schema_v31) is Draft202012Validator:
            return Draft202012Compiler(SPECIFICATIONS.contents).compile_root(dict(schema_v31))
    except UnsupportedSchema:
        return None
    return None


def meta_schema_accepts(document: Any, version: str) -> bool:
    """Whether the meta-schema of ``version`` accepts ``document`` (compiled when possible)."""
    compiled = meta_schema_check(version)
    if compiled is not None:
        return compiled(document)
    return bool(SCHEMA_VALIDATORS[version].is_valid(document))


@cache
def draft4_schema_check() -> Check:
    """What ``OAS30Validator.check_schema`` accepts (draft-04 meta-schema, OAS 3.0 formats)."""
    return Draft4Compiler(oas30_format_checker).compile_root(OAS30Validator.META_SCHEMA)


@cache
def oas31_dialect_check() -> Check | None:
    """What ``OAS31Validator.check_schema`` accepts with the OAS 3.1 formats: the OAS 3.1 base
    dialect, a 2020-12 meta-schema whose ``$dynamicRef: "#meta"`` all land on the dialect
    itself, resolved in the registry that ``check_schema`` uses. None when that is not how
    this version of openapi-schema-validator checks a schema, or when it does not compile."""
    registry = getattr(oas_validators, "OPENAPI_SPECIFICATIONS", None)
    check_schema = getattr(OAS31Validator.check_schema, "__func__", None)
    meta_schema = OAS31Validator.META_SCHEMA
    if (registry is None or check_schema is None
            or check_schema is not getattr(oas_validators, "check_openapi_schema", None)
            or validator_for(meta_schema, default=None) is not Draft202012Validator):
        return None
    try:
        return Draft202012Compiler(registry.contents, oas31_format_checker).compile_root(
            meta_schema)
    except UnsupportedSchema:
        return None


def _nodes(value: Any) -> Iterator[Any]:
    """``value`` and every value in it."""
    stack = [value]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


class _Walk:
    """One pass of the validator's keyword checks over ``document``."""

    def __init__(
        self, document: dict[str, Any], version: str,
        default_with_refs: Callable[[Parts, Any], bool],
    ) -> None:
        self.doc = document
        self.version = version
        self.default_with_refs = default_with_refs
        self.operation_ids: set[Any] = set()
        self.meta_checked: set[int] = set()
        self.visited: set[int] = set()
        self.findings: list[str] = []

    # Plain-data access with the same $ref following as jsonschema-path ----------------------

    def lookup(self, ref: str) -> Any:
        if not ref.startswith("#"):
            raise _Unproven(f"reference outside the document: {ref}")
        fragment = ref[1:]
        node: Any = self.doc
        if not fragment:
            return node
        if not fragment.startswith("/"):
            raise _Unproven(f"anchor reference: {ref}")
        for segment in unquote(fragment[1:]).split("/"):
            if isinstance(node, list):
                try:
                    node = node[int(segment)]
                except (ValueError, IndexError) as exc:
                    raise _Unproven(f"unresolvable reference: {ref}") from exc
            elif isinstance(node, dict):
                key = unescape_token(segment)
                if key not in node:
                    raise _Unproven(f"unresolvable reference: {ref}")
                node = node[key]
            else:
                raise _Unproven(f"unresolvable reference: {ref}")
            if isinstance(node, dict) and "$id" in node:
                raise _Unproven("'$id' changes the base of references")
        return node

    def deref(self, node: Any) -> Any:
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            node = self.lookup(node["$ref"])
            hops += 1
            if hops > 64:
                raise _Unproven("reference cycle")
        return node

    def child(self, node: Any, key: str) -> Any:
        """``node[key]`` after following references (the caller checked ``key in node``)."""
        return self.deref(node[key])

    def mapping(self, node: Any) -> dict[str, Any]:
        node = self.deref(node)
        if not isinstance(node, dict):
            raise _Unproven("expected a mapping")
        return node

    def sequence(self, node: Any) -> list[Any]:
        node = self.deref(node)
        if not isinstance(node, list):
            raise _Unproven("expected a list")
        return node

    def text(self, node: Any, key: str) -> str:
        node = self.mapping(node)
        if key not in node:
            raise _Unproven(f"missing {key!r}")
        value = self.deref(node[key])
        if not isinstance(value, str):
            raise _Unproven(f"{key!r} is not a string")
        return value

    # The walk ------------------------------------------------------------------------------

    def root(self) -> None:
        spec = self.mapping(self.doc)
        self.tags(spec)
        self.paths(spec)
        if "components" in spec and self.version != "2.0":
            components = self.mapping(spec["components"])
            if "schemas" in components:
                for name, schema in self.mapping(components["schemas"]).items():
                    self.schema(("components", "schemas", name), schema)

    def paths(self, spec: dict[str, Any]) -> None:
        if "paths" in spec:
            for url, item in self.mapping(spec["paths"]).items():
                self.path(("paths", url), url, item)

    def tags(self, spec: dict[str, Any]) -> None:
        if "tags" in spec:
            seen: set[str] = set()
            for tag in self.sequence(spec["tags"]):
                name = self.text(tag, "name")
                if name in seen:
                    self.findings.append(f"Duplicate tag name '{name}'")
                seen.add(name)

    def path(self, parts: Parts, url: str, item: Any) -> None:
        item = self.mapping(item)
        shared: tuple[Parts, Any] | None = None
        if "parameters" in item:
            shared = ((*parts, "parameters"), item["parameters"])
            self.parameters(*shared)
        for name, operation in item.items():
            if name in _OPERATIONS:
                self.operation((*parts, name), url, name, operation, shared)

    def parameters(self, parts: Parts, node: Any) -> None:
        seen: set[tuple[str, str]] = set()
        for index, parameter in enumerate(self.sequence(node)):
            here = (*parts, index)
            body = self.mapping(parameter)
            if "schema" in body:
                self.schema((*here, "schema"), body["schema"])
            if self.version == "2.0" and "default" in body:
                self.default(here, body, self.child(body, "default"))
            key = (self.text(body, "name"), self.text(body, "in"))
            if key in seen:
                self.findings.append(f"Duplicate parameter '{key[0]}'")
            seen.add(key)

    def operation(
        self, parts: Parts, url: str, name: str, node: Any, shared: tuple[Parts, Any] | None
    ) -> None:
        operation = self.mapping(node)
        if "operationId" in operation:
            operation_id = self.child(operation, "operationId")
            if operation_id is not None:
                if not isinstance(operation_id, str):
                    raise _Unproven("operationId is not a string")
                if operation_id in self.operation_ids:
                    self.findings.append(f"Operation ID '{operation_id}' is not unique")
                self.operation_ids.add(operation_id)
        if "responses" in operation:
            for code, response in self.mapping(operation["responses"]).items():
                self.response((*parts, "responses", code), response)
        names: list[str] = []
        if "parameters" in operation:
            self.parameters((*parts, "parameters"), operation["parameters"])
            names += self.path_parameter_names(operation["parameters"])
        if shared is not None:
            names += self.path_parameter_names(shared[1])
        try:
            in_url = set(template_names(url))
        except ValueError as exc:
            raise _Unproven("the path does not parse as a template") from exc
        if set(names) != in_url:
            self.findings.append(f"Path parameters of '{name}' in '{url}' do not match")

    def path_parameter_names(self, node: Any) -> Iterator[str]:
        for parameter in self.sequence(node):
            if self.text(parameter, "in") == "path":
                yield self.text(parameter, "name")

    def response(self, parts: Parts, node: Any) -> None:
        # Like the validator: a response (or media type) that is not an object has no fields.
        response = self.deref(node)
        if not isinstance(response, dict):
            return
        if self.version == "2.0":
            if "schema" in response:
                self.schema((*parts, "schema"), response["schema"])
            return
        if "content" in response:
            for media, body in self.mapping(response["content"]).items():
                media_type = self.deref(body)
                if isinstance(media_type, dict) and "schema" in media_type:
                    self.schema((*parts, "content", media, "schema"), media_type["schema"])

    def schema(
        self, parts: Parts, node: Any, require_properties: bool = True, meta_checked: bool = False
    ) -> None:
        value = self.deref(node)
        if not isinstance(value, dict | bool):
            self.findings.append("a schema is not of type 'object', 'boolean'")
            return
        if not meta_checked and id(value) not in self.meta_checked:
            self.meta_checked.add(id(value))
            if not self.schema_meta_ok(value):
                self.findings.append("a schema does not match its dialect")
                return
        if id(value) in self.visited:
            return
        self.visited.add(id(value))
        if not isinstance(value, dict):
            return
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in value:
                for index, inner in enumerate(self.sequence(value[keyword])):
                    self.schema((*parts, keyword, index), inner, False, True)
        for keyword in ("not", "items"):
            if keyword in value:
                self.schema((*parts, keyword), value[keyword], False, True)
        if "properties" in value:
            for name, inner in self.mapping(value["properties"]).items():
                self.schema((*parts, "properties", name), inner, False, True)
        if "allOf" in value and require_properties and self.required_undefined(value):
            self.findings.append("Required list has not defined properties")
        if "default" in value:
            default = self.child(value, "default")
            nullable = self.child(value, "nullable") if "nullable" in value else False
            if default is not None or nullable is not True:
                self.default(parts, value, default)

    def required_undefined(self, value: dict[str, Any]) -> bool:
        """Whether a schema with an ``allOf`` has ``required`` names that neither it nor its
        ``allOf`` define (the validator looks where it meets it first as a schema of its
        own)."""
        required = self.child(value, "required") if "required" in value else []
        defined = set(self.mapping(value["properties"])) if "properties" in value else set()
        for inner in self.sequence(value["allOf"]):
            defined |= self.collect_properties(inner, 0)
        return bool(set(required or []) - defined)

    def collect_properties(self, node: Any, depth: int) -> set[Any]:
        if depth > 100:
            raise _Unproven("schemas nest too deeply")
        value = self.deref(node)
        found: set[Any] = set()
        if not isinstance(value, dict):
            return found
        if "properties" in value:
            found.update(self.mapping(value["properties"]))
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in value:
                for inner in self.sequence(value[keyword]):
                    found |= self.collect_properties(inner, depth + 1)
        for keyword in ("items", "not"):
            if keyword in value:
                found |= self.collect_properties(value[keyword], depth + 1)
        return found

    def schema_meta_ok(self, value: Any) -> bool:
        if self.version in ("2.0", "3.0"):
            return draft4_schema_check()(value)
        if isinstance(value, dict) and "$schema" in value:
            dialect = value["$schema"]
            if not isinstance(dialect, str):
                return False
        else:
            dialect = self.doc.get("jsonSchemaDialect", OAS31_BASE_DIALECT_ID)
            if not isinstance(dialect, str):
                raise _Unproven("jsonSchemaDialect is not a string")
        checker = validator_for({"$schema": dialect}, default=None)
        if checker is None:
            return False
        compiled = oas31_dialect_check() if checker is OAS31Validator else None
        if compiled is not None:
            return compiled(value)
        try:
            checker.check_schema(value, format_checker=oas31_format_checker)
        except SchemaError:
            return False
        return True

    def default(self, parts: Parts, schema: Any, value: Any) -> None:
        if any(isinstance(node, dict) and _REF_KEYWORDS.intersection(node)
               for node in _nodes(schema)):  # the schema holds references
            ok = self.default_with_refs(parts, value)
        elif self.version == "3.1":
            ok = OAS31Validator(schema, format_checker=oas31_format_checker).is_valid(value)
        else:
            ok = OAS30Validator(schema, format_checker=oas30_format_checker).is_valid(value)
        if not ok:
            self.findings.append("a default value does not match its schema")


def prove_valid(
    document: Any, version: str, default_with_refs: Callable[[Parts, Any], bool],
    *, meta_ok: bool | None = None, paths_only: bool = False,
) -> tuple[bool, list[str]]:
    """(True, []) when openapi-spec-validator would report nothing for ``document``.

    ``version`` is "2.0", "3.0" or "3.1". ``default_with_refs(parts, value)`` checks a default
    value whose schema (reached through ``parts``) holds references, the validator's own way.
    Otherwise the answer is (False, reasons), and only the validator can tell the errors.
    ``meta_ok`` is :func:`meta_schema_accepts`'s answer when the caller already has it.
    ``paths_only`` walks the path items alone (the tags and the component schemas are known
    to be valid: :func:`apiscribe.checks.specs.check_document`).
    """
    if version not in FAST_VERSIONS:
        return False, [f"no fast path for version {version}"]
    if meta_ok is None:
        meta_ok = isinstance(document, dict) and meta_schema_accepts(document, version)
    if not meta_ok or not isinstance(document, dict):
        return False, ["the meta-schema rejects the document"]
    if "$schema" in document or "$id" in document:
        return False, ["'$schema' or '$id' at the top level"]
    walk = _Walk(document, version, default_with_refs)
    try:
        walk.paths(document) if paths_only else walk.root()
    except _Unproven as exc:
        return False, [str(exc)]
    except Exception as exc:  # whatever the data breaks here, the validator will report
        return False, [f"unexpected data: {type(exc).__name__}"]
    return not walk.findings, walk.findings


def order_dependent(document: dict[str, Any], version: str) -> bool:
    """Whether openapi-spec-validator's verdict on ``document`` may depend on the order in which
    it meets the document's schemas: it meets each once, and some schema has ``required``
    names it would report only where it meets it first as a schema of its own, not as a
    member of another (:meth:`_Walk.required_undefined`). Any doubt answers True."""
    walk = _Walk(document, version, lambda parts, value: True)
    try:
        return any(isinstance(node, dict) and "allOf" in node and walk.required_undefined(node)
                   for node in _nodes(document))
    except Exception:  # whatever breaks here, the full check decides
        return True
