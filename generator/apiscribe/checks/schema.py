"""The JSON Schema of a JSON doc, and the check that validates a JSON-doc file against it.

The schema ships in the package (``apiscribe/schemas/jsondoc.schema.json``); the pipeline
publishes :func:`schema_text` as ``api-docs/jsondoc.schema.json``.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from ..diagnostics import Diagnostic, error, has_errors, warning
from ..sources.jsondocs import _escape, _kind, _Reader, _split
from ..views.jsondocs import ABSENT_DEFAULTS, DOC_KEYS

SCHEMA_FILENAME = "jsondoc.schema.json"

_ARTICLES = {"array": "an array", "integer": "an integer", "object": "an object",
             "null": "null"}


def schema_text() -> str:
    """The exact text of the JSON doc schema file."""
    data = resources.files("apiscribe").joinpath("schemas", SCHEMA_FILENAME).read_bytes()
    return data.decode("utf-8")


@functools.cache
def _validator() -> Any:
    return Draft202012Validator(json.loads(schema_text()))


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _subject(path: tuple[Any, ...]) -> str:
    if not path:
        return "the JSON document"
    if isinstance(path[-1], int):
        return f"entry {path[-1]} of {path[-2]!r}" if len(path) > 1 else f"entry {path[-1]}"
    return repr(path[-1])


def _pointer(path: tuple[Any, ...]) -> str:
    return "".join(f"/{_escape(str(part))}" for part in path)


def _expected(types: Any) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return " or ".join(_ARTICLES.get(name, f"a {name}") for name in names)


def _messages(err: Any) -> Iterator[tuple[str, str, str]]:
    """``(pointer, message, hint)`` for one ``jsonschema`` error."""
    path = tuple(err.absolute_path)
    pointer, subject, keyword = _pointer(path), _subject(path), err.validator
    value, instance = err.validator_value, err.instance
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = sorted(err.schema.get("properties", {}))
        for key in sorted(set(instance) - set(known)):
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            yield f"{pointer}/{_escape(key)}", f"unknown key {key!r}", hint
    elif keyword == "required" and isinstance(instance, dict):
        for key in value:
            if key not in instance:
                yield f"{pointer}/{_escape(key)}", f"missing required key {key!r}", ""
    elif keyword == "type":
        yield pointer, f"{subject} must be {_expected(value)}, not {_kind(instance)}", ""
    elif keyword == "enum":
        choices = ", ".join(str(v) for v in value)
        yield pointer, f"{subject} must be one of {choices}, not {_short(instance)}", ""
    elif keyword == "minimum":
        yield pointer, f"{subject} must be at least {value}, not {_short(instance)}", ""
    elif keyword == "minLength":
        yield pointer, f"{subject} must not be empty", ""
    elif keyword == "pattern":
        yield pointer, f"{subject} must match {value!r}, not {_short(instance)}", ""
    else:
        message = err.message if len(err.message) <= 200 else err.message[:197] + "..."
        yield pointer, f"{subject}: {message}", ""


def validate_jsondoc_file(path: Path, *, display: str) -> list[Diagnostic]:
    """Validate one JSON doc's front matter and JSON object against the JSON doc schema.

    Front-matter problems (fences, UTF-8, JSON syntax) are reported with the JSON-doc
    reader's codes; schema violations with code ``schema``; keys the schema does not
    require but the file leaves out with the warning ``missing-key``.
    """
    reader = _Reader(display, path.stem)
    text = reader.read(path)
    parts = _split(text, reader) if text is not None else None
    doc = reader.parse(parts.json_text, parts.first_line) if parts is not None else None
    if parts is None or has_errors(reader.problems):
        return sorted(reader.problems)
    found = list(reader.problems)
    validator = _validator()
    for err in validator.iter_errors(doc):
        for pointer, message, hint in _messages(err):
            found.append(error("schema", message, file=display, line=reader.line_of(pointer),
                               pointer=pointer, endpoint=reader.name, hint=hint))
    if isinstance(doc, dict):
        required = set(validator.schema["required"])
        for key in DOC_KEYS:
            if key not in doc and key not in required:
                found.append(warning(
                    "missing-key", f"missing key {key!r}; it reads as "
                    f"{json.dumps(ABSENT_DEFAULTS[key])}", file=display,
                    line=reader.line_of(""), pointer=f"/{key}", endpoint=reader.name,
                    hint=f"add \"{key}\" to the JSON object, so the doc says what it means"))
    return sorted(set(found))
