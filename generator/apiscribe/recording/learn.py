"""Schemas learned from recorded traffic, where the framework declares none.

genson merges the JSON bodies that the tests sent and received for one endpoint: types and
nesting, array items merged across the items, and ``required`` for the keys present in every
body of that status. A string strategy adds the format (``date-time``, ``uri``, ``email``,
``uuid``) when every value seen has it.

A declared schema always wins: a learned one only fills a request body or a response status
that has no schema. Learned media types carry ``x-apiscribe-learned: true``, which the
OpenAPI view writes and the pages show; whether a recorded body fits a declared schema is
what ``apiscribe check`` reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from genson import SchemaBuilder
from genson.schema.strategies import String

from ..documents.limits import json_value
from ..model import Endpoint, Exchange, MediaType, Parameter, RequestBody, Response
from ..model.api import LEARNED_EXTENSION
from ..model.http import JSON, is_json
from .normalize import reason_phrase

_FORMATS = (
    ("date-time",
     re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")),
    ("uuid", re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                        r"[0-9a-fA-F]{12}")),
    ("uri", re.compile(r"https?://[^\s/$.?#][^\s]*")),
    ("email", re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")),
)


class _FormattedString(String):  # type: ignore[misc]
    """A string strategy that keeps the one format every value has."""

    def __init__(self, node_class: Any) -> None:
        super().__init__(node_class)
        self._format: str | None = None
        self._seen = False

    def add_object(self, obj: str) -> None:
        super().add_object(obj)
        found = next((name for name, pattern in _FORMATS if pattern.fullmatch(obj)), None)
        self._format = found if not self._seen or found == self._format else None
        self._seen = True

    def to_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = super().to_schema()
        if self._format:
            schema["format"] = self._format
        return schema


class _Builder(SchemaBuilder):  # type: ignore[misc]
    EXTRA_STRATEGIES = (_FormattedString,)


def learn_schema(values: Iterable[Any]) -> dict[str, Any]:
    """One schema that every value fits."""
    builder = _Builder(schema_uri=None)
    for value in values:
        builder.add_object(value)
    schema: dict[str, Any] = builder.to_schema()
    return schema


def with_learned_schemas(endpoint: Endpoint, exchanges: list[Exchange]) -> Endpoint:
    """``endpoint`` with schemas learned from ``exchanges`` wherever it declares none."""
    sent = [value for x in exchanges
            if (value := _json_body(x.request.body, x.request.header("Content-Type")))
            is not _NOTHING]
    if sent and _undeclared_request(endpoint.request_body):
        content = _learned(sent)
        request = endpoint.request_body or RequestBody(required=True)
        endpoint = replace(endpoint, request_body=replace(
            request, content=content, fields=_fields(content[0].schema)))
    by_status: dict[int, list[Any]] = {}
    for exchange in exchanges:
        answer = exchange.response
        value = _json_body(answer.body, answer.header("Content-Type"))
        by_status.setdefault(answer.status, [])
        if value is not _NOTHING:
            by_status[answer.status].append(value)
    responses = list(endpoint.responses or ())
    for status, bodies in sorted(by_status.items()):
        index = next((i for i, r in enumerate(responses) if r.status == str(status)), None)
        if index is None:
            responses.append(Response(str(status), reason_phrase(status).capitalize(),
                                      _learned(bodies)))
        elif bodies and not any(m.schema for m in responses[index].content):
            responses[index] = replace(responses[index], content=_learned(bodies))
    if responses != list(endpoint.responses or ()):
        responses.sort(key=lambda r: r.status)
        endpoint = replace(endpoint, responses=tuple(responses))
    return endpoint


def _learned(values: list[Any]) -> tuple[MediaType, ...]:
    if not values:
        return ()
    return (MediaType(JSON, learn_schema(values), extensions={LEARNED_EXTENSION: True}),)


_NOTHING = object()


def _json_body(body: str | None, content_type: str | None) -> Any:
    """The body as JSON data, or ``_NOTHING`` (also for JSON that the input limits refuse,
    which the normalizer reports)."""
    value = json_value(body) if body and is_json(content_type) else None
    return _NOTHING if value is None else value[0]


def _fields(schema: Any) -> tuple[Parameter, ...] | None:
    """The body parameters of a learned object schema (its top-level properties)."""
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return None
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        return None
    required = set(schema.get("required", ()))
    return tuple(Parameter(name, "body", required=name in required, schema=value)
                 for name, value in properties.items())


def _undeclared_request(body: RequestBody | None) -> bool:
    return body is None or (not body.fields and not any(m.schema for m in body.content))
