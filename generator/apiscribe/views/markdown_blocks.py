"""Markdown blocks of description text as Python-Markdown (with pymdownx's SuperFences)
reads them: fenced code blocks, and headings, which :func:`shift_headings` moves down.

What counts follows Python-Markdown, not CommonMark: ``#`` must start the line (or a list
item), a setext heading's text is the first line of its block, indented lines are code
unless a list item, admonition, details or tab holds them, and a fence is closed by the
same fence.
"""

from __future__ import annotations

import bisect
import re

from .sanitize import BLOCK_TAGS

# Description lines: a fence (at the margin), an ATX heading (maybe in a list item), a
# setext underline, and what opens a nested block (list item, admonition, details, tab).
_FENCE = re.compile(r"(`{3,}|~{3,})[ \t]*(.*)")
_LANGUAGE = re.compile(r"[\w#.+-]+")
_ATX = re.compile(r"([ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*)(#{1,6})(?!#)")
_SETEXT = re.compile(r"[=-]+ *")
_RULE = re.compile(r"(?:-[ ]{0,2}){3,}|(?:_[ ]{0,2}){3,}|(?:\*[ ]{0,2}){3,}")
_OPENS_BLOCK = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]|(?:!!!|\?\?\?\+?|===)[ \t]")
_ENDS_BLOCK = re.compile(f"(?:</(?:{'|'.join(sorted(BLOCK_TAGS))})>|<hr>)\\s*$")
_REFERENCE = re.compile(r" {0,3}\[[^\]\n]*\]:")


def fences(text: str) -> list[tuple[int, int, str, str]]:
    """The fenced code blocks at the margin of ``text``, closed (by the same fence, as
    pymdownx's SuperFences closes them): ``(start, end, language, code)``; the language is
    the info string's first word (no attributes or options)."""
    lines, offsets = text.split("\n"), [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    closers: dict[str, list[int]] = {}  # fence -> the lines that can close it, in order
    for number, line in enumerate(lines):
        m = _FENCE.fullmatch(line)
        if m and not m.group(2).strip():
            closers.setdefault(m.group(1), []).append(number)
    found, number = [], 0
    while number < len(lines):
        m = _FENCE.fullmatch(lines[number])
        candidates = closers.get(m.group(1), []) if m else []
        after = bisect.bisect_right(candidates, number)
        if m and after < len(candidates) and not (
                m.group(1)[0] == "`" and "`" in m.group(2)):
            close = candidates[after]
            words = m.group(2).split()
            language = words[0] if words and _LANGUAGE.fullmatch(words[0]) else ""
            found.append((offsets[number], offsets[close] + len(lines[close]), language,
                          "\n".join(lines[number + 1:close])))
            number = close + 1
        else:
            number += 1
    return found


def _indent(line: str) -> int:
    """The width of the line's leading blanks (tabs at four)."""
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


def _headings(lines: list[str], skip: set[int]) -> dict[int, tuple[int, int | None]]:
    """The Markdown headings as Python-Markdown reads them: ``{line: (level, the line of its
    setext underline or None)}``. A setext heading's text is the first line of a block;
    indented lines count inside a list item, admonition, details or tab, not in a code
    block; fences (``skip``) never."""
    headings: dict[int, tuple[int, int | None]] = {}
    nested, previous, blank, starts = False, None, True, True
    for number, line in enumerate(lines):
        if number in skip or not line.strip(" \t"):  # only these make a line blank
            previous, blank, starts = None, not line.strip(" \t"), True
            continue
        width = _indent(line)
        opens = _OPENS_BLOCK.match(line.lstrip()) if width < 4 else None
        block_start = starts
        if opens:
            nested = starts = True  # a list item's first line starts the item's own blocks
        elif width < 4 and blank:
            nested = False  # a new block at the margin (not a paragraph's lazy line)
        elif width >= 4 and not nested:  # code: the next line at the margin starts a block
            previous, blank, starts = None, False, True
            continue
        blank = False
        # Python-Markdown's ATX pattern fails on a line ending in an odd backslash.
        atx = _ATX.match(line) if (len(line) - len(line.rstrip("\\"))) % 2 == 0 else None
        in_list = bool(atx and atx.group(1).strip())
        if atx and not in_list and width in (0, 4):
            # At the margin (of a nested block too): found before any setext underline.
            headings[number] = (len(atx.group(2)), None)
            previous, starts = None, True
        elif previous is not None and _SETEXT.fullmatch(line.strip()):
            headings[previous] = (1 if line.strip()[0] == "=" else 2, number)
            previous, starts = None, True
        else:
            if in_list:  # a list item's, unless it starts a block and an underline follows
                headings[number] = (len(atx.group(2)) if atx else 1, None)
            previous = number if (block_start if in_list else starts) else None
            # A heading in a list item, a rule, the end of an HTML block, a link reference
            # definition, an empty list item, or the title line of an admonition, details or
            # tab ends the block it is in.
            starts = in_list or bool(
                _RULE.fullmatch(line.strip()) or _ENDS_BLOCK.search(line)
                or _REFERENCE.match(line)  # read, then taken out of the block
                or (opens and (opens.group(0)[0] in "!?="
                               or not line.lstrip()[opens.end():].strip())))
    return headings


def shift_headings(text: str, offset: int) -> str:
    """``text`` with its Markdown headings ``offset`` levels down (to ``######`` at most);
    setext headings become ATX ones."""
    lines = text.split("\n")
    found = _headings(lines, _fence_lines(text))
    underlines = {u for _, u in found.values() if u is not None}
    out = []
    for number, line in enumerate(lines):
        if number in underlines:
            continue
        if number in found:
            old, underline = found[number]
            new = "#" * min(6, old + offset)
            atx = _ATX.match(line)
            if underline is None and atx is not None:
                line = atx.group(1) + new + line[atx.end():]
            else:
                body = line.lstrip()
                # At the margin: indented by one to three, "#" would be text.
                margin = line[:len(line) - len(body)] if _indent(line) >= 4 else ""
                line = margin + new + " " + body
                if (len(line) - len(line.rstrip("\\"))) % 2:
                    line += " "  # or Python-Markdown would not read it as a heading
        out.append(line)
    return "\n".join(out)


def _fence_lines(text: str) -> set[int]:
    """The numbers of the lines of ``text`` in fenced code blocks."""
    lines: set[int] = set()
    for start, end, _, _ in fences(text):
        lines.update(range(text.count("\n", 0, start), text.count("\n", 0, end) + 1))
    return lines


def headings(text: str) -> dict[int, tuple[int, int | None]]:
    """The Markdown headings of ``text``: ``{line number: (level, the line number of its
    setext underline, or None)}``."""
    return _headings(text.split("\n"), _fence_lines(text))
