"""The plugin's ``api_docs`` option read into the model, on a plain ``mkdocs build`` and on
each rebuild of ``mkdocs serve``.

A rebuild after an edit of a large spec would read the whole document again. The
:class:`ApiDocs` of a plugin keeps the last read of a spec file (a
:class:`~apiscribe.sources.openapi.LastRead`) from one build to the next, so the next read
converts only the path items that changed, and nothing else where the rest of the document
is the same. It keeps one only where that gives what a full read gives: a local spec file,
read without problems from that one document, whose named schemas are its own
(:func:`apiscribe.load_memo.reusable`), with the same options.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from ..diagnostics import ApiscribeError, Diagnostic, has_errors
from ..documents.fetch import is_url
from ..documents.specs import SpecDigests, spec_digests
from ..model import ApiModel
from ..sources.openapi import LastRead

log = get_plugin_logger(__name__)


def problems(source: str | Path, diagnostics: Sequence[Diagnostic]) -> str:
    """The message that stops a build whose input has errors."""
    errors = [d for d in diagnostics if d.level == "error"]
    lines = [f"apiscribe: {len(errors)} error(s) in {source}:"]
    lines += [d.format() for d in sorted(diagnostics)]
    return "\n".join(lines)


class ApiDocs:
    """Reads the ``api_docs`` option, and keeps the last read of a spec for the next (see the
    module's docstring)."""

    def __init__(self) -> None:
        self._last: tuple[str, LastRead] | None = None  # (what was read, how), the read
        #: How many operations the last read took from the one before.
        self.reused = 0

    def read(self, api_docs: str, base: Path, *, allow_remote_refs: bool = False,
             cache: Path | None = None, keep: bool = True) -> tuple[ApiModel, Path | None]:
        """The model from ``api_docs`` (relative to ``base``), and the local path to watch;
        errors in the input stop the build (PluginError), warnings are logged. With ``cache``
        (a folder), a spec file's memo is kept there, so that the next build redacts only
        what changed (:mod:`apiscribe.load_memo`). With ``keep`` false (no build follows in
        this process), the read is not kept for the next."""
        from ..load_memo import SpecLoad, reusable
        from ..redact import redact_model
        from ..sources import open_input, read_input

        source: str | Path = api_docs if is_url(api_docs) else (base / api_docs).resolve()
        if isinstance(source, Path) and not source.exists():
            raise PluginError(f"apiscribe: no JSON docs folder or API description at {source} "
                              "(the api_docs option)")
        watched = source if isinstance(source, Path) else None
        option = f"allow_remote_refs={allow_remote_refs}"
        identity = f"{source}\n{option}"
        last = self._last[1] if self._last is not None and self._last[0] == identity else None
        self._last, self.reused = None, 0
        memo: SpecLoad | None = None
        try:
            opened = open_input(str(source))
            parsed = opened.spec
            digests: SpecDigests | None = None
            if parsed is not None and watched is not None:
                if cache is not None:
                    memo = SpecLoad.open(cache, watched, parsed.document, parsed.file, option)
                    digests = memo.digests
                elif (keep or last is not None) and isinstance(parsed.document, dict):
                    digests = spec_digests(parsed.document, salt=parsed.file)  # for LastRead
            loaded = read_input(opened, allow_remote_refs=allow_remote_refs, digests=digests,
                                last=last)
        except ApiscribeError as exc:
            hint = f" ({exc.hint})" if exc.hint else ""
            raise PluginError(f"apiscribe: {exc.message}{hint}") from exc
        if loaded.model is None or has_errors(loaded.diagnostics):
            raise PluginError(problems(source, loaded.diagnostics))
        for diagnostic in loaded.diagnostics:
            log.warning(diagnostic.format())
        spec = loaded.spec
        if keep and spec is not None and spec.kept is not None and reusable(spec):
            self._last = (identity, spec.kept)
        self.reused = spec.kept.reused if spec is not None and spec.kept is not None else 0
        if memo is None or spec is None:
            return redact_model(loaded.model), watched
        memo.read(spec)
        model = memo.redact(loaded.model)
        memo.keep(loaded.model, model, checks_found_nothing=False)  # the build checks nothing
        return model, watched
