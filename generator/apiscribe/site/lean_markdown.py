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

**A code block met before is highlighted once.** ``pymdownx.superfences`` has each fenced
block highlighted by ``pymdownx.highlight``, which makes a Pygments formatter (0.15 ms, more
than lexing and formatting a small block) and highlights the code. An API's pages repeat
many blocks: of the 10,706 on GitHub's pages, 3,173 are repeats (the same error body 1,497
times). The extension gives the fenced-code preprocessor a highlighter that keeps what each
block became, by the highlighter's settings and everything the block passes it, and gives a
block met again the same string (:class:`HtmlMemo`, bounded, in each process). It does
so only when the highlighter is ``pymdownx.highlight``'s own, with the sources it was checked
against (:data:`KNOWN_HIGHLIGHT`), and never for a block whose title is stashed HTML.

**A table met before is made once.** An API's pages repeat tables too: the fields of a
response shared by many operations, the rows of a common error. A table block (the text
Python-Markdown's table processor takes) whose HTML depends on nothing but its text is kept,
once its page's conversion has made it, by its text and the settings that shape it
(:class:`TableMemo`); a later block of the same text becomes that HTML, stashed as Python-Markdown
stashes raw HTML. Its HTML depends on nothing else when the block has no ``[`` (a reference
link's meaning depends on the page), its table holds no link, image, ``id`` or ``name``
(MkDocs rewrites links and records anchors page by page) and no stashed HTML, and the
conversion has only processors known to treat a table the same on every page
(:data:`KNOWN_TREEPROCESSORS`, :data:`KNOWN_POSTPROCESSORS`) and the default inline
patterns.

Both memos are let go once the build process has converted its pages (:func:`forget`).

The ``apiscribe`` MkDocs plugin adds it to the site's ``markdown_extensions``
(``apiscribe.site.lean_markdown``).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import re
import types
import xml.etree.ElementTree as etree
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from markdown import Markdown, inlinepatterns
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import ETX, STX, AtomicString, Registry

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
CODE_MEMO = "apiscribe_code_memo"
TABLE_MEMO, TABLE_CAPTURE = "apiscribe_table_memo", "apiscribe_table_capture"
#: The treeprocessors known to treat a table the same on every page, by name and class.
KNOWN_TREEPROCESSORS = {
    "inline": "markdown.treeprocessors.InlineProcessor",
    "prettify": "markdown.treeprocessors.PrettifyTreeprocessor",
    "unescape": "markdown.treeprocessors.UnescapeTreeprocessor",
    "attr_list": "markdown.extensions.attr_list.AttrListTreeprocessor",
    "toc": "markdown.extensions.toc.TocTreeprocessor",  # headings, and ids (none kept)
    "indent-highlight": "pymdownx.highlight.HighlightTreeprocessor",  # code blocks
    # MkDocs' own, for anchors, links and the title (none kept)
    "mkdocs_extract_anchors": "mkdocs.structure.pages._ExtractAnchorsTreeprocessor",
    "relpath": "mkdocs.structure.pages._RelativePathTreeprocessor",
    "mkdocs_extract_title": "mkdocs.structure.pages._ExtractTitleTreeprocessor",
    SHIELD: f"{__name__}._Shield",
    UNSHIELD: f"{__name__}._Unshield",
    TABLE_CAPTURE: f"{__name__}._CaptureTables",
}
#: The postprocessors known to leave HTML without placeholders as it is.
KNOWN_POSTPROCESSORS = {
    "raw_html": "markdown.postprocessors.RawHtmlPostprocessor",
    "amp_substitute": "markdown.postprocessors.AndSubstitutePostprocessor",
    RELEASE: f"{__name__}._Release",
}
#: What a table kept must not hold: what MkDocs rewrites or records page by page.
_PAGE_BOUND_TAGS = frozenset({"a", "img"})

#: The sha256 of ``pymdownx/highlight.py`` (pymdown-extensions 13.1.2) that the code memo was
#: checked against: its ``Highlight.highlight`` makes the HTML of a block from its settings
#: and arguments alone, but for a title in HTML, which it stashes.
KNOWN_HIGHLIGHT = "dd32d197c1ce187dfa8907c8f87db3c52bb3a5fc7721551d9687ed6484b104a6"


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


class HtmlMemo:
    """What blocks became, by what made them, in one process: the most recently used kept,
    up to :attr:`capacity` characters of HTML and of the keys' texts (none larger than an
    eighth of it). A key's first part is the settings that made the block, one string that
    its entries share (:meth:`settings`)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.held: OrderedDict[tuple[object, ...], str] = OrderedDict()
        self.size = 0
        self.hits = self.misses = 0
        self._settings: dict[str, str] = {}

    def find(self, key: tuple[object, ...]) -> str | None:
        held = self.held.get(key)
        if held is None:
            self.misses += 1
        else:
            self.held.move_to_end(key)
            self.hits += 1
        return held

    def keep(self, key: tuple[object, ...], html: str) -> None:
        size = _size(key, html)
        if size > self.capacity // 8 or key in self.held:
            return
        self.held[key] = html
        self.size += size
        while self.size > self.capacity:
            self.size -= _size(*self.held.popitem(last=False))

    def settings(self, text: str) -> str:
        """``text``, the one string of its value the memo's keys hold."""
        return self._settings.setdefault(text, text)

    def get(self, key: tuple[object, ...], make: Callable[[], str]) -> str:
        held = self.find(key)
        if held is None:
            held = make()
            self.keep(key, held)
        return held

    def clear(self) -> None:
        self.held.clear()
        self._settings.clear()
        self.size = 0


def _size(key: tuple[object, ...], html: str) -> int:
    return len(html) + sum(len(part) for part in key[1:] if isinstance(part, str))


#: 8 million characters of highlighted HTML at most, per process (a block's HTML is about
#: five times its code). GitHub's pages hold 4.4 MB of distinct code.
CODE = HtmlMemo(8_000_000)
#: Tables' HTML, as much again.
TABLES = HtmlMemo(8_000_000)


def forget() -> None:
    """Lets go of the memos' HTML (the plugin calls it once the pages are converted)."""
    CODE.clear()
    TABLES.clear()


@functools.cache
def memo_highlighter() -> type | None:
    """``pymdownx.highlight.Highlight`` with its blocks' HTML kept in :data:`CODE` and its
    Pygments formatters made once for each set of options, or None when pymdownx is missing
    or its sources are not the ones checked."""
    try:
        from pymdownx import highlight
    except ImportError:  # pragma: no cover - Material needs pymdown-extensions
        return None
    with open(highlight.__file__, "rb") as source:
        if hashlib.sha256(source.read()).hexdigest() != KNOWN_HIGHLIGHT:
            return None
    Highlight: Any = highlight.Highlight
    arguments = inspect.signature(Highlight.highlight)
    # Highlight.highlight's own code, reading its formatter classes from a namespace of its
    # module's where each makes one formatter per set of options (a Pygments formatter keeps
    # nothing of what it formats but a cache of its spans' tags).
    namespace = dict(vars(highlight))
    namespace["BlockHtmlFormatter"] = _shared(highlight.BlockHtmlFormatter)
    namespace["InlineHtmlFormatter"] = _shared(highlight.InlineHtmlFormatter)
    original = Highlight.highlight
    highlight_with_shared = types.FunctionType(
        original.__code__, namespace, original.__name__, original.__defaults__)

    class MemoHighlight(Highlight):  # type: ignore[misc]
        def highlight(self, *args: Any, **kwargs: Any) -> Any:
            bound = arguments.bind(self, *args, **kwargs)
            bound.apply_defaults()
            given = bound.arguments
            del given["self"]
            if given["inline"] or self.title_mode == "html" or any(
                isinstance(value, dict) for value in self.auto_title_map.values()
            ):  # an element comes back, or a title is stashed: nothing to keep
                return highlight_with_shared(self, *args, **kwargs)
            if not (self.line_spans or self.line_anchors):
                given["code_block_count"] = None  # only line ids read it
            settings = CODE.settings(repr([(name, value) for name, value in vars(self).items()
                                           if name != "md"]))
            key = (settings, *(_frozen(value) for value in given.values()))
            return CODE.get(key, lambda: highlight_with_shared(self, *args, **kwargs))

    return MemoHighlight


def _shared(formatter: type) -> Callable[..., Any]:
    """Makes ``formatter`` once for each set of options (up to 64 sets at a time)."""
    made: dict[tuple[object, ...], Any] = {}

    def make(**options: Any) -> Any:
        key = tuple((name, _frozen(value)) for name, value in options.items())
        shared = made.get(key)
        if shared is None:
            if len(made) >= 64:
                made.clear()
            shared = made[key] = formatter(**options)
        return shared
    return make


def _frozen(value: object) -> object:
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return tuple((name, _frozen(item)) for name, item in value.items())
    return value


class _MemoCode(Preprocessor):
    """Gives the fenced-code preprocessor the memo's highlighter (just before it runs)."""

    def run(self, lines: list[str]) -> list[str]:
        if "fenced_code_block" not in self.md.preprocessors or (
                memo := memo_highlighter()) is None:
            return lines
        fenced: Any = self.md.preprocessors["fenced_code_block"]
        if hasattr(fenced, "get_hl_settings"):  # pymdownx.superfences'
            fenced.get_hl_settings()
            if getattr(fenced, "highlighter", None) is memo.__base__:  # pymdownx.highlight's
                fenced.highlighter = memo
        return lines


def _qualified(processor: object) -> str:
    kind = type(processor)
    return f"{kind.__module__}.{kind.__qualname__}"


def _only_known(registry: Registry[Any], known: dict[str, str]) -> bool:
    """Whether every processor of ``registry`` is one of ``known``, by name and class."""
    present = [name for name in known if name in registry]
    return len(present) == len(registry) and all(
        _qualified(registry[name]) == known[name] for name in present)


class _MemoTables(BlockProcessor):
    """Makes a table block met before into its kept HTML, and has the table processor make
    the others, noting each for :class:`_CaptureTables` (just before the table processor)."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md.parser)
        self.md = md
        self.settings: str | None = None  # the settings that shape a table; None: step aside
        self.checked = False
        self.table: Any = None
        self.found: str | None = None
        self.made: list[tuple[etree.Element, tuple[object, ...]]] = []

    def _settings(self) -> str | None:
        if not self.checked:  # once the extensions are all in place
            self.checked = True
            self.settings = self._known()
        return self.settings

    def _known(self) -> str | None:
        md = self.md
        blocks = md.parser.blockprocessors
        if "table" not in blocks or _qualified(blocks["table"]) != (
                "markdown.extensions.tables.TableProcessor") or (
                blocks.get_index_for_name("table") != blocks.get_index_for_name(TABLE_MEMO) + 1):
            return None
        if not (default_inline(md) and _only_known(md.treeprocessors, KNOWN_TREEPROCESSORS)
                and _only_known(md.postprocessors, KNOWN_POSTPROCESSORS)):
            return None
        self.table = blocks["table"]
        return TABLES.settings(f"{md.output_format}|{md.tab_length}|{self.table.config!r}")

    def test(self, parent: etree.Element, block: str) -> bool:
        if "[" in block or (settings := self._settings()) is None:
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
        md.preprocessors.register(_MemoCode(md), CODE_MEMO, 25.005)
        tables = _MemoTables(md)
        md.parser.blockprocessors.register(tables, TABLE_MEMO, 75.005)  # the table processor: 75
        md.treeprocessors.register(_CaptureTables(md, tables), TABLE_CAPTURE, -1000)


def makeExtension(**kwargs: object) -> LeanMarkdownExtension:  # the name Markdown looks up
    return LeanMarkdownExtension(**kwargs)
