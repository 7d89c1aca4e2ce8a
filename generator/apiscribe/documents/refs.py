"""The one ``$ref`` resolver, with its folder-and-remote policy.

- Local references and relative files under the input's folder (JSON or YAML, with
  fragments) are followed; http(s) references only when allowed, and relative references of
  a document loaded from a URL when they stay under its folder.
- A reference that leaves the input's folder (``../x.yaml``, an absolute path, ``file://``)
  is refused and its target is never read.

Documents live in a ``referencing`` registry: a document not read yet is retrieved through
the registry's retrieve hook, which reads it here (:mod:`apiscribe.documents.load`, with its
lines) once the policy has allowed it. Every problem is a diagnostic at the place of the
reference, with its file and line. :func:`follow_local` follows references inside one
document, for the checks that read a document as it is.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from referencing import Registry, Resource
from referencing.exceptions import Unretrievable

from ..diagnostics import Diagnostic, Level, error, warning
from .fetch import FetchError, fetch, is_url
from .lines import LineIndex
from .load import parse_document, read_bytes
from .pointer import escape_token, fragment_tokens, resolve, tokens

_MAX_HOPS = 64

if os.name == "nt":
    from urllib.request import url2pathname
else:
    def url2pathname(pathname: str) -> str:
        """The path of a ``file:`` URI's path, as :meth:`pathlib.Path.as_uri` wrote it (the
        file system's encoding), without importing urllib.request's HTTP client (17 ms)."""
        return unquote(pathname, encoding=sys.getfilesystemencoding(),
                       errors=sys.getfilesystemencodeerrors())


@dataclass
class Doc:
    """One loaded document: ``key`` is its absolute path or URL, ``file`` its display name,
    ``dialect`` the root document's spec version (``2.0``, ``3.0`` or ``3.1``)."""

    key: str
    file: str
    data: Any
    lines: LineIndex
    dialect: str


#: A node, the document it is in, and its pointer there.
Located = tuple[Any, Doc, str]
#: A place: (document key, pointer).
Place = tuple[str, str]


class Unreadable(Exception):
    """A referenced document that cannot be read; the message says why."""


def remote_refused(ref: str) -> tuple[str, str, str]:
    """The code, message and hint of a remote reference the policy refuses."""
    return ("ref-remote-refused", f"$ref '{ref}' is a remote reference: refused",
            "allow remote references to follow it (--allow-remote-refs)")


def outside_folder(ref: str, root_file: str) -> tuple[str, str, str]:
    """The code, message and hint of a reference that leaves the input's folder."""
    return ("ref-outside-folder", f"$ref '{ref}' points outside the folder of {root_file}: "
            "refused", "keep referenced files in the input's folder or below it")


class RefRefused(Exception):
    """A reference the policy refuses, raised where a library asks for a document (its
    message names the reference, never the target's content)."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


class _EveryScheme(dict[str, Callable[[str], Any]]):
    """Handlers for every URI scheme: a library that falls back to ``urlopen`` for schemes
    it has no handler for (``ftp:``, ``data:``…) finds one here."""

    def __init__(self, handler: Callable[[str], Any]) -> None:
        super().__init__()
        self._handler = handler

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> Callable[[str], Any]:
        return self._handler

    def get(self, key: str, default: Any = None) -> Callable[[str], Any]:
        return self._handler


def guarded_handlers(base_uri: str, *, allow_remote: bool = False,
                     timeout: float = 20.0, max_bytes: int | None = None
                     ) -> dict[str, Callable[[str], Any]]:
    """URI handlers for a validator (``jsonschema-path``) that read documents under the same
    policy as :class:`Resolver`: files under the folder of ``base_uri``, http(s) only when
    ``allow_remote`` (or under the folder of a document loaded from a URL). A refused
    reference raises :class:`RefRefused`; nothing outside is read or fetched."""
    root = urlsplit(base_uri)
    remote_root = root.scheme in ("http", "https")
    folder_url = base_uri.rsplit("/", 1)[0] + "/"
    folder = Path(url2pathname(root.path)).parent if root.scheme == "file" else None
    root_file = Path(url2pathname(root.path)).name or base_uri

    def load(uri: str) -> Any:
        target = urldefrag(uri)[0]
        parts = urlsplit(target)
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            if not (allow_remote or (remote_root and target.startswith(folder_url))):
                raise RefRefused(*remote_refused(uri))
            try:
                data = fetch(target, timeout=timeout, max_bytes=max_bytes)
            except FetchError as exc:
                raise Unreadable(exc.message) from None
            name = Path(parts.path).name or "document"
        else:
            path = Path(url2pathname(parts.path)).resolve() if scheme == "file" else None
            if path is None or folder is None or not path.is_relative_to(folder.resolve()):
                raise RefRefused(*outside_folder(uri, root_file))
            read, problems = read_bytes(path)
            if read is None:
                raise Unreadable(problems[0].message)
            data, name = read, path.name
        document, problems, _ = parse_document(data, Path(name))
        if document is None:
            raise Unreadable(problems[0].headline() if problems else
                             f"{uri} is not a readable JSON or YAML document")
        return document

    return _EveryScheme(load)


class Resolver:
    """Reference resolution for one input; collects the diagnostics of everything read."""

    def __init__(
        self, root: Doc, *, allow_remote: bool = False, timeout: float = 20.0,
        max_bytes: int | None = None,
    ) -> None:
        self.root = root
        self.allow_remote = allow_remote
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.diagnostics: list[Diagnostic] = []
        #: The endpoint named in diagnostics while one is being read.
        self.endpoint = ""
        self._seen: set[tuple[str, str, str, str]] = set()
        self._docs: dict[str, Doc] = {root.key: root}
        self._displays: dict[str, str] = {}
        # referencing types ``retrieve`` in an attrs field that mypy does not see.
        self._registry: Registry[Any] = Registry(
            retrieve=self._retrieve,  # type: ignore[call-arg]
        ).with_resource(root.key, Resource.opaque(root.data))
        if is_url(root.key):
            self._folder_url = root.key.rsplit("/", 1)[0] + "/"
        else:
            self._folder = Path(root.key).parent

    @property
    def referenced(self) -> tuple[str, ...]:
        """The other documents read for the root's references (their keys), in reading order."""
        return tuple(key for key in self._docs if key != self.root.key)

    # -- diagnostics ----------------------------------------------------------------------

    def report(
        self, code: str, message: str, doc: Doc, pointer: str, *, level: Level = "error",
        hint: str = "",
    ) -> None:
        """Record a problem at ``pointer`` of ``doc`` (once per place and message)."""
        key = (code, doc.file, pointer, message)
        if key in self._seen:
            return
        self._seen.add(key)
        make = error if level == "error" else warning
        self.diagnostics.append(make(
            code, message, file=doc.file, line=doc.lines.line_of(pointer), pointer=pointer,
            endpoint=self.endpoint, hint=hint,
        ))

    def report_cycle(self, places: Iterable[Place], doc: Doc, site: str, label: str) -> None:
        """A ``ref-cycle`` through ``places``, reported at ``site`` of ``doc``."""
        shown = [("" if key == self.root.key else self._docs[key].file) + f"#{pointer}"
                 for key, pointer in places]
        self.report("ref-cycle", f"{label}: {' -> '.join(shown)}", doc, site,
                    hint="a schema cannot include itself; break the cycle")

    # -- locating -------------------------------------------------------------------------

    def locate(self, ref: str, doc: Doc, site: str) -> Located | None:
        """The node ``ref`` (written at ``site`` of ``doc``) points to, or None (reported)."""
        address, _, fragment = ref.partition("#")
        target = self._document(address, ref, doc, site)
        if target is None:
            return None
        if fragment and not unquote(fragment).startswith("/"):
            self.report("ref-not-found", f"$ref '{ref}' points to nothing: only JSON pointer "
                        "fragments (#/...) are supported", doc, site)
            return None
        keys = fragment_tokens(fragment)
        found, node, count = resolve(target.data, keys)
        if not found:
            reached = "".join("/" + escape_token(k) for k in keys[:count])
            place = ("" if target is doc else target.file) + (f"#{reached}" if reached else "")
            self.report("ref-not-found", f"$ref '{ref}' points to nothing: no "
                        f"'{keys[count]}' in {place or 'the document'}", doc, site)
            return None
        return node, target, "".join("/" + escape_token(k) for k in keys)

    def _document(self, address: str, ref: str, doc: Doc, site: str) -> Doc | None:
        if not address:
            return doc
        scheme = urlsplit(address).scheme.lower()
        if scheme in ("http", "https") or (not scheme and is_url(doc.key)):
            url = urldefrag(urljoin(doc.key, address))[0]
            if not self.allow_remote and not self._under_root_url(url):
                code, message, hint = remote_refused(ref)
                self.report(code, message, doc, site, hint=hint)
                return None
            return self._load(url, url, ref, doc, site)
        if scheme or address.startswith(("/", "\\")):
            self._outside(ref, doc, site)
            return None
        target = (Path(doc.key).parent / unquote(address)).resolve()
        if not target.is_relative_to(self._folder):
            self._outside(ref, doc, site)
            return None
        relative = target.relative_to(self._folder).as_posix()
        display = posixpath.join(posixpath.dirname(self.root.file.replace("\\", "/")), relative)
        return self._load(str(target), display, ref, doc, site)

    def _under_root_url(self, url: str) -> bool:
        return is_url(self.root.key) and url.startswith(self._folder_url)

    def _outside(self, ref: str, doc: Doc, site: str) -> None:
        code, message, hint = outside_folder(ref, self.root.file)
        self.report(code, message, doc, site, hint=hint)

    def _load(self, key: str, display: str, ref: str, doc: Doc, site: str) -> Doc | None:
        """The document at ``key`` (allowed by the policy), read through the registry."""
        self._displays.setdefault(key, display)
        try:
            retrieved = self._registry.get_or_retrieve(key)
        except Unretrievable as exc:
            reason = str(exc.__cause__) if exc.__cause__ is not None else "cannot be read"
            self.report("ref-not-found", f"$ref '{ref}' points to nothing: {reason}", doc, site)
            return None
        self._registry = retrieved.registry
        return self._docs[key]

    def _retrieve(self, key: str) -> Resource[Any]:
        """The registry's retrieve hook: read a document the policy allowed."""
        display = self._displays.get(key, key)
        if is_url(key):
            try:
                data = fetch(key, timeout=self.timeout, max_bytes=self.max_bytes)
            except FetchError as exc:
                raise Unreadable(exc.message) from None
            name = Path(urlsplit(key).path).name or "document"
        else:
            read, problems = read_bytes(Path(key))
            if read is None:
                raise Unreadable(f"{display}: {problems[0].message}")
            data, name = read, display
        document, problems, lines = parse_document(data, Path(name))
        if document is None:
            self.diagnostics.extend(dataclasses.replace(p, file=display) for p in problems)
            raise Unreadable(f"{display} is not a readable JSON or YAML document")
        self._docs[key] = Doc(key, display, document, lines, self.root.dialect)
        return Resource.opaque(document)

    # -- following ------------------------------------------------------------------------

    def follow(self, node: Any, doc: Doc, pointer: str) -> Located | None:
        """``node`` with its ``$ref`` chain followed (in 3.1, a reference's own ``summary``
        and ``description`` win over its target's)."""
        chain: list[Place] = []
        overrides: dict[str, Any] = {}
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            if doc.dialect == "3.1":
                overrides = {k: v for k, v in node.items() if k in ("summary", "description")
                             } | overrides
            found = self.locate(node["$ref"], doc, pointer + "/$ref")
            if found is None:
                return None
            place = (found[1].key, found[2])
            if place in chain:
                self.report_cycle([*chain[chain.index(place):], place], doc,
                                  pointer + "/$ref", "$ref cycle")
                return None
            chain.append(place)
            node, doc, pointer = found
        if overrides and isinstance(node, dict):
            node = node | overrides
        return node, doc, pointer


def local_target(document: Any, ref: str) -> tuple[Any, str] | None:
    """The node a local reference (``#/...``) points to in ``document``, and its pointer."""
    if not ref.startswith("#/") and ref != "#":
        return None
    keys = fragment_tokens(ref[1:])
    found, node, _ = resolve(document, keys)
    return (node, "".join("/" + escape_token(k) for k in keys)) if found else None


def follow_local(document: Any, node: Any, pointer: str) -> tuple[Any, str]:
    """``node`` (at ``pointer``) with its chain of local references followed;
    ``(None, "")`` when one leads outside the document, nowhere, or round in a loop."""
    for _ in range(_MAX_HOPS):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str):
            return node, pointer
        found = local_target(document, ref)
        if found is None:
            return None, ""
        node, pointer = found
    return None, ""


def real_pointer(document: Any, parts: Iterable[str | int]) -> str:
    """The pointer of the node reached through ``parts`` (keys and indexes) with every local
    reference on the way followed; it stops at the last node it could reach."""
    node, pointer = document, ""
    for part in parts:
        if part != "$ref":
            followed, at = follow_local(document, node, pointer)
            if followed is None:
                return pointer
            node, pointer = followed, at
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_list or (isinstance(node, dict) and part in node)):
            return pointer
        node = node[part]
        pointer += "/" + escape_token(part)
    return pointer


def ref_sites(document: Any, pointer: str, ref: str) -> str | None:
    """The pointer of the first ``$ref`` under ``pointer`` whose value ends with ``ref``."""
    found, start, _ = resolve(document, tokens(pointer))
    if not found:
        return None
    stack: list[tuple[Any, str]] = [(start, pointer)]
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


