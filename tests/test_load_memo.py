"""The load memo (``apiscribe.load_memo``): after an edit, ``convert`` redacts and checks only
the path items that changed, and gives the model and the diagnostics a run without the memo
gives."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apiscribe import forking, pipeline, redact
from apiscribe.checks import specs as spec_checks
from apiscribe.documents.specs import spec_digests

from .test_page_cache import edit, spec, write

#: A credential in a shared example, and one in an operation's example.
TOKEN = "gh" + "p_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def with_secrets(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with a credential in a component example and in one operation."""
    changed = copy.deepcopy(document)
    changed["components"]["examples"] = {
        "login": {"value": {"token": TOKEN}}, "plain": {"value": {"name": "x"}}}
    first = next(iter(changed["paths"].values()))["get"]
    first["description"] = f"Call it with `Authorization: token {TOKEN}`."
    return changed


def load(source: Path, cache: Path | None) -> tuple[Any, list[Any]]:
    return pipeline.load(str(source), cache_dir=cache)


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How many path items each spec check reads, in order: those proved valid on their own
    ("items N") and the documents checked whole ("whole N"); the checks run in the caller."""
    counts: list[str] = []
    whole, alone = spec_checks._checked, spec_checks._items_proven

    def counting(document: Any, *args: Any) -> Any:
        counts.append(f"whole {len(document['paths'])}")
        return whole(document, *args)

    def proving(document: Any, *args: Any) -> Any:
        counts.append(f"items {len(document['paths'])}")
        return alone(document, *args)

    monkeypatch.setattr(spec_checks, "_checked", counting)
    monkeypatch.setattr(spec_checks, "_items_proven", proving)
    monkeypatch.setattr(forking, "why_not_fork", lambda: "counted here")
    return counts


@pytest.fixture
def walked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the endpoints redaction reads, in order."""
    names: list[str] = []
    original: Callable[..., Any] = redact.redact_value

    def counting(value: Any, kept: Any = redact.nothing_kept) -> Any:
        if type(value).__name__ == "Endpoint" and not kept(value):
            names.append(value.name)
        return original(value, kept)

    monkeypatch.setattr(redact, "redact_value", counting)
    return names


@pytest.mark.parametrize(("kind", "seed"), [
    ("description", 1), ("parameter", 5), ("summary", 3), ("schema", 2), ("operation", 4),
])
def test_a_load_after_an_edit_gives_what_a_load_without_the_memo_gives(
    tmp_path: Path, walked: list[str], kind: str, seed: int
) -> None:
    cache = tmp_path / "cache"
    source = write(tmp_path / "spec.json", with_secrets(spec()))
    first, found = load(source, cache)
    assert found == [] and len(walked) == 48
    assert TOKEN not in repr(first) and "<token>" in repr(first)
    walked.clear()

    write(source, edit(with_secrets(spec()), kind, seed))
    again, found_again = load(source, cache)
    read = list(walked)
    plain, found_plain = load(source, None)
    assert again == plain and found_again == found_plain == []
    assert TOKEN not in repr(again)
    if kind == "schema":  # everything an endpoint is made of can have changed
        assert len(read) == 48
    else:  # the endpoint that held a credential, and the edited path item's (one or two)
        assert read[0] == "get-pets-0" and 2 <= len(read) <= 3, read
    memo = json.loads(next((cache / "load").glob("*.json")).read_text(encoding="utf-8"))
    assert len(memo["valid"]) == len(json.loads(source.read_text())["paths"])
    assert ["components", "examples", "plain"] in memo["parts"]
    assert ["components", "examples", "login"] not in memo["parts"]


def test_the_spec_checks_read_only_the_changed_path_items(
    tmp_path: Path, checked: list[str]
) -> None:
    cache = tmp_path / "cache"
    source = write(tmp_path / "spec.json", spec())
    load(source, cache)
    checked.clear()
    write(source, edit(spec(), "description", 2))
    assert load(source, cache)[1] == []
    # the one changed path item, proved valid on its own: the rest was, by the last checks
    assert checked == ["items 1"]


@pytest.mark.parametrize("problem", ["invalid", "duplicate id", "example"])
def test_a_problem_in_a_changed_path_item_gets_the_full_checks_diagnostics(
    tmp_path: Path, problem: str
) -> None:
    cache = tmp_path / "cache"
    source = write(tmp_path / "spec.json", spec())
    load(source, cache)
    broken = spec()
    items = list(broken["paths"].values())
    if problem == "invalid":
        items[3]["get"]["responses"] = "none"
    elif problem == "duplicate id":  # the copy has another item's operationId
        items[5]["post"]["operationId"] = items[0]["get"]["operationId"]
    else:
        body = items[2]["get"]["responses"]["200"]["content"]["application/json"]
        body["example"] = {"id": "not a number"}
    write(source, broken)
    with_memo = load(source, cache)
    without = load(source, None)
    assert with_memo[1] == without[1] and any(d.level == "error" for d in without[1])
    assert with_memo[0] == without[0]
    # fixed again: what the memo proved of each path item still holds
    write(source, spec())
    assert load(source, cache) == load(source, None)
    assert load(source, cache)[1] == []


def test_the_memo_is_kept_apart_from_what_it_cannot_see(tmp_path: Path) -> None:
    document = spec()
    first_path = next(iter(document["paths"]))
    document["paths"][first_path]["get"]["responses"]["200"] = {"$ref": "other.json#/ok"}
    (tmp_path / "other.json").write_text(json.dumps({"ok": {"description": "OK"}}))
    source = write(tmp_path / "spec.json", document)
    cache = tmp_path / "cache"
    load(source, cache)
    assert not (cache / "load").exists()  # another document: no memo, and no kept read


def test_a_broken_or_foreign_memo_is_no_memo(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    source = write(tmp_path / "spec.json", with_secrets(spec()))
    load(source, cache)
    memo = next((cache / "load").glob("*.json"))
    for text in ("{", json.dumps({"format": 1, "salt": "another apiscribe"}), "[]",
                 memo.read_text().replace('"clean": [', '"clean": 3, "x": [')):
        memo.write_text(text)
        model, found = load(source, cache)
        assert (model, found) == load(source, None)
        assert json.loads(memo.read_text())["clean"]  # written again


def test_the_digests_tell_path_items_apart_exactly() -> None:
    document = spec()
    digests = spec_digests(document)
    assert digests is not None and len(digests.items) == len(document["paths"])
    changed = copy.deepcopy(document)
    item = next(iter(changed["paths"].values()))
    item["get"]["x-count"] = 1
    again = spec_digests(changed)
    assert again is not None and again.rest == digests.rest
    assert sum(again.items[p] != digests.items[p] for p in digests.items) == 1
    item["get"]["x-count"] = 1.0  # the same in JSON's eyes, not in the model's
    third = spec_digests(changed)
    assert third is not None and third.items != again.items
    changed["info"]["title"] = "Other"
    fourth = spec_digests(changed)
    assert fourth is not None and fourth.rest != digests.rest
    assert spec_digests([]) is None


def test_a_memo_that_cannot_be_written_is_skipped(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "load").write_text("a file where the folder would be")
    source = write(tmp_path / "spec.json", spec())
    model, found = load(source, cache)
    assert model is not None and found == []
    assert (cache / "load").read_text() == "a file where the folder would be"


def test_a_site_that_reads_a_spec_keeps_the_memo_in_its_page_cache(
    tmp_path: Path, walked: list[str]
) -> None:
    from apiscribe.site import CACHE_DIR, build_site, write_mkdocs_config

    from .test_site import site_files

    source = write(tmp_path / "spec.json", with_secrets(spec()))
    mkdocs_yml = tmp_path / "mkdocs.yml"
    mkdocs_yml.write_text(write_mkdocs_config(title="Memo", api_docs="spec.json"),
                          encoding="utf-8")
    build_site(mkdocs_yml, site_dir=tmp_path / "site")
    assert list((tmp_path / CACHE_DIR / "load").glob("*.json"))
    write(source, edit(with_secrets(spec()), "description", 3))
    walked.clear()
    build_site(mkdocs_yml, site_dir=tmp_path / "site")
    assert walked[0] == "get-pets-0" and len(walked) <= 3, walked
    text = mkdocs_yml.read_text(encoding="utf-8")
    mkdocs_yml.write_text(text.replace("api_docs: spec.json", "api_docs: spec.json\n"
                                       "      cache: false"), encoding="utf-8")
    assert "cache: false" in mkdocs_yml.read_text(encoding="utf-8")
    build_site(mkdocs_yml, site_dir=tmp_path / "cold")
    assert site_files(tmp_path / "site") == site_files(tmp_path / "cold")
    assert TOKEN not in str(site_files(tmp_path / "site"))


def test_the_file_as_named_is_part_of_the_memos_keys(
    tmp_path: Path, walked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    source = write(tmp_path / "spec.json", spec())
    load(source, cache)
    monkeypatch.chdir(tmp_path)
    walked.clear()
    model, found = pipeline.load("spec.json", cache_dir=cache)  # the same file, named anew
    assert len(walked) == 48  # its source locations name it so: nothing is taken as known
    assert (model, found) == pipeline.load("spec.json")
    walked.clear()
    pipeline.load("spec.json", cache_dir=cache)
    assert walked == []


def _small(paths: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths, **more}


def _ok(operation_id: str, **response: Any) -> dict[str, Any]:
    return {"get": {"operationId": operation_id,
                    "responses": {"200": {"description": "ok", **response}}}}


def _json_example(example: Any, schema: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"example": example} if schema is None else {
        "schema": schema, "examples": {"e": {"value": example}}}
    return {"content": {"application/json": body}}


def _cross_reference(secret: bool, through: str) -> dict[str, Any]:
    """GET /a's response is GET /b's, by a reference into /b's path item (or through a
    component that refers there); only /b changes."""
    b = _ok("b", **_json_example({"token": TOKEN} if secret else {"name": "x"}))
    target = "#/paths/~1b/get/responses/200"
    if through == "component":
        return _small({"/a": {"get": {"operationId": "a", "responses": {"200": {
            "$ref": "#/components/responses/R"}}}}, "/b": b},
            components={"responses": {"R": {"$ref": target}}})
    return _small({"/a": {"get": {"operationId": "a", "responses": {"200": {"$ref": target}}}},
                   "/b": b})


def _checked_through_b(value: Any) -> dict[str, Any]:
    """GET /a's example is GET /b's (by reference), checked against /a's schema."""
    where = "#/paths/~1b/get/responses/200/content/application~1json/examples/e"
    a = {"get": {"operationId": "a", "responses": {"200": {"description": "ok", "content": {
        "application/json": {"schema": {"type": "integer"},
                             "examples": {"e": {"$ref": where}}}}}}}}
    return _small({"/a": a, "/b": _ok("b", **_json_example(value, {}))})


def _moved_webhook(moved: bool) -> dict[str, Any]:
    """A webhook (no path parameters checked) that moves to ``paths`` under the same key."""
    item = {"post": {"operationId": "w", "parameters": [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok"}}}}
    document = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
                "paths": {"/a": _ok("a")}, "webhooks": {"other": {"post": {
                    "responses": {"200": {"description": "ok"}}}}}}
    document["paths" if moved else "webhooks"]["/w"] = item
    return document


@pytest.mark.parametrize(("before", "after"), [
    (_cross_reference(False, "path"), _cross_reference(True, "path")),
    (_cross_reference(False, "component"), _cross_reference(True, "component")),
    (_checked_through_b(1), _checked_through_b("x")),
    (_moved_webhook(False), _moved_webhook(True)),
], ids=["secret through a path item", "secret through a component", "example through a path "
        "item", "webhook moved to paths"])
def test_what_a_path_item_takes_from_another_is_never_taken_as_known(
    tmp_path: Path, before: dict[str, Any], after: dict[str, Any]
) -> None:
    cache = tmp_path / "cache"
    source = write(tmp_path / "spec.json", before)
    assert load(source, cache)[1] == []
    write(source, after)
    with_memo, without = load(source, cache), load(source, None)
    assert with_memo == without
    assert TOKEN not in repr(with_memo[0])


def test_a_path_item_that_comes_to_read_another_document_is_checked_on_every_load(
    tmp_path: Path
) -> None:
    # The memo is opened on the parsed document, before the reader says what other documents
    # it read; an item proved valid alone stays valid, one that reads another file is checked.
    cache = tmp_path / "cache"
    source = write(tmp_path / "spec.json", spec())
    assert load(source, cache)[1] == []
    other = tmp_path / "other.json"
    document = spec()
    first = next(iter(document["paths"].values()))["get"]
    first["parameters"].append({"name": "q", "in": "query",
                                "schema": {"$ref": "other.json#/Query"}})
    write(source, document)
    for target in ({"type": "string"}, {"type": "nonsense"}, {"minLength": 2}):
        other.write_text(json.dumps({"Query": target}), encoding="utf-8")
        with_memo, without = load(source, cache), load(source, None)
        assert with_memo == without
        assert any(d.level == "error" for d in without[1]) == (
            target.get("type") == "nonsense")


def test_the_spec_checks_start_before_the_model_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    original_beside, original_read = forking.Beside.__init__, pipeline.read_input

    def started(self: Any, call: Any) -> None:
        events.append("checks")
        original_beside(self, call)

    def read(*args: Any, **kwargs: Any) -> Any:
        events.append("read")
        return original_read(*args, **kwargs)

    monkeypatch.setattr(forking.Beside, "__init__", started)
    monkeypatch.setattr(pipeline, "read_input", read)
    source = write(tmp_path / "spec.json", spec())
    model, found = load(source, tmp_path / "cache")
    assert events == ["checks", "read"] and model is not None and found == []
    broken = spec()
    next(iter(broken["paths"].values()))["get"]["responses"] = "none"
    write(source, broken)
    assert load(source, tmp_path / "cache")[1] == load(source, None)[1] != []


def test_the_very_document_the_last_checks_found_clean_is_not_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checked: list[str]
) -> None:
    cache = tmp_path / "cache"
    source = write(tmp_path / "spec.json", spec())
    load(source, cache)
    checked.clear()
    forks: list[str] = []
    started = pipeline.beside

    def starting(function: Any, *args: Any, **kwargs: Any) -> Any:
        forks.append(function.__name__)
        return started(function, *args, **kwargs)

    monkeypatch.setattr(pipeline, "beside", starting)
    assert load(source, cache)[1] == [] and checked == [] and forks == []
    # one path item fewer: another document, checked
    fewer = spec()
    del fewer["paths"][next(iter(fewer["paths"]))]
    write(source, fewer)
    assert load(source, cache)[1] == [] and checked == ["items 0"] and forks == ["spec_checks"]
    # a document with a problem is checked on every run, and says so every time
    broken = spec()
    next(iter(broken["paths"].values()))["get"]["responses"] = "none"
    write(source, broken)
    for _ in range(2):
        checked.clear()
        found = load(source, cache)[1]
        assert checked[-1] == "whole 24" and any(d.level == "error" for d in found)
        assert found == load(source, None)[1]
