"""SHA-256 digests of parts, and of apiscribe's own code: what the build stamp
(:mod:`apiscribe.site.stamp`), the page cache, the load memo (:mod:`apiscribe.load_memo`) and
the kept Markdown (:mod:`apiscribe.markdown_pack`) key their entries on. A root module, so
that a command that keeps no site imports no MkDocs."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Collection, Iterable
from importlib import metadata
from pathlib import Path

from .views.markdown import template_dir

#: The packages whose versions change what a site build makes.
PACKAGES = ("apiscribe", "mkdocs", "mkdocs-material", "markdown", "pymdown-extensions",
            "pygments", "jinja2", "nh3")
_PACKAGE = Path(__file__).resolve().parent
_CODE_SUFFIXES = (".py", ".j2", ".css", ".json")


def version_of(name: str) -> str:
    """The installed version of the distribution ``name`` ("-" when it is not installed)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def files_under(path: Path) -> Iterable[Path]:
    """The files under ``path`` (or ``path`` itself), sorted, without ``__pycache__``."""
    if path.is_dir():
        yield from sorted(p for p in path.rglob("*")
                          if p.is_file() and "__pycache__" not in p.parts)
    elif path.is_file():
        yield path


def is_known_source(source: str | bytes, known: Collection[str]) -> bool:
    """Whether the SHA-256 of ``source`` (as ``sha256sum`` gives it, for text its UTF-8) is one
    of ``known``: the sources of another package that a shortcut of apiscribe's was checked
    against (Material's templates and search parser, ``pymdownx.highlight``)."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    return hashlib.sha256(data).hexdigest() in known


class Digest:
    """A SHA-256 over a sequence of parts, each length-prefixed (so no two sequences of parts
    hash alike by running into each other)."""

    def __init__(self, *parts: str | bytes) -> None:
        self._hash = hashlib.sha256()
        self.add(*parts)

    def add(self, *parts: str | bytes) -> None:
        for part in parts:
            data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
            self._hash.update(len(data).to_bytes(8, "big") + data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


@functools.cache
def code_digest() -> str:
    """A hash of apiscribe's own code, templates and stylesheet, and of the versions of the
    packages that change what a site build makes (see :data:`PACKAGES`)."""
    digest = Digest("apiscribe code", *(f"{n}={version_of(n)}" for n in PACKAGES))
    for root in (_PACKAGE, template_dir()):
        for path in files_under(root):
            if path.suffix in _CODE_SUFFIXES:
                digest.add(path.relative_to(root).as_posix(), path.read_bytes())
    return digest.hexdigest()
