"""Following the ``$ref``s of an OpenAPI or Swagger document.

- Local references and relative files under the input's folder (JSON or YAML, with
  fragments) are followed; http(s) references only when allowed, and relative references of
  a document loaded from a URL when they stay under its folder.
- A reference that leaves the input's folder (``../x.yaml``, an absolute path, ``file://``)
  is refused and its target is never read.
- Schemas stored in the model keep their references, as ``#/components/schemas/<name>``:
  a schema that is not a component of the input (in another file, or elsewhere in it) is
  brought into the components under a name derived from the reference, so recursive schemas
  stay finite. Other objects (parameters, responses...) are followed where the model needs
  them.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from ..checks.spec_loading import LineIndex, escape_token, parse_document, read_bytes
from ..diagnostics import Diagnostic, error, warning
from .fetch import FetchError, fetch, is_url

COMPONENT_SCHEMAS = "#/components/schemas/"

# Schema keywords holding a map of schemas, one schema, or a list of schemas.
_SCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
_SCHEMA_ONE = frozenset({
    "items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames",
    "unevaluatedItems", "unevaluatedProperties", "additionalItems", "contentSchema",
})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
# Keys whose values are data, never followed (``$ref`` inside them is just a key).
_DATA_KEYS = frozenset({"example", "value", "default", "enum", "const"})
_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")

Located = tuple[Any, "Doc", str]
_Place = tuple[str, str]  # (document key, pointer)


@dataclass
class Doc:
    """One loaded document: ``key`` is its absolute path or URL, ``file`` its display name."""

    key: str
    file: str
    data: Any
    lines: LineIndex
    dialect: str  # "2.0", "3.0" or "3.1"


@dataclass(frozen=True)
class _Edge:
    """A schema that is another one (``$ref``) or includes it (``allOf``)."""

    owner: str
    target: str
    via_all_of: bool
    doc: Doc
    pointer: str
    path: tuple[str | int, ...]


class Refs:
    """Reference resolution for one input, collecting diagnostics and imported schemas."""

    def __init__(
        self, root: Doc, *, allow_remote: bool = False, timeout: float = 20.0,
        max_bytes: int = 50_000_000,
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
        self._broken: dict[str, str] = {}
        self._names: dict[tuple[str, str], str] = {}
        self._schemas: dict[str, Any] = {}
        self._origins: dict[str, tuple[Doc, str]] = {}
        self._edges: list[_Edge] = []
        if is_url(root.key):
            self._folder_url = root.key.rsplit("/", 1)[0] + "/"
        else:
            self._folder = Path(root.key).parent

    # -- diagnostics ----------------------------------------------------------------------

    def report(
        self, code: str, message: str, doc: Doc, pointer: str, *, level: str = "error",
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

    # -- locating -------------------------------------------------------------------------

    def locate(self, ref: str, doc: Doc, site: str) -> Located | None:
        """The node ``ref`` (written at ``site`` of ``doc``) points to, or None (reported)."""
        address, _, fragment = ref.partition("#")
        target = self._document(address, ref, doc, site)
        if target is None:
            return None
        fragment = unquote(fragment)
        if fragment and not fragment.startswith("/"):
            self.report("ref-not-found", f"$ref '{ref}' points to nothing: only JSON pointer "
                        "fragments (#/...) are supported", doc, site)
            return None
        node, pointer = target.data, ""
        for token in fragment.split("/")[1:] if fragment else ():
            key = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                place = ("" if target is doc else target.file) + (f"#{pointer}" if pointer else "")
                self.report("ref-not-found", f"$ref '{ref}' points to nothing: no '{key}' in "
                            f"{place or 'the document'}", doc, site)
                return None
            pointer += "/" + escape_token(key)
        return node, target, pointer

    def _document(self, address: str, ref: str, doc: Doc, site: str) -> Doc | None:
        if not address:
            return doc
        scheme = urlsplit(address).scheme.lower()
        if scheme in ("http", "https") or (not scheme and is_url(doc.key)):
            url = urldefrag(urljoin(doc.key, address))[0]
            if not self.allow_remote and not self._under_root_url(url):
                self.report("ref-remote-refused", f"$ref '{ref}' is a remote reference: refused",
                            doc, site, hint="allow remote references to follow it "
                            "(allow_remote_refs=True)")
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
        self.report("ref-outside-folder", f"$ref '{ref}' points outside the folder of "
                    f"{self.root.file}: refused", doc, site,
                    hint="keep referenced files in the input's folder or below it")

    def _load(self, key: str, display: str, ref: str, doc: Doc, site: str) -> Doc | None:
        found = self._docs.get(key)
        if found is not None:
            return found
        reason = self._broken.get(key)
        if reason is None:
            loaded, reason = self._read(key, display)
            if loaded is not None:
                self._docs[key] = loaded
                return loaded
            self._broken[key] = reason
        self.report("ref-not-found", f"$ref '{ref}' points to nothing: {reason}", doc, site)
        return None

    def _read(self, key: str, display: str) -> tuple[Doc | None, str]:
        if is_url(key):
            try:
                data: bytes | None = fetch(key, timeout=self.timeout, max_bytes=self.max_bytes)
            except FetchError as exc:
                return None, exc.message
            name = Path(urlsplit(key).path).name or "document"
            problems: list[Diagnostic] = []
        else:
            data, problems = read_bytes(Path(key))
            name = display
        if data is None:
            return None, f"{display}: {problems[0].message}"
        document, problems, lines = parse_document(data, Path(name))
        if document is None:
            self.diagnostics.extend(dataclasses.replace(p, file=display) for p in problems)
            return None, f"{display} is not a readable JSON or YAML document"
        return Doc(key, display, document, lines, self.root.dialect), ""

    # -- following ------------------------------------------------------------------------

    def follow(self, node: Any, doc: Doc, pointer: str) -> Located | None:
        """``node`` with its ``$ref`` chain followed (sibling summary/description win)."""
        chain: list[_Place] = []
        overrides: dict[str, Any] = {}
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            if doc.dialect == "3.1":  # 3.1 lets a reference override these two
                overrides = {k: v for k, v in node.items() if k in ("summary", "description")
                             } | overrides
            found = self.locate(node["$ref"], doc, pointer + "/$ref")
            if found is None:
                return None
            place = (found[1].key, found[2])
            if place in chain:
                self._cycle([*chain[chain.index(place):], place], doc, pointer + "/$ref",
                            "$ref cycle")
                return None
            chain.append(place)
            node, doc, pointer = found
        if overrides and isinstance(node, dict):
            node = node | overrides
        return node, doc, pointer

    def raw(self, node: Any, doc: Doc, pointer: str, active: tuple[_Place, ...] = ()) -> Any:
        """A non-schema object as the model keeps it: components of the input stay
        references, other references are replaced by their (converted) targets."""
        if isinstance(node, list):
            return [self.raw(v, doc, f"{pointer}/{i}", active) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            found = self.locate(ref, doc, pointer + "/$ref")
            if found is None:
                return {}
            target, tdoc, tpointer = found
            if tdoc is self.root and self._kept(tpointer):
                return node | {"$ref": "#" + tpointer}
            place = (tdoc.key, tpointer)
            if place in active:
                self._cycle([*active[active.index(place):], place], doc, pointer + "/$ref",
                            "$ref cycle")
                return {}
            return self.raw(target, tdoc, tpointer, (*active, place))
        out: dict[str, Any] = {}
        for key, value in node.items():
            child = f"{pointer}/{escape_token(key)}"
            if key in _DATA_KEYS or key.startswith("x-"):
                out[key] = value
            elif key == "schema":
                out[key] = self.schema(value, doc, child)
            else:
                out[key] = self.raw(value, doc, child, active)
        return out

    def _kept(self, pointer: str) -> bool:
        """Whether a local reference stays a reference: a component of an OpenAPI 3 input."""
        parts = pointer.split("/")
        return self.root.dialect != "2.0" and len(parts) == 4 and parts[1] == "components"

    # -- schemas --------------------------------------------------------------------------

    def register_components(self, pointer: str) -> None:
        """Name each schema of the root's map at ``pointer`` after its key, and convert it."""
        members = self._at(pointer)
        if not isinstance(members, dict):
            return
        for name in members:
            where = f"{pointer}/{escape_token(name)}"
            self._names[self.root.key, where] = name
            self._origins[name] = (self.root, where)
        for name, value in members.items():
            where = f"{pointer}/{escape_token(name)}"
            self._schemas[name] = self._schema(value, self.root, where, name, (), True, False)

    def _at(self, pointer: str) -> Any:
        node = self.root.data
        for token in pointer.split("/")[1:]:
            node = node.get(token.replace("~1", "/").replace("~0", "~")) if isinstance(
                node, dict) else None
        return node

    def schema(self, node: Any, doc: Doc, pointer: str) -> Any:
        """A schema as the model keeps it (see the module's docstring)."""
        return self._schema(node, doc, pointer, None, (), False, False)

    def _schema(
        self, node: Any, doc: Doc, pointer: str, owner: str | None,
        path: tuple[str | int, ...], direct: bool, via_all_of: bool,
    ) -> Any:
        if isinstance(node, list):
            return [self._schema(v, doc, f"{pointer}/{i}", owner, (*path, i), False, False)
                    for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        ref = node.get("$ref")
        if isinstance(ref, str):
            found = self.locate(ref, doc, pointer + "/$ref")
            if found is not None:
                name = self._schema_name(found)
                out["$ref"] = COMPONENT_SCHEMAS + escape_token(name)
                if owner is not None and direct:
                    self._edges.append(
                        _Edge(owner, name, via_all_of, doc, pointer + "/$ref", path))
        for key, value in node.items():
            if key == "$ref" and isinstance(ref, str):
                continue
            child = f"{pointer}/{escape_token(key)}"
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {
                    k: self._schema(v, doc, f"{child}/{escape_token(k)}", owner, (*path, key, k),
                                    False, False)
                    for k, v in value.items()
                }
            elif key in _SCHEMA_ONE:
                out[key] = self._schema(value, doc, child, owner, (*path, key), False, False)
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                all_of = key == "allOf"
                out[key] = [
                    self._schema(v, doc, f"{child}/{i}", owner, (*path, key, i),
                                 direct and all_of, via_all_of or all_of)
                    for i, v in enumerate(value)
                ]
            else:
                out[key] = value
        if doc.dialect == "2.0":
            _swagger_schema(out)
        return out

    def _schema_name(self, found: Located) -> str:
        node, doc, pointer = found
        name = self._names.get((doc.key, pointer))
        if name is not None:
            return name
        base = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~") if pointer else (
            Path(urlsplit(doc.file).path).stem)
        base = _NAME_CHARS.sub("_", base).strip("_") or "Schema"
        name, number = base, 1
        while name in self._origins:
            number += 1
            name = f"{base}_{number}"
        self._names[doc.key, pointer] = name
        self._origins[name] = (doc, pointer)
        self._schemas[name] = {}
        self._schemas[name] = self._schema(node, doc, pointer, name, (), True, False)
        return name

    def component_schemas(self) -> dict[str, Any]:
        """Every schema the model refers to, by component name."""
        return dict(self._schemas)

    def target(self, schema: Any) -> Any:
        """A kept schema with its component reference followed (to a bounded depth)."""
        for _ in range(32):
            if not isinstance(schema, dict) or not isinstance(schema.get("$ref"), str):
                return schema
            name = schema["$ref"].removeprefix(COMPONENT_SCHEMAS).replace("~1", "/").replace(
                "~0", "~")
            schema = self._schemas.get(name)
        return None

    def check_cycles(self) -> None:
        """Report (and cut) each cycle of schemas that are, or include, one another."""
        graph: dict[str, list[_Edge]] = {}
        for edge in self._edges:
            graph.setdefault(edge.owner, []).append(edge)
        done: set[str] = set()
        stack: list[str] = []

        def visit(name: str) -> None:
            stack.append(name)
            for edge in graph.get(name, ()):
                if edge.target in stack:
                    self._cut(edge, [*stack[stack.index(edge.target):], edge.target])
                elif edge.target not in done:
                    visit(edge.target)
            stack.pop()
            done.add(name)

        for name in list(graph):
            if name not in done:
                visit(name)

    def _cut(self, edge: _Edge, names: list[str]) -> None:
        cycle_edges = [e for e in self._edges if e.owner in names and e.target in names]
        label = "$ref cycle through allOf" if any(e.via_all_of for e in cycle_edges) else (
            "$ref cycle")
        places = [(self._origins[n][0].key, self._origins[n][1]) for n in names]
        self._cycle(places, edge.doc, edge.pointer, label)
        node = self._schemas.get(edge.owner)
        for step in edge.path:
            if isinstance(node, list) and isinstance(step, int):
                node = node[step]
            elif isinstance(node, dict):
                node = node.get(step)
        if isinstance(node, dict):
            node.pop("$ref", None)

    def _cycle(self, places: Iterable[_Place], doc: Doc, site: str, label: str) -> None:
        shown = [
            ("" if key == self.root.key else self._docs[key].file) + f"#{pointer}"
            for key, pointer in places
        ]
        self.report("ref-cycle", f"{label}: {' -> '.join(shown)}", doc, site,
                    hint="a schema cannot include itself; break the cycle")


def _swagger_schema(schema: dict[str, Any]) -> None:
    """A Swagger 2.0 schema in OpenAPI 3.0 terms (files, discriminators, x-nullable)."""
    if schema.get("type") == "file":
        schema["type"] = "string"
        schema["format"] = "binary"
    if isinstance(schema.get("discriminator"), str):
        schema["discriminator"] = {"propertyName": schema["discriminator"]}
    if "x-nullable" in schema:
        schema["nullable"] = bool(schema.pop("x-nullable"))

