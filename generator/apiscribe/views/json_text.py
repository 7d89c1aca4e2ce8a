"""JSON text laid out as ``json.dumps(value, indent=2, ensure_ascii=False)`` lays it out,
byte for byte, in about a third of the time.

With ``indent``, the standard library encodes in Python, one generator step per token: the
15 MB ``openapi.json`` of GitHub's description took 0.7 s. :func:`indented` walks the
containers with one plain recursive call each and leaves every string to the standard
library's C encoder. Anything it does not write exactly as ``json.dumps`` does (a key that
is not a string, NaN or an infinity, a subclass of a JSON type, a value too deep or
circular) sends the whole value to ``json.dumps``, which then writes it, or raises, as
before.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

_INFINITIES = (float("inf"), float("-inf"))


class _Unusual(Exception):
    """A value :func:`indented` leaves to ``json.dumps``."""


def indented(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``."""
    parts: list[str] = []
    try:
        _walk(value, "\n", parts.append)
    except (_Unusual, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(parts)


def _walk(value: Any, pad: str, write: Any) -> None:
    kind = type(value)
    if kind is str:
        write(encode_basestring(value))
    elif kind is dict:
        if not value:
            write("{}")
            return
        inner = pad + "  "
        opening = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            write(opening)
            write(encode_basestring(key))
            write(": ")
            _walk(item, inner, write)
            opening = "," + inner
        write(pad)
        write("}")
    elif kind is list:
        if not value:
            write("[]")
            return
        inner = pad + "  "
        opening = "[" + inner
        for item in value:
            write(opening)
            _walk(item, inner, write)
            opening = "," + inner
        write(pad)
        write("]")
    elif value is None:
        write("null")
    elif value is True:
        write("true")
    elif value is False:
        write("false")
    elif kind is int:
        write(int.__repr__(value))
    elif kind is float and value == value and value not in _INFINITIES:
        write(float.__repr__(value))
    elif kind is _Written:
        write(value.text)
    else:
        raise _Unusual


class _Written:
    """A container's text, already laid out: :class:`TextMemo` puts it in the container's
    place in a shallow copy of the value, and :func:`_walk` writes it as it is."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class TextMemo:
    """:func:`indented` that keeps the text of each container :data:`DEPTH` levels down (the
    operations of ``paths`` and ``webhooks``, the named schemas of ``components``) by the
    container's identity, for the next call: the ``openapi.json`` of each rebuild of ``mkdocs
    serve``, whose model shares the parts that did not change with the last one (and never
    changes a part in place). Only the last call's texts are kept."""

    DEPTH = 3

    def __init__(self) -> None:
        self._texts: dict[int, tuple[Any, str]] = {}
        self._last: dict[int, tuple[Any, str]] = {}
        #: How many texts the last call took from the one before.
        self.reused = 0

    def indented(self, value: Any) -> str:
        """``json.dumps(value, indent=2, ensure_ascii=False)``."""
        self._last, self._texts, self.reused = self._texts, {}, 0
        parts: list[str] = []
        try:
            _walk(self._written(value, "\n", 0), "\n", parts.append)
        except (_Unusual, RecursionError):
            self._texts = {}
            return json.dumps(value, indent=2, ensure_ascii=False)
        finally:
            self._last = {}
        return "".join(parts)

    def _written(self, value: Any, pad: str, depth: int) -> Any:
        """``value`` with each container :data:`DEPTH` levels down as its text (at ``pad``),
        the last call's where it is the same container."""
        kind = type(value)
        if (kind is not dict and kind is not list) or not value:
            return value
        if depth < self.DEPTH:
            inner = pad + "  "
            if kind is dict:
                return {key: self._written(item, inner, depth + 1) for key, item in value.items()}
            return [self._written(item, inner, depth + 1) for item in value]
        found = self._last.get(id(value))
        if found is not None and found[0] is value:
            text = found[1]
            self.reused += 1
        else:
            parts: list[str] = []
            _walk(value, pad, parts.append)
            text = "".join(parts)
        self._texts[id(value)] = (value, text)
        return _Written(text)
