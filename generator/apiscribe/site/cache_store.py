"""The page cache's files (see :mod:`.page_cache`): ``KEY.md``, ``KEY.page`` and ``KEY.html``
under the cache folder, written atomically; an entry that cannot be read is a miss, and an
entry that cannot be written is logged and left out.

An entry is compressed with zlib. Uncompressed, it is :data:`MAGIC`, a line of JSON (the
entry's small fields) and then the UTF-8 of its one large text (the page's Markdown, its
converted HTML, or the page as written), so reading it back decodes that text without
parsing it as a JSON string: on a large API a serve rebuild or a one-change build reads
thousands of entries."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import zlib
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from ..cache_files import headed, header_of
from .workers import Rendered

log = get_plugin_logger(__name__)

#: Entries kept beyond those of the last build: up to this many times its API pages.
KEEP = 3
#: A cache over that limit is pruned down to this many times the pages, so that the builds
#: that follow, which add an entry or two each in ``mkdocs serve``, need not read the time of
#: every entry again.
KEEP_AFTER_PRUNE = 2.5
#: The files of one page: its Markdown, its conversion and its output.
FILES_PER_PAGE = 3
#: What an entry starts with, uncompressed; an entry of another layout is a miss.
MAGIC = b"apiscribe page cache 2\n"
#: Entries handed to the writing thread and not yet written, at most: a build that stores
#: every page at its end waits for the thread rather than holding every entry's JSON.
PENDING = 16


def _toc_tree(items: Iterable[AnchorLink]) -> list[Any]:
    return [[link.title, link.id, link.level, bool(getattr(link, "active", False)),
             _toc_tree(link.children)] for link in items]


def _toc_links(tree: list[Any]) -> list[AnchorLink]:
    links = []
    for title, anchor, level, active, children in tree:
        link = AnchorLink(title, anchor, level)
        if active:
            link.active = True  # type: ignore[attr-defined]
        link.children = _toc_links(children)
        links.append(link)
    return links


def _record(record: logging.LogRecord) -> list[Any]:
    return [record.name, record.levelno, record.getMessage()]


#: A page's conversion as the cache holds it: what converting it set (as a worker sends it
#: back), and its search entries with their key (``{"key": ..., "entries": [...]}``).
Conversion = tuple[Rendered, dict[str, Any] | None]


def _conversion(data: Any, content: str) -> Conversion:
    """The conversion a ``.page`` entry's fields and text hold (KeyError, TypeError,
    ValueError or AttributeError: they hold none)."""
    records = [logging.makeLogRecord({"name": str(name), "levelno": int(level),
                                      "levelname": logging.getLevelName(level),
                                      "msg": str(message)})
               for name, level, message in data["records"]]
    anchors, links = data["anchors"], data["links"]
    if not (isinstance(data["src_uri"], str)
            and isinstance(data["title"], (str, type(None)))
            and isinstance(anchors, (list, type(None)))
            and (links is None or all(isinstance(v, dict) for v in links.values()))):
        raise TypeError("not a page entry")
    rendered = Rendered(
        data["src_uri"], content, TableOfContents(_toc_links(data["toc"])), data["title"],
        None if anchors is None else set(map(str, anchors)), links, records)
    search = data.get("search")
    return rendered, search if isinstance(search, dict) else None


class PageCache:
    """The cache folder of one build (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()
        # Compressing and writing happen beside the build once :meth:`write_behind` starts it
        # (not before: the page workers fork only where no other thread runs).
        self._writer: ThreadPoolExecutor | None = None
        self._pending: list[Future[None]] = []

    def write_behind(self) -> None:
        """From now on, compress and write entries in a thread of their own, until
        :meth:`flush`."""
        if self._writer is None:
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="apiscribe-cache")

    def flush(self) -> None:
        """Wait for the entries still being written, and stop the writing thread."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.shutdown(wait=True)
        self._pending = []

    def _path(self, key: str, suffix: str) -> Path:
        return self.folder / key[:2] / f"{key}{suffix}"

    def _read(self, key: str, suffix: str) -> tuple[Any, str] | None:
        """The entry's fields (its JSON line) and its text."""
        path = self._path(key, suffix)
        try:
            data = zlib.decompress(path.read_bytes())
            fields, start = header_of(data, MAGIC)
            text = data[start:].decode("utf-8", "surrogatepass")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, zlib.error) as exc:
            log.debug(f"the cached {path} cannot be read ({exc}); it is built again")
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept by prune
        return fields, text

    def touch(self, key: str, suffix: str) -> None:
        """The entry is used, as it was read (its copy in memory was): kept by :meth:`prune`."""
        self.used.add(key)
        with contextlib.suppress(OSError):
            os.utime(self._path(key, suffix))

    def _write(self, key: str, suffix: str, fields: Any, text: str) -> None:
        data = headed(MAGIC, fields, text.encode("utf-8", "surrogatepass"))
        if self._writer is None:
            self._store(self._path(key, suffix), data)
        else:
            if len(self._pending) >= PENDING:
                self._pending.pop(0).result()
            self._pending.append(self._writer.submit(self._store, self._path(key, suffix), data))

    def _store(self, path: Path, text: bytes) -> None:
        blob = zlib.compress(text, 1)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".", dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(blob)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as exc:  # a cache that cannot be written is no cache: build on
            log.info(f"cannot write the page cache at {path}: {exc}")

    def has(self, key: str) -> bool:
        return self._path(key, ".page").is_file()

    def read_page(self, key: str) -> Conversion | None:
        """A page's conversion (as a worker would send it) and its search entries with their
        key (``{"key": ..., "entries": [...]}``, or ``None``)."""
        entry = self._read(key, ".page")
        if entry is None:
            return None
        try:
            found = _conversion(*entry)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.debug(f"the cached page {key} cannot be read ({exc}); it is built again")
            return None
        self.used.add(key)
        return found

    def write_page(self, key: str, page: Page, records: list[logging.LogRecord],
                   search: tuple[str, list[dict[str, Any]]] | None, *, keep: bool = False
                   ) -> Conversion | None:
        """Store what converting ``page`` gave, and its search entries under their key; with
        ``keep``, give the conversion back as :meth:`read_page` would (``None``: not asked,
        or the page was not converted, and nothing is stored)."""
        if page.content is None:  # not converted: nothing to keep
            return None
        links = page.links_to_anchors
        anchors = page.present_anchor_ids
        self.used.add(key)
        fields = {
            "src_uri": page.file.src_uri,
            "toc": _toc_tree(page.toc),
            "title": page._title_from_render,
            "anchors": None if anchors is None else sorted(anchors),
            "links": None if links is None else {f.src_uri: d for f, d in links.items()},
            "records": [_record(r) for r in records],
            "search": None if search is None else {"key": search[0], "entries": search[1]},
        }
        self._write(key, ".page", fields, page.content)
        return _conversion(fields, page.content) if keep else None

    def read_output(self, key: str, output: str) -> str | None:
        """The page as written, when it was stored under the output key ``output``."""
        entry = self._read(key, ".html")
        if entry is not None and entry[0] == {"key": output}:
            return entry[1]
        return None

    def write_output(self, key: str, output: str, html: str) -> None:
        self._write(key, ".html", {"key": output}, html)

    def read_markdown(self, key: str) -> str | None:
        entry = self._read(key, ".md")
        if entry is None or entry[0] != {}:
            return None
        self.used.add(key)
        return entry[1]

    def write_markdown(self, key: str, text: str) -> None:
        self.used.add(key)
        self._write(key, ".md", {}, text)

    def prune(self, pages: int) -> None:
        """Once the cache holds more than :data:`KEEP` times the entries of ``pages`` pages,
        remove the least recently used down to :data:`KEEP_AFTER_PRUNE` times, never one this
        build used (once every entry is written). Entries are counted by their names; only a
        cache over the limit has their times read."""
        self.flush()
        try:
            names = [entry.path for folder in os.scandir(self.folder)
                     if len(folder.name) == 2 and folder.is_dir()
                     for entry in os.scandir(folder.path)
                     # not another build's file in writing
                     if "." in entry.name and not entry.name.startswith(".")]
        except OSError:
            return
        if len(names) <= FILES_PER_PAGE * KEEP * max(pages, 1):
            return
        extra = len(names) - int(FILES_PER_PAGE * KEEP_AFTER_PRUNE * max(pages, 1))
        found = []
        for name in names:
            with contextlib.suppress(OSError):  # gone meanwhile
                found.append((os.stat(name).st_mtime, name))
        for _, name in sorted(found):  # the least recently used first
            if extra <= 0:
                break
            if os.path.basename(name).split(".")[0] not in self.used:
                with contextlib.suppress(OSError):
                    os.unlink(name)
                extra -= 1


class MarkdownStore:
    """The Markdown of the API pages as :class:`~apiscribe.views.markdown.RenderMemo` keeps
    it, in the page cache as ``KEY.md`` (none without a ``cache``), where ``KEY`` adds
    ``salt`` (apiscribe's code and templates: an upgrade renders every page again) to the
    memo's key. ``previous`` is what the last build in this process kept (the plugin holds it
    from one build of ``mkdocs serve`` to the next), read before the disk; ``kept`` is what
    this build read or wrote."""

    def __init__(self, cache: PageCache | None, previous: dict[str, str], salt: str) -> None:
        self.cache, self.previous, self.salt = cache, previous, salt
        self.kept: dict[str, str] = {}

    def _key(self, key: str) -> str:
        return hashlib.sha256(f"{self.salt}\n{key}".encode("ascii")).hexdigest()

    def get(self, key: str, /) -> str | None:
        key = self._key(key)
        text = self.previous.get(key)
        if self.cache is not None:
            if text is None:
                text = self.cache.read_markdown(key)
            else:
                self.cache.used.add(key)
        if text is not None:
            self.kept[key] = text
        return text

    def __setitem__(self, key: str, text: str, /) -> None:
        key = self._key(key)
        self.kept[key] = text
        if self.cache is not None:
            self.cache.write_markdown(key, text)
