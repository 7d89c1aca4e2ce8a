"""A file format's JSON Schema applied to a parsed file: one diagnostic per problem, in words.

apiscribe's own file formats (the JSON doc, its ``sections.json`` index, the
``[tool.apiscribe]`` table) are each described by a JSON Schema; :func:`problems` turns what
``jsonschema`` finds into ``(pointer, code, message, hint)``: ``unknown-key`` for a key the
format does not have (with a "did you mean"), ``bad-field`` for everything else.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from typing import Any

from ..documents.pointer import join, pointer_of

_KINDS = ((bool, "a boolean"), (int, "an integer"), (float, "a number"), (str, "a string"),
          (list, "an array"), (dict, "an object"))
_ARTICLES = {"array": "an array", "integer": "an integer", "object": "an object",
             "null": "null"}

#: ``(pointer, code, message, hint)``
Problem = tuple[str, str, str, str]


def validator_of(schema: dict[str, Any]) -> Any:
    """A JSON Schema 2020-12 validator of a format's ``schema``. jsonschema is imported here,
    when a file of apiscribe's formats is first read: a ``convert`` of a spec reads none, and
    leaves the import (50 ms) to the spec checks, which run beside it in a fork."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema)


def kind(value: Any) -> str:
    """The JSON type of a value, with its article: ``an integer``, ``a string``, ``null``."""
    return next((name for t, name in _KINDS if isinstance(value, t)), "null")


def short(value: Any) -> str:
    """A value as JSON, cut to 60 characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def unknown_key(key: str, known: list[str]) -> tuple[str, str]:
    """The message and hint of a key the format does not have."""
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
    return f"unknown key {key!r}", hint


def _subject(path: tuple[Any, ...]) -> str:
    if not path:
        return "the JSON document"
    if isinstance(path[-1], int):
        return f"each entry of {path[-2]!r}" if len(path) > 1 else "each entry"
    return repr(path[-1])


def _expected(types: Any) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return " or ".join(_ARTICLES.get(name, f"a {name}") for name in names)


def _messages(err: Any) -> Iterator[Problem]:
    path = tuple(err.absolute_path)
    pointer, subject, keyword = pointer_of(path), _subject(path), err.validator
    value, instance = err.validator_value, err.instance
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = sorted(err.schema.get("properties", {}))
        for key in sorted(set(instance) - set(known)):
            message, hint = unknown_key(key, known)
            yield join(pointer, key), "unknown-key", message, hint
    elif keyword == "required" and isinstance(instance, dict):
        for key in value:
            if key not in instance:
                yield join(pointer, key), "bad-field", f"missing required key {key!r}", ""
    elif keyword == "type":
        message = f"{subject} must be {_expected(value)}, not {kind(instance)}"
        yield pointer, "bad-field", message, ""
    elif keyword == "enum":
        choices = ", ".join(str(v) for v in value)
        yield pointer, "bad-field", f"{subject} must be one of {choices}, not {short(instance)}", ""
    elif keyword == "minimum":
        yield pointer, "bad-field", f"{subject} must be at least {value}, not {short(instance)}", ""
    elif keyword == "minLength":
        yield pointer, "bad-field", f"{subject} must not be empty", ""
    elif keyword == "pattern":
        yield pointer, "bad-field", f"{subject} must match {value!r}, not {short(instance)}", ""
    else:
        message = err.message if len(err.message) <= 200 else err.message[:197] + "..."
        yield pointer, "bad-field", f"{subject}: {message}", ""


def problems(validator: Any, instance: Any) -> list[Problem]:
    """Every problem ``validator`` (a ``jsonschema`` validator) finds in ``instance``."""
    found: list[Problem] = []
    for err in validator.iter_errors(instance):
        found += _messages(err)
    return sorted(set(found))
