"""The OpenAPI importer: an OpenAPI 3.0/3.1 or Swagger 2.0 document (a file or an http(s)
URL) into the model, so that every view works from an existing spec.

It refuses only what it cannot read: a spec with problems is imported as far as it goes, and
each problem is a diagnostic naming the file, the JSON pointer and the line.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

from ...diagnostics import Diagnostic, error
from ...documents.fetch import DEFAULT_TIMEOUT, FetchError, fetch, is_url
from ...documents.lines import LineIndex
from ...documents.load import load_document, parse_document
from ...documents.refs import Doc, Resolver
from ...documents.specs import SpecDigests, not_a_spec, operation_pointers, spec_version
from ...model import ApiModel
from .reader import LastRead, SpecReader
from .swagger import SwaggerReader

__all__ = ["LastRead", "ParsedSpec", "SpecInput", "load_spec", "parse_spec", "read_document",
           "read_parsed", "read_spec"]

#: The version of a document → the dialect its schemas are read in.
_DIALECTS = {"2.0": "2.0", "3.0": "3.0", "3.1": "3.1", "3.2": "3.1"}


@dataclass(frozen=True)
class SpecInput:
    """A read spec: the model (``None`` when the input cannot be read at all), every
    diagnostic, and the parsed document with its lines and its name in diagnostics (what the
    spec checks read, so the input is parsed once)."""

    model: ApiModel | None
    diagnostics: list[Diagnostic]
    document: Any = None
    lines: LineIndex = dataclasses.field(default_factory=lambda: LineIndex({}))
    file: str = ""
    base_uri: str = ""
    #: The other documents its references read (their keys): what the model is also made of.
    referenced: tuple[str, ...] = ()
    #: What the read leaves for a later read of the same document (given its digests).
    kept: LastRead | None = None


@dataclass(frozen=True)
class ParsedSpec:
    """A spec file or URL as parsed, before it is read into the model: the document
    (``None`` when it cannot be parsed, or fetched), the problems of parsing it, its lines,
    and its names (``key`` for references, ``file`` in diagnostics, ``base_uri``). It is
    what the spec checks read, so they can start while the model is read."""

    document: Any
    problems: list[Diagnostic]
    lines: LineIndex
    key: str
    file: str
    base_uri: str


def parse_spec(source: str | Path, *, timeout: float = DEFAULT_TIMEOUT,
               max_bytes: int | None = None) -> ParsedSpec:
    """Fetch (a URL) or load (a file) and parse a spec; ``timeout`` (seconds) and
    ``max_bytes`` (by default the input size limit of :mod:`apiscribe.documents.limits`)
    bound the download."""
    if isinstance(source, str) and is_url(source):
        url = urldefrag(source)[0]
        try:
            data = fetch(url, timeout=timeout, max_bytes=max_bytes)
        except FetchError as exc:
            return ParsedSpec(None, [error("unreadable", exc.message, file=source,
                                           hint=exc.hint)], LineIndex({}), url, source, url)
        name = Path(urlsplit(url).path).name or "document"
        document, problems, lines = parse_document(data, Path(name))
        problems = [dataclasses.replace(p, file=source) for p in problems]
        return ParsedSpec(document, problems, lines, url, source, url)
    path = Path(source)
    document, problems, lines = load_document(path)
    return ParsedSpec(document, problems, lines, str(path.resolve()), str(path),
                      path.resolve().as_uri())


def read_parsed(parsed: ParsedSpec, *, allow_remote_refs: bool = False,
                timeout: float = DEFAULT_TIMEOUT, max_bytes: int | None = None,
                digests: SpecDigests | None = None, last: LastRead | None = None
                ) -> SpecInput:
    """Read a parsed spec into the model. http(s) references are followed only with
    ``allow_remote_refs``; ``timeout`` and ``max_bytes`` bound every download. With the
    document's ``digests``, the read starts from ``last`` where it can and leaves
    ``SpecInput.kept`` for the next (:class:`~.reader.LastRead`)."""
    if parsed.document is None:
        return SpecInput(None, parsed.problems)
    return _read(parsed.document, parsed.problems, parsed.lines, parsed.key, parsed.file,
                 parsed.base_uri, allow_remote_refs, timeout, max_bytes, digests, last)


def read_spec(
    source: str | Path,
    *,
    allow_remote_refs: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int | None = None,
) -> SpecInput:
    """Read a spec into the model: :func:`parse_spec`, then :func:`read_parsed`."""
    return read_parsed(parse_spec(source, timeout=timeout, max_bytes=max_bytes),
                       allow_remote_refs=allow_remote_refs, timeout=timeout,
                       max_bytes=max_bytes)


def read_document(document: Any, name: str) -> SpecInput:
    """Read a spec that a program made in memory (a framework's ``openapi()``) into the
    model; ``name`` stands for it in diagnostics. Only local references are followed."""
    return _read(document, [], LineIndex({}), name, name, "", False, DEFAULT_TIMEOUT, None)


def _read(document: Any, problems: list[Diagnostic], lines: LineIndex, key: str, file: str,
          base_uri: str, allow_remote_refs: bool, timeout: float, max_bytes: int | None,
          digests: SpecDigests | None = None, last: LastRead | None = None) -> SpecInput:
    version = spec_version(document)
    if version is None:
        return SpecInput(None, [*problems, not_a_spec(document, file, lines)])
    resolver = Resolver(Doc(key, file, document, lines, _DIALECTS[version]),
                        allow_remote=allow_remote_refs, timeout=timeout, max_bytes=max_bytes)
    reader = (SwaggerReader if version == "2.0" else SpecReader)(resolver, digests, last)
    lines.expect(operation_pointers(document))  # the reader asks each one's line: one pass
    try:
        model = reader.read()
    except RecursionError:
        message = "the document is nested too deeply to import"
        return SpecInput(None, [*problems, *resolver.diagnostics,
                                error("too-deep", message, file=file)])
    return SpecInput(model, sorted([*problems, *resolver.diagnostics]), document, lines, file,
                     base_uri, resolver.referenced, reader.kept)


def load_spec(
    source: str | Path,
    *,
    allow_remote_refs: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int | None = None,
) -> tuple[ApiModel | None, list[Diagnostic]]:
    """:func:`read_spec`, as ``(model, diagnostics)``."""
    read = read_spec(source, allow_remote_refs=allow_remote_refs, timeout=timeout,
                     max_bytes=max_bytes)
    return read.model, read.diagnostics
