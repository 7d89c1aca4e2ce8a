"""Schemas and other objects of an imported spec, as the model keeps them.

- Every schema is rewritten into the model's dialect (:mod:`.dialect`) and its references
  point at the model's named schemas (``#/components/schemas/<name>``). A schema that is not
  a component of the input (in another file, or elsewhere in it) becomes a named schema under
  a name derived from the reference, so recursive schemas stay finite.
- Cycles of schemas that are, or include (``allOf``), one another are reported and cut.
- Other objects (links, callbacks, extensions) are kept in OpenAPI 3.1 terms: references to
  the input's own components stay references (the model keeps those components); others are
  replaced by their targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ...documents.pointer import escape_token, lookup, unescape_token
from ...documents.refs import Doc, Place, Resolver
from ...model.dialect import SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_ONE, SCHEMA_REF, ref_name
from .dialect import normalize

# Keys whose values are data, never followed (``$ref`` inside them is just a key).
_DATA_KEYS = frozenset({"example", "value", "default", "enum", "const"})
_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Registered:
    """The named schemas of one import once its own were registered (:meth:`Components.register`),
    for a later import of a document with the same ``rest`` (see
    :class:`~.reader.LastRead`): the schemas are shared, never changed. It holds no
    document of that import (a place is a document's key and a pointer, and an edge in the
    root document names none), so keeping it keeps no parsed document alive."""

    names: dict[Place, str]
    schemas: dict[str, Any]
    origins: dict[str, Place]
    edges: tuple[_Edge, ...]


@dataclass(frozen=True)
class _Edge:
    """A schema that is another one (``$ref``) or includes it (``allOf``)."""

    owner: str
    target: str
    via_all_of: bool
    doc: Doc | None  # the document the reference is in; None: the root document
    pointer: str
    path: tuple[str | int, ...]


class Components:
    """The named schemas of one import, and the conversion of everything else."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.root = resolver.root
        self._names: dict[Place, str] = {}
        self._schemas: dict[str, Any] = {}
        self._origins: dict[str, Place] = {}  # name -> where its schema is
        self._edges: list[_Edge] = []

    # -- non-schema objects ---------------------------------------------------------------

    def raw(self, node: Any, doc: Doc, pointer: str, active: tuple[Place, ...] = ()) -> Any:
        """A non-schema object in OpenAPI 3.1 terms (see the module's docstring)."""
        if isinstance(node, list):
            return [self.raw(v, doc, f"{pointer}/{i}", active) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            found = self.resolver.locate(ref, doc, pointer + "/$ref")
            if found is None:
                return {}
            target, tdoc, tpointer = found
            if tdoc is self.root and self._kept(tpointer):
                return node | {"$ref": "#" + tpointer}
            place = (tdoc.key, tpointer)
            if place in active:
                self.resolver.report_cycle([*active[active.index(place):], place], doc,
                                           pointer + "/$ref", "$ref cycle")
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

    def register(self, pointer: str) -> None:
        """Name each schema of the root's map at ``pointer`` after its key, and convert it."""
        members = lookup(self.root.data, pointer)
        if not isinstance(members, dict):
            return
        for name in members:
            where = f"{pointer}/{escape_token(name)}"
            self._names[self.root.key, where] = name
            self._origins[name] = (self.root.key, where)
        for name, value in members.items():
            where = f"{pointer}/{escape_token(name)}"
            self._schemas[name] = self._schema(value, self.root, where, name, (), True, False)

    def registered(self) -> Registered:
        """The named schemas as they are now: after :meth:`register`, what
        :meth:`restore` gives a later import of a document with the same ``rest``."""
        return Registered(dict(self._names), dict(self._schemas), dict(self._origins),
                          tuple(self._edges))

    def restore(self, state: Registered) -> None:
        """Start from ``state`` instead of registering the same schemas again."""
        self._names, self._schemas = dict(state.names), dict(state.schemas)
        self._origins, self._edges = dict(state.origins), list(state.edges)

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
            found = self.resolver.locate(ref, doc, pointer + "/$ref")
            if found is not None:
                name = self._schema_name(found)
                out["$ref"] = SCHEMA_REF + escape_token(name)
                if owner is not None and direct:
                    self._edges.append(
                        _Edge(owner, name, via_all_of, None if doc is self.root else doc,
                              pointer + "/$ref", path))
        for key, value in node.items():
            if key == "$ref" and isinstance(ref, str):
                continue
            child = f"{pointer}/{escape_token(key)}"
            if key in SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {
                    k: self._schema(v, doc, f"{child}/{escape_token(k)}", owner, (*path, key, k),
                                    False, False)
                    for k, v in value.items()
                }
            elif key in SCHEMA_ONE:
                out[key] = self._schema(value, doc, child, owner, (*path, key), False, False)
            elif key in SCHEMA_LISTS and isinstance(value, list):
                all_of = key == "allOf"
                out[key] = [
                    self._schema(v, doc, f"{child}/{i}", owner, (*path, key, i),
                                 direct and all_of, via_all_of or all_of)
                    for i, v in enumerate(value)
                ]
            else:
                out[key] = value
        normalize(out, doc.dialect)
        return out

    def _schema_name(self, found: tuple[Any, Doc, str]) -> str:
        node, doc, pointer = found
        name = self._names.get((doc.key, pointer))
        if name is not None:
            return name
        base = unescape_token(pointer.rsplit("/", 1)[-1]) if pointer else (
            Path(urlsplit(doc.file).path).stem)
        base = _NAME_CHARS.sub("_", base).strip("_") or "Schema"
        name, number = base, 1
        while name in self._origins:
            number += 1
            name = f"{base}_{number}"
        self._names[doc.key, pointer] = name
        self._origins[name] = (doc.key, pointer)
        self._schemas[name] = {}
        self._schemas[name] = self._schema(node, doc, pointer, name, (), True, False)
        return name

    def named(self) -> dict[str, Any]:
        """Every schema the model refers to, by name."""
        return dict(self._schemas)

    def target(self, schema: Any) -> Any:
        """A kept schema with its reference to a named schema followed (a bounded depth)."""
        for _ in range(32):
            if not isinstance(schema, dict) or not isinstance(schema.get("$ref"), str):
                return schema
            name = ref_name(schema["$ref"])
            schema = self._schemas.get(name) if name is not None else None
        return None

    # -- cycles ---------------------------------------------------------------------------

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
        places = [self._origins[n] for n in names]
        self.resolver.report_cycle(places, edge.doc or self.root, edge.pointer, label)
        node = self._schemas.get(edge.owner)
        for step in edge.path:
            if isinstance(node, list) and isinstance(step, int):
                node = node[step]
            elif isinstance(node, dict):
                node = node.get(step)
        if isinstance(node, dict):
            node.pop("$ref", None)
