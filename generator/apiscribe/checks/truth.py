"""The truth of every example: checks that catch docs that lie.

Each check is a small function named after the problem it finds. It takes an endpoint and
the place of its JSON doc (:class:`DocPlace`: the file to name, the line of each JSON pointer
in it as the JSON-doc reader found them, and whether the docs are generated from this
project's own code, which decides the hints), and yields diagnostics.
:func:`check_endpoints` runs them all.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..diagnostics import Diagnostic, error, warning
from ..documents.lines import LineIndex
from ..formats import httptext
from ..formats.jsondoc import ERROR_EXAMPLE_MARK, PARAMETER_LISTS
from ..model import Endpoint, HttpRequest, HttpResponse
from ..model.routes import RouteTemplate
from .bodies import misfit, request_fields
from .spec_examples import SchemaUnchecked, schema_errors

__all__ = ["CHECKS", "DocPlace", "check_endpoints"]


@dataclass(frozen=True)
class DocPlace:
    """Where an endpoint's JSON doc is: the file named in diagnostics, the line of each JSON
    pointer in it, and whether the docs are generated from this project's code (``own``:
    hints then speak of docstrings and scenarios; else of the JSON doc itself)."""

    file: str
    lines: LineIndex = field(default_factory=lambda: LineIndex({}))
    own: bool = False


def _error(ep: Endpoint, at: DocPlace, code: str, pointer: str, message: str,
           hint: str = "") -> Diagnostic:
    return error(code, message, file=at.file, line=at.lines.line_of(pointer), pointer=pointer,
                 endpoint=ep.name, hint=hint)


def _warning(ep: Endpoint, at: DocPlace, code: str, pointer: str, message: str,
             hint: str = "") -> Diagnostic:
    return warning(code, message, file=at.file, line=at.lines.line_of(pointer),
                   pointer=pointer, endpoint=ep.name, hint=hint)


def _request(ep: Endpoint) -> HttpRequest | None:
    if ep.example.exchange is not None:
        return ep.example.exchange.request
    text = ep.example.request_text
    return httptext.parse_request(text) if text else None


def _response(ep: Endpoint) -> HttpResponse | None:
    if ep.example.exchange is not None:
        return ep.example.exchange.response
    text = ep.example.response_text
    return httptext.parse_response(text) if text else None


def _request_path(request: HttpRequest) -> str:
    target = request.target
    if "://" in target:
        target = urlsplit(target).path or "/"
    return target.split("?", 1)[0].split("#", 1)[0]


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _list_key(location: str) -> str:
    return next(key for key, where in PARAMETER_LISTS.items() if where == location)


def unparsed_example(ep: Endpoint, at: DocPlace) -> Iterator[Diagnostic]:
    """``unparsed-example`` (warning): example text that is not HTTP apiscribe can read."""
    parsers: tuple[tuple[str, str, Callable[[str], object]], ...] = (
        ("example_request", ep.example.request_text, httptext.parse_request),
        ("example_response", ep.example.response_text, httptext.parse_response),
    )
    for key, text, parse in parsers:
        if text and parse(text) is None:
            yield _warning(ep, at, "unparsed-example", f"/{key}",
                           f"{key!r} is not HTTP text that apiscribe can parse, so the "
                           "example is not checked",
                           "a start line, 'Name: value' header lines, and the body after "
                           "one blank line, joined with '\\n'")
            return


def example_path_does_not_match_route(ep: Endpoint, at: DocPlace) -> Iterator[Diagnostic]:
    """``example-path-mismatch``: the example request goes to another route."""
    request = _request(ep)
    if request is None or not ep.api_path:
        return
    path = _request_path(request)
    if not RouteTemplate(ep.api_path).matches(path):
        yield _error(ep, at, "example-path-mismatch", "/example_request",
                     f"example request path {path} does not match the route {ep.api_path}",
                     "record the example against the documented route")


def example_method_differs(ep: Endpoint, at: DocPlace) -> Iterator[Diagnostic]:
    """``example-method-mismatch``: the example request uses another method."""
    request = _request(ep)
    if request is not None and ep.method and request.method != ep.method:
        yield _error(ep, at, "example-method-mismatch", "/example_request",
                     f"example request method {request.method} differs from the "
                     f"endpoint's method {ep.method}")


def error_example_not_marked(ep: Endpoint, at: DocPlace) -> Iterator[Diagnostic]:
    """``error-example``: the example response is an error, and not on purpose."""
    response = _response(ep)
    if response is None or response.status < 400 or ep.example.marked_error:
        return
    status = f"{response.status} {response.reason}".strip()
    hint = ("record a successful response; if the error is the point, mark its scenario: "
            "@scenario(..., error_example=True)") if at.own else (
            "show a successful response; if the error is the point, mark it: add the line "
            f"'{ERROR_EXAMPLE_MARK}' after the '#' header lines of the JSON doc")
    yield _error(ep, at, "error-example", "/example_response",
                 f"example response is an error ({status}) but is not marked as an error "
                 "example", hint)


def path_parameter_not_in_route(ep: Endpoint, at: DocPlace) -> Iterator[Diagnostic]:
    """``unknown-path-parameter``: a documented path parameter the route does not have."""
    if not ep.api_path:
        return
    names = RouteTemplate(ep.api_path).names
    documented = {p.name for p in ep.parameters_in("path")}
    spare = [name for name in names if name not in documented]
    for index, param in enumerate(ep.parameters_in("path")):
        if param.name not in names:
            close = difflib.get_close_matches(param.name, spare, n=1, cutoff=0.5)
            hint = (f"did you mean {close[0]!r}?" if close else
                    f"remove it, or add {{{param.name}}} to the route")
            yield _error(ep, at, "unknown-path-parameter",
                         f"/path_parameters/{index}/name",
                         f"path parameter {param.name!r} is not in the route {ep.api_path}",
                         hint)


def route_parameter_undocumented(ep: Endpoint, at: DocPlace) -> Iterator[Diagnostic]:
    """``undocumented-path-parameter``: a route parameter no path parameter documents."""
    documented = {p.name for p in ep.parameters_in("path")}
    for name in dict.fromkeys(RouteTemplate(ep.api_path).names):
        if name in documented:
            continue
        elsewhere = [_list_key(location) for location in ("query", "body")
                     if any(p.name == name for p in ep.parameters_in(location))]
        if elsewhere:
            hint = (f"it is documented in {elsewhere[0]!r}; make it a path parameter"
                    + (" (:pparam)" if at.own else ""))
        elif at.own:
            hint = f"document it with ':pparam <type> {name}: ...' in the docstring"
        else:
            hint = f"add a 'path_parameters' entry named {name!r}"
        yield _error(ep, at, "undocumented-path-parameter", "/path_parameters",
                     f"route parameter {{{name}}} of {ep.api_path} is not documented as a "
                     "path parameter", hint)


def body_field_undocumented(ep: Endpoint, at: DocPlace) -> Iterator[Diagnostic]:
    """``undocumented-body-field``: the example request sends a field no ``:param`` names."""
    request = _request(ep)
    fields = request_fields(request) if request is not None else None
    if fields is None:
        return
    documented = [p.name for p in ep.parameters_in("body")]
    for name in dict.fromkeys(fields.names):
        if name in documented:
            continue
        close = difflib.get_close_matches(name, documented, n=1)
        where = f"':param <type> {name}: ...' in the docstring" if at.own else (
            f"a 'parameters' entry named {name!r}")
        hint = (f"did you mean {close[0]!r}?" if close else
                f"document it with {where}, or leave it out of the example")
        yield _error(ep, at, "undocumented-body-field", "/example_request",
                     f"example request body field {name!r} is not a documented parameter",
                     hint)


def body_field_contradicts_type(ep: Endpoint, at: DocPlace) -> Iterator[Diagnostic]:
    """``body-field-type``: a JSON body value that does not fit its documented type."""
    request = _request(ep)
    fields = request_fields(request) if request is not None else None
    if fields is None or fields.kind != "json":
        return
    types = {p.name: p.type_name for p in ep.parameters_in("body")}
    for name, value in fields.values.items():
        problem = misfit(value, types[name]) if name in types else None
        if problem is None:
            continue
        index, shown, meaning = problem
        item = f" item {index}" if index is not None else ""
        yield _error(ep, at, "body-field-type", "/example_request",
                     f"example request body field {name!r}{item} is {_short(shown)}: not "
                     f"{meaning} (documented type {types[name]})")


def response_fails_schema(
    ep: Endpoint, at: DocPlace, schema: dict[str, Any] | None = None
) -> Iterator[Diagnostic]:
    """``response-schema``: the example response body does not fit the documented schema.

    JSON docs document no response schema; with ``schema=None`` this finds nothing.
    """
    response = _response(ep)
    if schema is None or response is None or not response.body:
        return
    try:
        body = json.loads(response.body)
    except ValueError:
        yield _error(ep, at, "response-schema", "/example_response",
                     "example response body is not JSON, but a schema documents it")
        return
    try:
        problems = schema_errors(schema, body)
    except SchemaUnchecked as exc:
        yield _warning(ep, at, "schema-unchecked", "/example_response",
                       f"cannot check the example response against its schema: {exc}")
        return
    for where, message in problems:
        yield _error(ep, at, "response-schema", "/example_response",
                     f"example response body does not match its schema at {where or '/'}: "
                     f"{message}")


def content_length_mismatch(ep: Endpoint, at: DocPlace) -> Iterator[Diagnostic]:
    """``content-length`` (warning): a Content-Length header that is not the body shown."""
    request, response = _request(ep), _response(ep)
    messages: list[tuple[str, str, HttpRequest | HttpResponse | None]] = [
        ("request", "/example_request", request)]
    if not (request is not None and request.method == "HEAD") and not (
            response is not None and response.status == 304):
        messages.append(("response", "/example_response", response))
    for what, pointer, message in messages:
        declared = message.header("Content-Length") if message is not None else None
        if message is None or declared is None:
            continue
        size = len((message.body or "").encode("utf-8"))
        if declared.strip() != str(size):
            yield _warning(ep, at, "content-length", pointer,
                           f"example {what} says Content-Length: {declared.strip()}, but "
                           f"its body is {size} bytes",
                           "show the body as it was sent, or fix the header")


def missing_example(ep: Endpoint, at: DocPlace) -> Iterator[Diagnostic]:
    """``no-example`` (warning): no example request, or no example response."""
    request, response = ep.example.request_text, ep.example.response_text
    if request and response:
        return
    if not request and not response:
        message = "no example request and response"
    elif request:
        message = "an example request, but no example response"
    else:
        message = "an example response, but no example request"
    hint = ("attach a scenario (@attach_scenarios) that calls this endpoint" if at.own else
            "add the example as raw HTTP text to 'example_request' and 'example_response'")
    yield _warning(ep, at, "no-example",
                   "/example_response" if request else "/example_request", message, hint)


def missing_authentication(ep: Endpoint, at: DocPlace) -> Iterator[Diagnostic]:
    """``no-authentication`` (warning): the doc does not say what authentication it needs."""
    if not ep.authentication.strip():
        where = "':auth: required' in its docstring" if at.own else "'required'"
        yield _warning(ep, at, "no-authentication", "/authentication",
                       "'authentication' is empty",
                       f"say what the endpoint needs, e.g. {where}")


def duplicate_method_and_path(items: Sequence[tuple[Endpoint, DocPlace]]
                              ) -> Iterator[Diagnostic]:
    """``duplicate-endpoint``: two docs document the same method and route."""
    groups: dict[tuple[str, str], list[tuple[Endpoint, DocPlace]]] = {}
    for ep, at in items:
        if ep.api_path:
            key = (ep.method, RouteTemplate(ep.api_path).same_route())
            groups.setdefault(key, []).append((ep, at))
    for group in groups.values():
        for index, (ep, at) in enumerate(group):
            others = sorted(d.file if d.file != at.file else f"{d.file} ({other.name})"
                            for i, (other, d) in enumerate(group) if i != index)
            if others:
                yield _error(ep, at, "duplicate-endpoint", "/api_path",
                             f"{ep.method} {ep.api_path} is also documented by "
                             f"{', '.join(others)}", "keep one doc per method and route")


EndpointCheck = Callable[[Endpoint, DocPlace], Iterable[Diagnostic]]

#: The checks that look at one endpoint at a time, by name.
ENDPOINT_CHECKS: dict[str, EndpointCheck] = {
    check.__name__: check
    for check in (
        unparsed_example,
        example_path_does_not_match_route,
        example_method_differs,
        error_example_not_marked,
        path_parameter_not_in_route,
        route_parameter_undocumented,
        body_field_undocumented,
        body_field_contradicts_type,
        response_fails_schema,
        content_length_mismatch,
        missing_example,
        missing_authentication,
    )
}

#: Every check, by name (``duplicate_method_and_path`` takes all endpoints at once).
CHECKS: dict[str, Callable[..., Iterable[Diagnostic]]] = {
    **ENDPOINT_CHECKS,
    duplicate_method_and_path.__name__: duplicate_method_and_path,
}


def check_endpoints(items: Sequence[tuple[Endpoint, DocPlace]]) -> list[Diagnostic]:
    """Run every check on ``(endpoint, place of its doc)`` pairs; sorted diagnostics."""
    found: list[Diagnostic] = []
    for ep, at in items:
        for check in ENDPOINT_CHECKS.values():
            found.extend(check(ep, at))
    found.extend(duplicate_method_and_path(items))
    return sorted(found)
