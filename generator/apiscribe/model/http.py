"""HTTP messages as the model keeps them: recorded examples, and what media types mean."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
FORM_TYPES = (FORM, MULTIPART)


def media_type_of(content_type: str | None) -> str:
    """``application/json; charset=utf-8`` → ``application/json`` (empty when absent)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def with_base_path(base_url: str, target: str) -> str:
    """``target`` (a path, with or without a query) with the base URL's path (Swagger's
    ``basePath``, a server URL's path) in front, unless it starts with that path already:
    the one rule for the path that headings and samples show."""
    prefix = urlsplit(base_url).path.rstrip("/")
    if not prefix or not target.startswith("/") or target == prefix or target.startswith(
            (prefix + "/", prefix + "?")):
        return target
    return prefix + target


def is_json(content_type: str | None) -> bool:
    """Whether a media type (or a Content-Type value) is JSON: ``application/json`` or
    ``*/*+json``."""
    media = media_type_of(content_type)
    return media == JSON or media.endswith("+json")


def is_form(content_type: str | None) -> bool:
    """Whether a media type is a URL-encoded or multipart form."""
    return media_type_of(content_type) in FORM_TYPES


@dataclass(frozen=True)
class Header:
    name: str
    value: str


def find_header(headers: tuple[Header, ...], name: str) -> str | None:
    """The value of the first header called ``name`` (case-insensitive), or None."""
    lowered = name.lower()
    return next((h.value for h in headers if h.name.lower() == lowered), None)


@dataclass(frozen=True)
class HttpRequest:
    """A request as shown in docs: ``target`` is the path with its query string."""

    method: str
    target: str
    headers: tuple[Header, ...] = ()
    body: str | None = None
    http_version: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        return find_header(self.headers, name)

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


@dataclass(frozen=True)
class HttpResponse:
    status: int
    reason: str
    headers: tuple[Header, ...] = ()
    body: str | None = None
    http_version: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        return find_header(self.headers, name)


@dataclass(frozen=True)
class Exchange:
    """A recorded request and its response, from one scenario."""

    request: HttpRequest
    response: HttpResponse
    scenario: str = ""


@dataclass(frozen=True)
class Example:
    """An endpoint's recorded example: raw HTTP text, kept exactly as it will be written.

    ``exchange`` is the structured form when the text parses as HTTP; views that need
    structure (OpenAPI, Markdown) read it, the JSON-doc view writes the text.
    ``marked_error`` says the example shows an error response on purpose (a JSON doc's
    ``# apiscribe: error-example`` header line); ``apiscribe check`` accepts it then.
    """

    request_text: str
    response_text: str
    exchange: Exchange | None = None
    marked_error: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.request_text and not self.response_text
