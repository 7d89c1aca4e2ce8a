"""The command line: ``apiscribe generate | build | convert | check``.

Exit codes: 0 success, 1 problems found or the job failed, 2 usage error (a missing input
file included). Problems are printed one per line as ``file:line: level code: message``, and
every run ends with the same summary. A broken environment is reported as ``Error: ...`` with
a hint, never a traceback (set ``APISCRIBE_DEBUG=1`` for one).
"""

from __future__ import annotations

import os
import shlex
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from . import __version__, pipeline
from .collector import process_ends
from .config import Config, find_project_root, load_config
from .diagnostics import ApiscribeError, Diagnostic, has_errors, report_text
from .documents.fetch import DEFAULT_TIMEOUT, is_url


def print_diagnostics(diagnostics: Sequence[Diagnostic], *, strict: bool = False) -> bool:
    """Print every diagnostic and the summary to stderr; return True when the run failed."""
    click.echo(report_text(diagnostics), nl=False, err=True)
    return has_errors(diagnostics) or (strict and bool(diagnostics))


def scenario_progress(enabled: bool) -> Callable[[str], None] | None:
    """Progress of the recording, one line per scenario on stderr (None when quiet)."""
    if not enabled:
        return None
    seen = 0

    def step(name: str) -> None:
        nonlocal seen
        seen += 1
        click.echo(f"  [{seen:>3}] recording {name}", err=True)

    return step


def _config(ctx: click.Context, *, allow_none: bool = False) -> Config:
    """The project's configuration; with ``allow_none``, the defaults in the current folder
    when there is no project (an app documented from the command line alone)."""
    obj: dict[str, Any] = ctx.ensure_object(dict)
    project = obj.get("project")
    if project:
        return load_config(Path(project))
    try:
        root = find_project_root(Path.cwd())
    except ApiscribeError as exc:
        if allow_none:
            return Config(root=Path.cwd())
        raise click.UsageError(f"{exc.message}\nHint: {exc.hint}") from None
    return load_config(root)


def _report(outcome: pipeline.Outcome, quiet: bool, what: str) -> None:
    if quiet:
        return
    report = outcome.report
    if outcome.kept and outcome.site is not None:
        click.echo(f"{what}: nothing changed since the site in {outcome.site} was built (its "
                   "build stamp matches), so it was left as it is", err=True)
        return
    click.echo(
        f"{what}: {len(outcome.model.endpoints)} endpoint(s); "
        f"{len(report.written)} file(s) written, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed",
        err=True,
    )
    if outcome.site is not None:
        pages = sum(1 for _ in outcome.site.rglob("*.html"))
        click.echo(f"{what}: the site is in {outcome.site} ({pages} HTML page(s)); its links "
                   "are folder URLs, so serve it rather than open its files: view it with: "
                   f"python3 -m http.server -d {shlex.quote(str(outcome.site))} --bind 127.0.0.1"
                   "\n(then open http://127.0.0.1:8000/)", err=True)


class Group(click.Group):
    """Turns :class:`ApiscribeError` into ``Error: ...`` and exit 1, and bugs into exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ApiscribeError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            if exc.hint:
                click.echo(f"Hint: {exc.hint}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("APISCRIBE_DEBUG"):
                traceback.print_exc()
            click.echo(f"Error: internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo("Hint: set APISCRIBE_DEBUG=1 for the traceback", err=True)
            ctx.exit(1)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="apiscribe")
@click.option(
    "--project",
    type=click.Path(file_okay=False, exists=True),
    help="Project folder holding pyproject.toml with [tool.apiscribe] (default: found "
    "from the current folder upwards).",
)
@click.pass_context
def main(ctx: click.Context, project: str | None) -> None:
    """API reference docs generated from the code and proven by real requests.

    apiscribe reads your API's routes and docstrings, runs example scenarios against the live
    app on 127.0.0.1, and writes JSON docs, OpenAPI 3.1, Markdown pages and a MkDocs site.
    Settings live in [tool.apiscribe] in pyproject.toml; flags override them.

    Exit codes: 0 success, 1 problems found or the job failed, 2 usage error.
    """
    ctx.ensure_object(dict)["project"] = project


#: The settings that say where the configured app is, reset when --app names another one.
APP_LOCATING: dict[str, Any] = {"pythonpath": (), "django_settings": "", "urlconf": "",
                                "wsgi": "", "scenarios": "", "setup": "", "recordings": ""}

#: ``convert`` and ``check``: the one opt-in to http(s) references.
ALLOW_REMOTE_REFS = click.option(
    "--allow-remote-refs", is_flag=True,
    help="Follow http(s) $refs of a spec (off by default: a spec could otherwise make "
    "apiscribe fetch from any host, internal ones included; references outside the input's "
    "folder are always refused).",
)

_OUT_HELP = "Output folder (default: 'output' in [tool.apiscribe], api-docs)."


@main.command()
@click.option("-o", "--out", "--output", "output", help=_OUT_HELP)
@click.option("--app", metavar="MODULE:OBJECT",
              help="The app to document, e.g. 'myapi.main:app' or 'myapi:create_app()': a "
              "FastAPI, Starlette or Flask app, or a Django project's WSGI/ASGI application. "
              "The framework is told from the object; no pyproject.toml is needed.")
@click.option("--pythonpath", multiple=True, metavar="DIR",
              help="A folder to import the app from (repeatable; default: the current one).")
@click.option("--django-settings", metavar="MODULE", help="Django settings module.")
@click.option("--urlconf", metavar="MODULE", help="Django URLconf, instead of ROOT_URLCONF.")
@click.option("--recordings", metavar="PATH",
              help="Examples recorded from the tests: the file 'pytest --apiscribe-record "
              "PATH' wrote.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.pass_context
def generate(ctx: click.Context, output: str | None, app: str | None,
             pythonpath: tuple[str, ...], django_settings: str | None, urlconf: str | None,
             recordings: str | None, quiet: bool) -> None:
    """Document the app into api-docs/.

    With --app (or app = "module:object" in [tool.apiscribe]), any FastAPI, Starlette, Flask
    or Django REST framework app is read through its framework's own metadata (FastAPI's
    openapi(), drf-spectacular or DRF's schema generator, Flask's url_map), its docstrings
    add the text, and the examples come from --recordings. Without it, the Django REST
    framework views that carry a doc_section are read, and their scenarios are recorded
    against the app under waitress on 127.0.0.1.

    Writes api-docs/endpoints/<section>/<name>.md (JSON docs) and api-docs/openapi.json.
    Files are replaced atomically and only when their bytes change; an endpoint with errors
    keeps its committed doc. Exits 1 on any error.
    """
    config = _config(ctx, allow_none=app is not None)
    if app and app != config.app:
        # Another app than the project's: none of the project's ways to find its app apply.
        config = config.with_overrides(**APP_LOCATING)
    config = config.with_overrides(
        output=output, app=app, django_settings=django_settings, urlconf=urlconf,
        recordings=str(Path(recordings).resolve()) if recordings else None,
        pythonpath=tuple(str(Path(p).resolve()) for p in pythonpath) or None)
    if app and not pythonpath:  # as uvicorn and flask --app do: import from here
        config = config.with_overrides(pythonpath=(*config.pythonpath, str(Path.cwd())))
    outcome = pipeline.generate(config, progress=scenario_progress(not quiet))
    _report(outcome, quiet, "generate")
    ctx.exit(1 if print_diagnostics(outcome.diagnostics) else 0)


@main.command()
@click.option(
    "--no-generate", is_flag=True, help="Build from the committed api-docs/ without recording."
)
@click.option("--site-dir", help="Where to build the site (default: site/).")
@click.option(
    "--strict/--no-strict", default=True, show_default=True,
    help="Fail the MkDocs build on warnings.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.pass_context
def build(
    ctx: click.Context, no_generate: bool, site_dir: str | None, strict: bool, quiet: bool
) -> None:
    """Generate, render the Markdown pages and build the MkDocs site.

    Runs 'generate' (unless --no-generate), then builds mkdocs.yml with MkDocs: the apiscribe
    MkDocs plugin renders one page per endpoint, an index per section and a home page from
    the same model, and the site goes to site/. The site is replaced only once it is built;
    files whose bytes did not change are left as they are.
    """
    config = _config(ctx).with_overrides(site_dir=site_dir)
    outcome = pipeline.build(config, regenerate=not no_generate, strict=strict,
                             progress=scenario_progress(not quiet))
    _report(outcome, quiet, "build")
    ctx.exit(1 if print_diagnostics(outcome.diagnostics) else 0)


def _existing_input(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not is_url(value) and not Path(value).exists():
        raise click.BadParameter(f"{value!r}: no such file or folder", ctx, param)
    return value


@main.command()
@click.argument("source", metavar="INPUT", callback=_existing_input)
@click.option(
    "--to", "target", required=True, type=click.Choice(pipeline.CONVERT_TARGETS),
    help="The view to write.",
)
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Output folder.")
@ALLOW_REMOTE_REFS
@click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True,
    metavar="SECONDS", help="How long a download (an http(s) INPUT or remote $ref) may take.",
)
@click.option(
    "--cache-dir", type=click.Path(file_okay=False),
    help="Where convert keeps what the next run can reuse (default: $XDG_CACHE_HOME/apiscribe): "
    "each page's Markdown of --to markdown, so that a run renders only the pages whose "
    "operation (or apiscribe) changed, and a spec file's memo, so that a run redacts and checks "
    "only the path items that changed. A site keeps its page cache in "
    "DIR/project/.cache/apiscribe.",
)
@click.option("--no-cache", is_flag=True,
              help="Neither read nor keep the Markdown pages or the spec's memo: render, redact "
              "and check everything (a site's page cache is set in its mkdocs.yml).")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
def convert(source: str, target: str, out_dir: str, allow_remote_refs: bool, timeout: float,
            cache_dir: str | None, no_cache: bool, quiet: bool) -> None:
    """Convert an existing spec or existing docs into one of apiscribe's views.

    INPUT is an OpenAPI 3.0/3.1 or Swagger 2.0 document (a JSON or YAML file, or an
    http(s) URL, fetched with a timeout and a size cap), or a folder (or file) of JSON docs
    in Sentry's format. A spec gets the same checks as 'apiscribe check'. A file or download
    over 64 MB is refused (APISCRIBE_MAX_INPUT_BYTES sets another limit, in bytes).

    \b
    --to jsondocs  one JSON doc per operation (untouched JSON docs come back byte for byte)
    --to openapi   openapi.json (OpenAPI 3.1)
    --to markdown  the Markdown pages: one per operation, an index per section, a home page
    --to site      a MkDocs site in DIR/site, and in DIR/project the mkdocs.yml that
                   renders it from INPUT (run 'mkdocs serve' there)

    Problems are reported with their file, line and JSON pointer; what can be read is still
    converted, and the exit code is 1. A run with errors never overwrites what is already in
    the output folder, and a site that does not build writes nothing. An output folder that
    is or holds INPUT, or a git repository's root or .git, is refused (exit 2).
    """
    _OWN_CODE_ONLY.append("convert")
    cache = None if no_cache else Path(cache_dir) if cache_dir else default_cache_dir()
    outcome = pipeline.convert(source, target, Path(out_dir),
                               allow_remote_refs=allow_remote_refs, timeout=timeout,
                               cache_dir=cache)
    _report(outcome, quiet, "convert")
    sys.exit(1 if print_diagnostics(outcome.diagnostics) else 0)


#: Set by a command that runs only apiscribe's own code (``convert``): its process may end
#: without the last collection (:func:`apiscribe.collector.process_ends`). ``generate`` and
#: ``build`` run the user's code, whose objects are finalized as Python finalizes them.
_OWN_CODE_ONLY: list[str] = []


def run() -> None:
    """The ``apiscribe`` command, and ``python -m apiscribe``: :func:`main`, in a process that
    ends with it."""
    try:
        main(prog_name="apiscribe")
    finally:
        if _OWN_CODE_ONLY:
            process_ends()


def default_cache_dir() -> Path:
    """Where spec verdicts and ``convert``'s Markdown are cached: outside the project, in the
    user's cache folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "apiscribe"


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text",
    show_default=True, help="How to print the diagnostics (github: Actions annotations).",
)
@click.option("--junit", type=click.Path(dir_okay=False), help="Also write a JUnit XML report.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--no-stale", is_flag=True,
    help="Skip the staleness check (which regenerates the docs in memory, recording live).",
)
@click.option(
    "--cache-dir", type=click.Path(file_okay=False),
    help="Cache spec verdicts by content hash here (default: $XDG_CACHE_HOME/apiscribe).",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the verdict cache.")
@ALLOW_REMOTE_REFS
@click.pass_context
def check(
    ctx: click.Context, paths: tuple[str, ...], fmt: str, junit: str | None, strict: bool,
    no_stale: bool, cache_dir: str | None, no_cache: bool, allow_remote_refs: bool,
) -> None:
    """Validate docs and specs, and catch examples that lie (the CI gate).

    With no PATH, checks the configured project: every JSON doc in api-docs/ and
    api-docs/openapi.json, and whether api-docs/ is stale (the docs are regenerated in
    memory, with a live recording, and compared with what is committed). A PATH may be a
    folder or file of JSON docs, or an OpenAPI 3.x / Swagger 2.0 document (JSON or YAML).
    A file over 64 MB is refused (APISCRIBE_MAX_INPUT_BYTES sets another limit, in bytes).

    \b
    Checks: the JSON-doc format (JSON Schema), OpenAPI validity (every error), and the
    truth of every example: request path and method against the route, error responses
    not marked as error examples, path parameters against the route, request body fields
    against the documented parameters and types, response bodies against their schemas,
    Content-Length, duplicate method+path, and missing examples or authentication.

    Prints one line per problem, `file:line: level code: message [pointer]`, then a
    summary. Exit codes: 0 no errors; 1 errors (or warnings with --strict); 2 usage error.
    check never changes the checked files.
    """
    from .checks import report, runner

    cache = None if no_cache else Path(cache_dir) if cache_dir else default_cache_dir()
    if paths:
        result = runner.check_paths([Path(p) for p in paths], cache_dir=cache,
                                    allow_remote=allow_remote_refs)
    else:
        result = runner.check_project(
            _config(ctx), regenerate=None if no_stale else pipeline.regenerated_tree,
            cache_dir=cache)
    diagnostics = sorted(set(result.diagnostics))
    click.echo(report.render(fmt, diagnostics, len(result.files)), nl=False)
    if junit:
        Path(junit).write_text(report.junit_report(diagnostics, result.files), encoding="utf-8")
    failed = has_errors(diagnostics) or (strict and bool(diagnostics))
    ctx.exit(1 if failed else 0)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text",
    show_default=True, help="How to print the diagnostics (github: Actions annotations).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.pass_context
def lint(ctx: click.Context, paths: tuple[str, ...], fmt: str, strict: bool) -> None:
    """Check endpoint docstrings in Python files, without importing or running them.

    Reads each PATH (a .py file, or a folder searched for them) with Python's ast module.
    An endpoint docstring is one of an HTTP method (get, post, put, patch, delete) of a class
    that sets doc_section, or any docstring in the field format (an underlined title, or
    :pparam, :qparam, :param, :auth: and :warning: fields).

    \b
    Reports, each with file:line and Class.method: a malformed field, an unknown type or
    field, a parameter or field given twice, a missing or mis-sized title underline, and a
    missing :auth: field.

    Exit codes: 0 no errors; 1 errors (or warnings with --strict); 2 usage error. For
    pre-commit, use the apiscribe-lint hook of this repository.
    """
    from .checks import report
    from .checks.lint import lint_paths

    result = lint_paths(Path(p) for p in paths)
    diagnostics = sorted(set(result.diagnostics))
    click.echo(report.render(fmt, diagnostics, result.files), nl=False)
    failed = has_errors(diagnostics) or (strict and bool(diagnostics))
    ctx.exit(1 if failed else 0)
