"""Example requests as code: raw HTTP, curl, HTTPie, Python (httpx) and JavaScript (fetch).

Built from a recorded request. The URL, the same in every sample, is the request's ``Host``
header (else the base URL's host) with the base URL's scheme, then the request target: the
base URL's path put in front when the target lacks it, and whatever is not allowed in a URL
(spaces, non-ASCII, a ``%`` that starts no escape, brackets and braces that curl would
glob) percent-encoded, while escapes already there stay as they are. ``Host``,
``Content-Length`` and hop-by-hop headers are left to the client. Every value is quoted for
its language: shell arguments are single-quoted (a quote inside becomes ``'\\''``; text
with control characters other than newline and tab uses ``$'...'``); Python and JavaScript
strings are JSON string literals. A JSON body becomes a literal object (numbers kept as
written); a multipart form becomes form fields and files (curl ``--form-string``/``-F``,
HTTPie ``--multipart`` items, httpx ``data``/``files``, a ``FormData``), with the client
choosing the boundary; any other body is sent as a string. HTTPie sends every other body
byte for byte with ``--raw`` (a URL-encoded form that its ``--form`` would encode the same
becomes ``--form`` items), and ignores its standard input so that it never waits on it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from email.parser import Parser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from ..formats.httptext import format_request
from ..model import HttpRequest
from ..model.http import is_json, with_base_path

_SKIPPED_HEADERS = {"host", "content-length", "connection", "transfer-encoding"}
_SHELL_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")
_SURROGATE = re.compile("[\ud800-\udfff]")

Sample = tuple[str, str, str]  # (tab label, fence language, code)


class _Number(str):
    """A JSON number, kept as written (valid Python and JavaScript as it stands)."""


class _Object(list[tuple[str, Any]]):
    """A JSON object as its pairs, in document order (repeated keys kept)."""


def string_literal(text: str) -> str:
    """A double-quoted string literal, valid in both Python and JavaScript."""
    encoded = json.dumps(text, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", encoded)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def shell_quote(text: str) -> str:
    """One shell word: single-quoted, or ``$'...'`` when it holds control characters."""
    if not _CONTROL.search(text):
        return "'" + text.replace("'", "'\\''") + "'"
    escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace("\r", "\\r")
    return "$'" + _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", escaped) + "'"


@dataclass(frozen=True)
class FormPart:
    """A field (``filename`` None) or a file of a multipart form."""

    name: str
    value: str
    filename: str | None = None
    content_type: str | None = None


def form_parts(request: HttpRequest) -> list[FormPart] | None:
    """The parts of a ``multipart/form-data`` body, or None for any other (or broken) body."""
    content_type = request.header("Content-Type") or ""
    if not request.body or not content_type.lower().startswith("multipart/form-data"):
        return None
    message = Parser(policy=HTTP).parsestr(f"Content-Type: {content_type}\r\n\r\n{request.body}")
    if not message.is_multipart() or message.defects:
        return None
    parts = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload()
        if not isinstance(name, str) or not isinstance(payload, str) or part.defects:
            return None
        parts.append(FormPart(name, payload, part.get_filename(), part.get("Content-Type")))
    return parts


def _reject_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def _parse_json(body: str) -> Any:
    """The body as JSON values (see :class:`_Number`, :class:`_Object`), or raise ValueError."""
    return json.loads(
        body, parse_float=_Number, parse_int=_Number, parse_constant=_reject_constant,
        object_pairs_hook=_Object,
    )


def _literal(value: Any, *, python: bool, indent: str = "") -> str:
    """A Python or JavaScript literal of a parsed JSON value, indented by 4 (Python) or 2."""
    step = "    " if python else "  "
    inner = indent + step
    if isinstance(value, _Number):
        return str(value)
    if isinstance(value, str):
        return string_literal(value)
    if value is None or isinstance(value, bool):
        words = {None: ("None", "null"), True: ("True", "true"), False: ("False", "false")}
        return words[value][0 if python else 1]
    if isinstance(value, _Object):
        if not value:
            return "{}"
        items = []
        for key, item in value:
            # In a JavaScript literal, a plain __proto__ key would set the prototype.
            name = f"[{string_literal(key)}]" if key == "__proto__" and not python else None
            name = name or string_literal(key)
            items.append(f"{inner}{name}: {_literal(item, python=python, indent=inner)},")
        return "{\n" + "\n".join(items) + f"\n{indent}}}"
    if not value:
        return "[]"
    items = [f"{inner}{_literal(item, python=python, indent=inner)}," for item in value]
    return "[\n" + "\n".join(items) + f"\n{indent}]"


# Reserved and unreserved characters that a target may hold as they are ("[]{}" are
# encoded: curl reads them as URL globs); "%" stays only where it starts an escape.
_URL_SAFE = "!$&'()*+,/:;=?@~%"
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def request_target(base_url: str, request: HttpRequest) -> str:
    """The request target as every sample sends it: the base URL's path in front (where the
    recorded target lacks it) and percent-encoded where it must be (see the module doc)."""
    target = with_base_path(base_url, request.target)
    target = _LONE_PERCENT.sub("%25", _SURROGATE.sub("\ufffd", target))
    return quote(target, safe=_URL_SAFE)


def request_url(base_url: str, request: HttpRequest) -> str:
    base = urlsplit(base_url)
    host = request.header("Host") or base.netloc
    return f"{base.scheme or 'https'}://{host}{request_target(base_url, request)}"


def _headers(request: HttpRequest, form: list[FormPart] | None) -> list[tuple[str, str]]:
    """The headers a client sends by hand (with a form, the client sets Content-Type)."""
    skipped = _SKIPPED_HEADERS | ({"content-type"} if form is not None else set())
    return [(h.name, h.value) for h in request.headers if h.name.lower() not in skipped]


def _json_body(request: HttpRequest) -> tuple[bool, Any]:
    if not request.body or not is_json(request.header("Content-Type")):
        return False, None
    try:
        return True, _parse_json(request.body)
    except (ValueError, RecursionError):
        return False, None


def _curl_form(part: FormPart) -> str:
    if part.filename is None:
        return f"  --form-string {shell_quote(f'{part.name}={part.value}')}"
    name = part.filename
    if not _SHELL_SAFE.match(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    spec = f"{part.name}=@{name}" + (f";type={part.content_type}" if part.content_type else "")
    return f"  -F {shell_quote(spec)}"


def curl(url: str, request: HttpRequest) -> str:
    method = request.method if _SHELL_SAFE.match(request.method) else shell_quote(request.method)
    first = f"curl -X {method}"
    if request.method == "GET" and not request.body:
        first = "curl"
    elif request.method == "HEAD":
        first = "curl --head"  # "-X HEAD" would wait for a body
    form = form_parts(request)
    lines = [f"{first} {shell_quote(url)}"]
    # "Name:" with nothing after it removes a header; "Name;" sends it empty.
    lines += [f"  -H {shell_quote(f'{name}: {value}' if value else f'{name};')}"
              for name, value in _headers(request, form)]
    if form is not None:
        lines += [_curl_form(part) for part in form]
    elif request.body:
        lines.append(f"  --data-raw {shell_quote(request.body)}")
    return " \\\n".join(lines)


# HTTPie's request items: the characters of its separators, escaped with a backslash where
# they are text. A backslash before one of them cannot be written at all.
_ITEM_SPECIAL = frozenset(":;@=")
_UNWRITABLE_ITEM = re.compile(r"\\[:;@=]")


def _httpie_item(key: str, separator: str, value: str) -> str | None:
    """One HTTPie request item, shell-quoted (None when HTTPie cannot express it)."""
    if _UNWRITABLE_ITEM.search(key + separator + value):
        return None
    key = "".join("\\" + c if c in _ITEM_SPECIAL else c for c in key)
    # A value opening with a separator character would make a longer separator (":@", "=@").
    value = "\\" + value if value[:1] in _ITEM_SPECIAL else value
    return shell_quote(key + separator + value)


def _httpie_header(name: str, value: str) -> str | None:
    # "Name:" with no value removes a header; "Name;" sends it empty.
    return _httpie_item(name, ":", value) if value else _httpie_item(name, ";", "")


def _httpie_file(part: FormPart) -> str | None:
    """A file item: HTTPie reads the file of that name and sends its base name."""
    name = part.filename or ""
    if not name or "/" in name or name.startswith("~") or ";type=" in name + (
        part.content_type or ""
    ):
        return None
    kind = f";type={part.content_type}" if part.content_type else ""
    return _httpie_item(part.name, "@", name + kind)


def _httpie_body(
    request: HttpRequest, form: list[FormPart] | None
) -> tuple[str, list[str | None]]:
    """The option and items that send the body: form items where they say it, else
    ``--raw``."""
    if form is not None:
        items = [
            _httpie_item(part.name, "=", part.value) if part.filename is None
            else _httpie_file(part)
            for part in form
        ]
        if None not in items:
            return "--multipart", items
    elif request.body and (request.header("Content-Type") or "").lower().startswith(
        "application/x-www-form-urlencoded"
    ):
        pairs = parse_qsl(request.body, keep_blank_values=True)
        items = [_httpie_item(key, "=", value) for key, value in pairs]
        if None not in items and urlencode(pairs) == request.body:
            return "--form", items
    if not request.body:
        return "", []
    return "", [f"--raw={shell_quote(request.body)}"]


def httpie(url: str, request: HttpRequest) -> str | None:
    """The request as an HTTPie ``http`` command, or None when its items cannot express
    a header or form field (a backslash before ``:``, ``;``, ``@`` or ``=``)."""
    method = request.method if _SHELL_SAFE.match(request.method) else shell_quote(request.method)
    form = form_parts(request)
    option, body = _httpie_body(request, form)
    if option != "--multipart":
        form = None  # any multipart body goes --raw, with its recorded boundary
    items: list[str | None] = [_httpie_header(n, v) for n, v in _headers(request, form)]
    if request.body and request.header("Content-Type") is None:
        items.append("Content-Type:")  # drops HTTPie's default, JSON
    items += body
    words = [item for item in items if item is not None]
    if len(words) < len(items):
        return None
    first = " ".join(["http --ignore-stdin", *([option] if option else []), method])
    return " \\\n".join([f"{first} {shell_quote(url)}", *(f"  {word}" for word in words)])


def _header_literal(headers: list[tuple[str, str]], *, python: bool, indent: str) -> str:
    """Headers as a dict/object literal, or as a list of pairs when a name repeats."""
    step = "    " if python else "  "
    if len({name.lower() for name, _ in headers}) == len(headers):
        rows = [f"{indent}{step}{string_literal(n)}: {string_literal(v)}," for n, v in headers]
        return "{\n" + "\n".join(rows) + f"\n{indent}}}"
    open_, close = ("(", ")") if python else ("[", "]")
    rows = [
        f"{indent}{step}{open_}{string_literal(n)}, {string_literal(v)}{close},"
        for n, v in headers
    ]
    return "[\n" + "\n".join(rows) + f"\n{indent}]"


def _python_form(form: list[FormPart]) -> list[str]:
    """``data=`` and ``files=`` arguments (a list where a name repeats)."""
    lines = []
    fields: dict[str, list[str]] = {}
    for part in form:
        if part.filename is None:
            fields.setdefault(part.name, []).append(part.value)
    if fields:
        lines.append("    data={")
        for name, values in fields.items():
            value = ", ".join(map(string_literal, values))
            value = value if len(values) == 1 else f"[{value}]"
            lines.append(f"        {string_literal(name)}: {value},")
        lines.append("    },")
    files = [part for part in form if part.filename is not None]
    if files:
        repeated = len({part.name for part in files}) < len(files)
        lines.append("    files=[" if repeated else "    files={")
        for part in files:
            spec = [string_literal(part.filename or ""), string_literal(part.value)]
            spec += [string_literal(part.content_type)] if part.content_type else []
            item = f"({', '.join(spec)})"
            name = string_literal(part.name)
            lines.append(f"        ({name}, {item})," if repeated else f"        {name}: {item},")
        lines.append("    ]," if repeated else "    },")
    return lines


def python(url: str, request: HttpRequest, response_is_json: bool) -> str:
    lines = [
        "import httpx",
        "",
        "response = httpx.request(",
        f"    {string_literal(request.method)},",
        f"    {string_literal(url)},",
    ]
    form = form_parts(request)
    headers = _headers(request, form)
    if headers:
        lines.append(f"    headers={_header_literal(headers, python=True, indent='    ')},")
    json_body, value = _json_body(request)
    if form is not None:
        lines += _python_form(form)
    elif json_body:
        lines.append(f"    json={_literal(value, python=True, indent='    ')},")
    elif request.body:
        lines.append(f"    content={string_literal(request.body)},")
    lines += [")", "print(response.status_code)"]
    lines.append("print(response.json())" if response_is_json else "print(response.text)")
    return "\n".join(lines)


def _javascript_form(form: list[FormPart]) -> list[str]:
    lines = ["const form = new FormData();"]
    for part in form:
        name = string_literal(part.name)
        if part.filename is None:
            lines.append(f"form.append({name}, {string_literal(part.value)});")
            continue
        kind = f", {{ type: {string_literal(part.content_type)} }}" if part.content_type else ""
        blob = f"new Blob([{string_literal(part.value)}]{kind})"
        lines.append(f"form.append({name}, {blob}, {string_literal(part.filename or '')});")
    return [*lines, ""]


def javascript(url: str, request: HttpRequest, response_is_json: bool) -> str:
    form = form_parts(request)
    lines = _javascript_form(form) if form is not None else []
    lines += [
        f"const response = await fetch({string_literal(url)}, {{",
        f"  method: {string_literal(request.method)},",
    ]
    headers = _headers(request, form)
    if headers:
        lines.append(f"  headers: {_header_literal(headers, python=False, indent='  ')},")
    json_body, value = _json_body(request)
    if form is not None:
        lines.append("  body: form,")
    elif json_body:
        lines.append(f"  body: JSON.stringify({_literal(value, python=False, indent='  ')}),")
    elif request.body:
        lines.append(f"  body: {string_literal(request.body)},")
    lines.append("});")
    reader = "response.json()" if response_is_json else "response.text()"
    lines += [f"const data = await {reader};", "console.log(response.status, data);"]
    return "\n".join(lines)


def code_samples(
    base_url: str, request: HttpRequest, *, response_content_type: str | None = None
) -> list[Sample]:
    """The example request in every language: ``[(label, language, code), ...]``; the raw
    HTTP shows the target the others send."""
    url = request_url(base_url, request)
    raw = format_request(replace(request, target=request_target(base_url, request)))
    response_is_json = is_json(response_content_type)
    shell = httpie(url, request)
    return [
        ("HTTP", "http", raw),
        ("curl", "bash", curl(url, request)),
        *([("HTTPie", "bash", shell)] if shell is not None else []),
        ("Python", "python", python(url, request, response_is_json)),
        ("JavaScript", "javascript", javascript(url, request, response_is_json)),
    ]
