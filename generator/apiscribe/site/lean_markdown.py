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
block met again the same string (:class:`CodeMemo`, a bounded memo in each process). It does
so only when the highlighter is ``pymdownx.highlight``'s own, with the sources it was checked
against (:data:`KNOWN_HIGHLIGHT`), and never for a block whose title is stashed HTML.

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
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
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
CODE_MEMO = "apiscribe_code_memo"

#: The sha256 of ``pymdownx/highlight.py`` (pymdown-extensions 13.1.2) that the code memo was
#: checked against: its ``Highlight.highlight`` makes the HTML of a block from its settings
#: and arguments alone, but for a title in HTML, which it stashes.
KNOWN_HIGHLIGHT = "dd32d197c1ce187dfa8907c8f87db3c52bb3a5fc7721551d9687ed6484b104a6"


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


class CodeMemo:
    """What highlighted code blocks became, by what made them, in one process: the most
    recently used first kept, up to :attr:`capacity` characters of HTML."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.held: OrderedDict[tuple[object, ...], str] = OrderedDict()
        self.size = 0
        self.hits = self.misses = 0

    def get(self, key: tuple[object, ...], make: Callable[[], str]) -> str:
        held = self.held.get(key)
        if held is not None:
            self.held.move_to_end(key)
            self.hits += 1
            return held
        self.misses += 1
        made = make()
        if len(made) <= self.capacity // 8:
            self.held[key] = made
            self.size += len(made)
            while self.size > self.capacity:
                self.size -= len(self.held.popitem(last=False)[1])
        return made

    def clear(self) -> None:
        self.held.clear()
        self.size = 0


#: 8 million characters of highlighted HTML at most, per process (a block's HTML is about
#: five times its code). GitHub's pages hold 4.4 MB of distinct code.
CODE = CodeMemo(8_000_000)


def forget_code() -> None:
    """Lets go of the code memo's HTML (the plugin calls it once the pages are converted)."""
    CODE.clear()


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
            settings = tuple((name, repr(value)) for name, value in vars(self).items()
                             if name != "md")
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


class LeanMarkdownExtension(Extension):
    """Inert text passed by the inline step, the parsed page let go, and a code block met
    before highlighted once (the module's docstring)."""

    def extendMarkdown(self, md: Markdown) -> None:
        shield = _Shield(md)
        # Python-Markdown's inline step has priority 20; nothing else sits this close to it.
        md.treeprocessors.register(shield, SHIELD, 20.005)
        md.treeprocessors.register(_Unshield(md, shield), UNSHIELD, 19.995)
        md.postprocessors.register(_Release(md), RELEASE, -1000)
        # pymdownx.superfences' preprocessor has priority 25.
        md.preprocessors.register(_MemoCode(md), CODE_MEMO, 25.005)


def makeExtension(**kwargs: object) -> LeanMarkdownExtension:  # the name Markdown looks up
    return LeanMarkdownExtension(**kwargs)
