"""Reading a document (JSON or YAML) into plain data, with a line for each JSON pointer.

Every stage that reads a file apiscribe did not write (a spec, a JSON doc's front matter, a
``sections.json``, a referenced file) reads it here, so every one says the same thing about
the same problem: a file that cannot be read, bytes that are not UTF-8, a syntax error said in
words with its line and column (:mod:`apiscribe.documents.syntax`). A UTF-8 byte order mark
is skipped. Every problem is a :class:`~apiscribe.diagnostics.Diagnostic`.

The limits of :mod:`apiscribe.documents.limits` apply to every document: a file over the size
limit is refused before it is read, and data nested too deep, NaN and Infinity, and duplicate
keys are refused with their line and JSON pointer.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, error
from .limits import (
    EMPTY_DOCUMENT,
    TOO_DEEP,
    JsonNumbers,
    max_input_bytes,
    parsed_json_problem,
    problem_code,
    too_deep_offset,
    too_large,
)
from .lines import LineIndex
from .pointer import unescape_token
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
    """The file's bytes, or an ``unreadable`` diagnostic (also for a file over the input size
    limit: its size is looked at first, and no more than the limit is ever read)."""
    limit = max_input_bytes()
    try:
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            data = stream.read(limit + 1) if size <= limit else b""
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [error("unreadable", f"cannot read the file: {reason}", file=str(path))]
    if size > limit or len(data) > limit:
        words, hint = too_large(limit)
        return None, [error("unreadable", f"cannot read the file: it is {words}",
                            file=str(path), hint=hint)]
    return data, []


def decode(data: bytes, file: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text (a leading byte order mark dropped), or a ``bad-utf8`` diagnostic."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        message = (f"the file is not UTF-8 at byte {exc.start}: 0x{data[exc.start]:02x} at "
                   f"line {line}, column {column} ({exc.reason})")
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


def _without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` that stops at an object with a repeated key."""
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _DuplicateKey
    return value


class _DuplicateKey(Exception):
    pass


def _too_deep(text: str, file: str, first_line: int) -> Parsed:
    """The ``too-deep`` error of JSON text the parser could not finish, at its deep bracket."""
    offset = too_deep_offset(text)
    line = text.count("\n", 0, offset) + first_line
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return None, [error("too-deep", f"{TOO_DEEP} (line {line}, column {column})", file=file,
                        line=line)], LineIndex({})


def parse_json(text: str, file: str, *, first_line: int = 1) -> Parsed:
    """Parse JSON text that starts on line ``first_line`` of ``file``."""
    def failed(code: str, message: str, line: int, pointer: str = "") -> Parsed:
        return None, [error(code, message, file=file, line=line, pointer=pointer)], (
            LineIndex({}))

    numbers = JsonNumbers()
    try:
        document = json.loads(text, parse_constant=numbers.constant, parse_float=numbers.number,
                              object_pairs_hook=_without_duplicates)
    except json.JSONDecodeError as exc:
        line, column, words = json_problem(exc)
        line += first_line - 1
        return failed("bad-json", f"invalid JSON: {words} (line {line}, column {column})", line)
    except RecursionError:
        return _too_deep(text, file, first_line)
    except _DuplicateKey:
        lines = LineIndex(json_text=text, first_line=first_line)
        try:
            repeated = lines.duplicate_keys()
        except RecursionError:  # the first repeated key came before the parser went too deep
            return _too_deep(text, file, first_line)
        return None, [
            error("duplicate-key", f"duplicate key {unescape_token(pointer.rsplit('/', 1)[1])!r} "
                  f"(first defined on line {lines.line_of(pointer)})", file=file, line=line,
                  pointer=pointer)
            for pointer, line in repeated
        ], LineIndex({})
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        return failed("bad-json", f"invalid JSON: {exc}", first_line)
    if document is None:
        return failed("empty-document", EMPTY_DOCUMENT, first_line)
    lines = LineIndex(json_text=text, first_line=first_line)
    problem = parsed_json_problem(document, numbers)
    if problem is not None:
        pointer, words = problem
        code = problem_code(words)
        message = words if code == "too-deep" else f"invalid JSON: {words}"
        return failed(code, message, lines.line_of(pointer), pointer)
    return document, [], lines


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
