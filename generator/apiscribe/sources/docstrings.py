"""The docstring parser: Sentry's field format, read into model parameters.

A documented view method's docstring looks like this::

    Update an Organization's Release
    ````````````````````````````````

    Update a release. This can change some metadata associated with
    the release (the ref, url, and dates).

    :pparam string organization_slug: the slug of the organization the
                                      release belongs to.
    :param string ref: an optional commit reference.
    :auth: required

Problems are returned as diagnostics that name the file, the line and the endpoint; nothing
is dropped without one.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import re
import string
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..diagnostics import Diagnostic, error
from ..model import Parameter, ParamLocation
from ..model.types import ARRAY_OF, KNOWN_TYPES, is_known_type, schema_of

#: Parameter fields and the kind of parameter each documents.
PARAM_FIELDS: dict[str, ParamLocation] = {"pparam": "path", "qparam": "query", "param": "body"}
#: Fields that hold text only.
TEXT_FIELDS = ("auth", "warning")

_FIELD_START = re.compile(r":[A-Za-z]")
_FIELD = re.compile(r":(?P<name>[A-Za-z][\w-]*)(?P<args>[^:]*):(?P<text>.*)\Z")


@dataclass(frozen=True)
class ParsedDocstring:
    """What one docstring documents.

    ``line`` is the file line of the title; ``param_lines`` holds ``(kind, name, line)`` for
    every parameter kept, so callers can report problems where the parameter is written.
    """

    title: str
    description: str
    warning: str | None
    auth: str | None
    path_params: tuple[Parameter, ...]
    query_params: tuple[Parameter, ...]
    body_params: tuple[Parameter, ...]
    line: int = 0
    param_lines: tuple[tuple[ParamLocation, str, int], ...] = ()

    def line_of(self, kind: ParamLocation, name: str) -> int:
        """The file line of a documented parameter (the title line when unknown)."""
        for item_kind, item_name, item_line in self.param_lines:
            if (item_kind, item_name) == (kind, name):
                return item_line
        return self.line


@dataclass(frozen=True)
class DocstringSite:
    """Where a function is written: its file, ``def`` line and docstring title line.

    ``file`` is empty and the lines are 0 when the source cannot be read.
    """

    file: str
    def_line: int
    doc_line: int


@dataclass
class _Field:
    name: str
    args: str
    text: list[str]
    line: int


def parse_docstring(
    doc: str, *, file: str, line: int, endpoint: str
) -> tuple[ParsedDocstring, list[Diagnostic]]:
    """Parse ``doc``; ``line`` is the file line of its first text line (the title)."""
    lines = inspect.cleandoc(doc or "").split("\n")
    problems: list[Diagnostic] = []

    def report(code: str, message: str, offset: int, hint: str = "") -> None:
        problems.append(
            error(code, message, file=file, line=line + offset, endpoint=endpoint, hint=hint)
        )

    index = 0
    title = ""
    if not lines[0].strip() or _FIELD_START.match(lines[0]):
        report("missing-title", "docstring has no title", 0,
               hint="start the docstring with a one-line title")
    else:
        title = lines[0].strip()
        index = 2 if len(lines) > 1 and is_underline(lines[1]) else 1

    body_start = index
    while index < len(lines) and not _FIELD_START.match(lines[index]):
        index += 1
    description = _paragraphs(lines[body_start:index])
    fields = _fields(lines, index, report)

    params: dict[ParamLocation, list[Parameter]] = {"path": [], "query": [], "body": []}
    param_lines: list[tuple[ParamLocation, str, int]] = []
    texts: dict[str, tuple[str, int]] = {}
    for item in fields:
        offset = item.line
        label = f":{item.name}{item.args}:"
        text = " ".join(item.text).strip()
        if item.name in PARAM_FIELDS:
            kind = PARAM_FIELDS[item.name]
            words = item.args.split()
            if len(words) != 2:
                report("malformed-field",
                       f"field '{label}' needs a type and a name, "
                       f"as in ':{item.name} TYPE NAME: text'", offset)
                continue
            type_name, name = words
            if not is_known_type(type_name):
                report("unknown-type", f"unknown type '{type_name}' of {kind} "
                       f"parameter '{name}'", offset, hint=_type_hint(type_name))
            first = next((ln for k, n, ln in param_lines if (k, n) == (kind, name)), None)
            if first is not None:
                report("duplicate-parameter", f"{kind} parameter '{name}' is "
                       f"documented twice (first at line {first})", offset)
                continue
            params[kind].append(Parameter(name, kind, text, required=kind == "path",
                                          schema=schema_of(type_name), type_name=type_name))
            param_lines.append((kind, name, line + offset))
        elif item.name in TEXT_FIELDS:
            if item.args.strip():
                report("malformed-field", f"field '{label}' takes no type or name, "
                       f"as in ':{item.name}: text'", offset)
                continue
            if item.name in texts:
                report("duplicate-field", f"field ':{item.name}:' is given twice "
                       f"(first at line {texts[item.name][1]})", offset)
                continue
            texts[item.name] = (text, line + offset)
        else:
            report("unknown-field", f"unknown field '{label}'", offset,
                   hint=_field_hint(item.name))

    parsed = ParsedDocstring(
        title=title,
        description=description,
        warning=texts["warning"][0] if "warning" in texts else None,
        auth=texts["auth"][0] if "auth" in texts else None,
        path_params=tuple(params["path"]),
        query_params=tuple(params["query"]),
        body_params=tuple(params["body"]),
        line=line,
        param_lines=tuple(param_lines),
    )
    return parsed, sorted(problems, key=lambda item: item.line)


def uses_field_format(doc: str) -> bool:
    """Whether a docstring is written in the field format: an underlined title, or a field
    only that format has (``:pparam``, ``:qparam``, ``:auth:``, ``:warning:``, or ``:param``
    with a type and a name). Sphinx's ``:param name:`` and ``:returns:`` do not count."""
    lines = inspect.cleandoc(doc or "").split("\n")
    if len(lines) > 1 and is_underline(lines[1]):
        return True
    for line in lines:
        found = _FIELD.match(line.rstrip())
        if found is None:
            continue
        if found["name"] in ("pparam", "qparam", *TEXT_FIELDS) or (
                found["name"] == "param" and len(found["args"].split()) == 2):
            return True
    return False


def is_underline(text: str) -> bool:
    """Whether a line underlines the one above it (one punctuation character, repeated)."""
    stripped = text.strip()
    return bool(stripped) and len(set(stripped)) == 1 and stripped[0] in string.punctuation


def _paragraphs(lines: list[str]) -> str:
    """Lines joined with newlines, paragraphs separated by one blank line."""
    paragraphs: list[list[str]] = [[]]
    for text in lines:
        if text.strip():
            paragraphs[-1].append(text.rstrip())
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("\n".join(p) for p in paragraphs if p).strip()


def _fields(lines: list[str], index: int, report: _Report) -> list[_Field]:
    """The fields from ``lines[index:]``; indented lines continue the field above."""
    fields: list[_Field] = []
    for offset in range(index, len(lines)):
        text = lines[offset]
        if not text.strip():
            continue
        if text[0].isspace() and fields:
            fields[-1].text.append(text.strip())
            continue
        match = _FIELD.match(text.rstrip())
        if match is not None:
            fields.append(_Field(match["name"], match["args"], [match["text"].strip()], offset))
            continue
        if _FIELD_START.match(text):
            report("malformed-field", f"field '{text.strip()}' has no closing ':'", offset)
        else:
            report("unexpected-text", f"text after the fields belongs to no field: "
                   f"'{text.strip()}'", offset,
                   "indent it to continue the field above, or move it before the fields")
        fields.append(_Field("", "", [], offset))  # takes its indented lines, reported once
    return [item for item in fields if item.name]


class _Report(Protocol):
    """How the parser reports a problem at a line offset inside the docstring."""

    def __call__(self, code: str, message: str, offset: int, hint: str = "") -> None: ...


def _type_hint(name: str) -> str:
    match = ARRAY_OF.match(name)
    item = match[1] if match else name
    close = difflib.get_close_matches(item, sorted(KNOWN_TYPES), n=1)
    if close:
        return f"Did you mean 'array[{close[0]}]'?" if match else f"Did you mean '{close[0]}'?"
    return "known types: " + ", ".join(sorted(KNOWN_TYPES)) + ", and array[TYPE]"


def _field_hint(name: str) -> str:
    known = [*PARAM_FIELDS, *TEXT_FIELDS]
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f"Did you mean ':{close[0]}:'?"
    return "known fields: " + ", ".join(f":{k}:" for k in known)


def display_path(path: str, root: Path) -> str:
    """``path`` relative to the project root when inside it, else absolute (POSIX form)."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def locate(func: Any) -> DocstringSite:
    """Where ``func`` (unwrapped from its decorators) and its docstring's title are written."""
    target = inspect.unwrap(func)
    try:
        file = inspect.getsourcefile(target) or inspect.getfile(target)
        lines, start = inspect.getsourcelines(target)
    except (OSError, TypeError):
        return DocstringSite("", 0, 0)
    try:
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except SyntaxError:
        return DocstringSite(file, start, start)
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return DocstringSite(file, start, start)
    def_line = start + node.lineno - 1
    first = node.body[0]
    if not (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return DocstringSite(file, def_line, def_line)
    raw = first.value.value.split("\n")
    blank = next((i for i, text in enumerate(raw) if text.strip()), 0)
    return DocstringSite(file, def_line, start + first.lineno - 1 + blank)
