"""The limits on what apiscribe reads, so that a broken or hostile input is refused with a
diagnostic in bounded time and memory, never half-read or crashed on.

- **Size.** An input larger than :data:`MAX_INPUT_BYTES` (64 MB; the environment variable
  ``APISCRIBE_MAX_INPUT_BYTES`` sets another number of bytes) is refused: a file before it is
  read (:func:`apiscribe.documents.load.read_bytes`), a download as soon as it crosses the
  limit (:mod:`apiscribe.documents.fetch`).
- **Nesting.** Data nested deeper than :data:`MAX_NESTING` levels of arrays and objects is
  refused where it is read, so that no later stage (the spec validator, the views) runs out
  of stack. Real documents stay far below it (a dereferenced Sentry spec nests 33 deep).
- **Values.** What JSON has no place for is refused too: NaN and Infinity (JSON's
  ``NaN``, a literal too large for a float, YAML's ``.nan`` and ``.inf``), values of other
  types, an alias that contains itself, and aliases that expand past a bound.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
from typing import Any

from ..diagnostics import ApiscribeError
from .pointer import escape_token

#: What a document that is nothing but ``null`` (or an empty YAML file) is told: no reader
#: has a use for it, and a parser's ``None`` means a document that could not be read.
EMPTY_DOCUMENT = "the document is empty: it holds only null, not an object or a list"
#: The largest input read, in bytes, unless ``APISCRIBE_MAX_INPUT_BYTES`` says otherwise.
MAX_INPUT_BYTES = 64_000_000
#: The environment variable that sets another input size limit.
MAX_INPUT_BYTES_VARIABLE = "APISCRIBE_MAX_INPUT_BYTES"
#: The deepest nesting of arrays and objects read.
MAX_NESTING = 100
#: The words for data nested past :data:`MAX_NESTING`.
TOO_DEEP = f"nesting too deep: more than {MAX_NESTING} levels of arrays and objects"

_JSON_SCALARS = (str, int, bool, type(None))
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def max_input_bytes() -> int:
    """The input size limit in bytes: ``APISCRIBE_MAX_INPUT_BYTES``, else
    :data:`MAX_INPUT_BYTES`."""
    value = os.environ.get(MAX_INPUT_BYTES_VARIABLE, "").strip()
    if not value:
        return MAX_INPUT_BYTES
    if not value.isdigit() or int(value) <= 0:
        raise ApiscribeError(f"{MAX_INPUT_BYTES_VARIABLE} must be a number of bytes, "
                             f"not {value!r}", exit_code=2)
    return int(value)


def too_large(limit: int) -> tuple[str, str]:
    """``(words, hint)`` for an input past ``limit`` bytes."""
    return (f"larger than the input size limit of {limit} bytes",
            f"set {MAX_INPUT_BYTES_VARIABLE} to a larger number of bytes to read it")


class NotJsonNumber:
    """A number JSON has no place for, as the JSON parser found it (see :func:`json_number`)."""

    def __init__(self, literal: str) -> None:
        self.literal = literal

    def words(self) -> str:
        if self.literal in ("NaN", "Infinity", "-Infinity"):
            return f"{self.literal} is not allowed in JSON"
        return f"the number {self.literal} is too large (it would read as Infinity)"


def json_constant(name: str) -> NotJsonNumber:
    """``parse_constant`` for :func:`json.loads`: ``NaN``, ``Infinity``, ``-Infinity`` kept as
    markers that :func:`data_problem` reports with their place."""
    return NotJsonNumber(name)


def json_number(literal: str) -> float | NotJsonNumber:
    """``parse_float`` for :func:`json.loads`: a literal too large for a float is a marker."""
    value = float(literal)
    return value if math.isfinite(value) else NotJsonNumber(literal)


class JsonNumbers:
    """``parse_constant`` and ``parse_float`` for one :func:`json.loads` (:func:`json_constant`
    and :func:`json_number`), noting whether any number was one JSON has no place for."""

    def __init__(self) -> None:
        self.refused = False

    def constant(self, name: str) -> NotJsonNumber:
        self.refused = True
        return json_constant(name)

    def number(self, literal: str) -> float | NotJsonNumber:
        value = json_number(literal)
        if type(value) is NotJsonNumber:
            self.refused = True
        return value


def parsed_json_problem(data: Any, numbers: JsonNumbers) -> tuple[str, str] | None:
    """:func:`data_problem` of what :func:`json.loads` gave with the hooks of ``numbers``:
    JSON text gives no other types, so where every number was one JSON has a place for, only
    the nesting is walked (a third of the time, on a large spec), and the data is read in full
    only when it nests too deeply, for the place to report."""
    if numbers.refused or (type(data) in (dict, list) and _nested_too_deeply(data, 1)):
        return data_problem(data)
    return None


def _nested_too_deeply(value: Any, depth: int) -> bool:
    if depth > MAX_NESTING:
        return True
    for child in value.values() if type(value) is dict else value:
        kind = type(child)
        if (kind is dict or kind is list) and _nested_too_deeply(child, depth + 1):
            return True
    return False


class _Refused(Exception):
    def __init__(self, words: str) -> None:
        super().__init__(words)
        self.words = words


def data_problem(data: Any, *, max_values: int | None = None) -> tuple[str, str] | None:
    """``(JSON pointer, words)`` of the first place where parsed data is not JSON data within
    the limits, or ``None``.

    Refused: nesting past :data:`MAX_NESTING`, NaN and Infinity (and the markers of
    :func:`json_constant` and :func:`json_number`), and values of other types. For YAML data,
    whose aliases make values shared, give ``max_values``: a value that contains itself is
    refused, and so is data of more than ``max_values`` values counting every expansion of a
    shared value (which is visited once).
    """
    shared, limit = max_values is not None, max_values or 0
    known: dict[int, tuple[int, int]] = {}  # id → (values, levels of nesting)
    active: set[int] = set()
    path: list[Any] = [data]  # the values from the top down to the one being visited

    def visit(value: Any, depth: int) -> tuple[int, int]:
        if isinstance(value, float):
            if not math.isfinite(value):
                name = "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
                raise _Refused(f"{name} is not allowed in JSON")
            return 1, 0
        if isinstance(value, NotJsonNumber):
            raise _Refused(value.words())
        if not isinstance(value, dict | list):
            raise _Refused(f"a value of type {type(value).__name__} is not JSON data")
        if shared:
            seen = known.get(id(value))
            if seen is not None:
                if depth + seen[1] - 1 > MAX_NESTING:
                    raise _Refused(TOO_DEEP)
                return seen
            if id(value) in active:
                raise _Refused("an alias refers to a node that contains it")
            active.add(id(value))
        if depth > MAX_NESTING:
            raise _Refused(TOO_DEEP)
        total, levels = 1, 1
        for child in value.values() if isinstance(value, dict) else value:
            if isinstance(child, _JSON_SCALARS):
                total += 1
                continue
            path.append(child)
            count, height = visit(child, depth + 1)
            path.pop()
            total += count
            levels = max(levels, height + 1)
            if shared and total > limit:
                raise _Refused(f"aliases expand the document past {limit} values")
        if shared:
            active.discard(id(value))
            known[id(value)] = (total, levels)
        return total, levels

    if isinstance(data, _JSON_SCALARS):
        return None
    try:
        visit(data, 1)
    except _Refused as exc:
        return _pointer(path), exc.words
    return None


def _pointer(path: list[Any]) -> str:
    """The JSON pointer of the last of ``path``, each value a member of the one before it."""
    tokens: list[str] = []
    for parent, child in itertools.pairwise(path):
        members = parent.items() if isinstance(parent, dict) else enumerate(parent)
        tokens.append(next(str(key) for key, value in members if value is child))
    return "".join(f"/{escape_token(token)}" for token in tokens)


def too_deep_offset(text: str) -> int:
    """The offset in JSON text of the bracket that opens level ``MAX_NESTING + 1`` (0 when
    none does): where to point when the parser gave up on nesting."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return match.start()
        elif token in "]}":
            depth -= 1
    return 0


def problem_code(words: str, syntax: str = "json") -> str:
    """The diagnostic code of a problem :func:`data_problem` (or the parser) names in
    ``words``: ``too-deep`` for nesting, else ``bad-json`` (``bad-yaml``)."""
    return "too-deep" if words == TOO_DEEP else f"bad-{syntax}"


def json_text_problem(text: str) -> str | None:
    """What is wrong with JSON text read from inside a document or a recorded message (a
    body): the words of :func:`data_problem`, else ``None``; text that is not JSON at all
    has none."""
    return read_json_text(text)[1]


def json_value(text: str) -> tuple[Any] | None:
    """JSON text as data within the limits, in a 1-tuple (JSON ``null`` is a value); ``None``
    for text that is not JSON, or holds what :func:`data_problem` refuses."""
    value, problem = read_json_text(text)
    return value if problem is None else None


def read_json_text(text: str) -> tuple[tuple[Any] | None, str | None]:
    """``(value, problem)`` of JSON text: the data in a 1-tuple when it is JSON within the
    limits, else ``None``, and the words of what the limits refuse, else ``None``."""
    if not text.strip():
        return None, None
    try:
        value = json.loads(text, parse_constant=json_constant, parse_float=json_number)
    except RecursionError:
        return None, TOO_DEEP
    except ValueError:
        return None, None
    problem = data_problem(value)
    return ((value,), None) if problem is None else (None, problem[1])
