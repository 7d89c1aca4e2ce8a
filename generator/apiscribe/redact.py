"""Secrets kept out of every output: one redaction for every input path, and a last scan.

Docs tools publish what they are given, and examples are where credentials end up: a
recorded request, a team's JSON doc, a spec's example, a test recording. :func:`redact_model`
runs once on the model whatever the source, before any view renders it, and
:func:`redact_text` on every diagnostic's text (:mod:`apiscribe.diagnostics`). Replaced by
``<token>`` (placeholders such as ``<token>`` or ``{your-key}`` are left alone):

- credentials in HTTP header lines: ``Authorization`` and ``Proxy-Authorization`` (the
  scheme is kept: ``Bearer <token>``), ``Cookie`` and ``Set-Cookie`` values, and the value of
  ``X-Api-Key``, ``X-Auth-Token`` and the like;
- query parameters such as ``?api_key=``, ``access_token=``, ``client_secret=``;
- the password of a URL (``https://user:<token>@host``);
- JSON fields and form fields such as ``password``, ``client_secret``, ``access_token``,
  ``refresh_token``, ``api_key``, ``private_key`` (in example texts and example values);
- well-known key formats anywhere: AWS access key ids, Google API keys, Stripe, GitHub and
  Slack tokens, JSON Web Tokens and PEM private keys.

:func:`scan_tree` is the last line: before anything is written, a header line whose name
looks like a credential's and whose value looks random (long, high entropy) fails the run and
names the file, so a credential in a header nobody listed is not published.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .model.http import Header

if TYPE_CHECKING:
    from .diagnostics import Diagnostic

PLACEHOLDER = "<token>"

#: JSON and form field names whose values are credentials (compared lower-case, without
#: ``-`` and ``_``).
SECRET_FIELDS = frozenset({
    "password", "passwd", "pwd", "clientsecret", "accesstoken", "refreshtoken", "idtoken",
    "apikey", "apisecret", "secretkey", "privatekey", "awssecretaccesskey", "authtoken",
    "sessiontoken", "secrettoken",
})
#: Header names (lower-case) whose whole value is a credential.
SECRET_HEADERS = frozenset({
    "x-api-key", "api-key", "apikey", "x-apikey", "x-auth-token", "x-access-token",
    "x-amz-security-token", "x-csrf-token", "x-xsrf-token", "x-session-token", "x-token",
    "private-token", "x-goog-api-key",
})
#: Query parameter names (lower-case) whose values are credentials.
SECRET_PARAMETERS = frozenset({
    "api_key", "apikey", "api-key", "access_token", "token", "key", "secret", "client_secret",
    "password", "auth", "signature", "sig", "x-amz-signature", "x-amz-credential",
    "x-amz-security-token", "refresh_token", "id_token", "session_token",
})

_PLACEHOLDER_VALUE = re.compile(r"\A(?:<[^<>]*>|\{[^{}]*\}|\*+|x+|\.\.\.)\Z", re.IGNORECASE)
_VENDOR = re.compile(
    r"(?<![A-Za-z0-9])(?:(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}"
    r"|AIza[0-9A-Za-z_\-]{35}"
    r"|(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}"
    r"|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})(?![A-Za-z0-9])"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----")
_HEADER = re.compile(r"(?im)^(?P<name>[A-Za-z][A-Za-z0-9-]*)(?P<sep>:[ \t]*)(?P<value>[^\r\n]*)$")
_QUERY = re.compile(r"(?i)(?P<lead>[?&;](?P<name>[A-Za-z0-9_.-]+)=)(?P<value>[^&#\s\"'<>]+)")
_USERINFO = re.compile(r"(?i)(?P<lead>\b[a-z][a-z0-9+.-]*://[^\s/:@\"'<>]+:)"
                       r"(?P<value>[^\s/@\"'<>]+)(?P<at>@)")
_JSON_FIELD = re.compile(r"(?P<lead>\"(?P<name>[A-Za-z0-9_-]+)\"\s*:\s*\")"
                         r"(?P<value>(?:[^\"\\\r\n]|\\.)*)(?P<end>\")")
_FORM_FIELD = re.compile(r"(?m)(?P<lead>(?:^|(?<=&))(?P<name>[A-Za-z0-9_-]+)=)"
                         r"(?P<value>[^&\s]+)")
_HTTP_MESSAGE = re.compile(r"HTTP/\d|^[A-Z]+ /", re.MULTILINE)

#: The fast test that every text a rule below would change passes (and most texts fail),
#: run on the lower-cased text: the key formats' prefixes, credential words, a URL with a
#: user, a query parameter.
_QUICK = re.compile(
    r"akia|asia|agpa|aida|aroa|anpa|anva|aipa|aiza|_live_|_test_|gh[pousr]_|github_pat_|"
    r"xox[abposr]-|eyj|private key|passw|pwd|secret|token|api.?key|private.?key|authoriz|"
    r"cookie|://[^/\s]*@|[?&;][a-z0-9_.-]+=")


def _suspect(text: str) -> bool:
    return _QUICK.search(text.lower()) is not None


def _key(name: str) -> str:
    return name.lower().replace("-", "").replace("_", "")


def _is_placeholder(value: str) -> bool:
    return not value.strip() or _PLACEHOLDER_VALUE.match(value.strip()) is not None


def _header(match: re.Match[str]) -> str:
    name, value = match["name"], match["value"]
    lowered = name.lower()
    if lowered in ("authorization", "proxy-authorization"):
        scheme, _, credential = value.partition(" ")
        if credential and not _is_placeholder(credential):
            value = f"{scheme} {PLACEHOLDER}"
        elif not credential and not _is_placeholder(scheme):
            value = PLACEHOLDER
    elif lowered in ("cookie", "set-cookie"):
        value = _cookies(value, lowered == "set-cookie")
    elif lowered in SECRET_HEADERS and not _is_placeholder(value):
        value = PLACEHOLDER
    return f"{name}{match['sep']}{value}"


def _cookies(value: str, set_cookie: bool) -> str:
    parts = value.split(";")
    kept = []
    for index, part in enumerate(parts):
        name, equals, content = part.partition("=")
        secret = (index == 0 or not set_cookie) and equals and not _is_placeholder(content)
        kept.append(f"{name}={PLACEHOLDER}" if secret else part)
    return ";".join(kept)


def _query(match: re.Match[str]) -> str:
    if match["name"].lower() in SECRET_PARAMETERS and not _is_placeholder(match["value"]):
        return match["lead"] + PLACEHOLDER
    return match[0]


def _field(match: re.Match[str]) -> str:
    if _key(match["name"]) in SECRET_FIELDS and not _is_placeholder(match["value"]):
        return f"{match['lead']}{PLACEHOLDER}{match.groupdict().get('end') or ''}"
    return match[0]


def redact_text(text: str) -> str:
    """``text`` with every credential it carries replaced by ``<token>``."""
    if len(text) < 6 or not _suspect(text):
        return text
    original = text
    text = _VENDOR.sub(PLACEHOLDER, text)
    text = _USERINFO.sub(lambda m: m["lead"] + (
        m["value"] if _is_placeholder(m["value"]) else PLACEHOLDER) + m["at"], text)
    text = _QUERY.sub(_query, text)
    text = _JSON_FIELD.sub(_field, text)
    if _HTTP_MESSAGE.search(text):  # header lines and form bodies only in HTTP messages
        text = _HEADER.sub(_header, text)
        text = _FORM_FIELD.sub(_field, text)
    return original if text == original else text


def nothing_kept(part: object) -> bool:
    """The ``kept`` of a redaction that knows nothing clean beforehand."""
    return False


def redact_value(value: Any, kept: Callable[[object], bool] = nothing_kept) -> Any:
    """A value of the model (a dataclass, or a JSON value such as an example or a schema)
    with its credentials replaced; the same object when it holds none. Parts for which
    ``kept`` is true are known to hold none, and are not read."""
    if kept(value):
        return value
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Header):  # a parsed header: its name says what its value is
        line = redact_text(f"HTTP/1.1\n{value.name}: {value.value}").split("\n", 1)[1]
        redacted = line.partition(": ")[2]
        return value if redacted == value.value else dataclasses.replace(value, value=redacted)
    if isinstance(value, Mapping | list | tuple):
        return _json(value, kept, root=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for name in _field_names(type(value)):
            old = getattr(value, name)
            new = redact_value(old, kept)
            if new is not old:
                changes[name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind))


def _json(value: Any, kept: Callable[[object], bool], *, root: bool) -> Any:
    """A JSON value redacted. At the root, each member is first tested as JSON text (made
    in C): members that cannot hold a secret are kept without a walk."""
    if isinstance(value, str):
        return redact_text(value)
    if dataclasses.is_dataclass(value) or isinstance(value, Header):
        return redact_value(value, kept)
    if isinstance(value, Mapping):
        changed = False
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str) and _key(key) in SECRET_FIELDS and isinstance(item, str):
                new = item if _is_placeholder(item) else PLACEHOLDER
            elif kept(item) or (root and not _may_hold(item)):
                new = item
            else:
                new = _json(item, kept, root=False)
            changed = changed or new is not item
            out[key] = new
        return out if changed else value
    if isinstance(value, list | tuple):
        items = [item if kept(item) or (root and not _may_hold(item))
                 else _json(item, kept, root=False) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return type(value)(items) if isinstance(value, tuple) else items
    return value


def _may_hold(value: Any) -> bool:
    """Whether a JSON value could hold anything to redact (its JSON text passes the fast
    test); values that are not plain JSON are walked."""
    if value is None or isinstance(value, bool | int | float):
        return False
    if isinstance(value, str):
        return len(value) >= 6 and _suspect(value)
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return True
    return _suspect(text)


def redact_model(model: Any, kept: Callable[[object], bool] = nothing_kept) -> Any:
    """The model (any dataclass tree) with every credential replaced; unchanged parts are
    shared, so a model without secrets costs one walk. ``kept`` tells the parts known to hold
    nothing to redact, which are not read (:mod:`apiscribe.load_memo`)."""
    return redact_value(model, kept)


# -- the last scan ---------------------------------------------------------------------------

_AUTH_LIKE = re.compile(r"(?i)auth|token|key|secret|signature|session|credential|passw|cookie")
# A header line: at the start of the text or of a line (a line feed, or "\n" written in a
# JSON string), indentation, a name, ": " and a long value. Found from its ": " (a search
# with a literal start, about 15 times faster on GitHub's pages than matching the line
# first); the name is then matched back to the line's start.
_HEADER_VALUE = re.compile(r": (?P<value>[^\s\\\"]{16,})")
_HEADER_NAME = re.compile(r"[ \t]*(?P<name>[A-Za-z][A-Za-z0-9-]{1,60})")
#: Bits of entropy per character above which a long value looks random.
ENTROPY_BITS = 3.5


def entropy(value: str) -> float:
    """Shannon entropy of ``value`` in bits per character."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _header_lines(text: str) -> Iterator[tuple[int, str, str]]:
    """Each header line of ``text`` with a long value: where it starts (its line's start), its
    name and its value."""
    for match in _HEADER_VALUE.finditer(text):
        colon = match.start()
        escaped = text.rfind("\\n", 0, colon)
        start = max(text.rfind("\n", 0, colon) + 1, escaped + 2 if escaped >= 0 else 0)
        name = _HEADER_NAME.fullmatch(text, start, colon)
        if name is not None:
            yield start, name["name"], match["value"]


def scan_tree(tree: Mapping[str, str], *, where: str = "") -> list[Diagnostic]:
    """An error for each file that still carries a random-looking value in a header whose
    name looks like a credential's (nothing is written then)."""
    return [found for path, text in sorted(tree.items())
            if (found := scan_page(path, text, where=where)) is not None]


def scan_kept(tree: Mapping[str, str], keys: Mapping[str, str], clean: set[str], *,
              where: str = "") -> list[Diagnostic]:
    """:func:`scan_tree` for pages kept under keys that fix their text (a page's Markdown
    under :class:`~apiscribe.views.markdown.RenderMemo`'s key): ``keys`` gives each such
    page's key by its path, and ``clean`` holds the keys of the pages an earlier scan found
    clean, which are not read again. The keys of the pages this scan finds clean are added
    to ``clean``."""
    found = []
    for path, text in sorted(tree.items()):
        key = keys.get(path)
        if key is not None and key in clean:
            continue
        leak = scan_page(path, text, where=where)
        if leak is not None:
            found.append(leak)
        elif key is not None:
            clean.add(key)
    return found


def scan_page(path: str, text: str, *, where: str = "") -> Diagnostic | None:
    """:func:`scan_tree`'s error for one file, ``text`` to be written at ``where`` + ``path``
    (``None``: nothing found). It depends on nothing but ``text`` and the file's name."""
    from .diagnostics import error

    if _AUTH_LIKE.search(text) is None:
        return None
    for start, name, value in _header_lines(text):
        if (_AUTH_LIKE.search(name) and not _is_placeholder(value)
                and entropy(value) >= ENTROPY_BITS):
            return error(
                "possible-secret", f"header '{name}' carries a value that looks like a "
                "credential; nothing was written", file=f"{where}{path}",
                line=text.count("\n", 0, start) + 1,
                hint="remove it from the input (or use a placeholder such as <token>)")
    return None
