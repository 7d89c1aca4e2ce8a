"""``apiscribe lint``: endpoint docstrings checked from the source text, without importing or
running anything.

Python files are read with :mod:`ast`. A docstring is an endpoint's when it belongs to an
HTTP method (``get``, ``post``, ``put``, ``patch``, ``delete``) of a class that sets
``doc_section``, or when it is written in the field format anywhere (an underlined title, or
``:pparam``/``:qparam``/``:param``/``:auth:``/``:warning:`` fields). Each is parsed by the
same parser ``generate`` uses (:func:`~apiscribe.sources.docstrings.parse_docstring`), so a
malformed field, an unknown type or field, or a parameter documented twice gets the same
diagnostic here as there. Lint adds what only a reader of the text sees:

- ``missing-underline``: the title is not underlined (a warning);
- ``underline-length``: the underline is longer or shorter than the title (a warning);
- ``no-authentication``: no ``:auth:`` field (a warning).

Every diagnostic names the file, the line, and ``Class.method`` as its endpoint.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, error, warning
from ..sources.docstrings import is_underline, parse_docstring, uses_field_format
from ..sources.drf import DOCUMENTED_METHODS

#: Folders never searched for Python files.
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".venv", "venv", "__pycache__", "node_modules",
                             ".tox", ".nox", "build", "dist", "site-packages"})


@dataclass(frozen=True)
class LintResult:
    files: int
    diagnostics: list[Diagnostic]


def python_files(paths: Iterable[Path]) -> list[Path]:
    """The ``.py`` files named or under the folders named, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.py")
                            if not SKIPPED_FOLDERS.intersection(p.relative_to(path).parts[:-1]))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def lint_paths(paths: Iterable[Path]) -> LintResult:
    files = python_files(paths)
    diagnostics: list[Diagnostic] = []
    for file in files:
        diagnostics += lint_file(file)
    return LintResult(len(files), diagnostics)


def lint_file(path: Path) -> list[Diagnostic]:
    name = path.as_posix()
    try:
        source = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [error("bad-encoding", f"not UTF-8 at byte {exc.start}", file=name)]
    except OSError as exc:
        return [error("unreadable", f"cannot read the file: {exc.strerror}", file=name)]
    try:
        tree = ast.parse(source, filename=name)
    except SyntaxError as exc:
        return [error("syntax-error", f"invalid Python: {exc.msg}", file=name,
                      line=exc.lineno or 0)]
    found: list[Diagnostic] = []
    for owner, function, documented in _endpoint_functions(tree):
        found += _lint_docstring(name, owner, function, documented)
    return found


def _endpoint_functions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef |
                                                            ast.AsyncFunctionDef, bool]]:
    """Every function with a docstring: ``(its owner's name, the function, whether it is a
    documented method of a class with doc_section)``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            sectioned = any(_assigns(statement, "doc_section") for statement in node.body)
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield node.name, item, sectioned and item.name in DOCUMENTED_METHODS
        elif isinstance(node, ast.Module):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield "", item, False


def _assigns(statement: ast.stmt, name: str) -> bool:
    if isinstance(statement, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == name for t in statement.targets)
    return (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
            and statement.target.id == name)


def _docstring(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, int] | None:
    """The raw docstring and the line of its first text line."""
    first = function.body[0] if function.body else None
    if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)):
        return None
    raw = first.value.value
    leading = raw[: len(raw) - len(raw.lstrip())].count("\n")
    return raw, first.lineno + leading


def _lint_docstring(file: str, owner: str, function: ast.FunctionDef | ast.AsyncFunctionDef,
                    documented: bool) -> list[Diagnostic]:
    found = _docstring(function)
    where = f"{owner}.{function.name}" if owner else function.name
    if found is None:
        if documented:
            return [warning("no-docstring", f"{where} has no docstring", file=file,
                            line=function.lineno, endpoint=where,
                            hint="start it with a title, underlined")]
        return []
    doc, line = found
    if not documented and not uses_field_format(doc):
        return []
    parsed, problems = parse_docstring(doc, file=file, line=line, endpoint=where)
    lines = inspect.cleandoc(doc).split("\n")
    title = lines[0].strip()
    if title and not (len(lines) > 1 and is_underline(lines[1])):
        problems.append(warning("missing-underline", f"the title '{title}' is not underlined",
                                file=file, line=line, endpoint=where,
                                hint=f"put {'`' * len(title)} under it"))
    elif title and len(lines[1].strip()) != len(title):
        problems.append(warning(
            "underline-length", f"the underline is {len(lines[1].strip())} characters long, "
            f"the title {len(title)}", file=file, line=line + 1, endpoint=where,
            hint=f"make it {lines[1].strip()[0] * len(title)}"))
    if parsed.auth is None:
        problems.append(warning("no-authentication", "the docstring has no ':auth:' field",
                                file=file, line=line, endpoint=where,
                                hint="say what the endpoint needs, e.g. ':auth: required'"))
    return sorted(problems)
