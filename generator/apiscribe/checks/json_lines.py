"""Lines of JSON pointers in a JSON text, found on demand.

Building a line for every value of a 13 MB document costs seconds in Python; a report needs
only a few hundred. :class:`JsonLocator` indexes a container's members the first time a
pointer goes through it, skipping over member values with the C JSON decoder, and keeps
what it learnt for the next pointer.
"""

from __future__ import annotations

import bisect
import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]  # C-accelerated, untyped

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


class JsonLocator:
    """Offsets and lines of JSON pointers in a text that is known to parse.

    A member of an object starts at its key; an item of an array at its value.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._newlines: list[int] | None = None
        self._members: dict[str, dict[str, int]] = {}
        self._root = _SPACE.match(text, 0).end()  # type: ignore[union-attr]

    def line_of(self, pointer: str) -> int:
        """The 1-based line of ``pointer``, else of its nearest ancestor in the text."""
        offset = self._offset(pointer)
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self._text)]
        return bisect.bisect_left(self._newlines, offset) + 1

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
        if known is not None:
            return known
        text = self._text
        members: dict[str, int] = {}
        opener = text[start] if start < len(text) else ""
        if opener in "{[":
            position = _SPACE.match(text, start + 1).end()  # type: ignore[union-attr]
            index = 0
            while position < len(text) and text[position] not in "}]":
                if opener == "{":
                    key, end = scanstring(text, position + 1)
                    members[_escape(key)] = position
                    end = _SPACE.match(text, end).end()  # type: ignore[union-attr]
                    end = _SPACE.match(text, end + 1).end()  # type: ignore[union-attr]
                else:
                    members[str(index)] = position
                    index += 1
                    end = position
                _, end = _DECODER.raw_decode(text, end)
                end = _SPACE.match(text, end).end()  # type: ignore[union-attr]
                if end < len(text) and text[end] == ",":
                    end = _SPACE.match(text, end + 1).end()  # type: ignore[union-attr]
                position = end
        self._members[pointer] = members
        return members
