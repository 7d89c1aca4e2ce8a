"""The one model (see :mod:`apiscribe.model.api`) and the HTTP messages it holds."""

from .api import (
    ApiModel,
    Endpoint,
    JsonDocForm,
    JsonValue,
    MediaType,
    NamedExample,
    Parameter,
    ParamLocation,
    RequestBody,
    Response,
    Section,
    SourceLocation,
    Tag,
)
from .http import Example, Exchange, Header, HttpRequest, HttpResponse, find_header

__all__ = [
    "ApiModel",
    "Endpoint",
    "Example",
    "Exchange",
    "Header",
    "HttpRequest",
    "HttpResponse",
    "JsonDocForm",
    "JsonValue",
    "MediaType",
    "NamedExample",
    "ParamLocation",
    "Parameter",
    "RequestBody",
    "Response",
    "Section",
    "SourceLocation",
    "Tag",
    "find_header",
]
