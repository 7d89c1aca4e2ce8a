"""The OpenAPI importer: an OpenAPI 3.0/3.1 or Swagger 2.0 document (a file or an http(s)
URL) into the model, so that every view works from an existing spec.

It refuses only what it cannot read: a spec with problems is imported as far as it goes, and
each problem is a diagnostic naming the file, the JSON pointer and the line.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from ..checks.spec_loading import LineIndex, load_document, parse_document
from ..diagnostics import Diagnostic, error
from ..model import ApiModel
from .fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, FetchError, fetch, is_url
from .openapi_reader import SpecReader
from .openapi_refs import Doc, Refs
from .swagger import SwaggerReader

__all__ = ["load_spec"]

_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.|$)")
_DIALECTS = {("swagger", "2", "0"): "2.0", ("openapi", "3", "0"): "3.0",
             ("openapi", "3", "1"): "3.1", ("openapi", "3", "2"): "3.1"}


def load_spec(
    source: str | Path,
    *,
    allow_remote_refs: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[ApiModel | None, list[Diagnostic]]:
    """Read a spec into the model: ``(model, diagnostics)``.

    The model is ``None`` only when the input cannot be read at all (missing, not JSON or
    YAML, not an OpenAPI or Swagger document). http(s) references are followed only with
    ``allow_remote_refs``; ``timeout`` (seconds) and ``max_bytes`` bound every download.
    """
    if isinstance(source, str) and is_url(source):
        url = urldefrag(source)[0]
        try:
            data = fetch(url, timeout=timeout, max_bytes=max_bytes)
        except FetchError as exc:
            return None, [error("unreadable", exc.message, file=source, hint=exc.hint)]
        name = Path(urlsplit(url).path).name or "document"
        document, problems, lines = parse_document(data, Path(name))
        problems = [dataclasses.replace(p, file=source) for p in problems]
        key, file = url, source
    else:
        path = Path(source)
        document, problems, lines = load_document(path)
        key, file = str(path.resolve()), str(path)
    if document is None:
        return None, problems
    dialect = _dialect(document)
    if dialect is None:
        return None, [*problems, _not_a_spec(document, file, lines)]
    refs = Refs(Doc(key, file, document, lines, dialect), allow_remote=allow_remote_refs,
                timeout=timeout, max_bytes=max_bytes)
    reader = SwaggerReader(refs) if dialect == "2.0" else SpecReader(refs)
    try:
        model = reader.read()
    except RecursionError:
        message = "the document is nested too deeply to import"
        return None, [*problems, *refs.diagnostics, error("too-deep", message, file=file)]
    return model, sorted([*problems, *refs.diagnostics])


def _dialect(document: Any) -> str | None:
    if not isinstance(document, dict):
        return None
    for (keyword, major, minor), dialect in _DIALECTS.items():
        value = document.get(keyword)
        match = _VERSION.match(value) if isinstance(value, str) else None
        if match and match.groups() == (major, minor):
            return dialect
    return None


def _not_a_spec(document: Any, file: str, lines: LineIndex) -> Diagnostic:
    code = "unknown-spec-version"
    if isinstance(document, dict):
        for keyword in ("openapi", "swagger"):
            if keyword in document:
                message = (f"unsupported {keyword} version {document[keyword]!r} "
                           "(known: Swagger 2.0, OpenAPI 3.0 and 3.1)")
                pointer = f"/{keyword}"
                return error(code, message, file=file, line=lines.line_of(pointer),
                             pointer=pointer)
    message = "not an OpenAPI or Swagger document: no 'openapi' or 'swagger' field"
    return error(code, message, file=file, line=1)
