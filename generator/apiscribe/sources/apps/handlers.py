"""What every app source hands on: the app's OpenAPI document and the Python function behind
each operation.

A framework that describes itself (FastAPI's ``openapi()``, DRF's schema generators, apispec)
gives the document; for one that does not (a plain Starlette app, a Flask ``url_map``),
:func:`document_from_handlers` writes it from the routes: path parameters typed by their
converters, the docstring's first line as the summary and the rest as the description.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

from ...diagnostics import Diagnostic
from ...model.routes import RouteTemplate
from ...names import slug

#: OpenAPI version of the documents written from routes.
OPENAPI_VERSION = "3.1.0"


@dataclass(frozen=True)
class Handler:
    """One operation of the app and the function that serves it.

    ``path`` is in OpenAPI form (``/books/{book_id}``) and ``method`` lower-case.
    ``summary_given`` says the framework was given a summary of its own (so the docstring's
    first line does not replace it); ``name`` is the endpoint name to use when it is unique
    in the app; ``tag`` the section; ``path_schemas`` the schema of each path parameter.
    """

    method: str
    path: str
    func: Any
    summary_given: bool = False
    name: str = ""
    tag: str = ""
    path_schemas: tuple[tuple[str, dict[str, Any]], ...] = ()
    #: The text to use when the function has no docstring of its own (a ViewSet action's
    #: section of the class docstring, or a summary made from the action and the model).
    doc: str = ""


@dataclass
class Described:
    """An app as its framework describes it."""

    kind: str
    document: dict[str, Any]
    handlers: list[Handler]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: The paths whose operations were written from the routes, so declare no responses:
    #: those come from the recordings.
    routes_only: frozenset[str] = frozenset()


def route_key(method: str, path: str) -> tuple[str, str]:
    """What identifies an operation whatever its parameters are called (DRF's ``{pk}`` is
    drf-spectacular's ``{id}``)."""
    return method.lower(), RouteTemplate(path).same_route()


def docstring_parts(doc: str) -> tuple[str, str]:
    """A plain docstring's summary (its first line) and description (the rest)."""
    first, _, rest = doc.strip().partition("\n")
    return first.strip(), rest.strip()


def handler_name(func: Any, method: str) -> str:
    """An endpoint name from the function: ``BookDetail.get`` → ``get-book-detail``, a
    function ``list_books`` → ``list-books``."""
    owner = getattr(func, "__qualname__", "").split(".")
    if len(owner) >= 2 and owner[-1].lower() == method.lower():
        return slug(f"{method}-{owner[-2]}")
    return slug(getattr(func, "__name__", "") or method)


def document_from_handlers(
    title: str, version: str, handlers: list[Handler], description: str = ""
) -> dict[str, Any]:
    """An OpenAPI 3.1 document of routes that carry no schema of their own."""
    paths: dict[str, dict[str, Any]] = {}
    tags: list[str] = []
    names = [h.name or handler_name(h.func, h.method) for h in handlers]
    for handler, name in zip(handlers, names, strict=True):
        summary, rest = docstring_parts(inspect.getdoc(handler.func) or "")
        # One function serving several methods: each operation is named with its method.
        unique = names.count(name) == 1 or name.startswith(f"{handler.method}-")
        operation: dict[str, Any] = {"operationId": name if unique
                                     else f"{handler.method}-{name}"}
        if handler.tag:
            operation["tags"] = [handler.tag]
            if handler.tag not in tags:
                tags.append(handler.tag)
        if summary:
            operation["summary"] = summary
        if rest:
            operation["description"] = rest
        schemas = dict(handler.path_schemas)
        parameters = [
            {"name": name, "in": "path", "required": True,
             "schema": schemas.get(name, {"type": "string"})}
            for name in RouteTemplate(handler.path).names
        ]
        if parameters:
            operation["parameters"] = parameters
        paths.setdefault(handler.path, {})[handler.method] = operation
    info: dict[str, Any] = {"title": title, "version": version}
    if description:
        info["description"] = description
    document: dict[str, Any] = {"openapi": OPENAPI_VERSION, "info": info, "paths": paths}
    if tags:
        document["tags"] = [{"name": tag} for tag in tags]
    return document
