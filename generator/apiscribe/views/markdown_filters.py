"""Escaping filters of the Markdown view: untrusted text made safe where it lands.

Prose keeps its Markdown (code spans, emphasis, http/https/mailto links) but not raw HTML,
attribute lists or other link schemes; table cells also escape ``|`` and newlines; code fences
are longer than any backtick run in the code. Templates get them through :data:`FILTERS`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import yaml

# Python-Markdown's own table tokenizer: escaped backslashes, backtick runs, pipes.
_TOKENS = re.compile(r"(\\\\)|(\\`+)|(`+)|(\\\|)|(\|)")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES = ("http", "https", "mailto")
_REF_DEFINITION = re.compile(r"^( {0,3})\[([^\]\n]*)\]:", re.MULTILINE)
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _code_regions(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that Python-Markdown reads as code spans (backtick runs paired)."""
    tics: list[tuple[int, int, int, int]] = []  # (ticks, escaped, start, end)
    for m in _TOKENS.finditer(text):
        if m.group(2):
            tics.append((len(m.group(2)) - 1, 1, m.start(2), m.end(2)))
        elif m.group(3):
            tics.append((len(m.group(3)), 0, m.start(3), m.end(3)))
    regions, pos = [], 0
    while pos < len(tics):
        ticks, escaped, start, _ = tics[pos]
        size = ticks - escaped
        close = next((i for i in range(pos + 1, len(tics)) if tics[i][0] == size), None)
        if size == 0 or close is None:
            pos += 1
            continue
        regions.append((start, tics[close][3]))
        pos = close + 1
    return regions


def _unsafe_link(rest: str) -> bool:
    """Whether a link destination (the text after ``](``) uses a scheme other than web/mail."""
    target = "".join(ch for ch in rest[:64].lstrip(" <") if ord(ch) > 0x20)
    match = _SCHEME.match(target)
    return match is not None and match.group(1).lower() not in _SAFE_SCHEMES


def _backslash(text: str, chars: str) -> str:
    """Put a backslash before each of ``chars`` that the text does not escape already."""
    pattern = re.compile(r"(\\*)([" + re.escape(chars) + "])")
    return pattern.sub(
        lambda m: m.group(1) + ("" if len(m.group(1)) % 2 else "\\") + m.group(2), text
    )


def _escape_text(text: str, *, table: bool, inline: bool) -> str:
    text = "".join(_HTML.get(ch, ch) for ch in text)
    text = re.sub(r"\]\(", lambda m: "]\\(" if _unsafe_link(text[m.end() :]) else "](", text)
    return _backslash(text, "{" + ("|" if table else "") + ("[]#" if inline else ""))


def _escape(text: str, *, table: bool = False, inline: bool = False) -> str:
    if table or inline:
        text = " ".join(text.split())
    out, pos = [], 0
    for start, end in _code_regions(text):
        out.append(_escape_text(text[pos:start], table=table, inline=inline))
        out.append(text[start:end])
        pos = end
    out.append(_escape_text(text[pos:], table=table, inline=inline))
    escaped = "".join(out)
    return _REF_DEFINITION.sub(
        lambda m: f"{m.group(1)}\\[{m.group(2)}]:"
        if _unsafe_link(escaped[m.end() :].lstrip()) else m.group(0),
        escaped,
    )


def md_prose(text: str) -> str:
    """A Markdown paragraph (or several) from untrusted text."""
    return _escape(text.strip())


def md_inline(text: str) -> str:
    """One line of Markdown: a heading, link text; newlines become spaces."""
    return _escape(text, inline=True)


def md_cell(text: str) -> str:
    """A Markdown table cell: one line, ``|`` escaped outside code spans."""
    return _escape(text, table=True)


def md_link_text(text: str) -> str:
    """Link text inside a table cell: one line, brackets and ``|`` escaped."""
    return _escape(text, table=True, inline=True)


def md_code(text: str) -> str:
    """An inline code span that holds ``text`` whatever its backticks."""
    text = " ".join(text.split("\n"))
    if not text:
        return ""
    ticks = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    pad = " " if text[:1] in "`\\ " or text[-1:] in "`\\ " else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def md_fence(code: str, language: str = "") -> str:
    """A fenced code block longer than any backtick run in ``code``."""
    longest = max(map(len, re.findall("`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code.rstrip(chr(10))}\n{fence}"


def meta_title(text: str) -> str:
    """A front-matter ``title`` value: one line, HTML-escaped (the theme prints it as it is)."""
    value = html.escape(" ".join(text.split()), quote=False).replace('"', "&quot;")
    dumped: str = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=10**6)
    return dumped.removesuffix("...\n").strip()


def md_cell_part(text: str) -> str:
    """Part of a table cell: :func:`md_cell`, keeping one space at either edge."""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and text.strip() else ""
    return lead + md_cell(text) + trail


FILTERS: dict[str, Callable[..., str]] = {
    "md_prose": md_prose,
    "md_inline": md_inline,
    "md_cell": md_cell,
    "md_cell_part": md_cell_part,
    "md_link_text": md_link_text,
    "md_code": md_code,
    "md_fence": md_fence,
    "meta_title": meta_title,
}
