"""Example request bodies: their fields, and whether a value fits a documented type."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from ..model import HttpRequest
from ..model.http import FORM, MULTIPART, is_json, media_type_of
from ..model.types import ARRAY_OF

BodyKind = Literal["json", "form", "multipart"]

_DISPOSITION = re.compile(r"^content-disposition:[ \t]*form-data[ \t]*;(.*)$", re.I | re.M)
_NAME = re.compile(r"""^[ \t]*name[ \t]*=[ \t]*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))""", re.I)

#: What each documented type asks of a JSON value (for messages).
TYPE_MEANINGS: dict[str, str] = {
    "string": "a string",
    "str": "a string",
    "int": "an integer",
    "integer": "an integer",
    "bool": "a boolean",
    "boolean": "a boolean",
    "float": "a number",
    "number": "a number",
    "url": "an absolute http(s) URL",
    "datetime": "an ISO 8601 date-time",
    "timestamp": "an ISO 8601 date-time or a number",
    "array": "an array",
    "list": "an array",
    "object": "an object",
    "dict": "an object",
}


@dataclass(frozen=True)
class BodyFields:
    """The top-level fields of an example request body.

    ``values`` holds the JSON values of a JSON body; form and multipart bodies have names
    only.
    """

    kind: BodyKind
    names: tuple[str, ...]
    values: dict[str, Any] = field(default_factory=dict)


def _multipart_names(body: str) -> tuple[str, ...]:
    if body.startswith('"'):
        # Sentry's recorder showed multipart bodies as one JSON string.
        try:
            decoded = json.loads(body)
        except ValueError:
            decoded = None
        body = decoded if isinstance(decoded, str) else body
    names: list[str] = []
    for match in _DISPOSITION.finditer(body.replace("\r\n", "\n")):
        for param in match[1].split(";"):
            found = _NAME.match(param)
            if found:
                quoted, bare = found[1], found[2]
                names.append(re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare)
                break
    return tuple(names)


def request_fields(request: HttpRequest) -> BodyFields | None:
    """The fields of a JSON-object, form or multipart body; ``None`` for anything else."""
    body = request.body
    if not body:
        return None
    media = media_type_of(request.header("Content-Type"))
    if is_json(media):
        try:
            value = json.loads(body)
        except ValueError:
            return None
        if not isinstance(value, dict):
            return None
        return BodyFields("json", tuple(value), value)
    if media == FORM:
        pairs = parse_qsl(body, keep_blank_values=True)
        return BodyFields("form", tuple(name for name, _ in pairs))
    if media == MULTIPART:
        return BodyFields("multipart", _multipart_names(body))
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_datetime(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_FITS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "float": _is_number,
    "url": _is_url,
    "datetime": _is_datetime,
    "timestamp": lambda v: _is_datetime(v) or _is_number(v),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}
_ALIASES = {"str": "string", "integer": "int", "boolean": "bool", "number": "float",
            "list": "array", "dict": "object"}


def misfit(value: Any, type_name: str) -> tuple[int | None, Any, str] | None:
    """How ``value`` contradicts ``type_name``: ``(item index or None, value, meaning)``.

    ``None`` when it fits, when the type is one apiscribe cannot check (``file``,
    ``querystring``, unknown names), or when the value is ``null`` (not given).
    """
    if value is None:
        return None
    wanted = type_name.strip().lower()
    array_of = ARRAY_OF.match(wanted)
    if array_of:
        if not isinstance(value, list):
            return None, value, TYPE_MEANINGS["array"]
        for index, item in enumerate(value):
            inner = misfit(item, array_of[1])
            if inner is not None:
                return index, item, inner[2]
        return None
    key = _ALIASES.get(wanted, wanted)
    fits = _FITS.get(key)
    if fits is None or fits(value):
        return None
    return None, value, TYPE_MEANINGS[wanted]
