"""openapi-spec-validator run the way ``apiscribe check`` needs it: every error, each with a place.

The validator's keyword checks (unique operationIds, path parameters, ...) raise errors without a
path. Subclasses of its keyword validators stamp each error with the document path being checked,
keep going after an unresolvable ``$ref`` (the validator stops at the first), and skip work that
a compiled check already proved unnecessary (a Schema Object that the compiled draft-04 or OAS
3.1 dialect accepts). Messages are always the validator's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, TypeVar

from jsonschema.exceptions import ValidationError
from jsonschema_path import SchemaPath
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from openapi_spec_validator import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
    OpenAPIV32SpecValidator,
)
from openapi_spec_validator.validation import keywords
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from openapi_spec_validator.validation.validators import SpecValidator
from referencing.exceptions import PointerToNowhere, Unresolvable

from ...documents.refs import RefRefused, Unreadable, guarded_handlers
from .fastpath import Parts, draft4_schema_check, oas31_dialect_check

VALIDATOR_CLASSES: dict[str, type[SpecValidator]] = {
    "2.0": OpenAPIV2SpecValidator,
    "3.0": OpenAPIV30SpecValidator,
    "3.1": OpenAPIV31SpecValidator,
    "3.2": OpenAPIV32SpecValidator,
}

# Attributes set on errors found by the keyword checks.
PLACE = "apiscribe_place"  # the document path (references followed) of the problem
KIND = "apiscribe_kind"  # "", "unresolvable", "refused" or "crash"
REF = "apiscribe_ref"  # for "unresolvable": the reference, or the end of it
REFUSED = "apiscribe_refused"  # for "refused": the policy's RefRefused


class _IdList(list[int]):
    """The validator's list of visited schema ids, with constant-time membership."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[int] = set()

    def append(self, item: int) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


E = TypeVar("E", bound=BaseException)


def _behind(exc: BaseException, kind: type[E]) -> E | None:
    """The exception of ``kind`` behind ``exc``, if any (libraries wrap the handlers' own):
    the policy's refusal, or why a referenced document could not be read."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None or isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _stopped(exc: Exception, place: Parts) -> ValidationError:
    ref = ""
    refused = _behind(exc, RefRefused)
    if refused is not None:
        err = OpenAPIValidationError(refused.message)
        setattr(err, PLACE, place)
        setattr(err, KIND, "refused")
        setattr(err, REF, str(getattr(exc, "ref", "")))
        setattr(err, REFUSED, refused)
        return err
    if isinstance(exc, PointerToNowhere):
        message = f"unresolvable reference: nothing at '#{exc.ref}'"
        kind, ref = "unresolvable", f"#{exc.ref}"
    elif isinstance(exc, Unresolvable):
        unreadable = _behind(exc, Unreadable)
        message = f"unresolvable reference '{exc.ref}'" + (f": {unreadable}" if unreadable else "")
        kind, ref = "unresolvable", str(exc.ref)
    else:
        message = f"the validator stopped here: {type(exc).__name__}: {exc}"
        kind = "crash"
    err = OpenAPIValidationError(message)
    setattr(err, PLACE, place)
    setattr(err, KIND, kind)
    setattr(err, REF, ref)
    return err


def _locating(kind: type[keywords.KeywordValidator]) -> type[keywords.KeywordValidator]:
    extra: Parts = ("default",) if issubclass(kind, keywords.ValueValidator) else ()
    namespace: dict[str, Any] = {}
    parent: Any = kind

    def __call__(self: Any, *args: Any, **kwargs: Any) -> Iterator[ValidationError]:
        base = next((a for a in args if isinstance(a, SchemaPath)), None)
        place: Parts = tuple(base.parts) if base is not None else ()
        try:
            for err in parent.__call__(self, *args, **kwargs):
                if getattr(err, PLACE, None) is None:
                    setattr(err, PLACE, place + extra + tuple(err.absolute_path))
                    setattr(err, KIND, "")
                yield err
        except Exception as exc:  # the validator stops here; report it and go on with the rest
            yield _stopped(exc, place)

    namespace["__call__"] = __call__
    if issubclass(kind, keywords.SchemaValidator):

        def __init__(self: Any, registry: Any) -> None:
            parent.__init__(self, registry)
            self.visited_schema_ids = _IdList()
            self.meta_checked_schema_ids = _IdList()

        namespace["__init__"] = __init__
    if issubclass(kind, keywords.OpenAPIV30SchemaValidator):

        def _validate_schema_meta(self: Any, schema: Any, schema_value: Any) -> Any:
            if draft4_schema_check()(schema_value):
                return None
            return parent._validate_schema_meta(self, schema, schema_value)

        namespace["_validate_schema_meta"] = _validate_schema_meta
    elif issubclass(kind, keywords.OpenAPIV31SchemaValidator):

        def _validate_schema_meta_31(self: Any, schema: Any, schema_value: Any) -> Any:
            if oas31_dialect_accepts(self, schema, schema_value):
                return None
            return parent._validate_schema_meta(self, schema, schema_value)

        namespace["_validate_schema_meta"] = _validate_schema_meta_31
    return type(f"Located{kind.__name__}", (kind,), namespace)


def oas31_dialect_accepts(validator: Any, schema: Any, schema_value: Any) -> bool:
    """Whether the compiled OAS 3.1 dialect proves ``schema_value`` right, where the 3.1
    keyword validator would check it against that dialect with the OAS 3.1 formats."""
    compiled = oas31_dialect_check()
    if compiled is None or validator.schema_validator_format_checker is not oas31_format_checker:
        return False
    try:
        dialect = validator._get_schema_dialect_id(schema, schema_value)
        if validator._get_validator_class_for_dialect(dialect) is not OAS31Validator:
            return False
        return compiled(schema_value)
    except Exception:  # anything unexpected: the validator's own check decides
        return False


@cache
def located_class(version: str) -> type[SpecValidator]:
    """The validator class of ``version`` with place-stamping keyword validators."""
    base = VALIDATOR_CLASSES[version]
    kinds = {name: _locating(kind) for name, kind in base.keyword_validators.items()}
    return type(f"Located{base.__name__}", (base,), {"keyword_validators": kinds})


def _guarded(cls: type[SpecValidator], base_uri: str, allow_remote: bool
             ) -> type[SpecValidator]:
    """``cls`` reading referenced documents only as the reference policy allows."""
    handlers = guarded_handlers(base_uri, allow_remote=allow_remote)
    return type(cls.__name__, (cls,), {"resolver_handlers": handlers})


def spec_errors(
    document: Any, version: str, base_uri: str, *, meta_ok: bool | None = None,
    allow_remote: bool = False,
) -> list[ValidationError]:
    """Every error openapi-spec-validator finds, in its order.

    The same two steps as ``SpecValidator.iter_errors``: the meta-schema, then the keyword
    checks. ``meta_ok=True`` skips the first (a compiled check already proved it finds nothing).
    Referenced documents are read under the reference policy (``allow_remote`` for http).
    """
    validator = _guarded(located_class(version), base_uri, allow_remote)(
        document, base_uri=base_uri)
    errors: list[ValidationError] = []
    if meta_ok is not True:
        try:
            errors += validator.schema_validator.iter_errors(document)
        except Exception as exc:  # e.g. a document nested too deeply for jsonschema
            errors.append(_stopped(exc, ()))
    errors += validator.root_validator(validator.schema_path)
    return errors


def default_checker(document: Any, version: str, base_uri: str, *, allow_remote: bool = False
                    ) -> Callable[[Parts, Any], bool]:
    """Checks a ``default`` whose schema holds references exactly as the validator does."""
    made: list[SpecValidator] = []

    def is_valid(parts: Parts, value: Any) -> bool:
        if not made:
            guarded = _guarded(VALIDATOR_CLASSES[version], base_uri, allow_remote)
            made.append(guarded(document, base_uri=base_uri))
        node = made[0].schema_path
        for part in parts:
            node = node / part
        checker: Any = made[0].keyword_validators_registry["default"]
        return next(iter(checker(node, value)), None) is None

    return is_valid
