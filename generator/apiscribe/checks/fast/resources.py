"""Where a JSON Schema 2020-12 reference lands, found once, as ``referencing`` finds it while
jsonschema validates (``$ref`` and ``$dynamicRef``, JSON pointers and anchors).

``referencing`` resolves a dynamic anchor to the outermost resource of the dynamic scope that
has a ``$dynamicAnchor`` of that name. The root (the schema being compiled) is always the
outermost resource: it is entered first, and enters the scope with the first reference. So when
the root resource has that dynamic anchor, it is the target wherever the reference is met; when
it has not, the target depends on the path taken, and :class:`Resources` refuses. It refuses
(:class:`~.compiler.UnsupportedSchema`), and never guesses, for anything else it does not
follow either: an ``$id`` inside a resource, a resource it cannot retrieve.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from ...documents.pointer import unescape_token
from .compiler import UnsupportedSchema

# Where ``referencing`` looks for subschemas (ids and anchors) in a 2020-12 resource.
_IN_VALUE = ("additionalProperties", "contains", "contentSchema", "else", "if", "items", "not",
             "propertyNames", "then", "unevaluatedItems", "unevaluatedProperties")
_IN_ARRAY = ("allOf", "anyOf", "oneOf", "prefixItems")
_IN_MAPPING = ("$defs", "definitions", "dependentSchemas", "patternProperties", "properties")


def absolute_id(uri: Any) -> str:
    """``uri`` as a resource's URI; refused unless absolute and without a fragment."""
    if not isinstance(uri, str) or "#" in uri.rstrip("#") or not urlsplit(uri).scheme:
        raise UnsupportedSchema(f"'$id' {uri!r} is not an absolute URI without a fragment")
    return uri.rstrip("#")


class Resources:
    """The resources of one compilation: ``root`` (a schema with an absolute ``$id``), and
    those ``retrieve`` returns by URI (raising LookupError for an unknown one)."""

    def __init__(self, root: dict[str, Any], retrieve: Callable[[str], Any]) -> None:
        self.root = absolute_id(root.get("$id"))
        self._retrieve = retrieve
        self._resources: dict[str, Any] = {}
        self._whole: set[int] = set()  # the ids of whole resources (the only '$id' allowed)
        self._anchors: dict[tuple[str, str], tuple[bool, Any, str]] = {}
        self._add(self.root, root)

    def is_whole(self, schema: Any) -> bool:
        """Whether ``schema`` is a whole resource (so its ``$id`` is the resource's URI)."""
        return id(schema) in self._whole

    def _add(self, uri: str, contents: Any) -> None:
        """Index a resource the way ``referencing`` crawls one: its anchors, by resource."""
        self._resources[uri] = contents
        self._whole.add(id(contents))
        stack = [contents]
        while stack:
            node = stack.pop()
            if not isinstance(node, dict):
                continue
            if "$id" in node and node is not contents:
                raise UnsupportedSchema("an '$id' inside a resource is not supported")
            for key, dynamic in (("$anchor", False), ("$dynamicAnchor", True)):
                if key in node:
                    if not isinstance(node[key], str):
                        raise UnsupportedSchema(f"{key} {node[key]!r} is not a string")
                    name = (uri, node[key])
                    if name in self._anchors and self._anchors[name][1] is not node:
                        raise UnsupportedSchema(f"anchor {node[key]!r} is defined twice")
                    self._anchors[name] = (dynamic, node, uri)
            stack.extend(node[k] for k in _IN_VALUE if k in node)
            stack.extend(e for k in _IN_ARRAY if isinstance(node.get(k), list) for e in node[k])
            stack.extend(e for k in _IN_MAPPING if isinstance(node.get(k), dict)
                         for e in node[k].values())

    def _resource(self, uri: str) -> Any:
        if uri not in self._resources:
            try:
                contents = self._retrieve(uri)
            except LookupError as exc:
                raise UnsupportedSchema(f"cannot retrieve {uri!r}") from exc
            if not isinstance(contents, dict) or absolute_id(contents.get("$id", uri)) != uri:
                raise UnsupportedSchema(f"{uri!r} is not a resource with that '$id'")
            self._add(uri, contents)
        return self._resources[uri]

    def target(self, ref: Any, base: str) -> tuple[Any, str]:
        """Where ``ref`` (a ``$ref`` or a ``$dynamicRef`` met in the resource ``base``) lands:
        the schema, and the URI of its resource."""
        if not isinstance(ref, str):
            raise UnsupportedSchema("a reference must be a string")
        uri, fragment = urldefrag(urljoin(base, ref))
        node = self._resource(uri)
        if not fragment:
            return node, uri
        if not fragment.startswith("/"):
            found = self._anchors.get((uri, fragment))
            if found is None:
                raise UnsupportedSchema(f"no anchor {fragment!r} in {uri!r}")
            if found[0]:  # a dynamic anchor: the outermost scope (the root) has the last word
                found = self._anchors.get((self.root, fragment), (False, None, ""))
                if not found[0]:
                    raise UnsupportedSchema(f"{ref!r} lands where the dynamic scope says")
            return found[1], found[2]
        for segment in unquote(fragment[1:]).split("/"):
            try:
                node = node[int(segment)] if isinstance(node, list) else node[
                    unescape_token(segment)]
            except (LookupError, ValueError, TypeError) as exc:
                raise UnsupportedSchema(f"cannot resolve {ref!r}") from exc
            if isinstance(node, dict) and "$id" in node:
                raise UnsupportedSchema(f"{ref!r} passes an '$id'")
        return node, uri
