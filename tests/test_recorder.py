"""The recorder: scenarios run against a real server on 127.0.0.1, examples made stable.

The app under test is ``tests/recorder_fixtures`` (plain WSGI under waitress): it returns
uuid4 ids, the current time, links with its own host and port, and wants the Bearer token.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from typing import Any

import httpx
import pytest

from apiscribe.config import Config
from apiscribe.diagnostics import ApiscribeError, Diagnostic
from apiscribe.model import (
    ApiModel,
    Endpoint,
    Example,
    Header,
    HttpRequest,
    HttpResponse,
    Section,
    SourceLocation,
)
from apiscribe.recording.normalize import Normalizer, stand_in_uuid
from apiscribe.recording.recorder import path_matches, record
from apiscribe.scenarios import registered

from .conftest import ROOT
from .recorder_fixtures import scenarios as fixture_scenarios

APP = "tests.recorder_fixtures.app:application"
THING = "/api/0/things/{thing_id}/"


def _config(**changes: Any) -> Config:
    config = Config(
        root=ROOT,
        pythonpath=(".",),
        wsgi=APP,
        scenarios="tests.recorder_fixtures.scenarios",
        setup="tests.recorder_fixtures.seed:setup",
        token_env="RECFIX_TOKEN",
        database_env="RECFIX_DATABASE",
        base_url="https://api.example.com",
        request_timeout=10.0,
    )
    return replace(config, **changes)


def _endpoint(name: str, method: str, api_path: str, *scenarios: str, line: int = 1) -> Endpoint:
    return Endpoint(
        name=name, section="things", method=method, api_path=api_path, title=name,
        scenarios=scenarios, source=SourceLocation("things/views.py", line),
    )


def _model(*endpoints: Endpoint) -> ApiModel:
    return ApiModel("Things", sections=(Section("things", "Things", endpoints),))


HAND_WRITTEN = Example("PUT /api/0/things/1/ HTTP/1.1", "HTTP/1.1 200 OK")

MAIN = _model(
    _endpoint("list-things", "GET", "/api/0/things/", "RecListThings"),
    _endpoint("create-thing", "POST", "/api/0/things/", "RecCreateThing"),
    _endpoint("thing-details", "GET", THING, "RecThingDetails"),
    _endpoint("delete-thing", "DELETE", THING, "RecDeleteThing"),
    _endpoint("upload-file", "POST", THING + "files/", "RecUploadFile"),
    _endpoint("search-things", "GET", "/api/0/things/", "RecSearchThings"),
    replace(_endpoint("update-thing", "PUT", THING, line=42), example=HAND_WRITTEN),
    _endpoint("current-auth", "GET", "/api/0/auth/", "RecCurrentAuth"),
)


@dataclass(frozen=True)
class Run:
    model: ApiModel
    diagnostics: list[Diagnostic]
    progress: list[str]
    seen: dict[str, Any]

    def example(self, name: str) -> Example:
        return next(ep.example for ep in self.model.endpoints if ep.name == name)


def _record(model: ApiModel, config: Config | None = None) -> Run:
    calls: list[str] = []
    fixture_scenarios.SEEN.clear()
    out, diagnostics = record(config or _config(), model, progress=calls.append)
    return Run(out, diagnostics, calls, dict(fixture_scenarios.SEEN))


def _assert_stopped(seen: dict[str, Any]) -> None:
    with pytest.raises(ProcessLookupError):
        os.kill(seen["pid"], 0)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{seen['port']}/whoami", timeout=2.0)


def _line(name: str) -> int:
    return registered()[name].line


U = [str(stand_in_uuid(i)) for i in range(8)]


@pytest.fixture(scope="module")
def runs() -> tuple[Run, Run]:
    """The main model recorded twice, each time on a fresh server and database."""
    return _record(MAIN), _record(MAIN)


def test_request_shows_base_host_token_placeholder_and_py2_json(runs: tuple[Run, Run]) -> None:
    assert runs[0].example("create-thing").request_text == (
        "POST /api/0/things/ HTTP/1.1\n"
        "Host: api.example.com\n"
        "Authorization: Bearer <token>\n"
        "Content-Type: application/json\n"
        "\n"
        "{\n"
        '  "name": "Pump Station", \n'
        '  "tags": [\n'
        '    "a", \n'
        '    "b"\n'
        "  ]\n"
        "}"
    )


def test_request_keeps_query_and_headers_the_scenario_set(runs: tuple[Run, Run]) -> None:
    assert runs[0].example("search-things").request_text == (
        "GET /api/0/things/?query=Water HTTP/1.1\n"
        "Host: api.example.com\n"
        "Authorization: Bearer <token>\n"
        "Accept: application/json\n"
        "X-Client: docs"
    )


def test_multipart_upload_uses_the_fixed_boundary(runs: tuple[Run, Run]) -> None:
    example = runs[0].example("upload-file")
    assert example.exchange is not None and example.exchange.response.body is not None
    thing = example.exchange.response.body.split('"thing": "')[1].split('"')[0]
    assert example.request_text == (
        f"POST /api/0/things/{thing}/files/ HTTP/1.1\n"
        "Host: api.example.com\n"
        "Authorization: Bearer <token>\n"
        "Content-Type: multipart/form-data; boundary=apiscribe-boundary\n"
        "\n"
        "--apiscribe-boundary\r\n"
        'Content-Disposition: form-data; name="note"\r\n\r\n'
        "first\r\n"
        "--apiscribe-boundary\r\n"
        'Content-Disposition: form-data; name="file"; filename="hello.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
        "hello world\n\r\n"
        "--apiscribe-boundary--\r\n"
    )
    assert '"size": 12' in example.response_text


def _length(body: str) -> str:
    return f"Content-Length: {len(body.encode('utf-8'))}\n"


def test_volatile_values_get_stand_ins_in_order_of_first_appearance(
    runs: tuple[Run, Run],
) -> None:
    listed = (
        "[\n"
        "  {\n"
        '    "dateCreated": "2024-01-01T12:00:00.000000Z", \n'
        f'    "id": "{U[1]}", \n'
        '    "name": "Pump Station"\n'
        "  }, \n"
        "  {\n"
        '    "dateCreated": "2024-01-01T12:00:01.000000Z", \n'
        f'    "id": "{U[2]}", \n'
        '    "name": "Water Tower"\n'
        "  }\n"
        "]"
    )
    assert runs[0].example("list-things").response_text == (
        "HTTP/1.1 200 OK\n"
        + _length(listed)
        + "Content-Type: application/json\n"
        'Link: <https://api.example.com/api/0/things/?cursor=2>; rel="next"\n'
        f"X-Request-Id: {U[0]}\n"
        "\n" + listed
    )
    created = (
        "{\n"
        '  "dateCreated": "2024-01-01T12:00:02.000000Z", \n'
        f'  "id": "{U[3]}", \n'
        '  "name": "Pump Station"\n'
        "}"
    )
    assert runs[0].example("create-thing").response_text == (
        "HTTP/1.1 201 CREATED\n"
        + _length(created)
        + "Content-Type: application/json\n"
        f"Location: https://api.example.com/api/0/things/{U[3]}/\n"
        f"X-Request-Id: {U[4]}\n"
        "\n" + created
    )


def test_an_id_in_the_path_and_the_body_gets_one_stand_in(runs: tuple[Run, Run]) -> None:
    example = runs[0].example("thing-details")
    detail = (
        "{\n"
        '  "dateCreated": "2024-01-01T12:00:04.000000Z", \n'
        f'  "id": "{U[5]}", \n'
        '  "name": "Boiler"\n'
        "}"
    )
    assert example.request_text == (
        f"GET /api/0/things/{U[5]}/ HTTP/1.1\n"
        "Host: api.example.com\n"
        "Authorization: Bearer <token>"
    )
    assert example.response_text == (
        "HTTP/1.1 200 OK\n"
        + _length(detail)
        + "Content-Type: application/json\n"
        "Last-Modified: Mon, 01 Jan 2024 12:00:03 GMT\n"
        f"X-Request-Id: {U[6]}\n"
        "\n" + detail
    )


def test_response_without_body(runs: tuple[Run, Run]) -> None:
    assert runs[0].example("delete-thing").response_text == "HTTP/1.1 204 NO CONTENT"


def test_two_runs_give_byte_identical_examples(runs: tuple[Run, Run]) -> None:
    first, second = runs
    assert first.seen["pid"] != second.seen["pid"]
    assert first.seen["token"] != second.seen["token"]
    for one, two in zip(first.model.endpoints, second.model.endpoints, strict=True):
        assert one.example == two.example
    assert first.model == second.model


def test_the_real_token_and_local_address_appear_nowhere(runs: tuple[Run, Run]) -> None:
    for run in runs:
        text = repr(run.model)
        assert run.seen["token"] not in text
        assert "127.0.0.1" not in text
        assert f":{run.seen['port']}" not in text
    assert '"token": "<token>"' in runs[0].example("current-auth").response_text


def test_content_length_matches_the_published_body(runs: tuple[Run, Run]) -> None:
    checked = 0
    for endpoint in runs[0].model.endpoints:
        exchange = endpoint.example.exchange
        if exchange is None or exchange.response.body is None:
            continue
        body = exchange.response.body
        assert exchange.response.header("Content-Length") == str(len(body.encode("utf-8")))
        checked += 1
    assert checked == 6


def test_scenarios_run_once_each_in_order_and_examples_carry_their_scenario(
    runs: tuple[Run, Run],
) -> None:
    assert runs[0].progress == [
        "RecListThings", "RecCreateThing", "RecThingDetails", "RecDeleteThing",
        "RecUploadFile", "RecSearchThings", "RecCurrentAuth",
    ]
    exchange = runs[0].example("search-things").exchange
    assert exchange is not None and exchange.scenario == "RecSearchThings"


def test_endpoint_without_scenario_is_kept_and_warned_about(runs: tuple[Run, Run]) -> None:
    assert runs[0].example("update-thing") == HAND_WRITTEN
    assert [d.format() for d in runs[0].diagnostics] == [
        "things/views.py:42: warning no-scenario: PUT /api/0/things/{thing_id}/ has no "
        "example scenario (endpoint update-thing)\n"
        "    hint: attach one with @attach_scenarios([...])"
    ]


def test_server_is_stopped_after_success(runs: tuple[Run, Run]) -> None:
    for run in runs:
        _assert_stopped(run.seen)


def test_failing_unknown_and_missing_scenarios_are_diagnostics() -> None:
    run = _record(_model(
        _endpoint("list-things", "GET", "/api/0/things/", "RecListThings", line=10),
        _endpoint("failing-list", "GET", "/api/0/things/", "RecFailing", line=20),
        _endpoint("failing-search", "GET", "/api/0/things/", "RecFailing", line=30),
        _endpoint("unknown", "PUT", THING, "RecListThingz", line=40),
        _endpoint("missed", "PUT", THING, "RecMisses", line=50),
        _endpoint("list-again", "GET", "/api/0/things/", "RecListThings", line=60),
    ))
    scenarios = "tests/recorder_fixtures/scenarios.py"
    failing, misses = _line("RecFailing"), _line("RecMisses")
    assert [d.format() for d in run.diagnostics] == [
        "things/views.py:40: error unknown-scenario: unknown scenario 'RecListThingz' "
        "(endpoint unknown)\n    hint: Did you mean 'RecListThings'?",
        f"{scenarios}:{failing}: error scenario-failed: scenario 'RecFailing' failed: "
        "RuntimeError: the thing service is down (endpoint failing-list)\n"
        f"    hint: raised at {scenarios}:{failing + 4}",
        f"{scenarios}:{failing}: error scenario-failed: scenario 'RecFailing' failed: "
        "RuntimeError: the thing service is down (endpoint failing-search)\n"
        f"    hint: raised at {scenarios}:{failing + 4}",
        f"{scenarios}:{misses}: error scenario-missed-endpoint: scenario 'RecMisses' sent no "
        "PUT request to /api/0/things/{thing_id}/ (endpoint missed)\n"
        "    hint: it sent: GET /api/0/things/",
    ]
    assert all(d.endpoint for d in run.diagnostics)
    assert run.progress == ["RecListThings", "RecFailing", "RecMisses"]
    examples = {ep.name: ep.example for ep in run.model.endpoints}
    assert examples["list-things"].request_text.startswith("GET /api/0/things/ HTTP/1.1\n")
    assert examples["list-again"] == examples["list-things"]
    for name in ("failing-list", "failing-search", "unknown", "missed"):
        assert examples[name].is_empty
    _assert_stopped(run.seen)


def test_ctrl_c_inside_a_scenario_stops_the_server() -> None:
    model = _model(
        _endpoint("list-things", "GET", "/api/0/things/", "RecListThings"),
        _endpoint("interrupted", "GET", "/api/0/things/", "RecInterrupted"),
        _endpoint("create-thing", "POST", "/api/0/things/", "RecCreateThing"),
    )
    calls: list[str] = []
    fixture_scenarios.SEEN.clear()
    with pytest.raises(KeyboardInterrupt):
        record(_config(), model, progress=calls.append)
    assert calls == ["RecListThings", "RecInterrupted"]
    _assert_stopped(fixture_scenarios.SEEN)


def _server_error(config: Config) -> str:
    with pytest.raises(ApiscribeError) as info:
        record(config, _model(_endpoint("list-things", "GET", "/api/0/things/", "RecListThings")))
    assert info.value.hint == "check the wsgi and setup settings"
    return info.value.message


def test_a_failing_setup_hook_names_the_command() -> None:
    message = _server_error(_config(setup="tests.recorder_fixtures.seed:broken_setup"))
    assert message.splitlines()[0] == (
        f"the app server did not start (exited with status 1): {sys.executable} -m "
        f"apiscribe.recording.app_process --app {APP} "
        "--setup tests.recorder_fixtures.seed:broken_setup"
    )
    assert message.splitlines()[-1] == "RuntimeError: the seed data is corrupt"


def test_a_missing_wsgi_module_names_the_command() -> None:
    message = _server_error(_config(wsgi="tests.recorder_fixtures.nowhere:application"))
    assert message.splitlines()[0] == (
        f"the app server did not start (exited with status 1): {sys.executable} -m "
        "apiscribe.recording.app_process --app tests.recorder_fixtures.nowhere:application "
        "--setup tests.recorder_fixtures.seed:setup"
    )
    assert message.splitlines()[-1] == (
        "ModuleNotFoundError: No module named 'tests.recorder_fixtures.nowhere'"
    )


def test_a_scenarios_module_that_does_not_import_is_an_error() -> None:
    config = _config(scenarios="tests.recorder_fixtures.nowhere")
    with pytest.raises(ApiscribeError) as info:
        record(config, MAIN)
    assert info.value.message == (
        "cannot import the scenarios module 'tests.recorder_fixtures.nowhere': "
        "ModuleNotFoundError: No module named 'tests.recorder_fixtures.nowhere'"
    )


def test_no_server_starts_when_no_scenario_is_known() -> None:
    model = _model(
        _endpoint("bare", "GET", "/api/0/things/", line=3),
        _endpoint("unknown", "GET", "/api/0/things/", "RecNothingLikeIt", line=4),
    )
    out, diagnostics = record(_config(wsgi=""), model)
    assert out == model
    assert [(d.level, d.code, d.endpoint) for d in diagnostics] == [
        ("warning", "no-scenario", "bare"),
        ("error", "unknown-scenario", "unknown"),
    ]


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("/api/0/things/{thing_id}/", "/api/0/things/abc-1/", True),
        ("/api/0/things/{thing_id}/", "/api/0/things/", False),
        ("/api/0/things/{thing_id}/", "/api/0/things/a/b/", False),
        ("/api/0/things/{thing_id}/", "/api/0/things/abc", False),
        ("/api/0/{org}/releases/{version}/", "/api/0/acme/releases/1.0/", True),
        ("/api/0/things/", "/api/0/thingsX/", False),
        ("/api/0/a.b/", "/api/0/aXb/", False),
    ],
)
def test_path_matches_the_api_path_template(template: str, path: str, expected: bool) -> None:
    assert path_matches(template, path) is expected


# -- the normalizer on its own ---------------------------------------------------------------


def _normalizer(base_url: str = "https://api.example.com") -> Normalizer:
    return Normalizer(base_url=base_url, server_url="http://127.0.0.1:8123", token="f00dfeed")


def test_timestamps_keep_their_layout_and_one_instant_one_stand_in() -> None:
    text = (
        "a 2031-05-06T07:08:09+02:00 b 2031-05-06 05:08:09.5 c 2031-05-06T05:08:09Z "
        "d Tue, 06 May 2031 05:08:09 GMT e 2031-05-06T07:08:09.123456789-05:00 "
        "f 2031-05-06T07:08:09+02:00 g 2031-05-06"
    )
    assert _normalizer().text(text) == (
        "a 2024-01-01T14:00:00+02:00 b 2024-01-01 12:00:01.0 c 2024-01-01T12:00:00Z "
        "d Mon, 01 Jan 2024 12:00:00 GMT e 2024-01-01T07:00:02.000000000-05:00 "
        "f 2024-01-01T14:00:00+02:00 g 2031-05-06"
    )


def test_uuids_keep_their_form_and_one_value_one_stand_in() -> None:
    raw = "0d1697b4-b6ad-4b10-abb3-a7462d21d4cd"
    other = "c752779c7ba94a32be1de0677fead7fb"
    text = f"{raw} {raw.upper()} {raw.replace('-', '')} {other} {raw}0 40c4-a132"
    first, second = stand_in_uuid(0), stand_in_uuid(1)
    assert _normalizer().text(text) == (
        f"{first} {str(first).upper()} {first.hex} {second.hex} {raw}0 40c4-a132"
    )


def test_local_address_and_token_are_rewritten() -> None:
    text = (
        "<http://127.0.0.1:8123/a/>; rel=next ?next=http%3A%2F%2F127.0.0.1%3A8123%2Fb "
        "Host 127.0.0.1:8123 other 127.0.0.1:81234 token f00dfeed"
    )
    assert _normalizer("https://docs.example.com:8443/v1").text(text) == (
        "<https://docs.example.com:8443/a/>; rel=next "
        "?next=https%3A%2F%2Fdocs.example.com%3A8443%2Fb "
        "Host docs.example.com:8443 other 127.0.0.1:81234 token <token>"
    )


def test_request_drops_client_headers_and_keeps_other_credentials() -> None:
    raw = HttpRequest("POST", "/x/?a=1", (
        Header("Host", "127.0.0.1:8123"), Header("Accept", "*/*"),
        Header("Accept-Encoding", "identity"), Header("Connection", "keep-alive"),
        Header("User-Agent", "python-httpx/0.28.1"), Header("Authorization", "Bearer wrong"),
        Header("X-Trace", "t"), Header("Content-Length", "7"),
        Header("Content-Type", "text/plain"),
    ), "{\"b\":1}")
    assert _normalizer("http://localhost:9000").request(raw) == HttpRequest(
        "POST", "/x/?a=1", (
            Header("Host", "localhost:9000"), Header("Authorization", "Bearer wrong"),
            Header("Content-Type", "text/plain"), Header("X-Trace", "t"),
        ), '{"b":1}',
    )


def test_response_headers_reason_and_length() -> None:
    normalizer = _normalizer()
    raw = HttpResponse(201, "Created", (
        Header("Date", "Tue, 06 May 2031 05:08:09 GMT"), Header("Transfer-Encoding", "chunked"),
        Header("Server", "waitress"), Header("Content-Type", "application/problem+json"),
        Header("Connection", "close"),
    ), '{"z": "\u00e9", "a": [1.5, null]}')
    body = '{\n  "a": [\n    1.5, \n    null\n  ], \n  "z": "\\u00e9"\n}'
    assert normalizer.response(raw) == HttpResponse(201, "CREATED", (
        Header("Content-Length", str(len(body))),
        Header("Content-Type", "application/problem+json"),
    ), body)
    head = HttpResponse(200, "OK", (Header("Content-Length", "99"),))
    assert normalizer.response(head, method="HEAD") == head
    odd = HttpResponse(599, "Network timeout", (Header("Content-Type", "application/json"),),
                       "not json")
    assert normalizer.response(odd) == HttpResponse(
        599, "NETWORK TIMEOUT", (Header("Content-Type", "application/json"),), "not json"
    )
    binary = HttpResponse(200, "OK", (Header("Content-Length", "3"),),
                          b"\xff\x00\xfe".decode("utf-8", "surrogateescape"))
    assert normalizer.response(binary) == HttpResponse(
        200, "OK", (Header("Content-Length", "3"),), "<3 bytes of binary data>"
    )


def test_entity_tags_get_stand_ins_of_the_same_length() -> None:
    normalizer = _normalizer()
    first = normalizer.response(HttpResponse(200, "OK", (Header("ETag", 'W/"5d41402abc"'),)))
    tag = first.header("ETag")
    assert tag is not None and tag.startswith('W/"') and len(tag) == len('W/"5d41402abc"')
    assert tag != 'W/"5d41402abc"'
    again = normalizer.request(HttpRequest("GET", "/", (Header("If-None-Match", '"5d41402abc"'),)))
    assert again.header("If-None-Match") == tag[2:]
    other = normalizer.response(HttpResponse(304, "Not Modified", (Header("ETag", '"x"'),)))
    assert other.header("ETag") not in (None, '"x"', tag[2:])


def test_with_a_window_only_timestamps_near_the_recording_clock_are_replaced() -> None:
    from datetime import UTC, datetime, timedelta

    normalizer = Normalizer(
        base_url="https://api.example.com",
        server_url="http://127.0.0.1:8123",
        token="f00dfeed",
        volatile_window=timedelta(days=2),
        now=datetime(2031, 5, 6, 5, 0, tzinfo=UTC),
    )
    text = "seeded 2018-11-06T21:20:08Z made 2031-05-06T05:08:09Z seeded 2018-11-06T22:05:00Z"
    assert normalizer.text(text) == (
        "seeded 2018-11-06T21:20:08Z made 2024-01-01T12:00:00Z seeded 2018-11-06T22:05:00Z"
    )


def test_a_scenario_marked_as_error_example_marks_its_example() -> None:
    run = _record(_model(_endpoint("missing-thing", "GET", THING, "RecMissingThing")))
    example = run.example("missing-thing")
    assert run.diagnostics == []
    assert example.response_text.startswith("HTTP/1.1 404 NOT FOUND")
    assert example.marked_error is True
    assert MAIN.endpoints[0].example.marked_error is False
