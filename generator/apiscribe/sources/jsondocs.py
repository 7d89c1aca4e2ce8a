"""The JSON-doc reader: Sentry's front-matter JSON docs (and a ``sections.json``) into the model.

Everything a file says is kept: its header comments, the keys it leaves out, and its own
JSON layout while the document is unchanged, so the JSON-doc view writes it back byte for
byte. Problems are diagnostics naming the file, the line, the JSON pointer and the field;
a file with errors is skipped and the others still load.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import httptext
from ..diagnostics import Diagnostic, error, has_errors, warning
from ..model import (
    ApiModel,
    Endpoint,
    Example,
    JsonDocForm,
    Parameter,
    ParamKind,
    Section,
    SourceLocation,
)
from ..views.jsondocs import ABSENT_DEFAULTS, DOC_KEYS, ERROR_EXAMPLE_MARK, PARAMETER_KEYS

DEFAULT_TITLE = "API Reference"
METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE")
PARAMETER_LISTS: dict[str, ParamKind] = {
    "path_parameters": "path", "query_parameters": "query", "parameters": "body",
}
INDEX_KEYS = ("base_url", "description", "sections", "title", "version")
INDEX_SECTION_KEYS = ("description", "endpoints", "slug", "title")
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@+-]*\Z")
_YAML_LINE = re.compile(r"[A-Za-z_][\w-]*[ \t]*:(?:[ \t]|\Z)")
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_KINDS = ((bool, "a boolean"), (int, "an integer"), (float, "a number"), (str, "a string"),
          (list, "an array"), (dict, "an object"))


def _kind(value: Any) -> str:
    return next((name for t, name in _KINDS if isinstance(value, t)), "null")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _skip(text: str, pos: int) -> int:
    """The position of the first non-whitespace character from ``pos``."""
    match = _WS.match(text, pos)
    return match.end() if match else pos


@dataclass
class _Located:
    """Where each JSON pointer's value starts in a JSON text, and which keys repeat."""

    text: str
    first_line: int
    offsets: dict[str, int] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)

    def line_of(self, pointer: str) -> int:
        while pointer not in self.offsets and pointer:
            pointer = pointer.rsplit("/", 1)[0]
        return self.first_line + self.text.count("\n", 0, self.offsets.get(pointer, 0))

    def walk(self, pos: int, pointer: str) -> int:
        """Record ``pointer`` at the value starting at ``pos`` (valid JSON); return its end."""
        text = self.text
        pos = _skip(text, pos)
        self.offsets[pointer] = pos
        opener = text[pos]
        if opener not in "{[":
            return _DECODER.raw_decode(text, pos)[1]
        closer = "}" if opener == "{" else "]"
        pos = _skip(text, pos + 1)
        seen: set[str] = set()
        while text[pos] != closer:
            if opener == "{":
                key, pos = _DECODER.raw_decode(text, pos)
                child = f"{pointer}/{_escape(key)}"
                if key in seen:
                    self.duplicates.append(child)
                seen.add(key)
                pos = _skip(text, pos) + 1  # past ':'
            else:
                child = f"{pointer}/{len(seen)}"
                seen.add(child)
            pos = _skip(text, self.walk(pos, child))
            if text[pos] == ",":
                pos = _skip(text, pos + 1)
        return pos + 1


@dataclass
class _Reader:
    """One JSON file being read, and what went wrong in it."""

    display: str
    name: str
    problems: list[Diagnostic] = field(default_factory=list)
    located: _Located | None = None

    def fail(self, code: str, message: str, line: int, pointer: str = "", hint: str = "") -> None:
        self.problems.append(error(code, message, file=self.display, line=line,
                                   pointer=pointer, endpoint=self.name, hint=hint))

    def warn(self, code: str, message: str, line: int, pointer: str = "") -> None:
        self.problems.append(warning(code, message, file=self.display, line=line,
                                     pointer=pointer, endpoint=self.name))

    def at(self, pointer: str, code: str, message: str, hint: str = "") -> None:
        self.fail(code, message, self.line_of(pointer), pointer, hint)

    def line_of(self, pointer: str) -> int:
        return self.located.line_of(pointer) if self.located else 0

    def expect(self, value: Any, ok: bool, what: str, key: str, pointer: str) -> bool:
        """Report ``key`` (at ``pointer``; ``""`` is the whole document) unless ``ok``."""
        if not ok:
            subject = repr(key) if pointer else "the JSON document"
            self.at(pointer, "bad-field", f"{subject} must be {what}, not {_kind(value)}")
        return ok

    def known_keys(self, obj: dict[str, Any], known: tuple[str, ...], base: str) -> None:
        for key in obj:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
                self.at(f"{base}/{_escape(key)}", "unknown-key", f"unknown key {key!r}", hint)

    def read(self, path: Path) -> str | None:
        """The file's text; ``None`` after a diagnostic."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.fail("unreadable", f"cannot read the file: {exc.strerror or exc}", 0)
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            column = exc.start - data.rfind(b"\n", 0, exc.start)
            self.fail("bad-utf8", f"not valid UTF-8: cannot decode byte "
                      f"0x{data[exc.start]:02x} (column {column})", line)
            return None
        if "\r" in text:
            self.fail("bad-line-endings", "carriage return found: JSON docs use '\\n' line "
                      "endings, not CRLF", text.count("\n", 0, text.index("\r")) + 1)
            return None
        return text

    def parse(self, text: str, first_line: int) -> Any:
        """Parse JSON text that starts on ``first_line``; ``None`` after a diagnostic."""
        try:
            value = json.loads(text)
            self.located = _Located(text, first_line)
            self.located.walk(0, "")
        except json.JSONDecodeError as exc:
            self.fail("bad-json", f"invalid JSON: {exc.msg} (column {exc.colno})",
                      first_line + exc.lineno - 1)
            return None
        except RecursionError:
            self.fail("bad-json", "invalid JSON: nested too deeply", first_line)
            return None
        for pointer in self.located.duplicates:
            self.at(pointer, "duplicate-key", f"duplicate key {pointer.rsplit('/', 1)[1]!r}")
        return value


@dataclass(frozen=True)
class _Parts:
    header: tuple[str, ...]
    json_text: str
    first_line: int


def _split(text: str, reader: _Reader) -> _Parts | None:
    """Split a JSON doc into its header lines and JSON text (``None`` after a diagnostic)."""
    lines = text.split("\n")
    if lines[0] != "---":
        reader.fail("not-jsondoc", "not a JSON doc: the first line must be '---'", 1)
        return None
    start = 1
    while start < len(lines) and lines[start].startswith("#"):
        start += 1
    close = lines.index("---", start) if "---" in lines[start:] else None
    content = [i for i in range(start, close or len(lines)) if lines[i].strip()]
    if content and _YAML_LINE.match(lines[content[0]]):
        reader.fail("not-jsondoc", "not a JSON doc: front matter is YAML, not JSON "
                    "(older Sentry HTML-table format?)", content[0] + 1,
                    hint="apiscribe reads the JSON front matter of Sentry's api-docs/generate.py")
        return None
    if close is None:
        last = len(lines) - 1 if text.endswith("\n") else len(lines)
        reader.fail("missing-closing-fence", "no closing '---' line after the JSON object", last)
        return None
    if not content:
        reader.fail("not-jsondoc", "not a JSON doc: no JSON object between the '---' lines",
                    start + 1)
        return None
    if close == len(lines) - 1:
        reader.warn("no-final-newline", "no newline after the closing '---' line; "
                    "it is added when the file is written", close + 1)
    elif lines[close + 1:] != [""]:
        reader.fail("trailing-content", "unexpected content after the closing '---' line",
                    close + 2)
        return None
    return _Parts(tuple(lines[1:start]), "\n".join(lines[start:close]), start + 1)


def _parameters(reader: _Reader, value: Any, key: str) -> tuple[Parameter, ...] | None:
    pointer = f"/{key}"
    if value is None or not reader.expect(value, isinstance(value, list), "an array or null",
                                          key, pointer):
        return None
    params: list[Parameter] = []
    for index, entry in enumerate(value):
        at = f"{pointer}/{index}"
        if not isinstance(entry, dict):
            reader.at(at, "bad-field", f"each entry of {key!r} must be an object, "
                      f"not {_kind(entry)}")
            continue
        reader.known_keys(entry, PARAMETER_KEYS, at)
        fields: dict[str, str] = {}
        for name in PARAMETER_KEYS:
            if name not in entry:
                reader.at(f"{at}/{name}", "bad-field", f"missing required key {name!r}")
            elif reader.expect(entry[name], isinstance(entry[name], str), "a string", name,
                               f"{at}/{name}"):
                fields[name] = entry[name]
        if len(fields) == len(PARAMETER_KEYS):
            kind = PARAMETER_LISTS[key]
            params.append(Parameter(fields["name"], fields["type"], fields["description"],
                                    kind, required=kind == "path"))
    return tuple(params)


def _example(reader: _Reader, request: str, response: str, marked_error: bool) -> Example:
    parsers = {"example_request": (request, httptext.parse_request),
               "example_response": (response, httptext.parse_response)}
    for key, (text, parse) in parsers.items():
        if text and parse(text) is None:
            reader.warn("unparsed-example", f"{key!r} is not HTTP text that apiscribe can "
                        "parse; only the JSON-doc view shows it", reader.line_of(f"/{key}"),
                        f"/{key}")
    return Example(request, response, httptext.parse_exchange(request, response), marked_error)


def _endpoint(doc: Any, reader: _Reader, section: str, parts: _Parts) -> Endpoint | None:
    if not reader.expect(doc, isinstance(doc, dict), "an object", "", ""):
        return None
    reader.known_keys(doc, DOC_KEYS, "")
    if "method" not in doc:
        reader.at("/method", "bad-field", "missing required key 'method'")
    values = {key: doc.get(key, ABSENT_DEFAULTS.get(key)) for key in DOC_KEYS}
    for key in ("api_path", "authentication", "description", "example_request",
                "example_response", "title"):
        reader.expect(values[key], isinstance(values[key], str), "a string", key, f"/{key}")
    note, order, method = values["warning"], values["sidebar_order"], values["method"]
    reader.expect(note, note is None or isinstance(note, str), "a string or null", "warning",
                  "/warning")
    reader.expect(order, isinstance(order, int) and not isinstance(order, bool), "an integer",
                  "sidebar_order", "/sidebar_order")
    if "method" in doc and reader.expect(method, isinstance(method, str), "a string",
                                         "method", "/method") and method not in METHODS:
        reader.at("/method", "bad-field",
                  f"'method' must be one of {', '.join(METHODS)}, not {method!r}")
    params = {key: _parameters(reader, values[key], key) for key in PARAMETER_LISTS}
    if has_errors(reader.problems):
        return None
    canonical = httptext.py2_dumps(doc)
    absent = frozenset(key for key in DOC_KEYS if key not in doc)
    verbatim = parts.json_text if parts.json_text != canonical else None
    if verbatim is None and not parts.header and not absent:
        # A headerless file must not look like a new endpoint (those get the default header).
        verbatim = parts.json_text
    return Endpoint(
        name=reader.name, section=section, method=method, api_path=values["api_path"],
        title=values["title"], description=values["description"], warning=note,
        authentication=values["authentication"],
        path_parameters=params["path_parameters"],
        query_parameters=params["query_parameters"],
        parameters=params["parameters"],
        example=_example(reader, values["example_request"], values["example_response"],
                         ERROR_EXAMPLE_MARK in parts.header),
        sidebar_order=order,
        source=SourceLocation(reader.display, 1),
        form=JsonDocForm(parts.header, absent, verbatim, canonical if verbatim else None),
    )


def _section_of(path: Path) -> str:
    return path.parent.name or path.absolute().parent.name


def load_file(
    path: Path, *, section: str | None = None, display: str | None = None
) -> tuple[Endpoint | None, list[Diagnostic]]:
    """Read one JSON doc. The endpoint is ``None`` when the file has errors."""
    reader = _Reader(display if display is not None else str(path), path.stem)
    section = _section_of(path) if section is None else section
    for what, value in (("endpoint name", path.stem), ("section", section)):
        if not _SAFE_NAME.match(value):
            reader.fail("bad-name", f"{what} {value!r} is not a safe file name", 0,
                        hint="use letters, digits and '-_.@+', not starting with '.'")
            return None, reader.problems
    text = reader.read(path)
    parts = _split(text, reader) if text is not None else None
    doc = reader.parse(parts.json_text, parts.first_line) if parts is not None else None
    if parts is None or has_errors(reader.problems):
        return None, reader.problems
    return _endpoint(doc, reader, section, parts), reader.problems


def _title(slug: str) -> str:
    """``"debug-files"`` → ``"Debug Files"``."""
    return " ".join(w[:1].upper() + w[1:] for w in re.split(r"[-_\s]+", slug) if w)


@dataclass(frozen=True)
class _Index:
    """A ``sections.json``: the API's facts and its sections' titles and endpoint order."""

    display: str
    api: ApiModel
    order: dict[str, tuple[str, ...]]
    located: _Located


def _read_index(path: Path) -> tuple[_Index | None, list[Diagnostic]]:
    reader = _Reader(str(path), "")
    text = reader.read(path)
    value: Any = reader.parse(text, 1) if text is not None else None
    if has_errors(reader.problems) or not reader.expect(
            value, isinstance(value, dict), "an object", "", ""):
        return None, reader.problems
    reader.known_keys(value, INDEX_KEYS, "")
    default = ApiModel(DEFAULT_TITLE)
    facts = {key: value.get(key, getattr(default, key)) for key in INDEX_KEYS if key != "sections"}
    for key, fact in facts.items():
        reader.expect(fact, isinstance(fact, str), "a string", key, f"/{key}")
    entries = value.get("sections", [])
    sections: list[Section] = []
    order: dict[str, tuple[str, ...]] = {}
    if reader.expect(entries, isinstance(entries, list), "an array", "sections", "/sections"):
        for i, entry in enumerate(entries):
            at = f"/sections/{i}"
            if not reader.expect(entry, isinstance(entry, dict), "an object", "sections", at):
                continue
            reader.known_keys(entry, INDEX_SECTION_KEYS, at)
            slug, names = entry.get("slug"), entry.get("endpoints", [])
            title, about = entry.get("title", _title(str(slug))), entry.get("description", "")
            for key, item in (("slug", slug), ("title", title), ("description", about)):
                reader.expect(item, isinstance(item, str), "a string", key, f"{at}/{key}")
            if isinstance(slug, str) and not _SAFE_NAME.match(slug):
                reader.at(f"{at}/slug", "bad-name", f"section {slug!r} is not a safe file name")
            elif slug in order:
                reader.at(f"{at}/slug", "bad-field", f"section {slug!r} is listed twice")
            if reader.expect(names, isinstance(names, list)
                             and all(isinstance(n, str) for n in names),
                             "an array of strings", "endpoints", f"{at}/endpoints"):
                order[str(slug)] = tuple(names)
            sections.append(Section(str(slug), str(title), (), str(about)))
    if has_errors(reader.problems):
        return None, reader.problems
    api = ApiModel(facts["title"], tuple(sections), facts["base_url"], facts["version"],
                   facts["description"])
    assert reader.located is not None
    return _Index(reader.display, api, order, reader.located), reader.problems


def _assemble(
    endpoints: list[Endpoint], files: set[tuple[str, str]], index: _Index | None
) -> tuple[ApiModel, list[Diagnostic]]:
    """Group endpoints into sections: ``sections.json`` order first, then sorted."""
    problems: list[Diagnostic] = []
    grouped: dict[str, dict[str, Endpoint]] = {}
    for ep in endpoints:
        grouped.setdefault(ep.section, {})[ep.name] = ep
    api = index.api if index is not None else ApiModel(DEFAULT_TITLE)
    sections: list[Section] = []
    for i, listed in enumerate(api.sections):
        found = grouped.pop(listed.slug, {})
        names = index.order[listed.slug] if index is not None else ()
        ordered = [found.pop(name) for name in dict.fromkeys(names) if name in found]
        for j, name in enumerate(names):
            if (listed.slug, name) not in files and index is not None:
                pointer = f"/sections/{i}/endpoints/{j}"
                problems.append(warning(
                    "unknown-endpoint", f"lists {name!r} in section {listed.slug!r}, "
                    f"but there is no {listed.slug}/{name}.md", file=index.display,
                    line=index.located.line_of(pointer), pointer=pointer))
        ordered += sorted(found.values(), key=lambda ep: (ep.sidebar_order, ep.name))
        sections.append(Section(listed.slug, listed.title, tuple(ordered), listed.description))
    for slug in sorted(grouped):
        ordered = sorted(grouped[slug].values(), key=lambda ep: (ep.sidebar_order, ep.name))
        sections.append(Section(slug, _title(slug), tuple(ordered)))
    return ApiModel(api.title, tuple(sections), api.base_url, api.version,
                    api.description), problems


def _doc_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            yield path


def load_folder(path: Path) -> tuple[ApiModel, list[Diagnostic]]:
    """Read every ``*.md`` JSON doc under ``path`` (or the one file ``path``) into a model."""
    if path.is_file():
        endpoint, diagnostics = load_file(path)
        model, _ = _assemble([endpoint] if endpoint else [], set(), None)
        return model, diagnostics
    if not path.is_dir():
        return ApiModel(DEFAULT_TITLE), [error("not-found", "no such file or folder",
                                               file=str(path))]
    diagnostics, endpoints = [], []
    seen: dict[tuple[str, str], Path] = {}
    for file in _doc_files(path):
        key = (_section_of(file), file.stem)
        if key in seen:
            diagnostics.append(error(
                "duplicate-endpoint", f"endpoint {key[0]}/{key[1]} is already read from "
                f"{seen[key]}", file=str(file), endpoint=key[1]))
            continue
        seen[key] = file
        endpoint, problems = load_file(file)
        diagnostics.extend(problems)
        if endpoint is not None:
            endpoints.append(endpoint)
    if not seen:
        diagnostics.append(warning("no-docs", "no JSON docs (*.md) found", file=str(path)))
    index = None
    if (path / "sections.json").is_file():
        index, problems = _read_index(path / "sections.json")
        diagnostics.extend(problems)
    model, problems = _assemble(endpoints, set(seen), index)
    return model, diagnostics + problems
