"""Benchmark: apiscribe's draft-04 yes/no compiler versus fastjsonschema, side by side, in one run.

The two places where apiscribe's fast path (``checks/spec_fastpath.py``) uses ``Draft4Compiler``:

* use 1: the whole document against the Swagger 2.0 or OpenAPI 3.0 meta-schema, no format
  checker (``meta_schema_check``);
* use 2: every Schema Object the fast path meta-checks, against the draft-04 meta-schema with
  ``oas30_format_checker`` (``draft4_schema_check``).

fastjsonschema is compiled with the options that give jsonschema's draft-04 semantics:
``use_default=False`` (otherwise it writes the meta-schemas' defaults into the document),
``detailed_exceptions=False`` (only yes/no is needed), ``use_formats=False`` for use 1,
``formats={"regex": <oas30_format_checker's regex>}`` for use 2 (variant "fastjsonschema,
its own regex": fastjsonschema's built-in ``re.compile`` check), a deep copy of each meta-schema
(fastjsonschema rewrites ``$ref`` values in place) and ``handlers=`` that serve the draft-04
meta-schema from ``jsonschema_specifications``, so that nothing is ever fetched.

Timing: every measurement runs in a fresh Python process (import, compile and the first
validation are those of a real command), and the variants alternate within each repetition so
that machine noise spreads evenly. Agreement: both checkers against jsonschema's own
``Draft4Validator(...).is_valid`` on the document, on every 2.0 and 3.0 document of the corpus
and on mutated documents and Schema Objects. Prints Markdown tables.

    /work/venv/bin/python benchmarks/draft4_checkers.py \\
        /work/cache/octokit/package/generated/api.github.com.json --repeat 5

The default document is GitHub's REST description (npm ``@octokit/openapi@23.0.2``,
``package/generated/api.github.com.json``); fetch it with ``npm pack`` (see BENCHMARKS.md).
Needs ``pip install fastjsonschema`` (not a dependency of apiscribe).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

DEFAULT = Path("/work/cache/octokit/package/generated/api.github.com.json")
CORPUS = Path("/work/shared/corpus/openapi")

Check = Callable[[Any], bool]

# Timed variants: "use:checker". Use 1 is the meta-schema of the document's version, use 2 the
# draft-04 meta-schema over every Schema Object.
VARIANTS = {
    "1:apiscribe": "use 1, apiscribe Draft4Compiler",
    "1:fastjsonschema": "use 1, fastjsonschema",
    "2:apiscribe": "use 2, apiscribe Draft4Compiler",
    "2:fastjsonschema": "use 2, fastjsonschema",
    "2:fastjsonschema-re": "use 2, fastjsonschema, its own regex",
}
CHECKERS = {1: ("apiscribe", "fastjsonschema"),
            2: ("apiscribe", "fastjsonschema", "fastjsonschema-re")}


# Building the checkers (imports are lazy: the child process times them) -------------------------


def plain(value: Any) -> Any:
    """A deep copy as plain dicts and lists (also unwraps openapi-spec-validator's proxies)."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def compiler_class() -> Any:
    """apiscribe's Draft4Compiler (checks/fast/compiler.py, or checks/schema_compiler.py)."""
    try:
        from apiscribe.checks.fast.compiler import Draft4Compiler
    except ImportError:
        from apiscribe.checks.schema_compiler import Draft4Compiler
    return Draft4Compiler


def fastpath_module() -> Any:
    """apiscribe's fast path (checks/fast/fastpath.py, or checks/spec_fastpath.py)."""
    try:
        from apiscribe.checks.fast import fastpath
    except ImportError:
        from apiscribe.checks import spec_fastpath as fastpath
    return fastpath


def load(path: Path) -> tuple[Any, str | None]:
    """(the document as apiscribe reads it, its version "2.0", "3.0", ... or None)."""
    try:
        from apiscribe.documents.load import load_document
        from apiscribe.documents.specs import spec_version
    except ImportError:
        from apiscribe.checks.specs import load_document, spec_version
    loaded = load_document(path)
    document = loaded[0] if isinstance(loaded, tuple) else loaded.document
    return document, spec_version(document)


def _serve(uri: str) -> Any:
    """fastjsonschema's handler for remote references: jsonschema's bundled meta-schemas only."""
    from jsonschema_specifications import REGISTRY  # type: ignore[import-untyped]

    return plain(REGISTRY.contents(urldefrag(uri)[0]))  # LookupError for anything else


HANDLERS = {"http": _serve, "https": _serve}


def meta_schema(use: int, version: str) -> Any:
    if use == 1:
        from openapi_spec_validator.schemas import schema_v2, schema_v30

        return {"2.0": schema_v2, "3.0": schema_v30}[version]
    from openapi_schema_validator import OAS30Validator

    return OAS30Validator.META_SCHEMA


def fastjsonschema_options(checker: str, use: int) -> dict[str, Any]:
    from openapi_schema_validator import oas30_format_checker

    options: dict[str, Any] = {"handlers": HANDLERS, "use_default": False,
                               "detailed_exceptions": False}
    if use == 1:
        options["use_formats"] = False
    elif checker == "fastjsonschema":
        conforms = oas30_format_checker.conforms
        options["formats"] = {"regex": lambda value: conforms(value, "regex")}
    return options


def compile_checker(checker: str, use: int, schema: Any) -> Check:
    """The yes/no check of ``schema`` by ``checker``, built as spec_fastpath.py would."""
    if checker == "apiscribe":
        Draft4Compiler = compiler_class()
        if use == 1:
            return Draft4Compiler().compile_root(dict(schema))
        from openapi_schema_validator import oas30_format_checker

        return Draft4Compiler(oas30_format_checker).compile_root(schema)
    import fastjsonschema

    validate = fastjsonschema.compile(plain(schema), **fastjsonschema_options(checker, use))
    failure = fastjsonschema.JsonSchemaValueException

    def check(instance: Any) -> bool:
        try:
            validate(instance)
        except failure:
            return False
        return True

    return check


def schema_objects(document: Any, version: str) -> list[Any]:
    """The values spec_fastpath's walk meta-checks (use 2), in its order, each once."""
    found: list[Any] = []

    class Recorder(fastpath_module()._Walk):  # type: ignore[misc]
        def schema_meta_ok(self, value: Any) -> bool:
            found.append(value)
            return True

        def default(self, parts: Any, schema: Any, value: Any) -> None:
            return None

    try:
        Recorder(document, version, lambda parts, value: True).root()
    except Exception as exc:  # the walk gives up (e.g. a reference it does not follow)
        print(f"  (the walk stopped: {type(exc).__name__}: {exc})", file=sys.stderr)
    return found


def nested_schemas(roots: list[Any]) -> list[Any]:
    """``roots`` and every subschema inside them (more inputs for the agreement of use 2)."""
    seen: set[int] = set()
    out: list[Any] = []
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        if not isinstance(node, dict) or id(node) in seen:
            continue
        seen.add(id(node))
        out.append(node)
        for key in ("items", "not", "additionalProperties", "additionalItems"):
            if isinstance(node.get(key), dict):
                stack.append(node[key])
        for key in ("allOf", "anyOf", "oneOf", "items"):
            if isinstance(node.get(key), list):
                stack.extend(node[key])
        for key in ("properties", "patternProperties", "definitions"):
            if isinstance(node.get(key), dict):
                stack.extend(node[key].values())
    return out


# The measured child ----------------------------------------------------------------------------


def child(variant: str, version: str, path: Path, inner: int) -> None:
    """Prints {"import", "compile", "first", "best", "accepted", "count"} for one variant."""
    import jsonschema  # noqa: F401  (common to both: not measured)
    import jsonschema_specifications  # noqa: F401
    import openapi_schema_validator  # noqa: F401
    import openapi_spec_validator.schemas  # noqa: F401

    import apiscribe  # noqa: F401  (the package, not the compiler: not measured)

    use_text, checker = variant.split(":")
    use = int(use_text)
    start = time.perf_counter()
    if checker == "apiscribe":
        compiler_class()
    else:
        import fastjsonschema  # noqa: F401
    imported = time.perf_counter() - start
    schema = meta_schema(use, version)
    len(schema)  # load the proxied meta-schema before the clock starts
    start = time.perf_counter()
    check = compile_checker(checker, use, schema)
    compiled = time.perf_counter() - start

    document = load(path)[0]
    instances = [document] if use == 1 else schema_objects(document, version)
    times: list[float] = []
    accepted = 0
    for _ in range(max(1, inner)):
        start = time.perf_counter()
        accepted = sum(1 for instance in instances if check(instance))
        times.append(time.perf_counter() - start)
    print(json.dumps({"import": imported, "compile": compiled, "first": times[0],
                      "best": min(times), "accepted": accepted, "count": len(instances)}))


def run(command: list[str]) -> tuple[dict[str, Any] | None, str]:
    """(figures printed by the child or None, last output line)."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = (done.stdout.strip() or done.stderr.strip() or "?").splitlines()
    last = lines[-1] if lines else "?"
    try:
        figures = json.loads(last)
    except ValueError:
        return None, last
    return (figures, last) if isinstance(figures, dict) else (None, last)


def spread(values: list[float], scale: float = 1000.0) -> tuple[str, str]:
    """("median", "min-max") in milliseconds."""
    if not values:
        return "-", "-"
    return (f"{statistics.median(values) * scale:.1f}",
            f"{min(values) * scale:.1f}-{max(values) * scale:.1f}")


def timing(path: Path, version: str, repeat: int, inner: int) -> None:
    figures: dict[str, list[dict[str, Any]]] = {name: [] for name in VARIANTS}
    for repetition in range(repeat):
        for name in VARIANTS:
            command = [sys.executable, str(Path(__file__).resolve()), str(path),
                       "--child", name, "--version", version, "--inner", str(inner)]
            found, last = run(command)
            if found is None:
                print(f"[{repetition + 1}/{repeat}] {name}: failed: {last}", file=sys.stderr)
                continue
            figures[name].append(found)
            print(f"[{repetition + 1}/{repeat}] {VARIANTS[name]}: compile "
                  f"{found['compile'] * 1000:.1f} ms, validate {found['first'] * 1000:.1f} ms "
                  f"({found['accepted']}/{found['count']} accepted)", file=sys.stderr, flush=True)
    print(f"\nDocument: {path} ({path.stat().st_size:,} bytes, version {version}), "
          f"{repeat} repetitions, a fresh process each; times in ms\n")
    print("| variant | import median (min-max) | compile median (min-max) "
          f"| validate, 1st call, median (min-max) | validate, best of {inner} in-process, "
          "median (min-max) | accepted |")
    print("|---|---:|---:|---:|---:|---|")
    for name, label in VARIANTS.items():
        rows = figures[name]
        cells = []
        for key in ("import", "compile", "first", "best"):
            median, low_high = spread([row[key] for row in rows])
            cells.append(f"{median} ({low_high})")
        accepted = f"{rows[-1]['accepted']}/{rows[-1]['count']}" if rows else "-"
        print(f"| {label} | " + " | ".join(cells) + f" | {accepted} |")
    print("\nRatios fastjsonschema / apiscribe: of the medians, and the median (min-max) of the "
          "ratios within each repetition\n")
    print("| use | fastjsonschema variant | compile | validate, 1st call | validate, best |")
    print("|---|---|---:|---:|---:|")
    for use, checkers in CHECKERS.items():
        base = figures[f"{use}:apiscribe"]
        for checker in checkers[1:]:
            other = figures[f"{use}:{checker}"]
            cells = []
            for key in ("compile", "first", "best"):
                if not base or not other:
                    cells.append("-")
                    continue
                of_medians = (statistics.median(row[key] for row in other)
                              / statistics.median(row[key] for row in base))
                paired = [o[key] / b[key] for b, o in zip(base, other, strict=False) if b[key]]
                cells.append(f"{of_medians:.2f} ({statistics.median(paired):.2f}, "
                             f"{min(paired):.2f}-{max(paired):.2f})")
            print(f"| {use} | {VARIANTS[f'{use}:{checker}']} | " + " | ".join(cells) + " |")


# Agreement -------------------------------------------------------------------------------------


def answer(check: Callable[[Any], Any], instance: Any) -> str:
    """"valid", "invalid" or "error: <type>"."""
    try:
        return "valid" if check(instance) else "invalid"
    except Exception as exc:
        return f"error: {type(exc).__name__}"


DROP = object()


def with_value(document: Any, parts: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``document`` with ``value`` at ``parts`` (only the containers on the way are
    copied); ``value`` DROP removes the member."""
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if isinstance(document, list):
        copy_list = list(document)
        copy_list[head] = with_value(document[head], rest, value)
        return copy_list
    copy_dict = dict(document) if isinstance(document, dict) else {}
    if not rest and value is DROP:
        copy_dict.pop(head, None)
    else:
        copy_dict[head] = with_value(copy_dict.get(head, {}), rest, value)
    return copy_dict


def first_operation(document: dict[str, Any]) -> tuple[str, str] | None:
    for url, item in document.get("paths", {}).items():
        if isinstance(item, dict):
            for method in ("get", "put", "post", "delete", "patch", "options", "head"):
                if isinstance(item.get(method), dict):
                    return url, method
    return None


def first_parameter(document: dict[str, Any]) -> tuple[Any, ...] | None:
    for url, item in document.get("paths", {}).items():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if isinstance(operation, dict):
                for index, parameter in enumerate(operation.get("parameters", [])):
                    if isinstance(parameter, dict) and "$ref" not in parameter:
                        return ("paths", url, method, "parameters", index)
    return None


def document_mutations(document: dict[str, Any], version: str) -> Iterator[tuple[str, Any]]:
    """(name, mutated document) for use 1."""
    yield "unchanged", document
    yield "drop required 'info'", with_value(document, ("info",), DROP)
    yield "drop required 'info.title'", with_value(document, ("info", "title"), DROP)
    yield "drop required 'paths'", with_value(document, ("paths",), DROP)
    yield "wrong type: info.version = 1", with_value(document, ("info", "version"), 1)
    yield "wrong type: info.version = true", with_value(document, ("info", "version"), True)
    yield "wrong type: paths = []", with_value(document, ("paths",), [])
    yield "unknown top-level key 'foo'", with_value(document, ("foo",), 1)
    yield "extension top-level key 'x-foo'", with_value(document, ("x-foo",), 1)
    yield "path key without '/'", with_value(document, ("paths", "pets"), {})
    yield "duplicate tags (same keys, other order)", with_value(
        document, ("tags",), [{"name": "a", "description": "d"}, {"description": "d", "name": "a"}])
    yield "distinct tags", with_value(document, ("tags",), [{"name": "a"}, {"name": "b"}])
    operation = first_operation(document)
    if operation is not None:
        here = ("paths", *operation)
        yield "drop required 'responses' of an operation", with_value(
            document, (*here, "responses"), DROP)
        yield "wrong type: parameters = {}", with_value(document, (*here, "parameters"), {})
        yield "response code '2000'", with_value(
            document, (*here, "responses", "2000"), {"description": "x"})
        yield "response code '200\\n' (trailing newline)", with_value(
            document, (*here, "responses", "200\n"), {"description": "x"})
        yield "wrong type: operationId = 5", with_value(document, (*here, "operationId"), 5)
    parameter = first_parameter(document)
    if parameter is not None:
        yield "parameter 'in' not in its enum", with_value(
            document, (*parameter, "in"), "cookie" if version == "2.0" else "body")
        yield "parameter required = 'yes'", with_value(document, (*parameter, "required"), "yes")
    if version == "2.0":
        yield "host 'example.com\\n' (trailing newline)", with_value(
            document, ("host",), "example.com\n")
        yield "host 'exa mple.com'", with_value(document, ("host",), "exa mple.com")
        yield "basePath 'v1' (no '/')", with_value(document, ("basePath",), "v1")
        yield "schemes ['ftp']", with_value(document, ("schemes",), ["ftp"])
        yield "swagger '2.0\\n'", with_value(document, ("swagger",), "2.0\n")
    else:
        yield "openapi '3.0.3\\n' (trailing newline)", with_value(
            document, ("openapi",), "3.0.3\n")
        yield "openapi '3.1.0'", with_value(document, ("openapi",), "3.1.0")
        yield "servers [{'url': 1}]", with_value(document, ("servers",), [{"url": 1}])
        schemes = ("components", "securitySchemes", "zzMutant")
        for scheme, extra in (("bearer", {}), ("bearer", {"bearerFormat": "JWT"}),
                              ("bearer\n", {}), ("bearer\n", {"bearerFormat": "JWT"}),
                              ("basic", {"bearerFormat": "JWT"}), ("basic\n", {})):
            yield (f"http security scheme {scheme!r} {extra}",
                   with_value(document, schemes, {"type": "http", "scheme": scheme, **extra}))


def deep(levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


SCHEMA_MUTATIONS: list[tuple[str, Any]] = [
    ("type string", {"type": "string"}),
    ("type 'strin'", {"type": "strin"}),
    ("type ['string', 'string']", {"type": ["string", "string"]}),
    ("type []", {"type": []}),
    ("required []", {"required": []}),
    ("required ['a', 'a']", {"required": ["a", "a"]}),
    ("required 'a'", {"required": "a"}),
    ("pattern '[' (bad regex)", {"pattern": "["}),
    ("pattern '(?P<x>a)(?P<x>b)' (bad regex)", {"pattern": "(?P<x>a)(?P<x>b)"}),
    ("pattern '(?<name>x)' (ECMA-only named group)", {"pattern": "(?<name>x)"}),
    ("pattern '\\p{L}' (ECMA-only class)", {"pattern": "\\p{L}"}),
    ("pattern '(?i)abc' (Python-only inline flag)", {"pattern": "(?i)abc"}),
    ("pattern '(?s).' (Python-only inline flag)", {"pattern": "(?s)."}),
    ("pattern '\\x{41}' (ECMA-only escape)", {"pattern": "\\x{41}"}),
    ("pattern 300 nested groups", {"pattern": "(" * 300 + ")" * 300}),
    ("pattern 'a$'", {"pattern": "a$"}),
    ("pattern 5", {"pattern": 5}),
    ("nested bad regex in properties", {"properties": {"a": {"pattern": "["}}}),
    ("nested bad regex in items", {"type": "array", "items": {"pattern": "("}}),
    ("bad regex beside a $ref", {"$ref": "#/components/schemas/x", "pattern": "["}),
    ("minLength -1", {"minLength": -1}),
    ("minLength 1.5", {"minLength": 1.5}),
    ("minLength 2.0", {"minLength": 2.0}),
    ("minLength true", {"minLength": True}),
    ("maximum '5'", {"maximum": "5"}),
    ("maximum true", {"maximum": True}),
    ("exclusiveMaximum without maximum", {"exclusiveMaximum": True}),
    ("exclusiveMaximum 1 (not boolean)", {"exclusiveMaximum": 1, "maximum": 5}),
    ("multipleOf 0", {"multipleOf": 0}),
    ("multipleOf -1", {"multipleOf": -1}),
    ("enum []", {"enum": []}),
    ("enum [1, 1.0]", {"enum": [1, 1.0]}),
    ("enum [true, 1]", {"enum": [True, 1]}),
    ("enum [0, false]", {"enum": [0, False]}),
    ("enum [[0], [false]]", {"enum": [[0], [False]]}),
    ("enum [{a:1,b:2}, {b:2,a:1}]", {"enum": [{"a": 1, "b": 2}, {"b": 2, "a": 1}]}),
    ("enum [[{a:[1]}], [{a:[1.0]}]]", {"enum": [[{"a": [1]}], [{"a": [1.0]}]]}),
    ("properties {a: 5}", {"properties": {"a": 5}}),
    ("items []", {"items": []}),
    ("allOf []", {"allOf": []}),
    ("additionalProperties 'no'", {"additionalProperties": "no"}),
    ("format 5", {"format": 5}),
    ("title 5", {"title": 5}),
    ("id 5", {"id": 5}),
    ("nullable 'yes'", {"nullable": "yes"}),
    ("$ref 5", {"$ref": 5}),
    ("dependencies {a: []}", {"dependencies": {"a": []}}),
    ("dependencies {a: ['b']}", {"dependencies": {"a": ["b"]}}),
    ("100 nested properties", deep(100)),
    ("150 nested properties", deep(150)),
    ("400 nested properties", deep(400)),
]


def schema_home(version: str) -> tuple[str, ...]:
    return ("definitions", "zzMutant") if version == "2.0" else (
        "components", "schemas", "zzMutant")


class Tally:
    """Answers of every checker against the reference; keeps the disagreements."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], int] = {}
        self.same: dict[tuple[str, str], dict[str, int]] = {}
        self.disagreements: list[str] = []
        self.answers: dict[tuple[str, int, str], tuple[str, dict[str, str]]] = {}

    def add(self, where: str, use: int, item: str, reference: str,
            answers: dict[str, str]) -> None:
        self.answers[(where, use, item)] = (reference, answers)
        key = (where, f"use {use}")
        self.rows[key] = self.rows.get(key, 0) + 1
        same = self.same.setdefault(key, {})
        for checker, found in answers.items():
            if found == reference:
                same[checker] = same.get(checker, 0) + 1
                continue
            if reference.startswith("error"):
                kind = f"jsonschema raised, {checker} answered {found}"
            elif found == "valid":
                kind = "UNSAFE: says valid, jsonschema says invalid"
            elif reference == "valid":
                kind = "safe: says not valid, jsonschema says valid"
            else:
                kind = "safe: raised, jsonschema says invalid"
            self.disagreements.append(
                f"| {where} | {use} | {item} | {reference} | {checker}: {found} | {kind} |")


def agreement(path: Path, corpus: Path, mutate_spec: bool) -> None:
    from jsonschema import Draft4Validator
    from jsonschema.exceptions import SchemaError
    from openapi_schema_validator import OAS30Validator, oas30_format_checker

    use1 = {version: {checker: compile_checker(checker, 1, meta_schema(1, version))
                      for checker in CHECKERS[1]} for version in ("2.0", "3.0")}
    use2 = {checker: compile_checker(checker, 2, meta_schema(2, "3.0")) for checker in CHECKERS[2]}
    reference1 = {version: Draft4Validator(meta_schema(1, version)).is_valid
                  for version in ("2.0", "3.0")}
    reference2 = Draft4Validator(OAS30Validator.META_SCHEMA,
                                 format_checker=oas30_format_checker).is_valid

    def check_schema(schema: Any) -> bool:  # what openapi-spec-validator itself calls
        try:
            OAS30Validator.check_schema(schema)
        except SchemaError:
            return False
        return True

    tally = Tally()
    check_schema_differs: list[str] = []

    def judge_schemas(where: str, schemas: list[tuple[str, Any]]) -> None:
        for item, schema in schemas:
            reference = answer(reference2, schema)
            if answer(check_schema, schema) != reference:
                check_schema_differs.append(f"{where}: {item}")
            tally.add(where, 2, item, reference,
                      {checker: answer(use2[checker], schema) for checker in CHECKERS[2]})

    def judge_document(where: str, item: str, document: Any, version: str) -> None:
        tally.add(where, 1, item, answer(reference1[version], document),
                  {checker: answer(use1[version][checker], document) for checker in CHECKERS[1]})

    documents = [path, *sorted(p for p in corpus.iterdir() if p.suffix in (".json", ".yaml"))]
    skipped: list[str] = []
    targets: list[tuple[str, Any, str]] = []
    for each in documents:
        document, version = load(each)
        if version not in ("2.0", "3.0"):
            skipped.append(f"{each.name} ({version})")
            continue
        print(f"agreement: {each.name} ({version})", file=sys.stderr, flush=True)
        judge_document(each.name, "the document", document, version)
        walked = schema_objects(document, version)
        judge_schemas(each.name, [(f"Schema Object #{i} (walk)", s) for i, s in enumerate(walked)])
        known = {id(s) for s in walked}
        judge_schemas(each.name, [(f"subschema #{i}", s)
                                  for i, s in enumerate(nested_schemas(walked))
                                  if id(s) not in known])
        if each != path or mutate_spec:
            targets.append((each.name, document, version))
    for name, document, version in targets:
        print(f"mutations: {name} ({version})", file=sys.stderr, flush=True)
        for item, mutated in document_mutations(document, version):
            judge_document(f"{name}, mutated", item, mutated, version)
        if name == path.name:
            continue  # slow there, and they do not depend on the document around them
        for item, schema in SCHEMA_MUTATIONS:
            judge_document(f"{name}, mutated", f"Schema Object: {item}",
                           with_value(document, schema_home(version), schema), version)
    judge_schemas("Schema Object mutations", SCHEMA_MUTATIONS)

    print("\n## Agreement with jsonschema's Draft4Validator(...).is_valid\n")
    print("Use 1: the meta-schema of the version over the document (no format checker). Use 2: "
          "OAS30Validator.META_SCHEMA with oas30_format_checker over each Schema Object the fast "
          "path walks, plus every subschema inside them.\n")
    print("| document | use | checked | " + " | ".join(
        f"same as jsonschema: {c}" for c in CHECKERS[2]) + " |")
    print("|---|---|---:|" + "---:|" * len(CHECKERS[2]))
    for key, count in tally.rows.items():
        same = tally.same.get(key, {})
        cells = [str(same.get(c, 0)) if c in CHECKERS[int(key[1][-1])] else "-"
                 for c in CHECKERS[2]]
        print(f"| {key[0]} | {key[1][-1]} | {count} | " + " | ".join(cells) + " |")
    if skipped:
        print(f"\nNot 2.0 or 3.0, left out: {', '.join(skipped)}")
    print(f"\n{len(tally.disagreements)} disagreements\n")
    if tally.disagreements:
        print("| document | use | item | jsonschema | checker | kind |")
        print("|---|---|---|---|---|---|")
        for line in tally.disagreements:
            print(line)
    shown = [(path.name + ", mutated", 1), ("oai_v2.0_petstore.json, mutated", 1),
             ("oai_v3.0_petstore.json, mutated", 1), ("Schema Object mutations", 2)]
    for where, use in shown:
        rows = [(item, found) for (w, u, item), found in tally.answers.items()
                if (w, u) == (where, use)]
        if not rows:
            continue
        print(f"\n### {where} (use {use})\n")
        print("| mutation | jsonschema | " + " | ".join(CHECKERS[use]) + " |")
        print("|---|---|" + "---|" * len(CHECKERS[use]))
        for item, (reference, answers) in rows:
            cells = [answers[c] if answers[c] == reference else f"**{answers[c]}**"
                     for c in CHECKERS[use]]
            print(f"| {item} | {reference} | " + " | ".join(cells) + " |")
    print(f"\nOAS30Validator.check_schema (what openapi-spec-validator calls) differs from the "
          f"reference on {len(check_schema_differs)} Schema Objects"
          + (": " + "; ".join(check_schema_differs[:20]) if check_schema_differs else ""))
    import re

    import fastjsonschema

    for label, use, version in (("2.0 meta-schema", 1, "2.0"), ("3.0 meta-schema", 1, "3.0"),
                                ("draft-04 meta-schema", 2, "3.0")):
        code = fastjsonschema.compile_to_code(plain(meta_schema(use, version)),
                                              **fastjsonschema_options("fastjsonschema", use))
        names = re.findall(r"^def (\w+)\(", code, re.MULTILINE)
        print(f"\nfastjsonschema, {label}: {len(names)} generated functions, "
              f"{len(names) - len(set(names))} duplicate names, {code.count(chr(10))} lines")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--inner", type=int, default=3,
                        help="validations within each process (the first is reported apart)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument("--skip-agreement", action="store_true")
    parser.add_argument("--no-spec-mutations", action="store_true",
                        help="mutate only the small corpus documents, not FILE")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--version", help=argparse.SUPPRESS)
    args = parser.parse_args()
    path: Path = args.file.resolve()
    if not path.is_file():
        print(f"no such file: {path} (see BENCHMARKS.md to fetch it)", file=sys.stderr)
        return 2
    if args.child:
        child(args.child, args.version, path, args.inner)
        return 0
    import platform
    from importlib.metadata import version as installed

    print(f"Python {platform.python_version()}, fastjsonschema {installed('fastjsonschema')}, "
          f"jsonschema {installed('jsonschema')}, openapi-spec-validator "
          f"{installed('openapi-spec-validator')}, openapi-schema-validator "
          f"{installed('openapi-schema-validator')}; {time.strftime('%Y-%m-%d %H:%M %Z')}")
    if not args.skip_timing:
        version = load(path)[1]
        if version not in ("2.0", "3.0"):
            print(f"{path}: version {version}, not 2.0 or 3.0", file=sys.stderr)
            return 2
        timing(path, version, args.repeat, args.inner)
    if not args.skip_agreement:
        agreement(path, args.corpus.resolve(), not args.no_spec_mutations)
    return 0


if __name__ == "__main__":
    sys.exit(main())
