"""The one locator: the line where a JSON pointer's value starts in a JSON or YAML document.

:class:`LineIndex` answers for every document apiscribe reads (specs, JSON docs, indexes).
For YAML the loader records each key's and item's line as it reads. For JSON the lines are
found on demand by :class:`JsonLocator`: building a line for every value of a 13 MB document
costs seconds in Python, and a report needs only a few hundred, so the locator indexes a
container's members the first time a pointer goes through it, skipping over member values
with the C JSON decoder, and keeps what it learnt for the next pointer. A reader that will
ask for many pointers says so first (:meth:`LineIndex.expect`): the containers on their way
are then indexed in the same pass as their parents, so that no part of the text is decoded
twice (locating GitHub's 1,223 operations decoded most of its 13 MB three times). A text of
one line needs no index at all.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Mapping
from json.decoder import scanstring  # type: ignore[attr-defined]  # C-accelerated, untyped

from .pointer import escape_token, parent

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class JsonLocator:
    """Offsets and lines of JSON pointers in a text that is known to parse.

    A member of an object starts at its key; an item of an array at its value.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        # Offsets whose line is known, in order, and those lines: a line is counted from the
        # nearest known offset before it (a list of every newline's offset took 0.045 s to
        # make for GitHub's 347,000 lines; counting on from the last operation found, 0.005 s)
        self._marks: list[int] = [0]
        self._mark_lines: list[int] = [1]
        self._members: dict[str, dict[str, int]] = {}
        self._repeated: dict[str, list[int]] = {}  # pointer -> offsets of later occurrences
        self._through: set[str] = set()  # containers indexed with their parent (expect)
        self._one_line = "\n" not in text
        self._root = _SPACE.match(text, 0).end()  # type: ignore[union-attr]

    def _line_at(self, offset: int) -> int:
        marks = self._marks
        at = bisect.bisect_right(marks, offset)
        known = marks[at - 1]
        line = self._mark_lines[at - 1] + self._text.count("\n", known, offset)
        if known != offset:
            marks.insert(at, offset)
            self._mark_lines.insert(at, line)
        return line

    def line_of(self, pointer: str) -> int:
        """The 1-based line of ``pointer``, else of its nearest ancestor in the text."""
        return 1 if self._one_line else self._line_at(self._offset(pointer))

    def expect(self, pointers: Iterable[str]) -> None:
        """Say that the lines of ``pointers`` will be asked for: each of their ancestors is
        indexed in the pass that indexes its parent, rather than decoded again on its own."""
        through = self._through
        for pointer in pointers:
            while pointer:
                pointer = parent(pointer)
                if pointer in through:
                    break
                through.add(pointer)

    def duplicate_keys(self) -> list[tuple[str, int]]:
        """``(pointer, line)`` of every key that repeats in its object (the later ones),
        found by indexing the whole text: meant for small documents."""
        stack = [("", self._root)]
        while stack:
            pointer, start = stack.pop()
            for key, offset in self._members_of(pointer, start).items():
                stack.append((f"{pointer}/{key}", self._value_start(offset)))
        return sorted((pointer, self._line_at(offset))
                      for pointer, offsets in self._repeated.items() for offset in offsets)

    def _offset(self, pointer: str) -> int:
        parts = pointer.split("/")[1:] if pointer else []
        current, offset, value = "", self._root, self._root
        for part in parts:
            members = self._members_of(current, value)
            if part not in members:
                break
            offset = members[part]
            current = f"{current}/{part}"
            value = self._value_start(offset)
        return offset

    def _value_start(self, offset: int) -> int:
        """The start of the value of the member whose key (or value) starts at ``offset``."""
        text = self._text
        if text[offset] != '"':
            return offset
        # An object member: skip the key and the colon. (An array item that is a string
        # has no colon after it; it then has no members anyway.)
        _, end = scanstring(text, offset + 1)
        end = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if end < len(text) and text[end] == ":":
            return _SPACE.match(text, end + 1).end()  # type: ignore[union-attr]
        return offset

    def _members_of(self, pointer: str, start: int) -> dict[str, int]:
        known = self._members.get(pointer)
        if known is None:
            self._index(pointer, start)
            known = self._members[pointer]
        return known

    def _index(self, pointer: str, start: int) -> int:
        """Index the members of the value at ``start`` (and of those of its members that are
        :meth:`expect`-ed); the offset after the value."""
        text = self._text
        through = self._through
        members: dict[str, int] = {}
        self._members[pointer] = members
        opener = text[start] if start < len(text) else ""
        if opener not in "{[":
            return start
        position = _SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
        index = 0
        while position < len(text) and text[position] not in "}]":
            child = None
            if opener == "{":
                key, end = scanstring(text, position + 1)
                name = escape_token(key)
                if name in members:  # the first occurrence keeps the line
                    self._repeated.setdefault(f"{pointer}/{name}", []).append(position)
                else:
                    members[name] = position
                    child = name
                end = _SPACE.match(text, end).end()  # type: ignore[union-attr]
                end = _SPACE.match(text, end + 1).end()  # type: ignore[union-attr]
            else:
                child = str(index)
                members[child] = position
                index += 1
                end = position
            member = f"{pointer}/{child}" if through and child is not None else None
            if (member is not None and member in through and member not in self._members
                    and text[end] in "{["):
                end = self._index(member, end)
            else:
                _, end = _DECODER.raw_decode(text, end)
            end = _SPACE.match(text, end).end()  # type: ignore[union-attr]
            if end < len(text) and text[end] == ",":
                end = _SPACE.match(text, end + 1).end()  # type: ignore[union-attr]
            position = end
        return position + 1


class LineIndex:
    """The 1-based line where each JSON pointer of a document starts.

    A member of an object starts at its key; an item of an array at its value. A pointer that
    is not there gives the line of its nearest ancestor that is (0 when none is known).
    ``first_line`` is the line the document's text starts on in its file (JSON front matter
    starts after the header lines).
    """

    def __init__(self, lines: Mapping[str, int] | None = None, *, json_text: str = "",
                 first_line: int = 1) -> None:
        self._lines: dict[str, int] = dict(lines) if lines is not None else {}
        self._locator = JsonLocator(json_text) if json_text else None
        self._offset = first_line - 1

    def line_of(self, pointer: str) -> int:
        if self._locator is not None:
            return self._locator.line_of(pointer) + self._offset
        lines = self._lines
        while True:
            line = lines.get(pointer)
            if line is not None:
                return line + self._offset
            if not pointer:
                return 0
            pointer = parent(pointer)

    def expect(self, pointers: Iterable[str]) -> None:
        """Say that the lines of many ``pointers`` will be asked for, so that a JSON text is
        indexed on the way to them in one pass (:meth:`JsonLocator.expect`)."""
        if self._locator is not None:
            self._locator.expect(pointers)

    def duplicate_keys(self) -> list[tuple[str, int]]:
        """``(pointer, line)`` of each repeated key of a JSON text (YAML reports its own)."""
        if self._locator is None:
            return []
        return [(pointer, line + self._offset) for pointer, line in self._locator.duplicate_keys()]
