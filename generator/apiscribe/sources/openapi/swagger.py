"""Swagger 2.0 documents into the same model, in OpenAPI 3 terms.

- A ``body`` parameter becomes the request body, one media type per ``consumes`` entry
  (``application/json`` by default); ``formData`` parameters become a form (or multipart,
  when a file is among them) request body whose object schema lists them.
- Responses get one media type per ``produces`` entry; ``examples`` are kept per media type.
- ``definitions`` are the component schemas (references read ``#/components/schemas/X``),
  ``securityDefinitions`` the security schemes, ``host``/``basePath``/``schemes`` the servers.

The model then says what an OpenAPI 3 document says; the OpenAPI view writes a 2.0 input as
3.1 (or 3.0.3 on request), never as 2.0.
"""

from __future__ import annotations

from typing import Any

from ...documents.refs import Doc, Located
from ...model import MediaType, NamedExample, Parameter, RequestBody, Response
from ...model.http import FORM_TYPES, JSON, MULTIPART, is_form
from ...model.types import is_file
from .content import as_list, text
from .reader import SpecReader

_VALUE_FIELDS = (
    "type", "format", "items", "default", "maximum", "exclusiveMaximum", "minimum",
    "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "enum", "multipleOf",
)
_PARAMETER_KEYS = frozenset({
    "name", "in", "description", "required", "schema", "collectionFormat",
    "x-example", *_VALUE_FIELDS,
})
# collectionFormat of a query parameter → OpenAPI 3 style and explode.
_STYLES = {"csv": ("form", False), "ssv": ("spaceDelimited", False),
           "pipes": ("pipeDelimited", False), "multi": ("form", True)}
_FLOWS = {"implicit": "implicit", "password": "password", "application": "clientCredentials",
          "accessCode": "authorizationCode"}
_TOP_KEYS = frozenset({
    "swagger", "info", "host", "basePath", "schemes", "consumes", "produces", "paths",
    "definitions", "parameters", "responses", "securityDefinitions", "tags", "security",
})


class SwaggerReader(SpecReader):
    """Reads a Swagger 2.0 document (see the module's docstring)."""

    consumed_keys = _TOP_KEYS

    handled = SpecReader.handled | {"consumes", "produces", "schemes"}

    def prepare(self) -> None:
        self.components.register("/definitions")

    def security_schemes(self) -> dict[str, Any]:
        given = self.data.get("securityDefinitions")
        if not isinstance(given, dict):
            return {}
        return {name: _security_scheme(value) if isinstance(value, dict) else value
                for name, value in given.items()}

    def other_components(self) -> dict[str, Any]:
        return {}  # 2.0's top-level parameters and responses are read where they are used

    def converted_extensions(self) -> dict[str, Any]:
        servers = self._servers()
        return {"servers": servers} if servers else {}

    def base_url(self) -> str:
        servers = self._servers()
        return str(servers[0]["url"]) if servers else ""

    def _servers(self) -> list[dict[str, str]]:
        host = text(self.data.get("host"))
        base_path = text(self.data.get("basePath"))
        if not host:
            return [{"url": base_path}] if base_path else []
        schemes = [s for s in as_list(self.data.get("schemes")) if isinstance(s, str)]
        return [{"url": f"{scheme}://{host}{base_path}"} for scheme in schemes or ["https"]]

    # -- parameters -----------------------------------------------------------------------

    def parameter(self, node: dict[str, Any], doc: Doc, pointer: str) -> Parameter | None:
        kind = node["in"]
        if kind in ("body", "formData"):
            return None  # read into the request body
        if kind not in ("path", "query", "header"):
            self.resolver.report(
                "invalid-parameter", f"parameter '{node['name']}' is 'in: {kind}' (expected "
                "one of path, query, header, body, formData)", doc, f"{pointer}/in")
            return None
        schema = self.components.schema(_value_schema(node), doc, pointer)
        extensions: dict[str, Any] = {}
        style = _STYLES.get(text(node.get("collectionFormat")) or "csv")
        if kind == "query" and schema.get("type") == "array" and style:
            extensions["style"], extensions["explode"] = style
        extensions |= {k: v for k, v in node.items() if k not in _PARAMETER_KEYS}
        examples = (NamedExample("", node["x-example"]),) if "x-example" in node else ()
        return Parameter(
            name=node["name"], location=kind, description=text(node.get("description")),
            required=node.get("required") is True, schema=schema, examples=examples,
            extensions=extensions,
        )

    # -- bodies ---------------------------------------------------------------------------

    def request_body(self, node: dict[str, Any], doc: Doc, pointer: str,
                     parameters: list[Located]) -> RequestBody | None:
        consumes = _media_types(node, self.data, "consumes")
        for value, pdoc, where in parameters:
            if value["in"] == "body":
                schema = self.components.schema(value["schema"], pdoc, f"{where}/schema") if (
                    "schema" in value) else None
                given = value.get("x-examples")
                examples = given if isinstance(given, dict) else {}
                content = tuple(
                    MediaType(m, schema, (NamedExample("", examples[m]),) if m in examples else ())
                    for m in consumes or [JSON])
                return RequestBody(text(value.get("description")),
                                   value.get("required") is True, content, self.fields(content))
        form = [(value, pdoc, where) for value, pdoc, where in parameters
                if value["in"] == "formData"]
        if not form:
            return None
        properties: dict[str, Any] = {}
        required: list[str] = []
        for value, pdoc, where in form:
            schema = self.components.schema(_value_schema(value), pdoc, where)
            if value.get("description"):
                schema["description"] = value["description"]
            properties[value["name"]] = schema
            if value.get("required") is True:
                required.append(value["name"])
        schema = {"type": "object", "properties": properties} | (
            {"required": required} if required else {})
        has_file = any(is_file(p) for p in properties.values())
        types = [m for m in consumes if is_form(m)] or [MULTIPART if has_file else FORM_TYPES[0]]
        content = tuple(MediaType(m, schema) for m in types)
        return RequestBody("", bool(required), content, self.fields(content))

    # -- responses ------------------------------------------------------------------------

    def response(self, status: str, operation: dict[str, Any], value: dict[str, Any],
                 doc: Doc, where: str) -> Response:
        produces = _media_types(operation, self.data, "produces") or [JSON]
        schema = self.components.schema(value["schema"], doc, f"{where}/schema") if (
            "schema" in value) else None
        given = value.get("examples")
        examples: dict[str, Any] = given if isinstance(given, dict) else {}
        types = list(produces) if schema is not None else []
        types += [m for m in examples if m not in types]
        content = tuple(
            MediaType(m, schema, (NamedExample("", examples[m]),) if m in examples else ())
            for m in types
        )
        return Response(status, text(value.get("description")), content,
                        headers=self.headers(value.get("headers"), doc, f"{where}/headers"))

    def header(self, name: str, node: dict[str, Any], doc: Doc, pointer: str) -> Parameter:
        """A 2.0 header object: its value fields are its schema."""
        return Parameter(
            name, "header", text(node.get("description")),
            schema=self.components.schema(_value_schema(node), doc, pointer),
            extensions={k: v for k, v in node.items() if k.startswith("x-")},
        )


def _media_types(node: dict[str, Any], document: dict[str, Any], key: str) -> list[str]:
    given = node.get(key, document.get(key))
    return [m for m in as_list(given) if isinstance(m, str)]


def _value_schema(node: dict[str, Any]) -> dict[str, Any]:
    """The schema of a non-body parameter, items object or header (2.0 puts it inline)."""
    schema = {k: node[k] for k in _VALUE_FIELDS if k in node}
    if isinstance(schema.get("items"), dict) and "$ref" not in schema["items"]:
        schema["items"] = _value_schema(schema["items"])
    return schema


def _security_scheme(value: dict[str, Any]) -> dict[str, Any]:
    kind = value.get("type")
    if kind == "basic":
        out: dict[str, Any] = {"type": "http", "scheme": "basic"}
    elif kind == "oauth2" and value.get("flow") in _FLOWS:
        flow: dict[str, Any] = {
            k: value[k] for k in ("authorizationUrl", "tokenUrl") if k in value}
        flow["scopes"] = value.get("scopes") if isinstance(value.get("scopes"), dict) else {}
        out = {"type": "oauth2", "flows": {_FLOWS[value["flow"]]: flow}}
    else:
        out = {k: v for k, v in value.items() if k in ("type", "name", "in")}
    if "description" in value:
        out["description"] = value["description"]
    return out | {k: v for k, v in value.items() if k.startswith("x-")}
