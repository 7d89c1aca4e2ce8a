"""Any Python web app as it is, named as ``module:object``: FastAPI, Starlette, Flask or
Django REST framework, read through the framework's own metadata.

:func:`load` imports the object (``module:factory()`` calls an app factory), tells the
framework from the object, asks that framework's source for the app's OpenAPI document and
the function behind each operation, reads the document into the model with the OpenAPI
importer, and enriches it from the docstrings (:mod:`.enrich`). Every route is documented;
a route without a docstring is a ``no-docstring`` warning, never a silent drop.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from ...diagnostics import ApiscribeError, Diagnostic, warning
from ...documents.pointer import escape_token
from ...imports import add_python_paths, import_object
from ...model import ApiModel
from ..openapi import read_document
from . import django_app, flask_app, starlette_app
from .enrich import enrich, own_docstring
from .handlers import Described, route_key

#: The kinds of app apiscribe reads, as error messages list them.
KINDS = (
    "a FastAPI app (fastapi.FastAPI)",
    "a Starlette app (starlette.applications.Starlette)",
    "a Flask app (flask.Flask, or a factory written 'module:create_app()')",
    "a Django project's WSGI or ASGI application (with --django-settings when the module "
    "does not set DJANGO_SETTINGS_MODULE)",
)


def load(app: str, *, root: Path, python_paths: tuple[Path, ...] = (),
         django_settings: str = "", urlconf: str = "", title: str = "",
         base_url: str = "") -> tuple[ApiModel, list[Diagnostic]]:
    """The app named ``module:object`` as the model, and what is worth a diagnostic."""
    obj = import_app(app, python_paths, django_settings)
    described = describe(obj, app, urlconf=urlconf, title=title)
    spec = read_document(described.document, f"<{app}>")
    if spec.model is None:
        raise ApiscribeError(f"the {described.kind} app {app} gave no readable OpenAPI "
                             "document: " + "; ".join(d.message for d in spec.diagnostics))
    model, found = enrich(spec.model, described.handlers, root)
    # The importer's diagnostics name endpoints as it did, before enrich renamed them.
    renamed = {old.name: new.name for old, new in zip(spec.model.endpoints, model.endpoints,
                                                      strict=True)}
    read_diagnostics = [replace(d, endpoint=renamed.get(d.endpoint, d.endpoint))
                        for d in spec.diagnostics]
    if title:
        model = replace(model, title=title)
    if base_url and not (described.document.get("servers") or []):
        model = replace(model, base_url=base_url)
    quiet = tuple(f"/paths/{escape_token(path)}/" for path in described.routes_only)
    read = [d for d in read_diagnostics
            if not (d.code == "missing-responses" and d.pointer.startswith(quiet))]
    return model, [*described.diagnostics, *read, *found, *_undocumented(model, described)]


def import_app(app: str, python_paths: tuple[Path, ...] = (),
               django_settings: str = "") -> Any:
    """The object ``module:attribute`` names (``module:factory()`` calls the factory)."""
    if ":" not in app.strip(":") or app.startswith(":") or app.endswith(":"):
        raise ApiscribeError(f"'{app}' does not name an app object",
                             hint="write it as module:object, e.g. 'myapi.main:app'",
                             exit_code=2)
    add_python_paths(python_paths)
    if django_settings:
        os.environ["DJANGO_SETTINGS_MODULE"] = django_settings
    try:
        obj = import_object(app)
    except Exception as exc:  # the app's own code: any failure to import it is reported
        raise ApiscribeError(f"cannot import the app {app}: {type(exc).__name__}: {exc}",
                             hint="check --app and --pythonpath (and --django-settings)"
                             ) from exc
    return obj


def describe(obj: Any, app: str, *, urlconf: str = "", title: str = "") -> Described:
    """The app's document and handlers, from the source that knows its framework."""
    if starlette_app.is_fastapi(obj):
        return starlette_app.describe(obj, "fastapi")
    if starlette_app.is_starlette(obj):
        return starlette_app.describe(obj, "starlette")
    if flask_app.is_flask(obj):
        return flask_app.describe(obj)
    if django_app.is_django(obj):
        return django_app.describe(obj, urlconf=urlconf, title=title)
    raise ApiscribeError(
        f"{app} is a {type(obj).__module__}.{type(obj).__qualname__}, which is no kind of app "
        "apiscribe reads",
        hint="--app names one of: " + "; ".join(KINDS), exit_code=2,
    )


def _undocumented(model: ApiModel, described: Described) -> list[Diagnostic]:
    by_route = {route_key(h.method, h.path): h for h in described.handlers}
    found = []
    for endpoint in model.endpoints:
        handler = by_route.get(route_key(endpoint.method, endpoint.api_path))
        if handler is None or own_docstring(handler.func) or handler.doc or endpoint.description:
            continue
        source = endpoint.source
        found.append(warning(
            "no-docstring", f"{endpoint.method} {endpoint.api_path} has no docstring; it is "
            "documented from the framework's metadata alone",
            file=source.file if source else f"<{model.title}>",
            line=source.line if source else 0, endpoint=endpoint.name,
            hint="a docstring's first line is the summary, the rest the description"))
    return found
