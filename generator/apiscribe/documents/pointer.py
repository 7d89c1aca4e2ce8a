"""JSON pointers (RFC 6901): the one place that escapes, joins and follows them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote


def escape_token(key: str | int) -> str:
    """One JSON pointer segment."""
    return str(key).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """One JSON pointer segment, unescaped."""
    return token.replace("~1", "/").replace("~0", "~")


def join(base: str, *keys: str | int) -> str:
    """``base`` with each of ``keys`` appended as a segment."""
    return base + "".join("/" + escape_token(key) for key in keys)


def pointer_of(keys: Iterable[str | int]) -> str:
    """The pointer of a path of keys and indexes (``("paths", "/a")`` → ``/paths/~1a``)."""
    return join("", *keys)


def tokens(pointer: str) -> list[str]:
    """The unescaped segments of a pointer (``""`` has none)."""
    return [unescape_token(t) for t in pointer.split("/")[1:]] if pointer else []


def fragment_tokens(fragment: str) -> list[str]:
    """The segments of a URI fragment pointer (``/a%20b/c``: percent-decoded first)."""
    return tokens(unquote(fragment))


def parent(pointer: str) -> str:
    """The pointer one level up (``""`` stays ``""``)."""
    return pointer[: pointer.rfind("/")] if pointer else ""


def child(node: Any, key: str) -> tuple[bool, Any]:
    """``(True, value)`` for the member or item ``key`` of ``node``, else ``(False, None)``."""
    if isinstance(node, dict) and key in node:
        return True, node[key]
    if isinstance(node, list) and key.isdigit() and int(key) < len(node):
        return True, node[int(key)]
    return False, None


def resolve(document: Any, keys: Iterable[str]) -> tuple[bool, Any, int]:
    """Follow unescaped ``keys`` from ``document``: ``(found, value, segments followed)``.

    When not found, ``value`` is the last node reached and the count says how far it got.
    """
    node, count = document, 0
    for key in keys:
        found, value = child(node, key)
        if not found:
            return False, node, count
        node, count = value, count + 1
    return True, node, count


def lookup(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` in ``document``, or None when nothing is there."""
    found, value, _ = resolve(document, tokens(pointer))
    return value if found else None
