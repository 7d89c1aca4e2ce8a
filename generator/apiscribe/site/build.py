"""``build_site``: the one site path that ``apiscribe build`` and ``apiscribe convert --to
site`` share; and what ``convert --to site`` writes around it (:func:`convert_site`).

MkDocs builds into a fresh folder beside the site; only a build that succeeds takes the old
site's place, file by file and only where the bytes changed (:func:`apiscribe.writer.
replace_tree`). A failed build leaves the old site as it was and nothing else behind.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

import yaml
from mkdocs.commands.build import build
from mkdocs.config.base import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.utils.yaml import yaml_load

from ..diagnostics import ApiscribeError, Diagnostic, has_errors
from ..documents.fetch import is_url
from ..model import ApiModel
from ..writer import WriteReport, merge, replace_tree, write_tree
from .mkdocs_yml import write_mkdocs_config
from .page_cache import CACHE_DIR
from .plugin import ApiscribePlugin
from .stamp import STAMP_FILE, Stamp


class _Collector(logging.Handler):
    """Keeps the warnings and errors MkDocs logs, for the failure message."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.warned = False

    def emit(self, record: logging.LogRecord) -> None:
        self.warned = self.warned or record.levelno == logging.WARNING
        self.messages.append(f"{record.levelname.lower()}: {record.getMessage()}")


def _docs_dir(mkdocs_yml: Path) -> Path:
    with mkdocs_yml.open("rb") as handle:
        raw = yaml_load(handle)
    docs_dir = raw.get("docs_dir", "docs") if isinstance(raw, dict) else "docs"
    return mkdocs_yml.parent / str(docs_dir)


def _plugins(config: MkDocsConfig, mkdocs_yml: Path) -> list[ApiscribePlugin]:
    """The apiscribe plugins of ``config``; a model can only be shown through one."""
    plugins = [p for p in config.plugins.values() if isinstance(p, ApiscribePlugin)]
    if not plugins:
        raise ApiscribeError(
            f"{mkdocs_yml} does not use the apiscribe plugin, so the site would have no API "
            "pages", hint="add '- apiscribe' under 'plugins:' in mkdocs.yml",
        )
    return plugins


def _build(config: MkDocsConfig, staging: Path, plugins: list[ApiscribePlugin],
           model: ApiModel | None, stamp: Stamp | None, cache_dir: Path | None) -> None:
    """One build into ``staging``. MkDocs keeps plugin instances from one build to the next
    in a process, so the model is handed over for this build only (the plugin lets go of it
    in ``on_shutdown``)."""
    config.site_dir = str(staging)
    for plugin in plugins:
        plugin.hand_over(model, cache_dir)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    if stamp is not None:
        (staging / STAMP_FILE).write_text(stamp.text(), encoding="utf-8")


def build_site(
    mkdocs_yml: Path,
    *,
    site_dir: Path | None = None,
    strict: bool = True,
    model: ApiModel | None = None,
    stamp: Stamp | None = None,
    cache_dir: Path | None = None,
) -> WriteReport:
    """Run ``mkdocs build`` on ``mkdocs_yml`` (strict: any warning fails the build), and
    return what changed in the site folder.

    With ``model``, the apiscribe plugin renders that model instead of reading its
    ``api_docs`` option. A missing docs_dir is created empty (every page may come from the
    plugin). Failures raise :class:`ApiscribeError`, with MkDocs' warnings and errors in the
    message. A finished build carries ``stamp`` (:mod:`.stamp`), so that the next run with
    the same inputs can leave it as it is. ``cache_dir`` is where the plugin keeps its page
    cache (:mod:`.page_cache`) instead of where mkdocs.yml says.
    """
    if not mkdocs_yml.is_file():
        raise ApiscribeError(f"no MkDocs configuration at {mkdocs_yml}")
    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        _docs_dir(mkdocs_yml).mkdir(parents=True, exist_ok=True)
        config = load_config(
            str(mkdocs_yml), site_dir=str(site_dir.resolve()) if site_dir else None, strict=strict
        )
        plugins = _plugins(config, mkdocs_yml) if model is not None else []
        target = Path(config.site_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        try:
            os.chmod(staging, 0o755)
            _build(config, staging, plugins, model, stamp, cache_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    except (MkDocsException, yaml.YAMLError, OSError) as exc:
        lines = [f"MkDocs could not build {mkdocs_yml}: {exc}", *collector.messages]
        hint = "strict mode fails on any warning" if strict and collector.warned else ""
        raise ApiscribeError("\n  ".join(lines), hint=hint) from exc
    finally:
        logger.removeHandler(collector)
    return replace_tree(staging, target)


def _project(model: ApiModel, source: str, project: Path, allow_remote_refs: bool
             ) -> dict[str, str]:
    """The MkDocs project of ``convert --to site``: a mkdocs.yml whose plugin renders the
    API from the input, so ``mkdocs serve`` in the project shows it as it changes."""
    given = source if is_url(source) else Path(
        os.path.relpath(Path(source).resolve(), project.resolve())).as_posix()
    text = write_mkdocs_config(title=model.title, api_docs=given, site_dir="../site",
                               allow_remote_refs=allow_remote_refs)
    return {"mkdocs.yml": text}


def convert_site(model: ApiModel, source: str, out_dir: Path, diagnostics: list[Diagnostic],
                 *, allow_remote_refs: bool, stamp: str) -> tuple[WriteReport, Path]:
    """``convert --to site``: the site in ``out_dir/site``, the project that renders it in
    ``out_dir/project``. The site is built beside the output first (strict when the input
    has no errors); only a finished build is written. It carries ``stamp`` (none when
    empty) with ``diagnostics``: a run that keeps the site says what the build said."""
    strict = not has_errors(diagnostics)
    done = Stamp(stamp, len(model.endpoints), tuple(diagnostics)) if stamp else None

    project = _project(model, source, out_dir / "project", allow_remote_refs)
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".apiscribe-project-", dir=out_dir))
    try:
        write_tree(staging, project)
        site = build_site(staging / "mkdocs.yml", site_dir=out_dir / "site", strict=strict,
                          model=model, stamp=done, cache_dir=out_dir / "project" / CACHE_DIR)
    except BaseException:
        if created:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    written = write_tree(out_dir / "project", project)
    (out_dir / "project" / "docs").mkdir(exist_ok=True)
    return merge(("project/", written), ("site/", site)), out_dir / "site"
