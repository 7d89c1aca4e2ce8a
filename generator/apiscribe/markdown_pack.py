"""The one file in which ``convert --to markdown`` keeps an output's pages for its next run
(:class:`MarkdownPack`), and the one beside it that keeps the Markdown templates as Jinja
compiled them (:class:`CompiledTemplates`). MkDocs' page cache keeps the plugin's pages apart
(:mod:`apiscribe.site.page_cache`)."""

from __future__ import annotations

import logging
import marshal
import sys
from collections.abc import Mapping
from pathlib import Path
from types import CodeType

from jinja2.bccache import Bucket, BytecodeCache

from .cache_files import headed, header_of, load_signed, write_signed
from .diagnostics import ApiscribeError, Diagnostic
from .digests import Digest, code_digest
from .model import ApiModel
from .redact import scan_kept
from .views import markdown
from .writer import write_parts_atomic

log = logging.getLogger(__name__)

#: The first line of a pack file: what it is, and the layout's version.
MAGIC = b"apiscribe markdown pack 2\n"
#: The first line of the compiled templates' file.
CODE_MAGIC = b"apiscribe compiled templates 2\n"


class CompiledTemplates(BytecodeCache):
    """The Markdown view's templates as Jinja compiled them, kept for the next run: compiling
    the templates of an endpoint page took 0.07 s of a run that renders one, loading them
    0.005 s (BENCHMARKS.md, "Issue 13, a tenth pass").

    One file for every pack of a cache folder: :data:`CODE_MAGIC`, a line of JSON with the
    salt (apiscribe's code and templates, so the filters Jinja may call while it compiles;
    and Python's version, which the code is compiled for), then ``marshal`` of each
    template's key, source checksum and code; Jinja compiles again a template whose source
    has another checksum. Loading code can run it, so the file is loaded only as
    :mod:`apiscribe.cache_files` allows (a file of the user's own, signed with the user's
    key), and written for its owner only. A file that cannot be read is no file; one that
    cannot be written is logged."""

    def __init__(self, path: Path, salt: str) -> None:
        self.path, self.salt = path, Digest(salt, sys.version).hexdigest()
        self._codes: dict[str, tuple[str, CodeType]] | None = None  # read when first asked
        self._changed = False

    def _kept(self) -> dict[str, tuple[str, CodeType]]:
        if self._codes is None:
            self._codes = {}
            try:
                body = load_signed(self.path, CODE_MAGIC, {"salt": self.salt})
                if body is not None:
                    codes = marshal.loads(body)
                    self._codes = {key: (kept[0], kept[1]) for key, kept in codes.items()
                                   if isinstance(kept[1], CodeType)}
            except Exception as exc:  # cut short, or not this layout: compiled again
                log.debug(f"the compiled templates {self.path} cannot be read ({exc})")
        return self._codes

    def load_bytecode(self, bucket: Bucket) -> None:
        kept = self._kept().get(bucket.key)
        if kept is not None and kept[0] == bucket.checksum:
            bucket.code = kept[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self._kept()[bucket.key] = (bucket.checksum, bucket.code)
            self._changed = True

    def save(self) -> None:
        """Write the templates compiled in this run, with those read, if any was compiled."""
        if not self._changed:
            return
        try:  # none where there is no key of the user's to sign it with
            write_signed(self.path, CODE_MAGIC, {"salt": self.salt}, marshal.dumps(self._kept()))
            self._changed = False
        except ApiscribeError as exc:
            log.info(f"the compiled templates are not kept: {exc.message}")


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
        #: the templates as compiled, in a file of the pack's folder (:class:`CompiledTemplates`)
        self.templates = CompiledTemplates(path.with_name("templates.code"), salt)
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
        the last scan found clean, and the texts of this render's keys (``texts``). The pages
        to render are shared with a fork where that is safe and worth it
        (:func:`.views.markdown.render`)."""
        memo = markdown.RenderMemo(self, texts)
        env = markdown.environment()
        env.bytecode_cache = self.templates  # only while it renders: the cache is this pack's
        try:
            pages = markdown.render(model, memo, fork=True)
        finally:
            env.bytecode_cache = None
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
        """Write this run's pages and verdicts, unless the file already holds exactly those;
        and the templates, if this run compiled any."""
        self.templates.save()
        if self._read == self._found.keys() == self.kept.keys() and all(
                self._found[key][2] == (key in self._clean) for key in self.kept):
            return  # every page read back as it was, and scanned as before
        keys = sorted(self.kept)
        data = memoryview(self._data)
        texts = [data[self._found[key][0]:self._found[key][1]] if key in self._read
                 else self.kept[key].encode("utf-8", "surrogatepass") for key in keys]
        header = {"salt": self.salt,
                  "pages": [[key, len(text), key in self._clean] for key, text in zip(
                      keys, texts, strict=True)]}
        try:  # the file has changed: written without reading it to compare
            write_parts_atomic(self.path, [headed(MAGIC, header), *texts])
        except ApiscribeError as exc:  # a cache that cannot be written is no cache
            log.info(f"the Markdown is not kept: {exc.message}")
