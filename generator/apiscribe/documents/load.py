"""Reading a document (JSON or YAML) into plain data, with a line for each JSON pointer.

Every stage that reads a file apiscribe did not write (a spec, a JSON doc's front matter, a
``sections.json``, a referenced file) reads it here, so every one says the same thing about
the same problem: a file that cannot be read, bytes that are not UTF-8, a syntax error said in
words with its line and column (:mod:`apiscribe.documents.syntax`). A UTF-8 byte order mark
is skipped. Every problem is a :class:`~apiscribe.diagnostics.Diagnostic`.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, error
from .lines import LineIndex
from .syntax import json_problem
from .yaml_lines import parse_yaml

__all__ = ["DOCUMENT_SUFFIXES", "LineIndex", "decode", "load_document", "parse_document",
           "parse_json", "read_bytes", "read_text"]

_JSON_SUFFIXES = (".json",)
_YAML_SUFFIXES = (".yaml", ".yml")
#: The file names a JSON or YAML document has.
DOCUMENT_SUFFIXES = _JSON_SUFFIXES + _YAML_SUFFIXES

Parsed = tuple[Any | None, list[Diagnostic], LineIndex]


def read_bytes(path: Path) -> tuple[bytes | None, list[Diagnostic]]:
    """The file's bytes, or an ``unreadable`` diagnostic."""
    try:
        return path.read_bytes(), []
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [error("unreadable", f"cannot read the file: {reason}", file=str(path))]


def decode(data: bytes, file: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text (a leading byte order mark dropped), or a ``bad-utf8`` diagnostic."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        message = (f"the file is not valid UTF-8: byte 0x{data[exc.start]:02x} at line {line}, "
                   f"column {column} ({exc.reason})")
        return None, [error("bad-utf8", message, file=file, line=line)]
    return text.removeprefix("\ufeff"), []


def read_text(path: Path, file: str) -> tuple[str | None, list[Diagnostic]]:
    """The file's text (UTF-8, see :func:`decode`), or the diagnostic that says why not;
    diagnostics name the file as ``file``."""
    data, problems = read_bytes(path)
    if data is None:
        return None, [dataclasses.replace(d, file=file) for d in problems]
    return decode(data, file)


def _is_json(path: Path, text: str) -> bool:
    suffix = path.suffix.lower()
    if suffix in _JSON_SUFFIXES:
        return True
    if suffix in _YAML_SUFFIXES:
        return False
    return text.lstrip()[:1] in ("{", "[")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def parse_json(text: str, file: str, *, first_line: int = 1) -> Parsed:
    """Parse JSON text that starts on line ``first_line`` of ``file``."""
    def failed(message: str, line: int) -> Parsed:
        return None, [error("bad-json", f"invalid JSON: {message}", file=file,
                            line=line + first_line - 1)], LineIndex({})

    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        line, column, words = json_problem(exc)
        return failed(f"{words} (line {line + first_line - 1}, column {column})", line)
    except ValueError as exc:  # NaN / Infinity
        return failed(str(exc), 1)
    except RecursionError:
        return failed("the document is nested too deeply", 1)
    return document, [], LineIndex(json_text=text, first_line=first_line)


def parse_document(data: bytes, path: Path) -> Parsed:
    """Decode and parse a document read from ``path`` (JSON or YAML, by extension or content)."""
    file = str(path)
    text, problems = decode(data, file)
    if text is None:
        return None, problems, LineIndex({})
    if _is_json(path, text):
        return parse_json(text, file)
    return parse_yaml(text, file)


def load_document(path: Path) -> Parsed:
    """Read ``path`` as JSON or YAML: (document or None, diagnostics, line index)."""
    data, problems = read_bytes(path)
    if data is None:
        return None, problems, LineIndex({})
    return parse_document(data, path)
