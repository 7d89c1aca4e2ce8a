"""JSON Schemas as table rows for the Markdown view.

A schema becomes a :class:`~apiscribe.views.pages.SchemaView`: a type line and one row per
property of its top level. The properties of a nested object are a
:class:`~apiscribe.views.pages.SchemaBlock` of their own, one level down, titled with the
object's path (``address``, ``tags[]`` for an array's items), and so on at most
:data:`MAX_DEPTH` levels deep (a ``…`` row stands for the rest).

- ``oneOf``/``anyOf``: the type reads "one of: User, null" ("any of: ...") and each variant
  gets a row labelled ``one of #1``, ``one of #2``..., its own properties a block one level
  down (labelled with the variant). Variant rows that would say no more than the type (no
  description, values or properties) get no block;
- ``allOf``: the type lists the parts ("all of: Base, object") and the properties of every
  part (a referenced base schema's too) are rows of the schema itself;
- arrays read "array of <item type>", maps (``additionalProperties`` only) "map of <type>";
- a ``$ref`` to a named schema is a link to it on the schemas page and is not expanded
  (except as an ``allOf`` part, once per branch), so recursive schemas stay finite. Only the
  schema at the top (a request or response body, or a component itself) is looked through:
  a body that is a ``$ref`` (or an array of one) shows the referenced schema's rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ..model import JsonValue
from ..model.dialect import named_target, ref_name, ref_of
from ..names import html_id, unique
from .pages import NamedSchema, SchemaBlock, SchemaRow, SchemaView, TypePart

MAX_DEPTH = 4
ELLIPSIS = "…"
SCHEMAS_PAGE = "schemas.md"
_COMPOSITIONS = (("oneOf", "one of"), ("anyOf", "any of"))


@dataclass
class _Level:
    """The rows of one level of a schema, and the blocks below them."""

    rows: list[SchemaRow] = field(default_factory=list)
    blocks: list[SchemaBlock] = field(default_factory=list)

    def add(self, other: _Level) -> None:
        self.rows += other.rows
        self.blocks += other.blocks


def schema_anchors(schemas: Mapping[str, JsonValue]) -> dict[str, str]:
    """``{schema name: heading id}`` for the schemas page, names sorted; ids are unique."""
    names = sorted(schemas)
    return dict(zip(names, unique([html_id("schema", n) for n in names], set()), strict=True))


def schema_links(schemas: Mapping[str, JsonValue], page: str) -> dict[str, str]:
    """``{schema name: href}`` from a page to each schema's heading; ``page`` is the schemas
    page's path relative to the linking page (``schemas.md``, ``../schemas.md``)."""
    return {name: f"{quote(page)}#{anchor}" for name, anchor in schema_anchors(schemas).items()}


def json_text(value: JsonValue) -> str:
    """A value as one line of JSON (for enum, default and example cells)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def plain(parts: tuple[TypePart, ...]) -> str:
    return "".join(part.text for part in parts)


class SchemaTables:
    """Builds schema views against the model's named schemas and links to them."""

    def __init__(self, schemas: Mapping[str, JsonValue], links: Mapping[str, str]):
        self.schemas = schemas
        self.links = links

    # -- type text -------------------------------------------------------------------------

    def type_of(self, schema: JsonValue, level: int = 0) -> tuple[TypePart, ...]:
        """The type as text and links: ``integer``, ``array of Pet``, ``string or null``..."""
        return _merge(self._type(schema, level))

    def _type(self, schema: JsonValue, level: int) -> list[TypePart]:
        if level > MAX_DEPTH:
            return [TypePart(ELLIPSIS)]
        if not isinstance(schema, dict):
            return [TypePart("any" if schema is not False else "nothing")]
        ref = ref_of(schema)
        if ref is not None:
            name = ref_name(ref)
            if name is not None and name in self.links:
                return [TypePart(name, self.links[name])]
            return [TypePart(name or ref)]
        for key, word in _COMPOSITIONS:
            variants = schema.get(key)
            if isinstance(variants, list):
                out = [TypePart(f"{word}: " if variants else word)]
                for number, variant in enumerate(variants):
                    out += [TypePart(", ")] if number else []
                    out += self._type(variant, level + 1)
                return self._null_suffix(schema, out)
        parts_of = schema.get("allOf")
        if isinstance(parts_of, list) and parts_of:
            out = [TypePart("all of: ")]
            for number, part in enumerate(parts_of):
                out += [TypePart(", ")] if number else []
                out += self._type(part, level + 1)
            return out
        kinds = _kinds(schema)
        if not kinds and isinstance(schema.get("not"), dict):
            return self._null_suffix(schema, [TypePart("not "), *self._type(schema["not"],
                                                                            level + 1)])
        out = []
        for number, kind in enumerate(kinds or ["any"]):
            out += [TypePart(" or ")] if number else []
            out += self._kind(schema, kind, level)
        return self._null_suffix(schema, out)

    def _kind(self, schema: dict[str, Any], kind: str, level: int) -> list[TypePart]:
        items, extra = schema.get("items"), schema.get("additionalProperties")
        if kind == "array" and isinstance(items, dict):
            return [TypePart("array of "), *self._type(items, level + 1)]
        if kind == "object" and not schema.get("properties") and isinstance(extra, dict):
            return [TypePart("map of "), *self._type(extra, level + 1)]
        return [TypePart(kind)]

    @staticmethod
    def _null_suffix(schema: dict[str, Any], out: list[TypePart]) -> list[TypePart]:
        kind = schema.get("type")
        nullable = schema.get("nullable") is True or (
            isinstance(kind, list) and "null" in kind and kind != ["null"]
        )
        return [*out, TypePart(" or null")] if nullable and out else out

    # -- rows ------------------------------------------------------------------------------

    def view(self, schema: JsonValue) -> SchemaView:
        """The view of a body's (or a component's) schema; see the module's rules."""
        target, path, seen = schema, "", set()
        while isinstance(target, dict):
            ref = ref_of(target)
            if ref is not None and ref not in seen:
                seen.add(ref)
                target = named_target(target, self.schemas)
            elif _kinds(target) == ["array"] and isinstance(target.get("items"), dict):
                target, path = target["items"], path + "[]"
            else:
                break
        facts = self.facts(schema)
        description = str(facts.get("description") or "")
        if not description and isinstance(target, dict):
            description = str(target.get("description") or "")
        level = self._level(target, path, "", 1, frozenset(seen))
        return SchemaView(self.type_of(schema), description, tuple(level.rows),
                          tuple(level.blocks))

    def _level(
        self, schema: JsonValue, path: str, label: str, depth: int, expanded: frozenset[str]
    ) -> _Level:
        """The rows of ``schema`` (its properties, variants, items' properties), ``depth``
        deep, and the blocks of the levels below them; ``label`` names the variants they are
        in, ``expanded`` holds the ``$ref``s whose rows are being shown (``allOf`` parts)."""
        level = _Level()
        if not isinstance(schema, dict) or ref_of(schema) is not None:
            return level
        if depth > MAX_DEPTH:
            if _has_children(schema):
                level.rows.append(self._ellipsis(path))
            return level
        properties = schema.get("properties")
        required = schema.get("required")
        required_names = set(required) if isinstance(required, list) else set()
        if isinstance(properties, dict):
            for name, sub in properties.items():
                sub_path = f"{path}.{name}" if path else str(name)
                level.rows.append(self._row(str(name), sub_path, "", sub,
                                            required=name in required_names))
                self._nest(level, sub, sub_path, label, depth + 1, expanded)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and _has_children(extra):
            level.add(self._level(extra, f"{path}.*" if path else "*", label, depth, expanded))
        items = schema.get("items")
        if isinstance(items, dict) and "array" in _kinds(schema):
            level.add(self._level(items, path + "[]", label, depth, expanded))
        for key, word in _COMPOSITIONS:
            variants = schema.get(key)
            for number, variant in enumerate(variants if isinstance(variants, list) else [], 1):
                own = f"{word} #{number}"
                level.rows.append(self._row("", path, own, variant, required=None))
                self._nest(level, variant, path, f"{label} / {own}" if label else own,
                           depth + 1, expanded)
        parts = schema.get("allOf")
        for part in parts if isinstance(parts, list) else []:
            ref = ref_of(part)
            if ref is not None and ref not in expanded:  # a base schema: its rows are ours
                target = named_target(part, self.schemas)
                level.add(self._level(target, path, label, depth, expanded | {ref}))
            else:
                level.add(self._level(part, path, label, depth, expanded))
        return level

    def _nest(self, level: _Level, schema: JsonValue, path: str, label: str, depth: int,
              expanded: frozenset[str]) -> None:
        """The level below a row, as a block of ``level`` (when it has rows)."""
        below = self._level(schema, path, label, depth, expanded)
        if below.rows and not (below.blocks or any(map(_telling, below.rows))):
            return
        if below.rows:
            first = below.rows[0]
            owner = first.path[:len(first.path) - len(first.name)].removesuffix(".")
            level.blocks.append(SchemaBlock(owner, label, tuple(below.rows),
                                            tuple(below.blocks)))

    def facts(self, schema: JsonValue) -> dict[str, Any]:
        """A schema's own keywords over those of the schema its ``$ref`` names."""
        if not isinstance(schema, dict):
            return {}
        target = named_target(schema, self.schemas)
        return {**target, **schema} if isinstance(target, dict) else dict(schema)

    def _row(
        self, name: str, path: str, label: str, schema: JsonValue, *, required: bool | None
    ) -> SchemaRow:
        facts = self.facts(schema)
        enum = facts.get("enum")
        values = [facts["const"]] if "const" in facts else enum if isinstance(enum, list) else []
        return SchemaRow(
            name=name,
            path=path,
            label=label,
            type=self.type_of(schema),
            format=str(facts.get("format") or ""),
            required=required,
            description=str(facts.get("description") or facts.get("title") or ""),
            enum=tuple(json_text(value) for value in values),
            default=json_text(facts["default"]) if "default" in facts else None,
            deprecated=facts.get("deprecated") is True,
            read_only=facts.get("readOnly") is True,
            write_only=facts.get("writeOnly") is True,
        )

    @staticmethod
    def _ellipsis(path: str) -> SchemaRow:
        return SchemaRow(ELLIPSIS, f"{path}.{ELLIPSIS}" if path else ELLIPSIS, "", (), "", None,
                         f"Deeper than {MAX_DEPTH} levels: not shown.")

    def named(self, anchors: Mapping[str, str]) -> tuple[NamedSchema, ...]:
        """Every named schema with its view, names sorted."""
        return tuple(NamedSchema(name, anchor, self.view(self.schemas[name]))
                     for name, anchor in anchors.items())


def _telling(row: SchemaRow) -> bool:
    """Whether a row says more than its type in its parent's type text: it is a property, or
    a variant with a description or values."""
    return not row.label or bool(row.description or row.enum) or row.default is not None


def _kinds(schema: dict[str, Any]) -> list[str]:
    """The schema's ``type`` as a list without ``null`` (inferred when absent)."""
    kind = schema.get("type")
    if isinstance(kind, list):
        return [str(k) for k in kind if k != "null"] or ["null"]
    if isinstance(kind, str):
        return [kind]
    if "properties" in schema or "additionalProperties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    values = [schema["const"]] if "const" in schema else schema.get("enum")
    if isinstance(values, list) and values:
        return [_json_kind(values[0])]
    return []


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "null"


def _has_children(schema: dict[str, Any]) -> bool:
    if ref_of(schema) is not None:
        return False
    if schema.get("properties") or any(isinstance(schema.get(k), list) for k in
                                       ("oneOf", "anyOf", "allOf")):
        return True
    for key in ("items", "additionalProperties"):
        sub = schema.get(key)
        if isinstance(sub, dict) and _has_children(sub):
            return True
    return False


def _merge(parts: list[TypePart]) -> tuple[TypePart, ...]:
    """Adjacent plain parts joined into one."""
    out: list[TypePart] = []
    for part in parts:
        if out and not part.href and not out[-1].href:
            out[-1] = TypePart(out[-1].text + part.text)
        else:
            out.append(part)
    return tuple(out)
