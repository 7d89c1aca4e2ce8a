"""Syntax errors of JSON and YAML text, said in words with their line and column.

The parsers' own messages ("Expecting value", "mapping values are not allowed here") name a
grammar rule; these say what is wrong in the file: "the file ends inside an object", "a tab
character at column 1", "a comma before '}'".
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from .limits import TOO_DEEP

_CLOSERS = {"{": "an object", "[": "an array"}


def _open_containers(text: str, end: int) -> list[tuple[str, int]]:
    """The brackets still open at ``end`` (outside strings), innermost last, with offsets."""
    stack: list[tuple[str, int]] = []
    in_string = False
    index = 0
    while index < end:
        char = text[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append((char, index))
        elif char in "}]" and stack:
            stack.pop()
        index += 1
    return stack


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _found(char: str) -> str:
    if not char:
        return "the end of the file"
    return {"\t": "a tab", "\n": "the end of the line"}.get(char, f"'{char}'")


def json_problem(exc: json.JSONDecodeError) -> tuple[int, int, str]:
    """``(line, column, words)`` for a JSON syntax error."""
    text, pos, msg = exc.doc, exc.pos, exc.msg
    line, column = exc.lineno, exc.colno
    rest = text[pos:].strip()
    char = text[pos] if pos < len(text) else ""
    if msg.startswith("Unterminated string"):
        return line, column, "a string that is never closed (it starts here)"
    if not rest and msg != "Extra data":
        opened = _open_containers(text, len(text))
        if opened:
            kind, start = opened[-1]
            at_line, at_column = _position(text, start)
            return line, column, (f"the file ends inside {_CLOSERS[kind]} (opened at line "
                                  f"{at_line}, column {at_column})")
        return line, column, "the file ends where a value was expected"
    before = text[:pos].rstrip()[-1:]
    if msg == "Expecting value":
        if char in "]}" and before == ",":
            return line, column, f"a comma before '{char}': JSON allows no trailing comma"
        if char == "'":
            return line, column, "a single quote: JSON strings take double quotes"
        return line, column, (f"{_found(char)} where a value was expected (a string, number, "
                              "object, array, true, false or null)")
    if msg.startswith("Expecting property name"):
        if char == "}" and before == ",":
            return line, column, "a comma before '}': JSON allows no trailing comma"
        if char == "'":
            return line, column, "a single quote: JSON keys take double quotes"
        return line, column, f"{_found(char)} where a key in double quotes was expected"
    if msg == "Expecting ',' delimiter":
        return line, column, (f"{_found(char)} where a ',' or a closing bracket was expected "
                              "(a missing comma between two items?)")
    if msg == "Expecting ':' delimiter":
        return line, column, f"{_found(char)} where the ':' after a key was expected"
    if msg == "Extra data":
        return line, column, "more text after the end of the JSON value"
    if msg.startswith("Invalid control character"):
        return line, column, ("a control character (a tab or a line break) inside a string: "
                              "write it as an escape such as \\t or \\n")
    if msg.startswith("Invalid \\escape") or msg.startswith("Invalid \\u"):
        return line, column, "an invalid backslash escape in a string"
    return line, column, msg[:1].lower() + msg[1:]


def _yaml_words(problem: str, char: str) -> str:
    if problem.startswith("could not determine a constructor for the tag"):
        tag = problem.rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
        return (f"the tag '{tag}' is not allowed: apiscribe reads YAML as plain data (no tag "
                "makes an object or runs code)")
    if problem.startswith("exceeded maximum nesting depth"):
        return TOO_DEEP
    if char == "\t" or "'\\t'" in problem:
        return "a tab character: YAML indents with spaces"
    if problem.startswith("mapping values are not allowed"):
        return "a ':' where YAML allows none (a value that holds ': ' needs quotes)"
    if problem.startswith("could not find expected ':'"):
        return "a line that is not a 'key: value' pair"
    if problem.startswith("found unexpected end of stream"):
        return "the file ends inside a quoted string or a bracket"
    if problem.startswith("did not find expected"):
        return problem.removeprefix("did not find ")
    if problem.startswith("expected <block end>"):
        return "unexpected indentation (the lines above are indented less)"
    if "cannot start any token" in problem:
        return f"{_found(char)}, which cannot start a YAML value or key"
    return problem


def yaml_problem(exc: BaseException, text: str) -> tuple[int, str]:
    """``(line, words)`` for an error PyYAML raised while reading ``text``."""
    if isinstance(exc, RecursionError):
        return 1, TOO_DEEP
    if isinstance(exc, yaml.reader.ReaderError):
        line, column = _position(text, exc.position)
        return line, (f"a character YAML does not allow (#x{exc.character:04x}) at line {line}, "
                      f"column {column}")
    if isinstance(exc, yaml.MarkedYAMLError):
        mark: Any = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        column = mark.column + 1 if mark is not None else 1
        index = getattr(mark, "index", None)
        char = text[index] if isinstance(index, int) and 0 <= index < len(text) else ""
        words = _yaml_words(exc.problem or exc.context or "", char)
        message = f"{words} (line {line}, column {column})"
        if exc.problem and exc.context:
            message += f"; {exc.context}"
            if exc.context_mark is not None and exc.context_mark.line + 1 != line:
                message += f" (line {exc.context_mark.line + 1})"
        return line, message
    return 1, str(exc)
