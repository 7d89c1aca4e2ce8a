"""The pipeline, stage by stage: load → record → render → write → build.

Every command of the command line is a short function here. Problems in the user's input come
back as diagnostics; only a broken environment raises :class:`ApiscribeError`. The site is
always built from the model the command has in memory (:func:`apiscribe.site.build_site`), so
``build`` and ``convert --to site`` go through the same code.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Collection, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .collector import run_once
from .config import DEFAULT_TITLE, ENDPOINTS_DIR, OPENAPI_FILE, Config
from .diagnostics import ApiscribeError, Diagnostic, has_errors, warning
from .documents.fetch import DEFAULT_TIMEOUT, is_url
from .documents.specs import spec_version
from .forking import Beside, beside, waited
from .formats.jsondoc import SCHEMA_FILENAME, schema_text
from .model import ApiModel, Endpoint
from .redact import redact_model, scan_tree
from .sources import open_input, read_input
from .views import jsondocs as jsondocs_view
from .views import markdown as markdown_view
from .views import openapi as openapi_view
from .writer import (
    PreparedTree,
    WriteReport,
    check_output_folder,
    merge,
    prepare_tree,
    writable,
    write_tree,
)

if TYPE_CHECKING:
    from .markdown_pack import MarkdownPack
    from .sources.openapi import ParsedSpec

Progress = Callable[[str], None]
#: What :func:`load` gives the read model to, with the texts of the last run's page keys.
Meanwhile = Callable[[ApiModel, markdown_view.Texts], "markdown_view.Texts | None"]

__all__ = ["CONVERT_TARGETS", "ENDPOINTS_DIR", "OPENAPI_FILE", "Outcome", "build", "convert",
           "generate", "regenerate"]

CONVERT_TARGETS = ("jsondocs", "openapi", "markdown", "site")


@dataclass
class Outcome:
    """What a command produced: the model, every diagnostic, what was written, and, when a
    site was built, where it is."""

    model: ApiModel
    diagnostics: list[Diagnostic] = field(default_factory=list)
    report: WriteReport = field(default_factory=WriteReport)
    site: Path | None = None
    #: The site was left as it was: its build stamp showed nothing had changed.
    kept: bool = False


# -- stages ------------------------------------------------------------------------------


def load_source(config: Config) -> tuple[ApiModel, list[Diagnostic]]:
    """Read the configured app's routes and docstrings into the model: any app named by
    ``app`` (``module:object``) through its framework's metadata, else the Django REST
    framework views that carry a ``doc_section``."""
    if config.app:
        from .sources import apps

        return apps.load(
            config.app, root=config.root, python_paths=config.python_paths,
            django_settings=config.django_settings, urlconf=config.urlconf,
            title="" if config.title == DEFAULT_TITLE else config.title,
            base_url=config.base_url,
        )
    if config.framework == "drf":
        from .sources import drf

        return drf.load(config)
    raise ApiscribeError(
        f"unsupported framework {config.framework!r} in [tool.apiscribe]",
        hint="supported: 'drf' (Django REST framework); any other app is named with "
        "app = \"module:object\"",
    )


def record_examples(
    config: Config, model: ApiModel, progress: Progress | None = None
) -> tuple[ApiModel, list[Diagnostic]]:
    """Attach the examples: from the test run's recordings (``recordings``), and by running
    the scenarios against the live app. Every endpoint left without one is a warning."""
    from .recording.recorder import record

    diagnostics: list[Diagnostic] = []
    covered: frozenset[str] = frozenset()
    if config.recordings:
        from .recording.recordings import attach, read_recordings

        model, diagnostics = attach(model, read_recordings(config.root / config.recordings))
        covered = frozenset(ep.name for ep in model.endpoints if not ep.example.is_empty)
    if config.app:
        # Scenarios fill in what no test covers; what is still missing is said once.
        if any(ep.scenarios and ep.name not in covered for ep in model.endpoints):
            model, recorded = record(config, model, progress=progress, warn_missing=False,
                                     covered=covered)
            diagnostics += recorded
        return model, diagnostics + _no_examples(model, config)
    model, recorded = record(config, model, progress=progress, covered=covered)
    return model, diagnostics + recorded


def _no_examples(model: ApiModel, config: Config) -> list[Diagnostic]:
    hint = ("call it from a test, and record with: pytest --apiscribe-record "
            + (config.recordings or "recordings.json"))
    return [warning("no-example", f"{ep.method} {ep.api_path} has no recorded example",
                    file=ep.source.file if ep.source else config.app,
                    line=ep.source.line if ep.source else 0, endpoint=ep.name, hint=hint)
            for ep in model.endpoints if ep.example.is_empty]


def render_api_docs(model: ApiModel) -> dict[str, str]:
    """The committed outputs: JSON docs under ``endpoints/``, ``openapi.json``, and the
    JSON Schema of the JSON-doc format (``jsondoc.schema.json``) for other tools to use."""
    tree = {f"{ENDPOINTS_DIR}/{path}": text for path, text in jsondocs_view.render(model).items()}
    tree.update(openapi_view.render(model))
    tree[SCHEMA_FILENAME] = schema_text()
    return tree


def keep_committed(
    model: ApiModel, diagnostics: list[Diagnostic], output_dir: Path
) -> ApiModel:
    """Swap each endpoint that has errors for its committed JSON doc, if there is one.

    An endpoint whose docstring or scenario is broken must not overwrite its last good doc:
    the committed version stays in every view, and the run still fails. Operations that
    share an operationId are all broken.
    """
    from .sources.jsondocs import load_file

    broken = {d.endpoint for d in diagnostics if d.level == "error" and d.endpoint}
    # Two operations under one operationId: neither is trusted, so neither doc is replaced.
    shared = {ep.operation_id for ep in model.endpoints if ep.operation_id and ep.name in {
        d.endpoint for d in diagnostics if d.code == "duplicate-operation-id"}}
    broken |= {ep.name for ep in model.endpoints if ep.operation_id in shared}
    if not broken:
        return model
    sections = []
    for section in model.sections:
        endpoints: list[Endpoint] = []
        for endpoint in section.endpoints:
            if endpoint.name not in broken:
                endpoints.append(endpoint)
                continue
            committed = output_dir / ENDPOINTS_DIR / section.slug / f"{endpoint.name}.md"
            if committed.is_file():
                old, _ = load_file(committed, section=section.slug)
                if old is not None:
                    endpoints.append(old)
        sections.append(dataclasses.replace(section, endpoints=tuple(endpoints)))
    return dataclasses.replace(model, sections=tuple(s for s in sections if s.endpoints))


def spec_checks(spec: ParsedSpec | None, *, allow_remote_refs: bool = False,
                known_valid: Collection[str] = ()) -> list[Diagnostic]:
    """The spec checks ``check`` runs, on a parsed spec (none without one). ``known_valid``:
    path items an earlier check proved valid (:func:`apiscribe.checks.specs.check_document`)."""
    if spec is None or spec.document is None:
        return []
    from .checks.specs import check_document

    return check_document(spec.document, spec.file, spec.lines, base_uri=spec.base_uri,
                          allow_remote=allow_remote_refs, known_valid=known_valid)


def with_checks(diagnostics: list[Diagnostic], checked: list[Diagnostic]) -> list[Diagnostic]:
    """A read spec's diagnostics and its checks': one diagnostic per problem (an import
    problem at a place where the spec checks found an error is that error)."""
    places = {(d.file, d.pointer) for d in checked if d.level == "error"}
    kept = [d for d in diagnostics
            if not (d.level == "error" and (d.file, d.pointer) in places)]
    return sorted(set(kept + checked))


# -- commands ----------------------------------------------------------------------------


def regenerate(
    config: Config, *, progress: Progress | None = None
) -> tuple[ApiModel, list[Diagnostic], dict[str, str]]:
    """Load, record and render the configured app in memory: the model, the diagnostics,
    and the ``api-docs/`` tree (what ``generate`` writes and ``check`` compares)."""
    model, diagnostics = load_source(config)
    model, recorded = record_examples(config, model, progress)
    diagnostics += recorded
    model = redact_model(keep_committed(model, diagnostics, config.output_dir))
    return model, diagnostics, render_api_docs(model)


def regenerated_tree(config: Config) -> tuple[list[Diagnostic], dict[str, str]]:
    """What ``check`` compares with the committed docs: :func:`regenerate`'s diagnostics and
    tree."""
    _, diagnostics, tree = regenerate(config)
    return diagnostics, tree


def generate(config: Config, *, progress: Progress | None = None) -> Outcome:
    """``apiscribe generate``: the configured app → ``api-docs/``. JSON docs of endpoints
    that are gone are removed, but not by a run with errors: it may have lost an endpoint's
    name (two routes under one), and a failed run loses nothing."""
    check_output_folder(config.output_dir, inputs=[config.root])
    model, diagnostics, tree = regenerate(config, progress=progress)
    tree, refused = writable(tree, config.output_dir)
    diagnostics += refused
    leaks = scan_tree(tree, where=f"{config.output}/")
    if leaks:  # the last line of defence: publish nothing
        return Outcome(model, diagnostics + leaks)
    prune = [] if has_errors(diagnostics) else [f"{ENDPOINTS_DIR}/**/*.md"]
    report = write_tree(config.output_dir, tree, prune=prune)
    return Outcome(model, diagnostics, report)


def load_api_docs(config: Config) -> tuple[ApiModel, list[Diagnostic]]:
    """The model as committed in ``api-docs/`` (for ``build --no-generate``)."""
    from .sources.jsondocs import load_folder

    folder = config.endpoints_dir
    if not folder.is_dir():
        raise ApiscribeError(
            f"no JSON docs in {folder}", hint="run 'apiscribe generate' first"
        )
    model, diagnostics = load_folder(folder)
    return redact_model(model), diagnostics


def _prefix(folder: Path, base: Path) -> str:
    try:
        return folder.resolve().relative_to(base.resolve()).as_posix() + "/"
    except ValueError:
        return str(folder) + "/"


def build(
    config: Config,
    *,
    regenerate: bool = True,
    strict: bool = True,
    progress: Progress | None = None,
) -> Outcome:
    """``apiscribe build``: generate, then build the MkDocs site from the same model; a site
    whose build stamp (:mod:`apiscribe.site.stamp`: the JSON docs, mkdocs.yml, docs_dir,
    apiscribe itself) has not changed is left as it is."""
    from .site import Stamp, build_site, build_stamp, unchanged

    check_output_folder(config.site_path, inputs=[config.output_dir, config.mkdocs_path,
                                                  config.docs_path])
    if regenerate:
        outcome = generate(config, progress=progress)
    else:
        model, diagnostics = load_api_docs(config)
        outcome = Outcome(model, diagnostics)
    if not config.mkdocs_path.is_file():
        raise ApiscribeError(
            f"no MkDocs configuration at {config.mkdocs_path}",
            hint="set mkdocs_config in [tool.apiscribe]",
        )
    stamp = None
    if not has_errors(outcome.diagnostics):
        stamp = Stamp(build_stamp([config.output_dir, config.mkdocs_path, config.docs_path],
                                  [f"build strict={strict}"]), len(outcome.model.endpoints))
        if unchanged(config.site_path, stamp.stamp):
            outcome.site, outcome.kept = config.site_path, True
            return outcome
    site = build_site(config.mkdocs_path, site_dir=config.site_path, strict=strict,
                      model=outcome.model, stamp=stamp)
    outcome.report = merge((_prefix(config.output_dir, config.root), outcome.report),
                           (_prefix(config.site_path, config.root), site))
    outcome.site = config.site_path
    return outcome


def load(source: str, *, allow_remote_refs: bool = False, timeout: float = DEFAULT_TIMEOUT,
         cache_dir: Path | None = None,
         meanwhile: Meanwhile | None = None, pending: list[Beside[None]] | None = None,
         ) -> tuple[ApiModel | None, list[Diagnostic]]:
    """Read a ``convert`` input and run the spec checks on a spec: ``(model, diagnostics)``.
    The checks start in a fork once the spec is parsed, while the model is read and redacted,
    and then given to ``meanwhile`` (:mod:`apiscribe.forking`), with the texts of the last
    run's page keys; it gives back this run's. With ``cache_dir``, a spec file's memo and its
    read are kept there, so the next run reads, redacts and checks only the path items that
    changed (:mod:`apiscribe.load_memo`); with ``pending``, the read is written in a fork
    meanwhile, added there for the caller to wait for."""
    opened = open_input(source, timeout=timeout)
    parsed = opened.spec if opened.spec is not None and spec_version(
        opened.spec.document) is not None else None  # what is not a spec is not checked
    memo = None
    if cache_dir is not None and parsed is not None and not is_url(source):
        from .checks.cache import versions
        from .load_memo import SpecLoad

        memo = SpecLoad.open(cache_dir, Path(source), parsed.document, parsed.file,
                             versions().decode(), f"allow_remote_refs={allow_remote_refs}")
    known_valid = memo.known_valid() if memo is not None else frozenset()
    checking: AbstractContextManager[Beside[list[Diagnostic]]]
    if memo is not None and memo.checked_before():  # their verdict holds: no fork
        checking = contextlib.nullcontext(Beside(list, fork=False))
    else:
        checking = beside(spec_checks, parsed, allow_remote_refs=allow_remote_refs,
                          known_valid=known_valid)
    with checking as checks:
        last = memo.last_read() if memo is not None else None
        loaded = read_input(opened, allow_remote_refs=allow_remote_refs, timeout=timeout,
                            digests=memo.digests if memo is not None else None,
                            last=last.read if last is not None else None)
        read = loaded.model
        if memo is not None:
            memo.read(loaded.spec)
        model = None if read is None else (
            redact_model(read) if memo is None else memo.redact(read))
        # the last run's texts, kept as they were where this run makes no Markdown
        texts = last.texts if last is not None else {}
        if meanwhile is not None and model is not None:
            texts = meanwhile(model, texts) or texts
        if memo is not None and model is not None:  # not waiting for the checks
            keep = memo.read_to_keep(loaded.spec.kept if loaded.spec is not None else None, texts)
            if keep is not None and pending is not None:  # None: the file holds it, or nearly
                pending.append(Beside(keep))
            elif keep is not None:
                keep()
        # a spec the reader could not keep (nested too deeply to read) has only its problems
        diagnostics = loaded.diagnostics if loaded.spec is None or (
            loaded.spec.document is None) else with_checks(loaded.diagnostics, checks.result())
    if memo is not None and read is not None and model is not None:
        memo.keep(read, model, checks_found_nothing=not diagnostics)
    return model, diagnostics


def render_target(model: ApiModel, target: str, *, kept: MarkdownPack | None = None,
                  texts: markdown_view.Texts | None = None) -> Mapping[str, str]:
    """The tree ``convert --to TARGET`` writes (``site`` is built apart: :func:`convert`);
    Markdown pages that ``kept`` holds from an earlier run are not rendered again (their keys
    made with the ``texts`` of the last run's, :class:`~apiscribe.views.markdown.RenderMemo`);
    the pages to render are shared with a fork where that is safe and worth it."""
    if target == "jsondocs":
        return jsondocs_view.render(model)
    if target == "openapi":
        return openapi_view.render(model)
    if target == "markdown":
        if kept is None:
            return markdown_view.render(model, fork=True)
        return kept.render(model, texts)
    raise ApiscribeError(f"unknown target {target!r}", hint=f"one of {', '.join(CONVERT_TARGETS)}")


def convert(
    source: str, target: str, out_dir: Path, *, allow_remote_refs: bool = False,
    timeout: float = DEFAULT_TIMEOUT, cache_dir: Path | None = None,
) -> Outcome:
    """``apiscribe convert INPUT --to TARGET --out DIR``.

    A run with errors still renders what it could, but only into an empty or new output
    folder: nothing already in the output folder is overwritten by a failed run. A site is
    written only once it is built. With ``cache_dir``, ``--to markdown`` keeps the pages'
    Markdown there for the next run (:class:`~apiscribe.markdown_pack.MarkdownPack`).
    """
    given = [] if is_url(source) else [Path(source)]
    check_output_folder(out_dir, inputs=given, read_folders=[p for p in given if p.is_dir()])
    stamp = ""
    if target == "site" and given:
        from .site import build_stamp, unchanged

        stamp = build_stamp(given, [f"convert site allow_remote_refs={allow_remote_refs}"])
        kept = unchanged(out_dir / "site", stamp)
        if kept is not None:
            return Outcome(ApiModel(title="", sections=()), list(kept.diagnostics),
                           site=out_dir / "site", kept=True)
    pack = None
    if cache_dir and target == "markdown":
        from .markdown_pack import MarkdownPack

        pack = MarkdownPack.of(cache_dir, out_dir)
    # made while the spec checks run: the output, compared with the folder and scanned for
    # credentials, and the pages kept for the next run
    rendered: list[tuple[PreparedTree, list[Diagnostic]]] = []

    def render(model: ApiModel, texts: markdown_view.Texts) -> markdown_view.Texts | None:
        prepared = prepare_tree(out_dir, render_target(model, target, kept=pack, texts=texts))
        where = f"{out_dir}/"
        rendered.append((prepared, scan_tree(prepared.files, where=where) if pack is None
                         else pack.scan(prepared.files, where=where)))
        if pack is not None:  # the pages, and what the scan found of them
            pack.save()
        return pack.texts if pack is not None else None

    # a site build makes cycles for the collector to free; what is kept for the next run is
    # written in a fork meanwhile
    with run_once() if target != "site" else contextlib.nullcontext(), waited() as pending:
        model, diagnostics = load(source, allow_remote_refs=allow_remote_refs, timeout=timeout,
                                  cache_dir=cache_dir, pending=pending,
                                  meanwhile=render if target != "site" else None)
        return _converted(model, diagnostics, source, target, out_dir, rendered,
                          allow_remote_refs=allow_remote_refs, stamp=stamp)


def _converted(model: ApiModel | None, diagnostics: list[Diagnostic], source: str, target: str,
               out_dir: Path, rendered: list[tuple[PreparedTree, list[Diagnostic]]],
               *, allow_remote_refs: bool, stamp: str) -> Outcome:
    """:func:`convert` once the input is read: the output written, or why not."""
    if model is None:
        return Outcome(ApiModel(title=""), diagnostics)
    if has_errors(diagnostics) and not model.endpoints:
        return Outcome(model, diagnostics)  # nothing was read: a failed run writes nothing
    if target != "site":
        diagnostics += rendered[0][0].refused
    if has_errors(diagnostics) and out_dir.is_dir() and any(out_dir.iterdir()):
        diagnostics.append(warning(
            "output-kept", "the input has errors, so nothing in the output folder was changed",
            file=str(out_dir), hint="fix the errors, or convert into an empty folder",
        ))
        return Outcome(model, diagnostics)
    if target == "site":
        from .site import convert_site

        report, site = convert_site(model, source, out_dir, diagnostics,
                                     allow_remote_refs=allow_remote_refs, stamp=stamp)
        return Outcome(model, diagnostics, report, site)
    prepared, leaks = rendered[0]
    if leaks:  # the last line of defence: publish nothing
        return Outcome(model, diagnostics + leaks)
    return Outcome(model, diagnostics, prepared.write())
