"""The JSON-doc source: a folder of Sentry-format JSON docs (and its ``sections.json``) into
the model.

Each file is read by :mod:`apiscribe.formats.jsondoc`, which keeps everything it says, so the
JSON-doc view writes it back byte for byte. A file with errors is skipped and the others
still load. Sections come in ``sections.json`` order first, then sorted by slug; endpoints in
the index's order, then by ``sidebar_order`` and name.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..diagnostics import Diagnostic, error, warning
from ..formats.jsondoc import JsonDocFile, read_file
from ..formats.jsondoc_index import FILENAME as INDEX_FILE
from ..formats.jsondoc_index import Index, read_index
from ..model import ApiModel, Endpoint, Section
from ..names import title_of

DEFAULT_TITLE = "API Reference"


def load_file(path: Path, *, section: str | None = None, display: str | None = None
              ) -> tuple[Endpoint | None, list[Diagnostic]]:
    """Read one JSON doc. The endpoint is ``None`` when the file has errors."""
    read: JsonDocFile = read_file(path, section=section, display=display)
    return read.endpoint, read.diagnostics


def _ordered(endpoints: dict[str, Endpoint]) -> list[Endpoint]:
    return sorted(endpoints.values(), key=lambda ep: (ep.sidebar_order, ep.name))


def assemble(endpoints: list[Endpoint], files: set[tuple[str, str]], index: Index | None
             ) -> tuple[ApiModel, list[Diagnostic]]:
    """Group endpoints into sections (see the module's docstring)."""
    problems: list[Diagnostic] = []
    grouped: dict[str, dict[str, Endpoint]] = {}
    for ep in endpoints:
        grouped.setdefault(ep.section, {})[ep.name] = ep
    sections: list[Section] = []
    for i, listed in enumerate(index.sections if index is not None else ()):
        assert index is not None
        found = grouped.pop(listed.slug, {})
        ordered = [found.pop(name) for name in dict.fromkeys(listed.endpoints) if name in found]
        for j, name in enumerate(listed.endpoints):
            if (listed.slug, name) not in files:
                pointer = f"/sections/{i}/endpoints/{j}"
                problems.append(warning(
                    "unknown-endpoint", f"lists {name!r} in section {listed.slug!r}, "
                    f"but there is no {listed.slug}/{name}.md", file=index.display,
                    line=index.lines.line_of(pointer), pointer=pointer))
        title = listed.title if listed.title is not None else title_of(listed.slug)
        sections.append(Section(listed.slug, title, tuple(ordered + _ordered(found)),
                                listed.description))
    for slug in sorted(grouped):
        sections.append(Section(slug, title_of(slug), tuple(_ordered(grouped[slug]))))
    api = index.api if index is not None else ApiModel(DEFAULT_TITLE)
    return ApiModel(api.title, tuple(sections), api.base_url, api.version,
                    api.description), problems


def _doc_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            yield path


def load_folder(path: Path) -> tuple[ApiModel, list[Diagnostic]]:
    """Read every ``*.md`` JSON doc under ``path`` (or the one file ``path``) into a model."""
    if path.is_file():
        endpoint, diagnostics = load_file(path)
        model, _ = assemble([endpoint] if endpoint else [], set(), None)
        return model, diagnostics
    if not path.is_dir():
        return ApiModel(DEFAULT_TITLE), [error("not-found", "no such file or folder",
                                               file=str(path))]
    diagnostics, endpoints = [], []
    seen: dict[tuple[str, str], Path] = {}
    for file in _doc_files(path):
        key = (file.parent.name, file.stem)
        if key in seen:
            diagnostics.append(error(
                "duplicate-endpoint", f"endpoint {key[0]}/{key[1]} is already read from "
                f"{seen[key]}", file=str(file), endpoint=key[1]))
            continue
        seen[key] = file
        endpoint, problems = load_file(file)
        diagnostics.extend(problems)
        if endpoint is not None:
            endpoints.append(endpoint)
    if not seen:
        diagnostics.append(warning("no-docs", "no JSON docs (*.md) found", file=str(path)))
    index = None
    if (path / INDEX_FILE).is_file():
        index, problems = read_index(path / INDEX_FILE, ApiModel(DEFAULT_TITLE))
        diagnostics.extend(problems)
    model, problems = assemble(endpoints, set(seen), index)
    return model, diagnostics + problems
