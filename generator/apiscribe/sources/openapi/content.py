"""Bodies and responses of an OpenAPI 3 operation: media types, schemas, examples, headers.

The Swagger 2.0 reader overrides :meth:`ContentReader.request_body`,
:meth:`ContentReader.responses` and :meth:`ContentReader.header`; flattening a body into its
field list is shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...documents.pointer import escape_token
from ...documents.refs import Doc, Located, Resolver
from ...model import MediaType, NamedExample, Parameter, RequestBody, Response
from ...model.http import is_form, is_json
from .components import Components

_MEDIA_KEYS = frozenset({"schema", "example", "examples"})
_HEADER_KEYS = frozenset({"description", "required", "deprecated", "schema", "example",
                          "examples"})


def text(value: Any) -> str:
    """A string field of the spec ("" when absent or not a string)."""
    return value if isinstance(value, str) else ""


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class ContentReader:
    """Request bodies, responses and examples, their references followed."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.components = Components(resolver)

    def others(self, node: Mapping[str, Any], handled: frozenset[str], doc: Doc,
               pointer: str) -> dict[str, Any]:
        """The fields of ``node`` the model does not read, in OpenAPI 3.1 terms."""
        return {k: v if k.startswith("x-") else self.components.raw(
                    v, doc, f"{pointer}/{escape_token(k)}")
                for k, v in node.items() if k not in handled}

    def examples(self, node: dict[str, Any], doc: Doc, pointer: str) -> tuple[NamedExample, ...]:
        """``example`` (named ``""``) and the ``examples`` map, references followed."""
        found = [NamedExample("", node["example"])] if "example" in node else []
        named = node.get("examples")
        for name, value in named.items() if isinstance(named, dict) else ():
            located = self.resolver.follow(value, doc, f"{pointer}/examples/{escape_token(name)}")
            if located is None or not isinstance(located[0], dict):
                continue
            item = located[0]
            found.append(NamedExample(
                name, item.get("value"), summary=text(item.get("summary")),
                description=text(item.get("description")),
                external_value=text(item.get("externalValue"))))
        return tuple(found)

    # -- bodies ---------------------------------------------------------------------------

    def request_body(self, node: dict[str, Any], doc: Doc, pointer: str,
                     parameters: list[Located]) -> RequestBody | None:
        if "requestBody" not in node:
            return None
        located = self.resolver.follow(node["requestBody"], doc, f"{pointer}/requestBody")
        if located is None or not isinstance(located[0], dict):
            return None
        body, bdoc, where = located
        content = self.content(body.get("content"), bdoc, f"{where}/content")
        return RequestBody(text(body.get("description")), body.get("required") is True,
                           content, self.fields(content))

    def content(self, node: Any, doc: Doc, pointer: str) -> tuple[MediaType, ...]:
        found = []
        for media_type, item in node.items() if isinstance(node, dict) else ():
            where = f"{pointer}/{escape_token(media_type)}"
            item = item if isinstance(item, dict) else {}
            schema = self.components.schema(item["schema"], doc, f"{where}/schema") if (
                "schema" in item) else None
            found.append(MediaType(media_type, schema, self.examples(item, doc, where),
                                   self.others(item, _MEDIA_KEYS, doc, where)))
        return tuple(found)

    def fields(self, content: tuple[MediaType, ...]) -> tuple[Parameter, ...] | None:
        """The top-level properties of the first JSON, form or multipart object schema that
        a request sends (``readOnly`` ones are the server's, not the request's)."""
        for media in content:
            if not (is_json(media.media_type) or is_form(media.media_type)):
                continue
            found = self._object_view(media.schema, 0)
            if found:
                properties, required = found
                return tuple(
                    Parameter(
                        name, "body", self._description_of(schema), required=name in required,
                        schema=schema,
                        deprecated=isinstance(schema, dict) and schema.get("deprecated") is True,
                    )
                    for name, schema in properties.items()
                    if not (isinstance(schema, dict) and schema.get("readOnly") is True)
                )
        return None

    def _object_view(self, schema: Any, depth: int) -> tuple[dict[str, Any], set[str]] | None:
        schema = self.components.target(schema)
        if not isinstance(schema, dict) or depth > 16:
            return None
        properties = dict(schema["properties"]) if isinstance(
            schema.get("properties"), dict) else {}
        required = {r for r in as_list(schema.get("required")) if isinstance(r, str)}
        for member in as_list(schema.get("allOf")):
            found = self._object_view(member, depth + 1)
            if found:
                properties = found[0] | properties
                required |= found[1]
        return (properties, required) if properties else None

    def _description_of(self, schema: Any) -> str:
        if isinstance(schema, dict) and isinstance(schema.get("description"), str):
            return text(schema["description"])
        target = self.components.target(schema)
        return text(target.get("description")) if isinstance(target, dict) else ""

    # -- responses ------------------------------------------------------------------------

    def responses(self, node: dict[str, Any], doc: Doc, pointer: str) -> tuple[Response, ...]:
        """Each status of ``node``'s responses (``x-`` keys left out), references followed."""
        found = []
        given = node.get("responses")
        for status, item in given.items() if isinstance(given, dict) else ():
            if status.startswith("x-"):
                continue
            located = self.resolver.follow(
                item, doc, f"{pointer}/responses/{escape_token(status)}")
            if located is None or not isinstance(located[0], dict):
                found.append(Response(status))
            else:
                found.append(self.response(status, node, *located))
        return tuple(found)

    def response(self, status: str, operation: dict[str, Any], value: dict[str, Any],
                 doc: Doc, where: str) -> Response:
        """One response object of ``operation``."""
        links = value.get("links")
        return Response(
            status, text(value.get("description")),
            self.content(value.get("content"), doc, f"{where}/content"),
            headers=self.headers(value.get("headers"), doc, f"{where}/headers"),
            links=self.components.raw(links, doc, f"{where}/links")
            if isinstance(links, dict) else {},
        )

    def headers(self, node: Any, doc: Doc, pointer: str) -> tuple[Parameter, ...]:
        if not isinstance(node, dict):
            return ()
        found = []
        for name, item in node.items():
            located = self.resolver.follow(item, doc, f"{pointer}/{escape_token(name)}")
            if located is not None and isinstance(located[0], dict):
                found.append(self.header(name, *located))
        return tuple(found)

    def header(self, name: str, node: dict[str, Any], doc: Doc, pointer: str) -> Parameter:
        """One response header object as a parameter of location ``header``."""
        schema = self.components.schema(node["schema"], doc, f"{pointer}/schema") if (
            "schema" in node) else None
        return Parameter(
            name, "header", text(node.get("description")), required=node.get("required") is True,
            schema=schema, deprecated=node.get("deprecated") is True,
            examples=self.examples(node, doc, pointer),
            extensions=self.others(node, _HEADER_KEYS, doc, pointer),
        )
