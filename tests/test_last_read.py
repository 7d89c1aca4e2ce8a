"""A read that starts from the last read of the same document (``LastRead``, what the MkDocs
plugin keeps from one rebuild of ``mkdocs serve`` to the next) gives the model and the
diagnostics a full read gives, after any edit, and reads again only what changed."""

from __future__ import annotations

import copy
import gc
import json
import logging
import random
import re
import types
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from apiscribe.documents.lines import LineIndex
from apiscribe.documents.refs import Doc
from apiscribe.documents.specs import spec_digests
from apiscribe.load_memo import reusable
from apiscribe.model.routes import METHODS
from apiscribe.site import write_mkdocs_config
from apiscribe.site.api_docs import ApiDocs
from apiscribe.sources.openapi import SpecInput, parse_spec, read_parsed
from apiscribe.views import markdown
from apiscribe.views import openapi as openapi_view

from .conftest import CORPUS
from .test_converted_pages import needs_corpus
from .test_page_cache import edit, spec, write

SPECS = sorted((CORPUS / "openapi").glob("*.json")) if CORPUS.is_dir() else []

#: The edits a team makes between two rebuilds, each applied to one seeded random operation.
EDITS = ("description", "duplicate-operation-id", "new-tag", "new-item", "removed-item",
         "moved-item", "component", "more-lines", "nothing")


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for kind in ("paths", "webhooks"):
        for key, item in (document.get(kind) or {}).items():
            for method in METHODS:
                if isinstance(item, dict) and isinstance(item.get(method), dict):
                    found.append((kind, key, item[method]))
    return found


def edited(document: dict[str, Any], kind: str, seed: int) -> dict[str, Any]:
    """``document`` after one edit of ``kind``."""
    changed = copy.deepcopy(document)
    chosen = random.Random(seed).choice(_operations(changed))
    where, key, operation = chosen
    if kind == "description":
        operation["description"] = f"Edited ({seed}). {operation.get('description', '')}"
    elif kind == "duplicate-operation-id":  # a problem that spans two path items
        others = [op for _, _, op in _operations(changed)
                  if op is not operation and op.get("operationId")]
        if others:
            operation["operationId"] = random.Random(seed).choice(others)["operationId"]
    elif kind == "new-tag":  # a new section, and a new order of the sections
        operation["tags"] = [f"Edited {seed}"]
    elif kind == "new-item":
        item = copy.deepcopy(changed[where][key])
        for method in METHODS:
            if isinstance(item.get(method), dict) and "operationId" in item[method]:
                item[method]["operationId"] += f"Copy{seed}"
        changed[where][f"{key}/copy{seed}"] = item
    elif kind == "removed-item":
        del changed[where][key]
    elif kind == "moved-item":  # the same items in another order: new places in the sections
        changed[where] = {key: changed[where][key],
                          **{k: v for k, v in changed[where].items() if k != key}}
    elif kind == "component":  # the rest of the document: nothing of the last read is used
        changed.setdefault("info", {})["description"] = f"Edited ({seed})."
    elif kind == "more-lines":  # every later item moves down
        first = _operations(changed)[0][2]
        first["description"] = "\n".join(f"Line {n}." for n in range(12))
    return changed


def read(path: Path, document: dict[str, Any], last: Any = None) -> SpecInput:
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    parsed = parse_spec(path)
    digests = spec_digests(parsed.document, salt=parsed.file)
    return read_parsed(parsed, digests=digests, last=last)


def assert_same(reused: SpecInput, full: SpecInput) -> None:
    assert reused.model == full.model
    assert reused.diagnostics == full.diagnostics
    assert reusable(reused) == reusable(full)


@pytest.mark.parametrize("kind", EDITS)
@needs_corpus
@pytest.mark.parametrize("path", SPECS, ids=lambda path: path.name)
def test_a_read_from_the_last_read_is_a_full_read(tmp_path: Path, path: Path, kind: str) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))  # the shared CORPUS
    first = read(tmp_path / "spec.json", document)
    if not reusable(first):
        pytest.skip(f"{path.name} is not read without problems: no read of it is kept")
    assert first.kept is not None and first.kept.reused == 0
    changed = edited(document, kind, seed=len(kind))
    again = read(tmp_path / "spec.json", changed, last=first.kept)
    assert_same(again, read(tmp_path / "spec.json", changed))
    assert again.kept is not None
    operations = len(_operations(changed))
    if kind == "component":
        assert again.kept.reused == 0
    elif kind == "nothing":
        assert again.kept.reused == operations
    elif kind != "new-item":  # an item copied under a new path is read anew
        item = max((sum(method in item for method in METHODS)  # the most in one path item
                    for where in ("paths", "webhooks") for item in changed.get(where, {}).values()
                    if isinstance(item, dict)), default=0)
        assert again.kept.reused >= operations - item - 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 10_000)), min_size=1,
                max_size=4))
def test_reads_that_each_start_from_the_last_are_full_reads(
    tmp_path: Path, edits: list[tuple[str, int]]
) -> None:
    # As serve rebuilds after edit after edit: each read starts from the one before it.
    document = spec()
    last = read(tmp_path / "spec.json", document).kept
    for kind, seed in edits:
        document = edited(document, kind, seed)
        again = read(tmp_path / "spec.json", document, last=last)
        assert_same(again, read(tmp_path / "spec.json", document))
        last = again.kept if reusable(again) else None


def _reaches(start: object, kind: type) -> bool:
    """Whether an instance of ``kind`` is reachable from ``start`` through the objects' own
    references (not through classes, modules or functions, which reach everything)."""
    seen: set[int] = set()
    stack = [start]
    while stack:
        found = stack.pop()
        if isinstance(found, kind):
            return True
        if id(found) in seen or isinstance(found, (type, types.ModuleType, types.FunctionType)):
            continue
        seen.add(id(found))
        stack.extend(gc.get_referents(found))
    return False


def test_the_last_read_keeps_no_parsed_document(tmp_path: Path) -> None:
    # The plugin holds a LastRead between rebuilds: a parsed spec (many times its text) and
    # its line index would stay alive with it, and the next read would hold two.
    document = spec()
    schemas = document["components"]["schemas"]
    schemas["Named"] = {"allOf": [{"$ref": "#/components/schemas/Owner"}]}  # an edge
    first = read(tmp_path / "spec.json", document)
    assert reusable(first) and first.kept is not None
    assert first.kept.registered.edges  # the edge is kept, naming no document
    again = read(tmp_path / "spec.json", edited(document, "description", 1), last=first.kept)
    assert again.kept is not None and again.kept.reused
    for kept in (first.kept, again.kept):
        assert not _reaches(kept, Doc)
        assert not _reaches(kept, LineIndex)


def test_the_plugin_keeps_only_a_read_a_full_read_would_match(tmp_path: Path) -> None:
    # Kept: a document read without problems, whose named schemas are its own.
    api_docs = ApiDocs()
    source = write(tmp_path / "spec.json", spec())
    first, _ = api_docs.read("spec.json", tmp_path)
    assert api_docs.reused == 0
    changed = edit(spec(), "description", 1)
    write(source, changed)
    model, watched = api_docs.read("spec.json", tmp_path)
    assert watched == source
    assert model == ApiDocs().read("spec.json", tmp_path)[0] != first
    assert api_docs.reused == len(model.endpoints) - 2  # the edited item has two operations

    # A warning: the read is not kept, so the next starts afresh.
    warned = edit(spec(), "description", 2)
    warned["openapi"] = "3.1.0"
    del next(iter(warned["paths"].values()))["get"]["responses"]
    write(source, warned)
    api_docs.read("spec.json", tmp_path)
    assert api_docs.reused == 0
    api_docs.read("spec.json", tmp_path)
    assert api_docs.reused == 0

    # A schema from another file: not kept either.
    (tmp_path / "owner.json").write_text(json.dumps({"type": "object"}), encoding="utf-8")
    other = spec()
    other["components"]["schemas"]["Item"]["properties"]["owner"] = {"$ref": "owner.json"}
    write(source, other)
    for _ in range(2):
        model, _ = api_docs.read("spec.json", tmp_path)
        assert api_docs.reused == 0
    assert model == ApiDocs().read("spec.json", tmp_path)[0]

    # A read not to be kept (a plain build): the next starts afresh.
    write(source, spec())
    api_docs.read("spec.json", tmp_path, keep=False)
    api_docs.read("spec.json", tmp_path)
    assert api_docs.reused == 0

    # Another option: another read.
    write(source, spec())
    api_docs.read("spec.json", tmp_path)
    api_docs.read("spec.json", tmp_path, allow_remote_refs=True)
    assert api_docs.reused == 0
    api_docs.read("spec.json", tmp_path, allow_remote_refs=True)
    assert api_docs.reused == len(model.endpoints)


def test_a_plain_build_keeps_nothing_for_a_next_build(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # `mkdocs build` ends the process: the read and the parts' texts are not held through its
    # pages. In `mkdocs serve` (MkDocs keeps the plugin across loads of the config), they are.
    caplog.set_level(logging.INFO, logger="mkdocs.plugins.apiscribe")
    source = write(tmp_path / "spec.json", spec())
    config_file = tmp_path / "mkdocs.yml"
    (tmp_path / "docs").mkdir()
    config_file.write_text(write_mkdocs_config(title="Built", api_docs="spec.json",
                                               site_dir="site"), encoding="utf-8")
    reused, texts = [], []
    for number, command in enumerate(("build", "serve", "serve", "build", "serve")):
        write(source, edit(spec(), "description", number))
        config = load_config(str(config_file))
        config.plugins.on_startup(command=command, dirty=False)
        caplog.clear()
        try:
            mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
        finally:
            config.plugins.on_shutdown()
        reused.append(re.findall(r"(\d+) operations are the last build's", caplog.text))
        texts.append(len(config.plugins["apiscribe"]._texts))
    # Each build's edit is of another path item (two operations), the last one's undone.
    operations = len(_operations(spec()))
    assert reused == [[], [], [str(operations - 4)], [str(operations - 4)], []]
    assert texts[0] == texts[3] == 0 and texts[1] == texts[2] == texts[4] > operations


@pytest.mark.parametrize("kind", ["description", "component", "moved-item", "nothing"])
def test_page_keys_made_with_the_last_texts_are_the_keys_made_afresh(
    tmp_path: Path, kind: str
) -> None:
    # The plugin hands each build's texts (the reprs in the Markdown keys, by identity) to
    # the next build, whose read shares the objects that did not change.
    first = read(tmp_path / "spec.json", spec())
    assert first.model is not None
    memo = markdown.RenderMemo()
    markdown.render(first.model, memo)
    again = read(tmp_path / "spec.json", edited(spec(), kind, 3), last=first.kept)
    assert again.model is not None
    shared = markdown.RenderMemo(texts=memo.texts)
    fresh = markdown.RenderMemo()
    assert markdown.render(again.model, shared) == markdown.render(again.model, fresh)
    assert dict(shared.keys) == dict(fresh.keys)
    # only this model's parts are kept for the next build
    endpoints = {markdown.identity(markdown.page_parts(ep)) for ep in again.model.endpoints}
    schemas = {markdown.identity((schema,)) for schema in again.model.schemas.values()}
    assert set(shared.texts) == endpoints | schemas


@pytest.mark.parametrize("kind", ["description", "component", "moved-item", "new-tag"])
def test_openapi_json_made_from_the_last_document_is_made_afresh(
    tmp_path: Path, kind: str
) -> None:
    # The plugin keeps openapi.json's parts (OpenApiMemo) from one rebuild to the next.
    memo = openapi_view.OpenApiMemo()
    first = read(tmp_path / "spec.json", spec())
    assert first.model is not None
    assert openapi_view.render(first.model, memo=memo) == openapi_view.render(first.model)
    again = read(tmp_path / "spec.json", edited(spec(), kind, 4), last=first.kept)
    assert again.model is not None
    assert openapi_view.render(again.model, memo=memo) == openapi_view.render(again.model)
    parts = len(again.model.endpoints) + len(again.model.schemas)
    if kind == "component":  # a new read: nothing is the same object
        assert memo.texts.reused == 0
    elif kind == "description":  # all but the edited item's two operations
        assert memo.texts.reused == parts - 2
    else:
        assert 0 < memo.texts.reused <= parts
