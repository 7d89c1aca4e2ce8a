"""Django REST framework apps as they are: ViewSets and routers, generic views, serializers.

The schema comes from the generator the project's ecosystem keeps: drf-spectacular when it
is installed (serializers as schemas, pagination, filters, authentication), else DRF's own
``rest_framework.schemas.openapi``. Either one is asked for the schema with its own
``AutoSchema`` in place for this call only, so a project that configured neither gets one.
DRF's endpoint enumerator says which view method serves each operation.

Django is set up here when the app's import did not: ``--django-settings`` names the
settings module, and ``--urlconf`` replaces ``ROOT_URLCONF`` for this run.
"""

from __future__ import annotations

import importlib.util
import inspect
import re
from typing import Any

from ...diagnostics import ApiscribeError
from ...model.routes import RouteTemplate
from .handlers import Described, Handler

_SPECTACULAR = "drf_spectacular.openapi.AutoSchema"
_DRF_OPENAPI = "rest_framework.schemas.openapi.AutoSchema"


def is_django(app: Any) -> bool:
    return any(c.__module__.startswith("django.core.handlers") for c in type(app).__mro__)


def describe(app: Any, urlconf: str = "", title: str = "", *,
             spectacular: bool | None = None) -> Described:
    """The project's document and handlers; ``spectacular`` picks the generator (default:
    drf-spectacular when it is installed)."""
    from django.conf import settings
    from django.test.utils import override_settings

    try:
        import rest_framework  # noqa: F401
    except ImportError as exc:
        raise ApiscribeError("Django REST framework is not installed",
                             hint="pip install 'apiscribe[drf]'") from exc
    overrides: dict[str, Any] = {}
    if urlconf:
        overrides["ROOT_URLCONF"] = urlconf
    if spectacular is None:
        spectacular = importlib.util.find_spec("drf_spectacular") is not None
    rest = dict(getattr(settings, "REST_FRAMEWORK", {}) or {})
    rest["DEFAULT_SCHEMA_CLASS"] = _SPECTACULAR if spectacular else _DRF_OPENAPI
    overrides["REST_FRAMEWORK"] = rest
    with override_settings(**overrides):
        document = _spectacular(title) if spectacular else _drf_openapi(title)
        handlers = list(_handlers())
    return Described("django", document, handlers)


def _spectacular(title: str) -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator(title=title or None)  # type: ignore[no-untyped-call]
    document: dict[str, Any] = generator.get_schema(  # type: ignore[no-untyped-call]
        request=None, public=True)
    return document


def _drf_openapi(title: str) -> dict[str, Any]:
    from rest_framework.schemas.openapi import SchemaGenerator

    generator = SchemaGenerator(title=title or "API Reference", version="1.0.0")
    document: dict[str, Any] = generator.get_schema(request=None, public=True) or {}
    document.setdefault("openapi", "3.0.2")
    document.setdefault("paths", {})
    _partial_patches(document)
    return document


def _partial_patches(document: dict[str, Any]) -> None:
    """DRF serves PATCH with ``partial=True`` (no field is required), but its own generator
    gives PATCH the serializer's schema, ``required`` and all. Like drf-spectacular, give
    PATCH a ``Patched<Name>`` copy of the component without ``required``."""
    schemas = document.get("components", {}).get("schemas", {})
    prefix = "#/components/schemas/"
    for item in document["paths"].values():
        content = (item.get("patch") or {}).get("requestBody", {}).get("content", {})
        for media in content.values():
            ref = (media.get("schema") or {}).get("$ref", "")
            name = ref.removeprefix(prefix)
            if not ref.startswith(prefix) or name not in schemas:
                continue
            patched = f"Patched{name}"
            if patched not in schemas:
                schemas[patched] = {k: v for k, v in schemas[name].items() if k != "required"}
            media["schema"] = {"$ref": prefix + patched}


def _handlers() -> Any:
    from rest_framework.schemas.generators import EndpointEnumerator

    for path, method, callback in EndpointEnumerator().get_api_endpoints():
        view = getattr(callback, "cls", None)
        if view is None:
            continue
        actions = getattr(callback, "actions", None) or {}
        lower = method.lower()
        action = actions.get(lower, lower)
        func = getattr(view, action, None)
        if func is None:
            continue
        doc = _section(view, action) or (_summary(view, action) if actions else "")
        yield Handler(lower, RouteTemplate(path).openapi_path, func, doc=doc)


#: What a ViewSet's standard actions do, as summaries (``{one}``/``{many}``: the model's
#: verbose names).
ACTION_SUMMARIES = {
    "list": "List {many}", "retrieve": "Retrieve a {one}", "create": "Create a {one}",
    "update": "Update a {one}", "partial_update": "Partially update a {one}",
    "destroy": "Delete a {one}",
}
_SECTION = re.compile(r"^(?P<action>\w+):\s*$")


def _section(view: Any, action: str) -> str:
    """The ``action:`` section of a ViewSet's docstring, as DRF's own schemas read it."""
    doc = inspect.getdoc(view) or ""
    sections: dict[str, list[str]] = {}
    current = None
    for line in doc.splitlines():
        match = _SECTION.match(line)
        if match:
            current = match["action"]
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return "\n".join(sections.get(action, [])).strip()


def _summary(view: Any, action: str) -> str:
    model = getattr(getattr(view, "queryset", None), "model", None)
    meta = getattr(model, "_meta", None)
    one = str(getattr(meta, "verbose_name", "") or "item")
    many = str(getattr(meta, "verbose_name_plural", "") or f"{one}s")
    template = ACTION_SUMMARIES.get(action)
    if template is None:
        return f"{action.replace('_', ' ').capitalize()} a {one}"
    return template.format(one=one, many=many)
