"""Sources: each turns one kind of input into the model, and normalizes its dialect on the
way in.

- :mod:`.drf`: a Django REST framework app's URLconf and view docstrings (:mod:`.docstrings`);
- :mod:`.openapi`: an OpenAPI 3.x or Swagger 2.0 document, a file or an http(s) URL;
- :mod:`.jsondocs`: a folder (or file) of JSON docs in Sentry's format.

:func:`load_input` reads what ``apiscribe convert`` and the MkDocs plugin are given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import ApiscribeError, Diagnostic
from ..documents.fetch import DEFAULT_TIMEOUT, is_url
from ..documents.load import DOCUMENT_SUFFIXES
from ..model import ApiModel
from .openapi import SpecInput


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


def load_input(source: str, *, allow_remote_refs: bool = False,
               timeout: float = DEFAULT_TIMEOUT) -> Loaded:
    """Read an OpenAPI/Swagger document (file or URL), or a folder or file of JSON docs;
    ``timeout`` bounds each download."""
    if is_spec(source):
        from .openapi import read_spec

        spec = read_spec(source, allow_remote_refs=allow_remote_refs, timeout=timeout)
        return Loaded(spec.model, spec.diagnostics, spec)
    if not Path(source).exists():
        raise ApiscribeError(f"{source}: no such file or folder")
    from .jsondocs import load_folder

    model, diagnostics = load_folder(Path(source))
    return Loaded(model, diagnostics)
