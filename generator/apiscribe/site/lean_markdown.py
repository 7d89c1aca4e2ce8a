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

**A code block met before is highlighted once** (:mod:`.html_memo`, where its bounded memo
of HTML lives, with the tables').

**A table met before is made once.** An API's pages repeat tables too: the fields of a
response shared by many operations, the rows of a common error. A table block (the text
Python-Markdown's table processor takes) whose HTML depends on nothing but its text is kept,
once its page's conversion has made it, by its text and the settings that shape it
(:data:`.html_memo.TABLES`); a later block of the same text becomes that HTML, stashed as
Python-Markdown stashes raw HTML. Its HTML depends on nothing else when the block has no
``[`` (a reference link's meaning depends on the page), its table holds no link, image,
``id`` or ``name`` (MkDocs rewrites links and records anchors page by page) and no stashed
HTML, and the conversion has only processors known to treat a table the same on every page
(:data:`KNOWN_PROCESSORS`: a definition list, for one, reads the paragraph before its
definitions as its terms) and the default inline patterns; its key holds the names of those
processors. A block holding the marker of the table of contents is made on each page.

Both memos are let go once the build process has converted its pages
(:func:`.html_memo.forget`).

The ``apiscribe`` MkDocs plugin adds it to the site's ``markdown_extensions``
(``apiscribe.site.lean_markdown``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown, inlinepatterns
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import ETX, STX, AtomicString, Registry

from .html_memo import CODE_MEMO, TABLES, MemoCode

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
TABLE_MEMO, TABLE_CAPTURE = "apiscribe_table_memo", "apiscribe_table_capture"
TABLE_START = "apiscribe_table_start"
#: The processors known to treat a table the same on every page, by kind, name and class.
KNOWN_PROCESSORS: dict[str, dict[str, tuple[str, ...]]] = {
    "block": {  # none of these reads a table as anything but a block of its parent's
        "empty": ("markdown.blockprocessors.EmptyBlockProcessor",),
        "indent": ("markdown.blockprocessors.ListIndentProcessor",),
        "code": ("markdown.blockprocessors.CodeBlockProcessor",
                 "pymdownx.superfences.SuperFencesCodeBlockProcessor"),
        "hashheader": ("markdown.blockprocessors.HashHeaderProcessor",),
        "setextheader": ("markdown.blockprocessors.SetextHeaderProcessor",),
        "hr": ("markdown.blockprocessors.HRProcessor",),
        "olist": ("markdown.blockprocessors.OListProcessor",),
        "ulist": ("markdown.blockprocessors.UListProcessor",),
        "quote": ("markdown.blockprocessors.BlockQuoteProcessor",),
        "reference": ("markdown.blockprocessors.ReferenceProcessor",),
        "paragraph": ("markdown.blockprocessors.ParagraphProcessor",),
        "table": ("markdown.extensions.tables.TableProcessor",),
        "admonition": ("markdown.extensions.admonition.AdmonitionProcessor",),
        "details": ("pymdownx.details.DetailsProcessor",),
        "tabbed": ("pymdownx.tabbed.TabbedProcessor",),
        TABLE_MEMO: (f"{__name__}._MemoTables",),
    },
    "tree": {
        "inline": ("markdown.treeprocessors.InlineProcessor",),
        "prettify": ("markdown.treeprocessors.PrettifyTreeprocessor",),
        "unescape": ("markdown.treeprocessors.UnescapeTreeprocessor",),
        "attr_list": ("markdown.extensions.attr_list.AttrListTreeprocessor",),
        "toc": ("markdown.extensions.toc.TocTreeprocessor",),  # a block holding its marker: no
        "indent-highlight": ("pymdownx.highlight.HighlightTreeprocessor",),  # code blocks
        # MkDocs' own, for anchors, links and the title (none kept)
        "mkdocs_extract_anchors": ("mkdocs.structure.pages._ExtractAnchorsTreeprocessor",),
        "relpath": ("mkdocs.structure.pages._RelativePathTreeprocessor",),
        "mkdocs_extract_title": ("mkdocs.structure.pages._ExtractTitleTreeprocessor",),
        SHIELD: (f"{__name__}._Shield",),
        UNSHIELD: (f"{__name__}._Unshield",),
        TABLE_CAPTURE: (f"{__name__}._CaptureTables",),
    },
    "post": {  # these leave HTML without placeholders as it is
        "raw_html": ("markdown.postprocessors.RawHtmlPostprocessor",),
        "amp_substitute": ("markdown.postprocessors.AndSubstitutePostprocessor",),
        RELEASE: (f"{__name__}._Release",),
    },
}
#: What a table kept must not hold: what MkDocs rewrites or records page by page.
_PAGE_BOUND_TAGS = frozenset({"a", "img"})

def default_inline(md: Markdown) -> bool:
    """Whether the inline step has only Python-Markdown's default patterns."""
    patterns = md.inlinePatterns
    return len(patterns) == len(DEFAULT_PATTERNS) and all(
        name in patterns and type(patterns[name]) is kind and patterns[name].pattern == regex
        for name, (kind, regex) in DEFAULT_PATTERNS.items()
    )


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
        if not default_inline(self.md):
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


def _qualified(processor: object) -> str:
    kind = type(processor)
    return f"{kind.__module__}.{kind.__qualname__}"


def _known_names(registry: Registry[Any], known: dict[str, tuple[str, ...]]) -> list[str] | None:
    """The names of the processors of ``registry`` if each is one of ``known``, by name and
    class, else None."""
    present = [name for name in known if name in registry]
    if len(present) != len(registry) or any(
            _qualified(registry[name]) not in known[name] for name in present):
        return None
    return present


class _MemoTables(BlockProcessor):
    """Makes a table block met before into its kept HTML, and has the table processor make
    the others, noting each for :class:`_CaptureTables` (just before the table processor)."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md.parser)
        self.md = md
        self.settings: str | None = None  # the settings that shape a table; None: step aside
        self.checked = False
        self.table: Any = None
        self.marker = ""
        self.found: str | None = None
        self.made: list[tuple[etree.Element, tuple[object, ...]]] = []

    def start(self) -> None:
        """Forgets what a conversion that did not end left (at the start of each)."""
        self.found, self.made = None, []

    def _settings(self) -> str | None:
        if not self.checked:  # once the extensions are all in place
            self.checked = True
            self.settings = self._known()
        return self.settings

    def _known(self) -> str | None:
        """The settings that shape a table, with the names of every processor; None when a
        processor is not known, or the table processor does not come right after this."""
        md = self.md
        blocks = md.parser.blockprocessors
        names = [_known_names(registry, KNOWN_PROCESSORS[kind]) for kind, registry in (
            ("block", blocks), ("tree", md.treeprocessors), ("post", md.postprocessors))]
        if not default_inline(md) or any(found is None for found in names) or "table" not in (
                blocks) or blocks.get_index_for_name("table") != blocks.get_index_for_name(
                TABLE_MEMO) + 1:
            return None
        self.table = blocks["table"]
        if "toc" in md.treeprocessors:  # a cell holding the marker becomes the page's contents
            self.marker = md.treeprocessors["toc"].marker  # type: ignore[attr-defined]
        return TABLES.settings(f"{md.output_format}|{md.tab_length}|{self.table.config!r}|"
                               f"{names}")

    def test(self, parent: etree.Element, block: str) -> bool:
        if "[" in block or "|" not in block or (settings := self._settings()) is None or (
                self.marker and self.marker in block):
            return False
        self.found = TABLES.find((settings, block))
        return self.found is not None or bool(self.table.test(parent, block))

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        if self.found is not None:
            blocks.pop(0)
            etree.SubElement(parent, "p").text = self.md.htmlStash.store(self.found)
            self.found = None
            return
        key = (self.settings, blocks[0])
        self.table.run(parent, blocks)
        if len(parent) and parent[-1].tag == "table":
            self.made.append((parent[-1], key))


class _Start(Preprocessor):
    """Starts the table memo afresh (the first preprocessor of each conversion)."""

    def __init__(self, md: Markdown, memo: _MemoTables) -> None:
        super().__init__(md)
        self.memo = memo

    def run(self, lines: list[str]) -> list[str]:
        self.memo.start()
        return lines


class _CaptureTables(Treeprocessor):
    """Keeps the HTML of the tables the page made whose HTML depends on nothing else (the
    last treeprocessor: every other has had them)."""

    def __init__(self, md: Markdown, memo: _MemoTables) -> None:
        super().__init__(md)
        self.memo = memo

    def run(self, root: etree.Element) -> None:
        made, self.memo.made = self.memo.made, []
        for table, key in made:
            if any(element.tag in _PAGE_BOUND_TAGS or "id" in element.attrib
                   or "name" in element.attrib for element in table.iter()):
                continue
            tail, table.tail = table.tail, None
            html = self.md.serializer(table)
            table.tail = tail
            if STX not in html and ETX not in html:
                TABLES.keep(key, html)


class LeanMarkdownExtension(Extension):
    """Inert text passed by the inline step, the parsed page let go, and a code block or a
    table met before made once (the module's docstring)."""

    def extendMarkdown(self, md: Markdown) -> None:
        shield = _Shield(md)
        # Python-Markdown's inline step has priority 20; nothing else sits this close to it.
        md.treeprocessors.register(shield, SHIELD, 20.005)
        md.treeprocessors.register(_Unshield(md, shield), UNSHIELD, 19.995)
        md.postprocessors.register(_Release(md), RELEASE, -1000)
        # pymdownx.superfences' preprocessor has priority 25.
        md.preprocessors.register(MemoCode(md), CODE_MEMO, 25.005)
        tables = _MemoTables(md)
        md.parser.blockprocessors.register(tables, TABLE_MEMO, 75.005)  # the table processor: 75
        md.preprocessors.register(_Start(md, tables), TABLE_START, 1000)
        md.treeprocessors.register(_CaptureTables(md, tables), TABLE_CAPTURE, -1000)


def makeExtension(**kwargs: object) -> LeanMarkdownExtension:  # the name Markdown looks up
    return LeanMarkdownExtension(**kwargs)
