"""Sources: each turns one kind of input into the model, and normalizes its dialect on the
way in.

- :mod:`.drf`: a Django REST framework app's URLconf and view docstrings (:mod:`.docstrings`);
- :mod:`.openapi`: an OpenAPI 3.x or Swagger 2.0 document, a file or an http(s) URL;
- :mod:`.jsondocs`: a folder (or file) of JSON docs in Sentry's format.

:func:`load_input` reads what ``apiscribe convert`` and the MkDocs plugin are given, in two
halves that ``convert`` calls apart (:func:`open_input`, :func:`read_input`): the spec checks
need only the parsed document, so they run while the model is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..collector import collector_paused
from ..diagnostics import ApiscribeError, Diagnostic
from ..documents.fetch import DEFAULT_TIMEOUT, is_url
from ..documents.load import DOCUMENT_SUFFIXES
from ..documents.specs import SpecDigests
from ..model import ApiModel
from .openapi import LastRead, ParsedSpec, SpecInput, parse_spec, read_parsed


@dataclass(frozen=True)
class Loaded:
    """A read input: the model (``None`` when nothing could be read), its diagnostics, and,
    for a spec, what the spec checks read."""

    model: ApiModel | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    spec: SpecInput | None = None


def is_spec(source: str) -> bool:
    """Whether ``source`` names an OpenAPI/Swagger document (a URL, or a JSON or YAML file),
    rather than JSON docs."""
    return is_url(source) or (Path(source).is_file()
                              and Path(source).suffix.lower() in DOCUMENT_SUFFIXES)


@dataclass(frozen=True)
class Opened:
    """An input about to be read: a spec as parsed (``spec``), or a folder or file of JSON
    docs (``spec`` is ``None``)."""

    source: str
    spec: ParsedSpec | None = None


def open_input(source: str, *, timeout: float = DEFAULT_TIMEOUT) -> Opened:
    """Parse a spec (file or URL; ``timeout`` bounds the download), or find a folder or file
    of JSON docs: the first half of :func:`load_input`, all the spec checks need."""
    if is_spec(source):
        with collector_paused():  # a tree of new objects, without cycles
            return Opened(source, parse_spec(source, timeout=timeout))
    if not Path(source).exists():
        raise ApiscribeError(f"{source}: no such file or folder")
    return Opened(source)


def read_input(opened: Opened, *, allow_remote_refs: bool = False,
               timeout: float = DEFAULT_TIMEOUT, digests: SpecDigests | None = None,
               last: LastRead | None = None) -> Loaded:
    """Read an opened input into the model: the second half of :func:`load_input`. A spec
    with its ``digests`` starts from ``last``, an earlier read of it (in this process, or
    kept by an earlier one), where it can (:func:`~.openapi.read_parsed`)."""
    with collector_paused():
        if opened.spec is not None:
            spec = read_parsed(opened.spec, allow_remote_refs=allow_remote_refs,
                               timeout=timeout, digests=digests, last=last)
            return Loaded(spec.model, spec.diagnostics, spec)
        from .jsondocs import load_folder

        model, diagnostics = load_folder(Path(opened.source))
        return Loaded(model, diagnostics)


def load_input(source: str, *, allow_remote_refs: bool = False,
               timeout: float = DEFAULT_TIMEOUT) -> Loaded:
    """Read an OpenAPI/Swagger document (file or URL), or a folder or file of JSON docs;
    ``timeout`` bounds each download."""
    return read_input(open_input(source, timeout=timeout),
                      allow_remote_refs=allow_remote_refs, timeout=timeout)
