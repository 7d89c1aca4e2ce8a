"""A cache of spec verdicts, keyed by the document's bytes and the validators' versions.

One JSON file per document under ``<cache_dir>/specs/``, written atomically. An entry that does
not read back (corrupt, truncated, another format) is ignored and later replaced.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from ..diagnostics import ApiscribeError, Diagnostic
from ..writer import encode, write_file_atomic

FORMAT = 2
_PACKAGES = ("apiscribe", "openapi-spec-validator", "openapi-schema-validator", "jsonschema",
             "jsonschema-path", "referencing", "PyYAML")
_FIELDS = ("line", "level", "code", "message", "pointer", "endpoint", "hint")


@cache
def versions() -> bytes:
    """apiscribe's and the validators' versions, with the cache's format."""
    parts = [f"format={FORMAT}"]
    for name in _PACKAGES:
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=?")
    return "\n".join(parts).encode()


def cache_key(data: bytes, suffix: str = "") -> str:
    """sha256 of the bytes, the file suffix (read as JSON or YAML) and the validators' versions."""
    digest = hashlib.sha256(versions())
    digest.update(b"\0" + suffix.lower().encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


def _entry(cache_dir: Path, key: str) -> Path:
    return cache_dir / "specs" / f"{key}.json"


def read_entry(cache_dir: Path, key: str, file: str) -> list[Diagnostic] | None:
    """The cached diagnostics (attached to ``file``), or None when absent or unreadable."""
    try:
        payload = json.loads(_entry(cache_dir, key).read_text(encoding="utf-8"))
        if payload.get("format") != FORMAT or payload.get("key") != key:
            return None
        return [_diagnostic(item, file) for item in payload["diagnostics"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _diagnostic(item: Any, file: str) -> Diagnostic:
    line, level, code, message, pointer, endpoint, hint = (item[f] for f in _FIELDS)
    if not isinstance(line, int) or level not in ("error", "warning"):
        raise TypeError("bad entry")
    if not all(isinstance(v, str) for v in (code, message, pointer, endpoint, hint)):
        raise TypeError("bad entry")
    return Diagnostic(file, line, level, code, message, pointer, endpoint, hint)


def write_entry(cache_dir: Path, key: str, diagnostics: list[Diagnostic]) -> None:
    """Store ``diagnostics`` for ``key``; a cache that cannot be written is skipped silently."""
    target = _entry(cache_dir, key)
    payload = {
        "format": FORMAT,
        "key": key,
        "diagnostics": [{f: getattr(d, f) for f in _FIELDS} for d in diagnostics],
    }
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_file_atomic(target, encode(json.dumps(payload, sort_keys=True)))
    except (OSError, ApiscribeError):
        return
