"""The one file in which ``convert --to markdown`` keeps an output's pages for its next run
(:class:`MarkdownPack`). MkDocs' page cache keeps the plugin's pages apart
(:mod:`apiscribe.site.page_cache`)."""

from __future__ import annotations

import json
import logging
import zlib
from pathlib import Path

from .diagnostics import ApiscribeError
from .writer import write_file_atomic

log = logging.getLogger(__name__)


class MarkdownPack:
    """The Markdown pages of one ``convert --to markdown`` output, as
    :class:`~apiscribe.views.markdown.RenderMemo` keeps them, in one file: zlib-compressed
    JSON of ``salt`` (apiscribe's code and templates: an upgrade renders every page again)
    and ``{key: text}``. Read once when made; :meth:`save` writes this run's pages (those it
    read and those it rendered, so the file never holds more than one run's pages), and only
    when they changed. One file, not one per page: a run reads and writes one file instead of
    a thousand. A file that cannot be read is an empty pack; one that cannot be written is
    logged and left as it was."""

    def __init__(self, path: Path, salt: str) -> None:
        self.path, self.salt = path, salt
        self._found = self._load()
        self.kept: dict[str, str] = {}

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(zlib.decompress(self.path.read_bytes()))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, zlib.error) as exc:
            log.debug(f"the kept Markdown {self.path} cannot be read ({exc}); it is rendered "
                      "again")
            return {}
        pages = data.get("pages") if isinstance(data, dict) else None
        if not isinstance(pages, dict) or data.get("salt") != self.salt:
            return {}
        return {key: text for key, text in pages.items() if isinstance(text, str)}

    def get(self, key: str, /) -> str | None:
        text = self._found.get(key)
        if text is not None:
            self.kept[key] = text
        return text

    def __setitem__(self, key: str, text: str, /) -> None:
        self.kept[key] = text

    def save(self) -> None:
        """Write this run's pages, unless the file already holds exactly those."""
        if self.kept == self._found:
            return
        data = {"salt": self.salt, "pages": dict(sorted(self.kept.items()))}
        blob = zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), 1)
        try:
            write_file_atomic(self.path, blob)
        except ApiscribeError as exc:  # a cache that cannot be written is no cache
            log.info(f"the Markdown is not kept: {exc.message}")
