"""Docstrings over the framework's metadata: the framework for types, the docstring for text.

Each endpoint read from the app's document is given the place of the function that serves
it (``file:line``, for every later diagnostic) and the text of its docstring:

- a plain docstring: the first line is the summary (unless the route was given one), the
  rest the description;
- a docstring in the field format (``:pparam TYPE name: text``, ``:auth:``…): its title,
  description, warning, authentication and parameter descriptions. A parameter whose
  documented type differs from the framework's, or that the framework does not know, is a
  ``docstring-disagrees`` warning at the docstring's line; the framework's type is kept.

Docstrings that a framework class gives every subclass (``ListModelMixin.list``) are not the
team's text, and are skipped.
"""

from __future__ import annotations

import inspect
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from ...diagnostics import Diagnostic, warning
from ...model import ApiModel, Endpoint, Parameter, SourceLocation
from ...model.types import short_type
from ...scenarios import scenarios_of
from ..docstrings import display_path, locate, parse_docstring, uses_field_format
from .handlers import Handler, docstring_parts, route_key

#: Packages whose own docstrings are not the app's text.
FRAMEWORK_PACKAGES = ("rest_framework", "django", "fastapi", "starlette", "flask", "werkzeug")


def enrich(model: ApiModel, handlers: list[Handler], root: Path) -> tuple[ApiModel,
                                                                          list[Diagnostic]]:
    by_route = {route_key(h.method, h.path): h for h in handlers}
    names = Counter(h.name for h in handlers if h.name)
    taken = {ep.name for ep in model.endpoints}
    diagnostics: list[Diagnostic] = []
    sections = []
    for section in model.sections:
        endpoints = []
        for endpoint in section.endpoints:
            handler = by_route.get(route_key(endpoint.method, endpoint.api_path))
            if handler is not None:
                if handler.name and names[handler.name] == 1 and handler.name not in taken:
                    taken.add(handler.name)
                    endpoint = replace(endpoint, name=handler.name)
                endpoint, found = _enriched(endpoint, handler, root)
                diagnostics += found
            endpoints.append(endpoint)
        sections.append(replace(section, endpoints=tuple(endpoints)))
    return replace(model, sections=tuple(sections)), diagnostics


def own_docstring(func: Any) -> str:
    """The docstring the app wrote for ``func`` (not one a framework class gives it)."""
    target = inspect.unwrap(func)
    module = getattr(target, "__module__", "") or ""
    if module.split(".")[0] in FRAMEWORK_PACKAGES:
        return ""
    doc = getattr(target, "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


def _enriched(endpoint: Endpoint, handler: Handler, root: Path) -> tuple[Endpoint,
                                                                         list[Diagnostic]]:
    site = locate(handler.func)
    file = display_path(site.file, root) if site.file else ""
    if file:
        endpoint = replace(endpoint, source=SourceLocation(file, site.def_line))
    scenarios = scenarios_of(handler.func)
    if scenarios:
        endpoint = replace(endpoint, scenarios=scenarios)
    doc = own_docstring(handler.func) or handler.doc
    if not doc:
        return endpoint, []
    if uses_field_format(doc):
        return _from_fields(endpoint, handler, doc, file, site.doc_line)
    summary, rest = docstring_parts(doc)
    title = endpoint.title if handler.summary_given and endpoint.title else summary
    description = endpoint.description
    if not description or description.strip() == doc.strip():
        description = rest
    return replace(endpoint, title=title or endpoint.title, description=description), []


def _from_fields(endpoint: Endpoint, handler: Handler, doc: str, file: str,
                 line: int) -> tuple[Endpoint, list[Diagnostic]]:
    parsed, problems = parse_docstring(doc, file=file, line=line, endpoint=endpoint.name)
    found = list(problems)
    documented = [*parsed.path_params, *parsed.query_params]
    params = list(endpoint.parameters)
    for doc_param in documented:
        index = next((i for i, p in enumerate(params) if p.name == doc_param.name
                      and p.location == doc_param.location), None)
        at = parsed.line_of(doc_param.location, doc_param.name)
        if index is None:
            found.append(_disagrees(
                endpoint, file, at, f"the docstring documents {doc_param.location} parameter "
                f"'{doc_param.name}', which the framework does not know; it is left out"))
            continue
        framework = params[index]
        theirs, ours = short_type(framework.schema), short_type(doc_param.schema)
        if framework.schema and theirs != ours:
            found.append(_disagrees(
                endpoint, file, at, f"the docstring says {doc_param.location} parameter "
                f"'{doc_param.name}' is {doc_param.type_name}, the framework says {theirs}; "
                "the framework's type is used"))
        params[index] = _described(framework, doc_param)
    changed = replace(
        endpoint,
        title=(endpoint.title if handler.summary_given else parsed.title) or endpoint.title,
        description=parsed.description or endpoint.description,
        warning=parsed.warning if parsed.warning is not None else endpoint.warning,
        authentication=parsed.auth or endpoint.authentication,
        parameters=tuple(params),
    )
    return changed, found


def _described(framework: Parameter, documented: Parameter) -> Parameter:
    return replace(framework, description=framework.description or documented.description)


def _disagrees(endpoint: Endpoint, file: str, line: int, message: str) -> Diagnostic:
    return warning("docstring-disagrees", message, file=file or "<app>", line=line,
                   endpoint=endpoint.name,
                   hint="make the docstring match the code, or drop the field")
