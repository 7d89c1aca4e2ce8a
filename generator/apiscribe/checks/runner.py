"""What ``apiscribe check`` runs: find the files, check each kind, check staleness.

Every problem is a :class:`Diagnostic`; one bad file never stops the others. Nothing here
writes to the checked files or the project (the spec-verdict cache, when enabled, lives in
its own folder).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ENDPOINTS_DIR, Config
from ..diagnostics import ApiscribeError, Diagnostic, error
from ..documents.load import DOCUMENT_SUFFIXES as SPEC_SUFFIXES
from ..formats import jsondoc, jsondoc_index
from ..model import Endpoint
from . import truth

JSONDOC_SUFFIXES = (".md",)
#: Files apiscribe itself writes next to JSON docs that are neither docs nor specs.
OWN_FILES = (jsondoc_index.FILENAME, jsondoc.SCHEMA_FILENAME)
_SPEC_MARK = re.compile(rb"""(^|[{,\s])["']?(openapi|swagger)["']?\s*:""", re.MULTILINE)


@dataclass
class CheckResult:
    """Diagnostics, and the files that were checked (for reports such as JUnit)."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def display_path(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it, else as given."""
    try:
        return os.path.relpath(path) if path.is_absolute() and Path.cwd() in path.parents \
            else str(path)
    except ValueError:
        return str(path)


def looks_like_spec(path: Path) -> bool:
    """A cheap sniff of a JSON/YAML file found in a folder: does it declare openapi/swagger?"""
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return True  # let the loader report the unreadable file
    return bool(_SPEC_MARK.search(head))


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[Path], list[Diagnostic]]:
    """Split the arguments into JSON docs and specs; folders are searched recursively."""
    docs: list[Path] = []
    specs: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if not found.is_file() or any(p.startswith(".") for p in found.parts[-1:]):
                    continue
                if found.suffix in JSONDOC_SUFFIXES:
                    docs.append(found)
                elif (found.suffix in SPEC_SUFFIXES and found.name not in OWN_FILES
                      and looks_like_spec(found)):
                    specs.append(found)
        elif path.is_file():
            if path.suffix in SPEC_SUFFIXES:
                specs.append(path)
            else:
                docs.append(path)
        else:
            problems.append(error(
                "not-found", "no such file or folder", file=display_path(path),
            ))
    return docs, specs, problems


def check_jsondocs(files: Iterable[Path], *, own: bool = False) -> CheckResult:
    """The JSON-doc format and the truth checks, for JSON docs; ``own`` says they are
    generated from this project's code (see :class:`~apiscribe.checks.truth.DocPlace`)."""
    result = CheckResult()
    loaded: list[tuple[Endpoint, truth.DocPlace]] = []
    found: set[Diagnostic] = set()
    for path in files:
        shown = display_path(path)
        result.files.append(shown)
        read = jsondoc.read_file(path, display=shown, missing_keys=True)
        found.update(read.diagnostics)
        if read.endpoint is not None:
            loaded.append((read.endpoint, truth.DocPlace(shown, read.lines, own)))
    found.update(truth.check_endpoints(loaded))
    result.diagnostics = sorted(found)
    return result


def check_specs(files: Iterable[Path], *, cache_dir: Path | None = None,
                allow_remote: bool = False) -> CheckResult:
    """The spec checks (:func:`apiscribe.checks.specs.check_document`) of each file."""
    from .specs import check_spec_file

    result = CheckResult()
    for path in files:
        shown = display_path(path)
        result.files.append(shown)
        result.diagnostics += check_spec_file(path, display=shown, cache_dir=cache_dir,
                                              allow_remote=allow_remote)
    return result


def check_paths(paths: Sequence[Path], *, cache_dir: Path | None = None,
                allow_remote: bool = False) -> CheckResult:
    docs, specs, problems = discover(paths)
    result = check_jsondocs(docs)
    spec_result = check_specs(specs, cache_dir=cache_dir, allow_remote=allow_remote)
    result.files += spec_result.files
    result.diagnostics = problems + result.diagnostics + spec_result.diagnostics
    return result


#: Regenerates the configured project's docs in memory: ``(diagnostics, {path: text})``
#: (the pipeline's regeneration; ``check`` is handed it, so checks do not run the pipeline).
Regenerate = Callable[[Config], tuple[list[Diagnostic], Mapping[str, str]]]


def staleness(config: Config, regenerate: Regenerate) -> list[Diagnostic]:
    """Regenerate in memory and compare with what is committed in the output folder."""
    out = config.output_dir
    shown = display_path(out)
    try:
        diagnostics, tree = regenerate(config)
    except ApiscribeError as exc:
        return [error("generator-failed", f"the generator failed: {exc.message}",
                      file=shown, hint=exc.hint)]
    except Exception as exc:  # a crash of the user's app or of apiscribe is a failure
        return [error("generator-failed",
                      f"the generator crashed: {type(exc).__name__}: {exc}", file=shown)]
    found = [d for d in diagnostics if d.level == "error"]
    owned = {p.relative_to(out).as_posix() for p in out.glob(f"{ENDPOINTS_DIR}/**/*.md")}
    hint = "run 'apiscribe generate' and commit the result"
    for rel in sorted(set(tree) | owned):
        target = out / rel
        where = display_path(target)
        if rel not in tree:
            found.append(error("extra-file", "not produced by the generator any more",
                               file=where, hint=hint))
        elif not target.is_file():
            found.append(error("missing-file", "the generator produces this file, but it is "
                               "not committed", file=where, hint=hint))
        elif target.read_bytes() != tree[rel].encode("utf-8"):
            found.append(error("stale-file", "differs from what the generator produces now",
                               file=where, line=_first_difference(target, tree[rel]),
                               hint=hint))
    return found


def _first_difference(path: Path, expected: str) -> int:
    actual = path.read_text(encoding="utf-8", errors="replace").split("\n")
    for number, (have, want) in enumerate(zip(actual, expected.split("\n"), strict=False), 1):
        if have != want:
            return number
    return min(len(actual), len(expected.split("\n"))) + 1


def check_project(config: Config, *, regenerate: Regenerate | None = None,
                  cache_dir: Path | None = None) -> CheckResult:
    """The configured project: its committed JSON docs and spec, and (with ``regenerate``)
    their staleness."""
    out = config.output_dir
    if not out.is_dir():
        raise ApiscribeError(f"no generated docs at {out}", hint="run 'apiscribe generate'")
    result = check_jsondocs(sorted(config.endpoints_dir.rglob("*.md")), own=True)
    spec = config.spec_path
    if spec.is_file():
        spec_result = check_specs([spec], cache_dir=cache_dir)
        result.files += spec_result.files
        result.diagnostics += spec_result.diagnostics
    if regenerate is not None:
        result.diagnostics += staleness(config, regenerate)
    return result
