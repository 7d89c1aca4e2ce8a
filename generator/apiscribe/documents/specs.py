"""What kind of OpenAPI document a parsed file is: the one place that reads its version."""

from __future__ import annotations

import hashlib
import marshal
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..diagnostics import Diagnostic, error
from ..model.routes import METHODS
from .lines import LineIndex
from .pointer import join

#: (keyword, major, minor) → the version name, as openapi-spec-validator detects them.
VERSIONS = {("swagger", "2", "0"): "2.0", ("openapi", "3", "0"): "3.0",
            ("openapi", "3", "1"): "3.1", ("openapi", "3", "2"): "3.2"}
_VERSION = re.compile(r"(?P<major>\d+)\.(?P<minor>\d+)(\..*)?")


def spec_version(document: Any) -> str | None:
    """``"2.0"``, ``"3.0"``, ``"3.1"`` or ``"3.2"``; ``None`` for anything else."""
    if not isinstance(document, dict):
        return None
    for (keyword, major, minor), name in VERSIONS.items():
        value = document.get(keyword)
        if isinstance(value, str):
            match = _VERSION.match(value)
            if match and (match["major"], match["minor"]) == (major, minor):
                return name
    return None


def not_a_spec(document: Any, file: str, lines: LineIndex) -> Diagnostic:
    """The ``unknown-spec-version`` diagnostic of a document :func:`spec_version` refuses."""
    code = "unknown-spec-version"
    if not isinstance(document, dict):
        kind = "a list" if isinstance(document, list) else f"a {type(document).__name__} value"
        if document is None:
            kind = "empty"
        message = f"not an OpenAPI or Swagger document: the top level is {kind}, not a mapping"
        return error(code, message, file=file, line=1)
    for keyword in ("openapi", "swagger"):
        if keyword in document:
            message = (f"unsupported {keyword} version {document[keyword]!r} "
                       "(known: Swagger 2.0, OpenAPI 3.0, 3.1 and 3.2)")
            pointer = "/" + keyword
            return error(code, message, file=file, line=lines.line_of(pointer), pointer=pointer)
    message = "not an OpenAPI or Swagger document: no 'openapi' or 'swagger' field"
    return error(code, message, file=file, line=lines.line_of(""))


# -- problems that both the importer and the spec checks find: one wording ----------------


def duplicate_operation_id(operation_id: str, label: str, first: str) -> tuple[str, str]:
    """The message and hint of an operationId that ``first`` (``GET /a``) already uses."""
    return (f"operationId '{operation_id}' of {label} is already used by {first}",
            "operationIds must be unique")


def undeclared_path_parameter(name: str, method: str, path: str) -> tuple[str, str]:
    """The message and hint of a path template name no parameter declares."""
    return (f"path parameter '{name}' of {method.upper()} {path} is not declared",
            f"add a parameter with 'in: path', 'name: {name}' and 'required: true'")


#: The top-level maps whose members are path items.
PATH_ITEM_MAPS = ("paths", "webhooks")


def operation_pointers(document: dict[str, Any]) -> Iterator[str]:
    """The pointer of every operation of the path items written in ``document`` itself."""
    for name in PATH_ITEM_MAPS:
        members = document.get(name)
        for key, item in members.items() if isinstance(members, dict) else ():
            if isinstance(item, dict):
                yield from (join(f"/{name}", key, method) for method in METHODS if method in item)


@dataclass(frozen=True)
class SpecDigests:
    """A document in parts, each a SHA-256 of its exact content: ``rest`` (everything but the
    path items) and ``items`` (the pointer of each member of ``paths`` and ``webhooks`` → its
    hash, which covers the map it is in, its key and its content)."""

    rest: str
    items: dict[str, str]


#: How a reference into a path item is written (a JSON pointer in a URI fragment, as is or
#: percent-encoded), searched for in the marshalled parts, case aside.
_INTO_PATH_ITEMS = re.compile(rb"#(?:/|%2f)(?:paths|webhooks)", re.IGNORECASE)


def spec_digests(document: Any, salt: str = "") -> SpecDigests | None:
    """The document's :class:`SpecDigests`, so that two documents with the same ``rest`` and
    the same digest for a path item have that item and everything it can refer to within the
    document in common; ``salt`` is hashed into ``rest``. ``None`` where that cannot be
    told: the document is not a map, holds a value that cannot be hashed so, or may refer
    into a path item from elsewhere (any text that reads like such a reference counts: a path
    item then is not made of itself and ``rest`` alone)."""
    if not isinstance(document, dict):
        return None
    try:
        parts = []
        items = {}
        for name in PATH_ITEM_MAPS:
            members = document.get(name)
            for key, item in members.items() if isinstance(members, dict) else ():
                # marshal writes a value's types and content exactly (1 and 1.0 differ);
                # version 2 never refers back to an object it wrote, so equal values give
                # equal bytes however they share objects (and it is twice as fast as pickle)
                parts.append(marshal.dumps((name, key, item), 2))
                items[join(f"/{name}", key)] = hashlib.sha256(parts[-1]).hexdigest()
        rest = {k: v for k, v in document.items()
                if not (k in PATH_ITEM_MAPS and isinstance(v, dict))}
        parts.append(marshal.dumps(
            (rest, [k for k in PATH_ITEM_MAPS if k in document], salt), 2))
    except (TypeError, ValueError, RecursionError):
        return None
    if any(_INTO_PATH_ITEMS.search(part) for part in parts):
        return None
    return SpecDigests(hashlib.sha256(parts[-1]).hexdigest(), items)
