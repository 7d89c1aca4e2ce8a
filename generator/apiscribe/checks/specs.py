"""The spec checks: every error in an OpenAPI 3.x or Swagger 2.0 document, with file, line and
pointer, and every example against the schema beside it. ``check`` and ``convert`` both run
:func:`check_document`.

Verdicts and messages are openapi-spec-validator's. A valid document is proved valid by a fast
path (:mod:`apiscribe.checks.fast`: compiled meta-schemas and the validator's keyword checks
replayed over plain data); any other document goes through the validator itself. Two of the
validator's findings are problems the importer names too, so they get the importer's code
and wording: a repeated operationId (``duplicate-operation-id``, at the operationId) and a
path template name no parameter declares (``undeclared-path-parameter``). Results can be
cached by content hash.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from ..diagnostics import Diagnostic, error
from ..documents.lines import LineIndex
from ..documents.load import parse_document, read_bytes
from ..documents.pointer import join, pointer_of, resolve, tokens
from ..documents.refs import outside_folder, real_pointer, ref_sites, remote_refused
from ..documents.specs import (
    PATH_ITEM_MAPS,
    duplicate_operation_id,
    not_a_spec,
    spec_version,
    undeclared_path_parameter,
)
from ..model.routes import METHODS
from . import cache
from .fast.fastpath import FAST_VERSIONS, meta_schema_accepts, order_dependent, prove_valid
from .fast.validator import KIND, PLACE, REF, REFUSED, default_checker, spec_errors
from .spec_examples import check_openapi_examples

__all__ = ["check_document", "check_spec_file", "validate_document", "validate_spec"]

_MESSAGE_LIMIT = 500
CODE = "spec-invalid"
_DUPLICATE_ID = re.compile(r"Operation ID '(.*)' for '(\w+)' in '(.*)' is not unique\Z")
_UNRESOLVED = re.compile(r"Path parameter '(.*)' for '(\w+)' operation in '(.*)' was not "
                         r"resolved\Z")


def _short(text: str, limit: int = _MESSAGE_LIMIT) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


def _first_user(document: Any, operation_id: str, method: str, path: str) -> str:
    """The first operation (document order) other than ``method path`` with that id."""
    paths = document.get("paths") if isinstance(document, dict) else None
    for route, item in paths.items() if isinstance(paths, dict) else ():
        for verb in METHODS:
            op = item.get(verb) if isinstance(item, dict) else None
            if isinstance(op, dict) and op.get("operationId") == operation_id and (
                    (route, verb) != (path, method)):
                return f"{verb.upper()} {route}"
    return "another operation"


def _named(err: ValidationError, document: Any, lines: LineIndex, file: str
           ) -> Diagnostic | None:
    """The importer's diagnostic for a validator finding it also names, else None."""
    message = str(err.message)
    found = _DUPLICATE_ID.match(message)
    if found:
        operation_id, method, path = found.groups()
        text, hint = duplicate_operation_id(operation_id, f"{method.upper()} {path}",
                                            _first_user(document, operation_id, method, path))
        pointer = join("/paths", path, method, "operationId")
        return error("duplicate-operation-id", text, file=file, line=lines.line_of(pointer),
                     pointer=pointer, hint=hint)
    found = _UNRESOLVED.match(message)
    if found:
        name, method, path = found.groups()
        text, hint = undeclared_path_parameter(name, method, path)
        pointer = join("/paths", path, method)
        return error("undeclared-path-parameter", text, file=file,
                     line=lines.line_of(pointer), pointer=pointer, hint=hint)
    return None


def _diagnostic(err: ValidationError, document: Any, lines: LineIndex, file: str) -> Diagnostic:
    named = _named(err, document, lines, file)
    if named is not None:
        return named
    place = getattr(err, PLACE, None)
    # A meta-schema error has no place: its path is a plain path in the document.
    pointer = pointer_of(err.absolute_path) if place is None else real_pointer(document, place)
    refused = getattr(err, REFUSED, None)
    if refused is not None:  # where the importer reports it: at the reference itself
        ref = getattr(err, REF, "")
        site = ref_sites(document, pointer, ref) or ref_sites(document, "", ref) or pointer
        at = site if site.endswith("/$ref") else f"{site}/$ref"
        found, written, _ = resolve(document, tokens(at))
        ref = written if found and isinstance(written, str) else ref
        code, message, hint = (remote_refused(ref) if refused.code == "ref-remote-refused"
                               else outside_folder(ref, file))
        return error(code, message, file=file, line=lines.line_of(at), pointer=at, hint=hint)
    if getattr(err, KIND, "") == "unresolvable":
        ref = getattr(err, REF, "")
        pointer = ref_sites(document, pointer, ref) or ref_sites(document, "", ref) or pointer
    hint = ""
    if err.context:
        likely = best_match(err.context)
        where = pointer_of(likely.absolute_path)
        hint = f"probably: {_short(likely.message, 200)} (at {where or '/'})"
    return error(CODE, _short(err.message), file=file, line=lines.line_of(pointer),
                 pointer=pointer, hint=hint)


def validate_document(
    document: Any, path: Path, lines: LineIndex, *, base_uri: str = "",
    allow_remote: bool = False,
) -> list[Diagnostic]:
    """Every problem openapi-spec-validator finds in a loaded document (sorted)."""
    file = str(path)
    version = spec_version(document)
    if version is None:
        return [not_a_spec(document, file, lines)]
    base_uri = base_uri or path.resolve().as_uri()
    meta_ok: bool | None = None
    try:
        if version in FAST_VERSIONS:  # compiled: cheap to answer before anything
            meta_ok = meta_schema_accepts(document, version)
        if version != "3.2":
            proven, _ = prove_valid(
                document, version,
                default_checker(document, version, base_uri, allow_remote=allow_remote),
                meta_ok=meta_ok)
            if proven:
                return []
    except RecursionError:  # nested past the proof's depth: the validator decides
        meta_ok = None
    errors = spec_errors(document, version, base_uri, meta_ok=meta_ok,
                         allow_remote=allow_remote)
    kinds = [getattr(e, KIND, "") for e in errors]
    if any(kind != "crash" for kind in kinds):  # a crash follows from the other errors
        errors = [e for e, kind in zip(errors, kinds, strict=True) if kind != "crash"]
    return sorted({_diagnostic(e, document, lines, file) for e in errors})


def check_document(document: Any, file: str, lines: LineIndex, *, base_uri: str,
                   allow_remote: bool = False, known_valid: Collection[str] = ()
                   ) -> list[Diagnostic]:
    """The spec checks of a parsed document: validity, then (when the document is an OpenAPI
    or Swagger one) every example against its schema. Referenced documents are read under
    the reference policy: the input's folder, and http(s) only with ``allow_remote``.

    ``known_valid`` names path items (by pointer) that earlier checks of a document with the
    same everything-else found valid, with no problem anywhere (:mod:`apiscribe.load_memo`),
    in a document where nothing refers into a path item
    (:func:`apiscribe.documents.specs.spec_digests`).
    They are left out of the check when that cannot change its verdict: each path item's
    checks read only it and the rest of the document, but for one, the uniqueness of
    operationIds, which is checked here over the whole document. The checks that found
    nothing had proved everything else valid too, so the path items left are first proved
    valid on their own (:func:`_items_proven`); failing that, the smaller document is checked
    whole. When it has a problem, the whole document is checked, so every diagnostic is the
    full check's. A document where the validator's verdict depends on the order in which it
    meets a schema (:func:`~apiscribe.checks.fast.fastpath.order_dependent`) is checked whole:
    an edit of one path item can change what it finds elsewhere."""
    smaller = _without(document, known_valid) if known_valid else None
    version = spec_version(document)
    if smaller is not None and version in FAST_VERSIONS and order_dependent(
            document, version):
        smaller = None  # a verdict that another path item's edit can change: the whole, then
    if smaller is not None:
        if _items_proven(smaller, version, file, lines, base_uri, allow_remote):
            return []
        found = _checked(smaller, file, lines, base_uri, allow_remote)
        if not found:
            return found
    return _checked(document, file, lines, base_uri, allow_remote)


def _checked(document: Any, file: str, lines: LineIndex, base_uri: str, allow_remote: bool
             ) -> list[Diagnostic]:
    found = validate_document(document, Path(file), lines, base_uri=base_uri,
                              allow_remote=allow_remote)
    if isinstance(document, dict) and spec_version(document) is not None:
        found += check_openapi_examples(document, file=file, line_of=lines.line_of)
    return sorted(set(found))


def _items_proven(smaller: dict[str, Any], version: str | None, file: str, lines: LineIndex,
                  base_uri: str, allow_remote: bool) -> bool:
    """Whether the path items of ``smaller`` are proved valid, in a document whose everything
    else an earlier check found valid: the fast path's walk of those items alone, and the
    meta-schema on a document of only the members it requires beside them (the meta-schemas
    of 2.0, 3.0 and 3.1 check each member of a document, and each path item, on its own;
    ``tests/test_check_items.py`` holds the verdicts equal to the full check's); then their
    examples, which the example checks read from the operations alone."""
    if version not in FAST_VERSIONS:
        return False
    probe = {key: smaller[key] for key in ("swagger", "openapi", "info", *PATH_ITEM_MAPS)
             if key in smaller}
    base_uri = base_uri or Path(file).resolve().as_uri()
    try:
        if not meta_schema_accepts(probe, version):
            return False
        checker = default_checker(smaller, version, base_uri, allow_remote=allow_remote)
        if not prove_valid(smaller, version, checker, meta_ok=True, paths_only=True)[0]:
            return False
    except RecursionError:
        return False
    return not check_openapi_examples(smaller, file=file, line_of=lines.line_of)


def _without(document: Any, pointers: Collection[str]) -> dict[str, Any] | None:
    """``document`` without the path items at ``pointers``; ``None`` when leaving them out
    could hide a problem: a path item is a reference, or two operations share an
    operationId."""
    if not isinstance(document, dict):
        return None
    smaller = dict(document)
    ids: set[str] = set()
    for name in PATH_ITEM_MAPS:
        members = document.get(name)
        if not isinstance(members, dict):
            continue
        for item in members.values():
            if not isinstance(item, dict) or "$ref" in item:
                return None
            for method, operation in item.items():
                if method in METHODS and isinstance(operation, dict) and (
                        "operationId" in operation):
                    given = operation["operationId"]
                    if not isinstance(given, str) or given in ids:
                        return None
                    ids.add(given)
        smaller[name] = {key: item for key, item in members.items()
                         if join(f"/{name}", key) not in pointers}
    return smaller


def _has_outside_references(document: Any) -> bool:
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def validate_spec(path: Path, *, cache_dir: Path | None = None,
                  allow_remote: bool = False) -> list[Diagnostic]:
    """Load and check one OpenAPI/Swagger file (:func:`check_document`); every problem as a
    diagnostic (sorted).

    With ``cache_dir``, results are cached by content hash there (nothing is written
    elsewhere); documents that reference other files are not cached. Without it, nothing is
    written at all.
    """
    file = str(path)
    data, problems = read_bytes(path)
    if data is None:
        return problems
    key = cache.cache_key(data, path.suffix) if cache_dir is not None else ""
    if cache_dir is not None:
        cached = cache.read_entry(cache_dir, key, file)
        if cached is not None:
            return cached
    document, problems, lines = parse_document(data, path)
    if document is not None:
        problems = check_document(document, file, lines, base_uri=path.resolve().as_uri(),
                                  allow_remote=allow_remote)
    if cache_dir is not None and not _has_outside_references(document):
        cache.write_entry(cache_dir, key, problems)
    return problems


def check_spec_file(
    path: Path, *, display: str | None = None, cache_dir: Path | None = None,
    allow_remote: bool = False,
) -> list[Diagnostic]:
    """:func:`validate_spec`, with diagnostics naming the file as ``display`` when given."""
    found = validate_spec(path, cache_dir=cache_dir, allow_remote=allow_remote)
    if display is None:
        return found
    return [dataclasses.replace(d, file=display) for d in found]
