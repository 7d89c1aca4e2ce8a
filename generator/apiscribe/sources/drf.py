"""Django REST framework source: walk a URLconf and read view docstrings into the model.

A view class is documented when it has a ``doc_section`` attribute (an Enum member or a
string). Each of its ``get``, ``post``, ``put``, ``patch`` and ``delete`` methods with a
docstring becomes an endpoint; the docstring is read by :mod:`apiscribe.docstrings`.

Django is imported lazily, so apiscribe works without the ``drf`` extra until this source is
used. :func:`load` puts ``pythonpath`` on ``sys.path`` and, when Django is not configured
yet, sets ``DJANGO_SETTINGS_MODULE`` to ``django_settings`` and calls ``django.setup()``.
Django can be configured once per process: when it already is (by the program that calls
:func:`load`, or by an earlier test), those settings are kept and ``django_settings`` is not
applied; the URLconf is still imported and walked.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

from ..config import Config
from ..diagnostics import ApiscribeError, Diagnostic, error, warning
from ..imports import add_python_paths
from ..model import ApiModel, Endpoint, RequestBody, Section, SourceLocation
from ..names import slug, title_of
from ..scenarios import scenarios_of
from .docstrings import display_path, locate, parse_docstring

#: The methods of a view class that are documented, in the order they appear in a section.
DOCUMENTED_METHODS = ("get", "post", "put", "patch", "delete")
#: Class name endings left out of endpoint names.
NAME_SUFFIXES = ("APIView", "Endpoint", "View")

_SAFE_SEGMENT = re.compile(r"[a-z0-9-]+")
_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
_NAMED_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")
_REGEX_META = frozenset(".^$*+?{}[]|)")
_SAFE_HINT = "use only lowercase letters a-z, digits and '-'"


@dataclass(frozen=True)
class _Problem:
    """A problem of a route, reported once for each endpoint served by it."""

    code: str
    message: str
    file: str
    line: int
    hint: str


@dataclass(frozen=True)
class _Route:
    api_path: str
    params: tuple[str, ...]
    problems: tuple[_Problem, ...]
    view: type


def load(config: Config) -> tuple[ApiModel, list[Diagnostic]]:
    """Read the configured Django app's documented endpoints into the model."""
    module = _import_urlconf(config)
    routes = _routes(config, module)
    diagnostics: list[Diagnostic] = []
    endpoints: list[Endpoint] = []
    titles: dict[str, str] = {}
    by_name: dict[str, Endpoint] = {}
    bare: set[type] = set()
    for route in routes:
        value = getattr(route.view, "doc_section", None)
        if value is None:
            continue
        methods = [(m, getattr(route.view, m)) for m in DOCUMENTED_METHODS
                   if hasattr(route.view, m)]
        if not methods and route.view not in bare:
            bare.add(route.view)
            diagnostics.append(_no_methods(config, route.view))
        for method, func in methods:
            endpoint, found = _endpoint(config, route, method, func, value)
            diagnostics.extend(found)
            if endpoint is None:
                continue
            titles.setdefault(endpoint.section, _section(value)[1])
            first = by_name.setdefault(endpoint.name, endpoint)
            if first is not endpoint:
                diagnostics.append(_duplicate(endpoint, first))
            endpoints.append(endpoint)

    sections = []
    for key, title in titles.items():
        members = [ep for ep in endpoints if ep.section == key]
        ordered = tuple(replace(ep, sidebar_order=i) for i, ep in enumerate(members, 1))
        sections.append(Section(slug=key, title=title, endpoints=ordered))
    model = ApiModel(
        title=config.title,
        sections=tuple(sections),
        base_url=config.base_url,
        version=config.version,
    )
    return model, diagnostics


def _import_urlconf(config: Config) -> ModuleType:
    add_python_paths(config.python_paths)
    if not config.urlconf:
        raise ApiscribeError(
            "no URLconf configured", hint='set urlconf in [tool.apiscribe], e.g. "myapp.urls"'
        )
    try:
        import django
        from django.apps import apps
        from django.conf import settings
    except ImportError as exc:
        raise ApiscribeError(
            "Django is not installed", hint="install apiscribe with the drf extra"
        ) from exc
    if not settings.configured:
        if not config.django_settings:
            raise ApiscribeError(
                "no Django settings configured",
                hint='set django_settings in [tool.apiscribe], e.g. "myapp.settings"',
            )
        os.environ["DJANGO_SETTINGS_MODULE"] = config.django_settings
    try:
        if not apps.ready:
            django.setup()
        return importlib.import_module(config.urlconf)
    except Exception as exc:  # user code: any failure to import is a broken environment
        raise ApiscribeError(
            f"cannot load the URLconf {config.urlconf}: {type(exc).__name__}: {exc}",
            hint="check pythonpath, django_settings and urlconf in [tool.apiscribe]",
        ) from exc


def _routes(config: Config, module: ModuleType) -> list[_Route]:
    patterns = getattr(module, "urlpatterns", None)
    if patterns is None:
        raise ApiscribeError(f"the URLconf {config.urlconf} has no urlpatterns")
    file = display_path(getattr(module, "__file__", None) or config.urlconf, config.root)
    try:
        return list(_walk(config, patterns, "", (), (), file))
    except Exception as exc:  # an include() of user code failed to import or has no patterns
        raise ApiscribeError(
            f"cannot walk the URLconf {config.urlconf}: {type(exc).__name__}: {exc}"
        ) from exc


def _walk(
    config: Config,
    patterns: Sequence[Any],
    prefix: str,
    params: tuple[str, ...],
    problems: tuple[_Problem, ...],
    file: str,
) -> Iterator[_Route]:
    from django.urls import URLPattern, URLResolver

    for entry in patterns:
        fragment, names, found = _fragment(entry.pattern)
        located = tuple(
            _Problem(code, message, file, _line_of(config.root / file, str(entry.pattern)), hint)
            for code, message, hint in found
        )
        if isinstance(entry, URLResolver):
            included = entry.urlconf_module
            sub_file = file
            if isinstance(included, ModuleType) and getattr(included, "__file__", None):
                sub_file = display_path(str(included.__file__), config.root)
            yield from _walk(
                config, entry.url_patterns, prefix + fragment, params + names,
                problems + located, sub_file,
            )
        elif isinstance(entry, URLPattern):
            view = getattr(entry.callback, "cls", None) or getattr(
                entry.callback, "view_class", None
            )
            if isinstance(view, type):
                path = prefix + fragment
                api_path = path if path.startswith("/") else "/" + path
                yield _Route(api_path, params + names, problems + located, view)


def _fragment(pattern: Any) -> tuple[str, tuple[str, ...], list[tuple[str, str, str]]]:
    """The path template of one URL pattern, its parameters and its problems."""
    from django.urls.resolvers import RegexPattern, RoutePattern

    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        names = tuple(m["parameter"] for m in _ROUTE_PARAM.finditer(text))
        return _ROUTE_PARAM.sub(lambda m: "{" + m["parameter"] + "}", text), names, []
    if isinstance(pattern, RegexPattern):
        return _regex_fragment(text)
    return text, (), []


def _regex_fragment(regex: str) -> tuple[str, tuple[str, ...], list[tuple[str, str, str]]]:
    """A path template from a regex route: literal text and ``(?P<name>...)`` groups."""
    text = regex.removeprefix("^")
    if text.endswith("\\Z"):
        text = text[:-2]
    elif text.endswith("$") and not text.endswith("\\$"):
        text = text[:-1]
    out: list[str] = []
    names: list[str] = []
    problems: list[tuple[str, str, str]] = []
    unsupported_hint = "use only literal text and (?P<name>...) groups, or write it with path()"
    unnamed = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and not text[index + 1].isalnum():
            out.append(text[index + 1])
            index += 2
        elif char == "(":
            end = _group_end(text, index)
            group = text[index : end + 1]
            named = _NAMED_GROUP.match(group)
            if named:
                names.append(named["name"])
                out.append("{" + named["name"] + "}")
            elif group.startswith("(?"):
                problems.append(("unsupported-route",
                                 f"route '{regex}' uses '{group}', which has no path form",
                                 unsupported_hint))
                out.append(group)
            else:
                problems.append(("unnamed-group",
                                 f"route '{regex}' has an unnamed group '{group}'",
                                 "name it, as in (?P<name>...), and document it with :pparam"))
                unnamed += 1
                out.append(f"{{arg{unnamed}}}")
            index = end + 1
        elif char in _REGEX_META or char == "\\":
            token = text[index : index + 2] if char == "\\" else char
            message = f"route '{regex}' uses '{token}', which has no path form"
            if ("unsupported-route", message, unsupported_hint) not in problems:
                problems.append(("unsupported-route", message, unsupported_hint))
            out.append(token)
            index += len(token)
        else:
            out.append(char)
            index += 1
    return "".join(out), tuple(names), problems


def _group_end(text: str, start: int) -> int:
    """The index of the parenthesis closing the group opened at ``start``."""
    depth = 0
    index = start
    in_class = False
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 1
            index += text.startswith("^", index)
            index += text.startswith("]", index)
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return len(text) - 1


def _endpoint(
    config: Config, route: _Route, method: str, func: Any, section_value: object
) -> tuple[Endpoint | None, list[Diagnostic]]:
    view = route.view
    name = f"{method}-{_kebab(view.__name__)}"
    site = locate(func)
    shown = display_path(site.file, config.root) if site.file else f"<{view.__module__}>"
    where = replace(site, file=shown)
    doc = getattr(func, "__doc__", None)
    if not isinstance(doc, str) or not doc.strip():
        return None, [warning(
            "undocumented-method",
            f"{view.__name__}.{method} has no docstring; it is left out of the docs",
            file=where.file, line=where.def_line, endpoint=name,
            hint="add a docstring with a title, or remove doc_section from the class",
        )]

    found: list[Diagnostic] = []

    def report(code: str, message: str, line: int, hint: str = "") -> None:
        found.append(error(code, message, file=where.file, line=line, endpoint=name, hint=hint))

    if not _SAFE_SEGMENT.fullmatch(name):
        report("invalid-endpoint-name", f"endpoint name '{name}' is not a safe path segment",
               where.def_line, f"rename the view class; {_SAFE_HINT}")
    section = _section(section_value)[0]
    if not isinstance(section_value, Enum | str):
        report("invalid-section", f"doc_section of {view.__name__} must be an Enum member or "
               f"a string, not {type(section_value).__name__}", where.def_line)
    elif not _SAFE_SEGMENT.fullmatch(section):
        report("invalid-section", f"section '{section}' of {view.__name__} is not a safe path "
               "segment", where.def_line, _SAFE_HINT)
    for problem in route.problems:
        found.append(error(problem.code, problem.message, file=problem.file, line=problem.line,
                           endpoint=name, hint=problem.hint))

    parsed, problems = parse_docstring(doc, file=where.file, line=where.doc_line, endpoint=name)
    found.extend(problems)
    documented = [p.name for p in parsed.path_params]
    for param in parsed.path_params:
        if param.name not in route.params:
            close = difflib.get_close_matches(param.name, route.params, n=1)
            report("unknown-path-parameter",
                   f"path parameter '{param.name}' is not in the route {route.api_path}",
                   parsed.line_of("path", param.name),
                   f"Did you mean '{close[0]}'?" if close else "")
    for param_name in route.params:
        if param_name not in documented:
            report("undocumented-path-parameter",
                   f"route parameter '{param_name}' of {route.api_path} is not documented",
                   parsed.line, f"add ':pparam TYPE {param_name}: description'")

    endpoint = Endpoint(
        name=name,
        section=section,
        method=method.upper(),
        api_path=route.api_path,
        title=parsed.title,
        description=parsed.description,
        warning=parsed.warning,
        authentication=parsed.auth or "",
        operation_id=name,
        parameters=parsed.path_params + parsed.query_params,
        request_body=RequestBody(fields=parsed.body_params) if parsed.body_params else None,
        source=SourceLocation(where.file, where.def_line),
        scenarios=scenarios_of(func),
    )
    return endpoint, found


def _duplicate(endpoint: Endpoint, first: Endpoint) -> Diagnostic:
    def place(item: Endpoint) -> str:
        return f"{item.method} {item.api_path} ({item.source})"

    source = endpoint.source or SourceLocation("")
    return error(
        "duplicate-endpoint",
        f"endpoint name '{endpoint.name}' is used twice: {place(first)} and {place(endpoint)}",
        file=source.file, line=source.line, endpoint=endpoint.name,
        hint="each documented view class needs its own name; rename one of them",
    )


def _no_methods(config: Config, view: type) -> Diagnostic:
    try:
        file, line = inspect.getsourcefile(view) or "", inspect.getsourcelines(view)[1]
    except (OSError, TypeError):
        file, line = "", 0
    return warning(
        "no-documented-methods",
        f"{view.__name__} has a doc_section but none of the methods "
        f"{', '.join(DOCUMENTED_METHODS)}",
        file=display_path(file, config.root) if file else f"<{view.__module__}>", line=line,
        hint="viewsets are not supported: document APIView classes",
    )


def _kebab(class_name: str) -> str:
    """``OrganizationReleaseDetailsEndpoint`` -> ``organization-release-details``."""
    base = class_name
    for suffix in NAME_SUFFIXES:
        if base.endswith(suffix) and base != suffix:
            base = base[: -len(suffix)]
            break
    return slug(base)


def _section(value: object) -> tuple[str, str]:
    """The slug and title of a ``doc_section`` value."""
    if isinstance(value, Enum):
        name = slug(value.name)
        if isinstance(value.value, str):
            return name, value.value
        return name, title_of(value.name.lower())
    return str(value), title_of(str(value))


def _line_of(path: Path, text: str) -> int:
    """The first line of ``path`` that holds ``text`` (0 when none does)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    return next((number for number, line in enumerate(lines, 1) if text and text in line), 0)
