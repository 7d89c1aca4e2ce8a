"""The pipeline, stage by stage: load → record → render → write → build.

Every command of the command line is a short function here. Problems in the user's input come
back as diagnostics; only a broken environment raises :class:`ApiscribeError`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config
from .diagnostics import ApiscribeError, Diagnostic, has_errors, warning
from .model import ApiModel, Endpoint
from .views import jsondocs as jsondocs_view
from .views import markdown as markdown_view
from .views import openapi as openapi_view
from .writer import WriteReport, write_tree

Progress = Callable[[str], None]

ENDPOINTS_DIR = "endpoints"
OPENAPI_FILE = "openapi.json"
CONVERT_TARGETS = ("jsondocs", "openapi", "markdown", "site")


@dataclass
class Outcome:
    """What a command produced: the model, every diagnostic, and what was written."""

    model: ApiModel
    diagnostics: list[Diagnostic] = field(default_factory=list)
    report: WriteReport = field(default_factory=WriteReport)


# -- stages ------------------------------------------------------------------------------


def load_source(config: Config) -> tuple[ApiModel, list[Diagnostic]]:
    """Read the configured app's routes and docstrings into the model."""
    if config.framework == "drf":
        from .sources import drf

        return drf.load(config)
    raise ApiscribeError(
        f"unsupported framework {config.framework!r} in [tool.apiscribe]",
        hint="supported: 'drf' (Django REST framework)",
    )


def record_examples(
    config: Config, model: ApiModel, progress: Progress | None = None
) -> tuple[ApiModel, list[Diagnostic]]:
    """Run the scenarios against the live app and attach the recorded examples."""
    from .recording.recorder import record

    return record(config, model, progress=progress)


def render_api_docs(model: ApiModel) -> dict[str, str]:
    """The committed outputs: JSON docs under ``endpoints/``, ``openapi.json``, and the
    JSON Schema of the JSON-doc format (``jsondoc.schema.json``) for other tools to use."""
    from .checks.schema import SCHEMA_FILENAME, schema_text

    tree = {f"{ENDPOINTS_DIR}/{path}": text for path, text in jsondocs_view.render(model).items()}
    tree.update(openapi_view.render(model))
    tree[SCHEMA_FILENAME] = schema_text()
    return tree


def keep_committed(
    model: ApiModel, diagnostics: list[Diagnostic], output_dir: Path
) -> ApiModel:
    """Swap each endpoint that has errors for its committed JSON doc, if there is one.

    An endpoint whose docstring or scenario is broken must not overwrite its last good doc:
    the committed version stays in every view, and the run still fails.
    """
    from .sources import jsondocs as jsondocs_source

    broken = {d.endpoint for d in diagnostics if d.level == "error" and d.endpoint}
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
                old, _ = jsondocs_source.load_file(committed, section=section.slug)
                if old is not None:
                    endpoints.append(old)
        sections.append(dataclasses.replace(section, endpoints=tuple(endpoints)))
    return dataclasses.replace(model, sections=tuple(s for s in sections if s.endpoints))


# -- commands ----------------------------------------------------------------------------


def regenerate(
    config: Config, *, progress: Progress | None = None
) -> tuple[ApiModel, list[Diagnostic], dict[str, str]]:
    """Load, record and render the configured app in memory: the model, the diagnostics,
    and the ``api-docs/`` tree (what ``generate`` writes and ``check`` compares)."""
    model, diagnostics = load_source(config)
    model, recorded = record_examples(config, model, progress)
    diagnostics += recorded
    model = keep_committed(model, diagnostics, config.output_dir)
    return model, diagnostics, render_api_docs(model)


def generate(config: Config, *, progress: Progress | None = None) -> Outcome:
    """``apiscribe generate``: the configured app → ``api-docs/``."""
    model, diagnostics, tree = regenerate(config, progress=progress)
    report = write_tree(config.output_dir, tree, prune=[f"{ENDPOINTS_DIR}/**/*.md"])
    return Outcome(model, diagnostics, report)


def load_api_docs(config: Config) -> tuple[ApiModel, list[Diagnostic]]:
    """The model as committed in ``api-docs/`` (for ``build --no-generate``)."""
    from .sources import jsondocs as jsondocs_source

    folder = config.output_dir / ENDPOINTS_DIR
    if not folder.is_dir():
        raise ApiscribeError(
            f"no JSON docs in {folder}", hint="run 'apiscribe generate' first"
        )
    return jsondocs_source.load_folder(folder)


def build(
    config: Config,
    *,
    regenerate: bool = True,
    strict: bool = True,
    progress: Progress | None = None,
) -> Outcome:
    """``apiscribe build``: generate, then render the Markdown and build the MkDocs site."""
    from . import site

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
    site.build_site(config.mkdocs_path, site_dir=config.site_path, strict=strict)
    return outcome


SPEC_SUFFIXES = (".json", ".yaml", ".yml")


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def load_input(
    source: str, *, allow_remote_refs: bool = False
) -> tuple[ApiModel | None, list[Diagnostic]]:
    """Read a ``convert`` input: an OpenAPI/Swagger document (file or URL), or a folder or
    file of JSON docs."""
    from .sources import jsondocs as jsondocs_source

    if is_url(source):
        from .sources.openapi import load_spec

        return load_spec(source, allow_remote_refs=allow_remote_refs)
    path = Path(source)
    if not path.exists():
        raise ApiscribeError(f"{source}: no such file or folder")
    if path.is_file() and path.suffix.lower() in SPEC_SUFFIXES:
        from .sources.openapi import load_spec

        return load_spec(path, allow_remote_refs=allow_remote_refs)
    return jsondocs_source.load_folder(path)


def render_target(model: ApiModel, target: str) -> Mapping[str, str]:
    """The tree ``convert --to TARGET`` writes. ``site`` is a MkDocs project: the Markdown
    pages under ``docs/`` and a ``mkdocs.yml`` with the navigation; it is then built."""
    from . import site

    if target == "jsondocs":
        return jsondocs_view.render(model)
    if target == "openapi":
        return openapi_view.render(model)
    if target == "markdown":
        return markdown_view.render(model)
    if target == "site":
        project = {f"docs/{p}": t for p, t in markdown_view.render(model).items()}
        project["mkdocs.yml"] = site.write_static_mkdocs_config(model)
        return project
    raise ApiscribeError(f"unknown target {target!r}", hint=f"one of {', '.join(CONVERT_TARGETS)}")


def convert(
    source: str, target: str, out_dir: Path, *, allow_remote_refs: bool = False
) -> Outcome:
    """``apiscribe convert INPUT --to TARGET --out DIR``.

    A run with errors still renders what it could, but only into an empty or new output
    folder: nothing already in the output folder is overwritten by a failed run.
    """
    model, diagnostics = load_input(source, allow_remote_refs=allow_remote_refs)
    if model is None:
        return Outcome(ApiModel(title=""), diagnostics)
    tree = render_target(model, target)
    if has_errors(diagnostics) and out_dir.is_dir() and any(out_dir.iterdir()):
        diagnostics.append(warning(
            "output-kept", "the input has errors, so nothing in the output folder was changed",
            file=str(out_dir), hint="fix the errors, or convert into an empty folder",
        ))
        return Outcome(model, diagnostics)
    if target == "site":
        from . import site

        report = write_tree(out_dir / "project", tree)
        site.build_site(out_dir / "project" / "mkdocs.yml", site_dir=out_dir / "site",
                        strict=not has_errors(diagnostics))
    else:
        report = write_tree(out_dir, tree)
    return Outcome(model, diagnostics, report)
