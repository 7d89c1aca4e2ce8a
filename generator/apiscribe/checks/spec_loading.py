"""Reading an OpenAPI/Swagger file (JSON or YAML) into plain data, with a line for each pointer.

YAML is read with a safe loader that keeps timestamps as strings (as openapi-spec-validator's own
reader does) and refuses duplicate keys. Every problem is a :class:`Diagnostic`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import yaml

from ..diagnostics import Diagnostic, error
from ..pointers import escape_token
from .json_lines import JsonLocator

__all__ = ["LineIndex", "escape_token", "load_document", "parse_document", "read_bytes"]

# YAML 1.1 floats in scientific notation without a dot (``1e5``), as jsonschema-path's loader
# (the one openapi-spec-validator reads files with) resolves them; a test keeps the two equal.
# Importing jsonschema-path itself would cost every command a fifth of a second.
SCIENTIFIC_FLOAT_RE = re.compile(
    r"""
    ^(?:
        [-+]?
        (?:
            (?:0|[1-9][0-9]*)\.[0-9]*
            |
            \.[0-9]+
            |
            (?:0|[1-9][0-9]*)
        )
        [eE][-+]?[0-9]+
    )$
    """,
    re.VERBOSE,
)

# Past this many values (counting every expansion of a YAML alias) a document is refused.
MAX_EXPANDED_NODES = 5_000_000

_JSON_SUFFIXES = {".json"}
_YAML_SUFFIXES = {".yaml", ".yml"}


def _parent(pointer: str) -> str:
    return pointer[: pointer.rfind("/")] if pointer else ""


class LineIndex:
    """The 1-based line where each JSON pointer of a document starts.

    A member of an object starts at its key; an item of an array at its value. For JSON the
    index is built on first use, so documents without diagnostics never pay for it.
    """

    def __init__(self, lines: Mapping[str, int] | None = None, *, json_text: str = "") -> None:
        self._lines: dict[str, int] = dict(lines) if lines is not None else {}
        self._locator = JsonLocator(json_text) if json_text else None

    def line_of(self, pointer: str) -> int:
        """The line of ``pointer``, else of its nearest known ancestor (0 when none is known)."""
        if self._locator is not None:
            return self._locator.line_of(pointer)
        lines = self._lines
        while True:
            line = lines.get(pointer)
            if line is not None:
                return line
            if not pointer:
                return 0
            pointer = _parent(pointer)


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _SpecYamlLoader(_SafeLoader):  # type: ignore[valid-type, misc]
    """Safe YAML loader: JSON-style string keys, duplicate keys reported, lines recorded.

    Like openapi-spec-validator's reader, it leaves timestamps as strings and reads ``1e3``
    as a number.
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, Any]]]] = {
        first: [(tag, regex) for tag, regex in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.key_lines: dict[int, dict[str, int]] = {}
        self.item_lines: dict[int, list[int]] = {}
        self.duplicates: list[tuple[str, int, int]] = []  # (key, first line, second line)
        self.bad_keys: list[tuple[str, int]] = []  # (problem, line)

    def _json_key(self, node: yaml.Node) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.bad_keys.append(
                ("a mapping key must be a string, number, boolean or null",
                 node.start_mark.line + 1)
            )
            return None
        key = self.construct_object(node, deep=True)
        if isinstance(key, str):
            return key
        if isinstance(key, bool | int | float) or key is None:
            return json.dumps(key)
        self.bad_keys.append(
            (f"a mapping key of type {type(key).__name__} is not allowed",
             node.start_mark.line + 1)
        )
        return None

    def construct_spec_map(self, node: yaml.MappingNode) -> Iterator[dict[str, Any]]:
        data: dict[str, Any] = {}
        yield data
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self._json_key(key_node)
            if key is None:
                continue
            line = key_node.start_mark.line + 1
            if key in seen:
                self.duplicates.append((key, seen[key], line))
            else:
                seen[key] = line
        self.flatten_mapping(node)
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = self._json_key(key_node)
            if key is None:
                continue
            data[key] = self.construct_object(value_node, deep=False)
            lines[key] = key_node.start_mark.line + 1
        self.key_lines[id(data)] = lines

    def construct_spec_seq(self, node: yaml.SequenceNode) -> Iterator[list[Any]]:
        data: list[Any] = []
        yield data
        data.extend(self.construct_object(item, deep=False) for item in node.value)
        self.item_lines[id(data)] = [item.start_mark.line + 1 for item in node.value]


_SpecYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", SCIENTIFIC_FLOAT_RE, list("-+0123456789.")
)
_SpecYamlLoader.add_constructor("tag:yaml.org,2002:map", _SpecYamlLoader.construct_spec_map)
_SpecYamlLoader.add_constructor("tag:yaml.org,2002:seq", _SpecYamlLoader.construct_spec_seq)

_JSON_TYPES = (str, int, float, bool, type(None))


def _yaml_problem(data: Any) -> str | None:
    """Why YAML data is not JSON data (a cycle, a foreign type, too many values), or None."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(value: Any) -> int:
        if isinstance(value, _JSON_TYPES):
            return 1
        if not isinstance(value, dict | list):
            raise _NotJson(f"a value of type {type(value).__name__} is not JSON data")
        known = sizes.get(id(value))
        if known is not None:
            return known
        if id(value) in active:
            raise _NotJson("an alias refers to a node that contains it")
        active.add(id(value))
        children = value.values() if isinstance(value, dict) else value
        total = 1 + sum(size(child) for child in children)
        active.discard(id(value))
        sizes[id(value)] = total
        if total > MAX_EXPANDED_NODES:
            raise _NotJson(f"aliases expand the document past {MAX_EXPANDED_NODES} values")
        return total

    try:
        size(data)
    except _NotJson as exc:
        return str(exc)
    except RecursionError:
        return "the document is nested too deeply"
    return None


class _NotJson(Exception):
    pass


def _yaml_line_map(loader: _SpecYamlLoader, data: Any) -> dict[str, int]:
    lines: dict[str, int] = {"": 1}
    seen: set[int] = set()
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        pointer, value = stack.pop()
        if not isinstance(value, dict | list) or id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, dict):
            key_lines = loader.key_lines.get(id(value), {})
            for key, child in value.items():
                child_pointer = pointer + "/" + escape_token(key)
                if key in key_lines:
                    lines[child_pointer] = key_lines[key]
                stack.append((child_pointer, child))
        else:
            item_lines = loader.item_lines.get(id(value), [])
            for index, child in enumerate(value):
                child_pointer = f"{pointer}/{index}"
                if index < len(item_lines):
                    lines[child_pointer] = item_lines[index]
                stack.append((child_pointer, child))
    return lines


def _line_of_offset(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def read_bytes(path: Path) -> tuple[bytes | None, list[Diagnostic]]:
    """The file's bytes, or an ``unreadable`` diagnostic."""
    try:
        return path.read_bytes(), []
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [error("unreadable", f"cannot read the file: {reason}", file=str(path))]


def _is_json(path: Path, text: str) -> bool:
    suffix = path.suffix.lower()
    if suffix in _JSON_SUFFIXES:
        return True
    if suffix in _YAML_SUFFIXES:
        return False
    return text.lstrip()[:1] in ("{", "[")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def parse_document(data: bytes, path: Path) -> tuple[Any | None, list[Diagnostic], LineIndex]:
    """Decode and parse a document read from ``path`` (JSON or YAML, by extension or content)."""
    file = str(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = data[exc.start]
        message = (
            f"the file is not valid UTF-8: byte 0x{byte:02x} at line {line}, column {column} "
            f"({exc.reason})"
        )
        return None, [error("bad-utf8", message, file=file, line=line)], LineIndex({})
    text = text.removeprefix("\ufeff")
    if _is_json(path, text):
        return _parse_json(text, file)
    return _parse_yaml(text, file)


def _parse_json(text: str, file: str) -> tuple[Any | None, list[Diagnostic], LineIndex]:
    try:
        document = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        return None, [error("bad-json", message, file=file, line=exc.lineno)], LineIndex({})
    except ValueError as exc:  # NaN / Infinity
        return None, [error("bad-json", f"invalid JSON: {exc}", file=file, line=1)], LineIndex(
            {}
        )
    except RecursionError:
        message = "invalid JSON: the document is nested too deeply"
        return None, [error("bad-json", message, file=file, line=1)], LineIndex({})
    return document, [], LineIndex(json_text=text)


def _parse_yaml(text: str, file: str) -> tuple[Any | None, list[Diagnostic], LineIndex]:
    loader = _SpecYamlLoader(text)
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = f"invalid YAML: {exc.problem or exc.context} (line {line})"
        if exc.problem and exc.context:
            message += f"; {exc.context}"
            if exc.context_mark is not None and exc.context_mark.line + 1 != line:
                message += f" (line {exc.context_mark.line + 1})"
        return None, [error("bad-yaml", message, file=file, line=line)], LineIndex({})
    except yaml.reader.ReaderError as exc:
        line = _line_of_offset(text, exc.position)
        message = f"invalid YAML: {exc.reason} (character #x{exc.character:04x}, line {line})"
        return None, [error("bad-yaml", message, file=file, line=line)], LineIndex({})
    except yaml.YAMLError as exc:
        return None, [error("bad-yaml", f"invalid YAML: {exc}", file=file, line=1)], LineIndex(
            {}
        )
    except RecursionError:
        message = "invalid YAML: the document is nested too deeply"
        return None, [error("bad-yaml", message, file=file, line=1)], LineIndex({})
    finally:
        loader.dispose()
    problems: list[Diagnostic] = [
        error(
            "duplicate-key",
            f"duplicate key {key!r} (first defined on line {first})",
            file=file,
            line=second,
        )
        for key, first, second in loader.duplicates
    ]
    problems += [
        error("bad-yaml", f"invalid YAML: {problem} (line {line})", file=file, line=line)
        for problem, line in sorted(set(loader.bad_keys))
    ]
    if problems:
        return None, sorted(problems), LineIndex({})
    not_json = _yaml_problem(document)
    if not_json is not None:
        message = f"invalid YAML: {not_json}"
        return None, [error("bad-yaml", message, file=file, line=1)], LineIndex({})
    return document, [], LineIndex(_yaml_line_map(loader, document))


def load_document(path: Path) -> tuple[Any | None, list[Diagnostic], LineIndex]:
    """Read ``path`` as JSON or YAML: (document or None, diagnostics, line index)."""
    data, problems = read_bytes(path)
    if data is None:
        return None, problems, LineIndex({})
    return parse_document(data, path)
