"""Recorded HTTP messages as the pages show them, for people who read and paste them.

The JSON docs keep a recording as stored (Sentry's Python 2 layout ends each line of a JSON
body with ``", "``); the pages do not:

- a JSON body is pretty-printed with an indent of 2, no space at the end of a line, and
  every member, number and string as recorded;
- a response keeps the headers that tell the reader something (``Content-Type``,
  ``Location``, ``Link``, ``ETag``, rate limits, the app's own headers) and drops what every
  response of a framework carries (``Content-Length``, which no longer matches the re-laid
  body, ``Allow``, ``Vary`` and the security boilerplate in :data:`BOILERPLATE_HEADERS`).

Bodies that are not JSON are shown as recorded.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

from ..model import Header, HttpRequest, HttpResponse
from ..model.http import is_json

#: Response headers that say nothing about the endpoint: not shown on pages.
BOILERPLATE_HEADERS = frozenset({
    "allow", "content-length", "cross-origin-opener-policy", "cross-origin-resource-policy",
    "cross-origin-embedder-policy", "content-security-policy", "date", "permissions-policy",
    "referrer-policy", "server", "strict-transport-security", "vary", "via",
    "x-content-type-options", "x-frame-options", "x-xss-protection",
})


def shown_body(body: str | None, content_type: str | None) -> str | None:
    """``body`` pretty-printed when it is JSON (see the module docstring), else as it is."""
    if not body or not is_json(content_type):
        return body
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return body
    return _relaid(body)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def _relaid(text: str) -> str:
    """Valid JSON text laid out with an indent of 2, every token (numbers and string escapes
    included) kept as written."""
    tokens = _TOKEN.findall(text)
    out: list[str] = []
    depth = 0
    for index, token in enumerate(tokens):
        if token in "{[":
            depth += 1
            empty = index + 1 < len(tokens) and tokens[index + 1] in "}]"
            out.append(token if empty else token + "\n" + "  " * depth)
        elif token in "}]":
            depth -= 1
            out.append(token if tokens[index - 1] in "{[" else "\n" + "  " * depth + token)
        elif token == ",":
            out.append(",\n" + "  " * depth)
        elif token == ":":
            out.append(": ")
        else:
            out.append(token)
    return "".join(out)


def shown_request(request: HttpRequest) -> HttpRequest:
    """The request with its JSON body pretty-printed (``Content-Length`` dropped with it)."""
    body = shown_body(request.body, request.header("Content-Type"))
    if body == request.body:
        return request
    headers = tuple(h for h in request.headers if h.name.lower() != "content-length")
    return replace(request, headers=headers, body=body)


def shown_response(response: HttpResponse) -> HttpResponse:
    """The response with the headers that matter and its JSON body pretty-printed."""
    headers: tuple[Header, ...] = tuple(
        h for h in response.headers if h.name.lower() not in BOILERPLATE_HEADERS)
    body = shown_body(response.body, response.header("Content-Type"))
    return replace(response, headers=headers, body=body)
