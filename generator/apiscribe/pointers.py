"""JSON pointers (RFC 6901): escaping segments and stepping into parsed documents."""

from __future__ import annotations

from typing import Any


def escape_token(key: str | int) -> str:
    """One JSON pointer segment."""
    return str(key).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """One JSON pointer segment, unescaped."""
    return token.replace("~1", "/").replace("~0", "~")


def child(node: Any, key: str) -> tuple[bool, Any]:
    """``(True, value)`` for the member or item ``key`` of ``node``, else ``(False, None)``."""
    if isinstance(node, dict) and key in node:
        return True, node[key]
    if isinstance(node, list) and key.isdigit() and int(key) < len(node):
        return True, node[int(key)]
    return False, None
