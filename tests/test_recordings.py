"""Examples recorded from the team's tests: the pytest plugin, matching recordings to
endpoints by route, picking one per endpoint, redaction, and schemas learned from traffic."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from apiscribe.diagnostics import ApiscribeError
from apiscribe.formats.recordings import dump_recordings, exchange_entry, read_recordings
from apiscribe.model import ApiModel, Endpoint, MediaType, Response, Section
from apiscribe.model.api import LEARNED_EXTENSION
from apiscribe.recording.learn import learn_schema, with_learned_schemas
from apiscribe.recording.recordings import attach
from apiscribe.views import markdown as markdown_view
from apiscribe.views import openapi as openapi_view

# -- the pytest plugin ---------------------------------------------------------------------

FLASK_TESTS = '''
import pytest
from flask import Flask, jsonify, request

app = Flask("pets")


@app.get("/pets/<int:pet_id>")
def get_pet(pet_id):
    return jsonify({"id": pet_id, "name": "Rex"})


@app.post("/pets")
def add_pet():
    return jsonify({"id": 7, **request.get_json()}), 201


@pytest.fixture
def client():
    return app.test_client()


def test_get(client):
    assert client.get("/pets/3?verbose=1").status_code == 200


@pytest.mark.apiscribe_example
def test_add(client):
    response = client.post("/pets", json={"name": "Tom"},
                           headers={"Authorization": "Bearer s3cr3t"})
    assert response.status_code == 201


def test_that_fails(client):
    client.get("/pets/9")
    assert False
'''

FASTAPI_TESTS = '''
from fastapi import FastAPI
from fastapi.testclient import TestClient

app = FastAPI()


@app.put("/things/{name}")
def put_thing(name: str, body: dict):
    return {"name": name, **body}


def test_put():
    client = TestClient(app)
    assert client.put("/things/a%20b", json={"size": 2}).status_code == 200
'''


def _record(pytester: pytest.Pytester, source: str) -> dict:
    pytester.makepyfile(test_app=textwrap.dedent(source))
    target = pytester.path / "out" / "recordings.json"
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider",
                                           f"--apiscribe-record={target}")
    result.stdout.fnmatch_lines(["apiscribe: * exchange(s) from * test(s) recorded in *"])
    return json.loads(target.read_text())


def test_the_plugin_records_flask_test_client_requests(pytester: pytest.Pytester) -> None:
    recorded = _record(pytester, FLASK_TESTS)
    assert recorded["format"] == "apiscribe-recordings"
    assert recorded["tests"] == {"test_app.py::test_get": "passed",
                                 "test_app.py::test_add": "passed",
                                 "test_app.py::test_that_fails": "failed"}
    first, second, third = recorded["exchanges"]
    assert first["request"]["method"] == "GET"
    assert first["request"]["target"] == "/pets/3?verbose=1"
    assert first["response"]["status"] == 200
    assert json.loads(first["response"]["body"]) == {"id": 3, "name": "Rex"}
    assert second["marked"] is True and not first["marked"]
    assert json.loads(second["request"]["body"]) == {"name": "Tom"}
    assert ["Authorization", "Bearer s3cr3t"] in second["request"]["headers"]
    assert third["test"] == "test_app.py::test_that_fails"


def test_the_plugin_records_starlette_test_client_requests(pytester: pytest.Pytester) -> None:
    recorded = _record(pytester, FASTAPI_TESTS)
    (exchange,) = recorded["exchanges"]
    assert exchange["request"]["method"] == "PUT"
    assert exchange["request"]["target"] == "/things/a%20b"
    assert json.loads(exchange["request"]["body"]) == {"size": 2}
    assert json.loads(exchange["response"]["body"]) == {"name": "a b", "size": 2}


def test_the_plugin_is_off_until_asked_for(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_app=textwrap.dedent(FLASK_TESTS))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    assert "apiscribe:" not in result.stdout.str()
    assert not list(pytester.path.rglob("*.json"))


# -- recordings into examples ----------------------------------------------------------------


def _model() -> ApiModel:
    endpoints = (
        Endpoint("get-pet", "pets", "GET", "/pets/{pet_id}"),
        Endpoint("get-mine", "pets", "GET", "/pets/mine"),
        Endpoint("add-pet", "pets", "POST", "/pets"),
        Endpoint("delete-pet", "pets", "DELETE", "/pets/{pet_id}"),
    )
    return ApiModel(title="Pets", sections=(Section("pets", "Pets", endpoints),),
                    base_url="https://api.pets.example")


def _entry(test: str, method: str, target: str, status: int, body: object = None, *,
           marked: bool = False, headers: list[tuple[str, str]] | None = None,
           request: object = None) -> dict:
    sent = json.dumps(request).encode() if request is not None else None
    request_headers = [("Host", "localhost"), *(headers or [])]
    if sent:
        request_headers.append(("Content-Type", "application/json"))
    answer = json.dumps(body).encode() if body is not None else None
    return exchange_entry(test, marked, method, target, request_headers, sent, status, "",
                          [("Content-Type", "application/json")] if answer else [], answer)


def _recordings(tmp_path: Path, entries: list[dict], outcomes: dict[str, str]) -> Path:
    path = tmp_path / "recordings.json"
    from datetime import UTC, datetime

    path.write_text(dump_recordings(outcomes, entries, datetime(2026, 12, 5, tzinfo=UTC)))
    return path


def _examples(model: ApiModel) -> dict[str, str]:
    return {ep.name: ep.example.request_text.split("\n", 1)[0] for ep in model.endpoints
            if not ep.example.is_empty}


def test_each_endpoint_gets_the_first_2xx_unless_a_test_marks_its_own(tmp_path: Path) -> None:
    entries = [
        _entry("t.py::test_missing", "GET", "/pets/404", 404, {"error": "no"}),
        _entry("t.py::test_one", "GET", "/pets/1", 200, {"id": 1}),
        _entry("t.py::test_two", "GET", "/pets/2", 200, {"id": 2}),
        _entry("t.py::test_mine", "GET", "/pets/mine", 200, [{"id": 1}]),
        _entry("t.py::test_add", "POST", "/pets", 201, {"id": 3}, request={"name": "a"}),
        _entry("t.py::test_add_marked", "POST", "/pets", 201, {"id": 4},
               request={"name": "b"}, marked=True),
        _entry("t.py::test_add_later", "POST", "/pets", 201, {"id": 5}, request={"name": "c"}),
    ]
    outcomes = {e["test"]: "passed" for e in entries}
    model, diagnostics = attach(_model(), read_recordings(
        _recordings(tmp_path, entries, outcomes)))
    assert _examples(model) == {"get-pet": "GET /pets/1 HTTP/1.1",
                                "get-mine": "GET /pets/mine HTTP/1.1",  # the literal route
                                "add-pet": "POST /pets HTTP/1.1"}
    add = next(ep for ep in model.endpoints if ep.name == "add-pet")
    assert '"name": "b"' in add.example.request_text  # the marked test's request
    assert diagnostics == []


def test_failed_tests_are_left_out_and_unmatched_requests_named(tmp_path: Path) -> None:
    entries = [
        _entry("t.py::test_broken", "GET", "/pets/1", 200, {"id": 1}),
        _entry("t.py::test_ok", "GET", "/pets/2", 200, {"id": 2}),
        _entry("t.py::test_elsewhere", "GET", "/owners/1", 200, {"id": 1}),
    ]
    path = _recordings(tmp_path, entries, {"t.py::test_broken": "failed",
                                           "t.py::test_ok": "passed",
                                           "t.py::test_elsewhere": "passed"})
    model, diagnostics = attach(_model(), read_recordings(path))
    assert _examples(model) == {"get-pet": "GET /pets/2 HTTP/1.1"}
    by_code = {d.code: d for d in diagnostics}
    assert "1 exchange(s) of 1 failed test(s) were left out" in by_code[
        "failed-test-recordings"].message
    assert "t.py::test_broken" in by_code["failed-test-recordings"].hint
    unmatched = by_code["unmatched-recording"]
    assert unmatched.message.startswith("t.py::test_elsewhere sent GET /owners/1")
    assert unmatched.file == str(path)


def test_credentials_and_volatile_values_are_replaced(tmp_path: Path) -> None:
    entries = [_entry(
        "t.py::test_one", "GET", "/pets/1", 200,
        {"id": 1, "token_echo": "tok-123456", "uid": "0b6b1c5e-9a4f-4b0e-8f43-2f0d9e6e8a11",
         "seen": "2026-12-05T10:00:00Z"},
        headers=[("Authorization", "Token tok-123456"), ("Cookie", "session=abcdef")])]
    path = _recordings(tmp_path, entries, {"t.py::test_one": "passed"})
    model, _ = attach(_model(), read_recordings(path))
    example = next(ep for ep in model.endpoints if ep.name == "get-pet").example
    text = example.request_text + example.response_text
    assert "Authorization: Token <token>" in example.request_text
    assert "tok-123456" not in text and "abcdef" not in text
    assert "Host: api.pets.example" in example.request_text
    assert "0b6b1c5e-9a4f-4b0e-8f43-2f0d9e6e8a11" not in text
    assert "2026-12-05T10:00:00Z" not in text and "2024-01-01T12:00:00Z" in text


def test_a_file_that_is_not_recordings_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"openapi": "3.1.0"}')
    with pytest.raises(ApiscribeError, match="not a recordings file"):
        read_recordings(other)
    with pytest.raises(ApiscribeError) as missing:
        read_recordings(tmp_path / "absent.json")
    assert missing.value.exit_code == 2
    assert "pytest --apiscribe-record" in missing.value.hint


# -- learned schemas -------------------------------------------------------------------------


def test_learned_schemas_merge_types_formats_required_and_items() -> None:
    schema = learn_schema([
        {"id": 1, "when": "2026-12-05T10:00:00Z", "site": "https://example.com/a",
         "mail": "a@example.com", "key": "0b6b1c5e-9a4f-4b0e-8f43-2f0d9e6e8a11",
         "tags": [{"name": "x"}, {"name": "y", "color": "red"}]},
        {"id": 2, "when": "2026-12-06T11:00:00+01:00", "site": "http://example.org",
         "mail": "b@example.org", "key": "1c6b1c5e-9a4f-4b0e-8f43-2f0d9e6e8a11", "tags": []},
    ])
    props = schema["properties"]
    assert props["id"] == {"type": "integer"}
    assert props["when"] == {"type": "string", "format": "date-time"}
    assert props["site"]["format"] == "uri"
    assert props["mail"]["format"] == "email"
    assert props["key"]["format"] == "uuid"
    assert props["tags"]["items"]["required"] == ["name"]
    assert set(schema["required"]) == {"id", "when", "site", "mail", "key", "tags"}
    mixed = learn_schema([{"a": "2026-12-05T10:00:00Z"}, {"a": "later"}, {"b": 1}])
    assert mixed["properties"]["a"] == {"type": "string"}
    assert "required" not in mixed


def test_a_declared_schema_wins_and_learned_ones_are_marked(tmp_path: Path) -> None:
    declared = Response("200", "OK", (MediaType("application/json", {"type": "object"}),))
    model = _model()
    endpoints = tuple(ep if ep.name != "get-pet" else Endpoint(
        "get-pet", "pets", "GET", "/pets/{pet_id}", responses=(declared,))
        for ep in model.endpoints)
    model = ApiModel("Pets", (Section("pets", "Pets", endpoints),),
                     base_url="https://api.pets.example")
    entries = [
        _entry("t.py::a", "GET", "/pets/1", 200, {"id": 1}),
        _entry("t.py::b", "GET", "/pets/9", 404, {"error": "no such pet"}),
        _entry("t.py::c", "POST", "/pets", 201, {"id": 3}, request={"name": "a", "age": 2}),
    ]
    model, _ = attach(model, read_recordings(_recordings(
        tmp_path, entries, {e["test"]: "passed" for e in entries})))
    pet = next(ep for ep in model.endpoints if ep.name == "get-pet")
    by_status = {r.status: r for r in pet.responses or ()}
    assert by_status["200"] == declared  # declared: untouched
    learned = by_status["404"].content[0]
    assert learned.extensions[LEARNED_EXTENSION] is True
    assert learned.schema["properties"] == {"error": {"type": "string"}}
    add = next(ep for ep in model.endpoints if ep.name == "add-pet")
    assert add.request_body is not None
    assert [f.name for f in add.request_body.fields or ()] == ["name", "age"]  # as sent
    spec = json.loads(openapi_view.render(model)["openapi.json"])
    body = spec["paths"]["/pets"]["post"]["requestBody"]["content"]["application/json"]
    assert body[LEARNED_EXTENSION] is True
    page = markdown_view.render(model)
    assert any("Schema learned from the recorded requests and responses" in text
               for text in page.values())


def test_learning_needs_json_bodies() -> None:
    endpoint = Endpoint("x", "s", "GET", "/x")
    assert with_learned_schemas(endpoint, []) == endpoint
