"""YAML documents read safely into JSON data, with the line of every key and item.

The loader is PyYAML's safe loader (its C version when available) with three changes, as in
openapi-spec-validator's own reader: timestamps stay strings, ``1e3`` is a number, and keys
are JSON-style strings. Duplicate keys, keys that are not scalars, aliases that expand past
a bound, and what :mod:`apiscribe.documents.limits` refuses (values JSON has no place for,
``.nan`` and ``.inf``, nesting too deep) are refused with a diagnostic naming the line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, ClassVar

import yaml

from ..diagnostics import Diagnostic, error
from .limits import EMPTY_DOCUMENT, TOO_DEEP, data_problem, problem_code
from .lines import LineIndex
from .pointer import escape_token
from .syntax import yaml_problem

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


def parse_yaml(text: str, file: str) -> tuple[Any | None, list[Diagnostic], LineIndex]:
    """Parse YAML text: ``(document or None, diagnostics, line index)``."""
    loader = _SpecYamlLoader(text)
    try:
        document = loader.get_single_data()
    except (yaml.YAMLError, RecursionError) as exc:
        line, message = yaml_problem(exc, text)
        code, message = ("too-deep", message) if message.startswith(TOO_DEEP) else (
            "bad-yaml", f"invalid YAML: {message}")
        return None, [error(code, message, file=file, line=line)], LineIndex({})
    finally:
        loader.dispose()
    problems: list[Diagnostic] = [
        error("duplicate-key", f"duplicate key {key!r} (first defined on line {first})",
              file=file, line=second)
        for key, first, second in loader.duplicates
    ]
    problems += [
        error("bad-yaml", f"invalid YAML: {problem} (line {line})", file=file, line=line)
        for problem, line in sorted(set(loader.bad_keys))
    ]
    if problems:
        return None, sorted(problems), LineIndex({})
    if document is None:
        return None, [error("empty-document", EMPTY_DOCUMENT, file=file, line=1)], LineIndex({})
    lines = LineIndex(_yaml_line_map(loader, document))
    problem = data_problem(document, max_values=MAX_EXPANDED_NODES)
    if problem is not None:
        pointer, words = problem
        code = problem_code(words, "yaml")
        message = words if code == "too-deep" else f"invalid YAML: {words}"
        return None, [error(code, message, file=file, line=lines.line_of(pointer) or 1,
                            pointer=pointer)], LineIndex({})
    return document, [], lines
