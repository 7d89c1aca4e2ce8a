"""Escaping filters of the Markdown view: untrusted text made safe where it lands.

Two kinds of text:

- **Descriptions** (:func:`md_prose`, :func:`md_prose_cell`) are CommonMark. They keep their
  Markdown (code spans and fences, emphasis, lists, http/https/mailto links) and their HTML,
  sanitized to an allowlist by :mod:`apiscribe.views.sanitize`. Their headings move below
  the heading they are placed under (:mod:`apiscribe.views.markdown_blocks`), so a page
  keeps one ``<h1>`` and an ordered outline.
- **Plain text** (:func:`md_inline`, :func:`md_cell`, :func:`md_link_text`): names, titles,
  types; HTML in it is escaped, shown as written.

Both lose attribute lists (``{: onclick=…}``), links of other schemes, and any backtick that
could pair with a code span other than the way Python-Markdown and its tables pair them;
table cells also escape ``|`` and newlines; code fences are longer than any backtick run in
the code. Templates get the filters through :data:`FILTERS`.
"""

from __future__ import annotations

import bisect
import functools
import html
import itertools
import re
from collections.abc import Callable, Iterable, Iterator

import yaml

from . import markdown_blocks
from .markdown_blocks import headings, shift_headings
from .sanitize import BLOCK_TAGS, Piece, attribute_value, heading_levels, sanitize

# Python-Markdown's own table tokenizer: escaped backslashes, backtick runs, pipes.
_TOKENS = re.compile(r"(\\\\)|(\\`+)|(`+)|(\\\|)|(\|)")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_SAFE_SCHEMES = ("http", "https", "mailto")
_REF_DEFINITION = re.compile(r"^( {0,3})\[([^\]\n]*)\]:", re.MULTILINE)
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_PARAGRAPH_LINE = re.compile(r"[ \t]*(?:[^\W_]|[(\"',.:;/])")
# Python-Markdown lets up to three characters of any blank (str.strip) come first.
_TAG_AT_LINE_START = re.compile(r"^[^\S\n]{0,3}<", re.MULTILINE)
_BLOCK_END = re.compile(f"</(?:{'|'.join(sorted(BLOCK_TAGS))})>|<hr>")
_BLOCK_TAG = re.compile(f"</?(?:{'|'.join(sorted(BLOCK_TAGS))})>")


def _code_regions(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that Python-Markdown reads as code spans (backtick runs paired),
    and its tables tokenizer too: a span holding an escaped backtick is left out, since the
    two read it differently."""
    tics: list[tuple[int, int, int, int]] = []  # (ticks, escaped, start, end)
    for m in _TOKENS.finditer(text):
        if m.group(2):
            tics.append((len(m.group(2)) - 1, 1, m.start(2), m.end(2)))
        elif m.group(3):
            tics.append((len(m.group(3)), 0, m.start(3), m.end(3)))
    by_size: dict[int, list[int]] = {}  # ticks -> the runs of that size, in order
    for index, (ticks, *_) in enumerate(tics):
        by_size.setdefault(ticks, []).append(index)
    regions, pos = [], 0
    while pos < len(tics):
        ticks, escaped, start, _ = tics[pos]
        size = ticks - escaped
        same = by_size.get(size, [])
        after = bisect.bisect_right(same, pos)
        if size == 0 or after == len(same):
            pos += 1
            continue
        close = same[after]
        if "\\`" not in text[start:tics[close][3]]:
            regions.append((start, tics[close][3]))
        pos = close + 1
    return regions


def _destination(rest: Iterable[str], size: int = 64) -> str:
    """The first ``size`` characters of a link destination as far as its scheme goes: blanks,
    backticks, backslashes and tags left out (Python-Markdown drops or unwraps them, and a
    code span in a destination stands for its text)."""
    kept: list[str] = []
    in_tag = False
    for ch in rest:
        if in_tag or ch == "<":
            in_tag = ch != ">"
        elif ord(ch) > 0x20 and not ch.isspace() and ch not in "`\\":
            kept.append(ch)
            if len(kept) == size:
                break
    return "".join(kept)


def _after(text: str, start: int) -> Iterator[str]:
    """The characters of ``text`` from ``start`` on, without copying it."""
    return (text[i] for i in range(start, len(text)))


def _unsafe_link(rest: Iterable[str]) -> bool:
    """Whether a link destination (what follows ``](``) uses a scheme other than web/mail."""
    match = _SCHEME.match(_destination(rest))
    return match is not None and match.group(1).lower() not in _SAFE_SCHEMES


def _backslash_one(ch: str) -> str:
    return "\\" + ch


def _reference(ch: str) -> str:
    """A character reference: what HTML blocks and Markdown text both read as ``ch``."""
    return f"&#{ord(ch)};"


def _backslash(text: str, chars: str) -> str:
    """Put a backslash before each of ``chars`` that the text does not escape already."""
    pattern = re.compile(r"(\\*)([" + re.escape(chars) + "])")
    return pattern.sub(
        lambda m: m.group(1) + ("" if len(m.group(1)) % 2 else "\\") + m.group(2), text
    )


def _references(text: str, escape: Callable[[str], str]) -> str:
    """No link reference definition to an unsafe scheme: its ``[`` becomes ``escape("[")``."""
    return _REF_DEFINITION.sub(
        lambda m: f"{m.group(1)}{escape('[')}{m.group(2)}]:"
        if _unsafe_link(_after(text, m.end())) else m.group(0),
        text,
    )


def _join(pieces: Iterable[tuple[bool, str, str]], escape: Callable[[str], str]) -> str:
    """Pieces ``(is_text, text, source)`` joined; a ``](`` in text that opens an unsafe link
    (judged on the sources: what the text said) is broken up with ``escape("(")``."""
    parts = list(pieces)
    out = []
    for index, (is_text, text, _) in enumerate(parts):
        if is_text and "](" in text:
            following = parts[index + 1:]

            def link(m: re.Match[str], text: str = text,
                     following: list[tuple[bool, str, str]] = following) -> str:
                rest = itertools.chain(_after(text, m.end()),
                                       *(source for _, _, source in following))
                return "]" + escape("(") if _unsafe_link(rest) else "]("

            text = re.sub(r"\]\(", link, text)
        out.append(text)
    return "".join(out)


# Pure, and called on few distinct values: GitHub's pages make 103,199 calls with 4,491.
@functools.lru_cache(maxsize=16384)
def _escape(text: str, *, table: bool = False, inline: bool = False) -> str:
    """Plain text on one line: HTML escaped; code spans kept, but not ``inline`` (a title
    shows its backticks)."""
    text = " ".join(text.split())
    chars = "{`" + ("|" if table else "") + ("[]#" if inline else "")
    pieces, pos = [], 0
    for start, end in [*([] if inline else _code_regions(text)), (len(text), len(text))]:
        plain = "".join(_HTML.get(ch, ch) for ch in text[pos:start])
        pieces += [(True, _backslash(plain, chars), plain),
                   (False, text[start:end], text[start:end])]
        pos = end
    return _references(_join(pieces, _backslash_one), _backslash_one)


# -- descriptions -------------------------------------------------------------------------


def _held_spans(text: str, *, table: bool) -> tuple[list[tuple[int, int]], dict[int, str]]:
    """The spans kept out of sanitizing: fences (with what each becomes) and the code spans
    between them that Python-Markdown cannot break up (each further line carries on the
    paragraph: it opens no block, nor is it blank)."""
    spans: list[tuple[int, int]] = []
    fences: dict[int, str] = {}
    pos = 0
    for start, end, language, code in [*([] if table else markdown_blocks.fences(text)),
                                       (len(text), len(text), "", "")]:
        segment = text[pos:start]
        spans += [(pos + s, pos + e) for s, e in _code_regions(segment)
                  if all(map(_PARAGRAPH_LINE.match, segment[s:e].split("\n")[1:]))]
        if start < len(text):
            fences[len(spans)] = md_fence(code, language)
            spans.append((start, end))
        pos = end
    return spans, fences


def _code_html(span: str) -> str:
    """A code span written as HTML that reads the same inside and outside an HTML block."""
    ticks = len(span) - len(span.lstrip("`"))
    return f"<code>{attribute_value(span[ticks:-ticks].strip())}</code>"


def _assemble(pieces: list[Piece], fences: dict[int, str], *, table: bool, raw: bool) -> str:
    """The sanitized pieces as Markdown. ``raw``: some line starts with a tag, so parts may
    sit in an HTML block, where Markdown is not read: code spans are written as HTML and
    text escapes as character references."""
    chars = "{`" + ("|" if table else "")
    escape = _reference if raw else _backslash_one
    out: list[tuple[bool, str, str]] = []
    after_block = False
    for piece in pieces:
        text = piece.text
        if piece.kind == "text":
            text = re.sub(f"[{re.escape(chars)}]", lambda m: escape(m.group(0)), text) \
                if raw else _backslash(text, chars)
        elif piece.kind == "held" and piece.index in fences:
            # A fence is code only on lines of its own.
            text = ("" if not out or out[-1][1].endswith("\n") else "\n") + fences[piece.index]
        elif piece.kind == "held" and raw:
            text = _code_html(text)
        elif piece.kind == "held" and out:
            # No backslash the sanitizer decoded (&#92;) may escape the opening backtick.
            before = out[-1][1]
            text = ("\\" if (len(before) - len(before.rstrip("\\"))) % 2 else "") + text
        if after_block and not text.startswith("\n") and not (
                piece.kind == "tag" and _BLOCK_TAG.fullmatch(text)):
            text = "\n" + text
        # What follows a fence, or in an HTML block what follows the end of a block, on the
        # same line would be read as part of it.
        after_block = (piece.kind == "held" and piece.index in fences) or (
            raw and bool(_BLOCK_END.fullmatch(text)))
        out.append((piece.kind == "text", text, piece.text))
    return _references(_join(out, escape), escape)


# A pure function of its arguments, and large APIs repeat their descriptions: GitHub's
# 1,223 operations make 72,186 calls with 5,639 distinct arguments.
@functools.lru_cache(maxsize=16384)
def _description(text: str, *, table: bool, level: int = 1) -> str:
    spans, fences = _held_spans(text, table=table)

    def markdown(heading_offset: int | None) -> tuple[str, str]:
        """The Markdown, and its tags."""
        pieces = sanitize(text, spans, heading_offset=heading_offset)
        out = _assemble(pieces, fences, table=table, raw=False)
        if not table and _TAG_AT_LINE_START.search(out):
            out = _assemble(pieces, fences, table=table, raw=True)
        return out, "".join(p.text for p in pieces if p.kind == "tag")

    if table:
        return markdown(None)[0]
    out, tags = markdown(0)
    # Headings move below the page's own: by what the text holds once sanitized.
    levels = {level for level, _ in headings(out).values()}
    levels |= heading_levels(tags)
    offset = level + 1 - min(levels) if levels else 0
    if offset:
        out = shift_headings(markdown(offset)[0], offset)
    return out.strip("\n")


def md_prose(text: str, level: int = 1) -> str:
    """A description as Markdown paragraphs, under a heading of ``level``: its headings start
    at ``level + 1``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as Python-Markdown reads it
    return _description(text.strip(), table=False, level=level)


def md_prose_cell(text: str) -> str:
    """A description in a table cell: one line, ``|`` escaped, no headings."""
    return _description(" ".join(text.split()), table=True).strip()


# -- plain text ---------------------------------------------------------------------------


def md_inline(text: str) -> str:
    """One line of text as written, in Markdown: a heading, link text; newlines become
    spaces."""
    return _escape(text, inline=True)


def md_cell(text: str) -> str:
    """A Markdown table cell: one line, ``|`` escaped outside code spans."""
    return _escape(text, table=True)


def md_link_text(text: str) -> str:
    """Link text inside a table cell, as written: one line, brackets and ``|`` escaped."""
    return _escape(text, table=True, inline=True)


def md_code(text: str) -> str:
    """An inline code span that holds ``text`` whatever its backticks."""
    text = re.sub(r"\r\n?|\n", " ", text)  # Python-Markdown reads a lone CR as a newline
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
    "md_prose_cell": md_prose_cell,
    "md_inline": md_inline,
    "md_cell": md_cell,
    "md_cell_part": md_cell_part,
    "md_link_text": md_link_text,
    "md_code": md_code,
    "md_fence": md_fence,
    "meta_title": meta_title,
}
