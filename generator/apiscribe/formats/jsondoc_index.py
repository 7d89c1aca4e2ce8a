"""``sections.json``: the index beside a folder of JSON docs.

It holds what the docs themselves do not: the API's title, base URL, version and description,
and each section's title, description and endpoint order. :func:`read_index` reads one (one
diagnostic per problem, with its line and pointer); :func:`render_index` writes one.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, error
from ..documents.lines import LineIndex
from ..documents.load import parse_json, read_text
from ..model import ApiModel
from .jsondoc import SAFE_NAME
from .validation import problems, validator_of

FILENAME = "sections.json"

_TEXT = {"type": "string"}
INDEX_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "base_url": _TEXT, "description": _TEXT, "title": _TEXT, "version": _TEXT,
        "sections": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["slug"],
                "additionalProperties": False,
                "properties": {
                    "slug": _TEXT, "title": _TEXT, "description": _TEXT,
                    "endpoints": {"type": "array", "items": _TEXT},
                },
            },
        },
    },
}


@functools.cache
def _validator() -> Any:
    return validator_of(INDEX_SCHEMA)


@dataclass(frozen=True)
class IndexSection:
    slug: str
    title: str | None
    description: str
    endpoints: tuple[str, ...]


@dataclass(frozen=True)
class Index:
    """A read ``sections.json``: the API's facts (``api``, without sections) and its sections
    in order; ``lines`` locates its pointers for later diagnostics."""

    display: str
    api: ApiModel
    sections: tuple[IndexSection, ...]
    lines: LineIndex


def read_index(path: Path, default: ApiModel) -> tuple[Index | None, list[Diagnostic]]:
    """Read ``path``; ``default`` gives the facts it leaves out. ``None`` after errors."""
    display = str(path)
    text, found = read_text(path, display)
    if text is None:
        return None, found
    value, found, lines = parse_json(text, display)
    if value is None:
        return None, found
    for pointer, code, message, hint in problems(_validator(), value):
        found.append(error(code, message, file=display, line=lines.line_of(pointer),
                           pointer=pointer, hint=hint))
    sections: list[IndexSection] = []
    for number, entry in enumerate(value.get("sections", []) if not found else []):
        at = f"/sections/{number}/slug"
        slug = entry["slug"]
        if not SAFE_NAME.match(slug):
            found.append(error("bad-name", f"section {slug!r} is not a safe file name",
                               file=display, line=lines.line_of(at), pointer=at))
        elif any(s.slug == slug for s in sections):
            found.append(error("bad-field", f"section {slug!r} is listed twice", file=display,
                               line=lines.line_of(at), pointer=at))
        sections.append(IndexSection(slug, entry.get("title"), entry.get("description", ""),
                                     tuple(entry.get("endpoints", []))))
    if found:
        return None, found
    api = ApiModel(value.get("title", default.title), (), value.get("base_url", default.base_url),
                   value.get("version", default.version),
                   value.get("description", default.description))
    return Index(display, api, tuple(sections), lines), []


def render_index(model: ApiModel) -> str:
    """The ``sections.json`` text of ``model``."""
    index = {
        "title": model.title,
        "base_url": model.base_url,
        "version": model.version,
        "description": model.description,
        "sections": [
            {
                "slug": section.slug,
                "title": section.title,
                "description": section.description,
                "endpoints": [ep.name for ep in section.endpoints],
            }
            for section in model.sections
        ],
    }
    return json.dumps(index, indent=2, sort_keys=True) + "\n"
