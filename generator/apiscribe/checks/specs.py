"""Validating OpenAPI 3.x and Swagger 2.0 documents: every error, with file, line and pointer.

Verdicts and messages are openapi-spec-validator's. A valid document is proved valid by a fast
path (compiled meta-schemas and the validator's keyword checks replayed over plain data); any
other document goes through the validator itself. Results can be cached by content hash.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from ..diagnostics import Diagnostic, error
from ..pointers import child, escape_token, unescape_token
from . import spec_cache
from .spec_fastpath import meta_schema_accepts, prove_valid
from .spec_loading import LineIndex, load_document, parse_document, read_bytes
from .spec_validator import KIND, PLACE, REF, default_checker, spec_errors

__all__ = [
    "LineIndex",
    "check_spec_file",
    "load_document",
    "spec_version",
    "validate_document",
    "validate_spec",
]

VERSIONS = {("swagger", "2", "0"): "2.0", ("openapi", "3", "0"): "3.0",
            ("openapi", "3", "1"): "3.1", ("openapi", "3", "2"): "3.2"}
_VERSION_RE = re.compile(r"(?P<major>\d+)\.(?P<minor>\d+)(\..*)?")
_MESSAGE_LIMIT = 500
CODE = "spec-invalid"


def spec_version(document: Any) -> str | None:
    """"2.0", "3.0", "3.1" or "3.2", detected as openapi-spec-validator does; else None."""
    if not isinstance(document, dict):
        return None
    for (keyword, major, minor), name in VERSIONS.items():
        value = document.get(keyword)
        if isinstance(value, str):
            match = _VERSION_RE.match(value)
            if match and (match["major"], match["minor"]) == (major, minor):
                return name
    return None


def _unknown_version(document: Any, file: str, lines: LineIndex) -> Diagnostic:
    code = "unknown-spec-version"
    if not isinstance(document, dict):
        kind = "a list" if isinstance(document, list) else f"a {type(document).__name__} value"
        if document is None:
            kind = "empty"
        message = f"not an OpenAPI or Swagger document: the top level is {kind}, not a mapping"
        return error(code, message, file=file, line=1)
    for keyword in ("openapi", "swagger"):
        if keyword in document:
            message = (
                f"unsupported {keyword} version {document[keyword]!r} "
                "(known: Swagger 2.0, OpenAPI 3.0, 3.1 and 3.2)"
            )
            pointer = "/" + keyword
            return error(code, message, file=file, line=lines.line_of(pointer), pointer=pointer)
    message = "not an OpenAPI or Swagger document: no 'openapi' or 'swagger' field"
    return error(code, message, file=file, line=lines.line_of(""), pointer="")


def _short(text: str, limit: int = _MESSAGE_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


def _local_target(document: Any, ref: str) -> tuple[Any, str] | None:
    if not ref.startswith("#/") and ref != "#":
        return None
    node = document
    pointer = ""
    for segment in ref[2:].split("/") if ref != "#" else []:
        key = unescape_token(segment)
        found, node = child(node, key)
        if not found:
            return None
        pointer += "/" + escape_token(key)
    return node, pointer


def real_pointer(document: Any, parts: tuple[Any, ...]) -> str:
    """The pointer of the node the validator reached through ``parts``, references followed."""
    node = document
    pointer = ""
    for part in parts:
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and part != "$ref":
            target = _local_target(document, node["$ref"])
            hops += 1
            if target is None or hops > 64:
                return pointer
            node, pointer = target
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_list or (isinstance(node, dict) and part in node):
            node = node[part]
        else:
            return pointer
        pointer += "/" + escape_token(part)
    return pointer


def _reference_site(document: Any, pointer: str, ref: str) -> str | None:
    """The pointer of the first ``$ref`` under ``pointer`` whose value ends with ``ref``."""
    found = _local_target(document, "#" + pointer) if pointer else (document, "")
    if found is None:
        return None
    stack: list[tuple[Any, str]] = [found]
    while stack:
        node, here = stack.pop()
        if isinstance(node, dict):
            value = node.get("$ref")
            if isinstance(value, str) and value.endswith(ref):
                return here + "/$ref"
            children = [(v, f"{here}/{escape_token(k)}") for k, v in node.items()]
        elif isinstance(node, list):
            children = [(v, f"{here}/{i}") for i, v in enumerate(node)]
        else:
            continue
        stack.extend(reversed(children))
    return None


def _diagnostic(err: ValidationError, document: Any, lines: LineIndex, file: str) -> Diagnostic:
    place = getattr(err, PLACE, None)
    if place is None:  # a meta-schema error: its path is a plain path in the document
        pointer = "".join("/" + escape_token(p) for p in err.absolute_path)
    else:
        pointer = real_pointer(document, place)
    if getattr(err, KIND, "") == "unresolvable":
        ref = getattr(err, REF, "")
        pointer = (_reference_site(document, pointer, ref)
                   or _reference_site(document, "", ref) or pointer)
    hint = ""
    if err.context:
        likely = best_match(err.context)
        where = "".join("/" + escape_token(p) for p in likely.absolute_path)
        hint = f"probably: {_short(likely.message, 200)} (at {where or '/'})"
    return error(CODE, _short(err.message), file=file, line=lines.line_of(pointer),
                 pointer=pointer, hint=hint)


def validate_document(
    document: Any, path: Path, lines: LineIndex, *, base_uri: str = ""
) -> list[Diagnostic]:
    """Every problem openapi-spec-validator finds in a loaded document (sorted)."""
    file = str(path)
    version = spec_version(document)
    if version is None:
        return [_unknown_version(document, file, lines)]
    base_uri = base_uri or path.resolve().as_uri()
    meta_ok: bool | None = None
    if version in ("2.0", "3.0"):  # compiled: cheap enough to answer before anything else
        meta_ok = meta_schema_accepts(document, version)
    if version != "3.2":
        proven, _ = prove_valid(
            document, version, default_checker(document, version, base_uri), meta_ok=meta_ok
        )
        if proven:
            return []
    errors = spec_errors(document, version, base_uri, meta_ok=meta_ok)
    kinds = [getattr(e, KIND, "") for e in errors]
    if any(kind != "crash" for kind in kinds):  # a crash follows from the other errors
        errors = [e for e, kind in zip(errors, kinds, strict=True) if kind != "crash"]
    diagnostics = {_diagnostic(e, document, lines, file) for e in errors}
    return sorted(diagnostics)


def _has_outside_references(document: Any) -> bool:
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def validate_spec(path: Path, *, cache_dir: Path | None = None) -> list[Diagnostic]:
    """Load and validate one OpenAPI/Swagger file; every problem as a diagnostic (sorted).

    With ``cache_dir``, verdicts are cached by content hash there (nothing is written
    elsewhere); documents that reference other files are not cached. Without it, nothing is
    written at all.
    """
    file = str(path)
    data, problems = read_bytes(path)
    if data is None:
        return problems
    key = spec_cache.cache_key(data, path.suffix) if cache_dir is not None else ""
    if cache_dir is not None:
        cached = spec_cache.read_entry(cache_dir, key, file)
        if cached is not None:
            return cached
    document, problems, lines = parse_document(data, path)
    if document is not None:
        problems = validate_document(document, path, lines)
    if cache_dir is not None and not _has_outside_references(document):
        spec_cache.write_entry(cache_dir, key, problems)
    return problems


def check_spec_file(
    path: Path, *, display: str | None = None, cache_dir: Path | None = None
) -> list[Diagnostic]:
    """:func:`validate_spec`, with diagnostics naming the file as ``display`` when given."""
    found = validate_spec(path, cache_dir=cache_dir)
    if display is None:
        return found
    return [dataclasses.replace(d, file=display) for d in found]
