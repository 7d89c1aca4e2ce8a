"""An OpenAPI 3.0/3.1 document, its references resolved, into the model.

Each operation becomes an :class:`Endpoint`; sections come from tags (declared order first,
then first use); 3.1 webhooks get a section of their own. The Swagger 2.0 reader
(``swagger.py``) overrides the parts where 2.0 differs.

A read can start from the last read of the same document (:class:`LastRead`: kept in the
process by the rebuilds of ``mkdocs serve`` after an edit, and in the cache folder by
``convert``, :class:`~apiscribe.load_memo.KeptRead`). Where the document's
``rest`` (everything but its path items, :func:`~apiscribe.documents.specs.spec_digests`) is
the same, its named schemas are the last read's; an operation of a path item whose digest is
the same is the last read's endpoint, once its name, section and line are settled as a full
read settles them. The caller keeps a read for the next only where that gives what a full
read gives: one document, read without problems, whose named schemas are its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ...documents.pointer import escape_token
from ...documents.refs import Doc, Located, Resolver
from ...documents.specs import SpecDigests, duplicate_operation_id, undeclared_path_parameter
from ...model import ApiModel, Endpoint, Parameter, Section, SourceLocation, Tag
from ...model.routes import METHODS, RouteTemplate
from ...model.types import short_type
from ...names import endpoint_name, slug
from .components import Registered
from .content import ContentReader, as_list, text

DEFAULT_TITLE = "API Reference"
DEFAULT_SECTION = ("default", "Default")
WEBHOOK_SECTION = ("webhooks", "Webhooks")
PARAMETER_KINDS = ("path", "query", "header", "cookie")
_PARAMETER_KEYS = frozenset(
    {"name", "in", "description", "required", "deprecated", "schema", "example", "examples"}
)
_TOP_KEYS = frozenset({"openapi", "swagger", "info", "paths", "components", "webhooks", "tags",
                       "security"})
_INFO_KEYS = ("title", "version", "description")


#: An operation's place: its path item's pointer (``/paths/~1users``) and its method.
OperationKey = tuple[str, str]


@dataclass(frozen=True)
class LastRead:
    """What one read of a document leaves for the next read of it (see the module's
    docstring): its digests, its named schemas once registered, and each operation's
    endpoint, as read (``read``) and as placed in its section (``placed``)."""

    digests: SpecDigests
    registered: Registered
    read: Mapping[OperationKey, Endpoint]
    placed: Mapping[OperationKey, Endpoint]
    #: How many of its operations this read took from the one before.
    reused: int = 0


@dataclass
class _SectionDraft:
    title: str
    description: str = ""
    endpoints: list[Endpoint] = field(default_factory=list)
    keys: list[OperationKey] = field(default_factory=list)


class SpecReader(ContentReader):
    """Reads an OpenAPI 3.x document (see the module's docstring)."""

    #: Top-level keys the model holds; the others go to ``ApiModel.extensions``.
    consumed_keys: frozenset[str] = _TOP_KEYS

    #: Operation fields read into the model; the others go to ``Endpoint.extensions``.
    handled = frozenset({
        "tags", "summary", "description", "operationId", "parameters", "requestBody",
        "responses", "security", "deprecated",
    })

    def __init__(self, resolver: Resolver, digests: SpecDigests | None = None,
                 last: LastRead | None = None) -> None:
        super().__init__(resolver)
        self.root: Doc = resolver.root
        self.data: dict[str, Any] = resolver.root.data
        self._sections: dict[str, _SectionDraft] = {}
        self._tag_slugs: dict[str, str] = {}
        self._operation_ids: dict[str, str] = {}
        self._names: dict[str, str] = {}  # endpoint name: the operation that has it
        #: The document's digests (``None``: no read is kept), and the last read, where its
        #: ``rest`` is this document's.
        self._digests = digests
        self._last = last if (digests is not None and last is not None
                              and last.digests.rest == digests.rest) else None
        self._read: dict[OperationKey, Endpoint] = {}
        self._placed: dict[OperationKey, Endpoint] = {}
        self._registered: Registered | None = None
        self._reused = 0
        #: What this read leaves for the next (see :class:`LastRead`), once it is done.
        self.kept: LastRead | None = None

    # -- the document ---------------------------------------------------------------------

    def read(self) -> ApiModel:
        if self._last is not None:
            self.components.restore(self._last.registered)
            self._registered = self._last.registered
        else:
            self.prepare()
            if self._digests is not None:
                self._registered = self.components.registered()
        tags = self._declared_tags()
        paths = self.data.get("paths")
        for path, item in paths.items() if isinstance(paths, dict) else ():
            if not path.startswith("x-"):
                self._path_item(path, item, f"/paths/{escape_token(path)}", webhook=False)
        webhooks = self.data.get("webhooks")
        for name, item in webhooks.items() if isinstance(webhooks, dict) else ():
            self._path_item(name, item, f"/webhooks/{escape_token(name)}", webhook=True)
        self.resolver.endpoint = ""
        extensions = self.extensions()
        components = self.other_components()
        schemes = self.security_schemes()
        self.components.check_cycles()
        info = self.data["info"] if isinstance(self.data.get("info"), dict) else {}
        version = info.get("version")
        sections = self._finished_sections()
        if self._digests is not None and self._registered is not None:
            self.kept = LastRead(self._digests, self._registered, self._read, self._placed,
                                 self._reused)
        return ApiModel(
            title=text(info.get("title")) or DEFAULT_TITLE,
            sections=sections,
            base_url=self.base_url(),
            version="" if version is None else str(version),
            description=text(info.get("description")),
            schemas=self.components.named(),
            security_schemes=schemes,
            security=self.components.raw(self.data["security"], self.root, "/security")
            if "security" in self.data else None,
            tags=tags,
            components=components,
            extensions=extensions,
        )

    def prepare(self) -> None:
        """Name and convert the input's own schemas before anything refers to them."""
        self.components.register("/components/schemas")

    def _declared_tags(self) -> tuple[Tag, ...]:
        found = []
        for number, tag in enumerate(as_list(self.data.get("tags"))):
            if isinstance(tag, dict) and isinstance(tag.get("name"), str):
                draft = self._section_of(tag["name"])
                draft.description = draft.description or text(tag.get("description"))
                others = self.others(tag, frozenset({"name", "description"}), self.root,
                                     f"/tags/{number}")
                found.append(Tag(tag["name"], text(tag.get("description")), others))
        return tuple(found)

    def security_schemes(self) -> dict[str, Any]:
        given = self.data.get("components")
        schemes = given.get("securitySchemes") if isinstance(given, dict) else None
        if not isinstance(schemes, dict):
            return {}
        return dict(self.components.raw(schemes, self.root, "/components/securitySchemes"))

    def other_components(self) -> dict[str, Any]:
        """The component kinds other than schemas and security schemes, in input order."""
        given = self.data.get("components")
        out: dict[str, Any] = {}
        for kind, members in given.items() if isinstance(given, dict) else ():
            if kind not in ("schemas", "securitySchemes"):
                out[kind] = members if kind.startswith("x-") else self.components.raw(
                    members, self.root, f"/components/{escape_token(kind)}")
        return out

    def info_extensions(self) -> dict[str, Any]:
        """``{"info": ...}`` with the info fields the model has no place for, or ``{}``."""
        info = self.data.get("info")
        if not isinstance(info, dict):
            return {}
        rest = {k: v for k, v in info.items() if k not in _INFO_KEYS}
        return {"info": rest} if rest else {}

    def converted_extensions(self) -> dict[str, Any]:
        """Top-level fields made from keys the reader consumed (Swagger's servers)."""
        return {}

    def extensions(self) -> dict[str, Any]:
        """Document-level fields the model has no place for, kept for the round trip."""
        out: dict[str, Any] = self.info_extensions() | self.converted_extensions()
        return out | self.others(self.data, self.consumed_keys, self.root, "")

    def base_url(self) -> str:
        servers = self.data.get("servers")
        first = servers[0] if isinstance(servers, list) and servers else None
        if not isinstance(first, dict) or not isinstance(first.get("url"), str):
            return ""
        url: str = first["url"]
        variables = first.get("variables")
        for name, variable in variables.items() if isinstance(variables, dict) else ():
            if isinstance(variable, dict) and "default" in variable:
                url = url.replace("{" + name + "}", str(variable["default"]))
        return url

    # -- sections -------------------------------------------------------------------------

    def _section_of(self, tag: str) -> _SectionDraft:
        key = self._tag_slugs.get(tag)
        if key is None:
            key = slug(tag) or f"tag-{len(self._tag_slugs) + 1}"
            self._tag_slugs[tag] = key
        return self._sections.setdefault(key, _SectionDraft(tag))

    def _finished_sections(self) -> tuple[Section, ...]:
        sections = []
        for key, draft in self._sections.items():
            if draft.endpoints:
                endpoints = tuple(self._placed_endpoint(ep, operation, key, number)
                                  for number, (ep, operation)
                                  in enumerate(zip(draft.endpoints, draft.keys, strict=True), 1))
                sections.append(Section(key, draft.title, endpoints, draft.description))
        return tuple(sections)

    def _placed_endpoint(self, ep: Endpoint, operation: OperationKey, section: str,
                         number: int) -> Endpoint:
        """``ep`` in its section: the last read's object where that is the same."""
        last = self._last
        placed = last.placed.get(operation) if last is not None else None
        if (placed is None or last is None or last.read.get(operation) is not ep
                or placed.section != section or placed.sidebar_order != number):
            placed = replace(ep, section=section, sidebar_order=number)
        self._placed[operation] = placed
        return placed

    # -- operations -----------------------------------------------------------------------

    def _path_item(self, key: str, node: Any, pointer: str, *, webhook: bool) -> None:
        located = self.resolver.follow(node, self.root, pointer)
        if located is None:
            return
        item, doc, where = located
        if not isinstance(item, dict):
            self.resolver.report("invalid-path-item", f"{key}: a path item must be an object",
                                 doc, where)
            return
        # An unchanged item's operations are the last read's: its parameters are read only
        # for an operation that is not (see _operation).
        shared = None if self._unchanged(pointer) else self.parameter_list(
            item.get("parameters"), doc, f"{where}/parameters")
        for method in METHODS:
            if method in item:
                self.resolver.endpoint = ""
                self._operation(key, method, item, doc, f"{where}/{method}", shared, webhook,
                                (pointer, method))

    def _unchanged(self, pointer: str) -> bool:
        """Whether the path item at ``pointer`` is the last read's (its operations then are)."""
        last, digests = self._last, self._digests
        if last is None or digests is None:
            return False
        digest = digests.items.get(pointer)
        return digest is not None and last.digests.items.get(pointer) == digest

    def _operation(
        self, path: str, method: str, item: dict[str, Any], doc: Doc, pointer: str,
        shared: list[Located] | None, webhook: bool, operation: OperationKey,
    ) -> None:
        """Read the operation ``operation`` (``shared``: its path item's parameters; ``None``
        when the item is the last read's) into its section."""
        node = item[method]
        label = f"{method.upper()} {path}"
        if not isinstance(node, dict):
            self.resolver.report("invalid-operation",
                                 f"{label}: an operation must be an object", doc, pointer)
            return
        name = self._name(node, method, path, doc, pointer)
        if name is None:
            return
        self.resolver.endpoint = name
        endpoint = self._last_endpoint(operation, name, doc, pointer) if shared is None else None
        if endpoint is None:
            if shared is None:
                shared = self.parameter_list(item.get("parameters"), doc,
                                             f"{pointer[:pointer.rfind('/')]}/parameters")
            endpoint = self._endpoint(path, method, item, node, doc, pointer, shared, webhook,
                                      name)
        self._read[operation] = endpoint
        tags = endpoint.tags
        if webhook:
            draft = self._sections.setdefault(WEBHOOK_SECTION[0], _SectionDraft(
                WEBHOOK_SECTION[1]))
        else:
            draft = self._section_of(tags[0]) if tags else self._sections.setdefault(
                DEFAULT_SECTION[0], _SectionDraft(DEFAULT_SECTION[1]))
        draft.endpoints.append(endpoint)
        draft.keys.append(operation)

    def _last_endpoint(self, operation: OperationKey, name: str, doc: Doc, pointer: str
                       ) -> Endpoint | None:
        """The last read's endpoint of an unchanged operation, at its line in this document;
        ``None`` where a full read is needed (its name is not the same)."""
        found = self._last.read.get(operation) if self._last is not None else None
        if found is None or found.name != name:
            return None
        self._reused += 1
        source = SourceLocation(doc.file, doc.lines.line_of(pointer))
        return found if found.source == source else replace(found, source=source)

    def _endpoint(
        self, path: str, method: str, item: dict[str, Any], node: dict[str, Any], doc: Doc,
        pointer: str, shared: list[Located], webhook: bool, name: str,
    ) -> Endpoint:
        label = f"{method.upper()} {path}"
        merged = {(p[0]["name"], p[0]["in"]): p for p in shared}
        for own in self.parameter_list(node.get("parameters"), doc, f"{pointer}/parameters"):
            merged[own[0]["name"], own[0]["in"]] = own
        params = [p for loc in merged.values() if (p := self.parameter(*loc)) is not None]
        body = self.request_body(node, doc, pointer, list(merged.values()))
        responses = self.responses(node, doc, pointer)
        if not responses:
            self._missing_responses(node, label, doc, pointer)
        if not webhook:
            self._check_path(path, method, params, doc, pointer)
        extensions = self.others(node, self.handled, doc, pointer)
        if "servers" in item and "servers" not in node:
            extensions["servers"] = self.components.raw(
                item["servers"], doc, pointer[:pointer.rfind("/")] + "/servers")
        security = self.components.raw(node["security"], doc, f"{pointer}/security") if (
            "security" in node) else None
        tags = tuple(t for t in as_list(node.get("tags")) if isinstance(t, str))
        return Endpoint(
            name=name,
            section="",
            method=method.upper(),
            api_path=path,
            title=text(node.get("summary")).strip(),
            description=text(node.get("description")),
            operation_id=text(node.get("operationId")),
            parameters=tuple(params),
            request_body=body,
            responses=responses,
            security=security,
            authentication=_authentication(node.get("security", self.data.get("security"))),
            tags=tags,
            deprecated=node.get("deprecated") is True,
            webhook=webhook,
            extensions=extensions,
            source=SourceLocation(doc.file, doc.lines.line_of(pointer)),
        )

    def _name(self, node: dict[str, Any], method: str, path: str, doc: Doc,
              pointer: str) -> str | None:
        label = f"{method.upper()} {path}"
        operation_id = text(node.get("operationId"))
        if operation_id and operation_id in self._operation_ids:
            name = endpoint_name("", method, path)
            self.resolver.endpoint = name
            message, hint = duplicate_operation_id(operation_id, label,
                                                   self._operation_ids[operation_id])
            self.resolver.report("duplicate-operation-id", message, doc,
                                 f"{pointer}/operationId", hint=hint)
        else:
            if operation_id:
                self._operation_ids[operation_id] = label
            name = endpoint_name(operation_id, method, path)
        if operation_id:
            label += f" (operationId {operation_id!r})"
        if name in self._names:
            self.resolver.endpoint = ""
            self.resolver.report(
                "duplicate-endpoint-name",
                f"{label} maps to the endpoint name '{name}', which {self._names[name]} "
                "already has: skipped", doc, pointer,
                hint="give the operations distinct operationIds")
            return None
        self._names[name] = label
        return name

    def _missing_responses(self, node: dict[str, Any], label: str, doc: Doc,
                           pointer: str) -> None:
        where = f"{pointer}/responses" if "responses" in node else pointer
        if self.root.dialect == "3.1":  # optional in 3.1
            self.resolver.report("missing-responses", f"{label} documents no responses", doc,
                                 where, level="warning")
        else:
            self.resolver.report("missing-responses", f"{label} has no responses", doc, where,
                                 hint="document at least one response")

    def _check_path(self, path: str, method: str, params: list[Parameter], doc: Doc,
                    pointer: str) -> None:
        declared = {p.name for p in params if p.location == "path"}
        for name in dict.fromkeys(RouteTemplate(path).names):
            if name not in declared:
                message, hint = undeclared_path_parameter(name, method, path)
                self.resolver.report("undeclared-path-parameter", message, doc, pointer,
                                     hint=hint)

    # -- parameters -----------------------------------------------------------------------

    def parameter_list(self, node: Any, doc: Doc, pointer: str) -> list[Located]:
        """The parameter objects of a ``parameters`` list, references followed."""
        found: list[Located] = []
        for index, item in enumerate(as_list(node)):
            located = self.resolver.follow(item, doc, f"{pointer}/{index}")
            if located is None:
                continue
            value, pdoc, where = located
            if not (isinstance(value, dict) and isinstance(value.get("name"), str)
                    and isinstance(value.get("in"), str)):
                self.resolver.report("invalid-parameter",
                                     "a parameter needs a 'name' and an 'in'", pdoc, where)
                continue
            found.append(located)
        return found

    def parameter(self, node: dict[str, Any], doc: Doc, pointer: str) -> Parameter | None:
        kind = node["in"]
        if kind not in PARAMETER_KINDS:
            self.resolver.report(
                "invalid-parameter", f"parameter '{node['name']}' is 'in: {kind}' (expected "
                f"one of {', '.join(PARAMETER_KINDS)})", doc, f"{pointer}/in")
            return None
        schema = self.components.schema(node["schema"], doc, f"{pointer}/schema") if (
            "schema" in node) else None
        type_name = ""
        content = node.get("content")
        if schema is None and isinstance(content, dict) and content:
            media, first = next(iter(content.items()))
            if isinstance(first, dict) and "schema" in first:
                type_name = short_type(self.components.schema(
                    first["schema"], doc, f"{pointer}/content/{escape_token(media)}/schema"))
        return Parameter(
            name=node["name"], location=kind, description=text(node.get("description")),
            required=node.get("required") is True, schema=schema, type_name=type_name,
            deprecated=node.get("deprecated") is True,
            examples=self.examples(node, doc, pointer),
            extensions=self.others(node, _PARAMETER_KEYS, doc, pointer),
        )


def _authentication(security: Any) -> str:
    if not isinstance(security, list) or not security:
        return ""
    return "optional" if any(r == {} for r in security) else "required"
