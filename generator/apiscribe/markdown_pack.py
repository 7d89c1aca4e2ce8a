"""The one file in which ``convert --to markdown`` keeps an output's pages for its next run
(:class:`MarkdownPack`). MkDocs' page cache keeps the plugin's pages apart
(:mod:`apiscribe.site.page_cache`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from .diagnostics import ApiscribeError, Diagnostic
from .digests import Digest, code_digest
from .model import ApiModel
from .redact import scan_kept
from .views import markdown
from .writer import headed, header_of, write_file_atomic

log = logging.getLogger(__name__)

#: The first line of a pack file: what it is, and the layout's version.
MAGIC = b"apiscribe markdown pack 2\n"


class MarkdownPack:
    """The Markdown pages of one ``convert --to markdown`` output, as
    :class:`~apiscribe.views.markdown.RenderMemo` keeps them (``{key: text}``), with whether
    the last scan for credentials (:func:`apiscribe.redact.scan_tree`) found each page clean.

    One file, not one per page, so a run reads and writes one file instead of a thousand:
    :data:`MAGIC`, then a line of JSON (``salt``: apiscribe's code and templates, so an
    upgrade renders every page again; and each page's key, length in bytes and scan verdict),
    then the pages' UTF-8, one after the other. The pages are not compressed and each is
    decoded only when asked for: on GitHub's description, unpacking and packing a zlib-compressed
    JSON of its 15 MB of pages took a third of a second of every run.

    Read once when made; :meth:`save` writes this run's pages (those it read and those it
    rendered, so the file never holds more than one run's pages), and only when they or their
    verdicts changed. A file that cannot be read is an empty pack; one that cannot be written
    is logged and left as it was.
    """

    def __init__(self, path: Path, salt: str) -> None:
        self.path, self.salt = path, salt
        self._data = b""
        #: key -> (start, end, scanned clean) of the pages in the file
        self._found: dict[str, tuple[int, int, bool]] = self._load()
        self.kept: dict[str, str] = {}
        #: this run's pages: where each is written (its path in the output) -> its key
        self.paths: dict[str, str] = {}
        self._clean: set[str] = set()  # keys of this run's pages known clean
        self._read: set[str] = set()  # keys of this run's pages read from the file
        #: the texts this run's page keys were made of (:meth:`render`)
        self.texts: markdown.Texts = {}

    @classmethod
    def of(cls, cache_dir: Path, out_dir: Path) -> MarkdownPack:
        """The pack in which ``convert --to markdown`` keeps the pages it writes to
        ``out_dir``, under ``cache_dir`` (one file per output folder, so no run evicts
        another's pages)."""
        name = Digest(str(out_dir.resolve())).hexdigest()[:16]
        return cls(cache_dir / "markdown" / f"{name}.pack", code_digest())

    def render(self, model: ApiModel, texts: markdown.Texts | None = None) -> dict[str, str]:
        """The Markdown pages of ``model``, each kept here under a key of everything it is
        made from (:class:`~apiscribe.views.markdown.RenderMemo`, which starts from the last
        run's ``texts`` of the parts, if given): a page kept by the last run is not rendered
        again. The pack learns where each of its pages goes, so that :meth:`scan` skips what
        the last scan found clean, and the texts of this render's keys (``texts``)."""
        memo = markdown.RenderMemo(self, texts)
        pages = markdown.render(model, memo)
        self.paths = dict(memo.keys)
        self.texts = memo.texts
        return pages

    def _load(self) -> dict[str, tuple[int, int, bool]]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            return self._unusable(exc)
        try:
            header, start = header_of(data, MAGIC)
        except ValueError as exc:
            return self._unusable(f"not a Markdown pack of this apiscribe: {exc}")
        if not isinstance(header, dict) or header.get("salt") != self.salt:
            return {}  # another apiscribe's pages
        pages = header.get("pages")
        if not isinstance(pages, list):
            return self._unusable("it lists no pages")
        found: dict[str, tuple[int, int, bool]] = {}
        for entry in pages:
            if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str)
                    and type(entry[1]) is int and entry[1] >= 0 and type(entry[2]) is bool):
                return self._unusable("a page's entry is not [key, length, clean]")
            found[entry[0]] = (start, start + entry[1], entry[2])
            start += entry[1]
        if start != len(data):
            return self._unusable("its pages are not the length its header says")
        self._data = data
        return found

    def _unusable(self, why: object) -> dict[str, tuple[int, int, bool]]:
        log.debug(f"the kept Markdown {self.path} cannot be read ({why}); it is rendered again")
        return {}

    def get(self, key: str, /) -> str | None:
        place = self._found.get(key)
        if place is None:
            return None
        start, end, clean = place
        try:
            text = self._data[start:end].decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return None
        self.kept[key] = text
        self._read.add(key)
        if clean:
            self._clean.add(key)
        return text

    def __setitem__(self, key: str, text: str, /) -> None:
        self.kept[key] = text
        self._read.discard(key)
        self._clean.discard(key)

    def scan(self, tree: Mapping[str, str], *, where: str = "") -> list[Diagnostic]:
        """:func:`apiscribe.redact.scan_tree` of ``tree``, but for this run's pages that the
        last run's scan found clean (see :func:`apiscribe.redact.scan_kept`); remembers the
        verdicts for the next run."""
        keys = {path: key for path, key in self.paths.items()
                if path in tree and tree[path] is self.kept.get(key)}
        return scan_kept(tree, keys, self._clean, where=where)

    def save(self) -> None:
        """Write this run's pages and verdicts, unless the file already holds exactly those."""
        if self._read == self._found.keys() == self.kept.keys() and all(
                self._found[key][2] == (key in self._clean) for key in self.kept):
            return  # every page read back as it was, and scanned as before
        keys = sorted(self.kept)
        texts = [self.kept[key].encode("utf-8", "surrogatepass") for key in keys]
        header = {"salt": self.salt,
                  "pages": [[key, len(text), key in self._clean] for key, text in zip(
                      keys, texts, strict=True)]}
        blob = headed(MAGIC, header, *texts)
        try:
            write_file_atomic(self.path, blob)
        except ApiscribeError as exc:  # a cache that cannot be written is no cache
            log.info(f"the Markdown is not kept: {exc.message}")
