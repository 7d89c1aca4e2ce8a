"""HTML in description text, sanitized to an allowlist and written so Markdown keeps it as is.

Descriptions are CommonMark, and CommonMark allows HTML. :func:`sanitize` runs the text through
`nh3` (the Ammonia sanitizer) with the allowlist below: formatting, lists, tables, code, and
links to http, https and mailto URLs (or relative ones) render; scripts, event handlers,
``javascript:`` and ``data:`` URLs, frames, objects, forms, styles, images, ids and classes
are removed. A ``<`` that does not open a complete tag of a real HTML element (``<token>``,
``a < b``) stays text, as a placeholder in an API's docs should.

The result is a list of :class:`Piece`: tags written in one canonical form whose attribute
values hold no character Markdown acts on (so Python-Markdown passes each tag through
whole), HTML-escaped text, and the spans the caller held back (code), where they landed.
Headings are renamed by a given offset, or unwrapped where no heading may stand.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import nh3

#: The elements a description may use.
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
    "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "tt", "u", "ul", "var", "wbr",
})
#: The attributes each may keep (none on every element: no id, class, style or handler).
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": set(),
    "a": {"href", "title"},
    "abbr": {"title"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: Elements removed with everything inside them (the others lose their tags, not their text).
REMOVED_WITH_CONTENT = frozenset({
    "applet", "frameset", "iframe", "math", "noembed", "noframes", "noscript", "object",
    "script", "style", "svg", "template",
})
#: Every element name HTML parsers know: a tag of any other name is text.
HTML_ELEMENTS = ALLOWED_TAGS | REMOVED_WITH_CONTENT | frozenset({
    "acronym", "address", "area", "article", "aside", "audio", "base", "basefont", "bdi",
    "bdo", "bgsound", "big", "blink", "body", "button", "canvas", "center", "data",
    "datalist", "dialog", "dir", "embed", "fieldset", "figcaption", "figure", "font", "footer",
    "form", "frame", "head", "header", "hgroup", "html", "image", "img", "input", "isindex",
    "keygen", "label", "legend", "link", "listing", "main", "map", "marquee", "menu",
    "menuitem", "meta", "meter", "multicol", "nav", "nextid", "nobr", "optgroup", "option",
    "output", "param", "picture", "plaintext", "progress", "rb", "rp", "rt", "rtc", "ruby",
    "search", "section", "select", "slot", "source", "spacer", "textarea", "time", "title",
    "track", "video", "xmp",
})
HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
#: The allowed elements Python-Markdown takes for blocks: at the start of a line, one opens
#: an HTML block that Markdown is not read in.
BLOCK_TAGS = HEADINGS | frozenset({
    "blockquote", "colgroup", "dd", "details", "div", "dl", "dt", "hr", "li", "ol", "p", "pre",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})

_CLEANERS = {
    headings: nh3.Cleaner(
        tags=set(ALLOWED_TAGS if headings else ALLOWED_TAGS - HEADINGS),
        clean_content_tags=set(REMOVED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    for headings in (True, False)
}

# CommonMark's raw HTML: an open tag (attributes as its spec says), a closing tag, a comment.
_ATTRIBUTE = r"""\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
_RAW_HTML = re.compile(
    rf"<(?P<name>[A-Za-z][A-Za-z0-9-]*)(?:{_ATTRIBUTE})*\s*/?>"
    r"|</(?P<end>[A-Za-z][A-Za-z0-9-]*)\s*>|<!--.*?-->",
    re.DOTALL,
)
# The sanitizer's output: tags (quoted attribute values) and text without "<".
_OUTPUT = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:\s+[^\s="/>]+="[^"]*")*)\s*/?>')
_OUT_ATTRIBUTE = re.compile(r'([^\s="/>]+)="([^"]*)"')
_HEADING_TAG = re.compile(r"<h([1-6])[\s/>]", re.IGNORECASE)
# What may stay as it is in an attribute value; anything else becomes a character reference.
_PLAIN = re.compile(r"[A-Za-z0-9 /:.,;?=%~+#$-]|[^\x00-\x7f]")


@dataclass(frozen=True)
class Piece:
    """Part of a sanitized text: a ``tag`` (safe as it is), ``text`` (HTML-escaped) or a
    ``held`` span (the caller's own text, where it landed; ``index`` in the spans given)."""

    kind: Literal["tag", "text", "held"]
    text: str
    index: int = -1


def heading_levels(text: str) -> set[int]:
    """The levels of the HTML headings (``<h2>``) in ``text``."""
    return {int(m.group(1)) for m in _HEADING_TAG.finditer(text)}


def attribute_value(value: str) -> str:
    """An attribute value (unescaped text) written with character references for anything
    HTML or Markdown could act on."""
    return "".join(ch if _PLAIN.fullmatch(ch) else f"&#{ord(ch)};" for ch in value)


def _marker(text: str) -> str:
    """A private-use character that ``text`` does not hold."""
    return next(chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)


def _raw_html_only(text: str) -> str:
    """``text`` with each ``<`` that opens no complete tag of an HTML element (or comment)
    written as ``&lt;``, so the sanitizer keeps it as text."""
    out, pos = [], 0
    while (start := text.find("<", pos)) != -1:
        out.append(text[pos:start])
        m = _RAW_HTML.match(text, start)
        name = m and (m.group("name") or m.group("end"))
        if m and (name is None or name.lower() in HTML_ELEMENTS):
            out.append(m.group(0))
            pos = m.end()
        else:
            out.append("&lt;")
            pos = start + 1
    out.append(text[pos:])
    return "".join(out)


def _clean(text: str, headings: bool) -> str:
    if "<" not in text and "&" not in text and "\r" not in text and "\0" not in text:
        return text.replace(">", "&gt;")  # what the sanitizer would make of it, faster
    return _CLEANERS[headings].clean(_raw_html_only(text)).replace("&nbsp;", "\xa0")


def sanitize(text: str, held: Sequence[tuple[int, int]] = (), *,
             heading_offset: int | None = 0) -> list[Piece]:
    """``text`` sanitized, as pieces; ``held`` spans (sorted, apart) are kept out of it.

    HTML headings move ``heading_offset`` levels down (at most to ``<h6>``); with ``None``
    they lose their tags (their text stays). A held span that lands in an attribute value
    is part of that value.
    """
    marker = _marker(text) if held else ""
    spans = [text[start:end] for start, end in held]
    parts, pos = [], 0
    for index, (start, end) in enumerate(held):
        parts += [text[pos:start], f"{marker}{index}{marker}"]
        pos = end
    parts.append(text[pos:])
    cleaned = _clean("".join(parts), heading_offset is not None)

    def restore(value: str) -> str:
        return re.sub(f"{marker}(\\d+){marker}", lambda m: spans[int(m.group(1))], value) \
            if marker else value

    pieces: list[Piece] = []

    def add_text(value: str) -> None:
        value = value.replace("<", "&lt;")  # none is left but in a tag _OUTPUT missed
        for number, part in enumerate(value.split(marker) if marker else [value]):
            if number % 2 == 0:
                pieces.append(Piece("text", part))
            else:
                pieces.append(Piece("held", spans[int(part)], int(part)))

    pos = 0
    for m in _OUTPUT.finditer(cleaned):
        add_text(cleaned[pos:m.start()])
        pos = m.end()
        close, name, attributes = m.groups()
        if name in HEADINGS and heading_offset is not None:
            name = f"h{max(1, min(6, int(name[1]) + heading_offset))}"
        values = "".join(
            f' {attr}="{attribute_value(restore(html.unescape(value)))}"'
            for attr, value in _OUT_ATTRIBUTE.findall(attributes)
        )
        pieces.append(Piece("tag", f"<{close}{name}{values}>"))
    add_text(cleaned[pos:])
    return [p for p in pieces if p.text or p.kind == "held"]
