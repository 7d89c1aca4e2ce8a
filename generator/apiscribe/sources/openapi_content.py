"""Bodies and responses of an OpenAPI 3 operation: media types, schemas, examples, headers.

The Swagger 2.0 reader overrides :meth:`ContentReader.request_body` and
:meth:`ContentReader.responses`; flattening a body into the JSON-doc parameter list is shared.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..checks.spec_loading import escape_token
from ..model import MediaType, NamedExample, Parameter, RequestBody, Response
from .openapi_names import short_type, text
from .openapi_refs import Doc, Located, Refs

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_MEDIA_KEYS = frozenset({"schema", "example", "examples"})


class ContentReader:
    """Request bodies, responses and examples, their references followed through ``refs``."""

    def __init__(self, refs: Refs) -> None:
        self.refs = refs

    def examples(self, node: dict[str, Any], doc: Doc, pointer: str) -> tuple[NamedExample, ...]:
        """``example`` (named ``""``) and the ``examples`` map, references followed."""
        found = [NamedExample("", node["example"])] if "example" in node else []
        named = node.get("examples")
        for name, value in named.items() if isinstance(named, dict) else ():
            located = self.refs.follow(value, doc, f"{pointer}/examples/{escape_token(name)}")
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
        located = self.refs.follow(node["requestBody"], doc, f"{pointer}/requestBody")
        if located is None or not isinstance(located[0], dict):
            return None
        body, bdoc, where = located
        return RequestBody(text(body.get("description")), body.get("required") is True,
                           self.content(body.get("content"), bdoc, f"{where}/content"))

    def content(self, node: Any, doc: Doc, pointer: str) -> tuple[MediaType, ...]:
        found = []
        for media_type, item in node.items() if isinstance(node, dict) else ():
            where = f"{pointer}/{escape_token(media_type)}"
            item = item if isinstance(item, dict) else {}
            schema = self.refs.schema(item["schema"], doc, f"{where}/schema") if (
                "schema" in item) else None
            extra = {k: self.refs.raw(v, doc, f"{where}/{escape_token(k)}")
                     for k, v in item.items() if k not in _MEDIA_KEYS}
            found.append(MediaType(media_type, schema, self.examples(item, doc, where),
                                   extra or None))
        return tuple(found)

    def body_parameters(self, body: RequestBody | None) -> tuple[Parameter, ...] | None:
        """The top-level properties of the first JSON, form or multipart object schema."""
        for media in body.content if body is not None else ():
            media_type = media.media_type.split(";", 1)[0].strip().lower()
            if not (media_type == "application/json" or media_type.endswith("+json")
                    or media_type in FORM_TYPES):
                continue
            found = self._object_view(media.schema, 0)
            if found:
                properties, required = found
                return tuple(
                    Parameter(
                        name, short_type(schema), self._description_of(schema), "body",
                        required=name in required, schema=schema,
                        deprecated=isinstance(schema, dict) and schema.get("deprecated") is True,
                    )
                    for name, schema in properties.items()
                )
        return None

    def _object_view(self, schema: Any, depth: int) -> tuple[dict[str, Any], set[str]] | None:
        schema = self.refs.target(schema)
        if not isinstance(schema, dict) or depth > 16:
            return None
        properties = dict(schema["properties"]) if isinstance(
            schema.get("properties"), dict) else {}
        required = {r for r in _list(schema.get("required")) if isinstance(r, str)}
        for member in _list(schema.get("allOf")):
            found = self._object_view(member, depth + 1)
            if found:
                properties = found[0] | properties
                required |= found[1]
        return (properties, required) if properties else None

    def _description_of(self, schema: Any) -> str:
        if isinstance(schema, dict) and isinstance(schema.get("description"), str):
            return text(schema["description"])
        target = self.refs.target(schema)
        return text(target.get("description")) if isinstance(target, dict) else ""

    # -- responses ------------------------------------------------------------------------

    def response_objects(
        self, node: dict[str, Any], doc: Doc, pointer: str
    ) -> Iterator[tuple[str, tuple[dict[str, Any], Doc, str] | None]]:
        """Each status of ``node``'s responses, with its response object (refs followed), or
        ``None`` when it cannot be read."""
        given = node.get("responses")
        for status, item in given.items() if isinstance(given, dict) else ():
            if status.startswith("x-"):
                continue
            located = self.refs.follow(item, doc, f"{pointer}/responses/{escape_token(status)}")
            yield status, located if located is not None and isinstance(located[0], dict) \
                else None

    def responses(self, node: dict[str, Any], doc: Doc, pointer: str) -> tuple[Response, ...]:
        found = []
        for status, located in self.response_objects(node, doc, pointer):
            if located is None:
                found.append(Response(status))
                continue
            value, rdoc, where = located
            links = value.get("links")
            found.append(Response(
                status, text(value.get("description")),
                self.content(value.get("content"), rdoc, f"{where}/content"),
                headers=self.headers(value.get("headers"), rdoc, f"{where}/headers"),
                links=None if links is None else self.refs.raw(links, rdoc, f"{where}/links"),
            ))
        return tuple(found)

    def headers(self, node: Any, doc: Doc, pointer: str) -> dict[str, Any] | None:
        if not isinstance(node, dict):
            return None
        found: dict[str, Any] = {}
        for name, item in node.items():
            located = self.refs.follow(item, doc, f"{pointer}/{escape_token(name)}")
            if located is not None:
                found[name] = self.refs.raw(*located)
        return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
