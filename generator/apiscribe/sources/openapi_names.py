"""Names an imported spec gives the model: endpoint file names, section slugs, short types."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

MAX_NAME = 120
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_OTHER = re.compile(r"[^A-Za-z0-9]+")
_FORMATS = {
    "uri": "url", "url": "url", "date-time": "datetime", "binary": "file",
}


def text(value: Any) -> str:
    """A string field of the spec ("" when absent or not a string)."""
    return value if isinstance(value, str) else ""


def slug(value: str) -> str:
    """``List an Organization's Teams`` → ``list-an-organizations-teams``; ``[a-z0-9-]`` only."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("'", "")
    words = _ACRONYM.sub(r"\1-\2", _CAMEL.sub(r"\1-\2", ascii_text))
    return _OTHER.sub("-", words).strip("-").lower()[:MAX_NAME].rstrip("-")


def endpoint_name(operation_id: str, method: str, path: str) -> str:
    """The endpoint's file name: from its operationId, else ``<method>-<path slug>``."""
    return slug(operation_id) or f"{method.lower()}-{slug(path) or 'root'}"[:MAX_NAME]


def short_type(schema: Any, depth: int = 0) -> str:
    """A schema's brief name: ``string``, ``integer``, ``array[string]``, ``url``,
    ``datetime``, ``file``, or the name of a referenced component."""
    if not isinstance(schema, dict) or depth > 8:
        return "any"
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    kind = schema.get("type")
    if isinstance(kind, list):
        named = [k for k in kind if isinstance(k, str) and k != "null"]
        kind = named[0] if len(named) == 1 else "|".join(named) or "null"
    if kind == "array":
        items = schema.get("items")
        return f"array[{short_type(items, depth + 1)}]" if isinstance(items, dict) and items else (
            "array")
    if kind in ("string", None) and schema.get("format") in _FORMATS:
        return _FORMATS[schema["format"]]
    if kind == "string" and schema.get("contentMediaType") == "application/octet-stream":
        return "file"
    if isinstance(kind, str):
        return kind
    for key in ("oneOf", "anyOf", "allOf"):
        members = schema.get(key)
        if isinstance(members, list) and members:
            names = dict.fromkeys(short_type(m, depth + 1) for m in members)
            return "|".join(names) if key != "allOf" or len(names) == 1 else "object"
    return "object" if "properties" in schema else "any"
