"""``build_site``: the one site path that ``apiscribe build`` and ``apiscribe convert --to
site`` share.

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

from ..diagnostics import ApiscribeError
from ..model import ApiModel
from ..writer import WriteReport, replace_tree
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
