"""Examples against schemas: a response body against a JSON Schema, and every example of an
OpenAPI document against the schema beside it.

OpenAPI 3.1 schemas are JSON Schema 2020-12. OpenAPI 3.0 and Swagger 2.0 schemas are
checked with ``openapi-schema-validator``'s 3.0 rules (``nullable``, boolean
``exclusiveMinimum``, ``readOnly``/``writeOnly``). Formats are not asserted. A schema that
cannot be checked (a ``$ref`` to nowhere, a ``$ref`` loop, an invalid keyword) gives one
``schema-unchecked`` warning, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.validators import extend, validator_for
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator, OAS31Validator
from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT4, DRAFT202012

from ..diagnostics import Diagnostic, error, warning
from ..documents.pointer import join, pointer_of
from ..documents.refs import follow_local
from ..documents.specs import spec_version
from ..model.http import is_json
from ..model.routes import METHODS

DOCUMENT_URI = "urn:apiscribe:openapi-document"
_NOT_NULLABLE = "None for not nullable"


class SchemaUnchecked(Exception):
    """A schema that cannot be applied; the message says why."""


def _skip_null(check: Any) -> Any:
    def keyword(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        # ``nullable: true`` allows null for the whole schema object, ``allOf`` included.
        if instance is None and isinstance(schema, dict) and (
            schema.get("nullable") is True or schema.get("x-nullable") is True
        ):
            return
        yield from check(validator, value, instance, schema) or ()

    return keyword


def _nullable(cls: Any) -> Any:
    return extend(cls, {name: _skip_null(check) for name, check in cls.VALIDATORS.items()})


_OAS30_READ = _nullable(OAS30ReadValidator)
_OAS30_WRITE = _nullable(OAS30WriteValidator)


def _required_unless(flag: str) -> Any:
    """``required`` that, as OpenAPI says, does not apply to a ``readOnly`` property in a
    request or a ``writeOnly`` one in a response (``flag``)."""
    def required(validator: Any, names: Any, instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "object"):
            return
        properties = schema.get("properties") if isinstance(schema, dict) else None
        for name in names:
            sub = properties.get(name) if isinstance(properties, dict) else None
            if isinstance(sub, dict) and sub.get(flag) is True:
                continue
            if name not in instance:
                yield ValidationError(f"{name!r} is a required property")

    return required


_OAS31_READ = extend(OAS31Validator, {"required": _required_unless("writeOnly")})
_OAS31_WRITE = extend(OAS31Validator, {"required": _required_unless("readOnly")})


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(err: Any) -> str:
    message = str(err.message)
    shown = repr(err.instance)
    if len(shown) > 60 and message.startswith(shown):
        message = _short(err.instance) + message[len(shown):]
    return message if len(message) <= 300 else message[:297] + "..."


def schema_errors(
    schema: Any, instance: Any, *, validator_class: Any = None, registry: Any = None
) -> list[tuple[str, str]]:
    """``(JSON pointer in the instance, message)`` for each way ``instance`` fails ``schema``.

    Raises :class:`SchemaUnchecked` when the schema cannot be applied.
    """
    cls = validator_class or validator_for(schema, default=Draft202012Validator)
    kwargs = {} if registry is None else {"registry": registry}
    try:
        validator = cls(schema, **kwargs)
        found = [(pointer_of(err.absolute_path), _message(err))
                 for err in validator.iter_errors(instance)]
    except RecursionError:
        raise SchemaUnchecked("its $refs loop or nest too deeply") from None
    except Unresolvable as exc:
        raise SchemaUnchecked(f"$ref {getattr(exc, 'ref', '')!r} leads nowhere") from None
    except Exception as exc:  # a malformed schema can fail anywhere inside jsonschema
        raise SchemaUnchecked(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    # openapi-schema-validator reports a null twice: keep the plainer message.
    paths = [where for where, message in found if message != _NOT_NULLABLE]
    return sorted({(where, "None is not allowed: the schema is not nullable")
                   if message == _NOT_NULLABLE else (where, message)
                   for where, message in found
                   if message != _NOT_NULLABLE or where not in paths})


def _examples(document: Any, media: Any, pointer: str) -> Iterator[tuple[str, str, Any]]:
    """``(label, pointer, value)`` of each inline example of a media type object."""
    if "example" in media:
        yield "example", f"{pointer}/example", media["example"]
    named = media.get("examples")
    if isinstance(named, dict):
        for name in sorted(named):
            entry, at = follow_local(document, named[name], join(pointer, "examples", name))
            if isinstance(entry, dict) and "value" in entry:
                yield f"example {name!r}", f"{at}/value", entry["value"]


class _Checker:
    """Checks the examples of one OpenAPI document."""

    def __init__(self, document: dict[str, Any], file: str,
                 line_of: Callable[[str], int]) -> None:
        self.document, self.file, self.line_of = document, file, line_of
        version = spec_version(document)
        self.modern = version in ("3.1", "3.2")
        self.swagger = version == "2.0"
        spec = DRAFT202012 if self.modern else DRAFT4
        self.registry: Registry[Any] = Registry().with_resource(
            DOCUMENT_URI, spec.create_resource(document))
        self.found: list[Diagnostic] = []

    def example(self, what: str, code: str, schema_at: str, label: str, at: str,
                value: Any, write: bool) -> None:
        if self.modern:
            cls = _OAS31_WRITE if write else _OAS31_READ
        else:
            cls = _OAS30_WRITE if write else _OAS30_READ
        try:
            problems = schema_errors({"$ref": f"{DOCUMENT_URI}#{schema_at}"}, value,
                                     validator_class=cls, registry=self.registry)
        except SchemaUnchecked as exc:
            self.found.append(warning(
                "schema-unchecked", f"cannot check the {label} of {what} against its "
                f"schema: {exc}", file=self.file, line=self.line_of(at), pointer=at))
            return
        for where, message in problems:
            self.found.append(error(
                code, f"the {label} of {what} does not match its schema at "
                f"{where or '/'}: {message}", file=self.file, line=self.line_of(at),
                pointer=at))

    def content(self, what: str, code: str, content: Any, at: str, write: bool) -> None:
        if not isinstance(content, dict):
            return
        for media_name in sorted(content):
            media = content[media_name]
            media_at = join(at, media_name)
            if not is_json(media_name) or not isinstance(media, dict) or "schema" not in media:
                continue
            for label, example_at, value in _examples(self.document, media, media_at):
                self.example(f"{what} ({media_name})", code, f"{media_at}/schema", label,
                             example_at, value, write)

    def swagger_response(self, what: str, response: Any, at: str) -> None:
        examples = response.get("examples")
        if "schema" not in response or not isinstance(examples, dict):
            return
        for media_name in sorted(examples):
            if is_json(media_name):
                self.example(what, "response-schema", f"{at}/schema", f"example ({media_name})",
                             join(at, "examples", media_name), examples[media_name], False)

    def operation(self, route: str, method: str, op: dict[str, Any], at: str) -> None:
        body, body_at = follow_local(self.document, op.get("requestBody"), f"{at}/requestBody")
        if isinstance(body, dict):
            self.content(f"{method.upper()} {route} request body", "request-schema",
                         body.get("content"), f"{body_at}/content", True)
        responses = op.get("responses")
        if not isinstance(responses, dict):
            return
        for status in sorted(responses, key=str):
            response, response_at = follow_local(self.document, responses[status],
                                                 join(at, "responses", str(status)))
            if not isinstance(response, dict):
                continue
            what = f"{method.upper()} {route} response {status}"
            if self.swagger:
                self.swagger_response(what, response, response_at)
            else:
                self.content(what, "response-schema", response.get("content"),
                             f"{response_at}/content", False)

    def run(self) -> list[Diagnostic]:
        paths = self.document.get("paths")
        if not isinstance(paths, Mapping):
            return []
        for route in sorted(paths, key=str):
            item, item_at = follow_local(self.document, paths[route], join("/paths", str(route)))
            if not isinstance(item, dict):
                continue
            for method in METHODS:
                if isinstance(item.get(method), dict):
                    self.operation(route, method, item[method], f"{item_at}/{method}")
        return sorted(set(self.found))


def check_openapi_examples(
    document: dict[str, Any], *, file: str, line_of: Callable[[str], int]
) -> list[Diagnostic]:
    """Check every JSON example of ``document``'s operations against the schema beside it.

    Response examples that fail get ``response-schema`` errors, request-body examples
    ``request-schema`` errors. ``line_of(pointer)`` gives the line of a JSON pointer in
    ``file``.
    """
    return _Checker(document, file, line_of).run()
