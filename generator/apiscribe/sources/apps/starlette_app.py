"""FastAPI and Starlette apps, read through their own metadata.

A FastAPI app describes itself: ``app.openapi()`` gives the parameters, the pydantic request
and response models, status codes, tags, ``deprecated`` and the security of dependencies.
Its routers with prefixes are in that document. Mounted sub-apps are not (FastAPI leaves
them out), so each mount is read on its own and put under its path: a FastAPI sub-app
through its ``openapi()``, anything else through its routes.

A plain Starlette app has no schema: its routes are walked (``Route``, ``Mount``, class-based
``HTTPEndpoint`` methods), path converters typed (``{id:int}`` → integer), and docstrings
give the text.

The function behind each operation is found by walking the routers as well; FastAPI no longer
flattens included routers into ``app.routes``, so an included router is followed through
``original_router``, and an operation is matched to the route whose path ends its own.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ...model.routes import METHODS, RouteTemplate
from .handlers import Described, Handler, document_from_handlers, handler_name

#: Starlette's path converters and the schema of each.
CONVERTER_SCHEMAS: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "path": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "uuid": {"type": "string", "format": "uuid"},
}
_PARAM = re.compile(r"\{(?P<name>[^{}:]+)(?::(?P<converter>[^{}]+))?\}")


def is_fastapi(app: Any) -> bool:
    return any(c.__name__ == "FastAPI" and c.__module__.startswith("fastapi")
               for c in type(app).__mro__)


def is_starlette(app: Any) -> bool:
    return any(c.__name__ in ("Starlette", "Router") and c.__module__.startswith("starlette")
               for c in type(app).__mro__)


def describe(app: Any, kind: str) -> Described:
    """The app's document and handlers (``kind`` is ``fastapi`` or ``starlette``)."""
    if kind == "fastapi":
        document = copy.deepcopy(app.openapi())
        handlers = _fastapi_handlers(app, document)
    else:
        handlers = list(_plain_routes(getattr(app, "routes", []), ""))
        document = document_from_handlers("API Reference", "1.0.0", handlers)
    routes_only = {h.path for h in handlers} if kind == "starlette" else set()
    for prefix, sub in _mounts(getattr(app, "routes", []), plain=kind == "fastapi"):
        inner = describe(sub, "fastapi" if is_fastapi(sub) else "starlette")
        _merge(document, inner.document, prefix)
        handlers += [replace(h, path=prefix + h.path) for h in inner.handlers]
        routes_only |= {prefix + path for path in inner.routes_only}
    return Described(kind, document, handlers, routes_only=frozenset(routes_only))


def _mounts(routes: list[Any], *, plain: bool) -> Iterator[tuple[str, Any]]:
    """Mounted apps read apart, with their prefix: FastAPI sub-apps, and with ``plain``
    (under a FastAPI app, whose document leaves mounts out) Starlette apps and routers."""
    from starlette.routing import Mount

    for route in routes:
        if isinstance(route, Mount) and (is_fastapi(route.app) or (
                plain and is_starlette(route.app))):
            yield _openapi_path(route.path), route.app


def _merge(document: dict[str, Any], inner: dict[str, Any], prefix: str) -> None:
    paths = document.setdefault("paths", {})
    for path, item in (inner.get("paths") or {}).items():
        paths.setdefault(prefix + path, item)
    for kind, named in (inner.get("components") or {}).items():
        target = document.setdefault("components", {}).setdefault(kind, {})
        for name, value in named.items():
            target.setdefault(name, value)
    known = {tag.get("name") for tag in document.get("tags", [])}
    for tag in inner.get("tags", []):
        if tag.get("name") not in known:
            document.setdefault("tags", []).append(tag)


def _fastapi_handlers(app: Any, document: dict[str, Any]) -> list[Handler]:
    routes = list(_api_routes(app.routes))
    handlers = []
    for path, item in (document.get("paths") or {}).items():
        for method, operation in item.items():
            if method not in METHODS or not isinstance(operation, dict):
                continue
            route = _route_for(routes, path, method, operation)
            if route is None:
                continue
            handlers.append(Handler(method, path, route.endpoint,
                                    summary_given=bool(getattr(route, "summary", None)),
                                    name=handler_name(route.endpoint, method)))
    return handlers


def _api_routes(routes: list[Any]) -> Iterator[Any]:
    """Every FastAPI route under ``routes``, included routers followed, mounts not."""
    for route in routes:
        router = getattr(route, "original_router", None)
        if router is not None:
            yield from _api_routes(router.routes)
        elif hasattr(route, "endpoint") and hasattr(route, "path_format") and getattr(
                route, "include_in_schema", True):
            yield route


def _route_for(routes: list[Any], path: str, method: str, operation: dict[str, Any]) -> Any:
    """The route serving ``method path``: its own path ends the full one, its method fits;
    of several, the one with the operation's summary, else the longest path."""
    fits = [r for r in routes if method.upper() in (getattr(r, "methods", None) or ())
            and path.endswith(r.path_format)]
    summary = operation.get("summary")
    named = [r for r in fits if summary in (r.summary, r.name.replace("_", " ").title())]
    pool = named or fits
    return max(pool, key=lambda r: len(r.path_format)) if pool else None


def _plain_routes(routes: list[Any], prefix: str) -> Iterator[Handler]:
    """Handlers of a Starlette route list (docstrings are the only text)."""
    from starlette.routing import Mount, Route

    for route in routes:
        if isinstance(route, Mount):
            if not is_fastapi(route.app):
                yield from _plain_routes(route.routes or [], prefix + route.path)
            continue
        if not isinstance(route, Route) or not route.include_in_schema:
            continue
        full = prefix + route.path
        path = _openapi_path(full)
        schemas = tuple((m["name"], CONVERTER_SCHEMAS.get(m["converter"] or "str",
                                                          {"type": "string"}))
                        for m in _PARAM.finditer(full))
        tag = next((part for part in path.split("/") if part and "{" not in part), "")
        endpoint = route.endpoint
        if isinstance(endpoint, type):  # an HTTPEndpoint: one handler per method it defines
            funcs = [(m, getattr(endpoint, m)) for m in METHODS if hasattr(endpoint, m)]
        else:
            funcs = [(m.lower(), endpoint) for m in sorted(route.methods or {"GET"})
                     if m != "HEAD"]
        for method, func in funcs:
            yield Handler(method, path, func, name=handler_name(func, method), tag=tag,
                          path_schemas=schemas)


def _openapi_path(path: str) -> str:
    return RouteTemplate(path).openapi_path if path else ""
