"""The theme's templates read without the indentation of their lines.

Material's templates indent their HTML and put each Jinja tag on a line of its own, and every
page carries the whole navigation: on a large API about a third of a page's bytes is the
templates' indentation (GitHub's description: 131 MB of HTML, 92 MB without it).
:class:`CompactLoader` hands Jinja each ``.html`` template without the spaces and tabs that
open its lines, once, when the template is loaded; the pages' content is not touched, and no
page pays for it.

A browser shows the page as before: in HTML's normal flow a line break followed by spaces is
one space, like the line break alone. Where that is not so, the template is kept as written:
inside ``pre``, ``code``, ``kbd``, ``textarea``, ``script`` and ``style`` elements, inside
HTML tags (an attribute value may keep its line breaks; its quotes, and the Jinja in it, may
hold ``>``), and inside Jinja's own ``{{ }}``, ``{% %}`` and ``{# #}`` (a string in an
expression may span lines). Templates other than HTML (a sitemap, a ``robots.txt``) are not
changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from jinja2 import BaseLoader, Environment

# Group 1: kept as written. Otherwise: the indentation of a line, which goes. HTML's
# whitespace is space, tab, line feed, form feed and carriage return (U+00A0 is not).
_INDENTATION = re.compile(
    r"(<(pre|code|kbd|textarea|script|style)\b.*?</\2\s*>"  # shown as written
    r"|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}"  # Jinja's own
    # an HTML tag, whole: its quoted values and the Jinja in it may hold "<" and ">"
    r"|<[a-z/!?](?:\"[^\"]*\"|'[^']*'|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|[^<>\"'{]|\{)*>)"
    r"|(?<=\n)[ \t\f\r]+",
    re.S | re.I,
)


def compact_template(source: str) -> str:
    """An HTML template's source without the indentation of its lines (see the module's
    docstring)."""
    return _INDENTATION.sub(r"\1", source)


class CompactLoader(BaseLoader):
    """A Jinja loader that reads its ``.html`` templates through :func:`compact_template`,
    and everything else as ``loader`` gives it."""

    def __init__(self, loader: BaseLoader) -> None:
        self.loader = loader

    def get_source(self, environment: Environment, template: str
                   ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.loader.get_source(environment, template)
        if template.lower().endswith(".html"):
            source = compact_template(source)
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()


def compact_templates(env: Environment) -> None:
    """Make ``env`` read its HTML templates compacted (once per environment)."""
    if env.loader is not None and not isinstance(env.loader, CompactLoader):
        env.loader = CompactLoader(env.loader)
