"""apiscribe: API reference docs generated from the code and proven by real requests."""

from .diagnostics import ApiscribeError, Diagnostic
from .model import (
    ApiModel,
    Endpoint,
    Example,
    Exchange,
    Header,
    HttpRequest,
    HttpResponse,
    Parameter,
    Section,
    SourceLocation,
)
from .scenarios import attach_scenarios, scenario

__all__ = [
    "ApiModel",
    "ApiscribeError",
    "Diagnostic",
    "Endpoint",
    "Example",
    "Exchange",
    "Header",
    "HttpRequest",
    "HttpResponse",
    "Parameter",
    "Section",
    "SourceLocation",
    "attach_scenarios",
    "scenario",
]

__version__ = "0.1.0"
