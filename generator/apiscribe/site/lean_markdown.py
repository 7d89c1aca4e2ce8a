"""A Markdown extension that gives Python-Markdown's conversion of a page less to do and to hold,
for the same HTML.

**Text the inline step would not change is passed by.** Python-Markdown's ``inline``
treeprocessor tries every inline pattern (code spans, links, emphasis, raw HTML,
entities...) on the text and tail of every element, about twenty regular-expression searches
for each. Most of the text on an API page has nothing for them: a table cell that says
``integer``, ``yes`` or ``The unique identifier of the team.``. Each default pattern needs
one of a few characters to match (:data:`TRIGGERS`), so text without any of them comes out
of the inline step as it went in.

This extension marks such text as Python-Markdown's own ``AtomicString`` just before the
inline step, which then passes it by, and gives it back as the plain string it was just
after. What the page converts to is the same, byte for byte; only the searches are saved
(BENCHMARKS.md, "Issue 13, an eleventh pass").

It steps aside, and every text goes through the inline step, when the conversion has an
inline pattern that is not one of Python-Markdown's defaults (an extension's, or a default
replaced), or when another treeprocessor runs between it and the inline step.

**The parsed page is let go when the conversion ends.** Python-Markdown's block parser
keeps the page's element tree (``md.parser.root``), and the Markdown instance its source
lines (``md.lines``), after the HTML is made; the instance, its parser and its processors
refer to one another, so all of it waits for Python's cyclic collector: 68 MiB for the
schemas page of GitHub's description. The extension's last postprocessor drops both, so
the tree goes as soon as ``convert`` returns.

The ``apiscribe`` MkDocs plugin adds it to the site's ``markdown_extensions``
(``apiscribe.site.lean_markdown``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown, inlinepatterns
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import STX, AtomicString

#: Python-Markdown's default inline patterns (its release 3.11), by name, class and regular
#: expression. Each of them needs one of :data:`TRIGGERS` to match.
DEFAULT_PATTERNS: dict[str, tuple[type[inlinepatterns.InlineProcessor], str]] = {
    "backtick": (inlinepatterns.BacktickInlineProcessor,  # `
                 r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)"),
    "escape": (inlinepatterns.EscapeInlineProcessor, r"\\(.)"),  # \
    "reference": (inlinepatterns.ReferenceInlineProcessor, r"(?<!\!)\["),  # [
    "link": (inlinepatterns.LinkInlineProcessor, r"(?<!\!)\["),  # [
    "image_link": (inlinepatterns.ImageInlineProcessor, r"\!\["),  # [
    "image_reference": (inlinepatterns.ImageReferenceInlineProcessor, r"\!\["),  # [
    "short_reference": (inlinepatterns.ShortReferenceInlineProcessor, r"(?<!\!)\["),  # [
    "short_image_ref": (inlinepatterns.ShortImageReferenceInlineProcessor, r"\!\["),  # [
    "autolink": (inlinepatterns.AutolinkInlineProcessor,  # <
                 r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>"),
    "automail": (inlinepatterns.AutomailInlineProcessor, r"<([^<> !]+@[^@<> ]+)>"),  # <
    "linebreak": (inlinepatterns.SubstituteTagInlineProcessor, r"  \n"),  # two spaces, \n
    "html": (inlinepatterns.HtmlInlineProcessor,  # <
             r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'"""
             r"""[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?"""
             r"""]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"""),
    "entity": (inlinepatterns.HtmlInlineProcessor,  # &
               r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)"),
    "em_strong": (inlinepatterns.DelimiterProcessor, r"\*|_"),  # * or _
}
#: Text holding none of these goes through the default inline patterns unchanged. The start
#: of Python-Markdown's placeholders is here too, so stashed HTML is always left to it.
TRIGGERS = re.compile("[`\\\\\\[<&*_" + STX + "]|  \n")

SHIELD, UNSHIELD = "apiscribe_inert_text", "apiscribe_inert_text_end"
RELEASE = "apiscribe_release"


class _Shield(Treeprocessor):
    """Marks the text the inline step would not change (just before it runs)."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        # (element, its tail?, the text as it was)
        self.marked: list[tuple[etree.Element, bool, str]] = []

    def run(self, root: etree.Element) -> None:
        self.marked = []
        if not self._alone():
            return
        marked, search = self.marked, TRIGGERS.search
        for element in root.iter():
            text = element.text
            if text and type(text) is str and not search(text):
                element.text = AtomicString(text)
                marked.append((element, False, text))
            text = element.tail
            if text and type(text) is str and not search(text):
                element.tail = AtomicString(text)
                marked.append((element, True, text))

    def _alone(self) -> bool:
        """Whether the inline step has only the default patterns, and runs right after
        this, with the unmarking right after it."""
        patterns = self.md.inlinePatterns
        if len(patterns) != len(DEFAULT_PATTERNS) or not all(
            name in patterns and type(patterns[name]) is kind and patterns[name].pattern == regex
            for name, (kind, regex) in DEFAULT_PATTERNS.items()
        ):
            return False
        order = self.md.treeprocessors
        if "inline" not in order or type(order["inline"]) is not InlineProcessor:
            return False
        here = order.get_index_for_name(SHIELD)
        return (order.get_index_for_name("inline"), order.get_index_for_name(UNSHIELD)) == (
            here + 1, here + 2)


class _Unshield(Treeprocessor):
    """Gives the marked elements their text back, the very strings they had (just after the
    inline step)."""

    def __init__(self, md: Markdown, shield: _Shield) -> None:
        super().__init__(md)
        self.shield = shield

    def run(self, root: etree.Element) -> None:
        for element, tail, text in self.shield.marked:
            if tail:
                element.tail = text
            else:
                element.text = text
        self.shield.marked = []


class _Release(Postprocessor):
    """Lets go of the parsed page (the last postprocessor: the HTML is made)."""

    def run(self, text: str) -> str:
        self.md.parser.root = None  # type: ignore[assignment]
        self.md.lines = []  # type: ignore[attr-defined]
        return text


class LeanMarkdownExtension(Extension):
    """Inert text passed by the inline step, and the parsed page let go (the module's
    docstring)."""

    def extendMarkdown(self, md: Markdown) -> None:
        shield = _Shield(md)
        # Python-Markdown's inline step has priority 20; nothing else sits this close to it.
        md.treeprocessors.register(shield, SHIELD, 20.005)
        md.treeprocessors.register(_Unshield(md, shield), UNSHIELD, 19.995)
        md.postprocessors.register(_Release(md), RELEASE, -1000)


def makeExtension(**kwargs: object) -> LeanMarkdownExtension:  # the name Markdown looks up
    return LeanMarkdownExtension(**kwargs)
