"""Route templates (``/orgs/{org}/teams/``) and the HTTP methods an operation may have.

:class:`RouteTemplate` parses a template once; every stage that needs its parameter names,
its OpenAPI key or whether a concrete path fits it asks the same object.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass

#: The HTTP methods of an OpenAPI path item, in the order OpenAPI lists them.
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

_PLACEHOLDER = re.compile(r"\{([^{}/]*)\}")
_CONVERTER = re.compile(r"\{([^{}:]+):[^{}]*\}")


def template_names(text: str) -> tuple[str, ...]:
    """The ``{name}`` fields of a template, read the way OpenAPI validators read them
    (``string.Formatter``); ``ValueError`` when its braces do not balance."""
    return tuple(name for _, name, _, _ in string.Formatter().parse(text) if name)


@dataclass(frozen=True)
class RouteTemplate:
    """A path template: literal text and ``{name}`` placeholders (one path segment each)."""

    text: str

    @functools.cached_property
    def names(self) -> tuple[str, ...]:
        """The placeholder names, in order (a repeated name is listed again)."""
        return tuple(_PLACEHOLDER.findall(self.text))

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """Matches the concrete paths of this route (each placeholder is one segment)."""
        pieces = _PLACEHOLDER.split(self.text)
        # split() alternates literal text and placeholder names: keep the text, match a segment.
        return re.compile("".join(re.escape(p) if i % 2 == 0 else "[^/]+"
                                  for i, p in enumerate(pieces)))

    def matches(self, path: str) -> bool:
        return self.pattern.fullmatch(path) is not None

    @functools.cached_property
    def openapi_path(self) -> str:
        """The template as an OpenAPI ``paths`` key: a leading ``/``, a converter
        (``{id:int}``) dropped to ``{id}``; empty when the braces do not balance."""
        path = _CONVERTER.sub(r"{\1}", self.text.strip())
        if path and not path.startswith("/"):
            path = "/" + path
        try:
            template_names(path)
        except ValueError:  # unbalanced braces: not a path template
            return ""
        return path

    @functools.cached_property
    def openapi_names(self) -> tuple[str, ...]:
        """The parameter names of :attr:`openapi_path`, read the way validators read them."""
        return template_names(self.openapi_path)

    def fill(self, values: dict[str, str]) -> str:
        """The template with each named placeholder replaced (others are kept)."""
        return _PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), self.text)

    def same_route(self) -> str:
        """The template with every name blanked (``/a/{}/b``): equal for equal routes."""
        return _PLACEHOLDER.sub("{}", self.text)
