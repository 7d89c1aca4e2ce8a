"""Bounded memos of HTML that Python-Markdown made, for the lean Markdown extension
(:mod:`.lean_markdown`): a code block or a table met before is made once.

**A code block met before is highlighted once.** ``pymdownx.superfences`` has each fenced
block highlighted by ``pymdownx.highlight``, which makes a Pygments formatter (0.15 ms, more
than lexing and formatting a small block) and highlights the code. An API's pages repeat
many blocks: of the 10,706 on GitHub's pages, 3,173 are repeats (the same error body 1,497
times). The extension gives the fenced-code preprocessor a highlighter (:class:`MemoCode`)
that keeps what each block became, by the highlighter's settings and everything the block
passes it, and gives a block met again the same string (:data:`CODE`, bounded, in each
process), with one Pygments formatter for each set of options. It does so only when the
highlighter is ``pymdownx.highlight``'s own, with the sources it was checked against
(:data:`KNOWN_HIGHLIGHT`), and never for a block whose title is stashed HTML.

The tables' memo (:data:`TABLES`) is filled and read by the extension's table processors.
The plugin lets both go once the build process has converted its pages (:func:`forget`).
"""

from __future__ import annotations

import functools
import inspect
import types
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from markdown.preprocessors import Preprocessor

from ..digests import is_known_source

CODE_MEMO = "apiscribe_code_memo"

#: The sha256 of ``pymdownx/highlight.py`` (pymdown-extensions 13.1.2) that the code memo was
#: checked against: its ``Highlight.highlight`` makes the HTML of a block from its settings
#: and arguments alone, but for a title in HTML, which it stashes.
KNOWN_HIGHLIGHT = "dd32d197c1ce187dfa8907c8f87db3c52bb3a5fc7721551d9687ed6484b104a6"


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
        if not is_known_source(source.read(), {KNOWN_HIGHLIGHT}):
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


class MemoCode(Preprocessor):
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
