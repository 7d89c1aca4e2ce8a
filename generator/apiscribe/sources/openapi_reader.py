"""An OpenAPI 3.0/3.1 document, its references resolved, into the model.

Each operation becomes an :class:`Endpoint` carrying an :class:`Operation`; sections come from
tags (declared order first, then first use); 3.1 webhooks get a section of their own. The
Swagger 2.0 reader (``swagger.py``) overrides the parts where 2.0 differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from ..checks.spec_loading import escape_token
from ..model import ApiModel, Endpoint, Operation, Parameter, Section, SourceLocation
from .openapi_content import ContentReader
from .openapi_names import endpoint_name, short_type, slug, text
from .openapi_refs import Doc, Located, Refs

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
DEFAULT_TITLE = "API Reference"
DEFAULT_SECTION = ("default", "Default")
WEBHOOK_SECTION = ("webhooks", "Webhooks")
PARAMETER_KINDS = ("path", "query", "header", "cookie")
_TEMPLATE = re.compile(r"\{([^{}]+)\}")
_PARAMETER_KEYS = frozenset(
    {"name", "in", "description", "required", "deprecated", "schema", "example", "examples"}
)
_TOP_KEYS = frozenset({"openapi", "swagger", "info", "paths", "components", "webhooks"})


@dataclass
class _SectionDraft:
    title: str
    description: str = ""
    endpoints: list[Endpoint] = field(default_factory=list)


class SpecReader(ContentReader):
    """Reads an OpenAPI 3.x document (see the module's docstring)."""

    #: Top-level keys the model holds; the others go to ``ApiModel.extra``.
    consumed_keys: frozenset[str] = _TOP_KEYS

    #: Operation fields read into the model; the others go to ``Operation.extra``.
    handled = frozenset({
        "tags", "summary", "description", "operationId", "parameters", "requestBody",
        "responses", "security", "deprecated",
    })

    def __init__(self, refs: Refs) -> None:
        super().__init__(refs)
        self.root: Doc = refs.root
        self.data: dict[str, Any] = refs.root.data
        self._sections: dict[str, _SectionDraft] = {}
        self._tag_slugs: dict[str, str] = {}
        self._operation_ids: dict[str, str] = {}
        self._names: set[str] = set()

    # -- the document ---------------------------------------------------------------------

    def read(self) -> ApiModel:
        self.prepare()
        for tag in _list(self.data.get("tags")):
            if isinstance(tag, dict) and isinstance(tag.get("name"), str):
                draft = self._section_of(tag["name"])
                draft.description = draft.description or text(tag.get("description"))
        paths = self.data.get("paths")
        for path, item in paths.items() if isinstance(paths, dict) else ():
            if not path.startswith("x-"):
                self._path_item(path, item, f"/paths/{escape_token(path)}", webhook=False)
        webhooks = self.data.get("webhooks")
        for name, item in webhooks.items() if isinstance(webhooks, dict) else ():
            self._path_item(name, item, f"/webhooks/{escape_token(name)}", webhook=True)
        self.refs.endpoint = ""
        extra = self.extra()
        components = self.components()
        self.refs.check_cycles()
        info = self.data["info"] if isinstance(self.data.get("info"), dict) else {}
        version = info.get("version")
        return ApiModel(
            title=text(info.get("title")) or DEFAULT_TITLE,
            sections=self._finished_sections(),
            base_url=self.base_url(),
            version="" if version is None else str(version),
            description=text(info.get("description")),
            components=components or None,
            extra=extra or None,
            source_version=str(self.data.get("openapi") or self.data.get("swagger") or ""),
        )

    def prepare(self) -> None:
        """Name and convert the input's own schemas before anything refers to them."""
        self.refs.register_components("/components/schemas")

    def components(self) -> dict[str, Any]:
        given = self.data.get("components")
        out: dict[str, Any] = {}
        for kind, members in given.items() if isinstance(given, dict) else ():
            where = f"/components/{escape_token(kind)}"
            if kind == "schemas":
                out[kind] = None  # converted ones are filled in below, in this position
            else:
                out[kind] = members if kind.startswith("x-") else self.refs.raw(
                    members, self.root, where)
        schemas = self.refs.component_schemas()
        if schemas:
            out["schemas"] = schemas
        elif "schemas" in out:
            del out["schemas"]
        return out

    def info_extra(self) -> dict[str, Any]:
        """``{"info": ...}`` with the info fields the model has no place for, or ``{}``."""
        info = self.data.get("info")
        if not isinstance(info, dict):
            return {}
        rest = {k: v for k, v in info.items() if k not in ("title", "version", "description")}
        return {"info": rest} if rest else {}

    def converted_extra(self) -> dict[str, Any]:
        """Top-level fields made from keys the reader consumed (Swagger's servers)."""
        return {}

    def extra(self) -> dict[str, Any]:
        """Document-level fields the model has no place for, kept for the round trip."""
        out: dict[str, Any] = self.info_extra() | self.converted_extra()
        for key, value in self.data.items():
            if key not in self.consumed_keys:
                out[key] = value if key.startswith("x-") else self.refs.raw(
                    value, self.root, "/" + escape_token(key))
        return out

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
                endpoints = tuple(replace(ep, section=key, sidebar_order=number)
                                  for number, ep in enumerate(draft.endpoints, 1))
                sections.append(Section(key, draft.title, endpoints, draft.description))
        return tuple(sections)

    # -- operations -----------------------------------------------------------------------

    def _path_item(self, key: str, node: Any, pointer: str, *, webhook: bool) -> None:
        located = self.refs.follow(node, self.root, pointer)
        if located is None:
            return
        item, doc, where = located
        if not isinstance(item, dict):
            self.refs.report("invalid-path-item", f"{key}: a path item must be an object",
                             doc, where)
            return
        shared = self.parameter_list(item.get("parameters"), doc, f"{where}/parameters")
        for method in METHODS:
            if method in item:
                self.refs.endpoint = ""
                self._operation(key, method, item, doc, f"{where}/{method}", shared, webhook)

    def _operation(
        self, path: str, method: str, item: dict[str, Any], doc: Doc, pointer: str,
        shared: list[Located], webhook: bool,
    ) -> None:
        node = item[method]
        label = f"{method.upper()} {path}"
        if not isinstance(node, dict):
            self.refs.report("invalid-operation", f"{label}: an operation must be an object",
                             doc, pointer)
            return
        name = self._name(node, method, path, doc, pointer)
        if name is None:
            return
        self.refs.endpoint = name
        merged = {(p[0]["name"], p[0]["in"]): p for p in shared}
        for own in self.parameter_list(node.get("parameters"), doc, f"{pointer}/parameters"):
            merged[own[0]["name"], own[0]["in"]] = own
        params = [p for loc in merged.values() if (p := self.parameter(*loc)) is not None]
        body = self.request_body(node, doc, pointer, list(merged.values()))
        responses = self.responses(node, doc, pointer)
        if not responses:
            self._missing_responses(node, label, doc, pointer)
        if not webhook:
            self._check_path(path, params, doc, pointer)
        extra = {k: self.refs.raw(v, doc, f"{pointer}/{escape_token(k)}")
                 for k, v in node.items() if k not in self.handled and not k.startswith("x-")}
        extra |= {k: v for k, v in node.items() if k.startswith("x-")}
        if "servers" in item and "servers" not in node:
            extra["servers"] = self.refs.raw(item["servers"], doc, pointer[:pointer.rfind("/")]
                                             + "/servers")
        security = node.get("security", self.data.get("security"))
        operation = Operation(
            operation_id=text(node.get("operationId")),
            tags=tuple(t for t in _list(node.get("tags")) if isinstance(t, str)),
            deprecated=node.get("deprecated") is True,
            request_body=body,
            responses=responses,
            security=self.refs.raw(node["security"], doc, f"{pointer}/security")
            if "security" in node else None,
            extra=extra or None,
            other_parameters=tuple(p for p in params if p.kind in ("header", "cookie")),
            webhook=webhook,
        )
        tag = operation.tags[0] if operation.tags else ""
        if webhook:
            draft = self._sections.setdefault(WEBHOOK_SECTION[0], _SectionDraft(
                WEBHOOK_SECTION[1]))
        else:
            draft = self._section_of(tag) if tag else self._sections.setdefault(
                DEFAULT_SECTION[0], _SectionDraft(DEFAULT_SECTION[1]))
        draft.endpoints.append(Endpoint(
            name=name,
            section="",
            method=method.upper(),
            api_path=path,
            title=text(node.get("summary")).strip() or operation.operation_id or label,
            description=text(node.get("description")),
            authentication=_authentication(security),
            path_parameters=tuple(p for p in params if p.kind == "path") or None,
            query_parameters=tuple(p for p in params if p.kind == "query") or None,
            parameters=self.body_parameters(body),
            source=SourceLocation(doc.file, doc.lines.line_of(pointer)),
            operation=operation,
        ))

    def _name(self, node: dict[str, Any], method: str, path: str, doc: Doc,
              pointer: str) -> str | None:
        label = f"{method.upper()} {path}"
        place = "" if doc is self.root else f"{doc.file}, "
        where = f"{label} ({place}line {doc.lines.line_of(pointer)})"
        operation_id = text(node.get("operationId"))
        name = endpoint_name("", method, path)
        if operation_id and operation_id in self._operation_ids:
            self.refs.endpoint = name
            self.refs.report(
                "duplicate-operation-id",
                f"operationId '{operation_id}' of {label} is already used by "
                f"{self._operation_ids[operation_id]}", doc, f"{pointer}/operationId",
                hint=f"operationIds must be unique; this operation is named '{name}'")
        else:
            if operation_id:
                self._operation_ids[operation_id] = where
            name = endpoint_name(operation_id, method, path)
        if name in self._names:
            self.refs.endpoint = ""
            self.refs.report(
                "duplicate-endpoint-name",
                f"{label} maps to the endpoint name '{name}', which an earlier operation "
                "already has: skipped", doc, pointer,
                hint="give the operations distinct operationIds")
            return None
        self._names.add(name)
        return name

    def _missing_responses(self, node: dict[str, Any], label: str, doc: Doc,
                           pointer: str) -> None:
        where = f"{pointer}/responses" if "responses" in node else pointer
        if self.root.dialect == "3.1":  # optional in 3.1
            self.refs.report("missing-responses", f"{label} documents no responses", doc, where,
                             level="warning")
        else:
            self.refs.report("missing-responses", f"{label} has no responses", doc, where,
                             hint="document at least one response")

    def _check_path(self, path: str, params: list[Parameter], doc: Doc, pointer: str) -> None:
        declared = {p.name for p in params if p.kind == "path"}
        for name in dict.fromkeys(_TEMPLATE.findall(path)):
            if name not in declared:
                self.refs.report(
                    "undeclared-path-parameter",
                    f"path parameter '{name}' of {path} is not declared", doc, pointer,
                    hint=f"add a parameter with 'in: path', 'name: {name}' and "
                    "'required: true'")

    # -- parameters -----------------------------------------------------------------------

    def parameter_list(self, node: Any, doc: Doc, pointer: str) -> list[Located]:
        """The parameter objects of a ``parameters`` list, references followed."""
        found: list[Located] = []
        for index, item in enumerate(_list(node)):
            located = self.refs.follow(item, doc, f"{pointer}/{index}")
            if located is None:
                continue
            value, pdoc, where = located
            if not (isinstance(value, dict) and isinstance(value.get("name"), str)
                    and isinstance(value.get("in"), str)):
                self.refs.report("invalid-parameter", "a parameter needs a 'name' and an 'in'",
                                 pdoc, where)
                continue
            found.append(located)
        return found

    def parameter(self, node: dict[str, Any], doc: Doc, pointer: str) -> Parameter | None:
        kind = node["in"]
        if kind not in PARAMETER_KINDS:
            self.refs.report("invalid-parameter", f"parameter '{node['name']}' is 'in: {kind}'"
                             f" (expected one of {', '.join(PARAMETER_KINDS)})", doc,
                             f"{pointer}/in")
            return None
        schema = self.refs.schema(node["schema"], doc, f"{pointer}/schema") if (
            "schema" in node) else None
        shown = schema
        content = node.get("content")
        if schema is None and isinstance(content, dict) and content:
            media, first = next(iter(content.items()))
            if isinstance(first, dict) and "schema" in first:
                shown = self.refs.schema(first["schema"], doc, f"{pointer}/content/"
                                         f"{escape_token(media)}/schema")
        extra = {k: self.refs.raw(v, doc, f"{pointer}/{escape_token(k)}")
                 for k, v in node.items() if k not in _PARAMETER_KEYS}
        return Parameter(
            name=node["name"], type=short_type(shown), description=text(node.get("description")),
            kind=kind, required=node.get("required") is True, schema=schema,
            deprecated=node.get("deprecated") is True,
            examples=self.examples(node, doc, pointer), extra=extra or None,
        )

def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _authentication(security: Any) -> str:
    if not isinstance(security, list) or not security:
        return ""
    return "optional" if any(r == {} for r in security) else "required"
