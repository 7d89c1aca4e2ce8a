"""Flask apps: ``app.url_map`` with its blueprints and ``MethodView`` classes.

Each rule becomes one operation per method it serves (Flask's automatic ``HEAD`` and
``OPTIONS`` left out), its path written in ``{name}`` form with the converter as the
parameter's type (``<int:id>`` → integer). A ``MethodView``'s operations take each method's
docstring; a blueprint is the section. When flask-smorest or apispec already describes the
app (an ``APISpec`` among ``app.extensions``), that document is used instead, and the rules
only say which function serves each operation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ...model.routes import METHODS
from ...names import slug
from .handlers import Described, Handler, document_from_handlers, handler_name

_RULE_PARAM = re.compile(
    r"<(?:(?P<converter>[A-Za-z_]\w*)(?:\((?P<args>[^)]*)\))?:)?(?P<name>[A-Za-z_]\w*)>")
_AUTOMATIC = frozenset({"HEAD", "OPTIONS"})


def is_flask(app: Any) -> bool:
    return any(c.__name__ == "Flask" and c.__module__.startswith("flask")
               for c in type(app).__mro__)


def describe(app: Any) -> Described:
    found = list(_handlers(app))
    # A function name used in two blueprints: both take Flask's own endpoint name instead.
    counts = Counter(handler.name for handler, _ in found)
    handlers = [replace(h, name=qualified) if counts[h.name] > 1 else h for h, qualified in found]
    spec = _apispec(app)
    if spec is not None:
        return Described("flask", spec, handlers)
    title = app.config.get("API_TITLE") or app.name.replace("_", " ").title()
    version = str(app.config.get("API_VERSION") or "1.0.0")
    return Described("flask", document_from_handlers(title, version, handlers), handlers,
                     routes_only=frozenset(h.path for h in handlers))


def _handlers(app: Any) -> Iterator[tuple[Handler, str]]:
    """Each operation's handler, and a name for it that is unique in the app."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        view = app.view_functions.get(rule.endpoint)
        if view is None:
            continue
        path, schemas = _path(app, rule.rule)
        view_class = getattr(view, "view_class", None)
        blueprint = rule.endpoint.rpartition(".")[0]
        methods = sorted(set(rule.methods or ()) - _AUTOMATIC)
        for method in methods:
            lower = method.lower()
            if lower not in METHODS:
                continue
            func = getattr(view_class, lower, None) if view_class is not None else view
            if func is None:  # a View's dispatch_request serves every method
                func = getattr(view_class, "dispatch_request", view)
            qualified = slug(rule.endpoint if len(methods) == 1 else f"{lower}-{rule.endpoint}")
            yield Handler(lower, path, func, name=_name(rule.endpoint, func, lower, view_class),
                          tag=blueprint, path_schemas=schemas), qualified


def _name(endpoint: str, func: Any, method: str, view_class: Any) -> str:
    if view_class is not None:
        return handler_name(func, method)
    return handler_name(func, method) if func.__name__ == endpoint.rpartition(".")[2] else (
        endpoint.rpartition(".")[2].replace("_", "-"))


def _path(app: Any, rule: str) -> tuple[str, tuple[tuple[str, dict[str, Any]], ...]]:
    """The rule in ``{name}`` form, and each parameter's schema from its converter."""
    schemas = []
    for match in _RULE_PARAM.finditer(rule):
        converter = app.url_map.converters.get(match["converter"] or "default")
        schemas.append((match["name"], _schema(converter, match["args"] or "")))
    return _RULE_PARAM.sub(lambda m: "{" + m["name"] + "}", rule), tuple(schemas)


def _schema(converter: Any, args: str) -> dict[str, Any]:
    from werkzeug.routing import AnyConverter, FloatConverter, IntegerConverter, UUIDConverter

    if converter is None:
        return {"type": "string"}
    if issubclass(converter, IntegerConverter):
        return {"type": "integer"}
    if issubclass(converter, FloatConverter):
        return {"type": "number"}
    if issubclass(converter, UUIDConverter):
        return {"type": "string", "format": "uuid"}
    if issubclass(converter, AnyConverter):
        choices = [c.strip().strip("'\"") for c in args.split(",") if c.strip()]
        return {"type": "string", "enum": choices} if choices else {"type": "string"}
    return {"type": "string"}


def _apispec(app: Any) -> dict[str, Any] | None:
    """The document of an ``APISpec`` that an extension keeps (flask-smorest, apispec)."""
    try:
        from apispec import APISpec
    except ImportError:
        return None
    for value in _values(app.extensions, depth=5):
        spec = value if isinstance(value, APISpec) else getattr(value, "spec", None)
        if isinstance(spec, APISpec):
            document: dict[str, Any] = spec.to_dict()
            return document
    return None


def _values(value: Any, depth: int) -> Iterator[Any]:
    yield value
    if depth and isinstance(value, dict):
        for item in value.values():
            yield from _values(item, depth - 1)
