"""Raw HTTP text, the way JSON docs show example requests and responses.

::

    PUT /api/0/organizations/acme/releases/1.0/ HTTP/1.1
    Host: api.example.com
    Authorization: Bearer <token>
    Content-Type: application/json

    {"ref": "abc"}

Lines are joined with ``\\n``. A message without a body has no blank line after its headers.
"""

from __future__ import annotations

import re

from ..model.http import Exchange, Header, HttpRequest, HttpResponse

_REQUEST_LINE = re.compile(r"^([A-Z]+) (\S+) (HTTP/\d(?:\.\d)?)$")
_STATUS_LINE = re.compile(r"^(HTTP/\d(?:\.\d)?) (\d{3})(?: (.*))?$")


def _format(start: str, headers: tuple[Header, ...], body: str | None) -> str:
    lines = [start, *(f"{h.name}: {h.value}" for h in headers)]
    text = "\n".join(lines)
    if body is not None:
        text += "\n\n" + body
    return text


def format_request(request: HttpRequest) -> str:
    start = f"{request.method} {request.target} {request.http_version}"
    return _format(start, request.headers, request.body)


def format_response(response: HttpResponse) -> str:
    start = f"{response.http_version} {response.status}"
    if response.reason:
        start += f" {response.reason}"
    return _format(start, response.headers, response.body)


def _split(text: str) -> tuple[list[str], str | None] | None:
    head, sep, body = text.partition("\n\n")
    lines = head.split("\n")
    return lines, (body if sep else None)


def _headers(lines: list[str]) -> tuple[Header, ...] | None:
    headers = []
    for line in lines:
        name, sep, value = line.partition(": ")
        if not sep or not name or name != name.strip():
            return None
        headers.append(Header(name, value))
    return tuple(headers)


def parse_request(text: str) -> HttpRequest | None:
    """Parse request text; ``None`` unless it formats back to exactly ``text``."""
    split = _split(text)
    if split is None:
        return None
    lines, body = split
    match = _REQUEST_LINE.match(lines[0])
    headers = _headers(lines[1:])
    if match is None or headers is None:
        return None
    request = HttpRequest(match[1], match[2], headers, body, match[3])
    return request if format_request(request) == text else None


def parse_response(text: str) -> HttpResponse | None:
    """Parse response text; ``None`` unless it formats back to exactly ``text``."""
    split = _split(text)
    if split is None:
        return None
    lines, body = split
    match = _STATUS_LINE.match(lines[0])
    headers = _headers(lines[1:])
    if match is None or headers is None:
        return None
    response = HttpResponse(int(match[2]), match[3] or "", headers, body, match[1])
    return response if format_response(response) == text else None


def parse_exchange(request_text: str, response_text: str) -> Exchange | None:
    request = parse_request(request_text)
    response = parse_response(response_text)
    if request is None or response is None:
        return None
    return Exchange(request, response)
